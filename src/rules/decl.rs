//! The first loading stage: rule files (TOML) → declarations with spans. Checks the shape of every
//! table (required and unknown keys, types, both languages, id syntax, severities) and nothing that
//! needs more than one declaration at a time; that is `check`'s and `compile`'s job.

use super::error::RuleError;
use super::toml::{Str, Table, parse, span_of};
use crate::diag::{Diagnostic, Diagnostics};
use crate::finding::Severity;
use crate::source::{SourceFile, Span};
use crate::text::Text;
use toml::de::DeValue;

#[derive(Debug, Clone)]
pub(crate) struct RulesetDecl {
    pub file: SourceFile,
    pub span: Span,
    pub id: String,
    pub version: String,
    pub title: Text,
    pub reference_date: Option<Str>,
    pub headline: Option<HeadlineDecl>,
    pub report: Option<super::batch::ReportDecl>,
    pub propagate: Vec<super::batch::PropagateDecl>,
    /// The longest a waiver may run, from its decision to its expiry (`"1 year"`).
    pub waiver_max: Option<Str>,
    /// `[ruleset.closed]`: when a document is closed, nothing it is still due to do is asked.
    pub closed: Option<ClosedDecl>,
}

/// `[ruleset.closed]`: a condition on a document under which a finding that would be `pending`
/// is `not_applicable`, with the text that says why.
#[derive(Debug, Clone)]
pub(crate) struct ClosedDecl {
    pub when: Str,
    pub message: Text,
}

#[derive(Debug, Clone)]
pub(crate) struct HeadlineDecl {
    pub fact: Str,
    pub key: String,
    pub title: Text,
}

#[derive(Debug, Clone)]
pub(crate) struct PrincipleDecl {
    pub file: SourceFile,
    pub id: Str,
    pub title: Text,
}

/// A parameter's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Number,
    Date,
    String,
    Bool,
    Duration,
}

impl ParamType {
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Number => "number",
            ParamType::Date => "date",
            ParamType::String => "string",
            ParamType::Bool => "bool",
            ParamType::Duration => "duration",
        }
    }

    fn parse(s: &str) -> Option<ParamType> {
        [
            ParamType::Number,
            ParamType::Date,
            ParamType::String,
            ParamType::Bool,
            ParamType::Duration,
        ]
        .into_iter()
        .find(|t| t.name() == s)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ParamDecl {
    pub file: SourceFile,
    pub id: Str,
    pub ty: Option<ParamType>,
    /// The default as written (a TOML string's content, or the literal's text) and its span.
    pub default: Option<(String, Span)>,
    /// The range of values the parameter accepts, written as the default is (`min`, `max`:
    /// numbers, dates or durations), and whether a number must be whole.
    pub min: Option<(String, Span)>,
    pub max: Option<(String, Span)>,
    pub integer: bool,
    pub title: Text,
    pub sources: Vec<SourceDecl>,
}

#[derive(Debug, Clone)]
pub(crate) enum SourceDecl {
    Seed {
        seed: Str,
        quote: Str,
    },
    External {
        title: String,
        section: Option<String>,
        url: Option<String>,
        paraphrase: Option<Text>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct FactDecl {
    pub file: SourceFile,
    pub id: Str,
    pub title: Text,
    pub expr: Option<Str>,
    pub sources: Vec<SourceDecl>,
}

/// A message in both languages, with where each language's text starts (for placeholders).
#[derive(Debug, Clone)]
pub(crate) struct MessageDecl {
    pub nb: Option<Str>,
    pub nn: Option<Str>,
    pub en: Option<Str>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct MessagesDecl {
    pub span: Option<Span>,
    pub met: Option<MessageDecl>,
    pub violated: Option<MessageDecl>,
    pub pending: Option<MessageDecl>,
    pub unknown: Option<MessageDecl>,
    pub not_applicable: Option<MessageDecl>,
    pub not_in_force: Option<MessageDecl>,
}

#[derive(Debug, Clone)]
pub(crate) struct ObligationDecl {
    pub file: SourceFile,
    pub id: Str,
    pub principle: Option<Str>,
    pub severity: Option<Severity>,
    pub title: Text,
    pub for_each: Option<Str>,
    pub label: Option<Str>,
    pub applies: Option<Str>,
    pub require: Option<Str>,
    pub deadline: Option<Str>,
    pub valid_from: Option<Str>,
    pub valid_until: Option<Str>,
    /// The date validity is judged on, when not the reference date (may read the item).
    pub valid_on: Option<Str>,
    pub remedy: Text,
    pub messages: MessagesDecl,
    pub sources: Vec<SourceDecl>,
    /// Whether any `[[obligation.source]]` is written (even one too broken to read).
    pub has_sources: bool,
    /// `waivable = false`: no waiver may cover its findings.
    pub waivable: bool,
    /// `assumptions = ["id", …]`: the `[[assumption]]`s its findings may rest on.
    pub assumptions: Vec<Str>,
}

/// `[[assumption]]`: something the rule set takes as given without a source that says it (a date
/// the source leaves out, a reading by inference), and when a finding rests on it.
#[derive(Debug)]
pub(crate) struct AssumptionDecl {
    pub file: SourceFile,
    pub id: Str,
    pub when: Option<Str>,
    pub text: Text,
}

/// Everything declared in a rule set's rule files, in file order.
#[derive(Debug, Default)]
pub(crate) struct Decls {
    pub rulesets: Vec<RulesetDecl>,
    pub principles: Vec<PrincipleDecl>,
    pub params: Vec<ParamDecl>,
    pub facts: Vec<FactDecl>,
    pub obligations: Vec<ObligationDecl>,
    pub assumptions: Vec<AssumptionDecl>,
    pub documents: Vec<super::sources::DocumentDecl>,
    pub readings: Vec<super::sources::ReadingDecl>,
}

const TOP: &[&str] = &[
    "ruleset",
    "principle",
    "param",
    "fact",
    "obligation",
    "assumption",
    "document",
    "reading",
];
const RULESET: &[&str] = &[
    "id",
    "languages",
    "version",
    "title",
    "reference_date",
    "headline",
    "report",
    "propagate",
    "waiver_max",
    "closed",
];
const CLOSED: &[&str] = &["when", "message"];
const HEADLINE: &[&str] = &["fact", "key", "title"];
const PRINCIPLE: &[&str] = &["id", "title"];
const PARAM: &[&str] = &[
    "id", "type", "default", "min", "max", "integer", "title", "source",
];
const FACT: &[&str] = &["id", "title", "expr", "source"];
const OBLIGATION: &[&str] = &[
    "id",
    "principle",
    "severity",
    "title",
    "for_each",
    "label",
    "applies",
    "require",
    "deadline",
    "valid_from",
    "valid_until",
    "valid_on",
    "remedy",
    "message",
    "source",
    "waivable",
    "assumptions",
];
const ASSUMPTION: &[&str] = &["id", "when", "text"];
const MESSAGE: &[&str] = &[
    "met",
    "violated",
    "pending",
    "unknown",
    "not_applicable",
    "not_in_force",
];
const SOURCE: &[&str] = &["seed", "quote", "title", "section", "url", "paraphrase"];

/// Read every rule file.
pub(crate) fn read(files: &[SourceFile], diags: &mut Diagnostics) -> Decls {
    let mut decls = Decls::default();
    for file in files {
        read_file(file, &mut decls, diags);
    }
    decls
}

fn read_file(file: &SourceFile, decls: &mut Decls, diags: &mut Diagnostics) {
    let text = file.text();
    let doc = parse(file, text, diags);
    let whole = span_of(doc.span());
    let top = Table::new(file, doc.get_ref(), whole, "a rule file", "");
    top.check_keys(TOP, diags);
    super::sources::read(&top, &mut decls.documents, &mut decls.readings, diags);
    for (t, span) in top.tables("ruleset", diags) {
        let tab = Table::new(file, t, span, "`[ruleset]`", "ruleset");
        if let Some(d) = ruleset(&tab, diags) {
            decls.rulesets.push(d);
        }
    }
    for (t, span) in top.tables("principle", diags) {
        let tab = Table::new(file, t, span, "`[[principle]]`", "principle");
        tab.check_keys(PRINCIPLE, diags);
        let id = tab.req_str("id", diags);
        let title = tab.req_text("title", diags).unwrap_or_default();
        if let Some(id) = id {
            check_id(file, &id, "principle", diags);
            decls.principles.push(PrincipleDecl {
                file: file.clone(),
                id,
                title,
            });
        }
    }
    for (t, span) in top.tables("param", diags) {
        let tab = Table::new(file, t, span, "`[[param]]`", "param");
        if let Some(p) = param(&tab, diags) {
            decls.params.push(p);
        }
    }
    for (t, span) in top.tables("fact", diags) {
        let tab = Table::new(file, t, span, "`[[fact]]`", "fact");
        tab.check_keys(FACT, diags);
        let Some(id) = tab.req_str("id", diags) else {
            continue;
        };
        check_id(file, &id, "fact", diags);
        let tab = tab.renamed(format!("fact `{}`", id.value));
        decls.facts.push(FactDecl {
            file: file.clone(),
            title: tab.req_text("title", diags).unwrap_or_default(),
            expr: tab.req_expr("expr", diags),
            sources: sources(&tab, diags),
            id,
        });
    }
    for (t, span) in top.tables("assumption", diags) {
        let tab = Table::new(file, t, span, "`[[assumption]]`", "assumption");
        tab.check_keys(ASSUMPTION, diags);
        let Some(id) = tab.req_str("id", diags) else {
            continue;
        };
        check_id(file, &id, "fact", diags);
        let tab = tab.renamed(format!("assumption `{}`", id.value));
        decls.assumptions.push(AssumptionDecl {
            file: file.clone(),
            when: tab.req_expr("when", diags),
            text: tab.req_text("text", diags).unwrap_or_default(),
            id,
        });
    }
    for (t, span) in top.tables("obligation", diags) {
        let tab = Table::new(file, t, span, "`[[obligation]]`", "obligation");
        if let Some(o) = obligation(&tab, diags) {
            decls.obligations.push(o);
        }
    }
}

fn ruleset(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Option<RulesetDecl> {
    tab.check_keys(RULESET, diags);
    let id = tab.req_str("id", diags);
    let version = tab.req_str("version", diags);
    let title = tab.req_text("title", diags);
    let reference_date = tab.expr("reference_date", diags);
    let headline = tab.table("headline", diags).and_then(|(t, span)| {
        let h = Table::new(
            tab.file,
            t,
            span,
            "`[ruleset.headline]`",
            "ruleset.headline",
        );
        h.check_keys(HEADLINE, diags);
        let fact = h.req_str("fact", diags);
        let key = h.req_str("key", diags);
        let title = h.req_text("title", diags);
        Some(HeadlineDecl {
            fact: fact?,
            key: key?.value,
            title: title?,
        })
    });
    let report = super::batch::read_report(tab, diags);
    let propagate = super::batch::read_propagate(tab, diags);
    let closed = tab.table("closed", diags).and_then(|(t, span)| {
        let c = Table::new(tab.file, t, span, "`[ruleset.closed]`", "ruleset.closed");
        c.check_keys(CLOSED, diags);
        let when = c.req_expr("when", diags);
        let message = c.req_text("message", diags);
        Some(ClosedDecl {
            when: when?,
            message: message?,
        })
    });
    let waiver_max = tab.str("waiver_max", diags);
    if let Some(m) = &waiver_max
        && super::params::ParamValue::parse(super::ParamType::Duration, &m.value).is_none()
    {
        diags.push(Diagnostic::at(
            &RuleError::BadParamValue {
                id: "waiver_max".into(),
                value: m.value.clone(),
                expected: "duration",
            },
            tab.file,
            m.span,
        ));
    }
    Some(RulesetDecl {
        waiver_max,
        closed,
        report,
        propagate,
        file: tab.file.clone(),
        span: tab.head(),
        id: id.map(|s| s.value).unwrap_or_default(),
        version: version.map(|s| s.value).unwrap_or_default(),
        title: title.unwrap_or_default(),
        reference_date,
        headline,
    })
}

fn param(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Option<ParamDecl> {
    tab.check_keys(PARAM, diags);
    let id = tab.req_str("id", diags)?;
    check_id(tab.file, &id, "param", diags);
    let tab = tab.renamed(format!("param `{}`", id.value));
    let ty = tab.req_str("type", diags).and_then(|t| {
        let ty = ParamType::parse(&t.value);
        if ty.is_none() {
            diags.push(Diagnostic::at(
                &RuleError::BadParamType { value: t.value },
                tab.file,
                t.span,
            ));
        }
        ty
    });
    let default = match tab.get("default") {
        None => {
            tab.missing("default", diags);
            None
        }
        Some(_) => param_value(&tab, "default", diags),
    };
    let integer = match tab.get("integer") {
        None => false,
        Some(v) => match v.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                diags.push(Diagnostic::at(
                    &RuleError::WrongType {
                        key: "integer".into(),
                        expected: "a bool",
                        found: super::toml::type_name(other),
                    },
                    tab.file,
                    span_of(v.span()),
                ));
                false
            }
        },
    };
    Some(ParamDecl {
        file: tab.file.clone(),
        title: tab.req_text("title", diags).unwrap_or_default(),
        sources: sources(&tab, diags),
        id,
        ty,
        default,
        min: param_value(&tab, "min", diags),
        max: param_value(&tab, "max", diags),
        integer,
    })
}

/// A parameter value written under `key` (a default or a bound): a TOML string's content, or a
/// literal's text, with its span.
fn param_value(tab: &Table<'_, '_>, key: &str, diags: &mut Diagnostics) -> Option<(String, Span)> {
    let v = tab.get(key)?;
    let span = span_of(v.span());
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), span)),
        DeValue::Table(_) | DeValue::Array(_) => {
            diags.push(Diagnostic::at(
                &RuleError::WrongType {
                    key: key.into(),
                    expected: "a number, date, string or bool",
                    found: super::toml::type_name(v.get_ref()),
                },
                tab.file,
                span,
            ));
            None
        }
        _ => Some((
            tab.file
                .text()
                .get(span.range())
                .unwrap_or_default()
                .to_string(),
            span,
        )),
    }
}

fn obligation(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Option<ObligationDecl> {
    tab.check_keys(OBLIGATION, diags);
    let id = tab.req_str("id", diags)?;
    check_id(tab.file, &id, "obligation", diags);
    let tab = tab.renamed(format!("obligation `{}`", id.value));
    let severity = tab.req_str("severity", diags).and_then(|s| {
        let sev = match s.value.as_str() {
            "must" => Some(Severity::Must),
            "should" => Some(Severity::Should),
            _ => None,
        };
        if sev.is_none() {
            diags.push(Diagnostic::at(
                &RuleError::BadSeverity { value: s.value },
                tab.file,
                s.span,
            ));
        }
        sev
    });
    let mut messages = MessagesDecl::default();
    match tab.table("message", diags) {
        Some((t, span)) => {
            let m = Table::new(
                tab.file,
                t,
                span,
                format!("the messages of `{}`", id.value),
                "obligation.message",
            );
            m.check_keys(MESSAGE, diags);
            messages.span = Some(span);
            let get = |key: &str, diags: &mut Diagnostics| {
                m.text(key, diags)
                    .map(|(_, [nb, nn, en])| MessageDecl { nb, nn, en })
            };
            messages.met = get("met", diags);
            messages.violated = get("violated", diags);
            messages.pending = get("pending", diags);
            messages.unknown = get("unknown", diags);
            messages.not_applicable = get("not_applicable", diags);
            messages.not_in_force = get("not_in_force", diags);
        }
        None => {
            if tab.get("message").is_none() {
                tab.missing("message", diags);
            }
        }
    }
    Some(ObligationDecl {
        file: tab.file.clone(),
        principle: tab.req_str("principle", diags),
        severity,
        title: tab.req_text("title", diags).unwrap_or_default(),
        for_each: tab.str("for_each", diags),
        label: tab.expr("label", diags),
        applies: tab.expr("applies", diags),
        require: tab.req_expr("require", diags),
        deadline: tab.expr("deadline", diags),
        valid_from: tab.expr("valid_from", diags),
        valid_until: tab.expr("valid_until", diags),
        valid_on: tab.expr("valid_on", diags),
        remedy: tab.req_text("remedy", diags).unwrap_or_default(),
        messages,
        sources: sources(&tab, diags),
        has_sources: tab.get("source").is_some(),
        waivable: bool_of(&tab, "waivable", diags).unwrap_or(true),
        assumptions: str_list(&tab, "assumptions", diags),
        id,
    })
}

fn bool_of(tab: &Table<'_, '_>, key: &str, diags: &mut Diagnostics) -> Option<bool> {
    let v = tab.get(key)?;
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        other => {
            diags.push(Diagnostic::at(
                &RuleError::WrongType {
                    key: key.to_string(),
                    expected: "a boolean",
                    found: super::toml::type_name(other),
                },
                tab.file,
                span_of(v.span()),
            ));
            None
        }
    }
}

fn sources(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Vec<SourceDecl> {
    let mut out = Vec::new();
    for (t, span) in tab.tables("source", diags) {
        let s = Table::new(
            tab.file,
            t,
            span,
            format!("a source of {}", tab.name),
            "source",
        );
        s.check_keys(SOURCE, diags);
        let seed = s.str("seed", diags);
        let quote = s.str("quote", diags);
        let title = s.str("title", diags);
        match (seed, quote, title) {
            (Some(seed), Some(quote), None) => out.push(SourceDecl::Seed { seed, quote }),
            (None, None, Some(title)) => out.push(SourceDecl::External {
                title: title.value,
                section: s.str("section", diags).map(|x| x.value),
                url: s.str("url", diags).map(|x| x.value),
                paraphrase: s.opt_text("paraphrase", diags),
            }),
            (Some(_), None, None) => s.missing("quote", diags),
            (None, Some(_), None) => s.missing("seed", diags),
            _ => diags.push(Diagnostic::at(&RuleError::SourceShape, tab.file, s.head())),
        }
    }
    out
}

/// Ids: facts and principles `[a-z0-9-]+` (so `@fact-id` reads well), params `[A-Za-z0-9_-]+`,
/// obligations `[A-Za-z0-9._-]+`.
fn check_id(file: &SourceFile, id: &Str, kind: &'static str, diags: &mut Diagnostics) {
    let (ok, pattern): (fn(char) -> bool, &'static str) = match kind {
        "fact" | "principle" => (
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            "lowercase ASCII letters, digits and `-`",
        ),
        "param" => (
            |c| c.is_ascii_alphanumeric() || c == '_' || c == '-',
            "ASCII letters, digits, `_` and `-`",
        ),
        _ => (
            |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'),
            "ASCII letters, digits, `.`, `_` and `-`",
        ),
    };
    if id.value.is_empty() || !id.value.chars().all(ok) {
        diags.push(Diagnostic::at(
            &RuleError::BadId {
                kind,
                id: id.value.clone(),
                pattern,
            },
            file,
            id.span,
        ));
    }
}

/// A list of strings (`key = ["a", "b"]`), each with its place; absent: empty.
fn str_list(tab: &Table<'_, '_>, key: &str, diags: &mut Diagnostics) -> Vec<Str> {
    let Some(v) = tab.get(key) else {
        return Vec::new();
    };
    let wrong = |found: &'static str, at: Span, diags: &mut Diagnostics| {
        diags.push(Diagnostic::at(
            &RuleError::WrongType {
                key: key.to_string(),
                expected: "a list of ids",
                found,
            },
            tab.file,
            at,
        ));
    };
    let DeValue::Array(items) = v.get_ref() else {
        wrong(
            super::toml::type_name(v.get_ref()),
            span_of(v.span()),
            diags,
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push(Str {
                value: s.to_string(),
                span: span_of(item.span()),
                offset: item.span().start + 1,
            }),
            other => wrong(super::toml::type_name(other), span_of(item.span()), diags),
        }
    }
    out
}
