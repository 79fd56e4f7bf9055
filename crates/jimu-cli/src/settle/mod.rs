//! `jimu settle`: orders streamed from CSV or JSON Lines into per-order splits and per-payee statements.
//!
//! One record is read, settled and written at a time: splits are never held in memory (only
//! statements, and in `--format json` the problems, which are kept until the end of the document).
//!
//! The parts: `input` (orders read one record at a time from CSV or JSON Lines), `tables`
//! (splits and statements as table rows, and the files they are written to) and `report`
//! (what goes to stdout and stderr: problems, the summary, JSON).

mod input;
mod report;
mod tables;

use crate::{LangArg, read};
use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use input::Source;
use jimu_core::settle::Settler;
use jimu_core::{Bundle, Localized, Problem, ProblemCode};
use report::Report;
use std::fs::File;
use std::io::{IsTerminal as _, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use tables::{SPLIT_COLUMNS, STATEMENT_COLUMNS, TableOut};

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
