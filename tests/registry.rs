//! A registration repository as CI sees it (`fixtures/registry`): initiatives in folders, a waiver
//! file at the root, and everything a repository holds besides — editor and CI folders, a
//! `node_modules` and a `build` folder that `.gitignore` names, a `renovate.json` — checked end to
//! end in every format. Also: the formats agree with the gate, and a pull-request comment of a
//! large batch fits.

use crate::check::{AS_OF, redact_decision, root, samstyr};
use crate::formats::check_junit;
use crate::waivers::sarif_validator;
use serde_json::Value;
use std::path::{Path, PathBuf};

const REGISTRY: &str = "fixtures/registry";

fn registry(format: &str, lang: &str) -> String {
    let r = samstyr(&[
        "check",
        REGISTRY,
        "--exclude",
        "renovate.json",
        "--as-of",
        AS_OF,
        "--format",
        format,
        "--lang",
        lang,
    ]);
    assert_eq!(
        r.code, 2,
        "the registry holds a draft that is invalid: {}",
        r.stderr
    );
    r.stdout
}

/// The inputs a JSON report names, by file.
fn files(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).expect("the report is JSON");
    let mut out: Vec<String> = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(v["errors"].as_array().into_iter().flatten())
        .filter_map(|r| r["file"].as_str().map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn a_registration_repository_in_every_format() {
    let json = registry("json", "en");
    assert_eq!(
        files(&json),
        [
            "fixtures/registry/initiativer/datafordeler.json",
            "fixtures/registry/initiativer/dodsfall-og-arv.json",
            "fixtures/registry/initiativer/helse/digihelse.json",
            "fixtures/registry/initiativer/utkast-uten-eier.json",
            "fixtures/registry/initiativer/velferd/digisos.json",
        ],
        "hidden folders, ignored folders and excluded files are not read"
    );
    insta::assert_snapshot!("registry_json", redact_decision(&json));
    insta::assert_snapshot!("registry_text_nb", registry("text", "nb"));
    insta::assert_snapshot!("registry_text_en", registry("text", "en"));
    let sarif = registry("sarif", "en");
    let v: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&v)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    insta::assert_snapshot!("registry_sarif", sarif);
    let junit = registry("junit", "en");
    let (_, failures, errors, skipped) = check_junit(&junit, "registry");
    // Failures are what fails the gate: SAM-07a and SAM-18 (no KS involvement between its two
    // decisions, rule set v2) of Digisos; the draft is the one error.
    assert_eq!((failures, errors), (2, 1));
    assert!(skipped > 0);
    insta::assert_snapshot!("registry_junit", junit);
    insta::assert_snapshot!("registry_github", registry("github", "en"));
    insta::assert_snapshot!("registry_markdown_nb", registry("markdown", "nb"));
    insta::assert_snapshot!("registry_markdown_en", registry("markdown", "en"));
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!(
            "samstyr-registry-{what}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// A real `.git` folder (which a fixture in this repository cannot hold), an `--output` file
/// written into the folder checked, and `--exclude` left out.
#[test]
fn the_scan_skips_git_and_its_own_output() {
    let dir = TempDir::new("scan");
    copy_tree(&root().join(REGISTRY), &dir.0);
    let git = dir.0.join(".git");
    std::fs::create_dir_all(git.join("objects")).expect("mkdir .git");
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").expect("HEAD");
    std::fs::write(
        git.join("objects/pack.json"),
        "{ \"not\": \"an initiative\" }",
    )
    .expect("a JSON file under .git");
    let d = dir.0.to_string_lossy().to_string();
    let out = format!("{d}/samstyr-rapport.json");
    let run = || {
        let r = samstyr(&[
            "check",
            &d,
            "--exclude",
            "renovate.json",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--output",
            &out,
            "--quiet",
        ]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stdout.is_empty() && r.stderr.is_empty(),
            "--quiet prints nothing"
        );
        let written = std::fs::read_to_string(&out).expect("--quiet --output writes the report");
        files(&written)
            .into_iter()
            .map(|f| f.replace(&d, "DIR"))
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first.len(), 5, "{first:?}");
    // The report of the first run now lies in the folder: the second run does not read it.
    assert_eq!(run(), first);
    // Without `--exclude`, renovate.json is read (and is no initiative).
    let r = samstyr(&["check", &d, "--as-of", AS_OF, "--format", "json"]);
    assert!(
        files(&r.stdout)
            .iter()
            .any(|f| f.ends_with("/renovate.json")),
        "{}",
        r.stdout
    );
    let bad = samstyr(&["check", &d, "--exclude", "[", "--as-of", AS_OF]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("ugyldig `--exclude`-mønster `[`"),
        "{}",
        bad.stderr
    );
}

/// README, "What fails the gate": should-level violations are flagged whatever `--fail-on` says, and JUnit failures
/// are exactly what fails the gate.
/// An `--output` that names an initiative inside the folder checked would lose it: `check`,
/// `report`, `diff` and `graph` refuse it, the draft that is no valid initiative too, and write
/// nothing. Only a report of ours from an earlier run is left out and written over (above).
#[test]
fn an_output_onto_an_initiative_in_the_checked_folder_is_refused() {
    let dir = TempDir::new("overwrite");
    copy_tree(&root().join(REGISTRY), &dir.0);
    let d = dir.0.to_string_lossy().to_string();
    for victim in [
        "initiativer/datafordeler.json",
        "initiativer/utkast-uten-eier.json",
    ] {
        let path = dir.0.join(victim);
        let before = std::fs::read(&path).expect("the fixture");
        let out = path.to_string_lossy().to_string();
        for (cmd, code) in [
            (
                vec!["check", &d, "--format", "json"],
                "check::output-is-input",
            ),
            (
                vec!["check", &d, "--format", "sarif"],
                "check::output-is-input",
            ),
            (
                vec!["report", &d, "--format", "json"],
                "report::output-is-input",
            ),
            (vec!["diff", &d], "report::output-is-input"),
            (vec!["graph", &d], "report::output-is-input"),
        ] {
            let mut args = cmd.clone();
            args.extend(["--as-of", AS_OF, "--output", &out]);
            let r = samstyr(&args);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(r.stderr.contains(code), "{args:?}: {}", r.stderr);
            assert_eq!(
                std::fs::read(&path).expect("still there"),
                before,
                "{args:?} wrote over {victim}"
            );
        }
    }
}

#[test]
fn the_formats_agree_with_the_gate() {
    let input = "fixtures/initiatives/valid/dodsfall-og-arv.json";
    let run = |format: &str, fail_on: &str| {
        samstyr(&[
            "check",
            input,
            "--as-of",
            AS_OF,
            "--format",
            format,
            "--fail-on",
            fail_on,
        ])
    };
    for (fail_on, code, failures, level) in [("must", 0, 0, "warning"), ("should", 1, 2, "error")] {
        let junit = run("junit", fail_on);
        assert_eq!(junit.code, code);
        let (_, f, _, _) = check_junit(&junit.stdout, fail_on);
        assert_eq!(f, failures, "--fail-on {fail_on}: {}", junit.stdout);
        let sarif: Value = serde_json::from_str(&run("sarif", fail_on).stdout).expect("SARIF");
        let levels: Vec<(&str, &str)> = sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["properties"]["status"] == "violated")
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or(""),
                    r["level"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            levels,
            [("SAM-10", level), ("SAM-11", level)],
            "--fail-on {fail_on}"
        );
        let github = run("github", fail_on).stdout;
        let kind = if level == "error" {
            "::error "
        } else {
            "::warning "
        };
        let flagged = github
            .lines()
            .filter(|l| l.starts_with(kind) && (l.contains("SAM-10") || l.contains("SAM-11")))
            .count();
        assert_eq!(flagged, 2, "--fail-on {fail_on}: {github}");
    }
}

#[test]
fn a_pull_request_comment_of_two_thousand_initiatives_fits() {
    let dir = TempDir::new("markdown");
    let batch = dir.0.join("batch.jsonl").to_string_lossy().to_string();
    let g = samstyr(&["gen", "--count", "2000", "--seed", "7", "--output", &batch]);
    assert_eq!(g.code, 0, "{}", g.stderr);
    let comment = samstyr(&["check", &batch, "--as-of", AS_OF, "--format", "markdown"]);
    assert_eq!(comment.code, 1, "{}", comment.stderr);
    let md = comment.stdout;
    let chars = md.chars().count();
    assert!(chars <= 60_000, "{chars} characters");
    assert!(
        chars > 30_000,
        "the comment uses its room: {chars} characters"
    );
    // Failing initiatives first, each with its remedies; the rest counted.
    let failing_at = md
        .find("\n### Feiler (")
        .expect("a section of failing initiatives");
    let first_heading = md.find("\n### ").expect("a section");
    assert_eq!(failing_at, first_heading, "failing initiatives come first");
    let blocks = md.matches("\n#### ❌ ").count();
    assert!(blocks > 20, "{blocks} failing initiatives shown");
    assert!(md.contains("**Slik retter du det:**"));
    assert!(
        md.contains("dokumenter til som feiler"),
        "the rest are counted"
    );
    assert!(md.contains("\nØvrige: "));
    let full = samstyr(&[
        "check",
        &batch,
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
        "--markdown-full",
    ]);
    assert!(full.stdout.chars().count() > 60_000);
}

/// The smaller things a CI user hits (issue 19): standard input named in annotations, `explain`
/// on a batch and as JSON, a rule directory without its input format, completions and the
/// manual page.
#[test]
fn smaller_things_a_ci_user_hits() {
    let digisos = std::fs::read_to_string(root().join("fixtures/initiatives/valid/digisos.json"))
        .expect("fixture");
    let r = crate::check::samstyr_stdin(
        &[
            "check",
            "-",
            "--stdin-name",
            "registrations/digisos.json",
            "--as-of",
            AS_OF,
            "--format",
            "github",
        ],
        Some(&digisos),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("::error file=registrations/digisos.json,line=")),
        "{}",
        r.stdout
    );

    let batch = "fixtures/initiatives/valid/portefolje-dodsfall.jsonl";
    let r = samstyr(&["explain", batch, "--rule", "SAM-01", "--as-of", AS_OF]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("holds 3 documents"), "{}", r.stderr);
    assert!(r.stderr.contains("`DFD-2026-018`"), "{}", r.stderr);
    let r = samstyr(&[
        "explain",
        batch,
        "--rule",
        "SAM-01",
        "--id",
        "DFD-2026-18",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `DFD-2026-018`?"),
        "{}",
        r.stderr
    );
    let r = samstyr(&[
        "explain",
        batch,
        "--rule",
        "SAM-01",
        "--id",
        "DFD-2026-018",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("explain --format json is JSON");
    assert_eq!(v["document"], "DFD-2026-018");
    assert_eq!(v["rule"], "SAM-01");
    let status = v["findings"][0]["finding"]["status"].as_str().unwrap_or("");
    let text = samstyr(&[
        "explain",
        batch,
        "--rule",
        "SAM-01",
        "--id",
        "DFD-2026-018",
        "--as-of",
        AS_OF,
        "--lang",
        "en",
    ]);
    assert!(
        text.stdout.contains(&format!("→ status: {status}")),
        "the JSON trace and the text agree: {}",
        text.stdout
    );

    let dir = TempDir::new("no-input");
    std::fs::copy(
        root().join("rules/ruleset.toml"),
        dir.0.join("ruleset.toml"),
    )
    .expect("copy");
    let d = dir.0.to_string_lossy().to_string();
    let r = samstyr(&["rules", "list", "--rules", &d]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("rule directory `{d}` has no `input.toml`")),
        "{}",
        r.stderr
    );

    for shell in ["bash", "zsh", "fish"] {
        let r = samstyr(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains("samstyr") && r.stdout.contains("waivers"),
            "{shell}"
        );
    }
    let man = samstyr(&["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH samstyr"));
    assert!(man.stdout.contains("SAMSTYR CHECK") && man.stdout.contains("\\-\\-waivers"));
}

/// `diff` counts what changes besides statuses: deadlines a parameter moves, and messages a rule
/// change rewords.
#[test]
fn diff_counts_moved_deadlines_and_changed_messages() {
    let inputs = "fixtures/initiatives/valid";
    let r = samstyr(&[
        "diff",
        inputs,
        "--new-param",
        "lead_time_days=30",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).expect("diff JSON");
    assert!(
        v["deadlines_moved"].as_u64().unwrap_or(0) > 10,
        "{}",
        r.stdout
    );
    assert_eq!(v["messages_changed"], 0);
    assert_eq!(v["grades_changed"], 0, "no status moved: {}", r.stdout);

    let dir = TempDir::new("reworded");
    copy_tree(&root().join("rules"), &dir.0.join("rules"));
    copy_tree(&root().join("seeds"), &dir.0.join("seeds"));
    let sam09 = dir.0.join("rules/obligations/sam-09.toml");
    let text = std::fs::read_to_string(&sam09).expect("sam-09");
    let reworded = text.replacen("violated = { nb = \"", "violated = { nb = \"Merk: ", 1);
    assert_ne!(text, reworded, "the test rewords a message");
    std::fs::write(&sam09, reworded).expect("write");
    let new_rules = dir.0.join("rules").to_string_lossy().to_string();
    let r = samstyr(&[
        "diff",
        inputs,
        "--new-rules",
        &new_rules,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).expect("diff JSON");
    assert!(
        v["messages_changed"].as_u64().unwrap_or(0) >= 3,
        "{}",
        r.stdout
    );
    assert_eq!(v["deadlines_moved"], 0);
    let text = samstyr(&[
        "diff",
        inputs,
        "--new-rules",
        &new_rules,
        "--as-of",
        AS_OF,
        "--lang",
        "en",
    ]);
    assert!(
        text.stdout.contains("SAM-09: message changed"),
        "{}",
        text.stdout
    );
}
