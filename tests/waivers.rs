//! Waivers (docs/waivers.md): a waiver turns a failing gate green and shows in every
//! format, the same waiver expired turns it red again, every kind of invalid waiver is invalid
//! input (exit 2) at its place, and waivers of another rule set work the same way.

use crate::check::{AS_OF, Run, root, samstyr};
use crate::formats::check_junit;
use serde_json::Value;

const DIGIHELSE: &str = "fixtures/initiatives/valid/digihelse.json";
const WAIVERS: &str = "fixtures/waivers/digihelse.toml";

fn check(as_of: &str, format: &str, waivers: Option<&str>) -> Run {
    let mut args = vec![
        "check", DIGIHELSE, "--as-of", as_of, "--format", format, "--lang", "en",
    ];
    if let Some(w) = waivers {
        args.extend(["--waivers", w]);
    }
    samstyr(&args)
}

pub fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/schemas/sarif-schema-2.1.0.json"))
            .expect("SARIF schema"),
    )
    .expect("SARIF schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles")
}

#[test]
fn a_waiver_turns_a_failing_gate_green_and_shows_in_every_format() {
    let without = check(AS_OF, "text", None);
    assert_eq!(without.code, 1, "{}", without.stdout);

    let text = check(AS_OF, "text", Some(WAIVERS));
    assert_eq!(text.code, 0, "{}{}", text.stdout, text.stderr);
    assert!(text.stdout.contains("WAIVED SAM-01 (must)"));
    assert!(text.stdout.contains(
        "waiver U-2026-004: KS ble involvert sju uker etter konseptvalget; forsinkelsen er \
         behandlet i konsultasjonsmøtet. (basis: Konsultasjonsmøte KMD–KS 2026-04-22, sak 7/26; \
         decided by DFD, avdeling for digitalisering on 2026-05-02; in force until 2027-05-02)"
    ));
    assert!(text.stdout.contains("2 waived"));

    let json: Value = serde_json::from_str(&check(AS_OF, "json", Some(WAIVERS)).stdout)
        .expect("the report is JSON");
    let schema = samstyr::report::json::report_schema(Some("consultation_required"));
    let validator = jsonschema::validator_for(&schema).expect("report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(json["summary"]["findings"]["waived"], 2);
    assert_eq!(json["summary"]["exit_code"], 0);
    let waived: Vec<(&str, &str, &str)> = json["results"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "waived")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or(""),
                f["waiver"]["id"].as_str().unwrap_or(""),
                f["waiver"]["waived_status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        waived,
        [
            ("SAM-01", "U-2026-004", "violated"),
            ("SAM-13", "U-2026-005", "violated")
        ]
    );
    assert_eq!(json["waivers"][0]["state"], "used");

    let sarif_out = check(AS_OF, "sarif", Some(WAIVERS));
    assert_eq!(sarif_out.code, 0);
    let sarif: Value = serde_json::from_str(&sarif_out.stdout).expect("SARIF is JSON");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    let s = &suppressed[0]["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(
        suppressed[0]["level"], "error",
        "a waived must-violation keeps its level"
    );
    assert!(
        s["justification"]
            .as_str()
            .is_some_and(|j| j.starts_with("KS ble involvert sju uker"))
    );
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 0);

    let junit = check(AS_OF, "junit", Some(WAIVERS)).stdout;
    let (_, failures, errors, skipped) = check_junit(&junit, "waived");
    assert_eq!((failures, errors), (0, 0));
    assert!(skipped >= 2);
    assert!(junit.contains("<skipped message=\"waived: waiver U-2026-004: KS ble involvert"));

    let github = check(AS_OF, "github", Some(WAIVERS)).stdout;
    let notices: Vec<&str> = github
        .lines()
        .filter(|l| l.starts_with("::notice ") && l.contains("waived SAM-"))
        .collect();
    assert_eq!(notices.len(), 2, "{github}");
    assert!(!github.contains("::error "), "{github}");
    assert!(notices[0].contains("Waiver U-2026-004: KS ble involvert"));

    let markdown = check(AS_OF, "markdown", Some(WAIVERS)).stdout;
    assert!(markdown.starts_with("## samstyr: pass"), "{markdown}");
    assert!(markdown.contains("### Waived (2)"));
    assert!(markdown.contains("waiver U\\-2026\\-004") || markdown.contains("waiver U-2026-004"));
    let full = samstyr(&[
        "check",
        DIGIHELSE,
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
        "--markdown-full",
        "--waivers",
        WAIVERS,
    ]);
    assert!(full.stdout.contains("### Unntatt"), "{}", full.stdout);
}

#[test]
fn the_same_waiver_expired_turns_the_gate_red_again() {
    // U-2026-005 ran out on 2027-03-10, U-2026-004 on 2027-05-02.
    let text = check("2027-06-01", "text", Some(WAIVERS));
    assert_eq!(text.code, 1, "{}", text.stdout);
    assert!(text.stdout.contains("VIOLATED SAM-01 (must)"));
    assert!(
        text.stdout
            .contains("waiver U-2026-004 expired on 2027-05-02")
    );
    assert!(!text.stdout.contains("WAIVED"));
    // One expired, one still in force: the gate stays red for the expired one only.
    let between = check("2027-04-01", "json", Some(WAIVERS));
    assert_eq!(between.code, 1);
    let json: Value = serde_json::from_str(&between.stdout).expect("JSON");
    let states: Vec<&str> = json["waivers"]
        .as_array()
        .expect("waivers")
        .iter()
        .filter_map(|w| w["state"].as_str())
        .collect();
    assert_eq!(states, ["used", "expired"]);
    let sam13 = json["results"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "SAM-13")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(sam13["status"], "violated");
    assert_eq!(sam13["waiver"]["expired"], true);
    let junit = check("2027-06-01", "junit", Some(WAIVERS)).stdout;
    let (_, failures, _, _) = check_junit(&junit, "expired");
    assert_eq!(failures, 2);
}

#[test]
fn every_invalid_waiver_is_invalid_input_at_its_place() {
    insta::glob!("../fixtures/waivers/invalid", "*.toml", |path| {
        let file = crate::check::rel(path);
        let r = samstyr(&[
            "check",
            DIGIHELSE,
            "--as-of",
            AS_OF,
            "--waivers",
            &file,
            "--lang",
            "en",
        ]);
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        assert!(
            r.stdout.is_empty(),
            "{file}: no report for a run with invalid waivers"
        );
        assert!(
            r.stderr.contains(&format!("[{file}:")),
            "{file}: the message names the file, line and column\n{}",
            r.stderr
        );
        assert!(r.stderr.contains("help:"), "{file}: a hint\n{}", r.stderr);
        insta::assert_snapshot!(r.stderr);
    });
}

#[test]
fn waivers_belong_to_the_run_not_to_the_rule_set() {
    // The library-loans rule set: a per-item waiver, and an obligation that cannot be waived.
    let input = "fixtures/library/rules/tests/inputs/overdue.json";
    let run = |waivers: &str| {
        samstyr(&[
            "check",
            input,
            "--rules",
            "fixtures/library/rules",
            "--as-of",
            AS_OF,
            "--lang",
            "en",
            "--waivers",
            waivers,
        ])
    };
    let ok = run("fixtures/waivers/library.toml");
    assert!(
        ok.stdout.contains("WAIVED LIB-01 [Markens grøde] (must)"),
        "{}",
        ok.stdout
    );
    assert!(ok.stdout.contains("VIOLATED LIB-01 [Elling] (must)"));
    assert_eq!(ok.code, 1, "the other loan still fails");
    let locked = run("fixtures/waivers/library-not-waivable.toml");
    assert_eq!(locked.code, 2);
    assert!(locked.stderr.contains("rule `LIB-06` cannot be waived"));
    assert!(
        locked
            .stderr
            .contains("[fixtures/waivers/library-not-waivable.toml:3:20]"),
        "{}",
        locked.stderr
    );
}
