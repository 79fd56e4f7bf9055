//! Builds in the schema the structural check reads on wasm32: the checked-in
//! `schema/bundle.schema.json` (which `tests/schema.rs` holds equal to the types), pruned of the
//! keywords the check never reads and minified. Natively the check prunes the schema generated
//! from the types instead; the wasm build then needs no schema generator (schemars) at run time.

#[path = "src/schema_prune.rs"]
mod schema_prune;

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let source = manifest.join("../../schema/bundle.schema.json");
    println!("cargo::rerun-if-changed={}", source.display());
    println!("cargo::rerun-if-changed=src/schema_prune.rs");
    let text = std::fs::read_to_string(&source)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", source.display()));
    let schema: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", source.display()));
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("checked-schema.json");
    let pruned = schema_prune::pruned(&schema).to_string();
    std::fs::write(&out, pruned)
        .unwrap_or_else(|err| panic!("cannot write {}: {err}", out.display()));
}
