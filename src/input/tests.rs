//! Tests of reading input: units, labels, blocks and lines against line-by-line models.

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
