//! The structural check: a JSON value against the JSON Schema generated from the format types.
//!
//! It interprets the subset of JSON Schema that `schemars` emits for our types (`$ref`,
//! `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
//! `oneOf`/`anyOf`, `minLength`, `minimum`/`maximum`, `minItems`, and our own `format`s) and
//! reports every violation with its JSON pointer, a stable code and a bilingual message.
//! Because the schema is generated from the same types serde reads, the two never drift.

use crate::bundle::limits;
use crate::money::Currency;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{DecimalRules, Diagnostics, Pointer, hint_for, read_decimal};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::str::FromStr;

/// Where the checker is, as a chain of borrowed segments: the JSON pointer string is only
/// built when there is a problem to report.
#[derive(Clone, Copy)]
pub(crate) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    fn root() -> Self {
        Self {
            parent: None,
            seg: Seg::Root,
        }
    }

    fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    fn index(&self, index: usize) -> Path<'_> {
        Path {
            parent: Some(self),
            seg: Seg::Index(index),
        }
    }

    /// The JSON pointer of this place.
    fn ptr(&self) -> Pointer {
        let mut segs = Vec::new();
        let mut here = Some(self);
        while let Some(path) = here {
            segs.push(path.seg);
            here = path.parent;
        }
        segs.iter().rev().fold(Pointer::root(), |p, seg| match seg {
            Seg::Root => p,
            Seg::Key(k) => p.key(k),
            Seg::Index(i) => p.index(*i),
        })
    }
}

/// The keywords of one schema object, read in a single pass over its entries (no hashing).
#[derive(Default)]
struct Keywords<'s> {
    reference: Option<&'s str>,
    konst: Option<&'s Value>,
    choices: Option<&'s Vec<Value>>,
    alternatives: Option<&'s Vec<Value>>,
    types: Option<&'s Value>,
    format: Option<&'s str>,
    min_length: bool,
    min_items: Option<u64>,
    items: Option<&'s Value>,
    properties: Option<&'s Map<String, Value>>,
    additional: Option<&'s Value>,
    required: Option<&'s Vec<Value>>,
    bounds: bool,
}

impl<'s> Keywords<'s> {
    fn of(schema: &'s Value) -> Self {
        let mut kw = Self::default();
        let Value::Object(map) = schema else {
            return kw;
        };
        for (key, value) in map {
            match key.as_str() {
                "$ref" => kw.reference = value.as_str(),
                "const" => kw.konst = Some(value),
                "enum" => kw.choices = value.as_array(),
                "oneOf" | "anyOf" => kw.alternatives = value.as_array(),
                "type" => kw.types = Some(value),
                "format" => kw.format = value.as_str(),
                "minLength" => kw.min_length = value.as_u64().is_some_and(|m| m > 0),
                "minItems" => kw.min_items = value.as_u64(),
                "items" => kw.items = Some(value),
                "properties" => kw.properties = value.as_object(),
                "additionalProperties" => kw.additional = Some(value),
                "required" => kw.required = value.as_array(),
                "minimum" | "maximum" => kw.bounds = true,
                _ => {}
            }
        }
        kw
    }

    fn types(&self) -> Option<Vec<&'s str>> {
        match self.types? {
            Value::String(t) => Some(vec![t.as_str()]),
            Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
            _ => None,
        }
    }
}

/// Checks values against one root schema (with its `$defs`).
pub(crate) struct SchemaChecker<'s> {
    root: &'s Value,
    /// Tagged unions met so far, by the address of their branch list: the tag property and
    /// each branch's tag value, so a union is analysed once and not at every value.
    unions: RefCell<HashMap<usize, Option<Rc<Union<'s>>>>>,
}

struct Union<'s> {
    tag: &'s str,
    branches: Vec<(&'s Value, &'s Value)>,
}

const TYPE_NAMES: &[(&str, &str, &str)] = &[
    ("string", "a string", "字符串"),
    ("object", "an object", "对象"),
    ("array", "an array", "数组"),
    ("number", "a number", "数字"),
    ("integer", "an integer", "整数"),
    ("boolean", "a boolean", "布尔值"),
    ("null", "null", "空值 null"),
];

fn type_label(name: &str) -> (&str, &str) {
    TYPE_NAMES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or((name, name), |(_, en, zh)| (*en, *zh))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_accepts(allowed: &str, value: &Value) -> bool {
    let actual = json_type(value);
    allowed == actual || (allowed == "number" && actual == "integer")
}

/// The types a schema accepts, when it says (`type` as a string or a list).
fn declared_types(schema: &Value) -> Option<Vec<&str>> {
    match schema.get("type")? {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

impl<'s> SchemaChecker<'s> {
    pub(crate) fn new(root: &'s Value) -> Self {
        Self {
            root,
            unions: RefCell::new(HashMap::new()),
        }
    }

    /// The tagged-union reading of a branch list (serde's internal tag), memoized.
    fn union(&self, list: &'s [Value]) -> Option<Rc<Union<'s>>> {
        let key = list.as_ptr() as usize;
        if let Some(known) = self.unions.borrow().get(&key) {
            return known.clone();
        }
        let branches: Vec<&'s Value> = list.iter().map(|b| self.resolve(b)).collect();
        let union = tag_property(&branches).map(|tag| {
            Rc::new(Union {
                tag,
                branches: branches
                    .iter()
                    .filter_map(|b| tag_const(b, tag).map(|c| (c, *b)))
                    .collect(),
            })
        });
        self.unions.borrow_mut().insert(key, union.clone());
        union
    }

    /// Follows `$ref`s into `$defs` (a bounded number of hops).
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            let Some(name) = reference.strip_prefix("#/$defs/") else {
                return schema;
            };
            match self.root.get("$defs").and_then(|defs| defs.get(name)) {
                Some(target) => schema = target,
                None => return schema,
            }
        }
        schema
    }

    pub(crate) fn check_root(&self, value: &Value, diag: &mut Diagnostics) {
        self.check(self.root, value, &Path::root(), diag);
    }

    fn check(&self, schema: &'s Value, value: &Value, at: &Path<'_>, diag: &mut Diagnostics) {
        let mut schema = schema;
        let mut kw = Keywords::of(schema);
        for _ in 0..16 {
            let Some(target) = kw.reference.and_then(|r| self.definition(r)) else {
                break;
            };
            schema = target;
            kw = Keywords::of(schema);
        }
        if let Some(expected) = kw.konst {
            if value != expected {
                self.not_one_of(value, &[expected], at, diag);
            }
            return;
        }
        if let Some(choices) = kw.choices {
            if !choices.contains(value) {
                let choices: Vec<&Value> = choices.iter().collect();
                self.not_one_of(value, &choices, at, diag);
            }
            return;
        }
        if let Some(branches) = kw.alternatives {
            self.check_alternatives(branches, value, at, diag);
            return;
        }
        if let Some(types) = kw.types()
            && !types.iter().any(|t| type_accepts(t, value))
        {
            let decimal = kw
                .format
                .is_some_and(|f| matches!(f, "money" | "signed-money" | "decimal"));
            wrong_type(&types, value, decimal, at, diag);
            return;
        }
        match value {
            Value::Object(map) => self.check_object(&kw, map, at, diag),
            Value::Array(items) => {
                if let Some(min) = kw.min_items
                    && (items.len() as u64) < min
                {
                    diag.error(
                        ProblemCode::InvalidValue,
                        &at.ptr(),
                        Localized::new(
                            format!("至少需要 {min} 项"),
                            format!("needs at least {min} entries"),
                        ),
                    );
                }
                if let Some(item_schema) = kw.items {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &at.index(i), diag);
                    }
                }
            }
            Value::String(text) => {
                if kw.min_length && text.trim().is_empty() {
                    diag.error(
                        ProblemCode::EmptyText,
                        &at.ptr(),
                        Localized::new("文字不能为空", "text must not be empty"),
                    );
                }
                if let Some(format) = kw.format {
                    check_format(format, value, text, at, diag);
                }
            }
            Value::Number(number) if kw.bounds => check_number_bounds(schema, number, at, diag),
            Value::Number(_) | Value::Null | Value::Bool(_) => {}
        }
    }

    /// The schema a `#/$defs/…` reference names.
    fn definition(&self, reference: &str) -> Option<&'s Value> {
        let name = reference.strip_prefix("#/$defs/")?;
        self.root.get("$defs")?.get(name)
    }

    fn check_object(
        &self,
        kw: &Keywords<'s>,
        map: &Map<String, Value>,
        at: &Path<'_>,
        diag: &mut Diagnostics,
    ) {
        let additional = kw.additional;
        for (key, child) in map {
            let child_at = at.key(key);
            if let Some(property) = kw.properties.and_then(|p| p.get(key)) {
                self.check(property, child, &child_at, diag);
            } else {
                match additional {
                    Some(Value::Bool(false)) => diag.push(
                        Problem::error(
                            ProblemCode::UnknownField,
                            child_at.ptr().as_str(),
                            Localized::new(
                                format!("未知字段「{key}」"),
                                format!("unknown field `{key}`"),
                            ),
                        )
                        .with_hint(hint_for(
                            key,
                            &kw.properties
                                .map(|p| p.keys().map(String::as_str).collect::<Vec<_>>())
                                .unwrap_or_default(),
                            ("可用字段", "known fields"),
                        )),
                    ),
                    Some(extra @ Value::Object(_)) => self.check(extra, child, &child_at, diag),
                    _ => {}
                }
            }
        }
        if let Some(required) = kw.required {
            for key in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(key) {
                    diag.error(
                        ProblemCode::MissingField,
                        &at.key(key).ptr(),
                        Localized::new(
                            format!("缺少必填字段「{key}」"),
                            format!("missing required field `{key}`"),
                        ),
                    );
                }
            }
        }
    }

    /// `oneOf`/`anyOf`: a tagged union picks its branch by the tag; a union of constants is an
    /// enum; otherwise the branch of the value's JSON type, or the one that fits best.
    fn check_alternatives(
        &self,
        branches: &'s [Value],
        value: &Value,
        at: &Path<'_>,
        diag: &mut Diagnostics,
    ) {
        if let (Value::Object(map), Some(union)) = (value, self.union(branches)) {
            let tag = union.tag;
            let tags: Vec<&Value> = union.branches.iter().map(|(c, _)| *c).collect();
            let Some(found) = map.get(tag) else {
                diag.push(
                    Problem::error(
                        ProblemCode::MissingField,
                        at.key(tag).ptr().as_str(),
                        Localized::new(
                            format!("缺少必填字段「{tag}」"),
                            format!("missing required field `{tag}`"),
                        ),
                    )
                    .with_hint(choices_hint(&tags)),
                );
                return;
            };
            match union.branches.iter().find(|(c, _)| *c == found) {
                Some((_, branch)) => self.check(branch, value, at, diag),
                None => self.not_one_of(found, &tags, &at.key(tag), diag),
            }
            return;
        }
        let branches: Vec<&'s Value> = branches.iter().map(|b| self.resolve(b)).collect();
        // A union of constants (an enum whose variants carry docs).
        let constants: Option<Vec<&Value>> = branches.iter().map(|b| b.get("const")).collect();
        if let Some(constants) = constants {
            if !constants.contains(&value) {
                self.not_one_of(value, &constants, at, diag);
            }
            return;
        }
        let fitting: Vec<&'s Value> = branches
            .iter()
            .copied()
            .filter(|b| {
                declared_types(b).is_none_or(|types| types.iter().any(|t| type_accepts(t, value)))
            })
            .collect();
        match fitting.as_slice() {
            [] => {
                let mut types: Vec<&str> = branches
                    .iter()
                    .filter_map(|b| declared_types(b))
                    .flatten()
                    .collect();
                types.dedup();
                wrong_type(&types, value, false, at, diag);
            }
            [only] => self.check(only, value, at, diag),
            several => {
                // Several branches take this JSON type: report the one that fits best.
                let mut best: Option<Diagnostics> = None;
                for branch in several {
                    let mut trial = Diagnostics::default();
                    self.check(branch, value, at, &mut trial);
                    if !trial.has_errors() {
                        return;
                    }
                    if best.as_ref().is_none_or(|b| trial.len() < b.len()) {
                        best = Some(trial);
                    }
                }
                if let Some(best) = best {
                    for problem in best.into_problems() {
                        diag.push(problem);
                    }
                }
            }
        }
    }

    fn not_one_of(&self, value: &Value, choices: &[&Value], at: &Path<'_>, diag: &mut Diagnostics) {
        let names: Vec<String> = choices.iter().map(|c| display(c)).collect();
        let shown = display(value);
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        diag.push(
            Problem::error(
                ProblemCode::UnknownVariant,
                at.ptr().as_str(),
                Localized::new(
                    format!("「{shown}」不是可选值之一：{}", names.join("、")),
                    format!("`{shown}` is not one of: {}", names.join(", ")),
                ),
            )
            .with_hint(hint_for(&shown, &name_refs, ("可选值", "choose one of"))),
        );
    }
}

/// The property every object branch fixes with a `const` (serde's internal tag), if any.
fn tag_property<'a>(branches: &[&'a Value]) -> Option<&'a str> {
    let first = branches.first()?.get("properties")?.as_object()?;
    first
        .iter()
        .filter(|(_, p)| p.get("const").is_some())
        .map(|(k, _)| k.as_str())
        .find(|key| branches.iter().all(|b| tag_const(b, key).is_some()))
}

fn tag_const<'a>(branch: &'a Value, tag: &str) -> Option<&'a Value> {
    branch.get("properties")?.get(tag)?.get("const")
}

fn choices_hint(choices: &[&Value]) -> Localized {
    let names: Vec<String> = choices.iter().map(|c| display(c)).collect();
    Localized::new(
        format!("可选值：{}", names.join("、")),
        format!("choose one of: {}", names.join(", ")),
    )
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `decimal`: the value should have been a decimal string, so a number gets the string hint.
fn wrong_type(types: &[&str], value: &Value, decimal: bool, at: &Path<'_>, diag: &mut Diagnostics) {
    let expected: Vec<(&str, &str)> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| type_label(t))
        .collect();
    let (found_en, found_zh) = type_label(json_type(value));
    let en: Vec<&str> = expected.iter().map(|e| e.0).collect();
    let zh: Vec<&str> = expected.iter().map(|e| e.1).collect();
    let mut problem = Problem::error(
        ProblemCode::WrongType,
        at.ptr().as_str(),
        Localized::new(
            format!("应为{}，实际是{}", zh.join("或"), found_zh),
            format!("expected {}, found {}", en.join(" or "), found_en),
        ),
    );
    if let Value::Number(n) = value
        && decimal
    {
        problem = problem.with_hint(Localized::new(
            format!("金额和小数请写成字符串，例如 \"{n}\""),
            format!("write amounts and decimals as strings, e.g. \"{n}\""),
        ));
    }
    diag.push(problem);
}

fn check_number_bounds(
    schema: &Value,
    number: &serde_json::Number,
    at: &Path<'_>,
    diag: &mut Diagnostics,
) {
    let Ok(n) = Decimal::from_str(&crate::reader::number_text(number)) else {
        return;
    };
    let bound = |key: &str| {
        schema
            .get(key)
            .and_then(|b| Decimal::from_str(&b.to_string()).ok())
    };
    let too_small = bound("minimum").filter(|min| n < *min);
    let too_large = bound("maximum").filter(|max| n > *max);
    if let Some(min) = too_small {
        diag.error(
            ProblemCode::OutOfRange,
            &at.ptr(),
            Localized::new(
                format!("不能小于 {min}：{n}"),
                format!("must be at least {min}: {n}"),
            ),
        );
    } else if let Some(max) = too_large {
        diag.error(
            ProblemCode::OutOfRange,
            &at.ptr(),
            Localized::new(
                format!("不能大于 {max}：{n}"),
                format!("must be at most {max}: {n}"),
            ),
        );
    }
}

const LIMIT: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0); // 1e12

fn check_format(format: &str, value: &Value, text: &str, at: &Path<'_>, diag: &mut Diagnostics) {
    let decimal = |allow_negative, max_scale| DecimalRules {
        allow_number: false,
        allow_negative,
        max_scale,
        max_abs: LIMIT,
    };
    let invalid =
        |diag: &mut Diagnostics, code, zh: String, en: String, hint: Option<(&str, &str)>| {
            let mut problem = Problem::error(code, at.ptr().as_str(), Localized::new(zh, en));
            if let Some((zh, en)) = hint {
                problem = problem.with_hint(Localized::new(zh, en));
            }
            diag.push(problem);
        };
    match format {
        "money" => {
            read_decimal(value, &at.ptr(), decimal(false, 6), diag);
        }
        "signed-money" => {
            read_decimal(value, &at.ptr(), decimal(true, 6), diag);
        }
        "decimal" => {
            read_decimal(value, &at.ptr(), decimal(true, 10), diag);
        }
        "jimu-id" if !limits::valid_id(text) => {
            invalid(
                diag,
                ProblemCode::InvalidId,
                format!("无效的 id「{text}」"),
                format!("invalid id `{text}`"),
                Some((
                    "id 为 1–64 个英文字母、数字、_、- 或 .，以字母或数字开头",
                    "an id is 1–64 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit",
                )),
            );
        }
        "currency" if Currency::find(text).is_none() => {
            let known: Vec<&str> = Currency::codes().collect();
            diag.push(
                Problem::error(
                    ProblemCode::UnknownCurrency,
                    at.ptr().as_str(),
                    Localized::new(
                        format!("未知币种「{text}」"),
                        format!("unknown currency `{text}`"),
                    ),
                )
                .with_hint(hint_for(
                    text,
                    &known,
                    ("可用币种", "known currencies"),
                )),
            );
        }
        "time-zone" if chrono_tz::Tz::from_str(text).is_err() => {
            invalid(
                diag,
                ProblemCode::InvalidTimeZone,
                format!("未知时区「{text}」"),
                format!("unknown time zone `{text}`"),
                Some((
                    "请使用 IANA 时区名，例如 Asia/Shanghai",
                    "use an IANA name such as Asia/Shanghai",
                )),
            );
        }
        "time" if limits::minutes_of_day(text).is_none() => {
            invalid(
                diag,
                ProblemCode::InvalidTime,
                format!("无效的时刻「{text}」"),
                format!("invalid time of day `{text}`"),
                Some((
                    "格式为 HH:MM，00:00 到 24:00",
                    "write HH:MM, from 00:00 to 24:00",
                )),
            );
        }
        "date"
            if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() || text.len() != 10 =>
        {
            invalid(
                diag,
                ProblemCode::InvalidDate,
                format!("无效的日期「{text}」"),
                format!("invalid date `{text}`"),
                Some(("格式为 YYYY-MM-DD", "write YYYY-MM-DD")),
            );
        }
        "date-time" if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
            invalid(
                diag,
                ProblemCode::InvalidInstant,
                format!("无效的时间点「{text}」"),
                format!("invalid instant `{text}`"),
                Some((
                    "使用带时区偏移的 RFC 3339，例如 2026-11-11T00:00:00+08:00",
                    "use RFC 3339 with an offset, e.g. 2026-11-11T00:00:00+08:00",
                )),
            );
        }
        "duration" if crate::format::duration_minutes(text).is_none() => {
            invalid(
                diag,
                ProblemCode::InvalidDuration,
                format!("无效的时长「{text}」"),
                format!("invalid duration `{text}`"),
                Some((
                    "例如 15m、2h、1h30m、3d",
                    "for example 15m, 2h, 1h30m or 3d",
                )),
            );
        }
        "expression" if text.trim().is_empty() => {
            invalid(
                diag,
                ProblemCode::ExpressionSyntax,
                "表达式不能为空".to_owned(),
                "the expression is empty".to_owned(),
                None,
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, value: Value) -> Vec<(ProblemCode, String, Option<String>)> {
        let mut diag = Diagnostics::default();
        SchemaChecker::new(&schema).check_root(&value, &mut diag);
        diag.into_problems()
            .into_iter()
            .map(|p| (p.code, p.path, p.hint.map(|h| h.en)))
            .collect()
    }

    fn tagged() -> Value {
        json!({
            "$defs": {
                "Node": { "oneOf": [
                    { "type": "object", "additionalProperties": false, "required": ["kind", "to"],
                      "properties": { "kind": { "type": "string", "const": "task" }, "to": { "type": "string" } } },
                    { "type": "object", "additionalProperties": false, "required": ["kind"],
                      "properties": { "kind": { "type": "string", "const": "end" } } }
                ] }
            },
            "type": "array", "items": { "$ref": "#/$defs/Node" }
        })
    }

    #[test]
    fn a_tagged_union_checks_the_branch_its_tag_names() {
        let got = check(
            tagged(),
            json!([{ "kind": "task" }, { "kind": "end", "to": "x" }, { "kind": "tsak" }, { "to": "x" }, {"kind": "end"}]),
        );
        assert_eq!(
            got,
            vec![
                (ProblemCode::MissingField, "/0/to".into(), None),
                (
                    ProblemCode::UnknownField,
                    "/1/to".into(),
                    Some("known fields: kind".into())
                ),
                (
                    ProblemCode::UnknownVariant,
                    "/2/kind".into(),
                    Some("did you mean `task`?".into())
                ),
                (
                    ProblemCode::MissingField,
                    "/3/kind".into(),
                    Some("choose one of: task, end".into())
                ),
            ]
        );
    }

    #[test]
    fn an_untagged_union_picks_the_branch_of_the_json_type() {
        let schema = json!({
            "anyOf": [
                { "type": "string", "minLength": 1 },
                { "type": "object", "additionalProperties": false, "required": ["en"], "properties": { "en": { "type": "string" } } }
            ]
        });
        assert_eq!(check(schema.clone(), json!("ok")), vec![]);
        assert_eq!(
            check(schema.clone(), json!("")),
            vec![(ProblemCode::EmptyText, String::new(), None)]
        );
        assert_eq!(
            check(schema.clone(), json!({})),
            vec![(ProblemCode::MissingField, "/en".into(), None)]
        );
        assert_eq!(
            check(schema, json!(3)),
            vec![(ProblemCode::WrongType, String::new(), None)]
        );
    }

    #[test]
    fn formats_and_bounds_are_enforced() {
        let schema = json!({ "type": "object", "properties": {
            "tz": { "type": "string", "format": "time-zone" },
            "at": { "type": "string", "format": "time" },
            "on": { "type": "string", "format": "date" },
            "when": { "type": "string", "format": "date-time" },
            "wait": { "type": "string", "format": "duration" },
            "rate": { "type": "string", "format": "decimal" },
            "n": { "type": "integer", "minimum": 1, "maximum": 5 }
        }});
        let got = check(
            schema,
            json!({ "tz": "Asia/Shanghia", "at": "24:30", "on": "2026-02-30", "when": "2026-11-11 00:00",
                    "wait": "2x", "rate": 0.5, "n": 7 }),
        );
        let codes: Vec<ProblemCode> = got.iter().map(|g| g.0).collect();
        assert_eq!(
            codes,
            [
                ProblemCode::InvalidTimeZone,
                ProblemCode::InvalidTime,
                ProblemCode::InvalidDate,
                ProblemCode::InvalidInstant,
                ProblemCode::InvalidDuration,
                ProblemCode::WrongType,
                ProblemCode::OutOfRange
            ]
        );
        assert_eq!(
            got[5].2.as_deref(),
            Some("write amounts and decimals as strings, e.g. \"0.5\"")
        );
    }
}
