//! A tier table's bands as an editable table (from, up to, and the amounts of each band: a
//! price per unit, a flat amount, a commission rate), with bands added before the open last
//! one and removed; the last band is always "and above".

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::ui::fields::{len_at, write};
use leptos::prelude::*;
use serde_json::{Value, json};

/// The text of a member of band `i` (empty when absent or null).
fn cell(ws: Workspace, at: &str, i: usize, member: &str) -> String {
    match ws.value_at(&format!("{at}/{i}/{member}")) {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Sets (or, when empty, removes) a member of band `i`; an empty `up_to` writes `null` (open).
fn put(ws: Workspace, at: &str, i: usize, member: &str, text: String) {
    let pointer = format!("{at}/{i}/{member}");
    if text.trim().is_empty() {
        if member == "up_to" {
            write(ws, &pointer, Value::Null, true);
        } else if ws.value_at(&pointer).is_some() {
            ws.edit(vec![Edit::Remove { at: pointer }], None);
        }
    } else {
        write(ws, &pointer, Value::String(text.trim().to_owned()), true);
    }
}

/// A new band before the open last one: its bound double the last finite bound (10 when there
/// is none), its amounts those of the band it is put before.
fn new_band(ws: Workspace, at: &str) -> Vec<Edit> {
    let tiers = ws
        .value_at(at)
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    let last_bound = tiers
        .iter()
        .filter_map(|t| {
            t.get("up_to")?
                .as_str()?
                .parse::<rust_decimal::Decimal>()
                .ok()
        })
        .max();
    let bound = last_bound.map_or(rust_decimal::Decimal::from(10), |b| {
        b * rust_decimal::Decimal::from(2)
    });
    let open_last = tiers
        .last()
        .is_some_and(|t| t.get("up_to").is_none_or(Value::is_null));
    let mut band = tiers.last().cloned().unwrap_or_else(|| json!({}));
    if let Some(map) = band.as_object_mut() {
        map.insert("up_to".to_owned(), json!(bound.normalize().to_string()));
    }
    let index = if open_last {
        tiers.len() - 1
    } else {
        tiers.len()
    };
    if tiers.is_empty() {
        return vec![Edit::Set {
            at: at.to_owned(),
            value: json!([{"up_to": null}]),
        }];
    }
    vec![Edit::Insert {
        at: format!("{at}/{index}"),
        value: band,
    }]
}

#[component]
pub fn TierGrid(
    ws: Workspace,
    /// The pointer of the tiers array.
    #[prop(into)]
    at: Signal<String>,
    /// The amount columns: (member, heading).
    columns: &'static [(&'static str, Key)],
    /// A prefix for the inputs' ids.
    id: &'static str,
) -> impl IntoView {
    let count = Memo::new(move |_| len_at(ws, &at.get()));
    view! {
        <table class="tier-grid" id=format!("{id}-grid")>
            <thead>
                <tr>
                    <th scope="col">{move || ws.t(Key::TierFrom)}</th>
                    <th scope="col">{move || ws.t(Key::TierUpTo)}</th>
                    {columns.iter().map(|(_, key)| view! { <th scope="col">{move || ws.t(*key)}</th> }).collect_view()}
                    <th scope="col"><span class="visually-hidden">{move || ws.t(Key::TierActions)}</span></th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let at = at.get();
                    let n = count.get();
                    (0..n)
                        .map(|i| {
                            let at_low = at.clone();
                            let lower = move || if i == 0 { "0".to_owned() } else { cell(ws, &at_low, i - 1, "up_to") };
                            let band = (i + 1).to_string();
                            let at_up = at.clone();
                            let at_up_v = at.clone();
                            let at_rm = at.clone();
                            let band_up = band.clone();
                            let up_label = move || {
                                let locale = ws.locale.get();
                                format!("{} · {}", locale.fill(Key::TierBandN, &[("n", &band_up)]), locale.text(Key::TierUpTo))
                            };
                            let band_rm = band.clone();
                            let remove_label = move || ws.locale.get().fill(Key::TierRemove, &[("n", &band_rm)]);
                            let last = i + 1 == n;
                            view! {
                                <tr data-band=i>
                                    <td class="num muted">{lower}</td>
                                    <td>
                                        <input
                                            id=format!("{id}-{i}-up_to")
                                            class="text-input num"
                                            type="text"
                                            inputmode="decimal"
                                            aria-label=up_label
                                            placeholder=move || ws.t(Key::TierOpen)
                                            disabled=last
                                            prop:value=move || cell(ws, &at_up_v, i, "up_to")
                                            on:change=move |ev| put(ws, &at_up, i, "up_to", event_target_value(&ev))
                                        />
                                    </td>
                                    {columns
                                        .iter()
                                        .map(|(member, key)| {
                                            let at_c = at.clone();
                                            let at_v = at.clone();
                                            let band = band.clone();
                                            let key = *key;
                                            let label = move || {
                                                let locale = ws.locale.get();
                                                format!("{} · {}", locale.fill(Key::TierBandN, &[("n", &band)]), locale.text(key))
                                            };
                                            view! {
                                                <td>
                                                    <input
                                                        id=format!("{id}-{i}-{member}")
                                                        class="text-input num"
                                                        type="text"
                                                        inputmode="decimal"
                                                        aria-label=label
                                                        prop:value=move || cell(ws, &at_v, i, member)
                                                        on:change=move |ev| put(ws, &at_c, i, member, event_target_value(&ev))
                                                    />
                                                </td>
                                            }
                                        })
                                        .collect_view()}
                                    <td>
                                        <button
                                            type="button"
                                            class="btn btn-small btn-icon"
                                            disabled={n <= 1}
                                            aria-label=remove_label.clone()
                                            title=remove_label
                                            on:click=move |_| {
                                                let mut edits = vec![Edit::Remove { at: format!("{at_rm}/{i}") }];
                                                // The band that becomes last is the open one.
                                                if last && i > 0 {
                                                    edits.push(Edit::Set { at: format!("{at_rm}/{}/up_to", i - 1), value: Value::Null });
                                                }
                                                ws.edit(edits, None);
                                            }
                                        >
                                            <span aria-hidden="true">"✕"</span>
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        <button type="button" class="btn btn-small" id=format!("{id}-add") on:click=move |_| ws.edit(new_band(ws, &at.get_untracked()), None)>
            {move || ws.t(Key::TierAdd)}
        </button>
    }
}
