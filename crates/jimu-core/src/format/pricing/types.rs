//! The pricing section: tier tables and their charges, rule groups, rules, their effects.

use crate::format::catalog::ItemKind;
use crate::format::{Dec, ExprSource, Id, Money, Text};
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

pub(super) fn yes() -> bool {
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
