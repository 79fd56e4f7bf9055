//! The configurator's frame: the top bar (draft, undo and redo, templates, import, export,
//! language), the section navigation with each section's problem count, the section shown
//! (it follows the URL, so sections are bookmarkable and back and forward work), the status
//! line, and the page-wide keys (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y) and file drops.

pub mod drafts;
pub mod history;
pub mod import;
pub mod templates;
pub mod workspace;

use crate::browser;
use crate::editors;
use crate::i18n::Key;
use crate::state::section::Section;
use crate::ui::problems::section_key;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;
use workspace::{SaveState, Workspace};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let ws = Workspace::restore();
    provide_context(ws);
    let location = use_location();
    let navigate = use_navigate();

    // The URL decides the section. Code that opens one (a problem picked, a template used, a
    // draft restored on a bare visit) asks through `ws.goto`, and the shell navigates there.
    Effect::new(move |_| {
        let section = Section::from_path(&location.pathname.get());
        if ws.section.get_untracked() != section {
            ws.section.set(section);
            ws.changed_view();
        }
    });
    let restoring = location.pathname.get_untracked() == "/";
    if !restoring {
        // A bookmarked section wins over where the draft was left.
        ws.goto.set(None);
    }
    Effect::new(move |_| {
        let Some(section) = ws.goto.get() else {
            return;
        };
        ws.goto.set(None);
        if Section::from_path(&location.pathname.get_untracked()) != section {
            navigate(section.path(), Default::default());
        }
    });
    Effect::new(move |_| {
        let locale = ws.locale.get();
        browser::set_document_language(locale.tag(), locale.text(Key::DocumentTitle));
        browser::store_locale(locale);
    });

    // Page-wide keys. Inputs that are not the store's keep their own undo.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if !(ev.ctrl_key() || ev.meta_key()) || ev.alt_key() {
            return;
        }
        let key = ev.key().to_lowercase();
        let action = match (key.as_str(), ev.shift_key()) {
            ("z", false) => Some(false),
            ("z", true) | ("y", false) => Some(true),
            _ => None,
        };
        let Some(redo) = action else { return };
        if !browser::undo_goes_to_store(&ev) {
            return;
        }
        ev.prevent_default();
        if redo { ws.redo() } else { ws.undo() }
    });
    // Save when the page goes away (the timer may not get to it).
    let hide = window_event_listener(leptos::ev::pagehide, move |_| ws.save_now());
    let visibility = window_event_listener(leptos::ev::visibilitychange, move |_| ws.save_now());
    on_cleanup(move || {
        keys.remove();
        hide.remove();
        visibility.remove();
    });

    view! {
        <div class="app" on:dragover=import::on_drag_over on:drop=move |ev| import::on_drop(ws, ev)>
            <a class="skip-link" href="#main">{move || ws.t(Key::SkipToContent)}</a>
            <TopBar ws />
            <div class="frame">
                <Nav ws />
                <main id="main" class="main" tabindex="-1" data-section=move || ws.section.get().slug()>
                    <Routes fallback=move || view! { <editors::overview::Overview ws /> }>
                        <Route path=path!("/") view=move || view! { <editors::overview::Overview ws /> } />
                        <Route path=path!("/templates") view=move || view! { <templates::Gallery ws /> } />
                        <Route path=path!("/publish") view=move || view! { <crate::server_panel::PublishPage ws /> } />
                        <Route path=path!("/flows") view=move || view! { <editors::section::SectionPage ws section=Section::Flows /> } />
                        <Route path=path!("/forms") view=move || view! { <editors::section::SectionPage ws section=Section::Forms /> } />
                        <Route path=path!("/pricing") view=move || view! { <editors::section::SectionPage ws section=Section::Pricing /> } />
                        <Route
                            path=path!("/settlement")
                            view=move || view! { <editors::section::SectionPage ws section=Section::Settlement /> }
                        />
                        <Route path=path!("/org") view=move || view! { <editors::section::SectionPage ws section=Section::Org /> } />
                    </Routes>
                </main>
            </div>
            <StatusLine ws />
            <import::RefusedDialog ws />
        </div>
    }
}

/// The top bar.
#[component]
fn TopBar(ws: Workspace) -> impl IntoView {
    let t = move |key: Key| ws.t(key);
    let can_undo = move || ws.store.with(|s| s.can_undo()) || !ws.pending.with(|p| p.is_empty());
    let can_redo = move || ws.store.with(|s| s.can_redo());
    let export = move |_| {
        let (name, text) = ws.store.with_untracked(|s| {
            (
                crate::state::draft::bundle_name(s.doc()).unwrap_or_else(|| "bundle".to_owned()),
                serde_json::to_string_pretty(s.doc()).unwrap_or_default() + "\n",
            )
        });
        if browser::download(&format!("{name}.json"), &text, "application/json").is_err() {
            ws.notice.set(Some(workspace::Notice::ExportFailed));
        }
    };
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">{move || t(Key::BrandMark)}</span>
                <span class="brand-name">{move || t(Key::AppName)}</span>
            </div>
            <drafts::DraftMenu ws />
            <SaveBadge ws />
            <div class="topbar-actions" role="toolbar" aria-label=move || t(Key::ToolbarLabel)>
                <button
                    id="undo"
                    type="button"
                    class="btn btn-icon"
                    title=move || t(Key::UndoTitle)
                    aria-label=move || t(Key::Undo)
                    aria-keyshortcuts="Control+Z"
                    disabled=move || !can_undo()
                    on:click=move |_| ws.undo()
                >
                    <span aria-hidden="true">"↶"</span>
                </button>
                <button
                    id="redo"
                    type="button"
                    class="btn btn-icon"
                    title=move || t(Key::RedoTitle)
                    aria-label=move || t(Key::Redo)
                    aria-keyshortcuts="Control+Shift+Z Control+Y"
                    disabled=move || !can_redo()
                    on:click=move |_| ws.redo()
                >
                    <span aria-hidden="true">"↷"</span>
                </button>
                <history::HistoryMenu ws />
                <span class="divider" aria-hidden="true"></span>
                <a id="new-from-template" class="btn" href=Section::Templates.path()>
                    {move || t(Key::NewFromTemplate)}
                </a>
                <import::ImportMenu ws />
                <button id="export-json" type="button" class="btn" title=move || t(Key::ExportJsonTitle) on:click=export>
                    {move || t(Key::ExportJson)}
                </button>
                <button
                    id="lang-toggle"
                    type="button"
                    class="btn btn-ghost"
                    title=move || t(Key::LangToggleTitle)
                    lang=move || ws.locale.get().other().tag()
                    on:click=move |_| ws.locale.update(|l| *l = l.other())
                >
                    {move || t(Key::LangToggle)}
                </button>
            </div>
        </header>
    }
}

/// "Saved 12:03" / "Saving…" / "Not saved".
#[component]
fn SaveBadge(ws: Workspace) -> impl IntoView {
    let text = move || {
        let locale = ws.locale.get();
        match ws.save_state.get() {
            SaveState::Clean => locale.text(Key::SaveClean).to_owned(),
            SaveState::Pending => locale.text(Key::SavePending).to_owned(),
            SaveState::Saved {
                at_ms,
                trimmed: None,
            } => locale.fill(Key::SaveDone, &[("time", &browser::clock_time(at_ms))]),
            SaveState::Saved {
                at_ms,
                trimmed: Some(kept),
            } => locale.fill(
                Key::SaveTrimmed,
                &[
                    ("time", &browser::clock_time(at_ms)),
                    ("kept", &kept.to_string()),
                ],
            ),
            SaveState::Failed => locale.text(Key::SaveFailed).to_owned(),
        }
    };
    let state = move || match ws.save_state.get() {
        SaveState::Clean | SaveState::Saved { trimmed: None, .. } => "saved",
        SaveState::Pending => "pending",
        SaveState::Saved { .. } | SaveState::Failed => "warn",
    };
    view! {
        <span id="save-state" class="save-state" data-state=state role="status">
            {text}
        </span>
    }
}

/// The section navigation, with each section's count of problems.
#[component]
fn Nav(ws: Workspace) -> impl IntoView {
    let counts = Memo::new(move |_| {
        ws.checked.with(|checked| {
            let mut counts = std::collections::BTreeMap::<&'static str, (usize, usize)>::new();
            if let Some(checked) = checked {
                for problem in checked.problems() {
                    let entry = counts
                        .entry(Section::holding(&problem.path).slug())
                        .or_default();
                    if problem.is_error() {
                        entry.0 += 1;
                    } else {
                        entry.1 += 1;
                    }
                }
            }
            counts
        })
    });
    let items = Section::NAV
        .into_iter()
        .map(|section| {
            let slug = section.slug();
            let count = move || counts.with(|c| c.get(slug).copied().unwrap_or_default());
            view! {
                <li>
                    <a
                        href=section.path()
                        class="nav-link"
                        data-section=slug
                        aria-current=move || (ws.section.get() == section).then_some("page")
                    >
                        <span class="nav-label">{move || ws.t(section_key(section))}</span>
                        {move || {
                            let (errors, warnings) = count();
                            let locale = ws.locale.get();
                            if errors > 0 {
                                let label = locale.fill(Key::NavErrors, &[("count", &errors.to_string())]);
                                Some(view! { <span class="nav-badge nav-badge-error" title=label.clone() aria-label=label>{errors}</span> }.into_any())
                            } else if warnings > 0 {
                                let label = locale.fill(Key::NavWarnings, &[("count", &warnings.to_string())]);
                                Some(view! { <span class="nav-badge nav-badge-warn" title=label.clone() aria-label=label>{warnings}</span> }.into_any())
                            } else {
                                None
                            }
                        }}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="nav" aria-label=move || ws.t(Key::NavLabel)>
            <ul>{items}</ul>
        </nav>
    }
}

/// The line at the bottom: the last notice, whether the bundle loads, and the check state.
#[component]
fn StatusLine(ws: Workspace) -> impl IntoView {
    // The last check's verdict (kept while the next one is pending, so typing does not
    // flicker), or that text typed into a view is not applied yet.
    let status = move || {
        let locale = ws.locale.get();
        let pending = ws.pending.with(|p| p.len());
        if pending > 0 {
            return (
                "pending",
                locale.fill(Key::StatusPending, &[("count", &pending.to_string())]),
            );
        }
        ws.checked.with(|checked| match checked {
            None => ("checking", locale.text(Key::StatusChecking).to_owned()),
            Some(c) if c.error_count() > 0 => (
                "invalid",
                locale.fill(
                    Key::StatusErrors,
                    &[("count", &c.error_count().to_string())],
                ),
            ),
            Some(c) if !c.problems().is_empty() => (
                "valid",
                locale.fill(
                    Key::StatusWarnings,
                    &[("count", &c.problems().len().to_string())],
                ),
            ),
            Some(_) => ("valid", locale.text(Key::StatusValid).to_owned()),
        })
    };
    view! {
        <footer class="statusline">
            <span id="status" class="status" data-state=move || status().0 role="status">
                <span class="status-dot" aria-hidden="true"></span>
                {move || status().1}
            </span>
            <span
                id="notice"
                role="status"
                class="notice"
                class:error=move || ws.notice.with(|n| n.as_ref().is_some_and(|n| n.is_error()))
            >
                {move || ws.notice.with(|n| n.as_ref().map(|n| n.text(ws.locale.get())))}
            </span>
        </footer>
    }
}
