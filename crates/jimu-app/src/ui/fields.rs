//! Inputs bound to a place in the document: each shows the value at a pointer and writes it
//! back as an edit (typing is one undo step per pause), so every visual editor's form is a
//! few of these. Text in both languages, choices, switches, durations and expressions (checked
//! as typed, with the problem's characters marked).

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::{self, Edit};
use crate::state::pointer;
use leptos::prelude::*;
use serde_json::{Value, json};

fn text_at(ws: Workspace, at: &str) -> String {
    ws.value_at(at)
        .map(|v| match v {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// Sets a string (an empty one removes an optional member), making the objects on the way.
fn write_text(ws: Workspace, at: &str, text: String, optional: bool) {
    if text.is_empty() && optional {
        if ws.store.with_untracked(|s| s.get(at).is_some()) {
            ws.edit(vec![Edit::Remove { at: at.to_owned() }], None);
        }
    } else {
        write(ws, at, Value::String(text), true);
    }
}

/// Writes a value at a pointer, making the objects on the way; typed values group by place.
pub fn write(ws: Workspace, at: &str, value: Value, typed: bool) {
    let edits = ws
        .store
        .with_untracked(|s| doc::set_creating(s.doc(), at, value));
    let group = typed.then(|| doc::Group::typing(format!("field:{at}")));
    ws.edit(edits, group);
}

/// A one-line text at a pointer.
#[component]
pub fn TextAt(
    ws: Workspace,
    #[prop(into)] at: Signal<String>,
    #[prop(into)] id: String,
    label: Key,
    #[prop(optional)] optional: bool,
    #[prop(optional)] mono: bool,
    #[prop(optional, into)] list: Option<String>,
    /// Writes a whole number as a JSON number (other text as typed, for the check to flag).
    #[prop(optional)]
    int: bool,
) -> impl IntoView {
    let put = move |text: String| {
        let at = at.get_untracked();
        match text.trim().parse::<u64>() {
            Ok(n) if int => write(ws, &at, json!(n), true),
            _ => write_text(ws, &at, text, optional || int),
        }
    };
    view! {
        <div class="field">
            <label class="field-label" for=id.clone()>{move || ws.t(label)}</label>
            <input
                id=id
                class="text-input"
                class:mono=mono
                type="text"
                autocomplete="off"
                spellcheck="false"
                data-undo="store"
                list=list
                inputmode=int.then_some("numeric")
                prop:value=move || text_at(ws, &at.get())
                on:input=move |ev| put(event_target_value(&ev))
                on:blur=move |_| ws.seal()
            />
        </div>
    }
}

/// A text people read, in both languages: `"text"` or `{"zh-CN": …, "en": …}` at a pointer
/// (written as the object once either is typed).
#[component]
pub fn LocalizedAt(
    ws: Workspace,
    #[prop(into)] at: Signal<String>,
    #[prop(into)] id: String,
    label: Key,
) -> impl IntoView {
    let read = move |tag: &'static str| {
        move || {
            ws.value_at(&at.get())
                .map(|v| match v {
                    Value::Object(map) => map
                        .get(tag)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    Value::String(s) => s,
                    _ => String::new(),
                })
                .unwrap_or_default()
        }
    };
    let write = move |tag: &'static str, text: String| {
        let at = at.get_untracked();
        let mut object = match ws.value_at(&at) {
            Some(Value::Object(map)) => map,
            Some(Value::String(s)) => [("zh-CN".to_owned(), json!(s)), ("en".to_owned(), json!(s))]
                .into_iter()
                .collect(),
            _ => serde_json::Map::new(),
        };
        object.insert(tag.to_owned(), Value::String(text));
        write(ws, &at, Value::Object(object), true);
    };
    let zh = format!("{id}-zh");
    let en = format!("{id}-en");
    view! {
        <fieldset class="field field-pair">
            <legend class="field-label">{move || ws.t(label)}</legend>
            <label class="visually-hidden" for=zh.clone()>{move || format!("{} (中文)", ws.t(label))}</label>
            <input
                id=zh
                class="text-input"
                type="text"
                lang="zh-CN"
                placeholder="中文"
                data-undo="store"
                prop:value=read("zh-CN")
                on:input=move |ev| write("zh-CN", event_target_value(&ev))
                on:blur=move |_| ws.seal()
            />
            <label class="visually-hidden" for=en.clone()>{move || format!("{} (English)", ws.t(label))}</label>
            <input
                id=en
                class="text-input"
                type="text"
                lang="en"
                placeholder="English"
                data-undo="store"
                prop:value=read("en")
                on:input=move |ev| write("en", event_target_value(&ev))
                on:blur=move |_| ws.seal()
            />
        </fieldset>
    }
}

/// A choice among values, at a pointer; with `optional`, the empty choice removes the member.
#[component]
pub fn SelectAt(
    ws: Workspace,
    #[prop(into)] at: Signal<String>,
    #[prop(into)] id: String,
    label: Key,
    /// `(value, shown)` pairs.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let current = move || text_at(ws, &at.get());
    view! {
        <div class="field">
            <label class="field-label" for=id.clone()>{move || ws.t(label)}</label>
            <select
                id=id
                class="select"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let at = at.get_untracked();
                    if value.is_empty() && optional {
                        if ws.store.with_untracked(|s| s.get(&at).is_some()) {
                            ws.edit(vec![Edit::Remove { at }], None);
                        }
                    } else {
                        write(ws, &at, Value::String(value), false);
                    }
                }
            >
                {move || {
                    let now = current();
                    let known = options.with(|o| o.iter().any(|(v, _)| *v == now));
                    let mut items: Vec<(String, String)> = Vec::new();
                    if optional || now.is_empty() {
                        items.push((String::new(), ws.t(Key::NotGiven).to_owned()));
                    }
                    if !known && !now.is_empty() {
                        items.push((now.clone(), format!("{now} ?")));
                    }
                    items.extend(options.get());
                    items
                        .into_iter()
                        .map(|(value, shown)| {
                            let selected = value == now;
                            view! { <option value=value selected=selected prop:selected=selected>{shown}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// A switch at a pointer; a value equal to `default` is written by removing the member.
#[component]
pub fn CheckAt(
    ws: Workspace,
    #[prop(into)] at: Signal<String>,
    #[prop(into)] id: String,
    label: Key,
    #[prop(optional)] default: bool,
) -> impl IntoView {
    let checked = move || {
        ws.value_at(&at.get())
            .and_then(|v| v.as_bool())
            .unwrap_or(default)
    };
    let label_for = id.clone();
    view! {
        <label class="check field-check" for=label_for>
            <input
                id=id
                type="checkbox"
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let at = at.get_untracked();
                    let exists = ws.store.with_untracked(|s| s.get(&at).is_some());
                    let edits = match (on == default, exists) {
                        (true, true) => vec![Edit::Remove { at }],
                        (true, false) => vec![],
                        (false, _) => {
                            write(ws, &at, Value::Bool(on), false);
                            vec![]
                        }
                    };
                    ws.edit(edits, None);
                }
            />
            {move || ws.t(label)}
        </label>
    }
}

/// An expression at a pointer, checked by jimu-core as it is typed: the problems about it are
/// listed under it, and the characters each is about are marked in a copy of the text. The
/// variables in scope are offered as the admin types (`list`: a datalist id).
#[component]
pub fn ExprAt(
    ws: Workspace,
    #[prop(into)] at: Signal<String>,
    #[prop(into)] id: String,
    label: Key,
    #[prop(optional)] optional: bool,
    #[prop(optional, into)] list: Option<String>,
) -> impl IntoView {
    let text = move || text_at(ws, &at.get());
    let problems = Memo::new(move |_| {
        let at = at.get();
        ws.checked.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.problems()
                        .iter()
                        .filter(|p| p.path == at || pointer::is_within(&p.path, &at))
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let error_id = format!("{id}-problems");
    let marked = move || {
        let text = text();
        let chars: Vec<char> = text.chars().collect();
        problems.with(|ps| {
            let ranges: Vec<(usize, usize)> = ps
                .iter()
                .filter_map(|p| Some((p.start?, p.end?.max(p.start? + 1))))
                .collect();
            if ranges.is_empty() {
                return None;
            }
            let mut parts = Vec::new();
            let mut run = String::new();
            let mut marking = false;
            for (i, c) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
                let inside = ranges.iter().any(|(s, e)| i >= *s && i < *e);
                if inside != marking {
                    parts.push((marking, std::mem::take(&mut run)));
                    marking = inside;
                }
                run.push(*c);
            }
            parts.push((marking, run));
            Some(
                parts
                    .into_iter()
                    .map(|(mark, part)| {
                        if mark {
                            view! { <mark>{part}</mark> }.into_any()
                        } else {
                            view! { <span>{part}</span> }.into_any()
                        }
                    })
                    .collect_view(),
            )
        })
    };
    view! {
        <div class="field field-expr" class:invalid=move || !problems.with(Vec::is_empty)>
            <label class="field-label" for=id.clone()>{move || ws.t(label)}</label>
            <input
                id=id
                class="text-input mono"
                type="text"
                autocomplete="off"
                spellcheck="false"
                data-undo="store"
                list=list
                aria-describedby=error_id.clone()
                aria-invalid=move || if problems.with(Vec::is_empty) { "false" } else { "true" }
                prop:value=text
                on:input=move |ev| write_text(ws, &at.get_untracked(), event_target_value(&ev), optional)
                on:blur=move |_| ws.seal()
            />
            <div class="expr-marked mono" aria-hidden="true">{marked}</div>
            <ul class="field-error expr-problems" id=error_id role="status">
                {move || {
                    let tag = ws.locale.get().tag();
                    problems
                        .get()
                        .into_iter()
                        .map(|p| view! { <li data-code=p.code.as_str()>{p.message.get(tag).to_owned()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// `(id, shown)` for each item with an `id` in the list at `at` (names in the current language,
/// "name (id)"), for choosing one.
pub fn listed(ws: Workspace, at: String) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        let tag = ws.locale.get().tag();
        ws.read(|doc| {
            doc.pointer(&at)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| {
                            let id = item.get("id")?.as_str()?.to_owned();
                            let name = match item.get("name") {
                                Some(Value::Object(m)) => {
                                    m.get(tag).and_then(Value::as_str).map(str::to_owned)
                                }
                                Some(Value::String(s)) => Some(s.clone()),
                                _ => None,
                            };
                            Some((
                                id.clone(),
                                name.map_or(id.clone(), |n| format!("{n} ({id})")),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    })
}

/// Fixed choices with their names in the current language.
pub fn fixed(
    ws: Workspace,
    items: &'static [(&'static str, Key)],
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        items
            .iter()
            .map(|(v, k)| ((*v).to_owned(), ws.t(*k).to_owned()))
            .collect()
    })
}

/// The length of the list at `at` (0 when there is none).
pub fn len_at(ws: Workspace, at: &str) -> usize {
    ws.value_at(at)
        .and_then(|v| v.as_array().map(Vec::len))
        .unwrap_or(0)
}
