//! The link graph of a portfolio: every valid document by key ([`Index`]), its links to other
//! documents, and what follows from them — links that name no document, cycles, and the
//! propagation of bool facts to a fixpoint.
//!
//! Propagation resolves one propagated fact at a time, in the rule set's fact order, so a fact
//! that uses another sees the other's final values. For one fact, values flow along the link
//! fields it is declared for; the strongly connected components of that flow (Tarjan's, without
//! recursion: [`crate::scc`]) are visited in topological order, each taking the Kleene `or` of its members' own values and of
//! what flows in: linear in documents plus links, whatever the cycles.
//!
//! **Invariant:** keys are kept once, in one arena; the index costs a few dozen bytes per
//! document, which is all of a portfolio that grows with the batch when only aggregates are kept.

#[cfg(test)]
use super::plan::tri_byte;
use super::plan::{Plan, byte_tri};
use crate::finding::Tri;
use crate::input::Label;
use crate::rules::Direction;
use petgraph::Direction::Incoming;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// A node of the index: a valid document, numbered in input order.
pub type Node = u32;

/// Hashes a `u64` that is already a hash.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A key's hash in the index: computed where documents are judged, on every core, so that
/// [`Index::insert_hashed`] (in input order, on one) does not.
pub(crate) fn hash_key(key: &str) -> u64 {
    // Fixed keys: the index is rebuilt every run and never shared, and a collision only costs a
    // lookup in the fallback map.
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Every valid document by key, with its links and the truth table of its propagated facts.
#[derive(Debug, Default)]
pub struct Index {
    arena: String,
    ends: Vec<u32>,
    /// Each node's input label (`path:LINE`), for messages that name the first of two: the
    /// path, kept once per file, and the line.
    paths: Vec<Arc<str>>,
    labels: Vec<(u32, u32)>,
    by_hash: HashMap<u64, Node, BuildHasherDefault<Identity>>,
    /// Keys whose hash another key already has.
    collisions: HashMap<Box<str>, Node>,
    /// The input ordinal of each node.
    units: Vec<u32>,
    /// Where each node's line starts in its JSONL file ([`Index::NO_OFFSET`]: not a line).
    offsets: Vec<u64>,
    /// Per node, where its links start in `links` (they end where the next node's start).
    link_start: Vec<u32>,
    links: Vec<(u8, Box<str>)>,
    truths: Vec<u8>,
    stride: usize,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity")
    }
}

impl Index {
    /// In `offsets`: the node is not a line of a JSONL file.
    pub const NO_OFFSET: u64 = u64::MAX;

    pub fn new(stride: usize) -> Index {
        Index {
            stride,
            ..Index::default()
        }
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn key(&self, n: Node) -> &str {
        let i = n as usize;
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0) as usize
        };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.arena.get(start..end).unwrap_or_default()
    }

    pub fn label(&self, n: Node) -> String {
        let Some(&(path, line)) = self.labels.get(n as usize) else {
            return String::new();
        };
        let path = self.paths.get(path as usize).map_or("", |p| &**p);
        if line == u32::MAX {
            path.to_string()
        } else {
            format!("{path}:{line}")
        }
    }

    /// Keeps a label as a path (shared with the previous node's when the same) and a line.
    fn push_label(&mut self, label: &Label) {
        let path = label.path();
        if self
            .paths
            .last()
            .is_none_or(|p| !Arc::ptr_eq(p, path) && p != path)
        {
            self.paths.push(Arc::clone(path));
        }
        let id = u32::try_from(self.paths.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let line = label
            .line_no()
            .map_or(u32::MAX, |l| u32::try_from(l).unwrap_or(u32::MAX));
        self.labels.push((id, line));
    }

    /// Where a node's line starts in its JSONL file, when it is one.
    pub fn offset(&self, n: Node) -> Option<u64> {
        self.offsets
            .get(n as usize)
            .copied()
            .filter(|&o| o != Index::NO_OFFSET)
    }

    /// The line number in a node's label (`path:LINE`), when it has one.
    pub fn line(&self, n: Node) -> Option<usize> {
        self.labels
            .get(n as usize)
            .map(|&(_, line)| line)
            .filter(|&l| l != u32::MAX)
            .map(|l| l as usize)
    }

    /// The input ordinal of a node.
    pub fn unit(&self, n: Node) -> usize {
        self.units.get(n as usize).copied().unwrap_or(0) as usize
    }

    pub fn get(&self, key: &str) -> Option<Node> {
        let n = *self.by_hash.get(&hash_key(key))?;
        if self.key(n) == key {
            Some(n)
        } else {
            self.collisions.get(key).copied()
        }
    }

    /// Adds a document; `Err` with the first node when the key is taken.
    pub fn insert(
        &mut self,
        key: &str,
        label: &Label,
        at: (usize, Option<u64>),
        links: Vec<(u8, Box<str>)>,
        truths: &[u8],
    ) -> Result<Node, Node> {
        self.insert_hashed(key, hash_key(key), label, at, links, truths)
    }

    /// [`Index::insert`], with the key's hash computed already: `hash` must be
    /// [`hash_key`]`(key)`.
    pub(crate) fn insert_hashed(
        &mut self,
        key: &str,
        hash: u64,
        label: &Label,
        (unit, offset): (usize, Option<u64>),
        links: Vec<(u8, Box<str>)>,
        truths: &[u8],
    ) -> Result<Node, Node> {
        debug_assert_eq!(hash, hash_key(key));
        let next = u32::try_from(self.units.len()).unwrap_or(u32::MAX);
        match self.by_hash.entry(hash) {
            Entry::Vacant(v) => {
                v.insert(next);
            }
            Entry::Occupied(o) => {
                let first = *o.get();
                if self.key(first) == key {
                    return Err(first);
                }
                match self.collisions.entry(key.into()) {
                    Entry::Occupied(c) => return Err(*c.get()),
                    Entry::Vacant(c) => {
                        c.insert(next);
                    }
                }
            }
        }
        self.push_label(label);
        self.arena.push_str(key);
        self.ends
            .push(u32::try_from(self.arena.len()).unwrap_or(u32::MAX));
        self.units.push(u32::try_from(unit).unwrap_or(u32::MAX));
        self.offsets.push(offset.unwrap_or(Index::NO_OFFSET));
        self.link_start
            .push(u32::try_from(self.links.len()).unwrap_or(u32::MAX));
        self.links.extend(links);
        // Exactly `stride` bytes per node, however many the table has.
        let t = truths.get(..self.stride).unwrap_or(truths);
        self.truths.extend_from_slice(t);
        self.truths
            .resize(self.truths.len() + (self.stride - t.len()), 0);
        Ok(next)
    }

    /// The links of a node: (link field index, key named).
    pub fn links(&self, n: Node) -> &[(u8, Box<str>)] {
        let i = n as usize;
        let start = self.link_start.get(i).copied().unwrap_or(0) as usize;
        let end = self
            .link_start
            .get(i + 1)
            .map(|&e| e as usize)
            .unwrap_or(self.links.len());
        self.links.get(start..end).unwrap_or(&[])
    }

    pub fn link_count(&self) -> usize {
        self.links.len()
    }

    fn truth(&self, n: Node, at: usize) -> u8 {
        self.truths
            .get(n as usize * self.stride + at)
            .copied()
            .unwrap_or(2)
    }

    /// Every link resolved: per link (in the order of `links`), the node it names.
    pub fn resolve(&self) -> Vec<Option<Node>> {
        // Lookups in a table that outgrows the caches at a million documents: on every core, in
        // order.
        self.links.par_iter().map(|(_, k)| self.get(k)).collect()
    }

    /// Resolved links with their source: (from, field, to).
    fn edges<'a>(
        &'a self,
        resolved: &'a [Option<Node>],
    ) -> impl Iterator<Item = (Node, u8, Option<Node>, &'a str)> + 'a {
        (0..self.len()).flat_map(move |n| {
            let n = n as Node;
            let start = self.link_start.get(n as usize).copied().unwrap_or(0) as usize;
            self.links(n)
                .iter()
                .enumerate()
                .map(move |(i, (f, k))| (n, *f, resolved.get(start + i).copied().flatten(), &**k))
        })
    }

    /// Links that name no document: (from, field index, key named).
    pub fn dangling<'a>(
        &'a self,
        resolved: &'a [Option<Node>],
    ) -> impl Iterator<Item = (Node, u8, &'a str)> + 'a {
        self.edges(resolved)
            .filter(|(_, _, to, _)| to.is_none())
            .map(|(n, f, _, k)| (n, f, k))
    }

    /// Cycles of each link field: (field index, one cycle through the component's first member,
    /// every member of the component). Components with a single member count only with a link
    /// to itself.
    pub fn cycles(
        &self,
        fields: usize,
        resolved: &[Option<Node>],
    ) -> Vec<(u8, Vec<Node>, Vec<Node>)> {
        let mut out = Vec::new();
        for field in 0..fields {
            let field = u8::try_from(field).unwrap_or(u8::MAX);
            let edges: Vec<(Node, Node, u8)> = self
                .edges(resolved)
                .filter(|(_, f, _, _)| *f == field)
                .filter_map(|(n, f, to, _)| Some((n, to?, f)))
                .collect();
            if edges.is_empty() {
                continue;
            }
            let sub = Sub::new(self.len(), edges.iter().copied());
            // Components are handed over one at a time, not collected: almost all are single
            // documents on no cycle, and a vector each cost more than finding them.
            crate::scc::tarjan(&sub.graph, |comp: &[NodeIndex]| {
                let cyclic = match comp {
                    [i] => sub.graph.find_edge(*i, *i).is_some(),
                    _ => true,
                };
                if cyclic {
                    let mut members: Vec<Node> = comp.iter().map(|&i| sub.node(i)).collect();
                    members.sort_unstable();
                    out.push((field, sub.cycle_through(comp), members));
                }
            });
        }
        out
    }

    /// Every propagated fact resolved over the graph.
    pub fn propagate(&self, plan: &Plan, resolved: &[Option<Node>]) -> Propagated {
        let n = self.len();
        let mut result = Propagated {
            received: Vec::new(),
            notes: Vec::new(),
            own: Vec::new(),
        };
        for (j, s) in plan.strata.iter().enumerate() {
            // Each document's own value, given what the facts this one uses have received.
            let own: Vec<u8> = (0..n)
                .map(|d| {
                    let mut combo = 0;
                    let mut place = 1;
                    for &dep in &s.deps {
                        let state = result
                            .received
                            .get(dep)
                            .and_then(|r: &Vec<u8>| r.get(d))
                            .copied()
                            .unwrap_or(0);
                        combo += state as usize * place;
                        place *= 3;
                    }
                    self.truth(d as Node, s.offset + combo.min(s.size.saturating_sub(1)))
                })
                .collect();
            // Flow: (from, to, link field).
            let mut flow: Vec<(Node, Node, u8)> = Vec::new();
            for (from, field, to, _) in self.edges(resolved) {
                let Some(to) = to else { continue };
                for (f, dir, _) in &s.edges {
                    if *f != field as usize {
                        continue;
                    }
                    match dir {
                        Direction::ToTarget => flow.push((from, to, field)),
                        Direction::FromTarget => flow.push((to, from, field)),
                    }
                }
            }
            let mut received = vec![0u8; n];
            if !flow.is_empty() {
                let sub = Sub::new(n, flow.iter().copied());
                // The components, in one vector: component `c` is `flat[starts[c]..starts[c + 1]]`
                // (most are single documents, and a vector each cost more than finding them).
                let mut flat: Vec<NodeIndex> = Vec::with_capacity(sub.graph.node_count());
                let mut starts: Vec<usize> = vec![0];
                let mut comp_of = vec![usize::MAX; sub.graph.node_count()];
                crate::scc::tarjan(&sub.graph, |comp: &[NodeIndex]| {
                    let c = starts.len() - 1;
                    for &i in comp {
                        if let Some(x) = comp_of.get_mut(i.index()) {
                            *x = c;
                        }
                    }
                    flat.extend_from_slice(comp);
                    starts.push(flat.len());
                });
                let count = starts.len() - 1;
                let mut fin = vec![0u8; count];
                let mut origin = vec![Node::MAX; count];
                let mut members: Vec<Node> = Vec::new();
                let mut preds: Vec<(Node, usize)> = Vec::new();
                // Tarjan yields components sinks first: walk them sources first.
                for c in (0..count).rev() {
                    let (Some(&from), Some(&to)) = (starts.get(c), starts.get(c + 1)) else {
                        continue;
                    };
                    let Some(comp) = flat.get(from..to) else {
                        continue;
                    };
                    members.clear();
                    members.extend(comp.iter().map(|&i| sub.node(i)));
                    members.sort_unstable();
                    let mut v = members.iter().fold(0u8, |acc, &m| {
                        or(acc, own.get(m as usize).copied().unwrap_or(2))
                    });
                    preds.clear();
                    for &i in comp {
                        for p in sub.graph.neighbors_directed(i, Incoming) {
                            let pc = comp_of.get(p.index()).copied().unwrap_or(usize::MAX);
                            if pc != c {
                                v = or(v, fin.get(pc).copied().unwrap_or(0));
                                preds.push((sub.node(p), pc));
                            }
                        }
                    }
                    preds.sort_unstable();
                    let mine = members
                        .iter()
                        .copied()
                        .find(|&m| own.get(m as usize).copied() == Some(v));
                    let o = mine.or_else(|| {
                        preds
                            .iter()
                            .find(|(_, pc)| fin.get(*pc).copied() == Some(v))
                            .and_then(|(_, pc)| origin.get(*pc).copied())
                    });
                    if let Some(x) = fin.get_mut(c) {
                        *x = v;
                    }
                    if let (Some(x), Some(o)) = (origin.get_mut(c), o) {
                        *x = o;
                    }
                }
                // What each document receives: the `or` of what flows into it.
                let mut incoming: Vec<(Node, u8)> = Vec::new();
                for (d, r) in received.iter_mut().enumerate() {
                    let Some(i) = sub.index(d as Node) else {
                        continue;
                    };
                    incoming.clear();
                    incoming.extend(sub.graph.edges_directed(i, Incoming).map(|e| {
                        let p = petgraph::visit::EdgeRef::source(&e);
                        (sub.node(p), *e.weight())
                    }));
                    incoming.sort_unstable();
                    let value_of = |p: Node| {
                        sub.index(p)
                            .and_then(|pi| comp_of.get(pi.index()))
                            .and_then(|&pc| fin.get(pc))
                            .copied()
                            .unwrap_or(0)
                    };
                    *r = incoming
                        .iter()
                        .fold(0u8, |acc, &(p, _)| or(acc, value_of(p)));
                    let mine = own.get(d).copied().unwrap_or(2);
                    let changes = (*r == 1 && mine != 1) || (*r == 2 && mine == 0);
                    if !changes {
                        continue;
                    }
                    // Name the first linked document (in input order) that gave the value.
                    if let Some(&(via, along)) = incoming.iter().find(|&&(p, _)| value_of(p) == *r)
                    {
                        let origin = sub
                            .index(via)
                            .and_then(|vi| comp_of.get(vi.index()))
                            .and_then(|&vc| origin.get(vc))
                            .copied()
                            .filter(|&o| o != via && o != d as Node);
                        result.notes.push(Note {
                            node: d as Node,
                            stratum: j,
                            value: byte_tri(*r),
                            via,
                            along,
                            origin,
                        });
                    }
                }
            }
            result.received.push(received);
            result.own.push(own);
        }
        result.notes.sort_by_key(|n| (n.node, n.stratum));
        result
    }
}

/// Kleene `or` on stored truth values (0 no, 1 yes, 2 unknown).
fn or(a: u8, b: u8) -> u8 {
    match (a, b) {
        (1, _) | (_, 1) => 1,
        (2, _) | (_, 2) => 2,
        _ => 0,
    }
}

/// A value a document received that changes its fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub node: Node,
    /// Index of the propagated fact in the plan's strata.
    pub stratum: usize,
    pub value: Tri,
    /// The linked document it came from directly, and along which link field.
    pub via: Node,
    pub along: u8,
    /// The document whose own value it was, when that is neither `via` nor this one.
    pub origin: Option<Node>,
}

/// Propagation's result.
#[derive(Debug, Clone, Default)]
pub struct Propagated {
    /// Per stratum, per node: what it received (0 nothing/no, 1 yes, 2 unknown).
    pub received: Vec<Vec<u8>>,
    /// Per stratum, per node: its own value, given what the facts it uses received.
    pub own: Vec<Vec<u8>>,
    /// Values that change a document's fact, by node then stratum.
    pub notes: Vec<Note>,
}

impl Propagated {
    /// Documents that received something that changes a fact, in order, each once.
    pub fn changed(&self) -> Vec<Node> {
        let mut v: Vec<Node> = self.notes.iter().map(|n| n.node).collect();
        v.dedup();
        v
    }

    /// The values a node receives that change its facts: (stratum, value).
    pub fn received_by(&self, node: Node) -> impl Iterator<Item = &Note> {
        let start = self.notes.partition_point(|n| n.node < node);
        self.notes
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |n| n.node == node)
    }
}

/// A graph over the nodes some edges touch, so a portfolio with few links costs little.
struct Sub {
    graph: DiGraph<Node, u8>,
    /// Node → graph index (`u32::MAX` for nodes no edge touches).
    index: Vec<u32>,
}

impl Sub {
    /// Edges (from, to, link field).
    fn new(n: usize, edges: impl Iterator<Item = (Node, Node, u8)>) -> Sub {
        let mut s = Sub {
            graph: DiGraph::new(),
            index: vec![u32::MAX; n],
        };
        for (a, b, f) in edges {
            let (ia, ib) = (s.add(a), s.add(b));
            s.graph.add_edge(ia, ib, f);
        }
        s
    }

    fn add(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index(n) {
            return i;
        }
        let i = self.graph.add_node(n);
        if let Some(x) = self.index.get_mut(n as usize) {
            *x = i.index() as u32;
        }
        i
    }

    fn index(&self, n: Node) -> Option<NodeIndex> {
        let i = *self.index.get(n as usize)?;
        (i != u32::MAX).then(|| NodeIndex::new(i as usize))
    }

    fn node(&self, i: NodeIndex) -> Node {
        self.graph.node_weight(i).copied().unwrap_or(Node::MAX)
    }

    /// The shortest cycle through the component's first member (in input order), as nodes from
    /// it back to it.
    fn cycle_through(&self, comp: &[NodeIndex]) -> Vec<Node> {
        let Some(&start) = comp.iter().min_by_key(|&&i| self.node(i)) else {
            return Vec::new();
        };
        let inside: std::collections::HashSet<NodeIndex> = comp.iter().copied().collect();
        let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut end = None;
        'search: while let Some(i) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = self
                .graph
                .neighbors(i)
                .filter(|j| inside.contains(j))
                .collect();
            next.sort_by_key(|&j| self.node(j));
            for j in next {
                if j == start {
                    end = Some(i);
                    break 'search;
                }
                if let Entry::Vacant(v) = prev.entry(j) {
                    v.insert(i);
                    queue.push_back(j);
                }
            }
        }
        let mut path = vec![self.node(start)];
        let mut back = Vec::new();
        let mut at = end;
        while let Some(i) = at {
            if i == start {
                break;
            }
            back.push(self.node(i));
            at = prev.get(&i).copied();
        }
        back.reverse();
        path.extend(back);
        path.push(self.node(start));
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(keys: &[&str], links: &[(&str, u8, &str)]) -> Index {
        let mut ix = Index::new(0);
        for (i, k) in keys.iter().enumerate() {
            let l = links
                .iter()
                .filter(|(from, _, _)| from == k)
                .map(|(_, f, to)| (*f, Box::<str>::from(*to)))
                .collect();
            assert!(
                ix.insert(k, &Label::line(&"b.jsonl".into(), i), (i, None), l, &[])
                    .is_ok()
            );
        }
        ix
    }

    #[test]
    fn keys_are_found_and_duplicates_refused() {
        let mut ix = index(&["A", "B", "C"], &[]);
        assert_eq!(ix.get("B"), Some(1));
        assert_eq!(ix.get("D"), None);
        assert_eq!(ix.key(2), "C");
        assert_eq!(
            ix.insert("A", &Label::file("x"), (9, None), Vec::new(), &[]),
            Err(0)
        );
        assert_eq!(ix.label(1), "b.jsonl:1");
        assert_eq!(ix.len(), 3);
    }

    #[test]
    fn cycles_are_found_per_field_with_a_path() {
        let ix = index(
            &["A", "B", "C", "D", "E"],
            &[
                ("A", 0, "B"),
                ("B", 0, "C"),
                ("C", 0, "A"),
                ("D", 0, "D"),
                ("E", 1, "A"),
                ("A", 1, "E"),
                ("E", 0, "X"),
            ],
        );
        let r = ix.resolve();
        let mut cycles = ix.cycles(2, &r);
        cycles.sort();
        assert_eq!(
            cycles,
            [
                (0, vec![0, 1, 2, 0], vec![0, 1, 2]),
                (0, vec![3, 3], vec![3]),
                (1, vec![0, 4, 0], vec![0, 4]),
            ]
        );
        let dangling: Vec<_> = ix.dangling(&r).collect();
        assert_eq!(dangling, [(4, 0, "X")]);
    }

    /// A `part_of` chain and a cycle of a million documents: every walk of the graph (cycles,
    /// propagation) runs without recursion, where petgraph's Tarjan overflowed the stack at a
    /// few thousand.
    #[test]
    fn a_million_long_chain_and_cycle_are_walked_without_recursion() {
        let rules = match crate::rules::RuleSet::load(&crate::files::RuleFiles::embedded(), &[]) {
            Ok(r) => r,
            Err(_) => panic!("embedded rules load"),
        };
        let plan = Plan::new(&rules);
        let field = plan
            .links
            .iter()
            .position(|l| l.name == "part_of")
            .and_then(|f| u8::try_from(f).ok())
            .unwrap_or(0);
        let n = 1_000_000usize;
        for cycle in [false, true] {
            let mut ix = Index::new(plan.stride);
            let path: std::sync::Arc<str> = "big.jsonl".into();
            let truths = vec![1u8; plan.stride];
            for k in 0..n {
                let to = if cycle { (k + 1) % n } else { k + 1 };
                let links = if cycle || k + 1 < n {
                    vec![(field, format!("C-{to}").into_boxed_str())]
                } else {
                    Vec::new()
                };
                let key = format!("C-{k}");
                assert!(
                    ix.insert(&key, &Label::line(&path, k + 1), (k, None), links, &truths)
                        .is_ok()
                );
            }
            let r = ix.resolve();
            let cycles = ix.cycles(plan.links.len(), &r);
            if cycle {
                assert_eq!(cycles.len(), 1);
                let (_, path, members) = &cycles[0];
                assert_eq!(members.len(), n);
                assert_eq!(path.len(), n + 1);
                assert_eq!(path.first(), path.last());
            } else {
                assert!(cycles.is_empty());
            }
            let p = ix.propagate(&plan, &r);
            assert_eq!(p.received.len(), plan.strata.len());
        }
    }

    #[test]
    fn kleene_or() {
        assert_eq!(or(0, 0), 0);
        assert_eq!(or(0, 2), 2);
        assert_eq!(or(2, 1), 1);
        assert_eq!(tri_byte(byte_tri(2)), 2);
    }
}
