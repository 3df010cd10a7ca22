//! The engine alone, for instruction counts: evaluate the embedded rule set on one parsed
//! document N times. `valgrind --tool=callgrind` it twice (N = 0 and N = 1000) and divide the
//! difference by 1000 for instructions per document:
//!
//! ```text
//! cargo build --release --example engine_profile
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/engine_profile status 1000
//! ```
//!
//! Modes: `tally` (`RuleSet::count_received`, what `report` runs on every document), `counts`
//! (`EvalOptions::COUNTS`: a full `Evaluation` with statuses and deadlines only), `status` (no
//! messages, no evidence, missing fields located), `evidence`, `full` (evidence and messages).

use samstyr::eval::EvalOptions;
use samstyr::files::RuleFiles;
use samstyr::rules::RuleSet;
use samstyr::schema::validate;
use samstyr::source::SourceFile;
use std::hint::black_box;

// The binary's allocator, as in the engine bench (`benches/engine.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("status", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let path = args.get(3).map_or(
        "fixtures/initiatives/valid/dodsfall-og-arv.json",
        String::as_str,
    );
    let opts = match mode {
        "counts" => EvalOptions::COUNTS,
        "status" => EvalOptions {
            messages: false,
            evidence: false,
            locate: true,
            remedies: false,
        },
        "evidence" => EvalOptions {
            messages: false,
            evidence: true,
            locate: true,
            remedies: false,
        },
        _ => EvalOptions {
            messages: true,
            evidence: true,
            locate: true,
            remedies: false,
        },
    };
    let set = match RuleSet::load(&RuleFiles::embedded(), &[]) {
        Ok(s) => s,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let doc = match validate(set.schema(), set.catalog(), SourceFile::new(path, text)) {
        Ok(d) => d,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    };
    let as_of = "2026-06-01".parse().unwrap_or_default();
    let mut findings = 0;
    let started = std::time::Instant::now();
    if mode == "tally" {
        let mut counts = samstyr::eval::Counts::default();
        let mut buffers = samstyr::eval::Buffers::default();
        for _ in 0..n {
            set.count_received(black_box(&doc), as_of, &[], &mut counts, &mut buffers);
            findings += black_box(counts.findings.len());
        }
    }
    for _ in (0..n).filter(|_| mode != "tally") {
        let e = set.evaluate(black_box(&doc), as_of, &opts);
        findings += black_box(e).findings.len();
    }
    let ns = started.elapsed().as_nanos() / n.max(1) as u128;
    println!("{mode}: {n} evaluations, {findings} findings, {ns} ns each");
}
