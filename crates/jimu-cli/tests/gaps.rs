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

/// Runs `jimu ARGS --lang en` in `dir`, with `stdin` when given; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_jimu"))
        .args(args)
        .args(["--lang", "en"])
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

const CATALOG: &str = r#"{"schema_version":1,"currency":"CNY","catalog":[
  {"id":"ac-clean","name":{"zh-CN":"空调清洗","en":"AC cleaning"},"kind":"service","price":"120.00"}]}"#;

const DUPLICATE: &str = "    the key `{}` appears twice in one object\n    hint: write each key once: programs disagree on which of two values wins\n";

fn duplicate(file: &str, at: &str, key: &str) -> String {
    format!("error[duplicate-key] {file} {at}\n") + &DUPLICATE.replace("{}", key)
}

/// `tests/bundles/valid/form-permissions.json`: the `deal` form, whose money fields a
/// `finance` role fills in.
const FORM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/bundles/valid/form-permissions.json"
);

/// What a case's stdout must be.
enum Stdout<'a> {
    /// Exactly this.
    Is(String),
    /// Something holding this.
    Has(&'a str),
    /// These lines.
    Lines(&'a [&'a str]),
}

/// One case: writes `files` (name, content) into `dir`, runs `jimu ARGS --lang en` there with
/// `stdin` when given, and checks its exit code and its stdout.
fn check(
    dir: &Path,
    files: &[(&str, &str)],
    args: &[&str],
    stdin: Option<&str>,
    code: i32,
    stdout: Stdout<'_>,
) {
    for (name, content) in files {
        std::fs::write(dir.join(name), content).unwrap();
    }
    let (got, out, err) = run(dir, args, stdin);
    assert_eq!(got, code, "{args:?}: {out}{err}");
    match stdout {
        Stdout::Is(expected) => assert_eq!(out, expected, "{args:?}"),
        Stdout::Has(part) => assert!(out.contains(part), "{args:?}: {out}"),
        Stdout::Lines(lines) => assert_eq!(out.lines().collect::<Vec<_>>(), lines, "{out}"),
    }
}

/// A key given twice is refused with the pointer of the second, in a bundle (two prices: the
/// bundle used to quote 2 × 1.00 = 2.00 instead of 240.00), a request (two quantities), a form's
/// values and a script; `validate --format json` answers an object.
#[test]
fn duplicate_keys_are_refused_at_their_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("two-prices.json"),
        CATALOG.replace(r#""price":"120.00""#, r#""price":"120.00","price":"1.00""#),
    )
    .unwrap();
    std::fs::write(d.join("b.json"), CATALOG).unwrap();
    check(
        d,
        &[],
        &["validate", "two-prices.json"],
        None,
        1,
        Stdout::Is(duplicate("two-prices.json", "/catalog/0/price", "price") + "1 problem(s)\n"),
    );
    let (_, out, _) = run(
        d,
        &["validate", "two-prices.json", "--format", "json"],
        None,
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["problems"][0]["code"], "duplicate-key");
    assert_eq!(json["problems"][0]["path"], "/catalog/0/price");
    let (_, out, _) = run(d, &["validate", "b.json", "--format", "json"], None);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        serde_json::json!({"ok": true, "problems": []})
    );

    check(
        d,
        &[(
            "req.json",
            r#"{"lines":[{"item":"ac-clean","quantity":"2","quantity":"3"}]}"#,
        )],
        &["quote", "b.json", "req.json"],
        None,
        1,
        Stdout::Is(duplicate("req.json", "/lines/0/quantity", "quantity") + "1 problem(s)\n"),
    );
    check(
        d,
        &[(
            "values.json",
            r#"{"deal_amount": "1000.00", "deal_amount": "9.00"}"#,
        )],
        &["form", FORM, "deal", "values.json", "--role", "finance"],
        None,
        1,
        Stdout::Is(duplicate("values.json", "/deal_amount", "deal_amount") + "1 problem(s)\n"),
    );
    let flow = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/bundles/valid/flow-appliance-repair.json"
    );
    check(
        d,
        &[],
        &["simulate", flow, "-"],
        Some(r#"{"flow": "appliance-repair", "flow": "x", "commands": []}"#),
        1,
        Stdout::Is(duplicate("<stdin>", "/flow", "flow") + "1 problem(s)\n"),
    );
}

/// A store's settlement: 30% to the store, the rest to HQ.
const SHOP: &str = r#"{"schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
  "settlement": {"parties": [{"id": "hq", "name": "总部", "kind": "hq"},
                             {"id": "store", "name": "门店", "kind": "store"}],
    "plans": [{"id": "p", "name": "方案", "components": [
      {"kind": "percentage", "party": "store", "rate": "0.30"},
      {"kind": "remainder", "party": "hq"}]}],
    "statements": {"cycle": "month", "settle_after_days": 1}}}"#;

/// Orders a billing engine must refuse, each at its line and pointer, while the good one
/// settles: two `amount` keys (the second used to win), 0.005 CNY (settled as 0.01 before: 20,000
/// such orders drifted 0.69 CNY), a negative sale (only a refund takes money back), and an order
/// placed 9999-12-31 23:00 in UTC−5, which is year 10000 in Shanghai's statements. The good order:
/// 20.00 → store 6.00, HQ 14.00.
#[test]
fn malformed_orders_are_refused_at_their_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let orders = [
        r#"{"id": "o1", "amount": "100.00", "amount": "1.00", "placed_at": "2026-05-01T10:00:00+08:00"}"#,
        r#"{"id": "o2", "amount": "0.005", "placed_at": "2026-05-01T10:00:00+08:00"}"#,
        r#"{"id": "o3", "amount": "-20.00", "placed_at": "2026-05-01T10:00:00+08:00"}"#,
        r#"{"id": "o4", "amount": "20.00", "placed_at": "9999-12-31T23:00:00-05:00"}"#,
        r#"{"id": "o5", "amount": "20.00", "placed_at": "2026-05-01T10:00:00+08:00"}"#,
    ]
    .join("\n");
    let expected = [
        "error[duplicate-key] o.jsonl:1 /amount",
        "    the key `amount` appears twice in one object",
        "    hint: write each key once: programs disagree on which of two values wins",
        "error[too-precise] o.jsonl:2 /amount (order o2)",
        "    0.005 has more decimals than CNY allows (2)",
        "error[negative] o.jsonl:3 /amount (order o3)",
        "    a sale's amount cannot be negative: -20.00",
        "    hint: write a refund as a refund record (`refund_of`, `refund_id`, `refunded_at`)",
        "error[out-of-range] o.jsonl:4 /placed_at (order o4)",
        "    `placed_at` falls in the year 10000 in the statements' time zone (Asia/Shanghai), outside 0001–9999",
        "4 problem(s)",
        "o.jsonl: 1 of 5 orders settled, 4 with problems",
        "Statements (CNY)",
        "  payee party period  settles on orders total",
        "  hq    hq    2026-05 2026-06-01      1 14.00",
        "  store store 2026-05 2026-06-01      1  6.00",
    ];
    check(
        d,
        &[("shop.json", SHOP), ("o.jsonl", &orders)],
        &["settle", "shop.json", "o.jsonl"],
        None,
        1,
        Stdout::Lines(&expected),
    );
}

/// `jimu settle` checks every output before reading the first order: an unwritable
/// `--statements` path stops it at once (exit 2), and the `--splits` file is not left behind
/// (nor its temporary file); when all goes well each file appears whole, by a rename.
#[test]
fn settle_checks_its_outputs_before_the_first_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("shop.json"), SHOP).unwrap();
    std::fs::write(
        d.join("o.jsonl"),
        r#"{"id": "o5", "amount": "20.00", "placed_at": "2026-05-01T10:00:00+08:00"}"#,
    )
    .unwrap();
    // Splits to splits.csv, statements to `statements`.
    let settle = |statements: &str| {
        let args = [
            "settle",
            "shop.json",
            "o.jsonl",
            "--splits",
            "splits.csv",
            "--statements",
            statements,
        ];
        run(d, &args, None)
    };
    let (code, out, err) = settle("no-such-dir/statements.csv");
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(out, "");
    assert!(
        err.starts_with("jimu: cannot write no-such-dir/statements.csv"),
        "{err}"
    );
    let left: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("splits"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    let (code, _, err) = settle("statements.csv");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("splits.csv")).unwrap(),
        "order,refund,plan,period,party,payee,component,amount\n\
         o5,,p,2026-05,store,store,percentage-0,6.00\n\
         o5,,p,2026-05,hq,hq,remainder-1,14.00\n"
    );
    assert!(!d.join(".splits.csv.jimu-tmp").exists());
}

/// Smaller refusals and consistencies: `quote` reads stdin `-`, a byte-order mark is skipped
/// as by `settle`, a JSON number `0.000001` is read by its value (it was refused as `1e-6`),
/// 0.0000001 is refused for its seven decimals, a form's money of 0.001 is refused, and a
/// form's `now` of "yesterday" is refused at `/now` of `--context`.
#[test]
fn stdin_bom_numbers_by_value_and_form_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("b.json"), format!("\u{feff}{CATALOG}")).unwrap();
    check(
        d,
        &[],
        &["quote", "b.json", "-"],
        Some("\u{feff}{\"lines\":[{\"item\":\"ac-clean\",\"quantity\":1}]}"),
        0,
        Stdout::Has("#0  AC cleaning  1 × 120.00 = 120.00"),
    );
    // 0.000001 × 120.00 = 0.00012 → 0.00.
    let (code, out, _) = run(
        d,
        &["quote", "b.json", "-", "--format", "json"],
        Some(r#"{"lines":[{"item":"ac-clean","quantity":0.000001}]}"#),
    );
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["quote"]["lines"][0]["quantity"], "0.000001");
    assert_eq!(json["quote"]["total"], "0.00");
    check(
        d,
        &[],
        &["quote", "b.json", "-"],
        Some(r#"{"lines":[{"item":"ac-clean","quantity":1e-7}]}"#),
        1,
        Stdout::Is(
            "error[too-precise] - /lines/0/quantity\n    too many decimal places: 0.0000001 (at most 6)\n1 problem(s)\n".to_owned(),
        ),
    );
    check(
        d,
        &[("v.json", r#"{"deal_amount": "0.001", "cost": "1.00"}"#)],
        &["form", FORM, "deal", "v.json", "--role", "finance"],
        None,
        1,
        Stdout::Has(
            "Deal amount (deal_amount) [precision]: Deal amount has more decimals than CNY allows (2): 0.001",
        ),
    );
    check(
        d,
        &[("ok.json", r#"{"deal_amount": "100.00", "cost": "1.00"}"#)],
        &[
            "form",
            FORM,
            "deal",
            "ok.json",
            "--role",
            "finance",
            "--context",
            r#"{"now": "yesterday"}"#,
        ],
        None,
        1,
        Stdout::Is(
            "error[invalid-instant] --context /now\n    `yesterday` is not an RFC 3339 instant with an offset\n    hint: e.g. 2026-11-11T10:00:00+08:00\n1 problem(s)\n".to_owned(),
        ),
    );
}

/// A line's arithmetic adds up as printed: Beijing AC cleaning, 2 × 120.00 = 240.00 at list,
/// then 20% off → 192.00 (it used to read "2 × 120.00 = 192.00 (list 240.00)").
#[test]
fn per_line_fees_read_as_arithmetic_that_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/bundles/valid/pricing-beijing-ac-cleaning.json"
    );
    let (code, out, _) = run(
        dir.path(),
        &["quote", bundle, "-"],
        Some(
            r#"{"lines": [{"item": "ac-clean", "quantity": "2"}, {"item": "ac-repair", "quantity": "1"}], "context": {"region": "bj-chaoyang"}}"#,
        ),
    );
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().take(5).collect();
    assert_eq!(
        lines,
        [
            "Lines",
            "  #0  Air-conditioner cleaning  2 × 120.00 = 240.00 → 192.00 (after rules)",
            "  #1  Air-conditioner repair  1 × 200.00 = 200.00",
            "Subtotal: 392.00 CNY",
            "Total: 392.00 CNY",
        ]
    );
}

/// A repair ticket carries its price through `jimu simulate`: the VIP job of
/// `tests/bundles/valid/flow-priced-repair.json` (worked by hand in jimu-core's
/// `tests/flows.rs`: labour 2 × 80.00 − 10% = 144.00, compressor 650.00, call-out at 3.2 km →
/// 4 km = 35.00, total 829.00) is logged as priced and shows its lines under the ticket.
#[test]
fn a_price_step_puts_the_quote_on_the_ticket() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = jimu(
        &[
            "simulate",
            "tests/bundles/valid/flow-priced-repair.json",
            "tests/runners/scripts/priced-repair.json",
            "--lang",
            "en",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("+08:00  priced           quote: 829.00\n"),
        "{shown}"
    );
    let price: Vec<&str> = shown
        .lines()
        .skip_while(|l| !l.contains("Price: "))
        .take(4)
        .collect();
    assert_eq!(
        price,
        [
            "  Price: 829.00 CNY",
            "    Repair labour × 2 = 144.00",
            "    Compressor × 1 = 650.00",
            "    Call-out fee × 1 = 35.00",
        ]
    );
}
