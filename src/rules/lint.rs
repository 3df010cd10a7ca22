//! Lint warnings for `samstyr rules lint`: things that load fine but are probably mistakes — a
//! parameter or fact nothing uses, a fact without a source, an obligation no test case checks, a
//! quote from an OCR scan without a corrected reading, a reading or document nothing cites — and
//! the errors of a text missing in a language the rule set declares.

use super::{NodeKind, Place, RuleSet};
use crate::files::RuleFiles;
use crate::source::{SourceFile, Span};
use toml::de::{DeTable, DeValue};

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

/// The languages a rule set declares (`[ruleset] languages = ["nb", "nn", "en"]`), or `None` when it declares none.
pub fn declared_languages(files: &RuleFiles) -> Option<Vec<String>> {
    files.files.iter().find_map(|file| {
        let (table, _) = DeTable::parse_recoverable(file.text());
        let table = table.into_inner();
        let DeValue::Table(rs) = table.get("ruleset")?.get_ref() else {
            return None;
        };
        let DeValue::Array(list) = rs.get("languages")?.get_ref() else {
            return None;
        };
        Some(
            list.iter()
                .filter_map(|v| match v.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
        )
    })
}

/// Every text of the rule set's files (a table with `nb` and `en`) that lacks one of the
/// declared languages, named by file, line, key and language. Empty when the rule set declares
/// no languages. These are errors: a declared language is a promise to every user of it.
pub fn missing_languages(files: &RuleFiles) -> Vec<Warning> {
    let Some(langs) = declared_languages(files) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for file in &files.files {
        let (table, _) = DeTable::parse_recoverable(file.text());
        let table = table.into_inner();
        walk(file, &table, "", &langs, &mut out);
    }
    out
}

fn walk(file: &SourceFile, t: &DeTable<'_>, path: &str, langs: &[String], out: &mut Vec<Warning>) {
    for (k, v) in t.iter() {
        let key = if path.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{path}.{}", k.get_ref())
        };
        match v.get_ref() {
            DeValue::Table(inner) => text_or_walk(file, inner, v.span(), &key, langs, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        let key = format!("{key}[{i}]");
                        text_or_walk(file, inner, item.span(), &key, langs, out);
                    }
                }
            }
            _ => {}
        }
    }
}

fn text_or_walk(
    file: &SourceFile,
    t: &DeTable<'_>,
    span: std::ops::Range<usize>,
    key: &str,
    langs: &[String],
    out: &mut Vec<Warning>,
) {
    let is_text = t.contains_key("nb") && t.contains_key("en");
    if !is_text {
        walk(file, t, key, langs, out);
        return;
    }
    for lang in langs {
        let present = t
            .get(lang.as_str())
            .is_some_and(|v| matches!(v.get_ref(), DeValue::String(s) if !s.trim().is_empty()));
        if !present {
            out.push(Warning {
                code: "lint::missing-language",
                message: format!("text `{key}` has no `{lang}`, a language the rule set declares"),
                help: Some(format!(
                    "add `{lang} = \"…\"` to the text, or take `{lang}` out of `[ruleset] languages`"
                )),
                file: Some(file.clone()),
                span: Some(Span::new(span.start, span.end.max(span.start + 1))),
            });
        }
    }
}
