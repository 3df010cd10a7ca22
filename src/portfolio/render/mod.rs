//! Renderers of a [`Portfolio`]: one module per format. Each takes the plain data of a run and
//! the [`Meta`] that describes it and returns a `String`: no evaluation, no I/O, no clocks, so
//! the same portfolio gives the same bytes.
//!
//! **Invariant:** nothing here knows a particular rule set: rule ids, group fields, the headline
//! and every rule text come from the model.

pub mod csv;
pub mod diff;
pub mod dot;
pub mod html;
pub mod json;
pub mod markdown;

use super::{FindingRow, Grade, Portfolio, Row};
use crate::finding::{Principle, Severity, Status, Tri};
use crate::report::{RunInfo, tr};
pub use crate::report::{problem_text, received_text};
use crate::rules::RuleSet;
use crate::text::{Lang, Text};
use jiff::civil::Date;

/// What a portfolio report says about the run besides the portfolio.
#[derive(Debug, Clone)]
pub struct Meta {
    pub run: RunInfo,
    /// Group fields (`[ruleset.report.group]`): (field path, title).
    pub groups: Vec<(String, Text)>,
    /// Declared propagations: (fact, link field, direction, title).
    pub propagations: Vec<(String, String, &'static str, Text)>,
    /// The field that names documents (`id`).
    pub key_field: String,
}

impl Meta {
    pub fn new(rules: &RuleSet, run: RunInfo) -> Meta {
        Meta {
            groups: rules
                .report_spec()
                .groups
                .iter()
                .map(|g| (g.path.text().to_string(), g.title.clone()))
                .collect(),
            propagations: rules
                .propagations()
                .iter()
                .map(|p| {
                    (
                        p.fact.clone(),
                        p.along.clone(),
                        p.direction.name(),
                        p.title.clone(),
                    )
                })
                .collect(),
            key_field: rules.schema().key_field.clone(),
            run,
        }
    }

    pub fn lang(&self) -> Lang {
        self.run.lang
    }

    /// The headline's title in the run's language, if the rule set has a headline.
    pub fn headline_title(&self) -> Option<&str> {
        self.run.headline.as_ref().map(|h| h.title.get(self.lang()))
    }
}

pub fn grade_word(lang: Lang, g: Grade) -> &'static str {
    match g {
        Grade::ViolatedMust => tr(lang, "brudd på skal-krav", "violated must"),
        Grade::ViolatedShould => tr(lang, "brudd på bør-krav", "violated should"),
        Grade::Pending => tr(lang, "venter", "pending"),
        Grade::Unknown => tr(lang, "ukjent", "unknown"),
        Grade::Ok => tr(lang, "i orden", "ok"),
        Grade::Invalid => tr(lang, "ugyldig", "invalid"),
    }
}

/// Counts of one principle over all its obligations.
#[derive(Debug, Clone)]
pub struct PrincipleCounts {
    pub principle: Principle,
    pub by_status: [u64; 6],
    /// Violated findings by severity: must, should.
    pub violated: [u64; 2],
}

/// The principles of the run's obligations, in order of first appearance, with their counts.
pub fn principles(meta: &Meta, p: &Portfolio) -> Vec<PrincipleCounts> {
    let mut out: Vec<PrincipleCounts> = Vec::new();
    for (o, c) in meta.run.obligations.iter().zip(&p.aggregates.obligations) {
        let Some(pr) = &o.principle else { continue };
        let at = match out.iter().position(|x| x.principle.id == pr.id) {
            Some(i) => i,
            None => {
                out.push(PrincipleCounts {
                    principle: pr.clone(),
                    by_status: [0; 6],
                    violated: [0; 2],
                });
                out.len() - 1
            }
        };
        if let Some(x) = out.get_mut(at) {
            for (a, b) in x.by_status.iter_mut().zip(c.by_status) {
                *a += b;
            }
            let sev = match o.severity {
                Some(Severity::Should) => 1,
                _ => 0,
            };
            if let Some(v) = x.violated.get_mut(sev) {
                *v += c.by_status.first().copied().unwrap_or(0);
            }
        }
    }
    out
}

/// A finding with a deadline, for the overdue and upcoming lists.
#[derive(Debug, Clone)]
pub struct DeadlineItem<'a> {
    /// The row's position in the portfolio.
    pub index: usize,
    pub row: &'a Row,
    pub finding: &'a FindingRow,
    pub deadline: Date,
}

/// Overdue findings (oldest first) and findings due within the next days (nearest first), from
/// the rows' findings.
pub fn deadlines(p: &Portfolio) -> (Vec<DeadlineItem<'_>>, Vec<DeadlineItem<'_>>) {
    let mut overdue = Vec::new();
    let mut upcoming = Vec::new();
    for (index, row) in p.rows.iter().enumerate() {
        let Some(j) = row.judged() else { continue };
        for f in &j.findings {
            let Some(d) = f.deadline else { continue };
            let item = DeadlineItem {
                index,
                row,
                finding: f,
                deadline: d,
            };
            if f.overdue(p.as_of) {
                overdue.push(item);
            } else if f.upcoming(p.as_of) {
                upcoming.push(item);
            }
        }
    }
    let key = |i: &DeadlineItem<'_>| {
        (
            i.deadline,
            i.row.name().to_string(),
            i.finding.rule.id.clone(),
        )
    };
    overdue.sort_by_key(key);
    upcoming.sort_by_key(key);
    (overdue, upcoming)
}

/// Days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// Findings worth listing for a document: violated, pending and unknown, most urgent first.
pub fn flagged(j: &super::Judged) -> Vec<&FindingRow> {
    let mut v: Vec<&FindingRow> = j
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.status,
                Status::Violated | Status::Pending | Status::Unknown
            )
        })
        .collect();
    v.sort_by_key(|f| {
        let sev = match f.rule.severity {
            Some(Severity::Must) => 0,
            _ => 1,
        };
        (
            super::status_index(f.status),
            sev,
            f.deadline,
            f.rule.id.clone(),
        )
    });
    v
}

/// The names of a document's met findings, in evaluation order.
pub fn met_names(j: &super::Judged) -> Vec<String> {
    j.findings
        .iter()
        .filter(|f| f.status == Status::Met)
        .map(finding_name)
        .collect()
}

/// A finding's name: its rule, and the item it is about.
pub fn finding_name(f: &FindingRow) -> String {
    match &f.item {
        Some(i) => format!("{} [{i}]", f.rule.id),
        None => f.rule.id.clone(),
    }
}

/// `value (n %)` style share of a total, rounded to whole percent.
pub fn percent(n: u64, total: u64) -> String {
    if total == 0 {
        return "0 %".into();
    }
    format!("{} %", (n * 100 + total / 2) / total)
}

/// Whether a document's headline answer came from linked documents.
pub fn headline_from_links(row: &Row) -> bool {
    row.judged().is_some_and(|j| j.headline_by_links)
}

/// Status words for column heads, in the order of [`Status::ALL`].
pub fn status_heads(lang: Lang) -> [&'static str; 6] {
    Status::ALL.map(|s| crate::report::status_word(lang, s))
}

pub fn tri(lang: Lang, t: Option<Tri>) -> &'static str {
    match t {
        Some(t) => crate::report::tri_word(lang, t),
        None => "–",
    }
}

/// What a group value is called when a document has none.
pub fn group_value(lang: Lang, v: &Option<String>) -> String {
    match v {
        Some(s) => s.clone(),
        None => tr(lang, "(ikke oppgitt)", "(not stated)").to_string(),
    }
}
