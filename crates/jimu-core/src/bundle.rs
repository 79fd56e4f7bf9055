//! The bundle: the one JSON document that carries everything an admin configures.
//!
//! This is the first version of the format: `schema_version`, a currency, optional rounding
//! and a catalog of priced items. Reading it validates it completely: a `Bundle` value only
//! exists for a document without errors.

use crate::money::{Currency, Rounding};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{
    DecimalRules, Diagnostics, ObjectReader, Pointer, hint_for, parse_json, read_array,
    read_decimal, read_str, wrong_type,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The schema version this engine reads and writes.
pub const SCHEMA_VERSION: u64 = 1;

/// Prices and costs are below one trillion and carry at most six decimals
/// (unit prices may be finer than a cent; line amounts are rounded).
pub(crate) const PRICE_RULES: DecimalRules = DecimalRules {
    allow_number: false,
    allow_negative: false,
    max_scale: 6,
    max_abs: Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0), // 1e12
};

/// A validated bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub schema_version: u64,
    pub name: Option<String>,
    pub currency: Currency,
    pub rounding: Rounding,
    pub catalog: Vec<CatalogItem>,
    index: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 项目库: a service item (labour, a call-out, a cleaning).
    Service,
    /// 备件库: a spare part.
    Part,
}

impl ItemKind {
    const NAMES: &'static [&'static str] = &["service", "part"];

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "service" => Some(Self::Service),
            "part" => Some(Self::Part),
            _ => None,
        }
    }
}

/// One priced entry of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogItem {
    pub id: String,
    pub name: Localized,
    pub kind: ItemKind,
    pub unit: Option<Localized>,
    pub price: Decimal,
}

impl Bundle {
    /// Reads and validates a bundle from JSON text.
    pub fn from_json(text: &str) -> Result<Self, Vec<Problem>> {
        let value = parse_json(text)?;
        Self::from_value(&value)
    }

    /// Reads and validates a bundle from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let bundle = read_bundle(value, &mut diag);
        diag.finish(bundle)
    }

    pub fn item(&self, id: &str) -> Option<&CatalogItem> {
        self.index.get(id).and_then(|&i| self.catalog.get(i))
    }

    /// Every catalog id, in id order.
    pub fn item_ids(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }
}

const BUNDLE_FIELDS: &[&str] = &[
    "schema_version",
    "name",
    "description",
    "currency",
    "rounding",
    "catalog",
];
const ITEM_FIELDS: &[&str] = &["id", "name", "kind", "unit", "price"];

fn read_bundle(value: &Value, diag: &mut Diagnostics) -> Option<Bundle> {
    let root = Pointer::root();
    // An unknown version means we do not know the rest of the format: check it before
    // anything else and stop there, rather than bury the one real problem under guesses.
    if let Value::Object(map) = value {
        read_schema_version(map.get("schema_version"), &root, diag)?;
    }
    let obj = ObjectReader::open(value, &root, BUNDLE_FIELDS, diag)?;

    let name = obj
        .optional("name")
        .and_then(|(v, at)| read_str(v, &at, diag))
        .map(str::to_owned);
    if let Some((v, at)) = obj.optional("description") {
        read_localized(v, &at, diag);
    }
    let currency = obj
        .required("currency", diag)
        .and_then(|(v, at)| read_currency(v, &at, diag));
    let rounding = match obj.optional("rounding") {
        None => Some(Rounding::default()),
        Some((v, at)) => read_choice(v, &at, Rounding::NAMES, Rounding::from_name, diag),
    };
    let catalog = obj
        .required("catalog", diag)
        .and_then(|(v, at)| read_catalog(v, &at, diag));

    let (catalog, index) = catalog?;
    Some(Bundle {
        schema_version: SCHEMA_VERSION,
        name,
        currency: currency?,
        rounding: rounding?,
        catalog,
        index,
    })
}

fn read_schema_version(
    value: Option<&Value>,
    root: &Pointer,
    diag: &mut Diagnostics,
) -> Option<u64> {
    let at = root.key("schema_version");
    let Some(value) = value else {
        diag.error(
            ProblemCode::MissingField,
            &at,
            Localized::new(
                "缺少必填字段「schema_version」",
                "missing required field `schema_version`",
            ),
        );
        return None;
    };
    if value.as_u64() == Some(SCHEMA_VERSION) {
        return Some(SCHEMA_VERSION);
    }
    diag.push(
        Problem::error(
            ProblemCode::UnsupportedSchemaVersion,
            at.as_str(),
            Localized::new(
                format!("不支持的 schema_version：{value}"),
                format!("unsupported schema_version: {value}"),
            ),
        )
        .with_hint(Localized::new(
            format!("本引擎读取 schema_version {SCHEMA_VERSION}"),
            format!("this engine reads schema_version {SCHEMA_VERSION}"),
        )),
    );
    None
}

fn read_currency(value: &Value, at: &Pointer, diag: &mut Diagnostics) -> Option<Currency> {
    let code = read_str(value, at, diag)?;
    let currency = Currency::find(code);
    if currency.is_none() {
        let known: Vec<&str> = Currency::codes().collect();
        diag.push(
            Problem::error(
                ProblemCode::UnknownCurrency,
                at.as_str(),
                Localized::new(
                    format!("未知币种「{code}」"),
                    format!("unknown currency `{code}`"),
                ),
            )
            .with_hint(Localized::new(
                format!("可用币种：{}", known.join("、")),
                format!("known currencies: {}", known.join(", ")),
            )),
        );
    }
    currency
}

/// Reads one of a fixed set of names (an enum in the format).
pub(crate) fn read_choice<T>(
    value: &Value,
    at: &Pointer,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
    diag: &mut Diagnostics,
) -> Option<T> {
    let name = read_str(value, at, diag)?;
    let choice = parse(name);
    if choice.is_none() {
        diag.push(
            Problem::error(
                ProblemCode::UnknownVariant,
                at.as_str(),
                Localized::new(
                    format!("「{name}」不是可选值之一：{}", names.join("、")),
                    format!("`{name}` is not one of: {}", names.join(", ")),
                ),
            )
            .with_hint(hint_for(name, names, ("可选值", "choose one of"))),
        );
    }
    choice
}

/// A label: either one string for both languages, or `{"zh-CN": …, "en": …}`.
pub(crate) fn read_localized(
    value: &Value,
    at: &Pointer,
    diag: &mut Diagnostics,
) -> Option<Localized> {
    match value {
        Value::String(text) => {
            non_empty(text, at, diag)?;
            Some(Localized::new(text.clone(), text.clone()))
        }
        Value::Object(_) => {
            let obj = ObjectReader::open(value, at, &["zh-CN", "en"], diag)?;
            let mut side = |key: &str| {
                let (v, at) = obj.required(key, diag)?;
                let text = read_str(v, &at, diag)?;
                non_empty(text, &at, diag)?;
                Some(text.to_owned())
            };
            let zh_cn = side("zh-CN");
            let en = side("en");
            Some(Localized::new(zh_cn?, en?))
        }
        other => {
            wrong_type(
                diag,
                at,
                (
                    "a string or an object with `zh-CN` and `en`",
                    "字符串，或含「zh-CN」和「en」的对象",
                ),
                other,
            );
            None
        }
    }
}

fn non_empty(text: &str, at: &Pointer, diag: &mut Diagnostics) -> Option<()> {
    if text.trim().is_empty() {
        diag.error(
            ProblemCode::EmptyText,
            at,
            Localized::new("文字不能为空", "text must not be empty"),
        );
        return None;
    }
    Some(())
}

/// Ids are chosen by authors and referenced everywhere: 1–64 ASCII letters, digits, `_`,
/// `-` or `.`, starting with a letter or digit.
pub(crate) fn read_id(value: &Value, at: &Pointer, diag: &mut Diagnostics) -> Option<String> {
    let id = read_str(value, at, diag)?;
    let mut chars = id.chars();
    let valid = id.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid {
        diag.push(
            Problem::error(
                ProblemCode::InvalidId,
                at.as_str(),
                Localized::new(format!("无效的 id「{id}」"), format!("invalid id `{id}`")),
            )
            .with_hint(Localized::new(
                "id 为 1–64 个英文字母、数字、_、- 或 .，以字母或数字开头",
                "an id is 1–64 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit",
            )),
        );
        return None;
    }
    Some(id.to_owned())
}

type Catalog = (Vec<CatalogItem>, BTreeMap<String, usize>);

fn read_catalog(value: &Value, at: &Pointer, diag: &mut Diagnostics) -> Option<Catalog> {
    let entries = read_array(value, at, diag)?;
    let mut items = Vec::with_capacity(entries.len());
    let mut index = BTreeMap::new();
    let mut first_seen: BTreeMap<String, Pointer> = BTreeMap::new();
    let mut complete = true;
    for (i, entry) in entries.iter().enumerate() {
        let item_at = at.index(i);
        let Some(item) = read_item(entry, &item_at, diag) else {
            complete = false;
            continue;
        };
        let id_at = item_at.key("id");
        if let Some(first) = first_seen.get(&item.id) {
            diag.error(
                ProblemCode::DuplicateId,
                &id_at,
                Localized::new(
                    format!("id「{}」重复，已在 {} 使用", item.id, first.as_str()),
                    format!(
                        "duplicate id `{}`, already used at {}",
                        item.id,
                        first.as_str()
                    ),
                ),
            );
            complete = false;
            continue;
        }
        first_seen.insert(item.id.clone(), id_at);
        index.insert(item.id.clone(), items.len());
        items.push(item);
    }
    complete.then_some((items, index))
}

fn read_item(value: &Value, at: &Pointer, diag: &mut Diagnostics) -> Option<CatalogItem> {
    let obj = ObjectReader::open(value, at, ITEM_FIELDS, diag)?;
    let id = obj
        .required("id", diag)
        .and_then(|(v, at)| read_id(v, &at, diag));
    let name = obj
        .required("name", diag)
        .and_then(|(v, at)| read_localized(v, &at, diag));
    let kind = obj
        .required("kind", diag)
        .and_then(|(v, at)| read_choice(v, &at, ItemKind::NAMES, ItemKind::from_name, diag));
    let unit = match obj.optional("unit") {
        None => Some(None),
        Some((v, at)) => read_localized(v, &at, diag).map(Some),
    };
    let price = obj
        .required("price", diag)
        .and_then(|(v, at)| read_decimal(v, &at, PRICE_RULES, diag));
    Some(CatalogItem {
        id: id?,
        name: name?,
        kind: kind?,
        unit: unit?,
        price: price?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProblemCode as C;

    fn problems(text: &str) -> Vec<(ProblemCode, String)> {
        match Bundle::from_json(text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| (p.code, p.path)).collect(),
        }
    }

    #[test]
    fn price_limit_constant_is_one_trillion() {
        assert_eq!(PRICE_RULES.max_abs.to_string(), "1000000000000");
    }

    #[test]
    fn reports_every_problem_at_once_with_pointers() {
        let got = problems(
            r#"{"schema_version":1,"currency":"RMB","catalog":[
                {"id":"a","name":"A","kind":"service","price":"-1"},
                {"id":"a","name":{"zh-CN":"乙"},"kind":"servise","price":12.5,"prcie":"1"},
                {"id":"b c","name":"","kind":"part","price":"abc"}
            ]}"#,
        );
        assert_eq!(
            got,
            vec![
                (C::UnknownCurrency, "/currency".into()),
                (C::Negative, "/catalog/0/price".into()),
                (C::UnknownField, "/catalog/1/prcie".into()),
                (C::MissingField, "/catalog/1/name/en".into()),
                (C::UnknownVariant, "/catalog/1/kind".into()),
                (C::WrongType, "/catalog/1/price".into()),
                (C::InvalidId, "/catalog/2/id".into()),
                (C::EmptyText, "/catalog/2/name".into()),
                (C::InvalidDecimal, "/catalog/2/price".into()),
            ]
        );
    }

    #[test]
    fn duplicate_ids_point_at_the_second_and_name_the_first() {
        let err = Bundle::from_json(
            r#"{"schema_version":1,"currency":"CNY","catalog":[
                {"id":"a","name":"A","kind":"service","price":"1"},
                {"id":"a","name":"B","kind":"part","price":"2"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].code, C::DuplicateId);
        assert_eq!(err[0].path, "/catalog/1/id");
        assert!(
            err[0].message.en.contains("/catalog/0/id"),
            "{}",
            err[0].message.en
        );
    }

    #[test]
    fn unknown_schema_version_is_the_only_problem_reported() {
        assert_eq!(
            problems(r#"{"schema_version":2,"catalog":"nonsense"}"#),
            vec![(C::UnsupportedSchemaVersion, "/schema_version".into())]
        );
        assert_eq!(
            problems(r#"{"catalog":[]}"#),
            vec![(C::MissingField, "/schema_version".into())]
        );
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = Bundle::from_json("{\n  \"schema_version\": 1,\n  oops\n}").unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].code, C::JsonSyntax);
        assert_eq!((err[0].line, err[0].column), (Some(3), Some(3)));
        assert_eq!(
            err[0].message.zh_cn,
            "JSON 格式错误：第 3 行第 3 列对象的键必须是带双引号的字符串"
        );
    }

    #[test]
    fn non_object_documents_are_a_wrong_type_at_the_root() {
        assert_eq!(problems("[]"), vec![(C::WrongType, String::new())]);
        assert_eq!(problems("null"), vec![(C::WrongType, String::new())]);
    }

    #[test]
    fn a_valid_bundle_reads_fully() {
        let bundle = Bundle::from_json(
            r#"{"schema_version":1,"name":"demo","currency":"CNY","rounding":"half_even","catalog":[
                {"id":"ac-clean","name":{"zh-CN":"空调清洗","en":"AC cleaning"},"kind":"service","unit":"次","price":"120.00"}]}"#,
        )
        .unwrap();
        assert_eq!(bundle.rounding, Rounding::HalfEven);
        let item = bundle.item("ac-clean").unwrap();
        assert_eq!(item.name.get("zh-CN"), "空调清洗");
        assert_eq!(item.price.to_string(), "120.00");
        assert!(bundle.item("nope").is_none());
    }
}
