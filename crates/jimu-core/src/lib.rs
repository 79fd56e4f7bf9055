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
mod tiers;

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

/// The `name` a bundle document gives itself: its top-level `name`, when the text is a JSON
/// object with a string there (whether or not the rest is a valid bundle).
pub fn bundle_name(json: &str) -> Option<String> {
    // A struct also reads from an array (its fields in order): only an object names itself.
    if !json.trim_start().starts_with('{') {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Named {
        #[serde(default)]
        name: Option<serde_json::Value>,
    }
    match serde_json::from_str::<Named>(json).ok()?.name? {
        serde_json::Value::String(name) => Some(name),
        _ => None,
    }
}

/// Validates a bundle about to be published as `name`: a `name-mismatch` error at `/name`
/// (first) when the document names itself otherwise, then every problem [`validate_bundle`]
/// finds. A bundle without a `name` may be published under any name.
pub fn validate_publish(json: &str, name: &str) -> Vec<Problem> {
    let mut problems = validate_bundle(json);
    if let Some(own) = bundle_name(json).filter(|own| own != name) {
        let mismatch = Problem::error(
            ProblemCode::NameMismatch,
            "/name",
            Localized::new(
                format!("方案的名称是「{own}」，却要发布为「{name}」"),
                format!("the bundle is named `{own}` but is being published as `{name}`"),
            ),
        )
        .with_hint(Localized::new(
            format!("以「{own}」发布它，或把它的 name 改为「{name}」"),
            format!("publish it as `{own}`, or change its `name` to `{name}`"),
        ));
        problems.insert(0, mismatch);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMED: &str = r#"{"schema_version":2,"name":"double-11","currency":"CNY","catalog":[]}"#;

    #[test]
    fn a_bundle_names_itself_by_its_top_level_name() {
        assert_eq!(bundle_name(NAMED).as_deref(), Some("double-11"));
        assert_eq!(bundle_name(r#"{"catalog":[{"name":"x"}]}"#), None);
        assert_eq!(bundle_name(r#"{"name":7}"#), None);
        assert_eq!(bundle_name("{ not json"), None);
        assert_eq!(bundle_name(r#"["name"]"#), None);
        // Read even when the rest is not a valid bundle.
        assert_eq!(
            bundle_name(r#"{"name":"shop","currency":"RMB"}"#).as_deref(),
            Some("shop")
        );
    }

    #[test]
    fn a_publish_under_another_name_is_one_more_error_naming_both() {
        assert!(validate_publish(NAMED, "double-11").is_empty());
        let problems = validate_publish(NAMED, "home-services");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let mismatch = &problems[0];
        assert_eq!(mismatch.code, ProblemCode::NameMismatch);
        assert_eq!(mismatch.code.as_str(), "name-mismatch");
        assert!(mismatch.is_error());
        assert_eq!(mismatch.path, "/name");
        for text in [&mismatch.message.zh_cn, &mismatch.message.en] {
            assert!(
                text.contains("double-11") && text.contains("home-services"),
                "{text}"
            );
        }
        // Listed with the bundle's own problems, first.
        let broken = r#"{"schema_version":2,"name":"a","currency":"RMB","catalog":[]}"#;
        let problems = validate_publish(broken, "b");
        assert_eq!(problems[0].code, ProblemCode::NameMismatch);
        assert!(problems.len() > 1, "{problems:?}");
        // Without a name, any name goes.
        let unnamed = r#"{"schema_version":2,"currency":"CNY","catalog":[]}"#;
        assert!(validate_publish(unnamed, "anything").is_empty());
    }
}
