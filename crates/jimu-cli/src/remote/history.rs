//! `jimu history`: a bundle's versions, as a table or as the server's JSON.

use super::args::HistoryArgs;
use super::check_name;
use super::client::{Client, Precondition};
use super::fail::{Exit, Res, fail, finish};
use super::output::{display_width, short, utc};
use crate::{Format, Lang, heading, print_json};
use jimu_wire::History;
use std::fmt::Write as _;
use std::process::ExitCode;

/// `jimu history`.
pub fn history(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.server)?;
    Ok(finish(history_with(&client, &args)))
}

fn history_with(client: &Client, args: &HistoryArgs) -> Res<()> {
    let lang = client.lang;
    let name = &args.name;
    check_name(name, lang)?;
    let Some(history) = client.history(name)? else {
        // Asked again for the server's own words about it.
        let reply = client.get(&format!("bundles/{name}/versions"), Precondition::None)?;
        return Err(client.refused(&reply, name));
    };
    if args.format == Format::Json {
        return print_json(&history).map_err(|err| fail(Exit::Usage, err.to_string()));
    }
    print!("{}", history_table(name, &history, lang));
    Ok(())
}

/// The history as a table, widths by display columns (a Chinese character takes two).
pub(super) fn history_table(name: &str, history: &History, lang: Lang) -> String {
    let mut rows = vec![[
        heading("版本", "VERSION", lang),
        heading("时间（UTC）", "TIME (UTC)", lang),
        heading("哈希", "HASH", lang),
        heading("作者", "AUTHOR", lang),
        heading("说明", "MESSAGE", lang),
    ]];
    for v in &history.versions {
        rows.push([
            v.version.to_string(),
            utc(v.created_at_ms),
            short(&v.hash),
            v.author.clone(),
            v.message.replace(['\n', '\r'], " "),
        ]);
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let mut out = String::new();
    if history.archived {
        let _ = writeln!(
            out,
            "{}",
            heading(
                &format!("{name}（已归档）"),
                &format!("{name} (archived)"),
                lang
            )
        );
    }
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(width - display_width(cell) + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}
