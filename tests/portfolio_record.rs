//! The portfolio report as a record: an input changed during a run is noticed in every pass
//! (never two versions of it mixed), the decision record of `report --format json` (the same
//! as `check`'s, byte-identical however many threads), waivers applied, counted and listed in
//! every format, and the workbook's sheets beyond Excel's row limit.

use super::check::{AS_OF, root, samstyr, samstyr_stdin};
use samstyr::files::RuleFiles;
use samstyr::portfolio::{self, Detail, Options, Row, RowOutcome, Source};
use samstyr::rules::RuleSet;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::Command;

const FIXTURE: &str = "fixtures/portfolio/portfolio.jsonl";

fn embedded() -> RuleSet {
    match RuleSet::load(&RuleFiles::embedded(), &[]) {
        Ok(r) => r,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    }
}

/// A directory of its own under the system's temporary directory, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("samstyr-record-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("a temporary directory");
        Dir(d)
    }

    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }

    fn s(&self, p: &str) -> String {
        self.join(p).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `samstyr gen --count n --seed 1`, one document per line.
fn generated(n: usize) -> Vec<String> {
    let o = samstyr(&["gen", "--count", &n.to_string(), "--seed", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.stdout.lines().map(str::to_string).collect()
}

fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Issue 17, defect 8: every pass notices an input that changed since the first

/// The rows pass reads every document again after the first pass (and the graph) have made the
/// counts. A document rewritten in between was listed in its new version beside counts of its
/// old one, silently. Now it is an error of its own, and its row says so instead of showing
/// the new version.
#[test]
fn a_document_rewritten_before_the_rows_pass_is_an_error_not_a_second_version() {
    let dir = Dir::new("rows-pass");
    let docs = generated(20);
    for (i, d) in docs.iter().enumerate() {
        std::fs::write(dir.join(&format!("d{i:02}.json")), d).expect("write");
    }
    let target = dir.join("d15.json");
    let rewritten = docs[15].replacen("\"title\": \"", "\"title\": \"REWRITTEN ", 1);
    let rewritten = if rewritten == docs[15] {
        docs[15].replacen("\"title\":\"", "\"title\":\"REWRITTEN ", 1)
    } else {
        rewritten
    };
    assert_ne!(rewritten, docs[15], "the generated document has a title");
    let rules = embedded();
    // Chunks of one: the reader is a few documents ahead of the rows handed over, so the file
    // is rewritten before the rows pass reads it, and after the first pass did.
    let opts = Options {
        chunk: 1,
        ..Options::new(
            jiff::civil::date(2026, 6, 1),
            Detail::Rows {
                findings: true,
                messages: false,
            },
        )
    };
    let mut rows: Vec<Row> = Vec::new();
    let p = portfolio::run_rows(
        &rules,
        &Source::Paths(vec![dir.0.clone()]),
        &opts,
        &mut |row| {
            if rows.is_empty() {
                std::fs::write(&target, &rewritten).expect("rewrite");
            }
            rows.push(row);
        },
    );
    assert_eq!(rows.len(), 20);
    let label = target.display().to_string().replace('\\', "/");
    let changed: Vec<&samstyr::portfolio::ErrorLine> = p
        .errors
        .iter()
        .filter(|e| e.code == "input::changed")
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", p.errors);
    assert!(changed[0].label.ends_with("d15.json"), "{:?}", changed[0]);
    assert!(changed[0].message.contains("changed while"), "{changed:?}");
    let row = rows
        .iter()
        .find(|r| r.label.ends_with("d15.json"))
        .unwrap_or_else(|| panic!("no row for {label}"));
    match &row.outcome {
        RowOutcome::Invalid(e) => assert_eq!(e[0].code, "input::changed"),
        RowOutcome::Judged(_) => panic!("the new version was judged: {row:?}"),
    }
    assert!(
        !rows
            .iter()
            .any(|r| r.title.as_deref().is_some_and(|t| t.contains("REWRITTEN"))),
        "a second version is listed"
    );
    // The counts are the first reading's: twenty documents evaluated.
    assert_eq!(p.aggregates.evaluated, 20);
}

/// The same through the command: exit 2 and the error in the report, for a JSONL line changed
/// before the rows pass (`SAMSTYR_TEST_CHANGE_BEFORE_ROWS`, debug builds only, rewrites its
/// first line with the same length).
#[test]
fn report_exits_2_when_a_line_changed_between_the_passes() {
    let dir = Dir::new("cli-rows");
    let file = dir.join("p.jsonl");
    std::fs::copy(root().join(FIXTURE), &file).expect("copy");
    let f = file.display().to_string();
    for format in ["csv", "markdown"] {
        let o = Command::new(env!("CARGO_BIN_EXE_samstyr"))
            .args(["report", &f, "--format", format, "--as-of", AS_OF])
            .env("SAMSTYR_TEST_CHANGE_BEFORE_ROWS", &file)
            .output()
            .expect("runs");
        std::fs::copy(root().join(FIXTURE), &file).expect("copy back");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(2), "{format}: {out}");
        assert!(out.contains("changed while"), "{format}: {out}");
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 20: the decision record in the portfolio report

fn report_json(args: &[&str], threads: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .arg("report")
        .args(args)
        .args(["--format", "json", "--as-of", AS_OF])
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("runs");
    assert!(matches!(o.status.code(), Some(0..=2)), "{o:?}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn the_decision_record_is_check_s_and_the_same_on_every_run() {
    let one = report_json(&[FIXTURE], "1");
    let two = report_json(&[FIXTURE, "--chunk", "2"], "2");
    assert_eq!(one, two, "byte-identical across threads and chunks");
    let v = json(&one);
    let d = &v["decision"];
    assert!(d["id"].as_str().is_some_and(|s| s.len() == 32), "{d}");
    assert_eq!(d["as_of"], AS_OF);
    assert_eq!(d["rules"]["id"], v["rules"]["id"]);
    assert_eq!(d["tool_version"], v["tool"]["version"]);
    // `check` on the same input asks the same question.
    let c = samstyr(&["check", FIXTURE, "--format", "json", "--as-of", AS_OF]);
    assert_eq!(json(&c.stdout)["decision"], *d);
    // A JSONL file: the SHA-256 of its lines' SHA-256s (blank lines are no documents), one per
    // line, as docs/portfolio.md defines it.
    let text = std::fs::read_to_string(root().join(FIXTURE)).expect("read");
    let mut lines = String::new();
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        lines.push_str(&sha_hex(l.trim_end_matches('\r').as_bytes()));
        lines.push('\n');
    }
    assert_eq!(d["input_sha256"], sha_hex(lines.as_bytes()));
    // Another date, another question.
    let other = Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args([
            "report",
            FIXTURE,
            "--format",
            "json",
            "--as-of",
            "2026-06-02",
        ])
        .current_dir(root())
        .output()
        .expect("runs");
    let other = json(&String::from_utf8_lossy(&other.stdout));
    assert_ne!(other["decision"]["id"], d["id"]);
    assert_eq!(other["decision"]["input_sha256"], d["input_sha256"]);
}

#[test]
fn a_directory_s_input_hash_is_of_its_files_in_order_and_one_file_s_is_its_own() {
    let dir = Dir::new("dir-hash");
    let docs = generated(3);
    for (i, d) in docs.iter().enumerate() {
        std::fs::write(dir.join(&format!("{i}.json")), d).expect("write");
    }
    let v = json(&report_json(&[&dir.s("")], "2"));
    let mut lines = String::new();
    for d in &docs {
        lines.push_str(&sha_hex(d.as_bytes()));
        lines.push('\n');
    }
    assert_eq!(v["decision"]["input_sha256"], sha_hex(lines.as_bytes()));
    let one = json(&report_json(&[&dir.s("1.json")], "2"));
    assert_eq!(one["decision"]["input_sha256"], sha_hex(docs[1].as_bytes()));
    // From standard input, the same lines give the same record as the file.
    let all = docs.join("\n");
    std::fs::write(dir.join("all.jsonl"), &all).expect("write");
    let file = json(&report_json(&[&dir.s("all.jsonl")], "2"));
    let o = samstyr_stdin(
        &["report", "-", "--format", "json", "--as-of", AS_OF],
        Some(&all),
    );
    assert_eq!(json(&o.stdout)["decision"], file["decision"]);
    assert_eq!(
        file["decision"]["input_sha256"],
        v["decision"]["input_sha256"]
    );
}
