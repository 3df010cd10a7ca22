//! Batch input: turns the paths a user names (files, directories, `.jsonl` files, `-` for stdin)
//! into a stream of input units, one per document, each with a label (`path` or `path:LINE`).
//!
//! This is one of the two places (with `cli`) that touch the file system. It streams: a JSONL
//! file is read a block at a time and its lines cut from the block in place (they share it, see
//! [`Block`]), a directory is expanded into a sorted list of
//! paths and read one file at a time, so memory does not grow with the batch (apart from the
//! [`KeyIndex`] of ids seen, needed to find duplicates).
//!
//! **Invariant:** every file or line named by the user yields exactly one [`Unit`] (or, for a
//! JSONL file, one per non-blank line and one for an empty file); unreadable, oversized,
//! non-UTF-8 or empty input is an error unit, never a crash or a silent skip.

use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics, Problem};
use crate::json::Limits;
use crate::schema::{Document, InputProblem, InputSchema, validate_in};
use crate::source::{Block, SourceFile, Span};
use crate::text::{Lang, pick};
use crate::value::Tree;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest `.json` file (or stdin document) read.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Largest line of a `.jsonl` file.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Most `.json` and `.jsonl` files read from one directory named on the command line (with its
/// subdirectories): the list of their paths is held in memory to be sorted.
pub const MAX_DIR_FILES: usize = 1_000_000;
/// Default of the most bytes read from one stream of documents (a `.jsonl` file, standard
/// input): far above any registry, and what stops a file that never ends or keeps growing.
pub const DEFAULT_MAX_STREAM_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// The most bytes read from one stream of documents, set once per run by the CLI's
/// `--max-input-bytes` ([`set_max_stream_bytes`]).
static MAX_STREAM_BYTES: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(DEFAULT_MAX_STREAM_BYTES);

/// Raise (or lower) the most bytes read from one `.jsonl` file or standard input.
pub fn set_max_stream_bytes(max: u64) {
    MAX_STREAM_BYTES.store(max.max(1), std::sync::atomic::Ordering::Relaxed);
}

/// The most bytes read from one stream of documents.
pub fn max_stream_bytes() -> u64 {
    MAX_STREAM_BYTES.load(std::sync::atomic::Ordering::Relaxed)
}

/// What a file looked like when a run began reading it: its size and modification time. A
/// run that reads a file twice (`report`'s second pass) compares the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

/// The stamp of a regular file (`None` for anything else).
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// A file that changed between two reads of one run.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "`{path}` changed while it was being read; this document was not judged again with what its links bring"
)]
pub struct Changed {
    pub path: String,
}

impl Problem for Changed {
    fn code(&self) -> &'static str {
        "input::changed"
    }

    fn help(&self) -> Option<String> {
        Some("run again once the file is no longer being written".into())
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        let path = &self.path;
        Some(match lang {
            Lang::Nb => format!(
                "`{path}` ble endret mens den ble lest; dokumentet ble ikke vurdert på nytt med det koblingene gir"
            ),
            Lang::Nn => format!(
                "`{path}` vart endra medan han vart lesen; dokumentet vart ikkje vurdert på nytt med det koplingane gir"
            ),
            Lang::En => self.to_string(),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(
            pick(
                lang,
                "kjør på nytt når filen ikke lenger skrives til",
                "køyr på nytt når fila ikkje lenger blir skriven til",
                "run again once the file is no longer being written",
            )
            .into(),
        )
    }
}

/// The name stdin goes by in labels and diagnostics.
pub const STDIN_NAME: &str = "<stdin>";

/// A problem reading input, before any JSON is parsed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadProblem {
    #[error("cannot read `{path}`: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("`{path}` is not valid UTF-8 text")]
    NotUtf8 { path: String },
    #[error("`{path}` is empty")]
    Empty { path: String },
    #[error("`{path}` is {size} bytes, more than the limit of {max} bytes")]
    TooLarge { path: String, size: u64, max: usize },
    /// Too large, found while reading (standard input, a file that grew): the size is not known.
    #[error("`{path}` is larger than the limit of {max} bytes")]
    TooLargeStream { path: String, max: usize },
    #[error("`{path}` holds more than {max} input files")]
    TooManyFiles { path: String, max: usize },
    #[error("line {line} of `{path}` is longer than the limit of {max} bytes")]
    LineTooLong {
        path: String,
        line: usize,
        max: usize,
    },
    #[error("`{path}` is not a regular file")]
    NotRegular { path: String },
    #[error("directory `{path}` holds no `.json` or `.jsonl` file")]
    EmptyDir { path: String },
    /// A stream of documents past its total limit: the lines before it were read.
    #[error("`{path}` is larger than the limit of {max} bytes for one input; the rest is not read")]
    StreamTooLarge { path: String, max: u64 },
}

impl Problem for ReadProblem {
    fn code(&self) -> &'static str {
        match self {
            ReadProblem::Unreadable { .. } => "input::unreadable",
            ReadProblem::NotUtf8 { .. } => "input::not-utf8",
            ReadProblem::Empty { .. } => "input::empty",
            ReadProblem::TooLarge { .. } | ReadProblem::TooLargeStream { .. } => "input::too-large",
            ReadProblem::TooManyFiles { .. } => "input::too-many-files",
            ReadProblem::LineTooLong { .. } => "input::line-too-long",
            ReadProblem::NotRegular { .. } => "input::not-a-file",
            ReadProblem::EmptyDir { .. } => "input::empty-dir",
            ReadProblem::StreamTooLarge { .. } => "input::stream-too-large",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ReadProblem::Unreadable { .. } => "check the path and its permissions".into(),
            ReadProblem::NotUtf8 { .. } => "save the file as UTF-8".into(),
            ReadProblem::Empty { .. } => "a document is one JSON object: `{ … }`".into(),
            ReadProblem::TooLarge { .. } | ReadProblem::TooLargeStream { .. } => {
                "no single initiative is this large; split a batch into several files or use `.jsonl`"
                    .into()
            }
            ReadProblem::TooManyFiles { .. } => {
                "name its subdirectories one by one, or put the documents in `.jsonl` files".into()
            }
            ReadProblem::LineTooLong { .. } => {
                "each line of a `.jsonl` file holds one document".into()
            }
            ReadProblem::EmptyDir { .. } => {
                "a directory named on the command line must hold documents; check the path".into()
            }
            ReadProblem::NotRegular { .. } => {
                "a pipe or a device may never end; name a regular file, or pipe it in as `-`"
                    .into()
            }
            ReadProblem::StreamTooLarge { .. } => {
                "raise the limit with `--max-input-bytes`, or check that the file is the one meant"
                    .into()
            }
        })
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        if lang == Lang::En {
            return Some(self.to_string());
        }
        let nb = lang == Lang::Nb;
        let t = |b: String, n: String| if nb { b } else { n };
        Some(match self {
            ReadProblem::Unreadable { path, reason } => t(
                format!("kan ikke lese `{path}`: {reason}"),
                format!("kan ikkje lese `{path}`: {reason}"),
            ),
            ReadProblem::NotUtf8 { path } => t(
                format!("`{path}` er ikke gyldig UTF-8-tekst"),
                format!("`{path}` er ikkje gyldig UTF-8-tekst"),
            ),
            ReadProblem::Empty { path } => {
                t(format!("`{path}` er tom"), format!("`{path}` er tom"))
            }
            ReadProblem::TooLarge { path, size, max } => t(
                format!("`{path}` er {size} byte, mer enn grensen på {max} byte"),
                format!("`{path}` er {size} byte, meir enn grensa på {max} byte"),
            ),
            ReadProblem::TooLargeStream { path, max } => t(
                format!("`{path}` er større enn grensen på {max} byte"),
                format!("`{path}` er større enn grensa på {max} byte"),
            ),
            ReadProblem::TooManyFiles { path, max } => t(
                format!("`{path}` har mer enn {max} inndatafiler"),
                format!("`{path}` har meir enn {max} inndatafiler"),
            ),
            ReadProblem::LineTooLong { path, line, max } => t(
                format!("linje {line} i `{path}` er lengre enn grensen på {max} byte"),
                format!("linje {line} i `{path}` er lengre enn grensa på {max} byte"),
            ),
            ReadProblem::NotRegular { path } => t(
                format!("`{path}` er ikke en vanlig fil"),
                format!("`{path}` er ikkje ei vanleg fil"),
            ),
            ReadProblem::EmptyDir { path } => t(
                format!("mappen `{path}` har ingen `.json`- eller `.jsonl`-fil"),
                format!("mappa `{path}` har inga `.json`- eller `.jsonl`-fil"),
            ),
            ReadProblem::StreamTooLarge { path, max } => t(
                format!(
                    "`{path}` er større enn grensen på {max} byte for én inndatakilde; resten blir ikke lest"
                ),
                format!(
                    "`{path}` er større enn grensa på {max} byte for éi inndatakjelde; resten blir ikkje lesen"
                ),
            ),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(lang, nb, nn, en);
        Some(
            match self {
                ReadProblem::Unreadable { .. } => w(
                    "sjekk stien og tilgangene",
                    "sjekk stien og tilgangane",
                    "check the path and its permissions",
                ),
                ReadProblem::NotUtf8 { .. } => w(
                    "lagre filen som UTF-8",
                    "lagre fila som UTF-8",
                    "save the file as UTF-8",
                ),
                ReadProblem::Empty { .. } => w(
                    "et dokument er ett JSON-objekt: `{ … }`",
                    "eit dokument er eitt JSON-objekt: `{ … }`",
                    "a document is one JSON object: `{ … }`",
                ),
                ReadProblem::TooLarge { .. } | ReadProblem::TooLargeStream { .. } => w(
                    "ingen enkelt tiltak er så stort; del en samling i flere filer eller bruk `.jsonl`",
                    "ikkje noko einskilt tiltak er så stort; del ei samling i fleire filer eller bruk `.jsonl`",
                    "no single initiative is this large; split a batch into several files or use `.jsonl`",
                ),
                ReadProblem::TooManyFiles { .. } => w(
                    "nevn undermappene én for én, eller legg dokumentene i `.jsonl`-filer",
                    "nemn undermappene éi for éi, eller legg dokumenta i `.jsonl`-filer",
                    "name its subdirectories one by one, or put the documents in `.jsonl` files",
                ),
                ReadProblem::LineTooLong { .. } => w(
                    "hver linje i en `.jsonl`-fil har ett dokument",
                    "kvar linje i ei `.jsonl`-fil har eitt dokument",
                    "each line of a `.jsonl` file holds one document",
                ),
                ReadProblem::EmptyDir { .. } => w(
                    "en mappe som er nevnt på kommandolinjen, må ha dokumenter; sjekk stien",
                    "ei mappe som er nemnd på kommandolinja, må ha dokument; sjekk stien",
                    "a directory named on the command line must hold documents; check the path",
                ),
                ReadProblem::NotRegular { .. } => w(
                    "en rørledning eller en enhet tar kanskje aldri slutt; nevn en vanlig fil, eller send den inn som `-`",
                    "ei røyrleidning eller ei eining tek kanskje aldri slutt; nemn ei vanleg fil, eller send henne inn som `-`",
                    "a pipe or a device may never end; name a regular file, or pipe it in as `-`",
                ),
                ReadProblem::StreamTooLarge { .. } => w(
                    "hev grensen med `--max-input-bytes`, eller sjekk at filen er den du mente",
                    "hev grensa med `--max-input-bytes`, eller sjekk at fila er den du meinte",
                    "raise the limit with `--max-input-bytes`, or check that the file is the one meant",
                ),
            }
            .into(),
        )
    }
}

/// How a unit is named: `path` for a whole file, `path:LINE` for a line of a JSONL file. Kept in
/// its parts, the path shared by all the lines of a file, and written out only when shown: most
/// units of a large batch never are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    path: Arc<str>,
    line: Option<usize>,
}

impl Label {
    pub fn file(path: impl Into<Arc<str>>) -> Label {
        Label {
            path: path.into(),
            line: None,
        }
    }

    pub fn line(path: &Arc<str>, line: usize) -> Label {
        Label {
            path: Arc::clone(path),
            line: Some(line),
        }
    }

    pub fn path(&self) -> &Arc<str> {
        &self.path
    }

    /// The line, for a line of a JSONL file.
    pub fn line_no(&self) -> Option<usize> {
        self.line
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// One document's text, or why it could not be read.
#[derive(Debug)]
pub struct Unit {
    pub label: Label,
    pub source: Result<SourceFile, Diagnostics>,
    /// For a line of a JSONL file: where the line starts, in bytes from the start of the file
    /// (see [`LineReader`]).
    pub offset: Option<u64>,
}

impl Unit {
    /// A unit counted but not read (see [`Sources::only`]): no text, no problems.
    pub fn skipped(label: Label) -> Unit {
        Unit {
            label,
            source: Err(Diagnostics::new()),
            offset: None,
        }
    }
}

/// One document's text read and validated.
#[derive(Debug)]
pub struct Checked {
    pub label: Label,
    pub result: Result<Document, Diagnostics>,
}

/// The input units of the named paths, in order; directories in sorted path order.
pub fn sources<P: AsRef<Path>>(paths: &[P]) -> Sources {
    sources_with(paths, Scan::default())
}

/// [`sources`], searching directories as `scan` says.
pub fn sources_with<P: AsRef<Path>>(paths: &[P], scan: Scan) -> Sources {
    let pending = paths
        .iter()
        .map(|p| {
            let p = p.as_ref();
            if p == Path::new("-") {
                Pending::Stdin
            } else {
                Pending::Path(p.to_path_buf())
            }
        })
        .collect();
    Sources {
        pending,
        lines: None,
        ordinal: 0,
        want: None,
        scan,
        stdin_name: STDIN_NAME.into(),
    }
}

/// The input units of one stream read as standard input is (one JSON document, or JSONL when its
/// first non-blank line is a whole JSON value), named `name`: a request body, for the server.
pub fn reader(name: &str, r: Box<dyn BufRead>) -> Sources {
    Sources {
        pending: VecDeque::from([Pending::Reader(name.into(), r)]),
        lines: None,
        ordinal: 0,
        want: None,
        scan: Scan::default(),
        stdin_name: STDIN_NAME.into(),
    }
}

/// Validated documents of the named paths, with duplicate keys across the batch reported.
pub fn documents<'s, P: AsRef<Path>>(
    paths: &[P],
    schema: &'s InputSchema,
    catalog: &'s Catalog,
) -> Documents<'s> {
    documents_in(sources(paths), schema, catalog)
}

/// [`documents`] of any [`Sources`] (see [`reader`]).
pub fn documents_in<'s>(
    sources: Sources,
    schema: &'s InputSchema,
    catalog: &'s Catalog,
) -> Documents<'s> {
    Documents {
        sources,
        schema,
        catalog,
        keys: KeyIndex::default(),
    }
}

/// Validates one unit (without the batch-wide duplicate check; see [`KeyIndex`]). Units are
/// independent, so a caller may run this on many threads.
pub fn check_unit(schema: &InputSchema, catalog: &Catalog, unit: Unit) -> Checked {
    check_unit_in(schema, catalog, unit, Box::default())
}

/// [`check_unit`], building the document in `tree` (the tree of a document done with, whose
/// vectors are then not allocated again).
pub fn check_unit_in(
    schema: &InputSchema,
    catalog: &Catalog,
    unit: Unit,
    tree: Box<Tree>,
) -> Checked {
    Checked {
        result: unit
            .source
            .and_then(|source| validate_in(schema, catalog, source, Limits::default(), tree)),
        label: unit.label,
    }
}

/// Streaming iterator of [`Checked`] documents.
pub struct Documents<'s> {
    sources: Sources,
    schema: &'s InputSchema,
    catalog: &'s Catalog,
    keys: KeyIndex,
}

impl Iterator for Documents<'_> {
    type Item = Checked;

    fn next(&mut self) -> Option<Checked> {
        let unit = self.sources.next()?;
        let mut c = check_unit(self.schema, self.catalog, unit);
        c.result = c
            .result
            .and_then(|doc| self.keys.check(self.schema, &c.label, doc));
        Some(c)
    }
}

/// The keys seen so far in a batch, with the label of the unit that used each first.
#[derive(Debug, Default)]
pub struct KeyIndex {
    seen: HashMap<String, String>,
}

impl KeyIndex {
    /// The document back, or a diagnostic at its key when an earlier unit has the same key.
    pub fn check(
        &mut self,
        schema: &InputSchema,
        label: &Label,
        doc: Document,
    ) -> Result<Document, Diagnostics> {
        if let Some(first) = self.seen.get(&doc.key) {
            let at = key_at(schema, &doc);
            return Err(duplicate_key(schema, &doc.source, at, &doc.key, first.clone()).into());
        }
        self.seen.insert(doc.key.clone(), label.to_string());
        Ok(doc)
    }
}

/// Where the key's value (a JSON string) starts in a valid document's text.
pub(crate) fn key_at(schema: &InputSchema, doc: &Document) -> usize {
    schema
        .key_field()
        .and_then(|(i, _)| doc.slots().get(i)?.as_ref())
        .map(|n| n.at as usize)
        .unwrap_or(0)
}

/// The problem of a document whose key an earlier document of the batch (`first`) has, pointing
/// at its key's string, which starts at `at` of `source`.
pub(crate) fn duplicate_key(
    schema: &InputSchema,
    source: &SourceFile,
    at: usize,
    key: &str,
    first: String,
) -> Diagnostic {
    let p = InputProblem::DuplicateDocument {
        key_field: schema.key_field.clone(),
        key: crate::json::echo(key),
        first,
    };
    let text = source.text();
    // The key is a JSON string: its end is the first unescaped quote after the opening one.
    let mut end = at + 1;
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(end) {
        end += 1;
        match b {
            b'"' => break,
            b'\\' => end += 1,
            _ => {}
        }
    }
    let mut pointer = String::new();
    crate::json::push_pointer(&mut pointer, &schema.key_field);
    Diagnostic::at(&p, source, Span::new(at, end.min(text.len()))).with_pointer(pointer)
}

enum Pending {
    Path(PathBuf),
    Stdin,
    /// A stream read as stdin is, by its name.
    Reader(Arc<str>, Box<dyn BufRead>),
    /// A subdirectory that could not be listed: an error unit of its own.
    Unreadable(PathBuf, io::Error),
}

/// Streaming iterator of [`Unit`]s.
pub struct Sources {
    pending: VecDeque<Pending>,
    lines: Option<Lines>,
    /// The ordinal of the next unit.
    ordinal: usize,
    /// When set, only these ordinals (sorted) are built; see [`Sources::only`].
    want: Option<Vec<usize>>,
    scan: Scan,
    /// The name standard input goes by in labels and reports (`--stdin-name`).
    stdin_name: Arc<str>,
}

impl Sources {
    /// Build only the units whose ordinals are in `want` (sorted): the others are still counted,
    /// in the same order and number as without the filter, but come without text — as
    /// [`Unit::skipped`] (lines not decoded, files not read), or as the error that reading alone
    /// finds (a line too long). A second pass over a batch re-reads a few
    /// documents among many.
    pub fn only(mut self, want: Vec<usize>) -> Self {
        self.want = Some(want);
        self
    }

    /// Name standard input `name` in labels, diagnostics and reports (for annotations of a file
    /// piped in).
    pub fn stdin_name(mut self, name: &str) -> Self {
        self.stdin_name = name.into();
        self
    }

    fn wanted(&self) -> bool {
        self.want
            .as_ref()
            .is_none_or(|w| w.binary_search(&self.ordinal).is_ok())
    }
}

impl Iterator for Sources {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        let u = self.next_unit();
        self.ordinal += usize::from(u.is_some());
        u
    }
}

impl Sources {
    fn next_unit(&mut self) -> Option<Unit> {
        let build = self.wanted();
        loop {
            if let Some(lines) = &mut self.lines {
                if let Some(u) = lines.next_unit(build) {
                    return Some(u);
                }
                self.lines = None;
            }
            match self.pending.pop_front()? {
                Pending::Stdin => {
                    let stdin = Box::new(io::stdin().lock());
                    if let Some(u) = self.stream(Arc::clone(&self.stdin_name), stdin) {
                        return Some(u);
                    }
                }
                Pending::Reader(name, r) => {
                    if let Some(u) = self.stream(name, r) {
                        return Some(u);
                    }
                }
                Pending::Unreadable(path, e) => {
                    return Some(unreadable(Label::file(display(&path)), &e));
                }
                Pending::Path(path) => {
                    let name = display(&path);
                    let label = Label::file(name.as_str());
                    let meta = match std::fs::metadata(&path) {
                        Ok(m) => m,
                        Err(e) => return Some(unreadable(label, &e)),
                    };
                    if meta.is_dir() {
                        let mut found = match self.scan.walk(&path) {
                            Ok(f) => f,
                            Err(e) => return Some(unreadable(label, &e)),
                        };
                        if found.len() > MAX_DIR_FILES {
                            let p = ReadProblem::TooManyFiles {
                                path: name,
                                max: MAX_DIR_FILES,
                            };
                            return Some(Unit {
                                label,
                                source: Err(Diagnostic::new(&p, None, None).into()),
                                offset: None,
                            });
                        }
                        // A directory named on the command line that holds nothing is an error
                        // unit of its own, not silently nothing (`check emptydir other.json`).
                        if found.is_empty() {
                            let p = ReadProblem::EmptyDir { path: name };
                            return Some(Unit {
                                label,
                                source: Err(Diagnostic::new(&p, None, None).into()),
                                offset: None,
                            });
                        }
                        found.sort_by(|a, b| a.0.cmp(&b.0));
                        for (f, err) in found.into_iter().rev() {
                            self.pending.push_front(match err {
                                None => Pending::Path(f),
                                Some(e) => Pending::Unreadable(f, e),
                            });
                        }
                        continue;
                    }
                    // Refused before it is opened: opening a FIFO blocks.
                    if !meta.is_file() {
                        return Some(not_regular(label));
                    }
                    if is_jsonl(&path) {
                        match crate::files::open_regular(&path) {
                            Ok(f) => {
                                // Read in blocks of its own: a buffer in between would only
                                // copy them once more.
                                self.lines = Some(Lines::new(name, Box::new(f)));
                                continue;
                            }
                            Err(e) => return Some(unreadable(label, &e)),
                        }
                    }
                    if !build {
                        return Some(Unit::skipped(label));
                    }
                    return Some(read_file(&path, &name, label, meta.len()));
                }
            }
        }
    }
}

impl Sources {
    /// Reads stdin (or another stream, named `name`) as JSONL when its first non-blank line is
    /// a whole JSON value by itself, else as one JSON document.
    fn stream(&mut self, name: Arc<str>, mut stdin: Box<dyn BufRead>) -> Option<Unit> {
        let mut prefix = Vec::new();
        let mut line = Vec::new();
        // Never read more than a document may hold before knowing what the stream is: a first
        // line longer than that is too large either way, and is not read to its end.
        let mut probe = (&mut stdin).take(MAX_FILE_BYTES as u64 + 3);
        let jsonl = loop {
            line.clear();
            match read_line_limited(&mut probe, &mut line, MAX_FILE_BYTES) {
                Err(e) => return Some(unreadable(Label::file(name.clone()), &e)),
                Ok((0, _)) => break false,
                Ok((_, too_long)) => {
                    if too_long {
                        return Some(too_large_stream(Label::file(name.clone())));
                    }
                    prefix.extend_from_slice(&line);
                    let text = std::str::from_utf8(&line).unwrap_or("");
                    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                    if text.trim().is_empty() {
                        continue;
                    }
                    break crate::json::parse(text).is_ok();
                }
            }
        };
        let reader = io::Cursor::new(prefix).chain(stdin);
        if jsonl {
            self.lines = Some(Lines::new(name.to_string(), Box::new(reader)));
            return None;
        }
        let mut bytes = Vec::new();
        let limit = MAX_FILE_BYTES as u64 + 1;
        if let Err(e) = reader.take(limit).read_to_end(&mut bytes) {
            return Some(unreadable(Label::file(name.clone()), &e));
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Some(too_large_stream(Label::file(name.clone())));
        }
        let size = bytes.len() as u64;
        Some(Unit {
            label: Label::file(name.clone()),
            source: to_source(&name, bytes, 1, size),
            offset: None,
        })
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

pub(crate) fn is_jsonl(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "jsonl")
}

fn not_regular(label: Label) -> Unit {
    let p = ReadProblem::NotRegular {
        path: label.to_string(),
    };
    Unit {
        label,
        source: Err(Diagnostic::new(&p, None, None).into()),
        offset: None,
    }
}

fn unreadable(label: Label, e: &io::Error) -> Unit {
    if e.kind() == io::ErrorKind::InvalidInput && e.to_string() == crate::files::NOT_REGULAR {
        return not_regular(label);
    }
    let p = ReadProblem::Unreadable {
        path: label.to_string(),
        reason: io_reason(e),
    };
    Unit {
        label,
        source: Err(Diagnostic::new(&p, None, None).into()),
        offset: None,
    }
}

/// The OS message without its `(os error N)` tail, lower-cased like every message.
fn io_reason(e: &io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => &s[..i],
        None => &s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// How a directory named on the command line is searched (README, "What a directory check reads"): `.gitignore` files (and
/// `.ignore`, and the repository's `.git/info/exclude`) are honoured whether or not the directory
/// is in a git repository, hidden files and directories (`.git`, `.vscode`) are skipped, and so are
/// paths matching an `--exclude` glob and the files in `skip` (the run's own `--output`). Files and
/// JSONL files named directly are always read.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Globs in `.gitignore` syntax, matched against paths relative to the directory searched.
    pub exclude: Vec<String>,
    /// Files never read as input.
    pub skip: Vec<PathBuf>,
}

/// A problem with a scan's settings.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid `--exclude` glob `{glob}`: {reason}")]
pub struct ExcludeProblem {
    pub glob: String,
    pub reason: String,
}

impl Problem for ExcludeProblem {
    fn code(&self) -> &'static str {
        "input::exclude"
    }

    fn help(&self) -> Option<String> {
        Some("globs use `.gitignore` syntax, e.g. `--exclude 'drafts/**'`".into())
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        let (glob, reason) = (&self.glob, &self.reason);
        Some(match lang {
            Lang::Nb => format!("ugyldig `--exclude`-mønster `{glob}`: {reason}"),
            Lang::Nn => format!("ugyldig `--exclude`-mønster `{glob}`: {reason}"),
            Lang::En => self.to_string(),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(
            pick(
                lang,
                "mønstrene bruker `.gitignore`-syntaks, f.eks. `--exclude 'drafts/**'`",
                "mønstera brukar `.gitignore`-syntaks, t.d. `--exclude 'drafts/**'`",
                "globs use `.gitignore` syntax, e.g. `--exclude 'drafts/**'`",
            )
            .into(),
        )
    }
}

impl Scan {
    /// Every `--exclude` glob that does not parse.
    pub fn check(&self) -> Result<(), ExcludeProblem> {
        let mut b = ignore::overrides::OverrideBuilder::new(".");
        for g in &self.exclude {
            b.add(&format!("!{g}")).map_err(|e| ExcludeProblem {
                glob: g.clone(),
                reason: io_reason(&io::Error::other(e.to_string())),
            })?;
        }
        Ok(())
    }

    /// The `.json` and `.jsonl` files under `dir`, and the entries that could not be read (each
    /// an error unit, so one unreadable folder does not hide the rest of the batch). Fails only
    /// when `dir` itself cannot be listed.
    fn walk(&self, dir: &Path) -> io::Result<Vec<(PathBuf, Option<io::Error>)>> {
        std::fs::read_dir(dir)?;
        let mut overrides = ignore::overrides::OverrideBuilder::new(dir);
        for g in &self.exclude {
            // Checked before the run (`Scan::check`); a glob that still fails excludes nothing.
            let _ = overrides.add(&format!("!{g}"));
        }
        let overrides = overrides
            .build()
            .unwrap_or_else(|_| ignore::overrides::Override::empty());
        let skip: Vec<PathBuf> = self
            .skip
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        let walk = ignore::WalkBuilder::new(dir)
            .hidden(true)
            .parents(true)
            .ignore(true)
            .git_ignore(true)
            .git_exclude(true)
            // The CI machine's own global ignore file must not change what a run reads.
            .git_global(false)
            .require_git(false)
            .follow_links(true)
            .overrides(overrides)
            .build();
        let mut found = Vec::new();
        for entry in walk {
            // Past the limit the whole directory is refused; stop listing.
            if found.len() > MAX_DIR_FILES {
                break;
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // A link back up the tree was already walked: followed once, not forever.
                    if is_loop(&e) {
                        continue;
                    }
                    let path = error_path(&e).unwrap_or_else(|| dir.to_path_buf());
                    let err = e
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("cannot be listed"));
                    found.push((path, Some(err)));
                    continue;
                }
            };
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                continue;
            }
            if !path
                .extension()
                .is_some_and(|e| e == "json" || e == "jsonl")
            {
                continue;
            }
            if !skip.is_empty()
                && std::fs::canonicalize(path).is_ok_and(|real| skip.contains(&real))
            {
                continue;
            }
            found.push((path.to_path_buf(), None));
        }
        Ok(found)
    }
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn read_file(path: &Path, name: &str, label: Label, size: u64) -> Unit {
    if size > MAX_FILE_BYTES as u64 {
        return too_large(label, size);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    let read = crate::files::open_regular(path).and_then(|f| {
        // The size may have changed since it was asked; never read past the limit.
        f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return unreadable(label, &e);
    }
    if bytes.len() > MAX_FILE_BYTES {
        // It grew since it was measured, or is not a regular file (a device, a pipe).
        return too_large_stream(label);
    }
    let size = bytes.len() as u64;
    Unit {
        source: to_source(&name.into(), bytes, 1, size),
        label,
        offset: None,
    }
}

fn too_large_stream(label: Label) -> Unit {
    let p = ReadProblem::TooLargeStream {
        path: label.to_string(),
        max: MAX_FILE_BYTES,
    };
    Unit {
        label,
        source: Err(Diagnostic::new(&p, None, None).into()),
        offset: None,
    }
}

fn too_large(label: Label, size: u64) -> Unit {
    let p = ReadProblem::TooLarge {
        path: label.to_string(),
        size,
        max: MAX_FILE_BYTES,
    };
    Unit {
        label,
        source: Err(Diagnostic::new(&p, None, None).into()),
        offset: None,
    }
}

/// The text of a document: without a byte order mark, UTF-8, not blank, within the limit.
fn to_source(
    name: &Arc<str>,
    mut bytes: Vec<u8>,
    first_line: usize,
    size: u64,
) -> Result<SourceFile, Diagnostics> {
    if size > MAX_FILE_BYTES as u64 {
        let p = ReadProblem::TooLarge {
            path: name.to_string(),
            size,
            max: MAX_FILE_BYTES,
        };
        return Err(Diagnostic::new(&p, None, None).into());
    }
    if bytes.starts_with(&BOM) {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            if text.trim().is_empty() {
                return Err(empty(name));
            }
            Ok(SourceFile::with_first_line(name.clone(), text, first_line))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::with_first_line(name.clone(), lossy, first_line);
            let p = ReadProblem::NotUtf8 {
                path: name.to_string(),
            };
            Err(Diagnostic::at(&p, &file, Span::new(at, at + 1))
                .with_label("not UTF-8")
                .into())
        }
    }
}

/// Bytes read from a JSONL stream at a time. Lines are cut from such blocks in place (see
/// [`Block`]): larger blocks mean fewer reads and allocations, smaller ones less text held by
/// the lines still being evaluated.
const BLOCK_BYTES: usize = 1024 * 1024;

/// Complete lines of a JSONL stream: text when they are UTF-8 (nearly always), and the lines
/// then share it; else bytes, and each line is then copied out and checked alone, so that only
/// the lines that are not UTF-8 are errors, each with its own message.
enum Chunk {
    Text(Block),
    Bytes(Vec<u8>),
}

impl Chunk {
    fn bytes(&self) -> &[u8] {
        match self {
            Chunk::Text(b) => b.text().as_bytes(),
            Chunk::Bytes(v) => v,
        }
    }
}

/// What [`Lines::refill`] found.
enum Refill {
    /// A new chunk of complete lines.
    Chunk,
    /// A line longer than the line limit, starting at this offset: it is being skipped.
    TooLong(u64),
    /// Nothing more.
    End,
}

/// A UTF-8 byte order mark.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

fn empty(name: &str) -> Diagnostics {
    let p = ReadProblem::Empty {
        path: name.to_string(),
    };
    Diagnostic::new(&p, None, None).into()
}

/// [`to_source`] of the line `range` of a block, known to be UTF-8: the same checks, and the
/// line shares the block's text.
fn line_source(
    block: &Block,
    range: std::ops::Range<usize>,
    line_no: usize,
) -> Result<SourceFile, Diagnostics> {
    let mut start = range.start;
    if block
        .text()
        .as_bytes()
        .get(range.clone())
        .is_some_and(|l| l.starts_with(&BOM))
    {
        start += BOM.len();
    }
    let line = block.line(start..range.end, line_no);
    if line.text().trim().is_empty() {
        return Err(empty(line.name()));
    }
    Ok(line)
}

/// A JSONL stream, one unit per non-blank line.
struct Lines {
    name: Arc<str>,
    reader: Box<dyn Read>,
    /// Bytes read at a time ([`BLOCK_BYTES`]; less in tests, to cut lines across blocks).
    block: usize,
    /// The longest line ([`MAX_LINE_BYTES`]; less in tests).
    max_line: usize,
    line_no: usize,
    produced: bool,
    /// The reader is at its end (or failed): what is in `chunk` and `carry` is all there is.
    ended: bool,
    /// The end has been reported: an error, an empty file, or nothing.
    done: bool,
    failed: Option<io::Error>,
    chunk: Chunk,
    /// Where the next line starts in `chunk`.
    at: usize,
    /// Where `chunk[at]` is in the stream.
    pos: u64,
    /// Bytes read after the chunk's last line end: the start of the next chunk's first line.
    carry: Vec<u8>,
    /// The line being read is too long: its bytes are dropped up to its end.
    skipping: bool,
    /// Bytes read from the stream, and the most it may give ([`max_stream_bytes`]).
    read: u64,
    max_total: u64,
    /// The stream went past `max_total`: reported at the end, nothing more read.
    over: bool,
}

impl Lines {
    fn new(name: String, reader: Box<dyn Read>) -> Self {
        Self::with_limits(name, reader, BLOCK_BYTES, MAX_LINE_BYTES)
    }

    fn with_limits(name: String, reader: Box<dyn Read>, block: usize, max_line: usize) -> Self {
        Lines {
            name: name.into(),
            reader,
            block: block.max(1),
            max_line,
            line_no: 0,
            produced: false,
            ended: false,
            done: false,
            failed: None,
            chunk: Chunk::Bytes(Vec::new()),
            at: 0,
            pos: 0,
            carry: Vec::new(),
            skipping: false,
            read: 0,
            max_total: max_stream_bytes(),
            over: false,
        }
    }

    /// How the current line is named: `path:LINE`.
    fn label(&self) -> Label {
        Label::line(&self.name, self.line_no)
    }

    /// The next line's unit; with `build` false, a [`Unit::skipped`] in its place (the line is
    /// only looked at: is it blank, is it too long).
    fn next_unit(&mut self, build: bool) -> Option<Unit> {
        loop {
            let bytes = self.chunk.bytes();
            let rest = bytes.get(self.at..).unwrap_or_default();
            if rest.is_empty() {
                match self.refill() {
                    Refill::Chunk => continue,
                    Refill::TooLong(offset) => {
                        self.line_no += 1;
                        self.produced = true;
                        return Some(line_too_long(&self.name, self.line_no, offset));
                    }
                    Refill::End => return self.end(),
                }
            }
            // The line, and the bytes it takes with its line end (the last line may have none).
            let (len, taken) = match memchr::memchr(b'\n', rest) {
                Some(i) => (i, i + 1),
                None => (rest.len(), rest.len()),
            };
            let (start, offset) = (self.at, self.pos);
            self.at += taken;
            self.pos += taken as u64;
            self.line_no += 1;
            if taken > self.max_line + 2 {
                self.produced = true;
                return Some(line_too_long(&self.name, self.line_no, offset));
            }
            let mut line = rest.get(..len).unwrap_or_default();
            while let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            let mut from = start;
            if self.line_no == 1
                && let Some(l) = line.strip_prefix(&BOM)
            {
                line = l;
                from += BOM.len();
            }
            if line.iter().all(|&b| is_blank(b)) {
                continue;
            }
            self.produced = true;
            if !build {
                return Some(Unit::skipped(self.label()));
            }
            let source = match &self.chunk {
                Chunk::Text(block) => line_source(block, from..from + line.len(), self.line_no),
                Chunk::Bytes(_) => {
                    to_source(&self.name, line.to_vec(), self.line_no, line.len() as u64)
                }
            };
            return Some(Unit {
                label: self.label(),
                source,
                offset: Some(offset),
            });
        }
    }

    /// Reads the next chunk: the carried start of a line, then what follows, cut after the last
    /// line end read (or at the end of the input).
    fn refill(&mut self) -> Refill {
        let mut buf = Vec::with_capacity(self.carry.len() + self.block);
        buf.append(&mut self.carry);
        loop {
            if self.ended {
                if self.failed.is_some() {
                    // Cut short by the error, which is reported in its place.
                    buf.clear();
                }
                if buf.is_empty() {
                    return Refill::End;
                }
                // The last line, without a line end.
                break;
            }
            // Into the vector's spare room, without zeroing it first.
            let read = (&mut *self.reader)
                .take(self.block as u64)
                .read_to_end(&mut buf);
            match read {
                Ok(0) => self.ended = true,
                Ok(n) => {
                    self.read = self.read.saturating_add(n as u64);
                    if self.read > self.max_total {
                        // The lines within the limit are judged; the one it cuts and the rest
                        // are not read.
                        let excess = usize::try_from(self.read - self.max_total).unwrap_or(0);
                        buf.truncate(buf.len().saturating_sub(excess));
                        match memchr::memrchr(b'\n', &buf) {
                            Some(i) => buf.truncate(i + 1),
                            None => buf.clear(),
                        }
                        self.ended = true;
                        self.over = true;
                        if buf.is_empty() {
                            return Refill::End;
                        }
                    }
                }
                Err(e) => {
                    self.ended = true;
                    self.failed = Some(e);
                }
            }
            if self.skipping {
                match memchr::memchr(b'\n', &buf) {
                    Some(i) => {
                        self.skipping = false;
                        self.pos += (i + 1) as u64;
                        buf.drain(..=i);
                    }
                    None => {
                        self.pos += buf.len() as u64;
                        buf.clear();
                        continue;
                    }
                }
            }
            // The carried part holds no line end, so the last one is in what was just read.
            if let Some(i) = memchr::memrchr(b'\n', &buf) {
                self.carry = buf.split_off(i + 1);
                break;
            }
            if buf.len() > self.max_line + 2 {
                // Too long whatever follows: dropped up to its end, not held.
                self.skipping = true;
                let offset = self.pos;
                self.pos += buf.len() as u64;
                return Refill::TooLong(offset);
            }
        }
        self.at = 0;
        self.chunk = match String::from_utf8(buf) {
            Ok(text) => Chunk::Text(Block::new(Arc::clone(&self.name), text)),
            Err(e) => Chunk::Bytes(e.into_bytes()),
        };
        Refill::Chunk
    }

    /// The end of the stream: a read error, or an empty file, reported once.
    fn end(&mut self) -> Option<Unit> {
        if self.done {
            return None;
        }
        self.done = true;
        if self.over {
            self.line_no += 1;
            let p = ReadProblem::StreamTooLarge {
                path: self.name.to_string(),
                max: self.max_total,
            };
            return Some(Unit {
                label: self.label(),
                source: Err(Diagnostic::new(&p, None, None).into()),
                offset: None,
            });
        }
        if let Some(e) = self.failed.take() {
            self.line_no += 1;
            return Some(unreadable(self.label(), &e));
        }
        if self.produced {
            return None;
        }
        Some(Unit {
            label: Label::file(Arc::clone(&self.name)),
            source: Err(empty(&self.name)),
            offset: None,
        })
    }
}

/// Consumes one line (with its `\n`) from `r`, handing it to `piece` as the reader's buffer
/// holds it, one piece or several. Returns the bytes consumed (0 at the end of the input).
fn each_piece_of_line(r: &mut dyn BufRead, mut piece: impl FnMut(&[u8])) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(total);
        }
        let (len, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        piece(avail.get(..len).unwrap_or(&[]));
        r.consume(len);
        total += len;
        if done {
            return Ok(total);
        }
    }
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `max` bytes of it (plus the line
/// end); a longer line is consumed but dropped. Returns the bytes consumed and whether the line
/// was too long.
fn read_line_limited(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    let mut too_long = false;
    let n = each_piece_of_line(r, |piece| {
        if too_long {
            return;
        }
        if buf.len() + piece.len() > max + 2 {
            too_long = true;
            buf.clear();
        } else {
            buf.extend_from_slice(piece);
        }
    })?;
    Ok((n, too_long))
}

/// A JSONL line read whole: without its line end, and, on the first line, without a byte order
/// mark.
fn trim_line(buf: &mut Vec<u8>, line_no: usize) {
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    if line_no == 1 && buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        buf.drain(..3);
    }
}

/// The unit of JSONL line `line_no`, which starts at `offset`, read whole (`bytes`, without its
/// line end).
fn line_unit(name: &Arc<str>, label: Label, bytes: Vec<u8>, line_no: usize, offset: u64) -> Unit {
    let size = bytes.len() as u64;
    Unit {
        source: to_source(name, bytes, line_no, size),
        label,
        offset: Some(offset),
    }
}

/// The error unit of a JSONL line longer than [`MAX_LINE_BYTES`].
fn line_too_long(name: &Arc<str>, line_no: usize, offset: u64) -> Unit {
    let p = ReadProblem::LineTooLong {
        path: name.to_string(),
        line: line_no,
        max: MAX_LINE_BYTES,
    };
    Unit {
        label: Label::line(name, line_no),
        source: Err(Diagnostic::new(&p, None, None).into()),
        offset: Some(offset),
    }
}

/// Where a first pass found a line of a JSONL file ([`Unit::offset`]), for [`LineReader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAt {
    /// Where the line starts, in bytes from the start of the file.
    pub offset: u64,
    /// Its line number.
    pub line: usize,
    /// At least its length with its line end, when known (where the next unit starts): the line
    /// is then read in one call, of about its size.
    pub within: Option<u64>,
}

/// Reads lines of one JSONL file where a first pass found them, as units named as [`sources`]
/// names them, each in positioned reads of its own: for a second pass that wants a few lines
/// of a large file, nothing in between is read, and threads can share one reader and read lines
/// of the file at once. A line that cannot be read (the file changed or went away) is an error
/// unit.
#[derive(Debug)]
pub struct LineReader {
    name: Arc<str>,
    file: io::Result<File>,
}

impl LineReader {
    pub fn open(path: &Path) -> LineReader {
        LineReader {
            name: display(path).into(),
            file: crate::files::open_regular(path),
        }
    }

    /// The unit of the line at `at`, named as [`sources`] names it.
    pub fn read(&self, at: LineAt) -> Unit {
        let LineAt {
            offset,
            line: line_no,
            within,
        } = at;
        let label = Label::line(&self.name, line_no);
        let file = match &self.file {
            Ok(f) => f,
            Err(e) => return unreadable(label, e),
        };
        let read = match within.and_then(|len| read_line_within(file, offset, len)) {
            Some(bytes) => Ok(Some(bytes)),
            None => read_line_from(file, offset),
        };
        match read {
            Ok(Some(mut bytes)) => {
                trim_line(&mut bytes, line_no);
                line_unit(&self.name, label, bytes, line_no, offset)
            }
            Ok(None) => line_too_long(&self.name, line_no, offset),
            Err(e) => unreadable(label, &e),
        }
    }
}

/// The line at `offset` with its line end, its length unknown: read a piece at a time until its
/// end. `None` when it is longer than [`MAX_LINE_BYTES`] (plus the line end).
fn read_line_from(file: &File, offset: u64) -> io::Result<Option<Vec<u8>>> {
    // Lines are about a kilobyte: a first piece of this size nearly always holds one whole.
    const PIECE: usize = 16 * 1024;
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let start = bytes.len();
        bytes.resize(start + PIECE, 0);
        let n = loop {
            match read_at(
                file,
                bytes.get_mut(start..).unwrap_or_default(),
                offset + start as u64,
            ) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                r => break r?,
            }
        };
        bytes.truncate(start + n);
        if let Some(i) = memchr::memchr(b'\n', bytes.get(start..).unwrap_or_default()) {
            bytes.truncate(start + i + 1);
            break;
        }
        if n == 0 {
            break;
        }
        if bytes.len() > MAX_LINE_BYTES + 2 {
            return Ok(None);
        }
    }
    if bytes.len() > MAX_LINE_BYTES + 2 {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// The line at `offset` with its line end, read in one positioned read of `len` bytes (no seek,
/// no buffer to fill), when that holds all of it: a line end within them, or the end of the
/// file. `None` (read it the general way) when not, when `len` is past the line length limit,
/// or on an error.
fn read_line_within(file: &File, offset: u64, len: u64) -> Option<Vec<u8>> {
    let len = usize::try_from(len)
        .ok()
        .filter(|&l| l <= MAX_LINE_BYTES + 2)?;
    let mut bytes = vec![0u8; len];
    let mut got = 0;
    while got < len {
        match read_at(file, bytes.get_mut(got..)?, offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let end = match memchr::memchr(b'\n', bytes.get(..got)?) {
        Some(i) => i + 1,
        // The last line of the file, without a line end.
        None if got < len => got,
        None => return None,
    };
    bytes.truncate(end);
    Some(bytes)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Whitespace that leaves a line blank.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8]) -> Vec<(String, Result<String, String>)> {
        let mut l = Lines::new("b.jsonl".into(), Box::new(io::Cursor::new(text.to_vec())));
        let mut out = Vec::new();
        while let Some(u) = l.next_unit(true) {
            out.push((
                u.label.to_string(),
                u.source
                    .map(|s| format!("{}@{}", s.text(), s.first_line()))
                    .map_err(|d| d.0[0].code.to_string()),
            ));
        }
        out
    }

    /// The lines of the JSONL file at `path` at `at`, in that order.
    fn lines_at(path: &Path, at: Vec<LineAt>) -> Vec<Unit> {
        let reader = LineReader::open(path);
        at.into_iter().map(|a| reader.read(a)).collect()
    }

    /// Gives at most `step` bytes per read, as a pipe may.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let rest = self.data.get(self.at..).unwrap_or_default();
            let n = rest.len().min(buf.len()).min(self.step);
            buf.get_mut(..n)
                .unwrap_or_default()
                .copy_from_slice(rest.get(..n).unwrap_or_default());
            self.at += n;
            Ok(n)
        }
    }

    /// The units of a JSONL text as the format defines them, line by line: what reading in
    /// blocks must give, however the lines fall across blocks and reads.
    fn model(text: &[u8], max_line: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut offset = 0;
        for (i, raw) in text.split_inclusive(|&b| b == b'\n').enumerate() {
            let line_no = i + 1;
            let at = offset;
            offset += raw.len();
            if raw.len() > max_line + 2 {
                out.push(format!("c.jsonl:{line_no} Some({at}) input::line-too-long"));
                continue;
            }
            let mut line = raw.strip_suffix(b"\n").unwrap_or(raw);
            while let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            if line_no == 1 {
                line = line.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(line);
            }
            if line.iter().all(|&b| is_blank(b)) {
                continue;
            }
            // As for a whole file: without a byte order mark, UTF-8, not blank.
            let line = line.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(line);
            let text = match std::str::from_utf8(line) {
                Ok(t) if t.trim().is_empty() => "input::empty".to_string(),
                Ok(t) => format!("{t}@{line_no}"),
                Err(_) => "input::not-utf8".to_string(),
            };
            out.push(format!("c.jsonl:{line_no} Some({at}) {text}"));
        }
        if out.is_empty() {
            out.push("c.jsonl None input::empty".to_string());
        }
        out
    }

    proptest::proptest! {
        /// Lines are cut from blocks of whatever the reader gave: a line may start in one
        /// block and end in another, or span several, and reads may stop anywhere. Whatever
        /// the block size and read sizes, lines of JSON, blank lines, tabs, runs of `\r`, a
        /// byte order mark, invalid UTF-8 and lines too long give the units of the model:
        /// labels, offsets, texts with line numbers, errors.
        #[test]
        fn lines_read_in_blocks_are_the_lines_of_the_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b"{\"a\":1}"[..], b"\n", b"\r", b"\r\n", b" ", b"\t", b"\xff",
                    b"\"\xc3\xb8\"", b"\xEF\xBB\xBF", b"xxxxx", "\u{a0}".as_bytes(),
                ]),
                0..40,
            ),
            block in 1usize..12,
            step in 1usize..9,
            max_line in 6usize..40,
        ) {
            let text: Vec<u8> = pieces.concat();
            let reader = Trickle { data: text.clone(), at: 0, step };
            let mut l = Lines::with_limits("c.jsonl".into(), Box::new(reader), block, max_line);
            let mut got = Vec::new();
            while let Some(u) = l.next_unit(true) {
                let what = match u.source {
                    Ok(s) => format!("{}@{}", s.text(), s.first_line()),
                    Err(d) => d.0.first().map(|d| d.code.to_string()).unwrap_or_default(),
                };
                got.push(format!("{} {:?} {what}", u.label, u.offset));
            }
            proptest::prop_assert_eq!(got, model(&text, max_line));
        }
    }

    /// A filtered second pass must count units exactly as the first did, whatever the lines
    /// are (blank, with `\r` or tabs, not UTF-8, too long), and build exactly the wanted ones;
    /// lines not wanted are only looked at, so the two readings must agree.
    #[test]
    fn only_counts_every_unit_and_builds_the_wanted_ones() {
        let dir = std::env::temp_dir().join(format!("samstyr-only-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let jsonl = dir.join("a.jsonl");
        // Blank lines (with `\r` and tabs too) before units wanted and not wanted: the
        // second pass skips the latter without copying them.
        let mut text = b"{\"a\":1}\n\n  \n\xff\n\t\r\n\r\n\n{\"b\":2}\n \n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        text.extend(b"\n{\"c\":3}\n");
        let other = dir.join("b.json");
        assert!(std::fs::write(&jsonl, &text).is_ok());
        assert!(std::fs::write(&other, "{\"d\":4}").is_ok());
        let paths = [jsonl, other];
        let all: Vec<Unit> = sources(&paths).collect();
        let some: Vec<Unit> = sources(&paths).only(vec![1, 4]).collect();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(all.len(), 6, "{all:?}");
        assert_eq!(some.len(), all.len());
        let text_of = |u: &Unit| u.source.as_ref().map(|s| s.text().to_string()).ok();
        for (i, (a, b)) in all.iter().zip(&some).enumerate() {
            // Every unit is named alike, built or not.
            assert_eq!(a.label, b.label);
            if i == 1 || i == 4 {
                assert_eq!(format!("{:?}", a.source), format!("{:?}", b.source));
            } else {
                // Not decoded: no text (a line too long is still the error reading finds).
                assert_eq!(text_of(b), None, "{b:?}");
            }
        }
        assert_eq!(text_of(&all[4]).as_deref(), Some("{\"c\":3}"));
    }

    /// A line read where it starts, its length unknown, is read a piece at a time: one longer
    /// than a piece, one too long and one after them come back as the first pass read them.
    #[test]
    fn long_lines_read_at_their_offsets_are_read_whole() {
        let dir = std::env::temp_dir().join(format!("samstyr-at-long-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("a.jsonl");
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(40 * 1024));
        let too_long = "y".repeat(MAX_LINE_BYTES + 10);
        let text = format!("{long}\n{too_long}\n{{\"c\":3}}\n");
        assert!(std::fs::write(&path, &text).is_ok());
        let first: Vec<Unit> = sources(std::slice::from_ref(&path)).collect();
        let at: Vec<LineAt> = first
            .iter()
            .zip(1..)
            .map(|(u, line)| LineAt {
                offset: u.offset.unwrap_or(u64::MAX),
                line,
                within: None,
            })
            .collect();
        let again: Vec<Unit> = lines_at(&path, at);
        let _ = std::fs::remove_dir_all(&dir);
        let shown = |u: &Unit| {
            let source = match &u.source {
                Ok(s) => format!("{}@{}", s.text(), s.first_line()),
                Err(d) => format!("{d:?}"),
            };
            format!("{} {:?} {source}", u.label, u.offset)
        };
        assert_eq!(first.len(), 3);
        assert_eq!(
            first.iter().map(shown).collect::<Vec<_>>(),
            again.iter().map(shown).collect::<Vec<_>>()
        );
        assert_eq!(
            again[0].source.as_ref().map(|s| s.text().len()).ok(),
            Some(long.len())
        );
        assert!(again[1].source.is_err());
    }

    /// Reading lines where a first pass found them gives the units that pass gave: labels,
    /// texts and line numbers, a byte order mark stripped, carriage returns and blank lines
    /// between; in any order; and an error unit for an offset past the end.
    #[test]
    fn lines_read_at_their_offsets_are_the_units_read_in_order() {
        let dir = std::env::temp_dir().join(format!("samstyr-at-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("a.jsonl");
        let text = "\u{feff}{\"a\":1}\r\n\n  \n{\"b\":\"ø\"}\n\t\n{\"c\":3}";
        assert!(std::fs::write(&path, text).is_ok());
        let first: Vec<Unit> = sources(std::slice::from_ref(&path)).collect();
        let shown = |u: &Unit| {
            let s = u.source.as_ref().ok();
            (
                u.label.clone(),
                s.map(|s| s.text().to_string()),
                s.map(SourceFile::first_line),
            )
        };
        assert_eq!(first.len(), 3);
        let at: Vec<LineAt> = first
            .iter()
            .map(|u| LineAt {
                offset: u.offset.unwrap_or(u64::MAX),
                line: u.source.as_ref().map_or(0, SourceFile::first_line),
                within: None,
            })
            .collect();
        // Read in one call each, given where the next unit starts (the last to the end of the
        // file, or past it); given too little, the general way.
        let sized = |within: &dyn Fn(usize, u64) -> Option<u64>| -> Vec<LineAt> {
            let ends: Vec<u64> = at.iter().skip(1).map(|a| a.offset).collect();
            at.iter()
                .enumerate()
                .map(|(i, a)| {
                    let end = ends.get(i).copied().unwrap_or(text.len() as u64);
                    LineAt {
                        within: within(i, end - a.offset),
                        ..*a
                    }
                })
                .collect()
        };
        let exact = sized(&|_, len| Some(len));
        let over = sized(&|_, len| Some(len + 100));
        let short = sized(&|i, len| Some(if i == 1 { 3 } else { len }));
        let again: Vec<Unit> = lines_at(&path, at.clone());
        let back: Vec<Unit> = lines_at(&path, at.iter().rev().copied().collect());
        let past_end = LineAt {
            offset: 10_000,
            line: 9,
            within: None,
        };
        let past: Vec<Unit> = lines_at(&path, vec![past_end]);
        let past_sized: Vec<Unit> = lines_at(
            &path,
            vec![LineAt {
                within: Some(50),
                ..past_end
            }],
        );
        let read = |a: Vec<LineAt>| lines_at(&path, a).iter().map(shown).collect::<Vec<_>>();
        let (exact, over, short) = (read(exact), read(over), read(short));
        let _ = std::fs::remove_dir_all(&dir);
        let firsts: Vec<_> = first.iter().map(shown).collect();
        assert_eq!(firsts, again.iter().map(shown).collect::<Vec<_>>());
        assert_eq!(firsts, exact);
        assert_eq!(firsts, over);
        assert_eq!(firsts, short);
        assert_eq!(
            past.iter().map(shown).collect::<Vec<_>>(),
            past_sized.iter().map(shown).collect::<Vec<_>>()
        );
        assert_eq!(
            first.iter().rev().map(shown).collect::<Vec<_>>(),
            back.iter().map(shown).collect::<Vec<_>>()
        );
        assert_eq!(shown(&first[1]).1.as_deref(), Some("{\"b\":\"ø\"}"));
        assert!(past.len() == 1 && past[0].source.is_err(), "{past:?}");
    }

    #[test]
    fn labels_name_the_line_in_decimal() {
        let text = "{}\n".repeat(12);
        let got: Vec<String> = lines(text.as_bytes()).into_iter().map(|l| l.0).collect();
        let want: Vec<String> = (1..=12).map(|n| format!("b.jsonl:{n}")).collect();
        assert_eq!(got, want);
        let mut l = Lines::new("a.jsonl".into(), Box::new(io::Cursor::new(Vec::new())));
        for n in [0, 9, 10, 99, 100, 1_234_567, usize::MAX] {
            l.line_no = n;
            assert_eq!(l.label().to_string(), format!("a.jsonl:{n}"));
        }
    }

    #[test]
    fn jsonl_lines_are_numbered_and_blank_lines_skipped() {
        let got = lines("\u{feff}{\"a\":1}\r\n\n   \n{\"b\":2}\n\u{ff}\n".as_bytes());
        assert_eq!(
            got,
            [
                ("b.jsonl:1".into(), Ok("{\"a\":1}@1".into())),
                ("b.jsonl:4".into(), Ok("{\"b\":2}@4".into())),
                ("b.jsonl:5".into(), Ok("\u{ff}@5".into())),
            ]
        );
        let got = lines(b"{}\n\x80x\n");
        assert_eq!(got[1], ("b.jsonl:2".into(), Err("input::not-utf8".into())));
    }

    #[test]
    fn empty_jsonl_is_one_error() {
        assert_eq!(
            lines(b"\n\n"),
            [("b.jsonl".into(), Err("input::empty".into()))]
        );
    }

    #[test]
    fn long_lines_are_errors_and_reading_goes_on() {
        let mut buf = Vec::new();
        let text = format!("{}\nok\n", "x".repeat(100));
        let mut r = io::Cursor::new(text.into_bytes());
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 10).unwrap(),
            (101, true)
        );
        buf.clear();
        assert_eq!(read_line_limited(&mut r, &mut buf, 10).unwrap(), (3, false));
        assert_eq!(buf, b"ok\n");
    }

    #[test]
    fn sources_are_checked_for_encoding_and_emptiness() {
        assert!(
            to_source(&"a.json".into(), b"\xEF\xBB\xBF{}".to_vec(), 1, 5)
                .is_ok_and(|s| s.text() == "{}")
        );
        let e = to_source(&"a.json".into(), b" \n ".to_vec(), 1, 3).unwrap_err();
        assert_eq!(e.0[0].code, "input::empty");
        let e = to_source(&"a.json".into(), b"{\"a\": \"\xC3\"}".to_vec(), 1, 9).unwrap_err();
        assert_eq!(e.0[0].code, "input::not-utf8");
        assert_eq!(e.0[0].line_col(), Some((1, 8)));
    }

    #[test]
    fn missing_paths_are_error_units() {
        let units: Vec<_> = sources(&["/nonexistent/samstyr/x.json"]).collect();
        assert_eq!(units.len(), 1);
        let d = units[0].source.as_ref().unwrap_err();
        assert_eq!(d.0[0].code, "input::unreadable");
        assert!(
            d.0[0].message.contains("no such file"),
            "{}",
            d.0[0].message
        );
    }
}
