//! The HTML and Markdown portfolio reports' shared model of what they show, built once from the
//! portfolio, so that the two show the same numbers under the same words and a column is added
//! in one place. A writer ([`super::html`], [`super::markdown`]) only decides how a table, a head,
//! a cell and a heading are written (escaping, links, `<th scope>`, pipes and alignment).
//!
//! It owns each table's columns (heads in the run's language, and what they hold) and its rows'
//! cells; a document's section (what it says of the document, a table of two columns, label and
//! value: HTML's `<dl>`, Markdown's list; and the notes under each finding); and the headings
//! and phrases both reports write.

use super::{DeadlineEntry, Listed, Meta, days_between, finding_name, group_value, share};
use super::{grade_word, link_words, principles, received_words, share_columns, status_heads, tri};
use crate::finding::{Severity, Status};
use crate::portfolio::{FindingRow, Row};
use crate::portfolio::{Grade, GroupCounts, Portfolio};
use crate::report::{severity_word, status_word};
use crate::text::{Lang, Text, pick};

/// What a column holds, which decides how it is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// What names the row: a row head (`<th>`) in HTML.
    Head,
    /// Words.
    Text,
    /// Words that may run long (titles): left-aligned even in a table of counts.
    Long,
    /// Counts and shares, and what sorts as a number (a standing, by its rank): right-aligned.
    Count,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// In the run's language; empty over a column of row heads that needs none.
    pub head: String,
    pub kind: Kind,
    /// The status the column counts, where the format keys it by the status's colour.
    pub status: Option<Status>,
}

/// One cell. Text is plain: the writer escapes it.
#[derive(Debug, Clone)]
pub enum Cell {
    Empty,
    Text(String),
    Count(u64),
    /// A whole percent.
    Percent(u64),
    /// `n` of `of` as a whole percent, with the count.
    Share {
        n: u64,
        of: u64,
    },
    /// A document, by its name, linking to its section (`index`: its position in the portfolio).
    Doc {
        name: String,
        index: usize,
    },
    Status(Status),
    Grade(Grade),
    /// A headline answer, marked when it came from linked documents.
    Answer {
        word: &'static str,
        by_links: bool,
    },
    /// The head of the row of totals.
    Total(String),
    /// A file name or a field path, as code.
    Code(String),
    /// A document's headline answer, stressed, with the note that linked documents gave it.
    Verdict {
        word: &'static str,
        by_links: bool,
    },
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// What a bar draws for this cell, and whether it is a percent (else a count).
    fn measure(&self) -> Option<(u64, bool)> {
        match self {
            Cell::Count(n) => Some((*n, false)),
            Cell::Percent(pc) => Some((*pc, true)),
            Cell::Share { n, of } => Some((share(*n, *of), true)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// The language the heads are in, and the words for statuses and grades the writer adds.
    pub lang: Lang,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// The column whose values a bar may draw as well (Markdown as a column of its own).
    pub bar: Option<usize>,
}

impl Table {
    pub fn new(lang: Lang, heads: impl IntoIterator<Item = (String, Kind)>) -> Table {
        Table {
            lang,
            columns: heads
                .into_iter()
                .map(|(head, kind)| Column {
                    head,
                    kind,
                    status: None,
                })
                .collect(),
            rows: Vec::new(),
            bar: None,
        }
    }

    /// Each row's bar and the full bar's worth, when the table has a bar: percents against 100,
    /// counts against the largest.
    pub fn bars(&self) -> Option<(Vec<u64>, u64)> {
        let col = self.bar?;
        let (values, percent): (Vec<u64>, Vec<bool>) = self
            .rows
            .iter()
            .map(|r| r.get(col).and_then(Cell::measure).unwrap_or((0, true)))
            .unzip();
        let full = if percent.iter().all(|p| *p) {
            100
        } else {
            values.iter().copied().max().unwrap_or(0)
        };
        Some((values, full))
    }
}

/// Words in bokmål, nynorsk and English.
pub type Words = [&'static str; 3];

/// The words in the run's language.
pub fn say(lang: Lang, [nb, nn, en]: Words) -> &'static str {
    pick(lang, nb, nn, en)
}

/// Headings and phrases both reports write, so that they name their sections alike.
pub const REPORT: Words = ["Porteføljerapport", "Porteføljerapport", "Portfolio report"];
pub const OVERRIDDEN: Words = [
    "Overstyrte parametere",
    "Overstyrte parametrar",
    "Overridden parameters",
];
pub const BY_STANDING: Words = [
    "Dokumentene etter vurdering",
    "Dokumenta etter vurdering",
    "Documents by standing",
];
pub const BY_STATUS: Words = [
    "Funn etter status og alvorlighet",
    "Funn etter status og kor alvorleg",
    "Findings by status and severity",
];
pub const PER_OBLIGATION: Words = [
    "Brudd per krav",
    "Brot per krav",
    "Violations per obligation",
];
pub const PAST_DEADLINE: Words = [
    "Fristen er passert uten at kravet er vist oppfylt. De nyeste kan ofte ennå rettes opp.",
    "Fristen er passert utan at kravet er vist oppfylt. Dei nyaste kan ofte framleis rettast opp.",
    "The deadline has passed without the obligation shown to be met. The most recent can often still be mended.",
];
pub const OVER_TIME: Words = ["Utvikling over tid", "Utvikling over tid", "Over time"];
pub const LINKS: Words = [
    "Koblinger mellom dokumenter",
    "Koplingar mellom dokument",
    "Links between documents",
];
pub const ANOTHER_ANSWER: Words = [
    "dokumenter fikk et annet svar av dette",
    "dokument fekk eit anna svar av dette",
    "documents got another answer from this",
];
pub const FIX: Words = ["Slik retter du det", "Slik rettar du det", "How to fix it"];
pub const SOURCES: Words = [
    "Kilder per krav",
    "Kjelder per krav",
    "Sources per obligation",
];
pub const INVALID: Words = [
    "Ugyldige dokumenter",
    "Ugyldige dokument",
    "Invalid documents",
];

/// A head in words.
pub fn head(s: impl Into<String>, kind: Kind) -> (String, Kind) {
    (s.into(), kind)
}

fn word(lang: Lang, w: Words, kind: Kind) -> (String, Kind) {
    head(say(lang, w), kind)
}

// Heads that stand in more than one table.
const OBLIGATION: Words = ["krav", "krav", "obligation"];
const DOCUMENT: Words = ["dokument", "dokument", "document"];
const TITLE: Words = ["tittel", "tittel", "title"];
const MUST: Words = ["brudd skal", "brot skal", "violated must"];
const SHOULD: Words = ["brudd bør", "brot bør", "violated should"];
const OVERDUE: Words = ["forfalt", "forfalle", "overdue"];
const UPCOMING: Words = ["snart", "snart", "upcoming"];

fn status(lang: Lang, st: Status, kind: Kind) -> (String, Kind) {
    head(status_word(lang, st), kind)
}

/// Findings by status (a column each) and severity (a row each), with totals.
pub fn by_status(meta: &Meta, p: &Portfolio) -> Table {
    let lang = meta.lang();
    let a = &p.aggregates;
    let total = pick(lang, "sum", "sum", "total");
    let mut heads = vec![head("", Kind::Head)];
    heads.extend(status_heads(lang).map(|h| head(h, Kind::Count)));
    heads.push(head(total, Kind::Count));
    let mut t = Table::new(lang, heads);
    for (c, st) in t.columns[1..].iter_mut().zip(Status::ALL) {
        c.status = Some(st);
    }
    let rows = [
        (
            Cell::text(severity_word(lang, Severity::Must)),
            &a.by_severity[0],
        ),
        (
            Cell::text(severity_word(lang, Severity::Should)),
            &a.by_severity[1],
        ),
        (Cell::Total(total.into()), &a.by_status),
    ];
    for (name, counts) in rows {
        let mut row = vec![name];
        row.extend(counts.iter().map(|n| Cell::Count(*n)));
        row.push(Cell::Count(counts.iter().sum()));
        t.rows.push(row);
    }
    t
}

/// Violations, pending and unknown findings per principle; none without principles.
pub fn by_principle(meta: &Meta, p: &Portfolio) -> Option<Table> {
    let lang = meta.lang();
    let list = principles(meta, p);
    if list.is_empty() {
        return None;
    }
    let mut t = Table::new(
        lang,
        [
            word(lang, ["prinsipp", "prinsipp", "principle"], Kind::Head),
            word(lang, MUST, Kind::Count),
            word(lang, SHOULD, Kind::Count),
            status(lang, Status::Pending, Kind::Count),
            status(lang, Status::Unknown, Kind::Count),
        ],
    );
    for x in list {
        t.rows.push(vec![
            Cell::text(x.principle.title.get(lang)),
            Cell::Count(x.violated[0]),
            Cell::Count(x.violated[1]),
            Cell::Count(x.by_status[1]),
            Cell::Count(x.by_status[2]),
        ]);
    }
    Some(t)
}

/// Findings per obligation, with deadlines; a bar for the violated.
pub fn by_obligation(meta: &Meta, p: &Portfolio) -> Table {
    let lang = meta.lang();
    let mut t = Table::new(
        lang,
        [
            word(lang, OBLIGATION, Kind::Head),
            word(lang, TITLE, Kind::Long),
            word(lang, ["alvor", "alvor", "severity"], Kind::Text),
            status(lang, Status::Violated, Kind::Count),
            status(lang, Status::Pending, Kind::Count),
            status(lang, Status::Unknown, Kind::Count),
            word(lang, OVERDUE, Kind::Count),
            word(lang, UPCOMING, Kind::Count),
        ],
    );
    t.bar = Some(3);
    for (o, c) in meta.run.obligations.iter().zip(&p.aggregates.obligations) {
        t.rows.push(vec![
            Cell::text(&o.id),
            Cell::text(o.title.get(lang)),
            Cell::text(o.severity.map(|x| severity_word(lang, x)).unwrap_or("")),
            Cell::Count(c.by_status[0]),
            Cell::Count(c.by_status[1]),
            Cell::Count(c.by_status[2]),
            Cell::Count(c.overdue),
            Cell::Count(c.upcoming),
        ]);
    }
    t
}

/// A list of deadlines, overdue (`late`: with the days past) or upcoming (with the days left);
/// with the finding's status when `with_status`.
pub fn deadlines(
    meta: &Meta,
    p: &Portfolio,
    list: &[DeadlineEntry],
    late: bool,
    with_status: bool,
) -> Table {
    let lang = meta.lang();
    let mut heads = vec![
        word(lang, ["frist", "frist", "deadline"], Kind::Text),
        word(lang, DOCUMENT, Kind::Text),
        word(lang, OBLIGATION, Kind::Text),
    ];
    if with_status {
        heads.push(word(lang, ["status", "status", "status"], Kind::Text));
    }
    heads.push(if late {
        word(lang, ["dager over", "dagar over", "days late"], Kind::Count)
    } else {
        word(lang, ["dager igjen", "dagar att", "days left"], Kind::Count)
    });
    let mut t = Table::new(lang, heads);
    for i in list {
        let mut row = vec![
            Cell::text(i.deadline.to_string()),
            Cell::Doc {
                name: i.name.clone(),
                index: i.index,
            },
            Cell::text(finding_name(&i.finding)),
        ];
        if with_status {
            row.push(Cell::Status(i.finding.status));
        }
        let days = if late {
            days_between(i.deadline, p.as_of)
        } else {
            days_between(p.as_of, i.deadline)
        };
        row.push(Cell::text(days.to_string()));
        t.rows.push(row);
    }
    t
}

/// Per value of each group field (for samstyring: per ministry, per agency), how many documents
/// and the share of them in each of [`share_columns`], the worst share of violated musts first;
/// a table per group field, with the field's title. A bar for that worst share.
pub fn shares<'a>(meta: &'a Meta, p: &Portfolio) -> Vec<(&'a Text, Table)> {
    let lang = meta.lang();
    let cols = share_columns(meta, p);
    let mut out = Vec::new();
    for ((_, title), groups) in meta.groups.iter().zip(&p.aggregates.groups) {
        let mut heads = vec![
            head(title.get(lang), Kind::Head),
            word(lang, ["dokumenter", "dokument", "documents"], Kind::Count),
        ];
        heads.extend(cols.iter().map(|(n, _)| head(n.as_str(), Kind::Count)));
        let mut t = Table::new(lang, heads);
        t.bar = Some(2);
        let mut values: Vec<_> = groups.values.iter().collect();
        // The worst share of violated musts first; ties by name.
        values.sort_by_key(|(v, c)| (std::cmp::Reverse(must_share(c)), (*v).clone()));
        for (v, c) in values {
            let mut row = vec![Cell::text(group_value(lang, v)), Cell::Count(c.documents)];
            row.extend(cols.iter().map(|(_, get)| Cell::Share {
                n: get(c),
                of: c.documents,
            }));
            t.rows.push(row);
        }
        out.push((title, t));
    }
    out
}

fn must_share(c: &GroupCounts) -> u64 {
    share(c.grades[Grade::ViolatedMust.index()], c.documents)
}

/// The grades a trend counts one by one after the violated musts.
const TREND_GRADES: [Grade; 4] = [
    Grade::ViolatedShould,
    Grade::Pending,
    Grade::Unknown,
    Grade::Ok,
];

/// The portfolio at each date of `--trend`; a bar for the share without a violation.
pub fn trend(meta: &Meta) -> Table {
    let lang = meta.lang();
    let mut heads = vec![
        word(lang, ["per", "per", "as of"], Kind::Head),
        word(
            lang,
            ["uten brudd", "utan brot", "without violation"],
            Kind::Count,
        ),
        word(lang, MUST, Kind::Count),
    ];
    heads.extend(TREND_GRADES.map(|g| head(grade_word(lang, g), Kind::Count)));
    if let Some(h) = meta.headline_title() {
        heads.push(head(
            format!("{h}: {}", pick(lang, "ja", "ja", "yes")),
            Kind::Count,
        ));
    }
    heads.push(word(lang, OVERDUE, Kind::Count));
    heads.push(word(lang, UPCOMING, Kind::Count));
    let mut t = Table::new(lang, heads);
    t.bar = Some(1);
    for x in &meta.trend {
        let mut row = vec![
            Cell::text(x.as_of.to_string()),
            Cell::Percent(x.compliant_percent()),
            Cell::text(format!(
                "{} ({} %)",
                x.grades[0],
                share(x.grades[0], x.evaluated)
            )),
        ];
        row.extend(
            TREND_GRADES
                .iter()
                .map(|g| Cell::Count(x.grades[g.index()])),
        );
        if meta.headline_title().is_some() {
            row.push(Cell::Count(x.headline[0]));
        }
        row.push(Cell::Count(x.overdue));
        row.push(Cell::Count(x.upcoming));
        t.rows.push(row);
    }
    t
}

/// The listed documents, the most urgent first. `wide`: violations by severity, and the next
/// deadline; else violations in one column.
pub fn documents(meta: &Meta, listed: &Listed, wide: bool) -> Table {
    let lang = meta.lang();
    let mut heads = vec![
        word(lang, DOCUMENT, Kind::Text),
        word(lang, TITLE, Kind::Text),
    ];
    heads.extend(
        meta.groups
            .iter()
            .map(|(_, t)| head(t.get(lang), Kind::Text)),
    );
    let headline = meta.headline_title();
    if let Some(h) = headline {
        heads.push(head(h, Kind::Text));
    }
    heads.push(word(
        lang,
        ["vurdering", "vurdering", "standing"],
        Kind::Count,
    ));
    if wide {
        heads.push(word(lang, MUST, Kind::Count));
        heads.push(word(lang, SHOULD, Kind::Count));
    } else {
        heads.push(status(lang, Status::Violated, Kind::Count));
    }
    heads.push(status(lang, Status::Pending, Kind::Count));
    heads.push(status(lang, Status::Unknown, Kind::Count));
    heads.push(word(lang, OVERDUE, Kind::Count));
    if wide {
        heads.push(word(
            lang,
            ["neste frist", "neste frist", "next deadline"],
            Kind::Text,
        ));
    }
    let mut t = Table::new(lang, heads);
    for (index, row) in &listed.documents {
        let mut cells = vec![
            Cell::Doc {
                name: row.name().to_string(),
                index: *index,
            },
            Cell::text(row.title.as_deref().unwrap_or("")),
        ];
        cells.extend(
            row.groups
                .iter()
                .map(|g| Cell::text(g.as_deref().unwrap_or(""))),
        );
        let j = row.judged();
        if headline.is_some() {
            cells.push(j.map_or(Cell::Empty, |j| Cell::Answer {
                word: tri(lang, j.headline),
                by_links: j.headline_by_links,
            }));
        }
        cells.push(Cell::Grade(row.grade()));
        let Some(j) = j else {
            // An invalid document has no counts.
            cells.resize(t.columns.len(), Cell::Empty);
            t.rows.push(cells);
            continue;
        };
        if wide {
            cells.extend(j.violated.map(|n| Cell::Count(n.into())));
        } else {
            cells.push(Cell::Count(j.counts[0].into()));
        }
        cells.extend([j.counts[1], j.counts[2], j.overdue].map(|n| Cell::Count(n.into())));
        if wide {
            cells.push(Cell::text(
                j.next_deadline.map(|d| d.to_string()).unwrap_or_default(),
            ));
        }
        t.rows.push(cells);
    }
    t
}

/// The run's waivers, the most pressing first, with the findings each covers.
pub fn waivers(lang: Lang, p: &Portfolio) -> Table {
    let kinds = [
        Kind::Head,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Count,
        Kind::Text,
    ];
    let heads = super::waiver_heads(lang).into_iter().zip(kinds);
    let mut t = Table::new(lang, heads.map(|(h, k)| head(h, k)));
    for l in super::waiver_lines(p) {
        t.rows.push(vec![
            Cell::text(&l.waiver.id),
            Cell::text(l.waiver.rules.join(", ")),
            Cell::text(l.waiver.expires.to_string()),
            Cell::text(l.urgency.word(lang)),
            Cell::Count(l.covers),
            Cell::text(&l.waiver.reason),
        ]);
    }
    t
}

/// What a document's section says of it before its findings: (label, value). With its standing
/// when `standing` (HTML shows it in the section's heading instead); an invalid document has
/// its file (and standing) only, its errors being listed after.
pub fn facts(meta: &Meta, row: &Row, standing: bool) -> Vec<(String, Cell)> {
    let lang = meta.lang();
    let word = |w: Words| say(lang, w).to_string();
    let mut v = vec![(word(["Fil", "Fil", "File"]), Cell::Code(row.label.clone()))];
    let standing = standing.then(|| {
        (
            word(["Vurdering", "Vurdering", "Standing"]),
            Cell::Grade(row.grade()),
        )
    });
    let Some(j) = row.judged() else {
        v.extend(standing);
        return v;
    };
    for ((_, title), value) in meta.groups.iter().zip(&row.groups) {
        v.push((
            title.get(lang).to_string(),
            Cell::text(group_value(lang, value)),
        ));
    }
    if let Some(h) = meta.headline_title() {
        let word = tri(lang, j.headline);
        let by_links = j.headline_by_links;
        v.push((h.to_string(), Cell::Verdict { word, by_links }));
    }
    v.extend(standing);
    for n in &j.received {
        let from = [
            "Fra koblet dokument",
            "Frå kopla dokument",
            "From a linked document",
        ];
        v.push((word(from), Cell::text(received_words(meta, n))));
    }
    if !j.links.is_empty() {
        let links: Vec<String> = j
            .links
            .iter()
            .map(|(f, k)| link_words(lang, f, k))
            .collect();
        v.push((
            word(["Koblinger", "Koplingar", "Links"]),
            Cell::text(links.join("; ")),
        ));
    }
    v
}

/// What a document's section says under one of its findings, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The finding's message.
    Message(String),
    /// An assumption made, the waiver, that linked documents decided it: in small print.
    Aside(String),
    /// Fields to provide.
    Provide(Vec<String>),
    /// How to fix it.
    Fix(String),
    /// The rule's sources by name, quoted in the appendix.
    Sources(String),
}

/// The notes under a finding. How to fix it is said for a duty not met and for one still ahead
/// (pending), which is what an office can still act on; a waived or undecided finding has its own
/// note (the waiver, the fields to provide).
pub fn notes(lang: Lang, f: &FindingRow) -> Vec<Note> {
    let mut v = Vec::new();
    let msg = f.message.get(lang);
    if !msg.is_empty() {
        v.push(Note::Message(msg.to_string()));
    }
    let assumptions = crate::report::assumption_lines(lang, &f.assumptions);
    v.extend(assumptions.into_iter().map(Note::Aside));
    if let Some(n) = &f.waiver {
        v.push(Note::Aside(crate::report::waiver_note_text(lang, n)));
    }
    if !f.missing.is_empty() {
        v.push(Note::Provide(f.missing.clone()));
    }
    let remedy = f.rule.remedy.get(lang);
    if !remedy.is_empty() && matches!(f.status, Status::Violated | Status::Pending) {
        v.push(Note::Fix(remedy.to_string()));
    }
    if f.by_links {
        v.push(Note::Aside(
            crate::report::finding_by_links_note(lang).into(),
        ));
    }
    if !f.rule.sources.is_empty() {
        let names: Vec<String> = f.rule.sources.iter().map(|s| s.citation(lang)).collect();
        v.push(Note::Sources(names.join("; ")));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::{Detail, Options, Source};
    use crate::rules::RuleSet;

    /// Every table of the fixed portfolio, in every language and shape the reports ask for:
    /// a row has a cell under every head (a column added to the heads alone would shift the
    /// rest, in HTML and Markdown alike), and a bar column is a column of numbers.
    #[test]
    fn every_row_fills_its_columns() {
        let Ok(rules) = RuleSet::load(&crate::files::RuleFiles::embedded(), &[]) else {
            panic!("embedded rules load");
        };
        let as_of = jiff::civil::date(2026, 6, 1);
        let detail = Detail::Rows {
            findings: true,
            messages: true,
        };
        let path = std::path::PathBuf::from("fixtures/portfolio/portfolio.jsonl");
        let p = crate::portfolio::run(
            &rules,
            &Source::Paths(vec![path]),
            &Options::new(as_of, detail),
        );
        let listed = Listed::of(&p, super::super::Details::All);
        assert!(!listed.documents.is_empty() && !listed.overdue.is_empty());
        for lang in [Lang::Nb, Lang::Nn, Lang::En] {
            let run = crate::service::run_info(&rules, as_of, lang, Default::default());
            let mut meta = Meta::new(&rules, run);
            meta.trend = vec![super::super::TrendPoint::of(&p)];
            let mut tables = vec![
                by_status(&meta, &p),
                by_obligation(&meta, &p),
                trend(&meta),
                waivers(lang, &p),
                documents(&meta, &listed, true),
                documents(&meta, &listed, false),
            ];
            tables.extend(by_principle(&meta, &p));
            tables.extend(shares(&meta, &p).into_iter().map(|(_, t)| t));
            for (late, status) in [(true, true), (false, true), (true, false)] {
                let list = if late {
                    &listed.overdue
                } else {
                    &listed.upcoming
                };
                tables.push(deadlines(&meta, &p, list, late, status));
            }
            for t in &tables {
                let heads: Vec<&str> = t.columns.iter().map(|c| c.head.as_str()).collect();
                for row in &t.rows {
                    assert_eq!(row.len(), t.columns.len(), "{heads:?}: {row:?}");
                }
                if let Some(col) = t.bar {
                    assert!(
                        t.rows.iter().all(|r| r[col].measure().is_some()),
                        "{heads:?}"
                    );
                }
            }
        }
    }
}
