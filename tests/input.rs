//! Reading and validating initiative files: the `validate` and `schema` commands, the fixtures
//! under `fixtures/initiatives/`, the JSON Schema's agreement with the reader, and properties of
//! the JSON parser.

use proptest::prelude::*;
use samstyr::catalog::Catalog;
use samstyr::diag::render;
use samstyr::files::RuleFiles;
use samstyr::input::{self, Checked};
use samstyr::schema::{self, InputSchema};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn input_side() -> &'static (InputSchema, Catalog) {
    static SIDE: OnceLock<(InputSchema, Catalog)> = OnceLock::new();
    SIDE.get_or_init(|| match schema::load_input_side(&RuleFiles::embedded()) {
        Ok(x) => x,
        Err(d) => panic!(
            "embedded input side does not load:\n{}",
            render(&d.0, false)
        ),
    })
}

/// The path relative to the crate root, so labels and snapshots do not depend on the checkout.
fn rel(path: &Path) -> PathBuf {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_path_buf()
}

fn read(paths: &[PathBuf]) -> Vec<Checked> {
    let (s, c) = input_side();
    input::documents(paths, s, c).collect()
}

fn fixtures(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/initiatives")
        .join(sub);
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| rel(&p))
        .collect();
    v.sort();
    v
}

/// Every unit of a file, rendered the way `samstyr validate` shows it (without colour).
fn rendered(path: &Path) -> String {
    let mut out = String::new();
    for c in read(&[rel(path)]) {
        match c.result {
            Ok(doc) => out.push_str(&format!("{}: valid (`{}`)\n", c.label, doc.key)),
            Err(d) => {
                out.push_str(&format!("{}: {} problem(s)\n", c.label, d.len()));
                out.push_str(&render(&d.0, false));
            }
        }
    }
    out
}

#[test]
fn every_invalid_fixture_fails_with_a_stable_rendering() {
    insta::glob!("../fixtures/initiatives", "invalid/*", |path| {
        let units = read(&[rel(path)]);
        assert!(
            units.iter().any(|u| u.result.is_err()),
            "{} was accepted",
            path.display()
        );
        for u in &units {
            if let Err(d) = &u.result {
                for d in d.iter() {
                    assert!(!d.message.is_empty());
                    assert!(d.help.is_some(), "{}: no help for {}", u.label, d.message);
                }
            }
        }
        insta::assert_snapshot!(rendered(path));
    });
}

#[test]
fn every_valid_fixture_validates() {
    let files = fixtures("valid");
    assert!(files.len() >= 12, "only {} valid fixtures", files.len());
    for f in &files {
        for c in read(std::slice::from_ref(f)) {
            if let Err(d) = c.result {
                panic!("{} is invalid:\n{}", c.label, render(&d.0, false));
            }
        }
    }
    // Together they are one batch: no id may repeat.
    let all = read(&files);
    assert!(all.iter().all(|c| c.result.is_ok()));
    assert!(all.len() > files.len(), "the JSONL fixture adds documents");
}

#[test]
fn there_is_one_invalid_fixture_per_kind_of_error() {
    assert!(fixtures("invalid").len() >= 20);
}

#[test]
fn a_bom_and_crlf_file_keeps_true_positions() {
    let docs = read(&[PathBuf::from("fixtures/initiatives/valid/bom-crlf.json")]);
    let Ok(doc) = &docs[0].result else {
        panic!("bom-crlf.json is invalid")
    };
    assert!(!doc.source.text().starts_with('\u{feff}'));
    // `title` is the third field of the root type, on line 4 after `  "title": `.
    let title = doc.slots()[2].as_ref().unwrap();
    assert_eq!(doc.source.line_col(title.at), (4, 12));
}

#[test]
fn absent_records_and_sections_mean_none_and_classifications_stay_unknown() {
    let (s, _) = input_side();
    let docs = read(&[PathBuf::from(
        "fixtures/initiatives/valid/uavklart-ide.json",
    )]);
    let doc = docs[0].result.as_ref().unwrap();
    let root = s.root_type();
    let slots = doc.slots();
    let slot = |name: &str| &slots[root.field(name).unwrap().0];
    for unknown in [
        "kind",
        "strategy_measures",
        "municipal_impact",
        "cost_estimate_nok",
    ] {
        assert!(slot(unknown).is_none(), "{unknown} should be absent");
    }
    for empty in ["milestones", "involvement", "bodies", "agreements"] {
        assert_eq!(
            slot(empty).as_ref().unwrap().value,
            samstyr::value::Value::List(samstyr::value::Extent::EMPTY),
            "{empty}"
        );
    }
    for none in ["funding", "hearing"] {
        assert_eq!(
            slot(none).as_ref().unwrap().value,
            samstyr::value::Value::Null,
            "{none}"
        );
    }
}

#[test]
fn duplicate_ids_in_a_batch_name_both_places() {
    let dir = PathBuf::from("fixtures/initiatives/batch-duplicate-ids");
    let units = read(std::slice::from_ref(&dir));
    let labels: Vec<_> = units.iter().map(|u| u.label.to_string()).collect();
    assert_eq!(
        labels,
        [
            "fixtures/initiatives/batch-duplicate-ids/a.json",
            "fixtures/initiatives/batch-duplicate-ids/b.json",
            "fixtures/initiatives/batch-duplicate-ids/c.json",
        ]
    );
    assert!(units[0].result.is_ok());
    assert!(units[2].result.is_ok());
    let d = units[1].result.as_ref().unwrap_err();
    assert_eq!(d.len(), 1);
    let d = &d.0[0];
    assert_eq!(d.code, "input::duplicate-key");
    assert_eq!(d.pointer.as_deref(), Some("/id"));
    assert_eq!(d.line_col(), Some((3, 9)));
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("fixtures/initiatives/batch-duplicate-ids/a.json"),
        "{:?}",
        d.help
    );
    insta::assert_snapshot!(render(std::slice::from_ref(d), false));
}

#[test]
fn jsonl_units_are_labelled_and_located_by_line() {
    let units = read(&[PathBuf::from(
        "fixtures/initiatives/invalid/batch-one-bad-line.jsonl",
    )]);
    let labels: Vec<_> = units.iter().map(|u| u.label.to_string()).collect();
    let name = "fixtures/initiatives/invalid/batch-one-bad-line.jsonl";
    assert_eq!(
        labels,
        [
            format!("{name}:1"),
            format!("{name}:2"),
            format!("{name}:4")
        ]
    );
    assert!(units[0].result.is_ok() && units[2].result.is_ok());
    let d = &units[1].result.as_ref().unwrap_err().0[0];
    assert_eq!(d.code, "input::enum");
    assert_eq!(d.file_name(), Some(name));
    let (line, col) = d.line_col().unwrap();
    assert_eq!(line, 2);
    let text = std::fs::read_to_string(name).unwrap();
    let line2 = text.lines().nth(1).unwrap();
    assert_eq!(
        line2.chars().take(col - 1).collect::<String>().len(),
        line2.find("\"planed\"").unwrap()
    );
}

/// Invalid fixtures that JSON Schema cannot reject, and why. Everything else it must reject.
const NOT_EXPRESSIBLE: &[(&str, &str)] = &[(
    "duplicate-key.json",
    "JSON Schema validates parsed JSON, in which the second `title` has silently replaced the first",
)];

fn json_schema_validator() -> jsonschema::Validator {
    let (s, c) = input_side();
    let schema = schema::json_schema(s, c);
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the emitted schema is not a valid schema: {e}"))
}

/// Whether JSON Schema accepts every document of a fixture file (a document that is not JSON
/// at all counts as rejected).
fn schema_accepts(v: &jsonschema::Validator, path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let docs: Vec<&[u8]> = if path.extension().is_some_and(|e| e == "jsonl") {
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .collect()
    } else {
        vec![bytes]
    };
    docs.iter()
        .all(|d| match serde_json::from_slice::<serde_json::Value>(d) {
            Ok(value) => v.is_valid(&value),
            Err(_) => false,
        })
}

#[test]
fn the_json_schema_agrees_with_the_reader_on_every_fixture() {
    let v = json_schema_validator();
    for f in fixtures("valid") {
        assert!(
            schema_accepts(&v, &f),
            "JSON Schema rejects valid {}",
            f.display()
        );
    }
    for f in fixtures("invalid") {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let exception = NOT_EXPRESSIBLE.iter().find(|(n, _)| *n == name);
        match exception {
            None => assert!(
                !schema_accepts(&v, &f),
                "JSON Schema accepts invalid {}",
                f.display()
            ),
            // The list must stay honest: an exception that JSON Schema does reject is stale.
            Some((_, why)) => assert!(
                schema_accepts(&v, &f),
                "{name} is listed as not expressible ({why}) but JSON Schema rejects it"
            ),
        }
    }
}

fn samstyr(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_samstyr"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        let mut i = child.stdin.take().unwrap();
        i.write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn validate_exits_0_when_all_are_valid() {
    let (code, out, err) = samstyr(
        &["validate", "--lang", "en", "fixtures/initiatives/valid"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    // Counted from the folder, so that a new fixture does not need this test changed: a `.json`
    // file is one document, a `.jsonl` file one per line that is not blank.
    let mut n = 0;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/initiatives/valid");
    for e in std::fs::read_dir(dir).expect("the fixtures") {
        let path = e.expect("an entry").path();
        match path.extension().and_then(|x| x.to_str()) {
            Some("json") => n += 1,
            Some("jsonl") => {
                let text = std::fs::read_to_string(&path).expect("a JSONL fixture");
                n += text.lines().filter(|l| !l.trim().is_empty()).count();
            }
            _ => {}
        }
    }
    assert!(n >= 17, "the fixtures were not found: {n}");
    assert_eq!(out, format!("{n} documents, {n} valid, 0 invalid\n"));
    assert_eq!(err, "");
}

#[test]
fn validate_exits_2_when_any_is_invalid_and_reports_all() {
    let (code, out, err) = samstyr(
        &[
            "validate",
            "--lang",
            "en",
            "fixtures/initiatives/valid/digisos.json",
            "fixtures/initiatives/invalid/several-errors.json",
            "fixtures/initiatives/invalid/empty.json",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(out, "3 documents, 1 valid, 2 invalid\n");
    assert!(err.contains("several-errors.json:"), "{err}");
    assert!(
        err.contains("`fixtures/initiatives/invalid/empty.json` is empty"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "colour with NO_COLOR: {err}");
}

#[test]
fn validate_json_output_has_positions_and_pointers() {
    let (code, out, _) = samstyr(
        &[
            "validate",
            "--lang",
            "en",
            "--format",
            "json",
            "fixtures/initiatives/invalid/bad-enum-typo.json",
        ],
        None,
    );
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["invalid"], 1);
    let d = &v["results"][0]["diagnostics"][0];
    assert_eq!(d["code"], "input::enum");
    assert_eq!(d["pointer"], "/kind");
    assert_eq!(d["line"], 9);
    assert_eq!(d["column"], 11);
    assert_eq!(d["help"], "did you mean `development`?");
    assert_eq!(d["file"], "fixtures/initiatives/invalid/bad-enum-typo.json");
}

#[test]
fn validate_reads_json_and_jsonl_from_stdin() {
    let doc = std::fs::read_to_string("fixtures/initiatives/valid/digisos.json").unwrap();
    let (code, out, err) = samstyr(&["validate", "--lang", "en", "-"], Some(&doc));
    assert_eq!(
        (code, out.as_str()),
        (0, "1 document, 1 valid, 0 invalid\n"),
        "{err}"
    );

    let jsonl =
        std::fs::read_to_string("fixtures/initiatives/invalid/batch-one-bad-line.jsonl").unwrap();
    let (code, out, err) = samstyr(&["validate", "--lang", "en", "-"], Some(&jsonl));
    assert_eq!(code, 2);
    assert_eq!(out, "3 documents, 2 valid, 1 invalid\n");
    assert!(err.contains("<stdin>:2:"), "{err}");
}

#[test]
fn validate_without_inputs_is_a_usage_error() {
    let (code, _, err) = samstyr(&["validate"], None);
    assert_eq!(code, 2);
    assert!(err.contains("FILES"), "{err}");
}

#[test]
fn schema_prints_the_json_schema() {
    let (code, out, err) = samstyr(&["schema"], None);
    assert_eq!(code, 0, "{err}");
    let printed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (s, c) = input_side();
    assert_eq!(printed, schema::json_schema(s, c));
    assert_eq!(
        printed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        printed["properties"]["schema"]["const"],
        "samstyr.initiative/v1"
    );
    let measures = printed["properties"]["strategy_measures"]["items"]["enum"]
        .as_array()
        .unwrap();
    assert_eq!(measures.len(), 28);
    // Stable: the same text twice.
    assert_eq!(samstyr(&["schema"], None).1, out);
}

#[test]
fn schema_report_prints_the_report_schema_with_the_rule_sets_headline_key() {
    let (code, out, err) = samstyr(&["schema", "--report"], None);
    assert_eq!(code, 0, "{err}");
    let printed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        printed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(out.contains("consultation_required"), "{out}");
}

#[test]
fn the_catalog_has_what_the_rules_rely_on() {
    let (_, c) = input_side();
    let measures = c.table("measures").unwrap();
    assert_eq!(measures.rows().len(), 28);
    let (joint_col, _) = measures.column("joint").unwrap();
    let joint: Vec<&str> = measures
        .rows()
        .iter()
        .filter(|r| {
            c.tree().object(&r.node.value).unwrap()[joint_col]
                .as_ref()
                .unwrap()
                .value
                == samstyr::value::Value::Bool(true)
        })
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(
        joint,
        [
            "M02", "M03", "M04", "M06", "M07", "M14", "M15", "M23", "M24", "M25", "M28"
        ]
    );
    assert!(measures.note.en.contains("13"));
    // Each measure's text is its seed line, verbatim (less the conversion's image mark).
    let seed = std::fs::read_to_string("seeds/001_4cac7f86f6f593bc.txt").unwrap();
    let seed_lines: Vec<&str> = seed.lines().collect();
    let (text_col, _) = measures.column("text").unwrap();
    let (line_col, _) = measures.column("line").unwrap();
    for r in measures.rows() {
        let slots = c.tree().object(&r.node.value).unwrap();
        let text = c
            .tree()
            .str(&slots[text_col].as_ref().unwrap().value)
            .unwrap();
        let line = slots[line_col].as_ref().unwrap().value.as_f64().unwrap() as usize;
        let src = seed_lines[line - 1].replace("[image: ]", "");
        assert_eq!(text, src.trim(), "{}", r.key);
    }
    assert_eq!(c.table("life_events").unwrap().rows().len(), 7);
    let sectors = c.table("sectors").unwrap();
    for id in [
        "helse-og-omsorg",
        "oppvekst-og-utdanning",
        "sosialtjenester",
        "plan-og-bygg",
        "arbeid-og-velferd",
        "skatt-og-avgift",
        "kultur",
        "naering",
        "justis",
        "samferdsel",
        "annet",
    ] {
        assert!(sectors.row(id).is_some(), "{id}");
    }
    let agreements = c.table("agreements").unwrap();
    assert!(agreements.row("kmd-ks-2020").is_some());
    assert!(agreements.row("kompetanse-2019").is_some());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_parser_never_panics(text in "\\PC{0,200}") {
        let _ = samstyr::json::parse(&text);
    }

    #[test]
    fn the_validator_never_panics(text in "[{}\\[\\]\",:0-9a-z \\n.-]{0,200}") {
        let (s, c) = input_side();
        let _ = schema::validate(s, c, samstyr::source::SourceFile::new("p.json", text));
    }

    #[test]
    fn the_parser_agrees_with_serde_json(text in json_text()) {
        let ours = samstyr::json::parse(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        match (&ours, &theirs) {
            (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
            // serde_json keeps the last of duplicate keys; the reader refuses them.
            (Err(e), Ok(_)) if matches!(e.kind, samstyr::json::JsonErrorKind::DuplicateKey { .. }) => {}
            _ => prop_assert!(false, "{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }
}

/// JSON texts, most valid and some broken by one edit, so both sides of accept/reject are tried.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::String),
    ];
    let value = leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z]{0,4}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    let edit = prop_oneof![
        3 => Just(None),
        1 => (any::<prop::sample::Index>(), prop::sample::select(vec![
            "", "{", "}", "[", "]", ",", ":", "\"", "\\", "0", "01", "-", ".", "e", "E", "+",
            "1e999", "t", "n", " ", "\n", "\t", "\u{1}", "\\u", "\\ud800", "x", "é",
        ])).prop_map(Some),
    ];
    (value, any::<bool>(), edit).prop_map(|(v, pretty, edit)| {
        let mut text = if pretty {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            serde_json::to_string(&v).unwrap()
        };
        if let Some((at, insert)) = edit {
            let mut cut = at.index(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            // Replace one character at the cut with the inserted text.
            let end = text[cut..]
                .chars()
                .next()
                .map(|c| cut + c.len_utf8())
                .unwrap_or(cut);
            text.replace_range(cut..end, insert);
        }
        text
    })
}
