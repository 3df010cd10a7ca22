//! Diagnostics: the one shape in which samstyr reports a problem with something it was given.
//!
//! Stages (the JSON reader, the input validator, the rule loader) have their own typed error enums;
//! each implements [`Problem`] and is wrapped with its location into a [`Diagnostic`]. Stages never
//! stop at the first problem: they return [`Diagnostics`], a non-empty list. Rendering to text lives
//! here too because miette owns the snippet-with-underline layout.
//!
//! Problems a user of the tool meets (the input validator, the JSON reader, batches, files,
//! waivers, the CLI's own) speak the user's language: their stage writes the message and help in
//! each language ([`Problem::message_in`]) and the diagnostic keeps all three; renderers pick
//! with [`Diagnostic::message_in`]. Problems of rule-set loading (for rule authors) are English.

use crate::source::{SourceFile, Span};
use crate::text::{Lang, Text, pick};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A typed error of one stage: its message comes from `Display`, the rest from here.
pub trait Problem: std::error::Error {
    /// Stable machine-readable code, `stage::kind` (e.g. `input::unknown-field`).
    fn code(&self) -> &'static str;
    /// Advice for the user, if there is any.
    fn help(&self) -> Option<String> {
        None
    }
    /// The message in `lang`, for problems the tool's users read; `None` (the default) keeps the
    /// English `Display` in every language. `Display` is the message in English.
    fn message_in(&self, _lang: Lang) -> Option<String> {
        None
    }
    /// The help in `lang`; by default the English [`Problem::help`].
    fn help_in(&self, _lang: Lang) -> Option<String> {
        self.help()
    }
}

/// A diagnostic's message and help in each language (`en` as in `message` and `help`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    pub message: Text,
    pub help: Option<Text>,
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
    /// The message and help in the user's languages; `None` when the stage writes English only.
    pub local: Option<Arc<Local>>,
}

impl Diagnostic {
    pub fn new(problem: &dyn Problem, file: Option<&SourceFile>, span: Option<Span>) -> Self {
        // Messages quote user input: whatever a stage let through, no control character
        // reaches a terminal or breaks a one-line format.
        let message = clip_quotes(&printable(&problem.to_string(), false));
        let help = problem.help().map(|h| clip_quotes(&printable(&h, true)));
        let local = problem.message_in(Lang::Nb).map(|nb| {
            let clean = |s: &str| clip_quotes(&printable(s, false));
            let clean_help = |s: &str| clip_quotes(&printable(s, true));
            let nn = problem.message_in(Lang::Nn).unwrap_or_else(|| nb.clone());
            let help = help.as_ref().map(|en| {
                let nb = problem.help_in(Lang::Nb).unwrap_or_else(|| en.clone());
                let nn = problem.help_in(Lang::Nn).unwrap_or_else(|| nb.clone());
                Text::all(clean_help(&nb), clean_help(&nn), en.clone())
            });
            Arc::new(Local {
                message: Text::all(clean(&nb), clean(&nn), message.clone()),
                help,
            })
        });
        Diagnostic {
            code: problem.code(),
            message,
            help,
            label: None,
            pointer: None,
            file: file.cloned(),
            span,
            local,
        }
    }

    /// A diagnostic of the tool's own whose words are given in each language.
    pub fn words(code: &'static str, message: Text, help: Option<Text>) -> Self {
        let clean = |s: &str| clip_quotes(&printable(s, false));
        let message = Text::all(clean(&message.nb), clean(&message.nn), clean(&message.en));
        Diagnostic {
            code,
            message: message.en.clone(),
            help: help.as_ref().map(|h| h.en.clone()),
            label: None,
            pointer: None,
            file: None,
            span: None,
            local: Some(Arc::new(Local { message, help })),
        }
    }

    /// The message in `lang` (English where the stage writes English only).
    pub fn message_in(&self, lang: Lang) -> &str {
        match &self.local {
            Some(l) => l.message.get(lang),
            None => &self.message,
        }
    }

    /// The help in `lang`.
    pub fn help_in(&self, lang: Lang) -> Option<&str> {
        match &self.local {
            Some(l) => l
                .help
                .as_ref()
                .map(|h| h.get(lang))
                .or(self.help.as_deref()),
            None => self.help.as_deref(),
        }
    }

    /// Sets the help in every language (the English one is `help`).
    pub fn set_help(&mut self, help: Text) {
        self.help = Some(help.en.clone());
        if let Some(l) = &mut self.local {
            Arc::make_mut(l).help = Some(help);
        } else {
            self.local = Some(Arc::new(Local {
                message: Text::all(&self.message, &self.message, &self.message),
                help: Some(help),
            }));
        }
    }

    /// This diagnostic with its message and help in `lang`, for renderers that read the fields.
    pub fn in_lang(&self, lang: Lang) -> Cow<'_, Diagnostic> {
        if self.local.is_none() || lang == Lang::En {
            return Cow::Borrowed(self);
        }
        let mut d = self.clone();
        d.message = self.message_in(lang).to_string();
        d.help = self.help_in(lang).map(str::to_string);
        Cow::Owned(d)
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

    /// The JSON pointer as text shows it: `/` for the root, control characters escaped. (The
    /// pointer itself stays exact, for machine-readable formats.)
    pub fn shown_pointer(&self) -> Option<String> {
        self.pointer.as_deref().map(display_pointer)
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

/// A JSON pointer as text shows it: `/` for the root, control characters escaped.
pub fn pointer_text(p: &str) -> String {
    display_pointer(p)
}

fn display_pointer(p: &str) -> String {
    if p.is_empty() {
        "/".into()
    } else {
        printable(p, false)
    }
}

/// User text as a message quotes it: control characters escaped (`\u{1b}`) and at most
/// [`SHOWN_MAX`] characters, the rest cut with `…`. Use it for every value echoed in a message.
pub fn shown(s: &str) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == SHOWN_MAX {
            out.push('…');
            break;
        }
        push_printable(&mut out, c);
    }
    out
}

/// Longest user text quoted in a message, in characters.
pub const SHOWN_MAX: usize = 60;

/// `s` with every `` `quoted` `` part longer than [`SHOWN_MAX`] characters cut short with `…`.
/// Messages quote user input in backticks; whatever a stage quotes, a 1 MiB string in a document
/// never becomes a 1 MiB message.
fn clip_quotes(s: &str) -> String {
    let mut parts = s.split('`');
    let mut out = String::with_capacity(s.len().min(4096));
    let mut quoted = false;
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push('`');
        quoted = !quoted;
        if quoted && part.chars().count() > SHOWN_MAX {
            out.extend(part.chars().take(SHOWN_MAX));
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    out
}

/// `s` with every control character but (when `newlines`) a line break written as an escape.
fn printable(s: &str, newlines: bool) -> String {
    if !s.chars().any(|c| is_unsafe(c) && !(newlines && c == '\n')) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if newlines && c == '\n' {
            out.push(c);
        } else {
            push_printable(&mut out, c);
        }
    }
    out
}

/// `s` safe to print on a terminal or in a log: every control character (line breaks too) and
/// every bidirectional override written as an escape (`\u{1b}`). The one helper the text,
/// Markdown and GitHub reports pass user text (file names, titles, values) through, so a file
/// named with `ESC [2J` or a title with U+202E cannot rewrite the screen or a CI log.
pub fn printable_line(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        std::borrow::Cow::Owned(printable(s, false))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Whether a character is escaped by [`printable_line`].
pub fn is_unsafe_char(c: char) -> bool {
    is_unsafe(c)
}

fn push_printable(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.push_str(&c.escape_unicode().to_string());
    } else {
        out.push(c);
    }
}

/// Control characters, and the formatting characters that reorder text on screen (the
/// bidirectional overrides of "Trojan Source").
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
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

/// Render diagnostics with snippets and underlines, in English. `color` only for terminals.
pub fn render(diags: &[Diagnostic], color: bool) -> String {
    render_in(diags, color, Lang::En)
}

/// [`render`] in the user's language: each diagnostic's message and help in `lang` (where its
/// stage writes them).
pub fn render_in(diags: &[Diagnostic], color: bool, lang: Lang) -> String {
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
        let d = d.in_lang(lang);
        let mut snippet = Snippet::of(&d);
        snippet.lang = lang;
        // Writing into a String cannot fail; a failure here would only lose formatting.
        if handler.render_report(&mut out, &snippet).is_err() {
            out.push_str(&d.one_line());
        }
        out.push('\n');
    }
    out
}

/// Lines longer than this many bytes are shown as a window around the problem: miette lays out
/// a whole line and cannot indent past column 65 535, and a megabyte-long line helps nobody.
const SNIPPET_MAX_LINE: usize = 1000;
/// Bytes shown before the start of the problem in such a window (and, after it, twice that).
const SNIPPET_WINDOW: usize = 60;

/// A diagnostic as miette renders it: the part of its file worth showing (the lines around the
/// span, or a window of one long line), made safe to print.
struct Snippet<'a> {
    d: &'a Diagnostic,
    /// The text shown and the span in it.
    view: Option<(View, Span)>,
    lang: Lang,
}

/// A piece of a source file, with control and reordering characters replaced by visible ones of
/// the same UTF-8 length so that byte offsets stay right.
struct View {
    name: String,
    text: String,
    /// File line of the first line of `text` (1-based).
    line: usize,
    /// Byte column in that line where `text` starts (0-based).
    column: usize,
}

impl<'a> Snippet<'a> {
    fn of(d: &'a Diagnostic) -> Snippet<'a> {
        let view = match (&d.file, d.span) {
            (Some(f), Some(span)) => View::around(f, span),
            _ => None,
        };
        Snippet {
            d,
            view,
            lang: Lang::En,
        }
    }
}

impl View {
    fn around(file: &SourceFile, span: Span) -> Option<(View, Span)> {
        let (mut view, span) = View::cut(file, span)?;
        // A problem at the very end (a truncated document) gets a blank to be underlined.
        if span.start as usize >= view.text.len() {
            view.text.push(' ');
        }
        Some((view, span))
    }

    fn cut(file: &SourceFile, span: Span) -> Option<(View, Span)> {
        let text = file.text();
        let start = (span.start as usize).min(text.len());
        let end = (span.end as usize).clamp(start, text.len());
        let line_start = |at: usize| {
            text.get(..at)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1)
        };
        let line_end = |at: usize| {
            text.get(at..)
                .and_then(|t| t.find('\n'))
                .map_or(text.len(), |i| at + i)
        };
        // The handler shows one line of context either side; miette counts a span that ends on a
        // line end as reaching into the next line, so offer two.
        let before = |at: usize| line_start(line_start(at).saturating_sub(1));
        let after = |at: usize| line_end((line_end(at) + 1).min(text.len()));
        let first = before(before(start));
        let last = after(after(end));
        // With its line end, so that an empty last line still shows as one.
        let last = if text.get(last..last + 1) == Some("\n") {
            last + 1
        } else {
            last
        };
        let region = text.get(first..last)?;
        let (line, _) = file.line_col(first as u32);
        if region.split('\n').all(|l| l.len() <= SNIPPET_MAX_LINE) {
            let view = View::new(file.name(), region, line, 0);
            return Some((view, Span::new(start - first, end - first)));
        }
        // A long line: the span's own line only, cut to a window around its start.
        let ls = line_start(start);
        let le = line_end(start);
        let mut from = start.saturating_sub(SNIPPET_WINDOW).max(ls);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (start + 2 * SNIPPET_WINDOW).min(le);
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let window = text.get(from..to)?;
        let (line, _) = file.line_col(start as u32);
        let view = View::new(file.name(), window, line, from - ls);
        Some((view, Span::new(start - from, end.min(to) - from)))
    }

    fn new(name: &str, text: &str, line: usize, column: usize) -> View {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            // Line ends and tabs are layout; a carriage return is one only before a line feed
            // (miette would count a lone one as a line, the rest of samstyr does not).
            let keep = match c {
                '\n' | '\t' => true,
                '\r' => chars.peek() == Some(&'\n'),
                c => !is_unsafe(c),
            };
            if keep {
                out.push(c);
            } else {
                out.push_str(match c.len_utf8() {
                    1 => "?",
                    2 => "¿",
                    _ => "\u{fffd}",
                });
            }
        }
        let text = out;
        View {
            name: name.to_string(),
            text,
            line,
            column,
        }
    }
}

impl miette::SourceCode for View {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = if inner.line() == 0 {
            inner.column() + self.column
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line - 1,
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.d, f)
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        miette::Diagnostic::code(self.d)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let at = pick(
            self.lang,
            "verdien ved JSON-peker",
            "verdien ved JSON-peikar",
            "value at JSON pointer",
        );
        match (&self.d.help, &self.d.pointer) {
            (Some(h), Some(p)) => Some(Box::new(format!("{h}\n{at} `{}`", display_pointer(p)))),
            (Some(h), None) => Some(Box::new(h.clone())),
            (None, Some(p)) => Some(Box::new(format!("{at} `{}`", display_pointer(p)))),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.view
            .as_ref()
            .map(|(v, _)| v as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (_, span) = self.view.as_ref()?;
        let label =
            miette::LabeledSpan::new(self.d.label.clone(), span.start as usize, span.len().max(1));
        Some(Box::new(std::iter::once(label)))
    }
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

    #[derive(Debug, thiserror::Error)]
    #[error("bad value `{0}`")]
    struct Bad(String);

    impl Problem for Bad {
        fn code(&self) -> &'static str {
            "test::bad"
        }
        fn help(&self) -> Option<String> {
            Some(format!("not `{}`\nbut something else", self.0))
        }
    }

    #[test]
    fn a_problem_past_column_65535_renders_as_a_window() {
        // miette cannot indent past column 65 535: this used to panic.
        let text = format!("{{\"a\": \"{}\", \"b\": tru}}", "x".repeat(100_000));
        let f = SourceFile::new("long.json", text.as_str());
        let at = text.find("tru}").unwrap_or(0);
        let d = Diagnostic::at(&Bad("tru".into()), &f, Span::new(at, at + 3));
        let out = render(&[d], false);
        assert!(out.contains(&format!("[long.json:1:{}]", at + 1)), "{out}");
        assert!(out.contains("\"b\": tru}"), "{out}");
        assert!(
            out.len() < 2000,
            "the whole line was shown: {} bytes",
            out.len()
        );
        // At the very end of a long line too, and past the end of the text.
        let end = Diagnostic::at(&Bad("x".into()), &f, Span::new(text.len(), text.len()));
        let out = render(&[end], false);
        assert!(
            out.contains(&format!("[long.json:1:{}]", text.len() + 1)),
            "{out}"
        );
        assert!(out.contains("tru} \n") && out.contains('─'), "{out}");
    }

    #[test]
    fn control_characters_never_reach_the_output() {
        let text = "{\"kind\": \"\u{1b}[31mred\u{202e}\"}\r\n{\"lone\": 1}\r\u{7}";
        let f = SourceFile::new("esc.json", text);
        let d = Diagnostic::at(&Bad("\u{1b}[31mred".into()), &f, Span::new(9, 22))
            .with_pointer("/ki\u{1b}nd");
        assert_eq!(d.message, "bad value `\\u{1b}[31mred`");
        assert_eq!(
            d.help.as_deref(),
            Some("not `\\u{1b}[31mred`\nbut something else")
        );
        let out = render(std::slice::from_ref(&d), false) + &d.one_line();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(!out.contains('\u{202e}'), "{out:?}");
        // A CRLF file keeps its layout: the line end is not shown as a replacement.
        assert!(out.contains("[esc.json:1:10]"), "{out}");
        assert!(!out.contains("red?\"}?"), "{out}");
    }

    #[test]
    fn quoted_user_text_is_cut_short_in_messages() {
        let d = Diagnostic::new(&Bad("x".repeat(100_000)), None, None);
        assert_eq!(d.message, format!("bad value `{}…`", "x".repeat(SHOWN_MAX)));
        let d = Diagnostic::new(&Bad("kort".into()), None, None);
        assert_eq!(d.message, "bad value `kort`");
        assert_eq!(clip_quotes("a `b` c `d"), "a `b` c `d");
    }

    #[test]
    fn shown_text_is_short_and_printable() {
        assert_eq!(shown("plain"), "plain");
        assert_eq!(shown("a\u{0}b\tc"), "a\\u{0}b\\u{9}c");
        let long = shown(&"å".repeat(1000));
        assert_eq!(long.chars().count(), SHOWN_MAX + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["title", "owner", "kind", "status"];
        assert_eq!(did_you_mean("titel", names), Some("title"));
        assert_eq!(did_you_mean("Kind", names), Some("kind"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
