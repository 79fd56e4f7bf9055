//! The editor-only section (`"editor"`) changes nothing an engine computes: every bundle of the
//! corpora validates, quotes, evaluates forms, settles and runs tickets to the same bytes with
//! and without one — even one full of keys and shapes no configurator writes — and the only
//! thing checked about it is that it is an object.
#![cfg(not(target_arch = "wasm32"))]

use jimu_core::ticket::{Script, simulate};
use jimu_core::{Bundle, ProblemCode, validate_bundle};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".json") && !name.ends_with(".expected.json")
        })
        .collect();
    paths.sort();
    paths
}

/// An editor section as a configurator writes one (positions for every node of every flow,
/// collapsed groups, samples), plus what a newer or careless one might: unknown keys, a
/// position that is text, `collapsed` that is not a list, samples naming nothing that exists.
fn editor_for(doc: &Value) -> Value {
    let mut layout = serde_json::Map::new();
    for flow in doc["flows"].as_array().into_iter().flatten() {
        let mut nodes = serde_json::Map::new();
        for (i, node) in flow["nodes"].as_array().into_iter().flatten().enumerate() {
            if let Some(id) = node["id"].as_str() {
                nodes.insert(id.to_owned(), json!({"x": 40 + 180 * i, "y": 80.5}));
            }
        }
        if let Some(id) = flow["id"].as_str() {
            layout.insert(id.to_owned(), json!({ "nodes": nodes }));
        }
    }
    layout.insert(
        "no-such-flow".into(),
        json!({"nodes": {"n": {"x": "twelve"}}}),
    );
    json!({
        "layout": layout,
        "collapsed": ["/pricing/groups/0", "/nowhere", 7],
        "samples": {
            "quotes": [{"name": "两台", "request": {"lines": [{"item": "nope", "quantity": "-1"}]}}],
            "orders": [{"id": "o1", "amount": 100.5}],
            "orders_csv": "id,amount,colour\no1,100.00,red\n",
            "tickets": [{"name": "t", "flow": "missing", "script": {"commands": "none"}}],
            "forms": [{"name": "f", "form": "missing", "values": [], "role": "boss"}],
            "quotes-v2": {"anything": ["goes"]}
        },
        "colapsed": true,
        "version": 3
    })
}

/// `text` with an editor section added at the end (or `None` when it is not a JSON object).
fn with_editor(text: &str) -> Option<String> {
    let mut doc: Value = serde_json::from_str(text).ok()?;
    let editor = editor_for(&doc);
    doc.as_object_mut()?.insert("editor".into(), editor);
    Some(serde_json::to_string_pretty(&doc).unwrap())
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn validation_is_the_same_with_an_editor_section() {
    let mut compared = 0;
    for dir in [
        "tests/bundles/valid",
        "tests/bundles/invalid",
        "tests/conformance/bundles",
    ] {
        for path in files(dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(edited) = with_editor(&text) else {
                continue;
            };
            assert_eq!(
                json(&validate_bundle(&edited)),
                json(&validate_bundle(&text)),
                "{}",
                path.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 55, "{compared}");
}

#[test]
fn quotes_are_the_same_with_an_editor_section() {
    let dir = root().join("tests/conformance");
    let mut quoted = 0;
    for case in files("tests/conformance/cases") {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        let bundle =
            std::fs::read_to_string(dir.join("bundles").join(case["bundle"].as_str().unwrap()))
                .unwrap();
        let Some(edited) = with_editor(&bundle) else {
            continue;
        };
        let request = match &case["request_text"] {
            Value::String(text) => text.clone(),
            _ => json(&case["request"]),
        };
        let plain = jimu_core::quote_documents(&bundle, &request);
        quoted += usize::from(matches!(plain, jimu_core::QuoteOutcome::Quoted { .. }));
        assert_eq!(
            json(&jimu_core::quote_documents(&edited, &request)),
            json(&plain),
            "{}",
            case["description"]
        );
    }
    assert!(quoted > 30, "{quoted}");
}

/// Both versions of a valid bundle, loaded.
fn both(path: &Path) -> (Bundle, Bundle) {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = with_editor(&text).unwrap();
    let plain = Bundle::from_json(&text).unwrap();
    let edited = Bundle::from_json(&edited).unwrap();
    assert!(plain.doc().editor.is_none() && edited.doc().editor.is_some());
    (plain, edited)
}

#[test]
fn forms_settlement_and_tickets_are_the_same_with_an_editor_section() {
    let (mut forms, mut orders, mut tickets) = (0, 0, 0);
    for path in files("tests/bundles/valid") {
        let (plain, edited) = both(&path);
        for form in &plain.doc().forms {
            for role in [None, plain.doc().org.roles.first().map(|r| r.id.as_str())] {
                let values = json!({});
                let run = |b: &Bundle| {
                    json(&jimu_core::forms::evaluate(
                        b,
                        form.id.as_str(),
                        &values,
                        role,
                        &json!({"channel": "app", "now": "2026-11-11T10:00:00+08:00"}),
                    ))
                };
                assert_eq!(
                    run(&edited),
                    run(&plain),
                    "{} {}",
                    path.display(),
                    form.id.0
                );
                forms += 1;
            }
        }
        if !plain.doc().settlement.plans.is_empty() {
            let batch = [
                json!({"id": "o1", "amount": "1000.00", "channel": "store", "store": "s1",
                       "placed_at": "2026-03-05T10:00:00+08:00"}),
                json!({"id": "o2", "amount": "59.90", "channel": "online",
                       "placed_at": "2026-03-31T23:59:59+08:00"}),
                json!({"id": "o1", "amount": "1000.00", "channel": "store", "store": "s1",
                       "refund_of": "o1", "placed_at": "2026-03-05T10:00:00+08:00",
                       "refunded_at": "2026-04-02T09:00:00+08:00"}),
            ];
            let run = |b: &Bundle| {
                let mut splits = Vec::new();
                let statements = jimu_core::settle::settle_stream(
                    b,
                    batch
                        .iter()
                        .map(|o| jimu_core::settle::Order::from_json(o, None)),
                    true,
                    |_, split| {
                        splits.push(match split {
                            Ok(split) => json(split),
                            Err(problems) => json(&problems),
                        })
                    },
                );
                (splits, json(&statements))
            };
            assert_eq!(run(&edited), run(&plain), "{}", path.display());
            orders += 1;
        }
    }
    for (name, bundle) in [
        ("appliance-repair", "flow-appliance-repair"),
        ("notifications", "flow-notifications"),
        ("side-effects", "flow-side-effects"),
    ] {
        let (plain, edited) = both(&root().join(format!("tests/bundles/valid/{bundle}.json")));
        let text =
            std::fs::read_to_string(root().join(format!("tests/runners/scripts/{name}.json")))
                .unwrap();
        let script = Script::from_json(&text).unwrap();
        let run = |b: &Bundle| json(&simulate(b, &script.commands, script.until));
        assert_eq!(run(&edited), run(&plain), "{name}");
        tickets += 1;
    }
    assert!(
        forms >= 8 && orders >= 8 && tickets == 3,
        "{forms} {orders} {tickets}"
    );
}

#[test]
fn the_section_is_kept_as_written() {
    let text = r#"{"schema_version": 2, "currency": "CNY",
        "editor": {"samples": {"orders_csv": "id,amount\no1,1.00\n"}, "layout": {}, "zz": [1, {"b": 2, "a": 1}]}}"#;
    let bundle = Bundle::from_json(text).unwrap();
    let editor = bundle.doc().editor.as_ref().unwrap();
    let keys: Vec<&str> = editor.0.keys().map(String::as_str).collect();
    assert_eq!(keys, ["samples", "layout", "zz"]);
    assert_eq!(
        editor.get("samples").unwrap()["orders_csv"],
        "id,amount\no1,1.00\n"
    );
    // Written back, the section is the same JSON, keys in the same order.
    let written = serde_json::to_value(bundle.doc()).unwrap();
    assert_eq!(
        json(&written["editor"]),
        r#"{"samples":{"orders_csv":"id,amount\no1,1.00\n"},"layout":{},"zz":[1,{"b":2,"a":1}]}"#
    );
    // The checked schema sees only "an object"; the published one documents the keys.
    assert_eq!(
        Bundle::checked_schema()["$defs"]["Editor"],
        json!({"type": "object"})
    );
    let documented = &Bundle::json_schema()["$defs"]["Editor"]["properties"];
    for key in ["layout", "collapsed", "samples"] {
        assert!(documented.get(key).is_some(), "{key}");
    }
    for key in ["quotes", "orders", "orders_csv", "tickets", "forms"] {
        assert!(
            documented["samples"]["properties"].get(key).is_some(),
            "{key}"
        );
    }
}

#[test]
fn only_an_object_is_refused() {
    for (editor, found) in [
        (json!([]), "array"),
        (json!("layout"), "string"),
        (json!(null), "null"),
        (json!(3), "integer"),
    ] {
        // A wrong editor section is one problem, and does not hide the others' mistakes.
        let doc = json!({"schema_version": 2, "currency": "CNY", "editor": editor,
                         "catalog": [{"id": "a", "name": "A", "kind": "service", "unit": "u",
                                      "price": "1.00"},
                                     {"id": "a", "name": "A", "kind": "service", "unit": "u",
                                      "price": "1.00"}]});
        let problems = validate_bundle(&doc.to_string());
        let got: Vec<(ProblemCode, &str)> =
            problems.iter().map(|p| (p.code, p.path.as_str())).collect();
        assert_eq!(
            got,
            [
                (ProblemCode::WrongType, "/editor"),
                (ProblemCode::DuplicateId, "/catalog/1/id")
            ],
            "{found}: {problems:#?}"
        );
        assert!(
            problems[0].message.en.contains("object"),
            "{:?}",
            problems[0]
        );
    }
}
