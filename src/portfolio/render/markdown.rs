//! The portfolio as Markdown (GitHub flavoured): the same sections as the HTML report — totals
//! and the headline, deadlines (most urgent first), shares per group value, the trend (a table
//! with text bars), findings by status, severity, obligation and principle, the link graph, the
//! documents to act on with a section each (remedies, fields to provide, sources by name), and
//! the sources' quotes once per rule.
//!
//! What each table, document section and heading holds is built once in [`super::table`], for
//! HTML too; this module writes it as Markdown.

use super::table::{
    self, ANOTHER_ANSWER, BY_STANDING, BY_STATUS, Cell, FIX, INVALID, Kind, LINKS, Note, OVER_TIME,
    OVERRIDDEN, PAST_DEADLINE, PER_OBLIGATION, REPORT, SOURCES, Table, head, say,
};
use super::{
    DeadlineEntry, Details, Listed, Meta, cut_note, finding_name, flagged, grade_word,
    headline_from_links, met_names, percent, problem_text, share,
};
use crate::portfolio::{Grade, Portfolio, Row, RowOutcome, UPCOMING_DAYS};
use crate::report::markdown::escape;
use crate::report::{severity_word, source_text, status_word};
use crate::text::{Lang, pick};
use std::fmt::Write;

const QUOTE_CHARS: usize = 120;
const BAR_WIDTH: u64 = 20;

pub fn render(meta: &Meta, p: &Portfolio, listed: &Listed) -> String {
    let mut s = String::new();
    let lang = meta.lang();
    header(&mut s, meta, p);
    totals(&mut s, meta, p);
    deadline_lists(&mut s, meta, p, listed);
    groups(&mut s, meta, p);
    waivers(&mut s, meta, p);
    trend(&mut s, meta);
    findings(&mut s, meta, p);
    obligations(&mut s, meta, p);
    by_principle(&mut s, meta, p);
    graph(&mut s, meta, p);
    table(&mut s, meta, listed);
    sections(&mut s, meta, listed);
    appendix(&mut s, meta, listed);
    errors(&mut s, lang, p);
    s
}

fn header(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let run = &meta.run;
    let _ = writeln!(
        s,
        "# {}: {}\n",
        say(lang, REPORT),
        escape(run.rules.title.get(lang))
    );
    let _ = writeln!(
        s,
        "{} `{}` {} ({}) · {} {} · {} {}\n",
        pick(lang, "Regelsett", "Regelsett", "Rule set"),
        run.rules.id,
        run.rules.version,
        escape(&run.rules.origin),
        pick(lang, "vurdert per", "vurdert per", "as of"),
        p.as_of,
        p.aggregates.inputs,
        pick(lang, "dokumenter", "dokument", "documents"),
    );
    if !run.params.is_empty() {
        let list: Vec<String> = run
            .params
            .iter()
            .map(|x| {
                format!(
                    "`{}` = {} ({} {})",
                    x.id,
                    escape(&x.value),
                    pick(lang, "standard", "standard", "default"),
                    escape(&x.default)
                )
            })
            .collect();
        let _ = writeln!(s, "{}: {}\n", say(lang, OVERRIDDEN), list.join(", "));
    }
}

fn bar(n: u64, max: u64) -> String {
    if max == 0 || n == 0 {
        return String::new();
    }
    let w = (n * BAR_WIDTH).div_ceil(max).clamp(1, BAR_WIDTH);
    "█".repeat(w as usize)
}

fn totals(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = writeln!(s, "## {}\n", pick(lang, "Oversikt", "Oversyn", "Overview"));
    let count = head(pick(lang, "antall", "tal", "count"), Kind::Count);
    let mut t = Table::new(lang, [head("", Kind::Head), count.clone()]);
    for (name, n) in [
        (pick(lang, "Dokumenter", "Dokument", "Documents"), a.inputs),
        (pick(lang, "Vurdert", "Vurdert", "Evaluated"), a.evaluated),
        (pick(lang, "Ugyldige", "Ugyldige", "Invalid"), a.invalid),
    ] {
        t.rows.push(vec![Cell::Text(name.into()), Cell::Count(n)]);
    }
    write_table(s, &t, None);
    if let Some(title) = meta.headline_title() {
        let [yes, no, unknown] = a.headline;
        let total = yes + no + unknown;
        let _ = writeln!(s, "### {}\n", escape(title));
        let answers = [
            (yes, pick(lang, "ja", "ja", "yes")),
            (no, pick(lang, "nei", "nei", "no")),
            (unknown, pick(lang, "ukjent", "ukjend", "unknown")),
        ];
        let changed = pick(
            lang,
            "endret av koblede dokumenter",
            "endra av kopla dokument",
            "changed by linked documents",
        );
        let mut heads: Vec<_> = answers.iter().map(|(_, w)| head(*w, Kind::Count)).collect();
        heads.push(head(changed, Kind::Count));
        let mut t = Table::new(lang, heads);
        let mut row: Vec<Cell> = answers
            .iter()
            .map(|(n, _)| Cell::Text(format!("{n} ({})", percent(*n, total))))
            .collect();
        row.push(Cell::Count(a.headline_received));
        t.rows.push(row);
        write_table(s, &t, None);
    }
    let _ = writeln!(s, "### {}\n", say(lang, BY_STANDING));
    let standing = head(pick(lang, "vurdering", "vurdering", "standing"), Kind::Head);
    let mut t = Table::new(lang, [standing, count]);
    t.bar = Some(1);
    for (g, n) in Grade::ALL.iter().zip(a.grades) {
        t.rows.push(vec![Cell::Grade(*g), Cell::Count(n)]);
    }
    write_table(s, &t, None);
}

fn findings(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = writeln!(s, "## {}\n", say(lang, BY_STATUS));
    write_table(s, &table::by_status(meta, p), None);
}

fn obligations(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = writeln!(s, "## {}\n", say(lang, PER_OBLIGATION));
    write_table(s, &table::by_obligation(meta, p), None);
}

fn by_principle(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let Some(t) = table::by_principle(meta, p) else {
        return;
    };
    let _ = writeln!(
        s,
        "## {}\n",
        pick(
            lang,
            "Brudd per prinsipp",
            "Brot per prinsipp",
            "Violations per principle"
        )
    );
    write_table(s, &t, None);
}

/// Per value of each group field: the share of its documents with a violated `must`, something
/// pending, something unknown, and the headline answered yes.
fn groups(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    for (title, t) in table::shares(meta, p) {
        let _ = writeln!(
            s,
            "## {} {}\n",
            pick(lang, "Andeler per", "Delar per", "Shares by"),
            escape(&title.get(lang).to_lowercase())
        );
        write_table(s, &t, None);
    }
}

/// The portfolio judged at each date of `--trend`: a text chart and the table.
fn trend(s: &mut String, meta: &Meta) {
    let lang = meta.lang();
    if meta.trend.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## {}\n\n{}\n",
        say(lang, OVER_TIME),
        pick(
            lang,
            "Den samme porteføljen vurdert per hver dato. Stolpen viser andelen dokumenter uten brudd.",
            "Den same porteføljen vurdert per kvar dato. Stolpen viser delen av dokumenta utan brot.",
            "The same portfolio judged at each date. The bar shows the share of documents without a violation."
        )
    );
    write_table(s, &table::trend(meta), None);
}

fn deadline_lists(s: &mut String, meta: &Meta, p: &Portfolio, listed: &Listed) {
    let lang = meta.lang();
    let _ = writeln!(
        s,
        "## {} ({})\n\n{}\n",
        pick(
            lang,
            "Forfalte frister, nyeste først",
            "Forfalne fristar, nyaste først",
            "Overdue deadlines, most recent first"
        ),
        listed.overdue_total,
        say(lang, PAST_DEADLINE)
    );
    deadline_table(s, meta, p, &listed.overdue, true);
    if let Some(n) = cut_note(lang, listed.overdue.len(), listed.overdue_total) {
        let _ = writeln!(s, "> {}\n", escape(&n));
    }
    let _ = writeln!(
        s,
        "## {} ({} {}, {})\n",
        pick(
            lang,
            "Kommende frister, nærmeste først",
            "Komande fristar, nærmaste først",
            "Upcoming deadlines, nearest first"
        ),
        UPCOMING_DAYS,
        pick(lang, "dager", "dagar", "days"),
        listed.upcoming_total
    );
    deadline_table(s, meta, p, &listed.upcoming, false);
    if let Some(n) = cut_note(lang, listed.upcoming.len(), listed.upcoming_total) {
        let _ = writeln!(s, "> {}\n", escape(&n));
    }
}

/// A list of deadlines; only the overdue with their findings' statuses, as the report has always
/// listed them.
fn deadline_table(s: &mut String, meta: &Meta, p: &Portfolio, list: &[DeadlineEntry], late: bool) {
    if list.is_empty() {
        let _ = writeln!(s, "{}\n", pick(meta.lang(), "Ingen.", "Ingen.", "None."));
    } else {
        write_table(s, &table::deadlines(meta, p, list, late, late), None);
    }
}

fn graph(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let g = &p.graph;
    let _ = writeln!(s, "## {}\n", say(lang, LINKS));
    let _ = writeln!(
        s,
        "{}: {}. {}: {}. {}: {}.\n",
        pick(lang, "Koblinger", "Koplingar", "Links"),
        g.links,
        pick(
            lang,
            "Koblinger til dokumenter som ikke finnes",
            "Koplingar til dokument som ikkje finst",
            "Links to documents that are not there"
        ),
        g.dangling_total,
        pick(
            lang,
            "Koblinger som går i ring",
            "Koplingar som går i ring",
            "Links that go round in a circle"
        ),
        g.cycles_total
    );
    for (title, words, n) in super::propagations(meta, p) {
        let _ = writeln!(
            s,
            "- {} {}: {} ({n} {})",
            escape(&title),
            pick(lang, "Det vil si", "Det vil seie", "That is"),
            escape(&words),
            say(lang, ANOTHER_ANSWER),
        );
    }
    for (field, path) in &g.cycles {
        let _ = writeln!(
            s,
            "- {}: {}",
            pick(lang, "Ring", "Ring", "Cycle"),
            escape(&problem_text(
                lang,
                &crate::portfolio::LinkProblem::Cycle {
                    field: field.clone(),
                    path: path.clone(),
                }
            ))
        );
    }
    for (from, field, target) in &g.dangling {
        let _ = writeln!(
            s,
            "- {} {}: {}",
            pick(
                lang,
                "Brutt kobling fra",
                "Broten kopling frå",
                "Dangling link from"
            ),
            escape(from),
            escape(&problem_text(
                lang,
                &crate::portfolio::LinkProblem::Dangling {
                    field: field.clone(),
                    target: target.clone(),
                }
            ))
        );
    }
    let _ = writeln!(s);
}

/// An anchor for a document's section: GitHub lower-cases heading text and keeps letters,
/// digits, `-` and `_`; document keys are made of such characters (and `.`).
fn anchor(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn table(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let all = listed.details == Details::All;
    let _ = writeln!(
        s,
        "## {} ({})\n",
        if all {
            pick(
                lang,
                "Alle dokumenter, det mest presserende først",
                "Alle dokument, det mest pressande først",
                "Every document, the most urgent first",
            )
        } else {
            pick(
                lang,
                "Dokumenter å følge opp, det mest presserende først",
                "Dokument å følgje opp, det mest pressande først",
                "Documents to act on, the most urgent first",
            )
        },
        listed.documents_total
    );
    let t = table::documents(meta, listed, false);
    // Left-aligned throughout, as the report has always written it.
    let rule = format!("|{}", "---|".repeat(t.columns.len()));
    write_table(s, &t, Some(&rule));
    if listed.documents.iter().any(|(_, r)| headline_from_links(r)) {
        let _ = writeln!(
            s,
            "¹ {}\n",
            pick(
                lang,
                "Svaret kommer av et dokument dette dokumentet er koblet til.",
                "Svaret kjem frå eit dokument som dette dokumentet er kopla til.",
                "The answer comes from a document this document is linked to."
            )
        );
    }
    if let Some(n) = cut_note(lang, listed.documents.len(), listed.documents_total) {
        let _ = writeln!(s, "> {}\n", escape(&n));
    }
}

fn sections(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let _ = writeln!(
        s,
        "## {}\n",
        pick(lang, "Per dokument", "Per dokument", "Per document")
    );
    for (_, row) in &listed.documents {
        section(s, meta, lang, row);
    }
}

fn section(s: &mut String, meta: &Meta, lang: Lang, row: &Row) {
    let _ = writeln!(s, "### {}\n", escape(row.name()));
    if let Some(t) = &row.title {
        let _ = writeln!(s, "**{}**\n", escape(t));
    }
    for (label, value) in table::facts(meta, row, true) {
        let _ = writeln!(s, "- {}: {}", escape(&label), cell(lang, &value));
    }
    let j = match &row.outcome {
        RowOutcome::Invalid(errors) => {
            for e in errors {
                let e = e.in_lang(lang);
                let _ = writeln!(s, "  - {} ({})", escape(&e.one_line()), e.code);
            }
            let _ = writeln!(s);
            return;
        }
        RowOutcome::Judged(j) => j,
    };
    for x in &j.problems {
        let _ = writeln!(s, "- ⚠ {}", escape(&problem_text(lang, x)));
    }
    let _ = writeln!(s);
    for f in flagged(j) {
        let sev = f
            .rule
            .severity
            .map(|x| severity_word(lang, x))
            .unwrap_or("");
        let mut line = format!(
            "- **{}** ({sev}) {} {}",
            status_word(lang, f.status),
            escape(&finding_name(f)),
            escape(f.rule.title.get(lang)),
        );
        if let Some(d) = f.deadline {
            let _ = write!(line, " — {} {d}", pick(lang, "frist", "frist", "deadline"));
        }
        let _ = writeln!(s, "{line}");
        for note in table::notes(lang, f) {
            finding_note(s, lang, note);
        }
    }
    let met: Vec<String> = met_names(j).iter().map(|n| escape(n)).collect();
    if !met.is_empty() {
        let _ = writeln!(
            s,
            "- {}: {}",
            pick(lang, "Oppfylt", "Oppfylt", "Met"),
            met.join(", ")
        );
    }
    let _ = writeln!(s);
}

fn finding_note(s: &mut String, lang: Lang, note: Note) {
    let _ = match note {
        Note::Message(x) | Note::Aside(x) => writeln!(s, "  - {}", escape(&x)),
        Note::Provide(fields) => {
            let list: Vec<String> = fields
                .iter()
                .map(|m| format!("`{}`", m.replace('`', "'")))
                .collect();
            let provide = pick(lang, "Oppgi", "Oppgje", "Provide");
            writeln!(s, "  - {provide}: {}", list.join(", "))
        }
        Note::Fix(remedy) => writeln!(s, "  - {}: {}", say(lang, FIX), escape(&remedy)),
        Note::Sources(names) => writeln!(
            s,
            "  - {}: {}",
            pick(
                lang,
                "Kilder (sitert under «Kilder per krav»)",
                "Kjelder (siterte under «Kjelder per krav»)",
                "Sources (quoted under \"Sources per obligation\")"
            ),
            escape(&names)
        ),
    };
}

/// Every cited rule's sources with their quotes, once per rule.
fn appendix(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let rules = listed.rules();
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(s, "## {}\n", say(lang, SOURCES));
    for r in rules {
        let _ = writeln!(s, "- **{}** {}", escape(&r.id), escape(r.title.get(lang)));
        for src in &r.sources {
            let _ = writeln!(s, "  - {}", escape(&source_text(src, lang, QUOTE_CHARS)));
        }
    }
    let _ = writeln!(s);
}

fn errors(s: &mut String, lang: Lang, p: &Portfolio) {
    if p.errors.is_empty() {
        return;
    }
    let _ = writeln!(s, "## {}\n", say(lang, INVALID));
    for e in &p.errors {
        let e = e.in_lang(lang);
        let _ = writeln!(
            s,
            "- `{}`: {} ({})",
            e.label.replace('`', "'"),
            escape(&e.one_line()),
            e.code
        );
        if let Some(h) = &e.help {
            let _ = writeln!(s, "  - {}", escape(h));
        }
    }
    let _ = writeln!(s);
    if let Some(n) = cut_note(lang, p.errors.len(), p.errors_total) {
        let _ = writeln!(s, "> {}\n", escape(&n));
    }
}

/// The run's waivers, the most pressing first (expired, expiring soon), with what they cover.
fn waivers(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let t = table::waivers(lang, p);
    if t.rows.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## {}\n\n{}\n",
        super::waiver_title(lang),
        escape(&super::waiver_summary(lang, p))
    );
    // The alignment as the report has always written it.
    write_table(s, &t, Some("|---|---|---|---|--:|---|"));
}

/// A table and the blank line after it: heads, the alignment row (`rule`, else by the columns'
/// kinds), rows, and a column of text bars when the table has a bar.
fn write_table(s: &mut String, t: &Table, rule: Option<&str>) {
    let bars = t.bars();
    s.push('|');
    for c in &t.columns {
        // An empty head is one blank, as the report has always written it.
        match c.head.as_str() {
            "" => s.push_str(" |"),
            h => {
                let _ = write!(s, " {} |", escape(h));
            }
        }
    }
    if bars.is_some() {
        s.push_str(" |");
    }
    s.push('\n');
    match rule {
        Some(r) => s.push_str(r),
        None => {
            s.push('|');
            for c in &t.columns {
                s.push_str(if c.kind == Kind::Count {
                    "---:|"
                } else {
                    "---|"
                });
            }
            if bars.is_some() {
                s.push_str("---|");
            }
        }
    }
    s.push('\n');
    for (i, row) in t.rows.iter().enumerate() {
        let mut cells: Vec<String> = row.iter().map(|c| cell(t.lang, c)).collect();
        if let Some((values, full)) = &bars {
            cells.push(bar(values.get(i).copied().unwrap_or(0), *full));
        }
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    s.push('\n');
}

fn cell(lang: Lang, c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(x) => escape(x),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(pc) => format!("{pc} %"),
        Cell::Share { n, of } => format!("{} % ({n})", share(*n, *of)),
        Cell::Doc { name, .. } => format!("[{}](#{})", escape(name), anchor(name)),
        Cell::Status(st) => status_word(lang, *st).to_string(),
        Cell::Grade(g) => grade_word(lang, *g).to_string(),
        // The mark's note stands under the table.
        Cell::Answer { word, by_links } => format!("{word}{}", if *by_links { " ¹" } else { "" }),
        Cell::Total(x) => format!("**{}**", escape(x)),
        Cell::Code(x) => format!("`{}`", x.replace('`', "'")),
        Cell::Verdict { word, by_links } => {
            let note = match by_links {
                true => crate::report::headline_by_links_note(lang),
                false => "",
            };
            format!("**{word}**{note}")
        }
    }
}
