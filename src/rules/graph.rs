//! The dependency graph of a rule set: facts use facts and parameters; obligations use facts and
//! parameters. Facts are evaluated in a topological order of it; a cycle between facts is a load
//! error naming the cycle; `samstyr rules graph` draws it (Graphviz dot or Mermaid).

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Fact,
    Param,
    Obligation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    pub kind: NodeKind,
    pub id: String,
}

/// An edge from what is used to what uses it, labelled with where it is used (`expr`,
/// `applies`, `require`, `deadline`, …).
#[derive(Debug, Clone, Default)]
pub struct RuleGraph {
    graph: DiGraph<GraphNode, &'static str>,
    /// Each node by kind and id: a scan of the nodes per lookup made loading quadratic in the
    /// number of facts (100 000 facts: 179 s).
    index: std::collections::HashMap<(NodeKind, String), NodeIndex>,
}

impl RuleGraph {
    pub(crate) fn node(&mut self, kind: NodeKind, id: &str) -> NodeIndex {
        if let Some(i) = self.find(kind, id) {
            return i;
        }
        let i = self.graph.add_node(GraphNode {
            kind,
            id: id.to_string(),
        });
        self.index.insert((kind, id.to_string()), i);
        i
    }

    pub(crate) fn find(&self, kind: NodeKind, id: &str) -> Option<NodeIndex> {
        // The key is built to look up by a borrowed id; facts are looked up a few times each.
        self.index.get(&(kind, id.to_string())).copied()
    }

    /// Add `from → to` labelled `label`, once.
    pub(crate) fn edge(&mut self, from: NodeIndex, to: NodeIndex, label: &'static str) {
        let exists = self
            .graph
            .edges_connecting(from, to)
            .any(|e| *e.weight() == label);
        if !exists {
            self.graph.add_edge(from, to, label);
        }
    }

    pub fn nodes(&self) -> impl Iterator<Item = &GraphNode> {
        self.graph.node_weights()
    }

    /// Edges as `(from, to, label)`, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = (&GraphNode, &GraphNode, &'static str)> {
        self.graph.edge_references().filter_map(|e| {
            Some((
                self.graph.node_weight(e.source())?,
                self.graph.node_weight(e.target())?,
                *e.weight(),
            ))
        })
    }

    /// Whether anything uses this node.
    pub fn is_used(&self, kind: NodeKind, id: &str) -> bool {
        self.find(kind, id).is_some_and(|i| {
            self.graph
                .neighbors_directed(i, Direction::Outgoing)
                .next()
                .is_some()
        })
    }

    /// What this node uses (deduplicated, in insertion order).
    pub fn used(&self, kind: NodeKind, id: &str) -> Vec<&GraphNode> {
        let mut out: Vec<&GraphNode> = Vec::new();
        if let Some(i) = self.find(kind, id) {
            let mut edges: Vec<_> = self.graph.edges_directed(i, Direction::Incoming).collect();
            edges.sort_by_key(|e| e.id());
            for e in edges {
                if let Some(n) = self.graph.node_weight(e.source())
                    && !out.contains(&n)
                {
                    out.push(n);
                }
            }
        }
        out
    }

    /// What uses this node, by id (deduplicated, in insertion order).
    pub fn users(&self, kind: NodeKind, id: &str) -> Vec<&GraphNode> {
        let mut out: Vec<&GraphNode> = Vec::new();
        if let Some(i) = self.find(kind, id) {
            let mut edges: Vec<_> = self.graph.edges_directed(i, Direction::Outgoing).collect();
            edges.sort_by_key(|e| e.id());
            for e in edges {
                if let Some(n) = self.graph.node_weight(e.target())
                    && !out.contains(&n)
                {
                    out.push(n);
                }
            }
        }
        out
    }

    /// The fact subgraph's cycles: each as the ids along it in the direction of use (`a` uses
    /// the next), starting and ending at the fact declared first (lowest `order`).
    pub(crate) fn fact_cycles(&self, order: &dyn Fn(&str) -> usize) -> Vec<Vec<String>> {
        let facts = self.fact_subgraph();
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut sccs: Vec<Vec<NodeIndex>> = Vec::new();
        crate::scc::tarjan(&facts, |c: &[NodeIndex]| {
            let cyclic = c.len() > 1 || c.first().is_some_and(|&n| facts.find_edge(n, n).is_some());
            if cyclic {
                sccs.push(c.to_vec());
            }
        });
        for scc in sccs {
            let cyclic = scc.len() > 1
                || scc
                    .first()
                    .is_some_and(|&n| facts.find_edge(n, n).is_some());
            if !cyclic {
                continue;
            }
            let Some(&start) = scc.iter().min_by_key(|&&n| {
                facts
                    .node_weight(n)
                    .map(|id| order(id))
                    .unwrap_or(usize::MAX)
            }) else {
                continue;
            };
            if let Some(path) = cycle_through(&facts, &scc, start) {
                // Edges run from the used to the user; a cycle reads best as "uses": a → b when
                // `@a` uses `@b`.
                out.push(
                    path.iter()
                        .rev()
                        .filter_map(|&n| facts.node_weight(n).cloned())
                        .collect(),
                );
            }
        }
        out.sort_by_key(|c| c.first().map(|id| order(id)).unwrap_or(usize::MAX));
        out
    }

    /// Facts in an order where every fact comes after the facts it uses; among facts free to go,
    /// the one declared first goes first. Facts on or behind a cycle are left out.
    pub(crate) fn fact_order(&self, order: &dyn Fn(&str) -> usize) -> Vec<String> {
        let facts = self.fact_subgraph();
        let mut indegree: Vec<usize> = facts
            .node_indices()
            .map(|n| facts.neighbors_directed(n, Direction::Incoming).count())
            .collect();
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<(usize, usize)>> = facts
            .node_indices()
            .filter(|n| indegree.get(n.index()) == Some(&0))
            .filter_map(|n| Some(std::cmp::Reverse((order(facts.node_weight(n)?), n.index()))))
            .collect();
        let mut out = Vec::new();
        while let Some(std::cmp::Reverse((_, i))) = ready.pop() {
            let n = NodeIndex::new(i);
            if let Some(id) = facts.node_weight(n) {
                out.push(id.clone());
            }
            for m in facts.neighbors_directed(n, Direction::Outgoing) {
                if let Some(d) = indegree.get_mut(m.index()) {
                    *d = d.saturating_sub(1);
                    if *d == 0
                        && let Some(id) = facts.node_weight(m)
                    {
                        ready.push(std::cmp::Reverse((order(id), m.index())));
                    }
                }
            }
        }
        out
    }

    /// Facts only, deduplicated edges between them (parallel edges would skew in-degrees).
    fn fact_subgraph(&self) -> DiGraph<String, ()> {
        let mut g = DiGraph::new();
        let mut map = std::collections::HashMap::new();
        for i in self.graph.node_indices() {
            if let Some(n) = self.graph.node_weight(i)
                && n.kind == NodeKind::Fact
            {
                map.insert(i, g.add_node(n.id.clone()));
            }
        }
        for e in self.graph.edge_references() {
            if let (Some(&a), Some(&b)) = (map.get(&e.source()), map.get(&e.target()))
                && g.find_edge(a, b).is_none()
            {
                g.add_edge(a, b, ());
            }
        }
        g
    }

    /// Graphviz dot.
    pub fn to_dot(&self) -> String {
        let mut s =
            String::from("digraph rules {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for n in self.nodes() {
            let (shape, style) = match n.kind {
                NodeKind::Fact => ("ellipse", ""),
                NodeKind::Param => ("note", ""),
                NodeKind::Obligation => ("box", ", style=rounded"),
            };
            s.push_str(&format!(
                "  {} [label={}, shape={shape}{style}];\n",
                dot_id(n),
                dot_quote(&display(n))
            ));
        }
        for (a, b, label) in self.edges() {
            s.push_str(&format!(
                "  {} -> {} [label={}];\n",
                dot_id(a),
                dot_id(b),
                dot_quote(label)
            ));
        }
        s.push_str("}\n");
        s
    }

    /// A Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        for n in self.nodes() {
            let label = display(n).replace('"', "#quot;");
            let shaped = match n.kind {
                NodeKind::Fact => format!("([\"{label}\"])"),
                NodeKind::Param => format!("[/\"{label}\"/]"),
                NodeKind::Obligation => format!("[\"{label}\"]"),
            };
            s.push_str(&format!("  {}{shaped}\n", mermaid_id(n)));
        }
        for (a, b, label) in self.edges() {
            s.push_str(&format!(
                "  {} -->|{label}| {}\n",
                mermaid_id(a),
                mermaid_id(b)
            ));
        }
        s
    }
}

fn display(n: &GraphNode) -> String {
    match n.kind {
        NodeKind::Fact => format!("@{}", n.id),
        NodeKind::Param => format!("${}", n.id),
        NodeKind::Obligation => n.id.clone(),
    }
}

fn prefix(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Fact => "fact",
        NodeKind::Param => "param",
        NodeKind::Obligation => "rule",
    }
}

fn dot_id(n: &GraphNode) -> String {
    dot_quote(&format!("{}:{}", prefix(n.kind), n.id))
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Mermaid ids must be plain words: keep ASCII alphanumerics, encode the rest.
fn mermaid_id(n: &GraphNode) -> String {
    let mut s = format!("{}_", prefix(n.kind));
    for c in n.id.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else {
            s.push_str(&format!("_{:x}_", c as u32));
        }
    }
    s
}

/// A path `start → … → start` inside one strongly connected component.
fn cycle_through(
    g: &DiGraph<String, ()>,
    scc: &[NodeIndex],
    start: NodeIndex,
) -> Option<Vec<NodeIndex>> {
    // Breadth-first from start's successors back to start gives a shortest cycle.
    let scc: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
    let mut prev: std::collections::HashMap<NodeIndex, NodeIndex> = Default::default();
    let mut queue = std::collections::VecDeque::new();
    let mut succ: Vec<NodeIndex> = g.neighbors_directed(start, Direction::Outgoing).collect();
    succ.sort();
    for n in succ {
        if n == start {
            return Some(vec![start, start]);
        }
        if scc.contains(&n) && !prev.contains_key(&n) {
            prev.insert(n, start);
            queue.push_back(n);
        }
    }
    while let Some(n) = queue.pop_front() {
        let mut succ: Vec<NodeIndex> = g.neighbors_directed(n, Direction::Outgoing).collect();
        succ.sort();
        for m in succ {
            if m == start {
                let mut path = vec![start, n];
                let mut cur = n;
                while let Some(&p) = prev.get(&cur) {
                    if p == start {
                        break;
                    }
                    path.push(p);
                    cur = p;
                }
                path.push(start);
                // Collected backwards from the end: start, n, …, first successor, start.
                let last = path.len() - 1;
                if let Some(middle) = path.get_mut(1..last) {
                    middle.reverse();
                }
                return Some(path);
            }
            if scc.contains(&m) && !prev.contains_key(&m) && m != start {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)]) -> RuleGraph {
        let mut g = RuleGraph::default();
        for (a, b) in edges {
            let a = g.node(NodeKind::Fact, a);
            let b = g.node(NodeKind::Fact, b);
            g.edge(a, b, "expr");
        }
        g
    }

    fn order(id: &str) -> usize {
        id.bytes().next().map(usize::from).unwrap_or(0)
    }

    #[test]
    fn names_a_cycle_from_the_first_declared_fact() {
        // a uses c, b uses a, c uses b: edges point from the used to the user.
        let g = graph(&[("c", "a"), ("a", "b"), ("b", "c"), ("d", "a")]);
        assert_eq!(g.fact_cycles(&order), vec![vec!["a", "c", "b", "a"]]);
        assert_eq!(
            graph(&[("x", "x")]).fact_cycles(&order),
            vec![vec!["x", "x"]]
        );
    }

    #[test]
    fn orders_facts_after_what_they_use_else_by_declaration() {
        let g = graph(&[("c", "a"), ("b", "a"), ("d", "c")]);
        assert_eq!(g.fact_order(&order), vec!["b", "d", "c", "a"]);
        let cyclic = graph(&[("a", "b"), ("b", "a"), ("c", "d")]);
        assert_eq!(cyclic.fact_order(&order), vec!["c", "d"]);
    }
}
