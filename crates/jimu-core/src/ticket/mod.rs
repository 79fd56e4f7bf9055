//! The flow engine: tickets moving through a flow's nodes, dispatch, SLA clocks, escalation,
//! notification intents and side-effect events — with no clock of its own.
//!
//! A [`Ticket`] is state plus an append-only log. [`Engine::apply`] takes one [`Command`] at an
//! instant the host passes in; before the command it fires everything that fell due up to that
//! instant (warnings, breaches, escalations, delayed events, deferred messages), then applies
//! the command or refuses it with a reason, leaving the ticket as it was. [`simulate`] runs a
//! scripted ticket and returns its timeline.
//!
//! Current scope: every node kind, guards, dispatch (region, skill, least loaded, round robin,
//! team and role queues, VIP queue jump, keyword triage), disabled nodes (skip or hold), SLA
//! policies with first-response / next-update / resolution clocks in business or calendar
//! time, pausing, warnings, breaches and escalations, notification intents (channels by
//! priority, quiet hours, acknowledgement fallback, arrival lead time) and side-effect events.

mod engine;
mod script;

pub use engine::{Engine, simulate};
pub use script::Script;

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A name in a ticket's state and log (a node, an agent, an event): shared, so that logging
/// it copies no text.
pub type Name = std::sync::Arc<str>;

/// What the host tells the engine about a new ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketInput {
    pub id: String,
    pub title: String,
    pub text: String,
    /// `urgent`, `high`, `normal` (default) or `low`.
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub region: Option<String>,
    pub tags: Vec<String>,
    pub amount: Option<rust_decimal::Decimal>,
    /// `id`, `name`, `tier`, `region`, `phone`.
    pub customer: Map<String, Value>,
    /// The form's values.
    pub fields: Map<String, Value>,
    /// Open tickets per agent, for least-loaded dispatch at creation (as `Loads` later).
    pub loads: BTreeMap<String, u32>,
    /// Round-robin rotations as the host keeps them, for dispatch at creation (as `Rotation`
    /// later): the rotation's name (`role:cs`, `team:installers`, an agent id, `*` for every
    /// agent) → the agent the previous ticket in it went to.
    pub rotation: BTreeMap<String, String>,
}

/// One thing the host asks of a ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandKind {
    /// Opens a ticket in `flow`.
    Create {
        flow: String,
        ticket: std::sync::Arc<TicketInput>,
    },
    /// The owner presses an action (a task's button, or `approve` / `reject`).
    Act {
        action: String,
        by: Option<String>,
        data: Map<String, Value>,
    },
    /// Gives the ticket (its current task) to an agent.
    Assign {
        to: String,
    },
    /// A reply: by an agent (`customer: false`) or by the customer.
    Comment {
        by: Option<String>,
        customer: bool,
    },
    /// Stops the SLA clocks until `Resume`.
    Pause,
    Resume,
    /// Only fires what fell due.
    Tick,
    /// A notification was acknowledged: no fallback is sent.
    Acknowledge {
        notification: String,
    },
    /// The technician's arrival time, for the customer's heads-up.
    ScheduleArrival {
        at: DateTime<Utc>,
    },
    /// Open tickets per agent, for least-loaded dispatch (deterministic given these inputs).
    Loads {
        loads: BTreeMap<String, u32>,
    },
    /// Round-robin rotations (rotation → the agent the previous ticket went to), for round-robin
    /// dispatch: the next ticket goes to the next candidate after that agent, by agent id. The
    /// engine keeps no rotation of its own; each round-robin assignment names its rotation
    /// (`Assigned::rotation`) so the host can record who was given it.
    Rotation {
        rotation: BTreeMap<String, String>,
    },
}

/// A command at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub at: DateTime<FixedOffset>,
    pub kind: CommandKind,
}

/// A ticket: its state and its log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ticket {
    pub id: String,
    pub flow: String,
    pub closed: bool,
    /// The nodes the ticket is at (several inside a parallel split).
    pub at: Vec<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Name>,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_policy: Option<String>,
    pub clocks: Vec<Clock>,
    pub paused: bool,
    /// The price of the ticket: the quote, with its trace, of the last `price` step it went
    /// through (absent before one, or when that step could not price it). Shared, so copying
    /// a ticket does not copy its trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<std::sync::Arc<crate::price::Quote>>,
    /// What the host told about the ticket; shared with the command that created it.
    #[serde(skip)]
    pub(crate) input: std::sync::Arc<TicketInput>,
    /// The form's values: the input's, as automatic steps changed them.
    #[serde(skip)]
    pub(crate) fields: Map<String, Value>,
    #[serde(skip)]
    pub(crate) region_path: Vec<String>,
    #[serde(skip)]
    pub(crate) created: DateTime<Utc>,
    #[serde(skip)]
    pub(crate) last: DateTime<Utc>,
    #[serde(skip)]
    pub(crate) pause_started: Option<DateTime<Utc>>,
    /// Parallel joins: branches arrived so far.
    #[serde(skip)]
    pub(crate) joins: BTreeMap<String, usize>,
    /// Sub-flows entered: (sub-flow id, node to continue at in the parent).
    #[serde(skip)]
    pub(crate) returns: Vec<(String, String)>,
    /// Things due later: (when, what).
    #[serde(skip)]
    pub(crate) pending: Vec<(DateTime<Utc>, Pending)>,
    #[serde(skip)]
    pub(crate) loads: BTreeMap<String, u32>,
    #[serde(skip)]
    pub(crate) rotation: BTreeMap<String, String>,
    #[serde(skip)]
    pub(crate) fired: Vec<engine::Due>,
    #[serde(skip)]
    pub(crate) sequence: u64,
    /// The append-only log.
    pub log: Vec<Happening>,
}

/// An instant of a ticket's life: UTC, written as RFC 3339 to the second
/// (`2026-11-16T01:00:00Z`) when serialized or displayed. Kept as a time, not as text, so the
/// engine formats only what a host reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(pub DateTime<Utc>);

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use chrono::{Datelike, Timelike};
        let t = self.0;
        // Years outside 0..=9999 do not occur: bundles and commands are checked on the way in.
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl From<DateTime<Utc>> for Stamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

/// An SLA clock of the ticket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clock {
    /// `first_response`, `next_update` or `resolution`.
    pub target: &'static str,
    pub started: Stamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Stamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stamp>,
    pub breached: bool,
    #[serde(skip)]
    pub(crate) minutes: i64,
    #[serde(skip)]
    pub(crate) business: bool,
}

/// Something scheduled for later.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pending {
    Event {
        name: Name,
        payload: Map<String, Value>,
    },
    /// A node's deadline warning or breach, while the ticket is still at the node.
    Deadline {
        node: Name,
        due: DateTime<Utc>,
        breach: bool,
    },
    /// A periodic reminder to the owner of a node, every `every` minutes while it waits.
    Reminder {
        node: Name,
        every: i64,
    },
    Message(Box<Notification>),
    Fallback {
        notification: String,
        intent: Box<Notification>,
    },
}

/// A message the host should send (the engine decides; the host delivers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    /// Stable within the ticket: acknowledge it by this id.
    pub id: String,
    pub rule: String,
    pub event: String,
    pub to: Vec<String>,
    pub channel: String,
    pub template: String,
    /// When to send it (quiet hours defer it).
    pub send_at: Stamp,
    pub values: Map<String, Value>,
}

/// One entry of a ticket's log and of a simulation's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Happening {
    pub at: Stamp,
    #[serde(flatten)]
    pub what: What,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    Created {
        flow: String,
        priority: &'static str,
    },
    Entered {
        node: Name,
    },
    Assigned {
        node: Name,
        to: Name,
        reason: Name,
        /// For round robin: the rotation the ticket was dispatched in (`role:cs`), so the host
        /// records `to` as its last agent and passes it with the next ticket.
        #[serde(skip_serializing_if = "Option::is_none")]
        rotation: Option<String>,
    },
    Queued {
        node: Name,
        queue: String,
    },
    Acted {
        node: Name,
        action: Name,
        by: Option<Name>,
    },
    Commented {
        by: Option<String>,
        customer: bool,
    },
    Paused,
    Resumed,
    Held {
        node: Name,
    },
    Skipped {
        node: Name,
        to: Name,
    },
    Priority {
        priority: &'static str,
        reason: Name,
    },
    SlaStarted {
        target: &'static str,
        due: Stamp,
    },
    SlaWarning {
        target: &'static str,
        due: Stamp,
    },
    SlaBreach {
        target: &'static str,
        due: Stamp,
    },
    SlaStopped {
        target: &'static str,
    },
    Escalated {
        target: &'static str,
        action: String,
        detail: String,
    },
    DeadlineWarning {
        node: Name,
        due: Stamp,
    },
    DeadlineBreach {
        node: Name,
        due: Stamp,
    },
    Notify(Box<Notification>),
    Event {
        name: Name,
        payload: Map<String, Value>,
    },
    Closed {
        node: Name,
    },
    /// A `price` step priced the ticket: the total of the quote now on it.
    Priced {
        node: Name,
        #[serde(with = "rust_decimal::serde::str")]
        total: rust_decimal::Decimal,
    },
    /// A `price` step could not price the ticket (a context value missing, a quantity that is
    /// not a number): why, each problem pointing into the step in the bundle.
    PriceFailed {
        node: Name,
        problems: Vec<crate::Problem>,
    },
}

/// Why a command was refused; the ticket is unchanged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    pub code: &'static str,
    pub message: crate::Localized,
}

/// The result of a simulation: every happening in order, and where it was refused, if it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub ticket: Option<Ticket>,
    pub timeline: Vec<Happening>,
    pub refusals: Vec<(usize, Refusal)>,
    /// The next moment something falls due; `null` when nothing will (always written, so a
    /// reader never has to tell "absent" from "nothing due").
    pub next_due: Option<Stamp>,
}
