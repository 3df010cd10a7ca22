//! Nynorsk is written as nynorsk: no nynorsk text equals its bokmål text where the two languages
//! differ in common words (ikkje/ikke, eg/jeg, frå/fra, kva/hva, …), and no nynorsk text uses a
//! bokmål-only word. Over the code's fixed words (every `pick(lang, nb, nn, en)` and
//! `Text::all(nb, nn, en)` with literal texts in `src/`) and over every rule set that declares
//! nynorsk among its languages.

use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Bokmål words that nynorsk writes otherwise (ikkje, eg, frå, kva, korleis, kven, berre, vere,
/// noko, utan, meir, fleire, dagar, månader, mellom is the same and so absent).
const BOKMAL_ONLY: &[&str] = &[
    "ikke", "jeg", "fra", "hva", "hvordan", "hvem", "hvilke", "hvilken", "bare", "være", "vært",
    "noe", "uten", "mer", "flere", "dager", "måneder", "kommer", "gjelder", "mangler", "venter",
    "ukjent", "brudd", "hvert", "hver", "innen", "allerede", "oppgis", "ennå",
];

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    // Code in backticks is not prose.
    s.split('`')
        .step_by(2)
        .flat_map(|part| {
            part.split(|c: char| !c.is_alphanumeric() && c != 'å' && c != 'æ' && c != 'ø')
        })
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn bokmal_words(s: &str) -> Vec<String> {
    words(s)
        .filter(|w| BOKMAL_ONLY.contains(&w.as_str()))
        .collect()
}

/// What is wrong with one nb/nn pair, if anything.
fn judge(nb: &str, nn: &str) -> Option<String> {
    let in_nn = bokmal_words(nn);
    if !in_nn.is_empty() {
        return Some(format!("nynorsk «{nn}» uses bokmål {in_nn:?}"));
    }
    if nb == nn && !bokmal_words(nb).is_empty() {
        return Some(format!("nynorsk equals bokmål «{nb}»"));
    }
    None
}

/// Rust string literals as written (escapes kept as they are: the check reads words only).
fn literals(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = args.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some((_, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, e)) = chars.next() {
                        s.push('\\');
                        s.push(e);
                    }
                }
                '"' => break,
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// The argument text of each call of `name(` in `src`, up to its closing parenthesis.
fn calls<'a>(src: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find(name) {
        let after = &rest[i + name.len()..];
        let mut depth = 1usize;
        let mut in_str = false;
        let mut esc = false;
        let mut end = None;
        for (j, c) in after.char_indices() {
            if in_str {
                match (esc, c) {
                    (true, _) => esc = false,
                    (false, '\\') => esc = true,
                    (false, '"') => in_str = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_str = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        match end {
            Some(e) => {
                out.push(&after[..e]);
                rest = &after[e..];
            }
            None => break,
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_codes_fixed_words_are_nynorsk() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut checked = 0;
    let mut bad = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for name in ["pick(", "Text::all("] {
            for args in calls(&src, name) {
                let lits = literals(args);
                // Only calls whose three texts are all literals (a `format!` has one literal each).
                let [nb, nn, _en] = lits.as_slice() else {
                    continue;
                };
                checked += 1;
                if let Some(why) = judge(nb, nn) {
                    bad.push(format!("{}: {why}", f.display()));
                }
            }
        }
    }
    assert!(
        checked > 300,
        "only {checked} texts found: the scan is broken"
    );
    assert!(bad.is_empty(), "{} texts:\n{}", bad.len(), bad.join("\n"));
}

/// Every text (`{ nb, nn, en }`) of a rule set's TOML files, with its file.
fn texts(dir: &Path) -> Vec<(String, String, String)> {
    fn walk(t: &DeTable<'_>, file: &str, out: &mut Vec<(String, String, String)>) {
        for (_, v) in t.iter() {
            visit(v.get_ref(), file, out);
        }
    }
    fn visit(v: &DeValue<'_>, file: &str, out: &mut Vec<(String, String, String)>) {
        match v {
            DeValue::Table(t) => {
                let s = |k: &str| match t.get(k).map(|v| v.get_ref()) {
                    Some(DeValue::String(s)) => Some(s.to_string()),
                    _ => None,
                };
                if let (Some(nb), Some(en)) = (s("nb"), s("en")) {
                    let _ = en;
                    out.push((file.to_string(), nb, s("nn").unwrap_or_default()));
                } else {
                    walk(t, file, out);
                }
            }
            DeValue::Array(items) => items.iter().for_each(|i| visit(i.get_ref(), file, out)),
            _ => {}
        }
    }
    let mut files = Vec::new();
    toml_files(dir, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let (t, _) = DeTable::parse_recoverable(&text);
        walk(t.get_ref(), &f.display().to_string(), &mut out);
    }
    out
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

fn declares_nynorsk(dir: &Path) -> bool {
    texts_declaring(dir)
}

fn texts_declaring(dir: &Path) -> bool {
    let mut files = Vec::new();
    toml_files(dir, &mut files);
    files.iter().any(|f| {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let (t, _) = DeTable::parse_recoverable(&text);
        let t = t.into_inner();
        let Some(DeValue::Table(rs)) = t.get("ruleset").map(|v| v.get_ref()) else {
            return false;
        };
        let Some(DeValue::Array(l)) = rs.get("languages").map(|v| v.get_ref()) else {
            return false;
        };
        l.iter()
            .any(|v| matches!(v.get_ref(), DeValue::String(s) if s == "nn"))
    })
}

#[test]
fn every_rule_set_declaring_nynorsk_writes_nynorsk() {
    let sets = [Path::new("rules"), Path::new("fixtures/library/rules")];
    let mut judged = 0;
    let mut bad = Vec::new();
    for dir in sets {
        if !declares_nynorsk(dir) {
            continue;
        }
        judged += 1;
        for (file, nb, nn) in texts(dir) {
            if nn.is_empty() {
                bad.push(format!("{file}: no nynorsk for «{nb}»"));
            } else if let Some(why) = judge(&nb, &nn) {
                bad.push(format!("{file}: {why}"));
            }
        }
    }
    assert!(judged >= 1, "the library rule set declares nynorsk");
    assert!(bad.is_empty(), "{} texts:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_check_itself_tells_bokmal_from_nynorsk() {
    assert!(judge("Kan ikke avgjøres", "Kan ikke avgjøres").is_some());
    assert!(judge("Kan ikke avgjøres", "Kan ikkje avgjerast").is_none());
    assert!(judge("fra koblet dokument", "fra kopla dokument").is_some());
    // The same word in both languages is no fault where nothing tells them apart.
    assert!(judge("Oppfylt", "Oppfylt").is_none());
    // Code in backticks is not prose.
    assert!(judge("skriv `ikke`", "skriv `ikke`").is_none());
}

/// Nynorsk output held by snapshots: a check in text and Markdown, and validation errors.
#[test]
fn nynorsk_output() {
    use crate::check::{AS_OF, samstyr};
    let doc = "fixtures/initiatives/valid/dodsfall-og-arv.json";
    let text = samstyr(&["check", doc, "--as-of", AS_OF, "--lang", "nn"]);
    insta::assert_snapshot!("nn_check_text", text.stdout);
    let md = samstyr(&[
        "check", doc, "--as-of", AS_OF, "--lang", "nn", "--format", "markdown",
    ]);
    insta::assert_snapshot!("nn_check_markdown", md.stdout);
    let bad = [
        "fixtures/initiatives/invalid/bad-enum-typo.json",
        "fixtures/initiatives/invalid/date-format.json",
        "fixtures/initiatives/invalid/trailing-comma.json",
    ];
    let mut args = vec!["validate", "--lang", "nn", "--format", "json"];
    args.extend(bad);
    let v = samstyr(&args);
    assert_eq!(v.code, 2);
    insta::assert_snapshot!("nn_validate_json", v.stdout);
}

/// The JSON reader's messages: English in `Display` (what logs and rule authors read) and the
/// same English from the translated messages, so the two never drift; bokmål and nynorsk differ
/// from it and from each other where the words do.
#[test]
fn the_json_readers_words_agree_across_languages() {
    use samstyr::json::JsonErrorKind as K;
    use samstyr::text::Lang;
    let all = [
        K::Empty,
        K::UnexpectedEnd {
            expected: "a string",
        },
        K::Unexpected {
            found: "`x`".into(),
            expected: "`,` or `}`",
        },
        K::TrailingComma { close: ']' },
        K::TrailingContent {
            found: "`x`".into(),
        },
        K::InvalidNumber { text: "01".into() },
        K::NumberOutOfRange {
            text: "1e999".into(),
        },
        K::InvalidEscape { text: "\\q".into() },
        K::LoneSurrogate {
            text: "\\ud800".into(),
        },
        K::ControlCharacter {
            found: "character U+0001".into(),
        },
        K::UnterminatedString,
        K::TooDeep { max: 64 },
        K::TooLarge { size: 9, max: 8 },
        K::StringTooLong { max: 8 },
        K::TooManyItems { max: 8 },
    ];
    for k in &all {
        assert_eq!(k.message(Lang::En), k.to_string());
        let (nb, nn) = (k.message(Lang::Nb), k.message(Lang::Nn));
        assert_ne!(nb, k.to_string(), "{k:?} has no bokmål");
        assert!(judge(&nb, &nn).is_none(), "{k:?}: {nb} / {nn}");
        assert!(judge(k.help_text(Lang::Nb), k.help_text(Lang::Nn)).is_none());
    }
    // A fragment the reader says in English is said in the user's language.
    let k = K::Unexpected {
        found: "end of input".into(),
        expected: "a key in double quotes",
    };
    assert_eq!(
        k.message(Lang::Nn),
        "uventa slutten av teksten, venta ein nøkkel i doble hermeteikn"
    );
}

/// Every message and help of the input validator is nynorsk in nynorsk.
#[test]
fn the_validators_words_are_nynorsk() {
    use samstyr::schema::InputProblem as P;
    use samstyr::text::{Lang, Text};
    let name = || Text::all("`kind`", "`kind`", "`kind`");
    let t = |nb: &str, nn: &str, en: &str| Text::all(nb, nn, en);
    let all = [
        P::UnknownField {
            name: "titel".into(),
            ty: "initiative".into(),
            suggestion: None,
            known: "`title`".into(),
        },
        P::WrongType {
            name: name(),
            expected: t("en tekst", "ein tekst", "a string"),
            found: t("tallet `1`", "talet `1`", "the number `1`"),
            hint: None,
        },
        P::NullNotAllowed {
            name: name(),
            expected: t("en tekst", "ein tekst", "a string"),
            required: false,
        },
        P::BadEnum {
            name: name(),
            value: "x".into(),
            expected: "`a`, `b`".into(),
            suggestion: None,
        },
        P::BadDate {
            name: name(),
            value: "x".into(),
            reason: t("ventet formen", "venta forma", "expected the form"),
        },
        P::BelowMin {
            name: name(),
            value: "-1".into(),
            min: "0".into(),
        },
        P::AboveMax {
            name: name(),
            value: "9".into(),
            max: "8".into(),
        },
        P::NotInteger {
            name: name(),
            value: "1.5".into(),
        },
        P::EmptyId {
            name: name(),
            chars: "a-z".into(),
        },
        P::BadIdChars {
            name: name(),
            value: "a b".into(),
            bad: ' ',
            chars: "a-z".into(),
        },
        P::ControlCharacter {
            name: name(),
            found: '\u{1}',
        },
        P::TooLong {
            name: name(),
            len: 9,
            max: 8,
        },
        P::TooManyItems {
            name: name(),
            len: 9,
            max: 8,
        },
        P::Blank {
            name: name(),
            optional: false,
            nullable: false,
        },
        P::Blank {
            name: name(),
            optional: true,
            nullable: false,
        },
        P::Blank {
            name: name(),
            optional: true,
            nullable: true,
        },
        P::WrongSchema {
            field: "schema".into(),
            found: "x".into(),
            expected: "y".into(),
        },
        P::MissingField {
            name: "id".into(),
            ty: "initiative".into(),
            expected: t("en tekst", "ein tekst", "a string"),
            hint: None,
        },
        P::UnknownRef {
            name: name(),
            table: "sectors".into(),
            value: "x".into(),
            suggestion: None,
            known: "`a`".into(),
        },
        P::TooManyProblems { max: 100, more: 3 },
        P::DuplicateDocument {
            key_field: "id".into(),
            key: "A".into(),
            first: "a.json".into(),
        },
    ];
    for p in &all {
        let (nb, nn) = (p.message(Lang::Nb), p.message(Lang::Nn));
        assert!(judge(&nb, &nn).is_none(), "{p:?}: {nb} / {nn}");
        let (nb, nn) = (p.help_text(Lang::Nb), p.help_text(Lang::Nn));
        assert!(judge(&nb, &nn).is_none(), "{p:?}: {nb} / {nn}");
        assert_eq!(p.to_string(), p.message(Lang::En));
    }
}

/// `rules lint` fails on a text missing in a declared language, naming file, line, key and
/// language; the library rule set, which declares nb, nn and en, lints clean.
#[test]
fn lint_fails_on_a_text_missing_in_a_declared_language() {
    use crate::check::samstyr;
    let clean = samstyr(&["rules", "lint", "--rules", "fixtures/library/rules"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    let dir = std::env::temp_dir().join(format!("samstyr-nn-lint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::create_dir_all(dir.join("seeds")).unwrap();
    for (from, to) in [("rules", "rules"), ("seeds", "seeds")] {
        for e in std::fs::read_dir(format!("fixtures/library/{from}"))
            .unwrap()
            .flatten()
        {
            if e.path().is_file() {
                std::fs::copy(e.path(), dir.join(to).join(e.file_name())).unwrap();
            }
        }
    }
    // Take the nynorsk out of one principle's title (line 16 of ruleset.toml).
    let path = dir.join("rules").join("ruleset.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.replace(r#"nn = "Lånekort", "#, "");
    assert_ne!(cut, text);
    std::fs::write(&path, cut).unwrap();
    let rules = dir.join("rules");
    let r = samstyr(&["rules", "lint", "--rules", &rules.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("ruleset.toml:")
            && r.stderr.contains("error[lint::missing-language]")
            && r.stderr.contains("text `principle[0].title` has no `nn`"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("missing-language").count(),
        1,
        "{}",
        r.stderr
    );
}

/// The catalog's texts people read (sector names, life events, measures, agreements) are written
/// in every declared language, nynorsk as nynorsk: they are among the texts judged above, and
/// lint fails on a catalog row's text missing one.
#[test]
fn the_catalogs_row_texts_are_in_every_language() {
    use crate::check::samstyr;
    let rows: Vec<_> = texts(Path::new("rules"))
        .into_iter()
        .filter(|(f, _, _)| f.ends_with("catalog.toml"))
        .collect();
    // 28 measures (area and text), 7 life events, 11 sectors, 2 agreements, and 4 tables'
    // titles and notes.
    assert_eq!(rows.len(), 28 * 2 + 7 + 11 + 2 + 4 * 2, "{rows:?}");
    for (_, nb, nn) in &rows {
        assert!(!nn.is_empty(), "no nynorsk for «{nb}»");
        assert!(judge(nb, nn).is_none(), "{nb} / {nn}");
    }
    // Where the two languages differ in common words, the nynorsk is not the bokmål.
    let differ = rows.iter().filter(|(_, nb, nn)| nb != nn).count();
    assert!(differ >= 28 + 4, "{differ} of {} differ", rows.len());

    let dir = std::env::temp_dir().join(format!("samstyr-nn-cat-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::create_dir_all(dir.join("seeds")).unwrap();
    for from in ["rules", "seeds"] {
        for e in std::fs::read_dir(format!("fixtures/library/{from}"))
            .unwrap()
            .flatten()
        {
            if e.path().is_file() {
                std::fs::copy(e.path(), dir.join(from).join(e.file_name())).unwrap();
            }
        }
    }
    let path = dir.join("rules").join("catalog.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.replace(r#"nn = "Tidsskrift", "#, "");
    assert_ne!(cut, text);
    std::fs::write(&path, cut).unwrap();
    let rules = dir.join("rules");
    let r = samstyr(&["rules", "lint", "--rules", &rules.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("catalog.toml:")
            && r.stderr.contains("error[lint::missing-language]")
            && r.stderr
                .contains("text `catalog.item_types.rows[2].title` has no `nn`"),
        "{}",
        r.stderr
    );
}
