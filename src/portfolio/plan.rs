//! What a portfolio run reads from each document beyond its evaluation, decided once from the
//! rule set: the link fields (from the input schema), the group and title fields (from
//! `[ruleset.report]`), and the propagated facts in evaluation order ("strata"), each with the
//! table of values it needs from pass 1.

use crate::finding::Tri;
use crate::rules::{Direction, FactIndex, FieldPath, Received, RuleSet, is_link};
use crate::schema::Document;
use crate::text::Text;
use crate::value::Value;
use jiff::civil::Date;

/// A root field naming other documents.
#[derive(Debug, Clone)]
pub(crate) struct LinkField {
    pub slot: usize,
    pub name: String,
}

/// One propagated fact: every declaration of it, and the earlier propagated facts it uses.
#[derive(Debug, Clone)]
pub(crate) struct Stratum {
    pub fact: FactIndex,
    pub id: String,
    /// (link field index, direction, what it means).
    pub edges: Vec<(usize, Direction, Text)>,
    /// Earlier strata whose facts this fact uses.
    pub deps: Vec<usize>,
    /// Where this stratum's values start in a document's truth table.
    pub offset: usize,
    /// `3^deps.len()`: one value per combination of values the deps can receive.
    pub size: usize,
    /// Position of the fact in [`Evaluation::facts`] (declared order).
    pub declared: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub links: Vec<LinkField>,
    pub strata: Vec<Stratum>,
    /// Bytes of a document's truth table.
    pub stride: usize,
    pub title: Option<FieldPath>,
    pub groups: Vec<FieldPath>,
}

/// Truth values as stored in tables: the same digits as a received state.
pub(crate) fn tri_byte(t: Tri) -> u8 {
    match t {
        Tri::No => 0,
        Tri::Yes => 1,
        Tri::Unknown => 2,
    }
}

pub(crate) fn byte_tri(b: u8) -> Tri {
    match b {
        0 => Tri::No,
        1 => Tri::Yes,
        _ => Tri::Unknown,
    }
}

impl Plan {
    pub fn new(rules: &RuleSet) -> Plan {
        let root = rules.schema().root_type();
        let links: Vec<LinkField> = root
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| is_link(&f.ty))
            .map(|(slot, f)| LinkField {
                slot,
                name: f.name.clone(),
            })
            .collect();
        let mut strata: Vec<Stratum> = Vec::new();
        let declared: Vec<&str> = rules.facts().map(|f| f.id.as_str()).collect();
        for p in rules.propagations() {
            let Some(link) = links.iter().position(|l| l.slot == p.field) else {
                continue;
            };
            let edge = (link, p.direction, p.title.clone());
            match strata.iter_mut().find(|s| s.fact == p.fact_index) {
                Some(s) => s.edges.push(edge),
                None => strata.push(Stratum {
                    fact: p.fact_index,
                    id: p.fact.clone(),
                    edges: vec![edge],
                    deps: Vec::new(),
                    offset: 0,
                    size: 1,
                    declared: declared.iter().position(|d| *d == p.fact).unwrap_or(0),
                }),
            }
        }
        // Evaluation order: a fact after every fact it uses.
        strata.sort_by_key(|s| s.fact);
        let facts: Vec<FactIndex> = strata.iter().map(|s| s.fact).collect();
        let mut offset = 0;
        for (j, s) in strata.iter_mut().enumerate() {
            s.deps = (0..j)
                .filter(|&i| facts.get(i).is_some_and(|&f| rules.fact_uses(s.fact, f)))
                .collect();
            // INVARIANT: the loader allows at most three propagated facts under one.
            s.size = 3usize.pow(s.deps.len().min(3) as u32);
            s.offset = offset;
            offset += s.size;
        }
        let spec = rules.report_spec();
        Plan {
            links,
            strata,
            stride: offset,
            title: spec.title.clone(),
            groups: spec.groups.iter().map(|g| g.path.clone()).collect(),
        }
    }

    /// The document's links: (link field index, key named).
    pub fn links_of(&self, doc: &Document) -> Vec<(u8, Box<str>)> {
        let mut out = Vec::new();
        let slots = doc.slots();
        for (i, l) in self.links.iter().enumerate() {
            let Some(node) = slots.get(l.slot).and_then(Option::as_ref) else {
                continue;
            };
            let field = u8::try_from(i).unwrap_or(u8::MAX);
            match &node.value {
                Value::Str(s) => out.push((field, Box::from(doc.tree.text(*s)))),
                Value::List(items) => {
                    for item in doc.tree.items(*items) {
                        if let Value::Str(s) = &item.value {
                            out.push((field, Box::from(doc.tree.text(*s))));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Whether a document with these links can receive stratum `i`'s fact: from anywhere when it
    /// travels to link targets, else only along its own links.
    fn can_receive(&self, i: usize, links: &[(u8, Box<str>)]) -> bool {
        let Some(s) = self.strata.get(i) else {
            return false;
        };
        s.edges.iter().any(|(field, dir, _)| match dir {
            Direction::ToTarget => true,
            Direction::FromTarget => links.iter().any(|(f, _)| *f as usize == *field),
        })
    }

    /// A document's own value of each stratum's fact, from the truths of its facts in declared
    /// order ([`crate::eval::Counts::facts`]).
    pub fn own(&self, facts: &[Tri]) -> Vec<Tri> {
        self.strata
            .iter()
            .map(|s| facts.get(s.declared).copied().unwrap_or(Tri::Unknown))
            .collect()
    }

    /// A document's own value of each stratum's fact, computing the facts only (no obligations).
    pub fn own_facts(&self, rules: &RuleSet, doc: &Document, as_of: Date) -> Vec<Tri> {
        let facts: Vec<FactIndex> = self.strata.iter().map(|s| s.fact).collect();
        let mut out = Vec::with_capacity(facts.len());
        rules.fact_truths(doc, as_of, &[], &facts, &mut out);
        out
    }

    /// A document's truth table: for each stratum, its own value of the fact (`own`, by stratum,
    /// from [`Plan::own`] or [`Plan::own_facts`]) and its value for every combination of values
    /// the facts it uses can receive.
    pub fn truths(
        &self,
        rules: &RuleSet,
        doc: &Document,
        own: &[Tri],
        links: &[(u8, Box<str>)],
        as_of: Date,
    ) -> Vec<u8> {
        let mut table = vec![0u8; self.stride];
        let mut out = Vec::new();
        for (j, s) in self.strata.iter().enumerate() {
            let own = tri_byte(own.get(j).copied().unwrap_or(Tri::Unknown));
            for c in 0..s.size {
                let mut received = Vec::new();
                let mut possible = true;
                let mut rest = c;
                for &dep in &s.deps {
                    let state = rest % 3;
                    rest /= 3;
                    if state == 0 {
                        continue;
                    }
                    if !self.can_receive(dep, links) {
                        possible = false;
                        break;
                    }
                    if let Some(d) = self.strata.get(dep) {
                        received.push(Received {
                            fact: d.fact,
                            value: byte_tri(state as u8),
                        });
                    }
                }
                let value = if c == 0 || !possible {
                    own
                } else {
                    out.clear();
                    rules.fact_truths(doc, as_of, &received, &[s.fact], &mut out);
                    out.first().map(|t| tri_byte(*t)).unwrap_or(own)
                };
                if let Some(slot) = table.get_mut(s.offset + c) {
                    *slot = value;
                }
            }
        }
        table
    }
}
