//! Reading a structurally checked bundle into the format types, by hand.
//!
//! serde's derived `Deserialize` inlines every field of every type into its caller, once per
//! variant of an enum, and reads internally tagged and untagged enums through its buffered
//! `Content`, so the format's readers were about 600 KiB of the wasm package. The readers here
//! (`read_*`, at the end of each section's file) take the owned `Value` apart and do what the
//! derived impls do, step for step: an object's entries in document order, the first error
//! ends the read, then the missing fields in declaration order, with serde's own messages.
//! Leaves (ids, amounts, numbers, unit enums) still go through their derived impls over the
//! owned `Value`. A field added to a type must be added to its reader too: the reader's struct
//! literal does not compile until it is.
//!
//! They only ever read documents the structural check accepted (or sections of one it
//! accepted), and on those they give what the derived impls give, value or error. The types
//! keep deriving `Deserialize` for other callers, and the tests below hold the two equal on
//! every bundle of the repository's corpora, on `tests/fixtures/every-shape.json` (every
//! struct, variant and field of the format) and on mutations of them that pass the check.
//! Shapes the check refuses are not all imitated: serde reads an array as a struct by
//! position, and inside an untagged enum a number as a variant's index.

use serde::de::{DeserializeOwned, Error as _, Unexpected};
use serde_json::{Error, Map, Value};
use std::fmt;

pub(crate) type Res<T> = Result<T, Error>;

/// A leaf, read by its derived `Deserialize` over the owned value.
pub(crate) fn de<T: DeserializeOwned>(value: Value) -> Res<T> {
    T::deserialize(value)
}

/// `Vec<T>`, as serde reads it: an array, item by item.
pub(crate) fn list<T>(value: Value, read: fn(Value) -> Res<T>) -> Res<Vec<T>> {
    match value {
        Value::Array(items) => items.into_iter().map(read).collect(),
        other => Err(invalid_type(&other, "a sequence")),
    }
}

/// `Option<T>`, as serde reads it: `null` is `None`.
pub(crate) fn option<T>(value: Value, read: fn(Value) -> Res<T>) -> Res<Option<T>> {
    match value {
        Value::Null => Ok(None),
        value => read(value).map(Some),
    }
}

/// What serde_json's `Value` calls a value in its type errors.
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Unexpected::Signed(i)
            } else {
                Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

pub(crate) fn invalid_type(value: &Value, expected: &str) -> Error {
    Error::invalid_type(unexpected(value), &expected)
}

/// The entries of a struct's object (`expecting` is serde's "struct Name").
pub(crate) fn object(value: Value, expecting: &str) -> Res<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(invalid_type(&other, expecting)),
    }
}

/// An internally tagged enum's object: the index of its tag in `variants`, and its other
/// entries. As in serde, a tag that names no variant is the error even when other entries
/// come first (they are only buffered until the tag is known), and a missing tag is reported
/// after all of them.
pub(crate) fn tagged(
    value: Value,
    tag: &'static str,
    variants: &'static [&'static str],
    expecting: &str,
) -> Res<(usize, Map<String, Value>)> {
    let mut map = object(value, expecting)?;
    let name = map
        .shift_remove(tag)
        .ok_or_else(|| Error::missing_field(tag))?;
    let Value::String(name) = name else {
        return Err(invalid_type(&name, "variant identifier"));
    };
    let index = variants.iter().position(|v| *v == name);
    index
        .map(|i| (i, map))
        .ok_or_else(|| Error::unknown_variant(&name, variants))
}

/// Hands each entry of a struct's object to `field`, in document order; `field` answers
/// whether the name is one of the struct's. An unknown name is an error with `deny` (serde's
/// `deny_unknown_fields`, naming `fields`, in order, as expected), skipped otherwise.
pub(crate) fn entries(
    map: Map<String, Value>,
    fields: &[&'static [&'static str]],
    deny: bool,
    field: &mut dyn FnMut(&str, Value) -> Res<bool>,
) -> Res<()> {
    for (key, value) in map {
        if !field(&key, value)? && deny {
            return Err(unknown_field(&key, fields));
        }
    }
    Ok(())
}

/// serde's `Error::unknown_field`, for a list of names given in parts.
fn unknown_field(key: &str, fields: &[&'static [&'static str]]) -> Error {
    struct OneOf<'a>(&'a [&'static [&'static str]]);
    impl fmt::Display for OneOf<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let names = || self.0.iter().flat_map(|part| part.iter());
            match names().count() {
                1 | 2 => {
                    for (i, name) in names().enumerate() {
                        if i > 0 {
                            f.write_str(" or ")?;
                        }
                        write!(f, "`{name}`")?;
                    }
                    Ok(())
                }
                _ => {
                    f.write_str("one of ")?;
                    for (i, name) in names().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "`{name}`")?;
                    }
                    Ok(())
                }
            }
        }
    }
    if fields.iter().all(|part| part.is_empty()) {
        Error::custom(format_args!("unknown field `{key}`, there are no fields"))
    } else {
        Error::custom(format_args!(
            "unknown field `{key}`, expected {}",
            OneOf(fields)
        ))
    }
}

/// A field without a default that the object left out.
pub(crate) fn required<T>(slot: Option<T>, name: &'static str) -> Res<T> {
    slot.ok_or_else(|| Error::missing_field(name))
}

/// An untagged enum none of whose variants reads the value.
pub(crate) fn no_variant(name: &str) -> Error {
    Error::custom(format_args!(
        "data did not match any variant of untagged enum {name}"
    ))
}

/// Reads a struct (or the content of a struct variant) from its object's entries:
///
/// ```ignore
/// read_struct!(map, deny, Route { when: req, flow: req })
/// read_struct!(map, allow, Text { zh_cn = "zh-CN": req with de, en: default(yes) with read_x })
/// ```
///
/// Each field is `req` (no default: missing is an error; an `Option` without a default is
/// `default`, as serde makes it `None`), `default` (`Default::default()`) or `default(f)`; it
/// is read `with` the given reader, [`de`] when none is given. The struct literal makes the
/// compiler check that every field is named.
macro_rules! read_struct {
    ($map:expr, $deny:ident, $($path:ident)::+ {}) => {{
        $crate::format::read::entries($map, &[&[]], read_struct!(@deny $deny), &mut |_, _| Ok(false))?;
        $($path)::+ {}
    }};
    ($map:expr, $deny:ident, $($path:ident)::+ {
        $($field:ident $(= $json:literal)? : $how:ident $(($dflt:path))? $(with $read:expr)?),* $(,)?
    }) => {{
        const FIELDS: &[&str] = &[$(read_struct!(@name $field $($json)?)),*];
        $(let mut $field = None;)*
        $crate::format::read::entries($map, &[FIELDS], read_struct!(@deny $deny), &mut |key, value| {
            $(if key == read_struct!(@name $field $($json)?) {
                $field = Some(read_struct!(@read $($read)?)(value)?);
                return Ok(true);
            })*
            Ok(false)
        })?;
        $($path)::+ {
            $($field: read_struct!(@finish $how $($dflt)?; $field, read_struct!(@name $field $($json)?)),)*
        }
    }};
    (@name $field:ident) => { stringify!($field) };
    (@name $field:ident $json:literal) => { $json };
    (@deny deny) => { true };
    (@deny allow) => { false };
    (@read) => { $crate::format::read::de };
    (@read $read:expr) => { $read };
    (@finish req; $field:ident, $name:expr) => { $crate::format::read::required($field, $name)? };
    (@finish default; $field:ident, $name:expr) => { $field.unwrap_or_default() };
    (@finish default $dflt:path; $field:ident, $name:expr) => { $field.unwrap_or_else($dflt) };
}
pub(crate) use read_struct;

/// Reads one variant of an internally tagged enum whose variants all start with the same
/// fields (form fields, flow nodes): `$slots` reads those (its `set` takes an entry if it is
/// one of them, its `finish` checks what they require and comes first, as those fields come
/// first in every variant) and `$common` names them; the variant's own fields are as in
/// [`read_struct`]. Always `deny_unknown_fields`.
macro_rules! read_variant {
    ($map:expr, $slots:ty, ($($common:ident),*), $($path:ident)::+ {
        $($field:ident : $how:ident $(($dflt:path))? $(with $read:expr)?),* $(,)?
    }) => {{
        const OWN: &[&str] = &[$(stringify!($field)),*];
        let mut common = <$slots>::default();
        $(let mut $field = None;)*
        $crate::format::read::entries($map, &[<$slots>::NAMES, OWN], true, &mut |key, value| {
            $(if key == stringify!($field) {
                $field = Some($crate::format::read::read_struct!(@read $($read)?)(value)?);
                return Ok(true);
            })*
            common.set(key, value)
        })?;
        let c = common.finish()?;
        $($path)::+ {
            $($common: c.$common,)*
            $($field: $crate::format::read::read_struct!(@finish $how $($dflt)?; $field, stringify!($field)),)*
        }
    }};
}
pub(crate) use read_variant;

#[cfg(test)]
mod tests {
    use super::super::{BundleDoc, read_bundle};
    use crate::bundle::read_input;
    use serde_json::{Value, json};
    use std::path::Path;

    /// Every bundle in the repository's test corpora.
    fn corpus() -> Vec<(String, Value)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut docs = Vec::new();
        for dir in [
            "tests/bundles/valid",
            "tests/bundles/invalid",
            "tests/conformance/bundles",
            "crates/jimu-app/src",
        ] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && !p.to_string_lossy().ends_with(".expected.json")
                })
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Ok(value) = serde_json::from_str(&text) {
                    docs.push((path.display().to_string(), value));
                }
            }
        }
        // Every struct and variant of the format, every field given.
        let every = root.join("crates/jimu-core/tests/fixtures/every-shape.json");
        let every = std::fs::read_to_string(every).unwrap();
        docs.push((
            "every-shape.json".into(),
            serde_json::from_str(&every).unwrap(),
        ));
        assert!(docs.len() > 40, "{}", docs.len());
        docs
    }

    /// The hand-written reader and the derived `Deserialize` on the same input.
    fn compare(input: &Value) -> Result<bool, String> {
        let hand = read_bundle(input.clone()).map_err(|e| e.to_string());
        let derived = serde_json::from_value::<BundleDoc>(input.clone()).map_err(|e| e.to_string());
        if hand == derived {
            Ok(hand.is_ok())
        } else {
            Err(format!("hand: {hand:?}\nderived: {derived:?}"))
        }
    }

    #[test]
    fn every_shape_passes_the_structural_check() {
        let (_, doc) = corpus().pop().unwrap();
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        // A section with a structural error would be left out.
        let input = read_input(doc.clone()).unwrap();
        assert_eq!(keys(&input), keys(&doc));
        assert_eq!(input, doc);
    }

    #[test]
    fn the_corpus_reads_as_serde_reads_it() {
        let mut read = 0;
        for (name, doc) in corpus() {
            if let Some(input) = read_input(doc) {
                read += usize::from(compare(&input).unwrap_or_else(|e| panic!("{name}: {e}")));
            }
        }
        assert!(read > 30, "{read}");
    }

    /// Shapes the structural check refuses but that the reader still answers like serde.
    #[test]
    fn refused_shapes_get_serde_s_messages() {
        let form = |field: Value| {
            json!({"schema_version": 2, "currency": "CNY",
                   "forms": [{"id": "f", "name": "F", "fields": [field]}]})
        };
        let flow = |node: Value| {
            json!({"schema_version": 2, "currency": "CNY",
                   "flows": [{"id": "f", "name": "F", "nodes": [node]}]})
        };
        let cases = [
            form(json!({"kind": "text", "id": "a", "label": "A", "zz": 1})),
            form(json!({"kind": "date_time", "zz": 1, "id": "a", "label": "A"})),
            form(json!({"kind": "nope", "id": "a"})),
            form(json!({"id": "a", "label": "A"})),
            form(json!({"id": "a", "kind": 3})),
            form(json!({"kind": "text", "label": "A"})),
            form(json!({"kind": "single_select", "id": "a", "label": "A"})),
            form(json!({"kind": "text", "id": "a", "label": "A", "min_length": 5_000_000_000_u64})),
            form(json!({"kind": "text", "id": "a", "label": ["A"], "min_length": -1})),
            form(json!({"kind": "text", "id": "a", "label": {"en": "A"}})),
            form(json!({"kind": "text", "id": "a", "label": 7})),
            form(json!({"kind": "text", "id": "a", "label": "A",
                        "permissions": [{"roles": ["r"], "access": "masked",
                                         "mask": {"pattern": "phone", "keep_first": 2}}]})),
            form(json!({"kind": "text", "id": "a", "label": "A",
                        "permissions": [{"roles": ["r"], "access": "masked",
                                         "mask": {"pattern": "custom", "zz": 2}}]})),
            form(json!({"kind": "text", "id": "a", "label": "A",
                        "validation": [{"rule": "required", "zz": 2}]})),
            form(json!({"kind": "text", "id": "a", "label": "A", "placeholder": null})),
            form(json!("text")),
            flow(
                json!({"kind": "automatic", "id": "a", "name": "A", "next": "b",
                        "steps": [{"do": "price", "zz": 1}]}),
            ),
            flow(json!({"kind": "start", "id": "a", "name": "A", "next": "b", "enabled": null})),
            flow(
                json!({"kind": "task", "id": "a", "name": "A", "actions": [],
                        "assign": {"strategy": "team", "to": {"team": "t", "zz": 1}}}),
            ),
            json!({"schema_version": 2, "currency": "CNY", "flows": [{"id": "f", "name": "F",
                   "nodes": [], "notifications": [{"id": "n", "on": ["created"], "template": "t",
                   "to": [{"assignee": null}, "customer", {"role": "r"}]}]}]}),
            json!({"schema_version": 2, "currency": "CNY", "flows": [{"id": "f", "name": "F",
                   "nodes": [], "notifications": [{"id": "n", "on": ["created"], "template": "t",
                   "to": [7]}]}]}),
            json!({"schema_version": 2, "currency": "CNY", "settlement": {"plans": [{"id": "p",
                   "name": "P", "components": [{"kind": "cap", "party": "a", "amount": "1",
                   "zz": 1}]}]}}),
            json!({"schema_version": 2, "currency": "CNY", "settlement": {"plans": [{"id": "p",
                   "name": "P", "components": [{"kind": "tiered", "party": "a",
                   "tiers": [{"up_to": 5}]}]}]}}),
            json!({"schema_version": 2, "currency": "CNY", "pricing": {"groups": [{"id": "g",
                   "name": "G", "stacking": "first_match", "applies_to": {"scope": "ticket",
                   "items": 3}, "rules": [{"id": "r", "name": "R", "effect": {"kind": "tiered_fee",
                   "quantity": "q", "table": {"model": "volume"}}}]}]}}),
            json!({"schema_version": 2, "currency": "CNY", "zz": 1}),
            json!({"schema_version": 2}),
            // Not imitated (see the module's docs): `[]` is a struct read by position for serde.
        ];
        for case in cases {
            compare(&case).unwrap_or_else(|e| panic!("{case}: {e}"));
        }
    }

    /// Every tag of the format (the string `const`s of the schema) under its property name.
    fn tags(schema: &Value, out: &mut Vec<(String, String)>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (name, property) in properties {
                        if let Some(Value::String(tag)) = property.get("const") {
                            out.push((name.clone(), tag.clone()));
                        }
                    }
                }
                map.values().for_each(|v| tags(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| tags(v, out)),
            _ => {}
        }
    }

    /// Every JSON pointer in `value`.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers(
                        v,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// Documents one change away from `doc` that the structural check may let through: a value
    /// replaced by `null`, a number by numbers out of the integer ranges the check does not
    /// bound, a tag by every other tag of its name, an entry removed, an item removed. (Most
    /// other changes fail the check, and the reader then never sees the section.)
    fn mutations(doc: &Value, tags: &[(String, String)], each: &mut dyn FnMut(Value)) {
        // Sections are checked and read independently, so each is changed in a document of
        // its own (with the top-level scalars), which keeps the test quick.
        let Some(map) = doc.as_object() else { return };
        let scalars: serde_json::Map<_, _> = map
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut parts = vec![Value::Object(scalars.clone())];
        for (key, section) in map.iter().filter(|(_, v)| v.is_object() || v.is_array()) {
            let mut part = scalars.clone();
            part.insert(key.clone(), section.clone());
            parts.push(Value::Object(part));
        }
        let numbers = [
            json!(300),
            json!(5_000_000_000_u64),
            json!(-3_000_000_000_i64),
        ];
        for (i, part) in parts.iter().enumerate() {
            let mut at = Vec::new();
            pointers(part, String::new(), &mut at);
            for p in at.iter().filter(|p| i == 0 || p.matches('/').count() > 1) {
                let Some(here) = part.pointer(p) else {
                    continue;
                };
                let mut with = |f: &dyn Fn(&mut Value)| {
                    let mut changed = part.clone();
                    if let Some(target) = changed.pointer_mut(p) {
                        f(target);
                        each(changed);
                    }
                };
                with(&|v| *v = Value::Null);
                if here.is_number() {
                    for r in &numbers {
                        with(&|v| *v = r.clone());
                    }
                }
                let key = p.rsplit('/').next().unwrap_or_default();
                if here.is_string() {
                    for (_, tag) in tags.iter().filter(|(name, _)| name == key) {
                        with(&|v| *v = Value::String(tag.clone()));
                    }
                }
                match here {
                    Value::Object(map) => {
                        for key in map.keys() {
                            with(&|v| {
                                v.as_object_mut().unwrap().shift_remove(key);
                            });
                        }
                    }
                    Value::Array(items) if !items.is_empty() => {
                        with(&|v| {
                            v.as_array_mut().unwrap().remove(0);
                        });
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn mutations_the_check_lets_through_read_as_serde_reads_them() {
        let mut all = Vec::new();
        tags(crate::Bundle::checked_schema(), &mut all);
        all.sort();
        all.dedup();
        let (mut compared, mut read, mut failures) = (0, 0, Vec::new());
        let valid = corpus()
            .into_iter()
            .filter(|(name, _)| !name.contains("invalid"));
        for (name, doc) in valid {
            mutations(&doc, &all, &mut |changed| {
                if let Some(input) = read_input(changed) {
                    compared += 1;
                    match compare(&input) {
                        Ok(ok) => read += usize::from(ok),
                        Err(e) => failures.push(format!("{name}: {e}")),
                    }
                }
            });
        }
        assert!(
            failures.is_empty(),
            "{} of {compared}:\n{}",
            failures.len(),
            failures[..failures.len().min(5)].join("\n\n")
        );
        assert!(
            compared > 10_000 && compared > read && read > 1_000,
            "{compared} {read}"
        );
    }
}
