//! SLA policies: their clocks (targets), and the escalations hanging off warnings and breaches.

use crate::format::{DurationSpec, ExprSource, Id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::notify::Channel;
use super::types::{Pool, Priority, Recipient, is_false};

/// An SLA policy (as in Zendesk / Zammad): targets, pausing, warnings and escalations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    /// The policy's id, unique in the flow.
    pub id: Id,
    /// Tickets this policy applies to (reads `ticket`, `now`); leave out for the fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// The calendar business time counts in (default: the flow's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Id>,
    /// The clocks: first response, next update, resolution.
    pub targets: SlaTargets,
    /// Node ids or status ids during which the clocks stop (e.g. waiting for the customer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pause_states: Vec<Id>,
    /// Fire `sla_warning` this long before a target is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_before: Option<DurationSpec>,
    /// What happens at warnings and breaches, e.g. 24 h → regional manager, 48 h → supervisor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<Escalation>,
}

/// The SLA clocks of a policy; give at least one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTargets {
    /// From creation to the first reply by an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response: Option<SlaTarget>,
    /// From a customer's message to the next agent update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update: Option<SlaTarget>,
    /// From creation to closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<SlaTarget>,
}

/// One SLA clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// How long, e.g. `24h`.
    pub within: DurationSpec,
    /// Count only working time of the calendar (default: calendar time, around the clock).
    #[serde(default, skip_serializing_if = "is_false")]
    pub business_time: bool,
}

/// Which SLA clock an escalation watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaTargetName {
    /// The first-response clock.
    FirstResponse,
    /// The next-update clock.
    NextUpdate,
    /// The resolution clock.
    Resolution,
}

/// The moment of an SLA clock an escalation hangs off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaMoment {
    /// `warn_before` ahead of the due time.
    Warning,
    /// The due time.
    Breach,
}

/// An escalation step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// At the warning or at the breach.
    pub on: SlaMoment,
    /// Which clock.
    pub target: SlaTargetName,
    /// This long after that moment (still unhandled), e.g. `24h` for a second level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<DurationSpec>,
    /// What to do.
    pub action: EscalationAction,
}

/// What an escalation does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum EscalationAction {
    /// Gives the ticket to someone else.
    Reassign {
        /// The new candidates.
        to: Pool,
    },
    /// Tells people.
    Notify {
        /// Who is told.
        #[schemars(length(min = 1))]
        to: Vec<Recipient>,
        /// The channel (default: the flow's notification rules decide).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<Channel>,
        /// The message template id in the host.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        template: Option<Id>,
    },
    /// Raises (or lowers) the ticket's priority.
    SetPriority {
        /// The new priority.
        priority: Priority,
    },
}
