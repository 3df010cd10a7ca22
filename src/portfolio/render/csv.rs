//! The portfolio as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold
//! a comma, a quote or a line break, quotes doubled): one row per input, or one per finding (and
//! one per invalid input). Column names and codes are stable English identifiers; messages are in
//! the run's language.

use super::{Meta, received_text};
use crate::portfolio::{Grade, Portfolio, Row, RowOutcome};
use crate::report::tri_name;

pub fn render(meta: &Meta, p: &Portfolio, findings: bool) -> String {
    let mut out = String::new();
    let mut head: Vec<String> = vec!["input".into(), meta.key_field.clone(), "title".into()];
    head.extend(meta.groups.iter().map(|(field, _)| field.clone()));
    if findings {
        head.extend(
            [
                "rule",
                "severity",
                "principle",
                "item",
                "status",
                "deadline",
                "overdue",
                "by_links",
                "message",
                "missing",
            ]
            .map(String::from),
        );
    } else {
        if let Some(h) = &meta.run.headline {
            head.push(h.key.clone());
            head.push(format!("{}_by_links", h.key));
        }
        head.extend(
            [
                "grade",
                "violated_must",
                "violated_should",
                "violated",
                "pending",
                "unknown",
                "met",
                "not_applicable",
                "not_in_force",
                "overdue",
                "upcoming",
                "next_deadline",
                "received",
                "link_problems",
                "errors",
            ]
            .map(String::from),
        );
    }
    record(&mut out, head.iter().map(String::as_str));
    for row in &p.rows {
        if findings {
            finding_rows(&mut out, meta, p, row);
        } else {
            input_row(&mut out, meta, row);
        }
    }
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

fn input_row(out: &mut String, meta: &Meta, row: &Row) {
    let lang = meta.lang();
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
            let received: Vec<String> = j.received.iter().map(|n| received_text(lang, n)).collect();
            v.push(received.join("; "));
            let problems: Vec<String> = j
                .problems
                .iter()
                .map(|x| super::problem_text(lang, x))
                .collect();
            v.push(problems.join("; "));
            v.push(String::new());
        }
        RowOutcome::Invalid(errors) => {
            if has_headline {
                v.extend([String::new(), String::new()]);
            }
            v.push(Grade::Invalid.name().into());
            v.extend(std::iter::repeat_n(String::new(), 14));
            let e: Vec<String> = errors.iter().map(|e| e.one_line()).collect();
            v.push(e.join("; "));
        }
    }
    record(out, v.iter().map(String::as_str));
}

fn finding_rows(out: &mut String, meta: &Meta, p: &Portfolio, row: &Row) {
    let lang = meta.lang();
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
                    yes_no(f.overdue(p.as_of)).into(),
                    yes_no(f.by_links).into(),
                    f.message.get(lang).to_string(),
                    f.missing.join(" "),
                ]);
                record(out, v.iter().map(String::as_str));
            }
        }
        RowOutcome::Invalid(errors) => {
            let mut v = lead(row);
            let e: Vec<String> = errors.iter().map(|e| e.one_line()).collect();
            v.extend([
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                Grade::Invalid.name().into(),
                String::new(),
                String::new(),
                String::new(),
                e.join("; "),
                String::new(),
            ]);
            record(out, v.iter().map(String::as_str));
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// One record, CRLF-terminated.
fn record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("\r\n");
}

fn field(out: &mut String, f: &str) {
    if f.contains([',', '"', '\r', '\n']) {
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

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        let mut s = String::new();
        record(
            &mut s,
            ["a", "b,c", "say \"hi\"", "two\nlines", ""].into_iter(),
        );
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
    }
}
