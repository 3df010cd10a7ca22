//! Loading a generator profile: the TOML file read with its spans, every setting checked against
//! the input schema and the catalog, and the whole compiled into a [`Plan`].
//!
//! The stages, like the rule loader's, one file each: [`read`] (TOML values and the top-level
//! sections), [`resolve`] (names against the schema and catalog; the walk over the schema),
//! [`check`] (settings against what a field allows) and [`lower`] (checked settings to the plan's
//! generators). This file holds the shared context [`Cx`] and the entry points.
//!
//! Every problem is reported at once, each at its place in the file. A field the profile does not
//! mention gets a default made from its schema type alone, so an empty profile works for any rule
//! set.

use super::error::ProfileError;
use super::plan::{
    FieldPlan, Gen, KeyGen, Len, Lit, ObjPlan, Part, Plan, Prob, Ref, Template, Unique, V,
};
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::schema::{FieldDef, FieldType, InputSchema, TypeId};
use crate::source::{SourceFile, Span};
use jiff::civil::Date;
use std::collections::HashMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod check;
mod lower;
mod read;
mod resolve;

type Val<'i> = Spanned<DeValue<'i>>;

/// A loaded, checked profile, ready to generate documents of one input schema.
#[derive(Debug, Clone)]
pub struct Profile {
    pub(crate) plan: Plan,
    /// Where it came from (a file name, or `defaults`).
    pub origin: String,
}

/// Loads and checks a profile written for `schema` and `catalog`.
pub fn load(
    file: &SourceFile,
    schema: &InputSchema,
    catalog: &Catalog,
) -> Result<Profile, Diagnostics> {
    let text = file.text();
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().map(|r| Span::new(r.start, r.end));
            let problem = ProfileError::Toml {
                message: e.message().trim_end_matches('.').to_string(),
            };
            return Err(Diagnostic::new(&problem, Some(file), span).into());
        }
    };
    compile(file, root.get_ref(), schema, catalog)
}

/// The profile of an empty file: every field from its schema type alone.
pub fn defaults(schema: &InputSchema, catalog: &Catalog) -> Result<Profile, Diagnostics> {
    let file = SourceFile::new("defaults", "");
    compile(&file, &DeTable::default(), schema, catalog)
}

fn compile(
    file: &SourceFile,
    top: &DeTable<'_>,
    schema: &InputSchema,
    catalog: &Catalog,
) -> Result<Profile, Diagnostics> {
    let mut cx = Cx::new(file, schema, catalog);
    let mut sections: HashMap<&str, &Val<'_>> = HashMap::new();
    for (k, v) in top {
        let name = k.get_ref().as_ref();
        if SECTIONS.contains(&name) {
            sections.insert(name, v);
        } else {
            cx.unknown_key(name, span_of(k), "the profile", SECTIONS);
        }
    }
    if let Some(g) = sections.get("generator") {
        cx.read_generator(g);
    }
    if let Some(p) = sections.get("pools") {
        cx.read_pools(p);
    }
    if let Some(f) = sections.get("fields") {
        cx.read_field_paths(f);
    }
    if let Some(v) = sections.get("vars") {
        cx.read_vars(v);
    }
    let mut steps = Vec::new();
    let root = cx.object(schema.root, &mut steps, "", &mut Vec::new());
    let key = cx.key.take().unwrap_or(Template {
        parts: vec![Part::Seq { width: 0 }],
        max_len: None,
    });
    let plan = Plan {
        lits: cx.lits,
        pools: cx.pools,
        vars: cx.vars,
        root,
        key,
        cycles: cx.cycles,
    };
    cx.diags.0.sort_by_key(|d| d.span.map(|s| s.start));
    cx.diags.into_result(Profile {
        plan,
        origin: file.name().to_string(),
    })
}

const SECTIONS: &[&str] = &["generator", "pools", "vars", "fields"];
const GENERATOR_KEYS: &[&str] = &["schema", "dates", "list_len", "description"];

/// The kind of value a setting produces, which decides the settings that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Str,
    Id,
    Enum,
    Ref,
    Bool,
    Num,
    Date,
    Key,
    List,
    Object,
}

impl Class {
    fn of(ty: &FieldType) -> Class {
        match ty {
            FieldType::String { .. } => Class::Str,
            FieldType::Id { .. } => Class::Id,
            FieldType::Enum(_) => Class::Enum,
            FieldType::Ref { .. } => Class::Ref,
            FieldType::Bool => Class::Bool,
            FieldType::Number { .. } => Class::Num,
            FieldType::Date => Class::Date,
            FieldType::KeyRef => Class::Key,
            FieldType::List { .. } => Class::List,
            FieldType::Object(_) => Class::Object,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Class::Str => "a string",
            Class::Id => "an id",
            Class::Enum => "an enum",
            Class::Ref => "a catalog reference",
            Class::Bool => "a bool",
            Class::Num => "a number",
            Class::Date => "a date",
            Class::Key => "a reference to another document",
            Class::List => "a list",
            Class::Object => "an object",
        }
    }

    /// Settings that make a value of this class (besides `absent`, `null`).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Class::Str => &[
                "value", "weights", "pool", "template", "from", "variants", "by", "cases",
            ],
            Class::Id => &[
                "value", "pool", "template", "from", "variants", "by", "cases",
            ],
            Class::Enum | Class::Ref | Class::Bool => {
                &["value", "weights", "from", "variants", "by", "cases"]
            }
            Class::Num => &[
                "value", "range", "log", "step", "from", "add", "variants", "by", "cases",
            ],
            Class::Date => &["value", "range", "from", "add", "variants", "by", "cases"],
            Class::Key => &["back", "dangling", "cycle"],
            Class::List => &["len", "unique"],
            Class::Object => &[],
        }
    }

    fn is_text(self) -> bool {
        matches!(self, Class::Str | Class::Id | Class::Enum | Class::Ref)
    }
}

/// The settings that choose how a value is made; at most one may be given.
const HEADS: &[&str] = &[
    "value", "weights", "pool", "template", "range", "from", "variants",
];

/// One step of a path from the document root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Step {
    Field(usize),
    Item,
}

/// What a reference reads: its class and, where known, its possible literal values.
#[derive(Debug, Clone)]
struct Target {
    class: Class,
    ty: Option<FieldType>,
    values: Option<Vec<u32>>,
}

struct VarInfo {
    name: String,
    class: Class,
    values: Option<Vec<u32>>,
}

/// An edge "field `after` reads field `before`" inside the object at `scope`.
struct Edge {
    scope: Vec<Step>,
    before: usize,
    after: usize,
    span: Span,
}

/// The settings table of one field, list item, variable, variant or case.
struct Spec<'a, 'i> {
    span: Span,
    entries: Vec<(&'a str, Span, &'a Val<'i>)>,
}

impl<'a, 'i> Spec<'a, 'i> {
    fn get(&self, key: &str) -> Option<&'a Val<'i>> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    fn key_span(&self, key: &str) -> Span {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or(self.span, |(_, s, _)| *s)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn without(&self, keys: &[&str]) -> Spec<'a, 'i> {
        Spec {
            span: self.span,
            entries: self
                .entries
                .iter()
                .filter(|(k, _, _)| !keys.contains(k))
                .copied()
                .collect(),
        }
    }
}

/// Where a setting stands, for messages and for the settings allowed there.
struct Site<'s> {
    path: &'s str,
    field: Option<&'s FieldDef>,
    /// A variable: reads only other variables.
    var: bool,
    /// Whether `absent` and `null` may be given here (on a field, not in a variant or case).
    presence: bool,
}

struct Cx<'a> {
    file: &'a SourceFile,
    schema: &'a InputSchema,
    catalog: &'a Catalog,
    diags: Diagnostics,
    lits: Vec<Lit>,
    lit_index: HashMap<Box<str>, u32>,
    pools: Vec<Vec<u32>>,
    pool_names: Vec<String>,
    vars: Vec<Gen>,
    var_info: Vec<VarInfo>,
    specs: HashMap<String, (Span, &'a Val<'a>)>,
    edges: Vec<Edge>,
    /// Object scopes enclosing the value being compiled, as lengths of the current step path.
    scopes: Vec<usize>,
    dates: (Date, i64),
    list_len: (u32, u32),
    cycles: Vec<Prob>,
    key: Option<Template>,
}

fn span_of<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

fn type_name(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a bool",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
    .to_string()
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A TOML number as a float and the count of its decimals (`0.25` → 2).
fn number(v: &DeValue<'_>) -> Option<(f64, u8)> {
    match v {
        DeValue::Integer(i) => {
            let s: String = i.as_str().chars().filter(|c| *c != '_').collect();
            i64::from_str_radix(&s, i.radix())
                .ok()
                .map(|n| (n as f64, 0))
        }
        DeValue::Float(f) => {
            let s: String = f.as_str().chars().filter(|c| *c != '_').collect();
            let x: f64 = s.parse().ok()?;
            if !x.is_finite() {
                return None;
            }
            let mantissa = s.split(['e', 'E']).next().unwrap_or("");
            let decimals = mantissa.split('.').nth(1).map_or(0, str::len);
            let exp: i64 = s
                .split(['e', 'E'])
                .nth(1)
                .and_then(|e| e.parse().ok())
                .unwrap_or(0);
            let d = (decimals as i64 - exp).clamp(0, 9) as u8;
            Some((x, d))
        }
        _ => None,
    }
}

fn to_units(x: f64, scale: u8) -> i64 {
    let f = x * 10f64.powi(i32::from(scale));
    // Saturating cast: bounds are checked against the schema before this matters.
    f.round() as i64
}

impl<'a> Cx<'a> {
    fn new(file: &'a SourceFile, schema: &'a InputSchema, catalog: &'a Catalog) -> Self {
        Cx {
            file,
            schema,
            catalog,
            diags: Diagnostics::new(),
            lits: Vec::new(),
            lit_index: HashMap::new(),
            pools: Vec::new(),
            pool_names: Vec::new(),
            vars: Vec::new(),
            var_info: Vec::new(),
            specs: HashMap::new(),
            edges: Vec::new(),
            scopes: Vec::new(),
            dates: (Date::constant(2020, 1, 1), 365 * 7),
            list_len: (0, 3),
            cycles: Vec::new(),
            key: None,
        }
    }

    fn err(&mut self, problem: ProfileError, span: Span) {
        self.diags.push(Diagnostic::at(&problem, self.file, span));
    }

    fn unknown_key(&mut self, key: &str, span: Span, place: &str, expected: &[&str]) {
        let suggestion = did_you_mean(key, expected.iter().copied()).map(str::to_string);
        self.err(
            ProfileError::UnknownKey {
                key: key.to_string(),
                place: place.to_string(),
                suggestion,
                expected: list(expected),
            },
            span,
        );
    }

    fn wrong(&mut self, v: &Val<'_>, expected: &str) {
        self.err(
            ProfileError::WrongType {
                expected: expected.to_string(),
                found: type_name(v.get_ref()),
            },
            span_of(v),
        );
    }

    fn lit(&mut self, raw: &str, json: String) -> u32 {
        if let Some(&i) = self.lit_index.get(json.as_str()) {
            return i;
        }
        let i = self.lits.len() as u32;
        self.lits.push(Lit {
            raw: raw.into(),
            json: json.clone().into(),
        });
        self.lit_index.insert(json.into(), i);
        i
    }

    fn str_lit(&mut self, s: &str) -> u32 {
        let json = serde_json::Value::String(s.to_string()).to_string();
        self.lit(s, json)
    }

    fn bool_lit(&mut self, b: bool) -> u32 {
        let s = if b { "true" } else { "false" };
        self.lit(s, s.to_string())
    }
}

fn cx_empty(cx: &mut Cx<'_>, lo: Date, hi: Date, v: &Val<'_>) {
    cx.err(
        ProfileError::EmptyRange {
            lo: lo.to_string(),
            hi: hi.to_string(),
        },
        span_of(v),
    );
}

/// Every setting name, for telling "does not apply here" from "no such setting".
const ALL_KEYS: &[&str] = &[
    "absent", "null", "value", "weights", "pool", "template", "range", "log", "step", "from",
    "add", "len", "unique", "back", "dangling", "cycle", "variants", "by", "cases", "weight",
];

fn clamp_u32(x: i64) -> u32 {
    x.clamp(0, i64::from(u32::MAX)) as u32
}

/// Whether a list's items are a type already being built (a type that contains itself).
fn stack_blocks(items: &FieldType, stack: &[TypeId]) -> bool {
    matches!(items, FieldType::Object(t) if stack.contains(t))
}

/// Whether `c` is allowed by a `chars` spec such as `A-Za-z0-9._-`.
fn id_char(c: char, chars: &str) -> bool {
    let spec: Vec<char> = chars.chars().collect();
    let mut i = 0;
    while let Some(&a) = spec.get(i) {
        if spec.get(i + 1) == Some(&'-')
            && let Some(&b) = spec.get(i + 2)
        {
            if (a..=b).contains(&c) {
                return true;
            }
            i += 3;
        } else {
            if a == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

/// The `$variables` a raw setting mentions (in `from`, `by` and templates), for ordering `[vars]`.
fn var_refs(v: &DeValue<'_>, out: &mut Vec<String>) {
    match v {
        DeValue::String(s) => {
            if let Some(n) = s.strip_prefix('$') {
                out.push(n.to_string());
            }
            let mut rest = s.as_ref();
            while let Some(i) = rest.find("{$") {
                let after = rest.get(i + 2..).unwrap_or("");
                let end = after.find(['}', ':']).unwrap_or(after.len());
                out.push(after.get(..end).unwrap_or("").to_string());
                rest = after;
            }
        }
        DeValue::Array(a) => a.iter().for_each(|x| var_refs(x.get_ref(), out)),
        DeValue::Table(t) => t.iter().for_each(|(_, x)| var_refs(x.get_ref(), out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_chars_read_ranges_and_single_characters() {
        let spec = "A-Za-z0-9._-";
        for c in ['a', 'Z', '5', '.', '_', '-'] {
            assert!(id_char(c, spec), "{c}");
        }
        for c in [' ', '/', 'ø'] {
            assert!(!id_char(c, spec), "{c}");
        }
    }

    #[test]
    fn numbers_keep_their_decimals() {
        let v = DeValue::parse("0.25").map(|v| number(v.get_ref()));
        assert_eq!(v.ok().flatten(), Some((0.25, 2)));
        let v = DeValue::parse("300_000_000").map(|v| number(v.get_ref()));
        assert_eq!(v.ok().flatten(), Some((300_000_000.0, 0)));
    }

    #[test]
    fn variable_references_are_found_in_templates() {
        let mut out = Vec::new();
        var_refs(
            &DeValue::String("{$owner}-{$start:year}-{seq}".into()),
            &mut out,
        );
        assert_eq!(out, ["owner", "start"]);
    }
}
