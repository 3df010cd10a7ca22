//! Sources as people read them (docs/rule-language.md, "Source documents and readings"): the
//! shipped rule set cites every seed quote by its document's short name and section, shows the
//! corrected reading of every OCR quote, and a reading that changes words does not load.

use samstyr::files::RuleFiles;
use samstyr::finding::{RuleInfo, SourceRef};
use samstyr::rules::{RuleSet, lint};
use samstyr::source::SourceFile;
use samstyr::text::Lang;
use std::sync::Arc;

const LANGS: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

/// The embedded rule set's files, with `edit` applied to the rule file named `name` (or that
/// file left out, when `edit` gives `None`).
fn files_with(name: &str, edit: impl Fn(&str) -> Option<String>) -> RuleFiles {
    let mut files = RuleFiles::embedded();
    let before = files.files.len();
    files.files = files
        .files
        .into_iter()
        .filter_map(|f| {
            if f.name() != name {
                return Some(f);
            }
            edit(f.text()).map(|t| SourceFile::new(name, t))
        })
        .collect();
    assert!(
        files.files.len() + 1 >= before,
        "only `{name}` is edited or left out"
    );
    files
}

fn load(files: &RuleFiles) -> RuleSet {
    match RuleSet::load(files, &[]) {
        Ok(s) => s,
        Err(d) => panic!("{}", samstyr::diag::render(&d.0, false)),
    }
}

/// Every source of every fact, obligation and parameter.
fn sources(set: &RuleSet) -> Vec<(String, SourceRef)> {
    let rules: Vec<&Arc<RuleInfo>> = set.facts().chain(set.obligations()).collect();
    let mut out: Vec<(String, SourceRef)> = rules
        .iter()
        .flat_map(|r| r.sources.iter().map(|s| (r.id.clone(), s.clone())))
        .collect();
    for p in set.params() {
        out.extend(p.sources.iter().map(|s| (format!("${}", p.id), s.clone())));
    }
    out
}

#[test]
fn every_seed_quote_is_cited_by_document_and_section_never_by_file_name() {
    let set = load(&RuleFiles::embedded());
    let all = sources(&set);
    let mut seeds = 0;
    for (rule, src) in &all {
        let SourceRef::Seed {
            file,
            line,
            quote,
            doc,
            reading,
        } = src
        else {
            continue;
        };
        seeds += 1;
        let doc = doc
            .as_ref()
            .unwrap_or_else(|| panic!("{rule}: `{file}` is not described"));
        for lang in LANGS {
            let citation = src.citation(lang);
            assert!(!citation.contains(".txt"), "{rule}: {citation}");
            assert!(
                citation.starts_with(doc.short.get(lang)),
                "{rule}: {citation}"
            );
            // A quote from a document's head, above its first section (the parties of 002),
            // is cited by the document and its line alone.
            match src.section(lang) {
                Some(s) => assert!(citation.ends_with(&s), "{rule}: {citation}"),
                None => {
                    assert_eq!(citation, doc.short.get(lang), "{rule}");
                    let first = doc.sections.iter().map(|s| s.first).min();
                    assert!(first.is_some_and(|f| *line < f), "{rule}: line {line}");
                }
            }
            assert!(
                src.citation_at_line(lang).ends_with(&format!(" {line}")),
                "{rule}"
            );
        }
        // Quotes from the scans are shown corrected, and the correction changes something.
        if doc.ocr {
            let reading = reading
                .as_deref()
                .unwrap_or_else(|| panic!("{rule}: an OCR quote without a reading"));
            assert_ne!(
                samstyr::rules::fold_whitespace(reading),
                samstyr::rules::fold_whitespace(quote),
                "{rule}"
            );
            assert_eq!(src.reading(), Some(reading));
        } else {
            assert_eq!(
                reading, &None,
                "{rule}: a reading of a quote that is no scan"
            );
            assert_eq!(src.reading(), Some(quote.as_str()));
        }
    }
    assert!(seeds > 0);
    assert!(
        lint::lint(&set, None).is_empty(),
        "{:?}",
        lint::lint(&set, None)
            .iter()
            .map(|w| w.render())
            .collect::<Vec<_>>()
    );
}

/// «KS-ordningen» is Statens prosjektmodell, where KS means kvalitetssikring: its citation says so
/// in every language, wherever it is cited.
#[test]
fn the_state_project_model_is_cited_as_quality_assurance() {
    let set = load(&RuleFiles::embedded());
    let cited: Vec<(String, SourceRef)> = sources(&set)
        .into_iter()
        .filter(|(_, s)| matches!(s, SourceRef::External { title, .. } if title.contains("Statens prosjektmodell")))
        .collect();
    assert!(!cited.is_empty());
    for (rule, src) in cited {
        for lang in LANGS {
            let c = src.citation(lang);
            assert!(
                c.contains("KS-ordningen") && c.contains("kvalitetssikring"),
                "{rule}: {c}"
            );
        }
    }
}

#[test]
fn a_reading_that_changes_words_does_not_load_and_is_placed_at_the_word() {
    let files = files_with("rules/readings.toml", |t| {
        let bad = "reading = \"Oppsigelse skal gis med minst tre måneders varsel.\"";
        assert!(t.contains(bad));
        Some(t.replace(
            bad,
            "reading = \"Oppsigelse skal gis med minst tre hele måneders varsel.\"",
        ))
    });
    let Err(d) = RuleSet::load(&files, &[]) else {
        panic!("a reading that adds a word loads");
    };
    let [problem] = d.0.as_slice() else {
        panic!("one problem: {}", samstyr::diag::render(&d.0, false));
    };
    assert_eq!(problem.code, "rules::reading-not-ocr");
    let (file, span) = (
        problem.file.as_ref().expect("a file"),
        problem.span.expect("a place"),
    );
    assert_eq!(file.name(), "rules/readings.toml");
    assert_eq!(file.text().get(span.range()), Some("hele"));
    assert!(
        problem
            .help
            .as_deref()
            .is_some_and(|h| h.contains("letters"))
    );
}

#[test]
fn without_readings_lint_names_every_ocr_quote_at_its_place() {
    let full = load(&RuleFiles::embedded());
    let ocr_uses = sources(&full)
        .iter()
        .filter(|(_, s)| matches!(s, SourceRef::Seed { doc: Some(d), .. } if d.ocr))
        .count();
    let set = load(&files_with("rules/readings.toml", |_| None));
    let warnings = lint::lint(&set, None);
    let missing: Vec<_> = warnings
        .iter()
        .filter(|w| w.code == "lint::quote-without-reading")
        .collect();
    assert_eq!(missing.len(), ocr_uses);
    for w in missing {
        let (f, sp) = (w.file.as_ref().expect("a file"), w.span.expect("a place"));
        // At the quote, in an obligation or fact file.
        assert!(f.text().get(sp.range()).is_some_and(|q| q.starts_with('"')));
        assert!(w.render().contains(":"), "{}", w.render());
    }
    // Without readings, people read the quote as it stands.
    for (_, s) in sources(&set) {
        if let SourceRef::Seed { quote, .. } = &s {
            assert_eq!(s.reading(), Some(quote.as_str()));
        }
    }
}

#[test]
fn without_documents_a_seed_is_cited_by_file_and_line() {
    let set = load(&files_with("rules/sources.toml", |_| None));
    for (_, s) in sources(&set) {
        if let SourceRef::Seed { file, line, .. } = &s {
            assert_eq!(s.citation(Lang::Nb), format!("{file}:{line}"));
            assert_eq!(s.section(Lang::Nb), None);
            assert_eq!(s.title(), None);
        }
    }
    // The external documents' short names are gone with the file; their titles remain.
    let project_model = sources(&set)
        .into_iter()
        .find_map(|(_, s)| match &s {
            SourceRef::External { title, .. } if title.contains("Statens prosjektmodell") => {
                Some(s.citation(Lang::En))
            }
            _ => None,
        })
        .expect("cited");
    assert!(project_model.starts_with("Statens prosjektmodell (Finansdepartementets"));
}
