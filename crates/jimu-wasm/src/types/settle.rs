//! Settlement at the boundary: orders in, splits, statements and batch reports out.

use super::common::{Problem, problems};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

/// One party's share of one order (or of its refund).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Share {
    /// The plan's party (a position such as `store`).
    pub party: String,
    /// Who is paid: the party itself, or the order's payee for a `from_order` party.
    pub payee: String,
    /// The component that produced it.
    pub component: String,
    pub amount: String,
}

/// How one order was split.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct OrderSplit {
    pub order: String,
    /// The refund's id when this settles a refund (amounts are negative).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub refund: Option<String>,
    pub plan: String,
    /// The statement period it counts in (`2026-11`).
    pub period: String,
    /// The amount split: the plan's base, negative for a refund.
    pub amount: String,
    pub shares: Vec<Share>,
    /// What no component took; shares + this = amount.
    pub unallocated: String,
}

/// A line of a statement: one order's share, or a period rule's payment.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct StatementLine {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub refund: Option<String>,
    /// The plan, for order lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub plan: Option<String>,
    /// The component or period rule that produced the line.
    pub rule: String,
    /// For a period payment (and its counter-line): the paid party's own orders counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub orders: Option<u64>,
    /// For a counter-line: the payee the funding party paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub paid_to: Option<String>,
    pub amount: String,
}

/// A recoverable draw's balance on a statement.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct DrawBalance {
    /// The period rule with the draw.
    pub rule: String,
    /// Owed back before this period.
    pub outstanding_before: String,
    /// Advanced this period.
    pub advanced: String,
    /// Recovered this period.
    pub recovered: String,
    /// Owed back after this period.
    pub carried_forward: String,
}

/// What one payee earned in one period (结算单), settled `settles_on` (T+n).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Statement {
    pub payee: String,
    pub party: String,
    pub period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub settles_on: Option<String>,
    /// Orders (and refunds) with a line here.
    pub orders: u64,
    pub total: String,
    /// Empty when the batch ran with `keepLines: false`.
    pub lines: Vec<StatementLine>,
    /// Recoverable draws: owed, advanced, recovered, carried forward.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub draws: Vec<DrawBalance>,
}

impl From<&jimu_core::settle::OrderSplit> for OrderSplit {
    fn from(s: &jimu_core::settle::OrderSplit) -> Self {
        Self {
            order: s.order.clone(),
            refund: s.refund.clone(),
            plan: s.plan.to_string(),
            period: s.period.to_string(),
            amount: s.amount.to_string(),
            shares: s
                .shares
                .iter()
                .map(|share| Share {
                    party: share.party.to_string(),
                    payee: share.payee.to_string(),
                    component: share.component.to_string(),
                    amount: share.amount.to_string(),
                })
                .collect(),
            unallocated: s.unallocated.to_string(),
        }
    }
}

impl From<jimu_core::settle::Statement> for Statement {
    fn from(s: jimu_core::settle::Statement) -> Self {
        Self {
            payee: s.payee,
            party: s.party.to_string(),
            period: s.period,
            settles_on: s.settles_on,
            orders: s.orders,
            total: s.total.to_string(),
            lines: s
                .lines
                .into_iter()
                .map(|l| StatementLine {
                    order: l.order,
                    refund: l.refund,
                    plan: l.plan.map(|p| p.to_string()),
                    rule: l.rule.to_string(),
                    orders: l.orders,
                    paid_to: l.paid_to,
                    amount: l.amount.to_string(),
                })
                .collect(),
            draws: s
                .draws
                .into_iter()
                .map(|d| DrawBalance {
                    rule: d.rule.to_string(),
                    outstanding_before: d.outstanding_before.to_string(),
                    advanced: d.advanced.to_string(),
                    recovered: d.recovered.to_string(),
                    carried_forward: d.carried_forward.to_string(),
                })
                .collect(),
        }
    }
}

/// One order's answer: its split, or every problem with it (the others still settle).
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SettleOutcome {
    Settled { split: OrderSplit },
    Invalid { problems: Vec<Problem> },
}

impl From<Result<&jimu_core::settle::OrderSplit, &[jimu_core::Problem]>> for SettleOutcome {
    fn from(result: Result<&jimu_core::settle::OrderSplit, &[jimu_core::Problem]>) -> Self {
        match result {
            Ok(split) => Self::Settled {
                split: split.into(),
            },
            Err(list) => Self::Invalid {
                problems: problems(list.to_vec()),
            },
        }
    }
}

/// Counts of a batch.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct SettleSummary {
    pub orders: u64,
    pub settled: u64,
    pub invalid: u64,
    /// ISO 4217 code of every amount.
    pub currency: String,
}

/// `Engine.settleBatch`'s answer: one outcome per order, in order, and the statements with the
/// period rules closed, sorted by payee and period.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct SettleReport {
    pub results: Vec<SettleOutcome>,
    pub statements: Vec<Statement>,
    pub summary: SettleSummary,
}

/// An order to settle (one JSON Lines record). Amounts may be decimal strings (exact) or
/// JavaScript numbers; `payees.<party>` keys name payees too.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct OrderInput {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | number")]
    pub amount: Option<Value>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub placed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub store: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub region: Option<String>,
    /// The actual payee of each `from_order` party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, string>")]
    pub payees: Option<std::collections::BTreeMap<String, String>>,
    /// For a refund: the id of the order it refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub refund_of: Option<String>,
    /// Every other order field (`store_type`, `list_amount`, `margin`, `quantity`, `categories`,
    /// `new_customer`, `refund_id`, `refunded_at`, …; see the settlement docs).
    #[serde(flatten)]
    #[tsify(type = "{ [field: string]: JsonValue }")]
    pub fields: Map<String, Value>,
}

/// `Engine.settleBatch`'s options.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SettleOptions {
    /// Statements list every line (default `true`); `false` keeps totals only.
    #[serde(default)]
    #[tsify(optional)]
    pub keep_lines: Option<bool>,
    /// Call `onProgress` every this many orders (default 1000).
    #[serde(default)]
    #[tsify(optional)]
    pub every: Option<u32>,
    /// `(done, total)`: every `every` orders and once at the end.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(done: number, total: number) => void")]
    pub on_progress: wasm_bindgen::JsValue,
}
