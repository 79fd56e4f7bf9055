//! The pricing section prepared for quoting: groups and rules in the order they run, windows
//! parsed, tables resolved, and simple conditions turned into native predicates.
//!
//! Built once per bundle, on its first quote, so loading a bundle that is never quoted (the
//! configurator validating as a person types) does not pay for it.

use super::facts::{ItemFacts, Slot};
use crate::expr::Expr;
use crate::format::catalog::ItemKind;
use crate::format::pricing::{
    AppliesTo, Charge, Effect, LineFilter, Stacking, StepRounding, TableRef,
};
use crate::format::{BundleDoc, Instant, Window};
use crate::predicate::Pred;
use crate::predicate::Slots as _;
use crate::problem::Localized;
use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every enabled rule group, in the order groups run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub groups: Vec<GroupPlan>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupPlan {
    pub id: Arc<str>,
    pub stacking: Stacking,
    /// `None`: the group prices the ticket total.
    pub lines: Option<Filter>,
    pub round_each_step: bool,
    /// In the order they are considered: priority, then position.
    pub rules: Vec<RulePlan>,
}

/// Which lines a group or rule looks at: each list given must hold the line's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Filter {
    items: Vec<String>,
    categories: Vec<String>,
    kinds: Vec<ItemKind>,
}

impl Filter {
    fn new(
        items: &[crate::format::Id],
        categories: &[crate::format::Id],
        kinds: &[ItemKind],
    ) -> Self {
        Self {
            items: items.iter().map(|i| i.0.clone()).collect(),
            categories: categories.iter().map(|c| c.0.clone()).collect(),
            kinds: kinds.to_vec(),
        }
    }

    pub(crate) fn passes(&self, item: &ItemFacts<'_>) -> bool {
        (self.items.is_empty() || self.items.iter().any(|i| i == item.id))
            && (self.categories.is_empty()
                || item
                    .category
                    .is_some_and(|c| self.categories.iter().any(|x| x == c)))
            && (self.kinds.is_empty() || self.kinds.contains(&item.kind))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RulePlan {
    pub id: Arc<str>,
    pub name: Localized,
    /// The JSON pointer of the rule, for problems.
    pub at: String,
    pub enabled: bool,
    pub window: Option<WindowPlan>,
    pub target: Option<Filter>,
    pub when: Cond,
    pub effect: EffectPlan,
    pub round_to: Option<StepRounding>,
}

/// A validity window: `from` inclusive, `until` exclusive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WindowPlan {
    pub from: Option<(Arc<str>, DateTime<FixedOffset>)>,
    pub until: Option<(Arc<str>, DateTime<FixedOffset>)>,
}

impl WindowPlan {
    fn new(window: &Window) -> Self {
        let parse = |instant: &Option<Instant>| {
            instant.as_ref().and_then(|i| {
                DateTime::parse_from_rfc3339(i.as_str())
                    .ok()
                    .map(|at| (Arc::from(i.as_str()), at))
            })
        };
        Self {
            from: parse(&window.from),
            until: parse(&window.until),
        }
    }

    pub(crate) fn holds(&self, now: DateTime<FixedOffset>) -> bool {
        self.from.as_ref().is_none_or(|(_, from)| now >= *from)
            && self.until.as_ref().is_none_or(|(_, until)| now < *until)
    }
}

/// A rule's condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    Always,
    /// Resolved to Rust; `reads` are the context values it needs.
    Native {
        pred: Pred<Slot>,
        reads: Vec<String>,
    },
    Zen(Expr),
}

impl Cond {
    pub(crate) fn reads(&self) -> &[String] {
        match self {
            Self::Always => &[],
            Self::Native { reads, .. } => reads,
            Self::Zen(expr) => expr.reads(),
        }
    }
}

/// A quantity a fee charges for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Quantity {
    /// A plain variable such as `distance_km` or `item.quantity`.
    Slot(Slot, Vec<String>),
    Zen(Expr),
}

impl Quantity {
    fn new(expr: Option<&Expr>, line: bool) -> Option<Self> {
        let expr = expr?;
        Some(match Slot::from_path(expr.source().trim(), line) {
            Some(slot) if slot.is_number() => Self::Slot(slot, expr.reads().to_vec()),
            _ => Self::Zen(expr.clone()),
        })
    }

    pub(crate) fn reads(&self) -> &[String] {
        match self {
            Self::Slot(_, reads) => reads,
            Self::Zen(expr) => expr.reads(),
        }
    }
}

/// A rule's effect with its table resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EffectPlan {
    PercentOff(Decimal),
    AmountOff(Decimal),
    Markup(Decimal),
    SetPrice(Decimal),
    Floor(Decimal),
    Cap(Decimal),
    CostTimes(Decimal),
    TieredFee {
        charge: Charge,
        /// The id of the table when it is one of `pricing.tier_tables` (a request's `usage`
        /// may name it).
        table: Option<Arc<str>>,
        quantity: Quantity,
        transform: Option<StepRounding>,
        item: Option<String>,
    },
    AddLine {
        item: String,
        quantity: Option<Quantity>,
        price: Option<Decimal>,
    },
}

impl Plan {
    /// Prepares a validated bundle's pricing section; `exprs` are its compiled expressions by
    /// pointer. A part that validation would have refused is skipped, never guessed.
    pub(crate) fn new(doc: &BundleDoc, exprs: &BTreeMap<String, Expr>) -> Self {
        let tables: BTreeMap<&str, &Charge> = crate::btree::map(
            doc.pricing
                .tier_tables
                .iter()
                .map(|t| (t.id.as_str(), &t.charge)),
        );
        let mut order: Vec<usize> = (0..doc.pricing.groups.len()).collect();
        let priority = |g: &usize| doc.pricing.groups.get(*g).map_or(0, |g| g.priority);
        crate::sort::by(&mut order, &|a, b| priority(a).cmp(&priority(b)));
        let mut groups = Vec::new();
        for g in order {
            let Some(group) = doc.pricing.groups.get(g) else {
                continue;
            };
            if !group.enabled {
                continue;
            }
            let lines = match &group.applies_to {
                AppliesTo::Ticket => None,
                AppliesTo::Lines {
                    items,
                    categories,
                    item_kinds,
                } => Some(Filter::new(items, categories, item_kinds)),
            };
            let line = lines.is_some();
            let mut rule_order: Vec<usize> = (0..group.rules.len()).collect();
            let priority = |r: &usize| group.rules.get(*r).map_or(0, |r| r.priority);
            crate::sort::by(&mut rule_order, &|a, b| priority(a).cmp(&priority(b)));
            let mut rules = Vec::new();
            for r in rule_order {
                let Some(rule) = group.rules.get(r) else {
                    continue;
                };
                let at = format!("/pricing/groups/{g}/rules/{r}");
                let when = match &rule.when {
                    None => Cond::Always,
                    Some(source) => {
                        let Some(expr) = exprs.get(&format!("{at}/when")) else {
                            continue;
                        };
                        match Pred::compile(source.as_str(), line) {
                            Some(pred) => Cond::Native {
                                pred,
                                reads: expr.reads().to_vec(),
                            },
                            None => Cond::Zen(expr.clone()),
                        }
                    }
                };
                let quantity_at = format!("{at}/effect/quantity");
                let effect = match &rule.effect {
                    Effect::PercentOff { percent } => EffectPlan::PercentOff(percent.0),
                    Effect::AmountOff { amount } => EffectPlan::AmountOff(amount.0),
                    Effect::Markup { percent } => EffectPlan::Markup(percent.0),
                    Effect::SetPrice { price } => EffectPlan::SetPrice(price.0),
                    Effect::Floor { amount } => EffectPlan::Floor(amount.0),
                    Effect::Cap { amount } => EffectPlan::Cap(amount.0),
                    Effect::CostTimes { coefficient } => EffectPlan::CostTimes(coefficient.0),
                    Effect::TieredFee {
                        table,
                        transform,
                        item,
                        ..
                    } => {
                        let charge = match table {
                            TableRef::Named(id) => tables.get(id.as_str()).map(|c| (*c).clone()),
                            TableRef::Inline(charge) => Some(charge.clone()),
                        };
                        let (Some(charge), Some(quantity)) =
                            (charge, Quantity::new(exprs.get(&quantity_at), line))
                        else {
                            continue;
                        };
                        EffectPlan::TieredFee {
                            charge,
                            table: match table {
                                TableRef::Named(id) => Some(Arc::from(id.as_str())),
                                TableRef::Inline(_) => None,
                            },
                            quantity,
                            transform: transform.clone(),
                            item: item.as_ref().map(|i| i.0.clone()),
                        }
                    }
                    Effect::AddLine {
                        item,
                        quantity,
                        price,
                    } => {
                        let quantity = match quantity {
                            None => None,
                            Some(_) => match Quantity::new(exprs.get(&quantity_at), line) {
                                Some(q) => Some(q),
                                None => continue,
                            },
                        };
                        EffectPlan::AddLine {
                            item: item.0.clone(),
                            quantity,
                            price: price.as_ref().map(|p| p.0),
                        }
                    }
                };
                rules.push(RulePlan {
                    id: Arc::from(rule.id.as_str()),
                    name: rule.name.localized(),
                    at,
                    enabled: rule.enabled,
                    window: rule.valid.as_ref().map(WindowPlan::new),
                    target: rule
                        .target
                        .as_ref()
                        .map(|t: &LineFilter| Filter::new(&t.items, &t.categories, &t.item_kinds)),
                    when,
                    effect,
                    round_to: rule.round_to.clone(),
                });
            }
            groups.push(GroupPlan {
                id: Arc::from(group.id.as_str()),
                stacking: group.stacking,
                lines,
                round_each_step: group.round_each_step,
                rules,
            });
        }
        Self { groups }
    }
}
