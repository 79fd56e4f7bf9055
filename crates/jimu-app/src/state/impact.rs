//! The impact of a draft on money and routes: the samples kept with the draft (quote requests,
//! form fills, sample orders) run through the published bundle ("before") and through the draft
//! ("after"), and what changes between the two.
//!
//! Everything is computed by the previews' models (`previews::*::model`), so each side is what
//! the previews show for that bundle. A side that cannot price, evaluate or
//! settle a sample gives that sample's problems instead of a panic. The sample orders are read
//! once and settled by both bundles.

use crate::previews::form::model as form_model;
use crate::previews::orders::model as orders_model;
use crate::previews::quote::model as quote_model;
use crate::state::samples::{self, Kind};
use jimu_core::settle::{OrderSplit, Statement};
use jimu_core::{Bundle, Localized, Problem};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::sync::Arc;

/// One side's result: the value, or the texts of the problems that kept the side from it.
pub type Outcome<T> = Result<T, Vec<Localized>>;

/// An amount in a currency (a quote's total).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: &'static str,
}

/// One kept quote request, priced by both bundles.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteImpact {
    /// Where the sample is kept (`/editor/samples/quotes/0`).
    pub at: String,
    pub name: String,
    /// The total, or why the request cannot be priced.
    pub before: Outcome<Money>,
    pub after: Outcome<Money>,
    /// `after − before`, when both sides priced in the same currency.
    pub delta: Option<Decimal>,
    /// The sides differ (a total, a currency, or problems on one side or both).
    pub changed: bool,
}

/// One kept form fill, evaluated by both bundles.
#[derive(Debug, Clone, PartialEq)]
pub struct FormImpact {
    /// Where the sample is kept (`/editor/samples/forms/0`).
    pub at: String,
    pub name: String,
    /// The form the fill is for.
    pub form: String,
    /// The route (the flow a ticket with these answers enters; `None`: no route), or why the
    /// fill cannot be evaluated.
    pub before: Outcome<Option<String>>,
    pub after: Outcome<Option<String>>,
    pub changed: bool,
}

/// What one party receives before and after (of one order, or over all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyChange {
    /// The plan's party (a position such as `store`).
    pub party: String,
    pub before: Decimal,
    pub after: Decimal,
    /// `after − before`.
    pub delta: Decimal,
}

/// A sample order whose split changes.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderImpact {
    /// The order's line in the CSV text (the header is line 1).
    pub line: usize,
    /// The order's id (empty when the row has none).
    pub order: String,
    /// Each party's share on both sides, in party order (see [`Impact::parties`]). A party a
    /// side pays nothing counts 0 there, and so does every party on a side that cannot settle
    /// the order (its statements leave the order out).
    pub parties: Vec<PartyChange>,
    /// Why the published bundle cannot settle the order (empty when it can).
    pub problems_before: Vec<Localized>,
    /// Why the draft cannot settle the order (empty when it can).
    pub problems_after: Vec<Localized>,
}

/// One period statement (结算单) on both sides; a statement one side does not have counts 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementImpact {
    pub party: String,
    /// Who is paid: the party itself, or the order's payee for a `from_order` party.
    pub payee: String,
    /// The statement period (`2026-11`).
    pub period: String,
    pub before: Decimal,
    pub after: Decimal,
    pub delta: Decimal,
}

/// How many samples were run, and how many of them changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub quotes: usize,
    pub quotes_changed: usize,
    pub forms: usize,
    pub forms_changed: usize,
    /// Rows of the sample orders (including rows neither side can settle).
    pub orders: usize,
    pub orders_changed: usize,
}

/// The impact of a draft: its samples run through the published bundle and through it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Impact {
    /// Every kept quote request, in the order kept.
    pub quotes: Vec<QuoteImpact>,
    /// Every kept form fill, in the order kept.
    pub forms: Vec<FormImpact>,
    /// The sample orders whose split changes, in row order (the others are only counted).
    pub orders: Vec<OrderImpact>,
    /// The total change per party: what each party's statements add up to on both sides
    /// (period rules such as rebates included, so it can differ from the sum of the orders'
    /// shares), in party order: the draft's parties as listed, then parties only the published
    /// bundle has.
    pub parties: Vec<PartyChange>,
    /// Every period statement of either side, by party (in party order), payee and period.
    pub statements: Vec<StatementImpact>,
    /// The currency settlement amounts are in, published and draft.
    pub currency_before: &'static str,
    pub currency_after: &'static str,
    /// Problems with the sample orders' text itself (a bad header, a line that cannot be read),
    /// the same for both sides.
    pub orders_problems: Vec<Problem>,
    pub counts: Counts,
}

impl Impact {
    /// Nothing changes: no sample prices, routes or settles differently.
    pub fn unchanged(&self) -> bool {
        self.counts.quotes_changed == 0
            && self.counts.forms_changed == 0
            && self.counts.orders_changed == 0
            && self.parties.iter().all(|p| p.delta.is_zero())
            && self.statements.iter().all(|s| s.delta.is_zero())
    }
}

/// Runs the samples kept in `doc` (the draft's document, its `/editor/samples`) through the
/// `published` bundle and through the `draft`, and says what changes.
#[cfg(test)]
pub fn impact(draft: &Bundle, published: &Bundle, doc: &Value) -> Impact {
    impact_with(draft, published, doc, &mut OrdersCache::default(), None)
}

/// What stays the same while only the draft changes: the sample orders read from their text,
/// and the published bundle's settlement of them. Kept between calls of [`impact_cached`].
#[derive(Default)]
pub struct OrdersCache {
    text: String,
    read: Option<Arc<orders_model::ReadOrders>>,
    published: Option<(Arc<Bundle>, Arc<orders_model::Settled>)>,
}

/// [`impact`], reusing what `cache` holds from the last call: the orders are read again only
/// when their text changed, and settled by the published bundle only when it (or the text)
/// changed; the draft's side is always settled anew.
pub fn impact_cached(
    draft: &Bundle,
    published: &Arc<Bundle>,
    doc: &Value,
    cache: &mut OrdersCache,
) -> Impact {
    impact_with(draft, published, doc, cache, Some(published))
}

fn impact_with(
    draft: &Bundle,
    published: &Bundle,
    doc: &Value,
    cache: &mut OrdersCache,
    key: Option<&Arc<Bundle>>,
) -> Impact {
    let quotes = quotes(draft, published, doc);
    let forms = forms(draft, published, doc);
    let mut impact = Impact {
        currency_before: published.currency().code,
        currency_after: draft.currency().code,
        counts: Counts {
            quotes: quotes.len(),
            quotes_changed: quotes.iter().filter(|q| q.changed).count(),
            forms: forms.len(),
            forms_changed: forms.iter().filter(|f| f.changed).count(),
            ..Counts::default()
        },
        quotes,
        forms,
        ..Impact::default()
    };
    if let Some(text) = samples::orders_csv(doc) {
        orders(draft, published, text, &mut impact, cache, key);
    }
    impact
}

fn messages(problems: &[Problem]) -> Vec<Localized> {
    problems.iter().map(|p| p.message.clone()).collect()
}

fn priced(bundle: &Bundle, request: &Value) -> Outcome<Money> {
    match quote_model::price_request(bundle, request) {
        quote_model::Priced::Quoted(quote) => Ok(Money {
            amount: quote.total,
            currency: quote.currency,
        }),
        quote_model::Priced::Problems { problems, .. } => Err(messages(&problems)),
    }
}

fn quotes(draft: &Bundle, published: &Bundle, doc: &Value) -> Vec<QuoteImpact> {
    samples::list(doc, Kind::Quotes)
        .into_iter()
        .map(|(at, name, sample)| {
            let request = sample.get("request").unwrap_or(&Value::Null);
            let before = priced(published, request);
            let after = priced(draft, request);
            let delta = match (&before, &after) {
                (Ok(b), Ok(a)) if a.currency == b.currency => Some(a.amount - b.amount),
                _ => None,
            };
            QuoteImpact {
                changed: before != after,
                at,
                name,
                before,
                after,
                delta,
            }
        })
        .collect()
}

fn route(
    bundle: &Bundle,
    form: &str,
    values: &Map<String, Value>,
    role: Option<&str>,
) -> Outcome<Option<String>> {
    form_model::run(bundle, form, values, role)
        .map(|evaluation| evaluation.route)
        .map_err(|problems| messages(&problems))
}

fn forms(draft: &Bundle, published: &Bundle, doc: &Value) -> Vec<FormImpact> {
    let no_values = Map::new();
    samples::list(doc, Kind::Forms)
        .into_iter()
        .map(|(at, name, sample)| {
            let form = sample
                .get("form")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let values = sample
                .get("values")
                .and_then(Value::as_object)
                .unwrap_or(&no_values);
            let role = sample.get("role").and_then(Value::as_str);
            let before = route(published, &form, values, role);
            let after = route(draft, &form, values, role);
            FormImpact {
                changed: before != after,
                at,
                name,
                form,
                before,
                after,
            }
        })
        .collect()
}

/// The parties in the order the impact lists them: the draft's, then the published bundle's
/// others; parties neither declares are added as they are met.
struct Parties(Vec<Arc<str>>);

impl Parties {
    fn new(draft: &Bundle, published: &Bundle) -> Self {
        let mut parties = Self(Vec::new());
        for bundle in [draft, published] {
            for party in &bundle.doc().settlement.parties {
                parties.index(party.id.as_str());
            }
        }
        parties
    }

    fn index(&mut self, party: &str) -> usize {
        match self.0.iter().position(|p| **p == *party) {
            Some(i) => i,
            None => {
                self.0.push(Arc::from(party));
                self.0.len() - 1
            }
        }
    }
}

/// Adds `amount` to the entry of `index` (entries are kept few and unsorted).
fn add(sums: &mut Vec<(usize, Decimal)>, index: usize, amount: Decimal) {
    match sums.iter_mut().find(|(i, _)| *i == index) {
        Some(entry) => entry.1 += amount,
        None => sums.push((index, amount)),
    }
}

/// One order's amount per party (by index in `parties`).
fn shares(split: &OrderSplit, parties: &mut Parties) -> Vec<(usize, Decimal)> {
    let mut sums = Vec::with_capacity(split.shares.len());
    for share in &split.shares {
        add(&mut sums, parties.index(&share.party), share.amount);
    }
    sums
}

/// A party's sum in `side` (0 when it has none).
fn amount(side: &[(usize, Decimal)], index: usize) -> Decimal {
    side.iter()
        .find(|(i, _)| *i == index)
        .map_or(Decimal::ZERO, |(_, a)| *a)
}

/// Every party gets the same on both sides (a party one side does not list gets 0 there).
fn same(before: &[(usize, Decimal)], after: &[(usize, Decimal)]) -> bool {
    before.iter().all(|(i, a)| amount(after, *i) == *a)
        && after.iter().all(|(i, a)| amount(before, *i) == *a)
}

/// Both sides' sums by party index, as changes in party order (every party either side has).
fn changes(
    before: &[(usize, Decimal)],
    after: &[(usize, Decimal)],
    parties: &Parties,
) -> Vec<PartyChange> {
    let mut indices: Vec<usize> = before.iter().chain(after).map(|(i, _)| *i).collect();
    indices.sort_unstable();
    indices.dedup();
    indices
        .into_iter()
        .map(|index| {
            let (before, after) = (amount(before, index), amount(after, index));
            PartyChange {
                party: parties.0[index].to_string(),
                before,
                after,
                delta: after - before,
            }
        })
        .collect()
}

fn orders(
    draft: &Bundle,
    published: &Bundle,
    text: &str,
    impact: &mut Impact,
    cache: &mut OrdersCache,
    key: Option<&Arc<Bundle>>,
) {
    if cache.read.is_none() || cache.text != text {
        cache.text = text.to_owned();
        cache.read = Some(Arc::new(orders_model::read(text)));
        cache.published = None;
    }
    let read = cache.read.clone().unwrap_or_default();
    impact.orders_problems.clone_from(&read.problems);
    impact.counts.orders = read.rows.len();
    if read.rows.is_empty() {
        return;
    }
    // Only statement totals are compared: their lines are not kept.
    let before = match (key, &cache.published) {
        (Some(k), Some((b, settled))) if Arc::ptr_eq(k, b) => settled.clone(),
        _ => {
            let settled = Arc::new(orders_model::settle_read(published, &read, false));
            if let Some(k) = key {
                cache.published = Some((k.clone(), settled.clone()));
            }
            settled
        }
    };
    let after = orders_model::settle_read(draft, &read, false);
    let mut parties = Parties::new(draft, published);
    for (b, a) in before.rows.iter().zip(&after.rows) {
        let mut side = |outcome: &Result<OrderSplit, Vec<Problem>>| match outcome {
            Ok(split) => shares(split, &mut parties),
            Err(_) => Vec::new(),
        };
        let (shares_before, shares_after) = (side(&b.outcome), side(&a.outcome));
        let problems = |outcome: &Result<OrderSplit, Vec<Problem>>| {
            outcome
                .as_ref()
                .err()
                .map(|p| messages(p))
                .unwrap_or_default()
        };
        if b.outcome.as_ref().err() == a.outcome.as_ref().err()
            && same(&shares_before, &shares_after)
        {
            continue;
        }
        impact.orders.push(OrderImpact {
            line: b.line,
            order: b.order.clone(),
            parties: changes(&shares_before, &shares_after, &parties),
            problems_before: problems(&b.outcome),
            problems_after: problems(&a.outcome),
        });
    }
    impact.counts.orders_changed = impact.orders.len();
    let totals = |statements: &[Statement], parties: &mut Parties| {
        let mut sums = Vec::new();
        for statement in statements {
            add(&mut sums, parties.index(&statement.party), statement.total);
        }
        sums
    };
    let totals_before = totals(&before.statements, &mut parties);
    let totals_after = totals(&after.statements, &mut parties);
    impact.parties = changes(&totals_before, &totals_after, &parties);
    impact.statements = statements(&before.statements, &after.statements, &mut parties);
}

fn statements(
    before: &[Statement],
    after: &[Statement],
    parties: &mut Parties,
) -> Vec<StatementImpact> {
    // (party index, payee, period) → (before, after)
    let mut keyed: std::collections::BTreeMap<(usize, &str, &str), (Decimal, Decimal)> =
        std::collections::BTreeMap::new();
    for (side, statements) in [(0, before), (1, after)] {
        for s in statements {
            let key = (parties.index(&s.party), s.payee.as_str(), s.period.as_str());
            let entry = keyed.entry(key).or_default();
            if side == 0 {
                entry.0 += s.total;
            } else {
                entry.1 += s.total;
            }
        }
    }
    keyed
        .into_iter()
        .map(
            |((party, payee, period), (before, after))| StatementImpact {
                party: parties.0[party].to_string(),
                payee: payee.to_owned(),
                period: period.to_owned(),
                before,
                after,
                delta: after - before,
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The published bundle: the call-out fee by distance and a VIP discount (pricing), a
    /// complaint form routed by its type (forms), a 10% technician commission with the rest to
    /// HQ (settlement).
    fn published() -> Value {
        let flow = |id: &str| {
            json!({"id": id, "name": id, "nodes": [
                {"id": "start", "name": "开始", "kind": "start", "next": "closed"},
                {"id": "closed", "name": "结束", "kind": "end"}
            ]})
        };
        json!({
            "schema_version": 2, "name": "impact", "currency": "CNY", "time_zone": "Asia/Shanghai",
            "catalog": [
                {"id": "call-out", "name": {"zh-CN": "上门费", "en": "Call-out fee"}, "kind": "service", "price": "30.00"},
                {"id": "ac-clean", "name": {"zh-CN": "空调清洗", "en": "AC cleaning"}, "kind": "service", "price": "120.00"}
            ],
            "pricing": {
                "tier_tables": [{"id": "call-out-km", "name": "上门费", "unit": "km", "charge": {
                    "model": "graduated",
                    "tiers": [{"up_to": "3", "flat": "30", "unit": "0"}, {"up_to": null, "unit": "5"}]
                }}],
                "groups": [
                    {"id": "member", "name": "会员价", "priority": 50, "stacking": "first_match",
                     "applies_to": {"scope": "lines", "item_kinds": ["service"]},
                     "rules": [{"id": "vip", "name": "VIP 9 折", "when": "tier == 'vip'",
                                "effect": {"kind": "percent_off", "percent": "10"}}]},
                    {"id": "fees", "name": "附加费用", "priority": 90, "stacking": "first_match",
                     "applies_to": {"scope": "ticket"},
                     "rules": [{"id": "call-out-by-distance", "name": "上门费按距离计",
                                "effect": {"kind": "tiered_fee", "table": "call-out-km", "quantity": "distance_km",
                                           "transform": {"round": "up", "step": "1"}, "item": "call-out"}}]}
                ]
            },
            "forms": [{"id": "complaint", "name": "投诉", "fields": [
                {"id": "complaint_type", "kind": "single_select", "label": "投诉类型", "options": [
                    {"id": "service", "label": "服务"}, {"id": "quality", "label": "质量"}, {"id": "delivery", "label": "物流"}
                ]}
            ], "routes": [
                {"when": "complaint_type == 'service'", "flow": "service-complaint"},
                {"when": "complaint_type == 'quality'", "flow": "quality-complaint"}
            ], "default_flow": "delivery-complaint"}],
            "flows": [flow("service-complaint"), flow("quality-complaint"), flow("delivery-complaint")],
            "settlement": {
                "parties": [
                    {"id": "hq", "name": "总部", "kind": "hq"},
                    {"id": "technician", "name": "技师", "kind": "technician"}
                ],
                "plans": [{"id": "standard", "name": "标准", "components": [
                    {"kind": "percentage", "id": "commission", "party": "technician", "rate": "0.10"},
                    {"kind": "remainder", "id": "rest", "party": "hq"}
                ]}],
                "statements": {"cycle": "month"}
            }
        })
    }

    /// The samples every case runs: two quote requests (a cleaning 7 km away, the same for a
    /// VIP), two form fills, three orders (the third's amount is no amount).
    fn samples() -> Value {
        json!({
            "quotes": [
                {"name": "7 km", "request": {"lines": [{"item": "ac-clean", "quantity": "1"}],
                                             "context": {"distance_km": "7", "tier": "regular"}}},
                {"name": "vip 7 km", "request": {"lines": [{"item": "ac-clean", "quantity": "1"}],
                                                 "context": {"distance_km": "7", "tier": "vip"}}}
            ],
            "forms": [
                {"name": "service", "form": "complaint", "values": {"complaint_type": "service"}, "role": null},
                {"name": "quality", "form": "complaint", "values": {"complaint_type": "quality"}}
            ],
            "orders_csv": "id,amount,placed_at\n\
                           o-1,1000.00,2026-11-03T10:00:00+08:00\n\
                           o-2,250.00,2026-11-20T10:00:00+08:00\n\
                           o-3,abc,2026-11-21T10:00:00+08:00\n"
        })
    }

    fn bundle(doc: &Value) -> Bundle {
        Bundle::from_value(doc).unwrap_or_else(|p| panic!("a valid bundle: {p:#?}"))
    }

    fn signed(d: Decimal) -> String {
        if d.is_sign_positive() && !d.is_zero() {
            format!("+{d}")
        } else {
            d.to_string()
        }
    }

    fn side<T>(outcome: &Outcome<T>, show: impl Fn(&T) -> String) -> String {
        match outcome {
            Ok(value) => show(value),
            Err(problems) => {
                assert!(
                    problems
                        .iter()
                        .all(|p| !p.zh_cn.is_empty() && !p.en.is_empty()),
                    "{problems:?}"
                );
                "fails".to_owned()
            }
        }
    }

    /// The impact as lines to compare with what is worked out by hand.
    fn render(impact: &Impact) -> Vec<String> {
        let mut lines = Vec::new();
        for q in &impact.quotes {
            let money = |m: &Money| format!("{} {}", m.amount, m.currency);
            let (before, after) = (side(&q.before, money), side(&q.after, money));
            lines.push(match (q.changed, q.delta) {
                (false, _) => format!("quote {}: {before}", q.name),
                (true, Some(d)) => format!("quote {}: {before} → {after} ({})", q.name, signed(d)),
                (true, None) => format!("quote {}: {before} → {after}", q.name),
            });
        }
        for f in &impact.forms {
            let route = |r: &Option<String>| r.clone().unwrap_or_else(|| "no route".to_owned());
            let (before, after) = (side(&f.before, route), side(&f.after, route));
            lines.push(if f.changed {
                format!("form {}: {before} → {after}", f.name)
            } else {
                format!("form {}: {before}", f.name)
            });
        }
        let change = |c: &PartyChange| {
            format!(
                "{} {} → {} ({})",
                c.party,
                c.before,
                c.after,
                signed(c.delta)
            )
        };
        for o in &impact.orders {
            let fails = match (o.problems_before.is_empty(), o.problems_after.is_empty()) {
                (true, true) => "",
                (false, true) => " [fails before]",
                (true, false) => " [fails after]",
                (false, false) => " [fails both]",
            };
            let parties: Vec<String> = o.parties.iter().map(change).collect();
            lines.push(format!(
                "order {} (line {}): {}{fails}",
                o.order,
                o.line,
                parties.join(", ")
            ));
        }
        for p in &impact.parties {
            lines.push(format!("party {}", change(p)));
        }
        for s in &impact.statements {
            lines.push(format!(
                "statement {}/{}/{}: {} → {}",
                s.party, s.payee, s.period, s.before, s.after
            ));
        }
        let c = impact.counts;
        lines.push(format!(
            "changed: quotes {}/{}, forms {}/{}, orders {}/{}",
            c.quotes_changed, c.quotes, c.forms_changed, c.forms, c.orders_changed, c.orders
        ));
        lines
    }

    /// Runs `samples` of a draft made from the published bundle by `edits` (pointer, value;
    /// `Value::Null` removes), and compares the impact with `expected`.
    fn check(edits: &[(&str, Value)], samples: Option<Value>, expected: &[&str]) -> Impact {
        let before = published();
        let mut after = before.clone();
        for (at, value) in edits {
            let (parent, key) = at.rsplit_once('/').expect("a pointer");
            let parent = after.pointer_mut(parent).expect("the edit's parent");
            match (parent, value) {
                (Value::Object(map), Value::Null) => {
                    map.shift_remove(key);
                }
                (Value::Object(map), value) => {
                    map.insert(key.to_owned(), value.clone());
                }
                (Value::Array(list), value) if key == "-" => list.push(value.clone()),
                (Value::Array(list), value) => {
                    let i: usize = key.parse().expect("an index");
                    list[i] = value.clone();
                }
                _ => panic!("cannot edit {at}"),
            }
        }
        if let Some(samples) = samples {
            after["editor"] = json!({ "samples": samples });
        }
        let impact = impact(&bundle(&after), &bundle(&before), &after);
        assert_eq!(render(&impact), expected, "{impact:#?}");
        // Kept between edits, the orders and the published side give the same impact.
        let published = Arc::new(bundle(&before));
        let mut cache = OrdersCache::default();
        let warm = impact_cached(&published, &published, &after, &mut cache);
        assert!(
            warm.orders.is_empty(),
            "the published bundle against itself"
        );
        assert_eq!(
            impact_cached(&bundle(&after), &published, &after, &mut cache),
            impact
        );
        assert_eq!(impact.currency_before, "CNY");
        assert_eq!(impact.currency_after, "CNY");
        assert_eq!(
            impact.unchanged(),
            impact.quotes.iter().all(|q| !q.changed)
                && impact.forms.iter().all(|f| !f.changed)
                && impact.orders.is_empty()
        );
        impact
    }

    #[test]
    fn an_identical_draft_changes_nothing() {
        check(
            &[],
            Some(samples()),
            &[
                // 120.00 + the call-out fee for 7 km (30 + 4 × 5).
                "quote 7 km: 170.00 CNY",
                // 120.00 − 10% + 50.00 (fees come after the member price).
                "quote vip 7 km: 158.00 CNY",
                "form service: service-complaint",
                "form quality: quality-complaint",
                "party hq 1125.00 → 1125.00 (0.00)",
                "party technician 125.00 → 125.00 (0.00)",
                "statement hq/hq/2026-11: 1125.00 → 1125.00",
                "statement technician/technician/2026-11: 125.00 → 125.00",
                // o-3 is read and run on both sides; it fails the same on both.
                "changed: quotes 0/2, forms 0/2, orders 0/3",
            ],
        );
    }

    #[test]
    fn no_samples_no_impact() {
        check(
            &[("/settlement/plans/0/components/0/rate", json!("0.12"))],
            None,
            &["changed: quotes 0/0, forms 0/0, orders 0/0"],
        );
        check(
            &[],
            Some(json!({"quotes": [], "orders_csv": "  \n"})),
            &["changed: quotes 0/0, forms 0/0, orders 0/0"],
        );
    }

    #[test]
    fn a_raised_commission_moves_money_from_the_remainder_party() {
        // 10% → 12%: of 1000.00, 20.00 moves from HQ (the remainder) to the technician; of
        // 250.00, 5.00.
        check(
            &[("/settlement/plans/0/components/0/rate", json!("0.12"))],
            Some(samples()),
            &[
                "quote 7 km: 170.00 CNY",
                "quote vip 7 km: 158.00 CNY",
                "form service: service-complaint",
                "form quality: quality-complaint",
                "order o-1 (line 2): hq 900.00 → 880.00 (-20.00), technician 100.00 → 120.00 (+20.00)",
                "order o-2 (line 3): hq 225.00 → 220.00 (-5.00), technician 25.00 → 30.00 (+5.00)",
                "party hq 1125.00 → 1100.00 (-25.00)",
                "party technician 125.00 → 150.00 (+25.00)",
                "statement hq/hq/2026-11: 1125.00 → 1100.00",
                "statement technician/technician/2026-11: 125.00 → 150.00",
                "changed: quotes 0/2, forms 0/2, orders 2/3",
            ],
        );
    }

    #[test]
    fn a_changed_discount_or_fee_reprices_the_quotes_it_touches() {
        // VIP 10% → 20% off: 120.00 − 24.00 + 50.00 = 146.00.
        check(
            &[("/pricing/groups/0/rules/0/effect/percent", json!("20"))],
            Some(json!({"quotes": samples()["quotes"]})),
            &[
                "quote 7 km: 170.00 CNY",
                "quote vip 7 km: 158.00 CNY → 146.00 CNY (-12.00)",
                "changed: quotes 1/2, forms 0/0, orders 0/0",
            ],
        );
        // The call-out base 30 → 40 within 3 km: every quote 10.00 more.
        check(
            &[("/pricing/tier_tables/0/charge/tiers/0/flat", json!("40"))],
            Some(json!({"quotes": samples()["quotes"]})),
            &[
                "quote 7 km: 170.00 CNY → 180.00 CNY (+10.00)",
                "quote vip 7 km: 158.00 CNY → 168.00 CNY (+10.00)",
                "changed: quotes 2/2, forms 0/0, orders 0/0",
            ],
        );
    }

    #[test]
    fn a_quote_that_fails_on_one_side_says_so() {
        // The draft's fee reads a channel the samples do not give: the draft cannot price them.
        let impact = check(
            &[("/pricing/groups/1/rules/0/when", json!("channel == 'app'"))],
            Some(json!({"quotes": samples()["quotes"]})),
            &[
                "quote 7 km: 170.00 CNY → fails",
                "quote vip 7 km: 158.00 CNY → fails",
                "changed: quotes 2/2, forms 0/0, orders 0/0",
            ],
        );
        let Err(problems) = &impact.quotes[0].after else {
            panic!("fails");
        };
        assert!(problems[0].en.contains("channel"), "{problems:?}");
        assert_eq!(impact.quotes[0].delta, None);
        // A request for an item only the draft has: the published bundle cannot price it.
        check(
            &[(
                "/catalog/-",
                json!({"id": "filter", "name": "滤网", "kind": "part", "price": "35.00"}),
            )],
            Some(json!({"quotes": [{"name": "filter", "request": {
                "lines": [{"item": "filter", "quantity": "2"}], "context": {"distance_km": "1", "tier": "regular"}
            }}]})),
            // 2 × 35.00 + 30.00 within 3 km.
            &[
                "quote filter: fails → 100.00 CNY",
                "changed: quotes 1/1, forms 0/0, orders 0/0",
            ],
        );
        // A kept sample without a request fails the same on both sides: no change.
        check(
            &[],
            Some(json!({"quotes": [{"name": "empty"}]})),
            &[
                "quote empty: fails",
                "changed: quotes 0/1, forms 0/0, orders 0/0",
            ],
        );
    }

    #[test]
    fn a_changed_route_shows_both_flows() {
        check(
            &[("/forms/0/routes/0/flow", json!("quality-complaint"))],
            Some(json!({"forms": samples()["forms"]})),
            &[
                "form service: service-complaint → quality-complaint",
                "form quality: quality-complaint",
                "changed: quotes 0/0, forms 1/2, orders 0/0",
            ],
        );
    }

    #[test]
    fn an_order_that_fails_on_one_side_leaves_that_sides_statements() {
        // The draft's only plan takes orders under 500.00: o-1 has no plan there.
        let impact = check(
            &[("/settlement/plans/0/when", json!("order.amount < 500"))],
            Some(json!({"orders_csv": samples()["orders_csv"]})),
            &[
                "order o-1 (line 2): hq 900.00 → 0 (-900.00), technician 100.00 → 0 (-100.00) [fails after]",
                "party hq 1125.00 → 225.00 (-900.00)",
                "party technician 125.00 → 25.00 (-100.00)",
                "statement hq/hq/2026-11: 1125.00 → 225.00",
                "statement technician/technician/2026-11: 125.00 → 25.00",
                "changed: quotes 0/0, forms 0/0, orders 1/3",
            ],
        );
        assert!(
            impact.orders[0].problems_after[0].en.contains("o-1"),
            "{:?}",
            impact.orders[0].problems_after
        );
    }

    #[test]
    fn orders_that_cannot_be_read_are_said_once_for_both_sides() {
        let impact = check(
            &[],
            Some(json!({"orders_csv": "id,amout\no-1,1.00\n"})),
            &["changed: quotes 0/0, forms 0/0, orders 0/0"],
        );
        assert_eq!(impact.orders_problems.len(), 1);
        assert_eq!(impact.orders_problems[0].line, Some(1));
    }

    /// Not a test: how long 1,000 orders with 4 parties take to diff, natively
    /// (`cargo test -p jimu-app --release -- impact::tests::timing --ignored --nocapture`).
    #[test]
    #[ignore]
    fn timing() {
        let path = format!(
            "{}/../../tests/bundles/valid/settlement-franchise-vs-direct.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).expect("the bundle");
        let published: Value = serde_json::from_str(&text).expect("json");
        let mut draft = published.clone();
        draft["settlement"]["plans"][0]["components"][0]["rate"] = json!("0.70");
        let mut csv = String::from(
            "id,amount,placed_at,store_type,province,promotion,payees.store,payees.regional-agent,payees.technician\n",
        );
        let kinds = ["franchise", "direct"];
        let provinces = ["guangdong", "beijing", "zhejiang"];
        for i in 0..1000 {
            csv.push_str(&format!(
                "o-{i},{}.{:02},2026-11-{:02}T10:00:00+08:00,{},{},{},store-{},agent-{},tech-{}\n",
                100 + i % 900,
                i % 100,
                1 + i % 28,
                kinds[i % 2],
                provinces[i % 3],
                if i % 5 == 0 { "double-11" } else { "" },
                i % 20,
                i % 4,
                i % 37
            ));
        }
        draft["editor"] = json!({"samples": {"orders_csv": csv}});
        let (draft_bundle, published_bundle) = (bundle(&draft), bundle(&published));
        let started = std::time::Instant::now();
        let runs = 10;
        let mut changed = 0;
        for _ in 0..runs {
            changed = impact(&draft_bundle, &published_bundle, &draft)
                .counts
                .orders_changed;
        }
        println!(
            "1,000 orders, 4 parties: {:?} per diff ({changed} orders changed)",
            started.elapsed() / runs
        );
    }
}
