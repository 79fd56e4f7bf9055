//! Rust values to JavaScript values, JSON-compatible: `None` and unit become `null` (as in the
//! core's JSON), maps become plain objects, so `JSON.stringify` of an output prints the core's
//! JSON byte for byte.

use crate::error::Failure;
use crate::types::Localized;
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;

/// Serializes `value` for JavaScript.
pub fn to_js_value<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Failure> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| {
            Failure::single(
                "unrepresentable",
                "",
                Localized {
                    zh_cn: format!("结果无法转换为 JavaScript 值：{err}"),
                    en: format!("the result cannot become a JavaScript value: {err}"),
                },
            )
        })
}

/// Serializes `value` as its declared TypeScript type.
pub fn to_ts<T: Serialize + Tsify>(value: &T) -> Result<Ts<T>, Failure> {
    to_js_value(value).map(Ts::new_unchecked)
}
