//! The native timelines the package's `Engine.simulate` must match byte for byte: for each
//! script in tests/runners/scripts (listed with its bundle in
//! tests/conformance/simulate-cases.json), the JSON `jimu simulate --format json` prints (pretty, one
//! newline at the end) is kept in tests/conformance/simulate (`JIMU_BLESS=1` rewrites it), and
//! tests/runners/api.test.mjs holds the package to the same file.

use std::path::Path;

#[test]
fn simulate_expected_files_are_the_native_timelines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut failures = Vec::new();
    // Script → bundle of tests/bundles/valid, the list every host runs.
    let cases: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/conformance/simulate-cases.json")).unwrap(),
    )
    .unwrap();
    let mut scripts: Vec<String> = std::fs::read_dir(root.join("tests/runners/scripts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
        .collect();
    scripts.sort();
    let mut listed: Vec<String> = cases.keys().cloned().collect();
    listed.sort();
    assert_eq!(
        scripts, listed,
        "every script is in simulate-cases.json, and only they"
    );
    for (script, bundle) in &cases {
        let bundle = bundle.as_str().unwrap();
        let text =
            std::fs::read_to_string(root.join(format!("tests/runners/scripts/{script}.json")))
                .unwrap();
        let bundle_text =
            std::fs::read_to_string(root.join(format!("tests/bundles/valid/{bundle}.json")))
                .unwrap();
        let bundle = jimu_core::Bundle::from_json(&bundle_text).unwrap();
        let script_doc = jimu_core::ticket::Script::from_json(&text).unwrap();
        let timeline = jimu_core::ticket::simulate(&bundle, &script_doc.commands, script_doc.until);
        let actual = serde_json::to_string_pretty(&timeline).unwrap() + "\n";
        let expected_path = root.join(format!("tests/conformance/simulate/{script}.json"));
        if std::env::var_os("JIMU_BLESS").is_some() {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(_) => failures.push(format!("{script}: the timeline differs from its file")),
            Err(_) => failures.push(format!("{script}: no {}", expected_path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
