//! The edits that turn one JSON value into another: what the text view sends when the text it
//! holds parses to something new, so a change of one price is one small edit (and the
//! selection elsewhere stays where it was) rather than a new document.

use super::doc::Edit;
use super::pointer;
use serde_json::Value;

/// Above this many edits, one `Set` of the whole value says the same more simply.
const MAX_EDITS: usize = 64;

/// Edits that, applied in order to `old` at `at`, give exactly `new` (members in `new`'s
/// order).
pub fn diff(at: &str, old: &Value, new: &Value) -> Vec<Edit> {
    let mut edits = Vec::new();
    if !walk(at, old, new, &mut edits) || edits.len() > MAX_EDITS {
        return vec![Edit::Set {
            at: at.to_owned(),
            value: new.clone(),
        }];
    }
    edits
}

/// Pushes the edits from `old` to `new`; `false` when a `Set` of the whole value is simpler
/// (or the only way to keep `new`'s order of members).
fn walk(at: &str, old: &Value, new: &Value, edits: &mut Vec<Edit>) -> bool {
    if old == new && same_order(old, new) {
        return true;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            // Members kept in their order, then the new ones at the end: anything else is
            // a reordering that only a Set expresses.
            let kept: Vec<&String> = a.keys().filter(|k| b.contains_key(*k)).collect();
            let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
            if !kept.iter().chain(&added).copied().eq(b.keys()) {
                return false;
            }
            for key in a.keys().filter(|k| !b.contains_key(*k)) {
                edits.push(Edit::Remove {
                    at: pointer::push(at, key),
                });
            }
            for key in kept {
                if let (Some(x), Some(y)) = (a.get(key), b.get(key))
                    && !set_or_walk(&pointer::push(at, key), x, y, edits)
                {
                    return false;
                }
            }
            for key in added {
                if let Some(value) = b.get(key) {
                    edits.push(Edit::Set {
                        at: pointer::push(at, key),
                        value: value.clone(),
                    });
                }
            }
            true
        }
        (Value::Array(a), Value::Array(b)) => {
            let prefix = a.iter().zip(b).take_while(|(x, y)| same(x, y)).count();
            let suffix = a[prefix..]
                .iter()
                .rev()
                .zip(b[prefix..].iter().rev())
                .take_while(|(x, y)| same(x, y))
                .count();
            let old_mid = &a[prefix..a.len() - suffix];
            let new_mid = &b[prefix..b.len() - suffix];
            if old_mid.len() == new_mid.len() {
                for (i, (x, y)) in old_mid.iter().zip(new_mid).enumerate() {
                    if !set_or_walk(&pointer::push_index(at, prefix + i), x, y, edits) {
                        return false;
                    }
                }
                return true;
            }
            // Elements inserted or removed in the middle: replace the middle run.
            for _ in old_mid {
                edits.push(Edit::Remove {
                    at: pointer::push_index(at, prefix),
                });
            }
            for (i, value) in new_mid.iter().enumerate() {
                edits.push(Edit::Insert {
                    at: pointer::push_index(at, prefix + i),
                    value: value.clone(),
                });
            }
            true
        }
        _ => false,
    }
}

/// Walks into a member or element, or sets it whole when walking cannot express the change.
fn set_or_walk(at: &str, old: &Value, new: &Value, edits: &mut Vec<Edit>) -> bool {
    let before = edits.len();
    if !walk(at, old, new, edits) {
        edits.truncate(before);
        edits.push(Edit::Set {
            at: at.to_owned(),
            value: new.clone(),
        });
    }
    true
}

fn same(a: &Value, b: &Value) -> bool {
    a == b && same_order(a, b)
}

/// Whether equal values also list their members in the same order, all the way down
/// (`serde_json`'s equality ignores the order of members).
fn same_order(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.keys().eq(y.keys()) && x.values().zip(y.values()).all(|(v, w)| same_order(v, w))
        }
        (Value::Array(x), Value::Array(y)) => x.iter().zip(y).all(|(v, w)| same_order(v, w)),
        _ => true,
    }
}

/// One difference between two documents, for people to read: the value before (absent when
/// added) and after (absent when removed).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub at: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every leaf-most difference between `old` and `new` (members compared by name, whatever
/// their order), at most `limit` of them; the flag says whether there were more.
pub fn differences(old: &Value, new: &Value, limit: usize) -> (Vec<Difference>, bool) {
    let mut out = Vec::new();
    let more = !compare("", old, new, &mut out, limit);
    (out, more)
}

/// `false` when the limit was reached.
fn compare(at: &str, old: &Value, new: &Value, out: &mut Vec<Difference>, limit: usize) -> bool {
    if old == new {
        return true;
    }
    let mut push = |d: Difference| {
        if out.len() >= limit {
            return false;
        }
        out.push(d);
        true
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, x) in a {
                let here = pointer::push(at, key);
                let ok = match b.get(key) {
                    Some(y) => compare(&here, x, y, out, limit),
                    None => push_to(out, limit, here, Some(x.clone()), None),
                };
                if !ok {
                    return false;
                }
            }
            for (key, y) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                if !push_to(out, limit, pointer::push(at, key), None, Some(y.clone())) {
                    return false;
                }
            }
            true
        }
        (Value::Array(a), Value::Array(b)) => {
            let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let suffix = a[prefix..]
                .iter()
                .rev()
                .zip(b[prefix..].iter().rev())
                .take_while(|(x, y)| x == y)
                .count();
            let old_mid = &a[prefix..a.len() - suffix];
            let new_mid = &b[prefix..b.len() - suffix];
            let common = old_mid.len().min(new_mid.len());
            for i in 0..common {
                if !compare(
                    &pointer::push_index(at, prefix + i),
                    &old_mid[i],
                    &new_mid[i],
                    out,
                    limit,
                ) {
                    return false;
                }
            }
            for (i, x) in old_mid.iter().enumerate().skip(common) {
                if !push_to(
                    out,
                    limit,
                    pointer::push_index(at, prefix + i),
                    Some(x.clone()),
                    None,
                ) {
                    return false;
                }
            }
            for (i, y) in new_mid.iter().enumerate().skip(common) {
                if !push_to(
                    out,
                    limit,
                    pointer::push_index(at, prefix + i),
                    None,
                    Some(y.clone()),
                ) {
                    return false;
                }
            }
            true
        }
        _ => push(Difference {
            at: at.to_owned(),
            before: Some(old.clone()),
            after: Some(new.clone()),
        }),
    }
}

fn push_to(
    out: &mut Vec<Difference>,
    limit: usize,
    at: String,
    before: Option<Value>,
    after: Option<Value>,
) -> bool {
    if out.len() >= limit {
        return false;
    }
    out.push(Difference { at, before, after });
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::doc::{Change, Store};
    use proptest::prelude::*;
    use serde_json::json;

    /// Applies the diff of `old` → `new` at `/at` inside a document and checks the result is
    /// `new`, byte for byte; returns the edits for the caller to look at.
    fn check(old: Value, new: Value) -> Vec<Edit> {
        let mut store = Store::new(json!({ "at": old.clone(), "other": 1 }));
        let edits = diff("/at", &old, &new);
        store
            .apply(Change::new(edits.clone(), 0.0))
            .expect("the edits fit");
        assert_eq!(
            serde_json::to_string(store.doc()).expect("json"),
            serde_json::to_string(&json!({ "at": new, "other": 1 })).expect("json"),
        );
        assert_eq!(
            store.undo(),
            !edits.is_empty(),
            "a step exactly when something changed"
        );
        assert_eq!(
            serde_json::to_string(store.get("/at").expect("there")).expect("json"),
            serde_json::to_string(&old).expect("json"),
        );
        edits
    }

    #[test]
    fn one_changed_leaf_is_one_set() {
        let edits = check(
            json!({"catalog": [{"id": "a", "price": "1.00"}, {"id": "b", "price": "2.00"}]}),
            json!({"catalog": [{"id": "a", "price": "1.00"}, {"id": "b", "price": "2.50"}]}),
        );
        assert_eq!(
            edits,
            [Edit::Set {
                at: "/at/catalog/1/price".to_owned(),
                value: json!("2.50")
            }]
        );
    }

    #[test]
    fn an_element_inserted_in_the_middle_is_one_insert() {
        let edits = check(json!([1, 2, 4, 5]), json!([1, 2, 3, 4, 5]));
        assert_eq!(
            edits,
            [Edit::Insert {
                at: "/at/2".to_owned(),
                value: json!(3)
            }]
        );
        let edits = check(json!(["a", "b", "c"]), json!(["a", "c"]));
        assert_eq!(
            edits,
            [Edit::Remove {
                at: "/at/1".to_owned()
            }]
        );
    }

    #[test]
    fn members_added_removed_and_reordered() {
        let edits = check(json!({"a": 1, "b": 2}), json!({"a": 1, "b": 2, "c": 3}));
        assert_eq!(edits.len(), 1);
        check(json!({"a": 1, "b": 2}), json!({"b": 2}));
        // A reordering cannot be expressed member by member: the object is set whole.
        let edits = check(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1}));
        assert_eq!(
            edits,
            [Edit::Set {
                at: "/at".to_owned(),
                value: json!({"b": 2, "a": 1})
            }]
        );
        // A member inserted before others likewise.
        check(json!({"a": 1, "b": 2}), json!({"z": 0, "a": 1, "b": 2}));
    }

    #[test]
    fn nothing_changed_is_no_edit_and_types_change_by_set() {
        assert!(diff("", &json!({"a": [1]}), &json!({"a": [1]})).is_empty());
        check(json!({"a": [1]}), json!({"a": "1"}));
        check(json!(null), json!({"a": 1}));
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0i64..5).prop_map(|n| json!(n)),
            "[a-c]{0,2}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-d]", inner), 0..4)
                    .prop_map(|members| { Value::Object(members.into_iter().collect()) }),
            ]
        })
    }

    #[test]
    fn differences_name_each_changed_leaf_whatever_the_order_of_members() {
        let old = json!({"a": 1, "b": {"c": [1, 2, 3], "d": "x"}, "gone": true});
        let new = json!({"b": {"d": "y", "c": [1, 3]}, "a": 1, "new": null});
        let (found, more) = differences(&old, &new, 100);
        assert!(!more);
        let summary: Vec<(String, Option<Value>, Option<Value>)> = found
            .into_iter()
            .map(|d| (d.at, d.before, d.after))
            .collect();
        assert_eq!(
            summary,
            [
                ("/b/c/1".to_owned(), Some(json!(2)), None),
                ("/b/d".to_owned(), Some(json!("x")), Some(json!("y"))),
                ("/gone".to_owned(), Some(json!(true)), None),
                ("/new".to_owned(), None, Some(json!(null))),
            ]
        );
        let (found, more) = differences(&old, &new, 2);
        assert_eq!(found.len(), 2);
        assert!(more);
        assert!(differences(&old, &old, 10).0.is_empty());
    }

    proptest! {
        #[test]
        fn any_value_becomes_any_other_and_back(old in value(), new in value()) {
            check(old, new);
        }
    }
}
