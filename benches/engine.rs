//! The rule engine alone: a compiled rule set evaluated on one document that is already parsed
//! and validated — every fact, the headline and every obligation (BENCHMARKS.md, "The budget": ≤ 3 µs median
//! for the samstyring rules). Run with `cargo bench --bench engine`.
//!
//! Four variants per rule set: statuses only (what a CI gate needs), with evidence, and with
//! evidence and both languages' messages rendered (what a report needs); and the counting path
//! a portfolio report runs on every document (`RuleSet::count_received`).

use criterion::{Criterion, criterion_group, criterion_main};
use samstyr::eval::Buffers;
use samstyr::eval::{Counts, EvalOptions};
use samstyr::files::RuleFiles;
use samstyr::rules::RuleSet;
use samstyr::schema::{Document, validate};
use samstyr::source::SourceFile;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

// The engine as the binary runs it, with the binary's allocator (`src/main.rs`): an evaluation
// allocates its findings, and what the system allocator would charge for them is not what a
// user of samstyr pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load(files: RuleFiles) -> RuleSet {
    match RuleSet::load(&files, &[]) {
        Ok(s) => s,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    }
}

fn document(set: &RuleSet, path: &str) -> Document {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match validate(set.schema(), set.catalog(), SourceFile::new(path, text)) {
        Ok(d) => d,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    }
}

fn bench_set(c: &mut Criterion, name: &str, set: &RuleSet, doc: &Document) {
    let as_of = "2026-06-01".parse().unwrap_or_default();
    let variants = [
        (
            "status",
            EvalOptions {
                messages: false,
                evidence: false,
                locate: true,
                remedies: false,
            },
        ),
        (
            "evidence",
            EvalOptions {
                messages: false,
                evidence: true,
                locate: true,
                remedies: false,
            },
        ),
        (
            "full",
            EvalOptions {
                messages: true,
                evidence: true,
                locate: true,
                remedies: false,
            },
        ),
    ];
    for (v, opts) in variants {
        c.bench_function(&format!("{name}/{v}"), |b| {
            b.iter(|| black_box(set.evaluate(black_box(doc), as_of, &opts)))
        });
    }
    // What `report` runs on every document: statuses, deadlines, fact truths and the headline,
    // into buffers reused from one evaluation to the next.
    let mut counts = Counts::default();
    let mut buffers = Buffers::default();
    c.bench_function(&format!("{name}/counts"), |b| {
        b.iter(|| {
            set.count_received(black_box(doc), as_of, &[], &mut counts, &mut buffers);
            black_box(counts.findings.len())
        })
    });
}

fn engine(c: &mut Criterion) {
    let samstyring = load(RuleFiles::embedded());
    let doc = document(
        &samstyring,
        "fixtures/initiatives/valid/dodsfall-og-arv.json",
    );
    bench_set(c, "samstyring", &samstyring, &doc);

    let library = match RuleFiles::from_dir(Path::new("fixtures/library/rules")) {
        Ok(f) => load(f),
        Err(e) => panic!("{e}"),
    };
    let doc = document(&library, "fixtures/library/rules/tests/inputs/overdue.json");
    bench_set(c, "library", &library, &doc);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = engine
}
criterion_main!(benches);
