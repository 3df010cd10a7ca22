//! Rule tests: cases kept as data beside the rules (`tests/*.toml`), each an input document, an
//! as-of date, optional parameter overrides and the statuses (and fact values) expected — run by
//! `samstyr rules test` and, through [`run`], by `cargo test`.
//!
//! The case format is in docs/rule-language.md, "Rule tests".

use super::EvalOptions;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::finding::{Evaluation, Shown, Status};
use crate::rules::params::{ParamOverride, table_overrides};
use crate::rules::toml::{Table, parse, span_of, type_name};
use crate::rules::{RuleError, RuleSet};
use crate::source::{SourceFile, Span};
use crate::text::Lang;
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use toml::de::DeValue;

/// One test case as read.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The case file and where the case starts in it.
    pub file: SourceFile,
    pub span: Span,
    /// The input document, relative to the case file's directory as written.
    pub input: PathBuf,
    pub as_of: Date,
    pub params: Vec<ParamOverride>,
    pub expect: Vec<Expect>,
}

/// One expectation: an obligation's status (or one per item), or a fact's value.
#[derive(Debug, Clone)]
pub struct Expect {
    /// An obligation id, or `@fact`.
    pub key: String,
    pub want: Want,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    /// The rule's status: for a `for_each` rule the most urgent status of its findings.
    Status(Status),
    /// One status per finding, in order.
    Statuses(Vec<Status>),
    /// A fact's value (`Shown::Absent` for unknown).
    Value(Shown),
}

/// A case that did not give what it expected.
#[derive(Debug, Clone)]
pub struct Failure {
    pub case: String,
    /// `file:line` of the case.
    pub place: String,
    /// The rule or `@fact` (empty when the case could not run at all).
    pub rule: String,
    pub expected: String,
    pub got: String,
    /// The finding's message (in the language asked for), or why the case could not run.
    pub message: String,
}

impl Failure {
    /// One line: where, which case, which rule, expected, got, and the message.
    pub fn line(&self) -> String {
        if self.rule.is_empty() {
            return format!("FAIL {} `{}`: {}", self.place, self.case, self.message);
        }
        let mut s = format!(
            "FAIL {} `{}`: {} expected {}, got {}",
            self.place, self.case, self.rule, self.expected, self.got
        );
        if !self.message.is_empty() {
            s.push_str(&format!(" — {}", self.message));
        }
        s
    }
}

/// The outcome of running a rule set's cases.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<Failure>,
    /// Number of cases that failed (a case may fail several expectations).
    pub failed: usize,
    /// Problems with the case files themselves.
    pub problems: Diagnostics,
}

impl Report {
    /// `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }

    pub fn ok(&self) -> bool {
        self.failed == 0 && self.problems.is_empty()
    }
}

/// Read every case of every case file under `dir`, checking them against the rule set.
pub fn load_cases(set: &RuleSet, dir: &Path) -> (Vec<Case>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let files = match crate::files::toml_files_in(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::new(
                &crate::files::FilesError::Dir {
                    path: dir.display().to_string(),
                    reason: e.to_string(),
                },
                None,
                None,
            ));
            return (Vec::new(), diags);
        }
    };
    let mut cases = Vec::new();
    for path in files {
        match crate::files::read_text(&path, crate::files::MAX_RULE_FILE_BYTES) {
            Ok(text) => {
                let file = SourceFile::new(path.display().to_string(), text);
                read_cases(set, &file, &mut cases, &mut diags);
            }
            Err(e) => diags.push(Diagnostic::new(&e, None, None)),
        }
    }
    (cases, diags)
}

const CASE: &[&str] = &["name", "input", "as_of", "params", "expect", "note"];

fn read_cases(set: &RuleSet, file: &SourceFile, out: &mut Vec<Case>, diags: &mut Diagnostics) {
    let doc = parse(file, file.text(), diags);
    let top = Table::new(file, doc.get_ref(), span_of(doc.span()), "a test file", "");
    top.check_keys(&["case"], diags);
    for (t, span) in top.tables("case", diags) {
        let tab = Table::new(file, t, span, "`[[case]]`", "case");
        tab.check_keys(CASE, diags);
        let name = tab.req_str("name", diags);
        let input = tab.req_str("input", diags);
        let as_of = match tab.get("as_of") {
            None => {
                tab.missing("as_of", diags);
                None
            }
            Some(v) => {
                let raw = match v.get_ref() {
                    DeValue::String(s) => s.to_string(),
                    DeValue::Datetime(d) => d.to_string(),
                    _ => String::new(),
                };
                let d = raw.parse::<Date>().ok();
                if d.is_none() {
                    diags.push(Diagnostic::at(
                        &RuleError::WrongType {
                            key: "as_of".into(),
                            expected: "a date (YYYY-MM-DD)",
                            found: type_name(v.get_ref()),
                        },
                        file,
                        span_of(v.span()),
                    ));
                }
                d
            }
        };
        let params = tab
            .table("params", diags)
            .map(|(p, _)| table_overrides(file, p, diags))
            .unwrap_or_default();
        let mut expect = Vec::new();
        if let Some((e, _)) = tab.table("expect", diags) {
            for (k, v) in e.iter() {
                let key = k.get_ref().to_string();
                let kspan = span_of(k.span());
                if let Some(want) = want(set, file, &key, kspan, v, diags) {
                    expect.push(Expect {
                        key,
                        want,
                        span: kspan,
                    });
                }
            }
        } else if tab.get("expect").is_none() {
            tab.missing("expect", diags);
        }
        if let (Some(name), Some(input), Some(as_of)) = (name, input, as_of) {
            out.push(Case {
                name: name.value,
                file: file.clone(),
                span: tab.head(),
                input: PathBuf::from(input.value),
                as_of,
                params,
                expect,
            });
        }
    }
}

fn want(
    set: &RuleSet,
    file: &SourceFile,
    key: &str,
    kspan: Span,
    v: &toml::Spanned<DeValue<'_>>,
    diags: &mut Diagnostics,
) -> Option<Want> {
    let vspan = span_of(v.span());
    if let Some(id) = key.strip_prefix('@') {
        if set.fact(id).is_none() {
            diags.push(Diagnostic::at(&set.unknown_rule(key), file, kspan));
            return None;
        }
        let shown = match v.get_ref() {
            DeValue::Boolean(b) => Shown::Bool(*b),
            DeValue::Integer(i) => Shown::Number(i.as_str().replace('_', "").parse().ok()?),
            DeValue::Float(f) => Shown::Number(f.as_str().replace('_', "").parse().ok()?),
            DeValue::Datetime(d) => Shown::Date(d.to_string().parse().ok()?),
            DeValue::String(s) if s == "unknown" => Shown::Absent,
            DeValue::String(s) if s == "null" => Shown::Null,
            DeValue::String(s) => Shown::Str(s.to_string()),
            other => {
                diags.push(Diagnostic::at(
                    &RuleError::WrongType {
                        key: key.to_string(),
                        expected: "a value (bool, number, date, string, \"unknown\" or \"null\")",
                        found: type_name(other),
                    },
                    file,
                    vspan,
                ));
                return None;
            }
        };
        return Some(Want::Value(shown));
    }
    if set.obligation(key).is_none() {
        diags.push(Diagnostic::at(&set.unknown_rule(key), file, kspan));
        return None;
    }
    let status = |s: &str, span: Span, diags: &mut Diagnostics| {
        let st = Status::parse(s);
        if st.is_none() {
            let suggestion = did_you_mean(s, Status::ALL.iter().map(|s| s.name()));
            diags.push(
                Diagnostic::at(
                    &RuleError::WrongType {
                        key: key.to_string(),
                        expected: "a status",
                        found: "an unknown status",
                    },
                    file,
                    span,
                )
                .with_label(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "met, violated, pending, unknown, not_applicable or not_in_force".into()
                    }
                }),
            );
        }
        st
    };
    match v.get_ref() {
        DeValue::String(s) => status(s, vspan, diags).map(Want::Status),
        DeValue::Array(items) => {
            let mut out = Vec::new();
            for i in items.iter() {
                match i.get_ref() {
                    DeValue::String(s) => out.push(status(s, span_of(i.span()), diags)?),
                    other => {
                        diags.push(Diagnostic::at(
                            &RuleError::WrongType {
                                key: key.to_string(),
                                expected: "a status",
                                found: type_name(other),
                            },
                            file,
                            span_of(i.span()),
                        ));
                        return None;
                    }
                }
            }
            Some(Want::Statuses(out))
        }
        other => {
            diags.push(Diagnostic::at(
                &RuleError::WrongType {
                    key: key.to_string(),
                    expected: "a status or a list of statuses",
                    found: type_name(other),
                },
                file,
                vspan,
            ));
            None
        }
    }
}

/// Run every case under `dir` whose name contains `filter`. Messages in failures are in `lang`.
pub fn run(set: &RuleSet, dir: &Path, filter: Option<&str>, lang: Lang) -> Report {
    let (cases, problems) = load_cases(set, dir);
    let mut report = Report {
        problems,
        ..Report::default()
    };
    for case in cases
        .iter()
        .filter(|c| filter.is_none_or(|f| c.name.contains(f)))
    {
        let failures = run_case(set, case, lang);
        if failures.is_empty() {
            report.passed += 1;
        } else {
            report.failed += 1;
            report.failures.extend(failures);
        }
    }
    report
}

/// Run one case; its failures (none when it passes).
pub fn run_case(set: &RuleSet, case: &Case, lang: Lang) -> Vec<Failure> {
    let (line, _) = case.file.line_col(case.span.start);
    let place = format!("{}:{line}", case.file.name());
    let broken = |message: String| {
        vec![Failure {
            case: case.name.clone(),
            place: place.clone(),
            rule: String::new(),
            expected: String::new(),
            got: String::new(),
            message,
        }]
    };
    let set = if case.params.is_empty() {
        set.clone()
    } else {
        match set.with_overrides(&case.params) {
            Ok(s) => s,
            Err(d) => return broken(first_problem(&d)),
        }
    };
    let base = Path::new(case.file.name())
        .parent()
        .unwrap_or(Path::new("."));
    let path = base.join(&case.input);
    // An input is read as `samstyr check` would read it: never more than a document may hold.
    let text = match crate::files::read_text(&path, crate::files::MAX_FILE_BYTES) {
        Ok(t) => t,
        Err(e) => return broken(e.to_string()),
    };
    let source = SourceFile::new(path.display().to_string(), text);
    let doc = match crate::schema::validate(set.schema(), set.catalog(), source) {
        Ok(d) => d,
        Err(d) => return broken(format!("invalid input: {}", first_problem(&d))),
    };
    let eval = set.evaluate(&doc, case.as_of, &EvalOptions::default());
    let mut out = Vec::new();
    for e in &case.expect {
        if let Some((expected, got, message)) = check(&eval, e, lang) {
            out.push(Failure {
                case: case.name.clone(),
                place: place.clone(),
                rule: e.key.clone(),
                expected,
                got,
                message,
            });
        }
    }
    out
}

fn first_problem(d: &Diagnostics) -> String {
    let n = d.len();
    let first = d.iter().next().map(|d| d.one_line()).unwrap_or_default();
    if n > 1 {
        format!("{first} (and {} more)", n - 1)
    } else {
        first
    }
}

/// `None` when the expectation holds, else (expected, got, message).
fn check(eval: &Evaluation, e: &Expect, lang: Lang) -> Option<(String, String, String)> {
    match &e.want {
        Want::Value(want) => {
            let id = e.key.trim_start_matches('@');
            let got = eval.facts.iter().find(|f| f.fact.id == id)?;
            let same = match (want, &got.value) {
                (Shown::Number(a), Shown::Number(b)) => (a - b).abs() < 1e-9,
                (a, b) => a == b,
            };
            (!same).then(|| (shown(want), shown(&got.value), String::new()))
        }
        Want::Status(want) => {
            let found: Vec<_> = eval
                .findings
                .iter()
                .filter(|f| f.rule.id == e.key)
                .collect();
            let worst = found.iter().min_by_key(|f| f.status)?;
            (worst.status != *want).then(|| {
                (
                    want.name().to_string(),
                    worst.status.name().to_string(),
                    worst.message.get(lang).to_string(),
                )
            })
        }
        Want::Statuses(want) => {
            let found: Vec<_> = eval
                .findings
                .iter()
                .filter(|f| f.rule.id == e.key)
                .collect();
            let got: Vec<Status> = found.iter().map(|f| f.status).collect();
            (got != *want).then(|| {
                let list = |v: &[Status]| {
                    format!(
                        "[{}]",
                        v.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
                    )
                };
                let message = found
                    .iter()
                    .zip(want.iter().map(Some).chain(std::iter::repeat(None)))
                    .find(|(f, w)| Some(&f.status) != *w)
                    .map(|(f, _)| f.message.get(lang).to_string())
                    .unwrap_or_default();
                (list(want), list(&got), message)
            })
        }
    }
}

fn shown(v: &Shown) -> String {
    match v {
        Shown::Absent => "unknown".into(),
        other => super::shown_text(other),
    }
}
