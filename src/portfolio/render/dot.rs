//! The portfolio's link graph for Graphviz (DOT) and Mermaid: one node per input, coloured by its
//! [`Grade`], one edge per link (labelled with its field), and a dashed node for every key a link
//! names that is no valid document of the batch.

use super::{Meta, grade_word};
use crate::portfolio::{Grade, Portfolio, Row};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Fill and text colours per grade.
fn colours(g: Grade) -> (&'static str, &'static str) {
    match g {
        Grade::ViolatedMust => ("#c0392b", "#ffffff"),
        Grade::ViolatedShould => ("#e67e22", "#ffffff"),
        Grade::Pending => ("#f1c40f", "#222222"),
        Grade::Unknown => ("#bdc3c7", "#222222"),
        Grade::Ok => ("#2e8b57", "#ffffff"),
        Grade::Invalid => ("#34495e", "#ffffff"),
    }
}

/// What to draw: nodes in input order, edges, and missing targets.
struct Drawing<'a> {
    rows: Vec<(usize, &'a Row)>,
    /// (from row, field, to: row or missing key).
    edges: Vec<(usize, &'a str, Target<'a>)>,
    missing: Vec<&'a str>,
    fields: Vec<&'a str>,
}

enum Target<'a> {
    Row(usize),
    Missing(&'a str),
}

impl<'a> Drawing<'a> {
    fn new(p: &'a Portfolio, linked_only: bool) -> Drawing<'a> {
        let by_key: HashMap<&str, usize> = p
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.judged().is_some())
            .filter_map(|(i, r)| Some((r.key.as_deref()?, i)))
            .collect();
        let mut edges = Vec::new();
        let mut missing: BTreeMap<&str, ()> = BTreeMap::new();
        let mut fields: Vec<&str> = Vec::new();
        let mut linked = vec![false; p.rows.len()];
        for (i, r) in p.rows.iter().enumerate() {
            let Some(j) = r.judged() else { continue };
            for (field, key) in &j.links {
                if !fields.contains(&field.as_str()) {
                    fields.push(field);
                }
                let to = match by_key.get(key.as_str()) {
                    Some(&t) => {
                        if let Some(x) = linked.get_mut(t) {
                            *x = true;
                        }
                        Target::Row(t)
                    }
                    None => {
                        missing.insert(key, ());
                        Target::Missing(key)
                    }
                };
                if let Some(x) = linked.get_mut(i) {
                    *x = true;
                }
                edges.push((i, field.as_str(), to));
            }
        }
        let rows = p
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !linked_only || linked.get(*i).copied().unwrap_or(false))
            .collect();
        Drawing {
            rows,
            edges,
            missing: missing.into_keys().collect(),
            fields,
        }
    }

    fn style(&self, field: &str) -> usize {
        self.fields.iter().position(|f| *f == field).unwrap_or(0)
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn dot(meta: &Meta, p: &Portfolio, linked_only: bool) -> String {
    let lang = meta.lang();
    let d = Drawing::new(p, linked_only);
    let mut s = String::from(
        "digraph portfolio {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n",
    );
    for (i, r) in &d.rows {
        let g = r.grade();
        let (fill, font) = colours(g);
        let mut label = r.name().to_string();
        if let Some(t) = &r.title {
            label.push_str("\\n");
            label.push_str(&short(t, 40).replace('\\', "/"));
        }
        let _ = writeln!(
            s,
            "  n{i} [label={}, fillcolor=\"{fill}\", fontcolor=\"{font}\", tooltip={}];",
            dot_str(&label).replace("\\\\n", "\\n"),
            dot_str(grade_word(lang, g))
        );
    }
    for (k, key) in d.missing.iter().enumerate() {
        let _ = writeln!(
            s,
            "  m{k} [label={}, style=\"dashed\", fillcolor=\"#ffffff\", fontcolor=\"#555555\"];",
            dot_str(&format!(
                "{key}\\n({})",
                crate::text::pick(lang, "finnes ikke", "finst ikkje", "missing")
            ))
            .replace("\\\\n", "\\n")
        );
    }
    for (from, field, to) in &d.edges {
        let to = match to {
            Target::Row(t) => format!("n{t}"),
            Target::Missing(k) => {
                format!("m{}", d.missing.iter().position(|m| m == k).unwrap_or(0))
            }
        };
        let style = ["solid", "dashed", "dotted"]
            .get(d.style(field) % 3)
            .copied()
            .unwrap_or("solid");
        let _ = writeln!(
            s,
            "  n{from} -> {to} [label={}, style={style}];",
            dot_str(field)
        );
    }
    s.push_str(&legend_dot(meta));
    s.push_str("}\n");
    s
}

fn legend_dot(meta: &Meta) -> String {
    let lang = meta.lang();
    let mut s = String::from(
        "  subgraph cluster_legend {\n    label=\"\";\n    style=\"dashed\";\n    color=\"#bbbbbb\";\n",
    );
    for g in Grade::ALL {
        let (fill, font) = colours(g);
        let _ = writeln!(
            s,
            "    legend_{} [label={}, fillcolor=\"{fill}\", fontcolor=\"{font}\"];",
            g.name(),
            dot_str(grade_word(lang, g))
        );
    }
    s.push_str("  }\n");
    s
}

fn mermaid_str(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace(['\n', '\r'], " ")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn class(g: Grade) -> &'static str {
    match g {
        Grade::ViolatedMust => "vm",
        Grade::ViolatedShould => "vs",
        Grade::Pending => "pe",
        Grade::Unknown => "un",
        Grade::Ok => "ok",
        Grade::Invalid => "inv",
    }
}

pub fn mermaid(meta: &Meta, p: &Portfolio, linked_only: bool) -> String {
    let lang = meta.lang();
    let d = Drawing::new(p, linked_only);
    let mut s = String::from("flowchart LR\n");
    for (i, r) in &d.rows {
        let mut label = mermaid_str(r.name());
        if let Some(t) = &r.title {
            label.push_str("<br/>");
            label.push_str(&mermaid_str(&short(t, 40)));
        }
        let _ = writeln!(s, "  n{i}[\"{label}\"]:::{}", class(r.grade()));
    }
    for (k, key) in d.missing.iter().enumerate() {
        let _ = writeln!(
            s,
            "  m{k}[\"{} ({})\"]:::missing",
            mermaid_str(key),
            crate::text::pick(lang, "finnes ikke", "finst ikkje", "missing")
        );
    }
    for (from, field, to) in &d.edges {
        let to = match to {
            Target::Row(t) => format!("n{t}"),
            Target::Missing(k) => {
                format!("m{}", d.missing.iter().position(|m| m == k).unwrap_or(0))
            }
        };
        let arrow = if d.style(field).is_multiple_of(2) {
            format!("-- {} -->", mermaid_str(field))
        } else {
            format!("-. {} .->", mermaid_str(field))
        };
        let _ = writeln!(s, "  n{from} {arrow} {to}");
    }
    for g in Grade::ALL {
        let (fill, font) = colours(g);
        let _ = writeln!(
            s,
            "  classDef {} fill:{fill},color:{font},stroke:#333333",
            class(g)
        );
    }
    s.push_str(
        "  classDef missing fill:#ffffff,color:#555555,stroke:#555555,stroke-dasharray:4 3\n",
    );
    s
}
