//! The portfolio as one self-contained HTML page: inline CSS, charts as inline SVG, and a small
//! inline script that sorts and filters the table of documents. Nothing is fetched from anywhere
//! (no external scripts, fonts, images or style sheets; source URLs are shown as text, not links),
//! so the file can be mailed, archived and opened offline. Printable: `@media print` drops the
//! controls and keeps findings whole.
//!
//! Urgency first: after the overview come the deadlines (overdue most recent first, upcoming
//! nearest first), then the shares per group value, the trend, the counts, and the documents to
//! act on with their sections; quotes of sources stand once per rule in an appendix. Colours and
//! text meet WCAG 2.1 AA (axe-core, `html_report_has_no_axe_violations`).
//!
//! What each table, document section and heading holds is built once in [`super::table`], for
//! Markdown too; this module writes it as HTML.

use super::table::{
    self, ANOTHER_ANSWER, BY_STANDING, BY_STATUS, Cell, FIX, INVALID, Kind, LINKS, Note, OVER_TIME,
    OVERRIDDEN, PAST_DEADLINE, PER_OBLIGATION, REPORT, SOURCES, Table, say,
};
use super::{
    DeadlineEntry, Details, Listed, Meta, TrendPoint, cut_note, finding_name, flagged, grade_word,
    group_value, met_names, percent, problem_text, share,
};
use crate::finding::{Severity, SourceRef, Status};
use crate::portfolio::{FindingRow, Grade, Portfolio, Row, RowOutcome, UPCOMING_DAYS};
use crate::report::{severity_word, status_word};
use crate::text::{Lang, pick};
use std::fmt::Write;

pub fn render(meta: &Meta, p: &Portfolio, listed: &Listed) -> String {
    let lang = meta.lang();
    let mut s = String::with_capacity(256 * 1024);
    let title = format!("{}: {}", say(lang, REPORT), meta.run.rules.title.get(lang));
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
    deadline_lists(&mut s, meta, p, listed);
    shares(&mut s, meta, p);
    waivers(&mut s, meta, p);
    trend(&mut s, meta);
    let _ = write!(s, "<div class=\"two\">");
    findings(&mut s, meta, p);
    details(&mut s, meta, p);
    s.push_str("</div>\n");
    charts(&mut s, meta, p);
    graph(&mut s, meta, p);
    table(&mut s, meta, listed);
    documents(&mut s, meta, listed);
    appendix(&mut s, meta, listed);
    errors(&mut s, lang, p);
    let _ = write!(
        s,
        "</main>\n<footer>{} {} · {} {} · {} {}</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        crate::report::TOOL_NAME,
        esc(&meta.run.tool_version),
        pick(lang, "regelsett", "regelsett", "rule set"),
        esc(&meta.run.rules.id),
        pick(lang, "vurdert per", "vurdert per", "as of"),
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
        pick(lang, "Regelsett", "Regelsett", "Rule set"),
        esc(&run.rules.id),
        esc(&run.rules.version),
        esc(&run.rules.origin),
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
                    "<code>{}</code> = {} ({} {})",
                    esc(&x.id),
                    esc(&x.value),
                    pick(lang, "standard", "standard", "default"),
                    esc(&x.default)
                )
            })
            .collect();
        let _ = write!(
            s,
            "<p class=\"sub\">{}: {}</p>",
            say(lang, OVERRIDDEN),
            list.join(", ")
        );
    }
    let _ = write!(
        s,
        "<nav aria-label=\"{}\"><a href=\"#overview\">{}</a><a href=\"#deadlines\">{}</a>",
        pick(lang, "Innhold", "Innhald", "Contents"),
        pick(lang, "Oversikt", "Oversyn", "Overview"),
        pick(lang, "Frister", "Fristar", "Deadlines"),
    );
    if !meta.groups.is_empty() {
        let _ = write!(
            s,
            "<a href=\"#shares\">{}</a>",
            pick(lang, "Andeler", "Delar", "Shares")
        );
    }
    if !meta.trend.is_empty() {
        let _ = write!(
            s,
            "<a href=\"#trend\">{}</a>",
            pick(lang, "Utvikling", "Utvikling", "Over time")
        );
    }
    let _ = write!(
        s,
        "<a href=\"#findings\">{}</a><a href=\"#charts\">{}</a><a href=\"#links\">{}</a><a href=\"#table\">{}</a>",
        pick(lang, "Funn", "Funn", "Findings"),
        pick(lang, "Diagrammer", "Diagram", "Charts"),
        pick(lang, "Koblinger", "Koplingar", "Links"),
        pick(lang, "Dokumenter", "Dokument", "Documents"),
    );
    if !p.errors.is_empty() {
        let _ = write!(
            s,
            "<a href=\"#errors\">{}</a>",
            pick(lang, "Ugyldige", "Ugyldige", "Invalid")
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
        pick(lang, "Oversikt", "Oversyn", "Overview"),
        pick(lang, "Dokumenter", "Dokument", "Documents"),
    );
    card(
        s,
        pick(lang, "dokumenter", "dokument", "documents"),
        a.inputs,
        "",
        "",
    );
    card(
        s,
        pick(lang, "vurdert", "vurdert", "evaluated"),
        a.evaluated,
        "",
        "",
    );
    card(
        s,
        pick(lang, "ugyldige", "ugyldige", "invalid"),
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
        card(
            s,
            pick(lang, "ja", "ja", "yes"),
            yes,
            &percent(yes, total),
            "h-yes",
        );
        card(
            s,
            pick(lang, "nei", "nei", "no"),
            no,
            &percent(no, total),
            "h-no",
        );
        card(
            s,
            pick(lang, "ukjent", "ukjend", "unknown"),
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
                pick(
                    lang,
                    "svar endret av koblede dokumenter",
                    "svar endra av kopla dokument",
                    "answers changed by linked documents"
                )
            );
        }
        let _ = write!(s, "</div>");
    }
    let _ = write!(
        s,
        "<div class=\"cg\"><h3>{}</h3><div class=\"cards\">",
        say(lang, BY_STANDING)
    );
    for (g, n) in Grade::ALL.iter().zip(a.grades) {
        card(s, grade_word(lang, *g), n, "", grade_class(*g));
    }
    s.push_str("</div></div></div></section>\n");
}

fn findings(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let _ = write!(
        s,
        "<section id=\"findings\"><h2>{}</h2>",
        say(lang, BY_STATUS)
    );
    write_table(s, &table::by_status(meta, p), None, Look::Counts);
    if let Some(t) = table::by_principle(meta, p) {
        let by = pick(lang, "Per prinsipp", "Per prinsipp", "By principle");
        let _ = write!(s, "<h3>{by}</h3>");
        write_table(s, &t, None, Look::Counts);
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
    let heading = say(lang, PER_OBLIGATION);
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
            pick(lang, "Brudd per", "Brot per", "Violations per"),
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
    let _ = write!(
        s,
        "<section id=\"details\"><h2>{}</h2>",
        pick(
            lang,
            "Funn per krav",
            "Funn per krav",
            "Findings per obligation"
        ),
    );
    write_table(s, &table::by_obligation(meta, p), None, Look::Counts);
    s.push_str("</section>\n");
}

fn deadline_lists(s: &mut String, meta: &Meta, p: &Portfolio, listed: &Listed) {
    let lang = meta.lang();
    let _ = write!(
        s,
        "<section id=\"deadlines\"><h2>{}</h2><div class=\"two\"><div><h3>{} <span class=\"count\">{}</span></h3>\
         <p class=\"small\">{}</p>",
        pick(lang, "Frister", "Fristar", "Deadlines"),
        pick(
            lang,
            "Forfalt, nyeste først",
            "Forfalle, nyaste først",
            "Overdue, most recent first"
        ),
        listed.overdue_total,
        say(lang, PAST_DEADLINE),
    );
    deadline_table(s, meta, p, &listed.overdue, true);
    if let Some(n) = cut_note(lang, listed.overdue.len(), listed.overdue_total) {
        let _ = write!(s, "<p class=\"cut\">{}</p>", esc(&n));
    }
    let _ = write!(
        s,
        "</div><div><h3>{} {UPCOMING_DAYS} {} <span class=\"count\">{}</span></h3><p class=\"small\">{}</p>",
        pick(lang, "Kommende, neste", "Komande, neste", "Upcoming, next"),
        pick(lang, "dager", "dagar", "days"),
        listed.upcoming_total,
        pick(
            lang,
            "Nærmeste frist først.",
            "Nærmaste frist først.",
            "Nearest deadline first."
        ),
    );
    deadline_table(s, meta, p, &listed.upcoming, false);
    if let Some(n) = cut_note(lang, listed.upcoming.len(), listed.upcoming_total) {
        let _ = write!(s, "<p class=\"cut\">{}</p>", esc(&n));
    }
    s.push_str("</div></div></section>\n");
}

fn deadline_table(s: &mut String, meta: &Meta, p: &Portfolio, list: &[DeadlineEntry], late: bool) {
    let lang = meta.lang();
    if list.is_empty() {
        let _ = write!(s, "<p>{}</p>", pick(lang, "Ingen.", "Ingen.", "None."));
        return;
    }
    let label = if late {
        pick(
            lang,
            "Forfalte frister",
            "Forfalne fristar",
            "Overdue deadlines",
        )
    } else {
        pick(
            lang,
            "Kommende frister",
            "Komande fristar",
            "Upcoming deadlines",
        )
    };
    let t = table::deadlines(meta, p, list, late, true);
    write_table(s, &t, Some(label), Look::Plain("r"));
}

/// Per value of each group field (for samstyring: per ministry, per agency): how many documents,
/// and the share of them with a violated `must`, something pending, something unknown, and the
/// headline answered yes.
fn shares(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    if meta.groups.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<section id=\"shares\"><h2>{}</h2><p class=\"small\">{}</p>",
        pick(lang, "Andeler", "Delar", "Shares"),
        pick(
            lang,
            "Andelen av dokumentene i hver gruppe, med antallet i parentes; store grupper ser ikke verre ut bare fordi de er store.",
            "Delen av dokumenta i kvar gruppe, med talet i parentes; store grupper ser ikkje verre ut berre fordi dei er store.",
            "The share of each group's documents, with the count in brackets; large groups do not look worse only for being large."
        )
    );
    s.push_str("<div class=\"two\">");
    for (title, t) in table::shares(meta, p) {
        let title = title.get(lang);
        let by = pick(lang, "Per", "Per", "By");
        let _ = write!(s, "<div><h3>{by} {}</h3>", esc(&title.to_lowercase()));
        write_table(s, &t, Some(title), Look::Counts);
        s.push_str("</div>");
    }
    s.push_str("</div></section>\n");
}

/// The same portfolio judged at each date of `--trend`: a chart and the table behind it.
fn trend(s: &mut String, meta: &Meta) {
    let lang = meta.lang();
    let points = &meta.trend;
    if points.is_empty() {
        return;
    }
    let heading = say(lang, OVER_TIME);
    let _ = write!(
        s,
        "<section id=\"trend\"><h2>{heading}</h2><p class=\"small\">{}</p>",
        pick(
            lang,
            "Den samme porteføljen vurdert per hver dato: andelen dokumenter uten brudd, og andelen med brudd på skal-krav.",
            "Den same porteføljen vurdert per kvar dato: delen av dokumenta utan brot, og delen med brot på skal-krav.",
            "The same portfolio judged at each date: the share of documents without a violation, and the share with a violated must."
        )
    );
    trend_chart(s, lang, points, heading);
    write_table(s, &table::trend(meta), Some(heading), Look::Counts);
    s.push_str("</section>\n");
}

/// Two lines over the dates: the share without a violation and the share with a violated must.
fn trend_chart(s: &mut String, lang: Lang, points: &[TrendPoint], aria: &str) {
    const W: usize = 900;
    const H: usize = 260;
    const L: usize = 44;
    const R: usize = 16;
    const T: usize = 12;
    const B: usize = 48;
    let n = points.len();
    let plot_w = W - L - R;
    let plot_h = H - T - B;
    let x = |i: usize| {
        if n <= 1 {
            L + plot_w / 2
        } else {
            L + i * plot_w / (n - 1)
        }
    };
    let y = |pc: u64| T + plot_h - (pc.min(100) as usize) * plot_h / 100;
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        esc(aria)
    );
    for pc in [0u64, 25, 50, 75, 100] {
        let yy = y(pc);
        let _ = write!(
            s,
            "<line x1=\"{L}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\" class=\"grid\"/><text x=\"{}\" y=\"{}\" class=\"val\" text-anchor=\"end\">{pc} %</text>",
            W - R,
            L - 6,
            yy + 4
        );
    }
    let every = n.div_ceil(12).max(1);
    for (i, t) in points.iter().enumerate() {
        // The last date too, unless it would crowd the one labelled before it.
        let last = i + 1 == n && (n - 1) % every > every / 2;
        if i % every == 0 || last {
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" class=\"val\" text-anchor=\"middle\">{}</text>",
                x(i),
                H - B + 18,
                &t.as_of.to_string()[..7]
            );
        }
    }
    type Line<'a> = (&'a str, &'a str, fn(&TrendPoint) -> u64);
    let lines: [Line<'_>; 2] = [
        (
            pick(lang, "uten brudd", "utan brot", "without violation"),
            "l-ok",
            |t| t.compliant_percent(),
        ),
        (
            pick(
                lang,
                "brudd på skal-krav",
                "brot på skal-krav",
                "violated must",
            ),
            "l-vm",
            |t| share(t.grades[0], t.evaluated),
        ),
    ];
    for (name, class, get) in lines {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{},{}", x(i), y(get(t))))
            .collect();
        let _ = write!(
            s,
            "<polyline points=\"{}\" class=\"{class}\" fill=\"none\"/>",
            pts.join(" ")
        );
        for (i, t) in points.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" class=\"{class}\"><title>{} {}: {} %</title></circle>",
                x(i),
                y(get(t)),
                t.as_of,
                esc(name),
                get(t)
            );
        }
    }
    let mut lx = L;
    for (name, class, _) in lines {
        let _ = write!(
            s,
            "<line x1=\"{lx}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"{class}\"/><text x=\"{}\" y=\"{}\" class=\"lbl\">{}</text>",
            lx + 18,
            H - 10,
            H - 10,
            lx + 24,
            H - 6,
            esc(name)
        );
        lx += 40 + 8 * name.chars().count();
    }
    let _ = write!(s, "</svg>");
}

fn graph(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let g = &p.graph;
    let _ = write!(
        s,
        "<section id=\"links\"><h2>{}</h2><p>{}: {} · {}: {} · {}: {}</p>",
        say(lang, LINKS),
        pick(lang, "koblinger", "koplingar", "links"),
        g.links,
        pick(
            lang,
            "koblinger til dokumenter som ikke finnes",
            "koplingar til dokument som ikkje finst",
            "links to documents that are not there"
        ),
        g.dangling_total,
        pick(
            lang,
            "koblinger som går i ring",
            "koplingar som går i ring",
            "links that go round in a circle"
        ),
        g.cycles_total
    );
    if !meta.propagations.is_empty() {
        let _ = write!(s, "<ul>");
        for (title, words, n) in super::propagations(meta, p) {
            let _ = write!(
                s,
                "<li>{} {}: {} <span class=\"small\">({n} {})</span></li>",
                esc(&title),
                pick(lang, "Det vil si", "Det vil seie", "That is"),
                esc(&words),
                say(lang, ANOTHER_ANSWER)
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

fn table(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let all = listed.details == Details::All;
    let _ = write!(
        s,
        "<section id=\"table\"><h2>{} <span class=\"count\">{}</span></h2><p class=\"small\">{}</p><div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"{}\" aria-label=\"{}\">\
         <select id=\"g\" aria-label=\"{}\"><option value=\"\">{}</option>",
        if all {
            pick(lang, "Alle dokumenter", "Alle dokument", "Every document")
        } else {
            pick(
                lang,
                "Dokumenter å følge opp",
                "Dokument å følgje opp",
                "Documents to act on",
            )
        },
        listed.documents_total,
        if all {
            pick(
                lang,
                "Det mest presserende først.",
                "Det mest pressande først.",
                "The most urgent first.",
            )
        } else {
            pick(
                lang,
                "Dokumenter med brudd, noe som venter eller noe ukjent; det mest presserende først.",
                "Dokument med brot, noko som ventar eller noko ukjend; det mest pressande først.",
                "Documents with a violation, something pending or something unknown; the most urgent first.",
            )
        },
        pick(lang, "Filtrer …", "Filtrer …", "Filter …"),
        pick(lang, "Filtrer", "Filtrer", "Filter"),
        pick(lang, "Vurdering", "Vurdering", "Standing"),
        pick(
            lang,
            "alle vurderinger",
            "alle vurderingar",
            "all standings"
        ),
    );
    for g in Grade::ALL {
        let _ = write!(
            s,
            "<option value=\"{}\">{}</option>",
            g.name(),
            grade_word(lang, g)
        );
    }
    s.push_str("</select> <span id=\"shown\" class=\"small\" aria-live=\"polite\"></span></div>");
    let label = pick(lang, "Dokumenter", "Dokument", "Documents");
    let t = table::documents(meta, listed, true);
    write_table(s, &t, Some(label), Look::Sortable);
    if let Some(n) = cut_note(lang, listed.documents.len(), listed.documents_total) {
        let _ = write!(s, "<p class=\"cut\">{}</p>", esc(&n));
    }
    s.push_str("</section>\n");
}

fn documents(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let _ = write!(
        s,
        "<section id=\"docs-detail\"><h2>{}</h2>",
        pick(lang, "Per dokument", "Per dokument", "Per document")
    );
    for (i, row) in &listed.documents {
        document(s, meta, lang, *i, row);
    }
    if let Some(n) = cut_note(lang, listed.documents.len(), listed.documents_total) {
        let _ = write!(s, "<p class=\"cut\">{}</p>", esc(&n));
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
    for (label, value) in table::facts(meta, row, false) {
        let value = cell(lang, &value, false);
        let _ = write!(s, "<dt>{}</dt><dd>{value}</dd>", esc(&label));
    }
    let j = match &row.outcome {
        RowOutcome::Invalid(errors) => {
            let _ = write!(s, "</dl><ul class=\"errs\">");
            for e in errors {
                let e = e.in_lang(lang);
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
                    pick(lang, "frist", "frist", "deadline")
                );
            }
            for note in table::notes(lang, f) {
                finding_note(s, lang, f, note);
            }
            let _ = write!(s, "</li>");
        }
        let _ = write!(s, "</ul>");
    }
    let met: Vec<String> = met_names(j).iter().map(|n| esc(n)).collect();
    if !met.is_empty() {
        let _ = write!(
            s,
            "<p class=\"small\">{}: {}</p>",
            pick(lang, "Oppfylt", "Oppfylt", "Met"),
            met.join(", ")
        );
    }
    s.push_str("</article>\n");
}

fn finding_note(s: &mut String, lang: Lang, f: &FindingRow, note: Note) {
    let _ = match note {
        Note::Message(m) => write!(s, "<p>{}</p>", esc(&m)),
        Note::Aside(x) => write!(s, "<p class=\"small\">{}</p>", esc(&x)),
        Note::Provide(fields) => {
            let list: Vec<String> = fields
                .iter()
                .map(|m| format!("<code>{}</code>", esc(m)))
                .collect();
            let provide = pick(lang, "Oppgi", "Oppgje", "Provide");
            write!(s, "<p class=\"small\">{provide}: {}</p>", list.join(", "))
        }
        Note::Fix(remedy) => write!(
            s,
            "<p class=\"fix\"><strong>{}:</strong> {}</p>",
            say(lang, FIX),
            esc(&remedy)
        ),
        // By name, pointing to the appendix where each rule's quotes stand once.
        Note::Sources(names) => write!(
            s,
            "<p class=\"small\">{}: <a href=\"#src-{}\">{}</a></p>",
            pick(lang, "Kilder", "Kjelder", "Sources"),
            esc(&f.rule.id),
            esc(&names)
        ),
    };
}

/// The sources of every rule the sections cite, each rule once, with its quotes.
fn appendix(s: &mut String, meta: &Meta, listed: &Listed) {
    let lang = meta.lang();
    let rules = listed.rules();
    if rules.is_empty() {
        return;
    }
    let _ = write!(s, "<section id=\"sources\"><h2>{}</h2>", say(lang, SOURCES));
    for r in rules {
        let _ = write!(
            s,
            "<div class=\"srcs\" id=\"src-{}\"><h3>{} <span class=\"t\">{}</span></h3>",
            esc(&r.id),
            esc(&r.id),
            esc(r.title.get(lang))
        );
        sources(s, lang, &r.sources);
        let _ = write!(s, "</div>");
    }
    s.push_str("</section>\n");
}

fn sources(s: &mut String, lang: Lang, list: &[SourceRef]) {
    if list.is_empty() {
        return;
    }
    let _ = write!(s, "<ul class=\"src\">");
    for src in list {
        match src {
            SourceRef::Seed { quote, .. } => {
                // A readable citation, not a link: the report is read away from any server.
                let _ = write!(
                    s,
                    "<li><cite>{}</cite> «{}»</li>",
                    esc(&src.citation_at_line(lang)),
                    esc(&crate::report::shorten(src.reading().unwrap_or(quote), 240))
                );
            }
            SourceRef::External {
                url, paraphrase, ..
            } => {
                let _ = write!(
                    s,
                    "<li><cite>{}</cite>{}{}</li>",
                    esc(&src.citation(lang)),
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
        say(lang, INVALID),
        p.aggregates.invalid
    );
    for e in &p.errors {
        let e = e.in_lang(lang);
        let _ = write!(
            s,
            "<li><code>{}</code>: {} <span class=\"small\">({})</span></li>",
            esc(&e.label),
            esc(&e.one_line()),
            esc(&e.code)
        );
    }
    s.push_str("</ul>");
    if let Some(n) = cut_note(lang, p.errors.len(), p.errors_total) {
        let _ = write!(s, "<p class=\"cut\">{}</p>", esc(&n));
    }
    s.push_str("</section>\n");
}

/// The run's waivers, the most pressing first (expired, expiring soon), with what they cover.
fn waivers(s: &mut String, meta: &Meta, p: &Portfolio) {
    let lang = meta.lang();
    let t = table::waivers(lang, p);
    if t.rows.is_empty() {
        return;
    }
    let title = super::waiver_title(lang);
    let _ = write!(
        s,
        "<section id=\"waivers\"><h2>{title} <span class=\"count\">{}</span></h2><p class=\"small\">{}</p>",
        t.rows.len(),
        esc(&super::waiver_summary(lang, p)),
    );
    write_table(s, &t, Some(title), Look::Plain("n"));
    s.push_str("</section>\n");
}

/// How a table's cells are aligned, and what the page's script finds in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
    /// `class="num"`: every cell right-aligned by the style sheet, but a long text's (`l`).
    Counts,
    /// Counts right-aligned one by one, by this class. The waivers' `n` is styled by no rule (its
    /// counts stand left); kept, since the report's bytes do not change here.
    Plain(&'static str),
    /// The table of documents, which the page's script sorts by the heads' `data-t` (a cell's
    /// `data-v` before its text) and filters by the rows' standing (`data-g`).
    Sortable,
}

/// A table; `region`: the label of the scrolled region it stands in, its heads then given
/// `scope` (the small tables of counts side by side stand bare).
fn write_table(s: &mut String, t: &Table, region: Option<&str>, look: Look) {
    let sortable = look == Look::Sortable;
    let (scope, row_scope) = match region {
        Some(_) => (" scope=\"col\"", " scope=\"row\""),
        None => ("", ""),
    };
    if let Some(label) = region {
        let tall = if sortable { " tall" } else { "" };
        let _ = write!(
            s,
            "<div class=\"scroll{tall}\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
            esc(label)
        );
    }
    let _ = write!(
        s,
        "<table{}><thead><tr>",
        match look {
            Look::Counts => " class=\"num\"",
            Look::Plain(_) => "",
            Look::Sortable => " id=\"docs\" class=\"sortable\"",
        }
    );
    for c in &t.columns {
        // Heads stand left (the style sheet's `th`) but over a long text among counts.
        let class = match (c.status, c.kind) {
            (Some(st), _) => format!(" class=\"{}\"", status_class(st)),
            (None, Kind::Long) => align(c.kind, look),
            (None, _) => String::new(),
        };
        let sort = match (sortable, c.kind) {
            (false, _) => "",
            (true, Kind::Count) => " data-t=\"n\"",
            (true, _) => " data-t=\"s\"",
        };
        let _ = write!(s, "<th{scope}{class}{sort}>{}</th>", esc(&c.head));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        let standing = row.iter().find_map(|c| match c {
            Cell::Grade(g) if sortable => Some(format!(" data-g=\"{}\"", g.name())),
            _ => None,
        });
        let _ = write!(s, "<tr{}>", standing.unwrap_or_default());
        for (i, (c, col)) in row.iter().zip(&t.columns).enumerate() {
            let (tag, attrs) = match (c, col.kind) {
                (_, Kind::Head) => ("th", row_scope.to_string()),
                (Cell::Empty, _) => ("td", String::new()),
                (Cell::Grade(g), _) => ("td", format!(" data-v=\"{}\"", g.index())),
                _ => ("td", align(col.kind, look)),
            };
            let content = cell(t.lang, c, t.bar == Some(i));
            let _ = write!(s, "<{tag}{attrs}>{content}</{tag}>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    if region.is_some() {
        s.push_str("</div>");
    }
}

/// The class that aligns a column's cells where the table's own class does not.
fn align(kind: Kind, look: Look) -> String {
    let class = match (kind, look) {
        (Kind::Long, Look::Counts) => "l",
        (Kind::Count, Look::Plain(c)) => c,
        (Kind::Count, Look::Sortable) => "r",
        _ => return String::new(),
    };
    format!(" class=\"{class}\"")
}

/// A cell's content; `bar`: in the table's bar column. A share's bar is drawn in its cell; the
/// bars of counts and percents (obligations, trend) are charts of their own.
fn cell(lang: Lang, c: &Cell, bar: bool) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(x) | Cell::Total(x) => esc(x),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(pc) => format!("{pc} %"),
        Cell::Share { n, of } => {
            let pc = share(*n, *of);
            let bar = if bar {
                format!("<span class=\"sbar\" style=\"width:{}px\"></span>", pc / 2)
            } else {
                String::new()
            };
            format!("{bar}{pc} % <span class=\"small\">({n})</span>")
        }
        Cell::Doc { name, index } => format!("<a href=\"#{}\">{}</a>", anchor(*index), esc(name)),
        Cell::Status(st) => format!(
            "<span class=\"st {}\">{}</span>",
            status_class(*st),
            status_word(lang, *st)
        ),
        Cell::Grade(g) => format!(
            "<span class=\"badge {}\">{}</span>",
            grade_class(*g),
            grade_word(lang, *g)
        ),
        Cell::Code(x) => format!("<code>{}</code>", esc(x)),
        Cell::Verdict { word, by_links } => {
            let note = match by_links {
                true => crate::report::headline_by_links_note(lang),
                false => "",
            };
            format!("<strong>{word}</strong>{note}")
        }
        Cell::Answer { word, by_links } => {
            let from = pick(
                lang,
                "fra koblet dokument",
                "frå kopla dokument",
                "from a linked document",
            );
            match by_links {
                true => format!("{word} <span class=\"small\">({from})</span>"),
                false => word.to_string(),
            }
        }
    }
}

const CSS: &str = r#"
:root{--fg:#1d2733;--mut:#5b6775;--line:#d8dee6;--bg:#fff;--soft:#f4f6f9;
--vm:#b3261e;--vs:#a34a00;--p:#d4a500;--u:#5d6873;--ok:#1e6b41;--inv:#34495e;--link:#1a5597}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px 8px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:18px 0 8px}
.sub{margin:2px 0;color:var(--mut)}
nav{margin-top:10px;display:flex;flex-wrap:wrap;gap:4px 14px}nav a{color:var(--link);text-decoration:underline}a{color:var(--link)}
main{padding:0 28px 28px;max-width:1680px}
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
table.num td{text-align:right;white-space:nowrap}table.num td.l{text-align:left}td.r{text-align:right}
.chart{width:100%;max-width:900px;height:auto;display:block;margin:4px 0 10px}
.chart .lbl{font-size:13px;fill:var(--fg)}.chart .val{font-size:12px;fill:var(--mut)}
.chart .grid{stroke:var(--line);stroke-width:1}.chart .l-ok{stroke:var(--ok);fill:var(--ok);stroke-width:2.5}
.chart .l-vm{stroke:var(--vm);fill:var(--vm);stroke-width:2.5;stroke-dasharray:6 3}
.sbar{display:inline-block;height:10px;background:var(--vm);margin-right:6px;vertical-align:middle}
.cut{margin:6px 0;padding:6px 10px;border-left:4px solid var(--p);background:var(--soft)}
.fix{margin:3px 0 3px 2px}.scroll.tall{max-height:560px}
.srcs h3{font-size:14px;margin:12px 0 4px}
.b-must{fill:var(--vm)}.b-should{fill:var(--vs)}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 32px}
.scroll{max-height:360px;overflow:auto;border-bottom:1px solid var(--line)}.scroll table{width:100%;margin:0}
@media (max-width:1000px){.two{grid-template-columns:1fr}}
.count{font-weight:400;color:var(--mut);font-size:13px}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}
.g-vm.badge{background:var(--vm)}.g-vs.badge{background:var(--vs)}.g-p.badge{background:var(--p);color:#222}
.g-u.badge{background:var(--u)}.g-ok.badge{background:var(--ok)}.g-inv.badge{background:var(--inv)}
.st{display:inline-block;min-width:62px;padding:0 6px;border-radius:3px;font-size:12px;text-align:center}
.s-v{background:#f6d5d1;color:#5c0f0a}.s-p{background:#fbefc2}.s-u{background:#e4e8ec}.s-m{background:#d3ecdc}.s-n{background:#f0f0f0}
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
