//! Jimu's engine for JavaScript: the only crate that knows wasm-bindgen.
//!
//! It stays thin. Everything that crosses into JavaScript is a boundary type in [`types`],
//! converted `From` the core's types, so `jimu-core` never learns about JavaScript.
//! Amounts cross as decimal strings, so no JavaScript number ever rounds them.
//!
//! The API: [`Engine`] (a loaded bundle: quotes, forms, settlement, tickets, simulation) and
//! [`Ticket`]; failures throw a `JimuError` ([`error`]). The free functions `validate`, `quote`,
//! `schemaVersion` and `engineVersion` remain for one-shot use.

mod engine;
pub mod error;
mod input;
mod output;
pub mod types;

pub use engine::{Engine, Ticket};
use output::to_ts;
use tsify::Ts;
use types::{QuoteOutcome, ValidationReport};
use wasm_bindgen::prelude::*;

/// Checks a bundle given as JSON text; every problem comes back at once.
#[wasm_bindgen]
pub fn validate(bundle_json: &str) -> Result<Ts<ValidationReport>, JsValue> {
    Ok(to_ts(&ValidationReport::from(jimu_core::validate_bundle(
        bundle_json,
    )))?)
}

/// Prices a quote request (JSON text) against a bundle (JSON text). Problems with either
/// document are part of the answer (`status: "invalid"`), never an exception.
#[wasm_bindgen]
pub fn quote(bundle_json: &str, request_json: &str) -> Result<Ts<QuoteOutcome>, JsValue> {
    Ok(to_ts(&QuoteOutcome::from(jimu_core::quote_documents(
        bundle_json,
        request_json,
    )))?)
}

/// The bundle `schema_version` this engine reads.
#[wasm_bindgen(js_name = schemaVersion)]
pub fn schema_version() -> u32 {
    u32::try_from(jimu_core::SCHEMA_VERSION).unwrap_or(u32::MAX)
}

/// The engine's version (the crate version).
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
