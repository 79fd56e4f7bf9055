//! The plans: when each applies, the base it splits, how rounding is allocated, and its
//! components in order — a percentage, a fixed amount, tiered commission (marginal or
//! retroactive, with its chart), a bonus, a rate by region, a cap or floor, and the remainder
//! party, which takes what is left.

use super::commission_series;
use crate::editors::money::chart::TierChart;
use crate::editors::money::tiers::TierGrid;
use crate::editors::money::{RemoveButton, move_item, name_of, push, remove_item};
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::ui::condition::{ConditionAt, Var};
use crate::ui::fields::{
    CheckAt, ExprAt, LocalizedAt, SelectAt, TextAt, fixed, len_at, listed, write,
};
use leptos::prelude::*;
use serde_json::{Value, json};

const BASES: [(&str, Key); 4] = [
    ("revenue", Key::BaseRevenue),
    ("margin", Key::BaseMargin),
    ("labour", Key::BaseLabour),
    ("parts", Key::BaseParts),
];
const ALLOCATIONS: [(&str, Key); 2] = [
    ("largest_remainder", Key::AllocLargest),
    ("to_remainder", Key::AllocRemainder),
];
const KINDS: [(&str, Key); 8] = [
    ("percentage", Key::CompPercentage),
    ("fixed", Key::CompFixed),
    ("tiered", Key::CompTiered),
    ("bonus", Key::CompBonus),
    ("region_rate", Key::CompRegionRate),
    ("cap", Key::CompCap),
    ("floor", Key::CompFloor),
    ("remainder", Key::CompRemainder),
];
const PER: [(&str, Key); 2] = [("order", Key::PerOrder), ("unit", Key::PerUnit)];
const MEASURES: [(&str, Key); 5] = [
    ("order_amount", Key::MeasureOrderAmount),
    ("order_quantity", Key::MeasureOrderQuantity),
    ("period_amount", Key::MeasurePeriodAmount),
    ("period_quantity", Key::MeasurePeriodQuantity),
    ("period_orders", Key::MeasurePeriodOrders),
];
const PERIODS: [(&str, Key); 5] = [
    ("day", Key::PeriodDay),
    ("week", Key::PeriodWeek),
    ("month", Key::PeriodMonth),
    ("quarter", Key::PeriodQuarter),
    ("year", Key::PeriodYear),
];

/// What a plan's condition may read about an order.
fn order_vars(ws: Workspace) -> Signal<Vec<Var>> {
    Signal::derive(move || {
        let regions: Vec<String> = ws
            .value_at("/org/regions")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
            .collect();
        let var = |name: &str, numeric: bool, choices: Vec<String>| Var {
            name: name.to_owned(),
            numeric,
            choices,
        };
        vec![
            var("order.channel", false, Vec::new()),
            var("order.region", false, regions),
            var("order.amount", true, Vec::new()),
            var("order.quantity", true, Vec::new()),
            var("order.margin", true, Vec::new()),
            var("order.store", false, Vec::new()),
        ]
    })
}

/// A new component of `kind` for the first party.
fn component_of(kind: &str, party: &str) -> Value {
    match kind {
        "fixed" => json!({"kind": kind, "party": party, "amount": "10.00"}),
        "tiered" => {
            json!({"kind": kind, "party": party, "tiers": [{"up_to": "10000", "rate": "0.03"}, {"up_to": null, "rate": "0.05"}], "mode": "marginal"})
        }
        "bonus" => {
            json!({"kind": kind, "party": party, "when": "order.amount >= 1000", "amount": "20.00"})
        }
        "region_rate" => json!({"kind": kind, "party": party, "rates": [], "default": "0.00"}),
        "cap" | "floor" => json!({"kind": kind, "party": party, "amount": "100.00"}),
        "remainder" => json!({"kind": kind, "party": party}),
        _ => json!({"kind": "percentage", "party": party, "rate": "0.10"}),
    }
}

#[component]
pub fn Plans(ws: Workspace) -> impl IntoView {
    let count = Memo::new(move |_| len_at(ws, "/settlement/plans"));
    let add = move |_| {
        let n = count.get_untracked() + 1;
        push(
            ws,
            "/settlement/plans",
            json!({"id": format!("plan_{n}"), "name": {"zh-CN": format!("方案 {n}"), "en": format!("Plan {n}")}, "components": []}),
        );
    };
    view! {
        <section class="card money-card" aria-labelledby="plans-title">
            <div class="card-head">
                <h2 class="card-title" id="plans-title">{move || ws.t(Key::Plans)}</h2>
                <button type="button" class="btn btn-small" id="add-plan" on:click=add>{move || ws.t(Key::AddPlan)}</button>
            </div>
            {move || (0..count.get()).map(|i| view! { <Plan ws i /> }).collect_view()}
        </section>
    }
}

#[component]
fn Plan(ws: Workspace, i: usize) -> impl IntoView {
    let at = StoredValue::new(format!("/settlement/plans/{i}"));
    let p = move |k: &str| format!("{}/{k}", at.get_value());
    let comps_at = p("components");
    let count = Memo::new({
        let c = comps_at.clone();
        move |_| len_at(ws, &c)
    });
    let title = move || {
        let tag = ws.locale.get().tag();
        ws.value_at(&at.get_value())
            .map(|v| name_of(&v, tag))
            .unwrap_or_default()
    };
    let add_kind = RwSignal::new("percentage".to_owned());
    let add = {
        let c = comps_at.clone();
        move |_| {
            let party = ws
                .value_at("/settlement/parties/0/id")
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            // New components go before the remainder, which takes what is left.
            let list = ws
                .value_at(&c)
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            let value = component_of(&add_kind.get_untracked(), &party);
            match list
                .iter()
                .position(|x| x.get("kind").and_then(Value::as_str) == Some("remainder"))
            {
                Some(r) => ws.edit(
                    vec![crate::state::doc::Edit::Insert {
                        at: format!("{c}/{r}"),
                        value,
                    }],
                    None,
                ),
                None => push(ws, &c, value),
            }
        }
    };
    let vars = order_vars(ws);
    let remove_label = Signal::derive(move || ws.t(Key::RemovePlan).to_owned());
    view! {
        <div class="money-group plan" data-plan=i>
            <h3 class="money-group-title">{title}</h3>
            <div class="money-row">
                <TextAt ws at=p("id") id=format!("plan-{i}-id") label=Key::ColId mono=true />
                <LocalizedAt ws at=p("name") id=format!("plan-{i}-name") label=Key::FdName />
            </div>
            <ConditionAt ws at=p("when") vars id=format!("plan-{i}-when") label=Key::PlanWhen />
            <div class="money-row">
                <SelectAt ws at=p("base") id=format!("plan-{i}-base") label=Key::PlanBase options=fixed(ws, &BASES) optional=true />
                <SelectAt ws at=p("allocation") id=format!("plan-{i}-allocation") label=Key::PlanAllocation options=fixed(ws, &ALLOCATIONS) optional=true />
            </div>
            <CheckAt ws at=p("require_full_allocation") id=format!("plan-{i}-full") label=Key::PlanFull />
            <ol class="component-list">
                {move || {
                    let n = count.get();
                    (0..n).map(|k| view! { <ComponentRow ws list=comps_at.clone() k n /> }).collect_view()
                }}
            </ol>
            <div class="money-row add-component">
                <div class="field">
                    <label class="field-label" for=format!("plan-{i}-add-kind")>{move || ws.t(Key::ComponentKind)}</label>
                    <select id=format!("plan-{i}-add-kind") class="select" on:change=move |ev| add_kind.set(event_target_value(&ev))>
                        {KINDS.iter().map(|(v, k)| view! { <option value=*v>{move || ws.t(*k)}</option> }).collect_view()}
                    </select>
                </div>
                <button type="button" class="btn btn-small" id=format!("plan-{i}-add") on:click=add>{move || ws.t(Key::AddComponent)}</button>
            </div>
            <RemoveButton ws label=remove_label on_click=move || remove_item(ws, "/settlement/plans", i) />
        </div>
    }
}

#[component]
fn ComponentRow(ws: Workspace, list: String, k: usize, n: usize) -> impl IntoView {
    let at = StoredValue::new(format!("{list}/{k}"));
    let list = StoredValue::new(list);
    let p = move |m: &str| format!("{}/{m}", at.get_value());
    let kind = Memo::new(move |_| {
        ws.value_at(&p("kind"))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let id = move |m: &str| {
        format!(
            "{}-{m}",
            at.get_value()
                .replace("/settlement/plans/", "comp-")
                .replace("/components/", "-")
        )
    };
    let parties = listed(ws, "/settlement/parties".to_owned());
    let tables = listed(ws, "/settlement/tier_tables".to_owned());
    let kind_name = move || {
        let k = kind.get();
        KINDS
            .iter()
            .find(|(v, _)| *v == k)
            .map(|(_, key)| ws.t(*key))
            .unwrap_or_default()
    };
    view! {
        <li class="component" data-component=k data-kind=move || kind.get()>
            <div class="component-head">
                <span class="tag" class:tag-applied=move || kind.get() == "remainder">{kind_name}</span>
                <span class="muted small">{move || if kind.get() == "remainder" { ws.t(Key::RemainderSaid) } else { "" }}</span>
                <span class="rule-actions">
                    <button type="button" class="btn btn-small btn-icon" disabled=k == 0 aria-label=move || ws.t(Key::MoveEarlier) title=move || ws.t(Key::MoveEarlier) on:click=move |_| move_item(ws, &list.get_value(), k, k.saturating_sub(1))><span aria-hidden="true">"↑"</span></button>
                    <button type="button" class="btn btn-small btn-icon" disabled={k + 1 >= n} aria-label=move || ws.t(Key::MoveLater) title=move || ws.t(Key::MoveLater) on:click=move |_| move_item(ws, &list.get_value(), k, k + 1)><span aria-hidden="true">"↓"</span></button>
                    <button type="button" class="btn btn-small btn-icon" aria-label=move || ws.t(Key::RemoveComponent) title=move || ws.t(Key::RemoveComponent) on:click=move |_| remove_item(ws, &list.get_value(), k)><span aria-hidden="true">"✕"</span></button>
                </span>
            </div>
            <div class="money-row">
                <SelectAt ws at=p("party") id=id("party") label=Key::ComponentParty options=parties />
                {move || match kind.get().as_str() {
                    "percentage" => view! {
                        <TextAt ws at=p("rate") id=id("rate") label=Key::CompRate />
                        <SelectAt ws at=p("of") id=id("of") label=Key::PlanBase options=fixed(ws, &BASES) optional=true />
                    }
                    .into_any(),
                    "fixed" => view! {
                        <TextAt ws at=p("amount") id=id("amount") label=Key::EffAmount />
                        <SelectAt ws at=p("per") id=id("per") label=Key::CompPer options=fixed(ws, &PER) optional=true />
                    }
                    .into_any(),
                    "cap" | "floor" => view! { <TextAt ws at=p("amount") id=id("amount") label=Key::EffAmount /> }.into_any(),
                    "bonus" => view! {
                        <TextAt ws at=p("amount") id=id("amount") label=Key::EffAmount optional=true />
                        <TextAt ws at=p("rate") id=id("rate") label=Key::CompRate optional=true />
                    }
                    .into_any(),
                    "region_rate" => view! {
                        <TextAt ws at=p("default") id=id("default") label=Key::CompRegionDefault optional=true />
                        <SelectAt ws at=p("per") id=id("per") label=Key::CompPer options=fixed(ws, &PER) optional=true />
                    }
                    .into_any(),
                    _ => ().into_any(),
                }}
            </div>
            {move || match kind.get().as_str() {
                "bonus" => view! { <ExprAt ws at=p("when") id=id("when") label=Key::BonusWhen /> }.into_any(),
                "tiered" => view! { <Tiered ws at=at.get_value() tables id=id("t") /> }.into_any(),
                "region_rate" => view! { <crate::editors::text_view::TextView ws at=p("rates") label=Signal::derive(move || ws.t(Key::CompRegionRates).to_owned()) /> }.into_any(),
                _ => ().into_any(),
            }}
        </li>
    }
}

/// A tiered commission: its tiers (a shared table or its own bands), the marginal /
/// retroactive switch, the measure and period, and the chart of commission over attainment.
#[component]
fn Tiered(
    ws: Workspace,
    at: String,
    tables: Signal<Vec<(String, String)>>,
    id: String,
) -> impl IntoView {
    let at = StoredValue::new(at);
    let p = move |m: &str| format!("{}/{m}", at.get_value());
    let mode = Signal::derive(move || {
        ws.value_at(&p("mode"))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "marginal".to_owned())
    });
    // The bands drawn: the component's own, or those of the table it names.
    let tiers_at = Signal::derive(move || match ws.value_at(&p("tiers")) {
        Some(Value::String(table)) => {
            let tables = ws
                .value_at("/settlement/tier_tables")
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            let i = tables
                .iter()
                .position(|t| t.get("id").and_then(Value::as_str) == Some(&table));
            i.map(|i| format!("/settlement/tier_tables/{i}/tiers"))
                .unwrap_or_default()
        }
        _ => p("tiers"),
    });
    let shared = Signal::derive(move || matches!(ws.value_at(&p("tiers")), Some(Value::String(_))));
    let drawn = commission_series(ws, tiers_at, mode);
    let set_mode = move |m: &'static str| move |_| write(ws, &p("mode"), json!(m), false);
    let use_table = move |ev| {
        let table = event_target_value(&ev);
        if table.is_empty() {
            // Own bands: a copy of the table's, to edit here.
            let bands = ws
                .value_at(&tiers_at.get_untracked())
                .unwrap_or_else(|| json!([{"up_to": null, "rate": "0.05"}]));
            write(ws, &p("tiers"), bands, false);
        } else {
            write(ws, &p("tiers"), json!(table), false);
        }
    };
    let label = Signal::derive(move || {
        let locale = ws.locale.get();
        locale.fill(
            Key::ChartCommissionMode,
            &[(
                "mode",
                locale.text(crate::editors::money::model_key(&mode.get())),
            )],
        )
    });
    let mode_name = format!("{id}-mode");
    view! {
        <div class="tiered">
            <fieldset class="mode-switch" id=format!("{id}-mode")>
                <legend class="field-label">{move || ws.t(Key::TierMode)}</legend>
                <label class="check">
                    <input type="radio" name=mode_name.clone() id=format!("{id}-marginal") prop:checked=move || mode.get() != "retroactive" && mode.get() != "volume" on:change=set_mode("marginal") />
                    {move || ws.t(Key::ModelMarginal)}
                </label>
                <label class="check">
                    <input type="radio" name=mode_name id=format!("{id}-retroactive") prop:checked=move || mode.get() == "retroactive" || mode.get() == "volume" on:change=set_mode("retroactive") />
                    {move || ws.t(Key::ModelRetroactive)}
                </label>
                <p class="muted small">{move || ws.t(crate::editors::pricing::tables::model_hint(&mode.get()))}</p>
            </fieldset>
            <div class="money-row">
                <SelectAt ws at=p("measure") id=format!("{id}-measure") label=Key::TierMeasure options=fixed(ws, &MEASURES) optional=true />
                <SelectAt ws at=p("period") id=format!("{id}-period") label=Key::TierPeriod options=fixed(ws, &PERIODS) optional=true />
            </div>
            <div class="field">
                <label class="field-label" for=format!("{id}-source")>{move || ws.t(Key::TierSource)}</label>
                <select id=format!("{id}-source") class="select" on:change=use_table>
                    {move || {
                        let now = match ws.value_at(&p("tiers")) {
                            Some(Value::String(s)) => s,
                            _ => String::new(),
                        };
                        let mut items = vec![(String::new(), ws.t(Key::TierOwn).to_owned())];
                        items.extend(tables.get());
                        items.into_iter().map(|(v, shown)| {
                            let sel = v == now;
                            view! { <option value=v selected=sel prop:selected=sel>{shown}</option> }
                        }).collect_view()
                    }}
                </select>
            </div>
            <Show when=move || !shared.get()>
                <TierGrid ws at=Signal::derive(move || p("tiers")) columns=&[("rate", Key::TierRate), ("unit", Key::TierUnit), ("flat", Key::TierFlat)] id="ct" />
            </Show>
            <figure class="money-chart">
                {move || drawn.get().map(|s| view! { <TierChart ws series=s label_text=label id=format!("{}-chart", at.get_value().replace('/', "-")) /> })}
                <figcaption class="muted">{move || label.get()}</figcaption>
            </figure>
        </div>
    }
}
