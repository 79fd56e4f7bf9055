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
    assert!(schema["$defs"]["Editor"]["properties"]["samples"].is_object());

    // The editor-only section: anything inside an object is accepted, nothing else is.
    let with_editor = |editor: &str| BUNDLE.replacen('{', &format!(r#"{{"editor":{editor},"#), 1);
    std::fs::write(
        dir.path().join("editor.json"),
        with_editor(r#"{"layout":{"f":{"nodes":{"s":{"x":"12"}}}},"colapsed":1}"#),
    )
    .unwrap();
    let ok = jimu(&["validate", "editor.json"], dir.path());
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    std::fs::write(dir.path().join("editor.json"), with_editor("[]")).unwrap();
    let bad = jimu(&["validate", "editor.json", "--lang", "en"], dir.path());
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8(bad.stdout).unwrap();
    assert!(text.contains("editor.json /editor"), "{text}");

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

/// The orders of the settlement tests, as CSV (header on line 1): `o-2` has no readable amount
/// (line 3), `o-6` names no technician (line 7); the other four settle.
const ORDERS_CSV: &str = "\
id,amount,placed_at,store_type,province,promotion,payees.store,payees.regional-agent,payees.technician
o-1,200.00,2026-11-03T10:00:00+08:00,franchise,guangdong,double-11,store-gz-01,agent-south,tech-li
o-2,abc,2026-11-03T11:00:00+08:00,direct,beijing,double-11,store-bj-01,,tech-wang
o-3,99.99,2026-11-03T15:30:00+08:00,franchise,zhejiang,new-year,store-hz-02,agent-east,tech-li
o-4,150.00,2026-11-04T09:30:00+08:00,direct,beijing,double-11,store-bj-01,,tech-wang
o-5,80.00,2026-11-03T16:30:00Z,direct,shanghai,double-11,store-sh-01,,tech-li
o-6,60.00,2026-11-04T10:00:00+08:00,direct,beijing,double-11,store-bj-01,,
";

/// The same orders as JSON Lines, with a blank line after `o-1`: `o-2` is on line 3, `o-6` on
/// line 7.
const ORDERS_JSONL: &str = r#"{"id":"o-1","amount":"200.00","placed_at":"2026-11-03T10:00:00+08:00","store_type":"franchise","province":"guangdong","promotion":"double-11","payees":{"store":"store-gz-01","regional-agent":"agent-south","technician":"tech-li"}}

{"id":"o-2","amount":"abc","placed_at":"2026-11-03T11:00:00+08:00","store_type":"direct","province":"beijing","promotion":"double-11","payees":{"store":"store-bj-01","technician":"tech-wang"}}
{"id":"o-3","amount":"99.99","placed_at":"2026-11-03T15:30:00+08:00","store_type":"franchise","province":"zhejiang","promotion":"new-year","payees":{"store":"store-hz-02","regional-agent":"agent-east","technician":"tech-li"}}
{"id":"o-4","amount":"150.00","placed_at":"2026-11-04T09:30:00+08:00","store_type":"direct","province":"beijing","promotion":"double-11","payees":{"store":"store-bj-01","technician":"tech-wang"}}
{"id":"o-5","amount":"80.00","placed_at":"2026-11-03T16:30:00Z","store_type":"direct","province":"shanghai","promotion":"double-11","payees":{"store":"store-sh-01","technician":"tech-li"}}
{"id":"o-6","amount":"60.00","placed_at":"2026-11-04T10:00:00+08:00","store_type":"direct","province":"beijing","promotion":"double-11","payees":{"store":"store-bj-01"}}
"#;

/// An amount like `-12.30` in cents.
fn cents(amount: &str) -> i64 {
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(fraction.len() <= 2, "{amount}");
    let value =
        whole.parse::<i64>().unwrap() * 100 + format!("{fraction:0<2}").parse::<i64>().unwrap();
    if negative { -value } else { value }
}

/// Rows of a CSV table without quoted cells, by column name.
fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(line.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn settlement_bundle() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/bundles/valid/settlement-franchise-vs-direct.json")
        .canonicalize()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// `jimu settle` on CSV: a bad order is reported on its line and the others settle; every
/// order's shares add up to its amount, and every statement to its payee's shares.
#[test]
fn settle_reports_bad_orders_by_line_and_settles_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = settlement_bundle();
    std::fs::write(dir.path().join("orders.csv"), ORDERS_CSV).unwrap();
    let run = jimu(
        &[
            "settle",
            &bundle,
            "orders.csv",
            "--format",
            "csv",
            "--splits",
            "splits.csv",
            "--statements",
            "statements.csv",
            "--lang",
            "en",
        ],
        dir.path(),
    );
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(run.stdout.is_empty());
    for expected in [
        "error[invalid-decimal] orders.csv:3 amount (order o-2)",
        "`abc` is not a decimal number",
        "error[missing-field] orders.csv:7 payees.technician (order o-6)",
        "orders.csv: 4 of 6 orders settled, 2 with problems",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }

    let splits = csv_rows(&std::fs::read_to_string(dir.path().join("splits.csv")).unwrap());
    let amounts: std::collections::BTreeMap<&str, i64> =
        [("o-1", 20000), ("o-3", 9999), ("o-4", 15000), ("o-5", 8000)].into();
    let mut by_order = std::collections::BTreeMap::<&str, i64>::new();
    for row in &splits {
        let order = amounts
            .keys()
            .find(|o| **o == row["order"])
            .expect("only settled orders");
        *by_order.entry(order).or_default() += cents(&row["amount"]);
    }
    assert_eq!(
        by_order, amounts,
        "each order's shares add up to its amount"
    );
    let share = |order: &str, party: &str| {
        let row = splits
            .iter()
            .find(|r| r["order"] == order && r["party"] == party)
            .unwrap();
        (
            row["plan"].as_str(),
            row["payee"].as_str(),
            row["amount"].as_str(),
            row["period"].as_str(),
        )
    };
    // 200.00 franchise, Guangdong, promotion: 68% / 7% / 10% / the rest.
    assert_eq!(
        share("o-1", "store"),
        (
            "franchise-south-promo",
            "store-gz-01",
            "136.00",
            "2026-11-03"
        )
    );
    assert_eq!(share("o-1", "regional-agent").2, "14.00");
    assert_eq!(share("o-1", "technician").2, "20.00");
    assert_eq!(share("o-1", "hq").2, "30.00");
    // 99.99 franchise, promotion: 65% 64.9935, 5% 4.9995, 10% 9.999, 20% 19.998.
    assert_eq!(
        share("o-3", "store"),
        ("franchise-promo", "store-hz-02", "64.99", "2026-11-03")
    );
    assert_eq!(share("o-3", "regional-agent").2, "5.00");
    assert_eq!(share("o-3", "technician").2, "10.00");
    assert_eq!(share("o-3", "hq").2, "20.00");
    // 80.00 direct, promotion: 25% / 12% / the rest; 16:30Z is 00:30 on the 4th in Shanghai.
    assert_eq!(
        share("o-5", "store"),
        ("direct-promo", "store-sh-01", "20.00", "2026-11-04")
    );
    assert_eq!(share("o-5", "technician").2, "9.60");
    assert_eq!(share("o-5", "hq").2, "50.40");

    let statements = std::fs::read_to_string(dir.path().join("statements.csv")).unwrap();
    let rows = csv_rows(&statements);
    for row in &rows {
        let shares: i64 = splits
            .iter()
            .filter(|s| s["payee"] == row["payee"] && s["period"] == row["period"])
            .map(|s| cents(&s["amount"]))
            .sum();
        assert_eq!(cents(&row["total"]), shares, "{row:?}");
    }
    let statement = |payee: &str, period: &str| {
        let row = rows
            .iter()
            .find(|r| r["payee"] == payee && r["period"] == period)
            .unwrap();
        (
            row["orders"].as_str(),
            row["total"].as_str(),
            row["settles_on"].as_str(),
        )
    };
    assert_eq!(statement("hq", "2026-11-03"), ("2", "50.00", "2026-11-04"));
    assert_eq!(statement("hq", "2026-11-04"), ("2", "144.90", "2026-11-05"));
    assert_eq!(
        statement("tech-li", "2026-11-03"),
        ("2", "30.00", "2026-11-04")
    );
    assert_eq!(
        statement("store-bj-01", "2026-11-04"),
        ("1", "37.50", "2026-11-05")
    );
    assert_eq!(rows.len(), 11, "{statements}");

    // The same orders as JSON Lines give the same statements, and their problems by line.
    std::fs::write(dir.path().join("orders.jsonl"), ORDERS_JSONL).unwrap();
    let run = jimu(
        &[
            "settle",
            &bundle,
            "orders.jsonl",
            "--format",
            "csv",
            "--statements",
            "from-jsonl.csv",
        ],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("from-jsonl.csv")).unwrap(),
        statements
    );

    let run = jimu(
        &["settle", &bundle, "orders.jsonl", "--format", "json"],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let problems = json["problems"].as_array().unwrap();
    let located: Vec<(&str, u64, &str, &str)> = problems
        .iter()
        .map(|p| {
            (
                p["order"].as_str().unwrap(),
                p["line"].as_u64().unwrap(),
                p["path"].as_str().unwrap(),
                p["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        located.contains(&("o-2", 3, "/amount", "invalid-decimal")),
        "{located:?}"
    );
    assert!(
        located.contains(&("o-6", 7, "/payees/technician", "missing-field")),
        "{located:?}"
    );
    assert!(
        problems
            .iter()
            .all(|p| p["file"] == "orders.jsonl" && p["document"] == "orders")
    );
    assert_eq!(json["summary"]["orders"], 6);
    assert_eq!(json["summary"]["settled"], 4);
    assert_eq!(json["summary"]["with_problems"], 2);
    let splits = json["splits"].as_array().unwrap();
    assert_eq!(splits.len(), 4);
    for split in splits {
        let shares: i64 = split["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| cents(s["amount"].as_str().unwrap()))
            .sum();
        let order = split["order"].as_str().unwrap();
        assert_eq!(shares, amounts[order], "{split}");
        assert_eq!(cents(split["unallocated"].as_str().unwrap()), 0, "{split}");
    }
    let from_json: Vec<String> = json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let lines: i64 = s["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| cents(l["amount"].as_str().unwrap()))
                .sum();
            assert_eq!(lines, cents(s["total"].as_str().unwrap()), "{s}");
            // The four draw columns are empty: no recoverable draw here.
            format!(
                "{},{},{},{},{},{},,,,",
                s["payee"].as_str().unwrap(),
                s["party"].as_str().unwrap(),
                s["period"].as_str().unwrap(),
                s["settles_on"].as_str().unwrap(),
                s["orders"],
                s["total"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(from_json, statements.lines().skip(1).collect::<Vec<_>>());
}

/// `jimu settle` as a person reads it, in their language; stdin; exit codes 0 and 2.
#[test]
fn settle_prints_a_summary_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = settlement_bundle();
    std::fs::write(dir.path().join("orders.csv"), ORDERS_CSV).unwrap();
    let en = jimu(
        &["settle", &bundle, "orders.csv", "--lang", "en"],
        dir.path(),
    );
    assert_eq!(en.status.code(), Some(1));
    let text = String::from_utf8(en.stdout).unwrap();
    for expected in [
        "error[invalid-decimal] orders.csv:3 amount (order o-2)",
        "    hint: for example \"12.50\"",
        "error[missing-field] orders.csv:7 payees.technician (order o-6)",
        "orders.csv: 4 of 6 orders settled, 2 with problems",
        "Statements (CNY)",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        rows.contains(&vec!["hq", "hq", "2026-11-04", "2026-11-05", "2", "144.90"]),
        "{text}"
    );

    let zh = jimu(
        &["settle", &bundle, "orders.csv", "--lang", "zh-CN"],
        dir.path(),
    );
    let text = String::from_utf8(zh.stdout).unwrap();
    assert!(
        text.contains("「abc」不是有效的数字") && !text.contains("not a decimal"),
        "{text}"
    );
    assert!(
        text.contains("orders.csv：共 6 单，已结算 4 单，2 单有问题"),
        "{text}"
    );
    assert!(
        text.contains("（订单 o-6）") && text.contains("结算单（CNY）"),
        "{text}"
    );

    // Only the good orders, from stdin: exit 0, JSON with splits in a file.
    let good: String = ORDERS_JSONL
        .lines()
        .filter(|l| !l.contains("\"o-2\"") && !l.contains("\"o-6\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args([
            "settle", &bundle, "-", "--input", "jsonl", "--format", "json",
        ])
        .args(["--splits", "splits.jsonl", "--no-statement-lines"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), good.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.get("splits").is_none(), "{json}");
    assert_eq!(json["problems"], serde_json::json!([]));
    assert_eq!(json["summary"]["settled"], 4);
    assert_eq!(json["statements"][0]["lines"], serde_json::json!([]));
    let splits = std::fs::read_to_string(dir.path().join("splits.jsonl")).unwrap();
    assert_eq!(splits.lines().count(), 4);
    let first: serde_json::Value = serde_json::from_str(splits.lines().next().unwrap()).unwrap();
    assert_eq!(first["order"], "o-1");

    let missing = jimu(&["settle", &bundle, "nope.csv"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("cannot read nope.csv")
    );
}

/// The CSV header and each row are read by jimu-core (`settle::CsvHeader`): a header with a
/// column orders lack or a name given twice reads no order at all; a row of another width is a
/// problem on its line; rows of empty cells are skipped; a byte-order mark and spaces around
/// names are dropped. (The output is the one `jimu settle` gave before the move, byte for byte.)
#[test]
fn settle_reads_csv_headers_and_rows_through_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = settlement_bundle();
    std::fs::write(
        dir.path().join("header.csv"),
        "id,amout,id,payees.x,,channel\no,1,o,x,,y\n",
    )
    .unwrap();
    let run = jimu(
        &["settle", &bundle, "header.csv", "--lang", "en"],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        "error[unknown-field] header.csv:1 amout\n    column 2 `amout` is not an order field\n    \
         hint: did you mean `amount`?\nerror[invalid-value] header.csv:1 id\n    columns 1 and 3 \
         are both named `id`\n2 problem(s)\nheader.csv: no order read; the header needs fixing first\n"
    );
    std::fs::write(
        dir.path().join("rows.csv"),
        "\u{feff} id , amount ,placed_at\n,,\no-1,1.00\no-2,1.00,2026-11-03T10:00:00+08:00,x\n\
         o-3,abc,2026-11-03T10:00:00+08:00\n,,\n",
    )
    .unwrap();
    let run = jimu(
        &[
            "settle", &bundle, "rows.csv", "--lang", "en", "--format", "json",
        ],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(1));
    let json = json_out(&run);
    let problems: Vec<(u64, &str, &str)> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["path"].as_str().unwrap(),
                p["message"]["en"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (3, "", "the row has 2 fields; the header has 3"),
            (4, "", "the row has 4 fields; the header has 3"),
            (5, "/amount", "`abc` is not a decimal number"),
        ]
    );
    assert_eq!(json["problems"][2]["order"], "o-3");
    assert_eq!(json["summary"]["orders"], 3);
}

fn valid_bundle(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/bundles/valid")
        .join(name)
        .canonicalize()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// `jimu` with `input` on stdin.
fn jimu_stdin(args: &[&str], cwd: &Path, input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json_out(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn field<'a>(evaluation: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    evaluation["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no field {id}: {evaluation}"))
}

/// `jimu form`: the complaint type picks the flow, and fields its `visible_if` hides are
/// neither validated nor in the values that leave the form (even when given).
#[test]
fn form_routes_by_complaint_type_and_leaves_hidden_fields_out() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = valid_bundle("form-complaint-routing.json");
    for (kind, flow, shown) in [
        ("service", "service-complaint", "staff_name"),
        ("quality", "quality-complaint", "product_sn"),
        ("delivery", "delivery-complaint", "tracking_no"),
    ] {
        let given = format!(
            r#"{{"complaint_type":"{kind}","staff_name":"张三","product_sn":"SN20261111",
                "tracking_no":"SF1234567890","phone":"13812345678"}}"#
        );
        std::fs::write(dir.path().join("values.json"), &given).unwrap();
        let out = jimu(
            &[
                "form",
                &bundle,
                "complaint",
                "values.json",
                "--format",
                "json",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{kind}");
        let json = json_out(&out);
        assert_eq!(json["route"], flow, "{json}");
        assert_eq!(json["valid"], true, "{json}");
        let values = json["values"].as_object().unwrap();
        for id in ["staff_name", "product_sn", "tracking_no"] {
            assert_eq!(
                values.contains_key(id),
                id == shown,
                "{kind}: {id} in {values:?}"
            );
            assert_eq!(field(&json, id)["visible"], id == shown, "{kind}: {id}");
            assert_eq!(
                field(&json, id).get("value").is_some(),
                id == shown,
                "{kind}: {id}"
            );
        }
        // The coupon shows only with consent (default false).
        assert!(!values.contains_key("coupon"));
        assert_eq!(values["consent"], false);

        // The same values from stdin, as text.
        let out = jimu_stdin(
            &["form", &bundle, "complaint", "-", "--lang", "en"],
            dir.path(),
            &given,
        );
        assert_eq!(out.status.code(), Some(0), "{kind}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(&format!("→ flow: {flow}")), "{text}");
        assert!(text.trim_end().ends_with("valid"), "{text}");
        let hidden = text.lines().find(|l| l.starts_with("Hidden: ")).unwrap();
        for id in ["staff_name", "product_sn", "tracking_no", "coupon"] {
            assert_eq!(hidden.contains(id), id != shown, "{hidden}");
        }
    }

    // With consent, `set_value_if` picks the coupon, and the text says where it came from.
    let out = jimu_stdin(
        &["form", &bundle, "complaint", "-", "--lang", "en"],
        dir.path(),
        r#"{"complaint_type":"service","phone":"13812345678","consent":true}"#,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let coupon: Vec<&str> = text
        .lines()
        .find(|l| l.contains(" coupon "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(coupon, ["Coupon", "coupon", "c10", "set"], "{text}");
}

/// A field masked for the role is printed masked, and never in full, in both formats; an
/// unknown role is refused rather than shown everything.
#[test]
fn form_masks_fields_for_the_role_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = valid_bundle("form-permissions.json");
    std::fs::write(
        dir.path().join("deal.json"),
        r#"{"deal_amount":"1000.00","cost":"600.00","phone":"13812345678",
            "id_number":"11010519491231002X"}"#,
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["form", bundle.as_str(), "deal", "deal.json"];
        args.extend_from_slice(extra);
        jimu(&args, dir.path())
    };

    let text = run(&["--role", "finance", "--lang", "en"]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Role: Finance (finance)"), "{text}");
    let phone: Vec<&str> = text
        .lines()
        .find(|l| l.contains(" phone "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        phone,
        ["Customer", "phone", "phone", "138****5678", "masked"],
        "{text}"
    );
    assert!(!text.contains("13812345678"), "{text}");

    let json = run(&["--role", "finance", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&json.stdout).contains("13812345678"),
        "the full number leaked"
    );
    let json = json_out(&json);
    assert_eq!(json["role"], "finance");
    assert_eq!(field(&json, "phone")["access"], "masked");
    assert_eq!(field(&json, "phone")["masked"], "138****5678");
    assert!(field(&json, "phone").get("value").is_none(), "{json}");
    assert_eq!(json["values"]["phone"], "138****5678");

    // Sales see the phone but not the cost or margin, and the ID number masked.
    let json = json_out(&run(&["--role", "sales", "--format", "json"]));
    assert_eq!(json["values"]["phone"], "13812345678");
    assert_eq!(json["values"]["id_number"], "**************002X");
    assert!(json["values"].get("cost").is_none() && json["values"].get("margin").is_none());
    let text = String::from_utf8(run(&["--role", "sales", "--lang", "en"]).stdout).unwrap();
    assert!(text.contains("Hidden: cost, margin"), "{text}");
    assert!(!text.contains("11010519491231002X"), "{text}");

    // A misspelt role would see everything unmasked: refused, with the role it resembles.
    let typo = run(&["--role", "finanse", "--lang", "en"]);
    assert_eq!(typo.status.code(), Some(1));
    let text = String::from_utf8(typo.stdout).unwrap();
    assert!(
        text.contains("error[unknown-reference]")
            && text.contains("no role `finanse` in the bundle")
            && text.contains("did you mean `finance`?")
            && !text.contains("13812345678"),
        "{text}"
    );
    let json = json_out(&run(&["--role", "finanse", "--format", "json"]));
    assert_eq!(json["valid"], false);
    assert_eq!(json["stage"], "role");
    assert_eq!(json["problems"][0]["path"], "/org/roles");
}

/// Bad inputs: a value of the wrong type is an error on its field; an unknown form, bad JSON
/// and a misspelt context key are refused (exit 1); an unreadable file is exit 2.
#[test]
fn form_reports_bad_values_forms_and_contexts() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = valid_bundle("form-complaint-routing.json");
    std::fs::write(
        dir.path().join("values.json"),
        r#"{"complaint_type":"service","phone":"13812345678","consent":"yes"}"#,
    )
    .unwrap();
    let wrong = jimu(
        &["form", &bundle, "complaint", "values.json", "--lang", "en"],
        dir.path(),
    );
    assert_eq!(wrong.status.code(), Some(1));
    let text = String::from_utf8(wrong.stdout).unwrap();
    assert!(
        text.contains(
            "  I agree to receive promotions (consent) [wrong-type]: `consent` has \"yes\": expected true or false"
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with("invalid: 1 error(s)"), "{text}");
    let json = json_out(&jimu(
        &[
            "form",
            &bundle,
            "complaint",
            "values.json",
            "--format",
            "json",
        ],
        dir.path(),
    ));
    assert_eq!(json["valid"], false);
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["field"], "consent");
    assert_eq!(errors[0]["rule"], "wrong-type");
    assert_eq!(errors[0]["path"], "/consent");
    // The other fields are still evaluated.
    assert_eq!(json["route"], "service-complaint");

    let unknown = jimu(
        &["form", &bundle, "complaints", "values.json", "--lang", "en"],
        dir.path(),
    );
    assert_eq!(unknown.status.code(), Some(1));
    let text = String::from_utf8(unknown.stdout).unwrap();
    assert!(
        text.contains("/forms")
            && text.contains("no form `complaints` in the bundle")
            && text.contains("hint: did you mean `complaint`?"),
        "{text}"
    );
    let json = json_out(&jimu(
        &[
            "form",
            &bundle,
            "complaints",
            "values.json",
            "--format",
            "json",
        ],
        dir.path(),
    ));
    assert_eq!(json["stage"], "form");
    assert_eq!(json["problems"][0]["code"], "unknown-reference");

    let syntax = jimu_stdin(
        &["form", &bundle, "complaint", "-", "--lang", "en"],
        dir.path(),
        "{\"phone\":\n  \"138\",,}",
    );
    assert_eq!(syntax.status.code(), Some(1));
    let text = String::from_utf8(syntax.stdout).unwrap();
    assert!(text.contains("error[json-syntax] <stdin>:2:9"), "{text}");

    // The context: inline JSON or a file; only the keys a form reads.
    let catering = valid_bundle("form-catering-rating.json");
    std::fs::write(dir.path().join("rating.json"), r#"{"dish_rating":4}"#).unwrap();
    let json = json_out(&jimu(
        &[
            "form",
            &catering,
            "dining-feedback",
            "rating.json",
            "--context",
            r#"{"region":"王府井","channel":"app"}"#,
            "--format",
            "json",
        ],
        dir.path(),
    ));
    assert_eq!(json["values"]["branch"], "王府井店", "{json}");
    assert_eq!(json["values"]["average"], "4.5", "{json}");
    std::fs::write(
        dir.path().join("context.json"),
        r#"{"regoin":"王府井","now":20261111}"#,
    )
    .unwrap();
    let refused = jimu(
        &[
            "form",
            &catering,
            "dining-feedback",
            "rating.json",
            "--context",
            "context.json",
            "--lang",
            "en",
        ],
        dir.path(),
    );
    assert_eq!(refused.status.code(), Some(1));
    let text = String::from_utf8(refused.stdout).unwrap();
    for expected in [
        "error[unknown-field] context.json /regoin",
        "hint: did you mean `region`?",
        "error[wrong-type] context.json /now",
        "2 problem(s)",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    // The instant is read as an instant (issue 21: "yesterday" was taken silently).
    let json = json_out(&jimu(
        &[
            "form",
            &catering,
            "dining-feedback",
            "rating.json",
            "--context",
            r#"{"now":"yesterday","region":"王府井"}"#,
            "--format",
            "json",
        ],
        dir.path(),
    ));
    assert_eq!(json["stage"], "context", "{json}");
    assert_eq!(json["file"], "--context");
    assert_eq!(json["problems"][0]["code"], "invalid-instant");
    assert_eq!(json["problems"][0]["path"], "/now");
    assert_eq!(
        json["problems"][0]["message"]["en"],
        "`yesterday` is not an RFC 3339 instant with an offset"
    );

    let missing = jimu(&["form", &bundle, "complaint", "nope.json"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("cannot read nope.json")
    );
}

/// `jimu form --lang zh-CN`: labels, messages, flags and headings in Chinese only.
#[test]
fn form_speaks_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = valid_bundle("form-complaint-routing.json");
    let out = jimu_stdin(
        &["form", &bundle, "complaint", "-", "--lang", "zh-CN"],
        dir.path(),
        r#"{"complaint_type":"quality","product_sn":"sn-1","phone":"13812345678"}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "表单：投诉登记（complaint）",
        "隐藏：staff_name、tracking_no、coupon",
        "错误：",
        "  产品序列号（product_sn） [pattern]：序列号为 8–20 位大写字母或数字",
        "→ 流程：quality-complaint（质量投诉）",
        "不能提交：1 个错误",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.contains(" product_sn "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(row, ["产品序列号", "product_sn", "sn-1", "必填"], "{text}");
    let consent: Vec<&str> = text
        .lines()
        .find(|l| l.contains(" consent "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(consent, ["同意接收促销信息", "consent", "否"], "{text}");
    for english in [
        "Form",
        "Errors",
        "Serial number",
        "capital letters",
        "flow:",
        "required",
    ] {
        assert!(!text.contains(english), "{english}\n{text}");
    }
}

/// The appliance-repair ticket of the script format's example: created, submitted, inspected
/// (parts needed), parts issued, then an action the rating does not offer, the rating, and one
/// command too many on the closed ticket.
const REPAIR_SCRIPT: &str = r#"{"flow": "appliance-repair", "until": "2026-11-20T00:00:00+08:00",
 "commands": [
   {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "T1", "title": "空调不制冷", "region": "bj",
     "customer": {"id": "c1", "region": "bj"},
     "fields": {"appliance": "ac", "fault": "不制冷", "needs_parts": true, "part_list": "压缩机"}}},
   {"at": "2026-11-16T09:30:00+08:00", "act": "submit", "by": "li"},
   {"at": "2026-11-16T11:00:00+08:00", "act": "inspected", "by": "wang"},
   {"at": "2026-11-16T11:30:00+08:00", "act": "issued", "by": "zhao"},
   {"at": "2026-11-16T12:00:00+08:00", "act": "nope"},
   {"at": "2026-11-16T12:30:00+08:00", "act": "rated"},
   {"at": "2026-11-16T13:00:00+08:00", "act": "rated"}
 ]}"#;

/// `jimu simulate`: one line per happening in the bundle's time zone, the refused commands by
/// index in the reader's language, then the ticket; exit 1 because some were refused.
#[test]
fn simulate_prints_the_timeline_refusals_and_final_state() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("script.json"), REPAIR_SCRIPT).unwrap();
    let bundle = valid_bundle("flow-appliance-repair.json");
    let out = jimu(
        &["simulate", &bundle, "script.json", "--lang", "en"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "2026-11-16 09:00 +08:00  created          appliance-repair, priority normal\n",
        "2026-11-16 09:00 +08:00  sla_started      first_response, due 2026-11-16 13:00 +08:00\n",
        "2026-11-16 09:00 +08:00  queued           report → role:cs\n",
        "2026-11-16 09:30 +08:00  acted            report: submit by li\n",
        "2026-11-16 09:30 +08:00  event            dispatch.requested {\"region\":\"bj\"}\n",
        "2026-11-16 09:30 +08:00  assigned         inspect → wang",
        "2026-11-16 11:30 +08:00  event            parts.issued {\"parts\":\"压缩机\"}\n",
        "2026-11-16 11:30 +08:00  paused\n",
        "2026-11-16 12:30 +08:00  closed           closed\n",
        "Refused commands\n",
        "  #4 [no-such-action] the current node offers no `nope`; it offers: rated\n",
        "  #6 [closed] the ticket is closed\n",
        "Ticket T1 (appliance-repair, closed)\n",
        "  Node(s): -\n",
        "  SLA policy: standard\n",
        "    first_response  due 2026-11-16 13:00 +08:00, stopped 2026-11-16 09:30 +08:00\n",
        // Three calendar days, plus the hour paused while the customer rated.
        "    resolution      due 2026-11-19 10:00 +08:00, stopped 2026-11-16 12:30 +08:00\n",
        "Next due: nothing\n",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(!text.contains("工单"), "{text}");

    let zh = jimu(
        &["simulate", &bundle, "script.json", "--lang", "zh-CN"],
        dir.path(),
    );
    let text = String::from_utf8(zh.stdout).unwrap();
    for expected in [
        "被拒绝的命令\n",
        "  #4 [no-such-action] 当前节点没有操作「nope」，可用：rated\n",
        "  #6 [closed] 工单已关闭\n",
        "工单 T1 (appliance-repair, 已关闭)\n",
        "  SLA 策略：standard\n",
        "下一到期：无\n",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(!text.contains("the ticket is closed"), "{text}");
}

/// `--format json` is the engine's timeline; `-` reads the script from stdin; exit 0 when
/// nothing was refused, and what falls due next is given.
#[test]
fn simulate_writes_the_timeline_as_json_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"{"flow": "complaint", "until": "2026-11-18T12:00:00+08:00", "commands": [
        {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "C1", "title": "服务态度差"}}]}"#;
    let out = jimu_stdin(
        &[
            "simulate",
            &valid_bundle("flow-complaint-escalation.json"),
            "-",
            "--format",
            "json",
        ],
        dir.path(),
        script,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json = json_out(&out);
    assert_eq!(json["refusals"], serde_json::json!([]));
    assert_eq!(json["ticket"]["id"], "C1");
    assert_eq!(json["ticket"]["priority"], "urgent");
    assert_eq!(json["ticket"]["at"], serde_json::json!(["handle"]));
    let kinds: Vec<&str> = json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "sla_started",
            "entered",
            "entered",
            "queued",
            "sla_breach",
            "escalated",
            "escalated",
            "notify",
            "escalated",
            "escalated",
        ]
    );
    let escalated = &json["timeline"][6];
    assert_eq!(escalated["at"], "2026-11-17T01:00:00Z");
    assert_eq!(escalated["detail"], "role:regional-manager");
    assert_eq!(json["timeline"][9]["detail"], "role:supervisor");
    assert_eq!(json["timeline"][9]["at"], "2026-11-18T01:00:00Z");
    // Nothing falls due: `next_due` is there, and null (as the help says).
    assert_eq!(
        json.get("next_due"),
        Some(&serde_json::Value::Null),
        "{json}"
    );

    // Stopped earlier, the breach is what falls due next.
    let out = jimu_stdin(
        &[
            "simulate",
            &valid_bundle("flow-complaint-escalation.json"),
            "-",
            "--format",
            "json",
        ],
        dir.path(),
        &script.replace("2026-11-18T12:00:00", "2026-11-16T12:00:00"),
    );
    assert_eq!(json_out(&out)["next_due"], "2026-11-17T01:00:00Z");
}

/// A bad script or bundle is reported with its file and JSON pointers (exit 1), a missing file
/// is exit 2.
#[test]
fn simulate_reports_bad_scripts_bundles_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = valid_bundle("flow-appliance-repair.json");
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"commands": [{"at": "monday", "tick": true}, {"at": "2026-11-16T09:00:00+08:00"}]}"#,
    )
    .unwrap();
    let out = jimu(
        &["simulate", &bundle, "bad.json", "--lang", "en"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bad.json /commands/0/at"), "{text}");
    assert!(text.contains("bad.json /commands/1"), "{text}");
    assert!(text.contains("2 problem(s)"), "{text}");

    let out = jimu(
        &["simulate", &bundle, "bad.json", "--format", "json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json = json_out(&out);
    assert_eq!(json["valid"], false);
    assert_eq!(json["stage"], "script");
    assert_eq!(json["problems"][0]["path"], "/commands/0/at");

    std::fs::write(dir.path().join("script.json"), REPAIR_SCRIPT).unwrap();
    std::fs::write(
        dir.path().join("bundle.json"),
        r#"{"schema_version": 2, "currency": "CNY", "flows": [{"id": "x"}]}"#,
    )
    .unwrap();
    let out = jimu(
        &["simulate", "bundle.json", "script.json", "--format", "json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json = json_out(&out);
    assert_eq!(json["stage"], "bundle");
    assert_eq!(json["file"], "bundle.json");
    assert!(json["problems"].as_array().is_some_and(|p| !p.is_empty()));

    // A flow the bundle does not have: the creation is refused.
    let out = jimu_stdin(
        &["simulate", &bundle, "-", "--lang", "en"],
        dir.path(),
        r#"{"flow": "nope", "commands": [{"at": "2026-11-16T09:00:00+08:00", "create": {}}]}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("#0 [unknown-flow] no flow `nope`"), "{text}");
    assert!(text.contains("No ticket"), "{text}");

    let out = jimu(&["simulate", &bundle, "missing.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("cannot read missing.json")
    );
}
