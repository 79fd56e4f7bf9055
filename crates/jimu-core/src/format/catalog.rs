//! Catalogs: service items (项目库) and spare parts (备件库) with price, cost and unit.

use super::{Id, Money, Text};
use crate::check::{Ctx, IdKind};
use crate::reader::Pointer;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: Id,
    pub name: Text,
    pub kind: ItemKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// The list price per unit.
    pub price: Money,
    /// What one unit costs the operator (parts × coefficient pricing, margins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Money>,
    /// A free grouping such as `air-conditioning` that pricing rules can match on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 项目库: a service item (labour, a call-out, a cleaning).
    Service,
    /// 备件库: a spare part.
    Part,
}

pub(crate) fn collect_ids(items: &[Item], ctx: &mut Ctx) {
    let at = Pointer::root().key("catalog");
    for (i, item) in items.iter().enumerate() {
        ctx.define(IdKind::Item, &item.id, &at.index(i).key("id"));
    }
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

pub(crate) fn read_item(value: serde_json::Value) -> super::read::Res<Item> {
    use super::read::{object, option, read_struct};
    use super::read_text;
    let map = object(value, "struct Item")?;
    Ok(read_struct!(map, deny, Item {
        id: req,
        name: req with read_text,
        kind: req,
        unit: default with |v| option(v, read_text),
        price: req,
        cost: default,
        category: default,
    }))
}
