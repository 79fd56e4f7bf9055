//! The editor-only section (`"editor": {...}`): what only the configurator keeps with a bundle.
//!
//! Node positions, collapsed groups and sample data (quote requests, orders, ticket scripts,
//! form inputs) travel inside the bundle so they are published, versioned and pulled with it,
//! but no engine reads them: a bundle prices, settles and runs tickets exactly the same with or
//! without this section. The structural check only requires an object; nothing inside it is
//! checked (the schema marks it `"x-jimu-check": "type-only"`, see `schema_prune.rs`), so a
//! newer configurator's keys, or a typo, never make a bundle invalid. The schema still
//! documents, loosely typed, the keys the configurator writes, for people and for tools.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The editor-only section, kept exactly as written (its keys in document order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Editor(pub Map<String, Value>);

impl Editor {
    /// The value under `key` (`layout`, `collapsed`, `samples`, or any other).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }
}

impl JsonSchema for Editor {
    fn schema_name() -> Cow<'static, str> {
        "Editor".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let named = |what: &str| json_schema!({ "type": "string", "description": format!("What the configurator lists this {what} as.") });
        json_schema!({
            "type": "object",
            "description": "What only the configurator needs: node positions, collapsed groups and sample data kept with the bundle. Engines ignore it, and validation only requires an object: keys not listed here (a newer configurator's) and values of other shapes never make a bundle invalid.",
            "x-jimu-check": "type-only",
            "properties": {
                "layout": {
                    "type": "object",
                    "description": "The flow designer's canvas, by flow id.",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "nodes": {
                                "type": "object",
                                "description": "Where each node is drawn, by node id.",
                                "additionalProperties": {
                                    "type": "object",
                                    "properties": {
                                        "x": { "type": "number" },
                                        "y": { "type": "number" }
                                    }
                                }
                            }
                        }
                    }
                },
                "collapsed": {
                    "type": "array",
                    "description": "The groups shown collapsed, as JSON pointers into the bundle (`/pricing/groups/0`).",
                    "items": { "type": "string" }
                },
                "samples": {
                    "type": "object",
                    "description": "Inputs the admin keeps to preview the rules with.",
                    "properties": {
                        "quotes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": named("quote request"),
                                    "request": { "type": "object", "description": "A quote request as `jimu quote` reads it: `{\"lines\": [...], \"context\": {...}}`." }
                                }
                            }
                        },
                        "orders": {
                            "type": "array",
                            "description": "Orders as `jimu settle` reads them, one object per order (the objects of its JSON Lines).",
                            "items": { "type": "object" }
                        },
                        "orders_csv": {
                            "type": "string",
                            "description": "Orders as CSV text with the columns `jimu settle` reads (a header row of order fields, `payees.<party>` columns, `|` between list entries)."
                        },
                        "tickets": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": named("ticket script"),
                                    "flow": { "type": "string", "description": "The id of the flow the script runs in." },
                                    "script": { "type": "object", "description": "A ticket script as `jimu simulate` reads it." }
                                }
                            }
                        },
                        "forms": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": named("form input"),
                                    "form": { "type": "string", "description": "The id of the form." },
                                    "values": { "type": "object", "description": "Field id → value, as `jimu form` reads them." },
                                    "role": { "type": "string", "description": "The role filling in the form (an id of `org.roles`)." },
                                    "context": { "type": "object", "description": "The form's context (`channel`, `region`, `now`, `user`), as `jimu form --context` reads it." }
                                }
                            }
                        }
                    }
                }
            }
        })
    }
}

/// Reads a structurally checked `editor` value: what `Editor`'s derived `Deserialize` gives.
pub(crate) fn read_editor(value: Value) -> super::read::Res<Editor> {
    match value {
        Value::Object(map) => Ok(Editor(map)),
        other => Err(super::read::invalid_type(&other, "a map")),
    }
}
