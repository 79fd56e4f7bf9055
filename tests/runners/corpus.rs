//! One conformance case's outcome as the Rust hosts compute it (natively in `native.rs`, on
//! wasm32 in `crates/jimu-core/tests/wasm.rs`); `wasm.test.mjs` computes the same through the
//! wasm package. Every host must write exactly the bytes of `expected/<case>.json`.
//!
//! A case (`cases/<name>.json`) has a `description` (the scenario, with its numbers worked out
//! by hand), a `bundle` (a path from `conformance/bundles/`: `home-services.json`, or
//! `../../bundles/valid/flow-ac-installation.json`) and, by its `kind`:
//!
//! - `quote` (the default): `request` (or `request_text`, kept as written); the outcome is
//!   `quote_documents`'s. `expect_total` checks the total apart from the blessed file.
//! - `form`: `request`, `{"form", "values", "role"?, "context"?}`; the outcome is
//!   `{"status": "evaluated", "evaluation"}` or `{"status": "invalid", "problems"}`.
//!   `expect_valid` checks whether the values pass.
//! - `settle`: `orders` (JSON Lines records as an array); the outcome is
//!   `{"results": [{"status": "settled", "split"} | {"status": "invalid", "problems"}],
//!   "statements": [...]}` (the package's `settleBatch` answer without its summary).
//!   `expect_totals` checks statement totals by `"payee period"`.
//! - `simulate`: `script` (a script object, or a path from `conformance/`:
//!   `../runners/scripts/appliance-repair.json`); the outcome is the timeline.

use serde_json::{Value, json};

/// The path under `tests/` of a file a case names from `dir` (a folder under `tests/`).
pub fn path_of(name: &str, dir: &str) -> String {
    format!("{dir}/{name}")
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("outcome serializes") + "\n"
}

/// The outcome of `case`, reading the files it names with `read` (a path under `tests/`).
pub fn outcome(case: &Value, read: &dyn Fn(&str) -> String) -> String {
    let description = &case["description"];
    let bundle_file = case["bundle"].as_str().expect("case.bundle names a file");
    let bundle_text = read(&path_of(bundle_file, "conformance/bundles"));
    let kind = case["kind"].as_str().unwrap_or("quote");
    if kind == "quote" {
        let request = match (&case["request"], &case["request_text"]) {
            (Value::Null, Value::String(text)) => text.clone(),
            (request, Value::Null) => serde_json::to_string(request).expect("request serializes"),
            _ => panic!("a case has either `request` or `request_text`"),
        };
        let outcome = jimu_core::quote_documents(&bundle_text, &request);
        // A case may state its total outright, so the number a person worked out by hand is
        // checked apart from the blessed snapshot.
        if let Some(total) = case["expect_total"].as_str() {
            match &outcome {
                jimu_core::QuoteOutcome::Quoted { quote } => {
                    assert_eq!(quote.total.to_string(), total, "{description}")
                }
                other => panic!("expected a total of {total}, got {other:?}"),
            }
        }
        return pretty(&outcome);
    }
    let bundle = jimu_core::Bundle::from_json(&bundle_text)
        .unwrap_or_else(|problems| panic!("{bundle_file}: {problems:#?}"));
    match kind {
        "form" => {
            let evaluated = jimu_core::forms::FormRequest::from_value(&bundle, &case["request"])
                .and_then(|request| request.evaluate(&bundle));
            if let Some(valid) = case["expect_valid"].as_bool() {
                let got = evaluated.as_ref().map(|e| e.valid).ok();
                assert_eq!(got, Some(valid), "{description}");
            }
            pretty(&match evaluated {
                Ok(evaluation) => json!({"status": "evaluated", "evaluation": evaluation}),
                Err(problems) => json!({"status": "invalid", "problems": problems}),
            })
        }
        "settle" => {
            let orders = case["orders"].as_array().expect("case.orders is an array");
            let mut results = Vec::with_capacity(orders.len());
            let statements = jimu_core::settle::settle_stream(
                &bundle,
                orders
                    .iter()
                    .map(|order| jimu_core::settle::Order::from_json(order, None)),
                true,
                |_, result| {
                    results.push(match result {
                        Ok(split) => json!({"status": "settled", "split": split}),
                        Err(problems) => json!({"status": "invalid", "problems": problems}),
                    })
                },
            );
            if let Some(expected) = case["expect_totals"].as_object() {
                for (key, total) in expected {
                    let got = statements
                        .iter()
                        .find(|s| format!("{} {}", s.payee, s.period) == *key)
                        .map(|s| s.total.to_string());
                    assert_eq!(got.as_deref(), total.as_str(), "{key}: {description}");
                }
            }
            pretty(&json!({"results": results, "statements": statements}))
        }
        "simulate" => {
            let text = match &case["script"] {
                Value::String(file) => read(&path_of(file, "conformance")),
                script => script.to_string(),
            };
            let script = jimu_core::ticket::Script::from_json(&text)
                .unwrap_or_else(|problems| panic!("script: {problems:#?}"));
            pretty(&jimu_core::ticket::simulate(
                &bundle,
                &script.commands,
                script.until,
            ))
        }
        other => panic!("unknown case kind `{other}`"),
    }
}
