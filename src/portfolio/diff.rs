//! The impact of a rule change before it ships: the same portfolio judged under two rule sets,
//! compared document by document (standing, headline, each finding's status, deadline and
//! message) and summed per rule.
//!
//! Both runs read the same inputs in the same order, so documents are paired by position; a
//! finding is paired by its rule id and item. A rule only one side has shows as appearing or
//! disappearing.

use super::{Grade, Portfolio, RowOutcome};
use crate::finding::{Status, Tri};
use crate::text::Text;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// One finding's status on each side (`None`: the rule set has no such finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChange {
    pub rule: String,
    pub item: Option<String>,
    pub old: Option<Status>,
    pub new: Option<Status>,
    /// The deadline on each side, when the status is the same and the deadline moved.
    pub deadline: Option<(Option<Date>, Option<Date>)>,
    /// Status and deadline the same, the message not (its wording or the values it shows).
    pub message_changed: bool,
}

/// A document whose standing, headline or any finding differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub label: String,
    pub key: Option<String>,
    pub title: Option<String>,
    pub old: (Grade, Option<Tri>),
    pub new: (Grade, Option<Tri>),
    pub rules: Vec<RuleChange>,
}

impl Change {
    pub fn grade_changed(&self) -> bool {
        self.old.0 != self.new.0
    }

    pub fn headline_changed(&self) -> bool {
        self.old.1 != self.new.1
    }
}

/// (old status, new status) → number of findings; `None` where a rule set has no such finding.
pub type Moves = BTreeMap<(Option<Status>, Option<Status>), u64>;

/// Everything that differs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub inputs: u64,
    /// Documents whose standing changed.
    pub grades_changed: u64,
    /// Documents whose headline answer changed.
    pub headlines_changed: u64,
    /// Findings whose status stayed and whose deadline moved.
    pub deadlines_moved: u64,
    /// Findings whose status and deadline stayed and whose message changed.
    pub messages_changed: u64,
    /// Per rule: (old status, new status) → number of findings, rules in first-seen order.
    pub per_rule: Vec<(String, Moves)>,
    /// (old standing, new standing) → documents.
    pub grade_moves: BTreeMap<(Grade, Grade), u64>,
    /// Documents with any change, in input order.
    pub changes: Vec<Change>,
}

/// A finding's identity: rule, item, and which of the findings with that rule and item it is
/// (two items may share a label).
type Key = (String, Option<String>, usize);

/// What is compared of a finding: its status, deadline and message.
type Judged<'a> = (Status, Option<Date>, &'a Text);

fn statuses(o: &RowOutcome) -> Vec<(Key, Judged<'_>)> {
    let RowOutcome::Judged(j) = o else {
        return Vec::new();
    };
    let mut out: Vec<(Key, Judged<'_>)> = Vec::with_capacity(j.findings.len());
    for f in &j.findings {
        let nth = out
            .iter()
            .filter(|((r, i, _), _)| *r == f.rule.id && *i == f.item)
            .count();
        out.push((
            (f.rule.id.clone(), f.item.clone(), nth),
            (f.status, f.deadline, &f.message),
        ));
    }
    out
}

/// Compare two runs over the same inputs (made with findings kept).
pub fn compare(old: &Portfolio, new: &Portfolio) -> Diff {
    let mut d = Diff {
        inputs: old.rows.len().max(new.rows.len()) as u64,
        ..Diff::default()
    };
    for (a, b) in old.rows.iter().zip(&new.rows) {
        let ga = (a.grade(), a.judged().and_then(|j| j.headline));
        let gb = (b.grade(), b.judged().and_then(|j| j.headline));
        let sa = statuses(&a.outcome);
        let sb = statuses(&b.outcome);
        let mut rules = Vec::new();
        for (k, (st, deadline, message)) in &sa {
            let other = sb.iter().find(|(kb, _)| kb == k).map(|(_, j)| *j);
            let change = |new, deadline, message_changed| RuleChange {
                rule: k.0.clone(),
                item: k.1.clone(),
                old: Some(*st),
                new,
                deadline,
                message_changed,
            };
            match other {
                Some((sb, db, _)) if sb == *st && db != *deadline => {
                    rules.push(change(Some(sb), Some((*deadline, db)), false));
                }
                Some((sb, _, mb)) if sb == *st && mb != *message => {
                    rules.push(change(Some(sb), None, true));
                }
                Some((sb, _, _)) if sb == *st => {}
                other => rules.push(change(other.map(|j| j.0), None, false)),
            }
        }
        for (k, (st, _, _)) in &sb {
            if !sa.iter().any(|(ka, _)| ka == k) {
                rules.push(RuleChange {
                    rule: k.0.clone(),
                    item: k.1.clone(),
                    old: None,
                    new: Some(*st),
                    deadline: None,
                    message_changed: false,
                });
            }
        }
        // Only a valid document has findings to compare: a document valid on one side only
        // shows as a change of standing, not as every rule appearing.
        let both = a.judged().is_some() && b.judged().is_some();
        if !both {
            rules.clear();
        }
        for r in &rules {
            if r.deadline.is_some() {
                d.deadlines_moved += 1;
            }
            if r.message_changed {
                d.messages_changed += 1;
            }
            // Per rule: the status moves; a moved deadline or a new message keeps its status.
            if r.old == r.new {
                continue;
            }
            let at = match d.per_rule.iter().position(|(id, _)| *id == r.rule) {
                Some(i) => i,
                None => {
                    d.per_rule.push((r.rule.clone(), BTreeMap::new()));
                    d.per_rule.len() - 1
                }
            };
            if let Some((_, m)) = d.per_rule.get_mut(at) {
                *m.entry((r.old, r.new)).or_default() += 1;
            }
        }
        if ga.0 != gb.0 {
            d.grades_changed += 1;
            *d.grade_moves.entry((ga.0, gb.0)).or_default() += 1;
        }
        if ga.1 != gb.1 {
            d.headlines_changed += 1;
        }
        if ga != gb || !rules.is_empty() {
            d.changes.push(Change {
                label: b.label.clone(),
                key: b.key.clone().or_else(|| a.key.clone()),
                title: b.title.clone().or_else(|| a.title.clone()),
                old: ga,
                new: gb,
                rules,
            });
        }
    }
    d.per_rule.sort_by(|a, b| a.0.cmp(&b.0));
    d
}
