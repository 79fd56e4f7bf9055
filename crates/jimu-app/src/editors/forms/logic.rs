//! The logic editor of one field condition (visible-if, required-if, enabled-if): the shared
//! condition editor, offering the form's other fields (their options, or yes/no, as values).

use super::FormCtx;
use super::model;
use crate::i18n::Key;
use crate::ui::condition::{ConditionAt, Var};
use leptos::prelude::*;
use serde_json::Value;

/// The values a field offers to compare with: its options' ids, or yes/no.
fn offered(field: &Value) -> Vec<String> {
    if field.get("kind").and_then(Value::as_str) == Some("yes_no") {
        return vec!["true".to_owned(), "false".to_owned()];
    }
    field
        .get("options")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(|c| c.get("id")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[component]
pub fn LogicAt(
    ctx: FormCtx,
    /// The pointer of the expression member (`…/visible_if`).
    at: String,
    /// The field the condition belongs to (not offered to itself).
    owner: String,
    id: String,
    label: Key,
) -> impl IntoView {
    let vars = Memo::new(move |_| {
        ctx.layout.with(|l| {
            l.fields()
                .filter(|f| f.id != owner)
                .map(|f| Var {
                    name: f.id.clone(),
                    numeric: model::is_numeric(&f.kind),
                    choices: offered(&f.json),
                })
                .collect::<Vec<_>>()
        })
    });
    view! { <ConditionAt ws=ctx.ws at vars id label /> }
}
