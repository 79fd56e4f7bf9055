//! The configurator's logic without a browser: reading the bundle text, turning the quantity
//! inputs into a quote request, pricing it with jimu-core and deciding what the page shows.
//!
//! Everything here is plain data in, plain data out, so it is unit-tested natively.

use crate::i18n::Key;
use jimu_core::format::catalog::Item as CatalogItem;
use jimu_core::{Bundle, Problem, Quote, QuoteRequest, Stage, quote};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The built-in example: a CNY home-services catalog.
pub const EXAMPLE_BUNDLE: &str = include_str!("example.json");

/// The quantity an item has until someone types another one.
pub const DEFAULT_QUANTITY: &str = "1";

/// The file name an exported bundle is saved under.
pub const EXPORT_FILE_NAME: &str = "jimu-bundle.json";

/// What is typed in each quantity input, by catalog item id (absent: [`DEFAULT_QUANTITY`]).
pub type Quantities = BTreeMap<String, String>;

/// The bundle text, read.
#[derive(Debug, Clone, PartialEq)]
pub enum BundleState {
    /// Nothing but whitespace has been entered.
    Empty,
    Invalid(Vec<Problem>),
    Valid(Box<Bundle>),
}

/// Reads the editor's text as a bundle.
pub fn read_bundle(text: &str) -> BundleState {
    if text.trim().is_empty() {
        return BundleState::Empty;
    }
    match Bundle::from_json(text) {
        Ok(bundle) => BundleState::Valid(Box::new(bundle)),
        Err(problems) => BundleState::Invalid(problems),
    }
}

/// The text of an item's quantity input.
pub fn quantity_of<'q>(quantities: &'q Quantities, item: &str) -> &'q str {
    quantities
        .get(item)
        .map_or(DEFAULT_QUANTITY, String::as_str)
}

/// The quote request for the quantity inputs: one line per catalog item, in catalog order,
/// so `/lines/<i>` of the request is the catalog's item `i`. Quantities are passed to the
/// engine as typed (minus surrounding spaces), so it is the engine that judges them.
pub fn request_json(bundle: &Bundle, quantities: &Quantities) -> Value {
    let lines: Vec<Value> = bundle
        .catalog()
        .iter()
        .map(
            |item| json!({ "item": item.id.as_str(), "quantity": quantity_of(quantities, item.id.as_str()).trim() }),
        )
        .collect();
    json!({ "lines": lines })
}

/// The outcome of pricing the quantity inputs against a valid bundle.
#[derive(Debug, Clone, PartialEq)]
pub enum Pricing {
    Quoted(Quote),
    Invalid {
        stage: Stage,
        problems: Vec<Problem>,
    },
}

/// Prices the quantity inputs against a bundle.
pub fn price(bundle: &Bundle, quantities: &Quantities) -> Pricing {
    let request = match QuoteRequest::from_value(&request_json(bundle, quantities), bundle) {
        Ok(request) => request,
        Err(problems) => {
            return Pricing::Invalid {
                stage: Stage::Request,
                problems,
            };
        }
    };
    match quote(bundle, &request) {
        Ok(quote) => Pricing::Quoted(quote),
        Err(problems) => Pricing::Invalid {
            stage: Stage::Quote,
            problems,
        },
    }
}

/// The overall state shown by the `#status` badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Empty,
    Valid,
    InvalidBundle,
    InvalidRequest,
    InvalidQuote,
}

impl Status {
    /// The value of the badge's `data-state` attribute.
    pub fn data_state(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Valid => "valid",
            Self::InvalidBundle | Self::InvalidRequest | Self::InvalidQuote => "invalid",
        }
    }

    pub fn key(self) -> Key {
        match self {
            Self::Empty => Key::StatusEmpty,
            Self::Valid => Key::StatusValid,
            Self::InvalidBundle => Key::StatusInvalidBundle,
            Self::InvalidRequest => Key::StatusInvalidRequest,
            Self::InvalidQuote => Key::StatusInvalidQuote,
        }
    }
}

pub fn status(bundle: &BundleState, pricing: Option<&Pricing>) -> Status {
    match (bundle, pricing) {
        (BundleState::Empty, _) => Status::Empty,
        (BundleState::Invalid(_), _) => Status::InvalidBundle,
        (
            BundleState::Valid(_),
            Some(Pricing::Invalid {
                stage: Stage::Request,
                ..
            }),
        ) => Status::InvalidRequest,
        (BundleState::Valid(_), Some(Pricing::Invalid { .. })) => Status::InvalidQuote,
        (BundleState::Valid(_), _) => Status::Valid,
    }
}

/// The problems to list, with the document they are about: the bundle's when it is
/// invalid, else those of pricing the quantities; `None` when there are none.
pub fn shown_problems<'a>(
    bundle: &'a BundleState,
    pricing: Option<&'a Pricing>,
) -> Option<(Stage, &'a [Problem])> {
    match (bundle, pricing) {
        (BundleState::Invalid(problems), _) if !problems.is_empty() => {
            Some((Stage::Bundle, problems))
        }
        (BundleState::Valid(_), Some(Pricing::Invalid { stage, problems }))
            if !problems.is_empty() =>
        {
            Some((*stage, problems))
        }
        _ => None,
    }
}

/// The heading of the problem list for a stage.
pub fn problems_heading(stage: Stage) -> Key {
    match stage {
        Stage::Bundle => Key::ProblemsInBundle,
        Stage::Request => Key::ProblemsInRequest,
        Stage::Quote => Key::ProblemsInQuote,
    }
}

/// The `data-stage` value of the problem list.
pub fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Bundle => "bundle",
        Stage::Request => "request",
        Stage::Quote => "quote",
    }
}

/// A JSON pointer as people read it: the whole document ("") is shown as "/".
pub fn display_path(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// The catalog item a request or quote problem is about (its path starts with `/lines/<i>`).
pub fn line_item<'b>(bundle: &'b Bundle, path: &str) -> Option<&'b CatalogItem> {
    let rest = path.strip_prefix("/lines/")?;
    let index = rest.split('/').next()?.parse::<usize>().ok()?;
    bundle.catalog().get(index)
}

/// The ids of the items whose quantity input has a problem.
pub fn invalid_items(bundle: &BundleState, pricing: Option<&Pricing>) -> BTreeSet<String> {
    let (BundleState::Valid(bundle), Some(Pricing::Invalid { problems, .. })) = (bundle, pricing)
    else {
        return BTreeSet::new();
    };
    problems
        .iter()
        .filter_map(|problem| line_item(bundle, &problem.path))
        .map(|item| item.id.0.clone())
        .collect()
}

/// `(lines, characters)` of the editor text, for the editor's status line.
pub fn text_stats(text: &str) -> (usize, usize) {
    (text.lines().count(), text.chars().count())
}

/// Re-indents JSON text with two spaces, keeping the fields in the order they were written
/// (the workspace's serde_json keeps insertion order). `None` if it is not JSON.
pub fn pretty_json(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let mut out = serde_json::to_string_pretty(&value).ok()?;
    out.push('\n');
    Some(out)
}

/// The text an export downloads: the bundle pretty-printed, or as typed if it is not JSON.
pub fn export_text(text: &str) -> String {
    pretty_json(text).unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jimu_core::ProblemCode;

    fn example() -> Bundle {
        match read_bundle(EXAMPLE_BUNDLE) {
            BundleState::Valid(bundle) => *bundle,
            other => panic!("the example bundle must be valid: {other:?}"),
        }
    }

    fn quantities(pairs: &[(&str, &str)]) -> Quantities {
        pairs
            .iter()
            .map(|(id, q)| ((*id).to_owned(), (*q).to_owned()))
            .collect()
    }

    fn problems_of(pricing: &Pricing) -> Vec<(Stage, ProblemCode, &str)> {
        match pricing {
            Pricing::Quoted(quote) => panic!("expected problems, got {quote:?}"),
            Pricing::Invalid { stage, problems } => problems
                .iter()
                .map(|p| (*stage, p.code, p.path.as_str()))
                .collect(),
        }
    }

    #[test]
    fn the_example_is_a_cny_catalog_of_services_and_parts() {
        let bundle = example();
        assert_eq!(bundle.currency().code, "CNY");
        let ids: Vec<&str> = bundle
            .catalog()
            .iter()
            .map(|item| item.id.as_str())
            .collect();
        assert_eq!(ids, ["ac-clean", "call-out", "filter"]);
        assert_eq!(
            bundle.catalog()[0].name.localized().get("zh-CN"),
            "空调清洗"
        );
        assert_eq!(
            bundle.catalog()[0].name.localized().get("en"),
            "AC cleaning"
        );
    }

    #[test]
    fn default_quantities_price_one_of_each_item() {
        let Pricing::Quoted(quote) = price(&example(), &Quantities::new()) else {
            panic!("the example must price");
        };
        let amounts: Vec<String> = quote.lines.iter().map(|l| l.amount.to_string()).collect();
        assert_eq!(amounts, ["120.00", "30.00", "0.13"]);
        assert_eq!(quote.subtotal.to_string(), "150.13");
        assert_eq!(quote.total.to_string(), "150.13");
        assert_eq!(quote.currency, "CNY");
    }

    #[test]
    fn typed_quantities_are_used_and_trimmed() {
        let q = quantities(&[("ac-clean", " 2 "), ("call-out", "0")]);
        let Pricing::Quoted(quote) = price(&example(), &q) else {
            panic!("must price");
        };
        assert_eq!(quote.total.to_string(), "240.13");
        assert_eq!(quote.lines[1].amount.to_string(), "0.00");
    }

    #[test]
    fn the_request_has_one_line_per_item_in_catalog_order() {
        let q = quantities(&[("filter", "3.5")]);
        assert_eq!(
            request_json(&example(), &q),
            json!({ "lines": [
                { "item": "ac-clean", "quantity": "1" },
                { "item": "call-out", "quantity": "1" },
                { "item": "filter", "quantity": "3.5" },
            ]})
        );
    }

    #[test]
    fn a_non_numeric_quantity_is_a_request_problem_at_its_line() {
        let pricing = price(&example(), &quantities(&[("ac-clean", "abc")]));
        assert_eq!(
            problems_of(&pricing),
            [(
                Stage::Request,
                ProblemCode::InvalidDecimal,
                "/lines/0/quantity"
            )]
        );
    }

    #[test]
    fn negative_and_empty_quantities_are_reported_together() {
        let pricing = price(
            &example(),
            &quantities(&[("call-out", "-1"), ("filter", "")]),
        );
        assert_eq!(
            problems_of(&pricing),
            [
                (Stage::Request, ProblemCode::Negative, "/lines/1/quantity"),
                (
                    Stage::Request,
                    ProblemCode::InvalidDecimal,
                    "/lines/2/quantity"
                ),
            ]
        );
        let bundle = BundleState::Valid(Box::new(example()));
        assert_eq!(status(&bundle, Some(&pricing)), Status::InvalidRequest);
        assert_eq!(Status::InvalidRequest.data_state(), "invalid");
        let invalid: Vec<String> = invalid_items(&bundle, Some(&pricing)).into_iter().collect();
        assert_eq!(invalid, ["call-out", "filter"]);
        let (stage, shown) = shown_problems(&bundle, Some(&pricing)).expect("problems are shown");
        assert_eq!((stage_name(stage), shown.len()), ("request", 2));
    }

    #[test]
    fn status_follows_the_text() {
        assert_eq!(read_bundle("  \n "), BundleState::Empty);
        assert_eq!(status(&BundleState::Empty, None), Status::Empty);
        assert_eq!(Status::Empty.data_state(), "empty");

        let invalid = read_bundle("{");
        assert_eq!(status(&invalid, None), Status::InvalidBundle);
        let (stage, problems) = shown_problems(&invalid, None).expect("problems are shown");
        assert_eq!(stage, Stage::Bundle);
        assert_eq!(problems[0].code, ProblemCode::JsonSyntax);
        assert_eq!(display_path(&problems[0].path), "/");
        assert!(problems[0].line.is_some());

        let valid = BundleState::Valid(Box::new(example()));
        let pricing = price(&example(), &Quantities::new());
        assert_eq!(status(&valid, Some(&pricing)), Status::Valid);
        assert_eq!(Status::Valid.data_state(), "valid");
        assert!(shown_problems(&valid, Some(&pricing)).is_none());
        assert!(invalid_items(&valid, Some(&pricing)).is_empty());
    }

    #[test]
    fn bundle_problems_keep_their_pointers() {
        let state = read_bundle(
            r#"{"schema_version":1,"currency":"CNY","catalog":[{"id":"a","name":"A","kind":"service","price":"-1"}]}"#,
        );
        let (_, problems) = shown_problems(&state, None).expect("problems are shown");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code.to_string(), "negative");
        assert_eq!(display_path(&problems[0].path), "/catalog/0/price");
    }

    #[test]
    fn line_item_maps_request_paths_to_catalog_items() {
        let bundle = example();
        assert_eq!(
            line_item(&bundle, "/lines/2/quantity").map(|i| i.id.as_str()),
            Some("filter")
        );
        assert_eq!(
            line_item(&bundle, "/lines/1").map(|i| i.id.as_str()),
            Some("call-out")
        );
        assert!(line_item(&bundle, "/lines/9/quantity").is_none());
        assert!(line_item(&bundle, "/lines/x/quantity").is_none());
        assert!(line_item(&bundle, "/catalog/0/price").is_none());
        assert!(line_item(&bundle, "").is_none());
    }

    #[test]
    fn pretty_json_keeps_field_order_and_meaning() {
        let compact = r#"{"schema_version":1,"name":"a \"q\" {x}, [y]: z","catalog":[],"o":{},"n":[1, 2,{"k":null}]}"#;
        let pretty = pretty_json(compact).expect("valid JSON");
        assert_eq!(
            pretty,
            "{\n  \"schema_version\": 1,\n  \"name\": \"a \\\"q\\\" {x}, [y]: z\",\n  \"catalog\": [],\n  \"o\": {},\n  \"n\": [\n    1,\n    2,\n    {\n      \"k\": null\n    }\n  ]\n}\n"
        );
        let before: Value = serde_json::from_str(compact).expect("valid");
        let after: Value = serde_json::from_str(&pretty).expect("still valid");
        assert_eq!(before, after);
        assert_eq!(
            pretty_json(&pretty).as_deref(),
            Some(pretty.as_str()),
            "idempotent"
        );
    }

    #[test]
    fn formatting_the_example_keeps_the_bundle() {
        let pretty = pretty_json(EXAMPLE_BUNDLE).expect("valid");
        assert_eq!(read_bundle(&pretty), read_bundle(EXAMPLE_BUNDLE));
    }

    #[test]
    fn export_keeps_text_that_is_not_json() {
        assert_eq!(export_text("{oops"), "{oops");
        assert_eq!(export_text(r#"{"a":1}"#), "{\n  \"a\": 1\n}\n");
    }

    #[test]
    fn text_stats_count_lines_and_characters() {
        assert_eq!(text_stats(""), (0, 0));
        assert_eq!(text_stats("空调\n{}"), (2, 5));
    }
}
