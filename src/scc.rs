//! Strongly connected components without recursion: Tarjan's algorithm with an explicit stack,
//! for every graph whose size comes from input (the links of a portfolio, the facts of a rule
//! set). petgraph's Tarjan recurses once per node on a path, so a `part_of` chain of a few
//! thousand documents overflowed the stack.

use petgraph::visit::{IntoNeighbors, IntoNodeIdentifiers, NodeIndexable};

/// Calls `f` with each strongly connected component of `g`, in the order Tarjan's algorithm
/// finds them: a component comes before every component that reaches it (sinks first). Members
/// are in the order they were first visited. Time and memory are linear in nodes plus edges;
/// the call stack stays flat whatever the graph's depth.
pub fn tarjan<G, F>(g: G, mut f: F)
where
    G: IntoNodeIdentifiers + IntoNeighbors + NodeIndexable,
    F: FnMut(&[G::NodeId]),
{
    const NEW: u32 = u32::MAX;
    let n = g.node_bound();
    // Order of first visit, and the lowest such order reachable (`NEW`: not visited yet).
    let mut index = vec![NEW; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<G::NodeId> = Vec::new();
    // The path of the depth-first search: each node with the neighbours it has yet to try.
    let mut path: Vec<(G::NodeId, G::Neighbors)> = Vec::new();
    let mut next = 0u32;
    for root in g.node_identifiers() {
        if index.get(g.to_index(root)).is_none_or(|&i| i != NEW) {
            continue;
        }
        // Visit `v`: number it and put it on the stack.
        macro_rules! enter {
            ($v:expr) => {{
                let v = $v;
                let i = g.to_index(v);
                if let (Some(x), Some(l), Some(s)) =
                    (index.get_mut(i), low.get_mut(i), on_stack.get_mut(i))
                {
                    *x = next;
                    *l = next;
                    *s = true;
                }
                next = next.saturating_add(1);
                stack.push(v);
            }};
        }
        enter!(root);
        path.push((root, g.neighbors(root)));
        while let Some((v, neighbours)) = path.last_mut() {
            let v = *v;
            let vi = g.to_index(v);
            if let Some(w) = neighbours.next() {
                let wi = g.to_index(w);
                match index.get(wi).copied() {
                    Some(NEW) => {
                        enter!(w);
                        path.push((w, g.neighbors(w)));
                    }
                    Some(wx) if on_stack.get(wi).copied().unwrap_or(false) => {
                        if let Some(l) = low.get_mut(vi) {
                            *l = (*l).min(wx);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            // Every neighbour of `v` is done: close it.
            path.pop();
            let lv = low.get(vi).copied().unwrap_or(0);
            if let Some((u, _)) = path.last()
                && let Some(l) = low.get_mut(g.to_index(*u))
            {
                *l = (*l).min(lv);
            }
            if Some(lv) == index.get(vi).copied() {
                let Some(at) = stack.iter().rposition(|&x| g.to_index(x) == vi) else {
                    continue;
                };
                for &m in stack.get(at..).unwrap_or(&[]) {
                    if let Some(s) = on_stack.get_mut(g.to_index(m)) {
                        *s = false;
                    }
                }
                f(stack.get(at..).unwrap_or(&[]));
                stack.truncate(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::{DiGraph, NodeIndex};

    fn components(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<usize>> {
        let mut g = DiGraph::<(), ()>::new();
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b) in edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), ());
        }
        let mut out = Vec::new();
        tarjan(&g, |c: &[NodeIndex]| {
            let mut c: Vec<usize> = c.iter().map(|i| i.index()).collect();
            c.sort_unstable();
            out.push(c);
        });
        out
    }

    #[test]
    fn finds_components_sinks_first_like_petgraph() {
        let edges = [
            (0, 1),
            (1, 2),
            (2, 0),
            (2, 3),
            (3, 4),
            (4, 3),
            (5, 5),
            (6, 0),
        ];
        let mine = components(7, &edges);
        assert_eq!(
            mine,
            vec![vec![3, 4], vec![0, 1, 2], vec![5], vec![6]],
            "sinks first"
        );
        let mut g = DiGraph::<(), ()>::new();
        for _ in 0..7 {
            g.add_node(());
        }
        for &(a, b) in &edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), ());
        }
        let theirs: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&g)
            .into_iter()
            .map(|c| {
                let mut c: Vec<usize> = c.iter().map(|i| i.index()).collect();
                c.sort_unstable();
                c
            })
            .collect();
        assert_eq!(mine, theirs);
    }

    #[test]
    fn a_chain_of_a_million_does_not_recurse() {
        let n = 1_000_000u32;
        let edges: Vec<(u32, u32)> = (0..n).map(|k| (k, (k + 1) % n)).collect();
        let c = components(n as usize, &edges);
        assert_eq!(c.len(), 1);
        assert_eq!(c.first().map(Vec::len), Some(n as usize));
        let edges: Vec<(u32, u32)> = (0..n - 1).map(|k| (k, k + 1)).collect();
        assert_eq!(components(n as usize, &edges).len(), n as usize);
    }
}
