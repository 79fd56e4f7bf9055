//! Tier models: how a quantity becomes an amount (graduated, volume, stairstep, package,
//! percentage), with a breakdown a person can redo by hand.
//!
//! [`charge`] applies one [`Charge`] of the bundle format to a quantity and returns a
//! [`ChargeBreakdown`]: the exact, unrounded total and the parts it adds up from, so a quote's
//! trace can show the arithmetic ([`formula`] writes it as one line). Rounding to the currency is
//! the caller's job; rounding a quantity before tiering (whole km, half hours) is
//! [`round_to_step`]'s.
//!
//! All arithmetic is checked: an overflow is a [`TierError::Overflow`], never a panic or a wrap.
//!
//! # Semantics (from the shared rule semantics, "Tiered prices and rates")
//!
//! - Tier bounds are half-open on decimals: a tier covers (previous `up_to`, `up_to`], the first
//!   starting above 0. A quantity of 0 costs 0 under the tiered models and `package`.
//! - `graduated`: each tier holding some of `q` charges its `flat` once plus `unit` × the part of
//!   `q` inside it; the parts add up.
//! - `volume`: the single tier holding `q` charges `flat` + `unit` × `q`.
//! - `stairstep`: the tier holding `q` charges its `flat` only.
//! - `package`: ceil((`q` − `free`) / `size`) × `price_per_package`; 0 while `q` ≤ `free`.
//! - `percentage`: `q` is an amount; `q` × `rate` + `fixed_fee`, clamped to [`min`, `max`].
//!
//! Missing `unit`, `flat`, `free` and `fixed_fee` mean 0.
//!
//! The bundle's semantic checks guarantee ascending bounds, an open last tier and a positive
//! package size. This module still never panics on a table that skipped those checks: the last
//! tier is always read as open (so every quantity is charged), bounds that do not ascend make
//! empty bands, and a package size that is not positive is reported as an overflow (the division
//! has no meaningful result).

use crate::format::pricing::{Charge, RoundDirection, StepRounding};
use crate::money::Rounding;
use crate::tiers::{Band, Share, band_holding, bands, shares};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

/// Why a charge could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierError {
    /// A sum, product or quotient does not fit in a decimal (or, for `package`, the size is not
    /// positive, so the number of packages is undefined).
    Overflow,
    /// The quantity is below 0; tier tables only price quantities from 0 up.
    NegativeQuantity,
}

impl fmt::Display for TierError {
    /// A short English description, for logs; callers report the problem in their own words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Overflow => "the charge overflows the decimal range",
            Self::NegativeQuantity => "the quantity is negative",
        })
    }
}

impl std::error::Error for TierError {}

/// One step of the arithmetic, for the quote's trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargePart {
    /// The band: lower bound exclusive (None for the first band, meaning 0), upper inclusive
    /// (None = open). For `package`, `above` is the free allowance (None when there is none);
    /// for `percentage` both are None.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub above: Option<Decimal>,
    /// The inclusive upper bound of the band, None when the band is open.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub up_to: Option<Decimal>,
    /// The quantity this part charges for (the part of q in the band for graduated; all of q
    /// for volume and stairstep; packages counted for package; the amount for percentage).
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// Unit price / rate applied to `quantity` (0 when none).
    #[serde(with = "rust_decimal::serde::str")]
    pub unit: Decimal,
    /// Flat amount added (0 when none).
    #[serde(with = "rust_decimal::serde::str")]
    pub flat: Decimal,
    /// quantity × unit + flat, exact.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// The result of [`charge`]: the exact total and the parts that explain it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargeBreakdown {
    /// The model's name as in the format: "graduated", "volume", "stairstep", "package",
    /// "percentage".
    pub model: &'static str,
    /// The quantity that was charged (an amount for `percentage`).
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// The steps of the arithmetic. Empty when nothing was charged for a quantity of 0 (tiered
    /// models and `package`). For `graduated` the parts add up to `amount`; for the other models
    /// there is at most one part, and for a clamped `percentage` its amount is the fee before
    /// clamping.
    pub parts: Vec<ChargePart>,
    /// Set for percentage when min/max changed the fee: "min" or "max".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clamped: Option<&'static str>,
    /// For `package` only: how many units one package holds, so the number of packages can be
    /// redone by hand (the parts only carry the count).
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub package_size: Option<Decimal>,
    /// The exact (unrounded) total.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// For a charge against a running total ([`charge_after`]): the usage before this charge
    /// and what the table charges for it. `amount` is then what the table charges for
    /// `before + quantity` less `before_amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<UsageBefore>,
}

/// The running total a charge starts from (see [`charge_after`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UsageBefore {
    /// What was used before, in the table's quantity.
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// What the table charges for that usage alone, exact.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// Shorthand for the checked operations: `None` (overflow, division by zero) becomes
/// [`TierError::Overflow`].
fn ok(value: Option<Decimal>) -> Result<Decimal, TierError> {
    value.ok_or(TierError::Overflow)
}

/// `a × b + c`, checked.
fn mul_add(a: Decimal, b: Decimal, c: Decimal) -> Result<Decimal, TierError> {
    ok(ok(a.checked_mul(b))?.checked_add(c))
}

/// The value of an optional amount of the format, 0 when absent.
fn or_zero<T>(value: Option<T>, get: impl Fn(T) -> Decimal) -> Decimal {
    value.map_or(Decimal::ZERO, get)
}

/// A trace part for one band's share of a tiered charge.
fn part_of(share: &Share<'_>, unit: Decimal) -> ChargePart {
    let band = share.band;
    ChargePart {
        above: (!band.first).then_some(band.lower),
        up_to: band.up_to,
        quantity: share.quantity,
        unit,
        flat: band.flat(),
        amount: share.amount,
    }
}

/// A trace part charging `quantity` in `band` with the given unit price (stairstep, running
/// totals).
fn band_part(band: &Band<'_>, quantity: Decimal, unit: Decimal) -> Result<ChargePart, TierError> {
    let flat = band.flat();
    Ok(ChargePart {
        above: (!band.first).then_some(band.lower),
        up_to: band.up_to,
        quantity,
        unit,
        flat,
        amount: mul_add(quantity, unit, flat)?,
    })
}

/// The exact remainder of `value` by `step` (non-zero), with the sign of `value`.
fn remainder(value: Decimal, step: Decimal) -> Result<Decimal, TierError> {
    ok(value.checked_rem(step))
}

/// The integer quotient of `value` by `step`, truncated toward zero, given the `rem` from
/// [`remainder`]. Dividing `value − rem` (an exact multiple) instead of `value` keeps it exact:
/// `value / step` is rounded to 28 digits and could mistake a value a hair above a multiple for
/// the multiple itself.
fn whole_quotient(value: Decimal, rem: Decimal, step: Decimal) -> Result<Decimal, TierError> {
    let whole = ok(value.checked_sub(rem))?;
    Ok(ok(whole.checked_div(step))?.trunc())
}

/// Charges quantity `q` under `charge`.
///
/// Returns the exact, unrounded amount with its parts. `q` below 0 is
/// [`TierError::NegativeQuantity`]; any overflow is [`TierError::Overflow`].
///
/// A quantity of 0 costs 0 with no parts under the tiered models (`graduated`, `volume`,
/// `stairstep`) and `package`, as the bounds start above 0. `percentage` is the exception on
/// purpose: its quantity is a transaction amount and the fee is per transaction, so for 0 the
/// formula still applies (0 × rate + the fixed fee, then `min`/`max`) and the one part shows it;
/// a caller that wants no fee for an absent transaction does not charge one.
pub fn charge(charge: &Charge, q: Decimal) -> Result<ChargeBreakdown, TierError> {
    if q.is_sign_negative() && !q.is_zero() {
        return Err(TierError::NegativeQuantity);
    }
    let mut out = ChargeBreakdown {
        model: model_name(charge),
        quantity: q,
        parts: Vec::new(),
        clamped: None,
        package_size: None,
        amount: Decimal::ZERO,
        before: None,
    };
    match charge {
        Charge::Graduated { tiers }
        | Charge::Volume { tiers }
        | Charge::Marginal { tiers }
        | Charge::Retroactive { tiers } => {
            // The one tier engine (`crate::tiers`), as settlement reads commission tiers; a
            // pricing table prices its quantity, so the quantity is its own base.
            let reading = charge.reading().ok_or(TierError::Overflow)?;
            for share in shares(tiers, reading, q, q).ok_or(TierError::Overflow)? {
                let part = part_of(&share, share.band.unit());
                out.amount = ok(out.amount.checked_add(part.amount))?;
                out.parts.push(part);
            }
        }
        Charge::Stairstep { tiers } => {
            if let Some(band) = band_holding(tiers, q).filter(|_| !q.is_zero()) {
                let part = band_part(&band, q, Decimal::ZERO)?;
                out.amount = part.amount;
                out.parts.push(part);
            }
        }
        Charge::Package {
            size,
            free,
            price_per_package,
        } => {
            out.package_size = Some(size.0);
            if !q.is_zero() {
                package(
                    size.0,
                    or_zero(*free, |d| d.0),
                    price_per_package.0,
                    &mut out,
                )?;
            }
        }
        Charge::Percentage {
            rate,
            fixed_fee,
            min,
            max,
        } => {
            let fixed = or_zero(*fixed_fee, |m| m.0);
            let fee = mul_add(q, rate.0, fixed)?;
            out.parts.push(ChargePart {
                above: None,
                up_to: None,
                quantity: q,
                unit: rate.0,
                flat: fixed,
                amount: fee,
            });
            out.amount = fee;
            // `min` first, then `max`: with an inverted range (which the bundle check rejects)
            // the cap wins.
            if let Some(min) = min.filter(|m| out.amount < m.0) {
                out.amount = min.0;
                out.clamped = Some("min");
            }
            if let Some(max) = max.filter(|m| out.amount > m.0) {
                out.amount = max.0;
                out.clamped = Some("max");
            }
        }
    }
    Ok(out)
}

/// Charges `q` more units on top of `before` units already used in the period (a running
/// total, as Lago charges usage-based tiers): exactly `charge(before + q) − charge(before)`.
///
/// For `graduated` the parts are the bands the increment crosses, each with the slice of
/// (`before`, `before + q`] inside it, and a band's `flat` is charged by the increment that
/// enters it (a band already entered by `before` charged it then). Lago's graduated table
/// `[0–10: 0.10 + flat 0.02], [11+: 0.05 + flat 0.03]` with 8 used before and 4 more: (8, 10]
/// 2 × 0.10 = 0.20, (10, 12] 2 × 0.05 + 0.03 = 0.13, 0.33 in all (1.15 for 12 − 0.82 for 8).
/// For the other models the one part is the charge for `before + q` and `before` holds the
/// charge for `before`. With `before` = 0 this is [`charge`].
pub fn charge_after(
    model: &Charge,
    before: Decimal,
    q: Decimal,
) -> Result<ChargeBreakdown, TierError> {
    if before.is_zero() {
        return charge(model, q);
    }
    if before.is_sign_negative() || q.is_sign_negative() && !q.is_zero() {
        return Err(TierError::NegativeQuantity);
    }
    let total = ok(before.checked_add(q))?;
    let earlier = charge(model, before)?.amount;
    let mut out = match model {
        Charge::Graduated { tiers } | Charge::Marginal { tiers } => {
            let mut out = charge(model, Decimal::ZERO)?;
            out.quantity = q;
            for band in bands(tiers) {
                if total <= band.lower {
                    break;
                }
                let top = band.up_to.map_or(total, |up| up.min(total));
                let bottom = band.lower.max(before);
                let inside = ok(top.checked_sub(bottom))?;
                if inside <= Decimal::ZERO {
                    continue;
                }
                let mut part = band_part(&band, inside, band.unit())?;
                if before > band.lower {
                    // Entered before this charge: its flat was charged then.
                    part.above = Some(before);
                    part.flat = Decimal::ZERO;
                    part.amount = ok(inside.checked_mul(band.unit()))?;
                }
                out.amount = ok(out.amount.checked_add(part.amount))?;
                out.parts.push(part);
            }
            out
        }
        _ => {
            let mut out = charge(model, total)?;
            out.quantity = q;
            out.amount = ok(out.amount.checked_sub(earlier))?;
            out
        }
    };
    out.before = Some(UsageBefore {
        quantity: before,
        amount: earlier,
    });
    Ok(out)
}

/// The format's name of a model.
fn model_name(charge: &Charge) -> &'static str {
    match charge {
        Charge::Graduated { .. } => "graduated",
        Charge::Volume { .. } => "volume",
        Charge::Marginal { .. } => "marginal",
        Charge::Retroactive { .. } => "retroactive",
        Charge::Stairstep { .. } => "stairstep",
        Charge::Package { .. } => "package",
        Charge::Percentage { .. } => "percentage",
    }
}

/// `package` for q > 0: ceil((q − free) / size) packages at `price` each, none while q ≤ free.
/// The one part counts the packages, with the free allowance as its lower bound.
fn package(
    size: Decimal,
    free: Decimal,
    price: Decimal,
    out: &mut ChargeBreakdown,
) -> Result<(), TierError> {
    if size <= Decimal::ZERO {
        return Err(TierError::Overflow);
    }
    let over = ok(out.quantity.checked_sub(free))?;
    let packages = if over <= Decimal::ZERO {
        Decimal::ZERO
    } else {
        let rem = remainder(over, size)?;
        let whole = whole_quotient(over, rem, size)?;
        if rem.is_zero() {
            whole
        } else {
            ok(whole.checked_add(Decimal::ONE))?
        }
    };
    let amount = ok(packages.checked_mul(price))?;
    out.parts.push(ChargePart {
        above: (!free.is_zero()).then_some(free),
        up_to: None,
        quantity: packages,
        unit: price,
        flat: Decimal::ZERO,
        amount,
    });
    out.amount = amount;
    Ok(())
}

/// Rounds `value` to a multiple of `step` (step > 0; a non-positive step returns value
/// unchanged): Up = ceil, Down = floor, Nearest = nearest with midpoints following `rounding`
/// (HalfAwayFromZero or HalfEven). E.g. 3.2 up by 1 → 4; 2.25 nearest by 0.5 → 2.5 (half away) /
/// 2.0 (half even); 7 up by 1 → 7.
///
/// A value already on a multiple comes back unchanged; otherwise the result carries the step's
/// decimals (3.2 up by 1 is `4`, not `4.0`). The division is done exactly (quotient and
/// remainder), so a value a hair above a multiple still rounds up. Overflow is an error.
pub fn round_to_step(
    value: Decimal,
    rule: &StepRounding,
    rounding: Rounding,
) -> Result<Decimal, TierError> {
    let step = rule.step.0;
    if step <= Decimal::ZERO {
        return Ok(value);
    }
    let rem = remainder(value, step)?;
    if rem.is_zero() {
        return Ok(value);
    }
    let toward = whole_quotient(value, rem, step)?;
    // `rem` is not 0, so `value` is not 0 and lies strictly between two multiples: `toward`
    // (toward zero) and `away` (away from zero).
    let positive = value.is_sign_positive();
    let away = if positive {
        ok(toward.checked_add(Decimal::ONE))?
    } else {
        ok(toward.checked_sub(Decimal::ONE))?
    };
    let k = match rule.round {
        RoundDirection::Up if positive => away,
        RoundDirection::Up => toward,
        RoundDirection::Down if positive => toward,
        RoundDirection::Down => away,
        RoundDirection::Nearest => {
            let twice = ok(rem.abs().checked_mul(Decimal::TWO))?;
            match twice.cmp(&step) {
                Ordering::Less => toward,
                Ordering::Greater => away,
                Ordering::Equal => match rounding {
                    Rounding::HalfAwayFromZero => away,
                    Rounding::HalfEven => {
                        if ok(toward.checked_rem(Decimal::TWO))?.is_zero() {
                            toward
                        } else {
                            away
                        }
                    }
                },
            }
        }
    };
    let mut rounded = ok(k.checked_mul(step))?;
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    Ok(rounded)
}

/// A compact human-readable formula for the trace, e.g. graduated over 4:
/// "(0, 3] 30 + (3, 4] 1 × 5 = 35"; volume 6: "6 × 6.50 = 39.00"; package:
/// "ceil((12 − 2) / 5) = 2 × 10 = 20"; percentage: "1000 × 0.006 + 0.30 = 6.300" and clamping
/// noted as "→ min 10".
///
/// Numbers are written exactly as computed (no rounding, no trimming), so the line matches the
/// breakdown digit for digit. A graduated band shows the slice of the quantity it charged; an
/// open band that is fully past is never shown since the quantity ends inside it. Nothing
/// charged for 0 reads "0 = 0".
pub fn formula(b: &ChargeBreakdown) -> String {
    let Some(before) = b.before else {
        return formula_from_zero(b);
    };
    let end = before.quantity.checked_add(b.quantity);
    let shown = end.map_or_else(|| "…".to_owned(), |e| e.to_string());
    let head = format!("usage {} + {} = {shown}", before.quantity, b.quantity);
    if b.model == "graduated" {
        let terms: Vec<String> = b
            .parts
            .iter()
            .map(|p| {
                let lower = p.above.unwrap_or(Decimal::ZERO);
                let top = match (p.up_to, end) {
                    (Some(up), Some(e)) => up.min(e).to_string(),
                    (None, Some(e)) => e.to_string(),
                    (Some(up), None) => up.to_string(),
                    (None, None) => shown.clone(),
                };
                let term = term(p);
                if !p.unit.is_zero() && !p.flat.is_zero() {
                    format!("({lower}, {top}] ({term})")
                } else {
                    format!("({lower}, {top}] {term}")
                }
            })
            .collect();
        let terms = if terms.is_empty() {
            "0".to_owned()
        } else {
            terms.join(" + ")
        };
        return format!("{head}: {terms} = {}", b.amount);
    }
    let after = ChargeBreakdown {
        before: None,
        quantity: before
            .quantity
            .checked_add(b.quantity)
            .unwrap_or(b.quantity),
        amount: before.amount.checked_add(b.amount).unwrap_or(b.amount),
        ..b.clone()
    };
    format!(
        "{head}: ({}) − {} = {}",
        formula_from_zero(&after),
        before.amount,
        b.amount
    )
}

/// [`formula`] for a charge from 0.
fn formula_from_zero(b: &ChargeBreakdown) -> String {
    let q = b.quantity;
    let total = b.amount;
    match (b.model, b.parts.as_slice()) {
        (_, []) => format!("{q} = {total}"),
        ("graduated", parts) => {
            let terms: Vec<String> = parts
                .iter()
                .map(|p| {
                    let lower = p.above.unwrap_or(Decimal::ZERO);
                    let top = p.up_to.map_or(q, |up| up.min(q));
                    let term = term(p);
                    let both = !p.unit.is_zero() && !p.flat.is_zero();
                    if both {
                        format!("({lower}, {top}] ({term})")
                    } else {
                        format!("({lower}, {top}] {term}")
                    }
                })
                .collect();
            format!("{} = {total}", terms.join(" + "))
        }
        ("stairstep", [p, ..]) => {
            let lower = p.above.unwrap_or(Decimal::ZERO);
            match p.up_to {
                Some(up) => format!("{q} in ({lower}, {up}] = {total}"),
                None => format!("{q} in ({lower}, ∞) = {total}"),
            }
        }
        ("package", [p, ..]) => {
            let size = b
                .package_size
                .map_or_else(|| "?".to_owned(), |s| s.to_string());
            let packages = p.quantity;
            let price = p.unit;
            match p.above {
                Some(free) if q <= free => format!("{q} ≤ {free} free = {total}"),
                Some(free) => {
                    format!("ceil(({q} − {free}) / {size}) = {packages} × {price} = {total}")
                }
                None => format!("ceil({q} / {size}) = {packages} × {price} = {total}"),
            }
        }
        ("percentage", [p, ..]) => {
            let fee = if p.flat.is_zero() {
                format!("{} × {} = {}", p.quantity, p.unit, p.amount)
            } else {
                format!("{} × {} + {} = {}", p.quantity, p.unit, p.flat, p.amount)
            };
            match b.clamped {
                Some(bound) => format!("{fee} → {bound} {total}"),
                None => fee,
            }
        }
        // volume, and any single part.
        (_, [p, ..]) => format!("{} = {total}", term(p)),
    }
}

/// One part's arithmetic: "q × unit + flat", leaving out a zero unit price or a zero flat.
fn term(p: &ChargePart) -> String {
    match (p.unit.is_zero(), p.flat.is_zero()) {
        (false, false) => format!("{} × {} + {}", p.quantity, p.unit, p.flat),
        (false, true) => format!("{} × {}", p.quantity, p.unit),
        (true, false) => p.flat.to_string(),
        (true, true) => "0".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use std::str::FromStr;

    /// A decimal from its text.
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// A charge model from its JSON in the bundle format.
    fn model(value: Value) -> Charge {
        serde_json::from_value(value).unwrap()
    }

    /// The exact amount `c` charges for `q`.
    fn amount(c: &Charge, q: &str) -> Decimal {
        charge(c, d(q)).unwrap().amount
    }

    /// Stripe's example table, tiers 1–5 @ 7.00, 6–10 @ 6.50, 11+ @ 6.00.
    fn stripe(model_name: &str) -> Charge {
        model(json!({"model": model_name, "tiers": [
            {"up_to": "5", "unit": "7.00"},
            {"up_to": "10", "unit": "6.50"},
            {"up_to": null, "unit": "6.00"}]}))
    }

    /// The call-out fee: within 3 km 30 CNY, +5 CNY per km beyond.
    fn call_out() -> Charge {
        model(json!({"model": "graduated", "tiers": [
            {"up_to": "3", "flat": "30"}, {"up_to": null, "unit": "5"}]}))
    }

    /// A charge on a running total is exactly the difference of the two charges from zero,
    /// for every model and every split of a quantity into before + now.
    #[test]
    fn charge_after_is_the_difference_of_two_charges() {
        let lago = model(json!({"model": "graduated", "tiers": [
            {"up_to": "10", "unit": "0.10", "flat": "0.02"},
            {"up_to": null, "unit": "0.05", "flat": "0.03"}]}));
        let every = [stripe("volume"), stripe("graduated"), lago, call_out()];
        for c in &every {
            for before in 0..14 {
                for now in 0..14 {
                    let (b, n) = (Decimal::from(before), Decimal::from(now));
                    let after = charge_after(c, b, n).unwrap();
                    let want =
                        amount(c, &(before + now).to_string()) - amount(c, &before.to_string());
                    assert_eq!(after.amount, want, "{c:?} {before} + {now}");
                }
            }
        }
        // Lago graduated, 8 used, 4 more: the two bands crossed, the second's flat charged now.
        let lago = &every[2];
        let b = charge_after(lago, d("8"), d("4")).unwrap();
        assert_eq!(b.amount, d("0.33"));
        assert_eq!(
            formula(&b),
            "usage 8 + 4 = 12: (8, 10] 2 × 0.10 + (10, 12] (2 × 0.05 + 0.03) = 0.33"
        );
        let v = charge_after(&every[0], d("4"), d("2")).unwrap();
        assert_eq!(
            formula(&v),
            "usage 4 + 2 = 6: (6 × 6.50 = 39.00) − 28.00 = 11.00"
        );
    }

    #[test]
    fn stripe_volume_and_graduated() {
        let volume = stripe("volume");
        for (q, want) in [
            ("1", "7.00"),
            ("5", "35.00"),
            ("6", "39.00"),
            ("20", "120.00"),
            ("25", "150.00"),
        ] {
            assert_eq!(amount(&volume, q), d(want), "volume {q}");
        }
        let graduated = stripe("graduated");
        assert_eq!(amount(&graduated, "5"), d("35.00"));
        // Past the first band each band keeps its own rate: 5 × 7.00 + 1 × 6.50.
        assert_eq!(amount(&graduated, "6"), d("41.50"));
    }

    #[test]
    fn lago_graduated() {
        let c = model(json!({"model": "graduated", "tiers": [
            {"up_to": "10", "unit": "0.10", "flat": "0.02"},
            {"up_to": null, "unit": "0.05", "flat": "0.03"}]}));
        for (q, want) in [
            ("0", "0"),
            ("1", "0.12"),
            ("10", "1.02"),
            ("11", "1.10"),
            ("12", "1.15"),
        ] {
            assert_eq!(amount(&c, q), d(want), "graduated {q}");
        }
    }

    /// Lago's volume example: [0–100: unit 2 + flat 10], [101–200: unit 1],
    /// [201+: unit 0.5 + flat 50].
    fn lago_volume() -> Charge {
        model(json!({"model": "volume", "tiers": [
            {"up_to": "100", "unit": "2", "flat": "10"},
            {"up_to": "200", "unit": "1"},
            {"up_to": null, "unit": "0.5", "flat": "50"}]}))
    }

    #[test]
    fn lago_volume_example() {
        let c = lago_volume();
        for (q, want) in [
            ("0", "0"),
            ("1", "12"),
            ("100", "210"),
            ("101", "101"),
            ("200", "200"),
            ("300", "200"),
        ] {
            assert_eq!(amount(&c, q), d(want), "volume {q}");
        }
    }

    #[test]
    fn call_out_fee_by_km() {
        let c = call_out();
        assert_eq!(amount(&c, "2"), d("30"));
        assert_eq!(amount(&c, "3"), d("30"));
        assert_eq!(amount(&c, "7"), d("50"));
        assert_eq!(amount(&c, "10"), d("65"));
        // 3.2 km is rounded up to whole km before tiering: 4 km → 35.
        let whole_km: StepRounding =
            serde_json::from_value(json!({"round": "up", "step": "1"})).unwrap();
        let km = round_to_step(d("3.2"), &whole_km, Rounding::HalfAwayFromZero).unwrap();
        assert_eq!(km.to_string(), "4");
        assert_eq!(charge(&c, km).unwrap().amount, d("35"));
        // Unrounded, the bounds are half-open on decimals: 3.2 km is 0.2 km into the second band.
        assert_eq!(amount(&c, "3.2"), d("31.0"));
    }

    #[test]
    fn graduated_parts_show_each_band() {
        let b = charge(&call_out(), d("4")).unwrap();
        assert_eq!(b.model, "graduated");
        assert_eq!(
            b.parts,
            vec![
                ChargePart {
                    above: None,
                    up_to: Some(d("3")),
                    quantity: d("3"),
                    unit: d("0"),
                    flat: d("30"),
                    amount: d("30"),
                },
                ChargePart {
                    above: Some(d("3")),
                    up_to: None,
                    quantity: d("1"),
                    unit: d("5"),
                    flat: d("0"),
                    amount: d("5"),
                },
            ]
        );
        assert_eq!(b.amount, d("35"));
        // The trace serializes every decimal as a string.
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            json!({"model": "graduated", "quantity": "4", "amount": "35", "parts": [
                {"above": null, "up_to": "3", "quantity": "3", "unit": "0", "flat": "30",
                    "amount": "30"},
                {"above": "3", "up_to": null, "quantity": "1", "unit": "5", "flat": "0",
                    "amount": "5"}]})
        );
    }

    #[test]
    fn zero_costs_nothing_under_tiered_models_and_package() {
        for c in [
            stripe("graduated"),
            stripe("volume"),
            model(json!({"model": "stairstep", "tiers": [{"up_to": null, "flat": "9"}]})),
            model(json!({"model": "package", "size": "5", "price_per_package": "10"})),
        ] {
            let b = charge(&c, d("0")).unwrap();
            assert_eq!(b.amount, d("0"));
            assert!(b.parts.is_empty());
            assert_eq!(formula(&b), "0 = 0");
        }
    }

    #[test]
    fn stairstep_charges_the_flat_of_the_band() {
        let c = model(json!({"model": "stairstep", "tiers": [
            {"up_to": "5", "flat": "10"},
            {"up_to": "10", "flat": "18"},
            {"up_to": null, "flat": "25"}]}));
        assert_eq!(amount(&c, "0.5"), d("10"));
        assert_eq!(amount(&c, "5"), d("10"));
        assert_eq!(amount(&c, "5.01"), d("18"));
        assert_eq!(amount(&c, "10"), d("18"));
        assert_eq!(amount(&c, "1000"), d("25"));
        let b = charge(&c, d("7")).unwrap();
        assert_eq!(b.parts.len(), 1);
        assert_eq!(formula(&b), "7 in (5, 10] = 18");
        assert_eq!(formula(&charge(&c, d("11")).unwrap()), "11 in (10, ∞) = 25");
    }

    #[test]
    fn package_counts_started_packages_after_the_free_units() {
        let c = model(json!({"model": "package", "size": "5", "free": "2",
            "price_per_package": "10"}));
        assert_eq!(amount(&c, "1"), d("0"));
        assert_eq!(amount(&c, "2"), d("0"));
        assert_eq!(amount(&c, "2.5"), d("10"));
        assert_eq!(amount(&c, "7"), d("10"));
        assert_eq!(amount(&c, "12"), d("20"));
        assert_eq!(amount(&c, "12.01"), d("30"));
        let b = charge(&c, d("12")).unwrap();
        assert_eq!(b.package_size, Some(d("5")));
        assert_eq!(b.parts.first().map(|p| p.quantity), Some(d("2")));
        assert_eq!(formula(&b), "ceil((12 − 2) / 5) = 2 × 10 = 20");
        assert_eq!(formula(&charge(&c, d("1")).unwrap()), "1 ≤ 2 free = 0");
        let no_free = model(json!({"model": "package", "size": "5", "price_per_package": "10"}));
        assert_eq!(
            formula(&charge(&no_free, d("12")).unwrap()),
            "ceil(12 / 5) = 3 × 10 = 30"
        );
        // A fractional size is divided exactly: 0.9 is exactly 3 packages of 0.3, and a hair
        // more starts a fourth.
        let thirds = model(json!({"model": "package", "size": "0.3", "price_per_package": "1"}));
        assert_eq!(amount(&thirds, "0.9"), d("3"));
        assert_eq!(amount(&thirds, "0.9000000001"), d("4"));
        // A size of 0 (rejected by the bundle check) cannot count packages.
        let broken = model(json!({"model": "package", "size": "0", "price_per_package": "1"}));
        assert_eq!(charge(&broken, d("1")), Err(TierError::Overflow));
    }

    #[test]
    fn percentage_with_fixed_fee_and_clamping() {
        let c = model(
            json!({"model": "percentage", "rate": "0.006", "fixed_fee": "0.30",
            "min": "10", "max": "50"}),
        );
        let b = charge(&c, d("1000")).unwrap();
        assert_eq!(b.amount, d("10"));
        assert_eq!(b.clamped, Some("min"));
        assert_eq!(b.parts.first().map(|p| p.amount), Some(d("6.30")));
        assert_eq!(formula(&b), "1000 × 0.006 + 0.30 = 6.300 → min 10");

        let b = charge(&c, d("5000")).unwrap();
        assert_eq!(b.amount, d("30.30"));
        assert_eq!(b.clamped, None);
        assert_eq!(formula(&b), "5000 × 0.006 + 0.30 = 30.300");

        let b = charge(&c, d("10000")).unwrap();
        assert_eq!(b.amount, d("50"));
        assert_eq!(b.clamped, Some("max"));
        assert_eq!(formula(&b), "10000 × 0.006 + 0.30 = 60.300 → max 50");

        // 0 is a transaction of 0: the fixed fee and the minimum still apply.
        let b = charge(&c, d("0")).unwrap();
        assert_eq!(b.amount, d("10"));
        assert_eq!(b.clamped, Some("min"));
        let plain = model(json!({"model": "percentage", "rate": "0.006", "fixed_fee": "0.30"}));
        assert_eq!(amount(&plain, "0"), d("0.30"));
        assert_eq!(amount(&plain, "1000"), d("6.30"));
        assert_eq!(
            serde_json::to_value(charge(&c, d("1000")).unwrap()).unwrap()["clamped"],
            json!("min")
        );
        assert!(
            serde_json::to_value(charge(&plain, d("1000")).unwrap())
                .unwrap()
                .get("clamped")
                .is_none()
        );
    }

    #[test]
    fn overflow_and_negative_quantities_are_errors() {
        let c = model(json!({"model": "volume", "tiers": [
            {"up_to": null, "unit": "79228162514264337593543950335"}]}));
        assert_eq!(charge(&c, d("10")), Err(TierError::Overflow));
        let c = model(json!({"model": "graduated", "tiers": [
            {"up_to": "1", "unit": "79228162514264337593543950335"},
            {"up_to": null, "unit": "79228162514264337593543950335"}]}));
        assert_eq!(charge(&c, d("1")).map(|b| b.amount), Ok(Decimal::MAX));
        assert_eq!(charge(&c, d("2")), Err(TierError::Overflow));
        let c = model(json!({"model": "percentage", "rate": "2",
            "fixed_fee": "1"}));
        assert_eq!(charge(&c, Decimal::MAX), Err(TierError::Overflow));
        for c in [
            stripe("graduated"),
            stripe("volume"),
            model(json!({"model": "package", "size": "5", "price_per_package": "10"})),
            model(json!({"model": "percentage", "rate": "0.006"})),
        ] {
            assert_eq!(charge(&c, d("-1")), Err(TierError::NegativeQuantity));
        }
        // Minus zero is zero, not negative.
        assert_eq!(amount(&stripe("volume"), "-0"), d("0"));
        // 6 × 10^28 up to a multiple of 5 × 10^28 is 10^29, past the largest decimal.
        let step = rule("up", "50000000000000000000000000000");
        assert_eq!(
            round_to_step(
                d("60000000000000000000000000000"),
                &step,
                Rounding::HalfEven
            ),
            Err(TierError::Overflow)
        );
        // A value already on a multiple is returned as it is, however large.
        let step = rule("up", "0.0000000001");
        assert_eq!(
            round_to_step(Decimal::MAX, &step, Rounding::HalfEven),
            Ok(Decimal::MAX)
        );
    }

    #[test]
    fn a_last_tier_with_a_bound_is_read_as_open() {
        // The bundle check rejects this table; the engine still charges every quantity.
        let c = model(json!({"model": "volume", "tiers": [
            {"up_to": "5", "unit": "2"}, {"up_to": "10", "unit": "1"}]}));
        assert_eq!(amount(&c, "20"), d("20"));
        let c = model(json!({"model": "graduated", "tiers": [
            {"up_to": "5", "unit": "2"}, {"up_to": "10", "unit": "1"}]}));
        assert_eq!(amount(&c, "20"), d("25"));
        let empty = model(json!({"model": "graduated", "tiers": []}));
        assert_eq!(amount(&empty, "3"), d("0"));
    }

    /// A step rounding rule.
    fn rule(round: &str, step: &str) -> StepRounding {
        serde_json::from_value(json!({"round": round, "step": step})).unwrap()
    }

    /// `value` rounded by `rule(round, step)` with `rounding`, as text.
    fn stepped(value: &str, round: &str, step: &str, rounding: Rounding) -> String {
        round_to_step(d(value), &rule(round, step), rounding)
            .unwrap()
            .to_string()
    }

    #[test]
    fn rounding_to_a_step() {
        let away = Rounding::HalfAwayFromZero;
        let even = Rounding::HalfEven;
        assert_eq!(stepped("3.2", "up", "1", away), "4");
        assert_eq!(stepped("7", "up", "1", away), "7");
        assert_eq!(stepped("2.25", "nearest", "0.5", away), "2.5");
        assert_eq!(stepped("2.25", "nearest", "0.5", even), "2.0");
        assert_eq!(stepped("2.75", "nearest", "0.5", even), "3.0");
        assert_eq!(stepped("2.3", "nearest", "0.5", even), "2.5");
        assert_eq!(stepped("2.2", "nearest", "0.5", away), "2.0");
        assert_eq!(stepped("2.9", "down", "1", away), "2");
        assert_eq!(stepped("12.87", "down", "1", away), "12");
        assert_eq!(stepped("1.01", "up", "0.5", away), "1.5");
        // Negative values (amounts) round the same way on the number line.
        assert_eq!(stepped("-3.2", "up", "1", away), "-3");
        assert_eq!(stepped("-3.2", "down", "1", away), "-4");
        assert_eq!(stepped("-0.2", "up", "1", away), "0");
        assert_eq!(stepped("-2.25", "nearest", "0.5", away), "-2.5");
        assert_eq!(stepped("-2.25", "nearest", "0.5", even), "-2.0");
        // A hair above a multiple is above it, however far the decimals go.
        assert_eq!(stepped("3.0000000001", "up", "1", away), "4");
        // A step that is not positive leaves the value alone.
        assert_eq!(stepped("3.2", "up", "0", away), "3.2");
        assert_eq!(stepped("3.2", "down", "-1", away), "3.2");
    }

    #[test]
    fn formulas_for_graduated_and_volume() {
        assert_eq!(
            formula(&charge(&call_out(), d("4")).unwrap()),
            "(0, 3] 30 + (3, 4] 1 × 5 = 35"
        );
        assert_eq!(
            formula(&charge(&call_out(), d("2")).unwrap()),
            "(0, 2] 30 = 30"
        );
        let lago = model(json!({"model": "graduated", "tiers": [
            {"up_to": "10", "unit": "0.10", "flat": "0.02"},
            {"up_to": null, "unit": "0.05", "flat": "0.03"}]}));
        assert_eq!(
            formula(&charge(&lago, d("12")).unwrap()),
            "(0, 10] (10 × 0.10 + 0.02) + (10, 12] (2 × 0.05 + 0.03) = 1.15"
        );
        assert_eq!(
            formula(&charge(&stripe("volume"), d("6")).unwrap()),
            "6 × 6.50 = 39.00"
        );
        assert_eq!(
            formula(&charge(&lago_volume(), d("100")).unwrap()),
            "100 × 2 + 10 = 210"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;
        use crate::format::pricing::Tier;
        use crate::format::{Dec, Money};
        use proptest::prelude::*;

        /// A non-negative decimal with 2 places, from 0 to `max_cents` / 100.
        fn cents(max_cents: i64) -> impl Strategy<Value = Decimal> {
            (0..=max_cents).prop_map(|n| Decimal::new(n, 2))
        }

        /// An optional non-negative price up to 100.00 (None reads as 0).
        fn price() -> impl Strategy<Value = Option<Money>> {
            proptest::option::of(cents(10_000).prop_map(Money))
        }

        /// An ascending tier table of 1–5 tiers, bounds from 0.01 up to 500, the last open,
        /// with non-negative prices.
        fn table() -> impl Strategy<Value = Vec<Tier>> {
            proptest::collection::vec((1..=10_000i64, price(), price()), 1..=5).prop_map(|rows| {
                let count = rows.len();
                let mut bound = Decimal::ZERO;
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (step, unit, flat))| {
                        bound += Decimal::new(step, 2);
                        Tier {
                            up_to: (i + 1 < count).then_some(Dec(bound)),
                            rate: None,
                            unit,
                            flat,
                        }
                    })
                    .collect()
            })
        }

        /// Two quantities from 0 to 1000.00 in ascending order.
        fn two_quantities() -> impl Strategy<Value = (Decimal, Decimal)> {
            (cents(100_000), cents(100_000)).prop_map(|(a, b)| (a.min(b), a.max(b)))
        }

        /// The exact amount of `c` at `q`.
        fn at(c: &Charge, q: Decimal) -> Decimal {
            charge(c, q).unwrap().amount
        }

        /// Whether a volume table never charges less for more. With non-negative unit prices
        /// each band's `flat + unit × q` grows inside the band, so only the jumps between bands
        /// matter: at each bound `u`, the charge at `u` itself (the lower band: `flat_i +
        /// unit_i × u`) must not exceed what the next band charges just above `u`, which comes
        /// as close as one likes to `flat_{i+1} + unit_{i+1} × u` on decimals. Chaining these
        /// adjacent comparisons covers any two quantities, and q = 0 costs 0 below everything.
        fn volume_is_monotone(tiers: &[Tier]) -> bool {
            bands(tiers).windows(2).all(|pair| match pair {
                [low, high] => low
                    .up_to
                    .is_none_or(|u| low.flat() + low.unit() * u <= high.flat() + high.unit() * u),
                _ => true,
            })
        }

        proptest! {
            #[test]
            fn graduated_never_decreases(tiers in table(), (q1, q2) in two_quantities()) {
                let c = Charge::Graduated { tiers };
                prop_assert!(at(&c, q1) <= at(&c, q2));
            }

            #[test]
            fn graduated_is_the_sum_of_its_parts(tiers in table(), q in cents(100_000)) {
                let b = charge(&Charge::Graduated { tiers }, q).unwrap();
                let sum: Decimal = b.parts.iter().map(|p| p.amount).sum();
                prop_assert_eq!(sum, b.amount);
                let charged: Decimal = b.parts.iter().map(|p| p.quantity).sum();
                prop_assert_eq!(charged, q);
            }

            // "Volume never decreases" is false in general, even with non-negative prices:
            // in Lago's example 100 costs 2 × 100 + 10 = 210 but 101 costs 1 × 101 = 101,
            // because crossing a bound reprices every unit at the new band's rate (and drops
            // the old flat). It holds exactly when no bound is such a cliff
            // (`volume_is_monotone`); the second property checks the converse, that a cliff
            // always shows just above its bound.
            #[test]
            fn volume_never_decreases_without_a_cliff(
                tiers in table(),
                (q1, q2) in two_quantities(),
            ) {
                prop_assume!(volume_is_monotone(&tiers));
                let bounds: Vec<Decimal> = tiers.iter().filter_map(|t| t.up_to.map(|u| u.0))
                    .collect();
                let c = Charge::Volume { tiers };
                prop_assert!(at(&c, q1) <= at(&c, q2));
                let hair = Decimal::new(1, 7);
                for u in bounds {
                    prop_assert!(at(&c, u) <= at(&c, u + hair));
                }
            }

            #[test]
            fn a_volume_cliff_charges_less_just_above_its_bound(tiers in table()) {
                let bounds: Vec<Decimal> = tiers.iter().filter_map(|t| t.up_to.map(|u| u.0))
                    .collect();
                let monotone = volume_is_monotone(&tiers);
                let c = Charge::Volume { tiers };
                // Every value here has at most 4 decimals, so a cliff is at least 0.0001 high,
                // and a unit price of at most 100 takes back less than that over 10^-7.
                let hair = Decimal::new(1, 7);
                let cliff = bounds.iter().any(|&u| at(&c, u) > at(&c, u + hair));
                prop_assert_eq!(cliff, !monotone);
            }
        }

        #[test]
        fn lago_volume_has_a_cliff() {
            let c = super::lago_volume();
            assert!(!volume_is_monotone(c.tiers()));
            assert!(at(&c, Decimal::from(100)) > at(&c, Decimal::from(101)));
        }
    }
}
