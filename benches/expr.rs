//! The expression evaluator alone: compiled compound expressions evaluated on one small,
//! already validated document (the loan format of `fixtures/expr/`), with reads recorded as the
//! rule evaluator records them. Run with `cargo bench --bench expr`.

use criterion::{Criterion, criterion_group, criterion_main};
use samstyr::expr::{self, Compiled, Ctx, Dur, Names, Reads, Type, Val};
use samstyr::source::SourceFile;
use std::hint::black_box;
use std::time::Duration;

const INPUT: &str = include_str!("../fixtures/expr/input.toml");
const CATALOG: &str = include_str!("../fixtures/expr/catalog.toml");
const DOC: &str = include_str!("../fixtures/expr/docs/full.json");

const EXPRS: &[(&str, &str)] = &[
    (
        "logic",
        "kind == 'book' and member and fee > 10 or any(c in copies: c.state == 'worn' and c.pages > 200)",
    ),
    (
        "dates",
        "all(c in copies: present(c.due) and c.due >= borrowed + $grace_days days) or borrower.age >= 18",
    ),
    (
        "aggregate",
        "min(c in filter(x in copies: x.state in ['new', 'worn']): c.due ?? borrowed + $notice)",
    ),
    (
        "catalog",
        "any(g in genres: catalog.genres[g].adult) and not ('poetry' in genres and fee > 100)",
    ),
];

fn bench(c: &mut Criterion) {
    let catalog = samstyr::catalog::load(&[SourceFile::new("catalog.toml", CATALOG)])
        .unwrap_or_else(|d| panic!("{d:?}"));
    let schema = samstyr::schema::load_against(&SourceFile::new("input.toml", INPUT), &catalog)
        .unwrap_or_else(|d| panic!("{d:?}"));
    let doc = samstyr::schema::validate(&schema, &catalog, SourceFile::new("doc.json", DOC))
        .unwrap_or_else(|d| panic!("{d:?}"));
    let params = vec![Val::Number(14.0), Val::Duration(Dur { months: 3, days: 0 })];
    let param_type = |id: &str| match id {
        "grace_days" => Some((0, Type::Number)),
        "notice" => Some((1, Type::Duration)),
        _ => None,
    };
    let no_facts = |_: &str| None;
    let names = Names {
        schema: &schema,
        catalog: &catalog,
        facts: &no_facts,
        params: &param_type,
        bindings: &[],
        ref_date: true,
        fact_ids: &[],
        param_ids: &[],
    };
    let compiled: Vec<(&str, Compiled)> = EXPRS
        .iter()
        .map(|(name, text)| {
            let file = SourceFile::new("bench.toml", *text);
            let e = expr::parse(&file, 0, text).unwrap_or_else(|d| panic!("{d:?}"));
            let c = expr::compile(&e, &names, &file).unwrap_or_else(|d| panic!("{d:?}"));
            (*name, c)
        })
        .collect();

    let mut group = c.benchmark_group("expr");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let today = jiff::civil::date(2026, 6, 1);
    let mut ctx = Ctx::new(&schema, &catalog, doc.value(), &params, today);
    for (name, c) in &compiled {
        group.bench_function(*name, |b| {
            b.iter(|| {
                ctx.reads.clear();
                black_box(c.eval::<Reads>(&mut ctx).truth())
            })
        });
    }
    group.bench_function("all four", |b| {
        b.iter(|| {
            for (_, c) in &compiled {
                ctx.reads.clear();
                black_box(c.eval::<Reads>(&mut ctx).truth());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
