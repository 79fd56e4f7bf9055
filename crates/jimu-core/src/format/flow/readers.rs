//! Reading a checked flow (see `format/read.rs`): the same as the derived `Deserialize`,
//! without its size.

use crate::format::read::{
    Res, de, list, no_variant, object, option, read_struct, read_variant, required, tagged,
};
use crate::format::{Id, Text, read_text};
use serde_json::{Error, Value};

use super::notify::{ChannelsByPriority, NotificationRule, QuietHours};
use super::sla::{Escalation, EscalationAction, SlaPolicy, SlaTarget, SlaTargets};
use super::types::{
    Action, Branch, Deadline, Dispatch, Event, Flow, Node, Outcome, Pool, PriceLine, Recipient,
    Status, Step, Triage, WhenDisabled, yes,
};

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
