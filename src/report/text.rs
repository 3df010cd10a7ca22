//! The human report (`--format text`, the default): per document a header, the headline with the
//! facts behind it, then findings most urgent first (a waived one with its waiver), and a batch
//! summary at the end that names the failing documents and warns of waivers not needed or
//! expired.
//!
//! Colour is a parameter, never a guess: the CLI decides whether the terminal wants it.

use super::{
    Input, Outcome, RunInfo, Tally, decisive, finding_name, ordered, shown_text, source_text,
    status_word, tri_word,
};
use crate::finding::{Evaluation, Evidence, Finding, Severity, Shown, Status, Tri};
use crate::text::{Lang, pick};
use std::fmt::Write;

/// Longest quote shown in a source line before it is cut.
const QUOTE_CHARS: usize = 90;

#[derive(Clone, Copy)]
enum Style {
    Bold,
    Red,
    Yellow,
    Cyan,
    Green,
    Dim,
}

/// The colour codes [`Out::paint`] writes: the only escape sequences a text report holds.
const SGR: [&str; 7] = [
    "\x1b[0m",
    "\x1b[1m",
    "\x1b[1;31m",
    "\x1b[33m",
    "\x1b[36m",
    "\x1b[32m",
    "\x1b[2m",
];

struct Out {
    s: String,
    color: bool,
    lang: Lang,
    /// The input format, for the labels of fields (see [`RunInfo::field_label`]).
    input: Option<std::sync::Arc<crate::schema::InputSchema>>,
}

impl Out {
    fn paint(&self, style: Style, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match style {
            Style::Bold => "1",
            Style::Red => "1;31",
            Style::Yellow => "33",
            Style::Cyan => "36",
            Style::Green => "32",
            Style::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// One line of the report. User text in it (file names, titles, values, messages) is
    /// printed safe ([`crate::diag::printable_line`]): only the colour codes of [`Out::paint`]
    /// pass as they are.
    fn line(&mut self, text: &str) {
        if !text.contains('\x1b') {
            self.s.push_str(&crate::diag::printable_line(text));
            self.s.push('\n');
            return;
        }
        let mut rest = text;
        while !rest.is_empty() {
            if self.color
                && let Some(code) = SGR.iter().find(|c| rest.starts_with(**c))
            {
                self.s.push_str(code);
                rest = rest.get(code.len()..).unwrap_or_default();
                continue;
            }
            let cut = rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '\x1b')
                .map_or(rest.len(), |(i, _)| i);
            let (piece, tail) = rest.split_at(cut);
            self.s.push_str(&crate::diag::printable_line(piece));
            rest = tail;
        }
        self.s.push('\n');
    }

    fn pick(&self, nb: &'static str, nn: &'static str, en: &'static str) -> &'static str {
        pick(self.lang, nb, nn, en)
    }

    /// ` «label»` to follow a field's pointer, when the input format names the field.
    fn label(&self, pointer: &str) -> String {
        super::field_label(self.input.as_deref(), self.lang, pointer)
            .map(|l| format!(" «{}»", crate::diag::printable_line(&l)))
            .unwrap_or_default()
    }
}

/// The whole text report of a run: [`head`], [`documents`] and [`tail`].
pub fn render(run: &RunInfo, inputs: &[Input], color: bool) -> String {
    let mut s = head(run, color);
    s.push_str(&documents(run, inputs, color));
    s.push_str(&tail(run, &Tally::of(run, inputs), color));
    s
}

fn out(run: &RunInfo, color: bool) -> Out {
    Out {
        s: String::new(),
        color,
        lang: run.lang,
        input: run.input.clone(),
    }
}

/// The report's first lines: tool, rule set, date, overridden parameters.
pub fn head(run: &RunInfo, color: bool) -> String {
    let mut o = out(run, color);
    header(&mut o, run);
    o.s
}

/// The part of the report about `inputs`, each on its own: a report written as a stream is its
/// [`head`], this for each chunk of documents in input order, and its [`tail`].
pub fn documents(run: &RunInfo, inputs: &[Input], color: bool) -> String {
    let mut o = out(run, color);
    for input in inputs {
        o.line("");
        match &input.outcome {
            Outcome::Evaluated(e) => evaluation(&mut o, input, e),
            Outcome::Invalid(diags) => {
                let title = format!(
                    "{} {}",
                    o.pick("Ugyldig:", "Ugyldig:", "Invalid:"),
                    input.label
                );
                let painted = o.paint(Style::Red, &title);
                o.line(&format!("━━ {painted}"));
                let text = crate::diag::render_in(&diags.0, o.color, o.lang);
                o.s.push_str(&text);
            }
        }
    }
    o.s
}

/// The summary at the end, of the documents `tally` counted.
pub fn tail(run: &RunInfo, tally: &Tally, color: bool) -> String {
    let mut o = out(run, color);
    o.line("");
    summary(&mut o, run, tally);
    o.s
}

fn header(o: &mut Out, run: &RunInfo) {
    let line = format!(
        "samstyr {} · {} {} {} ({}) · {} {}",
        run.tool_version,
        o.pick("regelsett", "regelsett", "rule set"),
        run.rules.id,
        run.rules.version,
        super::origin_word(o.lang, &run.rules.origin),
        o.pick("per", "per", "as of"),
        run.as_of,
    );
    let painted = o.paint(Style::Dim, &line);
    o.line(&painted);
    if let Some(line) = super::params_line(run, str::to_string, str::to_string) {
        let painted = o.paint(Style::Yellow, &line);
        o.line(&painted);
    }
}

fn evaluation(o: &mut Out, input: &Input, e: &Evaluation) {
    let mut head = e.key.clone();
    if let Some(t) = &input.title {
        head.push_str(" — ");
        head.push_str(t);
    }
    let painted = o.paint(Style::Bold, &head);
    o.line(&format!("━━ {painted}"));
    o.line(&format!(
        "   {} {}",
        o.pick("fil:", "fil:", "file:"),
        input.label
    ));
    if e.reference_date != e.as_of {
        o.line(&format!(
            "   {} {} ({} {})",
            o.pick("referansedato:", "referansedato:", "reference date:"),
            e.reference_date,
            o.pick(
                "kravene vurderes slik de gjaldt denne datoen; frister og det som er gjort, måles per",
                "krava blir vurderte slik dei galdt denne datoen; fristar og det som er gjort, blir målte per",
                "obligations are judged as they stood on this date; deadlines and what was done are measured as of",
            ),
            e.as_of
        ));
    }

    if let Some(h) = &e.headline {
        let answer = tri_word(o.lang, h.value);
        let style = match h.value {
            Tri::Yes => Style::Yellow,
            Tri::No => Style::Green,
            Tri::Unknown => Style::Cyan,
        };
        let answer = o.paint(style, answer);
        o.line(&format!("   {}: {answer}", h.title.get(o.lang)));
        for fv in decisive(h) {
            o.line(&format!(
                "     • {}: {}",
                fv.fact.title.get(o.lang),
                fact_text(o.lang, &fv.value)
            ));
            if let Some(src) = fv.fact.sources.first() {
                o.line(&format!(
                    "       {} {}",
                    o.pick("kilde:", "kjelde:", "source:"),
                    source_text(src, o.lang, QUOTE_CHARS)
                ));
            }
            missing(o, input, &fv.missing, 7);
        }
    }
    // What the batch's links did to this document: judged with values received from linked
    // documents, and links that lead nowhere or in a circle.
    for n in &e.links.received {
        o.line(&format!("   {}", super::received_line(o.lang, n)));
    }
    for p in &e.links.problems {
        let text = o.paint(Style::Yellow, &super::problem_text(o.lang, p));
        o.line(&format!("   {}: {text}", super::link_word(o.lang)));
    }

    let findings = ordered(e);
    let (shown, settled): (Vec<&Finding>, Vec<&Finding>) = findings.into_iter().partition(|f| {
        matches!(
            f.status,
            Status::Violated | Status::Pending | Status::Unknown | Status::Waived
        )
    });
    for f in shown {
        o.line("");
        finding(o, input, f);
    }
    if !settled.is_empty() {
        o.line("");
    }
    for st in [Status::Met, Status::NotApplicable, Status::NotInForce] {
        let names: Vec<String> = settled
            .iter()
            .filter(|f| f.status == st)
            .map(|f| finding_name(f))
            .collect();
        if names.is_empty() {
            continue;
        }
        let label = super::capitalised(status_word(o.lang, st));
        if st == Status::NotInForce {
            // Why each is not in force (the period, and what would extend it), once per reason.
            let line = o.paint(Style::Dim, &format!("   {label}:"));
            o.line(&line);
            for (why, names) in super::not_in_force_reasons(o.lang, settled.iter().copied()) {
                let line = format!("     {}: {why}", names.join(", "));
                let line = o.paint(Style::Dim, &line);
                o.line(&line);
            }
            continue;
        }
        let line = format!("   {label}: {}", names.join(", "));
        let painted = o.paint(
            if st == Status::Met {
                Style::Green
            } else {
                Style::Dim
            },
            &line,
        );
        o.line(&painted);
    }
}

fn finding(o: &mut Out, input: &Input, f: &Finding) {
    let (word, style) = match (f.status, f.rule.severity) {
        (Status::Violated, Some(Severity::Must)) => {
            (o.pick("BRUDD", "BROT", "VIOLATED"), Style::Red)
        }
        (Status::Violated, _) => (o.pick("BRUDD", "BROT", "VIOLATED"), Style::Yellow),
        (Status::Pending, _) => (o.pick("VENTER", "VENTAR", "PENDING"), Style::Yellow),
        (Status::Waived, _) => (o.pick("UNNTATT", "UNNATEKE", "WAIVED"), Style::Dim),
        _ => (o.pick("UKJENT", "UKJEND", "UNKNOWN"), Style::Cyan),
    };
    let sev = super::severity_suffix(o.lang, f);
    let word = o.paint(style, word);
    let name = o.paint(Style::Bold, &finding_name(f));
    o.line(&format!(
        "   {word} {name}{sev} — {}",
        f.rule.title.get(o.lang)
    ));
    let msg = f.message.get(o.lang);
    if !msg.is_empty() {
        o.line(&format!("     {msg}"));
    }
    for a in super::assumption_lines(o.lang, &f.assumptions) {
        o.line(&format!("     {a}"));
    }
    if let Some(note) = super::waiver_note(o.lang, f) {
        let style = if f.status == Status::Waived {
            Style::Cyan
        } else {
            Style::Yellow
        };
        let painted = o.paint(style, &note);
        o.line(&format!("     {painted}"));
    }
    if let Some(d) = f.deadline {
        o.line(&format!(
            "     {} {d}",
            o.pick("frist:", "frist:", "deadline:")
        ));
    }
    let remedy = f.rule.remedy.get(o.lang);
    if !remedy.is_empty() && !matches!(f.status, Status::Unknown | Status::Waived) {
        o.line(&format!(
            "     {} {remedy}",
            o.pick(
                "slik retter du det:",
                "slik rettar du det:",
                "how to fix it:"
            )
        ));
    }
    // What would make it met, computed for this input.
    if let Some(tm) = f.to_meet.as_ref().filter(|_| f.status != Status::Waived) {
        let label = crate::text::pick(o.lang, "for å oppfylle:", "for å oppfylle:", "to meet:");
        o.line(&format!(
            "     {label} {}",
            super::to_meet_words(o.lang, tm)
        ));
    }
    if !f.evidence.is_empty() {
        o.line(&format!(
            "     {}",
            o.pick("grunnlag:", "grunnlag:", "evidence:")
        ));
        for ev in &f.evidence {
            evidence(o, input, ev);
        }
    }
    missing(o, input, &f.missing, 5);
    for src in &f.rule.sources {
        o.line(&format!(
            "     {} {}",
            o.pick("kilde:", "kjelde:", "source:"),
            source_text(src, o.lang, QUOTE_CHARS)
        ));
    }
}

fn evidence(o: &mut Out, input: &Input, ev: &Evidence) {
    let place = place(input, ev.at);
    let label = o.label(&ev.pointer);
    o.line(&format!(
        "       {}{label} = {}{place}",
        pointer(&ev.pointer),
        super::value_text(o.input.as_deref(), o.lang, &ev.pointer, &ev.value)
    ));
}

/// The fields to provide for an unknown finding or fact, each with where to add it.
fn missing(o: &mut Out, input: &Input, missing: &[Evidence], indent: usize) {
    if missing.is_empty() {
        return;
    }
    let pad = " ".repeat(indent);
    o.line(&format!(
        "{pad}{}",
        o.pick("må oppgis:", "må oppgjevast:", "to provide:")
    ));
    for m in missing {
        let place = place(input, m.at);
        let label = o.label(&m.pointer);
        o.line(&format!("{pad}  {}{label}{place}", pointer(&m.pointer)));
    }
}

fn place(input: &Input, at: u32) -> String {
    match input.line_col(at) {
        Some((l, c)) => format!("  ({}:{l}:{c})", input.path()),
        None => String::new(),
    }
}

/// A fact's value: an unknown fact is `unknown`, not "not stated".
fn fact_text(lang: Lang, v: &Shown) -> String {
    match v {
        Shown::Absent => tri_word(lang, Tri::Unknown).to_string(),
        v => shown_text(lang, v),
    }
}

fn pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

fn summary(o: &mut Out, run: &RunInfo, tally: &Tally) {
    let s = &tally.summary;
    let mut line = String::new();
    let documents = super::documents_word(o.lang, s.inputs);
    let _ = write!(
        line,
        "{}: {} {documents}",
        o.pick("Sammendrag", "Samandrag", "Summary"),
        s.inputs,
    );
    let invalid = super::invalid_word(o.lang, s.invalid);
    let _ = write!(
        line,
        " ({} {}, {} {invalid})",
        s.evaluated,
        o.pick("vurdert", "vurdert", "evaluated"),
        s.invalid,
    );
    if let Some(h) = &run.headline {
        let [yes, no, unknown] = s.headline;
        let _ = write!(
            line,
            " · {}: {yes} {}, {no} {}, {unknown} {}",
            h.title.get(o.lang),
            tri_word(o.lang, Tri::Yes),
            tri_word(o.lang, Tri::No),
            tri_word(o.lang, Tri::Unknown),
        );
    }
    let _ = write!(line, " · {}", super::open_counts(o.lang, s));
    if s.status(Status::Waived) > 0 {
        let _ = write!(
            line,
            " · {} {}",
            s.status(Status::Waived),
            status_word(o.lang, Status::Waived)
        );
    }
    o.line(&line);
    for u in &run.waivers {
        if let Some(r) = u.remark(o.lang) {
            let text = format!("{} {r}", o.pick("advarsel:", "åtvaring:", "warning:"));
            let painted = o.paint(Style::Yellow, &text);
            o.line(&painted);
        }
    }
    let (names, more) = tally.failing_names();
    if !names.is_empty() {
        o.line(&format!(
            "{} {}",
            o.pick("Feiler:", "Feilar:", "Failing:"),
            super::names_and_more(o.lang, &names, more)
        ));
    }
    let verdict = tally.verdict();
    let text = match verdict {
        super::Verdict::Pass => o.paint(
            Style::Green,
            o.pick("Resultat: bestått", "Resultat: bestått", "Result: pass"),
        ),
        super::Verdict::Fail => o.paint(
            Style::Red,
            &format!(
                "{} {} {}",
                o.pick("Resultat: feilet —", "Resultat: feila —", "Result: fail —"),
                s.failing,
                o.pick(
                    "dokument(er) med funn på eller over --fail-on",
                    "dokument med funn på eller over --fail-on",
                    "document(s) with findings at or above --fail-on"
                )
            ),
        ),
        super::Verdict::Invalid => o.paint(
            Style::Red,
            o.pick(
                "Resultat: ugyldig input",
                "Resultat: ugyldige inndata",
                "Result: invalid input",
            ),
        ),
    };
    let fail_on = format!(
        " (--fail-on {}: {})",
        run.gate.fail_on.name(),
        super::fail_on_words(o.lang, run.gate.fail_on)
    );
    o.line(&format!("{text}{fail_on}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Gate, testdata};

    #[test]
    fn plain_text_without_colour() {
        for lang in [Lang::Nb, Lang::En] {
            let run = testdata::run(Gate::default(), lang);
            let inputs = testdata::inputs(&run);
            let out = render(&run, &inputs, false);
            assert!(!out.contains('\x1b'), "no escape codes without colour");
            insta::assert_snapshot!(format!("batch_{}", lang.code()), out);
        }
    }

    #[test]
    fn colour_on_request() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        assert!(render(&run, &inputs, true).contains("\x1b[1;31m"));
    }
}
