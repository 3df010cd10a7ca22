//! How two rule sets judge the same portfolio differently: as text for people, or as JSON
//! (`samstyr.diff/v1`).

use super::{Meta, grade_word};
use crate::finding::{Status, Tri};
use crate::portfolio::diff::Diff;
use crate::report::{status_word, tri_name, tri_word};
use crate::text::{Lang, pick};
use serde_json::{Value, json};
use std::fmt::Write;

/// The value of the JSON report's `schema` field.
pub const SCHEMA_ID: &str = "samstyr.diff/v1";

fn status(lang: Lang, s: Option<Status>) -> &'static str {
    match s {
        Some(s) => status_word(lang, s),
        None => pick(lang, "(ingen)", "(ingen)", "(none)"),
    }
}

fn headline(lang: Lang, t: Option<Tri>) -> &'static str {
    t.map(|t| tri_word(lang, t)).unwrap_or("–")
}

fn rules_line(lang: Lang, side: &str, m: &Meta) -> String {
    let r = &m.run.rules;
    let mut s = format!("{side}: {} {} ({})", r.id, r.version, r.origin);
    if !m.run.params.is_empty() {
        let p: Vec<String> = m
            .run
            .params
            .iter()
            .map(|p| format!("{}={}", p.id, p.value))
            .collect();
        let _ = write!(s, " {} {}", pick(lang, "med", "med", "with"), p.join(", "));
    }
    s
}

/// A plain-text account: totals, transitions per rule, then each changed document.
pub fn text(old: &Meta, new: &Meta, d: &Diff) -> String {
    let lang = new.lang();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        rules_line(lang, pick(lang, "Gammelt", "Gammalt", "Old"), old)
    );
    let _ = writeln!(
        s,
        "{}",
        rules_line(lang, pick(lang, "Nytt", "Nytt", "New"), new)
    );
    let head = new
        .headline_title()
        .map(|h| h.to_string())
        .unwrap_or_else(|| pick(lang, "overskrift", "overskrift", "headline").to_string());
    let _ = writeln!(
        s,
        "\n{} {}: {} {}, {} {} «{}», {} {}.",
        d.inputs,
        pick(lang, "dokumenter", "dokument", "documents"),
        d.grades_changed,
        pick(
            lang,
            "endrer vurdering",
            "endrar vurdering",
            "change standing"
        ),
        d.headlines_changed,
        pick(lang, "endrer", "endrar", "change"),
        head,
        d.changes.len(),
        pick(lang, "endrer noe", "endrar noko", "change anything"),
    );
    if d.deadlines_moved + d.messages_changed > 0 {
        let _ = writeln!(
            s,
            "{} {}, {} {}.",
            d.deadlines_moved,
            pick(lang, "frister flyttet", "fristar flytta", "deadlines moved"),
            d.messages_changed,
            pick(
                lang,
                "meldinger endret",
                "meldingar endra",
                "messages changed"
            ),
        );
    }
    if !d.grade_moves.is_empty() {
        let _ = writeln!(s, "\n{}:", pick(lang, "Vurdering", "Vurdering", "Standing"));
        for ((a, b), n) in &d.grade_moves {
            let _ = writeln!(
                s,
                "  {} → {}: {n}",
                grade_word(lang, *a),
                grade_word(lang, *b)
            );
        }
    }
    if !d.per_rule.is_empty() {
        let _ = writeln!(s, "\n{}:", pick(lang, "Per regel", "Per regel", "Per rule"));
        for (rule, moves) in &d.per_rule {
            for (i, ((a, b), n)) in moves.iter().enumerate() {
                let name = if i == 0 { rule.as_str() } else { "" };
                let _ = writeln!(
                    s,
                    "  {name:<9} {} → {}: {n}",
                    status(lang, *a),
                    status(lang, *b)
                );
            }
        }
    }
    if !d.changes.is_empty() {
        let _ = writeln!(
            s,
            "\n{}:",
            pick(
                lang,
                "Endrede dokumenter",
                "Endra dokument",
                "Changed documents"
            )
        );
    }
    for c in &d.changes {
        let name = c.key.as_deref().unwrap_or(&c.label);
        let _ = write!(s, "  {name}");
        if let Some(t) = &c.title {
            let _ = write!(s, " – {t}");
        }
        let _ = writeln!(s, " ({})", c.label);
        if c.grade_changed() {
            let _ = writeln!(
                s,
                "    {}: {} → {}",
                pick(lang, "vurdering", "vurdering", "standing"),
                grade_word(lang, c.old.0),
                grade_word(lang, c.new.0)
            );
        }
        if c.headline_changed() {
            let _ = writeln!(
                s,
                "    {head}: {} → {}",
                headline(lang, c.old.1),
                headline(lang, c.new.1)
            );
        }
        for r in &c.rules {
            let item = r
                .item
                .as_ref()
                .map(|i| format!(" [{i}]"))
                .unwrap_or_default();
            let what = match (&r.deadline, r.message_changed) {
                (Some((a, b)), _) => format!(
                    "{} {} → {}",
                    pick(lang, "frist", "frist", "deadline"),
                    a.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
                    b.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
                ),
                (None, true) => {
                    pick(lang, "ny melding", "ny melding", "message changed").to_string()
                }
                (None, false) => format!("{} → {}", status(lang, r.old), status(lang, r.new)),
            };
            let _ = writeln!(s, "    {}{item}: {what}", r.rule);
        }
    }
    s
}

fn status_name(s: Option<Status>) -> Value {
    s.map(|s| Value::from(s.name())).unwrap_or(Value::Null)
}

/// The same as JSON, keys sorted.
pub fn json(old: &Meta, new: &Meta, d: &Diff) -> String {
    let side = |m: &Meta| {
        json!({
            "id": m.run.rules.id,
            "version": m.run.rules.version,
            "origin": m.run.rules.origin,
            "params": m.run.params.iter().map(|p| json!({"id": p.id, "value": p.value, "default": p.default})).collect::<Vec<_>>(),
        })
    };
    let v = json!({
        "schema": SCHEMA_ID,
        "old": side(old),
        "new": side(new),
        "as_of": new.run.as_of.to_string(),
        "inputs": d.inputs,
        "grades_changed": d.grades_changed,
        "headlines_changed": d.headlines_changed,
        "deadlines_moved": d.deadlines_moved,
        "messages_changed": d.messages_changed,
        "grade_moves": d.grade_moves.iter().map(|((a, b), n)| json!({"old": a.name(), "new": b.name(), "documents": n})).collect::<Vec<_>>(),
        "per_rule": d.per_rule.iter().map(|(rule, m)| json!({
            "rule": rule,
            "moves": m.iter().map(|((a, b), n)| json!({"old": status_name(*a), "new": status_name(*b), "findings": n})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "changes": d.changes.iter().map(|c| json!({
            "input": c.label,
            "id": c.key,
            "title": c.title,
            "old": {"grade": c.old.0.name(), "headline": c.old.1.map(tri_name)},
            "new": {"grade": c.new.0.name(), "headline": c.new.1.map(tri_name)},
            "rules": c.rules.iter().map(|r| json!({
                "rule": r.rule, "item": r.item, "old": status_name(r.old), "new": status_name(r.new),
                "deadline": r.deadline.map(|(a, b)| json!({"old": a.map(|d| d.to_string()), "new": b.map(|d| d.to_string())})),
                "message_changed": r.message_changed,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
