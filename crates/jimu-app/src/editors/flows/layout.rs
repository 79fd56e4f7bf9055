//! Where a flow's nodes are drawn: positions kept in the bundle's editor-only section
//! (`/editor/layout/<flow id>/nodes/<node id>`), so a flow opened anywhere looks the same, and
//! the automatic layered layout (left to right) of the whole flow or of a selection.
//!
//! The layout is `rust-sugiyama`'s: ranks by network simplex (Gansner et al.), crossings
//! reduced by the weighted median, coordinates by Brandes–Köpf — the same pipeline as dagre,
//! in pure Rust over petgraph, and it builds for wasm32. The alternatives looked at: `dagre`
//! (a 0.1 port of dagre.js, LR and edge labels built in, but a single young release) and
//! node-editor crates for Leptos such as `leptos-node-graph`, which draw and drag nodes but keep
//! positions in their own signals and have no layered layout; here every position must be an
//! undoable edit of the bundle, so the canvas is ours and only the layout is borrowed.

use super::graph::{self, FlowGraph};
use crate::state::doc::Edit;
use crate::state::pointer;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A node's top-left corner on the canvas, in canvas units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pos {
    pub x: f64,
    pub y: f64,
}

/// How big a node of a kind is drawn (width, height).
pub fn size(kind: &str) -> (f64, f64) {
    match kind {
        "start" | "end" => (48.0, 48.0),
        "exclusive" | "parallel_split" | "parallel_join" => (60.0, 60.0),
        _ => (152.0, 56.0),
    }
}

/// Space between layers (left to right) and between nodes of a layer.
const LAYER_GAP: f64 = 120.0;
/// Free space either side of an edge label between two layers.
const LABEL_MARGIN: f64 = 24.0;
const NODE_GAP: f64 = 40.0;
/// Space between separate parts of a flow (laid out one below another).
const PART_GAP: f64 = 80.0;

/// The pointer of a flow's layout in the editor-only section.
pub fn layout_at(flow_id: &str) -> String {
    format!("/editor/layout/{}", pointer::escape(flow_id))
}

/// The positions kept for a flow's nodes (entries that are not `{x, y}` numbers are skipped).
pub fn kept(doc: &Value, flow_id: &str) -> BTreeMap<String, Pos> {
    let at = format!("{}/nodes", layout_at(flow_id));
    doc.pointer(&at)
        .and_then(Value::as_object)
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|(id, p)| {
                    Some((
                        id.clone(),
                        Pos {
                            x: p.get("x")?.as_f64()?,
                            y: p.get("y")?.as_f64()?,
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Rounds a coordinate to the half unit, so kept positions read well in the JSON.
fn tidy(v: f64) -> f64 {
    (v * 2.0).round() / 2.0
}

/// The edits that keep `positions` for a flow, creating the objects on the way; nodes not
/// named keep what they have.
pub fn keep(doc: &Value, flow_id: &str, positions: &BTreeMap<String, Pos>) -> Vec<Edit> {
    if positions.is_empty() {
        return Vec::new();
    }
    let at = layout_at(flow_id);
    let position = |p: &Pos| json!({"x": tidy(p.x), "y": tidy(p.y)});
    match doc.pointer(&format!("{at}/nodes")) {
        Some(Value::Object(_)) => positions
            .iter()
            .map(|(id, p)| Edit::Set {
                at: format!("{at}/nodes/{}", pointer::escape(id)),
                value: position(p),
            })
            .collect(),
        _ => {
            let nodes: Map<String, Value> = positions
                .iter()
                .map(|(id, p)| (id.clone(), position(p)))
                .collect();
            let mut value = json!({ "nodes": nodes });
            // Create /editor and /editor/layout when they are missing.
            let mut target = at.clone();
            for parent in ["/editor/layout", "/editor"] {
                if doc.pointer(parent).is_some_and(Value::is_object) {
                    break;
                }
                let key = pointer::split_last(&target)
                    .map(|(_, k)| k)
                    .unwrap_or_default();
                let mut wrapper = Map::new();
                wrapper.insert(key, value);
                value = Value::Object(wrapper);
                target = parent.to_owned();
            }
            vec![Edit::Set { at: target, value }]
        }
    }
}

/// The automatic layout of `ids` (every node when `None`), left to right by layers. The laid
/// out part keeps its place: its top-left corner stays where its nodes' top-left corner was
/// (or starts at the origin when none had a position).
pub fn auto(
    graph: &FlowGraph,
    ids: Option<&[String]>,
    current: &BTreeMap<String, Pos>,
) -> BTreeMap<String, Pos> {
    let chosen: Vec<&str> = graph
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .filter(|id| ids.is_none_or(|ids| ids.iter().any(|x| x == id)))
        .collect();
    if chosen.is_empty() {
        return BTreeMap::new();
    }
    let index = |id: &str| chosen.iter().position(|c| *c == id);
    // rust-sugiyama lays out top to bottom: give it each node turned a quarter (width and
    // height swapped) and turn the result back, so layers run left to right.
    let vertices: Vec<(u32, (f64, f64))> = chosen
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let kind = graph.node(id).map_or("task", |n| n.kind.as_str());
            let (w, h) = size(kind);
            (i as u32, (h + NODE_GAP, w + LAYER_GAP))
        })
        .collect();
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for edge in &graph.edges {
        if let (Some(a), Some(b)) = (index(&edge.from), index(&edge.to))
            && a != b
            && !edges.contains(&(a as u32, b as u32))
        {
            edges.push((a as u32, b as u32));
        }
    }
    // rust-sugiyama 0.4's own cycle removal can loop for ever on dense graphs with many
    // cycles (found by the property test below): hand it an acyclic graph. The ways back are
    // left out (they are drawn as loops below the nodes and need no layer of their own).
    let edges = forward_edges(chosen.len(), &edges);
    let config = rust_sugiyama::configure::Config {
        vertex_spacing: 0.0,
        ..Default::default()
    };
    let parts = rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config);
    let mut out = BTreeMap::new();
    let mut top = 0.0;
    for (positions, _, _) in parts {
        // Turned back (its layers are our columns), centres made top-left corners, and the
        // part's box placed below the previous part's.
        let placed: Vec<(&str, f64, f64)> = positions
            .into_iter()
            .filter_map(|(i, (x, y))| Some((*chosen.get(i)?, x, y)))
            .collect();
        let corners = spaced_columns(graph, &placed);
        let min_x = corners.iter().map(|c| c.1).fold(f64::MAX, f64::min);
        let min_y = corners.iter().map(|c| c.2).fold(f64::MAX, f64::min);
        let max_y = corners.iter().map(|c| c.2 + c.3).fold(f64::MIN, f64::max);
        for (id, x, y, _) in &corners {
            out.insert(
                (*id).to_owned(),
                Pos {
                    x: x - min_x,
                    y: top + y - min_y,
                },
            );
        }
        top += (max_y - min_y) + PART_GAP;
    }
    // Keep the part where it was.
    let before: Vec<Pos> = chosen
        .iter()
        .filter_map(|id| current.get(*id).copied())
        .collect();
    if !before.is_empty() {
        let (bx, by) = before
            .iter()
            .fold((f64::MAX, f64::MAX), |(x, y), p| (x.min(p.x), y.min(p.y)));
        let (ax, ay) = out
            .values()
            .fold((f64::MAX, f64::MAX), |(x, y), p| (x.min(p.x), y.min(p.y)));
        for p in out.values_mut() {
            p.x += bx - ax;
            p.y += by - ay;
        }
    }
    out
}

/// The edges that are not ways back: a depth-first walk from each node in order (the start
/// first, as the flow lists it) drops every edge to a node still on the walk's path, so what
/// is left has no cycle and keeps the flow's reading direction.
fn forward_edges(n: usize, edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut out_of: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        out_of[a as usize].push(b);
    }
    let mut mark = vec![Mark::New; n];
    let mut kept = Vec::with_capacity(edges.len());
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        // An explicit stack of (node, next out-edge to look at): no recursion depth limit.
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::OnPath;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out_of[v].get(*next) {
                *next += 1;
                match mark[w as usize] {
                    Mark::OnPath => {}
                    Mark::Done => kept.push((v as u32, w)),
                    Mark::New => {
                        kept.push((v as u32, w));
                        mark[w as usize] = Mark::OnPath;
                        stack.push((w as usize, 0));
                    }
                }
            } else {
                mark[v] = Mark::Done;
                stack.pop();
            }
        }
    }
    kept
}

/// Nodes placed by rust-sugiyama (its x across a layer, its y the layer's centre) as top-left
/// corners of boxes in columns, left to right: each column as wide as its widest node, and the
/// gap to the next as wide as the widest label on an edge between the two plus a margin each
/// side (at least [`LAYER_GAP`]), so labels never sit on a node.
fn spaced_columns<'a>(
    graph: &FlowGraph,
    placed: &[(&'a str, f64, f64)],
) -> Vec<(&'a str, f64, f64, f64)> {
    let size_of = |id: &str| graph.node(id).map_or((152.0, 56.0), |n| size(&n.kind));
    let mut layers: Vec<f64> = placed.iter().map(|p| p.2).collect();
    layers.sort_by(f64::total_cmp);
    layers.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    let layer_of = |y: f64| layers.iter().position(|l| (l - y).abs() < 0.5).unwrap_or(0);
    let column: BTreeMap<&str, usize> = placed.iter().map(|p| (p.0, layer_of(p.2))).collect();
    let mut widths = vec![0.0_f64; layers.len()];
    for (id, _, _) in placed {
        widths[column[id]] = widths[column[id]].max(size_of(id).0);
    }
    let mut gaps = vec![LAYER_GAP; layers.len()];
    for edge in &graph.edges {
        if let (Some(&a), Some(&b)) = (column.get(edge.from.as_str()), column.get(edge.to.as_str()))
            && b == a + 1
        {
            let label = graph::widest_label(edge);
            if label > 0.0 {
                gaps[a] = gaps[a].max(label + 2.0 * LABEL_MARGIN);
            }
        }
    }
    let mut lefts = Vec::with_capacity(layers.len());
    let mut left = 0.0;
    for (w, gap) in widths.iter().zip(&gaps) {
        lefts.push(left);
        left += w + gap;
    }
    placed
        .iter()
        .map(|&(id, x, _)| {
            let (w, h) = size_of(id);
            let c = column[id];
            (id, lefts[c] + (widths[c] - w) / 2.0, x - h / 2.0, h)
        })
        .collect()
}

/// Every node's position: the kept one, else the automatic layout's (a flow never laid out
/// draws tidily without anything being written).
pub fn resolved(graph: &FlowGraph, kept: &BTreeMap<String, Pos>) -> BTreeMap<String, Pos> {
    if graph.nodes.iter().all(|n| kept.contains_key(&n.id)) {
        return kept.clone();
    }
    let auto = auto(graph, None, &BTreeMap::new());
    let mut out = BTreeMap::new();
    for node in &graph.nodes {
        if let Some(p) = kept.get(&node.id).or_else(|| auto.get(&node.id)) {
            out.insert(node.id.clone(), *p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::doc::{Change, Store};

    fn repair() -> (Value, FlowGraph) {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/bundles/valid/flow-appliance-repair.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the bundle");
        let doc: Value = serde_json::from_str(&text).expect("json");
        let graph = FlowGraph::read(&doc["flows"][0], "/flows/0");
        (doc, graph)
    }

    fn apply(doc: &Value, edits: Vec<Edit>) -> Value {
        let mut store = Store::new(doc.clone());
        store.apply(Change::new(edits, 0.0)).expect("the edits fit");
        store.doc().clone()
    }

    #[test]
    fn the_automatic_layout_runs_left_to_right_along_the_edges() {
        let (_, graph) = repair();
        let positions = auto(&graph, None, &BTreeMap::new());
        assert_eq!(positions.len(), graph.nodes.len());
        // Every edge that is not a way back goes to the right.
        let x = |id: &str| positions[id].x;
        assert!(x("start") < x("report"));
        assert!(x("report") < x("dispatch"));
        assert!(x("dispatch") < x("inspect"));
        assert!(x("inspect") < x("closed"));
        // No two nodes overlap.
        let boxes: Vec<(f64, f64, f64, f64)> = graph
            .nodes
            .iter()
            .map(|n| {
                let p = positions[&n.id];
                let (w, h) = size(&n.kind);
                (p.x, p.y, p.x + w, p.y + h)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_wide_edge_label_gets_room_between_its_layers() {
        // A gateway whose branch reads `ticket.priority == 'urgent'` (27 characters, about
        // 196 px drawn): the node it leads to starts at least that far plus a margin each side
        // from the gateway's right edge, where a plain `next` keeps the usual gap.
        let flow = json!({"id": "f", "nodes": [
            {"id": "s", "kind": "start", "next": "g"},
            {"id": "g", "kind": "exclusive",
             "branches": [{"when": "ticket.priority == 'urgent'", "to": "a"}], "default": "b"},
            {"id": "a", "kind": "end"},
            {"id": "b", "kind": "end"}
        ]});
        let graph = FlowGraph::read(&flow, "/flows/0");
        let positions = auto(&graph, None, &BTreeMap::new());
        let right = |id: &str| positions[id].x + size(&graph.node(id).expect("node").kind).0;
        let label = graph::label_width("ticket.priority == 'urgent'");
        assert!(label > LAYER_GAP, "{label}");
        assert!(
            positions["a"].x - right("g") >= label + 2.0 * LABEL_MARGIN - 0.5,
            "{positions:?}"
        );
        let plain = positions["g"].x - right("s");
        assert!((plain - LAYER_GAP).abs() < 0.5, "{plain}");
    }

    #[test]
    fn a_dense_graph_of_cycles_is_laid_out() {
        // Found by a search over random graphs: rust-sugiyama's own cycle removal never
        // returned on this one. Ways back are now left out before it runs.
        let edges = [
            (3, 2),
            (6, 5),
            (3, 6),
            (2, 1),
            (2, 4),
            (3, 5),
            (4, 6),
            (6, 7),
            (8, 6),
            (8, 7),
            (0, 3),
            (7, 4),
            (4, 7),
            (6, 8),
            (3, 8),
        ];
        let nodes: Vec<Value> = (0..9)
            .map(|i| {
                let to: Vec<Value> = edges
                    .iter()
                    .filter(|e| e.0 == i)
                    .map(|e| json!({"id": "x", "label": "x", "to": format!("n{}", e.1)}))
                    .collect();
                let kind = if i == 0 { "start" } else { "task" };
                json!({"id": format!("n{i}"), "name": "x", "kind": kind, "actions": to})
            })
            .collect();
        let graph = FlowGraph::read(&json!({"nodes": nodes}), "/flows/0");
        let laid = auto(&graph, None, &BTreeMap::new());
        assert_eq!(laid.len(), 9);
        assert!(forward_edges(9, &edges.map(|(a, b)| (a, b))).len() < edges.len());
    }

    #[test]
    fn laying_out_a_selection_keeps_it_in_place_and_leaves_the_rest() {
        let (_, graph) = repair();
        let mut current = auto(&graph, None, &BTreeMap::new());
        for p in current.values_mut() {
            p.x += 1000.0;
            p.y += 500.0;
        }
        let chosen = vec!["parts".to_owned(), "rating".to_owned(), "closed".to_owned()];
        let laid = auto(&graph, Some(&chosen), &current);
        assert_eq!(
            laid.keys().cloned().collect::<Vec<_>>(),
            ["closed", "parts", "rating"]
        );
        let min = |ps: &mut dyn Iterator<Item = Pos>| {
            ps.fold((f64::MAX, f64::MAX), |(x, y), p| (x.min(p.x), y.min(p.y)))
        };
        let before = min(&mut chosen.iter().map(|id| current[id]));
        let after = min(&mut laid.values().copied());
        assert_eq!(before, after);
    }

    proptest::proptest! {
        /// Whatever the graph (cycles, several parts, edges into nothing), the layout gives
        /// every chosen node a position and never panics (the app is built to abort on one).
        #[test]
        fn any_graph_is_laid_out(edges in proptest::collection::vec((0u8..12, 0u8..14), 0..40), n in 1usize..12) {
            let nodes: Vec<Value> = (0..n)
                .map(|i| json!({"id": format!("n{i}"), "name": "x", "kind": if i == 0 { "start" } else { "task" }}))
                .collect();
            let mut flow = json!({"nodes": nodes});
            for (a, b) in edges {
                if let Some(node) = flow["nodes"].get_mut(usize::from(a)) {
                    let to = format!("n{b}");
                    match node.get_mut("actions").and_then(Value::as_array_mut) {
                        Some(list) => list.push(json!({"id": "x", "label": "x", "to": to})),
                        None => node["actions"] = json!([{"id": "x", "label": "x", "to": to}]),
                    }
                }
            }
            let graph = FlowGraph::read(&flow, "/flows/0");
            let laid = auto(&graph, None, &BTreeMap::new());
            proptest::prop_assert_eq!(laid.len(), n);
            proptest::prop_assert!(laid.values().all(|p| p.x.is_finite() && p.y.is_finite()));
        }
    }

    #[test]
    fn positions_are_kept_in_the_editor_section_and_read_back() {
        let (doc, graph) = repair();
        assert!(kept(&doc, "appliance-repair").is_empty());
        let positions = auto(&graph, None, &BTreeMap::new());
        let doc = apply(&doc, keep(&doc, "appliance-repair", &positions));
        let back = kept(&doc, "appliance-repair");
        assert_eq!(back.len(), positions.len());
        for (id, p) in &positions {
            assert!(
                (back[id].x - p.x).abs() <= 0.25 && (back[id].y - p.y).abs() <= 0.25,
                "{id}"
            );
        }
        // A second keep sets members one by one and leaves other flows' layouts alone.
        let doc = apply(
            &doc,
            keep(
                &doc,
                "other",
                &[("a".to_owned(), Pos { x: 1.0, y: 2.0 })].into(),
            ),
        );
        let moved = [("start".to_owned(), Pos { x: -7.25, y: 3.0 })].into();
        let edits = keep(&doc, "appliance-repair", &moved);
        assert_eq!(edits.len(), 1);
        let doc = apply(&doc, edits);
        assert_eq!(
            doc["editor"]["layout"]["appliance-repair"]["nodes"]["start"],
            json!({"x": -7.5, "y": 3.0})
        );
        assert_eq!(
            doc["editor"]["layout"]["other"]["nodes"]["a"],
            json!({"x": 1.0, "y": 2.0})
        );
        // What is not a position is skipped, not an error.
        let odd = json!({"editor": {"layout": {"f": {"nodes": {"a": {"x": "1"}, "b": {"x": 1, "y": 2}}}}}});
        assert_eq!(kept(&odd, "f").len(), 1);
        assert_eq!(resolved(&graph, &BTreeMap::new()).len(), graph.nodes.len());
    }
}
