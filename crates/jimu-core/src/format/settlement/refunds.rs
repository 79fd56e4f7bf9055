//! Refund rules: how a refunded order is valued and its commissions reversed.

use crate::format::{Dec, ExprSource, Id, Money, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a refunded order is valued and its commissions reversed.
///
/// Refund = paid × (remaining / total, under `prorate`) − each deduction, never below 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRule {
    /// The rule's id, unique among refund rules.
    pub id: Id,
    /// The rule's name as people read it.
    pub name: Text,
    /// The refunds it applies to (an expression over `order`); absent: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// How the paid amount is prorated (default `none`: the whole amount).
    #[serde(default)]
    pub prorate: Proration,
    /// What is taken off, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deductions: Vec<Deduction>,
    /// What happens to the commissions the order paid (default `proportional`).
    #[serde(default)]
    pub commissions: CommissionReversal,
}

/// How a refund is prorated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Proration {
    /// The whole paid amount.
    #[default]
    None,
    /// By remaining class hours: paid × `order.remaining_hours` / `order.total_hours`.
    RemainingHours,
}

/// Something taken off a refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deduction {
    /// The promotion's value (`order.promotion_amount`), prorated like the refund when
    /// `prorate` is true.
    Promotion(PromotionDeduction),
    /// A fixed amount (a handling fee).
    Fixed(FixedDeduction),
    /// A rate of the refund, from 0 to 1.
    Rate(RateDeduction),
}

/// `promotion`: the value of the promotion the customer received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionDeduction {
    /// `true`: only the remaining share of the promotion is deducted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prorate: bool,
}

/// `fixed`: an amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixedDeduction {
    /// The amount taken off.
    pub amount: Money,
}

/// `rate`: a share of the refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateDeduction {
    /// From 0 to 1.
    pub rate: Dec,
}

/// What happens to commissions when an order is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommissionReversal {
    /// Every share is reversed in proportion to refund / paid (split symmetrically, to the cent).
    #[default]
    Proportional,
    /// Every share is reversed in full.
    Full,
    /// Shares stand; the refund is borne by the `remainder` party.
    Keep,
}
