//! Loading an input schema from a rule set's `input.toml` (`[input]`, `[input.types.*]`), with
//! every problem reported at once, each at its place in the file.

use super::{Absent, FieldDef, FieldType, InputSchema, ObjectType, TypeId};
use crate::catalog::Catalog;
use crate::diag::{Diagnostics, did_you_mean};
use crate::source::{SourceFile, Span};
use crate::spanned::{Toml, TomlProblem, span};
use crate::text::Text;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

const INPUT_KEYS: &[&str] = &[
    "schema",
    "schema_field",
    "key",
    "root",
    "title",
    "description",
    "types",
];
const TYPE_KEYS: &[&str] = &["doc", "fields"];
const FIELD_KEYS: &[&str] = &[
    "type",
    "required",
    "nullable",
    "absent",
    "doc",
    "blank",
    "chars",
    "max_len",
    "min",
    "max",
    "integer",
    "values",
    "labels",
    "items",
    "max_items",
];
const BUILTIN_TYPES: &[&str] = &[
    "string", "id", "bool", "number", "date", "enum", "key", "list",
];

/// A `ref:TABLE` use, kept so that the tables can be checked against a catalog.
#[derive(Debug, Clone)]
struct RefSite {
    table: String,
    span: Span,
}

/// Reads `input.toml`.
pub fn load(file: &SourceFile) -> Result<InputSchema, Diagnostics> {
    load_sites(file).map(|(s, _)| s)
}

/// Reads `input.toml` and checks that every `ref:TABLE` names a table of `catalog`.
pub fn load_against(file: &SourceFile, catalog: &Catalog) -> Result<InputSchema, Diagnostics> {
    let (schema, sites) = load_sites(file)?;
    let mut t = Toml::new(file);
    for site in sites {
        if catalog.table(&site.table).is_none() {
            let suggestion =
                did_you_mean(&site.table, catalog.tables.iter().map(|t| t.name.as_str()))
                    .map(String::from);
            t.push(
                &TomlProblem::UnknownTable {
                    table: site.table,
                    suggestion,
                },
                site.span,
            );
        }
    }
    t.diags.into_result(schema)
}

fn load_sites(file: &SourceFile) -> Result<(InputSchema, Vec<RefSite>), Diagnostics> {
    let mut t = Toml::new(file);
    let Some(doc) = t.parse(file.text()) else {
        return Err(t.diags);
    };
    let whole = Span::new(0, 0);
    t.check_keys(&doc, &["input"], "`input.toml`");
    let Some(input_v) = doc.get("input") else {
        t.missing("input", "`input.toml`", whole);
        return Err(t.diags);
    };
    let Some(input) = t.table("input", input_v) else {
        return Err(t.diags);
    };
    let at = span(input_v.span());
    t.check_keys(input, INPUT_KEYS, "`[input]`");
    let req_str = |t: &mut Toml, key: &str| -> Option<(String, Span)> {
        match input.get(key) {
            Some(v) => t.str(key, v).map(|s| (s.to_string(), span(v.span()))),
            None => {
                t.missing(key, "`[input]`", at);
                None
            }
        }
    };
    let id = req_str(&mut t, "schema");
    let key_field = req_str(&mut t, "key");
    let root = req_str(&mut t, "root");
    let schema_field = match input.get("schema_field") {
        Some(v) => t
            .str("schema_field", v)
            .map(|s| (s.to_string(), span(v.span()))),
        None => Some(("schema".to_string(), at)),
    };
    let title = match input.get("title") {
        Some(v) => t.text("title", v),
        None => {
            t.missing("title", "`[input]`", at);
            None
        }
    };
    let description = match input.get("description") {
        Some(v) => t.text("description", v),
        None => Some(Text::default()),
    };

    // Names first, so that fields may refer to types declared later.
    let mut names: Vec<(String, &DeTable<'_>, Span)> = Vec::new();
    match input.get("types") {
        Some(v) => {
            if let Some(types) = t.table("types", v) {
                for (k, tv) in Toml::entries(types) {
                    let name: &str = k.get_ref();
                    if let Some(tt) = t.table(name, tv) {
                        names.push((name.to_string(), tt, span(k.span())));
                    }
                }
            }
        }
        None => t.missing("types", "`[input]`", at),
    }
    let type_names: Vec<String> = names.iter().map(|(n, _, _)| n.clone()).collect();
    let mut sites = Vec::new();
    let mut types = Vec::new();
    for (name, tt, _) in &names {
        let place = format!("`[input.types.{name}]`");
        t.check_keys(tt, TYPE_KEYS, &place);
        let doc = match tt.get("doc") {
            Some(v) => t.text("doc", v).unwrap_or_default(),
            None => Text::default(),
        };
        let mut fields = Vec::new();
        match tt.get("fields") {
            Some(fv) => {
                if let Some(ft) = t.table("fields", fv) {
                    for (k, v) in Toml::entries(ft) {
                        let fname: &str = k.get_ref();
                        if let Some(f) = field(&mut t, &type_names, &mut sites, name, fname, v) {
                            fields.push(f);
                        }
                    }
                }
            }
            None => t.missing("fields", &place, span(0..0)),
        }
        types.push(ObjectType {
            name: name.clone(),
            doc,
            fields,
        });
    }

    let root_id = root.as_ref().and_then(|(r, sp)| {
        let found = type_names.iter().position(|n| n == r);
        if found.is_none() {
            let suggestion =
                did_you_mean(r, type_names.iter().map(String::as_str)).map(String::from);
            t.push(
                &TomlProblem::UnknownType {
                    name: r.clone(),
                    suggestion,
                },
                *sp,
            );
        }
        found
    });
    if let Some(rid) = root_id {
        let rt = types.get(rid);
        for (want, what) in [(&schema_field, "schema_field"), (&key_field, "key")] {
            let Some((fname, sp)) = want else { continue };
            match rt.and_then(|rt| rt.field(fname)) {
                None => t.push(
                    &TomlProblem::InvalidValue {
                        key: what.into(),
                        reason: format!("the root type has no field `{fname}`"),
                    },
                    *sp,
                ),
                Some((_, f)) => {
                    let ok = f.required
                        && matches!(f.ty, FieldType::String { .. } | FieldType::Id { .. });
                    if !ok {
                        t.push(
                            &TomlProblem::InvalidValue {
                                key: what.into(),
                                reason: format!(
                                    "field `{fname}` must be a required `string` or `id` field"
                                ),
                            },
                            *sp,
                        );
                    }
                }
            }
        }
    }

    let diags = t.diags;
    if !diags.is_empty() {
        return Err(diags);
    }
    match (id, key_field, schema_field, root_id, title, description) {
        (Some(id), Some(key), Some(sf), Some(root), Some(title), Some(description)) => Ok((
            InputSchema {
                id: id.0,
                schema_field: sf.0,
                key_field: key.0,
                title,
                description,
                root,
                types,
            },
            sites,
        )),
        // Every `None` above was reported.
        _ => Err(diags),
    }
}

fn field(
    t: &mut Toml,
    type_names: &[String],
    sites: &mut Vec<RefSite>,
    type_name: &str,
    name: &str,
    v: &Spanned<DeValue<'_>>,
) -> Option<FieldDef> {
    let place = format!("field `{type_name}.{name}`");
    let ft = t.table(name, v)?;
    t.check_keys(ft, FIELD_KEYS, &place);
    let at = span(v.span());
    let ty_v = match ft.get("type") {
        Some(tv) => tv,
        None => {
            t.missing("type", &place, at);
            return None;
        }
    };
    let ty_s = t.str("type", ty_v)?;
    let mut used = vec!["type", "required", "nullable", "absent", "doc", "labels"];
    let ty = field_type(
        t,
        type_names,
        sites,
        ty_s,
        span(ty_v.span()),
        ft,
        &mut used,
        true,
    )?;
    // Constraint keys that the type does not use are mistakes, not decoration.
    for (k, _) in Toml::entries(ft) {
        let key: &str = k.get_ref();
        if FIELD_KEYS.contains(&key) && !used.contains(&key) {
            t.push(
                &TomlProblem::NotApplicable {
                    key: key.into(),
                    ty: ty_s.into(),
                },
                span(k.span()),
            );
        }
    }
    let required = match ft.get("required") {
        Some(b) => t.bool("required", b).unwrap_or(false),
        None => false,
    };
    let nullable = match ft.get("nullable") {
        Some(b) => t.bool("nullable", b).unwrap_or(false),
        None => false,
    };
    let absent = match ft.get("absent") {
        None => Absent::Unknown,
        Some(a) => match t.str("absent", a) {
            Some("unknown") => Absent::Unknown,
            Some("empty") if matches!(ty, FieldType::List { .. }) => Absent::Empty,
            Some("none") => Absent::None,
            Some(other) => {
                let reason = if other == "empty" {
                    "`empty` applies only to lists".to_string()
                } else {
                    format!("`{other}`; use `unknown`, `empty` or `none`")
                };
                t.push(
                    &TomlProblem::InvalidValue {
                        key: "absent".into(),
                        reason,
                    },
                    span(a.span()),
                );
                Absent::Unknown
            }
            None => Absent::Unknown,
        },
    };
    if required && absent != Absent::Unknown {
        t.push(
            &TomlProblem::InvalidValue {
                key: "absent".into(),
                reason: "a required field is never absent".into(),
            },
            at,
        );
    }
    let doc = match ft.get("doc") {
        Some(d) => t.text("doc", d).unwrap_or_default(),
        None => Text::default(),
    };
    // `blank = false`: a string of only whitespace is no answer. `blank = true` is the default,
    // written out only for clarity.
    let nonblank = match ft.get("blank") {
        Some(b) => !t.bool("blank", b).unwrap_or(true),
        None => false,
    };
    let labels = match ft.get("labels") {
        Some(l) => labels(t, &ty, l),
        None => Vec::new(),
    };
    Some(FieldDef {
        plain: crate::json::plain_bytes(name.as_bytes()),
        name: name.into(),
        ty,
        required,
        nullable,
        absent,
        nonblank,
        doc,
        labels,
    })
}

/// `labels = { value = { nb, nn, en }, … }` of an enum field: words for every value or for
/// none (a form that names some values and shows others as code reads as unfinished), and no
/// words for a value the enum does not have. In the order of the enum's values.
fn labels(t: &mut Toml, ty: &FieldType, l: &Spanned<DeValue<'_>>) -> Vec<Text> {
    let values = match ty.enum_values() {
        Some(v) => v,
        None => {
            t.push(
                &TomlProblem::InvalidValue {
                    key: "labels".into(),
                    reason: "only an `enum` field (or a list of enums) has labels for its values"
                        .into(),
                },
                span(l.span()),
            );
            return Vec::new();
        }
    };
    let Some(table) = t.table("labels", l) else {
        return Vec::new();
    };
    for (k, _) in table.iter() {
        if !values.iter().any(|v| v == k.get_ref().as_ref()) {
            t.push(
                &TomlProblem::InvalidValue {
                    key: format!("labels.{}", k.get_ref()),
                    reason: format!(
                        "`{}` is not one of the enum's values ({})",
                        k.get_ref(),
                        values
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
                span(k.span()),
            );
        }
    }
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for v in values {
        match table.get(v.as_str()) {
            Some(x) => out.push(t.text(&format!("labels.{v}"), x).unwrap_or_default()),
            None => missing.push(format!("`{v}`")),
        }
    }
    if !missing.is_empty() {
        t.push(
            &TomlProblem::InvalidValue {
                key: "labels".into(),
                reason: format!(
                    "every value needs words once one has them; missing: {}",
                    missing.join(", ")
                ),
            },
            span(l.span()),
        );
        return Vec::new();
    }
    out
}

/// The type named `ty_s`; its constraint keys (`chars`, `min`, …) are read from `ft`, the field's
/// table, for a list's items as for a plain field.
#[allow(clippy::too_many_arguments)]
fn field_type(
    t: &mut Toml,
    type_names: &[String],
    sites: &mut Vec<RefSite>,
    ty_s: &str,
    at: Span,
    ft: &DeTable<'_>,
    used: &mut Vec<&'static str>,
    top: bool,
) -> Option<FieldType> {
    let ty = match ty_s {
        "string" => {
            used.extend(["max_len", "blank"]);
            let max_len = ft.get("max_len").and_then(|v| t.count("max_len", v));
            FieldType::String { max_len }
        }
        "id" => {
            used.push("chars");
            let chars = match ft.get("chars") {
                Some(v) => t.str("chars", v)?.to_string(),
                None => "A-Za-z0-9._-".to_string(),
            };
            match super::CharSet::parse(&chars) {
                Ok(set) => FieldType::Id { chars, set },
                Err(reason) => {
                    let at = ft.get("chars").map(|v| span(v.span())).unwrap_or_default();
                    t.push(
                        &TomlProblem::InvalidValue {
                            key: "chars".into(),
                            reason,
                        },
                        at,
                    );
                    return None;
                }
            }
        }
        "bool" => FieldType::Bool,
        "number" => {
            used.extend(["min", "max", "integer"]);
            let min = ft.get("min").and_then(|v| t.number("min", v));
            let max = ft.get("max").and_then(|v| t.number("max", v));
            let integer = ft
                .get("integer")
                .and_then(|v| t.bool("integer", v))
                .unwrap_or(false);
            FieldType::Number { min, max, integer }
        }
        "date" => FieldType::Date,
        "enum" => {
            used.push("values");
            let Some(vv) = ft.get("values") else {
                t.missing("values", "an `enum` field", at);
                return None;
            };
            let DeValue::Array(items) = vv.get_ref() else {
                t.wrong_type("values", "an array of strings", vv);
                return None;
            };
            let mut values = Vec::new();
            for item in items.iter() {
                if let Some(s) = t.str("values", item) {
                    values.push(s.to_string());
                }
            }
            if values.is_empty() {
                t.push(
                    &TomlProblem::InvalidValue {
                        key: "values".into(),
                        reason: "an enum needs at least one value".into(),
                    },
                    span(vv.span()),
                );
            }
            FieldType::Enum(values)
        }
        "key" => FieldType::KeyRef,
        "list" if top => {
            used.extend(["items", "max_items"]);
            let Some(iv) = ft.get("items") else {
                t.missing("items", "a `list` field", at);
                return None;
            };
            let items_s = t.str("items", iv)?;
            let items = field_type(
                t,
                type_names,
                sites,
                items_s,
                span(iv.span()),
                ft,
                used,
                false,
            )?;
            let max_items = ft.get("max_items").and_then(|v| t.count("max_items", v));
            FieldType::List {
                items: Box::new(items),
                max_items,
            }
        }
        other => {
            if let Some(table) = other.strip_prefix("ref:") {
                sites.push(RefSite {
                    table: table.to_string(),
                    span: at,
                });
                return Some(FieldType::Ref {
                    table: table.to_string(),
                });
            }
            if let Some(id) = type_names.iter().position(|n| n == other) {
                return Some(FieldType::Object(id as TypeId));
            }
            let reason_list = other == "list";
            let candidates = BUILTIN_TYPES
                .iter()
                .copied()
                .chain(type_names.iter().map(String::as_str));
            let suggestion = if reason_list {
                None
            } else {
                did_you_mean(other, candidates).map(String::from)
            };
            if reason_list {
                t.push(
                    &TomlProblem::InvalidValue {
                        key: "items".into(),
                        reason: "a list of lists is not supported".into(),
                    },
                    at,
                );
            } else {
                t.push(
                    &TomlProblem::UnknownType {
                        name: other.into(),
                        suggestion,
                    },
                    at,
                );
            }
            return None;
        }
    };
    Some(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<InputSchema, Diagnostics> {
        load(&SourceFile::new("input.toml", text))
    }

    const SMALL: &str = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "Dokument", en = "Document" }

[input.types.doc]
doc = { nb = "Et dokument", en = "A document" }
[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "a-z0-9-", required = true }
parts = { type = "list", items = "part", absent = "empty" }
size = { type = "number", min = 0, integer = true }

[input.types.part.fields]
when = { type = "date", nullable = true }
kind = { type = "enum", values = ["a", "b"] }
"#;

    #[test]
    fn loads_types_in_written_order() {
        let s = load_text(SMALL).unwrap();
        assert_eq!(s.id, "x/v1");
        assert_eq!(s.schema_field, "schema");
        let root = &s.types[s.root];
        let names: Vec<_> = root.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["schema", "id", "parts", "size"]);
        let part = s.types.iter().position(|t| t.name == "part").unwrap();
        assert_eq!(
            root.fields[2].ty,
            FieldType::List {
                items: Box::new(FieldType::Object(part)),
                max_items: None
            }
        );
        assert_eq!(root.fields[2].absent, Absent::Empty);
        assert_eq!(
            root.fields[3].ty,
            FieldType::Number {
                min: Some(0.0),
                max: None,
                integer: true
            }
        );
    }

    /// `blank = false` on a string field refuses a text of only whitespace (and only there: an
    /// empty or blank answer to a name or a reason is no answer); it means nothing on another type.
    #[test]
    fn blank_false_refuses_a_blank_text() {
        let text = SMALL.replace(
            "size = {",
            "name = { type = \"string\", blank = false }\nnote = { type = \"string\", nullable = true, blank = false }\nfree = { type = \"string\" }\nsize = {",
        );
        let s = load_text(&text).unwrap();
        let root = &s.types[s.root];
        let nonblank: Vec<_> = root
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.nonblank))
            .collect();
        assert!(nonblank.contains(&("name", true)) && nonblank.contains(&("free", false)));
        let check = |doc: &str| {
            super::super::validate(
                &s,
                &crate::catalog::Catalog::default(),
                SourceFile::new("d.json", doc),
            )
            .err()
            .map(|d| {
                d.iter()
                    .map(|d| (d.code, d.pointer.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
            })
        };
        let doc = |name: &str, note: &str, free: &str| {
            format!(
                r#"{{"schema": "x/v1", "id": "a", "name": {name}, "note": {note}, "free": {free}}}"#
            )
        };
        assert_eq!(check(&doc(r#""Ola""#, "null", r#""  ""#)), None);
        assert_eq!(check(&doc(r#"" x ""#, r#""grunn""#, r#""""#)), None);
        assert_eq!(
            check(&doc(r#""""#, "\" \\t\\n\u{a0}\"", r#""""#)),
            Some(vec![
                ("input::blank", "/name".into()),
                ("input::blank", "/note".into())
            ])
        );
        let wrong = SMALL.replace("min = 0,", "min = 0, blank = false,");
        let d = load_text(&wrong).unwrap_err();
        assert_eq!(d.0[0].code, "schema::not-applicable", "{d:?}");
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let bad = SMALL
            .replace("items = \"part\"", "items = \"prat\"")
            .replace("min = 0,", "minimum = 0,")
            .replace("en = \"A document\"", "eng = \"A document\"");
        let d = load_text(&bad).unwrap_err();
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"schema::unknown-type"), "{codes:?}");
        assert!(codes.contains(&"toml::unknown-key"), "{codes:?}");
        assert!(codes.contains(&"toml::missing-language"), "{codes:?}");
        let unknown = d.iter().find(|d| d.code == "schema::unknown-type").unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `part`?"));
        let (line, _) = unknown.line_col().unwrap();
        assert_eq!(line, 13);
    }

    #[test]
    fn enum_labels_are_words_for_every_value_or_none() {
        let with = |labels: &str| {
            SMALL.replace(
                "kind = { type = \"enum\", values = [\"a\", \"b\"] }",
                &format!(
                    "kind = {{ type = \"enum\", values = [\"a\", \"b\"], labels = {labels} }}"
                ),
            )
        };
        let s = load_text(&with(
            r#"{ b = { nb = "Be", en = "Bee" }, a = { nb = "A", nn = "A", en = "Ay" } }"#,
        ))
        .unwrap();
        let part = s.types.iter().find(|t| t.name == "part").unwrap();
        let kind = part.fields.iter().find(|f| f.name == "kind").unwrap();
        // In the order of the values, whatever the order written.
        assert_eq!(kind.labels.len(), 2);
        assert_eq!(kind.label("a").map(|t| t.en.as_str()), Some("Ay"));
        assert_eq!(kind.label("b").map(|t| t.nb.as_str()), Some("Be"));
        assert_eq!(kind.label("c"), None);

        let problems = |labels: &str| {
            let d = load_text(&with(labels)).unwrap_err();
            d.iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let unknown = problems(
            r#"{ a = { nb = "A", en = "A" }, b = { nb = "B", en = "B" }, c = { nb = "C", en = "C" } }"#,
        );
        assert!(
            unknown.contains("`c` is not one of the enum's values (`a`, `b`)"),
            "{unknown}"
        );
        let missing = problems(r#"{ a = { nb = "A", en = "A" } }"#);
        assert!(missing.contains("missing: `b`"), "{missing}");
        let untranslated = problems(r#"{ a = { nb = "A" }, b = { nb = "B", en = "B" } }"#);
        assert!(untranslated.contains("en"), "{untranslated}");
        let not_enum = load_text(&SMALL.replace(
            "size = { type = \"number\", min = 0, integer = true }",
            "size = { type = \"number\", min = 0, integer = true, labels = { a = { nb = \"A\", en = \"A\" } } }",
        ))
        .unwrap_err();
        assert!(
            not_enum
                .iter()
                .any(|d| d.message.contains("only an `enum` field")),
            "{not_enum:?}"
        );
    }

    #[test]
    fn constraint_keys_must_fit_the_type() {
        let bad = SMALL.replace(
            "when = { type = \"date\", nullable = true }",
            "when = { type = \"date\", min = 3 }",
        );
        let d = load_text(&bad).unwrap_err();
        assert_eq!(d.0[0].code, "schema::not-applicable");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let d = load_text("[input]\nschema = \n").unwrap_err();
        assert_eq!(d.0[0].code, "toml::syntax");
        assert!(d.0[0].line_col().is_some());
    }

    #[test]
    fn key_field_must_exist() {
        let d = load_text(&SMALL.replace("key = \"id\"", "key = \"ident\"")).unwrap_err();
        assert!(
            d.0[0].message.contains("no field `ident`"),
            "{}",
            d.0[0].message
        );
    }
}
