//! Running a plan: documents drawn from a seeded ChaCha8 stream and written straight to JSON text.
//!
//! **Invariant:** document `i` depends only on the seed, the plan, the count and `i`. Each document
//! reads its own positions of the random streams (`word_pos = i << 32` within a stream per
//! purpose), so documents can be generated in any order and on any number of threads and the
//! output is byte-identical. The key of any document can be recomputed from its variables alone,
//! which is how references to other documents are made without holding the batch.
//!
//! Distributions are written here over raw `u64`s (not taken from `rand`) so that a change in a
//! dependency's sampling code can never change the output for a seed.

use super::plan::{Gen, KeyGen, Len, ObjPlan, Part, Plan, Prob, Ref, Template, Unique, V};
use chacha20::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::{self, Write};

const STREAM_BODY: u64 = 0;
const STREAM_VARS: u64 = 1;
const STREAM_INVALID: u64 = 2;
/// Decides reference cycles, one draw per key field that makes them, per pair of documents.
const STREAM_CYCLE: u64 = 3;

/// Documents per unit of parallel work.
const CHUNK: u64 = 2048;

/// Options of one run.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    pub count: u64,
    pub seed: u64,
    /// Fraction of lines made invalid on purpose (`0.0` by default).
    pub invalid_rate: f64,
}

pub(crate) struct Runner<'p> {
    plan: &'p Plan,
    seed: [u8; 32],
    count: u64,
    invalid: Prob,
}

/// Scratch space for one document, reused from one document to the next.
struct State {
    rng: ChaCha8Rng,
    d: Data,
}

/// The values of the document being built, apart from its random stream so that both can be
/// borrowed at once.
struct Data {
    arena: Vec<V>,
    text: String,
    frames: Vec<u32>,
    vars: Vec<V>,
    scratch: String,
    /// 1-based sequence number of the document being built.
    seq: u64,
}

impl State {
    fn new(rng: ChaCha8Rng) -> Self {
        State {
            rng,
            d: Data {
                arena: Vec::with_capacity(256),
                text: String::with_capacity(1024),
                frames: Vec::with_capacity(8),
                vars: Vec::with_capacity(8),
                scratch: String::new(),
                seq: 0,
            },
        }
    }
}

/// The state of the document being written and a second one for computing other documents' keys.
struct Worker {
    st: State,
    aux: State,
    /// [`Runner::cycle_bits`] of the document being built.
    cycles: u64,
}

/// A corruption to apply while writing an invalid line.
#[derive(Debug, Clone, Copy)]
enum Inject {
    None,
    /// An extra member at the root whose name is a misspelling of a root field.
    UnknownField(usize),
    /// The `n`-th date written becomes a day that does not exist.
    BadDate(u32),
    /// The `n`-th number written becomes a string.
    WrongType(u32),
}

impl<'p> Runner<'p> {
    pub fn new(plan: &'p Plan, opts: &GenOptions) -> Self {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&opts.seed.to_le_bytes());
        Runner {
            plan,
            seed,
            count: opts.count,
            invalid: Prob::from_f64(opts.invalid_rate),
        }
    }

    fn rng(&self, stream: u64, index: u64) -> ChaCha8Rng {
        let mut r = ChaCha8Rng::from_seed(self.seed);
        r.set_stream(stream);
        r.set_word_pos(u128::from(index) << 32);
        r
    }

    fn worker(&self) -> Worker {
        Worker {
            st: State::new(ChaCha8Rng::from_seed(self.seed)),
            aux: State::new(ChaCha8Rng::from_seed(self.seed)),
            cycles: 0,
        }
    }

    /// Every document, one JSON line each, in order. Chunks of documents are made in parallel a
    /// wave at a time, and each wave is written while the next is being made; the buffers are
    /// reused so that memory stays flat however many documents there are.
    pub fn write_all(&self, out: &mut (dyn Write + Send)) -> io::Result<()> {
        let chunks = self.count.div_ceil(CHUNK);
        let wave = (rayon::current_num_threads() as u64 * 2).max(1);
        let mut cur: Vec<Vec<u8>> = vec![Vec::new(); wave as usize];
        let mut next: Vec<Vec<u8>> = vec![Vec::new(); wave as usize];
        let mut start = 0;
        let mut filled = self.fill(&mut cur, start, chunks);
        while filled > 0 {
            let next_start = start + wave;
            let (written, next_filled) = rayon::join(
                || write_bufs(out, cur.get(..filled).unwrap_or_default()),
                || self.fill(&mut next, next_start, chunks),
            );
            written?;
            std::mem::swap(&mut cur, &mut next);
            start = next_start;
            filled = next_filled;
        }
        Ok(())
    }

    /// Makes chunks `first..` (as many as there are buffers, up to `chunks`); returns how many.
    fn fill(&self, bufs: &mut [Vec<u8>], first: u64, chunks: u64) -> usize {
        let n = chunks.saturating_sub(first).min(bufs.len() as u64) as usize;
        bufs.iter_mut()
            .take(n)
            .enumerate()
            .par_bridge()
            .for_each(|(k, buf)| {
                buf.clear();
                let c = first + k as u64;
                let mut w = self.worker();
                let last = ((c + 1) * CHUNK).min(self.count);
                for i in c * CHUNK..last {
                    self.document(&mut w, i, buf);
                }
            });
        n
    }

    /// Document `index` (0-based) as one line of JSON, newline included.
    pub fn line(&self, index: u64) -> String {
        let mut w = self.worker();
        let mut buf = Vec::new();
        self.document(&mut w, index, &mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }

    fn document(&self, w: &mut Worker, index: u64, out: &mut Vec<u8>) {
        self.load_vars(&mut w.st, index);
        w.cycles = self.cycle_bits(index);
        let st = &mut w.st;
        st.rng = self.rng(STREAM_BODY, index);
        st.d.arena.clear();
        st.d.frames.clear();
        let root = self.object(&self.plan.root, w, index);
        let inject = self.inject(&w.st.d, index);
        let mut wr = Writer {
            plan: self.plan,
            st: &w.st.d,
            out,
            inject,
            dates: 0,
            numbers: 0,
        };
        wr.root(&self.plan.root, root);
        out.push(b'\n');
    }

    /// Resets `st` to document `index` and draws its variables.
    fn load_vars(&self, st: &mut State, index: u64) {
        st.rng = self.rng(STREAM_VARS, index);
        st.d.seq = index + 1;
        st.d.text.clear();
        st.d.vars.clear();
        st.d.arena.clear();
        st.d.frames.clear();
        for g in &self.plan.vars {
            let v = scalar(self.plan, g, st);
            st.d.vars.push(v);
        }
    }

    fn object(&self, o: &ObjPlan, w: &mut Worker, index: u64) -> V {
        let base = w.st.d.arena.len();
        w.st.d.arena.resize(base + o.fields.len(), V::Absent);
        // INVARIANT: arena sizes stay far below u32::MAX (a document has a few hundred values).
        w.st.d.frames.push(base as u32);
        for &i in &o.order {
            let Some(f) = o.fields.get(i) else { continue };
            let forced = self.forced_key(&f.make, w, index);
            let v = if forced.is_none() && chance(&mut w.st.rng, f.absent) {
                V::Absent
            } else if forced.is_none() && chance(&mut w.st.rng, f.null) {
                V::Null
            } else {
                self.value(&f.make, w, index, forced)
            };
            if let Some(slot) = w.st.d.arena.get_mut(base + i) {
                *slot = v;
            }
        }
        w.st.d.frames.pop();
        V::Obj(base as u32)
    }

    /// The partner document this one must refer to through `make`, when it is one of a pair drawn
    /// to form a reference cycle.
    fn forced_key(&self, make: &Gen, w: &Worker, index: u64) -> Option<u64> {
        let kg = match make {
            Gen::Key(k) => k,
            Gen::List { item, .. } => match item.as_ref() {
                Gen::Key(k) => k,
                _ => return None,
            },
            _ => return None,
        };
        let slot = kg.cycle?;
        let partner = index ^ 1;
        (partner < self.count && w.cycles & (1 << slot) != 0).then_some(partner)
    }

    /// Which cycle-making fields make a cycle for the pair of documents `index` belongs to.
    fn cycle_bits(&self, index: u64) -> u64 {
        if self.plan.cycles.is_empty() {
            return 0;
        }
        let mut r = self.rng(STREAM_CYCLE, index / 2);
        let mut bits = 0;
        for (k, p) in self.plan.cycles.iter().enumerate().take(64) {
            if chance(&mut r, *p) {
                bits |= 1 << k;
            }
        }
        bits
    }

    fn value(&self, g: &Gen, w: &mut Worker, index: u64, forced: Option<u64>) -> V {
        match g {
            Gen::Object(o) => self.object(o, w, index),
            Gen::List { len, item, unique } => self.list(len, item, *unique, w, index, forced),
            Gen::Key(k) => match forced {
                Some(j) => self.key_text(w, j),
                None => self.key(k, w, index).unwrap_or(V::Absent),
            },
            Gen::Variants { cum, gens } => match gens.get(pick(&mut w.st.rng, cum)) {
                Some(g) => self.value(g, w, index, None),
                None => V::Absent,
            },
            Gen::By {
                src,
                cases,
                default,
            } => {
                let chosen = match lookup(&w.st.d, src) {
                    V::Lit(l) => cases.iter().find(|(c, _)| *c == l).map(|(_, g)| g),
                    _ => None,
                };
                self.value(chosen.unwrap_or(default), w, index, None)
            }
            _ => scalar(self.plan, g, &mut w.st),
        }
    }

    fn list(
        &self,
        len: &Len,
        item: &Gen,
        unique: Unique,
        w: &mut Worker,
        index: u64,
        forced: Option<u64>,
    ) -> V {
        let mut n = match len {
            Len::Range(lo, hi) => range_u64(&mut w.st.rng, u64::from(*lo), u64::from(*hi)) as usize,
            Len::Weighted { lens, cum } => lens
                .get(pick(&mut w.st.rng, cum))
                .map_or(0, |&n| n as usize),
        };
        if forced.is_some() {
            n = n.max(1);
        }
        let base = w.st.d.arena.len();
        w.st.d.arena.resize(base + n, V::Absent);
        let mut filled = 0;
        for k in 0..n {
            let mut attempts = 0;
            loop {
                let v = match (k, forced) {
                    (0, Some(j)) => self.key_text(w, j),
                    _ => self.value(item, w, index, None),
                };
                let dup = v == V::Absent
                    || (unique != Unique::No
                        && (base..base + filled).any(|p| {
                            w.st.d
                                .arena
                                .get(p)
                                .is_some_and(|&u| same_item(&w.st.d, unique, u, v))
                        }));
                if !dup {
                    if let Some(slot) = w.st.d.arena.get_mut(base + filled) {
                        *slot = v;
                    }
                    filled += 1;
                    break;
                }
                attempts += 1;
                if attempts >= 4 {
                    break;
                }
            }
        }
        V::List(base as u32, filled as u32)
    }

    /// A reference to an earlier document (or, at the profile's rate, to none in the output).
    fn key(&self, k: &KeyGen, w: &mut Worker, index: u64) -> Option<V> {
        let (lo, hi) = k.back;
        let target = if chance(&mut w.st.rng, k.dangling) {
            // Sequence numbers past the end: their keys differ from every key in the output.
            self.count + range_u64(&mut w.st.rng, 0, self.count.max(1))
        } else {
            if index < lo {
                return None;
            }
            index - range_u64(&mut w.st.rng, lo, hi.min(index))
        };
        Some(self.key_text(w, target))
    }

    /// The key of document `j`, appended to the current document's text.
    fn key_text(&self, w: &mut Worker, j: u64) -> V {
        self.load_vars(&mut w.aux, j);
        let start = w.st.d.text.len();
        render(self.plan, &self.plan.key, &w.aux.d, None, &mut w.st.d.text);
        text_value(start, w.st.d.text.len())
    }

    fn inject(&self, st: &Data, index: u64) -> Inject {
        if self.invalid == Prob::NEVER {
            return Inject::None;
        }
        let mut r = self.rng(STREAM_INVALID, index);
        if !chance(&mut r, self.invalid) {
            return Inject::None;
        }
        let (dates, numbers) = count_kinds(st);
        match range_u64(&mut r, 0, 2) {
            1 if dates > 0 => Inject::BadDate(range_u64(&mut r, 0, dates - 1) as u32),
            2 if numbers > 0 => Inject::WrongType(range_u64(&mut r, 0, numbers - 1) as u32),
            _ => {
                let n = self.plan.root.fields.len().max(1) as u64;
                Inject::UnknownField(range_u64(&mut r, 0, n - 1) as usize)
            }
        }
    }
}

fn write_bufs(out: &mut (dyn Write + Send), bufs: &[Vec<u8>]) -> io::Result<()> {
    for b in bufs {
        out.write_all(b)?;
    }
    Ok(())
}

fn text_value(start: usize, end: usize) -> V {
    V::Text(start as u32, end as u32)
}

/// Scalars: values that need neither other documents nor nested structure.
fn scalar(plan: &Plan, g: &Gen, st: &mut State) -> V {
    match g {
        Gen::Const(v) => *v,
        Gen::Choice { lits, cum } => lits
            .get(pick(&mut st.rng, cum))
            .map_or(V::Absent, |&l| V::Lit(l)),
        Gen::Num {
            lo,
            hi,
            step,
            scale,
            log,
        } => {
            let steps = (hi - lo) / step.max(&1);
            let k = if *log {
                log_steps(&mut st.rng, *lo, *step, steps)
            } else {
                range_u64(&mut st.rng, 0, steps as u64) as i64
            };
            number(lo + k * step, *scale)
        }
        Gen::NumFrom {
            src,
            add,
            scale,
            bounds,
            fallback,
        } => match units(lookup(&st.d, src), *scale) {
            Some(u) => {
                let d = range_i64(&mut st.rng, add.0, add.1);
                let mut v = u.saturating_add(d);
                if let Some(min) = bounds.0 {
                    v = v.max(min);
                }
                if let Some(max) = bounds.1 {
                    v = v.min(max);
                }
                number(v, *scale)
            }
            None => scalar(plan, fallback, st),
        },
        Gen::Date { lo, days } => add_days(*lo, range_i64(&mut st.rng, 0, *days)),
        Gen::DateFrom { src, add, fallback } => match lookup(&st.d, src) {
            V::Date(d) => add_days(d, range_i64(&mut st.rng, add.0, add.1)),
            _ => scalar(plan, fallback, st),
        },
        Gen::Copy { src, fallback } => match lookup(&st.d, src) {
            V::Absent | V::Null => scalar(plan, fallback, st),
            V::Text(a, b) => {
                // Copied text must live in this document's buffer; it already does.
                V::Text(a, b)
            }
            v => v,
        },
        Gen::Template(t) => {
            // Rendered aside first: the template may read text already in the buffer.
            let mut tmp = std::mem::take(&mut st.d.scratch);
            tmp.clear();
            render(plan, t, &st.d, Some(&mut st.rng), &mut tmp);
            let start = st.d.text.len();
            st.d.text.push_str(&tmp);
            st.d.scratch = tmp;
            text_value(start, st.d.text.len())
        }
        Gen::Variants { cum, gens } => match gens.get(pick(&mut st.rng, cum)) {
            Some(g) => scalar(plan, g, st),
            None => V::Absent,
        },
        Gen::By {
            src,
            cases,
            default,
        } => {
            let chosen = match lookup(&st.d, src) {
                V::Lit(l) => cases.iter().find(|(c, _)| *c == l).map(|(_, g)| g),
                _ => None,
            };
            scalar(plan, chosen.unwrap_or(default), st)
        }
        // Structure and references are built by the runner; the loader never puts them where
        // only scalars may stand (variables).
        Gen::Key(_) | Gen::Object(_) | Gen::List { .. } => V::Absent,
    }
}

/// Renders a template into `out`. `rng` draws the pool items; `None` for keys (which have none).
fn render(
    plan: &Plan,
    t: &Template,
    st: &Data,
    mut rng: Option<&mut ChaCha8Rng>,
    out: &mut String,
) {
    let start = out.len();
    for p in &t.parts {
        match p {
            Part::Text(s) => out.push_str(s),
            Part::Seq { width } => {
                let _ = write!(out, "{:0width$}", st.seq, width = *width);
            }
            Part::Ref { src, year } => {
                let v = lookup(st, src);
                raw_text(plan, st, v, *year, out);
            }
            Part::Pool(i) => {
                if let (Some(pool), Some(r)) = (plan.pools.get(*i), rng.as_deref_mut()) {
                    let k = range_u64(r, 0, pool.len().saturating_sub(1) as u64) as usize;
                    if let Some(lit) = pool.get(k).and_then(|&l| plan.lits.get(l as usize)) {
                        out.push_str(&lit.raw);
                    }
                }
            }
        }
    }
    if let Some(max) = t.max_len
        && let Some((cut, _)) = out.get(start..).and_then(|s| s.char_indices().nth(max))
    {
        out.truncate(start + cut);
    }
}

fn raw_text(plan: &Plan, st: &Data, v: V, year: bool, out: &mut String) {
    match v {
        V::Lit(l) => {
            if let Some(lit) = plan.lits.get(l as usize) {
                out.push_str(&lit.raw);
            }
        }
        V::Int(n) => {
            let _ = write!(out, "{n}");
        }
        V::Dec(u, s) => out.push_str(&decimal(u, s)),
        V::Date(d) if year => {
            let _ = write!(out, "{}", d.year());
        }
        V::Date(d) => {
            let _ = write!(out, "{d}");
        }
        V::Text(a, b) => {
            if let Some(s) = st.text.get(a as usize..b as usize) {
                out.push_str(s);
            }
        }
        V::Absent | V::Null | V::Obj(_) | V::List(..) => {}
    }
}

fn lookup(st: &Data, r: &Ref) -> V {
    match r {
        Ref::Var(i) => st.vars.get(*i).copied().unwrap_or(V::Absent),
        Ref::Field { up, path } => {
            let Some(&base) = st
                .frames
                .len()
                .checked_sub(1 + up)
                .and_then(|f| st.frames.get(f))
            else {
                return V::Absent;
            };
            let mut obj = base;
            let mut v = V::Absent;
            for (k, &slot) in path.iter().enumerate() {
                v = st
                    .arena
                    .get(obj as usize + slot)
                    .copied()
                    .unwrap_or(V::Absent);
                if k + 1 < path.len() {
                    match v {
                        V::Obj(b) => obj = b,
                        _ => return V::Absent,
                    }
                }
            }
            v
        }
    }
}

fn same_item(st: &Data, unique: Unique, a: V, b: V) -> bool {
    match unique {
        Unique::No => false,
        Unique::Whole => same_value(st, a, b),
        Unique::Field(slot) => match (a, b) {
            (V::Obj(x), V::Obj(y)) => {
                let fx = st.arena.get(x as usize + slot).copied();
                let fy = st.arena.get(y as usize + slot).copied();
                match (fx, fy) {
                    (Some(fx), Some(fy)) => fx != V::Absent && same_value(st, fx, fy),
                    _ => false,
                }
            }
            _ => false,
        },
    }
}

fn same_value(st: &Data, a: V, b: V) -> bool {
    match (a, b) {
        (V::Text(a0, a1), V::Text(b0, b1)) => {
            st.text.get(a0 as usize..a1 as usize) == st.text.get(b0 as usize..b1 as usize)
        }
        _ => a == b,
    }
}

fn count_kinds(st: &Data) -> (u64, u64) {
    let mut dates = 0;
    let mut numbers = 0;
    for v in &st.arena {
        match v {
            V::Date(_) => dates += 1,
            V::Int(_) | V::Dec(..) => numbers += 1,
            _ => {}
        }
    }
    (dates, numbers)
}

// ---- distributions over raw u64 draws ----

fn chance(rng: &mut ChaCha8Rng, p: Prob) -> bool {
    match p.0 {
        0 => false,
        u64::MAX => true,
        t => rng.next_u64() < t,
    }
}

/// Uniform in `lo..=hi` (Lemire's multiply-and-reject: exact, no modulo bias).
fn range_u64(rng: &mut ChaCha8Rng, lo: u64, hi: u64) -> u64 {
    if hi <= lo {
        return lo;
    }
    let span = hi - lo;
    if span == u64::MAX {
        return rng.next_u64();
    }
    let n = span + 1;
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return lo + (m >> 64) as u64;
        }
    }
}

fn range_i64(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    let span = hi.abs_diff(lo);
    lo.wrapping_add(range_u64(rng, 0, span) as i64)
}

/// An index drawn with the given cumulative weights.
fn pick(rng: &mut ChaCha8Rng, cum: &[u64]) -> usize {
    let Some(&total) = cum.last() else { return 0 };
    if total == 0 {
        return 0;
    }
    let x = range_u64(rng, 0, total - 1);
    cum.partition_point(|&c| c <= x)
}

/// Log scale without floating-point functions (whose last bits differ between platforms): an equal
/// chance for each factor of ten above the lower bound, uniform within it. Returns a step count.
fn log_steps(rng: &mut ChaCha8Rng, lo: i64, step: i64, steps: i64) -> i64 {
    let step = step.max(1);
    let first = lo.max(step);
    let mut bounds = Vec::with_capacity(20);
    let mut b = first;
    let top = lo + steps * step;
    while b < top {
        bounds.push(b);
        b = b.saturating_mul(10);
    }
    if bounds.is_empty() {
        return 0;
    }
    let d = range_u64(rng, 0, bounds.len() as u64 - 1) as usize;
    let from = bounds.get(d).copied().unwrap_or(first);
    let to = bounds
        .get(d + 1)
        .map_or(top, |&n| (n - 1).min(top))
        .max(from);
    let v = range_i64(rng, from, to);
    ((v - lo) / step).clamp(0, steps)
}

fn number(units: i64, scale: u8) -> V {
    if scale == 0 {
        V::Int(units)
    } else {
        V::Dec(units, scale)
    }
}

/// A number value in units of `10^-scale`.
fn units(v: V, scale: u8) -> Option<i64> {
    let pow = |s: u8| 10i64.checked_pow(u32::from(s));
    match v {
        V::Int(n) => n.checked_mul(pow(scale)?),
        V::Dec(u, s) if s <= scale => u.checked_mul(pow(scale - s)?),
        V::Dec(u, s) => Some(u / pow(s - scale)?),
        _ => None,
    }
}

fn add_days(d: jiff::civil::Date, days: i64) -> V {
    let span = jiff::SignedDuration::from_hours(days.saturating_mul(24));
    V::Date(d.checked_add(span).unwrap_or(d))
}

/// `units / 10^scale` in shortest decimal form (`15, 1` → `1.5`; `20, 1` → `2`).
pub(crate) fn decimal(units: i64, scale: u8) -> String {
    let pow = 10u64.pow(u32::from(scale.min(18)));
    let neg = units < 0;
    let a = units.unsigned_abs();
    let (int, mut frac) = (a / pow, a % pow);
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let _ = write!(s, "{int}");
    if frac > 0 {
        let mut digits = usize::from(scale);
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(s, ".{frac:0digits$}");
    }
    s
}

// ---- writing ----

struct Writer<'a> {
    plan: &'a Plan,
    st: &'a Data,
    out: &'a mut Vec<u8>,
    inject: Inject,
    dates: u32,
    numbers: u32,
}

impl Writer<'_> {
    fn root(&mut self, o: &ObjPlan, v: V) {
        let V::Obj(base) = v else {
            self.out.extend_from_slice(b"{}");
            return;
        };
        self.object(o, base);
        if let Inject::UnknownField(i) = self.inject
            && let Some(f) = o.fields.get(i)
        {
            // Replace the closing brace with one more member, misspelt (`naem` for `name`).
            self.out.pop();
            if self.out.last() != Some(&b'{') {
                self.out.push(b',');
            }
            let name = misspell(&f.name, o);
            self.out.push(b'"');
            escape_into(self.out, &name);
            self.out.extend_from_slice(b"\":true}");
        }
    }

    fn object(&mut self, o: &ObjPlan, base: u32) {
        self.out.push(b'{');
        let mut first = true;
        for (i, f) in o.fields.iter().enumerate() {
            let v = self
                .st
                .arena
                .get(base as usize + i)
                .copied()
                .unwrap_or(V::Absent);
            if v == V::Absent {
                continue;
            }
            if !first {
                self.out.push(b',');
            }
            first = false;
            self.out.extend_from_slice(f.json_name.as_bytes());
            self.value(&f.make, v);
        }
        self.out.push(b'}');
    }

    fn value(&mut self, g: &Gen, v: V) {
        match v {
            V::Absent | V::Null => self.out.extend_from_slice(b"null"),
            V::Lit(l) => {
                if let Some(lit) = self.plan.lits.get(l as usize) {
                    self.out.extend_from_slice(lit.json.as_bytes());
                }
            }
            V::Int(_) | V::Dec(..) => {
                let wrong = matches!(self.inject, Inject::WrongType(n) if n == self.numbers);
                self.numbers += 1;
                if wrong {
                    self.out.push(b'"');
                }
                match v {
                    V::Int(n) => push_int(self.out, n),
                    V::Dec(u, s) => self.out.extend_from_slice(decimal(u, s).as_bytes()),
                    _ => {}
                }
                if wrong {
                    self.out.push(b'"');
                }
            }
            V::Date(d) => {
                let bad = matches!(self.inject, Inject::BadDate(n) if n == self.dates);
                self.dates += 1;
                self.out.push(b'"');
                push_padded(self.out, i64::from(d.year()), 4);
                if bad {
                    self.out.extend_from_slice(b"-02-30");
                } else {
                    self.out.push(b'-');
                    push_padded(self.out, i64::from(d.month()), 2);
                    self.out.push(b'-');
                    push_padded(self.out, i64::from(d.day()), 2);
                }
                self.out.push(b'"');
            }
            V::Text(a, b) => {
                self.out.push(b'"');
                if let Some(s) = self.st.text.get(a as usize..b as usize) {
                    escape_into(self.out, s);
                }
                self.out.push(b'"');
            }
            V::Obj(base) => match object_plan(g) {
                Some(o) => self.object(o, base),
                None => self.out.extend_from_slice(b"{}"),
            },
            V::List(base, n) => {
                let item = match g {
                    Gen::List { item, .. } => Some(item.as_ref()),
                    _ => None,
                };
                self.out.push(b'[');
                for k in 0..n {
                    if k > 0 {
                        self.out.push(b',');
                    }
                    let iv = self
                        .st
                        .arena
                        .get((base + k) as usize)
                        .copied()
                        .unwrap_or(V::Absent);
                    match item {
                        Some(ig) => self.value(ig, iv),
                        None => self.out.extend_from_slice(b"null"),
                    }
                }
                self.out.push(b']');
            }
        }
    }
}

/// Decimal digits of `n`, without the formatting machinery (this runs millions of times).
fn push_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut x = n.unsigned_abs();
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (x % 10) as u8;
        }
        x /= 10;
        if x == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

/// `n` (0 or more) with at least `width` digits, zero-padded.
fn push_padded(out: &mut Vec<u8>, n: i64, width: usize) {
    let mut digits = 1;
    let mut x = n.max(0);
    while x >= 10 {
        x /= 10;
        digits += 1;
    }
    for _ in digits..width {
        out.push(b'0');
    }
    push_int(out, n.max(0));
}

/// The object plan behind a generator of objects (list items are never wrapped in choices).
fn object_plan(g: &Gen) -> Option<&ObjPlan> {
    match g {
        Gen::Object(o) => Some(o),
        _ => None,
    }
}

/// A name one transposition away from `name` that is no field of `o` (`name` → `naem`).
fn misspell(name: &str, o: &ObjPlan) -> String {
    let chars: Vec<char> = name.chars().collect();
    for i in (0..chars.len().saturating_sub(1)).rev() {
        let mut c = chars.clone();
        c.swap(i, i + 1);
        let s: String = c.into_iter().collect();
        if s != name && o.fields.iter().all(|f| *f.name != *s) {
            return s;
        }
    }
    format!("{name}_x")
}

pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::from_seed([7u8; 32])
    }

    #[test]
    fn ranges_stay_inside_their_bounds() {
        let mut r = rng();
        for _ in 0..10_000 {
            let x = range_u64(&mut r, 3, 9);
            assert!((3..=9).contains(&x));
            let y = range_i64(&mut r, -10, 90);
            assert!((-10..=90).contains(&y));
        }
        assert_eq!(range_u64(&mut r, 5, 5), 5);
    }

    #[test]
    fn weighted_pick_follows_weights() {
        let mut r = rng();
        let cum = [90, 90, 100];
        let mut counts = [0; 3];
        for _ in 0..10_000 {
            counts[pick(&mut r, &cum)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((8_700..9_300).contains(&counts[0]), "{counts:?}");
    }

    #[test]
    fn log_scale_gives_each_decade_an_equal_share() {
        let mut r = rng();
        let mut decades = [0; 4];
        for _ in 0..8_000 {
            let v = 1_000 + log_steps(&mut r, 1_000, 1, 9_999_000);
            assert!((1_000..=10_000_000).contains(&v));
            let d = (v as f64).log10().floor() as usize - 3;
            decades[d.min(3)] += 1;
        }
        for d in &decades[..4] {
            assert!((1_700..2_300).contains(d), "{decades:?}");
        }
    }

    #[test]
    fn integers_and_padding_print_like_format() {
        for n in [0i64, 7, 42, -13, 1_000_000, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            push_int(&mut out, n);
            assert_eq!(String::from_utf8_lossy(&out), n.to_string());
        }
        let mut out = Vec::new();
        push_padded(&mut out, 7, 2);
        push_padded(&mut out, 2026, 4);
        push_padded(&mut out, 33, 4);
        assert_eq!(String::from_utf8_lossy(&out), "0720260033");
    }

    #[test]
    fn decimals_print_in_shortest_form() {
        assert_eq!(decimal(15, 1), "1.5");
        assert_eq!(decimal(20, 1), "2");
        assert_eq!(decimal(-105, 2), "-1.05");
        assert_eq!(decimal(7, 0), "7");
    }

    #[test]
    fn escaping_matches_serde_json() {
        for s in [
            "plain",
            "quote \" and \\ back",
            "line\nbreak\u{1}",
            "Bærum – «ø»",
        ] {
            let mut out = Vec::new();
            out.push(b'"');
            escape_into(&mut out, s);
            out.push(b'"');
            let back: String = serde_json::from_slice(&out).unwrap_or_default();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn probabilities_map_to_exact_thresholds() {
        assert_eq!(Prob::from_f64(0.0), Prob::NEVER);
        assert_eq!(Prob::from_f64(1.0).0, u64::MAX);
        assert_eq!(Prob::from_f64(0.5).0, 1 << 63);
    }
}
