//! Computed remedies: for each violated, pending or unknown finding of a document, a change to
//! the input that makes it met — an RFC 6902 JSON Patch with concrete values, the same in words —
//! or, where none can, why not and what the rule set offers instead.
//!
//! Nothing here is written per rule. The candidates come from the compiled rule and the
//! document: the fields whose absence left a finding unknown, the stated fields that decided
//! it, and the document lists its conditions quantify over (a new item for one of them, its
//! fields those the conditions read); the candidate values from the field's type (booleans,
//! enum values, catalog keys) and from the rule set's own constants, parameters and the
//! document's dates and numbers, each moved by a day or a unit to either side of a boundary.
//! Each candidate is checked by validating and evaluating the changed document again, so a
//! remedy found is one that works. Values are tried in the order the answer should prefer:
//! constants of the rule first (the party and form it asks for), the smallest number, the
//! latest date. A new record describes something still to do, so its dates are no earlier than
//! the as-of date: when only an earlier date would meet a deadline, no change can meet it now.
//!
//! Costly (one evaluation per candidate), so computed only when asked
//! ([`EvalOptions::remedies`]: one document checked, `explain`), never for a batch.

use super::{Counts, EvalOptions};
use crate::expr::{Constants, CtxBuffers, Dur, ListStart, Val};
use crate::finding::{Changed, Evaluation, PatchOp, Status, ToMeet};
use crate::rules::{Obligation, Received, RuleSet};
use crate::schema::{Document, FieldDef, FieldType, InputSchema, validate};
use crate::source::SourceFile;
use crate::text::Text;
use jiff::civil::Date;
use serde_json::{Map, Value as Json};

/// At most this many evaluations per finding: the search stops there and says so.
const BUDGET: usize = 400;

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
        buffers: CtxBuffers::default(),
        counts: Counts::default(),
        name: doc.source.name().to_string(),
        spent: 0,
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
    buffers: CtxBuffers,
    counts: Counts,
    name: String,
    spent: usize,
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

impl Search<'_> {
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
        self.spent >= BUDGET
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
                    ty if is_scalar(ty) => pool.values(def, false),
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
                Some(Status::Met) if !ops.is_empty() => return Some(ops),
                // Stated as they best can be, the rule does not apply (or is not in force):
                // making it apply is no remedy.
                Some(Status::Met | Status::NotApplicable | Status::NotInForce) | None => {
                    return None;
                }
                _ => {}
            }
            // 2. One change: a stated field of the document or of the item, a new item in a
            //    list the conditions quantify over, a field of another record still to come.
            if let Some(more) = self.change(o, &t, &doc, &pool) {
                ops.extend(more);
                return Some(ops);
            }
            if round > 0 || !stated || self.exhausted() {
                break;
            }
            t = self.refresh(&doc, &t)?;
        }
        None
    }

    /// The finding's missing fields and evidence on `doc`, as a full evaluation records them.
    fn refresh(&mut self, doc: &Json, t: &Target) -> Option<Target> {
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
        let e = super::evaluate_received(set, &d, self.as_of, &opts, self.received);
        self.spent += 1;
        let rule = &set.core.obligations.get(usize::from(t.ob))?.info;
        let f = e
            .findings
            .iter()
            .filter(|f| std::sync::Arc::ptr_eq(&f.rule, rule))
            .nth(t.item)?;
        Some(Target {
            missing: f.missing.iter().map(|m| m.pointer.clone()).collect(),
            evidence: f.evidence.iter().map(|m| m.pointer.clone()).collect(),
            deadline: f.deadline.or(t.deadline),
            ..t.clone()
        })
    }

    /// One change to `doc` that makes the finding met.
    fn change(
        &mut self,
        o: &Obligation,
        t: &Target,
        doc: &Json,
        pool: &Pool,
    ) -> Option<Vec<PatchOp>> {
        let schema = self.set.schema();
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
        // A new item in a list the conditions quantify over.
        // `require` sees the deadline bound inside the item; `applies` does not.
        let exprs = std::iter::once((&o.require, u32::from(o.deadline.is_some())))
            .chain(o.applies.iter().map(|c| (c, 0)));
        for (q, has_deadline) in
            exprs.flat_map(|(c, k)| c.quantified().into_iter().map(move |q| (q, k)))
        {
            if self.exhausted() {
                return None;
            }
            let base_ptr = match q.start {
                ListStart::Root => String::new(),
                // The bindings outside `require`: the item, then the deadline (innermost).
                ListStart::Bound(k) if k == has_deadline => match &t.pointer {
                    Some(p) => p.clone(),
                    None => continue,
                },
                ListStart::Bound(_) => continue,
            };
            let Some((list_ptr, item_ty)) = list_at(schema, &base_ptr, &q.steps) else {
                continue;
            };
            if let Some(op) = self.new_item(t, doc, pool, &list_ptr, item_ty, &q.item_fields) {
                return Some(vec![op]);
            }
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
            if !is_scalar(&def.ty) || !editable(doc, p, def, self.as_of) {
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

    /// An item of type `ty` added to the list at `list_ptr`, its fields chosen one at a time.
    fn new_item(
        &mut self,
        t: &Target,
        base: &Json,
        pool: &Pool,
        list_ptr: &str,
        ty: usize,
        read: &[u32],
    ) -> Option<PatchOp> {
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
        for f in order {
            let cands = pool.values(f, true);
            let name = f.name.clone();
            let found = self.best(base, t, &cands, |d, v| {
                let mut it = item.clone();
                it.insert(name.clone(), v);
                *d = with(d, &it);
            });
            if let Some((v, _)) = found {
                item.insert(f.name.clone(), v);
            }
        }
        if self.status(&with(base, &item), t) != Some(Status::Met) {
            return None;
        }
        Some(if exists {
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
        })
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
                (
                    "Søket fant ingen endring som gir «oppfylt»; det stanset ved grensen for antall forsøk.",
                    "Søket fann inga endring som gjev «oppfylt»; det stansa ved grensa for talet på forsøk.",
                    "The search found no change that meets it; it stopped at its limit of attempts.",
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
        let mut doc = base.clone();
        for op in &patch {
            apply(&mut doc, op);
        }
        let mut changes = Vec::new();
        let before: Vec<Status> = {
            let _ = self.evaluate(base);
            self.counts.findings.iter().map(|c| c.status).collect()
        };
        if let Some(after_keys) = self.keys(&doc) {
            let after: Vec<Status> = self.counts.findings.iter().map(|c| c.status).collect();
            for (k, st) in after_keys.iter().zip(&after) {
                if (k.0, k.1) == (t.ob, t.item) {
                    continue;
                }
                let at = keys.iter().position(|x| x == k);
                let was = at.and_then(|i| before.get(i).copied());
                if was != Some(*st) {
                    let rule = self
                        .set
                        .core
                        .obligations
                        .get(usize::from(k.0))
                        .map(|o| o.info.id.clone())
                        .unwrap_or_default();
                    let per_item = self
                        .set
                        .core
                        .obligations
                        .get(usize::from(k.0))
                        .is_some_and(|o| o.for_each.is_some());
                    changes.push(Changed {
                        rule,
                        item: per_item.then_some(k.1),
                        label: at
                            .filter(|_| per_item)
                            .and_then(|i| labels.get(i).cloned().flatten()),
                        from: was.unwrap_or(Status::NotApplicable),
                        to: *st,
                    });
                }
            }
        }
        derivation.push(Text::all(
            format!("{tried} kandidater prøvd; valgt: {}.", ops_text(&patch)),
            format!("{tried} kandidatar prøvde; valt: {}.", ops_text(&patch)),
            format!("{tried} candidates tried; chosen: {}.", ops_text(&patch)),
        ));
        let text = words(&patch);
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

/// The patch in words, in the three languages.
fn words(patch: &[PatchOp]) -> Text {
    let (mut nb, mut nn, mut en) = (Vec::new(), Vec::new(), Vec::new());
    for op in patch {
        let value = shown(&op.value);
        match (op.op, &op.value) {
            ("add", Json::Object(_)) | ("add", Json::Array(_)) => {
                let list = op.path.trim_end_matches("/-");
                nb.push(format!("legg til i {list}: {value}"));
                nn.push(format!("legg til i {list}: {value}"));
                en.push(format!("add to {list}: {value}"));
            }
            ("add", _) => {
                nb.push(format!("oppgi {} = {value}", op.path));
                nn.push(format!("oppgi {} = {value}", op.path));
                en.push(format!("state {} = {value}", op.path));
            }
            _ => {
                nb.push(format!("endre {} til {value}", op.path));
                nn.push(format!("endre {} til {value}", op.path));
                en.push(format!("change {} to {value}", op.path));
            }
        }
    }
    // The renderers put their own label («for å oppfylle:», "to meet:") in front.
    let sentence = |parts: &[String]| {
        let s = parts.join("; ");
        let mut c = s.chars();
        match c.next() {
            Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
            None => s,
        }
    };
    // The side effects stay data (`ToMeet::changes`): the renderers word them with the
    // report's own status words (`report::to_meet_words`).
    Text::all(sentence(&nb), sentence(&nn), sentence(&en))
}

/// A JSON value as written in words: strings bare, objects as `key: value` pairs.
fn shown(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", shown(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Json::Array(xs) => xs.iter().map(shown).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// Candidate values, from the rule set and the document.
struct Pool {
    strings: Vec<String>,
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
            Some(Json::String("?".into()))
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
