#![cfg(not(target_arch = "wasm32"))]
//! The conformance corpus through the native engine: every case's outcome (quotes, forms,
//! settlement, ticket timelines: see `corpus.rs`) must equal its expected file byte for byte.
//! `cargo xtask bless` (JIMU_BLESS=1) rewrites the expected files; a person reads the diff
//! before committing it.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

#[path = "corpus.rs"]
mod corpus;

/// The engine's JSON for one case: what every host must print for it.
fn run_case(case: &Value, dir: &Path) -> String {
    let tests = dir.join("..");
    corpus::outcome(case, &|path| {
        std::fs::read_to_string(tests.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
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

/// `(code, path)` of each problem, the shape `tests/bundles/invalid/*.expected.json` holds.
fn problem_pairs(text: &str) -> Vec<(String, String)> {
    jimu_core::validate_bundle(text)
        .into_iter()
        .map(|p| {
            assert!(
                !p.message.zh_cn.is_empty() && !p.message.en.is_empty(),
                "{p:?} lacks a message"
            );
            (p.code.as_str().to_owned(), p.path)
        })
        .collect()
}

/// Bundle files: `valid/` ones load without a single problem; each `invalid/NAME.json` reports
/// exactly the `[code, path]` list in `invalid/NAME.expected.json`, in order.
#[test]
fn bundle_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bundles");
    let list = |sub: &str| -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .map(|entries| entries.map(|e| e.expect("dir entry").path()).collect())
            .unwrap_or_default();
        files.retain(|p| {
            p.to_string_lossy().ends_with(".json")
                && !p.to_string_lossy().ends_with(".expected.json")
        });
        files.sort();
        files
    };
    let mut failures = Vec::new();
    for path in list("valid") {
        let problems = problem_pairs(&std::fs::read_to_string(&path).expect("read bundle"));
        if !problems.is_empty() {
            failures.push(format!(
                "{}: expected no problems, got {problems:?}",
                path.display()
            ));
        }
    }
    for path in list("invalid") {
        let actual = problem_pairs(&std::fs::read_to_string(&path).expect("read bundle"));
        let expected_path = path.with_extension("expected.json");
        // One `[code, path]` pair a line, so a diff reads like the list of problems.
        let lines: Vec<String> = actual
            .iter()
            .map(|pair| serde_json::to_string(pair).expect("serialize"))
            .collect();
        let actual_json = format!("[\n  {}\n]\n", lines.join(",\n  "));
        if std::env::var_os("JIMU_BLESS").is_some() {
            std::fs::write(&expected_path, &actual_json).expect("write expected");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual_json => {}
            Ok(expected) => failures.push(format!(
                "{}: problems differ\n--- expected\n{expected}--- actual\n{actual_json}",
                path.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no {}",
                path.display(),
                expected_path.display()
            )),
        }
        if actual.is_empty() {
            failures.push(format!(
                "{}: an invalid bundle reported nothing",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue "the bundle": one bundle with twenty distinct mistakes reports all twenty, each at its
/// own path, in both languages — structural mistakes in one section do not hide semantic
/// mistakes in the others.
#[test]
fn twenty_mistakes_are_twenty_problems() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/bundles/invalid/twenty-mistakes.json");
    let problems = jimu_core::validate_bundle(&std::fs::read_to_string(path).expect("read bundle"));
    assert_eq!(problems.len(), 20, "{problems:#?}");
    let mut paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 20, "each mistake has its own path");
    for p in &problems {
        assert!(p.is_error());
        assert!(
            !p.message.en.is_empty()
                && p.message
                    .zh_cn
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        );
    }
}

/// The editor-only section changes no outcome: the case run on a bundle with one has the very
/// bytes of the same case on the bundle without it (on every host that runs the corpus).
#[test]
fn an_editor_section_changes_no_outcome() {
    let expected = corpus().join("expected");
    let read = |name: &str| std::fs::read_to_string(expected.join(name)).expect("expected file");
    assert_eq!(
        read("editor-section-is-ignored.json"),
        read("pricing-double-11-inside-window.json")
    );
}
