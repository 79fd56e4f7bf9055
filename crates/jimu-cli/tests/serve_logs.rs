//! `jimu serve`'s own output: with `--log-format json` one JSON object per log line on
//! stderr and the address on stdout; an address it cannot listen on named in its error.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

#[test]
fn json_logs_are_one_object_per_line_on_stderr() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data",
        ])
        .arg(data.path())
        .env("RUST_LOG", "info")
        .env_remove("JIMU_DIST")
        .current_dir(data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
    let mut server = Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args(["serve", "--addr", &addr, "--data"])
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .env_remove("JIMU_DIST")
        .current_dir(data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
