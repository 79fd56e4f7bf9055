//! Quotes: a list of catalog items with quantities in, priced lines and totals out.

use crate::bundle::Bundle;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{
    DecimalRules, Diagnostics, ObjectReader, Pointer, did_you_mean, parse_json, read_array,
    read_decimal, read_str,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

/// Quantities are below one billion with at most six decimals (hours, km, kg).
const QUANTITY_RULES: DecimalRules = DecimalRules {
    allow_number: true,
    allow_negative: false,
    max_scale: 6,
    max_abs: Decimal::from_parts(1_000_000_000, 0, 0, false, 0),
};

/// What a caller asks to be priced.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteRequest {
    pub lines: Vec<QuoteLineRequest>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuoteLineRequest {
    pub item: String,
    pub quantity: Decimal,
}

/// A priced answer. Amounts are serialized as decimal strings at the currency's precision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub currency: &'static str,
    pub lines: Vec<QuoteLine>,
    #[serde(with = "rust_decimal::serde::str")]
    pub subtotal: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteLine {
    pub item: String,
    pub name: Localized,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

impl QuoteRequest {
    /// Reads a request from JSON text, checking every item against the bundle's catalog.
    pub fn from_json(text: &str, bundle: &Bundle) -> Result<Self, Vec<Problem>> {
        let value = parse_json(text)?;
        Self::from_value(&value, bundle)
    }

    pub fn from_value(value: &Value, bundle: &Bundle) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let request = read_request(value, bundle, &mut diag);
        diag.finish(request)
    }
}

fn read_request(value: &Value, bundle: &Bundle, diag: &mut Diagnostics) -> Option<QuoteRequest> {
    let obj = ObjectReader::open(value, &Pointer::root(), &["lines"], diag)?;
    let (lines_value, lines_at) = obj.required("lines", diag)?;
    let entries = read_array(lines_value, &lines_at, diag)?;
    let mut lines = Vec::with_capacity(entries.len());
    let mut complete = true;
    for (i, entry) in entries.iter().enumerate() {
        match read_line(entry, &lines_at.index(i), bundle, diag) {
            Some(line) => lines.push(line),
            None => complete = false,
        }
    }
    complete.then_some(QuoteRequest { lines })
}

fn read_line(
    value: &Value,
    at: &Pointer,
    bundle: &Bundle,
    diag: &mut Diagnostics,
) -> Option<QuoteLineRequest> {
    let obj = ObjectReader::open(value, at, &["item", "quantity"], diag)?;
    let item = obj.required("item", diag).and_then(|(v, at)| {
        let id = read_str(v, &at, diag)?;
        if bundle.item(id).is_some() {
            return Some(id.to_owned());
        }
        let mut problem = Problem::error(
            ProblemCode::UnknownItem,
            at.as_str(),
            Localized::new(
                format!("价目表中没有「{id}」"),
                format!("no item `{id}` in the catalog"),
            ),
        );
        if let Some(hint) = did_you_mean(id, bundle.item_ids()) {
            problem = problem.with_hint(hint);
        }
        diag.push(problem);
        None
    });
    let quantity = obj
        .required("quantity", diag)
        .and_then(|(v, at)| read_decimal(v, &at, QUANTITY_RULES, diag));
    Some(QuoteLineRequest {
        item: item?,
        quantity: quantity?,
    })
}

/// Prices a request. Each line is `unit price × quantity` rounded to the currency's
/// precision with the bundle's rounding; the subtotal is the sum of the rounded lines.
pub fn quote(bundle: &Bundle, request: &QuoteRequest) -> Result<Quote, Vec<Problem>> {
    let precision = bundle.currency().precision;
    let mut diag = Diagnostics::default();
    let mut lines = Vec::with_capacity(request.lines.len());
    let mut subtotal = Some(Decimal::ZERO);
    for (i, line) in request.lines.iter().enumerate() {
        let at = Pointer::root().key("lines").index(i);
        let Some(item) = bundle.item(&line.item) else {
            diag.error(
                ProblemCode::UnknownItem,
                &at.key("item"),
                Localized::new(
                    format!("价目表中没有「{}」", line.item),
                    format!("no item `{}` in the catalog", line.item),
                ),
            );
            continue;
        };
        let Some(amount) = item.price.0.checked_mul(line.quantity) else {
            overflow(&mut diag, &at);
            continue;
        };
        let amount = bundle.rounding().round(amount, precision);
        subtotal = subtotal.and_then(|sum| sum.checked_add(amount));
        if subtotal.is_none() {
            overflow(&mut diag, &at);
        }
        lines.push(QuoteLine {
            item: item.id.0.clone(),
            name: item.name.localized(),
            quantity: line.quantity,
            unit_price: item.price.0,
            amount,
        });
    }
    let subtotal = subtotal.map(|sum| bundle.rounding().round(sum, precision));
    diag.finish(subtotal.map(|subtotal| Quote {
        currency: bundle.currency().code,
        lines,
        subtotal,
        total: subtotal,
    }))
}

/// Which input a set of problems is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Bundle,
    Request,
    Quote,
}

/// The whole answer to "price this request against this bundle", as every host reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum QuoteOutcome {
    Quoted {
        quote: Quote,
    },
    Invalid {
        stage: Stage,
        problems: Vec<Problem>,
    },
}

/// Reads a bundle and a request from JSON text and prices the request.
pub fn quote_documents(bundle: &str, request: &str) -> QuoteOutcome {
    let invalid = |stage| move |problems| QuoteOutcome::Invalid { stage, problems };
    let bundle = match Bundle::from_json(bundle) {
        Ok(bundle) => bundle,
        Err(problems) => return invalid(Stage::Bundle)(problems),
    };
    let request = match QuoteRequest::from_json(request, &bundle) {
        Ok(request) => request,
        Err(problems) => return invalid(Stage::Request)(problems),
    };
    quote(&bundle, &request).map_or_else(invalid(Stage::Quote), |quote| QuoteOutcome::Quoted {
        quote,
    })
}

fn overflow(diag: &mut Diagnostics, at: &Pointer) {
    diag.error(
        ProblemCode::Overflow,
        at,
        Localized::new(
            "金额超出可计算范围",
            "the amount is beyond the range the engine can compute",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLE: &str = r#"{"schema_version":1,"currency":"CNY","catalog":[
        {"id":"ac-clean","name":"AC","kind":"service","price":"120.00"},
        {"id":"filter","name":"Filter","kind":"part","price":"0.125"}]}"#;

    fn run(request: &str) -> Result<Quote, Vec<Problem>> {
        let bundle = Bundle::from_json(BUNDLE).unwrap();
        quote(&bundle, &QuoteRequest::from_json(request, &bundle)?)
    }

    #[test]
    fn lines_round_half_away_from_zero_then_sum() {
        let q =
            run(r#"{"lines":[{"item":"ac-clean","quantity":"2"},{"item":"filter","quantity":1}]}"#)
                .unwrap();
        let amounts: Vec<String> = q.lines.iter().map(|l| l.amount.to_string()).collect();
        assert_eq!(amounts, ["240.00", "0.13"]);
        assert_eq!(q.total.to_string(), "240.13");
    }

    #[test]
    fn an_empty_request_costs_zero_at_precision() {
        assert_eq!(run(r#"{"lines":[]}"#).unwrap().total.to_string(), "0.00");
    }

    #[test]
    fn unknown_items_get_a_suggestion() {
        let err = run(
            r#"{"lines":[{"item":"ac-claen","quantity":"1"},{"item":"filter","quantity":"-2"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(
            (err[0].code, err[0].path.as_str()),
            (ProblemCode::UnknownItem, "/lines/0/item")
        );
        assert_eq!(
            err[0].hint.as_ref().map(|h| h.en.as_str()),
            Some("did you mean `ac-clean`?")
        );
        assert_eq!(
            (err[1].code, err[1].path.as_str()),
            (ProblemCode::Negative, "/lines/1/quantity")
        );
    }
}
