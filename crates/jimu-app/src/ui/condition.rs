//! A condition editor at a pointer: pickers for the common cases (a variable, a comparison, a
//! value, from a list where the variable has one) beside the raw expression, checked as it is
//! typed with its problems at their characters. The pickers write the expression; one they
//! cannot show leaves them on "custom". Used for form logic, price rules and plans.

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::ui::fields::{ExprAt, write};
use leptos::prelude::*;
use serde_json::json;

/// A condition the pickers can show: `field op value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: String,
    /// `==`, `!=`, `>`, `>=`, `<`, `<=`, `filled`, `empty`, `contains`.
    pub op: String,
    /// The value as typed (without quotes).
    pub value: String,
}

pub const OPERATORS: &[&str] = &[
    "==", "!=", ">", ">=", "<", "<=", "filled", "empty", "contains",
];

/// Reads an expression the pickers can show; `None` for anything else (the raw text shows it).
pub fn parse_condition(source: &str) -> Option<Condition> {
    let s = source.trim();
    let ident = |t: &str| {
        let t = t.trim();
        (t.chars().next()?.is_alphabetic()
            && !t.ends_with('.')
            && t.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
        .then(|| t.to_owned())
    };
    let literal = |t: &str| -> Option<String> {
        let t = t.trim();
        let quoted = t.len() >= 2
            && ((t.starts_with('\'') && t.ends_with('\''))
                || (t.starts_with('"') && t.ends_with('"')));
        if quoted {
            let inner = &t[1..t.len() - 1];
            return (!inner.contains(['\'', '"'])).then(|| inner.to_owned());
        }
        (t == "true" || t == "false" || t.parse::<f64>().is_ok()).then(|| t.to_owned())
    };
    if let Some((value, field)) = s.split_once(" in ") {
        let value = literal(value)?;
        return Some(Condition {
            field: ident(field)?,
            op: "contains".to_owned(),
            value,
        });
    }
    for op in ["==", "!=", ">=", "<=", ">", "<"] {
        if let Some((field, value)) = s.split_once(op) {
            let field = ident(field)?;
            if value.trim() == "null" && (op == "==" || op == "!=") {
                let op = if op == "==" { "empty" } else { "filled" };
                return Some(Condition {
                    field,
                    op: op.to_owned(),
                    value: String::new(),
                });
            }
            return Some(Condition {
                field,
                op: op.to_owned(),
                value: literal(value)?,
            });
        }
    }
    None
}

/// Writes a condition as an expression; `numeric` fields (numbers, money, ratings, yes/no) take
/// the value as it is, others quoted.
pub fn write_condition(c: &Condition, numeric: bool) -> String {
    let quoted = || {
        let bare = numeric || c.value == "true" || c.value == "false";
        if bare && !c.value.is_empty() {
            c.value.clone()
        } else {
            format!("'{}'", c.value.replace('\'', ""))
        }
    };
    match c.op.as_str() {
        "filled" => format!("{} != null", c.field),
        "empty" => format!("{} == null", c.field),
        "contains" => format!("{} in {}", quoted(), c.field),
        op => format!("{} {op} {}", c.field, quoted()),
    }
}

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

/// A variable the pickers offer: its name, whether it is compared as a number (or yes/no),
/// and the values it can take when there is a short list of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub numeric: bool,
    pub choices: Vec<String>,
}

/// A condition at a pointer: pickers (variable, comparison, value) for the common cases and
/// the raw expression beside them, checked as typed. An empty condition is "always".
#[component]
pub fn ConditionAt(
    ws: Workspace,
    /// The pointer of the expression member (`…/visible_if`, `…/when`).
    at: String,
    /// The variables offered.
    #[prop(into)]
    vars: Signal<Vec<Var>>,
    id: String,
    label: Key,
) -> impl IntoView {
    let at = StoredValue::new(at);
    let text = Memo::new(move |_| {
        ws.value_at(&at.get_value())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let parsed = Memo::new(move |_| parse_condition(&text.get()));
    let var_of = move |name: &str| vars.with(|vs| vs.iter().find(|v| v.name == name).cloned());
    let put = move |c: Option<Condition>| {
        let at = at.get_value();
        match c {
            Some(c) => {
                let numeric = var_of(&c.field).is_some_and(|v| v.numeric);
                write(ws, &at, json!(write_condition(&c, numeric)), false);
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
        let value = var_of(&field).map(|v| v.choices).unwrap_or_default();
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
                        items.extend(vars.get().into_iter().map(|v| (v.name.clone(), v.name)));
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
                    let choices = c.as_ref().and_then(|c| var_of(&c.field)).map(|v| v.choices).unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_read_and_written_by_the_pickers() {
        let check = |source: &str, field: &str, op: &str, value: &str, numeric: bool| {
            let c = parse_condition(source).unwrap_or_else(|| panic!("{source} parses"));
            assert_eq!(
                (c.field.as_str(), c.op.as_str(), c.value.as_str()),
                (field, op, value)
            );
            assert_eq!(write_condition(&c, numeric), source);
        };
        check("parts_used == true", "parts_used", "==", "true", true);
        check("kind == 'repair'", "kind", "==", "repair", false);
        check("amount >= 500", "amount", ">=", "500", true);
        check("phone != null", "phone", "filled", "", false);
        check("note == null", "note", "empty", "", false);
        check("'vip' in tags", "tags", "contains", "vip", false);
        check("code != '007'", "code", "!=", "007", false);
        check("item.kind == 'part'", "item.kind", "==", "part", false);
        assert_eq!(parse_condition("a + b > 3"), None);
        assert_eq!(parse_condition("a == b"), None);
        assert_eq!(parse_condition(""), None);
    }
}
