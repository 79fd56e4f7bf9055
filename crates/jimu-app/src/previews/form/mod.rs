//! The form preview: the form as the person filling it sees it, computed by jimu-core in the
//! browser. Type into it and watch fields appear, become required, compute and fail
//! validation; switch the role and watch masking and hidden fields change.

pub mod model;

use crate::i18n::Key;
use crate::previews::Stale;
use crate::previews::quote::ArcEq;
use crate::shell::workspace::Workspace;
use crate::state::samples::Kind;
use crate::ui::samples::SampleBar;
use jimu_core::forms::{FieldState, FormEvaluation};
use leptos::prelude::*;
use model::{Choice, Spec};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
struct Shown {
    form: String,
    evaluation: Result<FormEvaluation, Vec<jimu_core::Problem>>,
    specs: Vec<(String, Spec)>,
}

#[component]
pub fn FormPreview(ws: Workspace) -> impl IntoView {
    let bundle = Memo::new(move |_| {
        ws.good
            .with(|g| g.as_ref().map(|g| ArcEq(g.bundle.clone())))
    });
    // What each field offers depends on the bundle and the form, not on the values typed: kept
    // while those stay the same, so a keystroke does not read the form's definitions again.
    type SpecCache = (
        std::sync::Arc<jimu_core::Bundle>,
        String,
        Vec<String>,
        Vec<(String, Spec)>,
    );
    let spec_cache = StoredValue::new(None::<SpecCache>);
    let shown = Memo::new(move |_| {
        let bundle = bundle.get()?.0;
        let (chosen, role, values) = ws
            .inputs
            .with(|i| (i.form.clone(), i.role.clone(), i.form_values.clone()));
        let form = model::chosen_form(&bundle, chosen.as_deref())?;
        let evaluation = crate::browser::timed("jimu:form-eval", || {
            model::run(&bundle, &form, &values, role.as_deref())
        });
        let ids: Vec<String> = evaluation
            .as_ref()
            .map(|e| e.fields.iter().map(|f| f.id.clone()).collect())
            .unwrap_or_default();
        let kept = spec_cache.with_value(|c| {
            c.as_ref()
                .filter(|(b, f, i, _)| {
                    std::sync::Arc::ptr_eq(b, &bundle) && *f == form && *i == ids
                })
                .map(|c| c.3.clone())
        });
        let specs = kept.unwrap_or_else(|| {
            let specs = model::specs(&bundle, &form, &ids);
            spec_cache.set_value(Some((
                bundle.clone(),
                form.clone(),
                ids.clone(),
                specs.clone(),
            )));
            specs
        });
        Some(Shown {
            form,
            evaluation,
            specs,
        })
    });
    let set_value = move |id: String, value: Option<Value>| {
        ws.set_inputs(|i| match value {
            Some(v) => {
                i.form_values.insert(id, v);
            }
            None => {
                i.form_values.remove(&id);
            }
        })
    };
    view! {
        <section class="card preview" id="form-preview" aria-labelledby="form-preview-title">
            <div class="card-head">
                <h2 class="card-title" id="form-preview-title">{move || ws.t(Key::FormPreviewTitle)}</h2>
                <Stale ws />
            </div>
            {move || match bundle.get() {
                None => view! { <p class="card-note">{ws.t(Key::PreviewNeedsValid)}</p> }.into_any(),
                Some(b) if b.0.doc().forms.is_empty() => view! { <p class="card-note">{ws.t(Key::NoForms)}</p> }.into_any(),
                Some(b) => {
                    let b = b.0;
                    let forms = model::forms(&b);
                    let roles = model::roles(&b);
                    view! {
                        <div class="preview-controls">
                            <div class="field">
                                <label class="field-label" for="preview-form">{move || ws.t(Key::PreviewForm)}</label>
                                <select id="preview-form" class="select" on:change=move |ev| {
                                    let id = event_target_value(&ev);
                                    ws.set_inputs(|i| i.form = Some(id));
                                }>
                                    {forms
                                        .into_iter()
                                        .map(|(id, name)| {
                                            let sel = id.clone();
                                            let value = id.clone();
                                            view! {
                                                <option value=value selected=move || shown.with(|s| s.as_ref().is_some_and(|s| s.form == sel))>
                                                    {move || format!("{} ({id})", name.get(ws.locale.get().tag()))}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label class="field-label" for="preview-role">{move || ws.t(Key::PreviewRole)}</label>
                                <select id="preview-role" class="select" on:change=move |ev| {
                                    let role = event_target_value(&ev);
                                    ws.set_inputs(|i| i.role = (!role.is_empty()).then_some(role));
                                }>
                                    <option value="" selected=move || ws.inputs.with(|i| i.role.is_none())>{move || ws.t(Key::NoRole)}</option>
                                    {roles
                                        .into_iter()
                                        .map(|(id, name)| {
                                            let sel = id.clone();
                                            let value = id.clone();
                                            view! {
                                                <option value=value selected=move || ws.inputs.with(|i| i.role.as_deref() == Some(sel.as_str()))>
                                                    {move || name.get(ws.locale.get().tag()).to_owned()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                            <button type="button" class="btn btn-small" on:click=move |_| ws.set_inputs(|i| i.form_values.clear())>
                                {move || ws.t(Key::ClearValues)}
                            </button>
                        </div>
                        <SampleBar
                            ws
                            kind=Kind::Forms
                            current=Callback::new(move |()| {
                                let form = shown.with_untracked(|s| s.as_ref().map(|s| s.form.clone()))?;
                                let (values, role) = ws.inputs.with_untracked(|i| (i.form_values.clone(), i.role.clone()));
                                Some(json!({ "form": form, "values": values, "role": role }))
                            })
                            on_use=Callback::new(move |sample: Value| {
                                let form = sample.get("form").and_then(Value::as_str).map(str::to_owned);
                                let role = sample.get("role").and_then(Value::as_str).map(str::to_owned);
                                let values = sample.get("values").and_then(Value::as_object).cloned().unwrap_or_default();
                                ws.set_inputs(|i| {
                                    i.form = form;
                                    i.role = role;
                                    i.form_values = values;
                                });
                            })
                        />
                        <FormBody ws shown bundle=b set_value />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn FormBody(
    ws: Workspace,
    shown: Memo<Option<Shown>>,
    bundle: std::sync::Arc<jimu_core::Bundle>,
    set_value: impl Fn(String, Option<Value>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let bundle = StoredValue::new(bundle);
    move || {
        let locale = ws.locale.get();
        let tag = locale.tag();
        let Some(shown) = shown.get() else {
            return ().into_any();
        };
        let evaluation = match shown.evaluation {
            Ok(e) => e,
            Err(problems) => {
                return view! {
                    <ul class="problems">
                        {problems
                            .into_iter()
                            .map(|p| view! { <li class="problem"><span class="problem-message">{p.message.get(tag).to_owned()}</span></li> })
                            .collect_view()}
                    </ul>
                }
                .into_any();
            }
        };
        // Fields grouped by section, in the order the person filling in the form sees them.
        let visible: Vec<FieldState> = evaluation
            .fields
            .iter()
            .filter(|f| f.visible && f.access != "hidden")
            .cloned()
            .collect();
        let groups = bundle.with_value(|b| model::display_groups(b, &shown.form, &visible));
        let issues = evaluation
            .errors
            .iter()
            .chain(&evaluation.warnings)
            .cloned()
            .collect::<Vec<_>>();
        let form = shown.form.clone();
        let body = groups
            .into_iter()
            .map(|(section, fields)| {
                let title = section
                    .as_deref()
                    .and_then(|s| bundle.with_value(|b| model::section_title(b, &form, s)))
                    .map(|t| t.get(tag).to_owned());
                let fields = fields
                    .into_iter()
                    .map(|field| {
                        let spec = shown
                            .specs
                            .iter()
                            .find(|(id, _)| *id == field.id)
                            .map(|(_, s)| s.clone())
                            .unwrap_or_default();
                        let field_issues: Vec<_> = issues
                            .iter()
                            .filter(|i| i.field == field.id)
                            .cloned()
                            .collect();
                        field_view(ws, field, spec, field_issues, set_value)
                    })
                    .collect_view();
                view! {
                    <fieldset class="form-section">
                        {title.map(|t| view! { <legend>{t}</legend> })}
                        {fields}
                    </fieldset>
                }
            })
            .collect_view();
        let route = evaluation
            .route
            .clone()
            .unwrap_or_else(|| locale.text(Key::NoRoute).to_owned());
        let handed = serde_json::to_string_pretty(&evaluation.values).unwrap_or_default();
        let validity = if evaluation.valid {
            locale.text(Key::FormValid)
        } else {
            locale.text(Key::FormInvalid)
        };
        view! {
            <div class="form-render" lang=tag>{body}</div>
            <div class="form-outcome">
                <p>
                    <span class="tag" class:tag-applied=evaluation.valid class:tag-not-matched=!evaluation.valid id="form-validity">
                        {validity}
                    </span>
                    " "
                    <span>{locale.text(Key::RouteLabel)} " "</span>
                    <code id="form-route">{route}</code>
                </p>
                <details>
                    <summary>{locale.text(Key::HandedToFlow)}</summary>
                    <pre class="code-block" id="form-values">{handed}</pre>
                </details>
            </div>
        }
        .into_any()
    }
}

fn text_of(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn field_view(
    ws: Workspace,
    field: FieldState,
    spec: Spec,
    issues: Vec<jimu_core::forms::FieldIssue>,
    set_value: impl Fn(String, Option<Value>) + Copy + Send + Sync + 'static,
) -> AnyView {
    let locale = ws.locale.get_untracked();
    let tag = locale.tag();
    let id = format!("pf-{}", field.id);
    let error_id = format!("{id}-issues");
    let field_id = field.id.clone();
    let editable = field.enabled && field.access == "editable";
    let label = field.label.get(tag).to_owned();
    let typed = ws
        .inputs
        .with_untracked(|i| i.form_values.get(&field.id).cloned());
    let set_text = move |text: String| {
        set_value(
            field_id.clone(),
            (!text.is_empty()).then_some(Value::String(text)),
        )
    };
    let control = if field.access == "masked" {
        view! { <input id=id.clone() class="text-input" type="text" readonly=true aria-describedby=error_id.clone() prop:value=field.masked.clone().unwrap_or_default() /> }.into_any()
    } else {
        match field.kind {
            "single_select" | "region" => {
                let current = text_of(&field.value);
                let options = spec
                    .options
                    .iter()
                    .map(|c| {
                        let selected = c.id == current;
                        view! { <option value=c.id.clone() selected=selected>{c.label.get(tag).to_owned()}</option> }
                    })
                    .collect_view();
                view! {
                    <select id=id.clone() class="select" disabled=!editable aria-describedby=error_id.clone() on:change=move |ev| set_text(event_target_value(&ev))>
                        <option value="" selected=current.is_empty()>{locale.text(Key::NotGiven)}</option>
                        {options}
                    </select>
                }
                .into_any()
            }
            "multi_select" => {
                let chosen: Vec<String> = match &field.value {
                    Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
                    _ => Vec::new(),
                };
                let boxes = spec
                    .options
                    .iter()
                    .map(|c| {
                        let option = c.id.clone();
                        let fid = field.id.clone();
                        let chosen_now = chosen.clone();
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    disabled=!editable
                                    checked=chosen.contains(&c.id)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let mut list = chosen_now.clone();
                                        list.retain(|x| *x != option);
                                        if on {
                                            list.push(option.clone());
                                        }
                                        set_value(fid.clone(), Some(json!(list)));
                                    }
                                />
                                {c.label.get(tag).to_owned()}
                            </label>
                        }
                    })
                    .collect_view();
                view! { <div class="checks" role="group" aria-label=label.clone() id=id.clone()>{boxes}</div> }.into_any()
            }
            "cascading_select" => cascading(field.clone(), spec.options.clone(), editable, tag, set_value, &id),
            "yes_no" => {
                let fid = field.id.clone();
                view! {
                    <input
                        id=id.clone()
                        type="checkbox"
                        disabled=!editable
                        checked=field.value == Some(Value::Bool(true))
                        aria-describedby=error_id.clone()
                        on:change=move |ev| set_value(fid.clone(), Some(Value::Bool(event_target_checked(&ev))))
                    />
                }
                .into_any()
            }
            "rating" => {
                let (min, max) = (spec.min.unwrap_or(1), spec.max.unwrap_or(5));
                let current = field.value.as_ref().and_then(Value::as_i64);
                let stars = (min..=max)
                    .map(|n| {
                        let fid = field.id.clone();
                        let name = id.clone();
                        view! {
                            <label class="star">
                                <input
                                    type="radio"
                                    name=name
                                    value=n.to_string()
                                    disabled=!editable
                                    checked=current == Some(n)
                                    on:change=move |_| set_value(fid.clone(), Some(json!(n)))
                                />
                                <span aria-hidden="true">{if current.is_some_and(|c| c >= n) { "★" } else { "☆" }}</span>
                                <span class="visually-hidden">{n.to_string()}</span>
                            </label>
                        }
                    })
                    .collect_view();
                view! { <div class="rating" role="radiogroup" aria-label=label.clone() id=id.clone()>{stars}</div> }.into_any()
            }
            "date" | "date_time" => {
                let kind = if field.kind == "date" { "date" } else { "datetime-local" };
                view! {
                    <input id=id.clone() class="text-input" type=kind disabled=!editable aria-describedby=error_id.clone()
                        prop:value=text_of(&typed) on:input=move |ev| set_text(event_target_value(&ev)) />
                }
                .into_any()
            }
            "long_text" => view! {
                <textarea id=id.clone() class="text-input" rows="3" disabled=!editable aria-describedby=error_id.clone()
                    prop:value=text_of(&typed) on:input=move |ev| set_text(event_target_value(&ev))></textarea>
            }
            .into_any(),
            "attachment" | "signature" | "location" => {
                let fid = field.id.clone();
                let placeholder = match field.kind {
                    "location" => "{\"lat\": 39.9, \"lng\": 116.4, \"address\": \"…\", \"distance_km\": \"3.2\"}",
                    _ => "[\"photo-1.jpg\"]",
                };
                view! {
                    <input id=id.clone() class="text-input mono" type="text" disabled=!editable placeholder=placeholder
                        aria-describedby=error_id.clone()
                        prop:value=typed.as_ref().map(|v| v.to_string()).unwrap_or_default()
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            let value = if text.trim().is_empty() { None } else { Some(serde_json::from_str(&text).unwrap_or(Value::String(text))) };
                            set_value(fid.clone(), value);
                        } />
                }
                .into_any()
            }
            "computed" => {
                let shown = field.value.as_ref().map(|v| text_of(&Some(v.clone()))).unwrap_or_default();
                if editable && (field.source == Some("overridden") || typed.is_some()) {
                    view! { <input id=id.clone() class="text-input" type="text" prop:value=text_of(&typed) on:input=move |ev| set_text(event_target_value(&ev)) /> }.into_any()
                } else {
                    view! { <output id=id.clone() class="computed-value" aria-describedby=error_id.clone()>{shown}</output> }.into_any()
                }
            }
            _ => view! {
                <input id=id.clone() class="text-input" type="text" disabled=!editable aria-describedby=error_id.clone()
                    inputmode=if matches!(field.kind, "number" | "money") { "decimal" } else { "text" }
                    prop:value=text_of(&typed) on:input=move |ev| set_text(event_target_value(&ev)) />
            }
            .into_any(),
        }
    };
    let flags = [
        (field.required, Key::FlagRequired),
        (!field.enabled, Key::FlagDisabled),
        (field.access == "read_only", Key::FlagReadOnly),
        (field.access == "masked", Key::FlagMasked),
        (field.source.is_some(), Key::FlagComputed),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, key)| view! { <span class="tag">{locale.text(key)}</span> })
    .collect_view();
    let issue_list = issues
        .into_iter()
        .map(|issue| {
            let class = if issue.severity == "error" { "field-error" } else { "field-warning" };
            view! { <span class=class data-rule=issue.rule>{issue.message.get(tag).to_owned()}</span> }
        })
        .collect_view();
    view! {
        <div class="field form-field" data-field=field.id.clone() data-kind=field.kind data-access=field.access>
            <label class="field-label" for=id.clone()>
                {label.clone()}
                {field.required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
                " "
                {flags}
            </label>
            {control}
            {spec.unit.map(|u| view! { <span class="unit">{u.get(tag).to_owned()}</span> })}
            {spec.help.map(|h| view! { <p class="field-hint">{h.get(tag).to_owned()}</p> })}
            <p class="field-issues" id=error_id role="status">{issue_list}</p>
        </div>
    }
    .into_any()
}

/// A cascading select: one select per level, each offering the children of the choice above.
fn cascading(
    field: FieldState,
    options: Vec<Choice>,
    editable: bool,
    tag: &'static str,
    set_value: impl Fn(String, Option<Value>) + Copy + Send + Sync + 'static,
    id: &str,
) -> AnyView {
    let path: Vec<String> = match &field.value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let mut levels = Vec::new();
    let mut current = options;
    for depth in 0..8 {
        if current.is_empty() {
            break;
        }
        let chosen = path.get(depth).cloned().unwrap_or_default();
        let next = current
            .iter()
            .find(|c| c.id == chosen)
            .map(|c| c.children.clone())
            .unwrap_or_default();
        let prefix: Vec<String> = path.iter().take(depth).cloned().collect();
        let fid = field.id.clone();
        let options = current
            .iter()
            .map(|c| view! { <option value=c.id.clone() selected=c.id == chosen>{c.label.get(tag).to_owned()}</option> })
            .collect_view();
        let select_id = if depth == 0 {
            id.to_owned()
        } else {
            format!("{id}-{depth}")
        };
        levels.push(view! {
            <select id=select_id class="select" disabled=!editable aria-label=format!("{} {}", field.label.get(tag), depth + 1) on:change=move |ev| {
                let picked = event_target_value(&ev);
                let mut list = prefix.clone();
                if !picked.is_empty() {
                    list.push(picked);
                }
                set_value(fid.clone(), (!list.is_empty()).then(|| json!(list)));
            }>
                <option value="" selected=chosen.is_empty()>"—"</option>
                {options}
            </select>
        });
        if chosen.is_empty() {
            break;
        }
        current = next;
    }
    view! { <div class="cascade">{levels}</div> }.into_any()
}
