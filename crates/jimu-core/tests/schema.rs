//! The checked-in JSON Schema (`schema/bundle.schema.json`) must equal the one generated from
//! the format types: a change to the types without regenerating it fails here.
//! `JIMU_BLESS=1 cargo test -p jimu-core --test schema` rewrites it (read the diff).
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

#[test]
fn checked_in_schema_matches_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/bundle.schema.json");
    let actual = serde_json::to_string_pretty(jimu_core::Bundle::json_schema()).unwrap() + "\n";
    if std::env::var_os("JIMU_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "schema/bundle.schema.json has drifted from the format types; run `cargo xtask bless` and review the diff"
    );
}

#[test]
fn the_schema_describes_the_current_version() {
    let schema = jimu_core::Bundle::json_schema();
    assert_eq!(schema["title"], "Jimu bundle");
    assert_eq!(schema["additionalProperties"], false);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        required.contains(&"schema_version") && required.contains(&"currency"),
        "{required:?}"
    );
}
