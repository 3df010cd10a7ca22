//! Message templates: texts with `{EXPR}` placeholders, split once at load time into literal runs
//! and compiled expressions, rendered per finding with the values in scope.

use super::error::RuleError;
use super::toml::Str;
use crate::expr::{Compiled, Ctx};
use crate::source::Span;
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
    /// The text with every placeholder filled in (unknown values as `?`). Placeholder reads are
    /// not evidence: the caller's reads are left as they were.
    pub fn render<'a>(&'a self, ctx: &mut Ctx<'a>) -> String {
        let mut out = String::new();
        let mark = ctx.reads.len();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Expr(c) => {
                    let v = c.eval(ctx);
                    let _ = write!(out, "{v}");
                }
            }
        }
        ctx.reads.truncate(mark);
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

/// A message in both languages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Message {
    pub nb: Template,
    pub en: Template,
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
