//! Findings: the plain-data result of evaluating a rule set on one document.
//!
//! This is the contract between the evaluator and the renderers. Nothing here knows an output
//! format, and nothing here knows any particular rule set: rule metadata travels as [`RuleInfo`],
//! borrowed from the rule set that judged the document: a finding costs no copy of titles or
//! sources, and no reference count (a count touched for every finding of every document was a
//! tenth of an evaluation's time). There is deliberately no serde
//! here: each renderer owns the shape of its format.

use crate::text::{Lang, Text, pick};
use jiff::civil::Date;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Must,
    Should,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Must => "must",
            Severity::Should => "should",
        }
    }
}

/// A finding's status. The order is the order of urgency used when sorting reports.
///
/// `Waived` is never derived by the evaluator: a waiver given with the run (see
/// [`crate::waiver`]) turns a violated, pending or unknown finding into it afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Violated,
    Pending,
    Unknown,
    Met,
    NotApplicable,
    NotInForce,
    Waived,
}

impl Status {
    /// The statuses evaluation derives (portfolio tallies count these).
    pub const ALL: [Status; 6] = [
        Status::Violated,
        Status::Pending,
        Status::Unknown,
        Status::Met,
        Status::NotApplicable,
        Status::NotInForce,
    ];

    /// Every status a report can show: the derived ones, then `waived`.
    pub const REPORTED: [Status; 7] = [
        Status::Violated,
        Status::Pending,
        Status::Unknown,
        Status::Met,
        Status::NotApplicable,
        Status::NotInForce,
        Status::Waived,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Violated => "violated",
            Status::Pending => "pending",
            Status::Unknown => "unknown",
            Status::Met => "met",
            Status::NotApplicable => "not_applicable",
            Status::NotInForce => "not_in_force",
            Status::Waived => "waived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.name() == s)
    }
}

/// Three-valued answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Fact,
    Obligation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principle {
    pub id: String,
    pub title: Text,
}

/// What a rule set says about one source document (`[[document]]`, docs/rules.md): shared by
/// every quote from it, so that people read a title and a section, never a file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDoc {
    /// The seed file's name, or, for a document outside `seeds/`, the title rules cite it by.
    pub key: String,
    pub title: String,
    /// The name a citation uses: «Samarbeidsavtalen KMD–KS (2020)».
    pub short: Text,
    pub date: Option<Date>,
    pub kind: DocKind,
    /// The seed is an OCR scan: its quotes carry corrected readings for people.
    pub ocr: bool,
    /// How a numbered section is cited (`§`, `kap.`).
    pub mark: Text,
    /// In the order written; they may nest (`2` holds `2.1`).
    pub sections: Vec<Section>,
}

impl SourceDoc {
    /// The innermost section that holds `line`.
    pub fn section_at(&self, line: usize) -> Option<&Section> {
        self.sections
            .iter()
            .filter(|s| s.first <= line && line <= s.last)
            .min_by_key(|s| s.last - s.first)
    }
}

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Agreement,
    Strategy,
    Case,
    Circular,
    Instruction,
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 6] = [
        DocKind::Agreement,
        DocKind::Strategy,
        DocKind::Case,
        DocKind::Circular,
        DocKind::Instruction,
        DocKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DocKind::Agreement => "agreement",
            DocKind::Strategy => "strategy",
            DocKind::Case => "case",
            DocKind::Circular => "circular",
            DocKind::Instruction => "instruction",
            DocKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A section of a source document: its number (`2.1`) when it has one, its heading, and the
/// lines of the seed it spans (1-based, both included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub number: Option<String>,
    pub title: String,
    pub first: usize,
    pub last: usize,
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRef {
    /// A quote found in a seed document; `line` is 1-based, where the quote starts.
    Seed {
        file: String,
        line: usize,
        quote: String,
        /// The document, when the rule set describes it.
        doc: Option<Arc<SourceDoc>>,
        /// The corrected reading of a quote from an OCR scan (the quote itself stays verbatim, as
        /// the seed is checked against it).
        reading: Option<String>,
    },
    /// A document outside `seeds/`, cited and paraphrased.
    External {
        title: String,
        section: Option<String>,
        url: Option<String>,
        paraphrase: Option<Text>,
        /// The document, when the rule set describes it (a short name for citations).
        doc: Option<Arc<SourceDoc>>,
    },
}

impl SourceRef {
    /// The source as people cite it: «Samarbeidsavtalen KMD–KS (2020) § 6» for a described
    /// seed, `file:line` for one the rule set does not describe, the short name (or title) and
    /// section for another document.
    pub fn citation(&self, lang: Lang) -> String {
        match self {
            SourceRef::Seed {
                file,
                line,
                doc: None,
                ..
            } => format!("{file}:{line}"),
            SourceRef::Seed {
                doc: Some(doc),
                line,
                ..
            } => match doc.section_at(*line) {
                // A heading reads after a colon: «Kompetanseavtalen (2019): Varighet».
                Some(sec) if sec.number.is_none() => {
                    format!("{}: {}", doc.short.get(lang), sec.title)
                }
                Some(sec) => format!("{} {}", doc.short.get(lang), section_label(doc, sec, lang)),
                None => doc.short.get(lang).to_string(),
            },
            SourceRef::External {
                title,
                section,
                doc,
                ..
            } => {
                let name = doc.as_ref().map_or(title.as_str(), |d| d.short.get(lang));
                match section {
                    Some(x) => format!("{name}, {x}"),
                    None => name.to_string(),
                }
            }
        }
    }

    /// [`SourceRef::citation`] with the seed's line where the rule set describes the seed
    /// («Samarbeidsavtalen KMD–KS (2020) § 6, linje 56»); the same otherwise.
    pub fn citation_at_line(&self, lang: Lang) -> String {
        match self {
            SourceRef::Seed {
                line, doc: Some(_), ..
            } => format!(
                "{}, {} {line}",
                self.citation(lang),
                pick(lang, "linje", "linje", "line")
            ),
            _ => self.citation(lang),
        }
    }

    /// The section the quote stands in, as cited (`§ 6`, `kap. 6`, or a heading: `Varighet`), or
    /// the section an external source names.
    pub fn section(&self, lang: Lang) -> Option<String> {
        match self {
            SourceRef::Seed {
                doc: Some(doc),
                line,
                ..
            } => doc.section_at(*line).map(|s| section_label(doc, s, lang)),
            SourceRef::Seed { doc: None, .. } => None,
            SourceRef::External { section, .. } => section.clone(),
        }
    }

    /// The document's full title, when it is known.
    pub fn title(&self) -> Option<&str> {
        match self {
            SourceRef::Seed { doc, .. } => doc.as_ref().map(|d| d.title.as_str()),
            SourceRef::External { title, doc, .. } => {
                Some(doc.as_ref().map_or(title.as_str(), |d| d.title.as_str()))
            }
        }
    }

    /// What people read of a quote: the corrected reading of an OCR quote, else the quote.
    pub fn reading(&self) -> Option<&str> {
        match self {
            SourceRef::Seed { quote, reading, .. } => Some(reading.as_deref().unwrap_or(quote)),
            SourceRef::External { .. } => None,
        }
    }

    /// Where to read the source: the server's page of a seed at the quote's line
    /// (`/v1/sources/{file}#L{line}`), or an external document's address.
    pub fn href(&self) -> Option<String> {
        match self {
            SourceRef::Seed { file, line, .. } => Some(format!("/v1/sources/{file}#L{line}")),
            SourceRef::External { url, .. } => url.clone(),
        }
    }
}

/// A section as cited: `§ 2.1` for a numbered one, its heading otherwise.
fn section_label(doc: &SourceDoc, sec: &Section, lang: Lang) -> String {
    match &sec.number {
        Some(n) => format!("{} {n}", doc.mark.get(lang)),
        None => sec.title.clone(),
    }
}

/// Everything about a fact or an obligation that does not depend on the document judged.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub kind: RuleKind,
    pub principle: Option<Principle>,
    /// Obligations only.
    pub severity: Option<Severity>,
    pub title: Text,
    pub remedy: Text,
    pub sources: Vec<SourceRef>,
}

/// How evidence shows a value: owned by the value layer, below the evaluator that reads it.
pub use crate::value::Shown;

/// A value that decided a finding: where it is in the document and what it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// JSON pointer into the document (`/involvement/0/date`).
    pub pointer: String,
    /// Byte offset in the source of the value (or of the object that should hold an absent field);
    /// `u32::MAX` when it has no place in the source.
    pub at: u32,
    pub value: Shown,
}

/// The item a per-item obligation was evaluated for.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub index: usize,
    pub pointer: String,
    pub at: u32,
    /// A human label for the item (its `name` or similar), if the rule names one.
    pub label: Option<String>,
}

/// Why a rule was not in force on the reference date.
#[derive(Debug, Clone, PartialEq)]
pub struct Validity {
    pub on: Date,
    pub from: Option<Date>,
    /// Exclusive end.
    pub until: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Finding<'r> {
    pub rule: &'r RuleInfo,
    pub status: Status,
    pub item: Option<Item>,
    pub deadline: Option<Date>,
    /// The rendered message; empty when messages were not requested.
    pub message: Text,
    pub evidence: Vec<Evidence>,
    /// Fields to provide to decide an `unknown` finding: exactly those whose absence mattered.
    pub missing: Vec<Evidence>,
    pub validity: Option<Validity>,
    /// The waiver that covers this finding (its status is then `waived`), or an expired one that
    /// no longer does; set after evaluation, never by the evaluator.
    pub waiver: Option<WaiverNote>,
    /// For a violated, pending or unknown finding, what would make it met for this input
    /// (computed only when a full evaluation asks for it: see `crate::eval::remedy`).
    pub to_meet: Option<Box<ToMeet>>,
    /// What the rule set takes as given that this finding rests on (an assumed date, a reading
    /// by inference), as the rule set declares it; given with messages.
    pub assumptions: Vec<&'r Assumption>,
}

/// Something a rule set takes as given without a source that says it (`[[assumption]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    pub id: String,
    pub text: Text,
}

/// What would make a finding met: a change to the input found from the rule, checked by
/// evaluating the changed input again.
#[derive(Debug, Clone, PartialEq)]
pub struct ToMeet {
    /// RFC 6902 JSON Patch operations against the input; empty when no change can meet it.
    pub patch: Vec<PatchOp>,
    /// Other findings of the document whose status the patch changes.
    pub changes: Vec<Changed>,
    /// The change in words (or, when there is none, why and what the rule set offers instead).
    pub text: Text,
    /// How it was found: the condition that decided the finding, and each step of the search.
    pub derivation: Vec<Text>,
}

/// One JSON Patch operation: `add` or `replace`, at a JSON pointer, with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchOp {
    pub op: &'static str,
    pub path: String,
    pub value: serde_json::Value,
}

/// Another finding whose status a remedy changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub rule: String,
    /// The item, for a per-item obligation: its position among the rule's findings.
    pub item: Option<usize>,
    /// The item's label, where the input gives one.
    pub label: Option<String>,
    /// For an item the change itself adds: the JSON pointer of the list it is added to.
    pub added_to: Option<String>,
    /// For a change to `unknown`: the fields whose absence leaves it undecided (JSON pointers).
    pub missing: Vec<String>,
    pub from: Status,
    pub to: Status,
}

impl Changed {
    /// Whether the change leaves the other finding further from met: violated, pending or
    /// unknown where it was met, not applicable, or closer to met.
    pub fn is_worse(&self) -> bool {
        fn rank(s: Status) -> u8 {
            match s {
                Status::Violated => 0,
                Status::Pending => 1,
                Status::Unknown => 2,
                _ => 3,
            }
        }
        rank(self.to) < rank(self.from)
    }
}

/// A recorded decision to accept a finding for a time (docs/waivers.md): data of the run,
/// read from a waiver file, not of the rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub id: String,
    pub rules: Vec<String>,
    /// Document keys; `*` stands for every document (allowed for `should` obligations only).
    pub initiatives: Vec<String>,
    /// One item of a per-item obligation, by its label.
    pub item: Option<String>,
    pub reason: String,
    pub basis: String,
    pub decided_by: String,
    pub decided_on: Date,
    /// The last day the waiver is in force.
    pub expires: Date,
    /// Where it is written: `file:line`.
    pub place: String,
}

/// A waiver as it bears on one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverNote {
    pub waiver: Arc<Waiver>,
    /// The status the evaluator gave the finding.
    pub was: Status,
    /// The waiver expired before the as-of date: it covers nothing, and the finding keeps its
    /// status.
    pub expired: bool,
}

/// The value of a fact for one document.
#[derive(Debug, Clone)]
pub struct FactValue<'r> {
    pub fact: &'r RuleInfo,
    /// `Shown::Absent` when the fact is unknown.
    pub value: Shown,
    pub missing: Vec<Evidence>,
}

/// The one answer a rule set puts first for every document (for samstyring: must KS be consulted).
#[derive(Debug, Clone)]
pub struct Headline<'r> {
    /// The report key, e.g. `consultation_required`.
    pub key: &'r str,
    pub title: &'r Text,
    pub value: Tri,
    /// The facts the headline depends on, with their values.
    pub because: Vec<FactValue<'r>>,
}

/// All findings for one document, borrowing the rule set that judged it.
#[derive(Debug, Clone)]
pub struct Evaluation<'r> {
    /// The document's key (its `id`).
    pub key: String,
    pub as_of: Date,
    /// The date rules are judged at (for samstyring: the first decision, else as-of).
    pub reference_date: Date,
    pub headline: Option<Headline<'r>>,
    pub facts: Vec<FactValue<'r>>,
    pub findings: Vec<Finding<'r>>,
    /// What links to other documents of the same batch did to this one (empty when it is judged
    /// alone).
    pub links: Links,
}

/// A document's links within its batch: the fact values they brought in, and what is wrong with
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// Values received from linked documents that changed this document's facts (statuses and
    /// the headline are judged with them).
    pub received: Vec<ReceivedNote>,
    /// Links naming no document of the batch, and cycles this document is on.
    pub problems: Vec<LinkProblem>,
}

/// A fact value one document received from linked documents, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedNote {
    /// The fact's id.
    pub fact: String,
    /// What the propagation means (from the rule set).
    pub title: Text,
    /// `Yes` or `Unknown`.
    pub value: Tri,
    /// The linked document it came from directly, by key, and the link field.
    pub via: String,
    pub along: String,
    /// The document whose own value it is, when it travelled further than one link.
    pub origin: Option<String>,
}

/// A problem with the links of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// A link names no valid document of the batch.
    Dangling { field: String, target: String },
    /// The document is the first (in input order) on a cycle of links of one field: the cycle,
    /// in order, back to it. Only this document carries the cycle whole.
    Cycle { field: String, path: Vec<String> },
    /// The document is on a cycle of links of one field that is shown whole at `start` (its
    /// [`LinkProblem::Cycle`]); `members` documents are on it. A cycle of ten thousand documents
    /// printed for each member was a gigabyte of output.
    OnCycle {
        field: String,
        start: String,
        members: usize,
    },
}
