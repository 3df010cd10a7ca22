//! The report formats on real inputs: snapshots of every format on the mixed batch, SARIF checked
//! against the official 2.1.0 schema, JUnit XML checked against the structure of the Ant JUnit
//! schema, the JSON report against its own schema, and every reported position checked to point
//! at a JSON value in the input file.

use crate::check::{AS_OF, redact_decision, rel, root, samstyr};
use serde_json::Value;
use std::path::Path;

const MIXED: &str = "fixtures/batch/mixed";

fn batch(format: &str, extra: &[&str]) -> String {
    let mut args = vec!["check", MIXED, "--as-of", AS_OF, "--format", format];
    args.extend_from_slice(extra);
    let r = samstyr(&args);
    assert_eq!(
        r.code, 2,
        "the mixed batch holds invalid files: {}",
        r.stderr
    );
    r.stdout
}

/// A batch with links, in the formats a CI gate shows: what linked documents brought in rides
/// along with each annotation or result, and dangling or circular links are reported too.
#[test]
fn linked_batch_in_github_and_markdown() {
    let linked = |format: &str, lang: &str| {
        let input = "fixtures/portfolio/portfolio.jsonl";
        let r = samstyr(&[
            "check", input, "--as-of", AS_OF, "--format", format, "--lang", lang,
        ]);
        assert!(r.stderr.is_empty(), "{}", r.stderr);
        r.stdout
    };
    let github = linked("github", "nb");
    assert!(github.contains("title=D-9 · kobling::depends_on viser til NOPE-404"));
    insta::assert_snapshot!("linked_github_nb", github);
    let markdown = linked("markdown", "en");
    assert!(markdown.contains("- **C-7** · ⚠️ part\\_of forms a cycle: C-7 → C-8 → C-7"));
    insta::assert_snapshot!("linked_markdown_en", markdown);
    let sarif: Value = serde_json::from_str(&linked("sarif", "en")).unwrap_or(Value::Null);
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let links: Vec<&str> = results
        .iter()
        .filter(|r| r["ruleId"] == "samstyr/link")
        .filter_map(|r| r["message"]["text"].as_str())
        .collect();
    assert_eq!(links.len(), 4, "{links:?}");
    let received = results
        .iter()
        .filter(|r| r["properties"]["document"] == "P-12")
        .filter_map(|r| r["properties"]["receivedFromLinks"][0].as_str())
        .next();
    assert_eq!(
        received,
        Some("felles-tiltak = yes, received from P-2 via part_of, originally from PROG-1")
    );
    let junit = linked("junit", "en");
    assert!(
        junit.contains("Link: depends_on names NOPE-404, which is no valid document of the batch")
    );
}

#[test]
fn mixed_batch_in_every_format() {
    insta::assert_snapshot!("mixed_text_nb", batch("text", &[]));
    insta::assert_snapshot!("mixed_text_en", batch("text", &["--lang", "en"]));
    insta::assert_snapshot!("mixed_json", redact_decision(&batch("json", &[])));
    insta::assert_snapshot!("mixed_sarif", batch("sarif", &[]));
    insta::assert_snapshot!("mixed_junit", batch("junit", &[]));
    insta::assert_snapshot!("mixed_github", batch("github", &[]));
    insta::assert_snapshot!("mixed_markdown_nb", batch("markdown", &[]));
    insta::assert_snapshot!("mixed_markdown_en", batch("markdown", &["--lang", "en"]));
}

/// Every input the schema and structure checks run on: each example initiative alone, and the
/// mixed batch.
fn all_inputs() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures/initiatives/valid"))
        .expect("example initiatives")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "jsonl"))
        .map(|p| rel(&p))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v.push(MIXED.to_string());
    // A batch with links: received values, dangling links and cycles in the reports.
    v.push("fixtures/portfolio/portfolio.jsonl".to_string());
    v
}

fn report(input: &str, format: &str, fail_on: &str) -> String {
    let r = samstyr(&[
        "check",
        input,
        "--as-of",
        AS_OF,
        "--format",
        format,
        "--fail-on",
        fail_on,
    ]);
    assert!((0..=2).contains(&r.code), "{input}: {}", r.stderr);
    assert!(r.stderr.is_empty(), "{input}: {}", r.stderr);
    r.stdout
}

/// The character at a 1-based line and column (in characters) of a file.
fn char_at(file: &str, line: u64, col: u64) -> Option<char> {
    let text = std::fs::read_to_string(root().join(file)).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let l = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    l.chars().nth(usize::try_from(col).ok()?.checked_sub(1)?)
}

/// A reported position must be where a JSON value (or key) starts.
fn assert_points_at_json(file: &str, line: u64, col: u64, what: &str) {
    let c = char_at(file, line, col);
    assert!(
        matches!(c, Some('"' | '{' | '[' | '-' | '0'..='9' | 't' | 'f' | 'n')),
        "{what}: {file}:{line}:{col} is {c:?}, not the start of a JSON value"
    );
}

#[test]
fn sarif_is_valid_and_points_into_the_inputs() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/schemas/sarif-schema-2.1.0.json"))
            .expect("SARIF schema"),
    )
    .expect("SARIF schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles");
    let mut results_seen = 0;
    for input in all_inputs() {
        for fail_on in ["must", "never"] {
            let out = report(&input, "sarif", fail_on);
            let v: Value = serde_json::from_str(&out).expect("SARIF is JSON");
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{input}: {errors:#?}");

            let run = &v["runs"][0];
            let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
            assert!(rules.iter().any(|r| r["id"] == "SAM-01"));
            for r in run["results"].as_array().expect("results") {
                results_seen += 1;
                let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
                assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex matches ruleId");
                let loc = &r["locations"][0]["physicalLocation"];
                let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
                assert!(Path::new(&root().join(uri)).is_file(), "{uri} is a file");
                let line = loc["region"]["startLine"].as_u64().expect("line");
                let col = loc["region"]["startColumn"].as_u64().expect("column");
                assert_points_at_json(uri, line, col, &r["ruleId"].to_string());
            }
        }
    }
    assert!(results_seen > 20, "the check saw results ({results_seen})");
}

#[test]
fn json_report_is_valid_against_its_schema() {
    let schema = samstyr::report::json::report_schema(Some("consultation_required"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("report schema compiles");
    for input in all_inputs() {
        let out = report(&input, "json", "must");
        let v: Value = serde_json::from_str(&out).expect("report is JSON");
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{input}: {errors:#?}");
        for r in v["results"].as_array().expect("results") {
            let file = r["file"].as_str().expect("file");
            let path = file.rsplit_once(':').map_or(file, |(p, line)| {
                if line.parse::<u64>().is_ok() { p } else { file }
            });
            for f in r["findings"].as_array().expect("findings") {
                for ev in f["evidence"].as_array().expect("evidence") {
                    if let (Some(l), Some(c)) = (ev["line"].as_u64(), ev["column"].as_u64()) {
                        assert_points_at_json(path, l, c, &ev["pointer"].to_string());
                    }
                }
            }
        }
    }
}

#[test]
fn github_annotations_are_well_formed() {
    for input in all_inputs() {
        let out = report(&input, "github", "never");
        for line in out.lines() {
            let rest = ["::error ", "::warning ", "::notice "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
                .unwrap_or_else(|| panic!("not a workflow command: {line}"));
            let (props, message) = rest.split_once("::").expect("properties::message");
            assert!(!message.is_empty());
            let props: Vec<(&str, &str)> = props
                .split(',')
                .map(|p| p.split_once('=').expect("name=value"))
                .collect();
            let names: Vec<&str> = props.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, ["file", "line", "col", "title"], "{line}");
            for (_, v) in &props {
                assert!(!v.contains(':'), "unescaped `:` in {line}");
            }
            let get = |n: &str| props.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
            let file = get("file").expect("file");
            let l: u64 = get("line").and_then(|v| v.parse().ok()).expect("line");
            let c: u64 = get("col").and_then(|v| v.parse().ok()).expect("col");
            assert_points_at_json(file, l, c, line);
        }
    }
}

fn elements<'a, 'i>(n: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.is_element()).collect()
}

/// Checks a JUnit document against the Ant JUnit schema (`fixtures/schemas/junit-ant.xsd`), rule
/// by rule. XSD validation in Rust would mean binding the system's libxml2, so the schema's
/// constraints (required attributes, element order, counts) are written out here instead.
pub fn check_junit(xml: &str, what: &str) -> (usize, usize, usize, usize) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{what}: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites", "{what}");
    assert_eq!(
        root.attributes().count(),
        0,
        "{what}: testsuites has no attributes"
    );
    let int = |n: roxmltree::Node<'_, '_>, a: &str| -> usize {
        n.attribute(a)
            .unwrap_or_else(|| panic!("{what}: `{a}` required on {:?}", n.tag_name().name()))
            .parse()
            .unwrap_or_else(|_| panic!("{what}: `{a}` is an integer"))
    };
    let token = |n: roxmltree::Node<'_, '_>, a: &str| {
        let v = n
            .attribute(a)
            .unwrap_or_else(|| panic!("{what}: `{a}` required on {:?}", n.tag_name().name()));
        assert!(!v.is_empty(), "{what}: `{a}` is not empty");
        assert_eq!(
            v,
            v.split_whitespace().collect::<Vec<_>>().join(" "),
            "{what}: `{a}` is a token"
        );
    };
    let mut totals = (0, 0, 0, 0);
    for (i, suite) in elements(root).into_iter().enumerate() {
        assert_eq!(suite.tag_name().name(), "testsuite", "{what}");
        let allowed = [
            "name",
            "timestamp",
            "hostname",
            "tests",
            "failures",
            "errors",
            "skipped",
            "time",
            "package",
            "id",
        ];
        for a in suite.attributes() {
            assert!(
                allowed.contains(&a.name()),
                "{what}: attribute `{}`",
                a.name()
            );
        }
        token(suite, "name");
        token(suite, "hostname");
        token(suite, "package");
        assert_eq!(int(suite, "id"), i, "{what}: ids count from 0");
        let ts = suite.attribute("timestamp").expect("timestamp");
        let shape: String = ts
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99T99:99:99", "{what}: timestamp {ts}");
        suite
            .attribute("time")
            .expect("time")
            .parse::<f64>()
            .expect("time is a decimal");

        let children = elements(suite);
        let names: Vec<&str> = children.iter().map(|c| c.tag_name().name()).collect();
        assert_eq!(names.first(), Some(&"properties"), "{what}");
        assert_eq!(
            names[names.len() - 2..],
            ["system-out", "system-err"],
            "{what}"
        );
        let cases = &children[1..children.len() - 2];
        for p in elements(children[0]) {
            assert_eq!(p.tag_name().name(), "property", "{what}");
            token(p, "name");
            assert!(p.attribute("value").is_some(), "{what}: property value");
        }
        let (mut failures, mut errors, mut skipped) = (0, 0, 0);
        for case in cases {
            assert_eq!(case.tag_name().name(), "testcase", "{what}");
            for a in case.attributes() {
                assert!(
                    ["name", "classname", "time"].contains(&a.name()),
                    "{what}: testcase attribute `{}`",
                    a.name()
                );
            }
            token(*case, "name");
            token(*case, "classname");
            case.attribute("time")
                .expect("time")
                .parse::<f64>()
                .expect("time is a decimal");
            let inner = elements(*case);
            assert!(
                inner.len() <= 1,
                "{what}: at most one of skipped/error/failure"
            );
            if let Some(x) = inner.first() {
                match x.tag_name().name() {
                    "failure" => failures += 1,
                    "error" => errors += 1,
                    "skipped" => skipped += 1,
                    other => panic!("{what}: `{other}` in a testcase"),
                }
                if x.tag_name().name() != "skipped" {
                    assert!(x.attribute("type").is_some(), "{what}: type required");
                }
            }
        }
        assert_eq!(int(suite, "tests"), cases.len(), "{what}: tests");
        assert_eq!(int(suite, "failures"), failures, "{what}: failures");
        assert_eq!(int(suite, "errors"), errors, "{what}: errors");
        assert_eq!(int(suite, "skipped"), skipped, "{what}: skipped");
        totals.0 += cases.len();
        totals.1 += failures;
        totals.2 += errors;
        totals.3 += skipped;
    }
    totals
}

#[test]
fn junit_follows_the_ant_schema() {
    // The schema file is the one the checks above transcribe.
    let xsd = std::fs::read_to_string(root().join("fixtures/schemas/junit-ant.xsd"))
        .expect("Ant JUnit schema");
    assert!(xsd.contains("<xs:element name=\"testsuites\">"));
    for input in all_inputs() {
        let out = report(&input, "junit", "must");
        check_junit(&out, &input);
    }
    let (tests, failures, errors, skipped) = check_junit(&batch("junit", &[]), MIXED);
    assert!(tests > 0 && failures > 0 && skipped > 0);
    assert_eq!(errors, 2, "one error per invalid file");
}

#[test]
fn junit_check_rejects_broken_documents() {
    let good = batch("junit", &[]);
    let broken = good.replacen("tests=\"", "tests=\"9", 1);
    assert!(std::panic::catch_unwind(|| check_junit(&broken, "broken")).is_err());
    let broken = good.replacen("<system-err></system-err>", "", 1);
    assert!(std::panic::catch_unwind(|| check_junit(&broken, "broken")).is_err());
}
