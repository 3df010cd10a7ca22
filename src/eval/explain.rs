//! Traces for `samstyr explain`: the same evaluation as [`super::evaluate`], with every
//! sub-expression's value recorded, as plain data. Rendering is the CLI's job.

use super::{EvalOptions, fact_value, judge_all, prepare};
use crate::expr::{Ctx, TraceStep};
use crate::finding::{FactValue, Finding, Item, RuleInfo, Shown};
use crate::rules::{RuleError, RuleSet};
use crate::schema::Document;
use jiff::civil::Date;

/// The trace of one expression of a rule (`applies`, `require`, …).
#[derive(Debug, Clone)]
pub struct ExprTrace {
    pub key: &'static str,
    /// The expression as written.
    pub text: String,
    pub value: Shown,
    /// Each sub-expression in evaluation order, with its nesting depth.
    pub steps: Vec<TraceStep>,
}

/// The traces that led to one finding.
#[derive(Debug, Clone)]
pub struct Traced {
    pub item: Option<Item>,
    /// The `for_each` list, with the first item only.
    pub list: Option<ExprTrace>,
    pub sections: Vec<ExprTrace>,
}

#[derive(Debug, Clone)]
pub struct Explanation<'r> {
    pub rule: &'r RuleInfo,
    pub as_of: Date,
    pub reference_date: Date,
    /// The facts the rule uses directly, with their values.
    pub facts: Vec<FactValue<'r>>,
    /// For a fact (`@id`): the trace of its expression.
    pub fact: Option<(FactValue<'r>, ExprTrace)>,
    /// For an obligation: one per finding.
    pub traced: Vec<Traced>,
    pub findings: Vec<Finding<'r>>,
}

pub(crate) fn explain<'r>(
    set: &'r RuleSet,
    doc: &Document,
    as_of: Date,
    rule: &str,
) -> Result<Explanation<'r>, RuleError> {
    let mut ctx = super::context(set, doc, as_of);
    let reference_date = prepare(set, &mut ctx);
    let used = |ids: &[String], ctx: &Ctx<'_>| {
        ids.iter()
            .filter_map(|id| {
                set.fact(id)
                    .and_then(|(slot, _)| fact_value(set, ctx, slot))
            })
            .collect::<Vec<_>>()
    };
    if let Some(id) = rule.strip_prefix('@') {
        let Some((slot, f)) = set.fact(id) else {
            return Err(set.unknown_rule(rule));
        };
        ctx.reads.clear();
        let (v, steps) = f.expr.traced(&mut ctx);
        let section = ExprTrace {
            key: "expr",
            text: f.expr.text().to_string(),
            value: v.shown(),
            steps,
        };
        return Ok(Explanation {
            rule: &f.info,
            as_of,
            reference_date,
            facts: used(&f.uses, &ctx),
            fact: fact_value(set, &ctx, slot).map(|v| (v, section)),
            traced: Vec::new(),
            findings: Vec::new(),
        });
    }
    let Some(o) = set.obligation(rule) else {
        return Err(set.unknown_rule(rule));
    };
    let facts = used(&o.facts, &ctx);
    let mut traced = Vec::new();
    let mut findings = Vec::new();
    judge_all(
        set,
        o,
        &mut ctx,
        reference_date,
        &EvalOptions::default(),
        &mut findings,
        &mut traced,
    );
    // The remedies, as a full evaluation computes them (they take the whole document).
    let full = super::evaluate(set, doc, as_of, &EvalOptions::REMEDIES);
    let mut theirs = full
        .findings
        .into_iter()
        .filter(|f| std::ptr::eq(f.rule, &*o.info));
    for f in &mut findings {
        if let Some(t) = theirs.next() {
            f.to_meet = t.to_meet;
        }
    }
    Ok(Explanation {
        rule: &o.info,
        as_of,
        reference_date,
        facts,
        fact: None,
        traced,
        findings,
    })
}
