//! The form designer's model, without a browser: a form of the draft read as the designer shows
//! it (sections and their fields with everything `extends` brings in, where each field comes
//! from, what its logic reads), and the edits that add, move, duplicate, remove, restore and
//! override fields. It reads the JSON of the draft, so it works while the draft is invalid.

use crate::state::doc::Edit;
use crate::state::pointer;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Where a field of the form on show comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Added by this form.
    Own,
    /// Inherited unchanged from the named ancestor.
    Inherited(String),
    /// Written by this form over the named ancestor's field of the same id.
    Overrides(String),
}

/// A field as the designer lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRow {
    pub id: String,
    pub kind: String,
    /// The field's definition (this form's own, or the ancestor's it inherits).
    pub json: Value,
    pub origin: Origin,
    /// The pointer of its definition (in this form, or in the ancestor).
    pub at: String,
    /// The other fields its expressions read, in order of first use.
    pub reads: Vec<String>,
}

/// A section as the designer lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionRow {
    pub id: String,
    pub title: Value,
    pub fields: Vec<FieldRow>,
}

/// A form of the draft as the designer shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// `/forms/{i}`.
    pub at: String,
    pub id: String,
    /// The form it extends (when that form exists and the chain has no cycle).
    pub parent: Option<String>,
    pub sections: Vec<SectionRow>,
    /// The form the sections come from, when an ancestor's are used.
    pub sections_from: Option<String>,
    /// Fields in no section, shown after the sections.
    pub loose: Vec<FieldRow>,
    /// Inherited fields this form removes: (field id, index in `remove_fields`).
    pub removed: Vec<(String, usize)>,
}

impl Layout {
    /// Every field in display order.
    pub fn fields(&self) -> impl Iterator<Item = &FieldRow> {
        self.sections
            .iter()
            .flat_map(|s| &s.fields)
            .chain(&self.loose)
    }

    pub fn field(&self, id: &str) -> Option<&FieldRow> {
        self.fields().find(|f| f.id == id)
    }

    /// The fields whose expressions read `id`.
    pub fn read_by(&self, id: &str) -> Vec<String> {
        self.fields()
            .filter(|f| f.reads.iter().any(|r| r == id))
            .map(|f| f.id.clone())
            .collect()
    }
}

fn str_of<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

fn array<'v>(value: &'v Value, key: &str) -> &'v [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn forms(doc: &Value) -> &[Value] {
    array(doc, "forms")
}

/// The indexes of form `index` and its ancestors, root first (just `index` on a cycle or a
/// missing parent, as the engine treats them after reporting them).
fn chain(doc: &Value, index: usize) -> Vec<usize> {
    let forms = forms(doc);
    let mut chain = vec![index];
    let mut current = index;
    while let Some(parent) = forms.get(current).and_then(|f| str_of(f, "extends")) {
        match forms.iter().position(|f| str_of(f, "id") == Some(parent)) {
            Some(p) if !chain.contains(&p) => {
                chain.push(p);
                current = p;
            }
            _ => return vec![index],
        }
    }
    chain.reverse();
    chain
}

/// Words of the expression language that are not variables.
const KEYWORDS: &[&str] = &["and", "or", "not", "true", "false", "null", "in", "value"];

/// The root names an expression reads (`a.b + len(c)` → `a`, `c`): identifiers outside string
/// literals that are not members, calls or keywords.
pub fn roots(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' || c == '`' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let member = start > 0 && chars[start - 1] == '.';
            let call = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(');
            if !member && !call && !KEYWORDS.contains(&word.as_str()) && !found.contains(&word) {
                found.push(word);
            }
        } else {
            i += 1;
        }
    }
    found
}

/// Every expression a field holds, with the name of the member holding it.
pub fn expressions(field: &Value) -> Vec<String> {
    let mut out: Vec<String> = ["visible_if", "required_if", "enabled_if", "formula"]
        .iter()
        .filter_map(|k| str_of(field, k).map(str::to_owned))
        .collect();
    for set in array(field, "set_value_if") {
        out.extend(
            ["when", "value"]
                .iter()
                .filter_map(|k| str_of(set, k).map(str::to_owned)),
        );
    }
    for rule in array(field, "validation") {
        out.extend(str_of(rule, "expr").map(str::to_owned));
    }
    out
}

/// Reads form `index` of the draft as the designer shows it.
pub fn layout(doc: &Value, index: usize) -> Layout {
    let forms = forms(doc);
    let Some(form) = forms.get(index) else {
        return Layout::default();
    };
    let at = pointer::push_index("/forms", index);
    let chain = chain(doc, index);
    let mut fields: Vec<(Value, usize, String, Option<usize>)> = Vec::new();
    let mut sections: (&[Value], usize) = (&[], index);
    for &i in &chain {
        let f = &forms[i];
        for removed in array(f, "remove_fields").iter().filter_map(Value::as_str) {
            fields.retain(|(field, ..)| str_of(field, "id") != Some(removed));
        }
        for (k, field) in array(f, "fields").iter().enumerate() {
            let id = str_of(field, "id").unwrap_or_default();
            let field_at = format!("/forms/{i}/fields/{k}");
            match fields
                .iter_mut()
                .find(|(f, ..)| str_of(f, "id") == Some(id))
            {
                Some(slot) => *slot = (field.clone(), i, field_at, Some(slot.1)),
                None => fields.push((field.clone(), i, field_at, None)),
            }
        }
        if !array(f, "sections").is_empty() {
            sections = (array(f, "sections"), i);
        }
    }
    let ids: BTreeSet<String> = fields
        .iter()
        .filter_map(|(f, ..)| str_of(f, "id").map(str::to_owned))
        .collect();
    let form_id = |i: usize| str_of(&forms[i], "id").unwrap_or_default().to_owned();
    let mut rows: Vec<Option<FieldRow>> = fields
        .into_iter()
        .map(|(json, owner, at, overridden)| {
            let origin = match (owner == index, overridden) {
                (false, _) => Origin::Inherited(form_id(owner)),
                (true, Some(p)) => Origin::Overrides(form_id(p)),
                (true, None) => Origin::Own,
            };
            let id = str_of(&json, "id").unwrap_or_default().to_owned();
            let mut reads: Vec<String> = Vec::new();
            for e in expressions(&json) {
                for r in roots(&e) {
                    if ids.contains(&r) && r != id && !reads.contains(&r) {
                        reads.push(r);
                    }
                }
            }
            Some(FieldRow {
                kind: str_of(&json, "kind").unwrap_or_default().to_owned(),
                id,
                json,
                origin,
                at,
                reads,
            })
        })
        .collect();
    let mut take = |id: &str| {
        rows.iter_mut()
            .find(|r| r.as_ref().is_some_and(|r| r.id == id))
            .and_then(Option::take)
    };
    let section_rows = sections
        .0
        .iter()
        .map(|s| SectionRow {
            id: str_of(s, "id").unwrap_or_default().to_owned(),
            title: s.get("title").cloned().unwrap_or(Value::Null),
            fields: array(s, "fields")
                .iter()
                .filter_map(|id| take(id.as_str()?))
                .collect(),
        })
        .collect();
    let removed = array(form, "remove_fields")
        .iter()
        .enumerate()
        .filter_map(|(k, id)| Some((id.as_str()?.to_owned(), k)))
        .collect();
    Layout {
        at,
        id: form_id(index),
        parent: (chain.len() > 1).then(|| form_id(chain[chain.len() - 2])),
        sections: section_rows,
        sections_from: (sections.1 != index).then(|| form_id(sections.1)),
        loose: rows.into_iter().flatten().collect(),
        removed,
    }
}

/// Where a field goes: into section `section` (an index into [`Layout::sections`]; `None` for
/// the fields in no section), before the field `before` (at the end when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    pub section: Option<usize>,
    pub before: Option<String>,
}

/// The sections as this form will write them: its own, or a copy of those it inherits.
fn section_ids(layout: &Layout) -> Vec<Vec<String>> {
    layout
        .sections
        .iter()
        .map(|s| s.fields.iter().map(|f| f.id.clone()).collect())
        .collect()
}

/// The edit that writes the form's sections with the fields of each given by `lists` (other
/// members of each section kept; an inherited set of sections is copied into this form).
fn write_sections(doc: &Value, layout: &Layout, lists: Vec<Vec<String>>) -> Edit {
    let own = doc
        .pointer(&format!("{}/sections", layout.at))
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty());
    let source: Vec<Value> = match own {
        Some(s) => s.clone(),
        None => layout
            .sections
            .iter()
            .map(|s| json!({"id": s.id, "title": s.title}))
            .collect(),
    };
    let written: Vec<Value> = source
        .into_iter()
        .zip(lists)
        .map(|(mut section, ids)| {
            if let Some(map) = section.as_object_mut() {
                map.insert("fields".to_owned(), json!(ids));
            }
            section
        })
        .collect();
    Edit::Set {
        at: format!("{}/sections", layout.at),
        value: Value::Array(written),
    }
}

fn place(lists: &mut [Vec<String>], id: &str, target: &Target) {
    if let Some(list) = target.section.and_then(|s| lists.get_mut(s)) {
        let at = target
            .before
            .as_ref()
            .and_then(|b| list.iter().position(|x| x == b))
            .unwrap_or(list.len());
        list.insert(at, id.to_owned());
    }
}

/// The index of field `id` in this form's own `fields`.
fn own_index(doc: &Value, layout: &Layout, id: &str) -> Option<usize> {
    doc.pointer(&format!("{}/fields", layout.at))?
        .as_array()?
        .iter()
        .position(|f| str_of(f, "id") == Some(id))
}

fn own_len(doc: &Value, layout: &Layout) -> usize {
    doc.pointer(&format!("{}/fields", layout.at))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// The edit that appends `field` to this form's own fields (making the list when absent).
fn append_field(doc: &Value, layout: &Layout, field: Value) -> Edit {
    if doc.pointer(&format!("{}/fields", layout.at)).is_some() {
        Edit::Insert {
            at: format!("{}/fields/-", layout.at),
            value: field,
        }
    } else {
        Edit::Set {
            at: format!("{}/fields", layout.at),
            value: json!([field]),
        }
    }
}

/// The edit that moves own field `id` before own field `before` (last when `None`) in this
/// form's `fields`.
fn fields_move(doc: &Value, layout: &Layout, id: &str, before: Option<&str>) -> Option<Edit> {
    let from = own_index(doc, layout, id)?;
    let to = match before {
        Some(b) => match own_index(doc, layout, b)? {
            b if b > from => b - 1,
            b => b,
        },
        None => own_len(doc, layout) - 1,
    };
    (from != to).then(|| Edit::Move {
        from: format!("{}/fields/{from}", layout.at),
        to: format!("{}/fields/{to}", layout.at),
    })
}

/// Moves field `id` to `target`. Within sections only the sections change; fields in no
/// section (all of them in a form without sections) follow the form's own list, so a move
/// there moves the field in that list.
pub fn move_field(doc: &Value, layout: &Layout, id: &str, target: &Target) -> Vec<Edit> {
    if target.before.as_deref() == Some(id) {
        return Vec::new();
    }
    let mut edits = Vec::new();
    if !layout.sections.is_empty() {
        let mut lists = section_ids(layout);
        let before = lists.clone();
        for list in &mut lists {
            list.retain(|x| x != id);
        }
        place(&mut lists, id, target);
        if lists != before {
            edits.push(write_sections(doc, layout, lists));
        }
    }
    if target.section.is_none() || layout.sections.is_empty() {
        edits.extend(fields_move(doc, layout, id, target.before.as_deref()));
    }
    edits
}

/// The lists fields sit in, in display order: each section's, then those in no section.
fn lists(layout: &Layout) -> Vec<(Option<usize>, Vec<&str>)> {
    let mut out: Vec<(Option<usize>, Vec<&str>)> = layout
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (Some(i), s.fields.iter().map(|f| f.id.as_str()).collect()))
        .collect();
    out.push((None, layout.loose.iter().map(|f| f.id.as_str()).collect()));
    out
}

/// The place right after field `id` (where "add" and "duplicate" put a field).
pub fn after(layout: &Layout, id: &str) -> Option<Target> {
    lists(layout).into_iter().find_map(|(section, list)| {
        let i = list.iter().position(|x| *x == id)?;
        Some(Target {
            section,
            before: list.get(i + 1).map(|s| (*s).to_owned()),
        })
    })
}

/// Where "move up" (or down) takes field `id`: past its neighbour, or to the end (start) of
/// the list before (after) it. `None` at the very top (bottom).
pub fn step(layout: &Layout, id: &str, up: bool) -> Option<Target> {
    let lists = lists(layout);
    let (li, i) = lists
        .iter()
        .enumerate()
        .find_map(|(li, (_, list))| Some((li, list.iter().position(|x| *x == id)?)))?;
    let (section, list) = &lists[li];
    let owned = |s: Option<&&str>| s.map(|s| (*s).to_owned());
    if up && i > 0 {
        return Some(Target {
            section: *section,
            before: owned(list.get(i - 1)),
        });
    }
    if !up && i + 1 < list.len() {
        return Some(Target {
            section: *section,
            before: owned(list.get(i + 2)),
        });
    }
    // Into the neighbouring list (a form without sections has only one).
    let next = if up { li.checked_sub(1)? } else { li + 1 };
    let (section, list) = lists.get(next)?;
    Some(Target {
        section: *section,
        before: if up { None } else { owned(list.first()) },
    })
}

/// A field id for a new field of `kind` not taken in the form (`phone`, `phone_2`, …).
pub fn fresh_id(layout: &Layout, base: &str) -> String {
    let taken: BTreeSet<&str> = layout
        .fields()
        .map(|f| f.id.as_str())
        .chain(layout.removed.iter().map(|(id, _)| id.as_str()))
        .collect();
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}_{n}")
            }
        })
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or_default()
}

/// A new field of `kind` with what the format requires of it (options, a formula).
pub fn new_field(kind: &str, id: &str, label: (&str, &str)) -> Value {
    let mut field = json!({
        "id": id,
        "kind": kind,
        "label": {"zh-CN": label.0, "en": label.1},
    });
    let map = field.as_object_mut().expect("an object");
    match kind {
        "single_select" | "multi_select" | "cascading_select" => {
            map.insert(
                "options".to_owned(),
                json!([
                    {"id": "option_1", "label": {"zh-CN": "选项 1", "en": "Option 1"}},
                    {"id": "option_2", "label": {"zh-CN": "选项 2", "en": "Option 2"}}
                ]),
            );
        }
        "computed" => {
            map.insert("formula".to_owned(), json!("0"));
        }
        _ => {}
    }
    field
}

/// Adds `field` to the form at `target`.
pub fn add_field(doc: &Value, layout: &Layout, field: Value, target: &Target) -> Vec<Edit> {
    let id = str_of(&field, "id").unwrap_or_default().to_owned();
    let mut edits = Vec::new();
    let in_sections = !layout.sections.is_empty() && target.section.is_some();
    let before = target
        .before
        .as_deref()
        .and_then(|b| own_index(doc, layout, b))
        .filter(|_| !in_sections);
    edits.push(match before {
        Some(b) => Edit::Insert {
            at: format!("{}/fields/{b}", layout.at),
            value: field,
        },
        None => append_field(doc, layout, field),
    });
    if in_sections {
        let mut lists = section_ids(layout);
        place(&mut lists, &id, target);
        edits.push(write_sections(doc, layout, lists));
    }
    edits
}

/// A copy of field `id` under a new id, placed right after it.
pub fn duplicate(doc: &Value, layout: &Layout, id: &str) -> Option<(Vec<Edit>, String)> {
    let row = layout.field(id)?;
    let copy_id = fresh_id(layout, &format!("{id}_copy"));
    let mut copy = row.json.clone();
    copy.as_object_mut()?
        .insert("id".to_owned(), json!(copy_id));
    let section = layout
        .sections
        .iter()
        .position(|s| s.fields.iter().any(|f| f.id == id));
    let next = |list: &[FieldRow]| {
        let i = list.iter().position(|f| f.id == id)?;
        list.get(i + 1).map(|f| f.id.clone())
    };
    let before = match section {
        Some(s) => next(&layout.sections[s].fields),
        None => next(&layout.loose),
    };
    let edits = add_field(doc, layout, copy, &Target { section, before });
    Some((edits, copy_id))
}

/// Removes field `id` from the form: an own field leaves the fields and the sections; an
/// inherited one is listed in `remove_fields` (the override, if any, is dropped too).
pub fn remove(doc: &Value, layout: &Layout, id: &str) -> Vec<Edit> {
    let Some(row) = layout.field(id) else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    let own_sections = doc
        .pointer(&format!("{}/sections", layout.at))
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    if own_sections
        && layout
            .sections
            .iter()
            .any(|s| s.fields.iter().any(|f| f.id == id))
    {
        let mut lists = section_ids(layout);
        for list in &mut lists {
            list.retain(|x| x != id);
        }
        edits.push(write_sections(doc, layout, lists));
    }
    if let Some(i) = own_index(doc, layout, id) {
        edits.push(Edit::Remove {
            at: format!("{}/fields/{i}", layout.at),
        });
    }
    if !matches!(row.origin, Origin::Own) {
        let list = doc.pointer(&format!("{}/remove_fields", layout.at));
        edits.push(match list {
            Some(Value::Array(_)) => Edit::Insert {
                at: format!("{}/remove_fields/-", layout.at),
                value: json!(id),
            },
            _ => Edit::Set {
                at: format!("{}/remove_fields", layout.at),
                value: json!([id]),
            },
        });
    }
    edits
}

/// Takes back the removal of an inherited field (entry `k` of `remove_fields`).
pub fn restore(doc: &Value, layout: &Layout, k: usize) -> Vec<Edit> {
    let at = format!("{}/remove_fields", layout.at);
    match doc.pointer(&at).and_then(Value::as_array) {
        Some(list) if list.len() == 1 && k == 0 => vec![Edit::Remove { at }],
        Some(list) if k < list.len() => vec![Edit::Remove {
            at: format!("{at}/{k}"),
        }],
        _ => Vec::new(),
    }
}

/// Copies an inherited field into this form, so it can be changed here (an override).
pub fn override_field(doc: &Value, layout: &Layout, id: &str) -> Vec<Edit> {
    match layout.field(id) {
        Some(row) if matches!(row.origin, Origin::Inherited(_)) => {
            vec![append_field(doc, layout, row.json.clone())]
        }
        _ => Vec::new(),
    }
}

/// Renames field `id` of this form to `new` in its definition and in this form's sections
/// (expressions that read it are left for the check to point at). `None` when the new id is
/// taken or not a valid variable name.
pub fn rename(doc: &Value, layout: &Layout, id: &str, new: &str) -> Option<Vec<Edit>> {
    let valid = new.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid || layout.field(new).is_some() {
        return None;
    }
    let i = own_index(doc, layout, id)?;
    let mut edits = vec![Edit::Set {
        at: format!("{}/fields/{i}/id", layout.at),
        value: json!(new),
    }];
    let own_sections = doc
        .pointer(&format!("{}/sections", layout.at))
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    if own_sections {
        let mut lists = section_ids(layout);
        for x in lists.iter_mut().flatten() {
            if x == id {
                *x = new.to_owned();
            }
        }
        edits.push(write_sections(doc, layout, lists));
    }
    Some(edits)
}

/// Whether a field of `kind` holds a number or yes/no (compared without quotes).
pub fn is_numeric(kind: &str) -> bool {
    matches!(kind, "number" | "money" | "rating" | "yes_no" | "computed")
}

/// What role `role` may do with a field: its access (`editable` when no entry names it) and
/// the mask of a masked one.
pub fn access_of(permissions: &[Value], role: &str) -> (String, Option<Value>) {
    permissions
        .iter()
        .find(|p| array(p, "roles").iter().any(|r| r.as_str() == Some(role)))
        .map(|p| {
            (
                str_of(p, "access").unwrap_or("editable").to_owned(),
                p.get("mask").cloned(),
            )
        })
        .unwrap_or_else(|| ("editable".to_owned(), None))
}

/// The permission list with role `role` given `access` (and `mask`), every role in `roles`
/// order, roles with the same access and mask in one entry, editable roles left out.
pub fn with_access(
    permissions: &[Value],
    roles: &[String],
    role: &str,
    access: &str,
    mask: Option<Value>,
) -> Vec<Value> {
    let mut named: Vec<String> = roles.to_vec();
    for p in permissions {
        for r in array(p, "roles").iter().filter_map(Value::as_str) {
            if !named.iter().any(|n| n == r) {
                named.push(r.to_owned());
            }
        }
    }
    let mut out: Vec<Value> = Vec::new();
    for r in &named {
        let (a, m) = if r == role {
            let mask = (access == "masked")
                .then(|| mask.clone().unwrap_or_else(|| json!({"pattern": "phone"})));
            (access.to_owned(), mask)
        } else {
            access_of(permissions, r)
        };
        if a == "editable" {
            continue;
        }
        let same = out
            .iter_mut()
            .find(|p| str_of(p, "access") == Some(a.as_str()) && p.get("mask") == m.as_ref());
        match same {
            Some(p) => {
                if let Some(Value::Array(list)) = p.get_mut("roles") {
                    list.push(json!(r));
                }
            }
            None => {
                let mut entry = Map::new();
                entry.insert("roles".to_owned(), json!([r]));
                entry.insert("access".to_owned(), json!(a));
                if let Some(m) = m {
                    entry.insert("mask".to_owned(), m);
                }
                out.push(Value::Object(entry));
            }
        }
    }
    out
}

/// Options from a pasted column: one per line, `id<TAB>label` or just a label (its id made
/// from it, or `option_N` when it has no Latin letters); ids already in `taken` are skipped.
pub fn pasted_options(text: &str, taken: &[String]) -> Vec<Value> {
    let mut ids: Vec<String> = taken.to_vec();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (id, label) = match line.split_once('\t') {
            Some((id, label)) => (id.trim().to_owned(), label.trim()),
            None => {
                let slug: String = line
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect::<String>()
                    .split('_')
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("_");
                let usable = slug.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                (if usable { slug } else { String::new() }, line)
            }
        };
        let id = if id.is_empty() || ids.contains(&id) {
            if !id.is_empty() {
                continue;
            }
            (ids.len() + 1..)
                .map(|n| format!("option_{n}"))
                .find(|c| !ids.contains(c))
                .unwrap_or_default()
        } else {
            id
        };
        ids.push(id.clone());
        out.push(json!({"id": id, "label": {"zh-CN": label, "en": label}}));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::doc::Store;

    fn doc() -> Value {
        json!({"forms": [
            {"id": "base", "name": "Base", "fields": [
                {"id": "name", "kind": "text", "label": "Name"},
                {"id": "phone", "kind": "phone", "label": "Phone"},
                {"id": "fault", "kind": "long_text", "label": "Fault"}
            ], "sections": [
                {"id": "who", "title": "Who", "fields": ["name", "phone"]},
                {"id": "what", "title": "What", "fields": ["fault"]}
            ]},
            {"id": "repair", "name": "Repair", "extends": "base", "remove_fields": ["fault"],
             "fields": [
                {"id": "phone", "kind": "phone", "label": "Mobile", "required": true},
                {"id": "parts_used", "kind": "yes_no", "label": "Parts used"},
                {"id": "parts_cost", "kind": "money", "label": "Parts", "visible_if": "parts_used == true"},
                {"id": "total", "kind": "computed", "label": "Total", "formula": "parts_cost + 80"}
             ]},
            {"id": "plain", "name": "Plain", "fields": [
                {"id": "a", "kind": "text", "label": "A"},
                {"id": "b", "kind": "text", "label": "B"},
                {"id": "c", "kind": "text", "label": "C"}
            ]}
        ]})
    }

    fn ids(rows: &[FieldRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    /// Applies edits to a copy of the document, as the store would.
    fn applied(doc: &Value, edits: Vec<Edit>) -> Value {
        let mut store = Store::new(doc.clone());
        store
            .apply(crate::state::doc::Change::new(edits, 0.0))
            .expect("edits apply");
        store.doc().clone()
    }

    #[test]
    fn an_extending_form_shows_what_it_inherits_overrides_adds_and_removes() {
        let l = layout(&doc(), 1);
        assert_eq!(l.parent.as_deref(), Some("base"));
        assert_eq!(l.sections_from.as_deref(), Some("base"));
        assert_eq!(ids(&l.sections[0].fields), ["name", "phone"]);
        assert!(l.sections[1].fields.is_empty(), "fault is removed");
        assert_eq!(ids(&l.loose), ["parts_used", "parts_cost", "total"]);
        assert_eq!(
            l.field("name").unwrap().origin,
            Origin::Inherited("base".into())
        );
        assert_eq!(
            l.field("phone").unwrap().origin,
            Origin::Overrides("base".into())
        );
        assert_eq!(l.field("phone").unwrap().at, "/forms/1/fields/0");
        assert_eq!(l.field("total").unwrap().origin, Origin::Own);
        assert_eq!(l.removed, vec![("fault".to_owned(), 0)]);
        assert_eq!(l.field("total").unwrap().reads, ["parts_cost"]);
        assert_eq!(l.read_by("parts_used"), ["parts_cost"]);
    }

    #[test]
    fn a_cycle_of_extends_reads_the_form_alone() {
        let d = json!({"forms": [
            {"id": "x", "extends": "y", "fields": [{"id": "a", "kind": "text"}]},
            {"id": "y", "extends": "x", "fields": [{"id": "b", "kind": "text"}]}
        ]});
        let l = layout(&d, 0);
        assert_eq!(l.parent, None);
        assert_eq!(ids(&l.loose), ["a"]);
    }

    #[test]
    fn roots_are_the_variables_read() {
        assert_eq!(
            roots("parts_cost + labour.hours * 2"),
            ["parts_cost", "labour"]
        );
        assert_eq!(
            roots("len(items) > 0 and 'x in y' == name"),
            ["items", "name"]
        );
        assert_eq!(roots("value != null and not flag"), ["flag"]);
    }

    #[test]
    fn moving_between_sections_copies_inherited_sections_into_the_form() {
        let d = doc();
        let l = layout(&d, 1);
        let target = Target {
            section: Some(1),
            before: None,
        };
        let edits = move_field(&d, &l, "name", &target);
        let after = applied(&d, edits);
        let sections = &after["forms"][1]["sections"];
        assert_eq!(sections[0]["fields"], json!(["phone"]));
        assert_eq!(sections[1]["fields"], json!(["name"]));
        assert_eq!(sections[1]["title"], json!("What"));
        assert_eq!(after["forms"][0], d["forms"][0], "the parent is untouched");
        let l = layout(&after, 1);
        assert_eq!(l.sections_from, None);
        assert_eq!(ids(&l.sections[1].fields), ["name"]);
    }

    #[test]
    fn moving_in_a_form_without_sections_reorders_its_fields() {
        let d = doc();
        let l = layout(&d, 2);
        let to_front = Target {
            section: None,
            before: Some("a".into()),
        };
        let after = applied(&d, move_field(&d, &l, "c", &to_front));
        assert_eq!(ids(&layout(&after, 2).loose), ["c", "a", "b"]);
        let to_end = Target::default();
        let after = applied(&d, move_field(&d, &l, "a", &to_end));
        assert_eq!(ids(&layout(&after, 2).loose), ["b", "c", "a"]);
        let before_c = Target {
            section: None,
            before: Some("c".into()),
        };
        let after = applied(&d, move_field(&d, &l, "a", &before_c));
        assert_eq!(ids(&layout(&after, 2).loose), ["b", "a", "c"]);
        assert!(
            move_field(&d, &l, "b", &before_c).is_empty(),
            "already there"
        );
    }

    #[test]
    fn stepping_up_and_down_crosses_sections() {
        let d = doc();
        let l = layout(&d, 0);
        let t = |section: Option<usize>, before: Option<&str>| {
            Some(Target {
                section,
                before: before.map(str::to_owned),
            })
        };
        assert_eq!(step(&l, "phone", true), t(Some(0), Some("name")));
        assert_eq!(step(&l, "name", true), None, "the very top");
        assert_eq!(step(&l, "name", false), t(Some(0), None));
        assert_eq!(step(&l, "phone", false), t(Some(1), Some("fault")));
        assert_eq!(step(&l, "fault", true), t(Some(0), None));
        let moved = applied(
            &d,
            move_field(&d, &l, "fault", &step(&l, "fault", true).unwrap()),
        );
        assert_eq!(
            ids(&layout(&moved, 0).sections[0].fields),
            ["name", "phone", "fault"]
        );
        // Out of the last section into the fields in no section, and back.
        let out = step(&l, "fault", false).unwrap();
        assert_eq!(out.section, None);
        let moved = applied(&d, move_field(&d, &l, "fault", &out));
        let l2 = layout(&moved, 0);
        assert_eq!(ids(&l2.loose), ["fault"]);
        assert_eq!(
            step(&l2, "fault", true),
            t(Some(1), None),
            "back to the end of the last section"
        );
        assert_eq!(after(&l, "name"), t(Some(0), Some("phone")));
        // Without sections: one list.
        let l3 = layout(&d, 2);
        assert_eq!(step(&l3, "b", false), t(None, None));
        assert_eq!(step(&l3, "c", false), None);
    }

    #[test]
    fn adding_duplicating_and_removing_fields() {
        let d = doc();
        let l = layout(&d, 1);
        let id = fresh_id(&l, "phone");
        assert_eq!(id, "phone_2");
        let field = new_field("single_select", &id, ("电话", "Phone"));
        assert_eq!(field["options"].as_array().map(Vec::len), Some(2));
        let target = Target {
            section: Some(0),
            before: Some("phone".into()),
        };
        let after = applied(&d, add_field(&d, &l, field, &target));
        let l2 = layout(&after, 1);
        assert_eq!(ids(&l2.sections[0].fields), ["name", "phone_2", "phone"]);

        let (edits, copy) = duplicate(&after, &l2, "parts_cost").unwrap();
        assert_eq!(copy, "parts_cost_copy");
        let after2 = applied(&after, edits);
        let l3 = layout(&after2, 1);
        assert_eq!(
            ids(&l3.loose),
            ["parts_used", "parts_cost", "parts_cost_copy", "total"]
        );
        assert_eq!(
            l3.field("parts_cost_copy").unwrap().json["visible_if"],
            "parts_used == true"
        );

        // An inherited field is removed through remove_fields; an own one disappears.
        let after3 = applied(&after2, remove(&after2, &l3, "name"));
        let l4 = layout(&after3, 1);
        assert!(l4.field("name").is_none());
        assert_eq!(
            after3["forms"][1]["remove_fields"],
            json!(["fault", "name"])
        );
        let after4 = applied(&after3, remove(&after3, &l4, "phone_2"));
        assert!(layout(&after4, 1).field("phone_2").is_none());
        assert!(
            !after4["forms"][1]["sections"][0]["fields"]
                .as_array()
                .unwrap()
                .contains(&json!("phone_2"))
        );
        // An overridden field: both the override and the parent's are gone.
        let l5 = layout(&after4, 1);
        let after5 = applied(&after4, remove(&after4, &l5, "phone"));
        assert!(layout(&after5, 1).field("phone").is_none());
        // Restoring brings the parent's back.
        let l6 = layout(&after5, 1);
        let k = l6.removed.iter().find(|(id, _)| id == "name").unwrap().1;
        let after6 = applied(&after5, restore(&after5, &l6, k));
        assert_eq!(
            layout(&after6, 1).field("name").unwrap().origin,
            Origin::Inherited("base".into())
        );
    }

    #[test]
    fn overriding_and_renaming() {
        let d = doc();
        let l = layout(&d, 1);
        let after = applied(&d, override_field(&d, &l, "name"));
        assert_eq!(
            layout(&after, 1).field("name").unwrap().origin,
            Origin::Overrides("base".into())
        );
        assert!(
            override_field(&d, &l, "total").is_empty(),
            "own fields are not copied"
        );
        assert!(rename(&d, &l, "total", "phone").is_none(), "taken");
        assert!(rename(&d, &l, "total", "9x").is_none(), "not a name");
        let d0 = layout(&d, 0);
        let after = applied(&d, rename(&d, &d0, "phone", "mobile").unwrap());
        assert_eq!(
            after["forms"][0]["sections"][0]["fields"],
            json!(["name", "mobile"])
        );
        assert_eq!(after["forms"][0]["fields"][1]["id"], "mobile");
    }

    #[test]
    fn permissions_per_role_group_roles_with_the_same_access() {
        let roles: Vec<String> = ["agent", "tech", "manager"].map(String::from).to_vec();
        let list = with_access(&[], &roles, "agent", "masked", None);
        assert_eq!(
            list,
            vec![json!({"roles": ["agent"], "access": "masked", "mask": {"pattern": "phone"}})]
        );
        let list = with_access(&list, &roles, "tech", "masked", None);
        assert_eq!(
            list,
            vec![
                json!({"roles": ["agent", "tech"], "access": "masked", "mask": {"pattern": "phone"}})
            ]
        );
        let list = with_access(&list, &roles, "manager", "hidden", None);
        assert_eq!(list.len(), 2);
        assert_eq!(access_of(&list, "manager").0, "hidden");
        let list = with_access(&list, &roles, "agent", "editable", None);
        assert_eq!(access_of(&list, "agent").0, "editable");
        assert_eq!(list[0]["roles"], json!(["tech"]));
        // A role the organisation no longer has keeps its entry.
        let kept = with_access(
            &[json!({"roles": ["old"], "access": "read_only"})],
            &roles,
            "tech",
            "hidden",
            None,
        );
        assert_eq!(access_of(&kept, "old").0, "read_only");
    }

    #[test]
    fn a_pasted_column_becomes_options() {
        let taken = vec!["washer".to_owned()];
        let got = pasted_options(
            "Washer\nAir conditioner\n冰箱\n\nfan\tElectric fan\n",
            &taken,
        );
        let ids: Vec<&str> = got.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["air_conditioner", "option_3", "fan"]);
        assert_eq!(got[1]["label"]["zh-CN"], "冰箱");
    }
}
