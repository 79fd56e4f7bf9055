//! Tiers: the one band model pricing tier tables and settlement commission tiers share, with the
//! one check of their bounds (and the one check of a rate, which settlement's other rates use).
//!
//! A tier covers (previous `up_to`, `up_to`] of a measure, the first starting above 0; only
//! the last is open, and its `up_to` may be written `null` or left out (in pricing and in
//! settlement alike). The two readings have two names each, as their users know them:
//! **graduated** = **marginal** (each band charges or pays the part of the measure inside it)
//! and **volume** = **retroactive** (the band the measure reaches charges or pays all of it).
//! `crate::tiers` computes both.

use super::{Dec, Money};
use crate::check::Ctx;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::Pointer;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One band of a tier table: it covers (previous `up_to`, `up_to`] of the measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The band's upper bound, inclusive; `null` (or left out) for the last, open band, and
    /// only for it.
    #[serde(default)]
    pub up_to: Option<Dec>,
    /// Settlement only: a commission rate from 0 to 1 (0.05 = 5%) applied to the base amount:
    /// graduated / marginal to the part of it inside this band, volume / retroactive to all
    /// of it. (A pricing tier prices its quantity with `unit`.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Dec>,
    /// An amount per unit of the measure (a price per km, a commission per unit sold) inside
    /// this band (graduated / marginal) or for every unit (volume / retroactive); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Money>,
    /// An amount charged or paid once when the measure reaches this band (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flat: Option<Money>,
}

/// How a tier table reads a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Graduated = marginal: each band holding some of the measure takes the part inside it.
    Graduated,
    /// Volume = retroactive: the band holding the measure takes all of it.
    Volume,
}

/// What a place that holds tiers allows besides the bounds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TierRules {
    /// Tiers may carry a `rate` (settlement); pricing tiers price their quantity by `unit`.
    pub rate: bool,
    /// Every tier must pay something (`rate`, `unit` or `flat`): a commission band that pays
    /// nothing is a mistake, while a free pricing band (the first 100 SMS) is not.
    pub must_pay: bool,
    /// Only `flat` counts (pricing's `stairstep`): a `unit` would be ignored.
    pub flat_only: bool,
}

/// The one check of a list of tiers (`at` is the list's pointer): bounds above 0 that strictly
/// ascend, only the last open, and what each tier pays as `rules` allow.
pub(crate) fn check_tiers(tiers: &[Tier], at: &Pointer, rules: TierRules, ctx: &mut Ctx) {
    let mut previous: Option<Decimal> = None;
    let last = tiers.len().saturating_sub(1);
    for (k, tier) in tiers.iter().enumerate() {
        let t_at = at.index(k);
        let bound_at = t_at.key("up_to");
        match tier.up_to {
            None if k != last => ctx.push(
                Problem::error(
                    ProblemCode::TiersNotAscending,
                    bound_at.as_str(),
                    Localized::new(
                        format!(
                            "只有最后一档可以不设上限（up_to 为 null 或不写），这是第 {} 档（共 {} 档）",
                            k + 1,
                            tiers.len()
                        ),
                        format!(
                            "only the last tier may be open (`up_to` null or left out); this is tier {} of {}",
                            k + 1,
                            tiers.len()
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "给这一档写上 up_to，或把它移到最后",
                    "give this tier an `up_to`, or move it to the end",
                )),
            ),
            None => {}
            Some(bound) => {
                match previous {
                    Some(prev) if bound.0 <= prev => ctx.push(
                        Problem::error(
                            ProblemCode::TiersNotAscending,
                            bound_at.as_str(),
                            Localized::new(
                                format!(
                                    "阶梯上限必须严格递增：第 {} 档的 {} 不大于前面的 {}",
                                    k + 1,
                                    bound.0,
                                    prev
                                ),
                                format!(
                                    "tier bounds must strictly ascend: tier {} goes up to {}, not above the earlier {}",
                                    k + 1,
                                    bound.0,
                                    prev
                                ),
                            ),
                        )
                        .with_hint(Localized::new(
                            "每档覆盖（上一档上限, 本档上限]，上限须逐档增大",
                            "each tier covers (previous up_to, up_to], so bounds must grow tier by tier",
                        )),
                    ),
                    None if bound.0 <= Decimal::ZERO => ctx.push(
                        Problem::error(
                            ProblemCode::TiersNotAscending,
                            bound_at.as_str(),
                            Localized::new(
                                format!("第 1 档的上限必须大于 0：{}", bound.0),
                                format!(
                                    "the first tier's `up_to` must be greater than 0: {}",
                                    bound.0
                                ),
                            ),
                        )
                        .with_hint(Localized::new(
                            "每档覆盖（上一档上限, 本档上限]，第一档从 0 开始",
                            "each tier covers (previous up_to, up_to]; the first starts at 0",
                        )),
                    ),
                    _ => {}
                }
                previous = Some(previous.map_or(bound.0, |p| p.max(bound.0)));
                if k == last {
                    ctx.push(
                        Problem::error(
                            ProblemCode::InvalidValue,
                            bound_at.as_str(),
                            Localized::new(
                                format!(
                                    "最后一档必须不设上限，否则超过 {} 的部分没有着落",
                                    bound.0
                                ),
                                format!(
                                    "the last tier must be open, or what lies above {} has no tier",
                                    bound.0
                                ),
                            ),
                        )
                        .with_hint(Localized::new(
                            "把最后一档的 up_to 写成 null（或不写），或再加一档不设上限的",
                            "make the last tier's `up_to` null (or leave it out), or add an open tier after it",
                        )),
                    );
                }
            }
        }
        match &tier.rate {
            Some(_) if !rules.rate => ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    t_at.key("rate").as_str(),
                    Localized::new(
                        "定价阶梯按数量计价，用 unit（每单位价格）而不是 rate",
                        "a pricing tier prices its quantity: give a `unit` price, not a `rate`",
                    ),
                )
                .with_hint(Localized::new(
                    "按金额收取比例时，把比例写作 unit（0.6% 写作 \"0.006\"），或用 percentage 模型",
                    "for a share of an amount, write the fraction as `unit` (0.6% is \"0.006\"), or use the `percentage` model",
                )),
            ),
            Some(rate) => {
                check_rate(rate, &t_at.key("rate"), ctx);
            }
            None if rules.must_pay && tier.unit.is_none() && tier.flat.is_none() => ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    t_at.key("rate").as_str(),
                    Localized::new(
                        format!("第 {} 档没有写付多少", k + 1),
                        format!("tier {} says nothing about what it pays", k + 1),
                    ),
                )
                .with_hint(Localized::new(
                    "写 rate（比例）、unit（每单位金额）或 flat（一次性金额）",
                    "give it a `rate`, a `unit` amount or a `flat` amount",
                )),
            ),
            _ => {}
        }
        if rules.flat_only
            && let Some(unit) = tier.unit.filter(|u| !u.0.is_zero())
        {
            ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    t_at.key("unit").as_str(),
                    Localized::new(
                        format!("定额阶梯（stairstep）只收每档的 flat，单价 {} 不会生效", unit.0),
                        format!(
                            "a stairstep table charges each tier's `flat` only; the unit price {} would be ignored",
                            unit.0
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "删除 unit，或改用 graduated / volume",
                    "remove `unit`, or use `graduated` or `volume`",
                )),
            );
        }
    }
}

/// A rate must lie in [0, 1]; false (and reported) when it does not.
pub(crate) fn check_rate(rate: &Dec, at: &Pointer, ctx: &mut Ctx) -> bool {
    let ok = rate.0 >= Decimal::ZERO && rate.0 <= Decimal::ONE;
    if !ok {
        ctx.push(
            Problem::error(
                ProblemCode::InvalidValue,
                at.as_str(),
                Localized::new(
                    format!("比例 {} 不在 0 到 1 之间", rate.0),
                    format!("the rate {} is not between 0 and 1", rate.0),
                ),
            )
            .with_hint(Localized::new(
                "比例写成小数：30% 写作 \"0.3\"",
                "write rates as fractions: 30% is \"0.3\"",
            )),
        );
    }
    ok
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use super::read::{Res, list, object, read_struct};
use serde_json::Value;

pub(crate) fn read_tiers(value: Value) -> Res<Vec<Tier>> {
    list(value, |value| {
        let map = object(value, "struct Tier")?;
        Ok(read_struct!(
            map,
            deny,
            Tier {
                up_to: default,
                rate: default,
                unit: default,
                flat: default,
            }
        ))
    })
}
