//! Reading a checked settlement section (see `format/read.rs`): the same as the derived
//! `Deserialize`, without its size.

use crate::format::read::{Res, de, list, no_variant, object, option, read_struct, tagged};
use crate::format::tiers::read_tiers;
use crate::format::{Text, read_text, read_window};
use serde_json::Value;

use super::period_rules::{Draw, Milestone, PeriodRule};
use super::refunds::{Deduction, FixedDeduction, PromotionDeduction, RateDeduction, RefundRule};
use super::types::{
    Bonus, Channel, Component, Fixed, Limit, Party, Percentage, Plan, RegionAmount, RegionRate,
    Remainder, Settlement, Statements, TierSource, TierTable, Tiered,
};

pub(crate) fn read_settlement(value: Value) -> Res<Settlement> {
    let map = object(value, "struct Settlement")?;
    Ok(read_struct!(map, deny, Settlement {
        parties: default with |v| list(v, read_party),
        tier_tables: default with |v| list(v, read_tier_table),
        plans: default with |v| list(v, read_plan),
        period_rules: default with |v| list(v, read_period_rule),
        refunds: default with |v| list(v, read_refund_rule),
        channels: default with |v| list(v, read_channel),
        statements: default with |v| option(v, read_statements),
    }))
}

fn read_name(value: Value) -> Res<Option<Text>> {
    option(value, read_text)
}

fn read_party(value: Value) -> Res<Party> {
    let map = object(value, "struct Party")?;
    Ok(read_struct!(map, deny, Party {
        id: req,
        name: req with read_text,
        kind: req,
        parent: default,
        from_order: default,
    }))
}

fn read_tier_table(value: Value) -> Res<TierTable> {
    let map = object(value, "struct TierTable")?;
    Ok(read_struct!(map, deny, TierTable {
        id: req,
        name: default with read_name,
        tiers: req with read_tiers,
    }))
}

fn read_tier_source(value: Value) -> Res<TierSource> {
    match value {
        Value::String(_) => de(value).map(TierSource::Table),
        Value::Array(_) => read_tiers(value)
            .map(TierSource::Inline)
            .map_err(|_| no_variant("TierSource")),
        _ => Err(no_variant("TierSource")),
    }
}

fn read_plan(value: Value) -> Res<Plan> {
    let map = object(value, "struct Plan")?;
    Ok(read_struct!(map, deny, Plan {
        id: req,
        name: req with read_text,
        description: default with read_name,
        when: default,
        priority: default,
        window: default with |v| option(v, read_window),
        base: default,
        rounding: default,
        allocation: default,
        require_full_allocation: default,
        components: req with |v| list(v, read_component),
    }))
}

fn read_component(value: Value) -> Res<Component> {
    const KINDS: &[&str] = &[
        "percentage",
        "fixed",
        "tiered",
        "bonus",
        "region_rate",
        "cap",
        "floor",
        "remainder",
    ];
    let (kind, map) = tagged(value, "kind", KINDS, "internally tagged enum Component")?;
    let limit = |map| {
        Ok::<_, serde_json::Error>(read_struct!(
            map,
            deny,
            Limit {
                id: default,
                party: req,
                amount: req,
            }
        ))
    };
    Ok(match kind {
        0 => Component::Percentage(read_struct!(map, deny, Percentage {
            id: default,
            name: default with read_name,
            party: req,
            rate: req,
            of: default,
            when: default,
        })),
        1 => Component::Fixed(read_struct!(map, deny, Fixed {
            id: default,
            name: default with read_name,
            party: req,
            amount: req,
            per: default,
            when: default,
        })),
        2 => Component::Tiered(read_struct!(map, deny, Tiered {
            id: default,
            name: default with read_name,
            party: req,
            tiers: req with read_tier_source,
            mode: default,
            measure: default,
            period: default,
            of: default,
            when: default,
        })),
        3 => Component::Bonus(read_struct!(map, deny, Bonus {
            id: default,
            name: default with read_name,
            party: req,
            when: req,
            amount: default,
            rate: default,
            of: default,
        })),
        4 => Component::RegionRate(read_struct!(map, deny, RegionRate {
            id: default,
            name: default with read_name,
            party: req,
            rates: req with |v| list(v, read_region_amount),
            default: default,
            per: default,
            when: default,
        })),
        5 => Component::Cap(limit(map)?),
        6 => Component::Floor(limit(map)?),
        _ => Component::Remainder(read_struct!(map, deny, Remainder {
            id: default,
            name: default with read_name,
            party: req,
            weight: default,
        })),
    })
}

fn read_region_amount(value: Value) -> Res<RegionAmount> {
    let map = object(value, "struct RegionAmount")?;
    Ok(read_struct!(
        map,
        deny,
        RegionAmount {
            region: req,
            amount: req,
        }
    ))
}

fn read_period_rule(value: Value) -> Res<PeriodRule> {
    let map = object(value, "struct PeriodRule")?;
    Ok(read_struct!(map, deny, PeriodRule {
        id: req,
        name: req with read_text,
        party: req,
        funded_by: default,
        period: req,
        when: default,
        window: default with |v| option(v, read_window),
        measure: default,
        of: default,
        tiers: default with |v| option(v, read_tier_source),
        mode: default,
        milestones: default with |v| list(v, read_milestone),
        minimum: default,
        maximum: default,
        draw: default with |v| option(v, read_draw),
    }))
}

fn read_milestone(value: Value) -> Res<Milestone> {
    let map = object(value, "struct Milestone")?;
    Ok(read_struct!(map, deny, Milestone {
        at: req,
        amount: default,
        unlocks: default,
        name: default with read_name,
    }))
}

fn read_draw(value: Value) -> Res<Draw> {
    let map = object(value, "struct Draw")?;
    Ok(read_struct!(
        map,
        deny,
        Draw {
            amount: req,
            recovery: req,
            recover_over_periods: default,
        }
    ))
}

fn read_refund_rule(value: Value) -> Res<RefundRule> {
    let map = object(value, "struct RefundRule")?;
    Ok(read_struct!(map, deny, RefundRule {
        id: req,
        name: req with read_text,
        when: default,
        prorate: default,
        deductions: default with |v| list(v, read_deduction),
        commissions: default,
    }))
}

fn read_deduction(value: Value) -> Res<Deduction> {
    const KINDS: &[&str] = &["promotion", "fixed", "rate"];
    let (kind, map) = tagged(value, "kind", KINDS, "internally tagged enum Deduction")?;
    Ok(match kind {
        0 => Deduction::Promotion(read_struct!(
            map,
            deny,
            PromotionDeduction { prorate: default }
        )),
        1 => Deduction::Fixed(read_struct!(map, deny, FixedDeduction { amount: req })),
        _ => Deduction::Rate(read_struct!(map, deny, RateDeduction { rate: req })),
    })
}

fn read_channel(value: Value) -> Res<Channel> {
    let map = object(value, "struct Channel")?;
    Ok(read_struct!(map, deny, Channel {
        id: req,
        name: req with read_text,
        promotion: default,
        settle_on: default,
        funded_by: default,
        plan: default,
    }))
}

fn read_statements(value: Value) -> Res<Statements> {
    let map = object(value, "struct Statements")?;
    Ok(read_struct!(
        map,
        deny,
        Statements {
            cycle: req,
            settle_after_days: default,
            calendar: default,
            time_zone: default,
            start: default,
        }
    ))
}
