//! The fast path of input validation: one lean pass that accepts a document only when it is
//! plainly valid, and builds the same value tree the reporting validator (`validate.rs`) builds.
//!
//! Most documents in a batch are valid, and for them the reporting validator's machinery (JSON
//! pointers, spans, error values carried through every return) is dead weight. This pass carries
//! none of it: on anything it does not accept outright (a problem, but also an escape in a string,
//! a byte order mark, a field past the 64th of a type) it gives up with `None`, and the caller
//! runs the reporting validator, which is the authority on what is wrong and how to say it.
//!
//! **Invariant:** `accept(text) == Some(tree)` implies the reporting validator accepts `text`
//! and builds exactly `tree`. It may decline a valid document; it must never accept an invalid
//! one. Checked by differential tests (generated, defective and byte-edited documents; every JSON
//! text under `fixtures/`) and by the `validate` and `initiative` fuzz targets.

use super::{Absent, CharSet, FieldType, InputSchema, TypeId};
use crate::catalog::{Catalog, Table};
use crate::json::{Limits, number_value, same, scan_number};
use crate::value::{Node, Span, Tree, Value};
use jiff::civil::Date;

/// Reads `text` as one document of `schema`'s root type; `None` when it is not plainly valid.
pub(crate) fn accept(
    schema: &InputSchema,
    catalog: &Catalog,
    key_chars: Option<CharSet>,
    text: &str,
    limits: Limits,
    tree: &mut Tree,
) -> Option<Node> {
    if text.len() > limits.max_bytes {
        return None;
    }
    let mut p = Fast {
        schema,
        catalog,
        key_chars,
        limits,
        text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        tree,
        table: None,
    };
    p.ws();
    if p.b.get(p.i) != Some(&b'{') {
        return None;
    }
    let at = p.i;
    let root = p.object::<true>(schema.root)?;
    p.ws();
    (p.i == p.b.len()).then_some(Node::new(at as u32, Value::Object(root)))
}

struct Fast<'s, 'a, 't> {
    schema: &'s InputSchema,
    catalog: &'s Catalog,
    key_chars: Option<CharSet>,
    limits: Limits,
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    /// Where the document's lists and objects go.
    tree: &'t mut Tree,
    /// The catalog table last looked up, by the address of its name in the schema: the items
    /// of a list of references name one table, and finding it by name cost more than the row.
    table: Option<(&'s String, Option<&'s Table>)>,
}

impl<'s, 'a> Fast<'s, 'a, '_> {
    #[inline]
    fn ws(&mut self) {
        // Most documents have no whitespace between tokens: one comparison settles that.
        while let Some(&c) = self.b.get(self.i) {
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    #[inline]
    fn byte(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// After a member or item: consumes `,` (then `Some(true)`: another follows) or `close`
    /// (`Some(false)`); anything else is not plainly valid.
    #[inline]
    fn more(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let b = self.byte()?;
        self.i += 1;
        if b == b',' {
            self.ws();
            Some(true)
        } else {
            (b == close).then_some(false)
        }
    }

    /// Consumes `{` or `[` at the cursor, within the depth limit.
    #[inline]
    fn enter(&mut self) -> Option<()> {
        if self.depth >= self.limits.max_depth {
            return None;
        }
        self.depth += 1;
        self.i += 1;
        Some(())
    }

    /// A string without escapes at the cursor (which is at its `"`), borrowed from the text.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        let start = self.i + 1;
        let end = crate::json::plain_run(self.b, start);
        if self.b.get(end) != Some(&b'"') || end - start > self.limits.max_string {
            return None;
        }
        self.i = end + 1;
        self.text.get(start..end)
    }

    /// A date at the cursor (which is at its `"`), read in place: the ten bytes of a date hold
    /// no escape, so the string needs no scan.
    #[inline]
    fn date(&mut self) -> Option<Date> {
        let start = self.i + 1;
        let quoted = self.b.get(start..start + 11)?;
        if quoted.get(10) != Some(&b'"') || self.limits.max_string < 10 {
            return None;
        }
        let date = plain_date(quoted.get(..10)?)?;
        self.i = start + 11;
        Some(date)
    }

    /// `true`, `false` or `null` at the cursor; compared inline (slice equality called
    /// `memcmp`, a libc call for four or five bytes).
    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        has_at(self.b, self.i, word).then(|| self.i += word.len())
    }

    /// The catalog table named `name` (`None`: the catalog has none of that name).
    #[inline]
    fn table(&mut self, name: &'s String) -> Option<&'s Table> {
        if let Some((last, table)) = self.table
            && std::ptr::eq(last, name)
        {
            return table;
        }
        let table = self.catalog.table(name);
        self.table = Some((name, table));
        table
    }

    /// An object of type `ty` at the cursor, as the span of its slots; `ROOT` for the
    /// document's root, the only one with a schema field to check: a constant, so that nested
    /// objects' member loop has no check. A span, not a node: it comes back in registers, where
    /// a node came back through memory, stored and read back in pieces of different widths.
    fn object<const ROOT: bool>(&mut self, ty: TypeId) -> Option<Span> {
        let schema = self.schema;
        let t = schema.types.get(ty)?;
        let n = t.fields.len();
        // Wider types are rare; the reporting validator handles them.
        if n > 64 {
            return None;
        }
        let schema_slot = if ROOT {
            t.field(&schema.schema_field).map(|(i, _)| i)
        } else {
            None
        };
        let start = self.i;
        self.enter()?;
        let span = self.tree.push_object(n).ok()?;
        let mut seen: u64 = 0;
        let mut hint = 0;
        self.ws();
        if self.byte() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                if self.byte() != Some(b'"') {
                    return None;
                }
                // Documents mostly list fields in schema order: try the next one first, by
                // comparing its quoted name in place (a name has no escapes or controls, so a
                // match is the whole key) without scanning the key first.
                let guess = t.fields.get(hint).filter(|f| {
                    let name = f.name.as_bytes();
                    let at = self.i + 1;
                    name.len() <= self.limits.max_string
                        && has_at(self.b, at, name)
                        && self.b.get(at + name.len()) == Some(&b'"')
                });
                let (slot, f) = match guess {
                    Some(f) => {
                        self.i += f.name.len() + 2;
                        (hint, f)
                    }
                    None => {
                        let key = self.string()?.as_bytes();
                        let (k, f) = t
                            .fields
                            .iter()
                            .enumerate()
                            .find(|(_, f)| same(f.name.as_bytes(), key))?;
                        (k, f)
                    }
                };
                if self.byte() != Some(b':') {
                    self.ws();
                    if self.byte() != Some(b':') {
                        return None;
                    }
                }
                self.i += 1;
                seen |= 1u64 << slot;
                hint = slot + 1;
                self.ws();
                // A slot already filled is a duplicate key (`put` refuses it). Tested there
                // rather than on `seen` before the value: the test that the slot is empty also
                // spares the store dropping what it replaces.
                let nullable = f.nullable || f.absent == Absent::None;
                self.value(&f.ty, nullable, Sink::Slot(span, slot))?;
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        // Counted once here rather than per member: every member read set a bit of its own.
        // No more than `n` bits can be set: the count (a call's worth of shifts and masks on
        // the baseline target) only matters when `n` exceeds the limit.
        if n > self.limits.max_items && seen.count_ones() as usize > self.limits.max_items {
            return None;
        }
        // The schema field checked once too, where it was read (when it was).
        if let Some(k) = schema_slot
            && seen >> k & 1 != 0
            && self
                .tree
                .slots(span)
                .get(k)
                .and_then(|s| self.tree.str(&s.as_ref()?.value))
                .unwrap_or_default()
                != schema.id
        {
            return None;
        }
        let all = if n == 64 { u64::MAX } else { (1 << n) - 1 };
        let mut missing = !seen & all;
        while missing != 0 {
            let i = missing.trailing_zeros() as usize;
            missing &= missing - 1;
            let f = t.fields.get(i)?;
            if f.required {
                return None;
            }
            let fill = match f.absent {
                Absent::Unknown => continue,
                Absent::Empty => Value::List(Span::EMPTY),
                Absent::None => Value::Null,
            };
            // The slot of a field not read is empty: the fill cannot be refused.
            if !self.tree.fill(span, i, Node::new(start as u32, fill)) {
                return None;
            }
        }
        Some(span)
    }

    /// A list at the cursor, of items of type `items`, as the span of its items (in registers,
    /// as [`Fast::object`] gives its span).
    #[inline(never)]
    fn list(&mut self, items: &'s FieldType, max_items: Option<usize>) -> Option<Span> {
        self.enter()?;
        // Items gather on the tree's stack, shared by all lists of the document, then move
        // into the tree together.
        let base = self.tree.open_list();
        self.ws();
        if self.byte() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                // Per item, not once after the list: a 10 MB line of `0,0,…` would otherwise
                // stack five million nodes (160 MB) before it is refused.
                if self.tree.read_since(base) >= self.limits.max_items {
                    return None;
                }
                self.value(items, false, Sink::Item)?;
                if !self.more(b']')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        let len = self.tree.read_since(base);
        if max_items.is_some_and(|m| len > m) {
            return None;
        }
        self.tree.close_list(base).ok()
    }

    /// A value of type `ty` at the cursor (whitespace skipped), `null` only when `nullable`.
    /// Inline in the loops over members and items: a call per value (saving registers,
    /// returning the node through memory) cost more than reading most values. `null` is read
    /// here, not by the caller: one path out for every node saved copying them on the stack.
    ///
    /// The node goes to `sink` from each kind's own branch: built in one branch shared by all
    /// kinds, a node was a blend of their layouts, assembled on the stack from stores of
    /// different widths and read back across them (store-forwarding stalls).
    #[inline(always)]
    fn value(&mut self, ty: &'s FieldType, nullable: bool, sink: Sink) -> Option<()> {
        let at = self.i;
        let first = self.byte()?;
        let node = |value| Node::new(at as u32, value);
        match ty {
            _ if first == b'n' => {
                if !nullable {
                    return None;
                }
                self.literal(b"null")?;
                self.put(sink, node(Value::Null))
            }
            FieldType::Object(id) if first == b'{' => {
                let s = self.object::<false>(*id)?;
                self.put(sink, node(Value::Object(s)))
            }
            FieldType::List { items, max_items } if first == b'[' => {
                let s = self.list(items, *max_items)?;
                self.put(sink, node(Value::List(s)))
            }
            FieldType::Bool if first == b't' => {
                self.literal(b"true")?;
                self.put(sink, node(Value::Bool(true)))
            }
            FieldType::Bool if first == b'f' => {
                self.literal(b"false")?;
                self.put(sink, node(Value::Bool(false)))
            }
            FieldType::Number { min, max, integer } if first == b'-' || first.is_ascii_digit() => {
                let (n, whole, end) = number_at(self.text, at)?;
                self.i = end;
                // Without fraction or exponent a number is whole: `fract` is a call.
                if (*integer && !whole && n.fract() != 0.0)
                    || min.is_some_and(|m| n < m)
                    || max.is_some_and(|m| n > m)
                {
                    return None;
                }
                self.put(sink, node(Value::Number(n)))
            }
            FieldType::Date if first == b'"' => {
                let d = self.date()?;
                self.put(sink, node(Value::Date(d)))
            }
            FieldType::Enum(values) if first == b'"' => {
                let k = enum_at(self.b, at + 1, values, self.limits.max_string)?;
                let n = values.get(k)?.len();
                self.i = at + n + 2;
                // Where it is written: its bytes are the value's, quoted.
                let t = self.tree.source_str(at + 1, at + 1 + n).ok()?;
                self.put(sink, node(Value::Str(t)))
            }
            FieldType::Ref { table } if first == b'"' => {
                let start = at + 1;
                let end = crate::json::plain_run(self.b, start);
                if self.b.get(end) != Some(&b'"') || end - start > self.limits.max_string {
                    return None;
                }
                self.i = end + 1;
                let key = self.b.get(start..end)?;
                // With a table, the bytes are a row's key, quoted: a string where it is
                // written; without, they are checked to be one.
                match self.table(table) {
                    Some(t) => {
                        t.row_bytes(key)?;
                    }
                    None => {
                        self.text.get(start..end)?;
                    }
                }
                let t = self.tree.source_str(start, end).ok()?;
                self.put(sink, node(Value::Str(t)))
            }
            FieldType::String { max_len } if first == b'"' => {
                let start = at + 1;
                let (end, suspect) = plain_run_del(self.b, start);
                if self.b.get(end) != Some(&b'"') || end - start > self.limits.max_string {
                    return None;
                }
                self.i = end + 1;
                let s = self.text.get(start..end)?;
                // Bytes first: never fewer than characters, they settle most strings without
                // counting characters.
                if let Some(m) = *max_len
                    && s.len() > m
                    && s.chars().count() > m
                {
                    return None;
                }
                // Raw C0 characters never get here (no escapes, and the reader refuses them
                // raw); DEL and C1 need a 0x7F or 0xC2 byte.
                if suspect
                    && s.chars()
                        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                {
                    return None;
                }
                let t = self.tree.source_str(start, end).ok()?;
                self.put(sink, node(Value::Str(t)))
            }
            FieldType::Id { set, .. } if first == b'"' => {
                let s = self.string()?;
                if !id_ok(s, *set) {
                    return None;
                }
                // `string` left the cursor past the closing quote.
                let t = self.tree.source_str(at + 1, self.i - 1).ok()?;
                self.put(sink, node(Value::Str(t)))
            }
            FieldType::KeyRef if first == b'"' => {
                let s = self.string()?;
                if !self.key_chars.is_none_or(|set| id_ok(s, set)) {
                    return None;
                }
                let t = self.tree.source_str(at + 1, self.i - 1).ok()?;
                self.put(sink, node(Value::Str(t)))
            }
            _ => None,
        }
    }

    /// Stores a node read: into its slot (`None` when the slot is filled already: a
    /// duplicate key), or as an item of the innermost list.
    #[inline(always)]
    fn put(&mut self, sink: Sink, node: Node) -> Option<()> {
        match sink {
            Sink::Slot(span, i) => self.tree.fill(span, i, node).then_some(()),
            Sink::Item => {
                self.tree.push_item(node);
                Some(())
            }
        }
    }
}

/// Where [`Fast::value`] puts what it reads.
#[derive(Clone, Copy)]
enum Sink {
    /// Slot `.1` of the object `.0`.
    Slot(Span, usize),
    /// The innermost list being read.
    Item,
}

/// `!s.is_empty() && s.chars().all(|c| set.contains(c))`, a byte at a time
/// ([`CharSet::contains_byte`]): decoding characters cost a dozen instructions a byte.
fn id_ok(s: &str, set: CharSet) -> bool {
    !s.is_empty() && s.bytes().all(|b| set.contains_byte(b))
}

/// The value of `values` written at `start` of `b` as the whole of a string without escapes
/// (`start` is past the opening quote), at most `max` bytes long. The same answer as scanning
/// the string and then comparing (`json::plain_run`, then equality), without the scan: each
/// value is tried in place, most ruled out by the byte where its closing quote would be. A
/// value that holds a quote, backslash or control is never the whole of a plain string, so a
/// match of one counts for nothing. Out of line: inline, it made the member loop around it
/// costlier than the call.
#[inline(never)]
fn enum_at(b: &[u8], start: usize, values: &[String], max: usize) -> Option<usize> {
    // A loop, not `find`: the compiler kept closures over values out of line, a call per value.
    for (k, v) in values.iter().enumerate() {
        let n = v.len();
        if b.get(start + n) == Some(&b'"')
            && has_at(b, start, v.as_bytes())
            && crate::json::plain_bytes(v.as_bytes())
        {
            return (n <= max).then_some(k);
        }
    }
    None
}

/// Whether `b` holds `word` at `at`.
#[inline]
fn has_at(b: &[u8], at: usize, word: &[u8]) -> bool {
    b.get(at..)
        .and_then(|rest| rest.get(..word.len()))
        .is_some_and(|s| same(s, word))
}

/// `json::plain_run` (the first `"`, `\\` or control byte at or after `i`; `b.len()` when
/// none), and whether a byte 0x7F (DEL) or 0xC2 (which starts every C1 control in UTF-8) may
/// come before it: `false` only when none does. One pass over free text, most of a document's
/// bytes, instead of a second one for controls.
#[inline]
fn plain_run_del(b: &[u8], mut i: usize) -> (usize, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of a byte of `x` is set here ⇔ the byte is zero, but for borrows, which only mark
    // bytes above a zero one: all that is used is the first mark, or whether there is any.
    let zero = |x: u64| x.wrapping_sub(LO) & !x;
    let mut suspect = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes);
        let stops = (zero(w ^ (LO * u64::from(b'"')))
            | zero(w ^ (LO * u64::from(b'\\')))
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI;
        // Bytes of the last word past the end count too: a false alarm only costs the exact
        // check of the string. Only a word with a byte from 0x7F up needs the two exact tests
        // (adding 1 to each byte sets bit 7 of 0x7F, and carries only out of 0xFF, which has
        // it): most words of text have none.
        if (w | w.wrapping_add(LO)) & HI != 0 {
            suspect |= zero(w ^ (LO * 0x7f)) | zero(w ^ (LO * 0xc2));
        }
        if stops != 0 {
            return (i + (stops.trailing_zeros() / 8) as usize, suspect & HI != 0);
        }
        i += 8;
    }
    let mut del = suspect & HI != 0;
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        del |= c == 0x7f || c == 0xc2;
        i += 1;
    }
    (i, del)
}

/// The number written at `at` of `text`: its value, whether it is written without fraction or
/// exponent (then it is whole), and where it ends; `None` when it is not a JSON number or too
/// large for a finite `f64`. The reader's grammar and value (`json::scan_number`,
/// `json::number_value`), with a shortcut for short integers, most numbers of a document.
#[inline]
fn number_at(text: &str, at: usize) -> Option<(f64, bool, usize)> {
    let b = text.as_bytes();
    let neg = b.get(at) == Some(&b'-');
    let digits = at + usize::from(neg);
    // The first eight digits at once when a word is left: a byte loop cost a few instructions
    // a digit, and amounts in kroner have eight or nine.
    let (mut v, mut end) = match b.get(digits..digits + 8).map(<[u8; 8]>::try_from) {
        Some(Ok(word)) => {
            let (v, n) = leading_digits(u64::from_le_bytes(word));
            // Fewer than eight digits, no leading zero, and then neither fraction nor
            // exponent: that is the whole number, without looking at its bytes again.
            if (n == 1 || (2..8).contains(&n) && word[0] != b'0')
                && !matches!(word.get(n), Some(b'.' | b'e' | b'E'))
            {
                let v = v as f64;
                return Some((if neg { -v } else { v }, true, digits + n));
            }
            (v, digits + n)
        }
        _ => (0, digits),
    };
    // Up to 15 digits: exact in an `f64`, as in `number_value`.
    while let Some(&c) = b.get(end)
        && c.is_ascii_digit()
        && end - digits < 15
    {
        v = v * 10 + u64::from(c - b'0');
        end += 1;
    }
    let len = end - digits;
    let plain = len > 0
        && (len == 1 || b.get(digits) != Some(&b'0'))
        && !matches!(b.get(end), Some(b'0'..=b'9' | b'.' | b'e' | b'E'));
    if plain {
        let n = v as f64;
        return Some((if neg { -n } else { n }, true, end));
    }
    let (int_start, end, simple) = scan_number(b, at).ok()?;
    Some((number_value(text, at, int_start, end, simple)?, simple, end))
}

/// The value and number (0 to 8) of the decimal digits that `w` (eight bytes of text, the first
/// lowest) starts with.
#[inline]
fn leading_digits(w: u64) -> (u64, usize) {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    // A digit byte turns into its value 0..=9 here, which keeps the high nibble clear before
    // and after adding 6; any other byte sets it in one of them. A carry out of a byte only
    // comes from a byte already marked, and only the first mark is used.
    let x = w ^ ZEROS;
    let bad = (x | x.wrapping_add(0x0606_0606_0606_0606)) & HIGH;
    let n = if bad == 0 {
        8
    } else {
        (bad.trailing_zeros() / 8) as usize
    };
    if n == 0 {
        return (0, 0);
    }
    // The digits moved to the top bytes (zeros before them change nothing), then summed in
    // pairs, fours and eights by multiplication (Lemire's eight-digit parse).
    let x = x << (8 * (8 - n));
    let x = x.wrapping_mul(10 * 256 + 1) >> 8;
    let x = (x & 0x00ff_00ff_00ff_00ff).wrapping_mul(100 * 65536 + 1) >> 16;
    let x = (x & 0x0000_ffff_0000_ffff).wrapping_mul(10000 * (1 << 32) + 1) >> 32;
    (x & 0xffff_ffff, n)
}

/// The date `YYYY-MM-DD` written in `s`, by the rules of `validate::parse_date` (which builds
/// the same date from the same text, and refuses what this refuses).
fn plain_date(s: &[u8]) -> Option<Date> {
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let w: [u8; 10] = s.try_into().ok()?;
    let [_, _, _, _, dash, _, _, dash2, d0, d1] = w;
    let [head @ .., _, _] = w;
    if dash != b'-' || dash2 != b'-' {
        return None;
    }
    // `YYYY-MM-` with its dashes turned into `0`s is eight digits: each byte is 0x30..=0x39,
    // so its high nibble is 3 before and after adding 6 (no carry leaves a byte).
    const DASHES: u64 = 0xff << 32 | 0xff << 56;
    let x = u64::from_le_bytes(head) & !DASHES | ZEROS & DASHES;
    if x & HIGH != ZEROS || x.wrapping_add(0x0606_0606_0606_0606) & HIGH != ZEROS {
        return None;
    }
    if !d0.is_ascii_digit() || !d1.is_ascii_digit() {
        return None;
    }
    // The digits' values (the dashes' are 0), then in each byte ten times its digit plus the
    // next one's: bytes 0, 2 and 5 hold the pairs of the year and the month. No byte exceeds
    // 99, so nothing carries between bytes.
    let v = x & 0x0f0f_0f0f_0f0f_0f0f;
    let t = v.wrapping_mul(10).wrapping_add(v >> 8);
    let pair = |k: u32| (t >> (8 * k) & 0xff) as i32;
    let y = pair(0) * 100 + pair(2);
    let m = pair(5);
    let d = i32::from(d0 & 0x0f) * 10 + i32::from(d1 & 0x0f);
    // `Date::new` refuses a month outside 1..=12 and a day outside the month, as
    // `parse_date` does before calling it; both in the proleptic Gregorian calendar.
    Date::new(y as i16, m as i8, d as i8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::{self, GenOptions};
    use crate::schema::validate_reporting;
    use crate::source::SourceFile;

    /// The fast path is taken for plain valid documents (otherwise it would only cost time), and
    /// builds what the reporting validator builds.
    #[test]
    fn accepts_plain_valid_documents_as_the_reporting_validator_does() {
        let (rules, profile) = generator::embedded();
        let (schema, catalog) = (rules.schema(), rules.catalog());
        let key_chars = crate::schema::validate::key_chars(schema).map(|k| k.0);
        let opts = GenOptions {
            count: 300,
            seed: 7,
            invalid_rate: 0.0,
        };
        for i in 0..opts.count {
            let text = generator::document(profile, &opts, i);
            // The fast path's strings are where the source has them; the reporting
            // validator's are copies, so `same` compares texts, not places.
            let mut tree = Tree::new();
            tree.set_source(SourceFile::new("gen.json", text.as_str()));
            let fast = accept(
                schema,
                catalog,
                key_chars,
                &text,
                Limits::default(),
                &mut tree,
            );
            let slow = validate_reporting(
                schema,
                catalog,
                SourceFile::new("gen.json", text.as_str()),
                Limits::default(),
            );
            match (fast, slow) {
                (Some(root), Ok(doc)) => {
                    assert!(tree.same(&root, &doc.tree, &doc.root), "{text}");
                }
                (fast, slow) => panic!("document {i}: fast {fast:?}, reporting {slow:?}\n{text}"),
            }
        }
        // And declines what it does not read itself: an escape, a byte order mark.
        let text = generator::document(profile, &opts, 0);
        for declined in [
            text.replacen("\":\"", "\":\"\\u0041", 1),
            format!("\u{feff}{text}"),
        ] {
            let mut tree = Tree::new();
            let fast = accept(
                schema,
                catalog,
                key_chars,
                &declined,
                Limits::default(),
                &mut tree,
            );
            assert!(fast.is_none());
        }
    }

    proptest::proptest! {
        /// The inline comparison agrees with slice equality, for every length around the
        /// eight- and four-byte steps and wherever the bytes differ.
        #[test]
        fn same_agrees_with_slice_equality(
            a in proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', 0u8, 0xff]), 0..20),
            flip in proptest::option::of(0usize..20),
            extra in proptest::option::of(proptest::num::u8::ANY),
        ) {
            let mut b = a.clone();
            if let Some(i) = flip.filter(|&i| i < b.len()) {
                b[i] ^= 1;
            }
            if let Some(x) = extra {
                b.push(x);
            }
            proptest::prop_assert_eq!(same(&a, &b), a == b);
            let text = [b"\"".as_slice(), &b, b"\":"].concat();
            proptest::prop_assert_eq!(has_at(&text, 1, &a), text.get(1..1 + a.len()) == Some(&a[..]));
        }

        /// A value is found in place exactly when the scanned string is that value, and
        /// refused when the string is too long, has an escape or is not closed.
        #[test]
        fn enum_at_agrees_with_scanning_then_comparing(
            values in proptest::collection::vec(
                proptest::sample::select(vec!["a", "ab", "b\"", "a\\", "a\u{1}", "XY", "abcdefgh", "abcdefghi", "", "é"]),
                0..6,
            ),
            head in proptest::sample::select(vec!["a", "ab", "b", "XY", "abcdefgh", "abcdefghi", "é", ""]),
            tail in proptest::prop_oneof![
                proptest::strategy::Strategy::prop_map(
                    proptest::sample::select(vec!["\"", "\"\"", "\\\"", "\u{1}\"", "b\"", "é\""]),
                    String::from,
                ),
                "[abé\"\\\\\\x01KSy]{0,6}",
            ],
            max in 0usize..14,
        ) {
            let values: Vec<String> = values.into_iter().map(String::from).collect();
            let text = format!("{head}{tail}");
            let b = text.as_bytes();
            let end = crate::json::plain_run(b, 0);
            let exact = (b.get(end) == Some(&b'"') && end <= max)
                .then(|| values.iter().find(|v| Some(v.as_bytes()) == b.get(..end)))
                .flatten();
            let found = enum_at(b, 0, &values, max).and_then(|k| values.get(k));
            proptest::prop_assert_eq!(found, exact, "{:?}", text);
        }

        /// The scan ends where `json::plain_run` ends, and never misses a DEL or 0xC2 byte
        /// before that end, wherever it sits in a word.
        #[test]
        fn plain_run_del_agrees_with_plain_run_and_misses_no_del(
            s in proptest::collection::vec(
                // Mostly ASCII text, so that words with no byte from 0x7F up but a DEL come up.
                proptest::prop_oneof![
                    1 => proptest::num::u8::ANY,
                    1 => proptest::sample::select(vec![b'"', b'\\', 0x1f, 0x7e, 0x7f, 0x80, 0xc2, 0xff, b'a']),
                    6 => proptest::sample::select(vec![b'a', b' ', b'~', 0x7f]),
                ],
                0..40,
            ),
            from in 0usize..40,
        ) {
            let from = from.min(s.len());
            let (end, suspect) = plain_run_del(&s, from);
            proptest::prop_assert_eq!(end, crate::json::plain_run(&s, from));
            let del = s.get(from..end).is_some_and(|r| r.iter().any(|&c| c == 0x7f || c == 0xc2));
            proptest::prop_assert!(suspect || !del);
        }

        /// A number read with the shortcut is the number the reader's grammar and value give,
        /// bit for bit (`-0`), and ends where it ends; refused where it is refused.
        #[test]
        fn number_at_agrees_with_the_reader(
            s in proptest::prop_oneof![
                "-?[0-9]{0,18}",
                "-?[0-9]{1,17}[.eE,]?[0-9+-]{0,3}",
                "[-0-9.eE+]{0,8}[,}]?",
            ],
        ) {
            let text = format!("{s}]");
            let fast = number_at(&text, 0).map(|(n, whole, end)| (n.to_bits(), whole, end));
            let exact = scan_number(text.as_bytes(), 0).ok().and_then(|(int_start, end, simple)| {
                number_value(&text, 0, int_start, end, simple).map(|n| (n.to_bits(), simple, end))
            });
            proptest::prop_assert_eq!(fast, exact, "{}", s);
        }

        /// A date read in place is the date `parse_date` reads, and is refused when it refuses.
        #[test]
        fn plain_date_agrees_with_parse_date(
            s in proptest::prop_oneof![
                "[0-9]{4}-[0-1][0-9]-[0-3][0-9]",
                "[0-9-]{8,11}",
                "[0-9]{4}-0[0-9]-[23][0-9]",
                "[0-9]{4}[-,./)]0[0-9][-,./)][0-3][0-9]",
                ".{0,12}",
            ],
        ) {
            let fast = plain_date(s.as_bytes());
            let exact = crate::schema::validate::parse_date(&s).ok();
            proptest::prop_assert_eq!(fast, exact, "{}", s);
        }
    }

    /// A key given twice, in the root or in a nested object, is left to the reporting
    /// validator (which refuses it); so is an object with more members than the limit allows,
    /// whatever the number of fields of its type.
    #[test]
    fn declines_duplicate_keys_and_objects_over_the_member_limit() {
        let (rules, profile) = generator::embedded();
        let (schema, catalog) = (rules.schema(), rules.catalog());
        let key_chars = crate::schema::validate::key_chars(schema).map(|k| k.0);
        let opts = GenOptions {
            count: 40,
            seed: 11,
            invalid_rate: 0.0,
        };
        let refused = |text: &str, limits: Limits| {
            let slow =
                validate_reporting(schema, catalog, SourceFile::new("gen.json", text), limits);
            assert!(slow.is_err(), "the reporting validator accepts {text}");
            assert!(
                accept(schema, catalog, key_chars, text, limits, &mut Tree::new()).is_none(),
                "{limits:?}: {text}"
            );
        };
        let mut duplicates = 0;
        for i in 0..opts.count {
            let text = generator::document(profile, &opts, i);
            // The first member of each object, when it is a plain value, written twice.
            for (open, _) in text.match_indices("{\"") {
                let Some(rest) = text.get(open + 1..) else {
                    continue;
                };
                let Some(member) = rest.split(',').next() else {
                    continue;
                };
                if member.contains(['{', '[', '}']) {
                    continue;
                }
                let mut twice = text.clone();
                twice.insert_str(open + 1, &format!("{member},"));
                refused(&twice, Limits::default());
                duplicates += 1;
            }
        }
        assert!(duplicates > 100, "{duplicates} duplicates tried");
        // The root has more members than this, the nested objects fewer.
        let members = Limits {
            max_items: 8,
            ..Limits::default()
        };
        for i in 0..opts.count {
            refused(&generator::document(profile, &opts, i), members);
        }
    }

    proptest::proptest! {
        /// The byte test of identifiers agrees with testing each character against the
        /// spec's meaning (written out here with the standard library, not through
        /// `CharSet`), non-ASCII text included.
        #[test]
        fn id_ok_agrees_with_testing_characters(
            s in "[a-cA-C0-9._~ßé\u{80}\u{ff}\u{1F600}-]{0,12}",
            spec in 0usize..5,
        ) {
            type Meant = (&'static str, fn(char) -> bool);
            let specs: [Meant; 5] = [
                ("a-z0-9._-", |c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)
                }),
                ("A-Za-z", |c| c.is_ascii_alphabetic()),
                ("0-9", |c| c.is_ascii_digit()),
                ("._", |c| c == '.' || c == '_'),
                ("!-~", |c| c.is_ascii_graphic()),
            ];
            let Some(&(text, meant)) = specs.get(spec) else {
                return Ok(());
            };
            let set = CharSet::parse(text).unwrap_or_else(|e| panic!("{e}"));
            let chars = !s.is_empty() && s.chars().all(meant);
            proptest::prop_assert_eq!(id_ok(&s, set), chars, "{:?} {}", s, text);
        }
    }

    #[test]
    fn leading_digits_reads_up_to_eight() {
        for (text, value, n) in [
            (*b"12345678", 12_345_678, 8),
            (*b"99999999", 99_999_999, 8),
            (*b"00000001", 1, 8),
            (*b"1]______", 1, 1),
            (*b"0,\"a\":1}", 0, 1),
            (*b"4711.5e3", 4711, 4),
            (*b"-1234567", 0, 0),
            (*b"9876543:", 9_876_543, 7),
            (*b"\xff\xff123456", 0, 0),
            (*b"12\xfa\xff4567", 12, 2),
        ] {
            assert_eq!(
                leading_digits(u64::from_le_bytes(text)),
                (value, n),
                "{text:?}"
            );
        }
    }

    #[test]
    fn plain_date_knows_leap_years() {
        for (s, ok) in [
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("2000-02-29", true),
            ("1900-02-29", false),
            ("0000-02-29", true),
            ("2025-04-31", false),
            ("2025-12-31", true),
            ("2025-13-01", false),
            ("2025-00-10", false),
            ("2025-01-00", false),
        ] {
            assert_eq!(plain_date(s.as_bytes()).is_some(), ok, "{s}");
            assert_eq!(
                plain_date(s.as_bytes()),
                crate::schema::validate::parse_date(s).ok()
            );
        }
    }
}
