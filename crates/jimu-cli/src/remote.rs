//! `jimu push`, `pull`, `history` and `rollback`: the command line as a client of a sync server's API (`/api/bundles/…`), over HTTP or HTTPS.
//!
//! Publishing is safe by default, as with `git push`: a push says which version the file was
//! edited from (`If-Match`), so it never overwrites someone else's publish unseen. That version
//! is the file's *base*: `pull` and `push` keep it in a sidecar beside the file,
//! `FILE.jimu-base` (`{"server", "name", "version", "etag"}`). `--expect` names it instead,
//! `--create` makes a new bundle (`If-None-Match: *`) and `--force` publishes over whatever is
//! newest, on purpose. `pull` writes through a temporary file and a rename, so a file is never
//! half written, and refuses to overwrite changes that were not pushed.

use crate::{Format, Lang, LangArg, heading, print_json};
use jimu_core::Problem;
use jimu_wire::{History, ProblemDetails, ProblemItem, VersionInfo};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// What `--help` says of the exit codes of every command in this module (a macro, so each
/// command's examples can be put before it with `concat!`).
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  done, or nothing to do (already up to date)
  1  the bundle is invalid (found locally, or by the server): every problem is printed
  2  usage or local error: bad arguments or server URL, a file that cannot be read or
     written, no base version to push from, a --name other than the bundle's own name
     (or no --name for a bundle without one)
  3  conflict: someone else published first (412), the bundle exists already (--create),
     it is archived, or pull would overwrite changes that were not pushed
  4  not allowed: no token, an unknown or revoked one (401), or a role too low (403)
  5  the server cannot be reached (refused, unknown host, TLS, timeout)
  6  not found: no such bundle or version
  7  the server failed or answered something unexpected"
    };
}
const EXIT_CODES: &str = exit_codes!();

/// How long one request may take (the server gives up on its side after 30 s).
const TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read: bundles are at most 8 MiB.
const MAX_ANSWER: u64 = 16 * 1024 * 1024;

/// Which sync server, as whom, and in which language to talk.
#[derive(clap::Args)]
pub struct ServerArgs {
    /// The sync server's base URL (`https://…` in production).
    #[arg(long, env = "JIMU_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// An API token (`jimu token create`): a reader's for pull and history, a publisher's for
    /// push and rollback.
    #[arg(long, env = "JIMU_TOKEN", hide_env_values = true)]
    token: Option<String>,
    #[command(flatten)]
    lang: LangArg,
}

/// Publish a bundle file as the bundle's next version.
///
/// The file is validated first; with errors, every problem is printed and nothing is sent.
/// It is published under its own name (its `name` field; `--name` for a file without one).
/// The publish names the version the file was edited from, so it never overwrites someone
/// else's publish unseen: by default the one `jimu pull` (or the last push) recorded in
/// FILE.jimu-base; `--expect` names it (its ETag `sha256:…` or its version number), `--create`
/// makes a new bundle, `--force` publishes over the newest version whatever it is. When someone
/// else published first, nothing is stored, and the message says what to do: pull theirs,
/// merge, and push again with `--expect`.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "Publish a bundle file to a sync server (refused when someone else published first)",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  export JIMU_SERVER=https://jimu.example.com JIMU_TOKEN=jimu_…   # a publisher's token\n  jimu push home-services.json -m \"VIP 9 折\"      # over the version it was pulled as\n  jimu push new.json --create                      # a new bundle\n  jimu push draft.json --name shop --create        # a file without a `name` field\n  jimu push home-services.json --expect 7          # edited from version 7\n\n", exit_codes!())
)]
pub struct PushArgs {
    /// The bundle file (JSON, as `jimu validate` reads it; `jimu schema` lists its fields).
    file: PathBuf,
    /// The bundle's name on the server, for a file without a `name` field; with one, it is
    /// published under that name, and --name must be the same.
    #[arg(long)]
    name: Option<String>,
    /// What changed, kept in the history.
    #[arg(long, short)]
    message: Option<String>,
    /// The version FILE was edited from: an ETag (`sha256:…`) or a version number.
    #[arg(long, value_name = "ETAG|VERSION", conflicts_with_all = ["create", "force"])]
    expect: Option<String>,
    /// Create a new bundle; refused when one of that name exists.
    #[arg(long, conflicts_with = "force")]
    create: bool,
    /// Publish over the newest version, whatever it is (it stays in the history).
    #[arg(long)]
    force: bool,
    /// text, or json: the stored version as the server describes it.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    server: ServerArgs,
}

/// Fetch a bundle (its newest version, or `--version N`) into a file.
///
/// The file gets the exact bytes that were published, written through a temporary file and
/// a rename (never half written), and FILE.jimu-base records the version for `jimu push`.
/// When FILE is already that version nothing is downloaded (`If-None-Match`). A FILE with
/// changes that were not pushed is never overwritten without `--force`.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "Fetch a bundle from a sync server into a file, remembering its version for push",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  jimu pull home-services                    # into home-services.json (+ .jimu-base)\n  jimu pull home-services --version 3 -o v3.json\n  jimu pull home-services -o - | jimu validate -\n\n", exit_codes!())
)]
pub struct PullArgs {
    /// The bundle's name.
    name: String,
    /// A given version (default: the newest).
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
    version: Option<i64>,
    /// Where to write it (default: NAME.json); `-` writes to stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Overwrite the file even when it has changes that were not pushed.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// List a bundle's versions, newest first: version, time (UTC), hash, author, message.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "List a bundle's versions on a sync server",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  jimu history home-services\n  jimu history home-services --format json\n\n", exit_codes!())
)]
pub struct HistoryArgs {
    /// The bundle's name.
    name: String,
    /// text (a table), or json: the server's answer, {"name", "archived", "versions": [...]}.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    server: ServerArgs,
}

/// Publish an earlier version's content as the bundle's next version (the history stays
/// whole).
///
/// The rollback names the newest version it replaces, so it is refused when someone publishes
/// in between.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "Publish an earlier version's content again as a bundle's newest version",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  jimu rollback home-services --to 3 -m \"the VIP rule double-counted\"\n\n", exit_codes!())
)]
pub struct RollbackArgs {
    /// The bundle's name.
    name: String,
    /// The version whose content to publish again.
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
    to: i64,
    /// What the rollback is for, kept in the history (default: "rollback to version N").
    #[arg(long, short)]
    message: Option<String>,
    /// text, or json: the stored version as the server describes it.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    server: ServerArgs,
}

/// Which kind of failure: the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    Invalid = 1,
    Usage = 2,
    Conflict = 3,
    Denied = 4,
    Unreachable = 5,
    NotFound = 6,
    Server = 7,
}

/// A failure as a person reads it (what went wrong, what to do), and its exit code.
#[derive(Debug)]
struct Fail {
    exit: Exit,
    text: String,
}

type Res<T> = Result<T, Fail>;

fn fail(exit: Exit, text: String) -> Fail {
    Fail { exit, text }
}

/// A text in the reader's language(s): English first, then Chinese, for `both`.
fn say(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
        Lang::Both => format!("{en}\n{zh}"),
    }
}

/// Runs a command's body: a failure is printed on stderr and becomes its exit code.
fn finish(result: Res<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("jimu: {}", failure.text);
            ExitCode::from(failure.exit as u8)
        }
    }
}

/// What a file was last pulled or pushed as: kept in `FILE.jimu-base`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Base {
    server: String,
    name: String,
    version: i64,
    etag: String,
}

/// `FILE.jimu-base`.
fn base_path(file: &Path) -> PathBuf {
    let mut path = OsString::from(file.as_os_str());
    path.push(".jimu-base");
    PathBuf::from(path)
}

fn read_base(file: &Path, lang: Lang) -> Res<Option<Base>> {
    let path = base_path(file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(fail(
                Exit::Usage,
                say(
                    lang,
                    format!("无法读取 {}：{err}", path.display()),
                    format!("cannot read {}: {err}", path.display()),
                ),
            ));
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|err| {
        fail(
            Exit::Usage,
            say(
                lang,
                format!(
                    "{} 已损坏（{err}）：删除它，再用 `jimu pull` 取回基准版本",
                    path.display()
                ),
                format!(
                    "{} is damaged ({err}): delete it and `jimu pull` the base version again",
                    path.display()
                ),
            ),
        )
    })
}

fn write_base(file: &Path, base: &Base) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(base).map_err(std::io::Error::other)?;
    text.push('\n');
    write_atomically(&base_path(file), text.as_bytes())
}

/// Records the base after a publish or a pull; a failure there is a warning (what was done on
/// the server is done).
fn record_base(file: &Path, base: &Base, lang: Lang) {
    if let Err(err) = write_base(file, base) {
        eprintln!(
            "jimu: {}",
            say(
                lang,
                format!(
                    "警告：无法写入 {}（{err}）；下次推送请用 --expect {}",
                    base_path(file).display(),
                    base.version
                ),
                format!(
                    "warning: cannot write {} ({err}); push next time with --expect {}",
                    base_path(file).display(),
                    base.version
                ),
            )
        );
    }
}

/// Replaces `path` with `bytes` all at once: a temporary file in the same directory, flushed to
/// disk, renamed over it (then the directory flushed). A reader sees the old file or the new
/// one, never a part; on failure the temporary file is removed and `path` is untouched.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Through a symbolic link, replace the file it points to, not the link.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_owned(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let Some(file_name) = target.file_name() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut temp_name = OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".jimu-tmp-{}-{nanos}", std::process::id()));
    let temp = dir.join(temp_name);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        if let Ok(meta) = std::fs::metadata(&target) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)?;
        sync_dir(&dir)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Flushes a directory's entries (the rename) to disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Bundle names as the server takes them: 1–64 of `a-z 0-9 - _`, starting with a letter or
/// digit. Checked here so a bad name is a clear local error, never a strange URL.
fn check_name(name: &str, lang: Lang) -> Res<()> {
    if jimu_core::limits::valid_bundle_name(name) {
        Ok(())
    } else {
        Err(fail(
            Exit::Usage,
            say(
                lang,
                format!(
                    "`{name}` 不是合法的方案名：用 1–64 个小写字母、数字、`-` 或 `_`，以字母或数字开头（push 用方案文件里的 name，文件没有 name 时用 --name）"
                ),
                format!(
                    "`{name}` is not a bundle name: use 1–64 lowercase letters, digits, `-` or `_`, starting with a letter or digit (push uses the bundle's `name`, or --name for a file without one)"
                ),
            ),
        ))
    }
}

/// `sha256:0123456789ab`: enough of a tag for a person to tell versions apart.
fn short(tag: &str) -> String {
    let (prefix, hex) = tag.split_once(':').unwrap_or(("", tag));
    let hex: String = hex.chars().take(12).collect();
    if prefix.is_empty() {
        hex
    } else {
        format!("{prefix}:{hex}")
    }
}

/// `2026-05-01T08:30:00Z`.
fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || ms.to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// A tag as `If-Match` and `--expect` take it: `sha256:…`, with or without quotes.
fn bare_tag(tag: &str) -> String {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.trim_matches('"').to_owned()
}

/// An answer from the server.
struct Reply {
    status: u16,
    /// The `ETag`, without quotes.
    etag: Option<String>,
    /// `Jimu-Version`.
    version: Option<i64>,
    location: Option<String>,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn problem(&self) -> Option<ProblemDetails> {
        self.content_type
            .contains("json")
            .then(|| serde_json::from_slice(&self.body).ok())
            .flatten()
    }
}

/// A request's method, with the body it sends.
enum Method<'a> {
    Get,
    Head,
    /// A bundle (`Content-Type: application/json`).
    Put(&'a str),
    Post,
}

/// What a request sends besides its path.
#[derive(Clone)]
enum Precondition {
    None,
    /// `If-Match: "<tag>"`: the version the change was made on.
    Match(String),
    /// `If-None-Match: *`: create.
    Absent,
    /// `If-None-Match: "<tag>"`: a read that needs no body when the tag is current.
    Changed(String),
}

/// A client of one sync server.
struct Client {
    agent: ureq::Agent,
    /// The base URL, without a trailing `/`.
    server: String,
    token: Option<String>,
    lang: Lang,
}

impl Client {
    fn new(args: &ServerArgs) -> anyhow::Result<Self> {
        let lang = args.lang.resolve()?;
        let server = args.server.trim().trim_end_matches('/').to_owned();
        let bad = |why_zh: &str, why_en: &str| {
            fail(
                Exit::Usage,
                say(
                    lang,
                    format!(
                        "服务器地址 `{}` 不可用：{why_zh}（--server 或 JIMU_SERVER，例如 http://127.0.0.1:8080）",
                        args.server
                    ),
                    format!(
                        "the server URL `{}` is not usable: {why_en} (--server or JIMU_SERVER, e.g. http://127.0.0.1:8080)",
                        args.server
                    ),
                ),
            )
        };
        let checked = match server.parse::<ureq::http::Uri>() {
            Err(_) => Err(bad("无法解析", "it cannot be parsed")),
            Ok(uri) => match uri.scheme_str() {
                Some("http" | "https") if uri.host().is_some_and(|h| !h.is_empty()) => {
                    if uri.query().is_some() || server.contains('#') {
                        Err(bad(
                            "不能带查询参数或片段",
                            "it must not have a query or a fragment",
                        ))
                    } else {
                        Ok(())
                    }
                }
                Some("http" | "https") => Err(bad("缺少主机名", "it has no host")),
                _ => Err(bad(
                    "须以 http:// 或 https:// 开头",
                    "it must start with http:// or https://",
                )),
            },
        };
        if let Err(failure) = checked {
            anyhow::bail!(failure.text);
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A redirect would drop the token; say where the server is instead.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(TIMEOUT))
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .user_agent(format!("jimu/{}", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Self {
            agent: config.into(),
            server,
            token: args.token.clone().filter(|t| !t.trim().is_empty()),
            lang,
        })
    }

    fn say(&self, zh: String, en: String) -> String {
        say(self.lang, zh, en)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/{path}", self.server)
    }

    fn get(&self, path: &str, pre: Precondition) -> Res<Reply> {
        self.send(Method::Get, path, &[], pre)
    }

    /// Sends one request; an answer of any status is a `Reply`, only a request that got no
    /// answer is a failure.
    fn send(
        &self,
        method: Method<'_>,
        path: &str,
        query: &[(&str, &str)],
        pre: Precondition,
    ) -> Res<Reply> {
        let url = self.url(path);
        let mut headers: Vec<(&str, String)> = Vec::new();
        if let Some(token) = &self.token {
            headers.push(("authorization", format!("Bearer {}", token.trim())));
        }
        match pre {
            Precondition::None => {}
            Precondition::Match(tag) => headers.push(("if-match", format!("\"{tag}\""))),
            Precondition::Absent => headers.push(("if-none-match", "*".to_owned())),
            Precondition::Changed(tag) => headers.push(("if-none-match", format!("\"{tag}\""))),
        }
        macro_rules! decorate {
            ($request:expr) => {{
                let mut request = $request;
                for (name, value) in &headers {
                    request = request.header(*name, value.as_str());
                }
                for (name, value) in query {
                    request = request.query(*name, *value);
                }
                request
            }};
        }
        let answer = match method {
            Method::Get => decorate!(self.agent.get(&url)).call(),
            Method::Head => decorate!(self.agent.head(&url)).call(),
            Method::Put(body) => decorate!(self.agent.put(&url))
                .content_type("application/json")
                .send(body),
            Method::Post => decorate!(self.agent.post(&url)).send_empty(),
        };
        let mut answer = answer.map_err(|err| self.unreachable(&err))?;
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header("etag").map(|t| bare_tag(&t));
        let version = header("jimu-version").and_then(|v| v.trim().parse().ok());
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        let status = answer.status().as_u16();
        let body = answer
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|err| self.unreachable(&err))?;
        Ok(Reply {
            status,
            etag,
            version,
            location,
            content_type,
            body,
        })
    }

    /// A request that got no answer: why, in words, and where to look.
    fn unreachable(&self, err: &ureq::Error) -> Fail {
        let server = &self.server;
        let (zh, en) = match err {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => (
                "连接被拒绝：那里没有运行 `jimu serve`？".to_owned(),
                "the connection was refused: is `jimu serve` running there?".to_owned(),
            ),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => (
                format!("TLS 失败：{io}（那里提供的是 https 吗？）"),
                format!("TLS failed: {io} (does it serve https?)"),
            ),
            ureq::Error::Io(io) => (io.to_string(), io.to_string()),
            ureq::Error::HostNotFound => (
                "找不到这个主机名".to_owned(),
                "the host name was not found".to_owned(),
            ),
            ureq::Error::Timeout(during) => (
                format!("超时（{during}）"),
                format!("it timed out ({during})"),
            ),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
                (format!("TLS 失败：{err}"), format!("TLS failed: {err}"))
            }
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => (
                format!("地址不可用：{err}"),
                format!("the URL is not usable: {err}"),
            ),
            _ => (err.to_string(), err.to_string()),
        };
        let exit = match err {
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => Exit::Usage,
            _ => Exit::Unreachable,
        };
        fail(
            exit,
            self.say(
                format!("无法连接同步服务器 {server}：{zh}（检查 --server 或 JIMU_SERVER）"),
                format!(
                    "cannot reach the sync server at {server}: {en} (check --server or JIMU_SERVER)"
                ),
            ),
        )
    }

    /// An answer that is not a success, as a person reads it: the server's title and detail,
    /// every problem of a refused bundle (on stderr, under `file`), and what to do.
    fn refused(&self, reply: &Reply, file: &str) -> Fail {
        let status = reply.status;
        let problem = reply.problem();
        if problem.is_none() && (300..400).contains(&status) {
            let to = reply.location.clone().unwrap_or_default();
            return fail(
                Exit::Server,
                self.say(
                    format!("服务器重定向到 {to}（HTTP {status}）：把 --server 设为那个地址"),
                    format!(
                        "the server redirects to {to} (HTTP {status}): set --server to that address"
                    ),
                ),
            );
        }
        // Answers to HEAD have no body: the status says enough for these two.
        let said = match &problem {
            Some(p) if p.detail.is_empty() => format!("{} ({status})", p.title),
            Some(p) => format!("{} ({status}): {}", p.title, p.detail),
            None => format!("HTTP {status}"),
        };
        if problem.is_none() && status != 401 && status != 403 {
            return fail(
                if status == 404 {
                    Exit::NotFound
                } else {
                    Exit::Server
                },
                self.say(
                    format!(
                        "{} 的应答出乎意料（HTTP {status}，不是 Jimu 的错误说明）：--server 指向的是 Jimu 同步服务器吗？",
                        self.server
                    ),
                    format!(
                        "unexpected answer from {} (HTTP {status}, not a Jimu problem report): is --server a Jimu sync server?",
                        self.server
                    ),
                ),
            );
        }
        let problems = problem.and_then(|p| p.problems).unwrap_or_default();
        match status {
            401 => {
                let (zh, en) = if self.token.is_none() {
                    (
                        "没有提供令牌：用 --token 或环境变量 JIMU_TOKEN 提供（管理员可用 `jimu token create` 生成）",
                        "no token was given: pass --token or set JIMU_TOKEN (an admin makes one with `jimu token create`)",
                    )
                } else {
                    (
                        "令牌不被接受：它未知、已吊销或有误（检查 --token / JIMU_TOKEN）",
                        "the token was not accepted: it is unknown, revoked or mistyped (check --token / JIMU_TOKEN)",
                    )
                };
                fail(
                    Exit::Denied,
                    self.say(format!("{zh}。服务器：{said}"), format!("{en}. Server: {said}")),
                )
            }
            403 => fail(
                Exit::Denied,
                self.say(
                    format!("这个令牌的角色不允许此操作（推送和回滚需要 publisher 令牌）。服务器：{said}"),
                    format!("this token's role may not do that (push and rollback need a publisher token). Server: {said}"),
                ),
            ),
            404 => fail(
                Exit::NotFound,
                self.say(format!("找不到。服务器：{said}"), format!("not found. Server: {said}")),
            ),
            409 => fail(
                Exit::Conflict,
                self.say(format!("冲突。服务器：{said}"), format!("conflict. Server: {said}")),
            ),
            413 | 422 => {
                eprint!("{}", remote_problems_text(file, &problems, self.lang));
                fail(
                    Exit::Invalid,
                    self.say(
                        format!("服务器拒收了这个方案。服务器：{said}"),
                        format!("the server refused the bundle. Server: {said}"),
                    ),
                )
            }
            400 => fail(
                Exit::Usage,
                self.say(format!("请求有误。服务器：{said}"), format!("bad request. Server: {said}")),
            ),
            _ => fail(
                Exit::Server,
                self.say(format!("服务器未能完成请求。服务器：{said}"), format!("the server could not do it. Server: {said}")),
            ),
        }
    }

    /// One page of the bundle's history, newest first (`limit` versions at most, older than
    /// `before`), or `None` when there is no such bundle.
    fn history_page(
        &self,
        name: &str,
        before: Option<i64>,
        limit: Option<i64>,
    ) -> Res<Option<History>> {
        let before = before.map(|b| b.to_string());
        let limit = limit.map(|l| l.to_string());
        let mut query = Vec::new();
        if let Some(before) = &before {
            query.push(("before", before.as_str()));
        }
        if let Some(limit) = &limit {
            query.push(("limit", limit.as_str()));
        }
        let reply = self.send(
            Method::Get,
            &format!("bundles/{name}/versions"),
            &query,
            Precondition::None,
        )?;
        match reply.status {
            404 => Ok(None),
            _ if reply.ok() => serde_json::from_slice(&reply.body)
                .map(Some)
                .map_err(|err| self.garbled(&err)),
            _ => Err(self.refused(&reply, name)),
        }
    }

    /// The bundle's whole history, every page, or `None` when there is no such bundle. (A
    /// server from before pages answers everything at once, without `next_before`.)
    fn history(&self, name: &str) -> Res<Option<History>> {
        let Some(mut history) = self.history_page(name, None, None)? else {
            return Ok(None);
        };
        // Each page asks for versions older than the last: the loop ends at version 1.
        while let Some(before) = history.next_before.take() {
            let Some(page) = self.history_page(name, Some(before), None)? else {
                break;
            };
            let moved_on = page.versions.first().is_none_or(|v| v.version < before);
            history.versions.extend(page.versions);
            if !moved_on {
                return Err(self.garbled(&"a history page that does not go back in time"));
            }
            history.next_before = page.next_before;
        }
        Ok(Some(history))
    }

    /// The newest version's tag, or `None` when there is no such bundle.
    fn current_tag(&self, name: &str) -> Res<Option<String>> {
        let reply = self.send(
            Method::Head,
            &format!("bundles/{name}"),
            &[],
            Precondition::None,
        )?;
        match reply.status {
            404 => Ok(None),
            _ if reply.ok() => reply.etag.map(Some).ok_or_else(|| self.garbled(&"no ETag")),
            _ => Err(self.refused(&reply, name)),
        }
    }

    fn garbled(&self, why: &dyn std::fmt::Display) -> Fail {
        fail(
            Exit::Server,
            self.say(
                format!(
                    "{} 的应答无法读取（{why}）：--server 指向的是 Jimu 同步服务器吗？",
                    self.server
                ),
                format!(
                    "cannot read the answer of {} ({why}): is --server a Jimu sync server?",
                    self.server
                ),
            ),
        )
    }

    /// A publish or rollback the server stored: what it says of the new version.
    fn stored(&self, reply: &Reply) -> Res<VersionInfo> {
        serde_json::from_slice(&reply.body).map_err(|err| self.garbled(&err))
    }

    /// "version 7 (sha256:…), published by alice at …: "message"" — the newest version, best
    /// effort (for conflict messages).
    fn describe_newest(&self, name: &str) -> Option<(VersionInfo, String, String)> {
        let newest = self
            .history_page(name, None, Some(1))
            .ok()??
            .versions
            .into_iter()
            .next()?;
        let zh = format!(
            "第 {} 版（{}），由 {} 于 {} 发布{}",
            newest.version,
            short(&newest.hash),
            or_unknown(&newest.author, "未知"),
            utc(newest.created_at_ms),
            quoted_message(&newest.message, "：")
        );
        let en = format!(
            "version {} ({}), published by {} at {}{}",
            newest.version,
            short(&newest.hash),
            or_unknown(&newest.author, "unknown"),
            utc(newest.created_at_ms),
            quoted_message(&newest.message, ": ")
        );
        Some((newest, zh, en))
    }
}

fn or_unknown<'a>(text: &'a str, unknown: &'a str) -> &'a str {
    if text.is_empty() { unknown } else { text }
}

fn quoted_message(message: &str, sep: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!("{sep}\"{message}\"")
    }
}

/// The problems of a bundle the server refused, as `jimu validate` prints them.
fn remote_problems_text(file: &str, problems: &[ProblemItem], lang: Lang) -> String {
    let mut out = String::new();
    for p in problems {
        let path = if p.path.is_empty() { "/" } else { &p.path };
        let severity = if p.severity.is_empty() {
            "error"
        } else {
            &p.severity
        };
        let _ = writeln!(out, "{severity}[{}] {file} {path}", p.code);
        crate::message_lines(&mut out, &p.message, p.hint.as_ref(), lang);
    }
    out
}

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

fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
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
fn history_table(name: &str, history: &History, lang: Lang) -> String {
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

/// Columns a text takes in a terminal: East Asian wide characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c,
                0x1100..=0x115F
                | 0x2E80..=0x303E
                | 0x3041..=0x33FF
                | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF
                | 0xA000..=0xA4CF
                | 0xAC00..=0xD7A3
                | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F
                | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6
                | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_widths_and_times_read_as_people_expect() {
        assert_eq!(bare_tag("\"sha256:ab\""), "sha256:ab");
        assert_eq!(bare_tag("W/\"sha256:ab\""), "sha256:ab");
        assert_eq!(bare_tag(" sha256:ab "), "sha256:ab");
        assert_eq!(short("sha256:0123456789abcdef"), "sha256:0123456789ab");
        assert_eq!(display_width("ab"), 2);
        assert_eq!(display_width("王五"), 4);
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_767_225_600_123), "2026-01-01T00:00:00Z");
        assert_eq!(
            base_path(Path::new("dir/home.json")),
            Path::new("dir/home.json.jimu-base")
        );
    }

    #[test]
    fn the_table_lines_up_columns_with_chinese_authors() {
        let history = History {
            name: "home".into(),
            archived: false,
            next_before: None,
            versions: vec![
                VersionInfo {
                    name: "home".into(),
                    version: 2,
                    hash: "sha256:bbbbbbbbbbbbbbbb".into(),
                    created_at_ms: 0,
                    author: "王五".into(),
                    message: "second".into(),
                },
                VersionInfo {
                    name: "home".into(),
                    version: 1,
                    hash: "sha256:aaaaaaaaaaaaaaaa".into(),
                    created_at_ms: 0,
                    author: "alice".into(),
                    message: String::new(),
                },
            ],
        };
        let table = history_table("home", &history, Lang::En);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        let column = |line: &str, text: &str| display_width(&line[..line.find(text).unwrap()]);
        assert_eq!(column(lines[0], "MESSAGE"), column(lines[1], "second"));
        assert_eq!(column(lines[1], "王五"), column(lines[2], "alice"));
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        // A target that cannot be replaced (a directory) fails, and leaves no temporary file.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), b"x").unwrap();
        assert!(write_atomically(&blocked, b"three").is_err());
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["b.json", "blocked"]);
    }

    fn client(token: Option<&str>, lang: &str) -> Client {
        Client::new(&ServerArgs {
            server: "http://127.0.0.1:8080/".to_owned(),
            token: token.map(str::to_owned),
            lang: LangArg {
                lang: lang.to_owned(),
            },
        })
        .unwrap()
    }

    fn reply(status: u16, content_type: &str, body: &str) -> Reply {
        Reply {
            status,
            etag: None,
            version: None,
            location: None,
            content_type: content_type.to_owned(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn refusals_read_as_the_servers_title_and_detail_never_a_dump() {
        let en = client(Some("t"), "en");
        assert_eq!(en.server, "http://127.0.0.1:8080");
        let invalid = reply(
            422,
            "application/problem+json",
            r#"{"type":"about:blank","title":"invalid bundle","status":422,
                "detail":"the bundle has 1 problem(s); nothing was stored",
                "problems":[{"path":"/catalog/0/price","code":"some-future-code","severity":"error",
                  "message":{"zh-CN":"不能为负数","en":"must not be negative"}}]}"#,
        );
        let failure = en.refused(&invalid, "home.json");
        assert_eq!(failure.exit, Exit::Invalid);
        assert!(
            failure
                .text
                .contains("invalid bundle (422): the bundle has 1 problem(s)"),
            "{failure:?}"
        );
        let problems: ProblemDetails = serde_json::from_slice(&invalid.body).unwrap();
        let text = remote_problems_text("home.json", &problems.problems.unwrap(), Lang::Both);
        assert_eq!(
            text,
            "error[some-future-code] home.json /catalog/0/price\n    must not be negative\n    不能为负数\n"
        );

        // Not a problem report (a proxy's page): the status and a question, not the page.
        let page = reply(502, "text/html", "<html><body>Bad Gateway</body></html>");
        let failure = en.refused(&page, "home");
        assert_eq!(failure.exit, Exit::Server);
        assert!(failure.text.contains("HTTP 502"), "{failure:?}");
        assert!(!failure.text.contains("<html>"), "{failure:?}");

        let moved = Reply {
            location: Some("https://jimu.example.com/".to_owned()),
            ..reply(308, "", "")
        };
        let failure = en.refused(&moved, "home");
        assert!(
            failure.text.contains("https://jimu.example.com/"),
            "{failure:?}"
        );

        let unauthorized = reply(
            401,
            "application/problem+json",
            r#"{"title":"unauthorized","status":401,"detail":"send a valid token"}"#,
        );
        let failure = client(None, "zh-CN").refused(&unauthorized, "home");
        assert_eq!(failure.exit, Exit::Denied);
        assert!(
            failure.text.contains("没有提供令牌") && failure.text.contains("unauthorized (401)"),
            "{failure:?}"
        );
        let failure = client(Some("x"), "both").refused(&unauthorized, "home");
        assert!(
            failure.text.contains("the token was not accepted")
                && failure.text.contains("令牌不被接受"),
            "{failure:?}"
        );
    }

    #[test]
    fn server_urls_are_checked_before_any_request() {
        for bad in ["ftp://x", "http://", "localhost:8080", "http://h/?a=1", ""] {
            let args = ServerArgs {
                server: bad.to_owned(),
                token: None,
                lang: LangArg {
                    lang: "en".to_owned(),
                },
            };
            let err = Client::new(&args).err().expect(bad).to_string();
            assert!(err.contains("server URL"), "{bad}: {err}");
        }
        let ok = ServerArgs {
            server: "https://jimu.example.com/base/".to_owned(),
            token: None,
            lang: LangArg {
                lang: "en".to_owned(),
            },
        };
        let client = Client::new(&ok).unwrap();
        assert_eq!(
            client.url("bundles/home"),
            "https://jimu.example.com/base/api/bundles/home"
        );
    }
}
