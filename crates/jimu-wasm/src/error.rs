//! `JimuError`: what the methods throw — a real `Error` (`instanceof Error`, `name`
//! `"JimuError"`) carrying a stable `code`, the JSON pointer `path` of the first problem, its
//! `messages` in zh-CN and en, and every `problems` entry.

use crate::types::{Localized, Problem, Severity};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const JIMU_ERROR_TS: &str = r#"
/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Thrown by `Engine`'s methods: an `Error` (`instanceof Error`, `name` "JimuError") with these fields. */
export interface JimuError extends Error {
  name: "JimuError";
  /** Stable, kebab-case: `invalid-bundle`, `unknown-form`, `invalid-command`, a refusal's code (`no-such-action`, `closed`, …). */
  code: string;
  /** JSON pointer of the first problem in the input it is about ("" for the whole input). */
  path: string;
  /** What went wrong, in both languages. */
  messages: Localized;
  /** Every problem (at least one). */
  problems: Problem[];
}
"#;

/// The parts of a `JimuError` before it becomes a JavaScript value.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: String,
    pub path: String,
    pub messages: Localized,
    pub problems: Vec<Problem>,
}

impl Failure {
    /// `code` over every problem of one input: the message counts them and quotes the first.
    pub fn from_problems(code: &str, what: (&str, &str), list: Vec<jimu_core::Problem>) -> Self {
        let problems: Vec<Problem> = list.into_iter().map(Into::into).collect();
        let (zh, en) = what;
        let messages = match problems.first() {
            Some(first) if problems.len() == 1 => Localized {
                zh_cn: format!("{zh}：{}", first.message.zh_cn),
                en: format!("{en}: {}", first.message.en),
            },
            Some(first) => Localized {
                zh_cn: format!(
                    "{zh}：共 {} 个问题，第一个：{}",
                    problems.len(),
                    first.message.zh_cn
                ),
                en: format!(
                    "{en}: {} problems, the first: {}",
                    problems.len(),
                    first.message.en
                ),
            },
            None => Localized {
                zh_cn: zh.to_owned(),
                en: en.to_owned(),
            },
        };
        Self {
            code: code.to_owned(),
            path: problems.first().map(|p| p.path.clone()).unwrap_or_default(),
            messages,
            problems,
        }
    }

    /// One problem of its own, with `code` as both the error's and the problem's code.
    pub fn single(code: &str, path: &str, messages: Localized) -> Self {
        Self {
            code: code.to_owned(),
            path: path.to_owned(),
            problems: vec![Problem {
                code: code.to_owned(),
                severity: Severity::Error,
                path: path.to_owned(),
                message: messages.clone(),
                hint: None,
                line: None,
                column: None,
                start: None,
                end: None,
            }],
            messages,
        }
    }

    /// A ticket command refused: the refusal's code, and the ticket left as it was.
    pub fn refusal(refusal: jimu_core::ticket::Refusal) -> Self {
        Self::single(refusal.code, "", refusal.message.into())
    }

    /// The `Error` thrown to JavaScript.
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.messages.en);
        error.set_name("JimuError");
        let problems = crate::output::to_js_value(&self.problems).unwrap_or(JsValue::NULL);
        let messages = crate::output::to_js_value(&self.messages).unwrap_or(JsValue::NULL);
        for (key, value) in [
            ("code", JsValue::from_str(&self.code)),
            ("path", JsValue::from_str(&self.path)),
            ("messages", messages),
            ("problems", problems),
        ] {
            // Setting a property on a fresh Error object cannot fail.
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
        }
        error.into()
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> Self {
        failure.into_js()
    }
}
