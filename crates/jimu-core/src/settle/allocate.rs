//! Allocation: splitting an amount among parties so the shares add up to it exactly, at the
//! currency's precision.
//!
//! [`split`] divides an amount by weights (ratios or percentages); [`round_shares`] rounds shares
//! that were computed exactly (33.3333…) so they add up to their rounded total. Both use the
//! largest-remainder method of the shared rule semantics ("Money"): floor every share to the last
//! place, then hand the leftover units (cents) one by one to the shares with the largest
//! fractional remainders, ties to the party listed first. 100.00 split 1:1:1 is 33.34, 33.33,
//! 33.33.
//!
//! Every result has exactly `places` decimals and is never `-0`. The arithmetic is exact: it runs
//! on integers (units of the last place), with a 256-bit intermediate product where a share needs
//! one, so no share is ever off because a quotient was rounded to Decimal's 28 digits. Whatever
//! does not fit (an amount or total beyond Decimal's range at `places`, weights or shares whose
//! digits span more than 128 bits at a common scale, `places` above 28) is an
//! [`AllocError::Overflow`], never a panic or a wrap.

use crate::money::Rounding;
use rust_decimal::Decimal;
use std::cmp::{Ordering, Reverse};

/// Why an amount could not be allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocError {
    /// Every weight is zero (or there are none) while the amount is not zero: nobody can take it.
    NoWeight,
    /// A weight is negative.
    NegativeWeight,
    /// Arithmetic beyond Decimal's range: an amount or total that Decimal cannot hold at
    /// `places`, `places` above 28, or weights (shares) whose digits at a common scale need
    /// more than 128 bits.
    Overflow,
}

/// Splits `amount` (already at `places` decimals, e.g. 100.00; if it has more decimals, first
/// round it with `rounding`) into shares proportional to `weights`, at `places` decimals, summing
/// exactly to the (rounded) amount: largest remainder.
///
/// With `U` the amount in units of the last place and `W` the sum of the weights, share `i` is
/// exactly `U × wᵢ / W` units; each share gets the floor of that, and the `U − Σ floors` leftover
/// units (fewer than the number of shares) go one each to the shares with the largest
/// remainders, ties to the one listed first. So every share is within one unit of its exact
/// proportion, and a share with weight 0 gets exactly 0 (its remainder is 0, and there are
/// always more non-zero remainders than leftover units).
///
/// Negative amount: split −amount and negate every share (symmetric). Amount zero: all zeros
/// (even with no weights or all-zero weights: zeros, no error). Weights are checked first: a
/// negative weight is [`AllocError::NegativeWeight`] even when the amount is zero.
pub fn split(
    amount: Decimal,
    weights: &[Decimal],
    places: u32,
    rounding: Rounding,
) -> Result<Vec<Decimal>, AllocError> {
    if places > Decimal::MAX_SCALE {
        return Err(AllocError::Overflow);
    }
    if weights.iter().any(|w| *w < Decimal::ZERO) {
        return Err(AllocError::NegativeWeight);
    }
    let amount = rounding.round(amount, places);
    if amount.scale() != places {
        // Too many digits to be written with `places` decimals.
        return Err(AllocError::Overflow);
    }
    if amount.is_zero() {
        return weights.iter().map(|_| to_amount(0, places)).collect();
    }
    let weights = integer_weights(weights)?;
    let total = weights
        .iter()
        .try_fold(0u128, |sum, w| sum.checked_add(*w))
        .ok_or(AllocError::Overflow)?;
    if total == 0 {
        return Err(AllocError::NoWeight);
    }
    let units = amount.mantissa().unsigned_abs();
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let (share, remainder) = mul_div(units, *weight, total).ok_or(AllocError::Overflow)?;
        shares.push(share);
        remainders.push((index, remainder));
    }
    let floors = shares
        .iter()
        .try_fold(0u128, |sum, s| sum.checked_add(*s))
        .ok_or(AllocError::Overflow)?;
    // Σ exact = units and each floor is less than one unit below its exact share, so the
    // leftover is less than the number of shares; it cannot fail.
    let leftover = units
        .checked_sub(floors)
        .and_then(|left| usize::try_from(left).ok())
        .ok_or(AllocError::Overflow)?;
    // A stable sort: equal remainders keep the order the parties are listed in.
    remainders.sort_by_key(|(_, remainder)| Reverse(*remainder));
    for (index, _) in remainders.iter().take(leftover) {
        if let Some(share) = shares.get_mut(*index) {
            *share = share.checked_add(1).ok_or(AllocError::Overflow)?;
        }
    }
    let negative = amount.is_sign_negative();
    shares
        .into_iter()
        .map(|share| {
            let share = i128::try_from(share).map_err(|_| AllocError::Overflow)?;
            to_amount(if negative { -share } else { share }, places)
        })
        .collect()
}

/// Rounds exact shares to `places` decimals so they sum exactly to
/// `rounding.round(sum(raw), places)`: each share moves to one of the two amounts at `places`
/// around it (an amount already at `places` stays as it is, so an exact 0 stays 0), and the
/// leftover units go to the largest fractional remainders.
///
/// The definition, on units of the last place: every share is floored toward −∞ (its fractional
/// part `raw − floor` is in [0, 1) unit); `k = target − Σ floors` is a whole number of units
/// between 0 and the number of shares with a fractional part, and those `k` shares with the
/// largest fractional parts are raised by one unit (to their ceiling). Each share therefore
/// changes by less than one unit, and the choice is the one closest to the raw shares (least
/// total change) among all that add up to the target.
///
/// Ties between equal fractional parts are settled so that the result is symmetric under
/// negation (`round_shares(−raw) = −round_shares(raw)`), which "earlier share first" alone would
/// not be (raising the earlier of two −0.005s moves it toward zero, not away): among tied shares,
/// as many as possible are rounded *away from zero*, earlier shares first. Concretely, the raised
/// ones are the positive tied shares in listed order, then the negative tied shares from the
/// last listed back. With all shares of one sign this is plain largest remainder by magnitude,
/// ties to the earlier share, the same as [`split`] gives for the exact shares of a split.
///
/// Mixed signs need no special case: [150.005, −50.004] sums to 100.001, target 100.00; the
/// floors are 150.00 and −50.01 (99.99), one unit is left over and goes to the larger fractional
/// part (−50.004 is 0.006 above its floor, 150.005 only 0.005): 150.00, −50.00. [0.005, −0.005]
/// sums to 0: the floors 0.00 and −0.01 leave one unit, the tie goes away from zero on the
/// positive share: 0.01, −0.01 (and [−0.005, 0.005] gives −0.01, 0.01).
pub fn round_shares(
    raw: &[Decimal],
    places: u32,
    rounding: Rounding,
) -> Result<Vec<Decimal>, AllocError> {
    if places > Decimal::MAX_SCALE {
        return Err(AllocError::Overflow);
    }
    let raw: Vec<Decimal> = raw.iter().map(Decimal::normalize).collect();
    let scale = raw.iter().map(Decimal::scale).fold(places, u32::max);
    // scale ≤ 28, so the unit (10^0 … 10^28) fits.
    let unit_scale = scale.abs_diff(places);
    let unit = 10i128.checked_pow(unit_scale).ok_or(AllocError::Overflow)?;
    let values = raw
        .iter()
        .map(|share| {
            10i128
                .checked_pow(scale.abs_diff(share.scale()))
                .and_then(|factor| share.mantissa().checked_mul(factor))
        })
        .collect::<Option<Vec<i128>>>()
        .ok_or(AllocError::Overflow)?;
    let sum = values
        .iter()
        .try_fold(0i128, |sum, v| sum.checked_add(*v))
        .ok_or(AllocError::Overflow)?;
    let target = round_units(sum, unit, unit_scale, rounding)?;
    // The total has to be an amount too, or the shares could not be added up.
    to_amount(target, places)?;

    let mut shares = Vec::with_capacity(values.len());
    let mut fractional = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let floor = value.checked_div_euclid(unit).ok_or(AllocError::Overflow)?;
        let part = value.checked_rem_euclid(unit).ok_or(AllocError::Overflow)?;
        shares.push(floor);
        if part > 0 {
            fractional.push(Fraction {
                index,
                part,
                positive: *value > 0,
            });
        }
    }
    let floors = shares
        .iter()
        .try_fold(0i128, |sum, s| sum.checked_add(*s))
        .ok_or(AllocError::Overflow)?;
    // target lies between floor(Σ raw) and ceil(Σ raw), and Σ raw − Σ floors is the sum of the
    // fractional parts, in [0, their count): so 0 ≤ k ≤ their count. It cannot fail.
    let leftover = target
        .checked_sub(floors)
        .and_then(|k| usize::try_from(k).ok())
        .filter(|k| *k <= fractional.len())
        .ok_or(AllocError::Overflow)?;
    fractional.sort_by(raise_first);
    for fraction in fractional.iter().take(leftover) {
        if let Some(share) = shares.get_mut(fraction.index) {
            *share = share.checked_add(1).ok_or(AllocError::Overflow)?;
        }
    }
    shares
        .into_iter()
        .map(|share| to_amount(share, places))
        .collect()
}

/// A share of [`round_shares`] that is not already at `places`.
struct Fraction {
    /// Where the share is listed.
    index: usize,
    /// Its value above its floor, in units of the raw scale: in (0, unit).
    part: i128,
    /// Whether the share is positive (raising it then rounds it away from zero).
    positive: bool,
}

/// The order in which [`round_shares`] raises shares by one unit: the largest fractional part
/// first; among equal ones, positive shares (raised = away from zero) in listed order, then
/// negative ones (raised = toward zero) from the last listed back, so the earlier negative
/// shares keep their floor (away from zero). Negating every share reverses this order.
fn raise_first(a: &Fraction, b: &Fraction) -> Ordering {
    b.part
        .cmp(&a.part)
        .then_with(|| b.positive.cmp(&a.positive))
        .then_with(|| {
            if a.positive {
                a.index.cmp(&b.index)
            } else {
                b.index.cmp(&a.index)
            }
        })
}

/// Rounds `sum` (in units of 10^−(`places` + `unit_scale`)) to a whole number of `unit`s
/// (`unit` = 10^`unit_scale`) with `rounding`, exactly and for any `sum` (even one beyond
/// Decimal's range).
///
/// `sum` = q·unit + r with 0 ≤ r < unit. How any rounding strategy treats q + r/unit depends
/// only on r/unit, the sign and the parity of q, so [`Rounding::round`] is asked about a small
/// stand-in with the same three (q replaced by 0 or 1 when q ≥ 0, by −2 or −1 when q < 0) and its
/// step (0 or 1) is applied to q: one rounding implementation, the one in `money`.
fn round_units(
    sum: i128,
    unit: i128,
    unit_scale: u32,
    rounding: Rounding,
) -> Result<i128, AllocError> {
    let q = sum.checked_div_euclid(unit).ok_or(AllocError::Overflow)?;
    let r = sum.checked_rem_euclid(unit).ok_or(AllocError::Overflow)?;
    let parity = q.checked_rem_euclid(2).ok_or(AllocError::Overflow)?;
    let stand_in = if q >= 0 { parity } else { parity - 2 };
    let value = stand_in
        .checked_mul(unit)
        .and_then(|v| v.checked_add(r))
        .and_then(|v| Decimal::try_from_i128_with_scale(v, unit_scale).ok())
        .ok_or(AllocError::Overflow)?;
    let rounded = rounding.round(value, 0);
    let step = rounded
        .mantissa()
        .checked_sub(stand_in)
        .ok_or(AllocError::Overflow)?;
    q.checked_add(step).ok_or(AllocError::Overflow)
}

/// `units` of the last place as an amount with exactly `places` decimals (0 is never `-0`).
fn to_amount(units: i128, places: u32) -> Result<Decimal, AllocError> {
    let mut amount =
        Decimal::try_from_i128_with_scale(units, places).map_err(|_| AllocError::Overflow)?;
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    Ok(amount)
}

/// The (non-negative) weights as whole numbers at their common scale: 0.7, 0.2, 0.1 → 7, 2, 1.
/// Trailing zeros are dropped first, so 70.00 and 30 read as 7 and 3.
fn integer_weights(weights: &[Decimal]) -> Result<Vec<u128>, AllocError> {
    let weights: Vec<Decimal> = weights.iter().map(Decimal::normalize).collect();
    let scale = weights.iter().map(Decimal::scale).max().unwrap_or(0);
    weights
        .iter()
        .map(|w| {
            10u128
                .checked_pow(scale.abs_diff(w.scale()))
                .and_then(|factor| w.mantissa().unsigned_abs().checked_mul(factor))
        })
        .collect::<Option<Vec<u128>>>()
        .ok_or(AllocError::Overflow)
}

/// `a × b / c` exactly, as (quotient, remainder), through a 256-bit product. `None` when `c` is
/// 0 or the quotient needs more than 128 bits (never when `b ≤ c`).
fn mul_div(a: u128, b: u128, c: u128) -> Option<(u128, u128)> {
    if c == 0 {
        return None;
    }
    let (high, low) = widening_mul(a, b);
    if high >= c {
        return None;
    }
    // Long division, one bit at a time; the remainder stays below c. When the shift carries a
    // bit out of 128, the true value is at least 2^128 > c, and the wrapping subtraction gives
    // the exact difference (which is below c).
    let mut quotient = 0u128;
    let mut remainder = high;
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= c {
            remainder = remainder.wrapping_sub(c);
            quotient |= 1;
        }
    }
    Some((quotient, remainder))
}

/// The 256-bit product `a × b` as (high, low) 128-bit halves.
fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = (1 << 64) - 1;
    let (a1, a0) = (a >> 64, a & LOW);
    let (b1, b0) = (b >> 64, b & LOW);
    // Each factor is below 2^64, so each product is below 2^128.
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Three terms below 2^64 each: below 2^66.
    let middle = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    let low = (p00 & LOW) | ((middle & LOW) << 64);
    // The whole product is below 2^256, so its high half fits.
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const AWAY: Rounding = Rounding::HalfAwayFromZero;
    const EVEN: Rounding = Rounding::HalfEven;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn ds(values: &[&str]) -> Vec<Decimal> {
        values.iter().map(|s| d(s)).collect()
    }

    /// The shares as strings, so the scale and the sign of zero are checked too.
    fn text(shares: &[Decimal]) -> Vec<String> {
        shares.iter().map(Decimal::to_string).collect()
    }

    fn split_text(amount: &str, weights: &[&str], places: u32) -> Vec<String> {
        text(&split(d(amount), &ds(weights), places, AWAY).unwrap())
    }

    fn round_text(raw: &[&str], places: u32, rounding: Rounding) -> Vec<String> {
        text(&round_shares(&ds(raw), places, rounding).unwrap())
    }

    #[test]
    fn thirds_give_the_extra_cent_to_the_first() {
        assert_eq!(
            split_text("100.00", &["1", "1", "1"], 2),
            ["33.34", "33.33", "33.33"]
        );
        assert_eq!(
            split_text("-100.00", &["1", "1", "1"], 2),
            ["-33.34", "-33.33", "-33.33"]
        );
    }

    #[test]
    fn ties_go_to_the_party_listed_first() {
        assert_eq!(split_text("0.05", &["1", "1"], 2), ["0.03", "0.02"]);
        assert_eq!(
            split_text("0.02", &["1", "1", "1"], 2),
            ["0.01", "0.01", "0.00"]
        );
        assert_eq!(
            split_text("-0.02", &["1", "1", "1"], 2),
            ["-0.01", "-0.01", "0.00"]
        );
    }

    #[test]
    fn the_largest_remainder_wins_over_the_order() {
        // 1.00 × 1/6 = 0.1666…, × 2/6 = 0.3333…, × 3/6 = 0.50: floors 0.16, 0.33, 0.50 leave one
        // cent, which goes to the largest remainder (0.00666… on the first).
        assert_eq!(
            split_text("1.00", &["1", "2", "3"], 2),
            ["0.17", "0.33", "0.50"]
        );
        // 0.10 split 1:2 = 0.0333…, 0.0666…: the cent goes to the second.
        assert_eq!(split_text("0.10", &["1", "2"], 2), ["0.03", "0.07"]);
    }

    #[test]
    fn a_zero_weight_never_gets_a_cent() {
        assert_eq!(
            split_text("0.01", &["0", "1", "1"], 2),
            ["0.00", "0.01", "0.00"]
        );
        assert_eq!(
            split_text("-0.01", &["0", "1", "1"], 2),
            ["0.00", "-0.01", "0.00"]
        );
        assert_eq!(
            split_text("100.00", &["0", "1", "0", "2", "0"], 2),
            ["0.00", "33.33", "0.00", "66.67", "0.00"]
        );
    }

    #[test]
    fn percentages_and_whole_currencies() {
        // 99.99 × 70% = 69.993, × 20% = 19.998, × 10% = 9.999: floors 69.99, 19.99, 9.99 sum to
        // 99.97; the two leftover cents go to the remainders 0.009 (10%) and 0.008 (20%).
        assert_eq!(
            split_text("99.99", &["70", "20", "10"], 2),
            ["69.99", "20.00", "10.00"]
        );
        // The same as fractions of one, or with trailing zeros.
        assert_eq!(
            split_text("99.99", &["0.7", "0.2", "0.1"], 2),
            ["69.99", "20.00", "10.00"]
        );
        assert_eq!(
            split_text("99.99", &["70.00", "20", "10.0"], 2),
            ["69.99", "20.00", "10.00"]
        );
        // JPY: no decimals.
        assert_eq!(
            split_text("1000", &["1", "1", "1"], 0),
            ["334", "333", "333"]
        );
    }

    #[test]
    fn the_amount_is_rounded_first_and_shares_have_exactly_places_decimals() {
        // 10.005 → 10.01 (half away from zero), 10.00 with banker's rounding.
        assert_eq!(split_text("10.005", &["1", "1"], 2), ["5.01", "5.00"]);
        assert_eq!(
            text(&split(d("10.005"), &ds(&["1", "1"]), 2, EVEN).unwrap()),
            ["5.00", "5.00"]
        );
        assert_eq!(split_text("10", &["1", "3"], 2), ["2.50", "7.50"]);
        assert_eq!(split_text("0.001", &["1", "1"], 2), ["0.00", "0.00"]);
    }

    #[test]
    fn a_zero_amount_is_all_zeros_even_without_weights() {
        assert_eq!(split_text("0", &["1", "2"], 2), ["0.00", "0.00"]);
        assert_eq!(split_text("-0.00", &["0", "0"], 2), ["0.00", "0.00"]);
        assert!(split(d("0"), &[], 2, AWAY).unwrap().is_empty());
        assert_eq!(split_text("0.004", &["0"], 2), ["0.00"]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            split(d("1.00"), &ds(&["0", "0"]), 2, AWAY),
            Err(AllocError::NoWeight)
        );
        assert_eq!(split(d("-1.00"), &[], 2, AWAY), Err(AllocError::NoWeight));
        assert_eq!(
            split(d("1.00"), &ds(&["1", "-1", "1"]), 2, AWAY),
            Err(AllocError::NegativeWeight)
        );
        assert_eq!(
            split(d("0"), &ds(&["-0.5"]), 2, AWAY),
            Err(AllocError::NegativeWeight)
        );
        // A negative zero is a zero weight, not a negative one.
        assert_eq!(split_text("1.00", &["-0", "1"], 2), ["0.00", "1.00"]);
    }

    #[test]
    fn overflow_is_an_error_never_a_panic() {
        let big = Decimal::MAX;
        // Decimal::MAX cannot be written with 2 decimals.
        assert_eq!(
            split(big, &[Decimal::ONE, Decimal::ONE], 2, AWAY),
            Err(AllocError::Overflow)
        );
        assert_eq!(
            split(Decimal::MIN, &[Decimal::ONE], 1, AWAY),
            Err(AllocError::Overflow)
        );
        // Weights whose digits span more than 128 bits at a common scale.
        assert_eq!(
            split(big, &[big, d("0.0000000001")], 0, AWAY),
            Err(AllocError::Overflow)
        );
        assert_eq!(
            split(d("1.00"), &[big, Decimal::new(1, 28)], 2, AWAY),
            Err(AllocError::Overflow)
        );
        assert_eq!(
            split(d("1"), &[Decimal::ONE], 29, AWAY),
            Err(AllocError::Overflow)
        );
        // Large is not overflow: the arithmetic is exact beyond Decimal's range (MAX × MAX).
        assert_eq!(
            text(&split(big, &[big, big], 0, AWAY).unwrap()),
            [
                "39614081257132168796771975168",
                "39614081257132168796771975167"
            ]
        );
        assert_eq!(
            text(&split(Decimal::MIN, &[big, big, Decimal::ZERO], 0, AWAY).unwrap()),
            [
                "-39614081257132168796771975168",
                "-39614081257132168796771975167",
                "0"
            ]
        );
        // Exact even where a Decimal quotient would round: 1/3 to 28 digits times 3 is not 1.
        let third = d("0.3333333333333333333333333333");
        assert_eq!(
            text(&split(d("1.00"), &[third, third, third], 2, AWAY).unwrap()),
            ["0.34", "0.33", "0.33"]
        );
    }

    #[test]
    fn round_shares_examples() {
        assert_eq!(
            round_text(&["33.333333", "33.333333", "33.333334"], 2, AWAY),
            ["33.33", "33.33", "33.34"]
        );
        assert_eq!(
            round_text(&["-33.333333", "-33.333333", "-33.333334"], 2, AWAY),
            ["-33.33", "-33.33", "-33.34"]
        );
        // Exact thirds of 100 (to 28 digits): the sum 99.99…99 rounds to 100.00.
        let third = "33.333333333333333333333333333";
        assert_eq!(
            round_text(&[third, third, third], 2, AWAY),
            ["33.34", "33.33", "33.33"]
        );
        // Shares already at places stay; exact zeros stay zero; padding to places.
        assert_eq!(
            round_text(&["1.5", "0", "-2", "0.00"], 2, AWAY),
            ["1.50", "0.00", "-2.00", "0.00"]
        );
        // 0.008 → 0.01: the cent goes to the earlier of the two equal fractional parts.
        assert_eq!(
            round_text(&["0.004", "0", "0.004"], 2, AWAY),
            ["0.01", "0.00", "0.00"]
        );
        assert!(round_shares(&[], 2, AWAY).unwrap().is_empty());
    }

    #[test]
    fn round_shares_follows_the_named_rounding_for_the_total() {
        // 0.005 + 0.005 + 0.005 = 0.015: 0.02 half away from zero, 0.02 half even too.
        assert_eq!(
            round_text(&["0.005", "0.005", "0.005"], 2, AWAY),
            ["0.01", "0.01", "0.00"]
        );
        // 0.0125 × 2 = 0.025: 0.03 half away from zero, 0.02 half even.
        assert_eq!(round_text(&["0.0125", "0.0125"], 2, AWAY), ["0.02", "0.01"]);
        assert_eq!(round_text(&["0.0125", "0.0125"], 2, EVEN), ["0.01", "0.01"]);
        assert_eq!(
            round_text(&["-0.0125", "-0.0125"], 2, AWAY),
            ["-0.02", "-0.01"]
        );
        assert_eq!(
            round_text(&["-0.0125", "-0.0125"], 2, EVEN),
            ["-0.01", "-0.01"]
        );
        // 2.5 + 0 in whole units: 3 half away from zero, 2 half even; -2.5: -3 and -2; the
        // parity of the floor matters for half even (3.5 → 4).
        assert_eq!(round_text(&["2.5", "0"], 0, AWAY), ["3", "0"]);
        assert_eq!(round_text(&["2.5", "0"], 0, EVEN), ["2", "0"]);
        assert_eq!(round_text(&["-2.5"], 0, AWAY), ["-3"]);
        assert_eq!(round_text(&["-2.5"], 0, EVEN), ["-2"]);
        assert_eq!(round_text(&["3.5"], 0, EVEN), ["4"]);
        assert_eq!(round_text(&["-3.5"], 0, EVEN), ["-4"]);
    }

    #[test]
    fn round_shares_with_mixed_signs() {
        // 100.001 → 100.00; floors 150.00 + -50.01 leave a cent for the larger fractional part
        // (-50.004 is 0.006 above its floor, 150.005 only 0.005).
        assert_eq!(
            round_text(&["150.005", "-50.004"], 2, AWAY),
            ["150.00", "-50.00"]
        );
        assert_eq!(
            round_text(&["-150.005", "50.004"], 2, AWAY),
            ["-150.00", "50.00"]
        );
        // A sum of zero: the tie goes away from zero, on the positive share, and mirrors.
        assert_eq!(round_text(&["0.005", "-0.005"], 2, AWAY), ["0.01", "-0.01"]);
        assert_eq!(round_text(&["-0.005", "0.005"], 2, AWAY), ["-0.01", "0.01"]);
        // -0.001 → 0.00: floors 0.00, -0.01, 0.00 leave one cent; the tie between the two
        // 0.004s goes to the earlier one.
        assert_eq!(
            round_text(&["0.004", "-0.009", "0.004"], 2, AWAY),
            ["0.01", "-0.01", "0.00"]
        );
        assert_eq!(
            round_text(&["-0.004", "0.009", "-0.004"], 2, AWAY),
            ["-0.01", "0.01", "0.00"]
        );
        // Ties of one sign: the earlier share is rounded away from zero.
        assert_eq!(round_text(&["0.005", "0.005"], 2, AWAY), ["0.01", "0.00"]);
        assert_eq!(
            round_text(&["-0.005", "-0.005"], 2, AWAY),
            ["-0.01", "0.00"]
        );
    }

    #[test]
    fn round_shares_overflow() {
        // The total (2 × MAX) is beyond Decimal's range.
        assert_eq!(
            round_shares(&[Decimal::MAX, Decimal::MAX], 0, AWAY),
            Err(AllocError::Overflow)
        );
        // MAX cannot be written with 2 decimals.
        assert_eq!(
            round_shares(&[Decimal::MAX], 2, AWAY),
            Err(AllocError::Overflow)
        );
        // The digits span more than 128 bits at a common scale.
        assert_eq!(
            round_shares(&[Decimal::MAX, Decimal::new(1, 28)], 0, AWAY),
            Err(AllocError::Overflow)
        );
        assert_eq!(round_shares(&[], 29, AWAY), Err(AllocError::Overflow));
        // Large but representable: fine.
        assert_eq!(
            text(&round_shares(&[Decimal::MAX, Decimal::MIN, d("0.6")], 0, AWAY).unwrap()),
            [
                "79228162514264337593543950335",
                "-79228162514264337593543950335",
                "1"
            ]
        );
    }

    #[test]
    fn split_agrees_with_round_shares_on_exact_shares() {
        // 0.05 split 1:1 is exactly 0.025 each.
        assert_eq!(
            round_text(&["0.025", "0.025"], 2, AWAY),
            split_text("0.05", &["1", "1"], 2)
        );
        assert_eq!(
            round_text(&["-0.025", "-0.025"], 2, AWAY),
            split_text("-0.05", &["1", "1"], 2)
        );
        // 99.99 at 70/20/10 is exactly 69.993, 19.998, 9.999.
        assert_eq!(
            round_text(&["69.993", "19.998", "9.999"], 2, AWAY),
            split_text("99.99", &["70", "20", "10"], 2)
        );
    }

    #[test]
    fn mul_div_is_exact_with_wide_products() {
        assert_eq!(mul_div(7, 3, 2), Some((10, 1)));
        assert_eq!(
            mul_div(u128::MAX, u128::MAX, u128::MAX),
            Some((u128::MAX, 0))
        );
        // (2^128 − 1)² / 2^127 = 2^129 − 4 + 1/2^127: the quotient does not fit.
        assert_eq!(mul_div(u128::MAX, u128::MAX, 1 << 127), None);
        // (2^128 − 1) × (2^127) / (2^128 − 1) = 2^127.
        assert_eq!(mul_div(u128::MAX, 1 << 127, u128::MAX), Some((1 << 127, 0)));
        // (2^128 − 1) × 3 / 4 = 3·2^126 − 1 remainder 1.
        assert_eq!(mul_div(u128::MAX, 3, 4), Some((3 * (1 << 126) - 1, 1)));
        assert_eq!(mul_div(5, 5, 0), None);
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// An amount from −10,000,000.00 to 10,000,000.00, in cents.
        fn cents() -> impl Strategy<Value = i64> {
            -1_000_000_000i64..=1_000_000_000
        }

        /// 1–8 weights from 0 to 100.00 in hundredths, often 0, at least one not.
        fn weights() -> impl Strategy<Value = Vec<i64>> {
            proptest::collection::vec(prop_oneof![Just(0i64), 0..=10_000i64], 1..=8)
                .prop_filter("at least one weight is not zero", |w| {
                    w.iter().any(|x| *x != 0)
                })
        }

        /// 1–8 raw shares, mantissas up to ±10^13 with 0–6 decimals, some exactly 0.
        fn raw_shares() -> impl Strategy<Value = Vec<Decimal>> {
            let share = prop_oneof![
                Just(Decimal::ZERO),
                (-10_000_000_000_000i64..=10_000_000_000_000, 0u32..=6)
                    .prop_map(|(m, s)| Decimal::new(m, s)),
            ];
            proptest::collection::vec(share, 1..=8)
        }

        fn rounding() -> impl Strategy<Value = Rounding> {
            prop_oneof![Just(AWAY), Just(EVEN)]
        }

        fn cent() -> Decimal {
            Decimal::new(1, 2)
        }

        proptest! {
            #[test]
            fn split_is_exact_and_largest_remainder(amount in cents(), weights in weights()) {
                let decimal_weights: Vec<Decimal> =
                    weights.iter().map(|w| Decimal::new(*w, 2)).collect();
                let total_weight: i64 = weights.iter().sum();
                let a = Decimal::new(amount, 2);
                let shares = split(a, &decimal_weights, 2, AWAY).unwrap();
                prop_assert_eq!(shares.len(), weights.len());
                prop_assert_eq!(shares.iter().sum::<Decimal>(), a);

                // The exact share, by an independent integer computation on magnitudes.
                let units = i128::from(amount.abs());
                let total = i128::from(total_weight);
                let mut raised = Vec::new();
                let mut kept = Vec::new();
                for (i, (share, w)) in shares.iter().zip(&weights).enumerate() {
                    prop_assert_eq!(share.scale(), 2);
                    prop_assert!(!(share.is_zero() && share.is_sign_negative()));
                    let exact = a * Decimal::new(*w, 2) / Decimal::new(total_weight, 2);
                    prop_assert!((*share - exact).abs() < cent());
                    if *w == 0 {
                        prop_assert_eq!(share.to_string(), "0.00");
                    }
                    let product = units * i128::from(*w);
                    let (floor, remainder) = (product / total, product % total);
                    let got = share.mantissa().abs();
                    if got == floor + 1 {
                        raised.push((remainder, i));
                    } else {
                        prop_assert_eq!(got, floor);
                        kept.push((remainder, i));
                    }
                }
                // Every raised share beats every kept one: larger remainder, or equal and listed
                // first.
                for (r_up, i_up) in &raised {
                    for (r_kept, i_kept) in &kept {
                        prop_assert!(r_up > r_kept || (r_up == r_kept && i_up < i_kept));
                    }
                }

                let negated = split(-a, &decimal_weights, 2, AWAY).unwrap();
                for (n, s) in negated.iter().zip(&shares) {
                    prop_assert_eq!(n.to_string(), (-*s).to_string().replace("-0.00", "0.00"));
                }
            }

            #[test]
            fn round_shares_is_exact_close_and_symmetric(
                raw in raw_shares(),
                rounding in rounding(),
            ) {
                let total = rounding.round(raw.iter().sum::<Decimal>(), 2);
                let shares = round_shares(&raw, 2, rounding).unwrap();
                prop_assert_eq!(shares.len(), raw.len());
                prop_assert_eq!(shares.iter().sum::<Decimal>(), total);
                for (share, r) in shares.iter().zip(&raw) {
                    prop_assert_eq!(share.scale(), 2);
                    prop_assert!(!(share.is_zero() && share.is_sign_negative()));
                    prop_assert!((*share - *r).abs() < cent());
                    if r.is_zero() {
                        prop_assert_eq!(share.to_string(), "0.00");
                    }
                }
                // Least total change: every share raised above its floor has a fractional part
                // at least as large as every share left at its floor.
                let floor = |r: &Decimal| r.round_dp_with_strategy(
                    2, rust_decimal::RoundingStrategy::ToNegativeInfinity);
                let mut raised = Vec::new();
                let mut kept = Vec::new();
                for (share, r) in shares.iter().zip(&raw) {
                    let part = *r - floor(r);
                    if part.is_zero() {
                        prop_assert_eq!(*share, *r);
                    } else if *share > *r {
                        raised.push(part);
                    } else {
                        kept.push(part);
                    }
                }
                for up in &raised {
                    for down in &kept {
                        prop_assert!(up >= down);
                    }
                }

                let minus: Vec<Decimal> = raw.iter().map(|r| -*r).collect();
                let negated = round_shares(&minus, 2, rounding).unwrap();
                for (n, s) in negated.iter().zip(&shares) {
                    prop_assert_eq!(n.to_string(), (-*s).to_string().replace("-0.00", "0.00"));
                }
            }

            #[test]
            fn mul_div_matches_its_definition(
                a in any::<u128>(),
                b in any::<u128>(),
                extra in any::<u128>(),
            ) {
                // b ≤ c, as in split (a weight is at most the total).
                let c = b.saturating_add(extra).max(1);
                let (q, r) = mul_div(a, b, c).unwrap();
                prop_assert!(r < c);
                // q × c + r = a × b, in 256 bits.
                let (qc_high, qc_low) = widening_mul(q, c);
                let (low, carry) = qc_low.overflowing_add(r);
                let high = qc_high + u128::from(carry);
                prop_assert_eq!((high, low), widening_mul(a, b));
                if let Some(product) = a.checked_mul(b) {
                    prop_assert_eq!((q, r), (product / c, product % c));
                }
            }
        }
    }
}
