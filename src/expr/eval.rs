//! The one evaluator of compiled expressions, three-valued (the values it computes are in
//! `value.rs`).
//!
//! [`Val::Unknown`] means "not decidable for lack of a stated field"; the fields whose absence
//! made it so are in [`Ctx::reads`] as reads of nothing. `and`, `or`, `not` and the quantifiers
//! follow Kleene logic, and whenever a result is decided by one operand the reads of the operands
//! that did not matter are dropped, so that the reads left are exactly the evidence.
//!
//! The evaluator is generic over what it records besides the value ([`Record`]): nothing
//! ([`Nothing`], what batch counting asks for), the fields read ([`Reads`]), or the reads and
//! every sub-expression's value ([`Trace`], for `explain`). Each is a separate instance of the
//! same code, with the recording that is off compiled away, so that a value never depends on
//! what is recorded and counting pays nothing for evidence.
//!
//! Values read from the document carry their [`Path`] (slot indices and list indices), not a JSON
//! pointer string: pointers are spelled out only when a caller asks ([`Ctx::pointer`]), so the
//! hot path allocates nothing.

use super::ast::{QuantKind, Unit};
use super::compile::{ArOp, CmpOp, Code, Compiled, Op, Start, Step};
use super::value::{Dur, ListVal, Path, Read, Scalar, Val, Within};
use crate::catalog::Catalog;
use crate::schema::{FieldType, InputSchema};
use crate::source::Span;
use crate::value::{Node, Shown, Tree, Trees, Value};
use jiff::civil::Date;
use std::cmp::Ordering;
use std::sync::Arc;

/// One step of a trace: a sub-expression, its value, and how deep it is in the expression.
/// Steps come in evaluation order, each before the steps of its operands.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    pub span: Span,
    pub text: String,
    pub value: Shown,
    pub depth: usize,
}

/// What an evaluation records besides the value: a type parameter of the evaluator, so that
/// each choice is its own compiled instance and what is not recorded costs nothing.
pub trait Record {
    /// Record the fields read ([`Ctx::reads`]): the evidence, and the missing fields of an
    /// unknown value.
    const READS: bool;
    /// Record every sub-expression's value ([`Ctx::trace`]).
    const TRACE: bool;
}

/// Record nothing: the value only (batch counting, statuses).
#[derive(Debug, Clone, Copy)]
pub enum Nothing {}

/// Record the fields read.
#[derive(Debug, Clone, Copy)]
pub enum Reads {}

/// Record the fields read and a trace of every sub-expression (`samstyr explain`).
#[derive(Debug, Clone, Copy)]
pub enum Trace {}

impl Record for Nothing {
    const READS: bool = false;
    const TRACE: bool = false;
}

impl Record for Reads {
    const READS: bool = true;
    const TRACE: bool = false;
}

impl Record for Trace {
    const READS: bool = true;
    const TRACE: bool = true;
}

/// Everything an evaluation on one document needs, and what it leaves behind (reads, trace).
/// Build it with [`Ctx::new`]; one `Ctx` serves all expressions of a rule set on one document.
pub struct Ctx<'a> {
    pub schema: &'a InputSchema,
    pub catalog: &'a Catalog,
    /// The document root (an object of the schema's root type).
    pub root: &'a Node,
    /// The document's tree and the catalog's: where lists' items and objects' slots are.
    pub trees: Trees<'a>,
    /// Every object slot of the document's tree and of the catalog's: reading a field is the
    /// evaluation's most frequent step, and these spare it finding the tree's vector.
    doc_slots: &'a [Option<Node>],
    catalog_slots: &'a [Option<Node>],
    /// Parameter values, by the indices given to [`super::Names::params`].
    pub params: &'a [Val<'static>],
    /// The as-of date.
    pub today: Date,
    pub ref_date: Option<Date>,
    /// When the reference date is unknown for the document (`ref_date` is then `None`): what
    /// is known of it, and the reads it came from (its missing fields).
    pub ref_open: Option<Within>,
    pub ref_reads: Vec<Read<'a>>,
    /// Bound names: `for_each` items, `deadline`, … innermost last, in the order of
    /// [`super::Names::bindings`]. Quantifiers push and pop their items here too.
    pub bindings: Vec<Val<'a>>,
    /// Fields read that decided the results so far, and absent fields read (see [`Read`]),
    /// when evaluating with [`Reads`] or [`Trace`]. Callers clear it between expressions as
    /// they see fit.
    pub reads: Vec<Read<'a>>,
    /// The steps of the evaluation with [`Trace`] (see [`Compiled::traced`]).
    trace: Vec<TraceStep>,
    facts: Vec<Val<'a>>,
    /// The reads each fact's value came from, flat, with `fact_ranges[i]` the range of fact `i`;
    /// a fact past the end of `fact_ranges` came from none.
    fact_reads: Vec<Read<'a>>,
    fact_ranges: Vec<(usize, usize)>,
}

/// The vectors of a [`Ctx`], kept from one document to the next ([`Ctx::with_buffers`],
/// [`Ctx::into_buffers`]) so that evaluating a batch does not allocate them per document. Empty
/// between uses: it holds capacity, never values.
#[derive(Debug, Default)]
pub struct CtxBuffers {
    facts: Vec<Val<'static>>,
    bindings: Vec<Val<'static>>,
    reads: Vec<Read<'static>>,
    fact_reads: Vec<Read<'static>>,
    fact_ranges: Vec<(usize, usize)>,
}

/// An emptied vector of values with the lifetime of no document, keeping its allocation: the
/// map never runs (the vector is empty) and collecting into a type of the same layout reuses the
/// buffer in place.
fn recycle_vals(mut v: Vec<Val<'_>>) -> Vec<Val<'static>> {
    v.clear();
    v.into_iter().map(|_| Val::Unknown).collect()
}

fn recycle_reads(mut v: Vec<Read<'_>>) -> Vec<Read<'static>> {
    v.clear();
    v.into_iter()
        .map(|r| Read {
            path: r.path,
            at: r.at,
            node: None,
        })
        .collect()
}

impl<'a> Ctx<'a> {
    pub fn new(
        schema: &'a InputSchema,
        catalog: &'a Catalog,
        (tree, root): (&'a Tree, &'a Node),
        params: &'a [Val<'static>],
        today: Date,
    ) -> Ctx<'a> {
        Ctx {
            schema,
            catalog,
            root,
            trees: Trees {
                doc: tree,
                catalog: catalog.tree(),
            },
            doc_slots: tree.all_slots(),
            catalog_slots: catalog.tree().all_slots(),
            params,
            today,
            ref_date: None,
            ref_open: None,
            ref_reads: Vec::new(),
            bindings: Vec::new(),
            reads: Vec::new(),
            trace: Vec::new(),
            facts: Vec::new(),
            fact_reads: Vec::new(),
            fact_ranges: Vec::new(),
        }
    }

    /// [`Ctx::new`] with the vectors of `buffers` (see [`CtxBuffers`]); give them back with
    /// [`Ctx::into_buffers`].
    pub fn with_buffers(
        schema: &'a InputSchema,
        catalog: &'a Catalog,
        doc: (&'a Tree, &'a Node),
        params: &'a [Val<'static>],
        today: Date,
        buffers: &mut CtxBuffers,
    ) -> Ctx<'a> {
        let mut ctx = Ctx::new(schema, catalog, doc, params, today);
        ctx.facts = std::mem::take(&mut buffers.facts);
        ctx.bindings = std::mem::take(&mut buffers.bindings);
        ctx.reads = std::mem::take(&mut buffers.reads);
        ctx.fact_reads = std::mem::take(&mut buffers.fact_reads);
        ctx.fact_ranges = std::mem::take(&mut buffers.fact_ranges);
        // Already empty: `into_buffers` empties what it hands back.
        ctx
    }

    /// Hand the vectors back to `buffers`, emptied, for the next document.
    pub fn into_buffers(self, buffers: &mut CtxBuffers) {
        buffers.facts = recycle_vals(self.facts);
        buffers.bindings = recycle_vals(self.bindings);
        buffers.reads = recycle_reads(self.reads);
        buffers.fact_reads = recycle_reads(self.fact_reads);
        let mut ranges = self.fact_ranges;
        ranges.clear();
        buffers.fact_ranges = ranges;
    }

    /// Make room for `facts` facts up front, so evaluating a document grows no vector in the
    /// common case.
    pub fn reserve(&mut self, facts: usize) {
        self.facts.reserve(facts);
        self.bindings.reserve(8);
    }

    /// Store the value of fact `index`, with the reads currently in [`Ctx::reads`] as the reads
    /// it came from. Reading `@fact` later yields the value and appends those reads.
    pub fn set_fact(&mut self, index: usize, value: Val<'a>) {
        // Facts are set in order, so the first time round each one is appended.
        if index == self.facts.len() {
            self.facts.push(value);
        } else {
            if self.facts.len() <= index {
                self.facts.resize(index + 1, Val::Unknown);
            }
            if let Some(v) = self.facts.get_mut(index) {
                *v = value;
            }
        }
        // A fact past the end of `fact_ranges` came from no reads, which is all a fact computed
        // without recording comes from: its range is only written when there is one to keep or an
        // earlier one to overwrite.
        if self.reads.is_empty() && self.fact_ranges.len() <= index {
            return;
        }
        if self.fact_ranges.len() <= index {
            self.fact_ranges.resize(index + 1, (0, 0));
        }
        let start = self.fact_reads.len();
        self.fact_reads.extend_from_slice(&self.reads);
        if let Some(r) = self.fact_ranges.get_mut(index) {
            *r = (start, self.fact_reads.len());
        }
    }

    /// The value of fact `index` (unknown if not set).
    pub fn fact(&self, index: usize) -> &Val<'a> {
        self.facts.get(index).unwrap_or(&Val::Unknown)
    }

    /// The reads fact `index` came from.
    pub fn fact_reads(&self, index: usize) -> &[Read<'a>] {
        self.fact_ranges
            .get(index)
            .and_then(|&(s, e)| self.fact_reads.get(s..e))
            .unwrap_or(&[])
    }

    /// The JSON pointer of a value read from the document.
    pub fn pointer(&self, val: &Val<'_>) -> Option<String> {
        val.path()?.pointer(self.schema)
    }

    #[inline(always)]
    fn read<R: Record>(&mut self, path: Path, at: u32, node: Option<&'a Node>) {
        if R::READS && !path.is_none() {
            self.reads.push(Read { path, at, node });
        }
    }

    /// The value of node `node` of the document or the catalog, found at `path`.
    #[inline(always)]
    pub fn val(&self, node: &'a Node, path: Path) -> Val<'a> {
        Val::from_node(node, path, self.trees.holding(&node.value))
    }

    /// Slot `i` of an object of the document or the catalog (`None` for any other value or
    /// past its slots): one look into the tree's vector, not a slice of the object's slots
    /// and a look into that.
    #[inline(always)]
    pub fn slot(&self, obj: &'a Node, i: u32) -> Option<&'a Option<Node>> {
        let Value::Object(s) = &obj.value else {
            return None;
        };
        let all = if s.in_catalog() {
            self.catalog_slots
        } else {
            self.doc_slots
        };
        all.get(s.index(i as usize)?)
    }

    /// A list taken as a whole is evidence: `len(copies) == 0` is decided by `/copies`.
    #[inline(always)]
    fn read_list<R: Record>(&mut self, v: &Val<'a>) {
        if let Val::List(ListVal::Nodes { node, path, .. }) = v
            && R::READS
            && !path.is_none()
        {
            self.read::<R>(*path, node.at, Some(node));
        }
    }

    #[inline(always)]
    fn drop_reads<R: Record>(&mut self, from: usize, to: usize) {
        if R::READS && from < to && to <= self.reads.len() {
            self.reads.drain(from..to);
        }
    }
}

impl Compiled {
    /// Evaluate on the document of `ctx`, recording what `R` says: with [`Reads`], the fields
    /// read are appended to `ctx.reads`.
    #[inline]
    pub fn eval<'a, R: Record>(&'a self, ctx: &mut Ctx<'a>) -> Val<'a> {
        ev::<R>(&self.code, ctx, 0)
    }

    /// For an expression `a ?? b ?? …`, the value of `a` alone (`None` for any other
    /// expression): where the rule set's reference date must not be replaced when unknown.
    pub fn head_of_default<'a, R: Record>(&'a self, ctx: &mut Ctx<'a>) -> Option<Val<'a>> {
        match &self.code.op {
            Op::Coalesce(items) => items.first().map(|c| ev::<R>(c, ctx, 0)),
            _ => None,
        }
    }

    /// `self.eval::<R>(ctx).truth()`: whether the expression holds (unknown as `None`).
    #[inline]
    pub fn truth<'a, R: Record>(&'a self, ctx: &mut Ctx<'a>) -> Option<bool> {
        truth::<R>(&self.code, ctx)
    }

    /// Evaluate with [`Trace`]: the value, and each sub-expression in evaluation order with
    /// its value, its text and its depth. Reads are appended to `ctx.reads`.
    #[cold]
    pub fn traced<'a>(&'a self, ctx: &mut Ctx<'a>) -> (Val<'a>, Vec<TraceStep>) {
        let outer = std::mem::take(&mut ctx.trace);
        let v = ev::<Trace>(&self.code, ctx, 0);
        let mut steps = std::mem::replace(&mut ctx.trace, outer);
        for step in &mut steps {
            step.text = self.source_text(step.span).to_string();
        }
        (v, steps)
    }
}

#[inline(always)]
fn ev<'a, R: Record>(c: &'a Code, ctx: &mut Ctx<'a>, depth: usize) -> Val<'a> {
    if R::TRACE {
        traced::<R>(c, ctx, depth)
    } else {
        ev_op::<R>(c, ctx, depth)
    }
}

/// Bound name `k` (0: the innermost), or unknown when none is bound there.
#[inline(always)]
fn binding<'a>(ctx: &Ctx<'a>, k: u32) -> Val<'a> {
    match ctx.bindings.len().checked_sub(1 + k as usize) {
        Some(i) => ctx.bindings.get(i).cloned().unwrap_or(Val::Unknown),
        None => Val::Unknown,
    }
}

#[cold]
#[inline(never)]
fn traced<'a, R: Record>(c: &'a Code, ctx: &mut Ctx<'a>, depth: usize) -> Val<'a> {
    let idx = ctx.trace.len();
    ctx.trace.push(TraceStep {
        span: c.span,
        text: String::new(),
        value: Shown::Absent,
        depth,
    });
    let v = ev_op::<R>(c, ctx, depth);
    if let Some(step) = ctx.trace.get_mut(idx) {
        step.value = v.shown();
    }
    v
}

/// `ev(c).truth()`: a condition is evaluated as any other expression, to a value, and read as a
/// truth (the second, truth-valued evaluator of version 1 is gone).
#[inline]
fn truth<'a, R: Record>(c: &'a Code, ctx: &mut Ctx<'a>) -> Option<bool> {
    ev::<R>(c, ctx, 0).truth()
}

fn ev_op<'a, R: Record>(c: &'a Code, ctx: &mut Ctx<'a>, depth: usize) -> Val<'a> {
    let d = depth + 1;
    match &c.op {
        Op::Const(v) => v.reborrow(),
        Op::RootField(slot) => field::<R>(ctx, ctx.root, Path::root(), *slot, false),
        Op::Chain { start, steps } => chain::<R>(ctx, *start, steps),
        Op::Field {
            base,
            slot,
            catalog,
        } => match ev::<R>(base, ctx, d) {
            Val::Obj { node, path } => field::<R>(ctx, node, path, *slot, *catalog),
            Val::Unknown => Val::Unknown,
            _ => Val::Null,
        },
        Op::Index { base, index } => index_op::<R>(base, index, ctx, d),
        Op::Binding(k) => binding(ctx, *k),
        Op::Fact(i) => {
            let i = *i as usize;
            if R::READS
                && let Some(&(s, e)) = ctx.fact_ranges.get(i)
                && let Some(r) = ctx.fact_reads.get(s..e)
            {
                ctx.reads.extend_from_slice(r);
            }
            ctx.fact(i).clone()
        }
        Op::Param(i) => match ctx.params.get(*i as usize) {
            Some(v) => v.reborrow(),
            None => Val::Unknown,
        },
        Op::Today => Val::Date(ctx.today),
        Op::RefDate => match ctx.ref_date {
            Some(d) => Val::Date(d),
            None => {
                if R::READS {
                    ctx.reads.extend_from_slice(&ctx.ref_reads);
                }
                ctx.ref_open.map_or(Val::Unknown, Within::val)
            }
        },
        Op::Table(t) => match ctx.catalog.tables.get(*t as usize) {
            Some(table) => Val::List(ListVal::Rows(table.rows())),
            None => Val::Null,
        },
        Op::Row { table, key } => row_op::<R>(*table, key, ctx, d),
        Op::ConstRow { table, row } => const_row(ctx, *table, *row),
        Op::Not(a) => match ev::<R>(a, ctx, d).truth() {
            Some(b) => Val::Bool(!b),
            None => Val::Unknown,
        },
        Op::Neg(a) => neg_op::<R>(a, ctx, d),
        Op::And(items) => junction::<R>(items, ctx, d, false),
        Op::Or(items) => junction::<R>(items, ctx, d, true),
        Op::Coalesce(items) => {
            let mut last = Val::Null;
            let mut known = Known::default();
            for item in items {
                let start = ctx.reads.len();
                last = ev::<R>(item, ctx, d);
                if !last.is_unknown() && !last.is_null() {
                    return last;
                }
                known.note::<R>(ctx, start, &last);
            }
            if last.is_unknown() {
                known.forget::<R>(ctx);
            }
            last
        }
        Op::Cmp { op, lhs, rhs } => {
            let (l, r) = pair::<R>(lhs, rhs, ctx, d);
            compare(*op, &l, &r)
        }
        // A field compared with a constant, the most common condition, is fused unless traced
        // (a trace shows the field read as a step of its own).
        Op::CmpConst { op, lhs, rhs } => match &lhs.op {
            Op::RootField(slot) if !R::TRACE => {
                let last = Step {
                    slot: *slot,
                    catalog: false,
                };
                fused_field_cmp::<R>(ctx, ctx.root, Path::root(), last, *op, rhs)
            }
            Op::Chain { start, steps } if !R::TRACE => chain_cmp::<R>(ctx, *start, steps, *op, rhs),
            _ => compare(*op, &ev::<R>(lhs, ctx, d), rhs),
        },
        Op::InConsts { negate, lhs, items } => {
            let l = ev::<R>(lhs, ctx, d);
            if l.is_unknown() {
                // Bounds that hold none of the items decide it.
                return match l {
                    Val::Within(w)
                        if !items.iter().any(|v| {
                            Within::of(v)
                                .is_none_or(|p| compare_within(CmpOp::Eq, w, p) != Some(false))
                        }) =>
                    {
                        Val::Bool(*negate)
                    }
                    _ => Val::Unknown,
                };
            }
            // A text against texts, the common case (`x.kind in ['a', 'b']`), compares the bytes
            // without `equal`'s dispatch on both values' kinds; what it decides is the same.
            let found = match &l {
                Val::Str(t) => items
                    .iter()
                    .any(|v| matches!(v, Val::Str(u) if u.as_ref() == t.as_ref())),
                _ => items.iter().any(|v| equal(&l, v)),
            };
            Val::Bool(found != *negate)
        }
        Op::In { negate, lhs, rhs } => in_op::<R>(*negate, lhs, rhs, ctx, d),
        Op::InList { negate, lhs, items } => in_list_op::<R>(*negate, lhs, items, ctx, d),
        Op::Arith { op, lhs, rhs } => {
            let (l, r) = pair::<R>(lhs, rhs, ctx, d);
            arith(*op, &l, &r)
        }
        Op::Present(path) => present::<R>(path, ctx, d),
        Op::Len(a) => len_op::<R>(a, ctx, d),
        Op::Quant { kind, list, body } => quant::<R>(*kind, list, body, ctx, d),
        Op::Extreme { max, args } => extreme_op::<R>(*max, args, ctx, d),
        Op::Duration { amount, unit } => duration_op::<R>(amount, *unit, ctx, d),
        Op::List(items) => list_op::<R>(items, ctx, d),
    }
}

// The rarer operations, each out of line: `ev_op` is entered a few hundred times per document,
// and what its frame must hold for every arm it inlines is paid on each entry.

#[inline(never)]
fn index_op<'a, R: Record>(
    base: &'a Code,
    index: &'a Code,
    ctx: &mut Ctx<'a>,
    d: usize,
) -> Val<'a> {
    let (b, i) = pair::<R>(base, index, ctx, d);
    match (b, i) {
        (b, i) if b.is_unknown() || i.is_unknown() => Val::Unknown,
        (Val::List(l), Val::Number(n)) => item_at::<R>(ctx, &l, n),
        _ => Val::Null,
    }
}

#[inline(never)]
fn row_op<'a, R: Record>(table: u32, key: &'a Code, ctx: &mut Ctx<'a>, d: usize) -> Val<'a> {
    match ev::<R>(key, ctx, d) {
        Val::Unknown => Val::Unknown,
        Val::Str(k) => {
            let row = ctx
                .catalog
                .tables
                .get(table as usize)
                .and_then(|t| t.row(&k));
            match row {
                Some(r) => Val::row(&r.node),
                None => Val::Null,
            }
        }
        _ => Val::Null,
    }
}

#[inline(never)]
fn neg_op<'a, R: Record>(a: &'a Code, ctx: &mut Ctx<'a>, d: usize) -> Val<'a> {
    match ev::<R>(a, ctx, d) {
        Val::Number(n) => Val::Number(-n),
        Val::Duration(x) => x.checked_neg().map(Val::Duration).unwrap_or(Val::Null),
        Val::Within(w) => Within {
            lo: w.hi.map(neg),
            hi: w.lo.map(neg),
        }
        .val(),
        Val::Unknown => Val::Unknown,
        _ => Val::Null,
    }
}

#[inline(never)]
fn in_op<'a, R: Record>(
    negate: bool,
    lhs: &'a Code,
    rhs: &'a Code,
    ctx: &mut Ctx<'a>,
    d: usize,
) -> Val<'a> {
    let (l, r) = pair::<R>(lhs, rhs, ctx, d);
    ctx.read_list::<R>(&r);
    let found = match (&l, &r) {
        (Val::Unknown, _) | (_, Val::Unknown) => return Val::Unknown,
        (_, Val::List(list)) => (0..list.len()).any(|i| list.get(i).is_some_and(|v| equal(&l, &v))),
        _ => false,
    };
    Val::Bool(found != negate)
}

#[inline(never)]
fn in_list_op<'a, R: Record>(
    negate: bool,
    lhs: &'a Code,
    items: &'a [Code],
    ctx: &mut Ctx<'a>,
    d: usize,
) -> Val<'a> {
    let start = ctx.reads.len();
    let l = ev::<R>(lhs, ctx, d);
    let mut known = Known::default();
    known.note::<R>(ctx, start, &l);
    let mut found = false;
    let mut unknown = l.is_unknown();
    for item in items {
        let start = ctx.reads.len();
        let v = ev::<R>(item, ctx, d);
        known.note::<R>(ctx, start, &v);
        if v.is_unknown() {
            unknown = true;
        } else if !found && equal(&l, &v) {
            found = true;
        }
    }
    // An item equal to a known value decides; otherwise any unknown leaves it open.
    if l.is_unknown() || (unknown && !found) {
        known.forget::<R>(ctx);
        Val::Unknown
    } else {
        Val::Bool(found != negate)
    }
}

#[inline(never)]
fn len_op<'a, R: Record>(a: &'a Code, ctx: &mut Ctx<'a>, d: usize) -> Val<'a> {
    match ev::<R>(a, ctx, d) {
        v @ Val::List(_) => {
            ctx.read_list::<R>(&v);
            Val::Number(v.as_list().map_or(0, ListVal::len) as f64)
        }
        Val::Unknown => Val::Unknown,
        _ => Val::Null,
    }
}

#[inline(never)]
fn extreme_op<'a, R: Record>(max: bool, args: &'a [Code], ctx: &mut Ctx<'a>, d: usize) -> Val<'a> {
    let mut acc = Extreme::new(max);
    let mut known = Known::default();
    for a in args {
        let start = ctx.reads.len();
        let v = ev::<R>(a, ctx, d);
        known.note::<R>(ctx, start, &v);
        acc.add(v);
    }
    let v = acc.finish();
    if v.is_unknown() {
        known.forget::<R>(ctx);
    }
    v
}

#[inline(never)]
fn duration_op<'a, R: Record>(
    amount: &'a Code,
    unit: Unit,
    ctx: &mut Ctx<'a>,
    d: usize,
) -> Val<'a> {
    match ev::<R>(amount, ctx, d) {
        Val::Number(n) => duration(n, unit).map(Val::Duration).unwrap_or(Val::Null),
        v if v.is_unknown() => Val::Unknown,
        _ => Val::Null,
    }
}

/// A list literal: unknown when an item is. Collected straight into the shared slice (one
/// allocation of the known length, not a vector copied into it).
#[inline(never)]
fn list_op<'a, R: Record>(items: &'a [Code], ctx: &mut Ctx<'a>, d: usize) -> Val<'a> {
    let mut unknown = false;
    let mut known = Known::default();
    let out: Arc<[Val<'a>]> = items
        .iter()
        .map(|item| {
            let start = ctx.reads.len();
            let v = ev::<R>(item, ctx, d);
            known.note::<R>(ctx, start, &v);
            unknown |= v.is_unknown();
            v
        })
        .collect();
    if unknown {
        known.forget::<R>(ctx);
        Val::Unknown
    } else {
        Val::List(ListVal::Vals(out))
    }
}

/// Row `row` of catalog table `table` (a literal key, resolved when compiling), or null.
pub(super) fn const_row<'a>(ctx: &Ctx<'a>, table: u32, row: u32) -> Val<'a> {
    let row = ctx
        .catalog
        .tables
        .get(table as usize)
        .and_then(|t| t.rows().get(row as usize));
    match row {
        Some(r) => Val::row(&r.node),
        None => Val::Null,
    }
}

/// `compare(op, &chain(ctx, start, steps), rhs)`: the objects on the way read as [`chain`]
/// reads them, the last field compared where it is ([`fused_field_cmp`]).
#[inline]
pub(super) fn chain_cmp<'a, R: Record>(
    ctx: &mut Ctx<'a>,
    start: Start,
    steps: &'a [Step],
    op: CmpOp,
    rhs: &Val<'_>,
) -> Val<'a> {
    let (mut node, mut path) = match start {
        Start::Root => (ctx.root, Path::root()),
        Start::Binding(k) => {
            let i = ctx.bindings.len().checked_sub(1 + k as usize);
            match i.and_then(|i| ctx.bindings.get(i)) {
                Some(Val::Obj { node, path }) => (*node, *path),
                Some(Val::Unknown) | None => return Val::Unknown,
                Some(_) => return compare(op, &Val::Null, rhs),
            }
        }
    };
    let Some((last, init)) = steps.split_last() else {
        return compare(op, &Val::Obj { node, path }, rhs);
    };
    for step in init {
        match field::<R>(ctx, node, path, step.slot, step.catalog) {
            Val::Obj { node: n, path: p } => {
                node = n;
                path = p;
            }
            Val::Unknown => return Val::Unknown,
            _ => return compare(op, &Val::Null, rhs),
        }
    }
    fused_field_cmp::<R>(ctx, node, path, *last, op, rhs)
}

/// The specialised operation kept for speed, the fused field comparison:
/// `compare(op, &field(ctx, obj, path, last.slot, last.catalog), rhs)`, with the same read
/// recorded, but a scalar field compared where it is in the tree ([`node_cmp`]) instead of
/// being made a value first. Held to the general form by `fused_comparison_is_the_general_one`
/// (src/expr/oracle.rs) on generated documents.
#[inline(always)]
fn fused_field_cmp<'a, R: Record>(
    ctx: &mut Ctx<'a>,
    obj: &'a Node,
    path: Path,
    last: Step,
    op: CmpOp,
    rhs: &Val<'_>,
) -> Val<'a> {
    match ctx.slot(obj, last.slot) {
        Some(Some(node)) if !matches!(node.value, Value::Object(_) | Value::List(_)) => {
            ctx.read::<R>(path.child(last.slot), node.at, Some(node));
            if rhs.is_unknown() {
                Val::Unknown
            } else {
                Val::Bool(node_cmp(op, node, rhs, ctx.trees))
            }
        }
        _ => compare(
            op,
            &field::<R>(ctx, obj, path, last.slot, last.catalog),
            rhs,
        ),
    }
}

/// `compare(op, value of node, r)` for a scalar node and a known `r`, on the node itself.
#[inline(always)]
fn node_cmp(op: CmpOp, node: &Node, r: &Val<'_>, trees: Trees<'_>) -> bool {
    let eq = matches!(op, CmpOp::Eq | CmpOp::Ne);
    let ord = match (&node.value, r) {
        (Value::Str(_), Val::Str(b)) => Some(
            trees
                .bytes(&node.value)
                .unwrap_or_default()
                .cmp(b.as_bytes()),
        ),
        (Value::Date(a), Val::Date(b)) => Some(a.cmp(b)),
        (Value::Number(a), Val::Number(b)) => a.partial_cmp(b),
        (Value::Bool(a), Val::Bool(b)) if eq => Some(a.cmp(b)),
        (Value::Null, Val::Null) if eq => Some(Ordering::Equal),
        _ => None,
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

/// Read the fields of `steps` one after the other from `start`.
#[inline]
pub(super) fn chain<'a, R: Record>(ctx: &mut Ctx<'a>, start: Start, steps: &'a [Step]) -> Val<'a> {
    let (mut node, mut path) = match start {
        Start::Root => (ctx.root, Path::root()),
        Start::Binding(k) => {
            let i = ctx.bindings.len().checked_sub(1 + k as usize);
            match i.and_then(|i| ctx.bindings.get(i)) {
                Some(Val::Obj { node, path }) => (*node, *path),
                Some(Val::Unknown) | None => return Val::Unknown,
                Some(_) => return Val::Null,
            }
        }
    };
    let Some((last, init)) = steps.split_last() else {
        return Val::Obj { node, path };
    };
    for step in init {
        match field::<R>(ctx, node, path, step.slot, step.catalog) {
            Val::Obj { node: n, path: p } => {
                node = n;
                path = p;
            }
            Val::Unknown => return Val::Unknown,
            _ => return Val::Null,
        }
    }
    field::<R>(ctx, node, path, last.slot, last.catalog)
}

/// Read slot `slot` of an object. An absent input field is unknown and is recorded as missing; an
/// absent catalog cell is null (the user cannot state it).
#[inline(always)]
fn field<'a, R: Record>(
    ctx: &mut Ctx<'a>,
    obj: &'a Node,
    path: Path,
    slot: u32,
    catalog: bool,
) -> Val<'a> {
    match ctx.slot(obj, slot) {
        Some(Some(node)) => {
            let path = path.child(slot);
            let v = ctx.val(node, path);
            // Objects and lists are not evidence by themselves: what is read from them is, or,
            // for a list taken as a whole (`len`, `in`, quantifiers), the list (see `read_list`).
            if !matches!(v, Val::Obj { .. } | Val::List(_)) {
                ctx.read::<R>(path, node.at, Some(node));
            }
            v
        }
        Some(None) if !catalog && !path.is_none() => {
            ctx.read::<R>(path.child(slot), obj.at, None);
            absent(ctx.schema, path.child(slot))
        }
        _ => Val::Null,
    }
}

fn item_at<'a, R: Record>(ctx: &mut Ctx<'a>, l: &ListVal<'a>, n: f64) -> Val<'a> {
    if n.fract() != 0.0 || n < 0.0 || n >= l.len() as f64 {
        return Val::Null;
    }
    let i = n as usize;
    let v = l.get(i).unwrap_or(Val::Null);
    if !matches!(v, Val::Obj { .. } | Val::List(_))
        && let Some((node, path)) = l.node(i)
    {
        ctx.read::<R>(path, node.at, Some(node));
    }
    v
}

/// `and` (`is_or` false) or `or` over operands, Kleene, left to right with short-circuit. A
/// deciding operand (false for `and`, true for `or`) makes the reads of the operands before it
/// irrelevant, so they are dropped.
fn junction<'a, R: Record>(items: &'a [Code], ctx: &mut Ctx<'a>, d: usize, is_or: bool) -> Val<'a> {
    let mark = ctx.reads.len();
    let mut unknown = false;
    let mut known = Known::default();
    for item in items {
        let start = ctx.reads.len();
        let v = ev::<R>(item, ctx, d);
        match v.truth() {
            Some(b) if b == is_or => {
                ctx.drop_reads::<R>(mark, start);
                return Val::Bool(is_or);
            }
            Some(_) => known.note::<R>(ctx, start, &v),
            None => unknown = true,
        }
    }
    if unknown {
        known.forget::<R>(ctx);
        Val::Unknown
    } else {
        Val::Bool(!is_or)
    }
}

/// The read ranges of operands that were known, kept in case the whole turns out unknown: then
/// their absent reads (which only `present` leaves behind a known value) did not make it
/// unknown, and are forgotten. Allocates only past a few such operands.
#[derive(Default)]
struct Known {
    inline: [(usize, usize); 4],
    n: usize,
    spill: Vec<(usize, usize)>,
}

impl Known {
    #[inline(always)]
    fn note<R: Record>(&mut self, ctx: &Ctx<'_>, start: usize, v: &Val<'_>) {
        if !R::READS || v.is_unknown() {
            return;
        }
        let has_absent = ctx
            .reads
            .get(start..)
            .is_some_and(|r| r.iter().any(Read::is_absent));
        if has_absent {
            let range = (start, ctx.reads.len());
            match self.inline.get_mut(self.n) {
                Some(slot) => *slot = range,
                None => self.spill.push(range),
            }
            self.n += 1;
        }
    }

    #[inline(always)]
    fn forget<R: Record>(self, ctx: &mut Ctx<'_>) {
        if !R::READS {
            return;
        }
        let inline = self.inline.get(..self.n).unwrap_or(&self.inline);
        for &(s, e) in self.spill.iter().rev().chain(inline.iter().rev()) {
            forget_absent(ctx, s, e);
        }
    }
}

/// Remove the absent reads in `s..e`, keeping the order of the others.
fn forget_absent(ctx: &mut Ctx<'_>, s: usize, e: usize) {
    if s >= e || e > ctx.reads.len() {
        return;
    }
    let mut w = s;
    for r in s..e {
        if ctx.reads.get(r).is_some_and(|x| !x.is_absent()) {
            ctx.reads.swap(w, r);
            w += 1;
        }
    }
    ctx.reads.drain(w..e);
}

/// Evaluate two operands; when exactly one is unknown, the other's absent reads are forgotten.
fn pair<'a, R: Record>(
    lhs: &'a Code,
    rhs: &'a Code,
    ctx: &mut Ctx<'a>,
    d: usize,
) -> (Val<'a>, Val<'a>) {
    let s0 = ctx.reads.len();
    let l = ev::<R>(lhs, ctx, d);
    let s1 = ctx.reads.len();
    let r = ev::<R>(rhs, ctx, d);
    if R::READS {
        match (l.is_unknown(), r.is_unknown()) {
            (true, false) => forget_absent(ctx, s1, ctx.reads.len()),
            (false, true) => forget_absent(ctx, s0, s1),
            _ => {}
        }
    }
    (l, r)
}

/// Equality of two known values: `null` equals only `null`; objects are equal when they are the
/// same object; lists item by item.
pub fn equal(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Number(x), Val::Number(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Date(x), Val::Date(y)) => x == y,
        (Val::Duration(x), Val::Duration(y)) => x == y,
        (Val::Obj { node: x, .. }, Val::Obj { node: y, .. }) => std::ptr::eq(*x, *y),
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len()
                && (0..x.len()).all(|i| match (x.get(i), y.get(i)) {
                    (Some(p), Some(q)) => equal(&p, &q),
                    _ => false,
                })
        }
        _ => false,
    }
}

fn order(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Number(x), Val::Number(y)) => x.partial_cmp(y),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

pub(super) fn compare<'a>(op: CmpOp, l: &Val<'_>, r: &Val<'_>) -> Val<'a> {
    if l.is_unknown() || r.is_unknown() {
        return compare_open(op, l, r);
    }
    let b = match op {
        CmpOp::Eq => equal(l, r),
        CmpOp::Ne => !equal(l, r),
        // An ordering with null (or anything unordered) is false.
        CmpOp::Lt => order(l, r) == Some(Ordering::Less),
        CmpOp::Le => matches!(order(l, r), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => order(l, r) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(order(l, r), Some(Ordering::Greater | Ordering::Equal)),
    };
    Val::Bool(b)
}

pub(super) fn number<'a>(n: f64) -> Val<'a> {
    if n.is_finite() {
        Val::Number(n)
    } else {
        Val::Null
    }
}

/// Arithmetic. Unknown wins over null; null gives null; division by zero, a result that is not
/// a finite number, and calendar overflow give null.
pub(super) fn arith<'a>(op: ArOp, l: &Val<'_>, r: &Val<'_>) -> Val<'a> {
    if l.is_unknown() || r.is_unknown() {
        return arith_open(op, l, r);
    }
    let date = |d: Option<Date>| d.map(Val::Date).unwrap_or(Val::Null);
    match (op, l, r) {
        (ArOp::Add, Val::Number(a), Val::Number(b)) => number(a + b),
        (ArOp::Sub, Val::Number(a), Val::Number(b)) => number(a - b),
        (ArOp::Mul, Val::Number(a), Val::Number(b)) => number(a * b),
        (ArOp::Div, Val::Number(_), Val::Number(b)) if *b == 0.0 => Val::Null,
        (ArOp::Div, Val::Number(a), Val::Number(b)) => number(a / b),
        (ArOp::Add, Val::Date(a), Val::Duration(x))
        | (ArOp::Add, Val::Duration(x), Val::Date(a)) => date(x.add_to(*a)),
        (ArOp::Sub, Val::Date(a), Val::Duration(x)) => {
            date(x.checked_neg().and_then(|x| x.add_to(*a)))
        }
        (ArOp::Sub, Val::Date(a), Val::Date(b)) => {
            Val::Number((a.duration_since(*b).as_secs() / 86_400) as f64)
        }
        (ArOp::Add, Val::Duration(a), Val::Duration(b)) => {
            a.checked_add(*b).map(Val::Duration).unwrap_or(Val::Null)
        }
        (ArOp::Sub, Val::Duration(a), Val::Duration(b)) => b
            .checked_neg()
            .and_then(|b| a.checked_add(b))
            .map(Val::Duration)
            .unwrap_or(Val::Null),
        _ => Val::Null,
    }
}

/// `n unit` as a duration; `None` for a fractional or absurdly large amount.
pub(super) fn duration(n: f64, unit: Unit) -> Option<Dur> {
    if n.fract() != 0.0 || n.abs() > 1.0e6 {
        return None;
    }
    let n = n as i32;
    Some(match unit {
        Unit::Day => Dur { months: 0, days: n },
        Unit::Week => Dur {
            months: 0,
            days: n.checked_mul(7)?,
        },
        Unit::Month => Dur { months: n, days: 0 },
        Unit::Year => Dur {
            months: n.checked_mul(12)?,
            days: 0,
        },
    })
}

/// `present::<R>(path)`: whether the last field of the path is stated. Never unknown; the field is
/// recorded as read either way.
fn present<'a, R: Record>(path: &'a Code, ctx: &mut Ctx<'a>, d: usize) -> Val<'a> {
    let (base, slot) = match &path.op {
        Op::RootField(slot) => {
            return Val::Bool(stated::<R>(ctx, ctx.root, Path::root(), *slot));
        }
        Op::Chain { start, steps } => {
            let Some((last, init)) = steps.split_last() else {
                return Val::Bool(false);
            };
            return match chain::<R>(ctx, *start, init) {
                Val::Obj { node, path } => Val::Bool(stated::<R>(ctx, node, path, last.slot)),
                _ => Val::Bool(false),
            };
        }
        Op::Field { base, slot, .. } => (base, *slot),
        Op::Index { base, index } => {
            let b = ev::<R>(base, ctx, d);
            let i = ev::<R>(index, ctx, d);
            return match (b, i) {
                (Val::List(l), Val::Number(n)) => Val::Bool(!item_at::<R>(ctx, &l, n).is_null()),
                _ => Val::Bool(false),
            };
        }
        _ => return Val::Bool(!ev::<R>(path, ctx, d).is_unknown()),
    };
    match ev::<R>(base, ctx, d) {
        Val::Obj { node, path } => Val::Bool(stated::<R>(ctx, node, path, slot)),
        _ => Val::Bool(false),
    }
}

fn stated<'a, R: Record>(ctx: &mut Ctx<'a>, obj: &'a Node, path: Path, slot: u32) -> bool {
    match ctx.slot(obj, slot) {
        Some(Some(node)) => {
            ctx.read::<R>(path.child(slot), node.at, Some(node));
            true
        }
        Some(None) => {
            ctx.read::<R>(path.child(slot), obj.at, None);
            false
        }
        None => false,
    }
}

/// Running least or greatest value; nulls are skipped. An unknown value leaves the result
/// unknown, but within bounds where the known values and the bounds of the unknown ones set
/// them: `min(2023-12-31, x)` is no later than 2023-12-31 whatever `x` is.
pub(super) struct Extreme<'a> {
    max: bool,
    best: Option<Val<'a>>,
    unknown: bool,
    /// Over the unknown values: whether one is never null (bounds), the far bound (`None`
    /// when one is unbounded there) and the near bound of those never null.
    within: bool,
    far: Option<Scalar>,
    far_open: bool,
    near: Option<Scalar>,
}

impl<'a> Extreme<'a> {
    pub(super) fn new(max: bool) -> Self {
        Extreme {
            max,
            best: None,
            unknown: false,
            within: false,
            far: None,
            far_open: false,
            near: None,
        }
    }

    /// The better of two bounds for this extreme (the lesser for `min`).
    fn pick(&self, a: Option<Scalar>, b: Scalar) -> Option<Scalar> {
        match a {
            None => Some(b),
            Some(a) => match a.cmp(b) {
                Some(Ordering::Greater) if !self.max => Some(b),
                Some(Ordering::Less) if self.max => Some(b),
                _ => Some(a),
            },
        }
    }

    #[cold]
    fn add_open(&mut self, v: &Val<'_>) {
        self.unknown = true;
        // For `min` the far bound is the low one, the near the high one; for `max` the reverse.
        let (far, near) = match v {
            Val::Within(w) if self.max => (w.hi, w.lo),
            Val::Within(w) => (w.lo, w.hi),
            _ => {
                self.far_open = true;
                return;
            }
        };
        self.within = true;
        match far {
            Some(f) => self.far = self.pick(self.far, f),
            None => self.far_open = true,
        }
        if let Some(n) = near {
            self.near = self.pick(self.near, n);
        }
    }

    #[cold]
    fn finish_open(self) -> Val<'a> {
        let best = self.best.as_ref().and_then(Scalar::of);
        // Null is possible unless a known value or bounds were seen.
        let never_null = self.best.is_some() || self.within;
        if !never_null || (self.best.is_some() && best.is_none()) {
            return Val::Unknown;
        }
        let far = match (self.far_open, self.far, best) {
            (true, _, _) => None,
            (false, Some(f), Some(b)) => self.pick(Some(f), b),
            (false, f, b) => f.or(b),
        };
        let near = match (self.near, best) {
            (Some(n), Some(b)) => self.pick(Some(n), b),
            (n, b) => n.or(b),
        };
        let (lo, hi) = if self.max { (near, far) } else { (far, near) };
        Within { lo, hi }.val()
    }

    /// A value of an item that may or may not be among those the extreme is taken of (its
    /// `filter` condition is unknown): it may move the result past the others, never decide it.
    #[cold]
    fn add_maybe(&mut self, v: &Val<'_>) {
        if v.is_null() {
            return;
        }
        self.unknown = true;
        let far = match v {
            Val::Within(w) if self.max => w.hi,
            Val::Within(w) => w.lo,
            v => Scalar::of(v),
        };
        match far {
            Some(f) => self.far = self.pick(self.far, f),
            None => self.far_open = true,
        }
    }

    pub(super) fn add(&mut self, v: Val<'a>) {
        match v {
            v if v.is_unknown() => self.add_open(&v),
            Val::Null => {}
            v => {
                let better = match &self.best {
                    None => true,
                    Some(b) => match order(&v, b) {
                        Some(Ordering::Greater) => self.max,
                        Some(Ordering::Less) => !self.max,
                        _ => false,
                    },
                };
                if better {
                    self.best = Some(v);
                }
            }
        }
    }

    pub(super) fn finish(self) -> Val<'a> {
        if self.unknown {
            self.finish_open()
        } else {
            self.best.unwrap_or(Val::Null)
        }
    }
}

/// `min(x in filter(y in L: cond): body)` (or `max`), taken item by item: an item whose
/// condition is unknown may or may not count, so it widens the bounds of the result instead of
/// leaving it wholly unknown (the earliest of the dates stated is an upper bound on the earliest
/// decision, whatever the kind of a milestone that does not say). Where every condition is
/// known this is the filter and then the extreme.
fn extreme_of_filter<'a, R: Record>(
    max: bool,
    inner: &'a Code,
    cond: &'a Code,
    body: &'a Code,
    ctx: &mut Ctx<'a>,
    d: usize,
) -> Val<'a> {
    let Some(l) = items::<R>(inner, ctx, d) else {
        return Val::Unknown;
    };
    let mut acc = Extreme::new(max);
    let mut known = Known::default();
    for i in 0..l.len() {
        let Some(item) = l.get(i) else { break };
        let start = ctx.reads.len();
        if !matches!(item, Val::Obj { .. } | Val::List(_))
            && let Some((node, path)) = l.node(i)
            && !path.is_none()
        {
            ctx.read::<R>(path, node.at, Some(node));
        }
        ctx.bindings.push(item);
        let c = ev::<R>(cond, ctx, d);
        let t = c.truth();
        if t == Some(false) {
            ctx.bindings.pop();
            known.note::<R>(ctx, start, &c);
            continue;
        }
        // An undecided condition is part of why the extreme may be unknown: its absent reads
        // stay (only the value's are noted as known).
        let body_start = ctx.reads.len();
        let v = ev::<R>(body, ctx, d);
        ctx.bindings.pop();
        known.note::<R>(ctx, if t.is_some() { start } else { body_start }, &v);
        if t == Some(true) {
            acc.add(v);
        } else {
            acc.add_maybe(&v);
        }
    }
    let v = acc.finish();
    if v.is_unknown() {
        known.forget::<R>(ctx);
    }
    v
}

/// The items a quantifier runs over (`None`: the list is unknown).
///
/// A one-item list literal is how a rule names a value inside a quantifier (`x in [m]`, once per
/// milestone), so it is held as that one value, not built into a shared list and freed again. It
/// means what the general path means: a list literal is unknown when an item is (its reads are
/// then kept: with one item nothing was noted to forget), and its items are values, not nodes of
/// the document (no read per item).
enum Items<'a> {
    List(ListVal<'a>),
    One(Val<'a>),
}

impl<'a> Items<'a> {
    fn len(&self) -> usize {
        match self {
            Items::List(l) => l.len(),
            Items::One(_) => 1,
        }
    }

    fn get(&self, i: usize) -> Option<Val<'a>> {
        match self {
            Items::List(l) => l.get(i),
            Items::One(v) => (i == 0).then(|| v.clone()),
        }
    }

    fn node(&self, i: usize) -> Option<(&'a Node, Path)> {
        match self {
            Items::List(l) => l.node(i),
            Items::One(_) => None,
        }
    }
}

#[inline(always)]
fn items<'a, R: Record>(list: &'a Code, ctx: &mut Ctx<'a>, d: usize) -> Option<Items<'a>> {
    if let Op::List(one) = &list.op
        && let [item] = one.as_slice()
    {
        let v = ev::<R>(item, ctx, d);
        return (!v.is_unknown()).then_some(Items::One(v));
    }
    match ev::<R>(list, ctx, d) {
        v @ Val::List(_) => {
            ctx.read_list::<R>(&v);
            match v {
                Val::List(l) => Some(Items::List(l)),
                _ => None,
            }
        }
        v if v.is_unknown() => None,
        // A list stated as none has no items.
        _ => Some(Items::List(ListVal::Rows(&[]))),
    }
}

fn quant<'a, R: Record>(
    kind: QuantKind,
    list: &'a Code,
    body: &'a Code,
    ctx: &mut Ctx<'a>,
    d: usize,
) -> Val<'a> {
    if let (
        QuantKind::Min | QuantKind::Max,
        Op::Quant {
            kind: QuantKind::Filter,
            list: inner,
            body: cond,
        },
    ) = (kind, &list.op)
    {
        return extreme_of_filter::<R>(kind == QuantKind::Max, inner, cond, body, ctx, d);
    }
    let Some(l) = items::<R>(list, ctx, d) else {
        return Val::Unknown;
    };
    // `filter` over a short list of the document marks the items it keeps instead of copying them.
    let pick = match &l {
        Items::List(ListVal::Nodes { node, tree, path })
            if kind == QuantKind::Filter && l.len() <= 32 =>
        {
            Some((*node, *tree, *path))
        }
        _ => None,
    };
    let mut keep = 0u32;
    let after_list = ctx.reads.len();
    let mut unknown = false;
    let mut known = Known::default();
    let mut count = 0usize;
    let mut kept: Vec<Val<'a>> = Vec::new();
    let mut acc = Extreme::new(kind == QuantKind::Max);
    let mut sum = 0.0;
    for i in 0..l.len() {
        let Some(item) = l.get(i) else { break };
        let start = ctx.reads.len();
        // A scalar item (a key in a list of keys) is itself evidence.
        if !matches!(item, Val::Obj { .. } | Val::List(_))
            && let Some((node, path)) = l.node(i)
            && !path.is_none()
        {
            ctx.read::<R>(path, node.at, Some(node));
        }
        ctx.bindings.push(item);
        let v = ev::<R>(body, ctx, d);
        let item = ctx.bindings.pop().unwrap_or(Val::Null);
        known.note::<R>(ctx, start, &v);
        match kind {
            QuantKind::Any | QuantKind::All => match v.truth() {
                Some(b) if b == (kind == QuantKind::Any) => {
                    ctx.drop_reads::<R>(after_list, start);
                    return Val::Bool(b);
                }
                Some(_) => {}
                None => unknown = true,
            },
            QuantKind::Count | QuantKind::Filter => match v.truth() {
                Some(true) => {
                    count += 1;
                    if pick.is_some() {
                        keep |= 1u32.checked_shl(i as u32).unwrap_or(0);
                    } else if kind == QuantKind::Filter {
                        kept.push(item);
                    }
                }
                Some(false) => {}
                None => unknown = true,
            },
            QuantKind::First => match v.truth() {
                Some(true) if unknown => {
                    known.forget::<R>(ctx);
                    return Val::Unknown;
                }
                Some(true) => return item,
                Some(false) => {}
                None => unknown = true,
            },
            QuantKind::Min | QuantKind::Max => acc.add(v),
            QuantKind::Sum => match v {
                Val::Number(n) => sum += n,
                v if v.is_unknown() => unknown = true,
                _ => {}
            },
        }
    }
    match kind {
        QuantKind::Min | QuantKind::Max => {
            let v = acc.finish();
            if v.is_unknown() {
                known.forget::<R>(ctx);
            }
            return v;
        }
        _ if unknown => {
            known.forget::<R>(ctx);
            return Val::Unknown;
        }
        _ => {}
    }
    match kind {
        QuantKind::Any => Val::Bool(false),
        QuantKind::All => Val::Bool(true),
        QuantKind::Count => Val::Number(count as f64),
        QuantKind::Filter => match pick {
            Some((node, tree, path)) => Val::List(ListVal::Picked {
                node,
                tree,
                path,
                keep,
            }),
            None => Val::List(ListVal::Vals(kept.into())),
        },
        QuantKind::Sum => number(sum),
        _ => Val::Null,
    }
}

fn neg(s: Scalar) -> Scalar {
    match s {
        Scalar::Num(n) => Scalar::Num(-n),
        d => d,
    }
}

/// The value of an absent field: unknown, within the bounds its schema sets (a number's `min`
/// and `max`) when it cannot be null.
#[cold]
#[inline(never)]
fn absent<'a>(schema: &InputSchema, path: Path) -> Val<'a> {
    if path.is_truncated() {
        return Val::Unknown;
    }
    // The types along the path are borrowed, not cloned: an enum's type holds its values, and
    // a batch reads absent fields of most documents.
    let root = FieldType::Object(schema.root);
    let mut ty = &root;
    let mut def = None;
    for &seg in path.segments() {
        let next = match ty {
            FieldType::Object(t) => {
                let f = schema
                    .types
                    .get(*t)
                    .and_then(|o| o.fields.get(usize::from(seg)));
                def = f;
                f.map(|f| &f.ty)
            }
            FieldType::List { items, .. } => {
                def = None;
                Some(&**items)
            }
            _ => None,
        };
        let Some(n) = next else {
            return Val::Unknown;
        };
        ty = n;
    }
    match def {
        Some(f) if !f.nullable => match f.ty {
            FieldType::Number { min, max, .. } => Within {
                lo: min.map(Scalar::Num),
                hi: max.map(Scalar::Num),
            }
            .val(),
            _ => Val::Unknown,
        },
        _ => Val::Unknown,
    }
}

/// Whether `op` holds between every value within `l` and every value within `r` (`Some(true)`),
/// none (`Some(false)`), or it depends (`None`).
fn compare_within(op: CmpOp, l: Within, r: Within) -> Option<bool> {
    let lt = |a: Option<Scalar>, b: Option<Scalar>| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b) == Some(Ordering::Less),
        _ => false,
    };
    let le = |a: Option<Scalar>, b: Option<Scalar>| match (a, b) {
        (Some(a), Some(b)) => matches!(a.cmp(b), Some(Ordering::Less | Ordering::Equal)),
        _ => false,
    };
    let less = |l: Within, r: Within| {
        if lt(l.hi, r.lo) {
            Some(true)
        } else if le(r.hi, l.lo) {
            Some(false)
        } else {
            None
        }
    };
    let less_eq = |l: Within, r: Within| {
        if le(l.hi, r.lo) {
            Some(true)
        } else if lt(r.hi, l.lo) {
            Some(false)
        } else {
            None
        }
    };
    let disjoint = lt(l.hi, r.lo) || lt(r.hi, l.lo);
    match op {
        CmpOp::Lt => less(l, r),
        CmpOp::Le => less_eq(l, r),
        CmpOp::Gt => less(r, l),
        CmpOp::Ge => less_eq(r, l),
        CmpOp::Eq => disjoint.then_some(false),
        CmpOp::Ne => disjoint.then_some(true),
    }
}

/// A comparison with an unknown operand: decided where the bounds decide it. A plain unknown
/// (which may be anything, null too) decides nothing.
#[cold]
#[inline(never)]
fn compare_open<'a>(op: CmpOp, l: &Val<'_>, r: &Val<'_>) -> Val<'a> {
    if matches!(l, Val::Unknown) || matches!(r, Val::Unknown) {
        return Val::Unknown;
    }
    // Bounds are never null: against null, only `!=` holds.
    if l.is_null() || r.is_null() {
        return Val::Bool(op == CmpOp::Ne);
    }
    match (Within::of(l), Within::of(r)) {
        (Some(a), Some(b)) => compare_within(op, a, b).map_or(Val::Unknown, Val::Bool),
        _ => Val::Unknown,
    }
}

/// Arithmetic with an unknown operand: bounds moved by what is added or taken away. `a - b` is
/// `a + (-b)`: one rule for both operators, the right operand negated first (a duration, or
/// bounds negated and swapped; a date's bound then bounds no number).
#[cold]
#[inline(never)]
fn arith_open<'a>(op: ArOp, l: &Val<'_>, r: &Val<'_>) -> Val<'a> {
    if matches!(l, Val::Unknown) || matches!(r, Val::Unknown) || l.is_null() || r.is_null() {
        return Val::Unknown;
    }
    let sub = match op {
        ArOp::Add => false,
        ArOp::Sub => true,
        ArOp::Mul | ArOp::Div => return Val::Unknown,
    };
    match (l, r) {
        (Val::Within(w), Val::Duration(x)) | (Val::Duration(x), Val::Within(w))
            if !sub || matches!(l, Val::Within(_)) =>
        {
            let by = if sub { x.checked_neg() } else { Some(*x) };
            let shift = |s: Option<Scalar>| -> Result<Option<Scalar>, ()> {
                match (s, by) {
                    (Some(Scalar::Date(d)), Some(by)) => {
                        by.add_to(d).map(|d| Some(Scalar::Date(d))).ok_or(())
                    }
                    (None, Some(_)) => Ok(None),
                    _ => Err(()),
                }
            };
            match (shift(w.lo), shift(w.hi)) {
                (Ok(lo), Ok(hi)) => Within { lo, hi }.val(),
                _ => Val::Unknown,
            }
        }
        (a, b) => match (Within::of(a), Within::of(b)) {
            (Some(a), Some(b)) => {
                let b = if sub {
                    Within {
                        lo: b.hi.map(neg),
                        hi: b.lo.map(neg),
                    }
                } else {
                    b
                };
                let sum = |x: Option<Scalar>, y: Option<Scalar>| match (x, y) {
                    (Some(Scalar::Num(x)), Some(Scalar::Num(y))) => {
                        let n = x + y;
                        n.is_finite().then_some(Scalar::Num(n))
                    }
                    _ => None,
                };
                Within {
                    lo: sum(a.lo, b.lo),
                    hi: sum(a.hi, b.hi),
                }
                .val()
            }
            _ => Val::Unknown,
        },
    }
}
