//! The semantic checks of the settlement section: parties and their hierarchy, tier tables,
//! plans and their components, coverage, period rules and who funds them, refunds, channels.

use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::Scope;
use crate::format::org::{parent_cycles, report_cycle, warning};
use crate::format::tiers::{TierRules, check_rate, check_tiers};
use crate::format::{BundleDoc, Id};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::Pointer;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::period_rules::{DrawRecovery, PeriodRule};
use super::refunds::Deduction;
use super::scope::order_scope;
use super::types::{
    Allocation, Component, Measure, Period, Plan, SettleOn, Settlement, TierSource, TierTable,
};

fn at() -> Pointer {
    Pointer::root().key("settlement")
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &BundleDoc, ctx: &mut Ctx) {
    let s = &doc.settlement;
    for (i, party) in s.parties.iter().enumerate() {
        ctx.define(
            IdKind::Party,
            &party.id,
            &at().key("parties").index(i).key("id"),
        );
    }
    for (i, table) in s.tier_tables.iter().enumerate() {
        ctx.define(
            IdKind::TierTable,
            &table.id,
            &at().key("tier_tables").index(i).key("id"),
        );
    }
    for (i, plan) in s.plans.iter().enumerate() {
        ctx.define(
            IdKind::Plan,
            &plan.id,
            &at().key("plans").index(i).key("id"),
        );
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &BundleDoc, ctx: &mut Ctx) {
    let s = &doc.settlement;
    let scope = order_scope();

    for (i, party) in s.parties.iter().enumerate() {
        if let Some(parent) = &party.parent {
            ctx.refer(
                IdKind::Party,
                parent,
                &at().key("parties").index(i).key("parent"),
            );
        }
    }
    let nodes: Vec<(&Id, Option<&Id>)> = s
        .parties
        .iter()
        .map(|p| (&p.id, p.parent.as_ref()))
        .collect();
    for i in parent_cycles(&nodes)
        .iter()
        .filter_map(|c| c.first().copied())
    {
        report_cycle(
            ctx,
            &at().key("parties").index(i).key("parent"),
            &nodes,
            i,
            ("结算方", "party"),
        );
    }

    for (i, table) in s.tier_tables.iter().enumerate() {
        check_tiers(
            &table.tiers,
            &at().key("tier_tables").index(i).key("tiers"),
            COMMISSION_TIERS,
            ctx,
        );
    }

    for (i, plan) in s.plans.iter().enumerate() {
        check_plan(
            plan,
            &s.tier_tables,
            &at().key("plans").index(i),
            &scope,
            ctx,
        );
    }

    let mut rule_ids = IdSet::new(("周期规则", "period rule"));
    for (i, rule) in s.period_rules.iter().enumerate() {
        let r_at = at().key("period_rules").index(i);
        rule_ids.define(&rule.id, &r_at.key("id"), &mut ctx.diag);
        check_period_rule(rule, &s.tier_tables, &r_at, &scope, ctx);
        check_funding(s, rule, &r_at, ctx);
    }

    let mut refund_ids = IdSet::new(("退款规则", "refund rule"));
    for (i, refund) in s.refunds.iter().enumerate() {
        let r_at = at().key("refunds").index(i);
        refund_ids.define(&refund.id, &r_at.key("id"), &mut ctx.diag);
        if let Some(when) = &refund.when {
            ctx.expr(when, &r_at.key("when"), &scope);
        }
        for (d, deduction) in refund.deductions.iter().enumerate() {
            if let Deduction::Rate(r) = deduction {
                check_rate(&r.rate, &r_at.key("deductions").index(d).key("rate"), ctx);
            }
        }
    }

    let mut channel_ids = IdSet::new(("渠道", "channel"));
    for (i, channel) in s.channels.iter().enumerate() {
        let c_at = at().key("channels").index(i);
        channel_ids.define(&channel.id, &c_at.key("id"), &mut ctx.diag);
        if let Some(party) = &channel.funded_by {
            ctx.refer(IdKind::Party, party, &c_at.key("funded_by"));
        }
        if let Some(plan) = &channel.plan {
            ctx.refer(IdKind::Plan, plan, &c_at.key("plan"));
        }
        if channel.settle_on == SettleOn::List && channel.funded_by.is_none() {
            ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    c_at.key("funded_by").as_str(),
                    Localized::new(
                        "按标价结算的渠道必须说明由谁承担优惠差额",
                        "a channel settled on the list amount must say who funds the promotion",
                    ),
                )
                .with_hint(Localized::new(
                    "写 funded_by（结算方 id），或改为 \"settle_on\": \"paid\"",
                    "set `funded_by` to a party id, or use \"settle_on\": \"paid\"",
                )),
            );
        }
    }

    if let Some(statements) = &s.statements
        && let Some(calendar) = &statements.calendar
    {
        ctx.refer(
            IdKind::Calendar,
            calendar,
            &at().key("statements").key("calendar"),
        );
    }
}

fn pct(rate: Decimal) -> String {
    let mut shown = rate.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(rate);
    shown = shown.normalize();
    format!("{shown}%")
}

/// Commission tiers may pay by `rate`, and each must pay something.
const COMMISSION_TIERS: TierRules = TierRules {
    rate: true,
    must_pay: true,
    flat_only: false,
};

fn check_tier_source(source: &TierSource, tables: &[TierTable], at: &Pointer, ctx: &mut Ctx) {
    match source {
        TierSource::Table(id) => {
            // Pricing tier tables share the id space; settlement reads only its own.
            if ctx.refer(IdKind::TierTable, id, at) && !tables.iter().any(|t| t.id == *id) {
                ctx.push(
                    Problem::error(
                        ProblemCode::InvalidValue,
                        at.as_str(),
                        Localized::new(
                            format!("阶梯表「{}」属于定价，结算只能引用 settlement.tier_tables 中的阶梯表", id.as_str()),
                            format!(
                                "tier table `{}` belongs to pricing; settlement refers only to `settlement.tier_tables`",
                                id.as_str()
                            ),
                        ),
                    )
                    .with_hint(Localized::new(
                        "在 settlement.tier_tables 中定义一张结算用的阶梯表",
                        "define a settlement tier table in `settlement.tier_tables`",
                    )),
                );
            }
        }
        TierSource::Inline(tiers) => check_tiers(tiers, at, COMMISSION_TIERS, ctx),
    }
}

fn check_plan(plan: &Plan, tables: &[TierTable], p_at: &Pointer, scope: &Scope, ctx: &mut Ctx) {
    if let Some(when) = &plan.when {
        ctx.expr(when, &p_at.key("when"), scope);
    }
    if let Some(window) = &plan.window {
        ctx.window(window, &p_at.key("window"));
    }
    let mut component_ids = IdSet::new(("分润项", "component"));
    let mut remainder: Option<usize> = None;
    // Remainders with a weight (position, weight) and without one (position).
    let mut weights: Vec<(usize, Decimal)> = Vec::new();
    let mut unweighted: Vec<usize> = Vec::new();
    let mut bad_rate = false;
    let mut percent_sum = Decimal::ZERO;
    let mut other_amounts: Vec<usize> = Vec::new();
    let mut caps: BTreeMap<&str, (Decimal, usize)> = BTreeMap::new();
    let mut floors: Vec<(&str, Decimal, usize)> = Vec::new();
    let components_at = p_at.key("components");
    for (c, component) in plan.components.iter().enumerate() {
        let c_at = components_at.index(c);
        if let Some(id) = component.id() {
            component_ids.define(id, &c_at.key("id"), &mut ctx.diag);
        }
        ctx.refer(IdKind::Party, component.party(), &c_at.key("party"));
        if let Some(when) = component.when() {
            ctx.expr(when, &c_at.key("when"), scope);
        }
        match component {
            Component::Percentage(p) => {
                bad_rate |= !check_rate(&p.rate, &c_at.key("rate"), ctx);
                if p.when.is_none() && p.of.is_none_or(|of| of == plan.base) {
                    percent_sum = percent_sum.checked_add(p.rate.0).unwrap_or(Decimal::MAX);
                } else {
                    other_amounts.push(c);
                }
            }
            Component::Fixed(_) => other_amounts.push(c),
            Component::Tiered(t) => {
                other_amounts.push(c);
                check_tier_source(&t.tiers, tables, &c_at.key("tiers"), ctx);
                check_measure(t.measure, t.period, &c_at, ctx);
            }
            Component::Bonus(b) => {
                other_amounts.push(c);
                match (&b.amount, &b.rate) {
                    (Some(_), Some(_)) => ctx.push(
                        Problem::error(
                            ProblemCode::InvalidValue,
                            c_at.key("rate").as_str(),
                            Localized::new(
                                "奖励只能写 amount 或 rate 之一",
                                "a bonus has an `amount` or a `rate`, not both",
                            ),
                        )
                        .with_hint(Localized::new(
                            "需要两笔奖励时请写两个 bonus",
                            "write two bonuses to pay both",
                        )),
                    ),
                    (None, None) => ctx.push(
                        Problem::error(
                            ProblemCode::MissingField,
                            c_at.key("amount").as_str(),
                            Localized::new("奖励没有金额或比例", "the bonus has no amount or rate"),
                        )
                        .with_hint(Localized::new(
                            "写 amount（金额）或 rate（比例，0 到 1）",
                            "set `amount`, or `rate` from 0 to 1",
                        )),
                    ),
                    (None, Some(rate)) => {
                        check_rate(rate, &c_at.key("rate"), ctx);
                    }
                    (Some(_), None) => {}
                }
            }
            Component::RegionRate(r) => {
                other_amounts.push(c);
                let mut seen = IdSet::new(("区域", "region"));
                for (k, rate) in r.rates.iter().enumerate() {
                    let r_at = c_at.key("rates").index(k).key("region");
                    if ctx.refer(IdKind::Region, &rate.region, &r_at) {
                        seen.define(&rate.region, &r_at, &mut ctx.diag);
                    }
                }
            }
            Component::Cap(limit) => {
                caps.entry(limit.party.as_str())
                    .or_insert((limit.amount.0, c));
            }
            Component::Floor(limit) => floors.push((limit.party.as_str(), limit.amount.0, c)),
            Component::Remainder(r) => {
                let w_at = c_at.key("weight");
                if let Some(w) = &r.weight {
                    if w.0 < Decimal::ZERO {
                        ctx.error(
                            ProblemCode::Negative,
                            &w_at,
                            Localized::new(
                                format!("权重不能为负数：{}", w.0),
                                format!("a weight cannot be negative: {}", w.0),
                            ),
                        );
                    }
                    weights.push((c, w.0));
                } else {
                    unweighted.push(c);
                }
                if remainder.is_none() {
                    remainder = Some(c);
                }
            }
        }
    }
    let remainders = unweighted.len() + weights.len();
    if remainders > 1 {
        for &c in unweighted.iter().skip(usize::from(weights.is_empty())) {
            ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    components_at.index(c).key("kind").as_str(),
                    Localized::new(
                        "方案有多个 remainder 时，每一个都要写 weight（按比例分配余额）",
                        "a plan with several `remainder`s gives each a `weight` (they share what is left by ratio)",
                    ),
                )
                .with_hint(Localized::new(
                    "例如 {\"kind\": \"remainder\", \"party\": \"store\", \"weight\": \"3\"}",
                    "for example {\"kind\": \"remainder\", \"party\": \"store\", \"weight\": \"3\"}",
                )),
            );
        }
    }
    if weights.iter().all(|(_, w)| w.is_zero())
        && let Some((c, _)) = weights.first()
    {
        ctx.error(
            ProblemCode::WeightsNotCovering,
            &components_at.index(*c).key("weight"),
            Localized::new(
                "所有 remainder 的权重都是 0，余额无人承接",
                "every remainder weight is 0, so nobody can take what is left",
            ),
        );
    }
    for (party, floor, c) in floors {
        if let Some((cap, _)) = caps.get(party)
            && floor > *cap
        {
            ctx.error(
                ProblemCode::InvalidValue,
                &components_at.index(c).key("amount"),
                Localized::new(
                    format!("结算方「{party}」的保底 {floor} 高于封顶 {cap}"),
                    format!("the floor {floor} of party `{party}` is above its cap {cap}"),
                ),
            );
        }
        if remainder.is_none() {
            ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    components_at.index(c).key("kind").as_str(),
                    Localized::new(
                        "保底（floor）的差额由 remainder 方承担，但方案没有 remainder",
                        "a `floor` is funded by the `remainder` party, and the plan has none",
                    ),
                )
                .with_hint(Localized::new(
                    "加一个 {\"kind\": \"remainder\", \"party\": \"hq\"}",
                    "add {\"kind\": \"remainder\", \"party\": \"hq\"}",
                )),
            );
        }
    }
    if plan.allocation == Allocation::ToRemainder && remainder.is_none() {
        ctx.push(
            Problem::error(
                ProblemCode::InvalidValue,
                p_at.key("allocation").as_str(),
                Localized::new(
                    "to_remainder 需要方案中有一个 remainder 项来吸收尾差",
                    "`to_remainder` needs a `remainder` component to absorb the rounding difference",
                ),
            )
            .with_hint(Localized::new(
                "加一个 remainder 项，或使用 largest_remainder",
                "add a `remainder` component, or use `largest_remainder`",
            )),
        );
    }
    if bad_rate {
        // A rate outside 0–1 is already reported; its sum would only repeat the mistake.
        return;
    }
    check_coverage(
        plan,
        &components_at,
        remainder,
        percent_sum,
        &other_amounts,
        ctx,
    );
}

fn check_coverage(
    plan: &Plan,
    at: &Pointer,
    remainder: Option<usize>,
    sum: Decimal,
    other_amounts: &[usize],
    ctx: &mut Ctx,
) {
    let over = sum > Decimal::ONE;
    if !plan.require_full_allocation {
        if over {
            ctx.push(warning(
                ProblemCode::WeightsNotCovering,
                at,
                Localized::new(
                    format!("无条件的比例合计 {}，超过了 100%", pct(sum)),
                    format!(
                        "the unconditional percentages add up to {}, above 100%",
                        pct(sum)
                    ),
                ),
            ));
        }
        return;
    }
    if over || (remainder.is_none() && sum != Decimal::ONE) {
        ctx.push(
            Problem::error(
                ProblemCode::WeightsNotCovering,
                at.as_str(),
                Localized::new(
                    format!(
                        "方案要求分满 100%，但无条件的比例合计 {}",
                        pct(sum)
                    ),
                    format!(
                        "the plan requires full allocation, but its unconditional percentages add up to {}",
                        pct(sum)
                    ),
                ),
            )
            .with_hint(Localized::new(
                "调整各比例使合计为 100%，或加一个 remainder 项接收余额",
                "make the percentages add up to 100%, or add a `remainder` component for the rest",
            )),
        );
    } else if remainder.is_none()
        && let Some(&c) = other_amounts.first()
    {
        ctx.push(
            Problem::error(
                ProblemCode::WeightsNotCovering,
                at.index(c).as_str(),
                Localized::new(
                    "比例已合计 100%，这一项会让分出的金额超过基数",
                    "the percentages already cover 100%; this component would pay out more than the base",
                ),
            )
            .with_hint(Localized::new(
                "用 remainder 项代替其中一个比例，让它承担其余各项",
                "replace one percentage with a `remainder` component that funds the others",
            )),
        );
    }
}

fn check_measure(measure: Measure, period: Option<Period>, c_at: &Pointer, ctx: &mut Ctx) {
    match (measure.is_period(), period) {
        (true, None) => ctx.push(
            Problem::error(
                ProblemCode::MissingField,
                c_at.key("period").as_str(),
                Localized::new(
                    "按周期累计的 measure 需要写 period",
                    "a `period_*` measure needs a `period`",
                ),
            )
            .with_hint(Localized::new(
                "例如 \"period\": \"month\"",
                "for example \"period\": \"month\"",
            )),
        ),
        (false, Some(_)) => ctx.push(warning(
            ProblemCode::InvalidValue,
            &c_at.key("period"),
            Localized::new(
                "按单计算的 measure 不使用 period，此字段被忽略",
                "an order measure does not use `period`; it is ignored",
            ),
        )),
        _ => {}
    }
}

/// The party whose money a period rule pays: `funded_by`, else the plans' one remainder party.
pub(crate) fn period_rule_funder<'s>(s: &'s Settlement, rule: &'s PeriodRule) -> Option<&'s Id> {
    if let Some(party) = &rule.funded_by {
        return Some(party);
    }
    let mut remainders = s.plans.iter().flat_map(|p| {
        p.components.iter().filter_map(|c| match c {
            Component::Remainder(r) if r.weight.is_none() => Some(&r.party),
            _ => None,
        })
    });
    let first = remainders.next()?;
    remainders.all(|r| r == first).then_some(first)
}

/// A period rule's funding party exists, is not named by orders, and is known when not given.
fn check_funding(s: &Settlement, rule: &PeriodRule, r_at: &Pointer, ctx: &mut Ctx) {
    let at = r_at.key("funded_by");
    if let Some(party) = &rule.funded_by
        && !ctx.refer(IdKind::Party, party, &at)
    {
        return;
    }
    match period_rule_funder(s, rule) {
        None => ctx.push(
            Problem::error(
                ProblemCode::MissingField,
                at.as_str(),
                Localized::new(
                    format!("周期规则「{}」没有写由谁出资（funded_by），各方案的 remainder 也不是同一方", rule.id.as_str()),
                    format!(
                        "period rule `{}` does not say who funds it (`funded_by`), and the plans do not share one `remainder` party",
                        rule.id.as_str()
                    ),
                ),
            )
            .with_hint(Localized::new(
                "例如 \"funded_by\": \"hq\"",
                "for example \"funded_by\": \"hq\"",
            )),
        ),
        Some(funder) => {
            let funder = funder.as_str();
            if s.parties.iter().any(|p| p.id.as_str() == funder && p.from_order) {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &at,
                    Localized::new(
                        format!("「{funder}」由每笔订单指定收款方，不能为周期规则出资"),
                        format!(
                            "`{funder}` is named by each order (`from_order`), so it cannot fund a period rule"
                        ),
                    ),
                );
            }
        }
    }
}

fn check_period_rule(
    rule: &PeriodRule,
    tables: &[TierTable],
    r_at: &Pointer,
    scope: &Scope,
    ctx: &mut Ctx,
) {
    ctx.refer(IdKind::Party, &rule.party, &r_at.key("party"));
    if let Some(when) = &rule.when {
        ctx.expr(when, &r_at.key("when"), scope);
    }
    if let Some(window) = &rule.window {
        ctx.window(window, &r_at.key("window"));
    }
    match &rule.tiers {
        Some(tiers) => check_tier_source(tiers, tables, &r_at.key("tiers"), ctx),
        None if rule.milestones.is_empty() && rule.draw.is_none() && rule.minimum.is_none() => {
            ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    r_at.key("tiers").as_str(),
                    Localized::new(
                        "周期规则没有写怎么付：需要 tiers、milestones、minimum 或 draw",
                        "the period rule pays nothing: give it `tiers`, `milestones`, a `minimum` or a `draw`",
                    ),
                ),
            );
        }
        None => {}
    }
    let mut previous: Option<Decimal> = None;
    for (m, milestone) in rule.milestones.iter().enumerate() {
        let m_at = r_at.key("milestones").index(m);
        if let Some(prev) = previous {
            if milestone.at.0 <= prev {
                ctx.error(
                    ProblemCode::TiersNotAscending,
                    &m_at.key("at"),
                    Localized::new(
                        format!("里程碑 {} 不大于上一个 {}", milestone.at.0, prev),
                        format!(
                            "milestone {} is not above the previous one, {}",
                            milestone.at.0, prev
                        ),
                    ),
                );
            }
        } else if milestone.at.0 <= Decimal::ZERO {
            ctx.error(
                ProblemCode::InvalidValue,
                &m_at.key("at"),
                Localized::new(
                    format!("里程碑必须大于 0，而不是 {}", milestone.at.0),
                    format!("a milestone must be above 0, not {}", milestone.at.0),
                ),
            );
        }
        previous = Some(previous.map_or(milestone.at.0, |p| p.max(milestone.at.0)));
        if milestone.amount.is_none() && milestone.unlocks.is_empty() {
            ctx.error(
                ProblemCode::MissingField,
                &m_at.key("amount"),
                Localized::new(
                    "里程碑没有奖励：写 amount 或 unlocks",
                    "the milestone rewards nothing: give it an `amount` or `unlocks`",
                ),
            );
        }
    }
    if let (Some(min), Some(max)) = (&rule.minimum, &rule.maximum)
        && min.0 > max.0
    {
        ctx.error(
            ProblemCode::InvalidValue,
            &r_at.key("maximum"),
            Localized::new(
                format!("每期封顶 {} 低于保底 {}", max.0, min.0),
                format!(
                    "the maximum per period {} is below the minimum {}",
                    max.0, min.0
                ),
            ),
        );
    }
    if let Some(draw) = &rule.draw
        && draw.recovery == DrawRecovery::NonRecoverable
        && draw.recover_over_periods.is_some()
    {
        ctx.push(warning(
            ProblemCode::InvalidValue,
            &r_at.key("draw").key("recover_over_periods"),
            Localized::new(
                "不可追回的预支不使用 recover_over_periods，此字段被忽略",
                "a non-recoverable draw does not use `recover_over_periods`; it is ignored",
            ),
        ));
    }
}
