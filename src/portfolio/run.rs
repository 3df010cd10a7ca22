//! The streaming driver: input units in chunks, each chunk validated and evaluated on all cores
//! while the next is read, folded in input order; then the link graph, and a second pass over the
//! documents whose propagated facts changed.

use super::graph::{Index, Node, Propagated};
use super::plan::Plan;
use super::{
    Aggregates, Detail, ErrorLine, FindingRow, Grade, GraphSummary, GroupTable, Judged,
    LinkProblem, ObligationCounts, Options, Portfolio, ReceivedNote, Row, RowOutcome, Timings,
    add_days, status_index, tri_index,
};
use crate::diag::Diagnostics;
use crate::eval::{Buffers, Counts, EvalOptions};
use crate::finding::{RuleInfo, Severity, Status};
use crate::input::{self, Unit};
use crate::rules::{Received, RuleSet};
use crate::schema::Document;
use crate::value::Tree;
use jiff::civil::Date;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a portfolio's documents come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Files, directories and `.jsonl` files, or `-` for standard input, as `check` reads them.
    Paths(Vec<PathBuf>),
    /// One stream read as standard input is (the server's request body).
    Stream(Stream),
}

/// A named stream, read once: the first [`run`] takes it.
#[derive(Clone)]
pub struct Stream(Arc<std::sync::Mutex<Option<Named>>>);

/// A stream's name and reader.
type Named = (String, Box<dyn std::io::BufRead + Send>);

impl Stream {
    pub fn new(name: &str, r: Box<dyn std::io::BufRead + Send>) -> Stream {
        Stream(Arc::new(std::sync::Mutex::new(Some((name.to_string(), r)))))
    }

    fn take(&self) -> Option<Named> {
        self.0.lock().ok()?.take()
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stream")
    }
}

/// Judge every document of `source` and fold the results.
pub fn run(rules: &RuleSet, source: &Source, opts: &Options) -> Portfolio {
    run_inner(rules, source, opts, None)
}

/// Judge every document of `source`, fold the aggregates (as with [`Detail::Aggregates`]), and
/// then hand every input's final [`Row`] (with what `opts.detail` asks for: findings, messages;
/// links resolved and received values applied) to `sink`, in input order, one at a time: a
/// report written as a stream holds no more than a chunk of rows, however many documents there
/// are.
///
/// The rows come from one more pass over the input after the graph is resolved; a portfolio read
/// from standard input is kept in memory for it.
pub fn run_rows(
    rules: &RuleSet,
    source: &Source,
    opts: &Options,
    sink: &mut dyn FnMut(Row),
) -> Portfolio {
    run_rows_refined(rules, source, opts, false, &mut |row, _| sink(row))
}

/// A row's full form, on demand: see [`run_rows_refined`].
pub type Refine<'a> = &'a dyn Fn() -> Option<Row>;

/// What the rows pass makes and where it hands the rows: (their detail, whether messages come on
/// demand, the receiver).
type RowSink<'s> = (Detail, bool, &'s mut dyn FnMut(Row, Refine<'_>));

/// As [`run_rows`]; with `refine`, each row comes without its messages, with a function that
/// evaluates the same document again with them. A report that shows messages for a few of many
/// documents (the most urgent) pays for the messages of those only: they are most of the cost of
/// evaluating a document in full.
pub fn run_rows_refined(
    rules: &RuleSet,
    source: &Source,
    opts: &Options,
    refine: bool,
    sink: &mut dyn FnMut(Row, Refine<'_>),
) -> Portfolio {
    let rows = match opts.detail {
        Detail::Aggregates => Detail::Rows {
            findings: false,
            messages: false,
        },
        rows => rows,
    };
    let opts = Options {
        detail: Detail::Aggregates,
        ..opts.clone()
    };
    run_inner(rules, source, &opts, Some((rows, refine, sink)))
}

/// How the run lists a directory: as `check` does, its own output left out.
fn scan_of(opts: &Options) -> input::Scan {
    input::Scan {
        exclude: Vec::new(),
        skip: opts.skip.clone(),
    }
}

fn run_inner(
    rules: &RuleSet,
    source: &Source,
    opts: &Options,
    mut sink: Option<RowSink<'_>>,
) -> Portfolio {
    let (paths, stream_in) = match source {
        Source::Paths(p) => (p.as_slice(), None),
        Source::Stream(s) => (&[][..], s.take()),
    };
    let scan = scan_of(opts);
    // The files as they were before the first read: a second pass reads them again, and a file
    // changed in between would silently mix two documents' values.
    let stamps: Vec<(&PathBuf, Option<input::Stamp>)> =
        paths.iter().map(|p| (p, input::stamp(p))).collect();
    let started = std::time::Instant::now();
    let mut timings = Timings::default();
    let plan = Plan::new(rules);
    let setup = Setup::new(rules, &plan, opts);
    // Standard input cannot be read twice: keep its units when a second pass may need them.
    let stdin = stream_in.is_some() || paths.iter().any(|p| p.as_path() == Path::new("-"));
    let keep = stdin && (!plan.strata.is_empty() || sink.is_some());
    let mut fold = Fold::new(&setup);

    // Each chunk is folded while the next one is evaluated, so that no core waits for the
    // (sequential) fold.
    let mut pending: Vec<Vec<(Option<Digest>, First)>> = Vec::new();
    let units = match stream_in {
        Some((name, r)) => Units::Reader(name, r),
        None => Units::Paths(paths, &scan),
    };
    let kept = stream(units, None, opts.chunk, keep, |chunk| {
        let previous = std::mem::take(&mut pending);
        let fold = &mut fold;
        let setup = &setup;
        let (outs, ()) = rayon::join(
            || {
                chunk
                    .into_par_iter()
                    .chunks(PHASE)
                    // The trees of a phase's documents, once judged, are the next phase's:
                    // their vectors are allocated once per worker, not per document.
                    .map_init(Vec::<Box<Tree>>::new, |trees, batch| {
                        let schema = setup.rules.schema();
                        let checked: Vec<_> = batch
                            .into_iter()
                            .map(|(i, u)| {
                                let offset = u.offset;
                                let digest = digest(&u);
                                let tree = trees.pop().unwrap_or_default();
                                let c =
                                    input::check_unit_in(schema, setup.rules.catalog(), u, tree);
                                (i, offset, digest, c)
                            })
                            .collect();
                        let mut buffers = Buffers::default();
                        let evaluated: Vec<_> = checked
                            .into_iter()
                            .map(|(i, offset, digest, c)| {
                                (digest, evaluated(setup, i, offset, c, &mut buffers))
                            })
                            .collect();
                        evaluated
                            .into_iter()
                            .map(|(digest, e)| {
                                let (out, tree) = first(setup, e);
                                trees.extend(tree);
                                (digest, out)
                            })
                            .collect::<Vec<(Option<Digest>, First)>>()
                    })
                    // Phase by phase: flattening here would move every result once more.
                    .collect::<Vec<Vec<(Option<Digest>, First)>>>()
            },
            move || {
                for (digest, out) in previous.into_iter().flatten() {
                    fold.read.push(digest);
                    fold.add(out);
                }
            },
        );
        pending = outs;
    });
    for (digest, out) in pending.into_iter().flatten() {
        fold.read.push(digest);
        fold.add(out);
    }

    timings.first_pass = started.elapsed();
    // A waiver naming a document the portfolio does not hold is an error, as in `check`.
    if let Some(w) = setup.waivers {
        let index = &fold.index;
        for d in w.check_keys(&|k| index.get(k).is_some()) {
            let label = d.file_name().unwrap_or_default().to_string();
            fold.errors_total += 1;
            if fold.errors.len() < super::MAX_PROBLEMS {
                fold.errors.push(ErrorLine::of(&label, &d));
            }
        }
    }

    // The graph: resolve links, propagate, and find what must be evaluated again.
    let resolved = fold.index.resolve();
    // Propagation and the link problems each walk a graph of their own, on one core each:
    // `report --timings` on a million documents, graph phase 186–196 ms one after the other,
    // 128–165 ms side by side; peak RSS 223–229 MB and 210–238 MB (three runs each).
    let (propagated, problems) = rayon::join(
        || {
            if fold.index.is_empty() || resolved.is_empty() {
                Propagated::default()
            } else {
                fold.index.propagate(&plan, &resolved)
            }
        },
        || super::linked::link_problems(&plan, &fold.index, &resolved),
    );
    let changed = propagated.changed();
    timings.graph = started.elapsed().saturating_sub(timings.first_pass);
    let mut passes = 1;
    // Tests change a file here, between the passes, to see it noticed (debug builds only).
    #[cfg(debug_assertions)]
    if let Some(p) = std::env::var_os("SAMSTYR_TEST_CHANGE_BETWEEN_PASSES") {
        let _ = std::fs::OpenOptions::new()
            .append(true)
            .open(p)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"\n"));
    }
    let rewritten: Vec<&PathBuf> = stamps
        .iter()
        .filter(|(p, s)| s.is_some() && input::stamp(p) != *s)
        .map(|(p, _)| *p)
        .collect();
    if !changed.is_empty() && !rewritten.is_empty() {
        // Not read again: each document that would have been is an error of its own, and keeps
        // what the first pass found.
        let path = rewritten
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("`, `");
        let d = crate::diag::Diagnostic::new(&input::Changed { path }, None, None);
        for &n in &changed {
            let label = fold.index.label(n);
            fold.errors.push(ErrorLine::of(&label, &d));
        }
    } else if !changed.is_empty() {
        passes = 2;
        let mut moved: Vec<Node> = Vec::new();
        let mut want: Vec<(usize, Node)> =
            changed.iter().map(|&n| (fold.index.unit(n), n)).collect();
        want.sort_unstable();
        match (kept.as_deref(), at_offsets(paths, &fold.index, &want)) {
            // One JSONL file: each wanted line is read where it starts, by the worker that
            // judges it; no reader thread to wait for.
            (None, Some((path, at))) => {
                let reader = input::LineReader::open(path);
                // As in pass 1, each part is folded while the next one is judged: the fold is
                // sequential, and the cores would otherwise wait for it part by part.
                let mut pending: Vec<Again> = Vec::new();
                for part in at.chunks(opts.chunk.max(1)) {
                    let previous = std::mem::take(&mut pending);
                    let (index, agg, rows) = (&fold.index, &mut fold.agg, &mut fold.rows);
                    let (read, moved) = (&fold.read, &mut moved);
                    let (outs, ()) = rayon::join(
                        || {
                            part.par_iter()
                                .map_init(Scratch::default, |scratch, &(i, node, a)| {
                                    let u = reader.read(a);
                                    second(&setup, index, &propagated, read, node, i, u, scratch)
                                })
                                .flatten_iter()
                                .collect::<Vec<Again>>()
                        },
                        move || {
                            for out in previous {
                                match out {
                                    Again::Judged(s) => replace(agg, rows, *s),
                                    Again::Changed(n) => moved.push(n),
                                }
                            }
                        },
                    );
                    pending = outs;
                }
                for out in pending {
                    match out {
                        Again::Judged(s) => fold.replace(*s),
                        Again::Changed(n) => moved.push(n),
                    }
                }
            }
            (kept, _) => {
                let from = match kept {
                    Some(k) => Units::Kept(k),
                    None => Units::Paths(paths, &scan),
                };
                let units: Vec<usize> = want.iter().map(|(u, _)| *u).collect();
                // The node of wanted unit `i`.
                let node_of = |i: usize| {
                    let at = want.binary_search_by_key(&i, |(u, _)| *u).ok()?;
                    want.get(at).map(|&(_, node)| node)
                };
                // The wanted documents are few and spread over the whole input: in small
                // chunks, the workers start on the first ones while the reader is still looking
                // for the rest.
                let small = opts.chunk.min(SECOND_PASS_CHUNK);
                stream(from, Some(&units), small, false, |chunk| {
                    let (index, read) = (&fold.index, &fold.read);
                    let outs: Vec<Option<Again>> = chunk
                        .into_par_iter()
                        .map_init(Scratch::default, |scratch, (i, u)| {
                            let node = node_of(i)?;
                            second(&setup, index, &propagated, read, node, i, u, scratch)
                        })
                        .collect();
                    for out in outs.into_iter().flatten() {
                        match out {
                            Again::Judged(s) => fold.replace(*s),
                            Again::Changed(n) => moved.push(n),
                        }
                    }
                });
            }
        }
        for n in moved {
            let label = fold.index.label(n);
            fold.changed(label);
        }
    }
    timings.second_pass = started
        .elapsed()
        .saturating_sub(timings.first_pass + timings.graph);
    if let Some((detail, refine, sink)) = sink.as_mut() {
        let opts = Options {
            detail: *detail,
            ..opts.clone()
        };
        let refine = *refine;
        // Tests change a file's first document here, between the counting passes and the rows
        // (debug builds only): its text, not its meaning.
        #[cfg(debug_assertions)]
        if let Some(p) = std::env::var_os("SAMSTYR_TEST_CHANGE_BEFORE_ROWS")
            && let Ok(text) = std::fs::read_to_string(&p)
        {
            let _ = std::fs::write(&p, format!(" {text}"));
        }
        let moved = rows_pass(
            rules,
            &plan,
            &opts,
            refine,
            paths,
            kept.as_deref(),
            (&fold.index, &fold.read.each),
            &propagated,
            &problems,
            &mut **sink,
        );
        for label in moved {
            fold.changed(label);
        }
        // A file that changed where no pass read it again still changed during the run.
        let reported: Vec<String> = fold.errors.iter().map(|e| e.label.clone()).collect();
        for (p, s) in &stamps {
            let label = p.display().to_string();
            let of_file = |l: &String| l == &label || l.starts_with(&format!("{label}:"));
            if s.is_some() && input::stamp(p) != *s && !reported.iter().any(of_file) {
                fold.changed(label);
            }
        }
    }
    fold.finish(problems, &propagated, passes, timings)
}

/// The pass that makes rows for a streamed report: every unit again, evaluated in full with the
/// values it receives, in input order. Each unit is compared with what pass 1 read (`each`, its
/// digests): one that reads differently is handed over as an invalid row that says so, not as
/// its new version beside counts of its old one. Returns the labels of those, and of the end of
/// an input that now has more or fewer units.
#[allow(clippy::too_many_arguments)]
fn rows_pass(
    rules: &RuleSet,
    plan: &Plan,
    opts: &Options,
    refine: bool,
    paths: &[PathBuf],
    kept: Option<&[Unit]>,
    (index, each): (&Index, &[u64]),
    propagated: &Propagated,
    problems: &[(Vec<Node>, LinkProblem)],
    sink: &mut dyn FnMut(Row, Refine<'_>),
) -> Vec<String> {
    let lean = match (refine, opts.detail) {
        (true, Detail::Rows { findings, .. }) => Options {
            detail: Detail::Rows {
                findings,
                messages: false,
            },
            ..opts.clone()
        },
        _ => opts.clone(),
    };
    let setup = Setup::new(rules, plan, &lean);
    let full = Setup::new(rules, plan, opts);
    // The link problems of each document, from the graph's list (small: one entry per problem
    // member).
    let mut by_node: std::collections::HashMap<Node, Vec<&LinkProblem>> =
        std::collections::HashMap::new();
    for (members, problem) in problems {
        for &m in members {
            by_node.entry(m).or_default().push(problem);
        }
    }
    let scan = scan_of(opts);
    let from = match kept {
        Some(k) => Units::Kept(k),
        None => Units::Paths(paths, &scan),
    };
    let groups = plan.groups.len();
    let mut moved: Vec<String> = Vec::new();
    let mut seen = 0usize;
    let mut last = String::new();
    stream(from, None, opts.chunk, false, |chunk| {
        let rows: Vec<(Row, usize, Option<Unit>, bool)> = chunk
            .into_par_iter()
            .map_init(Scratch::default, |scratch, (i, u)| {
                if !same_as(each, i, &u) {
                    let label = u.label.to_string();
                    let d = crate::diag::Diagnostic::new(
                        &ChangedDuringRun {
                            label: label.clone(),
                        },
                        None,
                        None,
                    );
                    let row = Row {
                        key: None,
                        title: None,
                        groups: vec![None; groups],
                        outcome: RowOutcome::Invalid(vec![ErrorLine::of(&label, &d)]),
                        label,
                    };
                    return (row, i, None, true);
                }
                // The unit's text is shared, not copied: kept for a second look if asked for.
                let again = refine.then(|| copy_unit(&u));
                let row = final_row(&setup, index, propagated, &by_node, groups, i, u, scratch);
                (row, i, again, false)
            })
            .collect();
        for (row, i, again, changed) in rows {
            seen = seen.max(i + 1);
            last.clone_from(&row.label);
            if changed {
                moved.push(row.label.clone());
            }
            let full_row = || {
                let u = again.as_ref()?;
                let mut scratch = Scratch::default();
                let u = copy_unit(u);
                Some(final_row(
                    &full,
                    index,
                    propagated,
                    &by_node,
                    groups,
                    i,
                    u,
                    &mut scratch,
                ))
            };
            sink(row, &full_row);
        }
    });
    // Units beyond pass 1's were already reported one by one (they have no digest); fewer units
    // than pass 1 read means the input lost its end.
    if seen < each.len() {
        let path = match last.rsplit_once(':') {
            Some((p, l)) if l.bytes().all(|b| b.is_ascii_digit()) => p.to_string(),
            _ => last,
        };
        moved.push(path);
    }
    moved
}

/// One unit's final row: evaluated with the values it receives, its findings marked where those
/// change them, its link problems attached.
#[allow(clippy::too_many_arguments)]
fn final_row(
    setup: &Setup<'_>,
    index: &Index,
    propagated: &Propagated,
    problems: &std::collections::HashMap<Node, Vec<&LinkProblem>>,
    groups: usize,
    unit: usize,
    u: Unit,
    scratch: &mut Scratch,
) -> Row {
    let tree = std::mem::take(&mut scratch.tree);
    let schema = setup.rules.schema();
    let checked = input::check_unit_in(schema, setup.rules.catalog(), u, tree);
    let label = checked.label.to_string();
    let invalid = |label: String, errors: Vec<ErrorLine>| Row {
        label,
        key: None,
        title: None,
        groups: vec![None; groups],
        outcome: RowOutcome::Invalid(errors),
    };
    let doc = match checked.result {
        Ok(doc) => doc,
        Err(d) => {
            let errors = d.iter().map(|x| ErrorLine::of(&label, x)).collect();
            return invalid(label, errors);
        }
    };
    // The first document with a key is the one in the graph; a later one is a duplicate, as
    // pass 1 found.
    let node = index.get(&doc.key);
    if let Some(first) = node.filter(|&n| index.unit(n) != unit) {
        let at = input::key_at(schema, &doc);
        let d = input::duplicate_key(schema, &doc.source, at, &doc.key, index.label(first));
        let e = ErrorLine::of(&label, &d);
        return invalid(label, vec![e]);
    }
    let (received, notes) = match node {
        Some(n) => super::linked::received_by(setup.plan, index, propagated, n),
        None => (Vec::new(), Vec::new()),
    };
    let links = setup.plan.links_of(&doc);
    let mut counts = Counts::default();
    let buffers = &mut scratch.buffers;
    let mut used = Vec::new();
    let alone = outcome(setup, &doc, &[], &mut counts, buffers, &mut used);
    let mut d = judge(setup, &doc, doc.key.clone(), &counts, alone, &links, used);
    if !received.is_empty() {
        let old = d;
        counts = Counts::default();
        let mut used = Vec::new();
        let with = outcome(setup, &doc, &received, &mut counts, buffers, &mut used);
        d = judge(setup, &doc, doc.key.clone(), &counts, with, &links, used);
        for (f, a) in d.judged.findings.iter_mut().zip(&old.judged.findings) {
            f.by_links = a.status != f.status;
        }
        d.judged.headline_by_links = old.judged.headline != d.judged.headline;
        d.judged.received = notes;
    }
    if let Some(list) = node.and_then(|n| problems.get(&n)) {
        d.judged.problems = list.iter().map(|p| (*p).clone()).collect();
    }
    scratch.tree = doc.tree;
    scratch.tree.clear();
    Row {
        label,
        key: Some(d.key),
        title: d.title,
        groups: d.groups,
        outcome: RowOutcome::Judged(Box::new(d.judged)),
    }
}

/// Per wanted unit of a JSONL file: its input ordinal, its node and where it is.
type LinesAt = Vec<(usize, Node, input::LineAt)>;

/// When the input is one JSONL file and the first pass recorded where each wanted line starts:
/// the file and where to read each wanted unit.
fn at_offsets<'p>(
    paths: &'p [PathBuf],
    index: &Index,
    want: &[(usize, Node)],
) -> Option<(&'p Path, LinesAt)> {
    let [path] = paths else { return None };
    if !input::is_jsonl(path) {
        return None;
    }
    let at = want
        .iter()
        .map(|&(unit, n)| {
            let offset = index.offset(n)?;
            let at = input::LineAt {
                offset,
                line: index.line(n)?,
                // Nodes are in input order: the next one starts after this line ends.
                within: index
                    .offset(n + 1)
                    .and_then(|next| next.checked_sub(offset)),
            };
            Some((unit, n, at))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((path.as_path(), at))
}

/// Units per phase: a worker validates this many units, then evaluates them, then judges them
/// (links, truth tables, tallies). Each stage's code then stays in the instruction cache for the
/// whole phase, and the phase's trees in the data caches. Cachegrind, one worker, 5 000
/// documents: one unit at a time through all three stages gave 3.91 M L1 instruction misses;
/// validating, then evaluating and judging, 1.59 M; the three stages apart, 0.72 M.
const PHASE: usize = 32;

/// Units per chunk of the second pass at most. `report --timings` on the 100 000 generated
/// documents (7 794 of them evaluated again): second pass 78–84 ms with chunks of 4 096, 67–71 ms
/// with chunks of 256 (five runs each, alternating).
const SECOND_PASS_CHUNK: usize = 256;

/// Where a pass reads its units.
enum Units<'p> {
    /// Paths, directories listed as the scan says.
    Paths(&'p [PathBuf], &'p input::Scan),
    /// Units kept from the first pass (standard input).
    Kept(&'p [Unit]),
    /// One stream, read as standard input is.
    Reader(String, Box<dyn std::io::BufRead + Send>),
}

/// Reads units on a thread of its own, in chunks of `n` with their input ordinals (only the
/// ordinals in `want`, sorted, when given), and hands each chunk to `each` on this thread while
/// the next is read. With `keep`, returns a copy of every unit read.
fn stream(
    from: Units<'_>,
    want: Option<&[usize]>,
    n: usize,
    keep: bool,
    mut each: impl FnMut(Vec<(usize, Unit)>),
) -> Option<Vec<Unit>> {
    let n = n.max(1);
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(usize, Unit)>>(2);
        let reader = s.spawn(move || {
            let mut kept = keep.then(Vec::new);
            let units: Box<dyn Iterator<Item = (usize, Unit)>> = match from {
                Units::Paths(p, scan) => {
                    let sources = input::sources_with(p, scan.clone());
                    match want {
                        // Only the wanted units are decoded; the others are counted and skipped.
                        Some(w) => Box::new(sources.only(w.to_vec()).enumerate()),
                        None => Box::new(sources.enumerate()),
                    }
                }
                Units::Kept(v) => Box::new(v.iter().map(copy_unit).enumerate()),
                Units::Reader(name, r) => Box::new(input::reader(&name, r).enumerate()),
            };
            let mut chunk = Vec::with_capacity(n);
            for (i, u) in units {
                if let Some(k) = kept.as_mut() {
                    k.push(copy_unit(&u));
                }
                if want.is_some_and(|w| w.binary_search(&i).is_err()) {
                    continue;
                }
                chunk.push((i, u));
                if chunk.len() >= n
                    && tx
                        .send(std::mem::replace(&mut chunk, Vec::with_capacity(n)))
                        .is_err()
                {
                    return kept;
                }
            }
            if !chunk.is_empty() {
                let _ = tx.send(chunk);
            }
            kept
        });
        for chunk in rx {
            each(chunk);
        }
        reader.join().ok().flatten()
    })
}

fn copy_unit(u: &Unit) -> Unit {
    Unit {
        label: u.label.clone(),
        source: u.source.clone(),
        offset: u.offset,
    }
}

/// Parse every unit as generic JSON and nothing more, with the same reading, chunking and
/// threads as [`run`]: the floor a portfolio run is measured against. Returns (documents parsed,
/// inputs that were not JSON objects).
pub fn parse_only(paths: &[PathBuf], chunk: usize) -> (u64, u64) {
    let (mut ok, mut bad) = (0u64, 0u64);
    stream(
        Units::Paths(paths, &input::Scan::default()),
        None,
        chunk,
        false,
        |units| {
            let (a, b) = units
                .into_par_iter()
                .map(|(_, u)| match u.source {
                    Ok(s) => match serde_json::from_str::<serde_json::Value>(s.text()) {
                        Ok(v) => (u64::from(v.is_object()), u64::from(!v.is_object())),
                        Err(_) => (0, 1),
                    },
                    Err(_) => (0, 1),
                })
                .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            ok += a;
            bad += b;
        },
    );
    (ok, bad)
}

/// The run's setup: the rule set, the plan and what the options ask for, which every worker
/// reads and none changes (not the evaluator's per-document `expr::Ctx`).
struct Setup<'a> {
    rules: &'a RuleSet,
    plan: &'a Plan,
    as_of: Date,
    upcoming_until: Date,
    eval: EvalOptions,
    rows: bool,
    findings: bool,
    obligations: Vec<Arc<RuleInfo>>,
    /// Facts of the rule set: with the obligations, what a document's [`Counts`] hold at least.
    facts: usize,
    waivers: Option<&'a crate::waiver::Waivers>,
}

impl<'a> Setup<'a> {
    fn new(rules: &'a RuleSet, plan: &'a Plan, opts: &'a Options) -> Self {
        let (rows, findings, messages) = match opts.detail {
            Detail::Aggregates => (false, false, false),
            Detail::Rows { findings, messages } => (true, findings, messages),
        };
        Setup {
            rules,
            plan,
            as_of: opts.as_of,
            upcoming_until: add_days(opts.as_of, super::UPCOMING_DAYS),
            // Only rows of findings evaluate fully (counting takes `count_received`); they show
            // items and missing fields.
            eval: EvalOptions {
                messages,
                evidence: false,
                locate: true,
                remedies: false,
            },
            rows,
            findings,
            obligations: rules.obligations().cloned().collect(),
            facts: rules.facts().count(),
            waivers: opts.waivers.as_deref().filter(|w| !w.is_empty()),
        }
    }
}

/// One finding reduced to what the counters need.
#[derive(Debug, Clone, Copy)]
struct Tally {
    obligation: u16,
    status: Status,
    severity: Option<Severity>,
    overdue: bool,
    upcoming: bool,
}

/// A judged document before it is folded.
#[derive(Debug)]
struct Doc {
    key: String,
    title: Option<String>,
    groups: Vec<Option<String>>,
    judged: Judged,
    tallies: Vec<Tally>,
    /// Findings by severity (must, should), then status; findings without a severity are not
    /// counted here.
    by_severity: [[u32; 6]; 2],
    /// Per finding a waiver covers, that waiver's position in file order.
    waivers_used: Vec<u16>,
}

enum First {
    Invalid {
        label: String,
        errors: Vec<ErrorLine>,
    },
    Valid {
        unit: usize,
        /// Where the unit's line starts in its JSONL file.
        offset: Option<u64>,
        label: input::Label,
        doc: Box<Doc>,
        /// The key's hash in the graph index.
        hash: u64,
        links: Vec<(u8, Box<str>)>,
        truths: Vec<u8>,
        /// For a duplicate key: the document's text and where its key starts in it.
        place: (crate::source::SourceFile, usize),
    },
}

/// A unit of pass 1, validated and evaluated: the stage between [`evaluated`] and [`first`].
/// The two stages run one after the other over a phase's units (see [`PHASE`]).
struct Evaluated {
    unit: usize,
    /// Where the unit's line starts in its JSONL file.
    offset: Option<u64>,
    label: input::Label,
    doc: Result<(Document, Counts, Vec<FindingRow>, Vec<u16>), Diagnostics>,
}

/// Pass 1 on one unit, validated: its evaluation.
fn evaluated(
    setup: &Setup<'_>,
    unit: usize,
    offset: Option<u64>,
    checked: input::Checked,
    buffers: &mut Buffers,
) -> Evaluated {
    let doc = checked.result.map(|doc| {
        // A document's counts outlive its evaluation (until it is judged), so they cannot be
        // lent from one document to the next; sized at once, they are allocated once, not
        // grown four times. An obligation over a list has a finding per item: room for some.
        let mut counts = Counts {
            facts: Vec::with_capacity(setup.facts),
            findings: Vec::with_capacity(setup.obligations.len() * 3 / 2),
            ..Counts::default()
        };
        let mut used = Vec::new();
        let rows = outcome(setup, &doc, &[], &mut counts, buffers, &mut used);
        (doc, counts, rows, used)
    });
    Evaluated {
        unit,
        offset,
        label: checked.label,
        doc,
    }
}

/// Pass 1 on one unit, evaluated: its links, truth table and tallies, and the document's tree
/// for the next document.
fn first(setup: &Setup<'_>, e: Evaluated) -> (First, Option<Box<Tree>>) {
    let Evaluated {
        unit,
        offset,
        label,
        doc,
    } = e;
    let (doc, counts, rows, used) = match doc {
        Ok(d) => d,
        Err(d) => {
            let label = label.to_string();
            let out = First::Invalid {
                errors: d.iter().map(|x| ErrorLine::of(&label, x)).collect(),
                label,
            };
            return (out, None);
        }
    };
    let links = setup.plan.links_of(&doc);
    let truths = setup.plan.truths(
        setup.rules,
        &doc,
        &setup.plan.own(&counts.facts),
        &links,
        setup.as_of,
    );
    // The document's key and text move on rather than being copied.
    let mut doc = doc;
    let key = std::mem::take(&mut doc.key);
    let judged = judge(setup, &doc, key, &counts, rows, &links, used);
    let key_at = input::key_at(setup.rules.schema(), &doc);
    let Document {
        source, mut tree, ..
    } = doc;
    // Emptied now, so that a tree waiting for the next document holds no block of text.
    tree.clear();
    let out = First::Valid {
        unit,
        offset,
        hash: super::graph::hash_key(&judged.key),
        place: (source, key_at),
        label,
        doc: Box::new(judged),
        links,
        truths,
    };
    (out, Some(tree))
}

/// Evaluate one document into `counts`, and, when rows of findings are wanted, build them (from
/// a full evaluation; counting alone takes the lean [`RuleSet::count_received`]).
///
/// A document some waiver names is evaluated in full whatever is asked for: the waivers are
/// applied to its findings (items and all) before they are counted, as `check` applies them.
/// `used` gets, per finding a waiver covers, that waiver's position.
fn outcome(
    setup: &Setup<'_>,
    doc: &Document,
    received: &[Received],
    counts: &mut Counts,
    buffers: &mut Buffers,
    used: &mut Vec<u16>,
) -> Vec<FindingRow> {
    let waivers = setup.waivers.filter(|w| w.names(&doc.key));
    if !setup.findings && waivers.is_none() {
        setup
            .rules
            .count_received(doc, setup.as_of, received, counts, buffers);
        return Vec::new();
    }
    let mut e = setup
        .rules
        .evaluate_received(doc, setup.as_of, &setup.eval, received);
    if let Some(w) = waivers {
        *used = w.apply_to(setup.as_of, &doc.key, &mut e.findings);
    }
    counts.reduce(setup.rules, &e);
    if !setup.findings {
        return Vec::new();
    }
    let mut cursor = 0;
    e.findings
        .iter()
        .map(|f| {
            // Rows outlive the evaluation: they share the rule set's handles.
            let o = setup
                .rules
                .obligation_of(f.rule, &mut cursor)
                .map(|(_, o)| o);
            FindingRow {
                rule: o.map_or_else(|| Arc::new(f.rule.clone()), |o| o.info.clone()),
                item: f
                    .item
                    .as_ref()
                    .map(|i| i.label.clone().unwrap_or_else(|| i.pointer.clone())),
                status: f.status,
                deadline: f.deadline,
                message: f.message.clone(),
                missing: f.missing.iter().map(|m| m.pointer.clone()).collect(),
                by_links: false,
                waiver: f.waiver.clone(),
                assumptions: f
                    .assumptions
                    .iter()
                    .map(|&a| {
                        o.and_then(|o| o.assumptions.iter().find(|(h, _)| std::ptr::eq(&**h, a)))
                            .map_or_else(|| Arc::new(a.clone()), |(h, _)| h.clone())
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A document's evaluation, reduced to a row and tallies; `key` is the document's key (its
/// document's own may have been moved out).
fn judge(
    setup: &Setup<'_>,
    doc: &Document,
    key: String,
    counted: &Counts,
    findings: Vec<FindingRow>,
    links: &[(u8, Box<str>)],
    waivers_used: Vec<u16>,
) -> Doc {
    let mut tallies = Vec::with_capacity(counted.findings.len());
    let mut counts = [0u32; 6];
    let mut by_severity = [[0u32; 6]; 2];
    let mut violated = [0u32; 2];
    let (mut overdue, mut upcoming, mut waived) = (0u32, 0u32, 0u32);
    let mut next_deadline: Option<Date> = None;
    for f in &counted.findings {
        let severity = setup
            .obligations
            .get(usize::from(f.obligation))
            .and_then(|o| o.severity);
        let is_overdue = matches!(f.status, Status::Violated | Status::Unknown)
            && f.deadline.is_some_and(|d| d < setup.as_of);
        let is_upcoming = f.status == Status::Pending
            && f.deadline
                .is_some_and(|d| d >= setup.as_of && d <= setup.upcoming_until);
        if let Some(c) = counts.get_mut(status_index(f.status)) {
            *c += 1;
        }
        let sev = match severity {
            Some(Severity::Must) => Some(0),
            Some(Severity::Should) => Some(1),
            None => None,
        };
        if let Some(x) = sev
            .and_then(|i| by_severity.get_mut(i))
            .and_then(|r| r.get_mut(status_index(f.status)))
        {
            *x += 1;
        }
        if f.status == Status::Violated {
            let sev = usize::from(severity == Some(Severity::Should));
            if let Some(v) = violated.get_mut(sev) {
                *v += 1;
            }
        }
        overdue += u32::from(is_overdue);
        upcoming += u32::from(is_upcoming);
        waived += u32::from(f.status == Status::Waived);
        if f.status == Status::Pending
            && let Some(d) = f.deadline
        {
            next_deadline = Some(next_deadline.map_or(d, |n| n.min(d)));
        }
        tallies.push(Tally {
            obligation: f.obligation,
            status: f.status,
            severity,
            overdue: is_overdue,
            upcoming: is_upcoming,
        });
    }
    let grade = Grade::of(tallies.iter().map(|t| (t.status, t.severity)));
    let link_names = if setup.rows {
        links
            .iter()
            .map(|(f, k)| {
                let field = setup
                    .plan
                    .links
                    .get(*f as usize)
                    .map(|l| l.name.clone())
                    .unwrap_or_default();
                (field, k.to_string())
            })
            .collect()
    } else {
        Vec::new()
    };
    Doc {
        key,
        // Only tables of documents show titles.
        title: setup
            .plan
            .title
            .as_ref()
            .filter(|_| setup.rows)
            .and_then(|t| t.get_str(doc))
            .map(str::to_string),
        groups: setup
            .plan
            .groups
            .iter()
            .map(|g| g.get_str(doc).map(str::to_string))
            .collect(),
        judged: Judged {
            headline: counted.headline,
            headline_by_links: false,
            grade,
            counts,
            violated,
            overdue,
            upcoming,
            waived,
            next_deadline,
            findings,
            received: Vec::new(),
            links: link_names,
            problems: Vec::new(),
        },
        tallies,
        by_severity,
        waivers_used,
    }
}

/// Pass 2 on one document: its old contribution and its new one.
struct Second {
    unit: usize,
    old: Doc,
    new: Doc,
    notes: Vec<ReceivedNote>,
}

/// What a worker of pass 2 keeps from one document to the next: the last document's tree and
/// the evaluation's vectors, so that they are not allocated per document.
#[derive(Default)]
struct Scratch {
    tree: Box<Tree>,
    buffers: Buffers,
}

/// What pass 2 makes of one document: its judgement, or the finding that it reads differently
/// than in pass 1.
enum Again {
    Judged(Box<Second>),
    Changed(Node),
}

#[allow(clippy::too_many_arguments)]
fn second(
    setup: &Setup<'_>,
    index: &Index,
    propagated: &Propagated,
    read: &Read,
    node: Node,
    unit: usize,
    u: Unit,
    scratch: &mut Scratch,
) -> Option<Again> {
    if !read.same(unit, &u) {
        return Some(Again::Changed(node));
    }
    let tree = std::mem::take(&mut scratch.tree);
    let doc = input::check_unit_in(setup.rules.schema(), setup.rules.catalog(), u, tree)
        .result
        .ok()?;
    let (received, notes) = super::linked::received_by(setup.plan, index, propagated, node);
    let links = setup.plan.links_of(&doc);
    let mut counts = Counts::default();
    let buffers = &mut scratch.buffers;
    let mut used = Vec::new();
    let before_rows = outcome(setup, &doc, &[], &mut counts, buffers, &mut used);
    let old = judge(
        setup,
        &doc,
        doc.key.clone(),
        &counts,
        before_rows,
        &links,
        used,
    );
    let mut used = Vec::new();
    let after_rows = outcome(setup, &doc, &received, &mut counts, buffers, &mut used);
    let mut new = judge(
        setup,
        &doc,
        doc.key.clone(),
        &counts,
        after_rows,
        &links,
        used,
    );
    scratch.tree = doc.tree;
    scratch.tree.clear();
    for (f, a) in new
        .judged
        .findings
        .iter_mut()
        .zip(old.judged.findings.iter())
    {
        f.by_links = a.status != f.status;
    }
    Some(Again::Judged(Box::new(Second {
        unit,
        old,
        new,
        notes,
    })))
}

/// The fold, in input order.
struct Fold<'c> {
    setup: &'c Setup<'c>,
    ordinal: usize,
    agg: Aggregates,
    index: Index,
    rows: Vec<Row>,
    errors: Vec<ErrorLine>,
    errors_total: u64,
    /// What pass 1 read, unit by unit.
    read: Read,
}

impl<'c> Fold<'c> {
    fn new(setup: &'c Setup<'c>) -> Self {
        let agg = Aggregates {
            obligations: vec![ObligationCounts::default(); setup.obligations.len()],
            groups: vec![GroupTable::default(); setup.plan.groups.len()],
            waiver_uses: vec![0; setup.waivers.map_or(0, |w| w.iter().count())],
            ..Aggregates::default()
        };
        Fold {
            setup,
            ordinal: 0,
            agg,
            index: Index::new(setup.plan.stride),
            rows: Vec::new(),
            errors: Vec::new(),
            errors_total: 0,
            read: Read::default(),
        }
    }

    /// An input that a later pass read differently than pass 1: an error of its own, so that a
    /// report never mixes two versions of it silently.
    fn changed(&mut self, label: String) {
        let d = crate::diag::Diagnostic::new(
            &ChangedDuringRun {
                label: label.clone(),
            },
            None,
            None,
        );
        self.errors_total += 1;
        if self.errors.len() < super::MAX_PROBLEMS {
            self.errors.push(ErrorLine::of(&label, &d));
        }
    }

    fn invalid(&mut self, label: String, errors: Vec<ErrorLine>) {
        self.agg.inputs += 1;
        self.agg.invalid += 1;
        self.agg.grades[Grade::Invalid.index()] += 1;
        self.errors_total += errors.len() as u64;
        let room = super::MAX_PROBLEMS.saturating_sub(self.errors.len());
        self.errors.extend(errors.iter().take(room).cloned());
        if self.setup.rows {
            self.rows.push(Row {
                label,
                key: None,
                title: None,
                groups: vec![None; self.setup.plan.groups.len()],
                outcome: RowOutcome::Invalid(errors),
            });
        }
    }

    fn add(&mut self, out: First) {
        self.ordinal += 1;
        match out {
            First::Invalid { label, errors } => self.invalid(label, errors),
            First::Valid {
                unit,
                offset,
                label,
                doc,
                hash,
                links,
                truths,
                place,
            } => {
                let at = (unit, offset);
                let inserted = self
                    .index
                    .insert_hashed(&doc.key, hash, &label, at, links, &truths);
                if let Err(first) = inserted {
                    let schema = self.setup.rules.schema();
                    let first = self.index.label(first);
                    let d = input::duplicate_key(schema, &place.0, place.1, &doc.key, first);
                    let label = label.to_string();
                    let e = ErrorLine::of(&label, &d);
                    self.invalid(label, vec![e]);
                    return;
                }
                self.agg.inputs += 1;
                self.agg.evaluated += 1;
                tally(&mut self.agg, &doc, 1);
                if self.setup.rows {
                    let Doc {
                        key,
                        title,
                        groups,
                        judged,
                        ..
                    } = *doc;
                    self.rows.push(Row {
                        label: label.to_string(),
                        key: Some(key),
                        title,
                        groups,
                        outcome: RowOutcome::Judged(Box::new(judged)),
                    });
                }
            }
        }
    }

    fn replace(&mut self, s: Second) {
        replace(&mut self.agg, &mut self.rows, s);
    }

    fn finish(
        mut self,
        problems: Vec<(Vec<Node>, LinkProblem)>,
        propagated: &Propagated,
        passes: u8,
        timings: Timings,
    ) -> Portfolio {
        let ix = &self.index;
        let plan = self.setup.plan;
        let mut graph = GraphSummary {
            links: ix.link_count() as u64,
            ..GraphSummary::default()
        };
        for (members, problem) in problems {
            match &problem {
                LinkProblem::Dangling { field, target } => {
                    graph.dangling_total += members.len() as u64;
                    let room = super::MAX_PROBLEMS.saturating_sub(graph.dangling.len());
                    for &n in members.iter().take(room) {
                        graph
                            .dangling
                            .push((ix.key(n).to_string(), field.clone(), target.clone()));
                    }
                }
                LinkProblem::Cycle { field, path } => {
                    graph.cycles_total += 1;
                    if graph.cycles.len() < super::MAX_PROBLEMS {
                        graph.cycles.push((field.clone(), path.clone()));
                    }
                }
                LinkProblem::OnCycle { .. } => {}
            }
            for &m in &members {
                if let Some(j) = self.rows.get_mut(ix.unit(m)).and_then(row_judged) {
                    j.problems.push(problem.clone());
                }
            }
        }
        graph.received = plan
            .strata
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let n = propagated.notes.iter().filter(|n| n.stratum == j).count();
                (s.id.clone(), n as u64)
            })
            .collect();
        let reevaluated = propagated.changed().len() as u64;
        let input_sha256 = self.read.input_sha256();
        let waivers = self
            .setup
            .waivers
            .map(|w| w.uses(self.setup.as_of, &self.agg.waiver_uses))
            .unwrap_or_default();
        Portfolio {
            input_sha256,
            waivers,
            as_of: self.setup.as_of,
            aggregates: self.agg,
            rows: self.rows,
            errors: self.errors,
            errors_total: self.errors_total,
            graph,
            passes,
            reevaluated,
            timings,
        }
    }
}

/// Pass 2's judgement of one document in place of pass 1's: in the aggregates, and in its row
/// when there are rows. A function of the fold's parts, so that it can run beside workers that
/// read the fold's index.
fn replace(agg: &mut Aggregates, rows: &mut [Row], s: Second) {
    tally(agg, &s.old, -1);
    tally(agg, &s.new, 1);
    if s.old.judged.headline != s.new.judged.headline {
        agg.headline_received += 1;
    }
    if let Some(row) = rows.get_mut(s.unit) {
        let mut judged = s.new.judged;
        judged.headline_by_links = s.old.judged.headline != judged.headline;
        judged.received = s.notes;
        row.outcome = RowOutcome::Judged(Box::new(judged));
    }
}

fn row_judged(r: &mut Row) -> Option<&mut Judged> {
    match &mut r.outcome {
        RowOutcome::Judged(j) => Some(j),
        RowOutcome::Invalid(_) => None,
    }
}

fn bump(x: &mut u64, sign: i64) {
    *x = x.wrapping_add_signed(sign);
}

/// Add (`sign` 1) or take back (`-1`) one document's contribution. What the document's judge
/// already summed (statuses, severities, overdue, upcoming) is added whole; only the counts by
/// obligation go finding by finding.
fn tally(agg: &mut Aggregates, d: &Doc, sign: i64) {
    let j = &d.judged;
    let add = |x: &mut u64, n: u32| *x = x.wrapping_add_signed(sign * i64::from(n));
    if let Some(g) = agg.grades.get_mut(j.grade.index()) {
        bump(g, sign);
    }
    if let Some(h) = j.headline
        && let Some(x) = agg.headline.get_mut(tri_index(h))
    {
        bump(x, sign);
    }
    for (x, &n) in agg.by_status.iter_mut().zip(&j.counts) {
        add(x, n);
    }
    for (row, counts) in agg.by_severity.iter_mut().zip(&d.by_severity) {
        for (x, &n) in row.iter_mut().zip(counts) {
            add(x, n);
        }
    }
    add(&mut agg.overdue, j.overdue);
    add(&mut agg.upcoming, j.upcoming);
    add(&mut agg.waived, j.waived);
    if j.waived > 0 {
        bump(&mut agg.with_waived, sign);
    }
    for &w in &d.waivers_used {
        if let Some(x) = agg.waiver_uses.get_mut(usize::from(w)) {
            bump(x, sign);
        }
    }
    for (x, &n) in agg.with_status.iter_mut().zip(&j.counts) {
        if n > 0 {
            bump(x, sign);
        }
    }
    for t in &d.tallies {
        if let Some(o) = agg.obligations.get_mut(t.obligation as usize) {
            if let Some(x) = o.by_status.get_mut(status_index(t.status)) {
                bump(x, sign);
            }
            if t.overdue {
                bump(&mut o.overdue, sign);
            }
            if t.upcoming {
                bump(&mut o.upcoming, sign);
            }
            if t.status == Status::Waived {
                bump(&mut o.waived, sign);
            }
        }
    }
    let violated = d
        .by_severity
        .map(|r| r.get(status_index(Status::Violated)).copied().unwrap_or(0));
    for (table, value) in agg.groups.iter_mut().zip(d.groups.iter()) {
        // Most documents share a value already seen: one look-up, and a key allocated only
        // for a new value.
        let c = match table.values.get_mut(value) {
            Some(c) => c,
            None => table.values.entry(value.clone()).or_default(),
        };
        bump(&mut c.documents, sign);
        if let Some(h) = j.headline
            && let Some(x) = c.headline.get_mut(tri_index(h))
        {
            bump(x, sign);
        }
        if let Some(x) = c.grades.get_mut(j.grade.index()) {
            bump(x, sign);
        }
        for (x, &n) in c.by_status.iter_mut().zip(&j.counts) {
            add(x, n);
        }
        for (x, n) in c.violated.iter_mut().zip(violated) {
            add(x, n);
        }
        c.overdue = c.overdue.wrapping_add_signed(sign * i64::from(j.overdue));
        add(&mut c.waived, j.waived);
        if j.waived > 0 {
            bump(&mut c.with_waived, sign);
        }
        for (x, &n) in c.with_status.iter_mut().zip(&j.counts) {
            if n > 0 {
                bump(x, sign);
            }
        }
    }
}

/// A unit's text by its SHA-256, as the decision record hashes it (`None`: it could not be read).
type Digest = [u8; 32];

fn digest(u: &Unit) -> Option<Digest> {
    use sha2::Digest as _;
    let s = u.source.as_ref().ok()?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&sha2::Sha256::digest(s.text().as_bytes()));
    Some(out)
}

/// What pass 1 read: each unit's digest, cut to 8 bytes (enough to tell a changed text from the
/// same one; a portfolio of a million keeps 8 MB), and the input's SHA-256 as `check`'s decision
/// record defines it ([`crate::report::input_sha256`]), built in input order as the units are
/// folded.
#[derive(Default)]
struct Read {
    each: Vec<u64>,
    first: Option<Digest>,
    all: sha2::Sha256,
}

impl Read {
    fn push(&mut self, d: Option<Digest>) {
        use sha2::Digest as _;
        if self.each.is_empty() {
            self.first = d;
        }
        let hex = d.map(|d| crate::files::hex(&d));
        self.all.update(hex.as_deref().unwrap_or("-").as_bytes());
        self.all.update(b"\n");
        self.each.push(d.map_or(0, short));
    }

    /// Whether `u` reads as unit `i` did in pass 1.
    fn same(&self, i: usize, u: &Unit) -> bool {
        same_as(&self.each, i, u)
    }

    fn input_sha256(&self) -> String {
        use sha2::Digest as _;
        match self.each.len() {
            1 => crate::report::input_sha256(&[self.first]),
            _ => crate::files::hex(&self.all.clone().finalize()),
        }
    }
}

/// The first 8 bytes of a digest (never 0, which stands for a unit that could not be read).
fn short(d: Digest) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b).max(1)
}

fn same_as(each: &[u64], i: usize, u: &Unit) -> bool {
    each.get(i).copied() == Some(digest(u).map_or(0, short))
}

/// An input that read differently in a later pass of one run than in the first.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "`{label}` changed while the report was being made: a later pass read it differently than the first; it is counted as first read and not listed"
)]
pub struct ChangedDuringRun {
    pub label: String,
}

impl crate::diag::Problem for ChangedDuringRun {
    fn code(&self) -> &'static str {
        "input::changed"
    }

    fn help(&self) -> Option<String> {
        Some("run again once the file is no longer being written".into())
    }
}
