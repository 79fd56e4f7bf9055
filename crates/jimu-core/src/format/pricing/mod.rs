//! Pricing: rule groups with order and stacking policy, conditions, windows, effects, tiers.
//!
//! # Shape
//!
//! ```json
//! "pricing": {
//!   "tier_tables": [
//!     { "id": "call-out-km", "name": "上门费（按公里）", "unit": "km",
//!       "charge": { "model": "graduated", "tiers": [
//!         { "up_to": "3", "flat": "30" },
//!         { "up_to": null, "unit": "5" } ] } }
//!   ],
//!   "groups": [
//!     { "id": "region", "name": "区域价", "priority": 10, "stacking": "all_in_order",
//!       "applies_to": { "scope": "lines", "item_kinds": ["service"] },
//!       "rules": [
//!         { "id": "bj-ac-20", "name": "北京空调清洗 8 折",
//!           "when": "in_region('beijing')",
//!           "target": { "items": ["ac-clean"] },
//!           "effect": { "kind": "percent_off", "percent": "20" } } ] }
//!   ]
//! }
//! ```
//!
//! # Order and stacking
//!
//! Groups run one after the other by `priority` (lower first; equal priorities keep their
//! position in the list), each starting from the amounts the previous group left. Inside a
//! group, rules are considered in the same order, and the group's `stacking` policy says how
//! matching rules combine — it is required, never guessed:
//!
//! - `all_in_order`: every matching rule applies, each to the result of the one before
//!   (compounding: 20% off then 10% off is 28% off, not 30%).
//! - `first_match`: only the first matching rule applies.
//! - `best_for_customer`: every matching rule is tried alone on the same starting amount and
//!   the one giving the lowest amount applies (ties: the earlier rule).
//!
//! A group prices either the ticket total (`"applies_to": {"scope": "ticket"}`) or each line
//! that passes its filter (`{"scope": "lines", ...}`); stacking runs per line in the latter.
//! A rule's optional `target` narrows the lines of its group further.
//!
//! # Expressions
//!
//! `when` conditions and the quantities of `tiered_fee` / `add_line` are zen-expressions
//! over the pricing context ([`ticket_scope`]; line groups add `item`, see [`line_scope`]):
//!
//! | variable | type | meaning |
//! |---|---|---|
//! | `region` | string | the id of the region the job is in (the most specific one) |
//! | `region_path` | list of strings | the job's region and every region containing it; `in_region('beijing')` tests it |
//! | `tier` | string | customer tier: `normal`, `vip`, `svip` |
//! | `channel` | string | sales channel the order came through |
//! | `now` | string | the quote's instant, RFC 3339 |
//! | `ticket_type` | string | the ticket's type, e.g. `equipment_maintenance` |
//! | `distance_km` | number | distance to the customer |
//! | `duration_h` | number | service duration in hours |
//! | `weight_kg` | number | weight carried (porterage) |
//! | `count` | number | number of pieces carried or installed |
//! | `subtotal` | number | the amount before this group (ticket total, or the line amount) |
//! | `form` | any | the ticket's form values by field id |
//! | `item` | object | line groups only: `id`, `category`, `kind`, `price`, `cost`, `quantity` |
//!
//! Besides zen's own functions, expressions may call the domain functions `ceil_to(x, step)`,
//! `floor_to(x, step)`, `in_region(id)` and `business_days_between(a, b[, calendar])`
//! (see `expr::domain`).
//!
//! # Rounding
//!
//! Amounts are rounded to the currency's precision with the bundle's `rounding` after each
//! rule when the group's `round_each_step` is true (the default), or once at the end of the
//! group when false. A rule may also round its own result to a coarser step (`round_to`,
//! e.g. `{"round": "down", "step": "1"}` drops the fen and jiao: 抹零).
//!
//! # Where
//!
//! The types are in `types.rs`, what expressions read in `scope.rs`, the semantic checks in
//! `checks.rs`, the reader in `readers.rs`, the checks' tests in `tests.rs`.

mod checks;
mod readers;
mod scope;
mod types;

#[cfg(test)]
mod tests;

// Every item keeps its path: `format::pricing::Effect`, `format::pricing::line_scope`, ...
pub(crate) use checks::{check, collect_ids};
pub(crate) use readers::read_pricing;
pub use scope::*;
pub use types::*;
