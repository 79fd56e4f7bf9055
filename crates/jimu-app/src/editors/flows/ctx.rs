//! What the flow designer's parts share: the flow on show, its graph and positions derived from
//! the document, the selection, the viewport, the nodes being dragged, and the problems drawn
//! on nodes and edges. Every field is a signal or memo, so the whole is `Copy`.

use super::graph::{FlowGraph, Owner as Drawer};
use super::layout::{self, Pos};
use crate::shell::workspace::Workspace;
use crate::state::pointer;
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The canvas's pan (in screen pixels) and zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub k: f64,
}

impl Default for View {
    fn default() -> Self {
        Self {
            x: 40.0,
            y: 40.0,
            k: 1.0,
        }
    }
}

impl View {
    pub const MIN_ZOOM: f64 = 0.2;
    pub const MAX_ZOOM: f64 = 2.5;

    /// A canvas point from a point on the screen (relative to the canvas's top-left).
    pub fn to_canvas(self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.k, (sy - self.y) / self.k)
    }

    /// Zooms by `factor` keeping the screen point (`sx`, `sy`) where it is.
    pub fn zoomed(self, factor: f64, sx: f64, sy: f64) -> Self {
        let k = (self.k * factor).clamp(Self::MIN_ZOOM, Self::MAX_ZOOM);
        let (cx, cy) = self.to_canvas(sx, sy);
        Self {
            x: sx - cx * k,
            y: sy - cy * k,
            k,
        }
    }

    /// The zoom below which fitting does not go: a flow of 20-odd steps in a row still fits
    /// whole (as bpmn-js fits a diagram), and only wider ones show from their start, the rest
    /// a pan away.
    pub const FIT_MIN_ZOOM: f64 = 0.3;

    /// The view that shows the box (`min`, `max`) in a canvas of `width` × `height` pixels,
    /// with a margin, zoomed in no further than 1 and out no further than
    /// [`Self::FIT_MIN_ZOOM`]; what does not fit is cut on the right (and bottom).
    pub fn fitting(min: (f64, f64), max: (f64, f64), width: f64, height: f64) -> Self {
        let margin = 40.0;
        let (w, h) = ((max.0 - min.0).max(1.0), (max.1 - min.1).max(1.0));
        let k = ((width - 2.0 * margin) / w)
            .min((height - 2.0 * margin) / h)
            .clamp(Self::FIT_MIN_ZOOM, 1.0);
        let x = if w * k <= width - 2.0 * margin {
            (width - w * k) / 2.0 - min.0 * k
        } else {
            margin - min.0 * k
        };
        let y = if h * k <= height - 2.0 * margin {
            (height - h * k) / 2.0 - min.1 * k
        } else {
            margin - min.1 * k
        };
        Self { x, y, k }
    }
}

/// Counts of problems per node id and per edge (by its field's pointer), and the first
/// problem's pointer of each, for picking.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drawn {
    pub nodes: BTreeMap<String, (usize, String)>,
    pub edges: BTreeMap<String, (usize, String)>,
}

#[cfg(test)]
mod tests {
    use super::View;

    #[test]
    fn fitting_centres_what_fits_and_starts_what_does_not() {
        let v = View::fitting((0.0, 0.0), (400.0, 200.0), 880.0, 480.0);
        assert_eq!(v.k, 1.0, "never zoomed in past 1");
        assert_eq!((v.x, v.y), (240.0, 140.0), "centred");
        let wide = View::fitting((100.0, 0.0), (5000.0, 100.0), 880.0, 480.0);
        assert_eq!(wide.k, View::FIT_MIN_ZOOM);
        assert_eq!(
            wide.x,
            40.0 - 100.0 * View::FIT_MIN_ZOOM,
            "the start is at the left margin"
        );
        let z = v.zoomed(2.0, 100.0, 100.0);
        assert_eq!(
            v.to_canvas(100.0, 100.0),
            z.to_canvas(100.0, 100.0),
            "the point under the cursor stays"
        );
        assert_eq!(v.zoomed(100.0, 0.0, 0.0).k, View::MAX_ZOOM);
    }
}

#[derive(Clone, Copy)]
pub struct FlowCtx {
    pub ws: Workspace,
    /// The flow shown (its index in `/flows`).
    pub index: RwSignal<usize>,
    pub flow_at: Memo<String>,
    pub flow_id: Memo<Option<String>>,
    pub graph: Memo<FlowGraph>,
    /// Positions kept in the editor section.
    pub kept: Memo<BTreeMap<String, Pos>>,
    /// Every node's position (kept, else laid out).
    pub positions: Memo<BTreeMap<String, Pos>>,
    /// Selected nodes (by id), beside the store's selection (the primary one).
    pub selected: RwSignal<Vec<String>>,
    /// The selected edge (its field's pointer).
    pub edge: RwSignal<Option<String>>,
    pub view: RwSignal<View>,
    /// How far each node is being dragged (created on first use); the node and its edges
    /// read their own, so a drag re-renders only them.
    offsets: StoredValue<HashMap<String, RwSignal<(f64, f64)>>>,
    /// The designer's owner: offset signals are made under it, so they live as long as the
    /// designer whichever node or edge first asked for them.
    owner: StoredValue<Option<Owner>, LocalStorage>,
    pub problems: Memo<Drawn>,
    /// Nodes the simulated ticket has passed and the one it is at, when simulating.
    pub visited: RwSignal<Vec<String>>,
    pub current: RwSignal<Vec<String>>,
}

impl FlowCtx {
    pub fn new(ws: Workspace) -> Self {
        let index = RwSignal::new(0usize);
        let flow_at = Memo::new(move |_| pointer::push_index("/flows", index.get()));
        let flow_id = Memo::new(move |_| {
            let at = flow_at.get();
            ws.read(|doc| {
                doc.pointer(&at)
                    .and_then(|f| f.get("id"))
                    .and_then(|id| id.as_str())
                    .map(str::to_owned)
            })
        });
        let graph = Memo::new(move |_| {
            let at = flow_at.get();
            ws.read(|doc| {
                doc.pointer(&at)
                    .map(|flow| FlowGraph::read(flow, &at))
                    .unwrap_or_default()
            })
        });
        let kept = Memo::new(move |_| {
            let id = flow_id.get().unwrap_or_default();
            ws.read(|doc| layout::kept(doc, &id))
        });
        let positions = Memo::new(move |_| graph.with(|g| kept.with(|k| layout::resolved(g, k))));
        let problems = Memo::new(move |_| {
            let at = flow_at.get();
            graph.with(|g| {
                ws.checked.with(|checked| {
                    let mut drawn = Drawn::default();
                    let Some(checked) = checked else { return drawn };
                    for problem in checked.problems() {
                        if !pointer::is_within(&problem.path, &at) {
                            continue;
                        }
                        let slot = match g.owner_of(&problem.path) {
                            Some(Drawer::Node(id)) => drawn.nodes.entry(id),
                            Some(Drawer::Edge(field)) => drawn.edges.entry(field),
                            None => continue,
                        };
                        slot.or_insert((0, problem.path.clone())).0 += 1;
                    }
                    drawn
                })
            })
        });
        Self {
            ws,
            index,
            flow_at,
            flow_id,
            graph,
            kept,
            positions,
            selected: RwSignal::new(Vec::new()),
            edge: RwSignal::new(None),
            view: RwSignal::new(View::default()),
            offsets: StoredValue::new(HashMap::new()),
            owner: StoredValue::new_local(Owner::current()),
            problems,
            visited: RwSignal::new(Vec::new()),
            current: RwSignal::new(Vec::new()),
        }
    }

    /// The drag offset signal of a node (made on first use).
    pub fn offset(self, id: &str) -> RwSignal<(f64, f64)> {
        if let Some(signal) = self.offsets.with_value(|m| m.get(id).copied()) {
            return signal;
        }
        let signal = match self.owner.get_value() {
            Some(owner) => owner.with(|| RwSignal::new((0.0, 0.0))),
            None => RwSignal::new((0.0, 0.0)),
        };
        self.offsets.update_value(|m| {
            m.insert(id.to_owned(), signal);
        });
        signal
    }

    /// Where a node is drawn now: its position plus its drag offset.
    pub fn at(self, id: &str) -> Option<Pos> {
        let base = self.positions.with(|p| p.get(id).copied())?;
        let (dx, dy) = self.offset(id).get();
        Some(Pos {
            x: base.x + dx,
            y: base.y + dy,
        })
    }

    /// Selects one node (or none), in the canvas and in the store.
    pub fn select_node(self, id: Option<&str>) {
        self.edge.set(None);
        match id {
            Some(id) => {
                self.selected.set(vec![id.to_owned()]);
                if let Some(at) = self
                    .graph
                    .with_untracked(|g| g.node(id).map(|n| n.at.clone()))
                {
                    self.ws.store.update(|s| s.select(Some(at)));
                }
            }
            None => self.selected.set(Vec::new()),
        }
    }

    pub fn select_edge(self, at: &str) {
        self.selected.set(Vec::new());
        self.edge.set(Some(at.to_owned()));
        self.ws.store.update(|s| s.select(Some(at.to_owned())));
    }
}
