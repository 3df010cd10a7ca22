//! The expression language: rendered diagnostics of bad expressions (`fixtures/expr/invalid/`,
//! one snapshot each), evaluation cases kept as data (`fixtures/expr/eval.toml`), a trace, and
//! properties of the three-valued evaluator, all on the small loan format in `fixtures/expr/`.

use proptest::prelude::*;
use samstyr::catalog::Catalog;
use samstyr::diag::{Diagnostics, render};
use samstyr::expr::{self, Binding, Compiled, Ctx, Dur, Names, Reads, Type, Val};
use samstyr::finding::Shown;
use samstyr::schema::{self, Document, InputSchema};
use samstyr::source::SourceFile;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/expr");

struct World {
    schema: InputSchema,
    catalog: Catalog,
    params: Vec<Val<'static>>,
    param_ids: Vec<String>,
    fact_ids: Vec<String>,
    /// `@is-adult`, evaluated before each case.
    is_adult: Option<Compiled>,
}

fn load(name: &str) -> SourceFile {
    let path = Path::new(DIR).join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    SourceFile::new(format!("fixtures/expr/{name}"), text)
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let fail = |d: Diagnostics| -> ! { panic!("{}", render(&d.0, false)) };
        let catalog = samstyr::catalog::load(&[load("catalog.toml")]).unwrap_or_else(|d| fail(d));
        let schema =
            schema::load_against(&load("input.toml"), &catalog).unwrap_or_else(|d| fail(d));
        let mut w = World {
            schema,
            catalog,
            params: vec![Val::Number(14.0), Val::Duration(Dur { months: 3, days: 0 })],
            param_ids: vec!["grace_days".into(), "notice".into()],
            fact_ids: vec!["is-adult".into()],
            is_adult: None,
        };
        w.is_adult = Some(w.compile("borrower.age >= 18").unwrap_or_else(|d| fail(d)));
        w
    })
}

fn fact_type(id: &str) -> Option<(usize, Type)> {
    (id == "is-adult").then_some((0, Type::Bool))
}

fn param_type(id: &str) -> Option<(usize, Type)> {
    match id {
        "grace_days" => Some((0, Type::Number)),
        "notice" => Some((1, Type::Duration)),
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

    /// Compile an expression as it would stand in a rule file: inside a TOML string on line 3.
    fn compile_in_file(&self, name: &str, text: &str) -> Result<Compiled, Diagnostics> {
        let head = "[[fact]]\nid = \"case\"\nexpr = '''";
        let file = SourceFile::new(name, format!("{head}{text}'''\n"));
        let parsed = expr::parse(&file, head.len(), text)?;
        expr::compile(&parsed, &self.names(&[]), &file)
    }

    fn compile(&self, text: &str) -> Result<Compiled, Diagnostics> {
        self.compile_in_file("rule.toml", text)
    }

    fn doc(&self, json: &str) -> Document {
        schema::validate(
            &self.schema,
            &self.catalog,
            SourceFile::new("doc.json", json),
        )
        .unwrap_or_else(|d| panic!("{json}\n{}", render(&d.0, false)))
    }

    fn ctx<'a>(&'a self, doc: &'a Document) -> Ctx<'a> {
        let mut ctx = Ctx::new(
            &self.schema,
            &self.catalog,
            doc.value(),
            &self.params,
            jiff::civil::date(2026, 6, 1),
        );
        ctx.ref_date = Some(jiff::civil::date(2026, 3, 1));
        if let Some(c) = &self.is_adult {
            let v = c.eval::<Reads>(&mut ctx);
            ctx.set_fact(0, v);
            ctx.reads.clear();
        }
        ctx
    }
}

/// The value shown, every read pointer in order, and the set of absent ones.
fn run(c: &Compiled, w: &World, doc: &Document) -> (Shown, Vec<String>, BTreeSet<String>) {
    let mut ctx = w.ctx(doc);
    let v = c.eval::<Reads>(&mut ctx);
    let reads = ctx.reads.iter().map(|r| r.pointer(&w.schema)).collect();
    let absent = ctx
        .reads
        .iter()
        .filter(|r| r.is_absent())
        .map(|r| r.pointer(&w.schema))
        .collect();
    (v.shown(), reads, absent)
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

#[test]
fn invalid_expressions() {
    insta::glob!("../fixtures", "expr/invalid/*.expr", |path| {
        let w = world();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let out = match w.compile_in_file(&format!("{name}.toml"), text) {
            Ok(c) => format!("compiled without error, type {}", c.ty()),
            Err(d) => render(&d.0, false),
        };
        insta::assert_snapshot!("invalid", out);
    });
}

// ---------------------------------------------------------------------------------------------
// Evaluation cases

#[derive(serde::Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    #[serde(default)]
    note: String,
    expr: String,
    doc: String,
    value: String,
    #[serde(default)]
    absent: Vec<String>,
}

#[test]
fn evaluation_cases() {
    let w = world();
    let cases: Cases = toml::from_str(load("eval.toml").text()).unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.case.len() >= 30);
    let mut failures = Vec::new();
    for case in &cases.case {
        let json = load(&format!("docs/{}.json", case.doc));
        let doc = w.doc(json.text());
        let c = match w.compile(&case.expr) {
            Ok(c) => c,
            Err(d) => {
                failures.push(format!("{}: {}", case.expr, render(&d.0, false)));
                continue;
            }
        };
        let mut ctx = w.ctx(&doc);
        let v = c.eval::<Reads>(&mut ctx);
        let absent: Vec<String> = ctx
            .reads
            .iter()
            .filter(|r| r.is_absent())
            .map(|r| r.pointer(&w.schema))
            .collect();
        if v.to_string() != case.value || absent != case.absent {
            failures.push(format!(
                "`{}` on {} ({}): got {} absent {:?}, want {} absent {:?}",
                case.expr, case.doc, case.note, v, absent, case.value, case.absent
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn trace_of_a_quantifier() {
    let w = world();
    let c = w
        .compile("any(c in copies: c.state == 'worn' and c.pages > 200) or member")
        .unwrap_or_else(|d| panic!("{}", render(&d.0, false)));
    let json = load("docs/full.json");
    let doc = w.doc(json.text());
    let mut ctx = w.ctx(&doc);
    let (_, trace) = c.traced(&mut ctx);
    let mut out = String::new();
    for step in trace {
        out.push_str(&format!(
            "{}{} = {:?}\n",
            "  ".repeat(step.depth),
            step.text,
            step.value
        ));
    }
    insta::assert_snapshot!(out);
}

// ---------------------------------------------------------------------------------------------
// Properties

/// A document of the loan format with a few fields each stated or not.
#[derive(Debug, Clone)]
struct Doc {
    member: Option<bool>,
    fee: Option<u8>,
    limit: Option<u8>,
    kind: Option<usize>,
    /// `None`: no borrower; `Some(None)`: a borrower without an age.
    borrower: Option<Option<u8>>,
}

const KINDS: [&str; 3] = ["book", "film", "game"];

impl Doc {
    fn json(&self) -> String {
        let mut f = vec![
            r#""schema": "expr-test/v1""#.to_string(),
            r#""id": "P""#.to_string(),
        ];
        if let Some(m) = self.member {
            f.push(format!(r#""member": {m}"#));
        }
        if let Some(x) = self.fee {
            f.push(format!(r#""fee": {x}"#));
        }
        if let Some(x) = self.limit {
            f.push(format!(r#""limit": {x}"#));
        }
        if let Some(k) = self.kind {
            f.push(format!(r#""kind": "{}""#, KINDS[k]));
        }
        match self.borrower {
            None => {}
            Some(None) => f.push(r#""borrower": { "name": "X" }"#.into()),
            Some(Some(a)) => f.push(format!(r#""borrower": {{ "age": {a} }}"#)),
        }
        format!("{{ {} }}", f.join(", "))
    }
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    (
        proptest::option::of(any::<bool>()),
        proptest::option::of(0u8..10),
        proptest::option::of(0u8..10),
        proptest::option::of(0usize..3),
        proptest::option::of(proptest::option::of(0u8..40)),
    )
        .prop_map(|(member, fee, limit, kind, borrower)| Doc {
            member,
            fee,
            limit,
            kind,
            borrower,
        })
}

/// A condition on one field; its reference value is computed from [`Doc`] directly.
#[derive(Debug, Clone)]
enum Atom {
    Member,
    FeeGt(u8),
    LimitEq(u8),
    KindEq(usize),
    AgeGe(u8),
    PresentFee,
}

impl Atom {
    fn text(&self) -> String {
        match self {
            Atom::Member => "member".into(),
            Atom::FeeGt(n) => format!("fee > {n}"),
            Atom::LimitEq(n) => format!("limit == {n}"),
            Atom::KindEq(k) => format!("kind == '{}'", KINDS[*k]),
            Atom::AgeGe(n) => format!("borrower.age >= {n}"),
            Atom::PresentFee => "present(fee)".into(),
        }
    }

    /// Kleene value (`None` = unknown) and the fields whose absence makes it unknown.
    fn reference(&self, d: &Doc) -> (Option<bool>, BTreeSet<String>) {
        let missing = |p: &str| (None, BTreeSet::from([p.to_string()]));
        match self {
            Atom::Member => d
                .member
                .map_or_else(|| missing("/member"), |m| (Some(m), BTreeSet::new())),
            Atom::FeeGt(n) => d
                .fee
                .map_or_else(|| missing("/fee"), |x| (Some(x > *n), BTreeSet::new())),
            Atom::LimitEq(n) => d
                .limit
                .map_or_else(|| missing("/limit"), |x| (Some(x == *n), BTreeSet::new())),
            Atom::KindEq(k) => d
                .kind
                .map_or_else(|| missing("/kind"), |x| (Some(x == *k), BTreeSet::new())),
            Atom::AgeGe(n) => match d.borrower {
                None => missing("/borrower"),
                Some(None) => missing("/borrower/age"),
                Some(Some(a)) => (Some(a >= *n), BTreeSet::new()),
            },
            Atom::PresentFee => (Some(d.fee.is_some()), BTreeSet::new()),
        }
    }
}

#[derive(Debug, Clone)]
enum Tree {
    Atom(Atom),
    Not(Box<Tree>),
    And(Vec<Tree>),
    Or(Vec<Tree>),
}

fn atom_strategy() -> impl Strategy<Value = Atom> {
    prop_oneof![
        Just(Atom::Member),
        (0u8..10).prop_map(Atom::FeeGt),
        (0u8..10).prop_map(Atom::LimitEq),
        (0usize..3).prop_map(Atom::KindEq),
        (0u8..40).prop_map(Atom::AgeGe),
        Just(Atom::PresentFee),
    ]
}

fn tree_strategy() -> impl Strategy<Value = Tree> {
    atom_strategy()
        .prop_map(Tree::Atom)
        .prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| Tree::Not(Box::new(t))),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(Tree::And),
                proptest::collection::vec(inner, 2..4).prop_map(Tree::Or),
            ]
        })
}

impl Tree {
    fn text(&self) -> String {
        match self {
            Tree::Atom(a) => a.text(),
            Tree::Not(t) => format!("not ({})", t.text()),
            Tree::And(v) => {
                let parts: Vec<String> = v.iter().map(|t| format!("({})", t.text())).collect();
                parts.join(" and ")
            }
            Tree::Or(v) => {
                let parts: Vec<String> = v.iter().map(|t| format!("({})", t.text())).collect();
                parts.join(" or ")
            }
        }
    }

    /// Reference Kleene evaluation: the value, and for an unknown value the fields whose
    /// absence leaves it unknown (those of the unknown operands).
    fn reference(&self, d: &Doc) -> (Option<bool>, BTreeSet<String>) {
        match self {
            Tree::Atom(a) => a.reference(d),
            Tree::Not(t) => {
                let (v, m) = t.reference(d);
                (v.map(|b| !b), m)
            }
            Tree::And(v) | Tree::Or(v) => {
                let is_or = matches!(self, Tree::Or(_));
                let results: Vec<_> = v.iter().map(|t| t.reference(d)).collect();
                if results.iter().any(|(v, _)| *v == Some(is_or)) {
                    return (Some(is_or), BTreeSet::new());
                }
                if results.iter().all(|(v, _)| v.is_some()) {
                    return (Some(!is_or), BTreeSet::new());
                }
                let missing = results
                    .into_iter()
                    .filter(|(v, _)| v.is_none())
                    .flat_map(|(_, m)| m)
                    .collect();
                (None, missing)
            }
        }
    }

    fn uses_present(&self) -> bool {
        match self {
            Tree::Atom(a) => matches!(a, Atom::PresentFee),
            Tree::Not(t) => t.uses_present(),
            Tree::And(v) | Tree::Or(v) => v.iter().any(Tree::uses_present),
        }
    }
}

fn compiled(text: &str) -> Compiled {
    world()
        .compile(text)
        .unwrap_or_else(|d| panic!("{text}\n{}", render(&d.0, false)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `and`/`or`/`not` over conditions on stated and absent fields agree with a reference Kleene
    /// evaluator, and an unknown result names exactly the absent fields that left it unknown.
    #[test]
    fn kleene_logic_matches_the_reference(tree in tree_strategy(), d in doc_strategy()) {
        let w = world();
        let c = compiled(&tree.text());
        let doc = w.doc(&d.json());
        let (shown, _, absent) = run(&c, w, &doc);
        let (want, missing) = tree.reference(&d);
        let want_shown = want.map_or(Shown::Absent, Shown::Bool);
        prop_assert_eq!(&shown, &want_shown, "{}", tree.text());
        if want.is_none() {
            prop_assert_eq!(&absent, &missing, "{}", tree.text());
        } else if !tree.uses_present() {
            prop_assert!(absent.is_empty(), "{}: {:?}", tree.text(), absent);
        }
    }

    /// The same expression on the same document gives the same value and the same reads, with
    /// or without a trace.
    #[test]
    fn evaluation_is_deterministic(tree in tree_strategy(), d in doc_strategy()) {
        let w = world();
        let c = compiled(&tree.text());
        let doc = w.doc(&d.json());
        let first = run(&c, w, &doc);
        let second = run(&c, w, &doc);
        prop_assert_eq!(&first, &second);
        let mut ctx = w.ctx(&doc);
        let (traced, steps) = c.traced(&mut ctx);
        let traced = traced.shown();
        prop_assert_eq!(&traced, &first.0);
        prop_assert_eq!(steps.first().map(|s| s.value.clone()), Some(first.0.clone()));
    }

    /// A comparison or arithmetic on an absent field is not decided, and names that field, when
    /// the field's bounds do not decide it (`fee >= 0` is true for an absent fee with `min = 0`,
    /// docs/rule-language.md "Exact answers"; from 1 on, the bounds leave both outcomes open).
    #[test]
    fn absent_fields_never_decide(
        field in 0usize..5,
        op in prop_oneof![Just("=="), Just("!="), Just("<"), Just("<="), Just(">"), Just(">=")],
        arith in any::<bool>(),
        n in 1u8..10,
    ) {
        let w = world();
        let (path, lit, pointer) = match field {
            0 => ("fee", n.to_string(), "/fee"),
            1 => ("limit", n.to_string(), "/limit"),
            2 => ("borrowed", "2026-01-01".to_string(), "/borrowed"),
            3 => ("borrower.age", n.to_string(), "/borrower"),
            _ => ("returned", "2026-01-01".to_string(), "/returned"),
        };
        let lhs = match (arith, field) {
            (true, 2 | 4) => format!("{path} + {n} days"),
            (true, _) => format!("{path} * 2 - {n}"),
            (false, _) => path.to_string(),
        };
        let c = compiled(&format!("{lhs} {op} {lit}"));
        let doc = w.doc(r#"{ "schema": "expr-test/v1", "id": "P" }"#);
        let (shown, _, absent) = run(&c, w, &doc);
        prop_assert_eq!(shown, Shown::Absent);
        prop_assert_eq!(absent, BTreeSet::from([pointer.to_string()]));
    }

    /// Adding an item to a list never turns `any` from true to false (nor from unknown to false),
    /// nor `all` from false to true (nor from unknown to true).
    #[test]
    fn adding_an_item_is_monotone(
        items in proptest::collection::vec((proptest::option::of(0u16..400), proptest::option::of(0usize..3)), 0..5),
        extra in (proptest::option::of(0u16..400), proptest::option::of(0usize..3)),
        cond in 0usize..4,
        n in 0u16..400,
    ) {
        const STATES: [&str; 3] = ["new", "worn", "damaged"];
        let w = world();
        let body = match cond {
            0 => format!("c.pages > {n}"),
            1 => "c.state == 'worn'".to_string(),
            2 => format!("c.pages > {n} and c.state == 'new'"),
            _ => format!("c.pages > {n} or c.state == 'new'"),
        };
        let json = |items: &[(Option<u16>, Option<usize>)]| {
            let copies: Vec<String> = items
                .iter()
                .map(|(p, s)| {
                    let mut f = vec![r#""barcode": "x""#.to_string()];
                    if let Some(p) = p {
                        f.push(format!(r#""pages": {p}"#));
                    }
                    if let Some(s) = s {
                        f.push(format!(r#""state": "{}""#, STATES[*s]));
                    }
                    format!("{{ {} }}", f.join(", "))
                })
                .collect();
            format!(r#"{{ "schema": "expr-test/v1", "id": "P", "copies": [{}] }}"#, copies.join(", "))
        };
        let mut more = items.clone();
        more.push(extra);
        let (before, after) = (w.doc(&json(&items)), w.doc(&json(&more)));
        let any = compiled(&format!("any(c in copies: {body})"));
        let all = compiled(&format!("all(c in copies: {body})"));
        let (a0, a1) = (run(&any, w, &before).0, run(&any, w, &after).0);
        if a0 != Shown::Bool(false) {
            prop_assert_ne!(&a1, &Shown::Bool(false));
        }
        if a0 == Shown::Bool(true) {
            prop_assert_eq!(&a1, &Shown::Bool(true));
        }
        let (l0, l1) = (run(&all, w, &before).0, run(&all, w, &after).0);
        if l0 != Shown::Bool(true) {
            prop_assert_ne!(&l1, &Shown::Bool(true));
        }
        if l0 == Shown::Bool(false) {
            prop_assert_eq!(&l1, &Shown::Bool(false));
        }
    }

    /// No text makes the parser or the compiler panic or overflow the stack.
    #[test]
    fn arbitrary_text_never_panics(
        text in "[a-z0-9 ()\\[\\].,:'\"@$<>=!?+*/-]{0,80}",
        any_text in "\\PC{0,40}",
    ) {
        let _ = world().compile(&text);
        let _ = world().compile(&any_text);
    }

    /// Whatever compiles also evaluates, on any document of the generator, without panicking.
    #[test]
    fn compiled_text_evaluates(
        text in "(kind|fee|member|borrowed|copies|borrower|c|1|'x'|2026-01-01|3 days| |[(),.\\[\\]]|==|<|and|or|not|\\?\\?|\\+|-|any\\(c in copies: |len\\(|present\\(){1,12}",
        d in doc_strategy(),
    ) {
        let w = world();
        if let Ok(c) = w.compile(&text) {
            let doc = w.doc(&d.json());
            let _ = run(&c, w, &doc);
        }
    }
}
