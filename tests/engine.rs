//! The rule engine end to end, on a rule set that has nothing to do with samstyring (library
//! loans, `fixtures/library/`): loading, every kind of load error (`fixtures/rules/invalid/`),
//! evaluation and status derivation, rule tests, the `rules` and `explain` commands, and
//! properties of evaluation (determinism, three-valued logic).

use proptest::prelude::*;
use samstyr::diag::render;
use samstyr::eval::{EvalOptions, testing};
use samstyr::files::RuleFiles;
use samstyr::finding::{Evaluation, Status};
use samstyr::rules::{ParamOverride, RuleSet};
use samstyr::schema::{Document, validate};
use samstyr::source::SourceFile;
use samstyr::text::Lang;
use std::path::Path;
use std::sync::OnceLock;

const LIBRARY: &str = "fixtures/library/rules";

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap_or_default()
}

fn library_files() -> RuleFiles {
    match RuleFiles::from_dir(Path::new(LIBRARY)) {
        Ok(f) => f,
        Err(e) => panic!("cannot read the library rule set: {e}"),
    }
}

fn library() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| match RuleSet::load(&library_files(), &[]) {
        Ok(s) => s,
        Err(d) => panic!("the library rule set must load:\n{}", render(&d.0, false)),
    })
}

fn document(set: &RuleSet, name: &str, text: String) -> Document {
    match validate(set.schema(), set.catalog(), SourceFile::new(name, text)) {
        Ok(d) => d,
        Err(d) => panic!("`{name}` must be valid:\n{}", render(&d.0, false)),
    }
}

fn input(name: &str) -> Document {
    let path = format!("{LIBRARY}/tests/inputs/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    document(library(), &path, text)
}

#[test]
fn rule_sets_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<RuleSet>();
}

#[test]
fn the_library_rule_set_loads_with_its_own_schema_catalog_and_seeds() {
    let set = library();
    assert_eq!(set.id(), "bibliotek");
    assert_eq!(set.origin(), LIBRARY);
    let ids: Vec<&str> = set.obligations().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["LIB-01", "LIB-02", "LIB-03", "LIB-04", "LIB-05", "LIB-06"]
    );
    assert_eq!(set.headline().map(|h| h.key.as_str()), Some("may_borrow"));
    // Quotes are located at the line where they start, across line breaks.
    let card = set.facts().find(|f| f.id == "kort-utloper");
    let line = card.and_then(|f| match f.sources.first() {
        Some(samstyr::finding::SourceRef::Seed { line, .. }) => Some(*line),
        _ => None,
    });
    assert_eq!(line, Some(9));
}

#[test]
fn the_library_rule_tests_pass() {
    let report = testing::run(library(), &Path::new(LIBRARY).join("tests"), None, Lang::En);
    let failures: Vec<String> = report.failures.iter().map(|f| f.line()).collect();
    assert!(
        report.problems.is_empty(),
        "{}",
        render(&report.problems.0, false)
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.passed >= 20, "{}", report.summary());
}

/// A broken rule set: the library's, with the case file added; `# drop: FILE` lines remove base
/// files, `# param: NAME=VALUE` lines give overrides.
fn broken_set(path: &Path) -> (RuleFiles, Vec<ParamOverride>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut files = library_files();
    let mut overrides = Vec::new();
    for line in text.lines() {
        if let Some(f) = line.strip_prefix("# drop: ") {
            files
                .files
                .retain(|s| !s.name().ends_with(&format!("/{}", f.trim())));
        }
        if let Some(p) = line.strip_prefix("# param: ")
            && let Some((id, value)) = p.split_once('=')
        {
            overrides.push(ParamOverride::new(id.trim(), value.trim()));
        }
    }
    let name = format!(
        "fixtures/rules/invalid/{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    files.files.push(SourceFile::new(name, text));
    (files, overrides)
}

#[test]
fn every_broken_rule_set_fails_to_load_with_a_stable_rendering() {
    insta::glob!("../fixtures/rules", "invalid/*.toml", |path| {
        let (files, overrides) = broken_set(path);
        match RuleSet::load(&files, &overrides) {
            Ok(_) => panic!("`{}` must not load", path.display()),
            Err(d) => insta::assert_snapshot!(render(&d.0, false)),
        }
    });
}

#[test]
fn there_are_at_least_fifteen_kinds_of_broken_rule_sets() {
    let n = std::fs::read_dir("fixtures/rules/invalid")
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(n >= 15, "{n}");
}

#[test]
fn problems_are_all_reported_at_once() {
    let mut files = library_files();
    files.files.push(SourceFile::new(
        "several.toml",
        r#"
[[fact]]
id = "barn"
title = { nb = "Barn" }
expr = "age < 'x'"
[[obligation]]
id = "LIB-99"
principle = "utlaan"
severity = "skal"
title = { nb = "A", en = "A" }
require = "@ingen"
remedy = { nb = "B", en = "B" }
[obligation.message]
met = { nb = "C", en = "C" }
violated = { nb = "D", en = "D" }
"#,
    ));
    let Err(d) = RuleSet::load(&files, &[ParamOverride::new("max_loanz", "3")]) else {
        panic!("must not load");
    };
    let mut codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    for code in [
        "rules::duplicate-id",
        "rules::missing-language",
        "rules::unknown-principle",
        "rules::bad-severity",
        "rules::no-source",
        "rules::unknown-param",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

/// An evaluation as compact text: what a snapshot should pin.
fn summary(e: &Evaluation) -> String {
    let mut s = format!(
        "{} as of {} (reference {})\n",
        e.key, e.as_of, e.reference_date
    );
    if let Some(h) = &e.headline {
        let because: Vec<String> = h
            .because
            .iter()
            .map(|f| format!("@{}={:?}", f.fact.id, f.value))
            .collect();
        s.push_str(&format!(
            "{} = {:?} because {}\n",
            h.key,
            h.value,
            because.join(", ")
        ));
    }
    for f in &e.facts {
        s.push_str(&format!("@{} = {:?}", f.fact.id, f.value));
        if !f.missing.is_empty() {
            let m: Vec<&str> = f.missing.iter().map(|m| m.pointer.as_str()).collect();
            s.push_str(&format!(" missing {}", m.join(", ")));
        }
        s.push('\n');
    }
    for f in &e.findings {
        s.push_str(&format!("{} {}", f.rule.id, f.status.name()));
        if let Some(i) = &f.item {
            s.push_str(&format!(" [{} {}]", i.index, i.pointer));
        }
        if let Some(d) = f.deadline {
            s.push_str(&format!(" deadline {d}"));
        }
        s.push_str(&format!(": {}\n", f.message.en));
        for ev in &f.evidence {
            s.push_str(&format!(
                "    read {} = {:?} @{}\n",
                ev.pointer, ev.value, ev.at
            ));
        }
        for m in &f.missing {
            s.push_str(&format!("    missing {} @{}\n", m.pointer, m.at));
        }
        if let Some(v) = &f.validity {
            s.push_str(&format!("    validity {v:?}\n"));
        }
    }
    s
}

#[test]
fn evaluations_of_the_library_inputs() {
    insta::glob!("../fixtures/library/rules/tests", "inputs/*.json", |path| {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string());
        let doc = input(&name.unwrap_or_default());
        let e = library().evaluate(&doc, date("2026-06-01"), &EvalOptions::default());
        insta::assert_snapshot!(summary(&e));
    });
}

/// An evaluation with evidence and messages left out, as `Debug` text.
fn without_evidence(e: &Evaluation) -> String {
    let mut e = e.clone();
    for f in &mut e.findings {
        f.evidence.clear();
        f.message = Default::default();
        // Remedies come with the full evaluation only.
        f.to_meet = None;
        // Assumptions are texts: they come with messages.
        f.assumptions.clear();
    }
    format!("{e:?}")
}

/// Statuses alone are evaluated without recording reads, and again where something is unknown:
/// the result is the full one without evidence and texts, missing fields included.
#[test]
fn statuses_alone_give_the_full_evaluation_without_evidence() {
    let samstyring = match RuleSet::load(&RuleFiles::embedded(), &[]) {
        Ok(s) => s,
        Err(d) => panic!("{}", render(&d.0, false)),
    };
    let sets = [
        (library(), format!("{LIBRARY}/tests/inputs")),
        (&samstyring, "rules/tests/inputs".to_string()),
        (&samstyring, "fixtures/initiatives/valid".to_string()),
    ];
    let lean = EvalOptions {
        messages: false,
        evidence: false,
        locate: true,
        remedies: false,
    };
    let mut compared = 0;
    for (set, dir) in sets {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let name = path.display().to_string();
            let Ok(doc) = validate(set.schema(), set.catalog(), SourceFile::new(&name, text))
            else {
                continue;
            };
            for day in ["2015-01-01", "2020-06-01", "2026-06-01", "2031-01-01"] {
                let as_of = date(day);
                let full = set.evaluate(&doc, as_of, &EvalOptions::default());
                let statuses = set.evaluate(&doc, as_of, &lean);
                assert_eq!(
                    without_evidence(&full),
                    without_evidence(&statuses),
                    "{name} on {day}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 400, "{compared}");
}

#[test]
fn not_in_force_says_when_the_rule_is_in_force() {
    let e = library().evaluate(
        &input("child.json"),
        date("2020-06-01"),
        &EvalOptions::default(),
    );
    let f = e.findings.iter().find(|f| f.rule.id == "LIB-03");
    assert_eq!(f.map(|f| f.status), Some(Status::NotInForce));
    assert_eq!(
        f.map(|f| f.message.en.as_str()),
        Some("Not in force on 2020-06-01: in force from 2021-01-01.")
    );
}

#[test]
fn unknown_findings_name_exactly_the_fields_to_provide() {
    let e = library().evaluate(
        &input("child-consent-unstated.json"),
        date("2026-06-01"),
        &EvalOptions::default(),
    );
    let f = e.findings.iter().find(|f| f.rule.id == "LIB-03");
    let missing: Vec<&str> = f
        .map(|f| f.missing.iter().map(|m| m.pointer.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(missing, ["/guardian_consent"]);
    assert_eq!(
        f.map(|f| f.message.nb.as_str()),
        Some("Kan ikke avgjøres: oppgi /guardian_consent.")
    );
    // The headline is unknown for the same field, reached through two facts.
    let h = e.headline.as_ref().map(|h| h.value);
    assert_eq!(h, Some(samstyr::finding::Tri::Unknown));
}

/// The library rule set with one more rule file, `extra.toml`, holding `extra`.
fn library_with(extra: &str) -> RuleSet {
    let mut files = library_files();
    files.files.push(SourceFile::new(
        format!("{LIBRARY}/extra.toml"),
        extra.to_string(),
    ));
    match RuleSet::load(&files, &[]) {
        Ok(s) => s,
        Err(d) => panic!(
            "the extended library rule set must load:\n{}",
            render(&d.0, false)
        ),
    }
}

#[test]
fn numbers_in_messages_are_written_for_the_reader_and_evidence_keeps_plain_values() {
    let set = library_with(
        r#"
[[obligation]]
id = "LIB-X1"
principle = "gebyr"
severity = "should"
title = { nb = "Sum av gebyr", en = "Sum of fees" }
require = "sum(f in fees: f.amount) * 10000 < 1000"
remedy = { nb = "Betal.", en = "Pay." }
[obligation.message]
met = { nb = "Ingen.", en = "None." }
violated = { nb = "Til sammen {sum(f in fees: f.amount) * 10000} kr, i snitt {sum(f in fees: f.amount) / 4} kr, første {fees[0].amount} kr, frist {$payment_period}.", en = "In all NOK {sum(f in fees: f.amount) * 10000}, on average NOK {sum(f in fees: f.amount) / 4}, first NOK {fees[0].amount}, within {$payment_period}." }
[[obligation.source]]
seed = "utlansreglement.txt"
quote = "Gebyret skal betales innen 30 dager."
"#,
    );
    // fees.json: 150 + 80 + 40 = 270 kr.
    let e = set.evaluate(
        &input("fees.json"),
        date("2026-06-01"),
        &EvalOptions::default(),
    );
    let Some(f) = e.findings.iter().find(|f| f.rule.id == "LIB-X1") else {
        panic!("LIB-X1 has a finding");
    };
    assert_eq!(f.status, Status::Violated);
    assert_eq!(
        f.message.nb,
        "Til sammen 2\u{a0}700\u{a0}000 kr, i snitt 67,5 kr, første 150 kr, frist 30 dager."
    );
    assert_eq!(
        f.message.en,
        "In all NOK 2,700,000, on average NOK 67.5, first NOK 150, within 30 days."
    );
    // Evidence is data, not text for people: the values are as they stand in the input.
    let amount = f.evidence.iter().find(|ev| ev.pointer == "/fees/0/amount");
    assert_eq!(
        amount.map(|ev| &ev.value),
        Some(&samstyr::finding::Shown::Number(150.0))
    );
}

#[test]
fn an_empty_for_each_list_gives_the_rule_s_own_not_applicable_message() {
    let set = library_with(
        r#"
[[obligation]]
id = "LIB-X2"
principle = "gebyr"
severity = "should"
title = { nb = "Gebyr betales", en = "Fees are paid" }
for_each = "fee in fees"
deadline = "fee.date + $payment_period"
require = "fee.paid"
remedy = { nb = "Betal.", en = "Pay." }
[obligation.message]
met = { nb = "Betalt.", en = "Paid." }
violated = { nb = "Ikke betalt.", en = "Not paid." }
pending = { nb = "Betales innen {deadline}.", en = "Due by {deadline}." }
not_applicable = { nb = "Låneren har ingen gebyr (beløp {fee.amount}, frist {deadline}).", en = "The member has no fees (amount {fee.amount}, due {deadline})." }
[[obligation.source]]
seed = "utlansreglement.txt"
quote = "Gebyret skal betales innen 30 dager."
"#,
    );
    // No fees at all: one not_applicable finding, in the rule's own words. There is no item and
    // no deadline to show: the item reads as null (`–`), the deadline as unknown (`?`).
    let e = set.evaluate(
        &input("child.json"),
        date("2026-06-01"),
        &EvalOptions::default(),
    );
    let found: Vec<_> = e
        .findings
        .iter()
        .filter(|f| f.rule.id == "LIB-X2")
        .collect();
    assert_eq!(found.len(), 1);
    let f = found[0];
    assert_eq!(f.status, Status::NotApplicable);
    assert_eq!(f.item, None);
    assert_eq!(f.message.nb, "Låneren har ingen gebyr (beløp –, frist ?).");
    assert_eq!(f.message.en, "The member has no fees (amount –, due ?).");
    // A rule without a not_applicable text keeps the engine's own.
    let lib04 = e.findings.iter().find(|f| f.rule.id == "LIB-04");
    assert_eq!(
        lib04.map(|f| (f.status, f.message.en.as_str())),
        Some((Status::NotApplicable, "Does not apply here."))
    );
    // With items, each is judged as before.
    let e = set.evaluate(
        &input("fees.json"),
        date("2026-06-01"),
        &EvalOptions::default(),
    );
    let statuses: Vec<Status> = e
        .findings
        .iter()
        .filter(|f| f.rule.id == "LIB-X2")
        .map(|f| f.status)
        .collect();
    assert_eq!(statuses, [Status::Violated, Status::Pending, Status::Met]);
}

#[test]
fn overrides_are_checked_and_applied() {
    let set = library();
    let Ok(more) = set.with_overrides(&[ParamOverride::new("max_loans", "12")]) else {
        panic!("a valid override");
    };
    let p = more.params().iter().find(|p| p.id == "max_loans");
    assert_eq!(
        p.map(|p| (p.value.shown(), p.overridden)),
        Some(("12".into(), true))
    );
    assert!(
        set.with_overrides(&[ParamOverride::new("max_loans", "many")])
            .is_err()
    );
    let Err(d) = set.with_overrides(&[ParamOverride::new("max_loan", "3")]) else {
        panic!("an unknown parameter");
    };
    assert_eq!(
        d.iter().next().and_then(|d| d.help.clone()).as_deref(),
        Some("did you mean `max_loans`?")
    );
}

#[test]
fn explain_traces_every_sub_condition() {
    let Ok(e) = library().explain(&input("fees.json"), date("2026-06-01"), "LIB-04") else {
        panic!("LIB-04 exists");
    };
    assert_eq!(e.findings.len(), 3);
    let first = e
        .traced
        .first()
        .map(|t| t.sections.iter().map(|s| s.key).collect::<Vec<_>>());
    assert_eq!(first, Some(vec!["deadline", "require"]));
    assert!(
        library()
            .explain(&input("fees.json"), date("2026-06-01"), "LIB-99")
            .is_err()
    );
}

// ---- The command line, on the library rule set ----

fn samstyr(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args(args)
        .env("NO_COLOR", "1")
        .output();
    match out {
        Ok(o) => (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        Err(e) => panic!("cannot run samstyr: {e}"),
    }
}

#[test]
fn rules_list_show_and_graph() {
    let (code, out, _) = samstyr(&["rules", "list", "--rules", LIBRARY, "--lang", "en"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rules_list", out);
    let (code, out, _) = samstyr(&[
        "rules", "show", "LIB-01", "--rules", LIBRARY, "--lang", "en",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rules_show", out);
    let (code, out, _) = samstyr(&["rules", "show", "@kan-lane", "--rules", LIBRARY]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rules_show_fact", out);
    let (code, out, err) = samstyr(&["rules", "show", "LIB-1", "--rules", LIBRARY]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("unknown rule `LIB-1`"), "{err}");
    let (code, out, _) = samstyr(&["rules", "graph", "--rules", LIBRARY, "--format", "dot"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rules_graph_dot", out);
    let (code, out, _) = samstyr(&["rules", "graph", "--rules", LIBRARY, "--format", "mermaid"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rules_graph_mermaid", out);
}

#[test]
fn rules_lint_passes_the_library_and_fails_a_broken_set_with_exit_2() {
    let (code, out, err) = samstyr(&["rules", "lint", "--rules", LIBRARY]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "rule set `bibliotek` 1.0.0 (fixtures/library/rules): 6 obligations, 5 facts, 4 parameters; no problems, 0 warnings\n"
    );
    let (code, _, err) = samstyr(&["rules", "lint", "--rules", "fixtures/rules/broken-set"]);
    assert_eq!(code, 2);
    assert!(err.ends_with("problems found\n"), "{err}");
}

#[test]
fn lint_warns_of_unused_params_and_facts_and_untested_rules() {
    let mut files = library_files();
    files.files.push(SourceFile::new(
        "extra.toml",
        r#"
[[param]]
id = "grace_days"
type = "number"
default = 3
title = { nb = "Frist", en = "Grace" }

[[fact]]
id = "voksen"
title = { nb = "Voksen", en = "Adult" }
expr = "age >= 18"
"#,
    ));
    let Ok(set) = RuleSet::load(&files, &[]) else {
        panic!("loads");
    };
    let tested = vec!["LIB-01".to_string(), "LIB-02".to_string()];
    let warnings = samstyr::rules::lint::lint(&set, Some(&tested));
    let text: Vec<String> = warnings.iter().map(|w| w.render()).collect();
    insta::assert_snapshot!("lint_warnings", text.join("\n"));
    assert!(samstyr::rules::lint::lint(library(), None).is_empty());
}

#[test]
fn rules_test_passes_and_fails_with_one_line_per_failure() {
    let (code, out, _) = samstyr(&["rules", "test", "--rules", LIBRARY]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with(" passed, 0 failed\n"), "{out}");
    let (code, out, _) = samstyr(&["rules", "test", "--rules", LIBRARY, "--filter", "at once"]);
    assert_eq!((code, out.as_str()), (0, "1 passed, 0 failed\n"));
    let (code, out, _) = samstyr(&[
        "rules",
        "test",
        "--rules",
        LIBRARY,
        "--tests",
        "fixtures/rules/failing-tests",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("rules_test_failing", out);
}

#[test]
fn explain_prints_the_trace_then_the_status_and_why() {
    let file = format!("{LIBRARY}/tests/inputs/renewals.json");
    let (code, out, err) = samstyr(&[
        "explain",
        &file,
        "--rule",
        "LIB-02",
        "--rules",
        LIBRARY,
        "--as-of",
        "2026-06-01",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("explain_lib_02", out);
    let file = format!("{LIBRARY}/tests/inputs/child-consent-unstated.json");
    let (code, out, err) = samstyr(&[
        "explain",
        &file,
        "--rule",
        "@kan-lane",
        "--rules",
        LIBRARY,
        "--as-of",
        "2026-06-01",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("explain_fact", out);
}

// ---- Properties ----

/// Obligations over four fields that may be absent: each `require` an `and`/`or`/`not` of
/// atoms. Added to the library rule set, so the engine sees them as any other rules.
const ATOMS: [(&str, &str); 4] = [
    ("guardian_consent", "guardian_consent"),
    ("fixed_address", "fixed_address"),
    ("deposit_paid", "deposit_paid"),
    ("age", "age >= 18"),
];

/// A probe obligation: its id, the indices of the atoms it combines, and the operator.
type Probe = (String, Vec<usize>, &'static str);

fn probe_rules() -> (String, Vec<Probe>) {
    let mut text = String::new();
    let mut rules = Vec::new();
    let add = |text: &mut String, id: String, require: String| {
        text.push_str(&format!(
            r#"
[[obligation]]
id = "{id}"
principle = "utlan"
severity = "must"
title = {{ nb = "Prøve", en = "Probe" }}
require = "{require}"
remedy = {{ nb = "Ingen.", en = "None." }}
[obligation.message]
met = {{ nb = "Ok.", en = "Ok." }}
violated = {{ nb = "Ikke ok.", en = "Not ok." }}
[[obligation.source]]
seed = "utlansreglement.txt"
quote = "En låner kan ha inntil 10 lån samtidig."
"#
        ));
    };
    for (i, (_, atom_i)) in ATOMS.iter().enumerate() {
        let id = format!("P-not-{i}");
        add(&mut text, id.clone(), format!("not ({atom_i})"));
        rules.push((id, vec![i], "not"));
        for (j, (_, atom_j)) in ATOMS.iter().enumerate() {
            for op in ["and", "or"] {
                let id = format!("P-{i}-{op}-{j}");
                add(&mut text, id.clone(), format!("({atom_i}) {op} ({atom_j})"));
                rules.push((id, vec![i, j], op));
            }
        }
    }
    (text, rules)
}

fn probe_set() -> &'static (RuleSet, Vec<Probe>) {
    static SET: OnceLock<(RuleSet, Vec<Probe>)> = OnceLock::new();
    SET.get_or_init(|| {
        let (text, rules) = probe_rules();
        let mut files = library_files();
        files.files.push(SourceFile::new("probe.toml", text));
        match RuleSet::load(&files, &[]) {
            Ok(s) => (s, rules),
            Err(d) => panic!("{}", render(&d.0, false)),
        }
    })
}

/// Kleene logic, the reference: `None` is unknown.
fn kleene(op: &str, a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match op {
        "not" => a.map(|x| !x),
        "and" => match (a, b) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        _ => match (a, b) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    }
}

fn member(
    consent: Option<bool>,
    fixed: Option<bool>,
    deposit: Option<bool>,
    age: Option<u8>,
) -> String {
    let mut fields = vec![
        r#""schema": "library.member/v1""#.to_string(),
        r#""id": "P-1""#.to_string(),
        r#""name": "Prøve""#.to_string(),
    ];
    for (k, v) in [
        ("guardian_consent", consent),
        ("fixed_address", fixed),
        ("deposit_paid", deposit),
    ] {
        if let Some(v) = v {
            fields.push(format!("\"{k}\": {v}"));
        }
    }
    if let Some(a) = age {
        fields.push(format!("\"age\": {a}"));
    }
    format!("{{{}}}", fields.join(", "))
}

/// A loan: item kind index, returned (absent / null / day), renewals (absent / count).
type Loan = (u8, Option<Option<u8>>, Option<u8>);
/// A fee: amount, day, paid.
type Fee = (u16, u8, bool);

fn loan_doc(loans: &[Loan], fees: &[Fee]) -> String {
    let loans: Vec<String> = loans
        .iter()
        .enumerate()
        .map(|(i, (kind, returned, renewals))| {
            let item = ["book", "film", "magazine"][usize::from(*kind) % 3];
            let mut s = format!(
                r#"{{"title": "T{i}", "item_type": "{item}", "borrowed": "2026-04-{:02}""#,
                i % 28 + 1
            );
            match returned {
                Some(Some(d)) => {
                    s.push_str(&format!(r#", "returned": "2026-05-{:02}""#, d % 28 + 1))
                }
                Some(None) => s.push_str(r#", "returned": null"#),
                None => {}
            }
            if let Some(r) = renewals {
                s.push_str(&format!(r#", "renewals": {}"#, r % 4));
            }
            s.push('}');
            s
        })
        .collect();
    let fees: Vec<String> = fees
        .iter()
        .map(|(amount, day, paid)| {
            format!(
                r#"{{"amount": {amount}, "date": "2026-05-{:02}", "paid": {paid}}}"#,
                day % 28 + 1
            )
        })
        .collect();
    format!(
        r#"{{"schema": "library.member/v1", "id": "P-2", "name": "Prøve", "age": 30, "card_issued": "2024-01-01", "loans": [{}], "fees": [{}]}}"#,
        loans.join(", "),
        fees.join(", ")
    )
}

fn truth(
    field: usize,
    consent: Option<bool>,
    fixed: Option<bool>,
    deposit: Option<bool>,
    age: Option<u8>,
) -> Option<bool> {
    match field {
        0 => consent,
        1 => fixed,
        2 => deposit,
        _ => age.map(|a| a >= 18),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// An absent field never yields met or violated for a rule whose `require` depends on it, and
    /// `and`/`or`/`not` with a side unknown behave as Kleene logic.
    #[test]
    fn three_valued_logic_matches_kleene(
        consent in proptest::option::of(any::<bool>()),
        fixed in proptest::option::of(any::<bool>()),
        deposit in proptest::option::of(any::<bool>()),
        age in proptest::option::of(0u8..100),
    ) {
        let (set, rules) = probe_set();
        let doc = document(set, "p.json", member(consent, fixed, deposit, age));
        let e = set.evaluate(&doc, date("2026-06-01"), &EvalOptions::default());
        for (id, atoms, op) in rules {
            let a = atoms.first().and_then(|&i| truth(i, consent, fixed, deposit, age));
            let b = atoms.get(1).and_then(|&i| truth(i, consent, fixed, deposit, age));
            let want = match kleene(op, a, b) {
                Some(true) => Status::Met,
                Some(false) => Status::Violated,
                None => Status::Unknown,
            };
            let got = e.findings.iter().find(|f| &f.rule.id == id).map(|f| f.status);
            prop_assert_eq!(got, Some(want), "{}", id);
            if want == Status::Unknown {
                let f = e.findings.iter().find(|f| &f.rule.id == id);
                prop_assert!(f.is_some_and(|f| !f.missing.is_empty()), "{} names no missing field", id);
            }
        }
    }

    /// The same document evaluated twice gives the same evaluation, down to evidence and texts.
    #[test]
    fn evaluation_is_deterministic(
        loans in proptest::collection::vec(
            (0u8..3, proptest::option::of(proptest::option::of(0u8..28)), proptest::option::of(0u8..4)),
            0..6,
        ),
        fees in proptest::collection::vec((0u16..400, 0u8..28, any::<bool>()), 0..4),
        day in 1u8..28,
    ) {
        let set = library();
        let doc = document(set, "d.json", loan_doc(&loans, &fees));
        let as_of = date(&format!("2026-06-{day:02}"));
        let a = set.evaluate(&doc, as_of, &EvalOptions::default());
        let b = set.evaluate(&doc, as_of, &EvalOptions::default());
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        // Statuses do not depend on whether texts or evidence are produced.
        let c = set.evaluate(&doc, as_of, &EvalOptions::STATUSES);
        let statuses = |e: &Evaluation| {
            e.findings.iter().map(|f| (f.rule.id.clone(), f.status, f.deadline)).collect::<Vec<_>>()
        };
        prop_assert_eq!(statuses(&a), statuses(&c));
        prop_assert_eq!(without_evidence(&a), without_evidence(&c));
        // Nor on whether findings are located: counting sees the same statuses and deadlines.
        let d = set.evaluate(&doc, as_of, &EvalOptions::COUNTS);
        prop_assert_eq!(statuses(&a), statuses(&d));
        prop_assert!(d.findings.iter().all(|f| f.missing.is_empty()));
        // A loan whose return is not stated is never judged met or violated by LIB-01.
        for (f, (_, returned, _)) in a.findings.iter().filter(|f| f.rule.id == "LIB-01").zip(&loans) {
            if returned.is_none() {
                prop_assert!(!matches!(f.status, Status::Met | Status::Violated), "{:?}", f.status);
                prop_assert!(f.missing.iter().any(|m| m.pointer.ends_with("/returned")));
            }
        }
    }
}
