//! Sample data kept with the bundle, in its editor-only section (`/editor/samples`): named
//! quote requests, ticket scripts and form fills, and sample orders as CSV text. Engines ignore
//! the section; the previews offer what is kept there, and keeping one is an undoable edit.

use super::doc::{self, Edit};
use super::pointer;
use serde_json::{Value, json};

/// The kinds of named samples, each an array under `/editor/samples/<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Quotes,
    Tickets,
    Forms,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Quotes => "quotes",
            Self::Tickets => "tickets",
            Self::Forms => "forms",
        }
    }

    fn at(self) -> String {
        format!("/editor/samples/{}", self.key())
    }
}

/// The edits that keep one more named sample of `kind`.
pub fn append(doc: &Value, kind: Kind, sample: Value) -> Vec<Edit> {
    let at = kind.at();
    match doc.pointer(&at) {
        Some(Value::Array(_)) => vec![Edit::Insert {
            at: format!("{at}/-"),
            value: sample,
        }],
        _ => doc::set_creating(doc, &at, json!([sample])),
    }
}

/// The edits that keep `csv` as the bundle's sample orders (an empty text removes them).
pub fn set_orders_csv(doc: &Value, csv: &str) -> Vec<Edit> {
    let at = "/editor/samples/orders_csv";
    match (doc.pointer(at), csv.trim().is_empty()) {
        (Some(_), true) => vec![Edit::Remove { at: at.to_owned() }],
        (None, true) => Vec::new(),
        (Some(Value::String(kept)), false) if kept == csv => Vec::new(),
        (_, false) => doc::set_creating(doc, at, Value::String(csv.to_owned())),
    }
}

/// The sample orders kept with the bundle.
pub fn orders_csv(doc: &Value) -> Option<&str> {
    doc.pointer("/editor/samples/orders_csv")?.as_str()
}

/// The named samples of a kind as `(pointer, name, sample)`; entries that are not objects
/// with a name are skipped (the section is the admin's; nothing in it is an error).
pub fn list(doc: &Value, kind: Kind) -> Vec<(String, String, Value)> {
    let at = kind.at();
    doc.pointer(&at)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let name = item.get("name")?.as_str()?.to_owned();
                    Some((pointer::push_index(&at, i), name, item.clone()))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::doc::{Change, Store};

    fn apply(doc: Value, edits: Vec<Edit>) -> Value {
        let mut store = Store::new(doc);
        store.apply(Change::new(edits, 0.0)).expect("the edits fit");
        store.doc().clone()
    }

    #[test]
    fn keeping_a_sample_creates_the_section_on_the_way() {
        let doc = json!({"schema_version": 2});
        let sample = json!({"name": "vip", "request": {"lines": []}});
        let doc = apply(doc.clone(), append(&doc, Kind::Quotes, sample.clone()));
        assert_eq!(doc["editor"]["samples"]["quotes"], json!([sample]));
        // The next one is appended, and other editor data stays.
        let doc = apply(
            doc.clone(),
            append(&doc, Kind::Quotes, json!({"name": "two"})),
        );
        assert_eq!(list(&doc, Kind::Quotes).len(), 2);
        assert_eq!(list(&doc, Kind::Quotes)[1].0, "/editor/samples/quotes/1");
        let with_layout = json!({"editor": {"layout": {"f": {}}}});
        let doc = apply(
            with_layout.clone(),
            append(&with_layout, Kind::Tickets, json!({"name": "t"})),
        );
        assert_eq!(doc["editor"]["layout"], json!({"f": {}}));
        assert_eq!(list(&doc, Kind::Tickets)[0].1, "t");
    }

    #[test]
    fn orders_are_kept_as_one_text_and_removed_when_emptied() {
        let doc = json!({"editor": {"samples": {"quotes": []}}});
        let doc = apply(doc.clone(), set_orders_csv(&doc, "id,amount\no-1,1.00\n"));
        assert_eq!(orders_csv(&doc), Some("id,amount\no-1,1.00\n"));
        assert!(
            set_orders_csv(&doc, "id,amount\no-1,1.00\n").is_empty(),
            "unchanged"
        );
        let doc = apply(doc.clone(), set_orders_csv(&doc, ""));
        assert_eq!(orders_csv(&doc), None);
        assert!(doc["editor"]["samples"]["quotes"].is_array());
        assert!(set_orders_csv(&doc, "  ").is_empty());
    }

    #[test]
    fn the_editor_section_round_trips_through_edits_text_drafts_and_the_engine() {
        use crate::state::json_text::JsonText;
        let editor = json!({
            "layout": {"repair": {"nodes": {"start": {"x": 0, "y": 40.5}}}},
            "collapsed": ["/pricing/groups/0"],
            "samples": {"quotes": [{"name": "vip", "request": {"lines": []}}], "orders_csv": "id\n"},
            "a-future-key": {"anything": [1, "two", null]}
        });
        let doc =
            json!({"schema_version": 2, "name": "n", "currency": "CNY", "editor": editor.clone()});
        let text = |v: &Value| serde_json::to_string(v).expect("json");
        // Engines accept it and ignore it.
        assert!(jimu_core::Bundle::from_value(&doc).is_ok());
        // Edits elsewhere, undone and redone, leave it byte for byte.
        let mut store = Store::new(doc.clone());
        store
            .apply(Change::new(
                vec![Edit::Set {
                    at: "/name".to_owned(),
                    value: json!("m"),
                }],
                0.0,
            ))
            .expect("applies");
        assert!(store.undo() && store.redo());
        assert_eq!(text(&store.doc()["editor"]), text(&editor));
        // The text view prints it and reads it back to the same value.
        let printed = JsonText::print(store.doc(), "");
        let back: Value = serde_json::from_str(&printed.text).expect("json");
        assert_eq!(text(&back), text(store.doc()));
        // A draft keeps it.
        let saved = serde_json::to_string(&crate::state::draft::Draft {
            id: "d".to_owned(),
            doc: store.doc().clone(),
            history: store.history().clone(),
            selection: None,
            section: String::new(),
            inputs: Default::default(),
            pending: Default::default(),
            base: None,
            saved_ms: 0.0,
        })
        .expect("json");
        let draft: crate::state::draft::Draft = serde_json::from_str(&saved).expect("reads");
        assert_eq!(text(&draft.doc["editor"]), text(&editor));
    }

    #[test]
    fn what_is_not_a_named_sample_is_skipped() {
        let doc = json!({"editor": {"samples": {"forms": [1, {"no": "name"}, {"name": "ok"}]}}});
        let listed = list(&doc, Kind::Forms);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, "/editor/samples/forms/2");
        assert!(list(&json!({"editor": 3}), Kind::Forms).is_empty());
    }
}
