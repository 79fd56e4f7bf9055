use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::{Scope, VarType};
use crate::format::catalog::ItemKind;
use crate::format::tiers::{TierRules, check_tiers};
use crate::format::{BundleDoc, Dec, ExprSource, Id, Money, Text};
use crate::problem::{Localized, Problem, ProblemCode, Severity};
use crate::reader::Pointer;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The pricing section (价格体系): reusable tier tables and ordered groups of rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// Named tier tables (阶梯表) that `tiered_fee` effects refer to by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_tables: Vec<TierTable>,
    /// Rule groups, run in `priority` order (lower first; ties keep list order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<RuleGroup>,
}

/// A named tier table: how a quantity (km, hours, kg, pieces, an amount) becomes a fee.
///
/// The call-out fee "within 3 km 30 CNY; each km beyond 3 adds 5 CNY" is a graduated table
/// `[{"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]`, used by a `tiered_fee`
/// whose quantity is `distance_km` rounded up to whole km (`{"round": "up", "step": "1"}`):
/// 2.0 km → 30, 3.0 km → 30, 3.2 km → 4 km → 35, 7 km → 50, 10 km → 65.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierTable {
    /// The table's id, unique among tier tables.
    pub id: Id,
    /// What people call the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Notes for the people who maintain the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// What the quantity counts (km, 小时, kg, 件), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// How the quantity is charged.
    pub charge: Charge,
}

/// A pricing model for a quantity `q`, named as in Stripe and Lago; `graduated` and `volume`
/// are also read under their commission names, `marginal` and `retroactive` (one tier model,
/// `format::tiers`, and one engine, `crate::tiers`, for pricing and settlement).
///
/// Tier bounds are half-open on decimals: a tier covers (previous `up_to`, `up_to`], the first
/// starting above 0, and `q = 0` costs 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Charge {
    /// 累进 (Stripe `graduated`, Lago graduated): each tier holding some of `q` charges its
    /// `flat` once plus `unit` × the part of `q` inside it; the results add up.
    /// Lago `[0–10: unit 0.10 + flat 0.02], [11+: unit 0.05 + flat 0.03]`: 1 → 0.12,
    /// 10 → 1.02, 11 → 1.10, 12 → 1.15.
    Graduated {
        /// Tiers by ascending `up_to`; only the last is open (`up_to: null`).
        #[schemars(length(min = 1))]
        tiers: Vec<Tier>,
    },
    /// 全量阶梯 (Stripe `volume`): the single tier holding `q` charges `flat` + `unit` × `q`,
    /// every unit at that tier's rate. Stripe `1–5 @ 7.00, 6–10 @ 6.50, 11+ @ 6.00`:
    /// 5 → 35.00, 6 → 39.00, 20 → 120.00.
    Volume {
        /// Tiers by ascending `up_to`; only the last is open (`up_to: null`).
        #[schemars(length(min = 1))]
        tiers: Vec<Tier>,
    },
    /// 阶梯定额: the tier holding `q` charges its `flat` only (a fixed price per band).
    Stairstep {
        /// Tiers by ascending `up_to`; only the last is open. `unit` must be absent or 0.
        #[schemars(length(min = 1))]
        tiers: Vec<Tier>,
    },
    /// 按包计价: ceil((`q` − `free`) / `size`) × `price_per_package`; nothing while `q` ≤ `free`.
    Package {
        /// How many units one package holds (greater than 0).
        size: Dec,
        /// Units given free before packages are counted (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        free: Option<Dec>,
        /// The price of each started package.
        price_per_package: Money,
    },
    /// 按比例: `q` is an amount; the fee is `q` × `rate` + `fixed_fee`, then clamped to
    /// [`min`, `max`] per transaction when given.
    Percentage {
        /// A fraction from 0 to 1: `0.006` is 0.6%.
        rate: Dec,
        /// Added to every transaction (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fixed_fee: Option<Money>,
        /// The smallest fee per transaction.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Money>,
        /// The largest fee per transaction (not below `min`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Money>,
    },
    /// `graduated` under its commission name: the same reading, the same result.
    Marginal {
        /// Tiers by ascending `up_to`; only the last is open (`up_to: null`).
        #[schemars(length(min = 1))]
        tiers: Vec<Tier>,
    },
    /// `volume` under its commission name: the same reading, the same result.
    Retroactive {
        /// Tiers by ascending `up_to`; only the last is open (`up_to: null`).
        #[schemars(length(min = 1))]
        tiers: Vec<Tier>,
    },
}

impl Charge {
    /// The tiers of a tiered model; empty for `package` and `percentage`.
    pub fn tiers(&self) -> &[Tier] {
        match self {
            Self::Graduated { tiers }
            | Self::Volume { tiers }
            | Self::Marginal { tiers }
            | Self::Retroactive { tiers }
            | Self::Stairstep { tiers } => tiers,
            Self::Package { .. } | Self::Percentage { .. } => &[],
        }
    }

    /// How a graduated or volume model (under either of its names) reads its quantity.
    pub fn reading(&self) -> Option<crate::format::tiers::Reading> {
        use crate::format::tiers::Reading;
        match self {
            Self::Graduated { .. } | Self::Marginal { .. } => Some(Reading::Graduated),
            Self::Volume { .. } | Self::Retroactive { .. } => Some(Reading::Volume),
            Self::Stairstep { .. } | Self::Package { .. } | Self::Percentage { .. } => None,
        }
    }
}

pub use crate::format::tiers::Tier;

/// Rounding a number to a multiple of `step`: a quantity before tiering (distance up to whole
/// km, duration up to half hours) or a rule's resulting amount (抹零 to whole yuan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRounding {
    /// Which way to round.
    pub round: RoundDirection,
    /// The multiple to round to, greater than 0: `1` for whole km, `0.5` for half hours.
    pub step: Dec,
}

/// The direction of a [`StepRounding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundDirection {
    /// Up to the next multiple (ceil): 3.2 km → 4 km.
    Up,
    /// Down to the previous multiple (floor): 2.9 kg → 2 kg.
    Down,
    /// To the nearest multiple; a value exactly halfway follows the bundle's `rounding`.
    Nearest,
}

/// An ordered group of rules sharing a scope and a stacking policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    /// The group's id, unique among rule groups.
    pub id: Id,
    /// What people call the group (区域价、会员价、大促价).
    pub name: Text,
    /// Notes for the people who maintain the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// A disabled group is kept but skipped (seasonal rules switched off without deleting).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Groups run lower priority first; equal priorities keep their order in the list.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(max = 1_000_000))]
    pub priority: u32,
    /// How matching rules combine. Required: the format never guesses.
    pub stacking: Stacking,
    /// What the group prices: the ticket total or the lines passing a filter.
    pub applies_to: AppliesTo,
    /// Round to the currency's precision after every rule (default true); false rounds once,
    /// after the group.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub round_each_step: bool,
    /// The rules, considered by `priority` and then position.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// How the matching rules of a group combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// 叠加: every matching rule applies in order, each to the previous result (compounding).
    AllInOrder,
    /// 互斥: only the first matching rule applies.
    FirstMatch,
    /// 取最优: each matching rule is tried on the same amount; the lowest result applies.
    BestForCustomer,
}

/// What a group prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum AppliesTo {
    /// The ticket total (整单): discounts on the whole order, fees added as lines.
    Ticket,
    /// Each line that passes every filter given (an empty filter list does not restrict):
    /// `{"scope": "lines", "categories": ["computer-repair"], "item_kinds": ["service"]}` is
    /// the labour lines of computer repair.
    Lines {
        /// Lines of these catalog items.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        items: Vec<Id>,
        /// Lines whose item has one of these categories.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        categories: Vec<Id>,
        /// Lines of these kinds: `service` (项目) or `part` (备件).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        item_kinds: Vec<ItemKind>,
    },
}

/// A filter on lines: a line passes when it matches every list given (one entry of each).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineFilter {
    /// Lines of these catalog items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Id>,
    /// Lines whose item has one of these categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Id>,
    /// Lines of these kinds: `service` (项目) or `part` (备件).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_kinds: Vec<ItemKind>,
}

/// One pricing rule: when it applies (condition, window, lines) and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The rule's id, unique among rules; quotes name it in their trace.
    pub id: Id,
    /// What people call the rule; quotes show it to explain the price.
    pub name: Text,
    /// Notes for the people who maintain the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// A disabled rule is kept but never matches.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Rules run lower priority first; equal priorities keep their order in the list.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(max = 1_000_000))]
    pub priority: u32,
    /// A condition over the pricing context, e.g. `tier == 'vip'`; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// When the rule is in force; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Validity>,
    /// Narrows the lines of a `lines` group (not allowed in a `ticket` group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<LineFilter>,
    /// What the rule does to the amount.
    pub effect: Effect,
    /// Rounds this rule's result to a coarser step, e.g. down to whole yuan (抹零).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_to: Option<StepRounding>,
}

/// A rule's validity window (the format's shared [`Window`]).
pub type Validity = crate::format::Window;

/// What a rule does. On a `lines` group it changes each matching line's amount; on a
/// `ticket` group, the ticket total. Amounts never go below zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Effect {
    /// 打折: takes `percent` % off (`20` is 20% off, 8 折).
    PercentOff {
        /// From 0 to 100.
        percent: Dec,
    },
    /// 立减: takes a fixed amount off the line amount or the total.
    AmountOff {
        /// The amount taken off.
        amount: Money,
    },
    /// 加价: adds `percent` % (`10` is +10%).
    Markup {
        /// 0 or more.
        percent: Dec,
    },
    /// 一口价: replaces the price: a line's unit price, or the ticket total.
    SetPrice {
        /// The new price.
        price: Money,
    },
    /// 阶梯计费: a fee from a tier table over a quantity. On a `ticket` group the fee is added
    /// (as a line billed as `item` when given); on a `lines` group it becomes the line's amount.
    TieredFee {
        /// The id of a tier table, or a table written in place (`{"model": ...}`).
        table: TableRef,
        /// The quantity to charge: an expression such as `distance_km` or `item.quantity`.
        quantity: ExprSource,
        /// How the quantity is rounded before tiering (distance up to whole km).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transform: Option<StepRounding>,
        /// The catalog item the fee is billed as (`ticket` groups only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<Id>,
    },
    /// 保底: raises the amount to at least `amount`.
    Floor {
        /// The lowest amount.
        amount: Money,
    },
    /// 封顶: lowers the amount to at most `amount`.
    Cap {
        /// The highest amount.
        amount: Money,
    },
    /// 成本加成: a part line's unit price becomes its catalog `cost` × `coefficient`
    /// (`lines` groups only; the items need a `cost`).
    CostTimes {
        /// Greater than 0, e.g. `1.3` for cost plus 30%.
        coefficient: Dec,
    },
    /// 附加费用行: adds a line billed as a catalog item, e.g. a fixed call-out fee
    /// (`ticket` groups only).
    AddLine {
        /// The catalog item of the new line.
        item: Id,
        /// How many (an expression; default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quantity: Option<ExprSource>,
        /// The unit price (default: the item's catalog price).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price: Option<Money>,
    },
}

/// A tier table: by id, or written in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TableRef {
    /// The id of one of `pricing.tier_tables`.
    Named(Id),
    /// A table used only here.
    Inline(Charge),
}

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_true(value: &bool) -> bool {
    *value
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// The pricing context every pricing expression may read (see the module docs).
pub fn ticket_scope() -> Scope {
    Scope::default()
        .with("region", VarType::String)
        .with("region_path", VarType::List(Box::new(VarType::String)))
        .with("tier", VarType::String)
        .with("channel", VarType::String)
        .with("now", VarType::String)
        .with("ticket_type", VarType::String)
        .with("distance_km", VarType::Number)
        .with("duration_h", VarType::Number)
        .with("weight_kg", VarType::Number)
        .with("count", VarType::Number)
        .with("subtotal", VarType::Number)
        .with("form", VarType::Any)
        .with_region_path("region_path")
}

/// The context of a `lines` group: [`ticket_scope`] plus the line's `item`.
pub fn line_scope() -> Scope {
    let item = VarType::Object(crate::btree::map([
        ("id".to_owned(), VarType::String),
        ("category".to_owned(), VarType::String),
        ("kind".to_owned(), VarType::String),
        ("price".to_owned(), VarType::Number),
        ("cost".to_owned(), VarType::Number),
        ("quantity".to_owned(), VarType::Number),
    ]));
    ticket_scope().with("item", item)
}

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

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use crate::format::read::{Res, de, list, no_variant, object, option, read_struct, tagged};
use crate::format::tiers::read_tiers;
use crate::format::{read_text, read_window};
use serde_json::Value;

pub(crate) fn read_pricing(value: Value) -> Res<Pricing> {
    let map = object(value, "struct Pricing")?;
    Ok(read_struct!(map, deny, Pricing {
        tier_tables: default with |v| list(v, read_tier_table),
        groups: default with |v| list(v, read_rule_group),
    }))
}

fn read_tier_table(value: Value) -> Res<TierTable> {
    let map = object(value, "struct TierTable")?;
    Ok(read_struct!(map, deny, TierTable {
        id: req,
        name: default with |v| option(v, read_text),
        description: default with |v| option(v, read_text),
        unit: default with |v| option(v, read_text),
        charge: req with read_charge,
    }))
}

fn read_charge(value: Value) -> Res<Charge> {
    const MODELS: &[&str] = &[
        "graduated",
        "volume",
        "stairstep",
        "package",
        "percentage",
        "marginal",
        "retroactive",
    ];
    let (model, map) = tagged(value, "model", MODELS, "internally tagged enum Charge")?;
    Ok(match model {
        0 => read_struct!(map, deny, Charge::Graduated {
            tiers: req with read_tiers,
        }),
        1 => read_struct!(map, deny, Charge::Volume {
            tiers: req with read_tiers,
        }),
        2 => read_struct!(map, deny, Charge::Stairstep {
            tiers: req with read_tiers,
        }),
        5 => read_struct!(map, deny, Charge::Marginal {
            tiers: req with read_tiers,
        }),
        6 => read_struct!(map, deny, Charge::Retroactive {
            tiers: req with read_tiers,
        }),
        3 => read_struct!(
            map,
            deny,
            Charge::Package {
                size: req,
                free: default,
                price_per_package: req,
            }
        ),
        _ => read_struct!(
            map,
            deny,
            Charge::Percentage {
                rate: req,
                fixed_fee: default,
                min: default,
                max: default,
            }
        ),
    })
}

fn read_step_rounding(value: Value) -> Res<Option<StepRounding>> {
    option(value, |value| {
        let map = object(value, "struct StepRounding")?;
        Ok(read_struct!(
            map,
            deny,
            StepRounding {
                round: req,
                step: req,
            }
        ))
    })
}

fn read_rule_group(value: Value) -> Res<RuleGroup> {
    let map = object(value, "struct RuleGroup")?;
    Ok(read_struct!(map, deny, RuleGroup {
        id: req,
        name: req with read_text,
        description: default with |v| option(v, read_text),
        enabled: default(yes),
        priority: default,
        stacking: req,
        applies_to: req with read_applies_to,
        round_each_step: default(yes),
        rules: default with |v| list(v, read_rule),
    }))
}

fn read_applies_to(value: Value) -> Res<AppliesTo> {
    const SCOPES: &[&str] = &["ticket", "lines"];
    let (scope, map) = tagged(value, "scope", SCOPES, "internally tagged enum AppliesTo")?;
    Ok(match scope {
        // A unit variant ignores the other entries, as serde's does.
        0 => AppliesTo::Ticket,
        _ => read_struct!(
            map,
            deny,
            AppliesTo::Lines {
                items: default,
                categories: default,
                item_kinds: default,
            }
        ),
    })
}

fn read_rule(value: Value) -> Res<Rule> {
    let map = object(value, "struct Rule")?;
    Ok(read_struct!(map, deny, Rule {
        id: req,
        name: req with read_text,
        description: default with |v| option(v, read_text),
        enabled: default(yes),
        priority: default,
        when: default,
        valid: default with |v| option(v, read_window),
        target: default with |v| option(v, read_line_filter),
        effect: req with read_effect,
        round_to: default with read_step_rounding,
    }))
}

fn read_line_filter(value: Value) -> Res<LineFilter> {
    let map = object(value, "struct LineFilter")?;
    Ok(read_struct!(
        map,
        deny,
        LineFilter {
            items: default,
            categories: default,
            item_kinds: default,
        }
    ))
}

fn read_effect(value: Value) -> Res<Effect> {
    const KINDS: &[&str] = &[
        "percent_off",
        "amount_off",
        "markup",
        "set_price",
        "tiered_fee",
        "floor",
        "cap",
        "cost_times",
        "add_line",
    ];
    let (kind, map) = tagged(value, "kind", KINDS, "internally tagged enum Effect")?;
    Ok(match kind {
        0 => read_struct!(map, deny, Effect::PercentOff { percent: req }),
        1 => read_struct!(map, deny, Effect::AmountOff { amount: req }),
        2 => read_struct!(map, deny, Effect::Markup { percent: req }),
        3 => read_struct!(map, deny, Effect::SetPrice { price: req }),
        4 => read_struct!(map, deny, Effect::TieredFee {
            table: req with read_table_ref,
            quantity: req,
            transform: default with read_step_rounding,
            item: default,
        }),
        5 => read_struct!(map, deny, Effect::Floor { amount: req }),
        6 => read_struct!(map, deny, Effect::Cap { amount: req }),
        7 => read_struct!(map, deny, Effect::CostTimes { coefficient: req }),
        _ => read_struct!(
            map,
            deny,
            Effect::AddLine {
                item: req,
                quantity: default,
                price: default,
            }
        ),
    })
}

fn read_table_ref(value: Value) -> Res<TableRef> {
    match value {
        Value::String(_) => de(value).map(TableRef::Named),
        Value::Object(_) => read_charge(value)
            .map(TableRef::Inline)
            .map_err(|_| no_variant("TableRef")),
        _ => Err(no_variant("TableRef")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    const CATALOG: &str = r#"[
        {"id": "ac-clean", "name": "空调清洗", "kind": "service", "price": "120.00", "category": "air-conditioning"},
        {"id": "repair-labour", "name": "电脑维修工时", "kind": "service", "price": "80.00", "category": "computer-repair"},
        {"id": "call-out", "name": "上门费", "kind": "service", "price": "30.00"},
        {"id": "compressor", "name": "压缩机", "kind": "part", "price": "1399.99", "cost": "900.00"},
        {"id": "filter-mesh", "name": "滤网", "kind": "part", "price": "15.00"}
    ]"#;

    /// `(code, path)` of every problem of a bundle with this `pricing` section.
    fn check(pricing: Value) -> Vec<(String, String)> {
        let bundle = format!(
            r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG}, "pricing": {pricing}}}"#
        );
        crate::validate_bundle(&bundle)
            .into_iter()
            .map(|p| {
                assert!(!p.message.zh_cn.is_empty() && !p.message.en.is_empty());
                (p.code.as_str().to_owned(), p.path)
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
            .collect()
    }

    fn group(applies_to: Value, rules: Value) -> Value {
        json!({"groups": [{"id": "g", "name": "组", "stacking": "all_in_order",
            "applies_to": applies_to, "rules": rules}]})
    }

    fn rule(effect: Value) -> Value {
        json!({"id": "r", "name": "规则", "effect": effect})
    }

    #[test]
    fn the_call_out_fee_and_published_tables_load() {
        let pricing = json!({
            "tier_tables": [
                {"id": "call-out-km", "unit": "km", "charge": {"model": "graduated", "tiers": [
                    {"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]}},
                {"id": "stripe-volume", "charge": {"model": "volume", "tiers": [
                    {"up_to": "5", "unit": "7.00"}, {"up_to": "10", "unit": "6.50"},
                    {"up_to": null, "unit": "6.00"}]}},
                {"id": "steps", "charge": {"model": "stairstep", "tiers": [
                    {"up_to": "20", "flat": "20"}, {"up_to": null, "flat": "50", "unit": "0"}]}},
                {"id": "bags", "charge": {"model": "package", "size": "2", "free": "1",
                    "price_per_package": "10"}},
                {"id": "fee", "charge": {"model": "percentage", "rate": "0.006",
                    "fixed_fee": "0.3", "min": "1", "max": "1"}}
            ],
            "groups": [{"id": "fees", "name": "上门费", "stacking": "first_match",
                "applies_to": {"scope": "ticket"},
                "rules": [{"id": "km", "name": "按公里", "when": "distance_km > 0",
                    "effect": {"kind": "tiered_fee", "table": "call-out-km",
                        "quantity": "distance_km", "transform": {"round": "up", "step": "1"},
                        "item": "call-out"}}]}]
        });
        assert_eq!(check(pricing), pairs(&[]));
    }

    #[test]
    fn ids_are_unique_and_references_resolve() {
        let pricing = json!({
            "tier_tables": [
                {"id": "t", "charge": {"model": "package", "size": "1", "price_per_package": "1"}},
                {"id": "t", "charge": {"model": "package", "size": "1", "price_per_package": "1"}}
            ],
            "groups": [
                {"id": "g", "name": "a", "stacking": "first_match",
                 "applies_to": {"scope": "lines", "items": ["ac-claen"], "categories": ["aircon"]},
                 "rules": [{"id": "r", "name": "x", "target": {"items": ["nope"]},
                     "effect": {"kind": "percent_off", "percent": "10"}}]},
                {"id": "g", "name": "b", "stacking": "all_in_order",
                 "applies_to": {"scope": "ticket"},
                 "rules": [
                     {"id": "r", "name": "y", "effect": {"kind": "tiered_fee", "table": "tt",
                         "quantity": "distance_km", "item": "call-out"}},
                     {"id": "r2", "name": "z", "effect": {"kind": "add_line", "item": "callout"}}
                 ]}
            ]
        });
        assert_eq!(
            check(pricing),
            pairs(&[
                ("duplicate-id", "/pricing/tier_tables/1/id"),
                ("duplicate-id", "/pricing/groups/1/id"),
                ("duplicate-id", "/pricing/groups/1/rules/0/id"),
                ("unknown-reference", "/pricing/groups/0/applies_to/items/0"),
                (
                    "unknown-reference",
                    "/pricing/groups/0/applies_to/categories/0"
                ),
                (
                    "unknown-reference",
                    "/pricing/groups/0/rules/0/target/items/0"
                ),
                (
                    "unknown-reference",
                    "/pricing/groups/1/rules/0/effect/table"
                ),
                ("unknown-reference", "/pricing/groups/1/rules/1/effect/item"),
            ])
        );
    }

    #[test]
    fn unknown_references_suggest_the_closest_id() {
        let pricing = json!({
            "tier_tables": [{"id": "call-out-km", "charge": {"model": "package", "size": "1",
                "price_per_package": "1"}}],
            "groups": [{"id": "g", "name": "a", "stacking": "first_match",
                "applies_to": {"scope": "lines", "categories": ["air-conditoning"]},
                "rules": [rule(json!({"kind": "percent_off", "percent": "1"}))]},
                {"id": "g2", "name": "b", "stacking": "first_match",
                "applies_to": {"scope": "ticket"},
                "rules": [{"id": "r2", "name": "b", "effect": {"kind": "tiered_fee",
                    "table": "call-out-kms", "quantity": "distance_km"}}]}]
        });
        let bundle = format!(
            r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG}, "pricing": {pricing}}}"#
        );
        let hints: Vec<String> = crate::validate_bundle(&bundle)
            .into_iter()
            .filter_map(|p| p.hint.map(|h| h.en))
            .collect();
        assert_eq!(
            hints,
            vec![
                "did you mean `air-conditioning`?".to_owned(),
                "did you mean `call-out-km`?".to_owned()
            ]
        );
    }

    #[test]
    fn tiers_ascend_strictly_with_only_the_last_open() {
        let pricing = json!({"tier_tables": [
            {"id": "a", "charge": {"model": "graduated", "tiers": [
                {"up_to": "0"}, {"up_to": "10"}, {"up_to": "10"}, {"up_to": null},
                {"up_to": "5"}, {"up_to": null}]}},
            {"id": "b", "charge": {"model": "volume", "tiers": [
                {"up_to": "10"}, {"up_to": "20"}]}},
            {"id": "c", "charge": {"model": "stairstep", "tiers": [
                {"up_to": "-1", "flat": "5", "unit": "2"}, {"up_to": null, "unit": "0"}]}},
            {"id": "d", "charge": {"model": "graduated", "tiers": []}}
        ]});
        assert_eq!(
            check(pricing),
            pairs(&[("invalid-value", "/pricing/tier_tables/3/charge/tiers")])
        );
        let pricing = json!({"tier_tables": [
            {"id": "a", "charge": {"model": "graduated", "tiers": [
                {"up_to": "0"}, {"up_to": "10"}, {"up_to": "10"}, {"up_to": null},
                {"up_to": "5"}, {"up_to": null}]}},
            {"id": "b", "charge": {"model": "volume", "tiers": [
                {"up_to": "10"}, {"up_to": "20"}]}},
            {"id": "c", "charge": {"model": "stairstep", "tiers": [
                {"up_to": "-1", "flat": "5", "unit": "2"}, {"up_to": null, "unit": "0"}]}}
        ]});
        assert_eq!(
            check(pricing),
            pairs(&[
                (
                    "tiers-not-ascending",
                    "/pricing/tier_tables/0/charge/tiers/0/up_to"
                ),
                (
                    "tiers-not-ascending",
                    "/pricing/tier_tables/0/charge/tiers/2/up_to"
                ),
                (
                    "tiers-not-ascending",
                    "/pricing/tier_tables/0/charge/tiers/3/up_to"
                ),
                (
                    "tiers-not-ascending",
                    "/pricing/tier_tables/0/charge/tiers/4/up_to"
                ),
                (
                    "invalid-value",
                    "/pricing/tier_tables/1/charge/tiers/1/up_to"
                ),
                (
                    "tiers-not-ascending",
                    "/pricing/tier_tables/2/charge/tiers/0/up_to"
                ),
                (
                    "invalid-value",
                    "/pricing/tier_tables/2/charge/tiers/0/unit"
                ),
            ])
        );
    }

    /// One tier model with settlement: the last tier's `up_to` may be `null` or left out; any
    /// other tier without one is refused, as are a `rate` (pricing tiers price by `unit`) and
    /// a closed last tier.
    #[test]
    fn the_last_bound_may_be_left_out_as_in_settlement() {
        let pricing = json!({"tier_tables": [{"id": "a", "charge": {"model": "graduated",
            "tiers": [{"up_to": "3", "flat": "30"}, {"unit": "5"}]}}]});
        assert_eq!(check(pricing), pairs(&[]));
        let pricing = json!({"tier_tables": [{"id": "a", "charge": {"model": "marginal",
            "tiers": [{"flat": "30"}, {"up_to": "3", "rate": "0.1"}]}}]});
        assert_eq!(
            check(pricing),
            pairs(&[
                (
                    "tiers-not-ascending",
                    "/pricing/tier_tables/0/charge/tiers/0/up_to"
                ),
                (
                    "invalid-value",
                    "/pricing/tier_tables/0/charge/tiers/1/up_to"
                ),
                (
                    "invalid-value",
                    "/pricing/tier_tables/0/charge/tiers/1/rate"
                ),
            ])
        );
    }

    #[test]
    fn package_and_percentage_values_make_sense() {
        let pricing = json!({"tier_tables": [
            {"id": "a", "charge": {"model": "package", "size": "0", "free": "-1",
                "price_per_package": "10"}},
            {"id": "b", "charge": {"model": "package", "size": "-2", "price_per_package": "10"}},
            {"id": "c", "charge": {"model": "percentage", "rate": "1.5", "min": "10", "max": "5"}},
            {"id": "d", "charge": {"model": "flat_rate"}}
        ]});
        assert_eq!(
            check(pricing),
            pairs(&[("unknown-variant", "/pricing/tier_tables/3/charge/model")])
        );
        let pricing = json!({"tier_tables": [
            {"id": "a", "charge": {"model": "package", "size": "0", "free": "-1",
                "price_per_package": "10"}},
            {"id": "b", "charge": {"model": "package", "size": "-2", "price_per_package": "10"}},
            {"id": "c", "charge": {"model": "percentage", "rate": "1.5", "min": "10", "max": "5"}}
        ]});
        assert_eq!(
            check(pricing),
            pairs(&[
                ("invalid-value", "/pricing/tier_tables/0/charge/size"),
                ("negative", "/pricing/tier_tables/0/charge/free"),
                ("invalid-value", "/pricing/tier_tables/1/charge/size"),
                ("out-of-range", "/pricing/tier_tables/2/charge/rate"),
                ("invalid-value", "/pricing/tier_tables/2/charge/max"),
            ])
        );
    }

    #[test]
    fn effects_are_checked_where_they_are_written() {
        let lines = json!({"scope": "lines", "item_kinds": ["part"]});
        let rules = json!([
            {"id": "a", "name": "a", "effect": {"kind": "percent_off", "percent": "120"}},
            {"id": "b", "name": "b", "effect": {"kind": "percent_off", "percent": "-5"}},
            {"id": "c", "name": "c", "effect": {"kind": "markup", "percent": "-10"}},
            {"id": "d", "name": "d", "target": {"items": ["filter-mesh", "compressor"]},
                "effect": {"kind": "cost_times", "coefficient": "0"}},
            {"id": "e", "name": "e", "effect": {"kind": "tiered_fee", "quantity": "item.quantity",
                "table": {"model": "package", "size": "0", "price_per_package": "5"},
                "transform": {"round": "up", "step": "0"}, "item": "call-out"}},
            {"id": "f", "name": "f", "effect": {"kind": "add_line", "item": "call-out"}},
            {"id": "g", "name": "g", "effect": {"kind": "amount_off", "amount": "5"},
                "round_to": {"round": "down", "step": "-1"}}
        ]);
        assert_eq!(
            check(group(lines, rules)),
            pairs(&[
                ("out-of-range", "/pricing/groups/0/rules/0/effect/percent"),
                ("out-of-range", "/pricing/groups/0/rules/1/effect/percent"),
                ("out-of-range", "/pricing/groups/0/rules/2/effect/percent"),
                (
                    "out-of-range",
                    "/pricing/groups/0/rules/3/effect/coefficient"
                ),
                (
                    "invalid-value",
                    "/pricing/groups/0/rules/3/effect/coefficient"
                ),
                (
                    "invalid-value",
                    "/pricing/groups/0/rules/4/effect/table/size"
                ),
                (
                    "invalid-value",
                    "/pricing/groups/0/rules/4/effect/transform/step"
                ),
                ("invalid-value", "/pricing/groups/0/rules/4/effect/item"),
                ("invalid-value", "/pricing/groups/0/rules/5/effect/kind"),
                ("invalid-value", "/pricing/groups/0/rules/6/round_to/step"),
            ])
        );
    }

    #[test]
    fn ticket_groups_do_not_target_lines() {
        let rules = json!([
            {"id": "a", "name": "a", "target": {"item_kinds": ["service"]},
                "effect": {"kind": "percent_off", "percent": "10"}},
            {"id": "b", "name": "b", "effect": {"kind": "cost_times", "coefficient": "1.2"}},
            {"id": "c", "name": "c", "when": "item.kind == 'part'",
                "effect": {"kind": "cap", "amount": "100"}}
        ]);
        assert_eq!(
            check(group(json!({"scope": "ticket"}), rules)),
            pairs(&[
                ("invalid-value", "/pricing/groups/0/rules/0/target"),
                ("invalid-value", "/pricing/groups/0/rules/1/effect/kind"),
                ("unknown-variable", "/pricing/groups/0/rules/2/when"),
            ])
        );
    }

    #[test]
    fn expressions_compile_against_the_pricing_context() {
        let rules = json!([
            {"id": "a", "name": "a",
                "when": "'北京' in region_path and tier == 'vip' and item.category == 'x'",
                "effect": {"kind": "percent_off", "percent": "10"}},
            {"id": "b", "name": "b", "when": "ticket_typ == 'x'",
                "effect": {"kind": "percent_off", "percent": "10"}},
            {"id": "c", "name": "c", "when": "duration_h > (",
                "effect": {"kind": "percent_off", "percent": "10"}},
            {"id": "d", "name": "d", "when": "item.colour == 'red'",
                "effect": {"kind": "tiered_fee", "table": {"model": "volume",
                    "tiers": [{"up_to": null, "unit": "1"}]}, "quantity": "wieght_kg"}}
        ]);
        let found = check(group(json!({"scope": "lines"}), rules));
        assert_eq!(
            found
                .iter()
                .filter(|(c, _)| c != "expression-syntax")
                .cloned()
                .collect::<Vec<_>>(),
            pairs(&[
                ("unknown-variable", "/pricing/groups/0/rules/1/when"),
                ("unknown-variable", "/pricing/groups/0/rules/3/when"),
                (
                    "unknown-variable",
                    "/pricing/groups/0/rules/3/effect/quantity"
                ),
            ])
        );
        assert!(
            found
                .iter()
                .any(|(c, p)| c == "expression-syntax" && p == "/pricing/groups/0/rules/2/when"),
            "{found:?}"
        );
    }

    #[test]
    fn validity_windows_end_after_they_start() {
        let window = |from: &str, until: &str| {
            json!({"id": "w", "name": "w", "valid": {"from": from, "until": until,
                "time_zone": "Asia/Shanghai"},
                "effect": {"kind": "percent_off", "percent": "10"}})
        };
        let rules = json!([
            window("2026-11-11T00:00:00+08:00", "2026-11-12T00:00:00+08:00"),
            window("2026-11-12T00:00:00+08:00", "2026-11-11T00:00:00+08:00"),
            // The same instant written in two offsets: an empty window.
            window("2026-11-11T00:00:00+08:00", "2026-11-10T16:00:00Z"),
            {"id": "x", "name": "x", "valid": {},
                "effect": {"kind": "percent_off", "percent": "10"}},
            window("2026-11-31T00:00:00+08:00", "2026-11-12T00:00:00+08:00")
        ]);
        let mut rules = rules;
        if let Some(list) = rules.as_array_mut() {
            for (i, rule) in list.iter_mut().enumerate() {
                rule["id"] = json!(format!("w{i}"));
            }
        }
        assert_eq!(
            check(group(json!({"scope": "ticket"}), rules.clone())),
            pairs(&[("invalid-instant", "/pricing/groups/0/rules/4/valid/from")])
        );
        if let Some(list) = rules.as_array_mut() {
            list.pop();
        }
        let problems = check(group(json!({"scope": "ticket"}), rules));
        assert_eq!(
            problems,
            pairs(&[
                ("ends-before-start", "/pricing/groups/0/rules/1/valid/until"),
                ("ends-before-start", "/pricing/groups/0/rules/2/valid/until"),
                ("invalid-value", "/pricing/groups/0/rules/3/valid"),
            ])
        );
    }

    #[test]
    fn an_empty_group_is_only_a_warning() {
        let bundle = format!(
            r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG},
            "pricing": {{"groups": [{{"id": "g", "name": "空", "stacking": "first_match",
            "applies_to": {{"scope": "ticket"}}}}]}}}}"#
        );
        let loaded = crate::Bundle::from_json(&bundle).unwrap_or_else(|p| unreachable!("{p:?}"));
        // The bundle loads and keeps the warning; validating reports it.
        assert_eq!(loaded.warnings(), crate::validate_bundle(&bundle));
        assert_eq!(loaded.warnings().len(), 1, "{:?}", loaded.warnings());
        let mut ctx = crate::check::Ctx::new();
        let doc: crate::format::BundleDoc = serde_json::from_str(&bundle).unwrap_or_else(|e| {
            unreachable!("{e}");
        });
        crate::format::check(&doc, &mut ctx);
        let problems = ctx.diag.into_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "/pricing/groups/0/rules");
        assert_eq!(problems[0].severity, crate::Severity::Warning);
    }

    #[test]
    fn a_catch_all_rule_hides_the_rules_after_it_in_a_first_match_group() {
        let effect = json!({"kind": "percent_off", "percent": "10"});
        let bundle = |stacking: &str| {
            let pricing = json!({"groups": [{"id": "g", "name": "g", "stacking": stacking,
            "applies_to": {"scope": "ticket"}, "rules": [
                {"id": "vip", "name": "vip", "priority": 1, "when": "tier == 'vip'",
                    "effect": effect},
                {"id": "all", "name": "all", "priority": 2, "effect": effect},
                {"id": "svip", "name": "svip", "priority": 3, "when": "tier == 'svip'",
                    "effect": effect},
                {"id": "off", "name": "off", "priority": 3, "enabled": false,
                    "effect": effect},
                {"id": "first", "name": "first", "when": "tier == 'normal'",
                    "effect": effect}
            ]}]});
            format!(
                r#"{{"schema_version": 2, "currency": "CNY", "catalog": {CATALOG}, "pricing": {pricing}}}"#
            )
        };
        let mut ctx = crate::check::Ctx::new();
        let doc: crate::format::BundleDoc =
            serde_json::from_str(&bundle("first_match")).unwrap_or_else(|e| unreachable!("{e}"));
        crate::format::check(&doc, &mut ctx);
        let found: Vec<_> = ctx
            .diag
            .into_problems()
            .into_iter()
            .map(|p| (p.severity, p.path, p.message.en))
            .collect();
        assert_eq!(
            found,
            vec![(
                crate::Severity::Warning,
                "/pricing/groups/0/rules/2".to_owned(),
                "rule `svip` never applies: the group takes the first match, and `all` before it \
                 has no condition, so it always matches"
                    .to_owned()
            )]
        );
        // Stacking all rules in order, nothing is hidden, and warnings never fail a load.
        assert!(crate::Bundle::from_json(&bundle("first_match")).is_ok());
        let mut ctx = crate::check::Ctx::new();
        let doc: crate::format::BundleDoc =
            serde_json::from_str(&bundle("all_in_order")).unwrap_or_else(|e| unreachable!("{e}"));
        crate::format::check(&doc, &mut ctx);
        assert!(ctx.diag.into_problems().is_empty());
    }

    #[test]
    fn stacking_and_scope_are_required() {
        let pricing = json!({"groups": [{"id": "g", "name": "g", "rules": []},
            {"id": "h", "name": "h", "stacking": "best", "applies_to": {"scope": "order"}}]});
        assert_eq!(
            check(pricing),
            pairs(&[
                ("missing-field", "/pricing/groups/0/stacking"),
                ("missing-field", "/pricing/groups/0/applies_to"),
                ("unknown-variant", "/pricing/groups/1/stacking"),
                ("unknown-variant", "/pricing/groups/1/applies_to/scope"),
            ])
        );
    }

    #[test]
    fn the_model_round_trips_through_serde() {
        let pricing = json!({
            "tier_tables": [{"id": "t", "charge": {"model": "graduated", "tiers": [
                {"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]}}],
            "groups": [{"id": "g", "name": "g", "stacking": "best_for_customer",
                "applies_to": {"scope": "lines", "item_kinds": ["service"]},
                "rules": [{"id": "r", "name": "r", "priority": 5,
                    "effect": {"kind": "set_price", "price": "99"}}]}]
        });
        let model: super::Pricing = serde_json::from_value(pricing.clone()).unwrap_or_default();
        assert_eq!(model.groups.len(), 1);
        assert!(matches!(
            model.tier_tables.first().map(|t| &t.charge),
            Some(super::Charge::Graduated { tiers }) if tiers.len() == 2
        ));
        assert_eq!(serde_json::to_value(&model).ok(), Some(pricing));
    }
}
