//! `jimu simulate`: a scripted ticket run through a bundle's flow — every happening in order, the commands refused, and where the ticket ends up.
//!
//! The run is `jimu_core::ticket::simulate`; this module reads the inputs and prints the
//! timeline for a person (times in the bundle's time zone) or as JSON.

use crate::{
    Format, Lang, LangArg, exit_for, heading, label, pick, print_json, print_problems, read,
};
use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, Timelike as _};
use clap::Args;
use jimu_core::ticket::{Clock, Happening, Script, Stamp, Ticket, Timeline, What};
use jimu_core::{Bundle, Problem};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Run a scripted ticket through a flow: the timeline, the refusals and the final state.
///
/// SCRIPT is a JSON object: {"flow": "<flow id>", "until": "<RFC 3339>", "commands": [...]},
/// `-` reads stdin. Each command has an instant `at` (RFC 3339 with an offset) and exactly one
/// of:
///   "create": {"id", "title", "text", "priority": "urgent"|"high"|"normal"|"low", "channel",
///              "region", "tags": [...], "amount": "<decimal>", "customer": {"id", "name",
///              "tier", "region", "phone"}, "fields": {<the flow form's values>},
///              "loads": {"<agent>": <open tickets>}, "rotation": {"role:cs": "<agent>"}}
///   "act": "<action id>" (with "by": "<agent>" and "data": {...}; approve / reject for an
///          approval)
///   "assign": "<agent>"     "comment": {"by", "customer": true|false}
///   "pause": true   "resume": true   "tick": true   "acknowledge": "<notification id>"
///   "arrival": "<RFC 3339>" (the technician's arrival)
///   "loads": {"<agent>": <open tickets>}   "rotation": {"<rotation>": "<previous agent>"}
/// The engine has no clock: before each command it fires what fell due up to the command's
/// `at` (SLA warnings, breaches, escalations, delayed events, deferred messages), and after the
/// last it runs on to `until`. It keeps no state between tickets: the host passes loads and
/// round-robin rotations (who had the previous ticket) with `create` or as commands.
///
/// Exit code: 0 when no command was refused, 1 when some were or the bundle or the script is
/// not usable, 2 when a file cannot be read.
///
/// Output (`--format`):
///
/// text (default): one line per happening (time in the bundle's time zone, kind, details), the
/// refused commands by index with the reason in the reader's language, then the ticket: its
/// node(s), owner, priority, status, the price its `price` steps put on it, SLA clocks (due,
/// stopped, breached) and what falls due next.
///
/// json: the timeline, {"ticket": {...} | null, "timeline": [...], "refusals": [[index,
/// {"code", "message"}], ...], "next_due": "<RFC 3339>" | null}. When the inputs are refused: {"valid": false,
/// "stage": "bundle"|"script", "file", "problems": [...]}.
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    about = "Run a scripted ticket through a flow: timeline, refusals, final state",
    after_long_help = "\
Examples:
  jimu simulate tests/bundles/valid/flow-priced-repair.json tests/runners/scripts/priced-repair.json
      # priced 829.00, confirmed by the customer, repaired, the charge emitted
  echo '{\"flow\": \"complaint\", \"until\": \"2026-11-19T09:00:00+08:00\", \"commands\": [
          {\"at\": \"2026-11-16T09:00:00+08:00\", \"create\": {\"id\": \"C1\", \"region\": \"bj\"}}]}' \\
    | jimu simulate tests/bundles/valid/flow-complaint-escalation.json - --format json"
)]
pub struct SimulateArgs {
    /// The bundle that defines the flow.
    bundle: PathBuf,
    /// The script: a JSON file of timed commands, or `-` for stdin.
    script: PathBuf,
    /// What to write: text (for a person) or json (see above).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    lang: LangArg,
}

/// Inputs refused before anything ran.
#[derive(Serialize)]
struct Refused<'a> {
    valid: bool,
    stage: &'a str,
    file: String,
    problems: &'a [Problem],
}

pub fn run(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let lang = args.lang.resolve()?;
    // IO first: a file that cannot be read is exit code 2 whatever else is wrong.
    let bundle_text = read(&args.bundle)?;
    let (script_file, script_text) = if args.script == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        (PathBuf::from("<stdin>"), text)
    } else {
        (args.script.clone(), read(&args.script)?)
    };
    let refused = |stage: &str, file: &Path, problems: &[Problem]| -> anyhow::Result<ExitCode> {
        match args.format {
            Format::Json => print_json(&Refused {
                valid: false,
                stage,
                file: file.display().to_string(),
                problems,
            })?,
            Format::Text => print_problems(file, problems, lang),
        }
        Ok(ExitCode::FAILURE)
    };
    let bundle = match Bundle::from_json(&bundle_text) {
        Ok(bundle) => bundle,
        Err(problems) => return refused("bundle", &args.bundle, &problems),
    };
    let script = match Script::from_json(&script_text) {
        Ok(script) => script,
        Err(problems) => return refused("script", &script_file, &problems),
    };
    let timeline = jimu_core::ticket::simulate(&bundle, &script.commands, script.until);
    match args.format {
        Format::Json => print_json(&timeline)?,
        Format::Text => {
            let zone = bundle
                .doc()
                .time_zone
                .as_ref()
                .and_then(|z| z.as_str().parse::<chrono_tz::Tz>().ok());
            Printer { zone, lang }.timeline(&bundle, &timeline);
        }
    }
    Ok(exit_for(timeline.refusals.is_empty()))
}

/// How instants and texts are shown.
struct Printer {
    /// The bundle's time zone; without one, instants are shown with the offset they carry.
    zone: Option<chrono_tz::Tz>,
    lang: Lang,
}

impl Printer {
    /// `2026-11-16 09:00 +08:00` (seconds only when there are some), in the bundle's zone.
    fn time(&self, stamp: &Stamp) -> String {
        let at: DateTime<FixedOffset> = match self.zone {
            Some(zone) => stamp.0.with_timezone(&zone).fixed_offset(),
            None => stamp.0.fixed_offset(),
        };
        let pattern = if at.second() == 0 && at.nanosecond() == 0 {
            "%Y-%m-%d %H:%M %:z"
        } else {
            "%Y-%m-%d %H:%M:%S %:z"
        };
        at.format(pattern).to_string()
    }

    fn timeline(&self, bundle: &Bundle, timeline: &Timeline) {
        let lang = self.lang;
        for happening in &timeline.timeline {
            println!("{}", self.happening(happening));
        }
        if !timeline.refusals.is_empty() {
            println!();
            println!("{}", heading("被拒绝的命令", "Refused commands", lang));
            for (index, refusal) in &timeline.refusals {
                println!(
                    "  #{index} [{}] {}",
                    refusal.code,
                    pick(&refusal.message, lang)
                );
            }
        }
        println!();
        match &timeline.ticket {
            None => println!("{}", heading("没有工单", "No ticket", lang)),
            Some(ticket) => self.ticket(bundle, ticket),
        }
        let next = timeline
            .next_due
            .as_ref()
            .map_or_else(|| heading("无", "nothing", lang), |due| self.time(due));
        println!("{}{next}", label("下一到期", "Next due", lang));
    }

    /// `time  kind details`.
    fn happening(&self, happening: &Happening) -> String {
        let (kind, details) = self.what(&happening.what);
        let line = format!("{}  {kind:<16} {details}", self.time(&happening.at));
        line.trim_end().to_owned()
    }

    fn what(&self, what: &What) -> (&'static str, String) {
        let by = |by: Option<&str>| by.map_or_else(String::new, |b| format!(" by {b}"));
        match what {
            What::Created { flow, priority } => ("created", format!("{flow}, priority {priority}")),
            What::Entered { node } => ("entered", node.to_string()),
            What::Assigned {
                node,
                to,
                reason,
                rotation,
            } => match rotation {
                Some(rotation) => (
                    "assigned",
                    format!("{node} → {to} ({reason}, rotation {rotation})"),
                ),
                None => ("assigned", format!("{node} → {to} ({reason})")),
            },
            What::Queued { node, queue } => ("queued", format!("{node} → {queue}")),
            What::Acted {
                node,
                action,
                by: who,
            } => ("acted", format!("{node}: {action}{}", by(who.as_deref()))),
            What::Commented { by: who, customer } => (
                "commented",
                format!(
                    "{}{}",
                    if *customer { "customer" } else { "agent" },
                    by(who.as_deref())
                ),
            ),
            What::Paused => ("paused", String::new()),
            What::Resumed => ("resumed", String::new()),
            What::Held { node } => ("held", node.to_string()),
            What::Skipped { node, to } => ("skipped", format!("{node} → {to}")),
            What::Priority { priority, reason } => ("priority", format!("{priority} ({reason})")),
            What::SlaStarted { target, due } => {
                ("sla_started", format!("{target}, due {}", self.time(due)))
            }
            What::SlaWarning { target, due } => {
                ("sla_warning", format!("{target}, due {}", self.time(due)))
            }
            What::SlaBreach { target, due } => {
                ("sla_breach", format!("{target}, due {}", self.time(due)))
            }
            What::SlaStopped { target } => ("sla_stopped", (*target).to_owned()),
            What::Escalated {
                target,
                action,
                detail,
            } => ("escalated", format!("{target}: {action} → {detail}")),
            What::DeadlineWarning { node, due } => (
                "deadline_warning",
                format!("{node}, due {}", self.time(due)),
            ),
            What::DeadlineBreach { node, due } => {
                ("deadline_breach", format!("{node}, due {}", self.time(due)))
            }
            What::Notify(n) => {
                let to = if n.to.is_empty() {
                    "-".to_owned()
                } else {
                    n.to.join(", ")
                };
                (
                    "notify",
                    format!(
                        "{} → {to}: {} [{}, {}] id {}",
                        n.channel, n.template, n.rule, n.event, n.id
                    ),
                )
            }
            What::Event { name, payload } => {
                if payload.is_empty() {
                    ("event", name.to_string())
                } else {
                    ("event", format!("{name} {}", compact(payload)))
                }
            }
            What::Closed { node } => ("closed", node.to_string()),
            What::Priced { node, total } => ("priced", format!("{node}: {total}")),
            What::PriceFailed { node, problems } => (
                "price_failed",
                format!(
                    "{node}: {}",
                    problems
                        .iter()
                        .map(|p| format!(
                            "{} {} {}",
                            p.code.as_str(),
                            p.path,
                            pick(&p.message, self.lang)
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
        }
    }

    /// The ticket's node(s), owner, priority, status, policy and clocks.
    fn ticket(&self, bundle: &Bundle, ticket: &Ticket) {
        let lang = self.lang;
        let label = |zh: &str, en: &str| format!("  {}", label(zh, en, lang));
        let state = if ticket.closed {
            heading("已关闭", "closed", lang)
        } else {
            heading("处理中", "open", lang)
        };
        println!(
            "{} {} ({}, {state})",
            heading("工单", "Ticket", lang),
            ticket.id,
            ticket.flow
        );
        let nodes: Vec<String> = ticket
            .at
            .iter()
            .map(|position| {
                let (flow_id, node_id) = position
                    .split_once('#')
                    .map_or((ticket.flow.as_str(), &**position), |(f, n)| (f, n));
                let name = bundle
                    .doc()
                    .flows
                    .iter()
                    .find(|f| f.id.as_str() == flow_id)
                    .and_then(|f| f.nodes.iter().find(|n| n.id().as_str() == node_id))
                    .map(|n| pick(&n.common().name.localized(), lang));
                match name {
                    Some(name) => format!("{position} ({name})"),
                    None => position.to_string(),
                }
            })
            .collect();
        let nodes = if nodes.is_empty() {
            "-".to_owned()
        } else {
            nodes.join(", ")
        };
        println!("{}{nodes}", label("节点", "Node(s)"));
        println!(
            "{}{}",
            label("负责人", "Assignee"),
            ticket.assignee.as_deref().unwrap_or("-")
        );
        println!("{}{}", label("优先级", "Priority"), ticket.priority);
        if let Some(status) = &ticket.status {
            println!("{}{status}", label("状态", "Status"));
        }
        if let Some(quote) = &ticket.quote {
            println!(
                "{}{} {}",
                label("价格", "Price"),
                quote.total,
                quote.currency
            );
            for line in &quote.lines {
                println!(
                    "    {} × {} = {}",
                    pick(&line.name, lang),
                    line.quantity,
                    line.amount
                );
            }
            for adjustment in &quote.adjustments {
                println!("    {} {}", pick(&adjustment.name, lang), adjustment.amount);
            }
        }
        if let Some(policy) = &ticket.sla_policy {
            let paused = if ticket.paused {
                format!(" ({})", heading("已暂停", "paused", lang))
            } else {
                String::new()
            };
            println!("{}{policy}{paused}", label("SLA 策略", "SLA policy"));
        }
        if !ticket.clocks.is_empty() {
            println!("{}", label("SLA 计时", "SLA clocks").trim_end());
            for clock in &ticket.clocks {
                println!("    {}", self.clock(clock));
            }
        }
    }

    /// `first_response  due …  stopped …  breached`.
    fn clock(&self, clock: &Clock) -> String {
        let lang = self.lang;
        let mut line = format!("{:<15}", clock.target);
        if let Some(due) = &clock.due {
            line.push_str(&format!(
                " {} {}",
                heading("到期", "due", lang),
                self.time(due)
            ));
        }
        match &clock.stopped {
            Some(stopped) => line.push_str(&format!(
                ", {} {}",
                heading("停止于", "stopped", lang),
                self.time(stopped)
            )),
            None => line.push_str(&format!(", {}", heading("计时中", "running", lang))),
        }
        if clock.breached {
            line.push_str(&format!(", {}", heading("已超时", "breached", lang)));
        }
        line
    }
}

/// A payload on one line.
fn compact(payload: &Map<String, Value>) -> String {
    serde_json::to_string(payload).unwrap_or_default()
}
