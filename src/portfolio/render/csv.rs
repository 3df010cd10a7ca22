//! The portfolio as CSV (RFC 4180: CRLF line ends, fields quoted when they hold the separator, a
//! quote or a line break, quotes doubled): one row per input, or one per finding (and one per
//! invalid input), written row by row as a run hands them over ([`crate::portfolio::run_rows`]).
//! Column names are in the run's language; values (standings, statuses, severities) are stable
//! codes, messages in the run's language. Every row has the header's width.
//!
//! Two dialects: plain (comma, UTF-8) and `--csv-excel` (semicolon and a byte order mark, which
//! a Norwegian Excel opens as columns, with «ø» intact). A field that a spreadsheet would read as
//! a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`,
//! as OWASP recommends against CSV injection.

use super::{Meta, received_words};
use crate::portfolio::{Grade, Portfolio, Row, RowOutcome};
use crate::report::tri_name;
use crate::text::pick;
use jiff::civil::Date;

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// One row per finding instead of one per input.
    pub findings: bool,
    /// Semicolons and a byte order mark, for Excel in a Norwegian (or any comma-decimal) locale.
    pub excel: bool,
}

/// The whole CSV of a portfolio that kept its rows.
pub fn render(meta: &Meta, p: &Portfolio, findings: bool) -> String {
    let d = Dialect {
        findings,
        excel: false,
    };
    render_with(meta, p, d)
}

/// The whole CSV of a portfolio that kept its rows, in a dialect.
pub fn render_with(meta: &Meta, p: &Portfolio, d: Dialect) -> String {
    let mut out = head(meta, d);
    for row in &p.rows {
        out.push_str(&rows(meta, p.as_of, d, row));
    }
    out
}

/// The header's column names, in the run's language.
pub fn columns(meta: &Meta, findings: bool) -> Vec<String> {
    let lang = meta.lang();
    let mut head: Vec<String> = vec![
        pick(lang, "fil", "fil", "file").into(),
        meta.key_field.clone(),
        pick(lang, "tittel", "tittel", "title").into(),
    ];
    head.extend(meta.groups.iter().map(|(_, t)| t.get(lang).to_string()));
    let names: &[(&str, &str, &str)] = if findings {
        &[
            ("krav", "krav", "rule"),
            ("alvor", "alvor", "severity"),
            ("prinsipp", "prinsipp", "principle"),
            ("element", "element", "item"),
            ("status", "status", "status"),
            ("frist", "frist", "deadline"),
            ("forfalt", "forfalle", "overdue"),
            (
                "fra koblet dokument",
                "frå kopla dokument",
                "from linked document",
            ),
            ("melding", "melding", "message"),
            ("oppgi", "oppgje", "to provide"),
            ("feil", "feil", "errors"),
        ]
    } else {
        &[]
    };
    if !findings && let Some(h) = &meta.run.headline {
        head.push(h.title.get(lang).to_string());
        head.push(
            pick(
                lang,
                "svaret fra koblet dokument",
                "svaret frå kopla dokument",
                "answer from linked document",
            )
            .into(),
        );
    }
    let per_input: &[(&str, &str, &str)] = &[
        ("vurdering", "vurdering", "standing"),
        ("brudd skal", "brot skal", "violated must"),
        ("brudd bør", "brot bør", "violated should"),
        ("brudd", "brot", "violated"),
        ("venter", "ventar", "pending"),
        ("ukjent", "ukjend", "unknown"),
        ("oppfylt", "oppfylt", "met"),
        ("ikke aktuelt", "ikkje aktuelt", "not applicable"),
        ("ikke i kraft", "ikkje i kraft", "not in force"),
        ("forfalt", "forfalle", "overdue"),
        ("snart", "snart", "upcoming"),
        ("neste frist", "neste frist", "next deadline"),
        (
            "fra koblede dokumenter",
            "frå kopla dokument",
            "from linked documents",
        ),
        ("koblingsproblemer", "koplingsproblem", "link problems"),
        ("feil", "feil", "errors"),
    ];
    let list = if findings { names } else { per_input };
    head.extend(
        list.iter()
            .map(|(nb, nn, en)| pick(lang, nb, nn, en).to_string()),
    );
    head.extend(waiver_columns(meta, findings));
    head
}

/// The columns a run with waivers adds: per finding, the waiver that covers it (or that expired)
/// and its expiry and reason; per input, its waived findings.
fn waiver_columns(meta: &Meta, findings: bool) -> Vec<String> {
    use crate::text::pick;
    let lang = meta.lang();
    match (meta.waivers, findings) {
        (false, _) => Vec::new(),
        (true, true) => vec![
            pick(lang, "unntak", "unntak", "waiver").into(),
            pick(
                lang,
                "unntaket gjelder til og med",
                "unntaket gjeld til og med",
                "waiver in force until",
            )
            .into(),
            pick(
                lang,
                "unntakets begrunnelse",
                "grunngjevinga for unntaket",
                "waiver reason",
            )
            .into(),
        ],
        (true, false) => vec![pick(lang, "unntatt", "unnateke", "waived").into()],
    }
}

/// The waivers (`--csv-level waiver`): one record per waiver, the most pressing first, the
/// header included.
pub fn waivers(meta: &Meta, p: &Portfolio, d: Dialect) -> String {
    use crate::text::pick;
    let lang = meta.lang();
    let mut out = String::new();
    if d.excel {
        out.push('\u{feff}');
    }
    let mut head: Vec<String> = super::waiver_heads(lang).map(str::to_string).to_vec();
    head.extend([
        meta.key_field.clone(),
        pick(lang, "element", "element", "item").into(),
        pick(lang, "grunnlag", "grunnlag", "basis").into(),
        pick(lang, "besluttet av", "vedteke av", "decided by").into(),
        pick(lang, "besluttet", "vedteke", "decided on").into(),
    ]);
    record(&mut out, d, head.iter().map(String::as_str));
    for l in super::waiver_lines(p) {
        let w = l.waiver;
        let v = [
            w.id.clone(),
            w.rules.join(" "),
            w.expires.to_string(),
            l.urgency.name().to_string(),
            l.covers.to_string(),
            w.reason.clone(),
            w.initiatives.join(" "),
            w.item.clone().unwrap_or_default(),
            w.basis.clone(),
            w.decided_by.clone(),
            w.decided_on.to_string(),
        ];
        record(&mut out, d, v.iter().map(String::as_str));
    }
    out
}

/// The byte order mark (Excel dialect) and the header record.
pub fn head(meta: &Meta, d: Dialect) -> String {
    let mut out = String::new();
    if d.excel {
        out.push('\u{feff}');
    }
    let cols = columns(meta, d.findings);
    record(&mut out, d, cols.iter().map(String::as_str));
    out
}

fn lead(row: &Row) -> Vec<String> {
    let mut v = vec![
        row.label.clone(),
        row.key.clone().unwrap_or_default(),
        row.title.clone().unwrap_or_default(),
    ];
    v.extend(row.groups.iter().map(|g| g.clone().unwrap_or_default()));
    v
}

/// The records of one input: one, or (per finding) one per finding.
pub fn rows(meta: &Meta, as_of: Date, d: Dialect, row: &Row) -> String {
    let mut out = String::new();
    let width = columns_len(meta, d.findings);
    let mut emit = |mut v: Vec<String>| {
        // Every record has the header's width, whatever a branch below pushed.
        v.resize(width, String::new());
        record(&mut out, d, v.iter().map(String::as_str));
    };
    let lang = meta.lang();
    if d.findings {
        match &row.outcome {
            RowOutcome::Judged(j) => {
                for f in &j.findings {
                    let mut v = lead(row);
                    v.extend([
                        f.rule.id.clone(),
                        f.rule.severity.map(|s| s.name()).unwrap_or_default().into(),
                        f.rule
                            .principle
                            .as_ref()
                            .map(|x| x.id.clone())
                            .unwrap_or_default(),
                        f.item.clone().unwrap_or_default(),
                        f.status.name().into(),
                        f.deadline.map(|d| d.to_string()).unwrap_or_default(),
                        yes_no(f.overdue(as_of)).into(),
                        yes_no(f.by_links).into(),
                        crate::report::message_cell(lang, &f.message, &f.assumptions),
                        f.missing.join(" "),
                        String::new(),
                    ]);
                    if meta.waivers
                        && let Some(n) = &f.waiver
                    {
                        v.extend([
                            n.waiver.id.clone(),
                            n.waiver.expires.to_string(),
                            n.waiver.reason.clone(),
                        ]);
                    }
                    emit(v);
                }
            }
            RowOutcome::Invalid(errors) => {
                let mut v = lead(row);
                v.extend(std::iter::repeat_n(String::new(), 4));
                v.push(Grade::Invalid.name().into());
                v.extend(std::iter::repeat_n(String::new(), 5));
                v.push(error_text(errors));
                emit(v);
            }
        }
        return out;
    }
    let mut v = lead(row);
    let has_headline = meta.run.headline.is_some();
    match &row.outcome {
        RowOutcome::Judged(j) => {
            if has_headline {
                v.push(j.headline.map(tri_name).unwrap_or_default().to_string());
                v.push(yes_no(j.headline_by_links).into());
            }
            v.push(j.grade.name().into());
            v.extend(j.violated.iter().map(u32::to_string));
            v.extend(j.counts.iter().map(u32::to_string));
            v.push(j.overdue.to_string());
            v.push(j.upcoming.to_string());
            v.push(j.next_deadline.map(|d| d.to_string()).unwrap_or_default());
            let received: Vec<String> =
                j.received.iter().map(|n| received_words(meta, n)).collect();
            v.push(received.join("; "));
            let problems: Vec<String> = j
                .problems
                .iter()
                .map(|x| super::problem_text(lang, x))
                .collect();
            v.push(problems.join("; "));
            v.push(String::new());
            if meta.waivers {
                v.push(j.waived.to_string());
            }
        }
        RowOutcome::Invalid(errors) => {
            if has_headline {
                v.extend([String::new(), String::new()]);
            }
            v.push(Grade::Invalid.name().into());
            // Counts, deadlines, received values and link problems: none for an invalid input.
            v.extend(std::iter::repeat_n(String::new(), 13));
            v.push(error_text(errors));
        }
    }
    emit(v);
    out
}

/// The trend (`--trend`, `--csv-level trend`): one record per date, the header included.
pub fn trend(meta: &Meta, d: Dialect) -> String {
    let lang = meta.lang();
    let mut out = String::new();
    if d.excel {
        out.push('\u{feff}');
    }
    let mut head: Vec<String> = vec![
        pick(lang, "per", "per", "as of").into(),
        pick(lang, "vurdert", "vurdert", "evaluated").into(),
        pick(
            lang,
            "uten brudd (%)",
            "utan brot (%)",
            "without violation (%)",
        )
        .into(),
    ];
    head.extend(Grade::ALL[..5].iter().map(|g| g.name().to_string()));
    if let Some(h) = meta.headline_title() {
        head.push(format!("{h}: {}", pick(lang, "ja", "ja", "yes")));
    }
    head.push(pick(lang, "forfalt", "forfalle", "overdue").into());
    head.push(pick(lang, "snart", "snart", "upcoming").into());
    record(&mut out, d, head.iter().map(String::as_str));
    for t in &meta.trend {
        let mut v = vec![
            t.as_of.to_string(),
            t.evaluated.to_string(),
            t.compliant_percent().to_string(),
        ];
        v.extend(t.grades[..5].iter().map(u64::to_string));
        if meta.headline_title().is_some() {
            v.push(t.headline[0].to_string());
        }
        v.push(t.overdue.to_string());
        v.push(t.upcoming.to_string());
        record(&mut out, d, v.iter().map(String::as_str));
    }
    out
}

fn columns_len(meta: &Meta, findings: bool) -> usize {
    let fixed = 3 + meta.groups.len() + waiver_columns(meta, findings).len();
    if findings {
        fixed + 11
    } else {
        fixed + 15 + if meta.run.headline.is_some() { 2 } else { 0 }
    }
}

fn error_text(errors: &[crate::portfolio::ErrorLine]) -> String {
    let e: Vec<String> = errors.iter().map(|e| e.one_line()).collect();
    e.join("; ")
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// One record, CRLF-terminated.
fn record<'a>(out: &mut String, d: Dialect, fields: impl Iterator<Item = &'a str>) {
    let sep = if d.excel { ';' } else { ',' };
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(sep);
        }
        field(out, sep, f);
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet would read the field as a formula (OWASP, CSV injection).
fn formula_like(f: &str) -> bool {
    f.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn field(out: &mut String, sep: char, f: &str) {
    let safe;
    let f = if formula_like(f) {
        safe = format!("'{f}");
        safe.as_str()
    } else {
        f
    };
    if f.contains([sep, '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Dialect = Dialect {
        findings: false,
        excel: false,
    };

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        let mut s = String::new();
        record(
            &mut s,
            PLAIN,
            ["a", "b,c", "say \"hi\"", "two\nlines", ""].into_iter(),
        );
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
    }

    #[test]
    fn excel_dialect_quotes_semicolons_not_commas() {
        let mut s = String::new();
        let d = Dialect {
            findings: false,
            excel: true,
        };
        record(&mut s, d, ["a;b", "c,d"].into_iter());
        assert_eq!(s, "\"a;b\";c,d\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        for f in [
            "=1+1",
            "+47",
            "-2",
            "@SUM(A1)",
            "\tx",
            "=HYPERLINK(\"x\",\"y\")",
        ] {
            let mut s = String::new();
            record(&mut s, PLAIN, [f].into_iter());
            assert!(s.starts_with("'") || s.starts_with("\"'"), "{f:?} -> {s:?}");
        }
        let mut s = String::new();
        record(&mut s, PLAIN, ["2026-01-01", "a=b"].into_iter());
        assert_eq!(s, "2026-01-01,a=b\r\n");
    }
}
