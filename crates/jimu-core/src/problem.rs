//! Diagnostics: what is wrong with an input, where (a JSON pointer), and how to say it in zh-CN and en.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A piece of text shown to people, in both of the languages Jimu speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

impl Localized {
    pub fn new(zh_cn: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh_cn: zh_cn.into(),
            en: en.into(),
        }
    }

    /// The text for a locale tag; anything that is not Chinese falls back to English.
    pub fn get(&self, locale: &str) -> &str {
        if locale.starts_with("zh") {
            &self.zh_cn
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Stable problem codes. The strings are part of the public contract: hosts, tests and
/// people's scripts match on them, so a code is never renamed or reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    /// The text is not JSON at all.
    JsonSyntax,
    /// A value has the wrong JSON type.
    WrongType,
    /// A required field is absent.
    MissingField,
    /// A field the format does not know (usually a typo).
    UnknownField,
    /// `schema_version` names a version this engine does not read.
    UnsupportedSchemaVersion,
    /// A string that should hold a decimal number does not.
    InvalidDecimal,
    /// A value is below its allowed minimum (a negative price or quantity).
    Negative,
    /// A value is beyond what the engine accepts.
    OutOfRange,
    /// A value has more decimal places than allowed.
    TooPrecise,
    /// A currency code the engine does not know.
    UnknownCurrency,
    /// A value is not one of the allowed choices.
    UnknownVariant,
    /// An id is empty or uses characters ids may not use.
    InvalidId,
    /// Two things share one id.
    DuplicateId,
    /// A text that people read is empty.
    EmptyText,
    /// A reference to a catalog item that the bundle does not have.
    UnknownItem,
    /// Arithmetic would exceed the decimal range.
    Overflow,
    /// An expression that does not parse or compile.
    ExpressionSyntax,
    /// An expression reads a variable its scope does not have.
    UnknownVariable,
    /// A reference to an id that the bundle does not define.
    UnknownReference,
    /// A time-zone name that is not in the IANA database.
    InvalidTimeZone,
    /// A time of day that is not `HH:MM` between 00:00 and 24:00.
    InvalidTime,
    /// A date that is not a real `YYYY-MM-DD` day.
    InvalidDate,
    /// An instant that is not RFC 3339 with an offset.
    InvalidInstant,
    /// A duration that is not like `15m`, `2h`, `1h30m` or `3d`.
    InvalidDuration,
    /// The document is larger than the engine accepts.
    DocumentTooLarge,
    /// The document nests deeper than the engine accepts.
    TooDeep,
    /// The document passed the structural check but could not be read (a bug worth reporting).
    InvalidDocument,
    /// A flow node that no path from the start reaches.
    UnreachableNode,
    /// A flow node from which no path leads to an end.
    NoPathToEnd,
    /// An exclusive branch without a default way out.
    MissingDefault,
    /// A parallel split whose paths do not meet at a join.
    UnjoinedSplit,
    /// Any other structural mistake in a flow graph.
    InvalidGraph,
    /// Tier bounds that do not strictly ascend, or an open tier that is not last.
    TiersNotAscending,
    /// Split weights that do not cover 100% where a plan requires it.
    WeightsNotCovering,
    /// Working ranges or windows that overlap.
    OverlappingRanges,
    /// A range or window that ends before (or when) it starts.
    EndsBeforeStart,
    /// A value that is well-formed but not allowed here (the message says why).
    InvalidValue,
    /// A rule needs a context value (distance, tier, the quote's instant) the request lacks.
    MissingContext,
    /// An expression failed while it ran, or gave a value of the wrong type.
    EvaluationFailed,
    /// No settlement plan applies to an order.
    NoPlan,
    /// A bundle's `name` is not the name it is published as.
    NameMismatch,
    /// A JSON object gives one key twice.
    DuplicateKey,
}

impl ProblemCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonSyntax => "json-syntax",
            Self::WrongType => "wrong-type",
            Self::MissingField => "missing-field",
            Self::UnknownField => "unknown-field",
            Self::UnsupportedSchemaVersion => "unsupported-schema-version",
            Self::InvalidDecimal => "invalid-decimal",
            Self::Negative => "negative",
            Self::OutOfRange => "out-of-range",
            Self::TooPrecise => "too-precise",
            Self::UnknownCurrency => "unknown-currency",
            Self::UnknownVariant => "unknown-variant",
            Self::InvalidId => "invalid-id",
            Self::DuplicateId => "duplicate-id",
            Self::EmptyText => "empty-text",
            Self::UnknownItem => "unknown-item",
            Self::Overflow => "overflow",
            Self::ExpressionSyntax => "expression-syntax",
            Self::UnknownVariable => "unknown-variable",
            Self::UnknownReference => "unknown-reference",
            Self::InvalidTimeZone => "invalid-time-zone",
            Self::InvalidTime => "invalid-time",
            Self::InvalidDate => "invalid-date",
            Self::InvalidInstant => "invalid-instant",
            Self::InvalidDuration => "invalid-duration",
            Self::DocumentTooLarge => "document-too-large",
            Self::TooDeep => "too-deep",
            Self::InvalidDocument => "invalid-document",
            Self::UnreachableNode => "unreachable-node",
            Self::NoPathToEnd => "no-path-to-end",
            Self::MissingDefault => "missing-default",
            Self::UnjoinedSplit => "unjoined-split",
            Self::InvalidGraph => "invalid-graph",
            Self::TiersNotAscending => "tiers-not-ascending",
            Self::WeightsNotCovering => "weights-not-covering",
            Self::OverlappingRanges => "overlapping-ranges",
            Self::EndsBeforeStart => "ends-before-start",
            Self::InvalidValue => "invalid-value",
            Self::MissingContext => "missing-context",
            Self::EvaluationFailed => "evaluation-failed",
            Self::NoPlan => "no-plan",
            Self::NameMismatch => "name-mismatch",
            Self::DuplicateKey => "duplicate-key",
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with an input document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: ProblemCode,
    pub severity: Severity,
    /// RFC 6901 JSON pointer into the document the problem is about ("" is the whole document).
    pub path: String,
    pub message: Localized,
    /// What to do about it, when there is something useful to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Localized>,
    /// 1-based line and column, when the problem has a position in the text (syntax errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// For a problem inside a string (an expression): the range of characters it is about,
    /// counted in Unicode scalar values from 0, end exclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

impl Problem {
    pub fn error(code: ProblemCode, path: impl Into<String>, message: Localized) -> Self {
        Self {
            code,
            severity: Severity::Error,
            path: path.into(),
            message,
            hint: None,
            line: None,
            column: None,
            start: None,
            end: None,
        }
    }

    pub fn with_hint(mut self, hint: Localized) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{} [{}] {}", path, self.code, self.message.en)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {}", hint.en)?;
        }
        Ok(())
    }
}
