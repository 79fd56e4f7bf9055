//! Errors as the API sends them: RFC 9457 problem details, with every problem of a refused
//! bundle as `jimu-core` reports it.

use jimu_core::{Localized, Problem, ProblemCode, Severity};
use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};

/// An RFC 9457 problem: every refusal and error has this body
/// (`Content-Type: application/problem+json`).
// Read leniently, as RFC 9457 allows: a member that is absent (say, in a proxy's problem)
// reads as empty. The server always sends the four, so the description requires them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemDetails {
    /// Always `about:blank`: `title` and `status` say what happened.
    #[serde(rename = "type", default = "about_blank")]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub status: u16,
    /// What happened and what to do, for a person.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub detail: String,
    /// For an invalid bundle (422): every problem jimu-core found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<ProblemItem>>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl ProblemDetails {
    /// A problem of type `about:blank` with this status, title and detail.
    pub fn new(status: u16, title: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            kind: about_blank(),
            title: title.into(),
            status,
            detail: detail.into(),
            problems: None,
        }
    }
}

/// One problem of a bundle, as jimu-core reports it (`jimu_core::Problem`'s JSON, with the code
/// and severity as text: a newer server may send a code this client does not know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(
        description = "One problem of a bundle, as jimu-core reports it (the documentation of\n`jimu_core::Problem`'s JSON; a test holds the two together)."
    )
)]
pub struct ProblemItem {
    /// A stable code, e.g. `negative`, `json-syntax`, `unknown-reference`.
    pub code: String,
    /// `error` (stops a publish) or `warning`.
    pub severity: String,
    /// RFC 6901 JSON pointer into the bundle (`""` is the whole bundle).
    pub path: String,
    #[cfg_attr(feature = "openapi", schema(value_type = LocalizedDoc))]
    pub message: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<LocalizedDoc>))]
    pub hint: Option<Localized>,
    /// 1-based line and column of a syntax error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Characters `start..end` of an expression the problem is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

impl From<&Problem> for ProblemItem {
    fn from(problem: &Problem) -> Self {
        Self {
            code: problem.code.as_str().to_owned(),
            severity: match problem.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .to_owned(),
            path: problem.path.clone(),
            message: problem.message.clone(),
            hint: problem.hint.clone(),
            line: problem.line,
            column: problem.column,
            start: problem.start,
            end: problem.end,
        }
    }
}

impl ProblemItem {
    /// The problem as jimu-core's type, or `None` when its code or severity is one this
    /// build does not know (sent by a newer server).
    pub fn to_core(&self) -> Option<Problem> {
        let code = ProblemCode::deserialize(
            IntoDeserializer::<serde::de::value::Error>::into_deserializer(self.code.as_str()),
        )
        .ok()?;
        let severity = match self.severity.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => return None,
        };
        Some(Problem {
            code,
            severity,
            path: self.path.clone(),
            message: self.message.clone(),
            hint: self.hint.clone(),
            line: self.line,
            column: self.column,
            start: self.start,
            end: self.end,
        })
    }
}

/// A message in both languages.
#[cfg(feature = "openapi")]
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Localized)]
pub struct LocalizedDoc {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}
