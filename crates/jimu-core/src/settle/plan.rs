//! The settlement section prepared for settling: plans in the order they are tried, windows
//! parsed, tier tables resolved, conditions turned into native predicates where they can be.

use super::order::{Order, OrderSlot};
use crate::expr::Expr;
use crate::format::settlement::{
    Allocation, Base, CommissionReversal, Component, Deduction, Measure, Per, Period,
    PeriodMeasure, Proration, SettleOn, Tier, TierMode, TierSource,
};
use crate::format::{BundleDoc, Instant, Window};
use crate::money::Rounding;
use crate::predicate::Pred;
use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A condition over an order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    Always,
    /// `needs`: the order fields it reads, which an order must give; `at`: its pointer.
    Native {
        pred: Pred<OrderSlot>,
        needs: Vec<Field>,
        at: String,
    },
    Zen {
        expr: Box<Expr>,
        needs: Vec<Field>,
        at: String,
    },
}

/// An optional order field, by kind and position (see `order.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Text(usize),
    Number(usize),
    Flag(usize),
    PlacedAt,
}

impl Field {
    pub(crate) fn name(self) -> &'static str {
        use super::order::{BOOL_FIELDS, NUMBER_FIELDS, TEXT_FIELDS};
        match self {
            Self::Text(i) => TEXT_FIELDS.get(i).copied().unwrap_or(""),
            Self::Number(i) => NUMBER_FIELDS.get(i).copied().unwrap_or(""),
            Self::Flag(i) => BOOL_FIELDS.get(i).copied().unwrap_or(""),
            Self::PlacedAt => "placed_at",
        }
    }

    pub(crate) fn given(self, order: &Order) -> bool {
        match self {
            Self::Text(i) => order.text.get(i).is_some_and(Option::is_some),
            Self::Number(i) => order.number.get(i).is_some_and(Option::is_some),
            Self::Flag(i) => order.flags.get(i).is_some_and(Option::is_some),
            Self::PlacedAt => order.placed_at.is_some(),
        }
    }
}

/// The optional fields `source` reads (`order.promotion` → promotion), outside string literals.
fn needs(source: &str) -> Vec<Field> {
    use super::order::{BOOL_FIELDS, NUMBER_FIELDS, TEXT_FIELDS};
    let mut needs = Vec::new();
    let mut rest = source;
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    while let Some(c) = rest.chars().next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if !(prev.is_ascii_alphanumeric() || prev == '_' || prev == '.')
                && rest.starts_with("order.") =>
            {
                let name: String = rest["order.".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let field = TEXT_FIELDS
                    .iter()
                    .position(|f| *f == name)
                    .map(Field::Text)
                    .or_else(|| {
                        NUMBER_FIELDS
                            .iter()
                            .position(|f| *f == name)
                            .map(Field::Number)
                    })
                    .or_else(|| BOOL_FIELDS.iter().position(|f| *f == name).map(Field::Flag))
                    .or_else(|| (name == "placed_at").then_some(Field::PlacedAt));
                if let Some(field) = field
                    && !needs.contains(&field)
                {
                    needs.push(field);
                }
            }
            None => {}
        }
        prev = c;
        rest = &rest[c.len_utf8()..];
    }
    needs
}

impl Cond {
    fn new(
        source: Option<&crate::format::ExprSource>,
        at: String,
        exprs: &BTreeMap<String, Expr>,
    ) -> Option<Self> {
        let Some(source) = source else {
            return Some(Self::Always);
        };
        let expr = exprs.get(&at)?;
        let needs = needs(source.as_str());
        Some(match Pred::compile(source.as_str(), false) {
            Some(pred) => Self::Native { pred, needs, at },
            None => Self::Zen {
                expr: Box::new(expr.clone()),
                needs,
                at,
            },
        })
    }
}

/// `from` inclusive, `until` exclusive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub from: Option<DateTime<FixedOffset>>,
    pub until: Option<DateTime<FixedOffset>>,
}

impl Span {
    fn new(window: Option<&Window>) -> Option<Self> {
        let window = window?;
        let parse = |i: &Option<Instant>| {
            i.as_ref()
                .and_then(|i| DateTime::parse_from_rfc3339(i.as_str()).ok())
        };
        Some(Self {
            from: parse(&window.from),
            until: parse(&window.until),
        })
    }

    pub(crate) fn holds(&self, at: DateTime<FixedOffset>) -> bool {
        self.from.is_none_or(|from| at >= from) && self.until.is_none_or(|until| at < until)
    }
}

/// The tiers of a component or period rule, resolved from their table (one band model and one
/// engine with pricing: `crate::tiers`).
pub(crate) type Band = Tier;

/// What tiers pay for `measure` (attainment) over `base` (the amount rates apply to):
/// marginal (graduated) = each band's part at its own rate; retroactive (volume) = all of it at
/// the band reached. A rate applies to the base in proportion to the part of the measure in
/// the band. Read by the one tier engine pricing uses too.
pub(crate) fn tier_pay(
    bands: &[Band],
    mode: TierMode,
    measure: Decimal,
    base: Decimal,
) -> Option<Decimal> {
    crate::tiers::pay(bands, mode.reading(), measure, base)
}

/// What a component computes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Percentage {
        rate: Decimal,
        of: Option<Base>,
    },
    Fixed {
        amount: Decimal,
        per: Per,
    },
    Tiered {
        bands: Vec<Band>,
        mode: TierMode,
        measure: Measure,
        period: Option<Period>,
        of: Option<Base>,
    },
    BonusAmount(Decimal),
    BonusRate {
        rate: Decimal,
        of: Option<Base>,
    },
    RegionRate {
        rates: Vec<(String, Decimal)>,
        default: Option<Decimal>,
        per: Per,
    },
    Cap(Decimal),
    Floor(Decimal),
    /// What is left, for this party alone (`None`) or shared by weight.
    Remainder(Option<Decimal>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ComponentPlan {
    /// The component's id, or `<kind>-<position>`.
    pub id: Arc<str>,
    pub party: Arc<str>,
    pub when: Cond,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlanPlan {
    pub id: Arc<str>,
    pub index: usize,
    pub when: Cond,
    pub window: Option<Span>,
    pub base: Base,
    pub rounding: Rounding,
    pub allocation: Allocation,
    pub components: Vec<ComponentPlan>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChannelPlan {
    pub plan: Option<usize>,
    pub settle_on: SettleOn,
    pub funded_by: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PeriodRulePlan {
    pub id: Arc<str>,
    pub party: Arc<str>,
    /// The party whose statement carries the counter-line of every payment.
    pub funder: Option<Arc<str>>,
    pub period: Period,
    pub when: Cond,
    pub window: Option<Span>,
    pub measure: PeriodMeasure,
    pub of: Base,
    pub bands: Vec<Band>,
    pub mode: TierMode,
    pub milestones: Vec<(Decimal, Decimal)>,
    pub minimum: Option<Decimal>,
    pub maximum: Option<Decimal>,
    /// (amount per period, recoverable, over how many later periods).
    pub draw: Option<(Decimal, bool, Option<u32>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefundPlan {
    pub id: Arc<str>,
    pub when: Cond,
    pub prorate: Proration,
    pub deductions: Vec<Deduction>,
    pub commissions: CommissionReversal,
}

/// The whole settlement section, ready to settle orders.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SettlePlan {
    pub plans: Vec<PlanPlan>,
    pub channels: BTreeMap<String, ChannelPlan>,
    pub period_rules: Vec<PeriodRulePlan>,
    pub refunds: Vec<RefundPlan>,
    /// Party ids whose payee the order names (`from_order`).
    pub from_order: Vec<String>,
    pub cycle: Period,
    pub settle_after_days: u32,
    pub calendar: Option<String>,
    pub time_zone: chrono_tz::Tz,
}

fn resolve(source: &TierSource, tables: &BTreeMap<&str, &[Tier]>) -> Vec<Band> {
    match source {
        TierSource::Table(id) => tables
            .get(id.as_str())
            .map_or_else(Vec::new, |t| t.to_vec()),
        TierSource::Inline(tiers) => tiers.clone(),
    }
}

impl SettlePlan {
    pub(crate) fn new(doc: &BundleDoc, exprs: &BTreeMap<String, Expr>, rounding: Rounding) -> Self {
        let s = &doc.settlement;
        let tables: BTreeMap<&str, &[Tier]> = crate::btree::map(
            s.tier_tables
                .iter()
                .map(|t| (t.id.as_str(), t.tiers.as_slice())),
        );
        let mut order: Vec<usize> = (0..s.plans.len()).collect();
        let priority = |i: &usize| s.plans.get(*i).map_or(0, |p| p.priority);
        crate::sort::by(&mut order, &|a, b| priority(a).cmp(&priority(b)));
        let mut plans = Vec::new();
        let mut positions = BTreeMap::new();
        for p in order {
            let Some(plan) = s.plans.get(p) else { continue };
            let at = format!("/settlement/plans/{p}");
            let Some(when) = Cond::new(plan.when.as_ref(), format!("{at}/when"), exprs) else {
                continue;
            };
            let mut components = Vec::new();
            for (c, component) in plan.components.iter().enumerate() {
                let Some(when) =
                    Cond::new(component.when(), format!("{at}/components/{c}/when"), exprs)
                else {
                    continue;
                };
                let (name, kind) = match component {
                    Component::Percentage(x) => (
                        "percentage",
                        Kind::Percentage {
                            rate: x.rate.0,
                            of: x.of,
                        },
                    ),
                    Component::Fixed(x) => (
                        "fixed",
                        Kind::Fixed {
                            amount: x.amount.0,
                            per: x.per,
                        },
                    ),
                    Component::Tiered(x) => (
                        "tiered",
                        Kind::Tiered {
                            bands: resolve(&x.tiers, &tables),
                            mode: x.mode,
                            measure: x.measure,
                            period: x.period,
                            of: x.of,
                        },
                    ),
                    Component::Bonus(x) => (
                        "bonus",
                        match (&x.amount, &x.rate) {
                            (Some(amount), _) => Kind::BonusAmount(amount.0),
                            (None, Some(rate)) => Kind::BonusRate {
                                rate: rate.0,
                                of: x.of,
                            },
                            (None, None) => Kind::BonusAmount(Decimal::ZERO),
                        },
                    ),
                    Component::RegionRate(x) => (
                        "region_rate",
                        Kind::RegionRate {
                            rates: x
                                .rates
                                .iter()
                                .map(|r| (r.region.0.clone(), r.amount.0))
                                .collect(),
                            default: x.default.as_ref().map(|m| m.0),
                            per: x.per,
                        },
                    ),
                    Component::Cap(x) => ("cap", Kind::Cap(x.amount.0)),
                    Component::Floor(x) => ("floor", Kind::Floor(x.amount.0)),
                    Component::Remainder(x) => {
                        ("remainder", Kind::Remainder(x.weight.as_ref().map(|w| w.0)))
                    }
                };
                let id = component
                    .id()
                    .map_or_else(|| format!("{name}-{c}"), |id| id.0.clone());
                components.push(ComponentPlan {
                    id: Arc::from(id),
                    party: Arc::from(component.party().as_str()),
                    when,
                    kind,
                });
            }
            positions.insert(plan.id.0.clone(), plans.len());
            plans.push(PlanPlan {
                id: Arc::from(plan.id.as_str()),
                index: p,
                when,
                window: Span::new(plan.window.as_ref()),
                base: plan.base,
                rounding: plan.rounding.unwrap_or(rounding),
                allocation: plan.allocation,
                components,
            });
        }
        let channels = crate::btree::map(s.channels.iter().map(|c| {
            (
                c.id.0.clone(),
                ChannelPlan {
                    plan: c
                        .plan
                        .as_ref()
                        .and_then(|p| positions.get(p.as_str()).copied()),
                    settle_on: c.settle_on,
                    funded_by: c.funded_by.as_ref().map(|f| Arc::from(f.as_str())),
                },
            )
        }));
        let period_rules = s
            .period_rules
            .iter()
            .enumerate()
            .filter_map(|(r, rule)| {
                let when = Cond::new(
                    rule.when.as_ref(),
                    format!("/settlement/period_rules/{r}/when"),
                    exprs,
                )?;
                Some(PeriodRulePlan {
                    id: Arc::from(rule.id.as_str()),
                    party: Arc::from(rule.party.as_str()),
                    funder: crate::format::settlement::period_rule_funder(s, rule)
                        .map(|p| Arc::from(p.as_str())),
                    period: rule.period,
                    when,
                    window: Span::new(rule.window.as_ref()),
                    measure: rule.measure,
                    of: rule.of,
                    bands: rule
                        .tiers
                        .as_ref()
                        .map_or_else(Vec::new, |t| resolve(t, &tables)),
                    mode: rule.mode,
                    milestones: rule
                        .milestones
                        .iter()
                        .map(|m| (m.at.0, m.amount.as_ref().map(|a| a.0).unwrap_or_default()))
                        .collect(),
                    minimum: rule.minimum.as_ref().map(|m| m.0),
                    maximum: rule.maximum.as_ref().map(|m| m.0),
                    draw: rule.draw.as_ref().map(|d| {
                        (
                            d.amount.0,
                            d.recovery == crate::format::settlement::DrawRecovery::Recoverable,
                            d.recover_over_periods,
                        )
                    }),
                })
            })
            .collect();
        let refunds = s
            .refunds
            .iter()
            .enumerate()
            .filter_map(|(r, rule)| {
                Some(RefundPlan {
                    id: Arc::from(rule.id.as_str()),
                    when: Cond::new(
                        rule.when.as_ref(),
                        format!("/settlement/refunds/{r}/when"),
                        exprs,
                    )?,
                    prorate: rule.prorate,
                    deductions: rule.deductions.clone(),
                    commissions: rule.commissions,
                })
            })
            .collect();
        let statements = s.statements.as_ref();
        let zone = statements
            .and_then(|st| st.time_zone.as_ref())
            .or(doc.time_zone.as_ref())
            .and_then(|z| z.as_str().parse().ok())
            .unwrap_or(chrono_tz::Tz::UTC);
        Self {
            plans,
            channels,
            period_rules,
            refunds,
            from_order: s
                .parties
                .iter()
                .filter(|p| p.from_order)
                .map(|p| p.id.0.clone())
                .collect(),
            cycle: statements.map_or(Period::Month, |st| st.cycle),
            settle_after_days: statements.map_or(0, |st| st.settle_after_days),
            calendar: statements
                .and_then(|st| st.calendar.as_ref())
                .map(|c| c.0.clone()),
            time_zone: zone,
        }
    }

    /// The region path of an order that gives `region` but no path: the region and its
    /// ancestors in the bundle's tree (or the region alone, when the tree does not have it).
    pub(crate) fn fill_region_path(bundle: &crate::Bundle, order: &mut Order) {
        if !order.region_path.is_empty() {
            return;
        }
        let Some(region) = order.region().map(str::to_owned) else {
            return;
        };
        order.region_path = bundle.region_path(&region).unwrap_or_else(|| vec![region]);
    }
}
