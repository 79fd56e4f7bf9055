//! The HTTP surface: `/api/*` (bundles, versions, events, tokens, audit) and the configurator
//! at `/`. Each handler names the role it needs with an extractor from `auth`.

use crate::BundleVersion;
use crate::auth::{Admin, Publisher, Reader};
use crate::error::Missing;
use crate::limits::{self, TextField};
use crate::{AppError, AppState, Expect, Publish, Published, Role};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, State};
use axum::extract::{Query, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use futures_util::Stream;
use jimu_wire::{
    ArchiveState, AuditPage, BundleList, History, MadeToken, NewToken, ProblemDetails, Resync,
    Revoked, Status, TokenList, VersionInfo,
};
use std::convert::Infallible;
use std::time::Instant;
use tokio::sync::broadcast::error::RecvError;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

/// Bundles are configuration, not uploads: 4 MiB is far above any real one.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Builds the whole router for a state.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/bundles", get(list_bundles))
        .route("/bundles/{name}", get(get_bundle).put(put_bundle))
        .route("/bundles/{name}/versions", get(history))
        .route("/bundles/{name}/rollback", post(rollback))
        .route(
            "/bundles/{name}/archive",
            post(archive_bundle).delete(unarchive_bundle),
        )
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/audit", get(audit))
        .route("/openapi.json", get(openapi_json))
        .route("/bundles/{name}/events", get(bundle_events))
        .route("/events", get(all_events))
        .route("/bundles/{name}/versions/{version}", get(get_version))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.request_timeout,
            deadline,
        ));
    let api = match cors_layer(&state.cors) {
        Some(layer) => api.layer(layer),
        None => api,
    };
    let router = Router::new()
        .nest("/api", api)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let router = match &state.dist {
        // Deep links fall back to index.html so the single-page app can route them.
        Some(dist) => router.fallback_service(
            ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html"))),
        ),
        None => router.fallback(app_not_built),
    };
    // Outermost, so every answer is logged, refusals and the configurator's files included.
    router
        .layer(axum::middleware::from_fn(access_log))
        .with_state(state)
}

/// Who made a request, as the token extractors found it: filled in by `auth`, read by the
/// access log (the id and label, never the secret).
#[derive(Clone, Default)]
pub(crate) struct CallerSlot(std::sync::Arc<std::sync::Mutex<Option<(String, String)>>>);

impl CallerSlot {
    pub(crate) fn set(&self, token: &crate::Token) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((token.id.clone(), token.label.clone()));
    }

    fn get(&self) -> Option<(String, String)> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The access log (target `jimu_server::access`): at info, one line per request with its
/// method, path (never the query string, which may hold a token), status, duration and the
/// token's id and label; at debug also the query with `access_token` redacted. A request
/// target longer than [`limits::MAX_URI_BYTES`] is answered 414 here, before any route.
async fn access_log(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let slot = CallerSlot::default();
    request.extensions_mut().insert(slot.clone());
    let target_len = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    let response = if target_len > limits::MAX_URI_BYTES {
        AppError::UriTooLong.into_response()
    } else {
        next.run(request).await
    };
    let (token, label) = slot
        .get()
        .unwrap_or_else(|| ("-".to_owned(), String::new()));
    let path = if uri.path().len() > 256 {
        // Long enough to tell; the rest is what was refused.
        let end = (0..=256)
            .rev()
            .find(|&i| uri.path().is_char_boundary(i))
            .unwrap_or(0);
        format!("{}…", &uri.path()[..end])
    } else {
        uri.path().to_owned()
    };
    tracing::info!(
        target: "jimu_server::access",
        %method,
        path,
        status = response.status().as_u16(),
        ms = %format_args!("{:.3}", started.elapsed().as_secs_f64() * 1000.0),
        token,
        label,
        "request"
    );
    if let Some(query) = uri.query() {
        tracing::debug!(
            target: "jimu_server::access",
            %method,
            path,
            query = limits::redacted_query(query),
            "request query"
        );
    }
    response
}

/// The CORS layer for `/api`: portals read bundles (with `If-None-Match`) and see the `ETag`
/// and version; publishers send `If-Match`.
fn cors_layer(cors: &crate::Cors) -> Option<CorsLayer> {
    let origins = match cors {
        crate::Cors::Off => return None,
        crate::Cors::Any => AllowOrigin::any(),
        crate::Cors::Origins(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        ),
    };
    Some(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::POST,
                Method::DELETE,
            ])
            .allow_headers([
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
            ])
            .expose_headers([header::ETAG, HeaderName::from_static("jimu-version")]),
    )
}

#[utoipa::path(
    get,
    path = "/api/health",
    tag = "ops",
    summary = "Liveness",
    security(()),
    responses(
        (status = 200, body = Status),
    )
)]
pub(crate) async fn health() -> Json<Status> {
    status("ok")
}

fn status(status: &str) -> Json<Status> {
    Json(Status {
        status: status.to_owned(),
    })
}

/// Ready for traffic: the store answers. A load balancer stops sending requests otherwise.
#[utoipa::path(
    get,
    path = "/api/ready",
    tag = "ops",
    summary = "Readiness: the store answers",
    security(()),
    responses(
        (status = 200, body = Status),
        (status = 503, body = Status),
    )
)]
pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => status("ready").into_response(),
        Err(err) => {
            tracing::warn!(error = ?err, "not ready: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, status("unavailable")).into_response()
        }
    }
}

/// Cuts off a request that takes longer than `limit`, its body included, with a 408 problem.
/// Event streams answer at once and then stream, so they are not cut off.
async fn deadline(
    State(limit): State<std::time::Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}

/// The OpenAPI description of this API (no token needed).
async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::json(),
    )
        .into_response()
}

async fn method_not_allowed(method: Method) -> AppError {
    AppError::MethodNotAllowed(method.to_string())
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> AppError {
    AppError::NotFound(Missing::Route(uri.path().to_owned()))
}

async fn app_not_built() -> Response {
    (
        StatusCode::NOT_FOUND,
        "The configurator is not built. Run `cargo xtask serve` to build and serve it.\n",
    )
        .into_response()
}

/// Bundle names appear in URLs and file names (`jimu_core::limits::valid_bundle_name`).
fn check_name(name: &str) -> Result<(), AppError> {
    if jimu_core::limits::valid_bundle_name(name) {
        Ok(())
    } else {
        Err(AppError::InvalidName(name.to_owned()))
    }
}

fn etag(hash: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{hash}\"")).ok()
}

/// The entity tags of an `If-Match` header: `None` for `*`, else the strong tags listed (weak
/// ones are valid but never match a strong comparison, so they are left out). Anything else
/// is a 400 that says what the header must hold, not a 412.
fn if_match_tags(value: &HeaderValue) -> Result<Option<Vec<String>>, AppError> {
    let refused = |text: &str| {
        let shown: String = text.chars().take(100).collect();
        AppError::BadHeader(format!(
            "`If-Match` must be `*` or ETags in double quotes as the server sent them, e.g. \
             If-Match: \"sha256:…\"; got `{shown}` (`If-Match` 须为 `*` 或带双引号的 ETag)"
        ))
    };
    let Ok(text) = value.to_str() else {
        return Err(refused(&String::from_utf8_lossy(value.as_bytes())));
    };
    let text = text.trim();
    if text == "*" {
        return Ok(None);
    }
    let mut tags = Vec::new();
    for item in text.split(',').map(str::trim) {
        let (weak, tag) = match item.strip_prefix("W/") {
            Some(tag) => (true, tag),
            None => (false, item),
        };
        let Some(inner) = tag
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .filter(|inner| !inner.contains('"'))
        else {
            return Err(refused(text));
        };
        if !weak {
            tags.push(inner.to_owned());
        }
    }
    Ok(Some(tags))
}

/// The entity tags of an `If-None-Match` header: `None` for `*`, else the strong tags listed
/// (weak ones never match a strong comparison and are left out).
fn listed_tags(value: &HeaderValue) -> Option<Vec<String>> {
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return None;
    }
    Some(
        text.split(',')
            .map(str::trim)
            .filter(|tag| !tag.starts_with("W/"))
            .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"'))
            .map(str::to_owned)
            .collect(),
    )
}

/// Whether a conditional header names `hash` (or is `*`).
fn names(value: &HeaderValue, hash: &str) -> bool {
    listed_tags(value).is_none_or(|tags| tags.iter().any(|t| t == hash))
}

/// Server-sent events: each new version of any bundle (`event: version`, `id` the version's
/// sequence number, `data` its name, version, hash and time). A reconnecting client that
/// missed more versions than the replay window gets one `event: resync` (`data` a `Resync`)
/// instead of them.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "events",
    summary = "Every new version of any bundle (server-sent events)",
    params(
        ("Last-Event-ID" = Option<i64>, Header, description = "The last event id seen: the missed versions come first, up to the replay window (`jimu serve --replay-window`, 10,000 by default); beyond it, or for an id newer than the store's, one `resync` event"),
    ),
    responses(
        (status = 200, description = "`event: version`, `id` the sequence number, `data` a BundleVersion without content; or first `event: resync`, `id` the newest sequence number, `data` a Resync: re-read the newest versions, then go on", content_type = "text/event-stream", body = String),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn all_events(
    _: Reader,
    State(state): State<AppState>,
    request: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    announcements(state, None, last_event_id(&request)).await
}

/// Server-sent events for one bundle's new versions.
#[utoipa::path(
    get,
    path = "/api/bundles/{name}/events",
    tag = "events",
    summary = "One bundle's new versions (server-sent events)",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
        ("Last-Event-ID" = Option<i64>, Header, description = "The last event id seen"),
    ),
    responses(
        (status = 200, description = "As /api/events, this bundle only (`resync` when more of its versions were missed than the window holds)", content_type = "text/event-stream", body = String),
        (status = 400, description = "Not a bundle name", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn bundle_events(
    _: Reader,
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    check_name(&name)?;
    announcements(state, Some(name), last_event_id(&request)).await
}

/// The stream of new versions after the client's `Last-Event-ID` (a deployment that reconnects
/// misses nothing), or from now on without one. Missed versions are read from the store a
/// page at a time ([`limits::REPLAY_PAGE`]), as the client takes them, so a replay holds one
/// page in memory whatever its length; more than the replay window is not replayed at all: the
/// client gets one `resync` event (like etcd's "compacted revision") and the stream goes on
/// from the newest version. The stream ends when the server shuts down.
async fn announcements(
    state: AppState,
    name: Option<String>,
    last_event_id: Option<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let store = state.store.clone();
    // Subscribe first, then read what was missed: nothing falls between the two.
    let live = store.subscribe();
    let newest = store.last_seq().await?;
    let window = state.replay_window;
    let resync = |asked: i64, why: String| {
        let data = Resync {
            last_event_id: asked,
            newest,
            window,
            detail: format!(
                "{why}: nothing of it is replayed. Re-read what you follow (GET /api/bundles, or \
                 the bundle), then go on from event {newest} (无法补发：请重新读取最新版本，\
                 然后从事件 {newest} 继续)"
            ),
        };
        Event::default()
            .id(newest.to_string())
            .event("resync")
            .json_data(data)
            .unwrap_or_else(|_| Event::default().id(newest.to_string()).event("resync"))
    };
    let (after, first) = match last_event_id {
        None => (newest, None),
        Some(asked) if asked > newest => (
            newest,
            Some(resync(
                asked,
                format!("event {asked} is newer than any this store holds ({newest})"),
            )),
        ),
        Some(asked) => {
            let cap = i64::try_from(window).unwrap_or(i64::MAX - 1) + 1;
            let missed = store.missed_count(asked, name.as_deref(), cap).await?;
            if u64::try_from(missed).unwrap_or(0) > window {
                (
                    newest,
                    Some(resync(
                        asked,
                        format!(
                            "more than {window} versions were published after event {asked}, \
                             the most a stream replays"
                        ),
                    )),
                )
            } else {
                (asked, None)
            }
        }
    };
    struct Cursor {
        store: crate::Store,
        name: Option<String>,
        /// The last event sent, or known to need no sending.
        after: i64,
        /// The highest sequence number heard on the live channel.
        live_mark: i64,
        first: Option<Event>,
        page: std::collections::VecDeque<BundleVersion>,
        /// Whether the store may hold versions after `after` not yet read.
        behind: bool,
        live: tokio::sync::broadcast::Receiver<BundleVersion>,
        shutdown: crate::Shutdown,
    }
    let cursor = Cursor {
        store,
        name,
        after,
        live_mark: after,
        first,
        page: std::collections::VecDeque::new(),
        behind: true,
        live,
        shutdown: state.shutdown.clone(),
    };
    let page_size = limits::REPLAY_PAGE;
    let stream = futures_util::stream::unfold(cursor, move |mut c| async move {
        if let Some(first) = c.first.take() {
            return Some((Ok(first), c));
        }
        loop {
            if c.shutdown.is_set() {
                return None;
            }
            if let Some(version) = c.page.pop_front() {
                c.after = c.after.max(version.seq);
                return Some((Ok(announce(&version)), c));
            }
            if c.behind {
                match c
                    .store
                    .published_since(c.after, c.name.as_deref(), page_size)
                    .await
                {
                    Ok(page) => {
                        c.behind = i64::try_from(page.len()).unwrap_or(i64::MAX) >= page_size;
                        if !c.behind {
                            // The store held every version up to what was heard live: none of
                            // those is missing any more.
                            c.after = c.after.max(c.live_mark);
                        }
                        c.page = page.into();
                        continue;
                    }
                    Err(err) => {
                        tracing::error!(error = ?err, "cannot read missed versions; ending the stream");
                        return None;
                    }
                }
            }
            tokio::select! {
                () = c.shutdown.wait() => return None,
                received = c.live.recv() => match received {
                    Ok(version) => {
                        c.live_mark = c.live_mark.max(version.seq);
                        if version.seq > c.after + 1 {
                            // Versions are numbered in the order they were stored, but
                            // concurrent publishes may announce out of that order (and a
                            // bundle's stream skips the others'): after a gap, read the
                            // store, which has every version up to this one.
                            c.behind = true;
                        } else if version.seq > c.after {
                            c.after = version.seq;
                            if c.name.as_deref().is_none_or(|n| n == version.name) {
                                return Some((Ok(announce(&version)), c));
                            }
                        }
                    }
                    // Too far behind the live channel: read the rest from the store.
                    Err(RecvError::Lagged(_)) => c.behind = true,
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The `Last-Event-ID` a reconnecting client sends (below 0 reads as 0: replay everything).
fn last_event_id(request: &HeaderMap) -> Option<i64> {
    request
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|id| id.max(0))
}

fn announce(version: &BundleVersion) -> Event {
    Event::default()
        .id(version.seq.to_string())
        .event("version")
        .json_data(VersionInfo::from(version))
        .unwrap_or_else(|_| {
            Event::default()
                .id(version.seq.to_string())
                .event("version")
        })
}

#[derive(serde::Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    archived: bool,
}

/// Every bundle's newest version (name, version, hash, time, author, message); archived ones
/// with `?archived=true`.
#[utoipa::path(
    get,
    path = "/api/bundles",
    tag = "bundles",
    summary = "Every bundle's newest version",
    params(
        ("archived" = Option<bool>, Query, description = "Include archived bundles"),
    ),
    responses(
        (status = 200, body = BundleList),
        (status = 400, description = "Unreadable query", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn list_bundles(
    _: Reader,
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::BadQuery(rejection.body_text()))?;
    let bundles = state.store.list(query.archived).await?;
    // (Every bundle's newest version without content: one row per bundle, not per version.)
    Ok(Json(BundleList { bundles }).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct PageQuery {
    limit: Option<i64>,
    before: Option<i64>,
}

/// A bundle's versions, newest first, a page at a time: `?limit=` (1–1000, default 1000) and
/// `?before=<version>` for the versions older than that one; `next_before` names the next
/// page while there is one.
#[utoipa::path(
    get,
    path = "/api/bundles/{name}/versions",
    tag = "bundles",
    summary = "A bundle's versions, newest first (paged)",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
        ("limit" = Option<i64>, Query, description = "1–1000, default 1000"),
        ("before" = Option<i64>, Query, description = "Versions older than this one (the `next_before` of the page before)"),
    ),
    responses(
        (status = 200, body = History),
        (status = 400, description = "Unreadable query", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such bundle", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn history(
    _: Reader,
    State(state): State<AppState>,
    Path(name): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let Query(query) = query.map_err(|rejection| AppError::BadQuery(rejection.body_text()))?;
    let limit = query
        .limit
        .unwrap_or(limits::HISTORY_PAGE)
        .clamp(1, limits::HISTORY_PAGE);
    let (versions, more) = state.store.history(&name, limit, query.before).await?;
    if versions.is_empty() && !state.store.has_bundle(&name).await? {
        return Err(AppError::NotFound(Missing::Bundle(name)));
    }
    let archived = state.store.archived(&name).await?;
    let next_before = if more {
        versions.last().map(|oldest| oldest.version)
    } else {
        None
    };
    Ok(Json(History {
        name,
        archived,
        versions: versions.iter().map(VersionInfo::from).collect(),
        next_before,
    })
    .into_response())
}

/// The newest version: the content, its ETag and version number.
#[utoipa::path(
    get,
    path = "/api/bundles/{name}",
    tag = "bundles",
    summary = "The newest version",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag held: 304 when it is current"),
    ),
    responses(
        (status = 200, description = "The bundle JSON exactly as published", content_type = "application/json", body = Object, headers(("ETag" = String, description = "\"sha256:<hex>\" of the content"), ("Jimu-Version" = i64))),
        (status = 304, description = "The held ETag is current"),
        (status = 404, description = "No such bundle", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn get_bundle(
    _: Reader,
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let Some(stored) = state.store.latest(&name).await? else {
        return Err(AppError::NotFound(Missing::Bundle(name)));
    };
    Ok(content_response(&stored, &request))
}

/// Version `version` of a bundle (versions are immutable, so its ETag never changes).
#[utoipa::path(
    get,
    path = "/api/bundles/{name}/versions/{version}",
    tag = "bundles",
    summary = "Version N (immutable)",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
        ("version" = i64, Path, description = "1, 2, …"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag held: 304 when it is current"),
    ),
    responses(
        (status = 200, description = "That version exactly as published", content_type = "application/json", body = Object, headers(("ETag" = String), ("Jimu-Version" = i64))),
        (status = 304, description = "The held ETag is current"),
        (status = 404, description = "No such bundle or version", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn get_version(
    _: Reader,
    State(state): State<AppState>,
    Path((name, version)): Path<(String, String)>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let stored = match version.parse::<i64>().ok().filter(|n| *n > 0) {
        Some(number) => state.store.version(&name, number).await?,
        None => None,
    };
    match stored {
        Some(stored) => Ok(content_response(&stored, &request)),
        None => Err(missing_version(&state, name, version).await),
    }
}

/// The 404 of a version that is not there: of the version when the bundle exists, else of
/// the bundle.
async fn missing_version(state: &AppState, name: String, version: String) -> AppError {
    match state.store.has_bundle(&name).await {
        Ok(true) => AppError::NotFound(Missing::Version {
            name,
            version: version.chars().take(40).collect(),
        }),
        Ok(false) => AppError::NotFound(Missing::Bundle(name)),
        Err(err) => AppError::Internal(err),
    }
}

/// A stored version as the response to a `GET`: 304 when the client holds it already.
fn content_response(stored: &BundleVersion, request: &HeaderMap) -> Response {
    let mut headers = HeaderMap::new();
    // Deployments poll with the tag they hold; clients must always ask again.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(tag) = etag(&stored.hash) {
        headers.insert(header::ETAG, tag);
    }
    if let Ok(version) = HeaderValue::from_str(&stored.version.to_string()) {
        headers.insert("jimu-version", version);
    }
    if request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tags| names(tags, &stored.hash))
    {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, stored.content.clone()).into_response()
}

/// Publishing is conditional, so two admins never overwrite each other's work unseen:
/// `If-Match: "<etag>"` of the version the change was made on, or `If-None-Match: *` to
/// create a bundle. Without either: 428; when the bundle moved on: 412 with the current tag.
/// `?message=` says what changed (kept in the history).
#[utoipa::path(
    put,
    path = "/api/bundles/{name}",
    tag = "bundles",
    summary = "Publish a new version",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
        ("message" = Option<String>, Query, description = "What changed (kept in the history): UTF-8, at most 1,000 characters, no control characters but line breaks and tabs"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version this change was made on (or *)"),
        ("If-None-Match" = Option<String>, Header, description = "`*` to create a new bundle"),
    ),
    request_body(content = Object, content_type = "application/json", description = "The bundle JSON"),
    responses(
        (status = 201, description = "Created as version 1", body = VersionInfo),
        (status = 200, description = "Stored as the next version", body = VersionInfo),
        (status = 400, description = "Not a bundle name; a body or message that is not UTF-8; a message too long or with control characters; an unreadable If-Match", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Over 4 MiB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Not Content-Type: application/json", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The bundle has errors: every one in `problems` (`name-mismatch` at `/name` when its `name` is not the one in the URL); nothing stored", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The bundle is archived", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "The bundle changed since that ETag (or exists, when creating); `ETag` and `Jimu-Version` name the current version", body = ProblemDetails, content_type = "application/problem+json", headers(("ETag" = String), ("Jimu-Version" = i64))),
        (status = 428, description = "Neither If-Match nor If-None-Match: *", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn put_bundle(
    Publisher(by): Publisher,
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    request: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let pairs = query_pairs(&uri)?;
    let message = message_param(&pairs)?;
    let body = body.map_err(|rejection| AppError::BadBody {
        status: rejection.status(),
        detail: rejection.body_text(),
    })?;
    let json = request
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .is_some_and(|v| v.eq_ignore_ascii_case("application/json") || v.ends_with("+json"));
    if !json {
        return Err(AppError::NotJson);
    }
    let publish = Publish {
        name,
        content: String::new(),
        expect: Expect::Absent,
        by,
        message: message.unwrap_or_default(),
        action: "publish",
        detail: String::new(),
    };
    publish_checked(&state, &request, publish, Content::New(body)).await
}

/// The query's parameters, every value UTF-8 (400 otherwise, never replaced).
fn query_pairs(uri: &Uri) -> Result<Vec<(String, String)>, AppError> {
    limits::query_pairs(uri.query().unwrap_or_default()).map_err(AppError::BadQuery)
}

/// `?message=`, checked against the limits every store shares.
fn message_param(pairs: &[(String, String)]) -> Result<Option<String>, AppError> {
    let message = limits::single(pairs, "message").map_err(AppError::BadQuery)?;
    if let Some(message) = message {
        limits::check_text(TextField::Message, message).map_err(AppError::BadQuery)?;
    }
    Ok(message.map(str::to_owned))
}

/// Publishes the content of an earlier version as a new version (the history stays whole),
/// under the same preconditions as any publish.
#[utoipa::path(
    post,
    path = "/api/bundles/{name}/rollback",
    tag = "bundles",
    summary = "Publish an earlier version's content as a new version",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
        ("to" = i64, Query, description = "The version to restore"),
        ("message" = Option<String>, Query, description = "As for a publish"),
        ("If-Match" = String, Header, description = "The ETag of the current version"),
    ),
    responses(
        (status = 200, body = VersionInfo),
        (status = 400, description = "`to` missing or not a version number; a message refused as for a publish; an unreadable If-Match", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such bundle or version", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The bundle is archived", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "The bundle changed since that ETag (or exists, when creating); `ETag` and `Jimu-Version` name the current version", body = ProblemDetails, content_type = "application/problem+json", headers(("ETag" = String), ("Jimu-Version" = i64))),
        (status = 428, description = "Neither If-Match nor If-None-Match: *", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn rollback(
    Publisher(by): Publisher,
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    request: HeaderMap,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let pairs = query_pairs(&uri)?;
    let message = message_param(&pairs)?;
    let to = limits::single(&pairs, "to")
        .map_err(AppError::BadQuery)?
        .ok_or_else(|| {
            AppError::BadQuery(
                "`to` is missing: the version to restore, e.g. ?to=3 (缺少 `to`：要恢复的版本号)"
                    .to_owned(),
            )
        })?;
    let number = to
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            let shown: String = to.chars().take(40).collect();
            AppError::BadQuery(format!(
                "`to` must be a version number (1, 2, …), not `{shown}` (`to` 须为版本号)"
            ))
        })?;
    let Some(earlier) = state.store.version(&name, number).await? else {
        return Err(missing_version(&state, name, number.to_string()).await);
    };
    let message = message.unwrap_or_else(|| format!("rollback to version {number}"));
    let publish = Publish {
        name,
        content: String::new(),
        expect: Expect::Absent,
        by,
        message,
        action: "rollback",
        detail: format!("to version {number}"),
    };
    publish_checked(
        &state,
        &request,
        publish,
        Content::Restored(earlier.content),
    )
    .await
}

/// Where a publish's content comes from, which says what it is checked for.
enum Content {
    /// Sent by the client: UTF-8 text of a valid bundle whose `name`, if it has one, is the
    /// name it is published as (`name-mismatch` otherwise).
    New(Bytes),
    /// An earlier version's, restored as it was stored (it may predate the name check).
    Restored(String),
}

/// Validates and stores a publish when the request's precondition (`If-Match`, or
/// `If-None-Match: *` to create) holds. Reading the body as text, validating it and hashing
/// it run on the validation threads, a few at a time and at a lower priority
/// ([`AppState::validation`]), not on the threads that answer requests, so publishers of large
/// bundles cannot slow readers down; only contents of at most
/// [`limits::INLINE_VALIDATION_BYTES`] are checked in place.
async fn publish_checked(
    state: &AppState,
    request: &HeaderMap,
    mut publish: Publish,
    content: Content,
) -> Result<Response, AppError> {
    let if_match = request
        .get(header::IF_MATCH)
        .map(if_match_tags)
        .transpose()?;
    let creating = request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| listed_tags(v).is_none());
    publish.expect = match if_match {
        Some(None) => Expect::Any,
        Some(Some(tags)) => Expect::OneOf(tags),
        None if creating => Expect::Absent,
        None => return Err(AppError::PreconditionRequired),
    };
    let size = match &content {
        Content::New(bytes) => bytes.len(),
        Content::Restored(text) => text.len(),
    };
    let checked = if size <= limits::INLINE_VALIDATION_BYTES {
        // As cheap as answering a read: handing it to another thread would cost more.
        check_content(publish, content)
    } else {
        state
            .validation
            .run(move || check_content(publish, content))
            .await?
    };
    let (publish, hash) = checked?;
    let name = publish.name.clone();
    let stored = match state.store.publish_hashed(publish, hash).await? {
        Published::Stored(stored) => stored,
        Published::Stale { current } => return Err(AppError::PreconditionFailed { current }),
        Published::Archived => return Err(AppError::Archived(name)),
    };
    let status = if stored.version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut headers = HeaderMap::new();
    if let Some(tag) = etag(&stored.hash) {
        headers.insert(header::ETAG, tag);
    }
    Ok((status, headers, Json(VersionInfo::from(stored.as_ref()))).into_response())
}

/// The content as text, validated (every problem when it has errors), with its hash.
fn check_content(mut publish: Publish, content: Content) -> Result<(Publish, String), AppError> {
    // Warnings (an unreachable rule, an unused role) do not stop a publish; errors do.
    let (text, problems) = match content {
        Content::New(bytes) => {
            let text = String::from_utf8(Vec::from(bytes)).map_err(|_| AppError::NotText)?;
            let problems = jimu_core::validate_publish(&text, &publish.name);
            (text, problems)
        }
        Content::Restored(text) => {
            let problems = jimu_core::validate_bundle(&text);
            (text, problems)
        }
    };
    if problems.iter().any(jimu_core::Problem::is_error) {
        return Err(AppError::InvalidBundle(problems));
    }
    let hash = crate::content_hash(&text);
    publish.content = text;
    Ok((publish, hash))
}

/// Archives a bundle: its versions stay readable, it leaves the list, publishes are refused.
#[utoipa::path(
    post,
    path = "/api/bundles/{name}/archive",
    tag = "bundles",
    summary = "Archive: kept and readable, not listed, not published to",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
    ),
    responses(
        (status = 200, body = ArchiveState),
        (status = 404, description = "No such bundle", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn archive_bundle(
    Publisher(by): Publisher,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    set_archived(&state, &name, true, &by).await
}

/// Takes a bundle out of the archive.
#[utoipa::path(
    delete,
    path = "/api/bundles/{name}/archive",
    tag = "bundles",
    summary = "Take a bundle out of the archive",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
    ),
    responses(
        (status = 200, body = ArchiveState),
        (status = 404, description = "No such bundle", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn unarchive_bundle(
    Publisher(by): Publisher,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    set_archived(&state, &name, false, &by).await
}

async fn set_archived(
    state: &AppState,
    name: &str,
    archived: bool,
    by: &crate::Token,
) -> Result<Response, AppError> {
    check_name(name)?;
    let Some(changed) = state.store.set_archived(name, archived, by).await? else {
        return Err(AppError::NotFound(Missing::Bundle(name.to_owned())));
    };
    Ok(Json(ArchiveState {
        name: name.to_owned(),
        archived,
        changed,
    })
    .into_response())
}

/// Makes a token. The secret is in this response only; the server keeps its hash.
#[utoipa::path(
    post,
    path = "/api/tokens",
    tag = "admin",
    summary = "Make a token (admin)",
    request_body = NewToken,
    responses(
        (status = 201, body = MadeToken),
        (status = 400, description = "Unreadable body or unknown role", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn create_token(
    Admin(by): Admin,
    State(state): State<AppState>,
    body: Result<Json<NewToken>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(new) = body.map_err(|rejection| AppError::BadBody {
        status: StatusCode::BAD_REQUEST,
        detail: rejection.body_text(),
    })?;
    let role: Role = new.role.parse().map_err(AppError::BadField)?;
    limits::check_text(TextField::Label, new.label.trim()).map_err(AppError::BadField)?;
    let (token, secret) = state.store.create_token(role, &new.label, &by).await?;
    Ok((StatusCode::CREATED, Json(MadeToken { token, secret })).into_response())
}

/// Every token (never a secret), revoked ones too.
#[utoipa::path(
    get,
    path = "/api/tokens",
    tag = "admin",
    summary = "Every token, never a secret (admin)",
    responses(
        (status = 200, body = TokenList),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn list_tokens(
    Admin(_): Admin,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let tokens = state.store.tokens().await?;
    Ok(Json(TokenList { tokens }).into_response())
}

/// Revokes a token at once: its next request gets 401.
#[utoipa::path(
    delete,
    path = "/api/tokens/{id}",
    tag = "admin",
    summary = "Revoke a token (admin)",
    params(
        ("id" = String, Path, description = "tok_…"),
    ),
    responses(
        (status = 200, body = Revoked),
        (status = 404, description = "No such token", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn revoke_token(
    Admin(by): Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Some(changed) = state.store.revoke_token(&id, &by).await? else {
        return Err(AppError::NotFound(Missing::Token(id)));
    };
    Ok(Json(Revoked {
        id,
        revoked: true,
        changed,
    })
    .into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct AuditQuery {
    limit: Option<i64>,
    before: Option<i64>,
}

/// The audit log, newest first: `?limit=` (1–1000, default 100) and `?before=<seq>` to page.
#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "admin",
    summary = "The audit log, newest first (admin)",
    params(
        ("limit" = Option<i64>, Query, description = "1–1000, default 100"),
        ("before" = Option<i64>, Query, description = "Entries before this seq (paging)"),
    ),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, description = "Unreadable query", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn audit(
    Admin(_): Admin,
    State(state): State<AppState>,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::BadQuery(rejection.body_text()))?;
    let limit = query
        .limit
        .unwrap_or(limits::AUDIT_PAGE)
        .clamp(1, limits::AUDIT_PAGE_MAX);
    let entries = state.store.audit(limit, query.before).await?;
    Ok(Json(AuditPage { entries }).into_response())
}
