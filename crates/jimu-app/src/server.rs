//! The configurator's side of the sync server's API (`/api`), without a browser: the requests
//! it sends (URL, headers, body), how it reads the answers, and what it tells the person.
//!
//! The browser only carries a [`Call`] and hands back a [`Reply`] (see `crate::http`), so
//! everything here is plain data in, plain data out, and unit-tested natively.

use crate::i18n::{Key, Locale};
use jimu_core::Problem;
use jimu_core::limits::valid_bundle_name;
use jimu_wire::{BundleList, ProblemDetails};
/// A version as the server lists it (`GET /api/bundles`, a history, a publish's answer), and a
/// bundle's versions, newest first: the API's own types.
pub use jimu_wire::{History, VersionInfo};
use serde_json::Value;

/// Where the API lives: `jimu serve` serves the configurator at `/` next to `/api`.
pub const API: &str = "/api";

/// The `localStorage` key the token is kept under (never in the URL).
pub const TOKEN_KEY: &str = "jimu.token";

/// The server version the editor's text was opened from or last published as: what a publish
/// says it changed (`If-Match`), so it never overwrites someone else's publish unseen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    pub name: String,
    pub version: i64,
    /// The quoted ETag, exactly as the server sent it.
    pub etag: String,
    /// The text of that version, to tell whether the editor holds changes.
    pub text: String,
}

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

/// What the server answered (a request that got no answer never becomes a `Reply`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    /// The `Jimu-Version` header.
    pub version: Option<i64>,
    pub body: String,
}

/// Why a request did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer: the server is down or unreachable.
    Network,
    /// 401: no token, or an unknown, revoked or malformed one.
    Unauthorized,
    /// 403: the token's role is too low.
    Forbidden,
    /// 404.
    NotFound,
    /// 409: the bundle is archived.
    Archived,
    /// 412: the bundle moved on since the version the change was made on.
    Conflict,
    /// 422: the server found problems in the bundle (every one, with its path).
    Invalid(Vec<Problem>),
    /// Anything else: the status and the problem's `detail` (or `title`).
    Unexpected { status: u16, detail: String },
}

/// What a publish sends as its precondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-None-Match: *`: a new bundle.
    Create,
    /// `If-Match: <etag>` of the version the change was made on.
    Update { version: i64, etag: String },
}

impl Precondition {
    pub fn header(&self) -> (&'static str, String) {
        match self {
            Self::Create => ("If-None-Match", "*".to_owned()),
            Self::Update { etag, .. } => ("If-Match", etag.clone()),
        }
    }
}

/// Why a publish was not even sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    NoToken,
    BadName(String),
    Empty,
    /// The bundle has this many errors (found in the browser by jimu-core).
    Errors(usize),
}

/// Which server action an outcome is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Publish,
    Rollback,
    Open,
}

/// The last server action's outcome, shown under the publish button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    NotSent(NotSent),
    Published {
        name: String,
        version: i64,
        created: bool,
        warnings: usize,
    },
    /// 412: nothing was stored. `since` is the version the change was made on (`None` when
    /// creating), `theirs` the server's newest version when it could be read.
    Conflict {
        action: Action,
        name: String,
        since: Option<i64>,
        theirs: Option<VersionInfo>,
    },
    RolledBack {
        name: String,
        to: i64,
        version: i64,
    },
    Failed {
        action: Action,
        name: String,
        failure: Failure,
    },
}

impl Outcome {
    /// The `data-kind` attribute of the outcome box (what tests and styles key on).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotSent(_) => "not-sent",
            Self::Published { .. } => "published",
            Self::Conflict { .. } => "conflict",
            Self::RolledBack { .. } => "rolled-back",
            Self::Failed { failure, .. } => failure.kind(),
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Self::Published { .. } | Self::RolledBack { .. })
    }

    /// The bold first words: what happened.
    pub fn title(&self, locale: Locale) -> &'static str {
        let key = match self {
            Self::Published { .. } => Key::OutcomePublished,
            Self::RolledBack { .. } => Key::OutcomeRolledBack,
            Self::NotSent(_) => Key::OutcomeNotPublished,
            Self::Conflict { action, .. } | Self::Failed { action, .. } => match action {
                Action::Publish => Key::OutcomeNotPublished,
                Action::Rollback => Key::OutcomeNotRolledBack,
                Action::Open => Key::OutcomeNotOpened,
            },
        };
        locale.text(key)
    }

    /// The sentence after the title. `time` writes an instant (ms since the epoch) for people.
    pub fn detail(&self, locale: Locale, time: &dyn Fn(i64) -> String) -> String {
        match self {
            Self::NotSent(NotSent::NoToken) => locale.text(Key::NotSentNoToken).to_owned(),
            Self::NotSent(NotSent::BadName(name)) => {
                locale.fill(Key::NotSentBadName, &[("name", name)])
            }
            Self::NotSent(NotSent::Empty) => locale.text(Key::NotSentEmpty).to_owned(),
            Self::NotSent(NotSent::Errors(count)) => {
                locale.fill(Key::NotSentErrors, &[("count", &count.to_string())])
            }
            Self::Published {
                name,
                version,
                created,
                warnings,
            } => {
                let key = if *created {
                    Key::PublishedNew
                } else {
                    Key::PublishedNext
                };
                let mut text =
                    locale.fill(key, &[("name", name), ("version", &version.to_string())]);
                if *warnings > 0 {
                    // Chinese sentences follow each other without a space.
                    if locale == Locale::En {
                        text.push(' ');
                    }
                    text.push_str(
                        &locale.fill(Key::PublishedWarnings, &[("count", &warnings.to_string())]),
                    );
                }
                text
            }
            Self::RolledBack { name, to, version } => locale.fill(
                Key::RolledBackAs,
                &[
                    ("name", name),
                    ("to", &to.to_string()),
                    ("version", &version.to_string()),
                ],
            ),
            Self::Conflict {
                action,
                name,
                since,
                theirs,
            } => conflict_text(locale, *action, name, *since, theirs.as_ref(), time),
            Self::Failed { name, failure, .. } => failure.text(locale, name),
        }
    }
}

fn conflict_text(
    locale: Locale,
    action: Action,
    name: &str,
    since: Option<i64>,
    theirs: Option<&VersionInfo>,
    time: &dyn Fn(i64) -> String,
) -> String {
    let theirs_args = |v: &VersionInfo| {
        [
            ("author", v.author.clone()),
            ("theirs", v.version.to_string()),
            ("time", time(v.created_at_ms)),
        ]
    };
    let mut args: Vec<(&str, String)> = vec![("name", name.to_owned())];
    let key = match (action, since, theirs) {
        (Action::Rollback, _, _) => Key::ConflictRollback,
        (_, None, Some(v)) => {
            args.extend(theirs_args(v));
            Key::ConflictCreate
        }
        (_, None, None) => Key::ConflictCreateUnknown,
        (_, Some(since), Some(v)) => {
            args.extend(theirs_args(v));
            args.push(("since", since.to_string()));
            Key::ConflictUpdate
        }
        (_, Some(since), None) => {
            args.push(("since", since.to_string()));
            Key::ConflictUpdateUnknown
        }
    };
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    locale.fill(key, &args)
}

impl Failure {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::Archived => "archived",
            Self::Conflict => "conflict",
            Self::Invalid(_) => "invalid",
            Self::Unexpected { .. } => "unexpected",
        }
    }

    /// What went wrong, for people (`name` is the bundle the request was about).
    pub fn text(&self, locale: Locale, name: &str) -> String {
        match self {
            Self::Network => locale.text(Key::FailureNetwork).to_owned(),
            Self::Unauthorized => locale.text(Key::FailureUnauthorized).to_owned(),
            Self::Forbidden => locale.text(Key::FailureForbidden).to_owned(),
            Self::NotFound => locale.fill(Key::FailureNotFound, &[("name", name)]),
            Self::Archived => locale.fill(Key::FailureArchived, &[("name", name)]),
            Self::Conflict => locale.fill(Key::ConflictGeneric, &[("name", name)]),
            Self::Invalid(problems) => locale.fill(
                Key::FailureInvalid,
                &[("count", &problems.len().to_string())],
            ),
            Self::Unexpected { status, detail } => locale.fill(
                Key::FailureUnexpected,
                &[("status", &status.to_string()), ("detail", detail)],
            ),
        }
    }
}

/// Percent-encodes a query or path component (everything but `A-Z a-z 0-9 - _ . ~`).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A hash as an entity tag: `sha256:…` → `"sha256:…"` (a tag already quoted is kept).
pub fn quote_etag(hash: &str) -> String {
    if hash.starts_with('"') {
        hash.to_owned()
    } else {
        format!("\"{hash}\"")
    }
}

/// A short form of an ETag for people: `sha256:1a2b3c4d…`.
pub fn short_etag(etag: &str) -> String {
    let bare = etag.trim_matches('"');
    let (algo, hex) = bare.split_once(':').unwrap_or(("", bare));
    let short: String = hex.chars().take(8).collect();
    let more = if hex.chars().count() > 8 { "…" } else { "" };
    if algo.is_empty() {
        format!("{short}{more}")
    } else {
        format!("{algo}:{short}{more}")
    }
}

fn auth(token: &str) -> Vec<(&'static str, String)> {
    let token = token.trim();
    if token.is_empty() {
        Vec::new()
    } else {
        vec![("Authorization", format!("Bearer {token}"))]
    }
}

fn get(url: String, token: &str) -> Call {
    Call {
        method: "GET",
        url,
        headers: auth(token),
        body: None,
    }
}

/// `GET /api/bundles`: every bundle's newest version.
pub fn list_call(token: &str) -> Call {
    get(format!("{API}/bundles"), token)
}

/// `GET /api/bundles/{name}`: the newest content, its ETag and version.
pub fn open_call(name: &str, token: &str) -> Call {
    get(format!("{API}/bundles/{}", encode_component(name)), token)
}

/// `GET /api/bundles/{name}/versions`: the history, newest first.
pub fn history_call(name: &str, token: &str) -> Call {
    get(
        format!("{API}/bundles/{}/versions", encode_component(name)),
        token,
    )
}

/// `GET /api/bundles/{name}/versions/{n}`: version `n`'s content, its ETag and version.
pub fn version_call(name: &str, version: i64, token: &str) -> Call {
    get(
        format!(
            "{API}/bundles/{}/versions/{version}",
            encode_component(name)
        ),
        token,
    )
}

/// `PUT /api/bundles/{name}[?message=…]` with the bundle text as JSON, the token and the
/// precondition.
pub fn publish_call(
    name: &str,
    message: &str,
    token: &str,
    precondition: &Precondition,
    text: &str,
) -> Call {
    let mut url = format!("{API}/bundles/{}", encode_component(name));
    let message = message.trim();
    if !message.is_empty() {
        url.push_str("?message=");
        url.push_str(&encode_component(message));
    }
    let mut headers = auth(token);
    headers.push(("Content-Type", "application/json".to_owned()));
    headers.push(precondition.header());
    Call {
        method: "PUT",
        url,
        headers,
        body: Some(text.to_owned()),
    }
}

/// `POST /api/bundles/{name}/rollback?to=N` with `If-Match` of the current version.
pub fn rollback_call(name: &str, to: i64, current_etag: &str, token: &str) -> Call {
    let mut headers = auth(token);
    headers.push(("If-Match", quote_etag(current_etag)));
    Call {
        method: "POST",
        url: format!("{API}/bundles/{}/rollback?to={to}", encode_component(name)),
        headers,
        body: None,
    }
}

/// How a publish states what it changed: over the base when the base is this bundle, else as a
/// new bundle.
pub fn precondition(name: &str, base: Option<&Base>) -> Precondition {
    match base {
        Some(base) if base.name == name => Precondition::Update {
            version: base.version,
            etag: base.etag.clone(),
        },
        _ => Precondition::Create,
    }
}

/// Whether the draft holds changes that are not in the server version it is based on: the
/// documents differ as JSON (the server keeps the bytes it was sent; the draft is a document,
/// so formatting alone is no change).
pub fn has_unpublished(doc: &Value, base: Option<&Base>) -> bool {
    base.is_none_or(|base| {
        serde_json::from_str::<Value>(&base.text).map_or(true, |published| published != *doc)
    })
}

/// Checks a publish before sending it: a token, the bundle's own name, and no errors in the
/// bundle (warnings are allowed). `problems` is the last check of the draft (`None`: not checked
/// yet). `Ok` holds the number of warnings.
pub fn check_publish(
    token: &str,
    name: Option<&str>,
    problems: Option<&[Problem]>,
) -> Result<usize, NotSent> {
    if token.trim().is_empty() {
        return Err(NotSent::NoToken);
    }
    let name = name.unwrap_or_default();
    if !valid_bundle_name(name) {
        return Err(NotSent::BadName(name.to_owned()));
    }
    let problems = problems.ok_or(NotSent::Empty)?;
    match problems.iter().filter(|p| p.is_error()).count() {
        0 => Ok(problems.len()),
        errors => Err(NotSent::Errors(errors)),
    }
}

fn is_ok(reply: &Reply) -> bool {
    (200..300).contains(&reply.status)
}

/// Why a reply is not what was asked for.
pub fn failure(reply: &Reply) -> Failure {
    let problem: Option<ProblemDetails> = serde_json::from_str(&reply.body).ok();
    let said = |pick: fn(&ProblemDetails) -> &String| {
        problem
            .as_ref()
            .map(pick)
            .filter(|text| !text.is_empty())
            .cloned()
    };
    match reply.status {
        401 => Failure::Unauthorized,
        403 => Failure::Forbidden,
        404 => Failure::NotFound,
        409 => Failure::Archived,
        412 => Failure::Conflict,
        422 => {
            // Every problem as jimu-core's, to show like the browser's own; a code this build
            // does not know (a newer server's) leaves the server's detail to say it.
            let problems: Vec<Problem> = problem
                .as_ref()
                .and_then(|p| p.problems.as_ref())
                .and_then(|all| all.iter().map(jimu_wire::ProblemItem::to_core).collect())
                .unwrap_or_default();
            if problems.is_empty() {
                Failure::Unexpected {
                    status: 422,
                    detail: said(|p| &p.detail).unwrap_or_default(),
                }
            } else {
                Failure::Invalid(problems)
            }
        }
        status => Failure::Unexpected {
            status,
            detail: said(|p| &p.detail)
                .or_else(|| said(|p| &p.title))
                .unwrap_or_else(|| reply.body.chars().take(200).collect()),
        },
    }
}

fn unreadable(reply: &Reply) -> Failure {
    Failure::Unexpected {
        status: reply.status,
        detail: reply.body.chars().take(200).collect(),
    }
}

/// The answer to [`list_call`].
pub fn read_list(reply: &Reply) -> Result<Vec<VersionInfo>, Failure> {
    if !is_ok(reply) {
        return Err(failure(reply));
    }
    let list: BundleList = serde_json::from_str(&reply.body).map_err(|_| unreadable(reply))?;
    Ok(list
        .bundles
        .into_iter()
        .map(|listed| listed.latest)
        .collect())
}

/// The answer to [`history_call`].
pub fn read_history(reply: &Reply) -> Result<History, Failure> {
    if !is_ok(reply) {
        return Err(failure(reply));
    }
    serde_json::from_str(&reply.body).map_err(|_| unreadable(reply))
}

/// The answer to [`open_call`]: the content becomes the editor's base.
pub fn read_content(reply: &Reply, name: &str) -> Result<Base, Failure> {
    if !is_ok(reply) {
        return Err(failure(reply));
    }
    match (&reply.etag, reply.version) {
        (Some(etag), Some(version)) => Ok(Base {
            name: name.to_owned(),
            version,
            etag: quote_etag(etag),
            text: reply.body.clone(),
        }),
        _ => Err(unreadable(reply)),
    }
}

/// The answer to [`publish_call`] or [`rollback_call`]: the version stored and its ETag.
pub fn read_published(reply: &Reply) -> Result<(VersionInfo, String), Failure> {
    if !is_ok(reply) {
        return Err(failure(reply));
    }
    let stored: VersionInfo = serde_json::from_str(&reply.body).map_err(|_| unreadable(reply))?;
    let etag = reply
        .etag
        .as_deref()
        .map_or_else(|| stored.etag(), quote_etag);
    Ok((stored, etag))
}

/// An instant for people, in the browser's time zone: `2026-05-03 14:07`. `offset_minutes` is
/// JavaScript's `getTimezoneOffset()` at that instant (UTC minus local time, so −480 in Beijing).
pub fn format_time(ms: i64, offset_minutes: i32) -> String {
    let local_minutes = ms.div_euclid(60_000) - i64::from(offset_minutes);
    let days = local_minutes.div_euclid(1440);
    let minute_of_day = local_minutes.rem_euclid(1440);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems of checking a bundle text: errors, or the warnings of one that loads.
    fn checked(text: &str) -> Vec<Problem> {
        jimu_core::validate_bundle(text)
    }

    const EXAMPLE_BUNDLE: &str = r#"{"schema_version": 2, "name": "shop", "currency": "CNY",
        "catalog": [{"id": "a", "name": "A", "kind": "service", "price": "1.00"}]}"#;
    use serde_json::{Value, json};

    fn reply(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            ..Reply::default()
        }
    }

    fn base(name: &str, version: i64) -> Base {
        Base {
            name: name.to_owned(),
            version,
            etag: "\"sha256:ab\"".to_owned(),
            text: "{}".to_owned(),
        }
    }

    #[test]
    fn names_follow_the_servers_rule() {
        for good in ["a", "home-services", "shop_2", "9lives", &"x".repeat(64)] {
            assert!(valid_bundle_name(good), "{good}");
        }
        for bad in [
            "",
            "-a",
            "_a",
            "Home",
            "a b",
            "a/b",
            "店铺",
            &"x".repeat(65),
        ] {
            assert!(!valid_bundle_name(bad), "{bad}");
        }
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("abc-_.~9"), "abc-_.~9");
        assert_eq!(
            encode_component("a b&c=d?#/+%"),
            "a%20b%26c%3Dd%3F%23%2F%2B%25"
        );
        assert_eq!(encode_component("涨价"), "%E6%B6%A8%E4%BB%B7");
    }

    #[test]
    fn a_publish_sends_json_the_token_and_its_precondition() {
        let call = publish_call(
            "shop",
            " raise 10% ",
            " jimu_t ",
            &Precondition::Create,
            "{}",
        );
        assert_eq!(call.method, "PUT");
        assert_eq!(call.url, "/api/bundles/shop?message=raise%2010%25");
        assert_eq!(
            call.headers,
            [
                ("Authorization", "Bearer jimu_t".to_owned()),
                ("Content-Type", "application/json".to_owned()),
                ("If-None-Match", "*".to_owned()),
            ]
        );
        assert_eq!(call.body.as_deref(), Some("{}"));

        let update = precondition("shop", Some(&base("shop", 2)));
        assert_eq!(
            update,
            Precondition::Update {
                version: 2,
                etag: "\"sha256:ab\"".to_owned()
            }
        );
        let call = publish_call("shop", "", "jimu_t", &update, "{}");
        assert_eq!(call.url, "/api/bundles/shop");
        assert_eq!(call.headers[2], ("If-Match", "\"sha256:ab\"".to_owned()));
        // A base of another bundle does not make a publish an update of this one.
        assert_eq!(
            precondition("other", Some(&base("shop", 2))),
            Precondition::Create
        );
        assert_eq!(precondition("shop", None), Precondition::Create);
    }

    #[test]
    fn reads_send_the_token_only_when_there_is_one() {
        assert_eq!(list_call("").headers, []);
        assert_eq!(list_call("").url, "/api/bundles");
        assert_eq!(
            history_call("shop", "t").headers,
            [("Authorization", "Bearer t".to_owned())]
        );
        assert_eq!(history_call("shop", "t").url, "/api/bundles/shop/versions");
        assert_eq!(open_call("shop", "t").url, "/api/bundles/shop");
        let rollback = rollback_call("shop", 1, "sha256:cd", "t");
        assert_eq!(rollback.method, "POST");
        assert_eq!(rollback.url, "/api/bundles/shop/rollback?to=1");
        assert_eq!(
            rollback.headers[1],
            ("If-Match", "\"sha256:cd\"".to_owned())
        );
    }

    #[test]
    fn a_publish_with_errors_or_without_token_or_name_is_not_sent() {
        let valid = checked(EXAMPLE_BUNDLE);
        assert_eq!(check_publish("t", Some("shop"), Some(&valid)), Ok(0));
        assert_eq!(
            check_publish(" ", Some("shop"), Some(&valid)),
            Err(NotSent::NoToken)
        );
        assert_eq!(
            check_publish("t", Some("Shop"), Some(&valid)),
            Err(NotSent::BadName("Shop".to_owned()))
        );
        assert_eq!(
            check_publish("t", None, Some(&valid)),
            Err(NotSent::BadName(String::new()))
        );
        assert_eq!(check_publish("t", Some("shop"), None), Err(NotSent::Empty));
        let invalid = checked(
            r#"{"schema_version":1,"currency":"RMB","catalog":[{"id":"a","name":"A","kind":"service","price":"-1"}]}"#,
        );
        assert_eq!(
            check_publish("t", Some("shop"), Some(&invalid)),
            Err(NotSent::Errors(2))
        );
    }

    #[test]
    fn warnings_do_not_stop_a_publish() {
        let with_warning = checked(
            r#"{"schema_version": 2, "currency": "CNY",
            "catalog": [{"id": "a", "name": "A", "kind": "service", "price": "1.00"}],
            "pricing": {"groups": [{"id": "g", "name": "空", "stacking": "first_match",
            "applies_to": {"scope": "ticket"}}]}}"#,
        );
        assert_eq!(check_publish("t", Some("shop"), Some(&with_warning)), Ok(1));
    }

    #[test]
    fn unpublished_changes_are_what_differs_from_the_base_as_json() {
        let mut b = base("shop", 1);
        b.text = "{\n  \"a\": 1,\n  \"b\": [2]\n}".to_owned();
        assert!(
            has_unpublished(&json!({"a": 1}), None),
            "nothing published yet"
        );
        assert!(
            !has_unpublished(&json!({"a": 1, "b": [2]}), Some(&b)),
            "formatting is no change"
        );
        assert!(
            !has_unpublished(&json!({"b": [2], "a": 1}), Some(&b)),
            "nor is the order of members"
        );
        assert!(has_unpublished(&json!({"a": 2, "b": [2]}), Some(&b)));
        b.text = "not json".to_owned();
        assert!(has_unpublished(&json!({}), Some(&b)));
    }

    #[test]
    fn replies_become_failures_by_status() {
        let problem = |status: u16| {
            reply(
                status,
                json!({"type": "about:blank", "title": "t", "status": status, "detail": "d"}),
            )
        };
        assert_eq!(failure(&problem(401)), Failure::Unauthorized);
        assert_eq!(failure(&problem(403)), Failure::Forbidden);
        assert_eq!(failure(&problem(404)), Failure::NotFound);
        assert_eq!(failure(&problem(409)), Failure::Archived);
        assert_eq!(failure(&problem(412)), Failure::Conflict);
        assert_eq!(
            failure(&problem(500)),
            Failure::Unexpected {
                status: 500,
                detail: "d".to_owned()
            }
        );
        assert_eq!(
            failure(&Reply {
                status: 502,
                body: "Bad Gateway".to_owned(),
                ..Reply::default()
            }),
            Failure::Unexpected {
                status: 502,
                detail: "Bad Gateway".to_owned()
            }
        );
        // A 422 carries every problem, as jimu-core reports them: a name that is not the one
        // published under among them.
        let problems = jimu_core::validate_publish(
            r#"{"schema_version":1,"name":"double-11","currency":"RMB"}"#,
            "home-services",
        );
        assert!(problems.len() > 1, "{problems:?}");
        assert_eq!(problems[0].code.as_str(), "name-mismatch");
        let invalid = reply(
            422,
            json!({"type": "about:blank", "title": "invalid bundle", "status": 422, "detail": "d",
                   "problems": problems}),
        );
        assert_eq!(failure(&invalid), Failure::Invalid(problems));
        // A problem this build cannot read (a newer server's code): the server's detail.
        let newer = reply(
            422,
            json!({"title": "invalid bundle", "status": 422, "detail": "1 problem",
                   "problems": [{"code": "from-the-future", "severity": "error", "path": "",
                                 "message": {"zh-CN": "新", "en": "new"}}]}),
        );
        assert_eq!(
            failure(&newer),
            Failure::Unexpected {
                status: 422,
                detail: "1 problem".to_owned()
            }
        );
        // No detail: the title, then the body itself.
        assert_eq!(
            failure(&reply(
                500,
                json!({"title": "internal error", "status": 500})
            )),
            Failure::Unexpected {
                status: 500,
                detail: "internal error".to_owned()
            }
        );
    }

    #[test]
    fn lists_histories_and_publishes_are_read() {
        let v = |version: i64| {
            json!({"name": "shop", "version": version, "hash": format!("sha256:{version}"),
                   "created_at_ms": 1_700_000_000_000_i64, "author": "alice", "message": "m"})
        };
        let listed = |version: i64| {
            let mut entry = v(version);
            entry["archived"] = json!(false);
            entry
        };
        let list = read_list(&reply(200, json!({"bundles": [listed(3)]}))).expect("a list");
        assert_eq!(list[0].version, 3);
        assert_eq!(list[0].author, "alice");
        assert_eq!(list[0].etag(), "\"sha256:3\"");
        assert_eq!(
            read_list(&reply(401, json!({}))),
            Err(Failure::Unauthorized)
        );
        assert!(matches!(
            read_list(&reply(200, json!({"nope": []}))),
            Err(Failure::Unexpected { status: 200, .. })
        ));
        // An entry without its hash is not a version the editor could publish over.
        let mut hashless = listed(4);
        hashless.as_object_mut().unwrap().remove("hash");
        assert!(matches!(
            read_list(&reply(200, json!({"bundles": [hashless]}))),
            Err(Failure::Unexpected { status: 200, .. })
        ));

        let history = read_history(&reply(
            200,
            json!({"name": "shop", "archived": false, "versions": [v(2), v(1)]}),
        ))
        .expect("a history");
        assert_eq!(history.versions.len(), 2);
        assert_eq!(history.versions[1].version, 1);

        let mut published = reply(201, v(1));
        let (stored, etag) = read_published(&published).expect("published");
        assert_eq!((stored.version, etag.as_str()), (1, "\"sha256:1\""));
        published.etag = Some("\"sha256:x\"".to_owned());
        assert_eq!(
            read_published(&published).expect("published").1,
            "\"sha256:x\""
        );

        let content = Reply {
            status: 200,
            etag: Some("\"sha256:c\"".to_owned()),
            version: Some(4),
            body: "{}".to_owned(),
        };
        assert_eq!(
            read_content(&content, "shop"),
            Ok(Base {
                name: "shop".to_owned(),
                version: 4,
                etag: "\"sha256:c\"".to_owned(),
                text: "{}".to_owned()
            })
        );
        assert_eq!(
            read_content(&reply(404, json!({})), "x"),
            Err(Failure::NotFound)
        );
    }

    #[test]
    fn outcomes_speak_both_languages() {
        let time = |_: i64| "2026-05-03 14:07".to_owned();
        let theirs = VersionInfo {
            name: "shop".to_owned(),
            version: 3,
            hash: "sha256:3".to_owned(),
            created_at_ms: 0,
            author: "bob".to_owned(),
            message: String::new(),
        };
        let conflict = Outcome::Conflict {
            action: Action::Publish,
            name: "shop".to_owned(),
            since: Some(2),
            theirs: Some(theirs.clone()),
        };
        assert_eq!(conflict.kind(), "conflict");
        assert_eq!(conflict.title(Locale::En), "Not published");
        let en = conflict.detail(Locale::En, &time);
        assert!(
            en.contains("bob published version 3 of shop at 2026-05-03 14:07"),
            "{en}"
        );
        assert!(en.contains("version 2"), "{en}");
        let zh = conflict.detail(Locale::ZhCn, &time);
        assert!(
            zh.contains("bob") && zh.contains('3') && zh.contains('2'),
            "{zh}"
        );

        let published = Outcome::Published {
            name: "shop".to_owned(),
            version: 2,
            created: false,
            warnings: 1,
        };
        assert!(published.is_success());
        let en = published.detail(Locale::En, &time);
        assert!(en.starts_with("shop was published as version 2."), "{en}");
        assert!(en.contains("1 warning"), "{en}");

        let failed = Outcome::Failed {
            action: Action::Publish,
            name: "shop".to_owned(),
            failure: Failure::Unauthorized,
        };
        assert_eq!(failed.kind(), "unauthorized");
        assert!(failed.detail(Locale::En, &time).contains("token"));
        // Every text is filled: no placeholder is left over.
        for outcome in [
            conflict,
            published,
            failed,
            Outcome::Conflict {
                action: Action::Publish,
                name: "shop".to_owned(),
                since: None,
                theirs: Some(theirs),
            },
            Outcome::RolledBack {
                name: "shop".to_owned(),
                to: 1,
                version: 3,
            },
            Outcome::NotSent(NotSent::Errors(2)),
            Outcome::Failed {
                action: Action::Rollback,
                name: "shop".to_owned(),
                failure: Failure::Unexpected {
                    status: 500,
                    detail: "d".to_owned(),
                },
            },
        ] {
            for locale in [Locale::ZhCn, Locale::En] {
                let text = outcome.detail(locale, &time);
                assert!(!text.contains('{'), "{outcome:?}: {text}");
            }
        }
    }

    #[test]
    fn etags_are_quoted_once_and_shortened_for_people() {
        assert_eq!(quote_etag("sha256:ab"), "\"sha256:ab\"");
        assert_eq!(quote_etag("\"sha256:ab\""), "\"sha256:ab\"");
        assert_eq!(
            short_etag("\"sha256:0123456789abcdef\""),
            "sha256:01234567…"
        );
        assert_eq!(short_etag("\"abc\""), "abc");
    }

    #[test]
    fn times_are_written_in_the_browsers_zone() {
        // 2023-11-14T22:13:20Z
        assert_eq!(format_time(1_700_000_000_000, 0), "2023-11-14 22:13");
        // Beijing (UTC+8): getTimezoneOffset() is −480.
        assert_eq!(format_time(1_700_000_000_000, -480), "2023-11-15 06:13");
        assert_eq!(format_time(0, 60), "1969-12-31 23:00");
        assert_eq!(format_time(951_782_400_000, 0), "2000-02-29 00:00");
    }
}
