//! The flow designer: a visual node editor for ticket flows on the document store — an SVG
//! canvas with a palette, ports to connect, moving, selection, pan and zoom, automatic layout
//! and a minimap; an inspector for the selected node, edge or flow; and a ticket simulated on
//! the canvas. The pure parts (`graph`, `layout`, the simulation's path) are natively tested.

pub mod canvas;
pub mod ctx;
pub mod graph;
pub mod inspector;
pub mod layout;
pub mod simulate;
pub mod sla;

use crate::editors::text_view::TextView;
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::state::pointer;
use crate::state::section::Section;
use crate::ui::problems::ProblemList;
use crate::ui::tabs::{ItemTabs, named_items, problems_within};
use ctx::FlowCtx;
use leptos::prelude::*;
use serde_json::{Value, json};

/// The flows section's page.
#[component]
pub fn FlowDesigner(ws: Workspace) -> impl IntoView {
    let ctx = FlowCtx::new(ws);
    let flows = named_items(ws, "flows");
    // Keep the index in range when flows are removed (or the draft changes).
    Effect::new(move |_| {
        let len = flows.with(Vec::len);
        if ctx.index.get_untracked() >= len.max(1) {
            ctx.index.set(len.saturating_sub(1));
        }
    });
    // A problem or selection inside a flow shows that flow and selects what it names.
    Effect::new(move |_| {
        ws.reveal.get();
        let Some(selected) = ws.selection.get_untracked() else {
            return;
        };
        let Some(rest) = selected.strip_prefix("/flows/") else {
            return;
        };
        let Some(i) = rest.split('/').next().and_then(pointer::index) else {
            return;
        };
        if ctx.index.get_untracked() != i {
            ctx.index.set(i);
        }
        let owner = ctx.graph.with_untracked(|g| g.owner_of(&selected));
        match owner {
            Some(graph::Owner::Node(id)) => {
                ctx.selected.set(vec![id]);
                ctx.edge.set(None);
            }
            Some(graph::Owner::Edge(at)) => {
                ctx.selected.set(Vec::new());
                ctx.edge.set(Some(at));
            }
            None => {}
        }
    });
    let add_flow = move |_| {
        let taken: Vec<String> = flows
            .get_untracked()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let id = (1..)
            .map(|n| {
                if n == 1 {
                    "flow".to_owned()
                } else {
                    format!("flow-{n}")
                }
            })
            .find(|id| !taken.contains(id))
            .unwrap_or_default();
        let flow = json!({
            "id": id,
            "name": {"zh-CN": "新流程", "en": "New flow"},
            "nodes": [
                {"id": "start", "name": {"zh-CN": "开始", "en": "Start"}, "kind": "start", "next": "end"},
                {"id": "end", "name": {"zh-CN": "结束", "en": "End"}, "kind": "end"}
            ]
        });
        let edits = ws.store.with_untracked(|s| match s.get("/flows") {
            Some(Value::Array(_)) => vec![Edit::Insert {
                at: "/flows/-".to_owned(),
                value: flow,
            }],
            _ => vec![Edit::Set {
                at: "/flows".to_owned(),
                value: json!([flow]),
            }],
        });
        ws.edit(edits, None);
        ctx.index.set(taken.len());
        ctx.selected.set(Vec::new());
        ctx.edge.set(None);
    };
    let show_json = RwSignal::new(false);
    let problems = problems_within(ws, ctx.flow_at.into(), Section::Flows, "flows");
    let heading = Signal::derive(move || {
        ws.locale.get().fill(
            Key::FlowProblems,
            &[("count", &problems.with(Vec::len).to_string())],
        )
    });
    view! {
        <div class="page flow-page" data-section="flows">
            <header class="page-head flow-head">
                <h1 class="page-title">{move || ws.t(Key::NavFlows)}</h1>
                <ItemTabs ws items=flows index=ctx.index label=Key::FlowTabs pick=move |i| {
                    ctx.index.set(i);
                    ctx.selected.set(Vec::new());
                    ctx.edge.set(None);
                } />
                <button type="button" class="btn btn-small" id="add-flow" on:click=add_flow>{move || ws.t(Key::AddFlow)}</button>
                <button
                    type="button"
                    class="btn btn-small"
                    id="toggle-flow-json"
                    aria-expanded=move || if show_json.get() { "true" } else { "false" }
                    on:click=move |_| show_json.update(|s| *s = !*s)
                >
                    {move || ws.t(Key::JsonTitle)}
                </button>
            </header>
            <Show
                when=move || !flows.with(Vec::is_empty)
                fallback=move || view! {
                    <section class="card empty-flows">
                        <p>{ws.t(Key::NoFlows)}</p>
                        <p class="muted">{ws.t(Key::NoFlowsHint)}</p>
                    </section>
                }
            >
                <div class="designer">
                    <canvas::Canvas ctx />
                    <inspector::Inspector ctx />
                </div>
            </Show>
            <Show when=move || show_json.get()>
                <section class="card">
                    <TextView ws at="/flows".to_owned() label=Signal::derive(move || ws.t(Key::NavFlows).to_owned()) />
                </section>
            </Show>
            <div class="designer-below">
                <Show when=move || !problems.with(Vec::is_empty)>
                    <ProblemList ws problems heading list_id="flow-problems" />
                </Show>
                <Show when=move || !flows.with(Vec::is_empty)>
                    <simulate::Simulation ctx />
                </Show>
            </div>
        </div>
    }
}
