//! Properties of the pricing engine over random requests: line order does not matter, and
//! every amount is exact at the currency's precision and adds up.
#![cfg(not(target_arch = "wasm32"))]

use jimu_core::{Bundle, Quote, QuoteRequest, quote};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Every kind of group, stacking policy and effect, so the properties cover them all.
const BUNDLE: &str = r#"{
  "schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
  "org": {"regions": [
    {"id": "beijing", "name": "北京", "level": "province"},
    {"id": "beijing-city", "name": "北京市", "level": "city", "parent": "beijing"},
    {"id": "bj-chaoyang", "name": "朝阳区", "level": "district", "parent": "beijing-city"},
    {"id": "shanghai", "name": "上海", "level": "province"}
  ]},
  "catalog": [
    {"id": "ac-clean", "name": "空调清洗", "kind": "service", "price": "120.00", "category": "ac"},
    {"id": "ac-repair", "name": "空调维修", "kind": "service", "price": "199.99", "category": "ac"},
    {"id": "labour", "name": "工时", "kind": "service", "price": "80.00"},
    {"id": "filter", "name": "滤网", "kind": "part", "price": "35.00", "cost": "12.33"},
    {"id": "screw", "name": "螺丝", "kind": "part", "price": "0.125", "cost": "0.011"},
    {"id": "call-out", "name": "上门费", "kind": "service", "price": "30.00"}
  ],
  "pricing": {
    "tier_tables": [
      {"id": "km", "charge": {"model": "graduated", "tiers": [{"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]}}
    ],
    "groups": [
      {"id": "region", "name": "区域价", "priority": 10, "stacking": "all_in_order",
       "applies_to": {"scope": "lines", "item_kinds": ["service"]},
       "rules": [
         {"id": "bj-ac", "name": "北京空调 8 折", "when": "in_region('beijing') and item.category == 'ac'",
          "effect": {"kind": "percent_off", "percent": "20"}},
         {"id": "sh-up", "name": "上海上浮", "when": "in_region('shanghai')", "effect": {"kind": "markup", "percent": "7.5"}},
         {"id": "vip-less", "name": "会员立减", "when": "tier == 'vip'", "effect": {"kind": "amount_off", "amount": "3.33"}},
         {"id": "floor", "name": "保底", "effect": {"kind": "floor", "amount": "10.00"}}
       ]},
      {"id": "parts", "name": "备件", "priority": 20, "stacking": "first_match", "round_each_step": false,
       "applies_to": {"scope": "lines", "item_kinds": ["part"]},
       "rules": [
         {"id": "warranty", "name": "保内", "when": "channel == 'warranty'", "effect": {"kind": "cost_times", "coefficient": "1.17"}},
         {"id": "retail", "name": "零售", "effect": {"kind": "cost_times", "coefficient": "1.5"}}
       ]},
      {"id": "promo", "name": "促销", "priority": 30, "stacking": "best_for_customer",
       "applies_to": {"scope": "lines", "items": ["ac-clean", "labour"]},
       "rules": [
         {"id": "set-99", "name": "一口价", "target": {"items": ["ac-clean"]}, "effect": {"kind": "set_price", "price": "99.00"}},
         {"id": "pct-13", "name": "87 折", "effect": {"kind": "percent_off", "percent": "13"}, "round_to": {"round": "down", "step": "1"}}
       ]},
      {"id": "fees", "name": "费用", "priority": 40, "stacking": "all_in_order",
       "applies_to": {"scope": "ticket"},
       "rules": [
         {"id": "call-out", "name": "上门费", "when": "distance_km > 0",
          "effect": {"kind": "tiered_fee", "table": "km", "quantity": "distance_km",
                     "transform": {"round": "up", "step": "1"}, "item": "call-out"}},
         {"id": "over-300", "name": "满 300 减 30", "when": "subtotal >= 300", "effect": {"kind": "amount_off", "amount": "30.00"}},
         {"id": "cap", "name": "封顶", "effect": {"kind": "cap", "amount": "5000.00"}}
       ]}
    ]
  }
}"#;

const ITEMS: &[&str] = &["ac-clean", "ac-repair", "labour", "filter", "screw"];

fn request(lines: &[(usize, Decimal)], context: &str) -> String {
    let lines: Vec<String> = lines
        .iter()
        .map(|(item, quantity)| {
            format!(
                r#"{{"item":"{}","quantity":"{quantity}"}}"#,
                ITEMS[*item % ITEMS.len()]
            )
        })
        .collect();
    format!(r#"{{"lines":[{}],"context":{context}}}"#, lines.join(","))
}

fn price(bundle: &Bundle, request: &str) -> Quote {
    let request = QuoteRequest::from_json(request, bundle).expect("a valid request");
    quote(bundle, &request).expect("a quote")
}

fn lines() -> impl Strategy<Value = Vec<(usize, Decimal)>> {
    prop::collection::vec(
        (
            0..ITEMS.len(),
            (0i64..100_000, 0u32..4).prop_map(|(n, s)| Decimal::new(n, s)),
        ),
        0..7,
    )
}

fn context() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["bj-chaoyang", "beijing", "shanghai"]),
        prop::sample::select(vec!["normal", "vip"]),
        prop::sample::select(vec!["warranty", "retail"]),
        (0i64..300, 0u32..2).prop_map(|(n, s)| Decimal::new(n, s)),
    )
        .prop_map(|(region, tier, channel, km)| {
            format!(
                r#"{{"region":"{region}","tier":"{tier}","channel":"{channel}","distance_km":"{km}"}}"#
            )
        })
}

/// What must not depend on line order: totals, adjustments, and each line's amount by item.
fn summary(quote: &Quote) -> (Decimal, Decimal, Vec<String>, Vec<String>) {
    let mut lines: Vec<String> = quote
        .lines
        .iter()
        .map(|l| format!("{} {} {}", l.item, l.quantity, l.amount))
        .collect();
    lines.sort();
    let adjustments = quote
        .adjustments
        .iter()
        .map(|a| format!("{} {}", a.rule, a.amount))
        .collect();
    (quote.subtotal, quote.total, lines, adjustments)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_quote_is_unchanged_when_lines_are_reordered(
        lines in lines(),
        context in context(),
        seed in any::<u64>(),
    ) {
        let bundle = Bundle::from_json(BUNDLE).expect("the test bundle is valid");
        let mut shuffled = lines.clone();
        // A deterministic shuffle from the seed (Fisher–Yates with a small LCG).
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let j = usize::try_from(state >> 33).unwrap_or(0) % (i + 1);
            shuffled.swap(i, j);
        }
        let a = price(&bundle, &request(&lines, &context));
        let b = price(&bundle, &request(&shuffled, &context));
        prop_assert_eq!(summary(&a), summary(&b));
    }

    #[test]
    fn totals_are_exact_at_the_currencys_precision_and_add_up(
        lines in lines(),
        context in context(),
    ) {
        let bundle = Bundle::from_json(BUNDLE).expect("the test bundle is valid");
        let quote = price(&bundle, &request(&lines, &context));
        let precision = bundle.currency().precision;
        let mut sum = Decimal::ZERO;
        for line in &quote.lines {
            prop_assert_eq!(line.amount.scale(), precision, "{:?}", line);
            prop_assert!(line.amount >= Decimal::ZERO);
            sum += line.amount;
        }
        prop_assert_eq!(quote.subtotal, sum);
        prop_assert_eq!(quote.subtotal.scale(), precision);
        let mut total = quote.subtotal;
        for adjustment in &quote.adjustments {
            prop_assert_eq!(adjustment.amount.scale(), precision, "{:?}", adjustment);
            total += adjustment.amount;
        }
        prop_assert_eq!(quote.total, total.max(Decimal::ZERO));
        prop_assert_eq!(quote.total.scale(), precision);
    }
}

/// Every rule considered leaves one trace step per line (or one for the ticket), and an
/// applied step's `after` is the amount the next applied step on that line starts from.
#[test]
fn the_trace_chains_amounts_a_person_can_follow() {
    let bundle = Bundle::from_json(BUNDLE).expect("the test bundle is valid");
    let q = price(
        &bundle,
        &request(
            &[(0, Decimal::new(2, 0)), (3, Decimal::new(3, 0))],
            r#"{"region":"bj-chaoyang","tier":"vip","channel":"retail","distance_km":"4.5"}"#,
        ),
    );
    // ac-clean: 240.00 → 20% off 192.00 → −3.33 = 188.67 → floor ok → best of 99 × 2 = 198.00
    // and 87% = 164.14 → 164 (round down) → 164.00.
    // filter: 3 × 12.33 × 1.5 = 55.485 → 55.49 (one rounding at the end of the group).
    // call-out: 4.5 km → 5 km → 30 + 2 × 5 = 40.00. Subtotal 259.49 < 300: no −30.
    let amounts: Vec<String> = q.lines.iter().map(|l| l.amount.to_string()).collect();
    assert_eq!(amounts, ["164.00", "55.49", "40.00"]);
    assert_eq!(q.total.to_string(), "259.49");
    for line in 0..2 {
        let applied: Vec<_> = q
            .trace
            .iter()
            .filter(|s| s.line == Some(line) && s.outcome == jimu_core::Outcome::Applied)
            .collect();
        for pair in applied.windows(2) {
            if pair[0].group == pair[1].group {
                assert_eq!(pair[0].after, pair[1].before, "{pair:?}");
            }
        }
    }
    let chosen: Vec<_> = q
        .trace
        .iter()
        .filter(|s| s.group.as_ref() == "promo" && s.line == Some(0))
        .map(|s| (s.rule.to_string(), s.outcome))
        .collect();
    assert_eq!(
        chosen,
        [
            ("set-99".to_owned(), jimu_core::Outcome::NotChosen),
            ("pct-13".to_owned(), jimu_core::Outcome::Applied)
        ]
    );
}

/// One tier model and one engine for pricing and settlement: the published examples of
/// `semantics.md` (Stripe and Lago, the call-out fee) priced from tables written with the
/// commission names — `marginal` for `graduated`, `retroactive` for `volume` — and without the
/// last tier's `up_to` (as a settlement table may) come to the same totals, case by case:
/// e.g. Stripe volume 20 → 20 × 6.00 = 120.00, Lago graduated 12 → 10 × 0.10 + 0.02 + 2 ×
/// 0.05 + 0.03 = 1.15, the call-out fee at 7 km → 30 + 4 × 5 = 50.
#[test]
fn published_tiers_price_the_same_under_their_commission_names() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let text = std::fs::read_to_string(root.join("bundles/published-tiers.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut renamed_models = 0;
    for table in doc["pricing"]["tier_tables"].as_array_mut().unwrap() {
        let charge = &mut table["charge"];
        let commission_name = match charge["model"].as_str() {
            Some("graduated") => "marginal",
            Some("volume") => "retroactive",
            _ => continue,
        };
        charge["model"] = commission_name.into();
        renamed_models += 1;
        for tier in charge["tiers"].as_array_mut().unwrap() {
            let tier = tier.as_object_mut().unwrap();
            if tier.get("up_to") == Some(&serde_json::Value::Null) {
                tier.remove("up_to");
            }
        }
    }
    assert!(renamed_models >= 4);
    let renamed = doc.to_string();
    assert!(
        !renamed.contains(r#""up_to":null"#),
        "every open tier left its bound out"
    );
    let written = Bundle::from_json(&text).unwrap();
    let commission = Bundle::from_json(&renamed).unwrap_or_else(|p| panic!("{p:#?}"));
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("cases")).unwrap() {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        if case["bundle"] != "published-tiers.json" || case["request"].is_null() {
            continue;
        }
        let request = case["request"].to_string();
        // A request refused (a misspelt usage key) is refused the same way under both names.
        let total = |bundle: &Bundle| {
            QuoteRequest::from_json(&request, bundle)
                .and_then(|request| quote(bundle, &request))
                .map(|q| q.total)
                .map_err(|p| format!("{p:?}"))
        };
        assert_eq!(
            total(&commission),
            total(&written),
            "{}",
            case["description"]
        );
        if let Some(expected) = case["expect_total"].as_str() {
            assert_eq!(
                total(&commission).map(|t| t.to_string()),
                Ok(expected.to_owned())
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} published cases");
}
