//! The schema the structural check reads: the format's JSON Schema without the keywords the
//! check never looks at (`description`, `title`, `default`, `examples`, `$schema`).
//!
//! Shared by the library (natively it prunes the schema generated from the types) and by
//! `build.rs` (which prunes the checked-in `schema/bundle.schema.json` for wasm32, so the
//! schema generator stays out of the shipped wasm). Both give the same value when the
//! checked-in file matches the types, which `tests/schema.rs` holds.
//!
//! A schema marked `"x-jimu-check": "type-only"` (the editor-only section) documents its
//! contents for people and tools, but the check reads only its `type`: everything inside such a
//! value is accepted.

use serde_json::{Map, Value};

/// Keywords for people and tools, not for the check.
const NOT_CHECKED: &[&str] = &["description", "title", "default", "examples", "$schema"];

/// The marker of a schema whose `type` alone is checked, and its value.
const TYPE_ONLY: (&str, &str) = ("x-jimu-check", "type-only");

/// `schema` without the keywords the structural check never reads. Values of other keywords
/// (`const`, `enum`, `required`, …) are kept as they are; only subschemas are pruned.
pub fn pruned(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if map.get(TYPE_ONLY.0).and_then(Value::as_str) == Some(TYPE_ONLY.1) {
        let mut out = Map::new();
        if let Some(types) = map.get("type") {
            out.insert("type".to_owned(), types.clone());
        }
        return Value::Object(out);
    }
    let mut out = Map::new();
    for (key, value) in map {
        if NOT_CHECKED.contains(&key.as_str()) {
            continue;
        }
        let value = match key.as_str() {
            // Maps of names to subschemas.
            "properties" | "$defs" | "definitions" | "patternProperties" => match value {
                Value::Object(named) => Value::Object(
                    named
                        .iter()
                        .map(|(name, sub)| (name.clone(), pruned(sub)))
                        .collect(),
                ),
                other => other.clone(),
            },
            // One subschema.
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames" => pruned(value),
            // Lists of subschemas.
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => match value {
                Value::Array(list) => Value::Array(list.iter().map(pruned).collect()),
                other => other.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}
