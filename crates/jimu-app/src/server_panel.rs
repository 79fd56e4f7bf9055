//! The publish section: the token, the server's bundles (open one), publishing the draft over
//! the version it was opened from (under the name the bundle gives itself), and a bundle's
//! history: open or compare any version, roll back to one.
//!
//! The rules of the workflow live in [`crate::server`]; this module holds the signals and the
//! requests in flight. A failed request never changes the draft, and what the server sends
//! opens like any other document (`Workspace::open_document`): as an undoable step, or as a
//! draft of its own, so nothing typed is ever lost to it.

use crate::browser;
use crate::http;
use crate::i18n::{Key, Locale};
use crate::server::{self, Action, Base, Failure, History, Outcome, Precondition, VersionInfo};
use crate::shell::workspace::Workspace;
use crate::state::diff::{Difference, differences};
use crate::state::draft::{ServerBase, bundle_name};
use crate::ui::problems::ProblemItems;
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
    Comparing,
}

/// A server version compared with the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub name: String,
    pub version: i64,
    pub differences: Vec<Difference>,
    /// More differences than are listed.
    pub more: bool,
}

/// The panel's state. Every field is a signal, so the whole is `Copy` and moves into
/// handlers and tasks freely.
#[derive(Clone, Copy)]
pub struct Server {
    ws: Workspace,
    token: RwSignal<String>,
    message: RwSignal<String>,
    bundles: RwSignal<Fetched<Vec<VersionInfo>>>,
    /// The bundle the history is about, and the history.
    history_of: RwSignal<String>,
    history: RwSignal<Fetched<History>>,
    outcome: RwSignal<Option<Outcome>>,
    busy: RwSignal<Option<Busy>>,
    /// The version a rollback waits to be confirmed to.
    confirm: RwSignal<Option<i64>>,
    comparison: RwSignal<Option<Comparison>>,
}

/// How many differences a comparison lists.
const COMPARE_LIMIT: usize = 200;

fn to_base(base: &ServerBase) -> Base {
    Base {
        name: base.name.clone(),
        version: base.version,
        etag: base.etag.clone(),
        text: base.text.clone(),
    }
}

fn from_base(base: &Base) -> ServerBase {
    ServerBase {
        name: base.name.clone(),
        version: base.version,
        etag: base.etag.clone(),
        text: base.text.clone(),
    }
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
    pub fn new(ws: Workspace) -> Self {
        Self {
            ws,
            token: RwSignal::new(http::stored_token()),
            message: RwSignal::new(String::new()),
            bundles: RwSignal::new(Fetched::Idle),
            history_of: RwSignal::new(String::new()),
            history: RwSignal::new(Fetched::Idle),
            outcome: RwSignal::new(None),
            busy: RwSignal::new(None),
            confirm: RwSignal::new(None),
            comparison: RwSignal::new(None),
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

    /// The name the draft publishes as: the bundle's own `name`.
    fn name(self) -> Option<String> {
        self.ws.store.with_untracked(|s| bundle_name(s.doc()))
    }

    /// The draft's text as it is published.
    fn text(self) -> String {
        self.ws
            .store
            .with_untracked(|s| serde_json::to_string_pretty(s.doc()).unwrap_or_default() + "\n")
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
        let name = self.name().unwrap_or_default();
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

    /// Opens a server version in the draft (as an undoable step, or as a draft of its own
    /// when it is another bundle) and makes it the base of publishes.
    fn load(self, base: Base) {
        let what = self.ws.locale.get_untracked().fill(
            Key::ServerVersionName,
            &[("name", &base.name), ("version", &base.version.to_string())],
        );
        match serde_json::from_str(&base.text) {
            Ok(value) => {
                self.ws.open_document(value, what);
                self.ws.base.set(Some(from_base(&base)));
                self.ws.changed_view();
            }
            Err(_) => self.outcome.set(Some(Outcome::Failed {
                action: Action::Open,
                name: base.name,
                failure: Failure::Unexpected {
                    status: 200,
                    detail: "not JSON".to_owned(),
                },
            })),
        }
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
                    self.ws
                        .section
                        .set(crate::state::section::Section::Overview);
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

    /// Publishes the draft under its bundle's name, over the base when the base is that bundle.
    fn publish(self) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        self.ws.check_now();
        let token = self.token();
        let name = self.name();
        let checked = self.ws.checked.with_untracked(|c| {
            server::check_publish(&token, name.as_deref(), c.as_ref().map(|c| c.problems()))
        });
        let warnings = match checked {
            Ok(warnings) => warnings,
            Err(not_sent) => {
                self.outcome.set(Some(Outcome::NotSent(not_sent)));
                return;
            }
        };
        let name = name.unwrap_or_default();
        let precondition = self.ws.base.with_untracked(|base| {
            server::precondition(&name, base.as_ref().map(to_base).as_ref())
        });
        let text = self.text();
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
                    // if the draft was edited meanwhile.
                    self.ws.base.set(Some(ServerBase {
                        name: name.clone(),
                        version: stored.version,
                        etag,
                        text,
                    }));
                    self.ws.changed_view();
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

    /// Opens version `version` of the bundle in view.
    fn open_version(self, version: i64) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        let name = self.history_of.get_untracked();
        self.busy.set(Some(Busy::Opening));
        let call = server::version_call(&name, version, &self.token());
        spawn_local(async move {
            match fetch(call, |reply| server::read_content(reply, &name)).await {
                Ok(base) => {
                    self.outcome.set(None);
                    self.load(base);
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

    /// Compares version `version` of the bundle in view with the draft.
    fn compare(self, version: i64) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        let name = self.history_of.get_untracked();
        self.busy.set(Some(Busy::Comparing));
        let call = server::version_call(&name, version, &self.token());
        spawn_local(async move {
            match fetch(call, |reply| server::read_content(reply, &name)).await {
                Ok(base) => {
                    let theirs: serde_json::Value =
                        serde_json::from_str(&base.text).unwrap_or_default();
                    let (found, more) = self
                        .ws
                        .store
                        .with_untracked(|s| differences(&theirs, s.doc(), COMPARE_LIMIT));
                    self.comparison.set(Some(Comparison {
                        name,
                        version,
                        differences: found,
                        more,
                    }));
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
                    // Show the new version in the draft (as an undoable step).
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
}

/// The publish section's page.
#[component]
pub fn PublishPage(ws: Workspace) -> impl IntoView {
    let server = Server::new(ws);
    let locale = ws.locale;
    let t = move |key: Key| locale.get().text(key);
    // Read the list at once when a token is kept from an earlier visit, and the history of
    // the bundle the draft is (again whenever its name changes).
    if !server.token.get_untracked().is_empty() {
        server.refresh_list();
    }
    let name = Memo::new(move |_| ws.read(bundle_name));
    Effect::new(move |_| {
        // `get`, not `track`: the memo must compute to follow the document.
        let _ = name.get();
        if !server.token.get_untracked().is_empty() {
            server.refresh_history();
        }
    });

    view! {
        <div class="page publish-page">
            <header class="page-head">
                <h1 class="page-title">{move || t(Key::NavPublish)}</h1>
                <p class="muted">{move || t(Key::TokenNote)}</p>
            </header>
            <section id="server" class="card server-panel" aria-labelledby="server-title">
                <div class="card-head">
                    <h2 class="card-title" id="server-title">{move || t(Key::ServerTitle)}</h2>
                    <div class="token-row">
                        <label for="server-token" class="field-label">{move || t(Key::TokenLabel)}</label>
                        <input
                            id="server-token"
                            class="text-input token-input"
                            type="password"
                            autocomplete="off"
                            spellcheck="false"
                            placeholder=move || t(Key::TokenPlaceholder)
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
            </section>
            <div class="publish-grid">
                <PublishCard locale server />
                <BundleList locale server />
            </div>
            <HistoryCard locale server />
            <CompareCard locale server />
        </div>
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
        <section class="card" id="bundles-card" aria-labelledby="bundles-title">
            <div class="card-head">
                <h2 class="card-title" id="bundles-title">{move || t(Key::BundlesTitle)}</h2>
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
                            <span class="visually-hidden">" " {v.name.clone()}</span>
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
                    <th scope="col">{locale.text(Key::ColName)}</th>
                    <th scope="col" class="num">{locale.text(Key::ColVersion)}</th>
                    <th scope="col">{locale.text(Key::ColAuthor)}</th>
                    <th scope="col">{locale.text(Key::ColTime)}</th>
                    <th scope="col"><span class="visually-hidden">{locale.text(Key::ColActions)}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn PublishCard(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);
    let ws = server.ws;
    let name = move || ws.read(bundle_name);
    let base_line = move || {
        let locale = locale.get();
        let Some(name) = name().filter(|n| valid_bundle_name(n)) else {
            return view! { <p id="publish-base" class="publish-base" data-mode="none">{locale.text(Key::BaseNone)}</p> }
                .into_any();
        };
        let base = ws.base.get();
        // A draft opened from one bundle and renamed publishes under the new name: say so.
        let moved = base.as_ref().filter(|b| b.name != name).map(|b| {
            view! {
                <p id="publish-renamed" class="publish-warning" role="status">
                    {locale.fill(
                        Key::BaseRenamed,
                        &[("from", &b.name), ("version", &b.version.to_string()), ("name", &name)],
                    )}
                </p>
            }
        });
        let line = match server::precondition(&name, base.as_ref().map(to_base).as_ref()) {
            Precondition::Create => view! {
                <p id="publish-base" class="publish-base" data-mode="create">
                    {locale.fill(Key::BaseCreate, &[("name", &name)])}
                </p>
            }
            .into_any(),
            Precondition::Update { version, etag } => {
                let edited = base.as_ref().is_some_and(|b| {
                    ws.read(|doc| server::has_unpublished(doc, Some(&to_base(b))))
                });
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
        };
        view! { {line} {moved} }.into_any()
    };
    let publishing = move || server.busy.get() == Some(Busy::Publishing);

    view! {
        <section class="card" id="publish-card" aria-labelledby="publish-title">
            <div class="card-head">
                <h2 class="card-title" id="publish-title">{move || t(Key::PublishTitle)}</h2>
            </div>
            <p class="publish-name">
                <span class="muted">{move || t(Key::PublishAs)}</span>
                " "
                <code id="publish-name">{move || name().unwrap_or_else(|| "—".to_owned())}</code>
            </p>
            <div class="publish-form">
                <div class="field field-grow">
                    <label class="field-label" for="publish-message">{move || t(Key::MessageLabel)}</label>
                    <input
                        id="publish-message"
                        class="text-input"
                        type="text"
                        autocomplete="off"
                        placeholder=move || t(Key::MessagePlaceholder)
                        prop:value=move || server.message.get()
                        on:input=move |ev| server.message.set(event_target_value(&ev))
                    />
                </div>
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
            <crate::previews::impact::PublishImpact ws=server.ws />
            <OutcomeBox locale server />
        </section>
    }
}

/// What the last publish, rollback or open did.
#[component]
fn OutcomeBox(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let ws = server.ws;
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
                                let name = server.name().unwrap_or_else(|| "bundle".to_owned());
                                let _ = browser::download(&format!("{name}.mine.json"), &server.text(), "application/json");
                            }
                        >
                            {locale.text(Key::DownloadMine)}
                        </button>
                    </div>
                }
            });
            let problems = match outcome {
                Outcome::Failed { failure: Failure::Invalid(problems), .. } => {
                    let heading = locale.fill(Key::ServerProblemsHeading, &[("count", &problems.len().to_string())]);
                    let items = problems
                        .iter()
                        .cloned()
                        .map(|problem| {
                            let path = problem.path.clone();
                            view! { <ProblemItems ws problem on_pick=Callback::new(move |()| ws.select(&path)) /> }
                        })
                        .collect_view();
                    Some(view! {
                        <section class="card card-error">
                            <h3 class="card-title">{heading}</h3>
                            <ul id="server-problems" class="problems" data-stage="server">{items}</ul>
                        </section>
                    })
                }
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
        <section class="card" id="history-card" aria-labelledby="history-title">
            <div class="card-head">
                <h2 class="card-title" id="history-title">{title} " " {archived}</h2>
                <button
                    id="refresh-history"
                    type="button"
                    class="btn btn-small"
                    on:click=move |_| server.refresh_history()
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
            let busy = move || server.busy.with(Option::is_some);
            let rollback = if i == 0 {
                view! { <span class="badge badge-current">{locale.text(Key::CurrentVersion)}</span> }.into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="btn btn-small rollback"
                        disabled=busy
                        on:click=move |_| server.confirm.set(Some(version))
                    >
                        {locale.text(Key::RollbackButton)}
                        <span class="visually-hidden">" " {locale.fill(Key::VersionN, &[("version", &version.to_string())])}</span>
                    </button>
                }
                .into_any()
            };
            let confirm = move || {
                (server.confirm.get() == Some(version)).then(|| {
                    view! {
                        <tr class="confirm-row">
                            <td colspan="5">
                                <div id="rollback-confirm" class="confirm-bar" role="alertdialog" aria-label=locale.text(Key::RollbackButton)>
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
                    <td class="num actions">
                        <button
                            type="button"
                            class="btn btn-small open-version"
                            disabled=busy
                            on:click=move |_| server.open_version(version)
                        >
                            {locale.text(Key::OpenBundle)}
                            <span class="visually-hidden">" " {locale.fill(Key::VersionN, &[("version", &version.to_string())])}</span>
                        </button>
                        <button
                            type="button"
                            class="btn btn-small compare-version"
                            disabled=busy
                            on:click=move |_| server.compare(version)
                        >
                            {locale.text(Key::Compare)}
                            <span class="visually-hidden">" " {locale.fill(Key::VersionN, &[("version", &version.to_string())])}</span>
                        </button>
                        {rollback}
                    </td>
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
                    <th scope="col" class="num">{locale.text(Key::ColVersion)}</th>
                    <th scope="col">{locale.text(Key::ColTime)}</th>
                    <th scope="col">{locale.text(Key::ColAuthor)}</th>
                    <th scope="col">{locale.text(Key::ColMessage)}</th>
                    <th scope="col" class="num">{locale.text(Key::ColActions)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {busy}
    }
}

fn short(value: Option<&serde_json::Value>) -> String {
    match value {
        None => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 80 {
                text.chars().take(80).collect::<String>() + "…"
            } else {
                text
            }
        }
    }
}

/// A server version compared with the draft: what the draft changes, value by value.
#[component]
fn CompareCard(locale: RwSignal<Locale>, server: Server) -> impl IntoView {
    let ws = server.ws;
    move || {
        let locale = locale.get();
        let comparison = server.comparison.get()?;
        let heading = locale.fill(
            Key::CompareTitle,
            &[
                ("name", &comparison.name),
                ("version", &comparison.version.to_string()),
                ("count", &comparison.differences.len().to_string()),
            ],
        );
        let rows = comparison
            .differences
            .iter()
            .map(|d| {
                let kind = match (&d.before, &d.after) {
                    (None, _) => ("added", Key::DiffAdded),
                    (_, None) => ("removed", Key::DiffRemoved),
                    _ => ("changed", Key::DiffChanged),
                };
                let path = d.at.clone();
                let pick = d.at.clone();
                view! {
                    <tr class="difference" data-kind=kind.0 data-path=d.at.clone()>
                        <td>
                            <button type="button" class="link-button" on:click=move |_| ws.select(&pick)>
                                <code>{path}</code>
                            </button>
                        </td>
                        <td><span class=format!("tag tag-{}", kind.0)>{locale.text(kind.1)}</span></td>
                        <td class="mono small">{short(d.before.as_ref())}</td>
                        <td class="mono small">{short(d.after.as_ref())}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="card" id="compare-card" aria-labelledby="compare-title">
                <div class="card-head">
                    <h2 class="card-title" id="compare-title">{heading}</h2>
                    <button type="button" class="btn btn-small" on:click=move |_| server.comparison.set(None)>
                        {locale.text(Key::Close)}
                    </button>
                </div>
                {if comparison.differences.is_empty() {
                    view! { <p class="card-note">{locale.text(Key::CompareSame)}</p> }.into_any()
                } else {
                    view! {
                        <table id="differences" class="data-table compact">
                            <thead>
                                <tr>
                                    <th scope="col">{locale.text(Key::ColPath)}</th>
                                    <th scope="col">{locale.text(Key::ColChange)}</th>
                                    <th scope="col">{locale.fill(Key::ColInVersion, &[("version", &comparison.version.to_string())])}</th>
                                    <th scope="col">{locale.text(Key::ColInDraft)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                    .into_any()
                }}
                {comparison.more.then(|| view! { <p class="muted small">{locale.text(Key::CompareMore)}</p> })}
            </section>
        })
    }
}
