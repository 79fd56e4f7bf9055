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

/// `jimu quote` shows how each number came about: the trace, in the reader's language.
#[test]
fn quote_prints_the_trace_a_person_can_redo() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/bundles/valid/pricing-double-11.json")
        .canonicalize()
        .unwrap();
    std::fs::write(
        dir.path().join("req.json"),
        r#"{"lines":[{"item":"ac-clean","quantity":"3"},{"item":"washer-clean","quantity":"1"}],
            "context":{"now":"2026-11-11T10:00:00+08:00"}}"#,
    )
    .unwrap();
    let bundle = bundle.to_str().unwrap();
    let en = jimu(&["quote", bundle, "req.json", "--lang", "en"], dir.path());
    assert!(en.status.success());
    let text = String::from_utf8(en.stdout).unwrap();
    for expected in [
        "Total: 352.00 CNY",
        "double-11/d11-ac-clean-99 #0: applied  360.00 → 297.00  (99.00 × 3 = 297)",
        "double-11/d11-all-cleaning-15-off #0: not chosen  360.00 → 306.00",
        "d11-order/d11-over-300-minus-30 ticket: applied  382.00 → 352.00  (382.00 − 30.00 = 352)",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    let zh = jimu(
        &["quote", bundle, "req.json", "--lang", "zh-CN"],
        dir.path(),
    );
    let text = String::from_utf8(zh.stdout).unwrap();
    assert!(
        text.contains("合计: 352.00 CNY") && text.contains("未选中"),
        "{text}"
    );
    let json = jimu(
        &["quote", bundle, "req.json", "--format", "json"],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["quote"]["adjustments"][0]["amount"], "-30.00");
    assert_eq!(json["quote"]["trace"].as_array().unwrap().len(), 5);
}
