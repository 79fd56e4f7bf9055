//! What pricing rules read: the request's context and, on a line, its item — as native values
//! for native predicates and as a zen object for everything else.

use crate::format::catalog::ItemKind;
use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde_json::Value;
use zen_expression::Variable;
use zen_expression::variable::VariableMap;

/// The context of a quote request (`"context": {...}`); every value is optional, and a rule
/// that reads one the request does not give is a `missing-context` problem.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteContext {
    /// The region id of the job (the most specific one: a district).
    pub region: Option<String>,
    /// The region and every region containing it, from the bundle's region tree (or as given).
    pub region_path: Option<Vec<String>>,
    pub tier: Option<String>,
    pub channel: Option<String>,
    pub ticket_type: Option<String>,
    /// The quote's instant, as written (RFC 3339), and parsed.
    pub now: Option<(String, DateTime<FixedOffset>)>,
    pub distance_km: Option<Decimal>,
    pub duration_h: Option<Decimal>,
    pub weight_kg: Option<Decimal>,
    pub count: Option<Decimal>,
    /// The ticket's form values by field id.
    pub form: Option<Value>,
}

impl QuoteContext {
    /// Whether the request gives the top-level variable `name` (`subtotal` and `item` come
    /// from the engine and always are).
    pub fn gives(&self, name: &str) -> bool {
        match name {
            "region" => self.region.is_some(),
            "region_path" => self.region_path.is_some(),
            "tier" => self.tier.is_some(),
            "channel" => self.channel.is_some(),
            "ticket_type" => self.ticket_type.is_some(),
            "now" => self.now.is_some(),
            "distance_km" => self.distance_km.is_some(),
            "duration_h" => self.duration_h.is_some(),
            "weight_kg" => self.weight_kg.is_some(),
            "count" => self.count.is_some(),
            "form" => self.form.is_some(),
            _ => true,
        }
    }
}

/// The item of the line a rule is looking at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemFacts<'a> {
    pub id: &'a str,
    pub category: Option<&'a str>,
    pub kind: ItemKind,
    pub price: Decimal,
    pub cost: Option<Decimal>,
    pub quantity: Decimal,
}

/// Everything one evaluation of a rule reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub context: &'a QuoteContext,
    /// The amount before this rule's group: the line's, or the ticket total.
    pub subtotal: Decimal,
    pub item: Option<ItemFacts<'a>>,
}

/// A value a native predicate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Region,
    Tier,
    Channel,
    TicketType,
    DistanceKm,
    DurationH,
    WeightKg,
    Count,
    Subtotal,
    ItemId,
    ItemCategory,
    ItemKind,
    ItemPrice,
    ItemQuantity,
}

fn kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Service => "service",
        ItemKind::Part => "part",
    }
}

impl crate::predicate::Slots for Slot {
    /// The slot a variable path names; `item.*` only on lines.
    fn from_path(path: &str, line: bool) -> Option<Self> {
        Some(match path {
            "region" => Self::Region,
            "tier" => Self::Tier,
            "channel" => Self::Channel,
            "ticket_type" => Self::TicketType,
            "distance_km" => Self::DistanceKm,
            "duration_h" => Self::DurationH,
            "weight_kg" => Self::WeightKg,
            "count" => Self::Count,
            "subtotal" => Self::Subtotal,
            "item.id" if line => Self::ItemId,
            "item.category" if line => Self::ItemCategory,
            "item.kind" if line => Self::ItemKind,
            "item.price" if line => Self::ItemPrice,
            "item.quantity" if line => Self::ItemQuantity,
            _ => return None,
        })
    }

    fn is_number(self) -> bool {
        matches!(
            self,
            Self::DistanceKm
                | Self::DurationH
                | Self::WeightKg
                | Self::Count
                | Self::Subtotal
                | Self::ItemPrice
                | Self::ItemQuantity
        )
    }
}

impl crate::predicate::Lookup for Facts<'_> {
    type Slot = Slot;

    fn text(&self, slot: Slot) -> Option<&str> {
        let c = self.context;
        match slot {
            Slot::Region => c.region.as_deref(),
            Slot::Tier => c.tier.as_deref(),
            Slot::Channel => c.channel.as_deref(),
            Slot::TicketType => c.ticket_type.as_deref(),
            Slot::ItemId => self.item.map(|i| i.id),
            Slot::ItemCategory => self.item.and_then(|i| i.category),
            Slot::ItemKind => self.item.map(|i| kind_name(i.kind)),
            _ => None,
        }
    }

    fn number(&self, slot: Slot) -> Option<Decimal> {
        let c = self.context;
        match slot {
            Slot::DistanceKm => c.distance_km,
            Slot::DurationH => c.duration_h,
            Slot::WeightKg => c.weight_kg,
            Slot::Count => c.count,
            Slot::Subtotal => Some(self.subtotal),
            Slot::ItemPrice => self.item.map(|i| i.price),
            Slot::ItemQuantity => self.item.map(|i| i.quantity),
            _ => None,
        }
    }

    fn region_path(&self) -> &[String] {
        self.context.region_path.as_deref().unwrap_or(&[])
    }
}

impl Facts<'_> {
    /// The zen object an expression evaluates against: the values the request gives, plus
    /// `subtotal`, plus `item` on a line.
    pub(crate) fn to_variable(self) -> Variable {
        let c = self.context;
        let mut map = VariableMap::with_capacity(14);
        let mut text = |name: &str, value: &Option<String>| {
            if let Some(value) = value {
                map.insert(name.into(), Variable::String(value.as_str().into()));
            }
        };
        text("region", &c.region);
        text("tier", &c.tier);
        text("channel", &c.channel);
        text("ticket_type", &c.ticket_type);
        if let Some((now, _)) = &c.now {
            map.insert("now".into(), Variable::String(now.as_str().into()));
        }
        if let Some(path) = &c.region_path {
            let list = path
                .iter()
                .map(|r| Variable::String(r.as_str().into()))
                .collect();
            map.insert("region_path".into(), Variable::from_array(list));
        }
        let mut number = |name: &str, value: Option<Decimal>| {
            if let Some(value) = value {
                map.insert(name.into(), Variable::Number(value));
            }
        };
        number("distance_km", c.distance_km);
        number("duration_h", c.duration_h);
        number("weight_kg", c.weight_kg);
        number("count", c.count);
        number("subtotal", Some(self.subtotal));
        if let Some(form) = &c.form {
            map.insert("form".into(), Variable::from(form.clone()));
        }
        if let Some(item) = self.item {
            let mut fields = VariableMap::with_capacity(6);
            fields.insert("id".into(), Variable::String(item.id.into()));
            fields.insert(
                "category".into(),
                item.category
                    .map_or(Variable::Null, |c| Variable::String(c.into())),
            );
            fields.insert("kind".into(), Variable::String(kind_name(item.kind).into()));
            fields.insert("price".into(), Variable::Number(item.price));
            fields.insert(
                "cost".into(),
                item.cost.map_or(Variable::Null, Variable::Number),
            );
            fields.insert("quantity".into(), Variable::Number(item.quantity));
            map.insert("item".into(), Variable::from_object(fields));
        }
        Variable::from_object(map)
    }
}
