//! The one status derivation, held to the rule sets' own tests and to itself: counting
//! ([`Nothing`](crate::expr::Nothing) recorded), findings with and without evidence
//! ([`Reads`](crate::expr::Reads)) and traces ([`Trace`](crate::expr::Trace)) give the same
//! statuses and deadlines, on the fixtures of both rule sets with fields taken out.

use super::testing;
use super::{Counts, EvalOptions};
use crate::expr::{Scalar, Within};
use crate::files::RuleFiles;
use crate::finding::{Shown, Status};
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

/// Counting and findings (statuses only, with evidence, with messages) derive the same status
/// and deadline for every finding; missing fields are named exactly for unknown ones. Traces are
/// held to the same findings by `explain_derives_what_evaluation_derives`, apart because
/// explaining every obligation of every document takes minutes in a debug build, which
/// mutation runs cannot afford per mutant, while this takes seconds.
#[test]
fn every_recorder_derives_the_same_statuses() {
    let mut checked = 0;
    let mut seen = [0usize; 6];
    let mut evidence = 0;
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
                    // Every finding says something, in bokmål and English at least (nynorsk
                    // may fall back to bokmål).
                    assert!(!f.message.nb.is_empty() && !f.message.en.is_empty());
                    // Evidence is what was stated, missing fields what was not.
                    assert!(f.evidence.iter().all(|e| e.value != Shown::Absent));
                    assert!(f.missing.iter().all(|e| e.value == Shown::Absent));
                    evidence += f.evidence.len();
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
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} evaluations");
    assert!(
        evidence > checked,
        "{evidence} fields as evidence in {checked} evaluations"
    );
    // Every status but `not_in_force`'s rarer cousins was derived somewhere.
    assert!(seen.iter().filter(|n| **n > 0).count() >= 5, "{seen:?}");
}

/// Traces: each obligation explained gives the findings evaluation gave, on the documents of
/// [`every_recorder_derives_the_same_statuses`]; the number of documents explained.
fn explained(set: &RuleSet, dir: &str) -> usize {
    let mut explained = 0;
    for doc in &documents(set, dir) {
        for as_of in [date("2026-06-01"), date("2019-01-01"), date("2031-12-31")] {
            let full = set.evaluate(doc, as_of, &EvalOptions::FULL);
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
                // Each trace shows what was evaluated: the requirement of a finding that was
                // judged, its deadline when it has one, and the `for_each` list once.
                for (t, f) in x.traced.iter().zip(&x.findings) {
                    let keys: Vec<&str> = t.sections.iter().map(|s| s.key).collect();
                    let judged =
                        matches!(f.status, Status::Met | Status::Violated | Status::Pending);
                    assert!(!judged || keys.contains(&"require"), "{} {keys:?}", o.id);
                    let dated = f.deadline.is_some();
                    assert!(!dated || keys.contains(&"deadline"), "{} {keys:?}", o.id);
                }
                if x.findings.iter().any(|f| f.item.is_some()) {
                    assert!(
                        x.traced.first().is_some_and(|t| t.list.is_some()),
                        "{}",
                        o.id
                    );
                }
            }
            explained += 1;
        }
    }
    explained
}

/// [`explained`] on the library's rules: a second or so, so mutation runs include it.
#[test]
fn explaining_the_library_rules_derives_what_evaluation_derives() {
    let (set, _, dir) = &sets()[1];
    assert!(explained(set, dir) > 50);
}

/// [`explained`] on the initiative rules: minutes in a debug build (22 obligations explained
/// for each thinned fixture and each of three dates), left out of mutation runs.
#[test]
fn explain_derives_what_evaluation_derives() {
    let (set, _, dir) = &sets()[0];
    assert!(explained(set, dir) > 100);
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

/// With values received from linked documents (each bool fact of the library's rules given yes,
/// no and unknown in turn): a received value is joined to the fact it names with Kleene `or`,
/// before the facts that use it; and counting, the truths of chosen facts alone, and evaluations
/// without evidence give what a full evaluation gives, missing fields included.
#[test]
fn received_values_join_their_facts_the_same_way_for_every_recorder() {
    use crate::finding::Tri;
    use crate::rules::{FactIndex, Received};
    let (set, _, dir) = &sets()[1];
    let core = &*set.core;
    let tri = |v: &Shown| match v {
        Shown::Bool(true) => Tri::Yes,
        Shown::Absent => Tri::Unknown,
        _ => Tri::No,
    };
    // Every fact that may receive a value: the bool facts, by slot.
    let bools: Vec<(usize, &str)> = core
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| *f.expr.ty() == crate::expr::Type::Bool)
        .map(|(slot, f)| (slot, f.info.id.as_str()))
        .collect();
    assert!(bools.len() >= 2, "{bools:?}");
    let mut joined = [0usize; 3];
    for doc in documents(set, dir) {
        let as_of = date("2026-06-01");
        let own = set.evaluate(&doc, as_of, &EvalOptions::FULL);
        let truth_of = |e: &crate::finding::Evaluation, id: &str| {
            e.facts
                .iter()
                .find(|f| f.fact.id == id)
                .map(|f| tri(&f.value))
        };
        for &(slot, id) in &bools {
            for value in [Tri::Yes, Tri::No, Tri::Unknown] {
                let received = [Received {
                    fact: FactIndex(slot),
                    value,
                }];
                let full = set.evaluate_received(&doc, as_of, &EvalOptions::FULL, &received);
                let (Some(before), Some(after)) = (truth_of(&own, id), truth_of(&full, id)) else {
                    panic!("{id} is not among the facts shown")
                };
                let want = match (before, value) {
                    (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
                    (Tri::No, Tri::No) => Tri::No,
                    _ => Tri::Unknown,
                };
                assert_eq!(
                    after, want,
                    "{} {id}: {before:?} joined with {value:?}",
                    doc.key
                );
                joined[value as usize] += usize::from(before != after);
                let mut want = Counts::default();
                want.reduce(set, &full);
                let mut got = Counts::default();
                set.count_received(
                    &doc,
                    as_of,
                    &received,
                    &mut got,
                    &mut super::Buffers::default(),
                );
                assert_eq!(got, want, "{} {id} {value:?}", doc.key);
                for opts in [EvalOptions::STATUSES, EvalOptions::COUNTS] {
                    let lean = set.evaluate_received(&doc, as_of, &opts, &received);
                    let mut c = Counts::default();
                    c.reduce(set, &lean);
                    assert_eq!(c, want, "{} {id} {value:?} with {opts:?}", doc.key);
                }
                // The truths of the bool facts alone, one at a time and all at once, last first.
                let all: Vec<FactIndex> = bools.iter().rev().map(|&(s, _)| FactIndex(s)).collect();
                let mut truths = Vec::new();
                set.fact_truths(&doc, as_of, &received, &all, &mut truths);
                let shown: Vec<Option<Tri>> = bools
                    .iter()
                    .rev()
                    .map(|&(_, id)| truth_of(&full, id))
                    .collect();
                assert_eq!(
                    truths.into_iter().map(Some).collect::<Vec<_>>(),
                    shown,
                    "{}",
                    doc.key
                );
                for &(s, other) in &bools {
                    let mut one = Vec::new();
                    set.fact_truths(&doc, as_of, &received, &[FactIndex(s)], &mut one);
                    assert_eq!(
                        one.first().copied(),
                        truth_of(&full, other),
                        "{} {other}",
                        doc.key
                    );
                }
            }
        }
    }
    // Yes made some false or unknown fact true, and unknown some false fact unknown.
    assert!(
        joined[Tri::Yes as usize] > 0 && joined[Tri::Unknown as usize] > 0,
        "{joined:?}"
    );
}

/// What a finding is about is located (a `for_each` item's JSON pointer, an unknown finding's
/// missing fields) whenever anything is shown, asked for (`locate`) or implied by messages or
/// evidence, and never when statuses are only counted.
#[test]
fn findings_are_located_whenever_something_is_shown_and_never_for_counting() {
    let (set, _, dir) = &sets()[1];
    let shown = [
        EvalOptions::STATUSES,
        EvalOptions {
            messages: true,
            ..EvalOptions::COUNTS
        },
        EvalOptions {
            evidence: true,
            ..EvalOptions::COUNTS
        },
    ];
    let located = |e: &crate::finding::Evaluation| -> Vec<(Option<String>, Vec<String>)> {
        e.findings
            .iter()
            .map(|f| {
                let item = f.item.as_ref().map(|i| i.pointer.clone());
                (item, f.missing.iter().map(|m| m.pointer.clone()).collect())
            })
            .collect()
    };
    let (mut items, mut missing) = (0, 0);
    for doc in documents(set, dir) {
        let as_of = date("2026-06-01");
        let full = set.evaluate(&doc, as_of, &EvalOptions::FULL);
        for f in &full.findings {
            if let Some(item) = &f.item {
                let at = format!("/loans/{}", item.index);
                let at_fee = format!("/fees/{}", item.index);
                assert!(
                    item.pointer == at || item.pointer == at_fee,
                    "{}: {item:?}",
                    doc.key
                );
                items += 1;
            }
            missing += usize::from(!f.missing.is_empty());
        }
        for opts in shown {
            let e = set.evaluate(&doc, as_of, &opts);
            assert_eq!(located(&e), located(&full), "{} with {opts:?}", doc.key);
        }
        let counted = set.evaluate(&doc, as_of, &EvalOptions::COUNTS);
        for f in &counted.findings {
            assert!(f.missing.is_empty(), "{}: {:?}", doc.key, f.missing);
            assert!(
                f.item.as_ref().is_none_or(|i| i.pointer.is_empty()),
                "{}",
                doc.key
            );
        }
    }
    assert!(
        items > 0 && missing > 0,
        "{items} items, {missing} with missing fields"
    );
}

/// The dates of `w` (unbounded sides taken far enough out that nothing near `base` differs).
fn dates_within(w: &Within, base: Date) -> Vec<Date> {
    let at = |s: Option<Scalar>, far: i32| match s {
        Some(Scalar::Date(d)) => d,
        _ => base
            .checked_add(jiff::Span::new().days(far))
            .unwrap_or(base),
    };
    let (mut d, hi) = (at(w.lo, -60), at(w.hi, 60));
    let mut out = Vec::new();
    while d <= hi {
        out.push(d);
        let Ok(next) = d.tomorrow() else { break };
        d = next;
    }
    out
}

/// Every window of dates around `base` (bounds from `base - 3` to `base + 4` days, or none), and
/// every bound of a validity period or deadline among `base`, `base + 2` and none.
fn windows_and_bounds(base: Date) -> (Vec<Within>, Vec<Option<Date>>) {
    let day = |n: i32| base.checked_add(jiff::Span::new().days(n)).unwrap_or(base);
    let ends: Vec<Option<Scalar>> = std::iter::once(None)
        .chain((-3..=4).map(|n| Some(Scalar::Date(day(n)))))
        .collect();
    let mut windows = Vec::new();
    for &lo in &ends {
        for &hi in &ends {
            let w = Within { lo, hi };
            if !dates_within(&w, base).is_empty() {
                windows.push(w);
            }
        }
    }
    (windows, vec![None, Some(base), Some(day(2))])
}

/// A date known only within bounds decides validity exactly when every date it may be gives
/// the same answer: in force on all of them, on none, or undecided.
#[test]
fn validity_on_a_date_known_within_bounds_is_what_every_date_in_them_gives() {
    use super::{in_force, in_force_open};
    let base = date("2026-03-10");
    let (windows, bounds) = windows_and_bounds(base);
    for w in &windows {
        let dates = dates_within(w, base);
        for &from in &bounds {
            for &until in &bounds {
                let each: Vec<bool> = dates.iter().map(|&d| in_force(d, from, until)).collect();
                let want = if each.iter().all(|&b| b) {
                    Some(true)
                } else if each.iter().all(|&b| !b) {
                    Some(false)
                } else {
                    None
                };
                assert_eq!(
                    in_force_open(*w, from, until),
                    want,
                    "{w:?} from {from:?} until {until:?}"
                );
            }
        }
    }
}

/// A requirement not met against a deadline known only within bounds is pending when it is
/// pending for every date the deadline may be, violated when violated for every one, else
/// unknown.
#[test]
fn a_deadline_known_within_bounds_is_judged_as_every_date_in_them_would_be() {
    use super::{judged, judged_open};
    let base = date("2026-03-10");
    let (windows, todays) = windows_and_bounds(base);
    for w in &windows {
        let dates = dates_within(w, base);
        for today in todays.iter().flatten() {
            let each: Vec<Status> = dates
                .iter()
                .map(|&d| judged(Some(false), Some(Some(d)), *today))
                .collect();
            let want = match each.first() {
                Some(&s) if each.iter().all(|&t| t == s) => s,
                _ => Status::Unknown,
            };
            assert_eq!(judged_open(*w, *today), want, "{w:?} today {today}");
        }
    }
}

/// The library's rule set with `(file, from, to)` replacements made in its files.
fn library_with(edits: &[(&str, &str, &str)]) -> RuleSet {
    let dir = Path::new(ROOT).join("fixtures/library/rules");
    let mut files = RuleFiles::from_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    for (file, from, to) in edits {
        let Some(f) = files.files.iter_mut().find(|f| f.name().ends_with(file)) else {
            panic!("no {file}")
        };
        assert!(f.text().contains(from), "{file}: no {from}");
        *f = SourceFile::new(f.name().to_string(), f.text().replacen(from, to, 1));
    }
    RuleSet::load(&files, &[]).unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)))
}

fn library_doc(set: &RuleSet, text: &str) -> Document {
    validate(
        set.schema(),
        set.catalog(),
        SourceFile::new("d.json", text.to_string()),
    )
    .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)))
}

/// A rule whose validity turns on a reference date left unknown names the field that date needs,
/// in an evaluation without evidence too, where every fact is known: the reference date is then
/// evaluated again, recording its reads, for the rule's second, recording pass.
#[test]
fn a_reference_date_left_unknown_is_named_by_every_recorder_that_locates() {
    // The library's rules judged on a date of the member's own, which no fact reads.
    let fields = "[input.types.member.fields]\n";
    let registered = format!(
        "{fields}registered = {{ type = \"date\", doc = {{ nb = \"Registrert.\", nn = \"Registrert.\", en = \"Registered.\" }} }}\n"
    );
    let set = library_with(&[
        (
            "ruleset.toml",
            "reference_date = \"today\"",
            "reference_date = \"registered\"",
        ),
        ("input.toml", fields, &registered),
    ]);
    let path = Path::new(ROOT).join("fixtures/library/rules/tests/inputs/ok.json");
    let doc = library_doc(&set, &std::fs::read_to_string(path).unwrap_or_default());
    let as_of = date("2026-06-01");
    let missing = |opts: &EvalOptions| -> Vec<(String, Vec<String>)> {
        let e = set.evaluate(&doc, as_of, opts);
        assert!(
            e.facts.iter().all(|f| f.value != Shown::Absent),
            "a fact is unknown"
        );
        e.findings
            .iter()
            .map(|f| {
                let m = f.missing.iter().map(|m| m.pointer.clone()).collect();
                (f.rule.id.clone(), m)
            })
            .collect()
    };
    let full = missing(&EvalOptions::FULL);
    // The rules with a validity period (from 2021, until 2020) are undecided for lack of it.
    let named = full
        .iter()
        .filter(|(_, m)| m.iter().any(|p| p == "/registered"));
    assert!(named.count() >= 2, "{full:?}");
    assert_eq!(missing(&EvalOptions::STATUSES), full);
}

/// Over an empty list, a rule judged on the reference date is not in force when its period
/// excludes that date, with one bound as with two; a rule judged on each item's own date
/// (`valid_on`) has no date to judge there, and does not apply.
#[test]
fn an_empty_list_is_judged_on_the_reference_date_unless_items_carry_their_own() {
    let fees = "for_each = \"fee in fees\"\n";
    let text = r#"{"schema": "library.member/v1", "id": "M-1", "name": "N", "fees": []}"#;
    let as_of = date("2026-06-01");
    for (bounds, want) in [
        ("valid_from = \"2030-01-01\"\n", Status::NotInForce),
        ("valid_until = \"2020-01-01\"\n", Status::NotInForce),
        (
            "valid_from = \"2020-01-01\"\nvalid_until = \"2030-01-01\"\n",
            Status::NotApplicable,
        ),
        (
            "valid_from = \"2030-01-01\"\nvalid_on = \"fee.date\"\n",
            Status::NotApplicable,
        ),
    ] {
        let set = library_with(&[("obligations.toml", fees, &format!("{fees}{bounds}"))]);
        let doc = library_doc(&set, text);
        let e = set.evaluate(&doc, as_of, &EvalOptions::FULL);
        let found: Vec<Status> = e
            .findings
            .iter()
            .filter(|f| f.rule.id == "LIB-04")
            .map(|f| f.status)
            .collect();
        assert_eq!(found, [want], "{bounds}");
        let mut counted = Counts::default();
        set.count_received(
            &doc,
            as_of,
            &[],
            &mut counted,
            &mut super::Buffers::default(),
        );
        let mut reduced = Counts::default();
        reduced.reduce(&set, &e);
        assert_eq!(counted, reduced, "{bounds}");
    }
}

/// Evidence names each field once, in the order first read, also past the few fields a scan
/// looks through (`evidence` finds repeats in a hash set from there on).
#[test]
fn evidence_names_each_field_once_in_the_order_first_read() {
    use crate::expr::Reads;
    let (set, _, _) = &sets()[1];
    let schema = &set.core.schema;
    let loans: Vec<String> = (0..40)
        .map(|i| {
            format!(r#"{{"title": "t{i}", "item_type": "book", "borrowed": "2026-05-01", "returned": null}}"#)
        })
        .collect();
    let text = format!(
        r#"{{"schema": "library.member/v1", "id": "M-1", "name": "N", "loans": [{}]}}"#,
        loans.join(", ")
    );
    let doc = validate(set.schema(), set.catalog(), SourceFile::new("d", text))
        .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)));
    let mut ctx = super::context(set, &doc, date("2026-06-01"));
    let Some((_, fact)) = set.fact("aktive-lan") else {
        panic!("no fact aktive-lan")
    };
    fact.expr.eval::<Reads>(&mut ctx);
    let once = ctx.reads.clone();
    assert!(once.len() > 40, "{} reads", once.len());
    let twice = [once.as_slice(), once.as_slice()].concat();
    let backwards: Vec<_> = twice.iter().rev().copied().collect();
    for reads in [once.clone(), twice, backwards] {
        let mut want: Vec<String> = Vec::new();
        for r in &reads {
            let p = r.pointer(schema);
            if !want.contains(&p) {
                want.push(p);
            }
        }
        let got: Vec<String> = super::evidence(&reads, &ctx, false)
            .into_iter()
            .map(|e| e.pointer)
            .collect();
        assert_eq!(got, want);
    }
}

/// A `for_each` item is labelled with its `label` expression's value, and not at all when that
/// value is unknown or null (a label reading `?` or `–` names nothing).
#[test]
fn an_item_is_labelled_only_by_a_label_known_and_not_null() {
    use crate::expr::{Nothing, Val};
    let mut seen = [0usize; 2];
    for (set, _, dir) in sets() {
        let core = &*set.core;
        for doc in documents(set, dir) {
            let as_of = date("2026-06-01");
            let report = set.evaluate(&doc, as_of, &EvalOptions::FULL);
            let mut ctx = super::context(set, &doc, as_of);
            super::prepare(set, &mut ctx);
            for o in &core.obligations {
                let Some(fe) = &o.for_each else { continue };
                let Some(label) = &fe.label else { continue };
                let Val::List(items) = fe.list.eval::<Nothing>(&mut ctx) else {
                    continue;
                };
                let labels: Vec<Option<String>> = report
                    .findings
                    .iter()
                    .filter(|f| std::ptr::eq(f.rule, &*o.info))
                    .filter_map(|f| f.item.as_ref().map(|i| i.label.clone()))
                    .collect();
                let mut want = Vec::new();
                for i in 0..items.len() {
                    let Some(item) = items.get(i) else { continue };
                    ctx.bindings.push(item);
                    let l = label.eval::<Nothing>(&mut ctx);
                    ctx.bindings.pop();
                    let shown = !l.is_unknown() && !l.is_null();
                    seen[usize::from(shown)] += 1;
                    want.push(shown.then(|| l.to_string()));
                }
                assert_eq!(labels, want, "{} {}", doc.key, o.info.id);
            }
        }
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "labels not shown, shown: {seen:?}"
    );
}

/// A finding carries the assumptions of its rule whose `when` holds for it (true, not unknown),
/// and no other.
#[test]
fn a_finding_rests_on_the_assumptions_whose_when_holds() {
    use crate::finding::Tri;
    let assumption = "[[assumption]]\nid = \"child\"\nwhen = \"@barn\"\ntext = { nb = \"Barn.\", nn = \"Barn.\", en = \"A child.\" }\n\n[ruleset.headline]";
    let set = library_with(&[
        ("ruleset.toml", "[ruleset.headline]", assumption),
        (
            "obligations.toml",
            "id = \"LIB-03\"\n",
            "id = \"LIB-03\"\nassumptions = [\"child\"]\n",
        ),
    ]);
    let mut seen = Vec::new();
    for name in ["ok.json", "child.json", "age-unstated.json"] {
        let path = Path::new(ROOT)
            .join("fixtures/library/rules/tests/inputs")
            .join(name);
        let doc = library_doc(&set, &std::fs::read_to_string(path).unwrap_or_default());
        let mut truths = Vec::new();
        let Some((slot, _)) = set.fact("barn") else {
            panic!("no fact barn")
        };
        let as_of = date("2026-06-01");
        let barn = crate::rules::FactIndex(slot);
        set.fact_truths(&doc, as_of, &[], &[barn], &mut truths);
        let child = truths.first() == Some(&Tri::Yes);
        seen.extend(truths);
        let e = set.evaluate(&doc, as_of, &EvalOptions::FULL);
        for f in &e.findings {
            let ids: Vec<&str> = f.assumptions.iter().map(|a| a.id.as_str()).collect();
            let want: &[&str] = if child && f.rule.id == "LIB-03" {
                &["child"]
            } else {
                &[]
            };
            assert_eq!(ids, want, "{name} {}", f.rule.id);
        }
    }
    assert_eq!(seen, [Tri::No, Tri::Yes, Tri::Unknown]);
}

/// In a closed document (`[ruleset.closed]`) a finding that would be pending does not apply,
/// has no deadline and says so in the closed text; every other finding is as it was, message
/// included.
#[test]
fn a_closed_document_has_nothing_pending_and_says_so_only_there() {
    let closed = "[ruleset.closed]\nwhen = \"true\"\nmessage = { nb = \"Lukket.\", nn = \"Lukka.\", en = \"Closed.\" }\n\n[ruleset.headline]";
    let set = library_with(&[("ruleset.toml", "[ruleset.headline]", closed)]);
    let (open, _, dir) = &sets()[1];
    let mut pending = 0;
    for doc in documents(open, dir) {
        let as_of = date("2026-06-01");
        let before = open.evaluate(&doc, as_of, &EvalOptions::FULL);
        let after = set.evaluate(&doc, as_of, &EvalOptions::FULL);
        assert_eq!(before.findings.len(), after.findings.len());
        for (b, a) in before.findings.iter().zip(&after.findings) {
            if b.status == Status::Pending {
                assert_eq!((a.status, a.deadline), (Status::NotApplicable, None));
                assert_eq!(a.message.en, "Closed.");
                pending += 1;
            } else {
                assert_eq!((a.status, a.deadline), (b.status, b.deadline));
                assert_eq!(a.message.en, b.message.en, "{} {}", doc.key, b.rule.id);
            }
        }
    }
    assert!(pending > 0, "nothing was pending");
}

/// The engine's own text for an unknown finding names every field to provide, in each language,
/// and names none when there is none.
#[test]
fn an_unknown_finding_s_own_text_names_each_field_to_provide() {
    use crate::finding::Evidence;
    let field = |p: &str| Evidence {
        pointer: p.to_string(),
        at: 0,
        value: Shown::Absent,
    };
    let missing = [field("/loans/0/returned"), field("/age")];
    let named = super::generic(Status::Unknown, &missing, None);
    let none = super::generic(Status::Unknown, &[], None);
    let list = "/loans/0/returned, /age";
    for (text, plain) in [
        (&named.nb, &none.nb),
        (&named.nn, &none.nn),
        (&named.en, &none.en),
    ] {
        assert!(text.contains(list), "{text}");
        // Not the request to provide fields with an empty list of them.
        assert!(
            !plain.is_empty() && *plain != text.replace(list, ""),
            "{plain}"
        );
    }
}

/// Values in texts read back as what they are: dates and numbers parse to themselves, strings
/// and booleans are as written, a list gives its length.
#[test]
fn values_in_texts_read_back_as_themselves() {
    use super::shown_text;
    let day = date("2026-02-28");
    assert_eq!(
        shown_text(&Shown::Date(day)).parse::<Date>().ok(),
        Some(day)
    );
    for n in [0.0, 14.0, -3.5, 1.0e6, 0.1] {
        assert_eq!(shown_text(&Shown::Number(n)).parse::<f64>().ok(), Some(n));
    }
    for b in [true, false] {
        assert_eq!(shown_text(&Shown::Bool(b)).parse::<bool>().ok(), Some(b));
    }
    assert_eq!(shown_text(&Shown::Str("Sult".into())), "Sult");
    assert!(shown_text(&Shown::List(7)).contains('7'));
    let others = [Shown::Absent, Shown::Null, Shown::Object];
    let shown: Vec<String> = others.iter().map(shown_text).collect();
    assert!(shown.iter().all(|s| !s.is_empty()), "{shown:?}");
    assert!(
        shown
            .iter()
            .enumerate()
            .all(|(i, s)| !shown[..i].contains(s)),
        "{shown:?}"
    );
}
