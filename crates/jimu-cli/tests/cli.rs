//! The `jimu` binary as a person runs it: exit codes and what it prints.

use std::path::Path;
use std::process::{Command, Output};

fn jimu(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

const BUNDLE: &str = r#"{"schema_version":1,"currency":"CNY","catalog":[
  {"id":"ac-clean","name":{"zh-CN":"空调清洗","en":"AC cleaning"},"kind":"service","price":"120.00"}]}"#;

#[test]
fn validate_and_quote_report_problems_in_both_languages_with_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.json"), BUNDLE).unwrap();
    std::fs::write(dir.path().join("bad.json"), BUNDLE.replace("120.00", "-1")).unwrap();
    std::fs::write(
        dir.path().join("req.json"),
        r#"{"lines":[{"item":"ac-clean","quantity":"3"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("badreq.json"),
        r#"{"lines":[{"item":"ac","quantity":"3"}]}"#,
    )
    .unwrap();

    let ok = jimu(&["validate", "ok.json"], dir.path());
    assert!(ok.status.success());

    let bad = jimu(&["validate", "bad.json", "--lang", "both"], dir.path());
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8(bad.stdout).unwrap();
    assert!(text.contains("bad.json /catalog/0/price"), "{text}");
    assert!(
        text.contains("must not be negative") && text.contains("不能为负数"),
        "{text}"
    );

    let quoted = jimu(
        &["quote", "ok.json", "req.json", "--format", "json"],
        dir.path(),
    );
    assert!(quoted.status.success());
    let json: serde_json::Value = serde_json::from_slice(&quoted.stdout).unwrap();
    assert_eq!(json["status"], "quoted");
    assert_eq!(json["quote"]["total"], "360.00");

    let refused = jimu(&["quote", "ok.json", "badreq.json"], dir.path());
    assert_eq!(refused.status.code(), Some(1));
    let text = String::from_utf8(refused.stdout).unwrap();
    assert!(text.contains("badreq.json /lines/0/item"), "{text}");

    let zh = jimu(&["validate", "bad.json", "--lang", "zh-CN"], dir.path());
    let text = String::from_utf8(zh.stdout).unwrap();
    assert!(
        text.contains("不能为负数") && !text.contains("must not be negative"),
        "{text}"
    );
    assert!(text.contains("共 1 个问题"), "{text}");

    let schema = jimu(&["schema"], dir.path());
    let schema: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    assert_eq!(schema["title"], "Jimu bundle");

    let missing = jimu(&["validate", "nope.json"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("cannot read nope.json")
    );
}
