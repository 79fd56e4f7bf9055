//! `jimu settle`: orders streamed from CSV or JSON Lines into per-order splits and per-payee statements.
//!
//! One record is read, settled and written at a time: splits are never held in memory (only
//! statements, and in `--format json` the problems, which are kept until the end of the document).

use crate::{Lang, LangArg, heading, pick, read};
use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jimu_core::settle::{CsvHeader, Order, OrderSplit, Settler, Statement};
use jimu_core::{Bundle, Localized, Problem, ProblemCode};
use serde::Serialize;
use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal as _, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Settle orders against a bundle's settlement plans: per-order splits and per-payee statements.
///
/// ORDERS is CSV (a header row of order fields, `payees.<party>` columns for the actual payees,
/// `|` between the entries of list fields, empty cells are absent) or JSON Lines (one order
/// object per line; blank lines are skipped), read one record at a time; `-` reads stdin.
/// An order has an `id`, an `amount` (a decimal string at the currency's precision; only a
/// refund may be negative) and `placed_at` (RFC 3339 with an offset), then the fields its
/// plans read: text (`channel`, `store`, `store_type`, `region`, `city`, `province`,
/// `promotion`, `customer_tier`, `referrer`, `traffic_source`, `currency`, `kind`), numbers
/// (`list_amount`, `margin`, `labour`, `parts`, `quantity`, `backlog_days`, `live_viewers`,
/// `total_hours`, `remaining_hours`, `promotion_amount`, `instalments`, `deposit`,
/// `refund_amount`), lists (`categories`, `products`, `tags`), flags (`new_customer`,
/// `new_product`), `region_path`, and `payees` ({"<party>": "<payee id>"}). A refund repeats
/// its order with `refund_of` (the order's id), `refund_id` and `refunded_at`.
/// An order with problems is reported with its file, line and field, and the others still
/// settle. Exit code: 0 when every order settled, 1 when some had problems (or the bundle or the
/// CSV header did), 2 when a file cannot be read or written.
///
/// Output (`--format`):
///
/// text (default): a summary for a person: each problem (file:line, field, message), the
/// counts, and one row per statement (payee, party, period, settles on, orders, total).
///
/// json: one JSON object on stdout, {"splits": [...], "problems": [...], "statements": [...],
/// "summary": {...}}, one element per line; splits stream out as orders settle. Each problem
/// carries `file`, `line`, `order` (when known) and `document` (`orders` or `bundle`: what its
/// JSON pointer `path` points into).
///
/// csv: the statements table on stdout (payee, party, period, settles_on, orders, total); the
/// splits table (order, refund, plan, period, party, payee, component, amount; one row per share,
/// plus a row with component `(unallocated)` and no party for what no component took) only with
/// `--splits`. Problems and the counts go to stderr.
///
/// A progress bar (bytes read) appears on stderr when it is a terminal, ORDERS is a file and
/// settling takes more than a second.
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    about = "Settle orders against a bundle: per-order splits and per-payee statements",
    after_long_help = "\
Examples:
  printf 'id,amount,placed_at,store_type\\ns-1,100.00,2026-05-08T10:00:00+08:00,studio\\n' \\
    | jimu settle tests/bundles/valid/settlement-weighted-partners.json - --input csv
      # 100.00 split 1:1:1 by largest remainder: 33.34, 33.33, 33.33
  jimu settle tests/bundles/valid/settlement-franchise-vs-direct.json orders.jsonl \\
    --format csv --splits splits.csv --statements statements.csv
  orders.jsonl, one order a line:
    {\"id\": \"fd-1\", \"amount\": \"999.99\", \"placed_at\": \"2026-03-31T10:00:00+08:00\",
     \"store_type\": \"franchise\", \"province\": \"guangdong\", \"promotion\": \"\",
     \"payees\": {\"store\": \"gz-tianhe\", \"regional-agent\": \"agent-south\", \"technician\": \"tech-li\"}}"
)]
pub struct SettleArgs {
    /// The bundle whose `settlement` section settles the orders.
    bundle: PathBuf,
    /// The orders: `.csv`, `.jsonl`, `.ndjson` or `.json` (JSON Lines), or `-` for stdin.
    orders: PathBuf,
    /// How to read ORDERS when its name does not tell (required for `-`).
    #[arg(long, value_enum)]
    input: Option<InputFormat>,
    /// What to write: text (a summary for a person), json or csv (see above).
    #[arg(long, value_enum, default_value_t = SettleFormat::Text)]
    format: SettleFormat,
    /// Write the splits to FILE as orders settle (not to stdout): CSV when FILE ends in `.csv`,
    /// JSON Lines (one split per line) when it ends in `.jsonl`, `.ndjson` or `.json`, otherwise
    /// as `--format` says (csv: CSV, else JSON Lines).
    #[arg(long, value_name = "FILE")]
    splits: Option<PathBuf>,
    /// Write the statements to FILE (not to stdout), CSV or JSON Lines as for `--splits`.
    #[arg(long, value_name = "FILE")]
    statements: Option<PathBuf>,
    /// List only totals in JSON statements, not a line per share: statements then take memory
    /// per payee and period, not per order (for very large inputs).
    #[arg(long)]
    no_statement_lines: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    lang: LangArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InputFormat {
    Csv,
    #[value(name = "jsonl")]
    JsonLines,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SettleFormat {
    Text,
    Json,
    Csv,
}

/// How a table is written to a file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Csv,
    JsonLines,
}

/// The longest JSON Lines record read; a longer line is a problem, not a reason to run out of
/// memory.
const MAX_LINE: usize = 1 << 20;

/// The number of records between two checks of the clock (progress bar, counts).
const CHECK_EVERY: u64 = 256;

pub fn run(args: SettleArgs) -> anyhow::Result<ExitCode> {
    let lang = args.lang.resolve()?;
    let input = input_format(&args.orders, args.input)?;
    let splits_to = args
        .splits
        .as_ref()
        .map(|p| (p.clone(), encoding(p, args.format)));
    let statements_to = args
        .statements
        .as_ref()
        .map(|p| (p.clone(), encoding(p, args.format)));
    // Lines are only written in JSON statements.
    let statements_in_json = match &statements_to {
        Some((_, enc)) => *enc == Encoding::JsonLines,
        None => args.format == SettleFormat::Json,
    };
    let keep_lines = statements_in_json && !args.no_statement_lines;

    refuse_overwrite(&args)?;
    // Every output is checked before anything is read: a path that cannot be written stops the
    // run at once (exit 2), with nothing written anywhere.
    let mut splits = match &splits_to {
        Some((path, enc)) => Some(TableOut::create(path, *enc, &SPLIT_COLUMNS)?),
        None => None,
    };
    let statements_out = match &statements_to {
        Some((path, enc)) => Some(TableOut::create(path, *enc, &STATEMENT_COLUMNS)?),
        None => None,
    };
    // IO first: a file that cannot be read is exit code 2 whatever else is wrong.
    let bundle_text = read(&args.bundle)?;
    let (reader, size) = open_input(&args.orders)?;
    let orders_file = if args.orders == Path::new("-") {
        PathBuf::from("<stdin>")
    } else {
        args.orders.clone()
    };
    let mut report = Report::new(args.format, lang, &orders_file);
    let bundle = match Bundle::from_json(&bundle_text) {
        Ok(bundle) if !bundle.doc().settlement.plans.is_empty() => bundle,
        Ok(_) => {
            let problem = Problem::error(
                ProblemCode::MissingField,
                "/settlement/plans",
                Localized::new(
                    "包中没有分润方案（settlement.plans），无法结算",
                    "the bundle has no settlement plans (settlement.plans) to settle orders with",
                ),
            );
            report.bundle_problems(&args.bundle, vec![problem])?;
            return Ok(ExitCode::FAILURE);
        }
        Err(problems) => {
            report.bundle_problems(&args.bundle, problems)?;
            return Ok(ExitCode::FAILURE);
        }
    };
    report.currency = Some(bundle.currency().code);

    let bar = progress_bar(size, args.no_progress);
    let reader: Box<dyn Read> = match &bar {
        Some(bar) => Box::new(bar.wrap_read(reader)),
        None => reader,
    };
    report.bar = bar;
    let mut source = match Source::open(input, reader, &orders_file)? {
        Ok(source) => source,
        Err(problems) => {
            // The CSV header itself is wrong: no row can be read as the person meant it.
            report.start(splits_to.is_none(), statements_to.is_none())?;
            report.header_refused = true;
            for problem in problems {
                report.problem(&orders_file, None, problem, true)?;
            }
            report.finish(&[], splits_to.as_ref(), statements_to.as_ref())?;
            return Ok(ExitCode::FAILURE);
        }
    };

    report.start(splits_to.is_none(), statements_to.is_none())?;
    let mut settler = Settler::new(&bundle, keep_lines);
    let started = Instant::now();
    while let Some(record) = source.next_record(&orders_file)? {
        report.records += 1;
        let outcome = match record.order {
            Ok(order) => settler
                .settle(&order)
                .map_err(|problems| (problems, Some(order.id))),
            Err(problems) => Err((problems, record.id)),
        };
        match outcome {
            Ok(split) => {
                report.settled += 1;
                match &mut splits {
                    Some(out) => out.split(&split)?,
                    None => report.split(&split)?,
                }
            }
            Err((problems, id)) => {
                report.with_problems += 1;
                for mut problem in problems {
                    if problem.line.is_none() {
                        problem.line = Some(record.line);
                    }
                    let csv = input == InputFormat::Csv;
                    report.problem(&orders_file, id.as_deref(), problem, csv)?;
                }
            }
        }
        if report.records.is_multiple_of(CHECK_EVERY) {
            report.tick(started.elapsed());
        }
    }
    if let Some(out) = splits {
        out.finish()?;
    }
    let statements = settler.finish();
    if let Some(bar) = report.bar.take() {
        bar.finish_and_clear();
    }
    if let Some(mut out) = statements_out {
        for statement in &statements {
            out.statement(statement)?;
        }
        out.finish()?;
    }
    let ok = report.problems_seen == 0;
    report.finish(&statements, splits_to.as_ref(), statements_to.as_ref())?;
    Ok(crate::exit_for(ok))
}

/// Output files must not be the inputs (creating one would empty it before it is read) or
/// each other.
fn refuse_overwrite(args: &SettleArgs) -> anyhow::Result<()> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let outputs = [&args.splits, &args.statements];
    for out in outputs.iter().copied().flatten() {
        if out == Path::new("-") {
            anyhow::bail!(
                "--splits and --statements take a file name: stdout carries the --format output"
            );
        }
        for input in [&args.bundle, &args.orders] {
            if same(out, input) {
                anyhow::bail!("{} is an input: write the output elsewhere", out.display());
            }
        }
    }
    if let (Some(a), Some(b)) = (&args.splits, &args.statements)
        && same(a, b)
    {
        anyhow::bail!(
            "--splits and --statements name the same file {}",
            a.display()
        );
    }
    Ok(())
}

fn input_format(path: &Path, given: Option<InputFormat>) -> anyhow::Result<InputFormat> {
    if let Some(given) = given {
        return Ok(given);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(InputFormat::Csv),
        Some("jsonl" | "ndjson" | "json") => Ok(InputFormat::JsonLines),
        _ if path == Path::new("-") => {
            anyhow::bail!("say how to read stdin: --input csv or --input jsonl")
        }
        _ => anyhow::bail!(
            "cannot tell how to read {} from its name: use .csv, .jsonl, .ndjson or .json, or pass --input csv|jsonl",
            path.display()
        ),
    }
}

fn encoding(path: &Path, format: SettleFormat) -> Encoding {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Encoding::Csv,
        Some("jsonl" | "ndjson" | "json") => Encoding::JsonLines,
        _ if format == SettleFormat::Csv => Encoding::Csv,
        _ => Encoding::JsonLines,
    }
}

/// The orders, and their size in bytes when it is a file.
fn open_input(path: &Path) -> anyhow::Result<(Box<dyn Read>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    let size = meta.is_file().then_some(meta.len());
    Ok((Box::new(file), size))
}

/// A bar by bytes read, drawn only on a terminal and only once settling has taken a while.
fn progress_bar(size: Option<u64>, disabled: bool) -> Option<ProgressBar> {
    let size = size?;
    if disabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::hidden());
    if let Ok(style) = ProgressStyle::with_template("{wide_bar} {bytes}/{total_bytes} {eta} {msg}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// One order as read: where it is, its id when known, and the order or what is wrong with it.
struct Record {
    line: usize,
    id: Option<String>,
    order: Result<Order, Vec<Problem>>,
}

impl Record {
    fn read(line: usize, id: Option<String>, order: Result<Order, Vec<Problem>>) -> Self {
        Self { line, id, order }
    }

    fn problem(line: usize, id: Option<String>, problem: Problem) -> Self {
        Self::read(line, id, Err(vec![problem]))
    }
}

enum Source {
    Csv {
        reader: csv::Reader<Box<dyn Read>>,
        header: CsvHeader,
        record: csv::StringRecord,
    },
    Jsonl {
        reader: BufReader<Box<dyn Read>>,
        buf: Vec<u8>,
        line: usize,
    },
}

impl Source {
    /// The source, or the problems of a CSV header no row can be read under.
    fn open(
        format: InputFormat,
        reader: Box<dyn Read>,
        path: &Path,
    ) -> anyhow::Result<Result<Self, Vec<Problem>>> {
        if format == InputFormat::JsonLines {
            return Ok(Ok(Self::Jsonl {
                reader: BufReader::with_capacity(1 << 16, reader),
                buf: Vec::new(),
                line: 0,
            }));
        }
        // Tokenizing is the csv crate's; the header and each row are read by jimu-core
        // (`CsvHeader`), which also reports rows of the wrong width, so the reader is flexible.
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers: Vec<String> = match reader.headers() {
            Ok(headers) => headers.iter().map(str::to_owned).collect(),
            Err(err) => match err.kind() {
                csv::ErrorKind::Utf8 { .. } => {
                    return Ok(Err(vec![not_utf8(1, "")]));
                }
                _ => return Err(csv_io(err, path)),
            },
        };
        Ok(CsvHeader::new(&headers, 1).map(|header| Self::Csv {
            reader,
            header,
            record: csv::StringRecord::new(),
        }))
    }

    /// The next record; `None` at the end. Only IO errors are errors: a record that cannot be
    /// read is a record with a problem.
    fn next_record(&mut self, path: &Path) -> anyhow::Result<Option<Record>> {
        match self {
            Self::Csv {
                reader,
                header,
                record,
            } => loop {
                match reader.read_record(record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {}
                    Err(err) => return csv_record_error(err, header.columns(), path).map(Some),
                }
                let line = record
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                let cells: Vec<&str> = record.iter().collect();
                // `None`: a row with every cell empty (spreadsheets leave them), not an order.
                if let Some(row) = header.read_row(&cells, line) {
                    return Ok(Some(Record::read(row.line, row.id, row.order)));
                }
            },
            Self::Jsonl { reader, buf, line } => loop {
                buf.clear();
                let (read, complete) = read_line(reader, buf, MAX_LINE)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                if read == 0 {
                    return Ok(None);
                }
                *line += 1;
                if !complete {
                    let problem = Problem::error(
                        ProblemCode::DocumentTooLarge,
                        "",
                        Localized::new(
                            format!("这一行超过 {} MiB，不像是一个订单", MAX_LINE >> 20),
                            format!(
                                "the line is longer than {} MiB: not one order",
                                MAX_LINE >> 20
                            ),
                        ),
                    );
                    return Ok(Some(Record::problem(
                        *line,
                        None,
                        at_line(problem, *line, None),
                    )));
                }
                let text = match std::str::from_utf8(buf) {
                    Ok(text) => text,
                    Err(err) => {
                        let problem =
                            at_line(not_utf8(*line, ""), *line, Some(err.valid_up_to() + 1));
                        return Ok(Some(Record::problem(*line, None, problem)));
                    }
                };
                let text = if *line == 1 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    text
                };
                if text.trim().is_empty() {
                    continue;
                }
                let parsed = jimu_core::parse_json(text).map_err(|problems| {
                    problems
                        .into_iter()
                        .find(|p| p.code == ProblemCode::DuplicateKey)
                        .ok_or_else(|| serde_json::from_str::<Value>(text).err())
                });
                let value: Value = match parsed {
                    Ok(value) => value,
                    // A key given twice: refused at the pointer of the second.
                    Err(Ok(duplicate)) => {
                        let problem = at_line(duplicate, *line, None);
                        return Ok(Some(Record::problem(*line, None, problem)));
                    }
                    Err(Err(None)) => continue,
                    Err(Err(Some(err))) => {
                        let problem = json_syntax(&err, text.trim_start().starts_with('['));
                        let problem = at_line(problem, *line, Some(err.column()));
                        return Ok(Some(Record::problem(*line, None, problem)));
                    }
                };
                let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
                let order = Order::from_json(&value, Some(*line));
                return Ok(Some(Record::read(*line, id, order)));
            },
        }
    }
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`, keeping at most `max` bytes of it.
/// Returns the bytes consumed (0 at the end) and whether the whole line fit.
fn read_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut complete = true;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            break;
        }
        let (chunk, used, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        if buf.len() + chunk.len() <= max {
            buf.extend_from_slice(chunk);
        } else {
            complete = false;
        }
        reader.consume(used);
        consumed += used;
        if done {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok((consumed, complete))
}

fn at_line(mut problem: Problem, line: usize, column: Option<usize>) -> Problem {
    problem.line = Some(line);
    problem.column = column;
    problem
}

fn json_syntax(err: &serde_json::Error, array: bool) -> Problem {
    // serde_json's message ends with its own position, on a document of one line.
    let text = err.to_string();
    let text = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let problem = Problem::error(
        ProblemCode::JsonSyntax,
        "",
        Localized::new(
            format!("这一行不是 JSON：{text}"),
            format!("the line is not JSON: {text}"),
        ),
    );
    if array {
        problem.with_hint(Localized::new(
            "订单文件是 JSON Lines：每行一个订单对象，不是一个 JSON 数组",
            "orders are JSON Lines: one order object per line, not a JSON array",
        ))
    } else {
        problem.with_hint(Localized::new(
            "JSON Lines 每行必须是一个完整的订单对象",
            "each line of JSON Lines must be one whole order object",
        ))
    }
}

fn not_utf8(line: usize, column: &str) -> Problem {
    let path = if column.is_empty() {
        String::new()
    } else {
        pointer(column)
    };
    let mut problem = Problem::error(
        ProblemCode::InvalidValue,
        path,
        Localized::new("不是 UTF-8 文本", "the text is not UTF-8"),
    )
    .with_hint(Localized::new(
        "请以 UTF-8 编码保存文件（Excel：另存为「CSV UTF-8」）",
        "save the file as UTF-8 (in Excel: Save As \"CSV UTF-8\")",
    ));
    problem.line = Some(line);
    problem
}

/// The JSON pointer of an order field named by a CSV column.
fn pointer(column: &str) -> String {
    format!("/{}", column.replace('~', "~0").replace('/', "~1"))
}

/// A CSV column named by a JSON pointer into an order (`/payees/store` → `payees.store`).
fn column(path: &str) -> String {
    path.trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn csv_io(err: csv::Error, path: &Path) -> anyhow::Error {
    anyhow::Error::new(err).context(format!("cannot read {}", path.display()))
}

/// A CSV record the reader refused (text that is not UTF-8): a problem on its line, or an IO
/// error.
fn csv_record_error(err: csv::Error, headers: &[String], path: &Path) -> anyhow::Result<Record> {
    let line_of = |pos: Option<&csv::Position>| {
        pos.map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
    };
    match err.kind() {
        csv::ErrorKind::Utf8 { pos, err } => {
            let line = line_of(pos.as_ref());
            let column = headers.get(err.field()).map_or("", String::as_str);
            Ok(Record::problem(line, None, not_utf8(line, column)))
        }
        _ => Err(csv_io(err, path)),
    }
}

const SPLIT_COLUMNS: [&str; 8] = [
    "order",
    "refund",
    "plan",
    "period",
    "party",
    "payee",
    "component",
    "amount",
];
const STATEMENT_COLUMNS: [&str; 10] = [
    "payee",
    "party",
    "period",
    "settles_on",
    "orders",
    "total",
    "draw_owed_before",
    "draw_advanced",
    "draw_recovered",
    "draw_carried_forward",
];

/// What no component took, as a row of the splits table.
const UNALLOCATED: &str = "(unallocated)";

fn split_rows(split: &OrderSplit) -> impl Iterator<Item = [String; 8]> + '_ {
    let row = |party: &str, payee: &str, component: &str, amount: String| {
        [
            split.order.clone(),
            split.refund.clone().unwrap_or_default(),
            split.plan.to_string(),
            split.period.to_string(),
            party.to_owned(),
            payee.to_owned(),
            component.to_owned(),
            amount,
        ]
    };
    let shares = split
        .shares
        .iter()
        .map(move |s| row(&s.party, &s.payee, &s.component, s.amount.to_string()));
    let rest = (!split.unallocated.is_zero())
        .then(|| row("", "", UNALLOCATED, split.unallocated.to_string()));
    shares.chain(rest)
}

/// A statement as a table row; the draw columns are empty without a recoverable draw (and
/// list one value per draw rule, `;`-separated, in the rare statement with several).
fn statement_row(s: &Statement) -> [String; 10] {
    let draw = |get: fn(&jimu_core::settle::DrawBalance) -> String| {
        s.draws.iter().map(get).collect::<Vec<_>>().join(";")
    };
    [
        s.payee.clone(),
        s.party.to_string(),
        s.period.clone(),
        s.settles_on.clone().unwrap_or_default(),
        s.orders.to_string(),
        s.total.to_string(),
        draw(|d| d.outstanding_before.to_string()),
        draw(|d| d.advanced.to_string()),
        draw(|d| d.recovered.to_string()),
        draw(|d| d.carried_forward.to_string()),
    ]
}

/// A table written to a file: splits or statements, as CSV or JSON Lines. It is written to a
/// temporary file beside its path (`.NAME.jimu-tmp`) and renamed into place by
/// [`TableOut::finish`], so a file is never left half written; one dropped unfinished (a run
/// that stopped early) takes its temporary file with it.
struct TableOut {
    table: Table,
    path: PathBuf,
    tmp: PathBuf,
    done: bool,
}

enum Table {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    JsonLines(BufWriter<File>),
}

impl TableOut {
    /// A new file; a CSV table starts with its header row, so an empty table still has one.
    /// Creating it is the check that the path can be written: `jimu settle` creates both of its
    /// outputs before it reads the first order.
    fn create(path: &Path, encoding: Encoding, columns: &[&str]) -> anyhow::Result<Self> {
        let cannot = || format!("cannot write {}", path.display());
        let name = path
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let tmp = path.with_file_name(format!(".{name}.jimu-tmp"));
        let writer = BufWriter::new(File::create(&tmp).with_context(cannot)?);
        let table = match encoding {
            Encoding::Csv => {
                let mut writer = csv::Writer::from_writer(writer);
                if let Err(err) = writer.write_record(columns) {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(err).with_context(cannot);
                }
                Table::Csv(Box::new(writer))
            }
            Encoding::JsonLines => Table::JsonLines(writer),
        };
        let out = Self {
            table,
            path: path.to_owned(),
            tmp,
            done: false,
        };
        Ok(out)
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(
        &mut self,
        rows: impl Iterator<Item = impl AsRef<[String]>>,
        json: &impl Serialize,
    ) -> anyhow::Result<()> {
        let result: anyhow::Result<()> = match &mut self.table {
            Table::Csv(writer) => (|| {
                for row in rows {
                    writer.write_record(row.as_ref())?;
                }
                Ok(())
            })(),
            Table::JsonLines(writer) => (|| {
                serde_json::to_writer(&mut *writer, json)?;
                writer.write_all(b"\n")?;
                Ok(())
            })(),
        };
        result.with_context(|| format!("cannot write {}", self.path().display()))
    }

    fn split(&mut self, split: &OrderSplit) -> anyhow::Result<()> {
        self.write(split_rows(split), split)
    }

    fn statement(&mut self, statement: &Statement) -> anyhow::Result<()> {
        self.write(std::iter::once(statement_row(statement)), statement)
    }

    /// Flushes the temporary file and renames it to the table's path.
    fn finish(mut self) -> anyhow::Result<()> {
        let result = match &mut self.table {
            Table::Csv(writer) => writer.flush(),
            Table::JsonLines(writer) => writer.flush(),
        };
        result.with_context(|| format!("cannot write {}", self.path.display()))?;
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for TableOut {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A problem as `--format json` writes it.
#[derive(Serialize)]
struct Located<'a> {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<&'a str>,
    /// What `path` points into: `orders` or `bundle`.
    document: &'static str,
    #[serde(flatten)]
    problem: &'a Problem,
}

/// Whether a problem about an order points into the bundle (a plan, a condition) rather than
/// into the order.
fn in_bundle(path: &str) -> bool {
    path.starts_with("/settlement/") || path == "/settlement"
}

/// What goes to stdout (and, for CSV, to stderr) besides the tables sent to files.
struct Report {
    format: SettleFormat,
    lang: Lang,
    orders_file: PathBuf,
    currency: Option<&'static str>,
    /// The CSV header was refused: no order was read.
    header_refused: bool,
    records: u64,
    settled: u64,
    with_problems: u64,
    problems_seen: u64,
    /// `--format json`: problems wait for the end of the splits array.
    held: Vec<String>,
    out: BufWriter<std::io::Stdout>,
    /// Whether the JSON splits array (on stdout) has an element yet; `None` when splits do
    /// not go to stdout.
    splits_open: Option<bool>,
    statements_on_stdout: bool,
    bar: Option<ProgressBar>,
}

impl Report {
    fn new(format: SettleFormat, lang: Lang, orders_file: &Path) -> Self {
        Self {
            format,
            lang,
            orders_file: orders_file.to_owned(),
            currency: None,
            header_refused: false,
            records: 0,
            settled: 0,
            with_problems: 0,
            problems_seen: 0,
            held: Vec::new(),
            out: BufWriter::new(std::io::stdout()),
            splits_open: None,
            statements_on_stdout: false,
            bar: None,
        }
    }

    fn start(&mut self, splits_on_stdout: bool, statements_on_stdout: bool) -> anyhow::Result<()> {
        self.statements_on_stdout = statements_on_stdout;
        if self.format == SettleFormat::Json {
            write!(self.out, "{{")?;
            if splits_on_stdout {
                write!(self.out, "\"splits\": [")?;
                self.splits_open = Some(false);
            }
        }
        Ok(())
    }

    fn split(&mut self, split: &OrderSplit) -> anyhow::Result<()> {
        if let Some(any) = &mut self.splits_open {
            self.out.write_all(if *any { b",\n" } else { b"\n" })?;
            *any = true;
            serde_json::to_writer(&mut self.out, split)?;
        }
        Ok(())
    }

    /// Shows the bar once settling has taken more than a second, and the counts on it.
    fn tick(&self, elapsed: Duration) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && elapsed > Duration::from_secs(1) {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_message(match self.lang {
                Lang::Zh => format!("已结算 {}，有问题 {}", self.settled, self.with_problems),
                Lang::En | Lang::Both => {
                    format!(
                        "{} settled, {} with problems",
                        self.settled, self.with_problems
                    )
                }
            });
        }
    }

    fn problem(
        &mut self,
        file: &Path,
        order: Option<&str>,
        problem: Problem,
        csv: bool,
    ) -> anyhow::Result<()> {
        self.problems_seen += 1;
        let document = if in_bundle(&problem.path) {
            "bundle"
        } else {
            "orders"
        };
        if self.format == SettleFormat::Json {
            let located = Located {
                file: file.display().to_string(),
                order,
                document,
                problem: &problem,
            };
            self.held.push(serde_json::to_string(&located)?);
            return Ok(());
        }
        let text = describe(file, order, &problem, csv, self.lang);
        let bar = self.bar.clone();
        let mut write = || -> std::io::Result<()> {
            if self.format == SettleFormat::Csv {
                std::io::stderr().lock().write_all(text.as_bytes())
            } else {
                self.out.write_all(text.as_bytes())?;
                self.out.flush()
            }
        };
        match bar {
            Some(bar) => bar.suspend(write)?,
            None => write()?,
        }
        Ok(())
    }

    /// The bundle could not be read: its problems, as `validate` reports them.
    fn bundle_problems(&mut self, bundle: &Path, problems: Vec<Problem>) -> anyhow::Result<()> {
        match self.format {
            SettleFormat::Text => {
                self.out.flush()?;
                crate::print_problems(bundle, &problems, self.lang);
            }
            SettleFormat::Csv => {
                for problem in &problems {
                    eprint!("{}", describe(bundle, None, problem, false, self.lang));
                }
            }
            SettleFormat::Json => {
                self.start(true, true)?;
                for problem in &problems {
                    let located = Located {
                        file: bundle.display().to_string(),
                        order: None,
                        document: "bundle",
                        problem,
                    };
                    self.held.push(serde_json::to_string(&located)?);
                }
                self.problems_seen += problems.len() as u64;
                self.finish(&[], None, None)?;
            }
        }
        self.out.flush()?;
        Ok(())
    }

    fn finish(
        &mut self,
        statements: &[Statement],
        splits_to: Option<&(PathBuf, Encoding)>,
        statements_to: Option<&(PathBuf, Encoding)>,
    ) -> anyhow::Result<()> {
        match self.format {
            SettleFormat::Json => self.finish_json(statements)?,
            SettleFormat::Text => {
                let text = self.summary(statements, splits_to, statements_to);
                self.out.write_all(text.as_bytes())?;
            }
            SettleFormat::Csv => {
                if self.statements_on_stdout {
                    let mut writer = csv::Writer::from_writer(&mut self.out);
                    writer.write_record(STATEMENT_COLUMNS)?;
                    for statement in statements {
                        writer.write_record(statement_row(statement))?;
                    }
                    writer.flush()?;
                }
                if self.problems_seen > 0 {
                    eprintln!("{}", self.counts());
                }
            }
        }
        self.out.flush()?;
        Ok(())
    }

    fn finish_json(&mut self, statements: &[Statement]) -> anyhow::Result<()> {
        let out = &mut self.out;
        let mut first = true;
        let key = |out: &mut BufWriter<std::io::Stdout>, first: &mut bool, name: &str| {
            let comma = if *first { "" } else { ",\n" };
            *first = false;
            write!(out, "{comma}\"{name}\": ")
        };
        if let Some(any) = self.splits_open {
            out.write_all(if any { b"\n]" } else { b"]" })?;
            first = false;
        }
        key(out, &mut first, "problems")?;
        write_array(out, self.held.iter().map(|s| Ok(s.clone())))?;
        if self.statements_on_stdout {
            key(out, &mut first, "statements")?;
            write_array(out, statements.iter().map(serde_json::to_string))?;
        }
        key(out, &mut first, "summary")?;
        let mut summary = serde_json::json!({
            "orders": self.records,
            "settled": self.settled,
            "with_problems": self.with_problems,
            "problems": self.problems_seen,
        });
        if let (Some(currency), Some(map)) = (self.currency, summary.as_object_mut()) {
            map.insert("currency".into(), currency.into());
        }
        serde_json::to_writer(&mut *out, &summary)?;
        out.write_all(b"}\n")?;
        Ok(())
    }

    /// `3 orders settled, 1 with problems (4 in all)`, in the reader's language(s).
    fn counts(&self) -> String {
        let file = self.orders_file.display();
        if self.header_refused {
            let zh = format!("{file}：表头有误，未读取任何订单");
            let en = format!("{file}: no order read; the header needs fixing first");
            return pick(&Localized::new(zh, en), self.lang);
        }
        let (n, settled, bad) = (self.records, self.settled, self.with_problems);
        let zh = format!("{file}：共 {n} 单，已结算 {settled} 单，{bad} 单有问题");
        let en = format!("{file}: {settled} of {n} orders settled, {bad} with problems");
        pick(&Localized::new(zh, en), self.lang)
    }

    fn summary(
        &self,
        statements: &[Statement],
        splits_to: Option<&(PathBuf, Encoding)>,
        statements_to: Option<&(PathBuf, Encoding)>,
    ) -> String {
        let lang = self.lang;
        let mut text = String::new();
        if self.problems_seen > 0 {
            let n = self.problems_seen;
            text.push_str(&pick(
                &Localized::new(format!("共 {n} 个问题"), format!("{n} problem(s)")),
                lang,
            ));
            text.push('\n');
        }
        text.push_str(&self.counts());
        text.push('\n');
        for (path, what) in [
            (splits_to, ("分账明细", "splits")),
            (statements_to, ("结算单", "statements")),
        ] {
            if let Some((path, _)) = path {
                text.push_str(&format!(
                    "{} → {}\n",
                    heading(what.0, what.1, lang),
                    path.display()
                ));
            }
        }
        if !self.statements_on_stdout || self.header_refused {
            return text;
        }
        if statements.is_empty() {
            text.push_str(&heading("没有结算单", "No statements", lang));
            text.push('\n');
            return text;
        }
        let currency = self.currency.unwrap_or_default();
        text.push_str(&titled_table(
            (
                format!("结算单（{currency}）"),
                format!("Statements ({currency})"),
            ),
            [
                ("收款方", "payee"),
                ("角色", "party"),
                ("周期", "period"),
                ("结算日", "settles on"),
                ("订单数", "orders"),
                ("金额", "total"),
            ],
            statements.iter().map(|s| {
                let [a, b, c, d, e, f, ..] = statement_row(s);
                [a, b, c, d, e, f]
            }),
            4,
            lang,
        ));
        let draws: Vec<[String; 7]> = statements
            .iter()
            .flat_map(|s| {
                s.draws.iter().map(move |d| {
                    [
                        s.payee.clone(),
                        s.period.clone(),
                        d.rule.to_string(),
                        d.outstanding_before.to_string(),
                        d.advanced.to_string(),
                        d.recovered.to_string(),
                        d.carried_forward.to_string(),
                    ]
                })
            })
            .collect();
        if !draws.is_empty() {
            text.push_str(&titled_table(
                (
                    format!("预支余额（{currency}）"),
                    format!("Draw balances ({currency})"),
                ),
                [
                    ("收款方", "payee"),
                    ("周期", "period"),
                    ("规则", "rule"),
                    ("期初待扣回", "owed before"),
                    ("本期预支", "advanced"),
                    ("本期扣回", "recovered"),
                    ("结转", "carried forward"),
                ],
                draws,
                3,
                lang,
            ));
        }
        text
    }
}

fn write_array(
    out: &mut impl Write,
    items: impl Iterator<Item = serde_json::Result<String>>,
) -> anyhow::Result<()> {
    out.write_all(b"[")?;
    let mut any = false;
    for item in items {
        out.write_all(if any { b",\n" } else { b"\n" })?;
        out.write_all(item?.as_bytes())?;
        any = true;
    }
    out.write_all(if any { b"\n]" } else { b"]" })?;
    Ok(())
}

/// A table of the text summary: its title (Chinese, English) on a line of its own, then a row
/// of column headings and `rows`, laid out by [`table`] (the columns from `right_from` on are
/// aligned right).
fn titled_table<const N: usize>(
    title: (String, String),
    columns: [(&str, &str); N],
    rows: impl IntoIterator<Item = [String; N]>,
    right_from: usize,
    lang: Lang,
) -> String {
    let mut all = vec![columns.map(|(zh, en)| heading(zh, en, lang))];
    all.extend(rows);
    let title = pick(&Localized::new(title.0, title.1), lang);
    format!("{title}\n{}", table(&all, right_from))
}

/// Columns padded to their widest cell (CJK characters count two); the columns from
/// `right_from` on are aligned right.
fn table<const N: usize>(rows: &[[String; N]], right_from: usize) -> String {
    let width = |s: &str| -> usize { s.chars().map(|c| if c >= '\u{1100}' { 2 } else { 1 }).sum() };
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut text = String::new();
    for row in rows {
        text.push(' ');
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            let pad = " ".repeat(w - width(cell));
            text.push(' ');
            if i >= right_from {
                text.push_str(&pad);
                text.push_str(cell);
            } else {
                text.push_str(cell);
                if i + 1 < N {
                    text.push_str(&pad);
                }
            }
        }
        text.push('\n');
    }
    text
}

/// A problem as a person reads it: `error[code] file:line[:column] field (order id)`, then the
/// message and hint in the reader's language(s). For CSV the field is the column name; a problem
/// in the bundle the order was settled under names the bundle's JSON pointer.
fn describe(file: &Path, order: Option<&str>, p: &Problem, csv: bool, lang: Lang) -> String {
    let severity = if p.is_error() { "error" } else { "warning" };
    let mut head = format!("{severity}[{}] {}", p.code, file.display());
    if let Some(line) = p.line {
        head.push_str(&format!(":{line}"));
        if let Some(column) = p.column {
            head.push_str(&format!(":{column}"));
        }
    }
    if !p.path.is_empty() && !in_bundle(&p.path) {
        head.push(' ');
        head.push_str(&if csv { column(&p.path) } else { p.path.clone() });
    }
    if let Some(order) = order {
        head.push_str(&match lang {
            Lang::Zh => format!("（订单 {order}）"),
            Lang::En | Lang::Both => format!(" (order {order})"),
        });
    }
    if in_bundle(&p.path) {
        head.push_str(&match lang {
            Lang::Zh => format!(" 方案位置 {}", p.path),
            Lang::En | Lang::Both => format!(" at bundle {}", p.path),
        });
    }
    let mut text = head;
    text.push('\n');
    if lang != Lang::Zh {
        text.push_str(&format!("    {}\n", p.message.en));
    }
    if lang != Lang::En {
        text.push_str(&format!("    {}\n", p.message.zh_cn));
    }
    if let Some(hint) = &p.hint {
        text.push_str(&match lang {
            Lang::En => format!("    hint: {}\n", hint.en),
            Lang::Zh => format!("    提示：{}\n", hint.zh_cn),
            Lang::Both => format!("    hint: {} / 提示：{}\n", hint.en, hint.zh_cn),
        });
    }
    text
}
