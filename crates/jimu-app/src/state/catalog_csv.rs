//! The catalog as CSV, for spreadsheets: [`export`] writes a bundle's `catalog` as a table and
//! [`import`] reads such a table back into the same JSON, or says, per line and column, what is
//! wrong with it.
//!
//! One row per item under a header row naming the columns of [`COLUMNS`] (any order; `unit_*`,
//! `cost` and `category` may be left out, and one of the name columns). A text written once
//! for both languages (`"name": "空调清洗"`) has only its `_zh` cell filled; one written in
//! each language fills both. Amounts stay the text they are written as (`"30.00"` stays
//! `"30.00"`), so export then import gives back the same JSON.

use jimu_core::Localized;
use jimu_core::limits::valid_id;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr as _;

/// The columns, in the order [`export`] writes them.
pub const COLUMNS: [&str; 9] = [
    "id", "name_zh", "name_en", "kind", "unit_zh", "unit_en", "price", "cost", "category",
];

/// The item kinds, as the format spells them.
const KINDS: [&str; 2] = ["service", "part"];

/// A problem with one cell (or one column) of an imported table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvProblem {
    /// The line of the text (1-based; the header is line 1). A row with a line break inside a
    /// quoted cell is at the line it starts on.
    pub line: usize,
    /// The column's name (`price`); for a column without a name or a cell beyond the header,
    /// its position (`10`); empty for a line that cannot be read at all.
    pub column: String,
    /// What is wrong, naming the line and the column.
    pub message: Localized,
}

impl CsvProblem {
    fn new(line: usize, column: &str, zh: impl AsRef<str>, en: impl AsRef<str>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            message: Localized::new(
                format!("第 {line} 行「{column}」列：{}", zh.as_ref()),
                format!("line {line}, column `{column}`: {}", en.as_ref()),
            ),
        }
    }
}

/// The cells of a text (`name`, `unit`): one text for both languages goes in the `_zh` cell.
fn text_cells(value: Option<&Value>) -> (String, String) {
    match value {
        None | Some(Value::Null) => (String::new(), String::new()),
        Some(Value::String(text)) => (text.clone(), String::new()),
        Some(Value::Object(map)) => {
            let get = |key| map.get(key).map(cell).unwrap_or_default();
            (get("zh-CN"), get("en"))
        }
        Some(other) => (other.to_string(), String::new()),
    }
}

/// A value as a cell: a string as it is, anything else as its JSON text.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The catalog (the bundle's `catalog` array) as CSV text: the header row of [`COLUMNS`], then
/// one row per item. Anything but an array gives the header alone.
pub fn export(catalog: &Value) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = vec![COLUMNS.map(str::to_owned)];
    for item in catalog.as_array().into_iter().flatten() {
        let field = |key: &str| item.get(key).map(cell).unwrap_or_default();
        let (name_zh, name_en) = text_cells(item.get("name"));
        let (unit_zh, unit_en) = text_cells(item.get("unit"));
        rows.push([
            field("id"),
            name_zh,
            name_en,
            field("kind"),
            unit_zh,
            unit_en,
            field("price"),
            field("cost"),
            field("category"),
        ]);
    }
    for row in rows {
        // Writing into memory does not fail.
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The header: where each known column is, and every column's name as a problem names it.
struct Header {
    at: [Option<usize>; COLUMNS.len()],
    names: Vec<String>,
}

impl Header {
    fn read(cells: &csv::StringRecord) -> Result<Self, Vec<CsvProblem>> {
        let mut at = [None; COLUMNS.len()];
        let mut names = Vec::with_capacity(cells.len());
        let mut problems = Vec::new();
        for (i, name) in cells.iter().enumerate() {
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                name
            };
            let name = name.trim();
            names.push(if name.is_empty() {
                (i + 1).to_string()
            } else {
                name.to_owned()
            });
            if name.is_empty() {
                continue;
            }
            match COLUMNS.iter().position(|c| *c == name) {
                Some(c) if at[c].is_some() => problems.push(CsvProblem::new(
                    1,
                    name,
                    format!("与第 {} 列同名", at[c].unwrap_or_default() + 1),
                    format!(
                        "has the same name as column {}",
                        at[c].unwrap_or_default() + 1
                    ),
                )),
                Some(c) => at[c] = Some(i),
                None => {
                    let hint = jimu_core::hint_for(name, &COLUMNS, ("可用的列", "the columns"));
                    problems.push(CsvProblem::new(
                        1,
                        name,
                        format!("不是目录的列（{}）", hint.zh_cn),
                        format!("is not a catalog column ({})", hint.en),
                    ));
                }
            }
        }
        for required in ["id", "kind", "price"] {
            if at[column(required)].is_none() {
                problems.push(CsvProblem::new(
                    1,
                    required,
                    "缺少这一列",
                    "the column is missing",
                ));
            }
        }
        if at[column("name_zh")].is_none() && at[column("name_en")].is_none() {
            problems.push(CsvProblem::new(
                1,
                "name_zh",
                "缺少名称列（name_zh 或 name_en）",
                "the name column is missing (name_zh or name_en)",
            ));
        }
        if problems.is_empty() {
            Ok(Self { at, names })
        } else {
            Err(problems)
        }
    }
}

fn column(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).unwrap_or_default()
}

/// One data row being read.
struct RowReader<'r> {
    header: &'r Header,
    cells: &'r csv::StringRecord,
    line: usize,
    problems: &'r mut Vec<CsvProblem>,
}

impl RowReader<'_> {
    /// The cell of a column as written (empty when the table has no such column).
    fn raw(&self, name: &str) -> &str {
        self.header.at[column(name)]
            .and_then(|i| self.cells.get(i))
            .unwrap_or_default()
    }

    fn problem(&mut self, name: &str, zh: impl AsRef<str>, en: impl AsRef<str>) {
        self.problems.push(CsvProblem::new(self.line, name, zh, en));
    }

    /// An id cell (trimmed), checked as the format checks ids.
    fn id(&mut self, name: &str, required: bool) -> Option<String> {
        let text = self.raw(name).trim().to_owned();
        if text.is_empty() {
            if required {
                self.problem(name, "不能为空", "must not be empty");
            }
            return None;
        }
        if !valid_id(&text) {
            self.problem(
                name,
                format!("无效的 id「{text}」（1–64 个英文字母、数字、_、- 或 .，以字母或数字开头）"),
                format!(
                    "invalid id `{text}` (1–64 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit)"
                ),
            );
        }
        Some(text)
    }

    /// A text from its two cells (as written): both → each language, one → that text for
    /// both, none → `None`.
    fn text(&mut self, zh: &str, en: &str, required: bool) -> Option<Value> {
        let (zh_text, en_text) = (self.raw(zh).to_owned(), self.raw(en).to_owned());
        match (zh_text.is_empty(), en_text.is_empty()) {
            (false, false) => {
                let mut map = Map::new();
                map.insert("zh-CN".to_owned(), Value::String(zh_text));
                map.insert("en".to_owned(), Value::String(en_text));
                Some(Value::Object(map))
            }
            (false, true) => Some(Value::String(zh_text)),
            (true, false) => Some(Value::String(en_text)),
            (true, true) => {
                if required {
                    let column = if self.header.at[column(zh)].is_some() {
                        zh
                    } else {
                        en
                    };
                    self.problem(column, "不能为空", "must not be empty");
                }
                None
            }
        }
    }

    /// An amount cell (trimmed), checked as the format checks `money`: a decimal string, not
    /// negative, below 10^12, at most 6 decimals.
    fn amount(&mut self, name: &str, required: bool) -> Option<Value> {
        let text = self.raw(name).trim().to_owned();
        if text.is_empty() {
            if required {
                self.problem(name, "不能为空", "must not be empty");
            }
            return None;
        }
        let parsed = if text.contains(['e', 'E', '_']) {
            None
        } else {
            Decimal::from_str(&text).ok()
        };
        let limit = Decimal::from(1_000_000_000_000_i64);
        match parsed {
            None => self.problem(
                name,
                format!("「{text}」不是金额（例如 12.50）"),
                format!("`{text}` is not an amount (e.g. 12.50)"),
            ),
            Some(d) if d.is_sign_negative() && !d.is_zero() => self.problem(
                name,
                format!("不能为负数：{text}"),
                format!("must not be negative: {text}"),
            ),
            Some(d) if d.abs() >= limit => self.problem(
                name,
                format!("金额过大：{text}（须小于 1000000000000）"),
                format!("too large: {text} (must be below 1000000000000)"),
            ),
            Some(d) if d.scale() > 6 => self.problem(
                name,
                format!("小数位过多：{text}（最多 6 位）"),
                format!("too many decimal places: {text} (at most 6)"),
            ),
            Some(_) => {}
        }
        Some(Value::String(text))
    }

    fn kind(&mut self) -> Option<String> {
        let text = self.raw("kind").trim().to_owned();
        if KINDS.contains(&text.as_str()) {
            return Some(text);
        }
        if text.is_empty() {
            self.problem(
                "kind",
                "不能为空（service 或 part）",
                "must not be empty (service or part)",
            );
        } else {
            self.problem(
                "kind",
                format!("未知类型「{text}」（service 服务项目或 part 备件）"),
                format!("unknown kind `{text}` (service or part)"),
            );
        }
        None
    }
}

/// Reads a catalog table (as [`export`] writes it) into the bundle's `catalog` array, or
/// every problem found: a header without a required column (`id`, a name, `kind`, `price`),
/// an unknown or repeated column, a row of the wrong width, an empty or invalid id, an id
/// given twice, an empty name, an unknown kind, an amount that is not one. Cells are taken as
/// written, except ids, kinds and amounts, which are trimmed. Rows with every cell empty are
/// skipped.
pub fn import(text: &str) -> Result<Value, Vec<CsvProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(vec![CsvProblem::new(
                1,
                "id",
                "没有表头（第一行须为列名）",
                "there is no header (the first line names the columns)",
            )]);
        }
        Some(Err(err)) => return Err(vec![unreadable(1, &err)]),
        Some(Ok(cells)) => Header::read(&cells)?,
    };
    let mut problems = Vec::new();
    let mut items = Vec::new();
    // Each id read, with its line.
    let mut ids: Vec<(String, usize)> = Vec::new();
    for record in records {
        let cells = match record {
            Ok(cells) => cells,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line() as usize);
                problems.push(unreadable(line, &err));
                continue;
            }
        };
        let line = cells.position().map_or(0, |p| p.line() as usize);
        if cells.iter().all(str::is_empty) {
            continue;
        }
        let width = header.names.len();
        if cells.len() != width {
            // The first cell missing, or the first beyond the header.
            let column = header
                .names
                .get(cells.len())
                .cloned()
                .unwrap_or_else(|| (width + 1).to_string());
            problems.push(CsvProblem::new(
                line,
                &column,
                format!(
                    "这一行有 {} 列，表头有 {width} 列（含逗号、引号或换行的单元格要用双引号括起来）",
                    cells.len()
                ),
                format!(
                    "the row has {} cells; the header has {width} (quote cells that hold commas, quotes or line breaks)",
                    cells.len()
                ),
            ));
            continue;
        }
        // A cell under a column without a name would be lost.
        for (i, cell) in cells.iter().enumerate() {
            if !cell.is_empty() && !header.at.contains(&Some(i)) {
                problems.push(CsvProblem::new(
                    line,
                    &header.names[i],
                    "这一列没有列名，其内容无处可放",
                    "the column has no name, so its cell has nowhere to go",
                ));
            }
        }
        let mut row = RowReader {
            header: &header,
            cells: &cells,
            line,
            problems: &mut problems,
        };
        let id = row.id("id", true);
        let name = row.text("name_zh", "name_en", true);
        let kind = row.kind();
        let unit = row.text("unit_zh", "unit_en", false);
        let price = row.amount("price", true);
        let cost = row.amount("cost", false);
        let category = row.id("category", false);
        if let Some(id) = &id {
            if let Some((_, first)) = ids.iter().find(|(seen, _)| seen == id) {
                let first = *first;
                row.problem(
                    "id",
                    format!("id「{id}」与第 {first} 行重复"),
                    format!("the id `{id}` is already used on line {first}"),
                );
            } else {
                ids.push((id.clone(), line));
            }
        }
        let (Some(id), Some(name), Some(kind), Some(price)) = (id, name, kind, price) else {
            continue;
        };
        let mut item = Map::new();
        item.insert("id".to_owned(), Value::String(id));
        item.insert("name".to_owned(), name);
        item.insert("kind".to_owned(), Value::String(kind));
        if let Some(unit) = unit {
            item.insert("unit".to_owned(), unit);
        }
        item.insert("price".to_owned(), price);
        if let Some(cost) = cost {
            item.insert("cost".to_owned(), cost);
        }
        if let Some(category) = category {
            item.insert("category".to_owned(), Value::String(category));
        }
        items.push(Value::Object(item));
    }
    if problems.is_empty() {
        Ok(Value::Array(items))
    } else {
        Err(problems)
    }
}

fn unreadable(line: usize, err: &csv::Error) -> CsvProblem {
    CsvProblem {
        line,
        column: String::new(),
        message: Localized::new(
            format!("第 {line} 行无法读取：{err}"),
            format!("line {line} cannot be read: {err}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid_bundles() -> Vec<(String, Value)> {
        let dir = format!("{}/../../tests/bundles/valid", env!("CARGO_MANIFEST_DIR"));
        let mut found: Vec<(String, Value)> = std::fs::read_dir(dir)
            .expect("the corpus")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("readable");
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                (name, serde_json::from_str(&text).expect("json"))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// Export then import gives back `catalog`, and the engine accepts what comes back.
    fn round_trip(catalog: &Value) -> String {
        let text = export(catalog);
        let back = import(&text).unwrap_or_else(|p| panic!("{text}\n{p:#?}"));
        assert_eq!(&back, catalog, "{text}");
        // The same JSON, key order included.
        assert_eq!(
            serde_json::to_string(&back).expect("json"),
            serde_json::to_string(catalog).expect("json")
        );
        let bundle = json!({"schema_version": 2, "name": "c", "currency": "CNY", "catalog": back});
        assert!(jimu_core::Bundle::from_value(&bundle).is_ok(), "{text}");
        assert_eq!(export(&back), text);
        text
    }

    #[test]
    fn every_catalog_of_the_corpus_comes_back_the_same() {
        let mut seen = 0;
        for (name, bundle) in valid_bundles() {
            if let Some(catalog) = bundle.get("catalog") {
                eprintln!("{name}");
                round_trip(catalog);
                seen += 1;
            }
        }
        assert!(seen >= 10, "{seen} catalogs");
    }

    #[test]
    fn quotes_commas_and_line_breaks_in_names_come_back_the_same() {
        let catalog = json!([
            {"id": "a", "name": {"zh-CN": "空调\"大\"清洗，含, 逗号", "en": "AC \"deep\" clean, with commas"},
             "kind": "service", "unit": "次", "price": "120.00"},
            {"id": "b", "name": "第一行\n第二行\r\n第三行", "kind": "part",
             "unit": {"zh-CN": "个", "en": "piece"}, "price": "35", "cost": "12.500000", "category": "ac.parts"},
            {"id": "c", "name": {"zh-CN": "同名", "en": "同名"}, "kind": "part", "price": "0", "cost": "0.00"},
            {"id": "d", "name": " leading and trailing ", "kind": "service", "price": "999999999999.999999"},
            {"id": "e", "name": "=1+1", "kind": "service", "price": "-0"}
        ]);
        let text = round_trip(&catalog);
        assert!(text.starts_with("id,name_zh,name_en,kind,unit_zh,unit_en,price,cost,category\n"));
        // A name written once for both languages fills the Chinese cell only.
        assert!(text.contains("\nc,同名,同名,part,,,0,0.00,\n"), "{text}");
        assert!(text.contains("\ne,=1+1,,service,,,-0,,\n"), "{text}");
        // Anything but an array is a header alone, and a header alone is no item.
        assert_eq!(import(&export(&json!({"not": "a catalog"}))), Ok(json!([])));
    }

    #[test]
    fn a_table_from_a_spreadsheet_is_read_in_any_column_order() {
        let text = "\u{feff}price , kind,id,name_en\r\n 12.50 ,part, filter ,Filter\r\n,,,\r\n";
        assert_eq!(
            import(text),
            Ok(json!([{"id": "filter", "name": "Filter", "kind": "part", "price": "12.50"}]))
        );
    }

    /// A problem as `(line, column, English text)`.
    type Found<'t> = (usize, &'t str, &'t str);

    /// Imports `text` and compares the problems.
    fn check(text: &str, expected: &[Found<'_>]) {
        let problems = import(text).expect_err("problems");
        let got: Vec<Found<'_>> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str(), p.message.en.as_str()))
            .collect();
        assert_eq!(got, expected, "{text}");
        for p in &problems {
            assert!(
                p.message.zh_cn.starts_with(&format!("第 {} 行", p.line)),
                "{p:?}"
            );
        }
    }

    #[test]
    fn every_problem_names_its_line_and_column() {
        const HEAD: &str = "id,name_zh,name_en,kind,price,cost\n";
        let cases: &[(&str, &[Found<'_>])] = &[
            (
                "a,甲,A,service,abc,\nb,乙,,part,-1,1.1234567\n",
                &[
                    (
                        2,
                        "price",
                        "line 2, column `price`: `abc` is not an amount (e.g. 12.50)",
                    ),
                    (
                        3,
                        "price",
                        "line 3, column `price`: must not be negative: -1",
                    ),
                    (
                        3,
                        "cost",
                        "line 3, column `cost`: too many decimal places: 1.1234567 (at most 6)",
                    ),
                ],
            ),
            (
                "a,甲,,service,1,\n\"a\",\"乙\n两行\",,part,2,\nc,丙,,tool,1e3,\na,丁,,part,1000000000000,\n",
                &[
                    (
                        3,
                        "id",
                        "line 3, column `id`: the id `a` is already used on line 2",
                    ),
                    (
                        5,
                        "kind",
                        "line 5, column `kind`: unknown kind `tool` (service or part)",
                    ),
                    (
                        5,
                        "price",
                        "line 5, column `price`: `1e3` is not an amount (e.g. 12.50)",
                    ),
                    (
                        6,
                        "price",
                        "line 6, column `price`: too large: 1000000000000 (must be below 1000000000000)",
                    ),
                    (
                        6,
                        "id",
                        "line 6, column `id`: the id `a` is already used on line 2",
                    ),
                ],
            ),
            (
                ",,,,1,\na b,甲,,,,\n",
                &[
                    (2, "id", "line 2, column `id`: must not be empty"),
                    (2, "name_zh", "line 2, column `name_zh`: must not be empty"),
                    (
                        2,
                        "kind",
                        "line 2, column `kind`: must not be empty (service or part)",
                    ),
                    (
                        3,
                        "id",
                        "line 3, column `id`: invalid id `a b` (1–64 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit)",
                    ),
                    (
                        3,
                        "kind",
                        "line 3, column `kind`: must not be empty (service or part)",
                    ),
                    (3, "price", "line 3, column `price`: must not be empty"),
                ],
            ),
            (
                "a,甲,,service,1\nb,乙,,part,1,2,3\n",
                &[
                    (
                        2,
                        "cost",
                        "line 2, column `cost`: the row has 5 cells; the header has 6 (quote cells that hold commas, quotes or line breaks)",
                    ),
                    (
                        3,
                        "7",
                        "line 3, column `7`: the row has 7 cells; the header has 6 (quote cells that hold commas, quotes or line breaks)",
                    ),
                ],
            ),
        ];
        for (rows, expected) in cases {
            check(&format!("{HEAD}{rows}"), expected);
        }
        // The header's problems stop the reading.
        check(
            "id,name,kind,prcie,id\na,甲,part,1,a\n",
            &[
                (
                    1,
                    "name",
                    "line 1, column `name`: is not a catalog column (did you mean `name_en`?)",
                ),
                (
                    1,
                    "prcie",
                    "line 1, column `prcie`: is not a catalog column (did you mean `price`?)",
                ),
                (
                    1,
                    "id",
                    "line 1, column `id`: has the same name as column 1",
                ),
                (1, "price", "line 1, column `price`: the column is missing"),
                (
                    1,
                    "name_zh",
                    "line 1, column `name_zh`: the name column is missing (name_zh or name_en)",
                ),
            ],
        );
        check(
            "",
            &[(
                1,
                "id",
                "line 1, column `id`: there is no header (the first line names the columns)",
            )],
        );
        check(
            "id,name_zh,,kind,price\na,甲,x,part,1\n",
            &[(
                2,
                "3",
                "line 2, column `3`: the column has no name, so its cell has nowhere to go",
            )],
        );
    }
}
