//! Finding source quotes in seed documents. Seeds are verbatim copies of the source documents
//! (OCR scans included, with lines broken mid-sentence), so a quote is compared with every run of
//! whitespace folded to one space, and located at the line where it starts.

use crate::source::SourceFile;

/// A seed with its whitespace folded, and the way back to byte offsets in the original.
pub(crate) struct FoldedSeed<'a> {
    pub file: &'a SourceFile,
    folded: String,
    /// `map[i]` = byte offset in the original text of byte `i` of `folded`.
    map: Vec<u32>,
}

impl<'a> FoldedSeed<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        let text = file.text();
        let mut folded = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        let mut in_space = false;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                if !in_space {
                    folded.push(' ');
                    map.push(i as u32);
                }
                in_space = true;
            } else {
                in_space = false;
                folded.push(c);
                for _ in 0..c.len_utf8() {
                    map.push(i as u32);
                }
            }
        }
        FoldedSeed { file, folded, map }
    }

    /// The 1-based line where the quote starts, if the seed holds it.
    pub fn find(&self, quote: &str) -> Option<usize> {
        let q = fold(quote);
        if q.is_empty() {
            return None;
        }
        // A SIMD substring search: every rule set load looks up every quote of every rule.
        let at = memchr::memmem::find(self.folded.as_bytes(), q.as_bytes())?;
        let offset = *self.map.get(at)?;
        Some(self.file.line_col(offset).0)
    }
}

/// `quote` with runs of whitespace folded to one space and the ends trimmed.
pub fn fold(quote: &str) -> String {
    quote.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_quotes_across_line_breaks_at_their_first_line() {
        let f = SourceFile::new(
            "s.txt",
            "tittel\n\nKS oppnevner  kommunesektorens\nrepresentanter. Mer.\n",
        );
        let seed = FoldedSeed::new(&f);
        assert_eq!(
            seed.find("KS oppnevner kommunesektorens representanter."),
            Some(3)
        );
        assert_eq!(seed.find("representanter. Mer."), Some(4));
        assert_eq!(seed.find("kommunesektorens  \n representanter"), Some(3));
        assert_eq!(seed.find("KS utnevner"), None);
        assert_eq!(seed.find("   "), None);
    }

    #[test]
    fn maps_multibyte_text_back_to_the_right_line() {
        let f = SourceFile::new("s.txt", "første linje\nåtte ønsker\n");
        let seed = FoldedSeed::new(&f);
        assert_eq!(seed.find("ønsker"), Some(2));
        assert_eq!(seed.find("linje åtte"), Some(1));
    }
}
