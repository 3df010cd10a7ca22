//! Batches: a generated portfolio (the embedded rules' generator profile, seed 1) judged the way
//! `samstyr report --format json` judges it, beside the stages it is made of and the parse-only
//! floor the batch budget (BENCHMARKS.md, "The budget") measures it against. Run with `cargo bench --bench batch`.
//!
//! Single-threaded stages (per document): generic JSON parsing (`serde_json::Value`, the floor),
//! reading + validation into the value tree, validation + evaluation of every rule with statuses
//! only. Whole runs (all cores, file reading included): `portfolio::run` with aggregates only,
//! and `portfolio::parse_only` over the same file. Whole-process figures on 10 000 to 1 000 000
//! documents come from `scripts/bench-batch.sh`; see BENCHMARKS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use samstyr::eval::EvalOptions;
use samstyr::files::RuleFiles;
use samstyr::generator::{self, GenOptions};
use samstyr::input::{Label, Unit, check_unit};
use samstyr::portfolio::{self, Detail, Options, Source};
use samstyr::rules::RuleSet;
use samstyr::source::SourceFile;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

const COUNT: u64 = 2_000;

fn rules() -> RuleSet {
    match RuleSet::load(&RuleFiles::embedded(), &[]) {
        Ok(r) => r,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    }
}

/// `COUNT` generated documents, one JSON text each.
fn lines(rules: &RuleSet) -> Vec<String> {
    let files = RuleFiles::embedded();
    let profile = match files.generator.first() {
        Some(f) => generator::load(f, rules.schema(), rules.catalog()),
        None => generator::defaults(rules.schema(), rules.catalog()),
    };
    let profile = match profile {
        Ok(p) => p,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    };
    let opts = GenOptions {
        count: COUNT,
        seed: 1,
        invalid_rate: 0.0,
    };
    (0..COUNT)
        .map(|i| generator::document(&profile, &opts, i))
        .collect()
}

fn unit(i: usize, text: &str) -> Unit {
    Unit {
        label: Label::line(&"bench.jsonl".into(), i + 1),
        source: Ok(SourceFile::with_first_line("bench.jsonl", text, i + 1)),
        offset: None,
    }
}

fn batch(c: &mut Criterion) {
    let rules = rules();
    let lines = lines(&rules);
    let as_of = jiff::civil::date(2026, 6, 1);
    // What `report --format json` asks for: statuses and deadlines to count.
    let status = EvalOptions::COUNTS;
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(COUNT));
    g.bench_function("parse_only_serde_json", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(serde_json::from_str::<serde_json::Value>(l).is_ok());
            }
        })
    });
    g.bench_function("validate", |b| {
        b.iter(|| {
            for (i, l) in lines.iter().enumerate() {
                black_box(
                    check_unit(rules.schema(), rules.catalog(), unit(i, l))
                        .result
                        .is_ok(),
                );
            }
        })
    });
    g.bench_function("validate_and_evaluate", |b| {
        b.iter(|| {
            for (i, l) in lines.iter().enumerate() {
                if let Ok(doc) = check_unit(rules.schema(), rules.catalog(), unit(i, l)).result {
                    black_box(rules.evaluate(&doc, as_of, &status).findings.len());
                }
            }
        })
    });

    // Whole runs over a file, on every core.
    let path: PathBuf =
        std::env::temp_dir().join(format!("samstyr-bench-{}.jsonl", std::process::id()));
    let mut text = lines.join("\n");
    text.push('\n');
    if let Err(e) = std::fs::write(&path, text) {
        panic!("{e}");
    }
    let source = Source::Paths(vec![path.clone()]);
    let opts = Options::new(as_of, Detail::Aggregates);
    g.bench_function("run_parse_only", |b| {
        b.iter(|| {
            black_box(portfolio::parse_only(
                std::slice::from_ref(&path),
                portfolio::DEFAULT_CHUNK,
            ))
        })
    });
    g.bench_function("run_report_json", |b| {
        b.iter(|| black_box(portfolio::run(&rules, &source, &opts).aggregates.inputs))
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = batch
}
criterion_main!(benches);
