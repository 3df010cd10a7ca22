//! Diagnostics: the one shape in which samstyr reports a problem with something it was given.
//!
//! Stages (the JSON reader, the input validator, the rule loader) have their own typed error enums;
//! each implements [`Problem`] and is wrapped with its location into a [`Diagnostic`]. Stages never
//! stop at the first problem: they return [`Diagnostics`], a non-empty list. Rendering to text lives
//! here too because miette owns the snippet-with-underline layout.

use crate::source::{SourceFile, Span};
use std::fmt;

/// A typed error of one stage: its message comes from `Display`, the rest from here.
pub trait Problem: std::error::Error {
    /// Stable machine-readable code, `stage::kind` (e.g. `input::unknown-field`).
    fn code(&self) -> &'static str;
    /// Advice for the user, if there is any.
    fn help(&self) -> Option<String> {
        None
    }
}

/// One problem at one place.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// Short text under the underline; defaults to nothing.
    pub label: Option<String>,
    /// JSON pointer of the value concerned, for JSON inputs.
    pub pointer: Option<String>,
    pub file: Option<SourceFile>,
    pub span: Option<Span>,
}

impl Diagnostic {
    pub fn new(problem: &dyn Problem, file: Option<&SourceFile>, span: Option<Span>) -> Self {
        Diagnostic {
            code: problem.code(),
            message: problem.to_string(),
            help: problem.help(),
            label: None,
            pointer: None,
            file: file.cloned(),
            span,
        }
    }

    pub fn at(problem: &dyn Problem, file: &SourceFile, span: Span) -> Self {
        Self::new(problem, Some(file), Some(span))
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn file_name(&self) -> Option<&str> {
        self.file.as_ref().map(|f| f.name())
    }

    /// 1-based line and column of the start of the span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match (&self.file, self.span) {
            (Some(f), Some(s)) => Some(f.line_col(s.start)),
            _ => None,
        }
    }

    /// `file:line:col: code: message [at pointer]`, for logs and one-line consumers.
    pub fn one_line(&self) -> String {
        let mut s = String::new();
        if let Some(name) = self.file_name() {
            s.push_str(name);
            if let Some((l, c)) = self.line_col() {
                s.push_str(&format!(":{l}:{c}"));
            }
            s.push_str(": ");
        }
        s.push_str(&format!("error[{}]: {}", self.code, self.message));
        if let Some(p) = &self.pointer {
            s.push_str(&format!(" (at `{}`)", display_pointer(p)));
        }
        if let Some(h) = &self.help {
            s.push_str(&format!("; help: {h}"));
        }
        s
    }
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match (&self.help, &self.pointer) {
            (Some(h), Some(p)) => Some(Box::new(format!(
                "{h}\nvalue at JSON pointer `{}`",
                display_pointer(p)
            ))),
            (Some(h), None) => Some(Box::new(h.clone())),
            (None, Some(p)) => Some(Box::new(format!(
                "value at JSON pointer `{}`",
                display_pointer(p)
            ))),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span?;
        self.file.as_ref().map(|f| f as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        self.file.as_ref()?;
        let label =
            miette::LabeledSpan::new(self.label.clone(), span.start as usize, span.len().max(1));
        Some(Box::new(std::iter::once(label)))
    }
}

/// A non-empty list of problems found in one pass.
#[derive(Debug, Clone, Default, thiserror::Error)]
#[error("{} problem(s) found", .0.len())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was found, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Render diagnostics with snippets and underlines. `color` only for terminals.
pub fn render(diags: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        // Writing into a String cannot fail; a failure here would only lose formatting.
        if handler.render_report(&mut out, d).is_err() {
            out.push_str(&d.one_line());
        }
        out.push('\n');
    }
    out
}

/// The closest candidate to `word`, if one is close enough to be a likely misspelling.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["title", "owner", "kind", "status"];
        assert_eq!(did_you_mean("titel", names), Some("title"));
        assert_eq!(did_you_mean("Kind", names), Some("kind"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
