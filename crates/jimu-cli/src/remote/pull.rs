//! `jimu pull`: fetches a bundle into a file, never overwriting changes that were not pushed.

use super::args::PullArgs;
use super::base::{Base, read_base, record_base, write_atomically};
use super::client::{Client, Precondition, Reply};
use super::fail::{Exit, Res, fail, finish};
use super::output::short;
use super::{check_name, same_server};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `jimu pull`.
pub fn pull(args: PullArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.server)?;
    Ok(finish(pull_with(&client, &args)))
}

fn pull_with(client: &Client, args: &PullArgs) -> Res<()> {
    let lang = client.lang;
    let name = &args.name;
    check_name(name, lang)?;
    let path = match &args.version {
        Some(n) => format!("bundles/{name}/versions/{n}"),
        None => format!("bundles/{name}"),
    };
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.json")));
    let what = match args.version {
        Some(n) => client.say(
            format!("`{name}` 第 {n} 版"),
            format!("`{name}` version {n}"),
        ),
        None => format!("`{name}`"),
    };
    let not_found = |reply: &Reply| {
        if reply.status == 404 {
            fail(
                Exit::NotFound,
                client.say(
                    format!("服务器上没有{what}，未写入任何文件"),
                    format!("there is no {what} on the server; nothing was written"),
                ),
            )
        } else {
            client.refused(reply, name)
        }
    };

    if out == Path::new("-") {
        let reply = client.get(&path, Precondition::None)?;
        if !reply.ok() {
            return Err(not_found(&reply));
        }
        check_content(client, &reply)?;
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(&reply.body)
            .and_then(|()| stdout.flush())
            .map_err(|err| fail(Exit::Usage, err.to_string()));
    }

    let shown = out.display().to_string();
    if out.is_dir() {
        return Err(fail(
            Exit::Usage,
            client.say(
                format!("{shown} 是一个目录：用 -o 指定文件"),
                format!("{shown} is a directory: name a file with -o"),
            ),
        ));
    }
    let local = match std::fs::read(&out) {
        Ok(bytes) => Some(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            return Err(fail(
                Exit::Usage,
                client.say(
                    format!("无法读取 {shown}：{err}"),
                    format!("cannot read {shown}: {err}"),
                ),
            ));
        }
    };
    let base = read_base(&out, lang)?
        .filter(|base| base.name == *name && same_server(&base.server, &client.server));
    // The file is as it was pulled or pushed: no changes of its own to lose.
    let clean = match (&local, &base) {
        (Some(bytes), Some(base)) => {
            std::str::from_utf8(bytes).is_ok_and(|t| jimu_server::content_hash(t) == base.etag)
        }
        _ => false,
    };
    let pre = match &base {
        Some(base) if clean => Precondition::Changed(base.etag.clone()),
        _ => Precondition::None,
    };
    let reply = client.get(&path, pre)?;
    if reply.status == 304 {
        let version = reply
            .version
            .or(base.as_ref().map(|b| b.version))
            .unwrap_or(0);
        if let Some(base) = &base {
            record_base(
                &out,
                &Base {
                    version,
                    ..base.clone()
                },
                lang,
            );
        }
        println!(
            "{}",
            client.say(
                format!("{shown} 已是 {name} 第 {version} 版，无需更新"),
                format!("{shown} is already {name} version {version}: up to date"),
            )
        );
        return Ok(());
    }
    if !reply.ok() {
        return Err(not_found(&reply));
    }
    let tag = check_content(client, &reply)?;
    let version = reply.version.unwrap_or(0);
    if let Some(bytes) = &local
        && !clean
        && *bytes != reply.body
        && !args.force
    {
        return Err(fail(
            Exit::Conflict,
            client.say(
                format!(
                    "{shown} 有未推送的修改（或不是从 `{name}` 取回的），未覆盖它。先推送（`jimu push {shown}`），或用 -o 写到别处，或用 --force 覆盖"
                ),
                format!(
                    "{shown} has changes that were not pushed (or was not pulled from `{name}`); it was left as it is. Push them first (`jimu push {shown}`), write elsewhere with -o, or --force to overwrite it"
                ),
            ),
        ));
    }
    write_atomically(&out, &reply.body).map_err(|err| {
        fail(
            Exit::Usage,
            client.say(
                format!("无法写入 {shown}：{err}（原文件未改动）"),
                format!("cannot write {shown}: {err} (the file was left as it was)"),
            ),
        )
    })?;
    record_base(
        &out,
        &Base {
            server: client.server.clone(),
            name: name.clone(),
            version,
            etag: tag.clone(),
        },
        lang,
    );
    println!(
        "{}",
        client.say(
            format!("已取回 {name} 第 {version} 版（{}）到 {shown}", short(&tag)),
            format!(
                "pulled {name} version {version} ({}) into {shown}",
                short(&tag)
            ),
        )
    );
    Ok(())
}

/// The content's tag: its ETag, which must be the SHA-256 of the bytes received.
fn check_content(client: &Client, reply: &Reply) -> Res<String> {
    let text = std::str::from_utf8(&reply.body).map_err(|err| client.garbled(&err))?;
    let hash = jimu_server::content_hash(text);
    match &reply.etag {
        Some(tag) if *tag == hash => Ok(hash),
        Some(tag) => Err(fail(
            Exit::Server,
            client.say(
                format!(
                    "收到的内容与它的 ETag 不符（{} ≠ {}），未写入任何文件",
                    short(&hash),
                    short(tag)
                ),
                format!(
                    "the content received does not match its ETag ({} ≠ {}); nothing was written",
                    short(&hash),
                    short(tag)
                ),
            ),
        )),
        None => Err(client.garbled(&"no ETag")),
    }
}
