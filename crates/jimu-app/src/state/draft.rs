//! Drafts kept in the browser's storage: the document, its undo history, the selection, the
//! section and the previews' inputs, saved on every change and restored on reload. Several
//! drafts are kept (one per bundle name), listed in an index.
//!
//! Storage is behind [`KeyValue`] so that saving (including a full storage, where the oldest
//! undo steps are given up before the document ever is) is tested natively.

use super::doc::{History, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The index of drafts.
pub const INDEX_KEY: &str = "jimu.drafts";
/// Each draft is stored under this prefix and its id.
pub const DRAFT_PREFIX: &str = "jimu.draft.";

/// Where drafts are kept (`localStorage` in the browser).
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    /// `Err` when the storage refuses (full, or unavailable).
    fn set(&mut self, key: &str, value: &str) -> Result<(), ()>;
    fn remove(&mut self, key: &str);
}

/// What the previews were given, kept with the draft (not in the bundle).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Inputs {
    /// The quote preview's context values by variable name, as typed.
    pub context: std::collections::BTreeMap<String, String>,
    /// The quote preview's quantities by catalog item id, as typed.
    pub quantities: std::collections::BTreeMap<String, String>,
    /// Sample orders pasted or imported, as CSV text.
    pub orders_csv: String,
    /// The form preview: which form, the role, and the values typed by field id.
    pub form: Option<String>,
    pub role: Option<String>,
    pub form_values: serde_json::Map<String, Value>,
    /// The ticket preview's script (JSON text) and the flow it runs.
    pub script: String,
    pub flow: Option<String>,
}

/// The sync server's version a draft was opened from or last published as: what a publish
/// says it changed (`If-Match`), so it never overwrites someone else's publish unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerBase {
    pub name: String,
    pub version: i64,
    /// The quoted ETag, exactly as the server sent it.
    pub etag: String,
    /// The content of that version, to tell whether the draft holds changes.
    pub text: String,
}

/// One draft as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    pub doc: Value,
    #[serde(default)]
    pub history: History,
    #[serde(default)]
    pub selection: Option<String>,
    /// The section's slug (see `Section::slug`).
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub inputs: Inputs,
    /// Text typed into a text view that is not JSON yet, by the pointer the view edits: kept
    /// so a reload loses no keystroke.
    #[serde(default)]
    pub pending: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub base: Option<ServerBase>,
    pub saved_ms: f64,
}

impl Draft {
    /// The store this draft restores.
    pub fn store(&self) -> Store {
        Store::restore(
            self.doc.clone(),
            self.history.clone(),
            self.selection.clone(),
        )
    }
}

/// A line of the drafts list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    /// The bundle's `name` when it has one.
    #[serde(default)]
    pub name: Option<String>,
    pub saved_ms: f64,
    /// Bytes stored (document and history).
    #[serde(default)]
    pub bytes: usize,
}

/// Every draft kept, and the one open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Index {
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub drafts: Vec<Entry>,
}

impl Index {
    pub fn load(storage: &dyn KeyValue) -> Self {
        storage
            .get(INDEX_KEY)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn save(&self, storage: &mut dyn KeyValue) -> Result<(), ()> {
        let text = serde_json::to_string(self).map_err(|_| ())?;
        storage.set(INDEX_KEY, &text)
    }

    /// The draft kept for a bundle name, if any.
    pub fn by_name(&self, name: &str) -> Option<&Entry> {
        self.drafts
            .iter()
            .find(|entry| entry.name.as_deref() == Some(name))
    }

    /// A new id that no draft has, from the time it is made.
    pub fn new_id(&self, now_ms: f64) -> String {
        let mut n = now_ms.max(0.0) as u64;
        loop {
            let id = format!("d{n:x}");
            if !self.drafts.iter().any(|d| d.id == id) {
                return id;
            }
            n += 1;
        }
    }
}

/// How a save went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Everything, history included.
    Whole,
    /// Storage was short: only the newest `kept` undo steps were saved.
    TrimmedHistory { kept: usize },
    /// Storage refused even the document: nothing changed in storage for this draft.
    Failed,
}

/// The bundle's `name`, when it is a string.
pub fn bundle_name(doc: &Value) -> Option<String> {
    doc.get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

/// Saves a draft and lists it in the index as the current one. When storage is short, the
/// oldest undo steps go first (then all of them); the document itself is never given up for
/// history.
pub fn save(storage: &mut dyn KeyValue, draft: &Draft) -> Saved {
    let key = format!("{DRAFT_PREFIX}{}", draft.id);
    let steps = draft.history.undo.len();
    let mut outcome = None;
    for keep in [steps, steps.min(50), steps.min(10), 0] {
        let mut attempt = draft.clone();
        if keep < steps {
            attempt.history.undo.drain(..steps - keep);
            attempt.history.redo.clear();
        }
        let Ok(text) = serde_json::to_string(&attempt) else {
            break;
        };
        if storage.set(&key, &text).is_ok() {
            let saved = if keep == steps {
                Saved::Whole
            } else {
                Saved::TrimmedHistory { kept: keep }
            };
            outcome = Some((saved, text.len()));
            break;
        }
    }
    let Some((saved, bytes)) = outcome else {
        return Saved::Failed;
    };
    let mut index = Index::load(storage);
    let entry = Entry {
        id: draft.id.clone(),
        name: bundle_name(&draft.doc),
        saved_ms: draft.saved_ms,
        bytes,
    };
    match index.drafts.iter_mut().find(|e| e.id == draft.id) {
        Some(existing) => *existing = entry,
        None => index.drafts.push(entry),
    }
    index.current = Some(draft.id.clone());
    match index.save(storage) {
        Ok(()) => saved,
        Err(()) => Saved::Failed,
    }
}

/// Reads a draft back; `None` when it is missing or unreadable.
pub fn load(storage: &dyn KeyValue, id: &str) -> Option<Draft> {
    let text = storage.get(&format!("{DRAFT_PREFIX}{id}"))?;
    serde_json::from_str(&text).ok()
}

/// Forgets a draft (and makes no draft current if it was).
pub fn discard(storage: &mut dyn KeyValue, id: &str) {
    storage.remove(&format!("{DRAFT_PREFIX}{id}"));
    let mut index = Index::load(storage);
    index.drafts.retain(|entry| entry.id != id);
    if index.current.as_deref() == Some(id) {
        index.current = None;
    }
    // Best effort: an index that cannot be written still lists a draft that loads as missing.
    let _ = index.save(storage);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::doc::{Change, Edit};
    use serde_json::json;
    use std::collections::HashMap;

    /// Storage with a quota in bytes, like `localStorage`.
    #[derive(Default)]
    struct Memory {
        items: HashMap<String, String>,
        quota: Option<usize>,
    }

    impl KeyValue for Memory {
        fn get(&self, key: &str) -> Option<String> {
            self.items.get(key).cloned()
        }
        fn set(&mut self, key: &str, value: &str) -> Result<(), ()> {
            let others: usize = self
                .items
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum();
            if self
                .quota
                .is_some_and(|q| others + key.len() + value.len() > q)
            {
                return Err(());
            }
            self.items.insert(key.to_owned(), value.to_owned());
            Ok(())
        }
        fn remove(&mut self, key: &str) {
            self.items.remove(key);
        }
    }

    fn draft_with_history(id: &str, name: &str, steps: usize) -> Draft {
        let mut store = Store::new(json!({"schema_version": 2, "name": name, "n": 0}));
        store.select(Some("/n".to_owned()));
        for i in 1..=steps {
            let change = Change::new(
                vec![Edit::Set {
                    at: "/n".to_owned(),
                    value: json!("x".repeat(100) + &i.to_string()),
                }],
                i as f64,
            );
            store.apply(change).expect("applies");
        }
        Draft {
            id: id.to_owned(),
            doc: store.doc().clone(),
            history: store.history().clone(),
            selection: store.selection().map(str::to_owned),
            section: "pricing".to_owned(),
            inputs: Inputs {
                orders_csv: "order_id,amount\nA1,100.00\n".to_owned(),
                ..Inputs::default()
            },
            pending: [("/pricing".to_owned(), "{ \"groups\": [".to_owned())].into(),
            base: Some(ServerBase {
                name: name.to_owned(),
                version: 3,
                etag: "\"sha256:ab\"".to_owned(),
                text: "{}".to_owned(),
            }),
            saved_ms: 1000.0,
        }
    }

    #[test]
    fn a_draft_comes_back_with_its_history_selection_section_and_inputs() {
        let mut storage = Memory::default();
        let draft = draft_with_history("d1", "home-services", 3);
        assert_eq!(save(&mut storage, &draft), Saved::Whole);
        let index = Index::load(&storage);
        assert_eq!(index.current.as_deref(), Some("d1"));
        assert_eq!(
            index.by_name("home-services").map(|e| e.id.as_str()),
            Some("d1")
        );
        let back = load(&storage, "d1").expect("stored");
        assert_eq!(back, draft);
        let mut store = back.store();
        assert_eq!(store.selection(), Some("/n"));
        assert!(store.undo() && store.undo() && store.undo());
        assert_eq!(store.get("/n"), Some(&json!(0)));
    }

    #[test]
    fn short_storage_gives_up_old_undo_steps_before_the_document() {
        let draft = draft_with_history("d1", "big", 200);
        let whole = serde_json::to_string(&draft).expect("json").len();
        let mut storage = Memory {
            quota: Some(whole / 3),
            ..Memory::default()
        };
        let saved = save(&mut storage, &draft);
        assert_eq!(saved, Saved::TrimmedHistory { kept: 50 });
        let back = load(&storage, "d1").expect("stored");
        assert_eq!(back.doc, draft.doc, "the document is whole");
        assert_eq!(back.history.undo.len(), 50);
        assert_eq!(
            back.history.undo.last(),
            draft.history.undo.last(),
            "the newest steps are the ones kept"
        );
        // Undoing all kept steps works on the document.
        let mut store = back.store();
        for _ in 0..50 {
            assert!(store.undo());
        }
        assert!(!store.undo());
    }

    #[test]
    fn storage_that_refuses_everything_keeps_the_previous_save() {
        let mut storage = Memory::default();
        let first = draft_with_history("d1", "a", 1);
        assert_eq!(save(&mut storage, &first), Saved::Whole);
        storage.quota = Some(10);
        let second = draft_with_history("d1", "a", 5);
        assert_eq!(save(&mut storage, &second), Saved::Failed);
        assert_eq!(
            load(&storage, "d1"),
            Some(first),
            "the last good save is intact"
        );
    }

    #[test]
    fn several_drafts_are_listed_by_name_and_discarded_one_by_one() {
        let mut storage = Memory::default();
        save(&mut storage, &draft_with_history("d1", "home-services", 1));
        save(&mut storage, &draft_with_history("d2", "double-11", 1));
        let index = Index::load(&storage);
        assert_eq!(index.drafts.len(), 2);
        assert_eq!(index.current.as_deref(), Some("d2"));
        discard(&mut storage, "d2");
        let index = Index::load(&storage);
        assert_eq!(index.current, None);
        assert_eq!(
            index
                .drafts
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>(),
            ["d1"]
        );
        assert!(load(&storage, "d2").is_none());
        assert!(load(&storage, "d1").is_some());
        assert_eq!(index.new_id(16.0), "d10", "hexadecimal milliseconds");
        let taken = Index {
            drafts: vec![Entry {
                id: "d1".to_owned(),
                name: None,
                saved_ms: 0.0,
                bytes: 0,
            }],
            current: None,
        };
        assert_eq!(taken.new_id(1.0), "d2");
    }

    #[test]
    fn unreadable_storage_is_an_empty_index_not_a_crash() {
        let mut storage = Memory::default();
        storage
            .items
            .insert(INDEX_KEY.to_owned(), "{not json".to_owned());
        storage
            .items
            .insert(format!("{DRAFT_PREFIX}x"), "[]".to_owned());
        assert_eq!(Index::load(&storage), Index::default());
        assert!(load(&storage, "x").is_none());
        assert_eq!(bundle_name(&json!({"name": ""})), None);
        assert_eq!(bundle_name(&json!({"name": 3})), None);
    }
}
