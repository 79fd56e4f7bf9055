//! Expressions: zen-expression, compiled once when a bundle loads, with located problems.
//!
//! zen-expression is the one language for conditions, computed values and formulas. A bundle
//! declares which variables an expression may read (a [`Scope`]); compiling checks the syntax
//! and every variable it reads against that scope, and reports each problem at the JSON
//! pointer of the expression string with the character range inside it.

use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{Diagnostics, Pointer, hint_for};
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use zen_expression::expression::Standard;
use zen_expression::intellisense::IntelliSense;
use zen_expression::variable::{Variable, VariableType};
use zen_expression::vm::VM;
use zen_expression::{Expression, Isolate};

/// The type of a variable an expression may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarType {
    Any,
    Bool,
    Number,
    String,
    Date,
    List(Box<VarType>),
    /// An object whose fields are all known: reading another field is a mistake.
    Object(BTreeMap<String, VarType>),
}

impl VarType {
    fn to_zen(&self) -> VariableType {
        match self {
            Self::Any => VariableType::Any,
            Self::Bool => VariableType::Bool,
            Self::Number => VariableType::Number,
            Self::String => VariableType::String,
            Self::Date => VariableType::Date,
            Self::List(item) => VariableType::Array(Rc::new(item.to_zen())),
            Self::Object(fields) => VariableType::Object(Rc::new(RefCell::new(
                fields
                    .iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), v.to_zen()))
                    .collect(),
            ))),
        }
    }
}

/// The variables an expression may read: the top level of its context.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: BTreeMap<String, VarType>,
    /// zen's view of `vars`, built once per scope however many expressions use it.
    zen: OnceCell<VariableType>,
}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars
    }
}

impl Eq for Scope {}

impl Scope {
    pub fn with(mut self, name: impl Into<String>, ty: VarType) -> Self {
        self.vars.insert(name.into(), ty);
        self.zen = OnceCell::new();
        self
    }

    fn zen_type(&self) -> &VariableType {
        self.zen
            .get_or_init(|| VarType::Object(self.vars.clone()).to_zen())
    }

    fn lookup(&self, path: &[Rc<str>]) -> Result<(), (usize, Vec<&str>)> {
        let Some((first, rest)) = path.split_first() else {
            return Ok(());
        };
        let mut ty = match self.vars.get(first.as_ref()) {
            Some(ty) => ty,
            None => return Err((0, self.vars.keys().map(String::as_str).collect())),
        };
        for (depth, segment) in rest.iter().enumerate() {
            match ty {
                VarType::Object(fields) => match fields.get(segment.as_ref()) {
                    Some(next) => ty = next,
                    None => return Err((depth + 1, fields.keys().map(String::as_str).collect())),
                },
                // Lists, `any` and scalars: deeper access is the language's business.
                _ => return Ok(()),
            }
        }
        Ok(())
    }
}

/// An expression compiled to bytecode. Evaluating it never re-parses the source.
#[derive(Debug, Clone)]
pub struct Expr {
    source: String,
    code: Expression<Standard>,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Expr {
    /// Compiles a standalone expression (an editor checking what a person types): problems
    /// carry the character range inside `source` and an empty path.
    pub fn compile(source: &str, scope: &Scope) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let expr = compile(source, &Pointer::root(), scope, &mut diag);
        diag.finish(expr)
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates against a context; `vm` is reused between calls to avoid allocations.
    pub fn evaluate(&self, context: Variable, vm: &mut VM) -> Result<Variable, String> {
        self.code
            .evaluate_with(context, vm)
            .map_err(|err| err.to_string())
    }
}

/// zen's diagnostic codes, in Chinese (its own messages are English).
fn syntax_zh(code: &str) -> Option<&'static str> {
    Some(match code {
        "expr.expected-property" => "点号后缺少属性名",
        "expr.invalid-number" => "无效的数字",
        "expr.syntax" => "语法错误",
        "expr.two-operands" => "运算符缺少操作数，表达式不完整",
        "expr.unexpected-end" => "表达式意外结束",
        "expr.unexpected-token" => "出现了意外的符号",
        "expr.unknown-function" => "未知的函数",
        "expr.unknown-method" => "未知的方法",
        "expr.unterminated-string" => "字符串缺少结束引号",
        _ => return None,
    })
}

/// Character offsets (Unicode scalar values) of a byte range in `source`.
fn char_range(source: &str, (start, end): (u32, u32)) -> (usize, usize) {
    let to_chars = |byte: u32| {
        let byte = (byte as usize).min(source.len());
        source.char_indices().take_while(|(i, _)| *i < byte).count()
    };
    (to_chars(start), to_chars(end))
}

fn located(
    code: ProblemCode,
    at: &Pointer,
    source: &str,
    span: (u32, u32),
    message: Localized,
) -> Problem {
    let (start, end) = char_range(source, span);
    let mut problem = Problem::error(code, at.as_str(), message);
    problem.start = Some(start);
    problem.end = Some(end.max(start));
    problem
}

/// Compiles `source` found at `at`, checking syntax and every variable it reads.
/// Compiles many expressions, reusing zen's arenas between them.
pub(crate) struct Compiler {
    isolate: Isolate,
    intellisense: IntelliSense,
}

impl Default for Compiler {
    fn default() -> Self {
        Self {
            isolate: Isolate::new(),
            intellisense: IntelliSense::new(),
        }
    }
}

/// Compiles `source` found at `at`, checking syntax and every variable it reads.
pub(crate) fn compile(
    source: &str,
    at: &Pointer,
    scope: &Scope,
    diag: &mut Diagnostics,
) -> Option<Expr> {
    Compiler::default().compile(source, at, scope, diag)
}

impl Compiler {
    pub(crate) fn compile(
        &mut self,
        source: &str,
        at: &Pointer,
        scope: &Scope,
        diag: &mut Diagnostics,
    ) -> Option<Expr> {
        if source.trim().is_empty() {
            diag.error(
                ProblemCode::ExpressionSyntax,
                at,
                Localized::new("表达式不能为空", "the expression is empty"),
            );
            return None;
        }
        // Compiling is the fast path. Only a source that does not compile pays for zen's full
        // analysis, which locates the mistake.
        let compiled = self.isolate.compile_standard(source);
        let intellisense = &mut self.intellisense;
        let mut ok = true;
        let diagnostics = match &compiled {
            Ok(_) => Vec::new(),
            Err(_) => intellisense
                .analyze(source, scope.zen_type())
                .diagnostics
                .clone(),
        };
        for d in &diagnostics {
            if !matches!(
                d.severity,
                zen_expression::intellisense::diagnostic::Severity::Error
            ) {
                continue;
            }
            ok = false;
            let (start, _) = char_range(source, d.span);
            let zh = d
                .code
                .and_then(syntax_zh)
                .map_or_else(|| d.message.clone(), str::to_owned);
            diag.push(located(
                ProblemCode::ExpressionSyntax,
                at,
                source,
                d.span,
                Localized::new(
                    format!("表达式第 {} 个字符处有误：{zh}", start + 1),
                    format!("expression error at character {}: {}", start + 1, d.message),
                ),
            ));
        }
        let references = intellisense.dependencies(source).references;
        for reference in &references {
            if let Err((depth, known)) = scope.lookup(&reference.path) {
                ok = false;
                let name: Vec<&str> = reference
                    .path
                    .iter()
                    .take(depth + 1)
                    .map(AsRef::as_ref)
                    .collect();
                let name = name.join(".");
                let wrong = reference.path.get(depth).map_or("", |s| s.as_ref());
                let span = reference.spans.first().copied().unwrap_or((0, 0));
                // zen locates the root name; for `ticket.typ` point at `typ` itself.
                let span = if depth == 0 {
                    span
                } else {
                    source
                        .get(span.0 as usize..)
                        .and_then(|rest| rest.find(&format!(".{wrong}")))
                        .and_then(|offset| u32::try_from(offset + 1).ok())
                        .map_or(span, |offset| {
                            let start = span.0.saturating_add(offset);
                            (
                                start,
                                start.saturating_add(u32::try_from(wrong.len()).unwrap_or(0)),
                            )
                        })
                };
                let mut problem = located(
                    ProblemCode::UnknownVariable,
                    at,
                    source,
                    span,
                    Localized::new(
                        format!("表达式读取了不存在的变量「{name}」"),
                        format!("the expression reads `{name}`, which does not exist"),
                    ),
                );
                problem =
                    problem.with_hint(hint_for(wrong, &known, ("可用的变量", "available here")));
                diag.push(problem);
            }
        }
        if !ok {
            return None;
        }
        match compiled {
            Ok(code) => Some(Expr {
                source: source.to_owned(),
                code,
            }),
            Err(err) => {
                diag.error(
                    ProblemCode::ExpressionSyntax,
                    at,
                    Localized::new(
                        format!("表达式无法编译：{err}"),
                        format!("the expression does not compile: {err}"),
                    ),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        let ticket = VarType::Object(BTreeMap::from([
            ("type".to_owned(), VarType::String),
            ("duration_h".to_owned(), VarType::Number),
        ]));
        Scope::default()
            .with("region", VarType::String)
            .with("tier", VarType::String)
            .with("ticket", ticket)
    }

    fn problems(source: &str) -> Vec<Problem> {
        let mut diag = Diagnostics::default();
        let compiled = compile(source, &Pointer::root().key("when"), &scope(), &mut diag);
        let problems = diag.into_problems();
        assert_eq!(compiled.is_some(), problems.is_empty(), "{source}");
        problems
    }

    #[test]
    fn valid_expressions_compile_and_evaluate() {
        assert!(problems("region == '北京' and ticket.duration_h > 2").is_empty());
        let expr = Expr::compile("ticket.duration_h * 2", &scope()).unwrap();
        let context: Variable = serde_json::json!({"ticket": {"duration_h": 3.5}}).into();
        let mut vm = VM::new();
        assert_eq!(expr.evaluate(context, &mut vm).unwrap().to_string(), "7.0");
    }

    #[test]
    fn unknown_variables_are_located_with_a_suggestion() {
        let found = problems("regoin == '北京' and ticket.typ == 'x'");
        let summary: Vec<_> = found
            .iter()
            .map(|p| {
                (
                    p.code,
                    p.start,
                    p.end,
                    p.hint.as_ref().map(|h| h.en.clone()),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    ProblemCode::UnknownVariable,
                    Some(0),
                    Some(6),
                    Some("did you mean `region`?".to_owned())
                ),
                (
                    ProblemCode::UnknownVariable,
                    Some(26),
                    Some(29),
                    Some("did you mean `type`?".to_owned())
                ),
            ]
        );
        assert_eq!(found[0].path, "/when");
    }

    #[test]
    fn syntax_errors_are_located_in_characters() {
        let found = problems("region == '北京' and (");
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|p| p.code == ProblemCode::ExpressionSyntax),
            "{found:?}"
        );
        let found = problems("  ");
        assert_eq!(found[0].code, ProblemCode::ExpressionSyntax);
        let found = problems("region == '北京");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.zh_cn.contains("缺少结束引号"),
            "{}",
            found[0].message.zh_cn
        );
    }
}
