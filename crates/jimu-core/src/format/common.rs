//! Building blocks shared by every section of the format: ids, texts, amounts, times.
//!
//! Each is a newtype whose JSON Schema names a `format` that the structural check
//! (`schema_check.rs`) enforces with a located, bilingual problem.

use crate::problem::Localized;
use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

macro_rules! string_format {
    ($(#[$doc:meta])* $name:ident, $format:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "format": $format })
            }
        }
    };
}

macro_rules! decimal_format {
    ($(#[$doc:meta])* $name:ident, $format:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(#[serde(with = "rust_decimal::serde::str")] pub Decimal);

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "format": $format })
            }
        }
    };
}

string_format!(
    /// An id chosen by the author: 1–64 ASCII letters, digits, `_`, `-` or `.`, starting with a
    /// letter or digit. Every reference between parts of a bundle goes through ids.
    Id,
    "jimu-id"
);
string_format!(
    /// A zen-expression, compiled once when the bundle loads.
    ExprSource,
    "expression"
);
string_format!(
    /// An IANA time-zone name, such as `Asia/Shanghai`.
    TimeZoneName,
    "time-zone"
);
string_format!(
    /// A time of day, `HH:MM`, from `00:00` to `24:00`.
    TimeOfDay,
    "time"
);
string_format!(
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    "date"
);
string_format!(
    /// An instant in RFC 3339 with its offset, e.g. `2026-11-11T00:00:00+08:00`.
    Instant,
    "date-time"
);
string_format!(
    /// A length of time such as `15m`, `2h`, `1h30m` or `3d` (days of 24 hours).
    DurationSpec,
    "duration"
);
string_format!(
    /// An ISO 4217 currency code the engine knows, e.g. `CNY`.
    CurrencyCode,
    "currency"
);

decimal_format!(
    /// A non-negative amount of money as a decimal string: below 10^12, at most 6 decimals.
    Money,
    "money"
);
decimal_format!(
    /// An amount of money that may be negative (refunds, deductions).
    SignedMoney,
    "signed-money"
);
decimal_format!(
    /// A plain decimal as a string (rates, coefficients, quantities, tier bounds):
    /// below 10^12 in size, at most 10 decimals.
    Dec,
    "decimal"
);

/// A validity window: in force from `from` (inclusive) until `until` (exclusive), as instants
/// with their offset. Used by price rules, settlement plans and period rules.
///
/// Double-11: `{"from": "2026-11-11T00:00:00+08:00", "until": "2026-11-12T00:00:00+08:00",
/// "time_zone": "Asia/Shanghai"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// The first instant in force (inclusive); absent: since always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Instant>,
    /// The first instant no longer in force (exclusive); absent: for ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Instant>,
    /// The zone the window is shown in and `now` is read in; defaults to the bundle's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneName>,
}

/// Text shown to people: one string for both languages, or each language on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Text {
    Plain(#[schemars(length(min = 1))] String),
    Localized(LocalizedText),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    #[serde(rename = "zh-CN")]
    #[schemars(length(min = 1))]
    pub zh_cn: String,
    #[schemars(length(min = 1))]
    pub en: String,
}

impl Text {
    pub fn localized(&self) -> Localized {
        match self {
            Self::Plain(text) => Localized::new(text.clone(), text.clone()),
            Self::Localized(l) => Localized::new(l.zh_cn.clone(), l.en.clone()),
        }
    }
}

/// Reads a [`Text`] as its derived (untagged) `Deserialize` does: a string, or the two
/// languages.
pub(crate) fn read_text(value: serde_json::Value) -> super::read::Res<Text> {
    use super::read::{no_variant, read_struct};
    match value {
        serde_json::Value::String(text) => Ok(Text::Plain(text)),
        serde_json::Value::Object(map) => {
            let localized = (|| {
                Ok(read_struct!(map, deny, LocalizedText {
                    zh_cn = "zh-CN": req,
                    en: req,
                }))
            })();
            localized
                .map(Text::Localized)
                .map_err(|_: serde_json::Error| no_variant("Text"))
        }
        _ => Err(no_variant("Text")),
    }
}

/// Reads a [`Window`] as its derived `Deserialize` does.
pub(crate) fn read_window(value: serde_json::Value) -> super::read::Res<Window> {
    use super::read::{object, read_struct};
    let map = object(value, "struct Window")?;
    Ok(read_struct!(
        map,
        deny,
        Window {
            from: default,
            until: default,
            time_zone: default,
        }
    ))
}

/// Minutes in a `DurationSpec` (`15m`, `2h`, `1h30m`, `3d`), or `None` when malformed or zero.
pub fn duration_minutes(spec: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    let mut last_unit = u8::MAX;
    for c in spec.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let (rank, minutes) = match c {
            'd' => (0, 24 * 60),
            'h' => (1, 60),
            'm' => (2, 1),
            _ => return None,
        };
        // Units appear once each, largest first: `1h30m`, never `30m1h` or `1h1h`.
        if last_unit != u8::MAX && rank <= last_unit {
            return None;
        }
        last_unit = rank;
        total = total.checked_add(number.take()?.checked_mul(minutes)?)?;
    }
    (number.is_none() && total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_largest_unit_first() {
        assert_eq!(duration_minutes("15m"), Some(15));
        assert_eq!(duration_minutes("1h30m"), Some(90));
        assert_eq!(duration_minutes("2d"), Some(2880));
        for bad in [
            "",
            "0m",
            "30m1h",
            "1h1h",
            "5",
            "h",
            "1.5h",
            "1 h",
            "99999999999999999999d",
        ] {
            assert_eq!(duration_minutes(bad), None, "{bad}");
        }
    }
}
