//! Simulation scripts: a ticket's commands with their instants, read from JSON with every
//! problem located by JSON pointer.
//!
//! ```json
//! {"flow": "appliance-repair", "until": "2026-11-20T00:00:00+08:00",
//!  "commands": [
//!    {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "T1", "title": "空调不制冷", "region": "bj-chaoyang"}},
//!    {"at": "2026-11-16T10:00:00+08:00", "act": "accept", "by": "zhang-wei"},
//!    {"at": "2026-11-16T11:00:00+08:00", "comment": {"customer": true}},
//!    {"at": "2026-11-16T12:00:00+08:00", "pause": true}
//!  ]}
//! ```
//!
//! The host's dispatch state goes with `create` (`"loads": {"wang": 3}`, `"rotation":
//! {"role:cs": "li"}`) or later as a command of its own (`{"at": …, "rotation": {…}}`).

use super::{Command, CommandKind, TicketInput};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{
    DecimalRules, Diagnostics, ObjectReader, Pointer, parse_json, read_array, read_decimal,
    read_str,
};
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// A scripted ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// Run the clock on to here after the last command.
    pub until: Option<DateTime<Utc>>,
}

const COMMANDS: &[&str] = &[
    "create",
    "act",
    "assign",
    "comment",
    "pause",
    "resume",
    "tick",
    "acknowledge",
    "arrival",
    "loads",
    "rotation",
];

fn instant(value: &Value, at: &Pointer, diag: &mut Diagnostics) -> Option<DateTime<FixedOffset>> {
    let text = read_str(value, at, diag)?;
    crate::reader::parse_instant(text, at, diag)
}

fn object(value: &Value, at: &Pointer, diag: &mut Diagnostics) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map.clone()),
        other => {
            crate::reader::wrong_type(diag, at, crate::reader::OBJECT, other);
            None
        }
    }
}

impl Script {
    /// Reads a script; `flow` in the script names the flow of its `create` command.
    pub fn from_json(text: &str) -> Result<Self, Vec<Problem>> {
        let value = parse_json(text)?;
        let mut diag = Diagnostics::default();
        let script = read_script(&value, &mut diag);
        diag.finish(script)
    }
}

fn read_script(value: &Value, diag: &mut Diagnostics) -> Option<Script> {
    let root = Pointer::root();
    let obj = ObjectReader::open(value, &root, &["flow", "until", "commands"], diag)?;
    let flow = obj
        .optional("flow")
        .and_then(|(v, at)| read_str(v, &at, diag).map(str::to_owned));
    let until = obj
        .optional("until")
        .and_then(|(v, at)| instant(v, &at, diag))
        .map(|i| i.with_timezone(&Utc));
    let (commands_value, commands_at) = obj.required("commands", diag)?;
    let entries = read_array(commands_value, &commands_at, diag)?;
    let mut commands = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let at = commands_at.index(i);
        let mut known = vec!["at", "by", "data"];
        known.extend(COMMANDS);
        let Some(c) = ObjectReader::open(entry, &at, &known, diag) else {
            continue;
        };
        let Some(when) = c
            .required("at", diag)
            .and_then(|(v, p)| instant(v, &p, diag))
        else {
            continue;
        };
        let given: Vec<&str> = COMMANDS
            .iter()
            .copied()
            .filter(|k| c.optional(k).is_some())
            .collect();
        let [name] = given.as_slice() else {
            diag.error(
                ProblemCode::InvalidValue,
                &at,
                Localized::new(
                    format!("每条命令恰好写一个：{}", COMMANDS.join("、")),
                    format!("each command gives exactly one of: {}", COMMANDS.join(", ")),
                ),
            );
            continue;
        };
        let Some((v, p)) = c.optional(name) else {
            continue;
        };
        let by = c
            .optional("by")
            .and_then(|(v, p)| read_str(v, &p, diag).map(str::to_owned));
        let kind = match *name {
            "create" => read_create(v, &p, flow.clone(), diag),
            "act" => read_str(v, &p, diag).map(|action| CommandKind::Act {
                action: action.to_owned(),
                by: by.clone(),
                data: c
                    .optional("data")
                    .and_then(|(v, p)| object(v, &p, diag))
                    .unwrap_or_default(),
            }),
            "assign" => read_str(v, &p, diag).map(|to| CommandKind::Assign { to: to.to_owned() }),
            "comment" => object(v, &p, diag).map(|m| CommandKind::Comment {
                by: m
                    .get("by")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or(by.clone()),
                customer: m.get("customer").and_then(Value::as_bool).unwrap_or(false),
            }),
            "pause" => Some(CommandKind::Pause),
            "resume" => Some(CommandKind::Resume),
            "tick" => Some(CommandKind::Tick),
            "acknowledge" => read_str(v, &p, diag).map(|n| CommandKind::Acknowledge {
                notification: n.to_owned(),
            }),
            "arrival" => instant(v, &p, diag).map(|a| CommandKind::ScheduleArrival {
                at: a.with_timezone(&Utc),
            }),
            "rotation" => {
                read_rotation(v, &p, diag).map(|rotation| CommandKind::Rotation { rotation })
            }
            _ => object(v, &p, diag).map(|m| CommandKind::Loads { loads: loads(&m) }),
        };
        if let Some(kind) = kind {
            commands.push(Command { at: when, kind });
        }
    }
    Some(Script { commands, until })
}

/// Open tickets per agent; what is not a count is left out.
fn loads(map: &Map<String, Value>) -> std::collections::BTreeMap<String, u32> {
    crate::btree::map(map.iter().filter_map(|(k, v)| {
        v.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(|n| (k.clone(), n))
    }))
}

/// Round-robin rotations: rotation name → the agent the previous ticket went to (text).
fn read_rotation(
    value: &Value,
    at: &Pointer,
    diag: &mut Diagnostics,
) -> Option<std::collections::BTreeMap<String, String>> {
    let map = object(value, at, diag)?;
    let mut rotation = std::collections::BTreeMap::new();
    for (name, agent) in &map {
        if let Some(agent) = read_str(agent, &at.key(name), diag) {
            rotation.insert(name.clone(), agent.to_owned());
        }
    }
    Some(rotation)
}

fn read_create(
    value: &Value,
    at: &Pointer,
    flow: Option<String>,
    diag: &mut Diagnostics,
) -> Option<CommandKind> {
    let obj = ObjectReader::open(
        value,
        at,
        &[
            "id", "flow", "title", "text", "priority", "channel", "region", "tags", "amount",
            "customer", "fields", "loads", "rotation",
        ],
        diag,
    )?;
    let text = |key: &str, diag: &mut Diagnostics| {
        obj.optional(key)
            .and_then(|(v, p)| read_str(v, &p, diag).map(str::to_owned))
    };
    let flow = text("flow", diag).or(flow);
    let Some(flow) = flow else {
        diag.error(
            ProblemCode::MissingField,
            &at.key("flow"),
            Localized::new("缺少流程 flow", "missing `flow`"),
        );
        return None;
    };
    let id = text("id", diag).unwrap_or_else(|| "ticket".to_owned());
    let amount = obj.optional("amount").and_then(|(v, p)| {
        read_decimal(
            v,
            &p,
            DecimalRules {
                allow_number: false,
                allow_negative: false,
                max_scale: 6,
                max_abs: Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0),
            },
            diag,
        )
    });
    let tags = obj
        .optional("tags")
        .and_then(|(v, p)| {
            read_array(v, &p, diag).map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
        })
        .unwrap_or_default();
    let input = TicketInput {
        id,
        title: text("title", diag).unwrap_or_default(),
        text: text("text", diag).unwrap_or_default(),
        priority: text("priority", diag),
        channel: text("channel", diag),
        region: text("region", diag),
        tags,
        amount,
        customer: obj
            .optional("customer")
            .and_then(|(v, p)| object(v, &p, diag))
            .unwrap_or_default(),
        fields: obj
            .optional("fields")
            .and_then(|(v, p)| object(v, &p, diag))
            .unwrap_or_default(),
        loads: obj
            .optional("loads")
            .and_then(|(v, p)| object(v, &p, diag))
            .map(|m| loads(&m))
            .unwrap_or_default(),
        rotation: obj
            .optional("rotation")
            .and_then(|(v, p)| read_rotation(v, &p, diag))
            .unwrap_or_default(),
    };
    Some(CommandKind::Create {
        flow,
        ticket: std::sync::Arc::new(input),
    })
}

impl Command {
    /// Reads one command in the script format (`{"at": …, "act": "accept", "by": …}`), for a
    /// host that applies commands one at a time. `flow` names the flow of a `create` that does
    /// not name its own. Problems point into the command itself (`/act`, `/create/amount`).
    pub fn from_json(text: &str, flow: Option<&str>) -> Result<Self, Vec<Problem>> {
        Self::from_value(&parse_json(text)?, flow)
    }

    /// [`Command::from_json`] for an already parsed value. It is read exactly as a script's
    /// only command would be.
    pub fn from_value(value: &Value, flow: Option<&str>) -> Result<Self, Vec<Problem>> {
        let mut script = Map::new();
        if let Some(flow) = flow {
            script.insert("flow".to_owned(), Value::String(flow.to_owned()));
        }
        script.insert("commands".to_owned(), Value::Array(vec![value.clone()]));
        let mut diag = Diagnostics::default();
        let read = read_script(&Value::Object(script), &mut diag);
        match diag.finish(read) {
            Ok(Script { mut commands, .. }) => commands.pop().ok_or_else(|| {
                vec![Problem::error(
                    ProblemCode::InvalidValue,
                    "",
                    Localized::new("不是一条命令", "not a command"),
                )]
            }),
            Err(mut problems) => {
                for problem in &mut problems {
                    if let Some(rest) = problem.path.strip_prefix("/commands/0") {
                        problem.path = rest.to_owned();
                    }
                }
                Err(problems)
            }
        }
    }
}

#[cfg(test)]
mod command_tests {
    use super::*;

    #[test]
    fn one_command_reads_like_a_scripts_and_points_into_itself() {
        let create = Command::from_json(
            r#"{"at": "2026-11-16T09:00:00+08:00", "create": {"id": "T1"}}"#,
            Some("repair"),
        )
        .unwrap();
        assert!(matches!(&create.kind, CommandKind::Create { flow, .. } if flow == "repair"));
        let act = Command::from_json(
            r#"{"at": "2026-11-16T10:00:00+08:00", "act": "accept", "by": "wang"}"#,
            None,
        )
        .unwrap();
        assert!(matches!(&act.kind, CommandKind::Act { action, by, .. }
            if action == "accept" && by.as_deref() == Some("wang")));
        let problems = Command::from_json(
            r#"{"at": "monday", "create": {"amount": 3}, "pause": true}"#,
            None,
        )
        .unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/at"]);
        let problems = Command::from_json(
            r#"{"at": "2026-11-16T10:00:00Z", "create": {"amount": 3}}"#,
            Some("repair"),
        )
        .unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/create/amount"]);
        let problems = Command::from_json(r#"{"at": "2026-11-16T10:00:00Z", "create": {}}"#, None)
            .unwrap_err();
        assert_eq!(problems[0].path, "/create/flow");
        assert_eq!(
            Command::from_json("{oops", None).unwrap_err()[0].code,
            ProblemCode::JsonSyntax
        );
    }
}
