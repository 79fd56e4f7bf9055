//! What the pricing and settlement editors share: a tier table's bands as an editable table,
//! and the chart of what a table charges (or pays) over its range.

pub mod chart;
pub mod tiers;

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::ui::fields::len_at;
use leptos::prelude::*;
use serde_json::{Value, json};

/// Appends `value` to the list at `at` (making the list, and the objects on the way, when
/// absent).
pub fn push(ws: Workspace, at: &str, value: Value) {
    let edits = if ws.value_at(at).is_some() {
        vec![Edit::Insert {
            at: format!("{at}/-"),
            value,
        }]
    } else {
        ws.store
            .with_untracked(|s| crate::state::doc::set_creating(s.doc(), at, json!([value])))
    };
    ws.edit(edits, None);
}

/// Removes item `i` of the list at `at`.
pub fn remove_item(ws: Workspace, at: &str, i: usize) {
    if i < len_at(ws, at) {
        ws.edit(
            vec![Edit::Remove {
                at: format!("{at}/{i}"),
            }],
            None,
        );
    }
}

/// Moves item `from` of the list at `at` to index `to`.
pub fn move_item(ws: Workspace, at: &str, from: usize, to: usize) {
    if from != to && from < len_at(ws, at) && to < len_at(ws, at) {
        ws.edit(
            vec![Edit::Move {
                from: format!("{at}/{from}"),
                to: format!("{at}/{to}"),
            }],
            None,
        );
    }
}

/// The name of a list item in the current language (its id when it has none).
pub fn name_of(item: &Value, tag: &str) -> String {
    let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
    match item.get("name") {
        Some(Value::Object(m)) => m.get(tag).and_then(Value::as_str).unwrap_or(id).to_owned(),
        Some(Value::String(s)) => s.clone(),
        _ => id.to_owned(),
    }
}

/// A small "remove" button with a spoken label.
#[component]
pub fn RemoveButton(
    ws: Workspace,
    #[prop(into)] label: Signal<String>,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    let _ = ws;
    view! {
        <button type="button" class="btn btn-small btn-icon" aria-label=move || label.get() title=move || label.get() on:click=move |_| on_click()>
            <span aria-hidden="true">"✕"</span>
        </button>
    }
}

/// The name of the tier model of a pricing charge or a commission mode.
pub fn model_key(model: &str) -> Key {
    match model {
        "graduated" => Key::ModelGraduated,
        "volume" => Key::ModelVolume,
        "stairstep" => Key::ModelStairstep,
        "package" => Key::ModelPackage,
        "percentage" => Key::ModelPercentage,
        "retroactive" => Key::ModelRetroactive,
        _ => Key::ModelMarginal,
    }
}
