//! Finding source quotes in seed documents. Seeds are verbatim copies of the source documents
//! (OCR scans included, with lines broken mid-sentence), so a quote is compared with every run of
//! whitespace (in the quote and in the seed) taken as one space, and located at the line where it
//! starts.

use crate::source::SourceFile;

/// A seed, searched for quotes as if its whitespace were folded.
pub(crate) struct FoldedSeed<'a> {
    pub file: &'a SourceFile,
}

/// Whether the text at the start of `text` is whitespace as [`char::is_whitespace`] says, and
/// that character's length in bytes (0 at the end). ASCII is judged without decoding.
fn space_at(text: &[u8], full: &str, at: usize) -> (bool, usize) {
    match text.first() {
        None => (false, 0),
        Some(b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') => (true, 1),
        Some(b) if b.is_ascii() => (false, 1),
        Some(_) => full
            .get(at..)
            .and_then(|t| t.chars().next())
            .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
    }
}

impl<'a> FoldedSeed<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        FoldedSeed { file }
    }

    /// The 1-based line where the quote starts, if the seed holds it with every run of
    /// whitespace (in either) taken as one space: the first place where the quote's first word
    /// stands (a SIMD substring search) and each following word comes after a run of whitespace.
    /// Every rule set load looks up every quote, so no folded copy of a seed is made.
    pub fn find(&self, quote: &str) -> Option<usize> {
        let mut words = quote.split_whitespace();
        let first = words.next()?;
        let rest: Vec<&str> = words.collect();
        let text = self.file.text();
        let bytes = text.as_bytes();
        let finder = memchr::memmem::Finder::new(first.as_bytes());
        // Occurrences may overlap (`ææ` in `æææ`): each search starts one byte past the last.
        let mut from = 0;
        std::iter::from_fn(|| {
            let start = from + finder.find(bytes.get(from..)?)?;
            from = start + 1;
            Some(start)
        })
        .find(|&start| {
            let mut at = start + first.len();
            rest.iter().all(|w| {
                let run = at;
                while let (true, n) = space_at(bytes.get(at..).unwrap_or(&[]), text, at) {
                    at += n;
                }
                let ok = at > run && bytes.get(at..).is_some_and(|b| b.starts_with(w.as_bytes()));
                at += w.len();
                ok
            })
        })
        .map(|start| self.file.line_col(start as u32).0)
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

    /// The oracle: fold the whole seed char by char, with an offset per byte, and search.
    fn naive(text: &str, quote: &str) -> Option<usize> {
        let mut folded = String::new();
        let mut map = Vec::new();
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
                map.extend(std::iter::repeat_n(i as u32, c.len_utf8()));
            }
        }
        let q = fold(quote);
        if q.is_empty() {
            return None;
        }
        let at = folded.find(&q)?;
        let f = SourceFile::new("s.txt", text.to_string());
        Some(f.line_col(*map.get(at)?).0)
    }

    const TEXT: &str = "([abæø.]{0,3}[ \\t\\r\\n\\u{a0}\\u{2028}\\u{3000}\\u{b}\\u{c}]{0,3}){0,16}";

    proptest::proptest! {
        /// Quotes cut from the text itself (so most are found) and made up: the same line as
        /// the naive fold, or not found by either.
        #[test]
        fn finds_quotes_where_the_naive_fold_finds_them(
            text in TEXT,
            cut in (0usize..64, 0usize..24),
            made_up in "[abæø. \\n\\u{a0}]{0,6}",
        ) {
            let f = SourceFile::new("s.txt", text.clone());
            let seed = FoldedSeed::new(&f);
            let chars: Vec<char> = text.chars().collect();
            let from = cut.0.min(chars.len());
            let to = (from + cut.1).min(chars.len());
            let quote: String = chars.get(from..to).unwrap_or(&[]).iter().collect();
            for q in [quote.as_str(), made_up.as_str()] {
                proptest::prop_assert_eq!(seed.find(q), naive(&text, q), "quote {:?}", q);
            }
        }
    }

    #[test]
    fn maps_multibyte_text_back_to_the_right_line() {
        let f = SourceFile::new("s.txt", "første linje\nåtte ønsker\n");
        let seed = FoldedSeed::new(&f);
        assert_eq!(seed.find("ønsker"), Some(2));
        assert_eq!(seed.find("linje åtte"), Some(1));
    }
}
