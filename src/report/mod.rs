//! Reports: turning evaluations (plain data from [`crate::finding`]) into what users read.
//!
//! This module owns the report model shared by every format — the [`Input`]s of one run with their
//! [`Outcome`], the [`RunInfo`] that describes the run, the gate that decides the exit status — and
//! one submodule per output format. Renderers never evaluate anything and never do I/O: they take
//! the model and return a `String`. Every renderer is deterministic: the same model gives the same
//! bytes (no clocks, no hash-map order, no host names).
//!
//! **Invariant:** nothing here knows a particular rule set. Rule ids, principles, the headline key
//! and every user-facing rule text come from the model.

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::diag::Diagnostics;
use crate::finding::{
    Assumption, Evaluation, Evidence, Finding, LinkProblem, ReceivedNote, RuleInfo, Severity,
    Shown, SourceRef, Status, Tri, Waiver,
};
use crate::source::SourceFile;
use crate::text::{Lang, Text, pick};
use jiff::civil::Date;
use std::borrow::Borrow;
use std::sync::Arc;

/// The name of the tool as it appears in reports.
pub const TOOL_NAME: &str = "samstyr";

/// One document of a run (a file, a JSONL line or standard input), in the order given.
#[derive(Debug, Clone)]
pub struct Input<'r> {
    /// How the user names it: a path, or `path:LINE` for one line of a JSONL file.
    pub label: String,
    /// The text it was read from; evidence offsets point into it.
    pub source: Option<SourceFile>,
    /// A human title for the document, when the document has one.
    pub title: Option<String>,
    pub outcome: Outcome<'r>,
}

/// What became of one document: its evaluation (borrowing the rule set that judged it), or why
/// there is none.
#[derive(Debug, Clone)]
pub enum Outcome<'r> {
    Evaluated(Box<Evaluation<'r>>),
    /// The document could not be read or validated; every problem found.
    Invalid(Diagnostics),
}

impl<'r> Input<'r> {
    pub fn evaluation(&self) -> Option<&Evaluation<'r>> {
        match &self.outcome {
            Outcome::Evaluated(e) => Some(e),
            Outcome::Invalid(_) => None,
        }
    }

    /// The path of the file the input came from, without a JSONL line suffix.
    pub fn path(&self) -> &str {
        match &self.source {
            Some(s) => s.name(),
            None => &self.label,
        }
    }

    /// 1-based line and column of a byte offset into the input, if it has a place there.
    pub fn line_col(&self, at: u32) -> Option<(usize, usize)> {
        if at == u32::MAX {
            return None;
        }
        self.source.as_ref().map(|s| s.line_col(at))
    }
}

/// At which severity of a violated obligation the run fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Fail on a violated `must` obligation
    #[default]
    Must,
    /// Fail on a violated `must` or `should` obligation
    Should,
    /// Never fail because of findings (invalid input still fails)
    Never,
}

impl FailOn {
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Must => "must",
            FailOn::Should => "should",
            FailOn::Never => "never",
        }
    }
}

/// The gate: which findings make a run fail, and which are worth an annotation.
///
/// **Invariant:** a `pending` finding never fails the gate (its deadline is still ahead, so
/// nothing is broken yet), and an `unknown` one fails it only when `unknown_fails` is set: by
/// default the exit status says that a duty is *shown* to be broken, and undecided findings are
/// reported (as notes, listing the fields to provide) without failing the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gate {
    pub fail_on: FailOn,
    pub unknown_fails: bool,
}

/// How loudly a machine-readable format flags a finding (SARIF level, GitHub annotation kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    fn of(severity: Severity) -> Level {
        match severity {
            Severity::Must => Level::Error,
            Severity::Should => Level::Warning,
        }
    }
}

impl Gate {
    /// Whether a severity is at or above `--fail-on`.
    fn reaches(self, severity: Severity) -> bool {
        match self.fail_on {
            FailOn::Must => severity == Severity::Must,
            FailOn::Should => true,
            FailOn::Never => false,
        }
    }

    /// Whether this finding makes the run fail.
    pub fn fails(self, f: &Finding) -> bool {
        let Some(sev) = f.rule.severity else {
            return false;
        };
        match f.status {
            Status::Violated => self.reaches(sev),
            Status::Unknown => self.unknown_fails && self.reaches(sev),
            _ => false,
        }
    }

    /// The level at which machine-readable formats flag a finding, or `None` when it is not
    /// flagged. Flagged are violated, unknown and pending findings whose severity is at or above
    /// `--fail-on` (with `never`: every severity, since `never` turns off the gate, not the
    /// report). Violations are errors (`must`) or warnings (`should`); an unknown finding that
    /// fails the gate is flagged like a violation; other unknown and pending findings are notes.
    ///
    /// Every format shows the same findings (README, "What fails the gate"): a
    /// violation is flagged whatever `--fail-on` says — an error when it fails the gate or is a
    /// `must`, a warning otherwise — and a waived finding is a note (SARIF adds its suppression).
    pub fn level(self, f: &Finding) -> Option<Level> {
        let sev = f.rule.severity?;
        if self.fails(f) {
            return Some(Level::Error);
        }
        let shown = self.fail_on == FailOn::Never || self.reaches(sev);
        match f.status {
            Status::Violated => Some(Level::of(sev)),
            Status::Waived => Some(Level::Note),
            Status::Unknown | Status::Pending if shown => Some(Level::Note),
            _ => None,
        }
    }
}

/// The outcome of a run as an exit status (README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing at or above `--fail-on`.
    Pass,
    /// A finding at or above `--fail-on`.
    Fail,
    /// An input was invalid (this wins over findings).
    Invalid,
}

impl Verdict {
    pub fn code(self) -> u8 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Invalid => 2,
        }
    }
}

/// The one place that decides a run's exit status: 2 if any input is invalid, else 1 if any
/// finding fails the gate, else 0.
pub fn verdict(gate: Gate, inputs: &[Input]) -> Verdict {
    if inputs
        .iter()
        .any(|i| matches!(i.outcome, Outcome::Invalid(_)))
    {
        return Verdict::Invalid;
    }
    let fails = inputs
        .iter()
        .filter_map(Input::evaluation)
        .any(|e| e.findings.iter().any(|f| gate.fails(f)));
    if fails { Verdict::Fail } else { Verdict::Pass }
}

/// How many failing documents a summary names before it says "and N more".
pub const NAMED_FAILING: usize = 20;

/// The keys of the documents that fail the gate (and the labels of invalid inputs), in input
/// order: at most `limit` of them, and how many more there are.
pub fn failing_names(gate: Gate, inputs: &[Input], limit: usize) -> (Vec<String>, usize) {
    let all: Vec<String> = inputs
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Evaluated(e) => input_fails(gate, e).then(|| e.key.clone()),
            Outcome::Invalid(_) => Some(i.label.clone()),
        })
        .collect();
    let more = all.len().saturating_sub(limit);
    (all.into_iter().take(limit).collect(), more)
}

/// Whether one evaluated input fails the gate.
pub fn input_fails(gate: Gate, e: &Evaluation) -> bool {
    e.findings.iter().any(|f| gate.fails(f))
}

/// The rule set a run used.
#[derive(Debug, Clone)]
pub struct RuleSetInfo {
    pub id: String,
    pub version: String,
    pub title: Text,
    /// `embedded` or the directory given with `--rules`.
    pub origin: String,
    /// SHA-256 of the rule files and seeds.
    pub sha256: String,
}

/// A parameter whose value was overridden for this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamOverride {
    pub id: String,
    pub value: String,
    pub default: String,
}

/// The headline a rule set puts first (its key and title), when it has one.
#[derive(Debug, Clone)]
pub struct HeadlineInfo {
    pub key: String,
    pub title: Text,
}

/// Everything about a run that is not about one input.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub tool_version: String,
    /// Where to read about the tool (SARIF `informationUri`), if known.
    pub information_uri: Option<String>,
    pub rules: RuleSetInfo,
    /// Every obligation of the rule set, for formats that list rules (SARIF).
    pub obligations: Vec<Arc<RuleInfo>>,
    pub headline: Option<HeadlineInfo>,
    pub as_of: Date,
    pub lang: Lang,
    pub gate: Gate,
    /// Overridden parameters, sorted by id.
    pub params: Vec<ParamOverride>,
    /// The waivers given with the run, each with what it did (empty without a waiver file).
    pub waivers: Vec<WaiverUse>,
    /// The input format, for the labels of the fields evidence names (`None`: pointers only).
    pub input: Option<Arc<crate::schema::InputSchema>>,
}

impl RunInfo {
    /// A short label for the field a pointer names, from the input format's doc: its title
    /// ([`crate::schema::FieldDef::title`]), at most [`LABEL_CHARS`] characters.
    pub fn field_label(&self, pointer: &str) -> Option<String> {
        field_label(self.input.as_deref(), self.lang, pointer)
    }
}

/// [`RunInfo::field_label`] from the input format itself.
pub fn field_label(
    input: Option<&crate::schema::InputSchema>,
    lang: Lang,
    pointer: &str,
) -> Option<String> {
    let title = input?.field_at(pointer)?.title(lang)?;
    Some(clip_chars(&title, LABEL_CHARS))
}

/// A stated value as a reader sees it: an enum value with the input format's words for it
/// (`labels`) is written `` `municipality` (Enkeltkommune) ``; any other as [`shown_text`].
pub fn value_text(
    input: Option<&crate::schema::InputSchema>,
    lang: Lang,
    pointer: &str,
    v: &Shown,
) -> String {
    let words = match v {
        Shown::Str(s) => input
            .and_then(|i| i.field_at(pointer))
            .and_then(|f| f.value_words(s, lang)),
        _ => None,
    };
    match words {
        Some(w) => format!("{} ({w})", shown_text(lang, v)),
        None => shown_text(lang, v),
    }
}

/// Longest field label shown beside a pointer, in characters.
pub const LABEL_CHARS: usize = 70;

fn clip_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// The run's overridden parameters in one line (`Overstyrte parametere: a = 1 (standard 0)`),
/// each id and value written by `id` and `value` (Markdown quotes and escapes them); `None` when
/// the run overrides none.
pub fn params_line(
    run: &RunInfo,
    id: impl Fn(&str) -> String,
    value: impl Fn(&str) -> String,
) -> Option<String> {
    if run.params.is_empty() {
        return None;
    }
    let lang = run.lang;
    let list: Vec<String> = run
        .params
        .iter()
        .map(|p| {
            format!(
                "{} = {} ({} {})",
                id(&p.id),
                value(&p.value),
                pick(lang, "standard", "standard", "default"),
                value(&p.default)
            )
        })
        .collect();
    Some(format!(
        "{} {}",
        pick(
            lang,
            "Overstyrte parametere:",
            "Overstyrte parametrar:",
            "Overridden parameters:"
        ),
        list.join(", ")
    ))
}

/// What one waiver of the run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverUse {
    pub waiver: Arc<Waiver>,
    pub state: WaiverState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverState {
    /// In force, covering this many findings that needed it.
    Used(usize),
    /// In force, but every finding it names is met or does not apply: a warning.
    NotNeeded,
    /// Past its expiry date: it covers nothing.
    Expired,
}

impl WaiverUse {
    /// The warning or note a run gives about this waiver, if any.
    pub fn remark(&self, lang: Lang) -> Option<String> {
        let w = &self.waiver;
        match self.state {
            WaiverState::Used(_) => None,
            WaiverState::NotNeeded => Some(match lang {
                Lang::Nb => format!(
                    "unntak {} er ikke nødvendig: ingen funn det gjelder, er brudd, venter eller er ukjent ({})",
                    w.id, w.place
                ),
                Lang::Nn => format!(
                    "unntaket {} trengst ikkje: ingen funn det gjeld, er brot, ventar eller er ukjent ({})",
                    w.id, w.place
                ),
                Lang::En => format!(
                    "waiver {} not needed: no finding it names is violated, pending or unknown ({})",
                    w.id, w.place
                ),
            }),
            WaiverState::Expired => Some(expired_text(lang, w)),
        }
    }
}

/// The file and line a waiver is written at (its `place`, `file:line`; line 1 when it names none).
pub fn waiver_place(w: &Waiver) -> (&str, usize) {
    match w.place.rsplit_once(':') {
        Some((f, l)) => (f, l.parse().unwrap_or(1)),
        None => (w.place.as_str(), 1),
    }
}

/// Said of an expired waiver.
pub fn expired_text(lang: Lang, w: &Waiver) -> String {
    match lang {
        Lang::Nb => format!("unntak {} utløp {}", w.id, w.expires),
        Lang::Nn => format!("unntaket {} gjekk ut {}", w.id, w.expires),
        Lang::En => format!("waiver {} expired on {}", w.id, w.expires),
    }
}

/// A waived finding's waiver in one line: id, reason, basis, who, when, expiry.
pub fn waiver_text(lang: Lang, w: &Waiver) -> String {
    match lang {
        Lang::Nb => format!(
            "unntak {}: {} (grunnlag: {}; besluttet av {} {}; gjelder til og med {})",
            w.id, w.reason, w.basis, w.decided_by, w.decided_on, w.expires
        ),
        Lang::Nn => format!(
            "unntak {}: {} (grunnlag: {}; vedteke av {} {}; gjeld til og med {})",
            w.id, w.reason, w.basis, w.decided_by, w.decided_on, w.expires
        ),
        Lang::En => format!(
            "waiver {}: {} (basis: {}; decided by {} on {}; in force until {})",
            w.id, w.reason, w.basis, w.decided_by, w.decided_on, w.expires
        ),
    }
}

/// The note a finding carries about a waiver, if any: the one covering it, or the one that
/// expired.
pub fn waiver_note(lang: Lang, f: &Finding) -> Option<String> {
    f.waiver.as_ref().map(|n| waiver_note_text(lang, n))
}

/// A waiver note in one line, wherever a finding is shown (a check's report, a portfolio's list).
pub fn waiver_note_text(lang: Lang, n: &crate::finding::WaiverNote) -> String {
    if n.expired {
        expired_text(lang, &n.waiver)
    } else {
        waiver_text(lang, &n.waiver)
    }
}

/// The decision record of a run: what was asked (the input, by its SHA-256), of which rules (id,
/// version, content hash, parameters overridden), by which tool version, at which date; and an id
/// derived from these alone, so the same question gets the same id and the output stays
/// byte-identical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// 32 hex digits: the first half of the SHA-256 of everything above.
    pub id: String,
    /// SHA-256 of the one input's text (as read: without a byte order mark); of several, the
    /// SHA-256 of their hashes in order, one per line (`-` for an input that could not be read).
    pub input_sha256: String,
}

/// The decision record of `inputs` judged as `run` says.
pub fn decision(run: &RunInfo, inputs: &[Input]) -> Decision {
    Tally::of_hashed(run, inputs).decision(run)
}

/// The input's SHA-256 in a decision record, from each input's SHA-256 in input order (`None`
/// for one that could not be read): one input's own; of several (a directory, a JSONL file, one
/// line each), the SHA-256 of their hashes in lowercase hex, each followed by a line end (`-` in
/// place of an unreadable one's). A portfolio run builds the same as it reads.
pub fn input_sha256(digests: &[Option<[u8; 32]>]) -> String {
    use sha2::{Digest, Sha256};
    match digests {
        [one] => crate::files::hex(&one.unwrap_or_else(|| Sha256::digest(b"").into())),
        _ => {
            let mut h = Sha256::new();
            for d in digests {
                h.update(
                    d.map(|d| crate::files::hex(&d))
                        .as_deref()
                        .unwrap_or("-")
                        .as_bytes(),
                );
                h.update(b"\n");
            }
            crate::files::hex(&h.finalize())
        }
    }
}

/// The decision record of an input known by its SHA-256 ([`input_sha256`]), judged as `run` says.
pub fn decision_of(run: &RunInfo, input_sha256: String) -> Decision {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let params = run.params.iter().map(|p| format!("{}={}", p.id, p.value));
    let parts = [
        "samstyr.decision/v1".to_string(),
        run.tool_version.clone(),
        run.rules.id.clone(),
        run.rules.version.clone(),
        run.rules.sha256.clone(),
        run.as_of.to_string(),
        input_sha256.clone(),
    ];
    // Each part with its length first, so that no two questions give the same bytes.
    for part in parts.into_iter().chain(params) {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let mut id = crate::files::hex(&h.finalize());
    id.truncate(32);
    Decision { id, input_sha256 }
}

/// What a report written a chunk of documents at a time knows of the documents counted so far
/// (all of them, after a counting pass, for a format that states it before the documents): the
/// summary, the verdict, the failing documents a summary names, and the input's SHA-256 for the
/// decision record. Its size does not grow with the batch.
#[derive(Clone, Default)]
pub struct Tally {
    pub summary: Summary,
    verdict: Option<Verdict>,
    failing: Vec<String>,
    failing_more: usize,
    /// Documents judged at a reference date other than the run's: the first few (`key date`)
    /// and how many in all (the Markdown head names them).
    pub other_dates: (Vec<(String, Date)>, usize),
    /// Whether the documents' text is hashed for the decision record (only the JSON report
    /// shows it).
    hashing: bool,
    digests: usize,
    first: Option<[u8; 32]>,
    all: sha2::Sha256,
}

/// How many documents judged at another reference date a [`Tally`] keeps by name.
pub const NAMED_DATES: usize = 5;

impl Tally {
    /// The tally of one whole batch.
    pub fn of(run: &RunInfo, inputs: &[Input]) -> Tally {
        let mut t = Tally::default();
        t.add(run, inputs);
        t
    }

    /// [`Tally::of`], hashing the documents' text for [`Tally::decision`].
    pub fn of_hashed(run: &RunInfo, inputs: &[Input]) -> Tally {
        let mut t = Tally::hashing();
        t.add(run, inputs);
        t
    }

    /// A tally that also hashes the documents' text, for [`Tally::decision`].
    pub fn hashing() -> Tally {
        Tally {
            hashing: true,
            ..Tally::default()
        }
    }

    /// Count `inputs`, which follow those counted so far in input order.
    pub fn add(&mut self, run: &RunInfo, inputs: &[Input]) {
        use sha2::Digest as _;
        let gate = run.gate;
        self.summary.add(gate, inputs);
        self.verdict = Some(match (self.verdict, verdict(gate, inputs)) {
            (Some(Verdict::Invalid), _) | (_, Verdict::Invalid) => Verdict::Invalid,
            (Some(Verdict::Fail), _) | (_, Verdict::Fail) => Verdict::Fail,
            _ => Verdict::Pass,
        });
        let (names, more) = failing_names(gate, inputs, usize::MAX);
        let room = NAMED_FAILING.saturating_sub(self.failing.len());
        self.failing_more += names.len().saturating_sub(room) + more;
        self.failing.extend(names.into_iter().take(room));
        for e in inputs.iter().filter_map(Input::evaluation) {
            if e.reference_date != run.as_of {
                if self.other_dates.0.len() < NAMED_DATES {
                    self.other_dates.0.push((e.key.clone(), e.reference_date));
                }
                self.other_dates.1 += 1;
            }
        }
        for i in inputs.iter().filter(|_| self.hashing) {
            let d = i.source.as_ref().map(|s| {
                let mut out = [0u8; 32];
                out.copy_from_slice(&sha2::Sha256::digest(s.text().as_bytes()));
                out
            });
            if self.digests == 0 {
                self.first = d;
            }
            self.digests += 1;
            let hex = d.map(|d| crate::files::hex(&d));
            self.all.update(hex.as_deref().unwrap_or("-").as_bytes());
            self.all.update(b"\n");
        }
    }

    /// The run's verdict over the documents counted ([`verdict`]).
    pub fn verdict(&self) -> Verdict {
        self.verdict.unwrap_or(Verdict::Pass)
    }

    /// [`failing_names`] over the documents counted, at most [`NAMED_FAILING`] of them.
    pub fn failing_names(&self) -> (Vec<String>, usize) {
        (self.failing.clone(), self.failing_more)
    }

    /// The decision record of the documents counted ([`decision`]).
    pub fn decision(&self, run: &RunInfo) -> Decision {
        use sha2::Digest as _;
        let sha = match self.digests {
            1 => input_sha256(&[self.first]),
            _ => crate::files::hex(&self.all.clone().finalize()),
        };
        decision_of(run, sha)
    }
}

/// Counts over a whole run, shared by the formats that print a summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub inputs: usize,
    pub evaluated: usize,
    pub invalid: usize,
    /// Inputs whose findings fail the gate.
    pub failing: usize,
    /// Headline answers: yes, no, unknown.
    pub headline: [usize; 3],
    /// Findings by status, in the order of [`Status::REPORTED`].
    pub by_status: [usize; 7],
    /// Violated findings by severity: must, should.
    pub violated: [usize; 2],
}

impl Summary {
    pub fn of(gate: Gate, inputs: &[Input]) -> Summary {
        let mut s = Summary::default();
        s.add(gate, inputs);
        s
    }

    /// Count `inputs` too: the summary of a batch is the sum of its chunks'.
    pub fn add(&mut self, gate: Gate, inputs: &[Input]) {
        let s = self;
        s.inputs += inputs.len();
        for input in inputs {
            let Some(e) = input.evaluation() else {
                s.invalid += 1;
                continue;
            };
            s.evaluated += 1;
            if input_fails(gate, e) {
                s.failing += 1;
            }
            if let Some(h) = &e.headline {
                let slot = match h.value {
                    Tri::Yes => 0,
                    Tri::No => 1,
                    Tri::Unknown => 2,
                };
                if let Some(c) = s.headline.get_mut(slot) {
                    *c += 1;
                }
            }
            for f in &e.findings {
                if let Some(c) = s.by_status.get_mut(status_index(f.status)) {
                    *c += 1;
                }
                if f.status == Status::Violated {
                    let slot = match f.rule.severity {
                        Some(Severity::Must) => 0,
                        Some(Severity::Should) => 1,
                        None => continue,
                    };
                    if let Some(c) = s.violated.get_mut(slot) {
                        *c += 1;
                    }
                }
            }
        }
    }

    pub fn status(&self, st: Status) -> usize {
        self.by_status
            .get(status_index(st))
            .copied()
            .unwrap_or_default()
    }
}

/// The open findings of a summary in words, as the text report and the Markdown ones give them:
/// `brudd: 2 skal, 1 bør · 3 venter · 4 ukjent`.
pub fn open_counts(lang: Lang, sum: &Summary) -> String {
    let [must, should] = sum.violated;
    format!(
        "{}: {must} {}, {should} {} · {} {} · {} {}",
        pick(lang, "brudd", "brot", "violated"),
        severity_word(lang, Severity::Must),
        severity_word(lang, Severity::Should),
        sum.status(Status::Pending),
        status_word(lang, Status::Pending),
        sum.status(Status::Unknown),
        status_word(lang, Status::Unknown),
    )
}

fn status_index(st: Status) -> usize {
    Status::REPORTED.iter().position(|s| *s == st).unwrap_or(0)
}

/// Names in one line, then how many more there are: `A-1, B-2 og 3 til`.
pub fn names_and_more(lang: Lang, names: &[String], more: usize) -> String {
    let mut s = names.join(", ");
    if more > 0 {
        s.push_str(&format!(
            " {} {more} {}",
            pick(lang, "og", "og", "and"),
            pick(lang, "til", "til", "more")
        ));
    }
    s
}

/// The urgency group of a finding, most urgent first: violated must, violated should, pending,
/// unknown, waived, then the settled ones.
fn urgency(f: &Finding) -> (u8, Option<Date>) {
    match (f.status, f.rule.severity) {
        (Status::Violated, Some(Severity::Must)) => (0, None),
        (Status::Violated, _) => (1, None),
        // Nearest deadline first; a pending finding without one goes last in its group.
        (Status::Pending, _) => (2, f.deadline.or(Some(Date::MAX))),
        (Status::Unknown, _) => (3, None),
        (Status::Waived, _) => (4, None),
        (Status::Met, _) => (5, None),
        (Status::NotApplicable, _) => (6, None),
        (Status::NotInForce, _) => (7, None),
    }
}

/// An evaluation's findings, most urgent first; ties by rule id, then by item.
pub fn ordered<'e, 'r>(e: &'e Evaluation<'r>) -> Vec<&'e Finding<'r>> {
    let mut v: Vec<&Finding> = e.findings.iter().collect();
    v.sort_by(|a, b| {
        urgency(a)
            .cmp(&urgency(b))
            .then_with(|| a.rule.id.cmp(&b.rule.id))
            .then_with(|| item_index(a).cmp(&item_index(b)))
    });
    v
}

fn item_index(f: &Finding) -> Option<usize> {
    f.item.as_ref().map(|i| i.index)
}

/// A finding's severity in brackets, to follow its name (` (skal)`); nothing for a fact.
pub fn severity_suffix(lang: Lang, f: &Finding) -> String {
    f.rule
        .severity
        .map(|x| format!(" ({})", severity_word(lang, x)))
        .unwrap_or_default()
}

/// What a format that gives a finding one line of text says of it: its message, or its rule's
/// title when the message is empty.
pub fn message_or_title<'a>(lang: Lang, f: &'a Finding) -> &'a str {
    let msg = f.message.get(lang);
    if msg.is_empty() {
        f.rule.title.get(lang)
    } else {
        msg
    }
}

/// The pointers of fields (the ones to provide, say), in one line.
pub fn pointers(fields: &[Evidence]) -> String {
    let all: Vec<&str> = fields.iter().map(|m| m.pointer.as_str()).collect();
    all.join(", ")
}

/// A finding's name in lists: the rule id, and the item it is about.
pub fn finding_name(f: &Finding) -> String {
    match &f.item {
        Some(item) => match &item.label {
            Some(l) => format!("{} [{}]", f.rule.id, l),
            None => format!("{} [{}]", f.rule.id, item.pointer),
        },
        None => f.rule.id.clone(),
    }
}

/// Where in the input a finding is about, with its JSON pointer.
///
/// The evaluator records evidence in the order it was read: the applicability condition first,
/// then the requirement and deadline. What a finding is *about* is what its requirement read, so
/// the last piece of evidence is the best place to point at; an undecided finding points at the
/// object that should hold its first missing field. Failing those, the item the finding is for.
pub fn locate<'f>(input: &Input, f: &'f Finding<'f>) -> Option<(&'f str, usize, usize)> {
    let place = |e: &'f crate::finding::Evidence| (e.pointer.as_str(), e.at);
    let missing = f.missing.iter().map(place);
    let evidence = f.evidence.iter().rev().map(place);
    let item = f.item.iter().map(|i| (i.pointer.as_str(), i.at));
    let candidates: Vec<(&str, u32)> = if f.status == Status::Unknown {
        missing.chain(evidence).chain(item).collect()
    } else {
        evidence.chain(missing).chain(item).collect()
    };
    candidates
        .into_iter()
        .find_map(|(pointer, at)| input.line_col(at).map(|(l, c)| (pointer, l, c)))
}

/// The line and column at which the document starts (for findings with no place of their own).
pub fn document_start(input: &Input) -> (usize, usize) {
    input
        .source
        .as_ref()
        .map(|s| {
            let text = s.text();
            let skipped = text.len() - text.trim_start().len();
            s.line_col(u32::try_from(skipped).unwrap_or(0))
        })
        .unwrap_or((1, 1))
}

/// A not-in-force finding's period in words: `i kraft fra 2020-02-26 til 2024-02-26`, said of
/// the reference date. What would extend it is in the rule's validity fields (shown by
/// `samstyr explain`).
pub fn period_words(lang: Lang, v: &crate::finding::Validity) -> String {
    match (lang, v.from, v.until) {
        (Lang::Nb, Some(a), Some(b)) => format!("i kraft fra {a} til {b}"),
        (Lang::Nn, Some(a), Some(b)) => format!("i kraft frå {a} til {b}"),
        (Lang::En, Some(a), Some(b)) => format!("in force from {a} until {b}"),
        (Lang::Nb, Some(a), None) => format!("i kraft fra {a}"),
        (Lang::Nn, Some(a), None) => format!("i kraft frå {a}"),
        (Lang::En, Some(a), None) => format!("in force from {a}"),
        (Lang::Nb | Lang::Nn, None, Some(b)) => format!("i kraft til {b}"),
        (Lang::En, None, Some(b)) => format!("in force until {b}"),
        (_, None, None) => pick(lang, "uten periode", "utan periode", "no period").into(),
    }
}

/// The not-in-force findings among `findings`, grouped by why (their message, which says the
/// period and what would extend it; else the period): each reason once, with the findings' names.
pub fn not_in_force_reasons<'a>(
    lang: Lang,
    findings: impl IntoIterator<Item = &'a Finding<'a>>,
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for f in findings {
        if f.status != Status::NotInForce {
            continue;
        }
        let message = f.message.get(lang).trim();
        let why = if !message.is_empty() {
            message.to_string()
        } else if let Some(v) = &f.validity {
            period_words(lang, v)
        } else {
            status_word(lang, Status::NotInForce).to_string()
        };
        let name = finding_name(f);
        match out.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(name),
            None => out.push((why, vec![name])),
        }
    }
    out
}

/// What `--fail-on` means, in words.
pub fn fail_on_words(lang: Lang, f: FailOn) -> &'static str {
    match f {
        FailOn::Must => pick(
            lang,
            "brudd på skal-krav feiler",
            "brot på skal-krav feilar",
            "a violated must fails",
        ),
        FailOn::Should => pick(
            lang,
            "brudd på skal- og bør-krav feiler",
            "brot på skal- og bør-krav feilar",
            "a violated must or should fails",
        ),
        FailOn::Never => pick(
            lang,
            "funn feiler aldri",
            "funn feilar aldri",
            "findings never fail",
        ),
    }
}

/// Where the rule set came from: `embedded` in words, else the directory as given.
pub fn origin_word(lang: Lang, origin: &str) -> &str {
    if origin == "embedded" {
        pick(lang, "innebygd", "innebygd", "embedded")
    } else {
        origin
    }
}

/// A computed remedy in words in `lang`: the change, then the other findings it would leave
/// violated, pending or unknown, each with the report's status word (the engine keeps them as
/// data, [`crate::finding::Changed`]).
pub fn to_meet_words(lang: Lang, tm: &crate::finding::ToMeet) -> String {
    let mut s = tm.text.get(lang).to_string();
    let worse: Vec<String> = tm
        .changes
        .iter()
        .filter(|c| c.is_worse())
        .map(|c| {
            let word = status_word(lang, c.to);
            let rule = match (&c.label, c.item, &c.added_to) {
                // An item the change adds has no position in the document the reader has.
                (label, _, Some(list)) => {
                    let label = label.as_ref().map_or(String::new(), |l| format!(" [{l}]"));
                    match lang {
                        Lang::Nb | Lang::Nn => {
                            format!("{}{label} for det nye elementet i {list}", c.rule)
                        }
                        Lang::En => format!("{}{label} for the new item in {list}", c.rule),
                    }
                }
                (Some(l), _, None) => format!("{} [{l}]", c.rule),
                (None, Some(i), None) => format!("{} [{}]", c.rule, i + 1),
                (None, None, None) => c.rule.clone(),
            };
            if c.missing.is_empty() {
                return format!("{rule}: {word}");
            }
            // Why it is undecided: the fields, named within the new item where it is one.
            let fields = c
                .missing
                .iter()
                .map(|m| {
                    c.added_to
                        .as_ref()
                        .and_then(|list| m.strip_prefix(&format!("{list}/")))
                        .and_then(|rest| rest.split_once('/'))
                        .map_or(m.as_str(), |(_, field)| field)
                })
                .collect::<Vec<_>>()
                .join(", ");
            match lang {
                Lang::Nb => format!("{rule}: {word} (mangler verdi for {fields})"),
                Lang::Nn => format!("{rule}: {word} (manglar verdi for {fields})"),
                Lang::En => format!("{rule}: {word} (no value for {fields})"),
            }
        })
        .collect();
    if !worse.is_empty() {
        let list = worse.join(", ");
        s.push(' ');
        s.push_str(&match lang {
            Lang::Nb => format!("Merk: endringen gir også {list}."),
            Lang::Nn => format!("Merk: endringa gjev òg {list}."),
            Lang::En => format!("Note: the change also gives {list}."),
        });
    }
    s
}

pub fn status_word(lang: Lang, st: Status) -> &'static str {
    match st {
        Status::Violated => pick(lang, "brudd", "brot", "violated"),
        Status::Pending => pick(lang, "venter", "ventar", "pending"),
        Status::Unknown => pick(lang, "ukjent", "ukjend", "unknown"),
        Status::Met => pick(lang, "oppfylt", "oppfylt", "met"),
        Status::NotApplicable => pick(lang, "ikke aktuelt", "ikkje aktuelt", "not applicable"),
        Status::NotInForce => pick(lang, "ikke i kraft", "ikkje i kraft", "not in force"),
        Status::Waived => pick(lang, "unntatt", "unnateke", "waived"),
    }
}

pub fn severity_word(lang: Lang, sev: Severity) -> &'static str {
    match sev {
        Severity::Must => pick(lang, "skal", "skal", "must"),
        Severity::Should => pick(lang, "bør", "bør", "should"),
    }
}

pub fn tri_word(lang: Lang, t: Tri) -> &'static str {
    match t {
        Tri::Yes => pick(lang, "ja", "ja", "yes"),
        Tri::No => pick(lang, "nei", "nei", "no"),
        Tri::Unknown => pick(lang, "ukjent", "ukjend", "unknown"),
    }
}

/// "documents" after a count.
pub fn documents_word(lang: Lang, n: usize) -> &'static str {
    match (lang, n) {
        (Lang::Nb | Lang::Nn, 1) => "dokument",
        (Lang::Nb, _) => "dokumenter",
        (Lang::Nn, _) => "dokument",
        (Lang::En, 1) => "document",
        (Lang::En, _) => "documents",
    }
}

/// "invalid" after a count.
pub fn invalid_word(lang: Lang, n: usize) -> &'static str {
    match (lang, n) {
        (Lang::Nb | Lang::Nn, 1) => "ugyldig",
        (Lang::Nb | Lang::Nn, _) => "ugyldige",
        (Lang::En, _) => "invalid",
    }
}

pub fn tri_name(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "yes",
        Tri::No => "no",
        Tri::Unknown => "unknown",
    }
}

/// A value as shown to a reader.
pub fn shown_text(lang: Lang, v: &Shown) -> String {
    match v {
        Shown::Absent => pick(lang, "ikke oppgitt", "ikkje oppgitt", "not stated").to_string(),
        Shown::Null => pick(lang, "ingen", "ingen", "none").to_string(),
        Shown::Bool(b) => tri_word(lang, if *b { Tri::Yes } else { Tri::No }).to_string(),
        Shown::Number(n) => number_text(*n),
        Shown::Str(s) => format!("`{s}`"),
        Shown::Date(d) => d.to_string(),
        Shown::List(n) => match (lang, n) {
            (Lang::Nb | Lang::Nn, 1) => "1 element".to_string(),
            (Lang::Nb, n) => format!("{n} elementer"),
            (Lang::Nn, n) => format!("{n} element"),
            (Lang::En, 1) => "1 item".to_string(),
            (Lang::En, n) => format!("{n} items"),
        },
        Shown::Object => pick(lang, "oppgitt", "oppgitt", "stated").to_string(),
    }
}

/// Numbers without needless decimals, as in rule messages.
pub fn number_text(n: f64) -> String {
    match crate::value::number_json(n) {
        serde_json::Value::Null => n.to_string(),
        v => v.to_string(),
    }
}

/// A source in one line: the citation with its line and what the quote reads
/// («Samarbeidsavtalen KMD–KS (2020) § 2, linje 55 «Gjennomføring av …»») for a seed, the
/// citation and URL for an external one.
pub fn source_text(src: &SourceRef, lang: Lang, max_quote: usize) -> String {
    let mut s = src.citation_at_line(lang);
    if let Some(reading) = src.reading() {
        s.push_str(&format!(" «{}»", shorten(reading, max_quote)));
    }
    if let SourceRef::External { url: Some(u), .. } = src {
        s.push_str(&format!(" <{u}>"));
    }
    s
}

/// At most `max` characters of `s`, whitespace folded, with `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max {
        return folded;
    }
    let mut out: String = folded.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Facts that decided a headline: for `yes` the ones that hold, for `no` all of them (each had
/// to be false), for `unknown` the ones that are not false.
pub fn decisive<'h, 'r>(
    h: &'h crate::finding::Headline<'r>,
) -> Vec<&'h crate::finding::FactValue<'r>> {
    h.because
        .iter()
        .filter(|fv| match h.value {
            Tri::Yes => matches!(fv.value, Shown::Bool(true)),
            Tri::No => true,
            Tri::Unknown => !matches!(fv.value, Shown::Bool(false)),
        })
        .collect()
}

/// What a finding rests on that the rule set takes as given, one line each (`antakelse: …`), for
/// the formats that show a finding as its message (GitHub, SARIF, JUnit, the portfolio's rows).
/// A finding borrows its assumptions; a portfolio row shares them.
pub fn assumption_lines<A: Borrow<Assumption>>(
    lang: Lang,
    assumptions: &[A],
) -> impl Iterator<Item = String> + '_ {
    let label = pick(lang, "antakelse:", "antaking:", "assumption:");
    assumptions
        .iter()
        .map(move |a| format!("{label} {}", a.borrow().text.get(lang)))
}

/// A finding's message with its assumptions after it in brackets, for a format that has one cell
/// for it (CSV, XLSX).
pub fn message_cell<A: Borrow<Assumption>>(
    lang: Lang,
    message: &Text,
    assumptions: &[A],
) -> String {
    let mut s = message.get(lang).to_string();
    for a in assumption_lines(lang, assumptions) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push('(');
        s.push_str(&a);
        s.push(')');
    }
    s
}

pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What a value received from a linked document is labelled with (lower case).
pub fn from_linked(lang: Lang) -> &'static str {
    pick(
        lang,
        "fra koblet dokument",
        "frå kopla dokument",
        "from a linked document",
    )
}

/// A received value as one labelled line (lower case): `fra koblet dokument: x = ja, mottatt …`.
pub fn received_line(lang: Lang, n: &ReceivedNote) -> String {
    format!("{}: {}", from_linked(lang), received_text(lang, n))
}

/// What a problem with a document's links is labelled with (lower case).
pub fn link_word(lang: Lang) -> &'static str {
    pick(lang, "kobling", "kopling", "link")
}

/// Added to a headline answer that values from linked documents decided.
pub fn headline_by_links_note(lang: Lang) -> &'static str {
    pick(
        lang,
        " (følger av koblede dokumenter)",
        " (følgjer av kopla dokument)",
        " (follows from linked documents)",
    )
}

/// Said of a finding whose status follows from values received from linked documents.
pub fn finding_by_links_note(lang: Lang) -> &'static str {
    pick(
        lang,
        "Følger av verdier mottatt fra koblede dokumenter.",
        "Følgjer av verdiar som er mottekne frå kopla dokument.",
        "Follows from values received from linked documents.",
    )
}

/// One value a document received from a linked document, in words.
pub fn received_text(lang: Lang, n: &ReceivedNote) -> String {
    let value = tri_word(lang, n.value);
    let mut s = match lang {
        Lang::Nb => format!(
            "{} = {value}, mottatt fra {} via {}",
            n.fact, n.via, n.along
        ),
        Lang::Nn => format!(
            "{} = {value}, motteke frå {} via {}",
            n.fact, n.via, n.along
        ),
        Lang::En => format!(
            "{} = {value}, received from {} via {}",
            n.fact, n.via, n.along
        ),
    };
    if let Some(o) = &n.origin {
        s.push_str(&match lang {
            Lang::Nb => format!(", opprinnelig fra {o}"),
            Lang::Nn => format!(", opphavleg frå {o}"),
            Lang::En => format!(", originally from {o}"),
        });
    }
    s
}

/// One problem with a document's links, in words.
pub fn problem_text(lang: Lang, p: &LinkProblem) -> String {
    match p {
        LinkProblem::Dangling { field, target } => match lang {
            Lang::Nb => {
                format!("{field} viser til {target}, som ikke er et gyldig dokument i samlingen")
            }
            Lang::Nn => {
                format!("{field} viser til {target}, som ikkje er eit gyldig dokument i samlinga")
            }
            Lang::En => {
                format!("{field} names {target}, which is no valid document of the batch")
            }
        },
        LinkProblem::Cycle { field, path } => match lang {
            Lang::Nb | Lang::Nn => format!("{field} går i ring: {}", path.join(" → ")),
            Lang::En => format!("{field} forms a cycle: {}", path.join(" → ")),
        },
        LinkProblem::OnCycle {
            field,
            start,
            members,
        } => match lang {
            Lang::Nb => {
                format!("{field} går i ring med {start} ({members} dokumenter; ringen er vist der)")
            }
            Lang::Nn => {
                format!("{field} går i ring med {start} ({members} dokument; ringen er vist der)")
            }
            Lang::En => format!(
                "{field} forms a cycle with {start} ({members} documents; the cycle is shown there)"
            ),
        },
    }
}

/// Test data shared by the renderers' unit tests: a hand-built run, independent of any rule set.
#[cfg(test)]
pub(crate) mod testdata {
    use super::*;
    use crate::diag::{Diagnostic, Problem};
    use crate::finding::{Evidence, FactValue, Headline, Item, Principle, RuleKind, Validity};
    use jiff::civil::date;
    use std::sync::LazyLock;

    #[derive(Debug, thiserror::Error)]
    #[error("unknown field `titel`")]
    struct Typo;

    impl Problem for Typo {
        fn code(&self) -> &'static str {
            "input::unknown-field"
        }
        fn help(&self) -> Option<String> {
            Some("did you mean `title`?".into())
        }
    }

    fn rule(id: &str, sev: Severity, principle: &str) -> Arc<RuleInfo> {
        Arc::new(RuleInfo {
            id: id.into(),
            kind: RuleKind::Obligation,
            principle: Some(Principle {
                id: principle.into(),
                title: Text::new(format!("Prinsipp {principle}"), format!("Principle {principle}")),
            }),
            severity: Some(sev),
            title: Text::new(format!("Tittel {id}"), format!("Title {id}")),
            remedy: Text::new("Gjør noe.", "Do something."),
            sources: vec![
                SourceRef::Seed {
                    file: "seed.txt".into(),
                    line: 12,
                    quote: "En lang setning som sier hva som skal gjeres, og som er lengre enn det som vises i en kort rapport om funnet."
                        .into(),
                    doc: Some(Arc::new(crate::finding::SourceDoc {
                        key: "seed.txt".into(),
                        title: "Avtale om samarbeid".into(),
                        short: Text::all("Avtalen (2020)", "Avtalen (2020)", "Avtalen (2020)"),
                        date: None,
                        kind: crate::finding::DocKind::Agreement,
                        ocr: true,
                        mark: Text::all("§", "§", "§"),
                        sections: vec![crate::finding::Section {
                            number: Some("2".into()),
                            title: "Oppgaver".into(),
                            first: 10,
                            last: 20,
                        }],
                    })),
                    reading: Some("En lang setning som sier hva som skal gjøres, og som er lengre enn det som vises i en kort rapport om funnet.".into()),
                },
                SourceRef::External {
                    title: "Instruks".into(),
                    section: Some("§ 3-3".into()),
                    url: Some("https://example.org/instruks".into()),
                    paraphrase: Some(Text::new("Omskrevet.", "Paraphrased.")),
                    doc: None,
                },
            ],
        })
    }

    fn finding(rule: &RuleInfo, status: Status) -> Finding<'_> {
        Finding {
            rule,
            status,
            item: None,
            deadline: None,
            message: Text::new(
                format!("Melding for {} ({})", rule.id, status.name()),
                format!("Message for {} ({})", rule.id, status.name()),
            ),
            evidence: Vec::new(),
            missing: Vec::new(),
            validity: None,
            waiver: None,
            to_meet: None,
            assumptions: Vec::new(),
        }
    }

    pub const PASSING: &str = "{\n  \"id\": \"A-1\",\n  \"title\": \"Pass, \\\"quoted\\\" & <ok>\",\n  \"flag\": true\n}\n";
    pub const FAILING: &str = "{\n  \"id\": \"B-2\",\n  \"title\": \"Fails: 100% | *bold*\",\n  \"items\": [\n    { \"name\": \"Styre\", \"n\": 1 }\n  ],\n  \"when\": \"2026-03-01\"\n}\n";
    pub const INVALID: &str = "{\n  \"id\": \"C-3\",\n  \"titel\": \"x\"\n}\n";

    fn offset(text: &str, needle: &str) -> u32 {
        text.find(needle).map(|o| o as u32).unwrap_or(u32::MAX)
    }

    pub fn run(gate: Gate, lang: Lang) -> RunInfo {
        let r1 = rule("R-01", Severity::Must, "early");
        let r2 = rule("R-02", Severity::Should, "money");
        let r3 = rule("R-03", Severity::Must, "bodies");
        let r4 = rule("R-04", Severity::Must, "early");
        RunInfo {
            tool_version: "0.1.0".into(),
            information_uri: Some("https://example.org/samstyr".into()),
            rules: RuleSetInfo {
                id: "demo".into(),
                version: "1.0.0".into(),
                title: Text::new("Demoregler", "Demo rules"),
                origin: "embedded".into(),
                sha256: "0".repeat(64),
            },
            obligations: vec![r1, r2, r3, r4],
            headline: Some(HeadlineInfo {
                key: "consultation_required".into(),
                title: Text::new("Krever konsultasjon", "Consultation required"),
            }),
            as_of: date(2026, 6, 1),
            lang,
            gate,
            params: vec![ParamOverride {
                id: "lead_time_days".into(),
                value: "14".into(),
                default: "0".into(),
            }],
            waivers: Vec::new(),
            input: None,
        }
    }

    // The facts a headline names: rule infos a finding borrows must outlive the inputs.
    static FACT: LazyLock<RuleInfo> = LazyLock::new(|| RuleInfo {
        id: "affects".into(),
        kind: RuleKind::Fact,
        principle: None,
        severity: None,
        title: Text::new("Berører sektoren", "Affects the sector"),
        remedy: Text::default(),
        sources: vec![SourceRef::Seed {
            file: "seed.txt".into(),
            line: 3,
            quote: "kort sitat".into(),
            doc: None,
            reading: None,
        }],
    });
    static FACT2: LazyLock<RuleInfo> = LazyLock::new(|| RuleInfo {
        id: "joint".into(),
        title: Text::new("Felles tiltak", "Joint measure"),
        ..(*FACT).clone()
    });

    /// A passing document, a failing one (every status) and an invalid one.
    pub fn inputs(run: &RunInfo) -> Vec<Input<'_>> {
        let rules = &run.obligations;
        let (r1, r2, r3, r4) = match rules.as_slice() {
            [a, b, c, d] => (a, b, c, d),
            _ => unreachable!("run() builds four rules"),
        };
        let (fact, fact2) = (&*FACT, &*FACT2);
        let title = match &run.headline {
            Some(h) => &h.title,
            None => unreachable!("run() has a headline"),
        };
        let pass_src = SourceFile::new("batch/a.json", PASSING);
        let fail_src = SourceFile::new("batch/b.json", FAILING);
        let bad_src = SourceFile::new("batch/c.json", INVALID);

        let mut met = finding(r1, Status::Met);
        met.evidence.push(Evidence {
            pointer: "/flag".into(),
            at: offset(PASSING, "true"),
            value: Shown::Bool(true),
        });
        let na = finding(r2, Status::NotApplicable);
        let mut nif = finding(r4, Status::NotInForce);
        nif.validity = Some(Validity {
            on: date(2026, 6, 1),
            from: Some(date(2020, 9, 14)),
            until: Some(date(2022, 9, 1)),
        });
        let pass = Evaluation {
            key: "A-1".into(),
            as_of: run.as_of,
            reference_date: run.as_of,
            headline: Some(Headline {
                key: "consultation_required",
                title,
                value: Tri::No,
                because: vec![
                    FactValue {
                        fact,
                        value: Shown::Bool(false),
                        missing: Vec::new(),
                    },
                    FactValue {
                        fact: fact2,
                        value: Shown::Bool(false),
                        missing: Vec::new(),
                    },
                ],
            }),
            facts: Vec::new(),
            findings: vec![nif, na, met],
            links: Default::default(),
        };

        let mut v_must = finding(r3, Status::Violated);
        v_must.item = Some(Item {
            index: 0,
            pointer: "/items/0".into(),
            at: offset(FAILING, "{ \"name\""),
            label: Some("Styre".into()),
        });
        v_must.evidence.push(Evidence {
            pointer: "/items/0/n".into(),
            at: offset(FAILING, "1 }"),
            value: Shown::Number(1.0),
        });
        let mut v_should = finding(r2, Status::Violated);
        v_should.missing.push(Evidence {
            pointer: "/costs".into(),
            at: offset(FAILING, "{"),
            value: Shown::Absent,
        });
        let mut pending = finding(r1, Status::Pending);
        pending.deadline = Some(date(2026, 9, 1));
        pending.evidence.push(Evidence {
            pointer: "/when".into(),
            at: offset(FAILING, "\"2026-03-01\""),
            value: Shown::Date(date(2026, 3, 1)),
        });
        let mut unknown = finding(r4, Status::Unknown);
        unknown.missing.push(Evidence {
            pointer: "/impact".into(),
            at: offset(FAILING, "{"),
            value: Shown::Absent,
        });
        let fail = Evaluation {
            key: "B-2".into(),
            as_of: run.as_of,
            reference_date: date(2026, 3, 1),
            headline: Some(Headline {
                key: "consultation_required",
                title,
                value: Tri::Yes,
                because: vec![
                    FactValue {
                        fact,
                        value: Shown::Bool(true),
                        missing: Vec::new(),
                    },
                    FactValue {
                        fact: fact2,
                        value: Shown::Absent,
                        missing: vec![Evidence {
                            pointer: "/joint".into(),
                            at: 0,
                            value: Shown::Absent,
                        }],
                    },
                ],
            }),
            facts: Vec::new(),
            findings: vec![unknown, pending, v_should, v_must],
            links: Default::default(),
        };

        let typo_at = offset(INVALID, "\"titel\"");
        let diag = Diagnostic::at(
            &Typo,
            &bad_src,
            crate::source::Span::new(typo_at as usize, typo_at as usize + 7),
        )
        .with_pointer("/titel");

        vec![
            Input {
                label: "batch/a.json".into(),
                source: Some(pass_src),
                title: Some("Pass, \"quoted\" & <ok>".into()),
                outcome: Outcome::Evaluated(Box::new(pass)),
            },
            Input {
                label: "batch/b.json".into(),
                source: Some(fail_src),
                title: Some("Fails: 100% | *bold*".into()),
                outcome: Outcome::Evaluated(Box::new(fail)),
            },
            Input {
                label: "batch/c.json".into(),
                source: Some(bad_src),
                title: None,
                outcome: Outcome::Invalid(Diagnostics::from(diag)),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_is_labelled_from_the_input_format() {
        let files =
            crate::files::RuleFiles::from_dir(std::path::Path::new("fixtures/library/rules"))
                .expect("library rules");
        let set = crate::rules::RuleSet::load(&files, &[]).expect("loads");
        let schema = set.schema();
        // A field of the root, a field of a list's item (the index skipped), none for unknowns.
        assert_eq!(
            schema.field_at("/age").map(|f| f.name.as_str()),
            Some("age")
        );
        assert_eq!(
            schema
                .field_at("/loans/0/returned")
                .map(|f| f.name.as_str()),
            Some("returned")
        );
        assert!(schema.field_at("/loans/0/nope").is_none());
        assert!(schema.field_at("/nope").is_none());
        // The label is the doc's first sentence, before a list after `;`, in the language asked.
        let label = |lang, p| field_label(Some(schema), lang, p);
        assert_eq!(
            label(Lang::Nb, "/loans/0/returned").as_deref(),
            Some("Innleveringsdato")
        );
        assert_eq!(label(Lang::Nn, "/age").as_deref(), Some("Alder i år"));
        assert_eq!(label(Lang::En, "/loans").as_deref(), Some("Loans"));
    }

    #[test]
    fn an_enum_value_is_shown_with_the_input_format_s_words() {
        let toml = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "Dokument", en = "Document" }
[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", required = true }
name = { type = "string" }
parts = { type = "list", items = "part", absent = "empty" }
[input.types.part.fields]
colour = { type = "enum", values = ["red", "dark_blue", "teal"], labels = { red = { nb = "Rød", nn = "Raud", en = "Red" }, dark_blue = { nb = "Mørkeblå", nn = "Mørkeblå", en = "Dark blue" }, teal = { nb = "Blågrønn", nn = "Blågrøn", en = "Teal" } } }
"#;
        let schema = crate::schema::load(&crate::source::SourceFile::new("input.toml", toml))
            .unwrap_or_else(|d| panic!("{d:?}"));
        let text = |lang, p, v: &str| value_text(Some(&schema), lang, p, &Shown::Str(v.into()));
        assert_eq!(text(Lang::Nn, "/parts/0/colour", "red"), "`red` (Raud)");
        assert_eq!(
            text(Lang::Nb, "/parts/3/colour", "dark_blue"),
            "`dark_blue` (Mørkeblå)"
        );
        // Words that only repeat the value add nothing; a text field has none; nor has a value
        // the enum does not know.
        assert_eq!(
            text(Lang::En, "/parts/0/colour", "dark_blue"),
            "`dark_blue`"
        );
        assert_eq!(text(Lang::En, "/parts/0/colour", "teal"), "`teal`");
        assert_eq!(text(Lang::Nb, "/name", "red"), "`red`");
        assert_eq!(text(Lang::Nb, "/parts/0/colour", "green"), "`green`");
        assert_eq!(
            value_text(Some(&schema), Lang::Nb, "/parts", &Shown::List(2)),
            "2 elementer"
        );
    }

    fn gate(fail_on: FailOn, unknown_fails: bool) -> Gate {
        Gate {
            fail_on,
            unknown_fails,
        }
    }

    #[test]
    fn invalid_input_wins_over_findings() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        assert_eq!(verdict(run.gate, &inputs), Verdict::Invalid);
        assert_eq!(verdict(run.gate, &inputs[..2]), Verdict::Fail);
        assert_eq!(verdict(run.gate, &inputs[..1]), Verdict::Pass);
    }

    #[test]
    fn fail_on_levels() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        let valid = &inputs[..2];
        assert_eq!(verdict(gate(FailOn::Must, false), valid), Verdict::Fail);
        assert_eq!(verdict(gate(FailOn::Should, false), valid), Verdict::Fail);
        assert_eq!(verdict(gate(FailOn::Never, false), valid), Verdict::Pass);
        assert_eq!(
            verdict(gate(FailOn::Never, false), &inputs),
            Verdict::Invalid
        );
    }

    #[test]
    fn pending_never_fails_and_unknown_only_when_asked() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        let Some(e) = inputs[1].evaluation() else {
            panic!("second input is evaluated");
        };
        let by = |st: Status| e.findings.iter().find(|f| f.status == st);
        let (Some(pending), Some(unknown), Some(should)) = (
            by(Status::Pending),
            by(Status::Unknown),
            e.findings.iter().find(|f| {
                f.status == Status::Violated && f.rule.severity == Some(Severity::Should)
            }),
        ) else {
            panic!("test data has pending, unknown and violated-should findings");
        };
        for fo in [FailOn::Must, FailOn::Should, FailOn::Never] {
            assert!(!gate(fo, false).fails(pending));
            assert!(!gate(fo, true).fails(pending));
            assert!(!gate(fo, false).fails(unknown));
        }
        assert!(gate(FailOn::Must, true).fails(unknown));
        assert!(!gate(FailOn::Never, true).fails(unknown));
        assert!(!gate(FailOn::Must, false).fails(should));
        assert!(gate(FailOn::Should, false).fails(should));
        // Shown but not failing: a note for what is undecided or not yet due.
        assert_eq!(gate(FailOn::Must, false).level(unknown), Some(Level::Note));
        assert_eq!(gate(FailOn::Must, true).level(unknown), Some(Level::Error));
        // A violation is flagged whatever --fail-on says (README, "What fails the gate"): a
        // warning when it does not
        // fail the gate, an error when it does.
        assert_eq!(
            gate(FailOn::Must, false).level(should),
            Some(Level::Warning)
        );
        assert_eq!(
            gate(FailOn::Should, false).level(should),
            Some(Level::Error)
        );
        assert_eq!(
            gate(FailOn::Never, false).level(should),
            Some(Level::Warning)
        );
    }

    #[test]
    fn most_urgent_first() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        let Some(e) = inputs[1].evaluation() else {
            panic!("second input is evaluated");
        };
        let order: Vec<String> = ordered(e)
            .iter()
            .map(|f| format!("{} {}", f.rule.id, f.status.name()))
            .collect();
        assert_eq!(
            order,
            [
                "R-03 violated",
                "R-02 violated",
                "R-01 pending",
                "R-04 unknown"
            ]
        );
    }

    /// Written a document at a time, or with no document, the JSON and SARIF reports have the
    /// bytes of the whole: the lists item by item where the printer puts them, `[]` when empty.
    #[test]
    fn a_report_written_as_a_stream_is_the_report() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        for n in [0, 1, 2, 3] {
            let part = inputs.get(..n).unwrap_or_default();
            let tally = Tally::of_hashed(&run, part);
            let (mut js, mut j) = json::Stream::head(&run, &tally);
            let (mut ss, mut s) = sarif::Stream::head(&run, &tally);
            for one in part.chunks(1) {
                j.push_str(&js.chunk(&run, one));
                s.push_str(&ss.chunk(&run, one));
            }
            j.push_str(&js.tail());
            s.push_str(&ss.tail());
            assert_eq!(j, json::render(&run, part), "JSON, {n} documents");
            assert_eq!(s, sarif::render(&run, part), "SARIF, {n} documents");
        }
    }

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("a  b\n c", 10), "a b c");
        assert_eq!(shorten("æøå æøå æøå", 6), "æøå æ…");
    }

    #[test]
    fn a_side_effect_on_an_added_item_is_named_by_its_list_and_says_what_it_lacks() {
        use crate::finding::{Changed, ToMeet};
        let changed = |label: Option<&str>, added_to: Option<&str>, missing: &[&str]| Changed {
            rule: "R-1".into(),
            item: Some(1),
            label: label.map(str::to_string),
            added_to: added_to.map(str::to_string),
            missing: missing.iter().map(|m| m.to_string()).collect(),
            from: Status::NotApplicable,
            to: Status::Unknown,
        };
        let words = |lang, c: Changed| {
            to_meet_words(
                lang,
                &ToMeet {
                    patch: Vec::new(),
                    changes: vec![c],
                    text: crate::text::Text::all("X.", "X.", "X."),
                    derivation: Vec::new(),
                },
            )
        };
        let new = changed(None, Some("/things"), &["/things/1/owner", "/other"]);
        assert_eq!(
            words(Lang::Nb, new.clone()),
            "X. Merk: endringen gir også R-1 for det nye elementet i /things: ukjent (mangler verdi for owner, /other)."
        );
        assert_eq!(
            words(Lang::Nn, new.clone()),
            "X. Merk: endringa gjev òg R-1 for det nye elementet i /things: ukjend (manglar verdi for owner, /other)."
        );
        assert_eq!(
            words(Lang::En, new),
            "X. Note: the change also gives R-1 for the new item in /things: unknown (no value for owner, /other)."
        );
        assert_eq!(
            words(Lang::En, changed(Some("b"), Some("/things"), &[])),
            "X. Note: the change also gives R-1 [b] for the new item in /things: unknown."
        );
        // An item the input has: its label, else its position.
        assert_eq!(
            words(Lang::En, changed(Some("b"), None, &[])),
            "X. Note: the change also gives R-1 [b]: unknown."
        );
        assert_eq!(
            words(Lang::En, changed(None, None, &[])),
            "X. Note: the change also gives R-1 [2]: unknown."
        );
    }
}
