//! Settling orders: per-order splits as they stream in, and per-party statements at the end.
//!
//! Per order the result depends on that order alone, so it does not matter in which order
//! orders arrive. Everything that depends on a period's attainment — period rules and tiered
//! components over a period measure — is computed when the batch closes, over the whole
//! period (a true-up), for the same reason. Statements are keyed and sorted, never in arrival
//! order.

use super::allocate;
use super::order::Order;
use super::plan::{ChannelPlan, Cond, Kind, PeriodRulePlan, PlanPlan, SettlePlan, tier_pay};
use crate::bundle::Bundle;
use crate::format::settlement::{
    Allocation, Base, CommissionReversal, Deduction, Measure, Per, Period, PeriodMeasure,
    Proration, SettleOn,
};
use crate::problem::{Localized, Problem, ProblemCode};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use zen_expression::Variable;
use zen_expression::vm::VM;

/// One party's share of one order (or of its refund).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// The plan's party (a position such as `store`).
    pub party: Arc<str>,
    /// Who is paid: the party itself, or the order's payee for a `from_order` party.
    pub payee: Arc<str>,
    /// The component that produced it.
    pub component: Arc<str>,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// How one order was split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderSplit {
    pub order: String,
    /// The refund's id when this settles a refund (amounts are negative).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<String>,
    pub plan: Arc<str>,
    /// The statement period it counts in (`2026-11`).
    pub period: Arc<str>,
    /// The amount split: the plan's base, negative for a refund.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub shares: Vec<Share>,
    /// What no component took (a plan without `remainder`); shares + this = amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub unallocated: Decimal,
}

/// A line of a statement: one order's share, or a period rule's payment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StatementLine {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<String>,
    /// The plan, for order lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Arc<str>>,
    /// The component or period rule that produced the line.
    pub rule: Arc<str>,
    /// For a period rule's payment or a period tier's true-up: the paid party's own orders
    /// counted in the period (on its counter-line too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders: Option<u64>,
    /// For a counter-line: the payee it was paid to (whose money this line says it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_to: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// A recoverable draw's balance on one statement (the payee's, for the period paid).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DrawBalance {
    /// The period rule with the draw.
    pub rule: Arc<str>,
    /// Owed back before this period.
    #[serde(with = "rust_decimal::serde::str")]
    pub outstanding_before: Decimal,
    /// Advanced this period (the draw less what was earned; 0 when earnings covered it).
    #[serde(with = "rust_decimal::serde::str")]
    pub advanced: Decimal,
    /// Recovered this period from earnings above the draw.
    #[serde(with = "rust_decimal::serde::str")]
    pub recovered: Decimal,
    /// Carried forward: owed back after this period.
    #[serde(with = "rust_decimal::serde::str")]
    pub carried_forward: Decimal,
}

/// What one payee earned in one period (结算单), settled `settles_on` (T+n).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub payee: String,
    pub party: Arc<str>,
    pub period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settles_on: Option<String>,
    /// Orders (and refunds) with a line here.
    pub orders: u64,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    pub lines: Vec<StatementLine>,
    /// Recoverable draws: what is owed back, advanced, recovered and carried forward.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub draws: Vec<DrawBalance>,
}

#[derive(Debug, Default)]
struct StatementAcc {
    party: Option<Arc<str>>,
    orders: u64,
    total: Decimal,
    lines: Vec<StatementLine>,
    draws: Vec<DrawBalance>,
}

/// Attainment counted over a period: base amount, units and orders.
#[derive(Debug, Default, Clone, Copy)]
struct Attainment {
    amount: Decimal,
    quantity: Decimal,
    orders: Decimal,
    /// What rates apply to.
    base: Decimal,
}

impl Attainment {
    /// Counts `other` × `factor` (1 for a sale, −refunded/paid for a refund).
    fn add(&mut self, other: &Self, factor: Decimal) {
        let scaled = |v: Decimal| {
            if factor == Decimal::ONE {
                v
            } else {
                v.checked_mul(factor).unwrap_or_default()
            }
        };
        self.amount += scaled(other.amount);
        self.quantity += scaled(other.quantity);
        self.base += scaled(other.base);
        // An order stops counting only when it is refunded in full.
        if factor == Decimal::ONE || factor == Decimal::NEGATIVE_ONE {
            self.orders += scaled(other.orders);
        }
    }
}

/// A hash map with a fast, fixed-seed hasher: lookups by `&str` on the hot path.
type Fast<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<ahash::AHasher>>;

/// A share before rounding: (component id, party, amount, and for a remainder its weight
/// among the plan's remainders: 1 for a plan's only remainder).
type RawShare = (Arc<str>, Arc<str>, Decimal, Option<Decimal>);

/// A tiered component over a period measure, counted per (plan, component, payee, party,
/// period, remainder payee, remainder party) and paid when the period closes.
type DeferredKey = (usize, usize, Arc<str>, Arc<str>, String, Arc<str>, Arc<str>);

/// Settles a stream of orders; call [`Settler::settle`] per order, then [`Settler::finish`].
pub struct Settler<'b> {
    bundle: &'b Bundle,
    plan: &'b SettlePlan,
    places: u32,
    /// payee → period → statement so far (looked up by `&str`, allocating only new keys;
    /// sorted when the batch closes).
    statements: Fast<Arc<str>, Fast<Arc<str>, StatementAcc>>,
    /// Never used: what `statement` would hand out if a map lost a key it just inserted.
    scratch: StatementAcc,
    /// Payees named by orders, interned.
    payees: Fast<Arc<str>, Arc<str>>,
    /// Period keys by day, so a key is formatted once per day seen.
    periods: std::collections::HashMap<NaiveDate, Arc<str>>,
    /// The earliest instant an order was placed on each day (statement time zone): the
    /// periods a guarantee or a draw covers even for a payee without orders in them.
    placed_days: BTreeMap<NaiveDate, chrono::DateTime<chrono::FixedOffset>>,
    /// (period rule, payee, period key) → attainment.
    period_rules: BTreeMap<(usize, String, String), Attainment>,
    /// (plan, component, payee, party, period key, remainder payee, remainder party).
    deferred: BTreeMap<DeferredKey, Attainment>,
    keep_lines: bool,
    vm: VM,
    settled: u64,
}

fn overflow(at: &str) -> Problem {
    Problem::error(
        ProblemCode::Overflow,
        at,
        Localized::new(
            "金额超出可计算范围",
            "the amount is beyond the range the engine can compute",
        ),
    )
}

fn missing(field: &str, why: &str, why_zh: &str) -> Problem {
    Problem::error(
        ProblemCode::MissingField,
        format!("/{field}"),
        Localized::new(
            format!("订单缺少 {field}（{why_zh}）"),
            format!("the order has no `{field}` ({why})"),
        ),
    )
}

/// The key of the period holding `date`: `2026-11-11`, `2026-W46`, `2026-11`, `2026-Q4`, `2026`.
pub fn period_key(period: Period, date: NaiveDate) -> String {
    match period {
        Period::Day => date.format("%Y-%m-%d").to_string(),
        Period::Week => {
            let week = date.iso_week();
            format!("{}-W{:02}", week.year(), week.week())
        }
        Period::Month => date.format("%Y-%m").to_string(),
        Period::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
        Period::Year => date.format("%Y").to_string(),
    }
}

/// The last day of the period a key names.
fn period_end(key: &str) -> Option<NaiveDate> {
    let year = |s: &str| s.parse::<i32>().ok();
    if let Some((y, w)) = key.split_once("-W") {
        return NaiveDate::from_isoywd_opt(year(y)?, w.parse().ok()?, chrono::Weekday::Sun);
    }
    if let Some((y, q)) = key.split_once("-Q") {
        let q: u32 = q.parse().ok()?;
        let first_next = if q >= 4 {
            NaiveDate::from_ymd_opt(year(y)? + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year(y)?, q * 3 + 1, 1)?
        };
        return first_next.pred_opt();
    }
    match key.len() {
        10 => NaiveDate::parse_from_str(key, "%Y-%m-%d").ok(),
        7 => {
            let first = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").ok()?;
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
            };
            next.pred_opt()
        }
        4 => NaiveDate::from_ymd_opt(year(key)?, 12, 31),
        _ => None,
    }
}

impl<'b> Settler<'b> {
    /// A settler for `bundle`; `keep_lines`: statements list every line (otherwise totals only,
    /// for runs too large to hold a line per order).
    pub fn new(bundle: &'b Bundle, keep_lines: bool) -> Self {
        Self {
            bundle,
            plan: bundle.settle_plan(),
            places: bundle.currency().precision,
            statements: Fast::default(),
            periods: std::collections::HashMap::new(),
            placed_days: BTreeMap::new(),
            payees: Fast::default(),
            scratch: StatementAcc::default(),
            period_rules: BTreeMap::new(),
            deferred: BTreeMap::new(),
            keep_lines,
            vm: VM::new(),
            settled: 0,
        }
    }

    /// How many orders have been settled so far.
    pub fn settled(&self) -> u64 {
        self.settled
    }

    fn holds(
        &mut self,
        cond: &Cond,
        order: &Order,
        context: &mut Option<Variable>,
    ) -> Result<bool, Box<Problem>> {
        match cond {
            Cond::Always => Ok(true),
            Cond::Native { needs, at, .. } | Cond::Zen { needs, at, .. }
                if needs.iter().any(|f| !f.given(order)) =>
            {
                let field = needs
                    .iter()
                    .find(|f| !f.given(order))
                    .map_or("", |f| f.name());
                Err(Box::new(
                    Problem::error(
                        ProblemCode::MissingField,
                        format!("/{field}"),
                        Localized::new(
                            format!("订单「{}」缺少 {field}，而 {at} 的条件要读取它", order.id),
                            format!(
                                "order `{}` has no `{field}`, which the condition at {at} reads",
                                order.id
                            ),
                        ),
                    )
                    .with_hint(Localized::new(
                        format!("在订单中给出 {field}（没有时也写明，例如空字符串或 false）"),
                        format!(
                            "give `{field}` on the order (say so when there is none: \"\" or false)"
                        ),
                    )),
                ))
            }
            Cond::Native { pred, .. } => Ok(pred.eval(order)),
            Cond::Zen { expr, at, .. } => {
                let context = context.get_or_insert_with(|| order.to_variable()).clone();
                match expr.evaluate_in(context, &mut self.vm, self.bundle) {
                    Ok(Variable::Bool(b)) => Ok(b),
                    Ok(Variable::Null) => Ok(false),
                    Ok(other) => Err(Box::new(Problem::error(
                        ProblemCode::EvaluationFailed,
                        at.as_str(),
                        Localized::new(
                            format!(
                                "条件的结果是 `{other}`，不是 true 或 false（订单 {}）",
                                order.id
                            ),
                            format!(
                                "the condition gave `{other}`, not true or false (order {})",
                                order.id
                            ),
                        ),
                    ))),
                    Err(err) => Err(Box::new(Problem::error(
                        ProblemCode::EvaluationFailed,
                        at.as_str(),
                        Localized::new(
                            format!("表达式求值失败（订单 {}）：{err}", order.id),
                            format!("the expression failed on order {}: {err}", order.id),
                        ),
                    ))),
                }
            }
        }
    }

    fn base(order: &Order, base: Base, revenue: Decimal) -> Result<Decimal, Box<Problem>> {
        let (field, why, why_zh) = match base {
            Base::Revenue => return Ok(revenue),
            Base::Margin => ("margin", "the plan splits the margin", "方案按毛利分配"),
            Base::Labour => ("labour", "the plan splits the labour", "方案按工时费分配"),
            Base::Parts => ("parts", "the plan splits the parts", "方案按配件费分配"),
        };
        order
            .number_field(field)
            .ok_or_else(|| Box::new(missing(field, why, why_zh)))
    }

    /// Who is paid for `party` on this order: the party itself, or the payee the order names
    /// for a `from_order` party (interned: one allocation per distinct payee, not per share).
    fn payee(&mut self, order: &Order, party: &Arc<str>) -> Result<Arc<str>, Box<Problem>> {
        if self.plan.from_order.is_empty() || !self.plan.from_order.iter().any(|p| **p == **party) {
            return Ok(Arc::clone(party));
        }
        if let Some(payee) = order.payees.get(&**party) {
            if let Some(interned) = self.payees.get(payee.as_str()) {
                return Ok(Arc::clone(interned));
            }
            let interned: Arc<str> = Arc::from(payee.as_str());
            self.payees
                .insert(Arc::clone(&interned), Arc::clone(&interned));
            return Ok(interned);
        }
        let party = &**party;
        Err({
            Box::new(Problem::error(
                ProblemCode::MissingField,
                format!("/payees/{party}"),
                Localized::new(
                    format!("订单没有给出「{party}」的实际收款方（payees.{party}）"),
                    format!("the order does not name its `{party}` (payees.{party})"),
                ),
            ))
        })
    }

    fn choose_plan(
        &mut self,
        order: &Order,
        context: &mut Option<Variable>,
    ) -> Result<(usize, Option<&'b ChannelPlan>), Vec<Problem>> {
        let settle: &'b SettlePlan = self.plan;
        let channel = order.channel().and_then(|c| settle.channels.get(c));
        if let Some(plan) = channel.and_then(|c| c.plan) {
            return Ok((plan, channel));
        }
        let at = order.placed_at.as_ref().map(|(_, at)| *at);
        for (i, candidate) in settle.plans.iter().enumerate() {
            if let Some(window) = &candidate.window {
                match at {
                    Some(at) if window.holds(at) => {}
                    Some(_) => continue,
                    None => {
                        return Err(vec![missing(
                            "placed_at",
                            "a plan has a window",
                            "有方案设置了有效期",
                        )]);
                    }
                }
            }
            if self
                .holds(&candidate.when, order, context)
                .map_err(|p| vec![*p])?
            {
                return Ok((i, channel));
            }
        }
        Err(vec![
            Problem::error(
                ProblemCode::NoPlan,
                "",
                Localized::new(
                    format!("没有适用于订单「{}」的分润方案", order.id),
                    format!("no settlement plan applies to order `{}`", order.id),
                ),
            )
            .with_hint(Localized::new(
                "加一个没有 when 条件的兜底方案",
                "add a fallback plan without a `when`",
            )),
        ])
    }

    /// The raw (unrounded) shares of an order under `plan`, in component order, and the amount
    /// split. Tiered components over a period measure are not paid here: what they count is
    /// pushed to `pending`, for the caller to record (negatively, for a refund).
    #[allow(clippy::too_many_lines)]
    fn raw_shares(
        &mut self,
        order: &Order,
        plan_index: usize,
        channel: Option<&ChannelPlan>,
        context: &mut Option<Variable>,
        pending: &mut Vec<(DeferredKey, Attainment)>,
    ) -> Result<(Decimal, Vec<RawShare>), Vec<Problem>> {
        let settle = self.plan;
        let Some(plan) = settle.plans.get(plan_index) else {
            return Err(vec![overflow("")]);
        };
        let paid = order.amount();
        let mut problems = Vec::new();
        // Settling on the list amount: the funding party pays the gap.
        let (revenue, funding) = match channel {
            Some(c) if c.settle_on == SettleOn::List => match order.number_field("list_amount") {
                Some(list) => (list, c.funded_by.clone().map(|p| (p, paid - list))),
                None => {
                    return Err(vec![missing(
                        "list_amount",
                        "its channel settles on the list amount",
                        "渠道按原价结算",
                    )]);
                }
            },
            _ => (paid, None),
        };
        let amount = match Self::base(order, plan.base, revenue) {
            Ok(a) => a,
            Err(p) => return Err(vec![*p]),
        };
        // The funding party's (negative) share brings the amount split back to what was paid.
        let amount = match &funding {
            Some((_, gap)) => amount
                .checked_add(*gap)
                .ok_or_else(|| vec![overflow("/amount")])?,
            None => amount,
        };
        // (component id, party, raw amount, is remainder)
        let mut shares: Vec<RawShare> = Vec::with_capacity(plan.components.len() + 1);
        if let Some((party, gap)) = funding {
            shares.push((Arc::from("promotion-funding"), party, gap, None));
        }
        let quantity = order.quantity();
        let mut remainders: Vec<(Arc<str>, Arc<str>, Decimal)> = Vec::new();
        for (c, component) in plan.components.iter().enumerate() {
            match self.holds(&component.when, order, context) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(p) => {
                    problems.push(*p);
                    continue;
                }
            }
            let of = |of: Option<Base>| Self::base(order, of.unwrap_or(plan.base), revenue);
            let raw = match &component.kind {
                Kind::Percentage { rate, of: o } => of(*o).map(|b| rate.checked_mul(b)),
                Kind::Fixed { amount, per } => Ok(match per {
                    Per::Order => Some(*amount),
                    Per::Unit => amount.checked_mul(quantity),
                }),
                Kind::Tiered {
                    bands,
                    mode,
                    measure,
                    period: p,
                    of: o,
                } => match of(*o) {
                    Err(e) => Err(e),
                    Ok(base) => match measure {
                        Measure::OrderAmount => Ok(tier_pay(bands, *mode, base, base)),
                        Measure::OrderQuantity => Ok(tier_pay(bands, *mode, quantity, base)),
                        Measure::PeriodAmount | Measure::PeriodQuantity | Measure::PeriodOrders => {
                            {
                                // Counted in the period the order was placed in (a refund takes
                                // back from that same period).
                                let key = match order.placed_at.as_ref() {
                                    Some((_, at)) => period_key(
                                        p.unwrap_or(settle.cycle),
                                        at.with_timezone(&settle.time_zone).date_naive(),
                                    ),
                                    None => String::new(),
                                };
                                let payee = match self.payee(order, &component.party) {
                                    Ok(p) => p,
                                    Err(e) => return Err(vec![*e]),
                                };
                                let rem = plan
                                    .components
                                    .iter()
                                    .find(|c| matches!(c.kind, Kind::Remainder(_)));
                                let (rem_payee, rem_party) = match rem {
                                    Some(r) => match self.payee(order, &r.party) {
                                        Ok(p) => (p, Arc::clone(&r.party)),
                                        Err(e) => return Err(vec![*e]),
                                    },
                                    None => (Arc::from(""), Arc::from("")),
                                };
                                pending.push((
                                    (
                                        plan_index,
                                        c,
                                        payee,
                                        Arc::clone(&component.party),
                                        key,
                                        rem_payee,
                                        rem_party,
                                    ),
                                    Attainment {
                                        amount: base,
                                        base,
                                        quantity,
                                        orders: Decimal::ONE,
                                    },
                                ));
                            }
                            continue;
                        }
                    },
                },
                Kind::BonusAmount(amount) => Ok(Some(*amount)),
                Kind::BonusRate { rate, of: o } => of(*o).map(|b| rate.checked_mul(b)),
                Kind::RegionRate {
                    rates,
                    default,
                    per,
                } => {
                    let rate = order
                        .region_path
                        .iter()
                        .find_map(|r| rates.iter().find(|(id, _)| id == r).map(|(_, a)| *a))
                        .or(*default);
                    match rate {
                        None => continue,
                        Some(rate) => Ok(match per {
                            Per::Order => Some(rate),
                            Per::Unit => rate.checked_mul(quantity),
                        }),
                    }
                }
                Kind::Cap(limit) | Kind::Floor(limit) => {
                    let so_far: Decimal = shares
                        .iter()
                        .filter(|(_, p, _, _)| *p == component.party)
                        .map(|(_, _, a, _)| *a)
                        .sum();
                    let change = match component.kind {
                        Kind::Cap(_) if so_far > *limit => *limit - so_far,
                        Kind::Floor(_) if so_far < *limit => *limit - so_far,
                        _ => continue,
                    };
                    Ok(Some(change))
                }
                Kind::Remainder(weight) => {
                    remainders.push((
                        Arc::clone(&component.id),
                        Arc::clone(&component.party),
                        weight.unwrap_or(Decimal::ONE),
                    ));
                    continue;
                }
            };
            match raw {
                Ok(Some(raw)) => shares.push((
                    Arc::clone(&component.id),
                    Arc::clone(&component.party),
                    raw,
                    None,
                )),
                Ok(None) => problems.push(overflow(&format!(
                    "/settlement/plans/{}/components/{c}",
                    plan.index
                ))),
                Err(p) => problems.push(*p),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let taken = shares
            .iter()
            .try_fold(Decimal::ZERO, |sum, (_, _, a, _)| sum.checked_add(*a))
            .ok_or_else(|| vec![overflow("")])?;
        let left = amount
            .checked_sub(taken)
            .ok_or_else(|| vec![overflow("")])?;
        let covering = if amount >= Decimal::ZERO {
            left >= Decimal::ZERO
        } else {
            left <= Decimal::ZERO
        };
        if !covering {
            return Err(vec![Problem::error(
                ProblemCode::WeightsNotCovering,
                format!("/settlement/plans/{}/components", plan.index),
                Localized::new(
                    format!(
                        "方案「{}」分给各方的合计 {taken} 超过了订单「{}」可分配的 {amount}",
                        plan.id, order.id
                    ),
                    format!(
                        "plan `{}` hands out {taken}, more than the {amount} order `{}` has to split",
                        plan.id, order.id
                    ),
                ),
            )
            .with_hint(Localized::new(
                "降低比例或固定金额，或用 cap 封顶",
                "lower the rates or fixed amounts, or cap them",
            ))]);
        }
        // What is left, by weight (exactly: the last remainder takes what the others leave; the
        // rounding re-splits the remainders' rounded sum by largest remainder).
        let weight_sum = remainders
            .iter()
            .try_fold(Decimal::ZERO, |sum, r| sum.checked_add(r.2))
            .ok_or_else(|| vec![overflow("")])?;
        let mut handed = Decimal::ZERO;
        let last = remainders.len().saturating_sub(1);
        for (i, (id, party, weight)) in remainders.into_iter().enumerate() {
            let part = if i == last {
                left.checked_sub(handed).ok_or_else(|| vec![overflow("")])?
            } else if weight_sum.is_zero() {
                Decimal::ZERO
            } else {
                left.checked_mul(weight)
                    .and_then(|v| v.checked_div(weight_sum))
                    .ok_or_else(|| vec![overflow("")])?
            };
            handed = handed.checked_add(part).ok_or_else(|| vec![overflow("")])?;
            shares.push((id, party, part, Some(weight)));
        }
        Ok((amount, shares))
    }

    /// Rounds raw shares so they add up exactly to the rounded amount.
    fn round(
        &self,
        plan: &PlanPlan,
        amount: Decimal,
        raw: &[RawShare],
    ) -> Result<(Decimal, Vec<Decimal>, Decimal), Box<Problem>> {
        let total = plan.rounding.round(amount, self.places);
        let has_remainder = raw.iter().any(|r| r.3.is_some());
        let mut values: Vec<Decimal> = Vec::with_capacity(raw.len() + 1);
        values.extend(raw.iter().map(|r| r.2));
        let taken: Decimal = values.iter().sum();
        let unallocated_raw = amount - taken;
        let rounded = match plan.allocation {
            Allocation::ToRemainder if has_remainder => {
                let mut out: Vec<Decimal> = raw
                    .iter()
                    .map(|r| {
                        if r.3.is_some() {
                            Decimal::ZERO
                        } else {
                            plan.rounding.round(r.2, self.places)
                        }
                    })
                    .collect();
                let others: Decimal = out.iter().sum();
                if let Some(i) = raw.iter().position(|r| r.3.is_some())
                    && let Some(slot) = out.get_mut(i)
                {
                    *slot = plan.rounding.round(total - others, self.places);
                }
                out.push(Decimal::ZERO);
                out
            }
            _ => {
                values.push(unallocated_raw);
                match round_non_negative(&values, total, self.places) {
                    Some(rounded) => rounded,
                    None => allocate::round_shares(&values, self.places, plan.rounding)
                        .map_err(|_| Box::new(overflow("")))?,
                }
            }
        };
        let mut rounded = rounded;
        let unallocated = rounded.pop().unwrap_or_default();
        // Weighted remainders share their rounded sum by largest remainder, in listed order.
        let weighted: Vec<(usize, Decimal)> = raw
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.3.map(|w| (i, w)))
            .collect();
        if weighted.len() > 1 {
            let sum: Decimal = weighted.iter().filter_map(|(i, _)| rounded.get(*i)).sum();
            let weights: Vec<Decimal> = weighted.iter().map(|(_, w)| *w).collect();
            let parts =
                allocate::split(sum, &weights, self.places, plan.rounding).map_err(|_| {
                    Box::new(Problem::error(
                        ProblemCode::WeightsNotCovering,
                        format!("/settlement/plans/{}/components", plan.index),
                        Localized::new(
                            format!("方案「{}」的余额 {sum} 无法按权重分配", plan.id),
                            format!("plan `{}` cannot split {sum} by its weights", plan.id),
                        ),
                    ))
                })?;
            for ((i, _), part) in weighted.iter().zip(parts) {
                if let Some(slot) = rounded.get_mut(*i) {
                    *slot = part;
                }
            }
        }
        let unallocated = if has_remainder {
            Decimal::ZERO
        } else {
            unallocated
        };
        let unallocated = plan.rounding.round(unallocated, self.places);
        Ok((total, rounded, unallocated))
    }

    /// Settles one order (a sale, or a refund of it): its split, also counted into statements
    /// and period attainment.
    pub fn settle(&mut self, order: &Order) -> Result<OrderSplit, Vec<Problem>> {
        let mut order_owned;
        let order = if order.region_path.is_empty() && order.region().is_some() {
            order_owned = order.clone();
            SettlePlan::fill_region_path(self.bundle, &mut order_owned);
            &order_owned
        } else {
            order
        };
        if let Some(currency) = order.currency()
            && currency != self.bundle.currency().code
        {
            return Err(vec![Problem::error(
                ProblemCode::UnknownCurrency,
                "/currency",
                Localized::new(
                    format!(
                        "订单币种 {currency} 与方案币种 {} 不符",
                        self.bundle.currency().code
                    ),
                    format!(
                        "the order is in {currency}; the bundle settles in {}",
                        self.bundle.currency().code
                    ),
                ),
            )]);
        }
        if let Some(problems) = self.refuse_amounts(order) {
            return Err(problems);
        }
        let Some((_, placed)) = &order.placed_at else {
            return Err(vec![missing(
                "placed_at",
                "statements are cut by period",
                "结算单按周期出具",
            )]);
        };
        let when = match &order.refund {
            Some((_, Some((_, at)))) => *at,
            _ => *placed,
        };
        let placed_day = placed.with_timezone(&self.plan.time_zone).date_naive();
        // Periods are written as years 0001–9999 (what instants themselves take): 9999-12-31
        // 23:00 in UTC−5 is already year 10000 in Shanghai, a period no reader would take back.
        for (field, instant) in [
            ("placed_at", Some(*placed)),
            (
                "refunded_at",
                match &order.refund {
                    Some((_, Some((_, at)))) => Some(*at),
                    _ => None,
                },
            ),
        ] {
            let Some(instant) = instant else { continue };
            let local = instant.with_timezone(&self.plan.time_zone).date_naive();
            if !(1..=9999).contains(&local.year()) {
                return Err(vec![Problem::error(
                    ProblemCode::OutOfRange,
                    format!("/{field}"),
                    Localized::new(
                        format!(
                            "{field} 在结算时区（{}）中落在 {} 年，超出 0001–9999 年",
                            self.plan.time_zone,
                            local.year()
                        ),
                        format!(
                            "`{field}` falls in the year {} in the statements' time zone ({}), outside 0001–9999",
                            local.year(),
                            self.plan.time_zone
                        ),
                    ),
                )]);
            }
        }
        let first = self.placed_days.entry(placed_day).or_insert(*placed);
        if *placed < *first {
            *first = *placed;
        }
        let day = when.with_timezone(&self.plan.time_zone).date_naive();
        let cycle = self.plan.cycle;
        let period = Arc::clone(
            self.periods
                .entry(day)
                .or_insert_with(|| Arc::from(period_key(cycle, day))),
        );
        let mut context = None;
        let (plan_index, channel) = self.choose_plan(order, &mut context)?;
        let refund = order.refund.as_ref().map(|(id, _)| id.clone());
        let mut pending = Vec::new();
        let (amount, raw) =
            self.raw_shares(order, plan_index, channel, &mut context, &mut pending)?;
        let settle = self.plan;
        let Some(plan) = settle.plans.get(plan_index) else {
            return Err(vec![overflow("")]);
        };
        let (total, rounded, unallocated) = self.round(plan, amount, &raw).map_err(|p| vec![*p])?;
        let mut shares = Vec::with_capacity(raw.len());
        for ((component, party, _, _), amount) in raw.iter().zip(&rounded) {
            shares.push(Share {
                payee: self.payee(order, party).map_err(|p| vec![*p])?,
                party: Arc::clone(party),
                component: Arc::clone(component),
                amount: *amount,
            });
        }
        let (amount, shares, unallocated) = match &refund {
            None => (total, shares, unallocated),
            Some(_) => self.reverse(order, plan, total, shares, unallocated, &mut context)?,
        };
        // What the order counts toward period attainment; a refund takes back its share of it.
        let factor = if refund.is_none() {
            Decimal::ONE
        } else if total.is_zero() {
            Decimal::ZERO
        } else {
            amount.checked_div(total).unwrap_or_default()
        };
        self.count_period_rules(order, &mut context, factor)?;
        for (key, acc) in pending {
            let counted = self.deferred.entry(key).or_default();
            counted.add(&acc, factor);
        }
        let split = OrderSplit {
            order: order.id.clone(),
            refund,
            plan: Arc::clone(&plan.id),
            period,
            amount,
            shares,
            unallocated,
        };
        self.record(&split);
        self.settled += 1;
        Ok(split)
    }

    /// Amounts a billing engine must refuse rather than bend: a sale of a negative amount (only
    /// a refund takes money back), and money finer than the currency's precision (an order of
    /// 0.005 CNY would otherwise settle as 0.01, and 20,000 of them drift by whole yuan).
    fn refuse_amounts(&self, order: &Order) -> Option<Vec<Problem>> {
        const MONEY: [&str; 8] = [
            "amount",
            "list_amount",
            "margin",
            "labour",
            "parts",
            "promotion_amount",
            "deposit",
            "refund_amount",
        ];
        let currency = self.bundle.currency();
        let mut problems = Vec::new();
        if order.refund.is_none() && order.amount() < Decimal::ZERO {
            problems.push(
                Problem::error(
                    ProblemCode::Negative,
                    "/amount",
                    Localized::new(
                        format!("销售订单的金额不能为负数：{}", order.amount()),
                        format!("a sale's amount cannot be negative: {}", order.amount()),
                    ),
                )
                .with_hint(Localized::new(
                    "退款请写成退款记录（refund_of、refund_id、refunded_at）",
                    "write a refund as a refund record (`refund_of`, `refund_id`, `refunded_at`)",
                )),
            );
        }
        for field in MONEY {
            let Some(value) = order.number_field(field) else {
                continue;
            };
            if value.normalize().scale() > currency.precision {
                problems.push(Problem::error(
                    ProblemCode::TooPrecise,
                    format!("/{field}"),
                    Localized::new(
                        format!(
                            "金额 {value} 的小数位超过 {} 允许的 {} 位",
                            currency.code, currency.precision
                        ),
                        format!(
                            "{value} has more decimals than {} allows ({})",
                            currency.code, currency.precision
                        ),
                    ),
                ));
            }
        }
        (!problems.is_empty()).then_some(problems)
    }

    /// A refund: how much goes back, and each share's part of it.
    fn reverse(
        &mut self,
        order: &Order,
        plan: &PlanPlan,
        paid: Decimal,
        shares: Vec<Share>,
        unallocated: Decimal,
        context: &mut Option<Variable>,
    ) -> Result<(Decimal, Vec<Share>, Decimal), Vec<Problem>> {
        let mut rule = None;
        for candidate in &self.plan.refunds {
            if self
                .holds(&candidate.when, order, context)
                .map_err(|p| vec![*p])?
            {
                rule = Some(candidate);
                break;
            }
        }
        let refund = match (order.number_field("refund_amount"), rule) {
            (Some(given), _) => given,
            (None, None) => paid,
            (None, Some(rule)) => {
                let ratio = match rule.prorate {
                    Proration::None => Decimal::ONE,
                    Proration::RemainingHours => {
                        let (Some(remaining), Some(total)) = (
                            order.number_field("remaining_hours"),
                            order.number_field("total_hours"),
                        ) else {
                            return Err(vec![missing(
                                "remaining_hours",
                                "the refund is prorated by remaining class hours; give remaining_hours and total_hours",
                                "退费按剩余课时折算，需要 remaining_hours 和 total_hours",
                            )]);
                        };
                        if total <= Decimal::ZERO {
                            return Err(vec![Problem::error(
                                ProblemCode::OutOfRange,
                                "/total_hours",
                                Localized::new("总课时必须大于 0", "total_hours must be above 0"),
                            )]);
                        }
                        remaining
                            .checked_div(total)
                            .ok_or_else(|| vec![overflow("/total_hours")])?
                    }
                };
                let mut value = paid
                    .checked_mul(ratio)
                    .ok_or_else(|| vec![overflow("/amount")])?;
                for deduction in &rule.deductions {
                    let off = match deduction {
                        Deduction::Promotion(p) => {
                            let promo = order.number_field("promotion_amount").unwrap_or_default();
                            if p.prorate {
                                promo.checked_mul(ratio)
                            } else {
                                Some(promo)
                            }
                        }
                        Deduction::Fixed(f) => Some(f.amount.0),
                        Deduction::Rate(r) => value.checked_mul(r.rate.0),
                    };
                    value = off
                        .and_then(|off| value.checked_sub(off))
                        .ok_or_else(|| vec![overflow("/amount")])?;
                }
                plan.rounding.round(value.max(Decimal::ZERO), self.places)
            }
        };
        if refund < Decimal::ZERO || refund > paid.abs() {
            return Err(vec![Problem::error(
                ProblemCode::OutOfRange,
                "/refund_amount",
                Localized::new(
                    format!("退款金额 {refund} 应在 0 到实付 {paid} 之间"),
                    format!("the refund {refund} must be between 0 and the {paid} paid"),
                ),
            )]);
        }
        let reversal = rule.map_or(CommissionReversal::Proportional, |r| r.commissions);
        let mut out = Vec::with_capacity(shares.len());
        match reversal {
            CommissionReversal::Full => {
                for share in shares {
                    out.push(Share {
                        amount: -share.amount,
                        ..share
                    });
                }
            }
            CommissionReversal::Keep => {
                let Some(last) = shares.last() else {
                    return Ok((-refund, out, Decimal::ZERO));
                };
                out.push(Share {
                    amount: -refund,
                    ..last.clone()
                });
            }
            CommissionReversal::Proportional => {
                if paid.is_zero() {
                    return Ok((Decimal::ZERO, out, Decimal::ZERO));
                }
                let mut raw: Vec<Decimal> = Vec::with_capacity(shares.len() + 1);
                for share in &shares {
                    raw.push(
                        (-share.amount)
                            .checked_mul(refund)
                            .and_then(|v| v.checked_div(paid))
                            .ok_or_else(|| vec![overflow("")])?,
                    );
                }
                raw.push(
                    (-unallocated)
                        .checked_mul(refund)
                        .and_then(|v| v.checked_div(paid))
                        .ok_or_else(|| vec![overflow("")])?,
                );
                let mut rounded = allocate::round_shares(&raw, self.places, plan.rounding)
                    .map_err(|_| vec![overflow("")])?;
                let unallocated = rounded.pop().unwrap_or_default();
                for (share, amount) in shares.into_iter().zip(rounded) {
                    out.push(Share { amount, ..share });
                }
                return Ok((-refund, out, unallocated));
            }
        }
        Ok((-refund, out, Decimal::ZERO))
    }

    fn count_period_rules(
        &mut self,
        order: &Order,
        context: &mut Option<Variable>,
        factor: Decimal,
    ) -> Result<(), Vec<Problem>> {
        let settle = self.plan;
        let Some((_, at)) = &order.placed_at else {
            return Ok(());
        };
        for (r, rule) in settle.period_rules.iter().enumerate() {
            if rule.window.as_ref().is_some_and(|w| !w.holds(*at)) {
                continue;
            }
            if !self
                .holds(&rule.when, order, context)
                .map_err(|p| vec![*p])?
            {
                continue;
            }
            // A rule over a `from_order` party counts the order's payee; an order that does not
            // name one does not count for it.
            let Ok(payee) = self.payee(order, &rule.party) else {
                continue;
            };
            let base = Self::base(order, rule.of, order.amount()).map_err(|p| vec![*p])?;
            let key = period_key(
                rule.period,
                at.with_timezone(&settle.time_zone).date_naive(),
            );
            let counted = Attainment {
                amount: base,
                base,
                quantity: order.quantity(),
                orders: Decimal::ONE,
            };
            self.period_rules
                .entry((r, payee.to_string(), key))
                .or_default()
                .add(&counted, factor);
        }
        Ok(())
    }

    /// The statement of `payee` for `period`, created on first use.
    fn statement(&mut self, payee: &str, period: &str) -> &mut StatementAcc {
        if !self.statements.contains_key(payee) {
            self.statements.insert(Arc::from(payee), Fast::default());
        }
        let Some(periods) = self.statements.get_mut(payee) else {
            return &mut self.scratch;
        };
        if !periods.contains_key(period) {
            periods.insert(Arc::from(period), StatementAcc::default());
        }
        match periods.get_mut(period) {
            Some(acc) => acc,
            None => &mut self.scratch,
        }
    }

    /// Adds a line to a statement; `counts`: the line's order is new to the statement.
    fn line(
        &mut self,
        payee: &str,
        party: &Arc<str>,
        period: &str,
        amount: Decimal,
        counts: bool,
        line: impl FnOnce() -> StatementLine,
    ) {
        let keep = self.keep_lines;
        let acc = self.statement(payee, period);
        acc.party.get_or_insert_with(|| Arc::clone(party));
        acc.total += amount;
        if counts {
            acc.orders += 1;
        }
        if keep {
            acc.lines.push(line());
        }
    }

    fn record(&mut self, split: &OrderSplit) {
        for (i, share) in split.shares.iter().enumerate() {
            // An order counts once per statement, however many shares its payee has.
            let first = !split
                .shares
                .get(..i)
                .unwrap_or_default()
                .iter()
                .any(|s| s.payee == share.payee);
            self.line(
                &share.payee,
                &share.party,
                &split.period,
                share.amount,
                first,
                || StatementLine {
                    order: Some(split.order.clone()),
                    refund: split.refund.clone(),
                    plan: Some(Arc::clone(&split.plan)),
                    rule: Arc::clone(&share.component),
                    orders: None,
                    paid_to: None,
                    amount: share.amount,
                },
            );
        }
    }

    /// The statement period a period key is paid in: the cycle period it ends in (a daily
    /// bonus lands in that month's statement, a yearly reward in December's).
    fn cycle_key(&self, key: &str) -> String {
        period_end(key).map_or_else(|| key.to_owned(), |end| period_key(self.plan.cycle, end))
    }

    /// What `payee` has on its statements for the cycles ending inside period `key`.
    fn earned(&self, payee: &str, period: Period, key: &str) -> Decimal {
        self.statements.get(payee).map_or(Decimal::ZERO, |periods| {
            periods
                .iter()
                .filter(|(cycle, _)| {
                    period_end(cycle).is_some_and(|end| period_key(period, end) == key)
                })
                .map(|(_, acc)| acc.total)
                .sum()
        })
    }

    /// Closes every period: deferred tiered components and period rules, then the statements,
    /// sorted by payee and period.
    pub fn finish(mut self) -> Vec<Statement> {
        let settle = self.plan;
        let places = self.places;
        let rounding = self.bundle.rounding();
        for ((plan, component, payee, party, key, rem_payee, rem_party), acc) in
            std::mem::take(&mut self.deferred)
        {
            let Some(c) = settle
                .plans
                .get(plan)
                .and_then(|p| p.components.get(component))
            else {
                continue;
            };
            let Kind::Tiered {
                bands,
                mode,
                measure,
                ..
            } = &c.kind
            else {
                continue;
            };
            let attained = match measure {
                Measure::PeriodQuantity => acc.quantity,
                Measure::PeriodOrders => acc.orders,
                _ => acc.amount,
            };
            let pay = rounding.round(
                tier_pay(bands, *mode, attained, acc.base).unwrap_or_default(),
                places,
            );
            if pay.is_zero() {
                continue;
            }
            let plan_id = settle.plans.get(plan).map(|p| Arc::clone(&p.id));
            let orders = whole(acc.orders);
            let line = |amount, paid_to: Option<String>| StatementLine {
                order: None,
                refund: None,
                plan: plan_id.clone(),
                rule: Arc::clone(&c.id),
                orders,
                paid_to,
                amount,
            };
            // Paid in the statement of the cycle the period ends in.
            let cycle_key = self.cycle_key(&key);
            self.line(&payee, &party, &cycle_key, pay, false, || line(pay, None));
            if !rem_payee.is_empty() {
                self.line(&rem_payee, &rem_party, &cycle_key, -pay, false, || {
                    line(-pay, Some(payee.to_string()))
                });
            }
        }
        // A guarantee or a draw pays for every period the batch covers, orders or not: each
        // payee the party has (itself, or every payee orders named for it) gets an entry.
        for (r, rule) in settle.period_rules.iter().enumerate() {
            let earns = !rule.bands.is_empty() || !rule.milestones.is_empty();
            if earns || (rule.minimum.is_none() && rule.draw.is_none()) {
                continue;
            }
            let payees: Vec<String> = if settle.from_order.iter().any(|p| **p == *rule.party) {
                let mut seen: Vec<String> = self
                    .statements
                    .iter()
                    .filter(|(_, periods)| {
                        periods
                            .values()
                            .any(|acc| acc.party.as_deref() == Some(&*rule.party))
                    })
                    .map(|(payee, _)| payee.to_string())
                    .collect();
                seen.sort_unstable();
                seen
            } else {
                vec![rule.party.to_string()]
            };
            let keys: std::collections::BTreeSet<String> = self
                .placed_days
                .iter()
                .filter(|(_, at)| rule.window.as_ref().is_none_or(|w| w.holds(**at)))
                .map(|(day, _)| period_key(rule.period, *day))
                .collect();
            for payee in &payees {
                for key in &keys {
                    self.period_rules
                        .entry((r, payee.clone(), key.clone()))
                        .or_default();
                }
            }
        }
        let mut by_rule: BTreeMap<(usize, String), Vec<(String, Attainment)>> = BTreeMap::new();
        for ((r, payee, key), acc) in std::mem::take(&mut self.period_rules) {
            by_rule.entry((r, payee)).or_default().push((key, acc));
        }
        for ((r, payee), periods) in by_rule {
            let Some(rule) = settle.period_rules.get(r) else {
                continue;
            };
            // A rule with tiers or milestones earns its own payout; a rule with neither (a
            // guarantee, a draw) works on what the payee earned in the period otherwise.
            let earns = !rule.bands.is_empty() || !rule.milestones.is_empty();
            let mut owed = Decimal::ZERO;
            let mut owed_for = 0u32;
            for (key, acc) in periods {
                let cycle_key = self.cycle_key(&key);
                let (earned, mut paid) = if earns {
                    let pay =
                        period_pay(rule, &acc).map_or(Decimal::ZERO, |p| rounding.round(p, places));
                    (pay, pay)
                } else {
                    let earned = self.earned(&payee, rule.period, &key);
                    let topup = rule.minimum.map_or(Decimal::ZERO, |min| {
                        let topup = (min - earned).max(Decimal::ZERO);
                        rule.maximum.map_or(topup, |max| topup.min(max))
                    });
                    (earned + topup, topup)
                };
                let mut balance = None;
                if let Some((draw, recoverable, over)) = rule.draw {
                    let before = owed;
                    let (mut advanced, mut recovered) = (Decimal::ZERO, Decimal::ZERO);
                    if earned < draw {
                        // An advance up to the draw; a recoverable one is owed back.
                        advanced = draw - earned;
                        if recoverable {
                            owed += advanced;
                            owed_for = 0;
                        }
                        paid += advanced;
                    } else if recoverable
                        && owed > Decimal::ZERO
                        && over.is_none_or(|n| owed_for < n)
                    {
                        // Recovered from what this period earns beyond the draw.
                        recovered = (earned - draw).min(owed);
                        paid -= recovered;
                        owed -= recovered;
                        owed_for += 1;
                    }
                    if recoverable {
                        let shown = |mut v: Decimal| {
                            v.rescale(places);
                            v
                        };
                        balance = Some(DrawBalance {
                            rule: Arc::clone(&rule.id),
                            outstanding_before: shown(before),
                            advanced: shown(advanced),
                            recovered: shown(recovered),
                            carried_forward: shown(owed),
                        });
                    }
                }
                if let Some(balance) = balance {
                    let acc = self.statement(&payee, &cycle_key);
                    acc.party.get_or_insert_with(|| Arc::clone(&rule.party));
                    acc.draws.push(balance);
                }
                if paid.is_zero() {
                    continue;
                }
                let orders = whole(acc.orders);
                let line = |amount, paid_to: Option<String>| StatementLine {
                    order: None,
                    refund: None,
                    plan: None,
                    rule: Arc::clone(&rule.id),
                    orders,
                    paid_to,
                    amount,
                };
                self.line(&payee, &rule.party, &cycle_key, paid, false, || {
                    line(paid, None)
                });
                // Every cent comes from someone: the funding party's counter-line.
                if let Some(funder) = &rule.funder {
                    self.line(funder, funder, &cycle_key, -paid, false, || {
                        line(-paid, Some(payee.clone()))
                    });
                }
            }
        }
        let after = settle.settle_after_days;
        let calendar = settle.calendar.as_ref().and_then(|id| {
            self.bundle
                .doc()
                .calendars
                .iter()
                .find(|c| c.id.as_str() == id)
        });
        let mut statements: Vec<(Arc<str>, Arc<str>, StatementAcc)> =
            std::mem::take(&mut self.statements)
                .into_iter()
                .flat_map(|(payee, periods)| {
                    periods
                        .into_iter()
                        .map(move |(period, acc)| (Arc::clone(&payee), period, acc))
                })
                .collect();
        crate::sort::vec_by(&mut statements, |a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        statements
            .into_iter()
            .map(|(payee, period, mut acc)| {
                let (payee, period) = (payee.to_string(), period.to_string());
                crate::sort::vec_by(&mut acc.lines, Ord::cmp);
                let settles_on = period_end(&period).and_then(|end| {
                    let mut day = end;
                    let mut left = after;
                    while left > 0 {
                        day = day.succ_opt()?;
                        if calendar.is_none_or(|c| c.is_business_day(day)) {
                            left -= 1;
                        }
                    }
                    // A settlement date past 9999-12-31 cannot be written as a date.
                    (day.year() <= 9999).then(|| day.format("%Y-%m-%d").to_string())
                });
                Statement {
                    payee,
                    party: acc.party.unwrap_or_else(|| Arc::from("")),
                    period,
                    settles_on,
                    orders: acc.orders,
                    total: acc.total,
                    lines: acc.lines,
                    draws: acc.draws,
                }
            })
            .collect()
    }
}

/// Largest remainder for shares that are all non-negative (nearly every order), with plain
/// decimal arithmetic: the same result as [`allocate::round_shares`] gives them, which handles
/// everything else. `None` when this shortcut does not apply.
fn round_non_negative(values: &[Decimal], target: Decimal, places: u32) -> Option<Vec<Decimal>> {
    if values.iter().any(|v| v.is_sign_negative() && !v.is_zero()) {
        return None;
    }
    let unit = Decimal::new(1, places);
    let mut out = Vec::with_capacity(values.len());
    let mut floors = Decimal::ZERO;
    for value in values {
        let mut floor =
            value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::ToZero);
        floor.rescale(places);
        floor.set_sign_positive(true);
        floors = floors.checked_add(floor)?;
        out.push(floor);
    }
    let left = target.checked_sub(floors)?.checked_div(unit)?;
    if !left.fract().is_zero() || left.is_sign_negative() {
        return None;
    }
    let mut left = usize::try_from(left.mantissa() / 10i128.pow(left.scale())).ok()?;
    if values.len() > 64 {
        return None;
    }
    let mut bumped = 0u64;
    while left > 0 {
        let mut best: Option<(usize, Decimal)> = None;
        for (i, (value, floor)) in values.iter().zip(&out).enumerate() {
            let fraction = value.checked_sub(*floor)?;
            let free = bumped & (1 << i) == 0;
            if free && !fraction.is_zero() && best.is_none_or(|(_, b)| fraction > b) {
                best = Some((i, fraction));
            }
        }
        let (i, _) = best?;
        let slot = out.get_mut(i)?;
        *slot = slot.checked_add(unit)?;
        bumped |= 1 << i;
        left -= 1;
    }
    Some(out)
}

/// A count of orders kept as a decimal (refunds take back whole orders), as a whole number.
fn whole(orders: Decimal) -> Option<u64> {
    u64::try_from(orders.trunc().mantissa() / 10i128.pow(orders.trunc().scale())).ok()
}

/// What a period rule pays for one period's attainment, before draws: tiers, milestones, then
/// the minimum and maximum.
fn period_pay(rule: &PeriodRulePlan, acc: &Attainment) -> Option<Decimal> {
    let attained = match rule.measure {
        PeriodMeasure::Amount => acc.amount,
        PeriodMeasure::Quantity => acc.quantity,
        PeriodMeasure::Orders => acc.orders,
    };
    let mut pay = if rule.bands.is_empty() {
        Decimal::ZERO
    } else {
        tier_pay(&rule.bands, rule.mode, attained, acc.base)?
    };
    for (at, amount) in &rule.milestones {
        if attained >= *at {
            pay = pay.checked_add(*amount)?;
        }
    }
    if let Some(min) = rule.minimum {
        pay = pay.max(min);
    }
    if let Some(max) = rule.maximum {
        pay = pay.min(max);
    }
    Some(pay)
}

/// Settles orders as they stream: `on_split` sees each order's split or its problems (with the
/// position of the order in the stream, from 1), `progress` the count settled so far every
/// `every` orders. Returns the statements.
pub fn settle_stream<I>(
    bundle: &Bundle,
    orders: I,
    keep_lines: bool,
    mut on_split: impl FnMut(u64, Result<&OrderSplit, &[Problem]>),
) -> Vec<Statement>
where
    I: IntoIterator<Item = Result<Order, Vec<Problem>>>,
{
    let mut settler = Settler::new(bundle, keep_lines);
    for (n, order) in orders.into_iter().enumerate() {
        let n = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(1);
        match order.and_then(|order| settler.settle(&order)) {
            Ok(split) => on_split(n, Ok(&split)),
            Err(problems) => on_split(n, Err(&problems)),
        }
    }
    settler.finish()
}
