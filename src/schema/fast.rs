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

use super::validate::parse_date;
use super::{Absent, CharSet, FieldType, InputSchema, TypeId};
use crate::catalog::Catalog;
use crate::json::{Limits, number_value, scan_number};
use crate::value::{Node, Value};

/// Reads `text` as one document of `schema`'s root type; `None` when it is not plainly valid.
pub(crate) fn accept(
    schema: &InputSchema,
    catalog: &Catalog,
    key_chars: Option<CharSet>,
    text: &str,
    limits: Limits,
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
        items: Vec::new(),
    };
    p.ws();
    if p.b.get(p.i) != Some(&b'{') {
        return None;
    }
    let root = p.object(schema.root, true)?;
    p.ws();
    (p.i == p.b.len()).then_some(root)
}

struct Fast<'s, 'a> {
    schema: &'s InputSchema,
    catalog: &'s Catalog,
    key_chars: Option<CharSet>,
    limits: Limits,
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    /// Items of the lists being read, innermost last.
    items: Vec<Node>,
}

impl<'a> Fast<'_, 'a> {
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
    fn enter(&mut self) -> Option<()> {
        if self.depth >= self.limits.max_depth {
            return None;
        }
        self.depth += 1;
        self.i += 1;
        Some(())
    }

    /// A string without escapes at the cursor (which is at its `"`), borrowed from the text.
    fn string(&mut self) -> Option<&'a str> {
        let open = self.i;
        let start = open + 1;
        let end = crate::json::plain_run(self.b, start);
        if self.b.get(end) != Some(&b'"') || end - start > self.limits.max_string {
            return None;
        }
        self.i = end + 1;
        self.text.get(start..end)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end) == Some(word)).then(|| self.i = end)
    }

    /// A number at the cursor, with exactly the reader's grammar and value.
    fn number(&mut self) -> Option<f64> {
        let start = self.i;
        let (int_start, end, simple) = scan_number(self.b, start).ok()?;
        self.i = end;
        number_value(self.text, start, int_start, end, simple)
    }

    fn object(&mut self, ty: TypeId, is_root: bool) -> Option<Node> {
        let schema = self.schema;
        let t = schema.types.get(ty)?;
        let n = t.fields.len();
        // Wider types are rare; the reporting validator handles them.
        if n > 64 {
            return None;
        }
        let schema_slot = if is_root {
            t.field(&schema.schema_field).map(|(i, _)| i)
        } else {
            None
        };
        let start = self.i;
        self.enter()?;
        let mut slots: Vec<Option<Node>> = Vec::with_capacity(n);
        slots.resize_with(n, || None);
        let mut seen: u64 = 0;
        let mut hint = 0;
        let mut count = 0;
        self.ws();
        if self.byte() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                count += 1;
                if count > self.limits.max_items || self.byte() != Some(b'"') {
                    return None;
                }
                // Documents mostly list fields in schema order: try the next one first, by
                // comparing its quoted name in place (a name has no escapes or controls, so a
                // match is the whole key) without scanning the key first.
                let guess = t.fields.get(hint).filter(|f| {
                    let name = f.name.as_bytes();
                    let at = self.i + 1;
                    name.len() <= self.limits.max_string
                        && self.b.get(at..at + name.len()) == Some(name)
                        && self.b.get(at + name.len()) == Some(&b'"')
                });
                let key = match guess {
                    Some(f) => {
                        self.i += f.name.len() + 2;
                        &[]
                    }
                    None => self.string()?.as_bytes(),
                };
                self.ws();
                if self.byte() != Some(b':') {
                    return None;
                }
                self.i += 1;
                let mut k = hint;
                let mut tried = 0;
                let (slot, f) = loop {
                    if let Some(f) = guess {
                        break (hint, f);
                    }
                    if tried == n {
                        return None;
                    }
                    if k >= n {
                        k = 0;
                    }
                    let f = t.fields.get(k)?;
                    if f.name.as_bytes() == key {
                        break (k, f);
                    }
                    k += 1;
                    tried += 1;
                };
                if seen & (1 << slot) != 0 {
                    return None;
                }
                seen |= 1 << slot;
                hint = slot + 1;
                self.ws();
                let at = self.i;
                let node = if self.byte() == Some(b'n') {
                    self.literal(b"null")?;
                    if !(f.nullable || f.absent == Absent::None) {
                        return None;
                    }
                    Node::new(at as u32, Value::Null)
                } else {
                    self.value(&f.ty)?
                };
                if schema_slot == Some(slot) && node.value.as_str().unwrap_or_default() != schema.id
                {
                    return None;
                }
                *slots.get_mut(slot)? = Some(node);
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        for (i, f) in t.fields.iter().enumerate() {
            if seen & (1 << i) != 0 {
                continue;
            }
            if f.required {
                return None;
            }
            let fill = match f.absent {
                Absent::Unknown => continue,
                Absent::Empty => Value::List(Box::new([])),
                Absent::None => Value::Null,
            };
            *slots.get_mut(i)? = Some(Node::new(start as u32, fill));
        }
        Some(Node::new(
            start as u32,
            Value::Object(slots.into_boxed_slice()),
        ))
    }

    /// A value of type `ty` at the cursor (whitespace skipped); never `null`.
    fn value(&mut self, ty: &FieldType) -> Option<Node> {
        let at = self.i;
        let first = self.byte()?;
        let value = match ty {
            FieldType::Object(id) if first == b'{' => return self.object(*id, false),
            FieldType::List { items, max_items } if first == b'[' => {
                self.enter()?;
                // Items gather on a stack shared by all lists of the document, then move into
                // a list of exactly their number: one allocation per list, none for `[]`.
                let base = self.items.len();
                self.ws();
                if self.byte() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        if self.items.len() - base >= self.limits.max_items {
                            return None;
                        }
                        let item = self.value(items)?;
                        self.items.push(item);
                        if !self.more(b']')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
                if max_items.is_some_and(|m| self.items.len() - base > m) {
                    return None;
                }
                Value::List(self.items.drain(base..).collect())
            }
            FieldType::Bool if first == b't' => {
                self.literal(b"true")?;
                Value::Bool(true)
            }
            FieldType::Bool if first == b'f' => {
                self.literal(b"false")?;
                Value::Bool(false)
            }
            FieldType::Number { min, max, integer } if first == b'-' || first.is_ascii_digit() => {
                let n = self.number()?;
                if (*integer && n.fract() != 0.0)
                    || min.is_some_and(|m| n < m)
                    || max.is_some_and(|m| n > m)
                {
                    return None;
                }
                Value::Number(n)
            }
            _ if first == b'"' => {
                let s = self.string()?;
                if !self.accepts(ty, s) {
                    return None;
                }
                match ty {
                    FieldType::Date => Value::Date(parse_date(s).ok()?),
                    _ => Value::Str(s.into()),
                }
            }
            _ => return None,
        };
        Some(Node::new(at as u32, value))
    }

    /// Whether a string without escapes is a valid value of `ty` (dates are parsed by the
    /// caller).
    fn accepts(&self, ty: &FieldType, s: &str) -> bool {
        match ty {
            FieldType::String { max_len } => {
                if max_len.is_some_and(|m| s.len() > m && s.chars().count() > m) {
                    return false;
                }
                // Raw C0 characters never get here (no escapes, and the reader refuses them
                // raw); DEL and C1 need a 0x7F or 0xC2 byte.
                memchr::memchr2(0x7f, 0xc2, s.as_bytes()).is_none()
                    || !s
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            }
            FieldType::Id { set, .. } => id_ok(s, *set),
            FieldType::KeyRef => self.key_chars.is_none_or(|set| id_ok(s, set)),
            FieldType::Date => true,
            FieldType::Enum(values) => values.iter().any(|v| v == s),
            FieldType::Ref { table } => {
                self.catalog.table(table).is_none_or(|t| t.row(s).is_some())
            }
            _ => false,
        }
    }
}

fn id_ok(s: &str, set: CharSet) -> bool {
    !s.is_empty() && s.chars().all(|c| set.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::RuleFiles;
    use crate::generator::{self, GenOptions};
    use crate::rules::RuleSet;
    use crate::schema::validate_reporting;
    use crate::source::SourceFile;

    /// The fast path is taken for plain valid documents (otherwise it would only cost time), and
    /// builds what the reporting validator builds.
    #[test]
    fn accepts_plain_valid_documents_as_the_reporting_validator_does() {
        let files = RuleFiles::embedded();
        let rules = match RuleSet::load(&files, &[]) {
            Ok(r) => r,
            Err(d) => panic!("{}", crate::diag::render(&d.0, false)),
        };
        let Some(file) = files.generator.first() else {
            panic!("no generator profile")
        };
        let profile = match generator::load(file, rules.schema(), rules.catalog()) {
            Ok(p) => p,
            Err(d) => panic!("{}", crate::diag::render(&d.0, false)),
        };
        let (schema, catalog) = (rules.schema(), rules.catalog());
        let key_chars = crate::schema::validate::key_chars(schema).map(|k| k.0);
        let opts = GenOptions {
            count: 300,
            seed: 7,
            invalid_rate: 0.0,
        };
        for i in 0..opts.count {
            let text = generator::document(&profile, &opts, i);
            let fast = accept(schema, catalog, key_chars, &text, Limits::default());
            let slow = validate_reporting(
                schema,
                catalog,
                SourceFile::new("gen.json", text.as_str()),
                Limits::default(),
            );
            match (fast, slow) {
                (Some(tree), Ok(doc)) => assert_eq!(tree, doc.root, "{text}"),
                (fast, slow) => panic!("document {i}: fast {fast:?}, reporting {slow:?}\n{text}"),
            }
        }
        // And declines what it does not read itself: an escape, a byte order mark.
        let text = generator::document(&profile, &opts, 0);
        for declined in [
            text.replacen("\":\"", "\":\"\\u0041", 1),
            format!("\u{feff}{text}"),
        ] {
            assert!(accept(schema, catalog, key_chars, &declined, Limits::default()).is_none());
        }
    }
}
