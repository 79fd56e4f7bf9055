//! The text view: one member of the bundle (or all of it) as JSON text, an editor like the
//! others over the same store. Typed text that parses is sent as the smallest edits that
//! make the document equal to it (one undo step per run of typing); text that does not parse
//! yet is kept with the draft and shown with where it breaks, and the document keeps its last
//! good value. A selected pointer is highlighted in the text; a click in the text selects
//! the value under the caret.

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::diff::diff;
use crate::state::doc::{Edit, Group};
use crate::state::json_text::{self, JsonText};
use crate::state::pointer;
use crate::ui::problems::ProblemItems;
use jimu_core::Problem;
use leptos::html::Textarea;
use leptos::prelude::*;
use std::time::Duration;

/// Texts longer than this (in UTF-16 units) are read after a pause in typing rather than on
/// every key.
const PARSE_AT_ONCE_BELOW: usize = 64 * 1024;
const PARSE_DELAY: Duration = Duration::from_millis(150);

/// What typing into the view did, once the text is read.
fn read_typed(ws: Workspace, at: &str, text: &str) -> Result<(), Vec<Problem>> {
    if text.trim().is_empty() && !at.is_empty() {
        // Emptying a member's text removes the member.
        let exists = ws.store.with_untracked(|s| s.get(at).is_some());
        ws.set_pending(at, None);
        if exists {
            ws.edit(
                vec![Edit::Remove { at: at.to_owned() }],
                Some(Group::typing(format!("text:{at}"))),
            );
        }
        return Ok(());
    }
    let value = jimu_core::parse_json(text)?;
    let edits = ws.store.with_untracked(|s| match s.get(at) {
        Some(old) => diff(at, old, &value),
        None => vec![Edit::Set {
            at: at.to_owned(),
            value: value.clone(),
        }],
    });
    ws.set_pending(at, None);
    ws.edit(edits, Some(Group::typing(format!("text:{at}"))));
    Ok(())
}

/// A text view of the value at `at` (`""`: the whole bundle).
#[component]
pub fn TextView(
    ws: Workspace,
    /// The pointer the view edits.
    at: String,
    /// Its accessible name.
    label: Signal<String>,
) -> impl IntoView {
    let at = StoredValue::new(at);
    let area = NodeRef::<Textarea>::new();
    // The text as typed, with the revision it produced: shown instead of the printed text
    // while the document is still what the typing made it (so the caret never jumps).
    let typed = RwSignal::new(None::<(u64, String)>);
    let timer = StoredValue::new(None::<TimeoutHandle>);

    let printed = Memo::new(move |_| {
        let at = at.get_value();
        ws.read(|doc| doc.pointer(&at).map(|value| JsonText::print(value, &at)))
    });
    let pending = Memo::new(move |_| ws.pending.with(|p| p.get(&at.get_value()).cloned()));
    // Where the text that is not JSON yet breaks (nothing once it is applied or dropped).
    let syntax = Memo::new(move |_| {
        pending.with(|p| {
            p.as_ref()
                .and_then(|text| jimu_core::parse_json(text).err())
                .unwrap_or_default()
        })
    });
    let shown = move || {
        if let Some(text) = pending.get() {
            return text;
        }
        let revision = ws.revision.get();
        if let Some((made, text)) = typed.get()
            && made == revision
        {
            return text;
        }
        printed.with(|p| p.as_ref().map(|p| p.text.clone()).unwrap_or_default())
    };

    let parse = move |text: String| {
        let at = at.get_value();
        match crate::browser::timed("jimu:text-apply", || read_typed(ws, &at, &text)) {
            Ok(()) => {
                typed.set(Some((ws.store.with_untracked(|s| s.revision()), text)));
            }
            Err(_) => ws.set_pending(&at, Some(text)),
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        timer.update_value(|t| {
            if let Some(handle) = t.take() {
                handle.clear();
            }
        });
        let long = area
            .get_untracked()
            .is_some_and(|a| usize::try_from(a.text_length()).unwrap_or(0) >= PARSE_AT_ONCE_BELOW);
        if !long {
            parse(event_target_value(&ev));
            return;
        }
        // A long text is read (copied out of the page, parsed, compared) after a pause in the
        // typing, so a keystroke costs the browser's own editing only.
        let handle = set_timeout_with_handle(
            move || {
                if let Some(Some(area)) = area.try_get_untracked() {
                    parse(area.value());
                }
            },
            PARSE_DELAY,
        )
        .ok();
        timer.set_value(handle);
    };

    // A click or a caret move selects the value under the caret.
    let select_at_caret = move || {
        if pending.get_untracked().is_some() {
            return;
        }
        let Some(area) = area.get_untracked() else {
            return;
        };
        let Ok(Some(offset)) = area.selection_start() else {
            return;
        };
        let showing_printed = typed.with_untracked(|t| {
            t.as_ref()
                .is_none_or(|(made, _)| *made != ws.store.with_untracked(|s| s.revision()))
        });
        if !showing_printed {
            return;
        }
        let selected = printed.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.pointer_at(offset))
                .map(str::to_owned)
        });
        if let Some(selected) = selected
            && ws.selection.get_untracked().as_deref() != Some(selected.as_str())
        {
            ws.store.update(|s| s.select(Some(selected)));
        }
    };

    // Show the selection when asked to (a problem picked): the view that holds it takes the
    // request, scrolls to the value and selects it. A view that merely mounts (a section
    // opened from the navigation) leaves the focus where it is.
    Effect::new(move |_| {
        let asked = ws.reveal.get();
        if ws.revealed.get_value() == asked {
            return;
        }
        let Some(selected) = ws.selection.get_untracked() else {
            return;
        };
        let at = at.get_value();
        if !pointer::is_within(&selected, &at) || pending.get_untracked().is_some() {
            return;
        }
        ws.revealed.set_value(asked);
        typed.set(None);
        let span = printed.with_untracked(|p| p.as_ref().and_then(|p| p.span(&selected).cloned()));
        if let Some(span) = span {
            request_animation_frame(move || {
                // The view may be gone by the next frame.
                if let Some(Some(area)) = area.try_get_untracked() {
                    let _ = area.focus();
                    let _ = area.set_selection_range(span.start, span.end);
                    crate::browser::scroll_to_line(&area, span.line);
                }
            });
        }
    });

    let caret_to = move |line: usize, column: usize| {
        let text = shown();
        let offset = json_text::offset_of(&text, line, column);
        if let Some(area) = area.get_untracked() {
            let _ = area.focus();
            let _ = area.set_selection_range(offset, offset + 1);
            crate::browser::scroll_to_line(&area, line.saturating_sub(1) as u32);
        }
    };
    let discard = move |_| {
        ws.set_pending(&at.get_value(), None);
        typed.set(None);
    };
    let selected_here = move || {
        ws.selection
            .get()
            .filter(|s| pointer::is_within(s, &at.get_value()))
    };

    view! {
        <div class="text-view" data-at=move || at.get_value()>
            <div class="text-view-bar">
                <span class="crumb" aria-live="polite">
                    {move || {
                        selected_here()
                            .map(|s| {
                                view! {
                                    <span class="muted">{ws.t(Key::SelectedLabel)}</span>
                                    " "
                                    <code class="selected-pointer">{crate::ui::problems::display_path(&s).to_owned()}</code>
                                }
                            })
                    }}
                </span>
                <Show when=move || pending.with(Option::is_some)>
                    <span class="pending-badge" role="status">{move || ws.t(Key::TextNotApplied)}</span>
                </Show>
            </div>
            <textarea
                node_ref=area
                class="code-input"
                class:has-pending=move || pending.with(Option::is_some)
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                data-undo="store"
                aria-label=move || label.get()
                placeholder=move || ws.t(Key::MemberEmpty)
                aria-invalid=move || if syntax.with(Vec::is_empty) { "false" } else { "true" }
                prop:value=shown
                on:input=on_input
                on:click=move |_| select_at_caret()
                on:keyup=move |ev| {
                    if matches!(
                        ev.key().as_str(),
                        "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Home" | "End" | "PageUp" | "PageDown"
                    ) {
                        select_at_caret();
                    }
                }
                on:blur=move |_| ws.seal()
            ></textarea>
            <Show when=move || !syntax.with(Vec::is_empty)>
                <div class="card card-error text-problems">
                    <div class="card-head">
                        <h4 class="card-title">{move || ws.t(Key::TextNotJson)}</h4>
                        <button type="button" class="btn btn-small" on:click=discard>
                            {move || ws.t(Key::DiscardText)}
                        </button>
                    </div>
                    <ul class="problems">
                        {move || {
                            syntax
                                .get()
                                .into_iter()
                                .map(|problem| {
                                    let (line, column) = (problem.line.unwrap_or(1), problem.column.unwrap_or(1));
                                    view! {
                                        <ProblemItems ws problem on_pick=Callback::new(move |()| caret_to(line, column)) />
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </Show>
        </div>
    }
}
