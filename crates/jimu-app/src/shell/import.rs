//! Opening a bundle from outside: a file (picker or dropped on the page) or pasted text. What
//! is not a loadable bundle is shown with every problem and never touches the draft; the
//! person may still open a bundle with mistakes on purpose, to fix them here, and it then
//! opens like any other document (see `Workspace::open_document`: nothing is replaced
//! without a way back).

use crate::browser;
use crate::i18n::Key;
use crate::shell::workspace::{Refused, Workspace};
use crate::ui::problems::ProblemItems;
use jimu_core::{Bundle, Problem};
use leptos::html::Dialog;
use leptos::prelude::*;
use serde_json::Value;

/// What an imported text is.
#[derive(Debug, Clone, PartialEq)]
pub enum Judged {
    /// A bundle that loads.
    Bundle(Value),
    /// JSON that is not a loadable bundle: it can still be opened on purpose.
    Invalid(Value, Vec<Problem>),
    /// Not JSON (or not an object): nothing to open.
    Unreadable(Vec<Problem>),
}

/// Reads and checks a text before anything is opened.
pub fn judge(text: &str) -> Judged {
    let value = match jimu_core::parse_json(text.trim_start_matches('\u{feff}')) {
        Ok(value) => value,
        Err(problems) => return Judged::Unreadable(problems),
    };
    if !value.is_object() {
        // The structural check says why (the bundle must be an object).
        let problems = Bundle::from_value(&value).err().unwrap_or_default();
        return Judged::Unreadable(problems);
    }
    match Bundle::from_value(&value) {
        Ok(_) => Judged::Bundle(value),
        Err(problems) => Judged::Invalid(value, problems),
    }
}

/// Opens a text read from `what` (a file name, or "pasted text"), or shows why not.
pub fn open_text(ws: Workspace, what: String, text: &str) {
    match judge(text) {
        Judged::Bundle(value) => {
            ws.refused.set(None);
            ws.open_document(value, what);
        }
        Judged::Invalid(value, problems) => ws.refused.set(Some(Refused {
            what,
            problems,
            value: Some(value),
        })),
        Judged::Unreadable(problems) => ws.refused.set(Some(Refused {
            what,
            problems,
            value: None,
        })),
    }
}

fn open_file(ws: Workspace, file: web_sys::File) {
    leptos::task::spawn_local(async move {
        let name = file.name();
        match browser::read_text(&file).await {
            Ok(text) => open_text(ws, name, &text),
            Err(_) => ws.refused.set(Some(Refused {
                what: name,
                problems: vec![],
                value: None,
            })),
        }
    });
}

pub fn on_drag_over(ev: leptos::ev::DragEvent) {
    if browser::drag_has_files(&ev) {
        ev.prevent_default();
    }
}

pub fn on_drop(ws: Workspace, ev: leptos::ev::DragEvent) {
    if let Some(file) = browser::dropped_file(&ev) {
        ev.prevent_default();
        open_file(ws, file);
    }
}

/// The import button (file picker) and the paste dialog.
#[component]
pub fn ImportMenu(ws: Workspace) -> impl IntoView {
    let paste_open = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if paste_open.get() {
                let _ = dialog.show_modal();
            } else {
                dialog.close();
            }
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = browser::chosen_file(&input) else {
            return;
        };
        // Let the same file be chosen again after it was edited on disk.
        input.set_value("");
        open_file(ws, file);
    };
    let open_pasted = move |_| {
        let text = pasted.get_untracked();
        paste_open.set(false);
        pasted.set(String::new());
        open_text(
            ws,
            ws.locale.get_untracked().text(Key::PastedText).to_owned(),
            &text,
        );
    };
    view! {
        <label class="btn file-btn" title=move || ws.t(Key::OpenFileTitle)>
            <input id="bundle-file" class="visually-hidden" type="file" accept=".json,application/json" on:change=on_file />
            <span>{move || ws.t(Key::OpenFile)}</span>
        </label>
        <button id="paste-open" type="button" class="btn" on:click=move |_| paste_open.set(true)>
            {move || ws.t(Key::PasteJson)}
        </button>
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="paste-title"
            on:close=move |_| paste_open.set(false)
        >
            <h2 id="paste-title" class="dialog-title">{move || ws.t(Key::PasteTitle)}</h2>
            <p class="muted">{move || ws.t(Key::PasteNote)}</p>
            <textarea
                id="paste-input"
                class="code-input paste-input"
                spellcheck="false"
                aria-label=move || ws.t(Key::PasteTitle)
                prop:value=move || pasted.get()
                on:input=move |ev| pasted.set(event_target_value(&ev))
            ></textarea>
            <div class="dialog-actions">
                <button type="button" class="btn" on:click=move |_| paste_open.set(false)>
                    {move || ws.t(Key::Cancel)}
                </button>
                <button
                    id="paste-submit"
                    type="button"
                    class="btn btn-primary"
                    disabled=move || pasted.with(|p| p.trim().is_empty())
                    on:click=open_pasted
                >
                    {move || ws.t(Key::PasteSubmit)}
                </button>
            </div>
        </dialog>
    }
}

/// The dialog that shows why a file or paste was not opened.
#[component]
pub fn RefusedDialog(ws: Workspace) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if ws.refused.with(Option::is_some) {
                if !dialog.open() {
                    let _ = dialog.show_modal();
                }
            } else {
                dialog.close();
            }
        }
    });
    let title = move || {
        let locale = ws.locale.get();
        ws.refused.with(|r| {
            r.as_ref()
                .map(|r| locale.fill(Key::RefusedTitle, &[("what", &r.what)]))
                .unwrap_or_default()
        })
    };
    let note = move || {
        let locale = ws.locale.get();
        ws.refused.with(|r| match r {
            Some(r) if r.problems.is_empty() => locale.text(Key::RefusedUnreadable).to_owned(),
            Some(r) => locale.fill(
                if r.value.is_some() {
                    Key::RefusedInvalid
                } else {
                    Key::RefusedNotJson
                },
                &[("count", &r.problems.len().to_string())],
            ),
            None => String::new(),
        })
    };
    let open_anyway = move |_| {
        if let Some(refused) = ws.refused.get_untracked()
            && let Some(value) = refused.value
        {
            ws.refused.set(None);
            ws.open_document(value, refused.what);
        }
    };
    view! {
        <dialog
            node_ref=dialog
            id="refused"
            class="dialog dialog-wide"
            aria-labelledby="refused-title"
            on:close=move |_| ws.refused.set(None)
        >
            <h2 id="refused-title" class="dialog-title">{title}</h2>
            <p>{note}</p>
            <p class="muted">{move || ws.t(Key::RefusedDraftKept)}</p>
            <ul id="refused-problems" class="problems">
                {move || {
                    ws.refused
                        .get()
                        .map(|r| {
                            r.problems
                                .into_iter()
                                .map(|problem| view! { <ProblemItems ws problem /> })
                                .collect_view()
                        })
                }}
            </ul>
            <div class="dialog-actions">
                <Show when=move || ws.refused.with(|r| r.as_ref().is_some_and(|r| r.value.is_some()))>
                    <button id="refused-open-anyway" type="button" class="btn" on:click=open_anyway>
                        {move || ws.t(Key::OpenAnyway)}
                    </button>
                </Show>
                <button id="refused-close" type="button" class="btn btn-primary" on:click=move |_| ws.refused.set(None)>
                    {move || ws.t(Key::Close)}
                </button>
            </div>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(name: &str) -> String {
        format!(r#"{{"schema_version": 2, "name": "{name}", "currency": "CNY"}}"#)
    }

    #[test]
    fn a_loadable_bundle_opens() {
        assert!(matches!(judge(&bundle("a")), Judged::Bundle(_)));
        // A byte-order mark from a Windows editor is not a reason to refuse.
        assert!(matches!(
            judge(&format!("\u{feff}{}", bundle("a"))),
            Judged::Bundle(_)
        ));
    }

    #[test]
    fn broken_json_is_unreadable_with_its_line_and_column() {
        let Judged::Unreadable(problems) = judge("{\n  \"schema_version\": 2,\n  oops\n}") else {
            panic!("not JSON");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code.as_str(), "json-syntax");
        assert_eq!(problems[0].line, Some(3));
    }

    #[test]
    fn json_that_is_not_an_object_is_unreadable() {
        let Judged::Unreadable(problems) = judge("[1, 2]") else {
            panic!("not a bundle");
        };
        assert!(!problems.is_empty());
    }

    #[test]
    fn an_invalid_bundle_keeps_its_value_and_every_problem() {
        let text = r#"{"schema_version": 2, "currency": "XXX", "catalog": [{"id": "a"}]}"#;
        let Judged::Invalid(value, problems) = judge(text) else {
            panic!("invalid");
        };
        assert_eq!(value["currency"], "XXX");
        assert!(problems.len() >= 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.path.starts_with('/')));
    }
}
