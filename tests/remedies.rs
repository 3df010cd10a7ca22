//! Computed remedies round-trip: each finding's `to_meet` patch, applied to the input with a JSON
//! Patch implementation that is not the engine's (the `json-patch` crate), and the input checked
//! again, gives `met` for that finding; every other finding whose status changed is one the
//! remedy named in `to_meet_effects`, with the status it named. Over every valid fixture of both
//! rule sets (`rules/` and `fixtures/library/rules`) and over generated documents of both.
//!
//! Each test prints the share of open (violated, pending, unknown) findings with a patch and, of
//! those, the share that round-trip (`--nocapture` shows them); it fails on any that does not.

use samstyr::eval::EvalOptions;
use samstyr::files::RuleFiles;
use samstyr::finding::{Evaluation, PatchOp, Status};
use samstyr::generator::{self, GenOptions};
use samstyr::rules::RuleSet;
use samstyr::schema::validate;
use samstyr::source::SourceFile;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The as-of date of every fixture that does not name its own (the rule tests do).
const AS_OF: &str = "2026-06-01";

fn load(dir: &str) -> RuleSet {
    let files = RuleFiles::from_dir(Path::new(dir)).unwrap_or_else(|e| panic!("{e}"));
    RuleSet::load(&files, &[]).unwrap_or_else(|d| panic!("{}", samstyr::diag::render(&d.0, false)))
}

fn rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| load("rules"))
}

fn library() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| load("fixtures/library/rules"))
}

/// One document to check: its text and its as-of date.
struct Case {
    name: String,
    text: String,
    as_of: String,
}

fn evaluate<'r>(
    set: &'r RuleSet,
    text: &str,
    as_of: &str,
    opts: &EvalOptions,
) -> Option<Evaluation<'r>> {
    let doc = validate(
        set.schema(),
        set.catalog(),
        SourceFile::new("d.json", text.to_string()),
    )
    .ok()?;
    Some(set.evaluate(&doc, as_of.parse().ok()?, opts))
}

/// A finding: its rule and, for a per-item rule, its item's JSON pointer (a position among the
/// rule's findings would name another item once a change drops one before it).
type Key = (String, Option<String>);

/// Each finding's key, position among the findings of its rule, and status.
fn keyed(e: &Evaluation) -> Vec<(Key, usize, Status)> {
    let mut out: Vec<(Key, usize, Status)> = Vec::new();
    for f in &e.findings {
        let n = out.iter().filter(|((r, _), _, _)| *r == f.rule.id).count();
        let item = f.item.as_ref().map(|i| i.pointer.clone());
        out.push(((f.rule.id.clone(), item), n, f.status));
    }
    out
}

#[derive(Default, Debug)]
struct Tally {
    documents: usize,
    open: usize,
    patched: usize,
    round_trip: usize,
    /// Patches that leave another finding further from met (violated, pending or unknown).
    worse: usize,
    /// The words of those side effects, by the finding's rule.
    notes: std::collections::BTreeMap<String, usize>,
    failures: Vec<String>,
    /// Open findings without a patch, by rule, status and the words that say why.
    unpatched: std::collections::BTreeMap<(String, &'static str, String), usize>,
    /// Time spent evaluating with remedies, and with everything but remedies, over all
    /// documents (a rough measure of their cost: BENCHMARKS.md).
    with_remedies: Duration,
    without: Duration,
}

fn to_patch(ops: &[PatchOp]) -> json_patch::Patch {
    let json: Vec<Json> = ops
        .iter()
        .map(|o| serde_json::json!({ "op": o.op, "path": o.path, "value": o.value }))
        .collect();
    serde_json::from_value(Json::Array(json)).unwrap_or_else(|e| panic!("not a JSON Patch: {e}"))
}

fn round_trip(set: &RuleSet, case: &Case, t: &mut Tally) {
    let start = Instant::now();
    let Some(e) = evaluate(set, &case.text, &case.as_of, &EvalOptions::REMEDIES) else {
        return;
    };
    t.with_remedies += start.elapsed();
    let start = Instant::now();
    let _ = evaluate(set, &case.text, &case.as_of, &EvalOptions::FULL);
    t.without += start.elapsed();
    t.documents += 1;
    let before = keyed(&e);
    for (f, (key, pos, _)) in e.findings.iter().zip(&before) {
        if !matches!(
            f.status,
            Status::Violated | Status::Pending | Status::Unknown
        ) {
            continue;
        }
        t.open += 1;
        let Some(tm) = &f.to_meet else {
            t.failures
                .push(format!("{}: {key:?}: no to_meet", case.name));
            continue;
        };
        if tm.patch.is_empty() {
            let why = tm.text.en.chars().take(70).collect();
            *t.unpatched
                .entry((f.rule.id.clone(), f.status.name(), why))
                .or_default() += 1;
            continue;
        }
        t.patched += 1;
        if tm.changes.iter().any(|c| c.is_worse()) {
            t.worse += 1;
            let words = samstyr::report::to_meet_words(samstyr::text::Lang::En, tm);
            if let Some((_, note)) = words.split_once("Note: ") {
                *t.notes
                    .entry(format!("{} {}: {note}", f.rule.id, f.status.name()))
                    .or_default() += 1;
            }
        }
        let mut doc: Json =
            serde_json::from_str(case.text.trim_start_matches('\u{feff}')).unwrap_or_default();
        if let Err(err) = json_patch::patch(&mut doc, &to_patch(&tm.patch)) {
            t.failures.push(format!(
                "{}: {key:?}: the patch does not apply: {err}",
                case.name
            ));
            continue;
        }
        let Some(after) = evaluate(set, &doc.to_string(), &case.as_of, &EvalOptions::STATUSES)
        else {
            t.failures.push(format!(
                "{}: {key:?}: the patched input is invalid",
                case.name
            ));
            continue;
        };
        let after = keyed(&after);
        // A per-item rule undecided as a whole (no item yet) is one finding without an item;
        // once the change decides it, the finding at its position stands for it.
        let same = |a: &Key, an: usize, b: &Key, bn: usize| {
            a == b || (a.0 == b.0 && an == bn && (a.1.is_none() || b.1.is_none()))
        };
        let met = after
            .iter()
            .any(|(k, n, s)| same(k, *n, key, *pos) && *s == Status::Met);
        // A finding not there before (a new item) was not applicable, as the engine counts it.
        let unnamed: Vec<String> = after
            .iter()
            .filter(|(k, n, s)| {
                let was = before
                    .iter()
                    .find(|(b, bn, _)| same(b, *bn, k, *n))
                    .map_or(Status::NotApplicable, |(_, _, s0)| *s0);
                let both_inapplicable = inapplicable(was) && inapplicable(*s);
                !same(k, *n, key, *pos)
                    && was != *s
                    && !both_inapplicable
                    && !tm
                        .changes
                        .iter()
                        .any(|c| c.rule == k.0 && c.to == *s && c.item.is_none_or(|i| i == *n))
            })
            .map(|(k, _, s)| format!("{k:?} → {}", s.name()))
            .collect();
        // A finding that was there and is gone (its item dropped) counts as changed too, unless
        // it did not apply anyway.
        let gone: Vec<String> = before
            .iter()
            .filter(|(k, n, s)| {
                !after.iter().any(|(a, an, _)| same(a, *an, k, *n)) && !inapplicable(*s)
            })
            .filter(|(k, _, _)| !tm.changes.iter().any(|c| c.rule == k.0))
            .map(|(k, _, s)| format!("{k:?} ({}) gone", s.name()))
            .collect();
        if met && unnamed.is_empty() && gone.is_empty() {
            t.round_trip += 1;
        } else if t.failures.len() < 20 {
            t.failures.push(format!(
                "{} (as of {}): {key:?}: patch {:?}: met {met}, changed without being named {unnamed:?} {gone:?}",
                case.name,
                case.as_of,
                serde_json::to_string(&to_patch(&tm.patch)).unwrap_or_default(),
            ));
        } else {
            t.failures.push(String::new());
        }
    }
}

fn inapplicable(s: Status) -> bool {
    matches!(s, Status::NotApplicable | Status::NotInForce)
}

fn report(name: &str, t: &Tally) {
    println!(
        "{name}: {} documents, {} findings violated/pending/unknown, {} with a patch ({:.1} %), {} of those round-trip ({:.1} %)",
        t.documents,
        t.open,
        t.patched,
        100.0 * t.patched as f64 / t.open.max(1) as f64,
        t.round_trip,
        100.0 * t.round_trip as f64 / t.patched.max(1) as f64
    );
    println!(
        "{name}: {} patches ({:.1} %) leave another finding further from met",
        t.worse,
        100.0 * t.worse as f64 / t.patched.max(1) as f64
    );
    let mut notes: Vec<_> = t.notes.iter().collect();
    notes.sort_by(|a, b| b.1.cmp(a.1));
    for (note, n) in notes.iter().take(8) {
        println!("{name}: side effect: {n} × {note}");
    }
    let mut groups: Vec<_> = t.unpatched.iter().collect();
    groups.sort_by(|a, b| b.1.cmp(a.1));
    for ((rule, status, why), n) in groups
        .iter()
        .enumerate()
        .filter(|(i, ((_, _, why), _))| *i < 12 || why.contains("limit"))
        .map(|(_, g)| g)
    {
        println!("{name}: without a patch: {n} × {rule} {status}: {why}");
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / t.documents.max(1) as f64;
    println!(
        "{name}: per document, validated and evaluated with remedies {:.0} µs, without {:.0} µs",
        per(t.with_remedies),
        per(t.without)
    );
}

fn check(name: &str, set: &RuleSet, cases: &[Case]) -> Tally {
    let mut t = Tally::default();
    for c in cases {
        round_trip(set, c, &mut t);
    }
    report(name, &t);
    let shown: Vec<&str> = t
        .failures
        .iter()
        .filter(|f| !f.is_empty())
        .map(String::as_str)
        .collect();
    assert!(
        t.failures.is_empty(),
        "{} of {} patches do not round-trip:\n{}",
        t.failures.len(),
        t.patched,
        shown.join("\n")
    );
    t
}

fn files_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            files_in(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "jsonl") {
            out.push(p);
        }
    }
}

/// Every JSON document (and JSONL line) under `dirs`, at [`AS_OF`]; those the rule set finds
/// invalid (the invalid fixtures, another domain's documents) are skipped by the check.
fn documents(dirs: &[&str]) -> Vec<Case> {
    let mut paths = Vec::new();
    for d in dirs {
        files_in(Path::new(d), &mut paths);
    }
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let name = p.display().to_string();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                out.push(Case {
                    name: format!("{name}:{}", n + 1),
                    text: line.to_string(),
                    as_of: AS_OF.into(),
                });
            }
        } else {
            out.push(Case {
                name,
                text,
                as_of: AS_OF.into(),
            });
        }
    }
    out
}

/// The inputs of a rule set's own tests (`tests/*.toml` beside the rules), each at its case's
/// as-of date.
fn rule_tests(dir: &str) -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(Path::new(dir).join("tests"))
        .unwrap_or_else(|e| panic!("{dir}/tests: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{p:?}: {e}"));
        for case in doc
            .get("case")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let (Some(input), Some(as_of)) = (
                case.get("input").and_then(|v| v.as_str()),
                case.get("as_of").map(|v| v.to_string()),
            ) else {
                continue;
            };
            let path = Path::new(dir).join("tests").join(input);
            out.push(Case {
                name: path.display().to_string(),
                text: std::fs::read_to_string(&path).unwrap_or_default(),
                as_of: as_of.trim_matches('"').to_string(),
            });
        }
    }
    out
}

#[test]
fn every_fixture_patch_makes_its_finding_met() {
    let mut cases = rule_tests("rules");
    cases.extend(documents(&[
        "fixtures/initiatives/valid",
        "fixtures/batch",
        "fixtures/portfolio",
    ]));
    let t = check("fixtures (rules/)", rules(), &cases);
    assert!(t.documents > 150 && t.patched > 0, "{t:?}");
}

#[test]
fn every_library_fixture_patch_makes_its_finding_met() {
    let mut cases = rule_tests("fixtures/library/rules");
    cases.extend(documents(&["fixtures/library/rules/tests/inputs"]));
    let t = check("fixtures (fixtures/library/rules)", library(), &cases);
    assert!(t.documents > 10 && t.patched > 0, "{t:?}");
}

/// `count` documents of the generator `profile` for `set`.
fn generated(set: &RuleSet, profile: &str, count: u64) -> Vec<Case> {
    let text = std::fs::read_to_string(profile).unwrap_or_default();
    let profile = generator::load(&SourceFile::new(profile, text), set.schema(), set.catalog())
        .unwrap_or_else(|d| panic!("{}", samstyr::diag::render(&d.0, false)));
    let opts = GenOptions {
        count,
        seed: 3,
        invalid_rate: 0.0,
    };
    (0..count)
        .map(|i| Case {
            name: format!("generated #{i}"),
            text: generator::document(&profile, &opts, i),
            as_of: AS_OF.into(),
        })
        .collect()
}

const PROFILE: &str = "rules/generator/samstyring.toml";
const LIBRARY_PROFILE: &str = "fixtures/generator/valid/library.toml";

/// A few generated documents of each rule set in every `cargo test`; the 10 000 below are too
/// slow for a debug build.
#[test]
fn generated_patches_make_their_findings_met() {
    check(
        "generated (rules/)",
        rules(),
        &generated(rules(), PROFILE, 40),
    );
    check(
        "generated (fixtures/library/rules)",
        library(),
        &generated(library(), LIBRARY_PROFILE, 40),
    );
}

/// 10 000 generated initiatives (and 2 000 library documents): the figures of docs/testing.md.
/// Ignored in a plain `cargo test` (minutes in a debug build); `.ci/run` runs it in release:
/// `cargo test --release --test tests remedies::round_trip_over_10000 -- --ignored --nocapture`.
#[test]
#[ignore]
fn round_trip_over_10000_generated_initiatives() {
    check(
        "generated (rules/)",
        rules(),
        &generated(rules(), PROFILE, 10_000),
    );
    check(
        "generated (fixtures/library/rules)",
        library(),
        &generated(library(), LIBRARY_PROFILE, 2_000),
    );
}

/// A remedy that adds an item fills in the fields other rules read of it where that keeps them
/// from getting worse: the co-governance body the fixture lacks comes with who appoints its
/// municipal members (else SAM-03 on the new body would be unknown), and with as many state
/// members as the rule allows (the boundary of `municipal_members >= state_members`), not none.
#[test]
fn an_added_item_leaves_no_other_finding_worse() {
    let text = std::fs::read_to_string("fixtures/initiatives/valid/dodsfall-og-arv.json")
        .unwrap_or_default();
    let Some(e) = evaluate(rules(), &text, AS_OF, &EvalOptions::REMEDIES) else {
        panic!("the fixture is valid");
    };
    let Some(tm) = e
        .findings
        .iter()
        .find(|f| f.rule.id == "SAM-11")
        .and_then(|f| f.to_meet.as_deref())
    else {
        panic!("SAM-11 has a remedy");
    };
    let [op] = &tm.patch[..] else {
        panic!("one operation: {:?}", tm.patch);
    };
    assert_eq!(op.path, "/bodies");
    let body = &op.value[0];
    assert_eq!(body["municipal_appointed_by"], "KS", "{body}");
    assert_eq!(body["municipal_members"], body["state_members"], "{body}");
    assert!(tm.changes.iter().all(|c| !c.is_worse()), "{:?}", tm.changes);
}

/// A free text the rule only asks to be there (a deviation's proposal, absent; the reason for a
/// short consultation period, stated as `null`) is remedied by stating one: the patch holds a
/// stand-in, and the words tell the reader the text is theirs to write, in each language.
/// Before, the search had no candidate for a text and said no change could meet it.
#[test]
fn a_missing_free_text_is_remedied_by_a_text_the_reader_writes() {
    for (fixture, rule, path, op_name) in [
        ("datafordeler", "SAM-07b", "/deviations/0/proposal", "add"),
        (
            "forskrift-hoering",
            "SAM-17b",
            "/hearing/short_deadline_reason",
            "replace",
        ),
    ] {
        let text = std::fs::read_to_string(format!("fixtures/initiatives/valid/{fixture}.json"))
            .unwrap_or_default();
        let Some(e) = evaluate(rules(), &text, AS_OF, &EvalOptions::REMEDIES) else {
            panic!("{fixture} is valid");
        };
        let Some(tm) = e
            .findings
            .iter()
            .find(|f| f.rule.id == rule && f.status == Status::Violated)
            .and_then(|f| f.to_meet.as_deref())
        else {
            panic!("{fixture}: {rule} is violated and has a remedy");
        };
        let [op] = &tm.patch[..] else {
            panic!("{fixture}: one operation: {:?}", tm.patch);
        };
        assert_eq!((op.op, op.path.as_str()), (op_name, path), "{fixture}");
        assert!(
            op.value.as_str().is_some_and(|s| !s.trim().is_empty()),
            "{op:?}"
        );
        assert!(
            tm.text.nb.ends_with(": egen tekst.") || tm.text.nb.ends_with(" til egen tekst."),
            "{}",
            tm.text.nb
        );
        assert!(tm.text.nn.ends_with("eigen tekst."), "{}", tm.text.nn);
        assert!(
            tm.text.en.ends_with("a text of your own."),
            "{}",
            tm.text.en
        );
        assert!(tm.text.en.contains(&format!("({path})")), "{}", tm.text.en);
    }
}
