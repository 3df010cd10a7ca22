//! Source texts and byte spans: the one place that turns byte offsets into line and column.
//!
//! Every file samstyr reads (initiatives, rule files, seeds) is held as a [`SourceFile`] so that any
//! later stage can point back at the exact place a problem or finding comes from.

use std::sync::Arc;

/// A half-open byte range `start..end` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        // INVARIANT: inputs are capped far below 4 GiB by the size limits, so offsets fit in u32.
        Span {
            start: start.min(u32::MAX as usize) as u32,
            end: end.min(u32::MAX as usize) as u32,
        }
    }

    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    pub fn len(&self) -> usize {
        (self.end.saturating_sub(self.start)) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A named text, or one line of a larger text, cheap to clone and share between threads.
#[derive(Debug, Clone)]
pub struct SourceFile {
    inner: Arc<Inner>,
    /// The part of `inner.text` this is: all of it, or one line of a [`Block`]. Offsets into
    /// [`SourceFile::text`] (spans, positions) count from `start`.
    start: usize,
    end: usize,
    /// Line number of the text's first line in the file it was cut from (1 for a whole file; N
    /// for line N of a JSONL file), so positions are reported as the user sees them.
    first_line: usize,
}

#[derive(Debug)]
struct Inner {
    /// Shared by all the lines of one JSONL file.
    name: Arc<str>,
    text: String,
    /// Byte offset of the start of every line after the first (which starts at 0), computed
    /// once for a whole text: empty, with no allocation, for a one-line text and for a block.
    line_starts: Vec<u32>,
    /// Characters before every [`CHAR_STEP`]th byte, made the first time a column is asked for
    /// on a long line: a column counted from its line's start for every location was quadratic
    /// in a one-line document of 60 000 items.
    chars: std::sync::OnceLock<Vec<u32>>,
}

/// Bytes between two counts of characters kept for long lines ([`Inner::chars`]).
const CHAR_STEP: usize = 4096;

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&x| (x as i8) >= -0x40).count()
}

impl Inner {
    /// Characters in `text[..at]` (a byte offset), in at most [`CHAR_STEP`] steps.
    fn chars_before(&self, at: usize) -> usize {
        let bytes = self.text.as_bytes();
        let marks = self.chars.get_or_init(|| {
            let mut n = 0usize;
            bytes
                .chunks(CHAR_STEP)
                .map(|c| {
                    let here = n;
                    n += count_chars(c);
                    u32::try_from(here).unwrap_or(u32::MAX)
                })
                .collect()
        });
        let k = at / CHAR_STEP;
        let mark = marks.get(k).copied().unwrap_or(0) as usize;
        mark + count_chars(bytes.get(k * CHAR_STEP..at).unwrap_or(&[]))
    }
}

/// A text read in one piece to be cut into one-line [`SourceFile`]s: the lines of a JSONL file
/// read a block at a time share the block's allocation, where each would otherwise be copied to
/// one of its own (and freed, often by another thread).
#[derive(Debug, Clone)]
pub struct Block {
    inner: Arc<Inner>,
}

impl Block {
    pub fn new(name: Arc<str>, text: String) -> Self {
        Block {
            inner: Arc::new(Inner {
                name,
                text,
                line_starts: Vec::new(),
                chars: std::sync::OnceLock::new(),
            }),
        }
    }

    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// Bytes `range` of the block, which hold no line end, as line `line` of its file. A range
    /// that does not fall on character boundaries is an empty text.
    pub fn line(&self, range: std::ops::Range<usize>, line: usize) -> SourceFile {
        let (start, end) = if self.inner.text.get(range.clone()).is_some() {
            (range.start, range.end)
        } else {
            (0, 0)
        };
        SourceFile {
            inner: Arc::clone(&self.inner),
            start,
            end,
            first_line: line.max(1),
        }
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self::with_first_line(name.into(), text, 1)
    }

    /// A text that starts at line `first_line` of the named file (one line of a JSONL file).
    pub fn with_first_line(
        name: impl Into<Arc<str>>,
        text: impl Into<String>,
        first_line: usize,
    ) -> Self {
        let text = text.into();
        let line_starts: Vec<u32> = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| (i + 1).min(u32::MAX as usize) as u32)
            .collect();
        let end = text.len();
        SourceFile {
            inner: Arc::new(Inner {
                name: name.into(),
                text,
                line_starts,
                chars: std::sync::OnceLock::new(),
            }),
            start: 0,
            end,
            first_line: first_line.max(1),
        }
    }

    pub fn name(&self) -> &str {
        &self.inner.name
    }

    pub fn text(&self) -> &str {
        self.inner.text.get(self.start..self.end).unwrap_or("")
    }

    /// Bytes `r` of [`SourceFile::text`] as a string, with one look into the text it is cut
    /// from (`None` past its end or off character boundaries).
    #[inline]
    pub fn slice(&self, r: std::ops::Range<usize>) -> Option<&str> {
        if r.end > self.end.saturating_sub(self.start) {
            return None;
        }
        self.inner
            .text
            .get(self.start + r.start..self.start + r.end)
    }

    /// [`SourceFile::text`] as bytes, without checking that its ends are character boundaries.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        self.inner
            .text
            .as_bytes()
            .get(self.start..self.end)
            .unwrap_or(&[])
    }

    /// Whether this is its whole text, whose line table is then its own (else it is one line
    /// cut from a block, which keeps no line table).
    fn whole(&self) -> bool {
        self.start == 0 && self.end == self.inner.text.len()
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let text = self.text();
        let end = (offset as usize).min(text.len());
        let (line, start) = if self.whole() {
            let line = self.inner.line_starts.partition_point(|&s| s <= offset);
            (line, self.line_start(line).unwrap_or(0) as usize)
        } else {
            // Lines cut from a block hold no line end; counted anyway, only for messages.
            let before = text.as_bytes().get(..end).unwrap_or_default();
            let line = memchr::memchr_iter(b'\n', before).count();
            (line, memchr::memrchr(b'\n', before).map_or(0, |i| i + 1))
        };
        let col = if end.saturating_sub(start) > CHAR_STEP {
            self.inner
                .chars_before(self.start + end)
                .saturating_sub(self.inner.chars_before(self.start + start))
        } else {
            text.get(start..end)
                .map(|s| s.chars().count())
                .unwrap_or(end.saturating_sub(start))
        };
        (line + self.first_line, col + 1)
    }

    /// The file line of the text's first line.
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    /// The text of file line `line` (as numbered by [`SourceFile::line_col`]), without its line end.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let idx = line.checked_sub(self.first_line)?;
        let s = if self.whole() {
            let start = self.line_start(idx)? as usize;
            let end = self
                .line_start(idx + 1)
                .map_or(self.inner.text.len(), |e| e as usize);
            self.inner.text.get(start..end)?
        } else {
            self.text().split_inclusive('\n').nth(idx)?
        };
        Some(s.trim_end_matches(['\n', '\r']))
    }

    pub fn line_count(&self) -> usize {
        if self.whole() {
            self.inner.line_starts.len() + 1
        } else {
            memchr::memchr_iter(b'\n', self.text().as_bytes()).count() + 1
        }
    }

    /// Where the whole text's line `idx` (0-based) starts.
    fn line_start(&self, idx: usize) -> Option<u32> {
        match idx.checked_sub(1) {
            None => Some(0),
            Some(i) => self.inner.line_starts.get(i).copied(),
        }
    }

    /// Whether two handles are the same text of the same underlying file.
    pub fn same(&self, other: &SourceFile) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) && self.start == other.start && self.end == other.end
    }
}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text()
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.inner.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_long_lines_count_characters() {
        let mut text = String::from("{\n");
        for i in 0..5_000 {
            text.push_str(if i % 3 == 0 { "æøå" } else { "abc" });
        }
        text.push_str("x\n}");
        let f = SourceFile::new("a.json", text.clone());
        for at in [2usize, 3, 4_097, 9_000, 12_002, 15_002] {
            let at = (at..).find(|&a| text.is_char_boundary(a)).unwrap_or(at);
            let want = text.get(2..at).map_or(0, |s| s.chars().count()) + 1;
            assert_eq!(f.line_col(at as u32), (2, want), "at {at}");
        }
        let x = text.find('x').unwrap_or(0);
        assert_eq!(f.line_col(x as u32), (2, 15_001));
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new("a.json", "{\n  \"å\": 1\n}");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(2), (2, 1));
        // `1` follows seven characters: two spaces, a quoted two-byte letter, a colon, a space.
        let one = f.text().find('1').map(|o| o as u32).unwrap_or(0);
        assert_eq!(f.line_col(one), (2, 8));
        assert_eq!(f.line_text(2), Some("  \"å\": 1"));
    }

    #[test]
    fn a_line_of_a_block_is_placed_as_its_own_text() {
        let block = Block::new("b.jsonl".into(), "{\"a\":1}\n{\"å\": 2}\r\n".into());
        let second = block.line(8..17, 2);
        assert_eq!(second.text(), "{\"å\": 2}");
        let two = second.text().find('2').map(|o| o as u32).unwrap_or(0);
        // Six characters before `2`: the brace, a quoted two-byte letter, a colon and a space.
        assert_eq!(second.line_col(two), (2, 7));
        assert_eq!(second.line_text(2), Some("{\"å\": 2}"));
        assert_eq!(second.line_text(1), None);
        assert_eq!(second.line_count(), 1);
        let first = block.line(0..7, 1);
        assert_eq!(first.text(), "{\"a\":1}");
        assert!(!first.same(&second));
        assert!(first.same(&first.clone()));
        // Not on a character boundary (inside `å`): no text rather than a panic.
        assert_eq!(block.line(11..12, 2).text(), "");
        // A slice of a line is the slice of its text, bounded by the line, not by the block.
        for r in [0..9, 2..5, 1..4, 9..9, 2..2] {
            assert_eq!(
                second.slice(r.clone()),
                second.text().get(r.clone()),
                "{r:?}"
            );
        }
        assert_eq!(second.slice(2..5), Some("å\""));
        assert_eq!(second.slice(2..3), None, "inside `å`");
        assert_eq!(
            second.slice(0..10),
            None,
            "past the line, though not past the block"
        );
        assert_eq!(first.slice(4..6), Some(":1"));
    }
}
