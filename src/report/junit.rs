//! JUnit XML (`--format junit`), for the test-report views of CI systems (GitLab, Jenkins, …).
//!
//! The document follows the Apache Ant JUnit schema (`fixtures/schemas/junit-ant.xsd`), which the
//! common consumers accept: `<testsuites>` without attributes; per evaluated document one
//! `<testsuite>` (name = document key) with the required `properties`, `system-out` and
//! `system-err`; per obligation finding one `<testcase>` (classname = rule set and principle, name =
//! rule id and item). A `<failure>` (type = its severity) is exactly a finding that fails the gate
//! (a violation at or above `--fail-on`, an unknown one with `--fail-on-unknown`); violations below
//! `--fail-on`, waived findings (with the waiver), not applicable, not in force and other unknown
//! findings are `<skipped>` with the reason; met and pending ones pass (pending deadlines are listed in the
//! suite's `system-out`). An invalid document is a suite with one `<error>` test case.
//!
//! Times are `0` and the timestamp is the as-of date at midnight, so the output is reproducible.
//! XML is written by hand: escaping is the only subtle part, and it is done in [`escape`].

use super::{Input, Outcome, RunInfo, finding_name, severity_word, shown_text, source_text};
use crate::diag::Diagnostics;
use crate::finding::{Evaluation, Finding, Status};
use crate::text::pick;
use std::fmt::Write;

pub fn render(run: &RunInfo, inputs: &[Input]) -> String {
    let mut s = String::from(HEAD);
    s.push_str(&suites(run, 0, inputs));
    s.push_str(TAIL);
    s
}

/// What a report begins with, before the suites.
pub const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";

/// What a report ends with, after the suites.
pub const TAIL: &str = "</testsuites>\n";

/// The suites of `inputs`, the first of which is the batch's input number `first` (from 0): a
/// report written as a stream is [`HEAD`], this for each chunk of documents, and [`TAIL`].
pub fn suites(run: &RunInfo, first: usize, inputs: &[Input]) -> String {
    let mut s = String::new();
    for (id, input) in (first..).zip(inputs) {
        match &input.outcome {
            Outcome::Evaluated(e) => suite(&mut s, run, id, input, e),
            Outcome::Invalid(d) => invalid(&mut s, run, id, input, d),
        }
    }
    s
}

/// What becomes of one finding in a test report.
enum Case {
    Pass,
    Failure,
    Skipped,
}

/// A failure is exactly what fails the gate; a violation below `--fail-on`, a waived finding
/// and an undecided one are skipped with the reason, so the report and the exit status agree.
fn case_of(run: &RunInfo, f: &Finding) -> Case {
    if run.gate.fails(f) {
        return Case::Failure;
    }
    match f.status {
        Status::Violated
        | Status::Waived
        | Status::Unknown
        | Status::NotApplicable
        | Status::NotInForce => Case::Skipped,
        Status::Met | Status::Pending => Case::Pass,
    }
}

fn open_suite(s: &mut String, run: &RunInfo, id: usize, name: &str, counts: [usize; 4]) {
    let [tests, failures, errors, skipped] = counts;
    let _ = writeln!(
        s,
        "  <testsuite name=\"{}\" package=\"{}\" id=\"{id}\" hostname=\"localhost\" \
         timestamp=\"{}T00:00:00\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">",
        token(name),
        token(&run.rules.id),
        run.as_of,
    );
}

fn properties(s: &mut String, props: &[(&str, String)]) {
    s.push_str("    <properties>\n");
    for (name, value) in props {
        let _ = writeln!(
            s,
            "      <property name=\"{}\" value=\"{}\"/>",
            token(name),
            escape(value, true)
        );
    }
    s.push_str("    </properties>\n");
}

fn suite(s: &mut String, run: &RunInfo, id: usize, input: &Input, e: &Evaluation) {
    let lang = run.lang;
    let findings: Vec<&Finding> = super::ordered(e)
        .into_iter()
        .filter(|f| f.rule.severity.is_some())
        .collect();
    let cases: Vec<Case> = findings.iter().map(|f| case_of(run, f)).collect();
    let failures = cases.iter().filter(|c| matches!(c, Case::Failure)).count();
    let skipped = cases.iter().filter(|c| matches!(c, Case::Skipped)).count();
    open_suite(s, run, id, &e.key, [findings.len(), failures, 0, skipped]);

    let mut props = vec![
        ("file", input.label.clone()),
        ("as_of", run.as_of.to_string()),
        ("reference_date", e.reference_date.to_string()),
    ];
    if let Some(t) = &input.title {
        props.push(("title", t.clone()));
    }
    if let Some(h) = &e.headline {
        props.push(("headline", h.key.to_string()));
        props.push((h.key, super::tri_name(h.value).to_string()));
    }
    properties(s, &props);

    for (f, case) in findings.iter().zip(&cases) {
        let classname = match &f.rule.principle {
            Some(p) => format!("{}.{}", run.rules.id, p.id),
            None => run.rules.id.clone(),
        };
        let open = format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
            token(&classname),
            token(&finding_name(f))
        );
        match case {
            Case::Pass => {
                let _ = writeln!(s, "{open}/>");
            }
            Case::Failure => {
                let _ = writeln!(s, "{open}>");
                let sev = f.rule.severity.map(|x| x.name()).unwrap_or("must");
                let _ = writeln!(
                    s,
                    "      <failure message=\"{}\" type=\"{sev}\">{}</failure>",
                    escape(super::message_or_title(lang, f), true),
                    escape(&details(run, input, f), false)
                );
                s.push_str("    </testcase>\n");
            }
            Case::Skipped => {
                let _ = writeln!(s, "{open}>");
                let _ = writeln!(
                    s,
                    "      <skipped message=\"{}\"/>",
                    escape(&skip_reason(run, f), true)
                );
                s.push_str("    </testcase>\n");
            }
        }
    }

    let mut out = String::new();
    if let Some(h) = &e.headline {
        let _ = writeln!(
            out,
            "{}: {}",
            h.title.get(lang),
            super::tri_word(lang, h.value)
        );
    }
    // What the batch's links did to this document.
    for n in &e.links.received {
        let _ = writeln!(
            out,
            "{}",
            super::capitalised(&super::received_line(lang, n))
        );
    }
    for p in &e.links.problems {
        let _ = writeln!(
            out,
            "{}: {}",
            super::capitalised(super::link_word(lang)),
            super::problem_text(lang, p)
        );
    }
    for f in findings.iter().filter(|f| f.status == Status::Pending) {
        let deadline = f.deadline.map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "{} {}: {} ({} {deadline})",
            super::status_word(lang, Status::Pending),
            finding_name(f),
            f.message.get(lang),
            pick(lang, "frist", "frist", "deadline"),
        );
    }
    let _ = writeln!(s, "    <system-out>{}</system-out>", escape(&out, false));
    s.push_str("    <system-err></system-err>\n");
    s.push_str("  </testsuite>\n");
}

fn skip_reason(run: &RunInfo, f: &Finding) -> String {
    let lang = run.lang;
    let mut s = super::status_word(lang, f.status).to_string();
    if let Some(note) = super::waiver_note(lang, f) {
        let _ = write!(s, ": {note}");
    }
    if f.status == Status::Violated {
        let sev = f
            .rule
            .severity
            .map(|x| severity_word(lang, x))
            .unwrap_or("");
        let _ = write!(
            s,
            " ({sev}; {} --fail-on {})",
            pick(
                lang,
                "feiler ikke med",
                "feilar ikkje med",
                "does not fail with"
            ),
            run.gate.fail_on.name()
        );
        let msg = f.message.get(lang);
        if !msg.is_empty() {
            let _ = write!(s, ": {msg}");
        }
    }
    if let Some(v) = &f.validity {
        let from = v.from.map(|d| d.to_string()).unwrap_or_default();
        // `until` is exclusive; a dashed range reads as inclusive, so it shows the last day.
        let until = v
            .until
            .map(|d| d.yesterday().unwrap_or(d).to_string())
            .unwrap_or_default();
        let _ = write!(
            s,
            " ({} {from}–{until}, {} {})",
            pick(lang, "gjelder", "gjeld", "in force"),
            pick(lang, "vurdert", "vurdert", "judged at"),
            v.on
        );
    }
    if f.status == Status::Unknown && !f.missing.is_empty() {
        let _ = write!(
            s,
            ": {} {}",
            pick(lang, "må oppgis", "må oppgjevast", "provide"),
            super::pointers(&f.missing)
        );
    }
    s
}

fn details(run: &RunInfo, input: &Input, f: &Finding) -> String {
    let lang = run.lang;
    let mut s = String::new();
    let sev = f
        .rule
        .severity
        .map(|x| severity_word(lang, x))
        .unwrap_or("");
    let _ = writeln!(s, "{} ({sev}): {}", finding_name(f), f.rule.title.get(lang));
    let _ = writeln!(s, "{}", f.message.get(lang));
    for a in super::assumption_lines(lang, &f.assumptions) {
        let _ = writeln!(s, "{}", super::capitalised(&a));
    }
    if let Some(d) = f.deadline {
        let _ = writeln!(s, "{} {d}", pick(lang, "frist:", "frist:", "deadline:"));
    }
    let remedy = f.rule.remedy.get(lang);
    if !remedy.is_empty() {
        let _ = writeln!(
            s,
            "{} {remedy}",
            pick(
                lang,
                "slik retter du det:",
                "slik rettar du det:",
                "how to fix it:"
            )
        );
    }
    if let Some(note) = super::waiver_note(lang, f) {
        let _ = writeln!(s, "{note}");
    }
    for ev in f.evidence.iter().chain(&f.missing) {
        let place = input
            .line_col(ev.at)
            .map(|(l, c)| format!(" ({}:{l}:{c})", input.path()))
            .unwrap_or_default();
        let _ = writeln!(s, "{} = {}{place}", ev.pointer, shown_text(lang, &ev.value));
    }
    for src in &f.rule.sources {
        let _ = writeln!(
            s,
            "{} {}",
            pick(lang, "kilde:", "kjelde:", "source:"),
            source_text(src, lang, usize::MAX)
        );
    }
    s
}

fn invalid(s: &mut String, run: &RunInfo, id: usize, input: &Input, diags: &Diagnostics) {
    open_suite(s, run, id, &input.label, [1, 0, 1, 0]);
    properties(s, &[("file", input.label.clone())]);
    let first = diags.iter().next();
    let message = match first {
        Some(d) if diags.len() > 1 => format!(
            "{} ({} {})",
            d.message_in(run.lang),
            diags.len() - 1,
            pick(
                run.lang,
                "flere problemer",
                "fleire problem",
                "more problems"
            )
        ),
        Some(d) => d.message_in(run.lang).to_string(),
        None => pick(
            run.lang,
            "ugyldig input",
            "ugyldige inndata",
            "invalid input",
        )
        .to_string(),
    };
    let kind = first.map(|d| d.code).unwrap_or("input");
    let body: String = diags.iter().map(|d| d.one_line() + "\n").collect();
    let _ = writeln!(
        s,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
        token(&format!("{}.input", super::TOOL_NAME)),
        token(&input.label)
    );
    let _ = writeln!(
        s,
        "      <error message=\"{}\" type=\"{}\">{}</error>",
        escape(&message, true),
        escape(kind, true),
        escape(&body, false)
    );
    s.push_str("    </testcase>\n");
    s.push_str("    <system-out></system-out>\n    <system-err></system-err>\n");
    s.push_str("  </testsuite>\n");
}

/// XML-escape text (or, with `attr`, an attribute value in double quotes). Characters XML 1.0
/// cannot carry at all (most C0 controls, U+FFFE, U+FFFF) become U+FFFD; in attributes, line
/// breaks and tabs become character references so that attribute normalisation keeps them.
pub fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An `xs:token` attribute value: whitespace collapsed, never empty, then escaped.
fn token(s: &str) -> String {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = if t.is_empty() { "-".to_string() } else { t };
    escape(&t, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Gate, testdata};
    use crate::text::Lang;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(escape("a\nb\u{1}", false), "a\nb\u{FFFD}");
        assert_eq!(escape("a\nb", true), "a&#10;b");
        assert_eq!(token("  a \n b "), "a b");
    }

    #[test]
    fn mixed_batch() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        insta::assert_snapshot!(render(&run, &inputs));
    }
}
