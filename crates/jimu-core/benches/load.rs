//! Load + validate of a large bundle: 500 flow nodes, 200 form fields, 1,000 price rules.
//! The goal (issue "the bundle") is well under 20 ms natively; see BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;

/// A valid bundle of the size the goal names, with an expression on most parts.
fn large_bundle() -> String {
    let nodes: Vec<Value> = (0..500)
        .map(|i| match i {
            0 => json!({"id": "n0", "name": "开始", "kind": "start", "next": "n1"}),
            499 => json!({"id": "n499", "name": "结束", "kind": "end"}),
            _ => json!({
                "id": format!("n{i}"),
                "name": format!("步骤 {i}"),
                "kind": "task",
                "assign": {"strategy": "round_robin", "to": {"role": "cs"}},
                "actions": [{
                    "id": "next",
                    "label": "下一步",
                    "to": format!("n{}", i + 1),
                    "guard": format!("ticket.priority != 'low' or {i} > 3"),
                }],
            }),
        })
        .collect();
    let fields: Vec<Value> = (0..200)
        .map(|i| {
            let mut field =
                json!({"id": format!("f{i}"), "kind": "number", "label": format!("字段 {i}")});
            if i > 0 {
                field["visible_if"] = json!(format!("f{} > 0", i - 1));
            }
            field
        })
        .collect();
    let groups: Vec<Value> = (0..10)
        .map(|g| {
            let rules: Vec<Value> = (0..100)
                .map(|r| {
                    json!({
                        "id": format!("g{g}-r{r}"),
                        "name": format!("规则 {g}-{r}"),
                        "priority": r,
                        "when": format!("region == '北京' and distance_km > {r} and tier != 'normal'"),
                        "effect": {"kind": "percent_off", "percent": "5"},
                    })
                })
                .collect();
            json!({
                "id": format!("g{g}"),
                "name": format!("规则组 {g}"),
                "stacking": "all_in_order",
                "applies_to": {"scope": "ticket"},
                "rules": rules,
            })
        })
        .collect();
    json!({
        "schema_version": 2,
        "name": "large",
        "currency": "CNY",
        "time_zone": "Asia/Shanghai",
        "org": {"roles": [{"id": "cs", "name": "客服"}]},
        "catalog": [{"id": "call-out", "name": "上门费", "kind": "service", "price": "30.00"}],
        "forms": [{"id": "big", "name": "大表单", "fields": fields}],
        "flows": [{"id": "long", "name": "长流程", "nodes": nodes}],
        "pricing": {"groups": groups},
    })
    .to_string()
}

fn load(c: &mut Criterion) {
    let text = large_bundle();
    let problems = jimu_core::validate_bundle(&text);
    assert!(
        problems.is_empty(),
        "the benchmark bundle must be valid: {problems:#?}"
    );
    let mut group = c.benchmark_group("bundle");
    group.sample_size(20);
    group.bench_function("load_validate_large", |b| {
        b.iter(|| {
            jimu_core::Bundle::from_json(black_box(&text))
                .map(|_| ())
                .map_err(|p| p.len())
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
