//! Shared boundary types: localized text, problems and validation reports.

use serde::Serialize;
use tsify::Tsify;

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Localized {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

impl From<jimu_core::Localized> for Localized {
    fn from(text: jimu_core::Localized) -> Self {
        Self {
            zh_cn: text.zh_cn,
            en: text.en,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem with an input: a stable `code`, a JSON pointer `path`, and the message.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Problem {
    /// Stable, kebab-case: `json-syntax`, `negative`, `unknown-item`, …
    pub code: String,
    pub severity: Severity,
    /// RFC 6901 JSON pointer into the document ("" is the whole document).
    pub path: String,
    pub message: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub hint: Option<Localized>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub column: Option<u32>,
    /// Inside a string (an expression): the character range, from 0, end exclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub start: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub end: Option<u32>,
}

impl From<jimu_core::Problem> for Problem {
    fn from(p: jimu_core::Problem) -> Self {
        let small = |n: Option<usize>| n.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        Self {
            code: p.code.as_str().to_owned(),
            severity: match p.severity {
                jimu_core::Severity::Error => Severity::Error,
                jimu_core::Severity::Warning => Severity::Warning,
            },
            path: p.path,
            message: p.message.into(),
            hint: p.hint.map(Into::into),
            line: small(p.line),
            column: small(p.column),
            start: small(p.start),
            end: small(p.end),
        }
    }
}

pub(crate) fn problems(list: Vec<jimu_core::Problem>) -> Vec<Problem> {
    list.into_iter().map(Into::into).collect()
}

/// The answer of `validate`: `ok` exactly when `problems` holds no error.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ValidationReport {
    pub ok: bool,
    pub problems: Vec<Problem>,
}

impl From<Vec<jimu_core::Problem>> for ValidationReport {
    fn from(list: Vec<jimu_core::Problem>) -> Self {
        Self {
            ok: !list.iter().any(jimu_core::Problem::is_error),
            problems: problems(list),
        }
    }
}
