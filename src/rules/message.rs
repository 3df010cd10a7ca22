//! Message templates: texts with `{EXPR}` placeholders, split once at load time into literal runs
//! and compiled expressions, rendered per finding with the values in scope.
//!
//! Values are written for people, in the language of the template: numbers with their thousands
//! grouped and the language's decimal mark (bokmål `40 000 000` with a no-break space and `2,5`;
//! English `40,000,000` and `2.5`), durations in words of that language. Only message texts are
//! rendered this way: evidence, reports' data fields and everything else machine-readable keep
//! their plain values.

use super::error::RuleError;
use super::toml::Str;
use crate::expr::{Compiled, Ctx, Dur, Nothing, Val};
use crate::source::Span;
use crate::text::Lang;
use std::fmt::Write;

/// A piece of a template as written: literal text, or a placeholder's expression with the byte
/// offset in the rule file where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawPart {
    Lit(String),
    Expr { text: String, offset: usize },
}

/// Split a message into literal runs and placeholders. `{{` and `}}` are literal braces.
pub(crate) fn split(s: &Str) -> Result<Vec<RawPart>, (RuleError, Span)> {
    let text = s.value.as_str();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let start = i + 1;
                let Some(len) = text.get(start..).and_then(|rest| rest.find('}')) else {
                    let at = s.offset + i;
                    return Err((RuleError::UnclosedPlaceholder, Span::new(at, at + 1)));
                };
                if !lit.is_empty() {
                    parts.push(RawPart::Lit(std::mem::take(&mut lit)));
                }
                parts.push(RawPart::Expr {
                    text: text.get(start..start + len).unwrap_or_default().to_string(),
                    offset: s.offset + start,
                });
                // Skip the placeholder's characters and its closing brace.
                while let Some(&(j, _)) = chars.peek() {
                    if j > start + len {
                        break;
                    }
                    chars.next();
                }
            }
            '}' => {
                let at = s.offset + i;
                return Err((RuleError::UnmatchedBrace, Span::new(at, at + 1)));
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(RawPart::Lit(lit));
    }
    Ok(parts)
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Lit(String),
    Expr(Compiled),
}

/// A compiled message in one language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Template {
    pub parts: Vec<Part>,
}

impl Template {
    /// The text with every placeholder filled in, values written for readers of `lang` (see
    /// [`write_value`]; unknown values as `?`). Placeholder reads are not evidence: they are
    /// not recorded.
    pub fn render<'a>(&'a self, ctx: &mut Ctx<'a>, lang: Lang) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Expr(c) => {
                    let v = c.eval::<Nothing>(ctx);
                    write_value(&mut out, &v, lang);
                }
            }
        }
        out
    }

    /// The template as written, placeholders included (for `rules show`).
    pub fn source(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(&s.replace('{', "{{").replace('}', "}}")),
                Part::Expr(c) => {
                    out.push('{');
                    out.push_str(c.text());
                    out.push('}');
                }
            }
        }
        out
    }
}

/// A message in the user-facing languages; without a nynorsk template the bokmål one is used.
#[derive(Debug, Clone, Default)]
pub(crate) struct Message {
    pub nb: Template,
    pub nn: Option<Template>,
    pub en: Template,
}

/// The separator of thousands in bokmål: a no-break space (U+00A0), so a number is never split
/// across lines.
const NB_GROUP: char = '\u{a0}';

/// A value as a reader of `lang` sees it in a message: numbers by [`number`], durations in words,
/// list items one by one (joined by `, `); everything else as the engine writes it (dates
/// `YYYY-MM-DD`, null `–`, unknown `?`).
pub(crate) fn write_value(out: &mut String, v: &Val<'_>, lang: Lang) {
    match v {
        Val::Number(n) => out.push_str(&number(*n, lang)),
        Val::Duration(d) => out.push_str(&duration(*d, lang)),
        Val::List(l) => {
            for i in 0..l.len() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let Some(item) = l.get(i) {
                    write_value(out, &item, lang);
                }
            }
        }
        v => {
            let _ = write!(out, "{v}");
        }
    }
}

/// A number for people: no needless decimals, thousands grouped (bokmål with a no-break space,
/// English with a comma), and the language's decimal mark (bokmål `,`, English `.`).
pub(crate) fn number(n: f64, lang: Lang) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    // The shortest text that reads back as `n`, without an exponent; whole numbers without
    // decimals (as the engine writes them elsewhere).
    let plain = if n.fract() == 0.0 && n.abs() < 9.0e15 {
        (n as i64).to_string()
    } else {
        n.to_string()
    };
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let (group, mark) = match lang {
        // Nynorsk writes numbers as bokmål does (Språkrådet: space groups, decimal comma).
        Lang::Nb | Lang::Nn => (NB_GROUP, ','),
        Lang::En => (',', '.'),
    };
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
    out.push_str(sign);
    let len = whole.len();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(mark);
        out.push_str(f);
    }
    out
}

/// A duration in words of `lang`: `3 måneder`, `1 dag`; `3 months`, `1 day`.
fn duration(d: Dur, lang: Lang) -> String {
    let (day, days, month, months) = match lang {
        Lang::Nb => ("dag", "dager", "måned", "måneder"),
        Lang::Nn => ("dag", "dagar", "månad", "månader"),
        Lang::En => ("day", "days", "month", "months"),
    };
    let part = |n: i32, one: &str, many: &str| {
        let unit = if n.abs() == 1 { one } else { many };
        format!("{} {unit}", number(f64::from(n), lang))
    };
    match (d.months, d.days) {
        (0, n) => part(n, day, days),
        (m, 0) => part(m, month, months),
        (m, n) => format!("{} {}", part(m, month, months), part(n, day, days)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Str {
        Str {
            value: text.into(),
            span: Span::new(0, text.len() + 2),
            offset: 1,
        }
    }

    #[test]
    fn splits_placeholders_and_literal_braces() {
        let parts = split(&s("innen {deadline}, {{ikke}} {a.b}")).unwrap_or_default();
        assert_eq!(
            parts,
            vec![
                RawPart::Lit("innen ".into()),
                RawPart::Expr {
                    text: "deadline".into(),
                    offset: 8
                },
                RawPart::Lit(", {ikke} ".into()),
                RawPart::Expr {
                    text: "a.b".into(),
                    offset: 29
                },
            ]
        );
    }

    fn shown(v: &Val<'_>, lang: Lang) -> String {
        let mut out = String::new();
        write_value(&mut out, v, lang);
        out
    }

    #[test]
    fn numbers_are_grouped_in_thousands_per_language() {
        let cases: [(f64, &str, &str); 12] = [
            (0.0, "0", "0"),
            (-0.0, "0", "0"),
            (7.0, "7", "7"),
            (999.0, "999", "999"),
            (1000.0, "1\u{a0}000", "1,000"),
            (42_195.0, "42\u{a0}195", "42,195"),
            (100_000.0, "100\u{a0}000", "100,000"),
            (40_000_000.0, "40\u{a0}000\u{a0}000", "40,000,000"),
            (-1_234_567.0, "-1\u{a0}234\u{a0}567", "-1,234,567"),
            (
                1.0e16,
                "10\u{a0}000\u{a0}000\u{a0}000\u{a0}000\u{a0}000",
                "10,000,000,000,000,000",
            ),
            (300_000_000.0, "300\u{a0}000\u{a0}000", "300,000,000"),
            (12.0, "12", "12"),
        ];
        for (n, nb, en) in cases {
            assert_eq!(number(n, Lang::Nb), nb, "{n} in bokmål");
            assert_eq!(number(n, Lang::En), en, "{n} in English");
        }
    }

    #[test]
    fn decimals_take_the_language_s_decimal_mark() {
        let cases: [(f64, &str, &str); 6] = [
            (2.5, "2,5", "2.5"),
            (0.1, "0,1", "0.1"),
            (-0.75, "-0,75", "-0.75"),
            (1234.5, "1\u{a0}234,5", "1,234.5"),
            (1_000_000.25, "1\u{a0}000\u{a0}000,25", "1,000,000.25"),
            (0.5, "0,5", "0.5"),
        ];
        for (n, nb, en) in cases {
            assert_eq!(number(n, Lang::Nb), nb, "{n} in bokmål");
            assert_eq!(number(n, Lang::En), en, "{n} in English");
        }
    }

    #[test]
    fn values_in_messages_are_written_for_the_language() {
        assert_eq!(
            shown(&Val::Number(40_000_000.0), Lang::Nb),
            "40\u{a0}000\u{a0}000"
        );
        assert_eq!(shown(&Val::Number(40_000_000.0), Lang::En), "40,000,000");
        let list = Val::List(crate::expr::ListVal::Vals(
            vec![Val::Number(1500.0), Val::Number(2.5)].into(),
        ));
        assert_eq!(shown(&list, Lang::Nb), "1\u{a0}500, 2,5");
        assert_eq!(shown(&list, Lang::En), "1,500, 2.5");
        let d = |months, days| Val::Duration(Dur { months, days });
        assert_eq!(shown(&d(3, 0), Lang::Nb), "3 måneder");
        assert_eq!(shown(&d(1, 0), Lang::Nb), "1 måned");
        assert_eq!(shown(&d(0, 42), Lang::Nb), "42 dager");
        assert_eq!(shown(&d(1, 1), Lang::Nb), "1 måned 1 dag");
        assert_eq!(shown(&d(3, 0), Lang::En), "3 months");
        assert_eq!(shown(&d(0, 1), Lang::En), "1 day");
        assert_eq!(shown(&d(0, 1500), Lang::En), "1,500 days");
        // Everything else as the engine writes it, whatever the language.
        for lang in [Lang::Nb, Lang::En] {
            assert_eq!(shown(&Val::Unknown, lang), "?");
            assert_eq!(shown(&Val::Null, lang), "–");
            assert_eq!(shown(&Val::Str("KS".into()), lang), "KS");
            assert_eq!(shown(&Val::Bool(true), lang), "true");
        }
    }

    #[test]
    fn reports_unbalanced_braces_where_they_are() {
        assert!(matches!(
            split(&s("ok {deadline")),
            Err((RuleError::UnclosedPlaceholder, sp)) if sp.start == 4
        ));
        assert!(matches!(
            split(&s("ok } no")),
            Err((RuleError::UnmatchedBrace, sp)) if sp.start == 4
        ));
    }
}
