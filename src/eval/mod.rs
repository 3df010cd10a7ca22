//! Evaluation: a compiled [`RuleSet`] on one validated [`Document`] → an [`Evaluation`] of plain
//! data (facts, the headline, one finding per obligation and item).
//!
//! Facts are computed once per document in dependency order; each obligation then derives its
//! status exactly as docs/rule-language.md "Status" says: validity on the reference date, then
//! `applies`, then `require` with the `deadline`. The fields read are kept as evidence, and the
//! absent fields whose absence left a finding `unknown` as `missing`.
//!
//! **Invariant:** evaluation never fails and never panics: whatever the document, every obligation
//! yields findings. It knows no rule set: texts it adds itself are generic.

pub(crate) mod explain;
pub(crate) mod remedy;
pub mod testing;

pub use explain::{Explanation, ExprTrace, Traced};

use crate::expr::{
    Compiled, Ctx, CtxBuffers, Nothing, Read, Reads, Record, Scalar, Trace, Val, Within,
};
use crate::finding::{
    Evaluation, Evidence, FactValue, Finding, Headline, Item, Shown, Status, Tri, Validity,
};
use crate::rules::{FactIndex, Obligation, Received, RuleError, RuleSet};
use crate::schema::Document;
use crate::text::{Lang, Text};
use jiff::civil::Date;

/// What to produce besides statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Render message texts (both languages).
    pub messages: bool,
    /// Collect evidence: the fields read that decided each finding.
    pub evidence: bool,
    /// Locate what findings are about: the JSON pointer of each `for_each` item, and the missing
    /// fields of `unknown` findings (which takes evaluating such an obligation a second time,
    /// recording its reads). Off only where statuses are merely counted (portfolio aggregates):
    /// items then carry their index and an empty pointer, and `missing` stays empty. Messages
    /// and evidence imply it.
    pub locate: bool,
    /// Compute what would make each violated, pending or unknown finding met
    /// ([`remedy`]): a search of many evaluations per finding, so only where asked (one
    /// document checked, `explain`), never for a batch.
    pub remedies: bool,
}

impl EvalOptions {
    /// Everything: messages, evidence, pointers.
    pub const FULL: EvalOptions = EvalOptions {
        messages: true,
        evidence: true,
        locate: true,
        remedies: false,
    };
    /// [`EvalOptions::FULL`] with remedies.
    pub const REMEDIES: EvalOptions = EvalOptions {
        remedies: true,
        ..EvalOptions::FULL
    };
    /// Statuses and deadlines with the missing fields of unknown findings located.
    pub const STATUSES: EvalOptions = EvalOptions {
        messages: false,
        evidence: false,
        locate: true,
        remedies: false,
    };
    /// Statuses and deadlines only, for counting.
    pub const COUNTS: EvalOptions = EvalOptions {
        messages: false,
        evidence: false,
        locate: false,
        remedies: false,
    };

    fn locates(&self) -> bool {
        self.locate || self.messages || self.evidence
    }
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions::FULL
    }
}

/// Evaluation of a loaded rule set: the engine's entry points, here rather than in
/// [`crate::rules`], which loads and never evaluates.
impl RuleSet {
    /// Evaluate one document whose bool facts also receive values from linked documents (see
    /// [`Received`]); otherwise the same as [`RuleSet::evaluate`].
    pub fn evaluate_received(
        &self,
        doc: &Document,
        as_of: Date,
        opts: &EvalOptions,
        received: &[Received],
    ) -> Evaluation<'_> {
        evaluate_received(self, doc, as_of, opts, received)
    }

    /// [`RuleSet::evaluate_received`] with [`EvalOptions::COUNTS`], reduced to statuses,
    /// deadlines and truths and written into `out` (whose vectors are reused): what a portfolio
    /// needs to count, at a fraction of the cost of a full [`Evaluation`]. `buffers` lends the
    /// evaluation its vectors, so that a batch does not allocate them per document.
    pub fn count_received(
        &self,
        doc: &Document,
        as_of: Date,
        received: &[Received],
        out: &mut Counts,
        buffers: &mut Buffers,
    ) {
        count_received(self, doc, as_of, received, out, &mut buffers.0)
    }

    /// The values of some facts only (no obligations), as true, false or unknown; facts that are
    /// not bool are `Unknown`. Cheap: for deciding what linked documents receive.
    pub fn fact_truths(
        &self,
        doc: &Document,
        as_of: Date,
        received: &[Received],
        wanted: &[FactIndex],
        out: &mut Vec<crate::finding::Tri>,
    ) {
        fact_truths(self, doc, as_of, received, wanted, out)
    }

    /// The constants of every expression of the rule set, and the fields it defaults with `??`
    /// (see [`Constants`](crate::expr::Constants)).
    pub fn constants(&self, out: &mut crate::expr::Constants) {
        let core = &*self.core;
        let exprs = core
            .facts
            .iter()
            .map(|f| &f.expr)
            .chain(core.reference_date.iter())
            .chain(core.obligations.iter().flat_map(|o| {
                o.for_each
                    .iter()
                    .map(|f| &f.list)
                    .chain(o.applies.iter())
                    .chain(std::iter::once(&o.require))
                    .chain(o.deadline.iter())
                    .chain(o.valid_from.iter())
                    .chain(o.valid_until.iter())
            }));
        for c in exprs {
            c.constants(out);
        }
    }

    /// Evaluate every fact and obligation on one document.
    pub fn evaluate(&self, doc: &Document, as_of: Date, opts: &EvalOptions) -> Evaluation<'_> {
        evaluate(self, doc, as_of, opts)
    }

    /// The evaluation trace of one obligation (or fact, as `@id`) on one document.
    pub fn explain(
        &self,
        doc: &Document,
        as_of: Date,
        rule: &str,
    ) -> Result<Explanation<'_>, RuleError> {
        explain::explain(self, doc, as_of, rule)
    }
}

/// The evaluation context of `doc` under `set`: its schema, catalog and parameters.
pub(crate) fn context<'a>(set: &'a RuleSet, doc: &'a Document, as_of: Date) -> Ctx<'a> {
    let core = &*set.core;
    Ctx::new(
        &core.schema,
        &core.catalog,
        doc.value(),
        &set.param_values,
        as_of,
    )
}

pub(crate) fn evaluate<'r>(
    set: &'r RuleSet,
    doc: &Document,
    as_of: Date,
    opts: &EvalOptions,
) -> Evaluation<'r> {
    evaluate_received(set, doc, as_of, opts, &[])
}

pub(crate) fn evaluate_received<'r>(
    set: &'r RuleSet,
    doc: &Document,
    as_of: Date,
    opts: &EvalOptions,
    received: &[Received],
) -> Evaluation<'r> {
    let core = &*set.core;
    let mut ctx = context(set, doc, as_of);
    // Without evidence, reads matter only where something comes out unknown (its missing fields
    // are part of the answer). So evaluate without recording, and evaluate again, recording, the
    // facts when one is unknown and each obligation with an unknown finding. Values do not
    // depend on recording, so the second evaluation only adds the reads.
    let lean = !opts.evidence;
    ctx.reserve(core.facts.len());
    let mut reference_date = if lean {
        prepare_received::<Nothing>(set, &mut ctx, received)
    } else {
        prepare_received::<Reads>(set, &mut ctx, received)
    };
    let mut recorded = !lean;
    let locate = opts.locates();
    if lean && locate && (0..core.facts.len()).any(|slot| ctx.fact(slot).is_unknown()) {
        reference_date = record_facts(set, &mut ctx, received);
        recorded = true;
    }
    let mut facts = Vec::with_capacity(core.facts_declared.len());
    facts.extend(
        core.facts_declared
            .iter()
            .filter_map(|&slot| fact_value(set, &ctx, slot)),
    );
    let headline = core.headline.as_ref().map(|h| Headline {
        key: &h.info.key,
        title: &h.info.title,
        value: tri(ctx.fact(h.slot)),
        because: h
            .because
            .iter()
            .filter_map(|&slot| fact_value(set, &ctx, slot))
            .collect(),
    });
    let mut findings = Vec::with_capacity(core.obligations.len());
    let mut shared = Shared::of(set, reference_date);
    for o in &core.obligations {
        let start = findings.len();
        if lean {
            judge_in::<Nothing>(o, &mut ctx, opts, &mut findings, None, &mut shared);
        } else {
            judge_in::<Reads>(o, &mut ctx, opts, &mut findings, None, &mut shared);
        }
        if lean
            && locate
            && findings
                .get(start..)
                .is_some_and(|f| f.iter().any(|f| f.status == Status::Unknown))
        {
            findings.truncate(start);
            if !recorded {
                record_facts(set, &mut ctx, received);
                recorded = true;
            }
            judge_in::<Reads>(o, &mut ctx, opts, &mut findings, None, &mut shared);
        }
    }
    let mut e = Evaluation {
        key: doc.key.clone(),
        as_of,
        reference_date,
        headline,
        facts,
        findings,
        links: Default::default(),
    };
    if remedy::wanted(opts) {
        remedy::compute(set, doc, as_of, received, &mut e);
    }
    e
}

/// One finding reduced to what counting needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// The obligation's position in the rule set's declared order
    /// ([`RuleSet::obligations`]).
    pub obligation: u16,
    pub status: Status,
    pub deadline: Option<Date>,
}

/// A document's evaluation reduced to numbers, for counting over many documents
/// ([`count_received`]): the same statuses, deadlines and truths as [`Evaluation`], without rule
/// references, texts, items or evidence. Its vectors can be reused from one document to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub reference_date: Option<Date>,
    /// The headline fact's answer, when the rule set has one.
    pub headline: Option<Tri>,
    /// The truth of each fact, in declared order (the order of [`Evaluation::facts`]); a fact
    /// that is not bool is `No` unless unknown.
    pub facts: Vec<Tri>,
    /// One per finding, in the order of [`Evaluation::findings`].
    pub findings: Vec<Counted>,
}

impl Counts {
    /// Set to a full evaluation of `set` reduced to what [`count_received`] gives; for callers
    /// that need the full evaluation too (rows of findings) and count the same way.
    pub fn reduce(&mut self, set: &RuleSet, e: &Evaluation<'_>) {
        self.reference_date = Some(e.reference_date);
        self.headline = e.headline.as_ref().map(|h| h.value);
        self.facts.clear();
        self.facts.extend(e.facts.iter().map(|f| match f.value {
            Shown::Bool(true) => Tri::Yes,
            Shown::Absent => Tri::Unknown,
            _ => Tri::No,
        }));
        self.findings.clear();
        let mut cursor = 0usize;
        for f in &e.findings {
            let at = set.obligation_of(f.rule, &mut cursor).map_or(0, |(i, _)| i);
            self.findings.push(Counted {
                obligation: u16::try_from(at).unwrap_or(u16::MAX),
                status: f.status,
                deadline: f.deadline,
            });
        }
    }
}

/// A value's truth as a three-valued answer.
fn tri(v: &Val<'_>) -> Tri {
    match v.truth() {
        Some(true) => Tri::Yes,
        Some(false) => Tri::No,
        None => Tri::Unknown,
    }
}

/// The vectors an evaluation borrows, kept by a batch between documents so that it does not
/// allocate them for each one. What they hold is the evaluator's business, not the caller's.
#[derive(Debug, Default)]
pub struct Buffers(CtxBuffers);

/// [`evaluate_received`] with [`EvalOptions::COUNTS`], reduced to [`Counts`] and written into
/// `out`, the evaluation's vectors taken from `buffers` and handed back: no finding, text or rule reference is built, which is most of what evaluation costs
/// when a batch is only counted.
pub(crate) fn count_received(
    set: &RuleSet,
    doc: &Document,
    as_of: Date,
    received: &[Received],
    out: &mut Counts,
    buffers: &mut CtxBuffers,
) {
    let core = &*set.core;
    let mut ctx = Ctx::with_buffers(
        &core.schema,
        &core.catalog,
        doc.value(),
        &set.param_values,
        as_of,
        buffers,
    );
    ctx.reserve(core.facts.len());
    let reference = prepare_received::<Nothing>(set, &mut ctx, received);
    out.reference_date = Some(reference);
    out.facts.clear();
    out.facts
        .extend(core.facts_declared.iter().map(|&slot| tri(ctx.fact(slot))));
    // One finding per obligation at least: sized once, not grown push by push.
    out.findings.clear();
    out.findings.reserve(core.obligations.len());
    out.headline = core.headline.as_ref().map(|h| tri(ctx.fact(h.slot)));
    let mut shared = Shared::of(set, reference);
    for (i, o) in core.obligations.iter().enumerate() {
        let obligation = u16::try_from(i).unwrap_or(u16::MAX);
        count_in(o, obligation, &mut ctx, &mut shared, &mut out.findings);
    }
    ctx.into_buffers(buffers);
}

/// The counted findings of one obligation, as [`judge_in`] gives them: one, one per item of its
/// `for_each` list, or one `unknown` or `not_applicable` for a list unknown or empty.
fn count_in<'a>(
    o: &'a Obligation,
    obligation: u16,
    ctx: &mut Ctx<'a>,
    shared: &mut Shared<'a>,
    out: &mut Vec<Counted>,
) {
    let mut one = |ctx: &mut Ctx<'a>, shared: &mut Shared<'a>| {
        let d = derive::<Nothing>(o, ctx, None, shared);
        if d.pushed {
            ctx.bindings.pop();
        }
        out.push(Counted {
            obligation,
            status: d.status,
            deadline: d.deadline,
        });
    };
    let Some(fe) = &o.for_each else {
        one(ctx, shared);
        return;
    };
    match fe.list.eval::<Nothing>(ctx) {
        Val::List(l) if !l.is_empty() => {
            for i in 0..l.len() {
                let Some(v) = l.get(i) else { continue };
                ctx.bindings.push(v);
                one(ctx, shared);
                ctx.bindings.pop();
            }
        }
        Val::Unknown => out.push(Counted {
            obligation,
            status: Status::Unknown,
            deadline: None,
        }),
        _ => out.push(Counted {
            obligation,
            status: empty_validity(o, ctx, shared.reference).0,
            deadline: None,
        }),
    }
}

/// Compute the facts again, recording their reads (see [`evaluate_received`]).
fn record_facts<'a>(set: &'a RuleSet, ctx: &mut Ctx<'a>, received: &[Received]) -> Date {
    ctx.ref_date = None;
    prepare_received::<Reads>(set, ctx, received)
}

/// What obligations of one document share: the reference date, and validity bounds computed
/// once per group of obligations that write them the same way (see `Core::validity_groups`).
pub(crate) struct Shared<'a> {
    reference: Date,
    /// `[ruleset].reference_date`, evaluated again (recording its reads) for a rule whose
    /// validity turns on a reference date that is unknown for the document.
    reference_expr: Option<&'a Compiled>,
    /// `[ruleset.closed]`, tested for a finding that would be `pending`.
    closed: Option<&'a crate::rules::Closed>,
    bounds: Vec<Option<Bounds>>,
    /// The reads of each group's bounds, flat; `Bounds::reads` is the range of one group.
    reads: Vec<Read<'a>>,
}

#[derive(Clone, Copy)]
struct Bounds {
    from: Option<Date>,
    until: Option<Date>,
    /// Whether computed while recording reads.
    recorded: bool,
    reads: (usize, usize),
}

impl<'a> Shared<'a> {
    /// Keeps the validity bounds an obligation of `group` computed, with the reads that computed
    /// them, for the other obligations of its group.
    fn keep_bounds<R: Record>(
        &mut self,
        group: Option<usize>,
        from: Option<Date>,
        until: Option<Date>,
        ctx: &Ctx<'a>,
    ) {
        if let Some(slot) = group.and_then(|g| self.bounds.get_mut(g)) {
            let start = self.reads.len();
            if R::READS {
                self.reads.extend_from_slice(&ctx.reads);
            }
            *slot = Some(Bounds {
                from,
                until,
                recorded: R::READS,
                reads: (start, self.reads.len()),
            });
        }
    }

    /// With what the rule set says of every document: its reference date and `closed`.
    pub(crate) fn of(set: &'a RuleSet, reference: Date) -> Self {
        let core = &*set.core;
        let mut s = Shared::new(reference, core.validity_groups.len());
        s.reference_expr = core.reference_date.as_ref();
        s.closed = core.closed.as_ref();
        s
    }

    pub(crate) fn new(reference: Date, groups: usize) -> Self {
        Shared {
            reference,
            reference_expr: None,
            closed: None,
            bounds: vec![None; groups],
            reads: Vec::new(),
        }
    }
}

/// Compute every fact into `ctx` and the reference date; leaves `ctx` ready for obligations.
pub(crate) fn prepare<'a>(set: &'a RuleSet, ctx: &mut Ctx<'a>) -> Date {
    prepare_received::<Reads>(set, ctx, &[])
}

/// [`prepare`], with values received from linked documents joined to the facts they name, each
/// before any fact that uses it is computed.
fn prepare_received<'a, R: Record>(
    set: &'a RuleSet,
    ctx: &mut Ctx<'a>,
    received: &[Received],
) -> Date {
    let core = &*set.core;
    for (slot, f) in core.facts.iter().enumerate() {
        ctx.reads.clear();
        let mut v = f.expr.eval::<R>(ctx);
        for r in received.iter().filter(|r| r.fact.0 == slot) {
            v = join(v, r.value, ctx);
        }
        ctx.set_fact(slot, v);
    }
    ctx.reads.clear();
    ctx.ref_open = None;
    ctx.ref_reads.clear();
    // The reference date is never silently replaced: in `a ?? b`, `b` stands in for `a` null
    // (stated as none), not for `a` unknown.
    let head = core
        .reference_date
        .as_ref()
        .and_then(|c| c.head_of_default::<R>(ctx))
        .filter(Val::is_unknown);
    let v = match head {
        Some(h) => Some(h),
        None => {
            ctx.reads.clear();
            core.reference_date.as_ref().map(|c| c.eval::<R>(ctx))
        }
    };
    // Null (or no reference date in the rule set): the as-of date. Unknown: not replaced; each
    // rule whose validity turns on it is unknown (`derive`), and the as-of date is only what
    // reports show.
    let reference = match v {
        Some(Val::Date(d)) => d,
        Some(v) if v.is_unknown() => {
            ctx.ref_open = Within::of(&v);
            ctx.ref_reads = std::mem::take(&mut ctx.reads);
            ctx.ref_date = None;
            return ctx.today;
        }
        _ => ctx.today,
    };
    ctx.reads.clear();
    ctx.ref_date = Some(reference);
    reference
}

/// Kleene `or` of a fact's own value and a value received from linked documents. A value that
/// comes from elsewhere has no reads in this document: when it decides, the reads are dropped.
fn join<'a>(own: Val<'a>, received: Tri, ctx: &mut Ctx<'a>) -> Val<'a> {
    match (own.truth(), received) {
        (Some(true), _) | (_, Tri::No) => own,
        (_, Tri::Yes) => {
            ctx.reads.clear();
            Val::Bool(true)
        }
        (Some(false), Tri::Unknown) => {
            ctx.reads.clear();
            Val::Unknown
        }
        (None, Tri::Unknown) => own,
    }
}

/// The truth of some facts of one document, with values received from linked documents.
pub(crate) fn fact_truths(
    set: &RuleSet,
    doc: &Document,
    as_of: Date,
    received: &[Received],
    wanted: &[FactIndex],
    out: &mut Vec<Tri>,
) {
    let core = &*set.core;
    let mut ctx = context(set, doc, as_of);
    // Only values are needed, not where they came from.
    let last = wanted.iter().map(|f| f.0).max();
    for (slot, f) in core.facts.iter().enumerate() {
        if last.is_none_or(|l| slot > l) {
            break;
        }
        let mut v = f.expr.eval::<Nothing>(&mut ctx);
        for r in received.iter().filter(|r| r.fact.0 == slot) {
            v = join(v, r.value, &mut ctx);
        }
        ctx.set_fact(slot, v);
    }
    out.extend(wanted.iter().map(|f| match ctx.fact(f.0).truth() {
        Some(true) => Tri::Yes,
        Some(false) => Tri::No,
        None => Tri::Unknown,
    }));
}

/// The value of fact `slot` (`None` for a slot the rule set does not have).
fn fact_value<'r>(set: &'r RuleSet, ctx: &Ctx<'_>, slot: usize) -> Option<FactValue<'r>> {
    let fact = &set.core.facts.get(slot)?.info;
    let value = ctx.fact(slot);
    let missing = if value.is_unknown() {
        evidence(ctx.fact_reads(slot), ctx, true)
    } else {
        Vec::new()
    };
    Some(FactValue {
        fact,
        value: value.shown(),
        missing,
    })
}

/// Reads as evidence, one per pointer (first read wins): only absent ones when `absent`, else
/// only stated ones.
fn evidence(reads: &[Read<'_>], ctx: &Ctx<'_>, absent: bool) -> Vec<Evidence> {
    // Pointers seen: found by a scan while there are few, by a hash set once there are many (a
    // quantifier over 60 000 items reads 60 000 fields, and a scan per read was quadratic).
    const SCAN: usize = 32;
    let mut out: Vec<Evidence> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for r in reads.iter().filter(|r| r.is_absent() == absent) {
        let e = Evidence {
            pointer: r.pointer(ctx.schema),
            at: r.at,
            value: r.value(ctx.trees.doc),
        };
        if out.len() < SCAN {
            if !out.iter().any(|o| o.pointer == e.pointer) {
                out.push(e);
            }
            continue;
        }
        if seen.is_empty() {
            seen.extend(out.iter().map(|o| o.pointer.clone()));
        }
        if seen.insert(e.pointer.clone()) {
            out.push(e);
        }
    }
    out
}

/// Findings of one obligation: one, or one per item of its `for_each` list, with the trace of
/// each (for `explain`).
pub(crate) fn judge_all<'a, 'r: 'a>(
    set: &'a RuleSet,
    o: &'r Obligation,
    ctx: &mut Ctx<'a>,
    reference: Date,
    opts: &EvalOptions,
    out: &mut Vec<Finding<'r>>,
    trace: &mut Vec<Traced>,
) {
    let mut shared = Shared::of(set, reference);
    // Traced findings compute their own bounds.
    shared.bounds.clear();
    judge_in::<Trace>(o, ctx, opts, out, Some(trace), &mut shared);
}

/// [`judge_all`], with what obligations of the document share, recording what `R` says (the
/// trace only with [`Trace`]).
fn judge_in<'a, 'r: 'a, R: Record>(
    o: &'r Obligation,
    ctx: &mut Ctx<'a>,
    opts: &EvalOptions,
    out: &mut Vec<Finding<'r>>,
    mut trace: Option<&mut Vec<Traced>>,
    shared: &mut Shared<'a>,
) {
    let Some(fe) = &o.for_each else {
        let mut sections = trace.as_ref().map(|_| Vec::new());
        judge::<R>(o, ctx, opts, None, sections.as_mut(), shared, out);
        if let (Some(t), Some(sections)) = (trace, sections) {
            t.push(Traced {
                item: None,
                sections,
                list: None,
            });
        }
        return;
    };
    ctx.reads.clear();
    let mut run = Runner::<R> {
        trace: trace.as_ref().map(|_| Vec::new()),
        record: std::marker::PhantomData,
    };
    let list = run.val(&fe.list, "for_each", ctx);
    let list_section = run.trace.and_then(|mut s| s.pop());
    let items = match &list {
        Val::List(l) if !l.is_empty() => l.clone(),
        Val::Unknown => {
            let missing = evidence(&ctx.reads, ctx, true);
            if let Some(t) = trace {
                t.push(Traced {
                    item: None,
                    sections: Vec::new(),
                    list: list_section,
                });
            }
            let Some(f) = push_blank(out, o, Status::Unknown) else {
                return;
            };
            if opts.messages {
                f.message = generic(Status::Unknown, &missing, None);
            }
            f.missing = missing;
            return;
        }
        // No items (or none stated): nothing to judge. Validity comes first (a rule not in force
        // on the reference date is `not_in_force` whether or not it would apply), when it is
        // judged on the reference date: an item's own date (`valid_on`) does not exist here.
        // Otherwise the rule's own `not_applicable` text, if it has one, says so; it sees no
        // item (the item reads as null) and no deadline.
        _ => {
            let (status, validity) = empty_validity(o, ctx, shared.reference);
            if let Some(t) = trace {
                t.push(Traced {
                    item: None,
                    sections: Vec::new(),
                    list: list_section,
                });
            }
            let Some(f) = push_blank(out, o, status) else {
                return;
            };
            f.validity = validity;
            if status == Status::Unknown {
                // Undecided for the reference date alone: its fields are the ones to provide.
                let reads = std::mem::take(&mut ctx.ref_reads);
                f.missing = evidence(&reads, ctx, true);
                ctx.ref_reads = reads;
            }
            if opts.evidence {
                f.evidence = evidence(&ctx.reads, ctx, false);
            }
            if opts.messages {
                ctx.bindings.push(Val::Null);
                if o.deadline.is_some() {
                    ctx.bindings.push(Val::Unknown);
                }
                f.message = message(o, ctx, f);
                f.assumptions = assumptions(o, ctx);
                if o.deadline.is_some() {
                    ctx.bindings.pop();
                }
                ctx.bindings.pop();
            }
            return;
        }
    };
    let mut list_section = list_section;
    let locate = opts.locates();
    for i in 0..items.len() {
        let Some(v) = items.get(i) else { continue };
        let mut item = Item {
            index: i,
            pointer: if locate {
                ctx.pointer(&v).unwrap_or_default()
            } else {
                String::new()
            },
            at: v.at().unwrap_or(crate::value::Node::SYNTHETIC),
            label: None,
        };
        ctx.bindings.push(v);
        // Labels name items in messages and located findings; counting needs neither.
        if let Some(label) = fe.label.as_ref().filter(|_| locate) {
            let l = label.eval::<Nothing>(ctx);
            if !l.is_unknown() && !l.is_null() {
                item.label = Some(l.to_string());
            }
        }
        let mut sections = trace.as_ref().map(|_| Vec::new());
        // The trace keeps a copy of the item; without one, the finding takes it.
        let traced_item = trace.as_ref().map(|_| item.clone());
        judge::<R>(o, ctx, opts, Some(item), sections.as_mut(), shared, out);
        if let (Some(t), Some(sections)) = (trace.as_deref_mut(), sections) {
            t.push(Traced {
                item: traced_item,
                sections,
                list: list_section.take(),
            });
        }
        ctx.bindings.pop();
    }
}

/// For a `for_each` obligation with no items: `not_in_force` with the period, when its bounds (read
/// with no item) exclude the reference date and it judges validity on that date; `unknown` when the
/// reference date is known only within bounds that the period splits; else `not_applicable`.
// Inlined for the same reason as `derive`: its small result came back through memory.
#[inline(always)]
fn empty_validity<'a>(
    o: &'a Obligation,
    ctx: &mut Ctx<'a>,
    reference: Date,
) -> (Status, Option<Validity>) {
    if o.valid_on.is_some() || (o.valid_from.is_none() && o.valid_until.is_none()) {
        return (Status::NotApplicable, None);
    }
    ctx.bindings.push(Val::Null);
    let from = o
        .valid_from
        .as_ref()
        .and_then(|c| c.eval::<Nothing>(ctx).as_date());
    let until = o
        .valid_until
        .as_ref()
        .and_then(|c| c.eval::<Nothing>(ctx).as_date());
    ctx.bindings.pop();
    let forced = match (ctx.ref_date, ctx.ref_open) {
        (None, Some(w)) => in_force_open(w, from, until),
        (None, None) => Some(true),
        (Some(r), _) => Some(in_force(r, from, until)),
    };
    match forced {
        Some(true) => (Status::NotApplicable, None),
        Some(false) => (
            Status::NotInForce,
            Some(Validity {
                on: reference,
                from,
                until,
            }),
        ),
        None => (Status::Unknown, None),
    }
}

/// A blank finding pushed onto `out`, and the finding to fill in. Made inside the push (an
/// `extend` from `once_with`, which has made room before it makes the value) so that it is
/// written where it goes: a finding built first and then pushed was copied there by `memcpy`
/// (264 bytes, from stores not yet done), several times per document.
#[inline(always)]
fn push_blank<'f, 'r>(
    out: &'f mut Vec<Finding<'r>>,
    o: &'r Obligation,
    status: Status,
) -> Option<&'f mut Finding<'r>> {
    out.extend(std::iter::once_with(|| blank(o, status)));
    out.last_mut()
}

#[inline(always)]
fn blank(o: &Obligation, status: Status) -> Finding<'_> {
    Finding {
        rule: &o.info,
        status,
        item: None,
        deadline: None,
        message: Text::default(),
        evidence: Vec::new(),
        missing: Vec::new(),
        validity: None,
        waiver: None,
        to_meet: None,
        assumptions: Vec::new(),
    }
}

/// The assumptions of `o` that the finding rests on: those whose `when` holds in the finding's
/// scope (its item and deadline bound), in declared order. Given with messages: counting needs
/// none.
fn assumptions<'a, 'r: 'a>(
    o: &'r Obligation,
    ctx: &mut Ctx<'a>,
) -> Vec<&'r crate::finding::Assumption> {
    o.assumptions
        .iter()
        .filter(|(_, when)| when.truth::<Nothing>(ctx) == Some(true))
        .map(|(a, _)| &**a)
        .collect()
}

/// One finding: the status derivation of docs/rule-language.md "Status" ([`derive`]), with the
/// texts and evidence `opts` asks for. `ctx.bindings` holds the `for_each` item, if any.
fn judge<'a, 'r: 'a, R: Record>(
    o: &'r Obligation,
    ctx: &mut Ctx<'a>,
    opts: &EvalOptions,
    item: Option<Item>,
    trace: Option<&mut Vec<ExprTrace>>,
    shared: &mut Shared<'a>,
    out: &mut Vec<Finding<'r>>,
) {
    ctx.reads.clear();
    let Some(f) = push_blank(out, o, Status::Unknown) else {
        return;
    };
    // Set after the push, and only for a `for_each` item: a blank carrying the item was read
    // back from memory as it was written.
    if item.is_some() {
        f.item = item;
    }
    let d = derive::<R>(o, ctx, trace, shared);
    f.status = d.status;
    f.deadline = d.deadline;
    f.validity = d.validity;
    if let Some(start) = d.missing_from {
        f.missing = evidence(ctx.reads.get(start..).unwrap_or(&[]), ctx, true);
    }
    if opts.evidence {
        f.evidence = evidence(&ctx.reads, ctx, false);
    }
    if opts.messages {
        f.message = match shared.closed {
            Some(c) if d.closed => c.message.clone(),
            _ => message(o, ctx, f),
        };
        f.assumptions = assumptions(o, ctx);
    }
    if d.pushed {
        ctx.bindings.pop();
    }
}

/// Evaluates the expressions of one finding with the recorder `R`, and with [`Trace`] keeps
/// each one's trace as a section.
struct Runner<R> {
    trace: Option<Vec<ExprTrace>>,
    record: std::marker::PhantomData<R>,
}

impl<R: Record> Runner<R> {
    #[inline(always)]
    fn val<'a>(&mut self, c: &'a Compiled, key: &'static str, ctx: &mut Ctx<'a>) -> Val<'a> {
        match self.trace.as_mut() {
            Some(sections) if R::TRACE => traced(c, key, ctx, sections),
            _ => c.eval::<R>(ctx),
        }
    }

    /// Whether `c` holds (unknown as `None`).
    #[inline(always)]
    fn truth<'a>(&mut self, c: &'a Compiled, key: &'static str, ctx: &mut Ctx<'a>) -> Option<bool> {
        match self.trace.as_mut() {
            Some(sections) if R::TRACE => traced(c, key, ctx, sections).truth(),
            _ => c.truth::<R>(ctx),
        }
    }
}

#[cold]
fn traced<'a>(
    c: &'a Compiled,
    key: &'static str,
    ctx: &mut Ctx<'a>,
    sections: &mut Vec<ExprTrace>,
) -> Val<'a> {
    let (v, steps) = c.traced(ctx);
    sections.push(ExprTrace {
        key,
        text: c.text().to_string(),
        value: v.shown(),
        steps,
    });
    v
}

/// What [`derive`] decides for one finding.
struct Derived {
    status: Status,
    deadline: Option<Date>,
    /// For `not_in_force`: the bounds it was judged against.
    validity: Option<Validity>,
    /// For `unknown`: where in `ctx.reads` the reads that left it undecided start.
    missing_from: Option<usize>,
    /// Whether the deadline was pushed as the innermost binding (the caller pops it once done
    /// with messages).
    pushed: bool,
    /// Whether a would-be `pending` was made `not_applicable` by `[ruleset.closed]`.
    closed: bool,
}

/// The status derivation of docs/rule-language.md "Status" for one finding: validity on the
/// reference date, then `applies`, then `require` against the `deadline`; the one derivation
/// for findings, counts and traces, recording what `R` says (with [`Trace`] and `sections`,
/// each expression's trace as a section). Leaves the deadline bound (see [`Derived::pushed`])
/// so that messages can name it.
#[inline(always)]
fn derive<'a, R: Record>(
    o: &'a Obligation,
    ctx: &mut Ctx<'a>,
    sections: Option<&mut Vec<ExprTrace>>,
    shared: &mut Shared<'a>,
) -> Derived {
    let reference = shared.reference;
    let tracing = R::TRACE && sections.is_some();
    let mut run = Runner::<R> {
        trace: sections.as_ref().map(|_| Vec::new()),
        record: std::marker::PhantomData,
    };

    // 1. Validity on the reference date. A bound that is null or unknown excludes nothing.
    // Bounds shared with other obligations are computed once (not when tracing).
    let cached = match o.validity_group {
        Some(g) if !tracing => shared.bounds.get(g).copied().flatten(),
        _ => None,
    };
    let (from, until) = match cached {
        Some(b) if b.recorded || !R::READS => {
            if R::READS {
                let r = shared.reads.get(b.reads.0..b.reads.1).unwrap_or(&[]);
                ctx.reads.extend_from_slice(r);
            }
            (b.from, b.until)
        }
        _ => {
            let from = o
                .valid_from
                .as_ref()
                .and_then(|c| run.val(c, "valid_from", ctx).as_date());
            let until = o
                .valid_until
                .as_ref()
                .and_then(|c| run.val(c, "valid_until", ctx).as_date());
            shared.keep_bounds::<R>(o.validity_group, from, until, ctx);
            (from, until)
        }
    };
    let validity_reads = ctx.reads.len();
    // `require` and messages see the deadline as the innermost binding; whatever the status,
    // it is pushed once the deadline is known (unknown when it was never computed).
    let mut d = Derived {
        status: Status::Unknown,
        deadline: None,
        validity: None,
        missing_from: None,
        pushed: false,
        closed: false,
    };
    // The date validity is judged on: the item's own (`valid_on`) or the reference date. A date
    // known only within bounds decides when every date it may be gives the same answer; otherwise
    // the finding is unknown, naming the fields the date needs.
    let start = ctx.reads.len();
    let (on, forced) = if from.is_none() && until.is_none() {
        (reference, Some(true))
    } else if let Some(c) = &o.valid_on {
        match run.val(c, "valid_on", ctx) {
            Val::Date(on) => (on, Some(in_force(on, from, until))),
            v => (
                reference,
                Within::of(&v).and_then(|w| in_force_open(w, from, until)),
            ),
        }
    } else {
        match (ctx.ref_date, ctx.ref_open) {
            (None, Some(w)) => {
                let forced = in_force_open(w, from, until);
                if forced.is_none() && R::READS {
                    ctx.reads.extend_from_slice(&ctx.ref_reads);
                }
                (reference, forced)
            }
            _ => (reference, Some(in_force(reference, from, until))),
        }
    };
    if forced.is_none() {
        d.status = Status::Unknown;
        d.missing_from = Some(start);
    } else if forced == Some(false) {
        d.status = Status::NotInForce;
        d.validity = Some(Validity { on, from, until });
    } else {
        // 2. Applicability.
        let applies = o
            .applies
            .as_ref()
            .map_or(Some(true), |c| run.truth(c, "applies", ctx));
        match applies {
            None => {
                d.status = Status::Unknown;
                d.missing_from = Some(validity_reads);
            }
            Some(false) => d.status = Status::NotApplicable,
            Some(true) => {
                let decided = ctx.reads.len();
                let deadline = o.deadline.as_ref().map(|c| run.val(c, "deadline", ctx));
                let deadline_reads = ctx.reads.len();
                let date = deadline.as_ref().map(Val::as_date);
                let v_unknown = deadline.as_ref().is_some_and(Val::is_unknown);
                let open = match &deadline {
                    Some(Val::Within(w)) => Some(*w),
                    _ => None,
                };
                if let Some(v) = deadline {
                    d.deadline = v.as_date();
                    ctx.bindings.push(v);
                    d.pushed = true;
                }
                // 3.–5. The requirement, judged against the deadline.
                let require = run.truth(&o.require, "require", ctx);
                d.status = judged(require, date, ctx.today);
                if let (Status::Unknown, Some(false), Some(w)) = (d.status, require, open) {
                    d.status = judged_open(w, ctx.today);
                }
                // Nothing is still to be done in a closed document.
                if d.status == Status::Pending
                    && let Some(c) = shared.closed
                    && run.truth(&c.when, "closed", ctx) == Some(true)
                {
                    d.status = Status::NotApplicable;
                    d.deadline = None;
                    d.closed = true;
                }
                if d.status == Status::Unknown {
                    // Undecided for a deadline that is no date: its reads say why. Undecided
                    // requirement: the deadline's missing fields matter only if it is unknown
                    // itself.
                    d.missing_from = Some(if require.is_some() || v_unknown {
                        decided
                    } else {
                        deadline_reads
                    });
                }
            }
        }
    }
    if o.deadline.is_some() && !d.pushed {
        ctx.bindings.push(Val::Unknown);
        d.pushed = true;
    }
    if let (Some(out), Some(mut kept)) = (sections, run.trace) {
        out.append(&mut kept);
    }
    d
}

/// Whether an obligation valid from `from` until `until` is in force on `reference`. A bound that
/// is null or unknown excludes nothing.
#[inline]
fn in_force(reference: Date, from: Option<Date>, until: Option<Date>) -> bool {
    !(from.is_some_and(|d| reference < d) || until.is_some_and(|d| reference >= d))
}

/// Whether an obligation valid from `from` until `until` is in force on every date within `w`
/// (`Some(true)`), on none (`Some(false)`), or it depends (`None`).
fn in_force_open(w: Within, from: Option<Date>, until: Option<Date>) -> Option<bool> {
    let date = |s: Option<Scalar>| match s {
        Some(Scalar::Date(d)) => Some(d),
        _ => None,
    };
    let (lo, hi) = (date(w.lo), date(w.hi));
    let after_from = from.is_none_or(|f| lo.is_some_and(|l| l >= f));
    let before_until = until.is_none_or(|u| hi.is_some_and(|h| h < u));
    if after_from && before_until {
        Some(true)
    } else if from.is_some_and(|f| hi.is_some_and(|h| h < f))
        || until.is_some_and(|u| lo.is_some_and(|l| l >= u))
        // A period that ends before it starts holds on no date, whatever the date is.
        || from.zip(until).is_some_and(|(f, u)| f >= u)
    {
        Some(false)
    } else {
        None
    }
}

/// A requirement not met against a deadline known only within bounds: pending if every date
/// it may be is today or later, violated if every one has passed.
fn judged_open(w: Within, today: Date) -> Status {
    match (w.lo, w.hi) {
        (Some(Scalar::Date(lo)), _) if lo >= today => Status::Pending,
        (_, Some(Scalar::Date(hi))) if hi < today => Status::Violated,
        _ => Status::Unknown,
    }
}

/// The status of an obligation that applies, from its requirement and, when it has one, its
/// deadline (`Some(None)`: a deadline that is no date).
#[inline]
fn judged(require: Option<bool>, deadline: Option<Option<Date>>, today: Date) -> Status {
    match (require, deadline) {
        (Some(true), _) => Status::Met,
        (Some(false), None) => Status::Violated,
        (Some(false), Some(Some(d))) if d >= today => Status::Pending,
        (Some(false), Some(Some(_))) => Status::Violated,
        (Some(false), Some(None)) | (None, _) => Status::Unknown,
    }
}

fn message<'a>(o: &'a Obligation, ctx: &mut Ctx<'a>, f: &Finding) -> Text {
    let m = &o.messages;
    let template = match f.status {
        Status::Met => m.met.as_ref(),
        Status::Violated => m.violated.as_ref(),
        Status::Pending => m.pending.as_ref(),
        Status::Unknown => m.unknown.as_ref(),
        Status::NotApplicable => m.not_applicable.as_ref(),
        Status::NotInForce => m.not_in_force.as_ref(),
        Status::Waived => None,
    };
    match template {
        Some(t) => Text {
            nb: t.nb.render(ctx, Lang::Nb),
            // Empty without a nynorsk template: the text then reads as bokmål.
            nn: t
                .nn
                .as_ref()
                .map(|nn| nn.render(ctx, Lang::Nn))
                .unwrap_or_default(),
            en: t.en.render(ctx, Lang::En),
        },
        None => generic(f.status, &f.missing, f.validity.as_ref()),
    }
}

/// The engine's own texts, for statuses a rule gives no message for.
pub(crate) fn generic(status: Status, missing: &[Evidence], validity: Option<&Validity>) -> Text {
    match status {
        Status::Unknown if missing.is_empty() => Text::all(
            "Kan ikke avgjøres ut fra opplysningene som er gitt.",
            "Kan ikkje avgjerast ut frå opplysningane som er gitt.",
            "Cannot be decided from what is stated.",
        ),
        Status::Unknown => {
            let list = missing
                .iter()
                .map(|e| e.pointer.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            Text::all(
                format!("Kan ikke avgjøres: oppgi {list}."),
                format!("Kan ikkje avgjerast: oppgje {list}."),
                format!("Cannot be decided: provide {list}."),
            )
        }
        Status::NotApplicable => Text::all(
            "Gjelder ikke her.",
            "Gjeld ikkje her.",
            "Does not apply here.",
        ),
        Status::NotInForce => {
            let Some(v) = validity else {
                return Text::all("Ikke i kraft.", "Ikkje i kraft.", "Not in force.");
            };
            let (nb, nn, en) = match (v.from, v.until) {
                (Some(a), Some(b)) => (
                    format!("i kraft fra {a} til {b}"),
                    format!("i kraft frå {a} til {b}"),
                    format!("in force from {a} until {b}"),
                ),
                (Some(a), None) => (
                    format!("i kraft fra {a}"),
                    format!("i kraft frå {a}"),
                    format!("in force from {a}"),
                ),
                (None, Some(b)) => (
                    format!("i kraft til {b}"),
                    format!("i kraft til {b}"),
                    format!("in force until {b}"),
                ),
                (None, None) => (String::new(), String::new(), String::new()),
            };
            Text::all(
                format!("Ikke i kraft {}: {nb}.", v.on),
                format!("Ikkje i kraft {}: {nn}.", v.on),
                format!("Not in force on {}: {en}.", v.on),
            )
        }
        Status::Met => Text::all("Oppfylt.", "Oppfylt.", "Met."),
        Status::Violated => Text::all("Brutt.", "Brote.", "Violated."),
        Status::Pending => Text::all("Ikke oppfylt ennå.", "Ikkje oppfylt enno.", "Not met yet."),
        Status::Waived => Text::all("Unntatt.", "Unnateke.", "Waived."),
    }
}

/// Shown values as written in texts (dates `YYYY-MM-DD`, numbers without needless decimals).
pub fn shown_text(v: &Shown) -> String {
    match v {
        Shown::Absent => "?".into(),
        Shown::Null => "null".into(),
        Shown::Bool(b) => b.to_string(),
        Shown::Number(n) => crate::value::number_json(*n).to_string(),
        Shown::Str(s) => s.clone(),
        Shown::Date(d) => d.to_string(),
        Shown::List(n) => format!("[{n} items]"),
        Shown::Object => "{…}".into(),
    }
}

#[cfg(test)]
mod exact_tests;
#[cfg(test)]
mod tests;
