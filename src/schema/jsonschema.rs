//! The input schema as JSON Schema (draft 2020-12), for editors and other tools.
//!
//! It agrees with [`super::validate`] on everything JSON Schema can say. What it cannot say is
//! left to the validator: duplicate keys (JSON Schema sees parsed JSON), the nesting and size
//! limits of the reader, and catalog refs only as far as an `enum` of today's keys goes.

use super::{Absent, CharSet, FieldDef, FieldType, InputSchema, ObjectType};
use crate::catalog::Catalog;
use crate::text::Text;
use crate::value::number_json;
use serde_json::{Map, Value, json};

const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// JSON Schema of a whole document of `schema`, with catalog refs as enums over `catalog`.
pub fn json_schema(schema: &InputSchema, catalog: &Catalog) -> Value {
    let mut defs = Map::new();
    for (i, t) in schema.types.iter().enumerate() {
        if i != schema.root {
            defs.insert(t.name.clone(), object(schema, catalog, t, false));
        }
    }
    let mut top = Map::new();
    top.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    top.insert("$id".into(), json!(format!("urn:samstyr:{}", schema.id)));
    top.insert("title".into(), json!(both(&schema.title)));
    if !schema.description.en.is_empty() || !schema.description.nb.is_empty() {
        top.insert("description".into(), json!(both(&schema.description)));
    }
    if let Some(root) = schema.types.get(schema.root)
        && let Value::Object(body) = object(schema, catalog, root, true)
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

/// Both languages in one description: bokmål first, as the default language of reports.
fn both(t: &Text) -> String {
    match (t.nb.is_empty(), t.en.is_empty()) {
        (false, false) => format!("{}\n\n(en) {}", t.nb, t.en),
        (false, true) => t.nb.clone(),
        _ => t.en.clone(),
    }
}

fn object(schema: &InputSchema, catalog: &Catalog, t: &ObjectType, is_root: bool) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in &t.fields {
        let mut s = if is_root && f.name == schema.schema_field {
            json!({ "const": schema.id })
        } else {
            field(schema, catalog, f)
        };
        if let Value::Object(m) = &mut s
            && (!f.doc.nb.is_empty() || !f.doc.en.is_empty())
        {
            m.insert("description".into(), json!(both(&f.doc)));
        }
        props.insert(f.name.clone(), s);
        if f.required {
            required.push(json!(f.name));
        }
    }
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    if !t.doc.nb.is_empty() || !t.doc.en.is_empty() {
        m.insert("description".into(), json!(both(&t.doc)));
    }
    m.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        m.insert("required".into(), Value::Array(required));
    }
    m.insert("additionalProperties".into(), json!(false));
    Value::Object(m)
}

fn field(schema: &InputSchema, catalog: &Catalog, f: &FieldDef) -> Value {
    let s = ty(schema, catalog, &f.ty);
    if f.nullable || f.absent == Absent::None {
        nullable(s)
    } else {
        s
    }
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

fn ty(schema: &InputSchema, catalog: &Catalog, t: &FieldType) -> Value {
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
        FieldType::Ref { table } => match catalog.table(table) {
            // The table's note travels with its keys: what a key stands for may rest on a
            // reading of the sources (which measures are joint with KS, and why).
            Some(t) if !t.note.nb.is_empty() || !t.note.en.is_empty() => json!({
                "type": "string",
                "enum": t.keys().collect::<Vec<_>>(),
                "description": both(&t.note),
            }),
            Some(t) => json!({ "type": "string", "enum": t.keys().collect::<Vec<_>>() }),
            None => json!({ "type": "string" }),
        },
        FieldType::List { items, max_items } => {
            let mut o = Map::new();
            o.insert("type".into(), json!("array"));
            o.insert("items".into(), ty(schema, catalog, items));
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
