//! The drafts menu: the draft open (its bundle name), every draft kept in this browser with
//! when it was saved, and opening or discarding one (discarding asks first).

use crate::browser;
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use leptos::prelude::*;

#[component]
pub fn DraftMenu(ws: Workspace) -> impl IntoView {
    let open = RwSignal::new(false);
    let confirm = RwSignal::new(None::<String>);
    let current_name = move || {
        ws.read(crate::state::draft::bundle_name)
            .unwrap_or_else(|| ws.t(Key::UntitledBundle).to_owned())
    };
    let rows = move || {
        let locale = ws.locale.get();
        let current = ws.draft_id.get();
        ws.drafts.with(|index| {
            let mut entries = index.drafts.clone();
            entries.sort_by(|a, b| b.saved_ms.total_cmp(&a.saved_ms));
            entries
                .into_iter()
                .map(|entry| {
                    let id = entry.id.clone();
                    let is_current = id == current;
                    let name = entry.name.clone().unwrap_or_else(|| locale.text(Key::UntitledBundle).to_owned());
                    let saved = locale.fill(Key::DraftSavedAt, &[("time", &browser::date_time(entry.saved_ms))]);
                    let size = locale.fill(Key::DraftSize, &[("kb", &format!("{:.1}", entry.bytes as f64 / 1024.0))]);
                    let open_id = id.clone();
                    let ask_id = id.clone();
                    let confirm_id = id.clone();
                    let discard_id = id.clone();
                    let label_open = name.clone();
                    let label_discard = name.clone();
                    view! {
                        <li class="draft-row" data-draft=id.clone() class:current=is_current>
                            <div class="draft-info">
                                <span class="draft-name">{name.clone()}</span>
                                {is_current.then(|| view! { <span class="tag">{locale.text(Key::DraftCurrent)}</span> })}
                                <span class="muted draft-meta">{saved} " · " {size}</span>
                            </div>
                            <Show
                                when=move || confirm.get().as_deref() == Some(confirm_id.as_str())
                                fallback=move || {
                                    let open_id = open_id.clone();
                                    let ask_id = ask_id.clone();
                                    view! {
                                        <div class="draft-actions">
                                            <button
                                                type="button"
                                                class="btn btn-small"
                                                disabled=is_current
                                                on:click=move |_| {
                                                    ws.switch_to(&open_id);
                                                    open.set(false);
                                                }
                                            >
                                                {ws.t(Key::DraftOpen)}
                                                <span class="visually-hidden">" " {label_open.clone()}</span>
                                            </button>
                                            <button
                                                type="button"
                                                class="btn btn-small btn-danger-ghost"
                                                on:click=move |_| confirm.set(Some(ask_id.clone()))
                                            >
                                                {ws.t(Key::DraftDiscard)}
                                                <span class="visually-hidden">" " {label_discard.clone()}</span>
                                            </button>
                                        </div>
                                    }
                                }
                            >
                                {
                                    let discard_id = discard_id.clone();
                                    view! {
                                        <div class="draft-actions confirm" role="group">
                                            <span>{ws.t(Key::DraftDiscardConfirm)}</span>
                                            <button
                                                type="button"
                                                class="btn btn-small btn-danger"
                                                on:click=move |_| {
                                                    confirm.set(None);
                                                    ws.discard(&discard_id);
                                                }
                                            >
                                                {ws.t(Key::DraftDiscardYes)}
                                            </button>
                                            <button type="button" class="btn btn-small" on:click=move |_| confirm.set(None)>
                                                {ws.t(Key::DraftDiscardNo)}
                                            </button>
                                        </div>
                                    }
                                }
                            </Show>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="draft-menu" on:keydown=move |ev| {
            if ev.key() == "Escape" {
                open.set(false);
            }
        }>
            <button
                id="drafts-toggle"
                type="button"
                class="btn btn-ghost draft-toggle"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="drafts-panel"
                title=move || ws.t(Key::DraftsTitle)
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="muted">{move || ws.t(Key::DraftLabel)}</span>
                " "
                <span id="draft-name" class="draft-current-name">{current_name}</span>
                <span aria-hidden="true">" ▾"</span>
            </button>
            <Show when=move || open.get()>
                <div id="drafts-panel" class="popover" role="region" aria-label=move || ws.t(Key::DraftsTitle)>
                    <h2 class="popover-title">{move || ws.t(Key::DraftsTitle)}</h2>
                    <p class="muted small">{move || ws.t(Key::DraftsNote)}</p>
                    <ul class="draft-list">{rows}</ul>
                </div>
            </Show>
        </div>
    }
}
