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

/// On wasm32 the structural check reads the schema that `build.rs` builds in from the checked-in
/// file; natively it reads the one generated from the types. Both are pruned the same way, so
/// with the file matching the types (above) the two hosts check with the same schema.
#[test]
fn the_built_in_schema_is_the_one_checked_natively() {
    if std::env::var_os("JIMU_BLESS").is_some() {
        return; // the file is being rewritten; the next build builds it in again
    }
    let built_in: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/checked-schema.json"
    )))
    .unwrap();
    assert!(
        &built_in == jimu_core::Bundle::checked_schema(),
        "the schema built in for wasm32 differs from the one checked natively; run `cargo xtask bless` and review the diff"
    );
    // Pruned: the title and the descriptions are for people, not for the check.
    let full = jimu_core::Bundle::json_schema();
    assert!(full.get("title").is_some() && full.get("description").is_some());
    assert!(built_in.get("title").is_none() && built_in.get("description").is_none());
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
