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

// ---------------------------------------------------------------------------------------------
// Issue 22: waivers in the portfolio report

const VALID: &str = "fixtures/initiatives/valid";

/// Four waivers judged on 2026-06-01: one expired (SAM-07a of AID-2025-004 stays violated), one
/// running out within 90 days, two in force.
const WAIVERS: &str = r#"
[[waiver]]
id = "U-A"
rules = ["SAM-01"]
initiatives = ["HOD-2025-011"]
reason = "behandlet i konsultasjonsmøtet"
basis = "sak 7/26"
decided_by = "DFD"
decided_on = 2026-05-02
expires = 2027-05-02

[[waiver]]
id = "U-B"
rules = ["SAM-13"]
initiatives = ["HOD-2025-011"]
reason = "andelen er avtalt økt"
basis = "sak 4/26"
decided_by = "KS"
decided_on = 2026-03-10
expires = 2026-07-01

[[waiver]]
id = "U-C"
rules = ["SAM-07a"]
initiatives = ["AID-2025-004"]
reason = "utløpt avtale"
basis = "sak 1/25"
decided_by = "DFD"
decided_on = 2025-06-01
expires = 2026-05-15

[[waiver]]
id = "U-D"
rules = ["SAM-10"]
initiatives = ["DFD-2026-002"]
reason = "planen er under arbeid"
basis = "sak 9/26"
decided_by = "DFD"
decided_on = 2026-05-01
expires = 2027-04-01
"#;

fn report(args: &[&str]) -> super::check::Run {
    let mut all = vec!["report", "--as-of", AS_OF];
    all.extend(args);
    samstyr(&all)
}

/// Statuses of every finding `check --format json` gives, counted.
fn check_waived(waivers: &str) -> usize {
    let c = samstyr(&[
        "check",
        VALID,
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--waivers",
        waivers,
    ]);
    json(&c.stdout)
        .to_string()
        .matches("\"status\":\"waived\"")
        .count()
}

#[test]
fn waivers_are_applied_as_check_applies_them_and_listed_the_most_pressing_first() {
    let dir = Dir::new("waivers");
    let file = dir.s("unntak.toml");
    std::fs::write(&file, WAIVERS).expect("write");
    let o = report(&[VALID, "--format", "json", "--waivers", &file]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Expired waivers are warned of on stderr, as `check` does.
    assert!(o.stderr.contains("U-C"), "{}", o.stderr);
    let v = json(&o.stdout);
    let w = &v["waivers"];
    assert_eq!(w["findings_waived"], 3, "{w}");
    assert_eq!(
        w["findings_waived"],
        check_waived(&file),
        "as check applies them"
    );
    assert_eq!(w["documents_with_waived"], 2, "{w}");
    let ids: Vec<&str> = w["list"]
        .as_array()
        .map(|l| l.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, ["U-C", "U-B", "U-D", "U-A"], "urgency first");
    let states: Vec<&str> = w["list"]
        .as_array()
        .map(|l| l.iter().filter_map(|x| x["state"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(states, ["expired", "expiring_soon", "in_force", "in_force"]);
    // The report with waivers follows its schema, every object closed.
    let schema = samstyr::portfolio::render::json::schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the portfolio schema compiles");
    let problems: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(w["list"][0]["covers"], 0);
    assert_eq!(w["list"][1]["covers"], 1);
    // Waived findings are not violations: the counts by status lose them.
    let without = json(&report(&[VALID, "--format", "json"]).stdout);
    let violated = |v: &serde_json::Value| v["findings"]["by_status"]["violated"].as_u64();
    assert_eq!(violated(&without).map(|n| n - 3), violated(&v));
    // Per ministry: the share of documents with something waived.
    let groups = v["groups"][0]["values"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total: u64 = groups
        .iter()
        .filter_map(|g| g["documents_with_waived"].as_u64())
        .sum();
    assert_eq!(total, 2);
    // The same from `samstyr-unntak.toml` at the root of a directory given.
    let root = Dir::new("waivers-root");
    for e in std::fs::read_dir(root_of(VALID)).expect("read").flatten() {
        std::fs::copy(e.path(), root.join(&e.file_name().to_string_lossy())).expect("copy");
    }
    std::fs::write(root.join("samstyr-unntak.toml"), WAIVERS).expect("write");
    let r = json(&report(&[&root.s(""), "--format", "json"]).stdout);
    assert_eq!(r["waivers"], v["waivers"]);
}

fn root_of(p: &str) -> PathBuf {
    root().join(p)
}

#[test]
fn waivers_are_in_every_format() {
    let dir = Dir::new("waivers-formats");
    let file = dir.s("unntak.toml");
    std::fs::write(&file, WAIVERS).expect("write");
    for (lang, head) in [("nb", "Unntak"), ("nn", "Unntak"), ("en", "Waivers")] {
        for format in ["html", "markdown"] {
            let o = report(&[
                VALID,
                "--format",
                format,
                "--waivers",
                &file,
                "--lang",
                lang,
            ]);
            assert_eq!(o.code, 0, "{}", o.stderr);
            let at = |id: &str| o.stdout.find(id).unwrap_or(usize::MAX);
            assert!(o.stdout.contains(head), "{format} {lang}");
            assert!(at("U-C") < at("U-B") && at("U-B") < at("U-D") && at("U-D") < at("U-A"));
        }
    }
    // The list itself, in nynorsk, for review.
    let o = report(&[
        VALID,
        "--format",
        "markdown",
        "--waivers",
        &file,
        "--lang",
        "nn",
    ]);
    let list = o
        .stdout
        .split("\n## ")
        .find(|part| part.starts_with("Unntak"))
        .unwrap_or_default();
    insta::assert_snapshot!("portfolio_waivers_markdown_nn", list);
    // The document's section shows its waived finding with the waiver, beside the list.
    let o = report(&[VALID, "--format", "markdown", "--waivers", &file]);
    assert!(
        o.stdout.matches("andelen er avtalt økt").count() >= 2,
        "{}",
        o.stdout
    );
    let o = report(&[
        VALID,
        "--format",
        "html",
        "--waivers",
        &file,
        "--lang",
        "nn",
    ]);
    assert!(
        o.stdout.contains("med noko unnateke"),
        "the share, in nynorsk"
    );
    assert!(o.stdout.contains("går snart ut"));
    // CSV, read by a real CSV reader: one record per waiver, and the waiver of each finding.
    let o = report(&[
        VALID,
        "--format",
        "csv",
        "--csv-level",
        "waiver",
        "--waivers",
        &file,
        "--lang",
        "en",
    ]);
    let mut r = csv::Reader::from_reader(o.stdout.as_bytes());
    let head: Vec<String> = r
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(head[..3], ["waiver", "rules", "in force until"]);
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.expect("a record")).collect();
    let ids: Vec<&str> = recs.iter().map(|x| &x[0]).collect();
    assert_eq!(ids, ["U-C", "U-B", "U-D", "U-A"]);
    assert_eq!(&recs[1][3], "expiring_soon");
    let o = report(&[
        VALID,
        "--format",
        "csv",
        "--csv-level",
        "finding",
        "--waivers",
        &file,
        "--csv-excel",
    ]);
    let text = o.stdout.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let head: Vec<String> = r
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let status = head.iter().position(|h| h == "status").expect("status");
    let waiver = head
        .iter()
        .position(|h| h == "unntak")
        .expect("a waiver column");
    let mut waived = Vec::new();
    for rec in r.records() {
        let rec = rec.expect("a record");
        assert_eq!(rec.len(), head.len());
        if &rec[status] == "waived" {
            waived.push(rec[waiver].to_string());
        }
    }
    waived.sort();
    assert_eq!(waived, ["U-A", "U-B", "U-D"]);
}

/// The workbook read back by openpyxl: a sheet of waivers, the waived findings on the findings
/// sheet. Needs python3 with openpyxl (`.ci/run` installs it).
#[test]
#[ignore = "needs python3 and openpyxl; run by .ci/run"]
fn the_workbook_lists_waivers_read_back_by_openpyxl() {
    let dir = Dir::new("waivers-xlsx");
    let file = dir.s("unntak.toml");
    std::fs::write(&file, WAIVERS).expect("write");
    let xlsx = dir.s("r.xlsx");
    let o = report(&[VALID, "--format", "xlsx", "--waivers", &file, "-o", &xlsx]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = report(&[VALID, "--format", "json", "--waivers", &file]);
    std::fs::write(dir.join("r.json"), &o.stdout).expect("write");
    let script = r#"
import json, sys, datetime, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
report = json.load(open(sys.argv[2], encoding="utf-8"))
assert book.sheetnames == ["Dokumenter", "Funn", "Frister", "Unntak"], book.sheetnames
ws = book["Unntak"]
rows = list(ws.iter_rows(min_row=2, values_only=True))
assert [r[0] for r in rows] == [w["id"] for w in report["waivers"]["list"]], rows
assert isinstance(rows[0][2], datetime.datetime), rows[0]
assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
f = book["Funn"]
head = [c.value for c in f[1]]
st, un = head.index("status"), head.index("unntak")
waived = sorted(r[un] for r in f.iter_rows(min_row=2, values_only=True) if r[st] == "waived")
assert waived == ["U-A", "U-B", "U-D"], waived
total = sum(report["findings"]["by_status"].values()) + report["waivers"]["findings_waived"]
assert f.max_row - 1 == total + report["totals"]["invalid"], (f.max_row, total)
print("ok")
"#;
    let out = Command::new("python3")
        .args(["-c", script, &xlsx, &dir.s("r.json")])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_waiver_naming_a_document_the_portfolio_lacks_is_an_error() {
    let dir = Dir::new("waivers-unknown");
    let file = dir.s("unntak.toml");
    std::fs::write(&file, WAIVERS.replace("DFD-2026-002", "DFD-2099-999")).expect("write");
    let o = report(&[VALID, "--format", "json", "--waivers", &file]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stdout.contains("waiver::unknown-initiative"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("DFD-2099-999"));
}

// ---------------------------------------------------------------------------------------------
// Issue 22: a workbook sheet beyond Excel's row limit goes on in others, nothing cut

/// The sheets of a workbook in order, by name, with their XML.
fn sheets_of(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str| {
        let mut s = String::new();
        let mut f = zip.by_name(name).expect(name);
        std::io::Read::read_to_string(&mut f, &mut s).expect(name);
        s
    };
    let book = read(&mut zip, "xl/workbook.xml");
    let names: Vec<String> = book
        .split("<sheet name=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect();
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let xml = read(&mut zip, &format!("xl/worksheets/sheet{}.xml", i + 1));
            (n, xml)
        })
        .collect()
}

#[test]
fn a_sheet_over_the_row_limit_goes_on_in_numbered_sheets_with_nothing_cut() {
    let rules = embedded();
    let as_of = jiff::civil::date(2026, 6, 1);
    let detail = Detail::Rows {
        findings: true,
        messages: true,
    };
    let mut rows = Vec::new();
    let p = portfolio::run_rows(
        &rules,
        &Source::Paths(vec![root().join(FIXTURE)]),
        &Options::new(as_of, detail),
        &mut |r| rows.push(r),
    );
    let meta = samstyr::portfolio::render::Meta::new(
        &rules,
        samstyr::cli::check::run_info(
            &rules,
            as_of,
            samstyr::text::Lang::Nn,
            samstyr::report::Gate::default(),
        ),
    );
    // Six rows a sheet: the header, four rows, and the note that says where they go on.
    let mut book = samstyr::portfolio::render::xlsx::Xlsx::new(&meta, as_of)
        .expect("a workbook")
        .with_sheet_rows(6);
    for r in &rows {
        book.add(&meta, r);
    }
    let mut bytes = Vec::new();
    let continued = book.finish(&meta, &p, &mut bytes).expect("written");
    let sheets = sheets_of(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    let a = &p.aggregates;
    let findings = a.by_status.iter().sum::<u64>() + a.waived + a.invalid;
    let parts = |rows: u64| rows.div_ceil(4) as usize;
    assert_eq!(
        names.iter().filter(|n| n.starts_with("Funn")).count(),
        parts(findings)
    );
    // The parts follow their sheet (in nynorsk): Dokument, Dokument 2 …, Funn, Funn 2 …
    assert_eq!(names[0], "Dokument");
    assert_eq!(names[1], "Dokument 2");
    let funn = names.iter().position(|n| *n == "Funn").expect("Funn");
    assert_eq!(names[funn + 1], "Funn 2");
    assert_eq!(continued[1].0, "Funn");
    assert_eq!(continued[1].1.len(), parts(findings) - 1);
    // Every finding is on a sheet: data rows of all parts, less the notes.
    let data = |prefix: &str| -> u64 {
        sheets
            .iter()
            .filter(|(n, _)| n == prefix || n.starts_with(&format!("{prefix} ")))
            .map(|(_, xml)| {
                let notes = xml.matches("held fram i arket").count();
                (xml.matches("<row ").count() - 1 - notes) as u64
            })
            .sum()
    };
    assert_eq!(data("Funn"), findings);
    assert_eq!(data("Dokument"), a.inputs);
    let first = &sheets[funn].1;
    assert!(
        first.contains("radene held fram i arket «Funn 2»"),
        "{first}"
    );
    // Each part has the header row, frozen, and a filter.
    for (n, xml) in &sheets {
        assert!(xml.contains("<autoFilter"), "{n}");
        assert!(xml.contains("state=\"frozen\""), "{n}");
    }
}
