//! `LineReader`: one line of a JSONL file read again at the offset a first pass kept, in one
//! positioned read (`report`'s second pass).

use super::*;

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
    pub(super) name: Arc<str>,
    pub(super) file: io::Result<File>,
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
pub(super) fn read_line_from(file: &File, offset: u64) -> io::Result<Option<Vec<u8>>> {
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
pub(super) fn read_line_within(file: &File, offset: u64, len: u64) -> Option<Vec<u8>> {
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
pub(super) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
pub(super) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
pub(super) fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}
