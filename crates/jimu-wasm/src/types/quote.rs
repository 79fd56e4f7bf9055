//! Pricing at the boundary: quote requests, quotes, their trace and outcomes.

use super::common::{Localized, Problem, problems};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// A priced line. Amounts and quantities are decimal strings.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct QuoteLine {
    /// The catalog item (or, for a fee with no item, the id of the rule that charged it).
    pub item: String,
    pub name: Localized,
    pub quantity: String,
    pub unit_price: String,
    /// Price × quantity before any rule.
    pub list_amount: String,
    /// After every rule.
    pub amount: String,
    /// The rule that added this line (fees, extra lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub added_by: Option<String>,
}

/// A change to the ticket total (negative for a discount).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Adjustment {
    pub group: String,
    pub rule: String,
    pub name: Localized,
    pub amount: String,
}

/// What became of a rule.
#[derive(Debug, Clone, Copy, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    NotMatched,
    NotChosen,
    Skipped,
}

/// Why: a stable code (`matched`, `condition_false`, `outside_window`, `not_targeted`,
/// `earlier_match`, `not_best`, `disabled`) and the message.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Why {
    pub code: String,
    pub message: Localized,
}

/// One rule considered on one line (`line` absent: on the ticket total).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct TraceStep {
    pub group: String,
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub line: Option<u32>,
    pub outcome: Outcome,
    pub why: Why,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub after: Option<String>,
    /// The effect's arithmetic, e.g. `240.00 × (1 − 20%) = 192`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub formula: Option<String>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Quote {
    /// ISO 4217 code, e.g. `CNY`.
    pub currency: String,
    pub lines: Vec<QuoteLine>,
    pub subtotal: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub adjustments: Vec<Adjustment>,
    pub total: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub trace: Vec<TraceStep>,
}

impl From<jimu_core::Quote> for Quote {
    fn from(q: jimu_core::Quote) -> Self {
        (&q).into()
    }
}

/// By reference, so a quote kept on a ticket crosses without being copied first.
impl From<&jimu_core::Quote> for Quote {
    fn from(q: &jimu_core::Quote) -> Self {
        Self {
            currency: q.currency.to_owned(),
            lines: q
                .lines
                .iter()
                .map(|l| QuoteLine {
                    item: l.item.clone(),
                    name: l.name.clone().into(),
                    quantity: l.quantity.to_string(),
                    unit_price: l.unit_price.to_string(),
                    list_amount: l.list_amount.to_string(),
                    amount: l.amount.to_string(),
                    added_by: l.added_by.clone(),
                })
                .collect(),
            subtotal: q.subtotal.to_string(),
            adjustments: q
                .adjustments
                .iter()
                .map(|a| Adjustment {
                    group: a.group.to_string(),
                    rule: a.rule.to_string(),
                    name: a.name.clone().into(),
                    amount: a.amount.to_string(),
                })
                .collect(),
            total: q.total.to_string(),
            trace: q.trace.iter().map(Into::into).collect(),
        }
    }
}

impl From<&jimu_core::TraceStep> for TraceStep {
    fn from(step: &jimu_core::TraceStep) -> Self {
        Self {
            group: step.group.to_string(),
            rule: step.rule.to_string(),
            line: step.line.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
            outcome: match step.outcome {
                jimu_core::Outcome::Applied => Outcome::Applied,
                jimu_core::Outcome::NotMatched => Outcome::NotMatched,
                jimu_core::Outcome::NotChosen => Outcome::NotChosen,
                jimu_core::Outcome::Skipped => Outcome::Skipped,
            },
            why: Why {
                code: step.why.code().to_owned(),
                message: step.why.message().into(),
            },
            before: step.before.map(|d| d.to_string()),
            after: step.after.map(|d| d.to_string()),
            formula: step.calc.as_ref().map(|c| c.formula()),
        }
    }
}

/// Which input the problems are about.
#[derive(Debug, Clone, Copy, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Bundle,
    Request,
    Quote,
}

/// `quote`'s answer: `status` tells which shape it is.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum QuoteOutcome {
    Quoted {
        quote: Quote,
    },
    Invalid {
        stage: Stage,
        problems: Vec<Problem>,
    },
}

impl From<jimu_core::QuoteOutcome> for QuoteOutcome {
    fn from(outcome: jimu_core::QuoteOutcome) -> Self {
        match outcome {
            jimu_core::QuoteOutcome::Quoted { quote } => Self::Quoted {
                quote: quote.into(),
            },
            jimu_core::QuoteOutcome::Invalid {
                stage,
                problems: list,
            } => Self::Invalid {
                stage: match stage {
                    jimu_core::Stage::Bundle => Stage::Bundle,
                    jimu_core::Stage::Request => Stage::Request,
                    jimu_core::Stage::Quote => Stage::Quote,
                },
                problems: problems(list),
            },
        }
    }
}

/// A quote request, as `Engine.quote` takes it. Quantities and context numbers may be decimal
/// strings (exact) or JavaScript numbers; the engine reads it with every problem located.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct QuoteRequest {
    pub lines: Vec<QuoteLineRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub context: Option<QuoteContext>,
    /// Usage before this request in the period, by the id of a `tiered_fee` rule or of a tier
    /// table: those rules charge their quantity on top of it (a running total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, string | number>")]
    pub usage: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One requested line: a catalog item and how many.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct QuoteLineRequest {
    pub item: String,
    #[tsify(type = "string | number")]
    pub quantity: serde_json::Value,
}

/// What pricing rules may read about the job; every value optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct QuoteContext {
    /// The most specific region id (a district); its parents are looked up in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub region_path: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub ticket_type: Option<String>,
    /// The quote's instant, RFC 3339 (`2026-11-11T10:00:00+08:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub now: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | number")]
    pub distance_km: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | number")]
    pub duration_h: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | number")]
    pub weight_kg: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | number")]
    pub count: Option<serde_json::Value>,
    /// The ticket's form values by field id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, JsonValue>")]
    pub form: Option<serde_json::Map<String, serde_json::Value>>,
}
