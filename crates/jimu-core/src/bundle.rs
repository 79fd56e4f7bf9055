//! The bundle: reading it (limits → migration → structure → types → semantics) and the model.
//!
//! A `Bundle` value exists only for a document without errors, with every expression already
//! compiled; engines never re-validate or re-parse.

use crate::check::{Ctx, IdKind};
use crate::expr::Expr;
use crate::format::{BundleDoc, catalog::Item};
use crate::money::{Currency, Rounding};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{Diagnostics, Pointer, parse_json};
use crate::schema_check::SchemaChecker;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The schema version this engine writes. It reads every version from 1 up to this one.
pub const SCHEMA_VERSION: u64 = 2;

/// Limits on what a bundle may be, and small syntax rules shared by the checks.
pub mod limits {
    /// The largest bundle text accepted: 8 MiB.
    pub const MAX_BYTES: usize = 8 * 1024 * 1024;
    /// The deepest nesting of arrays and objects accepted.
    pub const MAX_DEPTH: usize = 32;

    /// 1–64 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit.
    pub fn valid_id(id: &str) -> bool {
        let mut chars = id.chars();
        id.len() <= 64
            && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    }

    /// A published bundle's name, as it appears in URLs and file names (the sync server, the
    /// CLI and the configurator agree on it): 1–64 of `a-z 0-9 - _`, starting with a letter or
    /// digit.
    pub fn valid_bundle_name(name: &str) -> bool {
        let mut chars = name.chars();
        name.len() <= 64
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
    }

    /// Minutes since midnight of `HH:MM` (00:00 to 24:00).
    pub fn minutes_of_day(text: &str) -> Option<u32> {
        let (h, m) = text.split_once(':')?;
        if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        let minutes = h.checked_mul(60)?.checked_add(m)?;
        (m < 60 && minutes <= 24 * 60).then_some(minutes)
    }
}

/// A validated bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    doc: BundleDoc,
    currency: Currency,
    rounding: Rounding,
    exprs: BTreeMap<String, Expr>,
    items: BTreeMap<String, usize>,
    /// The pricing section prepared for quoting, built on the first quote.
    pricing: OnceLock<crate::price::Plan>,
    /// Region id → parent id, built on first use.
    parents: OnceLock<BTreeMap<String, String>>,
    /// Every form prepared for evaluation, built on the first evaluation.
    forms: OnceLock<BTreeMap<String, crate::forms::plan::FormPlan>>,
    /// The settlement section prepared for settling, built on the first order.
    settlement: OnceLock<crate::settle::plan::SettlePlan>,
    /// What loading found that is not an error (an unreachable rule, an unused role, …).
    warnings: Vec<Problem>,
}

impl Bundle {
    /// Reads and validates a bundle from JSON text.
    pub fn from_json(text: &str) -> Result<Self, Vec<Problem>> {
        if text.len() > limits::MAX_BYTES {
            return Err(vec![
                Problem::error(
                    ProblemCode::DocumentTooLarge,
                    "",
                    Localized::new(
                        format!(
                            "文档过大：{} 字节（上限 {} 字节）",
                            text.len(),
                            limits::MAX_BYTES
                        ),
                        format!(
                            "the document is {} bytes; the limit is {}",
                            text.len(),
                            limits::MAX_BYTES
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "请拆分为多个价目包",
                    "split it into several bundles",
                )),
            ]);
        }
        Self::from_owned(parse_json(text)?)
    }

    /// Reads and validates a bundle from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Self, Vec<Problem>> {
        Self::from_owned(value.clone())
    }

    fn from_owned(value: Value) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        check_depth(&value, &mut diag);
        if diag.has_errors() {
            return Err(diag.into_problems());
        }
        let Some(migrated) = migrate(value, &mut diag) else {
            return Err(diag.into_problems());
        };
        SchemaChecker::new(schema()).check_root(&migrated, &mut diag);
        if diag.has_errors() {
            // Structural errors in one section should not hide semantic mistakes in the others:
            // leave the broken sections out, check the rest, and report both.
            let mut problems = diag.into_problems();
            if let Some((pruned, unjudged)) = without_broken_sections(migrated, &problems)
                && let Ok(doc) = crate::format::read_bundle(pruned)
            {
                let mut ctx = Ctx::new();
                ctx.leave_unjudged(&unjudged);
                crate::format::check(&doc, &mut ctx);
                problems.extend(ctx.diag.into_problems());
            }
            return Err(problems);
        }
        let doc = match crate::format::read_bundle(migrated) {
            Ok(doc) => doc,
            Err(err) => {
                diag.error(
                    ProblemCode::InvalidDocument,
                    &Pointer::root(),
                    Localized::new(
                        format!("无法读取文档：{err}"),
                        format!("the document cannot be read: {err}"),
                    ),
                );
                return Err(diag.into_problems());
            }
        };
        let mut ctx = Ctx::new();
        crate::format::check(&doc, &mut ctx);
        let mut problems = diag.into_problems();
        problems.extend(ctx.diag.into_problems());
        if problems.iter().any(Problem::is_error) {
            return Err(problems);
        }
        let (Some(currency), rounding) = (
            Currency::find(doc.currency.as_str()),
            doc.rounding.unwrap_or_default(),
        ) else {
            return Err(problems);
        };
        let items = crate::btree::map(
            doc.catalog
                .iter()
                .enumerate()
                .map(|(i, item)| (item.id.0.clone(), i)),
        );
        Ok(Self {
            doc,
            currency,
            rounding,
            exprs: ctx.exprs,
            items,
            pricing: OnceLock::new(),
            settlement: OnceLock::new(),
            forms: OnceLock::new(),
            parents: OnceLock::new(),
            warnings: problems,
        })
    }

    /// The warnings found when the bundle loaded (it loaded, so there are no errors).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The JSON Schema of the current format, generated from the types.
    pub fn json_schema() -> &'static Value {
        static SCHEMA: OnceLock<Value> = OnceLock::new();
        SCHEMA.get_or_init(|| schemars::schema_for!(BundleDoc).to_value())
    }

    /// The schema the structural check reads: [`Self::json_schema`] without the keywords the
    /// check never looks at (descriptions, titles, defaults). Natively it is pruned from the
    /// generated schema; on wasm32 it is built in from the checked-in
    /// `schema/bundle.schema.json` (held equal to the types by `tests/schema.rs`), so the
    /// schema generator is not part of the wasm hosts.
    pub fn checked_schema() -> &'static Value {
        schema()
    }

    pub fn doc(&self) -> &BundleDoc {
        &self.doc
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn rounding(&self) -> Rounding {
        self.rounding
    }

    pub fn catalog(&self) -> &[Item] {
        &self.doc.catalog
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.get(id).and_then(|&i| self.doc.catalog.get(i))
    }

    /// Every catalog id, in id order.
    pub fn item_ids(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(String::as_str)
    }

    /// The pricing rules prepared for quoting (built once, on first use).
    pub(crate) fn pricing_plan(&self) -> &crate::price::Plan {
        self.pricing
            .get_or_init(|| crate::price::Plan::new(&self.doc, &self.exprs))
    }

    /// `region` and every region containing it in the bundle's region tree (district → city →
    /// province); `None` when the tree does not have `region`.
    pub fn region_path(&self, region: &str) -> Option<Vec<String>> {
        let parents = self.parents.get_or_init(|| {
            crate::btree::map(
                self.doc
                    .org
                    .regions
                    .iter()
                    .filter_map(|r| r.parent.as_ref().map(|p| (r.id.0.clone(), p.0.clone()))),
            )
        });
        if !self.doc.org.regions.iter().any(|r| r.id.as_str() == region) {
            return None;
        }
        let mut path = vec![region.to_owned()];
        let mut current = region;
        // The tree was checked for cycles when the bundle loaded; the bound is a second guard.
        while let Some(parent) = parents.get(current) {
            if path.len() > parents.len() {
                break;
            }
            path.push(parent.clone());
            current = parent;
        }
        Some(path)
    }

    /// Form `id` prepared for evaluation (every form is built once, on first use).
    pub(crate) fn form_plan(&self, id: &str) -> Option<&crate::forms::plan::FormPlan> {
        self.forms
            .get_or_init(|| crate::forms::plan::FormPlan::all(&self.doc, &self.exprs))
            .get(id)
    }

    /// The settlement rules prepared for settling (built once, on first use).
    pub(crate) fn settle_plan(&self) -> &crate::settle::plan::SettlePlan {
        self.settlement.get_or_init(|| {
            crate::settle::plan::SettlePlan::new(&self.doc, &self.exprs, self.rounding)
        })
    }

    /// The compiled expression whose source string sits at `pointer` in the document.
    pub fn expr(&self, pointer: &str) -> Option<&Expr> {
        self.exprs.get(pointer)
    }
}

/// Domain functions evaluate against the bundle's calendars.
impl crate::expr::Env for Bundle {
    fn business_days_between(
        &self,
        calendar: Option<&str>,
        from: &zen_expression::Variable,
        to: &zen_expression::Variable,
    ) -> Result<rust_decimal::Decimal, String> {
        let calendars = &self.doc.calendars;
        let calendar = match calendar {
            Some(id) => calendars.iter().find(|c| c.id.as_str() == id),
            None if calendars.len() == 1 => calendars.first(),
            None => None,
        }
        .ok_or_else(|| match calendar {
            Some(id) => format!("no calendar with id `{id}`"),
            None => "business_days_between names no calendar".to_owned(),
        })?;
        let zone = calendar
            .time_zone
            .as_ref()
            .or(self.doc.time_zone.as_ref())
            .and_then(|z| z.as_str().parse::<chrono_tz::Tz>().ok())
            .unwrap_or(chrono_tz::Tz::UTC);
        let local_date = |value: &zen_expression::Variable| {
            let text = match value {
                zen_expression::Variable::String(s) => s.to_string(),
                zen_expression::Variable::Dynamic(d) => d.to_string(),
                other => return Err(format!("`{other}` is not a date")),
            };
            if let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                return Ok(date);
            }
            chrono::DateTime::parse_from_rfc3339(&text)
                .map(|instant| instant.with_timezone(&zone).date_naive())
                .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 instant"))
        };
        let days = calendar
            .business_days_between(local_date(from)?, local_date(to)?)
            .ok_or_else(|| {
                format!(
                    "business_days_between spans more than {} days",
                    crate::format::calendar::MAX_SPAN_DAYS
                )
            })?;
        Ok(rust_decimal::Decimal::from(days))
    }
}

/// The document without its top-level sections that have structural errors (required scalars
/// get a harmless stand-in), and the id kinds those sections define. `None` when an error sits
/// at the root, where nothing can be saved.
fn without_broken_sections(mut value: Value, problems: &[Problem]) -> Option<(Value, Vec<IdKind>)> {
    let map = value.as_object_mut()?;
    let mut unjudged = Vec::new();
    for problem in problems.iter().filter(|p| p.is_error()) {
        let first = problem.path.strip_prefix('/')?.split('/').next()?;
        let key = first.replace("~1", "/").replace("~0", "~");
        unjudged.extend_from_slice(match key.as_str() {
            "org" => &[
                IdKind::Role,
                IdKind::Team,
                IdKind::Agent,
                IdKind::Region,
                IdKind::Skill,
            ][..],
            "calendars" => &[IdKind::Calendar],
            "catalog" => &[IdKind::Item],
            "forms" => &[IdKind::Form],
            "flows" => &[IdKind::Flow],
            "pricing" => &[IdKind::RuleGroup, IdKind::Rule, IdKind::TierTable],
            "settlement" => &[IdKind::Party, IdKind::Plan, IdKind::TierTable],
            _ => &[],
        });
        match key.as_str() {
            "schema_version" => return None,
            "currency" => {
                map.insert(key, Value::from("CNY"));
            }
            _ => {
                map.remove(&key);
            }
        }
    }
    Some((value, unjudged))
}

#[cfg(not(target_arch = "wasm32"))]
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| crate::schema_prune::pruned(Bundle::json_schema()))
}

#[cfg(target_arch = "wasm32")]
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    // build.rs wrote this text with serde_json, so it always reads back (no panics in the core:
    // `Null` is never reached).
    SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!(concat!(
            env!("OUT_DIR"),
            "/checked-schema.json"
        )))
        .unwrap_or(Value::Null)
    })
}

/// Reports the first place the document nests deeper than [`limits::MAX_DEPTH`].
fn check_depth(value: &Value, diag: &mut Diagnostics) {
    let mut stack = vec![(value, Pointer::root(), 0_usize)];
    while let Some((value, at, depth)) = stack.pop() {
        if depth > limits::MAX_DEPTH {
            diag.error(
                ProblemCode::TooDeep,
                &at,
                Localized::new(
                    format!("嵌套过深（上限 {} 层）", limits::MAX_DEPTH),
                    format!(
                        "nested too deep (the limit is {} levels)",
                        limits::MAX_DEPTH
                    ),
                ),
            );
            return;
        }
        match value {
            Value::Array(items) => {
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (v, at.index(i), depth + 1)),
                );
            }
            Value::Object(map) => stack.extend(map.iter().map(|(k, v)| (v, at.key(k), depth + 1))),
            _ => {}
        }
    }
}

/// What [`crate::format::read_bundle`] is given for `value`, if anything: the migrated document
/// when it passes the structural check, otherwise the document without its broken sections.
#[cfg(test)]
pub(crate) fn read_input(value: Value) -> Option<Value> {
    let mut diag = Diagnostics::default();
    check_depth(&value, &mut diag);
    if diag.has_errors() {
        return None;
    }
    let migrated = migrate(value, &mut diag)?;
    SchemaChecker::new(schema()).check_root(&migrated, &mut diag);
    if diag.has_errors() {
        without_broken_sections(migrated, &diag.into_problems()).map(|(pruned, _)| pruned)
    } else {
        Some(migrated)
    }
}

/// Brings an older document up to the current version; refuses unknown versions.
fn migrate(value: Value, diag: &mut Diagnostics) -> Option<Value> {
    let at = Pointer::root().key("schema_version");
    let Value::Object(map) = &value else {
        // Not an object at all: the structural check says so at the root.
        return Some(value);
    };
    let Some(version) = map.get("schema_version") else {
        diag.error(
            ProblemCode::MissingField,
            &at,
            Localized::new(
                "缺少必填字段「schema_version」",
                "missing required field `schema_version`",
            ),
        );
        return None;
    };
    let version_number = version.as_u64();
    let shown = version.to_string();
    let mut migrated = value;
    match version_number {
        Some(1) => migrate_v1_to_v2(&mut migrated, diag)?,
        Some(SCHEMA_VERSION) => {}
        _ => {
            diag.push(
                Problem::error(
                    ProblemCode::UnsupportedSchemaVersion,
                    at.as_str(),
                    Localized::new(
                        format!("不支持的 schema_version：{shown}"),
                        format!("unsupported schema_version: {shown}"),
                    ),
                )
                .with_hint(Localized::new(
                    format!("本引擎读取 schema_version 1 到 {SCHEMA_VERSION}"),
                    format!("this engine reads schema_version 1 to {SCHEMA_VERSION}"),
                )),
            );
            return None;
        }
    }
    Some(migrated)
}

/// Version 1 held only a currency, rounding and a catalog, with the same field names version 2
/// uses, so its pointers stay valid. It required the catalog, which version 2 makes optional.
fn migrate_v1_to_v2(value: &mut Value, diag: &mut Diagnostics) -> Option<()> {
    let map = value.as_object_mut()?;
    if !map.contains_key("catalog") {
        diag.error(
            ProblemCode::MissingField,
            &Pointer::root().key("catalog"),
            Localized::new(
                "缺少必填字段「catalog」",
                "missing required field `catalog`",
            ),
        );
    }
    map.insert("schema_version".to_owned(), Value::from(SCHEMA_VERSION));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names() {
        let longest = "a".repeat(64);
        for good in ["shop", "home-services", "a", "9_lives", longest.as_str()] {
            assert!(limits::valid_bundle_name(good), "{good}");
        }
        let too_long = "a".repeat(65);
        for bad in [
            "",
            "Shop",
            "-a",
            "_a",
            "a b",
            "a.b",
            "店",
            "a/b",
            too_long.as_str(),
        ] {
            assert!(!limits::valid_bundle_name(bad), "{bad}");
        }
    }

    fn codes(text: &str) -> Vec<(ProblemCode, String)> {
        match Bundle::from_json(text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| (p.code, p.path)).collect(),
        }
    }

    #[test]
    fn version_1_migrates_with_its_pointers_intact() {
        let v1 = r#"{"schema_version":1,"currency":"CNY","catalog":[{"id":"a","name":"A","kind":"part","price":"-1"}]}"#;
        assert_eq!(
            codes(v1),
            vec![(ProblemCode::Negative, "/catalog/0/price".into())]
        );
        let ok = Bundle::from_json(&v1.replace("-1", "1")).unwrap();
        assert_eq!(ok.doc().schema_version, 2);
        // Version 1 required a catalog; version 2 does not.
        assert_eq!(
            codes(r#"{"schema_version":1,"currency":"CNY"}"#),
            vec![(ProblemCode::MissingField, "/catalog".into())]
        );
        assert_eq!(codes(r#"{"schema_version":2,"currency":"CNY"}"#), vec![]);
    }

    #[test]
    fn unknown_and_missing_versions_are_the_only_problem() {
        assert_eq!(
            codes(r#"{"schema_version":"2","nonsense":true}"#),
            vec![(
                ProblemCode::UnsupportedSchemaVersion,
                "/schema_version".into()
            )]
        );
        assert_eq!(
            codes(r#"{"currency":"CNY"}"#),
            vec![(ProblemCode::MissingField, "/schema_version".into())]
        );
        assert_eq!(codes("[]"), vec![(ProblemCode::WrongType, String::new())]);
    }

    #[test]
    fn size_and_depth_are_limited() {
        let big = format!(
            "{{\"schema_version\":2,\"currency\":\"CNY\",\"name\":\"{}\"}}",
            "x".repeat(limits::MAX_BYTES)
        );
        assert_eq!(
            codes(&big),
            vec![(ProblemCode::DocumentTooLarge, String::new())]
        );
        let deep = format!(
            "{{\"schema_version\":2,\"currency\":\"CNY\",\"name\":{}1{}}}",
            "[".repeat(40),
            "]".repeat(40)
        );
        let got = codes(&deep);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, ProblemCode::TooDeep);
        assert!(got[0].1.starts_with("/name/0/0/0"), "{}", got[0].1);
    }

    #[test]
    fn minutes_of_day_reads_hh_mm_up_to_24() {
        assert_eq!(limits::minutes_of_day("09:30"), Some(570));
        assert_eq!(limits::minutes_of_day("24:00"), Some(1440));
        for bad in ["24:01", "9:30", "09:60", "0930", "ab:cd", "-1:00"] {
            assert_eq!(limits::minutes_of_day(bad), None, "{bad}");
        }
    }
}
