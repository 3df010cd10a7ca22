//! The second evaluation form of a compiled expression, for when nothing but the value is wanted:
//! no reads recorded and no trace kept (`!ctx.record && ctx.trace.is_none()`, which is how batch
//! runs evaluate). It owns the [`Fast`] tree built next to [`super::Compiled`]'s code and its
//! evaluator.
//!
//! **Invariant:** every value is the one the interpreter (`eval::ev_op`) gives on the same context.
//! What it saves is what only evidence needs: read bookkeeping, the paths of scalars read on the
//! way to a comparison, and values built for operands whose truth alone matters. A field read from
//! the root or a bound name ([`FieldRef`]) is fused with what uses it (a comparison, a membership
//! test, `present`), so the node read is looked at where it is; the operands of `and` and `or`
//! are regrouped (tests of one object together, equalities of one field as one membership test,
//! loops last: see `junction_of`), which their truth values allow as nothing is recorded. A scalar
//! cell of a catalog row named by a constant key is a constant of the tree, read when it is built
//! from the catalog the expression is compiled against. Shapes it
//! does not specialise stay [`Fast::Slow`] and go to the interpreter, which records nothing when
//! `ctx.record` is off. The differential tests below hold the two to each other: on documents
//! evaluated by the rule set, and on each specialised shape over fields stated, null and absent.

use super::ast::{QuantKind, Unit};
use super::compile::{ArOp, CmpOp, Code, Op, Start, Step};
use super::eval::{self, Ctx, Extreme, Path, Val};
use crate::catalog::{Catalog, Row};
use crate::value::{Node, Trees, Value};
use jiff::civil::Date;
use std::cmp::Ordering;

/// A node of the specialised form: the interpreter's operations whose evaluation without reads
/// is cheaper done apart, and [`Fast::Slow`] for the rest.
#[derive(Debug, Clone)]
pub(crate) enum Fast {
    /// Not specialised: evaluated by the interpreter.
    Slow(Box<Code>),
    Const(Val<'static>),
    Field(FieldRef),
    /// A field of what `base` gives, when that is not the root or a bound name. `code` is the
    /// whole operation, for the rare value that needs its path (an object or a list).
    Member {
        base: Box<Fast>,
        slot: u32,
        catalog: bool,
        code: Box<Code>,
    },
    Row {
        table: u32,
        key: Box<Fast>,
    },
    Binding(u32),
    Fact(u32),
    Param(u32),
    Today,
    RefDate,
    Not(Box<Fast>),
    And(Box<[Fast]>),
    Or(Box<[Fast]>),
    Coalesce(Box<[Fast]>),
    /// A field read compared with something.
    FieldCmp {
        op: CmpOp,
        lhs: FieldRef,
        rhs: Rhs,
    },
    /// A field read tested against constants (`x in [...]`).
    FieldIn {
        negate: bool,
        lhs: FieldRef,
        items: Box<[Val<'static>]>,
    },
    /// `present(field)`.
    Present(FieldRef),
    /// Tests of fields of one object joined by `and` (`is_or` false) or `or`
    /// (`i.kind == 'a' and i.date <= today`): the object is looked up once for all of them.
    Tests {
        is_or: bool,
        base: Base,
        tests: Box<[Test]>,
        /// The object is the innermost bound name and no test reads another bound name: a
        /// quantifier can then test its items without binding them.
        on_item: bool,
    },
    /// `len(field)`.
    Len(FieldRef),
    /// A constant tested against the items of a list field (`'x' in field`).
    ConstIn {
        negate: bool,
        item: Val<'static>,
        list: FieldRef,
    },
    Cmp {
        op: CmpOp,
        lhs: Box<Fast>,
        rhs: Box<Fast>,
    },
    CmpConst {
        op: CmpOp,
        lhs: Box<Fast>,
        rhs: Val<'static>,
    },
    InConsts {
        negate: bool,
        lhs: Box<Fast>,
        items: Box<[Val<'static>]>,
    },
    /// A quantifier: specialised over a list read from the document (`any`, `all`, `count`,
    /// `sum`, and `min`/`max` over its `filter`); any other goes to the interpreter as `code`.
    Quant {
        kind: QuantKind,
        list: Box<Fast>,
        body: Box<Fast>,
        code: Box<Code>,
    },
    ConstRow {
        table: u32,
        row: u32,
    },
    Extreme {
        max: bool,
        args: Box<[Fast]>,
    },
    Arith {
        op: ArOp,
        lhs: Box<Fast>,
        rhs: Box<Fast>,
    },
    Duration {
        amount: Box<Fast>,
        unit: Unit,
    },
}

/// The right side of [`Fast::FieldCmp`].
#[derive(Debug, Clone)]
pub(crate) enum Rhs {
    Const(Val<'static>),
    Today,
    Binding(u32),
    Field(FieldRef),
    Other(Box<Fast>),
}

/// A field read from the root or a bound name: through the objects of `init`, then `last`
/// (`a.b.c`, `item.x`, a field of the root).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldRef {
    start: Start,
    init: Box<[Step]>,
    last: Step,
}

/// The object a [`FieldRef`] reads its last field from: the root or a bound name, then the
/// objects of `init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Base {
    start: Start,
    init: Box<[Step]>,
}

/// One test of [`Fast::Tests`]: what is done with field `last` of the shared object, as the
/// operation of the same name does it with the field read.
#[derive(Debug, Clone)]
pub(crate) struct Test {
    last: Step,
    kind: TestKind,
}

#[derive(Debug, Clone)]
pub(crate) enum TestKind {
    /// [`Fast::FieldCmp`].
    Cmp { op: CmpOp, rhs: Rhs },
    /// [`Fast::FieldIn`].
    In {
        negate: bool,
        items: Box<[Val<'static>]>,
    },
    /// [`Fast::Present`].
    Present,
    /// The truth of [`Fast::Field`].
    Truth,
}

impl Base {
    /// The object read from, and whether it is in the document; or what every field read
    /// from it finds when there is none (and whether the last object reached is in the
    /// document), as [`FieldRef::at`] gives it.
    #[inline(always)]
    fn object<'a>(&self, ctx: &Ctx<'a>) -> Result<(&'a Node, bool), (At<'a>, bool)> {
        object(self.start, &self.init, ctx)
    }
}

/// See [`Base::object`].
#[inline(always)]
fn object<'a>(
    start: Start,
    init: &[Step],
    ctx: &Ctx<'a>,
) -> Result<(&'a Node, bool), (At<'a>, bool)> {
    let (mut node, doc) = match start {
        Start::Root => (ctx.root, true),
        Start::Binding(k) => match binding(ctx, k) {
            Some(Val::Obj { node, path }) => (*node, !path.is_none()),
            Some(Val::Unknown) | None => return Err((At::Unknown, false)),
            Some(_) => return Err((At::Null, false)),
        },
    };
    for step in init {
        match slot(ctx.slot(node, step.slot), doc, step.catalog) {
            At::Node(n) if matches!(n.value, Value::Object(_)) => node = n,
            At::Unknown => return Err((At::Unknown, doc)),
            _ => return Err((At::Null, doc)),
        }
    }
    Ok((node, doc))
}

impl FieldRef {
    fn of(op: &Op) -> Option<FieldRef> {
        match op {
            Op::RootField(slot) => Some(FieldRef {
                start: Start::Root,
                init: Box::new([]),
                last: Step {
                    slot: *slot,
                    catalog: false,
                },
            }),
            Op::Chain { start, steps } => {
                let (last, init) = steps.split_last()?;
                Some(FieldRef {
                    start: *start,
                    init: init.into(),
                    last: *last,
                })
            }
            _ => None,
        }
    }

    /// The node read, as `eval::chain` reads it, and whether the object it is read from is in
    /// the document.
    #[inline(always)]
    fn at<'a>(&self, ctx: &Ctx<'a>) -> (At<'a>, bool) {
        match object(self.start, &self.init, ctx) {
            Ok((node, doc)) => (
                slot(ctx.slot(node, self.last.slot), doc, self.last.catalog),
                doc,
            ),
            Err(found) => found,
        }
    }

    fn base(&self) -> Base {
        Base {
            start: self.start,
            init: self.init.clone(),
        }
    }

    /// The path of the node read, once [`FieldRef::at`] found it.
    fn path(&self, ctx: &Ctx<'_>) -> Path {
        let mut p = match self.start {
            Start::Root => Path::root(),
            Start::Binding(k) => match binding(ctx, k) {
                Some(Val::Obj { path, .. }) => *path,
                _ => Path::none(),
            },
        };
        for step in &self.init {
            p = p.child(step.slot);
        }
        p.child(self.last.slot)
    }

    /// The value read, as the interpreter gives it (objects and lists with their path).
    #[inline(never)]
    fn val<'a>(&self, ctx: &Ctx<'a>) -> Val<'a> {
        match self.at(ctx).0 {
            At::Node(n) => match n.value {
                Value::Object(_) | Value::List(_) => ctx.val(n, self.path(ctx)),
                // Scalars carry no path.
                _ => ctx.val(n, Path::none()),
            },
            At::Unknown => Val::Unknown,
            At::Null => Val::Null,
        }
    }
}

/// What a field read finds.
#[derive(Clone, Copy)]
enum At<'a> {
    Node(&'a Node),
    /// Absent from an object of the document.
    Unknown,
    /// Not there, and known not to be (absent catalog cell, a step that is not an object).
    Null,
}

impl Fast {
    /// The specialised form of `c`, by the shape of its operations, with the cells of catalog
    /// rows named by a constant key read from `catalog`, the one `c` was compiled against.
    pub(crate) fn build(c: &Code, catalog: &Catalog) -> Fast {
        let b = |c: &Code| Box::new(Fast::build(c, catalog));
        let all = |cs: &[Code]| {
            cs.iter()
                .map(|c| Fast::build(c, catalog))
                .collect::<Box<[Fast]>>()
        };
        let each = |cs: &[Code]| cs.iter().map(|c| Fast::build(c, catalog)).collect();
        match &c.op {
            Op::Const(v) => Fast::Const(v.clone()),
            Op::RootField(_) | Op::Chain { .. } => match FieldRef::of(&c.op) {
                Some(r) => Fast::Field(r),
                None => Fast::Slow(Box::new(c.clone())),
            },
            // A scalar cell of a row named by a constant key (`catalog.t['k'].x`) is a constant:
            // the document cannot change it.
            Op::Field {
                base,
                slot: s,
                catalog: true,
            } if let Op::ConstRow { table, row } = base.op
                && let Some(v) = const_cell(catalog, table, row, *s) =>
            {
                Fast::Const(v)
            }
            Op::Field {
                base,
                slot,
                catalog,
            } => Fast::Member {
                base: b(base),
                slot: *slot,
                catalog: *catalog,
                code: Box::new(c.clone()),
            },
            Op::Row { table, key } => Fast::Row {
                table: *table,
                key: b(key),
            },
            Op::Binding(k) => Fast::Binding(*k),
            Op::Fact(i) => Fast::Fact(*i),
            Op::Param(i) => Fast::Param(*i),
            Op::Today => Fast::Today,
            Op::RefDate => Fast::RefDate,
            Op::Not(a) => Fast::Not(b(a)),
            Op::And(items) => junction_of(each(items), false),
            Op::Or(items) => junction_of(each(items), true),
            Op::Coalesce(items) => Fast::Coalesce(all(items)),
            Op::Cmp { op, lhs, rhs } => match FieldRef::of(&lhs.op) {
                Some(lhs) => Fast::FieldCmp {
                    op: *op,
                    lhs,
                    rhs: match &rhs.op {
                        Op::Today => Rhs::Today,
                        Op::Binding(k) => Rhs::Binding(*k),
                        Op::Const(v) => Rhs::Const(v.clone()),
                        op => match FieldRef::of(op) {
                            Some(r) => Rhs::Field(r),
                            None => Rhs::Other(b(rhs)),
                        },
                    },
                },
                None => Fast::Cmp {
                    op: *op,
                    lhs: b(lhs),
                    rhs: b(rhs),
                },
            },
            Op::CmpConst { op, lhs, rhs } => match FieldRef::of(&lhs.op) {
                Some(lhs) => Fast::FieldCmp {
                    op: *op,
                    lhs,
                    rhs: Rhs::Const(rhs.clone()),
                },
                None => Fast::CmpConst {
                    op: *op,
                    lhs: b(lhs),
                    rhs: rhs.clone(),
                },
            },
            Op::InConsts { negate, lhs, items } => match FieldRef::of(&lhs.op) {
                Some(lhs) => Fast::FieldIn {
                    negate: *negate,
                    lhs,
                    items: items.clone(),
                },
                None => Fast::InConsts {
                    negate: *negate,
                    lhs: b(lhs),
                    items: items.clone(),
                },
            },
            Op::Present(p) => match FieldRef::of(&p.op) {
                Some(r) => Fast::Present(r),
                None => Fast::Slow(Box::new(c.clone())),
            },
            Op::Len(a) => match FieldRef::of(&a.op) {
                Some(r) => Fast::Len(r),
                None => Fast::Slow(Box::new(c.clone())),
            },
            Op::In { negate, lhs, rhs } => match (&lhs.op, FieldRef::of(&rhs.op)) {
                (Op::Const(item), Some(list)) => Fast::ConstIn {
                    negate: *negate,
                    item: item.clone(),
                    list,
                },
                _ => Fast::Slow(Box::new(c.clone())),
            },
            Op::Quant { kind, list, body } => Fast::Quant {
                kind: *kind,
                list: b(list),
                body: b(body),
                code: Box::new(c.clone()),
            },
            Op::ConstRow { table, row } => Fast::ConstRow {
                table: *table,
                row: *row,
            },
            Op::Extreme { max, args } => Fast::Extreme {
                max: *max,
                args: all(args),
            },
            Op::Arith { op, lhs, rhs } => Fast::Arith {
                op: *op,
                lhs: b(lhs),
                rhs: b(rhs),
            },
            Op::Duration { amount, unit } => Fast::Duration {
                amount: b(amount),
                unit: *unit,
            },
            _ => Fast::Slow(Box::new(c.clone())),
        }
    }
}

/// Cell `s` of row `row` of catalog table `table`, as the interpreter reads it, when it is a
/// scalar (or null); `None` for a list or an object, whose value carries where it is.
fn const_cell(catalog: &Catalog, table: u32, row: u32, s: u32) -> Option<Val<'static>> {
    let node = catalog
        .tables
        .get(table as usize)
        .and_then(|t| t.rows().get(row as usize))
        .map(|r| &r.node);
    let at = match node {
        Some(n) => match catalog.tree().object(&n.value) {
            Some(slots) => slot(slots.get(s as usize), false, true),
            None => At::Null,
        },
        _ => At::Null,
    };
    match at {
        At::Node(n) => match &n.value {
            Value::Null => Some(Val::Null),
            Value::Bool(b) => Some(Val::Bool(*b)),
            Value::Number(x) => Some(Val::Number(*x)),
            Value::Str(x) => Some(Val::Str(catalog.tree().text(*x).to_string().into())),
            Value::Date(d) => Some(Val::Date(*d)),
            Value::List(_) | Value::Object(_) => None,
        },
        At::Unknown | At::Null => Some(Val::Null),
    }
}

/// `and` (`is_or` false) or `or` of `items`, reshaped for evaluation. The operands are evaluated
/// for their truth alone and read nothing that is recorded, so neither their order nor how they
/// are grouped changes the Kleene result:
/// - in an `or`, equality tests of one field with constants become one membership test;
/// - tests of fields of one object become one [`Fast::Tests`], which looks the object up once;
/// - operands that loop or look up catalog rows go last, so that a cheap one can decide first.
fn junction_of(items: Vec<Fast>, is_or: bool) -> Fast {
    let items = if is_or {
        merge_equalities(items)
    } else {
        items
    };
    let bases: Vec<Option<Base>> = items
        .iter()
        .map(|f| as_test(f).map(|(r, _)| r.base()))
        .collect();
    let shared = |b: &Option<Base>| b.is_some() && bases.iter().filter(|x| *x == b).count() > 1;
    let mut out: Vec<Fast> = Vec::with_capacity(items.len());
    let mut taken: Vec<Option<Fast>> = items.into_iter().map(Some).collect();
    for i in 0..taken.len() {
        let Some(b) = bases.get(i).filter(|b| shared(b)) else {
            if let Some(f) = taken.get_mut(i).and_then(Option::take) {
                out.push(f);
            }
            continue;
        };
        let mut tests = Vec::new();
        for j in i..taken.len() {
            if bases.get(j) != Some(b) {
                continue;
            }
            if let Some(t) = taken
                .get_mut(j)
                .and_then(Option::take)
                .as_ref()
                .and_then(as_test)
                .map(|(r, kind)| Test { last: r.last, kind })
            {
                tests.push(t);
            }
        }
        if let Some(base) = b.clone().filter(|_| !tests.is_empty()) {
            let on_item = base.start == Start::Binding(0)
                && base.init.is_empty()
                && tests.iter().all(|t| match &t.kind {
                    TestKind::Cmp { rhs, .. } => matches!(rhs, Rhs::Const(_) | Rhs::Today),
                    TestKind::In { .. } | TestKind::Present | TestKind::Truth => true,
                });
            out.push(Fast::Tests {
                is_or,
                base,
                tests: tests.into(),
                on_item,
            });
        }
    }
    out.sort_by_key(heavy);
    // One operand left that is a truth value already: it is the junction's value.
    if out.len() == 1
        && out.first().is_some_and(truth_valued)
        && let Some(f) = out.pop()
    {
        return f;
    }
    if is_or {
        Fast::Or(out.into())
    } else {
        Fast::And(out.into())
    }
}

/// In an `or`, `x == a or x == b` as `x in [a, b]`: the same three-valued answer (unknown only when
/// `x` is), with the field read once.
fn merge_equalities(items: Vec<Fast>) -> Vec<Fast> {
    let mut out: Vec<Fast> = Vec::with_capacity(items.len());
    for f in items {
        if let Fast::FieldCmp {
            op: CmpOp::Eq,
            lhs,
            rhs: Rhs::Const(v),
        } = &f
            && !v.is_unknown()
        {
            let same = out.iter().position(|g| match g {
                Fast::FieldCmp {
                    op: CmpOp::Eq,
                    lhs: l,
                    rhs: Rhs::Const(w),
                } => l == lhs && !w.is_unknown(),
                Fast::FieldIn {
                    negate: false,
                    lhs: l,
                    ..
                } => l == lhs,
                _ => false,
            });
            if let Some(g) = same.and_then(|i| out.get_mut(i)) {
                let merged = match g {
                    Fast::FieldCmp {
                        lhs: l,
                        rhs: Rhs::Const(w),
                        ..
                    } => Some(Fast::FieldIn {
                        negate: false,
                        lhs: l.clone(),
                        items: Box::new([w.clone(), v.clone()]),
                    }),
                    Fast::FieldIn { lhs: l, items, .. } => Some(Fast::FieldIn {
                        negate: false,
                        lhs: l.clone(),
                        items: items.iter().chain([v]).cloned().collect(),
                    }),
                    _ => None,
                };
                if let Some(m) = merged {
                    *g = m;
                    continue;
                }
            }
        }
        out.push(f);
    }
    out
}

/// The field an operand of a junction tests, and the test, when it is one of a field.
fn as_test(f: &Fast) -> Option<(&FieldRef, TestKind)> {
    match f {
        Fast::FieldCmp { op, lhs, rhs } => Some((
            lhs,
            TestKind::Cmp {
                op: *op,
                rhs: rhs.clone(),
            },
        )),
        Fast::FieldIn { negate, lhs, items } => Some((
            lhs,
            TestKind::In {
                negate: *negate,
                items: items.clone(),
            },
        )),
        Fast::Present(r) => Some((r, TestKind::Present)),
        Fast::Field(r) => Some((r, TestKind::Truth)),
        _ => None,
    }
}

/// Whether the value of `f` is always a truth value or unknown (as that of a junction is).
fn truth_valued(f: &Fast) -> bool {
    matches!(
        f,
        Fast::Not(_)
            | Fast::And(_)
            | Fast::Or(_)
            | Fast::FieldCmp { .. }
            | Fast::FieldIn { .. }
            | Fast::Present(_)
            | Fast::Tests { .. }
            | Fast::ConstIn { .. }
            | Fast::Cmp { .. }
            | Fast::CmpConst { .. }
            | Fast::InConsts { .. }
    )
}

/// Whether evaluating `f` loops over a list, looks up a catalog row or takes the interpreter.
fn heavy(f: &Fast) -> bool {
    match f {
        Fast::Slow(_) | Fast::Quant { .. } | Fast::Row { .. } | Fast::Member { .. } => true,
        Fast::Not(a) | Fast::Duration { amount: a, .. } => heavy(a),
        Fast::And(xs) | Fast::Or(xs) | Fast::Coalesce(xs) | Fast::Extreme { args: xs, .. } => {
            xs.iter().any(heavy)
        }
        Fast::Cmp { lhs, rhs, .. } | Fast::Arith { lhs, rhs, .. } => heavy(lhs) || heavy(rhs),
        Fast::CmpConst { lhs, .. } | Fast::InConsts { lhs, .. } => heavy(lhs),
        Fast::FieldCmp {
            rhs: Rhs::Other(r), ..
        } => heavy(r),
        Fast::Tests { tests, .. } => tests
            .iter()
            .any(|t| matches!(&t.kind, TestKind::Cmp { rhs: Rhs::Other(r), .. } if heavy(r))),
        _ => false,
    }
}

/// Whether [`super::Compiled::eval`] may use the specialised form. Tests can turn it off to hold
/// it to the interpreter.
#[cfg(not(test))]
#[inline(always)]
pub(crate) fn enabled() -> bool {
    true
}

#[cfg(test)]
thread_local! {
    static INTERPRET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// How often the specialised form was taken, so a test can tell it was.
    static USED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
pub(crate) fn enabled() -> bool {
    let on = !INTERPRET.with(std::cell::Cell::get);
    if on {
        USED.with(|u| u.set(u.get() + 1));
    }
    on
}

/// Run `f` with the specialised form off (on this thread).
#[cfg(test)]
pub(crate) fn interpreted<T>(f: impl FnOnce() -> T) -> T {
    INTERPRET.with(|c| c.set(true));
    let out = f();
    INTERPRET.with(|c| c.set(false));
    out
}

/// An object to read fields from, and whether it is in the document (an absent field of it is
/// then unknown, not null). `None`: unknown; `Some(None)`: known but not an object.
type Obj<'a> = Option<Option<(&'a Node, bool)>>;

/// The value of `f`.
pub(crate) fn val<'a>(f: &'a Fast, ctx: &mut Ctx<'a>) -> Val<'a> {
    // The common operations only: the others are out of line so that this, the most called
    // function, keeps a small frame.
    match f {
        Fast::Field(r) => r.val(ctx),
        Fast::Const(v) => v.reborrow(),
        Fast::Binding(k) => binding(ctx, *k).cloned().unwrap_or(Val::Unknown),
        Fast::Fact(i) => ctx.fact(*i as usize).clone(),
        Fast::Today => Val::Date(ctx.today),
        Fast::Quant {
            kind,
            list,
            body,
            code,
        } => quant(*kind, list, body, code, ctx),
        Fast::Not(_)
        | Fast::And(_)
        | Fast::Or(_)
        | Fast::FieldCmp { .. }
        | Fast::FieldIn { .. }
        | Fast::Present(_)
        | Fast::Tests { .. }
        | Fast::ConstIn { .. }
        | Fast::Cmp { .. }
        | Fast::CmpConst { .. }
        | Fast::InConsts { .. } => match truth(f, ctx) {
            Some(b) => Val::Bool(b),
            None => Val::Unknown,
        },
        _ => val_rare(f, ctx),
    }
}

#[inline(never)]
fn val_rare<'a>(f: &'a Fast, ctx: &mut Ctx<'a>) -> Val<'a> {
    match f {
        Fast::Slow(c) => eval::ev_op(c, ctx, 0),
        Fast::Member { code, .. } => match member(f, ctx) {
            At::Node(n) if !matches!(n.value, Value::Object(_) | Value::List(_)) => {
                ctx.val(n, Path::none())
            }
            At::Node(_) => eval::ev_op(code, ctx, 0),
            At::Unknown => Val::Unknown,
            At::Null => Val::Null,
        },
        Fast::Row { table, key } => match row(*table, key, ctx) {
            Some(Some(r)) => Val::row(&r.node),
            Some(None) => Val::Null,
            None => Val::Unknown,
        },
        Fast::ConstRow { table, row } => eval::const_row(ctx, *table, *row),
        Fast::Param(i) => match ctx.params.get(*i as usize) {
            Some(v) => v.reborrow(),
            None => Val::Unknown,
        },
        Fast::RefDate => ctx.ref_date.map(Val::Date).unwrap_or(Val::Unknown),
        Fast::Len(r) => match r.at(ctx).0 {
            At::Node(n) => match &n.value {
                Value::List(items) => Val::Number(items.len() as f64),
                _ => Val::Null,
            },
            At::Unknown => Val::Unknown,
            At::Null => Val::Null,
        },
        Fast::Coalesce(items) => {
            let mut last = Val::Null;
            for item in items {
                last = val(item, ctx);
                if !matches!(last, Val::Unknown | Val::Null) {
                    return last;
                }
            }
            last
        }
        Fast::Extreme { max, args } => {
            let mut acc = Extreme::new(*max);
            for a in args {
                let v = val(a, ctx);
                acc.add(v);
            }
            acc.finish()
        }
        Fast::Arith { op, lhs, rhs } => {
            let l = val(lhs, ctx);
            let r = val(rhs, ctx);
            eval::arith(*op, &l, &r)
        }
        Fast::Duration { amount, unit } => match val(amount, ctx) {
            Val::Number(n) => eval::duration(n, *unit)
                .map(Val::Duration)
                .unwrap_or(Val::Null),
            Val::Unknown => Val::Unknown,
            _ => Val::Null,
        },
        other => val(other, ctx),
    }
}

/// `val(f, ctx).truth()`, without building the value where it can be helped.
pub(crate) fn truth<'a>(f: &'a Fast, ctx: &mut Ctx<'a>) -> Option<bool> {
    match f {
        Fast::FieldCmp { op, lhs, rhs } => {
            let l = lhs.at(ctx).0;
            field_cmp(*op, l, rhs, ctx)
        }
        Fast::FieldIn { negate, lhs, items } => field_in(*negate, lhs.at(ctx).0, items, ctx.trees),
        Fast::Field(r) => field_truth(r.at(ctx).0),
        Fast::Tests {
            is_or, base, tests, ..
        } => object_tests(*is_or, base.object(ctx), tests, ctx),
        Fast::Not(a) => truth(a, ctx).map(|b| !b),
        Fast::And(items) => junction(items, ctx, false),
        Fast::Or(items) => junction(items, ctx, true),
        Fast::Fact(i) => ctx.fact(*i as usize).truth(),
        Fast::Present(r) => Some(matches!(r.at(ctx).0, At::Node(_))),
        Fast::Quant {
            kind,
            list,
            body,
            code,
        } => quant(*kind, list, body, code, ctx).truth(),
        _ => truth_rare(f, ctx),
    }
}

#[inline(never)]
fn truth_rare<'a>(f: &'a Fast, ctx: &mut Ctx<'a>) -> Option<bool> {
    match f {
        Fast::Member { .. } => match member(f, ctx) {
            At::Node(n) => Some(matches!(n.value, Value::Bool(true))),
            At::Unknown => None,
            At::Null => Some(false),
        },
        Fast::Cmp { op, lhs, rhs } => {
            let l = val(lhs, ctx);
            let r = val(rhs, ctx);
            eval::compare(*op, &l, &r).truth()
        }
        Fast::CmpConst { op, lhs, rhs } => eval::compare(*op, &val(lhs, ctx), rhs).truth(),
        Fast::InConsts { negate, lhs, items } => {
            let l = val(lhs, ctx);
            if l.is_unknown() {
                return None;
            }
            Some(items.iter().any(|v| eval::equal(&l, v)) != *negate)
        }
        Fast::ConstIn { negate, item, list } => {
            if item.is_unknown() {
                return None;
            }
            match list.at(ctx).0 {
                At::Node(n) => match ctx.trees.list(&n.value) {
                    Some(items) => Some(
                        items
                            .iter()
                            .any(|x| node_cmp(CmpOp::Eq, x, item, ctx.trees))
                            != *negate,
                    ),
                    // Not a list: no item is equal.
                    _ => Some(*negate),
                },
                At::Unknown => None,
                At::Null => Some(*negate),
            }
        }
        _ => val(f, ctx).truth(),
    }
}

/// A field read compared with `rhs`, as [`Fast::FieldCmp`] does.
#[inline(always)]
fn field_cmp<'a>(op: CmpOp, l: At<'a>, rhs: &'a Rhs, ctx: &mut Ctx<'a>) -> Option<bool> {
    match rhs {
        Rhs::Const(v) => cmp(op, l, v, ctx.trees),
        Rhs::Today => cmp(op, l, &Val::Date(ctx.today), ctx.trees),
        Rhs::Binding(k) => cmp(op, l, binding(ctx, *k).unwrap_or(&Val::Unknown), ctx.trees),
        Rhs::Field(r) => match r.at(ctx).0 {
            At::Node(n) => cmp(op, l, &ctx.val(n, Path::none()), ctx.trees),
            At::Unknown => None,
            At::Null => cmp(op, l, &Val::Null, ctx.trees),
        },
        Rhs::Other(r) => {
            let r = val(r, ctx);
            cmp(op, l, &r, ctx.trees)
        }
    }
}

/// A field read tested against constants, as [`Fast::FieldIn`] does.
#[inline(always)]
fn field_in(negate: bool, l: At<'_>, items: &[Val<'_>], trees: Trees<'_>) -> Option<bool> {
    match l {
        // A string (what most such tests read) is found once, then compared with each item:
        // `node_cmp` says a string equals only an equal string.
        At::Node(n) => match trees.bytes(&n.value) {
            Some(a) => Some(
                items
                    .iter()
                    .any(|v| matches!(v, Val::Str(b) if crate::json::same(a, b.as_bytes())))
                    != negate,
            ),
            None => Some(items.iter().any(|v| node_cmp(CmpOp::Eq, n, v, trees)) != negate),
        },
        At::Unknown => None,
        At::Null => Some(items.iter().any(|v| eval::equal(&Val::Null, v)) != negate),
    }
}

/// The truth of a field read.
#[inline(always)]
fn field_truth(l: At<'_>) -> Option<bool> {
    match l {
        At::Node(n) => Some(matches!(n.value, Value::Bool(true))),
        At::Unknown => None,
        At::Null => Some(false),
    }
}

/// [`Fast::Tests`]: [`junction`] over the tests, with their object (`obj`, as [`Base::object`]
/// gives it) looked up once.
#[inline(always)]
fn object_tests<'a>(
    is_or: bool,
    obj: Result<(&'a Node, bool), (At<'a>, bool)>,
    tests: &'a [Test],
    ctx: &mut Ctx<'a>,
) -> Option<bool> {
    let mut unknown = false;
    for t in tests {
        let l = match obj {
            Ok((node, doc)) => slot(ctx.slot(node, t.last.slot), doc, t.last.catalog),
            Err((at, _)) => at,
        };
        let b = match &t.kind {
            TestKind::Cmp { op, rhs } => field_cmp(*op, l, rhs, ctx),
            TestKind::In { negate, items } => field_in(*negate, l, items, ctx.trees),
            TestKind::Present => Some(matches!(l, At::Node(_))),
            TestKind::Truth => field_truth(l),
        };
        match b {
            Some(b) if b == is_or => return Some(is_or),
            Some(_) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(!is_or)
}

/// `and` (`is_or` false) or `or`, Kleene, left to right with short-circuit.
fn junction<'a>(items: &'a [Fast], ctx: &mut Ctx<'a>, is_or: bool) -> Option<bool> {
    let mut unknown = false;
    for item in items {
        match truth(item, ctx) {
            Some(b) if b == is_or => return Some(is_or),
            Some(_) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(!is_or)
}

/// A field of an object (`found`: its slot, `None` past the object's slots; `doc`: the object
/// is in the document), as `eval::field` reads it.
#[inline(always)]
fn slot(found: Option<&Option<Node>>, doc: bool, catalog: bool) -> At<'_> {
    match found {
        Some(Some(n)) => At::Node(n),
        Some(None) if !catalog && doc => At::Unknown,
        _ => At::Null,
    }
}

/// What a [`Fast::Member`] reads.
fn member<'a>(f: &'a Fast, ctx: &mut Ctx<'a>) -> At<'a> {
    let Fast::Member {
        base,
        slot: s,
        catalog,
        ..
    } = f
    else {
        return At::Null;
    };
    match obj(base, ctx) {
        Some(Some((node, doc))) => slot(ctx.slot(node, *s), doc, *catalog),
        Some(None) => At::Null,
        None => At::Unknown,
    }
}

/// What `f` gives, as an object to read a field from.
fn obj<'a>(f: &'a Fast, ctx: &mut Ctx<'a>) -> Obj<'a> {
    match f {
        Fast::Binding(k) => obj_of(binding(ctx, *k)),
        Fast::Row { table, key } => match row(*table, key, ctx) {
            Some(Some(r)) if matches!(r.node.value, Value::Object(_)) => {
                Some(Some((&r.node, false)))
            }
            Some(_) => Some(None),
            None => None,
        },
        Fast::Field(r) => match r.at(ctx) {
            (At::Node(n), doc) if matches!(n.value, Value::Object(_)) => Some(Some((n, doc))),
            (At::Unknown, _) => None,
            _ => Some(None),
        },
        // A row named by a constant key (`catalog.t['k'].x`), as `eval::const_row` finds it.
        Fast::ConstRow { table, row } => match ctx
            .catalog
            .tables
            .get(*table as usize)
            .and_then(|t| t.rows().get(*row as usize))
        {
            Some(r) if matches!(r.node.value, Value::Object(_)) => Some(Some((&r.node, false))),
            _ => Some(None),
        },
        other => obj_of(Some(&val(other, ctx))),
    }
}

fn obj_of<'a>(v: Option<&Val<'a>>) -> Obj<'a> {
    match v {
        Some(Val::Obj { node, path }) => Some(Some((*node, !path.is_none()))),
        Some(Val::Unknown) | None => None,
        Some(_) => Some(None),
    }
}

fn binding<'c, 'a>(ctx: &'c Ctx<'a>, k: u32) -> Option<&'c Val<'a>> {
    let i = ctx.bindings.len().checked_sub(1 + k as usize)?;
    ctx.bindings.get(i)
}

/// The catalog row keyed by what `key` gives: `None` unknown, `Some(None)` no such row.
fn row<'a>(table: u32, key: &'a Fast, ctx: &mut Ctx<'a>) -> Option<Option<&'a Row>> {
    let catalog: &'a Catalog = ctx.catalog;
    let find = |k: &str| {
        catalog
            .tables
            .get(table as usize)
            .and_then(|t| t.row_bytes(k.as_bytes()))
    };
    match key {
        // The usual key, a bound item of a list of keys: looked up without copying it.
        Fast::Binding(k) => match binding(ctx, *k) {
            Some(Val::Str(s)) => Some(find(s)),
            Some(Val::Unknown) | None => None,
            Some(_) => Some(None),
        },
        _ => match val(key, ctx) {
            Val::Unknown => None,
            Val::Str(k) => Some(find(&k)),
            _ => Some(None),
        },
    }
}

/// `eval::compare` of what a field read finds with a value, three-valued.
#[inline(always)]
fn cmp(op: CmpOp, l: At<'_>, r: &Val<'_>, trees: Trees<'_>) -> Option<bool> {
    if r.is_unknown() {
        return None;
    }
    match l {
        At::Node(n) => Some(node_cmp(op, n, r, trees)),
        At::Unknown => None,
        At::Null => eval::compare(op, &Val::Null, r).truth(),
    }
}

/// `eval::compare` of a stated node with a known value, on the node itself. The comparisons
/// conditions are made of (strings for equality, dates, numbers) are done where they are asked
/// for; the others out of line.
#[inline(always)]
fn node_cmp(op: CmpOp, n: &Node, r: &Val<'_>, trees: Trees<'_>) -> bool {
    let ord = match (&n.value, r) {
        (Value::Str(_), Val::Str(b)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            let a = trees.bytes(&n.value).unwrap_or_default();
            return crate::json::same(a, b.as_bytes()) == (op == CmpOp::Eq);
        }
        (Value::Date(a), Val::Date(b)) => day_number(*a).cmp(&day_number(*b)),
        (Value::Number(a), Val::Number(b)) => match a.partial_cmp(b) {
            Some(o) => o,
            None => return op == CmpOp::Ne,
        },
        _ => return node_cmp_rare(op, n, r, trees),
    };
    holds(op, ord)
}

/// Whether `op` holds of two values in the order `ord`.
#[inline(always)]
fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

/// [`node_cmp`] of the less common pairs.
#[inline(never)]
fn node_cmp_rare(op: CmpOp, n: &Node, r: &Val<'_>, trees: Trees<'_>) -> bool {
    match (&n.value, r) {
        // Strings order as their bytes do.
        (Value::Str(_), Val::Str(b)) => {
            let a = trees.bytes(&n.value).unwrap_or_default();
            holds(op, a.cmp(b.as_bytes()))
        }
        // Null equals only null and orders with nothing.
        (v, Val::Null) => match op {
            CmpOp::Eq => matches!(v, Value::Null),
            CmpOp::Ne => !matches!(v, Value::Null),
            _ => false,
        },
        _ => node_cmp_other(op, n, r, trees),
    }
}

fn node_cmp_other(op: CmpOp, n: &Node, r: &Val<'_>, trees: Trees<'_>) -> bool {
    let l = Val::from_node(n, Path::none(), trees.holding(&n.value));
    matches!(eval::compare(op, &l, r), Val::Bool(true))
}

/// A number ordered as dates are: year, then month, then day (the month and day fit in the low
/// nine bits), one integer comparison instead of three.
#[inline(always)]
fn day_number(d: Date) -> i32 {
    (i32::from(d.year()) << 9) | (i32::from(d.month()) << 5) | i32::from(d.day())
}

/// `any`, `all`, `count` and `sum` over the items of a list read from the document. Their value
/// is a truth value or a number, so the path of an item bound while computing it can show
/// nowhere (no reads are recorded): items are bound with a path that is only right about being
/// in the document or not (`doc`), which is all evaluation looks at, and no per-item path is
/// worked out.
fn tally<'a>(
    kind: QuantKind,
    items: &'a [Node],
    doc: bool,
    body: &'a Fast,
    ctx: &mut Ctx<'a>,
) -> Val<'a> {
    let path = if doc { Path::root() } else { Path::none() };
    let mut unknown = false;
    let mut count = 0usize;
    let mut sum = 0.0;
    // Tests of the item alone: on the item where it is, as `Base::object` finds a bound item.
    if let Fast::Tests {
        is_or,
        tests,
        on_item: true,
        ..
    } = body
        && kind != QuantKind::Sum
    {
        for n in items {
            let obj = match n.value {
                Value::Object(_) => Ok((n, doc)),
                _ => Err((At::Null, false)),
            };
            match object_tests(*is_or, obj, tests, ctx) {
                Some(b) if kind == QuantKind::Count => count += usize::from(b),
                Some(b) if b == (kind == QuantKind::Any) => return Val::Bool(b),
                Some(_) => {}
                None => unknown = true,
            }
        }
        return match (unknown, kind) {
            (true, _) => Val::Unknown,
            (_, QuantKind::Any) => Val::Bool(false),
            (_, QuantKind::All) => Val::Bool(true),
            _ => Val::Number(count as f64),
        };
    }
    for n in items {
        ctx.bindings.push(ctx.val(n, path));
        match kind {
            QuantKind::Sum => {
                let v = val(body, ctx);
                ctx.bindings.pop();
                match v {
                    Val::Number(x) => sum += x,
                    Val::Unknown => unknown = true,
                    _ => {}
                }
            }
            _ => {
                let t = truth(body, ctx);
                ctx.bindings.pop();
                match t {
                    Some(b) if kind == QuantKind::Count => count += usize::from(b),
                    Some(b) if b == (kind == QuantKind::Any) => return Val::Bool(b),
                    Some(_) => {}
                    None => unknown = true,
                }
            }
        }
    }
    if unknown {
        return Val::Unknown;
    }
    match kind {
        QuantKind::Any => Val::Bool(false),
        QuantKind::All => Val::Bool(true),
        QuantKind::Count => Val::Number(count as f64),
        _ => eval::number(sum),
    }
}

/// `min`/`max` of `body` over the items of a list (at `path`) that `pred` keeps. Unknown as soon as
/// `pred` is unknown for an item, as the filter then is.
fn extreme_of_kept<'a>(
    max: bool,
    items: &'a [Node],
    path: Path,
    pred: &'a Fast,
    body: &'a Fast,
    ctx: &mut Ctx<'a>,
) -> Val<'a> {
    let mut acc = Extreme::new(max);
    for (i, n) in items.iter().enumerate() {
        ctx.bindings.push(ctx.val(n, path.child(i as u32)));
        let v = match truth(pred, ctx) {
            Some(true) => Some(val(body, ctx)),
            Some(false) => None,
            None => {
                ctx.bindings.pop();
                return Val::Unknown;
            }
        };
        ctx.bindings.pop();
        if let Some(v) = v {
            acc.add(v);
        }
    }
    acc.finish()
}

/// The quantifiers, as `eval::quant` computes them.
fn quant<'a>(
    kind: QuantKind,
    list: &'a Fast,
    body: &'a Fast,
    code: &'a Code,
    ctx: &mut Ctx<'a>,
) -> Val<'a> {
    if let Fast::Field(r) = list
        && matches!(
            kind,
            QuantKind::Any | QuantKind::All | QuantKind::Count | QuantKind::Sum
        )
    {
        return match r.at(ctx) {
            (At::Node(n), doc) => match ctx.trees.list(&n.value) {
                Some(items) => tally(kind, items, doc, body, ctx),
                // A value that is not a list has no items.
                _ => tally(kind, &[], doc, body, ctx),
            },
            (At::Unknown, _) => Val::Unknown,
            (At::Null, _) => tally(kind, &[], false, body, ctx),
        };
    }
    // `min`/`max` over `filter` of a list read from the document, in one pass: an item kept by the
    // filter is bound for the body just as it was for the condition.
    if let (
        QuantKind::Min | QuantKind::Max,
        Fast::Quant {
            kind: QuantKind::Filter,
            list: inner,
            body: pred,
            ..
        },
    ) = (kind, list)
        && let Fast::Field(r) = &**inner
    {
        let max = kind == QuantKind::Max;
        return match r.at(ctx) {
            (At::Unknown, _) => Val::Unknown,
            (At::Node(n), _) => match ctx.trees.list(&n.value) {
                // The path is worked out only for items to bind.
                Some(items) if !items.is_empty() => {
                    let path = r.path(ctx);
                    extreme_of_kept(max, items, path, pred, body, ctx)
                }
                _ => extreme_of_kept(max, &[], Path::none(), pred, body, ctx),
            },
            (At::Null, _) => extreme_of_kept(max, &[], Path::none(), pred, body, ctx),
        };
    }
    // Other lists (catalog tables, computed lists) and `filter` as a result: the interpreter,
    // which records nothing here.
    eval::ev_op(code, ctx, 0)
}

#[cfg(test)]
mod tests {
    use super::interpreted;
    use crate::generator::{self, GenOptions};
    use crate::rules::EvalOptions;
    use crate::schema::{Document, validate};
    use crate::source::SourceFile;
    use jiff::civil::Date;
    use proptest::prelude::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap_or_default()
    }

    /// As-of dates before, inside and after the validity windows of typical rule sets.
    fn as_of_dates() -> [Date; 3] {
        [date("2026-06-01"), date("2019-01-01"), date("2031-12-31")]
    }

    fn document(text: &str) -> Option<Document> {
        let (rules, _) = generator::embedded();
        validate(
            rules.schema(),
            rules.catalog(),
            SourceFile::new("doc.json", text),
        )
        .ok()
    }

    /// Every `every`-th key of every object removed (from the `offset`-th on), so that fields
    /// the generator always states are absent too, and come out unknown.
    fn thinned(text: &str, every: usize, offset: usize) -> Option<String> {
        fn walk(v: &mut serde_json::Value, every: usize, n: &mut usize) {
            match v {
                serde_json::Value::Object(map) => {
                    let keys: Vec<String> = map.keys().cloned().collect();
                    for k in keys {
                        *n += 1;
                        if n.is_multiple_of(every) && k != "schema" && k != "id" {
                            map.remove(&k);
                        } else if let Some(child) = map.get_mut(&k) {
                            walk(child, every, n);
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    for item in items {
                        walk(item, every, n);
                    }
                }
                _ => {}
            }
        }
        let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
        let mut n = offset;
        walk(&mut v, every, &mut n);
        serde_json::to_string(&v).ok()
    }

    /// The evaluation with the specialised form and with the interpreter alone, as text.
    fn both_ways(doc: &Document, as_of: Date, opts: &EvalOptions) -> (String, String) {
        let (rules, _) = generator::embedded();
        let fast = format!("{:?}", rules.evaluate(doc, as_of, opts));
        let slow = interpreted(|| format!("{:?}", rules.evaluate(doc, as_of, opts)));
        (fast, slow)
    }

    fn check(name: &str, doc: &Document) {
        for as_of in as_of_dates() {
            for opts in [EvalOptions::COUNTS, EvalOptions::STATUSES] {
                let (fast, slow) = both_ways(doc, as_of, &opts);
                assert_eq!(fast, slow, "{name} as of {as_of} with {opts:?}");
            }
        }
    }

    fn generated(count: u64, seed: u64) -> impl Iterator<Item = String> {
        let (_, profile) = generator::embedded();
        let opts = GenOptions {
            count,
            seed,
            invalid_rate: 0.0,
        };
        (0..count).map(move |i| generator::document(profile, &opts, i))
    }

    /// The specialised form gives the evaluation the interpreter gives, on every fixture, on
    /// generated documents, and on generated documents with fields taken out.
    #[test]
    fn specialised_form_evaluates_as_the_interpreter_does() {
        let before = super::USED.with(std::cell::Cell::get);
        let mut checked = 0;
        let mut dir: Vec<_> = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/initiatives/valid"
        ))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
        dir.sort();
        for path in dir {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let name = path.display().to_string();
            // A batch file holds one document a line.
            let docs: Vec<&str> = if name.ends_with(".jsonl") {
                text.lines().filter(|l| !l.trim().is_empty()).collect()
            } else {
                vec![text.as_str()]
            };
            for d in docs {
                if let Some(doc) = document(d) {
                    check(&name, &doc);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 14, "only {checked} fixtures read");
        for (i, text) in generated(300, 11).enumerate() {
            let Some(doc) = document(&text) else {
                panic!("generated document {i} is invalid:\n{text}")
            };
            check(&text, &doc);
            for (every, offset) in [(3, 0), (4, 1), (5, 2), (7, 3)] {
                if let Some(doc) = thinned(&text, every, offset).as_deref().and_then(document) {
                    check(&text, &doc);
                    checked += 1;
                }
            }
        }
        assert!(checked > 400, "only {checked} documents were checked");
        // The comparison means something only if the specialised form was taken.
        assert!(super::USED.with(std::cell::Cell::get) > before);
    }

    /// A table longer than the tables scanned (the catalog finds rows by a hashed index in
    /// tables of more than four), with keys of every length `json::same` tells apart.
    const SHAPES_CATALOG: &str = r#"
[catalog.t]
key = "id"
title = { nb = "T", en = "T" }

[[catalog.t.rows]]
id = "a"
flag = true

[[catalog.t.rows]]
id = "abc"
flag = false
n = 1

[[catalog.t.rows]]
id = "abcd"
flag = true
n = 2

[[catalog.t.rows]]
id = "abcdX"
flag = false

[[catalog.t.rows]]
id = "abcdefgh"
flag = true
n = 4

[[catalog.t.rows]]
id = "abcdefghij"
flag = false
n = 5

[[catalog.t.rows]]
id = "abcdefghiX"
flag = true

[[catalog.t.rows]]
id = "abcdefghijklmnopq"
flag = false
n = 7

[[catalog.t.rows]]
id = "abcdefghijklmnopqrstuvwxyz0123456789"
flag = true
n = 8

[[catalog.t.rows]]
id = "M01"
flag = false

[[catalog.t.rows]]
id = "M02"
flag = true
n = 10

[[catalog.t.rows]]
id = "M03"
flag = false
n = 11

[[catalog.t.rows]]
id = "M10"
flag = true

[[catalog.t.rows]]
id = "M11"
flag = false
n = 13

[[catalog.t.rows]]
id = "abcdefgh-ij-klmnopqrs"
flag = true
n = 14
"#;

    const SHAPES_INPUT: &str = r#"
[input]
schema = "fast-test/v1"
key = "id"
root = "doc"
title = { nb = "Prøve", en = "Test" }

[input.types.doc]
doc = { nb = "Et dokument", en = "A document" }
[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "A-Za-z0-9-", required = true }
code = { type = "string", nullable = true }
flag = { type = "bool", nullable = true }
n = { type = "number", nullable = true }
on = { type = "date", nullable = true }
tags = { type = "list", items = "string", nullable = true }
items = { type = "list", items = "item", absent = "empty" }
part = { type = "item", absent = "none" }

[input.types.item]
doc = { nb = "En del", en = "A part" }
[input.types.item.fields]
code = { type = "string", nullable = true }
flag = { type = "bool" }
n = { type = "number" }
on = { type = "date", nullable = true }
tags = { type = "list", items = "string" }
"#;

    /// Expressions of every shape the specialised form fuses or specialises, some of them in
    /// each position of an `and` or `or`.
    const SHAPES: &[&str] = &[
        "code == 'abcdefghij' or code == 'abc' or code == ''",
        "code == 'abcde' or n > 3 or code == 'abcdX' or code == null",
        "code != 'abcde' and flag and n >= 2 and present(on)",
        "not flag or code != 'ab' or present(on) or on < today",
        "part.code == 'abc' and part.n >= 2 and present(part.on) and part.flag",
        "part.code == 'abc' or part.code == 'aXc' or not present(part.on) or part.n == n",
        "code in ['abc', 'abcdefgh'] and code != 'abcdefgi' and len(tags) > 0",
        "code not in ['abc', 'abcdefgh'] or flag or n == null",
        "any(i in items: i.code == 'abcdefghij' and i.n > 1 and i.on <= today)",
        "any(i in items: (i.code == 'a' or i.code == 'abc' or i.code == null) and i.flag and i.n == n)",
        "all(i in items: i.code != 'abcdefghiX' or i.n < 2 or present(i.on))",
        "count(i in items: i.flag and i.code == code and present(i.tags))",
        "count(i in items: i.flag or i.code in ['abc', 'a'] or i.n > 5)",
        "all(i in items: i.flag and i.on < today)",
        "any(i in items: any(j in items: j.n > i.n and j.code == i.code and j.flag))",
        "any(i in items: 'abcd' in i.tags and i.n > 0) or 'abc' in tags",
        "'abc' not in part.tags",
        "'abcdefghij' in tags or 'abcdefghij' in part.tags",
        "null in tags",
        "len(tags)",
        "len(part.tags) == 0 and flag",
        "len(items) >= 2 or code == 'abc'",
        "any(i in items: i.flag) or flag or code == 'abc'",
        "n > 2 and any(i in items: i.n > 2) and part.n > 2 and code == 'abc'",
        "catalog.t[code].flag",
        "catalog.t[code].n",
        "catalog.t[code].n > 3 or catalog.t[part.code].flag",
        "any(i in items: catalog.t[i.code].flag and catalog.t[i.code].n >= 1)",
        "count(x in tags: catalog.t[x].flag)",
        "catalog.t['abc'].n ?? catalog.t['a'].n ?? n",
        "catalog.t['M11'].flag and catalog.t['abcdefghijklmnopq'].flag",
        "catalog.t['abcdefgh-ij-klmnopqrs'].n > 1",
        "catalog.t['abcd'].id == code or catalog.t['abcdX'].n == null",
        "catalog.t['abcdefgh'].id",
    ];

    const SHAPES_DOCS: &[&str] = &[
        r#"{"schema":"fast-test/v1","id":"F-1","code":"abc","flag":true,"n":3,"on":"2026-01-02",
            "tags":["abc","abcdefghij","M11","abcdefghijklmnopqrstuvwxyz0123456789","nope"],
            "items":[{"code":"abc","flag":true,"n":3,"on":"2026-01-02","tags":["abcd"]},
                     {"code":"abcdefghij","flag":false,"n":2,"on":null,"tags":[]}],
            "part":{"code":"aXc","flag":true,"n":3,"on":"2027-01-01","tags":["abc"]}}"#,
        r#"{"schema":"fast-test/v1","id":"F-2","code":"abcdX","flag":false,"n":1,"on":null,
            "tags":[],
            "items":[{"code":"abcdefghiX","flag":true,"n":1,"tags":["abce"]},
                     {"code":null,"flag":true,"n":1,"on":"2020-01-01","tags":["abcd"]}],
            "part":null}"#,
        r#"{"schema":"fast-test/v1","id":"F-3","code":"abcdefgh","n":null,"tags":null,
            "items":[{"code":"a","n":5}],"part":{"code":"abc","n":1,"tags":[]}}"#,
        r#"{"schema":"fast-test/v1","id":"F-4","code":"abcdefgh-ij-klmnopqrs","flag":true,
            "on":"2020-01-01","tags":["M01","M02","M03","M10","abcdefghijklmnopq","a"],
            "part":{}}"#,
        r#"{"schema":"fast-test/v1","id":"F-5","code":null,"flag":null,"n":0,"tags":["abc"],
            "items":[{"code":"abcdefghij","flag":false,"n":7,"on":"2020-01-01","tags":[]},
                     {"code":"M10","flag":true,"n":1,"tags":[]},
                     {"code":"abcdefghijklmnopqrstuvwxyz0123456789","flag":true,"n":1},
                     {}]}"#,
        r#"{"schema":"fast-test/v1","id":"F-6"}"#,
        r#"{"schema":"fast-test/v1","id":"F-7","code":"","part":{"code":"abcdefghiX"}}"#,
    ];

    /// Each shape the specialised form takes gives the interpreter's value, on documents where
    /// the fields read are stated, null, absent, and read through a missing or null object.
    #[test]
    fn specialised_shapes_evaluate_as_the_interpreter_does() {
        use crate::expr::{Compiled, Names, compile, parse};
        let catalog = crate::catalog::load(&[SourceFile::new("catalog.toml", SHAPES_CATALOG)])
            .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)));
        let schema =
            crate::schema::load_against(&SourceFile::new("input.toml", SHAPES_INPUT), &catalog)
                .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)));
        let none = |_: &str| None;
        let names = Names {
            schema: &schema,
            catalog: &catalog,
            facts: &none,
            params: &none,
            bindings: &[],
            ref_date: true,
            fact_ids: &[],
            param_ids: &[],
        };
        let compiled: Vec<Compiled> = SHAPES
            .iter()
            .map(|text| {
                let file = SourceFile::new("rule.toml", *text);
                parse(&file, 0, text)
                    .and_then(|e| compile(&e, &names, &file))
                    .unwrap_or_else(|d| panic!("{text}:\n{}", crate::diag::render(&d.0, false)))
            })
            .collect();
        let mut checked = 0;
        for text in SHAPES_DOCS {
            let mut variants = vec![text.to_string()];
            for (every, offset) in [(2, 0), (2, 1), (3, 0), (3, 1), (3, 2)] {
                variants.extend(thinned(text, every, offset));
            }
            for variant in variants {
                let doc = validate(&schema, &catalog, SourceFile::new("doc.json", &variant))
                    .unwrap_or_else(|d| panic!("{}", crate::diag::render(&d.0, false)));
                for (c, text) in compiled.iter().zip(SHAPES) {
                    let mut ctx = crate::expr::Ctx::new(
                        &schema,
                        &catalog,
                        doc.value(),
                        &[],
                        date("2026-06-01"),
                    );
                    ctx.record = false;
                    let fast = format!("{:?}", c.eval(&mut ctx));
                    let truth = c.truth(&mut ctx);
                    let slow = interpreted(|| format!("{:?}", c.eval(&mut ctx)));
                    let slow_truth = interpreted(|| c.truth(&mut ctx));
                    assert_eq!(fast, slow, "{text} on {variant}");
                    assert_eq!(truth, slow_truth, "{text} on {variant}");
                    assert!(ctx.bindings.is_empty());
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "only {checked} evaluations");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn specialised_form_agrees_on_any_generated_document(
            seed in any::<u64>(),
            index in 0u64..64,
            every in 2usize..9,
        ) {
            let Some(text) = generated(index + 1, seed).last() else {
                return Ok(());
            };
            for text in [Some(text.clone()), thinned(&text, every, index as usize)] {
                if let Some(doc) = text.as_deref().and_then(document) {
                    for as_of in as_of_dates() {
                        for opts in [EvalOptions::COUNTS, EvalOptions::STATUSES] {
                            let (fast, slow) = both_ways(&doc, as_of, &opts);
                            prop_assert_eq!(fast, slow);
                        }
                    }
                }
            }
        }
    }
}
