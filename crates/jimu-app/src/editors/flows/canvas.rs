//! The flow canvas: nodes and edges drawn in SVG from the document, a palette to drag new
//! nodes from, ports to connect by dragging, moving (one undoable step per drag), selection by
//! click, Shift-click or a box (Shift-drag on the background), pan (drag the background, the
//! wheel, the arrow keys), zoom (Ctrl/pinch wheel, + and -), fit to view, a minimap, copy and
//! paste, delete, and problems drawn on what they are about.

use super::ctx::{FlowCtx, View};
use super::graph::{self, EdgeKind, edge_label, label_width};
use super::layout::{self, Pos, size};
use crate::i18n::Key;
use crate::state::doc::{Edit, Group};
use crate::state::pointer;
use jimu_core::Localized;
use leptos::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// The palette's drag data type.
const NODE_KIND: &str = "application/x-jimu-node-kind";

/// What a pointer gesture on the canvas is doing.
#[derive(Debug, Clone, PartialEq)]
enum Gesture {
    /// Moving nodes: where the pointer started (canvas units).
    Move {
        ids: Vec<String>,
        from: (f64, f64),
        moved: bool,
    },
    /// Panning: where the pointer and the view started (screen pixels).
    Pan { from: (f64, f64), view: View },
    /// Drawing a selection box from a canvas point.
    Box { from: (f64, f64), to: (f64, f64) },
    /// Drawing a connection from a node's port.
    Connect { from: String, to: (f64, f64) },
}

/// The pointer's point relative to the canvas element.
fn local(ev: &web_sys::MouseEvent, svg: &NodeRef<leptos::svg::Svg>) -> (f64, f64) {
    let (left, top) = svg
        .get_untracked()
        .map(|el| {
            let rect = el.get_bounding_client_rect();
            (rect.left(), rect.top())
        })
        .unwrap_or_default();
    (
        f64::from(ev.client_x()) - left,
        f64::from(ev.client_y()) - top,
    )
}

fn capture(ev: &web_sys::PointerEvent) {
    if let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let _ = el.set_pointer_capture(ev.pointer_id());
    }
}

/// The node id under a screen point, if any (the element there or an ancestor has
/// `data-node`).
fn node_under(x: i32, y: i32) -> Option<String> {
    let mut el = document().element_from_point(x as f32, y as f32);
    while let Some(e) = el {
        if let Some(id) = e.get_attribute("data-node") {
            return Some(id);
        }
        el = e.parent_element();
    }
    None
}

/// The path of an edge from the right of one box to the left of another; a way back loops
/// below both.
fn edge_path(a: Pos, (aw, ah): (f64, f64), b: Pos, (_bw, bh): (f64, f64)) -> (String, (f64, f64)) {
    let (x1, y1) = (a.x + aw, a.y + ah / 2.0);
    let (x2, y2) = (b.x, b.y + bh / 2.0);
    if x2 >= x1 + 20.0 {
        let dx = ((x2 - x1) / 2.0).max(30.0);
        let path = format!("M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}", x1 + dx, x2 - dx);
        (path, ((x1 + x2) / 2.0, (y1 + y2) / 2.0))
    } else {
        // Around: out to the right, down below both boxes, back in from the left.
        let below = a.y.max(b.y) + ah.max(bh) + 40.0;
        let path = format!(
            "M{x1},{y1} C{},{y1} {},{below} {},{below} L{},{below} C{},{below} {},{y2} {x2},{y2}",
            x1 + 40.0,
            x1 + 40.0,
            x1,
            x2,
            x2 - 40.0,
            x2 - 40.0
        );
        (path, ((x1 + x2) / 2.0, below))
    }
}

/// The canvas with its palette, toolbar and minimap.
#[component]
pub fn Canvas(ctx: FlowCtx) -> impl IntoView {
    let ws = ctx.ws;
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let gesture = RwSignal::new(None::<Gesture>);
    let clipboard = StoredValue::new(Vec::<Value>::new());

    // The canvas's size on screen, read when it mounts, on fits and on window resizes.
    let measured = RwSignal::new((900.0, 560.0));
    let canvas_size = move || {
        let size = svg
            .get_untracked()
            .map(|el| {
                let rect = el.get_bounding_client_rect();
                (rect.width(), rect.height())
            })
            .filter(|(w, h)| *w > 0.0 && *h > 0.0)
            .unwrap_or((900.0, 560.0));
        if measured.get_untracked() != size {
            measured.set(size);
        }
        size
    };
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        canvas_size();
    });
    on_cleanup(move || resize.remove());
    let fit = move || {
        let positions = ctx.positions.get_untracked();
        let graph = ctx.graph.get_untracked();
        if positions.is_empty() {
            ctx.view.set(View::default());
            return;
        }
        let (mut min, mut max) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for node in &graph.nodes {
            if let Some(p) = positions.get(&node.id) {
                let (w, h) = size(&node.kind);
                min = (min.0.min(p.x), min.1.min(p.y));
                max = (max.0.max(p.x + w), max.1.max(p.y + h));
            }
        }
        let (w, h) = canvas_size();
        ctx.view.set(View::fitting(min, max, w, h));
    };
    // Fit once the canvas is there, and whenever another flow is shown.
    Effect::new(move |_| {
        ctx.index.track();
        if svg.get().is_some() {
            request_animation_frame(fit);
        }
    });

    // Adding a node of a kind at a canvas point: one undoable step (the node, and its
    // position in the editor section).
    let add_node = move |kind: &str, at: (f64, f64)| {
        let Some(flow_id) = ctx.flow_id.get_untracked() else {
            return;
        };
        let flow_at = ctx.flow_at.get_untracked();
        let graph = ctx.graph.get_untracked();
        let id = graph::fresh_id(&graph, kind);
        let locale = ws.locale.get_untracked();
        let name = Localized::new(
            crate::i18n::Locale::ZhCn.text(kind_key(kind)),
            crate::i18n::Locale::En.text(kind_key(kind)),
        );
        let _ = locale;
        let node = graph::new_node(kind, &id, &name);
        let (w, h) = size(kind);
        let position = Pos {
            x: at.0 - w / 2.0,
            y: at.1 - h / 2.0,
        };
        // Nodes without a kept position are drawn where the layout puts them: keep them all,
        // so adding one does not move the others.
        let mut positions = ctx.positions.get_untracked();
        positions.insert(id.clone(), position);
        let mut edits = vec![Edit::Insert {
            at: format!("{flow_at}/nodes/-"),
            value: node,
        }];
        edits.extend(
            ws.store
                .with_untracked(|s| layout::keep(s.doc(), &flow_id, &positions)),
        );
        ws.edit(edits, None);
        ctx.select_node(Some(&id));
    };

    let remove_selected = move || {
        let graph = ctx.graph.get_untracked();
        if let Some(at) = ctx.edge.get_untracked() {
            if let Some(edge) = graph.edges.iter().find(|e| e.at == at) {
                ws.edit(graph::disconnect(edge), None);
            }
            ctx.edge.set(None);
            return;
        }
        let ids = ctx.selected.get_untracked();
        if ids.is_empty() {
            return;
        }
        let layout_at = ctx.flow_id.get_untracked().map(|id| layout::layout_at(&id));
        let has_layout = layout_at.as_deref().is_some_and(|at| {
            ws.store
                .with_untracked(|s| s.get(&format!("{at}/nodes")).is_some())
        });
        let mut edits = graph::remove_nodes(&graph, &ids, None);
        if has_layout && let Some(at) = &layout_at {
            let kept = ctx.kept.get_untracked();
            for id in ids.iter().filter(|id| kept.contains_key(*id)) {
                edits.push(Edit::Remove {
                    at: format!("{at}/nodes/{}", pointer::escape(id)),
                });
            }
        }
        ws.edit(edits, None);
        ctx.selected.set(Vec::new());
    };

    let copy = move || {
        let ids = ctx.selected.get_untracked();
        let flow_at = ctx.flow_at.get_untracked();
        let nodes: Vec<Value> = ws.store.with_untracked(|s| {
            s.get(&format!("{flow_at}/nodes"))
                .and_then(Value::as_array)
                .map(|nodes| {
                    nodes
                        .iter()
                        .filter(|n| {
                            n.get("id")
                                .and_then(Value::as_str)
                                .is_some_and(|id| ids.iter().any(|x| x == id))
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        });
        if !nodes.is_empty() {
            let count = nodes.len().to_string();
            clipboard.set_value(nodes);
            ws.notice.set(Some(crate::shell::workspace::Notice::Info(
                ws.locale
                    .get_untracked()
                    .fill(Key::NodesCopied, &[("count", &count)]),
            )));
        }
    };
    let paste = move || {
        let nodes = clipboard.get_value();
        let Some(flow_id) = ctx.flow_id.get_untracked() else {
            return;
        };
        if nodes.is_empty() {
            return;
        }
        let flow_at = ctx.flow_at.get_untracked();
        let mut graph = ctx.graph.get_untracked();
        let mut positions = ctx.positions.get_untracked();
        // Fresh ids, and ways out between copied nodes follow the copies.
        let mut renames = BTreeMap::new();
        for node in &nodes {
            let (Some(old), Some(kind)) = (
                node.get("id").and_then(Value::as_str),
                node.get("kind").and_then(Value::as_str),
            ) else {
                continue;
            };
            let new = graph::fresh_id(&graph, old.split('-').next().unwrap_or(kind));
            graph.nodes.push(graph::GNode {
                id: new.clone(),
                kind: kind.to_owned(),
                name: Localized::new("", ""),
                enabled: true,
                at: String::new(),
            });
            renames.insert(old.to_owned(), new);
        }
        let mut edits = Vec::new();
        let mut pasted = Vec::new();
        for node in &nodes {
            let Some(old) = node.get("id").and_then(Value::as_str) else {
                continue;
            };
            let Some(new) = renames.get(old) else {
                continue;
            };
            let mut copy = graph::renamed(node, new);
            retarget(&mut copy, &renames);
            if let Some(p) = positions.get(old).copied() {
                positions.insert(
                    new.clone(),
                    Pos {
                        x: p.x + 40.0,
                        y: p.y + 40.0,
                    },
                );
            }
            edits.push(Edit::Insert {
                at: format!("{flow_at}/nodes/-"),
                value: copy,
            });
            pasted.push(new.clone());
        }
        edits.extend(
            ws.store
                .with_untracked(|s| layout::keep(s.doc(), &flow_id, &positions)),
        );
        ws.edit(edits, None);
        ctx.selected.set(pasted);
    };

    // Keys on the focused canvas.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Letters as typed, whatever Shift or Caps Lock did to them.
        let key = match ev.key() {
            k if k.chars().count() == 1 => k.to_lowercase(),
            k => k,
        };
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let step = if ev.shift_key() { 50.0 } else { 10.0 };
        let (w, h) = canvas_size();
        match key.as_str() {
            "Delete" | "Backspace" => remove_selected(),
            "c" if ctrl => copy(),
            "v" if ctrl => paste(),
            "a" if ctrl => {
                ctx.selected.set(
                    ctx.graph
                        .with_untracked(|g| g.nodes.iter().map(|n| n.id.clone()).collect()),
                );
            }
            "+" | "=" => ctx.view.update(|v| *v = v.zoomed(1.2, w / 2.0, h / 2.0)),
            "-" | "_" => ctx
                .view
                .update(|v| *v = v.zoomed(1.0 / 1.2, w / 2.0, h / 2.0)),
            "0" | "f" => fit(),
            "Escape" => {
                ctx.select_node(None);
                ctx.edge.set(None);
            }
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" => {
                let (dx, dy) = match key.as_str() {
                    "ArrowLeft" => (-step, 0.0),
                    "ArrowRight" => (step, 0.0),
                    "ArrowUp" => (0.0, -step),
                    _ => (0.0, step),
                };
                let ids = ctx.selected.get_untracked();
                if ids.is_empty() {
                    ctx.view.update(|v| {
                        v.x -= dx * 2.0;
                        v.y -= dy * 2.0;
                    });
                } else {
                    move_nodes(ctx, &ids, dx, dy, Some(Group::typing("nudge")));
                }
            }
            _ => return,
        }
        ev.prevent_default();
    };

    let on_down = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let screen = local(&ev, &svg);
        let view = ctx.view.get_untracked();
        let point = view.to_canvas(screen.0, screen.1);
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let role = target.as_ref().and_then(|t| {
            let mut el = Some(t.clone());
            while let Some(e) = el {
                if let Some(role) = e.get_attribute("data-role") {
                    return Some((
                        role,
                        e.get_attribute("data-node"),
                        e.get_attribute("data-edge"),
                    ));
                }
                el = e.parent_element();
            }
            None
        });
        if let Some(el) = svg.get_untracked() {
            let _ = el.focus();
        }
        match role {
            Some((role, Some(id), _)) if role == "port" => {
                capture(&ev);
                gesture.set(Some(Gesture::Connect {
                    from: id,
                    to: point,
                }));
            }
            Some((role, Some(id), _)) if role == "node" => {
                capture(&ev);
                let mut ids = ctx.selected.get_untracked();
                if ev.shift_key() {
                    if let Some(i) = ids.iter().position(|x| *x == id) {
                        ids.remove(i);
                    } else {
                        ids.push(id.clone());
                    }
                    ctx.selected.set(ids.clone());
                    ctx.edge.set(None);
                } else if !ids.contains(&id) {
                    ctx.select_node(Some(&id));
                    ids = vec![id.clone()];
                }
                gesture.set(Some(Gesture::Move {
                    ids,
                    from: point,
                    moved: false,
                }));
            }
            Some((role, _, Some(at))) if role == "edge" => {
                ctx.select_edge(&at);
            }
            _ => {
                capture(&ev);
                if ev.shift_key() {
                    gesture.set(Some(Gesture::Box {
                        from: point,
                        to: point,
                    }));
                } else {
                    ctx.select_node(None);
                    ctx.edge.set(None);
                    gesture.set(Some(Gesture::Pan { from: screen, view }));
                }
            }
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(current) = gesture.get_untracked() else {
            return;
        };
        let screen = local(&ev, &svg);
        let point = ctx.view.get_untracked().to_canvas(screen.0, screen.1);
        match current {
            Gesture::Move { ids, from, .. } => {
                let (dx, dy) = (point.0 - from.0, point.1 - from.1);
                for id in &ids {
                    ctx.offset(id).set((dx, dy));
                }
                gesture.set(Some(Gesture::Move {
                    ids,
                    from,
                    moved: dx.abs() + dy.abs() > 1.0,
                }));
            }
            Gesture::Pan { from, view } => ctx.view.set(View {
                x: view.x + screen.0 - from.0,
                y: view.y + screen.1 - from.1,
                k: view.k,
            }),
            Gesture::Box { from, .. } => gesture.set(Some(Gesture::Box { from, to: point })),
            Gesture::Connect { from, .. } => {
                gesture.set(Some(Gesture::Connect { from, to: point }))
            }
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        let Some(done) = gesture.get_untracked() else {
            return;
        };
        gesture.set(None);
        match done {
            Gesture::Move { ids, moved, .. } => {
                let (dx, dy) = ids
                    .first()
                    .map(|id| ctx.offset(id).get_untracked())
                    .unwrap_or_default();
                if moved {
                    move_nodes(ctx, &ids, dx, dy, None);
                }
                for id in &ids {
                    ctx.offset(id).set((0.0, 0.0));
                }
            }
            Gesture::Box { from, to } => {
                let (x0, x1) = (from.0.min(to.0), from.0.max(to.0));
                let (y0, y1) = (from.1.min(to.1), from.1.max(to.1));
                let positions = ctx.positions.get_untracked();
                let inside: Vec<String> = ctx.graph.with_untracked(|g| {
                    g.nodes
                        .iter()
                        .filter(|n| {
                            positions.get(&n.id).is_some_and(|p| {
                                let (w, h) = size(&n.kind);
                                p.x >= x0 && p.y >= y0 && p.x + w <= x1 && p.y + h <= y1
                            })
                        })
                        .map(|n| n.id.clone())
                        .collect()
                });
                ctx.selected.set(inside);
            }
            Gesture::Connect { from, .. } => {
                if let Some(to) = node_under(ev.client_x(), ev.client_y())
                    && to != from
                {
                    let flow_at = ctx.flow_at.get_untracked();
                    let edits = ws.store.with_untracked(|s| {
                        let flow = s.get(&flow_at)?;
                        ctx.graph
                            .with_untracked(|g| graph::connect(flow, g, &from, &to))
                    });
                    match edits {
                        Some(edits) => ws.edit(edits, None),
                        None => ws
                            .notice
                            .set(Some(crate::shell::workspace::Notice::EditFailed(
                                ws.locale
                                    .get_untracked()
                                    .text(Key::CannotConnect)
                                    .to_owned(),
                            ))),
                    }
                }
            }
            Gesture::Pan { .. } => {}
        }
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let screen = local(&ev, &svg);
        if ev.ctrl_key() || ev.meta_key() {
            let factor = (-ev.delta_y() * 0.002).exp();
            ctx.view
                .update(|v| *v = v.zoomed(factor, screen.0, screen.1));
        } else {
            ctx.view.update(|v| {
                v.x -= ev.delta_x();
                v.y -= ev.delta_y();
            });
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        let Some(kind) = ev
            .data_transfer()
            .and_then(|d| d.get_data(NODE_KIND).ok())
            .filter(|k| !k.is_empty())
        else {
            return;
        };
        ev.prevent_default();
        let screen = local(&ev, &svg);
        let point = ctx.view.get_untracked().to_canvas(screen.0, screen.1);
        add_node(&kind, point);
    };

    let transform = move || {
        let v = ctx.view.get();
        format!("translate({},{}) scale({})", v.x, v.y, v.k)
    };
    let nodes = move || {
        ctx.graph
            .with(|g| g.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>())
    };
    let edges = move || {
        ctx.graph
            .with(|g| g.edges.iter().map(|e| e.at.clone()).collect::<Vec<_>>())
    };

    view! {
        <div class="flow-canvas-wrap">
            <Palette ws add=Callback::new(move |kind: String| {
                let (w, h) = canvas_size();
                let v = ctx.view.get_untracked();
                let center = v.to_canvas(w / 2.0, h / 2.0);
                add_node(&kind, center);
            }) />
            <div class="flow-canvas-main">
                <CanvasToolbar ctx fit=Callback::new(move |()| fit()) remove=Callback::new(move |()| remove_selected()) />
                <svg
                    node_ref=svg
                    class="flow-canvas"
                    id="flow-canvas"
                    tabindex="0"
                    role="application"
                    aria-roledescription=move || ws.t(Key::CanvasRole)
                    aria-label=move || ws.t(Key::CanvasLabel)
                    on:pointerdown=on_down
                    on:pointermove=on_move
                    on:pointerup=on_up
                    on:wheel=on_wheel
                    on:keydown=on_key
                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=on_drop
                >
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" class="arrow-head"></path>
                        </marker>
                        <marker id="arrow-error" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" class="arrow-head-error"></path>
                        </marker>
                    </defs>
                    <rect class="canvas-bg" x="0" y="0" width="100%" height="100%"></rect>
                    <g transform=transform>
                        <For each=edges key=|at| at.clone() let:at>
                            <EdgeView ctx at />
                        </For>
                        <For each=edges key=|at| at.clone() let:at>
                            <EdgeLabel ctx at />
                        </For>
                        <For each=nodes key=|id| id.clone() let:id>
                            <NodeView ctx id />
                        </For>
                        {move || match gesture.get() {
                            Some(Gesture::Box { from, to }) => Some(
                                view! {
                                    <rect
                                        class="select-box"
                                        x=from.0.min(to.0)
                                        y=from.1.min(to.1)
                                        width=(to.0 - from.0).abs()
                                        height=(to.1 - from.1).abs()
                                    ></rect>
                                }
                                    .into_any(),
                            ),
                            Some(Gesture::Connect { from, to }) => ctx.at(&from).map(|p| {
                                let kind = ctx.graph.with_untracked(|g| g.node(&from).map(|n| n.kind.clone())).unwrap_or_default();
                                let (w, h) = size(&kind);
                                view! {
                                    <path class="connecting" d=format!("M{},{} L{},{}", p.x + w, p.y + h / 2.0, to.0, to.1)></path>
                                }
                                    .into_any()
                            }),
                            _ => None,
                        }}
                    </g>
                </svg>
                <Minimap ctx size=measured.into() />
            </div>
        </div>
    }
}

/// Ways out pointing at copied nodes are pointed at their copies.
fn retarget(node: &mut Value, renames: &BTreeMap<String, String>) {
    let swap = |v: &mut Value| {
        if let Some(new) = v.as_str().and_then(|s| renames.get(s)) {
            *v = Value::String(new.clone());
        }
    };
    if let Some(map) = node.as_object_mut() {
        for key in ["next", "default", "join"] {
            if let Some(v) = map.get_mut(key) {
                swap(v);
            }
        }
        for list in ["actions", "branches"] {
            if let Some(items) = map.get_mut(list).and_then(Value::as_array_mut) {
                for item in items {
                    if let Some(v) = item.get_mut("to") {
                        swap(v);
                    }
                }
            }
        }
        for key in ["approve", "reject"] {
            if let Some(v) = map.get_mut(key).and_then(|o| o.get_mut("to")) {
                swap(v);
            }
        }
        if let Some(items) = map.get_mut("to").and_then(Value::as_array_mut) {
            items.iter_mut().for_each(swap);
        }
    }
}

/// Moves nodes by (dx, dy) as one edit of their kept positions (every node gets a kept
/// position, so the layout of the others does not change under them).
fn move_nodes(ctx: FlowCtx, ids: &[String], dx: f64, dy: f64, group: Option<Group>) {
    let Some(flow_id) = ctx.flow_id.get_untracked() else {
        return;
    };
    let mut positions = ctx.positions.get_untracked();
    let kept_all = ctx
        .kept
        .with_untracked(|k| positions.keys().all(|id| k.contains_key(id)));
    for id in ids {
        if let Some(p) = positions.get_mut(id) {
            p.x += dx;
            p.y += dy;
        }
    }
    if kept_all {
        positions.retain(|id, _| ids.contains(id));
    }
    let edits = ctx
        .ws
        .store
        .with_untracked(|s| layout::keep(s.doc(), &flow_id, &positions));
    ctx.ws.edit(edits, group);
}

/// The i18n key of a node kind's name.
pub fn kind_key(kind: &str) -> Key {
    match kind {
        "start" => Key::KindStart,
        "task" => Key::KindTask,
        "approval" => Key::KindApproval,
        "exclusive" => Key::KindExclusive,
        "parallel_split" => Key::KindParallelSplit,
        "parallel_join" => Key::KindParallelJoin,
        "automatic" => Key::KindAutomatic,
        "sub_flow" => Key::KindSubFlow,
        _ => Key::KindEnd,
    }
}

/// The palette: every node kind, dragged onto the canvas or added at its centre with Enter.
#[component]
fn Palette(ws: crate::shell::workspace::Workspace, add: Callback<String>) -> impl IntoView {
    let items = graph::KINDS
        .into_iter()
        .map(|kind| {
            view! {
                <li>
                    <button
                        type="button"
                        class=format!("palette-item palette-{kind}")
                        draggable="true"
                        data-kind=kind
                        title=move || ws.t(Key::PaletteHint)
                        on:dragstart=move |ev: leptos::ev::DragEvent| {
                            if let Some(dt) = ev.data_transfer() {
                                let _ = dt.set_data(NODE_KIND, kind);
                                dt.set_effect_allowed("copy");
                            }
                        }
                        on:click=move |_| add.run(kind.to_owned())
                    >
                        <span class=format!("palette-icon shape-{kind}") aria-hidden="true"></span>
                        <span>{move || ws.t(kind_key(kind))}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="palette" aria-label=move || ws.t(Key::PaletteLabel)>
            <h3 class="palette-title">{move || ws.t(Key::PaletteLabel)}</h3>
            <ul>{items}</ul>
        </nav>
    }
}

/// Zoom, fit, layout, delete.
#[component]
fn CanvasToolbar(ctx: FlowCtx, fit: Callback<()>, remove: Callback<()>) -> impl IntoView {
    let ws = ctx.ws;
    let lay_out = move |_| {
        let Some(flow_id) = ctx.flow_id.get_untracked() else {
            return;
        };
        let graph = ctx.graph.get_untracked();
        let chosen = ctx.selected.get_untracked();
        let current = ctx.positions.get_untracked();
        let only = (chosen.len() > 1).then_some(chosen.as_slice());
        let mut positions = current.clone();
        positions.extend(layout::auto(&graph, only, &current));
        let edits = ws
            .store
            .with_untracked(|s| layout::keep(s.doc(), &flow_id, &positions));
        ws.edit(edits, None);
        if only.is_none() {
            request_animation_frame(move || fit.run(()));
        }
    };
    let zoom = move |factor: f64| ctx.view.update(|v| *v = v.zoomed(factor, 400.0, 260.0));
    view! {
        <div class="canvas-toolbar" role="toolbar" aria-label=move || ws.t(Key::CanvasTools)>
            <button type="button" class="btn btn-small" id="layout-flow" on:click=lay_out>
                {move || if ctx.selected.with(|s| s.len() > 1) { ws.t(Key::LayoutSelection) } else { ws.t(Key::LayoutFlow) }}
            </button>
            <button type="button" class="btn btn-small" id="fit-view" on:click=move |_| fit.run(())>
                {move || ws.t(Key::FitView)}
            </button>
            <button type="button" class="btn btn-small btn-icon" aria-label=move || ws.t(Key::ZoomIn) title=move || ws.t(Key::ZoomIn) on:click=move |_| zoom(1.2)>
                <span aria-hidden="true">"+"</span>
            </button>
            <button type="button" class="btn btn-small btn-icon" aria-label=move || ws.t(Key::ZoomOut) title=move || ws.t(Key::ZoomOut) on:click=move |_| zoom(1.0 / 1.2)>
                <span aria-hidden="true">"−"</span>
            </button>
            <span class="zoom-level" aria-live="polite">{move || format!("{:.0}%", ctx.view.get().k * 100.0)}</span>
            <button
                type="button"
                class="btn btn-small btn-danger-ghost"
                id="delete-selected"
                disabled=move || ctx.selected.with(Vec::is_empty) && ctx.edge.with(Option::is_none)
                on:click=move |_| remove.run(())
            >
                {move || ws.t(Key::DeleteSelected)}
            </button>
            <span class="canvas-help muted small">{move || ws.t(Key::CanvasHelp)}</span>
        </div>
    }
}

/// One node: its shape, name, kind, ports, and the problems about it.
#[component]
fn NodeView(ctx: FlowCtx, id: String) -> impl IntoView {
    let ws = ctx.ws;
    let node = Memo::new({
        let id = id.clone();
        move |_| ctx.graph.with(|g| g.node(&id).cloned())
    });
    let pos = Memo::new({
        let id = id.clone();
        move |_| ctx.at(&id)
    });
    let transform = move || {
        pos.get()
            .map(|p| format!("translate({},{})", p.x, p.y))
            .unwrap_or_default()
    };
    let selected = Memo::new({
        let id = id.clone();
        move |_| ctx.selected.with(|s| s.contains(&id))
    });
    let problem = Memo::new({
        let id = id.clone();
        move |_| ctx.problems.with(|d| d.nodes.get(&id).cloned())
    });
    let visited = Memo::new({
        let id = id.clone();
        move |_| ctx.visited.with(|v| v.contains(&id))
    });
    let current = Memo::new(move |_| ctx.current.with(|v| v.contains(&id)));
    view! {
        {move || {
            let node = node.get()?;
            let kind = node.kind.clone();
            let (w, h) = size(&kind);
            let tag = ws.locale.get().tag();
            let name = node.name.get(tag).to_owned();
            let shape = match kind.as_str() {
                "start" | "end" => view! { <circle class="node-shape" cx=w / 2.0 cy=h / 2.0 r=w / 2.0 - 2.0></circle> }.into_any(),
                "exclusive" | "parallel_split" | "parallel_join" => view! {
                    <polygon class="node-shape" points=format!("{},0 {w},{} {},{h} 0,{}", w / 2.0, h / 2.0, w / 2.0, h / 2.0)></polygon>
                }
                .into_any(),
                _ => view! { <rect class="node-shape" width=w height=h rx="8"></rect> }.into_any(),
            };
            let glyph = match kind.as_str() {
                "exclusive" => "×",
                "parallel_split" | "parallel_join" => "+",
                _ => "",
            };
            let label_inside = !matches!(kind.as_str(), "start" | "end" | "exclusive" | "parallel_split" | "parallel_join");
            let kind_text = ws.t(kind_key(&kind));
            let enabled = node.enabled;
            let id = node.id.clone();
            let shown_name = truncate(&name, if label_inside { 16 } else { 14 });
            let off = (!enabled).then(|| ws.t(Key::NodeDisabled));
            let label = match off {
                Some(off) => format!("{kind_text} {shown_name} {off}"),
                None => format!("{kind_text} {shown_name}"),
            };
            Some(view! {
                <g
                    class=format!("node node-{kind}")
                    class:selected=selected
                    class:disabled=!enabled
                    class:has-problem=move || problem.with(Option::is_some)
                    class:visited=visited
                    class:current=current
                    transform=transform
                    data-node=id.clone()
                    data-kind=kind.clone()
                >
                    <g data-role="node" data-node=id.clone() role="button" aria-label=label>
                        <title>{name.clone()}</title>
                        {shape}
                        {(!glyph.is_empty()).then(|| view! { <text class="node-glyph" x=w / 2.0 y=h / 2.0 + 7.0 text-anchor="middle" aria-hidden="true">{glyph}</text> })}
                        {if label_inside {
                            view! {
                                // The space keeps the texts apart as read ("Task Report", as the
                                // group's label, not "TaskReport").
                                <text class="node-kind" x="12" y="20">{kind_text}</text>
                                " "
                                <text class="node-name" x="12" y="42">{shown_name.clone()}</text>
                            }
                                .into_any()
                        } else {
                            view! { <text class="node-name node-name-below" x=w / 2.0 y=h + 16.0 text-anchor="middle">{shown_name.clone()}</text> }.into_any()
                        }}
                        {off.map(|off| view! { " " <text class="node-off" x=w - 8.0 y="14" text-anchor="end">{off}</text> })}
                    </g>
                    {(kind != "end")
                        .then(|| {
                            view! {
                                <circle class="port" cx=w cy=h / 2.0 r="6" data-role="port" data-node=id.clone()>
                                    <title>{ws.t(Key::PortHint)}</title>
                                </circle>
                            }
                        })}
                    {move || {
                        problem
                            .get()
                            .map(|(count, path)| {
                                let label = ws.locale.get().fill(Key::NodeProblems, &[("count", &count.to_string())]);
                                view! {
                                    <g
                                        class="node-problem"
                                        role="button"
                                        aria-label=label
                                        transform=format!("translate({},-8)", w - 8.0)
                                        data-role="problem"
                                        on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                            ev.stop_propagation();
                                            ws.select(&path);
                                        }
                                    >
                                        <circle r="9"></circle>
                                        <text y="4" text-anchor="middle" aria-hidden="true">{count}</text>
                                    </g>
                                }
                            })
                    }}
                </g>
            })
        }}
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        text.chars().take(max - 1).collect::<String>() + "…"
    } else {
        text.to_owned()
    }
}

/// One edge: its path, arrow and label; red when a problem is about it.
#[component]
fn EdgeView(ctx: FlowCtx, at: String) -> impl IntoView {
    let edge = Memo::new({
        let at = at.clone();
        move |_| {
            ctx.graph
                .with(|g| g.edges.iter().find(|e| e.at == at).cloned())
        }
    });
    let at_prob = at.clone();
    let problem = move || ctx.problems.with(|d| d.edges.get(&at_prob).cloned());
    let at_sel = at.clone();
    let selected = move || ctx.edge.with(|e| e.as_deref() == Some(at_sel.as_str()));
    move || {
        let edge = edge.get()?;
        let (from_kind, to_kind) = ctx.graph.with(|g| {
            (
                g.node(&edge.from).map(|n| n.kind.clone()),
                g.node(&edge.to).map(|n| n.kind.clone()),
            )
        });
        let (a, b) = (ctx.at(&edge.from)?, ctx.at(&edge.to)?);
        let (path, _) = edge_path(a, size(&from_kind?), b, size(&to_kind?));
        let walked = ctx.visited.with(|v| v.contains(&edge.from))
            && ctx.visited.with(|v| v.contains(&edge.to));
        let kind = match edge.kind {
            EdgeKind::Default => "default",
            EdgeKind::Reject => "reject",
            EdgeKind::SkipTo => "skip",
            _ => "normal",
        };
        let has_problem = problem().is_some();
        let at = edge.at.clone();
        Some(view! {
            <g
                class=format!("edge edge-{kind}")
                class:selected=selected.clone()
                class:has-problem=has_problem
                class:walked=walked
                data-role="edge"
                data-edge=at.clone()
                data-from=edge.from.clone()
                data-to=edge.to.clone()
            >
                <path class="edge-hit" d=path.clone()></path>
                <path
                    class="edge-line"
                    d=path
                    marker-end=if has_problem { "url(#arrow-error)" } else { "url(#arrow)" }
                ></path>
            </g>
        })
    }
}

/// An edge's label, drawn above every edge (so a label is never under another edge's line) and
/// picked like the edge.
#[component]
fn EdgeLabel(ctx: FlowCtx, at: String) -> impl IntoView {
    let ws = ctx.ws;
    let edge = Memo::new({
        let at = at.clone();
        move |_| {
            ctx.graph
                .with(|g| g.edges.iter().find(|e| e.at == at).cloned())
        }
    });
    let at_sel = at.clone();
    let selected = move || ctx.edge.with(|e| e.as_deref() == Some(at_sel.as_str()));
    let problem = move || ctx.problems.with(|d| d.edges.contains_key(&at));
    move || {
        let edge = edge.get()?;
        let tag = ws.locale.get().tag();
        let label = edge_label(&edge, tag, &|k| ws.locale.get_untracked().text(k));
        if label.is_empty() {
            return None;
        }
        let (from_kind, to_kind) = ctx.graph.with(|g| {
            (
                g.node(&edge.from).map(|n| n.kind.clone()),
                g.node(&edge.to).map(|n| n.kind.clone()),
            )
        });
        let (a, b) = (ctx.at(&edge.from)?, ctx.at(&edge.to)?);
        let (_, mid) = edge_path(a, size(&from_kind?), b, size(&to_kind?));
        let width = label_width(&label);
        Some(view! {
            <g
                class="edge-label"
                class:selected=selected.clone()
                class:has-problem=problem.clone()
                data-role="edge"
                data-edge=edge.at.clone()
                data-from=edge.from.clone()
                data-to=edge.to.clone()
                transform=format!("translate({},{})", mid.0 - width / 2.0, mid.1 - 10.0)
            >
                <rect width=width height="20" rx="4"></rect>
                <text x="6" y="14">{label}</text>
            </g>
        })
    }
}

/// The minimap: every node as a block, the part in view as a frame; a click centres the view
/// there.
#[component]
fn Minimap(ctx: FlowCtx, size: Signal<(f64, f64)>) -> impl IntoView {
    let ws = ctx.ws;
    const W: f64 = 180.0;
    const H: f64 = 120.0;
    // The box of every node, and the scale that fits it into the minimap.
    let frame = Memo::new(move |_| {
        let positions = ctx.positions.get();
        let graph = ctx.graph.get();
        let (mut min, mut max) = ((0.0f64, 0.0f64), (1.0f64, 1.0f64));
        let mut first = true;
        for n in &graph.nodes {
            if let Some(p) = positions.get(&n.id) {
                let (w, h) = layout::size(&n.kind);
                if first {
                    min = (p.x, p.y);
                    max = (p.x + w, p.y + h);
                    first = false;
                }
                min = (min.0.min(p.x), min.1.min(p.y));
                max = (max.0.max(p.x + w), max.1.max(p.y + h));
            }
        }
        // The part of the canvas on screen counts too, so its frame always shows.
        let v = ctx.view.get();
        let (w, h) = size.get();
        if w > 0.0 && h > 0.0 && v.k > 0.0 {
            let (x0, y0) = v.to_canvas(0.0, 0.0);
            let (x1, y1) = v.to_canvas(w, h);
            min = (min.0.min(x0 + 40.0), min.1.min(y0 + 40.0));
            max = (max.0.max(x1 - 40.0), max.1.max(y1 - 40.0));
        }
        let scale = (W / (max.0 - min.0 + 80.0)).min(H / (max.1 - min.1 + 80.0));
        (min.0 - 40.0, min.1 - 40.0, scale)
    });
    let blocks = move || {
        let (ox, oy, s) = frame.get();
        let positions = ctx.positions.get();
        ctx.graph.with(|g| {
            g.nodes
                .iter()
                .filter_map(|n| {
                    let p = positions.get(&n.id)?;
                    let (w, h) = layout::size(&n.kind);
                    Some(view! { <rect class="mini-node" x=(p.x - ox) * s y=(p.y - oy) * s width=w * s height=h * s></rect> })
                })
                .collect_view()
        })
    };
    let in_view = move || {
        let (ox, oy, s) = frame.get();
        let v = ctx.view.get();
        let (w, h) = size.get();
        let (x0, y0) = v.to_canvas(0.0, 0.0);
        view! {
            <rect class="mini-view" x=(x0 - ox) * s y=(y0 - oy) * s width=w / v.k * s height=h / v.k * s></rect>
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let (ox, oy, s) = frame.get_untracked();
        let target = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let Some(el) = target else { return };
        let rect = el.get_bounding_client_rect();
        let (mx, my) = (
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
        );
        let (cx, cy) = (mx / s + ox, my / s + oy);
        let (w, h) = size.get_untracked();
        ctx.view.update(|v| {
            v.x = w / 2.0 - cx * v.k;
            v.y = h / 2.0 - cy * v.k;
        });
    };
    view! {
        <svg class="minimap" width=W height=H role="img" aria-label=move || ws.t(Key::Minimap) on:click=on_click>
            <rect class="mini-bg" width=W height=H></rect>
            {blocks}
            {in_view}
        </svg>
    }
}
