//! Ordered maps and sets built by inserting, never by sorting first.
//!
//! `collect()` into a `BTreeMap` or `BTreeSet`, and `BTreeMap::from([...])`, sort their input
//! before building, and the standard library's stable sort is compiled again for every element
//! type and comparator (about 3.5 KiB of wasm each). Inserting one by one builds the same map:
//! with equal keys the last value wins either way, and equal keys here are equal strings.

use std::collections::{BTreeMap, BTreeSet};

/// The map of `entries`, as `collect()` would build it.
pub(crate) fn map<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in entries {
        map.insert(key, value);
    }
    map
}

/// The set of `items`, as `collect()` would build it.
pub(crate) fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}
