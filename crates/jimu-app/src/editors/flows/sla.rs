//! The flow's SLA policies as forms a service manager reads: which tickets each applies to, its
//! clocks (first response, next update, resolution; business time or not), the warning, the
//! states that stop the clocks, and the escalation chain as numbered steps ("at the breach of
//! the first response, then after 24 h: reassign to the supervisor"). Every input writes its
//! place in the document; the whole `sla` list stays one click away as JSON.

use super::ctx::FlowCtx;
use crate::editors::text_view::TextView;
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::ui::fields::{ExprAt, SelectAt, TextAt, fixed, len_at, listed, write};
use leptos::prelude::*;
use serde_json::{Value, json};

/// The three clocks a policy can run, with their names.
const CLOCKS: [(&str, Key); 3] = [
    ("first_response", Key::SlaFirstResponse),
    ("next_update", Key::SlaNextUpdate),
    ("resolution", Key::SlaResolution),
];

/// The flow's SLA policies.
#[component]
pub fn SlaEditor(ctx: FlowCtx, flow_at: String) -> impl IntoView {
    let ws = ctx.ws;
    let json_at = format!("{flow_at}/sla");
    let list = StoredValue::new(json_at.clone());
    let list_at = move || list.get_value();
    let count = Memo::new(move |_| len_at(ws, &list_at()));
    let add = move |_| {
        let at = list_at();
        let n = len_at(ws, &at);
        let policy = json!({
            "id": format!("sla-{}", n + 1),
            "targets": {"first_response": {"within": "24h"}},
        });
        if ws.store.with_untracked(|s| s.get(&at).is_some()) {
            ws.edit(
                vec![Edit::Insert {
                    at: format!("{at}/{n}"),
                    value: policy,
                }],
                None,
            );
        } else {
            write(ws, &at, json!([policy]), false);
        }
    };
    view! {
        <section class="inspector-group sla-editor" id="sla-editor">
            <h3 class="subhead">{move || ws.t(Key::FlowSla)}</h3>
            {move || (count.get() == 0).then(|| view! { <p class="muted small">{ws.t(Key::SlaNone)}</p> })}
            <For each=move || 0..count.get() key=|i| *i let:i>
                <SlaPolicy ctx i />
            </For>
            <button type="button" class="btn btn-small" id="sla-add" on:click=add>{move || ws.t(Key::SlaAdd)}</button>
            <details class="json-part">
                <summary>{move || ws.t(Key::SlaAsJson)}</summary>
                <TextView ws at=json_at label=Signal::derive(move || ws.t(Key::FlowSla).to_owned()) />
            </details>
        </section>
    }
}

/// One policy, as a card.
#[component]
fn SlaPolicy(ctx: FlowCtx, i: usize) -> impl IntoView {
    let ws = ctx.ws;
    let base = move || format!("{}/sla/{i}", ctx.flow_at.get());
    let p = move |field: &'static str| Signal::derive(move || format!("{}/{field}", base()));
    let id_text = move || {
        ws.value_at(&format!("{}/id", base()))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let remove = move |_| {
        ws.edit(vec![Edit::Remove { at: base() }], None);
    };
    let pid = |what: &str| format!("sla-{i}-{what}");
    let escalations = Memo::new(move |_| len_at(ws, &format!("{}/escalations", base())));
    let add_escalation = move |_| {
        let at = format!("{}/escalations", base());
        let step = json!({"on": "breach", "target": "first_response", "action": {"do": "notify", "to": ["assignee_manager"]}});
        match len_at(ws, &at) {
            0 => write(ws, &at, json!([step]), false),
            n => ws.edit(
                vec![Edit::Insert {
                    at: format!("{at}/{n}"),
                    value: step,
                }],
                None,
            ),
        }
    };
    // The states that can stop the clocks: the flow's statuses, then its nodes.
    let pausable = Signal::derive(move || {
        let flow = ctx.flow_at.get();
        let mut out = listed(ws, format!("{flow}/statuses")).get();
        let tag = ws.locale.get().tag();
        ctx.graph.with(|g| {
            out.extend(
                g.nodes
                    .iter()
                    .filter(|n| matches!(n.kind.as_str(), "task" | "approval"))
                    .map(|n| (n.id.clone(), format!("{} ({})", n.name.get(tag), n.id))),
            )
        });
        out
    });
    view! {
        <fieldset class="sla-policy" data-policy=i>
            <legend>{move || ws.locale.get().fill(Key::SlaPolicyN, &[("id", &id_text())])}</legend>
            <div class="form-grid">
                <TextAt ws at=p("id") id=pid("id") label=Key::SlaId mono=true />
                <SelectAt ws at=p("calendar") id=pid("calendar") label=Key::SlaCalendar options=listed(ws, "/calendars".to_owned()) optional=true />
            </div>
            <ExprAt ws at=p("when") id=pid("when") label=Key::SlaWhen optional=true />
            <table class="sla-clocks">
                <thead>
                    <tr>
                        <th scope="col">{move || ws.t(Key::SlaClock)}</th>
                        <th scope="col">{move || ws.t(Key::SlaWithin)}</th>
                        <th scope="col">{move || ws.t(Key::SlaBusiness)}</th>
                    </tr>
                </thead>
                <tbody>
                    {CLOCKS
                        .iter()
                        .map(|&(clock, key)| view! { <SlaClockRow ws base=Signal::derive(base) clock key i /> })
                        .collect_view()}
                </tbody>
            </table>
            <TextAt ws at=p("warn_before") id=pid("warn") label=Key::SlaWarnBefore optional=true />
            <div class="field">
                <span class="field-label" id=pid("pause-label")>{move || ws.t(Key::SlaPauseStates)}</span>
                <div class="check-list" role="group" aria-labelledby=pid("pause-label")>
                    {move || {
                        pausable
                            .get()
                            .into_iter()
                            .map(|(state, shown)| view! { <PauseCheck ws at=p("pause_states") state shown i /> })
                            .collect_view()
                    }}
                </div>
            </div>
            <h4 class="subhead">{move || ws.t(Key::SlaEscalations)}</h4>
            {move || (escalations.get() == 0).then(|| view! { <p class="muted small">{ws.t(Key::SlaEscalationsNone)}</p> })}
            <ol class="escalations">
                <For each=move || 0..escalations.get() key=|j| *j let:j>
                    <EscalationRow ctx base=Signal::derive(move || format!("{}/escalations/{j}", base())) i j />
                </For>
            </ol>
            <div class="row-actions">
                <button type="button" class="btn btn-small" id=pid("esc-add") on:click=add_escalation>{move || ws.t(Key::EscAdd)}</button>
                <button type="button" class="btn btn-small btn-danger" id=pid("remove") on:click=remove>{move || ws.t(Key::SlaRemove)}</button>
            </div>
        </fieldset>
    }
}

/// One clock of a policy: its time limit (clearing it removes the clock) and business time.
#[component]
fn SlaClockRow(
    ws: Workspace,
    base: Signal<String>,
    clock: &'static str,
    key: Key,
    i: usize,
) -> impl IntoView {
    let at = move || format!("{}/targets/{clock}", base.get());
    let within = move || {
        ws.value_at(&format!("{}/within", at()))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let business = move || {
        ws.value_at(&format!("{}/business_time", at()))
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    let input_id = format!("sla-{i}-{clock}");
    let check_id = format!("sla-{i}-{clock}-business");
    view! {
        <tr>
            <th scope="row"><label for=input_id.clone()>{move || ws.t(key)}</label></th>
            <td>
                <input
                    id=input_id
                    class="text-input mono"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    data-undo="store"
                    placeholder="24h"
                    prop:value=within
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        let at = at();
                        if text.is_empty() {
                            if ws.store.with_untracked(|s| s.get(&at).is_some()) {
                                ws.edit(vec![Edit::Remove { at }], None);
                            }
                        } else {
                            write(ws, &format!("{at}/within"), Value::String(text), true);
                        }
                    }
                    on:blur=move |_| ws.seal()
                />
            </td>
            <td>
                <input
                    id=check_id
                    type="checkbox"
                    aria-label=move || format!("{} · {}", ws.t(key), ws.t(Key::SlaBusiness))
                    prop:checked=business
                    prop:disabled=move || within().is_empty()
                    on:change=move |ev| {
                        let at = format!("{}/business_time", at());
                        if event_target_checked(&ev) {
                            write(ws, &at, Value::Bool(true), false);
                        } else if ws.store.with_untracked(|s| s.get(&at).is_some()) {
                            ws.edit(vec![Edit::Remove { at }], None);
                        }
                    }
                />
            </td>
        </tr>
    }
}

/// A state that stops a policy's clocks: on adds it to `pause_states`, off takes it out.
#[component]
fn PauseCheck(
    ws: Workspace,
    at: Signal<String>,
    state: String,
    shown: String,
    i: usize,
) -> impl IntoView {
    let id = format!("sla-{i}-pause-{state}");
    let s = state.clone();
    let checked = move || {
        ws.value_at(&at.get())
            .and_then(|v| {
                v.as_array()
                    .map(|a| a.iter().any(|x| x.as_str() == Some(&s)))
            })
            .unwrap_or(false)
    };
    let label_for = id.clone();
    view! {
        <label class="check" for=label_for>
            <input
                id=id
                type="checkbox"
                prop:checked=checked
                on:change=move |ev| {
                    let at = at.get_untracked();
                    let now: Vec<Value> = ws
                        .value_at(&at)
                        .and_then(|v| v.as_array().cloned())
                        .unwrap_or_default();
                    let mut next: Vec<Value> = now.into_iter().filter(|x| x.as_str() != Some(&state)).collect();
                    if event_target_checked(&ev) {
                        next.push(Value::String(state.clone()));
                    }
                    if next.is_empty() {
                        ws.edit(vec![Edit::Remove { at }], None);
                    } else {
                        write(ws, &at, Value::Array(next), false);
                    }
                }
            />
            {shown}
        </label>
    }
}

const MOMENTS: [(&str, Key); 2] = [("warning", Key::EscOnWarning), ("breach", Key::EscOnBreach)];
const ACTIONS: [(&str, Key); 3] = [
    ("reassign", Key::EscReassign),
    ("notify", Key::EscNotify),
    ("set_priority", Key::EscSetPriority),
];
const PRIORITIES: [(&str, Key); 4] = [
    ("urgent", Key::PriorityUrgent),
    ("high", Key::PriorityHigh),
    ("normal", Key::PriorityNormal),
    ("low", Key::PriorityLow),
];
const NAMED: [(&str, Key); 3] = [
    ("assignee", Key::RecipientAssignee),
    ("customer", Key::RecipientCustomer),
    ("assignee_manager", Key::RecipientManager),
];

/// One step of the escalation chain.
#[component]
fn EscalationRow(ctx: FlowCtx, base: Signal<String>, i: usize, j: usize) -> impl IntoView {
    let ws = ctx.ws;
    let p = move |field: &'static str| Signal::derive(move || format!("{}/{field}", base.get()));
    let sid = move |what: &str| format!("esc-{i}-{j}-{what}");
    let action = move || {
        ws.value_at(&format!("{}/action/do", base.get()))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let roles = listed(ws, "/org/roles".to_owned());
    let set_action = move |ev: leptos::ev::Event| {
        let first_role = roles
            .get_untracked()
            .first()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let value = match event_target_value(&ev).as_str() {
            "reassign" => json!({"do": "reassign", "to": {"role": first_role}}),
            "set_priority" => json!({"do": "set_priority", "priority": "urgent"}),
            _ => json!({"do": "notify", "to": ["assignee_manager"]}),
        };
        write(
            ws,
            &format!("{}/action", base.get_untracked()),
            value,
            false,
        );
    };
    // Who is told, for a notification: one named person or a role (several stay in the JSON).
    let recipient = move || match ws.value_at(&format!("{}/action/to", base.get())) {
        Some(Value::Array(list)) if list.len() == 1 => match &list[0] {
            Value::String(s) => s.clone(),
            Value::Object(m) => m
                .get("role")
                .and_then(Value::as_str)
                .map(|r| format!("role:{r}"))
                .unwrap_or_default(),
            _ => String::new(),
        },
        Some(Value::Array(list)) if list.len() > 1 => "many".to_owned(),
        _ => String::new(),
    };
    let set_recipient = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let to = match value.strip_prefix("role:") {
            Some(role) => json!([{"role": role}]),
            None => json!([value]),
        };
        write(
            ws,
            &format!("{}/action/to", base.get_untracked()),
            to,
            false,
        );
    };
    let remove = move |_| {
        ws.edit(
            vec![Edit::Remove {
                at: base.get_untracked(),
            }],
            None,
        )
    };
    let n = (j + 1).to_string();
    let n2 = n.clone();
    let n3 = n.clone();
    view! {
        <li class="escalation" data-step=j>
            <span class="escalation-n">{move || ws.locale.get().fill(Key::EscStep, &[("n", &n)])}</span>
            <div class="escalation-fields">
                <SelectAt ws at=p("on") id=sid("on") label=Key::EscOn options=fixed(ws, &MOMENTS) />
                <SelectAt ws at=p("target") id=sid("target") label=Key::SlaClock options=fixed(ws, &CLOCKS) />
                <TextAt ws at=p("after") id=sid("after") label=Key::EscAfter optional=true mono=true />
                <div class="field">
                    <label class="field-label" for=sid("do")>{move || ws.t(Key::EscAction)}</label>
                    <select id=sid("do") class="select" on:change=set_action>
                        {move || {
                            let now = action();
                            ACTIONS
                                .iter()
                                .map(|(v, k)| view! { <option value=*v selected=now == *v>{ws.t(*k)}</option> })
                                .collect_view()
                        }}
                    </select>
                </div>
                {move || match action().as_str() {
                    "reassign" => view! { <SelectAt ws at=p("action/to/role") id=sid("who") label=Key::EscWho options=roles /> }.into_any(),
                    "set_priority" => view! { <SelectAt ws at=p("action/priority") id=sid("who") label=Key::EscWho options=fixed(ws, &PRIORITIES) /> }.into_any(),
                    _ => view! {
                        <div class="field">
                            <label class="field-label" for=sid("who")>{move || ws.t(Key::EscWho)}</label>
                            <select id=sid("who") class="select" on:change=set_recipient>
                                {move || {
                                    let now = recipient();
                                    let mut items: Vec<(String, String)> = NAMED.iter().map(|(v, k)| ((*v).to_owned(), ws.t(*k).to_owned())).collect();
                                    items.extend(roles.get().into_iter().map(|(id, shown)| (format!("role:{id}"), shown)));
                                    if now == "many" {
                                        items.insert(0, ("many".to_owned(), ws.t(Key::RecipientMany).to_owned()));
                                    }
                                    items.into_iter().map(|(v, s)| { let sel = v == now; view! { <option value=v selected=sel>{s}</option> } }).collect_view()
                                }}
                            </select>
                        </div>
                    }
                    .into_any(),
                }}
            </div>
            <button
                type="button"
                class="btn btn-small btn-icon"
                aria-label=move || ws.locale.get().fill(Key::EscRemove, &[("n", &n2)])
                title=move || ws.locale.get().fill(Key::EscRemove, &[("n", &n3)])
                on:click=remove
            >
                "×"
            </button>
        </li>
    }
}
