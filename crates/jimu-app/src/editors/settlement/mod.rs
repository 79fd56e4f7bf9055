//! The settlement section: the party tree (HQ, agents, stores, technicians, channels), the
//! plans with their components in order (who is paid what, on which base, the remainder party
//! marked), tiered commissions with a marginal / retroactive switch and a chart of commission
//! over attainment, the shared tier tables; beside them the sample orders with their splits,
//! a chart per party and the statements, and the impact of the draft against the published
//! version.

pub mod plans;

use crate::editors::money::chart::{TierChart, series};
use crate::editors::money::tiers::TierGrid;
use crate::editors::money::{RemoveButton, name_of, push, remove_item};
use crate::editors::pricing::MoneyPage;
use crate::i18n::Key;
use crate::previews::orders::OrdersPreview;
use crate::shell::workspace::Workspace;
use crate::state::section::Section;
use crate::ui::fields::{LocalizedAt, SelectAt, TextAt, fixed, len_at, listed};
use jimu_core::format::pricing::Charge;
use leptos::prelude::*;
use serde_json::{Value, json};

pub const PARTY_KINDS: [(&str, Key); 5] = [
    ("hq", Key::PartyHq),
    ("agent", Key::PartyAgent),
    ("store", Key::PartyStore),
    ("technician", Key::PartyTechnician),
    ("channel", Key::PartyChannel),
];

#[component]
pub fn SettlementEditor(ws: Workspace) -> impl IntoView {
    let main = view! {
        <Parties ws />
        <plans::Plans ws />
        <SharedTables ws />
    }
    .into_any();
    let side = view! { <OrdersPreview ws /> }.into_any();
    view! { <MoneyPage ws section=Section::Settlement title=Key::NavSettlement note=Key::NoteSettlement main side /> }
}

/// The parties as a tree: each under its parent, with its kind.
#[component]
fn Parties(ws: Workspace) -> impl IntoView {
    let list = Memo::new(move |_| {
        ws.value_at("/settlement/parties")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    });
    // (index, depth) in tree order: roots first, each followed by its children.
    let order = Memo::new(move |_| {
        list.with(|parties| {
            let parent = |p: &Value| p.get("parent").and_then(Value::as_str).map(str::to_owned);
            let ids: Vec<String> = parties
                .iter()
                .map(|p| {
                    p.get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect();
            let mut out = Vec::new();
            fn walk(
                parties: &[Value],
                ids: &[String],
                of: Option<&str>,
                depth: usize,
                out: &mut Vec<(usize, usize)>,
                parent: &dyn Fn(&Value) -> Option<String>,
            ) {
                for (i, p) in parties.iter().enumerate() {
                    let under = parent(p);
                    let root = under
                        .as_deref()
                        .is_none_or(|u| !ids.iter().any(|id| id == u));
                    let here = match of {
                        None => root,
                        Some(of) => under.as_deref() == Some(of),
                    };
                    if here && !out.iter().any(|(j, _)| *j == i) && depth < 8 {
                        out.push((i, depth));
                        walk(parties, ids, Some(&ids[i]), depth + 1, out, parent);
                    }
                }
            }
            walk(parties, &ids, None, 0, &mut out, &parent);
            out
        })
    });
    let add = move |_| {
        let n = list.with_untracked(Vec::len) + 1;
        push(
            ws,
            "/settlement/parties",
            json!({"id": format!("party_{n}"), "name": {"zh-CN": format!("参与方 {n}"), "en": format!("Party {n}")}, "kind": "store"}),
        );
    };
    let parties = listed(ws, "/settlement/parties".to_owned());
    view! {
        <section class="card money-card" aria-labelledby="parties-title">
            <div class="card-head">
                <h2 class="card-title" id="parties-title">{move || ws.t(Key::Parties)}</h2>
                <button type="button" class="btn btn-small" id="add-party" on:click=add>{move || ws.t(Key::AddParty)}</button>
            </div>
            <ul class="party-tree">
                {move || {
                    order
                        .get()
                        .into_iter()
                        .map(|(i, depth)| {
                            let at = format!("/settlement/parties/{i}");
                            let p = move |k: &str| format!("{at}/{k}");
                            let remove_label = Signal::derive(move || {
                                let tag = ws.locale.get().tag();
                                format!("{} {}", ws.t(Key::RemoveParty), list.with(|l| l.get(i).map(|v| name_of(v, tag)).unwrap_or_default()))
                            });
                            view! {
                                <li class="party-row" data-party=i style=format!("margin-left: {}px", depth * 22)>
                                    <TextAt ws at=p("id") id=format!("party-{i}-id") label=Key::ColId mono=true />
                                    <LocalizedAt ws at=p("name") id=format!("party-{i}-name") label=Key::FdName />
                                    <SelectAt ws at=p("kind") id=format!("party-{i}-kind") label=Key::ColKind options=fixed(ws, &PARTY_KINDS) />
                                    <SelectAt ws at=p("parent") id=format!("party-{i}-parent") label=Key::PartyParent options=parties optional=true />
                                    <RemoveButton ws label=remove_label on_click=move || remove_item(ws, "/settlement/parties", i) />
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// The commission chart of tiers at `at` read `mode`-wise, following the table as edited.
pub fn commission_series(
    ws: Workspace,
    at: Signal<String>,
    mode: Signal<String>,
) -> Memo<Option<crate::editors::money::chart::Series>> {
    let last = StoredValue::new(None::<Charge>);
    Memo::new(move |_| {
        let tiers = ws.value_at(&at.get());
        let model = if mode.get() == "retroactive" || mode.get() == "volume" {
            "retroactive"
        } else {
            "marginal"
        };
        if let Some(c) = tiers.and_then(|t| {
            serde_json::from_value::<Charge>(json!({"model": model, "tiers": t})).ok()
        }) {
            last.set_value(Some(c));
        }
        last.get_value().map(|c| series(&c, None))
    })
}

/// The tier tables plans share, each with its bands (rates and amounts) and its chart.
#[component]
fn SharedTables(ws: Workspace) -> impl IntoView {
    let count = Memo::new(move |_| len_at(ws, "/settlement/tier_tables"));
    let add = move |_| {
        let n = count.get_untracked() + 1;
        push(
            ws,
            "/settlement/tier_tables",
            json!({"id": format!("tiers_{n}"), "name": {"zh-CN": format!("阶梯 {n}"), "en": format!("Tiers {n}")}, "tiers": [{"up_to": "100000", "rate": "0.02"}, {"up_to": null, "rate": "0.04"}]}),
        );
    };
    view! {
        <section class="card money-card" aria-labelledby="stables-title">
            <div class="card-head">
                <h2 class="card-title" id="stables-title">{move || ws.t(Key::TierTables)}</h2>
                <button type="button" class="btn btn-small" id="add-stable" on:click=add>{move || ws.t(Key::AddTable)}</button>
            </div>
            {move || {
                (0..count.get())
                    .map(|t| {
                        let at = format!("/settlement/tier_tables/{t}");
                        let p = move |k: &str| format!("{at}/{k}");
                        let tiers_at = Signal::derive({
                            let p = p.clone();
                            move || p("tiers")
                        });
                        let drawn = commission_series(ws, tiers_at, Signal::derive(|| "marginal".to_owned()));
                        let label = Signal::derive(move || ws.t(Key::ChartCommission).to_owned());
                        let remove_label = Signal::derive(move || ws.t(Key::RemoveTable).to_owned());
                        view! {
                            <div class="money-table" data-stable=t>
                                <div class="money-table-form">
                                    <div class="money-row">
                                        <TextAt ws at=p("id") id=format!("stable-{t}-id") label=Key::ColId mono=true />
                                        <LocalizedAt ws at=p("name") id=format!("stable-{t}-name") label=Key::FdName />
                                    </div>
                                    <TierGrid ws at=tiers_at columns=&[("rate", Key::TierRate), ("unit", Key::TierUnit), ("flat", Key::TierFlat)] id="st" />
                                    <RemoveButton ws label=remove_label on_click=move || remove_item(ws, "/settlement/tier_tables", t) />
                                </div>
                                <figure class="money-chart">
                                    {move || drawn.get().map(|s| view! { <TierChart ws series=s label_text=label id=format!("stable-{t}-chart") /> })}
                                    <figcaption class="muted">{move || ws.t(Key::ChartMarginalNote)}</figcaption>
                                </figure>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
}
