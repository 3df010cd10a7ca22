//! Computed remedies: for each violated, pending or unknown finding of a document, a change to
//! the input that makes it met — an RFC 6902 JSON Patch with concrete values, the same in words —
//! or, where none can, why not and what the rule set offers instead.
//!
//! Nothing here is written per rule. The candidates come from the compiled rule and the
//! document: the fields whose absence left a finding unknown, the stated fields that decided
//! it, and the document lists its conditions quantify over (a new item for one of them, its
//! fields those the conditions read); the candidate values from the field's type (booleans,
//! enum values, catalog keys) and from the rule set's own constants, parameters and the
//! document's dates and numbers, each moved by a day or a unit to either side of a boundary;
//! for a free text, the texts the rule compares with, else a stand-in for a text only the
//! reader can write (which the words say is theirs to write).
//! Each candidate is checked by validating and evaluating the changed document again, so a
//! remedy found is one that works. Values are tried in the order the answer should prefer:
//! constants of the rule first (the party and form it asks for), the smallest number, the
//! latest date. A new record describes something still to do, so its dates are no earlier than
//! the as-of date: when only an earlier date would meet a deadline, no change can meet it now.
//!
//! Where one change is not enough, the search goes a step further, within a budget of its own:
//! two new records in two lists (one that leaves the finding undecided until the other is
//! there, such as an involvement and the decision it must precede), a record inside a new one
//! or inside an item the evaluation read (who was notified of a deviation). A field of a new
//! record that the finding does not need is left out again, and one that another finding reads
//! of it is filled in where that keeps that finding from getting worse; any side effect left
//! is named, an added item by the list it goes to.
//!
//! Costly (one evaluation per candidate), so computed only when asked
//! ([`EvalOptions::remedies`]: one document checked, `explain`), never for a batch.

use super::{Counts, EvalOptions};
use crate::expr::{Constants, Dur, ListStart, Val};
use crate::finding::{Changed, Evaluation, PatchOp, Status, ToMeet};
use crate::rules::{Obligation, Received, RuleSet};
use crate::schema::{Document, FieldDef, FieldType, InputSchema, validate};
use crate::source::SourceFile;
use crate::text::{Lang, Text, pick};
use jiff::civil::Date;
use serde_json::{Map, Value as Json};

/// At most this many evaluations per finding: the search stops there and says so.
const BUDGET: usize = 400;

/// At most this many evaluations more to keep a patch from making other findings worse.
const SETTLE_BUDGET: usize = 100;

/// At most this many evaluations more for a patch of two new items, tried only when no single
/// change was found.
const PAIR_BUDGET: usize = 400;

/// The value a patch gives a text only the reader can write (a name, a proposal): the words
/// say so instead of showing it.
const TEXT_TO_WRITE: &str = "?";

/// The largest document (bytes of its source) remedies are searched for.
const MAX_SOURCE: usize = 64 * 1024;

/// Fill in `to_meet` of every violated, pending or unknown finding of `e`, the evaluation of
/// `doc`.
pub(crate) fn compute(
    set: &RuleSet,
    doc: &Document,
    as_of: Date,
    received: &[Received],
    e: &mut Evaluation,
) {
    if !e.findings.iter().any(|f| {
        matches!(
            f.status,
            Status::Violated | Status::Pending | Status::Unknown
        )
    }) {
        return;
    }
    // Each candidate validates and evaluates the whole document again: past this size the
    // search would cost more than the check; such a document gets none.
    if doc.source.text().len() > MAX_SOURCE {
        return;
    }
    let Ok(base) = serde_json::from_str::<Json>(doc.source.text().trim_start_matches('\u{feff}'))
    else {
        return;
    };
    let mut s = Search {
        set,
        as_of,
        received,
        buffers: super::Buffers::default(),
        counts: Counts::default(),
        name: doc.source.name().to_string(),
        spent: 0,
        limit: BUDGET,
    };
    let Some(keys) = s.keys(&base) else { return };
    let core = &*set.core;
    // The side effects name an item by its label, as the document's findings give it.
    let labels: Vec<Option<String>> = e
        .findings
        .iter()
        .map(|f| f.item.as_ref().and_then(|i| i.label.clone()))
        .collect();
    for (i, f) in e.findings.iter_mut().enumerate() {
        if !matches!(
            f.status,
            Status::Violated | Status::Pending | Status::Unknown
        ) {
            continue;
        }
        let Some(&(ob, item)) = keys.get(i) else {
            continue;
        };
        let Some(o) = core.obligations.get(usize::from(ob)) else {
            continue;
        };
        let target = Target {
            ob,
            item,
            items: keys.iter().filter(|k| k.0 == ob).count(),
            status: f.status,
            pointer: f.item.as_ref().map(|it| it.pointer.clone()),
            deadline: f.deadline,
            missing: f.missing.iter().map(|m| m.pointer.clone()).collect(),
            evidence: f.evidence.iter().map(|m| m.pointer.clone()).collect(),
        };
        s.spent = 0;
        s.limit = BUDGET;
        let found = s.find(o, &target, &base);
        f.to_meet = Some(Box::new(
            s.describe(o, &target, &base, &keys, &labels, found),
        ));
    }
}

/// The finding searched for: its obligation and item, and what its evaluation recorded.
#[derive(Clone)]
struct Target {
    ob: u16,
    item: usize,
    /// How many findings its obligation has: a per-item finding is known by its position, so
    /// a change that drops an item before it (or the item itself) would be judged on another.
    items: usize,
    status: Status,
    /// The JSON pointer of its `for_each` item.
    pointer: Option<String>,
    deadline: Option<Date>,
    missing: Vec<String>,
    evidence: Vec<String>,
}

struct Search<'s> {
    set: &'s RuleSet,
    as_of: Date,
    received: &'s [Received],
    buffers: super::Buffers,
    counts: Counts,
    name: String,
    spent: usize,
    /// Where [`Search::exhausted`] stops the search: [`BUDGET`], raised for two new items.
    limit: usize,
}

/// How close a status is to met, for choosing among candidates one field at a time: an
/// unknown one may still become met when the next field is filled in.
fn rank(s: Status) -> u8 {
    match s {
        Status::Met => 4,
        Status::Unknown => 3,
        Status::Pending => 2,
        Status::Violated => 1,
        _ => 0,
    }
}

/// How a status stands for a reader of the side effects ([`Changed::is_worse`]): violated,
/// pending, unknown, then the rest (met, or nothing asked).
fn standing(s: Status) -> u8 {
    match s {
        Status::Violated => 0,
        Status::Pending => 1,
        Status::Unknown => 2,
        _ => 3,
    }
}

impl<'s> Search<'s> {
    /// Each finding of `doc` as (obligation, item within the obligation), in order.
    fn keys(&mut self, doc: &Json) -> Option<Vec<(u16, usize)>> {
        self.evaluate(doc)?;
        let mut out = Vec::with_capacity(self.counts.findings.len());
        let mut last = None;
        let mut n = 0;
        for c in &self.counts.findings {
            n = if last == Some(c.obligation) { n + 1 } else { 0 };
            last = Some(c.obligation);
            out.push((c.obligation, n));
        }
        Some(out)
    }

    fn evaluate(&mut self, doc: &Json) -> Option<()> {
        self.spent += 1;
        let set = self.set;
        let text = doc.to_string();
        let d = validate(
            set.schema(),
            set.catalog(),
            SourceFile::new(self.name.clone(), text),
        )
        .ok()?;
        set.count_received(
            &d,
            self.as_of,
            self.received,
            &mut self.counts,
            &mut self.buffers,
        );
        Some(())
    }

    /// The status of finding (`ob`, `item`) on `doc` (`None`: the document is invalid).
    fn status(&mut self, doc: &Json, t: &Target) -> Option<Status> {
        self.evaluate(doc)?;
        self.status_of(t)
    }

    /// The status of finding `t` in the last evaluation.
    fn status_of(&self, t: &Target) -> Option<Status> {
        let mut own = self.counts.findings.iter().filter(|c| c.obligation == t.ob);
        let st = own.clone().nth(t.item).map(|c| c.status);
        // A per-item finding whose item left the rule's scope (its kind changed, say), or
        // before which another entered it, is not met by that: the position now names
        // another item.
        if t.pointer.is_some() && own.by_ref().count() != t.items {
            return None;
        }
        st
    }

    fn exhausted(&self) -> bool {
        self.spent >= self.limit
    }

    /// A patch that makes the finding met, found as the module's documentation says: the
    /// fields to state first, then one change; and once more from what stating them left.
    fn find(&mut self, o: &Obligation, t: &Target, base: &Json) -> Option<Vec<PatchOp>> {
        let schema = self.set.schema();
        let pool = Pool::new(self.set, o, t, base, self.as_of);
        let mut ops = Vec::new();
        let mut doc = base.clone();
        let mut t = t.clone();
        for round in 0..2 {
            // 1. The fields whose absence left it unknown (or that a presence test read).
            let mut stated = false;
            let mut absent: Vec<String> = Vec::new();
            for p in t
                .missing
                .iter()
                .chain(t.evidence.iter().filter(|p| doc.pointer(p).is_none()))
            {
                // An object not stated: its fields, each to state.
                match field_at(schema, p).map(|d| &d.ty) {
                    Some(FieldType::Object(ty)) => {
                        for f in schema.types.get(*ty).map_or(&[][..], |o| &o.fields) {
                            absent.push(format!("{p}/{}", f.name));
                        }
                    }
                    _ => absent.push(p.clone()),
                }
            }
            for p in &absent {
                let Some(def) = field_at(schema, p) else {
                    continue;
                };
                if doc.pointer(p).is_some() {
                    continue;
                }
                let cands = match &def.ty {
                    ty if is_scalar(ty) || matches!(ty, FieldType::String { .. }) => {
                        pool.values(def, false)
                    }
                    // A list of values: none, or one of them.
                    FieldType::List { items, .. } if is_scalar(items) => {
                        let one = FieldDef {
                            ty: (**items).clone(),
                            ..def.clone()
                        };
                        std::iter::once(Json::Array(Vec::new()))
                            .chain(
                                pool.values(&one, false)
                                    .into_iter()
                                    .map(|v| Json::Array(vec![v])),
                            )
                            .collect()
                    }
                    _ => continue,
                };
                if let Some((v, _)) = self.best(&doc, &t, &cands, |d, v| set_deep(d, p, v)) {
                    set_deep(&mut doc, p, v.clone());
                    stated = true;
                    // An object that was not stated is added whole, with what is stated in it.
                    let top = highest_absent(base, p);
                    ops.retain(|o: &PatchOp| o.path != top);
                    if let Some(v) = doc.pointer(&top) {
                        ops.push(PatchOp {
                            op: "add",
                            path: top.clone(),
                            value: v.clone(),
                        });
                    }
                }
            }
            match self.status(&doc, &t) {
                // Each field stated for its own sake: one the finding is met without (read
                // only on the way to another) is no part of the remedy.
                Some(Status::Met) if !ops.is_empty() => {
                    let n = ops.len();
                    return Some(self.without_unneeded(&t, base, ops, n));
                }
                // Stated as they best can be, the rule does not apply (or is not in force):
                // making it apply is no remedy.
                Some(Status::Met | Status::NotApplicable | Status::NotInForce) | None => {
                    return None;
                }
                _ => {}
            }
            // 2. One change: a stated field of the document or of the item, a new item in a
            //    list the conditions quantify over, a field of another record still to come.
            //    The lists the facts and the evaluation reach, and two new items, only in the
            //    last round: the more costly search, tried when the fields stated leave
            //    nothing else to try.
            let last = round > 0 || !stated;
            if let Some(more) = self.change(o, &t, &doc, &pool, last) {
                // The fields stated first, each left out again where the change meets the
                // finding without it: stated to decide it, they may not be needed once met.
                let stated_ops = ops.len();
                for op in more {
                    // A change of a field just stated: stated with that value.
                    match ops.iter_mut().find(|o| o.path == op.path && o.op == "add") {
                        Some(earlier) if op.op == "replace" => earlier.value = op.value,
                        _ => ops.push(op),
                    }
                }
                return Some(self.without_unneeded(&t, base, ops, stated_ops));
            }
            if round > 0 || !stated || self.exhausted() {
                break;
            }
            t = self.refresh(&doc, &t)?;
        }
        None
    }

    /// `ops` with each of its first `upto` left out again where the finding is met without it
    /// (applied to `base`): stated to decide it, a field may not be needed once it is met.
    fn without_unneeded(
        &mut self,
        t: &Target,
        base: &Json,
        mut ops: Vec<PatchOp>,
        upto: usize,
    ) -> Vec<PatchOp> {
        for i in (0..upto).rev() {
            if self.exhausted() {
                break;
            }
            // Not one a later operation writes at or inside (a `replace` of the field
            // it adds needs it there).
            let Some(path) = ops.get(i).map(|o| o.path.clone()) else {
                continue;
            };
            if ops
                .iter()
                .skip(i + 1)
                .any(|o| o.path == path || o.path.starts_with(&format!("{path}/")))
            {
                continue;
            }
            let mut trial = ops.clone();
            trial.remove(i);
            let mut d = base.clone();
            for op in &trial {
                apply(&mut d, op);
            }
            if self.status(&d, t) == Some(Status::Met) {
                ops = trial;
            }
        }
        ops
    }

    /// The finding's missing fields and evidence on `doc`, as a full evaluation records them.
    fn refresh(&mut self, doc: &Json, t: &Target) -> Option<Target> {
        let e = self.full(doc)?;
        let rule = &self.set.core.obligations.get(usize::from(t.ob))?.info;
        let f = e
            .findings
            .iter()
            .filter(|f| std::ptr::eq(f.rule, &**rule))
            .nth(t.item)?;
        Some(Target {
            missing: f.missing.iter().map(|m| m.pointer.clone()).collect(),
            evidence: f.evidence.iter().map(|m| m.pointer.clone()).collect(),
            deadline: f.deadline.or(t.deadline),
            ..t.clone()
        })
    }

    /// `doc` validated and evaluated with what locates its findings: items, labels, missing
    /// fields and evidence.
    fn full(&mut self, doc: &Json) -> Option<Evaluation<'s>> {
        self.spent += 1;
        let set = self.set;
        let d = validate(
            set.schema(),
            set.catalog(),
            SourceFile::new(self.name.clone(), doc.to_string()),
        )
        .ok()?;
        let opts = EvalOptions {
            messages: false,
            evidence: true,
            locate: true,
            remedies: false,
        };
        Some(super::evaluate_received(
            set,
            &d,
            self.as_of,
            &opts,
            self.received,
        ))
    }

    /// Each finding of `e` as (obligation, item within the obligation), as [`Search::keys`].
    fn keyed(&self, e: &Evaluation) -> Vec<(u16, usize)> {
        let obs = &self.set.core.obligations;
        let mut out: Vec<(u16, usize)> = Vec::with_capacity(e.findings.len());
        for f in &e.findings {
            let ob = obs
                .iter()
                .position(|o| std::ptr::eq(&*o.info, f.rule))
                .and_then(|i| u16::try_from(i).ok())
                .unwrap_or(u16::MAX);
            let n = out.iter().filter(|k| k.0 == ob).count();
            out.push((ob, n));
        }
        out
    }

    /// `patch` with the fields of the items it adds that other findings read filled in where
    /// that keeps those findings from getting worse (a new body whose members no one is said to
    /// appoint is undecided for a rule about who appoints them) and the finding still met.
    /// The values are the other rule's own, tried as [`Pool`] orders them.
    fn settle(
        &mut self,
        t: &Target,
        base: &Json,
        keys: &[(u16, usize)],
        before: &[Status],
        mut patch: Vec<PatchOp>,
    ) -> Vec<PatchOp> {
        let added = added_at(base, &patch);
        if added.is_empty() {
            return patch;
        }
        let schema = self.set.schema();
        let limit = self.spent + SETTLE_BUDGET;
        let mut doc = base.clone();
        for op in &patch {
            apply(&mut doc, op);
        }
        let Some(e) = self.full(&doc) else {
            return patch;
        };
        let after = self.keyed(&e);
        for (f, k) in e.findings.iter().zip(&after) {
            if *k == (t.ob, t.item) {
                continue;
            }
            let was = keys
                .iter()
                .position(|x| x == k)
                .and_then(|i| before.get(i).copied())
                .unwrap_or(Status::NotApplicable);
            if standing(f.status) >= standing(was) {
                continue;
            }
            let Some(o) = self.set.core.obligations.get(usize::from(k.0)) else {
                continue;
            };
            let under = |p: &str| added.iter().find(|(a, _)| p.starts_with(&format!("{a}/")));
            let mut fields: Vec<String> = Vec::new();
            for p in f.missing.iter().chain(&f.evidence).map(|m| &m.pointer) {
                if under(p).is_some() && !fields.contains(p) {
                    fields.push(p.clone());
                }
            }
            let other = Target {
                ob: k.0,
                item: k.1,
                items: after.iter().filter(|x| x.0 == k.0).count(),
                status: f.status,
                pointer: f.item.as_ref().map(|i| i.pointer.clone()),
                deadline: f.deadline,
                missing: Vec::new(),
                evidence: Vec::new(),
            };
            let pool = Pool::new(self.set, o, &other, &doc, self.as_of);
            let mut now = standing(f.status);
            for p in fields {
                if now >= standing(was) || self.spent >= limit {
                    break;
                }
                let Some(def) = field_at(schema, &p).filter(|d| is_scalar(&d.ty)) else {
                    continue;
                };
                let mut chosen = None;
                for v in pool.values(def, true) {
                    if self.spent >= limit {
                        break;
                    }
                    if doc.pointer(&p) == Some(&v) {
                        continue;
                    }
                    let mut d = doc.clone();
                    set_deep(&mut d, &p, v.clone());
                    if self.status(&d, t) != Some(Status::Met) {
                        continue;
                    }
                    let Some(st) = self.status_of(&other) else {
                        continue;
                    };
                    if standing(st) > now {
                        now = standing(st);
                        chosen = Some(v);
                        if now >= standing(was) {
                            break;
                        }
                    }
                }
                let Some(v) = chosen else { continue };
                if let Some((a, i)) = under(&p)
                    && let Some(op) = patch.get_mut(*i)
                {
                    set_deep(&mut op.value, &p[a.len()..], v.clone());
                }
                set_deep(&mut doc, &p, v);
            }
        }
        patch
    }

    /// One change to `doc` that makes the finding met.
    fn change(
        &mut self,
        o: &Obligation,
        t: &Target,
        doc: &Json,
        pool: &Pool,
        wide: bool,
    ) -> Option<Vec<PatchOp>> {
        let own = |p: &str| {
            !p.split('/').any(|seg| seg.parse::<usize>().is_ok())
                || t.pointer
                    .as_deref()
                    .is_some_and(|i| p.starts_with(&format!("{i}/")))
        };
        let stated: Vec<String> = t
            .evidence
            .iter()
            .filter(|p| doc.pointer(p).is_some())
            .cloned()
            .collect();
        let (mine, others): (Vec<String>, Vec<String>) = stated.into_iter().partition(|p| own(p));
        if let Some(op) = self.edit(t, doc, pool, &mine) {
            return Some(vec![op]);
        }
        // A new item in a list the conditions quantify over; then two, in two lists.
        let lists = self.lists(o, t, wide);
        let mut waiting = Vec::new();
        for (list_ptr, ty, read) in &lists {
            if self.exhausted() {
                return None;
            }
            match self.new_item(t, doc, pool, list_ptr, *ty, read) {
                Some((op, Status::Met)) => return Some(self.prune(t, doc, vec![op])),
                // Undecided with the item there: decided, perhaps, by an item of another list
                // (a record of what was done, and the date it was due by).
                Some((op, Status::Unknown)) => waiting.push((list_ptr, op)),
                _ => {}
            }
        }
        if wide && let Some(ops) = self.two_items(t, doc, pool, &lists, &waiting) {
            return Some(self.prune(t, doc, ops));
        }
        // A field of another record, unless the record tells of something that has happened.
        let others: Vec<String> = others
            .into_iter()
            .filter(|p| !past_record(doc, p, self.as_of))
            .collect();
        if let Some(op) = self.edit(t, doc, pool, &others) {
            return Some(vec![op]);
        }
        self.state_read(o, t, doc, pool)
    }

    /// The document lists a new item may go to, each with its items' type and the fields the
    /// conditions read of them: those the requirement quantifies over, then the condition of
    /// applying; `wide`, also those of the deadline and of the facts the obligation uses, and
    /// those the evaluation read inside items. Each once.
    fn lists(&self, o: &Obligation, t: &Target, wide: bool) -> Vec<(String, usize, Vec<u32>)> {
        let schema = self.set.schema();
        // `require` sees the deadline bound inside the item; `applies` does not.
        let has_deadline = u32::from(o.deadline.is_some());
        let mut qs: Vec<(crate::expr::Quantified, u32)> = std::iter::once(&o.require)
            .chain(o.applies.iter())
            .enumerate()
            .flat_map(|(n, c)| {
                let k = if n == 0 { has_deadline } else { 0 };
                c.quantified().into_iter().map(move |q| (q, k))
            })
            .collect();
        if wide {
            qs.extend(
                o.deadline
                    .iter()
                    .flat_map(|c| c.quantified())
                    .map(|q| (q, 0)),
            );
        }
        let facts = &self.set.core.facts;
        let mut seen: Vec<&str> = Vec::new();
        let mut todo: Vec<&str> = if wide {
            o.facts.iter().map(String::as_str).collect()
        } else {
            Vec::new()
        };
        while let Some(id) = todo.pop() {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if let Some(f) = facts.iter().find(|f| f.info.id == id) {
                qs.extend(f.expr.quantified().into_iter().map(|q| (q, 0)));
                todo.extend(f.uses.iter().map(String::as_str));
            }
        }
        let mut out: Vec<(String, usize, Vec<u32>)> = Vec::new();
        for (q, bound) in qs {
            let base_ptr = match q.start {
                ListStart::Root => String::new(),
                // The bindings outside `require`: the item, then the deadline (innermost).
                ListStart::Bound(k) if k == bound => match &t.pointer {
                    Some(p) => p.clone(),
                    None => continue,
                },
                ListStart::Bound(_) => continue,
            };
            let Some((ptr, ty)) = list_at(schema, &base_ptr, &q.steps) else {
                continue;
            };
            match out.iter_mut().find(|(p, _, _)| *p == ptr) {
                // Read by several conditions: every field any of them reads.
                Some((_, _, read)) => {
                    for f in q.item_fields {
                        if !read.contains(&f) {
                            read.push(f);
                        }
                    }
                }
                None => out.push((ptr, ty, q.item_fields)),
            }
        }
        // The lists the evaluation read that no quantifier above reaches, every field of
        // theirs: those inside an item of another list (who was notified of a deviation)
        // first, as cheap as they are direct (the evaluation read just there); the others last.
        let mut inside = Vec::new();
        for p in t.evidence.iter().chain(&t.missing).filter(|_| wide) {
            if out.iter().chain(&inside).any(|(q, _, _)| q == p) {
                continue;
            }
            if let Some(FieldType::List { items, .. }) = field_at(schema, p).map(|f| &f.ty)
                && let FieldType::Object(ty) = **items
            {
                let entry = (p.clone(), ty, scalar_fields(schema, ty));
                if p.split('/').any(|seg| seg.parse::<usize>().is_ok()) {
                    inside.push(entry);
                } else {
                    out.push(entry);
                }
            }
        }
        out.splice(0..0, inside);
        out
    }

    /// Two new items, in two lists: one that left the finding undecided (`waiting`), an item of
    /// another list chosen with it there, then the first chosen again with the second there (its
    /// fields were chosen while nothing could decide them).
    fn two_items(
        &mut self,
        t: &Target,
        doc: &Json,
        pool: &Pool,
        lists: &[(String, usize, Vec<u32>)],
        waiting: &[(&String, PatchOp)],
    ) -> Option<Vec<PatchOp>> {
        if waiting.is_empty() {
            return None;
        }
        self.limit = self.spent.max(self.limit) + PAIR_BUDGET;
        for (first, op) in waiting {
            let mut with_first = doc.clone();
            apply(&mut with_first, op);
            for (list_ptr, ty, read) in lists {
                // Another list, not one inside the first item.
                if list_ptr == *first || list_ptr.starts_with(&format!("{first}/")) {
                    continue;
                }
                if self.exhausted() {
                    return None;
                }
                let Some((second, st)) = self.new_item(t, &with_first, pool, list_ptr, *ty, read)
                else {
                    continue;
                };
                if st == Status::Met {
                    return Some(vec![op.clone(), second]);
                }
                let mut with_second = doc.clone();
                apply(&mut with_second, &second);
                let Some((ty0, read0)) = lists
                    .iter()
                    .find(|(p, _, _)| p == *first)
                    .map(|(_, ty, read)| (*ty, read))
                else {
                    continue;
                };
                if let Some((again, Status::Met)) =
                    self.new_item(t, &with_second, pool, first, ty0, read0)
                {
                    return Some(vec![second, again]);
                }
            }
        }
        None
    }

    /// `ops` (items added to lists) with each field of an item that is not required left out
    /// again where the finding stays met without it: a field chosen while it could not yet
    /// make a difference (a milestone's actual date beside its planned one) is no advice.
    fn prune(&mut self, t: &Target, doc: &Json, mut ops: Vec<PatchOp>) -> Vec<PatchOp> {
        let schema = self.set.schema();
        for i in 0..ops.len() {
            let Some(op) = ops.get(i) else { break };
            let list = op.path.strip_suffix("/-").unwrap_or(&op.path);
            let Some(FieldType::List { items, .. }) = field_at(schema, list).map(|f| &f.ty) else {
                continue;
            };
            let FieldType::Object(ty) = **items else {
                continue;
            };
            let Some(obj) = schema.types.get(ty) else {
                continue;
            };
            let stated: Vec<String> = item_of(&mut ops[i].value)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            // The last declared first: the input format names what a record is before the
            // details of it (a milestone's kind and planned date, then the actual one).
            for name in obj
                .fields
                .iter()
                .rev()
                .filter(|f| !f.required)
                .map(|f| &f.name)
            {
                if !stated.contains(name) {
                    continue;
                }
                if self.exhausted() {
                    return ops;
                }
                let mut trial = ops.clone();
                if let Some(m) = trial.get_mut(i).and_then(|o| item_of(&mut o.value)) {
                    m.remove(name);
                }
                let mut d = doc.clone();
                for o in &trial {
                    apply(&mut d, o);
                }
                if self.status(&d, t) == Some(Status::Met) {
                    ops = trial;
                }
            }
        }
        ops
    }

    /// The fields the requirement reads that `doc` does not state (a `present` test, a value
    /// the rule compares), stated together and then each left out again where the finding is
    /// met without it.
    fn state_read(
        &mut self,
        o: &Obligation,
        t: &Target,
        doc: &Json,
        pool: &Pool,
    ) -> Option<Vec<PatchOp>> {
        let schema = self.set.schema();
        let has_deadline = u32::from(o.deadline.is_some());
        let mut absent: Vec<String> = Vec::new();
        for (start, steps) in o.require.reads() {
            let base_ptr = match start {
                ListStart::Root => String::new(),
                ListStart::Bound(k) if k == has_deadline => match &t.pointer {
                    Some(p) => p.clone(),
                    None => continue,
                },
                ListStart::Bound(_) => continue,
            };
            let Some(p) = path_at(schema, &base_ptr, &steps) else {
                continue;
            };
            if doc.pointer(&p).is_none_or(Json::is_null) && !absent.contains(&p) {
                absent.push(p);
            }
        }
        if absent.is_empty() {
            return None;
        }
        let mut d = doc.clone();
        let mut stated = Vec::new();
        for p in &absent {
            let Some(def) = field_at(schema, p) else {
                continue;
            };
            if !is_scalar(&def.ty) {
                continue;
            }
            let top = highest_absent(&d, p);
            let cands = pool.values(def, true);
            let fill = |d: &mut Json, v: Json| {
                fill_object(schema, pool, d, &top);
                set_deep(d, p, v);
            };
            if let Some((v, _)) = self.best(&d, t, &cands, fill) {
                fill_object(schema, pool, &mut d, &top);
                set_deep(&mut d, p, v);
                stated.push(p.clone());
            }
        }
        if self.status(&d, t) != Some(Status::Met) {
            return None;
        }
        // Each left out again where it is not needed.
        for p in stated.clone() {
            if self.exhausted() {
                break;
            }
            let mut without = d.clone();
            if let Some((parent, last)) = p.rsplit_once('/')
                && let Some(Json::Object(m)) = without.pointer_mut(parent)
                && field_at(schema, &p).is_some_and(|f| !f.required)
            {
                m.remove(last);
                if self.status(&without, t) == Some(Status::Met) {
                    d = without;
                }
            }
        }
        let mut ops: Vec<PatchOp> = Vec::new();
        for p in &stated {
            let top = highest_absent(doc, p);
            if ops.iter().any(|o| o.path == top) {
                continue;
            }
            if let Some(v) = d.pointer(&top).filter(|v| !v.is_null()) {
                // `add` replaces a member stated as `null` (RFC 6902, 4.1).
                ops.push(PatchOp {
                    op: "add",
                    path: top.clone(),
                    value: v.clone(),
                });
            }
        }
        (!ops.is_empty()).then_some(ops)
    }

    /// The first stated field among `fields` whose change makes the finding met.
    fn edit(&mut self, t: &Target, doc: &Json, pool: &Pool, fields: &[String]) -> Option<PatchOp> {
        let schema = self.set.schema();
        for p in fields {
            let Some(def) = field_at(schema, p) else {
                continue;
            };
            let text = matches!(def.ty, FieldType::String { .. });
            if !(is_scalar(&def.ty) || text) || !editable(doc, p, def, self.as_of) {
                continue;
            }
            for v in pool.values(def, true) {
                if self.exhausted() {
                    return None;
                }
                if Some(&v) == doc.pointer(p) {
                    continue;
                }
                let mut d = doc.clone();
                set_at(&mut d, p, v.clone());
                if self.status(&d, t) == Some(Status::Met) {
                    return Some(PatchOp {
                        op: "replace",
                        path: p.clone(),
                        value: v,
                    });
                }
            }
        }
        None
    }

    /// The first candidate for one field that brings the finding closest to met.
    fn best(
        &mut self,
        doc: &Json,
        t: &Target,
        cands: &[Json],
        set: impl Fn(&mut Json, Json),
    ) -> Option<(Json, Status)> {
        let mut best: Option<(Json, Status)> = None;
        for v in cands {
            if self.exhausted() {
                break;
            }
            let mut d = doc.clone();
            set(&mut d, v.clone());
            let Some(st) = self.status(&d, t) else {
                continue;
            };
            if best.as_ref().is_none_or(|(_, b)| rank(st) > rank(*b)) {
                best = Some((v.clone(), st));
                if st == Status::Met {
                    break;
                }
            }
        }
        best
    }

    /// An item of type `ty` added to the list at `list_ptr`, its fields chosen one at a time,
    /// and the finding's status with it.
    fn new_item(
        &mut self,
        t: &Target,
        base: &Json,
        pool: &Pool,
        list_ptr: &str,
        ty: usize,
        read: &[u32],
    ) -> Option<(PatchOp, Status)> {
        let schema = self.set.schema();
        let obj = schema.types.get(ty)?;
        let mut item = Map::new();
        for f in obj.fields.iter().filter(|f| f.required) {
            item.insert(f.name.clone(), placeholder(pool, f)?);
        }
        // Kinds and parties first, then amounts, then dates: a date is best chosen once what
        // the record is has been.
        let mut order: Vec<&FieldDef> = read
            .iter()
            .filter_map(|s| obj.fields.get(*s as usize))
            .filter(|f| is_scalar(&f.ty))
            .collect();
        order.sort_by_key(|f| match f.ty {
            FieldType::Date => 2,
            FieldType::Number { .. } => 1,
            _ => 0,
        });
        let exists = base.pointer(list_ptr).is_some_and(Json::is_array);
        let with = |doc: &Json, item: &Map<String, Json>| {
            let mut d = doc.clone();
            if exists {
                if let Some(Json::Array(xs)) = d.pointer_mut(list_ptr) {
                    xs.push(Json::Object(item.clone()));
                }
            } else {
                set_at(
                    &mut d,
                    list_ptr,
                    Json::Array(vec![Json::Object(item.clone())]),
                );
            }
            d
        };
        // Lists of records the conditions read of the item (who was notified of a deviation):
        // one record each, chosen as an item of its own once the item's own fields are.
        let nested: Vec<(&FieldDef, usize)> = read
            .iter()
            .filter_map(|s| obj.fields.get(*s as usize))
            .filter_map(|f| match &f.ty {
                FieldType::List { items, .. } => match **items {
                    FieldType::Object(ty) => Some((f, ty)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let at = if exists {
            let n = base
                .pointer(list_ptr)
                .and_then(Json::as_array)
                .map_or(0, Vec::len);
            format!("{list_ptr}/{n}")
        } else {
            format!("{list_ptr}/0")
        };
        for pass in 0..2 {
            // Once more with the records there: the fields were chosen while nothing could
            // meet it.
            if pass > 0
                && (nested.is_empty() || self.status(&with(base, &item), t) == Some(Status::Met))
            {
                break;
            }
            self.fields(t, base, pool, &order, &mut item, &with);
            if pass > 0 {
                break;
            }
            for (f, ty) in &nested {
                let fields = scalar_fields(schema, *ty);
                let inner = format!("{at}/{}", f.name.replace('~', "~0").replace('/', "~1"));
                let d = with(base, &item);
                if let Some((mut op, _)) = self.new_item(t, &d, pool, &inner, *ty, &fields)
                    && let Some(rec) = item_of(&mut op.value)
                {
                    item.insert(f.name.clone(), Json::Array(vec![Json::Object(rec.clone())]));
                }
            }
        }
        let st = self.status(&with(base, &item), t)?;
        let op = if exists {
            PatchOp {
                op: "add",
                path: format!("{list_ptr}/-"),
                value: Json::Object(item),
            }
        } else {
            PatchOp {
                op: "add",
                path: list_ptr.to_string(),
                value: Json::Array(vec![Json::Object(item)]),
            }
        };
        Some((op, st))
    }

    /// The fields `order` of a new item chosen one at a time ([`Search::new_item`]).
    fn fields(
        &mut self,
        t: &Target,
        base: &Json,
        pool: &Pool,
        order: &[&FieldDef],
        item: &mut Map<String, Json>,
        with: &impl Fn(&Json, &Map<String, Json>) -> Json,
    ) {
        for f in order {
            let cands = pool.values(f, true);
            let name = f.name.clone();
            let found = self.best(base, t, &cands, |d, v| {
                let mut it = item.clone();
                it.insert(name.clone(), v);
                *d = with(d, &it);
            });
            let Some((mut v, st)) = found else { continue };
            // A date that makes no difference yet (the record it dates waits on another):
            // the as-of date, a record of something done now, not the latest candidate.
            let today = Json::String(self.as_of.to_string());
            if matches!(f.ty, FieldType::Date)
                && st != Status::Met
                && cands.first() == Some(&v)
                && v != today
                && cands.contains(&today)
                && !self.exhausted()
            {
                let mut it = item.clone();
                it.insert(f.name.clone(), today.clone());
                if self
                    .status(&with(base, &it), t)
                    .is_some_and(|s| rank(s) >= rank(st))
                {
                    v = today;
                }
            }
            // The smallest number is the boundary of a lower bound. When nothing bounds it
            // from below but the rule bounds it from above (no more state members than
            // municipal ones, say), the boundary is the largest that still does as well.
            if matches!(f.ty, FieldType::Number { .. }) && cands.first() == Some(&v) {
                for w in cands.iter().rev().take_while(|w| **w != v) {
                    if self.exhausted() {
                        break;
                    }
                    let mut it = item.clone();
                    it.insert(f.name.clone(), w.clone());
                    match self.status(&with(base, &it), t) {
                        Some(s) if rank(s) >= rank(st) => {
                            // The largest candidate does as well: no upper bound.
                            if cands.last() != Some(w) {
                                v = w.clone();
                            }
                            break;
                        }
                        _ => {}
                    }
                }
            }
            item.insert(f.name.clone(), v);
        }
    }

    /// The finding's remedy: the patch found with its side effects and words, or why none.
    fn describe(
        &mut self,
        o: &Obligation,
        t: &Target,
        base: &Json,
        keys: &[(u16, usize)],
        labels: &[Option<String>],
        found: Option<Vec<PatchOp>>,
    ) -> ToMeet {
        let mut derivation = vec![decided_by(o, t)];
        let tried = self.spent;
        let Some(patch) = found else {
            let waivable = self.set.waivable(&o.info.id);
            // Only a search that ended without trying every candidate, or a finding still
            // undecided, leaves open that some change could meet it.
            let open = t.status == Status::Unknown;
            let (nb, nn, en) = if !t.missing.is_empty() {
                (
                    "Ingen endring funnet som gir «oppfylt»; oppgi feltene som mangler, så avgjøres det.",
                    "Inga endring funnen som gjev «oppfylt»; oppgi felta som manglar, så vert det avgjort.",
                    "No change found that meets it; state the missing fields to decide it.",
                )
            } else if open {
                (
                    "Ingen endring funnet som gir «oppfylt»; oppgi det meldingen ber om, så avgjøres det.",
                    "Inga endring funnen som gjev «oppfylt»; oppgi det meldinga ber om, så vert det avgjort.",
                    "No change found that meets it; give what the message asks for to decide it.",
                )
            } else if self.exhausted() {
                // It tries one change, or two new records: more at once is past its reach, and
                // is what a finding that exhausts it most often needs (two records in one list,
                // say).
                (
                    "Søket fant ingen endring som gir «oppfylt» innen grensen for antall forsøk; det kan kreve flere endringer samtidig, se rådet om hvordan det rettes.",
                    "Søket fann inga endring som gjev «oppfylt» innanfor grensa for talet på forsøk; det kan krevje fleire endringar samstundes, sjå rådet om korleis det kan rettast.",
                    "The search found no change that meets it within its limit of attempts; it may take several changes at once: see the advice on how to fix it.",
                )
            } else if waivable {
                (
                    "Ingen endring i opplysningene kan oppfylle dette nå. Regelsettet åpner for et unntak (se unntak i dokumentasjonen).",
                    "Inga endring i opplysningane kan oppfylle dette no. Regelsettet opnar for eit unntak (sjå unntak i dokumentasjonen).",
                    "No change to the input can meet this now. The rule set allows a waiver for it (see waivers in the documentation).",
                )
            } else {
                (
                    "Ingen endring i opplysningene kan oppfylle dette nå, og regelsettet tillater ikke unntak for denne regelen.",
                    "Inga endring i opplysningane kan oppfylle dette no, og regelsettet tillèt ikkje unntak for denne regelen.",
                    "No change to the input can meet this now, and the rule set allows no waiver for this rule.",
                )
            };
            derivation.push(Text::all(
                format!("{tried} kandidater prøvd; ingen ga «oppfylt»."),
                format!("{tried} kandidatar prøvde; ingen gav «oppfylt»."),
                format!("{tried} candidates tried; none gave met."),
            ));
            return ToMeet {
                patch: Vec::new(),
                changes: Vec::new(),
                text: Text::all(nb, nn, en),
                derivation,
            };
        };
        let before: Vec<Status> = {
            let _ = self.evaluate(base);
            self.counts.findings.iter().map(|c| c.status).collect()
        };
        let mark = self.spent;
        let patch = self.settle(t, base, keys, &before, patch);
        // The evaluations that found the patch and those that settled it, not the one above.
        let tried = tried + (self.spent - mark);
        let mut doc = base.clone();
        for op in &patch {
            apply(&mut doc, op);
        }
        let added = added_at(base, &patch);
        let mut changes = Vec::new();
        if let Some(e) = self.full(&doc) {
            let after_keys = self.keyed(&e);
            for (k, f) in after_keys.iter().zip(&e.findings) {
                if (k.0, k.1) == (t.ob, t.item) {
                    continue;
                }
                let at = keys.iter().position(|x| x == k);
                let was = at.and_then(|i| before.get(i).copied());
                if was == Some(f.status) {
                    continue;
                }
                let per_item = self
                    .set
                    .core
                    .obligations
                    .get(usize::from(k.0))
                    .is_some_and(|o| o.for_each.is_some());
                let item = f.item.as_ref().filter(|_| per_item);
                // An item the change adds: named by the list it goes to, not by a position
                // the reader cannot see in the document.
                let added_to = item.and_then(|i| {
                    added
                        .iter()
                        .any(|(a, _)| i.pointer == *a || i.pointer.starts_with(&format!("{a}/")))
                        .then(|| {
                            i.pointer
                                .rsplit_once('/')
                                .map_or(String::new(), |(list, _)| list.to_string())
                        })
                });
                let label = if added_to.is_some() {
                    item.and_then(|i| i.label.clone())
                } else {
                    at.filter(|_| per_item)
                        .and_then(|i| labels.get(i).cloned().flatten())
                };
                changes.push(Changed {
                    rule: f.rule.id.clone(),
                    item: per_item.then_some(k.1),
                    label,
                    added_to,
                    missing: if f.status == Status::Unknown {
                        f.missing.iter().map(|m| m.pointer.clone()).collect()
                    } else {
                        Vec::new()
                    },
                    from: was.unwrap_or(Status::NotApplicable),
                    to: f.status,
                });
            }
        }
        derivation.push(Text::all(
            format!("{tried} kandidater prøvd; valgt: {}.", ops_text(&patch)),
            format!("{tried} kandidatar prøvde; valt: {}.", ops_text(&patch)),
            format!("{tried} candidates tried; chosen: {}.", ops_text(&patch)),
        ));
        let text = words(self.set.schema(), &patch);
        ToMeet {
            patch,
            changes,
            text,
            derivation,
        }
    }
}

/// The condition that decided the finding, as the derivation's first line.
fn decided_by(o: &Obligation, t: &Target) -> Text {
    let (nb, nn, en, expr) = if !t.missing.is_empty() {
        let list = t.missing.join(", ");
        (
            format!("uavgjort fordi {list} mangler"),
            format!("uavgjort fordi {list} manglar"),
            format!("undecided because {list} is not stated"),
            o.require.text(),
        )
    } else {
        (
            "ikke oppfylt".to_string(),
            "ikkje oppfylt".to_string(),
            "not met".to_string(),
            o.require.text(),
        )
    };
    Text::all(
        format!("Kravet `{expr}`: {nb}."),
        format!("Kravet `{expr}`: {nn}."),
        format!("The requirement `{expr}`: {en}."),
    )
}

fn ops_text(ops: &[PatchOp]) -> String {
    ops.iter()
        .map(|o| format!("{} {} {}", o.op, o.path, o.value))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The patch in words, in the three languages, for a reader who knows the input format's
/// form, not its JSON: each change names its field by the title the input format gives it
/// (with the pointer once, for whoever looks it up in the document), and each value as that
/// reader writes it: enum values in the format's words, `yes`/`no`, numbers grouped.
fn words(schema: &InputSchema, patch: &[PatchOp]) -> Text {
    // The renderers put their own label («for å oppfylle:», "to meet:") in front.
    let sentence = |lang| {
        let s = patch
            .iter()
            .map(|op| change_words(schema, op, lang))
            .collect::<Vec<_>>()
            .join("; ");
        let mut c = s.chars();
        match c.next() {
            Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
            None => s,
        }
    };
    // The side effects stay data (`ToMeet::changes`): the renderers word them with the
    // report's own status words (`report::to_meet_words`).
    Text::all(sentence(Lang::Nb), sentence(Lang::Nn), sentence(Lang::En))
}

/// One change of a patch in words of `lang`.
fn change_words(schema: &InputSchema, op: &PatchOp, lang: Lang) -> String {
    // `/list/-` appends to the list: the list is what the reader looks for.
    let (at, append) = match op.path.strip_suffix("/-") {
        Some(list) => (list, true),
        None => (op.path.as_str(), false),
    };
    let def = schema.field_at(at);
    let name = field_name(def, at, lang);
    let ty = def.map(|d| &d.ty);
    let items = match ty {
        Some(FieldType::List { items, .. }) => Some(&**items),
        _ => None,
    };
    match (op.op, &op.value) {
        ("add", Json::Array(xs)) if xs.is_empty() && !append => match lang {
            Lang::Nb => format!("oppgi {name} som tom liste"),
            Lang::Nn => format!("oppgje {name} som tom liste"),
            Lang::En => format!("state {name} as an empty list"),
        },
        ("add", v) if append || matches!(v, Json::Array(_)) => {
            let v = if append {
                value_words(schema, def, items, v, lang, 0)
            } else {
                value_words(schema, def, ty, v, lang, 0)
            };
            match lang {
                Lang::Nb | Lang::Nn => format!("legg til i {name}: {v}"),
                Lang::En => format!("add to {name}: {v}"),
            }
        }
        ("add", v) => {
            let v = value_words(schema, def, ty, v, lang, 0);
            match lang {
                Lang::Nb => format!("oppgi {name}: {v}"),
                Lang::Nn => format!("oppgje {name}: {v}"),
                Lang::En => format!("state {name}: {v}"),
            }
        }
        (_, v) => {
            let v = value_words(schema, def, ty, v, lang, 0);
            match lang {
                Lang::Nb | Lang::Nn => format!("endre {name} til {v}"),
                Lang::En => format!("change {name} to {v}"),
            }
        }
    }
}

/// A field named for a reader: its title quoted, then the pointer; the pointer alone for a
/// field the input format gives no words for.
fn field_name(def: Option<&FieldDef>, pointer: &str, lang: Lang) -> String {
    match def.and_then(|d| d.title(lang)) {
        Some(title) => format!("{} ({pointer})", quoted(&title, lang)),
        None => pointer.to_string(),
    }
}

/// Words or text quoted as a writer of `lang` quotes them.
fn quoted(s: &str, lang: Lang) -> String {
    match lang {
        Lang::Nb | Lang::Nn => format!("«{s}»"),
        Lang::En => format!("\u{201c}{s}\u{201d}"),
    }
}

/// A JSON value of field `def` (of type `ty`: the items' type for an item of a list) in words
/// of `lang`. A record lists its fields in the input format's order, each by its title; a
/// record inside another is in brackets, so that a reader sees where it ends.
fn value_words(
    schema: &InputSchema,
    def: Option<&FieldDef>,
    ty: Option<&FieldType>,
    v: &Json,
    lang: Lang,
    depth: usize,
) -> String {
    match v {
        Json::Object(m) => {
            let fields = match ty {
                Some(FieldType::Object(id)) => schema.types.get(*id).map_or(&[][..], |o| &o.fields),
                _ => &[],
            };
            let known = fields
                .iter()
                .filter_map(|f| m.get(&f.name).map(|x| (Some(f), f.name.as_str(), x)));
            let unknown = m
                .iter()
                .filter(|(k, _)| !fields.iter().any(|f| f.name == **k))
                .map(|(k, x)| (None, k.as_str(), x));
            let pairs = known
                .chain(unknown)
                .map(|(f, key, x)| {
                    let title = f.and_then(|f| f.title(lang));
                    let title = title.as_deref().unwrap_or(key);
                    // A question is answered without a colon: «Er det gjort? ja».
                    let sep = if title.ends_with('?') { " " } else { ": " };
                    let x = value_words(schema, f, f.map(|f| &f.ty), x, lang, depth + 1);
                    format!("{title}{sep}{x}")
                })
                .collect::<Vec<_>>()
                .join(", ");
            if depth > 0 {
                format!("({pairs})")
            } else {
                pairs
            }
        }
        Json::Array(xs) => {
            let items = match ty {
                Some(FieldType::List { items, .. }) => Some(&**items),
                _ => None,
            };
            // Several records side by side each get brackets.
            let depth = if xs.len() > 1 { depth + 1 } else { depth };
            xs.iter()
                .map(|x| value_words(schema, def, items, x, lang, depth))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Json::String(s) => match ty {
            Some(FieldType::Enum(_)) => {
                let label = def
                    .and_then(|d| d.label(s))
                    .map(|t| t.get(lang).trim())
                    .filter(|w| !w.is_empty());
                match (def.and_then(|d| d.value_words(s, lang)), label) {
                    (Some(w), _) => format!("{w} (`{s}`)"),
                    // Words that only repeat the code (`Dark blue`): the words alone, which
                    // read more easily and still say which code.
                    (None, Some(w)) => w.to_string(),
                    (None, None) => format!("`{s}`"),
                }
            }
            Some(FieldType::String { .. }) if s == TEXT_TO_WRITE => {
                pick(lang, "egen tekst", "eigen tekst", "a text of your own").to_string()
            }
            Some(FieldType::String { .. }) => quoted(s, lang),
            Some(FieldType::Date) => s.clone(),
            // Ids, catalog keys, document keys, and what the format does not declare: codes.
            _ => format!("`{s}`"),
        },
        Json::Bool(b) => match (lang, b) {
            (Lang::Nb | Lang::Nn, true) => "ja",
            (Lang::Nb | Lang::Nn, false) => "nei",
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        }
        .to_string(),
        Json::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |f| crate::rules::number(f, lang)),
        Json::Null => pick(lang, "ingen", "ingen", "none").to_string(),
    }
}

/// Candidate values, from the rule set and the document.
struct Pool {
    strings: Vec<String>,
    /// The strings of the rule's own conditions: the only ones a free text is given (a text
    /// the rule set compares some other field with says nothing of this one).
    own_strings: Vec<String>,
    numbers: Vec<f64>,
    dates: Vec<Date>,
    as_of: Date,
    deadline: Option<Date>,
    catalog_keys: Vec<(String, Vec<String>)>,
}

impl Pool {
    fn new(set: &RuleSet, o: &Obligation, t: &Target, base: &Json, as_of: Date) -> Pool {
        // The rule's own constants first, then the rest of the rule set's.
        let mut own = Constants::default();
        for c in std::iter::once(&o.require)
            .chain(o.applies.iter())
            .chain(o.deadline.iter())
        {
            c.constants(&mut own);
        }
        let mut own_strings: Vec<String> = Vec::new();
        for v in &own.values {
            if let Val::Str(s) = v
                && !own_strings.iter().any(|x| x == s.as_ref())
            {
                own_strings.push(s.to_string());
            }
        }
        let mut all = Constants::default();
        set.constants(&mut all);
        let mut strings = Vec::new();
        let mut numbers = vec![0.0, 1.0];
        let mut dates = vec![as_of];
        let mut durations = Vec::new();
        for v in own
            .values
            .iter()
            .chain(all.values.iter())
            .chain(set.param_values.iter())
        {
            match v {
                Val::Str(s) if !strings.iter().any(|x: &String| x == s.as_ref()) => {
                    strings.push(s.to_string())
                }
                Val::Number(n) => numbers.push(*n),
                Val::Date(d) => dates.push(*d),
                Val::Duration(d) if !durations.contains(d) => durations.push(*d),
                _ => {}
            }
        }
        dates.extend(t.deadline);
        let mut doc_dates = Vec::new();
        scan(base, &mut doc_dates, &mut numbers);
        dates.extend(doc_dates);
        let mut near = Vec::new();
        for d in &dates {
            for dur in &durations {
                for sign in [1, -1] {
                    let by = Dur {
                        months: dur.months * sign,
                        days: dur.days * sign,
                    };
                    near.extend(by.add_to(*d));
                }
            }
        }
        dates.extend(near);
        let mut moved = Vec::new();
        for d in &dates {
            for off in [-1, 1] {
                moved.extend(
                    Dur {
                        months: 0,
                        days: off,
                    }
                    .add_to(*d),
                );
            }
        }
        dates.extend(moved);
        // Within a few years of the as-of date: further off is no advice.
        let (lo, hi) = (
            Dur {
                months: -60,
                days: 0,
            }
            .add_to(as_of),
            Dur {
                months: 60,
                days: 0,
            }
            .add_to(as_of),
        );
        dates.retain(|d| lo.is_none_or(|l| *d >= l) && hi.is_none_or(|h| *d <= h));
        dates.sort_unstable_by(|a, b| b.cmp(a));
        dates.dedup();
        let mut ns = Vec::new();
        for n in numbers {
            ns.extend([n - 1.0, n, n + 1.0]);
        }
        ns.sort_by(f64::total_cmp);
        ns.dedup();
        let catalog_keys = set
            .catalog()
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.keys().map(str::to_string).collect()))
            .collect();
        Pool {
            strings,
            own_strings,
            numbers: ns,
            dates,
            as_of,
            deadline: t.deadline,
            catalog_keys,
        }
    }

    /// Candidate values for field `f`, in the order preferred; `fresh` when the value records
    /// something still to do (a date no earlier than the as-of date).
    fn values(&self, f: &FieldDef, fresh: bool) -> Vec<Json> {
        let mut out: Vec<Json> = match &f.ty {
            FieldType::Bool => vec![Json::Bool(true), Json::Bool(false)],
            FieldType::Enum(vs) => self.ordered(vs),
            FieldType::Ref { table } => {
                let keys = self
                    .catalog_keys
                    .iter()
                    .find(|(n, _)| n == table)
                    .map(|(_, k)| k.clone())
                    .unwrap_or_default();
                self.ordered(&keys)
            }
            FieldType::Number { min, max, integer } => self
                .numbers
                .iter()
                .filter(|n| {
                    min.is_none_or(|m| **n >= m)
                        && max.is_none_or(|m| **n <= m)
                        && (!integer || n.fract() == 0.0)
                })
                .filter_map(|n| number(*n))
                .collect(),
            FieldType::Date => {
                // Latest first; with a deadline still ahead, those no later than it first.
                let (mut near, far): (Vec<Date>, Vec<Date>) = self
                    .dates
                    .iter()
                    .copied()
                    .filter(|d| !fresh || *d >= self.as_of)
                    .partition(|d| self.deadline.is_none_or(|dl| dl < self.as_of || *d <= dl));
                near.extend(far);
                near.into_iter()
                    .map(|d| Json::String(d.to_string()))
                    .collect()
            }
            // A free text: what the rule compares it with, else a text for the reader to write.
            FieldType::String { max_len } => self
                .own_strings
                .iter()
                .filter(|s| max_len.is_none_or(|m| s.chars().count() <= m))
                .filter(|s| !f.nonblank || !s.trim().is_empty())
                .map(|s| Json::String(s.clone()))
                .chain(
                    (max_len.is_none_or(|m| m >= TEXT_TO_WRITE.chars().count()))
                        .then(|| Json::String(TEXT_TO_WRITE.into())),
                )
                .collect(),
            _ => Vec::new(),
        };
        out.truncate(64);
        out
    }

    /// `values` with those the rule set names first.
    fn ordered(&self, values: &[String]) -> Vec<Json> {
        let mut out: Vec<Json> = self
            .strings
            .iter()
            .filter(|s| values.contains(s))
            .map(|s| Json::String(s.clone()))
            .collect();
        for v in values {
            if !self.strings.contains(v) {
                out.push(Json::String(v.clone()));
            }
        }
        out
    }
}

/// A number as JSON: whole numbers without a fraction.
fn number(n: f64) -> Option<Json> {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Some(Json::Number((n as i64).into()))
    } else {
        serde_json::Number::from_f64(n).map(Json::Number)
    }
}

fn scan(v: &Json, dates: &mut Vec<Date>, numbers: &mut Vec<f64>) {
    match v {
        Json::String(s) => {
            if let Ok(d) = s.parse::<Date>() {
                dates.push(d);
            }
        }
        Json::Number(n) => numbers.extend(n.as_f64()),
        Json::Array(xs) => xs.iter().for_each(|x| scan(x, dates, numbers)),
        Json::Object(m) => m.values().for_each(|x| scan(x, dates, numbers)),
        _ => {}
    }
}

/// A value for a required field of a new item that no condition reads.
fn placeholder(pool: &Pool, f: &FieldDef) -> Option<Json> {
    match &f.ty {
        FieldType::String { .. } | FieldType::Id { .. } | FieldType::KeyRef => {
            Some(Json::String(TEXT_TO_WRITE.into()))
        }
        FieldType::List { .. } => Some(Json::Array(Vec::new())),
        FieldType::Object(_) => Some(Json::Object(Map::new())),
        _ => pool.values(f, true).into_iter().next(),
    }
}

fn is_scalar(ty: &FieldType) -> bool {
    matches!(
        ty,
        FieldType::Bool
            | FieldType::Number { .. }
            | FieldType::Date
            | FieldType::Enum(_)
            | FieldType::Ref { .. }
    )
}

/// Whether the list item holding the field at `p` records something that has happened: it
/// has a date before the as-of date.
fn past_record(doc: &Json, p: &str, as_of: Date) -> bool {
    let segs: Vec<&str> = p.split('/').collect();
    (1..segs.len()).rev().any(|n| {
        let (prefix, last) = (
            segs.get(..n).unwrap_or(&[]).join("/"),
            segs.get(n - 1).copied().unwrap_or(""),
        );
        last.parse::<usize>().is_ok()
            && doc
                .pointer(&prefix)
                .and_then(Json::as_object)
                .is_some_and(|m| {
                    m.values().any(|v| {
                        v.as_str()
                            .and_then(|s| s.parse::<Date>().ok())
                            .is_some_and(|d| d < as_of)
                    })
                })
    })
}

/// Whether a remedy may change a stated field: not a date that has passed (what happened
/// stays as it happened).
fn editable(base: &Json, p: &str, def: &FieldDef, as_of: Date) -> bool {
    match (&def.ty, base.pointer(p)) {
        (FieldType::Date, Some(Json::String(s))) => s.parse::<Date>().is_ok_and(|d| d >= as_of),
        (_, Some(_)) => true,
        _ => false,
    }
}

/// The definition of the field a JSON pointer names.
fn field_at<'s>(schema: &'s InputSchema, pointer: &str) -> Option<&'s FieldDef> {
    let mut ty = FieldType::Object(schema.root);
    let mut def = None;
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        let next = match &ty {
            FieldType::Object(t) => {
                let f = schema.types.get(*t)?.field(&seg)?.1;
                def = Some(f);
                f.ty.clone()
            }
            FieldType::List { items, .. } => {
                seg.parse::<usize>().ok()?;
                def = None;
                (**items).clone()
            }
            _ => return None,
        };
        ty = next;
    }
    def
}

/// The pointer of the list `steps` lead to from `base` (a pointer), and its items' type.
fn list_at(schema: &InputSchema, base: &str, steps: &[u32]) -> Option<(String, usize)> {
    match walk(schema, base, steps)? {
        (ptr, FieldType::List { items, .. }) => match *items {
            FieldType::Object(t) => Some((ptr, t)),
            _ => None,
        },
        _ => None,
    }
}

/// The pointer `steps` lead to from `base` (a pointer to an object or a list item).
fn path_at(schema: &InputSchema, base: &str, steps: &[u32]) -> Option<String> {
    walk(schema, base, steps).map(|(ptr, _)| ptr)
}

/// The pointer and the type of the field `steps` (slot indices) lead to from `base`.
fn walk(schema: &InputSchema, base: &str, steps: &[u32]) -> Option<(String, FieldType)> {
    let mut ty = match base {
        "" => FieldType::Object(schema.root),
        p => field_at(schema, p)
            .map(|f| f.ty.clone())
            .or_else(|| item_type(schema, p))?,
    };
    let mut ptr = base.to_string();
    for s in steps {
        let FieldType::Object(t) = ty else {
            return None;
        };
        let f = schema.types.get(t)?.fields.get(*s as usize)?;
        ptr.push('/');
        ptr.push_str(&f.name.replace('~', "~0").replace('/', "~1"));
        ty = f.ty.clone();
    }
    Some((ptr, ty))
}

/// An object at `top` (a field `doc` does not state, or states as `null`) created with its
/// required fields, each with a value no condition reads.
fn fill_object(schema: &InputSchema, pool: &Pool, doc: &mut Json, top: &str) {
    if doc.pointer(top).is_some_and(|v| !v.is_null()) {
        return;
    }
    let Some(FieldType::Object(ty)) = field_at(schema, top).map(|f| &f.ty) else {
        return;
    };
    let mut obj = Map::new();
    for f in schema.types.get(*ty).map_or(&[][..], |o| &o.fields) {
        if f.required
            && let Some(v) = placeholder(pool, f)
        {
            obj.insert(f.name.clone(), v);
        }
    }
    set_deep(doc, top, Json::Object(obj));
}

/// The type of a list item a pointer names (`/bodies/0`).
fn item_type(schema: &InputSchema, pointer: &str) -> Option<FieldType> {
    let (list, idx) = pointer.rsplit_once('/')?;
    idx.parse::<usize>().ok()?;
    match &field_at(schema, list)?.ty {
        FieldType::List { items, .. } => Some((**items).clone()),
        _ => None,
    }
}

/// Set the value at `pointer`, creating the field in its object.
fn set_at(doc: &mut Json, pointer: &str, v: Json) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Json::Object(m)) => {
            m.insert(last, v);
        }
        Some(Json::Array(xs)) => {
            if let Ok(i) = last.parse::<usize>()
                && let Some(x) = xs.get_mut(i)
            {
                *x = v;
            }
        }
        _ => {}
    }
}

/// The highest pointer on the way to `p` (itself included) that `base` does not hold (or
/// holds as `null`).
fn highest_absent(base: &Json, p: &str) -> String {
    let segs: Vec<&str> = p.split('/').collect();
    for n in 2..=segs.len() {
        let prefix = segs.get(..n).unwrap_or(&[]).join("/");
        if base.pointer(&prefix).is_none_or(Json::is_null) {
            return prefix;
        }
    }
    p.to_string()
}

/// [`set_at`], creating the objects on the way that are not there.
fn set_deep(doc: &mut Json, pointer: &str, v: Json) {
    let segs: Vec<&str> = pointer.split('/').collect();
    for n in 2..segs.len() {
        let prefix = segs.get(..n).unwrap_or(&[]).join("/");
        if doc.pointer(&prefix).is_none_or(Json::is_null) {
            set_at(doc, &prefix, Json::Object(Map::new()));
        }
    }
    set_at(doc, pointer, v);
}

/// Where each `add` of `patch` puts its value in `base`, with the operation's index: the
/// pointer of an item appended with `/-` is the list's with the item's position.
fn added_at(base: &Json, patch: &[PatchOp]) -> Vec<(String, usize)> {
    let mut doc = base.clone();
    let mut out = Vec::new();
    for (i, op) in patch.iter().enumerate() {
        if op.op == "add" {
            let at = match op.path.strip_suffix("/-") {
                Some(list) => {
                    let n = doc
                        .pointer(list)
                        .and_then(Json::as_array)
                        .map_or(0, Vec::len);
                    format!("{list}/{n}")
                }
                None => op.path.clone(),
            };
            out.push((at, i));
        }
        apply(&mut doc, op);
    }
    out
}

/// The slots of the scalar fields of type `ty`.
fn scalar_fields(schema: &InputSchema, ty: usize) -> Vec<u32> {
    schema.types.get(ty).map_or(Vec::new(), |o| {
        (0..o.fields.len())
            .filter(|i| o.fields.get(*i).is_some_and(|f| is_scalar(&f.ty)))
            .filter_map(|i| u32::try_from(i).ok())
            .collect()
    })
}

/// The item an `add` to a list carries: its value, or the one item of a new list.
fn item_of(v: &mut Json) -> Option<&mut Map<String, Json>> {
    match v {
        Json::Object(m) => Some(m),
        Json::Array(xs) => match xs.as_mut_slice() {
            [Json::Object(m)] => Some(m),
            _ => None,
        },
        _ => None,
    }
}

/// Apply one operation of a patch this module made.
fn apply(doc: &mut Json, op: &PatchOp) {
    match op.path.strip_suffix("/-") {
        Some(list) if op.op == "add" => {
            if let Some(Json::Array(xs)) = doc.pointer_mut(list) {
                xs.push(op.value.clone());
            }
        }
        _ => set_at(doc, &op.path, op.value.clone()),
    }
}

/// Whether `opts` asks for remedies.
pub(crate) fn wanted(opts: &EvalOptions) -> bool {
    opts.remedies
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A format of its own: a record with a number, a question, an enum with words and one
    /// without, a text, a section, a list of parts (each with a list inside) and a field
    /// without a doc.
    const FORMAT: &str = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "Ting", nn = "Ting", en = "Thing" }
[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", required = true }
size = { type = "number", min = 0, doc = { nb = "Størrelsen i meter. Mer her.", nn = "Storleiken i meter. Meir her.", en = "The size in metres. More here." } }
done = { type = "bool", doc = { nb = "Er det ferdig?", nn = "Er det ferdig?", en = "Is it done?" } }
shade = { type = "enum", values = ["pale", "deep"], doc = { nb = "Tone", nn = "Tone", en = "Shade" } }
tags = { type = "list", items = "string", doc = { nb = "Merkelapper: fritt valgt.", nn = "Merkelappar: fritt valt.", en = "Tags: free choice." } }
box = { type = "box", absent = "none", doc = { nb = "Esken.", nn = "Esken.", en = "The box." } }
parts = { type = "list", items = "part", absent = "empty", doc = { nb = "Delene, i rekkefølge.", nn = "Delane, i rekkjefølgje.", en = "The parts, in order." } }
bare = { type = "string" }
[input.types.box.fields]
wide = { type = "bool", doc = { nb = "Er den bred?", nn = "Er han brei?", en = "Is it wide?" } }
depth = { type = "number", doc = { nb = "Dybde", nn = "Djupn", en = "Depth" } }
[input.types.part.fields]
colour = { type = "enum", values = ["red", "dark_blue", "teal"], labels = { red = { nb = "Rød", nn = "Raud", en = "Red" }, dark_blue = { nb = "Mørkeblå", nn = "Mørkeblå", en = "Dark blue" }, teal = { nb = "Blågrønn", nn = "Blågrøn", en = "Teal" } }, doc = { nb = "Farge", nn = "Farge", en = "Colour" } }
when = { type = "date", doc = { nb = "Når den kom", nn = "Når han kom", en = "When it came" } }
count = { type = "number", doc = { nb = "Antall", nn = "Tal", en = "Count" } }
note = { type = "string", doc = { nb = "Merknad", nn = "Merknad", en = "Note" } }
pieces = { type = "list", items = "piece", absent = "empty", doc = { nb = "Biter", nn = "Bitar", en = "Pieces" } }
[input.types.piece.fields]
shade = { type = "enum", values = ["pale", "deep"], doc = { nb = "Tone", nn = "Tone", en = "Shade" } }
"#;

    fn schema() -> InputSchema {
        crate::schema::load(&SourceFile::new("input.toml", FORMAT))
            .unwrap_or_else(|d| panic!("{d:?}"))
    }

    fn op(op: &'static str, path: &str, value: Json) -> PatchOp {
        PatchOp {
            op,
            path: path.to_string(),
            value,
        }
    }

    /// The words of `patch` in bokmål, nynorsk and English, groups of thousands with a plain
    /// space for legibility here.
    fn said(patch: &[PatchOp]) -> [String; 3] {
        let t = words(&schema(), patch);
        [t.nb, t.nn, t.en].map(|s| s.replace('\u{a0}', " "))
    }

    #[test]
    fn a_stated_value_is_named_by_the_field_s_title_and_written_as_a_reader_writes_it() {
        let p = [op("add", "/size", serde_json::json!(12000000))];
        assert_eq!(
            said(&p),
            [
                "Oppgi «Størrelsen i meter» (/size): 12 000 000.",
                "Oppgje «Storleiken i meter» (/size): 12 000 000.",
                "State \u{201c}The size in metres\u{201d} (/size): 12,000,000.",
            ]
        );
        // Thousands are never split from each other at a line's end.
        assert!(words(&schema(), &p).nb.contains("12\u{a0}000\u{a0}000"));
        let p = [op("add", "/size", serde_json::json!(0.5))];
        assert_eq!(said(&p)[0], "Oppgi «Størrelsen i meter» (/size): 0,5.");
        assert_eq!(
            said(&p)[2],
            "State \u{201c}The size in metres\u{201d} (/size): 0.5."
        );
    }

    #[test]
    fn a_changed_answer_reads_yes_or_no() {
        let p = [op("replace", "/done", Json::Bool(true))];
        assert_eq!(
            said(&p),
            [
                "Endre «Er det ferdig?» (/done) til ja.",
                "Endre «Er det ferdig?» (/done) til ja.",
                "Change \u{201c}Is it done?\u{201d} (/done) to yes.",
            ]
        );
        let p = [op("replace", "/done", Json::Bool(false))];
        assert_eq!(said(&p)[1], "Endre «Er det ferdig?» (/done) til nei.");
        assert_eq!(
            said(&p)[2],
            "Change \u{201c}Is it done?\u{201d} (/done) to no."
        );
    }

    #[test]
    fn an_added_record_lists_its_fields_in_the_format_s_order_enum_values_in_its_words() {
        let item = serde_json::json!({
            "note": "see below",
            "count": 1500,
            "when": "2026-06-01",
            "colour": "dark_blue",
        });
        let p = [op("add", "/parts/-", item.clone())];
        assert_eq!(
            said(&p),
            [
                "Legg til i «Delene, i rekkefølge» (/parts): Farge: Mørkeblå (`dark_blue`), \
                 Når den kom: 2026-06-01, Antall: 1 500, Merknad: «see below».",
                "Legg til i «Delane, i rekkjefølgje» (/parts): Farge: Mørkeblå (`dark_blue`), \
                 Når han kom: 2026-06-01, Tal: 1 500, Merknad: «see below».",
                "Add to \u{201c}The parts, in order\u{201d} (/parts): Colour: Dark blue, When \
                 it came: 2026-06-01, Count: 1,500, Note: \u{201c}see \
                 below\u{201d}.",
            ]
        );
        // The list not stated yet, added with its one record: the same words.
        let whole = [op("add", "/parts", Json::Array(vec![item]))];
        assert_eq!(said(&whole), said(&p));
        // Words that only repeat the value (`Teal`) stand alone; a value of an enum without
        // words and of a key the format does not know is a code; a record inside the record is
        // in brackets.
        let p = [op(
            "add",
            "/parts/-",
            serde_json::json!({"colour": "teal", "pieces": [{"shade": "deep"}], "extra": "x"}),
        )];
        assert_eq!(
            said(&p)[2],
            "Add to \u{201c}The parts, in order\u{201d} (/parts): Colour: Teal, Pieces: \
             (Shade: `deep`), extra: `x`."
        );
        assert_eq!(
            said(&p)[1],
            "Legg til i «Delane, i rekkjefølgje» (/parts): Farge: Blågrøn (`teal`), Bitar: \
             (Tone: `deep`), extra: `x`."
        );
    }

    #[test]
    fn records_side_by_side_each_get_brackets_and_a_section_is_stated_whole() {
        let p = [op(
            "add",
            "/parts",
            serde_json::json!([{"colour": "red"}, {"colour": "teal"}]),
        )];
        assert_eq!(
            said(&p)[0],
            "Legg til i «Delene, i rekkefølge» (/parts): (Farge: Rød (`red`)), (Farge: \
             Blågrønn (`teal`))."
        );
        // A question is answered after it, without a colon.
        let p = [op(
            "add",
            "/box",
            serde_json::json!({"depth": 2, "wide": true}),
        )];
        assert_eq!(
            said(&p),
            [
                "Oppgi «Esken» (/box): Er den bred? ja, Dybde: 2.",
                "Oppgje «Esken» (/box): Er han brei? ja, Djupn: 2.",
                "State \u{201c}The box\u{201d} (/box): Is it wide? yes, Depth: 2.",
            ]
        );
    }

    #[test]
    fn an_empty_list_a_field_without_a_title_and_several_changes() {
        let p = [
            op("add", "/tags", Json::Array(Vec::new())),
            op("add", "/bare", Json::String("x y".into())),
            op("replace", "/shade", Json::String("pale".into())),
        ];
        assert_eq!(
            said(&p),
            [
                "Oppgi «Merkelapper» (/tags) som tom liste; oppgi /bare: «x y»; endre «Tone» \
                 (/shade) til `pale`.",
                "Oppgje «Merkelappar» (/tags) som tom liste; oppgje /bare: «x y»; endre «Tone» \
                 (/shade) til `pale`.",
                "State \u{201c}Tags\u{201d} (/tags) as an empty list; state /bare: \u{201c}x \
                 y\u{201d}; change \u{201c}Shade\u{201d} (/shade) to `pale`.",
            ]
        );
        // Texts appended to a list of texts; a pointer the format does not know keeps its value
        // as a code.
        let p = [
            op("add", "/tags/-", Json::String("a".into())),
            op("add", "/nowhere", Json::String("b".into())),
        ];
        assert_eq!(
            said(&p)[2],
            "Add to \u{201c}Tags\u{201d} (/tags): \u{201c}a\u{201d}; state /nowhere: `b`."
        );
        assert_eq!(words(&schema(), &[]).en, "");
        // A text only the reader can write is said to be theirs, not shown as the patch's
        // stand-in.
        let p = [op("add", "/bare", Json::String(TEXT_TO_WRITE.into()))];
        assert_eq!(
            said(&p),
            [
                "Oppgi /bare: egen tekst.",
                "Oppgje /bare: eigen tekst.",
                "State /bare: a text of your own.",
            ]
        );
    }
}
