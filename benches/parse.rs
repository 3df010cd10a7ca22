//! Reading one initiative: samstyr's parse + validate against plain `serde_json::Value` parsing
//! of the same text, the floor the batch budget (BENCHMARKS.md) is measured against.
//!
//! `cargo bench --bench parse` (add `-- --quick` for a short run).

use criterion::{Criterion, criterion_group, criterion_main};
use samstyr::files::RuleFiles;
use samstyr::schema::{load_input_side, validate};
use samstyr::source::SourceFile;
use std::hint::black_box;

const FIXTURES: &[&str] = &["digisos.json", "uavklart-ide.json"];

fn bench(c: &mut Criterion) {
    let (schema, catalog) = match load_input_side(&RuleFiles::embedded()) {
        Ok(x) => x,
        Err(d) => panic!("the embedded input side does not load: {d}"),
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/initiatives/valid/");
    for name in FIXTURES {
        let pretty = std::fs::read_to_string(format!("{dir}{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Batches arrive as JSONL: one compact line per initiative.
        let text = match serde_json::from_str::<serde_json::Value>(&pretty) {
            Ok(v) => v.to_string(),
            Err(e) => panic!("{name}: {e}"),
        };
        let mut g = c.benchmark_group(format!("{name} ({} bytes)", text.len()));
        g.bench_function("samstyr parse+validate", |b| {
            b.iter(|| {
                let source = SourceFile::new("bench.json", black_box(text.as_str()));
                black_box(validate(&schema, &catalog, source).is_ok())
            })
        });
        g.bench_function("samstyr json::parse (tree only)", |b| {
            b.iter(|| black_box(samstyr::json::parse(black_box(&text)).is_ok()))
        });
        g.bench_function("serde_json::Value", |b| {
            b.iter(|| {
                black_box(serde_json::from_str::<serde_json::Value>(black_box(&text)).is_ok())
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
