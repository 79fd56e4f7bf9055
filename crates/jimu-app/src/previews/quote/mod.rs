//! The quote preview beside the pricing rules: a context panel (region from the bundle's
//! region tree, tier, channel, time, distance and every other variable rules read), a
//! quantity per catalog item, and the full quote with the trace of every rule ("why this
//! price"), computed by jimu-core in the browser as the document or the inputs change.

pub mod model;

use crate::i18n::Key;
use crate::previews::Stale;
use crate::shell::workspace::Workspace;
use crate::state::samples;
use crate::ui::samples::SampleBar;
use jimu_core::{Bundle, Outcome};
use leptos::prelude::*;
use model::{Kind, Priced, VARIABLES};
use std::sync::Arc;

/// The preview, over the last bundle that loaded.
#[component]
pub fn QuotePreview(ws: Workspace) -> impl IntoView {
    let bundle = Memo::new(move |_| {
        ws.good
            .with(|g| g.as_ref().map(|g| g.bundle.clone()))
            .map(ArcEq)
    });
    let zone = move || {
        ws.read(|doc| {
            doc.get("time_zone")
                .and_then(|v| v.as_str())
                .unwrap_or("Asia/Shanghai")
                .to_owned()
        })
    };
    let priced = Memo::new(move |_| {
        let bundle = bundle.get()?;
        let zone = zone();
        ws.inputs.with(|inputs| {
            Some(PricedEq(model::price(
                &bundle.0,
                &inputs.context,
                &inputs.quantities,
                &zone,
            )))
        })
    });
    view! {
        <section class="card preview" id="quote-preview" aria-labelledby="quote-preview-title">
            <div class="card-head">
                <h2 class="card-title" id="quote-preview-title">{move || ws.t(Key::QuotePreviewTitle)}</h2>
                <Stale ws />
            </div>
            {move || match bundle.get() {
                None => view! { <p class="card-note">{ws.t(Key::PreviewNeedsValid)}</p> }.into_any(),
                Some(bundle) => {
                    let bundle = bundle.0;
                    let for_keep = bundle.clone();
                    let for_use = bundle.clone();
                    let current = Callback::new(move |()| {
                        let zone = zone_now(ws);
                        let (request, _, problems) = ws.inputs.with_untracked(|i| {
                            model::request(&for_keep, &i.context, &i.quantities, &zone)
                        });
                        problems.is_empty().then(|| serde_json::json!({ "request": request }))
                    });
                    let on_use = Callback::new(move |sample: serde_json::Value| {
                        let zone = zone_now(ws);
                        let request = sample.get("request").cloned().unwrap_or_default();
                        let (context, quantities) = model::typed_from_request(&for_use, &request, &zone);
                        ws.set_inputs(|i| {
                            i.context = context;
                            i.quantities = quantities;
                        });
                    });
                    view! {
                        <SampleBar ws kind=samples::Kind::Quotes current on_use />
                        <ContextPanel ws bundle=bundle.clone() priced />
                        <Quantities ws bundle=bundle.clone() priced />
                        <QuoteResult ws bundle priced />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The bundle's time zone (Asia/Shanghai when it names none), read without tracking.
fn zone_now(ws: Workspace) -> String {
    ws.store.with_untracked(|s| {
        s.doc()
            .get("time_zone")
            .and_then(|v| v.as_str())
            .unwrap_or("Asia/Shanghai")
            .to_owned()
    })
}

/// An `Arc<Bundle>` compared by identity (a new check is a new bundle).
#[derive(Debug, Clone)]
pub struct ArcEq(pub Arc<Bundle>);

impl PartialEq for ArcEq {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PricedEq(pub (Priced, Vec<String>));

fn problem_for(
    priced: Memo<Option<PricedEq>>,
    matches: impl Fn(&str) -> bool,
    tag: &str,
) -> Option<String> {
    priced.with(|p| match p {
        Some(PricedEq((Priced::Problems { problems, .. }, _))) => problems
            .iter()
            .find(|problem| matches(&problem.path))
            .map(|problem| problem.message.get(tag).to_owned()),
        _ => None,
    })
}

#[component]
fn ContextPanel(
    ws: Workspace,
    bundle: Arc<Bundle>,
    priced: Memo<Option<PricedEq>>,
) -> impl IntoView {
    let regions = StoredValue::new(model::regions(&bundle, "zh-CN"));
    let regions_en = StoredValue::new(model::regions(&bundle, "en"));
    // What the rules read, and the values they compare with (offered as suggestions).
    let reads = jimu_core::price::context_inputs(&bundle);
    let form_fields: Vec<String> = reads
        .iter()
        .filter_map(|r| r.name.strip_prefix("form.").map(str::to_owned))
        .collect();
    let fields = VARIABLES
        .into_iter()
        .map(|(name, kind)| {
            let read = reads.iter().find(|r| r.name == name || (name == "form" && r.name.starts_with("form.")));
            let readers = read.map_or(0, |r| r.read_by.len());
            let options: Vec<String> = read.map(|r| r.options.clone()).unwrap_or_default();
            let list_id = format!("ctx-{name}-options");
            let has_options = !options.is_empty() && kind == Kind::Text;
            let id = format!("ctx-{name}");
            let error_id = format!("ctx-{name}-error");
            let value = move || ws.inputs.with(|i| i.context.get(name).cloned().unwrap_or_default());
            let set = move |text: String| {
                ws.set_inputs(|i| {
                    if text.is_empty() {
                        i.context.remove(name);
                    } else {
                        i.context.insert(name.to_owned(), text);
                    }
                })
            };
            // A rule reading `region_path` reads the region it is derived from.
            let error = move || {
                problem_for(
                    priced,
                    |path| {
                        let var = model::variable_of(path);
                        var == Some(name) || (name == "region" && var == Some("region_path"))
                    },
                    ws.locale.get().tag(),
                )
            };
            let type_key = match kind {
                Kind::Region => Key::TypeRegion,
                Kind::Text => Key::TypeText,
                Kind::Instant => Key::TypeInstant,
                Kind::Number => Key::TypeNumber,
                Kind::Object => Key::TypeObject,
            };
            let described = error_id.clone();
            let input = match kind {
                Kind::Region => view! {
                    <select
                        id=id.clone()
                        class="select"
                        aria-describedby=described
                        on:change=move |ev| set(event_target_value(&ev))
                    >
                        <option value="" selected=move || value().is_empty()>{move || ws.t(Key::NotGiven)}</option>
                        {move || {
                            let list = if ws.locale.get() == crate::i18n::Locale::En { regions_en } else { regions };
                            list.get_value()
                                .into_iter()
                                .map(|(rid, rname, depth)| {
                                    let label = format!("{}{} ({rid})", "\u{3000}".repeat(depth), rname);
                                    let selected_id = rid.clone();
                                    view! { <option value=rid selected=move || value() == selected_id>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                }
                .into_any(),
                Kind::Instant => view! {
                    <input
                        id=id.clone()
                        class="text-input"
                        type="datetime-local"
                        step="1"
                        aria-describedby=described
                        prop:value=value
                        on:input=move |ev| set(event_target_value(&ev))
                    />
                }
                .into_any(),
                Kind::Object => view! {
                    <input
                        id=id.clone()
                        class="text-input mono"
                        type="text"
                        spellcheck="false"
                        placeholder=form_placeholder(&form_fields)
                        aria-describedby=described
                        prop:value=value
                        on:input=move |ev| set(event_target_value(&ev))
                    />
                }
                .into_any(),
                Kind::Number | Kind::Text => view! {
                    <input
                        id=id.clone()
                        class="text-input"
                        type="text"
                        spellcheck="false"
                        autocomplete="off"
                        list=has_options.then(|| list_id.clone())
                        inputmode=if kind == Kind::Number { "decimal" } else { "text" }
                        aria-describedby=described
                        prop:value=value
                        on:input=move |ev| set(event_target_value(&ev))
                    />
                    {has_options
                        .then(|| {
                            view! {
                                <datalist id=list_id.clone()>
                                    {options.iter().map(|o| view! { <option value=o.clone()></option> }).collect_view()}
                                </datalist>
                            }
                        })}
                }
                .into_any(),
            };
            view! {
                <div class="field" class:invalid=move || error().is_some() class:read=move || { readers > 0 } data-var=name data-read=readers>
                    <label class="field-label" for=id>
                        <code>{name}</code>
                        " "
                        <span class="muted type-tag">{move || ws.t(type_key)}</span>
                        {(readers > 0)
                            .then(|| {
                                view! {
                                    " "
                                    <span class="tag tag-read">
                                        {move || ws.locale.get().fill(Key::ReadByRules, &[("count", &readers.to_string())])}
                                    </span>
                                }
                            })}
                    </label>
                    {input}
                    <p class="field-error" id=error_id role="status">{error}</p>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="context-panel">
            <legend>{move || ws.t(Key::ContextTitle)}</legend>
            <p class="muted small">{move || ws.t(Key::ContextNote)}</p>
            <div class="form-grid context-grid">{fields}</div>
        </fieldset>
    }
}

/// An example of the form values the rules read, as a placeholder.
fn form_placeholder(fields: &[String]) -> String {
    if fields.is_empty() {
        return "{\"parts_used\": true}".to_owned();
    }
    let members: Vec<String> = fields.iter().map(|f| format!("\"{f}\": …")).collect();
    format!("{{{}}}", members.join(", "))
}

#[component]
fn Quantities(ws: Workspace, bundle: Arc<Bundle>, priced: Memo<Option<PricedEq>>) -> impl IntoView {
    let rows = bundle
        .catalog()
        .iter()
        .map(|item| {
            let id = item.id.as_str().to_owned();
            let name = item.name.localized();
            let name_label = name.clone();
            let price = item.price.0.to_string();
            let value_id = id.clone();
            let set_id = id.clone();
            let error_id = id.clone();
            let value = move || ws.inputs.with(|i| model::quantity_of(&i.quantities, &value_id).to_owned());
            let error = move || {
                let items = priced.with(|p| p.as_ref().map(|p| p.0.1.clone()).unwrap_or_default());
                problem_for(priced, |path| model::item_of(path, &items) == Some(error_id.as_str()), ws.locale.get().tag())
            };
            let error_for_class = error.clone();
            view! {
                <tr data-item=id.clone()>
                    <td>
                        <div class="item-name">{move || name.get(ws.locale.get().tag()).to_owned()}</div>
                        <code class="item-id">{id.clone()}</code>
                    </td>
                    <td class="num">{price}</td>
                    <td class="num">
                        <input
                            class="qty"
                            class:invalid=move || error_for_class().is_some()
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            data-item=id.clone()
                            aria-label=move || ws.locale.get().fill(Key::QuantityOf, &[("item", name_label.get(ws.locale.get().tag()))])
                            prop:value=value
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                let id = set_id.clone();
                                ws.set_inputs(|i| {
                                    i.quantities.insert(id, text);
                                })
                            }
                        />
                        <span class="field-error">{error}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="quantities" open=true>
            <summary>{move || ws.t(Key::QuantitiesTitle)}</summary>
            <table id="catalog" class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{move || ws.t(Key::ColItem)}</th>
                        <th scope="col" class="num">{move || ws.t(Key::ColUnitPrice)}</th>
                        <th scope="col" class="num">{move || ws.t(Key::ColQuantity)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

fn outcome_key(outcome: Outcome) -> (Key, &'static str) {
    match outcome {
        Outcome::Applied => (Key::OutcomeApplied, "applied"),
        Outcome::NotMatched => (Key::OutcomeNotMatched, "not-matched"),
        Outcome::NotChosen => (Key::OutcomeNotChosen, "not-chosen"),
        Outcome::Skipped => (Key::OutcomeSkipped, "skipped"),
    }
}

#[component]
fn QuoteResult(
    ws: Workspace,
    bundle: Arc<Bundle>,
    priced: Memo<Option<PricedEq>>,
) -> impl IntoView {
    let bundle = StoredValue::new(bundle);
    move || {
        let locale = ws.locale.get();
        let tag = locale.tag();
        let Some(PricedEq((priced, _))) = priced.get() else {
            return ().into_any();
        };
        match priced {
            Priced::Problems { problems, .. } => {
                let heading = locale.fill(
                    Key::QuoteProblems,
                    &[("count", &problems.len().to_string())],
                );
                let items = problems
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li class="problem" data-path=p.path.clone() data-code=p.code.as_str()>
                                <span class="problem-head">
                                    <code class="problem-path">{p.path.clone()}</code>
                                    " "
                                    <span class="problem-code">{p.code.as_str()}</span>
                                </span>
                                <span class="problem-message">{p.message.get(tag).to_owned()}</span>
                                {p.hint.map(|h| view! { <span class="problem-hint">{h.get(tag).to_owned()}</span> })}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="card card-error" id="quote-problems">
                        <h3 class="card-title">{heading}</h3>
                        <ul class="problems">{items}</ul>
                    </section>
                }
                .into_any()
            }
            Priced::Quoted(quote) => {
                let lines = quote
                    .lines
                    .iter()
                    .map(|line| {
                        view! {
                            <tr class="quote-line" data-item=line.item.clone()>
                                <td>{line.name.get(tag).to_owned()}</td>
                                <td class="num">{line.quantity.to_string()}</td>
                                <td class="num">{line.unit_price.to_string()}</td>
                                <td class="num muted">{line.list_amount.to_string()}</td>
                                <td class="num">{line.amount.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let adjustments = quote
                    .adjustments
                    .iter()
                    .map(|a| {
                        view! {
                            <tr class="adjustment" data-rule=a.rule.to_string()>
                                <th scope="row" colspan="4">{a.name.get(tag).to_owned()}</th>
                                <td class="num">{a.amount.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let steps = quote
                    .trace
                    .iter()
                    .map(|step| {
                        let (key, state) = outcome_key(step.outcome);
                        let rule = bundle
                            .with_value(|b| model::rule_name(b, &step.group, &step.rule, tag))
                            .unwrap_or_else(|| step.rule.to_string());
                        let group = bundle
                            .with_value(|b| model::group_name(b, &step.group, tag))
                            .unwrap_or_else(|| step.group.to_string());
                        let line = step
                            .line
                            .and_then(|i| quote.lines.get(i))
                            .map_or_else(|| locale.text(Key::WholeTicket).to_owned(), |l| l.name.get(tag).to_owned());
                        let change = match (step.before, step.after) {
                            (Some(before), Some(after)) => format!("{before} → {after}"),
                            _ => String::new(),
                        };
                        view! {
                            <tr class="trace-step" data-rule=step.rule.to_string() data-outcome=state>
                                <td>
                                    <div>{rule}</div>
                                    <div class="muted small">{group}</div>
                                </td>
                                <td>{line}</td>
                                <td>
                                    <span class=format!("tag tag-{state}")>{locale.text(key)}</span>
                                    <div class="small">{step.why.message().get(tag).to_owned()}</div>
                                </td>
                                <td class="mono small">{step.calc.as_ref().map(|c| c.formula())}</td>
                                <td class="num">{change}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table id="quote" class="data-table quote-table">
                        <caption class="visually-hidden">{locale.text(Key::QuoteTitle)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{locale.text(Key::ColItem)}</th>
                                <th scope="col" class="num">{locale.text(Key::ColQuantity)}</th>
                                <th scope="col" class="num">{locale.text(Key::ColUnitPrice)}</th>
                                <th scope="col" class="num">{locale.text(Key::ColListAmount)}</th>
                                <th scope="col" class="num">{locale.text(Key::ColAmount)}</th>
                            </tr>
                        </thead>
                        <tbody>{lines}</tbody>
                        <tfoot>
                            <tr class="subtotal">
                                <th scope="row" colspan="4">{locale.text(Key::Subtotal)}</th>
                                <td class="num" id="quote-subtotal">{quote.subtotal.to_string()}</td>
                            </tr>
                            {adjustments}
                            <tr class="total">
                                <th scope="row" colspan="4">
                                    {locale.text(Key::Total)} " " <span class="total-currency">{quote.currency}</span>
                                </th>
                                <td class="num" id="quote-total">{quote.total.to_string()}</td>
                            </tr>
                        </tfoot>
                    </table>
                    <h3 class="subhead">{locale.text(Key::TraceTitle)}</h3>
                    {if quote.trace.is_empty() {
                        view! { <p class="card-note">{locale.text(Key::TraceEmpty)}</p> }.into_any()
                    } else {
                        view! {
                            <table id="trace" class="data-table trace-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{locale.text(Key::ColRule)}</th>
                                        <th scope="col">{locale.text(Key::ColLine)}</th>
                                        <th scope="col">{locale.text(Key::ColOutcome)}</th>
                                        <th scope="col">{locale.text(Key::ColFormula)}</th>
                                        <th scope="col" class="num">{locale.text(Key::ColChange)}</th>
                                    </tr>
                                </thead>
                                <tbody>{steps}</tbody>
                            </table>
                        }
                        .into_any()
                    }}
                }
                .into_any()
            }
        }
    }
}
