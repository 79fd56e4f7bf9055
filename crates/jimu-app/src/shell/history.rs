//! The undo history, listed: each step with what it changed and when, the steps that can be
//! redone after them. Undo and redo walk this list; the list shows where they will go.

use crate::browser;
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Step;
use crate::ui::problems::display_path;
use leptos::prelude::*;

/// How many steps the list shows (the newest).
const SHOWN: usize = 12;

/// A step in words: the whole document replaced, or the places it changed.
fn summary(ws: Workspace, step: &Step) -> String {
    let touched = step.touched();
    let locale = ws.locale.get();
    if touched.first() == Some(&"") {
        return locale.text(Key::StepReplaced).to_owned();
    }
    let mut places: Vec<&str> = touched.iter().take(2).map(|p| display_path(p)).collect();
    if touched.len() > 2 {
        places.push("…");
    }
    locale.fill(Key::StepChanged, &[("places", &places.join(", "))])
}

#[component]
pub fn HistoryMenu(ws: Workspace) -> impl IntoView {
    let open = RwSignal::new(false);
    let rows = move || {
        ws.revision.get();
        let (undo, redo) = ws.store.with_untracked(|s| {
            let h = s.history();
            (
                h.undo.iter().rev().take(SHOWN).cloned().collect::<Vec<_>>(),
                h.redo.iter().rev().take(SHOWN).cloned().collect::<Vec<_>>(),
            )
        });
        let redo_rows = redo
            .iter()
            .rev()
            .map(|step| {
                view! {
                    <li class="step step-redo">
                        <span class="step-what">{summary(ws, step)}</span>
                        <span class="muted small">{browser::clock_time(step.last_ms)}</span>
                    </li>
                }
            })
            .collect_view();
        let undo_rows = undo
            .iter()
            .enumerate()
            .map(|(i, step)| {
                view! {
                    <li class="step" class:step-current=i == 0>
                        <span class="step-what">{summary(ws, step)}</span>
                        <span class="muted small">{browser::clock_time(step.last_ms)}</span>
                    </li>
                }
            })
            .collect_view();
        if undo.is_empty() && redo.is_empty() {
            view! { <li class="step muted">{ws.t(Key::HistoryEmpty)}</li> }.into_any()
        } else {
            view! { {redo_rows} {undo_rows} }.into_any()
        }
    };
    view! {
        <div class="history-menu" on:keydown=move |ev| {
            if ev.key() == "Escape" {
                open.set(false);
            }
        }>
            <button
                id="history-toggle"
                type="button"
                class="btn btn-icon"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="history-panel"
                title=move || ws.t(Key::HistoryMenuTitle)
                aria-label=move || ws.t(Key::HistoryMenu)
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"☰"</span>
            </button>
            <Show when=move || open.get()>
                <div id="history-panel" class="popover popover-right" role="region" aria-label=move || ws.t(Key::HistoryMenuTitle)>
                    <h2 class="popover-title">{move || ws.t(Key::HistoryMenuTitle)}</h2>
                    <p class="muted small">{move || ws.t(Key::HistoryMenuNote)}</p>
                    <ol class="step-list">{rows}</ol>
                </div>
            </Show>
        </div>
    }
}
