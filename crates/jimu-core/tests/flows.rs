//! The ticket-flow scenarios of the domain brief, simulated over `tests/bundles/valid/flow-*.json` (and over the published SLA calendars in a bundle written here), with each timeline checked.
//!
//! How to read the expectations:
//! - A timeline is rendered one happening per line as `MM-DD HH:MM kind details`, times in
//!   Asia/Shanghai (the bundles' zone) unless a test says otherwise; see [`line`].
//! - Nodes entered, owners (assigned / queued), SLA due times, warnings, breaches, escalations,
//!   notification intents (event, channel, recipients, template, send time) and side-effect
//!   events are all lines of the timeline; the final ticket and `next_due` are checked beside.
//! - Node deadlines count in the flow's calendar, remind the owner every `remind_every` while
//!   the ticket waits, and go with the task when it moves on.
//! - The bad-input tests check that a refused command has a code and leaves the ticket as it
//!   was; the property tests check due times against their start and pauses, and that a script
//!   replayed gives back the same ticket.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, FixedOffset, Utc};
use jimu_core::Bundle;
use jimu_core::ticket::{Engine, Happening, Script, Stamp, Ticket, Timeline, What, simulate};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers

fn bundle_json(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/bundles/valid")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn load(json: &Value) -> Bundle {
    Bundle::from_json(&json.to_string()).unwrap_or_else(|p| panic!("{p:#?}"))
}

/// A bundle of `tests/bundles/valid`.
fn bundle(name: &str) -> Bundle {
    load(&bundle_json(name))
}

/// A bundle of `tests/bundles/valid`, changed by `edit` first (agents added, a node disabled).
fn bundle_with(name: &str, edit: impl FnOnce(&mut Value)) -> Bundle {
    let mut json = bundle_json(name);
    edit(&mut json);
    load(&json)
}

fn script(json: Value) -> Script {
    Script::from_json(&json.to_string()).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn run(bundle: &Bundle, json: Value) -> Timeline {
    let script = script(json);
    simulate(bundle, &script.commands, script.until)
}

fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

/// The names as text, to compare with literals.
fn names(names: &[jimu_core::ticket::Name]) -> Vec<&str> {
    names.iter().map(|n| &**n).collect()
}

/// `MM-DD HH:MM` in `zone`.
fn time_in(stamp: &impl std::fmt::Display, zone: FixedOffset) -> String {
    let stamp = stamp.to_string();
    let at: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(&stamp)
        .unwrap_or_else(|e| panic!("{stamp}: {e}"))
        .with_timezone(&zone);
    at.format("%m-%d %H:%M").to_string()
}

/// One happening as a line: `MM-DD HH:MM kind details` (times in `zone`).
fn line_in(h: &Happening, zone: FixedOffset) -> String {
    let t = |s: &Stamp| time_in(s, zone);
    let details = match &h.what {
        What::Created { flow, priority } => format!("created {flow} {priority}"),
        What::Entered { node } => format!("entered {node}"),
        // The dispatch reason is checked on its own (`dispatch_reason_*`).
        What::Assigned { node, to, .. } => format!("assigned {node} {to}"),
        What::Queued { node, queue } => format!("queued {node} {queue}"),
        What::Acted { node, action, by } => match by {
            Some(by) => format!("acted {node} {action} by {by}"),
            None => format!("acted {node} {action}"),
        },
        What::Commented { by, customer } => format!(
            "commented {}{}",
            if *customer { "customer" } else { "agent" },
            by.as_ref().map_or_else(String::new, |b| format!(" {b}"))
        ),
        What::Paused => "paused".into(),
        What::Resumed => "resumed".into(),
        What::Held { node } => format!("held {node}"),
        What::Skipped { node, to } => format!("skipped {node} -> {to}"),
        What::Priority { priority, reason } => format!("priority {priority} ({reason})"),
        What::SlaStarted { target, due } => format!("sla_started {target} due {}", t(due)),
        What::SlaWarning { target, due } => format!("sla_warning {target} due {}", t(due)),
        What::SlaBreach { target, due } => format!("sla_breach {target} due {}", t(due)),
        What::SlaStopped { target } => format!("sla_stopped {target}"),
        What::Escalated {
            target,
            action,
            detail,
        } => format!("escalated {target} {action} {detail}"),
        What::DeadlineWarning { node, due } => format!("deadline_warning {node} due {}", t(due)),
        What::DeadlineBreach { node, due } => format!("deadline_breach {node} due {}", t(due)),
        What::Notify(n) => format!(
            "notify {} {} [{}] {} send {}",
            n.event,
            n.channel,
            n.to.join(","),
            n.template,
            t(&n.send_at)
        ),
        What::Event { name, payload } => {
            if payload.is_empty() {
                format!("event {name}")
            } else {
                format!("event {name} {}", Value::Object(payload.clone()))
            }
        }
        What::Closed { node } => format!("closed {node}"),
        What::Priced { node, total } => format!("priced {node} {total}"),
        What::PriceFailed { node, problems } => format!(
            "price_failed {node} {}",
            problems
                .iter()
                .map(|p| format!("{} {}", p.code.as_str(), p.path))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!("{} {details}", t(&h.at))
}

fn line(h: &Happening) -> String {
    line_in(h, shanghai())
}

fn lines(t: &Timeline) -> Vec<String> {
    t.timeline.iter().map(line).collect()
}

/// Checks a timeline line by line, printing both in full when they differ.
fn assert_lines(t: &Timeline, expected: &[&str]) {
    let got = lines(t);
    assert!(
        got == expected,
        "timeline differs\n--- got:\n{}\n--- expected:\n{}",
        got.join("\n"),
        expected.join("\n")
    );
}

/// What a timeline must be: these lines, in order and nothing else, or a timeline that has
/// each of them.
enum Expect<'a> {
    Lines(&'a [&'a str]),
    Has(&'a [&'a str]),
}
use Expect::{Has, Lines};

/// One case: runs the script over the bundle, checks that no command was refused and that
/// the timeline is as expected; the timeline is returned for the checks beside.
fn check(bundle: &Bundle, script: Value, expect: Expect<'_>) -> Timeline {
    let t = run(bundle, script);
    no_refusals(&t);
    match expect {
        Lines(expected) => assert_lines(&t, expected),
        Has(expected) => assert_has(&t, expected),
    }
    t
}

/// Checks that each of `expected` is a line of the timeline.
fn assert_has(t: &Timeline, expected: &[&str]) {
    let got = lines(t);
    for e in expected {
        assert!(
            got.iter().any(|g| g == e),
            "no line `{e}` in\n{}",
            got.join("\n")
        );
    }
}

fn assert_lacks(t: &Timeline, pattern: &str) {
    let got = lines(t);
    assert!(
        !got.iter().any(|g| g.contains(pattern)),
        "a line contains `{pattern}`:\n{}",
        got.join("\n")
    );
}

/// Each problem's code and JSON pointer, in order.
fn codes_at(problems: &[jimu_core::Problem]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .map(|p| (p.code.as_str(), p.path.as_str()))
        .collect()
}

fn ticket(t: &Timeline) -> &Ticket {
    t.ticket.as_ref().expect("a ticket")
}

fn refusal_codes(t: &Timeline) -> Vec<(usize, &'static str)> {
    t.refusals.iter().map(|(i, r)| (*i, r.code)).collect()
}

fn no_refusals(t: &Timeline) {
    assert!(
        t.refusals.is_empty(),
        "refused: {:#?}\n{}",
        t.refusals,
        lines(t).join("\n")
    );
}

/// The clock of `target`: (due, stopped, breached), times in Shanghai.
fn clock(t: &Timeline, target: &str) -> (Option<String>, Option<String>, bool) {
    let c = ticket(t)
        .clocks
        .iter()
        .find(|c| c.target == target)
        .unwrap_or_else(|| panic!("no clock {target}: {:#?}", ticket(t).clocks));
    (
        c.due.as_ref().map(|d| time_in(d, shanghai())),
        c.stopped.as_ref().map(|d| time_in(d, shanghai())),
        c.breached,
    )
}

fn next_due(t: &Timeline) -> Option<String> {
    t.next_due.as_ref().map(|d| time_in(d, shanghai()))
}

fn agent(id: &str, roles: &[&str], skills: &[&str], regions: &[&str]) -> Value {
    json!({"id": id, "name": id, "roles": roles, "skills": skills, "regions": regions})
}

/// Appends to the array at `pointer` (creating it when absent).
fn push(json: &mut Value, pointer: &str, items: Vec<Value>) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = json
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer}"));
    let array = parent
        .as_object_mut()
        .unwrap()
        .entry(key)
        .or_insert_with(|| json!([]));
    array.as_array_mut().unwrap().extend(items);
}

// ---------------------------------------------------------------------------------------------
// Appliance repair: 报修登记 → 工程师派单 → 上门检测 → 备件申请 (only when parts are needed) → 服务评价.

const REPAIR: &str = "flow-appliance-repair.json";

fn repair_ticket(id: &str, tier: Option<&str>, needs_parts: bool) -> Value {
    let mut customer = json!({"id": "cust-1", "region": "bj"});
    if let Some(tier) = tier {
        customer["tier"] = json!(tier);
    }
    let mut fields = json!({"appliance": "ac", "fault": "不制冷", "needs_parts": needs_parts});
    if needs_parts {
        fields["part_list"] = json!("压缩机");
    }
    json!({"id": id, "title": "空调不制冷", "region": "bj", "customer": customer, "fields": fields})
}

/// The whole path with parts, on the bundle as written (one engineer, no customer service or
/// warehouse agents: those nodes queue for their role). The standard SLA policy: first response
/// in 4 working hours (stopped by the first action), resolution in 3 calendar days, paused
/// while the customer rates (the `rating` node), which moves the resolution due by the hour paused.
#[test]
fn appliance_repair_goes_through_parts_when_needed() {
    let t = check(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("T1", None, true)},
            {"at": "2026-11-16T09:30:00+08:00", "act": "submit", "by": "cs-li"},
            {"at": "2026-11-16T11:00:00+08:00", "act": "inspected", "by": "wang"},
            {"at": "2026-11-16T11:30:00+08:00", "act": "issued", "by": "keeper"},
            {"at": "2026-11-16T12:30:00+08:00", "act": "rated"}
        ]}),
        Lines(&[
            "11-16 09:00 created appliance-repair normal",
            "11-16 09:00 sla_started first_response due 11-16 13:00",
            "11-16 09:00 sla_started resolution due 11-19 09:00",
            "11-16 09:00 entered start",
            "11-16 09:00 entered report",
            "11-16 09:00 queued report role:cs",
            "11-16 09:30 acted report submit by cs-li",
            "11-16 09:30 sla_stopped first_response",
            "11-16 09:30 entered dispatch",
            "11-16 09:30 priced dispatch 50.00",
            r#"11-16 09:30 event dispatch.requested {"region":"bj"}"#,
            "11-16 09:30 entered inspect",
            "11-16 09:30 assigned inspect wang",
            "11-16 11:00 acted inspect inspected by wang",
            "11-16 11:00 entered parts-needed",
            "11-16 11:00 entered parts",
            "11-16 11:00 queued parts role:warehouse",
            "11-16 11:30 acted parts issued by keeper",
            r#"11-16 11:30 event parts.issued {"parts":"压缩机"}"#,
            "11-16 11:30 entered rating",
            "11-16 11:30 queued rating role:cs",
            "11-16 11:30 paused",
            "11-16 12:30 resumed",
            "11-16 12:30 acted rating rated",
            "11-16 12:30 entered closed",
            "11-16 12:30 sla_stopped resolution",
            "11-16 12:30 closed closed",
        ]),
    );
    let tk = ticket(&t);
    assert!(tk.closed && tk.at.is_empty());
    assert_eq!(tk.sla_policy.as_deref(), Some("standard"));
    // The rating node set `waiting_customer`; the ticket has ended, so it is in no status.
    assert_eq!(tk.status, None);
    assert_eq!(
        clock(&t, "resolution"),
        (
            Some("11-19 10:00".into()),
            Some("11-16 12:30".into()),
            false
        )
    );
}

/// Without parts the exclusive gateway takes its default: straight on to the rating.
#[test]
fn appliance_repair_skips_the_parts_request_when_none_are_needed() {
    let t = run(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("T2", None, false)},
            {"at": "2026-11-16T09:30:00+08:00", "act": "submit"},
            {"at": "2026-11-16T11:00:00+08:00", "act": "inspected"}
        ]}),
    );
    no_refusals(&t);
    let got = lines(&t);
    let tail: Vec<&str> = got.iter().rev().take(5).rev().map(String::as_str).collect();
    assert_eq!(
        tail,
        [
            "11-16 11:00 acted inspect inspected",
            "11-16 11:00 entered parts-needed",
            "11-16 11:00 entered rating",
            "11-16 11:00 queued rating role:cs",
            "11-16 11:00 paused",
        ]
    );
    assert!(!got.iter().any(|l| l.ends_with("entered parts")));
    assert_eq!(names(&ticket(&t).at), ["rating"]);
}

/// The appliance-repair org with more engineers: `li` and `wang` in Beijing with the skill,
/// `zhou` in Shanghai with it, `chen` in Beijing without it.
fn repair_with_engineers() -> Bundle {
    bundle_with(REPAIR, |b| {
        push(
            b,
            "/org/regions",
            vec![
                json!({"id": "sh", "name": {"zh-CN": "上海", "en": "Shanghai"}, "level": "province"}),
            ],
        );
        push(
            b,
            "/org/agents",
            vec![
                agent("li", &["engineer"], &["ac-repair"], &["bj"]),
                agent("zhou", &["engineer"], &["ac-repair"], &["sh"]),
                agent("chen", &["engineer"], &[], &["bj"]),
            ],
        );
    })
}

fn dispatched_to(loads: Value, tier: Option<&str>) -> (String, String) {
    let t = run(
        &repair_with_engineers(),
        json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("T3", tier, false)},
            {"at": "2026-11-16T09:10:00+08:00", "loads": loads},
            {"at": "2026-11-16T09:30:00+08:00", "act": "submit"}
        ]}),
    );
    no_refusals(&t);
    let assigned = t
        .timeline
        .iter()
        .find_map(|h| match &h.what {
            What::Assigned {
                node, to, reason, ..
            } if &**node == "inspect" => Some((to.to_string(), reason.to_string())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("not assigned:\n{}", lines(&t).join("\n")));
    assert_eq!(ticket(&t).assignee.as_deref(), Some(assigned.0.as_str()));
    assigned
}

/// Dispatch picks an engineer in the customer's region with the right skill and the lowest
/// open load; an engineer at capacity (wang: 8) is passed over.
#[test]
fn appliance_repair_dispatches_by_region_skill_and_load() {
    let loads = |wang: u32, li: u32| json!({"wang": wang, "li": li, "zhou": 0, "chen": 0});
    assert_eq!(dispatched_to(loads(1, 3), None).0, "wang");
    assert_eq!(dispatched_to(loads(4, 3), None).0, "li");
    assert_eq!(dispatched_to(loads(8, 9), None).0, "li", "wang is full");
    // Equal loads: the agent id decides, so the choice never depends on anything else.
    assert_eq!(dispatched_to(loads(2, 2), None).0, "li");
}

/// VIP customers jump the queue (the dispatch says so), with lower-case `vip` as the engine
/// reads it.
#[test]
fn appliance_repair_vip_customers_jump_the_queue() {
    let (to, reason) = dispatched_to(json!({"wang": 1}), Some("vip"));
    assert_eq!(to, "li");
    assert!(reason.contains("vip"), "{reason}");
    let (_, reason) = dispatched_to(json!({"wang": 1}), None);
    assert!(!reason.contains("vip"), "{reason}");
}

/// The bundle's VIP policy reads `ticket.customer.tier == 'VIP'`: a VIP customer gets the VIP
/// SLA *and* jumps the dispatch queue.
#[test]
fn appliance_repair_vip_tier_gets_both_the_vip_sla_and_the_queue_jump() {
    let (_, reason) = dispatched_to(json!({"wang": 1}), Some("VIP"));
    assert!(reason.contains("vip"), "{reason}");
}

/// The assignment reason names the strategy as the format spells it.
#[test]
fn dispatch_reason_uses_the_format_names() {
    let (_, reason) = dispatched_to(json!({}), None);
    assert_eq!(reason, "by_region");
}

/// The VIP policy (chosen by `ticket.customer.tier == 'VIP'`): first response within one
/// working hour, warned 15 minutes before; resolution within a calendar day; the clocks pause
/// while the ticket is `waiting_customer` (the rating node's status).
#[test]
fn appliance_repair_vip_sla_warns_breaches_and_pauses_on_a_status() {
    let t = run(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "until": "2026-11-16T10:30:00+08:00", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("V1", Some("VIP"), false)}
        ]}),
    );
    no_refusals(&t);
    assert_eq!(ticket(&t).sla_policy.as_deref(), Some("vip"));
    assert_has(
        &t,
        &[
            "11-16 09:00 sla_started first_response due 11-16 10:00",
            "11-16 09:00 sla_started resolution due 11-17 09:00",
            "11-16 09:45 sla_warning first_response due 11-16 10:00",
            "11-16 10:00 sla_breach first_response due 11-16 10:00",
        ],
    );
    assert_eq!(
        clock(&t, "first_response"),
        (Some("11-16 10:00".into()), None, true)
    );
    // The resolution warning, 15 minutes before it is due, is what falls due next.
    assert_eq!(next_due(&t).as_deref(), Some("11-17 08:45"));

    // Through to the rating: waiting for the customer pauses, the rating resumes.
    let t = check(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("V2", Some("VIP"), false)},
            {"at": "2026-11-16T09:20:00+08:00", "act": "submit"},
            {"at": "2026-11-16T10:00:00+08:00", "act": "inspected"},
            {"at": "2026-11-17T10:00:00+08:00", "act": "rated"}
        ]}),
        Has(&[
            "11-16 10:00 paused",
            "11-17 10:00 resumed",
            "11-17 10:00 closed closed",
        ]),
    );
    assert_lacks(&t, "sla_breach resolution");
    // A day paused moves the resolution due by that day.
    assert_eq!(
        clock(&t, "resolution"),
        (
            Some("11-18 09:00".into()),
            Some("11-17 10:00".into()),
            false
        )
    );
}

/// First response in 4 working hours on Mon–Fri 9–18: from Friday 17:00 it is due Monday
/// 12:00; across the National Day holiday (1–7 October) from Wednesday 30 September 17:00 it is
/// due Thursday 8 October 12:00. The warning comes an hour before.
#[test]
fn appliance_repair_business_time_skips_weekends_and_holidays() {
    let t = run(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "until": "2026-11-23T13:00:00+08:00", "commands": [
            {"at": "2026-11-20T17:00:00+08:00", "create": repair_ticket("W1", None, false)}
        ]}),
    );
    assert_has(
        &t,
        &[
            "11-20 17:00 sla_started first_response due 11-23 12:00",
            "11-23 11:00 sla_warning first_response due 11-23 12:00",
            "11-23 12:00 sla_breach first_response due 11-23 12:00",
        ],
    );
    let t = run(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-09-30T17:00:00+08:00", "create": repair_ticket("H1", None, false)}
        ]}),
    );
    assert_has(
        &t,
        &["09-30 17:00 sla_started first_response due 10-08 12:00"],
    );
    // Resolution is in calendar days: three days, holiday or not.
    assert_eq!(clock(&t, "resolution").0.as_deref(), Some("10-03 17:00"));
}

/// The inspection's own deadline (4 working hours, warned 30 minutes before) belongs to the
/// node: once the engineer has inspected, it neither warns nor breaches, least of all after
/// the ticket is closed.
#[test]
fn appliance_repair_inspection_deadline_ends_with_the_inspection() {
    let t = run(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "until": "2026-11-20T00:00:00+08:00", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("D1", None, false)},
            {"at": "2026-11-16T09:30:00+08:00", "act": "submit"},
            {"at": "2026-11-16T11:00:00+08:00", "act": "inspected"},
            {"at": "2026-11-16T11:30:00+08:00", "act": "rated"}
        ]}),
    );
    no_refusals(&t);
    assert_lacks(&t, "deadline");
    assert_eq!(next_due(&t), None);
    assert_eq!(
        lines(&t).last().map(String::as_str),
        Some("11-16 11:30 closed closed")
    );
}

/// While the engineer has not inspected, the inspection deadline warns 30 minutes before and
/// breaches at 4 working hours (09:30 → 13:30).
#[test]
fn appliance_repair_inspection_deadline_warns_and_breaches() {
    let t = run(
        &bundle(REPAIR),
        json!({"flow": "appliance-repair", "until": "2026-11-16T14:00:00+08:00", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("D2", None, false)},
            {"at": "2026-11-16T09:30:00+08:00", "act": "submit"}
        ]}),
    );
    assert_has(
        &t,
        &[
            "11-16 13:00 deadline_warning inspect due 11-16 13:30",
            "11-16 13:30 deadline_breach inspect due 11-16 13:30",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Auto 4S service: 故障诊断 → 配件调拨 → 维修确认 → 客户回访; each node reminds its owner and
// warns before its deadline.

const AUTO: &str = "flow-auto-4s-service.json";

/// The 4S org with people: two technicians in the workshop team (led by the workshop manager
/// `boss`), a parts clerk and a service advisor.
fn auto_with_people() -> Bundle {
    bundle_with(AUTO, |b| {
        b["org"]["teams"][0]["members"] = json!(["tech-a", "tech-b"]);
        b["org"]["teams"][0]["lead"] = json!("boss");
        push(
            b,
            "/org/agents",
            vec![
                agent("tech-a", &["technician"], &[], &[]),
                agent("tech-b", &["technician"], &[], &[]),
                agent("clerk", &["parts-clerk"], &[], &[]),
                agent("adv", &["advisor"], &[], &[]),
                agent("boss", &["workshop-manager"], &[], &[]),
            ],
        );
        b["org"]["agents"][0]["team"] = json!("workshop");
        b["org"]["agents"][1]["team"] = json!("workshop");
    })
}

/// The path, with a rework loop back to diagnosis; each owner is told by WeCom when the ticket
/// is theirs (`remind-owner` on `assigned`).
#[test]
fn auto_4s_service_moves_node_to_node_and_tells_each_owner() {
    let t = run(
        &auto_with_people(),
        json!({"flow": "auto-4s-service", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "S1", "title": "异响"}},
            {"at": "2026-11-16T09:05:00+08:00", "assign": "tech-a"},
            {"at": "2026-11-16T10:00:00+08:00", "act": "diagnosed", "by": "tech-a"},
            {"at": "2026-11-16T11:00:00+08:00", "loads": {"tech-a": 3, "tech-b": 1}},
            {"at": "2026-11-16T14:00:00+08:00", "act": "arrived", "by": "clerk"},
            {"at": "2026-11-16T16:00:00+08:00", "act": "rework", "by": "tech-b"},
            {"at": "2026-11-17T10:00:00+08:00", "act": "diagnosed"},
            {"at": "2026-11-17T11:00:00+08:00", "act": "arrived"},
            {"at": "2026-11-17T15:00:00+08:00", "act": "confirmed"},
            {"at": "2026-11-18T10:00:00+08:00", "act": "called", "by": "adv"}
        ]}),
    );
    no_refusals(&t);
    let path: Vec<String> = lines(&t)
        .into_iter()
        .filter(|l| {
            matches!(
                l.split(' ').nth(2),
                Some("entered" | "assigned" | "queued" | "closed")
            )
        })
        .collect();
    assert_eq!(
        path,
        [
            "11-16 09:00 entered start",
            "11-16 09:00 entered diagnose",
            "11-16 09:00 queued diagnose team:workshop",
            "11-16 09:05 assigned diagnose tech-a",
            "11-16 10:00 entered parts",
            "11-16 10:00 assigned parts clerk",
            "11-16 14:00 entered repair",
            "11-16 14:00 assigned repair tech-b",
            "11-16 16:00 entered diagnose",
            "11-16 16:00 queued diagnose team:workshop",
            "11-17 10:00 entered parts",
            "11-17 10:00 assigned parts clerk",
            "11-17 11:00 entered repair",
            "11-17 11:00 assigned repair tech-b",
            "11-17 15:00 entered follow-up",
            "11-17 15:00 assigned follow-up adv",
            "11-18 10:00 entered closed",
            "11-18 10:00 closed closed",
        ]
    );
    assert_has(
        &t,
        &[
            "11-16 09:05 notify assigned wecom [tech-a] node-reminder send 11-16 09:05",
            "11-16 10:00 notify assigned wecom [clerk] node-reminder send 11-16 10:00",
            "11-16 14:00 notify assigned wecom [tech-b] node-reminder send 11-16 14:00",
            "11-17 15:00 notify assigned wecom [adv] node-reminder send 11-17 15:00",
        ],
    );
}

fn auto_assigned_at_nine(until: &str) -> Timeline {
    run(
        &auto_with_people(),
        json!({"flow": "auto-4s-service", "until": until, "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "S2", "title": "异响"}},
            {"at": "2026-11-16T09:00:00+08:00", "assign": "tech-a"}
        ]}),
    )
}

/// Diagnosis within 2 working hours of the flow's calendar from Monday 09:00: due 11:00, the
/// warning 30 minutes before; the hourly reminder (10:00) falls due first.
#[test]
fn auto_4s_service_deadlines_count_in_the_flows_calendar() {
    let t = auto_assigned_at_nine("2026-11-16T09:30:00+08:00");
    assert_eq!(next_due(&t).as_deref(), Some("11-16 10:00"));
    let t = auto_assigned_at_nine("2026-11-16T10:15:00+08:00");
    assert_eq!(next_due(&t).as_deref(), Some("11-16 10:30"));
}

/// 30 minutes before the diagnosis is due, the owner and the workshop manager are warned by
/// WeCom; at the deadline, the owner's manager (the team lead) is told.
#[test]
fn auto_4s_service_warns_the_owner_before_the_deadline() {
    let t = auto_assigned_at_nine("2026-11-16T11:30:00+08:00");
    assert_has(
        &t,
        &[
            "11-16 10:30 deadline_warning diagnose due 11-16 11:00",
            "11-16 10:30 notify deadline_warning wecom [boss,tech-a] node-deadline-warning send 11-16 10:30",
            "11-16 11:00 deadline_breach diagnose due 11-16 11:00",
            "11-16 11:00 notify deadline_breach wecom [boss] node-deadline-breach send 11-16 11:00",
        ],
    );
}

/// The diagnosis reminds its owner every hour while the ticket waits there.
#[test]
fn auto_4s_service_reminds_the_owner_while_the_ticket_waits() {
    let t = auto_assigned_at_nine("2026-11-16T10:15:00+08:00");
    assert_has(
        &t,
        &["11-16 10:00 notify reminder wecom [tech-a] node-reminder send 11-16 10:00"],
    );
}

// ---------------------------------------------------------------------------------------------
// Education refund: 班主任审核 → (信贷部门确认 when paid in instalments) → 财务核对 → 原路退款.

const REFUND: &str = "flow-education-refund.json";

fn refund_ticket(instalments: bool) -> Value {
    json!({"id": "R1", "title": "退费申请", "fields": {
        "order_no": "SO-20261116-001", "paid": "12000.00", "instalments": instalments,
        "hours_left": 12.5, "reason": "搬家"}})
}

#[test]
fn education_refund_inserts_the_credit_check_for_instalments() {
    let t = check(
        &bundle(REFUND),
        json!({"flow": "education-refund", "commands": [
            {"at": "2026-11-16T10:00:00+08:00", "create": refund_ticket(true)},
            {"at": "2026-11-16T11:00:00+08:00", "act": "approve", "by": "teacher"},
            {"at": "2026-11-16T14:00:00+08:00", "act": "approve", "by": "credit"},
            {"at": "2026-11-17T10:00:00+08:00", "act": "approve", "by": "finance"}
        ]}),
        Lines(&[
            "11-16 10:00 created education-refund normal",
            "11-16 10:00 entered start",
            "11-16 10:00 entered review",
            "11-16 10:00 queued review role:head-teacher",
            "11-16 11:00 acted review approve by teacher",
            "11-16 11:00 entered instalment-check",
            "11-16 11:00 entered credit",
            "11-16 11:00 queued credit role:credit",
            "11-16 14:00 acted credit approve by credit",
            "11-16 14:00 entered finance",
            "11-16 14:00 queued finance role:finance",
            "11-17 10:00 acted finance approve by finance",
            "11-17 10:00 entered refund",
            r#"11-17 10:00 event payment.refund {"hours_left":12.5,"order":"SO-20261116-001"}"#,
            "11-17 10:00 entered closed",
            "11-17 10:00 closed closed",
        ]),
    );
    assert!(ticket(&t).closed);
}

#[test]
fn education_refund_goes_straight_to_finance_when_paid_at_once() {
    let t = run(
        &bundle(REFUND),
        json!({"flow": "education-refund", "commands": [
            {"at": "2026-11-16T10:00:00+08:00", "create": refund_ticket(false)},
            {"at": "2026-11-16T11:00:00+08:00", "act": "approve"},
            // Finance sends it back to the head teacher, who rejects it.
            {"at": "2026-11-16T12:00:00+08:00", "act": "reject"},
            {"at": "2026-11-16T13:00:00+08:00", "act": "reject"}
        ]}),
    );
    no_refusals(&t);
    let got = lines(&t);
    assert!(!got.iter().any(|l| l.contains("entered credit")));
    assert_eq!(
        got[4..].to_vec(),
        [
            "11-16 11:00 acted review approve",
            "11-16 11:00 entered instalment-check",
            "11-16 11:00 entered finance",
            "11-16 11:00 queued finance role:finance",
            "11-16 12:00 acted finance reject",
            "11-16 12:00 entered review",
            "11-16 12:00 queued review role:head-teacher",
            "11-16 13:00 acted review reject",
            "11-16 13:00 entered rejected",
            "11-16 13:00 closed rejected",
        ]
    );
    assert_lacks(&t, "payment.refund");
}

// ---------------------------------------------------------------------------------------------
// Complaint escalation: not handled within 24 hours → the regional manager; 48 hours → the
// supervisor above.

const COMPLAINT: &str = "flow-complaint-escalation.json";

fn complaint(until: &str, extra: Vec<Value>) -> Value {
    let mut commands = vec![json!(
        {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "C1", "title": "服务态度差", "region": "bj"}}
    )];
    commands.extend(extra);
    json!({"flow": "complaint", "until": until, "commands": commands})
}

#[test]
fn complaint_escalates_after_24_and_48_hours_unhandled() {
    let t = check(
        &bundle(COMPLAINT),
        complaint("2026-11-19T09:00:00+08:00", vec![]),
        Lines(&[
            "11-16 09:00 created complaint normal",
            "11-16 09:00 sla_started first_response due 11-17 09:00",
            "11-16 09:00 entered start",
            "11-16 09:00 entered handle",
            "11-16 09:00 queued handle role:cs",
            "11-17 09:00 sla_breach first_response due 11-17 09:00",
            "11-17 09:00 escalated first_response reassign role:regional-manager",
            "11-17 09:00 escalated first_response notify role:regional-manager",
            "11-17 09:00 notify escalation wecom [role:regional-manager] complaint-escalated send 11-17 09:00",
            "11-18 09:00 escalated first_response reassign role:supervisor",
            "11-18 09:00 escalated first_response set_priority urgent",
        ]),
    );
    assert_eq!(ticket(&t).priority, "urgent");
    assert_eq!(
        clock(&t, "first_response"),
        (Some("11-17 09:00".into()), None, true)
    );
    assert_eq!(next_due(&t), None);

    // Before the first day is out, the breach is what falls due next.
    let t = run(
        &bundle(COMPLAINT),
        complaint("2026-11-16T18:00:00+08:00", vec![]),
    );
    assert_eq!(next_due(&t).as_deref(), Some("11-17 09:00"));
}

/// A reply within 24 hours stops the clock: nothing escalates. A reply after the first
/// escalation stops the second.
#[test]
fn complaint_handled_in_time_does_not_escalate() {
    let reply = |at: &str| json!({"at": at, "comment": {"by": "cs-wang"}});
    let t = check(
        &bundle(COMPLAINT),
        complaint(
            "2026-11-20T09:00:00+08:00",
            vec![reply("2026-11-17T08:59:00+08:00")],
        ),
        Has(&[
            "11-17 08:59 commented agent cs-wang",
            "11-17 08:59 sla_stopped first_response",
        ]),
    );
    assert_lacks(&t, "escalated");
    assert_lacks(&t, "sla_breach");

    let t = run(
        &bundle(COMPLAINT),
        complaint(
            "2026-11-20T09:00:00+08:00",
            vec![reply("2026-11-17T15:00:00+08:00")],
        ),
    );
    assert_has(
        &t,
        &["11-17 09:00 escalated first_response reassign role:regional-manager"],
    );
    assert_lacks(&t, "role:supervisor");
    assert_eq!(ticket(&t).priority, "normal");
}

/// With regional managers in the org, the complaint of a Beijing customer goes to Beijing's
/// regional manager (not the first one by id), and then to a supervisor.
#[test]
fn complaint_escalates_to_the_regional_manager_of_the_customers_region() {
    let b = bundle_with(COMPLAINT, |b| {
        push(
            b,
            "/org/regions",
            vec![
                json!({"id": "bj", "name": "北京", "level": "province"}),
                json!({"id": "sh", "name": "上海", "level": "province"}),
            ],
        );
        push(
            b,
            "/org/agents",
            vec![
                agent("a-sh-manager", &["regional-manager"], &[], &["sh"]),
                agent("b-bj-manager", &["regional-manager"], &[], &["bj"]),
                agent("sup", &["supervisor"], &[], &["bj", "sh"]),
            ],
        );
    });
    let t = run(&b, complaint("2026-11-19T09:00:00+08:00", vec![]));
    assert_has(
        &t,
        &[
            "11-17 09:00 escalated first_response reassign b-bj-manager",
            "11-18 09:00 escalated first_response reassign sup",
        ],
    );
}

/// With people in the org the escalations name them, and the ticket changes hands.
#[test]
fn complaint_escalation_reassigns_to_people_when_there_are_some() {
    let b = bundle_with(COMPLAINT, |b| {
        push(
            b,
            "/org/regions",
            vec![json!({"id": "bj", "name": "北京", "level": "province"})],
        );
        push(
            b,
            "/org/agents",
            vec![
                // Complaints go to customer service serving the customer's region.
                agent("cs-sh", &["cs"], &[], &[]),
                agent("cs-wang", &["cs"], &[], &["bj"]),
                agent("mgr", &["regional-manager"], &[], &[]),
                agent("sup", &["supervisor"], &[], &[]),
            ],
        );
    });
    let t = run(&b, complaint("2026-11-17T12:00:00+08:00", vec![]));
    assert_has(
        &t,
        &[
            "11-16 09:00 assigned handle cs-wang",
            "11-17 09:00 escalated first_response reassign mgr",
            "11-17 09:00 escalated first_response notify mgr",
            "11-17 09:00 notify escalation wecom [mgr] complaint-escalated send 11-17 09:00",
        ],
    );
    assert_eq!(ticket(&t).assignee.as_deref(), Some("mgr"));
    let t = run(&b, complaint("2026-11-18T12:00:00+08:00", vec![]));
    assert_eq!(ticket(&t).assignee.as_deref(), Some("sup"));
}

// ---------------------------------------------------------------------------------------------
// Keyword triage: 课程咨询 → course advisors, 退费 → finance, 订单丢失 → urgent, front of the queue.

const TRIAGE: &str = "flow-keyword-triage.json";

fn triage(b: &Bundle, title: &str, text: &str) -> Timeline {
    run(
        b,
        json!({"flow": "keyword-triage", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "K1", "title": title, "text": text}}
        ]}),
    )
}

#[test]
fn keyword_triage_routes_by_the_words_of_the_ticket() {
    let b = bundle(TRIAGE);
    let t = triage(&b, "课程咨询", "想了解暑期班");
    assert_lines(
        &t,
        &[
            "11-16 09:00 created keyword-triage normal",
            "11-16 09:00 entered start",
            "11-16 09:00 entered first-line",
            "11-16 09:00 queued first-line team:course-advisors",
        ],
    );
    assert_eq!(ticket(&t).priority, "normal");

    // In the text as well as the title; either word of a rule.
    let t = triage(&b, "咨询", "我要退费");
    assert_eq!(
        lines(&t).last().unwrap(),
        "11-16 09:00 queued first-line team:finance"
    );
    let t = triage(&b, "申请退款", "");
    assert_eq!(
        lines(&t).last().unwrap(),
        "11-16 09:00 queued first-line team:finance"
    );

    let t = triage(&b, "订单丢失", "下单后找不到订单");
    let got = lines(&t);
    assert_eq!(got[3], "11-16 09:00 priority urgent (triage: 订单丢失)");
    assert!(
        got[4].starts_with("11-16 09:00 queued first-line team:order-support"),
        "{}",
        got[4]
    );
    assert_eq!(got.len(), 5);
    assert_eq!(ticket(&t).priority, "urgent");

    // No keyword: the first line's own dispatch (customer service, least loaded).
    let t = triage(&b, "发票", "开票");
    assert_eq!(
        lines(&t).last().unwrap(),
        "11-16 09:00 queued first-line role:cs"
    );
}

/// 订单丢失 jumps the queue: the queue entry says the ticket goes to the front.
#[test]
fn keyword_triage_lost_order_goes_to_the_front_of_the_queue() {
    let t = triage(&bundle(TRIAGE), "订单丢失", "");
    assert_eq!(
        lines(&t).last().unwrap(),
        "11-16 09:00 queued first-line team:order-support (front)"
    );
}

/// With people in the teams, the triaged ticket goes to one of them.
#[test]
fn keyword_triage_assigns_within_the_team() {
    let b = bundle_with(TRIAGE, |b| {
        b["org"]["teams"][0]["members"] = json!(["adv-1"]);
        b["org"]["teams"][1]["members"] = json!(["fin-1"]);
        b["org"]["teams"][2]["members"] = json!(["ops-1", "ops-2"]);
        push(
            b,
            "/org/agents",
            vec![
                agent("adv-1", &[], &[], &[]),
                agent("fin-1", &[], &[], &[]),
                agent("ops-1", &[], &[], &[]),
                agent("ops-2", &[], &[], &[]),
                agent("cs-1", &["cs"], &[], &[]),
            ],
        );
    });
    let to = |title: &str| ticket(&triage(&b, title, "")).assignee.clone();
    assert_eq!(to("课程咨询").as_deref(), Some("adv-1"));
    assert_eq!(to("退费").as_deref(), Some("fin-1"));
    assert_eq!(to("订单丢失").as_deref(), Some("ops-1"));
    assert_eq!(to("其他").as_deref(), Some("cs-1"));
}

// ---------------------------------------------------------------------------------------------
// Seasonal nodes: a disabled node stays in the flow and is skipped (or holds tickets).

const SEASONAL: &str = "flow-seasonal-nodes.json";

#[test]
fn seasonal_nodes_disabled_are_skipped() {
    let b = bundle(SEASONAL);
    let t = run(
        &b,
        json!({"flow": "enrolment", "commands": [
            {"at": "2026-07-01T10:00:00+08:00", "create": {"id": "E1", "title": "报名"}},
            {"at": "2026-07-01T10:05:00+08:00", "act": "booked"},
            {"at": "2026-07-01T10:10:00+08:00", "act": "done"}
        ]}),
    );
    assert_lines(
        &t,
        &[
            "07-01 10:00 created enrolment normal",
            "07-01 10:00 entered start",
            "07-01 10:00 skipped trial -> consult",
            "07-01 10:00 entered consult",
            "07-01 10:00 queued consult role:advisor",
            "07-01 10:10 acted consult done",
            "07-01 10:10 entered closed",
            "07-01 10:10 closed closed",
        ],
    );
    // The trial booking is not offered while the node is off.
    assert_eq!(refusal_codes(&t), [(1, "no-such-action")]);

    let t = run(
        &b,
        json!({"flow": "after-sales", "commands": [
            {"at": "2026-11-11T00:10:00+08:00", "create": {"id": "A1", "title": "退换货",
                "customer": {"tier": "vip"}}}
        ]}),
    );
    assert_eq!(
        lines(&t)[2..].to_vec(),
        [
            "11-11 00:10 skipped fast-lane -> normal",
            "11-11 00:10 entered normal",
            "11-11 00:10 queued normal role:cs",
        ]
    );
}

/// Enabled again for the season, the node is part of the path.
#[test]
fn seasonal_nodes_enabled_are_visited() {
    let b = bundle_with(SEASONAL, |b| {
        b["flows"][0]["nodes"][1]["enabled"] = json!(true);
        b["flows"][1]["nodes"][1]["enabled"] = json!(true);
    });
    check(
        &b,
        json!({"flow": "enrolment", "commands": [
            {"at": "2026-07-01T10:00:00+08:00", "create": {"id": "E1", "title": "报名"}},
            {"at": "2026-07-01T10:05:00+08:00", "act": "booked"}
        ]}),
        Has(&[
            "07-01 10:00 entered trial",
            "07-01 10:00 queued trial role:advisor",
            "07-01 10:05 acted trial booked",
            "07-01 10:05 entered consult",
        ]),
    );
    let t = run(
        &b,
        json!({"flow": "after-sales", "commands": [
            {"at": "2026-11-11T00:10:00+08:00", "create": {"id": "A1", "title": "退换货"}}
        ]}),
    );
    assert_eq!(names(&ticket(&t).at), ["fast-lane"]);
}

fn held_bundle(enabled: bool) -> Bundle {
    bundle_with(SEASONAL, |b| {
        b["flows"][0]["nodes"][1]["when_disabled"] = json!("hold");
        b["flows"][0]["nodes"][1]["enabled"] = json!(enabled);
    })
}

/// `when_disabled: "hold"`: the ticket waits at the node.
#[test]
fn seasonal_nodes_disabled_with_hold_keep_the_ticket() {
    let t = run(
        &held_bundle(false),
        json!({"flow": "enrolment", "commands": [
            {"at": "2026-07-01T10:00:00+08:00", "create": {"id": "E2", "title": "报名"}}
        ]}),
    );
    assert_lines(
        &t,
        &[
            "07-01 10:00 created enrolment normal",
            "07-01 10:00 entered start",
            "07-01 10:00 held trial",
        ],
    );
    assert_eq!(names(&ticket(&t).at), ["trial"]);
    assert!(!ticket(&t).closed);
}

/// A held ticket cannot be pushed through the disabled node; once a new version of the bundle
/// enables it, the booking goes on.
#[test]
fn seasonal_nodes_held_ticket_waits_until_the_node_is_enabled() {
    let held = held_bundle(false);
    let s = script(json!({"flow": "enrolment", "commands": [
        {"at": "2026-07-01T10:00:00+08:00", "create": {"id": "E3", "title": "报名"}},
        {"at": "2026-07-01T10:05:00+08:00", "act": "booked"}
    ]}));
    let t = simulate(&held, &s.commands, None);
    assert_eq!(t.refusals.len(), 1, "{}", lines(&t).join("\n"));
    assert_eq!(names(&ticket(&t).at), ["trial"]);

    let enabled = held_bundle(true);
    let (after, _) = Engine::new(&enabled)
        .apply(Some(ticket(&t)), &s.commands[1])
        .unwrap();
    assert_eq!(names(&after.at), ["consult"]);
}

// ---------------------------------------------------------------------------------------------
// Side effects: closing a return dispatches logistics and deducts points; closing a complaint
// triggers three delayed follow-ups.

const EFFECTS: &str = "flow-side-effects.json";

#[test]
fn side_effects_closing_a_return_dispatches_logistics_and_deducts_points() {
    let b = bundle_with(EFFECTS, |b| {
        push(b, "/org/agents", vec![agent("sales-li", &["cs"], &[], &[])]);
    });
    check(
        &b,
        json!({"flow": "return", "commands": [
            {"at": "2026-11-16T10:00:00+08:00", "create": {"id": "RT-1", "title": "退货",
                "customer": {"id": "cust-9", "region": "bj-chaoyang"}}},
            {"at": "2026-11-16T11:00:00+08:00", "act": "approve", "by": "sales-li"}
        ]}),
        Lines(&[
            "11-16 10:00 created return normal",
            "11-16 10:00 entered start",
            "11-16 10:00 entered inspect",
            "11-16 10:00 assigned inspect sales-li",
            "11-16 11:00 acted inspect approve by sales-li",
            "11-16 11:00 entered closed",
            r#"11-16 11:00 event logistics.dispatch {"address":"bj-chaoyang","ticket":"RT-1"}"#,
            r#"11-16 11:00 event points.deduct {"points":10,"salesperson":"sales-li"}"#,
            "11-16 11:00 closed closed",
        ]),
    );
}

#[test]
fn side_effects_closing_a_complaint_schedules_three_follow_ups() {
    let b = bundle(EFFECTS);
    let commands = json!([
        {"at": "2026-11-16T10:00:00+08:00", "create": {"id": "CP-1", "title": "投诉",
            "customer": {"id": "cust-9", "tier": "vip"}}},
        {"at": "2026-11-16T11:00:00+08:00", "act": "resolved"}
    ]);
    // Right after closing, nothing has been sent yet; the rating request is due in an hour.
    let t = run(&b, json!({"flow": "complaint-close", "commands": commands}));
    assert_eq!(
        lines(&t).last().unwrap(),
        "11-16 11:00 closed closed",
        "delayed events wait"
    );
    assert_eq!(next_due(&t).as_deref(), Some("11-16 12:00"));

    let t = run(
        &b,
        json!({"flow": "complaint-close", "until": "2026-12-01T00:00:00+08:00", "commands": commands}),
    );
    no_refusals(&t);
    assert_eq!(
        lines(&t)[lines(&t).len() - 3..].to_vec(),
        [
            r#"11-16 12:00 event follow_up.rating_request {"customer":"cust-9"}"#,
            r#"11-17 11:00 event follow_up.compensation_offer {"customer":"cust-9","tier":"vip"}"#,
            r#"11-23 11:00 event follow_up.repurchase_reminder {"customer":"cust-9"}"#,
        ]
    );
    assert_eq!(next_due(&t), None);

    // A host ticking in between gets each one when it falls due (a closed ticket still ticks).
    let mut ticked = commands.as_array().unwrap().clone();
    ticked.push(json!({"at": "2026-11-17T12:00:00+08:00", "tick": true}));
    let t = run(&b, json!({"flow": "complaint-close", "commands": ticked}));
    no_refusals(&t);
    assert_eq!(
        lines(&t).last().unwrap(),
        r#"11-17 11:00 event follow_up.compensation_offer {"customer":"cust-9","tier":"vip"}"#
    );
    assert_eq!(next_due(&t).as_deref(), Some("11-23 11:00"));
}

// ---------------------------------------------------------------------------------------------
// Notifications: channels by urgency, quiet hours, acknowledgement fallback, arrival heads-up.

const NOTIFY: &str = "flow-notifications.json";

fn visit(priority: &str, at: &str, extra: Vec<Value>, until: &str) -> Timeline {
    let mut commands = vec![json!({"at": at, "create": {"id": "N1", "title": "上门安装",
        "region": "bj", "priority": priority, "customer": {"id": "cust-1"}}})];
    commands.extend(extra);
    run(
        &bundle(NOTIFY),
        json!({"flow": "home-visit", "until": until, "commands": commands}),
    )
}

/// Urgent tickets go by WeCom, normal ones by SMS (the first of SMS / e-mail); without an
/// acknowledgement within 30 minutes, the message is sent again by phone call.
#[test]
fn notifications_pick_the_channel_by_urgency_and_fall_back_without_acknowledgement() {
    let t = visit(
        "normal",
        "2026-11-16T10:00:00+08:00",
        vec![json!({"at": "2026-11-16T10:10:00+08:00", "acknowledge": "N1-n2"})],
        "2026-11-16T12:00:00+08:00",
    );
    no_refusals(&t);
    assert_lines(
        &t,
        &[
            "11-16 10:00 created home-visit normal",
            "11-16 10:00 sla_started resolution due 11-17 10:00",
            "11-16 10:00 entered start",
            "11-16 10:00 notify state_change sms [role:dispatcher] ticket-update send 11-16 10:00",
            "11-16 10:00 entered visit",
            "11-16 10:00 notify state_change sms [role:dispatcher] ticket-update send 11-16 10:00",
            "11-16 10:00 queued visit role:engineer",
            // N1-n2 was acknowledged; N1-n1 was not.
            "11-16 10:30 notify state_change phone_call [role:dispatcher] ticket-update send 11-16 10:30",
        ],
    );
    let fallback = t
        .timeline
        .iter()
        .rev()
        .find_map(|h| match &h.what {
            What::Notify(n) => Some(n.id.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(fallback, "N1-n1-fallback");

    for priority in ["urgent", "high"] {
        let t = visit(
            priority,
            "2026-11-16T10:00:00+08:00",
            vec![],
            "2026-11-16T10:00:00+08:00",
        );
        assert_has(
            &t,
            &[
                "11-16 10:00 notify state_change wecom [role:dispatcher] ticket-update send 11-16 10:00",
            ],
        );
    }
}

/// Nothing is sent in quiet hours (22:00–08:00): a ticket opened at 23:00 is announced at
/// 08:00, and the fallback waits 30 minutes from then. The SLA warning (2 hours before the
/// resolution is due) and the breach go out when they happen.
#[test]
fn notifications_wait_for_the_end_of_quiet_hours() {
    let t = visit(
        "urgent",
        "2026-11-16T23:00:00+08:00",
        vec![json!({"at": "2026-11-17T08:10:00+08:00", "acknowledge": "N1-n1"})],
        "2026-11-18T00:00:00+08:00",
    );
    no_refusals(&t);
    assert_lines(
        &t,
        &[
            "11-16 23:00 created home-visit urgent",
            "11-16 23:00 sla_started resolution due 11-17 23:00",
            "11-16 23:00 entered start",
            "11-16 23:00 entered visit",
            "11-16 23:00 queued visit role:engineer",
            "11-17 08:00 notify state_change wecom [role:dispatcher] ticket-update send 11-17 08:00",
            "11-17 08:00 notify state_change wecom [role:dispatcher] ticket-update send 11-17 08:00",
            "11-17 08:30 notify state_change phone_call [role:dispatcher] ticket-update send 11-17 08:30",
            "11-17 21:00 sla_warning resolution due 11-17 23:00",
            "11-17 21:00 notify sla_warning wecom [role:dispatcher] ticket-update send 11-17 21:00",
            "11-17 21:30 notify sla_warning phone_call [role:dispatcher] ticket-update send 11-17 21:30",
            "11-17 23:00 sla_breach resolution due 11-17 23:00",
            "11-17 23:00 notify sla_breach wecom [] sla-breach send 11-17 23:00",
        ],
    );
    // Deferred messages are due before they are sent.
    let t = visit(
        "normal",
        "2026-11-16T23:00:00+08:00",
        vec![],
        "2026-11-17T07:00:00+08:00",
    );
    assert_eq!(next_due(&t).as_deref(), Some("11-17 08:00"));
    assert_lacks(&t, "notify");
}

/// The customer is told 15 minutes before the technician arrives (by SMS, in the arrival
/// rule); an acknowledgement the engine does not expect is refused.
#[test]
fn notifications_tell_the_customer_15_minutes_before_arrival() {
    let t = visit(
        "normal",
        "2026-11-16T09:00:00+08:00",
        vec![
            json!({"at": "2026-11-16T09:00:00+08:00", "acknowledge": "N1-n1"}),
            json!({"at": "2026-11-16T09:00:00+08:00", "acknowledge": "N1-n2"}),
            json!({"at": "2026-11-16T09:30:00+08:00", "arrival": "2026-11-16T14:00:00+08:00"}),
            json!({"at": "2026-11-16T09:31:00+08:00", "acknowledge": "N1-n3"}),
        ],
        "2026-11-16T15:00:00+08:00",
    );
    assert_eq!(refusal_codes(&t), [(4, "unknown-notification")]);
    assert_eq!(
        lines(&t)[lines(&t).len() - 1..].to_vec(),
        [
            "11-16 13:45 notify technician_arriving sms [cust-1] technician-arriving send 11-16 13:45"
        ]
    );
    let heads_up = t
        .timeline
        .iter()
        .find_map(|h| match &h.what {
            What::Notify(n) if n.event == "technician_arriving" => Some(n.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(heads_up.values["arrives_at"], "2026-11-16T06:00:00Z");
    // Before it is sent, the heads-up is what falls due next.
    let t = visit(
        "normal",
        "2026-11-16T09:00:00+08:00",
        vec![json!({"at": "2026-11-16T09:30:00+08:00", "arrival": "2026-11-16T14:00:00+08:00"})],
        "2026-11-16T12:00:00+08:00",
    );
    assert_eq!(next_due(&t).as_deref(), Some("11-16 13:45"));
}

/// The breach rule reads `ticket.priority == 'urgent' or event.node == 'visit'`: a normal
/// ticket breached at the visit node tells the owner's manager too.
#[test]
fn notifications_conditions_read_the_event() {
    let t = visit(
        "normal",
        "2026-11-16T10:00:00+08:00",
        vec![],
        "2026-11-17T12:00:00+08:00",
    );
    assert_has(
        &t,
        &["11-17 10:00 notify sla_breach wecom [] sla-breach send 11-17 10:00"],
    );
}

// ---------------------------------------------------------------------------------------------
// The published SLA examples (semantics.md, "SLA clocks"), through tickets.

/// The calendars of the semantics, a flow whose first policy (hotline tickets) resolves in 16
/// working hours on Mon 9–17, Tue 9–16, Wed off, Thu 8–17 (UTC), and whose fallback answers
/// within 4 working hours on Mon–Fri 9–17 (Asia/Shanghai). A guard on the quote action.
fn published_bundle() -> Bundle {
    let day = |from: &str, until: &str| json!([{"from": from, "until": until}]);
    load(&json!({
        "schema_version": 2, "name": "published-sla", "currency": "CNY",
        "time_zone": "Asia/Shanghai",
        "org": {"roles": [{"id": "cs", "name": "客服"}]},
        "calendars": [
            {"id": "published-16h", "name": "Mon 9–17, Tue 9–16, Wed off, Thu 8–17",
             "time_zone": "UTC",
             "week": {"mon": day("09:00", "17:00"), "tue": day("09:00", "16:00"),
                      "thu": day("08:00", "17:00")}},
            {"id": "weekdays-9-17", "name": "Mon–Fri 9–17",
             "week": {"mon": day("09:00", "17:00"), "tue": day("09:00", "17:00"),
                      "wed": day("09:00", "17:00"), "thu": day("09:00", "17:00"),
                      "fri": day("09:00", "17:00")}}
        ],
        "flows": [{
            "id": "support", "name": "Support", "calendar": "weekdays-9-17",
            "nodes": [
                {"id": "start", "name": "开始", "kind": "start", "next": "answer"},
                {"id": "answer", "name": "答复", "kind": "task",
                 "assign": {"strategy": "role", "to": {"role": "cs"}},
                 "actions": [
                    {"id": "quote", "label": "报价", "to": "closed",
                     "guard": "action.data.amount <= 500"},
                    {"id": "close", "label": "结束", "to": "closed"}
                 ]},
                {"id": "closed", "name": "结束", "kind": "end"}
            ],
            "sla": [
                {"id": "hotline", "when": "ticket.channel == 'hotline'",
                 "calendar": "published-16h",
                 "targets": {"resolution": {"within": "16h", "business_time": true}}},
                {"id": "standard",
                 "targets": {"first_response": {"within": "4h", "business_time": true},
                             "resolution": {"within": "2d"}},
                 "warn_before": "30m"}
            ]
        }]
    }))
}

fn support(channel: &str, at: &str, extra: Vec<Value>) -> Timeline {
    let mut commands =
        vec![json!({"at": at, "create": {"id": "P1", "title": "咨询", "channel": channel}})];
    commands.extend(extra);
    run(
        &published_bundle(),
        json!({"flow": "support", "commands": commands}),
    )
}

/// 16 working hours from Monday 11:00 on Mon 9–17, Tue 9–16, Wed off, Thu 8–17 → Thursday 11:00.
#[test]
fn published_sla_16_hours_from_monday_11_is_due_thursday_11() {
    let t = support("hotline", "2026-11-16T11:00:00Z", vec![]);
    no_refusals(&t);
    assert_eq!(ticket(&t).sla_policy.as_deref(), Some("hotline"));
    let utc = FixedOffset::east_opt(0).unwrap();
    let got: Vec<String> = t.timeline.iter().map(|h| line_in(h, utc)).collect();
    assert_eq!(
        got[..2].to_vec(),
        [
            "11-16 11:00 created support normal",
            "11-16 11:00 sla_started resolution due 11-19 11:00",
        ]
    );
    assert_eq!(
        ticket(&t).clocks[0].due.map(|d| d.to_string()).as_deref(),
        Some("2026-11-19T11:00:00Z")
    );
}

/// 4 working hours from Friday 16:00 on Mon–Fri 9–17 → Monday 12:00; the warning 30 minutes
/// before, the breach at noon.
#[test]
fn published_sla_4_hours_from_friday_16_is_due_monday_12() {
    let t = support(
        "app",
        "2026-11-20T16:00:00+08:00",
        vec![json!({"at": "2026-11-23T13:00:00+08:00", "tick": true})],
    );
    no_refusals(&t);
    assert_eq!(ticket(&t).sla_policy.as_deref(), Some("standard"));
    assert_has(
        &t,
        &[
            "11-20 16:00 sla_started first_response due 11-23 12:00",
            "11-20 16:00 sla_started resolution due 11-22 16:00",
            "11-22 16:00 sla_breach resolution due 11-22 16:00",
            "11-23 11:30 sla_warning first_response due 11-23 12:00",
            "11-23 12:00 sla_breach first_response due 11-23 12:00",
        ],
    );
}

/// Time paused is added back: paused Monday 12:00 → Tuesday 10:00 (UTC) is 6 working hours
/// (Mon 12–17, Tue 9–10), so the hotline resolution moves from Thursday 11:00 to Thursday 17:00.
/// A calendar clock moves by the time paused itself.
#[test]
fn published_sla_pause_adds_the_working_time_paused() {
    let t = support(
        "hotline",
        "2026-11-16T11:00:00Z",
        vec![
            json!({"at": "2026-11-16T12:00:00Z", "pause": true}),
            json!({"at": "2026-11-17T10:00:00Z", "resume": true}),
        ],
    );
    no_refusals(&t);
    assert_eq!(
        ticket(&t).clocks[0].due.map(|d| d.to_string()).as_deref(),
        Some("2026-11-19T17:00:00Z")
    );
    // A pause outside working hours changes nothing.
    let t = support(
        "hotline",
        "2026-11-16T11:00:00Z",
        vec![
            json!({"at": "2026-11-17T16:30:00Z", "pause": true}),
            json!({"at": "2026-11-19T07:00:00Z", "resume": true}),
        ],
    );
    assert_eq!(
        ticket(&t).clocks[0].due.map(|d| d.to_string()).as_deref(),
        Some("2026-11-19T11:00:00Z")
    );
    // Calendar time: two days from Monday 10:00, paused 90 minutes.
    let t = support(
        "app",
        "2026-11-16T10:00:00+08:00",
        vec![
            json!({"at": "2026-11-16T11:00:00+08:00", "pause": true}),
            json!({"at": "2026-11-16T12:30:00+08:00", "resume": true}),
        ],
    );
    assert_eq!(clock(&t, "resolution").0.as_deref(), Some("11-18 11:30"));
    // The first response: 4 working hours from 10:00 (14:00), plus the 1.5 working hours paused.
    assert_eq!(
        clock(&t, "first_response").0.as_deref(),
        Some("11-16 15:30")
    );
}

/// A customer's reply starts no next-update clock when the policy has none; an agent's reply
/// stops the first-response clock.
#[test]
fn published_sla_agent_reply_stops_the_first_response_clock() {
    let t = support(
        "app",
        "2026-11-16T10:00:00+08:00",
        vec![
            json!({"at": "2026-11-16T10:30:00+08:00", "comment": {"customer": true}}),
            json!({"at": "2026-11-16T11:00:00+08:00", "comment": {"by": "cs-1"}}),
        ],
    );
    no_refusals(&t);
    assert_eq!(
        clock(&t, "first_response"),
        (
            Some("11-16 14:00".into()),
            Some("11-16 11:00".into()),
            false
        )
    );
    assert_eq!(ticket(&t).clocks.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Bad input: refused with a code, the ticket unchanged.

/// Applies `commands` one by one, returning the ticket after each accepted command.
fn apply_all(b: &Bundle, commands: &[jimu_core::ticket::Command]) -> Ticket {
    let mut engine = Engine::new(b);
    let mut t: Option<Ticket> = None;
    for c in commands {
        let (next, _) = engine.apply(t.as_ref(), c).unwrap();
        t = Some(next);
    }
    t.unwrap()
}

/// `bad` is refused with `code` against the ticket the `good` commands left; the same ticket
/// then takes the next command as if nothing had been tried.
fn assert_refused(b: &Bundle, good: Value, bad: Value, code: &str) {
    let good = script(json!({"flow": "support", "commands": good})).commands;
    let bad = script(json!({"flow": "support", "commands": [bad]})).commands;
    let before = apply_all(b, &good);
    let snapshot = before.clone();
    let refusal = Engine::new(b)
        .apply(Some(&before), &bad[0])
        .expect_err("refused");
    assert_eq!(refusal.code, code, "{refusal:?}");
    assert!(!refusal.message.en.is_empty() && !refusal.message.zh_cn.is_empty());
    assert_eq!(before, snapshot);
    // Applied in place, the refusal undoes everything, also what fell due before the command.
    let mut in_place = before.clone();
    let again = Engine::new(b)
        .apply_to(&mut in_place, &bad[0])
        .expect_err("refused in place");
    assert_eq!(again, refusal);
    assert_eq!(in_place, snapshot);
}

fn opened() -> Value {
    json!([{"at": "2026-11-16T10:00:00+08:00", "create": {"id": "B1", "title": "咨询"}}])
}

#[test]
fn bad_input_an_action_the_node_does_not_offer_is_refused() {
    let b = published_bundle();
    assert_refused(
        &b,
        opened(),
        json!({"at": "2026-11-16T11:00:00+08:00", "act": "approve"}),
        "no-such-action",
    );
    let refusal = Engine::new(&b)
        .apply(
            Some(&apply_all(
                &b,
                &script(json!({"flow": "support", "commands": opened()})).commands,
            )),
            &script(json!({"flow": "support", "commands": [
                {"at": "2026-11-16T11:00:00+08:00", "act": "approve"}]}))
            .commands[0],
        )
        .unwrap_err();
    assert!(refusal.message.en.contains("quote, close"), "{refusal:?}");
    // A guard that does not hold.
    assert_refused(
        &b,
        opened(),
        json!({"at": "2026-11-16T11:00:00+08:00", "act": "quote", "data": {"amount": 800}}),
        "guard",
    );
}

#[test]
fn bad_input_a_command_on_a_closed_ticket_is_refused() {
    let mut good = opened();
    good.as_array_mut()
        .unwrap()
        .push(json!({"at": "2026-11-16T11:00:00+08:00", "act": "close"}));
    for bad in [
        json!({"at": "2026-11-16T12:00:00+08:00", "act": "close"}),
        json!({"at": "2026-11-16T12:00:00+08:00", "comment": {"customer": true}}),
        json!({"at": "2026-11-16T12:00:00+08:00", "pause": true}),
    ] {
        assert_refused(&published_bundle(), good.clone(), bad, "closed");
    }
}

#[test]
fn bad_input_a_now_earlier_than_the_last_event_is_refused() {
    let mut good = opened();
    good.as_array_mut()
        .unwrap()
        .push(json!({"at": "2026-11-16T11:00:00+08:00", "comment": {"by": "cs-1"}}));
    assert_refused(
        &published_bundle(),
        good.clone(),
        json!({"at": "2026-11-16T10:59:59+08:00", "act": "close"}),
        "time-backwards",
    );
    // The same instant is fine (several commands in one second).
    let mut same = good;
    same.as_array_mut()
        .unwrap()
        .push(json!({"at": "2026-11-16T03:00:00Z", "act": "close"}));
    let t = run(
        &published_bundle(),
        json!({"flow": "support", "commands": same}),
    );
    no_refusals(&t);
}

#[test]
fn bad_input_other_refusals_have_their_codes() {
    let b = published_bundle();
    let at = "2026-11-16T11:00:00+08:00";
    assert_refused(
        &b,
        opened(),
        json!({"at": at, "create": {"id": "B2"}}),
        "exists",
    );
    assert_refused(
        &b,
        opened(),
        json!({"at": at, "assign": "nobody"}),
        "unknown-agent",
    );
    assert_refused(
        &b,
        opened(),
        json!({"at": at, "resume": true}),
        "not-paused",
    );
    assert_refused(
        &b,
        opened(),
        json!({"at": at, "acknowledge": "B1-n9"}),
        "unknown-notification",
    );
    let mut paused = opened();
    paused
        .as_array_mut()
        .unwrap()
        .push(json!({"at": at, "pause": true}));
    assert_refused(&b, paused, json!({"at": at, "pause": true}), "paused");

    let t = run(
        &b,
        json!({"flow": "support", "commands": [
            {"at": at, "tick": true},
            {"at": at, "create": {"id": "B3", "flow": "nope"}},
            {"at": at, "create": {"id": "B4", "priority": "asap"}}
        ]}),
    );
    assert_eq!(
        refusal_codes(&t),
        [(0, "no-ticket"), (1, "unknown-flow"), (2, "bad-priority")]
    );
    assert!(t.ticket.is_none() && t.timeline.is_empty() && t.next_due.is_none());
}

/// A refused command leaves no trace: the run is the run without it.
#[test]
fn bad_input_refused_commands_change_nothing() {
    let b = bundle(COMPLAINT);
    let commands = |with_bad: bool| {
        let mut c = vec![
            json!({"at": "2026-11-16T09:00:00+08:00", "create": {"id": "C1", "title": "投诉"}}),
        ];
        if with_bad {
            // After the breach: the refused command must not swallow what fell due before it.
            c.push(json!({"at": "2026-11-17T10:00:00+08:00", "act": "nope"}));
            c.push(json!({"at": "2026-11-17T10:00:00+08:00", "assign": "nobody"}));
        }
        c.push(json!({"at": "2026-11-17T11:00:00+08:00", "act": "resolved"}));
        json!({"flow": "complaint", "commands": c})
    };
    let with = run(&b, commands(true));
    let without = run(&b, commands(false));
    assert_eq!(
        refusal_codes(&with),
        [(1, "no-such-action"), (2, "unknown-agent")]
    );
    assert_eq!(with.ticket, without.ticket);
    assert_eq!(with.timeline, without.timeline);
    assert_has(
        &with,
        &["11-17 09:00 sla_breach first_response due 11-17 09:00"],
    );
}

#[test]
fn bad_scripts_are_problems_with_pointers() {
    let problems = Script::from_json(
        r#"{"commands": [
            {"at": "yesterday", "tick": true},
            {"at": "2026-11-16T10:00:00+08:00", "tick": true, "pause": true},
            {"at": "2026-11-16T10:00:00+08:00", "create": {"id": "X"}},
            {"at": "2026-11-16T10:00:00+08:00", "jump": true}
        ]}"#,
    )
    .unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"/commands/0/at"), "{problems:#?}");
    assert!(paths.contains(&"/commands/1"), "{problems:#?}");
    assert!(paths.contains(&"/commands/2/create/flow"), "{problems:#?}");
    assert!(
        paths.iter().any(|p| p.starts_with("/commands/3")),
        "{problems:#?}"
    );
    assert!(Script::from_json("{").is_err());
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// A bundle with one policy: `within` minutes of first response (business or calendar time)
/// and a calendar resolution, on one of the published calendars.
fn sla_bundle(within: u32, business: bool, calendar: &str) -> Bundle {
    let day = |from: &str, until: &str| json!([{"from": from, "until": until}]);
    load(&json!({
        "schema_version": 2, "name": "prop", "currency": "CNY", "time_zone": "Asia/Shanghai",
        "calendars": [
            {"id": "published-16h", "name": "16h", "time_zone": "UTC",
             "week": {"mon": day("09:00", "17:00"), "tue": day("09:00", "16:00"),
                      "thu": day("08:00", "17:00")},
             "holidays": [{"date": "2026-10-01", "through": "2026-10-07", "name": "国庆"}]},
            {"id": "split", "name": "split", "time_zone": "Europe/Berlin",
             "week": {"mon": [{"from": "08:00", "until": "12:00"}, {"from": "13:00", "until": "17:30"}],
                      "sat": [{"from": "00:00", "until": "24:00"}],
                      "sun": [{"from": "02:00", "until": "03:30"}]}}
        ],
        "flows": [{
            "id": "f", "name": "f", "calendar": calendar,
            "nodes": [
                {"id": "start", "name": "s", "kind": "start", "next": "work"},
                {"id": "work", "name": "w", "kind": "task",
                 "assign": {"strategy": "least_loaded"},
                 "actions": [{"id": "done", "label": "done", "to": "end"}]},
                {"id": "end", "name": "e", "kind": "end"}
            ],
            "sla": [{"id": "p",
                     "targets": {"first_response": {"within": format!("{within}m"),
                                                    "business_time": business},
                                 "resolution": {"within": "3d"}},
                     "warn_before": "10m"}]
        }]
    }))
}

fn instant(minutes: i64) -> DateTime<FixedOffset> {
    // From 2025-01-01 on, across DST changes (Berlin) and the National Day holiday.
    let base = DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap();
    base + chrono::Duration::minutes(minutes)
}

fn command(at: DateTime<FixedOffset>, kind: &str) -> Value {
    let at = at.to_rfc3339();
    match kind {
        "create" => json!({"at": at, "create": {"id": "P", "title": "t"}}),
        "pause" | "resume" | "tick" => json!({"at": at, kind: true}),
        "reply" => json!({"at": at, "comment": {"by": "a"}}),
        "customer" => json!({"at": at, "comment": {"customer": true}}),
        other => json!({"at": at, "act": other}),
    }
}

fn due_of(t: &Ticket, target: &str) -> Option<DateTime<Utc>> {
    t.clocks
        .iter()
        .find(|c| c.target == target)
        .and_then(|c| c.due)
        .map(|d| d.0)
}

fn sla_case() -> impl Strategy<Value = (u32, bool, &'static str, i64)> {
    (
        11u32..6000,
        any::<bool>(),
        prop::sample::select(vec!["published-16h", "split"]),
        0i64..(3 * 366 * 24 * 60),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A due time is never before its start (and a positive target is strictly after it).
    #[test]
    fn due_is_never_before_its_start((within, business, calendar, start) in sla_case()) {
        let b = sla_bundle(within, business, calendar);
        let t = run(&b, json!({"flow": "f", "commands": [command(instant(start), "create")]}));
        let tk = ticket(&t);
        prop_assert_eq!(tk.clocks.len(), 2);
        for c in &tk.clocks {
            let started = c.started.0;
            let due = c.due.unwrap().0;
            prop_assert!(due > started, "{} due {} before its start {}", c.target, due, started);
        }
    }

    /// Pausing never makes a due time earlier; a calendar clock moves by exactly the time
    /// paused when the pause starts before it is due.
    #[test]
    fn pausing_never_makes_a_due_time_earlier(
        (within, business, calendar, start) in sla_case(),
        pause_after in 0i64..3000,
        paused_for in 0i64..6000,
    ) {
        let b = sla_bundle(within, business, calendar);
        let created = instant(start);
        let paused = created + chrono::Duration::minutes(pause_after);
        let resumed = paused + chrono::Duration::minutes(paused_for);
        let plain = run(&b, json!({"flow": "f", "commands": [command(created, "create")]}));
        let with_pause = run(&b, json!({"flow": "f", "commands": [
            command(created, "create"), command(paused, "pause"), command(resumed, "resume")]}));
        prop_assert!(with_pause.refusals.is_empty());
        for target in ["first_response", "resolution"] {
            let before = due_of(ticket(&plain), target).unwrap();
            let after = due_of(ticket(&with_pause), target).unwrap();
            prop_assert!(after >= before, "{target}: {before} became {after}");
        }
        let before = due_of(ticket(&plain), "resolution").unwrap();
        if paused.with_timezone(&Utc) < before {
            prop_assert_eq!(
                due_of(ticket(&with_pause), "resolution").unwrap(),
                before + chrono::Duration::minutes(paused_for)
            );
        }
    }

    /// Replaying a ticket's commands gives back the same state: the same script twice, and the
    /// commands applied one by one with a fresh engine each, give equal tickets and timelines.
    #[test]
    fn replaying_a_script_gives_the_same_ticket(
        (within, business, calendar, start) in sla_case(),
        steps in prop::collection::vec(
            (0i64..2000, prop::sample::select(
                vec!["done", "nope", "pause", "resume", "tick", "reply", "customer"])),
            0..12),
    ) {
        let b = sla_bundle(within, business, calendar);
        let mut at = instant(start);
        let mut commands = vec![command(at, "create")];
        for (gap, kind) in &steps {
            at += chrono::Duration::minutes(*gap);
            commands.push(command(at, kind));
        }
        let until = (at + chrono::Duration::days(3)).to_rfc3339();
        let s = json!({"flow": "f", "until": until, "commands": commands});
        let first = run(&b, s.clone());
        let second = run(&b, s.clone());
        prop_assert_eq!(&first, &second);

        let parsed = script(s);
        let mut t: Option<Ticket> = None;
        // The same commands applied in place by one engine, refusals included.
        let mut engine = Engine::new(&b);
        let mut in_place = engine.open(&parsed.commands[0]).unwrap();
        for c in &parsed.commands {
            let copied = Engine::new(&b).apply(t.as_ref(), c);
            if let Some(current) = &t {
                let start = in_place.log.len();
                match (&copied, engine.apply_to(&mut in_place, c)) {
                    (Ok((_, happened)), Ok(from)) => {
                        prop_assert_eq!(from, start);
                        prop_assert_eq!(&in_place.log[from..], &happened[..]);
                    }
                    (Err(a), Err(b)) => {
                        prop_assert_eq!(a, &b);
                        prop_assert_eq!(&in_place, current);
                    }
                    (a, b) => prop_assert!(false, "{a:?} against {b:?}"),
                }
            }
            if let Ok((next, _)) = copied {
                t = Some(next);
            }
        }
        let stepwise = t.unwrap();
        prop_assert_eq!(&in_place, &stepwise);
        let ran = simulate(&b, &parsed.commands, None);
        prop_assert_eq!(ran.ticket.as_ref().unwrap(), &stepwise);
    }

    /// The engine has no clock: ticking in between fires the same things at the same instants.
    #[test]
    fn ticking_in_between_changes_nothing(
        (within, business, calendar, start) in sla_case(),
        steps in prop::collection::vec(
            (0i64..2000, prop::sample::select(
                vec!["done", "pause", "resume", "reply", "customer"]), any::<bool>()),
            0..10),
    ) {
        let b = sla_bundle(within, business, calendar);
        let mut at = instant(start);
        let mut plain = vec![command(at, "create")];
        let mut ticked = plain.clone();
        for (gap, kind, tick) in &steps {
            let before = at;
            at += chrono::Duration::minutes(*gap);
            if *tick {
                ticked.push(command(before + chrono::Duration::minutes(gap / 2), "tick"));
            }
            plain.push(command(at, kind));
            ticked.push(command(at, kind));
        }
        let until = (at + chrono::Duration::days(3)).to_rfc3339();
        let a = run(&b, json!({"flow": "f", "until": until, "commands": plain}));
        let c = run(&b, json!({"flow": "f", "until": until, "commands": ticked}));
        prop_assert_eq!(&a.timeline, &c.timeline);
        prop_assert_eq!(&ticket(&a).log, &ticket(&c).log);
        prop_assert_eq!(&ticket(&a).clocks, &ticket(&c).clocks);
        prop_assert_eq!(&a.next_due, &c.next_due);
    }
}

/// A pausing status belongs to the node that set it (as a Zendesk "pending" ends when the ticket
/// moves on): a VIP ticket waits for the customer at `rating` (status `waiting_customer`, which
/// the VIP policy pauses on), then goes on to a follow-up task that sets no status. The clocks
/// resume when it leaves `rating` and are not paused again at the same instant.
///
/// By hand: created Mon 11-16 09:00, resolution within 1 calendar day → due 11-17 09:00.
/// Inspected at 11:00 (no parts) → `rating`, paused 11:00; rated at 12:00 → resumed, the due
/// moves by the hour paused to 11-17 10:00; the follow-up stays open, so the resolution breaches
/// at 11-17 10:00 (before the fix it stayed paused for ever and never breached).
#[test]
fn a_pausing_status_ends_with_its_node() {
    let b = bundle_with(REPAIR, |json| {
        let nodes = json["flows"][0]["nodes"].as_array_mut().unwrap();
        for node in nodes.iter_mut() {
            if node["id"] == "rating" {
                node["actions"][0]["to"] = json!("follow-up");
            }
        }
        nodes.push(json!({"id": "follow-up", "name": "回访", "kind": "task",
            "assign": {"strategy": "role", "to": {"role": "cs"}},
            "actions": [{"id": "done", "label": "完成", "to": "closed"}]}));
    });
    let t = run(
        &b,
        json!({"flow": "appliance-repair", "until": "2026-11-17T12:00:00+08:00", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("T9", Some("VIP"), false)},
            {"at": "2026-11-16T09:10:00+08:00", "act": "submit", "by": "cs-li"},
            {"at": "2026-11-16T11:00:00+08:00", "act": "inspected", "by": "wang"},
            {"at": "2026-11-16T12:00:00+08:00", "act": "rated", "by": "cs-li"}
        ]}),
    );
    no_refusals(&t);
    let pauses: Vec<String> = lines(&t)
        .into_iter()
        .filter(|l| l.contains("paused") || l.contains("resumed") || l.contains("breach"))
        .collect();
    assert_eq!(
        pauses,
        [
            "11-16 11:00 paused",
            "11-16 12:00 resumed",
            "11-17 10:00 sla_breach resolution due 11-17 10:00"
        ],
        "{}",
        lines(&t).join("\n")
    );
    let tk = ticket(&t);
    assert_eq!(tk.status, None);
    assert!(!tk.paused);
    assert_eq!(
        clock(&t, "resolution"),
        (Some("11-17 10:00".into()), None, true)
    );
}

// ---------------------------------------------------------------------------------------------
// A repair ticket carries its price (`flow-priced-repair.json`): the `price` step runs the
// pricing engine on the ticket's data and keeps the quote, with its trace, on the ticket.
// Prices: labour 80.00 an hour (VIP: 10% off labour), compressor 650.00, call-out 30 within
// 3 km and 5 per km beyond, part of a km counting whole. A quote over 500 waits for the
// customer's confirmation; a ticket that cannot be priced goes to a manual quote.

const PRICED: &str = "flow-priced-repair.json";

fn priced_ticket(id: &str, tier: &str, fields: Value) -> Value {
    json!({"id": id, "title": "空调不制冷", "region": "bj",
        "customer": {"id": "c1", "tier": tier}, "fields": fields})
}

/// By hand: a VIP customer, 2 hours of labour, a new compressor, 3.2 km away.
/// Labour 2 × 80.00 = 160.00, VIP 10% off → 144.00; compressor 1 × 650.00 = 650.00;
/// call-out 3.2 km → 4 km: 30 + (4 − 3) × 5 = 35.00. Total 144.00 + 650.00 + 35.00 = 829.00,
/// over 500, so customer service confirms with the customer before the visit; the engineer's
/// "done" emits the charge of the ticket's price.
#[test]
fn priced_repair_a_vip_job_carries_its_quote_and_waits_for_the_customer() {
    let t = check(
        &bundle(PRICED),
        json!({"flow": "priced-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": priced_ticket("R1", "vip",
                json!({"fault": "压缩机不启动", "distance_km": "3.2", "labour_hours": "2", "compressor": true}))},
            {"at": "2026-11-16T09:20:00+08:00", "act": "accepted", "by": "cs-li"},
            {"at": "2026-11-16T15:00:00+08:00", "act": "done", "by": "wang"}
        ]}),
        Lines(&[
            "11-16 09:00 created priced-repair normal",
            "11-16 09:00 entered start",
            "11-16 09:00 entered quote",
            "11-16 09:00 priced quote 829.00",
            "11-16 09:00 entered over-500",
            "11-16 09:00 entered confirm",
            "11-16 09:00 queued confirm role:cs",
            "11-16 09:20 acted confirm accepted by cs-li",
            "11-16 09:20 entered repair",
            "11-16 09:20 assigned repair wang",
            "11-16 15:00 acted repair done by wang",
            r#"11-16 15:00 event billing.charge {"amount":829}"#,
            "11-16 15:00 entered closed",
            "11-16 15:00 closed closed",
        ]),
    );
    let quote = ticket(&t)
        .quote
        .as_ref()
        .expect("the ticket carries its quote");
    let lines: Vec<(&str, String, String)> = quote
        .lines
        .iter()
        .map(|l| {
            (
                l.item.as_str(),
                l.quantity.to_string(),
                l.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("labour", "2".into(), "144.00".into()),
            ("compressor", "1".into(), "650.00".into()),
            ("call-out", "1".into(), "35.00".into()),
        ]
    );
    assert_eq!(quote.total.to_string(), "829.00");
    // The trace says why: the VIP discount on the labour line, the call-out fee by distance.
    let formulas: Vec<(&str, String)> = serde_json::to_value(quote).unwrap()["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                if s["rule"] == "vip-labour-10-off" {
                    "vip"
                } else {
                    "call-out"
                },
                s["formula"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        formulas,
        [
            ("vip", "160.00 × (1 − 10%) = 144".to_owned()),
            (
                "call-out",
                "3.2 → 4; (0, 3] 30 + (3, 4] 1 × 5 = 35".to_owned()
            ),
        ]
    );
    // The quote travels with the ticket as JSON: amounts as strings.
    let json = serde_json::to_value(ticket(&t)).unwrap();
    assert_eq!(json["quote"]["total"], "829.00");
}

/// By hand: a regular customer, 1.5 hours, no compressor (the line's quantity is 0, so it is
/// left out), 7 km away. Labour 1.5 × 80.00 = 120.00; call-out 30 + (7 − 3) × 5 = 50.00.
/// Total 170.00, not over 500: straight to the engineer.
#[test]
fn priced_repair_a_small_job_goes_straight_to_the_engineer() {
    let t = check(
        &bundle(PRICED),
        json!({"flow": "priced-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": priced_ticket("R2", "regular",
                json!({"fault": "不制冷", "distance_km": 7, "labour_hours": "1.5", "compressor": false}))}
        ]}),
        Has(&[
            "11-16 09:00 priced quote 170.00",
            "11-16 09:00 assigned repair wang",
        ]),
    );
    assert_lacks(&t, "confirm");
    let quote = ticket(&t).quote.as_ref().unwrap();
    let items: Vec<&str> = quote.lines.iter().map(|l| l.item.as_str()).collect();
    assert_eq!(items, ["labour", "call-out"]);
    assert_eq!(quote.lines[0].amount.to_string(), "120.00");
    assert_eq!(quote.lines[1].amount.to_string(), "50.00");
    assert_eq!(quote.total.to_string(), "170.00");
}

/// A job without its distance cannot be priced (the call-out fee reads `distance_km`): the log
/// says why, pointing at the step's `context` where the distance belongs, the ticket has no
/// price (`ticket.price` is null), and it goes to customer service for a manual quote.
#[test]
fn priced_repair_a_job_that_cannot_be_priced_goes_to_a_manual_quote() {
    let t = check(
        &bundle(PRICED),
        json!({"flow": "priced-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": priced_ticket("R3", "regular",
                json!({"fault": "不制冷", "labour_hours": "1"}))}
        ]}),
        Has(&[
            "11-16 09:00 price_failed quote missing-context /flows/0/nodes/1/steps/0/context/distance_km",
            "11-16 09:00 queued manual-quote role:cs",
        ]),
    );
    assert!(ticket(&t).quote.is_none());
    let failed = t
        .timeline
        .iter()
        .find_map(|h| match &h.what {
            What::PriceFailed { problems, .. } => Some(problems),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        failed[0].hint.as_ref().unwrap().en,
        "give `distance_km` in the price step's `context`"
    );
}

/// A quantity the request reader refuses (text that is not a number) is a problem at the
/// step's line, by the line's place in the step, not in the request the engine made.
#[test]
fn priced_repair_a_bad_quantity_points_at_its_line() {
    let t = run(
        &bundle(PRICED),
        json!({"flow": "priced-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": priced_ticket("R4", "regular",
                json!({"distance_km": "2", "labour_hours": "two", "compressor": true}))}
        ]}),
    );
    assert_has(
        &t,
        &[
            "11-16 09:00 price_failed quote invalid-decimal /flows/0/nodes/1/steps/0/lines/0/quantity",
        ],
    );
}

/// The price step's lines and context are checked with the bundle: catalog items, known
/// context keys (with a suggestion), expressions over the ticket.
#[test]
fn price_steps_are_checked_with_pointers() {
    let mut json = bundle_json(PRICED);
    json["flows"][0]["nodes"][1]["steps"][0] = json!({"do": "price",
        "lines": [{"item": "labor", "quantity": "ticket.fields.hours +"}],
        "context": {"distance": "ticket.fields.distance_km"}});
    let problems = Bundle::from_json(&json.to_string()).unwrap_err();
    let got = codes_at(&problems);
    assert_eq!(
        got,
        [
            ("unknown-reference", "/flows/0/nodes/1/steps/0/lines/0/item"),
            (
                "expression-syntax",
                "/flows/0/nodes/1/steps/0/lines/0/quantity"
            ),
            ("unknown-field", "/flows/0/nodes/1/steps/0/context/distance"),
        ],
        "{problems:#?}"
    );
    assert_eq!(
        problems[2].hint.as_ref().unwrap().en,
        "did you mean `distance_km`?"
    );
    // `{"do": "price"}` as written before steps had lines still reads (an empty request).
    json["flows"][0]["nodes"][1]["steps"][0] = json!({"do": "price"});
    assert!(Bundle::from_json(&json.to_string()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Round robin as a real rotation: the host keeps, per rotation, the agent the previous ticket
// went to and passes it in; the engine keeps nothing between tickets.

/// The appliance-repair org with three customer-service agents, `li`, `ma` and `zhao` (the
/// `report` and `rating` tasks go round robin among role `cs`); `ma` takes two open tickets.
fn repair_with_service_desk() -> Bundle {
    bundle_with(REPAIR, |b| {
        let mut ma = agent("ma", &["cs"], &[], &["bj"]);
        ma["capacity"] = json!(2);
        push(
            b,
            "/org/agents",
            vec![
                agent("zhao", &["cs"], &[], &["bj"]),
                ma,
                agent("li", &["cs"], &[], &["bj"]),
            ],
        );
    })
}

/// Who a new ticket's `report` task goes to, given the host's rotation and loads; and the
/// rotation its assignment names.
fn report_owner(b: &Bundle, id: &str, rotation: Value, loads: Value) -> (String, String) {
    let mut create = repair_ticket(id, None, false);
    create["rotation"] = rotation;
    create["loads"] = loads;
    let t = run(
        b,
        json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": create}
        ]}),
    );
    no_refusals(&t);
    t.timeline
        .iter()
        .find_map(|h| match &h.what {
            What::Assigned {
                node,
                to,
                reason,
                rotation,
            } if &**node == "report" => {
                assert_eq!(&**reason, "round_robin");
                Some((to.to_string(), rotation.clone().expect("a rotation")))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("not assigned:\n{}", lines(&t).join("\n")))
}

/// Four tickets in a row, the host recording after each who got it (`rotation: role:cs`):
/// li (no one before: the first by id), ma (after li), zhao (after ma), li again (after zhao,
/// wrapping round). The same ticket id every time: the turn is the rotation's, not the id's.
#[test]
fn round_robin_takes_turns_from_the_rotation_the_host_keeps() {
    let b = repair_with_service_desk();
    let mut kept = json!({});
    let mut owners = Vec::new();
    for _ in 0..4 {
        let (to, rotation) = report_owner(&b, "T", kept.clone(), json!({}));
        assert_eq!(rotation, "role:cs");
        kept[&rotation] = json!(to);
        owners.push(to);
    }
    assert_eq!(owners, ["li", "ma", "zhao", "li"]);
}

/// The turn skips an agent at capacity (ma: 2 open of 2) and comes back to them once they have
/// room; an agent the host names who is no longer a candidate (kim left the desk) hands the
/// turn to the next id after theirs (li).
#[test]
fn round_robin_skips_full_agents_and_survives_a_departed_one() {
    let b = repair_with_service_desk();
    let after_li = json!({"role:cs": "li"});
    assert_eq!(
        report_owner(&b, "T", after_li.clone(), json!({"ma": 2})).0,
        "zhao"
    );
    assert_eq!(report_owner(&b, "T", after_li, json!({"ma": 1})).0, "ma");
    assert_eq!(
        report_owner(&b, "T", json!({"role:cs": "kim"}), json!({})).0,
        "li"
    );
}

/// Within one ticket the rotation moves on too: the report goes to li, and the rating (the
/// same rotation, role cs) to the next, ma. A `rotation` command replaces what the host said
/// before: after it names zhao, the next assignment in the rotation is li.
#[test]
fn round_robin_continues_within_a_ticket_and_takes_the_hosts_updates() {
    let b = repair_with_service_desk();
    let assigned = |t: &Timeline| -> Vec<String> {
        t.timeline
            .iter()
            .filter_map(|h| match &h.what {
                What::Assigned {
                    node,
                    to,
                    rotation: Some(_),
                    ..
                } => Some(format!("{node} {to}")),
                _ => None,
            })
            .collect()
    };
    let steps = |extra: Vec<Value>| {
        let mut commands = vec![
            json!({"at": "2026-11-16T09:00:00+08:00", "create": repair_ticket("T", None, false)}),
            json!({"at": "2026-11-16T09:30:00+08:00", "act": "submit"}),
        ];
        commands.extend(extra);
        commands.push(json!({"at": "2026-11-16T11:00:00+08:00", "act": "inspected"}));
        run(
            &b,
            json!({"flow": "appliance-repair", "commands": commands}),
        )
    };
    let t = steps(vec![]);
    no_refusals(&t);
    assert_eq!(assigned(&t), ["report li", "rating ma"]);
    let t = steps(vec![
        json!({"at": "2026-11-16T10:00:00+08:00", "rotation": {"role:cs": "zhao"}}),
    ]);
    no_refusals(&t);
    assert_eq!(assigned(&t), ["report li", "rating li"]);
}

/// The rotation is read like any other input: a name that is not text is a problem at its
/// pointer.
#[test]
fn a_rotation_that_is_not_text_is_refused_at_its_pointer() {
    let problems = Script::from_json(
        &json!({"flow": "appliance-repair", "commands": [
            {"at": "2026-11-16T09:00:00+08:00", "create": {"rotation": {"role:cs": 3}}},
            {"at": "2026-11-16T10:00:00+08:00", "rotation": ["li"]}
        ]})
        .to_string(),
    )
    .unwrap_err();
    let got = codes_at(&problems);
    assert_eq!(
        got,
        [
            ("wrong-type", "/commands/0/create/rotation/role:cs"),
            ("wrong-type", "/commands/1/rotation")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Parallel split and join, and a sub-flow (`flow-ac-installation.json`): the warehouse ships
// and an engineer surveys at the same time; installation waits for both; then the shared
// follow-up sub-flow, whose call waits for the customer (the SLA pauses), and back to the
// parent to close.

/// By hand: created Mon 11-16 09:00; resolution within 5 calendar days → due Sat 11-21 09:00.
/// The split puts the ticket at `ship` (keeper) and `survey` (wang) at once. The survey is
/// done at 10:00: the join has one branch of two, so the ticket waits at `ship` and an
/// `installed` at 11:00 is refused (no such action yet). Shipped at 14:00: both branches
/// are in, the ticket moves on to `install` (wang). Installed Tue 11-17 10:00 → the sub-flow
/// `follow-up`: its call goes round robin among li and ma; the host says li had the previous
/// one, so ma. The call sets `waiting_customer`, which the parent's policy pauses on: paused
/// 11-17 10:00. Rated Wed 11-18 10:00: resumed (24 h paused → due Sun 11-22 09:00), the
/// sub-flow ends, the parent continues at `closed`, points are awarded and the clock stops.
#[test]
fn ac_installation_waits_for_both_branches_and_runs_the_follow_up_sub_flow() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/runners/scripts/ac-installation.json"),
    )
    .unwrap();
    let script = Script::from_json(&text).unwrap();
    let t = simulate(
        &bundle("flow-ac-installation.json"),
        &script.commands,
        script.until,
    );
    assert_eq!(refusal_codes(&t), [(2, "no-such-action")]);
    assert_lines(
        &t,
        &[
            "11-16 09:00 created ac-install normal",
            "11-16 09:00 sla_started resolution due 11-21 09:00",
            "11-16 09:00 entered start",
            "11-16 09:00 entered prepare",
            "11-16 09:00 entered ship",
            "11-16 09:00 assigned ship keeper",
            "11-16 09:00 entered survey",
            "11-16 09:00 assigned survey wang",
            "11-16 10:00 acted survey surveyed by wang",
            "11-16 10:00 entered ready",
            "11-16 14:00 acted ship shipped by keeper",
            r#"11-16 14:00 event logistics.dispatch {"ticket":"I1"}"#,
            "11-16 14:00 entered ready",
            "11-16 14:00 entered install",
            "11-16 14:00 assigned install wang",
            "11-17 10:00 acted install installed by wang",
            "11-17 10:00 entered visit",
            "11-17 10:00 entered follow-up#start",
            "11-17 10:00 entered follow-up#call",
            "11-17 10:00 assigned follow-up#call ma",
            "11-17 10:00 paused",
            "11-18 10:00 resumed",
            "11-18 10:00 acted follow-up#call rated by ma",
            "11-18 10:00 entered follow-up#done",
            "11-18 10:00 entered closed",
            r#"11-18 10:00 event points.award {"customer":"c7"}"#,
            "11-18 10:00 sla_stopped resolution",
            "11-18 10:00 closed closed",
        ],
    );
    let tk = ticket(&t);
    assert!(tk.closed && tk.at.is_empty() && tk.status.is_none());
    assert_eq!(
        clock(&t, "resolution"),
        (
            Some("11-22 09:00".into()),
            Some("11-18 10:00".into()),
            false
        )
    );
}

/// While the branches run, the ticket is at both nodes; with the survey done it is at `ship`
/// alone, and not yet at `install`.
#[test]
fn ac_installation_is_at_both_branches_until_they_meet() {
    let b = bundle("flow-ac-installation.json");
    let at = |commands: Value| {
        let t = run(&b, json!({"flow": "ac-install", "commands": commands}));
        no_refusals(&t);
        names(&ticket(&t).at)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let create = json!({"at": "2026-11-16T09:00:00+08:00", "create": {"id": "I2", "region": "bj"}});
    assert_eq!(at(json!([create])), ["ship", "survey"]);
    let surveyed = json!({"at": "2026-11-16T10:00:00+08:00", "act": "surveyed"});
    assert_eq!(at(json!([create, surveyed])), ["ship"]);
    let shipped = json!({"at": "2026-11-16T11:00:00+08:00", "act": "shipped"});
    assert_eq!(at(json!([create, surveyed, shipped])), ["install"]);
    // Either order: shipped first, then surveyed.
    let shipped_first = json!({"at": "2026-11-16T10:00:00+08:00", "act": "shipped"});
    let surveyed_after = json!({"at": "2026-11-16T11:00:00+08:00", "act": "surveyed"});
    assert_eq!(
        at(json!([create, shipped_first, surveyed_after])),
        ["install"]
    );
}
