//! The semantic checks of flows: references, expressions, dispatch, deadlines, SLA policies,
//! notifications, and the graph (reachability, ends, parallel splits, sub-flow cycles).

use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::{Scope, VarType};
use crate::format::{BundleDoc, DurationSpec, ExprSource, Id, duration_minutes};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{Diagnostics, Pointer};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::notify::NotificationRule;
use super::sla::{EscalationAction, SlaMoment, SlaPolicy, SlaTarget, SlaTargetName};
use super::types::{
    Deadline, Dispatch, Event, Flow, Node, PRICE_CONTEXT, Pool, PriceLine, Recipient, Step,
    Strategy, WhenDisabled,
};

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &BundleDoc, ctx: &mut Ctx) {
    let at = Pointer::root().key("flows");
    for (i, flow) in doc.flows.iter().enumerate() {
        ctx.define(IdKind::Flow, &flow.id, &at.index(i).key("id"));
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &BundleDoc, ctx: &mut Ctx) {
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
    fn new(doc: &BundleDoc, flow: &Flow) -> Self {
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
    fn action(&self, doc: &BundleDoc, form: Option<&Id>) -> std::rc::Rc<Scope> {
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

fn check_flow(doc: &BundleDoc, index: usize, flow: &Flow, ctx: &mut Ctx) {
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
    doc: &BundleDoc,
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
fn check_sub_flow_cycles(doc: &BundleDoc, ctx: &mut Ctx) {
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
