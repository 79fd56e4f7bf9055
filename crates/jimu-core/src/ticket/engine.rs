//! Applying commands to tickets: moving through nodes, dispatch, SLA clocks, escalation,
//! notifications and events, each command atomic (refused commands change nothing).

use super::{
    Clock, Command, CommandKind, Happening, Name, Notification, Pending, Refusal, Stamp, Ticket,
    TicketInput, Timeline, What,
};
use crate::Localized;
use crate::bundle::Bundle;
use crate::clock::{BusinessClock, add_calendar};
use crate::expr::{Expr, Found, Simple};
use crate::format::duration_minutes;
use crate::format::flow::{
    Channel, Dispatch, EscalationAction, Event, Flow, NamedRecipient, Node, NotifyEvent, Pool,
    PriceLine, Priority, Recipient, SlaMoment, SlaTargetName, Step, Strategy, WhenDisabled,
};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::{Map, Value, json};
use zen_expression::Variable;
use zen_expression::variable::VariableMap;
use zen_expression::vm::VM;

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: Localized::new(zh, en),
    }
}

/// The minutes of an optional duration (`2h`, `1d`); `None` when absent or malformed.
fn span(spec: Option<&crate::format::DurationSpec>) -> Option<i64> {
    spec.and_then(|d| duration_minutes(d.as_str()))
        .and_then(|m| i64::try_from(m).ok())
}

fn stamp(at: DateTime<Utc>) -> String {
    Stamp(at).to_string()
}

fn priority_name(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "urgent",
        Priority::High => "high",
        Priority::Normal => "normal",
        Priority::Low => "low",
    }
}

fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Wecom => "wecom",
        Channel::Sms => "sms",
        Channel::Email => "email",
        Channel::AppPush => "app_push",
        Channel::PhoneCall => "phone_call",
    }
}

fn target_name(t: SlaTargetName) -> &'static str {
    match t {
        SlaTargetName::FirstResponse => "first_response",
        SlaTargetName::NextUpdate => "next_update",
        SlaTargetName::Resolution => "resolution",
    }
}

/// Runs commands against tickets of one bundle.
pub struct Engine<'b> {
    bundle: &'b Bundle,
    vm: VM,
    /// Names handed out so far: each text is allocated once per engine.
    names: std::cell::RefCell<std::collections::HashMap<Box<str>, Name, Fast>>,
    /// Expressions found so far, by where they live.
    exprs: std::collections::HashMap<ExprAt<'b>, Option<&'b Expr>, Fast>,
    /// The JSON pointer of the expression being looked up, reused.
    pointer: String,
    /// Business clocks by calendar id, built once per engine.
    clocks: std::cell::RefCell<std::collections::BTreeMap<String, std::rc::Rc<BusinessClock>>>,
}

/// The position of a token: a node of the ticket's flow, or `flow#node` inside a sub-flow.
fn split(position: &str) -> (Option<&str>, &str) {
    match position.split_once('#') {
        Some((flow, node)) => (Some(flow), node),
        None => (None, position),
    }
}

/// The ticket members an expression sees as text.
const TEXT_MEMBERS: [&str; 9] = [
    "id", "title", "text", "status", "node", "priority", "channel", "region", "assignee",
];

/// The text of a ticket member as expressions see it (absent values are empty text).
fn member_text<'t>(t: &'t Ticket, member: &str) -> Option<&'t str> {
    let optional = |value: &'t Option<String>| value.as_deref().unwrap_or_default();
    Some(match member {
        "id" => &t.id,
        "title" => &t.input.title,
        "text" => &t.input.text,
        "status" => optional(&t.status),
        "node" => t.at.first().map_or("", |n| n),
        "priority" => t.priority,
        "channel" => optional(&t.input.channel),
        "region" => optional(&t.input.region),
        "assignee" => t.assignee.as_deref().unwrap_or_default(),
        _ => return None,
    })
}

/// The text or number at a path of an expression's context, when it is one of the ticket's
/// text members, its amount, or a field holding text or a number.
fn found<'t>(t: &'t Ticket, path: &[String]) -> Option<Found<'t>> {
    match path {
        [root, member] if root == "ticket" => match member.as_str() {
            "amount" => t.input.amount.map(Found::Number),
            "price" => t.quote.as_ref().map(|q| Found::Number(q.total)),
            member => member_text(t, member).map(Found::Text),
        },
        [root, fields, name] if root == "ticket" && fields == "fields" => {
            match t.fields.get(name)? {
                Value::String(text) => Some(Found::Text(text)),
                // Converted exactly as zen converts it.
                number @ Value::Number(_) => match Variable::from(number) {
                    Variable::Number(n) => Some(Found::Number(n)),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// A fast hasher for the engine's own lookups (not exposed to input an attacker controls at
/// scale: keys are the bundle's names and indices).
type Fast = std::hash::BuildHasherDefault<ahash::AHasher>;

/// Where a flow expression lives in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ExprAt<'b> {
    SlaWhen {
        fi: usize,
        p: usize,
    },
    NotifyWhen {
        fi: usize,
        r: usize,
    },
    Branch(NodeAt, usize),
    Guard(NodeAt, usize),
    Value(NodeAt, usize),
    Payload(EventAt, &'b str),
    /// A `price` step's line quantity: (node, step, line).
    PriceQuantity(NodeAt, usize, usize),
    /// A `price` step's context value: (node, step, key).
    PriceContext(NodeAt, usize, &'b str),
}

impl std::fmt::Display for ExprAt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::SlaWhen { fi, p } => write!(f, "/flows/{fi}/sla/{p}/when"),
            Self::NotifyWhen { fi, r } => write!(f, "/flows/{fi}/notifications/{r}/when"),
            Self::Branch(at, b) => write!(f, "{at}/branches/{b}/when"),
            Self::Guard(at, k) => write!(f, "{at}/actions/{k}/guard"),
            Self::Value(at, s) => write!(f, "{at}/steps/{s}/value"),
            Self::Payload(place, name) => write!(f, "{place}/payload/{}", Escaped(name)),
            Self::PriceQuantity(at, s, l) => write!(f, "{at}/steps/{s}/lines/{l}/quantity"),
            Self::PriceContext(at, s, key) => {
                write!(f, "{at}/steps/{s}/context/{}", Escaped(key))
            }
        }
    }
}

/// A node of the bundle, written as its JSON pointer (`/flows/0/nodes/3`) only when needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct NodeAt {
    fi: usize,
    ni: usize,
}

impl std::fmt::Display for NodeAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "/flows/{}/nodes/{}", self.fi, self.ni)
    }
}

/// Which events of a node: its own (`emit`), a step's, an action's or an approval outcome's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum List {
    Emit,
    Step(usize),
    Action(usize),
    Outcome(&'static str),
}

/// One event of a node; its payload's expressions live under this pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct EventAt {
    node: NodeAt,
    list: List,
    e: usize,
}

impl std::fmt::Display for EventAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (node, e) = (self.node, self.e);
        match self.list {
            List::Emit => write!(f, "{node}/emit/{e}"),
            // A step is the event itself.
            List::Step(s) => write!(f, "{node}/steps/{s}"),
            List::Action(k) => write!(f, "{node}/actions/{k}/emit/{e}"),
            List::Outcome(key) => write!(f, "{node}/{key}/emit/{e}"),
        }
    }
}

/// A `price` step of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PriceAt {
    node: NodeAt,
    s: usize,
}

impl std::fmt::Display for PriceAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/steps/{}", self.node, self.s)
    }
}

/// An expression's value as a quote request holds it: numbers as decimal text (exactly, as
/// amounts travel), text as text, anything else as JSON (which the request's reader refuses
/// with its pointer).
fn request_value(value: &Variable) -> Value {
    match value {
        Variable::Number(n) => Value::String(n.normalize().to_string()),
        Variable::String(s) => Value::String(s.to_string()),
        other => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

/// A pointer into the request a `price` step made, as a pointer into the step: `/lines/i/…`
/// to the step line it came from, `/context/key…` to the step's `context/key`, anything else
/// to the step itself.
fn step_pointer(step: &str, path: &str, line_of: &[usize]) -> String {
    if let Some(rest) = path.strip_prefix("/lines/") {
        let (index, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if let Some(l) = index.parse::<usize>().ok().and_then(|i| line_of.get(i)) {
            return if tail.is_empty() {
                format!("{step}/lines/{l}")
            } else {
                format!("{step}/lines/{l}/{tail}")
            };
        }
    }
    if let Some(rest) = path.strip_prefix("/context/") {
        let key = rest.split('/').next().unwrap_or(rest);
        return format!("{step}/context/{key}");
    }
    step.to_owned()
}

/// A JSON pointer segment: `~` and `/` escaped.
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in self.0.split_inclusive(['~', '/']) {
            match part.strip_suffix('~') {
                Some(head) => write!(f, "{head}~0")?,
                None => match part.strip_suffix('/') {
                    Some(head) => write!(f, "{head}~1")?,
                    None => f.write_str(part)?,
                },
            }
        }
        Ok(())
    }
}

/// Something that falls due: a scheduled item, or an SLA clock's warning, breach or escalation.
/// Ties at one instant fire in this order (breaches, escalations in the policy's order,
/// scheduled items in the order they were scheduled, warnings), targets by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Due {
    Breach(&'static str),
    Escalation(usize, &'static str),
    Pending(usize),
    Warning(&'static str),
}

impl Due {
    /// The SLA target of a clock's moment (empty for scheduled items).
    fn target(self) -> &'static str {
        match self {
            Due::Breach(t) | Due::Escalation(_, t) | Due::Warning(t) => t,
            Due::Pending(_) => "",
        }
    }
}

impl<'b> Engine<'b> {
    pub fn new(bundle: &'b Bundle) -> Self {
        Self {
            bundle,
            vm: VM::new(),
            pointer: String::with_capacity(64),
            exprs: std::collections::HashMap::default(),
            names: std::cell::RefCell::default(),
            clocks: std::cell::RefCell::default(),
        }
    }

    fn flow(&self, id: &str) -> Option<(usize, &'b Flow)> {
        self.bundle
            .doc()
            .flows
            .iter()
            .enumerate()
            .find(|(_, f)| f.id.as_str() == id)
    }

    fn node(&self, t: &Ticket, position: &str) -> Option<(usize, &'b Flow, usize, &'b Node)> {
        let (flow, node) = split(position);
        let (fi, flow) = self.flow(flow.unwrap_or(&t.flow))?;
        let (ni, n) = flow
            .nodes
            .iter()
            .enumerate()
            .find(|(_, n)| n.id().as_str() == node)?;
        Some((fi, flow, ni, n))
    }

    /// The zen context of a ticket for `expr`: `ticket`, `now`, and `action` when given, with
    /// only the members `expr` reads (an expression reading `ticket.fields` costs no stamps).
    fn context(
        expr: &Expr,
        t: &Ticket,
        now: DateTime<Utc>,
        action: Option<(&str, &Map<String, Value>)>,
    ) -> Variable {
        // Built straight as zen values: no JSON tree in between.
        let text = |s: &str| Variable::String(s.into());
        let list = |items: &[String]| {
            Variable::from_array(
                items
                    .iter()
                    .map(|s| Variable::String(s.as_str().into()))
                    .collect(),
            )
        };
        let object = |map: &Map<String, Value>| {
            Variable::from_object(
                map.iter()
                    .map(|(k, v)| (k.as_str().into(), Variable::from(v)))
                    .collect(),
            )
        };
        let mut root = VariableMap::with_capacity(3);
        if expr.reads().iter().any(|r| r == "ticket") {
            let mut ticket = VariableMap::with_capacity(16);
            let mut add = |name: &'static str, value: &dyn Fn() -> Variable| {
                if expr.reads_member("ticket", name) {
                    ticket.insert(name.into(), value());
                }
            };
            for name in TEXT_MEMBERS {
                add(name, &|| text(member_text(t, name).unwrap_or_default()));
            }
            add("region_path", &|| list(&t.region_path));
            add("created_at", &|| text(&stamp(t.created)));
            add("tags", &|| list(&t.input.tags));
            add("customer", &|| object(&t.input.customer));
            add("fields", &|| object(&t.fields));
            if let Some(amount) = t.input.amount {
                // Amounts are numbers to expressions.
                add("amount", &|| Variable::Number(amount));
            }
            if let Some(quote) = &t.quote {
                add("price", &|| Variable::Number(quote.total));
            }
            root.insert("ticket".into(), Variable::from_object(ticket));
        }
        if expr.reads().iter().any(|r| r == "now") {
            root.insert("now".into(), text(&stamp(now)));
        }
        if let Some((name, data)) = action {
            let mut map = VariableMap::with_capacity(2);
            map.insert("name".into(), text(name));
            map.insert("data".into(), object(data));
            root.insert("action".into(), Variable::from_object(map));
        }
        Variable::from_object(root)
    }

    /// The position of node `id` in the flow of `prefix` (`sub#` inside a sub-flow).
    fn here(&self, prefix: &str, id: &crate::format::Id) -> Name {
        if prefix.is_empty() {
            self.name(id.as_str())
        } else {
            self.name(&format!("{prefix}{}", id.as_str()))
        }
    }

    /// Who acted: one of the bundle's agents is a shared name; any other text the host sends
    /// is not kept in the engine's names (they stay bounded by the bundle).
    fn agent_name(&self, who: &str) -> Name {
        if self
            .bundle
            .doc()
            .org
            .agents
            .iter()
            .any(|a| a.id.as_str() == who)
        {
            self.name(who)
        } else {
            Name::from(who)
        }
    }

    /// `text` as a shared name, allocated once per engine.
    fn name(&self, text: &str) -> Name {
        let mut names = self.names.borrow_mut();
        if let Some(name) = names.get(text) {
            return Name::clone(name);
        }
        let name = Name::from(text);
        names.insert(text.into(), Name::clone(&name));
        name
    }

    /// The bundle's compiled expression at `at`, its JSON pointer written and looked up once
    /// per engine.
    fn expr(&mut self, at: ExprAt<'b>) -> Option<&'b Expr> {
        use std::fmt::Write as _;
        if let Some(found) = self.exprs.get(&at) {
            return *found;
        }
        self.pointer.clear();
        let found = match write!(self.pointer, "{at}") {
            Ok(()) => self.bundle.expr(&self.pointer),
            Err(_) => None,
        };
        self.exprs.insert(at, found);
        found
    }

    /// Whether a condition holds; a missing condition does not.
    fn holds(
        &mut self,
        expr: Option<&Expr>,
        t: &Ticket,
        now: DateTime<Utc>,
        action: Option<(&str, &Map<String, Value>)>,
    ) -> bool {
        let Some(expr) = expr else {
            return false;
        };
        matches!(self.eval(expr, t, now, action), Some(Variable::Bool(true)))
    }

    /// A notification rule's condition: the ticket's context plus `event` (`name`, `node`).
    fn holds_for_event(
        &mut self,
        expr: Option<&Expr>,
        t: &Ticket,
        now: DateTime<Utc>,
        event: &str,
        node: &str,
    ) -> bool {
        let Some(expr) = expr else {
            return false;
        };
        let context = Self::context(expr, t, now, None);
        if let Variable::Object(map) = &context {
            let value = Variable::from(json!({"name": event, "node": node}));
            map.borrow_mut().insert("event".into(), value);
        }
        matches!(
            expr.evaluate_in(context, &mut self.vm, self.bundle),
            Ok(Variable::Bool(true))
        )
    }

    fn eval(
        &mut self,
        expr: &Expr,
        t: &Ticket,
        now: DateTime<Utc>,
        action: Option<(&str, &Map<String, Value>)>,
    ) -> Option<Variable> {
        self.evaluate(expr, t, now, action).ok()
    }

    /// [`Engine::eval`], with zen's reason when the expression fails.
    fn evaluate(
        &mut self,
        expr: &Expr,
        t: &Ticket,
        now: DateTime<Utc>,
        action: Option<(&str, &Map<String, Value>)>,
    ) -> Result<Variable, String> {
        // A comparison of a ticket value with a literal, answered without zen when the value
        // has the literal's type; a read of a text member, likewise.
        if let Some(simple) = expr.simple()
            && let Some(found) = found(t, simple.path())
        {
            match (simple, found) {
                (Simple::Read(_), Found::Text(text)) => return Ok(Variable::String(text.into())),
                _ => {
                    if let Some(answer) = simple.holds(found) {
                        return Ok(Variable::Bool(answer));
                    }
                }
            }
        }
        expr.evaluate_in(
            Self::context(expr, t, now, action),
            &mut self.vm,
            self.bundle,
        )
    }

    fn log(t: &mut Ticket, at: DateTime<Utc>, what: What) {
        t.log.push(Happening {
            at: Stamp(at),
            what,
        });
    }

    /// Applies `command` to `ticket` (none for `Create`): the new ticket and what happened, or
    /// a refusal with the ticket untouched. A convenience over [`Engine::open`] and
    /// [`Engine::apply_to`] that copies the ticket; hosts that keep tickets apply in place.
    pub fn apply(
        &mut self,
        ticket: Option<&Ticket>,
        command: &Command,
    ) -> Result<(Ticket, Vec<Happening>), Refusal> {
        match ticket {
            None => {
                let t = self.open(command)?;
                let happened = t.log.clone();
                Ok((t, happened))
            }
            Some(original) => {
                let mut t = original.clone();
                let start = self.apply_to(&mut t, command)?;
                let happened = t.log.get(start..).unwrap_or_default().to_vec();
                Ok((t, happened))
            }
        }
    }

    /// Opens a ticket with a `Create` command; its log holds what happened.
    pub fn open(&mut self, command: &Command) -> Result<Ticket, Refusal> {
        let CommandKind::Create {
            flow,
            ticket: input,
        } = &command.kind
        else {
            return Err(refuse(
                "no-ticket",
                "请先创建工单",
                "create the ticket first",
            ));
        };
        self.create(flow, input, command.at.with_timezone(&Utc))
    }

    /// Applies `command` to `ticket` in place and returns where its happenings begin in the
    /// log (`&ticket.log[start..]`). A refused command leaves the ticket exactly as it was.
    pub fn apply_to(&mut self, t: &mut Ticket, command: &Command) -> Result<usize, Refusal> {
        let now = command.at.with_timezone(&Utc);
        if matches!(command.kind, CommandKind::Create { .. }) {
            return Err(refuse(
                "exists",
                "工单已经创建",
                "the ticket already exists",
            ));
        }
        if now < t.last {
            return Err(refuse(
                "time-backwards",
                format!("时间 {} 早于工单的上一条记录 {}", stamp(now), stamp(t.last)),
                format!(
                    "{} is before the ticket's last event at {}",
                    stamp(now),
                    stamp(t.last)
                ),
            ));
        }
        let start = t.log.len();
        // What fell due fires before the command is checked, so a refusal must undo it: keep a
        // copy only then. The commands themselves refuse before they change anything.
        let due = self.next(t).filter(|(at, _)| *at <= now);
        let backup = due.map(|_| t.clone());
        if let Some(first) = due {
            self.fire_due(t, now, first);
        }
        match self.command(t, command, now) {
            Ok(()) => {
                t.last = now;
                Ok(start)
            }
            Err(refusal) => {
                match backup {
                    Some(backup) => *t = backup,
                    None => t.log.truncate(start),
                }
                Err(refusal)
            }
        }
    }

    /// One command on a ticket whose due items have fired.
    fn command(
        &mut self,
        t: &mut Ticket,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        if t.closed
            && !matches!(
                command.kind,
                CommandKind::Tick | CommandKind::Acknowledge { .. }
            )
        {
            return Err(refuse("closed", "工单已关闭", "the ticket is closed"));
        }
        match &command.kind {
            CommandKind::Create { .. } | CommandKind::Tick => {}
            CommandKind::Act { action, by, data } => {
                self.act(t, action, by.as_deref(), data, now)?
            }
            CommandKind::Assign { to } => {
                if !self
                    .bundle
                    .doc()
                    .org
                    .agents
                    .iter()
                    .any(|a| a.id.as_str() == to)
                {
                    return Err(refuse(
                        "unknown-agent",
                        format!("没有人员「{to}」"),
                        format!("no agent `{to}`"),
                    ));
                }
                t.assignee = Some(self.name(to));
                let node = t.at.first().cloned().unwrap_or_default();
                Self::log(
                    t,
                    now,
                    What::Assigned {
                        node: node.clone(),
                        to: self.name(to),
                        reason: self.name("manual"),
                        rotation: None,
                    },
                );
                self.notify(t, NotifyEvent::Assigned, &node, now);
            }
            CommandKind::Comment { by, customer } => {
                Self::log(
                    t,
                    now,
                    What::Commented {
                        by: by.clone(),
                        customer: *customer,
                    },
                );
                if *customer {
                    self.start_clock(t, "next_update", now);
                } else {
                    self.stop_clock(t, "first_response", now);
                    self.stop_clock(t, "next_update", now);
                }
            }
            CommandKind::Pause => {
                if t.paused {
                    return Err(refuse(
                        "paused",
                        "工单已暂停",
                        "the ticket is already paused",
                    ));
                }
                self.pause(t, now);
            }
            CommandKind::Resume => {
                if !t.paused {
                    return Err(refuse(
                        "not-paused",
                        "工单没有暂停",
                        "the ticket is not paused",
                    ));
                }
                self.resume(t, now);
            }
            CommandKind::Acknowledge { notification } => {
                let before = t.pending.len();
                t.pending.retain(|(_, p)| !matches!(p, Pending::Fallback { notification: n, .. } if n == notification));
                if t.pending.len() == before {
                    return Err(refuse(
                        "unknown-notification",
                        format!("没有待确认的通知「{notification}」"),
                        format!("no notification `{notification}` awaits acknowledgement"),
                    ));
                }
            }
            CommandKind::ScheduleArrival { at } => {
                let node = t.at.first().cloned().unwrap_or_default();
                self.notify_at(t, NotifyEvent::TechnicianArriving, &node, now, Some(*at));
            }
            CommandKind::Loads { loads } => t.loads = loads.clone(),
            CommandKind::Rotation { rotation } => t.rotation = rotation.clone(),
        }
        Ok(())
    }

    fn create(
        &mut self,
        flow_id: &str,
        input: &std::sync::Arc<TicketInput>,
        now: DateTime<Utc>,
    ) -> Result<Ticket, Refusal> {
        let Some((fi, flow)) = self.flow(flow_id) else {
            return Err(refuse(
                "unknown-flow",
                format!("没有流程「{flow_id}」"),
                format!("no flow `{flow_id}`"),
            ));
        };
        let priority = match input.priority.as_deref() {
            None => "normal",
            Some(given) => match ["urgent", "high", "normal", "low"]
                .into_iter()
                .find(|p| *p == given)
            {
                Some(known) => known,
                None => {
                    return Err(refuse(
                        "bad-priority",
                        format!("优先级「{given}」无效"),
                        format!("unknown priority `{given}`"),
                    ));
                }
            },
        };
        let region_path = input
            .region
            .as_deref()
            .map(|r| {
                self.bundle
                    .region_path(r)
                    .unwrap_or_else(|| vec![r.to_owned()])
            })
            .unwrap_or_default();
        let mut t = Ticket {
            id: input.id.clone(),
            flow: flow_id.to_owned(),
            closed: false,
            at: Vec::new(),
            assignee: None,
            priority,
            status: None,
            sla_policy: None,
            clocks: Vec::new(),
            paused: false,
            quote: None,
            input: std::sync::Arc::clone(input),
            fields: input.fields.clone(),
            region_path,
            created: now,
            last: now,
            pause_started: None,
            joins: Default::default(),
            returns: Vec::new(),
            pending: Vec::new(),
            loads: input.loads.clone(),
            rotation: input.rotation.clone(),
            fired: Vec::new(),
            sequence: 0,
            // Room for a typical ticket's life without regrowing.
            log: Vec::with_capacity(32),
        };
        Self::log(
            &mut t,
            now,
            What::Created {
                flow: flow_id.to_owned(),
                priority,
            },
        );
        // The first SLA policy whose condition holds; one without a condition is the fallback.
        for (p, policy) in flow.sla.iter().enumerate() {
            let applies = policy.when.is_none() || {
                let when = self.expr(ExprAt::SlaWhen { fi, p });
                self.holds(when, &t, now, None)
            };
            if applies {
                t.sla_policy = Some(policy.id.0.clone());
                break;
            }
        }
        self.start_clock(&mut t, "first_response", now);
        self.start_clock(&mut t, "resolution", now);
        self.notify(&mut t, NotifyEvent::Created, "", now);
        let start = flow
            .nodes
            .iter()
            .find_map(|n| match n {
                Node::Start { id, .. } => Some(id.0.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let start = self.name(&start);
        self.enter(&mut t, start, now, 0);
        Ok(t)
    }

    fn policy(&self, t: &Ticket) -> Option<(usize, usize)> {
        let (fi, flow) = self.flow(&t.flow)?;
        let name = t.sla_policy.as_deref()?;
        let p = flow.sla.iter().position(|p| p.id.as_str() == name)?;
        Some((fi, p))
    }

    /// The ticket's SLA policy, if one applies.
    fn sla_policy(&self, t: &Ticket) -> Option<&'b crate::format::flow::SlaPolicy> {
        let (fi, p) = self.policy(t)?;
        self.bundle.doc().flows.get(fi)?.sla.get(p)
    }

    /// The business clock of the ticket's SLA calendar (policy's, else flow's).
    fn business(&self, t: &Ticket) -> Option<std::rc::Rc<BusinessClock>> {
        let (fi, flow) = self.flow(&t.flow)?;
        let policy = self
            .policy(t)
            .filter(|(f, _)| *f == fi)
            .and_then(|(_, p)| flow.sla.get(p));
        let id = policy
            .and_then(|p| p.calendar.as_ref())
            .or(flow.calendar.as_ref())?;
        if let Some(clock) = self.clocks.borrow().get(id.as_str()) {
            return Some(std::rc::Rc::clone(clock));
        }
        let calendar = self.bundle.doc().calendars.iter().find(|c| c.id == *id)?;
        let zone = calendar
            .time_zone
            .as_ref()
            .or(self.bundle.doc().time_zone.as_ref())
            .and_then(|z| z.as_str().parse().ok())
            .unwrap_or(chrono_tz::Tz::UTC);
        let clock = std::rc::Rc::new(BusinessClock::new(calendar, zone));
        self.clocks
            .borrow_mut()
            .insert(id.0.clone(), std::rc::Rc::clone(&clock));
        Some(clock)
    }

    fn start_clock(&mut self, t: &mut Ticket, target: &'static str, now: DateTime<Utc>) {
        let Some(policy) = self.sla_policy(t) else {
            return;
        };
        let spec = match target {
            "first_response" => policy.targets.first_response.as_ref(),
            "next_update" => policy.targets.next_update.as_ref(),
            _ => policy.targets.resolution.as_ref(),
        };
        let Some(spec) = spec else { return };
        if t.clocks
            .iter()
            .any(|c| c.target == target && c.stopped.is_none())
        {
            return;
        }
        let minutes = span(Some(&spec.within)).unwrap_or(0);
        let due = self.due(t, now, minutes, spec.business_time);
        t.clocks.retain(|c| c.target != target);
        t.fired.retain(|f| f.target() != target);
        t.clocks.push(Clock {
            target,
            started: Stamp(now),
            due: due.map(Stamp),
            stopped: None,
            breached: false,
            minutes,
            business: spec.business_time,
        });
        if let Some(due) = due {
            Self::log(
                t,
                now,
                What::SlaStarted {
                    target,
                    due: Stamp(due),
                },
            );
        }
    }

    fn due(
        &self,
        t: &Ticket,
        start: DateTime<Utc>,
        minutes: i64,
        business: bool,
    ) -> Option<DateTime<Utc>> {
        if business {
            self.business(t).and_then(|c| c.add(start, minutes))
        } else {
            add_calendar(start, minutes)
        }
    }

    fn stop_clock(&mut self, t: &mut Ticket, target: &'static str, now: DateTime<Utc>) {
        let mut stopped = false;
        for clock in t
            .clocks
            .iter_mut()
            .filter(|c| c.target == target && c.stopped.is_none())
        {
            clock.stopped = Some(Stamp(now));
            stopped = true;
        }
        if stopped {
            Self::log(t, now, What::SlaStopped { target });
        }
    }

    fn pause(&mut self, t: &mut Ticket, now: DateTime<Utc>) {
        t.paused = true;
        t.pause_started = Some(now);
        Self::log(t, now, What::Paused);
    }

    /// Resuming moves every running clock's due time by the time paused (working time for a
    /// business clock), so pausing never makes a due time earlier.
    fn resume(&mut self, t: &mut Ticket, now: DateTime<Utc>) {
        let Some(since) = t.pause_started.take() else {
            return;
        };
        t.paused = false;
        let business = self.business(t);
        for clock in t
            .clocks
            .iter_mut()
            .filter(|c| c.stopped.is_none() && !c.breached)
        {
            let Some(Stamp(due)) = clock.due else {
                continue;
            };
            let moved = if clock.business {
                business.as_ref().and_then(|b| {
                    let left = if due > since {
                        b.between(since, due)
                    } else {
                        0
                    };
                    b.add(now, left)
                })
            } else {
                let left = due - since;
                now.checked_add_signed(left.max(Duration::zero()))
            };
            if let Some(moved) = moved {
                let moved = moved.max(due);
                clock.due = Some(Stamp(moved));
            }
        }
        Self::log(t, now, What::Resumed);
    }

    /// Fires, in time order, everything due up to `now`, starting with `first`.
    fn fire_due(&mut self, t: &mut Ticket, now: DateTime<Utc>, first: (DateTime<Utc>, Due)) {
        let mut due = Some(first);
        // A bounded loop: each round fires at least one thing or stops.
        for _ in 0..10_000 {
            let Some((at, key)) = due else {
                return;
            };
            self.fire(t, at, key);
            due = self.next(t).filter(|(at, _)| *at <= now);
        }
    }

    /// The next thing due.
    fn next(&self, t: &Ticket) -> Option<(DateTime<Utc>, Due)> {
        let mut best: Option<(DateTime<Utc>, Due)> = None;
        let mut consider = |at: DateTime<Utc>, key: Due| {
            if best.is_none_or(|b| (at, key) < b) {
                best = Some((at, key));
            }
        };
        for (i, (at, _)) in t.pending.iter().enumerate() {
            consider(*at, Due::Pending(i));
        }
        if t.paused || t.closed {
            return best;
        }
        let Some(policy) = self.sla_policy(t) else {
            return best;
        };
        let warn = span(policy.warn_before.as_ref());
        for clock in t.clocks.iter().filter(|c| c.stopped.is_none()) {
            let Some(Stamp(due)) = clock.due else {
                continue;
            };
            let warning = warn.and_then(|w| due.checked_sub_signed(Duration::minutes(w)));
            let mut unfired = |at: DateTime<Utc>, key: Due| {
                if !t.fired.contains(&key) {
                    consider(at, key);
                }
            };
            if let Some(w) = warning {
                unfired(w, Due::Warning(clock.target));
            }
            unfired(due, Due::Breach(clock.target));
            for (e, escalation) in policy.escalations.iter().enumerate() {
                if target_name(escalation.target) != clock.target {
                    continue;
                }
                let moment = match escalation.on {
                    SlaMoment::Warning => warning,
                    SlaMoment::Breach => Some(due),
                };
                let after = span(escalation.after.as_ref()).unwrap_or(0);
                if let Some(at) =
                    moment.and_then(|m| m.checked_add_signed(Duration::minutes(after)))
                {
                    unfired(at, Due::Escalation(e, clock.target));
                }
            }
        }
        best
    }

    fn fire(&mut self, t: &mut Ticket, at: DateTime<Utc>, key: Due) {
        if let Due::Pending(i) = key {
            if i >= t.pending.len() {
                return;
            }
            let (_, pending) = t.pending.remove(i);
            match pending {
                Pending::Event { name, payload } => Self::log(t, at, What::Event { name, payload }),
                Pending::Deadline { node, due, breach } => {
                    if breach {
                        Self::log(
                            t,
                            at,
                            What::DeadlineBreach {
                                node: node.clone(),
                                due: Stamp(due),
                            },
                        );
                        self.notify(t, NotifyEvent::DeadlineBreach, &node, at);
                    } else {
                        Self::log(
                            t,
                            at,
                            What::DeadlineWarning {
                                node: node.clone(),
                                due: Stamp(due),
                            },
                        );
                        self.notify(t, NotifyEvent::DeadlineWarning, &node, at);
                    }
                }
                Pending::Reminder { node, every } => {
                    if t.at.contains(&node) {
                        self.notify(t, NotifyEvent::Reminder, &node, at);
                        if let Some(next) = at.checked_add_signed(Duration::minutes(every)) {
                            t.pending.push((next, Pending::Reminder { node, every }));
                        }
                    }
                }
                Pending::Message(intent) => Self::log(t, at, What::Notify(intent)),
                Pending::Fallback { intent, .. } => Self::log(t, at, What::Notify(intent)),
            }
            return;
        }
        t.fired.push(key);
        let target = key.target();
        let Some(due) = t
            .clocks
            .iter()
            .find(|c| c.target == target)
            .and_then(|c| c.due)
        else {
            return;
        };
        match key {
            Due::Pending(_) => {}
            Due::Warning(_) => {
                Self::log(t, at, What::SlaWarning { target, due });
                let node = t.at.first().cloned().unwrap_or_default();
                self.notify(t, NotifyEvent::SlaWarning, &node, at);
            }
            Due::Breach(_) => {
                if let Some(c) = t.clocks.iter_mut().find(|c| c.target == target) {
                    c.breached = true;
                }
                Self::log(t, at, What::SlaBreach { target, due });
                let node = t.at.first().cloned().unwrap_or_default();
                self.notify(t, NotifyEvent::SlaBreach, &node, at);
            }
            Due::Escalation(e, _) => {
                let Some(escalation) = self.sla_policy(t).and_then(|p| p.escalations.get(e)) else {
                    return;
                };
                match &escalation.action {
                    EscalationAction::Reassign { to } => {
                        let chosen = self.pick(t, to, None);
                        let detail = chosen.clone().unwrap_or_else(|| pool_name(to));
                        t.assignee = chosen.as_deref().map(|c| self.name(c));
                        Self::log(
                            t,
                            at,
                            What::Escalated {
                                target,
                                action: "reassign".into(),
                                detail,
                            },
                        );
                    }
                    EscalationAction::Notify {
                        to,
                        channel,
                        template,
                    } => {
                        let recipients = self.recipients(t, to);
                        let channel = channel.map_or_else(
                            || self.default_channel(t),
                            |c| channel_name(c).to_owned(),
                        );
                        t.sequence += 1;
                        let intent = Notification {
                            id: format!("{}-n{}", t.id, t.sequence),
                            rule: format!("escalation-{e}"),
                            event: "escalation".into(),
                            to: recipients.clone(),
                            channel,
                            template: template
                                .as_ref()
                                .map_or_else(|| "sla_escalation".into(), |t| t.0.clone()),
                            send_at: Stamp(at),
                            values: Map::new(),
                        };
                        Self::log(
                            t,
                            at,
                            What::Escalated {
                                target,
                                action: "notify".into(),
                                detail: recipients.join(","),
                            },
                        );
                        Self::log(t, at, What::Notify(Box::new(intent)));
                    }
                    EscalationAction::SetPriority { priority } => {
                        t.priority = priority_name(*priority);
                        Self::log(
                            t,
                            at,
                            What::Escalated {
                                target,
                                action: "set_priority".into(),
                                detail: t.priority.to_owned(),
                            },
                        );
                    }
                }
            }
        }
    }

    fn default_channel(&self, t: &Ticket) -> String {
        if t.priority == "urgent" {
            "wecom".into()
        } else {
            "sms".into()
        }
    }

    /// The first candidate of a pool, those serving the ticket's region first.
    fn pick(&self, t: &Ticket, pool: &Pool, dispatch: Option<&Dispatch>) -> Option<String> {
        let mut candidates = self.candidates(t, Some(pool), dispatch);
        let elsewhere = |a: &crate::format::org::Agent| {
            !a.regions
                .iter()
                .any(|r| t.region_path.iter().any(|p| p == r.as_str()))
        };
        crate::sort::by(&mut candidates, &|a, b| elsewhere(a).cmp(&elsewhere(b)));
        candidates.first().map(|a| a.id.0.clone())
    }

    /// Agents of a pool (every agent without one), filtered by the dispatch's skills and region,
    /// ordered by the strategy; deterministic given the ticket and the loads the host gave.
    fn candidates(
        &self,
        t: &Ticket,
        pool: Option<&Pool>,
        dispatch: Option<&Dispatch>,
    ) -> Vec<&'b crate::format::org::Agent> {
        let org = &self.bundle.doc().org;
        let mut agents: Vec<&crate::format::org::Agent> = org
            .agents
            .iter()
            .filter(|a| match pool {
                None => true,
                Some(p) => {
                    p.agent.as_ref().is_some_and(|id| a.id == *id)
                        || p.role.as_ref().is_some_and(|r| a.roles.contains(r))
                        || p.team.as_ref().is_some_and(|team| {
                            a.team.as_ref() == Some(team)
                                || org
                                    .teams
                                    .iter()
                                    .any(|tm| tm.id == *team && tm.members.contains(&a.id))
                        })
                }
            })
            .collect();
        let serves = |a: &crate::format::org::Agent| {
            a.regions
                .iter()
                .any(|r| t.region_path.iter().any(|p| p == r.as_str()))
        };
        if let Some(d) = dispatch {
            agents.retain(|a| d.skills.iter().all(|s| a.skills.contains(s)));
            if d.same_region {
                agents.retain(|a| serves(a));
            }
        }
        let load = |a: &crate::format::org::Agent| t.loads.get(a.id.as_str()).copied().unwrap_or(0);
        let has_room = |a: &crate::format::org::Agent| a.capacity.is_none_or(|c| load(a) < c);
        let strategy = dispatch.map(|d| d.strategy);
        // One compiled sort for every strategy's key (see `sort.rs`).
        type Agent = crate::format::org::Agent;
        match strategy {
            Some(Strategy::ByRegion) => {
                let key = |a: &'b Agent| (!serves(a), !has_room(a), load(a), a.id.as_str());
                crate::sort::by(&mut agents, &|a, b| key(a).cmp(&key(b)));
            }
            Some(Strategy::BySkill) => {
                let wanted = dispatch.map_or(&[][..], |d| d.skills.as_slice());
                let key = |a: &'b Agent| {
                    (
                        std::cmp::Reverse(a.skills.iter().filter(|s| wanted.contains(s)).count()),
                        !has_room(a),
                        load(a),
                        a.id.as_str(),
                    )
                };
                crate::sort::by(&mut agents, &|a, b| key(a).cmp(&key(b)));
            }
            Some(Strategy::LeastLoaded) | None => {
                let key = |a: &'b Agent| (!has_room(a), load(a), a.id.as_str());
                crate::sort::by(&mut agents, &|a, b| key(a).cmp(&key(b)));
            }
            Some(Strategy::RoundRobin) => {
                // Candidates in turn, by agent id: the first after the agent the previous
                // ticket of this rotation went to (the host says who), wrapping round; the
                // first of all when the host names none. Agents at capacity wait their turn
                // behind those with room.
                crate::sort::by(&mut agents, &|a, b| a.id.as_str().cmp(b.id.as_str()));
                if let Some(last) = t.rotation.get(&rotation_name(pool)) {
                    let turn = agents
                        .iter()
                        .position(|a| a.id.as_str() > last.as_str())
                        .unwrap_or(0);
                    agents.rotate_left(turn);
                }
                crate::sort::by(&mut agents, &|a, b| (!has_room(a)).cmp(&!has_room(b)));
            }
            Some(Strategy::Team | Strategy::Role) => agents.clear(),
        }
        agents
    }

    /// Keyword triage, dispatch and the owner of a task or approval.
    fn dispatch(&mut self, t: &mut Ticket, node: &str, dispatch: &Dispatch, now: DateTime<Utc>) {
        let mut pool = dispatch.to.as_ref();
        let mut jump = dispatch.vip_jump_queue
            && t.input
                .customer
                .get("tier")
                .and_then(Value::as_str)
                .is_some_and(|tier| {
                    tier.eq_ignore_ascii_case("vip") || tier.eq_ignore_ascii_case("svip")
                });
        for rule in &dispatch.triage {
            let said = |k: &String| {
                t.input.title.contains(k.as_str()) || t.input.text.contains(k.as_str())
            };
            if rule.keywords.iter().any(said) {
                if let Some(to) = &rule.to {
                    pool = Some(to);
                }
                if let Some(p) = rule.priority {
                    t.priority = priority_name(p);
                    Self::log(
                        t,
                        now,
                        What::Priority {
                            priority: t.priority,
                            reason: self.name(&format!("triage: {}", rule.keywords.join("/"))),
                        },
                    );
                }
                jump |= rule.jump_queue;
                break;
            }
        }
        match dispatch.strategy {
            Strategy::Team | Strategy::Role => {
                let queue = pool.map_or_else(String::new, pool_name);
                let queue = if jump {
                    format!("{queue} (front)")
                } else {
                    queue
                };
                t.assignee = None;
                Self::log(
                    t,
                    now,
                    What::Queued {
                        node: node.into(),
                        queue,
                    },
                );
            }
            _ => {
                let candidates = self.candidates(t, pool, Some(dispatch));
                match candidates.first() {
                    Some(chosen) => {
                        let chosen = self.name(chosen.id.as_str());
                        t.assignee = Some(Name::clone(&chosen));
                        let reason = if jump {
                            self.name(&format!("{}, vip first", strategy_name(dispatch.strategy)))
                        } else {
                            self.name(strategy_name(dispatch.strategy))
                        };
                        let rotation = (dispatch.strategy == Strategy::RoundRobin).then(|| {
                            let rotation = rotation_name(pool);
                            // The ticket's own later round-robin dispatches continue from here.
                            t.rotation.insert(rotation.clone(), chosen.to_string());
                            rotation
                        });
                        Self::log(
                            t,
                            now,
                            What::Assigned {
                                node: node.into(),
                                to: chosen,
                                reason,
                                rotation,
                            },
                        );
                        self.notify(t, NotifyEvent::Assigned, node, now);
                    }
                    None => {
                        t.assignee = None;
                        let queue = pool.map_or_else(|| "unassigned".to_owned(), pool_name);
                        let queue = if jump {
                            format!("{queue} (front)")
                        } else {
                            queue
                        };
                        Self::log(
                            t,
                            now,
                            What::Queued {
                                node: node.into(),
                                queue,
                            },
                        );
                    }
                }
            }
        }
    }

    /// Moves a token into `position` and on through nodes that need no person.
    fn enter(&mut self, t: &mut Ticket, name: Name, now: DateTime<Utc>, depth: usize) {
        let position: &str = &name;
        if depth > 256 {
            return;
        }
        let Some((fi, flow, ni, node)) = self.node(t, position) else {
            return;
        };
        let prefix = split(position)
            .0
            .map(|f| format!("{f}#"))
            .unwrap_or_default();
        let common = node.common();
        if !common.enabled {
            match common.when_disabled {
                Some(WhenDisabled::SkipTo(to)) => {
                    Self::log(
                        t,
                        now,
                        What::Skipped {
                            node: Name::clone(&name),
                            to: self.here(&prefix, to),
                        },
                    );
                    self.enter(t, self.here(&prefix, to), now, depth + 1);
                }
                _ => {
                    t.at.push(Name::clone(&name));
                    Self::log(
                        t,
                        now,
                        What::Held {
                            node: Name::clone(&name),
                        },
                    );
                }
            }
            return;
        }
        Self::log(
            t,
            now,
            What::Entered {
                node: Name::clone(&name),
            },
        );
        if let Some(status) = common.status {
            t.status = Some(status.0.clone());
        }
        self.notify(t, NotifyEvent::StateChange, position, now);
        let at = NodeAt { fi, ni };
        match node {
            Node::Start { next, .. } => self.enter(t, self.here(&prefix, next), now, depth + 1),
            Node::ParallelJoin { next, .. } => {
                // Wait for every branch of the split that leads here.
                let expected = flow
                    .nodes
                    .iter()
                    .find_map(|n| match n {
                        Node::ParallelSplit { to, join, .. }
                            if join.as_ref().is_none_or(|j| j == node.id()) =>
                        {
                            Some(to.len())
                        }
                        _ => None,
                    })
                    .unwrap_or(1);
                let arrived = t.joins.entry(position.to_owned()).or_insert(0);
                *arrived += 1;
                if *arrived >= expected {
                    t.joins.remove(position);
                    self.enter(t, self.here(&prefix, next), now, depth + 1);
                }
            }
            Node::Task {
                assign, deadline, ..
            }
            | Node::Approval {
                assign, deadline, ..
            } => {
                t.at.push(Name::clone(&name));
                self.dispatch(t, position, assign, now);
                if let Some(d) = deadline {
                    let minutes = span(Some(&d.within)).unwrap_or(0);
                    if let Some(due) = self.due(t, now, minutes, d.business_time) {
                        if let Some(warn) = span(d.warn_before.as_ref())
                            && let Some(w) = due.checked_sub_signed(Duration::minutes(warn))
                        {
                            t.pending.push((
                                w,
                                Pending::Deadline {
                                    node: Name::clone(&name),
                                    due,
                                    breach: false,
                                },
                            ));
                        }
                        t.pending.push((
                            due,
                            Pending::Deadline {
                                node: Name::clone(&name),
                                due,
                                breach: true,
                            },
                        ));
                    }
                    if let Some(every) = span(d.remind_every.as_ref()).filter(|m| *m > 0)
                        && let Some(first) = now.checked_add_signed(Duration::minutes(every))
                    {
                        t.pending.push((
                            first,
                            Pending::Reminder {
                                node: Name::clone(&name),
                                every,
                            },
                        ));
                    }
                }
                self.pause_if_listed(t, position, now);
            }
            Node::Exclusive {
                branches, default, ..
            } => {
                let mut to = None;
                for (b, branch) in branches.iter().enumerate() {
                    let when = self.expr(ExprAt::Branch(at, b));
                    if self.holds(when, t, now, None) {
                        to = Some(self.here(&prefix, &branch.to));
                        break;
                    }
                }
                if let Some(to) = to.or_else(|| default.as_ref().map(|d| self.here(&prefix, d))) {
                    self.enter(t, to, now, depth + 1);
                }
            }
            Node::ParallelSplit { to, .. } => {
                for target in to {
                    self.enter(t, self.here(&prefix, target), now, depth + 1);
                }
            }
            Node::Automatic { steps, next, .. } => {
                for (s, step) in steps.iter().enumerate() {
                    self.step(t, step, at, s, &name, now);
                }
                self.enter(t, self.here(&prefix, next), now, depth + 1);
            }
            Node::SubFlow {
                flow: sub, next, ..
            } => {
                t.returns
                    .push((sub.0.clone(), self.here(&prefix, next).to_string()));
                let start = self
                    .flow(sub.as_str())
                    .and_then(|(_, f)| {
                        f.nodes.iter().find_map(|n| match n {
                            Node::Start { id, .. } => Some(id.0.clone()),
                            _ => None,
                        })
                    })
                    .unwrap_or_default();
                let start = self.name(&format!("{}#{start}", sub.as_str()));
                self.enter(t, start, now, depth + 1);
            }
            Node::End { emit, .. } => {
                self.emit(t, emit, at, List::Emit, now);
                // The end of a sub-flow returns to its parent.
                if let (Some(sub), Some((expected, back))) =
                    (split(position).0, t.returns.last().cloned())
                    && sub == expected
                {
                    t.returns.pop();
                    let back = self.name(&back);
                    self.enter(t, back, now, depth + 1);
                    return;
                }
                t.at.clear();
                t.closed = true;
                t.assignee = None;
                // An ended ticket is in no node's status.
                t.status = None;
                let targets: Vec<&'static str> = t
                    .clocks
                    .iter()
                    .filter(|c| c.stopped.is_none())
                    .map(|c| c.target)
                    .collect();
                for target in targets {
                    self.stop_clock(t, target, now);
                }
                Self::log(
                    t,
                    now,
                    What::Closed {
                        node: Name::clone(&name),
                    },
                );
                self.notify(t, NotifyEvent::Closed, position, now);
            }
        }
    }

    /// A status belongs to the node that set it: when the ticket leaves `left`, a status that
    /// node set is dropped unless a node the ticket still waits at sets the same one. (Otherwise
    /// a pausing status would outlive its node: the next node would pause the clocks again at
    /// the instant they resumed, and nothing would ever breach.)
    fn release_status(&self, t: &mut Ticket, left: &str) {
        let status_of = |position: &str| {
            self.node(t, position)
                .and_then(|(_, _, _, node)| node.common().status.map(|s| s.as_str()))
        };
        let Some(status) = t.status.as_deref() else {
            return;
        };
        if status_of(left) != Some(status) {
            return;
        }
        if t.at.iter().any(|p| status_of(p) == Some(status)) {
            return;
        }
        t.status = None;
    }

    /// Clocks stop while the ticket waits at a node (or in a status) its policy pauses on.
    fn pause_if_listed(&mut self, t: &mut Ticket, position: &str, now: DateTime<Utc>) {
        let Some(policy) = self.sla_policy(t) else {
            return;
        };
        let listed = policy
            .pause_states
            .iter()
            .any(|s| s.as_str() == position || t.status.as_deref() == Some(s.as_str()));
        if listed && !t.paused {
            self.pause(t, now);
        } else if !listed && t.paused && t.pause_started.is_some() {
            self.resume(t, now);
        }
    }

    fn step(
        &mut self,
        t: &mut Ticket,
        step: &'b Step,
        at: NodeAt,
        s: usize,
        node: &Name,
        now: DateTime<Utc>,
    ) {
        match step {
            Step::SetField { field, .. } => {
                if let Some(expr) = self.expr(ExprAt::Value(at, s))
                    && let Some(v) = self.eval(expr, t, now, None)
                {
                    t.fields.insert(
                        field.0.clone(),
                        serde_json::to_value(&v).unwrap_or(Value::Null),
                    );
                }
            }
            Step::SetPriority { priority } => {
                t.priority = priority_name(*priority);
                Self::log(
                    t,
                    now,
                    What::Priority {
                        priority: t.priority,
                        reason: self.name("automatic"),
                    },
                );
            }
            Step::Price { lines, context } => {
                let place = PriceAt { node: at, s };
                match self.price(t, lines, context, place, now) {
                    Ok(quote) => {
                        let total = quote.total;
                        t.quote = Some(std::sync::Arc::new(quote));
                        Self::log(
                            t,
                            now,
                            What::Priced {
                                node: Name::clone(node),
                                total,
                            },
                        );
                    }
                    Err(problems) => {
                        t.quote = None;
                        Self::log(
                            t,
                            now,
                            What::PriceFailed {
                                node: Name::clone(node),
                                problems,
                            },
                        );
                    }
                }
            }
            Step::Emit {
                event,
                payload,
                delay,
            } => {
                let place = EventAt {
                    node: at,
                    list: List::Step(s),
                    e: 0,
                };
                self.emit_one(t, event, payload, delay.as_ref(), place, now);
            }
        }
    }

    /// A `price` step's quote: the request made from the ticket (see [`Step::Price`]), read
    /// by the one reader of quote requests and priced; problems point into the step.
    fn price(
        &mut self,
        t: &Ticket,
        lines: &'b [PriceLine],
        context: &'b std::collections::BTreeMap<String, crate::format::ExprSource>,
        place: PriceAt,
        now: DateTime<Utc>,
    ) -> Result<crate::price::Quote, Vec<crate::Problem>> {
        let mut problems = Vec::new();
        let failed = |problems: &mut Vec<crate::Problem>, pointer: String, why: String| {
            problems.push(crate::Problem::error(
                crate::ProblemCode::EvaluationFailed,
                pointer,
                Localized::new(
                    format!("表达式求值失败：{why}"),
                    format!("the expression failed: {why}"),
                ),
            ));
        };
        let missing = || "the bundle has no expression here".to_owned();
        // Which line of the step each line of the request is (lines priced at 0 are left out).
        let mut line_of = Vec::with_capacity(lines.len());
        let mut request_lines = Vec::with_capacity(lines.len());
        for (l, line) in lines.iter().enumerate() {
            let at = ExprAt::PriceQuantity(place.node, place.s, l);
            let value = match self.expr(at) {
                Some(expr) => self.evaluate(expr, t, now, None),
                None => Err(missing()),
            };
            let quantity = match value {
                Err(why) => {
                    failed(&mut problems, at.to_string(), why);
                    continue;
                }
                Ok(Variable::Null) => continue,
                Ok(Variable::Number(n)) if n.is_zero() => continue,
                Ok(v) => request_value(&v),
            };
            line_of.push(l);
            request_lines.push(json!({"item": line.item.as_str(), "quantity": quantity}));
        }
        let mut given = Map::new();
        if let Some(region) = &t.input.region {
            given.insert("region".into(), json!(region));
            given.insert("region_path".into(), json!(t.region_path));
        }
        if let Some(channel) = &t.input.channel {
            given.insert("channel".into(), json!(channel));
        }
        if let Some(tier) = t.input.customer.get("tier").and_then(Value::as_str) {
            given.insert("tier".into(), json!(tier));
        }
        given.insert("now".into(), json!(stamp(now)));
        given.insert("form".into(), Value::Object(t.fields.clone()));
        for key in context.keys() {
            let at = ExprAt::PriceContext(place.node, place.s, key);
            let value = match self.expr(at) {
                Some(expr) => self.evaluate(expr, t, now, None),
                None => Err(missing()),
            };
            if key == "region" {
                // A region of the step's own is placed in the bundle's region tree afresh.
                given.remove("region_path");
            }
            match value {
                Err(why) => failed(&mut problems, at.to_string(), why),
                Ok(Variable::Null) => {
                    given.remove(key.as_str());
                }
                Ok(v) => {
                    given.insert(key.clone(), request_value(&v));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let request = json!({"lines": request_lines, "context": given});
        let step = place.to_string();
        let into_step = |mut problems: Vec<crate::Problem>| {
            for problem in &mut problems {
                problem.path = step_pointer(&step, &problem.path, &line_of);
                if problem.code == crate::ProblemCode::MissingContext
                    && let Some(key) = problem.path.rsplit('/').next()
                {
                    problem.hint = Some(Localized::new(
                        format!("在计价步骤的 context 中给出 {key}"),
                        format!("give `{key}` in the price step's `context`"),
                    ));
                }
            }
            problems
        };
        let request = crate::QuoteRequest::from_value(&request, self.bundle).map_err(into_step)?;
        crate::price::quote(self.bundle, &request).map_err(into_step)
    }

    fn emit(
        &mut self,
        t: &mut Ticket,
        events: &'b [Event],
        node: NodeAt,
        list: List,
        now: DateTime<Utc>,
    ) {
        for (e, event) in events.iter().enumerate() {
            let place = EventAt { node, list, e };
            self.emit_one(
                t,
                &event.event,
                &event.payload,
                event.delay.as_ref(),
                place,
                now,
            );
        }
    }

    fn emit_one(
        &mut self,
        t: &mut Ticket,
        event: &crate::format::Id,
        expressions: &'b std::collections::BTreeMap<String, crate::format::ExprSource>,
        delay: Option<&crate::format::DurationSpec>,
        place: EventAt,
        now: DateTime<Utc>,
    ) {
        let mut payload = Map::new();
        for name in expressions.keys() {
            if let Some(expr) = self.expr(ExprAt::Payload(place, name))
                && let Some(v) = self.eval(expr, t, now, None)
            {
                payload.insert(
                    name.clone(),
                    serde_json::to_value(&v).unwrap_or(Value::Null),
                );
            }
        }
        let delay = span(delay).unwrap_or(0);
        if delay > 0 {
            if let Some(when) = now.checked_add_signed(Duration::minutes(delay)) {
                t.pending.push((
                    when,
                    Pending::Event {
                        name: self.name(event.as_str()),
                        payload,
                    },
                ));
            }
        } else {
            Self::log(
                t,
                now,
                What::Event {
                    name: self.name(event.as_str()),
                    payload,
                },
            );
        }
    }

    fn act(
        &mut self,
        t: &mut Ticket,
        action: &str,
        by: Option<&str>,
        data: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        // The first position that offers the action.
        let mut held = false;
        let mut offered = None;
        for (i, position) in t.at.iter().enumerate() {
            let Some((fi, _, ni, node)) = self.node(t, position) else {
                continue;
            };
            let at = NodeAt { fi, ni };
            if !node.common().enabled {
                // A ticket held at a disabled node waits until the node is enabled again.
                held = true;
                continue;
            }
            let (to, emit, list) = match node {
                Node::Task { actions, .. } => {
                    let Some((k, found)) = actions
                        .iter()
                        .enumerate()
                        .find(|(_, a)| a.id.as_str() == action)
                    else {
                        continue;
                    };
                    if found.guard.is_some() {
                        let guard = self.expr(ExprAt::Guard(at, k));
                        if !self.holds(guard, t, now, Some((action, data))) {
                            return Err(refuse(
                                "guard",
                                format!("操作「{action}」的条件不满足"),
                                format!("the guard of `{action}` does not hold"),
                            ));
                        }
                    }
                    (&found.to, &found.emit, List::Action(k))
                }
                Node::Approval {
                    approve, reject, ..
                } if action == "approve" || action == "reject" => {
                    let (o, key) = if action == "approve" {
                        (approve, "approve")
                    } else {
                        (reject, "reject")
                    };
                    (&o.to, &o.emit, List::Outcome(key))
                }
                _ => continue,
            };
            offered = Some((i, at, to, emit, list));
            break;
        }
        if let Some((i, at, to, emit, list)) = offered {
            let position = t.at.get(i).cloned().unwrap_or_default();
            let prefix = split(&position)
                .0
                .map(|f| format!("{f}#"))
                .unwrap_or_default();
            if t.paused && t.pause_started.is_some() {
                // Leaving a pausing node resumes the clocks.
                self.resume(t, now);
            }
            t.at.retain(|p| *p != position);
            self.release_status(t, &position);
            // The node's deadline and reminders go with the task.
            t.pending.retain(|(_, p)| match p {
                Pending::Deadline { node, .. } | Pending::Reminder { node, .. } => {
                    *node != position
                }
                _ => true,
            });
            Self::log(
                t,
                now,
                What::Acted {
                    node: position,
                    action: self.name(action),
                    by: by.map(|b| self.agent_name(b)),
                },
            );
            self.stop_clock(t, "first_response", now);
            self.emit(t, emit, at, list, now);
            let target = self.here(&prefix, to);
            self.enter(t, target, now, 0);
            return Ok(());
        }
        if held {
            return Err(refuse(
                "held",
                "工单停在已停用的节点，等节点启用后才能继续",
                "the ticket is held at a disabled node until it is enabled again",
            ));
        }
        let offered: Vec<String> =
            t.at.iter()
                .filter_map(|p| self.node(t, p))
                .flat_map(|(_, _, _, n)| match n {
                    Node::Task { actions, .. } => actions.iter().map(|a| a.id.0.clone()).collect(),
                    Node::Approval { .. } => vec!["approve".into(), "reject".into()],
                    _ => Vec::new(),
                })
                .collect();
        Err(refuse(
            "no-such-action",
            format!("当前节点没有操作「{action}」，可用：{}", offered.join("、")),
            format!(
                "the current node offers no `{action}`; it offers: {}",
                offered.join(", ")
            ),
        ))
    }

    fn recipients(&self, t: &Ticket, to: &[Recipient]) -> Vec<String> {
        let mut out = Vec::new();
        for r in to {
            match r {
                Recipient::Named(NamedRecipient::Assignee) => {
                    out.extend(t.assignee.as_deref().map(str::to_owned));
                }
                Recipient::Named(NamedRecipient::Customer) => out.push(
                    t.input
                        .customer
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or("customer")
                        .to_owned(),
                ),
                Recipient::Named(NamedRecipient::AssigneeManager) => {
                    let org = &self.bundle.doc().org;
                    let lead = t.assignee.as_ref().and_then(|a| {
                        org.agents
                            .iter()
                            .find(|x| x.id.as_str() == &**a)
                            .and_then(|x| x.team.as_ref())
                            .and_then(|team| {
                                org.teams
                                    .iter()
                                    .find(|tm| tm.id == *team)
                                    .and_then(|tm| tm.lead.as_ref())
                                    .map(|l| l.0.clone())
                            })
                    });
                    out.extend(lead);
                }
                Recipient::Pool(pool) => {
                    let members = self.candidates(t, Some(pool), None);
                    if members.is_empty() {
                        out.push(pool_name(pool));
                    } else {
                        out.extend(members.into_iter().map(|a| a.id.0.clone()));
                    }
                }
            }
        }
        crate::sort::vec_by(&mut out, Ord::cmp);
        out.dedup();
        out
    }

    fn notify(&mut self, t: &mut Ticket, event: NotifyEvent, node: &str, now: DateTime<Utc>) {
        self.notify_at(t, event, node, now, None);
    }

    /// Notification intents for `event`: channel by priority, quiet hours defer, a fallback is
    /// scheduled when an acknowledgement is expected, a scheduled event is told `lead_time` early.
    fn notify_at(
        &mut self,
        t: &mut Ticket,
        event: NotifyEvent,
        node: &str,
        now: DateTime<Utc>,
        scheduled: Option<DateTime<Utc>>,
    ) {
        let Some((fi, flow)) = self.flow(&t.flow) else {
            return;
        };
        let name = notify_name(event);
        for (r, rule) in flow.notifications.iter().enumerate() {
            if !rule.on.contains(&event) {
                continue;
            }
            if !rule.nodes.is_empty() && !rule.nodes.iter().any(|n| n.as_str() == node) {
                continue;
            }
            if rule.when.is_some() {
                let when = self.expr(ExprAt::NotifyWhen { fi, r });
                if !self.holds_for_event(when, t, now, name, node) {
                    continue;
                }
            }
            let by_priority = rule.by_priority.as_ref().map(|b| match t.priority {
                "urgent" => &b.urgent,
                "high" => &b.high,
                "low" => &b.low,
                _ => &b.normal,
            });
            let channel = by_priority
                .and_then(|c| c.first())
                .or(rule.channels.first())
                .map_or_else(|| self.default_channel(t), |c| channel_name(*c).to_owned());
            let lead = span(rule.lead_time.as_ref()).unwrap_or(0);
            let mut send = scheduled
                .and_then(|s| s.checked_sub_signed(Duration::minutes(lead)))
                .unwrap_or(now)
                .max(now);
            if let Some(quiet) = &rule.quiet_hours {
                send = self.after_quiet(send, quiet);
            }
            t.sequence += 1;
            let id = format!("{}-n{}", t.id, t.sequence);
            let mut values = Map::new();
            values.insert("ticket".into(), Value::String(t.id.clone()));
            values.insert("node".into(), Value::String(node.to_owned()));
            if let Some(s) = scheduled {
                values.insert("arrives_at".into(), Value::String(stamp(s)));
            }
            let intent = Notification {
                id: id.clone(),
                rule: rule.id.0.clone(),
                event: name.into(),
                to: self.recipients(t, &rule.to),
                channel,
                template: rule.template.0.clone(),
                send_at: Stamp(send),
                values,
            };
            if let (Some(ack), Some(fallback)) =
                (span(rule.ack_within.as_ref()), rule.fallback_channel)
                && let Some(when) = send.checked_add_signed(Duration::minutes(ack))
            {
                let mut again = intent.clone();
                again.id = format!("{id}-fallback");
                again.channel = channel_name(fallback).into();
                again.send_at = Stamp(when);
                t.pending.push((
                    when,
                    Pending::Fallback {
                        notification: id.clone(),
                        intent: Box::new(again),
                    },
                ));
            }
            if send > now {
                t.pending.push((send, Pending::Message(Box::new(intent))));
            } else {
                Self::log(t, now, What::Notify(Box::new(intent)));
            }
        }
    }

    /// The first instant at or after `at` outside the quiet window.
    fn after_quiet(
        &self,
        at: DateTime<Utc>,
        quiet: &crate::format::flow::QuietHours,
    ) -> DateTime<Utc> {
        let zone: chrono_tz::Tz = quiet
            .time_zone
            .as_ref()
            .or(self.bundle.doc().time_zone.as_ref())
            .and_then(|z| z.as_str().parse().ok())
            .unwrap_or(chrono_tz::Tz::UTC);
        let parse = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        let (Some(from), Some(until)) = (parse(quiet.from.as_str()), parse(quiet.until.as_str()))
        else {
            return at;
        };
        let local = at.with_timezone(&zone);
        let time = local.time();
        let inside = if from <= until {
            time >= from && time < until
        } else {
            time >= from || time < until
        };
        if !inside {
            return at;
        }
        let date = if from > until && time >= from {
            local.date_naive().succ_opt().unwrap_or(local.date_naive())
        } else {
            local.date_naive()
        };
        date.and_time(until)
            .and_local_timezone(zone)
            .earliest()
            .map_or(at, |d| d.with_timezone(&Utc))
    }

    /// The next moment something falls due for `ticket`.
    pub fn next_due(&self, ticket: &Ticket) -> Option<DateTime<Utc>> {
        self.next(ticket).map(|(at, _)| at)
    }
}

/// A dispatch strategy as the format names it.
fn strategy_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::ByRegion => "by_region",
        Strategy::BySkill => "by_skill",
        Strategy::LeastLoaded => "least_loaded",
        Strategy::RoundRobin => "round_robin",
        Strategy::Team => "team",
        Strategy::Role => "role",
    }
}

/// The name of a round-robin rotation: its pool's (`role:cs`, `team:installers`, an agent id),
/// or `*` for every agent.
fn rotation_name(pool: Option<&Pool>) -> String {
    pool.map_or_else(|| "*".to_owned(), pool_name)
}

fn pool_name(pool: &Pool) -> String {
    pool.team
        .as_ref()
        .map(|t| format!("team:{}", t.as_str()))
        .or_else(|| pool.role.as_ref().map(|r| format!("role:{}", r.as_str())))
        .or_else(|| pool.agent.as_ref().map(|a| a.0.clone()))
        .unwrap_or_default()
}

fn notify_name(event: NotifyEvent) -> &'static str {
    match event {
        NotifyEvent::Created => "created",
        NotifyEvent::StateChange => "state_change",
        NotifyEvent::Assigned => "assigned",
        NotifyEvent::SlaWarning => "sla_warning",
        NotifyEvent::SlaBreach => "sla_breach",
        NotifyEvent::DeadlineWarning => "deadline_warning",
        NotifyEvent::DeadlineBreach => "deadline_breach",
        NotifyEvent::Reminder => "reminder",
        NotifyEvent::TechnicianArriving => "technician_arriving",
        NotifyEvent::Closed => "closed",
    }
}

/// Runs a scripted ticket: each command in turn (a refused one is recorded and skipped), then
/// everything due up to `until`.
pub fn simulate(bundle: &Bundle, script: &[Command], until: Option<DateTime<Utc>>) -> Timeline {
    let mut engine = Engine::new(bundle);
    let mut ticket: Option<Ticket> = None;
    let mut refusals = Vec::new();
    for (i, command) in script.iter().enumerate() {
        let applied = match ticket.as_mut() {
            None => engine.open(command).map(|t| ticket = Some(t)),
            Some(t) => engine.apply_to(t, command).map(drop),
        };
        if let Err(refusal) = applied {
            refusals.push((i, refusal));
        }
    }
    if let (Some(until), Some(t)) = (until, ticket.as_mut()) {
        let tick = Command {
            at: until.fixed_offset(),
            kind: CommandKind::Tick,
        };
        // A tick earlier than the last command is refused; the timeline ends there.
        let _ = engine.apply_to(t, &tick);
    }
    let timeline = ticket.as_ref().map(|t| t.log.clone()).unwrap_or_default();
    let next_due = ticket.as_ref().and_then(|t| engine.next_due(t)).map(Stamp);
    Timeline {
        ticket,
        timeline,
        refusals,
        next_due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hosts share one bundle among threads (an engine each) and move tickets between them.
    #[test]
    fn bundles_and_tickets_cross_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Bundle>();
        shared::<Ticket>();
    }

    #[test]
    fn pointers_escape_their_segments() {
        assert_eq!(Escaped("a/b~c~").to_string(), "a~1b~0c~0");
        assert_eq!(Escaped("金额").to_string(), "金额");
        let place = EventAt {
            node: NodeAt { fi: 1, ni: 2 },
            list: List::Action(3),
            e: 4,
        };
        assert_eq!(place.to_string(), "/flows/1/nodes/2/actions/3/emit/4");
    }

    /// Simple expressions answered natively give zen's answer on every ticket: zen is the oracle.
    #[cfg(not(target_arch = "wasm32"))]
    mod against_zen {
        use super::*;
        use proptest::prelude::{Just, prop, prop_assert, prop_assert_eq, prop_oneof, proptest};
        use proptest::strategy::Strategy as Generate;

        const CONDITIONS: [&str; 14] = [
            "ticket.fields.n > 100",
            "ticket.fields.n <= 2.5",
            "ticket.fields.n == 80",
            "ticket.fields.n != 80",
            "ticket.fields.s == 'a'",
            "ticket.fields.s != 'a'",
            "ticket.priority == 'urgent'",
            "ticket.priority != 'low'",
            "ticket.amount >= 100",
            "ticket.title == '空调'",
            "ticket.node == 'route'",
            "ticket.id",
            "ticket.fields.s",
            "ticket.fields.n",
        ];

        fn bundle() -> Bundle {
            let branches: Vec<Value> = CONDITIONS
                .iter()
                .map(|c| json!({"when": c, "to": "end"}))
                .collect();
            let doc = json!({
                "schema_version": 2, "name": "simple", "currency": "CNY",
                "forms": [{"id": "f", "name": "f", "fields": [
                    {"id": "n", "kind": "number", "label": "n"},
                    {"id": "s", "kind": "text", "label": "s"}
                ]}],
                "flows": [{"id": "x", "name": "x", "form": "f", "nodes": [
                    {"id": "start", "name": "start", "kind": "start", "next": "route"},
                    {"id": "route", "name": "route", "kind": "exclusive",
                     "branches": branches, "default": "end"},
                    {"id": "end", "name": "end", "kind": "end"}
                ]}]
            });
            Bundle::from_json(&doc.to_string()).expect("valid")
        }

        fn value() -> impl Generate<Value = Option<Value>> {
            prop_oneof![
                Just(None),
                Just(Some(Value::Null)),
                (0i64..300, 0u32..3).prop_map(|(n, s)| Some(json!(
                    rust_decimal::Decimal::new(n, s)
                        .to_string()
                        .parse::<f64>()
                        .unwrap_or(0.0)
                ))),
                (0i64..300).prop_map(|n| Some(json!(n))),
                prop::sample::select(vec!["a", "b", "", "80"]).prop_map(|s| Some(json!(s))),
                Just(Some(json!(["a"]))),
            ]
        }

        proptest! {
            #[test]
            fn native_answers_agree_with_zen(
                n in value(),
                s in value(),
                priority in prop::sample::select(vec!["urgent", "high", "normal", "low"]),
                amount in proptest::option::of(0i64..300),
                title in prop::sample::select(vec!["空调", "冰箱"]),
            ) {
                let b = bundle();
                let mut engine = Engine::new(&b);
                let mut fields = Map::new();
                if let Some(n) = n {
                    fields.insert("n".into(), n);
                }
                if let Some(s) = s {
                    fields.insert("s".into(), s);
                }
                let input = TicketInput {
                    id: "T-1".into(),
                    title: title.into(),
                    priority: Some(priority.into()),
                    amount: amount.map(rust_decimal::Decimal::from),
                    fields,
                    ..TicketInput::default()
                };
                let now = DateTime::parse_from_rfc3339("2026-11-16T09:00:00+08:00")
                    .unwrap()
                    .with_timezone(&Utc);
                let mut t = engine.create("x", &std::sync::Arc::new(input), now).unwrap();
                // Evaluated as if the ticket waited at the exclusive node.
                t.at = vec![engine.name("route")];
                for (i, source) in CONDITIONS.iter().enumerate() {
                    let expr = b
                        .expr(&format!("/flows/0/nodes/1/branches/{i}/when"))
                        .expect("compiled");
                    prop_assert!(expr.simple().is_some(), "{}", source);
                    let native = engine.eval(expr, &t, now, None);
                    let zen = expr
                        .evaluate_in(Engine::context(expr, &t, now, None), &mut VM::new(), &b)
                        .ok();
                    prop_assert_eq!(native, zen, "{}", source);
                }
            }
        }
    }
}
