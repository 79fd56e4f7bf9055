//! Jimu's rules engine: bundle JSON in, validated model, outcome out — with no IO and no clock.
//!
//! Every host (the configurator, the portal package, the sync server and the CLI) calls this
//! crate and nothing else for rules, so all of them give byte-for-byte the same answers.
//! Input never panics the engine: each problem comes back as a [`Problem`] with a JSON pointer,
//! a stable code and a message in zh-CN and en, and a caller gets all of them at once.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod btree;
mod bundle;
mod check;
pub mod clock;
pub mod expr;
pub mod format;
pub mod forms;
mod money;
mod predicate;
pub mod price;
mod problem;
mod quote;
mod reader;
mod schema_check;
// Natively the check prunes the generated schema; wasm32 builds in `build.rs`'s pruned copy.
#[cfg(not(target_arch = "wasm32"))]
mod schema_prune;
pub mod settle;
mod sort;
pub mod ticket;

pub use bundle::{Bundle, SCHEMA_VERSION, limits};
pub use money::{Currency, Rounding};
pub use price::{Adjustment, Outcome, Quote, QuoteContext, QuoteLine, TraceStep, Why, quote};
pub use problem::{Localized, Problem, ProblemCode, Severity};
pub use quote::{QuoteLineRequest, QuoteOutcome, QuoteRequest, Stage, quote_documents};
pub use reader::{hint_for, parse_json};

/// Validates a bundle given as JSON text and returns every problem found: errors, or the
/// warnings of a bundle that loads (empty when it has none).
pub fn validate_bundle(json: &str) -> Vec<Problem> {
    match Bundle::from_json(json) {
        Ok(bundle) => bundle.warnings().to_vec(),
        Err(problems) => problems,
    }
}
