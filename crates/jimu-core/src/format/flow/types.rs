//! The flow and its nodes, with what nodes hold: actions, approval outcomes, branches,
//! events, automatic steps, dispatch (pools, recipients, triage) and deadlines.

use crate::format::{DurationSpec, ExprSource, Id, Text};
use crate::reader::Pointer;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::notify::NotificationRule;
use super::sla::SlaPolicy;

/// A ticket flow (工单流转): the steps a ticket moves through, who owns them, how fast they
/// must move and who is told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// The flow's id, unique among flows.
    pub id: Id,
    /// The name shown to admins and agents.
    pub name: Text,
    /// What the flow is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The form tickets of this flow carry; its fields are `ticket.fields` in expressions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Id>,
    /// The business calendar SLA clocks and deadlines count in (business time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Id>,
    /// Ticket statuses nodes set (e.g. `waiting_customer`), usable in SLA `pause_states`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<Status>,
    /// The nodes: exactly one `start`, at least one `end`.
    #[schemars(length(min = 1))]
    pub nodes: Vec<Node>,
    /// SLA policies, in order: a ticket gets the first whose `when` holds; one without `when`
    /// is the fallback and comes last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sla: Vec<SlaPolicy>,
    /// Who is told what, when, and how.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<NotificationRule>,
}

/// A ticket status a node can set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The status id, unique in the flow (and distinct from node ids).
    pub id: Id,
    /// The name shown to agents and customers.
    pub name: Text,
}

/// What happens to a ticket reaching a disabled node: `"hold"` or `{"skip_to": "node"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhenDisabled {
    /// The ticket waits at the node until it is enabled again.
    Hold,
    /// The ticket moves straight on to this node.
    SkipTo(Id),
}

/// A ticket's urgency.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// 紧急: handled first, told by the fastest channel.
    Urgent,
    /// 高.
    High,
    /// 普通 (the default).
    Normal,
    /// 低.
    Low,
}

/// A button the owner of a task presses to move the ticket on (a BPMN sequence flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The action's name, unique within the node (`action.name` in expressions).
    pub id: Id,
    /// The button label.
    pub label: Text,
    /// The node the ticket moves to.
    pub to: Id,
    /// The action is offered only when this holds (reads `ticket`, `action`, `now`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<ExprSource>,
    /// Side-effect events emitted when the action is taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emit: Vec<Event>,
}

/// Where an approval outcome leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The node the ticket moves to.
    pub to: Id,
    /// The button label (default: 同意 / 驳回).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// Side-effect events emitted with this outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emit: Vec<Event>,
}

/// A conditional way out of an exclusive gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The condition (reads `ticket`, `now`); branches are tried in order.
    pub when: ExprSource,
    /// The node the ticket moves to.
    pub to: Id,
    /// The label shown on the arrow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
}

/// A side-effect event handed to the host (logistics dispatch, points deduction, follow-ups).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The event name the host subscribes to, e.g. `logistics.dispatch`.
    pub event: Id,
    /// Values sent with the event: name → expression.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub payload: BTreeMap<String, ExprSource>,
    /// Emit this long after the moment (a follow-up three days after closing: `3d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<DurationSpec>,
}

/// A step an automatic node performs, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Sets a field of the flow's form.
    SetField {
        /// The field id.
        field: Id,
        /// The new value, an expression over `ticket` and `now`.
        value: ExprSource,
    },
    /// Sets the ticket's priority.
    SetPriority {
        /// The new priority.
        priority: Priority,
    },
    /// Prices the ticket with the bundle's pricing rules: the quote, with its trace, is kept on
    /// the ticket (`ticket.price` is its total in later expressions). The request is made from
    /// the ticket: `lines` as written, and a context holding the ticket's `region`, `channel`,
    /// the customer's `tier`, the step's instant as `now` and the form's values as `form`,
    /// then whatever `context` adds. A quote the rules cannot make (a context value missing)
    /// is logged with its problems and leaves the ticket without a price.
    Price {
        /// The lines to price, in order; a line whose quantity comes out `null` or 0 is left
        /// out (a part not used).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<PriceLine>,
        /// Context values beyond those the ticket gives, as expressions over `ticket` and
        /// `now`: `distance_km`, `duration_h`, `weight_kg`, `count` (numbers), `tier`,
        /// `channel`, `ticket_type`, `region` (text). Each replaces the ticket's own.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        context: BTreeMap<String, ExprSource>,
    },
    /// Emits a side-effect event.
    Emit {
        /// The event name the host subscribes to.
        event: Id,
        /// Values sent with the event: name → expression.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        payload: BTreeMap<String, ExprSource>,
        /// Emit this long after the step runs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delay: Option<DurationSpec>,
    },
}

/// One line a `price` step asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceLine {
    /// The catalog item.
    pub item: Id,
    /// How many, an expression over `ticket` and `now` (`"1"`, `"ticket.fields.hours"`).
    pub quantity: ExprSource,
}

/// The context keys a `price` step may give, with whether each is a number.
pub const PRICE_CONTEXT: &[(&str, bool)] = &[
    ("region", false),
    ("tier", false),
    ("channel", false),
    ("ticket_type", false),
    ("distance_km", true),
    ("duration_h", true),
    ("weight_kg", true),
    ("count", true),
];

/// A group of people a ticket can be given to: exactly one of `{"team": id}`,
/// `{"role": id}` or `{"agent": id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// A team of the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Id>,
    /// Everyone with a role (in the ticket's region when dispatch matches regions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Id>,
    /// One person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Id>,
}

/// Who is told: a pool (`{"role": id}` …) or one of `"assignee"`, `"customer"`,
/// `"assignee_manager"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Recipient {
    /// A team, a role or an agent.
    Pool(Pool),
    /// Someone the ticket itself names.
    Named(NamedRecipient),
}

/// A recipient the ticket itself names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NamedRecipient {
    /// Whoever owns the ticket now.
    Assignee,
    /// The customer who raised the ticket.
    Customer,
    /// The owner's manager, one level up the organisation.
    AssigneeManager,
}

/// How the owner is picked among the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Candidates serving the customer's region, then the lowest open load.
    ByRegion,
    /// Candidates with the most of the required `skills`, then the lowest open load.
    BySkill,
    /// The candidate with the fewest open tickets.
    LeastLoaded,
    /// Candidates in turn.
    RoundRobin,
    /// The team's shared queue (`to` is a team); a member claims the ticket.
    Team,
    /// The role's shared queue (`to` is a role); a member claims the ticket.
    Role,
}

/// Who owns a task or approval (派单): candidates, filters, how one is chosen, triage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dispatch {
    /// How the owner is picked.
    pub strategy: Strategy,
    /// The candidates (default: every agent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Pool>,
    /// Skills a candidate must have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Id>,
    /// Only candidates serving the customer's region.
    #[serde(default, skip_serializing_if = "is_false")]
    pub same_region: bool,
    /// VIP customers' tickets go to the front of the queue.
    #[serde(default, skip_serializing_if = "is_false")]
    pub vip_jump_queue: bool,
    /// Keyword triage, first match wins: it may send the ticket elsewhere and set its priority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triage: Vec<Triage>,
}

/// A keyword triage rule (关键词分派) over the ticket's title and text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    /// The rule matches when the text contains any of these.
    #[schemars(length(min = 1))]
    pub keywords: Vec<String>,
    /// Send the ticket to these candidates instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Pool>,
    /// Set the ticket's priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Put the ticket at the front of the queue.
    #[serde(default, skip_serializing_if = "is_false")]
    pub jump_queue: bool,
}

/// A node's own deadline: its owner is reminded, warned before, and the breach is an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// How long the owner has, from the moment the ticket arrives.
    pub within: DurationSpec,
    /// Count only working time of the flow's calendar.
    #[serde(default, skip_serializing_if = "is_false")]
    pub business_time: bool,
    /// Fire `deadline_warning` this long before the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_before: Option<DurationSpec>,
    /// Fire `reminder` to the owner this often while the ticket waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_every: Option<DurationSpec>,
}

pub(super) fn is_false(value: &bool) -> bool {
    !*value
}

pub(super) fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

/// The fields every kind of node has, placed in each variant of [`Node`].
macro_rules! node_kinds {
    ($($(#[$doc:meta])* $kind:ident { $($body:tt)* })*) => {
        /// A step of a flow; `kind` says what it does and how a ticket leaves it.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
        pub enum Node {
            $(
                $(#[$doc])*
                $kind {
                    /// The node's id, unique within its flow.
                    id: Id,
                    /// The name shown on the canvas and to agents.
                    name: Text,
                    /// A disabled node stays in the flow but is skipped or holds tickets.
                    #[serde(default = "yes", skip_serializing_if = "is_true")]
                    enabled: bool,
                    /// What a disabled node does with a ticket (required when disabled).
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    when_disabled: Option<WhenDisabled>,
                    /// The ticket status set when a ticket arrives (one of the flow's `statuses`).
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    status: Option<Id>,
                    $($body)*
                },
            )*
        }

        impl Node {
            /// The settings every kind of node has.
            pub fn common(&self) -> NodeCommon<'_> {
                match self {
                    $(Self::$kind { id, name, enabled, when_disabled, status, .. } => NodeCommon {
                        id, name, enabled: *enabled, when_disabled: when_disabled.as_ref(),
                        status: status.as_ref(),
                    },)*
                }
            }
        }
    };
}

/// The settings shared by every kind of node.
#[derive(Debug, Clone, Copy)]
pub struct NodeCommon<'a> {
    /// The node id.
    pub id: &'a Id,
    /// The node name.
    pub name: &'a Text,
    /// Whether the node is enabled.
    pub enabled: bool,
    /// What a disabled node does.
    pub when_disabled: Option<&'a WhenDisabled>,
    /// The status set on arrival.
    pub status: Option<&'a Id>,
}

node_kinds! {
    /// Where every ticket begins.
    Start {
        /// The first node.
        next: Id,
    }
    /// Work a person does: dispatched to an owner, finished by one of its actions.
    Task {
        /// Who owns the task.
        assign: Dispatch,
        /// A form the owner fills in here (`action.data` in guards).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<Id>,
        /// The ways out: the buttons the owner presses.
        #[schemars(length(min = 1))]
        actions: Vec<Action>,
        /// The task's own deadline, with reminders and a warning.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline: Option<Deadline>,
    }
    /// A decision by an approver: approve or reject.
    Approval {
        /// Who approves.
        assign: Dispatch,
        /// Where an approved ticket goes.
        approve: Outcome,
        /// Where a rejected ticket goes.
        reject: Outcome,
        /// The approval's own deadline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline: Option<Deadline>,
    }
    /// An exclusive gateway: the first branch whose condition holds, else the default.
    Exclusive {
        /// The conditional ways out, tried in order.
        #[schemars(length(min = 1))]
        branches: Vec<Branch>,
        /// Where the ticket goes when no branch holds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Id>,
    }
    /// A parallel split: the ticket moves along every branch at once.
    ParallelSplit {
        /// The first node of each branch.
        #[schemars(length(min = 2))]
        to: Vec<Id>,
        /// The join where the branches meet (found by the check when left out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        join: Option<Id>,
    }
    /// A parallel join: waits for every branch of its split.
    ParallelJoin {
        /// Where the ticket goes once every branch has arrived.
        next: Id,
    }
    /// Steps the engine performs without a person: set fields, price, emit events.
    Automatic {
        /// The steps, in order.
        #[schemars(length(min = 1))]
        steps: Vec<Step>,
        /// Where the ticket goes afterwards.
        next: Id,
    }
    /// Runs another flow to its end, then continues.
    SubFlow {
        /// The id of the flow to run.
        flow: Id,
        /// Where the ticket goes when the sub-flow ends.
        next: Id,
    }
    /// Closes the ticket.
    End {
        /// Side-effect events emitted on closing (logistics, points, follow-ups).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        emit: Vec<Event>,
    }
}

impl Node {
    pub fn id(&self) -> &Id {
        self.common().id
    }

    pub(super) fn kind_name(&self) -> &'static str {
        match self {
            Self::Start { .. } => "start",
            Self::Task { .. } => "task",
            Self::Approval { .. } => "approval",
            Self::Exclusive { .. } => "exclusive",
            Self::ParallelSplit { .. } => "parallel_split",
            Self::ParallelJoin { .. } => "parallel_join",
            Self::Automatic { .. } => "automatic",
            Self::SubFlow { .. } => "sub_flow",
            Self::End { .. } => "end",
        }
    }

    /// Every way out of the node with the pointer of its target id (`at` is the node's).
    pub(super) fn edges(&self, at: &Pointer) -> Vec<(&Id, Pointer)> {
        let mut out = Vec::new();
        match self {
            Self::Start { next, .. }
            | Self::ParallelJoin { next, .. }
            | Self::Automatic { next, .. }
            | Self::SubFlow { next, .. } => out.push((next, at.key("next"))),
            Self::Task { actions, .. } => {
                for (k, action) in actions.iter().enumerate() {
                    out.push((&action.to, at.key("actions").index(k).key("to")));
                }
            }
            Self::Approval {
                approve, reject, ..
            } => {
                out.push((&approve.to, at.key("approve").key("to")));
                out.push((&reject.to, at.key("reject").key("to")));
            }
            Self::Exclusive {
                branches, default, ..
            } => {
                for (k, branch) in branches.iter().enumerate() {
                    out.push((&branch.to, at.key("branches").index(k).key("to")));
                }
                if let Some(default) = default {
                    out.push((default, at.key("default")));
                }
            }
            Self::ParallelSplit { to, .. } => {
                for (k, target) in to.iter().enumerate() {
                    out.push((target, at.key("to").index(k)));
                }
            }
            Self::End { .. } => {}
        }
        if let Some(WhenDisabled::SkipTo(target)) = self.common().when_disabled {
            out.push((target, at.key("when_disabled").key("skip_to")));
        }
        out
    }
}
