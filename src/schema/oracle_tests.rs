//! The validator against an oracle: generated input schemas (every constraint the schema
//! language has: types, enums, min/max, lengths, nullability, nesting, catalog references,
//! absence meanings), documents for them (valid ones, and ones with one defect at a random
//! place), written out with random whitespace and escapes, and a simple reading of what the
//! schema means written here over `serde_json::Value`. The validator must accept exactly what
//! the oracle accepts, build the same value (absent fields filled as the schema says), and point
//! at the defect. The same runs on both real input formats (`rules/` and
//! `fixtures/library/rules`).
//!
//! The generators are driven by a seed that proptest chooses: a schema decides the shape of its
//! documents, so they are drawn from it with a small deterministic generator.

use crate::catalog::{self, Catalog};
use crate::diag::Diagnostics;
use crate::json::Limits;
use crate::schema::{self, Absent, FieldType, InputSchema, TypeId};
use crate::source::SourceFile;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::fmt::Write;

/// splitmix64: small, deterministic, good enough to draw test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Schemas, written as `input.toml` and `catalog.toml` text and loaded by the loaders.

/// Field names: plain ones, and a few a JSON document must write with escapes (a quote, a
/// backslash) or that are not ASCII.
const NAMES: &[&str] = &[
    "a",
    "kind",
    "when",
    "amount",
    "items",
    "note",
    "parts",
    "owner",
    "tags",
    "flag",
    "code",
    "level",
    "r",
    "due",
    "ref_to",
    "nested",
    "many",
    "qu\"ote",
    "back\\slash",
    "ære",
];
const ENUM_VALUES: &[&str] = &[
    "x",
    "yes",
    "no",
    "planned",
    "in_progress",
    "é",
    "a\"b",
    "c\\d",
    "",
];
const CHAR_SPECS: &[&str] = &["A-Za-z0-9._-", "a-z", "0-9", "A-Z0-9-", "!-~"];
const ROW_KEYS: &[&str] = &[
    "M01",
    "M02",
    "b",
    "book",
    "film",
    "x-1",
    "ære",
    "K",
    "long-key-0000",
];

fn toml_str(s: &str) -> String {
    // A TOML basic string is a JSON string for what is used here.
    serde_json::to_string(s).unwrap_or_default()
}

fn number_lit(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

/// The constraint keys of a scalar type (for a field, or a list's items).
fn scalar_type(rng: &mut Rng, tables: usize, types_after: &[usize]) -> String {
    match rng.below(10) {
        0 => match rng.chance(50) {
            true => format!("type = \"string\", max_len = {}", rng.below(6)),
            false => "type = \"string\"".into(),
        },
        1 => {
            let spec: &&str = rng.pick(CHAR_SPECS);
            format!("type = \"id\", chars = {}", toml_str(spec))
        }
        2 => "type = \"bool\"".into(),
        3 => {
            let mut s = String::from("type = \"number\"");
            let min = rng.chance(50).then(|| (rng.below(5) as f64) - 2.0);
            if let Some(m) = min {
                let _ = write!(s, ", min = {}", number_lit(m));
            }
            if rng.chance(50) {
                let lo = min.unwrap_or(-3.0);
                let _ = write!(
                    s,
                    ", max = {}",
                    number_lit(lo + rng.below(6) as f64 + 0.5 * rng.below(2) as f64)
                );
            }
            if rng.chance(50) {
                s.push_str(", integer = true");
            }
            s
        }
        4 => "type = \"date\"".into(),
        5 => {
            let n = 1 + rng.below(4);
            let mut vals: Vec<&str> = Vec::new();
            for _ in 0..n {
                let v = *rng.pick(ENUM_VALUES);
                if !vals.contains(&v) {
                    vals.push(v);
                }
            }
            let vals: Vec<String> = vals.iter().map(|v| toml_str(v)).collect();
            format!("type = \"enum\", values = [{}]", vals.join(", "))
        }
        6 if tables > 0 => format!("type = \"ref:t{}\"", rng.below(tables)),
        7 => "type = \"key\"".into(),
        8 | 9 if !types_after.is_empty() => format!("type = \"T{}\"", rng.pick(types_after)),
        _ => "type = \"bool\"".into(),
    }
}

/// One generated rule set's input side: `input.toml` and `catalog.toml`.
fn gen_schema(rng: &mut Rng) -> (String, String) {
    let tables = rng.below(3);
    let mut catalog = String::new();
    for t in 0..tables {
        let _ = writeln!(
            catalog,
            "[catalog.t{t}]\nkey = \"id\"\ntitle = {{ nb = \"T\", en = \"T\" }}\n"
        );
        // Up to all the keys: tables longer than four rows are looked up by hash.
        let rows = 1 + rng.below(ROW_KEYS.len());
        let start = rng.below(ROW_KEYS.len());
        for k in 0..rows {
            let key = ROW_KEYS[(start + k) % ROW_KEYS.len()];
            let _ = writeln!(
                catalog,
                "[[catalog.t{t}.rows]]\nid = {}\ntitle = \"r\"\n",
                toml_str(key)
            );
        }
    }
    let ntypes = 1 + rng.below(4);
    let key_chars = *rng.pick(CHAR_SPECS);
    let mut input = String::from(
        "[input]\nschema = \"gen/v1\"\nkey = \"id\"\nroot = \"T0\"\n\
         title = { nb = \"G\", en = \"G\" }\ndescription = { nb = \"G\", en = \"G\" }\n\n",
    );
    for ty in 0..ntypes {
        let _ = writeln!(input, "[input.types.T{ty}.fields]");
        if ty == 0 {
            input.push_str("schema = { type = \"string\", required = true }\n");
            let _ = writeln!(
                input,
                "id = {{ type = \"id\", chars = {}, required = true }}",
                toml_str(key_chars)
            );
        }
        // Nesting only to later types, so that every document is finite.
        let after: Vec<usize> = (ty + 1..ntypes).collect();
        let nfields = 1 + rng.below(6);
        let mut used = vec!["schema", "id"];
        for _ in 0..nfields {
            let name = *rng.pick(NAMES);
            if used.contains(&name) {
                continue;
            }
            used.push(name);
            let list = rng.chance(25);
            let mut spec = if list {
                let items = scalar_type(rng, tables, &after).replacen("type = ", "items = ", 1);
                let mut s = format!("type = \"list\", {items}");
                if rng.chance(40) {
                    let _ = write!(s, ", max_items = {}", rng.below(4));
                }
                s
            } else {
                scalar_type(rng, tables, &after)
            };
            let required = rng.chance(30);
            if required {
                spec.push_str(", required = true");
            }
            if rng.chance(25) {
                spec.push_str(", nullable = true");
            }
            if !required {
                match rng.below(4) {
                    0 if list => spec.push_str(", absent = \"empty\""),
                    1 => spec.push_str(", absent = \"none\""),
                    2 => spec.push_str(", absent = \"unknown\""),
                    _ => {}
                }
            }
            let _ = writeln!(input, "{} = {{ {spec} }}", toml_str(name));
        }
        input.push('\n');
    }
    (input, catalog)
}

fn load(input: &str, catalog: &str) -> (InputSchema, Catalog) {
    let catalog = catalog::load(&[SourceFile::new("catalog.toml", catalog)])
        .unwrap_or_else(|d| panic!("catalog: {d:?}\n{catalog}"));
    let schema = schema::load_against(&SourceFile::new("input.toml", input), &catalog)
        .unwrap_or_else(|d| panic!("input: {d:?}\n{input}"));
    (schema, catalog)
}

fn load_dir(dir: &str) -> (InputSchema, Catalog) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_default();
    load(&read("input.toml"), &read("catalog.toml"))
}

// ---------------------------------------------------------------------------------------------
// Documents drawn from a schema.

fn table_keys<'c>(catalog: &'c Catalog, table: &str) -> Option<Vec<&'c str>> {
    catalog.table(table).map(|t| t.keys().collect())
}

/// The characters of an `id` field's set, found by asking the set about every ASCII character.
fn id_alphabet(ty: &FieldType) -> Vec<char> {
    match ty {
        FieldType::Id { set, .. } => (0u8..128)
            .map(char::from)
            .filter(|c| set.contains(*c))
            .collect(),
        _ => ('a'..='z').collect(),
    }
}

fn key_type(schema: &InputSchema) -> Option<&FieldType> {
    schema.key_field().map(|(_, f)| &f.ty)
}

fn gen_value(rng: &mut Rng, s: &InputSchema, c: &Catalog, ty: &FieldType, depth: usize) -> Value {
    match ty {
        FieldType::String { max_len } => {
            let n = rng.below(max_len.map_or(12, |m| m + 1));
            let chars = ['a', 'Z', ' ', 'é', '\t', '\n', '"', '\\', '/', 'ß', '😀'];
            Value::String((0..n).map(|_| *rng.pick(&chars)).collect())
        }
        FieldType::Id { .. } | FieldType::KeyRef => {
            let alphabet = match ty {
                FieldType::KeyRef => key_type(s).map(id_alphabet).unwrap_or_else(|| vec!['k']),
                _ => id_alphabet(ty),
            };
            let n = 1 + rng.below(8);
            Value::String((0..n).map(|_| *rng.pick(&alphabet)).collect())
        }
        FieldType::Bool => Value::Bool(rng.chance(50)),
        FieldType::Number { min, max, integer } => {
            let lo = min.unwrap_or(-50.0);
            let hi = max.unwrap_or(lo + 100.0).max(lo);
            let mut x = lo + (hi - lo) * (rng.below(1000) as f64 / 999.0);
            if *integer || rng.chance(50) {
                x = x.ceil();
                if x > hi {
                    x = lo.ceil();
                }
            }
            json!(x)
        }
        FieldType::Date => {
            let y = 1990 + rng.below(50);
            let m = 1 + rng.below(12);
            let d = 1 + rng.below(28);
            Value::String(format!("{y:04}-{m:02}-{d:02}"))
        }
        FieldType::Enum(values) => Value::String(rng.pick(values).clone()),
        FieldType::Ref { table } => match table_keys(c, table) {
            Some(keys) if !keys.is_empty() => Value::String(rng.pick(&keys).to_string()),
            _ => Value::String("anything".into()),
        },
        FieldType::List { items, max_items } => {
            let n = rng.below(max_items.map_or(4, |m| m + 1).min(4));
            Value::Array(
                (0..n)
                    .map(|_| gen_value(rng, s, c, items, depth + 1))
                    .collect(),
            )
        }
        FieldType::Object(id) => gen_object(rng, s, c, *id, depth + 1),
    }
}

fn gen_object(rng: &mut Rng, s: &InputSchema, c: &Catalog, ty: TypeId, depth: usize) -> Value {
    let mut map = Map::new();
    let Some(t) = s.types.get(ty) else {
        return Value::Object(map);
    };
    for f in &t.fields {
        if depth == 0 && f.name == s.schema_field {
            map.insert(f.name.clone(), Value::String(s.id.clone()));
            continue;
        }
        // Deep optional objects are left out, so that documents stay small.
        if !f.required && (rng.chance(35) || depth > 6) {
            continue;
        }
        let v = if (f.nullable || f.absent == Absent::None) && rng.chance(15) {
            Value::Null
        } else {
            gen_value(rng, s, c, &f.ty, depth)
        };
        map.insert(f.name.clone(), v);
    }
    Value::Object(map)
}

/// Values a defect puts in place of another: every JSON kind, the edges of the constraints
/// used above, control characters, impossible dates, strings of another alphabet.
fn odd_value(rng: &mut Rng) -> Value {
    let pool = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(-2.5),
        json!(3),
        json!(131),
        json!(1e300),
        json!(""),
        json!("x"),
        json!("yes"),
        json!("M01"),
        json!("book"),
        json!("a b"),
        json!("A.b-9_"),
        json!("2026-02-30"),
        json!("2024-02-29"),
        json!("1900-02-29"),
        json!("2026-13-01"),
        json!("2026-1-01"),
        json!("\u{7f}"),
        json!("a\u{1b}b"),
        json!("\u{85}"),
        json!("tab\there"),
        json!("ære"),
        json!("aaaaaaa"),
        json!([]),
        json!(["x"]),
        json!([1, 2, 3, 4, 5]),
        json!({}),
        json!({"a": 1}),
    ];
    rng.pick(&pool).clone()
}

/// Every place in `v`: JSON pointers of all values (the root is "").
fn places(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                places(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                places(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// One defect at a random place: a value replaced, a member removed or added, a list grown.
fn mutate(rng: &mut Rng, doc: &mut Value) {
    let mut all = Vec::new();
    places(doc, String::new(), &mut all);
    let at = rng.pick(&all).clone();
    let Some(target) = doc.pointer_mut(&at) else {
        return;
    };
    match (rng.below(4), target) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let k = m
                .keys()
                .nth(rng.below(m.len()))
                .cloned()
                .unwrap_or_default();
            m.remove(&k);
        }
        (1, Value::Object(m)) => {
            let name = *rng.pick(NAMES);
            let name = if rng.chance(50) {
                format!("{name}_")
            } else {
                name.to_string()
            };
            m.insert(name, odd_value(rng));
        }
        (2, Value::Array(xs)) if !xs.is_empty() => {
            let x = xs[0].clone();
            for _ in 0..1 + rng.below(4) {
                xs.push(x.clone());
            }
        }
        (_, target) => *target = odd_value(rng),
    }
}

/// Writes `v` as JSON text: random whitespace, and characters of strings (keys too) sometimes
/// written as `\u` escapes, so that the validator's reading of escaped text is held to the
/// same answers as its reading in place.
fn write_json(rng: &mut Rng, v: &Value, out: &mut String) {
    let ws = |rng: &mut Rng, out: &mut String| {
        if rng.chance(10) {
            let space: &&str = rng.pick(&[" ", "\n  ", "\t", "\r\n"]);
            out.push_str(space);
        }
    };
    ws(rng, out);
    match v {
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                write_str(rng, k, out);
                ws(rng, out);
                out.push(':');
                write_json(rng, x, out);
            }
            ws(rng, out);
            out.push('}');
        }
        Value::Array(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(rng, x, out);
            }
            ws(rng, out);
            out.push(']');
        }
        Value::String(s) => write_str(rng, s, out),
        other => out.push_str(&other.to_string()),
    }
    ws(rng, out);
}

fn write_str(rng: &mut Rng, s: &str, out: &mut String) {
    let escape_some = rng.chance(15);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if escape_some && rng.chance(30) && (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// The oracle: what the schema means, read plainly.

/// Why the oracle refuses a document: where (a JSON pointer, as the validator reports it).
type Refusal = String;

fn date_exists(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
}

fn id_ok(s: &str, ty: &FieldType) -> bool {
    let FieldType::Id { set, .. } = ty else {
        return true;
    };
    !s.is_empty() && s.chars().all(|c| set.contains(c))
}

struct Oracle<'a> {
    schema: &'a InputSchema,
    catalog: &'a Catalog,
}

impl Oracle<'_> {
    /// The document with absent fields filled as the schema says, or where it breaks it.
    fn document(&self, v: &Value) -> Result<Value, Refusal> {
        self.object(self.schema.root, v, "", true)
    }

    fn object(&self, ty: TypeId, v: &Value, at: &str, root: bool) -> Result<Value, Refusal> {
        let Value::Object(m) = v else {
            return Err(at.into());
        };
        let t = &self.schema.types[ty];
        let mut out = Map::new();
        for (k, x) in m {
            let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            let Some((_, f)) = t.field(k) else {
                return Err(here);
            };
            if x.is_null() {
                if f.nullable || f.absent == Absent::None {
                    out.insert(k.clone(), Value::Null);
                    continue;
                }
                return Err(here);
            }
            let value = self.value(&f.ty, x, &here)?;
            if f.nonblank && value.as_str().is_some_and(|s| s.trim().is_empty()) {
                return Err(here);
            }
            if root && *k == self.schema.schema_field && value != json!(self.schema.id) {
                return Err(here);
            }
            out.insert(k.clone(), value);
        }
        for f in &t.fields {
            if m.contains_key(&f.name) {
                continue;
            }
            if f.required {
                return Err(at.into());
            }
            match f.absent {
                Absent::Unknown => {}
                Absent::Empty => {
                    out.insert(f.name.clone(), json!([]));
                }
                Absent::None => {
                    out.insert(f.name.clone(), Value::Null);
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn value(&self, ty: &FieldType, v: &Value, at: &str) -> Result<Value, Refusal> {
        let refuse = || Err(at.to_string());
        let ok = match (ty, v) {
            (FieldType::String { max_len }, Value::String(s)) => {
                max_len.is_none_or(|m| s.chars().count() <= m)
                    && !s.chars().any(|c| c.is_control() && !"\t\n\r".contains(c))
            }
            (FieldType::Id { .. }, Value::String(s)) => id_ok(s, ty),
            (FieldType::KeyRef, Value::String(s)) => {
                key_type(self.schema).is_none_or(|k| id_ok(s, k))
            }
            (FieldType::Bool, Value::Bool(_)) => true,
            (FieldType::Number { min, max, integer }, Value::Number(n)) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                x.is_finite()
                    && (!integer || x.fract() == 0.0)
                    && min.is_none_or(|m| x >= m)
                    && max.is_none_or(|m| x <= m)
            }
            (FieldType::Date, Value::String(s)) => date_exists(s),
            (FieldType::Enum(values), Value::String(s)) => values.contains(s),
            (FieldType::Ref { table }, Value::String(s)) => {
                table_keys(self.catalog, table).is_none_or(|keys| keys.contains(&s.as_str()))
            }
            (FieldType::List { items, max_items }, Value::Array(xs)) => {
                if max_items.is_some_and(|m| xs.len() > m) {
                    return refuse();
                }
                let mut out = Vec::new();
                for (i, x) in xs.iter().enumerate() {
                    out.push(self.value(items, x, &format!("{at}/{i}"))?);
                }
                return Ok(Value::Array(out));
            }
            (FieldType::Object(id), v @ Value::Object(_)) => return self.object(*id, v, at, false),
            _ => false,
        };
        if ok { Ok(canon(v)) } else { refuse() }
    }
}

/// Numbers as `f64`, so that `3` and `3.0` compare equal (the validator keeps numbers as
/// `f64`).
fn canon(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(xs) => Value::Array(xs.iter().map(canon).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), canon(x))).collect()),
        other => other.clone(),
    }
}

/// Validates `text` and holds the validator to the oracle's answer for `doc` (`None`: the text
/// is not the JSON of any value, e.g. a key given twice). Returns whether it was valid.
fn agree(schema: &InputSchema, catalog: &Catalog, doc: Option<&Value>, text: &str) -> bool {
    let oracle = Oracle { schema, catalog };
    let expected = doc.map(|d| oracle.document(d));
    let got = schema::validate(schema, catalog, SourceFile::new("doc.json", text));
    // The validator with the reporting recorder alone gives the same answer.
    let reporting = schema::validate_reporting(
        schema,
        catalog,
        SourceFile::new("doc.json", text),
        Limits::default(),
    );
    assert_eq!(
        got.as_ref().err().map(codes),
        reporting.as_ref().err().map(codes),
        "quiet-then-reporting and reporting disagree on {text}"
    );
    match (expected, got) {
        (Some(Ok(want)), Ok(d)) => {
            let have = canon(&schema.to_json(&d.tree, schema.root, &d.root));
            assert_eq!(have, want, "values differ for {text}");
            true
        }
        (Some(Err(at)), Err(diags)) => {
            assert!(
                diags
                    .iter()
                    .any(|d| d.pointer.as_deref() == Some(at.as_str())),
                "the defect at `{at}` is not among {:?}\n{text}",
                diags
                    .iter()
                    .map(|d| (&d.code, &d.pointer))
                    .collect::<Vec<_>>()
            );
            false
        }
        (None, Err(_)) => false,
        (Some(Ok(_)), Err(d)) => panic!("refused a valid document: {:?}\n{text}", codes(&d)),
        (Some(Err(at)), Ok(_)) => panic!("accepted a document broken at `{at}`:\n{text}"),
        (None, Ok(_)) => panic!("accepted a text that is not a JSON value:\n{text}"),
    }
}

fn codes(d: &Diagnostics) -> Vec<(String, Option<String>)> {
    d.iter()
        .map(|d| (d.code.to_string(), d.pointer.clone()))
        .collect()
}

/// One case: a document for `schema` from `seed`, valid or with one defect, sometimes with a
/// key given twice. Returns whether it was valid.
fn case(schema: &InputSchema, catalog: &Catalog, seed: u64) -> bool {
    let mut rng = Rng(seed);
    let mut doc = gen_object(&mut rng, schema, catalog, schema.root, 0);
    if rng.chance(70) {
        mutate(&mut rng, &mut doc);
    }
    let mut text = String::new();
    write_json(&mut rng, &doc, &mut text);
    if rng.chance(5)
        && let Some(Value::Object(m)) = Some(&doc)
        && let Some((k, v)) = m.iter().next_back()
    {
        // The last member once more: no serde value has it; the oracle says no.
        let member = format!(",{}:{}}}", serde_json::to_string(k).unwrap_or_default(), v);
        if let Some(end) = text.rfind('}') {
            text.replace_range(end.., &member);
            return agree(schema, catalog, None, &text);
        }
    }
    agree(schema, catalog, Some(&doc), &text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Generated schemas, each with a handful of documents.
    #[test]
    fn validator_agrees_with_the_oracle_on_generated_schemas(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let (input, catalog) = gen_schema(&mut rng);
        let (schema, catalog) = load(&input, &catalog);
        for k in 0..8u64 {
            case(&schema, &catalog, seed ^ (k + 1).wrapping_mul(0x51_7CC1_B727_220A));
        }
    }

    #[test]
    fn validator_agrees_with_the_oracle_on_the_samstyring_format(seed in any::<u64>()) {
        let (schema, catalog) = load_dir("rules");
        case(&schema, &catalog, seed);
    }

    #[test]
    fn validator_agrees_with_the_oracle_on_the_library_format(seed in any::<u64>()) {
        let (schema, catalog) = load_dir("fixtures/library/rules");
        case(&schema, &catalog, seed);
    }
}

/// The generators reach both answers often, on every format, and the generated schemas use
/// every kind of constraint: otherwise the properties above would hold vacuously.
#[test]
fn the_generators_reach_valid_and_invalid_documents_and_every_constraint() {
    let mut valid = [0usize; 3];
    let mut total = [0usize; 3];
    let formats = [
        None,
        Some(load_dir("rules")),
        Some(load_dir("fixtures/library/rules")),
    ];
    let mut inputs = String::new();
    for seed in 0..300u64 {
        for (i, f) in formats.iter().enumerate() {
            let ok = match f {
                Some((s, c)) => case(s, c, seed),
                None => {
                    let mut rng = Rng(seed);
                    let (input, catalog) = gen_schema(&mut rng);
                    let (s, c) = load(&input, &catalog);
                    inputs.push_str(&input);
                    case(&s, &c, seed.wrapping_mul(7))
                }
            };
            total[i] += 1;
            valid[i] += usize::from(ok);
        }
    }
    for i in 0..3 {
        assert!(
            valid[i] * 10 > total[i] && valid[i] * 10 < total[i] * 9,
            "format {i}: {} of {} valid",
            valid[i],
            total[i]
        );
    }
    for key in [
        "max_len",
        "chars",
        "min =",
        "max =",
        "integer",
        "values",
        "ref:",
        "\"key\"",
        "max_items",
        "nullable",
        "absent = \"empty\"",
        "absent = \"none\"",
        "items = \"T",
        "type = \"T",
        "required",
    ] {
        assert!(inputs.contains(key), "no generated schema uses `{key}`");
    }
}
