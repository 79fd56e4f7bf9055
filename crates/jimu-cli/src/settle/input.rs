//! Reading orders for `jimu settle`: one record at a time from CSV or JSON Lines, each an
//! order or the problems that stop it from being one (with its line and column).

use super::InputFormat;
use anyhow::Context as _;
use jimu_core::settle::{CsvHeader, Order};
use jimu_core::{Localized, Problem, ProblemCode};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The longest JSON Lines record read; a longer line is a problem, not a reason to run out of
/// memory.
const MAX_LINE: usize = 1 << 20;

/// One order as read: where it is, its id when known, and the order or what is wrong with it.
pub(super) struct Record {
    pub(super) line: usize,
    pub(super) id: Option<String>,
    pub(super) order: Result<Order, Vec<Problem>>,
}

impl Record {
    fn read(line: usize, id: Option<String>, order: Result<Order, Vec<Problem>>) -> Self {
        Self { line, id, order }
    }

    fn problem(line: usize, id: Option<String>, problem: Problem) -> Self {
        Self::read(line, id, Err(vec![problem]))
    }
}

pub(super) enum Source {
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
    pub(super) fn open(
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
    pub(super) fn next_record(&mut self, path: &Path) -> anyhow::Result<Option<Record>> {
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
pub(super) fn column(path: &str) -> String {
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
