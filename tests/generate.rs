//! `samstyr gen`: determinism, validity of every generated line, the realism of the embedded
//! samstyring profile, the portfolio graph's defects, and profile errors with their places
//! (fixtures under `fixtures/generator/`).

use samstyr::catalog::Catalog;
use samstyr::diag::render;
use samstyr::files::RuleFiles;
use samstyr::generator::{self, GenOptions, Profile};
use samstyr::schema::{self, InputSchema};
use samstyr::source::SourceFile;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;
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

/// The profile shipped with the rule set (`rules/generator/samstyring.toml`).
fn embedded() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| {
        let files = RuleFiles::embedded();
        let file = files
            .generator
            .iter()
            .find(|f| f.name().ends_with("samstyring.toml"))
            .expect("the embedded rule set has a samstyring generator profile");
        let (s, c) = input_side();
        generator::load(file, s, c)
            .unwrap_or_else(|d| panic!("embedded profile:\n{}", render(&d.0, false)))
    })
}

fn fixture(rel: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    SourceFile::new(rel, text)
}

fn load_fixture(rel: &str) -> Profile {
    let (s, c) = input_side();
    generator::load(&fixture(rel), s, c)
        .unwrap_or_else(|d| panic!("{rel}:\n{}", render(&d.0, false)))
}

fn opts(count: u64, seed: u64) -> GenOptions {
    GenOptions {
        count,
        seed,
        invalid_rate: 0.0,
    }
}

fn generate(profile: &Profile, o: &GenOptions) -> String {
    let mut out = Vec::new();
    generator::generate(profile, o, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("generated text is UTF-8")
}

fn parse(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let p = embedded();
    let a = generate(p, &opts(3_000, 42));
    let b = generate(p, &opts(3_000, 42));
    assert_eq!(a, b);
    let c = generate(p, &opts(3_000, 43));
    assert_ne!(a, c);
    // A shorter run is a prefix of a longer one, except where references reach past the end:
    // the documents do not depend on how the work was split between threads.
    let short = generate(p, &opts(100, 42));
    let same = short.lines().zip(a.lines()).filter(|(x, y)| x == y).count();
    assert!(same >= 95, "only {same} of 100 lines agree");
}

#[test]
fn the_output_does_not_depend_on_the_number_of_threads() {
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
            .install(|| generate(embedded(), &opts(10_000, 6)))
    };
    let one = run(1);
    assert_eq!(one, run(3));
    assert_eq!(one.lines().count(), 10_000);
}

#[test]
fn any_single_document_equals_its_line_in_the_stream() {
    let p = embedded();
    let o = opts(5_000, 9);
    let all = generate(p, &o);
    let lines: Vec<&str> = all.lines().collect();
    for i in [0u64, 1, 2047, 2048, 2049, 4_999] {
        assert_eq!(
            generator::document(p, &o, i),
            lines[i as usize],
            "line {}",
            i + 1
        );
    }
}

#[test]
fn every_generated_line_validates_and_ids_are_unique() {
    let (s, c) = input_side();
    let text = generate(embedded(), &opts(2_000, 1));
    let mut ids = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let src = SourceFile::with_first_line("gen.jsonl", line, n + 1);
        match schema::validate(s, c, src) {
            Ok(doc) => assert!(ids.insert(doc.key.clone()), "duplicate id `{}`", doc.key),
            Err(d) => panic!("line {} is invalid:\n{}", n + 1, render(&d.0, false)),
        }
    }
    assert_eq!(ids.len(), 2_000);
}

#[test]
fn documents_from_defaults_alone_validate() {
    let (s, c) = input_side();
    for profile in [
        generator::defaults(s, c).expect("defaults always load"),
        load_fixture("fixtures/generator/valid/empty.toml"),
    ] {
        let text = generate(&profile, &opts(300, 5));
        for (n, line) in text.lines().enumerate() {
            let src = SourceFile::with_first_line("gen.jsonl", line, n + 1);
            if let Err(d) = schema::validate(s, c, src) {
                panic!("line {} is invalid:\n{}", n + 1, render(&d.0, false));
            }
        }
    }
}

/// Share of documents for which `pred` holds.
fn share(docs: &[serde_json::Value], pred: impl Fn(&serde_json::Value) -> bool) -> f64 {
    docs.iter().filter(|d| pred(d)).count() as f64 / docs.len() as f64
}

#[test]
fn the_samstyring_mix_is_realistic() {
    let (s, _) = input_side();
    let docs: Vec<_> = generate(embedded(), &opts(2_000, 11))
        .lines()
        .map(parse)
        .collect();

    // Every kind occurs, and so does every milestone kind and involvement form.
    let root = s.root_type();
    let values = |ty: &schema::FieldType| match ty {
        schema::FieldType::Enum(v) => v.clone(),
        _ => panic!("not an enum"),
    };
    let kinds = values(&root.field("kind").expect("kind").1.ty);
    let seen: HashSet<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
    for k in &kinds {
        assert!(seen.contains(k.as_str()), "kind `{k}` never occurs");
    }
    let forms: HashSet<&str> = docs
        .iter()
        .flat_map(|d| d["involvement"].as_array().into_iter().flatten())
        .filter_map(|i| i["form"].as_str())
        .collect();
    assert_eq!(forms.len(), 6, "{forms:?}");

    // Rates the profile states, within a tolerance of about three standard deviations.
    let absent_impact = share(&docs, |d| d.get("municipal_impact").is_none());
    assert!((absent_impact - 0.12).abs() < 0.025, "{absent_impact}");
    let with_funding = share(&docs, |d| d.get("funding").is_some());
    assert!((with_funding - 0.32).abs() < 0.035, "{with_funding}");
    let with_hearing = share(&docs, |d| d.get("hearing").is_some());
    assert!((with_hearing - 0.25).abs() < 0.03, "{with_hearing}");

    // Defects occur at a few per cent: bodies not appointed by KS, short hearings.
    let bodies: Vec<&serde_json::Value> = docs
        .iter()
        .flat_map(|d| d["bodies"].as_array().into_iter().flatten())
        .collect();
    let not_ks = bodies
        .iter()
        .filter(|b| {
            b["municipal_appointed_by"]
                .as_str()
                .is_some_and(|a| a != "KS")
        })
        .count() as f64
        / bodies.len() as f64;
    assert!((0.02..0.12).contains(&not_ks), "{not_ks}");

    // Ministries follow the weights: DFD the most common owner.
    let mut owners: HashMap<&str, usize> = HashMap::new();
    for d in &docs {
        *owners
            .entry(d["owner"]["ministry"].as_str().unwrap_or(""))
            .or_default() += 1;
    }
    let top = owners.iter().max_by_key(|(_, n)| **n).map(|(m, _)| *m);
    assert_eq!(top, Some("DFD"), "{owners:?}");

    // Ids carry the ministry and the start year; dates in a milestone follow their plan.
    for d in &docs {
        let id = d["id"].as_str().unwrap_or("");
        let ministry = d["owner"]["ministry"].as_str().unwrap_or("?");
        assert!(id.starts_with(&format!("{ministry}-")), "{id}");
        for m in d["milestones"].as_array().into_iter().flatten() {
            if let (Some(p), Some(a)) = (m["planned"].as_str(), m["actual"].as_str()) {
                let p: jiff::civil::Date = p.parse().expect("date");
                let a: jiff::civil::Date = a.parse().expect("date");
                let days = a.duration_since(p).as_hours() / 24;
                assert!((-10..=200).contains(&days), "{id}: {days}");
            }
        }
    }

    // The portfolio graph: some dependencies, some parts of programmes, a few dangling.
    let ids: HashSet<&str> = docs.iter().filter_map(|d| d["id"].as_str()).collect();
    let refs: Vec<&str> = docs
        .iter()
        .flat_map(|d| d["depends_on"].as_array().into_iter().flatten())
        .filter_map(|r| r.as_str())
        .collect();
    assert!(refs.len() > 400, "{}", refs.len());
    let dangling = refs.iter().filter(|r| !ids.contains(*r)).count();
    assert!((1..30).contains(&dangling), "{dangling}");
    let parts = share(&docs, |d| d.get("part_of").is_some());
    assert!((parts - 0.15).abs() < 0.03, "{parts}");
}

#[test]
fn cycles_and_dangling_references_come_at_the_profile_rate() {
    let profile = load_fixture("fixtures/generator/valid/graph.toml");
    let docs: Vec<_> = generate(&profile, &opts(101, 3))
        .lines()
        .map(parse)
        .collect();
    let ids: HashSet<&str> = docs.iter().filter_map(|d| d["id"].as_str()).collect();
    for (i, d) in docs.iter().enumerate() {
        let deps: Vec<&str> = d["depends_on"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        let partner = i ^ 1;
        if partner < docs.len() {
            // cycle = 1: every pair (0,1), (2,3), … refers to each other.
            assert_eq!(
                deps,
                [docs[partner]["id"].as_str().unwrap_or("")],
                "line {}",
                i + 1
            );
        } else {
            // The last, unpaired document: `len = [0, 0]` and no partner.
            assert!(deps.is_empty(), "line {}", i + 1);
        }
        let part_of = d["part_of"].as_str().expect("part_of is always given here");
        assert!(!ids.contains(part_of), "`{part_of}` should dangle");
    }
}

#[test]
fn invalid_lines_come_at_the_requested_rate_and_fail_validation() {
    let (s, c) = input_side();
    let o = GenOptions {
        count: 1_000,
        seed: 2,
        invalid_rate: 0.2,
    };
    let text = generate(embedded(), &o);
    let mut codes: HashSet<&'static str> = HashSet::new();
    let mut invalid = 0;
    for (n, line) in text.lines().enumerate() {
        // Still one JSON object per line, whatever was broken inside it.
        parse(line);
        let src = SourceFile::with_first_line("gen.jsonl", line, n + 1);
        if let Err(d) = schema::validate(s, c, src) {
            invalid += 1;
            codes.extend(d.iter().map(|d| d.code));
        }
    }
    assert!((150..250).contains(&invalid), "{invalid}");
    assert!(codes.len() >= 3, "{codes:?}");
    // Without the flag, the same seed gives only valid lines.
    let clean = generate(embedded(), &opts(1_000, 2));
    assert!(clean.lines().enumerate().all(|(n, l)| {
        schema::validate(s, c, SourceFile::with_first_line("g", l, n + 1)).is_ok()
    }));
}

#[test]
fn profile_errors_name_their_place() {
    insta::glob!("../fixtures/generator", "invalid/*.toml", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let (s, c) = input_side();
        let d = match generator::load(&fixture(&rel), s, c) {
            Ok(_) => panic!("{rel} was accepted"),
            Err(d) => d,
        };
        for d in d.iter() {
            assert!(
                d.line_col().is_some(),
                "{rel}: no place for `{}`",
                d.message
            );
            assert!(!d.message.ends_with('.'), "{}", d.message);
        }
        let lines: Vec<String> = d.iter().map(|d| d.one_line()).collect();
        insta::assert_snapshot!(format!("{}\n\n{}", lines.join("\n"), render(&d.0, false)));
    });
}

#[test]
fn several_problems_are_reported_at_once() {
    let (s, c) = input_side();
    let d = generator::load(&fixture("fixtures/generator/invalid/several.toml"), s, c)
        .expect_err("several.toml has errors");
    assert!(d.len() >= 6, "{}", render(&d.0, false));
}

fn bin(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

#[test]
fn the_command_writes_lines_and_exits_0() {
    let out = bin(&["gen", "--count", "25", "--seed", "4"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 25);
    assert_eq!(text, generate(embedded(), &opts(25, 4)));

    let dir = std::env::temp_dir().join(format!("samstyr-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("out.jsonl");
    let out = bin(&["gen", "-n", "25", "-s", "4", "-o", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), text);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_command_reports_a_bad_profile_and_exits_2() {
    let out = bin(&[
        "gen",
        "--count",
        "5",
        "--profile",
        "fixtures/generator/invalid/unknown-field.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown-field.toml:3:1"), "{err}");
    assert!(err.contains("did you mean `costs_nok`?"), "{err}");

    let out = bin(&["gen", "--count", "5", "--invalid-rate", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The second domain's rule set (`fixtures/library/rules`): a schema the generator has never seen,
/// with its defaults alone and with a profile of its own.
#[test]
fn another_domain_gets_valid_documents() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/library/rules");
    let files = RuleFiles::from_dir(&dir).expect("library rules are readable");
    let (s, c) = schema::load_input_side(&files)
        .unwrap_or_else(|d| panic!("library input side:\n{}", render(&d.0, false)));
    let profile = generator::load(&fixture("fixtures/generator/valid/library.toml"), &s, &c)
        .unwrap_or_else(|d| panic!("library profile:\n{}", render(&d.0, false)));
    for p in [
        generator::defaults(&s, &c).expect("defaults load"),
        profile.clone(),
    ] {
        let text = generate(&p, &opts(300, 8));
        for (n, line) in text.lines().enumerate() {
            let src = SourceFile::with_first_line("gen.jsonl", line, n + 1);
            if let Err(d) = schema::validate(&s, &c, src) {
                panic!("line {} is invalid:\n{}", n + 1, render(&d.0, false));
            }
        }
    }
    // The profile's correlations hold: children are children, returns follow loans.
    for line in generate(&profile, &opts(300, 8)).lines() {
        let d = parse(line);
        if d["category"] == "child" {
            let age = d["age"].as_i64().unwrap_or(-1);
            assert!((6..=17).contains(&age), "{line}");
        }
        for l in d["loans"].as_array().into_iter().flatten() {
            if let (Some(b), Some(r)) = (l["borrowed"].as_str(), l["returned"].as_str()) {
                assert!(r > b, "{line}");
            }
        }
    }
}
