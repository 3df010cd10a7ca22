//! Unit tests of the compiler and the evaluator together, on the small loan format in
//! `fixtures/expr/` (schema and catalog loaded as a rule set would load them).

use super::*;
use crate::catalog::Catalog;
use crate::schema::{Document, InputSchema};
use crate::value::Shown;
use jiff::civil::{Date, date};

const INPUT: &str = include_str!("../../fixtures/expr/input.toml");
const CATALOG: &str = include_str!("../../fixtures/expr/catalog.toml");

struct World {
    schema: InputSchema,
    catalog: Catalog,
    params: Vec<Val<'static>>,
    param_ids: Vec<String>,
    fact_ids: Vec<String>,
}

fn world() -> World {
    world_of(INPUT)
}

fn world_of(input: &str) -> World {
    let catalog = crate::catalog::load(&[SourceFile::new("catalog.toml", CATALOG)])
        .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)));
    let schema = crate::schema::load_against(&SourceFile::new("input.toml", input), &catalog)
        .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)));
    World {
        schema,
        catalog,
        params: vec![
            Val::Number(14.0),
            Val::Duration(Dur { months: 3, days: 0 }),
            Val::Str("book".to_string().into()),
        ],
        param_ids: vec!["grace_days".into(), "notice".into(), "default_kind".into()],
        fact_ids: vec!["is-adult".into(), "first-due".into()],
    }
}

fn param_type(id: &str) -> Option<(usize, Type)> {
    match id {
        "grace_days" => Some((0, Type::Number)),
        "notice" => Some((1, Type::Duration)),
        "default_kind" => Some((2, Type::String)),
        _ => None,
    }
}

fn fact_type(id: &str) -> Option<(usize, Type)> {
    match id {
        "is-adult" => Some((0, Type::Bool)),
        "first-due" => Some((1, Type::Date)),
        _ => None,
    }
}

impl World {
    fn names<'a>(&'a self, bindings: &'a [Binding]) -> Names<'a> {
        Names {
            schema: &self.schema,
            catalog: &self.catalog,
            facts: &fact_type,
            params: &param_type,
            bindings,
            ref_date: true,
            fact_ids: &self.fact_ids,
            param_ids: &self.param_ids,
        }
    }

    fn compile(&self, text: &str) -> Result<Compiled, Diagnostics> {
        let file = SourceFile::new("rule.toml", text);
        let e = parse(&file, 0, text)?;
        compile(&e, &self.names(&[]), &file)
    }

    fn compiled(&self, text: &str) -> Compiled {
        self.compile(text)
            .unwrap_or_else(|d| panic!("{text}:\n{}", crate::diag::render(&d.0, false)))
    }

    fn errors(&self, text: &str) -> Vec<String> {
        match self.compile(text) {
            Ok(_) => panic!("`{text}` compiled"),
            Err(d) => d
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect(),
        }
    }

    fn doc(&self, json: &str) -> Document {
        crate::schema::validate(
            &self.schema,
            &self.catalog,
            SourceFile::new("doc.json", json),
        )
        .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)))
    }

    fn ctx<'a>(&'a self, doc: &'a Document) -> Ctx<'a> {
        let mut ctx = Ctx::new(
            &self.schema,
            &self.catalog,
            doc.value(),
            &self.params,
            date(2026, 6, 1),
        );
        ctx.ref_date = Some(date(2026, 3, 1));
        ctx
    }

    /// Evaluate `text` on `json`: the value shown, and the pointers of the absent fields read.
    fn eval(&self, text: &str, json: &str) -> (Shown, Vec<String>) {
        let c = self.compiled(text);
        let doc = self.doc(json);
        let mut ctx = self.ctx(&doc);
        let v = c.eval::<Reads>(&mut ctx);
        let missing = ctx
            .reads
            .iter()
            .filter(|r| r.is_absent())
            .map(|r| r.pointer(&self.schema))
            .collect();
        (v.shown(), missing)
    }

    fn reads(&self, text: &str, json: &str) -> Vec<String> {
        let c = self.compiled(text);
        let doc = self.doc(json);
        let mut ctx = self.ctx(&doc);
        c.eval::<Reads>(&mut ctx);
        ctx.reads.iter().map(|r| r.pointer(&self.schema)).collect()
    }
}

const FULL: &str = r#"{
  "schema": "expr-test/v1", "id": "L-1", "kind": "book", "member": true, "fee": 20,
  "limit": 0, "borrowed": "2026-01-31", "returned": null, "genres": ["crime", "poetry"],
  "copies": [
    { "barcode": "A1", "state": "new", "pages": 100, "due": "2026-02-28",
      "renewals": [ { "on": "2026-02-20", "days": 14 } ] },
    { "barcode": "A2", "state": "worn", "pages": 300 }
  ],
  "notes": ["late", "wet"],
  "borrower": { "name": "Kari", "age": 40 }
}"#;

const BARE: &str = r#"{ "schema": "expr-test/v1", "id": "L-2" }"#;

fn shown(s: &str) -> Shown {
    Shown::Str(s.into())
}

fn d(y: i16, m: i8, day: i8) -> Shown {
    Shown::Date(date(y, m, day))
}

#[test]
fn literals_and_arithmetic() {
    let w = world();
    let v = |t: &str| w.eval(t, BARE).0;
    assert_eq!(v("1 + 2 * 3"), Shown::Number(7.0));
    assert_eq!(v("(1 + 2) * 3"), Shown::Number(9.0));
    assert_eq!(v("10 / 4"), Shown::Number(2.5));
    assert_eq!(v("1 / 0"), Shown::Null);
    assert_eq!(v("-3 + 1"), Shown::Number(-2.0));
    assert_eq!(v("'a' == \"a\""), Shown::Bool(true));
    assert_eq!(v("null == null"), Shown::Bool(true));
    assert_eq!(v("null < 3"), Shown::Bool(false));
    assert_eq!(v("null + 3"), Shown::Null);
    assert_eq!(v("min(3, null, 1)"), Shown::Number(1.0));
    assert_eq!(v("max(2026-01-01, 2025-01-01)"), d(2026, 1, 1));
    assert_eq!(v("1 in [1, 2]"), Shown::Bool(true));
    assert_eq!(v("3 not in [1, 2]"), Shown::Bool(true));
    assert_eq!(v("len([])"), Shown::Number(0.0));
    assert_eq!(v("null ?? 2"), Shown::Number(2.0));
}

#[test]
fn calendar_arithmetic_clamps_month_ends() {
    let w = world();
    let v = |t: &str| w.eval(t, BARE).0;
    assert_eq!(v("2026-01-31 + 1 month"), d(2026, 2, 28));
    assert_eq!(v("2024-01-31 + 1 month"), d(2024, 2, 29));
    assert_eq!(v("2026-03-31 - 1 month"), d(2026, 2, 28));
    assert_eq!(v("2026-01-01 + 6 weeks"), d(2026, 2, 12));
    assert_eq!(v("2026-01-01 + 1 year + 1 day"), d(2027, 1, 2));
    assert_eq!(v("2026-01-01 + (2 + 1) days"), d(2026, 1, 4));
    assert_eq!(v("2026-01-01 + $grace_days days"), d(2026, 1, 15));
    assert_eq!(v("2026-01-01 + $notice"), d(2026, 4, 1));
    assert_eq!(v("2026-01-01 - $notice"), d(2025, 10, 1));
    assert_eq!(v("2026-03-01 - 2026-02-01"), Shown::Number(28.0));
    assert_eq!(v("2026-01-01 - 2026-02-01"), Shown::Number(-31.0));
    // Overflow is null, never a panic.
    assert_eq!(v("9999-12-31 + 1 day"), Shown::Null);
    assert_eq!(v("2026-01-01 + 999999 years"), Shown::Null);
    assert_eq!(v("2026-01-01 + 10000000 days"), Shown::Null);
    assert_eq!(v("today"), d(2026, 6, 1));
    assert_eq!(v("ref_date + 1 day"), d(2026, 3, 2));
}

#[test]
fn fields_and_pointers() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    assert_eq!(v("kind"), shown("book"));
    assert_eq!(v("borrower.name"), shown("Kari"));
    assert_eq!(v("copies[1].barcode"), shown("A2"));
    assert_eq!(v("copies[2].barcode"), Shown::Null);
    assert_eq!(v("copies[0].renewals[0].days"), Shown::Number(14.0));
    assert_eq!(v("guarantor.name"), Shown::Null);
    assert_eq!(v("returned"), Shown::Null);
    assert_eq!(v("len(copies)"), Shown::Number(2.0));
    assert_eq!(v("borrowed + 1 month"), d(2026, 2, 28));
    assert_eq!(
        w.reads("copies[0].renewals[0].days > 3", FULL),
        vec!["/copies/0/renewals/0/days"]
    );
    assert_eq!(w.reads("guarantor.name", FULL), vec!["/guarantor"]);
}

#[test]
fn absent_fields_are_unknown_and_reported() {
    let w = world();
    assert_eq!(
        w.eval("fee > 3", BARE),
        (Shown::Absent, vec!["/fee".into()])
    );
    assert_eq!(
        w.eval("borrower.name == 'x'", BARE),
        (Shown::Absent, vec!["/borrower".into()])
    );
    assert_eq!(
        w.eval("copies[1].due < today", FULL),
        (Shown::Absent, vec!["/copies/1/due".into()])
    );
    // Absent `empty` lists are empty, absent `none` sections are null: both decided.
    assert_eq!(w.eval("len(copies) == 0", BARE).0, Shown::Bool(true));
    assert_eq!(w.eval("guarantor == null", BARE).0, Shown::Bool(true));
    assert_eq!(
        w.eval("fee ?? 5", BARE),
        (Shown::Number(5.0), vec!["/fee".into()])
    );
}

#[test]
fn kleene_logic_keeps_only_the_reads_that_matter() {
    let w = world();
    // true or unknown = true, and the unknown side's absence does not matter.
    assert_eq!(
        w.eval(
            "member or fee > 3",
            FULL.replace("\"fee\": 20,", "").as_str()
        ),
        (Shown::Bool(true), vec![])
    );
    assert_eq!(
        w.eval(
            "fee > 3 or member",
            BARE.replace("}", ", \"member\": true }").as_str()
        ),
        (Shown::Bool(true), vec![])
    );
    // false and unknown = false.
    assert_eq!(
        w.eval(
            "fee > 3 and member",
            BARE.replace("}", ", \"member\": false }").as_str()
        ),
        (Shown::Bool(false), vec![])
    );
    // unknown and true = unknown; both absent sides are named.
    assert_eq!(
        w.eval("fee > 3 and member", BARE),
        (Shown::Absent, vec!["/fee".into(), "/member".into()])
    );
    assert_eq!(
        w.eval("not member", BARE),
        (Shown::Absent, vec!["/member".into()])
    );
    // A true `or` through its second side drops the first side's reads too.
    assert_eq!(w.reads("kind == 'film' or member", FULL), vec!["/member"]);
}

#[test]
fn present_is_never_unknown() {
    let w = world();
    assert_eq!(
        w.eval("present(fee)", BARE),
        (Shown::Bool(false), vec!["/fee".into()])
    );
    assert_eq!(w.eval("present(fee)", FULL), (Shown::Bool(true), vec![]));
    assert_eq!(
        w.eval("present(borrower.name)", BARE),
        (Shown::Bool(false), vec!["/borrower".into()])
    );
    assert_eq!(w.eval("present(returned)", FULL).0, Shown::Bool(true));
    assert_eq!(
        w.eval("present(guarantor.name)", FULL).0,
        Shown::Bool(false)
    );
    assert_eq!(w.eval("present(copies[5])", FULL).0, Shown::Bool(false));
    assert_eq!(w.eval("present(copies[1])", FULL).0, Shown::Bool(true));
    assert_eq!(
        w.eval("present(copies[1].due)", FULL),
        (Shown::Bool(false), vec!["/copies/1/due".into()])
    );
}

#[test]
fn quantifiers() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL);
    assert_eq!(
        v("any(c in copies: c.state == 'worn')").0,
        Shown::Bool(true)
    );
    assert_eq!(v("all(c in copies: c.pages > 50)").0, Shown::Bool(true));
    assert_eq!(v("count(c in copies: c.pages > 150)").0, Shown::Number(1.0));
    assert_eq!(v("sum(c in copies: c.pages)").0, Shown::Number(400.0));
    assert_eq!(v("max(c in copies: c.pages)").0, Shown::Number(300.0));
    assert_eq!(v("min(c in copies: c.pages)").0, Shown::Number(100.0));
    assert_eq!(
        v("len(filter(c in copies: c.pages > 150))").0,
        Shown::Number(1.0)
    );
    assert_eq!(
        v("first(c in copies: c.pages > 150).barcode").0,
        shown("A2")
    );
    assert_eq!(v("first(c in copies: c.pages > 1000)").0, Shown::Null);
    assert_eq!(
        v("any(g in genres: catalog.genres[g].adult)").0,
        Shown::Bool(true)
    );
    assert_eq!(
        v("count(g in catalog.genres: g.adult)").0,
        Shown::Number(1.0)
    );
    assert_eq!(
        v("any(c in copies: any(r in c.renewals: r.days > c.pages / 10))").0,
        Shown::Bool(true)
    );
    // Items with an absent field: unknown only if they could change the answer.
    assert_eq!(
        v("any(c in copies: c.due > 2026-01-01)"),
        (Shown::Bool(true), vec![])
    );
    assert_eq!(
        v("all(c in copies: c.due > 2026-01-01)"),
        (Shown::Absent, vec!["/copies/1/due".into()])
    );
    assert_eq!(
        v("all(c in copies: c.due > 2026-03-01)"),
        (Shown::Bool(false), vec![])
    );
    assert_eq!(
        v("count(c in copies: c.due > 2026-01-01)"),
        (Shown::Absent, vec!["/copies/1/due".into()])
    );
    assert_eq!(
        v("min(c in copies: c.due)"),
        (Shown::Absent, vec!["/copies/1/due".into()])
    );
    assert_eq!(v("min(c in copies: c.due ?? 2030-01-01)").0, d(2026, 2, 28));
    // first: an unknown item before the true one makes it unknown.
    assert_eq!(
        v("first(c in copies: c.due == null or c.pages > 200).barcode").0,
        shown("A2")
    );
    assert_eq!(
        w.eval(
            "first(c in copies: c.due < 2027-01-01).barcode",
            &FULL.replace("\"due\": \"2026-02-28\",", "")
        ),
        (
            Shown::Absent,
            vec!["/copies/0/due".into(), "/copies/1/due".into()]
        )
    );
    // Scalar items are evidence of their own.
    assert_eq!(
        w.reads("any(g in genres: g == 'poetry')", FULL),
        vec!["/genres", "/genres/1"]
    );
    // Nested bindings refer to the right item.
    assert_eq!(
        v("all(c in copies: all(r in c.renewals: r.on < c.due))").0,
        Shown::Bool(true)
    );
}

#[test]
fn catalog_lookups() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    assert_eq!(v("catalog.genres['crime'].weight"), Shown::Number(2.0));
    assert_eq!(v("catalog.genres['comics'].weight"), Shown::Null);
    assert_eq!(v("catalog.genres[genres[1]].since"), d(1990, 6, 30));
    assert_eq!(
        v("'krim' in catalog.genres['crime'].aliases"),
        Shown::Bool(true)
    );
    assert_eq!(v("len(catalog.genres)"), Shown::Number(3.0));
    assert_eq!(v("catalog.genres[kind]"), Shown::Null);
    // Catalog reads are not evidence about the document.
    assert_eq!(
        w.reads("catalog.genres['crime'].adult", FULL),
        Vec::<String>::new()
    );
}

#[test]
fn facts_params_and_bindings() {
    let w = world();
    let doc = w.doc(FULL);
    let mut ctx = w.ctx(&doc);
    let adult = w.compiled("borrower.age >= 18");
    let v = adult.eval::<Reads>(&mut ctx);
    ctx.set_fact(0, v);
    ctx.reads.clear();
    let c = w.compiled("@is-adult and kind == $default_kind");
    assert_eq!(c.eval::<Reads>(&mut ctx).shown(), Shown::Bool(true));
    let reads: Vec<String> = ctx.reads.iter().map(|r| r.pointer(&w.schema)).collect();
    assert_eq!(reads, vec!["/borrower/age", "/kind"]);

    // A `for_each` binding, then a quantifier inside it.
    let bindings = [
        Binding {
            name: "copy".into(),
            ty: Type::Object(ObjType::Input(
                w.schema
                    .types
                    .iter()
                    .position(|t| t.name == "copy")
                    .unwrap_or(0),
            )),
        },
        Binding {
            name: "deadline".into(),
            ty: Type::Date,
        },
    ];
    let file = SourceFile::new("r.toml", "x");
    let text =
        "copy.pages > 200 and any(r in copy.renewals: r.on <= deadline) or copy.barcode == 'A2'";
    let e = parse(&file, 0, text).unwrap_or_else(|d| panic!("{d:?}"));
    let c = compile(&e, &w.names(&bindings), &file).unwrap_or_else(|d| panic!("{d:?}"));
    let copies = match Val::from_node(&doc.root, Path::root(), &doc.tree) {
        Val::Obj { node, .. } => doc
            .tree
            .object(&node.value)
            .and_then(|slots| slots.get(9))
            .and_then(|s| s.as_ref()),
        _ => None,
    };
    let list = Val::from_node(
        copies.unwrap_or(&doc.root),
        Path::root().child(9),
        &doc.tree,
    );
    let items = list
        .as_list()
        .map(|l| (0..l.len()).filter_map(|i| l.get(i)).collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(items.len(), 2);
    let mut results = Vec::new();
    for item in items {
        assert!(
            ctx.pointer(&item)
                .is_some_and(|p| p.starts_with("/copies/"))
        );
        ctx.bindings.push(item);
        ctx.bindings.push(Val::Date(date(2026, 2, 25)));
        results.push(c.eval::<Reads>(&mut ctx).shown());
        ctx.bindings.clear();
    }
    assert_eq!(results, vec![Shown::Bool(false), Shown::Bool(true)]);
}

#[test]
fn trace_records_every_step() {
    let w = world();
    let c = w.compiled("member and (fee > 3 or kind == 'film')");
    let doc = w.doc(FULL);
    let mut ctx = w.ctx(&doc);
    let (_, trace) = c.traced(&mut ctx);
    let steps: Vec<(String, usize, Shown)> = trace
        .into_iter()
        .map(|s| (s.text, s.depth, s.value))
        .collect();
    assert_eq!(
        steps,
        vec![
            (
                "member and (fee > 3 or kind == 'film')".into(),
                0,
                Shown::Bool(true)
            ),
            ("member".into(), 1, Shown::Bool(true)),
            ("(fee > 3 or kind == 'film')".into(), 1, Shown::Bool(true)),
            ("fee > 3".into(), 2, Shown::Bool(true)),
            ("fee".into(), 3, Shown::Number(20.0)),
        ]
    );
}

#[test]
fn type_errors_are_all_reported() {
    let w = world();
    assert_eq!(
        w.errors("titel == 'x' and borrower.nmae == 'y'"),
        vec![
            "expr::unknown-name: unknown name `titel`",
            "expr::unknown-field: unknown field `nmae` in `person`"
        ]
    );
    assert_eq!(
        w.errors("kind == 'bok'"),
        vec!["expr::not-in-enum: `bok` is not a value of `kind`"]
    );
    assert_eq!(
        w.errors("'vidoe' in [kind] or kind in ['film', 'gmae']"),
        vec!["expr::not-in-enum: `gmae` is not a value of `kind`"]
    );
    assert_eq!(
        w.errors("any(c in copies: c.state == 'broken')"),
        vec!["expr::not-in-enum: `broken` is not a value of `state`"]
    );
    assert_eq!(
        w.errors("'crim' in genres"),
        vec!["expr::unknown-key: no row `crim` in catalog table `genres`"]
    );
    assert_eq!(
        w.errors("catalog.genres['horror'].adult"),
        vec!["expr::unknown-key: no row `horror` in catalog table `genres`"]
    );
    assert_eq!(
        w.errors("catalog.genre['crime'].adult or catalog.genres['crime'].adlt"),
        vec![
            "expr::unknown-table: unknown catalog table `genre`",
            "expr::unknown-column: unknown column `adlt` in catalog table `genres`"
        ]
    );
    assert_eq!(
        w.errors("borrowed > 3"),
        vec!["expr::cannot-compare: cannot compare a date with a number"]
    );
    assert_eq!(
        w.errors("fee and member"),
        vec!["expr::type-mismatch: `and` needs a bool (true or false), found a number"]
    );
    assert_eq!(
        w.errors("borrowed + 3"),
        vec!["expr::bad-operands: cannot apply `+` to a date and a number"]
    );
    assert_eq!(
        w.errors("fee ?? 'none'"),
        vec!["expr::coalesce-mismatch: `??` joins a number with a string"]
    );
    assert_eq!(
        w.errors("fee in copies"),
        vec!["expr::bad-membership: `in` needs a list of numbers, found a list of `copy` objects"]
    );
    assert_eq!(
        w.errors("copies.barcode == 'x'"),
        vec!["expr::no-fields: a list of `copy` objects has no fields"]
    );
    assert_eq!(
        w.errors("@is-adlt or $grace_day > 1"),
        vec![
            "expr::unknown-fact: unknown fact `@is-adlt`",
            "expr::unknown-param: unknown parameter `$grace_day`"
        ]
    );
    assert_eq!(
        w.errors("present(@is-adult)"),
        vec!["expr::not-a-path: `present` needs a field path"]
    );
    assert_eq!(
        w.errors("3 months > 2 months"),
        vec!["expr::cannot-compare: cannot compare a duration with a duration"]
    );
    assert_eq!(
        w.errors("any(c in fee: c)"),
        vec!["expr::type-mismatch: `any` needs a list, found a number"]
    );
}

#[test]
fn ref_date_can_be_forbidden() {
    let w = world();
    let file = SourceFile::new("r.toml", "ref_date");
    let e = parse(&file, 0, "ref_date").unwrap_or_else(|d| panic!("{d:?}"));
    let mut names = w.names(&[]);
    names.ref_date = false;
    let err = compile(&e, &names, &file).err().map(|d| d.0[0].code);
    assert_eq!(err, Some("expr::ref-date-not-allowed"));
}

#[test]
fn types_of_results() {
    let w = world();
    let t = |s: &str| w.compiled(s).ty().clone();
    assert_eq!(t("fee > 1"), Type::Bool);
    assert_eq!(t("borrowed + 3 days"), Type::Date);
    assert_eq!(t("borrowed - borrowed"), Type::Number);
    assert_eq!(t("returned ?? today"), Type::Date);
    assert_eq!(
        t("filter(c in copies: true)"),
        Type::List(Box::new(Type::Object(ObjType::Input(1))))
    );
    assert_eq!(t("first(g in genres: true)"), Type::String);
    assert_eq!(t("@first-due"), Type::Date);
    assert_eq!(t("$notice"), Type::Duration);
}

#[test]
fn fact_refs_and_param_refs() {
    let file = SourceFile::new("r.toml", "");
    let e = parse(&file, 10, "@a-b or $p > 1 and @c ?? $q-r").unwrap_or_else(|d| panic!("{d:?}"));
    let facts: Vec<(String, u32)> = e
        .fact_refs()
        .into_iter()
        .map(|(s, sp)| (s, sp.start))
        .collect();
    assert_eq!(facts, vec![("a-b".into(), 10), ("c".into(), 29)]);
    let params: Vec<String> = e.param_refs().into_iter().map(|(s, _)| s).collect();
    assert_eq!(params, vec!["p", "q-r"]);
    assert_eq!(e.span(), crate::source::Span::new(10, 39));
}

#[test]
fn compiled_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Compiled>();
}

#[test]
fn display_for_messages() {
    let w = world();
    let show = |t: &str| {
        let c = w.compiled(t);
        let doc = w.doc(FULL);
        let mut ctx = w.ctx(&doc);
        c.eval::<Nothing>(&mut ctx).to_string()
    };
    assert_eq!(show("fee * 2"), "40");
    assert_eq!(show("fee / 3 > 6"), "true");
    assert_eq!(show("borrowed"), "2026-01-31");
    assert_eq!(show("notes"), "late, wet");
    assert_eq!(show("limit ?? 3"), "0");
    assert_eq!(show("returned"), "–");
    assert_eq!(show("borrower.age > 1 and $notice == 3 months"), "true");
    assert_eq!(show("$notice"), "3 months");
    let _: Option<Date> = None;
}

#[test]
fn pointers_escape_field_names() {
    let mut w = world();
    let root = w.schema.root;
    if let Some(f) = w
        .schema
        .types
        .get_mut(root)
        .and_then(|t| t.fields.get_mut(9))
    {
        f.name = "co/pies~".into();
    }
    let path = Path::root().child(9).child(1).child(0);
    assert_eq!(
        path.pointer(&w.schema).as_deref(),
        Some("/co~1pies~0/1/barcode")
    );
    assert_eq!(Path::none().pointer(&w.schema), None);
}

#[test]
fn deep_or_wide_paths_are_truncated_not_wrong() {
    let mut p = Path::root();
    for i in 0..(Path::MAX_SEGS as u32 + 3) {
        p = p.child(i);
    }
    assert!(p.is_truncated());
    assert_eq!(p.segments().len(), Path::MAX_SEGS);
    let wide = Path::root().child(9).child(70_000);
    assert!(wide.is_truncated());
    assert_eq!(wide.segments(), &[9]);
}

#[test]
fn recording_can_be_switched_off() {
    let w = world();
    let c = w.compiled("any(c in copies: c.due > 2026-01-01) and fee > 3");
    let doc = w.doc(FULL);
    let mut ctx = w.ctx(&doc);
    assert_eq!(c.eval::<Nothing>(&mut ctx).shown(), Shown::Bool(true));
    assert!(ctx.reads.is_empty());
    assert_eq!(c.eval::<Reads>(&mut ctx).shown(), Shown::Bool(true));
    assert!(!ctx.reads.is_empty());
}

#[test]
fn the_deepest_expressions_evaluate_on_a_small_stack() {
    let w = world();
    let deepest = [
        format!("{}member", "not ".repeat(60)),
        format!("{}fee > 0", "- ".repeat(60)),
        format!("{}fee{} > 0", "(".repeat(60), ")".repeat(60)),
        format!("{}true{}", "any(c in copies: ".repeat(30), ")".repeat(30)),
        format!("{}1{}", "min(2, ".repeat(60), ")".repeat(60)),
    ];
    let handle = std::thread::Builder::new()
        // Half the default stack of a spawned thread: the deepest expressions fit with room to
        // spare even unoptimised (optimised, they need a fraction of this).
        .stack_size(1024 * 1024)
        .spawn(move || {
            let doc = w.doc(FULL);
            let mut out = Vec::new();
            for text in &deepest {
                let c = w.compiled(text);
                let mut ctx = w.ctx(&doc);
                let (v, _) = c.traced(&mut ctx);
                assert_eq!(v.shown(), c.eval::<Nothing>(&mut ctx).shown());
                out.push(v.shown());
            }
            out
        });
    let out = handle.ok().and_then(|h| h.join().ok());
    assert_eq!(
        out,
        Some(vec![
            Shown::Bool(true),
            Shown::Bool(true),
            Shown::Bool(true),
            Shown::Bool(true),
            Shown::Number(1.0)
        ])
    );
}

/// Buffers lent to a `Ctx` come back empty with their allocations, so that a batch allocates
/// them once: a second document gets the capacity the first one grew, and none of its values.
#[test]
fn ctx_buffers_come_back_empty_with_their_capacity() {
    let w = world();
    let mut buffers = super::CtxBuffers::default();
    let doc = w.doc(FULL);
    let c = w.compiled("any(c in copies: c.pages > 200)");
    let mut ctx = Ctx::with_buffers(
        &w.schema,
        &w.catalog,
        doc.value(),
        &w.params,
        date(2026, 6, 1),
        &mut buffers,
    );
    for i in 0..40 {
        ctx.set_fact(i, Val::Bool(true));
        ctx.bindings.push(Val::Null);
    }
    assert_eq!(c.eval::<Reads>(&mut ctx).shown(), Shown::Bool(true));
    assert!(!ctx.reads.is_empty());
    ctx.into_buffers(&mut buffers);
    let other = w.doc(BARE);
    let again = Ctx::with_buffers(
        &w.schema,
        &w.catalog,
        other.value(),
        &w.params,
        date(2026, 6, 1),
        &mut buffers,
    );
    assert!(again.bindings.is_empty() && again.reads.is_empty());
    assert!(again.fact(0).is_unknown());
    assert!(
        again.bindings.capacity() >= 40,
        "{}",
        again.bindings.capacity()
    );
    assert!(again.reads.capacity() >= 1);
    let mut facts = again;
    facts.set_fact(0, Val::Null);
    assert!(facts.fact(1).is_unknown());
}

/// A fact set without reads keeps no range, yet reads as having none; set again with reads (or
/// after a later fact kept a range) it has exactly its own.
#[test]
fn facts_keep_the_reads_they_were_set_with() {
    let w = world();
    let doc = w.doc(FULL);
    let mut ctx = w.ctx(&doc);
    let age = w.compiled("borrower.age >= 18");
    let kind = w.compiled("kind == 'book'");
    let pointers = |ctx: &Ctx<'_>, i: usize| -> Vec<String> {
        ctx.fact_reads(i)
            .iter()
            .map(|r| r.pointer(&w.schema))
            .collect()
    };
    let v = age.eval::<Nothing>(&mut ctx);
    ctx.set_fact(0, v);
    ctx.reads.clear();
    let v = kind.eval::<Reads>(&mut ctx);
    ctx.set_fact(2, v);
    assert!(pointers(&ctx, 0).is_empty() && pointers(&ctx, 1).is_empty());
    assert_eq!(pointers(&ctx, 2), vec!["/kind"]);
    ctx.reads.clear();
    let v = age.eval::<Reads>(&mut ctx);
    ctx.set_fact(0, v);
    assert_eq!(pointers(&ctx, 0), vec!["/borrower/age"]);
    assert_eq!(pointers(&ctx, 2), vec!["/kind"]);
    ctx.reads.clear();
    ctx.set_fact(0, Val::Bool(true));
    ctx.set_fact(3, Val::Bool(true));
    assert!(pointers(&ctx, 0).is_empty() && pointers(&ctx, 3).is_empty());
    assert_eq!(pointers(&ctx, 2), vec!["/kind"]);
    assert_eq!(ctx.fact(2).shown(), Shown::Bool(true));
    ctx.reads.clear();
    let c = w.compiled("@is-adult");
    assert_eq!(c.eval::<Reads>(&mut ctx).shown(), Shown::Bool(true));
    assert!(ctx.reads.is_empty());
}

// ---------------------------------------------------------------------------------------------
// What the generated oracle (src/expr/oracle.rs) cannot see, found by mutation testing
// (docs/testing.md, "Mutation testing: the evaluator"): the oracle accepts any decided answer
// where Kleene logic leaves one open, so the bounds of unknown numbers and dates are held here,
// and it checks only that an unknown answer names some absent field, so which fields are named
// is held here too.

/// The loan format with `from` in its schema replaced by `to`.
fn world_with(from: &str, to: &str) -> World {
    assert!(INPUT.contains(from), "{from}");
    world_of(&INPUT.replace(from, to))
}

impl World {
    /// The bounds the value of `text` on `json` is known within (`None`: not bounds).
    fn within(&self, text: &str, json: &str) -> Option<Within> {
        let c = self.compiled(text);
        let doc = self.doc(json);
        let mut ctx = self.ctx(&doc);
        match c.eval::<Reads>(&mut ctx) {
            Val::Within(w) => Some(w),
            _ => None,
        }
    }
}

fn num(n: f64) -> Option<Scalar> {
    Some(Scalar::Num(n))
}

fn day(y: i16, m: i8, d: i8) -> Option<Scalar> {
    Some(Scalar::Date(date(y, m, d)))
}

#[test]
fn an_absent_number_is_within_its_schema_bounds() {
    let w = world();
    // `fee` has `min = 0`; `limit` has no bounds.
    assert_eq!(
        w.within("fee", BARE),
        Some(Within {
            lo: num(0.0),
            hi: None
        })
    );
    assert_eq!(w.within("limit", BARE), None);
    assert_eq!(w.eval("limit >= 0", BARE).0, Shown::Absent);
    let v = |t: &str| w.eval(t, BARE).0;
    for (text, want) in [
        ("fee >= 0", true),
        ("fee < 0", false),
        ("fee > -1", true),
        ("fee <= -1", false),
        ("-1 < fee", true),
        ("-1 >= fee", false),
        ("fee == -1", false),
        ("fee != -1", true),
        // Bounds are never null.
        ("fee == null", false),
        ("fee != null", true),
    ] {
        assert_eq!(v(text), Shown::Bool(want), "{text}");
    }
    for text in ["fee > 0", "fee == 0", "fee != 0", "fee <= 3"] {
        assert_eq!(v(text), Shown::Absent, "{text}");
    }
    // A plain unknown may be null: comparing it with null decides nothing.
    assert_eq!(v("limit == null"), Shown::Absent);
    assert_eq!(v("limit != null"), Shown::Absent);

    // A nullable number may be null whatever its bounds: no bounds then.
    let w = world_with(
        "limit = { type = \"number\" }",
        "limit = { type = \"number\", min = 0, nullable = true }",
    );
    assert_eq!(w.within("limit", BARE), None);
    assert_eq!(w.eval("limit == null", BARE).0, Shown::Absent);

    // Through list items too: the bounds are the item field's.
    let w = world_with(
        "pages = { type = \"number\" }",
        "pages = { type = \"number\", min = 1 }",
    );
    let doc = r#"{ "schema": "expr-test/v1", "id": "L-3",
                   "copies": [ { "barcode": "B1", "renewals": [ { "on": "2026-02-01" } ] } ] }"#;
    assert_eq!(
        w.within("copies[0].pages", doc),
        Some(Within {
            lo: num(1.0),
            hi: None
        })
    );
    assert_eq!(w.eval("copies[0].pages > 0", doc).0, Shown::Bool(true));
}

#[test]
fn arithmetic_moves_the_bounds() {
    let w = world();
    let within = |t: &str| w.within(t, BARE);
    let at_least = |n: f64| {
        Some(Within {
            lo: num(n),
            hi: None,
        })
    };
    assert_eq!(within("fee + 2"), at_least(2.0));
    assert_eq!(within("2 + fee"), at_least(2.0));
    assert_eq!(within("fee - 2"), at_least(-2.0));
    assert_eq!(within("fee + fee"), at_least(0.0));
    assert_eq!(
        within("5 - fee"),
        Some(Within {
            lo: None,
            hi: num(5.0)
        })
    );
    assert_eq!(w.eval("fee + 2 >= 2", BARE).0, Shown::Bool(true));
    // Products and quotients keep no bounds (a bound times a negative number flips).
    assert_eq!(within("fee * 2"), None);
    assert_eq!(within("fee / 2"), None);
    // Null or a plain unknown on either side: unknown, with no bounds.
    assert_eq!(within("fee + limit"), None);
    assert_eq!(w.eval("fee + limit", BARE).0, Shown::Absent);

    // Dates known within bounds, moved by a duration: the earliest due date is no later than
    // the first copy's, whatever the second copy's is.
    let w = world();
    let within = |t: &str| w.within(t, FULL);
    let by = |hi: Option<Scalar>| Some(Within { lo: None, hi });
    assert_eq!(within("min(c in copies: c.due)"), by(day(2026, 2, 28)));
    assert_eq!(
        within("min(c in copies: c.due) + 1 day"),
        by(day(2026, 3, 1))
    );
    assert_eq!(
        within("1 day + min(c in copies: c.due)"),
        by(day(2026, 3, 1))
    );
    assert_eq!(
        within("min(c in copies: c.due) - 1 month"),
        by(day(2026, 1, 28))
    );
    assert_eq!(
        within("max(c in copies: c.due) + 1 day"),
        Some(Within {
            lo: day(2026, 3, 1),
            hi: None
        })
    );
    assert_eq!(
        w.eval("min(c in copies: c.due) + 1 day <= 2026-03-01", FULL)
            .0,
        Shown::Bool(true)
    );
    // Past the last date there is: unknown, not a wrong bound.
    assert_eq!(within("max(c in copies: c.due) + 9000 years"), None);
}

#[test]
fn min_and_max_of_bounded_values() {
    let w = world();
    let within = |t: &str| w.within(t, BARE);
    let b = |lo: Option<Scalar>, hi: Option<Scalar>| Some(Within { lo, hi });
    // `fee` is at least 0.
    assert_eq!(within("min(fee, 5)"), b(num(0.0), num(5.0)));
    assert_eq!(within("min(5, fee)"), b(num(0.0), num(5.0)));
    assert_eq!(within("max(fee, 5)"), b(num(5.0), None));
    assert_eq!(within("max(fee, -1)"), b(num(0.0), None));
    assert_eq!(within("min(fee, fee)"), b(num(0.0), None));
    // Where the bounds decide, the answer is known.
    assert_eq!(w.eval("min(fee, -1)", BARE).0, Shown::Number(-1.0));
    assert_eq!(w.eval("min(-1, fee)", BARE).0, Shown::Number(-1.0));
    assert_eq!(w.eval("max(fee, 5) >= 5", BARE).0, Shown::Bool(true));
    // A plain unknown (which may be null) among them: no bound on its side.
    assert_eq!(within("min(limit, 5)"), b(None, num(5.0)));
    assert_eq!(within("max(limit, 5)"), b(num(5.0), None));
    assert_eq!(w.eval("min(limit, limit)", BARE).0, Shown::Absent);
    assert_eq!(within("min(limit, limit)"), None);
    // Over items: the first copy's due date bounds the earliest, the second's is absent.
    assert_eq!(
        w.within("min(c in copies: c.due)", FULL),
        b(None, day(2026, 2, 28))
    );
    assert_eq!(
        w.within("max(c in copies: c.due)", FULL),
        b(day(2026, 2, 28), None)
    );
    assert_eq!(
        w.eval("max(c in copies: c.pages)", FULL).0,
        Shown::Number(300.0)
    );
    assert_eq!(
        w.eval("max(c in copies: 300 - c.pages)", FULL).0,
        Shown::Number(200.0)
    );
    assert_eq!(w.eval("min(3, 1, 2)", FULL).0, Shown::Number(1.0));
    assert_eq!(w.eval("max(1, 3, 2)", FULL).0, Shown::Number(3.0));
}

#[test]
fn min_and_max_over_a_filter_with_unknown_conditions() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    // Every condition known: the filter, then the extreme.
    assert_eq!(
        v("min(c in filter(c in copies: c.pages > 150): c.pages)"),
        Shown::Number(300.0)
    );
    assert_eq!(
        v("max(c in filter(c in copies: c.pages < 150): c.pages)"),
        Shown::Number(100.0)
    );
    assert_eq!(
        v("max(c in filter(c in copies: c.pages > 0): c.pages)"),
        Shown::Number(300.0)
    );
    assert_eq!(
        v("min(c in filter(c in copies: c.pages > 1000): c.pages)"),
        Shown::Null
    );
    // The second copy's due date is absent, so whether it counts is unknown. It may move the
    // result past the first copy's value, never decide it; where it cannot move it (300 pages
    // against 100 for the least), the result is known.
    let b = |lo: Option<Scalar>, hi: Option<Scalar>| Some(Within { lo, hi });
    assert_eq!(
        v("min(c in filter(c in copies: c.due < 2026-03-01): c.pages)"),
        Shown::Number(100.0)
    );
    assert_eq!(
        w.within(
            "min(c in filter(c in copies: c.due < 2026-03-01): 300 - c.pages)",
            FULL
        ),
        b(num(0.0), num(200.0))
    );
    assert_eq!(
        w.within(
            "max(c in filter(c in copies: c.due < 2026-03-01): c.pages)",
            FULL
        ),
        b(num(100.0), num(300.0))
    );
    // With only the unknown one left, the filter may be empty, so the result may be null (what
    // it names missing: `an_unknown_extreme_over_a_filter_names_the_condition_left_open`).
    for t in [
        "min(c in filter(c in copies: c.due > 2026-03-01): c.pages)",
        "min(c in filter(c in copies: c.due > 2026-03-01): c.pages) == null",
    ] {
        assert_eq!(w.eval(t, FULL).0, Shown::Absent, "{t}");
    }
    // A null list (of an item that is not there) has no items: the least of nothing is null.
    assert_eq!(
        v("min(r in filter(r in copies[5].renewals: true): r.days)"),
        Shown::Null
    );
    // An unknown list: unknown, not empty.
    assert_eq!(
        w.eval(
            "min(g in filter(g in genres: g != 'crime'): catalog.genres[g].weight)",
            BARE
        ),
        (Shown::Absent, vec!["/genres".into()])
    );
    // Keys are evidence of their own, as in every quantifier.
    assert_eq!(
        w.reads(
            "max(g in filter(g in genres: g == 'poetry'): catalog.genres[g].weight)",
            FULL
        ),
        vec!["/genres", "/genres/0", "/genres/1"]
    );

    // The bounds of an item that may or may not count: its pages are at least 1.
    let w = world_with(
        "pages = { type = \"number\" }",
        "pages = { type = \"number\", min = 1 }",
    );
    let doc = r#"{ "schema": "expr-test/v1", "id": "L-3", "copies": [
        { "barcode": "B1", "pages": 100, "due": "2026-02-01" }, { "barcode": "B2" } ] }"#;
    assert_eq!(
        w.within(
            "min(c in filter(c in copies: c.due < 2026-03-01): c.pages)",
            doc
        ),
        b(num(1.0), num(100.0))
    );
    assert_eq!(
        w.within(
            "max(c in filter(c in copies: c.due < 2026-03-01): c.pages)",
            doc
        ),
        b(num(100.0), None)
    );
}

/// Found by mutation testing (docs/testing.md): `extreme_of_filter` noted an item's reads as
/// those of a known value from before its condition, so when the condition was unknown but the
/// value known, the absent fields that left the condition open were forgotten with the known
/// operands' ones, and the unknown result named no missing field (docs/rule-language.md: an
/// unknown names the fields that left it open).
#[test]
fn an_unknown_extreme_over_a_filter_names_the_condition_left_open() {
    let w = world();
    for t in [
        "min(c in filter(c in copies: c.due > 2026-03-01): c.pages)",
        "max(c in filter(c in copies: c.due > 2026-03-01): c.pages) == null",
    ] {
        assert_eq!(
            w.eval(t, FULL),
            (Shown::Absent, vec!["/copies/1/due".into()]),
            "{t}"
        );
    }
}

#[test]
fn a_known_operand_does_not_name_its_absent_fields_when_another_leaves_the_whole_unknown() {
    let w = world();
    // `not present(fee)` is true, and reads `/fee` absent; `member` is absent and leaves the
    // whole open. Only `/member` could decide it.
    for t in [
        "not present(fee) and member",
        "present(fee) or member",
        "not present(fee) and not present(limit) and member",
        "present(fee) or present(limit) or present(borrowed) or present(borrower) \
         or present(kind) or member",
    ] {
        assert_eq!(
            w.eval(t, BARE),
            (Shown::Absent, vec!["/member".into()]),
            "{t}"
        );
    }
    // The same over the items of a quantifier: the first copy's absent due date did not leave
    // the answer open, the second copy's pages did.
    let doc = r#"{ "schema": "expr-test/v1", "id": "L-5", "copies": [
        { "barcode": "B1", "pages": 50 }, { "barcode": "B2" } ] }"#;
    assert_eq!(
        w.eval("any(c in copies: present(c.due) or c.pages > 100)", doc),
        (Shown::Absent, vec!["/copies/1/pages".into()])
    );
    // When the whole is decided by them, they are named.
    assert_eq!(
        w.eval("present(fee) or present(limit)", BARE),
        (Shown::Bool(false), vec!["/fee".into(), "/limit".into()])
    );
}

#[test]
fn present_reads_the_field_it_tests() {
    let w = world();
    // Whether a field is stated is evidence, of a list or an object too, which a value read is
    // not (what is read from it is).
    assert_eq!(w.eval("present(copies)", FULL), (Shown::Bool(true), vec![]));
    assert_eq!(w.reads("present(copies)", FULL), vec!["/copies"]);
    assert_eq!(w.reads("present(borrower)", FULL), vec!["/borrower"]);
    assert_eq!(
        w.reads("present(copies[0].renewals)", FULL),
        vec!["/copies/0/renewals"]
    );
    assert_eq!(w.eval("present(copies[0].due)", FULL).0, Shown::Bool(true));
    assert_eq!(w.eval("present(borrower.name)", FULL).0, Shown::Bool(true));
    assert_eq!(
        w.eval("all(c in copies: present(c.due))", FULL),
        (Shown::Bool(false), vec!["/copies/1/due".into()])
    );
    // Of a value that is no path (only a null-typed one compiles): whether it is known.
    assert_eq!(w.eval("present(-null)", BARE).0, Shown::Bool(true));
}

#[test]
fn list_items_by_computed_position() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    assert_eq!(v("copies[1 / 2].barcode"), Shown::Null);
    assert_eq!(v("copies[-1].barcode"), Shown::Null);
    assert_eq!(v("copies[0 - 1].barcode"), Shown::Null);
    assert_eq!(v("copies[2 - 1].barcode"), shown("A2"));
    assert_eq!(v("notes[1]"), shown("wet"));
    assert_eq!(v("notes[2]"), Shown::Null);
    // A scalar item is evidence; an object item is not (what is read from it is).
    assert_eq!(w.reads("notes[1] == 'wet'", FULL), vec!["/notes/1"]);
    assert_eq!(
        w.reads("copies[1].pages > 3", FULL),
        vec!["/copies/1/pages"]
    );
}

#[test]
fn filter_keeps_items_past_the_first_32() {
    let w = world();
    let copies: Vec<String> = (0..40)
        .map(|i| format!(r#"{{ "barcode": "C{i}", "pages": {} }}"#, i + 1))
        .collect();
    let doc = format!(
        r#"{{ "schema": "expr-test/v1", "id": "L-4", "copies": [{}] }}"#,
        copies.join(", ")
    );
    let v = |t: &str| w.eval(t, &doc).0;
    assert_eq!(
        v("len(filter(c in copies: c.pages > 0))"),
        Shown::Number(40.0)
    );
    assert_eq!(
        v("filter(c in copies: c.pages > 30)[9].barcode"),
        shown("C39")
    );
    assert_eq!(v("count(c in copies: c.pages > 30)"), Shown::Number(10.0));
    // A short filtered list of the document keeps its items' places: its keys are evidence.
    assert_eq!(
        w.reads(
            "any(g in filter(g in genres: g != 'crime'): g == 'poetry')",
            FULL
        ),
        vec!["/genres", "/genres/0", "/genres/1", "/genres/1"]
    );
}

#[test]
fn a_quantifier_over_an_unknown_list_is_unknown() {
    let w = world();
    // `genres` is absent and may be any list: nothing over it is decided, not even `count`.
    for t in [
        "any(g in genres: g == 'crime')",
        "all(g in genres: g == 'crime')",
        "count(g in genres: true) == 0",
        "len(filter(g in genres: true)) == 0",
        "first(g in genres: true) == null",
        "sum(g in genres: 1) == 0",
        "max(g in genres: catalog.genres[g].weight) == null",
    ] {
        assert_eq!(
            w.eval(t, BARE),
            (Shown::Absent, vec!["/genres".into()]),
            "{t}"
        );
    }
}

#[test]
fn a_sum_with_an_unknown_term_is_unknown() {
    let w = world();
    let doc = r#"{ "schema": "expr-test/v1", "id": "L-7", "copies": [
        { "barcode": "B1", "pages": 50 }, { "barcode": "B2" } ] }"#;
    assert_eq!(
        w.eval("sum(c in copies: c.pages)", doc),
        (Shown::Absent, vec!["/copies/1/pages".into()])
    );
    assert_eq!(
        w.eval(
            "sum(c in filter(c in copies: c.barcode != 'B2'): c.pages)",
            doc
        )
        .0,
        Shown::Number(50.0)
    );
}

#[test]
fn first_is_unknown_when_an_item_before_the_one_found_may_be_it() {
    let w = world();
    let doc = r#"{ "schema": "expr-test/v1", "id": "L-6", "copies": [
        { "barcode": "B1" }, { "barcode": "B2", "due": "2026-02-01" } ] }"#;
    assert_eq!(
        w.eval("first(c in copies: c.due < 2026-03-01).barcode", doc),
        (Shown::Absent, vec!["/copies/0/due".into()])
    );
    assert_eq!(
        w.eval(
            "first(c in copies: c.due > 2026-03-01 or c.barcode == 'B1').barcode",
            doc
        )
        .0,
        shown("B1")
    );
}

#[test]
fn objects_are_equal_when_the_same_and_lists_item_by_item() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    assert_eq!(v("copies[0] == copies[0]"), Shown::Bool(true));
    assert_eq!(v("copies[0] == copies[1]"), Shown::Bool(false));
    assert_eq!(
        v("first(c in copies: c.pages > 150) == copies[1]"),
        Shown::Bool(true)
    );
    assert_eq!(v("notes == ['late', 'wet']"), Shown::Bool(true));
    assert_eq!(v("notes == ['late', 'dry']"), Shown::Bool(false));
    assert_eq!(v("['late'] == notes"), Shown::Bool(false));
    assert_eq!(v("notes == ['late']"), Shown::Bool(false));
    assert_eq!(v("filter(n in notes: true) == notes"), Shown::Bool(true));
}

#[test]
fn what_is_unknown_stays_unknown_through_every_operator() {
    let w = world();
    // The oracle takes any decided answer where it finds none (bounds may decide more than
    // Kleene logic), so that an unknown does not silently become null, false or a number is
    // held here, operator by operator. `genres`, `limit` and `borrower` are absent from BARE.
    for t in [
        "notes[limit]",
        "genres[0]",
        "catalog.genres[genres[0]]",
        "catalog.genres[genres[0]].weight",
        "-limit",
        "borrower.name in notes",
        "'crime' in genres",
        "len(genres)",
        "len([limit, 1])",
        "(limit) days",
        "1 in [limit, 2]",
        "1 not in [limit, 2]",
    ] {
        assert_eq!(w.eval(t, BARE).0, Shown::Absent, "{t}");
    }
    // Null is known: it does not make them unknown.
    let v = |t: &str| w.eval(t, BARE).0;
    assert_eq!(v("notes[null]"), Shown::Null);
    assert_eq!(v("catalog.genres[null]"), Shown::Null);
    assert_eq!(v("-null"), Shown::Null);
    assert_eq!(v("(null) days"), Shown::Null);
    assert_eq!(v("2 in [limit, 2]"), Shown::Bool(true));
    assert_eq!(v("2 not in [limit, 2]"), Shown::Bool(false));
}

#[test]
fn membership_in_computed_lists() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    // `fee` is 20 in FULL: the items are computed, not constants.
    assert_eq!(v("20 in [fee, 2]"), Shown::Bool(true));
    assert_eq!(v("2 in [fee, 2]"), Shown::Bool(true));
    assert_eq!(v("1 in [fee, 2]"), Shown::Bool(false));
    assert_eq!(v("1 not in [fee, 2]"), Shown::Bool(true));
    assert_eq!(v("'wet' in notes"), Shown::Bool(true));
    assert_eq!(v("'dry' in notes"), Shown::Bool(false));
    assert_eq!(v("'dry' not in notes"), Shown::Bool(true));
}

#[test]
fn bounds_decide_membership_and_negation() {
    let w = world();
    let v = |t: &str| w.eval(t, BARE).0;
    // An absent `fee` is at least 0, so `fee + 10` is at least 10: no constant below can be it.
    assert_eq!(v("fee + 10 in [1, 2]"), Shown::Bool(false));
    assert_eq!(v("fee + 10 not in [1, 2]"), Shown::Bool(true));
    assert_eq!(v("fee + 10 in [1, 12]"), Shown::Absent);
    assert_eq!(v("fee + 10 in [10]"), Shown::Absent);
    assert_eq!(v("fee + 10 not in [10]"), Shown::Absent);
    assert_eq!(
        w.within("-fee", BARE),
        Some(Within {
            lo: None,
            hi: num(-0.0)
        })
    );
    assert_eq!(v("-fee <= 0"), Shown::Bool(true));
    assert_eq!(v("-fee > 0"), Shown::Bool(false));
}

#[test]
fn an_outer_name_inside_an_inner_quantifier() {
    let w = world();
    let v = |t: &str| w.eval(t, FULL).0;
    // `g` is one binding out from inside the inner quantifier.
    assert_eq!(
        v("count(g in genres: any(n in notes: g == 'crime'))"),
        Shown::Number(1.0)
    );
    assert_eq!(
        v("count(c in copies: any(n in notes: c == copies[1]))"),
        Shown::Number(1.0)
    );
}

#[test]
fn a_trace_shows_the_field_of_a_chain_compared_with_a_constant() {
    // Outside a trace such a comparison is fused (the field compared where it is, no value
    // made); a trace shows the field read as a step of its own, as for a root field.
    let w = world();
    let c = w.compiled("borrower.age >= 18");
    let doc = w.doc(FULL);
    let mut ctx = w.ctx(&doc);
    let (v, trace) = c.traced(&mut ctx);
    assert_eq!(v.shown(), Shown::Bool(true));
    let steps: Vec<(String, usize, Shown)> = trace
        .into_iter()
        .map(|s| (s.text, s.depth, s.value))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("borrower.age >= 18".into(), 0, Shown::Bool(true)),
            ("borrower.age".into(), 1, Shown::Number(40.0)),
        ]
    );
}
