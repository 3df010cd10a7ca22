//! GitHub Actions workflow annotations (`--format github`): one `::error`, `::warning` or
//! `::notice` line per finding that [`super::Gate::level`] flags, and one `::error` per problem with
//! an invalid input, each at the file, line and column it is about. A waived finding is a
//! `::notice` with its waiver; a waiver not needed or expired is a `::warning` at its line in the
//! waiver file.
//!
//! Escaping follows the workflow-command rules: in the message `%`, `\r` and `\n` are
//! percent-encoded; in property values also `:` and `,`.

use super::{Input, Level, Outcome, RunInfo, document_start, finding_name, locate, source_text};
use crate::finding::Status;
use crate::text::pick;
use std::fmt::Write;

pub fn render(run: &RunInfo, inputs: &[Input]) -> String {
    let lang = run.lang;
    let mut s = String::new();
    for input in inputs {
        match &input.outcome {
            Outcome::Evaluated(e) => {
                // Values received from linked documents can decide any finding of this one.
                let received: String = e
                    .links
                    .received
                    .iter()
                    .map(|n| format!("\n{}", super::capitalised(&super::received_line(lang, n))))
                    .collect();
                for p in &e.links.problems {
                    let (line, col) = document_start(input);
                    let title = format!("{} · {}", e.key, super::link_word(lang));
                    let msg = super::problem_text(lang, p);
                    command(
                        &mut s,
                        Level::Warning,
                        input.path(),
                        line,
                        col,
                        &title,
                        &msg,
                    );
                }
                for f in super::ordered(e) {
                    let Some(level) = run.gate.level(f) else {
                        continue;
                    };
                    let (line, col) = locate(input, f)
                        .map(|(_, l, c)| (l, c))
                        .unwrap_or_else(|| document_start(input));
                    let sev = super::severity_suffix(lang, f);
                    let waived = if f.status == Status::Waived {
                        format!("{} ", super::status_word(lang, Status::Waived))
                    } else {
                        String::new()
                    };
                    let title = format!(
                        "{} · {waived}{}{sev} {}",
                        e.key,
                        finding_name(f),
                        f.rule.title.get(lang)
                    );
                    let mut msg = f.message.get(lang).to_string();
                    for a in super::assumption_lines(lang, &f.assumptions) {
                        let _ = write!(msg, "\n{}", super::capitalised(&a));
                    }
                    if let Some(note) = super::waiver_note(lang, f) {
                        let _ = write!(msg, "\n{}", super::capitalised(&note));
                    }
                    if let Some(d) = f.deadline {
                        let _ =
                            write!(msg, "\n{} {d}", pick(lang, "Frist:", "Frist:", "Deadline:"));
                    }
                    if f.status == Status::Unknown && !f.missing.is_empty() {
                        let _ = write!(
                            msg,
                            "\n{} {}",
                            pick(lang, "Må oppgis:", "Må oppgjevast:", "Provide:"),
                            super::pointers(&f.missing)
                        );
                    }
                    let remedy = f.rule.remedy.get(lang);
                    if !remedy.is_empty() && !matches!(f.status, Status::Unknown | Status::Waived) {
                        let _ = write!(
                            msg,
                            "\n{} {remedy}",
                            pick(
                                lang,
                                "Slik retter du det:",
                                "Slik rettar du det:",
                                "How to fix it:"
                            )
                        );
                    }
                    if let Some(src) = f.rule.sources.first() {
                        let _ = write!(
                            msg,
                            "\n{} {}",
                            pick(lang, "Kilde:", "Kjelde:", "Source:"),
                            source_text(src, lang, 120)
                        );
                    }
                    msg.push_str(&received);
                    command(&mut s, level, input.path(), line, col, &title, &msg);
                }
            }
            Outcome::Invalid(diags) => {
                for d in diags.iter() {
                    let (line, col) = d.line_col().unwrap_or((1, 1));
                    let path = d.file_name().unwrap_or(input.path());
                    let title = format!(
                        "{} {}",
                        pick(
                            lang,
                            "Ugyldig input:",
                            "Ugyldige inndata:",
                            "Invalid input:"
                        ),
                        d.code
                    );
                    let mut msg = d.message_in(lang).to_string();
                    if let Some(p) = d.shown_pointer() {
                        let _ = write!(msg, " (`{p}`)");
                    }
                    if let Some(h) = d.help_in(lang) {
                        let _ = write!(msg, "\n{}: {h}", pick(lang, "hjelp", "hjelp", "help"));
                    }
                    command(&mut s, Level::Error, path, line, col, &title, &msg);
                }
            }
        }
    }
    for u in &run.waivers {
        if let Some(r) = u.remark(lang) {
            let (file, line) = super::waiver_place(&u.waiver);
            let title = format!(
                "{} {}",
                pick(lang, "Unntak", "Unntak", "Waiver"),
                u.waiver.id
            );
            command(&mut s, Level::Warning, file, line, 1, &title, &r);
        }
    }
    s
}

fn command(
    s: &mut String,
    level: Level,
    file: &str,
    line: usize,
    col: usize,
    title: &str,
    msg: &str,
) {
    let cmd = match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    };
    let _ = writeln!(
        s,
        "::{cmd} file={},line={line},col={col},title={}::{}",
        property(file),
        property(title),
        data(msg)
    );
}

/// Escape a command's message: line breaks percent-encoded, other control characters and
/// bidirectional overrides written out ([`crate::diag::printable_line`]).
pub fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::diag::is_unsafe_char(c) => {
                out.push_str(&crate::diag::printable_line(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escape a command property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Gate, testdata};
    use crate::text::Lang;

    #[test]
    fn escapes_per_workflow_command_rules() {
        assert_eq!(data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(property("100% a\nb: c, d"), "100%25 a%0Ab%3A c%2C d");
    }

    #[test]
    fn one_line_per_flagged_finding() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        let out = render(&run, &inputs);
        for line in out.lines() {
            assert!(line.starts_with("::"), "{line}");
        }
        insta::assert_snapshot!(out);
    }
}
