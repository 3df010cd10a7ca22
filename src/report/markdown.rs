//! A compact Markdown summary for a pull-request comment (`--format markdown`): a table of the
//! documents with their headline and verdict, the violated and pending findings with rule,
//! message, deadline and source, and the rest folded into `<details>`.
//!
//! Text that comes from documents or rule files is escaped ([`escape`]) so that it cannot break the
//! table or inject markup.

use super::{
    Input, Outcome, RunInfo, Summary, finding_name, input_fails, ordered, severity_word,
    source_text, status_word, tr, tri_word, verdict,
};
use crate::finding::{Evaluation, Finding, Severity, Status};
use std::fmt::Write;

const QUOTE_CHARS: usize = 100;

pub fn render(run: &RunInfo, inputs: &[Input]) -> String {
    let lang = run.lang;
    let mut s = String::new();
    let sum = Summary::of(run.gate, inputs);
    let outcome = match verdict(run.gate, inputs) {
        super::Verdict::Pass => tr(lang, "bestått", "pass"),
        super::Verdict::Fail => tr(lang, "feilet", "fail"),
        super::Verdict::Invalid => tr(lang, "ugyldig input", "invalid input"),
    };
    let _ = writeln!(
        s,
        "## samstyr: {outcome}\n\n{} {} {} · {} {} · `--fail-on {}`",
        tr(lang, "Regelsett", "Rule set"),
        escape(&run.rules.id),
        escape(&run.rules.version),
        tr(lang, "per", "as of"),
        run.as_of,
        run.gate.fail_on.name()
    );
    if !run.params.is_empty() {
        let list: Vec<String> = run
            .params
            .iter()
            .map(|p| {
                format!(
                    "`{}` = {} ({} {})",
                    p.id,
                    escape(&p.value),
                    tr(lang, "standard", "default"),
                    escape(&p.default)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "\n{} {}",
            tr(lang, "Overstyrte parametere:", "Overridden parameters:"),
            list.join(", ")
        );
    }
    let [must, should] = sum.violated;
    let _ = writeln!(
        s,
        "\n{} {} ({} {}, {} {}) · {}: {must} {}, {should} {} · {} {} · {} {}\n",
        sum.inputs,
        super::documents_word(lang, sum.inputs),
        sum.evaluated,
        tr(lang, "vurdert", "evaluated"),
        sum.invalid,
        super::invalid_word(lang, sum.invalid),
        tr(lang, "brudd", "violated"),
        severity_word(lang, Severity::Must),
        severity_word(lang, Severity::Should),
        sum.status(Status::Pending),
        status_word(lang, Status::Pending),
        sum.status(Status::Unknown),
        status_word(lang, Status::Unknown),
    );

    // The table: one row per document, in input order.
    let headline_title = run
        .headline
        .as_ref()
        .map(|h| escape(h.title.get(lang)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "| {} | {} | {headline_title} | {} | {} | {} | {} |",
        tr(lang, "Dokument", "Document"),
        tr(lang, "Fil", "File"),
        tr(lang, "Brudd skal/bør", "Violated must/should"),
        capital(status_word(lang, Status::Pending)),
        capital(status_word(lang, Status::Unknown)),
        tr(lang, "Resultat", "Result"),
    );
    s.push_str("|---|---|---|---|---|---|---|\n");
    for input in inputs {
        match &input.outcome {
            Outcome::Evaluated(e) => {
                let count = |st: Status, sev: Option<Severity>| {
                    e.findings
                        .iter()
                        .filter(|f| {
                            f.status == st && sev.is_none_or(|x| f.rule.severity == Some(x))
                        })
                        .count()
                };
                let name = match &input.title {
                    Some(t) => format!("**{}** {}", escape(&e.key), escape(t)),
                    None => format!("**{}**", escape(&e.key)),
                };
                let head = e
                    .headline
                    .as_ref()
                    .map(|h| tri_word(lang, h.value))
                    .unwrap_or("");
                let result = if input_fails(run.gate, e) {
                    tr(lang, "❌ feiler", "❌ fails")
                } else {
                    tr(lang, "✅ bestått", "✅ passes")
                };
                let _ = writeln!(
                    s,
                    "| {name} | {} | {head} | {}/{} | {} | {} | {result} |",
                    code(&input.label),
                    count(Status::Violated, Some(Severity::Must)),
                    count(Status::Violated, Some(Severity::Should)),
                    count(Status::Pending, None),
                    count(Status::Unknown, None),
                );
            }
            Outcome::Invalid(d) => {
                let _ = writeln!(
                    s,
                    "| — | {} | — | — | — | — | ⛔ {} ({}) |",
                    code(&input.label),
                    tr(lang, "ugyldig", "invalid"),
                    d.len()
                );
            }
        }
    }

    let evaluated: Vec<(&Input, &Evaluation)> = inputs
        .iter()
        .filter_map(|i| i.evaluation().map(|e| (i, e)))
        .collect();
    let section = |s: &mut String, heading: &str, pick: &dyn Fn(&Finding) -> bool| {
        let rows: Vec<(&Input, &Evaluation, &Finding)> = evaluated
            .iter()
            .flat_map(|(i, e)| ordered(e).into_iter().map(move |f| (*i, *e, f)))
            .filter(|(_, _, f)| pick(f))
            .collect();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(s, "\n### {heading}\n");
        for (_, e, f) in rows {
            item(s, run, e, f);
        }
    };
    section(&mut s, tr(lang, "Brudd", "Violated"), &|f| {
        f.status == Status::Violated
    });
    section(
        &mut s,
        tr(lang, "Venter (med frist)", "Pending (with deadline)"),
        &|f| f.status == Status::Pending,
    );

    // What the batch's links did: values a document was judged with that came from linked
    // documents (they can decide its findings), and links that lead nowhere or in a circle.
    let linked: Vec<&Evaluation> = evaluated
        .iter()
        .map(|(_, e)| *e)
        .filter(|e| !e.links.received.is_empty() || !e.links.problems.is_empty())
        .collect();
    if !linked.is_empty() {
        let _ = writeln!(s, "\n### {}\n", tr(lang, "Koblinger", "Links"));
        for e in linked {
            for n in &e.links.received {
                let _ = writeln!(
                    s,
                    "- **{}** · {}",
                    escape(&e.key),
                    escape(&super::received_line(lang, n))
                );
            }
            for p in &e.links.problems {
                let _ = writeln!(
                    s,
                    "- **{}** · ⚠️ {}",
                    escape(&e.key),
                    escape(&super::problem_text(lang, p))
                );
            }
        }
    }

    // Everything else, folded: undecided findings with the fields to provide, then one row per
    // document with the ids of the settled ones (compact even for large batches).
    let unknown: Vec<(&Evaluation, &Finding)> = evaluated
        .iter()
        .flat_map(|(_, e)| ordered(e).into_iter().map(move |f| (*e, f)))
        .filter(|(_, f)| f.status == Status::Unknown)
        .collect();
    let settled = [Status::Met, Status::NotApplicable, Status::NotInForce];
    if !evaluated.is_empty() {
        let _ = writeln!(
            s,
            "\n<details><summary>{}</summary>\n",
            tr(lang, "Øvrige funn", "Other findings"),
        );
        if !unknown.is_empty() {
            let _ = writeln!(
                s,
                "**{}**\n",
                tr(lang, "Ukjent — må oppgis", "Unknown — fields to provide")
            );
            for (e, f) in unknown {
                let fields: Vec<String> = f.missing.iter().map(|m| code(&m.pointer)).collect();
                let _ = writeln!(
                    s,
                    "- **{}** · {}: {}",
                    escape(&e.key),
                    code(&finding_name(f)),
                    fields.join(", ")
                );
            }
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            tr(lang, "Dokument", "Document"),
            capital(status_word(lang, Status::Met)),
            capital(status_word(lang, Status::NotApplicable)),
            capital(status_word(lang, Status::NotInForce)),
        );
        for (_, e) in &evaluated {
            let cells: Vec<String> = settled
                .iter()
                .map(|st| {
                    let ids: Vec<String> = ordered(e)
                        .into_iter()
                        .filter(|f| f.status == *st)
                        .map(|f| escape(&finding_name(f)))
                        .collect();
                    ids.join(", ")
                })
                .collect();
            let _ = writeln!(s, "| {} | {} |", escape(&e.key), cells.join(" | "));
        }
        s.push_str("\n</details>\n");
    }

    let invalid: Vec<&Input> = inputs
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Invalid(_)))
        .collect();
    if !invalid.is_empty() {
        let _ = writeln!(
            s,
            "\n<details><summary>{} ({})</summary>\n",
            tr(lang, "Ugyldige filer", "Invalid files"),
            invalid.len()
        );
        for input in invalid {
            if let Outcome::Invalid(diags) = &input.outcome {
                for d in diags.iter() {
                    let place = d
                        .line_col()
                        .map(|(l, c)| format!(":{l}:{c}"))
                        .unwrap_or_default();
                    let file = d.file_name().unwrap_or(&input.label);
                    let help = d
                        .help
                        .as_ref()
                        .map(|h| format!(" — {}", escape(h)))
                        .unwrap_or_default();
                    let _ = writeln!(
                        s,
                        "- {} {}: {}{help}",
                        code(&format!("{file}{place}")),
                        code(d.code),
                        escape(&d.message)
                    );
                }
            }
        }
        s.push_str("\n</details>\n");
    }
    s
}

fn item(s: &mut String, run: &RunInfo, e: &Evaluation, f: &Finding) {
    let lang = run.lang;
    let sev = f
        .rule
        .severity
        .map(|x| format!(" ({})", severity_word(lang, x)))
        .unwrap_or_default();
    let _ = write!(
        s,
        "- **{}** · {}{sev} {}",
        escape(&e.key),
        code(&finding_name(f)),
        escape(f.rule.title.get(lang))
    );
    let msg = f.message.get(lang);
    if !msg.is_empty() {
        let _ = write!(s, " — {}", escape(msg));
    }
    if let Some(d) = f.deadline {
        let _ = write!(s, " **{} {d}**", tr(lang, "Frist", "Deadline"));
    }
    s.push('\n');
    if let Some(src) = f.rule.sources.first() {
        let _ = writeln!(
            s,
            "  <sub>{} {}</sub>",
            tr(lang, "Kilde:", "Source:"),
            escape(&source_text(src, QUOTE_CHARS))
        );
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Inline code that survives any content: backticks in the text lengthen the fence, and `|`
/// (which would end a table cell even inside code) is escaped.
fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let s = crate::diag::printable_line(&s);
    let mut fence = String::from("`");
    while s.contains(fence.as_str()) {
        fence.push('`');
    }
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Escape text for Markdown (inline and table cells): line breaks become spaces and every
/// punctuation character with a meaning in CommonMark or GitHub's tables is backslash-escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // Terminal escapes and bidirectional overrides, written out.
            c if crate::diag::is_unsafe_char(c) => {
                out.push_str(&crate::diag::printable_line(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Gate, testdata};
    use crate::text::Lang;

    #[test]
    fn escapes_table_breakers() {
        assert_eq!(escape("a|b *c*\nd"), "a\\|b \\*c\\* d");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "``a`b``");
    }

    #[test]
    fn mixed_batch() {
        for lang in [Lang::Nb, Lang::En] {
            let run = testdata::run(Gate::default(), lang);
            let inputs = testdata::inputs(&run);
            insta::assert_snapshot!(format!("batch_{}", lang.code()), render(&run, &inputs));
        }
    }
}
