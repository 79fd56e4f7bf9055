//! Notification rules: on which events, to whom, by which channels, when.

use crate::format::{DurationSpec, ExprSource, Id, TimeOfDay, TimeZoneName};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Recipient;

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
    pub(super) fn scheduled(self) -> bool {
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
