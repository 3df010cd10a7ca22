//! The samstyring rule set as shipped (embedded in the binary): it loads, its rule test cases under
//! `rules/tests/` pass, every obligation is covered by them, and every seed quote is found in its
//! seed at the line reports show.

use samstyr::diag::render;
use samstyr::eval::testing::{self, Want};
use samstyr::files::RuleFiles;
use samstyr::finding::{RuleInfo, SourceRef, Status};
use samstyr::rules::RuleSet;
use samstyr::text::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| match RuleSet::load(&RuleFiles::embedded(), &[]) {
        Ok(s) => s,
        Err(d) => panic!("embedded rule set does not load:\n{}", render(&d.0, false)),
    })
}

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/tests")
}

const OBLIGATIONS: [&str; 22] = [
    "SAM-01", "SAM-02", "SAM-03", "SAM-04", "SAM-05", "SAM-06", "SAM-07a", "SAM-07b", "SAM-08",
    "SAM-09", "SAM-10", "SAM-11", "SAM-12a", "SAM-12b", "SAM-13", "SAM-14", "SAM-15", "SAM-16",
    "SAM-17a", "SAM-17b", "SAM-17c", "SAM-18",
];

#[test]
fn embedded_rule_set_has_the_fixed_ids() {
    let set = rule_set();
    assert_eq!(set.id(), "samstyring");
    let ids: Vec<&str> = set.obligations().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, OBLIGATIONS);
    let facts: Vec<&str> = set.facts().map(|f| f.id.as_str()).collect();
    for fact in [
        "berorer-kommunal-sektor",
        "felles-tiltak",
        "livshendelse",
        "krever-ks-konsultasjon",
        "forste-beslutning",
    ] {
        assert!(facts.contains(&fact), "fact `{fact}` missing: {facts:?}");
    }
    let headline = set.headline().map(|h| h.key.as_str());
    assert_eq!(headline, Some("consultation_required"));
}

#[test]
fn rule_test_cases_pass() {
    let report = testing::run(rule_set(), &tests_dir(), None, Lang::En);
    let mut problems: Vec<String> = report.failures.iter().map(|f| f.line()).collect();
    if !report.problems.is_empty() {
        problems.push(render(&report.problems.0, false));
    }
    assert!(
        problems.is_empty(),
        "{} of {} rule test cases failed:\n{}",
        report.failed,
        report.passed + report.failed,
        problems.join("\n")
    );
    // An empty or unreadable directory must not pass.
    assert!(report.passed >= 80, "only {} cases ran", report.passed);
}

/// Every obligation has a met and a violated case and, where the rule can give them, a pending,
/// unknown, not_applicable and not_in_force case.
#[test]
fn every_obligation_is_covered_by_cases() {
    let set = rule_set();
    let (cases, problems) = testing::load_cases(set, &tests_dir());
    assert!(problems.is_empty(), "{}", render(&problems.0, false));
    let mut seen: BTreeMap<&str, Vec<Status>> = BTreeMap::new();
    for case in &cases {
        for e in &case.expect {
            let statuses = match &e.want {
                Want::Status(s) => vec![*s],
                Want::Statuses(v) => v.clone(),
                Want::Value(_) => continue,
            };
            if let Some(id) = OBLIGATIONS.iter().find(|id| **id == e.key) {
                seen.entry(id).or_default().extend(statuses);
            }
        }
    }
    use Status::*;
    // What each rule cannot give: only SAM-01, SAM-08 and SAM-18 have a deadline (so only they
    // can be pending); SAM-12a/b, 13, 14 and 17 have no validity period of their own (never
    // not_in_force); SAM-12b reads only fields that mean none when absent (never unknown).
    let cannot = |id: &str| -> Vec<Status> {
        match id {
            "SAM-01" | "SAM-08" | "SAM-18" => vec![],
            "SAM-12b" => vec![Pending, NotInForce, Unknown],
            "SAM-12a" | "SAM-13" | "SAM-14" | "SAM-17a" | "SAM-17b" | "SAM-17c" => {
                vec![Pending, NotInForce]
            }
            _ => vec![Pending],
        }
    };
    let mut gaps = Vec::new();
    for id in OBLIGATIONS {
        let got = seen.get(id).cloned().unwrap_or_default();
        for st in Status::ALL {
            if !cannot(id).contains(&st) && !got.contains(&st) {
                gaps.push(format!("{id}: no `{}` case", st.name()));
            }
        }
    }
    assert!(gaps.is_empty(), "uncovered:\n{}", gaps.join("\n"));
}

/// The line the loader reports for each seed quote, checked independently against the seed text.
#[test]
fn seed_quotes_are_found_at_their_lines() {
    let set = rule_set();
    let files = RuleFiles::embedded();
    let mut infos: Vec<&Arc<RuleInfo>> = set.obligations().collect();
    infos.extend(set.facts());
    let mut sources: Vec<(String, &SourceRef)> = infos
        .iter()
        .flat_map(|i| i.sources.iter().map(|s| (i.id.clone(), s)))
        .collect();
    sources.extend(
        set.params()
            .iter()
            .flat_map(|p| p.sources.iter().map(|s| (format!("${}", p.id), s))),
    );
    let mut seeds_cited = 0;
    for (rule, src) in &sources {
        let SourceRef::Seed {
            file, line, quote, ..
        } = src
        else {
            continue;
        };
        seeds_cited += 1;
        let text = match files.seed(file) {
            Some(f) => f.text().to_string(),
            None => panic!("{rule}: seed `{file}` is not embedded"),
        };
        assert_eq!(
            start_line(&text, quote),
            Some(*line),
            "{rule}: quote from `{file}` reported at line {line}: {quote}"
        );
    }
    assert!(seeds_cited >= 40, "only {seeds_cited} seed quotes");

    // Lines a reviewer can check by hand against docs/rules.md.
    for (rule, seed, line) in [
        ("SAM-01", "001_4cac7f86f6f593bc.txt", 308),
        ("SAM-01", "000_260ed27bb36f3e9d.txt", 55),
        ("SAM-04", "001_4cac7f86f6f593bc.txt", 306),
        ("SAM-04", "004_ef764fed7eedbb2d.txt", 137),
        ("SAM-05", "000_260ed27bb36f3e9d.txt", 72),
        ("SAM-06", "000_260ed27bb36f3e9d.txt", 80),
        ("SAM-07a", "000_260ed27bb36f3e9d.txt", 84),
        ("SAM-10", "001_4cac7f86f6f593bc.txt", 321),
        ("SAM-10", "004_ef764fed7eedbb2d.txt", 181),
        ("SAM-12a", "000_260ed27bb36f3e9d.txt", 292),
        ("SAM-12a", "002_dd45d611541c13b2.txt", 143),
        ("SAM-14", "001_4cac7f86f6f593bc.txt", 296),
        ("SAM-16", "001_4cac7f86f6f593bc.txt", 298),
    ] {
        let found = sources.iter().any(|(r, s)| {
            r == rule
                && matches!(s, SourceRef::Seed { file, line: l, .. } if file == seed && *l == line)
        });
        assert!(found, "{rule}: no quote from {seed} at line {line}");
    }
}

/// SAM-16's texts must not let a reader take «KS-ordningen» for the organisation KS.
#[test]
fn sam_16_says_ks_ordningen_is_quality_assurance() {
    let detail = match rule_set().detail("SAM-16") {
        Ok(d) => d,
        Err(e) => panic!("SAM-16: {e}"),
    };
    for (status, text) in &detail.messages {
        if *status == "met" || *status == "violated" {
            assert!(
                text.nb.contains("kvalitetssikring"),
                "{status} nb: {}",
                text.nb
            );
            assert!(
                text.nb.contains("ikke organisasjonen KS"),
                "{status} nb: {}",
                text.nb
            );
            assert!(
                text.en.contains("quality assurance"),
                "{status} en: {}",
                text.en
            );
            assert!(
                text.en.contains("not the organisation KS"),
                "{status} en: {}",
                text.en
            );
        }
    }
}

/// The 1-based line where `quote` starts in `text`, comparing with runs of whitespace folded.
fn start_line(text: &str, quote: &str) -> Option<usize> {
    let mut folded = String::new();
    let mut line_of = Vec::new();
    let mut line = 1;
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                folded.push(' ');
                line_of.push(line);
                in_space = true;
            }
        } else {
            folded.push(c);
            line_of.extend(std::iter::repeat_n(line, c.len_utf8()));
            in_space = false;
        }
        if c == '\n' {
            line += 1;
        }
    }
    let q = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = folded.find(&q)?;
    line_of.get(at).copied()
}

/// Amounts in messages are grouped for people (bokmål with a no-break space, English with a
/// comma); the JSON report's data — evidence values — keeps the plain numbers of the input.
#[test]
fn amounts_in_messages_are_grouped_and_json_data_is_not() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/tests/inputs/sam10-costly.json");
    let run = |lang: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_samstyr"))
            .args([
                "check",
                "--as-of",
                "2026-06-01",
                "--format",
                "json",
                "--lang",
                lang,
            ])
            .arg(&input)
            .output()
            .expect("samstyr runs");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let nb = run("nb");
    let en = run("en");
    // 150 MNOK of costs to the sector, against the 100 MNOK threshold (SAM-10).
    assert!(
        nb.contains("minst 100\u{a0}000\u{a0}000 kr (oppgitt: 150\u{a0}000\u{a0}000 kr)"),
        "{nb}"
    );
    assert!(
        en.contains("at least NOK 100,000,000 (stated: NOK 150,000,000)"),
        "{en}"
    );
    for json in [&nb, &en] {
        assert!(json.contains("\"value\": 150000000"), "{json}");
        assert!(!json.contains("\"value\": \"150"), "{json}");
    }
}

/// A verdict that turns on an assumption says so (rule set v2): a joint measure by inference only
/// (M24, M25) and the competence agreement's assumed signing date are carried on the finding as
/// the rule set declares them (`[[assumption]]`), in JSON and in the text report; not where the
/// verdict does not turn on one. And a stopped initiative says why a would-be `pending` is not
/// asked.
#[test]
fn assumptions_and_stopped_initiatives_are_said_in_the_finding() {
    let run = |file: &str, lang: &str, format: &str| -> Vec<u8> {
        let input = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules/tests/inputs")
            .join(file);
        std::process::Command::new(env!("CARGO_BIN_EXE_samstyr"))
            .args([
                "check",
                "--as-of",
                "2026-06-01",
                "--format",
                format,
                "--lang",
                lang,
            ])
            .arg(&input)
            .output()
            .expect("samstyr runs")
            .stdout
    };
    let finding = |file: &str, rule: &str, lang: &str| -> serde_json::Value {
        let json: serde_json::Value =
            serde_json::from_slice(&run(file, lang, "json")).expect("JSON report");
        let findings = json["results"][0]["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        findings
            .into_iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{file}: no {rule} finding"))
    };
    let ids = |f: &serde_json::Value| -> Vec<String> {
        f["assumptions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x["id"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let f = finding("v2-joint-by-inference.json", "SAM-05", "en");
    assert_eq!(ids(&f), ["felles-tiltak-antatt"], "{f}");
    let text = f["assumptions"][0]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("M24 or M25") && text.contains("by inference"),
        "{f}"
    );
    // The message no longer carries it: the finding does, once.
    assert!(
        !f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("inference"),
        "{f}"
    );
    let f = finding("v2-joint-by-inference.json", "SAM-05", "nn");
    assert!(
        f["assumptions"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("ut frå ei antaking"),
        "{f}"
    );
    // The formats that show a finding as its message say it too: a CI gate's annotation, the
    // SARIF result, the JUnit failure.
    for format in ["github", "sarif", "junit"] {
        let out = String::from_utf8(run("v2-joint-by-inference.json", "en", format))
            .expect("UTF-8 output");
        assert!(
            out.contains("ssumption: The initiative counts as a joint measure"),
            "{format}: {out}"
        );
    }
    // A rule that does not rest on it (SAM-01) lists none.
    assert!(ids(&finding("v2-joint-by-inference.json", "SAM-01", "en")).is_empty());
    let f = finding("v2-competence-assumed-signing.json", "SAM-15", "nb");
    assert_eq!(ids(&f), ["kompetanseavtalens-signeringsdato"], "{f}");
    assert!(
        f["assumptions"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("er en antakelse"),
        "{f}"
    );
    let f = finding("v2-stopped-decision-ahead.json", "SAM-01", "en");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("stopped or completed"),
        "{f}"
    );
    // Not where the verdict does not turn on it: decided by a named joint measure.
    let f = finding("v2-terminated-joint-before-end.json", "SAM-05", "en");
    assert!(ids(&f).is_empty(), "{f}");
    // The text report shows it under the finding's message, labelled.
    let text = String::from_utf8(run("v2-joint-by-inference.json", "nb", "text")).unwrap();
    assert!(
        text.contains("     antakelse: Tiltaket regnes som felles tiltak fordi det bidrar til M24"),
        "{text}"
    );
}

/// An obligation naming an assumption the rule set does not declare fails to load, with a
/// suggestion.
#[test]
fn an_unknown_assumption_is_a_load_error() {
    let mut files = RuleFiles::embedded();
    let f = files
        .files
        .iter_mut()
        .find(|f| f.name().ends_with("sam-05.toml"))
        .expect("sam-05.toml");
    let text = f
        .text()
        .replace("\"felles-tiltak-antatt\"]", "\"felles-tiltak-antat\"]");
    *f = samstyr::source::SourceFile::new(f.name(), &text);
    let Err(d) = RuleSet::load(&files, &[]) else {
        panic!("a rule set naming an undeclared assumption loads");
    };
    let e =
        d.0.iter()
            .find(|d| d.code == "rules::unknown-assumption")
            .expect("unknown assumption");
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `felles-tiltak-antatt`?")
    );
}
