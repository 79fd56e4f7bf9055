//! Expressions: zen-expression, compiled once when a bundle loads, with located problems.
//!
//! zen-expression is the one language for conditions, computed values and formulas. A bundle
//! declares which variables an expression may read (a [`Scope`]); compiling checks the syntax
//! and every variable it reads against that scope, and reports each problem at the JSON
//! pointer of the expression string with the character range inside it.
//!
//! The domain functions operators need (`ceil_to`, `floor_to`, `in_region`,
//! `business_days_between`) are rewritten into zen before it compiles ([`domain`]); the ones
//! that need a calendar are computed by the host through [`Env`] before zen runs.

mod domain;
mod simple;

pub(crate) use domain::DomainRef;
pub(crate) use simple::{Found, Simple};

use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{Diagnostics, Pointer, hint_for};
use rust_decimal::Decimal;
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
    /// The variable holding the context's region and its ancestors, which `in_region` reads.
    region_path: Option<String>,
    /// zen's view of `vars`, built once per scope however many expressions use it.
    zen: OnceCell<VariableType>,
}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars && self.region_path == other.region_path
    }
}

impl Eq for Scope {}

impl Scope {
    pub fn with(mut self, name: impl Into<String>, ty: VarType) -> Self {
        self.vars.insert(name.into(), ty);
        self.zen = OnceCell::new();
        self
    }

    /// The declared type of the top-level variable `name`.
    pub fn var(&self, name: &str) -> Option<&VarType> {
        self.vars.get(name)
    }

    /// Makes `in_region(id)` available, reading the region path from `path` (a variable of
    /// this scope such as `region_path` or `order.region_path`).
    pub fn with_region_path(mut self, path: impl Into<String>) -> Self {
        self.region_path = Some(path.into());
        self
    }

    fn zen_type(&self) -> &VariableType {
        self.zen
            .get_or_init(|| VarType::Object(self.vars.clone()).to_zen())
    }

    /// Whether every name `text` reads is one this scope declares, judged from its tokens
    /// alone. `false` means "not sure" (an unknown name, a keyword the scan does not know, an
    /// index or closure whose reads only zen can resolve), never "wrong".
    #[cfg(test)]
    fn reads_only_known_names(&self, text: &str) -> bool {
        self.known_roots(text).is_some()
    }

    /// The root names `text` reads when every one is declared (see
    /// [`Self::reads_only_known_names`]), with the member of the root each read goes through
    /// (`ticket.fields.x` → (`ticket`, `fields`); a bare `ticket` → (`ticket`, none)), or
    /// `None` when unsure.
    fn known_roots(&self, text: &str) -> Option<(Vec<String>, Members)> {
        let mut roots: Vec<String> = Vec::new();
        let mut members: Members = Vec::new();
        const KEYWORDS: [&str; 7] = ["and", "or", "not", "in", "true", "false", "null"];
        let bytes = text.as_bytes();
        let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let ident = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'#');
        if text.contains("..") || text.contains("?.") || text.contains('`') {
            return None;
        }
        let mut i = 0;
        while i < bytes.len() {
            let b = byte(i);
            if matches!(b, b'\'' | b'"') {
                i += 1;
                while i < bytes.len() && byte(i) != b {
                    i += if byte(i) == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            // An index right after a value (`a[0]`, `f(x)['k']`) reads what only zen knows.
            if b == b'[' && i > 0 && (ident(byte(i - 1)) || matches!(byte(i - 1), b']' | b')')) {
                return None;
            }
            let starts_name = (b.is_ascii_alphabetic() || matches!(b, b'_' | b'$' | b'#'))
                && (i == 0 || !(ident(byte(i - 1)) || byte(i - 1) == b'.'));
            if !starts_name {
                i += 1;
                continue;
            }
            // A chain `a.b.c`, stopping before a method call (`.trim(`).
            let mut path: Vec<&str> = Vec::new();
            let mut end = i;
            loop {
                let start = end;
                while end < bytes.len() && ident(byte(end)) {
                    end += 1;
                }
                let mut next = end;
                while byte(next).is_ascii_whitespace() {
                    next += 1;
                }
                if byte(next) == b'(' {
                    if path.is_empty() {
                        // A function call: its name is not a variable.
                        path.push("");
                    }
                    break;
                }
                path.push(text.get(start..end).unwrap_or(""));
                if byte(end) == b'.' && ident(byte(end + 1)) {
                    end += 1;
                } else {
                    break;
                }
            }
            i = end;
            match path.as_slice() {
                [""] => {}
                [name] if KEYWORDS.contains(name) => {}
                _ => {
                    let root = path.first().copied().unwrap_or("");
                    let mut ty = self.vars.get(root)?;
                    if !roots.iter().any(|r| r == root) {
                        roots.push(root.to_owned());
                    }
                    let member = (root.to_owned(), path.get(1).map(|m| (*m).to_owned()));
                    if !members.contains(&member) {
                        members.push(member);
                    }
                    for segment in path.iter().skip(1) {
                        match ty {
                            VarType::Object(fields) => match fields.get(*segment) {
                                Some(next) => ty = next,
                                None => return None,
                            },
                            _ => break,
                        }
                    }
                }
            }
        }
        Some((roots, members))
    }

    fn lookup(&self, path: &[Rc<str>]) -> Result<(), (usize, Vec<&str>)> {
        let Some((first, rest)) = path.split_first() else {
            return Ok(());
        };
        let mut ty = match self.vars.get(first.as_ref()) {
            Some(ty) => ty,
            None => {
                let known = self.vars.keys().map(String::as_str);
                // Values computed for domain functions are not the author's to read.
                return Err((0, known.filter(|k| !k.starts_with("__jimu_")).collect()));
            }
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
    /// `business_days_between` calls, computed before `code` runs (see [`domain`]).
    natives: Vec<Native>,
    /// The top-level variables it reads, sorted: a host checks they are given before
    /// evaluating, so a missing value is a clear problem rather than a silent `null`.
    reads: Vec<String>,
    /// The members of its roots it reads, when the text shows every one (see
    /// [`Expr::reads_member`]); `None` when it may read anything.
    members: Option<Members>,
    /// The expression when it is a plain read or a comparison with a literal.
    simple: Option<Simple>,
}

/// (root, member) pairs an expression reads; a member of `None` reads the whole root.
type Members = Vec<(String, Option<String>)>;

/// A value the host computes before zen runs, bound to a hidden variable.
#[derive(Debug, Clone)]
struct Native {
    var: String,
    from: Expr,
    to: Expr,
    calendar: Option<String>,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// What the host provides to domain functions that need more than the context: business
/// calendars. A bundle implements it with its own calendars.
pub trait Env {
    /// Business days `d` with `from < d <= to` (negative when `to` is earlier), counted in
    /// `calendar`, or the bundle's only calendar when `None`. Dates are zen values: a
    /// `YYYY-MM-DD` string, an RFC 3339 instant, or a zen date.
    fn business_days_between(
        &self,
        calendar: Option<&str>,
        from: &Variable,
        to: &Variable,
    ) -> Result<Decimal, String>;
}

/// The environment of a standalone expression: no calendars.
struct NoEnv;

impl Env for NoEnv {
    fn business_days_between(
        &self,
        _: Option<&str>,
        _: &Variable,
        _: &Variable,
    ) -> Result<Decimal, String> {
        Err("business_days_between needs a bundle's calendars".to_owned())
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

    /// The top-level variables the expression reads (`ticket.type > x` → `ticket`, `x`).
    pub fn reads(&self) -> &[String] {
        &self.reads
    }

    /// The expression when it is a plain read or a comparison with a literal, which a host
    /// may answer without zen (see [`Simple`]).
    pub(crate) fn simple(&self) -> Option<&Simple> {
        self.simple.as_ref()
    }

    /// Whether evaluating may read `root.member`, so a host building a large context can
    /// leave out what is never read. `true` whenever unsure.
    pub fn reads_member(&self, root: &str, member: &str) -> bool {
        self.members.as_ref().is_none_or(|members| {
            members
                .iter()
                .any(|(r, m)| r == root && m.as_deref().is_none_or(|m| m == member))
        })
    }

    /// The members of `root` the expression reads (`form.floors > 3` → `floors`), in the
    /// order the text reads them, without repeats; `None` when it may read others (it reads
    /// `root` whole, or its text is beyond the scan that finds them).
    pub fn members_of(&self, root: &str) -> Option<Vec<&str>> {
        let mut found: Vec<&str> = Vec::new();
        for (r, member) in self.members.as_ref()? {
            if r != root {
                continue;
            }
            let member = member.as_deref()?;
            if !found.contains(&member) {
                found.push(member);
            }
        }
        Some(found)
    }

    /// Whether evaluating needs an [`Env`] (it calls `business_days_between`).
    pub fn needs_env(&self) -> bool {
        !self.natives.is_empty()
    }

    /// Evaluates against a context; `vm` is reused between calls to avoid allocations.
    pub fn evaluate(&self, context: Variable, vm: &mut VM) -> Result<Variable, String> {
        self.evaluate_in(context, vm, &NoEnv)
    }

    /// Evaluates with the host's calendars available to domain functions.
    pub fn evaluate_in(
        &self,
        context: Variable,
        vm: &mut VM,
        env: &dyn Env,
    ) -> Result<Variable, String> {
        let context = if self.natives.is_empty() {
            context
        } else {
            let Variable::Object(fields) = &context else {
                return Err("the context must be an object".to_owned());
            };
            let mut fields = fields.borrow().clone();
            for native in &self.natives {
                let from = native.from.evaluate_in(context.clone(), vm, env)?;
                let to = native.to.evaluate_in(context.clone(), vm, env)?;
                let days = env.business_days_between(native.calendar.as_deref(), &from, &to)?;
                fields.insert(native.var.as_str().into(), Variable::Number(days));
            }
            Variable::from_object(fields)
        };
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
fn char_range(source: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let to_chars = |byte: usize| {
        let byte = byte.min(source.len());
        source.char_indices().take_while(|(i, _)| *i < byte).count()
    };
    (to_chars(start), to_chars(end))
}

/// A problem at `at`, located by a byte range of `source`.
fn located(
    code: ProblemCode,
    at: &Pointer,
    source: &str,
    span: (usize, usize),
    message: Localized,
) -> Problem {
    let (start, end) = char_range(source, span);
    let mut problem = Problem::error(code, at.as_str(), message);
    problem.start = Some(start);
    problem.end = Some(end.max(start));
    problem
}

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
    Compiler::default()
        .compile(source, at, scope, diag)
        .map(|(expr, _)| expr)
}

impl Compiler {
    /// Compiles `source` found at `at`, checking syntax and every variable it reads. Also
    /// returns the ids that domain functions name literally, for the bundle to check.
    pub(crate) fn compile(
        &mut self,
        source: &str,
        at: &Pointer,
        scope: &Scope,
        diag: &mut Diagnostics,
    ) -> Option<(Expr, Vec<DomainRef>)> {
        if source.trim().is_empty() {
            diag.error(
                ProblemCode::ExpressionSyntax,
                at,
                Localized::new("表达式不能为空", "the expression is empty"),
            );
            return None;
        }
        let mut refs = Vec::new();
        let mut natives = 0;
        let expr = self.compile_range(
            source,
            (0, source.len()),
            at,
            scope,
            diag,
            &mut refs,
            &mut natives,
        )?;
        Some((expr, refs))
    }

    /// Compiles the part `lo..hi` of `full` (the whole of it, or an argument of a domain call
    /// that is computed natively), locating problems in `full`.
    #[allow(clippy::too_many_arguments)]
    fn compile_range(
        &mut self,
        full: &str,
        (lo, hi): (usize, usize),
        at: &Pointer,
        scope: &Scope,
        diag: &mut Diagnostics,
        refs: &mut Vec<DomainRef>,
        natives: &mut usize,
    ) -> Option<Expr> {
        let part = full.get(lo..hi).unwrap_or("");
        let mut ok = true;
        let rewritten = domain::mentions_domain_function(part)
            .then(|| domain::desugar(full, lo, hi, scope.region_path.as_deref(), *natives));
        let (text, to_source): (&str, Box<dyn Fn(usize) -> usize + '_>) = match &rewritten {
            Some(d) => (d.text.as_str(), Box::new(|pos| d.source_pos(pos))),
            None => (part, Box::new(move |pos| lo + pos)),
        };
        // An end maps through the last character it covers, so a range ending where generated
        // text begins still ends in the author's text.
        let span_in_full = |(start, end): (u32, u32)| {
            let (start, end) = (start as usize, end as usize);
            let mapped = to_source(start);
            let mapped_end = if end > start {
                to_source(end - 1) + 1
            } else {
                mapped
            };
            (mapped, mapped_end.max(mapped))
        };

        // Domain calls: their mistakes, the ids they name, and the values computed natively.
        let mut computed = Vec::new();
        let mut scope_with_natives = None;
        if let Some(d) = &rewritten {
            *natives += d.natives.len();
            refs.extend(d.refs.iter().cloned());
            for error in &d.errors {
                ok = false;
                let (start, _) = char_range(full, error.span);
                diag.push(located(
                    ProblemCode::ExpressionSyntax,
                    at,
                    full,
                    error.span,
                    Localized::new(
                        format!(
                            "表达式第 {} 个字符处有误：{}",
                            start + 1,
                            error.message.zh_cn
                        ),
                        format!(
                            "expression error at character {}: {}",
                            start + 1,
                            error.message.en
                        ),
                    ),
                ));
            }
            if !d.natives.is_empty() {
                let mut extended = scope.clone();
                for call in &d.natives {
                    extended = extended.with(call.var.clone(), VarType::Number);
                }
                scope_with_natives = Some(extended);
            }
        }
        let outer_scope = scope;
        let scope = scope_with_natives.as_ref().unwrap_or(scope);

        // Compiling is the fast path. Only a source that does not compile pays for zen's full
        // analysis, which locates the mistake.
        let compiled = self.isolate.compile_standard(text);
        let intellisense = &mut self.intellisense;
        let diagnostics = match &compiled {
            Ok(_) => Vec::new(),
            Err(_) => intellisense
                .analyze(text, scope.zen_type())
                .diagnostics
                .clone(),
        };
        // A domain call may copy an argument twice (`ceil_to`'s step): report each place once.
        let mut reported = std::collections::BTreeSet::new();
        for d in &diagnostics {
            if !matches!(
                d.severity,
                zen_expression::intellisense::diagnostic::Severity::Error
            ) {
                continue;
            }
            ok = false;
            let span = span_in_full(d.span);
            if !reported.insert(span) {
                continue;
            }
            let (start, _) = char_range(full, span);
            let zh = d
                .code
                .and_then(syntax_zh)
                .map_or_else(|| d.message.clone(), str::to_owned);
            diag.push(located(
                ProblemCode::ExpressionSyntax,
                at,
                full,
                span,
                Localized::new(
                    format!("表达式第 {} 个字符处有误：{zh}", start + 1),
                    format!("expression error at character {}: {}", start + 1, d.message),
                ),
            ));
        }
        // zen's dependency walk parses the text again; most expressions only read plain names
        // the scope has, which a scan of the tokens shows without it.
        let quick = compiled.as_ref().ok().and_then(|_| scope.known_roots(text));
        let mut members = None;
        let (references, mut reads) = match quick {
            Some((roots, read)) => {
                members = Some(read);
                (Vec::new(), roots)
            }
            None => {
                let references = intellisense.dependencies(text).references;
                let mut roots: Vec<String> = Vec::new();
                for root in references.iter().filter_map(|r| r.path.first()) {
                    if !roots.iter().any(|r| **r == **root) {
                        roots.push(root.to_string());
                    }
                }
                (references, roots)
            }
        };
        reads.retain(|root| !root.starts_with("__jimu_"));
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
                    text.get(span.0 as usize..)
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
                let span = span_in_full(span);
                if !reported.insert(span) {
                    continue;
                }
                let mut problem = located(
                    ProblemCode::UnknownVariable,
                    at,
                    full,
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
        // The arguments of natively computed calls compile on their own, after the text
        // around them so problems come left to right.
        for call in rewritten.iter().flat_map(|d| &d.natives) {
            let from = self.compile_range(full, call.from, at, outer_scope, diag, refs, natives);
            let to = self.compile_range(full, call.to, at, outer_scope, diag, refs, natives);
            match (from, to) {
                (Some(from), Some(to)) => {
                    for root in from.reads.iter().chain(&to.reads) {
                        if !reads.contains(root) {
                            reads.push(root.clone());
                        }
                    }
                    // The arguments see the same context as the text around them.
                    for read in [&from.members, &to.members] {
                        match (members.as_mut(), read) {
                            (Some(all), Some(read)) => all.extend(read.iter().cloned()),
                            _ => members = None,
                        }
                    }
                    computed.push(Native {
                        var: call.var.clone(),
                        from,
                        to,
                        calendar: call.calendar.clone(),
                    });
                }
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        match compiled {
            Ok(code) => {
                crate::sort::vec_by(&mut reads, Ord::cmp);
                Some(Expr {
                    source: part.to_owned(),
                    code,
                    simple: if computed.is_empty() {
                        Simple::parse(text)
                    } else {
                        None
                    },
                    natives: computed,
                    reads,
                    members,
                })
            }
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
        let ticket = VarType::Object(crate::btree::map([
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

    /// A calendar-less host that counts every day as a business day.
    struct EveryDay;

    impl Env for EveryDay {
        fn business_days_between(
            &self,
            calendar: Option<&str>,
            from: &Variable,
            to: &Variable,
        ) -> Result<Decimal, String> {
            let day = |v: &Variable| match v {
                Variable::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|e| format!("{v}: {e}")),
                _ => Err(format!("{v} is not a date")),
            };
            assert_eq!(calendar, Some("sla"));
            Ok(Decimal::from((day(to)? - day(from)?).num_days()))
        }
    }

    fn domain_scope() -> Scope {
        scope()
            .with("km", VarType::Number)
            .with("region_path", VarType::List(Box::new(VarType::String)))
            .with("opened", VarType::String)
            .with_region_path("region_path")
    }

    #[test]
    fn domain_functions_evaluate() {
        let context = || -> Variable {
            serde_json::json!({"km": 7.2, "region_path": ["bj-chaoyang", "beijing-city", "beijing"],
                               "opened": "2026-11-02"})
            .into()
        };
        let cases = [
            ("ceil_to(km, 1)", "8"),
            ("ceil_to(km, 5)", "10"),
            ("floor_to(km, 0.5)", "7.0"),
            ("ceil_to(ceil_to(km, 1) * 3, 10)", "30"),
            ("in_region('beijing')", "true"),
            ("in_region('shanghai')", "false"),
            ("business_days_between(opened, '2026-11-09', 'sla')", "7"),
            (
                "business_days_between(opened, '2026-11-09', 'sla') - business_days_between('2026-11-10', opened, 'sla')",
                "15",
            ),
        ];
        let mut vm = VM::new();
        for (source, want) in cases {
            let expr = Expr::compile(source, &domain_scope()).unwrap();
            let got = expr.evaluate_in(context(), &mut vm, &EveryDay).unwrap();
            assert_eq!(got.to_string(), want, "{source}");
        }
        let expr = Expr::compile(
            "business_days_between(opened, opened, 'sla')",
            &domain_scope(),
        );
        let err = expr.unwrap().evaluate(context(), &mut vm).unwrap_err();
        assert!(err.contains("calendars"), "{err}");
    }

    #[test]
    fn an_expression_knows_the_variables_it_reads() {
        let reads = |source: &str| Expr::compile(source, &domain_scope()).unwrap().reads;
        assert_eq!(
            reads("ticket.type == 'a' and km > 2 and ticket.duration_h < km"),
            ["km", "ticket"]
        );
        // Through zen's walk (a closure), and inside natively computed arguments.
        assert_eq!(
            reads("some(region_path, # == tier)"),
            ["region_path", "tier"]
        );
        assert_eq!(
            reads("business_days_between(opened, '2026-01-01', 'sla') > km"),
            ["km", "opened"]
        );
        assert!(reads("1 + 2 > 2").is_empty());
    }

    #[test]
    fn mistakes_inside_domain_calls_point_at_the_authors_text() {
        let locate = |source: &str| -> Vec<(ProblemCode, Option<usize>, Option<usize>)> {
            let mut diag = Diagnostics::default();
            compile(source, &Pointer::root(), &domain_scope(), &mut diag);
            diag.into_problems()
                .iter()
                .map(|p| (p.code, p.start, p.end))
                .collect()
        };
        let unknown = ProblemCode::UnknownVariable;
        assert_eq!(
            locate("ceil_to(kn, 1) > 2"),
            vec![(unknown, Some(8), Some(10))]
        );
        assert_eq!(
            locate("1 + ceil_to(km, tiers) > 2"),
            vec![(unknown, Some(16), Some(21))]
        );
        // 北京 is two characters (six bytes): positions are counted in characters.
        assert_eq!(
            locate("'北京' == x or business_days_between(openned, '2026-01-01', 'sla') > 1"),
            vec![(unknown, Some(8), Some(9)), (unknown, Some(35), Some(42))]
        );
        let arity = locate("floor_to(km) > 1");
        assert_eq!(
            arity,
            vec![(ProblemCode::ExpressionSyntax, Some(0), Some(12))]
        );
        let no_region = scope().with("km", VarType::Number);
        let mut diag = Diagnostics::default();
        assert!(compile("in_region('bj')", &Pointer::root(), &no_region, &mut diag).is_none());
        let hint = diag.into_problems();
        assert!(hint[0].message.en.contains("no region"), "{hint:?}");
    }

    /// The token scan that skips zen's dependency walk never passes a name the walk rejects.
    #[test]
    fn the_quick_name_scan_agrees_with_zens_dependency_walk() {
        let cases = [
            ("region == '北京' and ticket.duration_h > 2", true),
            ("tier in ['vip', 'svip'] and not (ticket.type == 'x')", true),
            ("len(region) > 2 and ticket.type.trim() == 'a'", true),
            ("'ticket.nope' == region", true),
            ("ticket.nope > 1", false),
            ("regoin == 'x'", false),
            ("ticket['nope'] > 1", false),
            ("map(ticket.tags, # + 1)", false),
            ("ticket.duration_h in [1..x]", false),
            ("{nope: 1}.nope == 1", false),
            ("region == \"a\\\"b\" and tier == 'c'", true),
        ];
        let scope = scope();
        let mut intellisense = IntelliSense::new();
        for (source, quick) in cases {
            assert_eq!(scope.reads_only_known_names(source), quick, "{source}");
            if quick {
                let references = intellisense.dependencies(source).references;
                for reference in references {
                    assert!(scope.lookup(&reference.path).is_ok(), "{source}");
                }
            }
        }
    }

    #[test]
    fn the_members_an_expression_reads_come_from_its_text() {
        let reads = |source: &str, member: &str| {
            Expr::compile(source, &scope())
                .unwrap_or_else(|p| panic!("{source}: {p:?}"))
                .reads_member("ticket", member)
        };
        let source = "ticket.duration_h > 2 and len(ticket.type) == 1 and region == 'x'";
        assert!(reads(source, "duration_h") && reads(source, "type"));
        assert!(!reads(source, "fields"), "{source}");
        assert!(!reads("region == 'ticket.type'", "type"));
        // A bare root, or a text the scan cannot follow, may read every member.
        assert!(reads("ticket != null", "fields"));
        assert!(reads("ticket['type'] == 'a'", "fields"));
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
