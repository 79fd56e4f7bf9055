//! Orders from CSV rows: the header check and one row under it → an [`Order`], with problems at
//! their line.
//!
//! The hosts tokenize CSV themselves (the CLI streams a file with the `csv` crate, the
//! configurator reads pasted text); everything after the tokenizer is here, so every host
//! reads the same columns with the same problems. A tokenizer should be flexible about row
//! width: a row with more or fewer cells than the header is reported here, on its line.

use super::order::Order;
use crate::problem::{Localized, Problem, ProblemCode};

/// A checked header row of an orders table: every named column is an order field (or a
/// `payees.<party>` column), and no name comes twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvHeader {
    columns: Vec<String>,
    id: Option<usize>,
}

/// One data row read under a [`CsvHeader`].
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The row's line in the text (1-based, as the host counts it).
    pub line: usize,
    /// The `id` cell when there is one and it is not empty, for reporting (also when the row
    /// has problems).
    pub id: Option<String>,
    /// The order, or every problem of the row (each with `line`; the path names the column's
    /// field, `/amount`, `/payees/store`).
    pub order: Result<Order, Vec<Problem>>,
}

/// The JSON pointer of an order field named by a column.
fn pointer(column: &str) -> String {
    format!("/{}", column.replace('~', "~0").replace('/', "~1"))
}

impl CsvHeader {
    /// Checks a header row found at `line` (names are trimmed, and a byte-order mark before
    /// the first is dropped). The problems: a column orders do not have (with a did-you-mean
    /// hint), a name given twice. Either makes every row ambiguous, so no row should be read.
    /// An unnamed column is fine while its cells are empty.
    pub fn new<S: AsRef<str>>(columns: &[S], line: usize) -> Result<Self, Vec<Problem>> {
        let columns: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c = c.as_ref();
                let c = if i == 0 {
                    c.trim_start_matches('\u{feff}')
                } else {
                    c
                };
                c.trim().to_owned()
            })
            .collect();
        let mut problems = Vec::new();
        for (i, name) in columns.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            if let Some(first) = columns
                .get(..i)
                .and_then(|before| before.iter().position(|h| h == name))
            {
                let mut problem = Problem::error(
                    ProblemCode::InvalidValue,
                    pointer(name),
                    Localized::new(
                        format!("第 {} 列与第 {} 列同名「{name}」", i + 1, first + 1),
                        format!(
                            "columns {} and {} are both named `{name}`",
                            first + 1,
                            i + 1
                        ),
                    ),
                );
                problem.line = Some(line);
                problems.push(problem);
                continue;
            }
            // Whether the name is an order field is the order reader's to say (its hint too).
            if let Err(found) = Order::from_fields([(name.as_str(), "x")], Some(line)) {
                for mut problem in found {
                    if problem.code == ProblemCode::UnknownField {
                        problem.message = Localized::new(
                            format!("第 {} 列「{name}」不是订单字段", i + 1),
                            format!("column {} `{name}` is not an order field", i + 1),
                        );
                        problems.push(problem);
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let id = columns.iter().position(|c| c == "id");
        Ok(Self { columns, id })
    }

    /// The column names, trimmed.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Reads the row at `line` (its cells in column order): `None` when every cell is empty
    /// (spreadsheets leave such rows; they are not orders). A row whose width differs from the
    /// header's is one problem, with no id.
    pub fn read_row<S: AsRef<str>>(&self, cells: &[S], line: usize) -> Option<CsvRow> {
        if cells.len() != self.columns.len() {
            let (len, expected) = (cells.len(), self.columns.len());
            let mut problem = Problem::error(
                ProblemCode::InvalidValue,
                "",
                Localized::new(
                    format!("这一行有 {len} 列，表头有 {expected} 列"),
                    format!("the row has {len} fields; the header has {expected}"),
                ),
            )
            .with_hint(Localized::new(
                "含逗号、引号或换行的单元格要用双引号括起来",
                "quote cells that hold commas, quotes or line breaks",
            ));
            problem.line = Some(line);
            return Some(CsvRow {
                line,
                id: None,
                order: Err(vec![problem]),
            });
        }
        if cells.iter().all(|c| c.as_ref().is_empty()) {
            return None;
        }
        let id = self
            .id
            .and_then(|i| cells.get(i))
            .map(AsRef::as_ref)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let order = Order::from_fields(
            self.columns
                .iter()
                .map(String::as_str)
                .zip(cells.iter().map(AsRef::as_ref)),
            Some(line),
        );
        Some(CsvRow { line, id, order })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(code, path, line, en)` of each problem.
    fn summary(problems: &[Problem]) -> Vec<(String, String, Option<usize>, String)> {
        problems
            .iter()
            .map(|p| {
                (
                    p.code.to_string(),
                    p.path.clone(),
                    p.line,
                    p.message.en.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_header_of_order_fields_reads_rows_into_orders() {
        let header = CsvHeader::new(
            &[
                "\u{feff}id ",
                " amount",
                "channel",
                "payees.store",
                "tags",
                "promotion",
                "",
            ],
            1,
        )
        .unwrap();
        assert_eq!(
            header.columns(),
            [
                "id",
                "amount",
                "channel",
                "payees.store",
                "tags",
                "promotion",
                ""
            ]
        );
        let row = header
            .read_row(&["o1", "100.50", "app", "gz-1", "a|b", "", ""], 2)
            .unwrap();
        assert_eq!((row.line, row.id.as_deref()), (2, Some("o1")));
        let order = row.order.unwrap();
        assert_eq!(order.amount().to_string(), "100.50");
        assert_eq!(order.channel(), Some("app"));
        assert_eq!(order.payees.get("store").map(String::as_str), Some("gz-1"));
        assert_eq!(order.lists[2], ["a", "b"]);
        // An empty cell is an empty text for a text field, absent for any other.
        assert_eq!(order.text_field("promotion"), Some(""));
        // Rows with every cell empty are skipped.
        assert!(header.read_row(&[""; 7], 3).is_none());
    }

    #[test]
    fn header_problems_name_their_columns() {
        let problems =
            CsvHeader::new(&["id", "amout", "channel", "id", "payees.x"], 1).unwrap_err();
        assert_eq!(
            summary(&problems),
            [
                (
                    "unknown-field".to_owned(),
                    "/amout".to_owned(),
                    Some(1),
                    "column 2 `amout` is not an order field".to_owned()
                ),
                (
                    "invalid-value".to_owned(),
                    "/id".to_owned(),
                    Some(1),
                    "columns 1 and 4 are both named `id`".to_owned()
                ),
            ]
        );
        assert_eq!(
            problems[0].hint.as_ref().map(|h| h.en.as_str()),
            Some("did you mean `amount`?")
        );
        assert!(problems.iter().all(|p| !p.message.zh_cn.is_empty()));
    }

    #[test]
    fn row_problems_carry_their_line_and_the_id_when_known() {
        let header = CsvHeader::new(&["id", "amount", "new_customer", ""], 1).unwrap();
        let row = header
            .read_row(&["o7", "12.345.6", "maybe", "x"], 9)
            .unwrap();
        assert_eq!(row.id.as_deref(), Some("o7"));
        let problems = row.order.unwrap_err();
        let got = summary(&problems);
        assert_eq!(
            got.iter()
                .map(|(c, p, l, _)| (c.as_str(), p.as_str(), *l))
                .collect::<Vec<_>>(),
            [
                ("invalid-decimal", "/amount", Some(9)),
                ("wrong-type", "/new_customer", Some(9)),
                ("unknown-field", "/", Some(9)),
            ]
        );
        // A missing id: the row is still reported, without one.
        let row = header.read_row(&["", "1.00", "", ""], 10).unwrap();
        assert_eq!(row.id, None);
        assert_eq!(
            summary(&row.order.unwrap_err()),
            [(
                "missing-field".to_owned(),
                "/id".to_owned(),
                Some(10),
                "the order has no `id`".to_owned()
            )]
        );
        // A row of another width is one problem, whatever its cells hold.
        for cells in [
            &["o8", "1.00"][..],
            &["o8", "1.00", "true", "", "extra"],
            &["", ""],
        ] {
            let row = header.read_row(cells, 11).unwrap();
            assert_eq!(row.id, None);
            let problems = row.order.unwrap_err();
            assert_eq!(problems.len(), 1);
            assert_eq!(
                problems[0].message.en,
                format!("the row has {} fields; the header has 4", cells.len())
            );
            assert_eq!(
                (problems[0].path.as_str(), problems[0].line),
                ("", Some(11))
            );
        }
    }
}
