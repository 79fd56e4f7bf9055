//! The wire types' JSON: what the server writes is what it always wrote, and clients read it
//! back as the same values.

use jimu_wire::{
    History, Listed, ProblemDetails, ProblemItem, Role, Token, TokenList, VersionInfo,
};
use serde_json::json;

fn version(n: i64) -> VersionInfo {
    VersionInfo {
        name: "shop".to_owned(),
        version: n,
        hash: format!("sha256:{n}"),
        created_at_ms: 1_700_000_000_000,
        author: "alice".to_owned(),
        message: "m".to_owned(),
    }
}

/// Problems of every shape jimu-core reports: a hint, a line and column, a character range.
fn problems() -> Vec<jimu_core::Problem> {
    let mut all = jimu_core::validate_bundle(
        r#"{"schema_version":1,"currency":"RMB","catalog":[
            {"id":"a","name":"A","kind":"service","price":"-5"}]}"#,
    );
    all.extend(jimu_core::validate_bundle("{ not json"));
    all.extend(jimu_core::validate_bundle(include_str!(
        "../../../tests/bundles/invalid/expression-domain-functions.json"
    )));
    all.extend(jimu_core::validate_publish(
        r#"{"schema_version":2,"name":"a","currency":"CNY","catalog":[]}"#,
        "b",
    ));
    all
}

#[test]
fn problem_items_write_exactly_what_jimu_core_problems_write() {
    let problems = problems();
    let shapes = |pick: fn(&jimu_core::Problem) -> bool| problems.iter().any(pick);
    assert!(shapes(|p| p.hint.is_some()), "{problems:?}");
    assert!(
        shapes(|p| p.line.is_some() && p.column.is_some()),
        "{problems:?}"
    );
    assert!(
        shapes(|p| p.start.is_some() && p.end.is_some()),
        "{problems:?}"
    );
    assert!(
        shapes(|p| p.code.as_str() == "name-mismatch"),
        "{problems:?}"
    );
    for problem in &problems {
        let item = ProblemItem::from(problem);
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            serde_json::to_string(problem).unwrap()
        );
        // And back, as the configurator reads a 422.
        let read: ProblemItem =
            serde_json::from_str(&serde_json::to_string(problem).unwrap()).unwrap();
        assert_eq!(read.to_core().as_ref(), Some(problem));
    }
}

#[test]
fn a_problem_with_a_code_this_build_does_not_know_is_still_read() {
    let item: ProblemItem = serde_json::from_value(json!({
        "code": "some-future-code", "severity": "error", "path": "/x",
        "message": {"zh-CN": "未来", "en": "future"}
    }))
    .unwrap();
    assert_eq!(item.code, "some-future-code");
    assert_eq!(item.message.en, "future");
    assert_eq!(item.to_core(), None);
    let odd_severity = ProblemItem {
        code: "negative".to_owned(),
        severity: "fatal".to_owned(),
        ..item
    };
    assert_eq!(odd_severity.to_core(), None);
}

#[test]
fn problem_details_are_written_whole_and_read_leniently() {
    let mut problem = ProblemDetails::new(404, "not found", "no bundle named `x`");
    assert_eq!(
        serde_json::to_string(&problem).unwrap(),
        r#"{"type":"about:blank","title":"not found","status":404,"detail":"no bundle named `x`"}"#
    );
    problem.problems = Some(Vec::new());
    assert_eq!(
        serde_json::to_value(&problem).unwrap()["problems"],
        json!([])
    );
    // RFC 9457 makes every member optional: a sparse problem (a proxy's) still reads.
    let sparse: ProblemDetails =
        serde_json::from_str(r#"{"title":"unauthorized","status":401}"#).unwrap();
    assert_eq!(
        (sparse.kind.as_str(), sparse.title.as_str(), sparse.status),
        ("about:blank", "unauthorized", 401)
    );
    assert_eq!((sparse.detail.as_str(), sparse.problems), ("", None));
}

#[test]
fn versions_lists_and_histories_keep_their_json() {
    let v = version(3);
    assert_eq!(v.etag(), "\"sha256:3\"");
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"name":"shop","version":3,"hash":"sha256:3","created_at_ms":1700000000000,"author":"alice","message":"m"}"#
    );
    // A list entry is the version with `archived` beside its fields, not nested.
    let listed = Listed {
        latest: v.clone(),
        archived: true,
    };
    let text = serde_json::to_string(&listed).unwrap();
    assert!(
        text.starts_with(r#"{"name":"shop","version":3,"#)
            && text.ends_with(r#","archived":true}"#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<Listed>(&text).unwrap(), listed);
    let history = History {
        name: "shop".to_owned(),
        archived: false,
        versions: vec![version(2), version(1)],
        next_before: None,
    };
    let text = serde_json::to_string(&history).unwrap();
    // The last page says nothing of a next one: the JSON earlier servers wrote.
    assert!(!text.contains("next_before"), "{text}");
    let read: History = serde_json::from_str(&text).unwrap();
    assert_eq!(read, history);
    // A page with older versions left names the `before` of the next one; a client that does
    // not know the field still reads the page.
    let paged = History {
        next_before: Some(2),
        ..history.clone()
    };
    let value = serde_json::to_value(&paged).unwrap();
    assert_eq!(value["next_before"], 2);
    assert_eq!(serde_json::from_value::<History>(value).unwrap(), paged);
    // A version without its hash is not a version.
    assert!(serde_json::from_value::<VersionInfo>(json!({"name": "shop", "version": 1})).is_err());
}

#[test]
fn roles_and_tokens_read_and_write_as_lowercase_words() {
    for role in [Role::Reader, Role::Publisher, Role::Admin] {
        assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        assert_eq!(serde_json::to_value(role).unwrap(), json!(role.to_string()));
    }
    assert!(Role::Reader < Role::Publisher && Role::Publisher < Role::Admin);
    let err = "owner".parse::<Role>().unwrap_err();
    assert!(
        err.contains("`owner`") && err.contains("publisher"),
        "{err}"
    );
    // A live token has no `revoked_at_ms` at all.
    let local = Token::local();
    let value = serde_json::to_value(TokenList {
        tokens: vec![local.clone()],
    })
    .unwrap();
    assert_eq!(
        value,
        json!({"tokens": [{"id": "local", "role": "admin", "label": "local",
                           "created_at_ms": 0, "created_by": "local"}]})
    );
    assert_eq!(
        serde_json::from_value::<TokenList>(value).unwrap().tokens,
        [local]
    );
}
