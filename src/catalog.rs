//! Catalogs: the reference tables a rule set ships as data (measures, life events, sectors,
//! agreements, …), loaded from `catalog.toml` or `catalog/*.toml` in the rule set.
//!
//! A table is a keyed list of rows. Row fields are typed by inference from the data (every row of a
//! table must agree), and rows are stored as [`crate::value::Node`] objects so that expressions read
//! them exactly as they read input.
//!
//! A cell people read (a sector's name, a measure's text) is a text in the user-facing languages,
//! written as the rule set writes every text: `{ nb = "…", nn = "…", en = "…" }`. Its column is a
//! string column to expressions, which read the bokmål text (rules compare keys and codes, not
//! texts); renderers read the user's language with [`Table::text`].

use crate::source::Span;
use crate::text::{Lang, Text};
use crate::value::{Node, Tree};

#[derive(Debug, Clone)]
pub struct Catalog {
    pub tables: Vec<Table>,
    /// The items and slots of every table's rows and list cells.
    tree: Tree,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            tables: Vec::new(),
            tree: Tree::catalog(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// The column that holds each row's unique key.
    pub key: String,
    pub title: Text,
    /// Free notes shown with the table (e.g. a disagreement between sources).
    pub note: Text,
    pub columns: Vec<Column>,
    /// In declared order; private so that [`Table::index`] always matches.
    rows: Vec<Row>,
    /// Row position by key: documents name rows by key (`ref:` fields, `catalog.t[key]`), in
    /// every document of a batch. Open addressing by [`key_hash`], linear probing: a slot holds
    /// a row's position plus one, or 0 when empty; at least half the slots are empty, so a probe
    /// ends soon. Empty for tables short enough to scan.
    index: Box<[u32]>,
}

/// Tables of at most this many rows are scanned: comparing lengths rules out most rows in an
/// instruction or two, cheaper than hashing the key.
const SCAN_ROWS: usize = 4;

/// A hash of `key` from at most its first and last eight bytes and its length: keys are short
/// codes and names, and a collision only costs a longer probe.
#[inline]
fn key_hash(key: &[u8]) -> u64 {
    use crate::json::{word4, word8};
    let n = key.len();
    let (a, b) = if n >= 8 {
        (word8(key, 0), word8(key, n - 8))
    } else if n >= 4 {
        (
            word4(key, 0).map(u64::from),
            word4(key, n - 4).map(u64::from),
        )
    } else {
        let byte = |i: usize| key.get(i).map_or(0, |&c| u64::from(c));
        (
            Some(byte(0) | byte(n / 2) << 8 | byte(n.wrapping_sub(1)) << 16),
            Some(0),
        )
    };
    let x = a.unwrap_or(0) ^ b.unwrap_or(0).rotate_left(29) ^ (n as u64) << 56;
    // Fibonacci hashing: the high half of the product mixes every input bit.
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    /// The column holds texts in the user-facing languages (its type is then `String`, the
    /// bokmål text); every row must write it so.
    pub text: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    String,
    Number,
    Bool,
    Date,
    StringList,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    /// An object node whose slots follow `Table::columns`.
    pub node: Node,
    /// Where the row is declared, for diagnostics.
    pub span: Span,
    /// The row's cells in text columns, by column index, in the user-facing languages.
    pub texts: Vec<(usize, Text)>,
}

impl Catalog {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Where the rows' slots and the list cells' items are.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }
}

impl Table {
    /// A table of `rows`, keys unique (the first row of a key wins the index).
    pub fn new(
        name: String,
        key: String,
        title: Text,
        note: Text,
        columns: Vec<Column>,
        rows: Vec<Row>,
    ) -> Table {
        let mut index: Box<[u32]> = Box::new([]);
        if rows.len() > SCAN_ROWS {
            // Positions past u32 leave the table to scanning; no catalog comes near.
            if let Ok(n) = u32::try_from(rows.len()) {
                let mask = (2 * n as usize).next_power_of_two() - 1;
                let mut slots = vec![0u32; mask + 1];
                'rows: for (i, r) in (1..=n).zip(&rows) {
                    let mut at = key_hash(r.key.as_bytes()) as usize & mask;
                    while let Some(&slot) = slots.get(at) {
                        if slot == 0 {
                            break;
                        }
                        // The first row of a key stays the one found.
                        let earlier = rows.get(slot as usize - 1).map(|e| e.key.as_str());
                        if earlier == Some(r.key.as_str()) {
                            continue 'rows;
                        }
                        at = (at + 1) & mask;
                    }
                    if let Some(slot) = slots.get_mut(at) {
                        *slot = i;
                    }
                }
                index = slots.into_boxed_slice();
            }
        }
        Table {
            name,
            key,
            title,
            note,
            columns,
            rows,
            index,
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.get(self.position(key)?)
    }

    /// The position of the row with `key`.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.position_bytes(key.as_bytes())
    }

    #[inline]
    fn position_bytes(&self, key: &[u8]) -> Option<usize> {
        use crate::json::same;
        // Compared inline, not with `==`: a call to `memcmp` per row cost more than the
        // comparison of such short keys.
        if self.index.is_empty() {
            return self.rows.iter().position(|r| same(r.key.as_bytes(), key));
        }
        let mask = self.index.len() - 1;
        let mut at = key_hash(key) as usize & mask;
        // At most one pass over the slots, though an empty one comes long before.
        for _ in 0..self.index.len() {
            let i = (*self.index.get(at)? as usize).checked_sub(1)?;
            if self
                .rows
                .get(i)
                .is_some_and(|r| same(r.key.as_bytes(), key))
            {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
        None
    }

    pub fn column(&self, name: &str) -> Option<(usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == name)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().map(|r| r.key.as_str())
    }

    /// The text of `row` in column `name` in `lang`: a text cell in that language, or a string
    /// cell as written (a column of names or codes).
    pub fn text<'a>(
        &self,
        tree: &'a Tree,
        row: &'a Row,
        name: &str,
        lang: Lang,
    ) -> Option<&'a str> {
        let (i, col) = self.column(name)?;
        if col.text {
            return row
                .texts
                .iter()
                .find(|(c, _)| *c == i)
                .map(|(_, t)| t.get(lang));
        }
        let node = tree.object(&row.node.value)?.get(i)?.as_ref()?;
        tree.str(&node.value)
    }
}

/// Reads the `[catalog.NAME]` tables of the given files (`catalog.toml`, `catalog/*.toml`).
/// Column types are inferred from the values; every problem in every file is reported.
pub fn load(files: &[crate::source::SourceFile]) -> Result<Catalog, crate::diag::Diagnostics> {
    let mut catalog = Catalog::default();
    let mut diags = crate::diag::Diagnostics::new();
    // Where each table was declared, for duplicate-table messages.
    let mut origins: Vec<String> = Vec::new();
    for file in files {
        let mut t = crate::spanned::Toml::new(file);
        if let Some(doc) = t.parse(file.text()) {
            load_file(&mut t, &doc, &mut catalog, &mut origins);
        }
        diags.extend(t.diags);
    }
    diags.into_result(catalog)
}

const TABLE_KEYS: &[&str] = &["key", "title", "note", "rows"];

fn load_file(
    t: &mut crate::spanned::Toml<'_>,
    doc: &toml::de::DeTable<'_>,
    catalog: &mut Catalog,
    origins: &mut Vec<String>,
) {
    use crate::spanned::{TomlProblem, span as toml_span};
    let file_name = t.file.name().to_string();
    t.check_keys(doc, &["catalog"], &format!("`{file_name}`"));
    let Some(cv) = doc.get("catalog") else { return };
    let Some(tables) = t.table("catalog", cv) else {
        return;
    };
    for (k, tv) in crate::spanned::Toml::entries(tables) {
        let name: &str = k.get_ref();
        let place = format!("`[catalog.{name}]`");
        let Some(tt) = t.table(name, tv) else {
            continue;
        };
        if let Some(i) = catalog.tables.iter().position(|x| x.name == name) {
            let first = origins.get(i).cloned().unwrap_or_default();
            t.push(
                &TomlProblem::DuplicateTable {
                    name: name.into(),
                    first,
                },
                toml_span(k.span()),
            );
            continue;
        }
        t.check_keys(tt, TABLE_KEYS, &place);
        let at = toml_span(tv.span());
        let key = match tt.get("key") {
            Some(v) => t.str("key", v).map(String::from),
            None => {
                t.missing("key", &place, toml_span(k.span()));
                None
            }
        };
        let title = match tt.get("title") {
            Some(v) => t.text("title", v),
            None => {
                t.missing("title", &place, toml_span(k.span()));
                None
            }
        };
        let note = match tt.get("note") {
            Some(v) => t.text("note", v).unwrap_or_default(),
            None => Text::default(),
        };
        let Some(rows_v) = tt.get("rows") else {
            t.missing("rows", &place, toml_span(k.span()));
            continue;
        };
        let toml::de::DeValue::Array(rows) = rows_v.get_ref() else {
            t.wrong_type("rows", "an array of tables `[[catalog.NAME.rows]]`", rows_v);
            continue;
        };
        let Some(key) = key else { continue };
        let mut columns: Vec<Column> = Vec::new();
        // Per row: where it is, (column index, value) in written order, and the row's texts.
        type RowCells = (Span, Vec<(usize, crate::value::Node)>, Vec<(usize, Text)>);
        let mut cells: Vec<RowCells> = Vec::new();
        for row_v in rows.iter() {
            let Some(row) = t.table("rows", row_v) else {
                continue;
            };
            let row_span = toml_span(row_v.span());
            let mut vals = Vec::new();
            let mut texts = Vec::new();
            for (ck, cv) in crate::spanned::Toml::entries(row) {
                let cname: &str = ck.get_ref();
                let Some((ty, value, text)) = cell(t, cname, cv, &mut catalog.tree) else {
                    continue;
                };
                let is_text = text.is_some();
                let ci = match columns.iter().position(|c| c.name == cname) {
                    Some(ci) => {
                        let (want, want_text) =
                            columns.get(ci).map_or((ty, is_text), |c| (c.ty, c.text));
                        if want != ty || want_text != is_text {
                            t.push(
                                &TomlProblem::ColumnType {
                                    column: cname.into(),
                                    expected: column_type_name(want, want_text),
                                    found: column_type_name(ty, is_text),
                                },
                                toml_span(cv.span()),
                            );
                            continue;
                        }
                        ci
                    }
                    None => {
                        columns.push(Column {
                            name: cname.into(),
                            ty,
                            text: is_text,
                        });
                        columns.len() - 1
                    }
                };
                let at = cv.span().start as u32;
                vals.push((ci, crate::value::Node::new(at, value)));
                if let Some(text) = text {
                    texts.push((ci, text));
                }
            }
            cells.push((row_span, vals, texts));
        }
        let key_col = columns.iter().position(|c| c.name == key);
        match key_col.map(|i| columns.get(i).map(|c| c.ty)) {
            Some(Some(ColumnType::String)) => {}
            Some(_) => {
                t.push(
                    &TomlProblem::InvalidValue {
                        key: "key".into(),
                        reason: format!("the key column `{key}` must hold strings"),
                    },
                    at,
                );
                continue;
            }
            None if cells.is_empty() => {}
            None => {
                t.push(
                    &TomlProblem::InvalidValue {
                        key: "key".into(),
                        reason: format!("no row has the key column `{key}`"),
                    },
                    at,
                );
                continue;
            }
        }
        let mut out_rows: Vec<Row> = Vec::new();
        for (row_span, vals, texts) in cells {
            let mut slots: Vec<Option<crate::value::Node>> = vec![None; columns.len()];
            for (ci, node) in vals {
                if let Some(s) = slots.get_mut(ci) {
                    *s = Some(node);
                }
            }
            let row_key = key_col
                .and_then(|i| slots.get(i))
                .and_then(|s| s.as_ref())
                .and_then(|n| catalog.tree.str(&n.value))
                .map(String::from);
            let Some(row_key) = row_key else {
                t.missing(&key, &format!("a row of {place}"), row_span);
                continue;
            };
            if let Some(first) = out_rows.iter().find(|r| r.key == row_key) {
                let first_line = t.file.line_col(first.span.start).0;
                let at = key_col
                    .and_then(|i| slots.get(i))
                    .and_then(|s| s.as_ref())
                    .map(|n| Span::new(n.at as usize, n.at as usize + row_key.len() + 2))
                    .unwrap_or(row_span);
                t.push(
                    &TomlProblem::DuplicateRow {
                        table: name.into(),
                        key: row_key,
                        first_line,
                    },
                    at,
                );
                continue;
            }
            let Ok(span) = catalog.tree.push_slots(slots) else {
                t.push(&too_many_cells(), row_span);
                continue;
            };
            out_rows.push(Row {
                key: row_key,
                node: crate::value::Node::new(row_span.start, crate::value::Value::Object(span)),
                span: row_span,
                texts,
            });
        }
        catalog.tables.push(Table::new(
            name.into(),
            key,
            title.unwrap_or_default(),
            note,
            columns,
            out_rows,
        ));
        origins.push(file_name.clone());
    }
}

fn column_type_name(t: ColumnType, text: bool) -> &'static str {
    match t {
        ColumnType::String if text => "texts `{ nb = \"…\", nn = \"…\", en = \"…\" }`",
        ColumnType::String => "strings",
        ColumnType::Number => "numbers",
        ColumnType::Bool => "booleans",
        ColumnType::Date => "dates",
        ColumnType::StringList => "lists of strings",
    }
}

/// What a catalog too large for its [`Tree`] gets (more than 2³¹ cells or list items).
fn too_many_cells() -> crate::spanned::TomlProblem {
    crate::spanned::TomlProblem::InvalidValue {
        key: "rows".into(),
        reason: "more cells than a catalog can hold".into(),
    }
}

/// One cell's type and value (list items go into `tree`), and its texts when it is a text;
/// unsupported values are reported and give `None`.
fn cell(
    t: &mut crate::spanned::Toml<'_>,
    name: &str,
    v: &toml::Spanned<toml::de::DeValue<'_>>,
    tree: &mut Tree,
) -> Option<(ColumnType, crate::value::Value, Option<Text>)> {
    use crate::value::{Node, Value};
    use toml::de::DeValue;
    match v.get_ref() {
        DeValue::String(s) => {
            let Ok(text) = tree.push_str(s) else {
                t.push(&too_many_cells(), crate::spanned::span(v.span()));
                return None;
            };
            Some((ColumnType::String, Value::Str(text), None))
        }
        DeValue::Integer(_) | DeValue::Float(_) => t
            .number(name, v)
            .map(|n| (ColumnType::Number, Value::Number(n), None)),
        DeValue::Boolean(b) => Some((ColumnType::Bool, Value::Bool(*b), None)),
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                match jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8) {
                    Ok(date) => Some((ColumnType::Date, Value::Date(date), None)),
                    Err(_) => {
                        t.wrong_type(name, "a date `YYYY-MM-DD`", v);
                        None
                    }
                }
            }
            _ => {
                t.wrong_type(name, "a date `YYYY-MM-DD` without a time", v);
                None
            }
        },
        DeValue::Array(items) => {
            let mut out = Vec::new();
            for item in items.iter() {
                let s = t.str(name, item)?;
                let Ok(text) = tree.push_str(s) else {
                    t.push(&too_many_cells(), crate::spanned::span(item.span()));
                    return None;
                };
                out.push(Node::new(item.span().start as u32, Value::Str(text)));
            }
            let Ok(span) = tree.push_list(out) else {
                t.push(&too_many_cells(), crate::spanned::span(v.span()));
                return None;
            };
            Some((ColumnType::StringList, Value::List(span), None))
        }
        // A text people read, in the user-facing languages: expressions see its bokmål.
        DeValue::Table(_) => {
            let text = t.text(name, v)?;
            let Ok(nb) = tree.push_str(&text.nb) else {
                t.push(&too_many_cells(), crate::spanned::span(v.span()));
                return None;
            };
            Some((ColumnType::String, Value::Str(nb), Some(text)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    const CAT: &str = r#"
[catalog.agreements]
key = "id"
title = { nb = "Avtaler", en = "Agreements" }

[[catalog.agreements.rows]]
id = "a-2020"
signed = 2020-09-14
notice_months = 3
extendable = true
parties = ["north", "south"]

[[catalog.agreements.rows]]
id = "b-2019"
signed = 2019-01-01
"#;

    /// Lookups by key agree with a scan, on tables short enough to scan and long enough to be
    /// searched, for present and absent keys; of two rows with one key the first is found.
    #[test]
    fn rows_are_found_by_key_as_a_scan_finds_them() {
        for n in [3usize, 12, 13, 40] {
            let mut keys: Vec<String> = (0..n).map(|i| format!("k{}", (i * 7) % n)).collect();
            keys.push("k1".into());
            let t = table_of(&keys);
            for probe in (0..n + 2)
                .map(|i| format!("k{i}"))
                .chain(["".into(), "k".into()])
            {
                let scan = keys.iter().position(|k| *k == probe);
                assert_eq!(t.position(&probe), scan, "{n} rows, key `{probe}`");
            }
        }
    }

    fn table_of(keys: &[String]) -> Table {
        let rows = keys
            .iter()
            .map(|k| Row {
                key: k.clone(),
                node: Node::synthetic(crate::value::Value::Null),
                span: Span::default(),
                texts: Vec::new(),
            })
            .collect();
        Table::new(
            "t".into(),
            "id".into(),
            Text::default(),
            Text::default(),
            vec![],
            rows,
        )
    }

    proptest::proptest! {
        /// The hashed index finds what a scan finds, for keys of every length around the four-
        /// and eight-byte reads of the hash (colliding or not), repeated keys and absent ones.
        #[test]
        fn hashed_lookup_agrees_with_a_scan(
            keys in proptest::collection::vec("[ab\\-]{0,3}|[abé]{3,10}|[ab]{15,19}", 0..40),
            probes in proptest::collection::vec("[ab\\-]{0,3}|[abé]{3,10}|[ab]{15,19}", 0..10),
        ) {
            let t = table_of(&keys);
            for probe in probes.iter().chain(&keys) {
                let scan = keys.iter().position(|k| k == probe);
                proptest::prop_assert_eq!(t.position(probe), scan, "{:?}", probe);
                proptest::prop_assert_eq!(
                    t.row(probe).map(|r| r.key.as_str()),
                    scan.map(|_| probe.as_str())
                );
            }
        }
    }

    #[test]
    fn infers_columns_and_keeps_absent_cells_absent() {
        let c = load(&[SourceFile::new("catalog.toml", CAT)]).unwrap();
        let t = c.table("agreements").unwrap();
        let cols: Vec<_> = t.columns.iter().map(|c| (c.name.as_str(), c.ty)).collect();
        assert_eq!(
            cols,
            [
                ("id", ColumnType::String),
                ("signed", ColumnType::Date),
                ("notice_months", ColumnType::Number),
                ("extendable", ColumnType::Bool),
                ("parties", ColumnType::StringList),
            ]
        );
        let b = t.row("b-2019").unwrap();
        let slots = c.tree().object(&b.node.value).unwrap();
        let a = t.row("a-2020").unwrap();
        let parties = c.tree().object(&a.node.value).unwrap()[4].unwrap();
        let parties: Vec<&str> = c
            .tree()
            .list(&parties.value)
            .unwrap()
            .iter()
            .filter_map(|n| c.tree().str(&n.value))
            .collect();
        assert_eq!(parties, ["north", "south"]);
        assert!(slots[2].is_none());
        assert_eq!(
            slots[1]
                .as_ref()
                .unwrap()
                .value
                .as_date()
                .unwrap()
                .to_string(),
            "2019-01-01"
        );
    }

    /// A text cell is read in the user's language by renderers and as its bokmål by expressions;
    /// a column is texts in every row or in none, and a text names each language.
    #[test]
    fn text_cells_carry_every_language() {
        let cat = r#"
[catalog.sectors]
key = "id"
title = { nb = "Sektorer", nn = "Sektorar", en = "Sectors" }
[[catalog.sectors.rows]]
id = "annet"
title = { nb = "Annet", nn = "Anna", en = "Other" }
code = "X"
"#;
        let c = load(&[SourceFile::new("catalog.toml", cat)]).unwrap();
        let t = c.table("sectors").unwrap();
        let row = t.row("annet").unwrap();
        let (_, col) = t.column("title").unwrap();
        assert!(col.text && col.ty == ColumnType::String);
        let read = |lang| t.text(c.tree(), row, "title", lang);
        assert_eq!(read(Lang::Nb), Some("Annet"));
        assert_eq!(read(Lang::Nn), Some("Anna"));
        assert_eq!(read(Lang::En), Some("Other"));
        // A string column reads as written in every language.
        assert_eq!(t.text(c.tree(), row, "code", Lang::En), Some("X"));
        let slots = c.tree().object(&row.node.value).unwrap();
        let nb = slots[1].as_ref().unwrap();
        assert_eq!(c.tree().str(&nb.value), Some("Annet"));

        let mixed = format!("{cat}[[catalog.sectors.rows]]\nid = \"kultur\"\ntitle = \"Kultur\"\n");
        let d = load(&[SourceFile::new("catalog.toml", &mixed)]).unwrap_err();
        assert_eq!(d.0[0].code, "catalog::column-type", "{d:?}");
        let no_en = cat.replace(r#", en = "Other""#, "");
        let d = load(&[SourceFile::new("catalog.toml", &no_en)]).unwrap_err();
        assert_eq!(d.0[0].code, "toml::missing-language", "{d:?}");
    }

    #[test]
    fn reports_duplicates_and_type_clashes() {
        let bad = CAT
            .replace("id = \"b-2019\"", "id = \"a-2020\"")
            .replace("signed = 2019-01-01", "signed = \"2019\"");
        let d = load(&[SourceFile::new("catalog.toml", &bad)]).unwrap_err();
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["catalog::column-type", "catalog::duplicate-key"]);
        assert!(d.0[1].help.as_deref().unwrap().contains("line 6"));
        let twice = load(&[
            SourceFile::new("a.toml", CAT),
            SourceFile::new("b.toml", CAT),
        ])
        .unwrap_err();
        assert_eq!(twice.0[0].code, "catalog::duplicate-table");
    }
}
