//! The ticket preview beside the flows: a script of commands with their times run through
//! jimu-core's ticket engine, its timeline as a table (entries, assignments, SLA clocks with
//! warnings and breaches, pauses, escalations, notifications) and where the ticket ends up.

pub mod model;

use crate::browser;
use crate::i18n::Key;
use crate::previews::Stale;
use crate::previews::quote::ArcEq;
use crate::shell::workspace::Workspace;
use crate::state::samples::Kind;
use crate::ui::samples::SampleBar;
use jimu_core::ticket::Timeline;
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
struct Ran(Result<Timeline, Vec<jimu_core::Problem>>);

fn kind_key(kind: &str) -> Key {
    match kind {
        "created" => Key::EvCreated,
        "entered" => Key::EvEntered,
        "assigned" => Key::EvAssigned,
        "queued" => Key::EvQueued,
        "acted" => Key::EvActed,
        "commented" => Key::EvCommented,
        "paused" => Key::EvPaused,
        "resumed" => Key::EvResumed,
        "held" => Key::EvHeld,
        "skipped" => Key::EvSkipped,
        "priority" => Key::EvPriority,
        "sla_started" => Key::EvSlaStarted,
        "sla_warning" => Key::EvSlaWarning,
        "sla_breach" => Key::EvSlaBreach,
        "sla_stopped" => Key::EvSlaStopped,
        "escalated" => Key::EvEscalated,
        "deadline_warning" => Key::EvDeadlineWarning,
        "deadline_breach" => Key::EvDeadlineBreach,
        "notify" => Key::EvNotify,
        "event" => Key::EvEvent,
        "priced" => Key::EvPriced,
        "price_failed" => Key::EvPriceFailed,
        _ => Key::EvClosed,
    }
}

/// A timeline entry's kind in words (`sla_breach` → "SLA 超时").
pub fn kind_text(locale: crate::i18n::Locale, kind: &str) -> &'static str {
    locale.text(kind_key(kind))
}

#[component]
pub fn TicketPreview(ws: Workspace) -> impl IntoView {
    let bundle = Memo::new(move |_| {
        ws.good
            .with(|g| g.as_ref().map(|g| ArcEq(g.bundle.clone())))
    });
    let flow = Memo::new(move |_| {
        let b = bundle.get()?.0;
        let chosen = ws.inputs.with(|i| i.flow.clone());
        let flows = &b.doc().flows;
        chosen
            .filter(|c| flows.iter().any(|f| f.id.as_str() == c))
            .or_else(|| flows.first().map(|f| f.id.as_str().to_owned()))
    });
    let zone = move || {
        ws.read(|doc| {
            doc.get("time_zone")
                .and_then(|z| z.as_str())
                .map(str::to_owned)
        })
    };
    let script = move || {
        let typed = ws.inputs.with(|i| i.script.clone());
        if typed.trim().is_empty() {
            let start = model::starter_start(browser::now_ms(), zone().as_deref());
            flow.get()
                .map(|f| model::starter_script(&f, start))
                .unwrap_or_default()
        } else {
            typed
        }
    };
    // The script as shown, read without tracking (for keeping it as a sample).
    let script_untracked = move || untrack(script);
    let ran = Memo::new(move |_| {
        let b = bundle.get()?.0;
        let text = script();
        Some(Ran(model::run(&b, &text, flow.get().as_deref())))
    });
    let zone = move || {
        ws.read(|doc| {
            doc.get("time_zone")
                .and_then(|z| z.as_str())
                .map(str::to_owned)
        })
    };
    view! {
        <section class="card preview" id="ticket-preview" aria-labelledby="ticket-preview-title">
            <div class="card-head">
                <h2 class="card-title" id="ticket-preview-title">{move || ws.t(Key::TicketPreviewTitle)}</h2>
                <Stale ws />
            </div>
            {move || match bundle.get() {
                None => view! { <p class="card-note">{ws.t(Key::PreviewNeedsValid)}</p> }.into_any(),
                Some(b) if b.0.doc().flows.is_empty() => view! { <p class="card-note">{ws.t(Key::NoFlows)}</p> }.into_any(),
                Some(b) => {
                    let flows: Vec<(String, jimu_core::Localized)> = b
                        .0
                        .doc()
                        .flows
                        .iter()
                        .map(|f| (f.id.as_str().to_owned(), f.name.localized()))
                        .collect();
                    view! {
                        <div class="preview-controls">
                            <div class="field">
                                <label class="field-label" for="preview-flow">{move || ws.t(Key::PreviewFlow)}</label>
                                <select id="preview-flow" class="select" on:change=move |ev| {
                                    let id = event_target_value(&ev);
                                    ws.set_inputs(|i| i.flow = Some(id));
                                }>
                                    {flows
                                        .into_iter()
                                        .map(|(id, name)| {
                                            let sel = id.clone();
                                            let value = id.clone();
                                            view! {
                                                <option value=value selected=move || flow.get().as_deref() == Some(sel.as_str())>
                                                    {move || format!("{} ({id})", name.get(ws.locale.get().tag()))}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                            <button
                                type="button"
                                class="btn btn-small"
                                id="script-reset"
                                on:click=move |_| ws.set_inputs(|i| i.script.clear())
                            >
                                {move || ws.t(Key::ScriptReset)}
                            </button>
                        </div>
                        <SampleBar
                            ws
                            kind=Kind::Tickets
                            current=Callback::new(move |()| {
                                let script = jimu_core::parse_json(&script_untracked()).ok()?;
                                Some(serde_json::json!({ "flow": flow.get_untracked(), "script": script }))
                            })
                            on_use=Callback::new(move |sample: serde_json::Value| {
                                let script = sample.get("script").map(|s| serde_json::to_string_pretty(s).unwrap_or_default());
                                let picked = sample.get("flow").and_then(|f| f.as_str()).map(str::to_owned);
                                ws.set_inputs(|i| {
                                    i.script = script.unwrap_or_default();
                                    if picked.is_some() {
                                        i.flow = picked;
                                    }
                                });
                            })
                        />
                        <label class="field-label" for="script-input">{move || ws.t(Key::ScriptLabel)}</label>
                        <textarea
                            id="script-input"
                            class="code-input script-input"
                            spellcheck="false"
                            wrap="off"
                            prop:value=script
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                ws.set_inputs(|i| i.script = text);
                            }
                        ></textarea>
                        <p class="muted small">{move || ws.t(Key::ScriptNote)}</p>
                        <TimelineView ws ran bundle=b.0 zone=Signal::derive(zone) flow />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn TimelineView(
    ws: Workspace,
    ran: Memo<Option<Ran>>,
    bundle: std::sync::Arc<jimu_core::Bundle>,
    zone: Signal<Option<String>>,
    flow: Memo<Option<String>>,
) -> impl IntoView {
    let bundle = StoredValue::new(bundle);
    move || {
        let locale = ws.locale.get();
        let tag = locale.tag();
        let zone = zone.get();
        let flow = flow.get().unwrap_or_default();
        let Some(Ran(ran)) = ran.get() else {
            return ().into_any();
        };
        match ran {
            Err(problems) => view! {
                <section class="card card-error" id="script-problems">
                    <h3 class="card-title">{locale.fill(Key::ScriptProblems, &[("count", &problems.len().to_string())])}</h3>
                    <ul class="problems">
                        {problems
                            .into_iter()
                            .map(|p| {
                                let pos = p.line.zip(p.column).map(|(l, c)| locale.fill(Key::ProblemPosition, &[("line", &l.to_string()), ("column", &c.to_string())]));
                                view! {
                                    <li class="problem" data-path=p.path.clone()>
                                        <span class="problem-head"><code class="problem-path">{p.path.clone()}</code> " " {pos}</span>
                                        <span class="problem-message">{p.message.get(tag).to_owned()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
            .into_any(),
            Ok(timeline) => {
                let rows = timeline
                    .timeline
                    .iter()
                    .map(|h| {
                        let (kind, node, details) = model::parts(&h.what, zone.as_deref());
                        let node = node.map(|n| {
                            let name = bundle.with_value(|b| model::node_name(b, &flow, &n, tag));
                            match name {
                                Some(name) => format!("{name} ({n})"),
                                None => n,
                            }
                        });
                        view! {
                            <tr class="happening" data-kind=kind data-tone=model::tone(kind)>
                                <td class="mono small nowrap">{model::time(&h.at, zone.as_deref())}</td>
                                <td><span class=format!("tag tag-ev tag-{}", model::tone(kind))>{locale.text(kind_key(kind))}</span></td>
                                <td>{node.unwrap_or_default()}</td>
                                <td class="small">{details}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let refusals = timeline
                    .refusals
                    .iter()
                    .map(|(i, r)| view! { <li class="refusal"><code>{format!("#{i} {}", r.code)}</code> " " {r.message.get(tag).to_owned()}</li> })
                    .collect_view();
                let ticket = timeline.ticket.as_ref().map(|t| {
                    let at = t
                        .at
                        .iter()
                        .map(|n| bundle.with_value(|b| model::node_name(b, &t.flow, n, tag)).map_or_else(|| n.to_string(), |name| format!("{name} ({n})")))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let state = if t.closed { locale.text(Key::TicketClosed) } else { locale.text(Key::TicketOpen) };
                    view! {
                        <dl class="ticket-state" id="ticket-state">
                            <dt>{locale.text(Key::TicketAt)}</dt><dd>{at} " · " {state}</dd>
                            <dt>{locale.text(Key::TicketAssignee)}</dt><dd>{t.assignee.as_deref().unwrap_or("—").to_owned()}</dd>
                            <dt>{locale.text(Key::TicketPriority)}</dt><dd>{t.priority}</dd>
                        </dl>
                    }
                });
                let next = timeline.next_due.as_ref().map(|d| model::time(d, zone.as_deref()));
                view! {
                    <table id="timeline" class="data-table timeline-table">
                        <caption class="visually-hidden">{locale.text(Key::TimelineTitle)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{locale.text(Key::ColTime)}</th>
                                <th scope="col">{locale.text(Key::ColWhat)}</th>
                                <th scope="col">{locale.text(Key::ColNode)}</th>
                                <th scope="col">{locale.text(Key::ColDetails)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {(!timeline.refusals.is_empty()).then(|| view! {
                        <h3 class="subhead">{locale.text(Key::RefusedCommands)}</h3>
                        <ul class="refusals">{refusals}</ul>
                    })}
                    {ticket}
                    <p class="muted small">{locale.text(Key::NextDue)} " " {next.unwrap_or_else(|| "—".to_owned())}</p>
                }
                .into_any()
            }
        }
    }
}
