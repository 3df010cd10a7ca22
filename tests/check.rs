//! `samstyr check`: reports of the example initiatives, exit statuses, determinism, `--output`,
//! `--quiet`, parameter overrides and rule-set failures. Runs the built binary, as users do.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fixed evaluation date of every snapshot.
pub const AS_OF: &str = "2026-06-01";

/// What one run of the binary produced.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `samstyr ARGS…` from the crate root (so labels are relative paths), without colour.
pub fn samstyr(args: &[&str]) -> Run {
    samstyr_stdin(args, None)
}

pub fn samstyr_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_samstyr"));
    cmd.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the samstyr binary runs");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        pipe.write_all(text.as_bytes()).expect("stdin is writable");
    }
    let out = child.wait_with_output().expect("samstyr finishes");
    Run {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().unwrap_or(-1),
    }
}

/// `path` relative to the crate root, with `/` separators, as the binary names it.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every example initiative: each valid fixture, text in both languages and JSON.
#[test]
fn example_initiatives() {
    insta::glob!("../fixtures/initiatives/valid", "*.json*", |path| {
        let file = rel(path);
        for lang in ["nb", "en"] {
            let r = samstyr(&["check", &file, "--as-of", AS_OF, "--lang", lang]);
            assert!(r.code == 0 || r.code == 1, "{file}: {}", r.stderr);
            insta::assert_snapshot!(format!("text_{lang}"), r.stdout);
        }
        let r = samstyr(&["check", &file, "--as-of", AS_OF, "--format", "json"]);
        assert!(r.code == 0 || r.code == 1, "{file}: {}", r.stderr);
        insta::assert_snapshot!("json", redact_decision(&r.stdout));
    });
}

/// A JSON report with the rule set's hash and the decision id (which follows from it) written
/// as placeholders: every edit of a rule file changes them, and they are tested apart
/// (`server::decision_record_*`). The input's hash stays.
pub fn redact_decision(report: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(report).expect("a JSON report");
    let mut out = report.to_string();
    for (pointer, placeholder) in [
        ("/decision/id", "[decision id]"),
        ("/decision/rules/sha256", "[rules sha256]"),
    ] {
        let value = v
            .pointer(pointer)
            .and_then(|x| x.as_str())
            .expect("a decision record");
        out = out.replace(&format!("\"{value}\""), &format!("\"{placeholder}\""));
    }
    out
}

const MIXED: &str = "fixtures/batch/mixed";
const PASS: &str = "fixtures/batch/mixed/01-pass.json";
const SHOULD: &str = "fixtures/batch/mixed/02-should.json";
const MUST: &str = "fixtures/batch/mixed/03-must.json";
const INVALID: &str = "fixtures/batch/mixed/04-invalid.json";
const PENDING: &str = "fixtures/batch/gate/pending-only.json";
const UNKNOWN: &str = "fixtures/batch/gate/unknown-must.json";

fn code(args: &[&str]) -> i32 {
    let mut all = vec!["check", "--as-of", AS_OF, "--quiet"];
    all.extend_from_slice(args);
    let r = samstyr(&all);
    assert!(
        r.stdout.is_empty() && r.stderr.is_empty(),
        "--quiet prints nothing"
    );
    r.code
}

#[test]
fn exit_status_per_fail_on_level() {
    // (input, must, should, never)
    let cases = [
        (PASS, 0, 0, 0),
        (SHOULD, 0, 1, 0),
        (MUST, 1, 1, 0),
        (PENDING, 0, 0, 0),
        (UNKNOWN, 0, 0, 0),
        (INVALID, 2, 2, 2),
    ];
    for (input, must, should, never) in cases {
        assert_eq!(code(&[input, "--fail-on", "must"]), must, "{input} must");
        assert_eq!(code(&[input]), must, "{input} default is must");
        assert_eq!(
            code(&[input, "--fail-on", "should"]),
            should,
            "{input} should"
        );
        assert_eq!(code(&[input, "--fail-on", "never"]), never, "{input} never");
    }
}

#[test]
fn unknown_fails_only_when_asked() {
    assert_eq!(code(&[UNKNOWN]), 0);
    assert_eq!(code(&[UNKNOWN, "--fail-on-unknown"]), 1);
    assert_eq!(
        code(&[UNKNOWN, "--fail-on-unknown", "--fail-on", "never"]),
        0
    );
    // A pending duty is not broken yet, whatever the flags.
    assert_eq!(
        code(&[PENDING, "--fail-on-unknown", "--fail-on", "should"]),
        0
    );
    // ... until its deadline has passed.
    let r = samstyr(&["check", PENDING, "--as-of", "2026-12-01", "--quiet"]);
    assert_eq!(r.code, 1);
}

#[test]
fn invalid_input_wins_in_a_mixed_batch() {
    assert_eq!(code(&[MIXED]), 2);
    assert_eq!(code(&[MIXED, "--fail-on", "never"]), 2);
    assert_eq!(code(&[PASS, INVALID]), 2);
    assert_eq!(code(&[MUST, INVALID]), 2);
    assert_eq!(code(&[PASS, MUST]), 1);
    assert_eq!(code(&[PASS, PENDING]), 0);
}

#[test]
fn every_input_appears_in_the_output() {
    let r = samstyr(&["check", MIXED, "--as-of", AS_OF, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
    let results = v["results"].as_array().expect("results");
    let ids: Vec<&str> = results.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "SKD-2026-004",
            "NAV-2026-011",
            "DFD-2026-017",
            "KUD-2026-001"
        ]
    );
    let errors = v["errors"].as_array().expect("errors");
    let files: std::collections::BTreeSet<&str> =
        errors.iter().filter_map(|e| e["file"].as_str()).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        [INVALID, "fixtures/batch/mixed/05-registry.jsonl"]
    );
    assert_eq!(v["summary"]["inputs"], 6);
    assert_eq!(v["summary"]["invalid"], 2);
    assert_eq!(v["summary"]["exit_code"], 2);
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["text", "json", "sarif", "junit", "github", "markdown"] {
        let args = [
            "check",
            MIXED,
            "fixtures/batch/gate",
            "--as-of",
            AS_OF,
            "--format",
            format,
        ];
        let a = samstyr(&args);
        let b = samstyr(&args);
        assert!(!a.stdout.is_empty(), "{format}");
        assert_eq!(a.stdout, b.stdout, "{format}");
        assert_eq!(a.code, b.code, "{format}");
    }
}

#[test]
fn output_file_holds_what_stdout_would() {
    let dir = std::env::temp_dir().join(format!("samstyr-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("report.sarif");
    let file_s = file.to_string_lossy().to_string();
    let to_file = samstyr(&[
        "check", MIXED, "--as-of", AS_OF, "--format", "sarif", "--output", &file_s,
    ]);
    let to_stdout = samstyr(&["check", MIXED, "--as-of", AS_OF, "--format", "sarif"]);
    assert!(to_file.stdout.is_empty());
    assert_eq!(
        to_file.code, 2,
        "the exit status does not depend on --output"
    );
    let written = std::fs::read_to_string(&file).expect("report written");
    assert_eq!(written, to_stdout.stdout);
    let _ = std::fs::remove_dir_all(&dir);

    let r = samstyr(&[
        "check",
        PASS,
        "--as-of",
        AS_OF,
        "--output",
        "/nonexistent-dir/samstyr/out.txt",
    ]);
    assert_eq!(r.code, 2);
    // The problem is in the run's language (bokmål by default).
    assert!(r.stderr.contains("kan ikke skrive"), "{}", r.stderr);
}

#[test]
fn parameter_overrides_are_stated() {
    let r = samstyr(&[
        "check",
        PENDING,
        "--as-of",
        AS_OF,
        "--param",
        "lead_time_days=30",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("lead_time_days = 30 (standard 0)"),
        "{}",
        r.stdout
    );
    // The lead time moves the deadline: 2026-10-01 minus 30 days.
    assert!(r.stdout.contains("2026-09-01"), "{}", r.stdout);
    let j = samstyr(&[
        "check",
        PENDING,
        "--as-of",
        AS_OF,
        "--param",
        "lead_time_days=30",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("JSON report");
    assert_eq!(
        v["params"],
        serde_json::json!([{ "id": "lead_time_days", "value": "30", "default": "0" }])
    );
}

#[test]
fn rule_problems_exit_2_with_diagnostics() {
    let r = samstyr(&["check", PASS, "--param", "no_such_param=1"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("no_such_param"), "{}", r.stderr);

    let r = samstyr(&["check", PASS, "--rules", "fixtures/batch/broken-rules"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("broken-rules"), "{}", r.stderr);

    let r = samstyr(&["check", PASS, "--as-of", "2026-02-30"]);
    assert_eq!(r.code, 2, "a usage error");
}

#[test]
fn nothing_to_check_is_an_error() {
    let dir = std::env::temp_dir().join(format!("samstyr-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let r = samstyr(&["check", &dir.to_string_lossy()]);
    assert_eq!(r.code, 2);
    // The empty directory is an input error of its own (issue 17: it was silently nothing).
    assert!(
        r.stdout.contains("input::empty-dir") || r.stderr.contains("no documents"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reads_standard_input() {
    let text = std::fs::read_to_string(root().join(MUST)).expect("fixture");
    let r = samstyr_stdin(
        &["check", "-", "--as-of", AS_OF, "--lang", "en"],
        Some(&text),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("DFD-2026-017"), "{}", r.stdout);
}

#[test]
fn no_colour_when_piped() {
    let r = Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args(["check", MUST, "--as-of", AS_OF])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("samstyr runs");
    assert!(!r.stdout.contains(&0x1b), "no escape codes in piped output");
}
