//! The forms engine: one call evaluates a form for given values, a role and a context — each
//! field's state, errors and warnings, computed values, masking and the route.
//!
//! Order of work: read and type-check the values (a bad value is a per-field error, never a
//! panic); apply defaults; `set_value_if` (first match per field); computed fields in
//! dependency order (a manual override is kept and recorded when the field allows it); then
//! visibility (section and field), role permissions, required and enabled states; validation of
//! the visible fields only; the route. Hidden fields are neither validated nor output, and a
//! masked field's value leaves the engine masked, so no host can forget to mask it.

pub(crate) mod plan;
mod request;

pub use request::{CONTEXT_KEYS, FormRequest, RequestPart};

use crate::bundle::Bundle;
use crate::format::form::{Access, ComputedType, Field, Mask, RuleSeverity, ValidationRule};
use crate::problem::{Localized, Problem};
use crate::reader::did_you_mean;
use plan::{FExpr, FieldPlan, FormPlan};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use std::str::FromStr;
use zen_expression::Variable;
use zen_expression::variable::VariableMap;
use zen_expression::vm::VM;

/// A field as the person filling in the form sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldState {
    pub id: String,
    pub kind: &'static str,
    pub label: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub visible: bool,
    pub required: bool,
    pub enabled: bool,
    /// `editable`, `read_only`, `masked` or `hidden` for this role.
    pub access: &'static str,
    /// The value (absent when empty, hidden or masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The value as this role sees it (`138****5678`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
    /// Computed by a formula, set by a `set_value_if`, or a computed value overridden by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
}

/// A failed check on one field: bad input or a validation rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldIssue {
    pub field: String,
    /// `required`, `range`, `length`, `pattern`, `options`, `expression`, `wrong-type`,
    /// `unknown-field`, `not-editable`, `evaluation-failed`.
    pub rule: &'static str,
    pub severity: &'static str,
    /// JSON pointer into the values: `/phone`.
    pub path: String,
    pub message: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Localized>,
}

/// What evaluating a form gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormEvaluation {
    pub form: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// No errors (warnings allowed): the form can be submitted.
    pub valid: bool,
    pub fields: Vec<FieldState>,
    /// The values that leave the form: visible fields only, masked as the role sees them.
    pub values: Map<String, Value>,
    pub errors: Vec<FieldIssue>,
    pub warnings: Vec<FieldIssue>,
    /// The flow a ticket with these answers enters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

fn issue(
    field: &str,
    rule: &'static str,
    severity: RuleSeverity,
    message: Localized,
) -> FieldIssue {
    FieldIssue {
        field: field.to_owned(),
        rule,
        severity: match severity {
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
        },
        path: format!("/{field}"),
        message,
        hint: None,
    }
}

/// Reads one value as the field's kind (the zen value expressions see), or says why not.
fn read_value(field: &Field, value: &Value) -> Result<Variable, Localized> {
    let wrong = |zh: &str, en: &str| Localized::new(format!("应为{zh}"), format!("expected {en}"));
    let decimal = |value: &Value| -> Option<Decimal> {
        match value {
            Value::String(s) => Decimal::from_str(s.trim()).ok(),
            Value::Number(n) => Decimal::from_str(&n.to_string())
                .or_else(|_| Decimal::from_scientific(&n.to_string()))
                .ok(),
            _ => None,
        }
    };
    let string = |value: &Value| value.as_str().map(|s| Variable::String(s.into()));
    match field {
        Field::Money { .. }
        | Field::Computed {
            value_type: ComputedType::Money,
            ..
        } if !value.is_string() => Err(wrong(
            "金额字符串（例如 \"12.50\"），金额不用浮点数",
            "an amount as a string (e.g. \"12.50\"): amounts are never floats",
        )),
        Field::Number { .. } | Field::Money { .. } | Field::Rating { .. } => {
            let n = decimal(value)
                .ok_or_else(|| wrong("数字（例如 \"12.5\"）", "a number (e.g. \"12.5\")"))?;
            if matches!(field, Field::Rating { .. }) && !n.fract().is_zero() {
                return Err(wrong("整数星级", "a whole number of stars"));
            }
            Ok(Variable::Number(n))
        }
        Field::YesNo { .. } => value
            .as_bool()
            .map(Variable::Bool)
            .ok_or_else(|| wrong("true 或 false", "true or false")),
        Field::MultiSelect { .. } | Field::CascadingSelect { .. } => {
            let items = value
                .as_array()
                .and_then(|a| a.iter().map(string).collect::<Option<Vec<Variable>>>())
                .ok_or_else(|| wrong("选项 id 的列表", "a list of option ids"))?;
            Ok(Variable::from_array(items))
        }
        Field::Attachment { .. } => match value {
            Value::Array(items) if items.iter().all(Value::is_object) => {
                Ok(Variable::from(value.clone()))
            }
            _ => Err(wrong(
                "文件列表（name、url、size）",
                "a list of files (name, url, size)",
            )),
        },
        Field::Location { .. } => match value {
            Value::Object(map)
                if map.get("lat").is_some_and(Value::is_number)
                    && map.get("lng").is_some_and(Value::is_number) =>
            {
                Ok(Variable::from(value.clone()))
            }
            _ => Err(wrong(
                "位置（lat、lng，可带 address、distance_km）",
                "a location (lat, lng, optionally address, distance_km)",
            )),
        },
        Field::Date { .. } => value
            .as_str()
            .filter(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
            .map(|s| Variable::String(s.into()))
            .ok_or_else(|| wrong("日期 YYYY-MM-DD", "a date, YYYY-MM-DD")),
        Field::DateTime { .. } => value
            .as_str()
            .filter(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
            .map(|s| Variable::String(s.into()))
            .ok_or_else(|| {
                wrong(
                    "带时区的时间（RFC 3339）",
                    "an RFC 3339 date-time with an offset",
                )
            }),
        Field::Computed { value_type, .. } => match value_type {
            ComputedType::Number | ComputedType::Money => {
                let n = decimal(value).ok_or_else(|| wrong("数字", "a number"))?;
                Ok(Variable::Number(n))
            }
            ComputedType::Bool => value
                .as_bool()
                .map(Variable::Bool)
                .ok_or_else(|| wrong("true 或 false", "true or false")),
            ComputedType::Text | ComputedType::Date => {
                string(value).ok_or_else(|| wrong("文本", "a text"))
            }
        },
        _ => string(value).ok_or_else(|| wrong("文本", "a text")),
    }
}

/// A zen value back to JSON (numbers as decimal strings, at `places` when given).
fn to_json(value: &Variable, places: Option<u32>, rounding: crate::Rounding) -> Value {
    match value {
        Variable::Null => Value::Null,
        Variable::Bool(b) => Value::Bool(*b),
        Variable::Number(n) => {
            let n = match places {
                Some(places) => rounding.round(*n, places),
                None => n.normalize(),
            };
            Value::String(n.to_string())
        }
        Variable::String(s) => Value::String(s.to_string()),
        other => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

fn is_empty(value: &Variable) -> bool {
    match value {
        Variable::Null => true,
        Variable::String(s) => s.trim().is_empty(),
        Variable::Array(items) => items.borrow().is_empty(),
        _ => false,
    }
}

/// `138****5678`, `**************123X`, or keep the first and last characters given.
pub fn mask(text: &str, mask: &Mask) -> String {
    let (first, last) = match mask {
        Mask::Phone => (3, 4),
        Mask::IdNumber => (0, 4),
        Mask::Custom {
            keep_first,
            keep_last,
        } => (usize::from(*keep_first), usize::from(*keep_last)),
    };
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    if first + last >= n {
        return "*".repeat(n);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < first || i >= n - last { *c } else { '*' })
        .collect()
}

/// The options of a select, flattened to the ids of one level (`path` picks the branch).
fn option_ids(field: &Field) -> Option<&[crate::format::form::Choice]> {
    match field {
        Field::SingleSelect { options, .. } | Field::MultiSelect { options, .. } => Some(options),
        Field::CascadingSelect {
            options,
            options_from: None,
            ..
        } => Some(options),
        _ => None,
    }
}

/// Whether a select's value is among its options (a cascading value walks the tree).
fn in_options(field: &Field, value: &Value) -> bool {
    let Some(options) = option_ids(field) else {
        return true;
    };
    match (field, value) {
        (Field::SingleSelect { .. }, Value::String(s)) => {
            options.iter().any(|o| o.id.as_str() == s)
        }
        (Field::MultiSelect { .. }, Value::Array(items)) => items.iter().all(|v| {
            v.as_str()
                .is_some_and(|s| options.iter().any(|o| o.id.as_str() == s))
        }),
        (Field::CascadingSelect { .. }, Value::Array(path)) => {
            let mut level = options;
            for step in path {
                let Some(choice) = step
                    .as_str()
                    .and_then(|s| level.iter().find(|o| o.id.as_str() == s))
                else {
                    return false;
                };
                level = &choice.children;
            }
            true
        }
        _ => true,
    }
}

struct Run<'b> {
    bundle: &'b Bundle,
    vm: VM,
    context: Variable,
    errors: Vec<FieldIssue>,
    warnings: Vec<FieldIssue>,
    /// (field, context key) pairs already reported missing.
    missing: Vec<(String, String)>,
    /// Fields whose given value could not be read (already reported; not validated again).
    bad: Vec<usize>,
}

impl Run<'_> {
    fn eval(&mut self, expr: &FExpr, field: &str) -> Option<Variable> {
        // A context value the expression reads but the caller did not give: say which.
        if let Some(key) = expr.context.iter().find(|k| !self.has_context(k)) {
            let key = key.clone();
            if !self.missing.iter().any(|(f, k)| f == field && *k == key) {
                self.missing.push((field.to_owned(), key.clone()));
                let mut found = issue(
                    field,
                    "missing-context",
                    RuleSeverity::Error,
                    Localized::new(
                        format!("表达式读取 context.{key}，但调用方没有提供"),
                        format!(
                            "the expression reads `context.{key}`, which the caller did not give"
                        ),
                    ),
                );
                found.hint = Some(Localized::new(
                    format!("在 context 中给出 {key}"),
                    format!("give `{key}` in the context"),
                ));
                self.errors.push(found);
            }
            return None;
        }
        match expr
            .expr
            .evaluate_in(self.context.clone(), &mut self.vm, self.bundle)
        {
            Ok(value) => Some(value),
            // A form being filled in has empty fields: an expression over one of them has no
            // value yet (a computed field stays empty, a condition is false), not an error.
            Err(_) if expr.expr.reads().iter().any(|r| is_empty(&self.get(r))) => None,
            Err(err) => {
                self.errors.push(issue(
                    field,
                    "evaluation-failed",
                    RuleSeverity::Error,
                    Localized::new(
                        format!("表达式求值失败：{err}"),
                        format!("the expression failed: {err}"),
                    ),
                ));
                None
            }
        }
    }

    fn has_context(&self, key: &str) -> bool {
        let Variable::Object(root) = &self.context else {
            return false;
        };
        match root.borrow().get_str("context") {
            Some(Variable::Object(context)) => context
                .borrow()
                .get_str(key)
                .is_some_and(|v| !matches!(v, Variable::Null)),
            _ => false,
        }
    }

    fn holds(&mut self, expr: Option<&FExpr>, field: &str, default: bool) -> bool {
        match expr {
            None => default,
            Some(expr) => matches!(self.eval(expr, field), Some(Variable::Bool(true))),
        }
    }

    fn set(&self, id: &str, value: Variable) {
        if let Variable::Object(map) = &self.context {
            map.borrow_mut().insert(id.into(), value);
        }
    }

    fn get(&self, id: &str) -> Variable {
        match &self.context {
            Variable::Object(map) => map.borrow().get_str(id).cloned().unwrap_or(Variable::Null),
            _ => Variable::Null,
        }
    }

    fn push(&mut self, found: FieldIssue, severity: RuleSeverity) {
        match severity {
            RuleSeverity::Error => self.errors.push(found),
            RuleSeverity::Warning => self.warnings.push(found),
        }
    }
}

/// The role's access to a field (roles without an entry may edit it) and its mask.
fn access<'f>(field: &'f Field, role: Option<&str>) -> (Access, Option<&'f Mask>) {
    let Some(role) = role else {
        return (Access::Editable, None);
    };
    field
        .common()
        .permissions
        .iter()
        .find(|p| p.roles.iter().any(|r| r.as_str() == role))
        .map_or((Access::Editable, None), |p| (p.access, p.mask.as_ref()))
}

fn access_name(access: Access) -> &'static str {
    match access {
        Access::Editable => "editable",
        Access::ReadOnly => "read_only",
        Access::Masked => "masked",
        Access::Hidden => "hidden",
    }
}

/// Evaluates form `form` of `bundle` for `values` (a JSON object of field id → value), the
/// person's `role`, and `context` (an object of `channel`, `region`, `now`, `user`; `role` and
/// `region_path` are added). The inputs are checked as [`FormRequest::from_parts`] checks
/// them, with the same problems (pointers into the request they make up: `/form`, `/values`,
/// `/role`, `/context/<key>`); a bad value of a field is an issue in the evaluation instead.
pub fn evaluate(
    bundle: &Bundle,
    form: &str,
    values: &Value,
    role: Option<&str>,
    context: &Value,
) -> Result<FormEvaluation, Vec<Problem>> {
    let mut diag = crate::reader::Diagnostics::default();
    let plan = request::check_form(bundle, form, &mut diag);
    if let Some(role) = role {
        request::check_role(bundle, role, &mut diag);
    }
    let given = request::check_values(values, &mut diag);
    let context = request::read_context(context, &mut diag);
    match (plan, given, context) {
        (Some(plan), Some(given), Some(context)) if !diag.has_errors() => {
            Ok(run(bundle, plan, given, role, &context))
        }
        _ => Err(diag.into_problems()),
    }
}

/// Evaluates a form for inputs already checked (see [`evaluate`]).
pub(crate) fn run(
    bundle: &Bundle,
    plan: &FormPlan,
    given: &Map<String, Value>,
    role: Option<&str>,
    context: &Map<String, Value>,
) -> FormEvaluation {
    let mut context_map = VariableMap::with_capacity(6);
    for (k, v) in context {
        context_map.insert(k.as_str().into(), Variable::from(v.clone()));
    }
    if let Some(role) = role {
        context_map.insert("role".into(), Variable::String(role.into()));
    }
    // `in_region` reads the region path; derive it from the region when not given.
    if !context_map.contains_key_str("region_path")
        && let Some(Variable::String(region)) = context_map.get_str("region").cloned()
    {
        let path = bundle
            .region_path(&region)
            .unwrap_or_else(|| vec![region.to_string()]);
        let list = path
            .iter()
            .map(|r| Variable::String(r.as_str().into()))
            .collect();
        context_map.insert("region_path".into(), Variable::from_array(list));
    }
    let mut root = VariableMap::with_capacity(plan.fields.len() + 2);
    root.insert("context".into(), Variable::from_object(context_map));
    for field in &plan.fields {
        root.insert(field.id.as_str().into(), Variable::Null);
    }
    let mut run = Run {
        bundle,
        vm: VM::new(),
        context: Variable::from_object(root),
        errors: Vec::new(),
        warnings: Vec::new(),
        missing: Vec::new(),
        bad: Vec::new(),
    };
    let mut sources: Vec<Option<&'static str>> = vec![None; plan.fields.len()];
    read_values(&mut run, plan, given, role, &mut sources);
    apply_defaults(&run, plan, given);
    for (i, field) in plan.fields.iter().enumerate() {
        // A stateless evaluation cannot see a condition "become" true: a set value fills the
        // field only while the person has not filled it in themselves.
        if given.get(&field.id).is_some_and(|v| !v.is_null()) {
            continue;
        }
        for (when, value) in &field.set_value_if {
            if run.holds(Some(when), &field.id, false) {
                if let Some(v) = run.eval(value, &field.id) {
                    run.set(&field.id, v);
                    if let Some(s) = sources.get_mut(i) {
                        *s = Some("set_value_if");
                    }
                }
                break;
            }
        }
    }
    for &i in &plan.computed_order {
        let Some(field) = plan.fields.get(i) else {
            continue;
        };
        if sources.get(i).copied().flatten() == Some("override") {
            continue;
        }
        if let Some(formula) = &field.formula
            && let Some(v) = run.eval(formula, &field.id)
        {
            run.set(&field.id, v);
            if let Some(s) = sources.get_mut(i) {
                *s = Some("computed");
            }
        }
    }
    let section_visible: Vec<bool> = plan
        .sections
        .iter()
        .map(|s| {
            let id = s.id.clone();
            run.holds(s.visible_if.as_ref(), &id, true)
        })
        .collect();
    let mut states = Vec::with_capacity(plan.fields.len());
    let mut out = Map::new();
    for (i, field) in plan.fields.iter().enumerate() {
        let (access, mask_with) = access(&field.field, role);
        let in_section = field
            .section
            .is_none_or(|s| section_visible.get(s).copied().unwrap_or(true));
        let visible = access != Access::Hidden
            && in_section
            && run.holds(field.visible_if.as_ref(), &field.id, true);
        let common = field.field.common();
        let required =
            visible && (common.required || run.holds(field.required_if.as_ref(), &field.id, false));
        let enabled = visible
            && matches!(access, Access::Editable)
            && !matches!(
                field.field,
                Field::Computed {
                    allow_override: false,
                    ..
                }
            )
            && run.holds(field.enabled_if.as_ref(), &field.id, true);
        let value = run.get(&field.id);
        // Money keeps its currency's places ("1000.00"); numbers their `decimals`.
        let places = match &field.field {
            Field::Money { currency, .. } => Some(
                currency
                    .as_ref()
                    .and_then(|c| crate::Currency::find(c.as_str()))
                    .unwrap_or(bundle.currency())
                    .precision,
            ),
            Field::Computed {
                value_type: ComputedType::Money,
                ..
            } => Some(bundle.currency().precision),
            Field::Computed { decimals, .. } | Field::Number { decimals, .. } => {
                decimals.map(u32::from)
            }
            _ => None,
        };
        let json = (!is_empty(&value)).then(|| to_json(&value, places, bundle.rounding()));
        if visible && !run.bad.contains(&i) {
            validate(&mut run, field, &value, json.as_ref(), required);
        }
        let masked = match (access, mask_with, &json) {
            (Access::Masked, Some(m), Some(Value::String(s))) => Some(mask(s, m)),
            (Access::Masked, _, Some(v)) => Some(mask(
                &v.to_string(),
                &Mask::Custom {
                    keep_first: 0,
                    keep_last: 0,
                },
            )),
            _ => None,
        };
        let shown = if visible && access != Access::Masked {
            json
        } else {
            None
        };
        if visible && let Some(v) = masked.clone().map(Value::String).or_else(|| shown.clone()) {
            out.insert(field.id.clone(), v);
        }
        states.push(FieldState {
            id: field.id.clone(),
            kind: field.field.kind_name(),
            label: field.label.clone(),
            section: field
                .section
                .and_then(|s| plan.sections.get(s))
                .map(|s| s.id.clone()),
            visible,
            required,
            enabled,
            access: access_name(access),
            value: shown,
            masked,
            source: sources.get(i).copied().flatten(),
        });
    }
    let mut route = None;
    for (when, flow) in &plan.routes {
        if run.holds(Some(when), "", false) {
            route = Some(flow.clone());
            break;
        }
    }
    let route = route.or_else(|| plan.default_flow.clone());
    FormEvaluation {
        form: plan.id.clone(),
        role: role.map(str::to_owned),
        valid: run.errors.is_empty(),
        fields: states,
        values: out,
        errors: run.errors,
        warnings: run.warnings,
        route,
    }
}

/// Reads the given values into the evaluation context; bad ones become per-field errors.
fn read_values(
    run: &mut Run<'_>,
    plan: &FormPlan,
    given: &Map<String, Value>,
    role: Option<&str>,
    sources: &mut [Option<&'static str>],
) {
    for (key, value) in given {
        let Some(&i) = plan.by_id.get(key) else {
            let mut found = issue(
                key,
                "unknown-field",
                RuleSeverity::Error,
                Localized::new(
                    format!("表单没有字段「{key}」"),
                    format!("the form has no field `{key}`"),
                ),
            );
            found.hint = did_you_mean(key, plan.by_id.keys().map(String::as_str));
            run.errors.push(found);
            continue;
        };
        let Some(field) = plan.fields.get(i) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        if let Field::Computed {
            allow_override: false,
            ..
        } = &field.field
        {
            run.errors.push(issue(
                key,
                "not-editable",
                RuleSeverity::Error,
                Localized::new(
                    format!("「{key}」由公式计算，不能手工填写"),
                    format!("`{key}` is computed and cannot be overridden"),
                ),
            ));
            continue;
        }
        match read_value(&field.field, value) {
            Ok(variable) => {
                run.set(key, variable);
                if matches!(field.field, Field::Computed { .. })
                    && let Some(s) = sources.get_mut(i)
                {
                    *s = Some("override");
                }
            }
            Err(message) => {
                run.bad.push(i);
                let mut found = issue(key, "wrong-type", RuleSeverity::Error, message);
                // A value this role may not see is never echoed back, even when it is wrong.
                let shown = match access(&field.field, role).0 {
                    Access::Masked | Access::Hidden => "***".to_owned(),
                    _ => value.to_string(),
                };
                found.message = Localized::new(
                    format!(
                        "字段「{}」的值 {shown} 不对：{}",
                        field.label.zh_cn, found.message.zh_cn
                    ),
                    format!("`{key}` has {shown}: {}", found.message.en),
                );
                run.errors.push(found);
            }
        }
    }
}

/// Defaults for fields the values leave out.
fn apply_defaults(run: &Run<'_>, plan: &FormPlan, given: &Map<String, Value>) {
    for field in &plan.fields {
        if given.get(&field.id).is_some_and(|v| !v.is_null()) {
            continue;
        }
        let default = match &field.field {
            Field::Text {
                default: Some(d), ..
            }
            | Field::LongText {
                default: Some(d), ..
            } => Some(Value::String(d.clone())),
            Field::Number {
                default: Some(d), ..
            } => Some(Value::String(d.0.to_string())),
            Field::Money {
                default: Some(d), ..
            } => Some(Value::String(d.0.to_string())),
            Field::SingleSelect {
                default: Some(d), ..
            } => Some(Value::String(d.0.clone())),
            Field::MultiSelect { default, .. } | Field::CascadingSelect { default, .. }
                if !default.is_empty() =>
            {
                Some(Value::Array(
                    default.iter().map(|d| Value::String(d.0.clone())).collect(),
                ))
            }
            Field::Date {
                default: Some(d), ..
            } => Some(Value::String(d.0.clone())),
            Field::Rating {
                default: Some(d), ..
            } => Some(Value::String(d.to_string())),
            Field::YesNo {
                default: Some(d), ..
            } => Some(Value::Bool(*d)),
            _ => None,
        };
        if let Some(default) = default
            && let Ok(variable) = read_value(&field.field, &default)
        {
            run.set(&field.id, variable);
        }
    }
}

fn default_message(
    rule: &'static str,
    label: &Localized,
    detail: &str,
    detail_zh: &str,
) -> Localized {
    match rule {
        "required" => Localized::new(
            format!("请填写「{}」", label.zh_cn),
            format!("{} is required", label.en),
        ),
        _ => Localized::new(
            format!("「{}」{detail_zh}", label.zh_cn),
            format!("{} {detail}", label.en),
        ),
    }
}

/// Checks a visible field: required, the kind's own limits, then its rules in order.
fn validate(
    run: &mut Run<'_>,
    field: &FieldPlan,
    value: &Variable,
    json: Option<&Value>,
    required: bool,
) {
    let id = field.id.as_str();
    let empty = is_empty(value);
    let has_required_rule = field
        .rules
        .iter()
        .any(|r| matches!(r.rule, ValidationRule::Required { .. }));
    if required && empty && !has_required_rule {
        let message = default_message("required", &field.label, "", "");
        run.push(
            issue(id, "required", RuleSeverity::Error, message),
            RuleSeverity::Error,
        );
    }
    if empty {
        for rule in &field.rules {
            if matches!(rule.rule, ValidationRule::Required { .. }) {
                let message = rule
                    .message
                    .clone()
                    .unwrap_or_else(|| default_message("required", &field.label, "", ""));
                run.push(issue(id, "required", rule.severity, message), rule.severity);
            }
        }
        return;
    }
    let number = match value {
        Variable::Number(n) => Some(*n),
        _ => None,
    };
    let text: Option<String> = match value {
        Variable::String(s) => Some(s.to_string()),
        _ => None,
    };
    let length = match (value, &text) {
        (_, Some(t)) => Some(t.chars().count()),
        (Variable::Array(items), _) => Some(items.borrow().len()),
        _ => None,
    };
    // The kind's own limits, as error rules with default messages.
    let (min, max) = match &field.field {
        Field::Number { min, max, .. } => (min.map(|d| d.0), max.map(|d| d.0)),
        Field::Money { min, max, .. } => (min.as_ref().map(|m| m.0), max.as_ref().map(|m| m.0)),
        Field::Rating { min, max, .. } => (
            Some(Decimal::from(min.unwrap_or(1))),
            Some(Decimal::from(max.unwrap_or(5))),
        ),
        _ => (None, None),
    };
    if let Some(n) = number
        && (min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m))
    {
        let (lo, hi) = (
            min.map_or("−∞".into(), |m| m.to_string()),
            max.map_or("∞".into(), |m| m.to_string()),
        );
        let message = default_message(
            "range",
            &field.label,
            &format!("must be between {lo} and {hi}"),
            &format!("应在 {lo} 到 {hi} 之间"),
        );
        run.push(
            issue(id, "range", RuleSeverity::Error, message),
            RuleSeverity::Error,
        );
    }
    // Money finer than its currency allows (0.001 yuan) is refused, never rounded silently.
    if let (Field::Money { currency, .. }, Some(n)) = (&field.field, number) {
        let currency = currency
            .as_ref()
            .and_then(|c| crate::Currency::find(c.as_str()))
            .unwrap_or(run.bundle.currency());
        if n.normalize().scale() > currency.precision {
            let places = currency.precision;
            let code = currency.code;
            let message = default_message(
                "precision",
                &field.label,
                &format!("has more decimals than {code} allows ({places}): {n}"),
                &format!("的小数位超过 {code} 允许的 {places} 位：{n}"),
            );
            run.push(
                issue(id, "precision", RuleSeverity::Error, message),
                RuleSeverity::Error,
            );
        }
    }
    let (min_len, max_len) = match &field.field {
        Field::Text {
            min_length,
            max_length,
            ..
        }
        | Field::LongText {
            min_length,
            max_length,
            ..
        } => (*min_length, *max_length),
        Field::Attachment { max_files, .. } => (None, *max_files),
        _ => (None, None),
    };
    if let Some(len) = length
        && (min_len.is_some_and(|m| len < m as usize) || max_len.is_some_and(|m| len > m as usize))
    {
        let message = default_message(
            "length",
            &field.label,
            &format!(
                "must have {}–{} characters or items",
                min_len.unwrap_or(0),
                max_len.map_or("∞".into(), |m| m.to_string())
            ),
            &format!(
                "的长度应在 {} 到 {} 之间",
                min_len.unwrap_or(0),
                max_len.map_or("∞".into(), |m| m.to_string())
            ),
        );
        run.push(
            issue(id, "length", RuleSeverity::Error, message),
            RuleSeverity::Error,
        );
    }
    if let (Some(pattern), Some(t)) = (&field.pattern, &text)
        && !pattern.matches(t)
    {
        let message = default_message(
            "pattern",
            &field.label,
            &format!("is not a valid {}", pattern.what.1),
            &format!("不是有效的{}", pattern.what.0),
        );
        run.push(
            issue(id, "pattern", RuleSeverity::Error, message),
            RuleSeverity::Error,
        );
    }
    if option_ids(&field.field).is_some()
        && let Some(json) = json
        && !in_options(&field.field, json)
    {
        let message = default_message(
            "options",
            &field.label,
            "is not one of its options",
            "的值不在选项中",
        );
        run.push(
            issue(id, "options", RuleSeverity::Error, message),
            RuleSeverity::Error,
        );
    }
    for rule in &field.rules {
        let (name, failed) = match &rule.rule {
            ValidationRule::Required { .. } => continue,
            ValidationRule::Range { min, max, .. } => (
                "range",
                number
                    .is_some_and(|n| min.is_some_and(|m| n < m.0) || max.is_some_and(|m| n > m.0)),
            ),
            ValidationRule::Length { min, max, .. } => (
                "length",
                length.is_some_and(|l| {
                    min.is_some_and(|m| l < m as usize) || max.is_some_and(|m| l > m as usize)
                }),
            ),
            ValidationRule::Pattern { .. } => (
                "pattern",
                match (&rule.pattern, &text) {
                    (Some(p), Some(t)) => !p.matches(t),
                    _ => false,
                },
            ),
            ValidationRule::Options { .. } => (
                "options",
                json.is_some_and(|j| !in_options(&field.field, j)),
            ),
            ValidationRule::Expression { .. } => {
                let Some(expr) = &rule.expr else { continue };
                run.set("value", value.clone());
                let holds = run.holds(Some(expr), id, true);
                if let Variable::Object(map) = &run.context {
                    map.borrow_mut().remove_str("value");
                }
                ("expression", !holds)
            }
        };
        if failed {
            let message = rule.message.clone().unwrap_or_else(|| {
                default_message(
                    name,
                    &field.label,
                    &format!("fails its {name} rule"),
                    "未通过校验",
                )
            });
            run.push(issue(id, name, rule.severity, message), rule.severity);
        }
    }
}
