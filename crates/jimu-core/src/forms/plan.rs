//! A form prepared for evaluation: inherited fields resolved, expressions taken from the
//! bundle's compiled set by pointer, computed fields in dependency order, patterns compiled.

use crate::expr::Expr;
use crate::format::form::{
    Field, Form, Preset, RuleSeverity, ValidationRule, effective, form_index, read_roots,
};
use crate::format::{BundleDoc, Text};
use crate::problem::Localized;
use std::collections::BTreeMap;

/// A text pattern, compiled once.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub regex: regex_lite::Regex,
    /// Resident ID numbers also carry a checksum.
    pub id_number: bool,
    /// What it checks, as messages name it: (zh-CN, en).
    pub what: (&'static str, &'static str),
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.regex.as_str() == other.regex.as_str()
    }
}

impl Pattern {
    pub(crate) fn preset(preset: Preset) -> Option<Self> {
        let (source, what) = match preset {
            Preset::MainlandMobile => (r"^1[3-9]\d{9}$", ("11 位手机号", "11-digit mobile number")),
            Preset::MainlandLandline => (
                r"^0\d{2,3}-?\d{7,8}$",
                ("带区号的固定电话", "landline number with its area code"),
            ),
            Preset::Email => (
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                ("邮箱地址", "e-mail address"),
            ),
            Preset::IdNumber => (
                r"^\d{17}[\dXx]$",
                ("18 位身份证号", "18-character ID number"),
            ),
            Preset::PostalCode => (r"^\d{6}$", ("6 位邮政编码", "six-digit postal code")),
            Preset::Url => (
                r"^https?://[^\s]+$",
                ("网址（http 或 https）", "http or https address"),
            ),
        };
        Some(Self {
            regex: regex_lite::Regex::new(source).ok()?,
            id_number: preset == Preset::IdNumber,
            what,
        })
    }

    /// The whole text must match.
    pub(crate) fn regex(source: &str) -> Option<Self> {
        Some(Self {
            regex: regex_lite::Regex::new(&format!("^(?:{source})$")).ok()?,
            id_number: false,
            what: ("要求的格式", "required format"),
        })
    }

    pub(crate) fn matches(&self, text: &str) -> bool {
        self.regex.is_match(text) && (!self.id_number || id_checksum(text))
    }
}

/// GB 11643: the 18th character of a resident ID number is a checksum of the first 17.
fn id_checksum(text: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = text.chars().collect();
    let (Some(body), Some(last)) = (chars.get(..17), chars.get(17)) else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let expected = CHECK.get((sum % 11) as usize).copied().unwrap_or('?');
    last.to_ascii_uppercase() == expected
}

/// An expression of the form, with the `context` keys it reads (so a missing one is reported
/// by name instead of failing inside zen).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FExpr {
    pub expr: Expr,
    pub context: Vec<String>,
}

impl FExpr {
    fn new(expr: Expr) -> Self {
        let mut context = Vec::new();
        let source = expr.source();
        let mut rest = source;
        while let Some(i) = rest.find("context.") {
            let before = rest[..i].chars().next_back();
            let after = &rest[i + "context.".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                && !name.is_empty()
                && !context.contains(&name)
            {
                context.push(name);
            }
            rest = after;
        }
        Self { expr, context }
    }
}

/// A validation rule ready to check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RulePlan {
    pub rule: ValidationRule,
    pub severity: RuleSeverity,
    pub message: Option<Localized>,
    pub pattern: Option<Pattern>,
    pub expr: Option<FExpr>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldPlan {
    pub field: Field,
    pub id: String,
    pub label: Localized,
    pub section: Option<usize>,
    pub visible_if: Option<FExpr>,
    pub required_if: Option<FExpr>,
    pub enabled_if: Option<FExpr>,
    pub set_value_if: Vec<(FExpr, FExpr)>,
    pub formula: Option<FExpr>,
    pub rules: Vec<RulePlan>,
    /// The field kind's own pattern (a text's or phone's preset).
    pub pattern: Option<Pattern>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SectionPlan {
    pub id: String,
    pub visible_if: Option<FExpr>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FormPlan {
    pub id: String,
    pub fields: Vec<FieldPlan>,
    pub by_id: BTreeMap<String, usize>,
    pub sections: Vec<SectionPlan>,
    pub routes: Vec<(FExpr, String)>,
    pub default_flow: Option<String>,
    /// Computed fields, each after the computed fields it reads.
    pub computed_order: Vec<usize>,
}

fn text(t: &Text) -> Localized {
    t.localized()
}

fn severity_and_message(rule: &ValidationRule) -> (RuleSeverity, Option<Localized>) {
    match rule {
        ValidationRule::Required { severity, message }
        | ValidationRule::Range {
            severity, message, ..
        }
        | ValidationRule::Length {
            severity, message, ..
        }
        | ValidationRule::Pattern {
            severity, message, ..
        }
        | ValidationRule::Options { severity, message } => (*severity, message.as_ref().map(text)),
        ValidationRule::Expression {
            severity, message, ..
        } => (*severity, Some(text(message))),
    }
}

impl FormPlan {
    /// Every form of a validated bundle, by id.
    pub(crate) fn all(doc: &BundleDoc, exprs: &BTreeMap<String, Expr>) -> BTreeMap<String, Self> {
        let by_id = form_index(&doc.forms);
        crate::btree::map(doc.forms.iter().enumerate().filter_map(|(i, form)| {
            Some((form.id.0.clone(), Self::new(doc, &by_id, i, form, exprs)?))
        }))
    }

    fn new(
        doc: &BundleDoc,
        by_id: &BTreeMap<&str, usize>,
        index: usize,
        form: &Form,
        exprs: &BTreeMap<String, Expr>,
    ) -> Option<Self> {
        let eff = effective(&doc.forms, by_id, index)?;
        let expr = |at: String| exprs.get(&at).cloned().map(FExpr::new);
        let mut fields = Vec::with_capacity(eff.fields.len());
        for (field, owner) in &eff.fields {
            let position = doc
                .forms
                .get(*owner)?
                .fields
                .iter()
                .position(|f| f.id() == field.id())?;
            let at = format!("/forms/{owner}/fields/{position}");
            let common = field.common();
            let mut rules = Vec::new();
            for (k, rule) in common.validation.iter().enumerate() {
                let (severity, message) = severity_and_message(rule);
                let pattern = match rule {
                    ValidationRule::Pattern {
                        preset: Some(p), ..
                    } => Pattern::preset(*p),
                    ValidationRule::Pattern { regex: Some(r), .. } => Pattern::regex(r),
                    _ => None,
                };
                rules.push(RulePlan {
                    rule: rule.clone(),
                    severity,
                    message,
                    pattern,
                    expr: expr(format!("{at}/validation/{k}/expr")),
                });
            }
            let has_pattern_rule = common
                .validation
                .iter()
                .any(|r| matches!(r, ValidationRule::Pattern { .. }));
            let pattern = match field {
                _ if has_pattern_rule => None,
                Field::Text {
                    preset: Some(p), ..
                }
                | Field::Phone { preset: p, .. } => Pattern::preset(*p),
                Field::Email { .. } => Pattern::preset(Preset::Email),
                _ => None,
            };
            fields.push(FieldPlan {
                field: (*field).clone(),
                id: field.id().0.clone(),
                label: text(common.label),
                section: eff
                    .sections
                    .iter()
                    .position(|s| s.fields.iter().any(|f| f == field.id())),
                visible_if: expr(format!("{at}/visible_if")),
                required_if: expr(format!("{at}/required_if")),
                enabled_if: expr(format!("{at}/enabled_if")),
                set_value_if: (0..common.set_value_if.len())
                    .filter_map(|k| {
                        Some((
                            expr(format!("{at}/set_value_if/{k}/when"))?,
                            expr(format!("{at}/set_value_if/{k}/value"))?,
                        ))
                    })
                    .collect(),
                formula: expr(format!("{at}/formula")),
                rules,
                pattern,
            });
        }
        let by_id: BTreeMap<String, usize> =
            crate::btree::map(fields.iter().enumerate().map(|(i, f)| (f.id.clone(), i)));
        // Computed fields after the computed fields they read (cycles were refused at load).
        let mut computed_order = Vec::new();
        let mut pending: Vec<usize> = fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.formula.is_some())
            .map(|(i, _)| i)
            .collect();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|&i| {
                let reads = fields
                    .get(i)
                    .and_then(|f| f.formula.as_ref())
                    .map(|e| read_roots(e.expr.source()))
                    .unwrap_or_default();
                let waits = reads.iter().any(|r| {
                    by_id.get(r).is_some_and(|&j| {
                        j != i
                            && fields.get(j).is_some_and(|f| f.formula.is_some())
                            && !computed_order.contains(&j)
                    })
                });
                if !waits {
                    computed_order.push(i);
                }
                waits
            });
            if pending.len() == before {
                computed_order.append(&mut pending);
            }
        }
        let s_owner = eff.sections_owner;
        let r_owner = eff.routes_owner;
        Some(Self {
            id: form.id.0.clone(),
            fields,
            by_id,
            sections: eff
                .sections
                .iter()
                .enumerate()
                .map(|(s, section)| SectionPlan {
                    id: section.id.0.clone(),
                    visible_if: expr(format!("/forms/{s_owner}/sections/{s}/visible_if")),
                })
                .collect(),
            routes: eff
                .routes
                .iter()
                .enumerate()
                .filter_map(|(r, route)| {
                    Some((
                        expr(format!("/forms/{r_owner}/routes/{r}/when"))?,
                        route.flow.0.clone(),
                    ))
                })
                .collect(),
            default_flow: eff.default_flow.map(|f| f.0.clone()),
            computed_order,
        })
    }
}
