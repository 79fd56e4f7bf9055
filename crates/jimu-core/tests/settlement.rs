//! The settlement scenarios of the domain brief, one test each, on the bundles in
//! `tests/bundles/valid/settlement-*.json`; every number is worked out by hand in the comments.
//!
//! How to read the expectations:
//! - Shares are listed as (party, payee, component, amount) in component order. A component
//!   without an `id` is named `<kind>-<position>` (`remainder-3`); a channel that settles on the
//!   list amount adds a `promotion-funding` share first.
//! - Rounding follows "Money" of the shared semantics: under `largest_remainder` every raw share is
//!   floored to the cent and the leftover cents go to the largest fractional parts, ties to the
//!   component listed first; a refund is split symmetrically.
//! - Design decisions of the engine that the expectations rely on:
//!   - A `tiered` component over a period measure (`period_amount`, …) pays nothing per order:
//!     `Settler::finish` closes the period and pays the tiers over the period's whole attainment
//!     (a true-up) as a statement line without an order, with a counter-line of the same amount
//!     on the plan's `remainder` party (who funded the order's base).
//!   - Period rules (rebates, milestones, guarantees, draws) are also paid at `finish`, as lines
//!     without an order or a plan, each with a counter-line on the party funding it (`funded_by`,
//!     by default the plans' remainder party), so a period's statements add up to its revenue.
//!     A guarantee or a draw pays every payee of its party for every period the batch covers,
//!     orders or not.
//!   - A refund record repeats its order; the order's split is recomputed and reversed under the
//!     first refund rule whose `when` holds (prorated by remaining hours, minus deductions), each
//!     share by refund / paid, rounded by largest remainder, in the period of `refunded_at`.
//!   - Statements are keyed by (payee, period) and sorted; `settles_on` is the period's last day
//!     plus `settle_after_days` (calendar days, or working days of `statements.calendar`).
#![cfg(not(target_arch = "wasm32"))]

use jimu_core::Bundle;
use jimu_core::settle::{Order, OrderSplit, Settler, Statement};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

fn bundle(name: &str) -> Bundle {
    let path = format!(
        "{}/../../tests/bundles/valid/settlement-{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    Bundle::from_json(&text).unwrap_or_else(|problems| panic!("{path}: {problems:#?}"))
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn order(value: &Value) -> Order {
    Order::from_json(value, None).unwrap_or_else(|problems| panic!("{value}: {problems:#?}"))
}

/// Settles one order (or refund), which must succeed and add up: shares + unallocated = amount.
#[track_caller]
fn settle(settler: &mut Settler<'_>, value: &Value) -> OrderSplit {
    let split = settler
        .settle(&order(value))
        .unwrap_or_else(|problems| panic!("{value}: {problems:#?}"));
    let shares: Decimal = split.shares.iter().map(|s| s.amount).sum();
    assert_eq!(
        shares + split.unallocated,
        split.amount,
        "the shares of {} do not add up",
        split.order
    );
    split
}

/// A refund record: the order's fields again, with `refund_of`, `refund_id`, `refunded_at`, and
/// `changes` (the hours still remaining at the refund, …).
fn refund(sale: &Value, refund_id: &str, refunded_at: &str, changes: &Value) -> Value {
    let mut record = sale.clone();
    record["refund_of"] = sale["id"].clone();
    record["refund_id"] = json!(refund_id);
    record["refunded_at"] = json!(refunded_at);
    if let Value::Object(changes) = changes {
        for (key, value) in changes {
            record[key] = value.clone();
        }
    }
    record
}

/// The split's plan, period, amount and every share as (party, payee, component, amount).
#[track_caller]
fn assert_split(
    split: &OrderSplit,
    plan: &str,
    period: &str,
    amount: &str,
    shares: &[(&str, &str, &str, &str)],
) {
    assert_eq!(&*split.plan, plan, "the plan of {}", split.order);
    assert_eq!(&*split.period, period, "the period of {}", split.order);
    assert_eq!(
        split.amount.to_string(),
        amount,
        "the amount of {}",
        split.order
    );
    let got: Vec<(&str, &str, &str, String)> = split
        .shares
        .iter()
        .map(|s| (&*s.party, &*s.payee, &*s.component, s.amount.to_string()))
        .collect();
    let want: Vec<(&str, &str, &str, String)> = shares
        .iter()
        .map(|(party, payee, component, amount)| (*party, *payee, *component, (*amount).into()))
        .collect();
    assert_eq!(got, want, "the shares of {}", split.order);
}

/// Every statement as (payee, period, settles_on, total), sorted by payee and period.
fn summary(statements: &[Statement]) -> Vec<(String, String, String, String)> {
    statements
        .iter()
        .map(|s| {
            (
                s.payee.to_string(),
                s.period.to_string(),
                s.settles_on.clone().unwrap_or_default(),
                s.total.to_string(),
            )
        })
        .collect()
}

fn rows(rows: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    rows.iter()
        .map(|(a, b, c, t)| ((*a).into(), (*b).into(), (*c).into(), (*t).into()))
        .collect()
}

#[track_caller]
fn statement<'a>(statements: &'a [Statement], payee: &str, period: &str) -> &'a Statement {
    statements
        .iter()
        .find(|s| &*s.payee == payee && &*s.period == period)
        .unwrap_or_else(|| panic!("no statement for {payee} in {period}"))
}

/// The lines of a statement without an order (deferred tiers, period rules) as (rule, amount).
fn closing_lines(statement: &Statement) -> Vec<(String, String)> {
    statement
        .lines
        .iter()
        .filter(|l| l.order.is_none())
        .map(|l| (l.rule.to_string(), l.amount.to_string()))
        .collect()
}

/// What a payee's statements hold from one rule, over every period.
fn paid_by_rule(statements: &[Statement], payee: &str, rule: &str) -> Decimal {
    statements
        .iter()
        .filter(|s| &*s.payee == payee)
        .flat_map(|s| &s.lines)
        .filter(|l| &*l.rule == rule)
        .map(|l| l.amount)
        .sum()
}

/// The sum of a statement's lines that came from plans (orders and deferred tiers), leaving out
/// period rules.
fn from_plans(statement: &Statement) -> String {
    statement
        .lines
        .iter()
        .filter(|l| l.plan.is_some())
        .map(|l| l.amount)
        .sum::<Decimal>()
        .to_string()
}

fn problem_codes(result: Result<OrderSplit, Vec<jimu_core::Problem>>) -> Vec<(String, String)> {
    match result {
        Ok(split) => panic!("expected problems, got {split:?}"),
        Err(problems) => problems
            .into_iter()
            .map(|p| (p.code.as_str().to_owned(), p.path))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Franchise vs direct stores (加盟 vs 直营)

/// Seven preset plans chosen by store type, promotion and province; franchise stores keep 65–72%,
/// direct stores 25–35% (30+ points apart). Daily statements, T+1.
#[test]
fn franchise_vs_direct_chooses_the_plan_by_store_type_promotion_and_region() {
    let bundle = bundle("franchise-vs-direct");
    let mut settler = Settler::new(&bundle, true);
    let franchise = |id: &str, amount: &str, province: &str, promotion: &str, payees: Value| {
        json!({"id": id, "amount": amount, "placed_at": "2026-03-31T10:00:00+08:00",
               "store_type": "franchise", "province": province, "promotion": promotion,
               "payees": payees})
    };

    // Franchise, Guangdong, with a promotion: franchise-south-promo (priority 1).
    // 999.99 × 0.68 = 679.9932, × 0.07 = 69.9993, × 0.10 = 99.999, HQ the rest 149.9985.
    // Floors 679.99 + 69.99 + 99.99 + 149.99 = 999.96; the 3 cents left go to the largest
    // fractional parts .0093 (agent), .0090 (technician), .0085 (HQ).
    let a = settle(
        &mut settler,
        &franchise(
            "fd-1",
            "999.99",
            "guangdong",
            "spring-sale",
            json!({"store": "gz-tianhe", "regional-agent": "agent-south", "technician": "tech-li"}),
        ),
    );
    assert_split(
        &a,
        "franchise-south-promo",
        "2026-03-31",
        "999.99",
        &[
            ("store", "gz-tianhe", "store-share", "679.99"),
            ("regional-agent", "agent-south", "agent-share", "70.00"),
            ("technician", "tech-li", "technician-share", "100.00"),
            ("hq", "hq", "hq-share", "150.00"),
        ],
    );

    // Franchise, Guangdong, no promotion (""): franchise-south (priority 3).
    // 1234.56 × 0.72 = 888.8832, × 0.06 = 74.0736, × 0.10 = 123.456, HQ 148.1472.
    // Floors sum to 1234.54; the 2 cents go to .0072 (HQ) and .0060 (technician).
    let b = settle(
        &mut settler,
        &franchise(
            "fd-2",
            "1234.56",
            "guangdong",
            "",
            json!({"store": "sz-futian", "regional-agent": "agent-south", "technician": "tech-wang"}),
        ),
    );
    assert_split(
        &b,
        "franchise-south",
        "2026-03-31",
        "1234.56",
        &[
            ("store", "sz-futian", "percentage-0", "888.88"),
            ("regional-agent", "agent-south", "percentage-1", "74.07"),
            ("technician", "tech-wang", "percentage-2", "123.46"),
            ("hq", "hq", "remainder-3", "148.15"),
        ],
    );

    // Franchise elsewhere with a promotion: franchise-promo (priority 2), four percentages and no
    // remainder. 10.01 → 6.5065, 0.5005, 1.001, 2.002 (exactly 10.01, nothing unallocated);
    // floors sum to 10.00 and the cent goes to the store (.0065).
    let e = settle(
        &mut settler,
        &franchise(
            "fd-3",
            "10.01",
            "zhejiang",
            "spring-sale",
            json!({"store": "hz-xihu", "regional-agent": "agent-east", "technician": "tech-zhao"}),
        ),
    );
    assert_split(
        &e,
        "franchise-promo",
        "2026-03-31",
        "10.01",
        &[
            ("store", "hz-xihu", "percentage-0", "6.51"),
            ("regional-agent", "agent-east", "percentage-1", "0.50"),
            ("technician", "tech-zhao", "percentage-2", "1.00"),
            ("hq", "hq", "percentage-3", "2.00"),
        ],
    );
    assert_eq!(e.unallocated, Decimal::ZERO);

    // Direct store in Beijing, no promotion: direct-beijing (direct-promo needs a promotion).
    // 888.88 × 0.35 = 311.108, × 0.12 = 106.6656, HQ 471.1064; floors sum to 888.86, the 2
    // cents go to .008 (store) and .0064 (HQ). No regional agent: direct stores do not name one.
    let c = settle(
        &mut settler,
        &json!({"id": "fd-4", "amount": "888.88", "placed_at": "2026-03-31T10:00:00+08:00",
                "store_type": "direct", "province": "beijing", "promotion": "",
                "payees": {"store": "bj-wangfujing", "technician": "tech-li"}}),
    );
    assert_split(
        &c,
        "direct-beijing",
        "2026-03-31",
        "888.88",
        &[
            ("store", "bj-wangfujing", "percentage-0", "311.11"),
            ("technician", "tech-li", "percentage-1", "106.66"),
            ("hq", "hq", "remainder-2", "471.11"),
        ],
    );

    // Direct store elsewhere: direct-standard, the fallback. Placed 2026-03-31T17:30Z, which is
    // 2026-04-01 01:30 in Shanghai: the next day's statement.
    // 500.05 × 0.30 = 150.015, × 0.12 = 60.006, HQ 290.029; floors sum to 500.03, the 2 cents go
    // to .009 (HQ) and .006 (technician).
    let f = settle(
        &mut settler,
        &json!({"id": "fd-5", "amount": "500.05", "placed_at": "2026-03-31T17:30:00Z",
                "store_type": "direct", "province": "shanghai", "promotion": "",
                "payees": {"store": "sh-xuhui", "technician": "tech-li"}}),
    );
    assert_split(
        &f,
        "direct-standard",
        "2026-04-01",
        "500.05",
        &[
            ("store", "sh-xuhui", "percentage-0", "150.01"),
            ("technician", "tech-li", "percentage-1", "60.01"),
            ("hq", "hq", "remainder-2", "290.03"),
        ],
    );

    let statements = settler.finish();
    // Daily statements, settled the next day (T+1).
    assert_eq!(
        summary(&statements),
        rows(&[
            ("agent-east", "2026-03-31", "2026-04-01", "0.50"),
            // 70.00 + 74.07
            ("agent-south", "2026-03-31", "2026-04-01", "144.07"),
            ("bj-wangfujing", "2026-03-31", "2026-04-01", "311.11"),
            ("gz-tianhe", "2026-03-31", "2026-04-01", "679.99"),
            // 150.00 + 148.15 + 2.00 + 471.11
            ("hq", "2026-03-31", "2026-04-01", "771.26"),
            ("hq", "2026-04-01", "2026-04-02", "290.03"),
            ("hz-xihu", "2026-03-31", "2026-04-01", "6.51"),
            ("sh-xuhui", "2026-04-01", "2026-04-02", "150.01"),
            ("sz-futian", "2026-03-31", "2026-04-01", "888.88"),
            // 100.00 + 106.66
            ("tech-li", "2026-03-31", "2026-04-01", "206.66"),
            ("tech-li", "2026-04-01", "2026-04-02", "60.01"),
            ("tech-wang", "2026-03-31", "2026-04-01", "123.46"),
            ("tech-zhao", "2026-03-31", "2026-04-01", "1.00"),
        ])
    );
    // The day's statements add up to the day's orders: 999.99 + 1234.56 + 10.01 + 888.88.
    let day: Decimal = statements
        .iter()
        .filter(|s| &*s.period == "2026-03-31")
        .map(|s| s.total)
        .sum();
    assert_eq!(day.to_string(), "3133.44");
    // Every line traces to its order, plan and component.
    let li = statement(&statements, "tech-li", "2026-03-31");
    let traced: Vec<(Option<&str>, Option<&str>, &str, String)> = li
        .lines
        .iter()
        .map(|l| {
            (
                l.order.as_deref(),
                l.plan.as_deref(),
                &*l.rule,
                l.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        traced,
        vec![
            (
                Some("fd-1"),
                Some("franchise-south-promo"),
                "technician-share",
                "100.00".to_owned()
            ),
            (
                Some("fd-4"),
                Some("direct-beijing"),
                "percentage-1",
                "106.66".to_owned()
            ),
        ]
    );
}

/// `order.promotion` is documented as `""` when there is none; an order that leaves it out is
/// not an order without a promotion: the plan conditions read it, so the order must be refused
/// with a located problem rather than read as `null != ''` (true) and settled under a promotion
/// plan (`Order::gives`: "a missing one is a problem, never a silent null").
#[test]
fn an_order_without_a_field_a_plan_condition_reads_is_refused() {
    let bundle = bundle("franchise-vs-direct");
    let mut settler = Settler::new(&bundle, true);
    let found = problem_codes(settler.settle(&order(&json!({
        "id": "fd-9", "amount": "100.00", "placed_at": "2026-03-31T10:00:00+08:00",
        "store_type": "franchise", "province": "guangdong",
        "payees": {"store": "gz-tianhe", "regional-agent": "agent-south", "technician": "tech-li"}
    }))));
    assert!(
        found.iter().any(|(_, path)| path == "/promotion"),
        "{found:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Live-stream e-commerce: base commission + traffic bonus + tiered commission

/// Base 10% + a 2% traffic bonus when the order came from the live room with ≥ 10000 viewers + a
/// monthly marginal tier over the streamer's GMV (2% to 100k, 4% to 500k, …), paid when the
/// month closes and taken from the brand (the remainder). MCN 5%. No `statements` section:
/// monthly, settled on the last day (T+0).
#[test]
fn live_stream_pays_base_traffic_bonus_and_monthly_marginal_tiers() {
    let bundle = bundle("live-stream");
    let mut settler = Settler::new(&bundle, true);
    let live = |id: &str, amount: &str, at: &str, source: &str, viewers: u32| {
        json!({"id": id, "amount": amount, "placed_at": at, "channel": "douyin-live",
               "traffic_source": source, "live_viewers": viewers,
               "payees": {"streamer": "anchor-wang"}})
    };

    // 60000.00 from the live room, 12000 viewers: base 6000.00, bonus 1200.00, MCN 3000.00,
    // brand 60000 − 10200 = 49800.00.
    let l1 = settle(
        &mut settler,
        &live(
            "ls-1",
            "60000.00",
            "2026-05-03T20:00:00+08:00",
            "live",
            12000,
        ),
    );
    assert_split(
        &l1,
        "live-commerce",
        "2026-05",
        "60000.00",
        &[
            ("streamer", "anchor-wang", "base-commission", "6000.00"),
            ("streamer", "anchor-wang", "traffic-bonus", "1200.00"),
            ("mcn", "mcn", "mcn-fee", "3000.00"),
            ("brand", "brand", "remainder-4", "49800.00"),
        ],
    );

    // 9999 viewers: no bonus. 80000.00 → base 8000.00, MCN 4000.00, brand 68000.00.
    let l2 = settle(
        &mut settler,
        &live(
            "ls-2",
            "80000.00",
            "2026-05-10T20:00:00+08:00",
            "live",
            9999,
        ),
    );
    assert_split(
        &l2,
        "live-commerce",
        "2026-05",
        "80000.00",
        &[
            ("streamer", "anchor-wang", "base-commission", "8000.00"),
            ("mcn", "mcn", "mcn-fee", "4000.00"),
            ("brand", "brand", "remainder-4", "68000.00"),
        ],
    );

    // From short videos (not the live room), however many viewers: no bonus.
    // 12345.67 → base 1234.567, MCN 617.2835, brand 10493.8195; floors sum to 12345.65, the 2
    // cents go to .0095 (brand) and .007 (base).
    let l3 = settle(
        &mut settler,
        &live(
            "ls-3",
            "12345.67",
            "2026-05-20T20:00:00+08:00",
            "short_video",
            50000,
        ),
    );
    assert_split(
        &l3,
        "live-commerce",
        "2026-05",
        "12345.67",
        &[
            ("streamer", "anchor-wang", "base-commission", "1234.57"),
            ("mcn", "mcn", "mcn-fee", "617.28"),
            ("brand", "brand", "remainder-4", "10493.82"),
        ],
    );

    // Exactly 10000 viewers earns the bonus (≥). 2026-06-01 00:30 in Shanghai is still May 31 in
    // UTC: it counts in June. 100.00 → 10.00 + 2.00, MCN 5.00, brand 83.00.
    let l4 = settle(
        &mut settler,
        &live("ls-4", "100.00", "2026-06-01T00:30:00+08:00", "live", 10000),
    );
    assert_split(
        &l4,
        "live-commerce",
        "2026-06",
        "100.00",
        &[
            ("streamer", "anchor-wang", "base-commission", "10.00"),
            ("streamer", "anchor-wang", "traffic-bonus", "2.00"),
            ("mcn", "mcn", "mcn-fee", "5.00"),
            ("brand", "brand", "remainder-4", "83.00"),
        ],
    );

    // Another channel: no plan applies.
    let found = problem_codes(settler.settle(&order(&json!({
        "id": "ls-5", "amount": "10.00", "placed_at": "2026-05-21T20:00:00+08:00",
        "channel": "taobao", "traffic_source": "search", "live_viewers": 0,
        "payees": {"streamer": "anchor-wang"}
    }))));
    assert_eq!(found, vec![("no-plan".to_owned(), String::new())]);

    let statements = settler.finish();
    // May's GMV: 60000 + 80000 + 12345.67 = 152345.67. Marginal: 100000 × 0.02 = 2000 plus
    // 52345.67 × 0.04 = 2093.8268, in all 4093.8268 → 4093.83, paid to the streamer and taken
    // from the brand. June: 100.00 × 0.02 = 2.00.
    assert_eq!(
        closing_lines(statement(&statements, "anchor-wang", "2026-05")),
        vec![("gmv-tiers".to_owned(), "4093.83".to_owned())]
    );
    assert_eq!(
        closing_lines(statement(&statements, "brand", "2026-05")),
        vec![("gmv-tiers".to_owned(), "-4093.83".to_owned())]
    );
    assert_eq!(
        summary(&statements),
        rows(&[
            // 6000 + 1200 + 8000 + 1234.57 + 4093.83
            ("anchor-wang", "2026-05", "2026-05-31", "20528.40"),
            // 10 + 2 + 2
            ("anchor-wang", "2026-06", "2026-06-30", "14.00"),
            // 49800 + 68000 + 10493.82 − 4093.83
            ("brand", "2026-05", "2026-05-31", "124199.99"),
            // 83 − 2
            ("brand", "2026-06", "2026-06-30", "81.00"),
            // 3000 + 4000 + 617.28
            ("mcn", "2026-05", "2026-05-31", "7617.28"),
            ("mcn", "2026-06", "2026-06-30", "5.00"),
        ])
    );
    // The month's statements add up to the month's GMV.
    let may: Decimal = statements
        .iter()
        .filter(|s| &*s.period == "2026-05")
        .map(|s| s.total)
        .sum();
    assert_eq!(may, d("152345.67"));
}

/// A statement says how many orders (and refunds) have a line in it. An order that pays the same
/// payee two shares (base commission and traffic bonus) is still one order.
#[test]
fn a_statement_counts_each_order_once() {
    let bundle = bundle("live-stream");
    let mut settler = Settler::new(&bundle, true);
    settle(
        &mut settler,
        &json!({"id": "ls-1", "amount": "60000.00", "placed_at": "2026-05-03T20:00:00+08:00",
                "channel": "douyin-live", "traffic_source": "live", "live_viewers": 12000,
                "payees": {"streamer": "anchor-wang"}}),
    );
    let statements = settler.finish();
    let streamer = statement(&statements, "anchor-wang", "2026-05");
    // Two order lines (base-commission, traffic-bonus) and the closing tier line, one order.
    assert_eq!(streamer.lines.len(), 3);
    assert_eq!(streamer.orders, 1);
}

// ---------------------------------------------------------------------------------------------
// Regional dealers: quarterly purchase volume sets the rebate rate

/// Purchases all go to the manufacturer; the dealer's quarterly volume of purchases tagged
/// `dealer-purchase` earns a retroactive rebate (0 to 500k, 2% to 1M, 3% to 3M, 5% above: the
/// whole volume at the rate of the band reached), at most 300000.00 a quarter. Quarterly
/// statements, T+15.
#[test]
fn dealer_rebate_is_retroactive_on_the_quarter_and_capped() {
    let bundle = bundle("dealer-quarterly-rebate");
    let mut settler = Settler::new(&bundle, true);
    let purchase = |id: &str, dealer: &str, amount: &str, at: &str, tags: Value| {
        json!({"id": id, "amount": amount, "placed_at": at, "tags": tags,
               "payees": {"dealer": dealer}})
    };
    let tagged = || json!(["dealer-purchase"]);
    let orders = [
        // dealer-sc: 400000 + 350000 + 300000 = 1050000 tagged in Q1 (the last at 23:00 on
        // March 31 in Shanghai).
        purchase(
            "dq-1",
            "dealer-sc",
            "400000.00",
            "2026-01-15T10:00:00+08:00",
            tagged(),
        ),
        purchase(
            "dq-2",
            "dealer-sc",
            "350000.00",
            "2026-02-15T10:00:00+08:00",
            tagged(),
        ),
        purchase(
            "dq-3",
            "dealer-sc",
            "300000.00",
            "2026-03-31T23:00:00+08:00",
            tagged(),
        ),
        // Not a dealer purchase: does not count toward the rebate.
        purchase(
            "dq-4",
            "dealer-sc",
            "200000.00",
            "2026-03-10T10:00:00+08:00",
            json!(["spare-parts"]),
        ),
        // 16:30 UTC on March 31 is April 1 in Shanghai: Q2, where 500000 is in the 0% band.
        purchase(
            "dq-5",
            "dealer-sc",
            "500000.00",
            "2026-03-31T16:30:00Z",
            tagged(),
        ),
        // dealer-gd: 7000000 → 5% = 350000.00, capped at 300000.00.
        purchase(
            "dq-6",
            "dealer-gd",
            "4000000.00",
            "2026-02-01T10:00:00+08:00",
            tagged(),
        ),
        purchase(
            "dq-7",
            "dealer-gd",
            "3000000.00",
            "2026-03-01T10:00:00+08:00",
            tagged(),
        ),
        // dealer-cd: exactly 1000000 is the top of the 2% band (bands are (prev, up_to]).
        purchase(
            "dq-8",
            "dealer-cd",
            "1000000.00",
            "2026-03-20T10:00:00+08:00",
            tagged(),
        ),
    ];
    for o in &orders {
        let split = settle(&mut settler, o);
        let amount = o["amount"].as_str().unwrap();
        let quarter = if split.order == "dq-5" {
            "2026-Q2"
        } else {
            "2026-Q1"
        };
        assert_split(
            &split,
            "purchase",
            quarter,
            amount,
            &[("manufacturer", "manufacturer", "remainder-0", amount)],
        );
    }
    let statements = settler.finish();
    assert_eq!(
        summary(&statements),
        rows(&[
            // 1000000 × 0.02
            ("dealer-cd", "2026-Q1", "2026-04-15", "20000.00"),
            // 7000000 × 0.05 = 350000, at most 300000
            ("dealer-gd", "2026-Q1", "2026-04-15", "300000.00"),
            // 1050000 × 0.03 (all of it, retroactive); no Q2 statement: 500000 earns 0
            ("dealer-sc", "2026-Q1", "2026-04-15", "31500.00"),
            // 400000 + 350000 + 300000 + 200000 + 4000000 + 3000000 + 1000000 = 9250000, less
            // the rebates it funds (the plans' remainder party, by default): 20000 + 300000 +
            // 31500 = 351500 → 8898500.00. Q1's statements add up to the 9250000 of revenue.
            ("manufacturer", "2026-Q1", "2026-04-15", "8898500.00"),
            // Q2 ends June 30; + 15 days
            ("manufacturer", "2026-Q2", "2026-07-15", "500000.00"),
        ])
    );
    assert_eq!(
        closing_lines(statement(&statements, "dealer-sc", "2026-Q1")),
        vec![("dealer-rebate".to_owned(), "31500.00".to_owned())]
    );
}

/// A purchase refunded within the quarter no longer counts toward the dealer's volume: dealer-sc
/// buys 1050000 and returns the 400000 purchase, so the net 650000 earns 2% = 13000.00, not
/// 1050000 × 3% = 31500.00. The engine counts attainment from sales only.
#[test]
fn a_refunded_purchase_no_longer_counts_toward_the_rebate() {
    let bundle = bundle("dealer-quarterly-rebate");
    let mut settler = Settler::new(&bundle, true);
    let purchase = |id: &str, amount: &str, at: &str| {
        json!({"id": id, "amount": amount, "placed_at": at, "tags": ["dealer-purchase"],
               "payees": {"dealer": "dealer-sc"}})
    };
    let first = purchase("dq-1", "400000.00", "2026-01-15T10:00:00+08:00");
    settle(&mut settler, &first);
    settle(
        &mut settler,
        &purchase("dq-2", "350000.00", "2026-02-15T10:00:00+08:00"),
    );
    settle(
        &mut settler,
        &purchase("dq-3", "300000.00", "2026-03-15T10:00:00+08:00"),
    );
    let back = settle(
        &mut settler,
        &refund(&first, "dq-1-r", "2026-03-20T10:00:00+08:00", &json!({})),
    );
    assert_split(
        &back,
        "purchase",
        "2026-Q1",
        "-400000.00",
        &[("manufacturer", "manufacturer", "remainder-0", "-400000.00")],
    );
    let statements = settler.finish();
    assert_eq!(
        closing_lines(statement(&statements, "dealer-sc", "2026-Q1")),
        vec![("dealer-rebate".to_owned(), "13000.00".to_owned())]
    );
}

// ---------------------------------------------------------------------------------------------
// A distributor referring 5 new students: cash reward and a course pack

/// Referred enrolments pay the distributor 8%; a yearly rule counts the distributor's referred
/// new students in 2026 and pays 500.00 at 5 (and unlocks the advanced course pack; the statement
/// carries the rule's id, the host grants the pack). Monthly statements, T+0.
#[test]
fn referral_reward_pays_the_distributor_who_brought_five_new_students() {
    let bundle = bundle("referral-reward");
    let mut settler = Settler::new(&bundle, true);
    let enrol = |id: &str, at: &str, referrer: &str, new: bool| {
        let mut o = json!({"id": id, "amount": "2999.00", "placed_at": at,
                           "referrer": referrer, "new_customer": new});
        if !referrer.is_empty() {
            o["payees"] = json!({"distributor": referrer});
        }
        o
    };
    // 2999.00 × 0.08 = 239.92; the school keeps 2759.08.
    let zhang = [
        "2026-03-05T10:00:00+08:00",
        "2026-03-20T10:00:00+08:00",
        "2026-04-02T10:00:00+08:00",
        "2026-04-18T10:00:00+08:00",
        "2026-04-30T23:59:59+08:00",
    ];
    for (i, at) in zhang.iter().enumerate() {
        let split = settle(
            &mut settler,
            &enrol(&format!("rz-{i}"), at, "dist-zhang", true),
        );
        assert_split(
            &split,
            "referred-enrolment",
            &at[..7],
            "2999.00",
            &[
                ("distributor", "dist-zhang", "referral-commission", "239.92"),
                ("school", "school", "remainder-1", "2759.08"),
            ],
        );
    }
    // dist-li: four new students and one returning customer: 4 count, no reward.
    for (i, (at, new)) in [
        ("2026-03-10T10:00:00+08:00", true),
        ("2026-03-11T10:00:00+08:00", true),
        ("2026-05-01T10:00:00+08:00", true),
        ("2026-06-01T10:00:00+08:00", true),
        ("2026-06-02T10:00:00+08:00", false),
    ]
    .into_iter()
    .enumerate()
    {
        settle(&mut settler, &enrol(&format!("rl-{i}"), at, "dist-li", new));
    }
    // Nobody referred: direct enrolment, all to the school.
    let direct = settle(
        &mut settler,
        &enrol("rd-1", "2026-03-06T10:00:00+08:00", "", true),
    );
    assert_split(
        &direct,
        "enrolment",
        "2026-03",
        "2999.00",
        &[("school", "school", "remainder-0", "2999.00")],
    );

    let statements = settler.finish();
    // Commissions: dist-zhang 2 in March, 3 in April; dist-li 2 in March, 1 in May, 2 in June.
    // Monthly statements settle on the month's last day (no `statements`: T+0).
    for (payee, period, settles_on, total) in [
        ("dist-zhang", "2026-03", "2026-03-31", "479.84"),
        ("dist-zhang", "2026-04", "2026-04-30", "719.76"),
        ("dist-li", "2026-03", "2026-03-31", "479.84"),
        ("dist-li", "2026-05", "2026-05-31", "239.92"),
        ("dist-li", "2026-06", "2026-06-30", "479.84"),
        // 4 × 2759.08 (two referred by each distributor) + 2999.00 (direct)
        ("school", "2026-03", "2026-03-31", "14035.32"),
    ] {
        let s = statement(&statements, payee, period);
        assert_eq!(
            (s.settles_on.as_deref(), from_plans(s).as_str()),
            (Some(settles_on), total),
            "{payee} {period}"
        );
    }
    // The reward: 500.00 once, for dist-zhang only (which statement it lands in: see
    // `period_rule_lines_land_in_the_statement_of_their_cycle`).
    assert_eq!(
        paid_by_rule(&statements, "dist-zhang", "five-new-students"),
        d("500.00")
    );
    assert_eq!(
        paid_by_rule(&statements, "dist-li", "five-new-students"),
        Decimal::ZERO
    );
}

// ---------------------------------------------------------------------------------------------
// Inventory backlog switches a high-commission tier on; new products use a stepped reward

/// Stock ≤ 90 days old pays 5%; older stock switches to a retroactive table (12% up to 5000 per
/// order, 15% on all of an order above); new products add a monthly stepped reward per unit
/// (marginal: 5.00 to 50 units, 8.00 to 200, 10.00 above plus 300.00 once). Monthly, T+0.
#[test]
fn inventory_backlog_switches_the_high_tier_on() {
    let bundle = bundle("inventory-backlog");
    let mut settler = Settler::new(&bundle, true);
    let sale = |id: &str, amount: &str, backlog: u32, new: bool, quantity: u32| {
        json!({"id": id, "amount": amount, "placed_at": "2026-07-15T10:00:00+08:00",
               "backlog_days": backlog, "new_product": new, "quantity": quantity,
               "payees": {"salesperson": "sales-zhao"}})
    };
    // 30 days: 5% of 3000.00 = 150.00.
    let b1 = settle(&mut settler, &sale("ib-1", "3000.00", 30, false, 1));
    assert_split(
        &b1,
        "retail",
        "2026-07",
        "3000.00",
        &[
            ("salesperson", "sales-zhao", "normal", "150.00"),
            ("hq", "hq", "remainder-3", "2850.00"),
        ],
    );
    // 91 days: the backlog table; 5000.00 is the top of the 12% band: 600.00.
    let b2 = settle(&mut settler, &sale("ib-2", "5000.00", 91, false, 1));
    assert_split(
        &b2,
        "retail",
        "2026-07",
        "5000.00",
        &[
            ("salesperson", "sales-zhao", "backlog", "600.00"),
            ("hq", "hq", "remainder-3", "4400.00"),
        ],
    );
    // 120 days, 6789.01 is above 5000: all of it at 15% = 1018.3515; HQ 5770.6585. Floors sum
    // to 6789.00 and the cent goes to HQ (.0085 > .0015).
    let b3 = settle(&mut settler, &sale("ib-3", "6789.01", 120, false, 1));
    assert_split(
        &b3,
        "retail",
        "2026-07",
        "6789.01",
        &[
            ("salesperson", "sales-zhao", "backlog", "1018.35"),
            ("hq", "hq", "remainder-3", "5770.66"),
        ],
    );
    // New products, 60 and 160 units (fresh stock, 10 and exactly 90 days: 5%): 300.00 and
    // 800.00 per order; the stepped reward is paid when July closes.
    let b4 = settle(&mut settler, &sale("ib-4", "6000.00", 10, true, 60));
    assert_split(
        &b4,
        "retail",
        "2026-07",
        "6000.00",
        &[
            ("salesperson", "sales-zhao", "normal", "300.00"),
            ("hq", "hq", "remainder-3", "5700.00"),
        ],
    );
    let b5 = settle(&mut settler, &sale("ib-5", "16000.00", 90, true, 160));
    assert_split(
        &b5,
        "retail",
        "2026-07",
        "16000.00",
        &[
            ("salesperson", "sales-zhao", "normal", "800.00"),
            ("hq", "hq", "remainder-3", "15200.00"),
        ],
    );
    let statements = settler.finish();
    // 220 new-product units in July: 50 × 5.00 + 150 × 8.00 + (20 × 10.00 + 300.00) = 1950.00.
    assert_eq!(
        closing_lines(statement(&statements, "sales-zhao", "2026-07")),
        vec![("launch-steps".to_owned(), "1950.00".to_owned())]
    );
    assert_eq!(
        closing_lines(statement(&statements, "hq", "2026-07")),
        vec![("launch-steps".to_owned(), "-1950.00".to_owned())]
    );
    assert_eq!(
        summary(&statements),
        rows(&[
            // 2850 + 4400 + 5770.66 + 5700 + 15200 − 1950
            ("hq", "2026-07", "2026-07-31", "31970.66"),
            // 150 + 600 + 1018.35 + 300 + 800 + 1950
            ("sales-zhao", "2026-07", "2026-07-31", "4818.35"),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Installer pay from the city's base rate

/// The labour is split: the installer gets the base rate of the nearest listed region walking up
/// from where the job happened, per unit, at most 2000.00 an order; HQ the rest of the labour.
#[test]
fn installer_is_paid_the_city_base_rate_with_a_cap() {
    let bundle = bundle("installer-city-rate");
    let mut settler = Settler::new(&bundle, true);
    let job = |id: &str, region: &str, quantity: u32, labour: &str, amount: &str| {
        json!({"id": id, "amount": amount, "labour": labour, "quantity": quantity,
               "region": region, "categories": ["installation"],
               "placed_at": "2026-07-10T10:00:00+08:00", "payees": {"installer": "inst-liu"}})
    };
    // Chaoyang district → Beijing city 120.00 × 3 = 360.00 of the 500.00 labour (the 300.00 of
    // parts in the 800.00 paid is not split).
    let i1 = settle(
        &mut settler,
        &job("in-1", "bj-chaoyang", 3, "500.00", "800.00"),
    );
    assert_split(
        &i1,
        "installation",
        "2026-07",
        "500.00",
        &[
            ("installer", "inst-liu", "city-base", "360.00"),
            ("hq", "hq", "remainder-2", "140.00"),
        ],
    );
    // Shenzhen has its own rate (110.00), though Guangdong is listed too.
    let i2 = settle(
        &mut settler,
        &job("in-2", "shenzhen", 2, "300.00", "300.00"),
    );
    assert_split(
        &i2,
        "installation",
        "2026-07",
        "300.00",
        &[
            ("installer", "inst-liu", "city-base", "220.00"),
            ("hq", "hq", "remainder-2", "80.00"),
        ],
    );
    // Guangzhou is not listed: its province, Guangdong, 95.00 × 4 = 380.00.
    let i3 = settle(
        &mut settler,
        &job("in-3", "guangzhou", 4, "400.00", "400.00"),
    );
    assert_split(
        &i3,
        "installation",
        "2026-07",
        "400.00",
        &[
            ("installer", "inst-liu", "city-base", "380.00"),
            ("hq", "hq", "remainder-2", "20.00"),
        ],
    );
    // Chengdu 80.00 × 30 = 2400.00, capped at 2000.00: the cap is its own line (−400.00).
    let i4 = settle(
        &mut settler,
        &job("in-4", "chengdu", 30, "3000.00", "3000.00"),
    );
    assert_split(
        &i4,
        "installation",
        "2026-07",
        "3000.00",
        &[
            ("installer", "inst-liu", "city-base", "2400.00"),
            ("installer", "inst-liu", "cap-1", "-400.00"),
            ("hq", "hq", "remainder-2", "1000.00"),
        ],
    );
    // A region path given by the host, none of it listed: the default 70.00.
    let mut hangzhou = job("in-5", "xihu", 1, "100.00", "100.00");
    hangzhou["region_path"] = json!(["xihu", "hangzhou", "zhejiang"]);
    let i5 = settle(&mut settler, &hangzhou);
    assert_split(
        &i5,
        "installation",
        "2026-07",
        "100.00",
        &[
            ("installer", "inst-liu", "city-base", "70.00"),
            ("hq", "hq", "remainder-2", "30.00"),
        ],
    );
    // Not an installation: no plan.
    let mut repair = job("in-6", "chengdu", 1, "100.00", "100.00");
    repair["categories"] = json!(["repair"]);
    assert_eq!(
        problem_codes(settler.settle(&order(&repair))),
        vec![("no-plan".to_owned(), String::new())]
    );

    let statements = settler.finish();
    assert_eq!(
        summary(&statements),
        rows(&[
            // 140 + 80 + 20 + 1000 + 30
            ("hq", "2026-07", "2026-07-31", "1270.00"),
            // 360 + 220 + 380 + 2000 + 70
            ("inst-liu", "2026-07", "2026-07-31", "3030.00"),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Double-11: base pay + burst-order bonus

/// The orders of three technicians around Double-11 (window 11-01 00:00 to 11-12 00:00 in
/// Shanghai, `until` exclusive).
fn double_11_orders() -> Vec<Value> {
    let o = |id: String, amount: &str, at: String, tech: &str| json!({"id": id, "amount": amount, "placed_at": at, "payees": {"technician": tech}});
    let mut orders = vec![
        o(
            "x-0".into(),
            "200.00",
            "2026-10-31T23:59:59+08:00".into(),
            "tech-chen",
        ),
        o(
            "x-1".into(),
            "200.00",
            "2026-11-01T00:00:00+08:00".into(),
            "tech-chen",
        ),
        o(
            "x-2".into(),
            "200.00",
            "2026-11-12T00:00:00+08:00".into(),
            "tech-chen",
        ),
    ];
    // tech-chen: 20 orders on 11-11.
    for i in 0..20 {
        orders.push(o(
            format!("chen-{i}"),
            "99.90",
            format!("2026-11-11T10:{i:02}:00+08:00"),
            "tech-chen",
        ));
    }
    // tech-wu: 19 orders on 11-11, and one at 16:00 UTC on 11-11, which is 11-12 00:00 in
    // Shanghai: after the window, so it neither earns base pay nor counts.
    for i in 0..19 {
        orders.push(o(
            format!("wu-{i}"),
            "120.00",
            format!("2026-11-11T09:{i:02}:00+08:00"),
            "tech-wu",
        ));
    }
    orders.push(o(
        "wu-19".into(),
        "120.00",
        "2026-11-11T16:00:00Z".into(),
        "tech-wu",
    ));
    // tech-sun: 40 orders on 11-05.
    for i in 0..40 {
        orders.push(o(
            format!("sun-{i}"),
            "50.00",
            format!("2026-11-05T{:02}:{:02}:00+08:00", 8 + i / 60, i % 60),
            "tech-sun",
        ));
    }
    orders
}

/// In the window the technician gets 15.00 per order instead of 15%, and a daily milestone
/// bonus: 100.00 at 20 orders in a day, 300.00 more at 40. Monthly statements, T+0.
#[test]
fn double_11_switches_to_base_pay_and_burst_bonus_in_its_window() {
    let bundle = bundle("double-11");
    let mut settler = Settler::new(&bundle, true);
    for o in double_11_orders() {
        let split = settle(&mut settler, &o);
        let tech = o["payees"]["technician"].as_str().unwrap();
        let expected: (&str, &str, [&str; 2]) = match &*split.order {
            // One second before the window: 15% of 200.00.
            "x-0" => ("normal", "2026-10", ["30.00", "170.00"]),
            // The window's first instant: 15.00 base pay.
            "x-1" => ("double-11", "2026-11", ["15.00", "185.00"]),
            // The window's end is exclusive: 15% again.
            "x-2" => ("normal", "2026-11", ["30.00", "170.00"]),
            "wu-19" => ("normal", "2026-11", ["18.00", "102.00"]),
            id if id.starts_with("chen-") => ("double-11", "2026-11", ["15.00", "84.90"]),
            id if id.starts_with("wu-") => ("double-11", "2026-11", ["15.00", "105.00"]),
            _ => ("double-11", "2026-11", ["15.00", "35.00"]),
        };
        let component = if expected.0 == "normal" {
            "percentage-0"
        } else {
            "base-pay"
        };
        assert_split(
            &split,
            expected.0,
            expected.1,
            o["amount"].as_str().unwrap(),
            &[
                ("technician", tech, component, expected.2[0]),
                ("hq", "hq", "remainder-1", expected.2[1]),
            ],
        );
    }
    let statements = settler.finish();
    // What the plans paid, per month.
    for (payee, period, total) in [
        ("tech-chen", "2026-10", "30.00"),
        // 15 + 20 × 15 + 30
        ("tech-chen", "2026-11", "345.00"),
        // 19 × 15 + 18
        ("tech-wu", "2026-11", "303.00"),
        // 40 × 15
        ("tech-sun", "2026-11", "600.00"),
        ("hq", "2026-10", "170.00"),
        // 185 + 20 × 84.90 + 170 + 19 × 105 + 102 + 40 × 35
        ("hq", "2026-11", "5550.00"),
    ] {
        assert_eq!(
            from_plans(statement(&statements, payee, period)),
            total,
            "{payee} {period}"
        );
    }
    // The burst bonus: 20 orders on 11-11 → 100.00; 40 on 11-05 → 100.00 + 300.00; 19 in the
    // window (the 20th was after it) → nothing.
    assert_eq!(
        paid_by_rule(&statements, "tech-chen", "burst-orders"),
        d("100.00")
    );
    assert_eq!(
        paid_by_rule(&statements, "tech-sun", "burst-orders"),
        d("400.00")
    );
    assert_eq!(
        paid_by_rule(&statements, "tech-wu", "burst-orders"),
        Decimal::ZERO
    );
}

/// Statements are cut per `statements.cycle` ("How often a statement is cut per party"); a period
/// rule counted over a different period (a day's burst orders, a year's referrals) pays when its
/// period closes, in the statement of the cycle holding that close. The engine instead opens a
/// statement keyed by the rule's own period ("2026-11-11", "2026"), beside the monthly ones, with
/// its own `settles_on`.
#[test]
fn period_rule_lines_land_in_the_statement_of_their_cycle() {
    let double_11 = bundle("double-11");
    let mut settler = Settler::new(&double_11, true);
    for o in double_11_orders() {
        settle(&mut settler, &o);
    }
    let statements = settler.finish();
    assert_eq!(
        summary(&statements),
        rows(&[
            ("hq", "2026-10", "2026-10-31", "170.00"),
            // 5550.00 from the plans, less the burst bonuses HQ funds: 100.00 + 400.00.
            ("hq", "2026-11", "2026-11-30", "5050.00"),
            ("tech-chen", "2026-10", "2026-10-31", "30.00"),
            // 345.00 + the 100.00 bonus of 11-11
            ("tech-chen", "2026-11", "2026-11-30", "445.00"),
            // 600.00 + 400.00 of 11-05
            ("tech-sun", "2026-11", "2026-11-30", "1000.00"),
            ("tech-wu", "2026-11", "2026-11-30", "303.00"),
        ])
    );

    // The referral reward closes with the year 2026: in the December statement (monthly cycle,
    // T+0), the only line of dist-zhang there.
    let referral = bundle("referral-reward");
    let mut settler = Settler::new(&referral, true);
    for i in 0..5 {
        settle(
            &mut settler,
            &json!({"id": format!("rz-{i}"), "amount": "2999.00",
                    "placed_at": format!("2026-04-0{}T10:00:00+08:00", i + 1),
                    "referrer": "dist-zhang", "new_customer": true,
                    "payees": {"distributor": "dist-zhang"}}),
        );
    }
    let statements = settler.finish();
    let zhang: Vec<_> = summary(&statements)
        .into_iter()
        .filter(|s| s.0 == "dist-zhang")
        .collect();
    assert_eq!(
        zhang,
        rows(&[
            ("dist-zhang", "2026-04", "2026-04-30", "1199.60"),
            ("dist-zhang", "2026-12", "2026-12-31", "500.00"),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Education refund: prorated by remaining class hours, minus the promotion

/// Course sales split 60% campus, 8% advisor, the school the rest. A refund is paid × remaining /
/// total hours minus the promotion (in full; for instalment orders prorated like the refund, and
/// 50.00 more), and every share is reversed by refund / paid. Monthly statements, T+0.
#[test]
fn education_refund_is_prorated_by_remaining_hours_minus_the_promotion() {
    let bundle = bundle("education-refund");
    let mut settler = Settler::new(&bundle, true);

    // Paid at once: 3600.00 → 2160.00, 288.00, 1152.00.
    let e1 = json!({"id": "edu-1", "amount": "3600.00", "placed_at": "2026-09-01T10:00:00+08:00",
                    "total_hours": 48, "remaining_hours": 48, "promotion_amount": "300.00",
                    "instalments": 1,
                    "payees": {"campus": "campus-haidian", "advisor": "adv-zhou"}});
    let sale = settle(&mut settler, &e1);
    assert_split(
        &sale,
        "course-sale",
        "2026-09",
        "3600.00",
        &[
            ("campus", "campus-haidian", "percentage-0", "2160.00"),
            ("advisor", "adv-zhou", "percentage-1", "288.00"),
            ("school", "school", "remainder-2", "1152.00"),
        ],
    );
    // Paid in 12 instalments: 2999.00 → 1799.40, 239.92, 959.68.
    let e2 = json!({"id": "edu-2", "amount": "2999.00", "placed_at": "2026-09-05T10:00:00+08:00",
                    "total_hours": 48, "remaining_hours": 48, "promotion_amount": "199.00",
                    "instalments": 12,
                    "payees": {"campus": "campus-haidian", "advisor": "adv-sun"}});
    let sale = settle(&mut settler, &e2);
    assert_split(
        &sale,
        "course-sale",
        "2026-09",
        "2999.00",
        &[
            ("campus", "campus-haidian", "percentage-0", "1799.40"),
            ("advisor", "adv-sun", "percentage-1", "239.92"),
            ("school", "school", "remainder-2", "959.68"),
        ],
    );

    // edu-1 refunded in October with 40 of 48 hours left; one payment, so class-hours-refund:
    // 3600 × 40/48 − 300 (the promotion, not prorated) = 3000 − 300 = 2700.00. Each share × 2700
    // / 3600 = 0.75: −1620.00, −216.00, −864.00.
    let r1 = settle(
        &mut settler,
        &refund(
            &e1,
            "edu-1-r1",
            "2026-10-15T15:00:00+08:00",
            &json!({"remaining_hours": 40}),
        ),
    );
    assert_eq!(r1.refund.as_deref(), Some("edu-1-r1"));
    assert_split(
        &r1,
        "course-sale",
        "2026-10",
        "-2700.00",
        &[
            ("campus", "campus-haidian", "percentage-0", "-1620.00"),
            ("advisor", "adv-zhou", "percentage-1", "-216.00"),
            ("school", "school", "remainder-2", "-864.00"),
        ],
    );

    // edu-2 (instalments > 1: instalment-refund) with 40 of 48 hours left:
    // 2999 × 40/48 − 199 × 40/48 − 50.00 = 2800 × 40/48 − 50 = 2333.33… − 50 = 2283.33.
    // Reversed by 2283.33 / 2999: exactly −1369.998, −182.6664, −730.6656 (0.60, 0.08 and 0.32 of
    // it). Floors (toward −∞) −1370.00, −182.67, −730.67 sum to −2283.34; the one cent goes to
    // the largest fractional part, .0044 (school): −730.66. The mirror of splitting +2283.33.
    let r2 = settle(
        &mut settler,
        &refund(
            &e2,
            "edu-2-r1",
            "2026-10-20T15:00:00+08:00",
            &json!({"remaining_hours": 40}),
        ),
    );
    assert_split(
        &r2,
        "course-sale",
        "2026-10",
        "-2283.33",
        &[
            ("campus", "campus-haidian", "percentage-0", "-1370.00"),
            ("advisor", "adv-sun", "percentage-1", "-182.67"),
            ("school", "school", "remainder-2", "-730.66"),
        ],
    );
    assert_eq!(r2.unallocated, Decimal::ZERO);

    let statements = settler.finish();
    assert_eq!(
        summary(&statements),
        rows(&[
            ("adv-sun", "2026-09", "2026-09-30", "239.92"),
            ("adv-sun", "2026-10", "2026-10-31", "-182.67"),
            ("adv-zhou", "2026-09", "2026-09-30", "288.00"),
            ("adv-zhou", "2026-10", "2026-10-31", "-216.00"),
            // 2160.00 + 1799.40
            ("campus-haidian", "2026-09", "2026-09-30", "3959.40"),
            // −1620.00 − 1370.00
            ("campus-haidian", "2026-10", "2026-10-31", "-2990.00"),
            // 1152.00 + 959.68
            ("school", "2026-09", "2026-09-30", "2111.68"),
            // −864.00 − 730.66
            ("school", "2026-10", "2026-10-31", "-1594.66"),
        ])
    );
    // Refund lines name the refund.
    let campus = statement(&statements, "campus-haidian", "2026-10");
    let refunds: Vec<Option<&str>> = campus.lines.iter().map(|l| l.refund.as_deref()).collect();
    assert_eq!(refunds, vec![Some("edu-1-r1"), Some("edu-2-r1")]);
}

// ---------------------------------------------------------------------------------------------
// Single store: commission per order; chains: tiered

/// The flagship (a single store) pays its staff 6% + 2.00 per order, each share rounded on its
/// own and the owner taking the rest (`to_remainder`); chain stores pay a marginal tier over the
/// staff member's monthly attainment (3% to 30k, 5% to 80k, 7% to 150k, …), paid when the month
/// closes and taken from the owner. Monthly statements, settled 5 working days (Mon–Fri) later.
///
/// The staff guarantee rule (period rule, no plan) is left out here; see
/// `staff_guarantee_pays_nothing_to_staff_who_earned_more`.
#[test]
fn single_store_pays_per_order_and_chains_pay_monthly_tiers() {
    let bundle = bundle("single-store-vs-chain");
    let mut settler = Settler::new(&bundle, true);
    let o = |id: &str, store: &str, amount: &str, at: &str, staff: &str| {
        json!({"id": id, "store": store, "amount": amount, "placed_at": at,
               "payees": {"staff": staff}})
    };
    // 49999.99 × 0.06 = 2999.9994 → 3000.00; 2.00; the owner 49999.99 − 3002.00 = 46997.99.
    let s1 = settle(
        &mut settler,
        &o(
            "ss-1",
            "flagship",
            "49999.99",
            "2026-03-10T10:00:00+08:00",
            "staff-a",
        ),
    );
    assert_split(
        &s1,
        "single-store",
        "2026-03",
        "49999.99",
        &[
            ("staff", "staff-a", "percentage-0", "3000.00"),
            ("staff", "staff-a", "fixed-1", "2.00"),
            ("owner", "owner", "remainder-2", "46997.99"),
        ],
    );
    // 388.88 × 0.06 = 23.3328 → 23.33; owner 388.88 − 25.33 = 363.55.
    let s2 = settle(
        &mut settler,
        &o(
            "ss-2",
            "flagship",
            "388.88",
            "2026-03-11T10:00:00+08:00",
            "staff-a",
        ),
    );
    assert_split(
        &s2,
        "single-store",
        "2026-03",
        "388.88",
        &[
            ("staff", "staff-a", "percentage-0", "23.33"),
            ("staff", "staff-a", "fixed-1", "2.00"),
            ("owner", "owner", "remainder-2", "363.55"),
        ],
    );
    // 99.75 × 0.06 = 5.985 → 5.99 (half away from zero, the bundle's rounding); owner 91.76.
    let s3 = settle(
        &mut settler,
        &o(
            "ss-3",
            "flagship",
            "99.75",
            "2026-03-12T10:00:00+08:00",
            "staff-a",
        ),
    );
    assert_split(
        &s3,
        "single-store",
        "2026-03",
        "99.75",
        &[
            ("staff", "staff-a", "percentage-0", "5.99"),
            ("staff", "staff-a", "fixed-1", "2.00"),
            ("owner", "owner", "remainder-2", "91.76"),
        ],
    );
    // Chain orders: nothing to the staff per order (the tier is paid at the month's close).
    for (id, amount, at, period) in [
        ("ch-1", "25000.00", "2026-03-05T10:00:00+08:00", "2026-03"),
        ("ch-2", "30000.00", "2026-03-15T10:00:00+08:00", "2026-03"),
        ("ch-3", "45000.00", "2026-03-31T23:00:00+08:00", "2026-03"),
        // April 1 00:30 in Shanghai.
        ("ch-4", "90000.00", "2026-03-31T16:30:00Z", "2026-04"),
    ] {
        let split = settle(&mut settler, &o(id, "chain-01", amount, at, "staff-b"));
        assert_split(
            &split,
            "chain",
            period,
            amount,
            &[("owner", "owner", "remainder-1", amount)],
        );
    }
    let statements = settler.finish();
    // March: 25000 + 30000 + 45000 = 100000 → 30000 × 0.03 + 50000 × 0.05 + 20000 × 0.07
    // = 900 + 2500 + 1400 = 4800.00. April: 90000 → 900 + 2500 + 10000 × 0.07 = 4100.00.
    let tier = |payee: &str, period: &str| -> Vec<(String, String)> {
        closing_lines(statement(&statements, payee, period))
            .into_iter()
            .filter(|(rule, _)| rule == "tiered-0")
            .collect()
    };
    assert_eq!(
        tier("staff-b", "2026-03"),
        vec![("tiered-0".to_owned(), "4800.00".to_owned())]
    );
    assert_eq!(
        tier("owner", "2026-03"),
        vec![("tiered-0".to_owned(), "-4800.00".to_owned())]
    );
    assert_eq!(
        tier("staff-b", "2026-04"),
        vec![("tiered-0".to_owned(), "4100.00".to_owned())]
    );
    assert_eq!(
        tier("owner", "2026-04"),
        vec![("tiered-0".to_owned(), "-4100.00".to_owned())]
    );
    // March 31 is a Tuesday: Wed 1, Thu 2, Fri 3, Mon 6, Tue 7 April. April 30 is a Thursday:
    // Fri 1 (the calendar has no holidays), Mon 4, Tue 5, Wed 6, Thu 7 May.
    for (payee, period, settles_on, total) in [
        // 3000.00 + 2.00 + 23.33 + 2.00 + 5.99 + 2.00
        ("staff-a", "2026-03", "2026-04-07", "3035.32"),
        ("staff-b", "2026-03", "2026-04-07", "4800.00"),
        ("staff-b", "2026-04", "2026-05-07", "4100.00"),
        // 46997.99 + 363.55 + 91.76 + 100000 − 4800
        ("owner", "2026-03", "2026-04-07", "142653.30"),
        // 90000 − 4100
        ("owner", "2026-04", "2026-05-07", "85900.00"),
    ] {
        let s = statement(&statements, payee, period);
        assert_eq!(
            (s.settles_on.as_deref(), from_plans(s).as_str()),
            (Some(settles_on), total),
            "{payee} {period}"
        );
    }
}

/// The staff rule is a monthly minimum guarantee (保底) of 3000.00 with a recoverable 2000.00
/// draw: it tops up what a staff member earned in the month to 3000.00. Who sold earned more
/// (staff-a 3035.32 in March, staff-b 4800.00 and 4100.00), so it pays them nothing; staff-a sold
/// nothing in April and is still guaranteed 3000.00 (funded by the owner, the plans' remainder
/// party). The engine reads the rule alone (no tiers: 0 earned, raised to the
/// minimum) and pays every staff member a flat 3000.00 every month, on top of their commission
/// (which also makes the draw meaningless: it can never be recovered).
#[test]
fn staff_guarantee_pays_nothing_to_staff_who_earned_more() {
    let bundle = bundle("single-store-vs-chain");
    let mut settler = Settler::new(&bundle, true);
    let o = |id: &str, store: &str, amount: &str, at: &str, staff: &str| {
        json!({"id": id, "store": store, "amount": amount, "placed_at": at,
               "payees": {"staff": staff}})
    };
    for (id, store, amount, at, staff) in [
        (
            "ss-1",
            "flagship",
            "49999.99",
            "2026-03-10T10:00:00+08:00",
            "staff-a",
        ),
        (
            "ss-2",
            "flagship",
            "388.88",
            "2026-03-11T10:00:00+08:00",
            "staff-a",
        ),
        (
            "ss-3",
            "flagship",
            "99.75",
            "2026-03-12T10:00:00+08:00",
            "staff-a",
        ),
        (
            "ch-1",
            "chain-01",
            "25000.00",
            "2026-03-05T10:00:00+08:00",
            "staff-b",
        ),
        (
            "ch-2",
            "chain-01",
            "30000.00",
            "2026-03-15T10:00:00+08:00",
            "staff-b",
        ),
        (
            "ch-3",
            "chain-01",
            "45000.00",
            "2026-03-31T23:00:00+08:00",
            "staff-b",
        ),
        (
            "ch-4",
            "chain-01",
            "90000.00",
            "2026-03-31T16:30:00Z",
            "staff-b",
        ),
    ] {
        settle(&mut settler, &o(id, store, amount, at, staff));
    }
    let statements = settler.finish();
    assert_eq!(
        summary(&statements),
        rows(&[
            ("owner", "2026-03", "2026-04-07", "142653.30"),
            // 85900.00 from April's orders, less staff-a's April guarantee it funds.
            ("owner", "2026-04", "2026-05-07", "82900.00"),
            ("staff-a", "2026-03", "2026-04-07", "3035.32"),
            // No April orders: the guarantee still pays the 3000.00 minimum (0 earned; the
            // 2000.00 draw is covered by it, so nothing is advanced or owed back).
            ("staff-a", "2026-04", "2026-05-07", "3000.00"),
            ("staff-b", "2026-03", "2026-04-07", "4800.00"),
            ("staff-b", "2026-04", "2026-05-07", "4100.00"),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Channels with different promotion semantics

/// Tmall presale (定金膨胀): settled on what was paid under `deposit-inflation`; the store bears
/// the inflation. Daily statements, T+1.
#[test]
fn deposit_inflation_channel_settles_on_paid_under_its_plan() {
    let bundle = bundle("channel-promotions");
    let mut settler = Settler::new(&bundle, true);
    // Listed 999.99; the 100.00 deposit counted for 200.00, so 799.99 was paid in all.
    // 799.99 × 0.05 = 39.9995, store 759.9905; floors sum to 799.98, the cent goes to .0095
    // (platform).
    let p1 = settle(
        &mut settler,
        &json!({"id": "tm-1", "channel": "tmall-presale", "amount": "799.99",
                "list_amount": "999.99", "deposit": "100.00",
                "placed_at": "2026-11-11T00:10:00+08:00", "payees": {"store": "shop-a"}}),
    );
    assert_split(
        &p1,
        "deposit-inflation",
        "2026-11-11",
        "799.99",
        &[
            ("platform", "platform", "platform-fee", "40.00"),
            ("store", "shop-a", "remainder-1", "759.99"),
        ],
    );
    // JD cross-store: the channel names `cross-store`; the platform funds the 30.00 discount and
    // its fee is 5% of the list amount.
    let j1 = settle(
        &mut settler,
        &json!({"id": "jd-1", "channel": "jd-cross-store", "amount": "270.00",
                "list_amount": "300.00", "placed_at": "2026-11-11T09:00:00+08:00",
                "payees": {"store": "shop-a"}}),
    );
    assert_eq!(&*j1.plan, "cross-store");
    let platform: Vec<(&str, String)> = j1
        .shares
        .iter()
        .filter(|s| &*s.party == "platform")
        .map(|s| (&*s.component, s.amount.to_string()))
        .collect();
    assert_eq!(
        platform,
        vec![
            ("promotion-funding", "-30.00".to_owned()),
            ("platform-fee", "15.00".to_owned())
        ]
    );
    let statements = settler.finish();
    let tm: Vec<_> = statement(&statements, "shop-a", "2026-11-11")
        .lines
        .iter()
        .filter(|l| l.order.as_deref() == Some("tm-1"))
        .map(|l| l.amount.to_string())
        .collect();
    assert_eq!(tm, vec!["759.99"]);
    assert_eq!(
        statement(&statements, "shop-a", "2026-11-11")
            .settles_on
            .as_deref(),
        Some("2026-11-12")
    );
}

/// JD cross-store discount (跨店满减), `settle_on: list`, `funded_by: platform`: the plan splits
/// the list amount (platform 5%, store the rest, as if nothing was discounted) and the platform
/// pays the gap. 300.00 listed, 270.00 paid: platform fee 15.00, store 285.00, the platform's
/// funding −30.00; the shares add up to the 270.00 paid. The engine counts the negative funding
/// share as taken before the remainder, so the store's remainder grows by the discount
/// (300 − (−30 + 15) = 315.00) and the shares add up to 300.00, money nobody paid.
#[test]
fn cross_store_discount_channel_settles_on_list_with_the_platform_funding_the_gap() {
    let bundle = bundle("channel-promotions");
    let mut settler = Settler::new(&bundle, true);
    let j1 = settle(
        &mut settler,
        &json!({"id": "jd-1", "channel": "jd-cross-store", "amount": "270.00",
                "list_amount": "300.00", "placed_at": "2026-11-11T09:00:00+08:00",
                "payees": {"store": "shop-a"}}),
    );
    assert_split(
        &j1,
        "cross-store",
        "2026-11-11",
        "270.00",
        &[
            ("platform", "platform", "promotion-funding", "-30.00"),
            ("platform", "platform", "platform-fee", "15.00"),
            ("store", "shop-a", "remainder-1", "285.00"),
        ],
    );
    // 259.90 listed, 229.90 paid: fee 12.995, store 246.905, funding −30.00. Floors −30.00 +
    // 12.99 + 246.90 = 229.89; the cent goes to the tie (.005 each) listed first: the fee.
    let j2 = settle(
        &mut settler,
        &json!({"id": "jd-2", "channel": "jd-cross-store", "amount": "229.90",
                "list_amount": "259.90", "placed_at": "2026-11-11T10:00:00+08:00",
                "payees": {"store": "shop-a"}}),
    );
    assert_split(
        &j2,
        "cross-store",
        "2026-11-11",
        "229.90",
        &[
            ("platform", "platform", "promotion-funding", "-30.00"),
            ("platform", "platform", "platform-fee", "13.00"),
            ("store", "shop-a", "remainder-1", "246.90"),
        ],
    );
    let statements = settler.finish();
    assert_eq!(
        summary(&statements),
        rows(&[
            // 15 − 30 + 13 − 30
            ("platform", "2026-11-11", "2026-11-12", "-32.00"),
            // 285.00 + 246.90
            ("shop-a", "2026-11-11", "2026-11-12", "531.90"),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Full refunds

/// Sales and their full refunds in the same period leave every payee's statement at 0.00:
/// without a refund rule (franchise: refund = paid), under a class-hours rule with every hour
/// left and no promotion (education: 3600 × 48/48 − 0), and with `to_remainder` allocation and
/// two shares to one payee (single store).
#[test]
fn a_full_refund_returns_every_statement_to_zero() {
    let cases: [(&str, Vec<Value>); 3] = [
        (
            "franchise-vs-direct",
            vec![
                json!({"id": "fd-1", "amount": "999.99", "placed_at": "2026-03-31T10:00:00+08:00",
                       "store_type": "franchise", "province": "guangdong", "promotion": "spring-sale",
                       "payees": {"store": "gz-tianhe", "regional-agent": "agent-south", "technician": "tech-li"}}),
                json!({"id": "fd-3", "amount": "10.01", "placed_at": "2026-03-31T11:00:00+08:00",
                       "store_type": "franchise", "province": "zhejiang", "promotion": "spring-sale",
                       "payees": {"store": "hz-xihu", "regional-agent": "agent-east", "technician": "tech-li"}}),
                json!({"id": "fd-4", "amount": "888.88", "placed_at": "2026-03-31T12:00:00+08:00",
                       "store_type": "direct", "province": "beijing", "promotion": "",
                       "payees": {"store": "bj-wangfujing", "technician": "tech-li"}}),
            ],
        ),
        (
            "education-refund",
            vec![
                json!({"id": "edu-1", "amount": "3600.00", "placed_at": "2026-09-01T10:00:00+08:00",
                       "total_hours": 48, "remaining_hours": 48, "promotion_amount": "0",
                       "instalments": 1, "payees": {"campus": "campus-haidian", "advisor": "adv-zhou"}}),
                json!({"id": "edu-3", "amount": "1234.57", "placed_at": "2026-09-02T10:00:00+08:00",
                       "total_hours": 30, "remaining_hours": 30, "promotion_amount": "0",
                       "instalments": 1, "payees": {"campus": "campus-haidian", "advisor": "adv-zhou"}}),
            ],
        ),
        (
            "single-store-vs-chain",
            vec![
                json!({"id": "ss-2", "store": "flagship", "amount": "388.88",
                       "placed_at": "2026-03-11T10:00:00+08:00", "payees": {"staff": "staff-a"}}),
                json!({"id": "ss-3", "store": "flagship", "amount": "99.75",
                       "placed_at": "2026-03-12T10:00:00+08:00", "payees": {"staff": "staff-a"}}),
            ],
        ),
    ];
    for (name, sales) in cases {
        let bundle = bundle(name);
        let mut settler = Settler::new(&bundle, true);
        for sale in &sales {
            let split = settle(&mut settler, sale);
            let at = sale["placed_at"].as_str().unwrap().replace("T10", "T18");
            let back = settle(&mut settler, &refund(sale, "full", &at, &json!({})));
            assert_eq!(back.amount, -split.amount, "{name} {}", split.order);
            assert_eq!(&*back.period, &*split.period);
            for (s, r) in split.shares.iter().zip(&back.shares) {
                assert_eq!(
                    (&s.payee, r.amount),
                    (&r.payee, -s.amount),
                    "{name} {}",
                    split.order
                );
            }
        }
        let statements = settler.finish();
        assert!(!statements.is_empty());
        for s in &statements {
            // The single store's staff guarantee is a period rule paid regardless of the orders
            // (see `staff_guarantee_pays_nothing_to_staff_who_earned_more`): only the plans' lines.
            assert_eq!(
                from_plans(s),
                "0.00",
                "{name}: {} {} {:?}",
                s.payee,
                s.period,
                s.lines
            );
            if name != "single-store-vs-chain" {
                assert_eq!(s.total, Decimal::ZERO, "{name}: {} {}", s.payee, s.period);
            }
        }
    }
}

/// A full refund in the same month also takes the order out of the streamer's monthly
/// attainment, so the deferred tier pays nothing and every statement is back to 0.00. The engine
/// does not count refunds against period attainment: the streamer keeps 60000 × 2% = 1200.00 of
/// tier commission on a refunded order (and the brand −1200.00).
#[test]
fn a_full_refund_also_takes_back_the_period_tier() {
    let bundle = bundle("live-stream");
    let mut settler = Settler::new(&bundle, true);
    let sale = json!({"id": "ls-1", "amount": "60000.00", "placed_at": "2026-05-03T20:00:00+08:00",
                      "channel": "douyin-live", "traffic_source": "live", "live_viewers": 12000,
                      "payees": {"streamer": "anchor-wang"}});
    settle(&mut settler, &sale);
    let back = settle(
        &mut settler,
        &refund(&sale, "ls-1-r", "2026-05-04T10:00:00+08:00", &json!({})),
    );
    assert_split(
        &back,
        "live-commerce",
        "2026-05",
        "-60000.00",
        &[
            ("streamer", "anchor-wang", "base-commission", "-6000.00"),
            ("streamer", "anchor-wang", "traffic-bonus", "-1200.00"),
            ("mcn", "mcn", "mcn-fee", "-3000.00"),
            ("brand", "brand", "remainder-4", "-49800.00"),
        ],
    );
    let statements = settler.finish();
    for s in &statements {
        assert_eq!(
            s.total.to_string(),
            "0.00",
            "{} {} {:?}",
            s.payee,
            s.period,
            s.lines
        );
    }
}

/// Splits by ratio (weighted remainders), largest remainder in listed order.
#[test]
fn weighted_partners_split_by_ratio() {
    let b = bundle("weighted-partners");
    let mut settler = Settler::new(&b, true);
    let at = "2026-05-08T10:00:00+08:00";
    // 100.00 split 1:1:1: 33.333… each; floors 33.33 × 3 = 99.99, the one cent left goes to the
    // first listed (all remainders tie): 33.34, 33.33, 33.33.
    let split = settle(
        &mut settler,
        &json!({"id": "s-1", "amount": "100.00", "placed_at": at, "store_type": "studio"}),
    );
    assert_split(
        &split,
        "studio-partners",
        "2026-05",
        "100.00",
        &[
            ("partner-a", "partner-a", "a", "33.34"),
            ("partner-b", "partner-b", "b", "33.33"),
            ("partner-c", "partner-c", "c", "33.33"),
        ],
    );
    // 0.02 split 1:1:1: 0.00666… each, floors 0.00; two cents left, to the first two listed.
    let split = settle(
        &mut settler,
        &json!({"id": "s-2", "amount": "0.02", "placed_at": at, "store_type": "studio"}),
    );
    let amounts: Vec<String> = split.shares.iter().map(|s| s.amount.to_string()).collect();
    assert_eq!(amounts, ["0.01", "0.01", "0.00"]);
    // Partner C paused (weight 0): 100.01 split 1:1:0 → 50.005 each for A and B; floors 50.00
    // + 50.00, one cent left, tie → A: 50.01, 50.00, and C never gets a cent.
    let split = settle(
        &mut settler,
        &json!({"id": "p-1", "amount": "100.01", "placed_at": at, "store_type": "paused"}),
    );
    let amounts: Vec<String> = split.shares.iter().map(|s| s.amount.to_string()).collect();
    assert_eq!(amounts, ["50.01", "50.00", "0.00"]);
    // 10% to the channel, the rest 3:2: 99.99 → channel 9.999 → 10.00 (one of the 0.999's
    // cents); the 89.99 left (99.99 − 10.00) splits 3:2 → 53.994 and 35.996: floors 53.99 +
    // 35.99 = 89.98, one cent to the larger remainder (0.006 of HQ): 53.99, 36.00.
    let split = settle(
        &mut settler,
        &json!({"id": "c-1", "amount": "99.99", "placed_at": at, "store_type": "shop",
                "payees": {"store": "sh-xuhui", "channel": "douyin"}}),
    );
    assert_split(
        &split,
        "channel-then-3-2",
        "2026-05",
        "99.99",
        &[
            ("channel", "douyin", "channel-fee", "10.00"),
            ("store", "sh-xuhui", "store-3", "53.99"),
            ("hq", "hq", "hq-2", "36.00"),
        ],
    );
    // A full refund of the 3:2 order returns every share.
    let back = settle(
        &mut settler,
        &refund(
            &json!({"id": "c-1", "amount": "99.99", "placed_at": at, "store_type": "shop",
                    "payees": {"store": "sh-xuhui", "channel": "douyin"}}),
            "r-1",
            "2026-05-09T10:00:00+08:00",
            &json!({}),
        ),
    );
    let amounts: Vec<String> = back.shares.iter().map(|s| s.amount.to_string()).collect();
    assert_eq!(amounts, ["-10.00", "-53.99", "-36.00"]);
}

/// A plan with several remainders gives each a weight; weights all 0 take nothing.
#[test]
fn several_remainders_need_weights() {
    let text = std::fs::read_to_string(format!(
        "{}/../../tests/bundles/valid/settlement-weighted-partners.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["settlement"]["plans"][0]["components"][1]
        .as_object_mut()
        .unwrap()
        .remove("weight");
    doc["settlement"]["plans"][1]["components"][0]["weight"] = json!("0");
    doc["settlement"]["plans"][1]["components"][1]["weight"] = json!("0");
    let problems = jimu_core::validate_bundle(&doc.to_string());
    let got: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.code.as_str(), p.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("invalid-value", "/settlement/plans/0/components/1/kind"),
            (
                "weights-not-covering",
                "/settlement/plans/1/components/0/weight"
            ),
        ]
    );
}

/// The doc comment of `format::settlement::Tiered`, run: a period tier pays the month's whole
/// attainment once at its close — retroactive 14000.00 × 5% = 700.00, marginal 10000 × 3% +
/// 4000 × 5% = 500.00 — with a counter-line on the remainder party.
#[test]
fn retroactive_period_tiers_pay_the_whole_period_at_the_band_reached() {
    for (mode, pay, hq) in [
        ("retroactive", "700.00", "13300.00"),
        ("marginal", "500.00", "13500.00"),
    ] {
        let doc = json!({
            "schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "settlement": {
                "parties": [
                    {"id": "hq", "name": "总部", "kind": "hq"},
                    {"id": "store", "name": "门店", "kind": "store"}
                ],
                "plans": [{"id": "p", "name": "方案", "components": [
                    {"kind": "tiered", "id": "volume", "party": "store", "mode": mode,
                     "measure": "period_amount", "period": "month",
                     "tiers": [{"up_to": "10000", "rate": "0.03"}, {"up_to": null, "rate": "0.05"}]},
                    {"kind": "remainder", "party": "hq"}]}],
                "statements": {"cycle": "month", "settle_after_days": 1}
            }
        });
        let b = Bundle::from_json(&doc.to_string()).unwrap();
        let mut settler = Settler::new(&b, true);
        for (id, amount) in [("m-1", "6000.00"), ("m-2", "8000.00")] {
            let split = settle(
                &mut settler,
                &json!({"id": id, "amount": amount, "placed_at": "2026-05-10T10:00:00+08:00"}),
            );
            // Nothing per order: HQ holds all of it until the close.
            assert_eq!(split.shares.len(), 1, "{mode}");
        }
        let statements = settler.finish();
        assert_eq!(
            summary(&statements),
            rows(&[
                ("hq", "2026-05", "2026-06-01", hq),
                ("store", "2026-05", "2026-06-01", pay),
            ]),
            "{mode}"
        );
    }
}

/// One tier model and one engine for pricing and settlement: the dealers' quarterly rebate
/// written with the pricing names (`volume` for `retroactive`) and its last tier's `up_to` left
/// out (as a pricing table may now too) settles exactly as the bundle written with the
/// commission names. By hand, as above: dealer-sc's Q1 1,050,000 reaches the 3% band, all of
/// it at 3% (retroactive = volume) = 31,500.00; read graduated (= marginal) instead it would
/// be 500,000 × 0 + 500,000 × 2% + 50,000 × 3% = 11,500.00.
#[test]
fn commission_tiers_read_the_same_under_their_pricing_names() {
    let path = format!(
        "{}/../../tests/bundles/valid/settlement-dealer-quarterly-rebate.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let renamed = text
        .replace(r#""mode": "retroactive""#, r#""mode": "volume""#)
        .replace(
            r#"{ "up_to": null, "rate": "0.05" }"#,
            r#"{ "rate": "0.05" }"#,
        );
    assert_ne!(renamed, text);
    let graduated = renamed.replace(r#""mode": "volume""#, r#""mode": "graduated""#);
    let purchases = [
        ("dq-1", "400000.00", "2026-01-15T10:00:00+08:00"),
        ("dq-2", "350000.00", "2026-02-15T10:00:00+08:00"),
        ("dq-3", "300000.00", "2026-03-20T10:00:00+08:00"),
    ];
    let rebate = |text: &str| {
        let bundle = Bundle::from_json(text).unwrap_or_else(|p| panic!("{p:#?}"));
        let mut settler = Settler::new(&bundle, true);
        for (id, amount, at) in purchases {
            settle(
                &mut settler,
                &json!({"id": id, "amount": amount, "placed_at": at,
                    "tags": ["dealer-purchase"], "payees": {"dealer": "dealer-sc"}}),
            );
        }
        let statements = settler.finish();
        (
            paid_by_rule(&statements, "dealer-sc", "dealer-rebate"),
            serde_json::to_string(&statements).unwrap(),
        )
    };
    let (written, written_json) = rebate(&text);
    let (pricing_names, pricing_json) = rebate(&renamed);
    assert_eq!(written, d("31500.00"));
    assert_eq!(pricing_names, written);
    assert_eq!(
        pricing_json, written_json,
        "the same statements, byte for byte"
    );
    assert_eq!(rebate(&graduated).0, d("11500.00"));
}
