use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::{Scope, VarType};
use crate::format::{
    DurationSpec, ExprSource, Id, Text, TimeOfDay, TimeZoneName, duration_minutes,
};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{Diagnostics, Pointer};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

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

fn is_false(value: &bool) -> bool {
    !*value
}

fn yes() -> bool {
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

    fn kind_name(&self) -> &'static str {
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
    fn edges(&self, at: &Pointer) -> Vec<(&Id, Pointer)> {
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

/// A way to reach people; delivery belongs to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 企业微信.
    Wecom,
    /// 短信.
    Sms,
    /// E-mail.
    Email,
    /// A push message in the host's app.
    AppPush,
    /// An automated phone call.
    PhoneCall,
}

/// What a notification rule listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    /// A ticket was created.
    Created,
    /// A ticket moved to another node.
    StateChange,
    /// A ticket got an owner.
    Assigned,
    /// An SLA clock is about to be breached.
    SlaWarning,
    /// An SLA clock was breached.
    SlaBreach,
    /// A node's deadline is near.
    DeadlineWarning,
    /// A node's deadline passed.
    DeadlineBreach,
    /// A node's periodic reminder.
    Reminder,
    /// A technician's scheduled arrival (the host passes the time; use `lead_time`).
    TechnicianArriving,
    /// A ticket was closed.
    Closed,
}

impl NotifyEvent {
    /// Events at a time known in advance, which a notification can precede by `lead_time`.
    fn scheduled(self) -> bool {
        matches!(self, Self::TechnicianArriving)
    }
}

/// Channels chosen by the ticket's priority.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelsByPriority {
    /// For urgent tickets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urgent: Vec<Channel>,
    /// For high-priority tickets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub high: Vec<Channel>,
    /// For normal tickets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub normal: Vec<Channel>,
    /// For low-priority tickets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub low: Vec<Channel>,
}

/// A window in which nothing is sent; messages wait until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// When the window starts, e.g. `22:00`.
    pub from: TimeOfDay,
    /// When it ends, e.g. `08:00` (the next morning when earlier than `from`).
    pub until: TimeOfDay,
    /// The time zone of both (default: the bundle's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneName>,
}

/// A notification rule: on what, to whom, by which channel, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationRule {
    /// The rule's id, unique in the flow.
    pub id: Id,
    /// The events the rule listens for.
    #[schemars(length(min = 1))]
    pub on: Vec<NotifyEvent>,
    /// Only at these nodes (default: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<Id>,
    /// Only when this holds (reads `ticket`, `event`, `now`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// Who is told.
    #[schemars(length(min = 1))]
    pub to: Vec<Recipient>,
    /// The channels used when `by_priority` does not name any for the ticket's priority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// Channels by the ticket's priority (urgent → WeCom, normal → SMS or e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_priority: Option<ChannelsByPriority>,
    /// The message template id in the host.
    pub template: Id,
    /// Nothing is sent in this window; messages wait until it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    /// Without an acknowledgement within this time, send again by `fallback_channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_within: Option<DurationSpec>,
    /// The channel used when `ack_within` passes without an acknowledgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_channel: Option<Channel>,
    /// For scheduled events: send this long before (the customer is told 15 minutes before
    /// the technician arrives: `15m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time: Option<DurationSpec>,
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &crate::format::BundleDoc, ctx: &mut Ctx) {
    let at = Pointer::root().key("flows");
    for (i, flow) in doc.flows.iter().enumerate() {
        ctx.define(IdKind::Flow, &flow.id, &at.index(i).key("id"));
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &crate::format::BundleDoc, ctx: &mut Ctx) {
    for (i, flow) in doc.flows.iter().enumerate() {
        check_flow(doc, i, flow, ctx);
    }
    check_sub_flow_cycles(doc, ctx);
}

fn obj(fields: &[(&str, VarType)]) -> VarType {
    VarType::Object(crate::btree::map(
        fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())),
    ))
}

/// `ticket`, as expressions of a flow see it; `fields` typed by the flow's form when known.
fn ticket_type(fields: VarType) -> VarType {
    obj(&[
        ("id", VarType::String),
        ("title", VarType::String),
        ("text", VarType::String),
        ("type", VarType::String),
        ("status", VarType::String),
        ("node", VarType::String),
        ("priority", VarType::String),
        ("channel", VarType::String),
        ("region", VarType::String),
        ("region_path", VarType::List(Box::new(VarType::String))),
        ("assignee", VarType::String),
        ("created_at", VarType::String),
        ("amount", VarType::Number),
        ("price", VarType::Number),
        ("tags", VarType::List(Box::new(VarType::String))),
        (
            "customer",
            obj(&[
                ("id", VarType::String),
                ("name", VarType::String),
                ("tier", VarType::String),
                ("region", VarType::String),
                ("phone", VarType::String),
            ]),
        ),
        ("fields", fields),
    ])
}

/// The scopes of a flow's expressions.
struct Scopes {
    /// Conditions and values over the ticket: `ticket`, `now`.
    ticket: Scope,
    /// Notification conditions: plus `event` (`name`, `node`).
    notify: Scope,
    fields: Option<BTreeMap<String, VarType>>,
    /// Action scopes by task form, built once however many tasks share a form.
    actions: std::cell::RefCell<BTreeMap<Option<String>, std::rc::Rc<Scope>>>,
}

impl Scopes {
    fn new(doc: &crate::format::BundleDoc, flow: &Flow) -> Self {
        let fields = flow
            .form
            .as_ref()
            .and_then(|f| crate::format::form::field_types(doc, f.as_str()));
        let fields_type = fields
            .as_ref()
            .map_or(VarType::Any, |f| VarType::Object(f.clone()));
        let ticket = Scope::default()
            .with("ticket", ticket_type(fields_type))
            .with("now", VarType::String)
            .with_region_path("ticket.region_path");
        let notify = ticket.clone().with(
            "event",
            obj(&[("name", VarType::String), ("node", VarType::String)]),
        );
        Self {
            ticket,
            notify,
            fields,
            actions: std::cell::RefCell::default(),
        }
    }

    /// Guards and action events: plus `action` (`name`, `data` typed by the task's form).
    fn action(&self, doc: &crate::format::BundleDoc, form: Option<&Id>) -> std::rc::Rc<Scope> {
        let key = form.map(|f| f.0.clone());
        let mut cache = self.actions.borrow_mut();
        let scope = cache.entry(key).or_insert_with(|| {
            let data = form
                .and_then(|f| crate::format::form::field_types(doc, f.as_str()))
                .map_or(VarType::Any, VarType::Object);
            std::rc::Rc::new(
                self.ticket
                    .clone()
                    .with("action", obj(&[("name", VarType::String), ("data", data)])),
            )
        });
        std::rc::Rc::clone(scope)
    }
}

fn check_flow(doc: &crate::format::BundleDoc, index: usize, flow: &Flow, ctx: &mut Ctx) {
    let at = Pointer::root().key("flows").index(index);
    if let Some(form) = &flow.form {
        ctx.refer(IdKind::Form, form, &at.key("form"));
    }
    if let Some(calendar) = &flow.calendar {
        ctx.refer(IdKind::Calendar, calendar, &at.key("calendar"));
    }
    let scopes = Scopes::new(doc, flow);

    // Local id spaces: nodes, statuses, and the two together for pause states.
    let mut nodes = IdSet::new(("节点", "node"));
    for (j, node) in flow.nodes.iter().enumerate() {
        nodes.define(
            node.id(),
            &at.key("nodes").index(j).key("id"),
            &mut ctx.diag,
        );
    }
    let mut statuses = IdSet::new(("状态", "status"));
    for (s, status) in flow.statuses.iter().enumerate() {
        let s_at = at.key("statuses").index(s).key("id");
        if nodes.contains(status.id.as_str()) {
            ctx.error(
                ProblemCode::DuplicateId,
                &s_at,
                Localized::new(
                    format!("状态 id「{}」与节点 id 重复", status.id.as_str()),
                    format!("status id `{}` is also a node id", status.id.as_str()),
                ),
            );
        }
        statuses.define(&status.id, &s_at, &mut ctx.diag);
    }

    for (j, node) in flow.nodes.iter().enumerate() {
        check_node(
            doc,
            flow,
            node,
            &at.key("nodes").index(j),
            &nodes,
            &statuses,
            &scopes,
            ctx,
        );
    }
    check_graph(flow, &at, &nodes, ctx);

    let mut policies = IdSet::new(("SLA 策略", "SLA policy"));
    let mut fallback_seen: Option<Pointer> = None;
    for (p, policy) in flow.sla.iter().enumerate() {
        let p_at = at.key("sla").index(p);
        policies.define(&policy.id, &p_at.key("id"), &mut ctx.diag);
        if let Some(fallback) = &fallback_seen {
            ctx.warning(
                ProblemCode::InvalidValue,
                &p_at,
                Localized::new(
                    format!("此策略永远不会被选中：{} 处没有条件的策略已兜底", fallback.as_str()),
                    format!(
                        "this policy is never chosen: the policy at {} has no condition and catches every ticket",
                        fallback.as_str()
                    ),
                ),
            );
        }
        match &policy.when {
            Some(when) => {
                ctx.expr(when, &p_at.key("when"), &scopes.ticket);
            }
            None => {
                fallback_seen.get_or_insert(p_at.clone());
            }
        }
        check_sla_policy(flow, policy, &p_at, &nodes, &statuses, ctx);
    }

    let mut rules = IdSet::new(("通知规则", "notification rule"));
    for (n, rule) in flow.notifications.iter().enumerate() {
        let n_at = at.key("notifications").index(n);
        rules.define(&rule.id, &n_at.key("id"), &mut ctx.diag);
        check_notification(rule, &n_at, &nodes, &scopes, ctx);
    }
}

#[allow(clippy::too_many_arguments)]
fn check_node(
    doc: &crate::format::BundleDoc,
    flow: &Flow,
    node: &Node,
    at: &Pointer,
    nodes: &IdSet,
    statuses: &IdSet,
    scopes: &Scopes,
    ctx: &mut Ctx,
) {
    let common = node.common();
    for (target, target_at) in node.edges(at) {
        nodes.refer(target, &target_at, &mut ctx.diag);
    }
    if let Some(status) = common.status {
        statuses.refer(status, &at.key("status"), &mut ctx.diag);
    }
    // Disabled nodes: kept, but must say what happens to tickets.
    if !common.enabled {
        if matches!(node, Node::Start { .. } | Node::End { .. }) {
            ctx.error(
                ProblemCode::InvalidValue,
                &at.key("enabled"),
                Localized::new(
                    format!("{} 节点不能停用", node.kind_name()),
                    format!("a `{}` node cannot be disabled", node.kind_name()),
                ),
            );
        } else if common.when_disabled.is_none() {
            ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    at.key("when_disabled").as_str(),
                    Localized::new(
                        "停用的节点需要说明工单如何处理（when_disabled）",
                        "a disabled node needs `when_disabled`: what happens to tickets reaching it",
                    ),
                )
                .with_hint(Localized::new(
                    "写 {\"skip_to\": \"下一个节点\"} 跳过，或 \"hold\" 让工单等待",
                    "write {\"skip_to\": \"next-node\"} to skip it, or \"hold\" to keep tickets waiting",
                )),
            );
        }
    }
    if let Some(WhenDisabled::SkipTo(target)) = common.when_disabled
        && target == common.id
    {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("when_disabled").key("skip_to"),
            Localized::new(
                "停用节点不能跳到自身",
                "a disabled node cannot skip to itself",
            ),
        );
    }
    match node {
        Node::Task {
            assign,
            form,
            actions,
            deadline,
            ..
        } => {
            check_dispatch(assign, &at.key("assign"), ctx);
            if let Some(form) = form {
                ctx.refer(IdKind::Form, form, &at.key("form"));
            }
            let scope = scopes.action(doc, form.as_ref());
            let mut names = IdSet::new(("操作", "action"));
            for (k, action) in actions.iter().enumerate() {
                let a_at = at.key("actions").index(k);
                names.define(&action.id, &a_at.key("id"), &mut ctx.diag);
                if let Some(guard) = &action.guard {
                    ctx.expr(guard, &a_at.key("guard"), &scope);
                }
                check_events(&action.emit, &a_at.key("emit"), &scope, ctx);
            }
            if let Some(deadline) = deadline {
                check_deadline(flow, deadline, &at.key("deadline"), ctx);
            }
        }
        Node::Approval {
            assign,
            approve,
            reject,
            deadline,
            ..
        } => {
            check_dispatch(assign, &at.key("assign"), ctx);
            let scope = scopes.action(doc, None);
            check_events(&approve.emit, &at.key("approve").key("emit"), &scope, ctx);
            check_events(&reject.emit, &at.key("reject").key("emit"), &scope, ctx);
            if let Some(deadline) = deadline {
                check_deadline(flow, deadline, &at.key("deadline"), ctx);
            }
        }
        Node::Exclusive {
            branches, default, ..
        } => {
            for (k, branch) in branches.iter().enumerate() {
                ctx.expr(
                    &branch.when,
                    &at.key("branches").index(k).key("when"),
                    &scopes.ticket,
                );
            }
            if default.is_none() {
                ctx.push(
                    Problem::error(
                        ProblemCode::MissingDefault,
                        at.as_str(),
                        Localized::new(
                            "排他网关没有默认出口：所有条件都不满足时工单会卡住",
                            "the exclusive gateway has no `default`: a ticket matching no branch would be stuck",
                        ),
                    )
                    .with_hint(Localized::new(
                        "加上 \"default\": \"节点 id\"",
                        "add \"default\": \"node-id\"",
                    )),
                );
            }
        }
        Node::Automatic { steps, .. } => {
            for (k, step) in steps.iter().enumerate() {
                let s_at = at.key("steps").index(k);
                match step {
                    Step::SetField { field, value } => {
                        ctx.expr(value, &s_at.key("value"), &scopes.ticket);
                        match &scopes.fields {
                            Some(fields) => {
                                let mut set = IdSet::new(("表单字段", "form field"));
                                let mut scratch = Diagnostics::default();
                                for name in fields.keys() {
                                    set.define(&Id(name.clone()), &s_at, &mut scratch);
                                }
                                set.refer(field, &s_at.key("field"), &mut ctx.diag);
                            }
                            None => ctx.error(
                                ProblemCode::InvalidValue,
                                &s_at.key("field"),
                                Localized::new(
                                    "流程没有关联表单（form），无法设置字段",
                                    "the flow has no `form`, so there are no fields to set",
                                ),
                            ),
                        }
                    }
                    Step::Emit {
                        event: _, payload, ..
                    } => check_payload(payload, &s_at.key("payload"), &scopes.ticket, ctx),
                    Step::Price { lines, context } => {
                        check_price_step(lines, context, &s_at, &scopes.ticket, ctx);
                    }
                    Step::SetPriority { .. } => {}
                }
            }
        }
        Node::SubFlow { flow: sub, .. } => {
            ctx.refer(IdKind::Flow, sub, &at.key("flow"));
        }
        Node::End { emit, .. } => check_events(emit, &at.key("emit"), &scopes.ticket, ctx),
        Node::Start { .. } | Node::ParallelSplit { .. } | Node::ParallelJoin { .. } => {}
    }
}

/// A `price` step: catalog items, quantity and context expressions, known context keys.
fn check_price_step(
    lines: &[PriceLine],
    context: &BTreeMap<String, ExprSource>,
    at: &Pointer,
    scope: &Scope,
    ctx: &mut Ctx,
) {
    for (l, line) in lines.iter().enumerate() {
        let l_at = at.key("lines").index(l);
        ctx.refer(IdKind::Item, &line.item, &l_at.key("item"));
        ctx.expr(&line.quantity, &l_at.key("quantity"), scope);
    }
    for (key, value) in context {
        let k_at = at.key("context").key(key);
        if PRICE_CONTEXT.iter().any(|(name, _)| name == key) {
            ctx.expr(value, &k_at, scope);
            continue;
        }
        let mut problem = Problem::error(
            ProblemCode::UnknownField,
            k_at.as_str(),
            Localized::new(
                format!("计价上下文没有「{key}」"),
                format!("`{key}` is not a pricing context value a price step can give"),
            ),
        );
        let names = PRICE_CONTEXT.iter().map(|(name, _)| *name);
        if let Some(hint) = crate::reader::did_you_mean(key, names) {
            problem = problem.with_hint(hint);
        }
        ctx.push(problem);
    }
}

fn check_events(events: &[Event], at: &Pointer, scope: &Scope, ctx: &mut Ctx) {
    for (k, event) in events.iter().enumerate() {
        check_payload(&event.payload, &at.index(k).key("payload"), scope, ctx);
    }
}

fn check_payload(
    payload: &BTreeMap<String, ExprSource>,
    at: &Pointer,
    scope: &Scope,
    ctx: &mut Ctx,
) {
    for (key, value) in payload {
        ctx.expr(value, &at.key(key), scope);
    }
}

fn refer_pool(pool: &Pool, at: &Pointer, ctx: &mut Ctx) {
    let set: Vec<(IdKind, &Id, &str)> = [
        (IdKind::Team, pool.team.as_ref(), "team"),
        (IdKind::Role, pool.role.as_ref(), "role"),
        (IdKind::Agent, pool.agent.as_ref(), "agent"),
    ]
    .into_iter()
    .filter_map(|(kind, id, key)| id.map(|id| (kind, id, key)))
    .collect();
    if set.len() != 1 {
        ctx.error(
            ProblemCode::InvalidValue,
            at,
            Localized::new(
                "请在 team、role、agent 中恰好指定一项",
                "name exactly one of `team`, `role` and `agent`",
            ),
        );
    }
    for (kind, id, key) in set {
        ctx.refer(kind, id, &at.key(key));
    }
}

fn refer_recipient(recipient: &Recipient, at: &Pointer, ctx: &mut Ctx) {
    if let Recipient::Pool(pool) = recipient {
        refer_pool(pool, at, ctx);
    }
}

fn check_dispatch(dispatch: &Dispatch, at: &Pointer, ctx: &mut Ctx) {
    if let Some(pool) = &dispatch.to {
        refer_pool(pool, &at.key("to"), ctx);
    }
    for (k, skill) in dispatch.skills.iter().enumerate() {
        ctx.refer(IdKind::Skill, skill, &at.key("skills").index(k));
    }
    let to = dispatch.to.as_ref();
    let mismatch = match dispatch.strategy {
        Strategy::Team if to.and_then(|p| p.team.as_ref()).is_none() => {
            Some(("团队", "a team: {\"team\": \"id\"}"))
        }
        Strategy::Role if to.and_then(|p| p.role.as_ref()).is_none() => {
            Some(("角色", "a role: {\"role\": \"id\"}"))
        }
        _ => None,
    };
    if let Some((zh, en)) = mismatch {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("to"),
            Localized::new(
                format!("该派单策略需要 to 指定一个{zh}"),
                format!("this strategy needs `to` to name {en}"),
            ),
        );
    }
    if dispatch.strategy == Strategy::BySkill && dispatch.skills.is_empty() {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("skills"),
            Localized::new(
                "按技能派单（by_skill）需要列出所需技能 skills",
                "`by_skill` dispatch needs the required `skills`",
            ),
        );
    }
    for (k, rule) in dispatch.triage.iter().enumerate() {
        let t_at = at.key("triage").index(k);
        for (w, keyword) in rule.keywords.iter().enumerate() {
            if keyword.trim().is_empty() {
                ctx.error(
                    ProblemCode::EmptyText,
                    &t_at.key("keywords").index(w),
                    Localized::new("关键词不能为空", "a keyword must not be empty"),
                );
            }
        }
        if let Some(pool) = &rule.to {
            refer_pool(pool, &t_at.key("to"), ctx);
        }
        if rule.to.is_none() && rule.priority.is_none() && !rule.jump_queue {
            ctx.error(
                ProblemCode::InvalidValue,
                &t_at,
                Localized::new(
                    "分派规则什么也没做：请设置 to、priority 或 jump_queue",
                    "the triage rule does nothing: set `to`, `priority` or `jump_queue`",
                ),
            );
        }
    }
}

/// `warn_before` must leave time before the deadline it warns of.
fn check_warn_before(
    warn: &DurationSpec,
    within: &[(&DurationSpec, &str)],
    at: &Pointer,
    ctx: &mut Ctx,
) {
    let Some(warn_minutes) = duration_minutes(warn.as_str()) else {
        return;
    };
    for (target, name) in within {
        if duration_minutes(target.as_str()).is_some_and(|t| warn_minutes >= t) {
            ctx.error(
                ProblemCode::InvalidValue,
                at,
                Localized::new(
                    format!(
                        "提前预警时间 {} 不短于「{name}」的时限 {}，预警会在开始时就触发",
                        warn.as_str(),
                        target.as_str()
                    ),
                    format!(
                        "warn_before {} is not shorter than the `{name}` target {}: the warning would fire at once",
                        warn.as_str(),
                        target.as_str()
                    ),
                ),
            );
            return;
        }
    }
}

fn business_time_needs_calendar(at: &Pointer, ctx: &mut Ctx) {
    ctx.push(
        Problem::error(
            ProblemCode::InvalidValue,
            at.as_str(),
            Localized::new(
                "按工作时间计时需要日历，但流程和策略都没有指定 calendar",
                "business time needs a calendar, but neither the flow nor the policy names one",
            ),
        )
        .with_hint(Localized::new(
            "在流程上设置 \"calendar\"，或改为自然时间（去掉 business_time）",
            "set the flow's `calendar`, or count calendar time (drop `business_time`)",
        )),
    );
}

fn check_deadline(flow: &Flow, deadline: &Deadline, at: &Pointer, ctx: &mut Ctx) {
    if deadline.business_time && flow.calendar.is_none() {
        business_time_needs_calendar(&at.key("business_time"), ctx);
    }
    if let Some(warn) = &deadline.warn_before {
        check_warn_before(
            warn,
            &[(&deadline.within, "within")],
            &at.key("warn_before"),
            ctx,
        );
    }
}

fn check_sla_policy(
    flow: &Flow,
    policy: &SlaPolicy,
    at: &Pointer,
    nodes: &IdSet,
    statuses: &IdSet,
    ctx: &mut Ctx,
) {
    if let Some(calendar) = &policy.calendar {
        ctx.refer(IdKind::Calendar, calendar, &at.key("calendar"));
    }
    let targets: Vec<(SlaTargetName, &str, &SlaTarget)> = [
        (
            SlaTargetName::FirstResponse,
            "first_response",
            &policy.targets.first_response,
        ),
        (
            SlaTargetName::NextUpdate,
            "next_update",
            &policy.targets.next_update,
        ),
        (
            SlaTargetName::Resolution,
            "resolution",
            &policy.targets.resolution,
        ),
    ]
    .into_iter()
    .filter_map(|(name, key, t)| t.as_ref().map(|t| (name, key, t)))
    .collect();
    if targets.is_empty() {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("targets"),
            Localized::new(
                "SLA 策略至少需要一个时限：first_response、next_update 或 resolution",
                "an SLA policy needs at least one of `first_response`, `next_update`, `resolution`",
            ),
        );
    }
    let has_calendar = policy.calendar.is_some() || flow.calendar.is_some();
    for (_, key, target) in &targets {
        if target.business_time && !has_calendar {
            business_time_needs_calendar(&at.key("targets").key(key).key("business_time"), ctx);
        }
    }
    if let Some(warn) = &policy.warn_before {
        let within: Vec<(&DurationSpec, &str)> = targets
            .iter()
            .map(|(_, key, t)| (&t.within, *key))
            .collect();
        check_warn_before(warn, &within, &at.key("warn_before"), ctx);
    }
    for (k, state) in policy.pause_states.iter().enumerate() {
        let s_at = at.key("pause_states").index(k);
        if !nodes.contains(state.as_str()) {
            let mut either = IdSet::new(("节点或状态", "node or status"));
            let mut scratch = Diagnostics::default();
            for id in nodes.ids().chain(statuses.ids()) {
                either.define(&Id(id.to_owned()), &s_at, &mut scratch);
            }
            either.refer(state, &s_at, &mut ctx.diag);
        }
    }
    for (k, escalation) in policy.escalations.iter().enumerate() {
        let e_at = at.key("escalations").index(k);
        if !targets
            .iter()
            .any(|(name, _, _)| *name == escalation.target)
        {
            ctx.error(
                ProblemCode::InvalidValue,
                &e_at.key("target"),
                Localized::new(
                    "升级所针对的时限在此策略的 targets 中没有设置",
                    "the escalation watches a clock this policy's `targets` does not set",
                ),
            );
        }
        if escalation.on == SlaMoment::Warning && policy.warn_before.is_none() {
            ctx.error(
                ProblemCode::InvalidValue,
                &e_at.key("on"),
                Localized::new(
                    "策略没有设置 warn_before，预警永远不会触发",
                    "the policy has no `warn_before`, so no warning ever fires",
                ),
            );
        }
        let a_at = e_at.key("action");
        match &escalation.action {
            EscalationAction::Reassign { to } => refer_pool(to, &a_at.key("to"), ctx),
            EscalationAction::Notify { to, .. } => {
                for (r, recipient) in to.iter().enumerate() {
                    refer_recipient(recipient, &a_at.key("to").index(r), ctx);
                }
            }
            EscalationAction::SetPriority { .. } => {}
        }
    }
}

fn check_notification(
    rule: &NotificationRule,
    at: &Pointer,
    nodes: &IdSet,
    scopes: &Scopes,
    ctx: &mut Ctx,
) {
    for (k, node) in rule.nodes.iter().enumerate() {
        nodes.refer(node, &at.key("nodes").index(k), &mut ctx.diag);
    }
    if let Some(when) = &rule.when {
        ctx.expr(when, &at.key("when"), &scopes.notify);
    }
    for (r, recipient) in rule.to.iter().enumerate() {
        refer_recipient(recipient, &at.key("to").index(r), ctx);
    }
    let by_priority_empty = rule.by_priority.as_ref().is_none_or(|b| {
        b.urgent.is_empty() && b.high.is_empty() && b.normal.is_empty() && b.low.is_empty()
    });
    if rule.channels.is_empty() && by_priority_empty {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("channels"),
            Localized::new(
                "通知规则没有任何渠道：请设置 channels 或 by_priority",
                "the rule names no channel: set `channels` or `by_priority`",
            ),
        );
    } else if rule.channels.is_empty() {
        // Every priority needs a channel when there is no general one.
        if let Some(b) = &rule.by_priority {
            let missing: Vec<&str> = [
                ("urgent", &b.urgent),
                ("high", &b.high),
                ("normal", &b.normal),
                ("low", &b.low),
            ]
            .iter()
            .filter(|(_, c)| c.is_empty())
            .map(|(name, _)| *name)
            .collect();
            if !missing.is_empty() {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &at.key("by_priority"),
                    Localized::new(
                        format!(
                            "优先级 {} 没有渠道，且没有通用的 channels",
                            missing.join("、")
                        ),
                        format!(
                            "priorities {} have no channel and there are no general `channels`",
                            missing.join(", ")
                        ),
                    ),
                );
            }
        }
    }
    if let Some(quiet) = &rule.quiet_hours
        && quiet.from == quiet.until
    {
        ctx.error(
            ProblemCode::EndsBeforeStart,
            &at.key("quiet_hours").key("until"),
            Localized::new(
                "静默时段的开始和结束时间相同",
                "quiet hours start and end at the same time",
            ),
        );
    }
    match (&rule.ack_within, &rule.fallback_channel) {
        (Some(_), None) => ctx.error(
            ProblemCode::InvalidValue,
            &at.key("ack_within"),
            Localized::new(
                "设置了确认时限 ack_within，但没有 fallback_channel",
                "`ack_within` is set without a `fallback_channel` to use afterwards",
            ),
        ),
        (None, Some(_)) => ctx.error(
            ProblemCode::InvalidValue,
            &at.key("fallback_channel"),
            Localized::new(
                "设置了 fallback_channel，但没有确认时限 ack_within",
                "`fallback_channel` is set without `ack_within` saying when to use it",
            ),
        ),
        _ => {}
    }
    if rule.lead_time.is_some() && !rule.on.iter().all(|e| e.scheduled()) {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("lead_time"),
            Localized::new(
                "lead_time 只用于预约时间已知的事件（technician_arriving）",
                "`lead_time` only applies to events scheduled in advance (`technician_arriving`)",
            ),
        );
    }
}

/// Reachability, dead ends, starts and ends, and parallel splits meeting at one join.
fn check_graph(flow: &Flow, at: &Pointer, ids: &IdSet, ctx: &mut Ctx) {
    let nodes_at = at.key("nodes");
    let node_at = |j: usize| nodes_at.index(j);
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (j, node) in flow.nodes.iter().enumerate() {
        index.entry(node.id().as_str()).or_insert(j);
    }
    let _ = ids;
    let count = flow.nodes.len();
    // Successors by index (unknown targets are reported elsewhere and left out).
    let succ: Vec<Vec<usize>> = flow
        .nodes
        .iter()
        .enumerate()
        .map(|(j, node)| {
            node.edges(&node_at(j))
                .iter()
                .filter_map(|(target, _)| index.get(target.as_str()).copied())
                .collect()
        })
        .collect();
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (j, targets) in succ.iter().enumerate() {
        for &t in targets {
            if let Some(p) = pred.get_mut(t) {
                p.push(j);
            }
        }
    }

    let starts: Vec<usize> = (0..count)
        .filter(|&j| matches!(flow.nodes.get(j), Some(Node::Start { .. })))
        .collect();
    let ends: Vec<usize> = (0..count)
        .filter(|&j| matches!(flow.nodes.get(j), Some(Node::End { .. })))
        .collect();
    match starts.as_slice() {
        [] => ctx.error(
            ProblemCode::InvalidGraph,
            &nodes_at,
            Localized::new(
                "流程没有开始节点（kind 为 start）",
                "the flow has no `start` node",
            ),
        ),
        [_] => {}
        [_, extra @ ..] => {
            for &j in extra {
                ctx.error(
                    ProblemCode::InvalidGraph,
                    &node_at(j),
                    Localized::new(
                        "流程只能有一个开始节点",
                        "a flow has exactly one `start` node; this is another",
                    ),
                );
            }
        }
    }
    if ends.is_empty() {
        ctx.error(
            ProblemCode::InvalidGraph,
            &nodes_at,
            Localized::new(
                "流程没有结束节点（kind 为 end）",
                "the flow has no `end` node",
            ),
        );
    }
    // Nothing leads back into the start.
    for (j, node) in flow.nodes.iter().enumerate() {
        for (target, target_at) in node.edges(&node_at(j)) {
            if index
                .get(target.as_str())
                .is_some_and(|&t| starts.contains(&t))
            {
                ctx.error(
                    ProblemCode::InvalidGraph,
                    &target_at,
                    Localized::new(
                        "不能流转回开始节点",
                        "nothing may lead back into the `start` node",
                    ),
                );
            }
        }
    }

    let reachable = search(starts.first().copied().into_iter().collect(), &succ, count);
    if !starts.is_empty() {
        for (j, node) in flow.nodes.iter().enumerate() {
            if !reachable.get(j).copied().unwrap_or(true) {
                ctx.error(
                    ProblemCode::UnreachableNode,
                    &node_at(j),
                    Localized::new(
                        format!("从开始节点无法到达节点「{}」", node.id().as_str()),
                        format!(
                            "no path from the start reaches node `{}`",
                            node.id().as_str()
                        ),
                    ),
                );
            }
        }
    }
    if !ends.is_empty() {
        let finishing = search(ends.clone(), &pred, count);
        for (j, node) in flow.nodes.iter().enumerate() {
            let reached = reachable.get(j).copied().unwrap_or(false) || starts.is_empty();
            if reached && !finishing.get(j).copied().unwrap_or(true) {
                ctx.error(
                    ProblemCode::NoPathToEnd,
                    &node_at(j),
                    Localized::new(
                        format!(
                            "节点「{}」之后没有任何路径能到达结束节点",
                            node.id().as_str()
                        ),
                        format!("no path leads from node `{}` to an end", node.id().as_str()),
                    ),
                );
            }
        }
    }

    for (j, node) in flow.nodes.iter().enumerate() {
        match node {
            Node::ParallelSplit { join, .. } => {
                check_split(flow, j, join.as_ref(), &succ, &index, &node_at(j), ctx);
            }
            Node::ParallelJoin { .. } if pred.get(j).is_some_and(|p| p.len() < 2) => {
                ctx.error(
                    ProblemCode::InvalidGraph,
                    &node_at(j),
                    Localized::new(
                        "并行汇聚节点至少需要两条流入的路径",
                        "a parallel join needs at least two ways in",
                    ),
                );
            }
            _ => {}
        }
    }
}

/// Breadth-first search from `from` along `edges`: which nodes it reaches.
fn search(from: Vec<usize>, edges: &[Vec<usize>], count: usize) -> Vec<bool> {
    let mut seen = vec![false; count];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for f in from {
        if let Some(s) = seen.get_mut(f) {
            *s = true;
            queue.push_back(f);
        }
    }
    while let Some(n) = queue.pop_front() {
        for &next in edges.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(s) = seen.get_mut(next)
                && !*s
            {
                *s = true;
                queue.push_back(next);
            }
        }
    }
    seen
}

/// Every path from a split must reach one common join before an end. Searches (node, depth)
/// states: a nested split raises the depth, a join lowers it; a join at depth 0 is where this
/// split's branches meet.
fn check_split(
    flow: &Flow,
    split: usize,
    declared: Option<&Id>,
    succ: &[Vec<usize>],
    index: &BTreeMap<&str, usize>,
    at: &Pointer,
    ctx: &mut Ctx,
) {
    let splits = flow
        .nodes
        .iter()
        .filter(|n| matches!(n, Node::ParallelSplit { .. }))
        .count();
    let mut joins: BTreeSet<usize> = BTreeSet::new();
    let mut ends: BTreeSet<usize> = BTreeSet::new();
    let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut stack: Vec<(usize, usize)> = succ
        .get(split)
        .map(|s| s.iter().map(|&n| (n, 0)).collect())
        .unwrap_or_default();
    while let Some((n, depth)) = stack.pop() {
        if !seen.insert((n, depth)) {
            continue;
        }
        let next_depth = match flow.nodes.get(n) {
            Some(Node::ParallelJoin { .. }) if depth == 0 => {
                joins.insert(n);
                continue;
            }
            Some(Node::ParallelJoin { .. }) => depth - 1,
            Some(Node::ParallelSplit { .. }) if depth < splits => depth + 1,
            Some(Node::ParallelSplit { .. }) => continue,
            Some(Node::End { .. }) => {
                if depth == 0 {
                    ends.insert(n);
                }
                continue;
            }
            Some(_) => depth,
            None => continue,
        };
        for &s in succ.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            stack.push((s, next_depth));
        }
    }
    let name = |j: &usize| {
        flow.nodes
            .get(*j)
            .map_or(String::new(), |n| n.id().0.clone())
    };
    let problem = if !ends.is_empty() {
        let names: Vec<String> = ends.iter().map(name).collect();
        Some(Localized::new(
            format!("并行分支未汇聚就到达了结束节点 {}", names.join("、")),
            format!(
                "a branch reaches the end {} without passing a parallel join",
                names.join(", ")
            ),
        ))
    } else if joins.len() > 1 {
        let names: Vec<String> = joins.iter().map(name).collect();
        Some(Localized::new(
            format!(
                "并行分支汇聚到了不同的节点 {}，应汇聚到同一个",
                names.join("、")
            ),
            format!(
                "the branches meet at different joins {}; they must meet at one",
                names.join(", ")
            ),
        ))
    } else if let Some(found) = joins.first() {
        match declared {
            Some(declared) if index.get(declared.as_str()) != Some(found) => Some(Localized::new(
                format!(
                    "并行分支汇聚于「{}」，而不是声明的 join「{}」",
                    name(found),
                    declared.as_str()
                ),
                format!(
                    "the branches meet at `{}`, not at the declared join `{}`",
                    name(found),
                    declared.as_str()
                ),
            )),
            _ => None,
        }
    } else {
        Some(Localized::new(
            "并行分支永远不会汇聚到并行汇聚节点（parallel_join）",
            "the branches never reach a `parallel_join`",
        ))
    };
    if let Some(message) = problem {
        ctx.push(
            Problem::error(ProblemCode::UnjoinedSplit, at.as_str(), message).with_hint(
                Localized::new(
                    "让每条分支都流向同一个 parallel_join，再从它继续",
                    "lead every branch into one `parallel_join` and continue from there",
                ),
            ),
        );
    }
}

/// A flow that runs itself through `sub_flow` nodes, directly or via other flows, never ends.
fn check_sub_flow_cycles(doc: &crate::format::BundleDoc, ctx: &mut Ctx) {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, flow) in doc.flows.iter().enumerate() {
        index.entry(flow.id.as_str()).or_insert(i);
    }
    let calls: Vec<Vec<(usize, usize)>> = doc
        .flows
        .iter()
        .map(|flow| {
            flow.nodes
                .iter()
                .enumerate()
                .filter_map(|(j, node)| match node {
                    Node::SubFlow { flow: sub, .. } => index.get(sub.as_str()).map(|&t| (j, t)),
                    _ => None,
                })
                .collect()
        })
        .collect();
    for (i, flow) in doc.flows.iter().enumerate() {
        for &(j, target) in calls.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            // Does `target` lead back to flow `i`?
            let mut seen = vec![false; doc.flows.len()];
            let mut stack = vec![target];
            let mut back = false;
            while let Some(f) = stack.pop() {
                if f == i {
                    back = true;
                    break;
                }
                if seen.get(f).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(s) = seen.get_mut(f) {
                    *s = true;
                }
                stack.extend(calls.get(f).into_iter().flatten().map(|&(_, t)| t));
            }
            if back {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &Pointer::root()
                        .key("flows")
                        .index(i)
                        .key("nodes")
                        .index(j)
                        .key("flow"),
                    Localized::new(
                        format!("子流程循环：流程「{}」最终又调用了自身", flow.id.as_str()),
                        format!(
                            "sub-flow cycle: flow `{}` ends up running itself",
                            flow.id.as_str()
                        ),
                    ),
                );
            }
        }
    }
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use crate::format::read::{
    Res, de, list, no_variant, object, option, read_struct, read_variant, required, tagged,
};
use crate::format::read_text;
use serde_json::{Error, Value};

pub(crate) fn read_flow(value: Value) -> Res<Flow> {
    let map = object(value, "struct Flow")?;
    Ok(read_struct!(map, deny, Flow {
        id: req,
        name: req with read_text,
        description: default with |v| option(v, read_text),
        form: default,
        calendar: default,
        statuses: default with |v| list(v, read_status),
        nodes: req with |v| list(v, read_node),
        sla: default with |v| list(v, read_sla_policy),
        notifications: default with |v| list(v, read_notification_rule),
    }))
}

fn read_status(value: Value) -> Res<Status> {
    let map = object(value, "struct Status")?;
    Ok(read_struct!(map, deny, Status {
        id: req,
        name: req with read_text,
    }))
}

fn read_events(value: Value) -> Res<Vec<Event>> {
    list(value, read_event)
}

fn read_action(value: Value) -> Res<Action> {
    let map = object(value, "struct Action")?;
    Ok(read_struct!(map, deny, Action {
        id: req,
        label: req with read_text,
        to: req,
        guard: default,
        emit: default with read_events,
    }))
}

fn read_outcome(value: Value) -> Res<Outcome> {
    let map = object(value, "struct Outcome")?;
    Ok(read_struct!(map, deny, Outcome {
        to: req,
        label: default with |v| option(v, read_text),
        emit: default with read_events,
    }))
}

fn read_branch(value: Value) -> Res<Branch> {
    let map = object(value, "struct Branch")?;
    Ok(read_struct!(map, deny, Branch {
        when: req,
        to: req,
        label: default with |v| option(v, read_text),
    }))
}

fn read_event(value: Value) -> Res<Event> {
    let map = object(value, "struct Event")?;
    Ok(read_struct!(
        map,
        deny,
        Event {
            event: req,
            payload: default,
            delay: default,
        }
    ))
}

fn read_step(value: Value) -> Res<Step> {
    const STEPS: &[&str] = &["set_field", "set_priority", "price", "emit"];
    let (step, map) = tagged(value, "do", STEPS, "internally tagged enum Step")?;
    Ok(match step {
        0 => read_struct!(
            map,
            deny,
            Step::SetField {
                field: req,
                value: req,
            }
        ),
        1 => read_struct!(map, deny, Step::SetPriority { priority: req }),
        2 => read_struct!(
            map,
            deny,
            Step::Price {
                lines: default with |v| list(v, read_price_line),
                context: default,
            }
        ),
        _ => read_struct!(
            map,
            deny,
            Step::Emit {
                event: req,
                payload: default,
                delay: default,
            }
        ),
    })
}

fn read_price_line(value: Value) -> Res<PriceLine> {
    let map = object(value, "struct PriceLine")?;
    Ok(read_struct!(
        map,
        deny,
        PriceLine {
            item: req,
            quantity: req,
        }
    ))
}

fn read_pool(value: Value) -> Res<Pool> {
    let map = object(value, "struct Pool")?;
    Ok(read_struct!(
        map,
        deny,
        Pool {
            team: default,
            role: default,
            agent: default,
        }
    ))
}

fn read_recipient(value: Value) -> Res<Recipient> {
    if value.is_object()
        && let Ok(pool) = read_pool(value.clone())
    {
        return Ok(Recipient::Pool(pool));
    }
    de(value)
        .map(Recipient::Named)
        .map_err(|_: Error| no_variant("Recipient"))
}

fn read_recipients(value: Value) -> Res<Vec<Recipient>> {
    list(value, read_recipient)
}

fn read_dispatch(value: Value) -> Res<Dispatch> {
    let map = object(value, "struct Dispatch")?;
    Ok(read_struct!(map, deny, Dispatch {
        strategy: req,
        to: default with |v| option(v, read_pool),
        skills: default,
        same_region: default,
        vip_jump_queue: default,
        triage: default with |v| list(v, read_triage),
    }))
}

fn read_triage(value: Value) -> Res<Triage> {
    let map = object(value, "struct Triage")?;
    Ok(read_struct!(map, deny, Triage {
        keywords: req,
        to: default with |v| option(v, read_pool),
        priority: default,
        jump_queue: default,
    }))
}

fn read_deadline(value: Value) -> Res<Option<Deadline>> {
    option(value, |value| {
        let map = object(value, "struct Deadline")?;
        Ok(read_struct!(
            map,
            deny,
            Deadline {
                within: req,
                business_time: default,
                warn_before: default,
                remind_every: default,
            }
        ))
    })
}

/// The fields every kind of node has, as read so far.
#[derive(Default)]
struct CommonSlots {
    id: Option<Id>,
    name: Option<Text>,
    enabled: Option<bool>,
    when_disabled: Option<Option<WhenDisabled>>,
    status: Option<Option<Id>>,
}

/// The fields every kind of node has.
struct Common {
    id: Id,
    name: Text,
    enabled: bool,
    when_disabled: Option<WhenDisabled>,
    status: Option<Id>,
}

impl CommonSlots {
    /// Their names, in declaration order.
    const NAMES: &[&str] = &["id", "name", "enabled", "when_disabled", "status"];

    /// Reads one entry if it is a common field; `false` when it is not.
    fn set(&mut self, key: &str, value: Value) -> Res<bool> {
        match key {
            "id" => self.id = Some(de(value)?),
            "name" => self.name = Some(read_text(value)?),
            "enabled" => self.enabled = Some(de(value)?),
            "when_disabled" => self.when_disabled = Some(de(value)?),
            "status" => self.status = Some(de(value)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The common fields once every entry is read (`id` and `name` are required).
    fn finish(self) -> Res<Common> {
        Ok(Common {
            id: required(self.id, "id")?,
            name: required(self.name, "name")?,
            enabled: self.enabled.unwrap_or_else(yes),
            when_disabled: self.when_disabled.unwrap_or_default(),
            status: self.status.unwrap_or_default(),
        })
    }
}

/// Reads the content of one kind of [`Node`]: the common fields and the kind's own.
macro_rules! node_kind {
    ($map:ident, $kind:ident { $($own:tt)* }) => {
        read_variant!(
            $map,
            CommonSlots,
            (id, name, enabled, when_disabled, status),
            Node::$kind { $($own)* }
        )
    };
}

fn read_node(value: Value) -> Res<Node> {
    const KINDS: &[&str] = &[
        "start",
        "task",
        "approval",
        "exclusive",
        "parallel_split",
        "parallel_join",
        "automatic",
        "sub_flow",
        "end",
    ];
    let (kind, map) = tagged(value, "kind", KINDS, "internally tagged enum Node")?;
    Ok(match kind {
        0 => node_kind!(map, Start { next: req }),
        1 => node_kind!(map, Task {
            assign: req with read_dispatch,
            form: default,
            actions: req with |v| list(v, read_action),
            deadline: default with read_deadline,
        }),
        2 => node_kind!(map, Approval {
            assign: req with read_dispatch,
            approve: req with read_outcome,
            reject: req with read_outcome,
            deadline: default with read_deadline,
        }),
        3 => node_kind!(map, Exclusive {
            branches: req with |v| list(v, read_branch),
            default: default,
        }),
        4 => node_kind!(
            map,
            ParallelSplit {
                to: req,
                join: default,
            }
        ),
        5 => node_kind!(map, ParallelJoin { next: req }),
        6 => node_kind!(map, Automatic {
            steps: req with |v| list(v, read_step),
            next: req,
        }),
        7 => node_kind!(
            map,
            SubFlow {
                flow: req,
                next: req,
            }
        ),
        _ => node_kind!(map, End {
            emit: default with read_events,
        }),
    })
}

fn read_sla_policy(value: Value) -> Res<SlaPolicy> {
    let map = object(value, "struct SlaPolicy")?;
    Ok(read_struct!(map, deny, SlaPolicy {
        id: req,
        when: default,
        calendar: default,
        targets: req with read_sla_targets,
        pause_states: default,
        warn_before: default,
        escalations: default with |v| list(v, read_escalation),
    }))
}

fn read_sla_targets(value: Value) -> Res<SlaTargets> {
    let map = object(value, "struct SlaTargets")?;
    Ok(read_struct!(map, deny, SlaTargets {
        first_response: default with read_sla_target,
        next_update: default with read_sla_target,
        resolution: default with read_sla_target,
    }))
}

fn read_sla_target(value: Value) -> Res<Option<SlaTarget>> {
    option(value, |value| {
        let map = object(value, "struct SlaTarget")?;
        Ok(read_struct!(
            map,
            deny,
            SlaTarget {
                within: req,
                business_time: default,
            }
        ))
    })
}

fn read_escalation(value: Value) -> Res<Escalation> {
    let map = object(value, "struct Escalation")?;
    Ok(read_struct!(map, deny, Escalation {
        on: req,
        target: req,
        after: default,
        action: req with read_escalation_action,
    }))
}

fn read_escalation_action(value: Value) -> Res<EscalationAction> {
    const ACTIONS: &[&str] = &["reassign", "notify", "set_priority"];
    let expecting = "internally tagged enum EscalationAction";
    let (action, map) = tagged(value, "do", ACTIONS, expecting)?;
    Ok(match action {
        0 => read_struct!(map, deny, EscalationAction::Reassign {
            to: req with read_pool,
        }),
        1 => read_struct!(map, deny, EscalationAction::Notify {
            to: req with read_recipients,
            channel: default,
            template: default,
        }),
        _ => read_struct!(map, deny, EscalationAction::SetPriority { priority: req }),
    })
}

fn read_notification_rule(value: Value) -> Res<NotificationRule> {
    let map = object(value, "struct NotificationRule")?;
    Ok(read_struct!(map, deny, NotificationRule {
        id: req,
        on: req,
        nodes: default,
        when: default,
        to: req with read_recipients,
        channels: default,
        by_priority: default with |v| option(v, read_channels_by_priority),
        template: req,
        quiet_hours: default with |v| option(v, read_quiet_hours),
        ack_within: default,
        fallback_channel: default,
        lead_time: default,
    }))
}

fn read_channels_by_priority(value: Value) -> Res<ChannelsByPriority> {
    let map = object(value, "struct ChannelsByPriority")?;
    Ok(read_struct!(
        map,
        deny,
        ChannelsByPriority {
            urgent: default,
            high: default,
            normal: default,
            low: default,
        }
    ))
}

fn read_quiet_hours(value: Value) -> Res<QuietHours> {
    let map = object(value, "struct QuietHours")?;
    Ok(read_struct!(
        map,
        deny,
        QuietHours {
            from: req,
            until: req,
            time_zone: default,
        }
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::problem::Severity;

    /// A bundle with a small organisation and calendar around the given sections.
    pub(crate) fn bundle(sections: &str) -> String {
        format!(
            r#"{{"schema_version":2,"currency":"CNY","time_zone":"Asia/Shanghai",
            "org":{{
              "roles":[{{"id":"engineer","name":"工程师"}},{{"id":"regional_manager","name":"区域经理"}},
                       {{"id":"supervisor","name":"主管"}},{{"id":"finance","name":"财务"}},
                       {{"id":"sales","name":"销售"}},{{"id":"cs","name":"客服"}}],
              "teams":[{{"id":"engineers","name":"工程师组"}},{{"id":"advisors","name":"课程顾问"}}],
              "agents":[{{"id":"zhang","name":"张工","roles":["engineer"],"skills":["ac"]}}],
              "skills":[{{"id":"ac","name":"空调维修"}}]
            }},
            "calendars":[{{"id":"workdays","name":"工作日","week":{{"mon":[{{"from":"09:00","until":"18:00"}}]}}}}],
            {sections}}}"#
        )
    }

    pub(crate) fn check(sections: &str) -> Vec<(String, String)> {
        crate::validate_bundle(&bundle(sections))
            .into_iter()
            .map(|p| {
                assert!(!p.message.zh_cn.is_empty() && !p.message.en.is_empty());
                let code = p.code.as_str().to_owned();
                let code = if p.severity == Severity::Warning {
                    format!("warning:{code}")
                } else {
                    code
                };
                (code, p.path)
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
            .collect()
    }

    const ENGINEER: &str = r#"{"strategy":"least_loaded","to":{"role":"engineer"}}"#;

    fn flow(nodes: &str) -> String {
        format!(r#""flows":[{{"id":"f","name":"流程","nodes":[{nodes}]}}]"#)
    }

    #[test]
    fn a_small_flow_is_valid() {
        let nodes = format!(
            r#"{{"id":"s","name":"开始","kind":"start","next":"t"}},
               {{"id":"t","name":"处理","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"done","label":"完成","to":"e","guard":"ticket.priority != 'low'"}}]}},
               {{"id":"e","name":"结束","kind":"end"}}"#
        );
        assert_eq!(check(&flow(&nodes)), pairs(&[]));
    }

    #[test]
    fn graph_mistakes_are_located_at_their_nodes() {
        let nodes = format!(
            r#"{{"id":"s","name":"开始","kind":"start","next":"x"}},
               {{"id":"x","name":"分支","kind":"exclusive","branches":[{{"when":"ticket.amount > 100","to":"loop"}}]}},
               {{"id":"loop","name":"循环","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"again","label":"再来","to":"loop"}},{{"id":"lost","label":"?","to":"nowhere"}}]}},
               {{"id":"orphan","name":"孤立","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"done","label":"完成","to":"e"}}]}},
               {{"id":"e","name":"结束","kind":"end"}}"#
        );
        assert_eq!(
            check(&flow(&nodes)),
            pairs(&[
                ("missing-default", "/flows/0/nodes/1"),
                ("unknown-reference", "/flows/0/nodes/2/actions/1/to"),
                ("unreachable-node", "/flows/0/nodes/3"),
                ("unreachable-node", "/flows/0/nodes/4"),
                ("no-path-to-end", "/flows/0/nodes/0"),
                ("no-path-to-end", "/flows/0/nodes/1"),
                ("no-path-to-end", "/flows/0/nodes/2"),
            ])
        );
    }

    #[test]
    fn one_start_and_an_end_are_required() {
        let nodes = r#"{"id":"a","name":"A","kind":"start","next":"b"},
                       {"id":"b","name":"B","kind":"start","next":"a"}"#;
        assert_eq!(
            check(&flow(nodes)),
            pairs(&[
                ("invalid-graph", "/flows/0/nodes/1"),
                ("invalid-graph", "/flows/0/nodes"),
                ("invalid-graph", "/flows/0/nodes/0/next"),
                ("invalid-graph", "/flows/0/nodes/1/next"),
            ])
        );
    }

    #[test]
    fn parallel_splits_must_meet_at_one_join() {
        let task = |id: &str, to: &str| {
            format!(
                r#"{{"id":"{id}","name":"{id}","kind":"task","assign":{ENGINEER},
                    "actions":[{{"id":"ok","label":"完成","to":"{to}"}}]}}"#
            )
        };
        // Nested: outer split p → (a, inner split q → (b, c) → jq) → jp.
        let good = [
            r#"{"id":"s","name":"开始","kind":"start","next":"p"}"#.to_owned(),
            r#"{"id":"p","name":"并行","kind":"parallel_split","to":["a","q"],"join":"jp"}"#
                .to_owned(),
            task("a", "jp"),
            r#"{"id":"q","name":"内层","kind":"parallel_split","to":["b","c"]}"#.to_owned(),
            task("b", "jq"),
            task("c", "jq"),
            r#"{"id":"jq","name":"内汇","kind":"parallel_join","next":"jp"}"#.to_owned(),
            r#"{"id":"jp","name":"外汇","kind":"parallel_join","next":"e"}"#.to_owned(),
            r#"{"id":"e","name":"结束","kind":"end"}"#.to_owned(),
        ];
        assert_eq!(check(&flow(&good.join(","))), pairs(&[]));

        // One branch ends on its own; another split's branches meet at different joins.
        let bad = [
            r#"{"id":"s","name":"开始","kind":"start","next":"p"}"#.to_owned(),
            r#"{"id":"p","name":"并行","kind":"parallel_split","to":["a","b"]}"#.to_owned(),
            task("a", "j1"),
            task("b", "e"),
            r#"{"id":"j1","name":"汇聚","kind":"parallel_join","next":"q"}"#.to_owned(),
            r#"{"id":"q","name":"再并行","kind":"parallel_split","to":["c","d"]}"#.to_owned(),
            task("c", "j2"),
            task("d", "j3"),
            r#"{"id":"j2","name":"汇2","kind":"parallel_join","next":"e"}"#.to_owned(),
            r#"{"id":"j3","name":"汇3","kind":"parallel_join","next":"e"}"#.to_owned(),
            r#"{"id":"e","name":"结束","kind":"end"}"#.to_owned(),
        ];
        assert_eq!(
            check(&flow(&bad.join(","))),
            pairs(&[
                ("unjoined-split", "/flows/0/nodes/1"),
                ("invalid-graph", "/flows/0/nodes/4"),
                ("unjoined-split", "/flows/0/nodes/5"),
                ("invalid-graph", "/flows/0/nodes/8"),
                ("invalid-graph", "/flows/0/nodes/9"),
            ])
        );
    }

    #[test]
    fn disabled_nodes_say_what_happens_to_tickets() {
        let nodes = format!(
            r#"{{"id":"s","name":"开始","kind":"start","next":"trial"}},
               {{"id":"trial","name":"试听课预约","kind":"task","enabled":false,"assign":{ENGINEER},
                 "actions":[{{"id":"ok","label":"完成","to":"t"}}]}},
               {{"id":"t","name":"处理","kind":"task","enabled":false,"when_disabled":{{"skip_to":"ee"}},
                 "assign":{ENGINEER},"actions":[{{"id":"ok","label":"完成","to":"e"}}]}},
               {{"id":"e","name":"结束","kind":"end","enabled":false}}"#
        );
        assert_eq!(
            check(&flow(&nodes)),
            pairs(&[
                ("missing-field", "/flows/0/nodes/1/when_disabled"),
                (
                    "unknown-reference",
                    "/flows/0/nodes/2/when_disabled/skip_to"
                ),
                ("invalid-value", "/flows/0/nodes/3/enabled"),
            ])
        );
    }

    #[test]
    fn expressions_read_the_flow_form_and_the_action() {
        let sections = format!(
            r#""forms":[{{"id":"repair","name":"报修","fields":[
                 {{"id":"needs_parts","kind":"yes_no","label":"需要备件"}}]}}],
               "flows":[{{"id":"f","name":"流程","form":"repair","nodes":[
                 {{"id":"s","name":"开始","kind":"start","next":"x"}},
                 {{"id":"x","name":"分支","kind":"exclusive","default":"t",
                   "branches":[{{"when":"ticket.fields.needs_part","to":"t"}}]}},
                 {{"id":"t","name":"处理","kind":"task","assign":{ENGINEER},"form":"repair",
                   "actions":[{{"id":"ok","label":"完成","to":"e","guard":"action.data.needs_parts and actoin.name == 'ok'"}}]}},
                 {{"id":"e","name":"结束","kind":"end","emit":[{{"event":"rating.request",
                   "payload":{{"customer":"ticket.customer.id","bad":"ticket.nope"}}}}]}}]}}]"#
        );
        assert_eq!(
            check(&sections),
            pairs(&[
                ("unknown-variable", "/flows/0/nodes/1/branches/0/when"),
                ("unknown-variable", "/flows/0/nodes/2/actions/0/guard"),
                ("unknown-variable", "/flows/0/nodes/3/emit/0/payload/bad"),
            ])
        );
    }

    #[test]
    fn dispatch_references_the_organisation() {
        let nodes = r#"{"id":"s","name":"开始","kind":"start","next":"t"},
           {"id":"t","name":"处理","kind":"task",
            "assign":{"strategy":"team","to":{"role":"enginer"},"skills":["ac","plumbing"],
                      "triage":[{"keywords":["退费"],"to":{"team":"finance-team"}},{"keywords":["x"]}]},
            "actions":[{"id":"ok","label":"完成","to":"e"}]},
           {"id":"e","name":"结束","kind":"end"}"#;
        assert_eq!(
            check(&flow(nodes)),
            pairs(&[
                ("unknown-reference", "/flows/0/nodes/1/assign/to/role"),
                ("unknown-reference", "/flows/0/nodes/1/assign/skills/1"),
                ("invalid-value", "/flows/0/nodes/1/assign/to"),
                (
                    "unknown-reference",
                    "/flows/0/nodes/1/assign/triage/0/to/team"
                ),
                ("invalid-value", "/flows/0/nodes/1/assign/triage/1"),
            ])
        );
    }

    #[test]
    fn a_pool_names_exactly_one_group() {
        let nodes = r#"{"id":"s","name":"开始","kind":"start","next":"t"},
           {"id":"t","name":"处理","kind":"task",
            "assign":{"strategy":"least_loaded","to":{"role":"engineer","team":"engineers"},
                      "triage":[{"keywords":["退费"],"to":{}}]},
            "actions":[{"id":"ok","label":"完成","to":"e"}]},
           {"id":"e","name":"结束","kind":"end"}"#;
        assert_eq!(
            check(&flow(nodes)),
            pairs(&[
                ("invalid-value", "/flows/0/nodes/1/assign/to"),
                ("invalid-value", "/flows/0/nodes/1/assign/triage/0/to"),
            ])
        );
    }

    #[test]
    fn sla_policies_are_checked() {
        let nodes = format!(
            r#"{{"id":"s","name":"开始","kind":"start","next":"t"}},
               {{"id":"t","name":"处理","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"ok","label":"完成","to":"e"}}]}},
               {{"id":"e","name":"结束","kind":"end"}}"#
        );
        let sections = format!(
            r#""flows":[{{"id":"f","name":"投诉","nodes":[{nodes}],"sla":[
                 {{"id":"all","targets":{{"first_response":{{"within":"24h"}},"resolution":{{"within":"2h","business_time":true}}}},
                   "warn_before":"3h","pause_states":["t","waiting"],
                   "escalations":[{{"on":"breach","target":"next_update","action":{{"do":"reassign","to":{{"role":"regional_manager"}}}}}}]}},
                 {{"id":"vip","when":"ticket.customer.tier == 'VIP'","targets":{{}}}}]}}]"#
        );
        assert_eq!(
            check(&sections),
            pairs(&[
                (
                    "invalid-value",
                    "/flows/0/sla/0/targets/resolution/business_time"
                ),
                ("invalid-value", "/flows/0/sla/0/warn_before"),
                ("unknown-reference", "/flows/0/sla/0/pause_states/1"),
                ("invalid-value", "/flows/0/sla/0/escalations/0/target"),
                ("warning:invalid-value", "/flows/0/sla/1"),
                ("invalid-value", "/flows/0/sla/1/targets"),
            ])
        );
    }

    #[test]
    fn notification_rules_are_checked() {
        let nodes = r#"{"id":"s","name":"开始","kind":"start","next":"e"},{"id":"e","name":"结束","kind":"end"}"#;
        let sections = format!(
            r#""flows":[{{"id":"f","name":"流程","nodes":[{nodes}],"notifications":[
                 {{"id":"n","on":["state_change"],"nodes":["x"],"to":["assignee",{{"role":"boss"}}],
                   "by_priority":{{"urgent":["wecom"]}},"template":"t1",
                   "quiet_hours":{{"from":"22:00","until":"22:00"}},"ack_within":"30m","lead_time":"15m",
                   "when":"event.name == 'x' and ticket.priority == 'urgent'"}}]}}]"#
        );
        assert_eq!(
            check(&sections),
            pairs(&[
                ("unknown-reference", "/flows/0/notifications/0/nodes/0"),
                ("unknown-reference", "/flows/0/notifications/0/to/1/role"),
                ("invalid-value", "/flows/0/notifications/0/by_priority"),
                (
                    "ends-before-start",
                    "/flows/0/notifications/0/quiet_hours/until"
                ),
                ("invalid-value", "/flows/0/notifications/0/ack_within"),
                ("invalid-value", "/flows/0/notifications/0/lead_time"),
            ])
        );
    }

    #[test]
    fn sub_flows_exist_and_do_not_run_themselves() {
        let sections = r#""flows":[
            {"id":"a","name":"A","nodes":[{"id":"s","name":"开始","kind":"start","next":"sub"},
              {"id":"sub","name":"子","kind":"sub_flow","flow":"b","next":"e"},{"id":"e","name":"结束","kind":"end"}]},
            {"id":"b","name":"B","nodes":[{"id":"s","name":"开始","kind":"start","next":"sub"},
              {"id":"sub","name":"子","kind":"sub_flow","flow":"a","next":"sub2"},
              {"id":"sub2","name":"子2","kind":"sub_flow","flow":"c","next":"e"},{"id":"e","name":"结束","kind":"end"}]}]"#;
        assert_eq!(
            check(sections),
            pairs(&[
                ("unknown-reference", "/flows/1/nodes/2/flow"),
                ("invalid-value", "/flows/0/nodes/1/flow"),
                ("invalid-value", "/flows/1/nodes/1/flow"),
            ])
        );
    }

    #[test]
    fn structural_mistakes_come_from_the_schema() {
        let nodes = r#"{"id":"s","name":"开始","kind":"begin","next":"e"},
                       {"id":"p","name":"并行","kind":"parallel_split","to":["e"]},
                       {"id":"e","name":"结束","kind":"end","nxt":"s"}"#;
        assert_eq!(
            check(&flow(nodes)),
            pairs(&[
                ("unknown-variant", "/flows/0/nodes/0/kind"),
                ("invalid-value", "/flows/0/nodes/1/to"),
                ("unknown-field", "/flows/0/nodes/2/nxt"),
            ])
        );
    }
}
