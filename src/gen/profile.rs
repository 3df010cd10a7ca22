//! Loading a generator profile: the TOML file read with its spans, every setting checked against
//! the input schema and the catalog, and the whole compiled into a [`Plan`].
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

    fn table<'v, 'i>(&mut self, v: &'v Val<'i>, what: &str) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong(v, what);
                None
            }
        }
    }

    fn spec<'v, 'i>(&mut self, v: &'v Val<'i>) -> Option<Spec<'v, 'i>> {
        let t = self.table(
            v,
            "a table of settings, like `{ weights = { a = 3, b = 1 } }`",
        )?;
        Some(Spec {
            span: span_of(v),
            entries: t
                .iter()
                .map(|(k, v)| (k.get_ref().as_ref(), span_of(k), v))
                .collect(),
        })
    }

    fn prob(&mut self, v: &Val<'_>, what: &str) -> Option<f64> {
        match number(v.get_ref()) {
            Some((p, _)) if (0.0..=1.0).contains(&p) => Some(p),
            Some((p, _)) => {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("`{what}`"),
                        why: format!("{p} is not a probability between 0 and 1"),
                    },
                    span_of(v),
                );
                None
            }
            None => {
                self.wrong(v, "a probability between 0 and 1");
                None
            }
        }
    }

    /// `[a, b]` of two values read by `read`.
    fn pair<T>(
        &mut self,
        v: &Val<'_>,
        what: &str,
        mut read: impl FnMut(&mut Self, &Val<'_>) -> Option<T>,
    ) -> Option<(T, T)> {
        let arr = match v.get_ref() {
            DeValue::Array(a) if a.len() == 2 => a,
            _ => {
                self.wrong(v, &format!("`[low, high]` of {what}"));
                return None;
            }
        };
        let a = read(self, arr.first()?);
        let b = read(self, arr.get(1)?);
        Some((a?, b?))
    }

    fn int(&mut self, v: &Val<'_>, what: &str) -> Option<i64> {
        match v.get_ref() {
            DeValue::Integer(_) => number(v.get_ref()).map(|(x, _)| x as i64),
            _ => {
                self.wrong(v, what);
                None
            }
        }
    }

    fn date(&mut self, v: &Val<'_>) -> Option<Date> {
        let text = match v.get_ref() {
            DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => {
                self.wrong(v, "a date `YYYY-MM-DD`");
                return None;
            }
        };
        match (text.len() == 10)
            .then(|| text.parse::<Date>().ok())
            .flatten()
        {
            Some(d) => Some(d),
            None => {
                self.err(ProfileError::BadDate { text }, span_of(v));
                None
            }
        }
    }

    fn int_range(&mut self, v: &Val<'_>, what: &str, min: i64) -> Option<(i64, i64)> {
        let (lo, hi) = self.pair(v, what, |cx, x| cx.int(x, "an integer"))?;
        if lo < min {
            self.err(
                ProfileError::OutOfBounds {
                    what: format!("{lo}"),
                    why: format!("{what} start at {min}"),
                },
                span_of(v),
            );
            return None;
        }
        if lo > hi {
            self.err(
                ProfileError::EmptyRange {
                    lo: lo.to_string(),
                    hi: hi.to_string(),
                },
                span_of(v),
            );
            return None;
        }
        Some((lo, hi))
    }

    // ---- sections ----

    fn read_generator(&mut self, v: &Val<'_>) {
        let Some(t) = self.table(v, "a table") else {
            return;
        };
        for (k, v) in t {
            match k.get_ref().as_ref() {
                "schema" => match v.get_ref().as_str() {
                    Some(s) if s == self.schema.id => {}
                    Some(s) => self.err(
                        ProfileError::SchemaMismatch {
                            found: s.to_string(),
                            expected: self.schema.id.clone(),
                        },
                        span_of(v),
                    ),
                    None => self.wrong(v, "a string"),
                },
                "description" => {
                    if !v.get_ref().is_str() {
                        self.wrong(v, "a string");
                    }
                }
                "dates" => {
                    if let Some((lo, hi)) = self.pair(v, "dates", |cx, x| cx.date(x)) {
                        let days = hi.duration_since(lo).as_hours() / 24;
                        if days < 0 {
                            self.err(
                                ProfileError::EmptyRange {
                                    lo: lo.to_string(),
                                    hi: hi.to_string(),
                                },
                                span_of(v),
                            );
                        } else {
                            self.dates = (lo, days);
                        }
                    }
                }
                "list_len" => {
                    if let Some((lo, hi)) = self.int_range(v, "list lengths", 0) {
                        self.list_len = (clamp_u32(lo), clamp_u32(hi));
                    }
                }
                other => self.unknown_key(other, span_of(k), "`[generator]`", GENERATOR_KEYS),
            }
        }
    }

    fn read_pools(&mut self, v: &Val<'_>) {
        let Some(t) = self.table(v, "a table of named string lists") else {
            return;
        };
        for (k, v) in t {
            let items = self.strings(v).unwrap_or_default();
            let lits = items.iter().map(|s| self.str_lit(s)).collect();
            self.pool_names.push(k.get_ref().to_string());
            self.pools.push(lits);
        }
    }

    fn strings(&mut self, v: &Val<'_>) -> Option<Vec<String>> {
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong(v, "a non-empty array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in a.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.wrong(item, "a string"),
            }
        }
        if out.is_empty() {
            self.wrong(v, "a non-empty array of strings");
            return None;
        }
        Some(out)
    }

    /// Indexes `[fields]` by path, reporting paths the schema does not have.
    fn read_field_paths(&mut self, v: &'a Val<'a>) {
        let Some(t) = self.table(v, "a table of field paths") else {
            return;
        };
        for (k, v) in t {
            let path = k.get_ref().as_ref();
            if self.resolve_path(path, span_of(k)).is_some() {
                self.specs.insert(path.to_string(), (span_of(k), v));
            }
        }
    }

    /// The steps and type of a field path (`items[].kind`), or an error at `span`.
    fn resolve_path(&mut self, path: &str, span: Span) -> Option<(Vec<Step>, FieldType)> {
        let schema = self.schema;
        let mut steps = Vec::new();
        let mut ty = FieldType::Object(schema.root);
        let mut within = String::new();
        for seg in path.split('.') {
            let name = seg.trim_end_matches("[]");
            let items = (seg.len() - name.len()) / 2;
            if name.is_empty() || name.len() + items * 2 != seg.len() {
                self.err(
                    ProfileError::BadPath {
                        path: path.to_string(),
                        why: format!("`{seg}` is not a field name"),
                        help: Some(
                            "write paths as `field.sub`, with `[]` after a list: `items[].kind`"
                                .into(),
                        ),
                    },
                    span,
                );
                return None;
            }
            let tid = match &ty {
                FieldType::Object(t) => *t,
                FieldType::List { .. } => {
                    self.err(
                        ProfileError::BadPath {
                            path: path.to_string(),
                            why: format!("`{within}` is a list"),
                            help: Some(format!("name its items as `{within}[]`")),
                        },
                        span,
                    );
                    return None;
                }
                _ => {
                    self.err(
                        ProfileError::BadPath {
                            path: path.to_string(),
                            why: format!("`{within}` has no fields"),
                            help: None,
                        },
                        span,
                    );
                    return None;
                }
            };
            let obj = schema.types.get(tid)?;
            let Some((slot, f)) = obj.field(name) else {
                let names: Vec<&str> = obj.fields.iter().map(|f| f.name.as_str()).collect();
                self.err(
                    ProfileError::UnknownField {
                        name: name.to_string(),
                        within: if within.is_empty() {
                            obj.name.clone()
                        } else {
                            within.clone()
                        },
                        suggestion: did_you_mean(name, names.iter().copied()).map(str::to_string),
                        fields: list(&names),
                    },
                    span,
                );
                return None;
            };
            steps.push(Step::Field(slot));
            ty = f.ty.clone();
            if !within.is_empty() {
                within.push('.');
            }
            within.push_str(name);
            for _ in 0..items {
                match ty {
                    FieldType::List { items, .. } => {
                        steps.push(Step::Item);
                        ty = *items;
                        within.push_str("[]");
                    }
                    _ => {
                        self.err(
                            ProfileError::BadPath {
                                path: path.to_string(),
                                why: format!("`{within}` is not a list, so `[]` cannot follow it"),
                                help: None,
                            },
                            span,
                        );
                        return None;
                    }
                }
            }
        }
        Some((steps, ty))
    }

    /// Reads `[vars]` in dependency order, so that a variable comes after those it reads.
    fn read_vars(&mut self, v: &'a Val<'a>) {
        let Some(t) = self.table(v, "a table of variables") else {
            return;
        };
        let entries: Vec<(&str, Span, &Val<'_>)> = t
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), span_of(k), v))
            .collect();
        let names: Vec<&str> = entries.iter().map(|(n, _, _)| *n).collect();
        let deps: Vec<Vec<usize>> = entries
            .iter()
            .map(|(_, _, v)| {
                let mut refs = Vec::new();
                var_refs(v.get_ref(), &mut refs);
                refs.iter()
                    .filter_map(|r| names.iter().position(|n| n == r))
                    .collect()
            })
            .collect();
        // Kahn's algorithm, keeping file order among the ready ones.
        let mut done = vec![false; entries.len()];
        let mut order = Vec::new();
        while order.len() < entries.len() {
            let next = (0..entries.len()).find(|&i| {
                !done.get(i).copied().unwrap_or(true)
                    && deps
                        .get(i)
                        .is_some_and(|d| d.iter().all(|&j| done.get(j).copied().unwrap_or(false)))
            });
            match next {
                Some(i) => {
                    if let Some(d) = done.get_mut(i) {
                        *d = true;
                    }
                    order.push(i);
                }
                None => {
                    let rest: Vec<String> = (0..entries.len())
                        .filter(|&i| !done.get(i).copied().unwrap_or(true))
                        .filter_map(|i| names.get(i).map(|n| format!("${n}")))
                        .collect();
                    let span = (0..entries.len())
                        .find(|&i| !done.get(i).copied().unwrap_or(true))
                        .and_then(|i| entries.get(i))
                        .map_or(Span::default(), |e| e.1);
                    self.err(
                        ProfileError::Cycle {
                            cycle: rest.join(" → "),
                        },
                        span,
                    );
                    return;
                }
            }
        }
        for i in order {
            let Some(&(name, _, v)) = entries.get(i) else {
                continue;
            };
            let Some(spec) = self.spec(v) else { continue };
            let class = self.var_class(&spec);
            let ty = match class {
                Class::Num => FieldType::Number {
                    min: None,
                    max: None,
                    integer: false,
                },
                Class::Date => FieldType::Date,
                Class::Bool => FieldType::Bool,
                _ => FieldType::String { max_len: None },
            };
            let path = format!("${name}");
            let site = Site {
                path: &path,
                field: None,
                var: true,
                presence: false,
            };
            let make = self.scalar_gen(Some(&spec), &ty, &[], &site);
            let values = self.values_of(&make);
            self.var_info.push(VarInfo {
                name: name.to_string(),
                class,
                values,
            });
            self.vars.push(make);
        }
    }

    /// A variable's class, from the setting that makes it.
    fn var_class(&mut self, spec: &Spec<'_, '_>) -> Class {
        if let Some(r) = spec.get("range").and_then(|v| v.get_ref().as_array()) {
            if r.iter().any(|x| x.get_ref().is_datetime()) {
                return Class::Date;
            }
            return Class::Num;
        }
        if let Some(v) = spec.get("value") {
            return match v.get_ref() {
                DeValue::Integer(_) | DeValue::Float(_) => Class::Num,
                DeValue::Datetime(_) => Class::Date,
                DeValue::Boolean(_) => Class::Bool,
                _ => Class::Str,
            };
        }
        if let Some(f) = spec.get("from").and_then(|v| v.get_ref().as_str())
            && let Some(name) = f.strip_prefix('$')
            && let Some(info) = self.var_info.iter().find(|i| i.name == name)
        {
            return info.class;
        }
        if let Some(DeValue::Array(a)) = spec.get("variants").map(|v| v.get_ref())
            && let Some(DeValue::Table(t)) = a.first().map(|v| v.get_ref())
        {
            let inner = Spec {
                span: spec.span,
                entries: t
                    .iter()
                    .map(|(k, v)| (k.get_ref().as_ref(), span_of(k), v))
                    .collect(),
            };
            return self.var_class(&inner);
        }
        Class::Str
    }

    /// The literals a generator can produce, when it produces only literals.
    fn values_of(&self, g: &Gen) -> Option<Vec<u32>> {
        match g {
            Gen::Const(V::Lit(l)) => Some(vec![*l]),
            Gen::Choice { lits, .. } => Some(lits.clone()),
            Gen::Variants { gens, .. } => {
                let mut all = Vec::new();
                for g in gens {
                    all.extend(self.values_of(g)?);
                }
                Some(all)
            }
            Gen::By { cases, default, .. } => {
                let mut all = self.values_of(default)?;
                for (_, g) in cases {
                    all.extend(self.values_of(g)?);
                }
                Some(all)
            }
            Gen::Copy {
                src: Ref::Var(i), ..
            } => self.var_info.get(*i)?.values.clone(),
            _ => None,
        }
    }

    // ---- the schema walk ----

    fn object(
        &mut self,
        tid: TypeId,
        steps: &mut Vec<Step>,
        path: &str,
        stack: &mut Vec<TypeId>,
    ) -> ObjPlan {
        let schema = self.schema;
        let Some(obj) = schema.types.get(tid) else {
            return ObjPlan {
                fields: Vec::new(),
                order: Vec::new(),
            };
        };
        stack.push(tid);
        self.scopes.push(steps.len());
        let is_root = steps.is_empty();
        let mut fields = Vec::with_capacity(obj.fields.len());
        for (slot, f) in obj.fields.iter().enumerate() {
            let fpath = if path.is_empty() {
                f.name.clone()
            } else {
                format!("{path}.{}", f.name)
            };
            steps.push(Step::Field(slot));
            let entry = self.specs.get(&fpath).copied();
            let spec = entry.and_then(|(_, v)| self.spec(v));
            let site = Site {
                path: &fpath,
                field: Some(f),
                var: false,
                presence: true,
            };
            let (absent, null) = self.presence(spec.as_ref(), &site);
            let make = if is_root && f.name == schema.schema_field {
                self.schema_field(spec.as_ref(), &fpath)
            } else if is_root && f.name == schema.key_field {
                self.key_field(spec.as_ref(), f, &fpath)
            } else {
                self.value_gen(spec.as_ref(), &f.ty, steps, &site, stack)
            };
            steps.pop();
            fields.push(FieldPlan {
                name: f.name.as_str().into(),
                json_name: format!("{}:", serde_json::Value::String(f.name.clone())).into(),
                absent,
                null,
                make,
            });
        }
        self.scopes.pop();
        stack.pop();
        let order = self.order(steps, fields.len(), path);
        ObjPlan { fields, order }
    }

    /// Generation order inside the object at `steps`: schema order, except that a field comes
    /// after the fields its settings read.
    fn order(&mut self, steps: &[Step], n: usize, path: &str) -> Vec<usize> {
        let edges: Vec<(usize, usize, Span)> = self
            .edges
            .iter()
            .filter(|e| e.scope == steps)
            .map(|e| (e.before, e.after, e.span))
            .collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let ready = (0..n).find(|&i| {
                !done.get(i).copied().unwrap_or(true)
                    && edges
                        .iter()
                        .filter(|(_, a, _)| *a == i)
                        .all(|(b, _, _)| done.get(*b).copied().unwrap_or(true))
            });
            match ready {
                Some(i) => {
                    if let Some(d) = done.get_mut(i) {
                        *d = true;
                    }
                    order.push(i);
                }
                None => {
                    let names = self.field_names(steps);
                    let stuck: Vec<String> = (0..n)
                        .filter(|&i| !done.get(i).copied().unwrap_or(true))
                        .filter(|i| edges.iter().any(|(b, a, _)| a == i || b == i))
                        .map(|i| {
                            let name = names.get(i).cloned().unwrap_or_default();
                            if path.is_empty() {
                                name
                            } else {
                                format!("{path}.{name}")
                            }
                        })
                        .collect();
                    let span = edges
                        .iter()
                        .find(|(_, a, _)| !done.get(*a).copied().unwrap_or(true))
                        .map_or(Span::default(), |e| e.2);
                    self.err(
                        ProfileError::Cycle {
                            cycle: stuck.join(" ↔ "),
                        },
                        span,
                    );
                    // Fall back to schema order so the rest can still be checked.
                    for i in 0..n {
                        if !done.get(i).copied().unwrap_or(true) {
                            order.push(i);
                        }
                    }
                    break;
                }
            }
        }
        order
    }

    /// The field names of the object type at `steps`.
    fn field_names(&self, steps: &[Step]) -> Vec<String> {
        let mut ty = FieldType::Object(self.schema.root);
        for s in steps {
            ty = match (s, ty) {
                (Step::Field(i), FieldType::Object(t)) => {
                    match self.schema.types.get(t).and_then(|o| o.fields.get(*i)) {
                        Some(f) => f.ty.clone(),
                        None => return Vec::new(),
                    }
                }
                (Step::Item, FieldType::List { items, .. }) => *items,
                _ => return Vec::new(),
            };
        }
        match ty {
            FieldType::Object(t) => self
                .schema
                .types
                .get(t)
                .map(|o| o.fields.iter().map(|f| f.name.clone()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The chances of absence and of `null`.
    fn presence(&mut self, spec: Option<&Spec<'_, '_>>, site: &Site<'_>) -> (Prob, Prob) {
        let Some(spec) = spec else {
            return (Prob::NEVER, Prob::NEVER);
        };
        if !site.presence {
            return (Prob::NEVER, Prob::NEVER);
        }
        let mut absent = Prob::NEVER;
        let mut null = Prob::NEVER;
        if let (Some(v), Some(f)) = (spec.get("absent"), site.field) {
            if f.required {
                self.err(
                    ProfileError::RequiredAbsent {
                        path: site.path.to_string(),
                    },
                    spec.key_span("absent"),
                );
            } else if let Some(p) = self.prob(v, "absent") {
                absent = Prob::from_f64(p);
            }
        }
        if let (Some(v), Some(f)) = (spec.get("null"), site.field) {
            if !f.nullable {
                self.err(
                    ProfileError::NotNullable {
                        path: site.path.to_string(),
                    },
                    spec.key_span("null"),
                );
            } else if let Some(p) = self.prob(v, "null") {
                null = Prob::from_f64(p);
            }
        }
        (absent, null)
    }

    fn schema_field(&mut self, spec: Option<&Spec<'_, '_>>, path: &str) -> Gen {
        let id = self.schema.id.clone();
        if let Some(spec) = spec {
            for (k, span, v) in &spec.entries {
                match *k {
                    "value" => {
                        if v.get_ref().as_str() != Some(id.as_str()) {
                            self.err(
                                ProfileError::UnknownValue {
                                    value: v.get_ref().as_str().unwrap_or("?").to_string(),
                                    path: path.to_string(),
                                    suggestion: Some(id.clone()),
                                    values: format!("`{id}`"),
                                },
                                span_of(v),
                            );
                        }
                    }
                    other => self.err(
                        ProfileError::NotApplicable {
                            key: other.to_string(),
                            path: path.to_string(),
                            what: "it names the input format and is always its id".into(),
                            allowed: "`value`".into(),
                        },
                        *span,
                    ),
                }
            }
        }
        Gen::Const(V::Lit(self.str_lit(&id)))
    }

    fn key_field(&mut self, spec: Option<&Spec<'_, '_>>, f: &FieldDef, path: &str) -> Gen {
        let mut text = "{seq}".to_string();
        let mut span = Span::default();
        if let Some(spec) = spec {
            for (k, kspan, v) in &spec.entries {
                match *k {
                    "template" => match v.get_ref().as_str() {
                        Some(s) => {
                            text = s.to_string();
                            span = span_of(v);
                        }
                        None => self.wrong(v, "a string"),
                    },
                    other => self.err(
                        ProfileError::NotApplicable {
                            key: other.to_string(),
                            path: path.to_string(),
                            what: "the key of every document is made from a template".into(),
                            allowed: "`template`".into(),
                        },
                        *kspan,
                    ),
                }
            }
        }
        let max_len = match &f.ty {
            FieldType::String { max_len } => *max_len,
            _ => None,
        };
        let site = Site {
            path,
            field: Some(f),
            var: false,
            presence: true,
        };
        let Some(t) = self.template(&text, span, max_len, &[], &site) else {
            return Gen::Const(V::Absent);
        };
        let bad = |why: &str| ProfileError::KeyTemplate {
            field: path.to_string(),
            why: why.to_string(),
        };
        let mut ok = true;
        for p in &t.parts {
            match p {
                Part::Ref {
                    src: Ref::Field { .. },
                    ..
                } => {
                    self.err(bad("it reads a field; use a `$variable` instead"), span);
                    ok = false;
                }
                Part::Pool(_) => {
                    self.err(
                        bad("it draws from a pool; put the pool in a `$variable`"),
                        span,
                    );
                    ok = false;
                }
                _ => {}
            }
        }
        let ends_in_seq = match t.parts.as_slice() {
            [Part::Seq { .. }] => true,
            [.., Part::Text(sep), Part::Seq { .. }] => {
                sep.chars().last().is_some_and(|c| !c.is_ascii_digit())
            }
            _ => false,
        };
        if ok && !ends_in_seq {
            self.err(bad("it does not end in `{seq}` after a non-digit"), span);
            ok = false;
        }
        if ok && max_len.is_some() {
            self.err(
                bad("the key field has a `max_len`, which could cut the sequence number off"),
                span,
            );
        }
        if let FieldType::Id { chars, .. } = &f.ty {
            self.check_id_template(&t, chars, span, path);
        }
        self.key = Some(t.clone());
        Gen::Template(t)
    }

    /// Any value: structure here, scalars in [`Cx::scalar_gen`].
    fn value_gen(
        &mut self,
        spec: Option<&Spec<'_, '_>>,
        ty: &FieldType,
        steps: &mut Vec<Step>,
        site: &Site<'_>,
        stack: &mut Vec<TypeId>,
    ) -> Gen {
        let class = Class::of(ty);
        match ty {
            FieldType::Object(tid) => {
                if let Some(spec) = spec {
                    self.check_keys(spec, class, site);
                }
                if stack.contains(tid) {
                    // A type that contains itself: stop here rather than recurse forever.
                    return Gen::Const(V::Absent);
                }
                Gen::Object(self.object(*tid, steps, site.path, stack))
            }
            FieldType::List { items, max_items } => {
                let (lo, hi) = self.list_len;
                let mut len = Len::Range(lo, hi);
                let mut unique = Unique::No;
                if let Some(spec) = spec {
                    self.check_keys(spec, class, site);
                    if let Some(v) = spec.get("len")
                        && let Some(l) = self.len(v)
                    {
                        let longest = match &l {
                            Len::Range(_, hi) => *hi,
                            Len::Weighted { lens, .. } => lens.iter().copied().max().unwrap_or(0),
                        };
                        if let Some(m) = max_items
                            && longest as usize > *m
                        {
                            self.err(
                                ProfileError::OutOfBounds {
                                    what: format!("length {longest}"),
                                    why: format!("`{}` holds at most {m} items", site.path),
                                },
                                span_of(v),
                            );
                        }
                        len = l;
                    }
                    if let Some(v) = spec.get("unique") {
                        unique = self.unique(v, items, site.path);
                    }
                }
                if let (Some(m), Len::Range(lo, hi)) = (max_items, &mut len) {
                    let m = clamp_u32(*m as i64);
                    *lo = (*lo).min(m);
                    *hi = (*hi).min(m);
                }
                if stack_blocks(items, stack) {
                    return Gen::List {
                        len: Len::Range(0, 0),
                        item: Box::new(Gen::Const(V::Absent)),
                        unique,
                    };
                }
                let item_path = format!("{}[]", site.path);
                let entry = self.specs.get(&item_path).copied();
                let item_spec = entry.and_then(|(_, v)| self.spec(v));
                let item_site = Site {
                    path: &item_path,
                    field: None,
                    var: false,
                    presence: false,
                };
                steps.push(Step::Item);
                let item = self.value_gen(item_spec.as_ref(), items, steps, &item_site, stack);
                steps.pop();
                Gen::List {
                    len,
                    item: Box::new(item),
                    unique,
                }
            }
            FieldType::KeyRef => {
                let mut k = KeyGen {
                    back: (1, 100),
                    dangling: Prob::NEVER,
                    cycle: None,
                };
                if let Some(spec) = spec {
                    self.check_keys(spec, class, site);
                    if let Some(v) = spec.get("back")
                        && let Some((lo, hi)) = self.int_range(v, "distances back", 1)
                    {
                        k.back = (lo as u64, hi as u64);
                    }
                    if let Some(v) = spec.get("dangling")
                        && let Some(p) = self.prob(v, "dangling")
                    {
                        k.dangling = Prob::from_f64(p);
                    }
                    if let Some(v) = spec.get("cycle")
                        && let Some(p) = self.prob(v, "cycle")
                        && p > 0.0
                    {
                        if self.cycles.len() >= 64 {
                            self.err(
                                ProfileError::OutOfBounds {
                                    what: "`cycle`".into(),
                                    why: "at most 64 fields may make cycles".into(),
                                },
                                span_of(v),
                            );
                        } else {
                            k.cycle = Some(self.cycles.len());
                            self.cycles.push(Prob::from_f64(p));
                        }
                    }
                }
                Gen::Key(k)
            }
            _ => self.scalar_gen(spec, ty, steps, site),
        }
    }

    /// `len = [lo, hi]`, or weighted lengths `len = { 0 = 6, 1 = 3, 2 = 1 }`.
    fn len(&mut self, v: &Val<'_>) -> Option<Len> {
        let DeValue::Table(t) = v.get_ref() else {
            let (lo, hi) = self.int_range(v, "list lengths", 0)?;
            return Some(Len::Range(clamp_u32(lo), clamp_u32(hi)));
        };
        let mut lens = Vec::new();
        let mut cum = Vec::new();
        let mut total: u64 = 0;
        for (k, w) in t {
            let Ok(n) = k.get_ref().parse::<u32>() else {
                self.err(
                    ProfileError::WrongType {
                        expected: "a list length (0, 1, 2, …)".into(),
                        found: format!("`{}`", k.get_ref()),
                    },
                    span_of(k),
                );
                continue;
            };
            let Some(weight) = self.weight(w) else {
                continue;
            };
            total = total.saturating_add(weight);
            lens.push(n);
            cum.push(total);
        }
        if total == 0 {
            self.err(ProfileError::ZeroWeights, span_of(v));
            return None;
        }
        Some(Len::Weighted { lens, cum })
    }

    fn weight(&mut self, w: &Val<'_>) -> Option<u64> {
        match number(w.get_ref()) {
            Some((x, _)) if (0.0..1e12).contains(&x) => Some((x * 1_000_000.0).round() as u64),
            _ => {
                self.wrong(w, "a weight of 0 or more");
                None
            }
        }
    }

    fn unique(&mut self, v: &Val<'_>, items: &FieldType, path: &str) -> Unique {
        match v.get_ref() {
            DeValue::Boolean(true) => Unique::Whole,
            DeValue::Boolean(false) => Unique::No,
            DeValue::String(name) => {
                let FieldType::Object(tid) = items else {
                    self.err(
                        ProfileError::WrongType {
                            expected: "`true`: the items have no fields".into(),
                            found: "a field name".into(),
                        },
                        span_of(v),
                    );
                    return Unique::No;
                };
                let Some(obj) = self.schema.types.get(*tid) else {
                    return Unique::No;
                };
                match obj.field(name) {
                    Some((slot, _)) => Unique::Field(slot),
                    None => {
                        let names: Vec<&str> = obj.fields.iter().map(|f| f.name.as_str()).collect();
                        self.err(
                            ProfileError::UnknownField {
                                name: name.to_string(),
                                within: format!("{path}[]"),
                                suggestion: did_you_mean(name, names.iter().copied())
                                    .map(str::to_string),
                                fields: list(&names),
                            },
                            span_of(v),
                        );
                        Unique::No
                    }
                }
            }
            _ => {
                self.wrong(v, "`true` or the name of an item field");
                Unique::No
            }
        }
    }

    /// Reports settings that are unknown or do not apply to this class and place.
    fn check_keys(&mut self, spec: &Spec<'_, '_>, class: Class, site: &Site<'_>) {
        let mut allowed: Vec<&str> = class.keys().to_vec();
        if site.presence && site.field.is_some() {
            allowed.extend(["absent", "null"]);
        }
        for (k, span, _) in &spec.entries {
            if allowed.contains(k) {
                continue;
            }
            let known = ALL_KEYS.contains(k);
            if known {
                let what = if matches!(*k, "absent" | "null") {
                    "it is a list item or a variable, which is always present".to_string()
                } else {
                    format!("it is {}", class.name())
                };
                self.err(
                    ProfileError::NotApplicable {
                        key: k.to_string(),
                        path: site.path.to_string(),
                        what,
                        allowed: list(&allowed),
                    },
                    *span,
                );
            } else {
                self.unknown_key(
                    k,
                    *span,
                    &format!("the settings of `{}`", site.path),
                    &allowed,
                );
            }
        }
    }

    /// Scalars, and the choices among ways of making them (`by`/`cases`).
    fn scalar_gen(
        &mut self,
        spec: Option<&Spec<'_, '_>>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Gen {
        let class = Class::of(ty);
        let Some(spec) = spec else {
            return self.default_gen(ty, site);
        };
        self.check_keys(spec, class, site);
        if spec.has("cases") && !spec.has("by") {
            self.err(
                ProfileError::Needs {
                    key: "cases".into(),
                    needs: "by".into(),
                },
                spec.key_span("cases"),
            );
        }
        if let Some(by) = spec.get("by") {
            let default = self.core_gen(
                &spec.without(&["by", "cases", "absent", "null"]),
                ty,
                steps,
                site,
            );
            let Some((src, target)) = self.reference(by, steps, site) else {
                return default;
            };
            let Some(cases_v) = spec.get("cases") else {
                self.err(
                    ProfileError::Needs {
                        key: "by".into(),
                        needs: "cases".into(),
                    },
                    spec.key_span("by"),
                );
                return default;
            };
            let Some(table) = self.table(cases_v, "a table from values to settings") else {
                return default;
            };
            let mut cases = Vec::new();
            for (k, v) in table {
                let key = k.get_ref().as_ref();
                let Some(lit) = self.case_lit(key, span_of(k), &target, by) else {
                    continue;
                };
                let Some(case_spec) = self.spec(v) else {
                    continue;
                };
                let case_site = Site {
                    path: site.path,
                    field: site.field,
                    var: site.var,
                    presence: false,
                };
                let g = self.scalar_gen(Some(&case_spec), ty, steps, &case_site);
                cases.push((lit, g));
            }
            return Gen::By {
                src,
                cases,
                default: Box::new(default),
            };
        }
        self.core_gen(&spec.without(&["absent", "null"]), ty, steps, site)
    }

    /// The literal a case key stands for, checked against the values the reference can have.
    fn case_lit(&mut self, key: &str, span: Span, target: &Target, by: &Val<'_>) -> Option<u32> {
        let what = by.get_ref().as_str().unwrap_or("?").to_string();
        match target.class {
            Class::Bool => match key {
                "true" => Some(self.bool_lit(true)),
                "false" => Some(self.bool_lit(false)),
                _ => {
                    self.err(
                        ProfileError::UnknownValue {
                            value: key.to_string(),
                            path: what,
                            suggestion: None,
                            values: "`true`, `false`".into(),
                        },
                        span,
                    );
                    None
                }
            },
            c if c.is_text() => {
                let lit = self.str_lit(key);
                let known: Option<Vec<String>> = match (&target.ty, &target.values) {
                    (_, Some(vals)) => Some(
                        vals.iter()
                            .filter_map(|&l| self.lits.get(l as usize).map(|x| x.raw.to_string()))
                            .collect(),
                    ),
                    (Some(ty), None) => self.domain(ty),
                    _ => None,
                };
                if let Some(known) = known
                    && !known.iter().any(|k| k == key)
                {
                    self.unknown_value(key, &what, &known, span);
                    return None;
                }
                Some(lit)
            }
            _ => {
                self.err(
                    ProfileError::BadRef {
                        target: what,
                        why: format!(
                            "`by` chooses among values, and this is {}",
                            target.class.name()
                        ),
                    },
                    span_of(by),
                );
                None
            }
        }
    }

    fn unknown_value(&mut self, value: &str, path: &str, known: &[String], span: Span) {
        let shown: Vec<&str> = known.iter().map(String::as_str).take(30).collect();
        self.err(
            ProfileError::UnknownValue {
                value: value.to_string(),
                path: path.to_string(),
                suggestion: did_you_mean(value, known.iter().map(String::as_str))
                    .map(str::to_string),
                values: list(&shown),
            },
            span,
        );
    }

    /// The values an enum or catalog reference can take.
    fn domain(&self, ty: &FieldType) -> Option<Vec<String>> {
        match ty {
            FieldType::Enum(vals) => Some(vals.clone()),
            FieldType::Ref { table } => Some(
                self.catalog
                    .table(table)
                    .map(|t| t.keys().map(str::to_string).collect())
                    .unwrap_or_default(),
            ),
            FieldType::Bool => Some(vec!["true".into(), "false".into()]),
            _ => None,
        }
    }

    /// One way of making the value: the `HEADS` settings (at most one) and their companions.
    fn core_gen(
        &mut self,
        spec: &Spec<'_, '_>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Gen {
        let class = Class::of(ty);
        let heads: Vec<&str> = HEADS.iter().copied().filter(|h| spec.has(h)).collect();
        if let [a, b, ..] = heads.as_slice() {
            self.err(
                ProfileError::Conflict {
                    a: a.to_string(),
                    b: b.to_string(),
                },
                spec.key_span(b),
            );
        }
        for (companion, head) in [("add", "from"), ("log", "range"), ("step", "range")] {
            if spec.has(companion) && !spec.has(head) {
                self.err(
                    ProfileError::Needs {
                        key: companion.into(),
                        needs: head.into(),
                    },
                    spec.key_span(companion),
                );
            }
        }
        let Some(head) = heads.first().copied() else {
            return self.default_gen(ty, site);
        };
        let Some(v) = spec.get(head) else {
            return self.default_gen(ty, site);
        };
        let made = match head {
            "value" => self.value(v, ty, site).map(Gen::Const),
            "weights" => self.weights(v, ty, site),
            "pool" => self.pool(v, ty, site),
            "template" => match v.get_ref().as_str() {
                Some(s) => {
                    let max_len = match ty {
                        FieldType::String { max_len } => *max_len,
                        _ => None,
                    };
                    let t = self.template(s, span_of(v), max_len, steps, site);
                    if let (Some(t), FieldType::Id { chars, .. }) = (&t, ty) {
                        self.check_id_template(t, chars, span_of(v), site.path);
                    }
                    t.map(Gen::Template)
                }
                None => {
                    self.wrong(v, "a string");
                    None
                }
            },
            "range" => match class {
                Class::Num => self.num_range(spec, v, ty, site),
                Class::Date => self
                    .pair(v, "dates", |cx, x| cx.date(x))
                    .and_then(|(lo, hi)| {
                        let days = hi.duration_since(lo).as_hours() / 24;
                        if days < 0 {
                            cx_empty(self, lo, hi, v);
                            None
                        } else {
                            Some(Gen::Date { lo, days })
                        }
                    }),
                _ => None,
            },
            "from" => self.from(spec, v, ty, steps, site),
            "variants" => self.variants(v, ty, steps, site),
            _ => None,
        };
        made.unwrap_or_else(|| self.default_gen(ty, site))
    }

    fn value(&mut self, v: &Val<'_>, ty: &FieldType, site: &Site<'_>) -> Option<V> {
        match ty {
            FieldType::Bool => match v.get_ref() {
                DeValue::Boolean(b) => Some(V::Lit(self.bool_lit(*b))),
                _ => {
                    self.wrong(v, "a bool");
                    None
                }
            },
            FieldType::Number { .. } => {
                let Some((x, d)) = number(v.get_ref()) else {
                    self.wrong(v, "a number");
                    return None;
                };
                self.check_bounds(x, d, ty, span_of(v), site.path)?;
                Some(if d == 0 {
                    V::Int(x as i64)
                } else {
                    V::Dec(to_units(x, d), d)
                })
            }
            FieldType::Date => self.date(v).map(V::Date),
            _ => {
                let Some(s) = v.get_ref().as_str() else {
                    self.wrong(v, "a string");
                    return None;
                };
                self.check_text(s, ty, span_of(v), site.path)
                    .then(|| V::Lit(self.str_lit(s)))
            }
        }
    }

    /// Whether text is a valid value of an enum, catalog reference, id or bounded string.
    fn check_text(&mut self, s: &str, ty: &FieldType, span: Span, path: &str) -> bool {
        if let Some(known) = self.domain(ty)
            && !matches!(ty, FieldType::Bool)
        {
            if known.iter().any(|k| k == s) {
                return true;
            }
            self.unknown_value(s, path, &known, span);
            return false;
        }
        match ty {
            FieldType::Id { chars, .. } => {
                if s.is_empty() || !s.chars().all(|c| id_char(c, chars)) {
                    self.err(
                        ProfileError::OutOfBounds {
                            what: format!("`{s}`"),
                            why: format!("`{path}` may hold only the characters `{chars}`"),
                        },
                        span,
                    );
                    return false;
                }
                true
            }
            FieldType::String { max_len: Some(m) } if s.chars().count() > *m => {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("`{s}`"),
                        why: format!("`{path}` holds at most {m} characters"),
                    },
                    span,
                );
                false
            }
            _ => true,
        }
    }

    fn check_bounds(
        &mut self,
        x: f64,
        decimals: u8,
        ty: &FieldType,
        span: Span,
        path: &str,
    ) -> Option<()> {
        let FieldType::Number { min, max, integer } = ty else {
            return Some(());
        };
        let mut why = None;
        if *integer && decimals > 0 {
            why = Some(format!("`{path}` is a whole number"));
        } else if let Some(m) = min
            && x < *m
        {
            why = Some(format!("`{path}` is at least {m}"));
        } else if let Some(m) = max
            && x > *m
        {
            why = Some(format!("`{path}` is at most {m}"));
        }
        match why {
            Some(why) => {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("{x}"),
                        why,
                    },
                    span,
                );
                None
            }
            None => Some(()),
        }
    }

    fn num_range(
        &mut self,
        spec: &Spec<'_, '_>,
        v: &Val<'_>,
        ty: &FieldType,
        site: &Site<'_>,
    ) -> Option<Gen> {
        let ((lo, dl), (hi, dh)) = self.pair(v, "numbers", |cx, x| {
            let n = number(x.get_ref());
            if n.is_none() {
                cx.wrong(x, "a number");
            }
            n
        })?;
        let mut scale = dl.max(dh);
        let mut step_x = None;
        if let Some(s) = spec.get("step") {
            match number(s.get_ref()) {
                Some((x, d)) if x > 0.0 => {
                    scale = scale.max(d);
                    step_x = Some(x);
                }
                Some((x, _)) => {
                    self.err(
                        ProfileError::OutOfBounds {
                            what: "`step`".into(),
                            why: format!("{x} is not above 0"),
                        },
                        span_of(s),
                    );
                    return None;
                }
                None => {
                    self.wrong(s, "a number above 0");
                    return None;
                }
            }
        }
        let log = match spec.get("log") {
            Some(l) => match l.get_ref() {
                DeValue::Boolean(b) => *b,
                _ => {
                    self.wrong(l, "a bool");
                    false
                }
            },
            None => false,
        };
        if lo > hi {
            self.err(
                ProfileError::EmptyRange {
                    lo: lo.to_string(),
                    hi: hi.to_string(),
                },
                span_of(v),
            );
            return None;
        }
        self.check_bounds(lo, scale, ty, span_of(v), site.path)?;
        self.check_bounds(hi, scale, ty, span_of(v), site.path)?;
        if log && lo < 0.0 {
            self.err(
                ProfileError::OutOfBounds {
                    what: format!("{lo}"),
                    why: "a log scale starts at 0 or above".into(),
                },
                span_of(v),
            );
            return None;
        }
        let step = step_x.map_or(1, |s| to_units(s, scale)).max(1);
        Some(Gen::Num {
            lo: to_units(lo, scale),
            hi: to_units(hi, scale),
            step,
            scale,
            log,
        })
    }

    fn weights(&mut self, v: &Val<'_>, ty: &FieldType, site: &Site<'_>) -> Option<Gen> {
        let t = self.table(v, "a table from values to weights")?;
        let mut lits = Vec::new();
        let mut cum = Vec::new();
        let mut total: u64 = 0;
        for (k, w) in t {
            let key = k.get_ref().as_ref();
            let lit = match ty {
                FieldType::Bool => match key {
                    "true" => Some(self.bool_lit(true)),
                    "false" => Some(self.bool_lit(false)),
                    _ => {
                        self.unknown_value(
                            key,
                            site.path,
                            &["true".into(), "false".into()],
                            span_of(k),
                        );
                        None
                    }
                },
                _ => self
                    .check_text(key, ty, span_of(k), site.path)
                    .then(|| self.str_lit(key)),
            };
            let weight = self.weight(w);
            if let (Some(lit), Some(weight)) = (lit, weight) {
                total = total.saturating_add(weight);
                lits.push(lit);
                cum.push(total);
            }
        }
        if total == 0 {
            if !lits.is_empty() {
                self.err(ProfileError::ZeroWeights, span_of(v));
            }
            return None;
        }
        Some(Gen::Choice { lits, cum })
    }

    fn pool(&mut self, v: &Val<'_>, ty: &FieldType, site: &Site<'_>) -> Option<Gen> {
        let items: Vec<u32> = match v.get_ref() {
            DeValue::String(name) => {
                match self.pool_names.iter().position(|n| n == name.as_ref()) {
                    Some(i) => self.pools.get(i).cloned().unwrap_or_default(),
                    None => {
                        let suggestion =
                            did_you_mean(name, self.pool_names.iter().map(String::as_str))
                                .map(str::to_string);
                        self.err(
                            ProfileError::UnknownPool {
                                name: name.to_string(),
                                suggestion,
                            },
                            span_of(v),
                        );
                        return None;
                    }
                }
            }
            _ => {
                let strings = self.strings(v)?;
                strings.iter().map(|s| self.str_lit(s)).collect()
            }
        };
        let mut ok = true;
        for &l in &items {
            let raw = self
                .lits
                .get(l as usize)
                .map(|x| x.raw.to_string())
                .unwrap_or_default();
            ok &= self.check_text(&raw, ty, span_of(v), site.path);
        }
        if !ok || items.is_empty() {
            return None;
        }
        let cum = (1..=items.len() as u64).collect();
        Some(Gen::Choice { lits: items, cum })
    }

    fn variants(
        &mut self,
        v: &Val<'_>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Gen> {
        let DeValue::Array(arr) = v.get_ref() else {
            self.wrong(v, "an array of tables, each with a `weight`");
            return None;
        };
        let mut gens = Vec::new();
        let mut cum = Vec::new();
        let mut total: u64 = 0;
        for item in arr.iter() {
            let Some(spec) = self.spec(item) else {
                continue;
            };
            let weight = match spec.get("weight") {
                Some(w) => self.weight(w).unwrap_or(0),
                None => {
                    self.err(
                        ProfileError::Needs {
                            key: "a variant".into(),
                            needs: "weight".into(),
                        },
                        spec.span,
                    );
                    0
                }
            };
            let inner = spec.without(&["weight"]);
            let inner_site = Site {
                path: site.path,
                field: site.field,
                var: site.var,
                presence: false,
            };
            gens.push(self.scalar_gen(Some(&inner), ty, steps, &inner_site));
            total = total.saturating_add(weight);
            cum.push(total);
        }
        if total == 0 {
            self.err(ProfileError::ZeroWeights, span_of(v));
            return None;
        }
        Some(Gen::Variants { cum, gens })
    }

    fn from(
        &mut self,
        spec: &Spec<'_, '_>,
        v: &Val<'_>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Gen> {
        let (src, target) = self.reference(v, steps, site)?;
        let class = Class::of(ty);
        // Reading a field that is absent or null: null where the field may be null, else the
        // schema default: a date that follows another, unstated, date is itself unstated.
        let fallback = Box::new(match site.field {
            Some(f) if f.nullable => Gen::Const(V::Null),
            _ => self.default_gen(ty, site),
        });
        let what = v.get_ref().as_str().unwrap_or("?").to_string();
        let mismatch = |cx: &mut Self, why: String| {
            cx.err(
                ProfileError::BadRef {
                    target: what.clone(),
                    why,
                },
                span_of(v),
            );
        };
        let add = spec.get("add");
        match class {
            Class::Date => {
                if target.class != Class::Date {
                    mismatch(
                        self,
                        format!(
                            "`{}` is a date, and this is {}",
                            site.path,
                            target.class.name()
                        ),
                    );
                    return None;
                }
                let add = match add {
                    Some(a) => self.int_range_any(a, "days")?,
                    None => (0, 0),
                };
                Some(Gen::DateFrom { src, add, fallback })
            }
            Class::Num => {
                if target.class != Class::Num {
                    mismatch(
                        self,
                        format!(
                            "`{}` is a number, and this is {}",
                            site.path,
                            target.class.name()
                        ),
                    );
                    return None;
                }
                let FieldType::Number { min, max, integer } = ty else {
                    return None;
                };
                let (add, scale) = match add {
                    Some(a) => {
                        let ((lo, dl), (hi, dh)) = self.pair(a, "numbers", |cx, x| {
                            let n = number(x.get_ref());
                            if n.is_none() {
                                cx.wrong(x, "a number");
                            }
                            n
                        })?;
                        let scale = dl.max(dh);
                        if *integer && scale > 0 {
                            self.err(
                                ProfileError::OutOfBounds {
                                    what: format!("`[{lo}, {hi}]`"),
                                    why: format!("`{}` is a whole number", site.path),
                                },
                                span_of(a),
                            );
                            return None;
                        }
                        if lo > hi {
                            self.err(
                                ProfileError::EmptyRange {
                                    lo: lo.to_string(),
                                    hi: hi.to_string(),
                                },
                                span_of(a),
                            );
                            return None;
                        }
                        ((to_units(lo, scale), to_units(hi, scale)), scale)
                    }
                    None => ((0, 0), 0),
                };
                let bounds = (
                    min.map(|m| to_units(m, scale)),
                    max.map(|m| to_units(m, scale)),
                );
                Some(Gen::NumFrom {
                    src,
                    add,
                    scale,
                    bounds,
                    fallback,
                })
            }
            _ => {
                if let Some(a) = add {
                    self.err(
                        ProfileError::NotApplicable {
                            key: "add".into(),
                            path: site.path.to_string(),
                            what: format!("it is {}", class.name()),
                            allowed: "`from` alone, which copies".into(),
                        },
                        span_of(a),
                    );
                }
                let same_type = target.ty.as_ref() == Some(ty);
                let ok = match (class, target.class) {
                    _ if same_type => true,
                    (Class::Str, c) => c.is_text(),
                    (Class::Bool, Class::Bool) => true,
                    (c, t) if c.is_text() && t.is_text() => match &target.values {
                        Some(vals) => {
                            let mut ok = true;
                            for &l in vals {
                                let raw = self
                                    .lits
                                    .get(l as usize)
                                    .map(|x| x.raw.to_string())
                                    .unwrap_or_default();
                                ok &= self.check_text(&raw, ty, span_of(v), site.path);
                            }
                            ok
                        }
                        None => {
                            mismatch(
                                self,
                                format!("its values are not known to be values of `{}`", site.path),
                            );
                            false
                        }
                    },
                    _ => {
                        mismatch(
                            self,
                            format!(
                                "`{}` is {}, and this is {}",
                                site.path,
                                class.name(),
                                target.class.name()
                            ),
                        );
                        false
                    }
                };
                ok.then_some(Gen::Copy { src, fallback })
            }
        }
    }

    fn int_range_any(&mut self, v: &Val<'_>, what: &str) -> Option<(i64, i64)> {
        let (lo, hi) = self.pair(v, what, |cx, x| cx.int(x, "a whole number of days"))?;
        if lo > hi {
            self.err(
                ProfileError::EmptyRange {
                    lo: lo.to_string(),
                    hi: hi.to_string(),
                },
                span_of(v),
            );
            return None;
        }
        Some((lo, hi))
    }

    /// Resolves `$var` or a field path for a setting at `steps`, recording the order it implies.
    fn reference(&mut self, v: &Val<'_>, steps: &[Step], site: &Site<'_>) -> Option<(Ref, Target)> {
        let Some(text) = v.get_ref().as_str() else {
            self.wrong(v, "`$variable` or a field path");
            return None;
        };
        self.reference_text(text, span_of(v), steps, site)
    }

    fn reference_text(
        &mut self,
        text: &str,
        span: Span,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<(Ref, Target)> {
        if let Some(name) = text.strip_prefix('$') {
            return match self.var_info.iter().position(|i| i.name == name) {
                Some(i) => {
                    let info = self.var_info.get(i)?;
                    Some((
                        Ref::Var(i),
                        Target {
                            class: info.class,
                            ty: None,
                            values: info.values.clone(),
                        },
                    ))
                }
                None => {
                    let suggestion =
                        did_you_mean(name, self.var_info.iter().map(|i| i.name.as_str()))
                            .map(str::to_string);
                    self.err(
                        ProfileError::UnknownVar {
                            name: name.to_string(),
                            suggestion,
                        },
                        span,
                    );
                    None
                }
            };
        }
        if site.var {
            self.err(
                ProfileError::BadRef {
                    target: text.to_string(),
                    why: "a variable may read only other variables".into(),
                },
                span,
            );
            return None;
        }
        let (target, ty) = self.resolve_path(text, span)?;
        let class = Class::of(&ty);
        if matches!(class, Class::List | Class::Object) {
            self.err(
                ProfileError::BadRef {
                    target: text.to_string(),
                    why: format!("it is {}; name one of its fields", class.name()),
                },
                span,
            );
            return None;
        }
        // The deepest enclosing object from which the target is reached through fields only.
        let found = self.scopes.iter().enumerate().rev().find(|&(_, &len)| {
            len < target.len()
                && target.get(..len) == steps.get(..len)
                && target
                    .get(len..)
                    .is_some_and(|rest| rest.iter().all(|s| matches!(s, Step::Field(_))))
        });
        let Some((idx, &len)) = found else {
            self.err(
                ProfileError::OutOfScope {
                    target: text.to_string(),
                    path: site.path.to_string(),
                },
                span,
            );
            return None;
        };
        let (Some(Step::Field(before)), Some(Step::Field(after))) =
            (target.get(len), steps.get(len))
        else {
            self.err(
                ProfileError::OutOfScope {
                    target: text.to_string(),
                    path: site.path.to_string(),
                },
                span,
            );
            return None;
        };
        if before == after {
            self.err(
                ProfileError::BadRef {
                    target: text.to_string(),
                    why: format!("`{}` cannot read itself or a field inside it", site.path),
                },
                span,
            );
            return None;
        }
        self.edges.push(Edge {
            scope: steps.get(..len).map(<[Step]>::to_vec).unwrap_or_default(),
            before: *before,
            after: *after,
            span,
        });
        let path = target
            .get(len..)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| match s {
                Step::Field(i) => Some(*i),
                Step::Item => None,
            })
            .collect();
        let up = self.scopes.len() - 1 - idx;
        Some((
            Ref::Field { up, path },
            Target {
                class,
                ty: Some(ty),
                values: None,
            },
        ))
    }

    fn template(
        &mut self,
        text: &str,
        span: Span,
        max_len: Option<usize>,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Template> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        let bad = |why: String| ProfileError::Template { why };
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '}' => {
                    self.err(bad("`}` without `{`".into()), span);
                    return None;
                }
                '{' => {
                    let mut inner = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        inner.push(c);
                    }
                    if !closed {
                        self.err(bad(format!("`{{{inner}` is not closed")), span);
                        return None;
                    }
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit).into()));
                    }
                    parts.push(self.placeholder(&inner, span, steps, site)?);
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit.into()));
        }
        Some(Template { parts, max_len })
    }

    fn placeholder(
        &mut self,
        inner: &str,
        span: Span,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Part> {
        let (name, fmt) = match inner.split_once(':') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        if name == "seq" {
            let width = match fmt {
                None => 0,
                Some(f) => match f.parse::<usize>() {
                    Ok(w) if w <= 20 => w,
                    _ => {
                        self.err(
                            ProfileError::Template {
                                why: format!("`{{seq:{f}}}` needs a width such as `{{seq:04}}`"),
                            },
                            span,
                        );
                        return None;
                    }
                },
            };
            return Some(Part::Seq { width });
        }
        if let Some(pool) = name.strip_prefix('@') {
            return match self.pool_names.iter().position(|n| n == pool) {
                Some(i) if fmt.is_none() => Some(Part::Pool(i)),
                Some(_) => {
                    self.err(
                        ProfileError::Template {
                            why: format!("`{{{inner}}}`: a pool takes no format"),
                        },
                        span,
                    );
                    None
                }
                None => {
                    let suggestion = did_you_mean(pool, self.pool_names.iter().map(String::as_str))
                        .map(str::to_string);
                    self.err(
                        ProfileError::UnknownPool {
                            name: pool.to_string(),
                            suggestion,
                        },
                        span,
                    );
                    None
                }
            };
        }
        let year = match fmt {
            None => false,
            Some("year") => true,
            Some(f) => {
                self.err(
                    ProfileError::Template {
                        why: format!(
                            "unknown format `{f}` in `{{{inner}}}`; the one format is `year`"
                        ),
                    },
                    span,
                );
                return None;
            }
        };
        let (src, target) = self.reference_text(name, span, steps, site)?;
        if year && target.class != Class::Date {
            self.err(
                ProfileError::Template {
                    why: format!(
                        "`{{{inner}}}`: `year` needs a date, and `{name}` is {}",
                        target.class.name()
                    ),
                },
                span,
            );
            return None;
        }
        Some(Part::Ref { src, year })
    }

    /// Checks what can be known of a template's output against an id field's characters.
    fn check_id_template(&mut self, t: &Template, chars: &str, span: Span, path: &str) {
        let mut texts: Vec<String> = Vec::new();
        for p in &t.parts {
            match p {
                Part::Text(s) => texts.push(s.to_string()),
                Part::Seq { .. } => texts.push("0123456789".into()),
                Part::Ref { year: true, .. } => texts.push("0123456789".into()),
                Part::Ref {
                    src: Ref::Var(i), ..
                } => {
                    if let Some(vals) = self.var_info.get(*i).and_then(|v| v.values.clone()) {
                        for l in vals {
                            if let Some(lit) = self.lits.get(l as usize) {
                                texts.push(lit.raw.to_string());
                            }
                        }
                    }
                }
                Part::Pool(i) => {
                    for &l in self.pools.get(*i).cloned().unwrap_or_default().iter() {
                        if let Some(lit) = self.lits.get(l as usize) {
                            texts.push(lit.raw.to_string());
                        }
                    }
                }
                Part::Ref { .. } => {}
            }
        }
        for s in texts {
            if let Some(c) = s.chars().find(|&c| !id_char(c, chars)) {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("`{c}` in `{s}`"),
                        why: format!("`{path}` may hold only the characters `{chars}`"),
                    },
                    span,
                );
                return;
            }
        }
    }

    /// What a field the profile does not mention gets: a value made from its schema type alone.
    fn default_gen(&mut self, ty: &FieldType, site: &Site<'_>) -> Gen {
        match ty {
            FieldType::String { max_len } => {
                let name = site
                    .path
                    .rsplit('.')
                    .next()
                    .unwrap_or("text")
                    .trim_end_matches("[]")
                    .trim_start_matches('$');
                Gen::Template(Template {
                    parts: vec![
                        Part::Text(format!("{name} ").into()),
                        Part::Seq { width: 0 },
                    ],
                    max_len: *max_len,
                })
            }
            FieldType::Id { chars, .. } => {
                if !id_char('0', chars) {
                    self.err(
                        ProfileError::NotApplicable {
                            key: "(default)".into(),
                            path: site.path.to_string(),
                            what: format!("ids of `{chars}` have no digits for a default"),
                            allowed: "`pool`, `template`, `value`".into(),
                        },
                        Span::default(),
                    );
                }
                Gen::Template(Template {
                    parts: vec![Part::Seq { width: 0 }],
                    max_len: None,
                })
            }
            FieldType::Bool => {
                let t = self.bool_lit(true);
                let f = self.bool_lit(false);
                Gen::Choice {
                    lits: vec![t, f],
                    cum: vec![1, 2],
                }
            }
            FieldType::Number { min, max, integer } => {
                let lo = min.unwrap_or(0.0);
                let hi = max.unwrap_or(lo + 100.0).max(lo);
                let scale = if *integer { 0 } else { 1 };
                Gen::Num {
                    lo: to_units(lo.ceil(), scale),
                    hi: to_units(hi.floor(), scale),
                    step: 1,
                    scale,
                    log: false,
                }
            }
            FieldType::Date => Gen::Date {
                lo: self.dates.0,
                days: self.dates.1,
            },
            FieldType::Enum(_) | FieldType::Ref { .. } => {
                let vals = self.domain(ty).unwrap_or_default();
                let lits: Vec<u32> = vals.iter().map(|v| self.str_lit(v)).collect();
                let cum = (1..=lits.len() as u64).collect();
                Gen::Choice { lits, cum }
            }
            FieldType::KeyRef => Gen::Key(KeyGen {
                back: (1, 100),
                dangling: Prob::NEVER,
                cycle: None,
            }),
            FieldType::List { .. } | FieldType::Object(_) => Gen::Const(V::Absent),
        }
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
