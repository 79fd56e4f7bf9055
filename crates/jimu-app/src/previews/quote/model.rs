//! The quote preview without a browser: the context variables pricing rules may read (with
//! their types), the request built from what the admin typed, and the outcome jimu-core gives.

use chrono::{NaiveDateTime, TimeZone as _};
use jimu_core::{Bundle, Problem, Quote, QuoteRequest, Stage, quote};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// How a context variable is typed into the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One of the bundle's regions (its path comes from the region tree).
    Region,
    Text,
    /// An instant, picked as a local date and time in the bundle's time zone.
    Instant,
    Number,
    /// The ticket's form values, as a JSON object.
    Object,
}

/// The context variables a quote request may give, in the panel's order, with the type
/// `format::pricing::ticket_scope` declares for each.
pub const VARIABLES: [(&str, Kind); 10] = [
    ("region", Kind::Region),
    ("tier", Kind::Text),
    ("channel", Kind::Text),
    ("ticket_type", Kind::Text),
    ("now", Kind::Instant),
    ("distance_km", Kind::Number),
    ("duration_h", Kind::Number),
    ("weight_kg", Kind::Number),
    ("count", Kind::Number),
    ("form", Kind::Object),
];

/// The quantity an item has until another is typed.
pub const DEFAULT_QUANTITY: &str = "1";

/// What the panel holds: context values and quantities as typed.
pub type Typed = BTreeMap<String, String>;

/// The quantity typed for an item (absent: [`DEFAULT_QUANTITY`]; empty: the item is left
/// out of the request).
pub fn quantity_of<'q>(quantities: &'q Typed, item: &str) -> &'q str {
    quantities
        .get(item)
        .map_or(DEFAULT_QUANTITY, String::as_str)
}

/// A local date and time (`2026-11-11T10:00`, as `<input type=datetime-local>` gives it) in a
/// time zone, as the RFC 3339 instant requests carry; `None` when it is not one (or falls in
/// a gap of the zone's clock).
pub fn instant_in_zone(local: &str, zone: &str) -> Option<String> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    let at = tz.from_local_datetime(&naive).earliest()?;
    Some(at.fixed_offset().to_rfc3339())
}

/// The lines requested: every catalog item with a quantity, in catalog order. Returns the
/// request's lines and, for each, the item it is about (request problems name a line index).
pub fn lines(bundle: &Bundle, quantities: &Typed) -> (Vec<Value>, Vec<String>) {
    let mut lines = Vec::new();
    let mut items = Vec::new();
    for item in bundle.catalog() {
        let quantity = quantity_of(quantities, item.id.as_str()).trim();
        if quantity.is_empty() {
            continue;
        }
        lines.push(json!({ "item": item.id.as_str(), "quantity": quantity }));
        items.push(item.id.as_str().to_owned());
    }
    (lines, items)
}

/// The request the panel stands for. Context values are passed as typed (trimmed), so the
/// engine judges them; an instant is converted from the local time in `zone`, and text typed
/// for `form` that is not a JSON object is a problem at `/context/form`.
pub fn request(
    bundle: &Bundle,
    context: &Typed,
    quantities: &Typed,
    zone: &str,
) -> (Value, Vec<String>, Vec<Problem>) {
    let (lines, items) = lines(bundle, quantities);
    let mut ctx = Map::new();
    let mut problems = Vec::new();
    for (name, kind) in VARIABLES {
        let Some(text) = context
            .get(name)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        let value = match kind {
            Kind::Region | Kind::Text | Kind::Number => Value::String(text.to_owned()),
            Kind::Instant => {
                Value::String(instant_in_zone(text, zone).unwrap_or_else(|| text.to_owned()))
            }
            Kind::Object => match serde_json::from_str::<Value>(text) {
                Ok(value @ Value::Object(_)) => value,
                _ => {
                    problems.push(Problem::error(
                        jimu_core::ProblemCode::WrongType,
                        "/context/form",
                        jimu_core::Localized::new(
                            "表单值须为 JSON 对象，例如 {\"parts_used\": true}",
                            "the form values must be a JSON object, e.g. {\"parts_used\": true}",
                        ),
                    ));
                    continue;
                }
            },
        };
        ctx.insert(name.to_owned(), value);
    }
    (json!({ "lines": lines, "context": ctx }), items, problems)
}

/// The panel's inputs for a kept request (the inverse of [`request`]): context values as
/// text (an instant as a local time in `zone`), and a quantity for every catalog item (empty
/// for the items the request leaves out).
pub fn typed_from_request(bundle: &Bundle, request: &Value, zone: &str) -> (Typed, Typed) {
    let mut context = Typed::new();
    if let Some(map) = request.get("context").and_then(Value::as_object) {
        for (name, value) in map {
            let text = match (name.as_str(), value) {
                ("now", Value::String(instant)) => {
                    local_in_zone(instant, zone).unwrap_or_else(|| instant.clone())
                }
                (_, Value::String(text)) => text.clone(),
                (_, other) => other.to_string(),
            };
            context.insert(name.clone(), text);
        }
    }
    let mut quantities = Typed::new();
    let lines = request.get("lines").and_then(Value::as_array);
    for item in bundle.catalog() {
        let quantity = lines
            .and_then(|lines| {
                lines
                    .iter()
                    .find(|l| l.get("item").and_then(Value::as_str) == Some(item.id.as_str()))
            })
            .and_then(|l| l.get("quantity"))
            .map(|q| q.as_str().map_or_else(|| q.to_string(), str::to_owned))
            .unwrap_or_default();
        quantities.insert(item.id.as_str().to_owned(), quantity);
    }
    (context, quantities)
}

/// An RFC 3339 instant as a local time in a zone, as `<input type=datetime-local>` shows it.
pub fn local_in_zone(instant: &str, zone: &str) -> Option<String> {
    let at = chrono::DateTime::parse_from_rfc3339(instant).ok()?;
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    Some(
        at.with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
    )
}

/// What the preview shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Priced {
    Quoted(Quote),
    /// The request or the quote has problems (each with its pointer into the request).
    Problems {
        stage: Stage,
        problems: Vec<Problem>,
    },
}

/// Prices what the panel holds.
pub fn price(
    bundle: &Bundle,
    context: &Typed,
    quantities: &Typed,
    zone: &str,
) -> (Priced, Vec<String>) {
    let (request_json, items, problems) = request(bundle, context, quantities, zone);
    if !problems.is_empty() {
        return (
            Priced::Problems {
                stage: Stage::Request,
                problems,
            },
            items,
        );
    }
    (price_request(bundle, &request_json), items)
}

/// Prices a request already built (as [`request`] builds one, or a kept sample's `request`):
/// read by jimu-core against the bundle, then quoted.
pub fn price_request(bundle: &Bundle, request_json: &Value) -> Priced {
    let request = match QuoteRequest::from_value(request_json, bundle) {
        Ok(request) => request,
        Err(problems) => {
            return Priced::Problems {
                stage: Stage::Request,
                problems,
            };
        }
    };
    match quote(bundle, &request) {
        Ok(quote) => Priced::Quoted(quote),
        Err(problems) => Priced::Problems {
            stage: Stage::Quote,
            problems,
        },
    }
}

/// The context variable a request problem is about (`/context/<name>…`).
pub fn variable_of(path: &str) -> Option<&str> {
    path.strip_prefix("/context/")
        .map(|rest| rest.split('/').next().unwrap_or(rest))
}

/// The item whose quantity a request problem is about (`/lines/<i>…`).
pub fn item_of<'i>(path: &str, items: &'i [String]) -> Option<&'i str> {
    let rest = path.strip_prefix("/lines/")?;
    let index: usize = rest.split('/').next()?.parse().ok()?;
    items.get(index).map(String::as_str)
}

/// A rule's name in a language, from the bundle (the trace names rules by id).
pub fn rule_name(bundle: &Bundle, group: &str, rule: &str, tag: &str) -> Option<String> {
    let group = bundle
        .doc()
        .pricing
        .groups
        .iter()
        .find(|g| g.id.as_str() == group)?;
    let rule = group.rules.iter().find(|r| r.id.as_str() == rule)?;
    Some(rule.name.localized().get(tag).to_owned())
}

/// A group's name in a language.
pub fn group_name(bundle: &Bundle, group: &str, tag: &str) -> Option<String> {
    bundle
        .doc()
        .pricing
        .groups
        .iter()
        .find(|g| g.id.as_str() == group)
        .map(|g| g.name.localized().get(tag).to_owned())
}

/// The regions of the bundle's tree as `(id, name, depth)`, parents before their children.
pub fn regions(bundle: &Bundle, tag: &str) -> Vec<(String, String, usize)> {
    let regions = &bundle.doc().org.regions;
    let mut out = Vec::new();
    fn walk(
        regions: &[jimu_core::format::org::Region],
        parent: Option<&str>,
        depth: usize,
        tag: &str,
        out: &mut Vec<(String, String, usize)>,
    ) {
        for region in regions {
            let here = region.parent.as_ref().map(|p| p.as_str());
            let is_child = here == parent
                || (parent.is_none()
                    && here.is_some_and(|p| !regions.iter().any(|r| r.id.as_str() == p)));
            if is_child && depth < 8 {
                out.push((
                    region.id.as_str().to_owned(),
                    region.name.localized().get(tag).to_owned(),
                    depth,
                ));
                walk(regions, Some(region.id.as_str()), depth + 1, tag, out);
            }
        }
    }
    walk(regions, None, 0, tag, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(name: &str) -> Bundle {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/bundles/valid/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the bundle");
        Bundle::from_json(&text).expect("valid")
    }

    fn typed(pairs: &[(&str, &str)]) -> Typed {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_local_time_becomes_an_instant_in_the_bundles_zone() {
        assert_eq!(
            instant_in_zone("2026-11-11T10:00", "Asia/Shanghai").as_deref(),
            Some("2026-11-11T10:00:00+08:00")
        );
        assert_eq!(
            instant_in_zone("2026-07-01T09:30:15", "Europe/Berlin").as_deref(),
            Some("2026-07-01T09:30:15+02:00")
        );
        // 02:30 does not exist in Berlin on the day clocks go forward.
        assert_eq!(instant_in_zone("2026-03-29T02:30", "Europe/Berlin"), None);
        assert_eq!(instant_in_zone("yesterday", "Asia/Shanghai"), None);
        assert_eq!(instant_in_zone("2026-11-11T10:00", "Mars/Olympus"), None);
    }

    #[test]
    fn the_double_11_price_depends_on_the_instant_given() {
        let b = bundle("pricing-double-11");
        let quantities = Typed::new();
        let inside = typed(&[("now", "2026-11-11T10:00")]);
        let outside = typed(&[("now", "2026-11-12T00:00")]);
        let (Priced::Quoted(a), _) = price(&b, &inside, &quantities, "Asia/Shanghai") else {
            panic!("prices");
        };
        let (Priced::Quoted(z), _) = price(&b, &outside, &quantities, "Asia/Shanghai") else {
            panic!("prices");
        };
        assert!(a.total < z.total, "{} < {}", a.total, z.total);
        assert!(
            a.trace
                .iter()
                .any(|s| s.outcome == jimu_core::Outcome::Applied)
        );
        assert!(
            z.trace
                .iter()
                .all(|s| s.outcome != jimu_core::Outcome::Applied)
        );
    }

    #[test]
    fn a_missing_variable_is_a_quote_problem_naming_it() {
        let b = bundle("pricing-double-11");
        let (priced, _) = price(&b, &Typed::new(), &Typed::new(), "Asia/Shanghai");
        let Priced::Problems { stage, problems } = priced else {
            panic!("a rule reads `now`");
        };
        assert_eq!(stage, Stage::Quote);
        assert!(
            problems
                .iter()
                .any(|p| p.code.as_str() == "missing-context")
        );
    }

    #[test]
    fn request_problems_point_at_the_input_they_are_about() {
        let b = bundle("pricing-call-out-distance");
        let ids: Vec<String> = b
            .catalog()
            .iter()
            .map(|i| i.id.as_str().to_owned())
            .collect();
        let quantities = typed(&[(ids[0].as_str(), "x")]);
        let context = typed(&[("distance_km", "far"), ("form", "[1]")]);
        let (priced, items) = price(&b, &context, &quantities, "Asia/Shanghai");
        let Priced::Problems { stage, problems } = priced else {
            panic!("problems");
        };
        assert_eq!(stage, Stage::Request);
        // The form text is judged first, alone.
        assert_eq!(problems.len(), 1);
        assert_eq!(variable_of(&problems[0].path), Some("form"));
        let context = typed(&[("distance_km", "far")]);
        let (Priced::Problems { problems, .. }, _) =
            price(&b, &context, &quantities, "Asia/Shanghai")
        else {
            panic!("problems");
        };
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"/lines/0/quantity"), "{paths:?}");
        assert!(paths.contains(&"/context/distance_km"), "{paths:?}");
        assert_eq!(item_of("/lines/0/quantity", &items), Some(ids[0].as_str()));
        assert_eq!(variable_of("/context/distance_km"), Some("distance_km"));
    }

    #[test]
    fn the_call_out_fee_follows_the_distance() {
        // As the corpus case pricing-call-out-fractional-km: one AC cleaning (120.00) and the
        // call-out fee by distance, 3.2 km rounded up to 4 km: 30 + 5 = 35.00.
        let b = bundle("pricing-call-out-distance");
        let only_cleaning = typed(&[("call-out", "")]);
        let total = |km: &str| {
            let (priced, _) = price(
                &b,
                &typed(&[("distance_km", km)]),
                &only_cleaning,
                "Asia/Shanghai",
            );
            match priced {
                Priced::Quoted(q) => q.total.to_string(),
                Priced::Problems { problems, .. } => panic!("{problems:?}"),
            }
        };
        assert_eq!(total("3.2"), "155.00");
        assert_eq!(total("2"), "150.00");
        assert_eq!(total("10"), "185.00");
    }

    #[test]
    fn empty_quantities_leave_items_out_and_names_come_from_the_bundle() {
        let b = bundle("pricing-vip-service-fee");
        let first = b.catalog()[0].id.as_str().to_owned();
        let (lines, items) = lines(&b, &typed(&[(first.as_str(), "")]));
        assert_eq!(lines.len(), b.catalog().len() - 1);
        assert!(!items.contains(&first));
        let group = &b.doc().pricing.groups[0];
        let rule = &group.rules[0];
        assert_eq!(
            rule_name(&b, group.id.as_str(), rule.id.as_str(), "en"),
            Some(rule.name.localized().en.clone())
        );
        assert!(rule_name(&b, "nope", "nope", "en").is_none());
    }

    #[test]
    fn a_kept_request_comes_back_as_the_inputs_that_make_it() {
        let b = bundle("pricing-beijing-ac-cleaning");
        let context = typed(&[("region", "bj-chaoyang"), ("now", "2026-11-11T10:00:00")]);
        let quantities = typed(&[("ac-clean", "2"), ("ac-repair", "")]);
        let (request_json, _, problems) = request(&b, &context, &quantities, "Asia/Shanghai");
        assert!(problems.is_empty());
        assert_eq!(request_json["context"]["now"], "2026-11-11T10:00:00+08:00");
        let (back_context, back_quantities) =
            typed_from_request(&b, &request_json, "Asia/Shanghai");
        assert_eq!(back_context, context);
        assert_eq!(back_quantities, quantities);
    }

    #[test]
    fn regions_list_parents_before_children() {
        let b = bundle("pricing-beijing-ac-cleaning");
        let regions = regions(&b, "zh-CN");
        assert!(!regions.is_empty());
        for (i, (_, _, depth)) in regions.iter().enumerate() {
            if *depth > 0 {
                assert!(regions[..i].iter().any(|(_, _, d)| *d == depth - 1));
            }
        }
        assert_eq!(regions.len(), b.doc().org.regions.len());
    }
}
