//! The pricing tier tables: each with its model (graduated, volume, stairstep, package,
//! percentage with minimum and maximum) and its bands or settings, and beside them the chart of
//! price over quantity, following the table as it is edited, with the quantity transform of the
//! rule that uses the table (distance rounded up to whole km) drawn as steps.

use crate::editors::money::chart::{TierChart, series};
use crate::editors::money::tiers::TierGrid;
use crate::editors::money::{model_key, name_of, push, remove_item};
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::ui::fields::{LocalizedAt, TextAt, len_at, write};
use jimu_core::format::pricing::{Charge, StepRounding};
use leptos::prelude::*;
use serde_json::{Value, json};

const MODELS: [&str; 5] = ["graduated", "volume", "stairstep", "package", "percentage"];

/// The charge written when the model changes: tiers kept between the tiered models.
fn charge_for(model: &str, old: &Value) -> Value {
    let tiers = old
        .get("tiers")
        .cloned()
        .unwrap_or_else(|| json!([{"up_to": null, "unit": "1"}]));
    match model {
        "package" => json!({"model": model, "size": "10", "price_per_package": "50.00"}),
        "percentage" => json!({"model": model, "rate": "0.006", "min": "0.10", "max": "50.00"}),
        _ => json!({"model": model, "tiers": tiers}),
    }
}

/// The quantity transform of the first rule that charges by table `id`, with the rule's pointer.
fn transform_for(doc: &Value, id: &str) -> Option<(StepRounding, String)> {
    let groups = doc.pointer("/pricing/groups")?.as_array()?;
    for (g, group) in groups.iter().enumerate() {
        for (r, rule) in group.get("rules")?.as_array()?.iter().enumerate() {
            let effect = rule.get("effect")?;
            if effect.get("table").and_then(Value::as_str) == Some(id)
                && let Some(t) = effect.get("transform")
                && let Ok(t) = serde_json::from_value::<StepRounding>(t.clone())
            {
                return Some((t, format!("/pricing/groups/{g}/rules/{r}")));
            }
        }
    }
    None
}

#[component]
pub fn TierTables(ws: Workspace) -> impl IntoView {
    let count = Memo::new(move |_| len_at(ws, "/pricing/tier_tables"));
    let add = move |_| {
        let n = count.get_untracked() + 1;
        push(
            ws,
            "/pricing/tier_tables",
            json!({
                "id": format!("table_{n}"),
                "name": {"zh-CN": format!("阶梯表 {n}"), "en": format!("Tier table {n}")},
                "charge": {"model": "graduated", "tiers": [{"up_to": "10", "unit": "5"}, {"up_to": null, "unit": "4"}]}
            }),
        );
    };
    view! {
        <section class="card money-card" aria-labelledby="tables-title">
            <div class="card-head">
                <h2 class="card-title" id="tables-title">{move || ws.t(Key::TierTables)}</h2>
                <button type="button" class="btn btn-small" id="add-table" on:click=add>{move || ws.t(Key::AddTable)}</button>
            </div>
            {move || (0..count.get()).map(|t| view! { <Table ws t /> }).collect_view()}
        </section>
    }
}

#[component]
fn Table(ws: Workspace, t: usize) -> impl IntoView {
    let at = format!("/pricing/tier_tables/{t}");
    let p = {
        let at = at.clone();
        move |k: &str| format!("{at}/{k}")
    };
    let model = Memo::new({
        let at = at.clone();
        move |_| {
            ws.value_at(&format!("{at}/charge/model"))
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        }
    });
    let charge_at = p("charge");
    let set_model = {
        let charge_at = charge_at.clone();
        move |ev| {
            let m = event_target_value(&ev);
            let old = ws.value_at(&charge_at).unwrap_or(Value::Null);
            write(ws, &charge_at, charge_for(&m, &old), false);
        }
    };
    // The chart: the table as it is now (the last good reading while a cell is half typed).
    let last_good = StoredValue::new(None::<Charge>);
    let drawn = Memo::new({
        let at = at.clone();
        move |_| {
            let (value, id) = ws.read(|doc| {
                let table = doc.pointer(&at).cloned().unwrap_or(Value::Null);
                let id = table
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                (table.get("charge").cloned(), transform_for(doc, &id))
            });
            if let Some(c) = value.and_then(|v| serde_json::from_value::<Charge>(v).ok()) {
                last_good.set_value(Some(c));
            }
            last_good.get_value().map(|c| {
                (
                    series(&c, id.as_ref().map(|(t, _)| t)),
                    id.map(|(t, at)| (t.step.0.to_string(), at)),
                )
            })
        }
    });
    let chart_label = Signal::derive({
        let at = at.clone();
        move || {
            let locale = ws.locale.get();
            let name = ws
                .value_at(&at)
                .map(|v| name_of(&v, locale.tag()))
                .unwrap_or_default();
            locale.fill(Key::ChartPriceOver, &[("table", &name)])
        }
    });
    let chart_id = format!("table-{t}-chart");
    let remove_label = Signal::derive(move || ws.t(Key::RemoveTable).to_owned());
    view! {
        <div class="money-table" data-table=t>
            <div class="money-table-form">
                <div class="money-row">
                    <TextAt ws at=p("id") id=format!("table-{t}-id") label=Key::ColId mono=true />
                    <TextAt ws at=p("unit") id=format!("table-{t}-unit") label=Key::FdUnit optional=true />
                </div>
                <LocalizedAt ws at=p("name") id=format!("table-{t}-name") label=Key::FdName />
                <div class="field">
                    <label class="field-label" for=format!("table-{t}-model")>{move || ws.t(Key::TierModel)}</label>
                    <select id=format!("table-{t}-model") class="select" on:change=set_model>
                        {move || {
                            let now = model.get();
                            MODELS.iter().map(|m| view! { <option value=*m selected=now == *m prop:selected=now == *m>{ws.t(model_key(m))}</option> }).collect_view()
                        }}
                    </select>
                </div>
                {move || match model.get().as_str() {
                    "package" => view! {
                        <div class="money-row">
                            <TextAt ws at=format!("{charge_at}/size") id=format!("table-{t}-size") label=Key::PkgSize />
                            <TextAt ws at=format!("{charge_at}/free") id=format!("table-{t}-free") label=Key::PkgFree optional=true />
                            <TextAt ws at=format!("{charge_at}/price_per_package") id=format!("table-{t}-ppp") label=Key::PkgPrice />
                        </div>
                    }
                    .into_any(),
                    "percentage" => view! {
                        <div class="money-row">
                            <TextAt ws at=format!("{charge_at}/rate") id=format!("table-{t}-rate") label=Key::PctRate />
                            <TextAt ws at=format!("{charge_at}/fixed_fee") id=format!("table-{t}-fixed") label=Key::PctFixed optional=true />
                        </div>
                        <div class="money-row">
                            <TextAt ws at=format!("{charge_at}/min") id=format!("table-{t}-min") label=Key::FdMin optional=true />
                            <TextAt ws at=format!("{charge_at}/max") id=format!("table-{t}-max") label=Key::FdMax optional=true />
                        </div>
                    }
                    .into_any(),
                    "stairstep" => view! { <TierGrid ws at=format!("{charge_at}/tiers") columns=&[("flat", Key::TierFlat)] id="pt" /> }.into_any(),
                    _ => view! { <TierGrid ws at=format!("{charge_at}/tiers") columns=&[("unit", Key::TierUnit), ("flat", Key::TierFlat)] id="pt" /> }.into_any(),
                }}
                <p class="muted model-said">{move || ws.t(model_hint(&model.get()))}</p>
                <crate::editors::money::RemoveButton ws label=remove_label on_click=move || remove_item(ws, "/pricing/tier_tables", t) />
            </div>
            <figure class="money-chart">
                {move || drawn.get().map(|(s, _)| view! { <TierChart ws series=s label_text=chart_label id=chart_id.clone() /> })}
                <figcaption class="muted">
                    {move || {
                        let locale = ws.locale.get();
                        match drawn.get().and_then(|(_, t)| t) {
                            Some((step, _)) => locale.fill(Key::ChartTransform, &[("step", &step)]),
                            None => locale.text(Key::ChartCaption).to_owned(),
                        }
                    }}
                </figcaption>
            </figure>
        </div>
    }
}

/// What a model does, in words.
pub fn model_hint(model: &str) -> Key {
    match model {
        "volume" => Key::HintVolume,
        "stairstep" => Key::HintStairstep,
        "package" => Key::HintPackage,
        "percentage" => Key::HintPercentage,
        "retroactive" => Key::HintRetroactive,
        "marginal" => Key::HintMarginal,
        _ => Key::HintGraduated,
    }
}
