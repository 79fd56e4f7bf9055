//! The HTTP API, driven through `tower::ServiceExt::oneshot` on a real SQLite file.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jimu_server::{AppState, Cors, Store, app};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

const VALID: &str = r#"{"schema_version":1,"currency":"CNY","catalog":[
  {"id":"ac-clean","name":{"zh-CN":"空调清洗","en":"AC cleaning"},"kind":"service","price":"120.00"}]}"#;

/// The one web origin the test server lets call its API.
const PORTAL: &str = "https://portal.example.com";

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
        router: app(AppState {
            store,
            dist,
            cors: Cors::Origins(vec![PORTAL.to_owned()]),
        }),
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

/// A request as a publisher sends it: `PUT` creates (`If-None-Match: *`) unless `send_with`
/// says otherwise.
async fn send(h: &Harness, method: &str, uri: &str, body: &str) -> Reply {
    let headers: &[(&str, &str)] = if method == "PUT" {
        &[("if-none-match", "*"), ("content-type", "application/json")]
    } else {
        &[]
    };
    send_with(&h.router, method, uri, body, headers).await
}

async fn send_with(
    router: &Router,
    method: &str,
    uri: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
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
    let put2 = send_with(
        &h.router,
        "PUT",
        "/api/bundles/home-services",
        &changed,
        &[("if-match", &etag), ("content-type", "application/json")],
    )
    .await;
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
async fn publishing_is_conditional_and_reading_answers_not_modified() {
    let h = harness(false).await;
    let uri = "/api/bundles/shop";
    // No precondition at all: 428, nothing stored.
    let bare = send_with(
        &h.router,
        "PUT",
        uri,
        VALID,
        &[("content-type", "application/json")],
    )
    .await;
    assert_eq!(
        bare.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{}",
        bare.body
    );
    assert_eq!(
        bare.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    // If-Match on a bundle that does not exist: 412.
    let missing = send_with(
        &h.router,
        "PUT",
        uri,
        VALID,
        &[
            ("if-match", "\"sha256:00\""),
            ("content-type", "application/json"),
        ],
    )
    .await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(send(&h, "GET", uri, "").await.status, StatusCode::NOT_FOUND);

    let created = send(&h, "PUT", uri, VALID).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let v1 = created.headers[header::ETAG].to_str().unwrap().to_owned();
    // Creating it again: 412.
    assert_eq!(
        send(&h, "PUT", uri, VALID).await.status,
        StatusCode::PRECONDITION_FAILED
    );

    // A deployment holding the current tag gets 304 and no body; another tag gets the bundle.
    let fresh = send_with(&h.router, "GET", uri, "", &[("if-none-match", &v1)]).await;
    assert_eq!(fresh.status, StatusCode::NOT_MODIFIED);
    assert!(fresh.body.is_empty());
    assert_eq!(fresh.headers[header::ETAG].to_str().unwrap(), v1);
    let listed = format!("W/{v1}, \"sha256:11\", {v1}");
    let again = send_with(&h.router, "GET", uri, "", &[("if-none-match", &listed)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let other = send_with(
        &h.router,
        "GET",
        uri,
        "",
        &[("if-none-match", "\"sha256:11\"")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, VALID);

    // Publishing on v1 works once; the same If-Match again is stale (the other admin's work is
    // not overwritten unseen) and the problem names the current tag.
    let changed = VALID.replace("120.00", "99.00");
    let v2 = send_with(
        &h.router,
        "PUT",
        uri,
        &changed,
        &[("if-match", &v1), ("content-type", "application/json")],
    )
    .await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.body);
    let v2_tag = v2.headers[header::ETAG].to_str().unwrap().to_owned();
    let late = send_with(
        &h.router,
        "PUT",
        uri,
        VALID,
        &[("if-match", &v1), ("content-type", "application/json")],
    )
    .await;
    assert_eq!(late.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        late.json()["detail"]
            .as_str()
            .unwrap()
            .contains(v2_tag.trim_matches('"'))
    );
    assert_eq!(send(&h, "GET", uri, "").await.body, changed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_fifty_concurrent_publishes_on_one_version_exactly_one_wins() {
    let h = harness(false).await;
    let uri = "/api/bundles/race";
    let created = send(&h, "PUT", uri, VALID).await;
    let v1 = created.headers[header::ETAG].to_str().unwrap().to_owned();
    let mut writers = Vec::new();
    for i in 0..50 {
        let router = h.router.clone();
        let tag = v1.clone();
        let body = VALID.replace("120.00", &format!("{}.00", 200 + i));
        writers.push(tokio::spawn(async move {
            send_with(
                &router,
                "PUT",
                uri,
                &body,
                &[("if-match", &tag), ("content-type", "application/json")],
            )
            .await
        }));
    }
    let mut ok = Vec::new();
    let mut stale = 0;
    for writer in writers {
        let reply = writer.await.unwrap();
        match reply.status {
            StatusCode::OK => ok.push(reply.json()["version"].as_i64().unwrap()),
            StatusCode::PRECONDITION_FAILED => stale += 1,
            other => panic!("{other}: {}", reply.body),
        }
    }
    assert_eq!((ok.as_slice(), stale), (&[2][..], 49));
    // The winner's content is version 2; nothing else was stored.
    let latest = send(&h, "GET", uri, "").await;
    assert_eq!(latest.headers["jimu-version"], "2");
}

#[tokio::test]
async fn a_configured_portal_may_call_the_api_and_read_the_etag_others_may_not() {
    let h = harness(false).await;
    send(&h, "PUT", "/api/bundles/shop", VALID).await;
    let preflight = send_with(
        &h.router,
        "OPTIONS",
        "/api/bundles/shop",
        "",
        &[
            ("origin", PORTAL),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "if-none-match"),
        ],
    )
    .await;
    assert_eq!(preflight.headers["access-control-allow-origin"], PORTAL);
    let allowed = preflight.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allowed.contains("if-none-match"), "{allowed}");
    let got = send_with(
        &h.router,
        "GET",
        "/api/bundles/shop",
        "",
        &[("origin", PORTAL)],
    )
    .await;
    assert_eq!(got.headers["access-control-allow-origin"], PORTAL);
    let exposed = got.headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("jimu-version"),
        "{exposed}"
    );
    let other = send_with(
        &h.router,
        "GET",
        "/api/bundles/shop",
        "",
        &[("origin", "https://elsewhere.example.com")],
    )
    .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn every_version_is_kept_listed_and_readable() {
    let h = harness(false).await;
    let uri = "/api/bundles/shop";
    let mut contents = vec![VALID.to_owned()];
    let mut tags = vec![
        send(&h, "PUT", uri, VALID).await.headers[header::ETAG]
            .to_str()
            .unwrap()
            .to_owned(),
    ];
    for price in ["99.00", "88.00"] {
        let content = VALID.replace("120.00", price);
        let tag = tags.last().unwrap().clone();
        let put = send_with(
            &h.router,
            "PUT",
            uri,
            &content,
            &[("if-match", &tag), ("content-type", "application/json")],
        )
        .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.body);
        tags.push(put.headers[header::ETAG].to_str().unwrap().to_owned());
        contents.push(content);
    }
    send(&h, "PUT", "/api/bundles/another", VALID).await;

    let list = send(&h, "GET", "/api/bundles", "").await.json();
    let names: Vec<(&str, i64)> = list["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["name"].as_str().unwrap(), b["version"].as_i64().unwrap()))
        .collect();
    assert_eq!(names, [("another", 1), ("shop", 3)]);

    let history = send(&h, "GET", "/api/bundles/shop/versions", "")
        .await
        .json();
    let versions: Vec<(i64, String)> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                format!("\"{}\"", v["hash"].as_str().unwrap()),
            )
        })
        .collect();
    let expected: Vec<(i64, String)> = (1..=3).rev().zip(tags.iter().rev().cloned()).collect();
    assert_eq!(versions, expected);

    for (n, content) in contents.iter().enumerate() {
        let got = send(&h, "GET", &format!("{uri}/versions/{}", n + 1), "").await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(&got.body, content);
        assert_eq!(got.headers[header::ETAG].to_str().unwrap(), tags[n]);
    }
    let held = send_with(
        &h.router,
        "GET",
        &format!("{uri}/versions/1"),
        "",
        &[("if-none-match", &tags[0])],
    )
    .await;
    assert_eq!(held.status, StatusCode::NOT_MODIFIED);
    for missing in ["4", "0", "abc", "-1"] {
        let reply = send(&h, "GET", &format!("{uri}/versions/{missing}"), "").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
    let unknown = send(&h, "GET", "/api/bundles/nope/versions", "").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// Opens an event stream and returns its body, to read frames from.
async fn subscribe(h: &Harness, uri: &str, last_event_id: Option<&str>) -> Body {
    let mut request = Request::builder().method("GET").uri(uri);
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
async fn next_event(body: &mut Body) -> (String, Value) {
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

#[tokio::test]
async fn deployments_hear_of_each_new_version_and_miss_nothing_when_they_reconnect() {
    let h = harness(false).await;
    send(&h, "PUT", "/api/bundles/shop", VALID).await;
    // From now on: a stream of everything and one of `shop` only.
    let mut all = subscribe(&h, "/api/events", None).await;
    let mut shop = subscribe(&h, "/api/bundles/shop/events", None).await;
    send(&h, "PUT", "/api/bundles/other", VALID).await;
    let tag = send(&h, "GET", "/api/bundles/shop", "").await.headers[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let changed = VALID.replace("120.00", "99.00");
    let json = ("content-type", "application/json");
    send_with(
        &h.router,
        "PUT",
        "/api/bundles/shop",
        &changed,
        &[("if-match", &tag), json],
    )
    .await;

    let (id, data) = next_event(&mut all).await;
    assert_eq!((id.as_str(), data["name"].as_str()), ("2", Some("other")));
    let (id, data) = next_event(&mut all).await;
    assert_eq!(
        (id.as_str(), data["name"].as_str(), data["version"].as_i64()),
        ("3", Some("shop"), Some(2))
    );
    // The bundle's stream skips the other bundle.
    let (id, data) = next_event(&mut shop).await;
    assert_eq!((id.as_str(), data["version"].as_i64()), ("3", Some(2)));
    assert!(data["hash"].as_str().unwrap().starts_with("sha256:"));

    // A deployment that last saw event 1 gets 2 and 3 on reconnecting, then goes on live.
    let mut again = subscribe(&h, "/api/events", Some("1")).await;
    assert_eq!(next_event(&mut again).await.0, "2");
    assert_eq!(next_event(&mut again).await.0, "3");
    let mut shop_again = subscribe(&h, "/api/bundles/shop/events", Some("1")).await;
    assert_eq!(next_event(&mut shop_again).await.0, "3");
    send(&h, "PUT", "/api/bundles/third", VALID).await;
    assert_eq!(next_event(&mut again).await.0, "4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishes_reach_a_listener_each_once_and_in_order() {
    let h = harness(false).await;
    let mut all = subscribe(&h, "/api/events", None).await;
    let mut writers = Vec::new();
    for i in 0..20 {
        let router = h.router.clone();
        writers.push(tokio::spawn(async move {
            let uri = format!("/api/bundles/b{i}");
            let headers = [("if-none-match", "*"), ("content-type", "application/json")];
            send_with(&router, "PUT", &uri, VALID, &headers)
                .await
                .status
        }));
    }
    for writer in writers {
        assert_eq!(writer.await.unwrap(), StatusCode::CREATED);
    }
    let mut ids = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let (id, data) = next_event(&mut all).await;
        ids.push(id.parse::<i64>().unwrap());
        names.insert(data["name"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids, (1..=20).collect::<Vec<i64>>());
    assert_eq!(names.len(), 20);
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
        .header("if-none-match", "*")
        .header("content-type", "application/json")
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
    assert_eq!(
        put.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(put.json()["status"], 413);
}

#[tokio::test]
async fn deeply_nested_json_is_a_problem_not_a_crash() {
    let h = harness(false).await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let put = send(&h, "PUT", "/api/bundles/deep", &deep).await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", put.body);
    assert_eq!(
        put.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(!put.json()["problems"].as_array().unwrap().is_empty());
    assert_eq!(
        send(&h, "GET", "/api/health", "").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_method_or_query_is_a_problem_too() {
    let h = harness(false).await;
    send(&h, "PUT", "/api/bundles/shop", VALID).await;
    let delete = send(&h, "DELETE", "/api/bundles/shop", "").await;
    assert_eq!(delete.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        delete.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(delete.json()["detail"].as_str().unwrap().contains("DELETE"));
    let no_target = send(&h, "POST", "/api/bundles/shop/rollback", "").await;
    assert_eq!(no_target.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        no_target.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn a_body_not_declared_as_json_is_refused() {
    let h = harness(false).await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut headers = vec![("if-none-match", "*")];
        headers.extend(content_type.map(|t| ("content-type", t)));
        let put = send_with(&h.router, "PUT", "/api/bundles/shop", VALID, &headers).await;
        assert_eq!(
            put.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(
            put.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
    let charset = [
        ("if-none-match", "*"),
        ("content-type", "application/json; charset=utf-8"),
    ];
    let put = send_with(&h.router, "PUT", "/api/bundles/shop", VALID, &charset).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
}

#[tokio::test]
async fn a_rollback_publishes_an_earlier_content_as_a_new_version() {
    let h = harness(false).await;
    let uri = "/api/bundles/shop";
    let v1 = send(&h, "PUT", uri, VALID).await.headers[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let changed = VALID.replace("120.00", "99.00");
    let json = ("content-type", "application/json");
    let v2 = send_with(&h.router, "PUT", uri, &changed, &[("if-match", &v1), json]).await;
    let v2 = v2.headers[header::ETAG].to_str().unwrap().to_owned();
    // Preconditions hold as for any publish.
    let bare = send_with(
        &h.router,
        "POST",
        "/api/bundles/shop/rollback?to=1",
        "",
        &[],
    )
    .await;
    assert_eq!(bare.status, StatusCode::PRECONDITION_REQUIRED);
    let stale = send_with(
        &h.router,
        "POST",
        "/api/bundles/shop/rollback?to=1",
        "",
        &[("if-match", &v1)],
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let back = send_with(
        &h.router,
        "POST",
        "/api/bundles/shop/rollback?to=1",
        "",
        &[("if-match", &v2)],
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.json()["version"], 3);
    // The same content, so the same ETag as version 1; the history keeps all three.
    assert_eq!(back.headers[header::ETAG].to_str().unwrap(), v1);
    assert_eq!(send(&h, "GET", uri, "").await.body, VALID);
    let history = send(&h, "GET", "/api/bundles/shop/versions", "")
        .await
        .json();
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);
    let missing = send_with(
        &h.router,
        "POST",
        "/api/bundles/shop/rollback?to=9",
        "",
        &[("if-match", &v1)],
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
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
async fn ready_answers_when_the_store_does() {
    let h = harness(false).await;
    let ready = send(&h, "GET", "/api/ready", "").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ready");
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
