//! The semantic checks of the pricing section: ids, references to the catalog and tier
//! tables, expressions, effects that suit their group's scope, shadowed rules, tiers.

use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::Scope;
use crate::format::tiers::{TierRules, check_tiers};
use crate::format::{BundleDoc, Id};
use crate::problem::{Localized, Problem, ProblemCode, Severity};
use crate::reader::Pointer;
use rust_decimal::Decimal;

use super::scope::{line_scope, ticket_scope};
use super::types::{AppliesTo, Charge, Effect, Rule, RuleGroup, Stacking, StepRounding, TableRef};

fn section() -> Pointer {
    Pointer::root().key("pricing")
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &BundleDoc, ctx: &mut Ctx) {
    let at = section();
    for (i, table) in doc.pricing.tier_tables.iter().enumerate() {
        let table_at = at.key("tier_tables").index(i).key("id");
        ctx.define(IdKind::TierTable, &table.id, &table_at);
    }
    for (g, group) in doc.pricing.groups.iter().enumerate() {
        let group_at = at.key("groups").index(g);
        ctx.define(IdKind::RuleGroup, &group.id, &group_at.key("id"));
        for (r, rule) in group.rules.iter().enumerate() {
            let rule_at = group_at.key("rules").index(r).key("id");
            ctx.define(IdKind::Rule, &rule.id, &rule_at);
        }
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &BundleDoc, ctx: &mut Ctx) {
    let at = section();
    for (i, table) in doc.pricing.tier_tables.iter().enumerate() {
        check_charge(
            &table.charge,
            &at.key("tier_tables").index(i).key("charge"),
            ctx,
        );
    }
    let mut checker = GroupChecker::new(doc);
    for (g, group) in doc.pricing.groups.iter().enumerate() {
        checker.group(group, &at.key("groups").index(g), ctx);
    }
}

/// What the rule checks need to know about the catalog.
struct GroupChecker<'d> {
    doc: &'d BundleDoc,
    categories: IdSet,
    ticket: Scope,
    line: Scope,
}

impl<'d> GroupChecker<'d> {
    fn new(doc: &'d BundleDoc) -> Self {
        let mut categories = IdSet::new(("分类", "category"));
        let mut ignored = crate::reader::Diagnostics::default();
        for item in &doc.catalog {
            if let Some(category) = &item.category
                && !categories.contains(category.as_str())
            {
                categories.define(category, &Pointer::root(), &mut ignored);
            }
        }
        Self {
            doc,
            categories,
            ticket: ticket_scope(),
            line: line_scope(),
        }
    }

    fn group(&mut self, group: &RuleGroup, at: &Pointer, ctx: &mut Ctx) {
        let group_items: &[Id] = match &group.applies_to {
            AppliesTo::Ticket => &[],
            AppliesTo::Lines {
                items, categories, ..
            } => {
                let filter_at = at.key("applies_to");
                self.filter(items, categories, &filter_at, ctx);
                items
            }
        };
        if group.rules.is_empty() {
            ctx.warning(
                ProblemCode::InvalidValue,
                &at.key("rules"),
                Localized::new(
                    "规则组中没有任何规则，不会改变价格",
                    "the group has no rules, so it never changes a price",
                ),
            );
        }
        for (r, rule) in group.rules.iter().enumerate() {
            self.rule(group, group_items, rule, &at.key("rules").index(r), ctx);
        }
        if group.stacking == Stacking::FirstMatch {
            shadowed_rules(group, at, ctx);
        }
    }

    fn filter(&self, items: &[Id], categories: &[Id], at: &Pointer, ctx: &mut Ctx) {
        for (i, item) in items.iter().enumerate() {
            ctx.refer(IdKind::Item, item, &at.key("items").index(i));
        }
        for (i, category) in categories.iter().enumerate() {
            let category_at = at.key("categories").index(i);
            if self.categories.contains(category.as_str()) {
                continue;
            }
            let mut problem = Problem::error(
                ProblemCode::UnknownReference,
                category_at.as_str(),
                Localized::new(
                    format!("价目表中没有分类为「{}」的条目", category.as_str()),
                    format!("no catalog item has the category `{}`", category.as_str()),
                ),
            );
            if let Some(hint) =
                crate::reader::did_you_mean(category.as_str(), self.categories.ids())
            {
                problem = problem.with_hint(hint);
            }
            ctx.push(problem);
        }
    }

    fn rule(
        &mut self,
        group: &RuleGroup,
        group_items: &[Id],
        rule: &Rule,
        at: &Pointer,
        ctx: &mut Ctx,
    ) {
        let lines = matches!(group.applies_to, AppliesTo::Lines { .. });
        let scope = if lines { &self.line } else { &self.ticket };
        if let Some(when) = &rule.when {
            ctx.expr(when, &at.key("when"), scope);
        }
        if let Some(valid) = &rule.valid {
            ctx.window(valid, &at.key("valid"));
        }
        let mut targeted: Vec<&Id> = group_items.iter().collect();
        if let Some(target) = &rule.target {
            let target_at = at.key("target");
            if lines {
                self.filter(&target.items, &target.categories, &target_at, ctx);
                if !target.items.is_empty() {
                    targeted = target.items.iter().collect();
                }
            } else {
                ctx.push(
                    Problem::error(
                        ProblemCode::InvalidValue,
                        target_at.as_str(),
                        Localized::new(
                            "整单规则组中的规则不能指定目标行",
                            "a rule of a ticket group cannot target lines",
                        ),
                    )
                    .with_hint(Localized::new(
                        "将规则移到 applies_to 为 lines 的规则组，或删除 target",
                        "move the rule to a group whose applies_to is `lines`, or remove `target`",
                    )),
                );
            }
        }
        let effect_at = at.key("effect");
        match &rule.effect {
            Effect::PercentOff { percent } => {
                percent_in_range(percent.0, &effect_at.key("percent"), ctx);
            }
            Effect::Markup { percent } => {
                if percent.0 < Decimal::ZERO {
                    ctx.push(
                        Problem::error(
                            ProblemCode::OutOfRange,
                            effect_at.key("percent").as_str(),
                            Localized::new(
                                format!("加价百分比不能为负数：{}", percent.0),
                                format!("a markup percent cannot be negative: {}", percent.0),
                            ),
                        )
                        .with_hint(Localized::new(
                            "降价请使用 percent_off",
                            "use `percent_off` to lower a price",
                        )),
                    );
                }
            }
            Effect::AmountOff { .. }
            | Effect::SetPrice { .. }
            | Effect::Floor { .. }
            | Effect::Cap { .. } => {}
            Effect::CostTimes { coefficient } => {
                if coefficient.0 <= Decimal::ZERO {
                    ctx.error(
                        ProblemCode::OutOfRange,
                        &effect_at.key("coefficient"),
                        Localized::new(
                            format!("成本系数必须大于 0：{}", coefficient.0),
                            format!(
                                "the cost coefficient must be greater than 0: {}",
                                coefficient.0
                            ),
                        ),
                    );
                }
                if lines {
                    self.items_have_cost(&targeted, &effect_at, ctx);
                } else {
                    lines_only(&effect_at, "cost_times", ctx);
                }
            }
            Effect::TieredFee {
                table,
                quantity,
                transform,
                item,
            } => {
                match table {
                    TableRef::Named(id) => {
                        ctx.refer(IdKind::TierTable, id, &effect_at.key("table"));
                    }
                    TableRef::Inline(charge) => check_charge(charge, &effect_at.key("table"), ctx),
                }
                ctx.expr(quantity, &effect_at.key("quantity"), scope);
                if let Some(transform) = transform {
                    check_step(transform, &effect_at.key("transform"), ctx);
                }
                if let Some(item) = item {
                    let item_at = effect_at.key("item");
                    if lines {
                        ctx.push(
                            Problem::error(
                                ProblemCode::InvalidValue,
                                item_at.as_str(),
                                Localized::new(
                                    "按行计价的阶梯费用直接作为该行金额，不能另计为其他条目",
                                    "in a lines group a tiered fee becomes the line's own amount; it cannot be billed as another item",
                                ),
                            )
                            .with_hint(Localized::new(
                                "删除 item，或把规则移到 applies_to 为 ticket 的规则组",
                                "remove `item`, or move the rule to a group whose applies_to is `ticket`",
                            )),
                        );
                    } else {
                        ctx.refer(IdKind::Item, item, &item_at);
                    }
                }
            }
            Effect::AddLine { item, quantity, .. } => {
                if lines {
                    ticket_only(&effect_at, "add_line", ctx);
                }
                ctx.refer(IdKind::Item, item, &effect_at.key("item"));
                if let Some(quantity) = quantity {
                    ctx.expr(quantity, &effect_at.key("quantity"), scope);
                }
            }
        }
        if let Some(round_to) = &rule.round_to {
            check_step(round_to, &at.key("round_to"), ctx);
        }
    }

    /// `cost_times` needs a cost on every item it names explicitly.
    fn items_have_cost(&self, targeted: &[&Id], at: &Pointer, ctx: &mut Ctx) {
        for id in targeted {
            let Some(item) = self.doc.catalog.iter().find(|item| &item.id == *id) else {
                continue; // an unknown item is reported where it is named
            };
            if item.cost.is_none() {
                ctx.push(
                    Problem::error(
                        ProblemCode::InvalidValue,
                        at.key("coefficient").as_str(),
                        Localized::new(
                            format!("条目「{}」没有成本价（cost），无法按成本加成计价", id.as_str()),
                            format!(
                                "item `{}` has no `cost`, so it cannot be priced as cost × coefficient",
                                id.as_str()
                            ),
                        ),
                    )
                    .with_hint(Localized::new(
                        "在价目表中为该条目填写 cost",
                        "give the item a `cost` in the catalog",
                    )),
                );
            }
        }
    }
}

/// In a `first_match` group, a rule that always matches hides every rule after it.
fn shadowed_rules(group: &RuleGroup, at: &Pointer, ctx: &mut Ctx) {
    let mut order: Vec<(usize, &Rule)> = group.rules.iter().enumerate().collect();
    crate::sort::vec_by(&mut order, |(i, a), (j, b)| {
        (a.priority, i).cmp(&(b.priority, j))
    });
    let always = |rule: &Rule| {
        rule.enabled && rule.when.is_none() && rule.valid.is_none() && rule.target.is_none()
    };
    let Some(position) = order.iter().position(|(_, rule)| always(rule)) else {
        return;
    };
    let Some((_, catch_all)) = order.get(position) else {
        return;
    };
    for (i, rule) in order.iter().skip(position + 1) {
        if !rule.enabled {
            continue;
        }
        let mut problem = Problem::error(
                ProblemCode::InvalidValue,
                at.key("rules").index(*i).as_str(),
                Localized::new(
                    format!(
                        "规则「{}」永远不会生效：此组只取第一条匹配的规则，而排在它前面的「{}」没有任何条件，总是匹配",
                        rule.id.as_str(),
                        catch_all.id.as_str()
                    ),
                    format!(
                        "rule `{}` never applies: the group takes the first match, and `{}` before it has no condition, so it always matches",
                        rule.id.as_str(),
                        catch_all.id.as_str()
                    ),
                ),
            )
            .with_hint(Localized::new(
                format!(
                    "把兜底规则「{}」放到最后（priority 更大），或给它加上条件",
                    catch_all.id.as_str()
                ),
                format!(
                    "put the catch-all rule `{}` last (a larger priority), or give it a condition",
                    catch_all.id.as_str()
                ),
            ));
        problem.severity = Severity::Warning;
        ctx.push(problem);
    }
}

fn lines_only(at: &Pointer, kind: &str, ctx: &mut Ctx) {
    ctx.push(
        Problem::error(
            ProblemCode::InvalidValue,
            at.key("kind").as_str(),
            Localized::new(
                format!("「{kind}」只能用于按行计价（applies_to 为 lines）的规则组"),
                format!("`{kind}` works only in a group whose applies_to is `lines`"),
            ),
        )
        .with_hint(Localized::new(
            "把规则移到按行计价的规则组",
            "move the rule to a group that prices lines",
        )),
    );
}

fn ticket_only(at: &Pointer, kind: &str, ctx: &mut Ctx) {
    ctx.push(
        Problem::error(
            ProblemCode::InvalidValue,
            at.key("kind").as_str(),
            Localized::new(
                format!("「{kind}」只能用于整单（applies_to 为 ticket）的规则组"),
                format!("`{kind}` works only in a group whose applies_to is `ticket`"),
            ),
        )
        .with_hint(Localized::new(
            "把规则移到整单规则组，否则每个匹配的行都会再加一行",
            "move the rule to a ticket group; otherwise every matching line would add a line",
        )),
    );
}

fn percent_in_range(percent: Decimal, at: &Pointer, ctx: &mut Ctx) {
    if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
        ctx.push(
            Problem::error(
                ProblemCode::OutOfRange,
                at.as_str(),
                Localized::new(
                    format!("折扣百分比应在 0 到 100 之间：{percent}"),
                    format!("a percent off must be between 0 and 100: {percent}"),
                ),
            )
            .with_hint(Localized::new(
                "8 折即优惠 20%，写作 \"20\"",
                "20% off (8 折) is written \"20\"",
            )),
        );
    }
}

fn check_step(rounding: &StepRounding, at: &Pointer, ctx: &mut Ctx) {
    if rounding.step.0 <= Decimal::ZERO {
        ctx.push(
            Problem::error(
                ProblemCode::InvalidValue,
                at.key("step").as_str(),
                Localized::new(
                    format!("取整步长必须大于 0：{}", rounding.step.0),
                    format!(
                        "the rounding step must be greater than 0: {}",
                        rounding.step.0
                    ),
                ),
            )
            .with_hint(Localized::new(
                "例如 \"1\" 取整到整公里，\"0.5\" 取整到半小时",
                "e.g. \"1\" for whole km, \"0.5\" for half hours",
            )),
        );
    }
}

/// Tiers ascend strictly with only the last open; package and percentage values make sense.
fn check_charge(charge: &Charge, at: &Pointer, ctx: &mut Ctx) {
    match charge {
        Charge::Graduated { tiers }
        | Charge::Volume { tiers }
        | Charge::Marginal { tiers }
        | Charge::Retroactive { tiers }
        | Charge::Stairstep { tiers } => {
            let rules = TierRules {
                rate: false,
                must_pay: false,
                flat_only: matches!(charge, Charge::Stairstep { .. }),
            };
            check_tiers(tiers, &at.key("tiers"), rules, ctx);
        }
        Charge::Package { size, free, .. } => {
            if size.0 <= Decimal::ZERO {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &at.key("size"),
                    Localized::new(
                        format!("每包数量必须大于 0：{}", size.0),
                        format!("the package size must be greater than 0: {}", size.0),
                    ),
                );
            }
            if let Some(free) = free
                && free.0 < Decimal::ZERO
            {
                ctx.error(
                    ProblemCode::Negative,
                    &at.key("free"),
                    Localized::new(
                        format!("免费数量不能为负数：{}", free.0),
                        format!("the free quantity cannot be negative: {}", free.0),
                    ),
                );
            }
        }
        Charge::Percentage { rate, min, max, .. } => {
            if rate.0 < Decimal::ZERO || rate.0 > Decimal::ONE {
                ctx.push(
                    Problem::error(
                        ProblemCode::OutOfRange,
                        at.key("rate").as_str(),
                        Localized::new(
                            format!("费率应在 0 到 1 之间：{}", rate.0),
                            format!("the rate must be between 0 and 1: {}", rate.0),
                        ),
                    )
                    .with_hint(Localized::new(
                        "费率写作小数：0.6% 写作 \"0.006\"",
                        "write the rate as a fraction: 0.6% is \"0.006\"",
                    )),
                );
            }
            if let (Some(min), Some(max)) = (min, max)
                && min.0 > max.0
            {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &at.key("max"),
                    Localized::new(
                        format!("单笔上限 {} 小于下限 {}", max.0, min.0),
                        format!(
                            "the maximum fee {} is below the minimum fee {}",
                            max.0, min.0
                        ),
                    ),
                );
            }
        }
    }
}
