//! Quote requests (lines and context) and the outcome every host reports for them.

use crate::bundle::Bundle;
use crate::price::{Quote, QuoteContext, quote};
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
    /// What rules read: region, tier, channel, instant, distance, duration, form values.
    pub context: QuoteContext,
    /// Usage before this request in the period, by the id of a `tiered_fee` rule or of a
    /// tier table (`"usage": {"sms-tiers": "8"}`): the rule charges its quantity on top of it,
    /// as a running total (`tiers::charge_after`). A rule's own entry wins over its table's.
    pub usage: std::collections::BTreeMap<String, Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuoteLineRequest {
    pub item: String,
    pub quantity: Decimal,
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
    let obj = ObjectReader::open(
        value,
        &Pointer::root(),
        &["lines", "context", "usage"],
        diag,
    )?;
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
    let context = match obj.optional("context") {
        Some((value, at)) => read_context(value, &at, bundle, diag),
        None => Some(QuoteContext::default()),
    };
    let usage = match obj.optional("usage") {
        Some((value, at)) => read_usage(value, &at, bundle, diag),
        None => Some(std::collections::BTreeMap::new()),
    };
    (complete && !diag.has_errors())
        .then_some(())
        .and(context)
        .zip(usage)
        .map(|(context, usage)| QuoteRequest {
            lines,
            context,
            usage,
        })
}

/// `usage`: an object from the id of a `tiered_fee` rule or of a tier table to a quantity.
fn read_usage(
    value: &Value,
    at: &Pointer,
    bundle: &Bundle,
    diag: &mut Diagnostics,
) -> Option<std::collections::BTreeMap<String, Decimal>> {
    use crate::format::pricing::Effect;
    let Value::Object(map) = value else {
        crate::reader::wrong_type(diag, at, crate::reader::OBJECT, value);
        return None;
    };
    let pricing = &bundle.doc().pricing;
    let mut known: Vec<&str> = pricing.tier_tables.iter().map(|t| t.id.as_str()).collect();
    for group in &pricing.groups {
        for rule in &group.rules {
            if matches!(rule.effect, Effect::TieredFee { .. }) {
                known.push(rule.id.as_str());
            }
        }
    }
    let mut usage = std::collections::BTreeMap::new();
    for (key, value) in map {
        let at = at.key(key);
        if !known.contains(&key.as_str()) {
            let mut problem = Problem::error(
                ProblemCode::UnknownReference,
                at.as_str(),
                Localized::new(
                    format!("「{key}」既不是阶梯计费规则也不是阶梯表"),
                    format!("`{key}` is neither a tiered_fee rule nor a tier table"),
                ),
            );
            if let Some(hint) = did_you_mean(key, known.iter().copied()) {
                problem = problem.with_hint(hint);
            }
            diag.push(problem);
            continue;
        }
        if let Some(before) = read_decimal(value, &at, QUANTITY_RULES, diag) {
            usage.insert(key.clone(), before);
        }
    }
    Some(usage)
}

const CONTEXT_FIELDS: &[&str] = &[
    "region",
    "region_path",
    "tier",
    "channel",
    "ticket_type",
    "now",
    "distance_km",
    "duration_h",
    "weight_kg",
    "count",
    "form",
];

fn read_context(
    value: &Value,
    at: &Pointer,
    bundle: &Bundle,
    diag: &mut Diagnostics,
) -> Option<QuoteContext> {
    let obj = ObjectReader::open(value, at, CONTEXT_FIELDS, diag)?;
    let mut context = QuoteContext::default();
    let text = |key: &str, diag: &mut Diagnostics| {
        obj.optional(key)
            .and_then(|(v, at)| read_str(v, &at, diag).map(str::to_owned))
    };
    context.tier = text("tier", diag);
    context.channel = text("channel", diag);
    context.ticket_type = text("ticket_type", diag);
    context.region = text("region", diag);
    if let Some((v, at)) = obj.optional("now") {
        let now = read_str(v, &at, diag)?;
        if let Some(instant) = crate::reader::parse_instant(now, &at, diag) {
            context.now = Some((now.to_owned(), instant));
        }
    }
    let number = |key: &str, diag: &mut Diagnostics| {
        obj.optional(key)
            .and_then(|(v, at)| read_decimal(v, &at, QUANTITY_RULES, diag))
    };
    context.distance_km = number("distance_km", diag);
    context.duration_h = number("duration_h", diag);
    context.weight_kg = number("weight_kg", diag);
    context.count = number("count", diag);
    if let Some((v, at)) = obj.optional("form") {
        match v {
            Value::Object(_) => context.form = Some(v.clone()),
            other => crate::reader::wrong_type(diag, &at, crate::reader::OBJECT, other),
        }
    }
    context.region_path = match obj.optional("region_path") {
        Some((v, at)) => {
            let entries = read_array(v, &at, diag)?;
            let mut path = Vec::with_capacity(entries.len());
            for (i, entry) in entries.iter().enumerate() {
                path.push(read_str(entry, &at.index(i), diag)?.to_owned());
            }
            Some(path)
        }
        None => match &context.region {
            Some(region) => region_path(region, &at.key("region"), bundle, diag),
            None => None,
        },
    };
    Some(context)
}

/// The region and its ancestors in the bundle's region tree; a region the tree does not have
/// is a problem (when the bundle has a tree at all).
fn region_path(
    region: &str,
    at: &Pointer,
    bundle: &Bundle,
    diag: &mut Diagnostics,
) -> Option<Vec<String>> {
    let regions = &bundle.doc().org.regions;
    if regions.is_empty() {
        return Some(vec![region.to_owned()]);
    }
    if let Some(path) = bundle.region_path(region) {
        return Some(path);
    }
    let mut problem = Problem::error(
        ProblemCode::UnknownReference,
        at.as_str(),
        Localized::new(
            format!("区域树中没有「{region}」"),
            format!("no region `{region}` in the bundle's region tree"),
        ),
    );
    if let Some(hint) = did_you_mean(region, regions.iter().map(|r| r.id.as_str())) {
        problem = problem.with_hint(hint);
    }
    diag.push(problem);
    None
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
