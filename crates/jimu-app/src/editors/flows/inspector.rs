//! The inspector beside the canvas: the selected node's properties (names in both languages,
//! owner and dispatch, deadline, form, ways out with their guards, status, the seasonal switch,
//! side-effect events), the selected edge's guard or condition, or, with nothing selected, the
//! flow's own settings (calendar, form, statuses, SLA policies and escalations, notifications).
//! Every input writes the document through the store; what has no form yet is a JSON view of
//! its part.

use super::canvas::kind_key;
use super::ctx::FlowCtx;
use super::graph::{self, EdgeKind};
use super::sla::SlaEditor;
use crate::editors::text_view::TextView;
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::state::pointer;
use crate::ui::fields::{CheckAt, ExprAt, LocalizedAt, SelectAt, TextAt, write};
use leptos::prelude::*;
use serde_json::{Value, json};

/// The variables a guard or branch condition may read (as the flow scope of
/// `jimu_core::format::flow` declares them), offered while typing.
fn guard_variables(fields: &[String]) -> Vec<String> {
    let mut vars: Vec<String> = [
        "ticket.id",
        "ticket.title",
        "ticket.text",
        "ticket.type",
        "ticket.status",
        "ticket.node",
        "ticket.priority",
        "ticket.channel",
        "ticket.region",
        "ticket.assignee",
        "ticket.created_at",
        "ticket.amount",
        "ticket.tags",
        "ticket.customer.tier",
        "ticket.customer.region",
        "action.name",
        "now",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    vars.extend(fields.iter().map(|f| format!("ticket.fields.{f}")));
    vars.extend([
        "ticket.priority == 'urgent'".to_owned(),
        "in_region('bj')".to_owned(),
        "business_days_between(ticket.created_at, now)".to_owned(),
    ]);
    vars
}

/// Ids and names of a list in the document (`/org/roles`, `/forms`, …) as choices.
fn choices(ws: Workspace, at: &'static str) -> Signal<Vec<(String, String)>> {
    crate::ui::fields::listed(ws, at.to_owned())
}

#[component]
pub fn Inspector(ctx: FlowCtx) -> impl IntoView {
    let ws = ctx.ws;
    let fields_of_form = Memo::new(move |_| {
        let at = ctx.flow_at.get();
        ws.read(|doc| {
            let form = doc
                .pointer(&format!("{at}/form"))
                .and_then(Value::as_str)?
                .to_owned();
            doc.get("forms")?
                .as_array()?
                .iter()
                .find(|f| f.get("id").and_then(Value::as_str) == Some(&form))
                .map(|f| {
                    f.get("fields")
                        .and_then(Value::as_array)
                        .map(|fs| {
                            fs.iter()
                                .filter_map(|x| x.get("id")?.as_str().map(str::to_owned))
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
        })
        .unwrap_or_default()
    });
    let variables = move || {
        fields_of_form
            .get()
            .into_iter()
            .chain([])
            .collect::<Vec<_>>()
    };
    view! {
        <aside class="inspector card" aria-labelledby="inspector-title">
            <datalist id="guard-variables">
                {move || guard_variables(&variables()).into_iter().map(|v| view! { <option value=v></option> }).collect_view()}
            </datalist>
            {move || {
                if let Some(at) = ctx.edge.get() {
                    return view! { <EdgeInspector ctx at /> }.into_any();
                }
                let selected = ctx.selected.get();
                match selected.as_slice() {
                    [one] => view! { <NodeInspector ctx id=one.clone() /> }.into_any(),
                    [] => view! { <FlowInspector ctx /> }.into_any(),
                    many => view! {
                        <h2 class="card-title" id="inspector-title">
                            {ws.locale.get().fill(Key::NodesSelected, &[("count", &many.len().to_string())])}
                        </h2>
                        <p class="muted">{ws.t(Key::NodesSelectedNote)}</p>
                    }
                    .into_any(),
                }
            }}
        </aside>
    }
}

#[component]
fn NodeInspector(ctx: FlowCtx, id: String) -> impl IntoView {
    let ws = ctx.ws;
    let node = Memo::new(move |_| ctx.graph.with(|g| g.node(&id).cloned()));
    let nodes_choice = Signal::derive(move || {
        let tag = ws.locale.get().tag();
        ctx.graph.with(|g| {
            g.nodes
                .iter()
                .map(|n| (n.id.clone(), format!("{} ({})", n.name.get(tag), n.id)))
                .collect::<Vec<_>>()
        })
    });
    let statuses = Signal::derive(move || {
        let at = ctx.flow_at.get();
        let tag = ws.locale.get().tag();
        ws.read(|doc| {
            doc.pointer(&format!("{at}/statuses"))
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|s| {
                            let id = s.get("id")?.as_str()?.to_owned();
                            let name = match s.get("name") {
                                Some(Value::Object(m)) => {
                                    m.get(tag).and_then(Value::as_str).unwrap_or(&id).to_owned()
                                }
                                Some(Value::String(x)) => x.clone(),
                                _ => id.clone(),
                            };
                            Some((id, name))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    move || {
        let node = node.get()?;
        let at = node.at.clone();
        let kind = node.kind.clone();
        let p = move |field: &str| -> Signal<String> {
            let path = format!("{}/{field}", at.clone());
            Signal::derive(move || path.clone())
        };
        let strategies = Signal::derive(move || {
            [
                ("by_region", Key::StrategyByRegion),
                ("by_skill", Key::StrategyBySkill),
                ("least_loaded", Key::StrategyLeastLoaded),
                ("round_robin", Key::StrategyRoundRobin),
                ("team", Key::StrategyTeam),
                ("role", Key::StrategyRole),
            ]
            .into_iter()
            .map(|(v, k)| (v.to_owned(), ws.t(k).to_owned()))
            .collect()
        });
        let dispatch = matches!(kind.as_str(), "task" | "approval").then(|| {
            view! {
                <section class="inspector-group">
                    <h3 class="subhead">{ws.t(Key::Dispatch)}</h3>
                    <SelectAt ws at=p("assign/strategy") id="insp-strategy" label=Key::Strategy options=strategies />
                    <SelectAt ws at=p("assign/to/role") id="insp-role" label=Key::PoolRole options=choices(ws, "/org/roles") optional=true />
                    <SelectAt ws at=p("assign/to/team") id="insp-team" label=Key::PoolTeam options=choices(ws, "/org/teams") optional=true />
                    <SelectAt ws at=p("assign/to/agent") id="insp-agent" label=Key::PoolAgent options=choices(ws, "/org/agents") optional=true />
                    <CheckAt ws at=p("assign/same_region") id="insp-same-region" label=Key::SameRegion />
                    <CheckAt ws at=p("assign/vip_jump_queue") id="insp-vip" label=Key::VipJumpQueue />
                    <details class="json-part">
                        <summary>{ws.t(Key::TriageRules)}</summary>
                        <TextView ws at=format!("{}/assign/triage", node.at) label=Signal::derive(move || ws.t(Key::TriageRules).to_owned()) />
                    </details>
                    <h3 class="subhead">{ws.t(Key::Deadline)}</h3>
                    <div class="form-grid">
                        <TextAt ws at=p("deadline/within") id="insp-within" label=Key::DeadlineWithin optional=true />
                        <TextAt ws at=p("deadline/warn_before") id="insp-warn" label=Key::DeadlineWarn optional=true />
                        <TextAt ws at=p("deadline/remind_every") id="insp-remind" label=Key::DeadlineRemind optional=true />
                    </div>
                    <CheckAt ws at=p("deadline/business_time") id="insp-business" label=Key::BusinessTime />
                </section>
            }
        });
        let ways_out = ways_out(ctx, &node.at, &kind, nodes_choice);
        let disabled_choice = {
            let at = node.at.clone();
            let when = move || ws.value_at(&format!("{at}/when_disabled"));
            let at2 = node.at.clone();
            view! {
                <div class="field">
                    <label class="field-label" for="insp-when-disabled">{ws.t(Key::WhenDisabled)}</label>
                    <select id="insp-when-disabled" class="select" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let target = format!("{at2}/when_disabled");
                        match value.strip_prefix("skip:") {
                            Some(to) => write(ws, &target, json!({"skip_to": to}), false),
                            None if value == "hold" => write(ws, &target, json!("hold"), false),
                            None => {
                                if ws.store.with_untracked(|s| s.get(&target).is_some()) {
                                    ws.edit(vec![Edit::Remove { at: target }], None);
                                }
                            }
                        }
                    }>
                        {move || {
                            let now = match when() {
                                Some(Value::String(s)) => s,
                                Some(Value::Object(m)) => m.get("skip_to").and_then(Value::as_str).map(|t| format!("skip:{t}")).unwrap_or_default(),
                                _ => String::new(),
                            };
                            let mut options = vec![(String::new(), ws.t(Key::NotGiven).to_owned()), ("hold".to_owned(), ws.t(Key::WhenDisabledHold).to_owned())];
                            options.extend(nodes_choice.get().into_iter().map(|(id, name)| (format!("skip:{id}"), ws.locale.get().fill(Key::WhenDisabledSkip, &[("node", &name)]))));
                            options.into_iter().map(|(v, s)| { let sel = v == now; view! { <option value=v selected=sel>{s}</option> } }).collect_view()
                        }}
                    </select>
                </div>
            }
        };
        Some(view! {
            <h2 class="card-title" id="inspector-title">
                {ws.t(kind_key(&kind))} " " <code>{node.id.clone()}</code>
            </h2>
            <LocalizedAt ws at=p("name") id="insp-name" label=Key::NodeName />
            <CheckAt ws at=p("enabled") id="insp-enabled" label=Key::NodeEnabled default=true />
            {(!node.enabled).then_some(disabled_choice)}
            <SelectAt ws at=p("status") id="insp-status" label=Key::NodeStatus options=statuses optional=true />
            {
                // Whether the clocks stop here: the node or the status it sets is one of a
                // policy's pause states.
                let (node_id, at) = (node.id.clone(), node.at.clone());
                let paused_by = move || {
                    let status = ws.value_at(&format!("{at}/status")).and_then(|v| v.as_str().map(str::to_owned));
                    ws.read(|doc| {
                        doc.pointer(&format!("{}/sla", ctx.flow_at.get()))
                            .and_then(Value::as_array)
                            .map(|policies| {
                                policies
                                    .iter()
                                    .filter(|policy| {
                                        policy.get("pause_states").and_then(Value::as_array).is_some_and(|states| {
                                            states.iter().filter_map(Value::as_str).any(|s| s == node_id || Some(s) == status.as_deref())
                                        })
                                    })
                                    .filter_map(|policy| policy.get("id").and_then(Value::as_str).map(str::to_owned))
                                    .collect::<Vec<_>>()
                            })
                            .unwrap_or_default()
                    })
                };
                move || {
                    let policies = paused_by();
                    (!policies.is_empty()).then(|| view! {
                        <p class="muted small" id="insp-paused">{ws.locale.get().fill(Key::SlaPausedHere, &[("policies", &policies.join(", "))])}</p>
                    })
                }
            }
            {(kind == "task").then(|| view! { <SelectAt ws at=p("form") id="insp-form" label=Key::NodeForm options=choices(ws, "/forms") optional=true /> })}
            {dispatch}
            {ways_out}
            {matches!(kind.as_str(), "automatic" | "end").then(|| {
                let (field, key) = if kind == "automatic" { ("steps", Key::AutomaticSteps) } else { ("emit", Key::EndEvents) };
                view! {
                    <section class="inspector-group">
                        <h3 class="subhead">{ws.t(key)}</h3>
                        <TextView ws at=format!("{}/{field}", node.at) label=Signal::derive(move || ws.t(key).to_owned()) />
                    </section>
                }
            })}
            <details class="json-part">
                <summary>{ws.t(Key::NodeJson)}</summary>
                <TextView ws at=node.at.clone() label=Signal::derive(move || ws.t(Key::NodeJson).to_owned()) />
            </details>
        })
    }
}

/// The ways out of a node, edited where they are written.
fn ways_out(ctx: FlowCtx, at: &str, kind: &str, nodes: Signal<Vec<(String, String)>>) -> AnyView {
    let ws = ctx.ws;
    let p = |field: &str| -> Signal<String> {
        let path = format!("{at}/{field}");
        Signal::derive(move || path.clone())
    };
    match kind {
        "start" | "parallel_join" | "automatic" => view! {
            <SelectAt ws at=p("next") id="insp-next" label=Key::WayNext options=nodes />
        }
        .into_any(),
        "sub_flow" => view! {
            <SelectAt ws at=p("flow") id="insp-subflow" label=Key::SubFlowTarget options=choices(ws, "/flows") />
            <SelectAt ws at=p("next") id="insp-next" label=Key::WayNext options=nodes />
        }
        .into_any(),
        "approval" => view! {
            <section class="inspector-group">
                <h3 class="subhead">{ws.t(Key::WaysOut)}</h3>
                <SelectAt ws at=p("approve/to") id="insp-approve" label=Key::EdgeApprove options=nodes />
                <SelectAt ws at=p("reject/to") id="insp-reject" label=Key::EdgeReject options=nodes />
            </section>
        }
        .into_any(),
        "parallel_split" => view! {
            <section class="inspector-group">
                <h3 class="subhead">{ws.t(Key::WaysOut)}</h3>
                <TextView ws at=format!("{at}/to") label=Signal::derive(move || ws.t(Key::SplitBranches).to_owned()) />
                <SelectAt ws at=p("join") id="insp-join" label=Key::SplitJoin options=nodes optional=true />
            </section>
        }
        .into_any(),
        "task" | "exclusive" => {
            let list = if kind == "task" { "actions" } else { "branches" };
            let list_at = format!("{at}/{list}");
            let count = Memo::new({
                let list_at = list_at.clone();
                move |_| ws.read(|doc| doc.pointer(&list_at).and_then(Value::as_array).map_or(0, Vec::len))
            });
            let is_task = kind == "task";
            let rows = move || {
                (0..count.get())
                    .map(|i| {
                        let item = format!("{list_at}/{i}");
                        let pi = |f: &str| -> Signal<String> {
                            let path = format!("{item}/{f}");
                            Signal::derive(move || path.clone())
                        };
                        let remove_at = item.clone();
                        view! {
                            <li class="way-out">
                                {if is_task {
                                    view! {
                                        <LocalizedAt ws at=pi("label") id=format!("insp-action-{i}-label") label=Key::ActionLabel />
                                        <ExprAt ws at=pi("guard") id=format!("insp-action-{i}-guard") label=Key::ActionGuard optional=true list="guard-variables" />
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <ExprAt ws at=pi("when") id=format!("insp-branch-{i}-when") label=Key::BranchWhen list="guard-variables" />
                                        <LocalizedAt ws at=pi("label") id=format!("insp-branch-{i}-label") label=Key::BranchLabel />
                                    }
                                        .into_any()
                                }}
                                <SelectAt ws at=pi("to") id=format!("insp-way-{i}-to") label=Key::WayTo options=nodes />
                                <button type="button" class="btn btn-small btn-danger-ghost" on:click=move |_| ws.edit(vec![Edit::Remove { at: remove_at.clone() }], None)>
                                    {ws.t(Key::RemoveWay)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            };
            let default = (!is_task).then(|| view! { <SelectAt ws at=p("default") id="insp-default" label=Key::EdgeDefault options=nodes optional=true /> });
            view! {
                <section class="inspector-group">
                    <h3 class="subhead">{ws.t(Key::WaysOut)}</h3>
                    <ol class="ways-out">{rows}</ol>
                    {default}
                    <p class="muted small">{ws.t(Key::WaysOutHint)}</p>
                </section>
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}

#[component]
fn EdgeInspector(ctx: FlowCtx, at: String) -> impl IntoView {
    let ws = ctx.ws;
    let edge = Memo::new(move |_| {
        ctx.graph
            .with(|g| g.edges.iter().find(|e| e.at == at).cloned())
    });
    move || {
        let edge = edge.get()?;
        let tag = ws.locale.get().tag();
        let name = |id: &str| {
            ctx.graph.with(|g| {
                g.node(id)
                    .map_or(id.to_owned(), |n| n.name.get(tag).to_owned())
            })
        };
        let item = pointer::split_last(&edge.at)
            .map(|(i, _)| i.to_owned())
            .unwrap_or_default();
        let pi = |f: &str| -> Signal<String> {
            let path = format!("{item}/{f}");
            Signal::derive(move || path.clone())
        };
        let body = match &edge.kind {
            EdgeKind::Action { .. } => view! {
                <LocalizedAt ws at=pi("label") id="edge-label" label=Key::ActionLabel />
                <ExprAt ws at=pi("guard") id="edge-guard" label=Key::ActionGuard optional=true list="guard-variables" />
                <details class="json-part">
                    <summary>{ws.t(Key::ActionEvents)}</summary>
                    <TextView ws at=format!("{item}/emit") label=Signal::derive(move || ws.t(Key::ActionEvents).to_owned()) />
                </details>
            }
            .into_any(),
            EdgeKind::Branch { .. } => view! {
                <ExprAt ws at=pi("when") id="edge-when" label=Key::BranchWhen list="guard-variables" />
                <LocalizedAt ws at=pi("label") id="edge-label" label=Key::BranchLabel />
            }
            .into_any(),
            _ => view! { <p class="muted">{ws.t(Key::EdgePlain)}</p> }.into_any(),
        };
        let edge_for_delete = edge.clone();
        Some(view! {
            <h2 class="card-title" id="inspector-title">{ws.t(Key::EdgeTitle)}</h2>
            <p class="edge-ends">{name(&edge.from)} " → " {name(&edge.to)}</p>
            {body}
            <button type="button" class="btn btn-small btn-danger-ghost" id="delete-edge" on:click=move |_| {
                ws.edit(graph::disconnect(&edge_for_delete), None);
                ctx.edge.set(None);
            }>
                {ws.t(Key::DeleteEdge)}
            </button>
        })
    }
}

#[component]
fn FlowInspector(ctx: FlowCtx) -> impl IntoView {
    let ws = ctx.ws;
    move || {
        let at = ctx.flow_at.get();
        if ws.read(|doc| doc.pointer(&at).is_none()) {
            return view! { <p class="muted">{ws.t(Key::NoFlows)}</p> }.into_any();
        }
        let p = |f: &str| -> Signal<String> {
            let path = format!("{at}/{f}");
            Signal::derive(move || path.clone())
        };
        let part = |field: &'static str, key: Key| {
            let at = format!("{at}/{field}");
            view! {
                <details class="json-part">
                    <summary>{ws.t(key)}</summary>
                    <TextView ws at label=Signal::derive(move || ws.t(key).to_owned()) />
                </details>
            }
        };
        view! {
            <h2 class="card-title" id="inspector-title">{ws.t(Key::FlowSettings)}</h2>
            <LocalizedAt ws at=p("name") id="flow-name" label=Key::FlowName />
            <SelectAt ws at=p("calendar") id="flow-calendar" label=Key::FlowCalendar options=choices(ws, "/calendars") optional=true />
            <SelectAt ws at=p("form") id="flow-form" label=Key::FlowForm options=choices(ws, "/forms") optional=true />
            <p class="muted small">{ws.t(Key::FlowSettingsNote)}</p>
            <SlaEditor ctx flow_at=at.clone() />
            {part("notifications", Key::FlowNotifications)}
            {part("statuses", Key::FlowStatuses)}
        }
        .into_any()
    }
}
