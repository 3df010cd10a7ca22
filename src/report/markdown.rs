//! Markdown for a pull-request comment (`--format markdown`) and the whole document
//! (`--markdown-full`).
//!
//! The comment ([`render`]) fits GitHub's limit: at most [`COMMENT_CHARS`] characters, the
//! failing documents first with their findings and remedies, then invalid files, waivers and the
//! rest summarised in counts; what does not fit is counted ("and N more"), never cut mid-line.
//! The whole document ([`render_full`]) has a table of every document, the violated and pending
//! findings with rule, message, deadline and source, and the rest folded into `<details>`.
//!
//! Text that comes from documents or rule files is escaped ([`escape`]) so that it cannot break the
//! table or inject markup.

use super::{
    Input, Outcome, RunInfo, capitalised, finding_name, input_fails, ordered, source_text,
    status_word, tri_word,
};
use crate::finding::{Evaluation, Finding, LinkProblem, ReceivedNote, Severity, Status};
use crate::text::{Lang, pick};
use std::fmt::Write;

const QUOTE_CHARS: usize = 100;

/// The most characters `--format markdown` writes (GitHub rejects comments over 65 536).
pub const COMMENT_CHARS: usize = 60_000;

/// Room kept at the end of a comment for the lines that close it.
const CLOSING_CHARS: usize = 4_000;

/// A string that takes whole blocks while they fit in its budget.
struct Bounded {
    s: String,
    chars: usize,
    limit: usize,
}

impl Bounded {
    /// Add `block` if it fits; says whether it did.
    fn push(&mut self, block: &str) -> bool {
        let n = block.chars().count();
        if self.chars + n > self.limit {
            return false;
        }
        self.s.push_str(block);
        self.chars += n;
        true
    }
}

/// The pull-request comment: at most [`COMMENT_CHARS`] characters.
pub fn render(run: &RunInfo, inputs: &[Input]) -> String {
    let mut c = Comment::default();
    c.add(run, inputs);
    c.finish(run, &super::Tally::of(run, inputs))
}

/// The pull-request comment made a chunk of documents at a time: [`Comment::add`] for each chunk
/// in input order, then [`Comment::finish`] with the tally of them all. Each section keeps its
/// blocks while they could still fit in the comment, and counts the rest: its size is bounded
/// by the comment's, whatever the number of documents.
#[derive(Default)]
pub struct Comment {
    failing: Section,
    invalid: Section,
    waived: Section,
    links: Section,
    open: Section,
}

/// The blocks of one section of the comment that could fit, and how many there are in all.
#[derive(Default)]
struct Section {
    blocks: Vec<String>,
    chars: usize,
    total: usize,
}

impl Section {
    /// One more block, made only while the blocks kept could all fit in the comment: a block
    /// after them is never shown, since the comment stops at the first block that does not fit.
    fn offer(&mut self, block: impl FnOnce() -> String) {
        self.total += 1;
        if self.chars <= COMMENT_CHARS {
            let b = block();
            self.chars += b.chars().count();
            self.blocks.push(b);
        }
    }

    /// Push the blocks into `b` while they fit: how many did not (0: all did).
    fn push_into(&self, b: &mut Bounded) -> usize {
        for (n, block) in self.blocks.iter().enumerate() {
            if !b.push(block) {
                return self.total - n;
            }
        }
        // Those not kept would not have fitted.
        self.total - self.blocks.len()
    }

    /// The section under its heading (with the count) while its blocks fit, and in `closing`
    /// how many did not.
    fn show(&self, b: &mut Bounded, closing: &mut String, lang: Lang, heading: &str, what: &str) {
        b.push(&format!("\n### {heading} ({})\n\n", self.total));
        more(closing, lang, self.push_into(b), what);
    }
}

impl Comment {
    /// The blocks of `inputs`, which follow the documents added before.
    pub fn add(&mut self, run: &RunInfo, inputs: &[Input]) {
        let lang = run.lang;
        for input in inputs {
            let Some(e) = input.evaluation() else {
                self.invalid.offer(|| invalid_lines(input, lang));
                continue;
            };
            if input_fails(run.gate, e) {
                self.failing.offer(|| failing_block(run, input, e));
            }
            for f in e.findings.iter().filter(|f| f.status == Status::Waived) {
                self.waived.offer(|| waived_line(run, e, f));
            }
            for n in &e.links.received {
                self.links.offer(|| received_item(lang, e, n));
            }
            for p in &e.links.problems {
                self.links.offer(|| problem_item(lang, e, p));
            }
        }
        // Violations below `--fail-on` and deadlines still ahead, after the links of the batch.
        for e in inputs.iter().filter_map(Input::evaluation) {
            if input_fails(run.gate, e) {
                continue;
            }
            for f in ordered(e) {
                if matches!(f.status, Status::Violated | Status::Pending) {
                    self.open.offer(|| open_line(run, e, f));
                }
            }
        }
    }

    /// The comment, from the blocks added and the `tally` of the same documents.
    pub fn finish(&self, run: &RunInfo, tally: &super::Tally) -> String {
        let lang = run.lang;
        let sum = &tally.summary;
        let mut b = Bounded {
            s: String::new(),
            chars: 0,
            limit: COMMENT_CHARS - CLOSING_CHARS,
        };
        b.push(&head(run, tally));
        remarks(&mut b, run);

        // Failing documents first, each with what fails and how to remedy it.
        let mut left = 0;
        if self.failing.total > 0 {
            b.push(&format!(
                "\n### {} ({})\n",
                pick(lang, "Feiler", "Feilar", "Failing"),
                self.failing.total
            ));
            left = self.failing.push_into(&mut b);
        }
        let mut closing = String::new();
        let failing_more = pick(
            lang,
            "dokumenter til som feiler (se `--markdown-full` eller JSON-rapporten)",
            "dokument til som feilar (sjå `--markdown-full` eller JSON-rapporten)",
            "more failing documents (see `--markdown-full` or the JSON report)",
        );
        more(&mut closing, lang, left, failing_more);

        // Invalid files, one line each while they fit.
        if self.invalid.total > 0 && left == 0 {
            let heading = pick(lang, "Ugyldige filer", "Ugyldige filer", "Invalid files");
            let what = pick(
                lang,
                "ugyldige filer til",
                "ugyldige filer til",
                "more invalid files",
            );
            self.invalid.show(&mut b, &mut closing, lang, heading, what);
        }

        // Waived findings, one line each while they fit.
        if self.waived.total > 0 && b.chars < b.limit {
            let heading = capitalised(status_word(lang, Status::Waived));
            let what = pick(
                lang,
                "unntatte funn til",
                "unnatekne funn til",
                "more waived findings",
            );
            self.waived.show(&mut b, &mut closing, lang, &heading, what);
        }

        // What the batch's links did, one line each while they fit.
        if self.links.total > 0
            && b.push(&format!(
                "\n### {}\n\n",
                pick(lang, "Koblinger", "Koplingar", "Links")
            ))
        {
            let n = self.links.push_into(&mut b);
            let what = pick(lang, "koblinger til", "koplingar til", "more links");
            more(&mut closing, lang, n, what);
        }

        // Violations below `--fail-on` and deadlines still ahead, one line each while they fit.
        if self.open.total > 0
            && b.push(&format!(
                "\n### {} ({})\n\n",
                pick(
                    lang,
                    "Brudd og frister som ikke feiler",
                    "Brot og fristar som ikkje feilar",
                    "Violations and deadlines that do not fail"
                ),
                self.open.total
            ))
        {
            let n = self.open.push_into(&mut b);
            more(
                &mut closing,
                lang,
                n,
                pick(lang, "funn til", "funn til", "more findings"),
            );
        }

        // The rest, in numbers.
        let passing = sum.evaluated - sum.failing;
        let _ = writeln!(
            closing,
            "\n{}: {passing} {} {}, {} {}, {} {}, {} {}.",
            pick(lang, "Øvrige", "Andre", "The rest"),
            super::documents_word(lang, passing),
            pick(lang, "består", "består", "pass"),
            sum.status(Status::Pending),
            status_word(lang, Status::Pending),
            sum.status(Status::Unknown),
            status_word(lang, Status::Unknown),
            sum.status(Status::Met),
            status_word(lang, Status::Met),
        );
        let mut s = b.s;
        s.push_str(&closing);
        s
    }
}

/// Say in `closing` how many blocks of a section did not fit (`… and 3 more links`), if any.
fn more(closing: &mut String, lang: Lang, n: usize, what: &str) {
    if n > 0 {
        let _ = writeln!(closing, "\n… {} {n} {what}", pick(lang, "og", "og", "and"));
    }
}

/// The two dates in words, when some document is judged at a reference date other than the
/// as-of date: deadlines and what was done are measured as of the one, obligations judged as
/// they stood on the other (the first few such documents named).
fn dates_line(run: &RunInfo, tally: &super::Tally) -> Option<String> {
    let lang = run.lang;
    let (named, all) = &tally.other_dates;
    if named.is_empty() {
        return None;
    }
    let named: Vec<String> = named
        .iter()
        .map(|(key, date)| format!("{} {date}", escape(key)))
        .collect();
    let list = super::names_and_more(lang, &named, all.saturating_sub(named.len()));
    Some(match lang {
        Lang::Nb => format!(
            "Frister og det som er gjort, måles per {}; kravene vurderes slik de gjaldt på dokumentets referansedato ({list}).",
            run.as_of
        ),
        Lang::Nn => format!(
            "Fristar og det som er gjort, blir målte per {}; krava blir vurderte slik dei galdt på referansedatoen til dokumentet ({list}).",
            run.as_of
        ),
        Lang::En => format!(
            "Deadlines and what was done are measured as of {}; obligations are judged as they stood on each document's reference date ({list}).",
            run.as_of
        ),
    })
}

/// What both documents open with: the outcome, the rule set, the date and the gate, then the
/// dates in words when some document is judged at another reference date.
fn title(run: &RunInfo, tally: &super::Tally) -> String {
    let lang = run.lang;
    let outcome = match tally.verdict() {
        super::Verdict::Pass => pick(lang, "bestått", "bestått", "pass"),
        super::Verdict::Fail => pick(lang, "feilet", "feila", "fail"),
        super::Verdict::Invalid => pick(lang, "ugyldig input", "ugyldige inndata", "invalid input"),
    };
    let mut s = format!(
        "## samstyr: {outcome}\n\n{} {} {} · {} {} · `--fail-on {}` ({})\n",
        pick(lang, "Regelsett", "Regelsett", "Rule set"),
        escape(&run.rules.id),
        escape(&run.rules.version),
        pick(lang, "per", "per", "as of"),
        run.as_of,
        run.gate.fail_on.name(),
        super::fail_on_words(lang, run.gate.fail_on)
    );
    if let Some(dates) = dates_line(run, tally) {
        let _ = writeln!(s, "\n{dates}");
    }
    s
}

/// The comment's title and counts.
fn head(run: &RunInfo, tally: &super::Tally) -> String {
    let lang = run.lang;
    let sum = &tally.summary;
    let mut s = title(run, tally);
    let _ = writeln!(
        s,
        "\n{} {} ({} {}, {} {}, {} {}) · {} · {} {}",
        sum.inputs,
        super::documents_word(lang, sum.inputs),
        sum.failing,
        pick(lang, "feiler", "feilar", "failing"),
        sum.invalid,
        super::invalid_word(lang, sum.invalid),
        sum.evaluated - sum.failing,
        pick(lang, "består", "består", "passing"),
        super::open_counts(lang, sum),
        sum.status(Status::Waived),
        status_word(lang, Status::Waived),
    );
    s
}

/// Warnings about the run's waivers (not needed, expired), one list item each.
fn remark_items(run: &RunInfo) -> impl Iterator<Item = String> + '_ {
    run.waivers
        .iter()
        .filter_map(|u| u.remark(run.lang))
        .map(|r| format!("- ⚠️ {}\n", escape(&r)))
}

/// The comment's warnings about waivers, while they fit.
fn remarks(b: &mut Bounded, run: &RunInfo) {
    let mut items = remark_items(run).peekable();
    if items.peek().is_some() {
        b.push("\n");
    }
    for l in items {
        if !b.push(&l) {
            break;
        }
    }
}

/// A value a document received from a linked one, as an item of the links' list.
fn received_item(lang: Lang, e: &Evaluation, n: &ReceivedNote) -> String {
    let text = super::received_line(lang, n);
    format!("- **{}** · {}\n", escape(&e.key), escape(&text))
}

/// A problem with a document's links, as an item of the links' list.
fn problem_item(lang: Lang, e: &Evaluation, p: &LinkProblem) -> String {
    let text = super::problem_text(lang, p);
    format!("- **{}** · ⚠️ {}\n", escape(&e.key), escape(&text))
}

/// One failing document: its header, then the findings that fail the gate with their remedies,
/// then its other violated and pending findings in one line.
fn failing_block(run: &RunInfo, input: &Input, e: &Evaluation) -> String {
    let lang = run.lang;
    let mut s = String::new();
    let title = input
        .title
        .as_ref()
        .map(|t| format!(" {}", escape(t)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "\n#### ❌ {}{title} · {}\n",
        escape(&e.key),
        code(&input.label)
    );
    let mut others = Vec::new();
    for f in ordered(e) {
        if run.gate.fails(f) {
            item(&mut s, run, e, f);
            let remedy = f.rule.remedy.get(lang);
            if !remedy.is_empty() {
                let _ = writeln!(
                    s,
                    "  {} {}",
                    pick(
                        lang,
                        "**Slik retter du det:**",
                        "**Slik rettar du det:**",
                        "**How to fix it:**"
                    ),
                    escape(remedy)
                );
            }
            if let Some(tm) = &f.to_meet {
                let label = pick(
                    lang,
                    "**For å oppfylle:**",
                    "**For å oppfylle:**",
                    "**To meet it:**",
                );
                let _ = writeln!(s, "  {label} {}", escape(&super::to_meet_words(lang, tm)));
            }
        } else if matches!(f.status, Status::Violated | Status::Pending) {
            others.push(format!(
                "{} ({})",
                code(&finding_name(f)),
                status_word(lang, f.status)
            ));
        }
    }
    if !others.is_empty() {
        let _ = writeln!(
            s,
            "- {} {}",
            pick(lang, "Også:", "Òg:", "Also:"),
            others.join(", ")
        );
    }
    s
}

fn invalid_lines(input: &Input, lang: Lang) -> String {
    let mut s = String::new();
    if let Outcome::Invalid(diags) = &input.outcome {
        for d in diags.iter() {
            let place = d
                .line_col()
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            let file = d.file_name().unwrap_or(&input.label);
            let help = d
                .help_in(lang)
                .map(|h| format!(" — {}", escape(h)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "- {} {}: {}{help}",
                code(&format!("{file}{place}")),
                code(d.code),
                escape(d.message_in(lang))
            );
        }
    }
    s
}

fn open_line(run: &RunInfo, e: &Evaluation, f: &Finding) -> String {
    let lang = run.lang;
    let sev = super::severity_suffix(lang, f);
    let deadline = f
        .deadline
        .map(|d| format!(" · {} {d}", pick(lang, "frist", "frist", "deadline")))
        .unwrap_or_default();
    format!(
        "- **{}** · {}{sev} {}{deadline}\n",
        escape(&e.key),
        code(&finding_name(f)),
        status_word(lang, f.status),
    )
}

fn waived_line(run: &RunInfo, e: &Evaluation, f: &Finding) -> String {
    let note = super::waiver_note(run.lang, f).unwrap_or_default();
    format!(
        "- **{}** · {} — {}\n",
        escape(&e.key),
        code(&finding_name(f)),
        escape(&note)
    )
}

/// The whole document, unbounded (`--markdown-full`).
pub fn render_full(run: &RunInfo, inputs: &[Input]) -> String {
    let lang = run.lang;
    let tally = super::Tally::of(run, inputs);
    let sum = &tally.summary;
    let mut s = title(run, &tally);
    if let Some(line) = super::params_line(run, |id| format!("`{id}`"), escape) {
        let _ = writeln!(s, "\n{line}");
    }
    let _ = writeln!(
        s,
        "\n{} {} ({} {}, {} {}) · {}\n",
        sum.inputs,
        super::documents_word(lang, sum.inputs),
        sum.evaluated,
        pick(lang, "vurdert", "vurdert", "evaluated"),
        sum.invalid,
        super::invalid_word(lang, sum.invalid),
        super::open_counts(lang, sum),
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
        pick(lang, "Dokument", "Dokument", "Document"),
        pick(lang, "Fil", "Fil", "File"),
        pick(
            lang,
            "Brudd skal/bør",
            "Brot skal/bør",
            "Violated must/should"
        ),
        capitalised(status_word(lang, Status::Pending)),
        capitalised(status_word(lang, Status::Unknown)),
        pick(lang, "Resultat", "Resultat", "Result"),
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
                    pick(lang, "❌ feiler", "❌ feilar", "❌ fails")
                } else {
                    pick(lang, "✅ bestått", "✅ bestått", "✅ passes")
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
                    pick(lang, "ugyldig", "ugyldig", "invalid"),
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
    section(&mut s, pick(lang, "Brudd", "Brot", "Violated"), &|f| {
        f.status == Status::Violated
    });
    section(
        &mut s,
        pick(
            lang,
            "Venter (med frist)",
            "Ventar (med frist)",
            "Pending (with deadline)",
        ),
        &|f| f.status == Status::Pending,
    );
    section(&mut s, pick(lang, "Unntatt", "Unnateke", "Waived"), &|f| {
        f.status == Status::Waived
    });
    for r in remark_items(run) {
        s.push('\n');
        s.push_str(&r);
    }

    // What the batch's links did: values a document was judged with that came from linked
    // documents (they can decide its findings), and links that lead nowhere or in a circle.
    let linked: Vec<&Evaluation> = evaluated
        .iter()
        .map(|(_, e)| *e)
        .filter(|e| !e.links.received.is_empty() || !e.links.problems.is_empty())
        .collect();
    if !linked.is_empty() {
        let _ = writeln!(
            s,
            "\n### {}\n",
            pick(lang, "Koblinger", "Koplingar", "Links")
        );
        for e in linked {
            for n in &e.links.received {
                s.push_str(&received_item(lang, e, n));
            }
            for p in &e.links.problems {
                s.push_str(&problem_item(lang, e, p));
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
            pick(lang, "Øvrige funn", "Andre funn", "Other findings"),
        );
        if !unknown.is_empty() {
            let _ = writeln!(
                s,
                "**{}**\n",
                pick(
                    lang,
                    "Ukjent — må oppgis",
                    "Ukjend — må oppgjevast",
                    "Unknown — fields to provide"
                )
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
            pick(lang, "Dokument", "Dokument", "Document"),
            capitalised(status_word(lang, Status::Met)),
            capitalised(status_word(lang, Status::NotApplicable)),
            capitalised(status_word(lang, Status::NotInForce)),
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
        // Why each obligation is not in force: the period, and what would extend it.
        let mut why_lines = String::new();
        for (_, e) in &evaluated {
            for (why, names) in super::not_in_force_reasons(lang, &e.findings) {
                let names: Vec<String> = names.iter().map(|n| code(n)).collect();
                let _ = writeln!(
                    why_lines,
                    "- **{}** · {}: {}",
                    escape(&e.key),
                    names.join(", "),
                    escape(&why)
                );
            }
        }
        if !why_lines.is_empty() {
            let _ = writeln!(
                s,
                "\n**{}**\n",
                pick(
                    lang,
                    "Ikke i kraft, og hvorfor",
                    "Ikkje i kraft, og kvifor",
                    "Not in force, and why"
                )
            );
            s.push_str(&why_lines);
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
            pick(lang, "Ugyldige filer", "Ugyldige filer", "Invalid files"),
            invalid.len()
        );
        for input in invalid {
            s.push_str(&invalid_lines(input, lang));
        }
        s.push_str("\n</details>\n");
    }
    s
}

fn item(s: &mut String, run: &RunInfo, e: &Evaluation, f: &Finding) {
    let lang = run.lang;
    let sev = super::severity_suffix(lang, f);
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
        let _ = write!(s, " **{} {d}**", pick(lang, "Frist", "Frist", "Deadline"));
    }
    if let Some(note) = super::waiver_note(lang, f) {
        let _ = write!(s, " · {}", escape(&note));
    }
    s.push('\n');
    for a in &f.assumptions {
        let _ = writeln!(
            s,
            "  {} {}",
            pick(lang, "**Antakelse:**", "**Antaking:**", "**Assumption:**"),
            escape(a.text.get(lang))
        );
    }
    if let Some(src) = f.rule.sources.first() {
        let _ = writeln!(
            s,
            "  <sub>{} {}</sub>",
            pick(lang, "Kilde:", "Kjelde:", "Source:"),
            escape(&source_text(src, lang, QUOTE_CHARS))
        );
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
            insta::assert_snapshot!(format!("batch_{}", lang.code()), render_full(&run, &inputs));
            insta::assert_snapshot!(format!("comment_{}", lang.code()), render(&run, &inputs));
        }
    }
}
