//! `samstyr explain FILE --rule ID [--id KEY] [--format text|json]`: the evaluation trace of one
//! rule on one document — each sub-condition of validity, `applies`, `deadline` and `require` with
//! its value, indented by nesting, then the status and why. A batch (a JSONL file, a directory)
//! names its document with `--id`.

use super::Exit;
use super::common::RulesArgs;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{Explanation, ExprTrace, shown_text};
use crate::finding::{Finding, Shown, Status};
use crate::text::Lang;
use jiff::civil::Date;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The trace for people
    #[default]
    Text,
    /// The trace as JSON (sections, steps, findings)
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document: a `.json` file, a `.jsonl` file or directory with `--id`, or `-` for stdin
    pub file: PathBuf,
    /// The obligation (`SAM-03`) or fact (`@felles-tiltak`) to explain
    #[arg(long, value_name = "ID")]
    pub rule: String,
    /// The document of a batch to explain, by its id
    #[arg(long = "id", value_name = "KEY")]
    pub key: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date to judge deadlines against (default: today)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Language of the texts
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: &Args) -> Exit {
    super::common::exit_or_invalid(explain(args), args.lang)
}

fn explain(args: &Args) -> Result<Exit, Diagnostics> {
    let set = super::check::load_rules(&args.rules)?;
    let doc = pick(&set, args)?;
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let e = set
        .explain(&doc, as_of, &args.rule)
        .map_err(|e| Diagnostics::from(Diagnostic::new(&e, None, None)))?;
    let out = match args.format {
        Format::Text => render_explanation(&e, &doc.key, args.lang),
        Format::Json => {
            let json = explanation_json(&e, &doc.key, args.lang);
            let mut s = serde_json::to_string_pretty(&json).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    super::common::out(&out);
    Ok(Exit::Ok)
}

#[derive(Debug, thiserror::Error)]
enum ExplainProblem {
    #[error("no document in `{path}`")]
    Empty { path: String },
    #[error("`{path}` holds {count} documents")]
    Batch {
        path: String,
        count: usize,
        keys: Vec<String>,
    },
    #[error("no document `{key}` in `{path}`")]
    NoSuchKey {
        key: String,
        path: String,
        suggestion: Option<String>,
    },
}

impl crate::diag::Problem for ExplainProblem {
    fn code(&self) -> &'static str {
        match self {
            ExplainProblem::Empty { .. } => "explain::empty",
            ExplainProblem::Batch { .. } => "explain::batch",
            ExplainProblem::NoSuchKey { .. } => "explain::no-such-document",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ExplainProblem::Empty { .. } => "name a file that holds a document".into(),
            ExplainProblem::Batch { keys, .. } => {
                let shown: Vec<String> = keys.iter().take(5).map(|k| format!("`{k}`")).collect();
                let more = if keys.len() > 5 { ", …" } else { "" };
                format!("choose one with `--id`: {}{more}", shown.join(", "))
            }
            ExplainProblem::NoSuchKey { suggestion, .. } => match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`--id` takes the `id` of a document in the file".into(),
            },
        })
    }
}

/// The document to explain: the only one given, or the one `--id` names. A batch is read to its
/// end only when needed (to list its keys, or to find the one asked for).
fn pick(set: &crate::rules::RuleSet, args: &Args) -> Result<crate::schema::Document, Diagnostics> {
    let path = args.file.display().to_string();
    let mut keys = Vec::new();
    let mut first = None;
    for c in crate::input::documents(
        std::slice::from_ref(&args.file),
        set.schema(),
        set.catalog(),
    ) {
        match (&args.key, c.result) {
            (Some(k), Ok(d)) if &d.key == k => return Ok(d),
            // With `--id`, another document's problems are not this one's.
            (Some(_), Ok(d)) => keys.push(d.key),
            (Some(_), Err(_)) => {}
            (None, Ok(d)) => {
                keys.push(d.key.clone());
                first.get_or_insert(Ok(d));
            }
            (None, Err(d)) => {
                first.get_or_insert(Err(d));
                keys.push(String::new());
            }
        }
    }
    let problem = match (&args.key, first) {
        (Some(k), _) => ExplainProblem::NoSuchKey {
            suggestion: crate::diag::did_you_mean(k, keys.iter().map(String::as_str))
                .map(str::to_string),
            key: k.clone(),
            path,
        },
        (None, Some(only)) if keys.len() == 1 => return only,
        (None, None) => ExplainProblem::Empty { path },
        (None, Some(_)) => ExplainProblem::Batch {
            path,
            count: keys.len(),
            keys: keys.into_iter().filter(|k| !k.is_empty()).collect(),
        },
    };
    Err(Diagnostic::new(&problem, None, None).into())
}

/// The trace as JSON: the rule, the dates, the facts it uses, then per finding its sections
/// (each with its sub-expressions and their values) and the status with why.
pub fn explanation_json(e: &Explanation, key: &str, lang: Lang) -> serde_json::Value {
    use serde_json::json;
    // Values as the JSON report gives them, an unknown one `null` with `"known": false`.
    let value = |v: &Shown| crate::report::json::shown_value(v).unwrap_or_default();
    let known = |v: &Shown| *v != Shown::Absent;
    let section = |sec: &ExprTrace| {
        json!({
            "key": sec.key,
            "expr": one_line(&sec.text),
            "value": value(&sec.value),
            "known": known(&sec.value),
            "steps": sec.steps.iter().filter(|st| st.depth > 0).map(|st| json!({
                "expr": one_line(&st.text),
                "value": value(&st.value),
                "known": known(&st.value),
                "depth": st.depth,
            })).collect::<Vec<_>>(),
        })
    };
    let finding = |f: &Finding| {
        json!({
            "status": f.status.name(),
            "why": why(f, lang, e.as_of),
            "message": f.message.get(lang),
            "deadline": f.deadline.map(|d| d.to_string()),
            "evidence": f.evidence.iter().map(|ev| json!({
                "pointer": ev.pointer, "value": value(&ev.value), "known": known(&ev.value),
            })).collect::<Vec<_>>(),
            "missing": f.missing.iter().map(|m| m.pointer.as_str()).collect::<Vec<_>>(),
        })
    };
    let traced: Vec<serde_json::Value> = if e.traced.is_empty() {
        e.findings
            .iter()
            .map(|f| json!({ "item": null, "sections": [], "finding": finding(f) }))
            .collect()
    } else {
        e.traced
            .iter()
            .zip(&e.findings)
            .map(|(t, f)| {
                json!({
                    "item": t.item.as_ref().map(|i| json!({
                        "index": i.index, "pointer": i.pointer, "label": i.label,
                    })),
                    "list": t.list.as_ref().map(section),
                    "sections": t.sections.iter().map(section).collect::<Vec<_>>(),
                    "finding": finding(f),
                })
            })
            .collect()
    };
    json!({
        "rule": e.rule.id,
        "kind": if e.rule.severity.is_some() { "obligation" } else { "fact" },
        "severity": e.rule.severity.map(|s| s.name()),
        "title": e.rule.title.get(lang),
        "document": key,
        "as_of": e.as_of.to_string(),
        "reference_date": e.reference_date.to_string(),
        "facts": e.facts.iter().map(|f| json!({ "id": f.fact.id, "value": value(&f.value), "known": known(&f.value) })).collect::<Vec<_>>(),
        "fact": e.fact.as_ref().map(|(fv, sec)| json!({
            "value": value(&fv.value),
            "known": known(&fv.value),
            "trace": section(sec),
            "missing": fv.missing.iter().map(|m| m.pointer.as_str()).collect::<Vec<_>>(),
        })),
        "findings": traced,
    })
}

struct Words {
    document: &'static str,
    as_of: &'static str,
    reference: &'static str,
    facts: &'static str,
    item: &'static str,
    status: &'static str,
    why: &'static str,
    evidence: &'static str,
    missing: &'static str,
    no_condition: &'static str,
}

fn words(lang: Lang) -> Words {
    let pick = |nb, nn, en| crate::text::pick(lang, nb, nn, en);
    Words {
        document: pick("dokument", "dokument", "document"),
        as_of: pick("per", "per", "as of"),
        reference: pick("referansedato", "referansedato", "reference date"),
        facts: pick("fakta", "fakta", "facts"),
        item: pick("element", "element", "item"),
        status: "status",
        why: pick("fordi", "fordi", "because"),
        evidence: pick("lest", "lese", "read"),
        missing: pick("mangler", "manglar", "missing"),
        no_condition: pick(
            "ingen betingelse: true",
            "utan vilkår: true",
            "no condition: true",
        ),
    }
}

/// The trace as text.
pub fn render_explanation(e: &Explanation, key: &str, lang: Lang) -> String {
    let w = words(lang);
    let mut s = String::new();
    let r = &e.rule;
    let mut head = r.id.clone();
    if r.severity.is_none() {
        head = format!("@{head}");
    }
    s.push_str(&format!("{head} — {}", r.title.get(lang)));
    if let Some(sev) = r.severity {
        s.push_str(&format!(" ({}", sev.name()));
        if let Some(p) = &r.principle {
            s.push_str(&format!(", {}", p.id));
        }
        s.push(')');
    }
    s.push('\n');
    s.push_str(&format!(
        "{}: {key}; {} {}; {}: {}\n",
        w.document, w.as_of, e.as_of, w.reference, e.reference_date
    ));
    if !e.facts.is_empty() {
        s.push_str(&format!("{}:\n", w.facts));
        for f in &e.facts {
            s.push_str(&format!("  @{} = {}\n", f.fact.id, value(&f.value)));
        }
    }
    if let Some((fv, section)) = &e.fact {
        s.push('\n');
        trace(&mut s, section, 0);
        if !fv.missing.is_empty() {
            s.push_str(&format!(
                "{}: {}\n",
                w.missing,
                crate::report::pointers(&fv.missing)
            ));
        }
        return s;
    }
    for (t, f) in e.traced.iter().zip(&e.findings) {
        s.push('\n');
        if let Some(list) = &t.list {
            trace(&mut s, list, 0);
        }
        let indent = if let Some(item) = &t.item {
            s.push_str(&format!("{} {}", w.item, item.index));
            if let Some(l) = &item.label {
                s.push_str(&format!(" «{l}»"));
            }
            s.push_str(&format!(" ({})\n", item.pointer));
            1
        } else {
            0
        };
        let has_applies = t.sections.iter().any(|x| x.key == "applies");
        for sec in &t.sections {
            if sec.key == "require" && !has_applies && f.status != Status::NotInForce {
                s.push_str(&format!(
                    "{}applies = true ({})\n",
                    pad(indent),
                    w.no_condition
                ));
            }
            trace(&mut s, sec, indent);
        }
        finding(&mut s, f, indent, &w, lang, e.as_of);
    }
    if e.traced.is_empty() {
        for f in &e.findings {
            s.push('\n');
            finding(&mut s, f, 0, &w, lang, e.as_of);
        }
    }
    s
}

fn pad(n: usize) -> String {
    "  ".repeat(n)
}

fn value(v: &Shown) -> String {
    match v {
        Shown::Absent => "unknown".into(),
        Shown::Str(s) => format!("'{s}'"),
        other => shown_text(other),
    }
}

fn one_line(text: &str) -> String {
    crate::rules::fold_whitespace(text)
}

/// One section: `key = value`, then each sub-expression (literals left out) indented by depth.
fn trace(s: &mut String, sec: &ExprTrace, indent: usize) {
    s.push_str(&format!(
        "{}{} = {}    [{}]\n",
        pad(indent),
        sec.key,
        value(&sec.value),
        one_line(&sec.text)
    ));
    for step in &sec.steps {
        // The whole expression is the section's own line.
        if step.depth == 0 {
            continue;
        }
        let text = one_line(&step.text);
        let v = value(&step.value);
        // A literal says nothing its text does not, nor does an object its name.
        if text == v
            || text == shown_text(&step.value)
            || text.is_empty()
            || step.value == Shown::Object
        {
            continue;
        }
        s.push_str(&format!("{}{} = {}\n", pad(indent + step.depth), text, v));
    }
}

fn finding(s: &mut String, f: &Finding, indent: usize, w: &Words, lang: Lang, as_of: Date) {
    let p = pad(indent);
    s.push_str(&format!("{p}→ {}: {}\n", w.status, f.status.name()));
    s.push_str(&format!("{p}  {}: {}\n", w.why, why(f, lang, as_of)));
    if !f.message.get(lang).is_empty() {
        s.push_str(&format!("{p}  {}\n", f.message.get(lang)));
    }
    if !f.evidence.is_empty() {
        let list: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{} = {}", e.pointer, value(&e.value)))
            .collect();
        s.push_str(&format!("{p}  {}: {}\n", w.evidence, list.join(", ")));
    }
    if !f.missing.is_empty() {
        s.push_str(&format!(
            "{p}  {}: {}\n",
            w.missing,
            crate::report::pointers(&f.missing)
        ));
    }
    if let Some(tm) = &f.to_meet {
        let label = crate::text::pick(lang, "for å oppfylle", "for å oppfylle", "to meet");
        s.push_str(&format!(
            "{p}  {label}: {}\n",
            crate::report::to_meet_words(lang, tm)
        ));
        let how = crate::text::pick(lang, "utledet", "utleidd", "derived");
        for step in &tm.derivation {
            s.push_str(&format!("{p}    {how}: {}\n", step.get(lang)));
        }
    }
}

/// Why the status is what it is, in the terms of the status derivation.
fn why(f: &Finding, lang: Lang, as_of: Date) -> String {
    match f.status {
        Status::NotInForce => f
            .validity
            .as_ref()
            .map(|v| {
                crate::eval::generic(Status::NotInForce, &[], Some(v))
                    .get(lang)
                    .trim_end_matches('.')
                    .to_string()
            })
            .unwrap_or_default(),
        Status::NotApplicable => crate::text::pick(
            lang,
            "applies er false",
            "applies er false",
            "applies is false",
        )
        .into(),
        Status::Met => crate::text::pick(
            lang,
            "require er true",
            "require er true",
            "require is true",
        )
        .into(),
        Status::Pending => {
            let d = f.deadline.map(|d| d.to_string()).unwrap_or_default();
            match lang {
                Lang::Nb => {
                    format!("require er false, men fristen {d} er ikke passert per {as_of}")
                }
                Lang::Nn => {
                    format!("require er false, men fristen {d} er ikkje passert per {as_of}")
                }
                Lang::En => {
                    format!("require is false, but the deadline {d} is not past as of {as_of}")
                }
            }
        }
        Status::Violated => match (f.deadline, lang) {
            (Some(d), Lang::Nb | Lang::Nn) => {
                format!("require er false, og fristen {d} er passert per {as_of}")
            }
            (Some(d), Lang::En) => {
                format!("require is false, and the deadline {d} is past as of {as_of}")
            }
            (None, Lang::Nb | Lang::Nn) => "require er false".into(),
            (None, Lang::En) => "require is false".into(),
        },
        Status::Unknown => crate::text::pick(
            lang,
            "en betingelse er ukjent fordi opplysninger mangler",
            "eit vilkår er ukjend fordi opplysningar manglar",
            "a condition is unknown for lack of stated fields",
        )
        .into(),
        // Waivers are applied to a check's findings, not to a trace.
        Status::Waived => Status::Waived.name().into(),
    }
}
