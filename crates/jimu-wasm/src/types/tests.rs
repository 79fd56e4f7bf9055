//! Every boundary output serializes exactly like its core type, byte for byte.

use super::*;
use jimu_core::Bundle;
use serde::Serialize;
use serde_json::json;

fn valid(name: &str) -> Bundle {
    let path = format!(
        "{}/../../tests/bundles/valid/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Bundle::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn same_json(boundary: &impl Serialize, core: &impl Serialize) {
    assert_eq!(
        serde_json::to_string_pretty(boundary).unwrap(),
        serde_json::to_string_pretty(core).unwrap()
    );
}

#[test]
fn boundary_json_equals_core_json() {
    let bundle = r#"{"schema_version":1,"currency":"CNY","catalog":[
        {"id":"a","name":{"zh-CN":"甲","en":"A"},"kind":"service","price":"1.005"}]}"#;
    for request in [
        r#"{"lines":[{"item":"a","quantity":"3"}]}"#,
        r#"{"lines":[{"item":"b","quantity":"-3"}]}"#,
        "{oops",
    ] {
        let core = jimu_core::quote_documents(bundle, request);
        let boundary = QuoteOutcome::from(core.clone());
        assert_eq!(
            serde_json::to_string_pretty(&boundary).unwrap(),
            serde_json::to_string_pretty(&core).unwrap()
        );
    }
    // Rules, adjustments and a trace cross the boundary unchanged too.
    let rules = include_str!("../../../../tests/bundles/valid/pricing-double-11.json");
    let request = r#"{"lines":[{"item":"ac-clean","quantity":"3"},{"item":"washer-clean","quantity":"1"}],
        "context":{"now":"2026-11-11T10:00:00+08:00"}}"#;
    let core = jimu_core::quote_documents(rules, request);
    let jimu_core::QuoteOutcome::Quoted { quote } = &core else {
        panic!("{core:?}");
    };
    assert!(!quote.trace.is_empty() && !quote.adjustments.is_empty());
    assert_eq!(
        serde_json::to_string_pretty(&QuoteOutcome::from(core.clone())).unwrap(),
        serde_json::to_string_pretty(&core).unwrap()
    );
    let mut problems = jimu_core::validate_bundle("{\"schema_version\": 1}");
    problems.extend(
        jimu_core::expr::Expr::compile("nope > 1", &jimu_core::expr::Scope::default()).unwrap_err(),
    );
    let report = ValidationReport::from(problems.clone());
    assert!(!report.ok);
    assert_eq!(
        serde_json::to_value(&report.problems).unwrap(),
        serde_json::to_value(&problems).unwrap()
    );
}

/// Forms: field states, masked values, issues and the outgoing values.
#[test]
fn form_evaluations_cross_unchanged() {
    let bundle = valid("form-permissions");
    let values = json!({"deal_amount": "1200.00", "cost": "700.00", "phone": "13812345678",
        "id_number": "11010519491231002X"});
    for role in [None, Some("sales"), Some("finance"), Some("auditor")] {
        let core = jimu_core::forms::evaluate(&bundle, "deal", &values, role, &json!({})).unwrap();
        same_json(&FormEvaluation::from(core.clone()), &core);
    }
    let bad = json!({"deal_amount": "twelve", "nope": 1});
    let core = jimu_core::forms::evaluate(&bundle, "deal", &bad, None, &json!({})).unwrap();
    assert!(!core.errors.is_empty());
    same_json(&FormEvaluation::from(core.clone()), &core);
}

/// The context the TypeScript declarations offer is the one the core's reader accepts.
#[test]
fn the_declared_form_context_has_the_core_s_keys() {
    let all = FormContext {
        channel: Some(String::new()),
        region: Some(String::new()),
        now: Some(String::new()),
        user: Some(String::new()),
    };
    let declared: Vec<String> = serde_json::to_value(all)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(declared, jimu_core::forms::CONTEXT_KEYS);
}

/// Settlement: splits (with refunds) and statements with their lines.
#[test]
fn splits_and_statements_cross_unchanged() {
    let bundle = valid("settlement-franchise-vs-direct");
    let payees =
        json!({"store": "gz-tianhe", "regional-agent": "agent-south", "technician": "tech-li"});
    let orders = [
        json!({"id": "fd-1", "amount": "999.99", "placed_at": "2026-03-31T10:00:00+08:00",
            "store_type": "franchise", "province": "guangdong", "promotion": "spring-sale",
            "payees": payees}),
        json!({"id": "fd-2", "amount": "1234.56", "placed_at": "2026-03-31T11:00:00+08:00",
            "store_type": "franchise", "province": "guangdong", "promotion": "",
            "payees": payees}),
        json!({"id": "fd-1", "refund_of": "fd-1", "refund_id": "r-1",
            "refunded_at": "2026-04-01T10:00:00+08:00", "amount": "999.99",
            "placed_at": "2026-03-31T10:00:00+08:00", "store_type": "franchise",
            "province": "guangdong", "promotion": "spring-sale", "payees": payees}),
    ];
    let mut splits = 0;
    let statements = jimu_core::settle::settle_stream(
        &bundle,
        orders
            .iter()
            .map(|o| jimu_core::settle::Order::from_json(o, None)),
        true,
        |_, result| {
            if let Ok(split) = result {
                splits += 1;
                same_json(&OrderSplit::from(split), split);
            }
        },
    );
    assert!(splits >= 2 && !statements.is_empty());
    for statement in statements {
        same_json(&Statement::from(statement.clone()), &statement);
    }
}

/// Tickets: state, every log entry and the simulation timeline with its refusals.
#[test]
fn tickets_and_timelines_cross_unchanged() {
    let runs = [
        (
            "flow-appliance-repair",
            include_str!("../../../../tests/runners/scripts/appliance-repair.json"),
        ),
        (
            "flow-notifications",
            include_str!("../../../../tests/runners/scripts/notifications.json"),
        ),
        (
            "flow-side-effects",
            include_str!("../../../../tests/runners/scripts/side-effects.json"),
        ),
    ];
    let mut kinds = std::collections::BTreeSet::new();
    for (name, text) in runs {
        let bundle = valid(name);
        let script = jimu_core::ticket::Script::from_json(text).unwrap();
        let core = jimu_core::ticket::simulate(&bundle, &script.commands, script.until);
        let ticket = core.ticket.as_ref().unwrap();
        same_json(&TicketRecord::from(ticket), ticket);
        for happening in &core.timeline {
            let value = serde_json::to_value(happening).unwrap();
            kinds.insert(value["kind"].as_str().unwrap().to_owned());
        }
        same_json(&Timeline::from(core.clone()), &core);
    }
    for kind in [
        "created",
        "entered",
        "acted",
        "sla_started",
        "notify",
        "event",
        "closed",
    ] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
    // No ticket at all: `null`, and the refusal of the first command.
    let bundle = valid("flow-appliance-repair");
    let script = jimu_core::ticket::Script::from_json(
        r#"{"commands": [{"at": "2026-11-16T09:00:00+08:00", "tick": true}]}"#,
    )
    .unwrap();
    let core = jimu_core::ticket::simulate(&bundle, &script.commands, None);
    assert!(core.ticket.is_none() && core.refusals.len() == 1);
    same_json(&Timeline::from(core.clone()), &core);
}
