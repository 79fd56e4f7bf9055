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
use std::str::FromStr;

/// Checks values against one root schema (with its `$defs`).
pub(crate) struct SchemaChecker<'s> {
    root: &'s Value,
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
        Self { root }
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
        self.check(self.root, value, &Pointer::root(), diag);
    }

    pub(crate) fn check(
        &self,
        schema: &'s Value,
        value: &Value,
        at: &Pointer,
        diag: &mut Diagnostics,
    ) {
        let schema = self.resolve(schema);
        if let Some(expected) = schema.get("const") {
            if value != expected {
                self.not_one_of(value, &[expected], at, diag);
            }
            return;
        }
        if let Some(Value::Array(choices)) = schema.get("enum") {
            if !choices.contains(value) {
                let choices: Vec<&Value> = choices.iter().collect();
                self.not_one_of(value, &choices, at, diag);
            }
            return;
        }
        if let Some(Value::Array(branches)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
            self.check_alternatives(branches, value, at, diag);
            return;
        }
        if let Some(types) = declared_types(schema)
            && !types.iter().any(|t| type_accepts(t, value))
        {
            let decimal = schema
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| matches!(f, "money" | "signed-money" | "decimal"));
            wrong_type(&types, value, decimal, at, diag);
            return;
        }
        match value {
            Value::Object(map) => self.check_object(schema, map, at, diag),
            Value::Array(items) => {
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                    && (items.len() as u64) < min
                {
                    diag.error(
                        ProblemCode::InvalidValue,
                        at,
                        Localized::new(
                            format!("至少需要 {min} 项"),
                            format!("needs at least {min} entries"),
                        ),
                    );
                }
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &at.index(i), diag);
                    }
                }
            }
            Value::String(text) => {
                if schema
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| m > 0)
                    && text.trim().is_empty()
                {
                    diag.error(
                        ProblemCode::EmptyText,
                        at,
                        Localized::new("文字不能为空", "text must not be empty"),
                    );
                }
                if let Some(format) = schema.get("format").and_then(Value::as_str) {
                    check_format(format, value, text, at, diag);
                }
            }
            Value::Number(number) => check_number_bounds(schema, number, at, diag),
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn check_object(
        &self,
        schema: &'s Value,
        map: &Map<String, Value>,
        at: &Pointer,
        diag: &mut Diagnostics,
    ) {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let known: Vec<&str> = properties.keys().map(String::as_str).collect();
        let additional = schema.get("additionalProperties");
        for (key, child) in map {
            let child_at = at.key(key);
            if let Some(property) = properties.get(key) {
                self.check(property, child, &child_at, diag);
            } else {
                match additional {
                    Some(Value::Bool(false)) => diag.push(
                        Problem::error(
                            ProblemCode::UnknownField,
                            child_at.as_str(),
                            Localized::new(
                                format!("未知字段「{key}」"),
                                format!("unknown field `{key}`"),
                            ),
                        )
                        .with_hint(hint_for(
                            key,
                            &known,
                            ("可用字段", "known fields"),
                        )),
                    ),
                    Some(extra @ Value::Object(_)) => self.check(extra, child, &child_at, diag),
                    _ => {}
                }
            }
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            for key in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(key) {
                    diag.error(
                        ProblemCode::MissingField,
                        &at.key(key),
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
        at: &Pointer,
        diag: &mut Diagnostics,
    ) {
        let branches: Vec<&'s Value> = branches.iter().map(|b| self.resolve(b)).collect();
        // A union of constants (an enum whose variants carry docs).
        let constants: Option<Vec<&Value>> = branches.iter().map(|b| b.get("const")).collect();
        if let Some(constants) = constants {
            if !constants.contains(&value) {
                self.not_one_of(value, &constants, at, diag);
            }
            return;
        }
        if let (Value::Object(map), Some(tag)) = (value, tag_property(&branches)) {
            let tags: Vec<&Value> = branches.iter().filter_map(|b| tag_const(b, tag)).collect();
            let Some(found) = map.get(tag) else {
                diag.push(
                    Problem::error(
                        ProblemCode::MissingField,
                        at.key(tag).as_str(),
                        Localized::new(
                            format!("缺少必填字段「{tag}」"),
                            format!("missing required field `{tag}`"),
                        ),
                    )
                    .with_hint(choices_hint(&tags)),
                );
                return;
            };
            match branches.iter().find(|b| tag_const(b, tag) == Some(found)) {
                Some(branch) => self.check(branch, value, at, diag),
                None => self.not_one_of(found, &tags, &at.key(tag), diag),
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

    fn not_one_of(&self, value: &Value, choices: &[&Value], at: &Pointer, diag: &mut Diagnostics) {
        let names: Vec<String> = choices.iter().map(|c| display(c)).collect();
        let shown = display(value);
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        diag.push(
            Problem::error(
                ProblemCode::UnknownVariant,
                at.as_str(),
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
fn wrong_type(types: &[&str], value: &Value, decimal: bool, at: &Pointer, diag: &mut Diagnostics) {
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
        at.as_str(),
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
    at: &Pointer,
    diag: &mut Diagnostics,
) {
    let Ok(n) = Decimal::from_str(&number.to_string()) else {
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
            at,
            Localized::new(
                format!("不能小于 {min}：{n}"),
                format!("must be at least {min}: {n}"),
            ),
        );
    } else if let Some(max) = too_large {
        diag.error(
            ProblemCode::OutOfRange,
            at,
            Localized::new(
                format!("不能大于 {max}：{n}"),
                format!("must be at most {max}: {n}"),
            ),
        );
    }
}

const LIMIT: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0); // 1e12

fn check_format(format: &str, value: &Value, text: &str, at: &Pointer, diag: &mut Diagnostics) {
    let decimal = |allow_negative, max_scale| DecimalRules {
        allow_number: false,
        allow_negative,
        max_scale,
        max_abs: LIMIT,
    };
    let invalid =
        |diag: &mut Diagnostics, code, zh: String, en: String, hint: Option<(&str, &str)>| {
            let mut problem = Problem::error(code, at.as_str(), Localized::new(zh, en));
            if let Some((zh, en)) = hint {
                problem = problem.with_hint(Localized::new(zh, en));
            }
            diag.push(problem);
        };
    match format {
        "money" => {
            read_decimal(value, at, decimal(false, 6), diag);
        }
        "signed-money" => {
            read_decimal(value, at, decimal(true, 6), diag);
        }
        "decimal" => {
            read_decimal(value, at, decimal(true, 10), diag);
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
                    at.as_str(),
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
