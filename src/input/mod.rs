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
//!
//! Here: units, labels, the key index, and checking a unit (validation). `sources`: the named
//! paths turned into units; `scan`: how a directory is listed; `lines`: JSONL in blocks;
//! `reread`: a line read again at its offset; `problem`: what can go wrong before any JSON.

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

mod lines;
mod problem;
mod reread;
mod scan;
mod sources;

use lines::*;
pub use problem::*;
pub use reread::*;
pub use scan::*;
pub use sources::*;

pub use crate::files::MAX_FILE_BYTES;
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

/// The name stdin goes by in labels and diagnostics.
pub const STDIN_NAME: &str = "<stdin>";

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

#[cfg(test)]
mod tests;
