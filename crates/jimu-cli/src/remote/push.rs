//! `jimu push`: validates a bundle file and publishes it over the version it was edited from.

use super::args::PushArgs;
use super::base::{Base, base_path, read_base, record_base};
use super::client::{Client, Method, Precondition, bare_tag};
use super::fail::{Exit, Fail, Res, fail, finish, say};
use super::output::short;
use super::{check_name, same_server};
use crate::{Format, Lang, print_json};
use jimu_core::Problem;
use std::process::ExitCode;

/// `jimu push`.
pub fn push(args: PushArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.server)?;
    Ok(finish(push_with(&client, &args)))
}

fn push_with(client: &Client, args: &PushArgs) -> Res<()> {
    let lang = client.lang;
    let file = &args.file;
    let shown = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|err| {
        fail(
            Exit::Usage,
            say(
                lang,
                format!("无法读取 {shown}：{err}"),
                format!("cannot read {shown}: {err}"),
            ),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(
            Exit::Invalid,
            say(
                lang,
                format!("{shown} 不是 UTF-8 文本"),
                format!("{shown} is not UTF-8 text"),
            ),
        )
    })?;
    // Validate before anything is sent; warnings are shown and do not stop a publish.
    let problems = jimu_core::validate_bundle(&text);
    if !problems.is_empty() {
        eprint!("{}", crate::problems_text(&shown, &problems, lang));
    }
    if problems.iter().any(Problem::is_error) {
        return Err(fail(
            Exit::Invalid,
            say(
                lang,
                format!("{shown} 有错误，未发送任何内容"),
                format!("{shown} has errors; nothing was sent"),
            ),
        ));
    }
    let name = push_name(
        &shown,
        jimu_core::bundle_name(&text),
        args.name.as_deref(),
        lang,
    )?;
    check_name(&name, lang)?;
    let local = jimu_server::content_hash(&text);

    // Which version this file was edited from.
    let mut pre = if args.create {
        Precondition::Absent
    } else if let Some(expect) = &args.expect {
        Precondition::Match(expected_tag(client, &name, expect)?)
    } else if args.force {
        forced(client, &name)?
    } else {
        match read_base(file, lang)? {
            Some(base) if base.name == name && same_server(&base.server, &client.server) => {
                Precondition::Match(base.etag)
            }
            Some(base) => {
                return Err(fail(
                    Exit::Usage,
                    say(
                        lang,
                        format!(
                            "{shown} 的基准版本记录的是 {} 上的 `{}`，不是 {} 上的 `{name}`；用 --expect、--create 或 --force 指明",
                            base.server, base.name, client.server
                        ),
                        format!(
                            "{shown}'s base is `{}` on {}, not `{name}` on {}: say which version it was edited from with --expect, or use --create or --force",
                            base.name, base.server, client.server
                        ),
                    ),
                ));
            }
            None => {
                return Err(fail(
                    Exit::Usage,
                    say(
                        lang,
                        format!(
                            "不知道 {shown} 是从哪个版本改来的：没有 {}（`jimu pull` 会写它）。用 --expect 版本号|ETAG 指明（`jimu history {name}` 列出各版本），用 --create 新建方案，或用 --force 覆盖最新版本",
                            base_path(file).display()
                        ),
                        format!(
                            "which version was {shown} edited from? There is no {} (`jimu pull` writes it). Name the version with --expect VERSION|ETAG (`jimu history {name}` lists them), create a new bundle with --create, or publish over the newest with --force",
                            base_path(file).display()
                        ),
                    ),
                ));
            }
        }
    };

    let mut attempts = 0;
    let reply = loop {
        attempts += 1;
        if let Precondition::Match(tag) = &pre
            && *tag == local
        {
            let version = client
                .history(&name)
                .ok()
                .flatten()
                .and_then(|h| h.versions.into_iter().find(|v| v.hash == local))
                .map_or(0, |v| v.version);
            if version > 0 {
                record_base(
                    file,
                    &Base {
                        server: client.server.clone(),
                        name: name.clone(),
                        version,
                        etag: local.clone(),
                    },
                    lang,
                );
            }
            println!(
                "{}",
                say(
                    lang,
                    format!(
                        "{shown} 与 {name} 的那个版本相同（{}），无需推送",
                        short(&local)
                    ),
                    format!(
                        "{shown} is the same as that version of {name} ({}): nothing to push",
                        short(&local)
                    ),
                )
            );
            return Ok(());
        }
        let mut query = Vec::new();
        if let Some(message) = &args.message {
            query.push(("message", message.as_str()));
        }
        let reply = client.send(
            Method::Put(&text),
            &format!("bundles/{name}"),
            &query,
            pre.clone(),
        )?;
        // --force publishes over whatever is newest: when someone published in between, again.
        if reply.status == 412 && args.force && attempts < 3 {
            pre = forced(client, &name)?;
            continue;
        }
        break reply;
    };
    if reply.status == 412 {
        return Err(stale(client, args, &name, &pre));
    }
    if !reply.ok() {
        return Err(client.refused(&reply, &shown));
    }
    let stored = client.stored(&reply)?;
    record_base(
        file,
        &Base {
            server: client.server.clone(),
            name: name.clone(),
            version: stored.version,
            etag: stored.hash.clone(),
        },
        lang,
    );
    if args.format == Format::Json {
        print_json(&stored).map_err(|err| fail(Exit::Usage, err.to_string()))?;
    } else if reply.status == 201 {
        println!(
            "{}",
            say(
                lang,
                format!(
                    "已创建 {name} 第 {} 版（{}），内容来自 {shown}",
                    stored.version,
                    short(&stored.hash)
                ),
                format!(
                    "created {name} version {} ({}) from {shown}",
                    stored.version,
                    short(&stored.hash)
                ),
            )
        );
    } else {
        println!(
            "{}",
            say(
                lang,
                format!(
                    "已发布 {name} 第 {} 版（{}），内容来自 {shown}",
                    stored.version,
                    short(&stored.hash)
                ),
                format!(
                    "published {name} version {} ({}) from {shown}",
                    stored.version,
                    short(&stored.hash)
                ),
            )
        );
    }
    Ok(())
}

/// The name a bundle file is published as: its own `name`. `--name` is for a bundle without
/// one; given beside one, it must be the same (the server refuses a bundle published under
/// another name than its own).
fn push_name(shown: &str, own: Option<String>, flag: Option<&str>, lang: Lang) -> Res<String> {
    match (own, flag) {
        (Some(own), Some(flag)) if own != flag => Err(fail(
            Exit::Usage,
            say(
                lang,
                format!(
                    "{shown} 的名称（name 字段）是「{own}」，不是 --name 给出的「{flag}」：方案只能以自己的名称发布。去掉 --name，或把 {shown} 的 name 改为「{flag}」；未发送任何内容"
                ),
                format!(
                    "{shown} is named `{own}` (its `name` field), not `{flag}` as --name says: a bundle is published under its own name. Leave out --name, or change the `name` in {shown} to `{flag}`; nothing was sent"
                ),
            ),
        )),
        (Some(own), _) => Ok(own),
        (None, Some(flag)) => Ok(flag.to_owned()),
        (None, None) => Err(fail(
            Exit::Usage,
            say(
                lang,
                format!(
                    "{shown} 没有 name 字段，不知道要发布成哪个方案：用 --name NAME 指明，或在文件里写上 \"name\": \"NAME\"；未发送任何内容"
                ),
                format!(
                    "{shown} has no `name`, so which bundle is it? Say with --name NAME, or add \"name\": \"NAME\" to the file; nothing was sent"
                ),
            ),
        )),
    }
}

/// `--expect`: a tag as given, or the tag of a version number.
fn expected_tag(client: &Client, name: &str, expect: &str) -> Res<String> {
    let expect = expect.trim();
    if expect.is_empty() || !expect.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(bare_tag(expect));
    }
    let reply = client.send(
        Method::Head,
        &format!("bundles/{name}/versions/{expect}"),
        &[],
        Precondition::None,
    )?;
    if reply.status == 404 {
        return Err(fail(
            Exit::NotFound,
            client.say(
                format!("`{name}` 没有第 {expect} 版（--expect）"),
                format!("`{name}` has no version {expect} (--expect)"),
            ),
        ));
    }
    if !reply.ok() {
        return Err(client.refused(&reply, name));
    }
    reply.etag.ok_or_else(|| client.garbled(&"no ETag"))
}

/// `--force`: whatever is newest now, or create.
fn forced(client: &Client, name: &str) -> Res<Precondition> {
    Ok(match client.current_tag(name)? {
        Some(tag) => Precondition::Match(tag),
        None => Precondition::Absent,
    })
}

/// The 412 of a push: who published what, and how to go on.
fn stale(client: &Client, args: &PushArgs, name: &str, pre: &Precondition) -> Fail {
    let shown = args.file.display().to_string();
    // The push to run again: --name only when the file needed it.
    let again = match &args.name {
        Some(_) => format!("jimu push {shown} --name {name}"),
        None => format!("jimu push {shown}"),
    };
    let newest = client.describe_newest(name);
    let text = match (pre, newest) {
        (Precondition::Absent, Some((newest, zh, en))) => client.say(
            format!(
                "服务器上已有 `{name}`：{zh}。未保存任何内容。要在它之上发布：取回（`jimu pull {name} -o {name}.theirs.json`），把你的修改合并进去，再 `{again} --expect {}`；或用 --force 覆盖它",
                newest.version
            ),
            format!(
                "`{name}` already exists on the server: {en}. Nothing was stored. To publish over it, fetch it (`jimu pull {name} -o {name}.theirs.json`), merge your changes in, then `{again} --expect {}`; or --force to publish over it",
                newest.version
            ),
        ),
        (_, Some((newest, zh, en))) => client.say(
            format!(
                "有人在你取回之后发布了 `{name}`，未保存任何内容。服务器上现在是{zh}。请取回（`jimu pull {name} -o {name}.theirs.json`），把对方的修改合并进 {shown}，再 `{again} --expect {}`（或用 --force 覆盖对方的版本）",
                newest.version
            ),
            format!(
                "someone else published `{name}` since the version {shown} was edited from; nothing was stored. The server now has {en}. Fetch theirs (`jimu pull {name} -o {name}.theirs.json`), merge their changes into {shown}, then `{again} --expect {}` (or --force to publish over theirs)",
                newest.version
            ),
        ),
        (_, None) => client.say(
            format!(
                "服务器上没有 `{name}`（已被删除，或基准版本来自别的服务器），未保存任何内容：用 --create 新建"
            ),
            format!(
                "there is no `{name}` on the server (or the base came from another server); nothing was stored: use --create to create it"
            ),
        ),
    };
    fail(Exit::Conflict, text)
}
