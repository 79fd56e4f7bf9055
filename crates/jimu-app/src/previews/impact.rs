//! The impact diff: the draft against the published version (the server version the draft was
//! opened from or last published as, or a bundle file chosen here), running the samples kept
//! with the draft and the sample orders on show through both, and showing the total change per
//! party, the orders, quotes and routes that change, and by how much. The publish step shows
//! its summary before it sends.

use crate::browser;
use crate::i18n::Key;
use crate::previews::quote::ArcEq;
use crate::shell::workspace::Workspace;
use crate::state::impact::{Impact, OrdersCache, impact_cached};
use jimu_core::Bundle;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::sync::Arc;

/// The draft's document with the sample orders on show (when the kept ones differ).
fn with_orders(doc: &Value, orders: &str) -> Value {
    let mut doc = doc.clone();
    if !orders.trim().is_empty()
        && let Some(root) = doc.as_object_mut()
    {
        let editor = root
            .entry("editor")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(editor) = editor.as_object_mut() {
            let samples = editor
                .entry("samples")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Some(samples) = samples.as_object_mut() {
                samples.insert("orders_csv".to_owned(), Value::String(orders.to_owned()));
            }
        }
    }
    doc
}

/// The published side: a file chosen here wins over the server version.
#[derive(Clone, Copy)]
pub struct Published {
    pub file: RwSignal<Option<(String, ArcEq)>>,
}

/// The impact of the draft, recomputed as the draft, the orders or the published side change;
/// `None` while there is nothing to compare with (or the draft has errors).
pub fn impact_of(ws: Workspace, published: Published) -> Memo<Option<(String, Arc<Impact>)>> {
    let from_server = Memo::new(move |_| {
        ws.base.with(|b| {
            b.as_ref().and_then(|b| {
                Bundle::from_json(&b.text).ok().map(|bundle| {
                    (
                        format!("{} v{}", b.name, b.version),
                        ArcEq(Arc::new(bundle)),
                    )
                })
            })
        })
    });
    let cache = StoredValue::new_local(OrdersCache::default());
    Memo::new(move |_| {
        let (what, before) = published.file.get().or_else(|| from_server.get())?;
        let after = ws.good.with(|g| g.as_ref().map(|g| g.bundle.clone()))?;
        let orders = ws.inputs.with(|i| i.orders_csv.clone());
        // Every edit of the document is checked into a new bundle, which wakes this memo: the
        // document itself (its samples) is read untracked, so an edit is diffed once, with the
        // bundle it made, not also before the check with the old one.
        let doc = ws.store.with_untracked(|s| with_orders(s.doc(), &orders));
        let found = browser::timed("jimu:impact", || {
            cache
                .try_update_value(|c| impact_cached(&after, &before.0, &doc, c))
                .unwrap_or_default()
        });
        Some((what, Arc::new(found)))
    })
}

/// The impact in one sentence: against what, and how many orders, quotes and routes change.
fn summary(locale: crate::i18n::Locale, what: &str, c: &crate::state::impact::Counts) -> String {
    locale.fill(
        Key::ImpactSummary,
        &[
            ("what", what),
            ("orders", &c.orders_changed.to_string()),
            ("of_orders", &c.orders.to_string()),
            ("quotes", &c.quotes_changed.to_string()),
            ("of_quotes", &c.quotes.to_string()),
            ("routes", &c.forms_changed.to_string()),
        ],
    )
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

#[component]
pub fn ImpactPanel(ws: Workspace) -> impl IntoView {
    let published = Published {
        file: RwSignal::new(None),
    };
    let found = impact_of(ws, published);
    let failed = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = browser::chosen_file(&input) else {
            return;
        };
        let name = file.name();
        input.set_value("");
        leptos::task::spawn_local(async move {
            let bundle = browser::read_text(&file)
                .await
                .ok()
                .and_then(|t| Bundle::from_json(&t).ok());
            failed.set(bundle.is_none());
            if let Some(b) = bundle {
                published.file.set(Some((name, ArcEq(Arc::new(b)))));
            }
        });
    };
    view! {
        <section class="card preview" id="impact" aria-labelledby="impact-title">
            <div class="card-head">
                <h2 class="card-title" id="impact-title">{move || ws.t(Key::ImpactTitle)}</h2>
                <label class="btn btn-small file-btn">
                    <input id="impact-file" class="visually-hidden" type="file" accept=".json,application/json" on:change=on_file />
                    <span>{move || ws.t(Key::ImpactFromFile)}</span>
                </label>
            </div>
            <Show when=move || failed.get()>
                <p class="field-error">{move || ws.t(Key::ImpactBadFile)}</p>
            </Show>
            {move || {
                let locale = ws.locale.get();
                let Some((what, found)) = found.get() else {
                    return view! { <p class="card-note">{locale.text(Key::ImpactNothing)}</p> }.into_any();
                };
                let c = &found.counts;
                let summary = summary(locale, &what, &found.counts);
                let parties = found
                    .parties
                    .iter()
                    .map(|p| {
                        let class = if p.delta > Decimal::ZERO { "num up" } else if p.delta < Decimal::ZERO { "num down" } else { "num" };
                        view! {
                            <tr data-party=p.party.clone()>
                                <th scope="row">{p.party.clone()}</th>
                                <td class="num">{p.before.to_string()}</td>
                                <td class="num">{p.after.to_string()}</td>
                                <td class=class>{signed(p.delta)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let orders = found
                    .orders
                    .iter()
                    .take(20)
                    .map(|o| {
                        let moved = o
                            .parties
                            .iter()
                            .filter(|p| !p.delta.is_zero())
                            .map(|p| format!("{} {}", p.party, signed(p.delta)))
                            .collect::<Vec<_>>()
                            .join(" · ");
                        view! { <li data-order=o.order.clone()><code>{o.order.clone()}</code> " " {moved}</li> }
                    })
                    .collect_view();
                let quotes = found
                    .quotes
                    .iter()
                    .filter(|q| q.changed)
                    .map(|q| {
                        let side = |s: &crate::state::impact::Outcome<crate::state::impact::Money>| match s {
                            Ok(m) => m.amount.to_string(),
                            Err(_) => locale.text(Key::ImpactFails).to_owned(),
                        };
                        view! { <li>{q.name.clone()} ": " {side(&q.before)} " → " {side(&q.after)}</li> }
                    })
                    .collect_view();
                let routes = found
                    .forms
                    .iter()
                    .filter(|f| f.changed)
                    .map(|f| {
                        let side = |s: &crate::state::impact::Outcome<Option<String>>| match s {
                            Ok(Some(r)) => r.clone(),
                            Ok(None) => "—".to_owned(),
                            Err(_) => locale.text(Key::ImpactFails).to_owned(),
                        };
                        view! { <li>{f.name.clone()} ": " {side(&f.before)} " → " {side(&f.after)}</li> }
                    })
                    .collect_view();
                view! {
                    <p id="impact-summary">{summary}</p>
                    {(!found.parties.is_empty()).then(|| view! {
                        <table class="data-table" id="impact-parties">
                            <caption class="visually-hidden">{locale.text(Key::ImpactPerParty)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{locale.text(Key::ImpactParty)}</th>
                                    <th scope="col" class="num">{locale.text(Key::ImpactBefore)}</th>
                                    <th scope="col" class="num">{locale.text(Key::ImpactAfter)}</th>
                                    <th scope="col" class="num">{locale.text(Key::ImpactDelta)}</th>
                                </tr>
                            </thead>
                            <tbody>{parties}</tbody>
                        </table>
                    })}
                    {(!found.orders.is_empty()).then(|| view! { <h3 class="small-title">{locale.text(Key::ImpactOrders)}</h3> <ul class="impact-list" id="impact-orders">{orders}</ul> })}
                    {(c.quotes_changed > 0).then(|| view! { <h3 class="small-title">{locale.text(Key::ImpactQuotes)}</h3> <ul class="impact-list">{quotes}</ul> })}
                    {(c.forms_changed > 0).then(|| view! { <h3 class="small-title">{locale.text(Key::ImpactRoutes)}</h3> <ul class="impact-list">{routes}</ul> })}
                }
                .into_any()
            }}
        </section>
    }
}

/// The impact diff's summary in the publish step: what publishing the draft over the server
/// version it came from changes, per party, before it is sent.
#[component]
pub fn PublishImpact(ws: Workspace) -> impl IntoView {
    let found = impact_of(
        ws,
        Published {
            file: RwSignal::new(None),
        },
    );
    move || {
        let (what, found) = found.get()?;
        let locale = ws.locale.get();
        let summary = summary(locale, &what, &found.counts);
        let parties = found
            .parties
            .iter()
            .filter(|p| !p.delta.is_zero())
            .map(|p| format!("{} {}", p.party, signed(p.delta)))
            .collect::<Vec<_>>()
            .join(" · ");
        Some(view! {
            <div class="publish-impact" class:unchanged=found.unchanged() id="publish-impact" role="status">
                <p>{summary}</p>
                {(!parties.is_empty()).then(|| view! { <p><strong>{locale.text(Key::ImpactPerParty)} ": "</strong> {parties}</p> })}
            </div>
        })
    }
}
