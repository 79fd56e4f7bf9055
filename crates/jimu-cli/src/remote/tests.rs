//! Unit tests of the remote commands' parts that need no server: tags, widths, times, the
//! history table, whole-file writes, refusals as messages, and server URLs.

use super::args::ServerArgs;
use super::base::{base_path, write_atomically};
use super::client::{Client, Reply, bare_tag};
use super::fail::Exit;
use super::history::history_table;
use super::output::{display_width, remote_problems_text, short, utc};
use crate::{Lang, LangArg};
use jimu_wire::{History, ProblemDetails, VersionInfo};
use std::path::Path;

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
