//! The settlement preview without a browser: sample orders read from CSV text (the columns
//! `jimu settle` reads), each settled by jimu-core, and the period statements of all of them.

use jimu_core::Bundle;
use jimu_core::Problem;
use jimu_core::settle::{CsvHeader, CsvRow, OrderSplit, Settler, Statement};

/// Every order read and settled, in the order of the rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settled {
    /// Each row's split, or its problems (with the row's line).
    pub rows: Vec<Row>,
    pub statements: Vec<Statement>,
    /// Problems with the text itself (not CSV, a bad header).
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line of the CSV text (1-based; the header is line 1).
    pub line: usize,
    pub order: String,
    pub outcome: Result<OrderSplit, Vec<Problem>>,
}

fn csv_problem(line: usize, message: jimu_core::Localized) -> Problem {
    let mut problem = Problem::error(jimu_core::ProblemCode::InvalidValue, "", message);
    problem.line = Some(line);
    problem
}

/// Reads and settles every order of a CSV text: the text is tokenized here, every row is read
/// by jimu-core (`settle::CsvHeader`, as `jimu settle` reads them) and settled in order.
pub fn settle(bundle: &Bundle, csv_text: &str) -> Settled {
    settle_read(bundle, &read(csv_text), true)
}

/// Sample orders read from CSV text, before any bundle settles them: read once with [`read`],
/// then settled by as many bundles as needed with [`settle_read`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadOrders {
    /// Every data row under a good header, in the order of the text (empty rows left out).
    pub rows: Vec<CsvRow>,
    /// Problems with the text itself (not CSV, a bad header, a line that cannot be read).
    pub problems: Vec<Problem>,
}

/// Reads the orders of a CSV text without settling them: the text is tokenized here and every
/// row is read by jimu-core (`settle::CsvHeader`, as `jimu settle` reads them).
pub fn read(csv_text: &str) -> ReadOrders {
    let mut read = ReadOrders::default();
    if csv_text.trim().is_empty() {
        return read;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(record)) => {
            let cells: Vec<&str> = record.iter().collect();
            match CsvHeader::new(&cells, 1) {
                Ok(header) => header,
                Err(problems) => {
                    read.problems = problems;
                    return read;
                }
            }
        }
        Some(Err(err)) => {
            read.problems.push(unreadable(1, &err));
            return read;
        }
        None => return read,
    };
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line() as usize);
                read.problems.push(unreadable(line, &err));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<&str> = record.iter().collect();
        if let Some(row) = header.read_row(&cells, line) {
            read.rows.push(row);
        }
    }
    read
}

/// Settles orders already read (see [`read`]) in the order of their rows, as [`settle`] does;
/// `keep_lines`: the statements list every line ([`settle`] keeps them), otherwise only their
/// totals and counts are kept.
pub fn settle_read(bundle: &Bundle, read: &ReadOrders, keep_lines: bool) -> Settled {
    if read.rows.is_empty() {
        // No order: no period is covered, so there is no statement either.
        return Settled {
            problems: read.problems.clone(),
            ..Settled::default()
        };
    }
    let mut settler = Settler::new(bundle, keep_lines);
    let rows = read
        .rows
        .iter()
        .map(|row| Row {
            line: row.line,
            order: row.id.clone().unwrap_or_default(),
            outcome: match &row.order {
                Ok(order) => settler.settle(order),
                Err(problems) => Err(problems.clone()),
            },
        })
        .collect();
    Settled {
        rows,
        statements: settler.finish(),
        problems: read.problems.clone(),
    }
}

fn unreadable(line: usize, err: &csv::Error) -> Problem {
    csv_problem(
        line,
        jimu_core::Localized::new(
            format!("第 {line} 行无法读取：{err}"),
            format!("line {line} cannot be read: {err}"),
        ),
    )
}

/// Totals per party over the settled orders: `(party, payee, amount)`, largest first.
pub fn totals(settled: &Settled) -> Vec<(String, String, rust_decimal::Decimal)> {
    let mut sums: Vec<(String, String, rust_decimal::Decimal)> = Vec::new();
    for statement in &settled.statements {
        match sums
            .iter_mut()
            .find(|(party, payee, _)| **party == *statement.party && *payee == statement.payee)
        {
            Some(entry) => entry.2 += statement.total,
            None => sums.push((
                statement.party.to_string(),
                statement.payee.clone(),
                statement.total,
            )),
        }
    }
    sums.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    sums
}

/// Writes rows of cells as CSV text (quoted where a cell needs it).
fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        // Writing into memory cannot fail.
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Every share of every settled order as CSV: one row per share, as `jimu settle` splits them.
pub fn splits_csv(settled: &Settled) -> String {
    let header = [
        "order",
        "plan",
        "period",
        "party",
        "payee",
        "component",
        "amount",
    ];
    let rows = settled
        .rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flat_map(|split| {
            split.shares.iter().map(move |s| {
                vec![
                    split.order.clone(),
                    split.plan.to_string(),
                    split.period.to_string(),
                    s.party.to_string(),
                    s.payee.to_string(),
                    s.component.to_string(),
                    s.amount.to_string(),
                ]
            })
        });
    csv_text(std::iter::once(header.map(str::to_owned).to_vec()).chain(rows))
}

/// The period statements as CSV: one row per payee and period.
pub fn statements_csv(settled: &Settled) -> String {
    let header = ["payee", "party", "period", "settles_on", "orders", "total"];
    let rows = settled.statements.iter().map(|s| {
        vec![
            s.payee.clone(),
            s.party.to_string(),
            s.period.clone(),
            s.settles_on.clone().unwrap_or_default(),
            s.orders.to_string(),
            s.total.to_string(),
        ]
    });
    csv_text(std::iter::once(header.map(str::to_owned).to_vec()).chain(rows))
}

/// The columns a bundle's orders need: `id`, `amount`, `placed_at`, and a `payees.<party>`
/// column for every party paid as the order names.
pub fn columns(bundle: &Bundle) -> Vec<String> {
    let mut columns = vec!["id".to_owned(), "amount".to_owned(), "placed_at".to_owned()];
    let parties = serde_json::to_value(&bundle.doc().settlement.parties).unwrap_or_default();
    for party in parties.as_array().into_iter().flatten() {
        if party.get("from_order").and_then(serde_json::Value::as_bool) == Some(true)
            && let Some(id) = party.get("id").and_then(serde_json::Value::as_str)
        {
            columns.push(format!("payees.{id}"));
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(name: &str) -> Bundle {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/bundles/valid/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the bundle");
        Bundle::from_json(&text).expect("valid")
    }

    const ORDERS: &str = "\
id,amount,placed_at,store_type,province,promotion,payees.store,payees.regional-agent,payees.technician
o-1,200.00,2026-11-03T10:00:00+08:00,franchise,guangdong,double-11,store-gz-01,agent-south,tech-li
o-2,abc,2026-11-03T11:00:00+08:00,direct,beijing,double-11,store-bj-01,,tech-wang
o-3,99.99,2026-11-03T15:30:00+08:00,franchise,zhejiang,new-year,store-hz-02,agent-east,tech-li
";

    #[test]
    fn each_row_is_split_or_says_why_not_on_its_line() {
        let b = bundle("settlement-franchise-vs-direct");
        let settled = settle(&b, ORDERS);
        assert!(settled.problems.is_empty(), "{:?}", settled.problems);
        assert_eq!(settled.rows.len(), 3);
        let first = settled.rows[0].outcome.as_ref().expect("settles");
        // The franchise promotion plan in South China: 68% store, 7% agent, 10% technician,
        // the remainder to HQ: 136.00 + 14.00 + 20.00 + 30.00 of 200.00.
        let amounts: Vec<(String, String)> = first
            .shares
            .iter()
            .map(|s| (s.party.to_string(), s.amount.to_string()))
            .collect();
        assert_eq!(
            amounts,
            [
                ("store".to_owned(), "136.00".to_owned()),
                ("regional-agent".to_owned(), "14.00".to_owned()),
                ("technician".to_owned(), "20.00".to_owned()),
                ("hq".to_owned(), "30.00".to_owned()),
            ]
        );
        let bad = settled.rows[1]
            .outcome
            .as_ref()
            .expect_err("abc is no amount");
        assert_eq!(settled.rows[1].line, 3);
        assert_eq!(bad[0].line, Some(3));
        assert_eq!(bad[0].path, "/amount");
        // Statements add up what settled.
        let total: rust_decimal::Decimal = settled.statements.iter().map(|s| s.total).sum();
        let settled_sum: rust_decimal::Decimal = settled
            .rows
            .iter()
            .filter_map(|r| r.outcome.as_ref().ok())
            .map(|s| s.amount - s.unallocated)
            .sum();
        assert_eq!(total, settled_sum);
        assert!(totals(&settled).windows(2).all(|w| w[0].2 >= w[1].2));
    }

    #[test]
    fn splits_and_statements_export_as_csv() {
        let b = bundle("settlement-franchise-vs-direct");
        let settled = settle(&b, ORDERS);
        let splits = splits_csv(&settled);
        let lines: Vec<&str> = splits.lines().collect();
        assert_eq!(lines[0], "order,plan,period,party,payee,component,amount");
        // o-1's four shares (o-2 does not settle), then o-3's.
        assert!(lines[1].starts_with("o-1,"), "{splits}");
        assert!(
            lines.iter().any(|l| l.starts_with("o-1,")
                && l.contains(",store,store-gz-01,")
                && l.ends_with(",136.00")),
            "{splits}"
        );
        assert!(
            !splits.contains("o-2,"),
            "an order that does not settle has no shares"
        );
        let shares: usize = settled
            .rows
            .iter()
            .filter_map(|r| r.outcome.as_ref().ok())
            .map(|s| s.shares.len())
            .sum();
        assert_eq!(lines.len(), 1 + shares);
        let statements = statements_csv(&settled);
        let lines: Vec<&str> = statements.lines().collect();
        assert_eq!(lines[0], "payee,party,period,settles_on,orders,total");
        assert_eq!(lines.len(), 1 + settled.statements.len());
        let tech = lines
            .iter()
            .find(|l| l.starts_with("tech-li,"))
            .expect("tech-li's statement");
        let total: rust_decimal::Decimal = settled
            .statements
            .iter()
            .find(|s| s.payee == "tech-li")
            .expect("a statement")
            .total;
        assert!(tech.ends_with(&format!(",2,{total}")), "{tech}");
    }

    #[test]
    fn text_that_is_not_orders_says_so() {
        let b = bundle("settlement-franchise-vs-direct");
        assert!(settle(&b, "  \n").rows.is_empty());
        // A column orders do not have: the header's problem, with a did-you-mean hint.
        let settled = settle(&b, "id,amout\no-1,1.00\n");
        assert_eq!(settled.problems.len(), 1, "{settled:?}");
        assert_eq!(settled.problems[0].line, Some(1));
        assert!(settled.problems[0].hint.is_some());
        // A row wider than the header is that row's problem, on its line.
        let settled = settle(&b, "id,amount\no-1,1.00,extra\n");
        assert!(settled.problems.is_empty());
        let row = &settled.rows[0];
        assert_eq!(row.line, 2);
        assert!(row.outcome.is_err());
    }

    #[test]
    fn the_columns_name_every_party_paid_as_the_order_says() {
        let b = bundle("settlement-franchise-vs-direct");
        assert_eq!(
            columns(&b),
            [
                "id",
                "amount",
                "placed_at",
                "payees.regional-agent",
                "payees.store",
                "payees.technician"
            ]
        );
    }
}
