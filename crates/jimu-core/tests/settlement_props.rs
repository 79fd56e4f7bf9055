//! Properties of the settlement engine over random plans and orders: splits add up to the
//! cent, statements are the sum of their lines, arrival order does not matter, and a full
//! refund undoes an order.
#![cfg(not(target_arch = "wasm32"))]

use jimu_core::Bundle;
use jimu_core::settle::{Order, OrderSplit, Settler, Statement};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

/// A plan: up to three percentages and a fixed amount for the first parties, a tiered
/// commission over the order amount, and HQ takes the rest.
#[derive(Debug, Clone)]
struct PlanSpec {
    rates: Vec<Decimal>,
    fixed: Decimal,
    tier_rate: Decimal,
    allocation: &'static str,
    rounding: &'static str,
}

fn plan_spec() -> impl Strategy<Value = PlanSpec> {
    (
        prop::collection::vec(0u32..300, 1..4),
        0i64..500,
        0u32..50,
        prop::sample::select(vec!["largest_remainder", "to_remainder"]),
        prop::sample::select(vec!["half_away_from_zero", "half_even"]),
    )
        .prop_map(|(rates, fixed, tier, allocation, rounding)| PlanSpec {
            // Rates in thousandths; together below 90%, so HQ's remainder never goes negative
            // for orders above the fixed amount.
            rates: rates
                .into_iter()
                .map(|r| Decimal::new(i64::from(r), 3))
                .collect(),
            fixed: Decimal::new(fixed, 2),
            tier_rate: Decimal::new(i64::from(tier), 3),
            allocation,
            rounding,
        })
}

fn bundle(spec: &PlanSpec) -> Bundle {
    bundle_with(spec, &json!([]))
}

/// Period rules on top of [`bundle`]'s plan: a guarantee per technician (from the order), a
/// marginal rebate for the agent, a recoverable draw for the agent, a milestone for stores.
fn period_rules() -> serde_json::Value {
    json!([
        {"id": "tech-guarantee", "name": "技师保底", "party": "tech", "period": "month",
         "minimum": "800.00"},
        {"id": "agent-rebate", "name": "代理返利", "party": "agent", "period": "month",
         "tiers": [{"up_to": "20000", "rate": "0.01"}, {"up_to": null, "rate": "0.02"}]},
        {"id": "agent-draw", "name": "代理预支", "party": "agent", "period": "week",
         "draw": {"amount": "300.00", "recovery": "recoverable"}},
        {"id": "store-milestone", "name": "门店里程碑", "party": "store", "period": "month",
         "measure": "orders", "milestones": [{"at": "3", "amount": "66.66"}]}
    ])
}

fn bundle_with(spec: &PlanSpec, rules: &serde_json::Value) -> Bundle {
    let parties = ["store", "agent", "tech"];
    let mut components: Vec<serde_json::Value> = spec
        .rates
        .iter()
        .zip(parties)
        .map(
            |(rate, party)| json!({"kind": "percentage", "party": party, "rate": rate.to_string()}),
        )
        .collect();
    components.push(json!({"kind": "fixed", "party": "tech", "amount": spec.fixed.to_string()}));
    components.push(json!({"kind": "tiered", "party": "agent", "mode": "marginal",
        "tiers": [{"up_to": "1000", "rate": "0"}, {"up_to": null, "rate": spec.tier_rate.to_string()}]}));
    components.push(json!({"kind": "remainder", "party": "hq"}));
    let doc = json!({
        "schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "settlement": {
            "parties": [
                {"id": "hq", "name": "总部", "kind": "hq"},
                {"id": "store", "name": "门店", "kind": "store", "from_order": true},
                {"id": "agent", "name": "代理", "kind": "agent"},
                {"id": "tech", "name": "技师", "kind": "technician", "from_order": true}
            ],
            "plans": [{"id": "p", "name": "方案", "allocation": spec.allocation,
                       "rounding": spec.rounding, "components": components}],
            "period_rules": rules,
            "statements": {"cycle": "month", "settle_after_days": 1}
        }
    });
    Bundle::from_json(&doc.to_string()).unwrap_or_else(|p| panic!("{p:#?}"))
}

#[derive(Debug, Clone)]
struct OrderSpec {
    id: usize,
    cents: i64,
    day: u32,
    store: usize,
    tech: usize,
}

fn orders() -> impl Strategy<Value = Vec<OrderSpec>> {
    prop::collection::vec(
        (10_000i64..10_000_000, 1u32..29, 0usize..3, 0usize..4),
        1..25,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(id, (cents, day, store, tech))| OrderSpec {
                id,
                cents,
                day,
                store,
                tech,
            })
            .collect()
    })
}

fn order(spec: &OrderSpec, refund: bool) -> Order {
    let mut value = json!({
        "id": format!("o{}", spec.id),
        "amount": Decimal::new(spec.cents, 2).to_string(),
        "placed_at": format!("2026-11-{:02}T10:00:00+08:00", spec.day),
        "payees": {"store": format!("s{}", spec.store), "tech": format!("t{}", spec.tech)}
    });
    if refund {
        value["refund_of"] = value["id"].clone();
        value["refund_id"] = json!(format!("r{}", spec.id));
        value["refunded_at"] = json!(format!("2026-11-{:02}T18:00:00+08:00", spec.day));
    }
    Order::from_json(&value, None).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn settle(bundle: &Bundle, orders: &[Order]) -> (Vec<OrderSplit>, Vec<Statement>) {
    let mut settler = Settler::new(bundle, true);
    let splits = orders
        .iter()
        .map(|o| settler.settle(o).unwrap_or_else(|p| panic!("{p:#?}")))
        .collect();
    (splits, settler.finish())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn splits_add_up_and_statements_are_their_lines(spec in plan_spec(), specs in orders()) {
        let bundle = bundle(&spec);
        let orders: Vec<Order> = specs.iter().map(|s| order(s, false)).collect();
        let (splits, statements) = settle(&bundle, &orders);
        let mut all_shares = Decimal::ZERO;
        for split in &splits {
            let shares: Decimal = split.shares.iter().map(|s| s.amount).sum();
            prop_assert_eq!(shares + split.unallocated, split.amount, "{:?}", split);
            for share in &split.shares {
                prop_assert_eq!(share.amount.scale(), 2, "{:?}", share);
            }
            all_shares += shares;
        }
        let mut all_statements = Decimal::ZERO;
        for statement in &statements {
            let lines: Decimal = statement.lines.iter().map(|l| l.amount).sum();
            prop_assert_eq!(lines, statement.total, "{:?}", statement);
            all_statements += statement.total;
            prop_assert_eq!(statement.settles_on.as_deref(), Some("2026-12-01"));
        }
        prop_assert_eq!(all_statements, all_shares);
    }

    /// Every cent comes from someone: with guarantees, rebates, draws and milestones funded by
    /// HQ (the plan's remainder party), the parties' totals for every period add up exactly to
    /// the revenue settled in it, and every statement is still the sum of its lines.
    #[test]
    fn party_totals_add_up_to_revenue_for_every_period(
        spec in plan_spec(),
        specs in orders(),
        refunds in prop::collection::vec(any::<bool>(), 25),
    ) {
        let bundle = bundle_with(&spec, &period_rules());
        let mut orders: Vec<Order> = specs.iter().map(|s| order(s, false)).collect();
        orders.extend(specs.iter().zip(&refunds).filter(|(_, r)| **r).map(|(s, _)| order(s, true)));
        let (splits, statements) = settle(&bundle, &orders);
        let mut revenue: std::collections::BTreeMap<String, Decimal> = Default::default();
        for split in &splits {
            *revenue.entry(split.period.to_string()).or_default() += split.amount - split.unallocated;
        }
        let mut totals: std::collections::BTreeMap<String, Decimal> = Default::default();
        for statement in &statements {
            let lines: Decimal = statement.lines.iter().map(|l| l.amount).sum();
            prop_assert_eq!(lines, statement.total, "{:?}", statement);
            *totals.entry(statement.period.clone()).or_default() += statement.total;
        }
        for (period, total) in &totals {
            prop_assert_eq!(
                *total,
                revenue.get(period).copied().unwrap_or_default(),
                "period {}", period
            );
        }
        let (_, again) = settle(&bundle, &orders.iter().rev().cloned().collect::<Vec<_>>());
        prop_assert_eq!(&statements, &again);
    }

    #[test]
    fn arrival_order_does_not_matter(spec in plan_spec(), specs in orders(), rotate in 0usize..25) {
        let bundle = bundle(&spec);
        let orders: Vec<Order> = specs.iter().map(|s| order(s, false)).collect();
        let mut shuffled = orders.clone();
        shuffled.reverse();
        let by = rotate % shuffled.len();
        shuffled.rotate_left(by);
        let (_, a) = settle(&bundle, &orders);
        let (_, b) = settle(&bundle, &shuffled);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_full_refund_returns_every_party_to_where_it_was(spec in plan_spec(), specs in orders()) {
        let bundle = bundle(&spec);
        let mut orders: Vec<Order> = specs.iter().map(|s| order(s, false)).collect();
        orders.extend(specs.iter().map(|s| order(s, true)));
        let (splits, statements) = settle(&bundle, &orders);
        let (sales, refunds) = splits.split_at(specs.len());
        for (sale, refund) in sales.iter().zip(refunds) {
            prop_assert_eq!(refund.amount, -sale.amount);
            let back: Vec<Decimal> = refund.shares.iter().map(|s| -s.amount).collect();
            let paid: Vec<Decimal> = sale.shares.iter().map(|s| s.amount).collect();
            prop_assert_eq!(back, paid);
        }
        for statement in &statements {
            prop_assert!(statement.total.is_zero(), "{:?}", statement);
        }
    }
}

/// An order the plan cannot cover is a problem, not a negative share for HQ.
#[test]
fn a_plan_that_cannot_cover_the_amount_is_a_problem() {
    let spec = PlanSpec {
        rates: vec![Decimal::new(600, 3), Decimal::new(300, 3)],
        fixed: Decimal::new(5000, 2),
        tier_rate: Decimal::ZERO,
        allocation: "largest_remainder",
        rounding: "half_away_from_zero",
    };
    let bundle = bundle(&spec);
    let small = OrderSpec {
        id: 1,
        cents: 10_000,
        day: 3,
        store: 0,
        tech: 0,
    };
    let mut settler = Settler::new(&bundle, true);
    let problems = settler.settle(&order(&small, false)).unwrap_err();
    assert_eq!(problems[0].code.as_str(), "weights-not-covering");
    assert!(
        problems[0].message.en.contains("more than the 100.00"),
        "{:?}",
        problems[0]
    );
}

/// An order in another currency is refused, not settled as if it were in the bundle's.
#[test]
fn an_order_in_another_currency_is_a_problem() {
    let spec = PlanSpec {
        rates: vec![Decimal::new(100, 3)],
        fixed: Decimal::ZERO,
        tier_rate: Decimal::ZERO,
        allocation: "largest_remainder",
        rounding: "half_away_from_zero",
    };
    let bundle = bundle(&spec);
    let order = Order::from_json(
        &json!({"id": "o1", "amount": "100.00", "currency": "USD",
                "placed_at": "2026-11-03T10:00:00+08:00",
                "payees": {"store": "s1", "tech": "t1"}}),
        Some(7),
    )
    .unwrap();
    let problems = Settler::new(&bundle, true).settle(&order).unwrap_err();
    assert_eq!(
        (problems[0].code.as_str(), problems[0].path.as_str()),
        ("unknown-currency", "/currency")
    );
    assert!(
        problems[0].message.zh_cn.contains("USD"),
        "{:?}",
        problems[0]
    );
}

/// A recoverable draw: an advance up to the draw in a weak month, paid back from what later
/// months earn beyond it, within the periods allowed.
#[test]
fn a_recoverable_draw_is_advanced_then_recovered() {
    let doc = json!({
        "schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "settlement": {
            "parties": [
                {"id": "owner", "name": "店主", "kind": "hq"},
                {"id": "staff", "name": "店员", "kind": "technician"}
            ],
            "plans": [{"id": "p", "name": "方案", "components": [
                {"kind": "percentage", "party": "staff", "rate": "0.10"},
                {"kind": "remainder", "party": "owner"}]}],
            "period_rules": [{"id": "draw", "name": "预支", "party": "staff", "period": "month",
                "draw": {"amount": "2000.00", "recovery": "recoverable", "recover_over_periods": 2}}],
            "statements": {"cycle": "month", "settle_after_days": 1}
        }
    });
    let bundle = Bundle::from_json(&doc.to_string()).unwrap_or_else(|p| panic!("{p:#?}"));
    let mut settler = Settler::new(&bundle, true);
    // Staff earn 10%: 500.00 in September, 3000.00 in October, 2500.00 in November,
    // 4000.00 in December.
    for (month, amount) in [
        (9, "5000.00"),
        (10, "30000.00"),
        (11, "25000.00"),
        (12, "40000.00"),
    ] {
        let order = Order::from_json(
            &json!({"id": format!("o{month}"), "amount": amount,
                    "placed_at": format!("2026-{month:02}-10T10:00:00+08:00")}),
            None,
        )
        .unwrap();
        settler.settle(&order).unwrap();
    }
    let statements = settler.finish();
    let staff: Vec<(String, String)> = statements
        .iter()
        .filter(|s| s.payee == "staff")
        .map(|s| (s.period.clone(), s.total.to_string()))
        .collect();
    // September: 500.00 earned + 1500.00 advance. October: 3000.00 − 1000.00 recovered.
    // November: 2500.00 − 500.00 recovered (the last of it). December: 4000.00, nothing owed.
    assert_eq!(
        staff,
        [
            ("2026-09".to_owned(), "2000.00".to_owned()),
            ("2026-10".to_owned(), "2000.00".to_owned()),
            ("2026-11".to_owned(), "2000.00".to_owned()),
            ("2026-12".to_owned(), "4000.00".to_owned()),
        ]
    );
    // The balance on each of the staff's statements: owed before, advanced, recovered, carried
    // forward — 0 / 1500 / 0 / 1500, 1500 / 0 / 1000 / 500, 500 / 0 / 500 / 0, 0 / 0 / 0 / 0.
    let draws: Vec<[String; 4]> = statements
        .iter()
        .filter(|s| s.payee == "staff")
        .flat_map(|s| &s.draws)
        .map(|d| {
            [
                d.outstanding_before,
                d.advanced,
                d.recovered,
                d.carried_forward,
            ]
            .map(|v| v.to_string())
        })
        .collect();
    assert_eq!(
        draws,
        [
            ["0.00", "1500.00", "0.00", "1500.00"],
            ["1500.00", "0.00", "1000.00", "500.00"],
            ["500.00", "0.00", "500.00", "0.00"],
            ["0.00", "0.00", "0.00", "0.00"],
        ]
    );
    // The owner funds the advance and gets the recoveries back: September's counter-line is
    // −1500.00, October's +1000.00, November's +500.00; the owner's four statements add up
    // to 90% of the 100000.00 sold.
    let owner: Vec<String> = statements
        .iter()
        .filter(|s| s.payee == "owner")
        .flat_map(|s| s.lines.iter().filter(|l| l.order.is_none()))
        .map(|l| {
            format!(
                "{} {} {}",
                l.rule,
                l.paid_to.as_deref().unwrap_or(""),
                l.amount
            )
        })
        .collect();
    assert_eq!(
        owner,
        [
            "draw staff -1500.00",
            "draw staff 1000.00",
            "draw staff 500.00"
        ]
    );
    let owner_total: Decimal = statements
        .iter()
        .filter(|s| s.payee == "owner")
        .map(|s| s.total)
        .sum();
    assert_eq!(owner_total.to_string(), "90000.00");
}
