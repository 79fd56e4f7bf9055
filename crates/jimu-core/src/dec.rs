//! Checked decimal arithmetic compiled once, not once per call.
//!
//! rust_decimal marks its addition, subtraction and multiplication `#[inline(always)]` (from
//! `Decimal::checked_*` down to the 96-bit arithmetic), so every `checked_add`/`checked_mul`
//! in the engine was a full copy of them: about 77 KB of the portal's wasm (28.5 KB gzipped).
//! The engine calls these instead; clippy refuses `Decimal::checked_*` anywhere else
//! (`disallowed-methods` in the workspace's `clippy.toml`). On wasm each is one function; on
//! other targets each stays `inline(always)`, so native code (and speed) is as before.

#![allow(clippy::disallowed_methods)] // The one place that calls `Decimal::checked_*`.

use rust_decimal::Decimal;

/// Checked arithmetic on [`Decimal`]: exactly `Decimal::checked_*`, `None` on overflow (and, for
/// division and remainder, on a zero divisor).
pub(crate) trait Arith: Sized {
    #[must_use]
    fn try_add(self, other: Self) -> Option<Self>;
    #[must_use]
    fn try_sub(self, other: Self) -> Option<Self>;
    #[must_use]
    fn try_mul(self, other: Self) -> Option<Self>;
    #[must_use]
    fn try_div(self, other: Self) -> Option<Self>;
    #[must_use]
    fn try_rem(self, other: Self) -> Option<Self>;
}

impl Arith for Decimal {
    #[cfg_attr(target_family = "wasm", inline(never))]
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn try_add(self, other: Self) -> Option<Self> {
        self.checked_add(other)
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn try_sub(self, other: Self) -> Option<Self> {
        self.checked_sub(other)
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn try_mul(self, other: Self) -> Option<Self> {
        self.checked_mul(other)
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn try_div(self, other: Self) -> Option<Self> {
        self.checked_div(other)
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn try_rem(self, other: Self) -> Option<Self> {
        self.checked_rem(other)
    }
}

#[cfg(test)]
mod tests {
    use super::Arith;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    type Op = (
        &'static str,
        fn(Decimal, Decimal) -> Option<Decimal>,
        fn(Decimal, Decimal) -> Option<Decimal>,
    );

    const OPS: [Op; 5] = [
        ("add", Arith::try_add, Decimal::checked_add),
        ("sub", Arith::try_sub, Decimal::checked_sub),
        ("mul", Arith::try_mul, Decimal::checked_mul),
        ("div", Arith::try_div, Decimal::checked_div),
        ("rem", Arith::try_rem, Decimal::checked_rem),
    ];

    /// Each operation answers as rust_decimal's own on every pair of a set of edge values
    /// (zero, the extremes, the largest scale, amounts with cents), overflow included.
    #[test]
    fn every_operation_is_rust_decimal_s_own() {
        let values: Vec<Decimal> = [
            "0",
            "-0.00",
            "1",
            "-1",
            "0.01",
            "199.99",
            "-3.333",
            "12345678901234567890.123",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "39614081257132168796771975168",
        ]
        .iter()
        .map(|s| Decimal::from_str(s).unwrap())
        .collect();
        let mut overflowed = 0;
        for (name, ours, theirs) in OPS {
            for &a in &values {
                for &b in &values {
                    let expected = theirs(a, b);
                    overflowed += usize::from(expected.is_none() && !b.is_zero());
                    assert_eq!(ours(a, b), expected, "{a} {name} {b}");
                    // The same digits and scale, not only an equal value.
                    assert_eq!(
                        ours(a, b).map(|d| d.to_string()),
                        expected.map(|d| d.to_string())
                    );
                }
            }
        }
        // Real overflow (not only a zero divisor) was among the cases, for add, sub and mul.
        assert!(overflowed >= 3, "{overflowed}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::OPS;
        use proptest::prelude::*;
        use rust_decimal::Decimal;

        fn decimal() -> impl Strategy<Value = Decimal> {
            (any::<i64>(), 0u32..=28).prop_map(|(m, scale)| Decimal::new(m, scale))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]
            #[test]
            fn any_pair_answers_as_rust_decimal(a in decimal(), b in decimal()) {
                for (name, ours, theirs) in OPS {
                    let (x, y) = (ours(a, b), theirs(a, b));
                    prop_assert_eq!(x, y, "{} {} {}", a, name, b);
                    prop_assert_eq!(x.map(|d| d.to_string()), y.map(|d| d.to_string()));
                }
            }
        }
    }
}
