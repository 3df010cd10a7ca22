//! What every fuzz target shares: the embedded rule set loaded once, and the downstream half of the
//! pipeline (evaluate, every renderer) run on whatever the target managed to build, so a value the
//! reader lets through is also shown to the evaluator and to each output format.

#![allow(dead_code)]

use samstyr::cli::check::run_info;
use samstyr::diag::{Diagnostics, render};
use samstyr::report::{self, Gate, Input, Outcome};
use samstyr::eval::EvalOptions;
use samstyr::rules::RuleSet;
use samstyr::schema::Document;
use samstyr::text::Lang;
use std::sync::OnceLock;

/// The embedded rule set. It is part of the binary and loads in every test run, so failing to
/// load it here is a broken build, not a fuzz finding.
pub fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(
        || match RuleSet::load(&samstyr::files::RuleFiles::embedded(), &[]) {
            Ok(r) => r,
            Err(d) => panic!("embedded rules do not load:\n{}", render(&d.0, false)),
        },
    )
}

pub fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 6, 1)
}

/// Evaluates `doc` and renders the result in every format and language.
pub fn evaluate_and_render(rules: &RuleSet, doc: &Document) {
    let e = rules.evaluate(doc, as_of(), &EvalOptions::default());
    // The counting path `report` takes must give the full evaluation's statuses and deadlines.
    let mut counted = samstyr::eval::Counts::default();
    let mut buffers = samstyr::eval::Buffers::default();
    rules.count_received(doc, as_of(), &[], &mut counted, &mut buffers);
    let mut reduced = samstyr::eval::Counts::default();
    reduced.reduce(rules, &e);
    assert_eq!(counted, reduced, "counting differs from the full evaluation");
    let input = Input {
        label: doc.source.name().to_string(),
        source: Some(doc.source.clone()),
        title: Some(doc.key.clone()),
        outcome: Outcome::Evaluated(Box::new(e)),
    };
    render_all(rules, &[input]);
}

/// Renders diagnostics the way the CLI does, and as part of a report.
pub fn render_invalid(rules: &RuleSet, label: &str, d: Diagnostics) {
    let _ = render(&d.0, false);
    for x in d.iter() {
        let _ = x.one_line();
    }
    let input = Input {
        label: label.to_string(),
        source: d.iter().find_map(|x| x.file.clone()),
        title: None,
        outcome: Outcome::Invalid(d),
    };
    render_all(rules, &[input]);
}

fn render_all(rules: &RuleSet, inputs: &[Input]) {
    for lang in [Lang::Nb, Lang::En] {
        let run = run_info(rules, as_of(), lang, Gate::default());
        let _ = report::text::render(&run, inputs, false);
        let _ = report::json::render(&run, inputs);
        let _ = report::sarif::render(&run, inputs);
        let _ = report::junit::render(&run, inputs);
        let _ = report::github::render(&run, inputs);
        let _ = report::markdown::render(&run, inputs);
    }
}

/// Validates `source` both ways, quiet pass first (`schema::validate`) and the reporting pass
/// alone, and fails unless both give the same tree or the same diagnostics. Returns the answer.
pub fn validate_both_ways(
    rules: &RuleSet,
    source: samstyr::source::SourceFile,
) -> Result<Document, Diagnostics> {
    let (schema, catalog) = (rules.schema(), rules.catalog());
    let result = samstyr::schema::validate(schema, catalog, source.clone());
    let limits = samstyr::json::Limits::default();
    let reporting = samstyr::schema::validate_reporting(schema, catalog, source, limits);
    match (&result, &reporting) {
        (Ok(a), Ok(b)) => assert!(
            a.key == b.key && a.tree.same(&a.root, &b.tree, &b.root),
            "the quiet and the reporting pass build different trees"
        ),
        (Err(a), Err(b)) => assert_eq!(render(&a.0, false), render(&b.0, false)),
        _ => panic!("the quiet and the reporting pass disagree"),
    }
    result
}
