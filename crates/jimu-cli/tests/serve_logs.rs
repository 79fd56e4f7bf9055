//! `jimu serve`'s own output: with `--log-format json` one JSON object per log line on
//! stderr and the address on stdout; an address it cannot listen on named in its error.

mod support;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

/// `jimu serve` on `addr` over a SQLite store in `data` (and in that directory), with these
/// options, logging at `rust_log`; what it writes on stdout and stderr is piped to the test.
fn serve(data: &Path, addr: &str, options: &[&str], rust_log: &str) -> Child {
    support::jimu()
        .args(["serve", "--addr", addr])
        .args(options)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", rust_log)
        .current_dir(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn json_logs_are_one_object_per_line_on_stderr() {
    let data = tempfile::tempdir().unwrap();
    let mut server = serve(
        data.path(),
        "127.0.0.1:0",
        &["--log-format", "json"],
        "info",
    );
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        first.starts_with("Jimu is running at http://127.0.0.1:"),
        "{first}"
    );
    let stderr = BufReader::new(server.stderr.take().unwrap());
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| {
            let line = line.unwrap();
            serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line}"))
        })
        .collect();
    let opened = lines
        .iter()
        .find(|l| l["fields"]["message"] == "store open")
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(opened["fields"]["backend"], "sqlite");
    assert_eq!(opened["level"], "INFO");
    assert!(opened["timestamp"].is_string());
}

#[test]
fn an_address_in_use_is_named_in_the_error() {
    let data = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut server = serve(data.path(), &addr, &[], "warn");
    // It says where it runs only when it does; otherwise stdout ends when it exits.
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    if first.starts_with("Jimu is running") {
        server.kill().unwrap();
        panic!("served on a taken address: {first}");
    }
    let out = server.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}"))
            && stderr.contains("--addr")
            && stderr.contains(&format!("无法监听 {addr}")),
        "{stderr}"
    );
    drop(taken);
}
