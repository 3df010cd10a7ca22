//! The input schema as JSON Schema (draft 2020-12), for editors and other tools.
//!
//! It agrees with [`super::validate`] on everything JSON Schema can say. What it cannot say is
//! left to the validator: duplicate keys (JSON Schema sees parsed JSON), the nesting and size
//! limits of the reader, and catalog refs only as far as an `enum` of today's keys goes.

use super::{Absent, CharSet, FieldDef, FieldType, InputSchema, ObjectType};
use crate::catalog::Catalog;
use crate::text::{Lang, Text};
use crate::value::number_json;
use serde_json::{Map, Value, json};

const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// JSON Schema of a whole document of `schema`, with catalog refs as enums over `catalog`; its
/// texts in bokmål with the English after.
pub fn json_schema(schema: &InputSchema, catalog: &Catalog) -> Value {
    json_schema_in(schema, catalog, None)
}

/// [`json_schema`] with its texts in `lang` (every language a rule set writes is one a user may
/// read it in), or bokmål and English when `lang` is `None`. A catalog ref's keys carry their
/// rows' texts as `enumDescriptions` (what editors show beside each key).
pub fn json_schema_in(schema: &InputSchema, catalog: &Catalog, lang: Option<Lang>) -> Value {
    let c = Cx { catalog, lang };
    let mut defs = Map::new();
    for (i, t) in schema.types.iter().enumerate() {
        if i != schema.root {
            defs.insert(t.name.clone(), object(schema, &c, t, false));
        }
    }
    let mut top = Map::new();
    top.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    top.insert("$id".into(), json!(format!("urn:samstyr:{}", schema.id)));
    top.insert("title".into(), json!(c.text(&schema.title)));
    if !schema.description.en.is_empty() || !schema.description.nb.is_empty() {
        top.insert("description".into(), json!(c.text(&schema.description)));
    }
    if let Some(root) = schema.types.get(schema.root)
        && let Value::Object(body) = object(schema, &c, root, true)
    {
        for (k, v) in body {
            if k != "description" || !top.contains_key("description") {
                top.insert(k, v);
            }
        }
    }
    if !defs.is_empty() {
        top.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(top)
}

/// What the schema is written against: the catalog, and the language of its texts.
struct Cx<'a> {
    catalog: &'a Catalog,
    lang: Option<Lang>,
}

impl Cx<'_> {
    fn text(&self, t: &Text) -> String {
        match self.lang {
            Some(lang) => t.get(lang).to_string(),
            None => both(t),
        }
    }
}

/// Both languages in one description: bokmål first, as the default language of reports.
fn both(t: &Text) -> String {
    match (t.nb.is_empty(), t.en.is_empty()) {
        (false, false) => format!("{}\n\n(en) {}", t.nb, t.en),
        (false, true) => t.nb.clone(),
        _ => t.en.clone(),
    }
}

fn object(schema: &InputSchema, c: &Cx<'_>, t: &ObjectType, is_root: bool) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in &t.fields {
        let mut s = if is_root && f.name == schema.schema_field {
            json!({ "const": schema.id })
        } else {
            field(schema, c, f)
        };
        if let Value::Object(m) = &mut s
            && (!f.doc.nb.is_empty() || !f.doc.en.is_empty())
        {
            m.insert("description".into(), json!(c.text(&f.doc)));
        }
        props.insert(f.name.clone(), s);
        if f.required {
            required.push(json!(f.name));
        }
    }
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    if !t.doc.nb.is_empty() || !t.doc.en.is_empty() {
        m.insert("description".into(), json!(c.text(&t.doc)));
    }
    m.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        m.insert("required".into(), Value::Array(required));
    }
    m.insert("additionalProperties".into(), json!(false));
    Value::Object(m)
}

fn field(schema: &InputSchema, c: &Cx<'_>, f: &FieldDef) -> Value {
    let mut s = ty(schema, c, &f.ty);
    // `blank = false`: at least one character that is not whitespace.
    if f.nonblank
        && let Value::Object(m) = &mut s
    {
        m.insert("pattern".into(), json!("\\S"));
    }
    let mut s = if f.nullable || f.absent == Absent::None {
        nullable(s)
    } else {
        s
    };
    // The words for an enum's values, as editors show them beside each value; a `null` the
    // field accepts gets its words too, so the two arrays stay parallel.
    if !f.labels.is_empty() {
        let target = match &mut s {
            Value::Object(m) if m.contains_key("items") => m.get_mut("items"),
            other => Some(other),
        };
        if let Some(Value::Object(m)) = target {
            let mut words: Vec<Value> = f.labels.iter().map(|t| json!(c.text(t))).collect();
            if m.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(&Value::Null))
            {
                words.push(json!(c.text(&Text::all(
                    "Oppgitt som ingen",
                    "Oppgitt som ingen",
                    "Stated as none"
                ))));
            }
            m.insert("enumDescriptions".into(), Value::Array(words));
        }
    }
    s
}

/// Adds `null` to what a schema accepts: in its `type` array where it has one, else by `anyOf`.
fn nullable(mut s: Value) -> Value {
    let Value::Object(m) = &mut s else { return s };
    if let Some(Value::String(t)) = m.get("type").cloned() {
        m.insert("type".into(), json!([t, "null"]));
        if let Some(Value::Array(values)) = m.get_mut("enum") {
            values.push(Value::Null);
        }
        return s;
    }
    json!({ "anyOf": [s, { "type": "null" }] })
}

fn ty(schema: &InputSchema, c: &Cx<'_>, t: &FieldType) -> Value {
    match t {
        FieldType::String { max_len } => {
            let mut m = json!({ "type": "string" });
            if let (Some(n), Value::Object(o)) = (max_len, &mut m) {
                o.insert("maxLength".into(), json!(n));
            }
            m
        }
        FieldType::Id { chars, .. } => id(chars),
        FieldType::KeyRef => match schema.key_field().map(|(_, f)| &f.ty) {
            Some(FieldType::Id { chars, .. }) => id(chars),
            _ => json!({ "type": "string", "minLength": 1 }),
        },
        FieldType::Bool => json!({ "type": "boolean" }),
        FieldType::Number { min, max, integer } => {
            let mut o = Map::new();
            o.insert(
                "type".into(),
                json!(if *integer { "integer" } else { "number" }),
            );
            if let Some(m) = min {
                o.insert("minimum".into(), number_json(*m));
            }
            if let Some(m) = max {
                o.insert("maximum".into(), number_json(*m));
            }
            Value::Object(o)
        }
        FieldType::Date => json!({ "type": "string", "format": "date", "pattern": DATE_PATTERN }),
        FieldType::Enum(values) => json!({ "type": "string", "enum": values }),
        FieldType::Ref { table } => match c.catalog.table(table) {
            Some(t) => {
                let mut o = Map::new();
                o.insert("type".into(), json!("string"));
                o.insert("enum".into(), json!(t.keys().collect::<Vec<_>>()));
                // The table's note travels with its keys: what a key stands for may rest on a
                // reading of the sources (which measures are joint with KS, and why).
                if !t.note.nb.is_empty() || !t.note.en.is_empty() {
                    o.insert("description".into(), json!(c.text(&t.note)));
                }
                if let Some(d) = row_texts(c, t) {
                    o.insert("enumDescriptions".into(), d);
                }
                Value::Object(o)
            }
            None => json!({ "type": "string" }),
        },
        FieldType::List { items, max_items } => {
            let mut o = Map::new();
            o.insert("type".into(), json!("array"));
            o.insert("items".into(), ty(schema, c, items));
            if let Some(n) = max_items {
                o.insert("maxItems".into(), json!(n));
            }
            Value::Object(o)
        }
        FieldType::Object(id) => match schema.types.get(*id) {
            Some(t) => json!({ "$ref": format!("#/$defs/{}", t.name) }),
            None => json!({ "type": "object" }),
        },
    }
}

/// Each row's text, in the order of the keys, where the table writes its rows' names in the
/// user-facing languages (its `title`, `name`, `text` or `label` column).
fn row_texts(c: &Cx<'_>, t: &crate::catalog::Table) -> Option<Value> {
    let col = ["title", "name", "text", "label"]
        .into_iter()
        .find(|n| t.column(n).is_some_and(|(_, col)| col.text))?;
    let tree = c.catalog.tree();
    let texts = t.rows().iter().map(|r| {
        let text = r
            .texts
            .iter()
            .find(|(i, _)| t.column(col).is_some_and(|(ci, _)| ci == *i))
            .map(|(_, x)| c.text(x))
            .or_else(|| t.text(tree, r, col, Lang::Nb).map(String::from))
            .unwrap_or_default();
        json!(text)
    });
    Some(Value::Array(texts.collect()))
}

fn id(chars: &str) -> Value {
    match CharSet::parse(chars) {
        Ok(set) => json!({ "type": "string", "pattern": format!("^{}+$", set.regex_class()) }),
        Err(_) => json!({ "type": "string", "minLength": 1 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn emits_const_enums_patterns_and_nullables() {
        let text = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "Dokument", en = "Document" }
[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "a-z", required = true }
when = { type = "date", nullable = true, doc = { nb = "Når", en = "When" } }
kind = { type = "enum", values = ["a", "b"], nullable = true }
tone = { type = "enum", values = ["a", "b"], nullable = true, labels = { b = { nb = "Be", en = "Bee" }, a = { nb = "A", en = "Ay" } } }
tones = { type = "list", items = "enum", values = ["a", "b"], labels = { a = { nb = "A", en = "Ay" }, b = { nb = "Be", en = "Bee" } } }
sub = { type = "sub", absent = "none" }
n = { type = "number", min = 0, integer = true }
[input.types.sub.fields]
x = { type = "bool" }
"#;
        let s = super::super::load(&SourceFile::new("input.toml", text)).unwrap();
        let j = json_schema(&s, &Catalog::default());
        assert_eq!(j["properties"]["schema"]["const"], "x/v1");
        assert_eq!(j["properties"]["id"]["pattern"], "^[a-z]+$");
        assert_eq!(j["properties"]["when"]["type"], json!(["string", "null"]));
        assert_eq!(j["properties"]["when"]["description"], "Når\n\n(en) When");
        assert_eq!(j["properties"]["kind"]["enum"], json!(["a", "b", null]));
        assert!(j["properties"]["kind"].get("enumDescriptions").is_none());
        // Words for an enum's values, in the order of the values, with words for the `null` it
        // accepts; for a list of enums, on its items.
        assert_eq!(
            j["properties"]["tone"]["enumDescriptions"],
            json!([
                "A\n\n(en) Ay",
                "Be\n\n(en) Bee",
                "Oppgitt som ingen\n\n(en) Stated as none"
            ])
        );
        assert_eq!(
            j["properties"]["tones"]["items"]["enumDescriptions"],
            json!(["A\n\n(en) Ay", "Be\n\n(en) Bee"])
        );
        assert_eq!(j["properties"]["sub"]["anyOf"][0]["$ref"], "#/$defs/sub");
        assert_eq!(
            j["properties"]["n"],
            json!({"type": "integer", "minimum": 0})
        );
        assert_eq!(j["required"], json!(["schema", "id"]));
        assert_eq!(j["additionalProperties"], false);
        assert_eq!(j["$defs"]["sub"]["additionalProperties"], false);
    }

    /// A catalog table's note (what its keys rest on) goes with the keys a field may take.
    #[test]
    fn a_catalog_refs_keys_carry_the_tables_note() {
        let cat = crate::catalog::load(&[SourceFile::new(
            "catalog.toml",
            r#"
[catalog.measures]
key = "id"
title = { nb = "Tiltak", en = "Measures" }
note = { nb = "Kilden sier 13, katalogen merker 11.", en = "The source says 13; the catalog marks 11." }
[[catalog.measures.rows]]
id = "M01"
[catalog.plain]
key = "id"
title = { nb = "Enkel", en = "Plain" }
[[catalog.plain.rows]]
id = "p"
"#,
        )])
        .unwrap();
        let text = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "Dokument", en = "Document" }
[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "a-z", required = true }
measures = { type = "list", items = "ref:measures" }
plain = { type = "ref:plain" }
"#;
        let s = super::super::load_against(&SourceFile::new("input.toml", text), &cat).unwrap();
        let j = json_schema(&s, &cat);
        assert_eq!(
            j["properties"]["measures"]["items"]["description"],
            "Kilden sier 13, katalogen merker 11.\n\n(en) The source says 13; the catalog marks 11."
        );
        assert_eq!(j["properties"]["measures"]["items"]["enum"], json!(["M01"]));
        assert_eq!(
            j["properties"]["plain"],
            json!({ "type": "string", "enum": ["p"] })
        );
    }
}
