//! What `jimu settle` shows besides the tables sent to files: problems as people or JSON read
//! them, the counts, and the text summary with its statements and draw balances.

use super::input::column;
use super::tables::{STATEMENT_COLUMNS, statement_row};
use super::{Encoding, SettleFormat};
use crate::{Lang, heading, pick};
use indicatif::{ProgressBar, ProgressDrawTarget};
use jimu_core::settle::{OrderSplit, Statement};
use jimu_core::{Localized, Problem};
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
pub(super) struct Report {
    pub(super) format: SettleFormat,
    pub(super) lang: Lang,
    pub(super) orders_file: PathBuf,
    pub(super) currency: Option<&'static str>,
    /// The CSV header was refused: no order was read.
    pub(super) header_refused: bool,
    pub(super) records: u64,
    pub(super) settled: u64,
    pub(super) with_problems: u64,
    pub(super) problems_seen: u64,
    /// `--format json`: problems wait for the end of the splits array.
    pub(super) held: Vec<String>,
    pub(super) out: BufWriter<std::io::Stdout>,
    /// Whether the JSON splits array (on stdout) has an element yet; `None` when splits do
    /// not go to stdout.
    pub(super) splits_open: Option<bool>,
    pub(super) statements_on_stdout: bool,
    pub(super) bar: Option<ProgressBar>,
}

impl Report {
    pub(super) fn new(format: SettleFormat, lang: Lang, orders_file: &Path) -> Self {
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

    pub(super) fn start(
        &mut self,
        splits_on_stdout: bool,
        statements_on_stdout: bool,
    ) -> anyhow::Result<()> {
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

    pub(super) fn split(&mut self, split: &OrderSplit) -> anyhow::Result<()> {
        if let Some(any) = &mut self.splits_open {
            self.out.write_all(if *any { b",\n" } else { b"\n" })?;
            *any = true;
            serde_json::to_writer(&mut self.out, split)?;
        }
        Ok(())
    }

    /// Shows the bar once settling has taken more than a second, and the counts on it.
    pub(super) fn tick(&self, elapsed: Duration) {
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

    pub(super) fn problem(
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
    pub(super) fn bundle_problems(
        &mut self,
        bundle: &Path,
        problems: Vec<Problem>,
    ) -> anyhow::Result<()> {
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

    pub(super) fn finish(
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
