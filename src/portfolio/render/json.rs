//! The portfolio's aggregates as JSON, `samstyr.portfolio/v1`.
//!
//! Aggregates only: counts by status, severity, obligation, principle and group value (with the
//! documents having each status, for shares), deadlines, the trend (`--trend`), the link graph's
//! problems and the invalid inputs' problems (the first [`crate::portfolio::MAX_PROBLEMS`] of
//! each list, and how many there are). No per-document results, so the report (and
//! the run that makes it) stays the same size however many documents there are, apart from the
//! lists of problems. Keys appear in a fixed order; texts in the run's language.

use super::{Meta, principles};
use crate::finding::Status;
use crate::portfolio::{Grade, Portfolio};
use crate::report::json;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// The value of the report's `schema` field.
pub const SCHEMA_ID: &str = "samstyr.portfolio/v1";

pub fn render(meta: &Meta, p: &Portfolio) -> String {
    let report = Report::new(meta, p);
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|e| {
        format!(
            "{{\"schema\":\"{SCHEMA_ID}\",\"error\":{:?}}}",
            e.to_string()
        )
    });
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: json::Tool<'a>,
    rules: json::Rules<'a>,
    as_of: String,
    lang: &'static str,
    params: Vec<json::Param<'a>>,
    decision: json::DecisionJson<'a>,
    totals: Totals,
    grades: Counts<6>,
    headline: Option<Headline<'a>>,
    findings: Findings,
    deadlines: Deadlines,
    obligations: Vec<Obligation<'a>>,
    principles: Vec<PrincipleJson>,
    groups: Vec<Group<'a>>,
    /// Documents with at least one finding of each status.
    documents_with: StatusCounts,
    trend: Vec<TrendJson>,
    waivers: WaiversJson<'a>,
    graph: Graph<'a>,
    errors: Vec<Error<'a>>,
    /// Every invalid input's problems, counted; `errors` lists the first ones.
    errors_total: u64,
}

#[derive(Serialize)]
struct TrendJson {
    as_of: String,
    evaluated: u64,
    /// Documents with no violated obligation, in whole percent of those evaluated.
    without_violation_percent: u64,
    grades: Counts<6>,
    headline: Option<Tally>,
    documents_with: StatusCounts,
    overdue: u64,
    upcoming: u64,
}

/// The run's waivers: what they cover, and each, the most pressing first.
#[derive(Serialize)]
struct WaiversJson<'a> {
    /// Findings an active waiver covers (status `waived`; not in the counts by status).
    findings_waived: u64,
    /// Documents with at least one waived finding.
    documents_with_waived: u64,
    list: Vec<WaiverJson<'a>>,
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
    state: &'static str,
    covers: u64,
}

#[derive(Serialize)]
struct Totals {
    inputs: u64,
    evaluated: u64,
    invalid: u64,
    passes: u8,
    reevaluated: u64,
}

/// Counts keyed by status or grade names.
struct Counts<const N: usize>([u64; N]);

impl Serialize for Counts<6> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(6))?;
        for (g, n) in Grade::ALL.iter().zip(self.0.iter()) {
            m.serialize_entry(g.name(), n)?;
        }
        m.end()
    }
}

struct StatusCounts([u64; 6]);

impl Serialize for StatusCounts {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(6))?;
        for (st, n) in Status::ALL.iter().zip(self.0.iter()) {
            m.serialize_entry(st.name(), n)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Headline<'a> {
    key: &'a str,
    title: &'a str,
    yes: u64,
    no: u64,
    unknown: u64,
    /// Documents whose answer changed because of linked documents.
    from_links: u64,
}

#[derive(Serialize)]
struct Findings {
    by_status: StatusCounts,
    must: StatusCounts,
    should: StatusCounts,
}

#[derive(Serialize)]
struct Deadlines {
    overdue: u64,
    upcoming_days: i32,
    upcoming: u64,
}

#[derive(Serialize)]
struct Obligation<'a> {
    id: &'a str,
    title: &'a str,
    severity: Option<&'static str>,
    principle: Option<&'a str>,
    findings: StatusCounts,
    overdue: u64,
    upcoming: u64,
    waived: u64,
}

#[derive(Serialize)]
struct PrincipleJson {
    id: String,
    title: String,
    findings: StatusCounts,
    violated_must: u64,
    violated_should: u64,
}

#[derive(Serialize)]
struct Group<'a> {
    field: &'a str,
    title: &'a str,
    values: Vec<GroupValue<'a>>,
}

#[derive(Serialize)]
struct GroupValue<'a> {
    value: Option<&'a str>,
    documents: u64,
    headline: Option<Tally>,
    grades: Counts<6>,
    findings: StatusCounts,
    violated_must: u64,
    violated_should: u64,
    overdue: u64,
    documents_with: StatusCounts,
    waived: u64,
    documents_with_waived: u64,
}

#[derive(Serialize)]
struct Tally {
    yes: u64,
    no: u64,
    unknown: u64,
}

#[derive(Serialize)]
struct Graph<'a> {
    links: u64,
    propagated: Vec<Propagated<'a>>,
    dangling: Vec<Dangling<'a>>,
    dangling_total: u64,
    cycles: Vec<Cycle<'a>>,
    cycles_total: u64,
}

#[derive(Serialize)]
struct Propagated<'a> {
    fact: &'a str,
    along: Vec<String>,
    /// Documents whose value of the fact changed.
    changed: u64,
}

#[derive(Serialize)]
struct Dangling<'a> {
    id: &'a str,
    field: &'a str,
    target: &'a str,
}

#[derive(Serialize)]
struct Cycle<'a> {
    field: &'a str,
    path: &'a [String],
}

#[derive(Serialize)]
struct Error<'a> {
    input: &'a str,
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    pointer: Option<&'a str>,
}

impl<'a> Report<'a> {
    fn new(meta: &'a Meta, p: &'a Portfolio) -> Self {
        let run = &meta.run;
        let lang = run.lang;
        let a = &p.aggregates;
        let [yes, no, unknown] = a.headline;
        Report {
            schema: SCHEMA_ID,
            tool: json::tool(run),
            rules: json::rules(run),
            as_of: p.as_of.to_string(),
            lang: lang.code(),
            params: json::params(run),
            decision: json::decision_record(
                run,
                crate::report::decision_of(run, p.input_sha256.clone()),
            ),
            totals: Totals {
                inputs: a.inputs,
                evaluated: a.evaluated,
                invalid: a.invalid,
                passes: p.passes,
                reevaluated: p.reevaluated,
            },
            grades: Counts(a.grades),
            headline: run.headline.as_ref().map(|h| Headline {
                key: &h.key,
                title: h.title.get(lang),
                yes,
                no,
                unknown,
                from_links: a.headline_received,
            }),
            findings: Findings {
                by_status: StatusCounts(a.by_status),
                must: StatusCounts(a.by_severity[0]),
                should: StatusCounts(a.by_severity[1]),
            },
            deadlines: Deadlines {
                overdue: a.overdue,
                upcoming_days: crate::portfolio::UPCOMING_DAYS,
                upcoming: a.upcoming,
            },
            obligations: run
                .obligations
                .iter()
                .zip(&a.obligations)
                .map(|(o, c)| Obligation {
                    id: &o.id,
                    title: o.title.get(lang),
                    severity: o.severity.map(|s| s.name()),
                    principle: o.principle.as_ref().map(|p| p.id.as_str()),
                    findings: StatusCounts(c.by_status),
                    overdue: c.overdue,
                    upcoming: c.upcoming,
                    waived: c.waived,
                })
                .collect(),
            principles: principles(meta, p)
                .into_iter()
                .map(|x| PrincipleJson {
                    title: x.principle.title.get(lang).to_string(),
                    id: x.principle.id,
                    findings: StatusCounts(x.by_status),
                    violated_must: x.violated[0],
                    violated_should: x.violated[1],
                })
                .collect(),
            groups: meta
                .groups
                .iter()
                .zip(&a.groups)
                .map(|((field, title), t)| Group {
                    field,
                    title: title.get(lang),
                    values: t
                        .values
                        .iter()
                        .map(|(v, c)| GroupValue {
                            value: v.as_deref(),
                            documents: c.documents,
                            headline: run.headline.as_ref().map(|_| Tally {
                                yes: c.headline[0],
                                no: c.headline[1],
                                unknown: c.headline[2],
                            }),
                            grades: Counts(c.grades),
                            findings: StatusCounts(c.by_status),
                            violated_must: c.violated[0],
                            violated_should: c.violated[1],
                            overdue: c.overdue,
                            documents_with: StatusCounts(c.with_status),
                            waived: c.waived,
                            documents_with_waived: c.with_waived,
                        })
                        .collect(),
                })
                .collect(),
            documents_with: StatusCounts(a.with_status),
            trend: meta
                .trend
                .iter()
                .map(|t| TrendJson {
                    as_of: t.as_of.to_string(),
                    evaluated: t.evaluated,
                    without_violation_percent: t.compliant_percent(),
                    grades: Counts(t.grades),
                    headline: run.headline.as_ref().map(|_| Tally {
                        yes: t.headline[0],
                        no: t.headline[1],
                        unknown: t.headline[2],
                    }),
                    documents_with: StatusCounts(t.with_status),
                    overdue: t.overdue,
                    upcoming: t.upcoming,
                })
                .collect(),
            waivers: WaiversJson {
                findings_waived: a.waived,
                documents_with_waived: a.with_waived,
                list: super::waiver_lines(p)
                    .into_iter()
                    .map(|l| WaiverJson {
                        id: &l.waiver.id,
                        rules: &l.waiver.rules,
                        initiatives: &l.waiver.initiatives,
                        item: l.waiver.item.as_deref(),
                        reason: &l.waiver.reason,
                        basis: &l.waiver.basis,
                        decided_by: &l.waiver.decided_by,
                        decided_on: l.waiver.decided_on.to_string(),
                        expires: l.waiver.expires.to_string(),
                        state: l.urgency.name(),
                        covers: l.covers,
                    })
                    .collect(),
            },
            errors_total: p.errors_total,
            graph: Graph {
                links: p.graph.links,
                dangling_total: p.graph.dangling_total,
                cycles_total: p.graph.cycles_total,
                propagated: p
                    .graph
                    .received
                    .iter()
                    .map(|(fact, n)| Propagated {
                        fact,
                        along: meta
                            .propagations
                            .iter()
                            .filter(|(f, ..)| f == fact)
                            .map(|(_, along, dir, _)| format!("{along} ({dir})"))
                            .collect(),
                        changed: *n,
                    })
                    .collect(),
                dangling: p
                    .graph
                    .dangling
                    .iter()
                    .map(|(id, field, target)| Dangling { id, field, target })
                    .collect(),
                cycles: p
                    .graph
                    .cycles
                    .iter()
                    .map(|(field, path)| Cycle { field, path })
                    .collect(),
            },
            errors: p
                .errors
                .iter()
                .map(|e| Error {
                    input: &e.label,
                    code: &e.code,
                    message: e.message_in(lang),
                    help: e.help_in(lang),
                    file: e.file.as_deref(),
                    line: e.line,
                    column: e.column,
                    pointer: e.pointer.as_deref(),
                })
                .collect(),
        }
    }
}

/// The JSON Schema (draft 2020-12) of `samstyr.portfolio/v1`: every object closed, so a key added
/// to the report without its schema fails the tests.
pub fn schema() -> serde_json::Value {
    use serde_json::json;
    let count = json!({ "type": "integer", "minimum": 0 });
    let date = json!({ "type": "string", "format": "date" });
    let text = json!({ "type": "string" });
    let opt_text = json!({ "type": ["string", "null"] });
    let closed = |props: serde_json::Value| {
        let required: Vec<String> = props
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        json!({
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false
        })
    };
    let statuses = closed(json!({
        "met": count, "violated": count, "pending": count, "unknown": count,
        "not_applicable": count, "not_in_force": count
    }));
    let grades = closed(json!({
        "invalid": count, "violated_must": count, "violated_should": count, "unknown": count,
        "pending": count, "ok": count
    }));
    let tally = closed(json!({ "yes": count, "no": count, "unknown": count }));
    let strings = json!({ "type": "array", "items": text });
    let waiver = closed(json!({
        "id": text, "rules": strings, "initiatives": strings, "item": opt_text,
        "reason": text, "basis": text, "decided_by": text, "decided_on": date, "expires": date,
        "state": { "enum": ["expired", "expiring_soon", "in_force", "not_needed"] },
        "covers": count
    }));
    let waivers = closed(json!({
        "findings_waived": count,
        "documents_with_waived": count,
        "list": {
            "type": "array",
            "description": "the run's waivers, the most pressing first: expired (latest expiry first), expiring within 90 days (nearest first), in force, not needed",
            "items": waiver
        }
    }));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "samstyr portfolio report v1",
        "description": "The output of `samstyr report --format json`: aggregates over a batch, no per-document results. Texts are in the language named by `lang`.",
        "type": "object",
        "properties": {
            "schema": { "const": SCHEMA_ID },
            "tool": closed(json!({ "name": text, "version": text })),
            "rules": closed(json!({ "id": text, "version": text, "title": text, "origin": text })),
            "as_of": date,
            "lang": crate::report::json::lang_schema(),
            "params": {
                "type": "array",
                "items": closed(json!({ "id": text, "value": text, "default": text }))
            },
            "decision": crate::report::json::decision_schema(),
            "totals": closed(json!({
                "inputs": count, "evaluated": count, "invalid": count,
                "passes": { "type": "integer", "minimum": 1, "maximum": 2 },
                "reevaluated": count
            })),
            "grades": grades,
            "headline": {
                "oneOf": [
                    { "type": "null" },
                    closed(json!({
                        "key": text, "title": text, "yes": count, "no": count, "unknown": count,
                        "from_links": count
                    }))
                ]
            },
            "findings": closed(json!({ "by_status": statuses, "must": statuses, "should": statuses })),
            "deadlines": closed(json!({ "overdue": count, "upcoming_days": count, "upcoming": count })),
            "obligations": {
                "type": "array",
                "items": closed(json!({
                    "id": text, "title": text,
                    "severity": { "enum": ["must", "should", null] },
                    "principle": opt_text,
                    "findings": statuses, "overdue": count, "upcoming": count,
                    "waived": count
                }))
            },
            "principles": {
                "type": "array",
                "items": closed(json!({
                    "id": text, "title": text, "findings": statuses,
                    "violated_must": count, "violated_should": count
                }))
            },
            "groups": {
                "type": "array",
                "items": closed(json!({
                    "field": text, "title": text,
                    "values": {
                        "type": "array",
                        "items": closed(json!({
                            "value": opt_text, "documents": count,
                            "headline": { "oneOf": [{ "type": "null" }, tally] },
                            "grades": grades, "findings": statuses,
                            "violated_must": count, "violated_should": count, "overdue": count,
                            "documents_with": statuses, "waived": count,
                            "documents_with_waived": count
                        }))
                    }
                }))
            },
            "graph": closed(json!({
                "links": count,
                "propagated": {
                    "type": "array",
                    "items": closed(json!({
                        "fact": text,
                        "along": { "type": "array", "items": text },
                        "changed": count
                    }))
                },
                "dangling": {
                    "type": "array",
                    "items": closed(json!({ "id": text, "field": text, "target": text }))
                },
                "dangling_total": count,
                "cycles_total": count,
                "cycles": {
                    "type": "array",
                    "items": closed(json!({
                        "field": text,
                        "path": { "type": "array", "items": text, "minItems": 2 }
                    }))
                }
            })),
            "documents_with": statuses,
            "trend": {
                "type": "array",
                "items": closed(json!({
                    "as_of": date, "evaluated": count,
                    "without_violation_percent": { "type": "integer", "minimum": 0, "maximum": 100 },
                    "grades": grades,
                    "headline": { "oneOf": [{ "type": "null" }, tally] },
                    "documents_with": statuses, "overdue": count, "upcoming": count
                }))
            },
            "waivers": waivers,
            "errors_total": count,
            "errors": {
                "type": "array",
                "items": closed(json!({
                    "input": text, "code": text, "message": text, "help": opt_text,
                    "file": opt_text,
                    "line": { "type": ["integer", "null"], "minimum": 1 },
                    "column": { "type": ["integer", "null"], "minimum": 1 },
                    "pointer": opt_text
                }))
            }
        },
        "required": [
            "schema", "tool", "rules", "as_of", "lang", "params", "decision", "totals", "grades", "headline",
            "findings", "deadlines", "obligations", "principles", "groups", "documents_with",
            "trend", "waivers", "graph", "errors", "errors_total"
        ],
        "additionalProperties": false
    })
}
