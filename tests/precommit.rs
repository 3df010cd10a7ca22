//! The pre-commit hook definitions (`.pre-commit-hooks.yaml`), run by pre-commit itself
//! (`pre-commit try-repo`, which takes this working tree as it is) in a scratch git repository of
//! initiatives: a clean registration passes, one with a violated must-obligation fails.
//! pre-commit comes from PyPI (`pip install pre-commit`; `.ci/run` installs it); without it this
//! test fails, so that the hooks are never left untested.

use crate::check::root;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_pre_commit_hook_runs_samstyr_on_the_repository() {
    let version = Command::new("pre-commit").arg("--version").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "pre-commit is not installed: `pip install pre-commit` (PyPI); .ci/run installs it"
    );
    let dir = std::env::temp_dir().join(format!("samstyr-precommit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("initiativer")).expect("scratch repository");
    let git = |args: &[&str]| {
        let (code, out) = run(Command::new("git").args(args).current_dir(&dir));
        assert_eq!(code, 0, "git {args:?}: {out}");
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "test@example.org"]);
    git(&["config", "user.name", "test"]);
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join(from), dir.join(to)).unwrap_or_else(|e| panic!("{from}: {e}"));
    };
    copy(
        "fixtures/initiatives/valid/datafordeler.json",
        "initiativer/datafordeler.json",
    );
    git(&["add", "-A"]);
    git(&["commit", "-qm", "register"]);

    let bin: PathBuf = PathBuf::from(env!("CARGO_BIN_EXE_samstyr"));
    let bin_dir = bin.parent().unwrap_or(Path::new("."));
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hook = |dir: &Path| {
        run(Command::new("pre-commit")
            .args(["try-repo"])
            .arg(root())
            .args(["samstyr-system", "--all-files", "--color", "never"])
            .current_dir(dir)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.join(".pre-commit-cache"))
            .env("NO_COLOR", "1"))
    };
    let (code, out) = hook(&dir);
    assert_eq!(code, 0, "a clean registration passes: {out}");
    assert!(out.contains("samstyr check"), "{out}");

    // Digisos did not report a delay to KS (SAM-07a, must): the hook fails the commit.
    copy(
        "fixtures/initiatives/valid/digisos.json",
        "initiativer/digisos.json",
    );
    git(&["add", "-A"]);
    let (code, out) = hook(&dir);
    assert_eq!(code, 1, "a violated must-obligation fails: {out}");
    assert!(out.contains("AID-2025-004"), "{out}");
    assert!(out.contains("SAM-07a"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
