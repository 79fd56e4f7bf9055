//! A quote of 5 lines through 10 stacked rules, beside a hand-written Rust function that
//! computes the same quote with no engine. The goal (issue "pricing engine") is the engine
//! within 5× of the hand-written function; see BENCHMARKS.md.
//!
//! The bundle: six catalog items, a region tree, and three rule groups holding ten rules —
//! a `lines` group on services stacking all in order (region, tier, channel, distance, a
//! Double-11 window, a floor), a `first_match` group on parts (warranty cap, cost plus) and a
//! `ticket` group (a graduated call-out fee over `distance_km`, 30 off from 300).

use chrono::{DateTime, FixedOffset};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use std::hint::black_box;
use std::str::FromStr;

/// The conditions of the ten rules (`None`: always). `native` picks the form the engine
/// resolves to native predicates when the bundle loads; the other form says the same thing
/// in words the native grammar does not take (literal first), so zen evaluates every one.
fn conditions(native: bool) -> [Option<&'static str>; 10] {
    if native {
        [
            Some("in_region('beijing') and item.category == 'air-conditioning'"),
            Some("tier == 'vip'"),
            Some("channel in ['app', 'mini-program']"),
            Some("distance_km > 3"),
            None,
            None,
            Some("ticket_type == 'warranty'"),
            Some("item.category == 'air-conditioning'"),
            None,
            Some("subtotal >= 300"),
        ]
    } else {
        [
            Some("in_region('beijing') and 'air-conditioning' == item.category"),
            Some("'vip' == tier"),
            Some("'app' == channel or 'mini-program' == channel"),
            Some("3 < distance_km"),
            None,
            None,
            Some("'warranty' == ticket_type"),
            Some("'air-conditioning' == item.category"),
            None,
            Some("300 <= subtotal"),
        ]
    }
}

fn rule(id: &str, name: &str, when: Option<&str>, effect: Value) -> Value {
    let mut rule = json!({"id": id, "name": name, "effect": effect});
    if let Some(when) = when {
        rule["when"] = json!(when);
    }
    rule
}

fn region(id: &str, name: &str, level: &str, parent: Option<&str>) -> Value {
    let mut region = json!({"id": id, "name": name, "level": level});
    if let Some(parent) = parent {
        region["parent"] = json!(parent);
    }
    region
}

fn bundle_text(native: bool) -> String {
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = conditions(native);
    let mut double_11 = rule(
        "double-11-12-off",
        "双十一 88 折",
        c5,
        json!({"kind": "percent_off", "percent": "12"}),
    );
    double_11["valid"] = json!({
        "from": "2026-11-11T00:00:00+08:00",
        "until": "2026-11-12T00:00:00+08:00",
    });
    json!({
        "schema_version": 2,
        "name": "quote-bench",
        "currency": "CNY",
        "rounding": "half_away_from_zero",
        "time_zone": "Asia/Shanghai",
        "org": {"regions": [
            region("beijing", "北京", "province", None),
            region("beijing-city", "北京市", "city", Some("beijing")),
            region("bj-chaoyang", "朝阳区", "district", Some("beijing-city")),
            region("shanghai", "上海", "province", None),
            region("shanghai-city", "上海市", "city", Some("shanghai")),
            region("sh-pudong", "浦东新区", "district", Some("shanghai-city")),
        ]},
        "catalog": [
            {"id": "ac-clean", "name": "空调清洗", "kind": "service", "price": "120.00",
             "category": "air-conditioning"},
            {"id": "ac-repair", "name": "空调维修", "kind": "service", "price": "200.00",
             "category": "air-conditioning"},
            {"id": "washer-clean", "name": "洗衣机清洗", "kind": "service", "price": "150.00",
             "category": "laundry"},
            {"id": "filter", "name": "空调滤网", "kind": "part", "price": "35.50",
             "cost": "22.00", "category": "air-conditioning"},
            {"id": "refrigerant", "name": "制冷剂（kg）", "kind": "part", "price": "68.00",
             "cost": "41.00", "category": "air-conditioning"},
            {"id": "call-out", "name": "上门费", "kind": "service", "price": "30.00",
             "category": "fees"},
        ],
        "pricing": {
            "tier_tables": [{
                "id": "call-out-km",
                "name": "上门费（按公里）",
                "unit": "km",
                "charge": {"model": "graduated", "tiers": [
                    {"up_to": "3", "flat": "30"},
                    {"up_to": "10", "unit": "5"},
                    {"up_to": null, "unit": "4"},
                ]},
            }],
            "groups": [
                {
                    "id": "services",
                    "name": "服务价",
                    "priority": 10,
                    "stacking": "all_in_order",
                    "applies_to": {"scope": "lines", "item_kinds": ["service"]},
                    "rules": [
                        rule("bj-ac-20-off", "北京空调 8 折", c1,
                             json!({"kind": "percent_off", "percent": "20"})),
                        rule("vip-5-off", "VIP 95 折", c2,
                             json!({"kind": "percent_off", "percent": "5"})),
                        rule("app-10-off", "线上下单立减 10 元", c3,
                             json!({"kind": "amount_off", "amount": "10.00"})),
                        rule("far-markup-8", "远途加价 8%", c4,
                             json!({"kind": "markup", "percent": "8"})),
                        double_11,
                        rule("service-floor", "服务保底 50 元", c6,
                             json!({"kind": "floor", "amount": "50.00"})),
                    ],
                },
                {
                    "id": "parts",
                    "name": "备件价",
                    "priority": 20,
                    "stacking": "first_match",
                    "applies_to": {"scope": "lines", "item_kinds": ["part"]},
                    "rules": [
                        rule("warranty-free", "保内备件免费", c7,
                             json!({"kind": "cap", "amount": "0.00"})),
                        rule("ac-parts-cost-plus", "空调备件成本加成 1.3", c8,
                             json!({"kind": "cost_times", "coefficient": "1.3"})),
                    ],
                },
                {
                    "id": "ticket",
                    "name": "整单",
                    "priority": 90,
                    "stacking": "all_in_order",
                    "applies_to": {"scope": "ticket"},
                    "rules": [
                        rule("call-out-fee", "上门费按距离计", c9, json!({
                            "kind": "tiered_fee",
                            "table": "call-out-km",
                            "quantity": "distance_km",
                            "transform": {"round": "up", "step": "1"},
                            "item": "call-out",
                        })),
                        rule("over-300-minus-30", "满 300 减 30", c10,
                             json!({"kind": "amount_off", "amount": "30.00"})),
                    ],
                },
            ],
        },
    })
    .to_string()
}

const REQUEST: &str = r#"{
    "lines": [
        {"item": "ac-clean", "quantity": "2"},
        {"item": "ac-repair", "quantity": "1"},
        {"item": "washer-clean", "quantity": "1"},
        {"item": "filter", "quantity": "2"},
        {"item": "refrigerant", "quantity": "1.5"}
    ],
    "context": {
        "region": "bj-chaoyang",
        "tier": "vip",
        "channel": "app",
        "ticket_type": "repair",
        "now": "2026-11-11T10:00:00+08:00",
        "distance_km": "5.4"
    }
}"#;

/// What the request and the hand-written rules below give, worked out on paper:
/// services 163.85 + 134.96 + 125.93, parts 57.20 + 79.95, call-out fee 45.00, −30.00.
const EXPECTED_TOTAL: &str = "576.89";

// ---------------------------------------------------------------------------------------
// The same quote with no engine: the ten rules hard-coded, the same rounding (CNY, 2 places,
// half away from zero after every step), amounts never below zero. Percentages are written
// as factors (20% off is × 0.80), as a person would; the engine's × (100 − 20) / 100 is the
// same exact value before rounding.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Service,
    Part,
}

struct Item {
    id: &'static str,
    kind: Kind,
    category: &'static str,
    price: Decimal,
    cost: Option<Decimal>,
}

/// The request as a host would hold it: item ids and quantities, and the context.
struct Request {
    lines: Vec<(String, Decimal)>,
    region_path: Vec<String>,
    tier: String,
    channel: String,
    ticket_type: String,
    now: DateTime<FixedOffset>,
    distance_km: Decimal,
}

/// The quote's figures: every line's amount (the fee line last), the subtotal, the ticket
/// adjustments and the total.
#[derive(Debug)]
struct HandQuote {
    lines: Vec<Decimal>,
    subtotal: Decimal,
    adjustments: Vec<Decimal>,
    total: Decimal,
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal literal")
}

fn instant(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("an RFC 3339 instant")
}

fn catalog() -> Vec<Item> {
    let item = |id, kind, category, price: &str, cost: Option<&str>| Item {
        id,
        kind,
        category,
        price: dec(price),
        cost: cost.map(dec),
    };
    vec![
        item(
            "ac-clean",
            Kind::Service,
            "air-conditioning",
            "120.00",
            None,
        ),
        item(
            "ac-repair",
            Kind::Service,
            "air-conditioning",
            "200.00",
            None,
        ),
        item("washer-clean", Kind::Service, "laundry", "150.00", None),
        item(
            "filter",
            Kind::Part,
            "air-conditioning",
            "35.50",
            Some("22.00"),
        ),
        item(
            "refrigerant",
            Kind::Part,
            "air-conditioning",
            "68.00",
            Some("41.00"),
        ),
        item("call-out", Kind::Service, "fees", "30.00", None),
    ]
}

fn hand_request() -> Request {
    let line = |item: &str, quantity: &str| (item.to_owned(), dec(quantity));
    Request {
        lines: vec![
            line("ac-clean", "2"),
            line("ac-repair", "1"),
            line("washer-clean", "1"),
            line("filter", "2"),
            line("refrigerant", "1.5"),
        ],
        region_path: ["bj-chaoyang", "beijing-city", "beijing"]
            .map(str::to_owned)
            .to_vec(),
        tier: "vip".to_owned(),
        channel: "app".to_owned(),
        ticket_type: "repair".to_owned(),
        now: instant("2026-11-11T10:00:00+08:00"),
        distance_km: dec("5.4"),
    }
}

/// The Double-11 window, parsed once (as the engine's plan holds it).
struct Window {
    from: DateTime<FixedOffset>,
    until: DateTime<FixedOffset>,
}

/// To 2 places, half away from zero, never below zero.
fn round(amount: Decimal) -> Decimal {
    let mut rounded = amount
        .max(Decimal::ZERO)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

fn hand_written(catalog: &[Item], request: &Request, window: &Window) -> HandQuote {
    let mut lines = Vec::with_capacity(request.lines.len() + 1);
    for (id, quantity) in &request.lines {
        let item = catalog.iter().find(|i| i.id == id).expect("a catalog item");
        let mut amount = round(item.price * quantity);
        match item.kind {
            // `services`: all in order.
            Kind::Service => {
                if request.region_path.iter().any(|r| r == "beijing")
                    && item.category == "air-conditioning"
                {
                    amount = round(amount * Decimal::new(80, 2));
                }
                if request.tier == "vip" {
                    amount = round(amount * Decimal::new(95, 2));
                }
                if request.channel == "app" || request.channel == "mini-program" {
                    amount = round(amount - Decimal::from(10));
                }
                if request.distance_km > Decimal::from(3) {
                    amount = round(amount * Decimal::new(108, 2));
                }
                if request.now >= window.from && request.now < window.until {
                    amount = round(amount * Decimal::new(88, 2));
                }
                amount = round(amount.max(Decimal::from(50)));
            }
            // `parts`: the first match only.
            Kind::Part => {
                if request.ticket_type == "warranty" {
                    amount = round(amount.min(Decimal::ZERO));
                } else if item.category == "air-conditioning" {
                    let cost = item.cost.expect("parts have a cost");
                    amount = round(cost * Decimal::new(13, 1) * quantity);
                }
            }
        }
        lines.push(amount);
    }
    // `ticket`: all in order, on the running total.
    let before: Decimal = lines.iter().sum();
    let before = round(before);
    let mut total = before;
    // The call-out fee: distance up to whole km, 30 within 3 km, 5 a km to 10, then 4.
    let km = request.distance_km.ceil();
    let mut fee = Decimal::from(30);
    if km > Decimal::from(3) {
        fee += Decimal::from(5) * (km.min(Decimal::from(10)) - Decimal::from(3));
    }
    if km > Decimal::from(10) {
        fee += Decimal::from(4) * (km - Decimal::from(10));
    }
    let fee = round(fee);
    lines.push(fee);
    total = round(total + fee);
    let mut adjustments = Vec::new();
    if before >= Decimal::from(300) {
        let after = round(total - Decimal::from(30));
        adjustments.push(after - total);
    }
    let subtotal = round(lines.iter().sum());
    let total = round(subtotal + adjustments.iter().sum::<Decimal>());
    HandQuote {
        lines,
        subtotal,
        adjustments,
        total,
    }
}

// ---------------------------------------------------------------------------------------

fn load(native: bool) -> (jimu_core::Bundle, jimu_core::QuoteRequest) {
    let text = bundle_text(native);
    let problems = jimu_core::validate_bundle(&text);
    assert!(
        problems.is_empty(),
        "the benchmark bundle must be valid: {problems:#?}"
    );
    let bundle = jimu_core::Bundle::from_json(&text).expect("a valid bundle");
    let request = jimu_core::QuoteRequest::from_json(REQUEST, &bundle).expect("a valid request");
    (bundle, request)
}

fn bench(c: &mut Criterion) {
    let (bundle, request) = load(true);
    let catalog = catalog();
    let hand = hand_request();
    let window = Window {
        from: instant("2026-11-11T00:00:00+08:00"),
        until: instant("2026-11-12T00:00:00+08:00"),
    };

    // The two compute the same quote (the first engine call also builds the plan).
    let quote = jimu_core::quote(&bundle, &request).expect("the engine quotes");
    let by_hand = hand_written(&catalog, &hand, &window);
    let engine_lines: Vec<Decimal> = quote.lines.iter().map(|l| l.amount).collect();
    let engine_adjustments: Vec<Decimal> = quote.adjustments.iter().map(|a| a.amount).collect();
    assert_eq!(engine_lines, by_hand.lines, "line amounts");
    assert_eq!(engine_adjustments, by_hand.adjustments, "adjustments");
    assert_eq!(quote.subtotal, by_hand.subtotal, "subtotal");
    assert_eq!(quote.total, by_hand.total, "total");
    assert_eq!(quote.total.to_string(), EXPECTED_TOTAL);
    assert_eq!(quote.lines.len(), 6);
    // 3 services × 6 rules + 2 parts × 2 rules (the second skipped or applied) + 2 on the ticket.
    assert_eq!(quote.trace.len(), 24);

    let mut group = c.benchmark_group("quote");
    group.bench_function("engine", |b| {
        b.iter(|| jimu_core::quote(black_box(&bundle), black_box(&request)))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| hand_written(black_box(&catalog), black_box(&hand), black_box(&window)))
    });
    group.finish();

    // For reference: the same bundle with every condition left to zen, and one zen condition.
    let (zen_bundle, zen_request) = load(false);
    let zen_quote = jimu_core::quote(&zen_bundle, &zen_request).expect("the engine quotes");
    assert_eq!(
        zen_quote.total, quote.total,
        "zen conditions give the same total"
    );
    assert_eq!(zen_quote.trace, quote.trace, "and the same trace");

    let scope = jimu_core::format::pricing::line_scope();
    let condition = jimu_core::expr::Expr::compile("tier == 'vip'", &scope).expect("compiles");
    let context = zen_expression::Variable::from(json!({
        "region": "bj-chaoyang",
        "region_path": ["bj-chaoyang", "beijing-city", "beijing"],
        "tier": "vip",
        "channel": "app",
        "ticket_type": "repair",
        "now": "2026-11-11T10:00:00+08:00",
        "distance_km": 5.4,
        "subtotal": 240,
        "item": {"id": "ac-clean", "category": "air-conditioning", "kind": "service",
                 "price": 120, "cost": null, "quantity": 2},
    }));
    let mut vm = zen_expression::vm::VM::new();
    assert!(matches!(
        condition.evaluate(context.clone(), &mut vm),
        Ok(zen_expression::Variable::Bool(true))
    ));

    let mut group = c.benchmark_group("quote_reference");
    group.bench_function("engine_zen_conditions", |b| {
        b.iter(|| jimu_core::quote(black_box(&zen_bundle), black_box(&zen_request)))
    });
    group.bench_function("zen_condition", |b| {
        b.iter(|| condition.evaluate(black_box(context.clone()), &mut vm))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
