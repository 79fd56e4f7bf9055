//! The HTTP API, driven through `tower::ServiceExt::oneshot` on a real SQLite file.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jimu_server::{AppState, Store, app};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

const VALID: &str = r#"{"schema_version":1,"currency":"CNY","catalog":[
  {"id":"ac-clean","name":{"zh-CN":"空调清洗","en":"AC cleaning"},"kind":"service","price":"120.00"}]}"#;

struct Harness {
    router: Router,
    _dir: TempDir,
}

async fn harness(with_dist: bool) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite_dir(&dir.path().join("data"))
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
        router: app(AppState { store, dist }),
        _dir: dir,
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

async fn send(h: &Harness, method: &str, uri: &str, body: &str) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(body.to_owned()))
        .unwrap();
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

#[tokio::test]
async fn put_then_get_returns_the_exact_text_with_a_content_etag() {
    let h = harness(false).await;
    let put = send(&h, "PUT", "/api/bundles/home-services", VALID).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    assert_eq!(put.json()["version"], 1);

    let got = send(&h, "GET", "/api/bundles/home-services", "").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, VALID);
    assert_eq!(got.headers[header::CONTENT_TYPE], "application/json");
    let etag = got.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with("\"sha256:") && etag.len() == 2 + 7 + 64,
        "{etag}"
    );
    assert_eq!(etag, put.headers[header::ETAG].to_str().unwrap());

    let changed = VALID.replace("120.00", "99.00");
    let put2 = send(&h, "PUT", "/api/bundles/home-services", &changed).await;
    assert_eq!(put2.status, StatusCode::OK);
    assert_eq!(put2.json()["version"], 2);
    let got2 = send(&h, "GET", "/api/bundles/home-services", "").await;
    assert_eq!(got2.body, changed);
    assert_ne!(got2.headers[header::ETAG], got.headers[header::ETAG]);
}

#[tokio::test]
async fn an_invalid_bundle_is_refused_with_every_problem_and_nothing_is_stored() {
    let h = harness(false).await;
    let bad = r#"{"schema_version":1,"currency":"CNY","catalog":[
        {"id":"a","name":"A","kind":"service","price":"-5"},
        {"id":"b","name":"B","kind":"part"}]}"#;
    let put = send(&h, "PUT", "/api/bundles/shop", bad).await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        put.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body = put.json();
    let paths: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/catalog/0/price", "/catalog/1/price"]);
    assert_eq!(body["problems"][0]["code"], "negative");
    assert!(
        body["problems"][0]["message"]["zh-CN"]
            .as_str()
            .unwrap()
            .contains("负数")
    );
    assert_eq!(
        send(&h, "GET", "/api/bundles/shop", "").await.status,
        StatusCode::NOT_FOUND
    );

    let syntax = send(&h, "PUT", "/api/bundles/shop", "{ not json").await;
    assert_eq!(syntax.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(syntax.json()["problems"][0]["code"], "json-syntax");
    assert_eq!(syntax.json()["problems"][0]["line"], 1);
}

#[tokio::test]
async fn a_bundle_with_only_warnings_is_published() {
    let h = harness(false).await;
    // An empty pricing group is a warning, not an error.
    let warned = r#"{"schema_version":2,"currency":"CNY",
        "catalog":[{"id":"a","name":"A","kind":"service","price":"10"}],
        "pricing":{"groups":[{"id":"g","name":"空","stacking":"first_match",
            "applies_to":{"scope":"ticket"}}]}}"#;
    assert!(!jimu_core::validate_bundle(warned).is_empty());
    let put = send(&h, "PUT", "/api/bundles/warned", warned).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    assert_eq!(
        send(&h, "GET", "/api/bundles/warned", "").await.body,
        warned
    );
}

#[tokio::test]
async fn names_are_checked_and_missing_bundles_are_404_problems() {
    let h = harness(false).await;
    let bad = send(&h, "PUT", "/api/bundles/Bad%20Name", VALID).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["status"], 400);
    let missing = send(&h, "GET", "/api/bundles/nothing-here", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let not_text = Request::builder()
        .method("PUT")
        .uri("/api/bundles/x")
        .body(Body::from(vec![0xff, 0xfe]))
        .unwrap();
    let resp = h.router.clone().oneshot(not_text).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let h = harness(false).await;
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let put = send(&h, "PUT", "/api/bundles/big", &huge).await;
    assert_eq!(put.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_app_is_served_at_the_root_with_deep_links_falling_back_to_index() {
    let h = harness(true).await;
    let root = send(&h, "GET", "/", "").await;
    assert_eq!(
        (root.status, root.body.as_str()),
        (StatusCode::OK, "<html>jimu app</html>")
    );
    assert_eq!(send(&h, "GET", "/app.js", "").await.body, "console.log(1)");
    let deep = send(&h, "GET", "/flows/repair/edit", "").await;
    assert_eq!(
        (deep.status, deep.body.as_str()),
        (StatusCode::OK, "<html>jimu app</html>")
    );
    // Unknown API routes stay API errors, not the app's HTML.
    assert_eq!(
        send(&h, "GET", "/api/nope", "").await.status,
        StatusCode::NOT_FOUND
    );

    let bare = harness(false).await;
    let root = send(&bare, "GET", "/", "").await;
    assert_eq!(root.status, StatusCode::NOT_FOUND);
    assert!(root.body.contains("cargo xtask serve"));
}

#[tokio::test]
async fn health_answers_ok() {
    let h = harness(false).await;
    let health = send(&h, "GET", "/api/health", "").await;
    assert_eq!(
        (health.status, health.json()["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
}
