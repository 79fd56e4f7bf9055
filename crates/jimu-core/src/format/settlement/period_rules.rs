//! Period rules: what is computed per party per period (rebates, milestones, minimum
//! guarantees, caps, draws).

use crate::format::{Dec, ExprSource, Id, Money, Text, Window};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::{Base, Period, TierMode, TierSource};

/// A rule computed per party per period over the orders it counts: a volume rebate
/// (返利), milestones (refer 5 new students → a reward), a minimum guarantee, a cap, a draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodRule {
    /// The rule's id, unique among period rules; statements name it.
    pub id: Id,
    /// The rule's name as people read it.
    pub name: Text,
    /// The party the rule pays.
    pub party: Id,
    /// The party whose money it is: every payment shows as a counter-line (the same amount,
    /// negated) on this party's statement, so for every period the parties' totals add up to the
    /// revenue settled. Absent: the plans' `remainder` party (HQ, the manufacturer, the
    /// school), when every plan with one names the same. A party named by each order
    /// (`from_order`) cannot fund a period rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Id>,
    /// The period attainment is counted over.
    pub period: Period,
    /// The orders that count (an expression over `order`); absent: all of the party's orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// When the rule applies; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// What is counted (default `amount`).
    #[serde(default)]
    pub measure: PeriodMeasure,
    /// The amount counted and paid on (default `revenue`).
    #[serde(default)]
    pub of: Base,
    /// Tiers over the period's attainment, paid at the period's close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<TierSource>,
    /// How the tiers pay (default `marginal`).
    #[serde(default)]
    pub mode: TierMode,
    /// One-off rewards when the attainment reaches a threshold, by ascending `at`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    /// The least the rule pays per period (a guarantee, topped up at close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Money>,
    /// The most the rule pays per period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Money>,
    /// An advance paid every period against earnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<Draw>,
}

/// What a period rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodMeasure {
    /// The base amount of the orders counted.
    #[default]
    Amount,
    /// Their units (`order.quantity`).
    Quantity,
    /// How many orders.
    Orders,
}

/// A reward for reaching a threshold within the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// The attainment that earns the reward (5 new students: `"5"`).
    pub at: Dec,
    /// The cash reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Benefits unlocked for the party (a course pack id the host grants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlocks: Vec<Id>,
    /// How statements name the reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

/// An advance against earnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Draw {
    /// The advance per period.
    pub amount: Money,
    /// Whether the part of the draw not earned is recovered from later earnings.
    pub recovery: DrawRecovery,
    /// For a recoverable draw: recover over at most this many later periods; absent: until
    /// recovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub recover_over_periods: Option<u32>,
}

/// Whether an unearned draw is paid back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawRecovery {
    /// The shortfall is deducted from later periods' earnings.
    Recoverable,
    /// The draw is a guaranteed minimum; nothing is paid back.
    NonRecoverable,
}
