//! The pricing checks on small bundles, and the model's serde round trip.

use serde_json::{Value, json};

const CATALOG: &str = r#"[
        {"id": "ac-clean", "name": "空调清洗", "kind": "service", "price": "120.00", "category": "air-conditioning"},
        {"id": "repair-labour", "name": "电脑维修工时", "kind": "service", "price": "80.00", "category": "computer-repair"},
        {"id": "call-out", "name": "上门费", "kind": "service", "price": "30.00"},
        {"id": "compressor", "name": "压缩机", "kind": "part", "price": "1399.99", "cost": "900.00"},
        {"id": "filter-mesh", "name": "滤网", "kind": "part", "price": "15.00"}
    ]"#;

/// `(code, path)` of every problem of a bundle with this `pricing` section.
fn check(pricing: Value) -> Vec<(String, String)> {
    let bundle = format!(
        r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG}, "pricing": {pricing}}}"#
    );
    crate::validate_bundle(&bundle)
        .into_iter()
        .map(|p| {
            assert!(!p.message.zh_cn.is_empty() && !p.message.en.is_empty());
            (p.code.as_str().to_owned(), p.path)
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
        .collect()
}

fn group(applies_to: Value, rules: Value) -> Value {
    json!({"groups": [{"id": "g", "name": "组", "stacking": "all_in_order",
        "applies_to": applies_to, "rules": rules}]})
}

fn rule(effect: Value) -> Value {
    json!({"id": "r", "name": "规则", "effect": effect})
}

#[test]
fn the_call_out_fee_and_published_tables_load() {
    let pricing = json!({
        "tier_tables": [
            {"id": "call-out-km", "unit": "km", "charge": {"model": "graduated", "tiers": [
                {"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]}},
            {"id": "stripe-volume", "charge": {"model": "volume", "tiers": [
                {"up_to": "5", "unit": "7.00"}, {"up_to": "10", "unit": "6.50"},
                {"up_to": null, "unit": "6.00"}]}},
            {"id": "steps", "charge": {"model": "stairstep", "tiers": [
                {"up_to": "20", "flat": "20"}, {"up_to": null, "flat": "50", "unit": "0"}]}},
            {"id": "bags", "charge": {"model": "package", "size": "2", "free": "1",
                "price_per_package": "10"}},
            {"id": "fee", "charge": {"model": "percentage", "rate": "0.006",
                "fixed_fee": "0.3", "min": "1", "max": "1"}}
        ],
        "groups": [{"id": "fees", "name": "上门费", "stacking": "first_match",
            "applies_to": {"scope": "ticket"},
            "rules": [{"id": "km", "name": "按公里", "when": "distance_km > 0",
                "effect": {"kind": "tiered_fee", "table": "call-out-km",
                    "quantity": "distance_km", "transform": {"round": "up", "step": "1"},
                    "item": "call-out"}}]}]
    });
    assert_eq!(check(pricing), pairs(&[]));
}

#[test]
fn ids_are_unique_and_references_resolve() {
    let pricing = json!({
        "tier_tables": [
            {"id": "t", "charge": {"model": "package", "size": "1", "price_per_package": "1"}},
            {"id": "t", "charge": {"model": "package", "size": "1", "price_per_package": "1"}}
        ],
        "groups": [
            {"id": "g", "name": "a", "stacking": "first_match",
             "applies_to": {"scope": "lines", "items": ["ac-claen"], "categories": ["aircon"]},
             "rules": [{"id": "r", "name": "x", "target": {"items": ["nope"]},
                 "effect": {"kind": "percent_off", "percent": "10"}}]},
            {"id": "g", "name": "b", "stacking": "all_in_order",
             "applies_to": {"scope": "ticket"},
             "rules": [
                 {"id": "r", "name": "y", "effect": {"kind": "tiered_fee", "table": "tt",
                     "quantity": "distance_km", "item": "call-out"}},
                 {"id": "r2", "name": "z", "effect": {"kind": "add_line", "item": "callout"}}
             ]}
        ]
    });
    assert_eq!(
        check(pricing),
        pairs(&[
            ("duplicate-id", "/pricing/tier_tables/1/id"),
            ("duplicate-id", "/pricing/groups/1/id"),
            ("duplicate-id", "/pricing/groups/1/rules/0/id"),
            ("unknown-reference", "/pricing/groups/0/applies_to/items/0"),
            (
                "unknown-reference",
                "/pricing/groups/0/applies_to/categories/0"
            ),
            (
                "unknown-reference",
                "/pricing/groups/0/rules/0/target/items/0"
            ),
            (
                "unknown-reference",
                "/pricing/groups/1/rules/0/effect/table"
            ),
            ("unknown-reference", "/pricing/groups/1/rules/1/effect/item"),
        ])
    );
}

#[test]
fn unknown_references_suggest_the_closest_id() {
    let pricing = json!({
        "tier_tables": [{"id": "call-out-km", "charge": {"model": "package", "size": "1",
            "price_per_package": "1"}}],
        "groups": [{"id": "g", "name": "a", "stacking": "first_match",
            "applies_to": {"scope": "lines", "categories": ["air-conditoning"]},
            "rules": [rule(json!({"kind": "percent_off", "percent": "1"}))]},
            {"id": "g2", "name": "b", "stacking": "first_match",
            "applies_to": {"scope": "ticket"},
            "rules": [{"id": "r2", "name": "b", "effect": {"kind": "tiered_fee",
                "table": "call-out-kms", "quantity": "distance_km"}}]}]
    });
    let bundle = format!(
        r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG}, "pricing": {pricing}}}"#
    );
    let hints: Vec<String> = crate::validate_bundle(&bundle)
        .into_iter()
        .filter_map(|p| p.hint.map(|h| h.en))
        .collect();
    assert_eq!(
        hints,
        vec![
            "did you mean `air-conditioning`?".to_owned(),
            "did you mean `call-out-km`?".to_owned()
        ]
    );
}

#[test]
fn tiers_ascend_strictly_with_only_the_last_open() {
    let pricing = json!({"tier_tables": [
        {"id": "a", "charge": {"model": "graduated", "tiers": [
            {"up_to": "0"}, {"up_to": "10"}, {"up_to": "10"}, {"up_to": null},
            {"up_to": "5"}, {"up_to": null}]}},
        {"id": "b", "charge": {"model": "volume", "tiers": [
            {"up_to": "10"}, {"up_to": "20"}]}},
        {"id": "c", "charge": {"model": "stairstep", "tiers": [
            {"up_to": "-1", "flat": "5", "unit": "2"}, {"up_to": null, "unit": "0"}]}},
        {"id": "d", "charge": {"model": "graduated", "tiers": []}}
    ]});
    assert_eq!(
        check(pricing),
        pairs(&[("invalid-value", "/pricing/tier_tables/3/charge/tiers")])
    );
    let pricing = json!({"tier_tables": [
        {"id": "a", "charge": {"model": "graduated", "tiers": [
            {"up_to": "0"}, {"up_to": "10"}, {"up_to": "10"}, {"up_to": null},
            {"up_to": "5"}, {"up_to": null}]}},
        {"id": "b", "charge": {"model": "volume", "tiers": [
            {"up_to": "10"}, {"up_to": "20"}]}},
        {"id": "c", "charge": {"model": "stairstep", "tiers": [
            {"up_to": "-1", "flat": "5", "unit": "2"}, {"up_to": null, "unit": "0"}]}}
    ]});
    assert_eq!(
        check(pricing),
        pairs(&[
            (
                "tiers-not-ascending",
                "/pricing/tier_tables/0/charge/tiers/0/up_to"
            ),
            (
                "tiers-not-ascending",
                "/pricing/tier_tables/0/charge/tiers/2/up_to"
            ),
            (
                "tiers-not-ascending",
                "/pricing/tier_tables/0/charge/tiers/3/up_to"
            ),
            (
                "tiers-not-ascending",
                "/pricing/tier_tables/0/charge/tiers/4/up_to"
            ),
            (
                "invalid-value",
                "/pricing/tier_tables/1/charge/tiers/1/up_to"
            ),
            (
                "tiers-not-ascending",
                "/pricing/tier_tables/2/charge/tiers/0/up_to"
            ),
            (
                "invalid-value",
                "/pricing/tier_tables/2/charge/tiers/0/unit"
            ),
        ])
    );
}

/// One tier model with settlement: the last tier's `up_to` may be `null` or left out; any
/// other tier without one is refused, as are a `rate` (pricing tiers price by `unit`) and
/// a closed last tier.
#[test]
fn the_last_bound_may_be_left_out_as_in_settlement() {
    let pricing = json!({"tier_tables": [{"id": "a", "charge": {"model": "graduated",
        "tiers": [{"up_to": "3", "flat": "30"}, {"unit": "5"}]}}]});
    assert_eq!(check(pricing), pairs(&[]));
    let pricing = json!({"tier_tables": [{"id": "a", "charge": {"model": "marginal",
        "tiers": [{"flat": "30"}, {"up_to": "3", "rate": "0.1"}]}}]});
    assert_eq!(
        check(pricing),
        pairs(&[
            (
                "tiers-not-ascending",
                "/pricing/tier_tables/0/charge/tiers/0/up_to"
            ),
            (
                "invalid-value",
                "/pricing/tier_tables/0/charge/tiers/1/up_to"
            ),
            (
                "invalid-value",
                "/pricing/tier_tables/0/charge/tiers/1/rate"
            ),
        ])
    );
}

#[test]
fn package_and_percentage_values_make_sense() {
    let pricing = json!({"tier_tables": [
        {"id": "a", "charge": {"model": "package", "size": "0", "free": "-1",
            "price_per_package": "10"}},
        {"id": "b", "charge": {"model": "package", "size": "-2", "price_per_package": "10"}},
        {"id": "c", "charge": {"model": "percentage", "rate": "1.5", "min": "10", "max": "5"}},
        {"id": "d", "charge": {"model": "flat_rate"}}
    ]});
    assert_eq!(
        check(pricing),
        pairs(&[("unknown-variant", "/pricing/tier_tables/3/charge/model")])
    );
    let pricing = json!({"tier_tables": [
        {"id": "a", "charge": {"model": "package", "size": "0", "free": "-1",
            "price_per_package": "10"}},
        {"id": "b", "charge": {"model": "package", "size": "-2", "price_per_package": "10"}},
        {"id": "c", "charge": {"model": "percentage", "rate": "1.5", "min": "10", "max": "5"}}
    ]});
    assert_eq!(
        check(pricing),
        pairs(&[
            ("invalid-value", "/pricing/tier_tables/0/charge/size"),
            ("negative", "/pricing/tier_tables/0/charge/free"),
            ("invalid-value", "/pricing/tier_tables/1/charge/size"),
            ("out-of-range", "/pricing/tier_tables/2/charge/rate"),
            ("invalid-value", "/pricing/tier_tables/2/charge/max"),
        ])
    );
}

#[test]
fn effects_are_checked_where_they_are_written() {
    let lines = json!({"scope": "lines", "item_kinds": ["part"]});
    let rules = json!([
        {"id": "a", "name": "a", "effect": {"kind": "percent_off", "percent": "120"}},
        {"id": "b", "name": "b", "effect": {"kind": "percent_off", "percent": "-5"}},
        {"id": "c", "name": "c", "effect": {"kind": "markup", "percent": "-10"}},
        {"id": "d", "name": "d", "target": {"items": ["filter-mesh", "compressor"]},
            "effect": {"kind": "cost_times", "coefficient": "0"}},
        {"id": "e", "name": "e", "effect": {"kind": "tiered_fee", "quantity": "item.quantity",
            "table": {"model": "package", "size": "0", "price_per_package": "5"},
            "transform": {"round": "up", "step": "0"}, "item": "call-out"}},
        {"id": "f", "name": "f", "effect": {"kind": "add_line", "item": "call-out"}},
        {"id": "g", "name": "g", "effect": {"kind": "amount_off", "amount": "5"},
            "round_to": {"round": "down", "step": "-1"}}
    ]);
    assert_eq!(
        check(group(lines, rules)),
        pairs(&[
            ("out-of-range", "/pricing/groups/0/rules/0/effect/percent"),
            ("out-of-range", "/pricing/groups/0/rules/1/effect/percent"),
            ("out-of-range", "/pricing/groups/0/rules/2/effect/percent"),
            (
                "out-of-range",
                "/pricing/groups/0/rules/3/effect/coefficient"
            ),
            (
                "invalid-value",
                "/pricing/groups/0/rules/3/effect/coefficient"
            ),
            (
                "invalid-value",
                "/pricing/groups/0/rules/4/effect/table/size"
            ),
            (
                "invalid-value",
                "/pricing/groups/0/rules/4/effect/transform/step"
            ),
            ("invalid-value", "/pricing/groups/0/rules/4/effect/item"),
            ("invalid-value", "/pricing/groups/0/rules/5/effect/kind"),
            ("invalid-value", "/pricing/groups/0/rules/6/round_to/step"),
        ])
    );
}

#[test]
fn ticket_groups_do_not_target_lines() {
    let rules = json!([
        {"id": "a", "name": "a", "target": {"item_kinds": ["service"]},
            "effect": {"kind": "percent_off", "percent": "10"}},
        {"id": "b", "name": "b", "effect": {"kind": "cost_times", "coefficient": "1.2"}},
        {"id": "c", "name": "c", "when": "item.kind == 'part'",
            "effect": {"kind": "cap", "amount": "100"}}
    ]);
    assert_eq!(
        check(group(json!({"scope": "ticket"}), rules)),
        pairs(&[
            ("invalid-value", "/pricing/groups/0/rules/0/target"),
            ("invalid-value", "/pricing/groups/0/rules/1/effect/kind"),
            ("unknown-variable", "/pricing/groups/0/rules/2/when"),
        ])
    );
}

#[test]
fn expressions_compile_against_the_pricing_context() {
    let rules = json!([
        {"id": "a", "name": "a",
            "when": "'北京' in region_path and tier == 'vip' and item.category == 'x'",
            "effect": {"kind": "percent_off", "percent": "10"}},
        {"id": "b", "name": "b", "when": "ticket_typ == 'x'",
            "effect": {"kind": "percent_off", "percent": "10"}},
        {"id": "c", "name": "c", "when": "duration_h > (",
            "effect": {"kind": "percent_off", "percent": "10"}},
        {"id": "d", "name": "d", "when": "item.colour == 'red'",
            "effect": {"kind": "tiered_fee", "table": {"model": "volume",
                "tiers": [{"up_to": null, "unit": "1"}]}, "quantity": "wieght_kg"}}
    ]);
    let found = check(group(json!({"scope": "lines"}), rules));
    assert_eq!(
        found
            .iter()
            .filter(|(c, _)| c != "expression-syntax")
            .cloned()
            .collect::<Vec<_>>(),
        pairs(&[
            ("unknown-variable", "/pricing/groups/0/rules/1/when"),
            ("unknown-variable", "/pricing/groups/0/rules/3/when"),
            (
                "unknown-variable",
                "/pricing/groups/0/rules/3/effect/quantity"
            ),
        ])
    );
    assert!(
        found
            .iter()
            .any(|(c, p)| c == "expression-syntax" && p == "/pricing/groups/0/rules/2/when"),
        "{found:?}"
    );
}

#[test]
fn validity_windows_end_after_they_start() {
    let window = |from: &str, until: &str| {
        json!({"id": "w", "name": "w", "valid": {"from": from, "until": until,
            "time_zone": "Asia/Shanghai"},
            "effect": {"kind": "percent_off", "percent": "10"}})
    };
    let rules = json!([
        window("2026-11-11T00:00:00+08:00", "2026-11-12T00:00:00+08:00"),
        window("2026-11-12T00:00:00+08:00", "2026-11-11T00:00:00+08:00"),
        // The same instant written in two offsets: an empty window.
        window("2026-11-11T00:00:00+08:00", "2026-11-10T16:00:00Z"),
        {"id": "x", "name": "x", "valid": {},
            "effect": {"kind": "percent_off", "percent": "10"}},
        window("2026-11-31T00:00:00+08:00", "2026-11-12T00:00:00+08:00")
    ]);
    let mut rules = rules;
    if let Some(list) = rules.as_array_mut() {
        for (i, rule) in list.iter_mut().enumerate() {
            rule["id"] = json!(format!("w{i}"));
        }
    }
    assert_eq!(
        check(group(json!({"scope": "ticket"}), rules.clone())),
        pairs(&[("invalid-instant", "/pricing/groups/0/rules/4/valid/from")])
    );
    if let Some(list) = rules.as_array_mut() {
        list.pop();
    }
    let problems = check(group(json!({"scope": "ticket"}), rules));
    assert_eq!(
        problems,
        pairs(&[
            ("ends-before-start", "/pricing/groups/0/rules/1/valid/until"),
            ("ends-before-start", "/pricing/groups/0/rules/2/valid/until"),
            ("invalid-value", "/pricing/groups/0/rules/3/valid"),
        ])
    );
}

#[test]
fn an_empty_group_is_only_a_warning() {
    let bundle = format!(
        r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG},
            "pricing": {{"groups": [{{"id": "g", "name": "空", "stacking": "first_match",
            "applies_to": {{"scope": "ticket"}}}}]}}}}"#
    );
    let loaded = crate::Bundle::from_json(&bundle).unwrap_or_else(|p| unreachable!("{p:?}"));
    // The bundle loads and keeps the warning; validating reports it.
    assert_eq!(loaded.warnings(), crate::validate_bundle(&bundle));
    assert_eq!(loaded.warnings().len(), 1, "{:?}", loaded.warnings());
    let mut ctx = crate::check::Ctx::new();
    let doc: crate::format::BundleDoc = serde_json::from_str(&bundle).unwrap_or_else(|e| {
        unreachable!("{e}");
    });
    crate::format::check(&doc, &mut ctx);
    let problems = ctx.diag.into_problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "/pricing/groups/0/rules");
    assert_eq!(problems[0].severity, crate::Severity::Warning);
}

#[test]
fn a_catch_all_rule_hides_the_rules_after_it_in_a_first_match_group() {
    let effect = json!({"kind": "percent_off", "percent": "10"});
    let bundle = |stacking: &str| {
        let pricing = json!({"groups": [{"id": "g", "name": "g", "stacking": stacking,
        "applies_to": {"scope": "ticket"}, "rules": [
            {"id": "vip", "name": "vip", "priority": 1, "when": "tier == 'vip'",
                "effect": effect},
            {"id": "all", "name": "all", "priority": 2, "effect": effect},
            {"id": "svip", "name": "svip", "priority": 3, "when": "tier == 'svip'",
                "effect": effect},
            {"id": "off", "name": "off", "priority": 3, "enabled": false,
                "effect": effect},
            {"id": "first", "name": "first", "when": "tier == 'normal'",
                "effect": effect}
        ]}]});
        format!(
            r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG}, "pricing": {pricing}}}"#
        )
    };
    let mut ctx = crate::check::Ctx::new();
    let doc: crate::format::BundleDoc =
        serde_json::from_str(&bundle("first_match")).unwrap_or_else(|e| unreachable!("{e}"));
    crate::format::check(&doc, &mut ctx);
    let found: Vec<_> = ctx
        .diag
        .into_problems()
        .into_iter()
        .map(|p| (p.severity, p.path, p.message.en))
        .collect();
    assert_eq!(
        found,
        vec![(
            crate::Severity::Warning,
            "/pricing/groups/0/rules/2".to_owned(),
            "rule `svip` never applies: the group takes the first match, and `all` before it \
                 has no condition, so it always matches"
                .to_owned()
        )]
    );
    // Stacking all rules in order, nothing is hidden, and warnings never fail a load.
    assert!(crate::Bundle::from_json(&bundle("first_match")).is_ok());
    let mut ctx = crate::check::Ctx::new();
    let doc: crate::format::BundleDoc =
        serde_json::from_str(&bundle("all_in_order")).unwrap_or_else(|e| unreachable!("{e}"));
    crate::format::check(&doc, &mut ctx);
    assert!(ctx.diag.into_problems().is_empty());
}

#[test]
fn stacking_and_scope_are_required() {
    let pricing = json!({"groups": [{"id": "g", "name": "g", "rules": []},
        {"id": "h", "name": "h", "stacking": "best", "applies_to": {"scope": "order"}}]});
    assert_eq!(
        check(pricing),
        pairs(&[
            ("missing-field", "/pricing/groups/0/stacking"),
            ("missing-field", "/pricing/groups/0/applies_to"),
            ("unknown-variant", "/pricing/groups/1/stacking"),
            ("unknown-variant", "/pricing/groups/1/applies_to/scope"),
        ])
    );
}

#[test]
fn the_model_round_trips_through_serde() {
    let pricing = json!({
        "tier_tables": [{"id": "t", "charge": {"model": "graduated", "tiers": [
            {"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]}}],
        "groups": [{"id": "g", "name": "g", "stacking": "best_for_customer",
            "applies_to": {"scope": "lines", "item_kinds": ["service"]},
            "rules": [{"id": "r", "name": "r", "priority": 5,
                "effect": {"kind": "set_price", "price": "99"}}]}]
    });
    let model: super::Pricing = serde_json::from_value(pricing.clone()).unwrap_or_default();
    assert_eq!(model.groups.len(), 1);
    assert!(matches!(
        model.tier_tables.first().map(|t| &t.charge),
        Some(super::Charge::Graduated { tiers }) if tiers.len() == 2
    ));
    assert_eq!(serde_json::to_value(&model).ok(), Some(pricing));
}
