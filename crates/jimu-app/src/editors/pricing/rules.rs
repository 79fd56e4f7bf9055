//! The price rule groups and their rules in stacking order: each group's stacking policy said
//! in words, its rules dragged (or moved by keyboard) into order, each rule's condition with
//! pickers beside the checked expression, its validity window with its time zone, and every
//! effect the format has.

use crate::editors::money::{move_item, name_of, push, remove_item};
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::ui::condition::{ConditionAt, Var};
use crate::ui::fields::{
    CheckAt, ExprAt, LocalizedAt, SelectAt, TextAt, fixed, len_at, listed, write,
};
use leptos::ev::DragEvent;
use leptos::prelude::*;
use serde_json::{Value, json};

const STACKING: [(&str, Key); 3] = [
    ("all_in_order", Key::StackAllShort),
    ("first_match", Key::StackFirstShort),
    ("best_for_customer", Key::StackBestShort),
];
/// Each stacking policy in words.
const STACKING_SAID: [(&str, Key); 3] = [
    ("all_in_order", Key::StackAllInOrder),
    ("first_match", Key::StackFirstMatch),
    ("best_for_customer", Key::StackBest),
];
const EFFECTS: [(&str, Key); 9] = [
    ("percent_off", Key::EffPercentOff),
    ("amount_off", Key::EffAmountOff),
    ("markup", Key::EffMarkup),
    ("set_price", Key::EffSetPrice),
    ("tiered_fee", Key::EffTieredFee),
    ("floor", Key::EffFloor),
    ("cap", Key::EffCap),
    ("cost_times", Key::EffCostTimes),
    ("add_line", Key::EffAddLine),
];
const ROUNDS: [(&str, Key); 3] = [
    ("up", Key::RoundUp),
    ("down", Key::RoundDown),
    ("nearest", Key::RoundNearest),
];

/// What a pricing condition may read, with the org's regions and the catalog's items offered.
fn variables(ws: Workspace, lines: bool) -> Signal<Vec<Var>> {
    Signal::derive(move || {
        ws.read(|doc| {
            let ids = |at: &str| -> Vec<String> {
                doc.pointer(at)
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .filter_map(|i| i.get("id")?.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let var = |name: &str, numeric: bool, choices: Vec<String>| Var {
                name: name.to_owned(),
                numeric,
                choices,
            };
            let mut vars = vec![
                var("region", false, ids("/org/regions")),
                var("tier", false, Vec::new()),
                var("channel", false, Vec::new()),
                var("ticket_type", false, Vec::new()),
                var("distance_km", true, Vec::new()),
                var("duration_h", true, Vec::new()),
                var("weight_kg", true, Vec::new()),
                var("count", true, Vec::new()),
                var("subtotal", true, Vec::new()),
            ];
            if lines {
                vars.extend([
                    var("item.id", false, ids("/catalog")),
                    var(
                        "item.kind",
                        false,
                        vec!["service".to_owned(), "part".to_owned()],
                    ),
                    var("item.category", false, Vec::new()),
                    var("item.quantity", true, Vec::new()),
                    var("item.price", true, Vec::new()),
                ]);
            }
            vars
        })
    })
}

/// The default settings of each effect, written when the kind is chosen.
fn effect_of(kind: &str, ws: Workspace) -> Value {
    let first = |at: &str| {
        ws.value_at(at)
            .and_then(|v| {
                v.as_array()?
                    .first()?
                    .get("id")?
                    .as_str()
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    match kind {
        "amount_off" => json!({"kind": kind, "amount": "10.00"}),
        "markup" => json!({"kind": kind, "percent": "10"}),
        "set_price" => json!({"kind": kind, "price": "100.00"}),
        "tiered_fee" => {
            json!({"kind": kind, "table": first("/pricing/tier_tables"), "quantity": "distance_km"})
        }
        "floor" | "cap" => json!({"kind": kind, "amount": "50.00"}),
        "cost_times" => json!({"kind": kind, "coefficient": "1.3"}),
        "add_line" => json!({"kind": kind, "item": first("/catalog")}),
        _ => json!({"kind": "percent_off", "percent": "10"}),
    }
}

/// Every rule group, in order.
#[component]
pub fn RuleGroups(ws: Workspace) -> impl IntoView {
    let count = Memo::new(move |_| len_at(ws, "/pricing/groups"));
    let add_group = move |_| {
        let n = count.get_untracked() + 1;
        push(
            ws,
            "/pricing/groups",
            json!({
                "id": format!("group_{n}"),
                "name": {"zh-CN": format!("规则组 {n}"), "en": format!("Rule group {n}")},
                "stacking": "all_in_order",
                "applies_to": {"scope": "ticket"},
                "rules": []
            }),
        );
    };
    view! {
        <section class="card money-card" aria-labelledby="rules-title">
            <div class="card-head">
                <h2 class="card-title" id="rules-title">{move || ws.t(Key::PriceRules)}</h2>
                <button type="button" class="btn btn-small" id="add-group" on:click=add_group>{move || ws.t(Key::AddGroup)}</button>
            </div>
            {move || (0..count.get()).map(|g| view! { <Group ws g /> }).collect_view()}
        </section>
    }
}

#[component]
fn Group(ws: Workspace, g: usize) -> impl IntoView {
    let at = format!("/pricing/groups/{g}");
    let rules_at = StoredValue::new(format!("{at}/rules"));
    let count = Memo::new(move |_| len_at(ws, &rules_at.get_value()));
    let p = {
        let at = at.clone();
        move |k: &str| format!("{at}/{k}")
    };
    let lines = Memo::new({
        let at = at.clone();
        move |_| {
            ws.value_at(&format!("{at}/applies_to/scope"))
                .and_then(|v| v.as_str().map(|s| s == "lines"))
                .unwrap_or(false)
        }
    });
    let title = {
        let at = at.clone();
        move || {
            let tag = ws.locale.get().tag();
            ws.value_at(&at)
                .map(|v| name_of(&v, tag))
                .unwrap_or_default()
        }
    };
    let stacking_said = {
        let at = at.clone();
        move || {
            let s = ws
                .value_at(&format!("{at}/stacking"))
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            STACKING_SAID
                .iter()
                .find(|(v, _)| *v == s)
                .map(|(_, k)| ws.t(*k))
                .unwrap_or_default()
        }
    };
    let add_rule = move |_| {
        let n = count.get_untracked() + 1;
        push(
            ws,
            &rules_at.get_value(),
            json!({
                "id": format!("rule_{g}_{n}"),
                "name": {"zh-CN": format!("规则 {n}"), "en": format!("Rule {n}")},
                "effect": {"kind": "percent_off", "percent": "10"}
            }),
        );
    };
    let dragging = RwSignal::new(None::<usize>);
    view! {
        <div class="money-group" data-group=g>
            <h3 class="money-group-title">{title}</h3>
            <div class="money-row">
                <LocalizedAt ws at=p("name") id=format!("group-{g}-name") label=Key::FdName />
                <SelectAt ws at=p("stacking") id=format!("group-{g}-stacking") label=Key::Stacking options=fixed(ws, &STACKING) />
            </div>
            <p class="muted stacking-said" id=format!("group-{g}-stacking-said")>{stacking_said}</p>
            <CheckAt ws at=p("enabled") id=format!("group-{g}-enabled") label=Key::Enabled default=true />
            <ol class="rule-list" aria-label=move || ws.t(Key::RulesInOrder)>
                {move || {
                    (0..count.get())
                        .map(|r| view! { <RuleRow ws g r count=count.get() rules_at=rules_at.get_value() lines dragging /> })
                        .collect_view()
                }}
            </ol>
            <button type="button" class="btn btn-small" id=format!("group-{g}-add-rule") on:click=add_rule>{move || ws.t(Key::AddRule)}</button>
        </div>
    }
}

#[component]
fn RuleRow(
    ws: Workspace,
    g: usize,
    r: usize,
    count: usize,
    rules_at: String,
    lines: Memo<bool>,
    dragging: RwSignal<Option<usize>>,
) -> impl IntoView {
    let at = StoredValue::new(format!("{rules_at}/{r}"));
    let list = StoredValue::new(rules_at);
    let p = move |k: &str| format!("{}/{k}", at.get_value());
    let kind = Memo::new(move |_| {
        ws.value_at(&p("effect/kind"))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let summary = move || {
        let locale = ws.locale.get();
        let rule = ws.value_at(&at.get_value()).unwrap_or(Value::Null);
        let name = name_of(&rule, locale.tag());
        let when = rule
            .get("when")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let effect = rule.get("effect").cloned().unwrap_or(Value::Null);
        let k = effect
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let what = EFFECTS
            .iter()
            .find(|(v, _)| *v == k)
            .map(|(_, key)| locale.text(*key))
            .unwrap_or(k);
        let amount = ["percent", "amount", "price", "coefficient", "table", "item"]
            .iter()
            .find_map(|m| effect.get(*m).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned();
        (name, when, format!("{what} {amount}"))
    };
    let open = RwSignal::new(false);
    let id = move |k: &str| format!("rule-{g}-{r}-{k}");
    let vars = variables(ws, lines.get_untracked());
    let set_kind = move |ev| {
        let k = event_target_value(&ev);
        write(ws, &p("effect"), effect_of(&k, ws), false);
    };
    let tables = listed(ws, "/pricing/tier_tables".to_owned());
    let items = listed(ws, "/catalog".to_owned());
    view! {
        <li
            class="rule-row"
            class:drop-before=move || dragging.get().is_some_and(|d| d != r)
            data-rule=r
            draggable="true"
            on:dragstart=move |ev: DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &r.to_string());
                }
                dragging.set(Some(r));
            }
            on:dragend=move |_| dragging.set(None)
            on:dragover=move |ev: DragEvent| {
                if dragging.get_untracked().is_some() {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                if let Some(from) = dragging.get_untracked() {
                    dragging.set(None);
                    move_item(ws, &list.get_value(), from, r);
                }
            }
        >
            <div class="rule-summary">
                <span class="rule-order" aria-hidden="true">{r + 1}</span>
                <button type="button" class="link-button rule-name" aria-expanded=move || if open.get() { "true" } else { "false" } on:click=move |_| open.update(|o| *o = !*o)>
                    {move || summary().0}
                </button>
                <code class="rule-when">{move || summary().1}</code>
                <span class="tag">{move || summary().2}</span>
                <span class="rule-actions">
                    <button type="button" class="btn btn-small btn-icon" disabled=r == 0 aria-label=move || ws.t(Key::MoveEarlier) title=move || ws.t(Key::MoveEarlier) on:click=move |_| move_item(ws, &list.get_value(), r, r.saturating_sub(1))><span aria-hidden="true">"↑"</span></button>
                    <button type="button" class="btn btn-small btn-icon" disabled={r + 1 >= count} aria-label=move || ws.t(Key::MoveLater) title=move || ws.t(Key::MoveLater) on:click=move |_| move_item(ws, &list.get_value(), r, r + 1)><span aria-hidden="true">"↓"</span></button>
                    <button type="button" class="btn btn-small btn-icon" aria-label=move || ws.t(Key::RemoveRule) title=move || ws.t(Key::RemoveRule) on:click=move |_| remove_item(ws, &list.get_value(), r)><span aria-hidden="true">"✕"</span></button>
                </span>
            </div>
            <Show when=move || open.get()>
                <div class="rule-edit">
                    <div class="money-row">
                        <LocalizedAt ws at=p("name") id=id("name") label=Key::FdName />
                        <CheckAt ws at=p("enabled") id=id("enabled") label=Key::Enabled default=true />
                    </div>
                    <ConditionAt ws at=p("when") vars id=id("when") label=Key::RuleWhen />
                    <div class="money-row">
                        <TextAt ws at=p("valid/from") id=id("from") label=Key::ValidFrom optional=true mono=true />
                        <TextAt ws at=p("valid/until") id=id("until") label=Key::ValidUntil optional=true mono=true />
                        <TextAt ws at=p("valid/time_zone") id=id("zone") label=Key::ValidZone optional=true mono=true />
                    </div>
                    <div class="field">
                        <label class="field-label" for=id("kind")>{move || ws.t(Key::Effect)}</label>
                        <select id=id("kind") class="select" on:change=set_kind>
                            {move || {
                                let now = kind.get();
                                EFFECTS.iter().map(|(v, k)| view! { <option value=*v selected=now == *v prop:selected=now == *v>{ws.t(*k)}</option> }).collect_view()
                            }}
                        </select>
                    </div>
                    {move || match kind.get().as_str() {
                        "percent_off" | "markup" => view! { <TextAt ws at=p("effect/percent") id=id("percent") label=Key::EffPercent /> }.into_any(),
                        "amount_off" | "floor" | "cap" => view! { <TextAt ws at=p("effect/amount") id=id("amount") label=Key::EffAmount /> }.into_any(),
                        "set_price" => view! { <TextAt ws at=p("effect/price") id=id("price") label=Key::EffPrice /> }.into_any(),
                        "cost_times" => view! { <TextAt ws at=p("effect/coefficient") id=id("coefficient") label=Key::EffCoefficient /> }.into_any(),
                        "tiered_fee" => view! {
                            <SelectAt ws at=p("effect/table") id=id("table") label=Key::EffTable options=tables />
                            <ExprAt ws at=p("effect/quantity") id=id("quantity") label=Key::EffQuantity />
                            <div class="money-row">
                                <SelectAt ws at=p("effect/transform/round") id=id("round") label=Key::EffRound options=fixed(ws, &ROUNDS) optional=true />
                                <TextAt ws at=p("effect/transform/step") id=id("step") label=Key::EffStep optional=true />
                            </div>
                            <SelectAt ws at=p("effect/item") id=id("item") label=Key::EffItem options=items optional=true />
                        }
                        .into_any(),
                        "add_line" => view! {
                            <SelectAt ws at=p("effect/item") id=id("item") label=Key::EffItem options=items />
                            <ExprAt ws at=p("effect/quantity") id=id("quantity") label=Key::EffQuantity optional=true />
                            <TextAt ws at=p("effect/price") id=id("price") label=Key::EffPrice optional=true />
                        }
                        .into_any(),
                        _ => ().into_any(),
                    }}
                </div>
            </Show>
        </li>
    }
}
