//! The HTTP surface: `/api/*` (bundles, versions, events, tokens, audit) and the configurator
//! at `/`. Each handler names the role it needs with an extractor from `auth`.

use crate::BundleVersion;
use crate::auth::{Admin, Publisher, Reader};
use crate::{AppError, AppState, Expect, Publish, Published, Role};
use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use futures_util::Stream;
use jimu_wire::{
    ArchiveState, AuditPage, BundleList, History, MadeToken, NewToken, ProblemDetails, Revoked,
    Status, TokenList, VersionInfo,
};
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

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
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http());
    let router = match &state.dist {
        // Deep links fall back to index.html so the single-page app can route them.
        Some(dist) => router.fallback_service(
            ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html"))),
        ),
        None => router.fallback(app_not_built),
    };
    router.with_state(state)
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
    request: axum::extract::Request,
    next: axum::middleware::Next,
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

async fn api_not_found() -> AppError {
    AppError::NotFound("this API route".to_owned())
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

/// The entity tags of an `If-Match` / `If-None-Match` header: `None` for `*`, else the strong
/// tags listed (weak ones never match a strong comparison and are left out).
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
/// sequence number, `data` its name, version, hash and time).
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "events",
    summary = "Every new version of any bundle (server-sent events)",
    params(
        ("Last-Event-ID" = Option<i64>, Header, description = "The last event id seen: the missed versions come first"),
    ),
    responses(
        (status = 200, description = "`event: version`, `id` the sequence number, `data` a BundleVersion without content", content_type = "text/event-stream", body = String),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn all_events(
    _: Reader,
    State(state): State<AppState>,
    request: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    announcements(state.store, None, last_event_id(&request)).await
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
        (status = 200, description = "As /api/events, this bundle only", content_type = "text/event-stream", body = String),
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
    announcements(state.store, Some(name), last_event_id(&request)).await
}

/// The stream of new versions after the client's `Last-Event-ID` (a deployment that reconnects
/// misses nothing), or from now on without one.
async fn announcements(
    store: crate::Store,
    name: Option<String>,
    last_event_id: Option<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    // Subscribe first, then read what was missed: nothing falls between the two.
    let live = store.subscribe();
    let after = match last_event_id {
        Some(after) => after,
        None => store.last_seq().await?,
    };
    struct Cursor {
        store: crate::Store,
        name: Option<String>,
        after: i64,
        missed: Option<std::collections::VecDeque<BundleVersion>>,
        live: tokio::sync::broadcast::Receiver<BundleVersion>,
    }
    let cursor = Cursor {
        store,
        name,
        after,
        missed: None,
        live,
    };
    let stream = futures_util::stream::unfold(cursor, |mut c| async move {
        loop {
            if c.missed.is_none() {
                match c.store.published_since(c.after, c.name.as_deref()).await {
                    Ok(missed) => c.missed = Some(missed.into()),
                    Err(err) => {
                        tracing::error!(error = ?err, "cannot read missed versions; ending the stream");
                        return None;
                    }
                }
            }
            if let Some(version) = c
                .missed
                .as_mut()
                .and_then(std::collections::VecDeque::pop_front)
            {
                c.after = version.seq;
                return Some((Ok(announce(&version)), c));
            }
            match c.live.recv().await {
                // Versions are numbered in the order they were stored, but concurrent publishes
                // may announce out of that order: after a gap, read the store, which has every
                // version up to this one, so none is skipped.
                Ok(version) if version.seq > c.after + 1 => c.missed = None,
                Ok(version) => {
                    // The next in order (or one already sent): move on past it either way.
                    if version.seq > c.after {
                        c.after = version.seq;
                        if c.name.as_deref().is_none_or(|n| n == version.name) {
                            return Some((Ok(announce(&version)), c));
                        }
                    }
                }
                // Too far behind the live channel: read the rest from the store.
                Err(RecvError::Lagged(_)) => c.missed = None,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The `Last-Event-ID` a reconnecting client sends.
fn last_event_id(request: &HeaderMap) -> Option<i64> {
    request
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
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
    Ok(Json(BundleList { bundles }).into_response())
}

/// Every version of a bundle, newest first.
#[utoipa::path(
    get,
    path = "/api/bundles/{name}/versions",
    tag = "bundles",
    summary = "A bundle's versions, newest first",
    params(
        ("name" = String, Path, description = "The bundle name: 1–64 of a-z 0-9 - _"),
    ),
    responses(
        (status = 200, body = History),
        (status = 404, description = "No such bundle", body = ProblemDetails, content_type = "application/problem+json"),
        crate::openapi::TokenRefusals,
    )
)]
pub(crate) async fn history(
    _: Reader,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let versions = state.store.history(&name).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound(name));
    }
    let archived = state.store.archived(&name).await?;
    Ok(Json(History {
        name,
        archived,
        versions: versions.iter().map(VersionInfo::from).collect(),
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
        return Err(AppError::NotFound(name));
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
    let number = version
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::NotFound(format!("{name} version {version}")))?;
    let Some(stored) = state.store.version(&name, number).await? else {
        return Err(AppError::NotFound(format!("{name} version {version}")));
    };
    Ok(content_response(&stored, &request))
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
        ("message" = Option<String>, Query, description = "What changed (kept in the history)"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version this change was made on (or *)"),
        ("If-None-Match" = Option<String>, Header, description = "`*` to create a new bundle"),
    ),
    request_body(content = Object, content_type = "application/json", description = "The bundle JSON"),
    responses(
        (status = 201, description = "Created as version 1", body = VersionInfo),
        (status = 200, description = "Stored as the next version", body = VersionInfo),
        (status = 400, description = "Not a bundle name, or not UTF-8", body = ProblemDetails, content_type = "application/problem+json"),
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
    query: Result<Query<MessageQuery>, QueryRejection>,
    request: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let Query(query) = query.map_err(|rejection| AppError::BadQuery(rejection.body_text()))?;
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
    let text = std::str::from_utf8(&body).map_err(|_| AppError::NotText)?;
    let publish = Publish {
        name,
        content: text.to_owned(),
        expect: Expect::Absent,
        by,
        message: query.message.unwrap_or_default(),
        action: "publish",
        detail: String::new(),
    };
    publish_checked(&state, &request, publish, Content::New).await
}

#[derive(serde::Deserialize)]
pub(crate) struct MessageQuery {
    message: Option<String>,
}

#[derive(serde::Deserialize)]
pub(crate) struct RollbackQuery {
    to: String,
    message: Option<String>,
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
        ("message" = Option<String>, Query),
        ("If-Match" = String, Header, description = "The ETag of the current version"),
    ),
    responses(
        (status = 200, body = VersionInfo),
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
    query: Result<Query<RollbackQuery>, QueryRejection>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    check_name(&name)?;
    let Query(query) = query.map_err(|rejection| AppError::BadQuery(rejection.body_text()))?;
    let missing = || AppError::NotFound(format!("{name} version {}", query.to));
    let number = query
        .to
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(missing)?;
    let earlier = state
        .store
        .version(&name, number)
        .await?
        .ok_or_else(missing)?;
    let message = match &query.message {
        Some(message) => message.clone(),
        None => format!("rollback to version {number}"),
    };
    let publish = Publish {
        name,
        content: earlier.content,
        expect: Expect::Absent,
        by,
        message,
        action: "rollback",
        detail: format!("to version {number}"),
    };
    publish_checked(&state, &request, publish, Content::Restored).await
}

/// Where a publish's content comes from, which says what it is checked for.
enum Content {
    /// Sent by the client: a valid bundle whose `name`, if it has one, is the name it is
    /// published as (`name-mismatch` otherwise).
    New,
    /// An earlier version's, restored as it was stored (it may predate the name check).
    Restored,
}

/// Validates and stores a publish when the request's precondition (`If-Match`, or
/// `If-None-Match: *` to create) holds.
async fn publish_checked(
    state: &AppState,
    request: &HeaderMap,
    mut publish: Publish,
    content: Content,
) -> Result<Response, AppError> {
    let if_match = request.get(header::IF_MATCH).map(listed_tags);
    let creating = request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| listed_tags(v).is_none());
    publish.expect = match if_match {
        Some(None) => Expect::Any,
        Some(Some(tags)) => Expect::OneOf(tags),
        None if creating => Expect::Absent,
        None => return Err(AppError::PreconditionRequired),
    };
    // Warnings (an unreachable rule, an unused role) do not stop a publish; errors do.
    let problems = match content {
        Content::New => jimu_core::validate_publish(&publish.content, &publish.name),
        Content::Restored => jimu_core::validate_bundle(&publish.content),
    };
    let name = publish.name.clone();
    if problems.iter().any(jimu_core::Problem::is_error) {
        return Err(AppError::InvalidBundle(problems));
    }
    let stored = match state.store.publish(publish).await? {
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
    Ok((status, headers, Json(VersionInfo::from(&stored))).into_response())
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
        return Err(AppError::NotFound(name.to_owned()));
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
        return Err(AppError::NotFound(format!("token {id}")));
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
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let entries = state.store.audit(limit, query.before).await?;
    Ok(Json(AuditPage { entries }).into_response())
}
