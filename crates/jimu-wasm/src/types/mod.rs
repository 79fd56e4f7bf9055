//! Boundary types: the shapes JavaScript sees, with generated TypeScript declarations.
//!
//! Each output type converts `From` its core type and keeps the core's field order, so
//! `JSON.stringify` of a value here is byte-for-byte the JSON the native hosts print (the tests
//! below hold every one of them to that). Amounts and quantities are decimal strings; instants
//! are RFC 3339 strings. Input types (`QuoteRequest`, `OrderInput`, `TicketCommand`, `Script`,
//! the options) declare what the methods take; the engine reads inputs through the core's own
//! readers, so every problem is located by JSON pointer.

mod common;
mod forms;
mod quote;
mod settle;
mod ticket;

pub use common::*;
pub use forms::*;
pub use quote::*;
pub use settle::*;
pub use ticket::*;

#[cfg(test)]
mod tests;
