use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::{Scope, VarType};
use crate::format::Dec;
use crate::format::org::{parent_cycles, report_cycle, warning};
use crate::format::tiers::{TierRules, check_tiers};
use crate::format::{Date, ExprSource, Id, Money, Text, TimeZoneName, Window};
use crate::money::Rounding;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::Pointer;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    fn is_period(self) -> bool {
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

/// A rule computed per party per period over the orders it counts: a volume rebate
/// (返利), milestones (refer 5 new students → a reward), a minimum guarantee, a cap, a draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodRule {
    /// The rule's id, unique among period rules; statements name it.
    pub id: Id,
    /// The rule's name as people read it.
    pub name: Text,
    /// The party the rule pays.
    pub party: Id,
    /// The party whose money it is: every payment shows as a counter-line (the same amount,
    /// negated) on this party's statement, so for every period the parties' totals add up to the
    /// revenue settled. Absent: the plans' `remainder` party (HQ, the manufacturer, the
    /// school), when every plan with one names the same. A party named by each order
    /// (`from_order`) cannot fund a period rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Id>,
    /// The period attainment is counted over.
    pub period: Period,
    /// The orders that count (an expression over `order`); absent: all of the party's orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// When the rule applies; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// What is counted (default `amount`).
    #[serde(default)]
    pub measure: PeriodMeasure,
    /// The amount counted and paid on (default `revenue`).
    #[serde(default)]
    pub of: Base,
    /// Tiers over the period's attainment, paid at the period's close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<TierSource>,
    /// How the tiers pay (default `marginal`).
    #[serde(default)]
    pub mode: TierMode,
    /// One-off rewards when the attainment reaches a threshold, by ascending `at`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    /// The least the rule pays per period (a guarantee, topped up at close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Money>,
    /// The most the rule pays per period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Money>,
    /// An advance paid every period against earnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<Draw>,
}

/// What a period rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodMeasure {
    /// The base amount of the orders counted.
    #[default]
    Amount,
    /// Their units (`order.quantity`).
    Quantity,
    /// How many orders.
    Orders,
}

/// A reward for reaching a threshold within the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// The attainment that earns the reward (5 new students: `"5"`).
    pub at: Dec,
    /// The cash reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Benefits unlocked for the party (a course pack id the host grants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlocks: Vec<Id>,
    /// How statements name the reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

/// An advance against earnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Draw {
    /// The advance per period.
    pub amount: Money,
    /// Whether the part of the draw not earned is recovered from later earnings.
    pub recovery: DrawRecovery,
    /// For a recoverable draw: recover over at most this many later periods; absent: until
    /// recovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub recover_over_periods: Option<u32>,
}

/// Whether an unearned draw is paid back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawRecovery {
    /// The shortfall is deducted from later periods' earnings.
    Recoverable,
    /// The draw is a guaranteed minimum; nothing is paid back.
    NonRecoverable,
}

/// How a refunded order is valued and its commissions reversed.
///
/// Refund = paid × (remaining / total, under `prorate`) − each deduction, never below 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRule {
    /// The rule's id, unique among refund rules.
    pub id: Id,
    /// The rule's name as people read it.
    pub name: Text,
    /// The refunds it applies to (an expression over `order`); absent: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ExprSource>,
    /// How the paid amount is prorated (default `none`: the whole amount).
    #[serde(default)]
    pub prorate: Proration,
    /// What is taken off, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deductions: Vec<Deduction>,
    /// What happens to the commissions the order paid (default `proportional`).
    #[serde(default)]
    pub commissions: CommissionReversal,
}

/// How a refund is prorated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Proration {
    /// The whole paid amount.
    #[default]
    None,
    /// By remaining class hours: paid × `order.remaining_hours` / `order.total_hours`.
    RemainingHours,
}

/// Something taken off a refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deduction {
    /// The promotion's value (`order.promotion_amount`), prorated like the refund when
    /// `prorate` is true.
    Promotion(PromotionDeduction),
    /// A fixed amount (a handling fee).
    Fixed(FixedDeduction),
    /// A rate of the refund, from 0 to 1.
    Rate(RateDeduction),
}

/// `promotion`: the value of the promotion the customer received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionDeduction {
    /// `true`: only the remaining share of the promotion is deducted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prorate: bool,
}

/// `fixed`: an amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixedDeduction {
    /// The amount taken off.
    pub amount: Money,
}

/// `rate`: a share of the refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateDeduction {
    /// From 0 to 1.
    pub rate: Dec,
}

/// What happens to commissions when an order is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommissionReversal {
    /// Every share is reversed in proportion to refund / paid (split symmetrically, to the cent).
    #[default]
    Proportional,
    /// Every share is reversed in full.
    Full,
    /// Shares stand; the refund is borne by the `remainder` party.
    Keep,
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

/// The variables settlement expressions read: one `order` object whose fields the host fills.
///
/// | field | type | meaning |
/// |---|---|---|
/// | `id` | string | the order id |
/// | `amount` | number | what the customer paid |
/// | `list_amount` | number | the amount before promotions |
/// | `margin`, `labour`, `parts` | number | margin, labour and parts parts of the order |
/// | `quantity` | number | units in the order |
/// | `channel` | string | a channel id |
/// | `store` | string | the store id |
/// | `store_type` | string | `franchise` or `direct` |
/// | `region`, `city`, `province` | string | region ids where it happened |
/// | `promotion` | string | the promotion code, `""` when none |
/// | `categories`, `products`, `tags` | list of strings | what was sold, free tags |
/// | `customer_tier` | string | `normal`, `vip`, `svip` |
/// | `new_customer` | bool | the customer's first order |
/// | `referrer` | string | the referring party, `""` when none |
/// | `backlog_days` | number | days the stock sold has been in inventory |
/// | `new_product` | bool | a product in its launch period |
/// | `traffic_source` | string | `live`, `short_video`, `search`, … |
/// | `live_viewers` | number | viewers of the live session that sold it |
/// | `placed_at` | date | when the order was placed |
/// | `total_hours`, `remaining_hours` | number | class hours bought and not yet taken |
/// | `promotion_amount` | number | the value of promotions and gifts received |
/// | `instalments` | number | how many instalments it is paid in (1 = at once) |
/// | `deposit` | number | the deposit paid |
/// | `payees` | object | the actual payee of each `from_order` party, by party id |
pub fn order_scope() -> Scope {
    use VarType::{Any, Bool, Date, List, Number, String};
    let fields = [
        ("id", String),
        ("amount", Number),
        ("list_amount", Number),
        ("margin", Number),
        ("labour", Number),
        ("parts", Number),
        ("quantity", Number),
        ("channel", String),
        ("store", String),
        ("store_type", String),
        ("region", String),
        ("region_path", List(Box::new(String))),
        ("city", String),
        ("province", String),
        ("promotion", String),
        ("categories", List(Box::new(String))),
        ("products", List(Box::new(String))),
        ("tags", List(Box::new(String))),
        ("customer_tier", String),
        ("new_customer", Bool),
        ("referrer", String),
        ("backlog_days", Number),
        ("new_product", Bool),
        ("traffic_source", String),
        ("live_viewers", Number),
        ("placed_at", Date),
        ("total_hours", Number),
        ("remaining_hours", Number),
        ("promotion_amount", Number),
        ("instalments", Number),
        ("deposit", Number),
        ("payees", Any),
    ];
    let order = VarType::Object(crate::btree::map(
        fields.into_iter().map(|(name, ty)| (name.to_owned(), ty)),
    ));
    Scope::default()
        .with("order", order)
        .with_region_path("order.region_path")
}

fn at() -> Pointer {
    Pointer::root().key("settlement")
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &crate::format::BundleDoc, ctx: &mut Ctx) {
    let s = &doc.settlement;
    for (i, party) in s.parties.iter().enumerate() {
        ctx.define(
            IdKind::Party,
            &party.id,
            &at().key("parties").index(i).key("id"),
        );
    }
    for (i, table) in s.tier_tables.iter().enumerate() {
        ctx.define(
            IdKind::TierTable,
            &table.id,
            &at().key("tier_tables").index(i).key("id"),
        );
    }
    for (i, plan) in s.plans.iter().enumerate() {
        ctx.define(
            IdKind::Plan,
            &plan.id,
            &at().key("plans").index(i).key("id"),
        );
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &crate::format::BundleDoc, ctx: &mut Ctx) {
    let s = &doc.settlement;
    let scope = order_scope();

    for (i, party) in s.parties.iter().enumerate() {
        if let Some(parent) = &party.parent {
            ctx.refer(
                IdKind::Party,
                parent,
                &at().key("parties").index(i).key("parent"),
            );
        }
    }
    let nodes: Vec<(&Id, Option<&Id>)> = s
        .parties
        .iter()
        .map(|p| (&p.id, p.parent.as_ref()))
        .collect();
    for i in parent_cycles(&nodes)
        .iter()
        .filter_map(|c| c.first().copied())
    {
        report_cycle(
            ctx,
            &at().key("parties").index(i).key("parent"),
            &nodes,
            i,
            ("结算方", "party"),
        );
    }

    for (i, table) in s.tier_tables.iter().enumerate() {
        check_tiers(
            &table.tiers,
            &at().key("tier_tables").index(i).key("tiers"),
            COMMISSION_TIERS,
            ctx,
        );
    }

    for (i, plan) in s.plans.iter().enumerate() {
        check_plan(
            plan,
            &s.tier_tables,
            &at().key("plans").index(i),
            &scope,
            ctx,
        );
    }

    let mut rule_ids = IdSet::new(("周期规则", "period rule"));
    for (i, rule) in s.period_rules.iter().enumerate() {
        let r_at = at().key("period_rules").index(i);
        rule_ids.define(&rule.id, &r_at.key("id"), &mut ctx.diag);
        check_period_rule(rule, &s.tier_tables, &r_at, &scope, ctx);
        check_funding(s, rule, &r_at, ctx);
    }

    let mut refund_ids = IdSet::new(("退款规则", "refund rule"));
    for (i, refund) in s.refunds.iter().enumerate() {
        let r_at = at().key("refunds").index(i);
        refund_ids.define(&refund.id, &r_at.key("id"), &mut ctx.diag);
        if let Some(when) = &refund.when {
            ctx.expr(when, &r_at.key("when"), &scope);
        }
        for (d, deduction) in refund.deductions.iter().enumerate() {
            if let Deduction::Rate(r) = deduction {
                check_rate(&r.rate, &r_at.key("deductions").index(d).key("rate"), ctx);
            }
        }
    }

    let mut channel_ids = IdSet::new(("渠道", "channel"));
    for (i, channel) in s.channels.iter().enumerate() {
        let c_at = at().key("channels").index(i);
        channel_ids.define(&channel.id, &c_at.key("id"), &mut ctx.diag);
        if let Some(party) = &channel.funded_by {
            ctx.refer(IdKind::Party, party, &c_at.key("funded_by"));
        }
        if let Some(plan) = &channel.plan {
            ctx.refer(IdKind::Plan, plan, &c_at.key("plan"));
        }
        if channel.settle_on == SettleOn::List && channel.funded_by.is_none() {
            ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    c_at.key("funded_by").as_str(),
                    Localized::new(
                        "按标价结算的渠道必须说明由谁承担优惠差额",
                        "a channel settled on the list amount must say who funds the promotion",
                    ),
                )
                .with_hint(Localized::new(
                    "写 funded_by（结算方 id），或改为 \"settle_on\": \"paid\"",
                    "set `funded_by` to a party id, or use \"settle_on\": \"paid\"",
                )),
            );
        }
    }

    if let Some(statements) = &s.statements
        && let Some(calendar) = &statements.calendar
    {
        ctx.refer(
            IdKind::Calendar,
            calendar,
            &at().key("statements").key("calendar"),
        );
    }
}

fn pct(rate: Decimal) -> String {
    let mut shown = rate.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(rate);
    shown = shown.normalize();
    format!("{shown}%")
}

/// A rate must lie in [0, 1]; false (and reported) when it does not.
fn check_rate(rate: &Dec, at: &Pointer, ctx: &mut Ctx) -> bool {
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

/// Commission tiers may pay by `rate`, and each must pay something.
const COMMISSION_TIERS: TierRules = TierRules {
    rate: true,
    must_pay: true,
    flat_only: false,
};

fn check_tier_source(source: &TierSource, tables: &[TierTable], at: &Pointer, ctx: &mut Ctx) {
    match source {
        TierSource::Table(id) => {
            // Pricing tier tables share the id space; settlement reads only its own.
            if ctx.refer(IdKind::TierTable, id, at) && !tables.iter().any(|t| t.id == *id) {
                ctx.push(
                    Problem::error(
                        ProblemCode::InvalidValue,
                        at.as_str(),
                        Localized::new(
                            format!("阶梯表「{}」属于定价，结算只能引用 settlement.tier_tables 中的阶梯表", id.as_str()),
                            format!(
                                "tier table `{}` belongs to pricing; settlement refers only to `settlement.tier_tables`",
                                id.as_str()
                            ),
                        ),
                    )
                    .with_hint(Localized::new(
                        "在 settlement.tier_tables 中定义一张结算用的阶梯表",
                        "define a settlement tier table in `settlement.tier_tables`",
                    )),
                );
            }
        }
        TierSource::Inline(tiers) => check_tiers(tiers, at, COMMISSION_TIERS, ctx),
    }
}

fn check_plan(plan: &Plan, tables: &[TierTable], p_at: &Pointer, scope: &Scope, ctx: &mut Ctx) {
    if let Some(when) = &plan.when {
        ctx.expr(when, &p_at.key("when"), scope);
    }
    if let Some(window) = &plan.window {
        ctx.window(window, &p_at.key("window"));
    }
    let mut component_ids = IdSet::new(("分润项", "component"));
    let mut remainder: Option<usize> = None;
    // Remainders with a weight (position, weight) and without one (position).
    let mut weights: Vec<(usize, Decimal)> = Vec::new();
    let mut unweighted: Vec<usize> = Vec::new();
    let mut bad_rate = false;
    let mut percent_sum = Decimal::ZERO;
    let mut other_amounts: Vec<usize> = Vec::new();
    let mut caps: BTreeMap<&str, (Decimal, usize)> = BTreeMap::new();
    let mut floors: Vec<(&str, Decimal, usize)> = Vec::new();
    let components_at = p_at.key("components");
    for (c, component) in plan.components.iter().enumerate() {
        let c_at = components_at.index(c);
        if let Some(id) = component.id() {
            component_ids.define(id, &c_at.key("id"), &mut ctx.diag);
        }
        ctx.refer(IdKind::Party, component.party(), &c_at.key("party"));
        if let Some(when) = component.when() {
            ctx.expr(when, &c_at.key("when"), scope);
        }
        match component {
            Component::Percentage(p) => {
                bad_rate |= !check_rate(&p.rate, &c_at.key("rate"), ctx);
                if p.when.is_none() && p.of.is_none_or(|of| of == plan.base) {
                    percent_sum = percent_sum.checked_add(p.rate.0).unwrap_or(Decimal::MAX);
                } else {
                    other_amounts.push(c);
                }
            }
            Component::Fixed(_) => other_amounts.push(c),
            Component::Tiered(t) => {
                other_amounts.push(c);
                check_tier_source(&t.tiers, tables, &c_at.key("tiers"), ctx);
                check_measure(t.measure, t.period, &c_at, ctx);
            }
            Component::Bonus(b) => {
                other_amounts.push(c);
                match (&b.amount, &b.rate) {
                    (Some(_), Some(_)) => ctx.push(
                        Problem::error(
                            ProblemCode::InvalidValue,
                            c_at.key("rate").as_str(),
                            Localized::new(
                                "奖励只能写 amount 或 rate 之一",
                                "a bonus has an `amount` or a `rate`, not both",
                            ),
                        )
                        .with_hint(Localized::new(
                            "需要两笔奖励时请写两个 bonus",
                            "write two bonuses to pay both",
                        )),
                    ),
                    (None, None) => ctx.push(
                        Problem::error(
                            ProblemCode::MissingField,
                            c_at.key("amount").as_str(),
                            Localized::new("奖励没有金额或比例", "the bonus has no amount or rate"),
                        )
                        .with_hint(Localized::new(
                            "写 amount（金额）或 rate（比例，0 到 1）",
                            "set `amount`, or `rate` from 0 to 1",
                        )),
                    ),
                    (None, Some(rate)) => {
                        check_rate(rate, &c_at.key("rate"), ctx);
                    }
                    (Some(_), None) => {}
                }
            }
            Component::RegionRate(r) => {
                other_amounts.push(c);
                let mut seen = IdSet::new(("区域", "region"));
                for (k, rate) in r.rates.iter().enumerate() {
                    let r_at = c_at.key("rates").index(k).key("region");
                    if ctx.refer(IdKind::Region, &rate.region, &r_at) {
                        seen.define(&rate.region, &r_at, &mut ctx.diag);
                    }
                }
            }
            Component::Cap(limit) => {
                caps.entry(limit.party.as_str())
                    .or_insert((limit.amount.0, c));
            }
            Component::Floor(limit) => floors.push((limit.party.as_str(), limit.amount.0, c)),
            Component::Remainder(r) => {
                let w_at = c_at.key("weight");
                if let Some(w) = &r.weight {
                    if w.0 < Decimal::ZERO {
                        ctx.error(
                            ProblemCode::Negative,
                            &w_at,
                            Localized::new(
                                format!("权重不能为负数：{}", w.0),
                                format!("a weight cannot be negative: {}", w.0),
                            ),
                        );
                    }
                    weights.push((c, w.0));
                } else {
                    unweighted.push(c);
                }
                if remainder.is_none() {
                    remainder = Some(c);
                }
            }
        }
    }
    let remainders = unweighted.len() + weights.len();
    if remainders > 1 {
        for &c in unweighted.iter().skip(usize::from(weights.is_empty())) {
            ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    components_at.index(c).key("kind").as_str(),
                    Localized::new(
                        "方案有多个 remainder 时，每一个都要写 weight（按比例分配余额）",
                        "a plan with several `remainder`s gives each a `weight` (they share what is left by ratio)",
                    ),
                )
                .with_hint(Localized::new(
                    "例如 {\"kind\": \"remainder\", \"party\": \"store\", \"weight\": \"3\"}",
                    "for example {\"kind\": \"remainder\", \"party\": \"store\", \"weight\": \"3\"}",
                )),
            );
        }
    }
    if weights.iter().all(|(_, w)| w.is_zero())
        && let Some((c, _)) = weights.first()
    {
        ctx.error(
            ProblemCode::WeightsNotCovering,
            &components_at.index(*c).key("weight"),
            Localized::new(
                "所有 remainder 的权重都是 0，余额无人承接",
                "every remainder weight is 0, so nobody can take what is left",
            ),
        );
    }
    for (party, floor, c) in floors {
        if let Some((cap, _)) = caps.get(party)
            && floor > *cap
        {
            ctx.error(
                ProblemCode::InvalidValue,
                &components_at.index(c).key("amount"),
                Localized::new(
                    format!("结算方「{party}」的保底 {floor} 高于封顶 {cap}"),
                    format!("the floor {floor} of party `{party}` is above its cap {cap}"),
                ),
            );
        }
        if remainder.is_none() {
            ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    components_at.index(c).key("kind").as_str(),
                    Localized::new(
                        "保底（floor）的差额由 remainder 方承担，但方案没有 remainder",
                        "a `floor` is funded by the `remainder` party, and the plan has none",
                    ),
                )
                .with_hint(Localized::new(
                    "加一个 {\"kind\": \"remainder\", \"party\": \"hq\"}",
                    "add {\"kind\": \"remainder\", \"party\": \"hq\"}",
                )),
            );
        }
    }
    if plan.allocation == Allocation::ToRemainder && remainder.is_none() {
        ctx.push(
            Problem::error(
                ProblemCode::InvalidValue,
                p_at.key("allocation").as_str(),
                Localized::new(
                    "to_remainder 需要方案中有一个 remainder 项来吸收尾差",
                    "`to_remainder` needs a `remainder` component to absorb the rounding difference",
                ),
            )
            .with_hint(Localized::new(
                "加一个 remainder 项，或使用 largest_remainder",
                "add a `remainder` component, or use `largest_remainder`",
            )),
        );
    }
    if bad_rate {
        // A rate outside 0–1 is already reported; its sum would only repeat the mistake.
        return;
    }
    check_coverage(
        plan,
        &components_at,
        remainder,
        percent_sum,
        &other_amounts,
        ctx,
    );
}

fn check_coverage(
    plan: &Plan,
    at: &Pointer,
    remainder: Option<usize>,
    sum: Decimal,
    other_amounts: &[usize],
    ctx: &mut Ctx,
) {
    let over = sum > Decimal::ONE;
    if !plan.require_full_allocation {
        if over {
            ctx.push(warning(
                ProblemCode::WeightsNotCovering,
                at,
                Localized::new(
                    format!("无条件的比例合计 {}，超过了 100%", pct(sum)),
                    format!(
                        "the unconditional percentages add up to {}, above 100%",
                        pct(sum)
                    ),
                ),
            ));
        }
        return;
    }
    if over || (remainder.is_none() && sum != Decimal::ONE) {
        ctx.push(
            Problem::error(
                ProblemCode::WeightsNotCovering,
                at.as_str(),
                Localized::new(
                    format!(
                        "方案要求分满 100%，但无条件的比例合计 {}",
                        pct(sum)
                    ),
                    format!(
                        "the plan requires full allocation, but its unconditional percentages add up to {}",
                        pct(sum)
                    ),
                ),
            )
            .with_hint(Localized::new(
                "调整各比例使合计为 100%，或加一个 remainder 项接收余额",
                "make the percentages add up to 100%, or add a `remainder` component for the rest",
            )),
        );
    } else if remainder.is_none()
        && let Some(&c) = other_amounts.first()
    {
        ctx.push(
            Problem::error(
                ProblemCode::WeightsNotCovering,
                at.index(c).as_str(),
                Localized::new(
                    "比例已合计 100%，这一项会让分出的金额超过基数",
                    "the percentages already cover 100%; this component would pay out more than the base",
                ),
            )
            .with_hint(Localized::new(
                "用 remainder 项代替其中一个比例，让它承担其余各项",
                "replace one percentage with a `remainder` component that funds the others",
            )),
        );
    }
}

fn check_measure(measure: Measure, period: Option<Period>, c_at: &Pointer, ctx: &mut Ctx) {
    match (measure.is_period(), period) {
        (true, None) => ctx.push(
            Problem::error(
                ProblemCode::MissingField,
                c_at.key("period").as_str(),
                Localized::new(
                    "按周期累计的 measure 需要写 period",
                    "a `period_*` measure needs a `period`",
                ),
            )
            .with_hint(Localized::new(
                "例如 \"period\": \"month\"",
                "for example \"period\": \"month\"",
            )),
        ),
        (false, Some(_)) => ctx.push(warning(
            ProblemCode::InvalidValue,
            &c_at.key("period"),
            Localized::new(
                "按单计算的 measure 不使用 period，此字段被忽略",
                "an order measure does not use `period`; it is ignored",
            ),
        )),
        _ => {}
    }
}

/// The party whose money a period rule pays: `funded_by`, else the plans' one remainder party.
pub(crate) fn period_rule_funder<'s>(s: &'s Settlement, rule: &'s PeriodRule) -> Option<&'s Id> {
    if let Some(party) = &rule.funded_by {
        return Some(party);
    }
    let mut remainders = s.plans.iter().flat_map(|p| {
        p.components.iter().filter_map(|c| match c {
            Component::Remainder(r) if r.weight.is_none() => Some(&r.party),
            _ => None,
        })
    });
    let first = remainders.next()?;
    remainders.all(|r| r == first).then_some(first)
}

/// A period rule's funding party exists, is not named by orders, and is known when not given.
fn check_funding(s: &Settlement, rule: &PeriodRule, r_at: &Pointer, ctx: &mut Ctx) {
    let at = r_at.key("funded_by");
    if let Some(party) = &rule.funded_by
        && !ctx.refer(IdKind::Party, party, &at)
    {
        return;
    }
    match period_rule_funder(s, rule) {
        None => ctx.push(
            Problem::error(
                ProblemCode::MissingField,
                at.as_str(),
                Localized::new(
                    format!("周期规则「{}」没有写由谁出资（funded_by），各方案的 remainder 也不是同一方", rule.id.as_str()),
                    format!(
                        "period rule `{}` does not say who funds it (`funded_by`), and the plans do not share one `remainder` party",
                        rule.id.as_str()
                    ),
                ),
            )
            .with_hint(Localized::new(
                "例如 \"funded_by\": \"hq\"",
                "for example \"funded_by\": \"hq\"",
            )),
        ),
        Some(funder) => {
            let funder = funder.as_str();
            if s.parties.iter().any(|p| p.id.as_str() == funder && p.from_order) {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &at,
                    Localized::new(
                        format!("「{funder}」由每笔订单指定收款方，不能为周期规则出资"),
                        format!(
                            "`{funder}` is named by each order (`from_order`), so it cannot fund a period rule"
                        ),
                    ),
                );
            }
        }
    }
}

fn check_period_rule(
    rule: &PeriodRule,
    tables: &[TierTable],
    r_at: &Pointer,
    scope: &Scope,
    ctx: &mut Ctx,
) {
    ctx.refer(IdKind::Party, &rule.party, &r_at.key("party"));
    if let Some(when) = &rule.when {
        ctx.expr(when, &r_at.key("when"), scope);
    }
    if let Some(window) = &rule.window {
        ctx.window(window, &r_at.key("window"));
    }
    match &rule.tiers {
        Some(tiers) => check_tier_source(tiers, tables, &r_at.key("tiers"), ctx),
        None if rule.milestones.is_empty() && rule.draw.is_none() && rule.minimum.is_none() => {
            ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    r_at.key("tiers").as_str(),
                    Localized::new(
                        "周期规则没有写怎么付：需要 tiers、milestones、minimum 或 draw",
                        "the period rule pays nothing: give it `tiers`, `milestones`, a `minimum` or a `draw`",
                    ),
                ),
            );
        }
        None => {}
    }
    let mut previous: Option<Decimal> = None;
    for (m, milestone) in rule.milestones.iter().enumerate() {
        let m_at = r_at.key("milestones").index(m);
        if let Some(prev) = previous {
            if milestone.at.0 <= prev {
                ctx.error(
                    ProblemCode::TiersNotAscending,
                    &m_at.key("at"),
                    Localized::new(
                        format!("里程碑 {} 不大于上一个 {}", milestone.at.0, prev),
                        format!(
                            "milestone {} is not above the previous one, {}",
                            milestone.at.0, prev
                        ),
                    ),
                );
            }
        } else if milestone.at.0 <= Decimal::ZERO {
            ctx.error(
                ProblemCode::InvalidValue,
                &m_at.key("at"),
                Localized::new(
                    format!("里程碑必须大于 0，而不是 {}", milestone.at.0),
                    format!("a milestone must be above 0, not {}", milestone.at.0),
                ),
            );
        }
        previous = Some(previous.map_or(milestone.at.0, |p| p.max(milestone.at.0)));
        if milestone.amount.is_none() && milestone.unlocks.is_empty() {
            ctx.error(
                ProblemCode::MissingField,
                &m_at.key("amount"),
                Localized::new(
                    "里程碑没有奖励：写 amount 或 unlocks",
                    "the milestone rewards nothing: give it an `amount` or `unlocks`",
                ),
            );
        }
    }
    if let (Some(min), Some(max)) = (&rule.minimum, &rule.maximum)
        && min.0 > max.0
    {
        ctx.error(
            ProblemCode::InvalidValue,
            &r_at.key("maximum"),
            Localized::new(
                format!("每期封顶 {} 低于保底 {}", max.0, min.0),
                format!(
                    "the maximum per period {} is below the minimum {}",
                    max.0, min.0
                ),
            ),
        );
    }
    if let Some(draw) = &rule.draw
        && draw.recovery == DrawRecovery::NonRecoverable
        && draw.recover_over_periods.is_some()
    {
        ctx.push(warning(
            ProblemCode::InvalidValue,
            &r_at.key("draw").key("recover_over_periods"),
            Localized::new(
                "不可追回的预支不使用 recover_over_periods，此字段被忽略",
                "a non-recoverable draw does not use `recover_over_periods`; it is ignored",
            ),
        ));
    }
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use crate::format::read::{Res, de, list, no_variant, object, option, read_struct, tagged};
use crate::format::tiers::read_tiers;
use crate::format::{read_text, read_window};
use serde_json::Value;

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

#[cfg(test)]
mod tests {
    use crate::problem::Severity;

    const PARTIES: &str = r#""parties":[
        {"id":"hq","name":"总部","kind":"hq"},
        {"id":"agent","name":"代理","kind":"agent","parent":"hq"},
        {"id":"store","name":"门店","kind":"store","parent":"agent","from_order":true},
        {"id":"tech","name":"技师","kind":"technician","from_order":true}]"#;

    fn check(settlement: &str) -> Vec<(String, String, Severity)> {
        let json = format!(
            r#"{{"schema_version":2,"currency":"CNY","org":{{"regions":[{{"id":"bj","name":"北京","level":"city"}}]}},"settlement":{{{PARTIES},{settlement}}}}}"#
        );
        crate::validate_bundle(&json)
            .into_iter()
            .map(|p| (p.code.as_str().to_owned(), p.path, p.severity))
            .collect()
    }

    fn codes(settlement: &str) -> Vec<(String, String)> {
        check(settlement)
            .into_iter()
            .map(|(c, p, _)| (c, p))
            .collect()
    }

    #[test]
    fn a_full_plan_loads() {
        let found = check(
            r#""tier_tables":[{"id":"chain","tiers":[{"up_to":"100000","rate":"0.05"},{"up_to":null,"rate":"0.08"}]}],
               "plans":[{"id":"p","name":"P","when":"order.store_type == 'franchise' and 'promo' in order.tags",
                 "window":{"from":"2026-11-01T00:00:00+08:00","until":"2026-11-12T00:00:00+08:00"},
                 "require_full_allocation":true,"allocation":"to_remainder",
                 "components":[
                   {"kind":"percentage","party":"store","rate":"0.7","id":"store-share"},
                   {"kind":"tiered","party":"agent","tiers":"chain","measure":"period_amount","period":"month"},
                   {"kind":"bonus","party":"tech","when":"order.live_viewers > 10000","amount":"20.00"},
                   {"kind":"region_rate","party":"tech","rates":[{"region":"bj","amount":"80.00"}],"default":"60.00"},
                   {"kind":"cap","party":"tech","amount":"500.00"},
                   {"kind":"floor","party":"tech","amount":"50.00"},
                   {"kind":"remainder","party":"hq"}]}],
               "period_rules":[{"id":"rebate","name":"季度返利","party":"agent","period":"quarter","tiers":"chain","mode":"retroactive",
                 "milestones":[{"at":"5","amount":"500.00","unlocks":["course-pack"]}],"minimum":"0","maximum":"100000",
                 "draw":{"amount":"3000","recovery":"recoverable","recover_over_periods":3}}],
               "refunds":[{"id":"edu","name":"退费","prorate":"remaining_hours","deductions":[{"kind":"promotion"},{"kind":"rate","rate":"0.05"}]}],
               "channels":[{"id":"tmall","name":"天猫","promotion":"deposit_inflation","settle_on":"list","funded_by":"store","plan":"p"}],
               "statements":{"cycle":"day","settle_after_days":1}"#,
        );
        assert_eq!(found, vec![]);
    }

    #[test]
    fn tiers_must_ascend_with_only_the_last_open() {
        let found = codes(
            r#""tier_tables":[
                 {"id":"t","tiers":[{"up_to":"100","rate":"0.1"},{"up_to":"100","rate":"0.2"},{"rate":"0.3"},{"up_to":"50","rate":"1.5"},{"up_to":"500"}]},
                 {"id":"t","tiers":[{"up_to":"0","rate":"0.1"},{"up_to":null,"unit":"2"}]}]"#,
        );
        assert_eq!(
            found,
            vec![
                ("duplicate-id".into(), "/settlement/tier_tables/1/id".into()),
                (
                    "tiers-not-ascending".into(),
                    "/settlement/tier_tables/0/tiers/1/up_to".into()
                ),
                (
                    "tiers-not-ascending".into(),
                    "/settlement/tier_tables/0/tiers/2/up_to".into()
                ),
                (
                    "tiers-not-ascending".into(),
                    "/settlement/tier_tables/0/tiers/3/up_to".into()
                ),
                (
                    "invalid-value".into(),
                    "/settlement/tier_tables/0/tiers/3/rate".into()
                ),
                (
                    "invalid-value".into(),
                    "/settlement/tier_tables/0/tiers/4/up_to".into()
                ),
                (
                    "missing-field".into(),
                    "/settlement/tier_tables/0/tiers/4/rate".into()
                ),
                (
                    "tiers-not-ascending".into(),
                    "/settlement/tier_tables/1/tiers/0/up_to".into()
                ),
            ]
        );
    }

    #[test]
    fn plans_are_checked() {
        let found = check(
            r#""plans":[
                 {"id":"a","name":"A","require_full_allocation":true,"when":"order.store_typ == 'x'",
                  "window":{"from":"2026-11-12T00:00:00+08:00","until":"2026-11-01T00:00:00+08:00"},
                  "components":[{"kind":"percentage","party":"store","rate":"0.6"},{"kind":"percentage","party":"agnet","rate":"0.3"}]},
                 {"id":"a","name":"B","allocation":"to_remainder",
                  "components":[{"kind":"percentage","party":"store","rate":"0.8","id":"x"},{"kind":"percentage","party":"hq","rate":"0.4","id":"x"},
                    {"kind":"bonus","party":"tech","when":"true","amount":"1","rate":"0.1"},
                    {"kind":"tiered","party":"tech","tiers":"nope","measure":"period_orders"},
                    {"kind":"cap","party":"tech","amount":"10"},{"kind":"floor","party":"tech","amount":"20"}]},
                 {"id":"c","name":"C","require_full_allocation":true,
                  "components":[{"kind":"percentage","party":"store","rate":"1"},{"kind":"fixed","party":"tech","amount":"5"},
                    {"kind":"remainder","party":"hq"},{"kind":"remainder","party":"hq"}]},
                 {"id":"d","name":"D","require_full_allocation":true,
                  "components":[{"kind":"percentage","party":"store","rate":"1"},{"kind":"fixed","party":"tech","amount":"5"}]}]"#,
        );
        let e = Severity::Error;
        assert_eq!(
            found,
            vec![
                ("duplicate-id".into(), "/settlement/plans/1/id".into(), e),
                (
                    "unknown-variable".into(),
                    "/settlement/plans/0/when".into(),
                    e
                ),
                (
                    "ends-before-start".into(),
                    "/settlement/plans/0/window/until".into(),
                    e
                ),
                (
                    "unknown-reference".into(),
                    "/settlement/plans/0/components/1/party".into(),
                    e
                ),
                (
                    "weights-not-covering".into(),
                    "/settlement/plans/0/components".into(),
                    e
                ),
                (
                    "duplicate-id".into(),
                    "/settlement/plans/1/components/1/id".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/settlement/plans/1/components/2/rate".into(),
                    e
                ),
                (
                    "unknown-reference".into(),
                    "/settlement/plans/1/components/3/tiers".into(),
                    e
                ),
                (
                    "missing-field".into(),
                    "/settlement/plans/1/components/3/period".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/settlement/plans/1/components/5/amount".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/settlement/plans/1/components/5/kind".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/settlement/plans/1/allocation".into(),
                    e
                ),
                (
                    "weights-not-covering".into(),
                    "/settlement/plans/1/components".into(),
                    Severity::Warning
                ),
                (
                    "invalid-value".into(),
                    "/settlement/plans/2/components/3/kind".into(),
                    e
                ),
                (
                    "weights-not-covering".into(),
                    "/settlement/plans/3/components/1".into(),
                    e
                ),
            ]
        );
    }

    #[test]
    fn period_rules_refunds_and_channels_are_checked() {
        let found = codes(
            r#""period_rules":[
                 {"id":"r","name":"R","party":"ghost","period":"month"},
                 {"id":"r","name":"R2","party":"agent","period":"quarter","when":"order.amount >",
                  "milestones":[{"at":"5","amount":"100"},{"at":"5"}],"minimum":"100","maximum":"50"}],
               "refunds":[{"id":"x","name":"X","deductions":[{"kind":"rate","rate":"2"}]}],
               "channels":[{"id":"c","name":"C","settle_on":"list","plan":"none"}],
               "statements":{"cycle":"month","calendar":"cal"}"#,
        );
        assert_eq!(
            found,
            vec![
                (
                    "unknown-reference".into(),
                    "/settlement/period_rules/0/party".into()
                ),
                (
                    "missing-field".into(),
                    "/settlement/period_rules/0/tiers".into()
                ),
                // No plan has a remainder party to fund the rules by default.
                (
                    "missing-field".into(),
                    "/settlement/period_rules/0/funded_by".into()
                ),
                (
                    "duplicate-id".into(),
                    "/settlement/period_rules/1/id".into()
                ),
                (
                    "expression-syntax".into(),
                    "/settlement/period_rules/1/when".into()
                ),
                (
                    "tiers-not-ascending".into(),
                    "/settlement/period_rules/1/milestones/1/at".into()
                ),
                (
                    "missing-field".into(),
                    "/settlement/period_rules/1/milestones/1/amount".into()
                ),
                (
                    "invalid-value".into(),
                    "/settlement/period_rules/1/maximum".into()
                ),
                (
                    "missing-field".into(),
                    "/settlement/period_rules/1/funded_by".into()
                ),
                (
                    "invalid-value".into(),
                    "/settlement/refunds/0/deductions/0/rate".into()
                ),
                (
                    "unknown-reference".into(),
                    "/settlement/channels/0/plan".into()
                ),
                (
                    "missing-field".into(),
                    "/settlement/channels/0/funded_by".into()
                ),
                (
                    "unknown-reference".into(),
                    "/settlement/statements/calendar".into()
                ),
            ]
        );
    }
}
