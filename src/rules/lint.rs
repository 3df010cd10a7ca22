//! Lint warnings for `samstyr rules lint`: things that load fine but are probably mistakes — a
//! parameter or fact nothing uses, a fact without a source, an obligation no test case checks, a
//! quote from an OCR scan without a corrected reading, a reading or document nothing cites.

use super::{NodeKind, Place, RuleSet};
use crate::source::{SourceFile, Span};

/// A warning about a rule set that loads.
#[derive(Debug, Clone)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<SourceFile>,
    pub span: Option<Span>,
}

impl Warning {
    fn at(code: &'static str, message: String, help: &str, place: &Place) -> Warning {
        Warning {
            code,
            message,
            help: Some(help.to_string()),
            file: Some(place.file.clone()),
            span: Some(place.span),
        }
    }

    /// `file:line:col: warning[code]: message` and the help on the next line.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if let (Some(f), Some(sp)) = (&self.file, self.span) {
            let (l, c) = f.line_col(sp.start);
            s.push_str(&format!("{}:{l}:{c}: ", f.name()));
        }
        s.push_str(&format!("warning[{}]: {}", self.code, self.message));
        if let Some(h) = &self.help {
            s.push_str(&format!("\n  help: {h}"));
        }
        s
    }
}

/// Warnings for a loaded rule set. `tested` is the ids of the obligations that rule test cases
/// expect something of, when the rule set has tests.
pub fn lint(set: &RuleSet, tested: Option<&[String]>) -> Vec<Warning> {
    let core = &*set.core;
    let graph = &core.graph;
    let mut out = Vec::new();
    for (p, place) in set.params().iter().zip(&core.param_places) {
        if !graph.is_used(NodeKind::Param, &p.id) && !core.reference_uses.contains(&p.id) {
            out.push(Warning::at(
                "lint::unused-param",
                format!("parameter `{}` is not used by any fact or obligation", p.id),
                "remove it, or use it as `$id` in an expression",
                place,
            ));
        }
    }
    let mut facts: Vec<_> = core.facts.iter().collect();
    facts.sort_by_key(|f| f.declared);
    for f in facts {
        let id = &f.info.id;
        let headline = core.headline.as_ref().is_some_and(|h| &h.info.fact == id);
        if !graph.is_used(NodeKind::Fact, id) && !headline && !core.reference_uses.contains(id) {
            out.push(Warning::at(
                "lint::unused-fact",
                format!("fact `{id}` is not used by any fact or obligation"),
                "remove it, or use it as `@id` in an expression",
                &f.place,
            ));
        }
        if f.info.sources.is_empty() {
            out.push(Warning::at(
                "lint::fact-without-source",
                format!("fact `{id}` has no source"),
                "add `[[fact.source]]` with `seed` and `quote`, or `title`",
                &f.place,
            ));
        }
    }
    for q in core.quotes.iter().filter(|q| q.ocr && !q.has_reading) {
        out.push(Warning::at(
            "lint::quote-without-reading",
            format!(
                "this quote from the OCR scan `{}` has no corrected reading",
                q.seed
            ),
            "add `[[reading]]` with `seed`, this `quote` and the `reading` people are shown, its misread letters corrected",
            &q.place,
        ));
    }
    for place in &core.unused_readings {
        out.push(Warning::at(
            "lint::unused-reading",
            "no rule cites the quote this reading corrects".into(),
            "remove it, or correct its `quote` to the one the rule cites",
            place,
        ));
    }
    for place in &core.unused_documents {
        out.push(Warning::at(
            "lint::unused-document",
            "no rule cites this document".into(),
            "remove it, or make `external` the `title` the rules cite the document by",
            place,
        ));
    }
    if let Some(tested) = tested {
        for o in &core.obligations {
            if !tested.contains(&o.info.id) {
                out.push(Warning::at(
                    "lint::untested",
                    format!("obligation `{}` has no test case", o.info.id),
                    "add a case under `tests/` that expects a status of it",
                    &o.place,
                ));
            }
        }
    }
    out
}
