//! The HTTP API, driven through `tower::ServiceExt::oneshot` on a real SQLite file.

mod support;

use axum::body::Body;
use axum::http::{StatusCode, header};
use futures_util::StreamExt as _;
use jimu_server::{AppState, Role, Store, Token, app};
use serde_json::Value;
use std::sync::Arc;
use support::{
    Backend, Harness, PORTAL, bearer, create_request, fresh_database, get_with, harness,
    next_event, on_both_stores, rollback, send, send_with, subscribe, update,
};
use tower::ServiceExt;

const VALID: &str = r#"{"schema_version":1,"currency":"CNY","catalog":[
  {"id":"ac-clean","name":{"zh-CN":"空调清洗","en":"AC cleaning"},"kind":"service","price":"120.00"}]}"#;

async fn put_then_get_returns_the_exact_text_with_a_content_etag(backend: Backend) {
    let h = harness(backend, false).await;
    let put = send(&h, "PUT", "/api/bundles/home-services", VALID).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    assert_eq!(put.json()["version"], 1);

    let got = send(&h, "GET", "/api/bundles/home-services", "").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, VALID);
    assert_eq!(got.headers[header::CONTENT_TYPE], "application/json");
    let etag = got.etag();
    assert!(
        etag.starts_with("\"sha256:") && etag.len() == 2 + 7 + 64,
        "{etag}"
    );
    assert_eq!(etag, put.etag());

    let changed = VALID.replace("120.00", "99.00");
    let put2 = update(&h, "/api/bundles/home-services", &changed, &etag).await;
    assert_eq!(put2.status, StatusCode::OK);
    assert_eq!(put2.json()["version"], 2);
    let got2 = send(&h, "GET", "/api/bundles/home-services", "").await;
    assert_eq!(got2.body, changed);
    assert_ne!(got2.headers[header::ETAG], got.headers[header::ETAG]);
}

/// A bundle with an editor-only section (node positions, samples, keys no engine knows) is
/// stored and served as the exact bytes sent: the section is validated as "an object" only,
/// and nothing re-serializes it (`1.50`, `\u00e9`, the odd spacing and key order survive).
async fn an_editor_section_is_stored_and_served_byte_for_byte(backend: Backend) {
    let h = harness(backend, false).await;
    let text = r#"{"schema_version":2,"name":"home-services","currency":"CNY","catalog":[
  {"id":"ac-clean","name":"AC","kind":"service","unit":"台","price":"120.00"}],
  "editor" : {"zz": 1, "layout": {"f": {"nodes": {"start": {"x": 1.50, "y": -0.0}}}},
    "collapsed": ["/catalog/0"],
    "samples": {"quotes": [{"name": "caf\u00e9",
      "request": {"lines": [{"item": "ac-clean", "quantity": "2"}]}}],
      "orders_csv": "id,amount\no1,1.00\n"},
    "x-typo": {"colapsed": "yes"}}}
"#;
    // Parsed and written again, the text would not be the same bytes.
    let reserialized =
        serde_json::to_string(&serde_json::from_str::<Value>(text).unwrap()).unwrap();
    assert_ne!(reserialized, text);
    let put = send(&h, "PUT", "/api/bundles/home-services", text).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    for uri in [
        "/api/bundles/home-services",
        "/api/bundles/home-services/versions/1",
    ] {
        let got = send(&h, "GET", uri, "").await;
        assert_eq!(got.status, StatusCode::OK, "{uri}");
        assert_eq!(got.body, text, "{uri}");
        assert_eq!(
            got.headers[header::ETAG],
            put.headers[header::ETAG],
            "{uri}"
        );
    }
    // The section may hold anything an object holds, but it must be an object.
    let refused = send(
        &h,
        "PUT",
        "/api/bundles/other",
        &text
            .replace("home-services", "other")
            .replace(r#""editor" : {"zz": 1,"#, r#""editor" : ["zz", {"#)
            .replace(r#""yes"}}}"#, r#""yes"}}]}"#),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("/editor"), "{}", refused.body);
}

async fn an_invalid_bundle_is_refused_with_every_problem_and_nothing_is_stored(backend: Backend) {
    let h = harness(backend, false).await;
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

async fn publishing_is_conditional_and_reading_answers_not_modified(backend: Backend) {
    let h = harness(backend, false).await;
    let uri = "/api/bundles/shop";
    // No precondition at all: 428, nothing stored.
    let bare = send_with(
        &h,
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
    let missing = update(&h, uri, VALID, "\"sha256:00\"").await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(send(&h, "GET", uri, "").await.status, StatusCode::NOT_FOUND);

    let created = send(&h, "PUT", uri, VALID).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let v1 = created.etag();
    // Creating it again: 412.
    assert_eq!(
        send(&h, "PUT", uri, VALID).await.status,
        StatusCode::PRECONDITION_FAILED
    );

    // A deployment holding the current tag gets 304 and no body; another tag gets the bundle.
    let fresh = get_with(&h, uri, &[("if-none-match", &v1)]).await;
    assert_eq!(fresh.status, StatusCode::NOT_MODIFIED);
    assert!(fresh.body.is_empty());
    assert_eq!(fresh.etag(), v1);
    let listed = format!("W/{v1}, \"sha256:11\", {v1}");
    let again = get_with(&h, uri, &[("if-none-match", &listed)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let other = get_with(&h, uri, &[("if-none-match", "\"sha256:11\"")]).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, VALID);

    // Publishing on v1 works once; the same If-Match again is stale (the other admin's work is
    // not overwritten unseen) and the problem names the current tag.
    let changed = VALID.replace("120.00", "99.00");
    let v2 = update(&h, uri, &changed, &v1).await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.body);
    let v2_tag = v2.etag();
    let late = update(&h, uri, VALID, &v1).await;
    assert_eq!(late.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        late.json()["detail"]
            .as_str()
            .unwrap()
            .contains(v2_tag.trim_matches('"'))
    );
    // The version to fetch and merge with, also as headers.
    assert_eq!(late.etag(), v2_tag);
    assert_eq!(late.headers["jimu-version"], "2");
    assert_eq!(send(&h, "GET", uri, "").await.body, changed);
}

async fn of_fifty_concurrent_publishes_on_one_version_exactly_one_wins(backend: Backend) {
    let h = harness(backend, false).await;
    let uri = "/api/bundles/race";
    let created = send(&h, "PUT", uri, VALID).await;
    let v1 = created.etag();
    let mut writers = Vec::new();
    for i in 0..50 {
        let h = h.clone();
        let tag = v1.clone();
        let body = VALID.replace("120.00", &format!("{}.00", 200 + i));
        writers.push(tokio::spawn(
            async move { update(&h, uri, &body, &tag).await },
        ));
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

async fn a_configured_portal_may_call_the_api_and_read_the_etag_others_may_not(backend: Backend) {
    let h = harness(backend, false).await;
    send(&h, "PUT", "/api/bundles/shop", VALID).await;
    let preflight = send_with(
        &h,
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
    let got = get_with(&h, "/api/bundles/shop", &[("origin", PORTAL)]).await;
    assert_eq!(got.headers["access-control-allow-origin"], PORTAL);
    let exposed = got.headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("jimu-version"),
        "{exposed}"
    );
    let other = get_with(
        &h,
        "/api/bundles/shop",
        &[("origin", "https://elsewhere.example.com")],
    )
    .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

async fn every_version_is_kept_listed_and_readable(backend: Backend) {
    let h = harness(backend, false).await;
    let uri = "/api/bundles/shop";
    let mut contents = vec![VALID.to_owned()];
    let mut tags = vec![send(&h, "PUT", uri, VALID).await.etag()];
    for price in ["99.00", "88.00"] {
        let content = VALID.replace("120.00", price);
        let tag = tags.last().unwrap().clone();
        let put = update(&h, uri, &content, &tag).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.body);
        tags.push(put.etag());
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
        assert_eq!(got.etag(), tags[n]);
    }
    let held = get_with(
        &h,
        &format!("{uri}/versions/1"),
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

async fn deployments_hear_of_each_new_version_and_miss_nothing_when_they_reconnect(
    backend: Backend,
) {
    let h = harness(backend, false).await;
    send(&h, "PUT", "/api/bundles/shop", VALID).await;
    // From now on: a stream of everything and one of `shop` only.
    let mut all = subscribe(&h, "/api/events", None).await;
    let mut shop = subscribe(&h, "/api/bundles/shop/events", None).await;
    send(&h, "PUT", "/api/bundles/other", VALID).await;
    let tag = send(&h, "GET", "/api/bundles/shop", "").await.etag();
    let changed = VALID.replace("120.00", "99.00");
    update(&h, "/api/bundles/shop", &changed, &tag).await;

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

async fn concurrent_publishes_reach_a_listener_each_once_and_in_order(backend: Backend) {
    let h = harness(backend, false).await;
    let mut all = subscribe(&h, "/api/events", None).await;
    let mut writers = Vec::new();
    for i in 0..20 {
        let h = h.clone();
        writers.push(tokio::spawn(async move {
            let uri = format!("/api/bundles/b{i}");
            let headers = [("if-none-match", "*"), ("content-type", "application/json")];
            send_with(&h, "PUT", &uri, VALID, &headers).await.status
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

async fn a_bundle_with_only_warnings_is_published(backend: Backend) {
    let h = harness(backend, false).await;
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

async fn names_are_checked_and_missing_bundles_are_404_problems(backend: Backend) {
    let h = harness(backend, false).await;
    let bad = send(&h, "PUT", "/api/bundles/Bad%20Name", VALID).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["status"], 400);
    let missing = send(&h, "GET", "/api/bundles/nothing-here", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let not_text = create_request(&h, "/api/bundles/x")
        .body(Body::from(vec![0xff, 0xfe]))
        .unwrap();
    let resp = h.router.clone().oneshot(not_text).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

async fn bodies_over_the_limit_are_refused(backend: Backend) {
    let h = harness(backend, false).await;
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let put = send(&h, "PUT", "/api/bundles/big", &huge).await;
    assert_eq!(put.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        put.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(put.json()["status"], 413);
}

async fn deeply_nested_json_is_a_problem_not_a_crash(backend: Backend) {
    let h = harness(backend, false).await;
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

async fn a_wrong_method_or_query_is_a_problem_too(backend: Backend) {
    let h = harness(backend, false).await;
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

async fn a_body_not_declared_as_json_is_refused(backend: Backend) {
    let h = harness(backend, false).await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut headers = vec![("if-none-match", "*")];
        headers.extend(content_type.map(|t| ("content-type", t)));
        let put = send_with(&h, "PUT", "/api/bundles/shop", VALID, &headers).await;
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
    let put = send_with(&h, "PUT", "/api/bundles/shop", VALID, &charset).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
}

async fn a_rollback_publishes_an_earlier_content_as_a_new_version(backend: Backend) {
    let h = harness(backend, false).await;
    let uri = "/api/bundles/shop";
    let v1 = send(&h, "PUT", uri, VALID).await.etag();
    let changed = VALID.replace("120.00", "99.00");
    let v2 = update(&h, uri, &changed, &v1).await;
    let v2 = v2.etag();
    // Preconditions hold as for any publish.
    let bare = send_with(&h, "POST", "/api/bundles/shop/rollback?to=1", "", &[]).await;
    assert_eq!(bare.status, StatusCode::PRECONDITION_REQUIRED);
    let stale = rollback(&h, "/api/bundles/shop/rollback?to=1", &v1).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let back = rollback(&h, "/api/bundles/shop/rollback?to=1", &v2).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.json()["version"], 3);
    // The same content, so the same ETag as version 1; the history keeps all three.
    assert_eq!(back.etag(), v1);
    assert_eq!(send(&h, "GET", uri, "").await.body, VALID);
    let history = send(&h, "GET", "/api/bundles/shop/versions", "")
        .await
        .json();
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);
    let missing = rollback(&h, "/api/bundles/shop/rollback?to=9", &v1).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// `VALID` naming itself `name`.
fn named(name: &str) -> String {
    VALID.replacen('{', &format!(r#"{{"name":"{name}","#), 1)
}

async fn a_publish_under_another_name_than_the_bundles_own_is_refused(backend: Backend) {
    let h = harness(backend, false).await;
    // Named as published, or not named at all: stored.
    let own = send(&h, "PUT", "/api/bundles/double-11", &named("double-11")).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let unnamed = send(&h, "PUT", "/api/bundles/anything", VALID).await;
    assert_eq!(unnamed.status, StatusCode::CREATED, "{}", unnamed.body);

    // Another bundle's content under this name: a 422 problem naming both, nothing stored,
    // whether it would create the bundle or update it.
    let create = send(&h, "PUT", "/api/bundles/home-services", &named("double-11")).await;
    let tag = own.etag();
    let update = update(&h, "/api/bundles/double-11", &named("home-services"), &tag).await;
    for (put, own, published) in [
        (&create, "double-11", "home-services"),
        (&update, "home-services", "double-11"),
    ] {
        assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", put.body);
        assert_eq!(
            put.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = put.json();
        assert_eq!(body["title"], "invalid bundle");
        let problems = body["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{body}");
        let problem = &problems[0];
        assert_eq!(
            (&problem["code"], &problem["path"], &problem["severity"]),
            (&"name-mismatch".into(), &"/name".into(), &"error".into())
        );
        for lang in ["zh-CN", "en"] {
            let text = problem["message"][lang].as_str().unwrap();
            assert!(text.contains(own) && text.contains(published), "{text}");
        }
    }
    assert_eq!(
        send(&h, "GET", "/api/bundles/home-services", "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let history = send(&h, "GET", "/api/bundles/double-11/versions", "").await;
    assert_eq!(history.json()["versions"].as_array().unwrap().len(), 1);

    // The mismatch is listed with the bundle's other problems.
    let broken = named("shop").replace("120.00", "-5");
    let both = send(&h, "PUT", "/api/bundles/other", &broken).await;
    let codes: Vec<String> = both.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes, ["name-mismatch", "negative"]);
}

async fn a_rollback_restores_a_version_whatever_its_name(backend: Backend) {
    let h = harness(backend, false).await;
    // A version stored before names were checked, as the store keeps it.
    let old = named("old-name");
    let stored = h
        .store
        .publish(jimu_server::Publish {
            name: "shop".to_owned(),
            content: old.clone(),
            expect: jimu_server::Expect::Absent,
            by: Token::local(),
            message: String::new(),
            action: "publish",
            detail: String::new(),
        })
        .await
        .unwrap();
    assert!(matches!(stored, jimu_server::Published::Stored(_)));
    let v1 = send(&h, "GET", "/api/bundles/shop", "").await;
    let v1 = v1.etag();
    let v2 = update(&h, "/api/bundles/shop", &named("shop"), &v1).await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.body);
    let v2 = v2.etag();
    let back = rollback(&h, "/api/bundles/shop/rollback?to=1", &v2).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.json()["version"], 3);
    assert_eq!(send(&h, "GET", "/api/bundles/shop", "").await.body, old);
}

#[tokio::test]
async fn the_app_is_served_at_the_root_with_deep_links_falling_back_to_index() {
    let h = harness(Backend::Sqlite, true).await;
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

    let bare = harness(Backend::Sqlite, false).await;
    let root = send(&bare, "GET", "/", "").await;
    assert_eq!(root.status, StatusCode::NOT_FOUND);
    assert!(root.body.contains("cargo xtask serve"));
}

async fn ready_answers_when_the_store_does(backend: Backend) {
    let h = harness(backend, false).await;
    let ready = send(&h, "GET", "/api/ready", "").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ready");
}

async fn health_answers_ok(backend: Backend) {
    let h = harness(backend, false).await;
    let health = send(&h, "GET", "/api/health", "").await;
    assert_eq!(
        (health.status, health.json()["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
}

async fn writers_need_a_publisher_token_and_a_wrong_token_learns_nothing(backend: Backend) {
    let h = harness(backend, false).await;
    let reader = h.token("reader", "portal").await;
    let publisher = h.token("publisher", "alice").await;
    let json = ("content-type", "application/json");
    let create = ("if-none-match", "*");
    let uri = "/api/bundles/shop";

    // No token, a made-up one, a malformed header: the very same 401, nothing stored.
    let unknown = "jimu_".to_owned() + &"0".repeat(64);
    let mut refusals = Vec::new();
    for auth in [
        ("authorization", String::new()),
        bearer(&unknown),
        ("authorization", "Basic abc".to_owned()),
    ] {
        let put = send_with(&h, "PUT", uri, VALID, &[(auth.0, &auth.1), json, create]).await;
        assert_eq!(put.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(
            put.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert!(
            put.headers[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        refusals.push(put.body);
        let get = get_with(&h, uri, &[(auth.0, &auth.1)]).await;
        assert_eq!(get.status, StatusCode::UNAUTHORIZED);
        refusals.push(get.body);
    }
    assert!(refusals.windows(2).all(|w| w[0] == w[1]), "{refusals:?}");

    // A reader reads but may not publish, roll back, archive or manage tokens.
    let as_reader = bearer(&reader);
    let as_reader = (as_reader.0, as_reader.1.as_str());
    let put = send_with(&h, "PUT", uri, VALID, &[as_reader, json, create]).await;
    assert_eq!(put.status, StatusCode::FORBIDDEN);
    assert!(put.json()["detail"].as_str().unwrap().contains("publisher"));
    for (method, path) in [
        ("POST", "/api/bundles/shop/rollback?to=1"),
        ("POST", "/api/bundles/shop/archive"),
        ("GET", "/api/tokens"),
        ("GET", "/api/audit"),
    ] {
        let reply = send_with(&h, method, path, "", &[as_reader]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    assert_eq!(
        get_with(&h, uri, &[as_reader]).await.status,
        StatusCode::NOT_FOUND
    );

    // A publisher publishes, and reads; it does not manage tokens.
    let as_publisher = bearer(&publisher);
    let as_publisher = (as_publisher.0, as_publisher.1.as_str());
    let put = send_with(&h, "PUT", uri, VALID, &[as_publisher, json, create]).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    let token_body = r#"{"role":"admin"}"#;
    let escalate = send_with(&h, "POST", "/api/tokens", token_body, &[as_publisher, json]).await;
    assert_eq!(escalate.status, StatusCode::FORBIDDEN);
    let got = get_with(&h, uri, &[as_reader]).await;
    assert_eq!((got.status, got.body.as_str()), (StatusCode::OK, VALID));

    // Reads may carry the token in the query (EventSource cannot send headers); writes not.
    let no_auth = ("authorization", "");
    let by_query = format!("{uri}?access_token={reader}");
    assert_eq!(
        get_with(&h, &by_query, &[no_auth]).await.status,
        StatusCode::OK
    );
    let put_query = format!("{uri}?access_token={publisher}");
    let put = send_with(&h, "PUT", &put_query, VALID, &[no_auth, json, create]).await;
    assert_eq!(put.status, StatusCode::UNAUTHORIZED);

    // A revoked token gets the same 401 as one that never existed.
    let tokens = send(&h, "GET", "/api/tokens", "").await.json();
    let alice = tokens["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "alice")
        .unwrap()
        .clone();
    assert_eq!(alice["role"], "publisher");
    assert!(alice.get("secret").is_none() && !tokens.to_string().contains(&publisher));
    let id = alice["id"].as_str().unwrap();
    let revoked = send(&h, "DELETE", &format!("/api/tokens/{id}"), "").await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let after = get_with(&h, uri, &[as_publisher]).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body, refusals[0]);
    assert_eq!(
        send(&h, "DELETE", "/api/tokens/tok_nope", "").await.status,
        StatusCode::NOT_FOUND
    );
    let bad_role = send_with(&h, "POST", "/api/tokens", r#"{"role":"owner"}"#, &[json]).await;
    assert_eq!(bad_role.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_role.json()["detail"]
            .as_str()
            .unwrap()
            .contains("owner")
    );

    // Health and readiness need no token.
    for path in ["/api/health", "/api/ready"] {
        assert_eq!(get_with(&h, path, &[no_auth]).await.status, StatusCode::OK);
    }
}

async fn public_reads_need_no_token_but_writes_still_do(backend: Backend) {
    let mut h = harness(backend, false).await;
    send(&h, "PUT", "/api/bundles/shop", VALID).await;
    h.router = app(AppState {
        public_read: true,
        ..AppState::new(h.store.clone())
    });
    let no_auth = ("authorization", "");
    let got = get_with(&h, "/api/bundles/shop", &[no_auth]).await;
    assert_eq!((got.status, got.body.as_str()), (StatusCode::OK, VALID));
    let listed = get_with(&h, "/api/bundles", &[no_auth]).await;
    assert_eq!(listed.status, StatusCode::OK);
    let put = send_with(
        &h,
        "PUT",
        "/api/bundles/other",
        VALID,
        &[
            no_auth,
            ("if-none-match", "*"),
            ("content-type", "application/json"),
        ],
    )
    .await;
    assert_eq!(put.status, StatusCode::UNAUTHORIZED);
    // A wrong token is still refused, public or not.
    let wrong = get_with(&h, "/api/bundles/shop", &[("authorization", "Bearer x")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get_with(&h, "/api/tokens", &[no_auth]).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn every_write_is_in_the_audit_log_and_the_history_names_its_author(backend: Backend) {
    let h = harness(backend, false).await;
    let publisher = h.token("publisher", "王小明").await;
    let as_publisher = bearer(&publisher);
    let as_publisher = (as_publisher.0, as_publisher.1.as_str());
    let json = ("content-type", "application/json");
    let uri = "/api/bundles/shop";
    let message = "首次发布 first";
    let encoded = "%E9%A6%96%E6%AC%A1%E5%8F%91%E5%B8%83%20first";
    let v1 = send_with(
        &h,
        "PUT",
        &format!("{uri}?message={encoded}"),
        VALID,
        &[as_publisher, json, ("if-none-match", "*")],
    )
    .await;
    assert_eq!(v1.status, StatusCode::CREATED, "{}", v1.body);
    assert_eq!(v1.json()["author"], "王小明");
    let tag1 = v1.etag();
    let changed = VALID.replace("120.00", "99.00");
    let v2 = update(&h, uri, &changed, &tag1).await;
    let tag2 = v2.etag();
    let back = send_with(
        &h,
        "POST",
        "/api/bundles/shop/rollback?to=1",
        "",
        &[as_publisher, ("if-match", &tag2)],
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);

    let history = send(&h, "GET", "/api/bundles/shop/versions", "")
        .await
        .json();
    let rows: Vec<(i64, &str, &str)> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["author"].as_str().unwrap(),
                v["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (3, "王小明", "rollback to version 1"),
            (2, "test admin", ""),
            (1, "王小明", message),
        ]
    );
    assert!(history["versions"][0]["created_at_ms"].as_i64().unwrap() > 1_700_000_000_000);

    send(&h, "POST", "/api/bundles/shop/archive", "").await;
    send(&h, "DELETE", "/api/bundles/shop/archive", "").await;
    // A refused write is not a write: nothing is recorded for it. (Version 3 has version 1's
    // content, so version 2's tag is the stale one.)
    let stale = update(&h, uri, VALID, &tag2).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

    let audit = send(&h, "GET", "/api/audit", "").await.json();
    let entries: Vec<(String, Option<String>, Option<i64>)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["bundle"].as_str().map(str::to_owned),
                e["version"].as_i64(),
            )
        })
        .collect();
    let shop = || Some("shop".to_owned());
    assert_eq!(
        entries,
        [
            ("unarchive".to_owned(), shop(), None),
            ("archive".to_owned(), shop(), None),
            ("rollback".to_owned(), shop(), Some(3)),
            ("publish".to_owned(), shop(), Some(2)),
            ("publish".to_owned(), shop(), Some(1)),
            ("token.create".to_owned(), None, None),
            ("token.create".to_owned(), None, None),
        ]
    );
    // Actors are token ids: the publisher's for its writes, `local` for the first token.
    let actors: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors[2], actors[4]);
    assert_ne!(actors[2], actors[3]);
    assert_eq!(actors[6], "local");
    assert_eq!(audit["entries"][2]["detail"], "to version 1");
    // Paging: the two before the third.
    let third = audit["entries"][2]["seq"].as_i64().unwrap();
    let page = send(&h, "GET", &format!("/api/audit?limit=2&before={third}"), "")
        .await
        .json();
    let page: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(page, ["publish", "publish"]);
}

async fn an_archived_bundle_stays_readable_but_is_not_listed_or_published_to(backend: Backend) {
    let h = harness(backend, false).await;
    let uri = "/api/bundles/shop";
    let tag = send(&h, "PUT", uri, VALID).await.etag();
    send(&h, "PUT", "/api/bundles/other", VALID).await;
    let archived = send(&h, "POST", "/api/bundles/shop/archive", "").await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    assert_eq!(archived.json()["changed"], true);
    assert_eq!(
        send(&h, "POST", "/api/bundles/shop/archive", "")
            .await
            .json()["changed"],
        false
    );
    let names = |list: Value| -> Vec<(String, bool)> {
        list["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["name"].as_str().unwrap().to_owned(),
                    b["archived"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        names(send(&h, "GET", "/api/bundles", "").await.json()),
        [("other".to_owned(), false)]
    );
    assert_eq!(
        names(
            send(&h, "GET", "/api/bundles?archived=true", "")
                .await
                .json()
        ),
        [("other".to_owned(), false), ("shop".to_owned(), true)]
    );
    // Deployments still holding it keep reading it.
    let got = send(&h, "GET", uri, "").await;
    assert_eq!((got.status, got.body.as_str()), (StatusCode::OK, VALID));
    assert_eq!(
        send(&h, "GET", "/api/bundles/shop/versions", "")
            .await
            .json()["archived"],
        true
    );
    let changed = VALID.replace("120.00", "99.00");
    let refused = update(&h, uri, &changed, &tag).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(
        refused.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let back = send(&h, "DELETE", "/api/bundles/shop/archive", "").await;
    assert_eq!(back.status, StatusCode::OK);
    let put = update(&h, uri, &changed, &tag).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(
        send(&h, "POST", "/api/bundles/nope/archive", "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn token_secrets_are_stored_only_as_hashes() {
    let h = harness(Backend::Sqlite, false).await;
    let secret = h.token("reader", "portal").await;
    assert!(
        secret.starts_with("jimu_") && secret.len() == 5 + 64,
        "{secret}"
    );
    drop(h.router);
    drop(h.store);
    let mut found = false;
    for entry in std::fs::read_dir(h._dir.path().join("data")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&secret) && !text.contains(&h.admin));
        found |= text.contains("portal");
    }
    // The token row itself is there (its label), so the search looked in the right place.
    assert!(found);
}

/// Two server instances on one PostgreSQL database: a publish on either reaches the event
/// streams of both, in commit order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_postgres_all_announce_each_publish() {
    let Some(Backend::Postgres(admin_url)) = Backend::postgres() else {
        return;
    };
    let url = fresh_database(&admin_url).await;
    let first = Store::open_postgres(&url).await.unwrap();
    let second = Store::open_postgres(&url).await.unwrap();
    let (_, admin) = first
        .create_token(Role::Admin, "admin", &Token::local())
        .await
        .unwrap();
    let instance = |store: &Store| Harness {
        router: app(AppState::new(store.clone())),
        store: store.clone(),
        admin: admin.clone(),
        _dir: Arc::new(tempfile::tempdir().unwrap()),
    };
    let (a, b) = (instance(&first), instance(&second));
    let mut on_a = subscribe(&a, "/api/events", None).await;
    let mut on_b = subscribe(&b, "/api/events", None).await;
    for (i, h) in [&a, &b, &a, &b].into_iter().enumerate() {
        let put = send(h, "PUT", &format!("/api/bundles/n{i}"), VALID).await;
        assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    }
    for stream in [&mut on_a, &mut on_b] {
        let mut seen = Vec::new();
        for _ in 0..4 {
            let (id, data) = next_event(stream).await;
            seen.push((id, data["name"].as_str().unwrap().to_owned()));
        }
        let expected: Vec<(String, String)> = (0..4)
            .map(|i| ((i + 1).to_string(), format!("n{i}")))
            .collect();
        assert_eq!(seen, expected);
    }
}

async fn the_api_describes_itself_in_openapi(backend: Backend) {
    let h = harness(backend, false).await;
    let reply = get_with(&h, "/api/openapi.json", &[("authorization", "")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Every documented operation is routed: with no token it is 401 (or, for the open ones,
    // answered), never the router's 404 or 405.
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let uri = path
                .replace("{name}", "shop")
                .replace("{version}", "1")
                .replace("{id}", "tok_x");
            let reply = send_with(
                &h,
                &method.to_uppercase(),
                &uri,
                "",
                &[("authorization", "")],
            )
            .await;
            let open = ["/api/health", "/api/ready"].contains(&path.as_str());
            if !open {
                let responses = &item[method]["responses"];
                for status in ["401", "403"] {
                    assert!(
                        responses[status]["content"]["application/problem+json"].is_object(),
                        "{method} {path} documents {status}"
                    );
                }
            }
            let expected = if open {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(reply.status, expected, "{method} {path}: {}", reply.body);
            operations += 1;
        }
    }
    assert_eq!(operations, 16);
    // Refusals are documented as problem+json.
    let put = &doc["paths"]["/api/bundles/{name}"]["put"]["responses"];
    for status in ["412", "422", "428"] {
        assert!(
            put[status]["content"]["application/problem+json"].is_object(),
            "{status}"
        );
    }
}

on_both_stores!(
    put_then_get_returns_the_exact_text_with_a_content_etag,
    an_editor_section_is_stored_and_served_byte_for_byte,
    an_invalid_bundle_is_refused_with_every_problem_and_nothing_is_stored,
    publishing_is_conditional_and_reading_answers_not_modified,
    of_fifty_concurrent_publishes_on_one_version_exactly_one_wins,
    a_configured_portal_may_call_the_api_and_read_the_etag_others_may_not,
    every_version_is_kept_listed_and_readable,
    deployments_hear_of_each_new_version_and_miss_nothing_when_they_reconnect,
    concurrent_publishes_reach_a_listener_each_once_and_in_order,
    a_bundle_with_only_warnings_is_published,
    names_are_checked_and_missing_bundles_are_404_problems,
    bodies_over_the_limit_are_refused,
    deeply_nested_json_is_a_problem_not_a_crash,
    a_wrong_method_or_query_is_a_problem_too,
    a_body_not_declared_as_json_is_refused,
    a_rollback_publishes_an_earlier_content_as_a_new_version,
    a_publish_under_another_name_than_the_bundles_own_is_refused,
    a_rollback_restores_a_version_whatever_its_name,
    ready_answers_when_the_store_does,
    health_answers_ok,
    writers_need_a_publisher_token_and_a_wrong_token_learns_nothing,
    public_reads_need_no_token_but_writes_still_do,
    every_write_is_in_the_audit_log_and_the_history_names_its_author,
    an_archived_bundle_stays_readable_but_is_not_listed_or_published_to,
    the_api_describes_itself_in_openapi,
);

#[test]
fn one_server_per_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let first = jimu_server::lock_data_dir(dir.path()).unwrap();
    let second = jimu_server::lock_data_dir(dir.path()).unwrap_err();
    assert!(
        second.to_string().contains("another `jimu serve`"),
        "{second}"
    );
    drop(first);
    assert!(jimu_server::lock_data_dir(dir.path()).is_ok());
}

/// A client that stops sending its body is cut off with a 408 problem; nothing is stored.
#[tokio::test]
async fn a_request_that_takes_too_long_is_cut_off() {
    let mut h = harness(Backend::Sqlite, false).await;
    h.router = app(AppState {
        request_timeout: std::time::Duration::from_millis(200),
        ..AppState::new(h.store.clone())
    });
    // The first half of a bundle, then nothing more.
    let (half, rest) = VALID.split_at(VALID.len() / 2);
    let half = half.to_owned();
    let stalled = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) })
        .chain(futures_util::stream::pending());
    let request = create_request(&h, "/api/bundles/slow")
        .body(Body::from_stream(stalled))
        .unwrap();
    let started = std::time::Instant::now();
    let response = h.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(!rest.is_empty());
    assert_eq!(
        send(&h, "GET", "/api/bundles/slow", "").await.status,
        StatusCode::NOT_FOUND
    );
    // An event stream outlives the limit.
    let mut events = subscribe(&h, "/api/events", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    send(&h, "PUT", "/api/bundles/after", VALID).await;
    assert_eq!(next_event(&mut events).await.1["name"], "after");
}

/// The newest contents SQLite keeps in memory stay within their budget, and every read is
/// still the newest content (from the database when it was dropped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_content_cache_is_bounded_and_reads_stay_exact() {
    let h = harness(Backend::Sqlite, false).await;
    let budget = 64 * 1024;
    h.store.set_content_cache_bytes(budget);
    let json = ("content-type", "application/json");
    let padded = |name: &str, round: usize| {
        // ~10 KB each, different every round.
        let pad: String = format!("{name}{round}").repeat(1000);
        VALID.replacen('{', &format!(r#"{{"editor":{{"pad":"{pad}"}},"#), 1)
    };
    let names: Vec<String> = (0..20).map(|i| format!("b{i}")).collect();
    for round in 0..2 {
        for name in &names {
            let precondition = if round == 0 {
                ("if-none-match", "*")
            } else {
                ("if-match", "*")
            };
            let uri = format!("/api/bundles/{name}");
            let put = send_with(&h, "PUT", &uri, &padded(name, round), &[precondition, json]).await;
            assert!(put.status.is_success(), "{}", put.body);
        }
        for name in &names {
            let got = send(&h, "GET", &format!("/api/bundles/{name}"), "").await;
            assert_eq!(got.body, padded(name, round), "{name}");
            let (entries, bytes) = h.store.content_cache_usage();
            assert!(
                bytes <= budget,
                "{bytes} bytes cached over a budget of {budget}"
            );
            assert!(
                entries < names.len(),
                "{entries} entries: nothing was dropped"
            );
        }
    }
}
