//! Links within a batch that `check` judges: the graph, the propagation and the link problems of a
//! portfolio run, for documents already in memory; and the two pieces both share (what one
//! document receives, what is wrong with the links).

use super::graph::{Index, Node, Propagated};
use super::plan::Plan;
use crate::finding::{LinkProblem, Links, ReceivedNote};
use crate::input::Label;
use crate::rules::{Received, RuleSet};
use crate::schema::Document;
use jiff::civil::Date;

/// For each input, in order (`None` for one that is not a valid document, `Some((label, doc))`
/// otherwise): the values to judge it with that it receives from the others, and its [`Links`].
/// A document whose key an earlier one already has is judged alone. Nothing is received and no
/// problem found when the rule set's input format has no links.
pub fn linked(
    rules: &RuleSet,
    docs: &[Option<(&Label, &Document)>],
    as_of: Date,
) -> Vec<(Vec<Received>, Links)> {
    let mut out: Vec<(Vec<Received>, Links)> = docs.iter().map(|_| Default::default()).collect();
    let plan = Plan::new(rules);
    if plan.links.is_empty() {
        return out;
    }
    let links: Vec<Vec<(u8, Box<str>)>> = docs
        .iter()
        .map(|d| d.map(|(_, doc)| plan.links_of(doc)).unwrap_or_default())
        .collect();
    // Most batches link nothing: then there is nothing to resolve, and no reason to judge every
    // document twice.
    if links.iter().all(Vec::is_empty) {
        return out;
    }
    let mut index = Index::new(plan.stride);
    let mut nodes: Vec<Option<Node>> = vec![None; docs.len()];
    for ((i, d), links) in docs.iter().enumerate().zip(links) {
        let Some((label, doc)) = d else { continue };
        // Only the propagated facts matter here; the obligations are judged once, afterwards.
        let own = plan.own_facts(rules, doc, as_of);
        let truths = plan.truths(rules, doc, &own, &links, as_of);
        if let (Ok(n), Some(slot)) = (
            index.insert(&doc.key, label, (i, None), links, &truths),
            nodes.get_mut(i),
        ) {
            *slot = Some(n);
        }
    }
    let resolved = index.resolve();
    let propagated = index.propagate(&plan, &resolved);
    for (members, problem) in link_problems(&plan, &index, &resolved) {
        for m in members {
            if let Some((_, l)) = out.get_mut(index.unit(m)) {
                l.problems.push(problem.clone());
            }
        }
    }
    for (slot, node) in out.iter_mut().zip(&nodes) {
        if let Some(n) = node {
            let (received, notes) = received_by(&plan, &index, &propagated, *n);
            slot.0 = received;
            slot.1.received = notes;
        }
    }
    out
}

/// What `node` receives that changes its facts: the values to evaluate it with, and a note on
/// where each came from.
pub(crate) fn received_by(
    plan: &Plan,
    index: &Index,
    propagated: &Propagated,
    node: Node,
) -> (Vec<Received>, Vec<ReceivedNote>) {
    let mut received = Vec::new();
    let mut notes = Vec::new();
    for n in propagated.received_by(node) {
        let Some(s) = plan.strata.get(n.stratum) else {
            continue;
        };
        received.push(Received {
            fact: s.fact,
            value: n.value,
        });
        let along = plan
            .links
            .get(n.along as usize)
            .map(|l| l.name.clone())
            .unwrap_or_default();
        let title = s
            .edges
            .iter()
            .find(|(f, _, _)| *f == n.along as usize)
            .map(|(_, _, t)| t.clone())
            .unwrap_or_default();
        notes.push(ReceivedNote {
            fact: s.id.clone(),
            title,
            value: n.value,
            via: index.key(n.via).to_string(),
            along,
            origin: n.origin.map(|o| index.key(o).to_string()),
        });
    }
    (received, notes)
}

/// Every problem with the links of a resolved batch, with the documents it concerns: a link that
/// names no document (its one document), a cycle of one link field (every document on it).
pub(crate) fn link_problems(
    plan: &Plan,
    index: &Index,
    resolved: &[Option<Node>],
) -> Vec<(Vec<Node>, LinkProblem)> {
    let field_name = |f: u8| {
        plan.links
            .get(f as usize)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    };
    let mut out: Vec<(Vec<Node>, LinkProblem)> = index
        .dangling(resolved)
        .map(|(n, f, target)| {
            (
                vec![n],
                LinkProblem::Dangling {
                    field: field_name(f),
                    target: target.to_string(),
                },
            )
        })
        .collect();
    // A cycle is shown whole once, at its first document; the others point to it, so the output
    // stays linear in the cycle's length.
    for (f, path, members) in index.cycles(plan.links.len(), resolved) {
        let Some(&first) = path.first() else { continue };
        let count = members.len();
        let rest: Vec<Node> = members.into_iter().filter(|&m| m != first).collect();
        let keys = path.iter().map(|&n| index.key(n).to_string()).collect();
        out.push((
            vec![first],
            LinkProblem::Cycle {
                field: field_name(f),
                path: keys,
            },
        ));
        if !rest.is_empty() {
            out.push((
                rest,
                LinkProblem::OnCycle {
                    field: field_name(f),
                    start: index.key(first).to_string(),
                    members: count,
                },
            ));
        }
    }
    out
}
