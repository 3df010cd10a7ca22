//! Source documents as people read them: what a rule set says about each document its rules
//! cite (`[[document]]`: title, short name for citations, date, kind, whether it is an OCR
//! scan, its sections as line ranges) and the corrected readings of quotes from OCR scans
//! (`[[reading]]`). Both are data of the rule set, in any rule file (samstyring keeps them in
//! `sources.toml` and `readings.toml`); a rule set without them cites its seeds by file name.
//!
//! A reading is checked against its verbatim quote as OCR errors go ([`ocr_difference`]): the
//! same words in the same order, each misread by a few letters. A reading that adds, drops or
//! reorders words is an interpretation, not a correction, and is refused when the rule set loads.
//!
//! **Invariant:** nothing here knows any particular document; the seeds are named by the rule set.

use super::seeds::{FoldedSeed, fold};
use super::toml::{Str, Table};
use crate::diag::{Diagnostic, Diagnostics, Problem, did_you_mean};
use crate::finding::{DocKind, Section, SourceDoc};
use crate::source::{SourceFile, Span};
use crate::text::Text;
use std::sync::Arc;
use toml::de::DeValue;

/// `[[document]]` as written.
#[derive(Debug, Clone)]
pub(crate) struct DocumentDecl {
    pub file: SourceFile,
    /// `seed = "…"` (true) or `external = "…"` (false): the key rules cite it by.
    pub key: Str,
    pub seed: bool,
    pub doc: SourceDoc,
    /// Where each section's `lines` is written, in the order of `doc.sections`.
    pub section_spans: Vec<Span>,
}

/// `[[reading]]` as written.
#[derive(Debug, Clone)]
pub(crate) struct ReadingDecl {
    pub file: SourceFile,
    pub seed: Str,
    pub quote: Str,
    pub reading: Str,
}

pub(crate) const DOCUMENT: &[&str] = &[
    "seed", "external", "title", "short", "date", "kind", "ocr", "mark", "section",
];
const SECTION: &[&str] = &["number", "title", "lines"];
const READING: &[&str] = &["seed", "quote", "reading"];

/// A problem with the documents or readings of a rule set.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourcesError {
    #[error("a document needs either `seed` or `external`, not both")]
    DocumentShape,
    #[error("unknown document kind `{kind}`")]
    BadKind { kind: String },
    #[error("invalid date `{value}`")]
    BadDate { value: String },
    #[error("`lines` must be two line numbers, first ≤ last, within the seed's {lines} lines")]
    BadLines { lines: usize },
    #[error("`{key}` is described more than once")]
    DuplicateDocument { key: String, first: String },
    #[error("the reading of this quote is given more than once")]
    DuplicateReading { first: String },
    #[error("the reading of a quote from `{seed}` differs from it in words, not letters: {what}")]
    NotOcrReading { seed: String, what: String },
}

impl Problem for SourcesError {
    fn code(&self) -> &'static str {
        match self {
            SourcesError::DocumentShape => "rules::document-shape",
            SourcesError::BadKind { .. } => "rules::document-kind",
            SourcesError::BadDate { .. } => "rules::document-date",
            SourcesError::BadLines { .. } => "rules::section-lines",
            SourcesError::DuplicateDocument { .. } => "rules::duplicate-document",
            SourcesError::DuplicateReading { .. } => "rules::duplicate-reading",
            SourcesError::NotOcrReading { .. } => "rules::reading-not-ocr",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            SourcesError::DocumentShape => "write `seed = \"FILE\"` for a seed document, or `external = \"TITLE\"` with the title rules cite it by".into(),
            SourcesError::BadKind { .. } => format!(
                "the kinds are {}",
                DocKind::ALL.map(|k| format!("`{}`", k.name())).join(", ")
            ),
            SourcesError::BadDate { .. } => "write the date as `YYYY-MM-DD`".into(),
            SourcesError::BadLines { .. } => "write `lines = [FIRST, LAST]`, as `sed -n FIRST,LASTp SEED` shows the section".into(),
            SourcesError::DuplicateDocument { first, .. } => format!("first described at {first}"),
            SourcesError::DuplicateReading { first } => {
                format!("first given at {first}; a quote used by several rules has one reading")
            }
            SourcesError::NotOcrReading { .. } => "a reading corrects misread letters (`oppfelging` → `oppfølging`) and keeps every word of the quote in its order; say more in the rule's message or paraphrase".into(),
        })
    }
}

/// Read `[[document]]` and `[[reading]]` of one rule file.
pub(crate) fn read(
    top: &Table<'_, '_>,
    docs: &mut Vec<DocumentDecl>,
    readings: &mut Vec<ReadingDecl>,
    diags: &mut Diagnostics,
) {
    for (t, span) in top.tables("document", diags) {
        let tab = Table::new(top.file, t, span, "`[[document]]`", "document");
        if let Some(d) = document(&tab, diags) {
            docs.push(d);
        }
    }
    for (t, span) in top.tables("reading", diags) {
        let tab = Table::new(top.file, t, span, "`[[reading]]`", "reading");
        tab.check_keys(READING, diags);
        let (seed, quote, reading) = (
            tab.req_str("seed", diags),
            tab.req_str("quote", diags),
            tab.req_str("reading", diags),
        );
        if let (Some(seed), Some(quote), Some(reading)) = (seed, quote, reading) {
            readings.push(ReadingDecl {
                file: top.file.clone(),
                seed,
                quote,
                reading,
            });
        }
    }
}

fn document(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Option<DocumentDecl> {
    tab.check_keys(DOCUMENT, diags);
    let (key, seed) = match (tab.str("seed", diags), tab.str("external", diags)) {
        (Some(s), None) => (s, true),
        (None, Some(e)) => (e, false),
        _ => {
            diags.push(Diagnostic::at(
                &SourcesError::DocumentShape,
                tab.file,
                tab.head(),
            ));
            return None;
        }
    };
    let tab = tab.renamed(format!("document `{}`", key.value));
    let title = tab.req_str("title", diags);
    let short = text_or_str(&tab, "short", diags);
    let date = tab.expr("date", diags).and_then(|d| {
        let v = d.value.trim_matches('"');
        let parsed = v.parse::<jiff::civil::Date>().ok();
        if parsed.is_none() {
            diags.push(Diagnostic::at(
                &SourcesError::BadDate {
                    value: v.to_string(),
                },
                tab.file,
                d.span,
            ));
        }
        parsed
    });
    let kind = tab.req_str("kind", diags).and_then(|k| {
        let parsed = DocKind::parse(&k.value);
        if parsed.is_none() {
            diags.push(Diagnostic::at(
                &SourcesError::BadKind {
                    kind: k.value.clone(),
                },
                tab.file,
                k.span,
            ));
        }
        parsed
    });
    let ocr = match tab.get("ocr").map(|v| (v.get_ref(), v)) {
        None => false,
        Some((DeValue::Boolean(b), _)) => *b,
        Some((other, v)) => {
            diags.push(Diagnostic::at(
                &super::error::RuleError::WrongType {
                    key: "ocr".into(),
                    expected: "a boolean",
                    found: super::toml::type_name(other),
                },
                tab.file,
                super::toml::span_of(v.span()),
            ));
            false
        }
    };
    let mark = match tab.get("mark") {
        Some(_) => text_or_str(&tab, "mark", diags)?,
        None => Text::all("§", "§", "§"),
    };
    let mut sections = Vec::new();
    let mut section_spans = Vec::new();
    for (t, span) in tab.tables("section", diags) {
        let s = Table::new(
            tab.file,
            t,
            span,
            format!("a section of {}", tab.name),
            "document.section",
        );
        s.check_keys(SECTION, diags);
        let number = s.str("number", diags).map(|n| n.value);
        let title = s.req_str("title", diags);
        let lines = match s.get("lines") {
            None => {
                s.missing("lines", diags);
                None
            }
            Some(v) => Some((line_pair(v.get_ref()), super::toml::span_of(v.span()))),
        };
        if let (Some(title), Some((pair, lspan))) = (title, lines) {
            let (first, last) = pair.unwrap_or((0, 0));
            sections.push(Section {
                number,
                title: title.value,
                first,
                last,
            });
            section_spans.push(lspan);
        }
    }
    Some(DocumentDecl {
        file: tab.file.clone(),
        seed,
        doc: SourceDoc {
            key: key.value.clone(),
            title: title.map(|t| t.value).unwrap_or_default(),
            short: short.unwrap_or_default(),
            date,
            kind: kind.unwrap_or(DocKind::Other),
            ocr,
            mark,
            sections,
        },
        key,
        section_spans,
    })
}

/// `[FIRST, LAST]`, both whole numbers ≥ 1; `None` when written otherwise (reported with the
/// seed's length once it is known).
fn line_pair(v: &DeValue<'_>) -> Option<(usize, usize)> {
    let DeValue::Array(items) = v else {
        return None;
    };
    let n: Vec<usize> = items
        .iter()
        .filter_map(|i| match i.get_ref() {
            DeValue::Integer(x) => usize::from_str_radix(x.as_str(), x.radix()).ok(),
            _ => None,
        })
        .collect();
    match (items.len(), n.as_slice()) {
        (2, [a, b]) if *a >= 1 && a <= b => Some((*a, *b)),
        _ => None,
    }
}

/// A text in the three languages, or one string that reads the same in all (a name).
fn text_or_str(tab: &Table<'_, '_>, key: &str, diags: &mut Diagnostics) -> Option<Text> {
    match tab.get(key).map(|v| v.get_ref()) {
        None => {
            tab.missing(key, diags);
            None
        }
        Some(DeValue::String(s)) => Some(Text::all(s.to_string(), s.to_string(), s.to_string())),
        Some(_) => tab.opt_text(key, diags),
    }
}

/// A corrected reading, checked and ready to attach to the quotes it reads.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub seed: String,
    /// The quote with its whitespace folded.
    pub quote: String,
    pub reading: String,
    /// Where the reading is written.
    pub place: super::Place,
    /// Whether any rule cites the quote (set as rules are resolved).
    pub used: std::cell::Cell<bool>,
}

/// The documents and readings of a rule set, checked against its seeds.
#[derive(Debug, Default)]
pub(crate) struct Library {
    pub docs: Vec<Arc<SourceDoc>>,
    /// Where each of `docs` is described, and whether a rule cites it.
    places: Vec<(super::Place, std::cell::Cell<bool>)>,
    pub readings: Vec<Reading>,
}

impl Library {
    /// Check the declarations: documents named once, seeds that exist, sections within their
    /// seed, readings of quotes their seed holds that differ from them only as OCR errors do.
    pub fn new(
        docs: &[DocumentDecl],
        readings: &[ReadingDecl],
        seeds: &[SourceFile],
        diags: &mut Diagnostics,
    ) -> Library {
        let mut lib = Library::default();
        let mut seen: Vec<&DocumentDecl> = Vec::new();
        for d in docs {
            if let Some(first) = seen.iter().find(|f| f.doc.key == d.doc.key) {
                diags.push(Diagnostic::at(
                    &SourcesError::DuplicateDocument {
                        key: d.doc.key.clone(),
                        first: super::toml::place(&first.file, first.key.span),
                    },
                    &d.file,
                    d.key.span,
                ));
                continue;
            }
            seen.push(d);
            if d.seed {
                let Some(seed) = seeds.iter().find(|s| s.name() == d.doc.key) else {
                    unknown_seed(&d.key, seeds, &d.file, diags);
                    continue;
                };
                let lines = seed.text().lines().count();
                for (s, span) in d.doc.sections.iter().zip(&d.section_spans) {
                    if s.first == 0 || s.last > lines {
                        diags.push(Diagnostic::at(
                            &SourcesError::BadLines { lines },
                            &d.file,
                            *span,
                        ));
                    }
                }
            }
            lib.docs.push(Arc::new(d.doc.clone()));
            // A seed is described whether or not a rule quotes it (the catalog may cite it); an
            // external document is described only for the rules that cite it.
            lib.places.push((
                super::Place {
                    file: d.file.clone(),
                    span: d.key.span,
                },
                std::cell::Cell::new(d.seed),
            ));
        }
        for r in readings {
            let Some(seed) = seeds.iter().find(|s| s.name() == r.seed.value) else {
                unknown_seed(&r.seed, seeds, &r.file, diags);
                continue;
            };
            if FoldedSeed::new(seed).find(&r.quote.value).is_none() {
                diags.push(Diagnostic::at(
                    &super::error::RuleError::QuoteNotFound {
                        seed: r.seed.value.clone(),
                    },
                    &r.file,
                    r.quote.span,
                ));
                continue;
            }
            let quote = fold(&r.quote.value);
            if let Some(first) = lib
                .readings
                .iter()
                .find(|x| x.seed == r.seed.value && x.quote == quote)
            {
                diags.push(Diagnostic::at(
                    &SourcesError::DuplicateReading {
                        first: first.place.where_(),
                    },
                    &r.file,
                    r.quote.span,
                ));
                continue;
            }
            if let Err(m) = ocr_difference(&quote, &r.reading.value) {
                // Point at the first word that differs, where the file holds the reading verbatim.
                let at = if r.reading.offset > r.reading.span.start as usize {
                    Span::new(r.reading.offset + m.at, r.reading.offset + m.at + m.len)
                } else {
                    r.reading.span
                };
                diags.push(Diagnostic::at(
                    &SourcesError::NotOcrReading {
                        seed: r.seed.value.clone(),
                        what: m.what,
                    },
                    &r.file,
                    at,
                ));
                continue;
            }
            lib.readings.push(Reading {
                seed: r.seed.value.clone(),
                quote,
                reading: fold(&r.reading.value),
                place: super::Place {
                    file: r.file.clone(),
                    span: r.reading.span,
                },
                used: std::cell::Cell::new(false),
            });
        }
        lib
    }

    /// The document a seed file or external title names, marked as cited.
    pub fn doc(&self, key: &str) -> Option<&Arc<SourceDoc>> {
        let i = self.docs.iter().position(|d| d.key == key)?;
        if let Some((_, used)) = self.places.get(i) {
            used.set(true);
        }
        self.docs.get(i)
    }

    /// Where readings and documents no rule cites are written.
    pub fn unused(&self) -> (Vec<super::Place>, Vec<super::Place>) {
        let readings = self.readings.iter().filter(|r| !r.used.get());
        let docs = self.places.iter().filter(|(_, used)| !used.get());
        (
            readings.map(|r| r.place.clone()).collect(),
            docs.map(|(p, _)| p.clone()).collect(),
        )
    }

    /// The reading of a quote (whitespace folded) from a seed, marked as used.
    pub fn reading(&self, seed: &str, quote: &str) -> Option<String> {
        let r = self
            .readings
            .iter()
            .find(|r| r.seed == seed && r.quote == quote)?;
        r.used.set(true);
        Some(r.reading.clone())
    }
}

fn unknown_seed(seed: &Str, seeds: &[SourceFile], file: &SourceFile, diags: &mut Diagnostics) {
    let suggestion = did_you_mean(&seed.value, seeds.iter().map(|f| f.name())).map(str::to_string);
    diags.push(Diagnostic::at(
        &super::error::RuleError::UnknownSeed {
            seed: seed.value.clone(),
            suggestion,
        },
        file,
        seed.span,
    ));
}

/// How a reading departs from its quote by more than OCR errors: what, and where in the
/// reading (a byte offset and length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub what: String,
    pub at: usize,
    pub len: usize,
}

/// The most letters an OCR error may change in a word of `n` characters: one in a short word,
/// one more for every four characters (`veere` → `være` is two, `giennomfgring` →
/// `gjennomføring` two, `fellesl@asninger` → `fellesløsninger` two).
fn letters_allowed(n: usize) -> usize {
    1 + n / 4
}

/// Whether `reading` differs from `quote` only as OCR misreads do: word for word, in the same
/// order, each word within a few letters of the quote's ([`letters_allowed`]). A space the scan
/// lost or added (`iNorge` → `i Norge`) or a word hyphenated across a line break (`Oppfalgings-
/// regimet` → `Oppfølgingsregimet`) is a letter, too. Both are compared with whitespace folded.
pub(crate) fn ocr_difference(quote: &str, reading: &str) -> Result<(), Mismatch> {
    let q: Vec<&str> = quote.split_whitespace().collect();
    let r: Vec<(usize, &str)> = words_at(reading);
    let (mut i, mut j) = (0, 0);
    while i < q.len() && j < r.len() {
        let (at, rw) = r.get(j).copied().unwrap_or((0, ""));
        let qw = q.get(i).copied().unwrap_or("");
        if close(qw, rw) {
            i += 1;
            j += 1;
            continue;
        }
        // A space the scan lost: one quote word is two of the reading.
        if let Some((_, next)) = r.get(j + 1)
            && close(qw, &format!("{rw} {next}"))
        {
            i += 1;
            j += 2;
            continue;
        }
        // A space the scan added, or a word broken at a line's end: two quote words are one.
        if let Some(next) = q.get(i + 1) {
            let joined = match qw.strip_suffix('-') {
                Some(head) => format!("{head}{next}"),
                None => format!("{qw} {next}"),
            };
            if close(&joined, rw) {
                i += 2;
                j += 1;
                continue;
            }
        }
        return Err(Mismatch {
            what: format!("`{rw}` does not read `{qw}`"),
            at,
            len: rw.len(),
        });
    }
    if let Some(qw) = q.get(i) {
        let at = reading.trim_end().len();
        return Err(Mismatch {
            what: format!("the reading leaves out `{qw}` and what follows"),
            at,
            len: 0,
        });
    }
    if let Some((at, rw)) = r.get(j) {
        return Err(Mismatch {
            what: format!("the reading adds `{rw}` at the end"),
            at: *at,
            len: rw.len(),
        });
    }
    Ok(())
}

/// The words of `s` with their byte offsets.
fn words_at(s: &str) -> Vec<(usize, &str)> {
    let base = s.as_ptr() as usize;
    s.split_whitespace()
        .map(|w| (w.as_ptr() as usize - base, w))
        .collect()
}

/// Whether two words are within [`letters_allowed`] edits of each other: an edit distance by
/// character in which a letter added, dropped or read as another counts one, except that one
/// ASCII letter read as another the scan does not confuse (`skal` → `kan`) counts two. OCR
/// errors miss diacritics (`ø` → `g`, `e`, `a`), read letters as signs (`|`, `@`, `4`) and mix up
/// strokes (`i`, `j`, `l`, `I`, `1`); they do not swap one plain letter for another.
fn close(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let limit = letters_allowed(a.len().max(b.len()));
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + substitution(ca, cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0) <= limit
}

/// What reading `a` as `b` costs (see [`close`]).
fn substitution(a: char, b: char) -> usize {
    const STROKES: &str = "ijlI1|!";
    if a == b {
        0
    } else if !(a.is_ascii_alphabetic() && b.is_ascii_alphabetic())
        || a.eq_ignore_ascii_case(&b)
        || (STROKES.contains(a) && STROKES.contains(b))
        || matches!((a, b), ('o' | 'O', '0') | ('0', 'o' | 'O'))
    {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_readings_that_correct_misread_letters() {
        for (q, r) in [
            (
                "Samarbeidsavtale mellom KMD og KS om oppfelging av",
                "Samarbeidsavtale mellom KMD og KS om oppfølging av",
            ),
            (
                "giennomfgring av 13 av disse",
                "gjennomføring av 13 av disse",
            ),
            (
                "det veere nedvendig at kommunal sektor",
                "det være nødvendig at kommunal sektor",
            ),
            ("kommunale fellesl@asninger", "kommunale fellesløsninger"),
            ("| samarbeid med KS", "I samarbeid med KS"),
            ("for 4 lage", "for å lage"),
            ("e Ny iNorge (KD)", "• Ny i Norge (KD)"),
            (
                "Oppfalgings- regimet er integrert",
                "Oppfølgingsregimet er integrert",
            ),
            ("Side 1av7", "Side 1 av7"),
        ] {
            assert_eq!(ocr_difference(q, r), Ok(()), "{q} → {r}");
        }
    }

    #[test]
    fn refuses_readings_that_change_words() {
        // A word added, removed, replaced or moved: each named at its place in the reading.
        let added = ocr_difference("KS skal involveres", "KS skal alltid involveres");
        assert_eq!(
            added,
            Err(Mismatch {
                what: "`alltid` does not read `involveres`".into(),
                at: 8,
                len: 6,
            })
        );
        let dropped = ocr_difference("KS skal involveres tidlig", "KS skal involveres");
        assert_eq!(
            dropped.map_err(|m| m.what),
            Err("the reading leaves out `tidlig` and what follows".into())
        );
        let extra = ocr_difference("KS skal involveres", "KS skal involveres tidlig");
        assert_eq!(
            extra.map_err(|m| (m.what, m.at)),
            Err(("the reading adds `tidlig` at the end".into(), 19))
        );
        let replaced = ocr_difference("avvik skal varsles", "avvik kan varsles");
        assert!(replaced.is_err());
        let reordered = ocr_difference("KS og KMD skal", "KMD og KS skal");
        assert!(reordered.is_err());
        // More letters than a misread changes, in a short and a long word.
        assert!(ocr_difference("ma", "ikke").is_err());
        assert!(ocr_difference("hus og hytte", "hus av hytte").is_err());
        assert!(ocr_difference("KS oppnevner", "KS utnevner").is_err());
        assert!(ocr_difference("oppfelging", "oppfølgingsplan").is_err());
    }

    #[test]
    fn letter_edits_are_counted_by_character_not_byte() {
        // `ø` is two bytes and one letter: one edit, as `o` → `ø`.
        assert!(close("pa", "på"));
        assert!(close("nzeringslivet", "næringslivet"));
        assert!(!close("a", "og"));
        // Strokes the scan confuses cost one; a plain letter for another, two.
        assert!(close("tiitakene", "tiltakene"));
        assert!(!close("skal", "kan"));
    }

    fn lib(toml: &str, seed: &str) -> (Library, Diagnostics) {
        let file = SourceFile::new("sources.toml", toml.to_string());
        let seeds = [SourceFile::new("s.txt", seed.to_string())];
        let mut diags = Diagnostics::new();
        let doc = super::super::toml::parse(&file, file.text(), &mut diags);
        let top = Table::new(
            &file,
            doc.get_ref(),
            super::super::toml::span_of(doc.span()),
            "a rule file",
            "",
        );
        let (mut docs, mut readings) = (Vec::new(), Vec::new());
        read(&top, &mut docs, &mut readings, &mut diags);
        let lib = Library::new(&docs, &readings, &seeds, &mut diags);
        (lib, diags)
    }

    const SEED: &str = "Avtale om oppfelging\n\n1. Formal\nVi ma samarbeide.\n2. Varighet\nAvtalen gjelder til 2022.\n";

    #[test]
    fn reads_documents_with_sections_and_finds_a_lines_section() {
        let (lib, diags) = lib(
            r#"
[[document]]
seed = "s.txt"
title = "Avtale om oppfølging"
short = "Avtalen (2020)"
date = 2020-09-14
kind = "agreement"
ocr = true
section = [
  { number = "1", title = "Formål", lines = [3, 4] },
  { number = "2", title = "Varighet", lines = [5, 6] },
]
"#,
            SEED,
        );
        assert!(diags.0.is_empty(), "{:?}", diags.0);
        let d = lib.doc("s.txt").expect("described");
        assert!(d.ocr);
        assert_eq!(d.kind, DocKind::Agreement);
        assert_eq!(d.date.map(|x| x.to_string()), Some("2020-09-14".into()));
        assert_eq!(d.section_at(4).and_then(|s| s.number.as_deref()), Some("1"));
        assert_eq!(d.section_at(5).and_then(|s| s.number.as_deref()), Some("2"));
        assert_eq!(d.section_at(6).map(|s| s.title.as_str()), Some("Varighet"));
        assert_eq!(d.section_at(1), None);
    }

    #[test]
    fn reports_every_problem_with_documents_and_readings() {
        let (lib, diags) = lib(
            r#"
[[document]]
seed = "s.txt"
title = "Avtale"
short = "Avtalen"
date = "2020-13-01"
kind = "treaty"
section = [ { title = "For langt", lines = [5, 99] } ]

[[document]]
seed = "s.txt"
title = "Igjen"
short = "Igjen"
kind = "case"

[[reading]]
seed = "s.txt"
quote = "Vi ma samarbeide."
reading = "Vi må alltid samarbeide."

[[reading]]
seed = "s.txt"
quote = "Vi ma  samarbeide tett."
reading = "Vi må samarbeide tett."

[[reading]]
seed = "t.txt"
quote = "x"
reading = "x"
"#,
            SEED,
        );
        let codes: Vec<&str> = diags.0.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "rules::document-date",
                "rules::document-kind",
                "rules::section-lines",
                "rules::duplicate-document",
                "rules::reading-not-ocr",
                "rules::quote-not-found",
                "rules::unknown-seed",
            ]
        );
        // The reading's mismatch is placed at the word that differs, in the file.
        let not_ocr = diags.0.iter().find(|d| d.code == "rules::reading-not-ocr");
        let span = not_ocr.and_then(|d| d.span).expect("placed");
        assert_eq!(
            lib_text_at(&diags, span),
            Some("alltid".to_string()),
            "{not_ocr:?}"
        );
        assert!(lib.readings.is_empty());
    }

    fn lib_text_at(diags: &Diagnostics, span: Span) -> Option<String> {
        let f = diags.0.first()?.file.as_ref()?;
        f.text().get(span.range()).map(str::to_string)
    }

    #[test]
    fn a_good_reading_is_found_by_its_quote_with_whitespace_folded() {
        let (lib, diags) = lib(
            r#"
[[reading]]
seed = "s.txt"
quote = "Avtale om   oppfelging"
reading = "Avtale om oppfølging"
"#,
            SEED,
        );
        assert!(diags.0.is_empty(), "{:?}", diags.0);
        assert_eq!(
            lib.reading("s.txt", "Avtale om oppfelging"),
            Some("Avtale om oppfølging".into())
        );
        assert!(lib.readings.first().is_some_and(|r| r.used.get()));
    }
}
