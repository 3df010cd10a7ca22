//! `Sources`: the paths a user names (files, directories, `.jsonl` files, standard input) turned
//! into units one at a time, each file read whole within its size limit.

use super::*;

pub(super) enum Pending {
    Path(PathBuf),
    Stdin,
    /// A stream read as stdin is, by its name.
    Reader(Arc<str>, Box<dyn BufRead>),
    /// A subdirectory that could not be listed: an error unit of its own.
    Unreadable(PathBuf, io::Error),
}

/// Streaming iterator of [`Unit`]s.
pub struct Sources {
    pub(super) pending: VecDeque<Pending>,
    pub(super) lines: Option<Lines>,
    /// The ordinal of the next unit.
    pub(super) ordinal: usize,
    /// When set, only these ordinals (sorted) are built; see [`Sources::only`].
    pub(super) want: Option<Vec<usize>>,
    pub(super) scan: Scan,
    /// The name standard input goes by in labels and reports (`--stdin-name`).
    pub(super) stdin_name: Arc<str>,
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

    pub(super) fn wanted(&self) -> bool {
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
    pub(super) fn next_unit(&mut self) -> Option<Unit> {
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
    pub(super) fn stream(&mut self, name: Arc<str>, mut stdin: Box<dyn BufRead>) -> Option<Unit> {
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

pub(super) fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

pub(crate) fn is_jsonl(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "jsonl")
}

pub(super) fn not_regular(label: Label) -> Unit {
    let p = ReadProblem::NotRegular {
        path: label.to_string(),
    };
    Unit {
        label,
        source: Err(Diagnostic::new(&p, None, None).into()),
        offset: None,
    }
}

pub(super) fn unreadable(label: Label, e: &io::Error) -> Unit {
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
pub(super) fn io_reason(e: &io::Error) -> String {
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

pub(super) fn read_file(path: &Path, name: &str, label: Label, size: u64) -> Unit {
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

pub(super) fn too_large_stream(label: Label) -> Unit {
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

pub(super) fn too_large(label: Label, size: u64) -> Unit {
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
pub(super) fn to_source(
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
