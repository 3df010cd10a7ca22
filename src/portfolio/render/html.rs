//! The portfolio as one self-contained HTML page: inline CSS, charts as inline SVG, and a small
//! inline script that sorts and filters the table of documents. Nothing is fetched from anywhere
//! (no external scripts, fonts, images or style sheets; source URLs are shown as text, not links),
//! so the file can be mailed, archived and opened offline. Printable: `@media print` drops the
//! controls and keeps findings whole.

use super::{
    Meta, days_between, deadlines, finding_name, flagged, grade_word, group_value, met_names,
    percent, principles, problem_text, received_text, status_heads, tri,
};
use crate::finding::{Severity, SourceRef, Status};
use crate::portfolio::{Grade, Portfolio, Row, RowOutcome, UPCOMING_DAYS};
use crate::report::{severity_word, status_word, tr};
use crate::text::Lang;
use std::fmt::Write;

/// At most this many rows in each deadline list (the rest are counted).
const MAX_DEADLINES: usize = 500;

pub fn render(meta: &Meta, p: &Portfolio) -> String {
    let lang = meta.lang();
    let mut s = String::with_capacity(64 * 1024 + p.rows.len() * 4096);
    let title = format!(
        "{}: {}",
        tr(lang, "Porteføljerapport", "Portfolio report"),
        meta.run.rules.title.get(lang)
    );
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(&title)
    );
    header(&mut s, meta, p, &title);
    overview(&mut s, meta, p);
    charts(&mut s, meta, p);
    let _ = write!(s, "<div class=\"two\">");
    findings(&mut s, meta, p);
    deadline_lists(&mut s, meta, p);
    s.push_str("</div>\n");
    details(&mut s, meta, p);
    graph(&mut s, meta, p);
    table(&mut s, meta, p);
    documents(&mut s, meta, p);
    errors(&mut s, lang, p);
    let _ = write!(
        s,
        "<footer>{} {} · {} {} · {} {}</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        crate::report::TOOL_NAME,
        esc(&meta.run.tool_version),
        tr(lang, "regelsett", "rule set"),
        esc(&meta.run.rules.id),
        tr(lang, "vurdert per", "as of"),
        p.as_of
    );
    s
}

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn grade_class(g: Grade) -> &'static str {
    match g {
        Grade::ViolatedMust => "g-vm",
        Grade::ViolatedShould => "g-vs",
        Grade::Pending => "g-p",
        Grade::Unknown => "g-u",
        Grade::Ok => "g-ok",
        Grade::Invalid => "g-inv",
    }
}

fn status_class(st: Status) -> &'static str {
    match st {
        Status::Violated => "s-v",
        Status::Pending => "s-p",
        Status::Unknown => "s-u",
        Status::Met => "s-m",
        Status::NotApplicable | Status::NotInForce | Status::Waived => "s-n",
    }
}

fn anchor(i: usize) -> String {
    format!("d{i}")
}

fn header(s: &mut String, meta: &Meta, p: &Portfolio, title: &str) {
    let lang = meta.lang();
    let run = &meta.run;
    let _ = write!(
        s,
        "<header><h1>{}</h1><p class=\"sub\">{} <code>{}</code> {} ({}) · {} <strong>{}</strong> · {} {}</p>",
        esc(title),
        tr(lang, "Regelsett", "Rule set"),
        esc(&run.rules.id),
        esc(&run.rules.version),
        esc(&run.rules.origin),
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
                    "<code>{}</code> = {} ({} {})",
                    esc(&x.id),
                    esc(&x.value),
                    tr(lang, "standard", "default"),
                    esc(&x.default)
                )
            })
            .collect();
        let _ = write!(
            s,
            "<p class=\"sub\">{}: {}</p>",
            tr(lang, "Overstyrte parametere", "Overridden parameters"),
            list.join(", ")
        );
    }
    let _ = write!(
        s,
        "<nav><a href=\"#overview\">{}</a><a href=\"#findings\">{}</a><a href=\"#charts\">{}</a>\
         <a href=\"#deadlines\">{}</a><a href=\"#links\">{}</a><a href=\"#table\">{}</a>",
        tr(lang, "Oversikt", "Overview"),
        tr(lang, "Funn", "Findings"),
        tr(lang, "Diagrammer", "Charts"),
        tr(lang, "Frister", "Deadlines"),
        tr(lang, "Koblinger", "Links"),
        tr(lang, "Dokumenter", "Documents"),
    );
    if !p.errors.is_empty() {
        let _ = write!(
            s,
            "<a href=\"#errors\">{}</a>",
            tr(lang, "Ugyldige", "Invalid")
        );
    }
    s.push_str("</nav></header>\n<main>\n");
}

fn card(s: &mut String, label: &str, value: u64, note: &str, class: &str) {
    let _ = write!(
        s,
        "<div class=\"card {class}\"><div class=\"num\">{value}</div><div class=\"lbl\">{}</div>{}</div>",
        esc(label),
        if note.is_empty() {
            String::new()
        } else {
            format!("<div class=\"note\">{}</div>", esc(note))
        }
    );
}

fn overview(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = write!(
        s,
        "<section id=\"overview\"><h2>{}</h2><div class=\"overview\"><div class=\"cg\"><h3>{}</h3><div class=\"cards\">",
        tr(lang, "Oversikt", "Overview"),
        tr(lang, "Innganger", "Inputs"),
    );
    card(s, tr(lang, "innganger", "inputs"), a.inputs, "", "");
    card(s, tr(lang, "vurdert", "evaluated"), a.evaluated, "", "");
    card(
        s,
        tr(lang, "ugyldige", "invalid"),
        a.invalid,
        "",
        if a.invalid > 0 { "g-inv" } else { "" },
    );
    let _ = write!(s, "</div></div>");
    if let Some(title) = meta.headline_title() {
        let [yes, no, unknown] = a.headline;
        let total = yes + no + unknown;
        let _ = write!(
            s,
            "<div class=\"cg\"><h3>{}</h3><div class=\"cards\">",
            esc(title)
        );
        card(s, tr(lang, "ja", "yes"), yes, &percent(yes, total), "h-yes");
        card(s, tr(lang, "nei", "no"), no, &percent(no, total), "h-no");
        card(
            s,
            tr(lang, "ukjent", "unknown"),
            unknown,
            &percent(unknown, total),
            "h-unk",
        );
        let _ = write!(s, "</div>");
        if a.headline_received > 0 {
            let _ = write!(
                s,
                "<p class=\"small\">{} {}</p>",
                a.headline_received,
                tr(
                    lang,
                    "svar endret av koblede dokumenter",
                    "answers changed by linked documents"
                )
            );
        }
        let _ = write!(s, "</div>");
    }
    let _ = write!(
        s,
        "<div class=\"cg\"><h3>{}</h3><div class=\"cards\">",
        tr(lang, "Vurdering per inngang", "Standing per input")
    );
    for (g, n) in Grade::ALL.iter().zip(a.grades) {
        card(s, grade_word(lang, *g), n, "", grade_class(*g));
    }
    s.push_str("</div></div></div></section>\n");
}

fn findings(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = write!(
        s,
        "<section id=\"findings\"><h2>{}</h2><table class=\"num\"><thead><tr><th></th>",
        tr(
            lang,
            "Funn etter status og alvorlighet",
            "Findings by status and severity"
        )
    );
    for (st, h) in Status::ALL.iter().zip(status_heads(lang)) {
        let _ = write!(s, "<th class=\"{}\">{}</th>", status_class(*st), esc(h));
    }
    let _ = write!(
        s,
        "<th>{}</th></tr></thead><tbody>",
        tr(lang, "sum", "total")
    );
    let rows = [
        (severity_word(lang, Severity::Must), &a.by_severity[0]),
        (severity_word(lang, Severity::Should), &a.by_severity[1]),
        (tr(lang, "sum", "total"), &a.by_status),
    ];
    for (name, counts) in rows {
        let _ = write!(s, "<tr><th>{}</th>", esc(name));
        for n in counts {
            let _ = write!(s, "<td>{n}</td>");
        }
        let _ = write!(s, "<td>{}</td></tr>", counts.iter().sum::<u64>());
    }
    let _ = write!(s, "</tbody></table>");
    let list = principles(meta, p);
    if !list.is_empty() {
        let _ = write!(
            s,
            "<h3>{}</h3><table class=\"num\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            tr(lang, "Per prinsipp", "By principle"),
            tr(lang, "prinsipp", "principle"),
            tr(lang, "brudd skal", "violated must"),
            tr(lang, "brudd bør", "violated should"),
            status_word(lang, Status::Pending),
            status_word(lang, Status::Unknown),
        );
        for x in list {
            let _ = write!(
                s,
                "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(x.principle.title.get(lang)),
                x.violated[0],
                x.violated[1],
                x.by_status[1],
                x.by_status[2]
            );
        }
        let _ = write!(s, "</tbody></table>");
    }
    s.push_str("</section>\n");
}

/// A horizontal bar chart: one bar per label, stacked segments (value, class, legend).
struct Bar {
    label: String,
    title: String,
    segments: Vec<(u64, &'static str)>,
}

fn bar_chart(s: &mut String, bars: &[Bar], legend: &[(&str, &'static str)], aria: &str) {
    const W: u64 = 760;
    const LABEL: u64 = 170;
    const ROW: u64 = 22;
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|x| x.0).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot = W - LABEL - 60;
    let h = ROW * bars.len() as u64 + 30;
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\">",
        esc(aria)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as u64 * ROW + 4;
        let _ = write!(
            s,
            "<g><title>{}</title><text x=\"{}\" y=\"{}\" class=\"lbl\" text-anchor=\"end\">{}</text>",
            esc(&b.title),
            LABEL - 6,
            y + 14,
            esc(&b.label)
        );
        let mut x = LABEL;
        let mut total = 0;
        for (n, class) in &b.segments {
            let w = n * plot / max;
            if *n > 0 {
                let _ = write!(
                    s,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" class=\"{class}\"/>",
                    w.max(1),
                    ROW - 6
                );
            }
            x += w;
            total += n;
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" class=\"val\">{total}</text></g>",
            x + 4,
            y + 14
        );
    }
    let mut x = LABEL;
    let y = ROW * bars.len() as u64 + 14;
    for (name, class) in legend {
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" class=\"{class}\"/><text x=\"{}\" y=\"{}\" class=\"lbl\">{}</text>",
            y - 2,
            x + 16,
            y + 8,
            esc(name)
        );
        x += 20 + 8 * name.chars().count() as u64;
    }
    let _ = write!(s, "</svg>");
}

fn legend(lang: Lang) -> [(&'static str, &'static str); 2] {
    [
        (severity_word(lang, Severity::Must), "b-must"),
        (severity_word(lang, Severity::Should), "b-should"),
    ]
}

/// The two charts side by side: violations per obligation and per value of the first group.
fn charts(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let heading = tr(lang, "Brudd per krav", "Violations per obligation");
    let _ = write!(
        s,
        "<div class=\"two\" id=\"charts\"><section><h2>{}</h2>",
        heading
    );
    let bars: Vec<Bar> = meta
        .run
        .obligations
        .iter()
        .zip(&a.obligations)
        .map(|(o, c)| {
            let n = c.by_status[0];
            let class = match o.severity {
                Some(Severity::Should) => "b-should",
                _ => "b-must",
            };
            Bar {
                label: o.id.clone(),
                title: format!("{} {}: {n}", o.id, o.title.get(lang)),
                segments: vec![(n, class)],
            }
        })
        .collect();
    bar_chart(s, &bars, &legend(lang), heading);
    let _ = write!(s, "</section>");
    for ((_, title), table) in meta.groups.iter().zip(&a.groups) {
        let heading = format!(
            "{} {}",
            tr(lang, "Brudd per", "Violations per"),
            title.get(lang).to_lowercase()
        );
        let _ = write!(s, "<section><h2>{}</h2>", esc(&heading));
        let bars: Vec<Bar> = table
            .values
            .iter()
            .map(|(v, c)| {
                let label = group_value(lang, v);
                Bar {
                    title: format!(
                        "{label}: {} {}, {} {}",
                        c.violated[0],
                        severity_word(lang, Severity::Must),
                        c.violated[1],
                        severity_word(lang, Severity::Should)
                    ),
                    label,
                    segments: vec![(c.violated[0], "b-must"), (c.violated[1], "b-should")],
                }
            })
            .collect();
        bar_chart(s, &bars, &legend(lang), &heading);
        let _ = write!(s, "</section>");
    }
    s.push_str("</div>\n");
}

/// The counts behind the charts: per obligation and per group value.
fn details(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let a = &p.aggregates;
    let _ = write!(
        s,
        "<section id=\"details\"><h2>{}</h2><div class=\"two\"><div><h3>{}</h3>",
        tr(
            lang,
            "Tall per krav og gruppe",
            "Counts per obligation and group"
        ),
        tr(lang, "Per krav", "Per obligation"),
    );
    let _ = write!(
        s,
        "<table class=\"num\"><thead><tr><th>{}</th><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        tr(lang, "krav", "obligation"),
        tr(lang, "tittel", "title"),
        tr(lang, "alvor", "severity"),
        status_word(lang, Status::Violated),
        status_word(lang, Status::Pending),
        status_word(lang, Status::Unknown),
        tr(lang, "forfalt", "overdue"),
        tr(lang, "snart", "upcoming"),
    );
    for (o, c) in meta.run.obligations.iter().zip(&a.obligations) {
        let _ = write!(
            s,
            "<tr><th>{}</th><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&o.id),
            esc(o.title.get(lang)),
            o.severity.map(|x| severity_word(lang, x)).unwrap_or(""),
            c.by_status[0],
            c.by_status[1],
            c.by_status[2],
            c.overdue,
            c.upcoming
        );
    }
    let _ = write!(s, "</tbody></table></div><div>");
    for ((_, title), table) in meta.groups.iter().zip(&a.groups) {
        let headline = meta
            .headline_title()
            .map(|h| format!("{h} ({})", tr(lang, "ja", "yes")));
        let _ = write!(
            s,
            "<h3>{} {}</h3><table class=\"num\"><thead><tr><th>{}</th><th>{}</th>{}<th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            tr(lang, "Per", "Per"),
            esc(&title.get(lang).to_lowercase()),
            esc(title.get(lang)),
            tr(lang, "dokumenter", "documents"),
            headline
                .as_ref()
                .map(|h| format!("<th>{}</th>", esc(h)))
                .unwrap_or_default(),
            tr(lang, "med brudd på skal-krav", "with violated must"),
            tr(lang, "brudd skal", "violated must"),
            tr(lang, "brudd bør", "violated should"),
            tr(lang, "forfalt", "overdue"),
        );
        for (v, c) in &table.values {
            let _ = write!(
                s,
                "<tr><th>{}</th><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&group_value(lang, v)),
                c.documents,
                if headline.is_some() {
                    format!("<td>{}</td>", c.headline[0])
                } else {
                    String::new()
                },
                c.grades[Grade::ViolatedMust.index()],
                c.violated[0],
                c.violated[1],
                c.overdue
            );
        }
        let _ = write!(s, "</tbody></table>");
    }
    s.push_str("</div></div></section>\n");
}

fn deadline_lists(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let (overdue, upcoming) = deadlines(p);
    let _ = write!(
        s,
        "<section id=\"deadlines\"><h2>{}</h2><h3>{} <span class=\"count\">{}</span></h3><div class=\"scroll\">",
        tr(lang, "Frister", "Deadlines"),
        tr(
            lang,
            "Forfalt (fristen er passert uten at kravet er vist oppfylt)",
            "Overdue (deadline passed without the obligation shown to be met)"
        ),
        overdue.len()
    );
    if overdue.is_empty() {
        let _ = write!(s, "<p>{}</p>", tr(lang, "Ingen.", "None."));
    } else {
        let _ = write!(
            s,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            tr(lang, "frist", "deadline"),
            tr(lang, "dokument", "document"),
            tr(lang, "krav", "obligation"),
            tr(lang, "status", "status"),
            tr(lang, "dager over", "days late"),
        );
        for i in overdue.iter().take(MAX_DEADLINES) {
            let _ = write!(
                s,
                "<tr><td>{}</td><td><a href=\"#{}\">{}</a></td><td>{}</td><td><span class=\"st {}\">{}</span></td><td class=\"r\">{}</td></tr>",
                i.deadline,
                anchor(i.index),
                esc(i.row.name()),
                esc(&finding_name(i.finding)),
                status_class(i.finding.status),
                status_word(lang, i.finding.status),
                days_between(i.deadline, p.as_of)
            );
        }
        let _ = write!(s, "</tbody></table>");
        more(s, lang, overdue.len());
    }
    let _ = write!(
        s,
        "</div><h3>{} {UPCOMING_DAYS} {} <span class=\"count\">{}</span></h3><div class=\"scroll\">",
        tr(lang, "Kommende, neste", "Upcoming, next"),
        tr(lang, "dager", "days"),
        upcoming.len()
    );
    if upcoming.is_empty() {
        let _ = write!(s, "<p>{}</p>", tr(lang, "Ingen.", "None."));
    } else {
        let _ = write!(
            s,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            tr(lang, "frist", "deadline"),
            tr(lang, "dokument", "document"),
            tr(lang, "krav", "obligation"),
            tr(lang, "dager igjen", "days left"),
        );
        for i in upcoming.iter().take(MAX_DEADLINES) {
            let _ = write!(
                s,
                "<tr><td>{}</td><td><a href=\"#{}\">{}</a></td><td>{}</td><td class=\"r\">{}</td></tr>",
                i.deadline,
                anchor(i.index),
                esc(i.row.name()),
                esc(&finding_name(i.finding)),
                days_between(p.as_of, i.deadline)
            );
        }
        let _ = write!(s, "</tbody></table>");
        more(s, lang, upcoming.len());
    }
    s.push_str("</div></section>\n");
}

fn more(s: &mut String, lang: Lang, n: usize) {
    if n > MAX_DEADLINES {
        let _ = write!(
            s,
            "<p class=\"small\">… {} {}</p>",
            n - MAX_DEADLINES,
            tr(lang, "til", "more")
        );
    }
}

fn graph(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let g = &p.graph;
    let _ = write!(
        s,
        "<section id=\"links\"><h2>{}</h2><p>{}: {} · {}: {} · {}: {}</p>",
        tr(
            lang,
            "Koblinger mellom dokumenter",
            "Links between documents"
        ),
        tr(lang, "koblinger", "links"),
        g.links,
        tr(lang, "brutte koblinger", "dangling links"),
        g.dangling.len(),
        tr(lang, "ringer", "cycles"),
        g.cycles.len()
    );
    if !meta.propagations.is_empty() {
        let _ = write!(s, "<ul>");
        for (fact, along, dir, title) in &meta.propagations {
            let n = g
                .received
                .iter()
                .find(|(f, _)| f == fact)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            let _ = write!(
                s,
                "<li><code>{}</code> {} <code>{}</code> ({}): {} <span class=\"small\">({n} {})</span></li>",
                esc(fact),
                tr(lang, "langs", "along"),
                esc(along),
                esc(dir),
                esc(title.get(lang)),
                tr(lang, "dokumenter endret", "documents changed")
            );
        }
        let _ = write!(s, "</ul>");
    }
    let problems: Vec<(Option<&str>, String)> = g
        .cycles
        .iter()
        .map(|(field, path)| {
            (
                path.first().map(String::as_str),
                problem_text(
                    lang,
                    &crate::portfolio::LinkProblem::Cycle {
                        field: field.clone(),
                        path: path.clone(),
                    },
                ),
            )
        })
        .chain(g.dangling.iter().map(|(from, field, target)| {
            (
                Some(from.as_str()),
                problem_text(
                    lang,
                    &crate::portfolio::LinkProblem::Dangling {
                        field: field.clone(),
                        target: target.clone(),
                    },
                ),
            )
        }))
        .collect();
    if !problems.is_empty() {
        let _ = write!(s, "<ul class=\"warn\">");
        for (from, text) in problems {
            let _ = write!(
                s,
                "<li>{}{}</li>",
                from.map(|f| format!("<strong>{}</strong>: ", esc(f)))
                    .unwrap_or_default(),
                esc(&text)
            );
        }
        let _ = write!(s, "</ul>");
    }
    s.push_str("</section>\n");
}

fn table(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = write!(
        s,
        "<section id=\"table\"><h2>{}</h2><div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"{}\" aria-label=\"{}\">\
         <select id=\"g\" aria-label=\"{}\"><option value=\"\">{}</option>",
        tr(lang, "Dokumenter", "Documents"),
        tr(lang, "Filtrer …", "Filter …"),
        tr(lang, "Filtrer", "Filter"),
        tr(lang, "Vurdering", "Standing"),
        tr(lang, "alle vurderinger", "all standings"),
    );
    for g in Grade::ALL {
        let _ = write!(
            s,
            "<option value=\"{}\">{}</option>",
            g.name(),
            grade_word(lang, g)
        );
    }
    let _ = write!(
        s,
        "</select> <span id=\"shown\" class=\"small\"></span></div><table id=\"docs\" class=\"sortable\"><thead><tr><th data-t=\"s\">{}</th><th data-t=\"s\">{}</th>",
        tr(lang, "dokument", "document"),
        tr(lang, "tittel", "title"),
    );
    for (_, t) in &meta.groups {
        let _ = write!(s, "<th data-t=\"s\">{}</th>", esc(t.get(lang)));
    }
    if let Some(h) = meta.headline_title() {
        let _ = write!(s, "<th data-t=\"s\">{}</th>", esc(h));
    }
    let _ = write!(
        s,
        "<th data-t=\"n\">{}</th><th data-t=\"n\">{}</th><th data-t=\"n\">{}</th><th data-t=\"n\">{}</th><th data-t=\"n\">{}</th><th data-t=\"s\">{}</th></tr></thead><tbody>",
        tr(lang, "vurdering", "standing"),
        tr(lang, "brudd skal", "violated must"),
        tr(lang, "brudd bør", "violated should"),
        status_word(lang, Status::Pending),
        status_word(lang, Status::Unknown),
        tr(lang, "neste frist", "next deadline"),
    );
    for (i, row) in p.rows.iter().enumerate() {
        let g = row.grade();
        let _ = write!(
            s,
            "<tr data-g=\"{}\"><td><a href=\"#{}\">{}</a></td><td>{}</td>",
            g.name(),
            anchor(i),
            esc(row.name()),
            esc(row.title.as_deref().unwrap_or(""))
        );
        for v in &row.groups {
            let _ = write!(s, "<td>{}</td>", esc(v.as_deref().unwrap_or("")));
        }
        let j = row.judged();
        if meta.headline_title().is_some() {
            let star = if j.is_some_and(|j| j.headline_by_links) {
                "<sup title=\"linked\">↗</sup>"
            } else {
                ""
            };
            let _ = write!(
                s,
                "<td>{}{star}</td>",
                j.map(|j| tri(lang, j.headline)).unwrap_or("")
            );
        }
        let _ = write!(
            s,
            "<td data-v=\"{}\"><span class=\"badge {}\">{}</span></td>",
            g.index(),
            grade_class(g),
            grade_word(lang, g)
        );
        match j {
            Some(j) => {
                let _ = write!(
                    s,
                    "<td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td>{}</td>",
                    j.violated[0],
                    j.violated[1],
                    j.counts[1],
                    j.counts[2],
                    j.next_deadline.map(|d| d.to_string()).unwrap_or_default()
                );
            }
            None => {
                let _ = write!(s, "<td></td><td></td><td></td><td></td><td></td>");
            }
        }
        let _ = write!(s, "</tr>");
    }
    s.push_str("</tbody></table></section>\n");
}

fn documents(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = write!(
        s,
        "<section id=\"docs-detail\"><h2>{}</h2>",
        tr(lang, "Per dokument", "Per document")
    );
    for (i, row) in p.rows.iter().enumerate() {
        document(s, meta, lang, i, row);
    }
    s.push_str("</section>\n");
}

fn document(s: &mut String, meta: &Meta, lang: Lang, i: usize, row: &Row) {
    let g = row.grade();
    let _ = write!(
        s,
        "<article class=\"doc\" id=\"{}\"><h3><span class=\"badge {}\">{}</span> {}{}</h3><dl>",
        anchor(i),
        grade_class(g),
        grade_word(lang, g),
        esc(row.name()),
        row.title
            .as_deref()
            .map(|t| format!(" <span class=\"t\">{}</span>", esc(t)))
            .unwrap_or_default()
    );
    let _ = write!(
        s,
        "<dt>{}</dt><dd><code>{}</code></dd>",
        tr(lang, "Inngang", "Input"),
        esc(&row.label)
    );
    for ((_, title), v) in meta
        .groups
        .iter()
        .zip(&row.groups)
        .filter(|_| row.judged().is_some())
    {
        let _ = write!(
            s,
            "<dt>{}</dt><dd>{}</dd>",
            esc(title.get(lang)),
            esc(&group_value(lang, v))
        );
    }
    let j = match &row.outcome {
        RowOutcome::Invalid(errors) => {
            let _ = write!(s, "</dl><ul class=\"errs\">");
            for e in errors {
                let _ = write!(
                    s,
                    "<li>{} <span class=\"small\">({})</span>{}</li>",
                    esc(&e.one_line()),
                    esc(&e.code),
                    e.help
                        .as_deref()
                        .map(|h| format!("<br><span class=\"small\">{}</span>", esc(h)))
                        .unwrap_or_default()
                );
            }
            s.push_str("</ul></article>\n");
            return;
        }
        RowOutcome::Judged(j) => j,
    };
    if let Some(h) = meta.headline_title() {
        let _ = write!(
            s,
            "<dt>{}</dt><dd><strong>{}</strong>{}</dd>",
            esc(h),
            tri(lang, j.headline),
            if j.headline_by_links {
                crate::report::headline_by_links_note(lang)
            } else {
                ""
            }
        );
    }
    for n in &j.received {
        let _ = write!(
            s,
            "<dt>{}</dt><dd>{} <span class=\"small\">— {}</span></dd>",
            crate::report::capitalised(crate::report::from_linked(lang)),
            esc(&received_text(lang, n)),
            esc(n.title.get(lang))
        );
    }
    if !j.links.is_empty() {
        let links: Vec<String> = j
            .links
            .iter()
            .map(|(f, k)| format!("{} → {}", esc(f), esc(k)))
            .collect();
        let _ = write!(
            s,
            "<dt>{}</dt><dd>{}</dd>",
            tr(lang, "Koblinger", "Links"),
            links.join(", ")
        );
    }
    let _ = write!(s, "</dl>");
    if !j.problems.is_empty() {
        let _ = write!(s, "<ul class=\"warn\">");
        for x in &j.problems {
            let _ = write!(s, "<li>{}</li>", esc(&problem_text(lang, x)));
        }
        let _ = write!(s, "</ul>");
    }
    let list = flagged(j);
    if !list.is_empty() {
        let _ = write!(s, "<ul class=\"findings\">");
        for f in list {
            let _ = write!(
                s,
                "<li><span class=\"st {}\">{}</span> <span class=\"sev\">{}</span> <strong>{}</strong> {}",
                status_class(f.status),
                status_word(lang, f.status),
                f.rule
                    .severity
                    .map(|x| severity_word(lang, x))
                    .unwrap_or(""),
                esc(&finding_name(f)),
                esc(f.rule.title.get(lang)),
            );
            if let Some(d) = f.deadline {
                let _ = write!(
                    s,
                    " <span class=\"dl\">{} {d}</span>",
                    tr(lang, "frist", "deadline")
                );
            }
            let msg = f.message.get(lang);
            if !msg.is_empty() {
                let _ = write!(s, "<p>{}</p>", esc(msg));
            }
            if !f.missing.is_empty() {
                let list: Vec<String> = f
                    .missing
                    .iter()
                    .map(|m| format!("<code>{}</code>", esc(m)))
                    .collect();
                let _ = write!(
                    s,
                    "<p class=\"small\">{}: {}</p>",
                    tr(lang, "Oppgi", "Provide"),
                    list.join(", ")
                );
            }
            if f.by_links {
                let _ = write!(
                    s,
                    "<p class=\"small\">↗ {}</p>",
                    crate::report::finding_by_links_note(lang)
                );
            }
            sources(s, lang, &f.rule.sources);
            let _ = write!(s, "</li>");
        }
        let _ = write!(s, "</ul>");
    }
    let met: Vec<String> = met_names(j).iter().map(|n| esc(n)).collect();
    if !met.is_empty() {
        let _ = write!(
            s,
            "<p class=\"small\">{}: {}</p>",
            tr(lang, "Oppfylt", "Met"),
            met.join(", ")
        );
    }
    s.push_str("</article>\n");
}

fn sources(s: &mut String, lang: Lang, list: &[SourceRef]) {
    if list.is_empty() {
        return;
    }
    let _ = write!(s, "<ul class=\"src\">");
    for src in list {
        match src {
            SourceRef::Seed { file, line, quote } => {
                let _ = write!(
                    s,
                    "<li><code>{}:{line}</code> «{}»</li>",
                    esc(file),
                    esc(&crate::report::shorten(quote, 240))
                );
            }
            SourceRef::External {
                title,
                section,
                url,
                paraphrase,
            } => {
                let _ = write!(
                    s,
                    "<li>{}{}{}{}</li>",
                    esc(title),
                    section
                        .as_deref()
                        .map(|x| format!(" {}", esc(x)))
                        .unwrap_or_default(),
                    paraphrase
                        .as_ref()
                        .map(|x| format!(": {}", esc(x.get(lang))))
                        .unwrap_or_default(),
                    // Shown as text, not as a link: the report fetches and links nothing.
                    url.as_deref()
                        .map(|u| format!(" <span class=\"url\">{}</span>", esc(u)))
                        .unwrap_or_default()
                );
            }
        }
    }
    let _ = write!(s, "</ul>");
}

fn errors(s: &mut String, lang: Lang, p: &Portfolio) {
    if p.errors.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<section id=\"errors\"><h2>{} <span class=\"count\">{}</span></h2><ul class=\"errs\">",
        tr(lang, "Ugyldige innganger", "Invalid inputs"),
        p.aggregates.invalid
    );
    for e in &p.errors {
        let _ = write!(
            s,
            "<li><code>{}</code>: {} <span class=\"small\">({})</span></li>",
            esc(&e.label),
            esc(&e.one_line()),
            esc(&e.code)
        );
    }
    s.push_str("</ul></section>\n");
}

const CSS: &str = r#"
:root{--fg:#1d2733;--mut:#5b6775;--line:#d8dee6;--bg:#fff;--soft:#f4f6f9;
--vm:#c0392b;--vs:#e67e22;--p:#d4a500;--u:#8a96a3;--ok:#2e8b57;--inv:#34495e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px 8px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:18px 0 8px}
.sub{margin:2px 0;color:var(--mut)}
nav{margin-top:10px;display:flex;flex-wrap:wrap;gap:4px 14px}nav a{color:#1f5fa8;text-decoration:none}
main{padding:0 28px 28px;max-width:1320px}
.overview{display:flex;flex-wrap:wrap;gap:6px 28px}.overview h3{margin:6px 0}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{min-width:112px;padding:8px 12px;border:1px solid var(--line);border-left:5px solid var(--line);border-radius:6px;background:#fff}
.card .num{font-size:22px;font-weight:650}.card .lbl{color:var(--mut)}.card .note{font-size:12px;color:var(--mut)}
.card.g-vm{border-left-color:var(--vm)}.card.g-vs{border-left-color:var(--vs)}.card.g-p{border-left-color:var(--p)}
.card.g-u{border-left-color:var(--u)}.card.g-ok{border-left-color:var(--ok)}.card.g-inv{border-left-color:var(--inv)}
.card.h-yes{border-left-color:#1f5fa8}.card.h-no{border-left-color:#9db4cc}.card.h-unk{border-left-color:var(--u)}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
tbody th{white-space:nowrap}thead th{font-weight:600}
thead th{background:var(--soft);position:sticky;top:0}
table.num td{text-align:right}table.num td.l{text-align:left}td.r{text-align:right}
.chart{width:100%;max-width:900px;height:auto;display:block;margin:4px 0 10px}
.chart .lbl{font-size:13px;fill:var(--fg)}.chart .val{font-size:12px;fill:var(--mut)}
.b-must{fill:var(--vm)}.b-should{fill:var(--vs)}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 32px}
.scroll{max-height:360px;overflow:auto;border-bottom:1px solid var(--line)}.scroll table{width:100%;margin:0}
@media (max-width:1000px){.two{grid-template-columns:1fr}}
.count{font-weight:400;color:var(--mut);font-size:13px}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}
.g-vm.badge{background:var(--vm)}.g-vs.badge{background:var(--vs)}.g-p.badge{background:var(--p);color:#222}
.g-u.badge{background:var(--u)}.g-ok.badge{background:var(--ok)}.g-inv.badge{background:var(--inv)}
.st{display:inline-block;min-width:62px;padding:0 6px;border-radius:3px;font-size:12px;text-align:center}
.s-v{background:#f6d5d1}.s-p{background:#fbefc2}.s-u{background:#e4e8ec}.s-m{background:#d3ecdc}.s-n{background:#f0f0f0}
.controls{display:flex;gap:8px;align-items:center;margin:6px 0}
.controls input,.controls select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px}
.controls input{width:320px}
table.sortable th{cursor:pointer;user-select:none}table.sortable th.asc::after{content:" ▲"}table.sortable th.desc::after{content:" ▼"}
#docs{width:100%}
.doc{border:1px solid var(--line);border-radius:6px;padding:8px 14px;margin:12px 0}
.doc h3{margin:4px 0 8px}.doc .t{font-weight:400;color:var(--mut)}
.doc dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px}
.doc dt{color:var(--mut)}.doc dd{margin:0}
ul.findings{list-style:none;padding:0;margin:0}ul.findings>li{padding:6px 0;border-top:1px dashed var(--line)}
ul.findings p{margin:3px 0 3px 2px}.sev{color:var(--mut);font-size:12px}.dl{color:var(--vm);font-size:12px}
ul.src{margin:2px 0 0 18px;padding:0;font-size:12px;color:var(--mut)}.url{word-break:break-all}
ul.warn{color:#8a4b00}ul.errs{color:var(--inv)}
.small{font-size:12px;color:var(--mut)}
footer{padding:12px 28px;color:var(--mut);border-top:1px solid var(--line);font-size:12px}
@media print{nav,.controls{display:none}header{background:none}thead th{position:static}
body{font-size:11px}main{max-width:none;padding:0}h2{break-after:avoid}h3{break-after:avoid}
.doc,ul.findings>li,tr,.chart{break-inside:avoid}.scroll{max-height:none;overflow:visible}a{color:inherit;text-decoration:none}
.two{grid-template-columns:1fr 1fr}.card{min-width:100px}}
"#;

const SCRIPT: &str = r#"
(function(){
var t=document.getElementById('docs');if(!t)return;
var body=t.tBodies[0],q=document.getElementById('q'),g=document.getElementById('g'),shown=document.getElementById('shown');
function apply(){var s=(q.value||'').toLowerCase(),k=g.value,n=0;
for(var i=0;i<body.rows.length;i++){var r=body.rows[i];
var ok=(!k||r.getAttribute('data-g')===k)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);
r.style.display=ok?'':'none';if(ok)n++;}
shown.textContent=n+' / '+body.rows.length;}
q.addEventListener('input',apply);g.addEventListener('change',apply);
var ths=t.tHead.rows[0].cells;
for(var c=0;c<ths.length;c++)(function(c){ths[c].addEventListener('click',function(){
var num=ths[c].getAttribute('data-t')==='n',asc=!ths[c].classList.contains('asc');
for(var j=0;j<ths.length;j++)ths[j].classList.remove('asc','desc');
ths[c].classList.add(asc?'asc':'desc');
var rows=Array.prototype.slice.call(body.rows);
function v(r){var cell=r.cells[c],d=cell.getAttribute('data-v');var x=d!==null?d:cell.textContent.trim();
return num?(x===''?-1:parseFloat(x)):x.toLowerCase();}
rows.sort(function(a,b){var x=v(a),y=v(b);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
rows.forEach(function(r){body.appendChild(r);});});})(c);
apply();})();
"#;
