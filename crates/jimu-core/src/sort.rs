//! The crate's sorts, compiled as few times as possible.
//!
//! The standard library's sort is compiled again for every element type and comparator: two
//! `sort_by_key` calls on the same vector type with different keys are two copies of it, about
//! 3.5 KiB of wasm each. [`by`] takes the comparator as a `dyn` closure, so there is one copy
//! per element type; [`vec_by`] sorts indices through [`by`] and then moves the items into
//! place, so every sort through it shares the one copy for `usize` (for sorts off the hot
//! paths: it allocates). Both are stable, and give what `sort_by` gives.

use std::cmp::Ordering;

/// Sorts `items` stably by `cmp`, as `items.sort_by(cmp)` does.
pub(crate) fn by<T>(items: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    items.sort_by(|a, b| cmp(a, b));
}

/// Sorts `items` stably by `cmp`, as `items.sort_by(cmp)` does, through a sort of indices.
pub(crate) fn vec_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    by(&mut order, &|a, b| match (items.get(*a), items.get(*b)) {
        (Some(a), Some(b)) => cmp(a, b),
        _ => Ordering::Equal,
    });
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    /// Pairs with many equal keys, so stability shows.
    fn pairs(seed: u64, n: usize) -> Vec<(u8, usize)> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                ((x >> 60) as u8, i)
            })
            .collect()
    }

    #[test]
    fn both_sort_as_sort_by_does() {
        let by_key = |a: &(u8, usize), b: &(u8, usize)| a.0.cmp(&b.0);
        let reverse = |a: &(u8, usize), b: &(u8, usize)| b.0.cmp(&a.0);
        for seed in 0..50 {
            for n in [0, 1, 2, 3, 7, 20, 33, 100] {
                for cmp in [
                    &by_key as &dyn Fn(&(u8, usize), &(u8, usize)) -> Ordering,
                    &reverse,
                ] {
                    let mut expected = pairs(seed, n);
                    expected.sort_by(cmp);
                    let mut through_by = pairs(seed, n);
                    super::by(&mut through_by, cmp);
                    let mut through_indices = pairs(seed, n);
                    super::vec_by(&mut through_indices, cmp);
                    assert_eq!(through_by, expected);
                    assert_eq!(through_indices, expected);
                }
            }
        }
    }
}
