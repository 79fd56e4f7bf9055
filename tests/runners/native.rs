#![cfg(not(target_arch = "wasm32"))]
//! The conformance corpus through the native engine: every case's outcome must equal its
//! expected file byte for byte. `cargo xtask bless` (JIMU_BLESS=1) rewrites the expected
//! files; a person reads the diff before committing it.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

/// The engine's JSON for one case: what every host must print for it.
fn run_case(case: &Value, dir: &Path) -> String {
    let bundle_file = case["bundle"]
        .as_str()
        .expect("case.bundle names a file in bundles/");
    let bundle =
        std::fs::read_to_string(dir.join("bundles").join(bundle_file)).expect("bundle file");
    let request = match (&case["request"], &case["request_text"]) {
        (Value::Null, Value::String(text)) => text.clone(),
        (request, Value::Null) => serde_json::to_string(request).expect("request serializes"),
        _ => panic!("a case has either `request` or `request_text`"),
    };
    let outcome = jimu_core::quote_documents(&bundle, &request);
    serde_json::to_string_pretty(&outcome).expect("outcome serializes") + "\n"
}

fn check(name: &str, actual: &str, expected_path: &Path) -> Option<String> {
    if std::env::var_os("JIMU_BLESS").is_some() {
        std::fs::write(expected_path, actual).expect("write expected file");
        return None;
    }
    match std::fs::read_to_string(expected_path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!(
            "{name}: outcome differs\n--- expected\n{expected}--- actual\n{actual}"
        )),
        Err(_) => Some(format!(
            "{name}: no expected file {}; run `cargo xtask bless`",
            expected_path.display()
        )),
    }
}

#[test]
fn conformance_corpus() {
    let dir = corpus();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
        .expect("tests/conformance/cases")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "the corpus lost its cases");
    let mut failures = Vec::new();
    for path in &names {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read case"))
            .expect("case is JSON");
        let actual = run_case(&case, &dir);
        if let Some(failure) = check(
            name,
            &actual,
            &dir.join("expected").join(format!("{name}.json")),
        ) {
            failures.push(failure);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
