//! Portfolios: many documents judged together — streamed, evaluated in parallel, linked into a
//! graph, folded into the aggregates and per-document rows that `samstyr report`, `graph` and
//! `diff` render.
//!
//! The pipeline, one way: input units ([`crate::input`]) → chunks of [`Options::chunk`] units,
//! each validated and evaluated on all cores (rayon) → folded in input order into [`Aggregates`]
//! (counters) and, when the output needs them, [`Row`]s → the link graph ([`graph`]): dangling
//! links, cycles, and the propagation of bool facts the rule set declares
//! (`[[ruleset.propagate]]`) → a second pass over only the documents whose facts changed → a
//! [`Portfolio`] of plain data. Renderers ([`render`]) turn it into HTML, Markdown, CSV, JSON, DOT
//! or Mermaid; they never evaluate and never do I/O.
//!
//! Memory: the aggregates are counters, so with [`Detail::Aggregates`] memory does not grow with
//! the number of documents beyond the key index of the link graph (a key and a few bytes per
//! document; see [`graph::Index`]); the lists of problems (invalid inputs, dangling links,
//! cycles) keep the first [`MAX_PROBLEMS`] and count the rest. [`run`] with [`Detail::Rows`]
//! keeps every row (for `graph`, `diff` and tests); [`run_rows`] makes the rows in one more pass
//! after the graph is resolved and hands them over one by one, which is how `report` writes
//! every format with memory flat.
//!
//! Propagation needs the whole graph before a document's final facts are known. Pass 1 computes,
//! per document, its own value of every propagated fact (and that fact's value for each
//! combination of values the facts it uses can receive), folds the document's findings and
//! records its links. The graph resolves every propagated fact to a fixpoint. Pass 2 re-reads and
//! re-evaluates only the documents that received a value that changes something, replacing their
//! contribution. Standard input cannot be read twice: when the rule set declares propagation, its
//! units are kept in memory for the second pass (give a file to keep memory flat).
//!
//! **Invariant:** nothing here knows a particular rule set. Link fields come from the input schema
//! (fields of type `key`), groups and titles from `[ruleset.report]`, propagation from
//! `[[ruleset.propagate]]`.

pub mod diff;
pub(crate) mod graph;
mod linked;
mod plan;
pub mod render;
mod run;

pub use crate::finding::{LinkProblem, ReceivedNote};
pub use linked::linked;
pub use run::{Refine, Source, Stream, parse_only, run, run_rows, run_rows_refined};

use crate::diag::Diagnostic;
use crate::finding::{RuleInfo, Severity, Status, Tri};
use crate::text::Text;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Units read and evaluated together (then folded in order).
pub const DEFAULT_CHUNK: usize = 4096;

/// Problems kept in a [`Portfolio`]'s lists (invalid inputs' problems, dangling links, cycles):
/// the first ones in input order; the others are counted, and every one of them is in the CSV and
/// XLSX rows of its document. Keeps a run's memory flat however many inputs are bad.
pub const MAX_PROBLEMS: usize = 1000;

/// Days ahead in which a pending deadline counts as upcoming.
pub const UPCOMING_DAYS: i32 = 90;

/// What to keep about each document beyond the aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Counters only: memory flat in the number of documents (apart from the link index).
    Aggregates,
    /// One [`Row`] per input; with `findings`, its findings too (with `messages`, their texts).
    Rows { findings: bool, messages: bool },
}

#[derive(Debug, Clone)]
pub struct Options {
    pub as_of: Date,
    pub detail: Detail,
    /// Units per chunk.
    pub chunk: usize,
    /// Waivers applied to every document's findings after evaluation, as `check` applies them
    /// (docs/waivers.md).
    pub waivers: Option<Arc<crate::waiver::Waivers>>,
    /// Files never read from a directory listed: the run's own output, so that a report written
    /// into the folder it covers is not read back as a document the next time.
    pub skip: Vec<std::path::PathBuf>,
}

impl Options {
    pub fn new(as_of: Date, detail: Detail) -> Self {
        Options {
            as_of,
            detail,
            chunk: DEFAULT_CHUNK,
            waivers: None,
            skip: Vec::new(),
        }
    }
}

/// How one document stands, most urgent first: what the graph colours it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    /// A `must` obligation is violated.
    ViolatedMust,
    /// A `should` obligation is violated (and no `must`).
    ViolatedShould,
    /// Something is due, nothing violated.
    Pending,
    /// Something cannot be decided for lack of information, nothing violated or due.
    Unknown,
    /// Every obligation met, not applicable or not in force.
    Ok,
    /// The input could not be read or validated.
    Invalid,
}

impl Grade {
    pub const ALL: [Grade; 6] = [
        Grade::ViolatedMust,
        Grade::ViolatedShould,
        Grade::Pending,
        Grade::Unknown,
        Grade::Ok,
        Grade::Invalid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Grade::ViolatedMust => "violated_must",
            Grade::ViolatedShould => "violated_should",
            Grade::Pending => "pending",
            Grade::Unknown => "unknown",
            Grade::Ok => "ok",
            Grade::Invalid => "invalid",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The grade of a document from its findings' statuses and severities.
    pub fn of<'a>(findings: impl Iterator<Item = (Status, Option<Severity>)> + 'a) -> Grade {
        let mut g = Grade::Ok;
        for (status, sev) in findings {
            let this = match (status, sev) {
                (Status::Violated, Some(Severity::Must)) => Grade::ViolatedMust,
                (Status::Violated, _) => Grade::ViolatedShould,
                (Status::Pending, _) => Grade::Pending,
                (Status::Unknown, _) => Grade::Unknown,
                _ => Grade::Ok,
            };
            g = g.min(this);
        }
        g
    }
}

pub(crate) fn status_index(s: Status) -> usize {
    match s {
        Status::Violated => 0,
        Status::Pending => 1,
        Status::Unknown => 2,
        Status::Met => 3,
        Status::NotApplicable => 4,
        Status::NotInForce => 5,
        // Counted apart (`waived`): out of range of the status arrays, which skip it.
        Status::Waived => 6,
    }
}

pub(crate) fn tri_index(t: Tri) -> usize {
    match t {
        Tri::Yes => 0,
        Tri::No => 1,
        Tri::Unknown => 2,
    }
}

/// Counts for one obligation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObligationCounts {
    /// Findings by status, in the order of [`Status::ALL`].
    pub by_status: [u64; 6],
    /// Findings whose deadline has passed without being met (violated or unknown).
    pub overdue: u64,
    /// Pending findings due within [`UPCOMING_DAYS`].
    pub upcoming: u64,
    /// Findings an active waiver covers (not counted in `by_status`).
    pub waived: u64,
}

/// Counts for the documents sharing one value of a group field (one ministry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub documents: u64,
    /// Headline answers: yes, no, unknown.
    pub headline: [u64; 3],
    /// Documents by [`Grade`].
    pub grades: [u64; 6],
    /// Findings by status.
    pub by_status: [u64; 6],
    /// Violated findings by severity: must, should.
    pub violated: [u64; 2],
    pub overdue: u64,
    /// Documents with at least one finding of each status, in the order of [`Status::ALL`]: the
    /// shares a portfolio office reads (a status added to [`Status`] is one more column here).
    pub with_status: [u64; 6],
    /// Findings an active waiver covers.
    pub waived: u64,
    /// Documents with at least one waived finding.
    pub with_waived: u64,
}

/// One group field's counts, by value (sorted); documents without a value count under `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTable {
    pub values: BTreeMap<Option<String>, GroupCounts>,
}

/// Counters over the whole portfolio. Every count can be taken back (a second pass replaces a
/// document's contribution), so they are kept as plain sums.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregates {
    /// Inputs named (files, JSONL lines): `evaluated + invalid`.
    pub inputs: u64,
    pub evaluated: u64,
    pub invalid: u64,
    /// Documents by [`Grade`] (invalid inputs included).
    pub grades: [u64; 6],
    /// Headline answers: yes, no, unknown.
    pub headline: [u64; 3],
    /// Documents whose headline answer changed because of values received from linked documents.
    pub headline_received: u64,
    /// Findings by status.
    pub by_status: [u64; 6],
    /// Findings by severity (must, should), then status.
    pub by_severity: [[u64; 6]; 2],
    /// By obligation, in declared order.
    pub obligations: Vec<ObligationCounts>,
    pub overdue: u64,
    pub upcoming: u64,
    /// One per `[[ruleset.report.group]]`.
    pub groups: Vec<GroupTable>,
    /// Documents with at least one finding of each status, in the order of [`Status::ALL`].
    pub with_status: [u64; 6],
    /// Findings an active waiver covers: `waived`, not counted in `by_status` (nor in the
    /// grades: a waived finding fails nothing).
    pub waived: u64,
    /// Documents with at least one waived finding.
    pub with_waived: u64,
    /// Findings each waiver covers, in the order of the waiver files.
    pub waiver_uses: Vec<u64>,
}

/// One finding of one document, as a portfolio report shows it.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub rule: Arc<RuleInfo>,
    /// The item's label (or JSON pointer) for per-item obligations.
    pub item: Option<String>,
    pub status: Status,
    pub deadline: Option<Date>,
    /// Empty unless messages were asked for.
    pub message: Text,
    /// JSON pointers of the fields to provide, for `unknown` findings.
    pub missing: Vec<String>,
    /// Whether the status differs from what the document alone gives: it follows from values
    /// received from linked documents.
    pub by_links: bool,
    /// The waiver that covers the finding (status `waived`), or one that expired and no longer
    /// does.
    pub waiver: Option<crate::finding::WaiverNote>,
    /// What the finding rests on that the rule set takes as given (given with messages).
    pub assumptions: Vec<Arc<crate::finding::Assumption>>,
}

impl FindingRow {
    /// Deadline passed without the obligation shown to be met.
    pub fn overdue(&self, as_of: Date) -> bool {
        matches!(self.status, Status::Violated | Status::Unknown)
            && self.deadline.is_some_and(|d| d < as_of)
    }

    /// Pending and due within [`UPCOMING_DAYS`].
    pub fn upcoming(&self, as_of: Date) -> bool {
        self.status == Status::Pending
            && self
                .deadline
                .is_some_and(|d| d >= as_of && d <= add_days(as_of, UPCOMING_DAYS))
    }
}

pub(crate) fn add_days(d: Date, n: i32) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// A document that was evaluated.
#[derive(Debug, Clone)]
pub struct Judged {
    pub headline: Option<Tri>,
    /// Whether the headline answer differs from what the document alone gives.
    pub headline_by_links: bool,
    pub grade: Grade,
    /// Findings by status.
    pub counts: [u32; 6],
    /// Violated findings by severity: must, should.
    pub violated: [u32; 2],
    pub overdue: u32,
    pub upcoming: u32,
    /// Findings an active waiver covers.
    pub waived: u32,
    /// The nearest deadline still ahead among pending findings.
    pub next_deadline: Option<Date>,
    /// With [`Detail::Rows`] `findings`: every finding, in evaluation order.
    pub findings: Vec<FindingRow>,
    pub received: Vec<ReceivedNote>,
    pub links: Vec<(String, String)>,
    pub problems: Vec<LinkProblem>,
}

/// One input of a portfolio, in input order.
#[derive(Debug, Clone)]
pub struct Row {
    /// `path` or `path:LINE`.
    pub label: String,
    /// The document's key (its `id`).
    pub key: Option<String>,
    pub title: Option<String>,
    /// The document's value of each group field.
    pub groups: Vec<Option<String>>,
    pub outcome: RowOutcome,
}

#[derive(Debug, Clone)]
pub enum RowOutcome {
    Judged(Box<Judged>),
    Invalid(Vec<ErrorLine>),
}

impl Row {
    pub fn grade(&self) -> Grade {
        match &self.outcome {
            RowOutcome::Judged(j) => j.grade,
            RowOutcome::Invalid(_) => Grade::Invalid,
        }
    }

    pub fn judged(&self) -> Option<&Judged> {
        match &self.outcome {
            RowOutcome::Judged(j) => Some(j),
            RowOutcome::Invalid(_) => None,
        }
    }

    /// An anchor or node name unique in the portfolio: the key, else the label.
    pub fn name(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.label)
    }
}

/// One problem with one input, flattened for reports (the input's text is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLine {
    pub label: String,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub pointer: Option<String>,
    /// The message and help in the user's languages (`message` and `help` are English).
    pub local: Option<std::sync::Arc<crate::diag::Local>>,
}

impl ErrorLine {
    /// The message in `lang`.
    pub fn message_in(&self, lang: crate::text::Lang) -> &str {
        match &self.local {
            Some(l) => l.message.get(lang),
            None => &self.message,
        }
    }

    /// The help in `lang`.
    pub fn help_in(&self, lang: crate::text::Lang) -> Option<&str> {
        match &self.local {
            Some(l) => l
                .help
                .as_ref()
                .map(|h| h.get(lang))
                .or(self.help.as_deref()),
            None => self.help.as_deref(),
        }
    }

    /// This line with its message and help in `lang`.
    pub fn in_lang(&self, lang: crate::text::Lang) -> std::borrow::Cow<'_, ErrorLine> {
        if self.local.is_none() || lang == crate::text::Lang::En {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut e = self.clone();
        e.message = self.message_in(lang).to_string();
        e.help = self.help_in(lang).map(str::to_string);
        std::borrow::Cow::Owned(e)
    }

    pub fn of(label: &str, d: &Diagnostic) -> Self {
        let lc = d.line_col();
        ErrorLine {
            label: label.to_string(),
            code: d.code.to_string(),
            message: d.message.clone(),
            help: d.help.clone(),
            file: d.file_name().map(str::to_string),
            line: lc.map(|(l, _)| l),
            column: lc.map(|(_, c)| c),
            pointer: d.pointer.clone(),
            local: d.local.clone(),
        }
    }

    /// `file:line:col: message`.
    pub fn one_line(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.file {
            s.push_str(f);
            if let (Some(l), Some(c)) = (self.line, self.column) {
                s.push_str(&format!(":{l}:{c}"));
            }
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if let Some(p) = &self.pointer {
            s.push_str(&format!(" (`{}`)", crate::diag::pointer_text(p)));
        }
        s
    }
}

/// The link graph's findings over the whole portfolio.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphSummary {
    /// Links between documents, resolved or not.
    pub links: u64,
    /// Links that name no valid document: (document key, field, target); the first
    /// [`MAX_PROBLEMS`].
    pub dangling: Vec<(String, String, String)>,
    /// Every dangling link, counted.
    pub dangling_total: u64,
    /// Cycles: (field, keys on the cycle in order); the first [`MAX_PROBLEMS`].
    pub cycles: Vec<(String, Vec<String>)>,
    /// Every cycle, counted.
    pub cycles_total: u64,
    /// Per propagated fact (in the order of the rule set's declarations, one entry per fact):
    /// (fact id, documents whose value it changed).
    pub received: Vec<(String, u64)>,
}

/// Everything a portfolio run found.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub as_of: Date,
    pub aggregates: Aggregates,
    /// With [`Detail::Rows`]: one per input, in input order.
    pub rows: Vec<Row>,
    /// Invalid inputs' problems, in input order: the first [`MAX_PROBLEMS`].
    pub errors: Vec<ErrorLine>,
    /// Every invalid input's problems, counted (listed or not).
    pub errors_total: u64,
    pub graph: GraphSummary,
    /// SHA-256 of the input as the decision record defines it ([`crate::report::input_sha256`]):
    /// of the one unit's text, or of every unit's hash in input order, one per line.
    pub input_sha256: String,
    /// Passes over the input: 1, or 2 when propagation changed some document.
    pub passes: u8,
    /// Documents evaluated again in pass 2.
    pub reevaluated: u64,
    /// What each waiver of the run did, in file order (empty without waivers).
    pub waivers: Vec<crate::report::WaiverUse>,
    /// How long each stage took. For benchmarks (`report --timings`); no report shows it, so
    /// reports stay a function of their inputs.
    pub timings: Timings,
}

/// Wall time of each stage of a portfolio run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading, validating, evaluating and folding every input.
    pub first_pass: std::time::Duration,
    /// Resolving links and propagating facts through the graph.
    pub graph: std::time::Duration,
    /// Reading again, and evaluating again, the documents whose facts changed.
    pub second_pass: std::time::Duration,
}
