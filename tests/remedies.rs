//! Computed remedies round-trip: each finding's `to_meet` patch, applied to the input with a JSON
//! Patch implementation that is not the engine's (the `json-patch` crate), and the input checked
//! again, gives `met` for that finding; every other finding whose status changed is one the
//! remedy named. Over every valid fixture and generated initiatives.

use samstyr::eval::EvalOptions;
use samstyr::files::RuleFiles;
use samstyr::finding::{Evaluation, PatchOp, Status};
use samstyr::generator::{self, GenOptions};
use samstyr::rules::RuleSet;
use samstyr::schema::validate;
use samstyr::source::SourceFile;
use serde_json::Value as Json;
use std::path::Path;
use std::sync::OnceLock;

const AS_OF: &str = "2026-06-01";

fn rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let files = RuleFiles::from_dir(Path::new("rules")).unwrap_or_else(|e| panic!("{e}"));
        RuleSet::load(&files, &[])
            .unwrap_or_else(|d| panic!("{}", samstyr::diag::render(&d.0, false)))
    })
}

fn evaluate(set: &RuleSet, text: String, opts: &EvalOptions) -> Option<Evaluation> {
    let doc = validate(set.schema(), set.catalog(), SourceFile::new("d.json", text)).ok()?;
    Some(set.evaluate(&doc, AS_OF.parse().ok()?, opts))
}

/// Each finding as (rule, position among the findings of its rule) with its status.
fn keyed(e: &Evaluation) -> Vec<((String, usize), Status)> {
    let mut out: Vec<((String, usize), Status)> = Vec::new();
    for f in &e.findings {
        let n = out.iter().filter(|((r, _), _)| *r == f.rule.id).count();
        out.push(((f.rule.id.clone(), n), f.status));
    }
    out
}

#[derive(Default, Debug)]
struct Tally {
    open: usize,
    patched: usize,
    round_trip: usize,
    failures: Vec<String>,
}

fn to_patch(ops: &[PatchOp]) -> json_patch::Patch {
    let json: Vec<Json> = ops
        .iter()
        .map(|o| serde_json::json!({ "op": o.op, "path": o.path, "value": o.value }))
        .collect();
    serde_json::from_value(Json::Array(json)).unwrap_or_else(|e| panic!("not a JSON Patch: {e}"))
}

fn round_trip(set: &RuleSet, text: &str, t: &mut Tally) {
    let Some(e) = evaluate(set, text.to_string(), &EvalOptions::REMEDIES) else {
        return;
    };
    let before = keyed(&e);
    for (f, (key, _)) in e.findings.iter().zip(&before) {
        if !matches!(
            f.status,
            Status::Violated | Status::Pending | Status::Unknown
        ) {
            continue;
        }
        t.open += 1;
        let Some(tm) = &f.to_meet else {
            t.failures.push(format!("{key:?}: no to_meet"));
            continue;
        };
        if tm.patch.is_empty() {
            continue;
        }
        t.patched += 1;
        let mut doc: Json =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_default();
        if let Err(err) = json_patch::patch(&mut doc, &to_patch(&tm.patch)) {
            t.failures
                .push(format!("{key:?}: the patch does not apply: {err}"));
            continue;
        }
        let Some(after) = evaluate(set, doc.to_string(), &EvalOptions::COUNTS) else {
            t.failures
                .push(format!("{key:?}: the patched input is invalid"));
            continue;
        };
        let after = keyed(&after);
        let met = after.iter().any(|(k, s)| k == key && *s == Status::Met);
        let unnamed: Vec<String> = after
            .iter()
            .filter(|(k, s)| {
                k != key
                    && before.iter().find(|(b, _)| b == k).map(|(_, s0)| s0) != Some(s)
                    && !tm
                        .changes
                        .iter()
                        .any(|c| c.rule == k.0 && c.to == *s && c.item.is_none_or(|i| i == k.1))
            })
            .map(|(k, s)| format!("{} [{}] → {}", k.0, k.1, s.name()))
            .collect();
        if met && unnamed.is_empty() {
            t.round_trip += 1;
        } else if t.failures.len() < 10 {
            t.failures.push(format!(
                "{key:?} on {text}: patch {:?}: met {met}, changed without being named {unnamed:?}",
                tm.patch
            ));
        }
    }
}

fn report(name: &str, t: &Tally) {
    println!(
        "{name}: {} findings violated/pending/unknown, {} with a patch ({:.1} %), {} of those round-trip ({:.1} %)",
        t.open,
        t.patched,
        100.0 * t.patched as f64 / t.open.max(1) as f64,
        t.round_trip,
        100.0 * t.round_trip as f64 / t.patched.max(1) as f64
    );
}

#[test]
fn every_fixture_patch_makes_its_finding_met() {
    let set = rules();
    let mut t = Tally::default();
    let mut paths: Vec<_> = std::fs::read_dir("fixtures/initiatives/valid")
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        round_trip(set, &text, &mut t);
    }
    report("fixtures", &t);
    assert!(t.patched > 0);
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n"));
}

fn generated(count: u64) -> Tally {
    let set = rules();
    let text = std::fs::read_to_string("rules/generator/samstyring.toml").unwrap_or_default();
    let profile = generator::load(
        &SourceFile::new("rules/generator/samstyring.toml", text),
        set.schema(),
        set.catalog(),
    )
    .unwrap_or_else(|d| panic!("{}", samstyr::diag::render(&d.0, false)));
    let opts = GenOptions {
        count,
        seed: 3,
        invalid_rate: 0.0,
    };
    let mut t = Tally::default();
    for i in 0..count {
        round_trip(set, &generator::document(&profile, &opts, i), &mut t);
    }
    t
}

#[test]
fn generated_patches_make_their_findings_met() {
    let t = generated(30);
    report("generated", &t);
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n"));
}

/// The figures of BENCHMARKS.md and the closing note:
/// `cargo test --release --test tests remedies::round_trip_over_10000 -- --ignored --nocapture`.
#[test]
#[ignore]
fn round_trip_over_10000_generated_initiatives() {
    let t = generated(10_000);
    report("generated", &t);
    for f in t.failures.iter().take(3) {
        println!("{f}");
    }
    assert!(t.failures.is_empty());
}
