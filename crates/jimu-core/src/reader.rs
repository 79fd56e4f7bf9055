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
///
/// A leading byte-order mark is skipped. A key given twice in one object is refused (`duplicate-key` at the pointer of the second):
/// JSON parsers disagree on which one wins (serde_json and JavaScript keep the last, others the
/// first), so a bundle, request, order, form value or script that names a key twice means two
/// things at once. Every duplicate is reported.
pub fn parse_json(text: &str) -> Result<Value, Vec<Problem>> {
    // A byte-order mark (as Windows editors write) is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let ctx = dup::Ctx::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde::de::DeserializeSeed::deserialize(dup::Seed(&ctx), &mut de)
        .and_then(|value| de.end().map(|()| value));
    let duplicates = ctx.duplicates.into_inner();
    if !duplicates.is_empty() && parsed.is_ok() {
        return Err(duplicates
            .into_iter()
            .map(|(at, key)| {
                Problem::error(
                    ProblemCode::DuplicateKey,
                    at.as_str(),
                    Localized::new(
                        format!("键「{key}」在同一个对象中出现了两次"),
                        format!("the key `{key}` appears twice in one object"),
                    ),
                )
                .with_hint(Localized::new(
                    "每个键只写一次：重复时不同的程序会取不同的值",
                    "write each key once: programs disagree on which of two values wins",
                ))
            })
            .collect());
    }
    parsed.map_err(|err| {
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

/// A JSON value read like serde_json's `Value`, noting every key an object gives twice.
mod dup {
    use super::Pointer;
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};
    use std::cell::RefCell;
    use std::fmt;

    /// One step of the path to the value being read.
    enum Seg {
        Key(String),
        Index(usize),
    }

    /// The path being read, and the duplicates found: (pointer of the second, key).
    #[derive(Default)]
    pub(super) struct Ctx {
        path: RefCell<Vec<Seg>>,
        pub(super) duplicates: RefCell<Vec<(Pointer, String)>>,
    }

    impl Ctx {
        fn pointer(&self, key: &str) -> Pointer {
            let mut at = Pointer::root();
            for seg in self.path.borrow().iter() {
                at = match seg {
                    Seg::Key(k) => at.key(k),
                    Seg::Index(i) => at.index(*i),
                };
            }
            at.key(key)
        }
    }

    pub(super) struct Seed<'c>(pub(super) &'c Ctx);

    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = Value;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Seed<'_> {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any valid JSON value")
        }

        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }

        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }

        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
        }

        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            loop {
                self.0.path.borrow_mut().push(Seg::Index(out.len()));
                let next = seq.next_element_seed(Seed(self.0));
                self.0.path.borrow_mut().pop();
                match next? {
                    Some(value) => out.push(value),
                    None => return Ok(Value::Array(out)),
                }
            }
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                self.0.path.borrow_mut().push(Seg::Key(key.clone()));
                let value = map.next_value_seed(Seed(self.0));
                self.0.path.borrow_mut().pop();
                let value = value?;
                if out.contains_key(&key) {
                    let at = self.0.pointer(&key);
                    self.0.duplicates.borrow_mut().push((at, key.clone()));
                }
                out.insert(key, value);
            }
            Ok(Value::Object(out))
        }
    }
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

/// A JSON number as plain decimal text, by its value: serde_json writes a float by its
/// shortest text, which for `0.000001` is `1e-6`; this gives `0.000001` (and `1e21` gives
/// `1000000000000000000000`). Text that no decimal holds is returned as it is.
pub(crate) fn number_text(number: &serde_json::Number) -> String {
    let text = number.to_string();
    if text.contains(['e', 'E'])
        && let Ok(value) = Decimal::from_scientific(&text)
    {
        return value.normalize().to_string();
    }
    text
}

/// Reads a decimal: a string such as "12.50" (or, where allowed, a JSON number, read by its
/// value).
pub(crate) fn read_decimal(
    value: &Value,
    at: &Pointer,
    rules: DecimalRules,
    diag: &mut Diagnostics,
) -> Option<Decimal> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) if rules.allow_number => number_text(number),
        Value::Number(number) => {
            let number = number_text(number);
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
