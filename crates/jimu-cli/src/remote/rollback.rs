//! `jimu rollback`: publishes an earlier version's content again as the newest version.

use super::args::RollbackArgs;
use super::check_name;
use super::client::{Client, Method, Precondition};
use super::fail::{Exit, Res, fail, finish};
use super::output::short;
use crate::{Format, print_json};
use std::process::ExitCode;

/// `jimu rollback`.
pub fn rollback(args: RollbackArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.server)?;
    Ok(finish(rollback_with(&client, &args)))
}

fn rollback_with(client: &Client, args: &RollbackArgs) -> Res<()> {
    let lang = client.lang;
    let name = &args.name;
    let to = args.to;
    check_name(name, lang)?;
    let no_bundle = || {
        fail(
            Exit::NotFound,
            client.say(
                format!("服务器上没有 `{name}`"),
                format!("there is no `{name}` on the server"),
            ),
        )
    };
    let Some(history) = client.history_page(name, None, Some(1))? else {
        return Err(no_bundle());
    };
    let Some(newest) = history.versions.first() else {
        return Err(client.garbled(&"an empty history"));
    };
    // Version `to` alone: the one page of one version older than `to + 1`.
    let target_page = match to.checked_add(1) {
        Some(before) => client.history_page(name, Some(before), Some(1))?,
        None => None,
    };
    let target_versions = target_page.map(|page| page.versions).unwrap_or_default();
    let Some(target) = target_versions.iter().find(|v| v.version == to) else {
        return Err(fail(
            Exit::NotFound,
            client.say(
                format!("`{name}` 没有第 {to} 版（最新是第 {} 版）", newest.version),
                format!(
                    "`{name}` has no version {to} (the newest is version {})",
                    newest.version
                ),
            ),
        ));
    };
    if target.hash == newest.hash {
        println!(
            "{}",
            client.say(
                format!(
                    "`{name}` 的最新版本（第 {} 版）已与第 {to} 版内容相同，无需回滚",
                    newest.version
                ),
                format!(
                    "`{name}`'s newest version ({}) already has version {to}'s content: nothing to roll back",
                    newest.version
                ),
            )
        );
        return Ok(());
    }
    let to_text = to.to_string();
    let mut query = vec![("to", to_text.as_str())];
    if let Some(message) = &args.message {
        query.push(("message", message.as_str()));
    }
    let reply = client.send(
        Method::Post,
        &format!("bundles/{name}/rollback"),
        &query,
        Precondition::Match(newest.hash.clone()),
    )?;
    if reply.status == 412 {
        let (zh, en) = client
            .describe_newest(name)
            .map(|(_, zh, en)| (zh, en))
            .unwrap_or_default();
        return Err(fail(
            Exit::Conflict,
            client.say(
                format!(
                    "回滚时有人发布了 `{name}`（现在是{zh}），未保存任何内容：看一下新版本，需要的话再运行一次回滚"
                ),
                format!(
                    "someone published `{name}` while rolling back (it is now {en}); nothing was stored: look at the new version, and run the rollback again if it is still wanted"
                ),
            ),
        ));
    }
    if !reply.ok() {
        return Err(client.refused(&reply, name));
    }
    let stored = client.stored(&reply)?;
    if args.format == Format::Json {
        return print_json(&stored).map_err(|err| fail(Exit::Usage, err.to_string()));
    }
    println!(
        "{}",
        client.say(
            format!(
                "已将 {name} 回滚到第 {to} 版的内容：新版本为第 {} 版（{}）",
                stored.version,
                short(&stored.hash)
            ),
            format!(
                "rolled {name} back to version {to}'s content: now version {} ({})",
                stored.version,
                short(&stored.hash)
            ),
        )
    );
    Ok(())
}
