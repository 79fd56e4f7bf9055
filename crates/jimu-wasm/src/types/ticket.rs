//! Tickets at the boundary: commands and scripts in; state, log entries (happenings),
//! refusals and simulation timelines out. Instants are RFC 3339 strings in UTC.

use super::common::{Localized, Problem, problems};
use super::quote::Quote;
use jimu_core::ticket as core;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

/// A ticket's state, without its log (`Ticket.log()` gives that).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct TicketState {
    pub id: String,
    pub flow: String,
    pub closed: bool,
    /// The nodes the ticket is at (several inside a parallel split).
    pub at: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub assignee: Option<String>,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub sla_policy: Option<String>,
    pub clocks: Vec<Clock>,
    pub paused: bool,
    /// The quote, with its trace, of the last `price` step the ticket went through.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub quote: Option<Quote>,
}

/// A ticket with its log, as a simulation's timeline holds it.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct TicketRecord {
    #[serde(flatten)]
    pub state: TicketState,
    pub log: Vec<Happening>,
}

/// An SLA clock.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Clock {
    /// `first_response`, `next_update` or `resolution`.
    pub target: String,
    pub started: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub stopped: Option<String>,
    pub breached: bool,
}

/// A message the host should send (the engine decides; the host delivers).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Notification {
    /// Stable within the ticket: acknowledge it by this id.
    pub id: String,
    pub rule: String,
    pub event: String,
    pub to: Vec<String>,
    pub channel: String,
    pub template: String,
    /// When to send it (quiet hours defer it).
    pub send_at: String,
    #[tsify(type = "Record<string, JsonValue>")]
    pub values: Map<String, Value>,
}

/// One entry of a ticket's log and of a simulation's timeline: when, and what (`kind`).
#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(type = "{ at: string } & What")]
pub struct Happening {
    pub at: String,
    #[serde(flatten)]
    pub what: What,
}

/// What happened; `kind` tells which.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    Created {
        flow: String,
        priority: String,
    },
    Entered {
        node: String,
    },
    Assigned {
        node: String,
        to: String,
        reason: String,
        /// For round robin: the rotation dispatched in (`role:cs`); record `to` as its last
        /// agent and pass it with the next ticket.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[tsify(optional)]
        rotation: Option<String>,
    },
    Queued {
        node: String,
        queue: String,
    },
    Acted {
        node: String,
        action: String,
        #[tsify(type = "string | null")]
        by: Option<String>,
    },
    Commented {
        #[tsify(type = "string | null")]
        by: Option<String>,
        customer: bool,
    },
    Paused,
    Resumed,
    Held {
        node: String,
    },
    Skipped {
        node: String,
        to: String,
    },
    Priority {
        priority: String,
        reason: String,
    },
    SlaStarted {
        target: String,
        due: String,
    },
    SlaWarning {
        target: String,
        due: String,
    },
    SlaBreach {
        target: String,
        due: String,
    },
    SlaStopped {
        target: String,
    },
    Escalated {
        target: String,
        action: String,
        detail: String,
    },
    DeadlineWarning {
        node: String,
        due: String,
    },
    DeadlineBreach {
        node: String,
        due: String,
    },
    Notify(Box<Notification>),
    Event {
        name: String,
        #[tsify(type = "Record<string, JsonValue>")]
        payload: Map<String, Value>,
    },
    Closed {
        node: String,
    },
    /// A `price` step priced the ticket: the total of the quote now on it.
    Priced {
        node: String,
        total: String,
    },
    /// A `price` step could not price the ticket; each problem points into the step.
    PriceFailed {
        node: String,
        problems: Vec<Problem>,
    },
}

/// Why a command was refused; the ticket is unchanged.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Refusal {
    /// Stable, kebab-case: `no-such-action`, `closed`, `not-owner`, …
    pub code: String,
    pub message: Localized,
}

/// A simulation's result: every happening in order, the refused commands by index, and what
/// falls due next.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Timeline {
    /// `null` when no ticket was created.
    #[tsify(type = "TicketRecord | null")]
    pub ticket: Option<TicketRecord>,
    pub timeline: Vec<Happening>,
    /// `[index of the command in the script, why it was refused]`.
    pub refusals: Vec<(u32, Refusal)>,
    /// The next moment something falls due; `null` when nothing will.
    pub next_due: Option<String>,
}

fn text(name: &core::Name) -> String {
    name.to_string()
}

impl From<&core::Ticket> for TicketState {
    fn from(t: &core::Ticket) -> Self {
        Self {
            id: t.id.clone(),
            flow: t.flow.clone(),
            closed: t.closed,
            at: t.at.iter().map(text).collect(),
            assignee: t.assignee.as_ref().map(text),
            priority: t.priority.to_owned(),
            status: t.status.clone(),
            sla_policy: t.sla_policy.clone(),
            clocks: t
                .clocks
                .iter()
                .map(|c| Clock {
                    target: c.target.to_owned(),
                    started: c.started.to_string(),
                    due: c.due.map(|d| d.to_string()),
                    stopped: c.stopped.map(|d| d.to_string()),
                    breached: c.breached,
                })
                .collect(),
            paused: t.paused,
            quote: t.quote.as_deref().map(Into::into),
        }
    }
}

impl From<&core::Ticket> for TicketRecord {
    fn from(t: &core::Ticket) -> Self {
        Self {
            state: t.into(),
            log: t.log.iter().map(Into::into).collect(),
        }
    }
}

impl From<&core::Notification> for Notification {
    fn from(n: &core::Notification) -> Self {
        Self {
            id: n.id.clone(),
            rule: n.rule.clone(),
            event: n.event.clone(),
            to: n.to.clone(),
            channel: n.channel.clone(),
            template: n.template.clone(),
            send_at: n.send_at.to_string(),
            values: n.values.clone(),
        }
    }
}

impl From<&core::Happening> for Happening {
    fn from(h: &core::Happening) -> Self {
        use core::What as W;
        let what = match &h.what {
            W::Created { flow, priority } => What::Created {
                flow: flow.clone(),
                priority: (*priority).to_owned(),
            },
            W::Entered { node } => What::Entered { node: text(node) },
            W::Assigned {
                node,
                to,
                reason,
                rotation,
            } => What::Assigned {
                node: text(node),
                to: text(to),
                reason: text(reason),
                rotation: rotation.clone(),
            },
            W::Queued { node, queue } => What::Queued {
                node: text(node),
                queue: queue.clone(),
            },
            W::Acted { node, action, by } => What::Acted {
                node: text(node),
                action: text(action),
                by: by.as_ref().map(text),
            },
            W::Commented { by, customer } => What::Commented {
                by: by.clone(),
                customer: *customer,
            },
            W::Paused => What::Paused,
            W::Resumed => What::Resumed,
            W::Held { node } => What::Held { node: text(node) },
            W::Skipped { node, to } => What::Skipped {
                node: text(node),
                to: text(to),
            },
            W::Priority { priority, reason } => What::Priority {
                priority: (*priority).to_owned(),
                reason: text(reason),
            },
            W::SlaStarted { target, due } => What::SlaStarted {
                target: (*target).to_owned(),
                due: due.to_string(),
            },
            W::SlaWarning { target, due } => What::SlaWarning {
                target: (*target).to_owned(),
                due: due.to_string(),
            },
            W::SlaBreach { target, due } => What::SlaBreach {
                target: (*target).to_owned(),
                due: due.to_string(),
            },
            W::SlaStopped { target } => What::SlaStopped {
                target: (*target).to_owned(),
            },
            W::Escalated {
                target,
                action,
                detail,
            } => What::Escalated {
                target: (*target).to_owned(),
                action: action.clone(),
                detail: detail.clone(),
            },
            W::DeadlineWarning { node, due } => What::DeadlineWarning {
                node: text(node),
                due: due.to_string(),
            },
            W::DeadlineBreach { node, due } => What::DeadlineBreach {
                node: text(node),
                due: due.to_string(),
            },
            W::Notify(n) => What::Notify(Box::new(n.as_ref().into())),
            W::Event { name, payload } => What::Event {
                name: text(name),
                payload: payload.clone(),
            },
            W::Closed { node } => What::Closed { node: text(node) },
            W::Priced { node, total } => What::Priced {
                node: text(node),
                total: total.to_string(),
            },
            W::PriceFailed {
                node,
                problems: list,
            } => What::PriceFailed {
                node: text(node),
                problems: problems(list.clone()),
            },
        };
        Self {
            at: h.at.to_string(),
            what,
        }
    }
}

impl From<core::Refusal> for Refusal {
    fn from(r: core::Refusal) -> Self {
        Self {
            code: r.code.to_owned(),
            message: r.message.into(),
        }
    }
}

impl From<core::Timeline> for Timeline {
    fn from(t: core::Timeline) -> Self {
        Self {
            ticket: t.ticket.as_ref().map(Into::into),
            timeline: t.timeline.iter().map(Into::into).collect(),
            refusals: t
                .refusals
                .into_iter()
                .map(|(i, r)| (u32::try_from(i).unwrap_or(u32::MAX), r.into()))
                .collect(),
            next_due: t.next_due.map(|d| d.to_string()),
        }
    }
}

/// One ticket command in the script format: `at` (RFC 3339) and exactly one of `create`, `act`,
/// `assign`, `comment`, `pause`, `resume`, `tick`, `acknowledge`, `arrival`, `loads` or
/// `rotation`.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct TicketCommand {
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub create: Option<TicketInput>,
    /// The action the owner presses (`accept`, `approve`, a task's button).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub act: Option<String>,
    /// Who acts (or comments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub by: Option<String>,
    /// The action's data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, JsonValue>")]
    pub data: Option<Map<String, Value>>,
    /// Gives the current task to an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub assign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub comment: Option<CommentInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "true")]
    pub pause: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "true")]
    pub resume: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "true")]
    pub tick: Option<bool>,
    /// A notification id: acknowledged, so no fallback is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub acknowledge: Option<String>,
    /// The technician's arrival time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub arrival: Option<String>,
    /// Open tickets per agent, for least-loaded dispatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, number>")]
    pub loads: Option<std::collections::BTreeMap<String, u32>>,
    /// Round-robin rotations: rotation (`role:cs`) → the agent the previous ticket went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, string>")]
    pub rotation: Option<std::collections::BTreeMap<String, String>>,
}

/// A reply: by an agent or by the customer.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct CommentInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub customer: Option<bool>,
}

/// What the host tells the engine about a new ticket.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct TicketInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub id: Option<String>,
    /// The flow, when the script's `flow` (or `createTicket`'s) is not the one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub flow: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub text: Option<String>,
    /// `urgent`, `high`, `normal` (default) or `low`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub priority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub tags: Option<Vec<String>>,
    /// A decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub amount: Option<String>,
    /// `id`, `name`, `tier`, `region`, `phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, JsonValue>")]
    pub customer: Option<Map<String, Value>>,
    /// The form's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, JsonValue>")]
    pub fields: Option<Map<String, Value>>,
    /// Open tickets per agent, for least-loaded dispatch at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, number>")]
    pub loads: Option<std::collections::BTreeMap<String, u32>>,
    /// Round-robin rotations, for dispatch at creation: rotation → the previous ticket's agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, string>")]
    pub rotation: Option<std::collections::BTreeMap<String, String>>,
}

/// A scripted ticket: `Engine.simulate`'s input.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct Script {
    /// The flow of the `create` command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub flow: Option<String>,
    pub commands: Vec<TicketCommand>,
    /// Run the clock on to here (RFC 3339) after the last command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub until: Option<String>,
}
