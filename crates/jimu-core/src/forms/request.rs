//! One reader of a form request — which form, the values, the role, the context — for every host.
//!
//! A form request is `{"form": "deal", "values": {...}, "role": "finance", "context": {...}}`.
//! The CLI (`jimu form`), the wasm package (`Engine.evaluateForm`) and the configurator's form
//! preview all read it here, so they accept and refuse the same requests with the same
//! problems. Problems carry JSON pointers into the request (`/form`, `/values`, `/role`,
//! `/context/<key>`); a host that takes the parts separately finds which part a problem is
//! about with [`RequestPart::of`]. What is checked:
//!
//! - `form` names a form of the bundle (`unknown-reference`, with a did-you-mean hint);
//! - `role` is one of the bundle's `org.roles` — also when the bundle defines none: a misspelt
//!   role would otherwise see every field unmasked (`unknown-reference`);
//! - `values` is an object (`wrong-type`); each value is then read by its field in the
//!   evaluation, where a bad one is an issue on that field, not a refusal of the request;
//! - `context` is an object holding only [`CONTEXT_KEYS`], each a string or `null` (left out):
//!   `role` and `region_path` are refused there (the role is the request's own, the region
//!   path is derived from `region`), an unknown key is `unknown-field` with a hint, a value of
//!   another type `wrong-type`, and `now` must be an RFC 3339 instant with an offset
//!   (`invalid-instant`).

use super::plan::FormPlan;
use crate::bundle::Bundle;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{
    Diagnostics, ObjectReader, Pointer, did_you_mean, hint_for, parse_instant, parse_json,
    read_str, type_name,
};
use serde_json::{Map, Value};

/// The keys a form's context may have (the evaluation adds `role` and `region_path`).
pub const CONTEXT_KEYS: [&str; 4] = ["channel", "region", "now", "user"];

/// The fields of a form request.
const FIELDS: [&str; 4] = ["form", "values", "role", "context"];

/// A part of a form request, which hosts may take separately (a CLI argument, a file, an
/// option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPart {
    Form,
    Values,
    Role,
    Context,
}

impl RequestPart {
    /// The part's JSON pointer in the request.
    pub const fn pointer(self) -> &'static str {
        match self {
            Self::Form => "/form",
            Self::Values => "/values",
            Self::Role => "/role",
            Self::Context => "/context",
        }
    }

    /// The part a pointer into a request is in, and the pointer inside that part
    /// (`/context/now` → (`Context`, `/now`)); `None` for the request itself or another key.
    pub fn of(path: &str) -> Option<(Self, &str)> {
        [Self::Form, Self::Values, Self::Role, Self::Context]
            .into_iter()
            .find_map(|part| {
                let rest = path.strip_prefix(part.pointer())?;
                (rest.is_empty() || rest.starts_with('/')).then_some((part, rest))
            })
    }
}

/// A form request that the bundle accepts: the form exists, the role is the bundle's, the
/// values are an object and the context holds only known keys with string values.
#[derive(Debug, Clone, PartialEq)]
pub struct FormRequest {
    pub form: String,
    /// Field id → value, as given (each is read by its field when the form is evaluated).
    pub values: Map<String, Value>,
    pub role: Option<String>,
    /// Only [`CONTEXT_KEYS`], each a string.
    pub context: Map<String, Value>,
}

impl FormRequest {
    /// Reads a request from JSON text; every problem at once, with pointers into the request.
    pub fn from_json(bundle: &Bundle, text: &str) -> Result<Self, Vec<Problem>> {
        Self::from_value(bundle, &parse_json(text)?)
    }

    /// Reads `{"form", "values", "role"?, "context"?}` (`null` is absent for `role` and
    /// `context`); every problem at once, with pointers into the request.
    pub fn from_value(bundle: &Bundle, value: &Value) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let root = Pointer::root();
        let Some(obj) = ObjectReader::open(value, &root, &FIELDS, &mut diag) else {
            return Err(diag.into_problems());
        };
        let form = obj
            .required("form", &mut diag)
            .and_then(|(v, at)| read_str(v, &at, &mut diag));
        let values = obj.required("values", &mut diag).map(|(v, _)| v);
        let role = match obj.optional("role") {
            Some((v, at)) => read_str(v, &at, &mut diag).map(Some),
            None => Some(None),
        };
        let context = obj.optional("context").map(|(v, _)| v);
        let request = match (form, values, role) {
            (Some(form), Some(values), Some(role)) => {
                read_parts(bundle, form, values, role, context, &mut diag)
            }
            // A part that could not be read is reported; the others are still checked.
            (form, values, role) => {
                if let Some(form) = form {
                    check_form(bundle, form, &mut diag);
                }
                if let Some(role) = role.flatten() {
                    check_role(bundle, role, &mut diag);
                }
                if let Some(values) = values {
                    check_values(values, &mut diag);
                }
                if let Some(context) = context {
                    read_context(context, &mut diag);
                }
                None
            }
        };
        diag.finish(request)
    }

    /// Reads a request given in parts (a host's separate arguments); problems point into the
    /// request they make up (see [`RequestPart::of`]). `context: None` is no context; a given
    /// one must be an object.
    pub fn from_parts(
        bundle: &Bundle,
        form: &str,
        values: &Value,
        role: Option<&str>,
        context: Option<&Value>,
    ) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let request = read_parts(bundle, form, values, role, context, &mut diag);
        diag.finish(request)
    }

    /// Evaluates the request (see [`super::evaluate`]). It fails only when `bundle` is not the
    /// one the request was read against and lacks its form or role.
    pub fn evaluate(&self, bundle: &Bundle) -> Result<super::FormEvaluation, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let plan = check_form(bundle, &self.form, &mut diag);
        if let Some(role) = &self.role {
            check_role(bundle, role, &mut diag);
        }
        match plan {
            Some(plan) if !diag.has_errors() => Ok(super::run(
                bundle,
                plan,
                &self.values,
                self.role.as_deref(),
                &self.context,
            )),
            _ => Err(diag.into_problems()),
        }
    }
}

fn read_parts(
    bundle: &Bundle,
    form: &str,
    values: &Value,
    role: Option<&str>,
    context: Option<&Value>,
    diag: &mut Diagnostics,
) -> Option<FormRequest> {
    let plan = check_form(bundle, form, diag);
    if let Some(role) = role {
        check_role(bundle, role, diag);
    }
    let values = check_values(values, diag);
    let context = match context {
        Some(context) => read_context(context, diag),
        None => Some(Map::new()),
    };
    plan?;
    Some(FormRequest {
        form: form.to_owned(),
        values: values?.clone(),
        role: role.map(str::to_owned),
        context: context?,
    })
}

/// The form `form` of the bundle, or an `unknown-reference` at `/form`.
pub(super) fn check_form<'b>(
    bundle: &'b Bundle,
    form: &str,
    diag: &mut Diagnostics,
) -> Option<&'b FormPlan> {
    let plan = bundle.form_plan(form);
    if plan.is_none() {
        let mut problem = Problem::error(
            ProblemCode::UnknownReference,
            RequestPart::Form.pointer(),
            Localized::new(
                format!("方案中没有表单「{form}」"),
                format!("no form `{form}` in the bundle"),
            ),
        );
        let forms = bundle.doc().forms.iter().map(|f| f.id.as_str());
        if let Some(hint) = did_you_mean(form, forms) {
            problem = problem.with_hint(hint);
        }
        diag.push(problem);
    }
    plan
}

/// A role the bundle does not define is refused (an `unknown-reference` at `/role`): the
/// evaluation would treat it as a role without permissions and show it every field unmasked.
pub(super) fn check_role(bundle: &Bundle, role: &str, diag: &mut Diagnostics) {
    let roles: Vec<&str> = bundle
        .doc()
        .org
        .roles
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    if roles.contains(&role) {
        return;
    }
    let hint = if roles.is_empty() {
        Localized::new(
            "这个方案没有定义角色（org.roles），请不要指定角色",
            "this bundle defines no roles (org.roles): give no role",
        )
    } else {
        hint_for(role, &roles, ("方案中的角色", "roles in the bundle"))
    };
    diag.push(
        Problem::error(
            ProblemCode::UnknownReference,
            RequestPart::Role.pointer(),
            Localized::new(
                format!("方案中没有角色「{role}」"),
                format!("no role `{role}` in the bundle"),
            ),
        )
        .with_hint(hint),
    );
}

/// The values as an object, or a `wrong-type` at `/values`.
pub(super) fn check_values<'v>(
    values: &'v Value,
    diag: &mut Diagnostics,
) -> Option<&'v Map<String, Value>> {
    match values {
        Value::Object(map) => Some(map),
        _ => {
            diag.push(Problem::error(
                ProblemCode::WrongType,
                RequestPart::Values.pointer(),
                Localized::new(
                    "表单的值应为对象（字段 id → 值）",
                    "form values must be an object (field id → value)",
                ),
            ));
            None
        }
    }
}

/// The context's known keys with their string values (`null` left out), or its problems at
/// `/context/<key>`.
pub(super) fn read_context(context: &Value, diag: &mut Diagnostics) -> Option<Map<String, Value>> {
    let at = Pointer::root().key("context");
    let Value::Object(given) = context else {
        let (found_en, found_zh) = type_name(context);
        diag.push(Problem::error(
            ProblemCode::WrongType,
            at.as_str(),
            Localized::new(
                format!(
                    "上下文应为对象（{}），实际是{found_zh}",
                    CONTEXT_KEYS.join("、")
                ),
                format!(
                    "the context must be an object ({}), not {found_en}",
                    CONTEXT_KEYS.join(", ")
                ),
            ),
        ));
        return None;
    };
    let before = diag.len();
    let mut read = Map::new();
    for (key, value) in given {
        let key_at = at.key(key);
        let misplaced = match key.as_str() {
            "role" => Some(Localized::new(
                "角色是请求的 role，不写在上下文中",
                "the role is the request's `role`, not a context value",
            )),
            "region_path" => Some(Localized::new(
                "region_path 由 region 和方案的区域树得出，不用给出",
                "`region_path` comes from `region` and the bundle's region tree; it is not given",
            )),
            _ => None,
        };
        if let Some(message) = misplaced {
            diag.push(Problem::error(
                ProblemCode::UnknownField,
                key_at.as_str(),
                message,
            ));
            continue;
        }
        if !CONTEXT_KEYS.contains(&key.as_str()) {
            diag.push(
                Problem::error(
                    ProblemCode::UnknownField,
                    key_at.as_str(),
                    Localized::new(
                        format!("上下文没有「{key}」这一项"),
                        format!("the context has no `{key}`"),
                    ),
                )
                .with_hint(hint_for(
                    key,
                    &CONTEXT_KEYS,
                    ("上下文可用的项", "context keys"),
                )),
            );
            continue;
        }
        match value {
            Value::Null => {}
            Value::String(text) => {
                if key == "now" && parse_instant(text, &key_at, diag).is_none() {
                    continue;
                }
                read.insert(key.clone(), value.clone());
            }
            other => {
                let (found_en, found_zh) = type_name(other);
                diag.push(Problem::error(
                    ProblemCode::WrongType,
                    key_at.as_str(),
                    Localized::new(
                        format!("上下文的「{key}」应为文本，实际是{found_zh}"),
                        format!("context `{key}` must be a string, not {found_en}"),
                    ),
                ));
            }
        }
    }
    (diag.len() == before).then_some(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(roles: bool) -> Bundle {
        let mut doc = json!({
            "schema_version": 2, "currency": "CNY",
            "forms": [{"id": "deal", "name": "Deal", "fields": [
                {"kind": "text", "id": "phone", "label": "Phone"}]}]
        });
        if roles {
            doc["org"] = json!({"roles": [{"id": "finance", "name": "Finance"},
                                          {"id": "sales", "name": "Sales"}]});
        }
        Bundle::from_value(&doc).unwrap()
    }

    /// `(code, path, en)` of each problem.
    fn problems(result: Result<FormRequest, Vec<Problem>>) -> Vec<(String, String, String)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|p| (p.code.to_string(), p.path, p.message.en))
            .collect()
    }

    fn owned(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        list.iter()
            .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn a_good_request_reads_with_null_as_absent() {
        let b = bundle(true);
        let request = FormRequest::from_value(
            &b,
            &json!({"form": "deal", "values": {"phone": "13812345678"}, "role": "finance",
                    "context": {"channel": "app", "now": "2026-11-11T10:00:00+08:00",
                                "user": null}}),
        )
        .unwrap();
        assert_eq!(request.form, "deal");
        assert_eq!(request.role.as_deref(), Some("finance"));
        assert_eq!(
            Value::Object(request.context.clone()),
            json!({"channel": "app", "now": "2026-11-11T10:00:00+08:00"})
        );
        let by_parts = FormRequest::from_parts(
            &b,
            "deal",
            &json!({"phone": "13812345678"}),
            Some("finance"),
            Some(&json!({"channel": "app", "now": "2026-11-11T10:00:00+08:00", "user": null})),
        )
        .unwrap();
        assert_eq!(by_parts, request);
        let evaluation = request.evaluate(&b).unwrap();
        assert!(evaluation.valid && evaluation.role.as_deref() == Some("finance"));
        let bare = FormRequest::from_value(
            &b,
            &json!({"form": "deal", "values": {}, "role": null, "context": null}),
        )
        .unwrap();
        assert!(bare.role.is_none() && bare.context.is_empty());
    }

    #[test]
    fn every_problem_of_every_part_at_once() {
        let b = bundle(true);
        let request = json!({
            "form": "dael", "values": [], "role": "finanse",
            "context": {"regoin": "bj", "role": "sales", "region_path": ["bj"], "now": "yesterday",
                        "channel": 3, "user": "u1"},
            "extra": 1
        });
        assert_eq!(
            problems(FormRequest::from_value(&b, &request)),
            owned(&[
                ("unknown-field", "/extra", "unknown field `extra`"),
                ("unknown-reference", "/form", "no form `dael` in the bundle"),
                (
                    "unknown-reference",
                    "/role",
                    "no role `finanse` in the bundle"
                ),
                (
                    "wrong-type",
                    "/values",
                    "form values must be an object (field id → value)"
                ),
                (
                    "unknown-field",
                    "/context/regoin",
                    "the context has no `regoin`"
                ),
                (
                    "unknown-field",
                    "/context/role",
                    "the role is the request's `role`, not a context value"
                ),
                (
                    "unknown-field",
                    "/context/region_path",
                    "`region_path` comes from `region` and the bundle's region tree; it is not given"
                ),
                (
                    "invalid-instant",
                    "/context/now",
                    "`yesterday` is not an RFC 3339 instant with an offset"
                ),
                (
                    "wrong-type",
                    "/context/channel",
                    "context `channel` must be a string, not number"
                ),
            ])
        );
        let all = FormRequest::from_value(&b, &request).unwrap_err();
        let hint = |path: &str| {
            all.iter()
                .find(|p| p.path == path)
                .and_then(|p| p.hint.clone())
                .map(|h| h.en)
        };
        assert_eq!(hint("/form").as_deref(), Some("did you mean `deal`?"));
        assert_eq!(hint("/role").as_deref(), Some("did you mean `finance`?"));
        assert_eq!(
            hint("/context/regoin").as_deref(),
            Some("did you mean `region`?")
        );
        assert!(all.iter().all(|p| !p.message.zh_cn.is_empty()));
    }

    #[test]
    fn missing_and_mistyped_parts() {
        let b = bundle(true);
        assert_eq!(
            problems(FormRequest::from_value(
                &b,
                &json!({"role": 7, "context": []})
            )),
            owned(&[
                ("missing-field", "/form", "missing required field `form`"),
                (
                    "missing-field",
                    "/values",
                    "missing required field `values`"
                ),
                ("wrong-type", "/role", "expected a string, found number"),
                (
                    "wrong-type",
                    "/context",
                    "the context must be an object (channel, region, now, user), not array"
                ),
            ])
        );
        assert_eq!(
            problems(FormRequest::from_value(&b, &json!([]))),
            owned(&[("wrong-type", "", "expected an object, found array")])
        );
        assert_eq!(
            problems(FormRequest::from_json(&b, "{\"form\": ")),
            owned(&[(
                "json-syntax",
                "",
                "invalid JSON: EOF while parsing a value at line 1 column 9"
            )])
        );
        // Given in parts, a context that is there must be an object.
        assert_eq!(
            problems(FormRequest::from_parts(
                &b,
                "deal",
                &json!({}),
                None,
                Some(&Value::Null)
            )),
            owned(&[(
                "wrong-type",
                "/context",
                "the context must be an object (channel, region, now, user), not null"
            )])
        );
    }

    #[test]
    fn a_role_is_refused_even_when_the_bundle_defines_none() {
        let b = bundle(false);
        let found = FormRequest::from_parts(&b, "deal", &json!({}), Some("admin"), None);
        let found = found.unwrap_err();
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].path.as_str(), found[0].message.en.as_str()),
            ("/role", "no role `admin` in the bundle")
        );
        assert_eq!(
            found[0].hint.as_ref().map(|h| h.en.as_str()),
            Some("this bundle defines no roles (org.roles): give no role")
        );
        // No close match: the hint lists the roles there are.
        let found = FormRequest::from_parts(&bundle(true), "deal", &json!({}), Some("x"), None);
        assert_eq!(
            found.unwrap_err()[0].hint.as_ref().map(|h| h.en.as_str()),
            Some("roles in the bundle: finance, sales")
        );
    }

    #[test]
    fn parts_of_a_request() {
        for (path, part, rest) in [
            ("/form", Some(RequestPart::Form), ""),
            ("/values", Some(RequestPart::Values), ""),
            ("/values/phone", Some(RequestPart::Values), "/phone"),
            ("/role", Some(RequestPart::Role), ""),
            ("/context/now", Some(RequestPart::Context), "/now"),
            ("/contexts", None, ""),
            ("/extra", None, ""),
            ("", None, ""),
        ] {
            let got = RequestPart::of(path);
            assert_eq!(got.map(|(p, _)| p), part, "{path}");
            assert_eq!(got.map_or("", |(_, r)| r), rest, "{path}");
        }
    }
}
