//! Semantic checks shared by every section: id tables, references and expressions.
//!
//! The structural check has already passed when these run, so they work on typed values and
//! build JSON pointers from field names and indices.

use crate::expr::{DomainRef, Expr, Scope};
use crate::format::{ExprSource, Id, Instant, Window};
use crate::problem::{Localized, Problem, ProblemCode, Severity};
use crate::reader::{Diagnostics, Pointer, did_you_mean};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of things bundles give ids to, each with its own id space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdKind {
    Role,
    Team,
    Agent,
    Region,
    Skill,
    Calendar,
    Form,
    Flow,
    Item,
    RuleGroup,
    Rule,
    TierTable,
    Party,
    Plan,
}

impl IdKind {
    /// How messages name it: (zh-CN, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Role => ("角色", "role"),
            Self::Team => ("团队", "team"),
            Self::Agent => ("人员", "agent"),
            Self::Region => ("区域", "region"),
            Self::Skill => ("技能", "skill"),
            Self::Calendar => ("日历", "calendar"),
            Self::Form => ("表单", "form"),
            Self::Flow => ("流程", "flow"),
            Self::Item => ("价目条目", "catalog item"),
            Self::RuleGroup => ("规则组", "rule group"),
            Self::Rule => ("规则", "rule"),
            Self::TierTable => ("阶梯表", "tier table"),
            Self::Party => ("结算方", "party"),
            Self::Plan => ("分润方案", "plan"),
        }
    }
}

/// One id space: where each id was defined.
#[derive(Debug, Clone)]
pub struct IdSet {
    label: (&'static str, &'static str),
    defined: BTreeMap<String, Pointer>,
}

impl IdSet {
    pub fn new(label: (&'static str, &'static str)) -> Self {
        Self {
            label,
            defined: BTreeMap::new(),
        }
    }

    /// Records an id; a second definition is a `duplicate-id` pointing at it and naming the first.
    pub fn define(&mut self, id: &Id, at: &Pointer, diag: &mut Diagnostics) {
        if let Some(first) = self.defined.get(id.as_str()) {
            let (zh, en) = self.label;
            diag.error(
                ProblemCode::DuplicateId,
                at,
                Localized::new(
                    format!(
                        "{zh} id「{}」重复，已在 {} 使用",
                        id.as_str(),
                        first.as_str()
                    ),
                    format!(
                        "duplicate {en} id `{}`, already used at {}",
                        id.as_str(),
                        first.as_str()
                    ),
                ),
            );
        } else {
            self.defined.insert(id.0.clone(), at.clone());
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.defined.contains_key(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.defined.keys().map(String::as_str)
    }

    /// Checks a reference; an unknown id is an `unknown-reference` with a did-you-mean hint.
    pub fn refer(&self, id: &Id, at: &Pointer, diag: &mut Diagnostics) -> bool {
        if self.contains(id.as_str()) {
            return true;
        }
        let (zh, en) = self.label;
        let mut problem = Problem::error(
            ProblemCode::UnknownReference,
            at.as_str(),
            Localized::new(
                format!("引用了不存在的{zh}「{}」", id.as_str()),
                format!("no {en} with id `{}`", id.as_str()),
            ),
        );
        if let Some(hint) = did_you_mean(id.as_str(), self.ids()) {
            problem = problem.with_hint(hint);
        }
        diag.push(problem);
        false
    }
}

/// The id space of `kind`, created on first use.
fn id_set(ids: &mut BTreeMap<IdKind, IdSet>, kind: IdKind) -> &mut IdSet {
    ids.entry(kind).or_insert_with(|| IdSet::new(kind.label()))
}

/// Everything the semantic checks share while a bundle loads.
pub struct Ctx {
    pub diag: Diagnostics,
    ids: BTreeMap<IdKind, IdSet>,
    /// Every expression of the bundle, compiled once, by the JSON pointer of its string.
    pub exprs: BTreeMap<String, Expr>,
    /// Id kinds whose section had structural errors and was left out of the semantic checks:
    /// references into them cannot be judged, so they are not reported.
    unjudged: BTreeSet<IdKind>,
    compiler: crate::expr::Compiler,
}

impl Ctx {
    pub(crate) fn new() -> Self {
        Self {
            diag: Diagnostics::default(),
            ids: BTreeMap::new(),
            exprs: BTreeMap::new(),
            unjudged: BTreeSet::new(),
            compiler: crate::expr::Compiler::default(),
        }
    }

    /// Defines a bundle-wide id of `kind`.
    pub fn define(&mut self, kind: IdKind, id: &Id, at: &Pointer) {
        id_set(&mut self.ids, kind).define(id, at, &mut self.diag);
    }

    /// Checks a reference to a bundle-wide id of `kind`.
    /// Marks `kinds` as defined by a section that was left out (it had structural errors).
    pub(crate) fn leave_unjudged(&mut self, kinds: &[IdKind]) {
        self.unjudged.extend(kinds.iter().copied());
    }

    pub fn refer(&mut self, kind: IdKind, id: &Id, at: &Pointer) -> bool {
        if self.unjudged.contains(&kind) {
            return true;
        }
        id_set(&mut self.ids, kind).refer(id, at, &mut self.diag)
    }

    /// Compiles an expression against its scope and keeps it under its pointer.
    pub fn expr(&mut self, source: &ExprSource, at: &Pointer, scope: &Scope) -> bool {
        let Some((expr, refs)) = self
            .compiler
            .compile(source.as_str(), at, scope, &mut self.diag)
        else {
            return false;
        };
        let mut ok = true;
        for reference in refs {
            ok &= self.domain_ref(source.as_str(), at, reference);
        }
        if ok {
            self.exprs.insert(at.as_str().to_owned(), expr);
        }
        ok
    }

    /// Checks an id a domain function names (`in_region('bj')`), located inside the source.
    fn domain_ref(&mut self, source: &str, at: &Pointer, reference: DomainRef) -> bool {
        let (kind, id, span) = match reference {
            DomainRef::Region { id, span } => (IdKind::Region, id, span),
            DomainRef::Calendar { id, span } => (IdKind::Calendar, id, span),
            DomainRef::DefaultCalendar { span } => {
                let count = self
                    .ids
                    .get(&IdKind::Calendar)
                    .map_or(0, |c| c.ids().count());
                if count == 1 || self.unjudged.contains(&IdKind::Calendar) {
                    return true;
                }
                let problem = Problem::error(
                    ProblemCode::UnknownReference,
                    at.as_str(),
                    Localized::new(
                        format!(
                            "business_days_between 未指定日历，而本方案有 {count} 个日历，无法确定按哪个日历计算"
                        ),
                        format!(
                            "business_days_between names no calendar and the bundle has {count} calendars"
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "在第三个参数写日历 id，例如 business_days_between(a, b, 'sla')",
                    "name the calendar as a third argument: business_days_between(a, b, 'sla')",
                ));
                self.diag.push(locate(problem, source, span));
                return false;
            }
        };
        if self.unjudged.contains(&kind) {
            return true;
        }
        let mut scratch = Diagnostics::default();
        if id_set(&mut self.ids, kind).refer(&Id(id), at, &mut scratch) {
            return true;
        }
        for problem in scratch.into_problems() {
            self.diag.push(locate(problem, source, span));
        }
        false
    }

    /// A validity window must end after it starts; one with neither end is always in force,
    /// which is allowed but worth a warning.
    pub fn window(&mut self, window: &Window, at: &Pointer) {
        let parse = |instant: &Option<Instant>| {
            instant
                .as_ref()
                .and_then(|i| chrono::DateTime::parse_from_rfc3339(i.as_str()).ok())
        };
        if let (Some(from), Some(until)) = (parse(&window.from), parse(&window.until))
            && until <= from
        {
            self.push(
                Problem::error(
                    ProblemCode::EndsBeforeStart,
                    at.key("until").as_str(),
                    Localized::new(
                        format!(
                            "有效期的结束时间 {} 不晚于开始时间 {}",
                            until.to_rfc3339(),
                            from.to_rfc3339()
                        ),
                        format!(
                            "the window ends at {}, not after it starts at {}",
                            until.to_rfc3339(),
                            from.to_rfc3339()
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "until 不包含在内：整天从当天 00:00 到次日 00:00（双十一为 11-11T00:00 至 11-12T00:00）",
                    "`until` is exclusive: a whole day runs from 00:00 to 00:00 the next day (Double-11: 11-11T00:00 to 11-12T00:00)",
                )),
            );
        }
        if window.from.is_none() && window.until.is_none() {
            self.warning(
                ProblemCode::InvalidValue,
                at,
                Localized::new(
                    "有效期既没有 from 也没有 until，相当于一直有效",
                    "the window has neither `from` nor `until`, so it is always in force",
                ),
            );
        }
    }

    /// Reports a problem of a section-specific kind.
    pub fn error(&mut self, code: ProblemCode, at: &Pointer, message: Localized) {
        self.diag.error(code, at, message);
    }

    pub fn warning(&mut self, code: ProblemCode, at: &Pointer, message: Localized) {
        let mut problem = Problem::error(code, at.as_str(), message);
        problem.severity = Severity::Warning;
        self.diag.push(problem);
    }

    pub fn push(&mut self, problem: Problem) {
        self.diag.push(problem);
    }
}

/// Places a problem on the characters `span` (bytes) of the expression `source`.
fn locate(mut problem: Problem, source: &str, (start, end): (usize, usize)) -> Problem {
    let chars = |byte: usize| source.get(..byte).map_or(0, |s| s.chars().count());
    problem.start = Some(chars(start));
    problem.end = Some(chars(end));
    problem
}
