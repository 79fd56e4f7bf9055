//! Running a quote: base lines from the catalog, then every rule group in order, recording a
//! trace step for each rule considered.

use super::facts::{Facts, ItemFacts, QuoteContext};
use super::plan::{Cond, EffectPlan, GroupPlan, Plan, Quantity, RulePlan};
use super::tiers::{self, ChargeBreakdown, TierError};
use super::{Adjustment, Calc, Outcome, Quote, QuoteLine, TraceStep, Why};
use crate::bundle::Bundle;
use crate::format::pricing::Stacking;
use crate::money::Rounding;
use crate::predicate::Lookup as _;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::quote::QuoteRequest;
use crate::reader::{Diagnostics, Pointer};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;
use zen_expression::Variable;
use zen_expression::vm::VM;

/// A line while the quote runs.
struct Line<'b> {
    item: Option<&'b crate::format::catalog::Item>,
    out: QuoteLine,
}

/// What applying one rule would do, before the stacking policy decides whether it does.
struct Applied {
    result: Decimal,
    calc: Calc,
    /// A line the rule adds (fees and extra lines on a ticket group).
    adds: Option<QuoteLine>,
}

struct Run<'b> {
    bundle: &'b Bundle,
    context: &'b QuoteContext,
    /// Usage before this request, by rule id or tier-table id (`QuoteRequest::usage`).
    usage: &'b std::collections::BTreeMap<String, Decimal>,
    precision: u32,
    rounding: Rounding,
    lines: Vec<Line<'b>>,
    adjustments: Vec<Adjustment>,
    trace: Vec<TraceStep>,
    diag: Diagnostics,
    /// (rule pointer, variable) pairs already reported missing.
    missing: BTreeSet<(String, String)>,
    vm: VM,
}

/// Prices a request against a bundle's catalog and pricing rules.
pub(crate) fn run(
    bundle: &Bundle,
    plan: &Plan,
    request: &QuoteRequest,
) -> Result<Quote, Vec<Problem>> {
    let mut run = Run {
        bundle,
        context: &request.context,
        usage: &request.usage,
        precision: bundle.currency().precision,
        rounding: bundle.rounding(),
        lines: Vec::with_capacity(request.lines.len()),
        adjustments: Vec::new(),
        // One step per rule per line it may look at: no regrowing while the quote runs.
        trace: Vec::with_capacity(
            plan.groups
                .iter()
                .map(|g| {
                    g.rules.len()
                        * if g.lines.is_some() {
                            request.lines.len()
                        } else {
                            1
                        }
                })
                .sum(),
        ),
        diag: Diagnostics::default(),
        missing: BTreeSet::new(),
        vm: VM::new(),
    };
    for (i, line) in request.lines.iter().enumerate() {
        let at = || Pointer::root().key("lines").index(i);
        let Some(item) = bundle.item(&line.item) else {
            run.diag.error(
                ProblemCode::UnknownItem,
                &at().key("item"),
                Localized::new(
                    format!("价目表中没有「{}」", line.item),
                    format!("no item `{}` in the catalog", line.item),
                ),
            );
            continue;
        };
        let Some(amount) = item.price.0.checked_mul(line.quantity) else {
            run.overflow(at().as_str());
            continue;
        };
        let amount = run.round(amount);
        run.lines.push(Line {
            item: Some(item),
            out: QuoteLine {
                item: item.id.0.clone(),
                name: item.name.localized(),
                quantity: line.quantity,
                unit_price: item.price.0,
                list_amount: amount,
                amount,
                added_by: None,
            },
        });
    }
    for group in &plan.groups {
        if group.lines.is_some() {
            for index in 0..run.lines.len() {
                run.line_group(group, index);
            }
        } else {
            run.ticket_group(group);
        }
    }
    let mut subtotal = Some(Decimal::ZERO);
    for line in &run.lines {
        subtotal = subtotal.and_then(|s| s.checked_add(line.out.amount));
    }
    let mut total = subtotal;
    for adjustment in &run.adjustments {
        total = total.and_then(|t| t.checked_add(adjustment.amount));
    }
    let (Some(subtotal), Some(total)) = (subtotal, total) else {
        run.overflow("");
        return Err(run.diag.into_problems());
    };
    let (subtotal, total) = (run.round(subtotal), run.round(total.max(Decimal::ZERO)));
    let currency = bundle.currency().code;
    let Run {
        diag,
        lines,
        adjustments,
        trace,
        ..
    } = run;
    diag.finish(Some(Quote {
        currency,
        lines: lines.into_iter().map(|l| l.out).collect(),
        subtotal,
        adjustments,
        total,
        trace,
    }))
}

impl<'b> Run<'b> {
    fn round(&self, amount: Decimal) -> Decimal {
        self.rounding.round(amount, self.precision)
    }

    fn overflow(&mut self, at: &str) {
        self.diag.push(Problem::error(
            ProblemCode::Overflow,
            at,
            Localized::new(
                "金额超出可计算范围",
                "the amount is beyond the range the engine can compute",
            ),
        ));
    }

    fn item_facts(&self, index: usize) -> Option<ItemFacts<'b>> {
        let line = self.lines.get(index)?;
        let item = line.item?;
        Some(ItemFacts {
            id: item.id.as_str(),
            category: item.category.as_ref().map(|c| c.as_str()),
            kind: item.kind,
            price: item.price.0,
            cost: item.cost.as_ref().map(|c| c.0),
            quantity: line.out.quantity,
        })
    }

    /// Reports each variable `reads` needs that the request does not give; true when all are.
    fn has_context(&mut self, rule: &RulePlan, reads: &[String], what: &str) -> bool {
        let mut ok = true;
        for name in reads {
            if self.context.gives(name) {
                continue;
            }
            ok = false;
            if !self.missing.insert((rule.at.clone(), name.clone())) {
                continue;
            }
            self.diag.push(
                Problem::error(
                    ProblemCode::MissingContext,
                    Pointer::root().key("context").key(name).as_str(),
                    Localized::new(
                        format!(
                            "规则「{}」（{}{what}）需要上下文中的 {name}，请求没有提供",
                            rule.id, rule.at
                        ),
                        format!(
                            "rule `{}` ({}{what}) needs `{name}` in the request's context, which is not given",
                            rule.id, rule.at
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    format!("在请求的 context 中加入 {name}"),
                    format!("add `{name}` to the request's `context`"),
                )),
            );
        }
        ok
    }

    fn evaluation_failed(&mut self, at: String, detail: &str) {
        self.diag.push(Problem::error(
            ProblemCode::EvaluationFailed,
            at,
            Localized::new(
                format!("表达式求值失败：{detail}"),
                format!("the expression failed: {detail}"),
            ),
        ));
    }

    /// Whether the rule's window and condition hold; `Err` carries why not (or `None` when
    /// the rule could not be judged and a problem was reported).
    fn matches(&mut self, rule: &RulePlan, facts: &Facts<'_>) -> Result<(), Option<Why>> {
        if !rule.enabled {
            return Err(Some(Why::Disabled));
        }
        if let Some(window) = &rule.window {
            let Some((now_text, now)) = &self.context.now else {
                self.has_context(rule, &["now".to_owned()], "/valid");
                return Err(None);
            };
            if !window.holds(*now) {
                return Err(Some(Why::OutsideWindow {
                    from: window.from.as_ref().map(|(t, _)| Arc::clone(t)),
                    until: window.until.as_ref().map(|(t, _)| Arc::clone(t)),
                    now: Arc::from(now_text.as_str()),
                }));
            }
        }
        if let (Some(target), Some(item)) = (&rule.target, &facts.item)
            && !target.passes(item)
        {
            return Err(Some(Why::NotTargeted));
        }
        if !self.has_context(rule, rule.when.reads(), "/when") {
            return Err(None);
        }
        let holds = match &rule.when {
            Cond::Always => true,
            Cond::Native { pred, .. } => pred.eval(facts),
            Cond::Zen(expr) => {
                let context = facts.to_variable();
                match expr.evaluate_in(context, &mut self.vm, self.bundle) {
                    Ok(Variable::Bool(b)) => b,
                    Ok(other) => {
                        self.evaluation_failed(
                            format!("{}/when", rule.at),
                            &format!("the condition gave `{other}`, not true or false"),
                        );
                        return Err(None);
                    }
                    Err(err) => {
                        self.evaluation_failed(format!("{}/when", rule.at), &err);
                        return Err(None);
                    }
                }
            }
        };
        if holds {
            Ok(())
        } else {
            Err(Some(Why::ConditionFalse))
        }
    }

    fn quantity(
        &mut self,
        rule: &RulePlan,
        quantity: &Quantity,
        facts: &Facts<'_>,
    ) -> Option<Decimal> {
        if !self.has_context(rule, quantity.reads(), "/effect/quantity") {
            return None;
        }
        // The pointer is for problems only: built when one is reported.
        let at = || format!("{}/effect/quantity", rule.at);
        let value = match quantity {
            Quantity::Slot(slot, _) => facts.number(*slot),
            Quantity::Zen(expr) => {
                match expr.evaluate_in(facts.to_variable(), &mut self.vm, self.bundle) {
                    Ok(Variable::Number(n)) => Some(n),
                    Ok(other) => {
                        self.evaluation_failed(
                            at(),
                            &format!("the quantity gave `{other}`, not a number"),
                        );
                        return None;
                    }
                    Err(err) => {
                        self.evaluation_failed(at(), &err);
                        return None;
                    }
                }
            }
        };
        match value {
            Some(q) if q >= Decimal::ZERO => Some(q),
            Some(q) => {
                self.diag.push(Problem::error(
                    ProblemCode::Negative,
                    at(),
                    Localized::new(
                        format!("数量不能为负数，计算得到 {q}"),
                        format!("the quantity is {q}; it cannot be negative"),
                    ),
                ));
                None
            }
            None => None,
        }
    }

    fn tier_failed(&mut self, rule: &RulePlan, err: TierError) {
        match err {
            TierError::Overflow => self.overflow(&rule.at.clone()),
            TierError::NegativeQuantity => self.diag.push(Problem::error(
                ProblemCode::Negative,
                format!("{}/effect/quantity", rule.at),
                Localized::new("数量不能为负数", "the quantity cannot be negative"),
            )),
        }
    }

    /// What `rule`'s effect makes of `amount` (a line's amount, or the ticket total).
    fn apply(
        &mut self,
        rule: &RulePlan,
        amount: Decimal,
        facts: &Facts<'_>,
        line: Option<usize>,
    ) -> Option<Applied> {
        let quantity = line
            .and_then(|i| self.lines.get(i))
            .map_or(Decimal::ONE, |l| l.out.quantity);
        let simple = |calc: Calc| {
            calc.result().map(|result| Applied {
                result,
                calc,
                adds: None,
            })
        };
        let applied = match &rule.effect {
            EffectPlan::PercentOff(percent) => simple(Calc::PercentOff {
                amount,
                percent: *percent,
            }),
            EffectPlan::Markup(percent) => simple(Calc::Markup {
                amount,
                percent: *percent,
            }),
            EffectPlan::AmountOff(off) => simple(Calc::AmountOff { amount, off: *off }),
            EffectPlan::SetPrice(price) => simple(Calc::SetPrice {
                price: *price,
                quantity,
            }),
            EffectPlan::Floor(floor) => simple(Calc::Floor {
                amount,
                floor: *floor,
            }),
            EffectPlan::Cap(cap) => simple(Calc::Cap { amount, cap: *cap }),
            EffectPlan::CostTimes(coefficient) => {
                let Some(cost) = facts.item.and_then(|i| i.cost) else {
                    self.diag.push(Problem::error(
                        ProblemCode::MissingField,
                        format!("{}/effect", rule.at),
                        Localized::new(
                            format!(
                                "规则「{}」按成本加成计价，但条目「{}」没有成本价",
                                rule.id,
                                facts.item.map_or("", |i| i.id)
                            ),
                            format!(
                                "rule `{}` prices from cost, but item `{}` has no `cost`",
                                rule.id,
                                facts.item.map_or("", |i| i.id)
                            ),
                        ),
                    ));
                    return None;
                };
                simple(Calc::CostTimes {
                    cost,
                    coefficient: *coefficient,
                    quantity,
                })
            }
            EffectPlan::TieredFee {
                charge,
                table,
                quantity: q,
                transform,
                item,
            } => {
                let raw = self.quantity(rule, q, facts)?;
                let charged = match transform {
                    Some(step) => match tiers::round_to_step(raw, step, self.rounding) {
                        Ok(q) => q,
                        Err(err) => {
                            self.tier_failed(rule, err);
                            return None;
                        }
                    },
                    None => raw,
                };
                // A running total: the rule's own entry first, then its table's.
                let before = self
                    .usage
                    .get(&*rule.id)
                    .or_else(|| table.as_ref().and_then(|t| self.usage.get(&**t)))
                    .copied()
                    .unwrap_or(Decimal::ZERO);
                let breakdown: ChargeBreakdown = match tiers::charge_after(charge, before, charged)
                {
                    Ok(b) => b,
                    Err(err) => {
                        self.tier_failed(rule, err);
                        return None;
                    }
                };
                let fee = breakdown.amount;
                let calc = Calc::Tiered {
                    raw,
                    breakdown: Box::new(breakdown),
                };
                if line.is_some() {
                    simple(calc)
                } else {
                    let fee = self.round(fee);
                    let added = self.fee_line(rule, item.as_deref(), Decimal::ONE, fee);
                    amount.checked_add(fee).map(|result| Applied {
                        result,
                        calc,
                        adds: Some(added),
                    })
                }
            }
            EffectPlan::AddLine {
                item,
                quantity: q,
                price,
            } => {
                let count = match q {
                    Some(q) => self.quantity(rule, q, facts)?,
                    None => Decimal::ONE,
                };
                let unit = price.or_else(|| self.bundle.item(item).map(|i| i.price.0));
                // Validation made sure the item exists.
                let unit = unit?;
                let Some(line_amount) = unit.checked_mul(count).map(|a| self.round(a)) else {
                    self.overflow(&rule.at.clone());
                    return None;
                };
                let mut added = self.fee_line(rule, Some(item), count, line_amount);
                added.unit_price = unit;
                amount.checked_add(line_amount).map(|result| Applied {
                    result,
                    calc: Calc::AddLine {
                        price: unit,
                        quantity: count,
                    },
                    adds: Some(added),
                })
            }
        };
        let Some(mut applied) = applied else {
            if !self.diag.has_errors() {
                self.overflow(&rule.at.clone());
            }
            return None;
        };
        if let Some(step) = &rule.round_to {
            match tiers::round_to_step(applied.result, step, self.rounding) {
                Ok(rounded) => {
                    applied.result = rounded;
                    applied.calc = Calc::Rounded {
                        inner: Box::new(applied.calc),
                        step: step.clone(),
                        result: rounded,
                    };
                }
                Err(err) => {
                    self.tier_failed(rule, err);
                    return None;
                }
            }
        }
        applied.result = applied.result.max(Decimal::ZERO);
        Some(applied)
    }

    /// A line added by a rule: billed as a catalog item when it names one.
    fn fee_line(
        &self,
        rule: &RulePlan,
        item: Option<&str>,
        quantity: Decimal,
        amount: Decimal,
    ) -> QuoteLine {
        let catalog = item.and_then(|i| self.bundle.item(i));
        QuoteLine {
            item: item.map_or_else(|| rule.id.to_string(), str::to_owned),
            name: catalog.map_or_else(|| rule.name.clone(), |i| i.name.localized()),
            quantity,
            unit_price: amount,
            list_amount: amount,
            amount,
            added_by: Some(rule.id.to_string()),
        }
    }

    /// Runs a `lines` group on one line, if the group's filter lets it through.
    fn line_group(&mut self, group: &GroupPlan, index: usize) {
        let Some(item) = self.item_facts(index) else {
            return;
        };
        if group.lines.as_ref().is_some_and(|f| !f.passes(&item)) {
            return;
        }
        let Some(start) = self.lines.get(index).map(|l| l.out.amount) else {
            return;
        };
        let end = self.stack(group, start, Some((index, item)));
        if let Some(line) = self.lines.get_mut(index) {
            line.out.amount = end;
        }
    }

    fn ticket_group(&mut self, group: &GroupPlan) {
        let mut total = Some(Decimal::ZERO);
        for line in &self.lines {
            total = total.and_then(|t| t.checked_add(line.out.amount));
        }
        for adjustment in &self.adjustments {
            total = total.and_then(|t| t.checked_add(adjustment.amount));
        }
        let Some(total) = total else {
            self.overflow("");
            return;
        };
        let total = self.round(total);
        self.stack(group, total, None);
    }

    /// Considers every rule of `group` on `start` under the group's stacking policy, commits
    /// what applies and returns the resulting amount.
    fn stack(
        &mut self,
        group: &GroupPlan,
        start: Decimal,
        line: Option<(usize, ItemFacts<'b>)>,
    ) -> Decimal {
        let context = self.context;
        let facts = Facts {
            context,
            subtotal: start,
            item: line.map(|(_, item)| item),
        };
        let index = line.map(|(i, _)| i);
        let round_each = group.round_each_step || line.is_none();
        let mut amount = start;
        let mut first: Option<Arc<str>> = None;
        // best_for_customer: (trace position, rule, what it would do).
        let mut candidates: Vec<(usize, &RulePlan, Applied)> = Vec::new();
        for rule in &group.rules {
            if let Some(first) = &first {
                self.trace.push(TraceStep::new(
                    group,
                    rule,
                    index,
                    Outcome::Skipped,
                    Why::EarlierMatch(Arc::clone(first)),
                ));
                continue;
            }
            match self.matches(rule, &facts) {
                Ok(()) => {}
                Err(Some(why)) => {
                    let outcome = if why == Why::Disabled {
                        Outcome::Skipped
                    } else {
                        Outcome::NotMatched
                    };
                    self.trace
                        .push(TraceStep::new(group, rule, index, outcome, why));
                    continue;
                }
                Err(None) => continue,
            }
            let base = if group.stacking == Stacking::AllInOrder {
                amount
            } else {
                start
            };
            let Some(mut applied) = self.apply(rule, base, &facts, index) else {
                continue;
            };
            if round_each {
                applied.result = self.round(applied.result);
            }
            match group.stacking {
                Stacking::AllInOrder | Stacking::FirstMatch => {
                    let mut step =
                        TraceStep::new(group, rule, index, Outcome::Applied, Why::Matched);
                    step.before = Some(base);
                    step.after = Some(applied.result);
                    step.calc = Some(applied.calc);
                    self.trace.push(step);
                    self.commit(
                        group,
                        rule,
                        base,
                        applied.result,
                        applied.adds,
                        line.is_some(),
                    );
                    amount = applied.result;
                    if group.stacking == Stacking::FirstMatch {
                        first = Some(Arc::clone(&rule.id));
                    }
                }
                Stacking::BestForCustomer => {
                    let mut step =
                        TraceStep::new(group, rule, index, Outcome::Applied, Why::Matched);
                    step.before = Some(base);
                    step.after = Some(applied.result);
                    self.trace.push(step);
                    candidates.push((self.trace.len() - 1, rule, applied));
                }
            }
        }
        if !candidates.is_empty() {
            // The lowest result wins; ties go to the earlier rule.
            let mut best = 0;
            for (i, (_, _, applied)) in candidates.iter().enumerate() {
                if candidates
                    .get(best)
                    .is_some_and(|(_, _, b)| applied.result < b.result)
                {
                    best = i;
                }
            }
            let chosen = candidates.get(best).map(|(_, r, _)| Arc::clone(&r.id));
            for (i, (position, rule, applied)) in candidates.into_iter().enumerate() {
                if i == best {
                    if let Some(step) = self.trace.get_mut(position) {
                        step.calc = Some(applied.calc);
                    }
                    self.commit(
                        group,
                        rule,
                        start,
                        applied.result,
                        applied.adds,
                        line.is_some(),
                    );
                    amount = applied.result;
                } else if let (Some(step), Some(chosen)) = (self.trace.get_mut(position), &chosen) {
                    step.outcome = Outcome::NotChosen;
                    step.why = Why::NotBest(Arc::clone(chosen));
                    step.calc = Some(applied.calc);
                }
            }
        }
        if round_each {
            amount
        } else {
            self.round(amount)
        }
    }

    /// Makes an applied rule's change part of the quote: a line's amount changes through the
    /// caller; a ticket rule adds its line or records an adjustment.
    fn commit(
        &mut self,
        group: &GroupPlan,
        rule: &RulePlan,
        before: Decimal,
        after: Decimal,
        adds: Option<QuoteLine>,
        on_line: bool,
    ) {
        if on_line {
            return;
        }
        match adds {
            Some(added) => self.lines.push(Line {
                item: self.bundle.item(&added.item),
                out: added,
            }),
            None => match after.checked_sub(before) {
                Some(delta) => self.adjustments.push(Adjustment {
                    group: Arc::clone(&group.id),
                    rule: Arc::clone(&rule.id),
                    name: rule.name.clone(),
                    amount: delta,
                }),
                None => self.overflow(&rule.at.clone()),
            },
        }
    }
}
