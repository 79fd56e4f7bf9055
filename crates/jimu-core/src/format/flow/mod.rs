//! Flows: nodes, transitions, guards, dispatch, SLA policies, escalation and notifications.
//!
//! A flow is a graph of nodes, as in BPMN. Each node says where a ticket goes next, in the
//! way that suits its kind, so a node reads as one piece on the canvas:
//!
//! - `start` → `next`; `parallel_join`, `automatic`, `sub_flow` → `next`;
//! - `task` → one of its `actions` (the buttons its owner presses: `{id, label, to, guard}`);
//! - `approval` → `approve.to` or `reject.to`;
//! - `exclusive` → the first of its `branches` whose `when` holds, else `default`;
//! - `parallel_split` → every node in `to` at once, meeting again at one `parallel_join`;
//! - `end` closes the ticket and may `emit` side-effect events.
//!
//! A node with `enabled: false` stays in the flow (seasonal steps) and is either skipped
//! (`when_disabled: {"skip_to": "node"}`) or holds tickets (`"hold"`) until it is enabled.
//! Expressions read `ticket` (and `action` in guards and action events, `event` in
//! notifications, `now` everywhere); `ticket.fields` are the values of the flow's `form`.
//!
//! The types are in `types.rs` (the flow and its nodes), `sla.rs` and `notify.rs`; the
//! semantic checks in `checks.rs`; the reader in `readers.rs`; the checks' tests in `tests.rs`.

mod checks;
mod notify;
mod readers;
mod sla;
mod types;

#[cfg(test)]
pub(crate) mod tests;

// Every item keeps its path: `format::flow::Flow`, `format::flow::SlaPolicy`, ...
pub(crate) use checks::{check, collect_ids};
pub use notify::*;
pub(crate) use readers::read_flow;
pub use sla::*;
pub use types::*;
