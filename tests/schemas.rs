//! The validator's meaning as the command line shows it: a number over its `max` is an invalid
//! input. The validator's agreement with a simple oracle on generated schemas is tested beside
//! it (`src/schema/oracle_tests.rs`).

/// A copy of the library rule set whose `age` has `max = 130` (`rules` kept out: its tests
/// would check documents without the new bound in mind), checked with a member of each age.
fn check_age(age: &str) -> i32 {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/library");
    let dir =
        std::env::temp_dir().join(format!("samstyr-schemas-max-{}-{age}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // The rule files and, beside them, the seeds their quotes are found in.
    for sub in ["rules", "seeds"] {
        std::fs::create_dir_all(dir.join(sub)).expect("a scratch directory");
        for entry in std::fs::read_dir(src.join(sub))
            .expect("the library")
            .flatten()
        {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let mut text = std::fs::read_to_string(&path).expect("a rule file");
            if path.file_name().is_some_and(|n| n == "input.toml") {
                let before = "age = { type = \"number\", min = 0, integer = true,";
                assert!(text.contains(before), "the library's `age` field changed");
                text = text.replace(
                    before,
                    "age = { type = \"number\", min = 0, max = 130, integer = true,",
                );
            }
            std::fs::write(dir.join(sub).join(entry.file_name()), text).expect("written");
        }
    }
    let doc = dir.join("member.json");
    std::fs::write(
        &doc,
        format!(r#"{{"schema":"library.member/v1","id":"M-1","name":"A","age":{age}}}"#),
    )
    .expect("written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args(["check", "--rules"])
        .arg(dir.join("rules"))
        .arg(&doc)
        .output()
        .expect("samstyr runs");
    let _ = std::fs::remove_dir_all(&dir);
    out.status.code().unwrap_or(-1)
}

/// A value over a number's `max` is an invalid input (exit 2), at the bound it is not: issue 16
/// names loosening this check as a change of meaning the suite must catch.
#[test]
fn a_number_over_its_maximum_is_an_invalid_input() {
    assert_eq!(check_age("131"), 2);
    assert_eq!(check_age("130.5"), 2);
    assert_ne!(check_age("130"), 2);
}
