//! The one tier engine: how a measure reads through a tier table, for pricing's tiered
//! charges (`price::tiers`) and settlement's tiered commissions (`settle`) alike.
//!
//! A band covers (lower, `up_to`], the first starting above 0; the last is read as open
//! whatever its `up_to` says (the bundle check refuses one that is not), and nothing after an
//! open band is reachable, so every measure lands in some band.
//!
//! - **graduated** (= **marginal**): each band holding some of the measure takes the part
//!   inside it: `flat` + `unit` × part + `rate` × the base's share of it (base × part /
//!   measure).
//! - **volume** (= **retroactive**): the band holding the measure takes all of it:
//!   `flat` + `unit` × measure + `rate` × base.
//!
//! The measure is what the bands are read on (a quantity, an attainment); the base is what a
//! `rate` applies to (the amount commissions are paid on). A pricing table has no rates, so
//! its base does not matter. A measure of 0 (or below) takes nothing. Every operation is
//! checked: an overflow is `None`, never a panic.

use crate::format::tiers::{Reading, Tier};
use rust_decimal::Decimal;

/// One band of a tier table, with its bounds as the engine reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Band<'a> {
    /// The exclusive lower bound: 0 for the first band, else the highest bound before it.
    pub lower: Decimal,
    /// Whether this is the first band (its lower bound is 0).
    pub first: bool,
    /// The inclusive upper bound; `None` when open (always for the last tier).
    pub up_to: Option<Decimal>,
    /// The tier's amounts.
    pub tier: &'a Tier,
}

impl Band<'_> {
    /// Whether the band's upper bound admits `q` (ignoring the lower bound).
    pub fn reaches(&self, q: Decimal) -> bool {
        self.up_to.is_none_or(|up| q <= up)
    }

    /// The tier's amount per unit of the measure (0 when absent).
    pub fn unit(&self) -> Decimal {
        self.tier.unit.map_or(Decimal::ZERO, |m| m.0)
    }

    /// The tier's flat amount (0 when absent).
    pub fn flat(&self) -> Decimal {
        self.tier.flat.map_or(Decimal::ZERO, |m| m.0)
    }

    /// The tier's rate on the base (0 when absent).
    pub fn rate(&self) -> Decimal {
        self.tier.rate.map_or(Decimal::ZERO, |d| d.0)
    }
}

/// The bands of a tier table in order (see the module's notes on the last band). Lower bounds
/// never go down, so bounds that do not ascend (which the check refuses) make empty bands
/// rather than negative parts.
pub(crate) fn bands(tiers: &[Tier]) -> Vec<Band<'_>> {
    let mut out = Vec::with_capacity(tiers.len());
    let mut lower = Decimal::ZERO;
    let last = tiers.len().saturating_sub(1);
    for (i, tier) in tiers.iter().enumerate() {
        let up_to = if i == last {
            None
        } else {
            tier.up_to.map(|d| d.0)
        };
        out.push(Band {
            lower,
            first: i == 0,
            up_to,
            tier,
        });
        match up_to {
            Some(up) => lower = lower.max(up),
            None => break,
        }
    }
    out
}

/// The band holding `q` (q > 0): the first whose upper bound is at least `q`.
pub(crate) fn band_holding(tiers: &[Tier], q: Decimal) -> Option<Band<'_>> {
    bands(tiers).into_iter().find(|b| b.reaches(q))
}

/// What one band takes of a measure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Share<'a> {
    pub band: Band<'a>,
    /// The part of the measure inside the band (graduated), or all of it (volume).
    pub quantity: Decimal,
    /// `flat` + `unit` × quantity + `rate` × the base it covers, exact.
    pub amount: Decimal,
}

/// The shares of each band `measure` reads through, in band order: one per band holding some
/// of it (graduated), or the one band holding it (volume); none for a measure of 0 or below.
pub(crate) fn shares(
    tiers: &[Tier],
    reading: Reading,
    measure: Decimal,
    base: Decimal,
) -> Option<Vec<Share<'_>>> {
    let mut out = Vec::new();
    if measure <= Decimal::ZERO {
        return Some(out);
    }
    match reading {
        Reading::Graduated => {
            for band in bands(tiers) {
                if measure <= band.lower {
                    break;
                }
                let top = band.up_to.map_or(measure, |up| up.min(measure));
                let part = top.checked_sub(band.lower)?;
                if part <= Decimal::ZERO {
                    // An empty band of a table whose bounds do not ascend.
                    continue;
                }
                let rated = if part == measure {
                    base
                } else {
                    base.checked_mul(part)?.checked_div(measure)?
                };
                let amount = band
                    .rate()
                    .checked_mul(rated)?
                    .checked_add(band.unit().checked_mul(part)?)?
                    .checked_add(band.flat())?;
                out.push(Share {
                    band,
                    quantity: part,
                    amount,
                });
            }
        }
        Reading::Volume => {
            if let Some(band) = band_holding(tiers, measure) {
                let amount = band
                    .rate()
                    .checked_mul(base)?
                    .checked_add(band.unit().checked_mul(measure)?)?
                    .checked_add(band.flat())?;
                out.push(Share {
                    band,
                    quantity: measure,
                    amount,
                });
            }
        }
    }
    Some(out)
}

/// What the tiers take of `measure` in all: the sum of its [`shares`].
pub(crate) fn pay(
    tiers: &[Tier],
    reading: Reading,
    measure: Decimal,
    base: Decimal,
) -> Option<Decimal> {
    shares(tiers, reading, measure, base)?
        .iter()
        .try_fold(Decimal::ZERO, |sum, share| sum.checked_add(share.amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Dec, Money};

    fn tier(
        up_to: Option<&str>,
        rate: Option<&str>,
        unit: Option<&str>,
        flat: Option<&str>,
    ) -> Tier {
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        Tier {
            up_to: up_to.map(|s| Dec(dec(s))),
            rate: rate.map(|s| Dec(dec(s))),
            unit: unit.map(|s| Money(dec(s))),
            flat: flat.map(|s| Money(dec(s))),
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The shared semantics' examples through the one engine, by both names of each reading:
    /// Stripe 1–5 @ 7.00, 6–10 @ 6.50, 11+ @ 6.00 — volume 6 → 39.00, 20 → 120.00;
    /// graduated 5 → 35.00, 6 → 41.50 (35.00 + 6.50). Lago graduated [0–10: 0.10 + 0.02],
    /// [11+: 0.05 + 0.03]: 12 → 1.15.
    #[test]
    fn the_published_examples_read_the_same_under_both_names() {
        let stripe = [
            tier(Some("5"), None, Some("7.00"), None),
            tier(Some("10"), None, Some("6.50"), None),
            tier(None, None, Some("6.00"), None),
        ];
        let volume = |q: &str| pay(&stripe, Reading::Volume, d(q), d(q)).unwrap();
        let graduated = |q: &str| pay(&stripe, Reading::Graduated, d(q), d(q)).unwrap();
        assert_eq!(volume("6"), d("39.00"));
        assert_eq!(volume("20"), d("120.00"));
        assert_eq!(graduated("5"), d("35.00"));
        assert_eq!(graduated("6"), d("41.50"));
        assert_eq!(graduated("0"), Decimal::ZERO);
        let lago = [
            tier(Some("10"), None, Some("0.10"), Some("0.02")),
            tier(None, None, Some("0.05"), Some("0.03")),
        ];
        assert_eq!(
            pay(&lago, Reading::Graduated, d("12"), d("12")).unwrap(),
            d("1.15")
        );
        // Settlement's names are the same readings.
        use crate::format::settlement::TierMode;
        assert_eq!(TierMode::Marginal.reading(), Reading::Graduated);
        assert_eq!(TierMode::Graduated.reading(), Reading::Graduated);
        assert_eq!(TierMode::Retroactive.reading(), Reading::Volume);
        assert_eq!(TierMode::Volume.reading(), Reading::Volume);
    }

    /// Commission rates on a base: 5% up to 100,000 of attainment, 8% above. Attainment
    /// 150,000 on a base of 150,000: marginal 5,000 + 4,000 = 9,000; retroactive 12,000.
    #[test]
    fn rates_apply_to_the_base_by_the_part_in_each_band() {
        let chain = [
            tier(Some("100000"), Some("0.05"), None, None),
            tier(None, Some("0.08"), None, None),
        ];
        let m = d("150000");
        assert_eq!(pay(&chain, Reading::Graduated, m, m).unwrap(), d("9000"));
        assert_eq!(pay(&chain, Reading::Volume, m, m).unwrap(), d("12000"));
        // Measured in orders (3 of them) while the rate applies to the amount (900.00):
        // 2 orders in the first band take 2/3 of the base at 5%, 1 order 1/3 at 8%.
        let by_orders = [
            tier(Some("2"), Some("0.05"), None, None),
            tier(None, Some("0.08"), None, None),
        ];
        assert_eq!(
            pay(&by_orders, Reading::Graduated, d("3"), d("900.00")).unwrap(),
            d("54.00")
        );
    }
}
