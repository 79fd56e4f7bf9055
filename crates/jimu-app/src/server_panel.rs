//! The sync server panel: the token, the server's bundles (open one), publishing the editor's
//! text over the version it was opened from, and a bundle's history with rollback.
//!
//! The rules of the workflow live in [`crate::server`]; this module holds the signals and the
//! requests in flight. Two promises hold throughout: a failed request never changes the
//! editor's text, and text that is not on the server is never replaced without being kept
//! aside first (the "kept text" bar restores or downloads it).

use crate::app::{Notice, Tone, problem_card};
use crate::browser;
use crate::http;
use crate::i18n::{Key, Locale};
use crate::model::{self, BundleState, Quantities};
use crate::server::{self, Action, Base, Failure, History, Outcome, Precondition, VersionInfo};
use jimu_core::limits::valid_bundle_name;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Something read from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(Failure),
}

impl<T> From<Result<T, Failure>> for Fetched<T> {
    fn from(result: Result<T, Failure>) -> Self {
        match result {
            Ok(value) => Self::Ready(value),
            Err(failure) => Self::Failed(failure),
        }
    }
}

/// A write or load in flight (one at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Publishing,
    Opening,
    RollingBack,
}

/// The editor's signals that the server panel reads and replaces.
#[derive(Clone, Copy)]
pub struct Editor {
    pub text: RwSignal<String>,
    pub quantities: RwSignal<Quantities>,
    pub notice: RwSignal<Option<Notice>>,
    pub bundle: Memo<BundleState>,
}

/// The panel's state. Every field is a signal, so the whole is `Copy` and moves into
/// handlers and tasks freely.
#[derive(Clone, Copy)]
pub struct Server {
    editor: Editor,
    token: RwSignal<String>,
    /// The bundle name field: what a publish is called and whose history is shown.
    pub name: RwSignal<String>,
    message: RwSignal<String>,
    base: RwSignal<Option<Base>>,
    bundles: RwSignal<Fetched<Vec<VersionInfo>>>,
    /// The bundle the history is about, and the history.
    history_of: RwSignal<String>,
    history: RwSignal<Fetched<History>>,
    outcome: RwSignal<Option<Outcome>>,
    busy: RwSignal<Option<Busy>>,
    /// Unpublished texts that were replaced, newest last.
    kept: RwSignal<Vec<String>>,
    /// The version a rollback waits to be confirmed to.
    confirm: RwSignal<Option<i64>>,
}

async fn fetch<T>(
    call: server::Call,
    read: impl FnOnce(&server::Reply) -> Result<T, Failure>,
) -> Result<T, Failure> {
    match http::send(&call).await {
        Ok(reply) => read(&reply),
        Err(http::NoAnswer) => Err(Failure::Network),
    }
}

impl Server {
    pub fn new(editor: Editor) -> Self {
        Self {
            editor,
            token: RwSignal::new(http::stored_token()),
            name: RwSignal::new(String::new()),
            message: RwSignal::new(String::new()),
            base: RwSignal::new(None),
            bundles: RwSignal::new(Fetched::Idle),
            history_of: RwSignal::new(String::new()),
            history: RwSignal::new(Fetched::Idle),
            outcome: RwSignal::new(None),
            busy: RwSignal::new(None),
            kept: RwSignal::new(Vec::new()),
            confirm: RwSignal::new(None),
        }
    }

    fn token(self) -> String {
        self.token.get_untracked()
    }

    fn set_token(self, token: &str) {
        let token = token.trim();
        http::store_token(token);
        self.token.set(token.to_owned());
    }

    /// Fills the name from a file's name when none is entered yet.
    pub fn suggest_name(self, file_name: &str) {
        if self.name.with_untracked(|n| n.trim().is_empty())
            && let Some(name) = server::name_from_file(file_name)
        {
            self.name.set(name);
            self.refresh_history();
        }
    }

    fn refresh_list(self) {
        self.bundles.set(Fetched::Loading);
        let call = server::list_call(&self.token());
        spawn_local(async move {
            self.bundles
                .set(fetch(call, server::read_list).await.into());
        });
    }

    fn refresh_history(self) {
        let name = self.name.get_untracked().trim().to_owned();
        self.confirm.set(None);
        if !valid_bundle_name(&name) {
            self.history_of.set(String::new());
            self.history.set(Fetched::Idle);
            return;
        }
        self.history_of.set(name.clone());
        self.history.set(Fetched::Loading);
        spawn_local(async move {
            let history = fetch(
                server::history_call(&name, &self.token()),
                server::read_history,
            )
            .await;
            self.show_history(&name, history);
        });
    }

    /// Shows a history just read, unless the name changed meanwhile.
    fn show_history(self, name: &str, history: Result<History, Failure>) {
        if self.history_of.get_untracked() == name {
            self.history.set(history.into());
        }
    }

    /// Puts a server version in the editor, keeping unpublished text aside first.
    fn load(self, base: Base) {
        let current = self.editor.text.get_untracked();
        if current != base.text
            && self
                .base
                .with_untracked(|b| server::has_unpublished(&current, b.as_ref()))
        {
            self.kept.update(|kept| kept.push(current));
        }
        self.editor.quantities.set(Quantities::new());
        self.editor.text.set(base.text.clone());
        self.editor.notice.set(Some(Notice::Opened {
            name: base.name.clone(),
            version: base.version,
        }));
        self.name.set(base.name.clone());
        self.base.set(Some(base));
    }

    /// Opens a bundle's newest version in the editor.
    fn open(self, name: String) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        self.busy.set(Some(Busy::Opening));
        let call = server::open_call(&name, &self.token());
        spawn_local(async move {
            match fetch(call, |reply| server::read_content(reply, &name)).await {
                Ok(base) => {
                    self.outcome.set(None);
                    self.load(base);
                    self.refresh_history();
                }
                Err(failure) => self.outcome.set(Some(Outcome::Failed {
                    action: Action::Open,
                    name,
                    failure,
                })),
            }
            self.busy.set(None);
        });
    }

    /// Publishes the editor's text: checked in the browser first, then sent over the base.
    fn publish(self) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        let token = self.token();
        let name = self.name.get_untracked().trim().to_owned();
        let checked = self
            .editor
            .bundle
            .with_untracked(|bundle| server::check_publish(&token, &name, bundle));
        let warnings = match checked {
            Ok(warnings) => warnings,
            Err(not_sent) => {
                self.outcome.set(Some(Outcome::NotSent(not_sent)));
                return;
            }
        };
        let precondition = self
            .base
            .with_untracked(|base| server::precondition(&name, base.as_ref()));
        let text = self.editor.text.get_untracked();
        let message = self.message.get_untracked();
        let call = server::publish_call(&name, &message, &token, &precondition, &text);
        self.outcome.set(None);
        self.busy.set(Some(Busy::Publishing));
        spawn_local(async move {
            let outcome = match fetch(call, |reply| {
                server::read_published(reply).map(|stored| (stored, reply.status == 201))
            })
            .await
            {
                Ok(((stored, etag), created)) => {
                    // The text sent is now on the server: the base for what comes next, even
                    // if the editor was typed in meanwhile.
                    self.base.set(Some(Base {
                        name: name.clone(),
                        version: stored.version,
                        etag,
                        text,
                    }));
                    self.message.set(String::new());
                    self.refresh_list();
                    self.refresh_history();
                    Outcome::Published {
                        name,
                        version: stored.version,
                        created,
                        warnings,
                    }
                }
                Err(Failure::Conflict) => {
                    let theirs = self.reread_history(&name).await;
                    self.refresh_list();
                    Outcome::Conflict {
                        action: Action::Publish,
                        name,
                        since: match precondition {
                            Precondition::Update { version, .. } => Some(version),
                            Precondition::Create => None,
                        },
                        theirs,
                    }
                }
                Err(failure) => Outcome::Failed {
                    action: Action::Publish,
                    name,
                    failure,
                },
            };
            self.outcome.set(Some(outcome));
            self.busy.set(None);
        });
    }

    /// Reads a bundle's history again (shown when it is the one in view) and returns its
    /// newest version.
    async fn reread_history(self, name: &str) -> Option<VersionInfo> {
        let history = fetch(
            server::history_call(name, &self.token()),
            server::read_history,
        )
        .await;
        let newest = history
            .as_ref()
            .ok()
            .and_then(|h| h.versions.first().cloned());
        self.show_history(name, history);
        newest
    }

    /// Publishes version `to`'s content as a new version, over the newest one shown.
    fn rollback(self, to: i64) {
        self.confirm.set(None);
        if self.busy.get_untracked().is_some() {
            return;
        }
        let name = self.history_of.get_untracked();
        let Some(current) = self.history.with_untracked(|h| match h {
            Fetched::Ready(history) => history.versions.first().map(|v| v.hash.clone()),
            _ => None,
        }) else {
            return;
        };
        let token = self.token();
        let call = server::rollback_call(&name, to, &current, &token);
        self.outcome.set(None);
        self.busy.set(Some(Busy::RollingBack));
        spawn_local(async move {
            let outcome = match fetch(call, server::read_published).await {
                Ok((stored, _)) => {
                    // Show the new version in the editor (unpublished text is kept aside).
                    let opened = fetch(server::open_call(&name, &token), |reply| {
                        server::read_content(reply, &name)
                    })
                    .await;
                    if let Ok(base) = opened {
                        self.load(base);
                    }
                    self.refresh_list();
                    self.reread_history(&name).await;
                    Outcome::RolledBack {
                        name,
                        to,
                        version: stored.version,
                    }
                }
                Err(Failure::Conflict) => {
                    let theirs = self.reread_history(&name).await;
                    Outcome::Conflict {
                        action: Action::Rollback,
                        name,
                        since: None,
                        theirs,
                    }
                }
                Err(failure) => Outcome::Failed {
                    action: Action::Rollback,
                    name,
                    failure,
                },
            };
            self.outcome.set(Some(outcome));
            self.busy.set(None);
        });
    }

    /// Puts the newest kept text back in the editor (the text there is kept in its place when
    /// it is not on the server).
    fn restore_kept(self) {
        let Some(restored) = self.kept.with_untracked(|kept| kept.last().cloned()) else {
            return;
        };
        let current = self.editor.text.get_untracked();
        let keep_current = self
            .base
            .with_untracked(|b| server::has_unpublished(&current, b.as_ref()));
        self.kept.update(|kept| {
            kept.pop();
            if keep_current && current != restored {
                kept.push(current);
            }
        });
        self.editor.quantities.set(Quantities::new());
        self.editor.text.set(restored);
        self.editor.notice.set(Some(Notice::Restored));
    }
}

/// The whole panel.
#[component]
pub fn ServerPanel(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);
    // Read the list at once when a token is kept from an earlier visit.
    if !server.token.get_untracked().is_empty() {
        server.refresh_list();
    }

    view! {
        <section id="server" class="panel server-panel">
            <div class="panel-head">
                <h2 class="panel-title">{move || t(Key::ServerTitle)}</h2>
                <div class="token-row">
                    <label for="server-token" class="field-label">{move || t(Key::TokenLabel)}</label>
                    <input
                        id="server-token"
                        class="text-input token-input"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder=move || t(Key::TokenPlaceholder)
                        title=move || t(Key::TokenNote)
                        prop:value=move || server.token.get()
                        on:input=move |ev| server.set_token(&event_target_value(&ev))
                        on:change=move |_| {
                            server.refresh_list();
                            server.refresh_history();
                        }
                    />
                    <button
                        id="clear-token"
                        type="button"
                        class="btn"
                        title=move || t(Key::ClearTokenTitle)
                        disabled=move || server.token.with(String::is_empty)
                        on:click=move |_| {
                            server.set_token("");
                            server.bundles.set(Fetched::Idle);
                        }
                    >
                        {move || t(Key::ClearToken)}
                    </button>
                </div>
            </div>
            <p class="server-note">{move || t(Key::TokenNote)}</p>
            <div class="server-body">
                <BundleList locale server />
                <PublishCard locale server />
                <HistoryCard locale server />
            </div>
        </section>
    }
}

/// A failure to read something, in a card.
fn failure_note(locale: Locale, failure: &Failure, name: &str) -> AnyView {
    view! {
        <p class="card-note server-failure" data-kind=failure.kind() role="alert">
            {failure.text(locale, name)}
        </p>
    }
    .into_any()
}

#[component]
fn BundleList(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);
    let body = move || {
        let locale = locale.get();
        server.bundles.with(|bundles| match bundles {
            Fetched::Idle => None,
            Fetched::Loading => {
                Some(view! { <p class="card-note">{locale.text(Key::Loading)}</p> }.into_any())
            }
            Fetched::Failed(failure) => Some(failure_note(locale, failure, "")),
            Fetched::Ready(list) if list.is_empty() => {
                Some(view! { <p class="card-note">{locale.text(Key::ListEmpty)}</p> }.into_any())
            }
            Fetched::Ready(list) => Some(bundle_table(locale, server, list).into_any()),
        })
    };
    view! {
        <section class="card" id="bundles-card">
            <div class="card-head">
                <h3 class="card-title">{move || t(Key::BundlesTitle)}</h3>
                <button id="refresh-bundles" type="button" class="btn btn-small" on:click=move |_| server.refresh_list()>
                    {move || t(Key::Refresh)}
                </button>
            </div>
            <div class="scroll-box">{body}</div>
        </section>
    }
}

fn bundle_table(locale: Locale, server: Server, list: &[VersionInfo]) -> impl IntoView + use<> {
    let rows = list
        .iter()
        .map(|v| {
            let row_name = v.name.clone();
            let name = v.name.clone();
            let open_name = v.name.clone();
            let title = locale.fill(Key::OpenBundleTitle, &[("name", &v.name)]);
            view! {
                <tr data-name=row_name>
                    <td>
                        <code class="bundle-name">{name}</code>
                    </td>
                    <td class="num">{v.version}</td>
                    <td>{v.author.clone()}</td>
                    <td class="muted nowrap">{http::local_time(v.created_at_ms)}</td>
                    <td class="num">
                        <button
                            type="button"
                            class="btn btn-small open-bundle"
                            title=title
                            disabled=move || server.busy.with(Option::is_some)
                            on:click=move |_| server.open(open_name.clone())
                        >
                            {locale.text(Key::OpenBundle)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table id="bundle-list" class="data-table compact">
            <thead>
                <tr>
                    <th>{locale.text(Key::ColName)}</th>
                    <th class="num">{locale.text(Key::ColVersion)}</th>
                    <th>{locale.text(Key::ColAuthor)}</th>
                    <th>{locale.text(Key::ColTime)}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn PublishCard(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);
    let base_line = move || {
        let locale = locale.get();
        let name = server.name.with(|n| n.trim().to_owned());
        if !valid_bundle_name(&name) {
            return view! { <p id="publish-base" class="publish-base" data-mode="none">{locale.text(Key::BaseNone)}</p> }
                .into_any();
        }
        let base = server.base.get();
        match server::precondition(&name, base.as_ref()) {
            Precondition::Create => view! {
                <p id="publish-base" class="publish-base" data-mode="create">
                    {locale.fill(Key::BaseCreate, &[("name", &name)])}
                </p>
            }
            .into_any(),
            Precondition::Update { version, etag } => {
                let edited = server
                    .editor
                    .text
                    .with(|text| server::has_unpublished(text, base.as_ref()));
                let (badge, class) = if edited {
                    (Key::BaseEdited, "badge badge-edited")
                } else {
                    (Key::BaseUnchanged, "badge")
                };
                view! {
                    <p id="publish-base" class="publish-base" data-mode="update" data-version=version data-edited=edited.to_string()>
                        {locale.fill(
                            Key::BaseUpdate,
                            &[("name", &name), ("version", &version.to_string()), ("etag", &server::short_etag(&etag))],
                        )}
                        " "
                        <span class=class>{locale.text(badge)}</span>
                    </p>
                }
                .into_any()
            }
        }
    };
    let publishing = move || server.busy.get() == Some(Busy::Publishing);

    view! {
        <section class="card" id="publish-card">
            <div class="card-head">
                <h3 class="card-title">{move || t(Key::PublishTitle)}</h3>
            </div>
            <div class="publish-form">
                <label class="field">
                    <span class="field-label">{move || t(Key::NameLabel)}</span>
                    <input
                        id="bundle-name"
                        class="text-input mono"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder=move || t(Key::NamePlaceholder)
                        prop:value=move || server.name.get()
                        on:input=move |ev| server.name.set(event_target_value(&ev))
                        on:change=move |_| server.refresh_history()
                    />
                </label>
                <label class="field field-grow">
                    <span class="field-label">{move || t(Key::MessageLabel)}</span>
                    <input
                        id="publish-message"
                        class="text-input"
                        type="text"
                        autocomplete="off"
                        placeholder=move || t(Key::MessagePlaceholder)
                        prop:value=move || server.message.get()
                        on:input=move |ev| server.message.set(event_target_value(&ev))
                    />
                </label>
                <button
                    id="publish"
                    type="button"
                    class="btn btn-primary publish-btn"
                    disabled=move || server.busy.with(Option::is_some)
                    on:click=move |_| server.publish()
                >
                    {move || if publishing() { t(Key::Publishing) } else { t(Key::PublishButton) }}
                </button>
            </div>
            {base_line}
            <KeptBar locale server />
            <OutcomeBox locale server />
        </section>
    }
}

/// The bar that offers text kept aside back.
#[component]
fn KeptBar(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    move || {
        let locale = locale.get();
        let chars = server
            .kept
            .with(|kept| kept.last().map(|text| text.chars().count()))?;
        Some(view! {
            <div id="kept" class="kept-bar" role="status">
                <span>{locale.fill(Key::StashKept, &[("chars", &chars.to_string())])}</span>
                <span class="bar-actions">
                    <button
                        id="restore-kept"
                        type="button"
                        class="btn btn-small"
                        title=locale.text(Key::StashRestoreTitle)
                        on:click=move |_| server.restore_kept()
                    >
                        {locale.text(Key::StashRestore)}
                    </button>
                    <button
                        id="download-kept"
                        type="button"
                        class="btn btn-small"
                        on:click=move |_| {
                            if let Some(text) = server.kept.with_untracked(|kept| kept.last().cloned()) {
                                let _ = browser::download(model::EXPORT_FILE_NAME, &text, "application/json");
                            }
                        }
                    >
                        {locale.text(Key::StashDownload)}
                    </button>
                    <button
                        id="discard-kept"
                        type="button"
                        class="btn btn-small btn-ghost"
                        on:click=move |_| server.kept.update(|kept| { kept.pop(); })
                    >
                        {locale.text(Key::StashDiscard)}
                    </button>
                </span>
            </div>
        })
    }
}

/// What the last publish, rollback or open did.
#[component]
fn OutcomeBox(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    move || {
        let locale = locale.get();
        server.outcome.with(|outcome| {
            let outcome = outcome.as_ref()?;
            let class = if outcome.is_success() { "outcome outcome-ok" } else { "outcome outcome-err" };
            let conflict_name = match outcome {
                Outcome::Conflict { action: Action::Publish, name, .. } => Some(name.clone()),
                _ => None,
            };
            let actions = conflict_name.map(|name| {
                view! {
                    <div class="bar-actions">
                        <button
                            id="load-theirs"
                            type="button"
                            class="btn btn-small"
                            title=locale.text(Key::LoadTheirsTitle)
                            disabled=move || server.busy.with(Option::is_some)
                            on:click=move |_| server.open(name.clone())
                        >
                            {locale.text(Key::LoadTheirs)}
                        </button>
                        <button
                            id="download-mine"
                            type="button"
                            class="btn btn-small"
                            on:click=move |_| {
                                let text = server.editor.text.get_untracked();
                                let _ = browser::download(model::EXPORT_FILE_NAME, &text, "application/json");
                            }
                        >
                            {locale.text(Key::StashDownload)}
                        </button>
                    </div>
                }
            });
            let problems = match outcome {
                Outcome::Failed { failure: Failure::Invalid(problems), .. } => Some(problem_card(
                    locale,
                    locale.fill(Key::ServerProblemsHeading, &[("count", &problems.len().to_string())]),
                    "server-problems",
                    "server",
                    Tone::Error,
                    problems,
                    None,
                )),
                _ => None,
            };
            Some(view! {
                <div id="publish-outcome" class=class data-kind=outcome.kind() role="alert">
                    <p>
                        <strong>{outcome.title(locale)}</strong>
                        " "
                        <span class="outcome-detail">{outcome.detail(locale, &http::local_time)}</span>
                    </p>
                    {actions}
                </div>
                {problems}
            })
        })
    }
}

#[component]
fn HistoryCard(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);
    let title = move || {
        let locale = locale.get();
        server.history_of.with(|name| {
            if name.is_empty() {
                locale.text(Key::HistoryHeading).to_owned()
            } else {
                locale.fill(Key::HistoryTitle, &[("name", name)])
            }
        })
    };
    let body = move || {
        let locale = locale.get();
        let name = server.history_of.get();
        server.history.with(|history| match history {
            Fetched::Idle => view! { <p class="card-note">{locale.text(Key::HistoryIdle)}</p> }.into_any(),
            Fetched::Loading => view! { <p class="card-note">{locale.text(Key::Loading)}</p> }.into_any(),
            Fetched::Failed(Failure::NotFound) => view! {
                <p class="card-note" id="history-none">{locale.fill(Key::HistoryNone, &[("name", &name)])}</p>
            }
            .into_any(),
            Fetched::Failed(failure) => failure_note(locale, failure, &name),
            Fetched::Ready(history) => history_table(locale, server, history).into_any(),
        })
    };
    let archived = move || {
        server
            .history
            .with(|h| matches!(h, Fetched::Ready(h) if h.archived))
            .then(|| {
                view! { <span class="badge badge-edited">{t(Key::HistoryArchived)}</span> }
            })
    };
    view! {
        <section class="card" id="history-card">
            <div class="card-head">
                <h3 class="card-title">{title} " " {archived}</h3>
                <button
                    id="refresh-history"
                    type="button"
                    class="btn btn-small"
                    disabled=move || server.history_of.with(String::is_empty)
                    on:click=move |_| {
                        let shown = server.history_of.get_untracked();
                        if !shown.is_empty() && server.name.with_untracked(|n| n.trim().is_empty()) {
                            server.name.set(shown);
                        }
                        server.refresh_history();
                    }
                >
                    {move || t(Key::Refresh)}
                </button>
            </div>
            <div class="scroll-box">{body}</div>
        </section>
    }
}

fn history_table(locale: Locale, server: Server, history: &History) -> impl IntoView + use<> {
    let rows = history
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let version = v.version;
            let message = if v.message.is_empty() {
                locale.text(Key::EmptyCell).to_owned()
            } else {
                v.message.clone()
            };
            let action = if i == 0 {
                view! { <span class="badge badge-current">{locale.text(Key::CurrentVersion)}</span> }.into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="btn btn-small rollback"
                        disabled=move || server.busy.with(Option::is_some)
                        on:click=move |_| server.confirm.set(Some(version))
                    >
                        {locale.text(Key::RollbackButton)}
                    </button>
                }
                .into_any()
            };
            let confirm = move || {
                (server.confirm.get() == Some(version)).then(|| {
                    view! {
                        <tr class="confirm-row">
                            <td colspan="5">
                                <div id="rollback-confirm" class="confirm-bar" role="alertdialog">
                                    <span>{locale.fill(Key::RollbackConfirm, &[("to", &version.to_string())])}</span>
                                    <span class="bar-actions">
                                        <button
                                            id="rollback-yes"
                                            type="button"
                                            class="btn btn-small btn-danger"
                                            on:click=move |_| server.rollback(version)
                                        >
                                            {locale.text(Key::RollbackYes)}
                                        </button>
                                        <button
                                            id="rollback-no"
                                            type="button"
                                            class="btn btn-small"
                                            on:click=move |_| server.confirm.set(None)
                                        >
                                            {locale.text(Key::RollbackCancel)}
                                        </button>
                                    </span>
                                </div>
                            </td>
                        </tr>
                    }
                })
            };
            view! {
                <tr data-version=version class:current=i == 0>
                    <td class="num">{version}</td>
                    <td class="muted nowrap">{http::local_time(v.created_at_ms)}</td>
                    <td class="author">{v.author.clone()}</td>
                    <td class="message">{message}</td>
                    <td class="num">{action}</td>
                </tr>
                {confirm}
            }
        })
        .collect_view();
    let busy = move || {
        (server.busy.get() == Some(Busy::RollingBack))
            .then(|| view! { <p class="card-note">{locale.text(Key::RollingBack)}</p> })
    };
    view! {
        <table id="history" class="data-table compact">
            <thead>
                <tr>
                    <th class="num">{locale.text(Key::ColVersion)}</th>
                    <th>{locale.text(Key::ColTime)}</th>
                    <th>{locale.text(Key::ColAuthor)}</th>
                    <th>{locale.text(Key::ColMessage)}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {busy}
    }
}
