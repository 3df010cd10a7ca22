//! The second evaluation form of a compiled expression, for when nothing but the value is wanted:
//! no reads recorded and no trace kept (`!ctx.record && ctx.trace.is_none()`, which is how batch
//! runs evaluate). It owns the [`Fast`] tree built next to [`super::Compiled`]'s code and its
//! evaluator.
//!
//! **Invariant:** every value is the one the interpreter (`eval::ev_op`) gives on the same context.
//! What it saves is what only evidence needs: read bookkeeping, the paths of scalars read on the
//! way to a comparison, and values built for operands whose truth alone matters. A field read from
//! the root or a bound name ([`FieldRef`]) is fused with what uses it (a comparison, a membership
//! test, `present`), so the node read is looked at where it is. Shapes it does not specialise stay
//! [`Fast::Slow`] and go to the interpreter, which records nothing when `ctx.record` is off. The
//! differential test below holds the two to each other.

use super::ast::{QuantKind, Unit};
use super::compile::{ArOp, CmpOp, Code, Op, Start, Step};
use super::eval::{self, Ctx, Extreme, Path, Val};
use crate::catalog::Row;
use crate::value::{Node, Value};
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
#[derive(Debug, Clone)]
pub(crate) struct FieldRef {
    start: Start,
    init: Box<[Step]>,
    last: Step,
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
        let (mut node, doc) = match self.start {
            Start::Root => (ctx.root, true),
            Start::Binding(k) => match binding(ctx, k) {
                Some(Val::Obj { node, path }) => (*node, !path.is_none()),
                Some(Val::Unknown) | None => return (At::Unknown, false),
                Some(_) => return (At::Null, false),
            },
        };
        for step in &self.init {
            match slot(node, doc, step.slot, step.catalog) {
                At::Node(n) if matches!(n.value, Value::Object(_)) => node = n,
                At::Unknown => return (At::Unknown, doc),
                _ => return (At::Null, doc),
            }
        }
        (slot(node, doc, self.last.slot, self.last.catalog), doc)
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
                Value::Object(_) | Value::List(_) => Val::from_node(n, self.path(ctx)),
                // Scalars carry no path.
                _ => Val::from_node(n, Path::none()),
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
    /// The specialised form of `c`, by the shape of its operations only.
    pub(crate) fn build(c: &Code) -> Fast {
        let b = |c: &Code| Box::new(Fast::build(c));
        let all = |cs: &[Code]| cs.iter().map(Fast::build).collect::<Box<[Fast]>>();
        match &c.op {
            Op::Const(v) => Fast::Const(v.clone()),
            Op::RootField(_) | Op::Chain { .. } => match FieldRef::of(&c.op) {
                Some(r) => Fast::Field(r),
                None => Fast::Slow(Box::new(c.clone())),
            },
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
            Op::And(items) => Fast::And(all(items)),
            Op::Or(items) => Fast::Or(all(items)),
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
                Val::from_node(n, Path::none())
            }
            At::Node(_) => eval::ev_op(code, ctx, 0),
            At::Unknown => Val::Unknown,
            At::Null => Val::Null,
        },
        Fast::Row { table, key } => match row(*table, key, ctx) {
            Some(Some(r)) => Val::from_node(&r.node, Path::none()),
            Some(None) => Val::Null,
            None => Val::Unknown,
        },
        Fast::ConstRow { table, row } => eval::const_row(ctx, *table, *row),
        Fast::Param(i) => match ctx.params.get(*i as usize) {
            Some(v) => v.reborrow(),
            None => Val::Unknown,
        },
        Fast::RefDate => ctx.ref_date.map(Val::Date).unwrap_or(Val::Unknown),
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
            match rhs {
                Rhs::Const(v) => cmp(*op, l, v),
                Rhs::Today => cmp(*op, l, &Val::Date(ctx.today)),
                Rhs::Binding(k) => cmp(*op, l, binding(ctx, *k).unwrap_or(&Val::Unknown)),
                Rhs::Field(r) => match r.at(ctx).0 {
                    At::Node(n) => cmp(*op, l, &Val::from_node(n, Path::none())),
                    At::Unknown => None,
                    At::Null => cmp(*op, l, &Val::Null),
                },
                Rhs::Other(r) => {
                    let r = val(r, ctx);
                    cmp(*op, l, &r)
                }
            }
        }
        Fast::FieldIn { negate, lhs, items } => match lhs.at(ctx).0 {
            At::Node(n) => Some(items.iter().any(|v| node_cmp(CmpOp::Eq, n, v)) != *negate),
            At::Unknown => None,
            At::Null => Some(items.iter().any(|v| eval::equal(&Val::Null, v)) != *negate),
        },
        Fast::Field(r) => match r.at(ctx).0 {
            At::Node(n) => Some(matches!(n.value, Value::Bool(true))),
            At::Unknown => None,
            At::Null => Some(false),
        },
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
        _ => val(f, ctx).truth(),
    }
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

/// Field `s` of an object (`doc`: in the document), as `eval::field` reads it.
#[inline(always)]
fn slot(node: &Node, doc: bool, s: u32, catalog: bool) -> At<'_> {
    let slots = node.value.as_object().unwrap_or(&[]);
    match slots.get(s as usize) {
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
        Some(Some((node, doc))) => slot(node, doc, *s, *catalog),
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
    let catalog: &'a crate::catalog::Catalog = ctx.catalog;
    let find = |k: &str| catalog.tables.get(table as usize).and_then(|t| t.row(k));
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
#[inline]
fn cmp(op: CmpOp, l: At<'_>, r: &Val<'_>) -> Option<bool> {
    if r.is_unknown() {
        return None;
    }
    match l {
        At::Node(n) => Some(node_cmp(op, n, r)),
        At::Unknown => None,
        At::Null => eval::compare(op, &Val::Null, r).truth(),
    }
}

/// `eval::compare` of a stated node with a known value, on the node itself.
#[inline]
fn node_cmp(op: CmpOp, n: &Node, r: &Val<'_>) -> bool {
    let ord = match (&n.value, r) {
        (Value::Str(a), Val::Str(b)) => match op {
            CmpOp::Eq => return a.as_str() == &**b,
            CmpOp::Ne => return a.as_str() != &**b,
            _ => Some(a.as_str().cmp(b)),
        },
        (Value::Date(a), Val::Date(b)) => Some(day_number(*a).cmp(&day_number(*b))),
        (Value::Number(a), Val::Number(b)) => a.partial_cmp(b),
        // Null equals only null and orders with nothing.
        (v, Val::Null) => {
            return match op {
                CmpOp::Eq => matches!(v, Value::Null),
                CmpOp::Ne => !matches!(v, Value::Null),
                _ => false,
            };
        }
        _ => return node_cmp_other(op, n, r),
    };
    match op {
        CmpOp::Eq => ord == Some(Ordering::Equal),
        CmpOp::Ne => ord != Some(Ordering::Equal),
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    }
}

#[inline(never)]
fn node_cmp_other(op: CmpOp, n: &Node, r: &Val<'_>) -> bool {
    matches!(
        eval::compare(op, &Val::from_node(n, Path::none()), r),
        Val::Bool(true)
    )
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
    for n in items {
        ctx.bindings.push(Val::from_node(n, path));
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
        ctx.bindings.push(Val::from_node(n, path.child(i as u32)));
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
            (At::Node(n), doc) => match &n.value {
                Value::List(items) => tally(kind, items, doc, body, ctx),
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
            (At::Node(n), _) => match &n.value {
                Value::List(items) => {
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
