//! The document store: the bundle being edited as one JSON value, changed only through edits
//! addressed by JSON pointer, with grouped undo and redo and a selection that follows edits.
//!
//! Every editor of the configurator (the text view, the previews' "keep as sample", and the
//! visual editors) reads the document and sends [`Change`]s; nothing else writes it. Applying a
//! change is all or nothing: when one of its edits does not fit the document, the ones before
//! it are undone and the document is as it was. The store keeps no clock: a change carries the
//! time it was made (`at_ms`), which is what groups typing into one undo step.

use super::pointer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change to the document, addressed by JSON pointer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Replaces the value at `at`; an object member that is absent is added at the end.
    Set { at: String, value: Value },
    /// Inserts into an array at the index `at` names (`-` appends), shifting later elements,
    /// or adds an object member that is absent.
    Insert { at: String, value: Value },
    /// Removes an array element (shifting later ones) or an object member.
    Remove { at: String },
    /// Removes the value at `from` and inserts it at `to` (read after the removal, as in
    /// JSON Patch).
    Move { from: String, to: String },
    /// Puts an object member back at its position among the members (what undoing the
    /// removal of a member does, so the order of keys is kept).
    Restore {
        at: String,
        index: usize,
        value: Value,
    },
}

/// Why an edit could not be applied (the document is unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub at: String,
    pub reason: EditErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditErrorKind {
    /// The pointer is not `""` or `/…`.
    BadPointer,
    /// A value on the way, or the target itself, does not exist.
    Missing,
    /// The parent is neither an object nor an array, or an index is not a number.
    NotAContainer,
    /// An array index past the end.
    OutOfRange,
    /// Inserting an object member that exists.
    Exists,
    /// The whole document cannot be removed, moved or inserted into.
    Root,
    /// Moving a value into itself.
    IntoItself,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} at {:?}", self.reason, self.at)
    }
}

/// What an applied edit did to the shape of the document: how pointers into it move.
#[derive(Debug, Clone, PartialEq)]
enum Shift {
    /// Nothing moved (a value replaced in place, a member added or put back).
    InPlace,
    /// An element inserted into the array `parent` at `index`.
    Inserted { parent: String, index: usize },
    /// The value at `at` is gone; when its parent is an array, later elements moved down.
    Removed {
        at: String,
        array_index: Option<usize>,
    },
}

/// How a change joins the undo step before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Changes with the same key may share a step (e.g. `text:/pricing`, `drag:n3`).
    pub key: String,
    /// The longest pause (ms) that still joins; `None` joins whatever the pause (a gesture).
    pub window_ms: Option<f64>,
}

impl Group {
    /// How long a pause ends a run of typing.
    pub const TYPING_PAUSE_MS: f64 = 1000.0;

    /// Typing into one place: one step until a pause.
    pub fn typing(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            window_ms: Some(Self::TYPING_PAUSE_MS),
        }
    }

    /// One gesture (a drag): one step however long it takes.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "the visual editors' drags (flows, forms) group by it"
        )
    )]
    pub fn gesture(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            window_ms: None,
        }
    }
}

/// Edits that belong together, made at one time.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub edits: Vec<Edit>,
    pub group: Option<Group>,
    pub at_ms: f64,
}

#[cfg_attr(
    not(test),
    expect(dead_code, reason = "editors build changes through `Workspace::edit`")
)]
impl Change {
    /// A change that is a step of its own.
    pub fn new(edits: Vec<Edit>, at_ms: f64) -> Self {
        Self {
            edits,
            group: None,
            at_ms,
        }
    }

    pub fn grouped(mut self, group: Group) -> Self {
        self.group = Some(group);
        self
    }
}

/// One undo step: the edits as made, and what undoes them (applied in order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub forward: Vec<Edit>,
    pub inverse: Vec<Edit>,
    #[serde(default)]
    pub group: Option<Group>,
    /// When the last change of the step was made.
    pub last_ms: f64,
    #[serde(default)]
    pub selection_before: Option<String>,
    #[serde(default)]
    pub selection_after: Option<String>,
    /// Closed steps take no more changes (after undo, redo, or [`Store::seal`]).
    #[serde(default)]
    pub sealed: bool,
}

impl Step {
    /// The places the step changed, in the order first changed, without repeats (an edit of
    /// the whole document is `""`).
    pub fn touched(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for edit in &self.forward {
            let at = match edit {
                Edit::Set { at, .. }
                | Edit::Insert { at, .. }
                | Edit::Remove { at }
                | Edit::Restore { at, .. } => at.as_str(),
                Edit::Move { to, .. } => to.as_str(),
            };
            if !seen.contains(&at) {
                seen.push(at);
            }
        }
        seen
    }
}

/// The undo and redo stacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub undo: Vec<Step>,
    pub redo: Vec<Step>,
}

/// The document, its history and the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    doc: Value,
    history: History,
    selection: Option<String>,
    /// Counts every change of the document (edits, undo, redo, loads): derived state keyed
    /// by it is fresh exactly when the numbers match.
    revision: u64,
}

impl Default for Store {
    fn default() -> Self {
        Self::new(Value::Object(serde_json::Map::new()))
    }
}

impl Store {
    /// How many undo steps are kept (the oldest go first).
    pub const MAX_STEPS: usize = 500;

    pub fn new(doc: Value) -> Self {
        Self {
            doc,
            history: History::default(),
            selection: None,
            revision: 0,
        }
    }

    /// A store restored from a draft: document, history and selection as they were saved.
    pub fn restore(doc: Value, history: History, selection: Option<String>) -> Self {
        Self {
            doc,
            history,
            selection,
            revision: 0,
        }
    }

    /// Numbers this store's revisions after `revision`, so a store that replaces another
    /// never repeats a revision derived state was keyed by.
    pub fn continue_from(&mut self, revision: u64) {
        self.revision = revision + 1;
    }

    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// The value at a pointer, if there is one.
    pub fn get(&self, at: &str) -> Option<&Value> {
        self.doc.pointer(at)
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn selection(&self) -> Option<&str> {
        self.selection.as_deref()
    }

    pub fn can_undo(&self) -> bool {
        !self.history.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.history.redo.is_empty()
    }

    /// Selects what a pointer names (kept even when nothing is there yet: a problem may point
    /// at a member that is missing).
    pub fn select(&mut self, at: Option<String>) {
        self.selection = at;
    }

    /// Closes the current undo step: the next change starts a new one whatever its group.
    pub fn seal(&mut self) {
        if let Some(step) = self.history.undo.last_mut() {
            step.sealed = true;
        }
    }

    /// Applies a change as one undo step (or as part of the last one, when its group says so).
    /// All or nothing: on an error the document, history and selection are unchanged.
    pub fn apply(&mut self, change: Change) -> Result<(), EditError> {
        if change.edits.is_empty() {
            return Ok(());
        }
        let selection_before = self.selection.clone();
        let inverse = apply_all(&mut self.doc, &change.edits, &mut self.selection)?;
        self.revision += 1;
        self.history.redo.clear();
        let joins = self.history.undo.last().is_some_and(|last| {
            !last.sealed
                && match (&last.group, &change.group) {
                    (Some(a), Some(b)) if a.key == b.key => {
                        b.window_ms.is_none_or(|w| change.at_ms - last.last_ms <= w)
                    }
                    _ => false,
                }
        });
        match self.history.undo.last_mut() {
            Some(last) if joins => {
                last.forward.extend(change.edits);
                // The newer change is undone first.
                let older = std::mem::replace(&mut last.inverse, inverse);
                last.inverse.extend(older);
                last.last_ms = change.at_ms;
                last.selection_after = self.selection.clone();
            }
            _ => {
                self.history.undo.push(Step {
                    forward: change.edits,
                    inverse,
                    group: change.group,
                    last_ms: change.at_ms,
                    selection_before,
                    selection_after: self.selection.clone(),
                    sealed: false,
                });
                if self.history.undo.len() > Self::MAX_STEPS {
                    let extra = self.history.undo.len() - Self::MAX_STEPS;
                    self.history.undo.drain(..extra);
                }
            }
        }
        Ok(())
    }

    /// Undoes the last step; `false` when there is none. The selection goes back to what it
    /// was before the step.
    pub fn undo(&mut self) -> bool {
        let Some(mut step) = self.history.undo.pop() else {
            return false;
        };
        let mut scratch = None;
        match apply_all(&mut self.doc, &step.inverse, &mut scratch) {
            Ok(_) => {
                step.sealed = true;
                self.selection = step.selection_before.clone();
                self.history.redo.push(step);
                self.revision += 1;
                true
            }
            // A step that no longer fits (a restored history that does not match its
            // document): drop the history rather than guess.
            Err(_) => {
                self.history = History::default();
                false
            }
        }
    }

    /// Redoes the last undone step; `false` when there is none.
    pub fn redo(&mut self) -> bool {
        let Some(step) = self.history.redo.pop() else {
            return false;
        };
        let mut scratch = None;
        match apply_all(&mut self.doc, &step.forward, &mut scratch) {
            Ok(_) => {
                self.selection = step.selection_after.clone();
                self.history.undo.push(step);
                self.revision += 1;
                true
            }
            Err(_) => {
                self.history.redo.clear();
                false
            }
        }
    }
}

/// The edits that make `at` hold `value`, creating the objects on the way that are missing
/// (`/editor`, `/editor/samples`, a node's `deadline`). Nothing when no ancestor is an object.
pub fn set_creating(doc: &Value, at: &str, value: Value) -> Vec<Edit> {
    let Some(tokens) = pointer::tokens(at) else {
        return Vec::new();
    };
    // The deepest ancestor that is an object; everything below it is made.
    let mut depth = tokens.len();
    while depth > 0 {
        let parent = pointer::join(&tokens[..depth - 1]);
        if doc
            .pointer(&parent)
            .is_some_and(|v| v.is_object() || (depth == tokens.len() && v.is_array()))
        {
            break;
        }
        depth -= 1;
    }
    if depth == 0 {
        return Vec::new();
    }
    let mut wrapped = value;
    for token in tokens[depth..].iter().rev() {
        let mut map = serde_json::Map::new();
        map.insert(token.clone(), wrapped);
        wrapped = Value::Object(map);
    }
    vec![Edit::Set {
        at: pointer::join(&tokens[..depth]),
        value: wrapped,
    }]
}

/// Applies edits in order and returns what undoes all of them (applied in order). On an
/// error, the edits already applied are undone and the error returned.
fn apply_all(
    doc: &mut Value,
    edits: &[Edit],
    selection: &mut Option<String>,
) -> Result<Vec<Edit>, EditError> {
    let mut undos: Vec<Vec<Edit>> = Vec::with_capacity(edits.len());
    let mut shifts = Vec::with_capacity(edits.len());
    for edit in edits {
        match apply_one(doc, edit) {
            Ok((undo, shift)) => {
                undos.push(undo);
                shifts.push(shift);
            }
            Err(err) => {
                for undo in undos.iter().rev() {
                    undo_edits(doc, undo);
                }
                return Err(err);
            }
        }
    }
    if let Some(selected) = selection.take() {
        *selection = Some(follow(selected, edits, &shifts, doc));
    }
    Ok(undos.into_iter().rev().flatten().collect())
}

/// Where a selected pointer is after the edits: shifted with array elements, carried along
/// with a moved value, and, when what it named is gone, the nearest container still there.
fn follow(mut selected: String, edits: &[Edit], shifts: &[Vec<Shift>], doc: &Value) -> String {
    for (edit, shifts) in edits.iter().zip(shifts) {
        if let Edit::Move { from, to } = edit
            && pointer::is_within(&selected, from)
        {
            // The value now lives where it was inserted (`-` resolved to its index).
            let base = shifts
                .iter()
                .find_map(|shift| match shift {
                    Shift::Inserted { parent, index } => Some(pointer::push_index(parent, *index)),
                    _ => None,
                })
                .unwrap_or_else(|| to.clone());
            selected = format!("{base}{}", &selected[from.len()..]);
            continue;
        }
        for shift in shifts {
            selected = shifted(&selected, shift);
        }
    }
    // The selection may name something absent on purpose (a problem about a missing member),
    // but only below a container that exists.
    let mut at = selected.as_str();
    while doc.pointer(at).is_none() {
        match pointer::split_last(at) {
            Some((parent, _))
                if doc
                    .pointer(parent)
                    .is_some_and(|v| v.is_object() || v.is_array()) =>
            {
                return at.to_owned();
            }
            Some((parent, _)) => at = parent,
            None => break,
        }
    }
    at.to_owned()
}

fn shifted(selected: &str, shift: &Shift) -> String {
    match shift {
        Shift::InPlace => selected.to_owned(),
        Shift::Inserted { parent, index } => rewrite_index(selected, parent, |i| {
            if i >= *index { Some(i + 1) } else { Some(i) }
        }),
        Shift::Removed { at, array_index } => {
            if pointer::is_within(selected, at) {
                // What was selected is gone: select the container it was in.
                return pointer::split_last(at)
                    .map(|(parent, _)| parent.to_owned())
                    .unwrap_or_default();
            }
            match (array_index, pointer::split_last(at)) {
                (Some(index), Some((parent, _))) => rewrite_index(selected, parent, |i| {
                    if i > *index { Some(i - 1) } else { Some(i) }
                }),
                _ => selected.to_owned(),
            }
        }
    }
}

/// Rewrites the array index that follows `parent` in `selected`, if `selected` lies in it.
fn rewrite_index(selected: &str, parent: &str, f: impl Fn(usize) -> Option<usize>) -> String {
    let Some(rest) = selected.strip_prefix(parent) else {
        return selected.to_owned();
    };
    let Some(rest) = rest.strip_prefix('/') else {
        return selected.to_owned();
    };
    let (token, tail) = rest
        .split_once('/')
        .map_or((rest, ""), |(t, _)| (t, &rest[t.len()..]));
    match pointer::index(token).and_then(f) {
        Some(i) => format!("{parent}/{i}{tail}"),
        None => selected.to_owned(),
    }
}

fn err(at: &str, reason: EditErrorKind) -> EditError {
    EditError {
        at: at.to_owned(),
        reason,
    }
}

/// The container holding `at` and the last token; errors for the root or a missing parent.
fn parent_of<'d>(doc: &'d mut Value, at: &str) -> Result<(&'d mut Value, String), EditError> {
    if !at.is_empty() && !at.starts_with('/') {
        return Err(err(at, EditErrorKind::BadPointer));
    }
    let (parent, last) = pointer::split_last(at).ok_or_else(|| err(at, EditErrorKind::Root))?;
    let container = doc
        .pointer_mut(parent)
        .ok_or_else(|| err(at, EditErrorKind::Missing))?;
    Ok((container, last))
}

fn array_index(token: &str, len: usize, at: &str, allow_end: bool) -> Result<usize, EditError> {
    if allow_end && token == "-" {
        return Ok(len);
    }
    let index = pointer::index(token).ok_or_else(|| err(at, EditErrorKind::NotAContainer))?;
    let limit = if allow_end {
        len
    } else {
        len.saturating_sub(1)
    };
    if index > limit || (!allow_end && len == 0) {
        return Err(err(at, EditErrorKind::OutOfRange));
    }
    Ok(index)
}

/// What undoes one edit (applied in order) and how it shifted pointers.
type Applied = (Vec<Edit>, Vec<Shift>);

fn replaced(at: &str, old: Value) -> Applied {
    (
        vec![Edit::Set {
            at: at.to_owned(),
            value: old,
        }],
        vec![Shift::InPlace],
    )
}

fn added(at: &str) -> Applied {
    (
        vec![Edit::Remove { at: at.to_owned() }],
        vec![Shift::InPlace],
    )
}

/// Applies one edit.
fn apply_one(doc: &mut Value, edit: &Edit) -> Result<Applied, EditError> {
    match edit {
        Edit::Set { at, value } if at.is_empty() => {
            Ok(replaced(at, std::mem::replace(doc, value.clone())))
        }
        Edit::Set { at, value } => {
            let (parent, last) = parent_of(doc, at)?;
            match parent {
                Value::Object(map) => match map.get_mut(&last) {
                    Some(slot) => Ok(replaced(at, std::mem::replace(slot, value.clone()))),
                    None => {
                        map.insert(last, value.clone());
                        Ok(added(at))
                    }
                },
                Value::Array(items) => {
                    let index = array_index(&last, items.len(), at, false)?;
                    let slot = items
                        .get_mut(index)
                        .ok_or_else(|| err(at, EditErrorKind::OutOfRange))?;
                    Ok(replaced(at, std::mem::replace(slot, value.clone())))
                }
                _ => Err(err(at, EditErrorKind::NotAContainer)),
            }
        }
        Edit::Insert { at, value } => {
            let parent_at = pointer::split_last(at)
                .map(|(p, _)| p.to_owned())
                .unwrap_or_default();
            let (parent, last) = parent_of(doc, at)?;
            match parent {
                Value::Object(map) => {
                    if map.contains_key(&last) {
                        return Err(err(at, EditErrorKind::Exists));
                    }
                    map.insert(last, value.clone());
                    Ok(added(at))
                }
                Value::Array(items) => {
                    let index = array_index(&last, items.len(), at, true)?;
                    items.insert(index, value.clone());
                    Ok((
                        vec![Edit::Remove {
                            at: pointer::push_index(&parent_at, index),
                        }],
                        vec![Shift::Inserted {
                            parent: parent_at,
                            index,
                        }],
                    ))
                }
                _ => Err(err(at, EditErrorKind::NotAContainer)),
            }
        }
        Edit::Remove { at } => {
            let (parent, last) = parent_of(doc, at)?;
            match parent {
                Value::Object(map) => {
                    let index = map
                        .keys()
                        .position(|k| *k == last)
                        .ok_or_else(|| err(at, EditErrorKind::Missing))?;
                    let value = map
                        .shift_remove(&last)
                        .ok_or_else(|| err(at, EditErrorKind::Missing))?;
                    Ok((
                        vec![Edit::Restore {
                            at: at.clone(),
                            index,
                            value,
                        }],
                        vec![Shift::Removed {
                            at: at.clone(),
                            array_index: None,
                        }],
                    ))
                }
                Value::Array(items) => {
                    let index = array_index(&last, items.len(), at, false)?;
                    let value = items.remove(index);
                    Ok((
                        vec![Edit::Insert {
                            at: at.clone(),
                            value,
                        }],
                        vec![Shift::Removed {
                            at: at.clone(),
                            array_index: Some(index),
                        }],
                    ))
                }
                _ => Err(err(at, EditErrorKind::NotAContainer)),
            }
        }
        Edit::Restore { at, index, value } => {
            let (parent, last) = parent_of(doc, at)?;
            let Value::Object(map) = parent else {
                return Err(err(at, EditErrorKind::NotAContainer));
            };
            if map.contains_key(&last) {
                return Err(err(at, EditErrorKind::Exists));
            }
            let index = (*index).min(map.len());
            map.shift_insert(index, last, value.clone());
            Ok(added(at))
        }
        Edit::Move { from, to } => {
            if from.is_empty() || to.is_empty() {
                return Err(err(from, EditErrorKind::Root));
            }
            if pointer::is_within(to, from) && to != from {
                return Err(err(to, EditErrorKind::IntoItself));
            }
            let value = doc
                .pointer(from)
                .cloned()
                .ok_or_else(|| err(from, EditErrorKind::Missing))?;
            let (undo_remove, mut shifts) = apply_one(doc, &Edit::Remove { at: from.clone() })?;
            let inserted = apply_one(
                doc,
                &Edit::Insert {
                    at: to.clone(),
                    value,
                },
            );
            match inserted {
                Ok((mut undo, more)) => {
                    shifts.extend(more);
                    // Undo: take it out of where it went, then put it back where it was
                    // (an object member at its place among the keys).
                    undo.extend(undo_remove);
                    Ok((undo, shifts))
                }
                Err(e) => {
                    undo_edits(doc, &undo_remove);
                    Err(e)
                }
            }
        }
    }
}

/// Applies edits that undo others; they fit by construction, so a failure cannot happen (and
/// would leave nothing worse than what it undoes).
fn undo_edits(doc: &mut Value, edits: &[Edit]) {
    for edit in edits {
        let _ = apply_one(doc, edit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store(doc: Value) -> Store {
        Store::new(doc)
    }

    fn set(at: &str, value: Value) -> Edit {
        Edit::Set {
            at: at.to_owned(),
            value,
        }
    }

    fn insert(at: &str, value: Value) -> Edit {
        Edit::Insert {
            at: at.to_owned(),
            value,
        }
    }

    fn remove(at: &str) -> Edit {
        Edit::Remove { at: at.to_owned() }
    }

    fn mv(from: &str, to: &str) -> Edit {
        Edit::Move {
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }

    fn one(edit: Edit, at_ms: f64) -> Change {
        Change::new(vec![edit], at_ms)
    }

    /// Applies each change (each its own step), then undoes them one by one, checking each
    /// earlier document byte for byte (key order included), then redoes them all: the one
    /// helper the edit-kind tests go through.
    fn check(start: Value, changes: Vec<Change>, expected: Value) {
        let text = |v: &Value| serde_json::to_string(v).expect("json");
        let mut s = store(start.clone());
        let mut states = vec![text(&start)];
        for change in changes {
            s.apply(change).expect("the change applies");
            states.push(text(s.doc()));
        }
        assert_eq!(s.doc(), &expected, "after the changes");
        states.pop();
        while let Some(state) = states.pop() {
            assert!(s.undo(), "one step per change");
            assert_eq!(text(s.doc()), state, "undone to the state before");
        }
        assert!(!s.undo());
        while s.redo() {}
        assert_eq!(text(s.doc()), text(&expected), "all redone");
    }

    #[test]
    fn set_replaces_a_member_an_element_or_the_whole_document() {
        check(
            json!({"a": 1, "b": [1, 2]}),
            vec![
                one(set("/a", json!(2)), 0.0),
                one(set("/b/1", json!("x")), 1.0),
            ],
            json!({"a": 2, "b": [1, "x"]}),
        );
        check(
            json!({"a": 1}),
            vec![one(set("", json!([1])), 0.0)],
            json!([1]),
        );
    }

    #[test]
    fn set_adds_an_absent_member_at_the_end_and_undo_removes_it() {
        check(
            json!({"z": 1, "a": 2}),
            vec![one(set("/m", json!({"k": true})), 0.0)],
            json!({"z": 1, "a": 2, "m": {"k": true}}),
        );
    }

    #[test]
    fn insert_shifts_array_elements_and_appends_with_a_dash() {
        check(
            json!({"l": ["a", "c"]}),
            vec![
                one(insert("/l/1", json!("b")), 0.0),
                one(insert("/l/-", json!("d")), 1.0),
                one(insert("/l/0", json!("0")), 2.0),
            ],
            json!({"l": ["0", "a", "b", "c", "d"]}),
        );
    }

    #[test]
    fn remove_of_a_member_is_undone_at_its_place_among_the_keys() {
        check(
            json!({"first": 1, "middle": 2, "last": 3}),
            vec![one(remove("/middle"), 0.0)],
            json!({"first": 1, "last": 3}),
        );
        check(
            json!([1, 2, 3]),
            vec![one(remove("/0"), 0.0), one(remove("/1"), 1.0)],
            json!([2]),
        );
    }

    #[test]
    fn move_reorders_arrays_renames_members_and_crosses_containers() {
        // Read after the removal, as in JSON Patch: [a,b,c,d] /1 -> /3 is [a,c,d,b].
        check(
            json!(["a", "b", "c", "d"]),
            vec![one(mv("/1", "/3"), 0.0)],
            json!(["a", "c", "d", "b"]),
        );
        // A rename keeps nothing of the old place; undo puts the key back where it was.
        check(
            json!({"x": 1, "old": 2, "y": 3}),
            vec![one(mv("/old", "/new"), 0.0)],
            json!({"x": 1, "y": 3, "new": 2}),
        );
        check(
            json!({"from": [1, 2], "to": []}),
            vec![one(mv("/from/0", "/to/-"), 0.0)],
            json!({"from": [2], "to": [1]}),
        );
    }

    #[test]
    fn edits_that_do_not_fit_are_refused_and_change_nothing() {
        let start = json!({"a": [1, 2], "o": {"k": 1}, "n": 5});
        let cases = [
            (set("/missing/x", json!(1)), EditErrorKind::Missing),
            (set("/a/2", json!(1)), EditErrorKind::OutOfRange),
            (set("/a/x", json!(1)), EditErrorKind::NotAContainer),
            (set("/n/x", json!(1)), EditErrorKind::NotAContainer),
            (set("a", json!(1)), EditErrorKind::BadPointer),
            (insert("/a/3", json!(1)), EditErrorKind::OutOfRange),
            (insert("/o/k", json!(1)), EditErrorKind::Exists),
            (remove("/o/nope"), EditErrorKind::Missing),
            (remove(""), EditErrorKind::Root),
            (mv("/o", "/o/inner"), EditErrorKind::IntoItself),
            (mv("/nope", "/x"), EditErrorKind::Missing),
            (mv("/a/0", "/n/0"), EditErrorKind::NotAContainer),
        ];
        for (edit, kind) in cases {
            let mut s = store(start.clone());
            // A good edit first: it must be undone when the bad one fails.
            let change = Change::new(vec![set("/n", json!(6)), edit.clone()], 0.0);
            let error = s.apply(change).expect_err("refused");
            assert_eq!(error.reason, kind, "{edit:?}");
            assert_eq!(s.doc(), &start, "{edit:?} left the document as it was");
            assert!(!s.can_undo(), "{edit:?} made no step");
            assert_eq!(s.revision(), 0);
        }
    }

    #[test]
    fn typing_groups_into_one_step_until_a_pause_or_another_place() {
        let mut s = store(json!({"name": ""}));
        let typing = |text: &str, at_ms: f64| {
            one(set("/name", json!(text)), at_ms).grouped(Group::typing("text:/name"))
        };
        for (i, text) in ["h", "ho", "hom", "home"].iter().enumerate() {
            s.apply(typing(text, i as f64 * 200.0)).expect("applies");
        }
        assert_eq!(s.history().undo.len(), 1, "one word, one step");
        // A pause longer than the window starts a new step.
        s.apply(typing("home-", 600.0 + Group::TYPING_PAUSE_MS + 1.0))
            .expect("applies");
        assert_eq!(s.history().undo.len(), 2);
        // Another place starts a new step even without a pause.
        s.apply(one(set("/other", json!(1)), 3000.0).grouped(Group::typing("text:/other")))
            .expect("applies");
        assert_eq!(s.history().undo.len(), 3);
        assert!(s.undo());
        assert!(s.undo());
        assert_eq!(s.doc(), &json!({"name": "home"}));
        assert!(s.undo());
        assert_eq!(s.doc(), &json!({"name": ""}));
        assert!(!s.undo());
        assert!(s.redo());
        assert_eq!(s.doc(), &json!({"name": "home"}));
    }

    #[test]
    fn a_gesture_is_one_step_however_long_and_sealing_ends_it() {
        let mut s = store(json!({"x": 0}));
        for i in 1..=5 {
            let change =
                one(set("/x", json!(i)), f64::from(i) * 5000.0).grouped(Group::gesture("drag:n1"));
            s.apply(change).expect("applies");
        }
        assert_eq!(s.history().undo.len(), 1);
        s.seal();
        s.apply(one(set("/x", json!(9)), 30_000.0).grouped(Group::gesture("drag:n1")))
            .expect("applies");
        assert_eq!(s.history().undo.len(), 2, "sealed steps take no more");
        assert!(s.undo() && s.undo());
        assert_eq!(s.doc(), &json!({"x": 0}));
    }

    #[test]
    fn undone_steps_are_not_joined_and_a_new_edit_clears_redo() {
        let mut s = store(json!({"t": ""}));
        let typing = |t: &str, ms: f64| one(set("/t", json!(t)), ms).grouped(Group::typing("k"));
        s.apply(typing("a", 0.0)).expect("applies");
        s.apply(typing("ab", 10.0)).expect("applies");
        assert!(s.undo());
        assert!(s.redo());
        // The redone step is sealed: typing again starts a new one.
        s.apply(typing("abc", 20.0)).expect("applies");
        assert_eq!(s.history().undo.len(), 2);
        assert!(s.undo());
        assert!(s.can_redo());
        s.apply(typing("x", 30.0)).expect("applies");
        assert!(!s.can_redo(), "a new edit drops what was undone");
    }

    #[test]
    fn selection_follows_array_shifts_and_moves() {
        let mut s = store(json!({"l": ["a", "b", "c"]}));
        s.select(Some("/l/1".to_owned()));
        s.apply(one(insert("/l/0", json!("z")), 0.0))
            .expect("applies");
        assert_eq!(s.selection(), Some("/l/2"), "inserted before: shifts up");
        s.apply(one(insert("/l/-", json!("end")), 1.0))
            .expect("applies");
        assert_eq!(s.selection(), Some("/l/2"), "inserted after: stays");
        s.apply(one(remove("/l/0"), 2.0)).expect("applies");
        assert_eq!(s.selection(), Some("/l/1"), "removed before: shifts down");
        s.apply(one(mv("/l/1", "/l/-"), 3.0)).expect("applies");
        assert_eq!(s.selection(), Some("/l/3"), "moved: follows the value");
        assert_eq!(s.get("/l/3"), Some(&json!("b")));
        // Undo puts the selection back to what it was before each step.
        assert!(s.undo());
        assert_eq!(s.selection(), Some("/l/1"));
        assert!(s.undo());
        assert_eq!(s.selection(), Some("/l/2"));
        assert!(s.redo());
        assert_eq!(s.selection(), Some("/l/1"));
    }

    #[test]
    fn selection_inside_a_removed_value_goes_to_its_container() {
        let mut s = store(json!({"flows": [{"nodes": [{"id": "a"}]}], "x": {"y": 1}}));
        s.select(Some("/flows/0/nodes/0/id".to_owned()));
        s.apply(one(remove("/flows/0/nodes/0"), 0.0))
            .expect("applies");
        assert_eq!(s.selection(), Some("/flows/0/nodes"));
        s.select(Some("/x/y".to_owned()));
        s.apply(one(set("/x", json!(5)), 1.0)).expect("applies");
        assert_eq!(
            s.selection(),
            Some("/x"),
            "replaced by a scalar: the nearest that is there"
        );
        // A pointer at a missing member of an existing object stays (problems point there).
        s.select(Some("/x2/missing".to_owned()));
        s.apply(one(set("/y", json!(1)), 2.0)).expect("applies");
        assert_eq!(
            s.selection(),
            Some("/x2"),
            "no /x2: the member of the document it names"
        );
        s.select(Some("/flows/0/name".to_owned()));
        s.apply(one(set("/y", json!(2)), 3.0)).expect("applies");
        assert_eq!(s.selection(), Some("/flows/0/name"));
    }

    #[test]
    fn history_is_bounded_and_the_oldest_steps_go_first() {
        let mut s = store(json!({"n": 0}));
        for i in 0..(Store::MAX_STEPS + 10) {
            s.apply(one(set("/n", json!(i)), i as f64))
                .expect("applies");
        }
        assert_eq!(s.history().undo.len(), Store::MAX_STEPS);
        while s.undo() {}
        assert_eq!(s.doc(), &json!({"n": 9}), "the oldest ten steps are gone");
    }

    #[test]
    fn a_history_round_trips_through_json() {
        let mut s = store(json!({"a": {"k1": 1, "k2": 2}}));
        s.apply(one(remove("/a/k1"), 0.0)).expect("applies");
        s.apply(one(mv("/a/k2", "/b"), 1.0)).expect("applies");
        let text = serde_json::to_string(s.history()).expect("serializes");
        let history: History = serde_json::from_str(&text).expect("reads back");
        let mut restored = Store::restore(s.doc().clone(), history, None);
        assert!(restored.undo() && restored.undo());
        assert_eq!(
            serde_json::to_string(restored.doc()).expect("json"),
            r#"{"a":{"k1":1,"k2":2}}"#
        );
    }

    #[test]
    fn a_history_that_does_not_fit_its_document_is_dropped_not_applied() {
        let mut s = store(json!({"a": 1}));
        s.apply(one(remove("/a"), 0.0)).expect("applies");
        let mut wrong = Store::restore(json!({"a": 5}), s.history().clone(), None);
        assert!(!wrong.undo());
        assert_eq!(wrong.doc(), &json!({"a": 5}));
        assert!(!wrong.can_undo());
    }

    #[test]
    fn a_step_names_the_places_it_changed_once_each() {
        let mut s = store(json!({"a": "", "l": [1]}));
        for (i, text) in ["x", "xy"].iter().enumerate() {
            s.apply(one(set("/a", json!(text)), i as f64).grouped(Group::typing("k")))
                .expect("applies");
        }
        s.apply(Change::new(
            vec![insert("/l/-", json!(2)), mv("/l/0", "/m")],
            5.0,
        ))
        .expect("applies");
        let touched: Vec<Vec<&str>> = s.history().undo.iter().map(Step::touched).collect();
        assert_eq!(touched, [vec!["/a"], vec!["/l/-", "/m"]]);
    }

    #[test]
    fn setting_below_missing_objects_makes_them() {
        let doc = json!({"flows": [{"nodes": [{"id": "a"}]}]});
        let edits = set_creating(&doc, "/flows/0/nodes/0/deadline/within", json!("2h"));
        assert_eq!(
            edits,
            [set("/flows/0/nodes/0/deadline", json!({"within": "2h"}))]
        );
        let edits = set_creating(&doc, "/flows/0/nodes/0/id", json!("b"));
        assert_eq!(edits, [set("/flows/0/nodes/0/id", json!("b"))]);
        let edits = set_creating(&doc, "/editor/samples/quotes", json!([]));
        assert_eq!(edits, [set("/editor", json!({"samples": {"quotes": []}}))]);
        assert!(set_creating(&json!(3), "/a/b", json!(1)).is_empty());
    }

    #[test]
    fn revision_counts_every_change_of_the_document() {
        let mut s = store(json!({}));
        assert_eq!(s.revision(), 0);
        s.apply(one(set("/a", json!(1)), 0.0)).expect("applies");
        s.apply(Change::new(vec![], 1.0)).expect("nothing to do");
        assert_eq!(s.revision(), 1);
        s.undo();
        s.redo();
        assert_eq!(s.revision(), 3);
    }
}
