//! The bundle format, schema_version 2: typed, documented, and the source of the JSON Schema.
//!
//! Reading a bundle goes: JSON text → limits → migration from older versions → structural
//! check against the schema generated from these types (every problem, located) → serde into
//! these types → semantic checks per section (ids, references, expressions, graphs, tiers).

mod common;
mod read;

pub mod calendar;
pub mod catalog;
pub mod editor;
pub mod flow;
pub mod form;
pub mod org;
pub mod pricing;
pub mod settlement;
pub mod tiers;

pub use common::*;

use crate::money::Rounding;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole bundle: everything an admin configures, in one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Jimu bundle")]
pub struct BundleDoc {
    /// The format version. This engine reads 1 (migrated on load) and 2.
    pub schema_version: u32,
    /// A short machine name for the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The default currency of prices and settlements.
    pub currency: CurrencyCode,
    /// How amounts are rounded to the currency's precision (default `half_away_from_zero`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<Rounding>,
    /// The default time zone of calendars and validity windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneName>,
    /// The locales labels are written in (zh-CN and en).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locales: Vec<Locale>,
    #[serde(default)]
    pub org: org::Org,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendars: Vec<calendar::Calendar>,
    /// Service items (项目库) and spare parts (备件库).
    #[serde(default)]
    pub catalog: Vec<catalog::Item>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<form::Form>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<flow::Flow>,
    #[serde(default)]
    pub pricing: pricing::Pricing,
    #[serde(default)]
    pub settlement: settlement::Settlement,
    /// What only the configurator needs (node positions, collapsed groups, sample inputs).
    /// Engines ignore it, and validation checks only that it is an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "editor::Editor")]
    pub editor: Option<editor::Editor>,
}

/// Reads a structurally checked bundle (see `read.rs`): what `BundleDoc`'s derived
/// `Deserialize` gives, value or error.
pub(crate) fn read_bundle(value: serde_json::Value) -> read::Res<BundleDoc> {
    use read::{list, option, read_struct};
    let map = read::object(value, "struct BundleDoc")?;
    Ok(read_struct!(map, deny, BundleDoc {
        schema_version: req,
        name: default,
        description: default with |v| option(v, read_text),
        currency: req,
        rounding: default,
        time_zone: default,
        locales: default,
        org: default with org::read_org,
        calendars: default with |v| list(v, calendar::read_calendar),
        catalog: default with |v| list(v, catalog::read_item),
        forms: default with |v| list(v, form::read_form),
        flows: default with |v| list(v, flow::read_flow),
        pricing: default with pricing::read_pricing,
        settlement: default with settlement::read_settlement,
        editor: default with |v| option(v, editor::read_editor),
    }))
}

/// Every semantic check of a bundle, section by section: ids first, then references.
pub(crate) fn check(doc: &BundleDoc, ctx: &mut crate::check::Ctx) {
    org::collect_ids(doc, ctx);
    calendar::collect_ids(doc, ctx);
    catalog::collect_ids(&doc.catalog, ctx);
    form::collect_ids(doc, ctx);
    flow::collect_ids(doc, ctx);
    pricing::collect_ids(doc, ctx);
    settlement::collect_ids(doc, ctx);

    org::check(doc, ctx);
    calendar::check(doc, ctx);
    form::check(doc, ctx);
    flow::check(doc, ctx);
    pricing::check(doc, ctx);
    settlement::check(doc, ctx);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}
