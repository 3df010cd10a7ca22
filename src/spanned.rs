//! Reading the rule set's input-side TOML files (`input.toml`, `catalog.toml`) with spans:
//! typed accessors that record every problem (wrong type, missing key, unknown key with
//! did-you-mean, missing language) at its place in the file instead of stopping at the first,
//! and the one problem type of those files ([`TomlProblem`]).
//!
//! Below both the input schema ([`crate::schema`]) and the catalog ([`crate::catalog`]), which
//! the schema's loader checks its references against: so neither imports the other's loader.

use crate::diag::{Diagnostic, Diagnostics, Problem, did_you_mean};
use crate::source::{SourceFile, Span};
use crate::text::{Lang, Text, pick};
use std::borrow::Cow;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A problem in a rule-set TOML file (`input.toml` or a catalog file).
#[derive(Debug, Clone, thiserror::Error)]
pub enum TomlProblem {
    #[error("invalid TOML: {message}")]
    Syntax { message: String },
    #[error("missing key `{key}` in {place}")]
    MissingKey { key: String, place: String },
    #[error("unknown key `{key}` in {place}")]
    UnknownKey {
        key: String,
        place: String,
        suggestion: Option<String>,
        known: Vec<&'static str>,
    },
    #[error("`{key}` must be {expected}, found {found}")]
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("text `{key}` has no `{lang}` version")]
    MissingLanguage { key: String, lang: &'static str },
    #[error("invalid value for `{key}`: {reason}")]
    InvalidValue { key: String, reason: String },
    #[error("unknown type `{name}`")]
    UnknownType {
        name: String,
        suggestion: Option<String>,
    },
    #[error("`{key}` does not apply to a field of type `{ty}`")]
    NotApplicable { key: String, ty: String },
    #[error("unknown catalog table `{table}`")]
    UnknownTable {
        table: String,
        suggestion: Option<String>,
    },
    #[error("duplicate catalog table `{name}`")]
    DuplicateTable { name: String, first: String },
    #[error("duplicate key `{key}` in catalog table `{table}`")]
    DuplicateRow {
        table: String,
        key: String,
        first_line: usize,
    },
    #[error("column `{column}` holds {found} here but {expected} in earlier rows")]
    ColumnType {
        column: String,
        expected: &'static str,
        found: &'static str,
    },
}

impl Problem for TomlProblem {
    fn code(&self) -> &'static str {
        match self {
            TomlProblem::Syntax { .. } => "toml::syntax",
            TomlProblem::MissingKey { .. } => "toml::missing-key",
            TomlProblem::UnknownKey { .. } => "toml::unknown-key",
            TomlProblem::WrongType { .. } => "toml::wrong-type",
            TomlProblem::MissingLanguage { .. } => "toml::missing-language",
            TomlProblem::InvalidValue { .. } => "toml::invalid-value",
            TomlProblem::UnknownType { .. } => "schema::unknown-type",
            TomlProblem::NotApplicable { .. } => "schema::not-applicable",
            TomlProblem::UnknownTable { .. } => "schema::unknown-table",
            TomlProblem::DuplicateTable { .. } => "catalog::duplicate-table",
            TomlProblem::DuplicateRow { .. } => "catalog::duplicate-key",
            TomlProblem::ColumnType { .. } => "catalog::column-type",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            TomlProblem::Syntax { .. } => Some("see https://toml.io for the syntax".into()),
            TomlProblem::MissingKey { key, .. } => Some(format!("add `{key} = …`")),
            TomlProblem::UnknownKey {
                suggestion, known, ..
            } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known keys: {}", ticked(known.iter().copied())),
            }),
            TomlProblem::WrongType { .. } => None,
            TomlProblem::MissingLanguage { key, lang } => Some(format!(
                "every user-facing text needs both languages: `{key} = {{ nb = \"…\", en = \"…\" }}` (add `{lang}`)"
            )),
            TomlProblem::InvalidValue { .. } => None,
            TomlProblem::UnknownType { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use `string`, `id`, `bool`, `number`, `date`, `enum`, `ref:TABLE`, `key`, `list` or a type declared in `[input.types]`".into(),
            }),
            TomlProblem::NotApplicable { .. } => Some("remove the key".into()),
            TomlProblem::UnknownTable { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean `ref:{s}`?"),
                None => "declare the table as `[catalog.NAME]` in `catalog.toml`".into(),
            }),
            TomlProblem::DuplicateTable { first, .. } => {
                Some(format!("the table is already declared in `{first}`"))
            }
            TomlProblem::DuplicateRow { first_line, .. } => Some(format!(
                "the key is first used at line {first_line}; every row needs its own key"
            )),
            TomlProblem::ColumnType { .. } => {
                Some("every row of a table must give a column the same type".into())
            }
        }
    }

    /// The problems a waiver file can have are in the user's languages; those only a rule
    /// author meets (schema, catalog, texts) stay English.
    fn message_in(&self, lang: Lang) -> Option<String> {
        if lang == Lang::En {
            return Some(self.to_string());
        }
        let t = |nb: String, nn: String| if lang == Lang::Nb { nb } else { nn };
        match self {
            TomlProblem::Syntax { message } => Some(t(
                format!("ugyldig TOML: {message}"),
                format!("ugyldig TOML: {message}"),
            )),
            TomlProblem::MissingKey { key, place } => Some(t(
                format!("nøkkelen `{key}` mangler i {place}"),
                format!("nøkkelen `{key}` manglar i {place}"),
            )),
            TomlProblem::UnknownKey { key, place, .. } => Some(t(
                format!("ukjent nøkkel `{key}` i {place}"),
                format!("ukjend nøkkel `{key}` i {place}"),
            )),
            TomlProblem::WrongType {
                key,
                expected,
                found,
            } => {
                let (expected, found) = (toml_words(expected, lang), toml_words(found, lang));
                Some(t(
                    format!("`{key}` må være {expected}, fant {found}"),
                    format!("`{key}` må vere {expected}, fann {found}"),
                ))
            }
            _ => None,
        }
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        if lang == Lang::En {
            return self.help();
        }
        let t = |nb: String, nn: String| if lang == Lang::Nb { nb } else { nn };
        match self {
            TomlProblem::Syntax { .. } => Some(t(
                "se https://toml.io for syntaksen".into(),
                "sjå https://toml.io for syntaksen".into(),
            )),
            TomlProblem::MissingKey { key, .. } => Some(t(
                format!("legg til `{key} = …`"),
                format!("legg til `{key} = …`"),
            )),
            TomlProblem::UnknownKey {
                suggestion, known, ..
            } => Some(match suggestion {
                Some(s) => t(format!("mente du `{s}`?"), format!("meinte du `{s}`?")),
                None => {
                    let known = ticked(known.iter().copied());
                    t(
                        format!("kjente nøkler: {known}"),
                        format!("kjende nøklar: {known}"),
                    )
                }
            }),
            _ => self.help(),
        }
    }
}

/// A fixed English description of a TOML value (what a key must be, what it was) in `lang`;
/// anything not known here as it is.
pub(crate) fn toml_words(s: &str, lang: Lang) -> String {
    let w = |nb: &'static str, nn: &'static str| pick(lang, nb, nn, "").to_string();
    match s {
        "a string" => w("en tekst", "ein tekst"),
        "an integer" => w("et heltall", "eit heiltal"),
        "a float" => w("et desimaltall", "eit desimaltal"),
        "a boolean" => w("en sannhetsverdi", "ein sanningsverdi"),
        "a date-time" => w("et tidspunkt", "eit tidspunkt"),
        "an array" => w("en liste", "ei liste"),
        "a table" => w("en tabell", "ein tabell"),
        "a number" => w("et tall", "eit tal"),
        "`true` or `false`" => w("`true` eller `false`", "`true` eller `false`"),
        "a date `YYYY-MM-DD`" => w("en dato `YYYY-MM-DD`", "ein dato `YYYY-MM-DD`"),
        "a date `YYYY-MM-DD` without a time" => w(
            "en dato `YYYY-MM-DD` uten klokkeslett",
            "ein dato `YYYY-MM-DD` utan klokkeslett",
        ),
        "an array of strings" => w("en liste med tekster", "ei liste med tekstar"),
        "a whole number ≥ 0" => w("et heltall ≥ 0", "eit heiltal ≥ 0"),
        s => s.to_string(),
    }
}

/// `` `a`, `b`, `c` ``
pub(crate) fn ticked<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) type Entry<'t, 'i> = (&'t Spanned<Cow<'i, str>>, &'t Spanned<DeValue<'i>>);

/// Reading a spanned TOML tree while collecting problems in one file.
pub(crate) struct Toml<'f> {
    pub file: &'f SourceFile,
    pub diags: Diagnostics,
}

impl<'f> Toml<'f> {
    pub fn new(file: &'f SourceFile) -> Self {
        Toml {
            file,
            diags: Diagnostics::new(),
        }
    }

    /// Parses the file; syntax errors are recorded and give `None`.
    pub fn parse<'i>(&mut self, text: &'i str) -> Option<DeTable<'i>> {
        let (table, errors) = DeTable::parse_recoverable(text);
        if errors.is_empty() {
            return Some(table.into_inner());
        }
        for e in errors {
            let span = e
                .span()
                .map(|r| Span::new(r.start, r.end))
                .unwrap_or_default();
            let message = e.message().trim().trim_end_matches('.').to_string();
            let message = lower_first(&message);
            self.push(&TomlProblem::Syntax { message }, span);
        }
        None
    }

    pub fn push(&mut self, p: &dyn Problem, span: Span) {
        self.diags.push(Diagnostic::at(p, self.file, span));
    }

    /// Entries of a table in the order they are written (the parsed map sorts them by name).
    pub fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
        let mut v: Vec<_> = table.iter().collect();
        v.sort_by_key(|(k, _)| k.span().start);
        v
    }

    /// Reports keys of `table` that are not in `known`.
    pub fn check_keys(&mut self, table: &DeTable<'_>, known: &[&'static str], place: &str) {
        for (k, _) in Self::entries(table) {
            let key: &str = k.get_ref();
            if !known.contains(&key) {
                let suggestion = did_you_mean(key, known.iter().copied()).map(String::from);
                self.push(
                    &TomlProblem::UnknownKey {
                        key: key.into(),
                        place: place.into(),
                        suggestion,
                        known: known.to_vec(),
                    },
                    span(k.span()),
                );
            }
        }
    }

    pub fn missing(&mut self, key: &str, place: &str, at: Span) {
        self.push(
            &TomlProblem::MissingKey {
                key: key.into(),
                place: place.into(),
            },
            at,
        );
    }

    pub fn wrong_type(&mut self, key: &str, expected: &'static str, v: &Spanned<DeValue<'_>>) {
        self.push(
            &TomlProblem::WrongType {
                key: key.into(),
                expected,
                found: type_name(v.get_ref()),
            },
            span(v.span()),
        );
    }

    pub fn str<'t>(&mut self, key: &str, v: &'t Spanned<DeValue<'_>>) -> Option<&'t str> {
        match v.get_ref() {
            DeValue::String(s) => Some(s),
            _ => {
                self.wrong_type(key, "a string", v);
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, "`true` or `false`", v);
                None
            }
        }
    }

    pub fn number(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<f64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        if n.is_none() {
            self.wrong_type(key, "a number", v);
        }
        n.filter(|n| n.is_finite())
    }

    pub fn count(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<usize> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                if let Ok(n) = usize::from_str_radix(i.as_str(), i.radix()) {
                    return Some(n);
                }
                self.wrong_type(key, "a whole number ≥ 0", v);
                None
            }
            _ => {
                self.wrong_type(key, "a whole number ≥ 0", v);
                None
            }
        }
    }

    pub fn table<'t, 'i>(
        &mut self,
        key: &str,
        v: &'t Spanned<DeValue<'i>>,
    ) -> Option<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, "a table", v);
                None
            }
        }
    }

    /// A `{ nb = "…", en = "…" }` text.
    pub fn text(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<Text> {
        let t = match v.get_ref() {
            DeValue::Table(t) => t,
            _ => {
                self.wrong_type(key, "a text `{ nb = \"…\", en = \"…\" }`", v);
                return None;
            }
        };
        self.check_keys(t, &["nb", "nn", "en"], &format!("`{key}`"));
        let get = |lang: &'static str, this: &mut Self| -> Option<String> {
            match t.get(lang) {
                Some(s) => this.str(&format!("{key}.{lang}"), s).map(String::from),
                None => {
                    this.push(
                        &TomlProblem::MissingLanguage {
                            key: key.into(),
                            lang,
                        },
                        span(v.span()),
                    );
                    None
                }
            }
        };
        let nb = get("nb", self);
        // Nynorsk is optional here; the rule set's declared languages decide whether it must be
        // there.
        let nn = match t.get("nn") {
            Some(s) => self.str(&format!("{key}.nn"), s).map(String::from),
            None => Some(String::new()),
        };
        let en = get("en", self);
        Some(Text::all(nb?, nn?, en?))
    }
}

pub(crate) fn span(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

pub(crate) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
