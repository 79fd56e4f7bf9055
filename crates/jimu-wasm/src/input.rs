//! JavaScript inputs as JSON text: a string is taken as written (so syntax problems carry their
//! line and column), anything else goes through `JSON.stringify`, whose text the core's own
//! readers then read, so every problem is located by JSON pointer. Numbers pass through as
//! JavaScript writes them (a decimal string stays exact).

use crate::error::Failure;
use crate::types::Localized;
use jimu_core::Problem;
use serde_json::Value;
use wasm_bindgen::{JsCast as _, JsValue};

/// The JSON text of an input: the string itself, or the value stringified.
pub fn json_text(value: &JsValue, what: &str) -> Result<String, Failure> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    let not_json = |detail: String| {
        Failure::single(
            "not-json",
            "",
            Localized {
                zh_cn: format!("{what} 应为 JSON 文本或可写成 JSON 的对象{detail}"),
                en: format!("{what} must be JSON text or an object JSON can hold{detail}"),
            },
        )
    };
    match js_sys::JSON::stringify(value) {
        Ok(text) => text.as_string().ok_or_else(|| not_json(String::new())),
        Err(err) => {
            let detail = err
                .dyn_ref::<js_sys::Error>()
                .map(|e| format!(" ({})", String::from(e.message())))
                .unwrap_or_default();
            Err(not_json(detail))
        }
    }
}

/// An input that is JSON text or a value, parsed.
pub fn json_value(value: &JsValue, what: &str) -> Result<Result<Value, Vec<Problem>>, Failure> {
    json_text(value, what).map(|text| jimu_core::parse_json(&text))
}
