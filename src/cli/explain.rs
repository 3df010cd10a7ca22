//! `samstyr explain FILE --rule ID`: the evaluation trace of one rule on one document — each
//! sub-condition of validity, `applies`, `deadline` and `require` with its value, indented by
//! nesting, then the status and why.

use super::Exit;
use super::common::{RulesArgs, stderr_color};
use crate::diag::{Diagnostic, render};
use crate::eval::{Explanation, Section, shown_text};
use crate::finding::{Evidence, Finding, Shown, Status};
use crate::text::Lang;
use jiff::civil::Date;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document (a `.json` file, or `-` for stdin)
    pub file: PathBuf,
    /// The obligation (`SAM-03`) or fact (`@felles-tiltak`) to explain
    #[arg(long, value_name = "ID")]
    pub rule: String,
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
    let color = stderr_color();
    let set = match super::rules::load(&args.rules) {
        Ok(s) => s,
        Err(d) => {
            eprint!("{}", render(&d.0, color));
            return Exit::Invalid;
        }
    };
    let mut docs = crate::input::documents(
        std::slice::from_ref(&args.file),
        set.schema(),
        set.catalog(),
    );
    let doc = match docs.next().map(|c| c.result) {
        Some(Ok(d)) => d,
        Some(Err(d)) => {
            eprint!("{}", render(&d.0, color));
            return Exit::Invalid;
        }
        None => {
            eprintln!("samstyr: no document in `{}`", args.file.display());
            return Exit::Invalid;
        }
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    match set.explain(&doc, as_of, &args.rule) {
        Ok(e) => {
            super::common::out(&render_explanation(&e, &doc.key, args.lang));
            Exit::Ok
        }
        Err(e) => {
            eprint!("{}", render(&[Diagnostic::new(&e, None, None)], color));
            Exit::Invalid
        }
    }
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
    match lang {
        Lang::Nb => Words {
            document: "dokument",
            as_of: "per",
            reference: "referansedato",
            facts: "fakta",
            item: "element",
            status: "status",
            why: "fordi",
            evidence: "lest",
            missing: "mangler",
            no_condition: "ingen betingelse: true",
        },
        Lang::En => Words {
            document: "document",
            as_of: "as of",
            reference: "reference date",
            facts: "facts",
            item: "item",
            status: "status",
            why: "because",
            evidence: "read",
            missing: "missing",
            no_condition: "no condition: true",
        },
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
            s.push_str(&format!("{}: {}\n", w.missing, pointers(&fv.missing)));
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
fn trace(s: &mut String, sec: &Section, indent: usize) {
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

fn pointers(e: &[Evidence]) -> String {
    e.iter()
        .map(|x| x.pointer.as_str())
        .collect::<Vec<_>>()
        .join(", ")
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
        s.push_str(&format!("{p}  {}: {}\n", w.missing, pointers(&f.missing)));
    }
}

/// Why the status is what it is, in the terms of the status derivation.
fn why(f: &Finding, lang: Lang, as_of: Date) -> String {
    let nb = lang == Lang::Nb;
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
        Status::NotApplicable => {
            if nb {
                "applies er false".into()
            } else {
                "applies is false".into()
            }
        }
        Status::Met => {
            if nb {
                "require er true".into()
            } else {
                "require is true".into()
            }
        }
        Status::Pending => {
            let d = f.deadline.map(|d| d.to_string()).unwrap_or_default();
            if nb {
                format!("require er false, men fristen {d} er ikke passert per {as_of}")
            } else {
                format!("require is false, but the deadline {d} is not past as of {as_of}")
            }
        }
        Status::Violated => match f.deadline {
            Some(d) if nb => format!("require er false, og fristen {d} er passert per {as_of}"),
            Some(d) => format!("require is false, and the deadline {d} is past as of {as_of}"),
            None if nb => "require er false".into(),
            None => "require is false".into(),
        },
        Status::Unknown => {
            if nb {
                "en betingelse er ukjent fordi opplysninger mangler".into()
            } else {
                "a condition is unknown for lack of stated fields".into()
            }
        }
        // Waivers are applied to a check's findings, not to a trace.
        Status::Waived => Status::Waived.name().into(),
    }
}
