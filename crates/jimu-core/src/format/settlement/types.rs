//! The settlement section and its plans: parties, tier tables, bases, measures, periods,
//! allocation, plans and their components, channels and statements.

use crate::format::{Date, Dec, ExprSource, Id, Money, Text, TimeZoneName, Window};
use crate::money::Rounding;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::period_rules::PeriodRule;
use super::refunds::RefundRule;

/// Who gets how much of each order (分润 / 分佣 / 返利).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settlement {
    /// The payees: HQ, regional agents, stores, technicians, channel partners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Party>,
    /// Tier tables that several components or period rules share (referred to by id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_tables: Vec<TierTable>,
    /// Per-order split plans; the first that applies settles the order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<Plan>,
    /// Per-period rules (rebates, milestones, guarantees, draws), computed per party per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub period_rules: Vec<PeriodRule>,
    /// How refunds are valued and commissions reversed; the first whose `when` holds applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<RefundRule>,
    /// Sales channels whose promotions settle differently (定金膨胀, 跨店满减).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// When statements (结算单) are cut and paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statements: Option<Statements>,
}

/// A payee of splits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// The party's id, unique among parties.
    pub id: Id,
    /// The party's name as statements show it.
    pub name: Text,
    /// What kind of payee it is.
    pub kind: PartyKind,
    /// The party above in the channel hierarchy (a store's regional agent, an agent's HQ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// `true`: the party is a position filled per order (the order's store, the technician who
    /// did the job); the host names the actual payee in `order.payees`, and statements are cut
    /// per actual payee. `false` (default): one fixed payee.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_order: bool,
}

/// The kind of a payee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// 总部: headquarters.
    Hq,
    /// 区域代理 / 经销商: a regional agent or dealer.
    Agent,
    /// 门店: a store, franchised or directly run.
    Store,
    /// 技师 / 安装工 / 主播: a person paid per job.
    Technician,
    /// 渠道 / 分销: a channel partner or distributor.
    Channel,
}

/// A named, shared tier table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierTable {
    /// The table's id, unique among tier tables.
    pub id: Id,
    /// What the table is for, as people read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The tiers, by ascending `up_to`; the last is open.
    #[schemars(length(min = 1))]
    pub tiers: Vec<Tier>,
}

pub use crate::format::tiers::Tier;

/// Tiers written in place, or the id of a shared tier table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TierSource {
    /// The id of a table in `tier_tables`.
    Table(Id),
    /// The tiers themselves.
    Inline(#[schemars(length(min = 1))] Vec<Tier>),
}

/// How tiers pay: the commission names, or the pricing names of the same readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Each band of attainment is paid at its own rate (= graduated).
    #[default]
    Marginal,
    /// All of the attainment is paid at the rate of the band it reached (= volume).
    Retroactive,
    /// `marginal` under its pricing name: the same reading, the same pay.
    Graduated,
    /// `retroactive` under its pricing name: the same reading, the same pay.
    Volume,
}

impl TierMode {
    /// The reading, whichever name the bundle used.
    pub fn reading(self) -> crate::format::tiers::Reading {
        match self {
            Self::Marginal | Self::Graduated => crate::format::tiers::Reading::Graduated,
            Self::Retroactive | Self::Volume => crate::format::tiers::Reading::Volume,
        }
    }
}

/// What amount a plan or component splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// The order's amount as paid (`order.amount`).
    #[default]
    Revenue,
    /// The order's margin (`order.margin`: revenue minus cost).
    Margin,
    /// The labour part of the order (`order.labour`).
    Labour,
    /// The parts part of the order (`order.parts`).
    Parts,
}

/// What selects the tier of a `tiered` component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The order's base amount.
    #[default]
    OrderAmount,
    /// The units in the order (`order.quantity`).
    OrderQuantity,
    /// The party's base amount so far in the `period`, this order included (attainment).
    PeriodAmount,
    /// The party's units so far in the `period`, this order included.
    PeriodQuantity,
    /// The party's orders so far in the `period`, this one included.
    PeriodOrders,
}

impl Measure {
    pub(super) fn is_period(self) -> bool {
        matches!(
            self,
            Self::PeriodAmount | Self::PeriodQuantity | Self::PeriodOrders
        )
    }
}

/// A settlement period, in the statement time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A calendar day.
    Day,
    /// A week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter (Jan–Mar, …).
    Quarter,
    /// A calendar year.
    Year,
}

/// How rounded shares are made to add up exactly to the amount split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// Floor every share to the cent, then give the leftover cents one by one to the largest
    /// fractional remainders (ties: the order components are listed in). 100.00 split 1:1:1 →
    /// 33.34, 33.33, 33.33.
    #[default]
    LargestRemainder,
    /// Round every share with the plan's rounding; the `remainder` component absorbs the
    /// difference (the plan needs one).
    ToRemainder,
}

/// A per-order split plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's id, unique among plans; every share names it.
    pub id: Id,
    /// The plan's name as people read it.
    pub name: Text,
    /// Notes for the people who maintain the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The orders the plan applies to (an expression over `order`); absent: every order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// Plans are tried by priority, smaller first (then by position).
    #[serde(default)]
    pub priority: i32,
    /// When the plan applies (a Double-11 plan: 11-01 to 11-12); absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// The amount the plan splits and its percentages apply to (default `revenue`).
    #[serde(default)]
    pub base: Base,
    /// How shares are rounded; absent: the bundle's rounding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<Rounding>,
    /// How rounded shares are made to add up (default `largest_remainder`).
    #[serde(default)]
    pub allocation: Allocation,
    /// `true`: the shares must cover the whole base, which the load checks: the unconditional
    /// percentages add up to exactly 100%, or a `remainder` takes what is left.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_full_allocation: bool,
    /// The shares, in order.
    #[schemars(length(min = 1))]
    pub components: Vec<Component>,
}

/// One share of a plan, for one party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Component {
    /// A percentage of the base.
    Percentage(Percentage),
    /// A fixed amount per order or per unit.
    Fixed(Fixed),
    /// Tiered commission (阶梯): rates or amounts by bands of a measure.
    Tiered(Tiered),
    /// An extra amount or rate when a condition holds (traffic bonus, backlog bonus).
    Bonus(Bonus),
    /// An amount by the region the order happened in (installer pay by city base rate).
    RegionRate(RegionRate),
    /// The most a party receives from the order.
    Cap(Limit),
    /// The least a party receives from the order, taken from the `remainder` party.
    Floor(Limit),
    /// What is left of the base after every other share (usually HQ).
    Remainder(Remainder),
}

/// `percentage`: `rate` × the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Percentage {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// How statements name the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The party receiving the share.
    pub party: Id,
    /// From 0 to 1: 0.3 = 30%.
    pub rate: Dec,
    /// The amount the rate applies to; absent: the plan's base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Base>,
    /// Only when this holds for the order; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
}

/// What a fixed amount is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// Once per order.
    #[default]
    Order,
    /// Per unit of the order (`order.quantity`).
    Unit,
}

/// `fixed`: an amount per order or per unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixed {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// How statements name the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The party receiving the share.
    pub party: Id,
    /// The amount.
    pub amount: Money,
    /// Per order (default) or per unit.
    #[serde(default)]
    pub per: Per,
    /// Only when this holds for the order; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
}

/// `tiered`: the tiers chosen by `measure`, read `marginal` or `retroactive`.
///
/// With an order measure the bands split this order's base (or units). With a period measure
/// (`period_amount`, `period_quantity`, `period_orders`) nothing is paid per order: when the
/// period closes, the party's whole attainment in it is paid once, as a true-up — under
/// `marginal` each band's part at that band's rate, under `retroactive` all of it at the rate of
/// the band it reached — on the statement of the cycle the period ends in, with a counter-line
/// of the same amount on the plan's `remainder` party, who funded it.
///
/// Example: bands `[{"up_to": "10000", "rate": "0.03"}, {"up_to": null, "rate": "0.05"}]` over
/// `period_amount` by month; a store sells 6000.00 and 8000.00 in May. Retroactive: 14000.00
/// reached the 5% band, so all of it pays 5%: 700.00, one line at the close of May (not 6000 ×
/// 3% on the first order and 8000 × 5% on the second). Marginal: 10000 × 3% + 4000 × 5% =
/// 500.00.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tiered {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// How statements name the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The party receiving the share.
    pub party: Id,
    /// The tiers, or the id of a tier table.
    pub tiers: TierSource,
    /// `marginal` (default) or `retroactive`.
    #[serde(default)]
    pub mode: TierMode,
    /// What selects the band (default `order_amount`).
    #[serde(default)]
    pub measure: Measure,
    /// The period of a `period_*` measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The amount rates apply to; absent: the plan's base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Base>,
    /// Only when this holds for the order; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
}

/// `bonus`: an amount, or a rate of the base, when `when` holds. Exactly one of `amount` and
/// `rate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// How statements name the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The party receiving the bonus.
    pub party: Id,
    /// The condition (over `order`) that earns the bonus.
    pub when: ExprSource,
    /// A fixed bonus per order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// A bonus rate of the base, from 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Dec>,
    /// The amount `rate` applies to; absent: the plan's base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Base>,
}

/// `region_rate`: the amount of the nearest region listed, walking up from the order's region
/// (district → city → province); `default` when none is listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionRate {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// How statements name the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The party receiving the share.
    pub party: Id,
    /// The base rate per region.
    #[schemars(length(min = 1))]
    pub rates: Vec<RegionAmount>,
    /// The amount where no listed region contains the order's; absent: nothing is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Money>,
    /// Per order (default) or per unit.
    #[serde(default)]
    pub per: Per,
    /// Only when this holds for the order; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
}

/// The amount of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionAmount {
    /// A region id from `org.regions`.
    pub region: Id,
    /// The amount there.
    pub amount: Money,
}

/// `cap` / `floor`: a bound on what one party receives from the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// The party whose total share is bounded.
    pub party: Id,
    /// The bound.
    pub amount: Money,
}

/// `remainder`: whatever is left of the base, for one party — or, with `weight`s, split among
/// several by ratio (1:1:1, 3:2).
///
/// A plan has one `remainder` without a weight, or any number with one each: those share what
/// is left by their weights, by largest remainder in the order listed, a weight of 0 getting
/// nothing. 100.00 split `1:1:1` → 33.34, 33.33, 33.33; 10% to the channel and the rest `3:2`
/// between store and HQ on 100.00 → 10.00, 54.00, 36.00.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remainder {
    /// An id unique within the plan, for traces and statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// How statements name the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The party receiving what is left.
    pub party: Id,
    /// This party's weight among the plan's weighted remainders (0 or more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Dec>,
}

impl Component {
    /// The party the component pays.
    pub fn party(&self) -> &Id {
        match self {
            Self::Percentage(c) => &c.party,
            Self::Fixed(c) => &c.party,
            Self::Tiered(c) => &c.party,
            Self::Bonus(c) => &c.party,
            Self::RegionRate(c) => &c.party,
            Self::Cap(c) | Self::Floor(c) => &c.party,
            Self::Remainder(c) => &c.party,
        }
    }

    /// The component's own id, if it has one.
    pub fn id(&self) -> Option<&Id> {
        match self {
            Self::Percentage(c) => c.id.as_ref(),
            Self::Fixed(c) => c.id.as_ref(),
            Self::Tiered(c) => c.id.as_ref(),
            Self::Bonus(c) => c.id.as_ref(),
            Self::RegionRate(c) => c.id.as_ref(),
            Self::Cap(c) | Self::Floor(c) => c.id.as_ref(),
            Self::Remainder(c) => c.id.as_ref(),
        }
    }

    /// The condition the component needs, if any.
    pub fn when(&self) -> Option<&ExprSource> {
        match self {
            Self::Percentage(c) => c.when.as_ref(),
            Self::Fixed(c) => c.when.as_ref(),
            Self::Tiered(c) => c.when.as_ref(),
            Self::Bonus(c) => Some(&c.when),
            Self::RegionRate(c) => c.when.as_ref(),
            Self::Cap(_) | Self::Floor(_) | Self::Remainder(_) => None,
        }
    }
}

/// A sales channel and how its promotions settle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// The channel's id, matched against `order.channel`.
    pub id: Id,
    /// The channel's name as people read it.
    pub name: Text,
    /// The promotion semantics of the channel (default `none`).
    #[serde(default)]
    pub promotion: ChannelPromotion,
    /// Which amount plans split for this channel's orders (default `paid`).
    #[serde(default)]
    pub settle_on: SettleOn,
    /// The party that funds the promotion (the gap between list and paid) when settling on
    /// `list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Id>,
    /// The plan the channel's orders settle under, skipping plan selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Id>,
}

/// Promotion semantics of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelPromotion {
    /// No promotion.
    #[default]
    None,
    /// 定金膨胀: a deposit counts for more than was paid; the inflation is a discount of the store.
    DepositInflation,
    /// 跨店满减: a discount across stores, spread over each store's goods by amount
    /// (largest remainder).
    CrossStoreDiscount,
}

/// Which amount a channel's orders are settled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettleOn {
    /// What the customer paid (`order.amount`).
    #[default]
    Paid,
    /// The list amount before the promotion (`order.list_amount`); `funded_by` pays the gap.
    List,
}

/// When statements are cut and paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statements {
    /// How often a statement is cut per party.
    pub cycle: Period,
    /// Days after the cycle closes that it settles: 1 for T+1.
    #[serde(default)]
    pub settle_after_days: u32,
    /// Count `settle_after_days` in working days of this calendar; absent: calendar days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Id>,
    /// The time zone periods are cut in; absent: the bundle's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneName>,
    /// The first day of the first cycle, when cycles do not start with the calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
}
