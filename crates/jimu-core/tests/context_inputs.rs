//! `price::context_inputs` on the pricing scenarios of `tests/bundles/valid/pricing-*.json`:
//! exactly the context variables their rules read, with declared types, the values to offer
//! and what reads each — and a context built from that list alone prices every line of the
//! catalog without a `missing-context` problem, while an empty one does not.
#![cfg(not(target_arch = "wasm32"))]

use jimu_core::expr::VarType;
use jimu_core::price::{ContextInput, context_inputs};
use jimu_core::{Bundle, ProblemCode, QuoteOutcome};
use serde_json::{Map, Value, json};

fn bundle(name: &str) -> Bundle {
    let path = format!(
        "{}/../../tests/bundles/valid/pricing-{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Bundle::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

const TREE: [&str; 6] = [
    "beijing",
    "beijing-city",
    "bj-chaoyang",
    "shanghai",
    "shanghai-city",
    "sh-pudong",
];

fn rule(g: usize, r: usize, what: &str) -> String {
    format!("/pricing/groups/{g}/rules/{r}/{what}")
}

fn input(name: &str, var_type: VarType, options: &[&str], read_by: &[String]) -> ContextInput {
    ContextInput {
        name: name.to_owned(),
        var_type,
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        read_by: read_by.to_vec(),
    }
}

fn expected() -> Vec<(&'static str, Vec<ContextInput>)> {
    use VarType::{Number, String};
    vec![
        // `in_region('beijing')` reads the region path, which comes from `region`: the panel
        // offers every region of the tree.
        (
            "beijing-ac-cleaning",
            vec![input("region", String, &TREE, &[rule(0, 0, "when")])],
        ),
        // A tiered fee fed by the distance: the table reads its quantity.
        (
            "call-out-distance",
            vec![input(
                "distance_km",
                Number,
                &[],
                &[rule(0, 0, "effect/quantity")],
            )],
        ),
        // No condition reads `now`, but every rule has a validity window; `subtotal` comes
        // from the engine, not the context.
        (
            "double-11",
            vec![input(
                "now",
                String,
                &[],
                &[
                    "/pricing/groups/0/rules/0/valid".to_owned(),
                    "/pricing/groups/0/rules/1/valid".to_owned(),
                    "/pricing/groups/1/rules/0/valid".to_owned(),
                ],
            )],
        ),
        (
            "overtime-equipment-maintenance",
            vec![
                input(
                    "ticket_type",
                    String,
                    &["equipment_maintenance"],
                    &[rule(0, 0, "when")],
                ),
                input(
                    "duration_h",
                    Number,
                    &[],
                    &[
                        rule(0, 0, "when"),
                        rule(0, 0, "effect/quantity"),
                        rule(0, 1, "effect/quantity"),
                    ],
                ),
            ],
        ),
        // `item.quantity == 1` reads the line, not the context.
        (
            "parts-cost-coefficient",
            vec![input(
                "channel",
                String,
                &["warranty"],
                &[rule(0, 0, "when")],
            )],
        ),
        (
            "porterage",
            vec![
                input(
                    "weight_kg",
                    Number,
                    &[],
                    &[rule(0, 0, "when"), rule(0, 0, "effect/quantity")],
                ),
                input(
                    "count",
                    Number,
                    &[],
                    &[rule(0, 1, "when"), rule(0, 1, "effect/quantity")],
                ),
            ],
        ),
        // Tier tables alone (no rule uses them here): nothing to ask for.
        ("published-tiers", vec![]),
        (
            "shanghai-repair-labour",
            vec![input("region", String, &TREE, &[rule(0, 0, "when")])],
        ),
        // Both literals the rules compare the tier with, in the order written.
        (
            "vip-service-fee",
            vec![input(
                "tier",
                String,
                &["svip", "vip"],
                &[rule(0, 0, "when"), rule(0, 1, "when")],
            )],
        ),
    ]
}

#[test]
fn every_pricing_scenario_lists_what_its_rules_read() {
    let dir = format!("{}/../../tests/bundles/valid", env!("CARGO_MANIFEST_DIR"));
    let scenarios = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("pricing-")
        })
        .count();
    let expected = expected();
    assert_eq!(
        expected.len(),
        scenarios,
        "a pricing scenario is not listed"
    );
    for (name, inputs) in expected {
        assert_eq!(context_inputs(&bundle(name)), inputs, "{name}");
    }
}

/// A value of the input's type: its first offered value, or a plain one.
fn sample(input: &ContextInput) -> Value {
    if let Some(first) = input.options.first() {
        return json!(first);
    }
    match (input.name.as_str(), &input.var_type) {
        ("now", _) => json!("2026-11-11T10:00:00+08:00"),
        (_, VarType::Number) => json!("5"),
        _ => json!("x"),
    }
}

#[test]
fn a_context_of_exactly_those_inputs_prices_every_line() {
    for (name, _) in expected() {
        let b = bundle(name);
        let lines: Vec<Value> = b
            .item_ids()
            .map(|id| json!({"item": id, "quantity": "1"}))
            .collect();
        let inputs = context_inputs(&b);
        let context: Map<String, Value> =
            inputs.iter().map(|i| (i.name.clone(), sample(i))).collect();
        let request = json!({"lines": lines, "context": context}).to_string();
        let outcome = jimu_core::quote_documents(&b_text(name), &request);
        assert!(
            matches!(outcome, QuoteOutcome::Quoted { .. }),
            "{name}: {outcome:?}"
        );
        // Without them, a rule misses one (when the rules read anything).
        let bare = json!({"lines": lines}).to_string();
        let outcome = jimu_core::quote_documents(&b_text(name), &bare);
        let missing = match &outcome {
            QuoteOutcome::Invalid { problems, .. } => problems
                .iter()
                .any(|p| p.code == ProblemCode::MissingContext),
            QuoteOutcome::Quoted { .. } => false,
        };
        assert_eq!(missing, !inputs.is_empty(), "{name}: {outcome:?}");
    }
}

fn b_text(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../tests/bundles/valid/pricing-{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}
