//! The portfolio as Markdown (GitHub flavoured): the same sections as the HTML report — totals
//! and the headline, deadlines (most urgent first), shares per group value, the trend (a table
//! with text bars), findings by status, severity, obligation and principle, the link graph, the
//! documents to act on with a section each (remedies, fields to provide, sources by name), and
//! the sources' quotes once per rule.

use super::{
    Details, Listed, Meta, cut_note, days_between, finding_name, flagged, grade_word, group_value,
    headline_from_links, link_words, met_names, percent, principles, problem_text, received_words,
    share, share_columns, status_heads, tri,
};
use crate::finding::{Severity, Status};
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
        pick(
            lang,
            "Porteføljerapport",
            "Porteføljerapport",
            "Portfolio report"
        ),
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
        let _ = writeln!(
            s,
            "{}: {}\n",
            pick(
                lang,
                "Overstyrte parametere",
                "Overstyrte parametrar",
                "Overridden parameters"
            ),
            list.join(", ")
        );
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
    let _ = writeln!(
        s,
        "| | {} |\n|---|---:|",
        pick(lang, "antall", "tal", "count")
    );
    let _ = writeln!(
        s,
        "| {} | {} |",
        pick(lang, "Dokumenter", "Dokument", "Documents"),
        a.inputs
    );
    let _ = writeln!(
        s,
        "| {} | {} |",
        pick(lang, "Vurdert", "Vurdert", "Evaluated"),
        a.evaluated
    );
    let _ = writeln!(
        s,
        "| {} | {} |",
        pick(lang, "Ugyldige", "Ugyldige", "Invalid"),
        a.invalid
    );
    let _ = writeln!(s);
    if let Some(title) = meta.headline_title() {
        let [yes, no, unknown] = a.headline;
        let total = yes + no + unknown;
        let _ = writeln!(s, "### {}\n", escape(title));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---:|---:|---:|---:|",
            pick(lang, "ja", "ja", "yes"),
            pick(lang, "nei", "nei", "no"),
            pick(lang, "ukjent", "ukjend", "unknown"),
            pick(
                lang,
                "endret av koblede dokumenter",
                "endra av kopla dokument",
                "changed by linked documents"
            ),
        );
        let _ = writeln!(
            s,
            "| {yes} ({}) | {no} ({}) | {unknown} ({}) | {} |\n",
            percent(yes, total),
            percent(no, total),
            percent(unknown, total),
            a.headline_received
        );
    }
    let _ = writeln!(
        s,
        "### {}\n",
        pick(
            lang,
            "Dokumentene etter vurdering",
            "Dokumenta etter vurdering",
            "Documents by standing"
        )
    );
    let _ = writeln!(
        s,
        "| {} | {} | |\n|---|---:|---|",
        pick(lang, "vurdering", "vurdering", "standing"),
        pick(lang, "antall", "tal", "count")
    );
    let max = a.grades.iter().copied().max().unwrap_or(0);
    for (g, n) in Grade::ALL.iter().zip(a.grades) {
        let _ = writeln!(s, "| {} | {n} | {} |", grade_word(lang, *g), bar(n, max));
    }
    let _ = writeln!(s);
}

fn status_row(s: &mut String, name: &str, counts: &[u64; 6]) {
    let cells: Vec<String> = counts.iter().map(u64::to_string).collect();
    let _ = writeln!(
        s,
        "| {name} | {} | {} |",
        cells.join(" | "),
        counts.iter().sum::<u64>()
    );
}

fn findings(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = writeln!(
        s,
        "## {}\n",
        pick(
            lang,
            "Funn etter status og alvorlighet",
            "Funn etter status og kor alvorleg",
            "Findings by status and severity"
        )
    );
    let heads = status_heads(lang);
    let _ = writeln!(
        s,
        "| | {} | {} |",
        heads.join(" | "),
        pick(lang, "sum", "sum", "total")
    );
    let _ = writeln!(s, "|---|{}---:|", "---:|".repeat(6));
    status_row(s, severity_word(lang, Severity::Must), &a.by_severity[0]);
    status_row(s, severity_word(lang, Severity::Should), &a.by_severity[1]);
    status_row(
        s,
        pick(lang, "**sum**", "**sum**", "**total**"),
        &a.by_status,
    );
    let _ = writeln!(s);
}

fn obligations(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = writeln!(
        s,
        "## {}\n",
        pick(
            lang,
            "Brudd per krav",
            "Brot per krav",
            "Violations per obligation"
        )
    );
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} | {} | {} | {} | |\n|---|---|---|---:|---:|---:|---:|---:|---|",
        pick(lang, "krav", "krav", "obligation"),
        pick(lang, "tittel", "tittel", "title"),
        pick(lang, "alvor", "alvor", "severity"),
        status_word(lang, Status::Violated),
        status_word(lang, Status::Pending),
        status_word(lang, Status::Unknown),
        pick(lang, "forfalt", "forfalle", "overdue"),
        pick(lang, "snart", "snart", "upcoming"),
    );
    let max = a
        .obligations
        .iter()
        .map(|c| c.by_status[0])
        .max()
        .unwrap_or(0);
    for (o, c) in meta.run.obligations.iter().zip(&a.obligations) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&o.id),
            escape(o.title.get(lang)),
            o.severity.map(|x| severity_word(lang, x)).unwrap_or(""),
            c.by_status[0],
            c.by_status[1],
            c.by_status[2],
            c.overdue,
            c.upcoming,
            bar(c.by_status[0], max),
        );
    }
    let _ = writeln!(s);
}

fn by_principle(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let list = principles(meta, p);
    if list.is_empty() {
        return;
    }
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
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|",
        pick(lang, "prinsipp", "prinsipp", "principle"),
        pick(lang, "brudd skal", "brot skal", "violated must"),
        pick(lang, "brudd bør", "brot bør", "violated should"),
        status_word(lang, Status::Pending),
        status_word(lang, Status::Unknown),
    );
    for x in list {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            escape(x.principle.title.get(lang)),
            x.violated[0],
            x.violated[1],
            x.by_status[1],
            x.by_status[2]
        );
    }
    let _ = writeln!(s);
}

/// Per value of each group field: the share of its documents with a violated `must`, something
/// pending, something unknown, and the headline answered yes.
fn groups(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let cols = share_columns(meta, p);
    for ((_, title), table) in meta.groups.iter().zip(&p.aggregates.groups) {
        let _ = writeln!(
            s,
            "## {} {}\n",
            pick(lang, "Andeler per", "Delar per", "Shares by"),
            escape(&title.get(lang).to_lowercase())
        );
        let mut head = vec![
            escape(title.get(lang)),
            pick(lang, "dokumenter", "dokument", "documents").to_string(),
        ];
        head.extend(cols.iter().map(|(n, _)| escape(n)));
        let _ = writeln!(
            s,
            "| {} | |\n|---|{}---|",
            head.join(" | "),
            "---:|".repeat(head.len() - 1)
        );
        let mut values: Vec<_> = table.values.iter().collect();
        values.sort_by_key(|(v, c)| {
            (
                std::cmp::Reverse(share(c.grades[Grade::ViolatedMust.index()], c.documents)),
                (*v).clone(),
            )
        });
        for (v, c) in values {
            let mut cells = vec![escape(&group_value(lang, v)), c.documents.to_string()];
            for (_, get) in &cols {
                let n = get(c);
                cells.push(format!("{} % ({n})", share(n, c.documents)));
            }
            let must = share(c.grades[Grade::ViolatedMust.index()], c.documents);
            cells.push(bar(must, 100));
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(s);
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
        pick(
            lang,
            "Utvikling over tid",
            "Utvikling over tid",
            "Over time"
        ),
        pick(
            lang,
            "Den samme porteføljen vurdert per hver dato. Stolpen viser andelen dokumenter uten brudd.",
            "Den same porteføljen vurdert per kvar dato. Stolpen viser delen av dokumenta utan brot.",
            "The same portfolio judged at each date. The bar shows the share of documents without a violation."
        )
    );
    let mut head = vec![
        pick(lang, "per", "per", "as of").to_string(),
        pick(lang, "uten brudd", "utan brot", "without violation").to_string(),
        pick(lang, "brudd skal", "brot skal", "violated must").to_string(),
    ];
    for g in [
        Grade::ViolatedShould,
        Grade::Pending,
        Grade::Unknown,
        Grade::Ok,
    ] {
        head.push(grade_word(lang, g).to_string());
    }
    if let Some(h) = meta.headline_title() {
        head.push(format!("{}: {}", escape(h), pick(lang, "ja", "ja", "yes")));
    }
    head.push(pick(lang, "forfalt", "forfalle", "overdue").to_string());
    head.push(pick(lang, "snart", "snart", "upcoming").to_string());
    let _ = writeln!(
        s,
        "| {} | |\n|---|{}---|",
        head.join(" | "),
        "---:|".repeat(head.len() - 1)
    );
    for t in &meta.trend {
        let mut cells = vec![
            t.as_of.to_string(),
            format!("{} %", t.compliant_percent()),
            format!("{} ({} %)", t.grades[0], share(t.grades[0], t.evaluated)),
        ];
        for g in [
            Grade::ViolatedShould,
            Grade::Pending,
            Grade::Unknown,
            Grade::Ok,
        ] {
            cells.push(t.grades[g.index()].to_string());
        }
        if meta.headline_title().is_some() {
            cells.push(t.headline[0].to_string());
        }
        cells.push(t.overdue.to_string());
        cells.push(t.upcoming.to_string());
        cells.push(bar(t.compliant_percent(), 100));
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(s);
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
        pick(
            lang,
            "Fristen er passert uten at kravet er vist oppfylt. De nyeste kan ofte ennå rettes opp.",
            "Fristen er passert utan at kravet er vist oppfylt. Dei nyaste kan ofte framleis rettast opp.",
            "The deadline has passed without the obligation shown to be met. The most recent can often still be mended."
        )
    );
    if listed.overdue.is_empty() {
        let _ = writeln!(s, "{}\n", pick(lang, "Ingen.", "Ingen.", "None."));
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |\n|---|---|---|---|---:|",
            pick(lang, "frist", "frist", "deadline"),
            pick(lang, "dokument", "dokument", "document"),
            pick(lang, "krav", "krav", "obligation"),
            pick(lang, "status", "status", "status"),
            pick(lang, "dager over", "dagar over", "days late"),
        );
        for i in &listed.overdue {
            let _ = writeln!(
                s,
                "| {} | [{}](#{}) | {} | {} | {} |",
                i.deadline,
                escape(&i.name),
                anchor(&i.name),
                escape(&finding_name(&i.finding)),
                status_word(lang, i.finding.status),
                days_between(i.deadline, p.as_of),
            );
        }
        let _ = writeln!(s);
    }
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
    if listed.upcoming.is_empty() {
        let _ = writeln!(s, "{}\n", pick(lang, "Ingen.", "Ingen.", "None."));
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---|---|---|---:|",
            pick(lang, "frist", "frist", "deadline"),
            pick(lang, "dokument", "dokument", "document"),
            pick(lang, "krav", "krav", "obligation"),
            pick(lang, "dager igjen", "dagar att", "days left"),
        );
        for i in &listed.upcoming {
            let _ = writeln!(
                s,
                "| {} | [{}](#{}) | {} | {} |",
                i.deadline,
                escape(&i.name),
                anchor(&i.name),
                escape(&finding_name(&i.finding)),
                days_between(p.as_of, i.deadline),
            );
        }
        let _ = writeln!(s);
    }
    if let Some(n) = cut_note(lang, listed.upcoming.len(), listed.upcoming_total) {
        let _ = writeln!(s, "> {}\n", escape(&n));
    }
}

fn graph(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let g = &p.graph;
    let _ = writeln!(
        s,
        "## {}\n",
        pick(
            lang,
            "Koblinger mellom dokumenter",
            "Koplingar mellom dokument",
            "Links between documents"
        )
    );
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
    for (fact, along, dir, title) in &meta.propagations {
        let n = g
            .received
            .iter()
            .find(|(f, _)| f == fact)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        let name = meta
            .fact_titles
            .iter()
            .find(|(id, _)| id == fact)
            .map(|(_, t)| t.get(lang))
            .unwrap_or(fact);
        let _ = writeln!(
            s,
            "- {} {}: {} ({n} {})",
            escape(title.get(lang)),
            pick(lang, "Det vil si", "Det vil seie", "That is"),
            escape(&super::propagation_words(lang, name, along, dir)),
            pick(
                lang,
                "dokumenter fikk et annet svar av dette",
                "dokument fekk eit anna svar av dette",
                "documents got another answer from this"
            ),
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
    let mut head = vec![
        pick(lang, "dokument", "dokument", "document").to_string(),
        pick(lang, "tittel", "tittel", "title").to_string(),
    ];
    head.extend(meta.groups.iter().map(|(_, t)| escape(t.get(lang))));
    if let Some(h) = meta.headline_title() {
        head.push(escape(h));
    }
    head.extend([
        pick(lang, "vurdering", "vurdering", "standing").to_string(),
        status_word(lang, Status::Violated).to_string(),
        status_word(lang, Status::Pending).to_string(),
        status_word(lang, Status::Unknown).to_string(),
        pick(lang, "forfalt", "forfalle", "overdue").to_string(),
    ]);
    let _ = writeln!(
        s,
        "| {} |\n|{}",
        head.join(" | "),
        "---|".repeat(head.len())
    );
    for (_, row) in &listed.documents {
        let mut cells = vec![
            format!("[{}](#{})", escape(row.name()), anchor(row.name())),
            escape(row.title.as_deref().unwrap_or("")),
        ];
        cells.extend(
            row.groups
                .iter()
                .map(|g| escape(g.as_deref().unwrap_or(""))),
        );
        match &row.outcome {
            RowOutcome::Judged(j) => {
                if meta.headline_title().is_some() {
                    let star = if headline_from_links(row) { " ¹" } else { "" };
                    cells.push(format!("{}{star}", tri(lang, j.headline)));
                }
                cells.extend([
                    grade_word(lang, j.grade).to_string(),
                    j.counts[0].to_string(),
                    j.counts[1].to_string(),
                    j.counts[2].to_string(),
                    j.overdue.to_string(),
                ]);
            }
            RowOutcome::Invalid(_) => {
                if meta.headline_title().is_some() {
                    cells.push(String::new());
                }
                cells.extend([
                    grade_word(lang, Grade::Invalid).to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    if listed.documents.iter().any(|(_, r)| headline_from_links(r)) {
        let _ = writeln!(
            s,
            "\n¹ {}",
            pick(
                lang,
                "Svaret kommer av et dokument dette dokumentet er koblet til.",
                "Svaret kjem frå eit dokument som dette dokumentet er kopla til.",
                "The answer comes from a document this document is linked to."
            )
        );
    }
    let _ = writeln!(s);
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
    let _ = writeln!(
        s,
        "- {}: `{}`",
        pick(lang, "Fil", "Fil", "File"),
        row.label.replace('`', "'")
    );
    for ((_, title), v) in meta
        .groups
        .iter()
        .zip(&row.groups)
        .filter(|_| row.judged().is_some())
    {
        let _ = writeln!(
            s,
            "- {}: {}",
            escape(title.get(lang)),
            escape(&group_value(lang, v))
        );
    }
    let j = match &row.outcome {
        RowOutcome::Invalid(errors) => {
            let _ = writeln!(
                s,
                "- {}: {}",
                pick(lang, "Vurdering", "Vurdering", "Standing"),
                grade_word(lang, Grade::Invalid)
            );
            for e in errors {
                let e = e.in_lang(lang);
                let _ = writeln!(s, "  - {} ({})", escape(&e.one_line()), e.code);
            }
            let _ = writeln!(s);
            return;
        }
        RowOutcome::Judged(j) => j,
    };
    if let Some(title) = meta.headline_title() {
        let from = if j.headline_by_links {
            crate::report::headline_by_links_note(lang)
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "- {}: **{}**{from}",
            escape(title),
            tri(lang, j.headline)
        );
    }
    let _ = writeln!(
        s,
        "- {}: {}",
        pick(lang, "Vurdering", "Vurdering", "Standing"),
        grade_word(lang, j.grade)
    );
    for n in &j.received {
        let _ = writeln!(
            s,
            "- {}: {}",
            pick(
                lang,
                "Fra koblet dokument",
                "Frå kopla dokument",
                "From a linked document"
            ),
            escape(&received_words(meta, n)),
        );
    }
    if !j.links.is_empty() {
        let links: Vec<String> = j
            .links
            .iter()
            .map(|(f, k)| escape(&link_words(lang, f, k)))
            .collect();
        let _ = writeln!(
            s,
            "- {}: {}",
            pick(lang, "Koblinger", "Koplingar", "Links"),
            links.join("; ")
        );
    }
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
        let msg = f.message.get(lang);
        if !msg.is_empty() {
            let _ = writeln!(s, "  - {}", escape(msg));
        }
        for a in crate::report::assumption_lines(lang, &f.assumptions) {
            let _ = writeln!(s, "  - {}", escape(&a));
        }
        if let Some(n) = &f.waiver {
            let w = crate::report::waiver_note_text(lang, n);
            let _ = writeln!(s, "  - {}", escape(&w));
        }
        if !f.missing.is_empty() {
            let list: Vec<String> = f
                .missing
                .iter()
                .map(|m| format!("`{}`", m.replace('`', "'")))
                .collect();
            let _ = writeln!(
                s,
                "  - {}: {}",
                pick(lang, "Oppgi", "Oppgje", "Provide"),
                list.join(", ")
            );
        }
        let remedy = f.rule.remedy.get(lang);
        if !remedy.is_empty() && f.status != Status::Pending {
            let _ = writeln!(
                s,
                "  - {}: {}",
                pick(
                    lang,
                    "Slik retter du det",
                    "Slik rettar du det",
                    "How to fix it"
                ),
                escape(remedy)
            );
        }
        if f.by_links {
            let _ = writeln!(s, "  - {}", crate::report::finding_by_links_note(lang));
        }
        if !f.rule.sources.is_empty() {
            let names: Vec<String> = f
                .rule
                .sources
                .iter()
                .map(|src| src.citation(lang))
                .collect();
            let _ = writeln!(
                s,
                "  - {}: {}",
                pick(
                    lang,
                    "Kilder (sitert under «Kilder per krav»)",
                    "Kjelder (siterte under «Kjelder per krav»)",
                    "Sources (quoted under \"Sources per obligation\")"
                ),
                escape(&names.join("; "))
            );
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

/// Every cited rule's sources with their quotes, once per rule.
fn appendix(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let rules = listed.rules();
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## {}\n",
        pick(
            lang,
            "Kilder per krav",
            "Kjelder per krav",
            "Sources per obligation"
        )
    );
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
    let _ = writeln!(
        s,
        "## {}\n",
        pick(
            lang,
            "Ugyldige dokumenter",
            "Ugyldige dokument",
            "Invalid documents"
        )
    );
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
    let lines = super::waiver_lines(p);
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## {}\n\n{}\n",
        super::waiver_title(lang),
        escape(&super::waiver_summary(lang, p))
    );
    let heads = super::waiver_heads(lang);
    let _ = writeln!(s, "| {} |", heads.join(" | "));
    let _ = writeln!(s, "|---|---|---|---|--:|---|");
    for l in &lines {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            escape(&l.waiver.id),
            escape(&l.waiver.rules.join(", ")),
            l.waiver.expires,
            l.urgency.word(lang),
            l.covers,
            escape(&l.waiver.reason)
        );
    }
    s.push('\n');
}
