//! The settlement preview: sample orders pasted or imported as CSV (the columns `jimu settle`
//! reads), each order's split per party, and the period statements, computed by jimu-core in
//! the browser as the rules or the orders change.

pub mod model;

use crate::browser;
use crate::i18n::Key;
use crate::previews::Stale;
use crate::previews::quote::ArcEq;
use crate::shell::workspace::Workspace;
use crate::state::samples;
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
struct SettledEq(model::Settled);

#[component]
pub fn OrdersPreview(ws: Workspace) -> impl IntoView {
    let bundle = Memo::new(move |_| {
        ws.good
            .with(|g| g.as_ref().map(|g| ArcEq(g.bundle.clone())))
    });
    let settled = Memo::new(move |_| {
        let b = bundle.get()?.0;
        ws.inputs.with(|i| {
            Some(SettledEq(browser::timed("jimu:orders", || {
                model::settle(&b, &i.orders_csv)
            })))
        })
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = browser::chosen_file(&input) else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move {
            if let Ok(text) = browser::read_text(&file).await {
                ws.set_inputs(|i| i.orders_csv = text);
            }
        });
    };
    let kept = move || ws.read(|doc| samples::orders_csv(doc).map(str::to_owned));
    let kept_same = move || kept().is_some_and(|k| ws.inputs.with(|i| i.orders_csv == k));
    let columns = move || {
        bundle
            .get()
            .map(|b| model::columns(&b.0).join(","))
            .unwrap_or_default()
    };
    view! {
        <section class="card preview" id="orders-preview" aria-labelledby="orders-preview-title">
            <div class="card-head">
                <h2 class="card-title" id="orders-preview-title">{move || ws.t(Key::OrdersPreviewTitle)}</h2>
                <Stale ws />
            </div>
            <div class="preview-controls">
                <label class="btn btn-small file-btn">
                    <input id="orders-file" class="visually-hidden" type="file" accept=".csv,text/csv" on:change=on_file />
                    <span>{move || ws.t(Key::ImportCsv)}</span>
                </label>
                <button type="button" class="btn btn-small" on:click=move |_| ws.set_inputs(|i| i.orders_csv.clear())>
                    {move || ws.t(Key::ClearOrders)}
                </button>
                <button
                    type="button"
                    id="orders-keep"
                    class="btn btn-small"
                    title=move || ws.t(Key::SampleKeepTitle)
                    disabled=move || ws.inputs.with(|i| i.orders_csv.trim().is_empty()) || kept_same()
                    on:click=move |_| {
                        let csv = ws.inputs.with_untracked(|i| i.orders_csv.clone());
                        let edits = ws.store.with_untracked(|s| samples::set_orders_csv(s.doc(), &csv));
                        ws.edit(edits, None);
                    }
                >
                    {move || ws.t(Key::OrdersKeep)}
                </button>
                <Show when=move || ws.inputs.with(|i| i.orders_csv.trim().is_empty()) && kept().is_some()>
                    <button
                        type="button"
                        id="orders-use-kept"
                        class="btn btn-small btn-primary"
                        on:click=move |_| {
                            if let Some(csv) = kept() {
                                ws.set_inputs(|i| i.orders_csv = csv);
                            }
                        }
                    >
                        {move || ws.t(Key::OrdersUseKept)}
                    </button>
                </Show>
            </div>
            <label class="field-label" for="orders-input">{move || ws.t(Key::OrdersLabel)}</label>
            <textarea
                id="orders-input"
                class="code-input orders-input"
                spellcheck="false"
                wrap="off"
                placeholder=columns
                prop:value=move || ws.inputs.with(|i| i.orders_csv.clone())
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    ws.set_inputs(|i| i.orders_csv = text);
                }
            ></textarea>
            <p class="muted small">{move || ws.locale.get().fill(Key::OrdersColumns, &[("columns", &columns())])}</p>
            {move || {
                let locale = ws.locale.get();
                let tag = locale.tag();
                let Some(SettledEq(settled)) = settled.get() else {
                    return view! { <p class="card-note">{locale.text(Key::PreviewNeedsValid)}</p> }.into_any();
                };
                if settled.rows.is_empty() && settled.problems.is_empty() {
                    return view! { <p class="card-note">{locale.text(Key::NoOrders)}</p> }.into_any();
                }
                let text_problems = settled
                    .problems
                    .iter()
                    .map(|p| view! { <li class="problem"><span class="problem-message">{p.message.get(tag).to_owned()}</span></li> })
                    .collect_view();
                let ok = settled.rows.iter().filter(|r| r.outcome.is_ok()).count();
                let summary = locale.fill(Key::OrdersSummary, &[("ok", &ok.to_string()), ("all", &settled.rows.len().to_string())]);
                let rows = settled
                    .rows
                    .iter()
                    .map(|row| match &row.outcome {
                        Ok(split) => {
                            let shares = split
                                .shares
                                .iter()
                                .map(|s| view! { <li><span class="party">{s.party.to_string()}</span> " " <span class="muted">{s.payee.to_string()}</span> " " <span class="num">{s.amount.to_string()}</span></li> })
                                .collect_view();
                            view! {
                                <tr class="split" data-order=row.order.clone()>
                                    <td><code>{row.order.clone()}</code></td>
                                    <td>{split.plan.to_string()}<div class="muted small">{split.period.to_string()}</div></td>
                                    <td class="num">{split.amount.to_string()}</td>
                                    <td><ul class="shares">{shares}</ul></td>
                                </tr>
                            }
                            .into_any()
                        }
                        Err(problems) => {
                            let text = problems
                                .iter()
                                .map(|p| format!("{} {}", p.path, p.message.get(tag)))
                                .collect::<Vec<_>>()
                                .join("; ");
                            view! {
                                <tr class="split split-error" data-order=row.order.clone()>
                                    <td><code>{row.order.clone()}</code></td>
                                    <td colspan="3" class="field-error">{locale.fill(Key::OrderLine, &[("line", &row.line.to_string())])} " " {text}</td>
                                </tr>
                            }
                            .into_any()
                        }
                    })
                    .collect_view();
                let totals = model::totals(&settled);
                let largest = totals.iter().map(|t| t.2).max().unwrap_or_default();
                let bars = totals
                    .iter()
                    .map(|(party, payee, total)| {
                        let share = if largest.is_zero() {
                            0.0
                        } else {
                            rust_decimal::prelude::ToPrimitive::to_f64(&(*total / largest * rust_decimal::Decimal::from(100))).unwrap_or(0.0).max(0.0)
                        };
                        view! {
                            <li data-payee=payee.clone()>
                                <span class="bar-label">{payee.clone()} <span class="muted small">{party.clone()}</span></span>
                                <span class="bar-track"><span class="bar" style=format!("width: {share:.1}%")></span></span>
                                <span class="num">{total.to_string()}</span>
                            </li>
                        }
                    })
                    .collect_view();
                let export_splits = {
                    let settled = settled.clone();
                    move |_| {
                        let _ = browser::download("splits.csv", &format!("\u{feff}{}", model::splits_csv(&settled)), "text/csv");
                    }
                };
                let export_statements = {
                    let settled = settled.clone();
                    move |_| {
                        let _ = browser::download("statements.csv", &format!("\u{feff}{}", model::statements_csv(&settled)), "text/csv");
                    }
                };
                let per_party = totals
                    .into_iter()
                    .map(|(party, payee, total)| {
                        let key = payee.clone();
                        view! {
                            <tr class="party-total" data-payee=key>
                                <td>{payee}<div class="muted small">{party}</div></td>
                                <td class="num">{total.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let statements = settled
                    .statements
                    .iter()
                    .map(|s| {
                        view! {
                            <tr class="statement" data-payee=s.payee.clone()>
                                <td>{s.payee.clone()}<div class="muted small">{s.party.to_string()}</div></td>
                                <td>{s.period.clone()}</td>
                                <td class="num">{s.orders}</td>
                                <td class="num">{s.total.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    {(!settled.problems.is_empty()).then(|| view! { <ul class="problems card-error">{text_problems}</ul> })}
                    <p class="muted" id="orders-summary">{summary}</p>
                    <div class="preview-controls">
                        <button type="button" class="btn btn-small" id="export-splits" on:click=export_splits>{locale.text(Key::ExportSplits)}</button>
                        <button type="button" class="btn btn-small" id="export-statements" on:click=export_statements>{locale.text(Key::ExportStatements)}</button>
                    </div>
                    <table id="splits" class="data-table">
                        <caption class="visually-hidden">{locale.text(Key::SplitsTitle)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{locale.text(Key::ColOrder)}</th>
                                <th scope="col">{locale.text(Key::ColPlan)}</th>
                                <th scope="col" class="num">{locale.text(Key::ColAmount)}</th>
                                <th scope="col">{locale.text(Key::ColShares)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <h3 class="subhead">{locale.text(Key::PartyTotalsTitle)}</h3>
                    <ul class="bar-chart" id="split-chart" aria-label=locale.text(Key::SplitChart)>{bars}</ul>
                    <table id="party-totals" class="data-table compact">
                        <thead>
                            <tr>
                                <th scope="col">{locale.text(Key::ColPayee)}</th>
                                <th scope="col" class="num">{locale.text(Key::Total)}</th>
                            </tr>
                        </thead>
                        <tbody>{per_party}</tbody>
                    </table>
                    <h3 class="subhead">{locale.text(Key::StatementsTitle)}</h3>
                    <table id="statements" class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{locale.text(Key::ColPayee)}</th>
                                <th scope="col">{locale.text(Key::ColPeriod)}</th>
                                <th scope="col" class="num">{locale.text(Key::ColOrders)}</th>
                                <th scope="col" class="num">{locale.text(Key::Total)}</th>
                            </tr>
                        </thead>
                        <tbody>{statements}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
