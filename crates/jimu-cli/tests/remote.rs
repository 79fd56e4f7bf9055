//! `jimu push`, `pull`, `history` and `rollback` against a real `jimu serve` process: exit
//! codes, messages, the files they write; and the store keeping every acknowledged publish
//! when that process is killed (SIGKILL) in the middle of a stream of publishes.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{Place, Server};

/// A bundle whose bytes are not what a serializer would write (spacing, a tab, Chinese text,
/// `1.50`, no final newline), so "the exact bytes" means something; named `name` (or not named);
/// with an editor-only section (node positions, a sample, a key no engine knows), which travels
/// untouched.
fn bundle_with(name: Option<&str>, price: &str) -> String {
    let name = name.map_or_else(String::new, |name| format!("\"name\": \"{name}\","));
    format!(
        "{{\n  \"schema_version\": 1 ,{name}\"currency\":\"CNY\",\n\t\"catalog\":[{{\"id\":\"ac-clean\",\
         \"name\":{{\"zh-CN\":\"空调清洗\",\"en\":\"AC cleaning\"}},\"kind\":\"service\",\
         \"price\":\"{price}\"}}],\n  \"editor\": {{\"layout\": {{\"f\": {{\"nodes\": \
         {{\"s\": {{\"x\": 1.50, \"y\": 2}}}}}}}}, \"samples\": {{\"quotes\": [{{\"name\": \"两台\", \
         \"request\": {{\"lines\": [{{\"item\": \"ac-clean\", \"quantity\": \"2\"}}]}}}}]}}, \
         \"next\": null}}}}   "
    )
}

/// The bundle `home` at this price.
fn bundle(price: &str) -> String {
    bundle_with(Some("home"), price)
}

fn hash(content: &str) -> String {
    jimu_server::content_hash(content)
}

/// What one `jimu` run did.
#[derive(Debug)]
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    raw: Vec<u8>,
}

/// Runs `jimu` in `dir` against `server` with `token` (none when empty), in English unless
/// the arguments say otherwise.
fn jimu(dir: &Path, server: &str, token: &str, args: &[&str]) -> Ran {
    let mut command = support::jimu();
    command
        .args(args)
        .current_dir(dir)
        .env("JIMU_SERVER", server);
    if !token.is_empty() {
        command.env("JIMU_TOKEN", token);
    }
    let out = command.output().unwrap();
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw: out.stdout,
    }
}

/// A plain HTTP client for what the CLI has no command for, and for the durability test.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn get_json(server: &str, token: &str, path: &str) -> (u16, serde_json::Value) {
    let mut reply = agent()
        .get(format!("{server}/api/{path}"))
        .header("authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    let status = reply.status().as_u16();
    let text = reply.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or_default())
}

fn history(server: &str, token: &str, name: &str) -> Vec<serde_json::Value> {
    let (status, body) = get_json(server, token, &format!("bundles/{name}/versions"));
    assert_eq!(status, 200, "{body}");
    body["versions"].as_array().unwrap().clone()
}

fn base(file: &Path) -> serde_json::Value {
    let mut path = file.as_os_str().to_owned();
    path.push(".jimu-base");
    serde_json::from_str(&std::fs::read_to_string(PathBuf::from(path)).unwrap()).unwrap()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn push_pull_history_and_rollback_round_trip_the_exact_bytes() {
    let place = Place::sqlite();
    let dir = &place.dir;
    let alice = place.token("publisher", "alice");
    let reader = place.token("reader", "deploy");
    let server = Server::start(&place, &[], Some("warn"));
    let url = server.url.as_str();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let file = work.join("home.json");
    let v1 = bundle("120.00");
    std::fs::write(&file, &v1).unwrap();

    // Safe by default: a file with no known base is not published.
    let ran = jimu(&work, url, &alice, &["push", "home.json"]);
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(
        ran.stderr.contains("There is no home.json.jimu-base")
            && ran
                .stderr
                .contains("--expect VERSION|ETAG (`jimu history home` lists them)")
            && ran.stderr.contains("--create"),
        "{ran:?}"
    );
    let ran = jimu(&work, url, &reader, &["history", "home"]);
    assert_eq!(ran.code, Some(6), "nothing was stored: {ran:?}");

    let ran = jimu(
        &work,
        url,
        &alice,
        &["push", "home.json", "--create", "-m", "first"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("created home version 1"), "{ran:?}");
    let recorded = base(&file);
    assert_eq!(recorded["version"], 1);
    assert_eq!(recorded["etag"], hash(&v1));
    assert_eq!(recorded["name"], "home");

    // An edit goes out as the next version, from the recorded base.
    let v2 = bundle("130.00");
    std::fs::write(&file, &v2).unwrap();
    let ran = jimu(
        &work,
        url,
        &alice,
        &["push", "home.json", "--message", "raise the price"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("published home version 2"), "{ran:?}");
    assert_eq!(base(&file)["version"], 2);
    // Nothing changed since: nothing is sent.
    let ran = jimu(&work, url, &alice, &["push", "home.json"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("nothing to push"), "{ran:?}");
    assert_eq!(history(url, &reader, "home").len(), 2);

    // Pull: the exact bytes, the newest or a given version, or to stdout.
    let ran = jimu(&work, url, &reader, &["pull", "home", "-o", "copy.json"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("pulled home version 2"), "{ran:?}");
    assert_eq!(
        std::fs::read(work.join("copy.json")).unwrap(),
        v2.as_bytes()
    );
    assert_eq!(base(&work.join("copy.json"))["etag"], hash(&v2));
    let ran = jimu(
        &work,
        url,
        &reader,
        &["pull", "home", "--version", "1", "-o", "v1.json"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(std::fs::read(work.join("v1.json")).unwrap(), v1.as_bytes());
    assert_eq!(base(&work.join("v1.json"))["version"], 1);
    let ran = jimu(&work, url, &reader, &["pull", "home", "-o", "-"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.raw, v2.as_bytes());
    // By default into NAME.json.
    let ran = jimu(&work, url, &reader, &["pull", "home"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(std::fs::read(&file).unwrap(), v2.as_bytes());

    // History: authors are the tokens' labels, messages as given, times in UTC, short hashes.
    let ran = jimu(&work, url, &reader, &["history", "home"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{ran:?}");
    assert!(lines[0].starts_with("VERSION") && lines[0].contains("AUTHOR"));
    let columns: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(columns[0], "2");
    assert!(
        chrono::DateTime::parse_from_rfc3339(columns[1]).is_ok() && columns[1].ends_with('Z'),
        "{ran:?}"
    );
    assert_eq!(columns[2], &hash(&v2)[..19]);
    assert_eq!(columns[3], "alice");
    assert_eq!(columns[4..].join(" "), "raise the price");
    assert!(
        lines[2].starts_with('1') && lines[2].ends_with("first"),
        "{ran:?}"
    );
    let ran = jimu(
        &work,
        url,
        &reader,
        &["history", "home", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["versions"][0]["author"], "alice");
    assert_eq!(json["versions"][0]["message"], "raise the price");
    assert_eq!(json["versions"][1]["hash"], hash(&v1));
    let ran = jimu(&work, url, &reader, &["history", "home", "--lang", "zh-CN"]);
    assert!(ran.stdout.starts_with("版本"), "{ran:?}");

    // Rollback: version 1's content as version 3.
    let ran = jimu(
        &work,
        url,
        &alice,
        &["rollback", "home", "--to", "1", "-m", "back to 120"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(
        ran.stdout
            .contains("rolled home back to version 1's content: now version 3"),
        "{ran:?}"
    );
    let versions = history(url, &reader, "home");
    assert_eq!(versions[0]["version"], 3);
    assert_eq!(versions[0]["hash"], hash(&v1));
    assert_eq!(versions[0]["message"], "back to 120");
    let ran = jimu(&work, url, &reader, &["pull", "home", "-o", "-"]);
    assert_eq!(ran.raw, v1.as_bytes());
    let ran = jimu(&work, url, &alice, &["rollback", "home", "--to", "1"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("nothing to roll back"), "{ran:?}");
    let ran = jimu(&work, url, &alice, &["rollback", "home", "--to", "9"]);
    assert_eq!(ran.code, Some(6), "{ran:?}");
    assert!(ran.stderr.contains("no version 9"), "{ran:?}");
    assert_eq!(history(url, &reader, "home").len(), 3);

    // --format json: the stored version, for scripts.
    std::fs::write(work.join("v1.json"), bundle("99.00")).unwrap();
    let ran = jimu(
        &work,
        url,
        &alice,
        &[
            "push", "v1.json", "--name", "home", "--expect", "3", "--format", "json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["version"], 4);
    assert_eq!(json["hash"], hash(&bundle("99.00")));
    assert_eq!(json["author"], "alice");
}

#[test]
fn push_publishes_a_bundle_under_its_own_name_not_its_file_name() {
    let place = Place::sqlite();
    let dir = &place.dir;
    let alice = place.token("publisher", "alice");
    let server = Server::start(&place, &[], Some("warn"));
    let url = server.url.as_str();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let file = work.join("pricing-double-11.json");
    std::fs::write(&file, bundle_with(Some("double-11"), "120.00")).unwrap();
    let ran = jimu(
        &work,
        url,
        &alice,
        &["push", "pricing-double-11.json", "--create"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(
        ran.stdout.contains("created double-11 version 1"),
        "{ran:?}"
    );
    assert_eq!(history(url, &alice, "double-11").len(), 1);
    assert_eq!(base(&file)["name"], "double-11");
    let (status, _) = get_json(url, &alice, "bundles/pricing-double-11/versions");
    assert_eq!(status, 404);

    // --name other than the bundle's own: a local error naming both, before anything is
    // sent (where no server listens, still 2, never "cannot reach").
    for (server, lang, says) in [
        (url, "en", ["`double-11`", "`home-services`"]),
        (
            "http://127.0.0.1:9",
            "zh-CN",
            ["「double-11」", "「home-services」"],
        ),
    ] {
        let ran = jimu(
            &work,
            server,
            &alice,
            &[
                "push",
                "pricing-double-11.json",
                "--name",
                "home-services",
                "--force",
                "--lang",
                lang,
            ],
        );
        assert_eq!(ran.code, Some(2), "{ran:?}");
        for needed in says {
            assert!(ran.stderr.contains(needed), "{needed}: {ran:?}");
        }
    }
    let (status, _) = get_json(url, &alice, "bundles/home-services/versions");
    assert_eq!(status, 404);
    // The same name given twice is no mismatch.
    std::fs::write(&file, bundle_with(Some("double-11"), "130.00")).unwrap();
    let ran = jimu(
        &work,
        url,
        &alice,
        &["push", "pricing-double-11.json", "--name", "double-11"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(history(url, &alice, "double-11").len(), 2);

    // A bundle without a name needs --name; without it nothing is sent.
    std::fs::write(work.join("unnamed.json"), bundle_with(None, "120.00")).unwrap();
    let ran = jimu(
        &work,
        "http://127.0.0.1:9",
        &alice,
        &["push", "unnamed.json", "--create"],
    );
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(
        ran.stderr.contains("unnamed.json has no `name`") && ran.stderr.contains("--name"),
        "{ran:?}"
    );
    let ran = jimu(
        &work,
        url,
        &alice,
        &["push", "unnamed.json", "--create", "--name", "shop"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(history(url, &alice, "shop").len(), 1);
    let (status, _) = get_json(url, &alice, "bundles/unnamed/versions");
    assert_eq!(status, 404);
}

#[test]
fn a_stale_push_is_refused_and_says_who_published_and_how_to_go_on() {
    let place = Place::sqlite();
    let dir = &place.dir;
    let alice = place.token("publisher", "alice");
    let bob = place.token("publisher", "bob");
    let server = Server::start(&place, &[], Some("warn"));
    let url = server.url.as_str();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    std::fs::write(a.join("home.json"), bundle("120.00")).unwrap();
    let ran = jimu(&a, url, &alice, &["push", "home.json", "--create"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let ran = jimu(&b, url, &bob, &["pull", "home"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");

    // Both edit version 1; alice publishes first.
    std::fs::write(a.join("home.json"), bundle("130.00")).unwrap();
    let ran = jimu(
        &a,
        url,
        &alice,
        &["push", "home.json", "-m", "alice's price"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let bobs = bundle("150.00");
    std::fs::write(b.join("home.json"), &bobs).unwrap();
    let ran = jimu(&b, url, &bob, &["push", "home.json", "-m", "bob's price"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    for needed in [
        "someone else published `home`",
        "nothing was stored",
        "version 2",
        "published by alice",
        "alice's price",
        "jimu pull home -o home.theirs.json",
        "--expect 2",
    ] {
        assert!(ran.stderr.contains(needed), "{needed}: {ran:?}");
    }
    let versions = history(url, &bob, "home");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["hash"], hash(&bundle("130.00")));
    assert_eq!(std::fs::read_to_string(b.join("home.json")).unwrap(), bobs);
    assert_eq!(base(&b.join("home.json"))["version"], 1);
    let ran = jimu(&b, url, &bob, &["push", "home.json", "--lang", "zh-CN"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    assert!(
        ran.stderr.contains("有人在你取回之后发布了") && ran.stderr.contains("第 2 版"),
        "{ran:?}"
    );

    // An old tag named explicitly is just as stale; bob merges, and names version 2.
    let ran = jimu(
        &b,
        url,
        &bob,
        &["push", "home.json", "--expect", &hash(&bundle("120.00"))],
    );
    assert_eq!(ran.code, Some(3), "{ran:?}");
    let ran = jimu(
        &b,
        url,
        &bob,
        &["pull", "home", "-o", "home.theirs.json", "--version", "2"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let ran = jimu(
        &b,
        url,
        &bob,
        &["push", "home.json", "--expect", "2", "-m", "merged"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("published home version 3"), "{ran:?}");
    assert_eq!(base(&b.join("home.json"))["version"], 3);

    // --create never publishes over a bundle.
    let ran = jimu(&b, url, &bob, &["push", "home.json", "--create"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    assert!(
        ran.stderr.contains("`home` already exists") && ran.stderr.contains("version 3"),
        "{ran:?}"
    );

    // --force publishes over the newest, on purpose.
    let alices = bundle("140.00");
    std::fs::write(a.join("home.json"), &alices).unwrap();
    let ran = jimu(&a, url, &alice, &["push", "home.json"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    let ran = jimu(
        &a,
        url,
        &alice,
        &["push", "home.json", "--force", "-m", "mine"],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("published home version 4"), "{ran:?}");
    let versions = history(url, &alice, "home");
    assert_eq!(versions[0]["hash"], hash(&alices));
    assert_eq!(versions[0]["author"], "alice");
    assert_eq!(versions[1]["author"], "bob");
    assert_eq!(versions[1]["message"], "merged");
}

#[test]
fn pull_replaces_the_file_whole_and_never_overwrites_unpushed_changes() {
    use std::os::unix::fs::MetadataExt as _;
    let place = Place::sqlite();
    let dir = &place.dir;
    let alice = place.token("publisher", "alice");
    let server = Server::start(&place, &[], Some("warn"));
    let url = server.url.as_str();
    let (work, other) = (dir.path().join("work"), dir.path().join("other"));
    std::fs::create_dir(&work).unwrap();
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("home.json"), bundle("120.00")).unwrap();
    assert_eq!(
        jimu(&other, url, &alice, &["push", "home.json", "--create"]).code,
        Some(0)
    );

    let file = work.join("home.json");
    assert_eq!(jimu(&work, url, &alice, &["pull", "home"]).code, Some(0));
    let first = std::fs::metadata(&file).unwrap().ino();

    // Unchanged on the server: nothing is downloaded or rewritten (If-None-Match → 304).
    let ran = jimu(&work, url, &alice, &["pull", "home"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("up to date"), "{ran:?}");
    assert_eq!(std::fs::metadata(&file).unwrap().ino(), first);

    // A new version replaces the file by a rename (a new inode), never by writing into it.
    std::fs::write(other.join("home.json"), bundle("130.00")).unwrap();
    assert_eq!(
        jimu(&other, url, &alice, &["push", "home.json"]).code,
        Some(0)
    );
    let ran = jimu(&work, url, &alice, &["pull", "home"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), bundle("130.00"));
    assert_ne!(std::fs::metadata(&file).unwrap().ino(), first);
    assert_eq!(names_in(&work), ["home.json", "home.json.jimu-base"]);

    // Changes that were not pushed are never overwritten, unless asked.
    let mine = bundle("1.00");
    std::fs::write(&file, &mine).unwrap();
    std::fs::write(other.join("home.json"), bundle("140.00")).unwrap();
    assert_eq!(
        jimu(&other, url, &alice, &["push", "home.json"]).code,
        Some(0)
    );
    let ran = jimu(&work, url, &alice, &["pull", "home"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    assert!(
        ran.stderr.contains("changes that were not pushed"),
        "{ran:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), mine);
    // A file that was never pulled is not overwritten either.
    std::fs::write(work.join("mine.json"), "{}").unwrap();
    let ran = jimu(&work, url, &alice, &["pull", "home", "-o", "mine.json"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    assert_eq!(
        std::fs::read_to_string(work.join("mine.json")).unwrap(),
        "{}"
    );
    let ran = jimu(&work, url, &alice, &["pull", "home", "--force"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), bundle("140.00"));

    // A version that does not exist writes nothing.
    let ran = jimu(&work, url, &alice, &["pull", "home", "--version", "7"]);
    assert_eq!(ran.code, Some(6), "{ran:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), bundle("140.00"));
    // A target that cannot be replaced fails whole, and leaves no temporary file behind.
    std::fs::create_dir(work.join("taken.json")).unwrap();
    std::fs::write(work.join("taken.json/x"), "x").unwrap();
    let ran = jimu(
        &work,
        url,
        &alice,
        &["pull", "home", "-o", "taken.json", "--force"],
    );
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("taken.json is a directory"), "{ran:?}");
    assert_eq!(
        names_in(&work),
        [
            "home.json",
            "home.json.jimu-base",
            "mine.json",
            "taken.json"
        ]
    );
}

#[test]
fn an_invalid_bundle_is_refused_locally_and_never_sent() {
    let place = Place::sqlite();
    let dir = &place.dir;
    let alice = place.token("publisher", "alice");
    let server = Server::start(&place, &[], Some("warn"));
    std::fs::write(dir.path().join("bad.json"), bundle("-1")).unwrap();
    for (url, lang, says) in [
        (server.url.as_str(), "en", "must not be negative"),
        // No server at all: refused before any connection (else the exit code would be 5).
        ("http://127.0.0.1:9", "zh-CN", "不能为负数"),
    ] {
        let ran = jimu(
            dir.path(),
            url,
            &alice,
            &["push", "bad.json", "--create", "--lang", lang],
        );
        assert_eq!(ran.code, Some(1), "{ran:?}");
        assert!(ran.stderr.contains("bad.json /catalog/0/price"), "{ran:?}");
        assert!(ran.stderr.contains(says), "{ran:?}");
    }
    let ran = jimu(dir.path(), &server.url, &alice, &["history", "bad"]);
    assert_eq!(ran.code, Some(6), "nothing was stored: {ran:?}");
}

#[test]
fn refusals_and_unreachable_servers_get_clear_messages_and_exit_codes() {
    let place = Place::sqlite();
    let dir = &place.dir;
    let alice = place.token("publisher", "alice");
    let reader = place.token("reader", "deploy");
    let mut server = Server::start(&place, &[], Some("warn"));
    let url = server.url.clone();
    let work = dir.path();
    std::fs::write(work.join("home.json"), bundle("120.00")).unwrap();

    let ran = jimu(work, &url, &reader, &["push", "home.json", "--create"]);
    assert_eq!(ran.code, Some(4), "{ran:?}");
    assert!(
        ran.stderr.contains("(403)") && ran.stderr.contains("publisher token"),
        "{ran:?}"
    );
    let ran = jimu(work, &url, "jimu_not-a-token", &["history", "home"]);
    assert_eq!(ran.code, Some(4), "{ran:?}");
    assert!(
        ran.stderr.contains("(401)") && ran.stderr.contains("token was not accepted"),
        "{ran:?}"
    );
    // --force first asks for the newest tag (HEAD, no body): the answer is as clear.
    let ran = jimu(
        work,
        &url,
        "jimu_not-a-token",
        &["push", "home.json", "--force"],
    );
    assert_eq!(ran.code, Some(4), "{ran:?}");
    assert!(ran.stderr.contains("token was not accepted"), "{ran:?}");
    let ran = jimu(work, &url, "", &["pull", "home"]);
    assert_eq!(ran.code, Some(4), "{ran:?}");
    assert!(ran.stderr.contains("JIMU_TOKEN"), "{ran:?}");
    let ran = jimu(work, &url, "", &["pull", "home", "--lang", "zh-CN"]);
    assert!(ran.stderr.contains("没有提供令牌"), "{ran:?}");

    let ran = jimu(work, &url, &reader, &["history", "nothing-here"]);
    assert_eq!(ran.code, Some(6), "{ran:?}");
    assert!(
        ran.stderr.contains("no bundle named `nothing-here`"),
        "{ran:?}"
    );
    let ran = jimu(work, &url, &reader, &["pull", "Bad Name"]);
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("is not a bundle name"), "{ran:?}");

    // An archived bundle takes no publish.
    assert_eq!(
        jimu(work, &url, &alice, &["push", "home.json", "--create"]).code,
        Some(0)
    );
    let archived = agent()
        .post(format!("{url}/api/bundles/home/archive"))
        .header("authorization", format!("Bearer {alice}"))
        .send_empty()
        .unwrap();
    assert_eq!(archived.status().as_u16(), 200);
    std::fs::write(work.join("home.json"), bundle("130.00")).unwrap();
    let ran = jimu(work, &url, &alice, &["push", "home.json"]);
    assert_eq!(ran.code, Some(3), "{ran:?}");
    assert!(ran.stderr.contains("archived"), "{ran:?}");

    // Bad URLs are usage errors; a server that is down is exit 5, whatever the command.
    for bad in ["ftp://example.com", "http://", "not a url"] {
        let ran = jimu(work, bad, &reader, &["history", "home"]);
        assert_eq!(ran.code, Some(2), "{bad}: {ran:?}");
        assert!(ran.stderr.contains("server URL"), "{ran:?}");
    }
    server.kill();
    for args in [
        &["history", "home"][..],
        &["pull", "home", "-o", "fresh.json"],
        &["push", "home.json", "--force"],
        &["rollback", "home", "--to", "1"],
    ] {
        let ran = jimu(work, &url, &alice, args);
        assert_eq!(ran.code, Some(5), "{args:?}: {ran:?}");
        assert!(
            ran.stderr
                .contains(&format!("cannot reach the sync server at {url}"))
                && ran.stderr.contains("refused"),
            "{ran:?}"
        );
    }
    assert!(!work.join("fresh.json").exists());
}

/// One publish the server acknowledged.
#[derive(Debug, Clone)]
struct Ack {
    name: String,
    version: i64,
    hash: String,
    content: String,
}

/// One bundle's publisher in the durability test: what was acknowledged, and where the
/// bundle stands.
struct Writer {
    name: &'static str,
    /// Which writer this is: its publishes' contents differ from every other writer's.
    index: usize,
    acked: Vec<Ack>,
    /// A publish the server stored without acknowledging it (in flight at a kill).
    stored_unacked: Vec<Ack>,
    /// The newest version and hash as far as the writer knows.
    newest: Option<(i64, String)>,
    /// How many publishes were attempted.
    next: usize,
}

/// Four bundles, each published by its own thread, so the server commits several publishes
/// together (its writer groups the ones waiting) and a kill can fall in the middle of a group.
const NAMES: [&str; 4] = ["d0", "d1", "d2", "d3"];
const PUBLISHES_EACH: usize = 50;

impl Writer {
    fn new(index: usize) -> Self {
        Self {
            name: NAMES[index],
            index,
            acked: Vec::new(),
            stored_unacked: Vec::new(),
            newest: None,
            next: 0,
        }
    }

    /// Publishes until all were attempted or the server stops answering; returns the content
    /// in flight when it stopped, if any.
    fn run(&mut self, server: &str, token: &str, acks: &AtomicUsize) -> Option<String> {
        let agent = agent();
        let name = self.name;
        while self.next < PUBLISHES_EACH {
            let i = self.next;
            self.next += 1;
            let content = bundle_with(Some(name), &format!("{}.{:02}", 100 + i, self.index));
            let request = agent
                .put(format!("{server}/api/bundles/{name}"))
                .query("message", format!("publish {i}"))
                .header("authorization", format!("Bearer {token}"));
            let request = match &self.newest {
                Some((_, tag)) => request.header("if-match", format!("\"{tag}\"")),
                None => request.header("if-none-match", "*"),
            };
            let reply = request
                .content_type("application/json")
                .send(content.as_str());
            let Ok(mut reply) = reply else {
                return Some(content);
            };
            let status = reply.status().as_u16();
            let Ok(body) = reply.body_mut().read_to_string() else {
                return Some(content);
            };
            assert!(status == 200 || status == 201, "{status}: {body}");
            let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
            let version = stored["version"].as_i64().unwrap();
            let expected = self.newest.as_ref().map_or(1, |(v, _)| v + 1);
            assert_eq!(version, expected, "{name}: versions are contiguous");
            assert_eq!(stored["hash"], hash(&content));
            self.newest = Some((version, hash(&content)));
            self.acked.push(Ack {
                name: name.to_owned(),
                version,
                hash: hash(&content),
                content,
            });
            acks.fetch_add(1, Ordering::SeqCst);
        }
        None
    }

    /// After a restart: the bundle is where the acknowledged publishes left it, or one
    /// further when the publish in flight at the kill was stored (with exactly its content).
    fn resync(&mut self, server: &str, token: &str, in_flight: Option<String>) {
        let name = self.name;
        let (status, body) = get_json(server, token, &format!("bundles/{name}/versions"));
        let stored = match status {
            404 => None,
            200 => body["versions"].get(0).map(|v| {
                (
                    v["version"].as_i64().unwrap(),
                    v["hash"].as_str().unwrap().to_owned(),
                )
            }),
            _ => panic!("{status}: {body}"),
        };
        let stored_version = stored.as_ref().map_or(0, |(v, _)| *v);
        let known_version = self.newest.as_ref().map_or(0, |(v, _)| *v);
        assert!(
            stored_version >= known_version,
            "{name}: acknowledged versions were lost: {known_version} acknowledged, \
             {stored_version} stored"
        );
        if stored_version == known_version {
            assert_eq!(
                stored, self.newest,
                "{name}: an acknowledged version changed"
            );
            return;
        }
        assert_eq!(
            stored_version,
            known_version + 1,
            "{name}: versions nobody published"
        );
        let content = in_flight.expect("a version nobody published");
        let (version, tag) = stored.unwrap_or_default();
        assert_eq!(tag, hash(&content), "{name}: the in-flight publish, whole");
        self.stored_unacked.push(Ack {
            name: name.to_owned(),
            version,
            hash: tag.clone(),
            content,
        });
        self.newest = Some((version, tag));
    }
}

#[test]
fn every_acknowledged_publish_survives_sigkill_of_the_server() {
    let started = Instant::now();
    let place = Place::sqlite();
    let token = place.token("publisher", "writer");
    let mut writers: Vec<Writer> = (0..NAMES.len()).map(Writer::new).collect();
    let mut in_flight: Vec<Option<String>> = vec![None; NAMES.len()];
    let mut server = Server::start(&place, &[], Some("warn"));
    let mut kills = 0;
    for round in 0..3 {
        if round > 0 {
            server = Server::start(&place, &[], Some("warn"));
        }
        for (writer, flight) in writers.iter_mut().zip(&mut in_flight) {
            writer.resync(&server.url, &token, flight.take());
        }
        let acks = Arc::new(AtomicUsize::new(0));
        let publishing: Vec<_> = writers
            .drain(..)
            .map(|mut writer| {
                let (acks, token, url) = (Arc::clone(&acks), token.clone(), server.url.clone());
                std::thread::spawn(move || {
                    let stopped = writer.run(&url, &token, &acks);
                    (writer, stopped)
                })
            })
            .collect();
        // Kill it twice in the middle of the stream, 60 acknowledged publishes in.
        if round < 2 {
            let deadline = Instant::now() + Duration::from_secs(120);
            while acks.load(Ordering::SeqCst) < 60 {
                assert!(Instant::now() < deadline, "publishes too slow");
                std::thread::yield_now();
            }
            server.kill();
            kills += 1;
        }
        for (i, thread) in publishing.into_iter().enumerate() {
            let (writer, stopped) = thread.join().unwrap();
            writers.push(writer);
            in_flight[i] = stopped;
        }
        let attempted: usize = writers.iter().map(|w| w.next).sum();
        if round < 2 {
            assert!(
                attempted < NAMES.len() * PUBLISHES_EACH,
                "the kill came after the last publish"
            );
        }
    }
    assert_eq!(kills, 2);
    assert!(in_flight.iter().all(Option::is_none));
    let acked: usize = writers.iter().map(|w| w.acked.len()).sum();
    // Each kill loses at most one publish per writer: the one in flight.
    assert!(
        acked >= NAMES.len() * (PUBLISHES_EACH - 2),
        "{acked} acknowledged"
    );

    // Every acknowledged version is there, whole, under its number.
    let url = server.url.clone();
    let everything: Vec<&Ack> = writers
        .iter()
        .flat_map(|w| w.acked.iter().chain(&w.stored_unacked))
        .collect();
    for ack in &everything {
        let mut reply = agent()
            .get(format!(
                "{url}/api/bundles/{}/versions/{}",
                ack.name, ack.version
            ))
            .header("authorization", format!("Bearer {token}"))
            .call()
            .unwrap();
        assert_eq!(reply.status().as_u16(), 200, "{ack:?}");
        let etag = reply.headers().get("etag").unwrap().to_str().unwrap();
        assert_eq!(etag, format!("\"{}\"", ack.hash));
        assert_eq!(reply.body_mut().read_to_string().unwrap(), ack.content);
    }
    // Versions are contiguous, and none is there that was not published.
    let mut total = 0;
    for writer in &writers {
        let versions = history(&url, &token, writer.name);
        let numbers: Vec<i64> = versions
            .iter()
            .map(|v| v["version"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = (1..=numbers.len() as i64).rev().collect();
        assert_eq!(numbers, expected, "{}", writer.name);
        assert_eq!(Some(numbers[0]), writer.newest.as_ref().map(|(v, _)| *v));
        total += numbers.len();
    }
    assert_eq!(total, everything.len());

    // The database itself: SQLite finds nothing wrong after the kills.
    server.kill();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use sqlx::Connection as _;
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(place.sqlite_file())
            .read_only(true);
        let mut db = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM bundle_versions")
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(rows as usize, total);
    });
    assert!(started.elapsed() < Duration::from_secs(300));
}
