//! The workspace: the signals every part of the page shares (the document store, the checked
//! bundle, the draft and the previews' inputs) and the operations on them.
//!
//! Every editor writes the document through [`Workspace::edit`]; the bundle is re-checked by
//! jimu-core shortly after the last edit (typing is never blocked by a check), and the last
//! bundle that loaded is kept so previews keep showing a result, marked stale, while the
//! document has errors.

use crate::browser;
use crate::i18n::{Key, Locale};
use crate::state::doc::{Change, Edit, Group, Store};
use crate::state::draft::{self, Draft, Index, Inputs, Saved, ServerBase};
use crate::state::section::Section;
use jimu_core::{Bundle, Problem};
use leptos::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How long after the last edit the bundle is checked again.
const CHECK_DELAY: Duration = Duration::from_millis(120);
/// How long after the last change the draft is saved.
const SAVE_DELAY: Duration = Duration::from_millis(300);

/// What jimu-core made of the document at one revision.
#[derive(Debug, Clone)]
pub enum Outcome {
    Valid(Arc<Bundle>),
    Invalid(Arc<Vec<Problem>>),
}

/// The last check: the revision it was made at and its outcome.
#[derive(Debug, Clone)]
pub struct Checked {
    pub revision: u64,
    pub outcome: Outcome,
}

impl PartialEq for Checked {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && match (&self.outcome, &other.outcome) {
                (Outcome::Valid(a), Outcome::Valid(b)) => Arc::ptr_eq(a, b),
                (Outcome::Invalid(a), Outcome::Invalid(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl Checked {
    /// Every problem found: the errors of an invalid bundle, or the warnings of a valid one.
    pub fn problems(&self) -> &[Problem] {
        match &self.outcome {
            Outcome::Valid(bundle) => bundle.warnings(),
            Outcome::Invalid(problems) => problems,
        }
    }

    pub fn error_count(&self) -> usize {
        self.problems().iter().filter(|p| p.is_error()).count()
    }
}

/// The last bundle that loaded, and the revision it is of.
#[derive(Debug, Clone)]
pub struct Good {
    pub revision: u64,
    pub bundle: Arc<Bundle>,
}

impl PartialEq for Good {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Arc::ptr_eq(&self.bundle, &other.bundle)
    }
}

/// How the draft's last save went, shown in the top bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SaveState {
    /// Nothing changed since the draft was opened.
    Clean,
    Pending,
    Saved {
        at_ms: f64,
        trimmed: Option<usize>,
    },
    Failed,
}

/// A short message about what just happened, shown in the top bar's status line.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A document was opened: from a template, a file, a paste, a draft or the server.
    Opened {
        what: String,
        undoable: bool,
    },
    DraftDiscarded {
        name: String,
    },
    ExportFailed,
    Undone,
    Redone,
    NothingToUndo,
    NothingToRedo,
    /// Text typed into a text view that was not JSON was dropped by undo.
    PendingDropped,
    EditFailed(String),
    /// Something an editor says in its own words (already in the interface's language).
    Info(String),
}

impl Notice {
    pub fn text(&self, locale: Locale) -> String {
        match self {
            Self::Opened { what, undoable } => {
                let key = if *undoable {
                    Key::NoticeOpenedUndoable
                } else {
                    Key::NoticeOpenedDraft
                };
                locale.fill(key, &[("what", what)])
            }
            Self::DraftDiscarded { name } => {
                locale.fill(Key::NoticeDraftDiscarded, &[("name", name)])
            }
            Self::ExportFailed => locale.text(Key::ExportFailed).to_owned(),
            Self::Undone => locale.text(Key::NoticeUndone).to_owned(),
            Self::Redone => locale.text(Key::NoticeRedone).to_owned(),
            Self::NothingToUndo => locale.text(Key::NoticeNothingToUndo).to_owned(),
            Self::NothingToRedo => locale.text(Key::NoticeNothingToRedo).to_owned(),
            Self::PendingDropped => locale.text(Key::NoticePendingDropped).to_owned(),
            Self::EditFailed(detail) => locale.fill(Key::NoticeEditFailed, &[("detail", detail)]),
            Self::Info(text) => text.clone(),
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Self::ExportFailed | Self::EditFailed(_))
    }
}

/// A file or paste that was not opened, with why (shown in a dialog; the draft is untouched).
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub what: String,
    pub problems: Vec<Problem>,
    /// The JSON read, when it was JSON: it can still be opened on purpose, to be fixed here.
    pub value: Option<Value>,
}

/// The signals of the page. Every field is a signal, so the whole is `Copy`.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub locale: RwSignal<Locale>,
    pub store: RwSignal<Store>,
    pub checked: RwSignal<Option<Checked>>,
    pub good: RwSignal<Option<Good>>,
    pub inputs: RwSignal<Inputs>,
    /// Text typed into text views that is not JSON yet, by the pointer each edits.
    pub pending: RwSignal<BTreeMap<String, String>>,
    pub draft_id: RwSignal<String>,
    /// The server version this draft was opened from or last published as.
    pub base: RwSignal<Option<ServerBase>>,
    pub drafts: RwSignal<Index>,
    pub save_state: RwSignal<SaveState>,
    pub notice: RwSignal<Option<Notice>>,
    pub refused: RwSignal<Option<Refused>>,
    /// The document's revision, changing exactly when the document does.
    pub revision: Memo<u64>,
    /// The selected pointer.
    pub selection: Memo<Option<String>>,
    /// The section shown. It follows the URL, and only the URL: code that opens a section
    /// asks for it with [`Workspace::go`], which navigates.
    pub section: RwSignal<Section>,
    /// A section asked for, navigated to by the shell.
    pub goto: RwSignal<Option<Section>>,
    /// Bumped when the selection should be shown (scrolled to, highlighted) even if it is the
    /// same pointer as before: a problem clicked twice lands twice.
    pub reveal: RwSignal<u64>,
    /// The last `reveal` a view acted on.
    pub revealed: StoredValue<u64>,
    check_timer: StoredValue<Option<TimeoutHandle>>,
    save_timer: StoredValue<Option<TimeoutHandle>>,
}

/// The document a first visit starts from: the smallest valid bundle.
pub fn blank_bundle() -> Value {
    serde_json::json!({
        "schema_version": 2,
        "name": "my-bundle",
        "currency": "CNY",
        "time_zone": "Asia/Shanghai"
    })
}

impl Workspace {
    /// The workspace restored from the current draft in storage, or a blank one.
    pub fn restore() -> Self {
        let storage = browser::Storage::local();
        let index = Index::load(&storage);
        let restored = index
            .current
            .as_deref()
            .and_then(|id| draft::load(&storage, id));
        let (id, store, inputs, pending, section, base) = match restored {
            Some(draft) => (
                draft.id.clone(),
                draft.store(),
                draft.inputs.clone(),
                draft.pending.clone(),
                Section::from_slug(&draft.section),
                draft.base.clone(),
            ),
            None => (
                index.new_id(browser::now_ms()),
                Store::new(blank_bundle()),
                Inputs::default(),
                BTreeMap::new(),
                None,
                None,
            ),
        };
        let store = RwSignal::new(store);
        let ws = Self {
            locale: RwSignal::new(browser::stored_locale().unwrap_or_default()),
            store,
            revision: Memo::new(move |_| store.with(Store::revision)),
            selection: Memo::new(move |_| store.with(|s| s.selection().map(str::to_owned))),
            checked: RwSignal::new(None),
            good: RwSignal::new(None),
            inputs: RwSignal::new(inputs),
            pending: RwSignal::new(pending),
            draft_id: RwSignal::new(id),
            base: RwSignal::new(base),
            drafts: RwSignal::new(index),
            save_state: RwSignal::new(SaveState::Clean),
            notice: RwSignal::new(None),
            refused: RwSignal::new(None),
            section: RwSignal::new(Section::Overview),
            goto: RwSignal::new(section.filter(|s| *s != Section::Overview)),
            reveal: RwSignal::new(0),
            revealed: StoredValue::new(0),
            check_timer: StoredValue::new(None),
            save_timer: StoredValue::new(None),
        };
        ws.check_now();
        ws
    }

    /// A text of the interface in the current language (tracked).
    pub fn t(self, key: Key) -> &'static str {
        self.locale.get().text(key)
    }

    /// Reads the document, tracking its revision only (a change of selection alone does not
    /// re-run the reader).
    pub fn read<T>(self, f: impl FnOnce(&Value) -> T) -> T {
        // `get`, not `track`: a memo never read is never computed, so it would never learn
        // that the store changed.
        self.revision.get();
        self.store.with_untracked(|store| f(store.doc()))
    }

    /// The value at a pointer (tracked like [`Self::read`]).
    pub fn value_at(self, at: &str) -> Option<Value> {
        self.read(|doc| doc.pointer(at).cloned())
    }

    /// Applies edits as one change (or part of the current group) and schedules the check
    /// and the save.
    pub fn edit(self, edits: Vec<Edit>, group: Option<Group>) {
        if edits.is_empty() {
            return;
        }
        let change = Change {
            edits,
            group,
            at_ms: browser::now_ms(),
        };
        let mut failed = None;
        self.store.update(|store| {
            if let Err(err) = store.apply(change) {
                failed = Some(err.to_string());
            }
        });
        match failed {
            Some(detail) => self.notice.set(Some(Notice::EditFailed(detail))),
            None => self.changed(),
        }
    }

    /// Sets one value (a typed field: one undo step per run of typing there).
    pub fn set_typed(self, at: &str, value: Value) {
        self.edit(
            vec![Edit::Set {
                at: at.to_owned(),
                value,
            }],
            Some(Group::typing(format!("field:{at}"))),
        );
    }

    /// Ends the current undo step (a field lost focus, a gesture ended).
    pub fn seal(self) {
        self.store.update_untracked(Store::seal);
    }

    /// Undo: text typed that is not JSON yet goes first, then the last step.
    pub fn undo(self) {
        if !self.pending.with_untracked(BTreeMap::is_empty) {
            self.pending.set(BTreeMap::new());
            self.notice.set(Some(Notice::PendingDropped));
            self.changed();
            return;
        }
        let mut done = false;
        self.store.update(|store| done = store.undo());
        if done {
            self.notice.set(Some(Notice::Undone));
            self.changed();
        } else {
            self.notice.set(Some(Notice::NothingToUndo));
        }
    }

    pub fn redo(self) {
        let mut done = false;
        self.store.update(|store| done = store.redo());
        if done {
            self.notice.set(Some(Notice::Redone));
            self.changed();
        } else {
            self.notice.set(Some(Notice::NothingToRedo));
        }
    }

    /// Opens a section (the shell navigates to its URL).
    pub fn go(self, section: Section) {
        self.goto.set(Some(section));
    }

    /// Selects what a pointer names and asks the section that holds it to show it.
    pub fn select(self, at: &str) {
        self.store.update(|store| store.select(Some(at.to_owned())));
        self.go(Section::holding(at));
        self.reveal.update(|n| *n += 1);
        self.schedule_save();
    }

    /// Something the draft holds changed: check again soon, save soon.
    pub fn changed(self) {
        self.schedule_check();
        self.schedule_save();
    }

    fn schedule_check(self) {
        self.check_timer.update_value(|timer| {
            if let Some(handle) = timer.take() {
                handle.clear();
            }
            *timer = set_timeout_with_handle(move || self.check_now(), CHECK_DELAY).ok();
        });
    }

    /// Checks the document now (skipped when the last check is of this revision).
    pub fn check_now(self) {
        let revision = self.store.with_untracked(Store::revision);
        if self
            .checked
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.revision == revision))
        {
            return;
        }
        let outcome = browser::timed("jimu:check", || {
            self.store
                .with_untracked(|store| match Bundle::from_value(store.doc()) {
                    Ok(bundle) => Outcome::Valid(Arc::new(bundle)),
                    Err(problems) => Outcome::Invalid(Arc::new(problems)),
                })
        });
        if let Outcome::Valid(bundle) = &outcome {
            self.good.set(Some(Good {
                revision,
                bundle: bundle.clone(),
            }));
        }
        self.checked.set(Some(Checked { revision, outcome }));
    }

    /// Whether previews show an older document than the one being edited: text typed into a
    /// view is not applied yet, or the last check found errors (previews then show the last
    /// bundle that loaded). A check merely not run yet does not count: it is moments away.
    pub fn is_stale(self) -> bool {
        !self.pending.with(BTreeMap::is_empty)
            || self.checked.with(|c| {
                c.as_ref()
                    .is_some_and(|c| matches!(c.outcome, Outcome::Invalid(_)))
            })
    }

    /// The view changed (section, selection): save it with the draft soon.
    pub fn changed_view(self) {
        self.schedule_save();
    }

    fn schedule_save(self) {
        self.save_state.set(SaveState::Pending);
        self.save_timer.update_value(|timer| {
            if let Some(handle) = timer.take() {
                handle.clear();
            }
            *timer = set_timeout_with_handle(move || self.save_now(), SAVE_DELAY).ok();
        });
    }

    /// The draft as it is now.
    fn draft(self) -> Draft {
        let store = self.store.get_untracked();
        Draft {
            id: self.draft_id.get_untracked(),
            doc: store.doc().clone(),
            history: store.history().clone(),
            selection: store.selection().map(str::to_owned),
            section: self.section.get_untracked().slug().to_owned(),
            inputs: self.inputs.get_untracked(),
            pending: self.pending.get_untracked(),
            base: self.base.get_untracked(),
            saved_ms: browser::now_ms(),
        }
    }

    /// Saves the draft now (also called when the page is hidden or closed).
    pub fn save_now(self) {
        if self.save_state.get_untracked() == SaveState::Clean {
            return;
        }
        let draft = self.draft();
        let mut storage = browser::Storage::local();
        let saved = browser::timed("jimu:save", || draft::save(&mut storage, &draft));
        let state = match saved {
            Saved::Whole => SaveState::Saved {
                at_ms: draft.saved_ms,
                trimmed: None,
            },
            Saved::TrimmedHistory { kept } => SaveState::Saved {
                at_ms: draft.saved_ms,
                trimmed: Some(kept),
            },
            Saved::Failed => SaveState::Failed,
        };
        self.save_state.set(state);
        self.drafts.set(Index::load(&storage));
    }

    /// Opens a document that was read and checked (a template, a file, a paste, a server
    /// version). Nothing is lost: when the current draft is of the same bundle (same `name`),
    /// the document replaces its content as one undoable step; when another draft is of that
    /// bundle, that draft is opened and replaced the same way; otherwise it becomes a new
    /// draft and the current one stays in the drafts list.
    pub fn open_document(self, doc: Value, what: String) {
        let name = draft::bundle_name(&doc);
        let current_name = self.store.with_untracked(|s| draft::bundle_name(s.doc()));
        let pristine = self
            .store
            .with_untracked(|s| !s.can_undo() && *s.doc() == blank_bundle());
        if name == current_name || pristine {
            self.replace_content(doc, what);
            return;
        }
        self.save_now();
        let existing = name.as_deref().and_then(|name| {
            self.drafts
                .with_untracked(|index| index.by_name(name).map(|e| e.id.clone()))
        });
        if let Some(id) = existing {
            self.switch_to(&id);
            self.replace_content(doc, what);
            return;
        }
        let id = self
            .drafts
            .with_untracked(|index| index.new_id(browser::now_ms()));
        self.load_draft(Draft {
            id,
            doc,
            history: Default::default(),
            selection: None,
            section: Section::Overview.slug().to_owned(),
            inputs: Inputs::default(),
            pending: BTreeMap::new(),
            base: None,
            saved_ms: browser::now_ms(),
        });
        self.notice.set(Some(Notice::Opened {
            what,
            undoable: false,
        }));
        self.save_state.set(SaveState::Pending);
        self.save_now();
    }

    /// Replaces the current draft's document as one undoable step.
    fn replace_content(self, doc: Value, what: String) {
        let same = self.store.with_untracked(|s| *s.doc() == doc);
        if !same {
            self.pending.set(BTreeMap::new());
            self.store.update(|s| s.seal());
            self.edit(
                vec![Edit::Set {
                    at: String::new(),
                    value: doc,
                }],
                None,
            );
            self.store.update(|s| s.seal());
        }
        self.notice.set(Some(Notice::Opened {
            what,
            undoable: !same,
        }));
    }

    /// Opens a draft kept in storage (the current one is saved first).
    pub fn switch_to(self, id: &str) {
        if self.draft_id.get_untracked() == id {
            return;
        }
        self.save_now();
        let storage = browser::Storage::local();
        if let Some(draft) = draft::load(&storage, id) {
            let name = draft::bundle_name(&draft.doc).unwrap_or_else(|| id.to_owned());
            self.load_draft(draft);
            self.notice.set(Some(Notice::Opened {
                what: name,
                undoable: false,
            }));
            self.save_state.set(SaveState::Pending);
            self.save_now();
        }
    }

    fn load_draft(self, draft: Draft) {
        self.draft_id.set(draft.id.clone());
        let mut store = draft.store();
        store.continue_from(self.store.with_untracked(Store::revision));
        self.store.set(store);
        self.inputs.set(draft.inputs);
        self.pending.set(draft.pending);
        self.base.set(draft.base);
        self.checked.set(None);
        self.good.set(None);
        if let Some(section) = Section::from_slug(&draft.section) {
            self.go(section);
        }
        // Revisions restart at 0 in a new store: check at once.
        self.check_now();
    }

    /// Forgets a draft. Discarding the open one opens the next kept draft, or a blank one.
    pub fn discard(self, id: &str) {
        let mut storage = browser::Storage::local();
        let name = self
            .drafts
            .with_untracked(|index| {
                index
                    .drafts
                    .iter()
                    .find(|e| e.id == id)
                    .and_then(|e| e.name.clone())
            })
            .unwrap_or_else(|| id.to_owned());
        draft::discard(&mut storage, id);
        let index = Index::load(&storage);
        if self.draft_id.get_untracked() == id {
            match index
                .drafts
                .last()
                .and_then(|e| draft::load(&storage, &e.id))
            {
                Some(next) => self.load_draft(next),
                None => self.load_draft(Draft {
                    id: index.new_id(browser::now_ms()),
                    doc: blank_bundle(),
                    history: Default::default(),
                    selection: None,
                    section: Section::Overview.slug().to_owned(),
                    inputs: Inputs::default(),
                    pending: BTreeMap::new(),
                    base: None,
                    saved_ms: browser::now_ms(),
                }),
            }
            self.save_state.set(SaveState::Pending);
            self.save_now();
        }
        self.drafts.set(Index::load(&storage));
        self.notice.set(Some(Notice::DraftDiscarded { name }));
    }

    /// Updates the previews' inputs (kept with the draft).
    pub fn set_inputs(self, f: impl FnOnce(&mut Inputs)) {
        self.inputs.update(f);
        self.schedule_save();
    }

    /// Keeps (or, with `None`, drops) text a text view holds that is not JSON yet.
    pub fn set_pending(self, at: &str, text: Option<String>) {
        self.pending.update(|pending| match text {
            Some(text) => {
                pending.insert(at.to_owned(), text);
            }
            None => {
                pending.remove(at);
            }
        });
        self.schedule_save();
    }
}
