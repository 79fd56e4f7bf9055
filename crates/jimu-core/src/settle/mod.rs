//! The settlement engine: per-order splits among parties, period rules, refunds and statements.

pub mod allocate;
mod engine;
pub mod order;
pub(crate) mod plan;
mod rows;

pub use engine::{
    DrawBalance, OrderSplit, Settler, Share, Statement, StatementLine, period_key, settle_stream,
};
pub use order::Order;
pub use rows::{CsvHeader, CsvRow};
