//! Settling 1,000,000 orders with a 4-party plan that includes a tier table, beside a
//! hand-written Rust function doing the same splits. The goal (issue "settlement engine") is
//! 1,000,000 orders per second per core natively; see BENCHMARKS.md.
//!
//! The plan: the store (named per order) takes 70% of franchise orders, the regional agent a
//! marginal tier over the order amount (0% to 1,000, 3% above), the technician (named per
//! order) 8 CNY per unit, HQ the rest; largest-remainder allocation in CNY. Orders cycle
//! through a pool of 1,024 distinct orders spread over one month; statements keep totals only
//! (a million orders' lines are what the split stream is for).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jimu_core::Bundle;
use jimu_core::settle::{Order, Settler};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::json;
use std::hint::black_box;

const ORDERS: u64 = 1_000_000;

/// The plan, shared with the wasm package's Node harness (crates/jimu-wasm/bench/settle.mjs).
const BUNDLE: &str = include_str!("fixtures/settle-bundle.json");

fn bundle() -> Bundle {
    Bundle::from_json(BUNDLE).expect("the bench bundle is valid")
}

fn pool() -> Vec<Order> {
    (0..1024u32)
        .map(|i| {
            let cents = 10_000 + i64::from(i) * 7_919 % 500_000;
            let value = json!({
                "id": format!("o{i}"),
                "amount": Decimal::new(cents, 2).to_string(),
                "quantity": (i % 3 + 1).to_string(),
                "store_type": if i % 4 == 0 { "direct" } else { "franchise" },
                "placed_at": format!("2026-11-{:02}T{:02}:30:00+08:00", i % 28 + 1, i % 24),
                "payees": {"store": format!("s{}", i % 37), "tech": format!("t{}", i % 101)}
            });
            Order::from_json(&value, None).expect("a valid order")
        })
        .collect()
}

/// The same splits by hand: the four shares of one order, rounded by largest remainder.
fn hand_split(amount: Decimal, quantity: Decimal, franchise: bool) -> [Decimal; 4] {
    let store_rate = if franchise {
        Decimal::new(70, 2)
    } else {
        Decimal::new(30, 2)
    };
    let store = amount * store_rate;
    let over = amount - Decimal::ONE_THOUSAND;
    let agent = if over > Decimal::ZERO {
        over * Decimal::new(3, 2)
    } else {
        Decimal::ZERO
    };
    let tech = Decimal::new(800, 2) * quantity;
    let hq = amount - store - agent - tech;
    let raw = [store, agent, tech, hq];
    let mut floors = raw.map(|r| r.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity));
    let total = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let mut left = ((total - floors.iter().sum::<Decimal>()) * Decimal::ONE_HUNDRED)
        .round()
        .mantissa();
    while left > 0 {
        let mut best = 0;
        for i in 1..4 {
            if raw[i] - floors[i] > raw[best] - floors[best] {
                best = i;
            }
        }
        floors[best] += Decimal::new(1, 2);
        left -= 1;
    }
    floors
}

fn settle(c: &mut Criterion) {
    let bundle = bundle();
    let orders = pool();
    let mut check = Settler::new(&bundle, false);
    for order in &orders {
        let split = check.settle(order).expect("settles");
        let franchise = order.text_field("store_type") == Some("franchise");
        let hand = hand_split(order.amount(), order.quantity(), franchise);
        let engine: Vec<Decimal> = split.shares.iter().map(|s| s.amount).collect();
        assert_eq!(engine, hand, "order {}", order.id);
    }

    let mut group = c.benchmark_group("settle");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ORDERS));
    group.bench_function("engine_1m_orders", |b| {
        b.iter(|| {
            let mut settler = Settler::new(&bundle, false);
            for i in 0..ORDERS {
                let order = &orders[(i % 1024) as usize];
                black_box(settler.settle(order).expect("settles"));
            }
            black_box(settler.finish())
        });
    });
    group.bench_function("hand_written_1m_orders", |b| {
        b.iter(|| {
            let mut totals = std::collections::HashMap::<&str, Decimal>::new();
            for i in 0..ORDERS {
                let order = &orders[(i % 1024) as usize];
                let franchise = order.text_field("store_type") == Some("franchise");
                let shares = hand_split(order.amount(), order.quantity(), franchise);
                let payees = [
                    order.payees.get("store").map_or("", String::as_str),
                    "agent",
                    order.payees.get("tech").map_or("", String::as_str),
                    "hq",
                ];
                for (payee, share) in payees.into_iter().zip(shares) {
                    *totals.entry(payee).or_default() += share;
                }
            }
            black_box(totals)
        });
    });
    group.finish();
}

criterion_group!(benches, settle);
criterion_main!(benches);
