//! The ticket preview without a browser: a starter script for a flow, the run of a script
//! through jimu-core's ticket engine, and each happening of the timeline in parts a table
//! shows (when, what, where, details).

use chrono::{DateTime, TimeZone as _, Timelike as _, Utc};
use jimu_core::Bundle;
use jimu_core::Problem;
use jimu_core::ticket::Script;
use jimu_core::ticket::{Stamp, Timeline, What};
use serde_json::{Value, json};

/// A script that creates one ticket in `flow` at `start` and lets the clock run three days,
/// so SLA warnings, breaches and escalations show without any command.
pub fn starter_script(flow: &str, start: DateTime<Utc>) -> String {
    let until = start + chrono::Duration::days(3);
    let script = json!({
        "flow": flow,
        "until": until.to_rfc3339(),
        "commands": [
            {"at": start.to_rfc3339(), "create": {"id": "T1", "title": "示例工单 / Sample ticket"}}
        ]
    });
    serde_json::to_string_pretty(&script).unwrap_or_default()
}

/// Where a starter script begins: 09:00 today in the bundle's time zone (UTC without one),
/// `now_ms` being the browser's clock.
pub fn starter_start(now_ms: f64, zone: Option<&str>) -> DateTime<Utc> {
    #[allow(clippy::cast_possible_truncation)]
    let now = DateTime::from_timestamp_millis(now_ms as i64).unwrap_or_default();
    let nine = |date: chrono::NaiveDate| date.and_hms_opt(9, 0, 0).unwrap_or_default();
    match zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok()) {
        Some(tz) => {
            let today = now.with_timezone(&tz).date_naive();
            tz.from_local_datetime(&nine(today))
                .earliest()
                .map_or(now, |at| at.with_timezone(&Utc))
        }
        None => nine(now.date_naive()).and_utc(),
    }
}

/// Runs a script; `flow` (the flow picked in the preview) is used when the script names none.
pub fn run(bundle: &Bundle, script: &str, flow: Option<&str>) -> Result<Timeline, Vec<Problem>> {
    let mut value = jimu_core::parse_json(script)?;
    if let (Some(flow), Value::Object(map)) = (flow, &mut value)
        && !map.contains_key("flow")
    {
        map.insert("flow".to_owned(), Value::String(flow.to_owned()));
    }
    let text = serde_json::to_string(&value).unwrap_or_default();
    let script = Script::from_json(&text)?;
    Ok(jimu_core::ticket::simulate(
        bundle,
        &script.commands,
        script.until,
    ))
}

/// An instant in the bundle's zone, for people: `2026-11-16 09:00` (seconds when there are).
pub fn time(stamp: &Stamp, zone: Option<&str>) -> String {
    let tz: Option<chrono_tz::Tz> = zone.and_then(|z| z.parse().ok());
    let at = match tz {
        Some(tz) => stamp.0.with_timezone(&tz).fixed_offset(),
        None => stamp.0.fixed_offset(),
    };
    if at.second() == 0 {
        at.format("%Y-%m-%d %H:%M").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// A happening as `(kind, node, details)`: `kind` is the serialized kind (`sla_breach`), the
/// node the one it is about, if any.
pub fn parts(what: &What, zone: Option<&str>) -> (&'static str, Option<String>, String) {
    let by = |by: Option<&str>| by.map_or_else(String::new, |b| format!(" · {b}"));
    match what {
        What::Created { flow, priority } => ("created", None, format!("{flow} · {priority}")),
        What::Entered { node } => ("entered", Some(node.to_string()), String::new()),
        What::Assigned {
            node, to, reason, ..
        } => (
            "assigned",
            Some(node.to_string()),
            format!("→ {to} ({reason})"),
        ),
        What::Queued { node, queue } => ("queued", Some(node.to_string()), format!("→ {queue}")),
        What::Acted {
            node,
            action,
            by: who,
        } => (
            "acted",
            Some(node.to_string()),
            format!("{action}{}", by(who.as_deref())),
        ),
        What::Commented { by: who, customer } => (
            "commented",
            None,
            format!(
                "{}{}",
                if *customer { "customer" } else { "agent" },
                by(who.as_deref())
            ),
        ),
        What::Paused => ("paused", None, String::new()),
        What::Resumed => ("resumed", None, String::new()),
        What::Held { node } => ("held", Some(node.to_string()), String::new()),
        What::Skipped { node, to } => ("skipped", Some(node.to_string()), format!("→ {to}")),
        What::Priority { priority, reason } => ("priority", None, format!("{priority} ({reason})")),
        What::SlaStarted { target, due } => (
            "sla_started",
            None,
            format!("{target} · {}", time(due, zone)),
        ),
        What::SlaWarning { target, due } => (
            "sla_warning",
            None,
            format!("{target} · {}", time(due, zone)),
        ),
        What::SlaBreach { target, due } => (
            "sla_breach",
            None,
            format!("{target} · {}", time(due, zone)),
        ),
        What::SlaStopped { target } => ("sla_stopped", None, (*target).to_owned()),
        What::Escalated {
            target,
            action,
            detail,
        } => ("escalated", None, format!("{target}: {action} → {detail}")),
        What::DeadlineWarning { node, due } => {
            ("deadline_warning", Some(node.to_string()), time(due, zone))
        }
        What::DeadlineBreach { node, due } => {
            ("deadline_breach", Some(node.to_string()), time(due, zone))
        }
        What::Notify(n) => (
            "notify",
            None,
            format!(
                "{} → {}: {} ({})",
                n.channel,
                if n.to.is_empty() {
                    "-".to_owned()
                } else {
                    n.to.join(", ")
                },
                n.template,
                time(&n.send_at, zone)
            ),
        ),
        What::Event { name, payload } => (
            "event",
            None,
            if payload.is_empty() {
                name.to_string()
            } else {
                format!(
                    "{name} {}",
                    serde_json::to_string(payload).unwrap_or_default()
                )
            },
        ),
        What::Closed { node } => ("closed", Some(node.to_string()), String::new()),
        What::Priced { node, total } => ("priced", Some(node.to_string()), total.to_string()),
        What::PriceFailed { node, problems } => (
            "price_failed",
            Some(node.to_string()),
            problems
                .iter()
                .map(|p| format!("{} {}", p.code.as_str(), p.path))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// A node's name in a language (nodes are logged by id; sub-flow nodes as `flow#node`).
pub fn node_name(bundle: &Bundle, flow: &str, node: &str, tag: &str) -> Option<String> {
    let (flow, node) = node.split_once('#').unwrap_or((flow, node));
    bundle
        .doc()
        .flows
        .iter()
        .find(|f| f.id.as_str() == flow)?
        .nodes
        .iter()
        .find(|n| n.id().as_str() == node)
        .map(|n| n.common().name.localized().get(tag).to_owned())
}

/// Whether a kind is a warning (amber) or a breach (red) in the table.
pub fn tone(kind: &str) -> &'static str {
    match kind {
        "sla_warning" | "deadline_warning" => "warn",
        "sla_breach" | "deadline_breach" | "escalated" | "price_failed" => "breach",
        "closed" => "done",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(name: &str) -> Bundle {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/bundles/valid/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the bundle");
        Bundle::from_json(&text).expect("valid")
    }

    fn start() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-16T09:00:00+08:00")
            .expect("an instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn an_untouched_complaint_escalates_at_24_and_48_hours() {
        let b = bundle("flow-complaint-escalation");
        let flow = b.doc().flows[0].id.as_str().to_owned();
        let timeline = run(&b, &starter_script(&flow, start()), None).expect("runs");
        assert!(timeline.refusals.is_empty());
        let mut escalations: Vec<String> = timeline
            .timeline
            .iter()
            .filter(|h| matches!(h.what, What::Escalated { .. }))
            .map(|h| time(&h.at, Some("Asia/Shanghai")))
            .collect();
        // Each level escalates in more than one way (reassign, notify) at the same instant.
        escalations.dedup();
        assert_eq!(
            escalations,
            ["2026-11-17 09:00", "2026-11-18 09:00"],
            "{timeline:#?}"
        );
    }

    #[test]
    fn the_picked_flow_is_used_when_the_script_names_none() {
        let b = bundle("flow-appliance-repair");
        let script =
            r#"{"commands": [{"at": "2026-11-16T09:00:00+08:00", "create": {"id": "T1"}}]}"#;
        let timeline = run(&b, script, Some("appliance-repair")).expect("runs");
        let (kind, _, details) = parts(&timeline.timeline[0].what, Some("Asia/Shanghai"));
        assert_eq!(kind, "created");
        assert!(details.starts_with("appliance-repair"));
        let problems = run(&b, script, None).expect_err("no flow");
        assert!(
            problems.iter().any(|p| p.path.contains("flow")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_broken_script_is_problems_with_their_places() {
        let b = bundle("flow-appliance-repair");
        let problems = run(&b, "{\"commands\": [", None).expect_err("not JSON");
        assert_eq!(problems[0].code.as_str(), "json-syntax");
        assert!(problems[0].line.is_some());
    }

    #[test]
    fn a_starter_script_begins_at_nine_in_the_bundles_zone() {
        // 2026-12-07 20:30 UTC is already the 8th in Shanghai.
        let now = DateTime::parse_from_rfc3339("2026-12-07T20:30:00Z")
            .expect("an instant")
            .timestamp_millis() as f64;
        assert_eq!(
            starter_start(now, Some("Asia/Shanghai")).to_rfc3339(),
            "2026-12-08T01:00:00+00:00"
        );
        assert_eq!(
            starter_start(now, None).to_rfc3339(),
            "2026-12-07T09:00:00+00:00"
        );
    }

    #[test]
    fn nodes_are_named_from_the_bundle() {
        let b = bundle("flow-appliance-repair");
        let flow = &b.doc().flows[0];
        let node = flow.nodes[1].id().as_str().to_owned();
        let name = node_name(&b, flow.id.as_str(), &node, "zh-CN").expect("named");
        assert!(!name.is_empty());
        assert_eq!(node_name(&b, flow.id.as_str(), "nope", "en"), None);
        assert_eq!(tone("sla_breach"), "breach");
    }
}
