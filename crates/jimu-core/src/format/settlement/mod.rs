//! Settlement: parties, plans and their components, periods, rounding and allocation.
//!
//! How an order is settled:
//! 1. A channel that names a `plan` settles its orders under that plan. Otherwise the plans are
//!    tried by `priority` (smaller first), then by position; the first whose `window` holds the
//!    order's time and whose `when` holds for the order settles it. A plan without `when` is the
//!    fallback.
//! 2. The plan's components each compute a share for one party from the plan's `base`
//!    (revenue, margin, labour or parts); `cap`/`floor` clamp a party's share; `remainder`
//!    receives what is left of the base. Shares are rounded to the currency's precision with
//!    the plan's `allocation`, so they always add up exactly, to the cent.
//! 3. `period_rules` run per party per period (month, quarter…) on the orders they count:
//!    volume rebates, milestones, minimum guarantees, caps and draws.
//! 4. `refunds` say how a refunded order is valued and how its commissions are reversed.
//!
//! Every share carries the plan and component (or period rule) that produced it.
//!
//! ```json
//! "settlement": {
//!   "parties": [{"id": "hq", "name": "总部", "kind": "hq"},
//!               {"id": "store", "name": "门店", "kind": "store", "from_order": true}],
//!   "tier_tables": [{"id": "chain", "tiers": [{"up_to": "100000", "rate": "0.05"}, {"up_to": null, "rate": "0.08"}]}],
//!   "plans": [{"id": "franchise", "name": "加盟店", "when": "order.store_type == 'franchise'",
//!              "components": [{"kind": "percentage", "party": "store", "rate": "0.7"},
//!                             {"kind": "remainder", "party": "hq"}]}]
//! }
//! ```
//!
//! The types are in `types.rs` (the section, parties, tier tables, plans and their
//! components, channels, statements), `period_rules.rs` and `refunds.rs`; what expressions
//! read in `scope.rs`; the semantic checks in `checks.rs`; the reader in `readers.rs`; the
//! checks' tests in `tests.rs`.

mod checks;
mod period_rules;
mod readers;
mod refunds;
mod scope;
mod types;

#[cfg(test)]
mod tests;

// Every item keeps its path: `format::settlement::Plan`, `format::settlement::order_scope`, ...
pub(crate) use checks::{check, collect_ids, period_rule_funder};
pub use period_rules::*;
pub(crate) use readers::read_settlement;
pub use refunds::*;
pub use scope::*;
pub use types::*;
