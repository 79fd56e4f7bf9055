//! jimu-core compiled to wasm32 and run by wasm-bindgen-test under Node: the same engine
//! code, on the target the browser hosts use, gives the same bytes as the native run.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

const CORPUS_BUNDLE: &str = include_str!("../../../tests/conformance/bundles/home-services.json");

/// One corpus case: the native expected file must come out of the wasm32 engine unchanged.
fn check(bundle: &str, request: &str, expected: &str) {
    let outcome = jimu_core::quote_documents(bundle, request);
    let actual = serde_json::to_string_pretty(&outcome).unwrap() + "\n";
    assert_eq!(actual, expected);
}

#[wasm_bindgen_test]
fn mixed_lines_price_identically_on_wasm32() {
    check(
        CORPUS_BUNDLE,
        r#"{"lines":[{"item":"call-out","quantity":"1"},{"item":"repair-labour","quantity":"1.5"},{"item":"filter-mesh","quantity":"3"},{"item":"compressor","quantity":"1"}]}"#,
        include_str!("../../../tests/conformance/expected/repair-visit-mixed-lines.json"),
    );
}

#[wasm_bindgen_test]
fn every_bundle_problem_is_reported_identically_on_wasm32() {
    check(
        include_str!("../../../tests/conformance/bundles/many-problems.json"),
        r#"{"lines":[]}"#,
        include_str!("../../../tests/conformance/expected/bundle-many-problems.json"),
    );
}

#[wasm_bindgen_test]
fn syntax_errors_keep_their_line_and_column_on_wasm32() {
    check(
        include_str!("../../../tests/conformance/bundles/trailing-comma.json"),
        r#"{"lines":[]}"#,
        include_str!("../../../tests/conformance/expected/bundle-trailing-comma.json"),
    );
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
