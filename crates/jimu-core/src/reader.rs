//! Reading untrusted JSON into the model: every problem is collected with its JSON pointer.
//!
//! The readers never stop at the first problem; they report and carry on with what they can
//! still read, so a person fixing a bundle sees all of its problems at once.

use crate::problem::{Localized, Problem, ProblemCode};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;

/// An RFC 6901 JSON pointer, built up while walking a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pointer(String);

impl Pointer {
    pub(crate) fn root() -> Self {
        Self(String::new())
    }

    pub(crate) fn key(&self, key: &str) -> Self {
        let mut pointer = String::with_capacity(self.0.len() + key.len() + 1);
        pointer.push_str(&self.0);
        pointer.push('/');
        if key.contains(['~', '/']) {
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        } else {
            pointer.push_str(key);
        }
        Self(pointer)
    }

    pub(crate) fn index(&self, index: usize) -> Self {
        let mut digits = [0_u8; 20];
        let mut n = index;
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(d) = digits.get_mut(start) {
                // n % 10 < 10, so the cast cannot truncate.
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || start == 0 {
                break;
            }
        }
        let mut pointer = String::with_capacity(self.0.len() + 21);
        pointer.push_str(&self.0);
        pointer.push('/');
        pointer.push_str(
            std::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or_default(),
        );
        Self(pointer)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Collects problems while a document is read.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    problems: Vec<Problem>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub(crate) fn error(&mut self, code: ProblemCode, at: &Pointer, message: Localized) {
        self.push(Problem::error(code, at.as_str(), message));
    }

    pub(crate) fn len(&self) -> usize {
        self.problems.len()
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// `Ok(value)` when nothing went wrong, otherwise every problem.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, Vec<Problem>> {
        match value {
            Some(value) if !self.has_errors() => Ok(value),
            _ => Err(self.into_problems()),
        }
    }
}

/// Parses JSON text; a syntax error becomes a problem with its line and column.
/// The error is a one-element list, ready to return as a document's problems.
pub fn parse_json(text: &str) -> Result<Value, Vec<Problem>> {
    serde_json::from_str(text).map_err(|err| {
        let mut problem = Problem::error(
            ProblemCode::JsonSyntax,
            "",
            Localized::new(
                format!("JSON 格式错误：{}", syntax_detail_zh(&err)),
                format!("invalid JSON: {err}"),
            ),
        );
        if err.line() > 0 {
            problem.line = Some(err.line());
            problem.column = Some(err.column());
        }
        vec![problem]
    })
}

/// serde_json's messages, in Chinese; an unlisted one keeps its English words.
const SYNTAX_ZH: &[(&str, &str)] = &[
    ("trailing comma", "多余的逗号"),
    ("expected `,` or `}`", "缺少逗号「,」或右花括号「}」"),
    ("expected `,` or `]`", "缺少逗号「,」或右方括号「]」"),
    ("expected `:`", "缺少冒号「:」"),
    ("expected value", "此处应为一个值"),
    (
        "expected ident",
        "无法识别的关键字（true、false 或 null 拼写有误？）",
    ),
    ("key must be a string", "对象的键必须是带双引号的字符串"),
    ("EOF while parsing", "内容意外结束（括号或引号未闭合）"),
    ("control character", "字符串中有未转义的控制字符"),
    ("invalid escape", "无效的转义序列"),
    ("invalid number", "无效的数字"),
    ("number out of range", "数字超出范围"),
    ("trailing characters", "JSON 结束后还有多余内容"),
    ("recursion limit exceeded", "嵌套层数过深"),
    ("lone leading surrogate", "无效的 Unicode 代理字符"),
    ("invalid unicode code point", "无效的 Unicode 码点"),
];

fn syntax_detail_zh(err: &serde_json::Error) -> String {
    let english = err.to_string();
    let what = SYNTAX_ZH
        .iter()
        .find(|(en, _)| english.contains(en))
        .map_or_else(
            || format!("语法不正确（{english}）"),
            |(_, zh)| (*zh).to_owned(),
        );
    if err.line() > 0 {
        format!("第 {} 行第 {} 列{what}", err.line(), err.column())
    } else {
        what
    }
}

/// The JSON type names used in messages.
pub(crate) fn type_name(value: &Value) -> (&'static str, &'static str) {
    match value {
        Value::Null => ("null", "空值 null"),
        Value::Bool(_) => ("boolean", "布尔值"),
        Value::Number(_) => ("number", "数字"),
        Value::String(_) => ("string", "字符串"),
        Value::Array(_) => ("array", "数组"),
        Value::Object(_) => ("object", "对象"),
    }
}

pub(crate) fn wrong_type(
    diag: &mut Diagnostics,
    at: &Pointer,
    expected: (&str, &str),
    found: &Value,
) {
    let (found_en, found_zh) = type_name(found);
    diag.error(
        ProblemCode::WrongType,
        at,
        Localized::new(
            format!("应为{}，实际是{}", expected.1, found_zh),
            format!("expected {}, found {}", expected.0, found_en),
        ),
    );
}

pub(crate) const OBJECT: (&str, &str) = ("an object", "对象");
pub(crate) const ARRAY: (&str, &str) = ("an array", "数组");
pub(crate) const STRING: (&str, &str) = ("a string", "字符串");

/// A JSON object being read: knows its pointer and which fields the format allows.
pub(crate) struct ObjectReader<'v> {
    map: &'v Map<String, Value>,
    at: Pointer,
}

impl<'v> ObjectReader<'v> {
    /// Opens `value` as an object, reporting a wrong type and every field not in `known`.
    pub(crate) fn open(
        value: &'v Value,
        at: &Pointer,
        known: &[&str],
        diag: &mut Diagnostics,
    ) -> Option<Self> {
        let Value::Object(map) = value else {
            wrong_type(diag, at, OBJECT, value);
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let problem = Problem::error(
                    ProblemCode::UnknownField,
                    at.key(key).as_str(),
                    Localized::new(
                        format!("未知字段「{key}」"),
                        format!("unknown field `{key}`"),
                    ),
                )
                .with_hint(hint_for(key, known, ("可用字段", "known fields")));
                diag.push(problem);
            }
        }
        Some(Self {
            map,
            at: at.clone(),
        })
    }

    /// An optional field: its value and pointer when present (`null` counts as absent).
    pub(crate) fn optional(&self, key: &str) -> Option<(&'v Value, Pointer)> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some((value, self.at.key(key))),
        }
    }

    /// A required field; its absence is reported.
    pub(crate) fn required(
        &self,
        key: &str,
        diag: &mut Diagnostics,
    ) -> Option<(&'v Value, Pointer)> {
        let found = self.optional(key);
        if found.is_none() {
            diag.error(
                ProblemCode::MissingField,
                &self.at.key(key),
                Localized::new(
                    format!("缺少必填字段「{key}」"),
                    format!("missing required field `{key}`"),
                ),
            );
        }
        found
    }
}

/// "Did you mean …?" for the known name closest to a misspelt one, if one is close enough.
pub(crate) fn did_you_mean<'a>(
    wrong: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<Localized> {
    closest(wrong, known).map(|best| {
        Localized::new(
            format!("是否想写「{best}」？"),
            format!("did you mean `{best}`?"),
        )
    })
}

/// A did-you-mean hint, or else the list of what is allowed; `what` names that list.
pub fn hint_for(wrong: &str, known: &[&str], what: (&str, &str)) -> Localized {
    did_you_mean(wrong, known.iter().copied()).unwrap_or_else(|| {
        Localized::new(
            format!("{}：{}", what.0, known.join("、")),
            format!("{}: {}", what.1, known.join(", ")),
        )
    })
}

/// The known name closest to a misspelt one, if any is close enough to suggest.
pub(crate) fn closest<'a>(
    wrong: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(wrong, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

pub(crate) fn read_str<'v>(
    value: &'v Value,
    at: &Pointer,
    diag: &mut Diagnostics,
) -> Option<&'v str> {
    match value {
        Value::String(text) => Some(text),
        other => {
            wrong_type(diag, at, STRING, other);
            None
        }
    }
}

pub(crate) fn read_array<'v>(
    value: &'v Value,
    at: &Pointer,
    diag: &mut Diagnostics,
) -> Option<&'v [Value]> {
    match value {
        Value::Array(items) => Some(items),
        other => {
            wrong_type(diag, at, ARRAY, other);
            None
        }
    }
}

/// Parses an RFC 3339 instant with an offset, or reports an `invalid-instant` at `at`.
pub(crate) fn parse_instant(
    text: &str,
    at: &Pointer,
    diag: &mut Diagnostics,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(instant) => Some(instant),
        Err(_) => {
            diag.push(
                Problem::error(
                    ProblemCode::InvalidInstant,
                    at.as_str(),
                    Localized::new(
                        format!("「{text}」不是带时区偏移的 RFC 3339 时间"),
                        format!("`{text}` is not an RFC 3339 instant with an offset"),
                    ),
                )
                .with_hint(Localized::new(
                    "例如 2026-11-11T10:00:00+08:00",
                    "e.g. 2026-11-11T10:00:00+08:00",
                )),
            );
            None
        }
    }
}

/// Limits on a decimal read from a document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalRules {
    /// Whether a JSON number is accepted besides a string (never for money).
    pub(crate) allow_number: bool,
    pub(crate) allow_negative: bool,
    pub(crate) max_scale: u32,
    /// Exclusive upper bound on the absolute value.
    pub(crate) max_abs: Decimal,
}

/// Reads a decimal: a string such as "12.50" (or, where allowed, a JSON number).
pub(crate) fn read_decimal(
    value: &Value,
    at: &Pointer,
    rules: DecimalRules,
    diag: &mut Diagnostics,
) -> Option<Decimal> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) if rules.allow_number => number.to_string(),
        Value::Number(number) => {
            diag.push(
                Problem::error(
                    ProblemCode::WrongType,
                    at.as_str(),
                    Localized::new(
                        "金额必须写成字符串，避免 JavaScript 数字丢失精度",
                        "amounts must be written as strings so no JavaScript number rounds them",
                    ),
                )
                .with_hint(Localized::new(
                    format!("请写成 \"{number}\""),
                    format!("write \"{number}\""),
                )),
            );
            return None;
        }
        other => {
            wrong_type(diag, at, ("a decimal string", "十进制数字字符串"), other);
            return None;
        }
    };
    let trimmed = text.trim();
    let parsed = if trimmed.is_empty() || trimmed != text || trimmed.contains(['e', 'E', '_']) {
        None
    } else {
        Decimal::from_str(trimmed).ok()
    };
    let Some(decimal) = parsed else {
        diag.push(
            Problem::error(
                ProblemCode::InvalidDecimal,
                at.as_str(),
                Localized::new(
                    format!("「{text}」不是有效的数字"),
                    format!("`{text}` is not a decimal number"),
                ),
            )
            .with_hint(Localized::new("例如 \"12.50\"", "for example \"12.50\"")),
        );
        return None;
    };
    if decimal.is_sign_negative() && !decimal.is_zero() && !rules.allow_negative {
        diag.error(
            ProblemCode::Negative,
            at,
            Localized::new(
                format!("不能为负数：{text}"),
                format!("must not be negative: {text}"),
            ),
        );
        return None;
    }
    if decimal.abs() >= rules.max_abs {
        diag.error(
            ProblemCode::OutOfRange,
            at,
            Localized::new(
                format!("数值过大：{text}（须小于 {}）", rules.max_abs),
                format!("too large: {text} (must be below {})", rules.max_abs),
            ),
        );
        return None;
    }
    if decimal.scale() > rules.max_scale {
        diag.error(
            ProblemCode::TooPrecise,
            at,
            Localized::new(
                format!("小数位过多：{text}（最多 {} 位）", rules.max_scale),
                format!(
                    "too many decimal places: {text} (at most {})",
                    rules.max_scale
                ),
            ),
        );
        return None;
    }
    // "-0" and "0" are the same amount; keep one spelling so outputs never differ.
    Some(if decimal.is_zero() {
        decimal.abs()
    } else {
        decimal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_per_rfc_6901() {
        let p = Pointer::root().key("a/b").key("m~n").index(3);
        assert_eq!(p.as_str(), "/a~1b/m~0n/3");
        for i in [0, 7, 10, 99, 1234567, usize::MAX] {
            assert_eq!(Pointer::root().index(i).as_str(), format!("/{i}"));
        }
    }

    #[test]
    fn closest_suggests_only_near_names() {
        assert_eq!(closest("prcie", ["price", "id", "name"]), Some("price"));
        assert_eq!(closest("zzzz", ["price", "id", "name"]), None);
    }
}
