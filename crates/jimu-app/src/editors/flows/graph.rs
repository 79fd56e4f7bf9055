//! A flow as the designer draws it: its nodes and the edges between them, read from the flow's
//! JSON (so a flow with mistakes still draws), and the edits that add, connect, disconnect and
//! remove them. No browser here: natively tested.
//!
//! An edge is a target id written in the source node: `next`, an action's `to`, a branch's
//! `to`, `default`, an approval's `approve`/`reject`, a split's `to` list, a disabled node's
//! `skip_to`. Its pointer is that field's, which is also where the check's problems about it
//! point.

use crate::i18n::{Key, Locale};
use crate::state::doc::Edit;
use crate::state::pointer;
use jimu_core::Localized;
use serde_json::{Value, json};

/// Every kind of node the flow format has, in the palette's order.
pub const KINDS: [&str; 9] = [
    "start",
    "task",
    "approval",
    "exclusive",
    "parallel_split",
    "parallel_join",
    "automatic",
    "sub_flow",
    "end",
];

/// A node as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct GNode {
    pub id: String,
    pub kind: String,
    pub name: Localized,
    pub enabled: bool,
    /// Its pointer in the document (`/flows/0/nodes/3`).
    pub at: String,
}

/// What an edge means, for its label.
#[derive(Debug, Clone, PartialEq)]
pub enum EdgeKind {
    Next,
    /// A task's action: its label and guard.
    Action {
        label: Option<Localized>,
        guard: Option<String>,
    },
    /// An exclusive gateway's branch: its condition and label.
    Branch {
        when: String,
        label: Option<Localized>,
    },
    /// An exclusive gateway's default way out.
    Default,
    Approve,
    Reject,
    /// One branch of a parallel split.
    Split,
    /// Where a disabled node sends tickets.
    SkipTo,
}

/// An edge as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct GEdge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The pointer of the target field (`…/actions/0/to`, `…/next`).
    pub at: String,
}

/// A flow's nodes and edges.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowGraph {
    pub nodes: Vec<GNode>,
    pub edges: Vec<GEdge>,
}

fn localized(value: Option<&Value>) -> Option<Localized> {
    match value? {
        Value::String(text) => Some(Localized::new(text.clone(), text.clone())),
        Value::Object(map) => Some(Localized::new(
            map.get("zh-CN").and_then(Value::as_str).unwrap_or_default(),
            map.get("en").and_then(Value::as_str).unwrap_or_default(),
        )),
        _ => None,
    }
}

fn str_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

impl FlowGraph {
    /// Reads the flow at `flow_at` (`/flows/0`) of a document; what is not a node is skipped.
    pub fn read(flow: &Value, flow_at: &str) -> Self {
        let mut graph = Self::default();
        let nodes_at = pointer::push(flow_at, "nodes");
        let Some(nodes) = flow.get("nodes").and_then(Value::as_array) else {
            return graph;
        };
        for (i, node) in nodes.iter().enumerate() {
            let Some(id) = str_at(node, "id") else {
                continue;
            };
            let at = pointer::push_index(&nodes_at, i);
            let kind = str_at(node, "kind").unwrap_or("task").to_owned();
            graph.nodes.push(GNode {
                id: id.to_owned(),
                kind: kind.clone(),
                name: localized(node.get("name")).unwrap_or_else(|| Localized::new(id, id)),
                enabled: node.get("enabled").and_then(Value::as_bool).unwrap_or(true),
                at: at.clone(),
            });
            let mut edge = |to: Option<&str>, field: String, kind: EdgeKind| {
                if let Some(to) = to {
                    graph.edges.push(GEdge {
                        from: id.to_owned(),
                        to: to.to_owned(),
                        kind,
                        at: field,
                    });
                }
            };
            edge(
                str_at(node, "next"),
                pointer::push(&at, "next"),
                EdgeKind::Next,
            );
            if let Some(actions) = node.get("actions").and_then(Value::as_array) {
                for (k, action) in actions.iter().enumerate() {
                    let field = format!("{at}/actions/{k}/to");
                    let kind = EdgeKind::Action {
                        label: localized(action.get("label")),
                        guard: str_at(action, "guard").map(str::to_owned),
                    };
                    edge(str_at(action, "to"), field, kind);
                }
            }
            if let Some(branches) = node.get("branches").and_then(Value::as_array) {
                for (k, branch) in branches.iter().enumerate() {
                    let field = format!("{at}/branches/{k}/to");
                    let kind = EdgeKind::Branch {
                        when: str_at(branch, "when").unwrap_or_default().to_owned(),
                        label: localized(branch.get("label")),
                    };
                    edge(str_at(branch, "to"), field, kind);
                }
            }
            edge(
                str_at(node, "default"),
                pointer::push(&at, "default"),
                EdgeKind::Default,
            );
            for (key, kind) in [("approve", EdgeKind::Approve), ("reject", EdgeKind::Reject)] {
                let to = node.get(key).and_then(|o| str_at(o, "to"));
                edge(to, format!("{at}/{key}/to"), kind);
            }
            if kind == "parallel_split"
                && let Some(targets) = node.get("to").and_then(Value::as_array)
            {
                for (k, target) in targets.iter().enumerate() {
                    edge(target.as_str(), format!("{at}/to/{k}"), EdgeKind::Split);
                }
            }
            let skip = node.get("when_disabled").and_then(|w| str_at(w, "skip_to"));
            edge(
                skip,
                format!("{at}/when_disabled/skip_to"),
                EdgeKind::SkipTo,
            );
        }
        graph
    }

    pub fn node(&self, id: &str) -> Option<&GNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The node or edge a problem's pointer is about: the edge whose field it lies in, else
    /// the node it lies in.
    pub fn owner_of(&self, path: &str) -> Option<Owner> {
        if let Some(edge) = self.edges.iter().find(|e| {
            pointer::is_within(path, &e.at)
                || edge_item(&e.at).is_some_and(|item| pointer::is_within(path, item))
        }) {
            return Some(Owner::Edge(edge.at.clone()));
        }
        self.nodes
            .iter()
            .filter(|n| pointer::is_within(path, &n.at))
            .map(|n| Owner::Node(n.id.clone()))
            .next()
    }
}

/// The list item an edge's field belongs to (`…/actions/0` for `…/actions/0/to`): a guard or
/// a branch condition is about the edge too.
fn edge_item(field: &str) -> Option<&str> {
    let (item, last) = pointer::split_last(field)?;
    (last == "to" && (item.contains("/actions/") || item.contains("/branches/"))).then_some(item)
}

/// What a problem is drawn on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Node(String),
    /// An edge, by its field's pointer.
    Edge(String),
}

/// A node id not yet in the flow, from a kind (`task`, `task-2`, …).
pub fn fresh_id(graph: &FlowGraph, kind: &str) -> String {
    let base = kind.replace('_', "-");
    if graph.node(&base).is_none() {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| graph.node(id).is_none())
        .unwrap_or(base)
}

/// A new node of a kind with what the format requires filled in sensibly; ways out that
/// would need a target are left for the admin to connect (the check says so meanwhile).
pub fn new_node(kind: &str, id: &str, name: &Localized) -> Value {
    let name = json!({"zh-CN": name.zh_cn, "en": name.en});
    let mut node = json!({"id": id, "name": name, "kind": kind});
    let Some(map) = node.as_object_mut() else {
        return node;
    };
    match kind {
        "task" => {
            map.insert("assign".to_owned(), json!({"strategy": "least_loaded"}));
            map.insert("actions".to_owned(), json!([]));
        }
        "approval" => {
            map.insert("assign".to_owned(), json!({"strategy": "least_loaded"}));
        }
        "exclusive" => {
            map.insert("branches".to_owned(), json!([]));
        }
        "parallel_split" => {
            map.insert("to".to_owned(), json!([]));
        }
        "automatic" => {
            map.insert(
                "steps".to_owned(),
                json!([{"do": "emit", "event": "event"}]),
            );
        }
        "sub_flow" => {
            map.insert("flow".to_owned(), json!(""));
        }
        "end" => {}
        _ => {}
    }
    node
}

/// The edits that connect `from` to `to` the way the source's kind connects: a single way
/// out (`next`) is set, a task gains an action, a gateway a branch (the default first), an
/// approval its approve then its reject, a split one more branch. `None` when the source
/// cannot have one more (an end; an approval with both set).
pub fn connect(flow: &Value, graph: &FlowGraph, from: &str, to: &str) -> Option<Vec<Edit>> {
    let source = graph.node(from)?;
    let node = flow
        .get("nodes")
        .and_then(Value::as_array)?
        .iter()
        .find(|n| str_at(n, "id") == Some(from))?;
    let at = &source.at;
    let target_name = graph
        .node(to)
        .map_or_else(|| Localized::new(to, to), |n| n.name.clone());
    let set = |field: &str, value: Value| Edit::Set {
        at: pointer::push(at, field),
        value,
    };
    let edits = match source.kind.as_str() {
        "start" | "parallel_join" | "automatic" | "sub_flow" => vec![set("next", json!(to))],
        "task" => {
            let actions = node.get("actions").and_then(Value::as_array);
            let taken: Vec<&str> = actions
                .into_iter()
                .flatten()
                .filter_map(|a| str_at(a, "id"))
                .collect();
            let id = (1..)
                .map(|n| {
                    if n == 1 {
                        "next".to_owned()
                    } else {
                        format!("next-{n}")
                    }
                })
                .find(|id| !taken.contains(&id.as_str()))
                .unwrap_or_default();
            let action = json!({
                "id": id,
                "label": {"zh-CN": format!("转到{}", target_name.zh_cn), "en": format!("To {}", target_name.en)},
                "to": to,
            });
            match actions {
                Some(_) => vec![Edit::Insert {
                    at: format!("{at}/actions/-"),
                    value: action,
                }],
                None => vec![set("actions", json!([action]))],
            }
        }
        "exclusive" => {
            if node.get("default").is_none() {
                vec![set("default", json!(to))]
            } else {
                let branch = json!({"when": "true", "to": to});
                match node.get("branches").and_then(Value::as_array) {
                    Some(_) => vec![Edit::Insert {
                        at: format!("{at}/branches/-"),
                        value: branch,
                    }],
                    None => vec![set("branches", json!([branch]))],
                }
            }
        }
        "approval" => match (node.get("approve"), node.get("reject")) {
            (None, _) => vec![set("approve", json!({"to": to}))],
            (_, None) => vec![set("reject", json!({"to": to}))],
            _ => return None,
        },
        "parallel_split" => match node.get("to").and_then(Value::as_array) {
            Some(_) => vec![Edit::Insert {
                at: format!("{at}/to/-"),
                value: json!(to),
            }],
            None => vec![set("to", json!([to]))],
        },
        _ => return None,
    };
    Some(edits)
}

/// The edits that take an edge away: a list entry (action, branch, split branch) is removed,
/// a single way out is unset (the check then asks for one).
pub fn disconnect(edge: &GEdge) -> Vec<Edit> {
    match &edge.kind {
        EdgeKind::Action { .. } | EdgeKind::Branch { .. } => edge_item(&edge.at)
            .map(|item| {
                vec![Edit::Remove {
                    at: item.to_owned(),
                }]
            })
            .unwrap_or_default(),
        EdgeKind::Approve | EdgeKind::Reject => pointer::split_last(&edge.at)
            .map(|(outcome, _)| {
                vec![Edit::Remove {
                    at: outcome.to_owned(),
                }]
            })
            .unwrap_or_default(),
        EdgeKind::SkipTo => pointer::split_last(&edge.at)
            .map(|(when, _)| {
                vec![Edit::Remove {
                    at: when.to_owned(),
                }]
            })
            .unwrap_or_default(),
        EdgeKind::Next | EdgeKind::Default | EdgeKind::Split => {
            vec![Edit::Remove {
                at: edge.at.clone(),
            }]
        }
    }
}

/// The edits that remove nodes and every edge into or out of them, and their positions in the
/// editor-only section. List entries are removed from the end first, so each pointer still
/// names what it named when the edits were made.
pub fn remove_nodes(graph: &FlowGraph, ids: &[String], layout_at: Option<&str>) -> Vec<Edit> {
    let mut removals: Vec<Edit> = graph
        .edges
        .iter()
        .filter(|e| ids.contains(&e.to) && !ids.contains(&e.from))
        .flat_map(disconnect)
        .collect();
    removals.extend(
        graph
            .nodes
            .iter()
            .filter(|n| ids.contains(&n.id))
            .map(|n| Edit::Remove { at: n.at.clone() }),
    );
    // Array elements last to first (by their index), so earlier removals do not shift later
    // pointers; members of objects are unaffected by order.
    removals.sort_by_key(|edit| std::cmp::Reverse(removal_key(edit)));
    removals.dedup();
    if let Some(layout_at) = layout_at {
        for id in ids {
            removals.push(Edit::Remove {
                at: format!("{layout_at}/nodes/{}", pointer::escape(id)),
            });
        }
    }
    removals
}

/// Sort key of a removal: the pointer with every index zero-padded, so `…/10` sorts after
/// `…/9` and a parent's index decides before its children's.
fn removal_key(edit: &Edit) -> String {
    let Edit::Remove { at } = edit else {
        return String::new();
    };
    pointer::tokens(at)
        .unwrap_or_default()
        .iter()
        .map(|t| match pointer::index(t) {
            Some(i) => format!("/{i:010}"),
            None => format!("/{t}"),
        })
        .collect()
}

/// A node object copied to be pasted under a new id (its ways out kept as they were).
pub fn renamed(node: &Value, id: &str) -> Value {
    let mut copy = node.clone();
    if let Some(map) = copy.as_object_mut() {
        map.insert("id".to_owned(), Value::String(id.to_owned()));
    }
    copy
}

/// The label of an edge in a language (a condition is shown as written, shortened).
pub fn edge_label(edge: &GEdge, tag: &str, fixed: &dyn Fn(Key) -> &'static str) -> String {
    let short = |text: &str| {
        if text.chars().count() > 28 {
            text.chars().take(27).collect::<String>() + "…"
        } else {
            text.to_owned()
        }
    };
    match &edge.kind {
        EdgeKind::Next | EdgeKind::Split => String::new(),
        EdgeKind::Action { label, guard } => {
            let label = label
                .as_ref()
                .map(|l| l.get(tag).to_owned())
                .unwrap_or_default();
            match guard {
                Some(g) => format!("{label} [{}]", short(g)),
                None => label,
            }
        }
        EdgeKind::Branch { when, label } => label
            .as_ref()
            .map(|l| l.get(tag).to_owned())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| short(when)),
        EdgeKind::Default => fixed(Key::EdgeDefault).to_owned(),
        EdgeKind::Approve => fixed(Key::EdgeApprove).to_owned(),
        EdgeKind::Reject => fixed(Key::EdgeReject).to_owned(),
        EdgeKind::SkipTo => fixed(Key::EdgeSkipTo).to_owned(),
    }
}

/// The width of an edge's label in the wider of the two languages (0 when it has none).
pub fn widest_label(edge: &GEdge) -> f64 {
    [Locale::ZhCn, Locale::En]
        .map(|l| edge_label(edge, l.tag(), &|k| l.text(k)))
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| label_width(l))
        .fold(0.0, f64::max)
}

/// The width of an edge's label box as drawn (11px text, CJK full width, 6px padding a side).
pub fn label_width(label: &str) -> f64 {
    label
        .chars()
        .map(|c| if c.is_ascii() { 6.8 } else { 12.0 })
        .sum::<f64>()
        + 12.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::doc::{Change, Store};

    /// The members each kind has beside the common ones.
    fn kind_members(kind: &str) -> &'static [&'static str] {
        match kind {
            "start" => &["next"],
            "task" => &["assign", "form", "actions", "deadline"],
            "approval" => &["assign", "approve", "reject", "deadline"],
            "exclusive" => &["branches", "default"],
            "parallel_split" => &["to", "join"],
            "parallel_join" => &["next"],
            "automatic" => &["steps", "next"],
            "sub_flow" => &["flow", "next"],
            "end" => &["emit"],
            _ => &[],
        }
    }

    fn flow() -> Value {
        json!({
            "id": "f",
            "name": "F",
            "nodes": [
                {"id": "start", "name": "开始", "kind": "start", "next": "handle"},
                {"id": "handle", "name": {"zh-CN": "处理", "en": "Handle"}, "kind": "task",
                 "assign": {"strategy": "role", "to": {"role": "cs"}},
                 "actions": [
                    {"id": "done", "label": "完成", "to": "gate", "guard": "ticket.priority == 'low'"},
                    {"id": "drop", "label": "作废", "to": "end"}
                 ]},
                {"id": "gate", "name": "判断", "kind": "exclusive",
                 "branches": [{"when": "ticket.amount > 100", "to": "approve", "label": "大额"}],
                 "default": "end"},
                {"id": "approve", "name": "审批", "kind": "approval",
                 "assign": {"strategy": "role", "to": {"role": "cs"}},
                 "approve": {"to": "end"}, "reject": {"to": "handle"}},
                {"id": "end", "name": "结束", "kind": "end", "enabled": false}
            ]
        })
    }

    fn doc() -> Value {
        json!({"flows": [flow()]})
    }

    fn apply(doc: &Value, edits: Vec<Edit>) -> Value {
        let mut store = Store::new(doc.clone());
        store.apply(Change::new(edits, 0.0)).expect("the edits fit");
        store.doc().clone()
    }

    #[test]
    fn every_way_out_is_an_edge_with_the_pointer_of_its_field() {
        let graph = FlowGraph::read(&flow(), "/flows/0");
        assert_eq!(graph.nodes.len(), 5);
        assert!(!graph.node("end").expect("there").enabled);
        assert_eq!(graph.node("handle").expect("there").name.en, "Handle");
        let edges: Vec<(&str, &str, &str)> = graph
            .edges
            .iter()
            .map(|e| (e.from.as_str(), e.to.as_str(), e.at.as_str()))
            .collect();
        assert_eq!(
            edges,
            [
                ("start", "handle", "/flows/0/nodes/0/next"),
                ("handle", "gate", "/flows/0/nodes/1/actions/0/to"),
                ("handle", "end", "/flows/0/nodes/1/actions/1/to"),
                ("gate", "approve", "/flows/0/nodes/2/branches/0/to"),
                ("gate", "end", "/flows/0/nodes/2/default"),
                ("approve", "end", "/flows/0/nodes/3/approve/to"),
                ("approve", "handle", "/flows/0/nodes/3/reject/to"),
            ]
        );
        assert!(
            matches!(&graph.edges[1].kind, EdgeKind::Action { guard: Some(g), .. } if g.contains("low"))
        );
        assert!(
            matches!(&graph.edges[3].kind, EdgeKind::Branch { when, .. } if when == "ticket.amount > 100")
        );
    }

    #[test]
    fn problems_are_drawn_on_the_edge_or_node_they_are_about() {
        let graph = FlowGraph::read(&flow(), "/flows/0");
        // A guard's problem is the action's edge; a branch condition's is the branch's.
        assert_eq!(
            graph.owner_of("/flows/0/nodes/1/actions/0/guard"),
            Some(Owner::Edge("/flows/0/nodes/1/actions/0/to".to_owned()))
        );
        assert_eq!(
            graph.owner_of("/flows/0/nodes/2/branches/0/when"),
            Some(Owner::Edge("/flows/0/nodes/2/branches/0/to".to_owned()))
        );
        assert_eq!(
            graph.owner_of("/flows/0/nodes/2/default"),
            Some(Owner::Edge("/flows/0/nodes/2/default".to_owned()))
        );
        // Anything else in a node is the node's; outside any node, nothing's.
        assert_eq!(
            graph.owner_of("/flows/0/nodes/3/assign/to/role"),
            Some(Owner::Node("approve".to_owned()))
        );
        assert_eq!(
            graph.owner_of("/flows/0/nodes/4"),
            Some(Owner::Node("end".to_owned()))
        );
        assert_eq!(graph.owner_of("/flows/0/sla"), None);
    }

    #[test]
    fn connecting_follows_the_kind_of_the_source() {
        let d = doc();
        let f = flow();
        let graph = FlowGraph::read(&f, "/flows/0");
        // A task gains an action with a fresh id and a label naming the target.
        let d2 = apply(
            &d,
            connect(&f, &graph, "handle", "approve").expect("connects"),
        );
        let actions = &d2["flows"][0]["nodes"][1]["actions"];
        assert_eq!(actions[2]["id"], "next");
        assert_eq!(actions[2]["to"], "approve");
        assert_eq!(actions[2]["label"]["zh-CN"], "转到审批");
        // A single way out is replaced.
        let d3 = apply(&d, connect(&f, &graph, "start", "gate").expect("connects"));
        assert_eq!(d3["flows"][0]["nodes"][0]["next"], "gate");
        // A gateway with a default gains a branch.
        let d4 = apply(&d, connect(&f, &graph, "gate", "handle").expect("connects"));
        assert_eq!(d4["flows"][0]["nodes"][2]["branches"][1]["to"], "handle");
        // An approval with both outcomes, and an end, take no more.
        assert!(connect(&f, &graph, "approve", "gate").is_none());
        assert!(connect(&f, &graph, "end", "gate").is_none());
    }

    #[test]
    fn disconnecting_removes_list_entries_and_unsets_single_ways_out() {
        let d = doc();
        let graph = FlowGraph::read(&flow(), "/flows/0");
        let d2 = apply(&d, disconnect(&graph.edges[1]));
        assert_eq!(
            d2["flows"][0]["nodes"][1]["actions"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(d2["flows"][0]["nodes"][1]["actions"][0]["id"], "drop");
        let d3 = apply(&d, disconnect(&graph.edges[5]));
        assert!(d3["flows"][0]["nodes"][3].get("approve").is_none());
        let d4 = apply(&d, disconnect(&graph.edges[0]));
        assert!(d4["flows"][0]["nodes"][0].get("next").is_none());
    }

    #[test]
    fn removing_nodes_takes_the_edges_into_them_and_their_positions() {
        let mut d = doc();
        d["editor"] = json!({"layout": {"f": {"nodes": {"gate": {"x": 1, "y": 2}, "end": {"x": 3, "y": 4}}}}});
        let graph = FlowGraph::read(&flow(), "/flows/0");
        let ids = vec!["gate".to_owned()];
        let d2 = apply(&d, remove_nodes(&graph, &ids, Some("/editor/layout/f")));
        let nodes = d2["flows"][0]["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), 4);
        assert!(nodes.iter().all(|n| n["id"] != "gate"));
        // The action into the gateway went with it; the other action stays.
        assert_eq!(nodes[1]["actions"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            d2["editor"]["layout"]["f"]["nodes"],
            json!({"end": {"x": 3, "y": 4}})
        );
        // Several at once, including ones that point at each other.
        let ids = vec!["approve".to_owned(), "end".to_owned()];
        let d3 = apply(&doc(), remove_nodes(&graph, &ids, None));
        let nodes = d3["flows"][0]["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), 3);
        assert_eq!(nodes[1]["actions"].as_array().map(Vec::len), Some(1));
        assert!(nodes[2].get("default").is_none());
        assert_eq!(nodes[2]["branches"].as_array().map(Vec::len), Some(0));
    }

    #[test]
    fn new_nodes_get_fresh_ids_and_what_their_kind_needs() {
        let graph = FlowGraph::read(&flow(), "/flows/0");
        assert_eq!(fresh_id(&graph, "task"), "task");
        assert_eq!(fresh_id(&graph, "approve"), "approve-2");
        assert_eq!(fresh_id(&graph, "parallel_split"), "parallel-split");
        let task = new_node("task", "t", &Localized::new("任务", "Task"));
        assert_eq!(task["actions"], json!([]));
        assert_eq!(task["name"]["en"], "Task");
        for kind in KINDS {
            let node = new_node(kind, "x", &Localized::new("x", "x"));
            assert_eq!(node["kind"], kind);
            for member in node.as_object().expect("object").keys() {
                assert!(
                    matches!(member.as_str(), "id" | "name" | "kind")
                        || kind_members(kind).contains(&member.as_str()),
                    "{kind}: {member}"
                );
            }
        }
    }
}
