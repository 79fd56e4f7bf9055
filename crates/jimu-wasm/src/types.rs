//! Boundary types: the shapes JavaScript sees, with generated TypeScript declarations.
//!
//! Field order matches the core's serde output, so `JSON.stringify` of a value here is
//! byte-for-byte the JSON the native hosts print.

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

fn problems(list: Vec<jimu_core::Problem>) -> Vec<Problem> {
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

/// A priced line. Amounts and quantities are decimal strings.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct QuoteLine {
    /// The catalog item (or, for a fee with no item, the id of the rule that charged it).
    pub item: String,
    pub name: Localized,
    pub quantity: String,
    pub unit_price: String,
    /// Price × quantity before any rule.
    pub list_amount: String,
    /// After every rule.
    pub amount: String,
    /// The rule that added this line (fees, extra lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub added_by: Option<String>,
}

/// A change to the ticket total (negative for a discount).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Adjustment {
    pub group: String,
    pub rule: String,
    pub name: Localized,
    pub amount: String,
}

/// What became of a rule.
#[derive(Debug, Clone, Copy, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    NotMatched,
    NotChosen,
    Skipped,
}

/// Why: a stable code (`matched`, `condition_false`, `outside_window`, `not_targeted`,
/// `earlier_match`, `not_best`, `disabled`) and the message.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Why {
    pub code: String,
    pub message: Localized,
}

/// One rule considered on one line (`line` absent: on the ticket total).
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct TraceStep {
    pub group: String,
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub line: Option<u32>,
    pub outcome: Outcome,
    pub why: Why,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub after: Option<String>,
    /// The effect's arithmetic, e.g. `240.00 × (1 − 20%) = 192`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub formula: Option<String>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Quote {
    /// ISO 4217 code, e.g. `CNY`.
    pub currency: String,
    pub lines: Vec<QuoteLine>,
    pub subtotal: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub adjustments: Vec<Adjustment>,
    pub total: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub trace: Vec<TraceStep>,
}

impl From<jimu_core::Quote> for Quote {
    fn from(q: jimu_core::Quote) -> Self {
        Self {
            currency: q.currency.to_owned(),
            lines: q
                .lines
                .into_iter()
                .map(|l| QuoteLine {
                    item: l.item,
                    name: l.name.into(),
                    quantity: l.quantity.to_string(),
                    unit_price: l.unit_price.to_string(),
                    list_amount: l.list_amount.to_string(),
                    amount: l.amount.to_string(),
                    added_by: l.added_by,
                })
                .collect(),
            subtotal: q.subtotal.to_string(),
            adjustments: q
                .adjustments
                .into_iter()
                .map(|a| Adjustment {
                    group: a.group.to_string(),
                    rule: a.rule.to_string(),
                    name: a.name.into(),
                    amount: a.amount.to_string(),
                })
                .collect(),
            total: q.total.to_string(),
            trace: q.trace.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<jimu_core::TraceStep> for TraceStep {
    fn from(step: jimu_core::TraceStep) -> Self {
        Self {
            group: step.group.to_string(),
            rule: step.rule.to_string(),
            line: step.line.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
            outcome: match step.outcome {
                jimu_core::Outcome::Applied => Outcome::Applied,
                jimu_core::Outcome::NotMatched => Outcome::NotMatched,
                jimu_core::Outcome::NotChosen => Outcome::NotChosen,
                jimu_core::Outcome::Skipped => Outcome::Skipped,
            },
            why: Why {
                code: step.why.code().to_owned(),
                message: step.why.message().into(),
            },
            before: step.before.map(|d| d.to_string()),
            after: step.after.map(|d| d.to_string()),
            formula: step.calc.map(|c| c.formula()),
        }
    }
}

/// Which input the problems are about.
#[derive(Debug, Clone, Copy, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Bundle,
    Request,
    Quote,
}

/// `quote`'s answer: `status` tells which shape it is.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum QuoteOutcome {
    Quoted {
        quote: Quote,
    },
    Invalid {
        stage: Stage,
        problems: Vec<Problem>,
    },
}

impl From<jimu_core::QuoteOutcome> for QuoteOutcome {
    fn from(outcome: jimu_core::QuoteOutcome) -> Self {
        match outcome {
            jimu_core::QuoteOutcome::Quoted { quote } => Self::Quoted {
                quote: quote.into(),
            },
            jimu_core::QuoteOutcome::Invalid {
                stage,
                problems: list,
            } => Self::Invalid {
                stage: match stage {
                    jimu_core::Stage::Bundle => Stage::Bundle,
                    jimu_core::Stage::Request => Stage::Request,
                    jimu_core::Stage::Quote => Stage::Quote,
                },
                problems: problems(list),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The boundary shapes must serialize exactly like the core's, field for field.
    #[test]
    fn boundary_json_equals_core_json() {
        let bundle = r#"{"schema_version":1,"currency":"CNY","catalog":[
            {"id":"a","name":{"zh-CN":"甲","en":"A"},"kind":"service","price":"1.005"}]}"#;
        for request in [
            r#"{"lines":[{"item":"a","quantity":"3"}]}"#,
            r#"{"lines":[{"item":"b","quantity":"-3"}]}"#,
            "{oops",
        ] {
            let core = jimu_core::quote_documents(bundle, request);
            let boundary = QuoteOutcome::from(core.clone());
            assert_eq!(
                serde_json::to_string_pretty(&boundary).unwrap(),
                serde_json::to_string_pretty(&core).unwrap()
            );
        }
        // Rules, adjustments and a trace cross the boundary unchanged too.
        let rules = include_str!("../../../tests/bundles/valid/pricing-double-11.json");
        let request = r#"{"lines":[{"item":"ac-clean","quantity":"3"},{"item":"washer-clean","quantity":"1"}],
            "context":{"now":"2026-11-11T10:00:00+08:00"}}"#;
        let core = jimu_core::quote_documents(rules, request);
        let jimu_core::QuoteOutcome::Quoted { quote } = &core else {
            panic!("{core:?}");
        };
        assert!(!quote.trace.is_empty() && !quote.adjustments.is_empty());
        assert_eq!(
            serde_json::to_string_pretty(&QuoteOutcome::from(core.clone())).unwrap(),
            serde_json::to_string_pretty(&core).unwrap()
        );
        let mut problems = jimu_core::validate_bundle("{\"schema_version\": 1}");
        problems.extend(
            jimu_core::expr::Expr::compile("nope > 1", &jimu_core::expr::Scope::default())
                .unwrap_err(),
        );
        let report = ValidationReport::from(problems.clone());
        assert!(!report.ok);
        assert_eq!(
            serde_json::to_value(&report.problems).unwrap(),
            serde_json::to_value(&problems).unwrap()
        );
    }
}
