//! JSONL read in blocks, each line cut from its block in place (`Lines`), with the line limit,
//! the byte order mark and blank lines handled as the format says.

use super::*;

/// Bytes read from a JSONL stream at a time. Lines are cut from such blocks in place (see
/// [`Block`]): larger blocks mean fewer reads and allocations, smaller ones less text held by
/// the lines still being evaluated.
pub(super) const BLOCK_BYTES: usize = 1024 * 1024;

/// Complete lines of a JSONL stream: text when they are UTF-8 (nearly always), and the lines
/// then share it; else bytes, and each line is then copied out and checked alone, so that only
/// the lines that are not UTF-8 are errors, each with its own message.
pub(super) enum Chunk {
    Text(Block),
    Bytes(Vec<u8>),
}

impl Chunk {
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            Chunk::Text(b) => b.text().as_bytes(),
            Chunk::Bytes(v) => v,
        }
    }
}

/// What [`Lines::refill`] found.
pub(super) enum Refill {
    /// A new chunk of complete lines.
    Chunk,
    /// A line longer than the line limit, starting at this offset: it is being skipped.
    TooLong(u64),
    /// Nothing more.
    End,
}

/// A UTF-8 byte order mark.
pub(super) const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

pub(super) fn empty(name: &str) -> Diagnostics {
    let p = ReadProblem::Empty {
        path: name.to_string(),
    };
    Diagnostic::new(&p, None, None).into()
}

/// [`to_source`] of the line `range` of a block, known to be UTF-8: the same checks, and the
/// line shares the block's text.
pub(super) fn line_source(
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
pub(super) struct Lines {
    pub(super) name: Arc<str>,
    pub(super) reader: Box<dyn Read>,
    /// Bytes read at a time ([`BLOCK_BYTES`]; less in tests, to cut lines across blocks).
    pub(super) block: usize,
    /// The longest line ([`MAX_LINE_BYTES`]; less in tests).
    pub(super) max_line: usize,
    pub(super) line_no: usize,
    pub(super) produced: bool,
    /// The reader is at its end (or failed): what is in `chunk` and `carry` is all there is.
    pub(super) ended: bool,
    /// The end has been reported: an error, an empty file, or nothing.
    pub(super) done: bool,
    pub(super) failed: Option<io::Error>,
    pub(super) chunk: Chunk,
    /// Where the next line starts in `chunk`.
    pub(super) at: usize,
    /// Where `chunk[at]` is in the stream.
    pub(super) pos: u64,
    /// Bytes read after the chunk's last line end: the start of the next chunk's first line.
    pub(super) carry: Vec<u8>,
    /// The line being read is too long: its bytes are dropped up to its end.
    pub(super) skipping: bool,
    /// Bytes read from the stream, and the most it may give ([`max_stream_bytes`]).
    pub(super) read: u64,
    pub(super) max_total: u64,
    /// The stream went past `max_total`: reported at the end, nothing more read.
    pub(super) over: bool,
}

impl Lines {
    pub(super) fn new(name: String, reader: Box<dyn Read>) -> Self {
        Self::with_limits(name, reader, BLOCK_BYTES, MAX_LINE_BYTES)
    }

    pub(super) fn with_limits(
        name: String,
        reader: Box<dyn Read>,
        block: usize,
        max_line: usize,
    ) -> Self {
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
    pub(super) fn label(&self) -> Label {
        Label::line(&self.name, self.line_no)
    }

    /// The next line's unit; with `build` false, a [`Unit::skipped`] in its place (the line is
    /// only looked at: is it blank, is it too long).
    pub(super) fn next_unit(&mut self, build: bool) -> Option<Unit> {
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
    pub(super) fn refill(&mut self) -> Refill {
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
    pub(super) fn end(&mut self) -> Option<Unit> {
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
pub(super) fn each_piece_of_line(
    r: &mut dyn BufRead,
    mut piece: impl FnMut(&[u8]),
) -> io::Result<usize> {
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
pub(super) fn read_line_limited(
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
pub(super) fn trim_line(buf: &mut Vec<u8>, line_no: usize) {
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    if line_no == 1 && buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        buf.drain(..3);
    }
}

/// The unit of JSONL line `line_no`, which starts at `offset`, read whole (`bytes`, without its
/// line end).
pub(super) fn line_unit(
    name: &Arc<str>,
    label: Label,
    bytes: Vec<u8>,
    line_no: usize,
    offset: u64,
) -> Unit {
    let size = bytes.len() as u64;
    Unit {
        source: to_source(name, bytes, line_no, size),
        label,
        offset: Some(offset),
    }
}

/// The error unit of a JSONL line longer than [`MAX_LINE_BYTES`].
pub(super) fn line_too_long(name: &Arc<str>, line_no: usize, offset: u64) -> Unit {
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

/// Whitespace that leaves a line blank.
pub(super) fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}
