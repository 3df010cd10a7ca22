//! The machine-readable report `samstyr.report/v1` (`--format json`) and its JSON Schema.
//!
//! Keys appear in a fixed order (the order of the structs below), so the output is byte-stable.
//! User-facing texts (titles, messages, remedies) are given in the language of the run only, named
//! by the top-level `lang`: one language keeps the report small, and `--lang` picks the other.
//! The headline's key (`consultation_required` for samstyring) comes from the rule set. Waivers
//! add to v1 without changing what was there: the status `waived`, a finding's optional `waiver`
//! and the optional top-level `waivers`.

use super::{Input, Outcome, RunInfo, Summary, decisive, ordered, tri_name};
use crate::diag::Diagnostic;
use crate::finding::{Evaluation, Evidence, FactValue, Finding, Shown, SourceRef, Status};
use crate::text::Lang;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value, json};

/// The value of the report's `schema` field.
pub const REPORT_SCHEMA_ID: &str = "samstyr.report/v1";

/// The report of a run as pretty-printed JSON, ending in a newline.
pub fn render(run: &RunInfo, inputs: &[Input]) -> String {
    let report = Report::new(run, inputs);
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|e| {
        // Serialising plain strings and numbers cannot fail; say so in JSON if it ever does.
        json!({ "schema": REPORT_SCHEMA_ID, "error": e.to_string() }).to_string()
    });
    s.push('\n');
    s
}

/// The report written a chunk of documents at a time, with the bytes of [`render`] over the
/// whole batch: [`Stream::head`] from the tally of every document (the summary and the decision
/// record come before the results), then [`Stream::chunk`] for each chunk in input order, then
/// [`Stream::tail`]. The errors come after the results in this format: those of the invalid
/// inputs are kept, as text, until the end.
pub struct Stream {
    results: PrettyArray,
    errors: PrettyArray,
    /// The errors so far, as written.
    held: String,
    /// What comes between the results and the errors, and after the errors.
    middle: String,
    end: String,
}

impl Stream {
    /// The stream, and what the report begins with.
    pub fn head(run: &RunInfo, tally: &super::Tally) -> (Stream, String) {
        let markers = (Items::Marker(RESULTS_MARKER), Items::Marker(ERRORS_MARKER));
        let report = Report::with(run, tally, markers);
        let text = serde_json::to_string_pretty(&report).unwrap_or_default();
        let [head, middle, end] = split_at_markers(&text, [RESULTS_MARKER, ERRORS_MARKER]);
        let stream = Stream {
            results: PrettyArray::after(&head),
            errors: PrettyArray::after(&middle),
            held: String::new(),
            middle,
            end: format!("{end}\n"),
        };
        (stream, head)
    }

    /// The results of `inputs`, which follow those of the chunks before.
    pub fn chunk(&mut self, run: &RunInfo, inputs: &[Input]) -> String {
        let (results, errors) = items(run, inputs);
        let mut s = String::new();
        for r in &results {
            self.results.item(&mut s, r);
        }
        for e in &errors {
            self.errors.item(&mut self.held, e);
        }
        s
    }

    /// What the report ends with: the errors and the rest.
    pub fn tail(self) -> String {
        let mut s = String::new();
        self.results.close(&mut s);
        s.push_str(&self.middle);
        s.push_str(&self.held);
        self.errors.close(&mut s);
        s.push_str(&self.end);
        s
    }
}

/// `text` (pretty JSON) cut where the markers stand, as quoted strings, in this order: the
/// pieces before, between and after them.
pub(super) fn split_at_markers<const N: usize, const M: usize>(
    text: &str,
    markers: [&str; N],
) -> [String; M] {
    let mut pieces: [String; M] = std::array::from_fn(|_| String::new());
    let mut rest = text;
    for (i, m) in markers.iter().enumerate() {
        let quoted = serde_json::to_string(m).unwrap_or_default();
        let (before, after) = rest.split_once(&quoted).unwrap_or((rest, ""));
        if let Some(p) = pieces.get_mut(i) {
            *p = before.to_string();
        }
        rest = after;
    }
    if let Some(p) = pieces.get_mut(N) {
        *p = rest.to_string();
    }
    pieces
}

/// A JSON array written item by item as `serde_json::to_string_pretty` writes it in its place:
/// each item on lines of its own, indented one step deeper than the line the array opens on;
/// `[]` when empty.
pub(crate) struct PrettyArray {
    /// The indentation of the line the array opens on.
    outer: String,
    items: usize,
}

impl PrettyArray {
    /// The array that opens at the end of `before`.
    pub(crate) fn after(before: &str) -> PrettyArray {
        let line = before.rsplit('\n').next().unwrap_or_default();
        let outer = line.len() - line.trim_start_matches(' ').len();
        PrettyArray {
            outer: " ".repeat(outer),
            items: 0,
        }
    }

    /// Write one more item to `s`.
    pub(crate) fn item(&mut self, s: &mut String, v: &impl Serialize) {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        s.push_str(if self.items == 0 { "[\n" } else { ",\n" });
        // JSON text holds no line break inside a string: every line break is the printer's.
        for (n, line) in text.split('\n').enumerate() {
            if n > 0 {
                s.push('\n');
            }
            s.push_str(&self.outer);
            s.push_str("  ");
            s.push_str(line);
        }
        self.items += 1;
    }

    /// Write the end of the array to `s`.
    pub(crate) fn close(&self, s: &mut String) {
        if self.items == 0 {
            s.push_str("[]");
        } else {
            s.push('\n');
            s.push_str(&self.outer);
            s.push(']');
        }
    }
}

/// The report as a JSON value (for tests and for embedding).
pub fn to_value(run: &RunInfo, inputs: &[Input]) -> Value {
    serde_json::to_value(Report::new(run, inputs)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool<'a>,
    rules: Rules<'a>,
    as_of: String,
    lang: &'static str,
    fail_on: &'static str,
    fail_on_unknown: bool,
    params: Vec<Param<'a>>,
    decision: DecisionJson<'a>,
    summary: SummaryJson<'a>,
    results: Items<ResultJson<'a>>,
    errors: Items<ErrorJson>,
    /// Present only when the run had waivers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    waivers: Vec<WaiverUseJson<'a>>,
}

#[derive(Serialize)]
struct WaiverJson<'a> {
    id: &'a str,
    rules: &'a [String],
    initiatives: &'a [String],
    item: Option<&'a str>,
    reason: &'a str,
    basis: &'a str,
    decided_by: &'a str,
    decided_on: String,
    expires: String,
    place: &'a str,
}

impl<'a> WaiverJson<'a> {
    fn new(w: &'a crate::finding::Waiver) -> Self {
        WaiverJson {
            id: &w.id,
            rules: &w.rules,
            initiatives: &w.initiatives,
            item: w.item.as_deref(),
            reason: &w.reason,
            basis: &w.basis,
            decided_by: &w.decided_by,
            decided_on: w.decided_on.to_string(),
            expires: w.expires.to_string(),
            place: &w.place,
        }
    }
}

/// A waiver on a finding: the one that covers it (`expired` false, `status` is `waived`), or
/// one that expired (the finding keeps its status).
#[derive(Serialize)]
struct WaiverNoteJson<'a> {
    #[serde(flatten)]
    waiver: WaiverJson<'a>,
    expired: bool,
    /// The status the evaluator gave the finding.
    waived_status: &'static str,
}

/// What one waiver of the run did: `used` (covering `covers` findings), `not_needed`, `expired`.
#[derive(Serialize)]
struct WaiverUseJson<'a> {
    #[serde(flatten)]
    waiver: WaiverJson<'a>,
    state: &'static str,
    covers: usize,
}

// The head of a run's JSON (tool, rules, parameters, decision record) is the same in `check`'s
// report and the portfolio's: these types and their constructors are the one place it is built.

#[derive(Serialize)]
pub(crate) struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
pub(crate) struct Rules<'a> {
    id: &'a str,
    version: &'a str,
    title: &'a str,
    origin: &'a str,
}

/// The decision record ([`super::Decision`]), whole in itself so that it can be filed alone.
#[derive(Serialize)]
pub(crate) struct DecisionJson<'a> {
    id: String,
    tool_version: &'a str,
    rules: DecisionRules<'a>,
    as_of: String,
    input_sha256: String,
}

#[derive(Serialize)]
struct DecisionRules<'a> {
    id: &'a str,
    version: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
pub(crate) struct Param<'a> {
    id: &'a str,
    value: &'a str,
    default: &'a str,
}

pub(crate) fn tool(run: &RunInfo) -> Tool<'_> {
    Tool {
        name: super::TOOL_NAME,
        version: &run.tool_version,
    }
}

pub(crate) fn rules(run: &RunInfo) -> Rules<'_> {
    Rules {
        id: &run.rules.id,
        version: &run.rules.version,
        title: run.rules.title.get(run.lang),
        origin: &run.rules.origin,
    }
}

/// The parameters the run overrode.
pub(crate) fn params(run: &RunInfo) -> Vec<Param<'_>> {
    run.params
        .iter()
        .map(|p| Param {
            id: &p.id,
            value: &p.value,
            default: &p.default,
        })
        .collect()
}

pub(crate) fn decision_record(run: &RunInfo, d: super::Decision) -> DecisionJson<'_> {
    DecisionJson {
        id: d.id,
        tool_version: &run.tool_version,
        rules: DecisionRules {
            id: &run.rules.id,
            version: &run.rules.version,
            sha256: &run.rules.sha256,
        },
        as_of: run.as_of.to_string(),
        input_sha256: d.input_sha256,
    }
}

struct SummaryJson<'a> {
    s: Summary,
    exit_code: u8,
    headline_key: Option<&'a str>,
}

impl Serialize for SummaryJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let s = &self.s;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("inputs", &s.inputs)?;
        m.serialize_entry("evaluated", &s.evaluated)?;
        m.serialize_entry("invalid", &s.invalid)?;
        m.serialize_entry("failing", &s.failing)?;
        m.serialize_entry("exit_code", &self.exit_code)?;
        if let Some(key) = self.headline_key {
            let [yes, no, unknown] = s.headline;
            m.serialize_entry(key, &Tally { yes, no, unknown })?;
        }
        let statuses = StatusCounts(s.by_status);
        m.serialize_entry("findings", &statuses)?;
        let [must, should] = s.violated;
        m.serialize_entry("violated", &Violated { must, should })?;
        m.end()
    }
}

#[derive(Serialize)]
struct Tally {
    yes: usize,
    no: usize,
    unknown: usize,
}

#[derive(Serialize)]
struct Violated {
    must: usize,
    should: usize,
}

struct StatusCounts([usize; 7]);

impl Serialize for StatusCounts {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(Status::REPORTED.len()))?;
        for (st, n) in Status::REPORTED.iter().zip(self.0.iter()) {
            m.serialize_entry(st.name(), n)?;
        }
        m.end()
    }
}

struct ResultJson<'a> {
    input: &'a Input<'a>,
    e: &'a Evaluation<'a>,
    lang: Lang,
}

impl Serialize for ResultJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (input, e, lang) = (self.input, self.e, self.lang);
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("file", &input.label)?;
        m.serialize_entry("id", &e.key)?;
        m.serialize_entry("title", &input.title)?;
        m.serialize_entry("reference_date", &e.reference_date.to_string())?;
        if let Some(h) = &e.headline {
            let because: Vec<FactJson> = decisive(h)
                .into_iter()
                .map(|fv| FactJson::new(input, fv, lang))
                .collect();
            m.serialize_entry(
                &h.key,
                &HeadlineJson {
                    value: tri_name(h.value),
                    because,
                },
            )?;
        }
        let findings: Vec<FindingJson> = ordered(e)
            .into_iter()
            .map(|f| FindingJson::new(input, f, lang))
            .collect();
        m.serialize_entry("findings", &findings)?;
        m.serialize_entry("links", &LinksJson::new(&e.links, lang))?;
        m.end()
    }
}

/// What the batch's links did to a document (`check` on two or more documents).
#[derive(Serialize)]
struct LinksJson<'a> {
    received: Vec<ReceivedJson<'a>>,
    problems: Vec<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct ReceivedJson<'a> {
    fact: &'a str,
    value: &'static str,
    via: &'a str,
    along: &'a str,
    origin: Option<&'a str>,
    text: String,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    kind: &'static str,
    field: &'a str,
    /// The key a dangling link names, or the cycle's keys back to its start.
    target: Option<&'a str>,
    cycle: Option<&'a [String]>,
    text: String,
}

impl<'a> LinksJson<'a> {
    fn new(links: &'a crate::finding::Links, lang: Lang) -> Self {
        use crate::finding::LinkProblem;
        LinksJson {
            received: links
                .received
                .iter()
                .map(|n| ReceivedJson {
                    fact: &n.fact,
                    value: tri_name(n.value),
                    via: &n.via,
                    along: &n.along,
                    origin: n.origin.as_deref(),
                    text: super::received_text(lang, n),
                })
                .collect(),
            problems: links
                .problems
                .iter()
                .map(|p| {
                    let text = super::problem_text(lang, p);
                    match p {
                        LinkProblem::Dangling { field, target } => ProblemJson {
                            kind: "dangling",
                            field,
                            target: Some(target),
                            cycle: None,
                            text,
                        },
                        LinkProblem::Cycle { field, path } => ProblemJson {
                            kind: "cycle",
                            field,
                            target: None,
                            cycle: Some(path),
                            text,
                        },
                        // `target`: the document whose entry shows the cycle whole.
                        LinkProblem::OnCycle { field, start, .. } => ProblemJson {
                            kind: "on-cycle",
                            field,
                            target: Some(start),
                            cycle: None,
                            text,
                        },
                    }
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct HeadlineJson<'a> {
    value: &'static str,
    because: Vec<FactJson<'a>>,
}

#[derive(Serialize)]
struct FactJson<'a> {
    fact: &'a str,
    title: &'a str,
    value: Value,
    missing: Vec<Place<'a>>,
    sources: Vec<SourceJson<'a>>,
}

impl<'a> FactJson<'a> {
    fn new(input: &'a Input<'a>, fv: &'a FactValue<'a>, lang: Lang) -> Self {
        FactJson {
            fact: &fv.fact.id,
            title: fv.fact.title.get(lang),
            value: shown_value(&fv.value).unwrap_or(Value::Null),
            missing: fv.missing.iter().map(|m| Place::new(input, m)).collect(),
            sources: fv
                .fact
                .sources
                .iter()
                .map(|s| SourceJson::new(s, lang))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct FindingJson<'a> {
    rule: &'a str,
    item: Option<ItemJson<'a>>,
    severity: Option<&'static str>,
    status: &'static str,
    principle: Option<&'a str>,
    title: &'a str,
    message: &'a str,
    deadline: Option<String>,
    remedy: &'a str,
    evidence: Vec<EvidenceJson<'a>>,
    missing: Vec<Place<'a>>,
    validity: Option<ValidityJson>,
    sources: Vec<SourceJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<WaiverNoteJson<'a>>,
    /// What would make it met: an RFC 6902 JSON Patch against the input (empty: no change can).
    #[serde(skip_serializing_if = "Option::is_none")]
    to_meet: Option<Vec<PatchOpJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_meet_text: Option<String>,
    /// Other findings whose status the patch changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    to_meet_effects: Option<Vec<EffectJson<'a>>>,
    /// What the rule set takes as given that the finding rests on; left out when nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    assumptions: Vec<AssumptionJson<'a>>,
}

#[derive(Serialize)]
struct AssumptionJson<'a> {
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct PatchOpJson<'a> {
    op: &'a str,
    path: &'a str,
    value: &'a serde_json::Value,
}

#[derive(Serialize)]
struct EffectJson<'a> {
    rule: &'a str,
    item: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    added_to: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    missing: &'a [String],
    from: &'static str,
    to: &'static str,
}

impl<'a> FindingJson<'a> {
    fn new(input: &'a Input<'a>, f: &'a Finding<'a>, lang: Lang) -> Self {
        FindingJson {
            rule: &f.rule.id,
            item: f.item.as_ref().map(|i| {
                let (line, column) = split(input.line_col(i.at));
                ItemJson {
                    index: i.index,
                    pointer: &i.pointer,
                    label: i.label.as_deref(),
                    line,
                    column,
                }
            }),
            severity: f.rule.severity.map(|s| s.name()),
            status: f.status.name(),
            principle: f.rule.principle.as_ref().map(|p| p.id.as_str()),
            title: f.rule.title.get(lang),
            message: f.message.get(lang),
            deadline: f.deadline.map(|d| d.to_string()),
            remedy: f.rule.remedy.get(lang),
            evidence: f
                .evidence
                .iter()
                .map(|ev| EvidenceJson::new(input, ev))
                .collect(),
            missing: f.missing.iter().map(|m| Place::new(input, m)).collect(),
            validity: f.validity.as_ref().map(|v| ValidityJson {
                on: v.on.to_string(),
                from: v.from.map(|d| d.to_string()),
                until: v.until.map(|d| d.to_string()),
            }),
            sources: f
                .rule
                .sources
                .iter()
                .map(|s| SourceJson::new(s, lang))
                .collect(),
            waiver: f.waiver.as_ref().map(|n| WaiverNoteJson {
                waiver: WaiverJson::new(&n.waiver),
                expired: n.expired,
                waived_status: n.was.name(),
            }),
            to_meet: f.to_meet.as_ref().map(|t| {
                t.patch
                    .iter()
                    .map(|p| PatchOpJson {
                        op: p.op,
                        path: &p.path,
                        value: &p.value,
                    })
                    .collect()
            }),
            to_meet_text: f.to_meet.as_ref().map(|t| super::to_meet_words(lang, t)),
            to_meet_effects: f.to_meet.as_ref().map(|t| {
                t.changes
                    .iter()
                    .map(|c| EffectJson {
                        rule: &c.rule,
                        item: c.item,
                        label: c.label.as_deref(),
                        added_to: c.added_to.as_deref(),
                        missing: &c.missing,
                        from: c.from.name(),
                        to: c.to.name(),
                    })
                    .collect()
            }),
            assumptions: f
                .assumptions
                .iter()
                .map(|a| AssumptionJson {
                    id: &a.id,
                    text: a.text.get(lang),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct ItemJson<'a> {
    index: usize,
    pointer: &'a str,
    label: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

#[derive(Serialize)]
struct ValidityJson {
    on: String,
    from: Option<String>,
    until: Option<String>,
}

fn split(lc: Option<(usize, usize)>) -> (Option<usize>, Option<usize>) {
    match lc {
        Some((l, c)) => (Some(l), Some(c)),
        None => (None, None),
    }
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    pointer: &'a str,
    /// False when the field is not stated; `value` is then absent.
    stated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Value>,
    line: Option<usize>,
    column: Option<usize>,
}

impl<'a> EvidenceJson<'a> {
    fn new(input: &'a Input<'a>, ev: &'a Evidence) -> Self {
        let (line, column) = split(input.line_col(ev.at));
        EvidenceJson {
            pointer: &ev.pointer,
            stated: ev.value != Shown::Absent,
            value: shown_value(&ev.value),
            line,
            column,
        }
    }
}

/// A field to provide, and where: the line and column of the object that should hold it.
#[derive(Serialize)]
struct Place<'a> {
    pointer: &'a str,
    line: Option<usize>,
    column: Option<usize>,
}

impl<'a> Place<'a> {
    fn new(input: &'a Input<'a>, ev: &'a Evidence) -> Self {
        let (line, column) = split(input.line_col(ev.at));
        Place {
            pointer: &ev.pointer,
            line,
            column,
        }
    }
}

/// Evidence values as JSON: scalars as themselves, a list as `{"items": N}`, an object as `{}`,
/// an absent field as nothing.
pub(crate) fn shown_value(v: &Shown) -> Option<Value> {
    Some(match v {
        Shown::Absent => return None,
        Shown::Null => Value::Null,
        Shown::Bool(b) => Value::Bool(*b),
        Shown::Number(n) => crate::value::number_json(*n),
        Shown::Str(s) => Value::String(s.clone()),
        Shown::Date(d) => Value::String(d.to_string()),
        Shown::List(n) => json!({ "items": n }),
        Shown::Object => json!({}),
    })
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SourceJson<'a> {
    Seed {
        file: &'a str,
        line: usize,
        quote: &'a str,
        title: Option<&'a str>,
        citation: String,
        section: Option<String>,
        reading: Option<&'a str>,
    },
    External {
        title: &'a str,
        citation: String,
        section: Option<&'a str>,
        url: Option<&'a str>,
        paraphrase: Option<&'a str>,
    },
}

impl<'a> SourceJson<'a> {
    fn new(s: &'a SourceRef, lang: Lang) -> Self {
        match s {
            SourceRef::Seed {
                file,
                line,
                quote,
                reading,
                ..
            } => SourceJson::Seed {
                file,
                line: *line,
                quote,
                title: s.title(),
                citation: s.citation(lang),
                section: s.section(lang),
                reading: reading.as_deref(),
            },
            SourceRef::External {
                title,
                section,
                url,
                paraphrase,
                ..
            } => SourceJson::External {
                title,
                citation: s.citation(lang),
                section: section.as_deref(),
                url: url.as_deref(),
                paraphrase: paraphrase.as_ref().map(|p| p.get(lang)),
            },
        }
    }
}

#[derive(Serialize)]
struct ErrorJson {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    pointer: Option<String>,
    code: &'static str,
    message: String,
    help: Option<String>,
}

impl ErrorJson {
    fn new(input: &Input, d: &Diagnostic, lang: Lang) -> Self {
        let (line, column) = split(d.line_col());
        ErrorJson {
            file: d
                .file_name()
                .map(str::to_string)
                .unwrap_or_else(|| input.label.clone()),
            line,
            column,
            pointer: d.pointer.clone(),
            code: d.code,
            message: d.message_in(lang).to_string(),
            help: d.help_in(lang).map(str::to_string),
        }
    }
}

/// A list of the report, or the marker that stands in its place where the report is written as
/// a stream ([`Stream`]).
enum Items<T> {
    All(Vec<T>),
    Marker(&'static str),
}

impl<T: Serialize> Serialize for Items<T> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match self {
            Items::All(v) => v.serialize(ser),
            Items::Marker(m) => ser.serialize_str(m),
        }
    }
}

/// The markers of the lists a [`Stream`] (and SARIF's) writes item by item (control characters:
/// no text of a report holds them unescaped, and a marker is looked for with its quotes).
pub(super) const RESULTS_MARKER: &str = "\u{1}samstyr:results\u{1}";
const ERRORS_MARKER: &str = "\u{1}samstyr:errors\u{1}";

/// The results and the errors of `inputs`, in input order.
fn items<'a>(run: &'a RunInfo, inputs: &'a [Input]) -> (Vec<ResultJson<'a>>, Vec<ErrorJson>) {
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        match &input.outcome {
            Outcome::Evaluated(e) => results.push(ResultJson {
                input,
                e,
                lang: run.lang,
            }),
            Outcome::Invalid(diags) => {
                errors.extend(diags.iter().map(|d| ErrorJson::new(input, d, run.lang)));
            }
        }
    }
    (results, errors)
}

impl<'a> Report<'a> {
    fn new(run: &'a RunInfo, inputs: &'a [Input]) -> Self {
        let (results, errors) = items(run, inputs);
        let tally = super::Tally::of_hashed(run, inputs);
        Report::with(run, &tally, (Items::All(results), Items::All(errors)))
    }

    /// The report of the documents `tally` counted, with these lists of results and errors.
    fn with(
        run: &'a RunInfo,
        tally: &super::Tally,
        (results, errors): (Items<ResultJson<'a>>, Items<ErrorJson>),
    ) -> Self {
        Report {
            schema: REPORT_SCHEMA_ID,
            tool: tool(run),
            rules: rules(run),
            as_of: run.as_of.to_string(),
            lang: run.lang.code(),
            fail_on: run.gate.fail_on.name(),
            fail_on_unknown: run.gate.unknown_fails,
            params: params(run),
            decision: decision_record(run, tally.decision(run)),
            summary: SummaryJson {
                s: tally.summary.clone(),
                exit_code: tally.verdict().code(),
                headline_key: run.headline.as_ref().map(|h| h.key.as_str()),
            },
            results,
            errors,
            waivers: run
                .waivers
                .iter()
                .map(|u| {
                    let (state, covers) = match u.state {
                        super::WaiverState::Used(n) => ("used", n),
                        super::WaiverState::NotNeeded => ("not_needed", 0),
                        super::WaiverState::Expired => ("expired", 0),
                    };
                    WaiverUseJson {
                        waiver: WaiverJson::new(&u.waiver),
                        state,
                        covers,
                    }
                })
                .collect(),
        }
    }
}

/// The schema of a finding's or fact's source: a passage of a seed document (with its citation
/// and, from an OCR scan, its corrected reading) or a document outside the rule set. `href`, if
/// given, describes the member the server adds: where the passage is shown in context.
pub fn source_schema(href: Option<&str>) -> Value {
    let mut seed = json!({
        "type": "object",
        "properties": {
            "kind": { "const": "seed" },
            "file": { "type": "string" },
            "line": { "type": "integer", "minimum": 1 },
            "quote": { "type": "string", "description": "verbatim, as the seed holds it (OCR errors included)" },
            "title": { "type": ["string", "null"], "description": "the document's title, when the rule set describes it" },
            "citation": { "type": "string", "description": "how people cite it: short name and section (`Samarbeidsavtalen KMD–KS (2020) § 6`), or `file:line` for a document the rule set does not describe" },
            "section": { "type": ["string", "null"], "description": "the section the quote stands in, as cited (`§ 6`)" },
            "reading": { "type": ["string", "null"], "description": "the corrected reading of a quote from an OCR scan; null when the quote reads as it stands" }
        },
        "required": ["kind", "file", "line", "quote", "title", "citation", "section", "reading"],
        "additionalProperties": false
    });
    if let Some(description) = href {
        seed["properties"]["href"] = json!({ "type": "string", "description": description });
        if let Some(required) = seed["required"].as_array_mut() {
            required.push(json!("href"));
        }
    }
    json!({
        "oneOf": [
            seed,
            {
                "type": "object",
                "properties": {
                    "kind": { "const": "external" },
                    "title": { "type": "string" },
                    "citation": { "type": "string" },
                    "section": { "type": ["string", "null"] },
                    "url": { "type": ["string", "null"] },
                    "paraphrase": { "type": ["string", "null"] }
                },
                "required": ["kind", "title", "citation", "section", "url", "paraphrase"],
                "additionalProperties": false
            }
        ]
    })
}

/// The schema of a `lang` member: the codes of the user-facing languages. Every output
/// schema (check, portfolio, the server's documents) uses this one.
pub fn lang_schema() -> Value {
    let codes: Vec<&str> = <Lang as clap::ValueEnum>::value_variants()
        .iter()
        .map(|l| l.code())
        .collect();
    json!({ "enum": codes })
}

/// The schema of the decision record (`decision`), which `check` and `report` write alike: the
/// same question (input, rules, parameters, tool version, as-of date) gives the same id.
pub fn decision_schema() -> Value {
    let hex = |n: usize, description: &str| json!({ "type": "string", "pattern": format!("^[0-9a-f]{{{n}}}$"), "description": description });
    json!({
        "type": "object",
        "description": "the decision record: the same question (input, rules, parameters, tool version, as-of date) gives the same id",
        "properties": {
            "id": hex(32, "derived from the rest of the record and the overridden parameters"),
            "tool_version": { "type": "string" },
            "rules": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" }, "version": { "type": "string" },
                    "sha256": hex(64, "of the rule files and seeds")
                },
                "required": ["id", "version", "sha256"],
                "additionalProperties": false
            },
            "as_of": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
            "input_sha256": hex(64, "of the input's text; of several inputs (a directory, a JSONL file's lines), of their hashes in input order, one per line")
        },
        "required": ["id", "tool_version", "rules", "as_of", "input_sha256"],
        "additionalProperties": false
    })
}

/// The JSON Schema (draft 2020-12) of `samstyr.report/v1`. The headline's key depends on the rule
/// set, so it is a parameter (`None` for a rule set without a headline).
pub fn report_schema(headline_key: Option<&str>) -> Value {
    let nullable_int = json!({ "type": ["integer", "null"], "minimum": 1 });
    let date = json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let nullable_date =
        json!({ "type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let count = json!({ "type": "integer", "minimum": 0 });
    let statuses: Vec<&str> = Status::REPORTED.iter().map(|s| s.name()).collect();

    let mut summary_props = json!({
        "inputs": count, "evaluated": count, "invalid": count, "failing": count,
        "exit_code": { "enum": [0, 1, 2] },
        "findings": {
            "type": "object",
            "properties": statuses.iter().map(|s| (s.to_string(), count.clone())).collect::<serde_json::Map<_, _>>(),
            "required": statuses,
            "additionalProperties": false
        },
        "violated": {
            "type": "object",
            "properties": { "must": count, "should": count },
            "required": ["must", "should"],
            "additionalProperties": false
        }
    });
    let mut summary_required = vec![
        "inputs",
        "evaluated",
        "invalid",
        "failing",
        "exit_code",
        "findings",
        "violated",
    ];
    let mut result_props = json!({
        "file": { "type": "string", "description": "the input as named on the command line (`path` or `path:LINE`)" },
        "id": { "type": "string" },
        "title": { "type": ["string", "null"] },
        "reference_date": date,
        "findings": { "type": "array", "items": { "$ref": "#/$defs/finding" } },
        "links": {
            "type": "object",
            "description": "what links to other documents of the batch did to this one: fact values received (findings are judged with them) and problems; empty when the document is checked alone",
            "properties": {
                "received": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "fact": { "type": "string" },
                            "value": { "enum": ["yes", "unknown"] },
                            "via": { "type": "string", "description": "the linked document it came from directly" },
                            "along": { "type": "string", "description": "the link field" },
                            "origin": { "type": ["string", "null"], "description": "the document whose own value it is, when it travelled further" },
                            "text": { "type": "string" }
                        },
                        "required": ["fact", "value", "via", "along", "origin", "text"],
                        "additionalProperties": false
                    }
                },
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "kind": { "enum": ["dangling", "cycle", "on-cycle"], "description": "`cycle` on the first document of a cycle, which shows it whole; `on-cycle` on every other document of it, with the first as `target`" },
                            "field": { "type": "string" },
                            "target": { "type": ["string", "null"], "description": "the key a dangling link names, or the first document of the cycle" },
                            "cycle": { "type": ["array", "null"], "items": { "type": "string" } },
                            "text": { "type": "string" }
                        },
                        "required": ["kind", "field", "target", "cycle", "text"],
                        "additionalProperties": false
                    }
                }
            },
            "required": ["received", "problems"],
            "additionalProperties": false
        }
    });
    let mut result_required = vec!["file", "id", "title", "reference_date", "findings", "links"];
    if let Some(key) = headline_key {
        if let Some(p) = summary_props.as_object_mut() {
            p.insert(
                key.to_string(),
                json!({
                    "type": "object",
                    "properties": { "yes": count, "no": count, "unknown": count },
                    "required": ["yes", "no", "unknown"],
                    "additionalProperties": false
                }),
            );
        }
        summary_required.push(key);
        if let Some(p) = result_props.as_object_mut() {
            p.insert(key.to_string(), json!({ "$ref": "#/$defs/headline" }));
        }
        result_required.push(key);
    }

    let to_meet = json!({
        "type": "array",
        "description": "for a violated, pending or unknown finding: an RFC 6902 JSON Patch against the input that makes it met (checked by evaluating the patched input); empty when no change can",
        "items": {
            "type": "object",
            "properties": {
                "op": { "enum": ["add", "replace"] },
                "path": { "type": "string" },
                "value": {}
            },
            "required": ["op", "path", "value"],
            "additionalProperties": false
        }
    });
    let to_meet_effects = json!({
        "type": "array",
        "description": "other findings whose status applying `to_meet` changes",
        "items": {
            "type": "object",
            "properties": {
                "rule": { "type": "string" },
                "item": { "type": ["integer", "null"], "description": "for a per-item rule, the item's position among the rule's findings" },
                "label": { "type": "string", "description": "the item's label, where the input gives one" },
                "added_to": { "type": "string", "description": "for an item the change itself adds: the JSON pointer of the list it goes to" },
                "missing": { "type": "array", "items": { "type": "string" }, "description": "for a change to unknown: the fields (JSON pointers) whose absence leaves it undecided; left out when none" },
                "from": { "enum": statuses },
                "to": { "enum": statuses }
            },
            "required": ["rule", "item", "from", "to"],
            "additionalProperties": false
        }
    });
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "samstyr report v1",
        "description": "The output of `samstyr check --format json`. Texts are in the language named by `lang`.",
        "type": "object",
        "properties": {
            "schema": { "const": REPORT_SCHEMA_ID },
            "tool": {
                "type": "object",
                "properties": { "name": { "type": "string" }, "version": { "type": "string" } },
                "required": ["name", "version"],
                "additionalProperties": false
            },
            "rules": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" }, "version": { "type": "string" },
                    "title": { "type": "string" }, "origin": { "type": "string" }
                },
                "required": ["id", "version", "title", "origin"],
                "additionalProperties": false
            },
            "as_of": date,
            "lang": lang_schema(),
            "fail_on": { "enum": ["must", "should", "never"] },
            "fail_on_unknown": { "type": "boolean" },
            "params": {
                "type": "array",
                "description": "parameters overridden for this run",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" }, "value": { "type": "string" },
                        "default": { "type": "string" }
                    },
                    "required": ["id", "value", "default"],
                    "additionalProperties": false
                }
            },
            "decision": decision_schema(),
            "summary": {
                "type": "object",
                "properties": summary_props,
                "required": summary_required,
                "additionalProperties": false
            },
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": result_props,
                    "required": result_required,
                    "additionalProperties": false
                }
            },
            "waivers": {
                "type": "array",
                "description": "the waivers of the run and what each did (absent without waivers)",
                "items": { "$ref": "#/$defs/waiver" }
            },
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "file": { "type": "string" },
                        "line": nullable_int, "column": nullable_int,
                        "pointer": { "type": ["string", "null"] },
                        "code": { "type": "string" },
                        "message": { "type": "string" },
                        "help": { "type": ["string", "null"] }
                    },
                    "required": ["file", "line", "column", "pointer", "code", "message", "help"],
                    "additionalProperties": false
                }
            }
        },
        "required": [
            "schema", "tool", "rules", "as_of", "lang", "fail_on", "fail_on_unknown", "params",
            "decision", "summary", "results", "errors"
        ],
        "additionalProperties": false,
        "$defs": {
            "waiver": {
                "type": "object",
                "description": "a waiver (unntak) as written in the waiver file, see docs/waivers.md",
                "properties": {
                    "id": { "type": "string" },
                    "rules": { "type": "array", "items": { "type": "string" }, "minItems": 1 },
                    "initiatives": { "type": "array", "items": { "type": "string" }, "minItems": 1 },
                    "item": { "type": ["string", "null"] },
                    "reason": { "type": "string" },
                    "basis": { "type": "string" },
                    "decided_by": { "type": "string" },
                    "decided_on": date,
                    "expires": date,
                    "place": { "type": "string", "description": "`file:line` of the waiver" },
                    "expired": { "type": "boolean", "description": "on a finding: the waiver expired and covers nothing" },
                    "waived_status": { "enum": statuses, "description": "on a finding: the status it had before the waiver" },
                    "state": { "enum": ["used", "not_needed", "expired"], "description": "in `waivers`: what the waiver did" },
                    "covers": count
                },
                "required": ["id", "rules", "initiatives", "item", "reason", "basis", "decided_by", "decided_on", "expires", "place"],
                "additionalProperties": false
            },
            "place": {
                "type": "object",
                "description": "a field to provide; line and column of the object that should hold it",
                "properties": {
                    "pointer": { "type": "string" },
                    "line": nullable_int, "column": nullable_int
                },
                "required": ["pointer", "line", "column"],
                "additionalProperties": false
            },
            "source": source_schema(None),
            "headline": {
                "type": "object",
                "properties": {
                    "value": { "enum": ["yes", "no", "unknown"] },
                    "because": {
                        "type": "array",
                        "description": "the facts that decided the value",
                        "items": {
                            "type": "object",
                            "properties": {
                                "fact": { "type": "string" },
                                "title": { "type": "string" },
                                "value": { "description": "the fact's value; null when unknown" },
                                "missing": { "type": "array", "items": { "$ref": "#/$defs/place" } },
                                "sources": { "type": "array", "items": { "$ref": "#/$defs/source" } }
                            },
                            "required": ["fact", "title", "value", "missing", "sources"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["value", "because"],
                "additionalProperties": false
            },
            "finding": {
                "type": "object",
                "properties": {
                    "rule": { "type": "string" },
                    "item": {
                        "oneOf": [
                            { "type": "null" },
                            {
                                "type": "object",
                                "properties": {
                                    "index": count,
                                    "pointer": { "type": "string" },
                                    "label": { "type": ["string", "null"] },
                                    "line": nullable_int, "column": nullable_int
                                },
                                "required": ["index", "pointer", "label", "line", "column"],
                                "additionalProperties": false
                            }
                        ]
                    },
                    "severity": { "enum": ["must", "should", null] },
                    "status": { "enum": statuses },
                    "principle": { "type": ["string", "null"] },
                    "title": { "type": "string" },
                    "message": { "type": "string" },
                    "deadline": nullable_date,
                    "remedy": { "type": "string" },
                    "evidence": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "pointer": { "type": "string" },
                                "stated": { "type": "boolean" },
                                "value": { "description": "the value read; a list as {\"items\": N}" },
                                "line": nullable_int, "column": nullable_int
                            },
                            "required": ["pointer", "stated", "line", "column"],
                            "additionalProperties": false
                        }
                    },
                    "missing": { "type": "array", "items": { "$ref": "#/$defs/place" } },
                    "validity": {
                        "oneOf": [
                            { "type": "null" },
                            {
                                "type": "object",
                                "description": "the period the rule is in force (`from` included, `until` the first day it no longer is), and the date it was judged at",
                                "properties": { "on": date, "from": nullable_date, "until": nullable_date },
                                "required": ["on", "from", "until"],
                                "additionalProperties": false
                            }
                        ]
                    },
                    "sources": { "type": "array", "items": { "$ref": "#/$defs/source" } },
                    "waiver": { "$ref": "#/$defs/waiver", "description": "the waiver covering the finding (status `waived`), or one that expired" }
                },
                "required": [
                    "rule", "item", "severity", "status", "principle", "title", "message",
                    "deadline", "remedy", "evidence", "missing", "validity", "sources"
                ],
                "additionalProperties": false
            }
        }
    });
    // Added here: one macro call that deep exceeds the recursion limit.
    if let Some(p) = schema
        .pointer_mut("/$defs/finding/properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        p.insert("to_meet".into(), to_meet);
        p.insert(
            "to_meet_text".into(),
            json!({ "type": "string", "description": "`to_meet` in words, or why no change can meet it and what the rule set offers instead" }),
        );
        p.insert("to_meet_effects".into(), to_meet_effects);
        p.insert(
            "assumptions".into(),
            json!({
                "type": "array",
                "description": "what the rule set takes as given that the finding rests on (an assumed date, a reading by inference), as its `[[assumption]]`s declare it; left out when nothing",
                "items": {
                    "type": "object",
                    "properties": { "id": { "type": "string" }, "text": { "type": "string" } },
                    "required": ["id", "text"],
                    "additionalProperties": false
                }
            }),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Gate, testdata};

    #[test]
    fn report_of_a_mixed_batch() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        insta::assert_snapshot!(render(&run, &inputs));
    }

    #[test]
    fn valid_against_its_schema() {
        let schema = report_schema(Some("consultation_required"));
        let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
        for lang in [Lang::Nb, Lang::En] {
            let run = testdata::run(Gate::default(), lang);
            let v = to_value(&run, &testdata::inputs(&run));
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
        // The schema is not vacuous: a report without its headline does not validate.
        let run = testdata::run(Gate::default(), Lang::En);
        let mut v = to_value(&run, &testdata::inputs(&run));
        if let Some(r) = v.pointer_mut("/results/0").and_then(Value::as_object_mut) {
            r.remove("consultation_required");
        }
        assert!(!validator.is_valid(&v));
    }

    #[test]
    fn keys_in_fixed_order() {
        let run = testdata::run(Gate::default(), Lang::Nb);
        let inputs = testdata::inputs(&run);
        let out = render(&run, &inputs);
        let pos = |k: &str| out.find(&format!("\"{k}\":"));
        assert!(pos("schema") < pos("tool"));
        assert!(pos("summary") < pos("results"));
        assert!(pos("results") < pos("errors"));
    }
}
