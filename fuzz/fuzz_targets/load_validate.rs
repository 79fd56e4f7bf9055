//! Fuzz target: arbitrary bytes through bundle load, validation and quoting must never panic,
//! and every outcome must keep the engine's stated invariants.
//!
//! Input layout: the bytes are read as UTF-8 (invalid sequences become U+FFFD) and split at
//! the first NUL into a bundle text and a request text (no NUL: the request text is empty).
//! Run it as described in the README's "Fuzzing" section.

#![no_main]

use jimu_core::{Bundle, Problem, ProblemCode, QuoteOutcome, QuoteRequest, Stage};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

fuzz_target!(|data: &[u8]| {
    let (bundle_bytes, request_bytes) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let bundle_text = String::from_utf8_lossy(bundle_bytes);
    let request_text = String::from_utf8_lossy(request_bytes);
    check(&bundle_text, &request_text);
});

fn check(bundle_text: &str, request_text: &str) {
    // Validation and loading agree, and an invalid bundle always says why.
    let problems = jimu_core::validate_bundle(bundle_text);
    let loaded = Bundle::from_json(bundle_text);
    assert_eq!(
        problems.is_empty(),
        loaded.is_ok(),
        "validate_bundle and Bundle::from_json disagree"
    );
    check_problems(&problems);
    if !problems.is_empty() {
        assert!(
            problems.iter().any(Problem::is_error),
            "a bundle is rejected with warnings only"
        );
    }
    if let Err(load_problems) = &loaded {
        assert_eq!(
            &problems, load_problems,
            "validate_bundle reports other problems than Bundle::from_json"
        );
    }

    let outcome = jimu_core::quote_documents(bundle_text, request_text);
    // Pure logic: the same input gives the same answer.
    assert_eq!(
        outcome,
        jimu_core::quote_documents(bundle_text, request_text),
        "quote_documents is not deterministic"
    );

    match (&loaded, &outcome) {
        (Err(load_problems), QuoteOutcome::Invalid { stage, problems }) => {
            assert_eq!(
                *stage,
                Stage::Bundle,
                "an invalid bundle is reported at another stage"
            );
            assert_eq!(
                problems, load_problems,
                "bundle problems differ from validation's"
            );
        }
        (Err(_), QuoteOutcome::Quoted { .. }) => panic!("an invalid bundle produced a quote"),
        (Ok(bundle), QuoteOutcome::Invalid { stage, problems }) => {
            assert_ne!(
                *stage,
                Stage::Bundle,
                "a valid bundle is reported as invalid"
            );
            assert!(!problems.is_empty(), "an invalid outcome without problems");
            check_problems(problems);
            if *stage == Stage::Request {
                assert!(
                    QuoteRequest::from_json(request_text, bundle).is_err(),
                    "a readable request is reported invalid at the request stage"
                );
            }
        }
        (Ok(bundle), QuoteOutcome::Quoted { quote }) => {
            let request = QuoteRequest::from_json(request_text, bundle)
                .expect("a quoted request must read on its own");
            let places = bundle.currency().precision;
            assert_eq!(quote.currency, bundle.currency().code);
            assert!(
                quote.lines.len() >= request.lines.len(),
                "a requested line was lost"
            );
            let mut sum = Decimal::ZERO;
            for (i, line) in quote.lines.iter().enumerate() {
                assert!(
                    !line.amount.is_sign_negative(),
                    "negative amount {}",
                    line.amount
                );
                assert_eq!(
                    line.amount.scale(),
                    places,
                    "amount {} not at precision",
                    line.amount
                );
                sum += line.amount;
                // Requested lines come first, in order, and list at price × quantity; lines
                // after them were added by rules.
                let Some(asked) = request.lines.get(i) else {
                    assert!(line.added_by.is_some(), "an extra line no rule added");
                    continue;
                };
                assert_eq!(line.item, asked.item, "lines are out of order");
                assert_eq!(line.quantity, asked.quantity);
                assert!(line.added_by.is_none());
                let item = bundle
                    .item(&line.item)
                    .expect("a quoted item is in the catalog");
                assert_eq!(line.unit_price, item.price.0);
                let exact = line.unit_price * line.quantity;
                assert_eq!(
                    line.list_amount,
                    bundle.rounding().round(exact, places),
                    "list amount is not the rounded price × quantity"
                );
            }
            assert_eq!(quote.subtotal, sum, "subtotal is not the sum of the line amounts");
            let mut total = quote.subtotal;
            for adjustment in &quote.adjustments {
                assert_eq!(adjustment.amount.scale(), places);
                total += adjustment.amount;
            }
            assert_eq!(quote.total, total.max(Decimal::ZERO), "total is not subtotal + adjustments");
            assert_eq!(
                quote.total.scale(),
                places,
                "total {} not at precision",
                quote.total
            );
        }
    }

    // The wire form every host prints: it serializes, and says what the enum says.
    let json = serde_json::to_string(&outcome).expect("an outcome always serializes");
    let wire: Value = serde_json::from_str(&json).expect("the outcome's JSON parses back");
    match &outcome {
        QuoteOutcome::Quoted { quote } => {
            assert_eq!(wire["status"], "quoted");
            let total = wire["quote"]["total"].as_str().expect("total is a string");
            assert_eq!(Decimal::from_str(total).ok(), Some(quote.total));
            assert_eq!(total, quote.total.to_string());
            let lines = wire["quote"]["lines"]
                .as_array()
                .expect("lines is an array");
            assert_eq!(lines.len(), quote.lines.len());
            for (wire_line, line) in lines.iter().zip(&quote.lines) {
                assert_eq!(
                    wire_line["amount"].as_str(),
                    Some(line.amount.to_string().as_str())
                );
            }
        }
        QuoteOutcome::Invalid { problems, .. } => {
            assert_eq!(wire["status"], "invalid");
            let wire_problems = wire["problems"].as_array().expect("problems is an array");
            assert_eq!(wire_problems.len(), problems.len());
            for (wire_problem, problem) in wire_problems.iter().zip(problems) {
                assert_eq!(wire_problem["path"].as_str(), Some(problem.path.as_str()));
                assert_eq!(wire_problem["code"].as_str(), Some(problem.code.as_str()));
                let back: Problem = serde_json::from_value(wire_problem.clone())
                    .expect("a problem reads back from its JSON");
                assert_eq!(&back, problem, "a problem does not round-trip through JSON");
            }
        }
    }
}

/// What every reported problem promises: a JSON pointer, words in both languages, a position
/// only for syntax errors, and a printable form.
fn check_problems(problems: &[Problem]) {
    for problem in problems {
        assert!(
            problem.path.is_empty() || problem.path.starts_with('/'),
            "path {:?} is not a JSON pointer",
            problem.path
        );
        assert!(!problem.message.en.is_empty() && !problem.message.zh_cn.is_empty());
        assert_eq!(
            problem.line.is_some(),
            problem.column.is_some(),
            "line and column come together"
        );
        if problem.line.is_some() {
            assert_eq!(
                problem.code,
                ProblemCode::JsonSyntax,
                "only syntax errors carry a position"
            );
        }
        assert_eq!(
            problem.start.is_some(),
            problem.end.is_some(),
            "start and end come together"
        );
        if let (Some(start), Some(end)) = (problem.start, problem.end) {
            assert!(start <= end, "range {start}..{end} is backwards");
        }
        if problem.code == ProblemCode::JsonSyntax {
            assert_eq!(
                problems.len(),
                1,
                "a syntax error is the only problem reported"
            );
            assert_eq!(
                problem.path, "",
                "a syntax error is about the whole document"
            );
        }
        let _ = problem.to_string();
    }
}
