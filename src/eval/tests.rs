//! The one status derivation, held to the rule sets' own tests and to itself: counting
//! ([`Nothing`](crate::expr::Nothing) recorded), findings with and without evidence
//! ([`Reads`](crate::expr::Reads)) and traces ([`Trace`](crate::expr::Trace)) give the same
//! statuses and deadlines, on the fixtures of both rule sets with fields taken out.

use super::testing;
use super::{Counts, EvalOptions};
use crate::files::RuleFiles;
use crate::finding::Status;
use crate::rules::RuleSet;
use crate::schema::{Document, validate};
use crate::source::SourceFile;
use crate::text::Lang;
use jiff::civil::Date;
use std::path::Path;
use std::sync::OnceLock;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn sets() -> &'static [(RuleSet, &'static str, &'static str); 2] {
    static SETS: OnceLock<[(RuleSet, &str, &str); 2]> = OnceLock::new();
    SETS.get_or_init(|| {
        let load = |dir: &str| {
            let files = RuleFiles::from_dir(&Path::new(ROOT).join(dir))
                .unwrap_or_else(|e| panic!("{dir}: {e}"));
            RuleSet::load(&files, &[])
                .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)))
        };
        [
            (load("rules"), "rules/tests", "fixtures/initiatives/valid"),
            (
                load("fixtures/library/rules"),
                "fixtures/library/rules/tests",
                "fixtures/library/rules/tests/inputs",
            ),
        ]
    })
}

/// Every rule test of both rule sets passes: statuses, deadlines, missing fields and messages
/// as their authors wrote them down.
#[test]
fn the_rule_tests_of_both_rule_sets_pass() {
    for (set, tests, _) in sets() {
        let report = testing::run(set, &Path::new(ROOT).join(tests), None, Lang::En);
        let failures: Vec<String> = report.failures.iter().map(|f| f.line()).collect();
        assert!(failures.is_empty(), "{tests}:\n{}", failures.join("\n"));
        assert!(report.problems.is_empty(), "{tests}");
        assert!(report.passed >= 10, "{tests}: only {} cases", report.passed);
    }
}

/// Every `every`-th key of every object removed (from the `offset`-th on), so that fields the
/// fixtures state are absent too.
fn thinned(text: &str, every: usize, offset: usize) -> Option<String> {
    fn walk(v: &mut serde_json::Value, every: usize, n: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for k in keys {
                    *n += 1;
                    if n.is_multiple_of(every) && k != "schema" && k != "id" {
                        map.remove(&k);
                    } else if let Some(child) = map.get_mut(&k) {
                        walk(child, every, n);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, every, n)),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut n = offset;
    walk(&mut v, every, &mut n);
    serde_json::to_string(&v).ok()
}

/// The fixtures of a rule set, each also with fields taken out, as validated documents.
fn documents(set: &RuleSet, dir: &str) -> Vec<Document> {
    let mut paths: Vec<_> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for line in text.lines().filter(|l| l.trim_start().starts_with('{')) {
            // A pretty-printed file is one document, a JSONL file one a line.
            let whole = if path.extension().is_some_and(|e| e == "jsonl") {
                line.to_string()
            } else {
                text.clone()
            };
            let mut variants = vec![whole.clone()];
            for (every, offset) in [(2, 0), (3, 1), (4, 2), (5, 3), (7, 0)] {
                variants.extend(thinned(&whole, every, offset));
            }
            for v in variants {
                if let Ok(doc) = validate(set.schema(), set.catalog(), SourceFile::new("d", v)) {
                    out.push(doc);
                }
            }
            if path.extension().is_none_or(|e| e != "jsonl") {
                break;
            }
        }
    }
    out
}

fn date(s: &str) -> Date {
    s.parse().unwrap_or_default()
}

/// Counting, findings (statuses only, with evidence, with messages) and traces derive the same
/// status and deadline for every finding; missing fields are named exactly for unknown ones.
#[test]
fn every_recorder_derives_the_same_statuses() {
    let mut checked = 0;
    let mut seen = [0usize; 6];
    for (set, _, dir) in sets() {
        let docs = documents(set, dir);
        assert!(docs.len() >= 20, "{dir}: only {} documents", docs.len());
        for doc in &docs {
            for as_of in [date("2026-06-01"), date("2019-01-01"), date("2031-12-31")] {
                let full = set.evaluate(doc, as_of, &EvalOptions::FULL);
                let mut want = Counts::default();
                want.reduce(set, &full);
                let mut got = Counts::default();
                set.count_received(doc, as_of, &[], &mut got, &mut super::Buffers::default());
                assert_eq!(got, want, "{} as of {as_of}", doc.key);
                for opts in [EvalOptions::STATUSES, EvalOptions::COUNTS] {
                    let lean = set.evaluate(doc, as_of, &opts);
                    let mut c = Counts::default();
                    c.reduce(set, &lean);
                    assert_eq!(c, want, "{} as of {as_of} with {opts:?}", doc.key);
                    if opts.locate {
                        let missing = |e: &crate::finding::Evaluation| -> Vec<Vec<String>> {
                            e.findings
                                .iter()
                                .map(|f| f.missing.iter().map(|m| m.pointer.clone()).collect())
                                .collect()
                        };
                        assert_eq!(missing(&lean), missing(&full), "{}", doc.key);
                    }
                }
                for f in &full.findings {
                    let i = f.status as usize;
                    if let Some(n) = seen.get_mut(i) {
                        *n += 1;
                    }
                    // Only unknown names what to provide (it may name nothing: a deadline
                    // stated as none leaves a finding undecided with nothing to provide).
                    assert!(
                        f.status == Status::Unknown || f.missing.is_empty(),
                        "{} {}: {:?} missing {:?}",
                        doc.key,
                        f.rule.id,
                        f.status,
                        f.missing
                    );
                }
                // Traces: each obligation explained gives the findings evaluation gave.
                for o in set.obligations() {
                    let Ok(x) = set.explain(doc, as_of, &o.id) else {
                        panic!("{} cannot be explained", o.id)
                    };
                    let mine: Vec<_> = full
                        .findings
                        .iter()
                        .filter(|f| f.rule.id == o.id)
                        .map(|f| (f.status, f.deadline, f.missing.len()))
                        .collect();
                    let traced: Vec<_> = x
                        .findings
                        .iter()
                        .map(|f| (f.status, f.deadline, f.missing.len()))
                        .collect();
                    assert_eq!(mine, traced, "{} {} as of {as_of}", doc.key, o.id);
                    assert_eq!(x.traced.len(), traced.len(), "{}", o.id);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} evaluations");
    // Every status but `not_in_force`'s rarer cousins was derived somewhere.
    assert!(seen.iter().filter(|n| **n > 0).count() >= 5, "{seen:?}");
}

/// A finding left unknown by an unknown deadline names the deadline's missing fields, also when
/// its requirement is unknown too (not only those the requirement read).
#[test]
fn an_unknown_deadline_names_its_missing_fields() {
    use crate::expr::{Nothing, Reads};
    let mut hits = 0;
    for (set, _, dir) in sets() {
        let core = &*set.core;
        for doc in documents(set, dir) {
            let as_of = date("2026-06-01");
            let full = set.evaluate(&doc, as_of, &EvalOptions::FULL);
            let mut ctx = super::context(set, &doc, as_of);
            super::prepare(set, &mut ctx);
            for o in core.obligations.iter().filter(|o| o.for_each.is_none()) {
                let Some(deadline) = &o.deadline else {
                    continue;
                };
                let Some(f) = full
                    .findings
                    .iter()
                    .find(|f| std::ptr::eq(f.rule, &*o.info))
                else {
                    continue;
                };
                let applies = o
                    .applies
                    .as_ref()
                    .map_or(Some(true), |c| c.truth::<Nothing>(&mut ctx));
                if f.status != Status::Unknown || applies != Some(true) {
                    continue;
                }
                ctx.reads.clear();
                if !deadline.eval::<Reads>(&mut ctx).is_unknown() {
                    continue;
                }
                for r in ctx.reads.iter().filter(|r| r.is_absent()) {
                    let p = r.pointer(&core.schema);
                    assert!(
                        f.missing.iter().any(|m| m.pointer == p),
                        "{} {}: {p} not among {:?}",
                        doc.key,
                        o.info.id,
                        f.missing
                    );
                }
                hits += 1;
            }
        }
    }
    assert!(hits > 0, "no finding was left unknown by its deadline");
}

/// Every obligation has a finding for every document: one per item of its `for_each` list, and
/// one when the list has no items, not none: it does not apply, or is not in force, or (its
/// validity undecided on the reference date) unknown.
#[test]
fn an_obligation_over_an_empty_list_has_one_finding() {
    use crate::expr::{Nothing, Val};
    let mut empty = 0;
    for (set, _, dir) in sets() {
        let core = &*set.core;
        for doc in documents(set, dir) {
            let as_of = date("2026-06-01");
            let report = set.evaluate(&doc, as_of, &EvalOptions::FULL);
            let mut ctx = super::context(set, &doc, as_of);
            super::prepare(set, &mut ctx);
            for o in core.obligations.iter() {
                let found: Vec<Status> = report
                    .findings
                    .iter()
                    .filter(|f| std::ptr::eq(f.rule, &*o.info))
                    .map(|f| f.status)
                    .collect();
                assert!(!found.is_empty(), "{} {}: no finding", doc.key, o.info.id);
                let Some(fe) = &o.for_each else { continue };
                // Not `is_empty`: it is what `derive` asks, and what this test holds.
                #[allow(clippy::len_zero)]
                if let Val::List(l) = fe.list.eval::<Nothing>(&mut ctx)
                    && l.len() == 0
                {
                    assert!(
                        matches!(
                            found[..],
                            [Status::NotApplicable | Status::NotInForce | Status::Unknown]
                        ),
                        "{} {}: {found:?}",
                        doc.key,
                        o.info.id
                    );
                    empty += 1;
                }
            }
        }
    }
    assert!(empty > 0, "no obligation over an empty list");
}
