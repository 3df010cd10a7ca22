//! The portfolio as Markdown (GitHub flavoured): the same sections as the HTML report — totals,
//! the headline, findings by status and severity, violations per obligation, principle and group
//! (with text bars), deadlines, the link graph, a table of every input and a section per
//! document with its flagged findings and their sources.

use super::{
    Meta, days_between, deadlines, finding_name, flagged, grade_word, group_value,
    headline_from_links, met_names, percent, principles, problem_text, received_text, status_heads,
    tri,
};
use crate::finding::{Severity, Status};
use crate::portfolio::{Grade, Portfolio, Row, RowOutcome, UPCOMING_DAYS};
use crate::report::markdown::escape;
use crate::report::{severity_word, source_text, status_word, tr};
use crate::text::Lang;
use std::fmt::Write;

const QUOTE_CHARS: usize = 120;
const BAR_WIDTH: u64 = 20;

pub fn render(meta: &Meta, p: &Portfolio) -> String {
    let mut s = String::new();
    let lang = meta.lang();
    header(&mut s, meta, p);
    totals(&mut s, meta, p);
    findings(&mut s, meta, p);
    obligations(&mut s, meta, p);
    by_principle(&mut s, meta, p);
    groups(&mut s, meta, p);
    deadline_lists(&mut s, meta, p);
    graph(&mut s, meta, p);
    table(&mut s, meta, p);
    sections(&mut s, meta, p);
    errors(&mut s, lang, p);
    s
}

fn header(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let run = &meta.run;
    let _ = writeln!(
        s,
        "# {}: {}\n",
        tr(lang, "Porteføljerapport", "Portfolio report"),
        escape(run.rules.title.get(lang))
    );
    let _ = writeln!(
        s,
        "{} `{}` {} ({}) · {} {} · {} {}\n",
        tr(lang, "Regelsett", "Rule set"),
        run.rules.id,
        run.rules.version,
        escape(&run.rules.origin),
        tr(lang, "vurdert per", "as of"),
        p.as_of,
        p.aggregates.inputs,
        tr(lang, "innganger", "inputs"),
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
                    tr(lang, "standard", "default"),
                    escape(&x.default)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "{}: {}\n",
            tr(lang, "Overstyrte parametere", "Overridden parameters"),
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
    let _ = writeln!(s, "## {}\n", tr(lang, "Oversikt", "Overview"));
    let _ = writeln!(s, "| | {} |\n|---|---:|", tr(lang, "antall", "count"));
    let _ = writeln!(s, "| {} | {} |", tr(lang, "Innganger", "Inputs"), a.inputs);
    let _ = writeln!(
        s,
        "| {} | {} |",
        tr(lang, "Vurdert", "Evaluated"),
        a.evaluated
    );
    let _ = writeln!(s, "| {} | {} |", tr(lang, "Ugyldige", "Invalid"), a.invalid);
    let _ = writeln!(s);
    if let Some(title) = meta.headline_title() {
        let [yes, no, unknown] = a.headline;
        let total = yes + no + unknown;
        let _ = writeln!(s, "### {}\n", escape(title));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---:|---:|---:|---:|",
            tr(lang, "ja", "yes"),
            tr(lang, "nei", "no"),
            tr(lang, "ukjent", "unknown"),
            tr(
                lang,
                "endret av koblede dokumenter",
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
        tr(lang, "Vurdering per inngang", "Standing per input")
    );
    let _ = writeln!(
        s,
        "| {} | {} | |\n|---|---:|---|",
        tr(lang, "vurdering", "standing"),
        tr(lang, "antall", "count")
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
        tr(
            lang,
            "Funn etter status og alvorlighet",
            "Findings by status and severity"
        )
    );
    let heads = status_heads(lang);
    let _ = writeln!(
        s,
        "| | {} | {} |",
        heads.join(" | "),
        tr(lang, "sum", "total")
    );
    let _ = writeln!(s, "|---|{}---:|", "---:|".repeat(6));
    status_row(s, severity_word(lang, Severity::Must), &a.by_severity[0]);
    status_row(s, severity_word(lang, Severity::Should), &a.by_severity[1]);
    status_row(s, tr(lang, "**sum**", "**total**"), &a.by_status);
    let _ = writeln!(s);
}

fn obligations(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = writeln!(
        s,
        "## {}\n",
        tr(lang, "Brudd per krav", "Violations per obligation")
    );
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} | {} | {} | {} | |\n|---|---|---|---:|---:|---:|---:|---:|---|",
        tr(lang, "krav", "obligation"),
        tr(lang, "tittel", "title"),
        tr(lang, "alvor", "severity"),
        status_word(lang, Status::Violated),
        status_word(lang, Status::Pending),
        status_word(lang, Status::Unknown),
        tr(lang, "forfalt", "overdue"),
        tr(lang, "snart", "upcoming"),
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
        tr(lang, "Brudd per prinsipp", "Violations per principle")
    );
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|",
        tr(lang, "prinsipp", "principle"),
        tr(lang, "brudd skal", "violated must"),
        tr(lang, "brudd bør", "violated should"),
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

fn groups(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    for ((_, title), table) in meta.groups.iter().zip(&p.aggregates.groups) {
        let _ = writeln!(
            s,
            "## {} {}\n",
            tr(lang, "Per", "By"),
            escape(&title.get(lang).to_lowercase())
        );
        let headline = meta
            .headline_title()
            .map(|h| format!("{h} ({})", tr(lang, "ja", "yes")))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | |\n|---|---:|---:|---:|---:|---:|---|",
            escape(title.get(lang)),
            tr(lang, "dokumenter", "documents"),
            escape(&headline),
            tr(lang, "brudd skal", "violated must"),
            tr(lang, "brudd bør", "violated should"),
            tr(lang, "forfalt", "overdue"),
        );
        let max = table
            .values
            .values()
            .map(|c| c.violated[0] + c.violated[1])
            .max()
            .unwrap_or(0);
        for (v, c) in &table.values {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                escape(&group_value(lang, v)),
                c.documents,
                c.headline[0],
                c.violated[0],
                c.violated[1],
                c.overdue,
                bar(c.violated[0] + c.violated[1], max),
            );
        }
        let _ = writeln!(s);
    }
}

fn deadline_lists(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let (overdue, upcoming) = deadlines(p);
    let _ = writeln!(
        s,
        "## {}\n",
        tr(lang, "Forfalte frister", "Overdue deadlines")
    );
    if overdue.is_empty() {
        let _ = writeln!(s, "{}\n", tr(lang, "Ingen.", "None."));
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |\n|---|---|---|---|---:|",
            tr(lang, "frist", "deadline"),
            tr(lang, "dokument", "document"),
            tr(lang, "krav", "obligation"),
            tr(lang, "status", "status"),
            tr(lang, "dager over", "days late"),
        );
        for i in &overdue {
            let _ = writeln!(
                s,
                "| {} | [{}](#{}) | {} | {} | {} |",
                i.deadline,
                escape(i.row.name()),
                anchor(i.row.name()),
                escape(&finding_name(i.finding)),
                status_word(lang, i.finding.status),
                days_between(i.deadline, p.as_of),
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "## {} ({} {})\n",
        tr(lang, "Kommende frister", "Upcoming deadlines"),
        UPCOMING_DAYS,
        tr(lang, "dager", "days")
    );
    if upcoming.is_empty() {
        let _ = writeln!(s, "{}\n", tr(lang, "Ingen.", "None."));
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---|---|---|---:|",
            tr(lang, "frist", "deadline"),
            tr(lang, "dokument", "document"),
            tr(lang, "krav", "obligation"),
            tr(lang, "dager igjen", "days left"),
        );
        for i in &upcoming {
            let _ = writeln!(
                s,
                "| {} | [{}](#{}) | {} | {} |",
                i.deadline,
                escape(i.row.name()),
                anchor(i.row.name()),
                escape(&finding_name(i.finding)),
                days_between(p.as_of, i.deadline),
            );
        }
        let _ = writeln!(s);
    }
}

fn graph(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let g = &p.graph;
    let _ = writeln!(
        s,
        "## {}\n",
        tr(
            lang,
            "Koblinger mellom dokumenter",
            "Links between documents"
        )
    );
    let _ = writeln!(
        s,
        "{}: {}. {}: {}. {}: {}.\n",
        tr(lang, "Koblinger", "Links"),
        g.links,
        tr(lang, "Brutte koblinger", "Dangling links"),
        g.dangling.len(),
        tr(lang, "Ringer", "Cycles"),
        g.cycles.len()
    );
    for (fact, along, dir, title) in &meta.propagations {
        let n = g
            .received
            .iter()
            .find(|(f, _)| f == fact)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        let _ = writeln!(
            s,
            "- `{fact}` {} `{along}` ({dir}): {} — {n} {}",
            tr(lang, "langs", "along"),
            escape(title.get(lang)),
            tr(lang, "dokumenter endret", "documents changed"),
        );
    }
    for (field, path) in &g.cycles {
        let _ = writeln!(
            s,
            "- {}: {}",
            tr(lang, "Ring", "Cycle"),
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
            tr(lang, "Brutt kobling fra", "Dangling link from"),
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

fn table(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = writeln!(s, "## {}\n", tr(lang, "Alle innganger", "All inputs"));
    let mut head = vec![
        tr(lang, "dokument", "document").to_string(),
        tr(lang, "tittel", "title").to_string(),
    ];
    head.extend(meta.groups.iter().map(|(_, t)| escape(t.get(lang))));
    if let Some(h) = meta.headline_title() {
        head.push(escape(h));
    }
    head.extend([
        tr(lang, "vurdering", "standing").to_string(),
        status_word(lang, Status::Violated).to_string(),
        status_word(lang, Status::Pending).to_string(),
        status_word(lang, Status::Unknown).to_string(),
    ]);
    let _ = writeln!(
        s,
        "| {} |\n|{}",
        head.join(" | "),
        "---|".repeat(head.len())
    );
    for row in &p.rows {
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
                ]);
            }
        }
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    if p.rows.iter().any(headline_from_links) {
        let _ = writeln!(
            s,
            "\n¹ {}",
            tr(
                lang,
                "Svaret følger av verdier mottatt fra koblede dokumenter.",
                "The answer follows from values received from linked documents."
            )
        );
    }
    let _ = writeln!(s);
}

fn sections(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = writeln!(s, "## {}\n", tr(lang, "Per dokument", "Per document"));
    for row in &p.rows {
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
        tr(lang, "Inngang", "Input"),
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
                tr(lang, "Vurdering", "Standing"),
                grade_word(lang, Grade::Invalid)
            );
            for e in errors {
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
        tr(lang, "Vurdering", "Standing"),
        grade_word(lang, j.grade)
    );
    for n in &j.received {
        let _ = writeln!(
            s,
            "- {}: {} — {}",
            crate::report::capitalised(crate::report::from_linked(lang)),
            escape(&received_text(lang, n)),
            escape(n.title.get(lang))
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
            let _ = write!(line, " — {} {d}", tr(lang, "frist", "deadline"));
        }
        let _ = writeln!(s, "{line}");
        let msg = f.message.get(lang);
        if !msg.is_empty() {
            let _ = writeln!(s, "  - {}", escape(msg));
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
                tr(lang, "Oppgi", "Provide"),
                list.join(", ")
            );
        }
        if f.by_links {
            let _ = writeln!(s, "  - {}", crate::report::finding_by_links_note(lang));
        }
        for src in &f.rule.sources {
            let _ = writeln!(
                s,
                "  - {}: {}",
                tr(lang, "Kilde", "Source"),
                escape(&source_text(src, QUOTE_CHARS))
            );
        }
    }
    let met: Vec<String> = met_names(j).iter().map(|n| escape(n)).collect();
    if !met.is_empty() {
        let _ = writeln!(s, "- {}: {}", tr(lang, "Oppfylt", "Met"), met.join(", "));
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
        tr(lang, "Ugyldige innganger", "Invalid inputs")
    );
    for e in &p.errors {
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
}
