//! Reading a checked pricing section (see `format/read.rs`): the same as the derived
//! `Deserialize`, without its size.

use crate::format::read::{Res, de, list, no_variant, object, option, read_struct, tagged};
use crate::format::tiers::read_tiers;
use crate::format::{read_text, read_window};
use serde_json::Value;

use super::types::{
    AppliesTo, Charge, Effect, LineFilter, Pricing, Rule, RuleGroup, StepRounding, TableRef,
    TierTable, yes,
};

pub(crate) fn read_pricing(value: Value) -> Res<Pricing> {
    let map = object(value, "struct Pricing")?;
    Ok(read_struct!(map, deny, Pricing {
        tier_tables: default with |v| list(v, read_tier_table),
        groups: default with |v| list(v, read_rule_group),
    }))
}

fn read_tier_table(value: Value) -> Res<TierTable> {
    let map = object(value, "struct TierTable")?;
    Ok(read_struct!(map, deny, TierTable {
        id: req,
        name: default with |v| option(v, read_text),
        description: default with |v| option(v, read_text),
        unit: default with |v| option(v, read_text),
        charge: req with read_charge,
    }))
}

fn read_charge(value: Value) -> Res<Charge> {
    const MODELS: &[&str] = &[
        "graduated",
        "volume",
        "stairstep",
        "package",
        "percentage",
        "marginal",
        "retroactive",
    ];
    let (model, map) = tagged(value, "model", MODELS, "internally tagged enum Charge")?;
    Ok(match model {
        0 => read_struct!(map, deny, Charge::Graduated {
            tiers: req with read_tiers,
        }),
        1 => read_struct!(map, deny, Charge::Volume {
            tiers: req with read_tiers,
        }),
        2 => read_struct!(map, deny, Charge::Stairstep {
            tiers: req with read_tiers,
        }),
        5 => read_struct!(map, deny, Charge::Marginal {
            tiers: req with read_tiers,
        }),
        6 => read_struct!(map, deny, Charge::Retroactive {
            tiers: req with read_tiers,
        }),
        3 => read_struct!(
            map,
            deny,
            Charge::Package {
                size: req,
                free: default,
                price_per_package: req,
            }
        ),
        _ => read_struct!(
            map,
            deny,
            Charge::Percentage {
                rate: req,
                fixed_fee: default,
                min: default,
                max: default,
            }
        ),
    })
}

fn read_step_rounding(value: Value) -> Res<Option<StepRounding>> {
    option(value, |value| {
        let map = object(value, "struct StepRounding")?;
        Ok(read_struct!(
            map,
            deny,
            StepRounding {
                round: req,
                step: req,
            }
        ))
    })
}

fn read_rule_group(value: Value) -> Res<RuleGroup> {
    let map = object(value, "struct RuleGroup")?;
    Ok(read_struct!(map, deny, RuleGroup {
        id: req,
        name: req with read_text,
        description: default with |v| option(v, read_text),
        enabled: default(yes),
        priority: default,
        stacking: req,
        applies_to: req with read_applies_to,
        round_each_step: default(yes),
        rules: default with |v| list(v, read_rule),
    }))
}

fn read_applies_to(value: Value) -> Res<AppliesTo> {
    const SCOPES: &[&str] = &["ticket", "lines"];
    let (scope, map) = tagged(value, "scope", SCOPES, "internally tagged enum AppliesTo")?;
    Ok(match scope {
        // A unit variant ignores the other entries, as serde's does.
        0 => AppliesTo::Ticket,
        _ => read_struct!(
            map,
            deny,
            AppliesTo::Lines {
                items: default,
                categories: default,
                item_kinds: default,
            }
        ),
    })
}

fn read_rule(value: Value) -> Res<Rule> {
    let map = object(value, "struct Rule")?;
    Ok(read_struct!(map, deny, Rule {
        id: req,
        name: req with read_text,
        description: default with |v| option(v, read_text),
        enabled: default(yes),
        priority: default,
        when: default,
        valid: default with |v| option(v, read_window),
        target: default with |v| option(v, read_line_filter),
        effect: req with read_effect,
        round_to: default with read_step_rounding,
    }))
}

fn read_line_filter(value: Value) -> Res<LineFilter> {
    let map = object(value, "struct LineFilter")?;
    Ok(read_struct!(
        map,
        deny,
        LineFilter {
            items: default,
            categories: default,
            item_kinds: default,
        }
    ))
}

fn read_effect(value: Value) -> Res<Effect> {
    const KINDS: &[&str] = &[
        "percent_off",
        "amount_off",
        "markup",
        "set_price",
        "tiered_fee",
        "floor",
        "cap",
        "cost_times",
        "add_line",
    ];
    let (kind, map) = tagged(value, "kind", KINDS, "internally tagged enum Effect")?;
    Ok(match kind {
        0 => read_struct!(map, deny, Effect::PercentOff { percent: req }),
        1 => read_struct!(map, deny, Effect::AmountOff { amount: req }),
        2 => read_struct!(map, deny, Effect::Markup { percent: req }),
        3 => read_struct!(map, deny, Effect::SetPrice { price: req }),
        4 => read_struct!(map, deny, Effect::TieredFee {
            table: req with read_table_ref,
            quantity: req,
            transform: default with read_step_rounding,
            item: default,
        }),
        5 => read_struct!(map, deny, Effect::Floor { amount: req }),
        6 => read_struct!(map, deny, Effect::Cap { amount: req }),
        7 => read_struct!(map, deny, Effect::CostTimes { coefficient: req }),
        _ => read_struct!(
            map,
            deny,
            Effect::AddLine {
                item: req,
                quantity: default,
                price: default,
            }
        ),
    })
}

fn read_table_ref(value: Value) -> Res<TableRef> {
    match value {
        Value::String(_) => de(value).map(TableRef::Named),
        Value::Object(_) => read_charge(value)
            .map(TableRef::Inline)
            .map_err(|_| no_variant("TableRef")),
        _ => Err(no_variant("TableRef")),
    }
}
