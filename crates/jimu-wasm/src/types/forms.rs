//! Forms at the boundary: a form's evaluation (field states, issues, outgoing values, route)
//! and the options `Engine.evaluateForm` takes.

use super::common::Localized;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

/// A field as the person filling in the form sees it.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct FieldState {
    pub id: String,
    /// The field's kind (`text`, `number`, `money`, `select`, …).
    pub kind: String,
    pub label: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub section: Option<String>,
    pub visible: bool,
    pub required: bool,
    pub enabled: bool,
    /// `editable`, `read_only`, `masked` or `hidden` for this role.
    pub access: String,
    /// The value (absent when empty, hidden or masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "JsonValue")]
    pub value: Option<Value>,
    /// The value as this role sees it (`138****5678`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub masked: Option<String>,
    /// `computed`, `set_value_if` or `override`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub source: Option<String>,
}

/// A failed check on one field: bad input or a validation rule.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct FieldIssue {
    pub field: String,
    /// `required`, `range`, `length`, `pattern`, `options`, `expression`, `wrong-type`,
    /// `unknown-field`, `not-editable`, `evaluation-failed`.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    /// JSON pointer into the values: `/phone`.
    pub path: String,
    pub message: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub hint: Option<Localized>,
}

/// What evaluating a form gives.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct FormEvaluation {
    pub form: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub role: Option<String>,
    /// No errors (warnings allowed): the form can be submitted.
    pub valid: bool,
    pub fields: Vec<FieldState>,
    /// The values that leave the form: visible fields only, masked as the role sees them.
    #[tsify(type = "Record<string, JsonValue>")]
    pub values: Map<String, Value>,
    pub errors: Vec<FieldIssue>,
    pub warnings: Vec<FieldIssue>,
    /// The flow a ticket with these answers enters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub route: Option<String>,
}

impl From<jimu_core::forms::FieldIssue> for FieldIssue {
    fn from(issue: jimu_core::forms::FieldIssue) -> Self {
        Self {
            field: issue.field,
            rule: issue.rule.to_owned(),
            severity: issue.severity.to_owned(),
            path: issue.path,
            message: issue.message.into(),
            hint: issue.hint.map(Into::into),
        }
    }
}

impl From<jimu_core::forms::FormEvaluation> for FormEvaluation {
    fn from(e: jimu_core::forms::FormEvaluation) -> Self {
        Self {
            form: e.form,
            role: e.role,
            valid: e.valid,
            fields: e
                .fields
                .into_iter()
                .map(|f| FieldState {
                    id: f.id,
                    kind: f.kind.to_owned(),
                    label: f.label.into(),
                    section: f.section,
                    visible: f.visible,
                    required: f.required,
                    enabled: f.enabled,
                    access: f.access.to_owned(),
                    value: f.value,
                    masked: f.masked,
                    source: f.source.map(str::to_owned),
                })
                .collect(),
            values: e.values,
            errors: e.errors.into_iter().map(Into::into).collect(),
            warnings: e.warnings.into_iter().map(Into::into).collect(),
            route: e.route,
        }
    }
}

/// Who fills in the form, and where: `Engine.evaluateForm`'s options.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct FormOptions {
    /// A role id of the bundle's `org.roles`: its permissions apply (hidden, masked, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub role: Option<String>,
    /// Read by the core's form-request reader (`jimu_core::forms::FormRequest`), which checks
    /// its keys and values; `null` is no context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "FormContext")]
    pub context: Option<Value>,
}

/// What a form's expressions may read besides the values (`role` comes from the options).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct FormContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub region: Option<String>,
    /// RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub now: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub user: Option<String>,
}
