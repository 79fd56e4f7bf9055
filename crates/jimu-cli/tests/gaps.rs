//! Issue 21 through the `jimu` binary: what an operator sees for draws, funded period rules
//! and the refusals of malformed input (exact messages and pointers).

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn jimu(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A shop: staff earn 10% of each order, the owner the rest, and staff have a recoverable
/// 2000.00 monthly draw funded by the owner.
const DRAW_BUNDLE: &str = r#"{"schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
  "settlement": {
    "parties": [{"id": "owner", "name": "店主", "kind": "hq"},
                {"id": "staff", "name": "店员", "kind": "technician"}],
    "plans": [{"id": "p", "name": "方案", "components": [
      {"kind": "percentage", "party": "staff", "rate": "0.10"},
      {"kind": "remainder", "party": "owner"}]}],
    "period_rules": [{"id": "draw", "name": "预支", "party": "staff", "period": "month",
      "draw": {"amount": "2000.00", "recovery": "recoverable"}}],
    "statements": {"cycle": "month", "settle_after_days": 1}}}"#;

/// September: staff earn 500.00 (10% of 5000.00), so 1500.00 is advanced and owed back.
/// October: staff earn 3000.00, 1000.00 above the draw, all recovered: 500.00 carried forward.
/// On every statement: owed before, advanced, recovered, carried forward.
#[test]
fn a_draw_balance_is_on_the_statement_in_text_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.json"), DRAW_BUNDLE).unwrap();
    std::fs::write(
        dir.path().join("o.jsonl"),
        "{\"id\": \"o9\", \"amount\": \"5000.00\", \"placed_at\": \"2026-09-10T10:00:00+08:00\"}\n\
         {\"id\": \"o10\", \"amount\": \"30000.00\", \"placed_at\": \"2026-10-10T10:00:00+08:00\"}\n",
    )
    .unwrap();
    let out = jimu(&["settle", "b.json", "o.jsonl", "--lang", "en"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("Draw balances (CNY)"), "{shown}");
    let rows: Vec<String> = shown
        .lines()
        .filter(|l| l.contains(" draw "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        rows,
        [
            "staff 2026-09 draw 0.00 1500.00 0.00 1500.00",
            "staff 2026-10 draw 1500.00 0.00 1000.00 500.00"
        ],
        "{shown}"
    );

    let out = jimu(
        &["settle", "b.json", "o.jsonl", "--format", "csv"],
        dir.path(),
    );
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "payee,party,period,settles_on,orders,total,draw_owed_before,draw_advanced,draw_recovered,draw_carried_forward"
    );
    // The owner: 4500.00 of September's order less the 1500.00 advance it funds; October:
    // 27000.00 plus the 1000.00 recovered. Each month's statements add up to its revenue.
    assert_eq!(
        &lines[1..],
        [
            "owner,owner,2026-09,2026-10-01,1,3000.00,,,,",
            "owner,owner,2026-10,2026-11-01,1,28000.00,,,,",
            "staff,staff,2026-09,2026-10-01,1,2000.00,0.00,1500.00,0.00,1500.00",
            "staff,staff,2026-10,2026-11-01,1,2000.00,1500.00,0.00,1000.00,500.00",
        ]
    );

    let out = jimu(
        &["settle", "b.json", "o.jsonl", "--format", "json"],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let staff_oct = json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["payee"] == "staff" && s["period"] == "2026-10")
        .unwrap();
    assert_eq!(
        staff_oct["draws"],
        serde_json::json!([{"rule": "draw", "outstanding_before": "1500.00", "advanced": "0.00",
                            "recovered": "1000.00", "carried_forward": "500.00"}])
    );
}
