//! The HTTP client of one sync server: requests with their preconditions, the answers, and
//! failures (no answer, or a refusal) as a person reads them.

use super::args::ServerArgs;
use super::fail::{Exit, Fail, Res, fail, say};
use super::output::{or_unknown, quoted_message, remote_problems_text, short, utc};
use crate::Lang;
use jimu_wire::{History, ProblemDetails, VersionInfo};
use std::time::Duration;

/// How long one request may take (the server gives up on its side after 30 s).
const TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read: bundles are at most 8 MiB.
const MAX_ANSWER: u64 = 16 * 1024 * 1024;

/// A tag as `If-Match` and `--expect` take it: `sha256:…`, with or without quotes.
pub(super) fn bare_tag(tag: &str) -> String {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.trim_matches('"').to_owned()
}

/// An answer from the server.
pub(super) struct Reply {
    pub(super) status: u16,
    /// The `ETag`, without quotes.
    pub(super) etag: Option<String>,
    /// `Jimu-Version`.
    pub(super) version: Option<i64>,
    pub(super) location: Option<String>,
    pub(super) content_type: String,
    pub(super) body: Vec<u8>,
}

impl Reply {
    pub(super) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(super) fn problem(&self) -> Option<ProblemDetails> {
        self.content_type
            .contains("json")
            .then(|| serde_json::from_slice(&self.body).ok())
            .flatten()
    }
}

/// A request's method, with the body it sends.
pub(super) enum Method<'a> {
    Get,
    Head,
    /// A bundle (`Content-Type: application/json`).
    Put(&'a str),
    Post,
}

/// What a request sends besides its path.
#[derive(Clone)]
pub(super) enum Precondition {
    None,
    /// `If-Match: "<tag>"`: the version the change was made on.
    Match(String),
    /// `If-None-Match: *`: create.
    Absent,
    /// `If-None-Match: "<tag>"`: a read that needs no body when the tag is current.
    Changed(String),
}

/// A client of one sync server.
pub(super) struct Client {
    agent: ureq::Agent,
    /// The base URL, without a trailing `/`.
    pub(super) server: String,
    pub(super) token: Option<String>,
    pub(super) lang: Lang,
}

impl Client {
    pub(super) fn new(args: &ServerArgs) -> anyhow::Result<Self> {
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

    pub(super) fn say(&self, zh: String, en: String) -> String {
        say(self.lang, zh, en)
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}/api/{path}", self.server)
    }

    pub(super) fn get(&self, path: &str, pre: Precondition) -> Res<Reply> {
        self.send(Method::Get, path, &[], pre)
    }

    /// Sends one request; an answer of any status is a `Reply`, only a request that got no
    /// answer is a failure.
    pub(super) fn send(
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
    pub(super) fn refused(&self, reply: &Reply, file: &str) -> Fail {
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
    pub(super) fn history_page(
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
    pub(super) fn history(&self, name: &str) -> Res<Option<History>> {
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
    pub(super) fn current_tag(&self, name: &str) -> Res<Option<String>> {
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

    pub(super) fn garbled(&self, why: &dyn std::fmt::Display) -> Fail {
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
    pub(super) fn stored(&self, reply: &Reply) -> Res<VersionInfo> {
        serde_json::from_slice(&reply.body).map_err(|err| self.garbled(&err))
    }

    /// "version 7 (sha256:…), published by alice at …: "message"" — the newest version, best
    /// effort (for conflict messages).
    pub(super) fn describe_newest(&self, name: &str) -> Option<(VersionInfo, String, String)> {
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
