//! Money: currencies with their precision, and rounding with a strategy that is always named.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// A currency the engine knows, with the number of decimal places its amounts carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub precision: u32,
}

/// ISO 4217 currencies Jimu's operators settle in.
const CURRENCIES: &[Currency] = &[
    Currency {
        code: "CNY",
        precision: 2,
    },
    Currency {
        code: "HKD",
        precision: 2,
    },
    Currency {
        code: "MOP",
        precision: 2,
    },
    Currency {
        code: "TWD",
        precision: 2,
    },
    Currency {
        code: "USD",
        precision: 2,
    },
    Currency {
        code: "EUR",
        precision: 2,
    },
    Currency {
        code: "GBP",
        precision: 2,
    },
    Currency {
        code: "SGD",
        precision: 2,
    },
    Currency {
        code: "JPY",
        precision: 0,
    },
    Currency {
        code: "KRW",
        precision: 0,
    },
];

impl Currency {
    pub fn find(code: &str) -> Option<Currency> {
        CURRENCIES.iter().copied().find(|c| c.code == code)
    }

    pub fn codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|c| c.code)
    }
}

/// How an amount is rounded to the currency's precision. There is no implicit default
/// inside the arithmetic: a bundle names its rounding, or takes the documented
/// default of 四舍五入 (half away from zero).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 四舍五入: 0.125 → 0.13, -0.125 → -0.13.
    #[default]
    HalfAwayFromZero,
    /// Banker's rounding: 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
}

impl Rounding {
    pub const NAMES: &'static [&'static str] = &["half_away_from_zero", "half_even"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "half_away_from_zero" => Some(Self::HalfAwayFromZero),
            "half_even" => Some(Self::HalfEven),
            _ => None,
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Self::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }

    /// Rounds to `places` and always writes exactly `places` decimals ("12.5" → "12.50").
    pub fn round(self, amount: Decimal, places: u32) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(places, self.strategy());
        rounded.rescale(places);
        if rounded.is_zero() {
            rounded.set_sign_positive(true);
        }
        rounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn half_away_from_zero_and_half_even_differ_on_midpoints() {
        let away = Rounding::HalfAwayFromZero;
        let even = Rounding::HalfEven;
        assert_eq!(away.round(d("0.125"), 2).to_string(), "0.13");
        assert_eq!(away.round(d("-0.125"), 2).to_string(), "-0.13");
        assert_eq!(even.round(d("0.125"), 2).to_string(), "0.12");
        assert_eq!(even.round(d("0.135"), 2).to_string(), "0.14");
    }

    #[test]
    fn round_pads_to_precision_and_drops_negative_zero() {
        let away = Rounding::HalfAwayFromZero;
        assert_eq!(away.round(d("12.5"), 2).to_string(), "12.50");
        assert_eq!(away.round(d("-0.001"), 2).to_string(), "0.00");
        assert_eq!(away.round(d("7.5"), 0).to_string(), "8");
    }
}
