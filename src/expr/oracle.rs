//! The evaluator held to an oracle: typed expressions generated over the input formats of both
//! rule sets (`rules/` and `fixtures/library/rules`), on documents generated for those formats,
//! evaluated by the engine with each recorder (nothing, reads, trace) and by a small evaluator
//! written here from docs/rule-language.md "Evaluation" alone (Kleene three-valued logic),
//! over the document's JSON and the catalog's TOML, not the engine's value tree.
//!
//! The generators cover every operator of the rule language: comparisons, `and`/`or`/`not`,
//! arithmetic on numbers, dates and durations (`(n) days` with `n` absent among them), `??`,
//! `in` and `not in`, `present`, `len`, every quantifier, `min`/`max` of arguments, list items,
//! catalog tables and rows by literal and by computed key, `today` and `ref_date`; fields stated,
//! `null` and absent. A document field is absent, null or stated at random, so unknown operands
//! reach every operator.

use crate::catalog::{Catalog, ColumnType};
use crate::diag::render;
use crate::expr::{self, Compiled, Ctx, Names, Nothing, Reads, Val};
use crate::schema::{self, Absent, FieldDef, FieldType, InputSchema};
use crate::source::SourceFile;
use jiff::civil::Date;
use proptest::prelude::*;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc as Rc;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// A small deterministic generator of choices.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        xs.get(self.below(xs.len()))
    }
}

fn date(s: &str) -> Date {
    s.parse().unwrap_or_default()
}

const AS_OF: &str = "2026-06-01";
const REF_DATE: &str = "2026-03-01";
/// Dates around the as-of and reference dates, month ends, and far from both.
const DATES: &[&str] = &[
    "2026-06-01",
    "2026-05-31",
    "2026-06-02",
    "2026-03-01",
    "2026-01-31",
    "2024-02-29",
    "2019-09-01",
    "2031-12-31",
    "2025-11-30",
];
const STRINGS: &[&str] = &["a", "b", "KS", "", "abc"];

// ---------------------------------------------------------------------------------------------
// Worlds: a rule set's input format and catalog, as the engine loaded them and as the oracle
// reads them (the catalog from its TOML).

struct World {
    schema: InputSchema,
    catalog: Catalog,
    /// Catalog rows by table, as oracle objects, in declared order.
    rows: BTreeMap<String, Vec<Rc<Obj>>>,
}

fn load(dir: &str) -> World {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let read = |name: &str| {
        let text = std::fs::read_to_string(root.join(name)).unwrap_or_default();
        SourceFile::new(format!("{dir}/{name}"), text)
    };
    let catalog = crate::catalog::load(&[read("catalog.toml")])
        .unwrap_or_else(|d| panic!("{}", render(&d.0, false)));
    let schema = schema::load_against(&read("input.toml"), &catalog)
        .unwrap_or_else(|d| panic!("{}", render(&d.0, false)));
    let text = std::fs::read_to_string(root.join("catalog.toml")).unwrap_or_default();
    let toml: toml::Table = text.parse().unwrap_or_else(|e| panic!("{dir}: {e}"));
    let mut rows = BTreeMap::new();
    let mut id = 1_000_000;
    if let Some(toml::Value::Table(tables)) = toml.get("catalog") {
        for (name, t) in tables {
            let mut out = Vec::new();
            if let Some(toml::Value::Array(rs)) = t.get("rows") {
                for r in rs {
                    let toml::Value::Table(r) = r else { continue };
                    id += 1;
                    let fields = r.iter().map(|(k, v)| (k.clone(), from_toml(v))).collect();
                    out.push(Rc::new(Obj {
                        id,
                        pointer: None,
                        fields,
                    }));
                }
            }
            rows.insert(name.clone(), out);
        }
    }
    World {
        schema,
        catalog,
        rows,
    }
}

fn from_toml(v: &toml::Value) -> O {
    match v {
        toml::Value::String(s) => O::S(s.clone()),
        toml::Value::Integer(n) => O::N(*n as f64),
        toml::Value::Float(n) => O::N(*n),
        toml::Value::Boolean(b) => O::B(*b),
        toml::Value::Datetime(d) => O::D(date(&d.to_string())),
        toml::Value::Array(items) => O::L(items.iter().map(from_toml).collect()),
        // A text in the user-facing languages: expressions read its bokmål (src/catalog.rs).
        toml::Value::Table(t) => match t.get("nb") {
            Some(toml::Value::String(s)) => O::S(s.clone()),
            _ => O::Null,
        },
    }
}

fn worlds() -> &'static [World; 2] {
    static W: OnceLock<[World; 2]> = OnceLock::new();
    W.get_or_init(|| [load("rules"), load("fixtures/library/rules")])
}

// ---------------------------------------------------------------------------------------------
// The oracle's values.

#[derive(Debug, Clone)]
struct Obj {
    /// Identity: objects are equal only if they are the same object.
    id: usize,
    /// The JSON pointer of a document object; `None` for a catalog row.
    pointer: Option<String>,
    /// Stated fields (an absent `absent = "unknown"` field is not here).
    fields: BTreeMap<String, O>,
}

#[derive(Debug, Clone)]
enum O {
    U,
    Null,
    B(bool),
    N(f64),
    S(String),
    D(Date),
    Du(i32, i32),
    L(Vec<O>),
    Obj(Rc<Obj>),
}

impl O {
    fn truth(&self) -> Option<bool> {
        match self {
            O::U => None,
            O::B(b) => Some(*b),
            _ => Some(false),
        }
    }
}

/// The document as oracle values, with the format's meaning of absent fields applied
/// (`absent = "empty"`: an empty list; `"none"`: null; `"unknown"`: left out).
fn doc_obj(
    schema: &InputSchema,
    ty: usize,
    json: &Map<String, Json>,
    at: &str,
    next: &mut usize,
) -> Rc<Obj> {
    *next += 1;
    let id = *next;
    let mut fields = BTreeMap::new();
    if let Some(t) = schema.types.get(ty) {
        for f in &t.fields {
            let v = match json.get(&f.name) {
                Some(v) => from_json(schema, &f.ty, v, &format!("{at}/{}", f.name), next),
                None => match f.absent {
                    Absent::Unknown => continue,
                    Absent::Empty => O::L(Vec::new()),
                    Absent::None => O::Null,
                },
            };
            fields.insert(f.name.clone(), v);
        }
    }
    Rc::new(Obj {
        id,
        pointer: Some(at.to_string()),
        fields,
    })
}

fn from_json(schema: &InputSchema, ty: &FieldType, v: &Json, at: &str, next: &mut usize) -> O {
    match (ty, v) {
        (_, Json::Null) => O::Null,
        (FieldType::Date, Json::String(s)) => O::D(date(s)),
        (_, Json::String(s)) => O::S(s.clone()),
        (_, Json::Bool(b)) => O::B(*b),
        (_, Json::Number(n)) => O::N(n.as_f64().unwrap_or(0.0)),
        (FieldType::List { items, .. }, Json::Array(xs)) => O::L(
            xs.iter()
                .enumerate()
                .map(|(i, x)| from_json(schema, items, x, &format!("{at}/{i}"), next))
                .collect(),
        ),
        (FieldType::Object(t), Json::Object(m)) => O::Obj(doc_obj(schema, *t, m, at, next)),
        _ => O::Null,
    }
}

// ---------------------------------------------------------------------------------------------
// The oracle: docs/rule-language.md "Evaluation", written directly.

fn equal(a: &O, b: &O) -> bool {
    match (a, b) {
        (O::Null, O::Null) => true,
        (O::B(x), O::B(y)) => x == y,
        (O::N(x), O::N(y)) => x == y,
        (O::S(x), O::S(y)) => x == y,
        (O::D(x), O::D(y)) => x == y,
        (O::Du(a, b), O::Du(c, d)) => a == c && b == d,
        (O::Obj(x), O::Obj(y)) => x.id == y.id,
        (O::L(x), O::L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q)),
        _ => false,
    }
}

fn order(a: &O, b: &O) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (O::N(x), O::N(y)) => x.partial_cmp(y),
        (O::D(x), O::D(y)) => Some(x.cmp(y)),
        // Strings order by code point: as their UTF-8 bytes do.
        (O::S(x), O::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        _ => None,
    }
}

fn num(n: f64) -> O {
    if n.is_finite() { O::N(n) } else { O::Null }
}

fn add_dur(d: Date, months: i32, days: i32) -> O {
    let step = || -> Option<Date> {
        let d = d
            .checked_add(jiff::Span::new().try_months(months).ok()?)
            .ok()?;
        d.checked_add(jiff::Span::new().try_days(days).ok()?).ok()
    };
    step().map(O::D).unwrap_or(O::Null)
}

/// Kleene `and`/`or`, `min`/`max` and the quantifiers share these.
fn extreme(max: bool, vals: impl IntoIterator<Item = O>) -> O {
    let mut best: Option<O> = None;
    let mut unknown = false;
    for v in vals {
        match v {
            O::U => unknown = true,
            O::Null => {}
            v => {
                let better = match &best {
                    None => true,
                    Some(b) => match order(&v, b) {
                        Some(std::cmp::Ordering::Greater) => max,
                        Some(std::cmp::Ordering::Less) => !max,
                        _ => false,
                    },
                };
                if better {
                    best = Some(v);
                }
            }
        }
    }
    if unknown {
        O::U
    } else {
        best.unwrap_or(O::Null)
    }
}

struct Env<'w> {
    root: Rc<Obj>,
    vars: Vec<O>,
    world: &'w World,
    today: Date,
    ref_date: Date,
}

fn field(base: O, name: &str) -> O {
    match base {
        O::U => O::U,
        O::Obj(o) => match o.fields.get(name) {
            Some(v) => v.clone(),
            // An absent catalog cell is null; an absent document field is unknown.
            None if o.pointer.is_none() => O::Null,
            None => O::U,
        },
        _ => O::Null,
    }
}

fn items_of(v: O) -> Result<Vec<O>, ()> {
    match v {
        O::U => Err(()),
        O::L(xs) => Ok(xs),
        _ => Ok(Vec::new()),
    }
}

impl E {
    fn oracle(&self, env: &mut Env<'_>) -> O {
        match self {
            E::Lit(v) => v.clone(),
            E::Today => O::D(env.today),
            E::RefDate => O::D(env.ref_date),
            E::Root(name) => field(O::Obj(env.root.clone()), name),
            E::Var(i) => env.vars.get(*i).cloned().unwrap_or(O::U),
            E::Field(b, name) => field(b.oracle(env), name),
            E::Index(l, i) => match (l.oracle(env), i.oracle(env)) {
                (O::U, _) | (_, O::U) => O::U,
                (O::L(xs), O::N(n)) if n.fract() == 0.0 && n >= 0.0 => {
                    xs.get(n as usize).cloned().unwrap_or(O::Null)
                }
                _ => O::Null,
            },
            E::Table(t) => O::L(
                env.world
                    .rows
                    .get(t)
                    .map(|rs| rs.iter().cloned().map(O::Obj).collect())
                    .unwrap_or_default(),
            ),
            E::Row(t, key) => match key.oracle(env) {
                O::U => O::U,
                O::S(k) => find_row(env.world, t, &k),
                _ => O::Null,
            },
            E::ConstRow(t, k) => find_row(env.world, t, k),
            E::Not(a) => match a.oracle(env).truth() {
                Some(b) => O::B(!b),
                None => O::U,
            },
            E::Neg(a) => match a.oracle(env) {
                O::N(n) => O::N(-n),
                O::Du(m, d) => match (m.checked_neg(), d.checked_neg()) {
                    (Some(m), Some(d)) => O::Du(m, d),
                    _ => O::Null,
                },
                O::U => O::U,
                _ => O::Null,
            },
            E::And(xs) | E::Or(xs) => {
                let is_or = matches!(self, E::Or(_));
                let mut unknown = false;
                for x in xs {
                    match x.oracle(env).truth() {
                        Some(b) if b == is_or => return O::B(is_or),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                if unknown { O::U } else { O::B(!is_or) }
            }
            E::Coalesce(xs) => {
                // An operand unknown in Kleene terms may be decided by bounds in the engine (a
                // comparison of `min(absent, 2.5)` with 5), which then stops at it: past such an
                // operand the oracle knows no more than unknown. That a decided operand holds
                // for every completion is held by `eval::exact_tests`.
                let mut last = O::Null;
                let mut skipped_unknown = false;
                for x in xs {
                    last = x.oracle(env);
                    if !matches!(last, O::U | O::Null) {
                        return if skipped_unknown { O::U } else { last };
                    }
                    skipped_unknown |= matches!(last, O::U);
                }
                if skipped_unknown { O::U } else { last }
            }
            E::Cmp(op, a, b) => {
                let (a, b) = (a.oracle(env), b.oracle(env));
                if matches!(a, O::U) || matches!(b, O::U) {
                    return O::U;
                }
                use std::cmp::Ordering::*;
                O::B(match *op {
                    "==" => equal(&a, &b),
                    "!=" => !equal(&a, &b),
                    "<" => order(&a, &b) == Some(Less),
                    "<=" => matches!(order(&a, &b), Some(Less | Equal)),
                    ">" => order(&a, &b) == Some(Greater),
                    _ => matches!(order(&a, &b), Some(Greater | Equal)),
                })
            }
            E::In(neg, a, l) => {
                let (a, l) = (a.oracle(env), l.oracle(env));
                match (a, l) {
                    (O::U, _) | (_, O::U) => O::U,
                    (a, O::L(xs)) => O::B(xs.iter().any(|x| equal(&a, x)) != *neg),
                    _ => O::B(*neg),
                }
            }
            E::InList(neg, a, items) => {
                let a = a.oracle(env);
                let vals: Vec<O> = items.iter().map(|x| x.oracle(env)).collect();
                if matches!(a, O::U) {
                    return O::U;
                }
                let found = vals.iter().any(|v| !matches!(v, O::U) && equal(&a, v));
                if !found && vals.iter().any(|v| matches!(v, O::U)) {
                    O::U
                } else {
                    O::B(found != *neg)
                }
            }
            E::Arith(op, a, b) => {
                let (a, b) = (a.oracle(env), b.oracle(env));
                match (*op, a, b) {
                    (_, O::U, _) | (_, _, O::U) => O::U,
                    ('+', O::N(x), O::N(y)) => num(x + y),
                    ('-', O::N(x), O::N(y)) => num(x - y),
                    ('*', O::N(x), O::N(y)) => num(x * y),
                    ('/', O::N(_), O::N(0.0)) => O::Null,
                    ('/', O::N(x), O::N(y)) => num(x / y),
                    ('+', O::D(d), O::Du(m, n)) | ('+', O::Du(m, n), O::D(d)) => add_dur(d, m, n),
                    ('-', O::D(d), O::Du(m, n)) => match (m.checked_neg(), n.checked_neg()) {
                        (Some(m), Some(n)) => add_dur(d, m, n),
                        _ => O::Null,
                    },
                    ('-', O::D(a), O::D(b)) => O::N((a - b).get_days() as f64),
                    ('+', O::Du(a, b), O::Du(c, d)) => match (a.checked_add(c), b.checked_add(d)) {
                        (Some(m), Some(n)) => O::Du(m, n),
                        _ => O::Null,
                    },
                    ('-', O::Du(a, b), O::Du(c, d)) => match (a.checked_sub(c), b.checked_sub(d)) {
                        (Some(m), Some(n)) => O::Du(m, n),
                        _ => O::Null,
                    },
                    _ => O::Null,
                }
            }
            E::Present(b, name) => match b
                .as_ref()
                .map_or(O::Obj(env.root.clone()), |b| b.oracle(env))
            {
                O::Obj(o) => O::B(o.fields.contains_key(name) && o.pointer.is_some()),
                _ => O::B(false),
            },
            E::Len(l) => match l.oracle(env) {
                O::L(xs) => O::N(xs.len() as f64),
                O::U => O::U,
                _ => O::Null,
            },
            E::Dur(a, unit) => match a.oracle(env) {
                O::N(n) if n.fract() == 0.0 && n.abs() <= 1.0e6 => {
                    let n = n as i32;
                    match *unit {
                        "days" => O::Du(0, n),
                        "weeks" => O::Du(0, n * 7),
                        "months" => O::Du(n, 0),
                        _ => O::Du(n * 12, 0),
                    }
                }
                O::U => O::U,
                _ => O::Null,
            },
            E::Extreme(max, args) => {
                let vals: Vec<O> = args.iter().map(|a| a.oracle(env)).collect();
                extreme(*max, vals)
            }
            E::Quant(kind, l, body, _) => {
                let Ok(items) = items_of(l.oracle(env)) else {
                    return O::U;
                };
                let mut vals = Vec::with_capacity(items.len());
                for it in &items {
                    env.vars.push(it.clone());
                    vals.push(body.oracle(env));
                    env.vars.pop();
                }
                let unknown = vals.iter().any(|v| matches!(v, O::U));
                let truths: Vec<Option<bool>> = vals.iter().map(O::truth).collect();
                match *kind {
                    "any" if truths.contains(&Some(true)) => O::B(true),
                    "all" if truths.contains(&Some(false)) => O::B(false),
                    "any" | "all" if unknown => O::U,
                    "any" => O::B(false),
                    "all" => O::B(true),
                    "count" | "filter" if unknown => O::U,
                    "count" => O::N(truths.iter().filter(|t| **t == Some(true)).count() as f64),
                    "filter" => O::L(
                        items
                            .iter()
                            .zip(&truths)
                            .filter(|(_, t)| **t == Some(true))
                            .map(|(i, _)| i.clone())
                            .collect(),
                    ),
                    "first" => {
                        for (i, t) in truths.iter().enumerate() {
                            match t {
                                Some(true) if truths[..i].contains(&None) => return O::U,
                                Some(true) => return items[i].clone(),
                                _ => {}
                            }
                        }
                        if unknown { O::U } else { O::Null }
                    }
                    "sum" if unknown => O::U,
                    "sum" => num(vals
                        .iter()
                        .filter_map(|v| if let O::N(n) = v { Some(*n) } else { None })
                        .sum()),
                    "min" => extreme(false, vals),
                    _ => extreme(true, vals),
                }
            }
        }
    }
}

fn find_row(w: &World, table: &str, key: &str) -> O {
    let Some(t) = &w.catalog.table(table) else {
        return O::Null;
    };
    w.rows
        .get(table)
        .and_then(|rs| {
            rs.iter()
                .find(|r| matches!(r.fields.get(&t.key), Some(O::S(k)) if k == key))
        })
        .map(|r| O::Obj(r.clone()))
        .unwrap_or(O::Null)
}

// ---------------------------------------------------------------------------------------------
// Typed expressions.

#[derive(Debug, Clone)]
enum E {
    Lit(O),
    Today,
    RefDate,
    Root(String),
    /// A bound item, by its position in the binding stack from the outermost.
    Var(usize),
    Field(Box<E>, String),
    Index(Box<E>, Box<E>),
    Table(String),
    Row(String, Box<E>),
    ConstRow(String, String),
    Not(Box<E>),
    Neg(Box<E>),
    And(Vec<E>),
    Or(Vec<E>),
    Coalesce(Vec<E>),
    Cmp(&'static str, Box<E>, Box<E>),
    In(bool, Box<E>, Box<E>),
    InList(bool, Box<E>, Vec<E>),
    Arith(char, Box<E>, Box<E>),
    /// `present(base.name)`; no base: a field of the root.
    Present(Option<Box<E>>, String),
    Len(Box<E>),
    Dur(Box<E>, &'static str),
    Extreme(bool, Vec<E>),
    /// `kind(vN in list: body)`, binding `vN`, N the item's position on the binding stack.
    Quant(&'static str, Box<E>, Box<E>, usize),
}

fn lit_text(v: &O) -> String {
    match v {
        O::Null => "null".into(),
        O::B(b) => b.to_string(),
        O::N(n) => format!("{n}"),
        O::S(s) => format!("'{s}'"),
        O::D(d) => d.to_string(),
        _ => "null".into(),
    }
}

impl E {
    fn text(&self) -> String {
        let b = |e: &E| format!("({})", e.text());
        let join = |xs: &[E], sep: &str| xs.iter().map(b).collect::<Vec<_>>().join(sep);
        match self {
            E::Lit(v) => lit_text(v),
            E::Today => "today".into(),
            E::RefDate => "ref_date".into(),
            E::Root(n) => n.clone(),
            E::Var(i) => format!("v{i}"),
            // A field of a root field or a bound name reads as a path; of anything else, of a
            // parenthesised expression.
            E::Field(base, n) => match &**base {
                E::Root(_) | E::Var(_) | E::Field(..) | E::Row(..) | E::ConstRow(..) => {
                    format!("{}.{n}", base.text())
                }
                other => format!("({}).{n}", other.text()),
            },
            E::Index(l, i) => format!("{}[{}]", path_or_paren(l), i.text()),
            E::Table(t) => format!("catalog.{t}"),
            E::Row(t, k) => format!("catalog.{t}[{}]", k.text()),
            E::ConstRow(t, k) => format!("catalog.{t}['{k}']"),
            E::Not(a) => format!("not {}", b(a)),
            E::Neg(a) => format!("-{}", b(a)),
            E::And(xs) => join(xs, " and "),
            E::Or(xs) => join(xs, " or "),
            E::Coalesce(xs) => join(xs, " ?? "),
            E::Cmp(op, x, y) => format!("{} {op} {}", b(x), b(y)),
            E::In(neg, x, l) => format!("{} {} {}", b(x), if *neg { "not in" } else { "in" }, b(l)),
            E::InList(neg, x, items) => format!(
                "{} {} [{}]",
                b(x),
                if *neg { "not in" } else { "in" },
                items.iter().map(E::text).collect::<Vec<_>>().join(", ")
            ),
            E::Arith(op, x, y) => format!("{} {op} {}", b(x), b(y)),
            E::Present(None, n) => format!("present({n})"),
            E::Present(Some(base), n) => format!("present({}.{n})", base.text()),
            E::Len(l) => format!("len({})", l.text()),
            E::Dur(a, unit) => format!("({}) {unit}", a.text()),
            E::Extreme(max, args) => format!(
                "{}({})",
                if *max { "max" } else { "min" },
                args.iter().map(E::text).collect::<Vec<_>>().join(", ")
            ),
            E::Quant(kind, l, body, var) => {
                format!("{kind}(v{var} in {}: {})", l.text(), body.text())
            }
        }
    }
}

fn path_or_paren(e: &E) -> String {
    match e {
        E::Root(_) | E::Var(_) | E::Field(..) => e.text(),
        other => format!("({})", other.text()),
    }
}

// ---------------------------------------------------------------------------------------------
// Types of generated expressions, and the generator.

#[derive(Debug, Clone, PartialEq)]
enum T {
    Bool,
    Num,
    /// A string, with the values the checker allows a literal compared with it to take (an
    /// enum's values, a table's keys), or `None` for any string.
    Str(Option<Vec<String>>),
    Date,
    Dur,
    List(Box<T>),
    /// An object of the input format (its type index) or a catalog row (table name).
    Obj(Result<usize, String>),
}

impl T {
    fn kind(&self) -> u8 {
        match self {
            T::Bool => 0,
            T::Num => 1,
            T::Str(_) => 2,
            T::Date => 3,
            T::Dur => 4,
            T::List(_) => 5,
            T::Obj(_) => 6,
        }
    }
}

struct Gen<'w> {
    rng: Rng,
    world: &'w World,
    /// Types of the bound names, outermost first.
    vars: Vec<T>,
    /// Whether quantifiers also range over filtered lists (`..._over_filtered_lists`).
    filtered: bool,
}

fn field_type(w: &World, ty: &FieldType) -> T {
    match ty {
        FieldType::Bool => T::Bool,
        FieldType::Number { .. } => T::Num,
        FieldType::Date => T::Date,
        FieldType::Enum(vs) => T::Str(Some(vs.clone())),
        FieldType::Ref { table } => T::Str(Some(
            w.catalog
                .table(table)
                .map(|t| t.keys().map(str::to_string).collect())
                .unwrap_or_default(),
        )),
        FieldType::String { .. } | FieldType::Id { .. } | FieldType::KeyRef => T::Str(None),
        FieldType::List { items, .. } => T::List(Box::new(field_type(w, items))),
        FieldType::Object(t) => T::Obj(Ok(*t)),
    }
}

fn ref_table(ty: &FieldType) -> Option<&str> {
    match ty {
        FieldType::Ref { table } => Some(table),
        _ => None,
    }
}

impl Gen<'_> {
    fn schema(&self) -> &InputSchema {
        &self.world.schema
    }

    fn catalog(&self) -> &Catalog {
        &self.world.catalog
    }

    /// The fields of an object type as (name, type, ref table).
    fn fields(&self, obj: &Result<usize, String>) -> Vec<(String, T, Option<String>)> {
        match obj {
            Ok(t) => self
                .schema()
                .types
                .get(*t)
                .map(|o| {
                    o.fields
                        .iter()
                        .map(|f| {
                            (
                                f.name.clone(),
                                field_type(self.world, &f.ty),
                                ref_table(&f.ty).map(str::to_string),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Err(table) => self
                .catalog()
                .table(table)
                .map(|t| {
                    t.columns
                        .iter()
                        .map(|c| {
                            let ty = match c.ty {
                                // The key column's values are the table's keys.
                                ColumnType::String if c.name == t.key => {
                                    T::Str(Some(t.keys().map(str::to_string).collect()))
                                }
                                ColumnType::String => T::Str(None),
                                ColumnType::Number => T::Num,
                                ColumnType::Bool => T::Bool,
                                ColumnType::Date => T::Date,
                                ColumnType::StringList => T::List(Box::new(T::Str(None))),
                            };
                            (c.name.clone(), ty, None)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Places an expression of type `want` can be read from: a field of the root or a bound
    /// name, one object deeper, or a catalog row named by a `ref:` field.
    fn places(&self, want: u8) -> Vec<(E, T)> {
        let mut out = Vec::new();
        let mut starts: Vec<(E, Result<usize, String>, bool)> =
            vec![(E::Root(String::new()), Ok(self.schema().root), true)];
        for (i, t) in self.vars.iter().enumerate() {
            if let T::Obj(o) = t {
                starts.push((E::Var(i), o.clone(), false));
            }
        }
        let mut frontier = starts;
        for _ in 0..2 {
            let mut next = Vec::new();
            for (base, obj, at_root) in &frontier {
                for (name, ty, table) in self.fields(obj) {
                    let e = if *at_root {
                        E::Root(name.clone())
                    } else {
                        E::Field(Box::new(base.clone()), name.clone())
                    };
                    if let T::Obj(o) = &ty {
                        next.push((e.clone(), o.clone(), false));
                    }
                    if let Some(table) = table {
                        next.push((
                            E::Row(table.clone(), Box::new(e.clone())),
                            Err(table),
                            false,
                        ));
                    }
                    if ty.kind() == want {
                        out.push((e, ty));
                    }
                }
            }
            frontier = next;
        }
        out
    }

    fn place(&mut self, want: u8) -> Option<(E, T)> {
        let ps = self.places(want);
        self.rng.pick(&ps).cloned()
    }

    fn lit(&mut self, t: &T) -> E {
        E::Lit(match t {
            T::Bool => O::B(self.rng.chance(50)),
            T::Num => O::N(
                *self
                    .rng
                    .pick(&[
                        0.0,
                        1.0,
                        2.0,
                        3.0,
                        5.0,
                        14.0,
                        100.0,
                        1.5,
                        1_000_000.0,
                        2_000_000.0,
                    ])
                    .unwrap_or(&0.0),
            ),
            T::Str(Some(dom)) if !dom.is_empty() => {
                O::S(self.rng.pick(dom).cloned().unwrap_or_default())
            }
            T::Str(_) => O::S(self.rng.pick(STRINGS).unwrap_or(&"").to_string()),
            T::Date => O::D(date(self.rng.pick(DATES).unwrap_or(&AS_OF))),
            _ => O::Null,
        })
    }

    /// An expression of type `t` (of its kind, for strings), `depth` levels deep at most.
    fn make(&mut self, t: &T, depth: u32) -> (E, T) {
        let leaf = depth == 0 || self.rng.chance(25);
        if leaf || self.rng.chance(20) {
            if !self.rng.chance(20)
                && let Some(p) = self.place(t.kind())
            {
                return p;
            }
            return match t {
                T::Date if self.rng.chance(40) => (
                    if self.rng.chance(50) {
                        E::Today
                    } else {
                        E::RefDate
                    },
                    T::Date,
                ),
                T::Dur => self.duration(0),
                T::List(_) | T::Obj(_) => self.compound(t, 0),
                _ => (self.lit(t), t.clone()),
            };
        }
        self.compound(t, depth - 1)
    }

    fn duration(&mut self, depth: u32) -> (E, T) {
        let unit = *self
            .rng
            .pick(&["days", "weeks", "months", "years"])
            .unwrap_or(&"days");
        let n = match self.make(&T::Num, depth).0 {
            // A literal amount must be whole (a load error otherwise); a computed one need not.
            E::Lit(O::N(x)) => E::Lit(O::N(x.floor())),
            n => n,
        };
        (E::Dur(Box::new(n), unit), T::Dur)
    }

    fn bx(&mut self, t: &T, depth: u32) -> Box<E> {
        Box::new(self.make(t, depth).0)
    }

    /// A list to quantify over: a list field, a catalog table, or a filtered one.
    fn list(&mut self, depth: u32) -> (E, T) {
        // `min` and `max` over a filter are taken item by item (`extreme_of_filter`), apart
        // from the other quantifiers: without filtered lists here they are never generated.
        if self.filtered && depth > 0 && self.rng.chance(15) {
            return self.quant("filter", None, depth - 1);
        }
        if self.rng.chance(25) {
            let tables: Vec<String> = self
                .catalog()
                .tables
                .iter()
                .map(|t| t.name.clone())
                .collect();
            if let Some(t) = self.rng.pick(&tables).cloned() {
                return (E::Table(t.clone()), T::List(Box::new(T::Obj(Err(t)))));
            }
        }
        match self.place(5) {
            Some(p) => p,
            None => (E::Table(String::new()), T::List(Box::new(T::Bool))),
        }
    }

    /// `kind(v in list: body)` with the item bound while the body is made.
    fn quant(&mut self, kind: &'static str, body_t: Option<&T>, depth: u32) -> (E, T) {
        let (l, lt) = self.list(depth);
        let item = match &lt {
            T::List(i) => (**i).clone(),
            _ => T::Bool,
        };
        let var = self.vars.len();
        self.vars.push(item.clone());
        let want = body_t.cloned().unwrap_or(T::Bool);
        let (body, bt) = self.make(&want, depth);
        self.vars.pop();
        let t = match kind {
            "any" | "all" => T::Bool,
            "count" | "sum" => T::Num,
            "filter" => lt.clone(),
            "first" => item,
            _ => bt,
        };
        (E::Quant(kind, Box::new(l), Box::new(body), var), t)
    }

    /// A string literal the checker accepts beside `t`, or an expression of its kind.
    fn other_side(&mut self, t: &T, depth: u32) -> E {
        if self.rng.chance(50) {
            self.lit(t)
        } else {
            match t {
                // Another string expression must not be compared with a literal of its own.
                T::Str(_) => self.place(2).map(|p| p.0).unwrap_or_else(|| self.lit(t)),
                _ => self.make(t, depth).0,
            }
        }
    }

    fn compound(&mut self, t: &T, depth: u32) -> (E, T) {
        let r = self.rng.below(100);
        match t {
            T::Bool => match r {
                0..=24 => {
                    let ct = self
                        .rng
                        .pick(&[T::Num, T::Date, T::Str(None), T::Bool])
                        .cloned()
                        .unwrap_or(T::Num);
                    let (a, at) = match &ct {
                        T::Str(_) => self
                            .place(2)
                            .unwrap_or((E::Lit(O::S("a".into())), T::Str(None))),
                        _ => self.make(&ct, depth),
                    };
                    let ops: &[&'static str] = if matches!(at, T::Bool) {
                        &["==", "!="]
                    } else {
                        &["==", "!=", "<", "<=", ">", ">="]
                    };
                    let op = *self.rng.pick(ops).unwrap_or(&"==");
                    let b = if self.rng.chance(8) {
                        E::Lit(O::Null)
                    } else {
                        self.other_side(&at, depth)
                    };
                    (E::Cmp(op, Box::new(a), Box::new(b)), T::Bool)
                }
                25..=39 => {
                    let n = 2 + self.rng.below(3);
                    let xs = (0..n).map(|_| self.make(&T::Bool, depth).0).collect();
                    (
                        if self.rng.chance(50) {
                            E::And(xs)
                        } else {
                            E::Or(xs)
                        },
                        T::Bool,
                    )
                }
                40..=44 => (E::Not(self.bx(&T::Bool, depth)), T::Bool),
                45..=54 => {
                    // `x in [..]` with literals and expressions, or `x in list`.
                    let (a, at) = self
                        .place(2)
                        .unwrap_or((E::Lit(O::S("a".into())), T::Str(None)));
                    let neg = self.rng.chance(30);
                    if self.rng.chance(50) {
                        let n = 1 + self.rng.below(3);
                        let items = (0..n)
                            .map(|_| {
                                if self.rng.chance(70) {
                                    self.lit(&at)
                                } else {
                                    self.place(2).map(|p| p.0).unwrap_or_else(|| self.lit(&at))
                                }
                            })
                            .collect();
                        (E::InList(neg, Box::new(a), items), T::Bool)
                    } else {
                        match self.place(5) {
                            Some((l, T::List(item))) if item.kind() == 2 => {
                                let x = if self.rng.chance(50) {
                                    self.lit(&item)
                                } else {
                                    a
                                };
                                (E::In(neg, Box::new(x), Box::new(l)), T::Bool)
                            }
                            _ => (E::InList(neg, Box::new(a), vec![self.lit(&at)]), T::Bool),
                        }
                    }
                }
                55..=62 => {
                    let obj = self.vars.iter().rposition(|t| matches!(t, T::Obj(Ok(_))));
                    let (base, o) =
                        match obj.and_then(|i| self.vars.get(i).cloned().map(|t| (i, t))) {
                            Some((i, T::Obj(o))) if self.rng.chance(50) => (E::Var(i), o),
                            _ => (E::Root(String::new()), Ok(self.schema().root)),
                        };
                    let fields = self.fields(&o);
                    match self.rng.pick(&fields).cloned() {
                        Some((name, _, _)) => {
                            if matches!(base, E::Root(_)) {
                                (E::Present(None, name), T::Bool)
                            } else {
                                (E::Present(Some(Box::new(base)), name), T::Bool)
                            }
                        }
                        None => (E::Lit(O::B(true)), T::Bool),
                    }
                }
                63..=80 => {
                    let kind = if self.rng.chance(50) { "any" } else { "all" };
                    self.quant(kind, None, depth)
                }
                81..=88 => {
                    let xs = vec![self.make(&T::Bool, depth).0, self.make(&T::Bool, depth).0];
                    (E::Coalesce(xs), T::Bool)
                }
                _ => {
                    // A date compared with one moved by a duration: `on + (n) days > today`.
                    let (d, _) = self.make(&T::Date, depth);
                    let (dur, _) = self.duration(depth);
                    let op = *self.rng.pick(&["<", "<=", ">", ">=", "=="]).unwrap_or(&">");
                    let moved = E::Arith(
                        if self.rng.chance(70) { '+' } else { '-' },
                        Box::new(d),
                        Box::new(dur),
                    );
                    let other = self.make(&T::Date, depth).0;
                    (E::Cmp(op, Box::new(moved), Box::new(other)), T::Bool)
                }
            },
            T::Num => match r {
                0..=29 => {
                    let op = *self.rng.pick(&['+', '-', '*', '/']).unwrap_or(&'+');
                    (
                        E::Arith(op, self.bx(&T::Num, depth), self.bx(&T::Num, depth)),
                        T::Num,
                    )
                }
                30..=39 => (
                    E::Arith('-', self.bx(&T::Date, depth), self.bx(&T::Date, depth)),
                    T::Num,
                ),
                40..=49 => {
                    let (l, _) = self.list(depth);
                    (E::Len(Box::new(l)), T::Num)
                }
                50..=59 => self.quant("count", None, depth),
                60..=69 => self.quant("sum", Some(&T::Num), depth),
                70..=79 => {
                    let kind = if self.rng.chance(50) { "min" } else { "max" };
                    self.quant(kind, Some(&T::Num), depth)
                }
                80..=89 => {
                    let n = 1 + self.rng.below(3);
                    let args = (0..n).map(|_| self.make(&T::Num, depth).0).collect();
                    (E::Extreme(self.rng.chance(50), args), T::Num)
                }
                90..=94 => (E::Neg(self.bx(&T::Num, depth)), T::Num),
                _ => (
                    E::Coalesce(vec![self.make(&T::Num, depth).0, self.lit(&T::Num)]),
                    T::Num,
                ),
            },
            T::Date => match r {
                0..=39 => {
                    // Sometimes a computed duration (`d ± d`, `-d`), not only `(n) unit`.
                    let (dur, _) = if self.rng.chance(30) {
                        self.make(&T::Dur, depth)
                    } else {
                        self.duration(depth)
                    };
                    (
                        E::Arith(
                            if self.rng.chance(60) { '+' } else { '-' },
                            self.bx(&T::Date, depth),
                            Box::new(dur),
                        ),
                        T::Date,
                    )
                }
                40..=59 => {
                    let n = 1 + self.rng.below(3);
                    let args = (0..n).map(|_| self.make(&T::Date, depth).0).collect();
                    (E::Extreme(self.rng.chance(50), args), T::Date)
                }
                60..=79 => {
                    let kind = if self.rng.chance(50) { "min" } else { "max" };
                    self.quant(kind, Some(&T::Date), depth)
                }
                _ => (
                    E::Coalesce(vec![
                        self.make(&T::Date, depth).0,
                        self.make(&T::Date, depth).0,
                    ]),
                    T::Date,
                ),
            },
            T::Dur => match r {
                0..=59 => self.duration(depth),
                60..=79 => (E::Neg(Box::new(self.duration(depth).0)), T::Dur),
                _ => {
                    let op = if self.rng.chance(50) { '+' } else { '-' };
                    (
                        E::Arith(
                            op,
                            Box::new(self.duration(depth).0),
                            Box::new(self.duration(depth).0),
                        ),
                        T::Dur,
                    )
                }
            },
            T::Str(_) => match r {
                0..=49 => {
                    let xs = vec![
                        self.place(2).map(|p| p.0).unwrap_or_else(|| self.lit(t)),
                        self.lit(&T::Str(None)),
                    ];
                    (E::Coalesce(xs), T::Str(None))
                }
                _ => {
                    let tables: Vec<(String, Vec<String>)> = self
                        .catalog()
                        .tables
                        .iter()
                        .map(|t| (t.name.clone(), t.keys().map(str::to_string).collect()))
                        .collect();
                    match self.rng.pick(&tables).cloned() {
                        Some((table, keys)) if !keys.is_empty() => {
                            let key = self.rng.pick(&keys).cloned().unwrap_or_default();
                            let cols: Vec<String> = self
                                .fields(&Err(table.clone()))
                                .into_iter()
                                .filter(|c| c.1.kind() == 2)
                                .map(|c| c.0)
                                .collect();
                            match self.rng.pick(&cols).cloned() {
                                Some(c) => {
                                    (E::Field(Box::new(E::ConstRow(table, key)), c), T::Str(None))
                                }
                                None => (self.lit(t), t.clone()),
                            }
                        }
                        _ => (self.lit(t), t.clone()),
                    }
                }
            },
            T::List(_) => {
                if r < 50 {
                    self.quant("filter", None, depth)
                } else {
                    self.list(depth)
                }
            }
            T::Obj(_) => {
                if r < 50 {
                    self.quant("first", None, depth)
                } else if let Some((l, T::List(item))) = self.place(5)
                    && matches!(*item, T::Obj(_))
                {
                    let i = self.rng.below(3) as f64;
                    (E::Index(Box::new(l), Box::new(E::Lit(O::N(i)))), *item)
                } else {
                    self.quant("first", None, depth)
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents of a format, generated from its schema.

fn gen_value(rng: &mut Rng, w: &World, ty: &FieldType, depth: u32) -> Json {
    match ty {
        FieldType::Bool => Json::Bool(rng.chance(50)),
        FieldType::Number { min, max, integer } => {
            let mut pool = vec![0.0, 1.0, 2.0, 3.0, 5.0, 14.0, 100.0, 2.5];
            pool.extend(min.iter().chain(max.iter()).copied());
            let ok: Vec<f64> = pool
                .into_iter()
                .filter(|n| {
                    min.is_none_or(|m| *n >= m)
                        && max.is_none_or(|m| *n <= m)
                        && (!integer || n.fract() == 0.0)
                })
                .collect();
            let n = rng.pick(&ok).copied().unwrap_or(min.unwrap_or(0.0));
            serde_json::Number::from_f64(n)
                .map(Json::Number)
                .unwrap_or(Json::Null)
        }
        FieldType::Date => Json::String(rng.pick(DATES).unwrap_or(&AS_OF).to_string()),
        FieldType::Enum(vs) => Json::String(rng.pick(vs).cloned().unwrap_or_default()),
        FieldType::Ref { table } => {
            let keys: Vec<String> = w
                .catalog
                .table(table)
                .map(|t| t.keys().map(str::to_string).collect())
                .unwrap_or_default();
            Json::String(rng.pick(&keys).cloned().unwrap_or_default())
        }
        FieldType::Id { .. } | FieldType::KeyRef => Json::String(format!("X{}", rng.below(3))),
        FieldType::String { max_len } => {
            let ok: Vec<&str> = STRINGS
                .iter()
                .copied()
                .filter(|s| max_len.is_none_or(|m| s.len() <= m))
                .collect();
            Json::String(rng.pick(&ok).unwrap_or(&"").to_string())
        }
        FieldType::List { items, max_items } => {
            let n = rng.below(4).min(max_items.unwrap_or(3));
            let n = if depth == 0 { 0 } else { n };
            Json::Array(
                (0..n)
                    .map(|_| gen_value(rng, w, items, depth.saturating_sub(1)))
                    .collect(),
            )
        }
        FieldType::Object(t) => Json::Object(gen_object(rng, w, *t, depth.saturating_sub(1))),
    }
}

fn gen_object(rng: &mut Rng, w: &World, ty: usize, depth: u32) -> Map<String, Json> {
    let schema = &w.schema;
    let mut m = Map::new();
    let Some(t) = schema.types.get(ty) else {
        return m;
    };
    for f in &t.fields {
        let root = ty == schema.root;
        if root && f.name == schema.schema_field {
            m.insert(f.name.clone(), Json::String(schema.id.clone()));
            continue;
        }
        if root && f.name == schema.key_field {
            m.insert(f.name.clone(), Json::String("DOC-1".into()));
            continue;
        }
        if !f.required && rng.chance(25) {
            continue;
        }
        if (f.nullable || f.absent == Absent::None) && rng.chance(10) {
            m.insert(f.name.clone(), Json::Null);
            continue;
        }
        if depth == 0 && matches!(f.ty, FieldType::Object(_)) && !f.required {
            continue;
        }
        m.insert(f.name.clone(), gen_field(rng, w, f, depth));
    }
    m
}

/// A value for field `f`: a text the format refuses blank (`blank = false`) is never blank.
fn gen_field(rng: &mut Rng, w: &World, f: &FieldDef, depth: u32) -> Json {
    match gen_value(rng, w, &f.ty, depth) {
        Json::String(s) if f.nonblank && s.trim().is_empty() => Json::String("x".into()),
        v => v,
    }
}

// ---------------------------------------------------------------------------------------------
// The comparison.

/// The engine's value in the oracle's terms (objects by their pointer, rows by their key).
fn same(v: &Val<'_>, o: &O, ctx: &Ctx<'_>) -> bool {
    match (v, o) {
        (Val::Unknown | Val::Within(_), O::U) | (Val::Null, O::Null) => true,
        // Kleene logic is the floor: bounds on unknown values may decide more than it does.
        // That such an answer holds whatever the missing fields are is held by the completions
        // of `eval::exact_tests`.
        (v, O::U) if !v.is_unknown() => true,
        (Val::Bool(a), O::B(b)) => a == b,
        (Val::Number(a), O::N(b)) => a == b,
        (Val::Str(a), O::S(b)) => a == b,
        (Val::Date(a), O::D(b)) => a == b,
        (Val::Duration(d), O::Du(m, n)) => d.months == *m && d.days == *n,
        (Val::List(l), O::L(xs)) => {
            l.len() == xs.len()
                && xs
                    .iter()
                    .enumerate()
                    .all(|(i, x)| l.get(i).is_some_and(|v| same(&v, x, ctx)))
        }
        // A document object by where it is; a catalog row is in no document.
        (Val::Obj { .. }, O::Obj(o)) => ctx.pointer(v) == o.pointer,
        _ => false,
    }
}

fn show(o: &O) -> String {
    match o {
        O::Obj(x) => format!("object {:?}", x.pointer),
        O::L(xs) => format!("[{}]", xs.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

/// One generated document and `n` generated expressions on it, checked three ways.
fn check_one(world: &World, seed: u64, n: usize) -> Result<usize, TestCaseError> {
    check_with(world, seed, n, false)
}

/// [`check_one`], with quantifiers over filtered lists too when `filtered`.
fn check_with(world: &World, seed: u64, n: usize, filtered: bool) -> Result<usize, TestCaseError> {
    let mut rng = Rng(seed);
    let schema = &world.schema;
    let json = gen_object(&mut rng, world, schema.root, 3);
    let text = Json::Object(json.clone()).to_string();
    let doc = match schema::validate(
        schema,
        &world.catalog,
        SourceFile::new("doc.json", text.clone()),
    ) {
        Ok(d) => d,
        Err(d) => {
            return Err(TestCaseError::fail(format!(
                "generated document is invalid:\n{text}\n{}",
                render(&d.0, false)
            )));
        }
    };
    let root = doc_obj(schema, schema.root, &json, "", &mut 0);
    let none = |_: &str| None;
    let names = Names {
        schema,
        catalog: &world.catalog,
        facts: &none,
        params: &none,
        bindings: &[],
        ref_date: true,
        fact_ids: &[],
        param_ids: &[],
    };
    let mut g = Gen {
        rng,
        world,
        vars: Vec::new(),
        filtered,
    };
    let mut checked = 0;
    for _ in 0..n {
        let want = g
            .rng
            .pick(&[
                T::Bool,
                T::Bool,
                T::Bool,
                T::Num,
                T::Date,
                T::Str(None),
                T::List(Box::new(T::Bool)),
                T::Obj(Ok(0)),
            ])
            .cloned()
            .unwrap_or(T::Bool);
        let (e, _) = g.make(&want, 3);
        let text = e.text();
        let file = SourceFile::new("rule.toml", text.clone());
        let c: Compiled =
            match expr::parse(&file, 0, &text).and_then(|p| expr::compile(&p, &names, &file)) {
                Ok(c) => c,
                Err(d) => {
                    return Err(TestCaseError::fail(format!(
                        "`{text}` does not compile:\n{}",
                        render(&d.0, false)
                    )));
                }
            };
        let mut env = Env {
            root: root.clone(),
            vars: Vec::new(),
            world,
            today: date(AS_OF),
            ref_date: date(REF_DATE),
        };
        let want = e.oracle(&mut env);
        let mut ctx = Ctx::new(schema, &world.catalog, doc.value(), &[], date(AS_OF));
        ctx.ref_date = Some(date(REF_DATE));
        let quiet = c.eval::<Nothing>(&mut ctx);
        prop_assert!(ctx.reads.is_empty());
        prop_assert!(
            same(&quiet, &want, &ctx),
            "`{text}` on {}\nengine {quiet:?}\noracle {}",
            Json::Object(json.clone()),
            show(&want)
        );
        let truth = c.truth::<Nothing>(&mut ctx);
        prop_assert!(
            want.truth().is_none() || truth == want.truth(),
            "truth of `{}`",
            text
        );
        let recorded = c.eval::<Reads>(&mut ctx);
        prop_assert!(
            same(&recorded, &want, &ctx),
            "`{}` recording reads: {:?}",
            text,
            recorded
        );
        // An unknown value names the absent fields that left it open, and only absent ones.
        if matches!(want, O::U) {
            let missing: Vec<String> = ctx
                .reads
                .iter()
                .filter(|r| r.is_absent())
                .map(|r| r.pointer(schema))
                .collect();
            prop_assert!(
                !missing.is_empty(),
                "`{}` is unknown without a missing field",
                text
            );
            for p in &missing {
                prop_assert!(
                    Json::Object(json.clone()).pointer(p).is_none(),
                    "`{}`: {} is stated, yet named missing",
                    text,
                    p
                );
            }
        }
        ctx.reads.clear();
        let (traced, steps) = c.traced(&mut ctx);
        prop_assert!(
            same(&traced, &want, &ctx),
            "`{}` traced: {:?}",
            text,
            traced
        );
        prop_assert_eq!(steps.first().map(|s| s.value.clone()), Some(traced.shown()));
        checked += 1;
    }
    Ok(checked)
}

// Cases: proptest's default (256), or `PROPTEST_CASES`.
proptest! {
    /// On the initiative format of `rules/`.
    #[test]
    fn evaluator_agrees_with_the_oracle_on_the_initiative_format(seed in any::<u64>()) {
        check_one(&worlds()[0], seed, 24)?;
    }

    /// On the loan format of `fixtures/library/rules`.
    #[test]
    fn evaluator_agrees_with_the_oracle_on_the_library_format(seed in any::<u64>()) {
        check_one(&worlds()[1], seed, 24)?;
    }

    /// With quantifiers over filtered lists too, on both formats: `min` and `max` over a
    /// filter are evaluated item by item (`extreme_of_filter`), and only these cases generate
    /// them. They found an unknown extreme that named no missing field (mended; held also by
    /// `expr::tests::an_unknown_extreme_over_a_filter_names_the_condition_left_open`).
    #[test]
    fn evaluator_agrees_with_the_oracle_over_filtered_lists(seed in any::<u64>()) {
        check_with(&worlds()[0], seed, 24, true)?;
        check_with(&worlds()[1], seed, 24, true)?;
    }
}

/// The unknown operand of duration arithmetic: `on + (n) days > today` with `n` absent is
/// unknown, never false (docs/rule-language.md, "Evaluation": unknown never silently becomes
/// decided).
#[test]
fn an_absent_duration_amount_leaves_a_date_comparison_unknown() {
    for world in worlds() {
        let schema = &world.schema;
        let root = schema
            .types
            .get(schema.root)
            .map(|t| &t.fields[..])
            .unwrap_or(&[]);
        let number = root
            .iter()
            .find(|f| matches!(f.ty, FieldType::Number { .. }) && !f.required);
        let day = root.iter().find(|f| matches!(f.ty, FieldType::Date));
        let (Some(n), Some(d)) = (number, day) else {
            continue;
        };
        let mut json = Map::new();
        json.insert(schema.schema_field.clone(), Json::String(schema.id.clone()));
        json.insert(schema.key_field.clone(), Json::String("DOC-1".into()));
        let mut rng = Rng(7);
        let to_fill: Vec<_> = root
            .iter()
            .filter(|f| f.required && !json.contains_key(&f.name))
            .collect();
        for f in to_fill {
            json.insert(f.name.clone(), gen_field(&mut rng, world, f, 1));
        }
        json.insert(d.name.clone(), Json::String("2026-05-01".into()));
        json.remove(&n.name);
        let text = Json::Object(json).to_string();
        let doc = schema::validate(
            schema,
            &world.catalog,
            SourceFile::new("doc.json", text.clone()),
        )
        .unwrap_or_else(|e| panic!("{text}\n{}", render(&e.0, false)));
        let none = |_: &str| None;
        let names = Names {
            schema,
            catalog: &world.catalog,
            facts: &none,
            params: &none,
            bindings: &[],
            ref_date: true,
            fact_ids: &[],
            param_ids: &[],
        };
        for e in [
            format!("{} + ({}) days > today", d.name, n.name),
            format!("{} - ({}) weeks <= today", d.name, n.name),
            format!("not ({} + ({}) months > today)", d.name, n.name),
        ] {
            let file = SourceFile::new("rule.toml", e.clone());
            let c = expr::parse(&file, 0, &e)
                .and_then(|p| expr::compile(&p, &names, &file))
                .unwrap_or_else(|d| panic!("{}", render(&d.0, false)));
            let mut ctx = Ctx::new(schema, &world.catalog, doc.value(), &[], date(AS_OF));
            assert!(c.eval::<Nothing>(&mut ctx).is_unknown(), "{e}");
            assert!(c.eval::<Reads>(&mut ctx).is_unknown(), "{e}");
            assert!(c.traced(&mut ctx).0.is_unknown(), "{e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The one specialised operation, held to the general one.

/// The fused field comparison ([`super::eval::chain_cmp`]) gives the value and records the reads
/// that comparing the field read by the general chain gives, for every field path of generated
/// documents of both formats (from the root, from list items and catalog rows bound as names),
/// every operator, and right sides of every kind, unknown and null among them, and the field's
/// own value.
fn fused_matches_general(world: &World, seed: u64) -> Result<usize, TestCaseError> {
    use super::compile::{Start, Step};
    use super::eval::chain;
    let mut rng = Rng(seed);
    let schema = &world.schema;
    let catalog = &world.catalog;
    let json = gen_object(&mut rng, world, schema.root, 3);
    let text = Json::Object(json).to_string();
    let doc = schema::validate(schema, catalog, SourceFile::new("doc.json", text.clone()))
        .map_err(|d| TestCaseError::fail(format!("{text}\n{}", render(&d.0, false))))?;
    let obj_fields = |t: usize| -> Vec<(u32, FieldType)> {
        schema
            .types
            .get(t)
            .map(|o| {
                o.fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (i as u32, f.ty.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Chains of one or two steps from the root.
    let mut chains: Vec<(Start, Vec<Step>)> = Vec::new();
    let step = |slot: u32| Step {
        slot,
        catalog: false,
    };
    for (i, ty) in obj_fields(schema.root) {
        chains.push((Start::Root, vec![step(i)]));
        if let FieldType::Object(t) = ty {
            for (j, _) in obj_fields(t) {
                chains.push((Start::Root, vec![step(i), step(j)]));
            }
        }
    }
    // Bound names: the items of root lists of objects (their fields), and catalog rows (their
    // columns).
    let item_lists: Vec<([Step; 1], Vec<Step>)> = obj_fields(schema.root)
        .into_iter()
        .filter_map(|(i, ty)| match ty {
            FieldType::List { items, .. } => match *items {
                FieldType::Object(t) => Some((
                    [step(i)],
                    obj_fields(t).iter().map(|(j, _)| step(*j)).collect(),
                )),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let columns: Vec<Vec<Step>> = catalog
        .tables
        .iter()
        .map(|t| {
            (0..t.columns.len() as u32)
                .map(|slot| Step {
                    slot,
                    catalog: true,
                })
                .collect()
        })
        .collect();
    let mut ctx = Ctx::new(schema, catalog, doc.value(), &[], date(AS_OF));
    let mut bound: Vec<(Val<'_>, &[Step])> = Vec::new();
    for (list, fields) in &item_lists {
        if let Val::List(l) = chain::<Nothing>(&mut ctx, Start::Root, list) {
            for k in 0..l.len() {
                if let Some(v) = l.get(k) {
                    bound.push((v, fields));
                }
            }
        }
    }
    for (t, cols) in catalog.tables.iter().zip(&columns) {
        for r in t.rows() {
            bound.push((Val::row(&r.node), cols));
        }
    }
    let mut rhs: Vec<Val<'static>> = vec![
        Val::Unknown,
        Val::Null,
        Val::Bool(true),
        Val::Bool(false),
        Val::Number(0.0),
        Val::Number(2.5),
        Val::Number(14.0),
        Val::Date(date(AS_OF)),
        Val::Date(date("2019-09-01")),
    ];
    rhs.extend(STRINGS.iter().map(|s| Val::Str((*s).to_string().into())));
    let mut checked = 0;
    for (start, steps) in &chains {
        checked += compare_both(&mut ctx, *start, steps, &rhs, schema)?;
    }
    for (v, cols) in bound {
        ctx.bindings.push(v);
        for c in cols {
            checked += compare_both(
                &mut ctx,
                Start::Binding(0),
                std::slice::from_ref(c),
                &rhs,
                schema,
            )?;
        }
        ctx.bindings.pop();
    }
    Ok(checked)
}

/// [`fused_matches_general`] for one chain: every operator with every right side and the
/// field's own value, recording nothing and recording reads.
fn compare_both<'a>(
    ctx: &mut Ctx<'a>,
    start: super::compile::Start,
    steps: &'a [super::compile::Step],
    rhs: &[Val<'static>],
    schema: &InputSchema,
) -> Result<usize, TestCaseError> {
    use super::compile::CmpOp;
    use super::eval::{chain, chain_cmp, compare};
    let ops = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];
    let own = match chain::<Nothing>(ctx, start, steps) {
        Val::Str(s) => Val::Str(s.into_owned().into()),
        Val::List(_) | Val::Obj { .. } => Val::Null,
        Val::Bool(b) => Val::Bool(b),
        Val::Number(n) => Val::Number(n),
        Val::Date(d) => Val::Date(d),
        _ => Val::Null,
    };
    let reads = |ctx: &Ctx<'_>| -> Vec<(String, bool)> {
        ctx.reads
            .iter()
            .map(|x| (x.pointer(schema), x.is_absent()))
            .collect()
    };
    let mut checked = 0;
    for r in rhs.iter().chain([&own]) {
        for op in ops {
            ctx.reads.clear();
            let general = format!("{:?}", compare(op, &chain::<Reads>(ctx, start, steps), r));
            let general_reads = reads(ctx);
            ctx.reads.clear();
            let fused = format!("{:?}", chain_cmp::<Reads>(ctx, start, steps, op, r));
            prop_assert_eq!(&fused, &general, "{:?} {:?} {:?} {:?}", start, steps, op, r);
            prop_assert_eq!(reads(ctx), general_reads);
            ctx.reads.clear();
            let quiet = format!("{:?}", chain_cmp::<Nothing>(ctx, start, steps, op, r));
            prop_assert_eq!(&quiet, &general);
            prop_assert!(ctx.reads.is_empty());
            checked += 1;
        }
    }
    Ok(checked)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn fused_comparison_is_the_general_one(seed in any::<u64>()) {
        for world in worlds() {
            let n = fused_matches_general(world, seed)?;
            prop_assert!(n > 100, "only {} comparisons", n);
        }
    }
}
