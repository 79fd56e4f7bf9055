//! A ticket simulated on the canvas: a sample ticket kept with the bundle or a script of
//! commands with times, run by jimu-core's ticket engine; its path lights up step by step
//! (play, pause, step, scrub) and a timeline chart shows each node's time, SLA warnings and
//! breaches, pauses, escalations and notifications. Any change to the flow runs it again.

use super::ctx::FlowCtx;
use crate::browser;
use crate::i18n::Key;
use crate::previews::quote::ArcEq;
use crate::previews::ticket::model;
use crate::state::samples::Kind;
use crate::ui::samples::SampleBar;
use jimu_core::ticket::{Happening, Timeline, What};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
struct Ran(Result<Timeline, Vec<jimu_core::Problem>>);

/// A node's stay in the timeline: from entering it to the next entry (or the end).
#[derive(Debug, Clone, PartialEq)]
pub struct Stay {
    pub node: String,
    pub from: i64,
    pub until: i64,
}

/// The stays of a timeline, in order (milliseconds since the epoch).
pub fn stays(timeline: &[Happening]) -> Vec<Stay> {
    let mut out: Vec<Stay> = Vec::new();
    let end = timeline.last().map_or(0, |h| h.at.0.timestamp_millis());
    for h in timeline {
        let t = h.at.0.timestamp_millis();
        match &h.what {
            What::Entered { node } => {
                if let Some(open) = out.last_mut().filter(|s| s.until == i64::MAX) {
                    open.until = t;
                }
                out.push(Stay {
                    node: node.to_string(),
                    from: t,
                    until: i64::MAX,
                });
            }
            What::Closed { .. } => {
                if let Some(open) = out.last_mut().filter(|s| s.until == i64::MAX) {
                    open.until = t;
                }
            }
            _ => {}
        }
    }
    for stay in &mut out {
        if stay.until == i64::MAX {
            stay.until = end.max(stay.from);
        }
    }
    out
}

/// The nodes passed up to step `step` (inclusive) and the one the ticket is at then.
pub fn path_at(timeline: &[Happening], step: usize) -> (Vec<String>, Vec<String>) {
    let mut visited = Vec::new();
    let mut current = Vec::new();
    for h in timeline.iter().take(step.saturating_add(1)) {
        match &h.what {
            What::Entered { node } => {
                let node = node.to_string();
                if !visited.contains(&node) {
                    visited.push(node.clone());
                }
                current = vec![node];
            }
            What::Closed { .. } => current.clear(),
            _ => {}
        }
    }
    (visited, current)
}

#[component]
pub fn Simulation(ctx: FlowCtx) -> impl IntoView {
    let ws = ctx.ws;
    let bundle = Memo::new(move |_| {
        ws.good
            .with(|g| g.as_ref().map(|g| ArcEq(g.bundle.clone())))
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
            ctx.flow_id
                .get()
                .map(|f| model::starter_script(&f, start))
                .unwrap_or_default()
        } else {
            typed
        }
    };
    let ran = Memo::new(move |_| {
        let b = bundle.get()?.0;
        Some(Ran(model::run(&b, &script(), ctx.flow_id.get().as_deref())))
    });
    let length = Memo::new(move |_| {
        ran.with(|r| match r {
            Some(Ran(Ok(t))) => t.timeline.len(),
            _ => 0,
        })
    });
    let step = RwSignal::new(usize::MAX);
    let playing = RwSignal::new(false);
    let timer = StoredValue::new(None::<IntervalHandle>);
    // A run of another length shows its whole path; otherwise the step stays in range.
    Effect::new(move |before: Option<usize>| {
        let len = length.get();
        if before != Some(len) || step.get_untracked() >= len {
            step.set(len.saturating_sub(1));
        }
        len
    });
    // The path up to the step lights up on the canvas.
    Effect::new(move |_| {
        let s = step.get();
        let (visited, current) = ran.with(|r| match r {
            Some(Ran(Ok(t))) => path_at(&t.timeline, s),
            _ => (Vec::new(), Vec::new()),
        });
        ctx.visited.set(visited);
        ctx.current.set(current);
    });
    on_cleanup(move || {
        ctx.visited.set(Vec::new());
        ctx.current.set(Vec::new());
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    });
    let stop = move || {
        playing.set(false);
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        timer.set_value(None);
    };
    let play = move |_| {
        if playing.get_untracked() {
            stop();
            return;
        }
        if step.get_untracked().saturating_add(1) >= length.get_untracked() {
            step.set(0);
        }
        playing.set(true);
        let handle = set_interval_with_handle(
            move || {
                let len = length.get_untracked();
                if step.get_untracked().saturating_add(1) >= len {
                    stop();
                } else {
                    step.update(|s| *s = s.saturating_add(1));
                }
            },
            Duration::from_millis(500),
        )
        .ok();
        timer.set_value(handle);
    };
    let now_text = move || {
        let s = step.get();
        let tag = ws.locale.get().tag();
        ran.with(|r| match r {
            Some(Ran(Ok(t))) => t.timeline.get(s).map(|h| {
                let (kind, node, details) = model::parts(&h.what, zone().as_deref());
                let node = node
                    .map(|n| {
                        bundle
                            .with(|b| {
                                b.as_ref().and_then(|b| {
                                    model::node_name(
                                        &b.0,
                                        &ctx.flow_id.get().unwrap_or_default(),
                                        &n,
                                        tag,
                                    )
                                })
                            })
                            .unwrap_or(n)
                    })
                    .unwrap_or_default();
                format!(
                    "{} · {} {} {}",
                    model::time(&h.at, zone().as_deref()),
                    crate::previews::ticket::kind_text(ws.locale.get(), kind),
                    node,
                    details
                )
            }),
            _ => None,
        })
        .unwrap_or_default()
    };
    view! {
        <section class="card simulation" id="flow-simulation" aria-labelledby="sim-title">
            <div class="card-head">
                <h2 class="card-title" id="sim-title">{move || ws.t(Key::SimulateTitle)}</h2>
                <crate::previews::Stale ws />
            </div>
            <SampleBar
                ws
                kind=Kind::Tickets
                current=Callback::new(move |()| {
                    let script = jimu_core::parse_json(&untrack(script)).ok()?;
                    Some(serde_json::json!({ "flow": ctx.flow_id.get_untracked(), "script": script }))
                })
                on_use=Callback::new(move |sample: serde_json::Value| {
                    let script = sample.get("script").map(|s| serde_json::to_string_pretty(s).unwrap_or_default());
                    ws.set_inputs(|i| i.script = script.unwrap_or_default());
                })
            />
            <div class="sim-controls" role="group" aria-label=move || ws.t(Key::SimulateControls)>
                <button type="button" class="btn btn-small" id="sim-back"
                    disabled=move || step.get() == 0 on:click=move |_| { stop(); step.update(|s| *s = s.saturating_sub(1)); }>
                    {move || ws.t(Key::StepBack)}
                </button>
                <button type="button" class="btn btn-small" id="sim-play" aria-pressed=move || if playing.get() { "true" } else { "false" } on:click=play>
                    {move || if playing.get() { ws.t(Key::Pause) } else { ws.t(Key::Play) }}
                </button>
                <button type="button" class="btn btn-small" id="sim-step"
                    disabled={move || step.get().saturating_add(1) >= length.get()} on:click=move |_| { stop(); step.update(|s| *s = s.saturating_add(1)); }>
                    {move || ws.t(Key::StepForward)}
                </button>
                <label class="visually-hidden" for="sim-scrub">{move || ws.t(Key::Scrub)}</label>
                <input id="sim-scrub" class="sim-scrub" type="range" min="0"
                    max=move || length.get().saturating_sub(1).to_string()
                    prop:value=move || step.get().to_string()
                    on:input=move |ev| { stop(); step.set(event_target_value(&ev).parse().unwrap_or(0)); } />
                <span class="sim-step-text" id="sim-now" aria-live="polite">
                    {move || format!("{}/{}", step.get().saturating_add(1).min(length.get()), length.get())} " " {now_text}
                </span>
            </div>
            // The chart is drawn in one language: drawn again when it changes.
            {move || match (ws.locale.track(), ran.get()).1 {
                None => view! { <p class="card-note">{ws.t(Key::PreviewNeedsValid)}</p> }.into_any(),
                Some(Ran(Err(problems))) => {
                    let tag = ws.locale.get().tag();
                    view! {
                        <ul class="problems card-error" id="sim-problems">
                            {problems.into_iter().map(|p| view! { <li class="problem"><code>{p.path.clone()}</code> " " {p.message.get(tag).to_owned()}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
                Some(Ran(Ok(timeline))) => view! { <TimelineChart ctx timeline step zone=Signal::derive(zone) bundle /> }.into_any(),
            }}
            <details class="json-part">
                <summary>{move || ws.t(Key::ScriptLabel)}</summary>
                <textarea id="sim-script" class="code-input script-input" spellcheck="false" wrap="off"
                    aria-label=move || ws.t(Key::ScriptLabel)
                    prop:value=script
                    on:input=move |ev| { let text = event_target_value(&ev); ws.set_inputs(|i| i.script = text); }></textarea>
                <button type="button" class="btn btn-small" on:click=move |_| ws.set_inputs(|i| i.script.clear())>{move || ws.t(Key::ScriptReset)}</button>
            </details>
        </section>
    }
}

/// The shape of a mark in the timeline chart: breaches and warnings are triangles, escalations
/// diamonds, notifications circles, pauses bars — told apart without colour.
fn mark_shape(class: &str) -> &'static str {
    match class {
        "mark mark-escalated" => "M0,-7 L6,-1 L0,5 L-6,-1 z",
        "mark mark-notify" => "M-5,-1 a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0 z",
        "mark mark-pause" => "M-5,-6 h4 v10 h-4 z M1,-6 h4 v10 h-4 z",
        "mark mark-warn" => "M0,5 L6,-6 L-6,-6 z",
        _ => "M0,-7 L6,4 L-6,4 z",
    }
}

/// The timeline as a chart: one row per stay at a node (a bar from entering to leaving), and
/// marks for warnings, breaches, escalations, notifications and pauses; a line at the step.
#[component]
fn TimelineChart(
    ctx: FlowCtx,
    timeline: Timeline,
    step: RwSignal<usize>,
    zone: Signal<Option<String>>,
    bundle: Memo<Option<ArcEq>>,
) -> impl IntoView {
    let ws = ctx.ws;
    const W: f64 = 1000.0;
    const LEFT: f64 = 140.0;
    const ROW: f64 = 26.0;
    // Marks at (nearly) the same time stack in up to this many levels above the axis.
    const LEVELS: usize = 3;
    const LEVEL: f64 = 13.0;
    let happenings = timeline.timeline.clone();
    let stays = stays(&happenings);
    let (t0, t1) = (
        happenings.first().map_or(0, |h| h.at.0.timestamp_millis()),
        happenings.last().map_or(1, |h| h.at.0.timestamp_millis()),
    );
    let span = ((t1 - t0).max(1)) as f64;
    let x = move |t: i64| LEFT + (t - t0) as f64 / span * (W - LEFT - 10.0);
    let rows_end = 10.0 + stays.len() as f64 * ROW;
    let height = rows_end + LEVELS as f64 * LEVEL + 30.0;
    let flow = ctx.flow_id.get_untracked().unwrap_or_default();
    let tag = ws.locale.get_untracked().tag();
    let name_of = |node: &str| {
        bundle
            .with_untracked(|b| {
                b.as_ref()
                    .and_then(|b| model::node_name(&b.0, &flow, node, tag))
            })
            .unwrap_or_else(|| node.to_owned())
    };
    let rows = stays
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let y = 10.0 + i as f64 * ROW;
            let label = name_of(&s.node);
            view! {
                <g class="stay" data-node=s.node.clone()>
                    <text class="stay-label" x=LEFT - 8.0 y=y + 15.0 text-anchor="end">{label}</text>
                    <rect class="stay-bar" x=x(s.from) y=y + 4.0 width=(x(s.until) - x(s.from)).max(3.0) height=ROW - 10.0 rx="3"></rect>
                </g>
            }
        })
        .collect_view();
    let mut placed: Vec<f64> = Vec::new();
    let mut kinds: Vec<(&'static str, &'static str)> = Vec::new();
    let marks = happenings
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let (kind, _, details) = model::parts(&h.what, zone.get_untracked().as_deref());
            let class = match kind {
                "sla_warning" | "deadline_warning" => "mark mark-warn",
                "sla_breach" | "deadline_breach" => "mark mark-breach",
                "escalated" => "mark mark-escalated",
                "notify" => "mark mark-notify",
                "paused" | "resumed" => "mark mark-pause",
                _ => return None,
            };
            let at = x(h.at.0.timestamp_millis());
            let level = placed
                .iter()
                .filter(|p| (**p - at).abs() < 10.0)
                .count()
                .min(LEVELS - 1);
            placed.push(at);
            if !kinds.iter().any(|(c, _)| *c == class) {
                kinds.push((class, kind));
            }
            let y = height - 22.0 - level as f64 * LEVEL;
            let title = format!(
                "{} {} {}",
                model::time(&h.at, zone.get_untracked().as_deref()),
                crate::previews::ticket::kind_text(ws.locale.get_untracked(), kind),
                details
            );
            Some(view! {
                <g class=class data-kind=kind data-step=i transform=format!("translate({at},{y})")>
                    <path d=mark_shape(class)></path>
                    <title>{title}</title>
                </g>
            })
        })
        .collect_view();
    let cursor = {
        let happenings = happenings.clone();
        move || {
            let t = happenings
                .get(step.get())
                .map_or(t0, |h| h.at.0.timestamp_millis());
            view! { <line class="sim-cursor" x1=x(t) x2=x(t) y1="0" y2=height></line> }
        }
    };
    let start_label = model::time(
        &happenings
            .first()
            .map(|h| h.at)
            .unwrap_or(jimu_core::ticket::Stamp(chrono::DateTime::default())),
        zone.get_untracked().as_deref(),
    );
    let end_label = happenings
        .last()
        .map(|h| model::time(&h.at, zone.get_untracked().as_deref()))
        .unwrap_or_default();
    let locale = ws.locale.get_untracked();
    let legend = kinds
        .into_iter()
        .map(|(class, kind)| {
            view! {
                <li>
                    <svg class=class width="14" height="14" viewBox="-7 -8 14 14" aria-hidden="true"><path d=mark_shape(class)></path></svg>
                    {crate::previews::ticket::kind_text(locale, kind)}
                </li>
            }
        })
        .collect_view();
    view! {
        <svg class="timeline-chart" id="timeline-chart" viewBox=format!("0 0 {W} {height}") role="img" aria-label=move || ws.t(Key::TimelineChart)>
            {rows}
            <line class="axis" x1=LEFT x2=W - 10.0 y1=height - 12.0 y2=height - 12.0></line>
            <text class="axis-label" x=LEFT y=height - 1.0>{start_label}</text>
            <text class="axis-label" x=W - 10.0 y=height - 1.0 text-anchor="end">{end_label}</text>
            {marks}
            {cursor}
        </svg>
        <ul class="timeline-legend" id="timeline-legend">{legend}</ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> Timeline {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/bundles/valid/flow-complaint-escalation.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the bundle");
        let bundle = jimu_core::Bundle::from_json(&text).expect("valid");
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-16T09:00:00+08:00")
            .expect("an instant")
            .with_timezone(&chrono::Utc);
        model::run(&bundle, &model::starter_script("complaint", start), None).expect("runs")
    }

    #[test]
    fn stays_run_from_entering_a_node_to_the_next() {
        let t = timeline();
        let stays = stays(&t.timeline);
        let nodes: Vec<&str> = stays.iter().map(|s| s.node.as_str()).collect();
        assert_eq!(nodes, ["start", "handle"]);
        assert_eq!(
            stays[0].until, stays[1].from,
            "start is left as handle is entered"
        );
        assert!(
            stays[1].until > stays[1].from,
            "the ticket waits at handle until the clock stops"
        );
    }

    #[test]
    fn the_path_lights_up_step_by_step() {
        let t = timeline();
        let (visited, current) = path_at(&t.timeline, 0);
        assert!(
            visited.is_empty() && current.is_empty(),
            "created, nowhere yet"
        );
        let (visited, current) = path_at(&t.timeline, t.timeline.len() - 1);
        assert_eq!(visited, ["start", "handle"]);
        assert_eq!(current, ["handle"]);
    }
}
