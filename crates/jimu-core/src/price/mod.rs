//! The pricing engine: catalog lines, stacked rule groups and tier models, with a trace.
//!
//! A quote starts from the catalog: each requested line costs its item's price × quantity,
//! rounded to the currency. Then every enabled rule group runs, lower `priority` first (ties
//! keep their order in the bundle), and inside a group every rule is considered in the same
//! order:
//!
//! - a `lines` group runs once per line its filter lets through; its rules change that line's
//!   amount (`subtotal` is the line amount before the group, `item` the line's item);
//! - a `ticket` group runs once on the running total (lines plus the adjustments so far):
//!   discounts become `adjustments`, fees (`tiered_fee`, `add_line`) become new lines.
//!
//! The group's stacking policy decides which matching rules apply: all in order, each on the
//! previous result (compounding); the first match only; or the one best for the customer
//! (every match tried on the same amount, the lowest result wins, ties to the earlier rule).
//! Amounts never go below zero. With `round_each_step` (the default) every rule's result is
//! rounded to the currency's precision with the bundle's rounding; without it a `lines` group
//! rounds once at its end (ticket adjustments are always whole cents, so they add up exactly).
//!
//! Every rule considered leaves a [`TraceStep`]: whether it applied, why not when it did not,
//! the amounts before and after, and the arithmetic as a formula a person can redo.
//! A rule that reads a context value the request does not give is a `missing-context`
//! problem, never a silent zero.

mod engine;
pub(crate) mod facts;
pub(crate) mod plan;
mod reads;
pub mod tiers;

pub use facts::QuoteContext;
pub(crate) use plan::Plan;
pub use reads::{ContextInput, context_inputs};

use crate::bundle::Bundle;
use crate::problem::{Localized, Problem};
use crate::quote::QuoteRequest;
use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// A priced answer. Amounts are decimal strings at the currency's precision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub currency: &'static str,
    /// The requested lines in request order, then the lines rules added.
    pub lines: Vec<QuoteLine>,
    /// The sum of the lines' amounts.
    #[serde(with = "rust_decimal::serde::str")]
    pub subtotal: Decimal,
    /// Changes to the ticket total (negative for discounts), in the order they applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// `subtotal` plus the adjustments, never below zero.
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Every rule considered, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteLine {
    /// The catalog item (or, for a fee with no item, the id of the rule that charged it).
    pub item: String,
    pub name: Localized,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    /// Price × quantity before any rule.
    #[serde(with = "rust_decimal::serde::str")]
    pub list_amount: Decimal,
    /// After every rule.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// The rule that added this line (fees, extra lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
}

/// A change to the ticket total made by a `ticket` group's rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    pub group: Arc<str>,
    pub rule: Arc<str>,
    pub name: Localized,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// One rule considered on one line (or on the ticket).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    pub group: Arc<str>,
    pub rule: Arc<str>,
    /// The index of the line in `lines`; absent for a `ticket` group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub outcome: Outcome,
    pub why: Why,
    #[serde(
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub before: Option<Decimal>,
    #[serde(
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub after: Option<Decimal>,
    /// The arithmetic of the effect, as a formula.
    #[serde(
        rename = "formula",
        serialize_with = "formula",
        skip_serializing_if = "Option::is_none"
    )]
    pub calc: Option<Calc>,
}

impl TraceStep {
    fn new(
        group: &plan::GroupPlan,
        rule: &plan::RulePlan,
        line: Option<usize>,
        outcome: Outcome,
        why: Why,
    ) -> Self {
        Self {
            group: Arc::clone(&group.id),
            rule: Arc::clone(&rule.id),
            line,
            outcome,
            why,
            before: None,
            after: None,
            calc: None,
        }
    }
}

/// What became of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It matched and changed the amount.
    Applied,
    /// Its window, target or condition did not hold.
    NotMatched,
    /// It matched, but another rule was better for the customer.
    NotChosen,
    /// Not considered: disabled, or an earlier rule matched in a `first_match` group.
    Skipped,
}

/// Why a rule had its outcome; serialized as a stable `code` and a bilingual `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Matched,
    Disabled,
    OutsideWindow {
        from: Option<Arc<str>>,
        until: Option<Arc<str>>,
        now: Arc<str>,
    },
    NotTargeted,
    ConditionFalse,
    /// `first_match`: this rule matched first.
    EarlierMatch(Arc<str>),
    /// `best_for_customer`: this rule gave the lower amount.
    NotBest(Arc<str>),
}

impl Why {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Matched => "matched",
            Self::Disabled => "disabled",
            Self::OutsideWindow { .. } => "outside_window",
            Self::NotTargeted => "not_targeted",
            Self::ConditionFalse => "condition_false",
            Self::EarlierMatch(_) => "earlier_match",
            Self::NotBest(_) => "not_best",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            Self::Matched => Localized::new("条件满足", "its conditions hold"),
            Self::Disabled => Localized::new("规则已停用", "the rule is disabled"),
            Self::OutsideWindow { from, until, now } => {
                let from = from.as_deref().unwrap_or("—");
                let until = until.as_deref().unwrap_or("—");
                Localized::new(
                    format!("报价时间 {now} 不在有效期 [{from}, {until}) 内"),
                    format!("the quote's instant {now} is outside the window [{from}, {until})"),
                )
            }
            Self::NotTargeted => Localized::new(
                "此行不在规则的适用范围内",
                "this line is not among the rule's targets",
            ),
            Self::ConditionFalse => Localized::new("条件不满足", "its condition is false"),
            Self::EarlierMatch(rule) => Localized::new(
                format!("本组只取第一条匹配的规则，已应用「{rule}」"),
                format!("the group applies its first match only, which was `{rule}`"),
            ),
            Self::NotBest(rule) => Localized::new(
                format!("本组取对客户最优的规则，「{rule}」的结果更低"),
                format!("the group applies the best for the customer, which was `{rule}`"),
            ),
        }
    }
}

impl Serialize for Why {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Why", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.message())?;
        s.end()
    }
}

/// The arithmetic of an effect, kept as numbers and written out only when serialized.
#[derive(Debug, Clone, PartialEq)]
pub enum Calc {
    PercentOff {
        amount: Decimal,
        percent: Decimal,
    },
    Markup {
        amount: Decimal,
        percent: Decimal,
    },
    AmountOff {
        amount: Decimal,
        off: Decimal,
    },
    SetPrice {
        price: Decimal,
        quantity: Decimal,
    },
    Floor {
        amount: Decimal,
        floor: Decimal,
    },
    Cap {
        amount: Decimal,
        cap: Decimal,
    },
    CostTimes {
        cost: Decimal,
        coefficient: Decimal,
        quantity: Decimal,
    },
    /// A tier table over a quantity (`raw` before its transform).
    Tiered {
        raw: Decimal,
        breakdown: Box<tiers::ChargeBreakdown>,
    },
    AddLine {
        price: Decimal,
        quantity: Decimal,
    },
    /// The rule's own step rounding after its effect (抹零).
    Rounded {
        inner: Box<Calc>,
        step: crate::format::pricing::StepRounding,
        result: Decimal,
    },
}

/// A result for a formula: exact, without trailing zeros.
fn show(value: Option<Decimal>) -> String {
    value.map_or_else(|| "…".to_owned(), |v| v.normalize().to_string())
}

/// `amount` × (100 ± `percent`) / 100.
fn percent_of(amount: Decimal, percent: Decimal, up: bool) -> Option<Decimal> {
    let hundred = Decimal::ONE_HUNDRED;
    let factor = if up {
        hundred.checked_add(percent)?
    } else {
        hundred.checked_sub(percent)?
    };
    amount.checked_mul(factor)?.checked_div(hundred)
}

impl Calc {
    /// The exact result of the arithmetic (before the group rounds it); `None` on overflow.
    pub fn result(&self) -> Option<Decimal> {
        match self {
            Self::PercentOff { amount, percent } => percent_of(*amount, *percent, false),
            Self::Markup { amount, percent } => percent_of(*amount, *percent, true),
            Self::AmountOff { amount, off } => amount.checked_sub(*off),
            Self::SetPrice { price, quantity } | Self::AddLine { price, quantity } => {
                price.checked_mul(*quantity)
            }
            Self::Floor { amount, floor } => Some((*amount).max(*floor)),
            Self::Cap { amount, cap } => Some((*amount).min(*cap)),
            Self::CostTimes {
                cost,
                coefficient,
                quantity,
            } => cost.checked_mul(*coefficient)?.checked_mul(*quantity),
            Self::Tiered { breakdown, .. } => Some(breakdown.amount),
            Self::Rounded { result, .. } => Some(*result),
        }
    }

    /// The effect's arithmetic as people write it, e.g. `120.00 × (1 − 20%) = 96`.
    pub fn formula(&self) -> String {
        let result = show(self.result());
        match self {
            Self::PercentOff { amount, percent } => {
                format!("{amount} × (1 − {percent}%) = {result}")
            }
            Self::Markup { amount, percent } => format!("{amount} × (1 + {percent}%) = {result}"),
            Self::AmountOff { amount, off } => format!("{amount} − {off} = {result}"),
            Self::SetPrice { price, quantity } | Self::AddLine { price, quantity } => {
                format!("{price} × {quantity} = {result}")
            }
            Self::Floor { amount, floor } => format!("max({amount}, {floor}) = {result}"),
            Self::Cap { amount, cap } => format!("min({amount}, {cap}) = {result}"),
            Self::CostTimes {
                cost,
                coefficient,
                quantity,
            } => format!("{cost} × {coefficient} × {quantity} = {result}"),
            Self::Tiered { raw, breakdown } => {
                let formula = tiers::formula(breakdown);
                if *raw == breakdown.quantity {
                    formula
                } else {
                    format!("{raw} → {}; {formula}", breakdown.quantity)
                }
            }
            Self::Rounded {
                inner,
                step,
                result,
            } => {
                use crate::format::pricing::RoundDirection;
                let direction = match step.round {
                    RoundDirection::Up => "up",
                    RoundDirection::Down => "down",
                    RoundDirection::Nearest => "nearest",
                };
                format!(
                    "{}; round {direction} to a multiple of {} = {result}",
                    inner.formula(),
                    step.step.0
                )
            }
        }
    }
}

fn formula<S: Serializer>(calc: &Option<Calc>, serializer: S) -> Result<S::Ok, S::Error> {
    match calc {
        Some(calc) => serializer.serialize_str(&calc.formula()),
        None => serializer.serialize_none(),
    }
}

/// Prices a request: catalog lines, then the bundle's pricing rules, with a trace.
pub fn quote(bundle: &Bundle, request: &QuoteRequest) -> Result<Quote, Vec<Problem>> {
    engine::run(bundle, bundle.pricing_plan(), request)
}
