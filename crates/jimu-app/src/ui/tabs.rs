//! What the designers of a list of things (flows, forms) share: the items of the list as
//! `(id, name)` in the current language, a tab per item, and the problems inside the item on
//! show (with those of the section outside any item).

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::pointer;
use crate::state::section::Section;
use jimu_core::Problem;
use leptos::prelude::*;
use serde_json::Value;

/// The items of the list at `/{list}` as `(id, name)`, names in the current language.
pub fn named_items(ws: Workspace, list: &'static str) -> Memo<Vec<(String, String)>> {
    Memo::new(move |_| {
        let tag = ws.locale.get().tag();
        ws.read(|doc| {
            doc.get(list)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|f| {
                            let id = f.get("id").and_then(Value::as_str).unwrap_or("?");
                            let name = match f.get("name") {
                                Some(Value::Object(m)) => m.get(tag).and_then(Value::as_str),
                                Some(Value::String(s)) => Some(s.as_str()),
                                _ => None,
                            };
                            (id.to_owned(), name.unwrap_or(id).to_owned())
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    })
}

/// The problems inside the item at `at` (under `/{list}/`), and those of `section` that are
/// about no item of the list.
pub fn problems_within(
    ws: Workspace,
    at: Signal<String>,
    section: Section,
    list: &'static str,
) -> Signal<Vec<Problem>> {
    Signal::derive(move || {
        let at = at.get();
        let prefix = format!("/{list}/");
        ws.checked.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.problems()
                        .iter()
                        .filter(|p| {
                            (!at.is_empty() && pointer::is_within(&p.path, &at))
                                || (Section::holding(&p.path) == section
                                    && !p.path.starts_with(&prefix))
                        })
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    })
}

/// A tab per item; picking one calls `pick` with its index.
#[component]
pub fn ItemTabs(
    ws: Workspace,
    items: Memo<Vec<(String, String)>>,
    index: RwSignal<usize>,
    label: Key,
    pick: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="tabs flow-tabs" role="tablist" aria-label=move || ws.t(label)>
            {move || {
                items
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (id, name))| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                data-item=id
                                aria-selected=move || if index.get() == i { "true" } else { "false" }
                                on:click=move |_| pick(i)
                            >
                                {name}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
