//! Reading rule files as spanned TOML: typed accessors that record every problem (wrong type,
//! missing key, unknown key with did-you-mean, missing language) instead of stopping at the first.
//!
//! Values keep their byte spans so that expressions, quotes and ids can be reported at the line and
//! column where they are written.

use super::error::RuleError;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::source::{SourceFile, Span};
use crate::text::Text;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A string from a rule file with where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Str {
    pub value: String,
    /// The whole TOML value, quotes included.
    pub span: Span,
    /// Byte offset in the file where `value` starts, when the file holds it verbatim (no escapes);
    /// else the start of the TOML value, so positions inside it are approximate but in the file.
    pub offset: usize,
}

pub(crate) fn span_of(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

pub(crate) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Parse one file; syntax errors are recorded and what could be recovered is returned.
pub(crate) fn parse<'i>(
    file: &SourceFile,
    text: &'i str,
    diags: &mut Diagnostics,
) -> Spanned<DeTable<'i>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    for e in errors {
        let span = e.span().map(span_of).unwrap_or_default();
        let message = e.message().trim().trim_end_matches('.').to_string();
        diags.push(Diagnostic::at(&RuleError::Syntax { message }, file, span));
    }
    table
}

/// Where the text of a string value starts in the file, if it is written there verbatim.
fn content_offset(file: &SourceFile, span: Span, value: &str) -> usize {
    let text = file.text();
    let Some(raw) = text.get(span.range()) else {
        return span.start as usize;
    };
    let mut offset = span.start as usize;
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        offset += 3;
        // TOML trims a line break right after the opening delimiter.
        if text.get(offset..offset + 2) == Some("\r\n") {
            offset += 2;
        } else if text.get(offset..offset + 1) == Some("\n") {
            offset += 1;
        }
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        offset += 1;
    }
    if text.get(offset..offset + value.len()) == Some(value) {
        offset
    } else {
        span.start as usize
    }
}

/// One TOML table being read: tracks which keys were used so unknown ones can be reported.
pub(crate) struct Table<'a, 'i> {
    pub file: &'a SourceFile,
    pub table: &'a DeTable<'i>,
    pub span: Span,
    /// How the table is named in messages, e.g. ``obligation `SAM-03` ``.
    pub name: String,
    /// The key path used in hints, e.g. `obligation.message`.
    pub path: &'static str,
    /// The keys allowed here, once [`Table::check_keys`] has been called.
    allowed: std::cell::Cell<&'static [&'static str]>,
}

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(
        file: &'a SourceFile,
        table: &'a DeTable<'i>,
        span: Span,
        name: impl Into<String>,
        path: &'static str,
    ) -> Self {
        Table {
            file,
            table,
            span,
            name: name.into(),
            path,
            allowed: std::cell::Cell::new(&[]),
        }
    }

    /// The same table under another name (once its id is known), keeping what was checked.
    pub fn renamed(&self, name: String) -> Table<'a, 'i> {
        Table {
            file: self.file,
            table: self.table,
            span: self.span,
            name,
            path: self.path,
            allowed: self.allowed.clone(),
        }
    }

    /// The span of the table's header or first line: where "missing key" is reported.
    pub fn head(&self) -> Span {
        let text = self.file.text();
        let start = self.span.start as usize;
        let end = text
            .get(start..self.span.end as usize)
            .and_then(|s| s.find('\n'))
            .map(|n| start + n)
            .unwrap_or(self.span.end as usize);
        Span::new(start, end.max(start))
    }

    pub fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, _)| span_of(k.span()))
    }

    /// Report every key not in `allowed`.
    pub fn check_keys(&self, allowed: &'static [&'static str], diags: &mut Diagnostics) {
        self.allowed.set(allowed);
        for (k, _) in self.table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let suggestion = did_you_mean(key, allowed.iter().copied()).map(str::to_string);
                diags.push(Diagnostic::at(
                    &RuleError::UnknownKey {
                        key: key.to_string(),
                        table: self.name.clone(),
                        allowed: allowed.to_vec(),
                        suggestion,
                    },
                    self.file,
                    span_of(k.span()),
                ));
            }
        }
    }

    fn wrong(
        &self,
        key: &str,
        v: &Spanned<DeValue<'_>>,
        expected: &'static str,
        diags: &mut Diagnostics,
    ) {
        diags.push(Diagnostic::at(
            &RuleError::WrongType {
                key: key.to_string(),
                expected,
                found: type_name(v.get_ref()),
            },
            self.file,
            span_of(v.span()),
        ));
    }

    pub fn missing(&self, key: &str, diags: &mut Diagnostics) {
        // A misspelt key is reported as unknown, with this key as the suggestion: once is enough.
        let misspelt = self.table.iter().any(|(k, _)| {
            let k: &str = k.get_ref();
            k != key && !self.allowed.get().contains(&k) && did_you_mean(k, [key]).is_some()
        });
        if misspelt {
            return;
        }
        diags.push(Diagnostic::at(
            &RuleError::MissingKey {
                key: key.to_string(),
                table: self.name.clone(),
            },
            self.file,
            self.head(),
        ));
    }

    pub fn str(&self, key: &str, diags: &mut Diagnostics) -> Option<Str> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => {
                let span = span_of(v.span());
                Some(Str {
                    offset: content_offset(self.file, span, s),
                    value: s.to_string(),
                    span,
                })
            }
            _ => {
                self.wrong(key, v, "a string", diags);
                None
            }
        }
    }

    pub fn req_str(&self, key: &str, diags: &mut Diagnostics) -> Option<Str> {
        if self.get(key).is_none() {
            self.missing(key, diags);
            return None;
        }
        self.str(key, diags)
    }

    /// An expression: a string, or a TOML literal (bool, number, date) taken as written.
    pub fn expr(&self, key: &str, diags: &mut Diagnostics) -> Option<Str> {
        let v = self.get(key)?;
        let span = span_of(v.span());
        match v.get_ref() {
            DeValue::String(s) => Some(Str {
                offset: content_offset(self.file, span, s),
                value: s.to_string(),
                span,
            }),
            DeValue::Boolean(_)
            | DeValue::Integer(_)
            | DeValue::Float(_)
            | DeValue::Datetime(_) => {
                let raw = self.file.text().get(span.range()).unwrap_or_default();
                Some(Str {
                    value: raw.to_string(),
                    span,
                    offset: span.start as usize,
                })
            }
            _ => {
                self.wrong(key, v, "an expression (a string)", diags);
                None
            }
        }
    }

    pub fn req_expr(&self, key: &str, diags: &mut Diagnostics) -> Option<Str> {
        if self.get(key).is_none() {
            self.missing(key, diags);
            return None;
        }
        self.expr(key, diags)
    }

    /// A text in both languages, `{ nb = "…", en = "…" }`.
    pub fn text(&self, key: &str, diags: &mut Diagnostics) -> Option<(Text, [Option<Str>; 3])> {
        let v = self.get(key)?;
        let DeValue::Table(t) = v.get_ref() else {
            diags.push(
                Diagnostic::at(
                    &RuleError::WrongType {
                        key: key.to_string(),
                        expected: "a text in both languages",
                        found: type_name(v.get_ref()),
                    },
                    self.file,
                    span_of(v.span()),
                )
                .with_label(format!("write `{key} = {{ nb = \"…\", en = \"…\" }}`")),
            );
            return None;
        };
        let inner = Table::new(
            self.file,
            t,
            span_of(v.span()),
            format!("`{key}`"),
            self.path,
        );
        inner.check_keys(&["nb", "nn", "en"], diags);
        let mut parts: [Option<Str>; 3] = [None, None, None];
        for (i, lang) in ["nb", "nn", "en"].into_iter().enumerate() {
            // Nynorsk is optional here; the rule set's declared languages decide whether it must
            // be there.
            if inner.get(lang).is_none() {
                if lang == "nn" {
                    continue;
                }
                let span = self.key_span(key).unwrap_or(span_of(v.span()));
                diags.push(Diagnostic::at(
                    &RuleError::MissingLanguage {
                        key: key.to_string(),
                        lang,
                    },
                    self.file,
                    span,
                ));
            } else if let Some(s) = inner.str(lang, diags)
                && let Some(slot) = parts.get_mut(i)
            {
                *slot = Some(s);
            }
        }
        let [nb, nn, en] = &parts;
        let value = |s: &Option<Str>| s.as_ref().map(|s| s.value.clone()).unwrap_or_default();
        let text = Text::all(value(nb), value(nn), value(en));
        Some((text, parts))
    }

    pub fn req_text(&self, key: &str, diags: &mut Diagnostics) -> Option<Text> {
        if self.get(key).is_none() {
            self.missing(key, diags);
            return None;
        }
        self.text(key, diags).map(|(t, _)| t)
    }

    pub fn opt_text(&self, key: &str, diags: &mut Diagnostics) -> Option<Text> {
        self.text(key, diags).map(|(t, _)| t)
    }

    /// A sub-table (`[ruleset.headline]`, `[obligation.message]`).
    pub fn table(&self, key: &str, diags: &mut Diagnostics) -> Option<(&'a DeTable<'i>, Span)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some((t, span_of(v.span()))),
            _ => {
                self.wrong(key, v, "a table", diags);
                None
            }
        }
    }

    /// An array of tables (`[[obligation.source]]`).
    pub fn tables(&self, key: &str, diags: &mut Diagnostics) -> Vec<(&'a DeTable<'i>, Span)> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => out.push((t, span_of(item.span()))),
                        _ => self.wrong(key, item, "a table", diags),
                    }
                }
                out
            }
            DeValue::Table(t) => vec![(t, span_of(v.span()))],
            _ => {
                self.wrong(key, v, "an array of tables", diags);
                Vec::new()
            }
        }
    }
}

/// `file:line:col` of a span, for "first declared at …" hints.
pub(crate) fn place(file: &SourceFile, span: Span) -> String {
    let (l, c) = file.line_col(span.start);
    format!("{}:{l}:{c}", file.name())
}
