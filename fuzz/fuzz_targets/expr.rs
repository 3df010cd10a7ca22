//! The expression language: any bytes → parse (plain and `NAME in LIST` forms) → name resolution
//! and type checking against the embedded input schema and catalog → evaluation on a few valid
//! initiatives, so every expression that compiles is also run, by the one evaluator with each
//! recorder (reads, a trace, nothing), which must give one value.

#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use samstyr::expr::{self, Ctx, Dur, Names, Nothing, Reads, Type, Val};
use samstyr::schema::{self, Document};
use samstyr::source::SourceFile;
use std::sync::OnceLock;

/// Stand-in facts and parameters, one of each type an expression can meet.
fn fact(id: &str) -> Option<(usize, Type)> {
    match id {
        "b" => Some((0, Type::Bool)),
        "d" => Some((1, Type::Date)),
        "n" => Some((2, Type::Number)),
        "s" => Some((3, Type::String)),
        _ => None,
    }
}

fn param(id: &str) -> Option<(usize, Type)> {
    match id {
        "days" => Some((0, Type::Number)),
        "notice" => Some((1, Type::Duration)),
        "when" => Some((2, Type::Date)),
        _ => None,
    }
}

const DOCS: [&str; 3] = [
    include_str!("../../fixtures/initiatives/valid/dodsfall-og-arv.json"),
    include_str!("../../fixtures/initiatives/valid/uavklart-ide.json"),
    include_str!("../../fixtures/initiatives/valid/felles-tiltak-forlenget.json"),
];

fn docs() -> &'static [Document] {
    static D: OnceLock<Vec<Document>> = OnceLock::new();
    D.get_or_init(|| {
        let rules = common::rules();
        DOCS.iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let f = SourceFile::new(format!("doc{i}.json"), *t);
                schema::validate(rules.schema(), rules.catalog(), f).ok()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // As the loader sees it: inside a TOML string, so spans are offsets into a larger file.
    let head = "[[fact]]\nid = \"fuzz\"\nexpr = '''";
    let file = SourceFile::new("fuzz.toml", format!("{head}{text}'''\n"));
    let _ = expr::parse_for_each(&file, head.len(), text);
    let parsed = match expr::parse(&file, head.len(), text) {
        Ok(p) => p,
        Err(d) => {
            let _ = samstyr::diag::render(&d.0, false);
            return;
        }
    };
    let rules = common::rules();
    let fact_ids = ["b", "d", "n", "s"].map(String::from);
    let param_ids = ["days", "notice", "when"].map(String::from);
    let names = Names {
        schema: rules.schema(),
        catalog: rules.catalog(),
        facts: &fact,
        params: &param,
        bindings: &[],
        ref_date: true,
        fact_ids: &fact_ids,
        param_ids: &param_ids,
    };
    let compiled = match expr::compile(&parsed, &names, &file) {
        Ok(c) => c,
        Err(d) => {
            let _ = samstyr::diag::render(&d.0, false);
            return;
        }
    };
    let params = [
        Val::Number(14.0),
        Val::Duration(Dur { months: 3, days: 0 }),
        Val::Date(jiff::civil::date(2020, 9, 14)),
    ];
    for doc in docs() {
        // Recording reads, tracing, and recording nothing: one evaluator, three recorders,
        // which must give one value.
        let mut recorded = None;
        for mode in 0..3 {
            let mut ctx = Ctx::new(
                rules.schema(),
                rules.catalog(),
                doc.value(),
                &params,
                common::as_of(),
            );
            ctx.ref_date = Some(jiff::civil::date(2026, 3, 1));
            ctx.set_fact(0, Val::Bool(true));
            ctx.set_fact(1, Val::Date(jiff::civil::date(2026, 1, 31)));
            ctx.set_fact(2, Val::Number(1e9));
            ctx.set_fact(3, Val::Unknown);
            let v = match mode {
                0 => compiled.eval::<Reads>(&mut ctx),
                1 => compiled.traced(&mut ctx).0,
                _ => compiled.eval::<Nothing>(&mut ctx),
            };
            let _ = v.to_string();
            let _ = v.shown();
            for r in &ctx.reads {
                let _ = r.pointer(rules.schema());
            }
            let seen = format!("{v:?}");
            match mode {
                0 => recorded = Some((seen, v.truth())),
                _ => {
                    let truth = compiled.truth::<Nothing>(&mut ctx);
                    assert_eq!(
                        recorded.as_ref(),
                        Some(&(seen, truth)),
                        "recorders give different values on `{text}`"
                    );
                }
                _ => {}
            }
        }
    }
});
