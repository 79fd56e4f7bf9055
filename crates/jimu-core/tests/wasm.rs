//! jimu-core compiled to wasm32 and run by wasm-bindgen-test under Node: the same engine
//! code, on the target the browser hosts use, gives the same bytes as the native run — for
//! every case of the conformance corpus (quotes, forms, settlement, ticket timelines), read at
//! run time through Node's `fs`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "../../../tests/runners/corpus.rs"]
mod corpus;

// Node's file system: the tests run under Node (wasm-bindgen-test's default), so the corpus is
// read as the native runner reads it, with nothing built in.
#[wasm_bindgen(module = "fs")]
extern "C" {
    #[wasm_bindgen(js_name = readFileSync, catch)]
    fn read_file_sync(path: &str, encoding: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = readdirSync, catch)]
    fn readdir_sync(path: &str) -> Result<Vec<String>, JsValue>;
}

/// The repository's `tests/` folder.
const TESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests");

fn read(path: &str) -> String {
    read_file_sync(&format!("{TESTS}/{path}"), "utf8")
        .unwrap_or_else(|err| panic!("cannot read tests/{path}: {err:?}"))
}

/// Every case of the corpus: the native expected file must come out of the wasm32 engine
/// unchanged.
#[wasm_bindgen_test]
fn the_whole_corpus_gives_the_native_bytes_on_wasm32() {
    let mut names: Vec<String> = readdir_sync(&format!("{TESTS}/conformance/cases"))
        .expect("the corpus's cases")
        .into_iter()
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 70,
        "the corpus lost its cases: {}",
        names.len()
    );
    let mut kinds = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for name in &names {
        let case: serde_json::Value =
            serde_json::from_str(&read(&format!("conformance/cases/{name}"))).unwrap();
        kinds.insert(case["kind"].as_str().unwrap_or("quote").to_owned());
        let actual = corpus::outcome(&case, &read);
        if actual != read(&format!("conformance/expected/{name}")) {
            failures.push(name.clone());
        }
    }
    assert!(failures.is_empty(), "differ on wasm32: {failures:?}");
    let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
    assert_eq!(kinds, ["form", "quote", "settle", "simulate"]);
}

#[wasm_bindgen_test]
fn hostile_input_never_traps() {
    let deep = "[".repeat(100_000);
    for text in [
        "",
        "null",
        deep.as_str(),
        "{\"schema_version\":1e400}",
        "\u{0}",
    ] {
        assert!(!jimu_core::validate_bundle(text).is_empty());
    }
}

#[wasm_bindgen_test]
fn expressions_compile_and_evaluate_on_wasm32() {
    use jimu_core::expr::{Expr, Scope, VarType};
    let scope = Scope::default()
        .with("region", VarType::String)
        .with("km", VarType::Number);
    let expr = Expr::compile("region == '北京' and ceil(km) > 3", &scope).unwrap();
    let context = serde_json::json!({"region": "北京", "km": 3.2}).into();
    let mut vm = zen_expression::vm::VM::new();
    assert_eq!(expr.evaluate(context, &mut vm).unwrap().to_string(), "true");
    let problems = Expr::compile("regoin == '北京'", &scope).unwrap_err();
    assert_eq!((problems[0].start, problems[0].end), (Some(0), Some(6)));
}
