//! The logic editor of one condition (visible-if, required-if, enabled-if): pickers for the
//! common cases (a field, a comparison, a value: an option or yes/no where the field has them)
//! and the raw expression beside them, checked as it is typed. The pickers write the
//! expression; an expression they cannot show leaves them on "custom".

use super::FormCtx;
use super::model::{self, Condition, OPERATORS};
use crate::i18n::Key;
use crate::ui::fields::{ExprAt, write};
use leptos::prelude::*;
use serde_json::{Value, json};

const OPERATOR_KEYS: [Key; 9] = [
    Key::OpEq,
    Key::OpNe,
    Key::OpGt,
    Key::OpGe,
    Key::OpLt,
    Key::OpLe,
    Key::OpFilled,
    Key::OpEmpty,
    Key::OpContains,
];

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
    let ws = ctx.ws;
    let at = StoredValue::new(at);
    let text = Memo::new(move |_| {
        ws.value_at(&at.get_value())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let parsed = Memo::new(move |_| model::parse_condition(&text.get()));
    // The other fields, with their definitions, to pick from.
    let fields = Memo::new(move |_| {
        ctx.layout.with(|l| {
            l.fields()
                .filter(|f| f.id != owner)
                .map(|f| (f.id.clone(), f.json.clone()))
                .collect::<Vec<_>>()
        })
    });
    let field_of =
        move |id: &str| fields.with(|fs| fs.iter().find(|(f, _)| f == id).map(|(_, j)| j.clone()));
    let put = move |c: Option<Condition>| {
        let at = at.get_value();
        match c {
            Some(c) => {
                let numeric = field_of(&c.field)
                    .and_then(|f| f.get("kind").and_then(Value::as_str).map(model::is_numeric))
                    .unwrap_or(false);
                write(ws, &at, json!(model::write_condition(&c, numeric)), false);
            }
            None => {
                if ws.value_at(&at).is_some() {
                    ws.edit(vec![crate::state::doc::Edit::Remove { at }], None);
                }
            }
        }
    };
    let pick_field = move |ev| {
        let field = event_target_value(&ev);
        if field.is_empty() {
            return put(None);
        }
        let keep = parsed
            .get_untracked()
            .filter(|c| c.op != "contains" || c.field == field);
        let value = field_of(&field).map(|f| offered(&f)).unwrap_or_default();
        let c = match keep {
            Some(c) => Condition { field, ..c },
            None if !value.is_empty() => Condition {
                field,
                op: "==".to_owned(),
                value: value[0].clone(),
            },
            None => Condition {
                field,
                op: "filled".to_owned(),
                value: String::new(),
            },
        };
        put(Some(c));
    };
    let pick_op = move |ev| {
        if let Some(c) = parsed.get_untracked() {
            put(Some(Condition {
                op: event_target_value(&ev),
                ..c
            }));
        }
    };
    let type_value = move |value: String| {
        if let Some(c) = parsed.get_untracked() {
            put(Some(Condition { value, ..c }));
        }
    };
    let field_id = format!("{id}-field");
    let op_id = format!("{id}-op");
    let value_id = format!("{id}-value");
    let pointer = Signal::derive(move || at.get_value());
    view! {
        <fieldset class="fd-logic" data-logic=id.clone()>
            <legend class="field-label">{move || ws.t(label)}</legend>
            <div class="fd-logic-pickers">
                <label class="visually-hidden" for=field_id.clone()>{move || format!("{} · {}", ws.t(label), ws.t(Key::FdWhenField))}</label>
                <select id=field_id class="select" on:change=pick_field>
                    {move || {
                        let current = parsed.get().map(|c| c.field);
                        let custom = current.is_none() && !text.with(String::is_empty);
                        let mut items = vec![(String::new(), ws.t(if custom { Key::FdCustom } else { Key::FdAlways }).to_owned())];
                        items.extend(fields.get().into_iter().map(|(f, _)| (f.clone(), f)));
                        items
                            .into_iter()
                            .map(|(value, shown)| {
                                let selected = current.as_deref().unwrap_or_default() == value;
                                view! { <option value=value selected=selected prop:selected=selected>{shown}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <label class="visually-hidden" for=op_id.clone()>{move || format!("{} · {}", ws.t(label), ws.t(Key::FdOperator))}</label>
                <select id=op_id class="select" disabled=move || parsed.with(Option::is_none) on:change=pick_op>
                    {move || {
                        let current = parsed.get().map(|c| c.op).unwrap_or_default();
                        OPERATORS
                            .iter()
                            .zip(OPERATOR_KEYS)
                            .map(|(op, key)| view! { <option value=*op selected=current == *op prop:selected=current == *op>{ws.t(key)}</option> })
                            .collect_view()
                    }}
                </select>
                <label class="visually-hidden" for=value_id.clone()>{move || format!("{} · {}", ws.t(label), ws.t(Key::FdValue))}</label>
                {move || {
                    let c = parsed.get();
                    let needs = c.as_ref().is_some_and(|c| c.op != "filled" && c.op != "empty");
                    let choices = c.as_ref().and_then(|c| field_of(&c.field)).map(|f| offered(&f)).unwrap_or_default();
                    let value = c.map(|c| c.value).unwrap_or_default();
                    let id = value_id.clone();
                    if needs && !choices.is_empty() {
                        view! {
                            <select id=id class="select" on:change=move |ev| type_value(event_target_value(&ev))>
                                {choices
                                    .into_iter()
                                    .map(|o| {
                                        let selected = o == value;
                                        let shown = o.clone();
                                        view! { <option value=o selected=selected prop:selected=selected>{shown}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        }
                            .into_any()
                    } else {
                        view! {
                            <input
                                id=id
                                class="text-input"
                                type="text"
                                disabled=!needs
                                prop:value=value
                                on:change=move |ev| type_value(event_target_value(&ev))
                            />
                        }
                            .into_any()
                    }
                }}
            </div>
            <ExprAt ws at=pointer id=format!("{id}-expr") label=Key::FdExpression optional=true />
        </fieldset>
    }
}
