//! What the API tests share: a router on a fresh store (SQLite, or PostgreSQL when
//! `JIMU_TEST_POSTGRES_URL` names a server), each case run on both, and requests built and
//! sent as the admin, a publisher or nobody.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jimu_server::{AppState, Cors, Role, Store, Token, app};
use serde_json::Value;
use std::sync::Arc;
use tempfile::TempDir;
use tower::ServiceExt;

/// The one web origin the test server lets call its API.
pub const PORTAL: &str = "https://portal.example.com";

/// Where a test's store lives: a fresh SQLite directory, or a fresh database on the
/// PostgreSQL server that `JIMU_TEST_POSTGRES_URL` points at (`cargo xtask test` starts one).
#[derive(Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend, or `None` (the test is skipped, and says so) when no server was
    /// given; with `JIMU_TEST_REQUIRE_POSTGRES` set (CI), a missing server fails the test.
    pub fn postgres() -> Option<Self> {
        match std::env::var("JIMU_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(Self::Postgres(url)),
            _ if std::env::var_os("JIMU_TEST_REQUIRE_POSTGRES").is_some() => {
                panic!("JIMU_TEST_REQUIRE_POSTGRES is set but JIMU_TEST_POSTGRES_URL is not")
            }
            _ => {
                eprintln!("skipped: set JIMU_TEST_POSTGRES_URL to run the PostgreSQL case");
                None
            }
        }
    }

    /// A new, empty store for one test.
    pub async fn store(&self, dir: &std::path::Path) -> Store {
        match self {
            Backend::Sqlite => Store::open_sqlite_dir(&dir.join("data")).await.unwrap(),
            Backend::Postgres(admin_url) => Store::open_postgres(&fresh_database(admin_url).await)
                .await
                .unwrap(),
        }
    }
}

/// Creates an empty database on the server and returns its URL.
pub async fn fresh_database(admin_url: &str) -> String {
    use sqlx::Connection as _;
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).unwrap();
    let name = format!(
        "jimu_test_{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (server, _) = admin_url.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// Runs each named case once on SQLite and once on PostgreSQL (`sqlite::case`,
/// `postgres::case`).
macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(backend) = super::Backend::postgres() {
                        super::$case(backend).await
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_stores;

/// A router on a fresh store, with an admin token that every request carries unless it
/// says otherwise.
#[derive(Clone)]
pub struct Harness {
    pub router: Router,
    pub store: Store,
    pub admin: String,
    pub _dir: Arc<TempDir>,
}

pub async fn harness(backend: Backend, with_dist: bool) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = backend.store(dir.path()).await;
    let (_, admin) = store
        .create_token(Role::Admin, "test admin", &Token::local())
        .await
        .unwrap();
    let dist = with_dist.then(|| {
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<html>jimu app</html>").unwrap();
        std::fs::write(dist.join("app.js"), "console.log(1)").unwrap();
        dist
    });
    Harness {
        router: app(AppState {
            dist,
            cors: Cors::Origins(vec![PORTAL.to_owned()]),
            ..AppState::new(store.clone())
        }),
        store,
        admin,
        _dir: Arc::new(dir),
    }
}

impl Harness {
    /// A new token with this role, made through the API.
    pub async fn token(&self, role: &str, label: &str) -> String {
        let body = serde_json::json!({ "role": role, "label": label }).to_string();
        let made = send_with(
            self,
            "POST",
            "/api/tokens",
            &body,
            &[("content-type", "application/json")],
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        made.json()["secret"].as_str().unwrap().to_owned()
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// The `ETag`, quotes and all.
    pub fn etag(&self) -> String {
        self.headers[header::ETAG].to_str().unwrap().to_owned()
    }
}

/// The headers of a `PUT` that creates a bundle: `If-None-Match: *`, and the body is JSON.
pub const CREATE: &[(&str, &str)] = &[("if-none-match", "*"), ("content-type", "application/json")];

/// A request to `uri` with the harness's admin token, to finish with headers and a body.
pub fn request(h: &Harness, method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {}", h.admin))
}

/// A `PUT` that creates the bundle at `uri`, as the admin, to finish with a body.
pub fn create_request(h: &Harness, uri: &str) -> axum::http::request::Builder {
    CREATE
        .iter()
        .fold(request(h, "PUT", uri), |request, (name, value)| {
            request.header(*name, *value)
        })
}

/// A request as a publisher sends it: `PUT` creates (`If-None-Match: *`) unless `send_with`
/// says otherwise.
pub async fn send(h: &Harness, method: &str, uri: &str, body: &str) -> Reply {
    let headers = if method == "PUT" { CREATE } else { &[] };
    send_with(h, method, uri, body, headers).await
}

/// A request with these headers; it carries the harness's admin token unless `authorization`
/// is among them (an empty one: no token at all).
pub async fn send_with(
    h: &Harness,
    method: &str,
    uri: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = if headers.iter().any(|(name, _)| *name == "authorization") {
        Request::builder().method(method).uri(uri)
    } else {
        request(h, method, uri)
    };
    for (name, value) in headers.iter().filter(|(_, value)| !value.is_empty()) {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let response = h.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// A `GET` with these headers (and the admin token unless they say otherwise).
pub async fn get_with(h: &Harness, uri: &str, headers: &[(&str, &str)]) -> Reply {
    send_with(h, "GET", uri, "", headers).await
}

/// A publish of `body` over the version tagged `tag` (`If-Match`), as the admin.
pub async fn update(h: &Harness, uri: &str, body: &str, tag: &str) -> Reply {
    send_with(
        h,
        "PUT",
        uri,
        body,
        &[("if-match", tag), ("content-type", "application/json")],
    )
    .await
}

/// A rollback (`uri` names the bundle's `rollback` and its `?to=`) over the version tagged
/// `tag`, as the admin.
pub async fn rollback(h: &Harness, uri: &str, tag: &str) -> Reply {
    send_with(h, "POST", uri, "", &[("if-match", tag)]).await
}

/// Opens an event stream and returns its body, to read frames from.
pub async fn subscribe(h: &Harness, uri: &str, last_event_id: Option<&str>) -> Body {
    let mut request = request(h, "GET", uri);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = h
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    response.into_body()
}

/// The next event of a stream (keep-alive comments skipped): its `id` and `data`.
pub async fn next_event(body: &mut Body) -> (String, Value) {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .expect("the stream goes on")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
        }
        if let Some((event, _)) = text.split_once("\n\n") {
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}:")))
                    .map(|v| v.trim().to_owned())
            };
            if let (Some(id), Some(data)) = (field("id"), field("data")) {
                assert_eq!(field("event").as_deref(), Some("version"));
                return (id, serde_json::from_str(&data).unwrap());
            }
            text = text.split_once("\n\n").unwrap().1.to_owned();
        }
    }
}

/// `Authorization: Bearer <token>`, as a header pair.
pub fn bearer(token: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {token}"))
}
