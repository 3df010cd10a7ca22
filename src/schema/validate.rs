//! The strict validator: JSON text in, a [`Document`] (value tree in schema slot order) or every
//! problem in the text out.
//!
//! It drives the pull parser of [`crate::json`] directly from the schema, so a document is read
//! and checked in one pass without an intermediate tree. A value that breaks the schema is
//! reported and skipped and the pass goes on; only broken JSON syntax ends it (nothing after a
//! syntax error can be read reliably).
//!
//! **Invariant:** `Node.at` is the byte offset of the value's first character in the document's
//! source text; an absent field is `None` unless its schema gives it a meaning (`absent = "empty"`
//! or `"none"`), in which case the node sits at its parent object's offset.

use super::{Absent, CharSet, Document, FieldDef, FieldType, InputSchema, TypeId};
use crate::catalog::{Catalog, Table};
use crate::diag::{Diagnostic, Diagnostics, Problem, did_you_mean};
use crate::json::{JsonError, JsonErrorKind, Kind, Limits, Reader, push_pointer, same};
use crate::source::{SourceFile, Span};
use crate::spanned::ticked;
use crate::text::{Lang, Text, pick};
use crate::value::{self, Node, Tree, Value, number_json};
use jiff::civil::Date;
use std::borrow::Cow;

/// A document that breaks its input schema. Its words are in the user's languages: names, types
/// and hints are [`Text`]s, and `Display` is the English message.
#[derive(Debug, Clone)]
pub enum InputProblem {
    UnknownField {
        name: String,
        ty: String,
        suggestion: Option<String>,
        known: String,
    },
    WrongType {
        name: Text,
        expected: Text,
        found: Text,
        hint: Option<Text>,
    },
    NullNotAllowed {
        name: Text,
        expected: Text,
        required: bool,
    },
    BadEnum {
        name: Text,
        value: String,
        expected: String,
        suggestion: Option<String>,
    },
    BadDate {
        name: Text,
        value: String,
        reason: Text,
    },
    BelowMin {
        name: Text,
        value: String,
        min: String,
    },
    AboveMax {
        name: Text,
        value: String,
        max: String,
    },
    NotInteger {
        name: Text,
        value: String,
    },
    EmptyId {
        name: Text,
        chars: String,
    },
    BadIdChars {
        name: Text,
        value: String,
        bad: char,
        chars: String,
    },
    ControlCharacter {
        name: Text,
        found: char,
    },
    TooLong {
        name: Text,
        len: usize,
        max: usize,
    },
    /// A text of only whitespace where the format says a blank text is no answer.
    Blank {
        name: Text,
        /// The field may be left out (it is not required).
        optional: bool,
        /// `null` states it as none.
        nullable: bool,
    },
    TooManyItems {
        name: Text,
        len: usize,
        max: usize,
    },
    WrongSchema {
        field: String,
        found: String,
        expected: String,
    },
    MissingField {
        name: String,
        ty: String,
        expected: Text,
        hint: Option<Text>,
    },
    UnknownRef {
        name: Text,
        table: String,
        value: String,
        suggestion: Option<String>,
        known: String,
    },
    TooManyProblems {
        max: usize,
        more: usize,
    },
    DuplicateDocument {
        key_field: String,
        key: String,
        first: String,
    },
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for InputProblem {}

impl InputProblem {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang;
        match self {
            InputProblem::UnknownField { name, ty, .. } => match l {
                Lang::Nb => format!("ukjent felt `{name}` i `{ty}`"),
                Lang::Nn => format!("ukjend felt `{name}` i `{ty}`"),
                Lang::En => format!("unknown field `{name}` in `{ty}`"),
            },
            InputProblem::WrongType {
                name,
                expected,
                found,
                ..
            } => {
                let (name, expected, found) = (name.get(l), expected.get(l), found.get(l));
                match l {
                    Lang::Nb => format!("ventet {expected} for {name}, fant {found}"),
                    Lang::Nn => format!("venta {expected} for {name}, fann {found}"),
                    Lang::En => format!("expected {expected} for {name}, found {found}"),
                }
            }
            InputProblem::NullNotAllowed { name, expected, .. } => {
                let (name, expected) = (name.get(l), expected.get(l));
                match l {
                    Lang::Nb => format!("`null` er ikke tillatt for {name}; ventet {expected}"),
                    Lang::Nn => format!("`null` er ikkje tillate for {name}; venta {expected}"),
                    Lang::En => format!("`null` is not allowed for {name}; expected {expected}"),
                }
            }
            InputProblem::BadEnum {
                name,
                value,
                expected,
                ..
            } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => {
                        format!("ugyldig verdi `{value}` for {name}; ventet én av {expected}")
                    }
                    Lang::Nn => {
                        format!("ugyldig verdi `{value}` for {name}; venta ein av {expected}")
                    }
                    Lang::En => {
                        format!("invalid value `{value}` for {name}; expected one of {expected}")
                    }
                }
            }
            InputProblem::BadDate {
                name,
                value,
                reason,
            } => {
                let (name, reason) = (name.get(l), reason.get(l));
                match l {
                    Lang::Nb | Lang::Nn => format!("ugyldig dato `{value}` for {name}: {reason}"),
                    Lang::En => format!("invalid date `{value}` for {name}: {reason}"),
                }
            }
            InputProblem::BelowMin { name, value, min } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("`{value}` for {name} er under minimum {min}"),
                    Lang::Nn => format!("`{value}` for {name} er under minimum {min}"),
                    Lang::En => format!("`{value}` for {name} is below the minimum {min}"),
                }
            }
            InputProblem::AboveMax { name, value, max } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("`{value}` for {name} er over maksimum {max}"),
                    Lang::Nn => format!("`{value}` for {name} er over maksimum {max}"),
                    Lang::En => format!("`{value}` for {name} is above the maximum {max}"),
                }
            }
            InputProblem::NotInteger { name, value } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("ventet et heltall for {name}, fant `{value}`"),
                    Lang::Nn => format!("venta eit heiltal for {name}, fann `{value}`"),
                    Lang::En => format!("expected a whole number for {name}, found `{value}`"),
                }
            }
            InputProblem::EmptyId { name, .. } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("tom identifikator for {name}"),
                    Lang::Nn => format!("tom identifikator for {name}"),
                    Lang::En => format!("empty identifier for {name}"),
                }
            }
            InputProblem::BadIdChars {
                name, value, bad, ..
            } => {
                let (name, bad) = (name.get(l), show_char(*bad, l));
                match l {
                    Lang::Nb => format!("ugyldig tegn {bad} i `{value}` for {name}"),
                    Lang::Nn => format!("ugyldig teikn {bad} i `{value}` for {name}"),
                    Lang::En => format!("invalid character {bad} in `{value}` for {name}"),
                }
            }
            InputProblem::ControlCharacter { name, found } => {
                let (name, found) = (name.get(l), show_char(*found, l));
                match l {
                    Lang::Nb => format!("kontrolltegn {found} i teksten for {name}"),
                    Lang::Nn => format!("kontrollteikn {found} i teksten for {name}"),
                    Lang::En => format!("control character {found} in the text for {name}"),
                }
            }
            InputProblem::TooLong { name, len, max } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => {
                        format!("teksten for {name} har {len} tegn, mer enn grensen på {max}")
                    }
                    Lang::Nn => {
                        format!("teksten for {name} har {len} teikn, meir enn grensa på {max}")
                    }
                    Lang::En => {
                        format!(
                            "text for {name} has {len} characters, more than the limit of {max}"
                        )
                    }
                }
            }
            InputProblem::Blank { name, .. } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("teksten for {name} er tom eller bare blanktegn"),
                    Lang::Nn => format!("teksten for {name} er tom eller berre blanke teikn"),
                    Lang::En => format!("the text for {name} is empty or only whitespace"),
                }
            }
            InputProblem::TooManyItems { name, len, max } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("{name} har {len} elementer, mer enn grensen på {max}"),
                    Lang::Nn => format!("{name} har {len} element, meir enn grensa på {max}"),
                    Lang::En => format!("{name} has {len} items, more than the limit of {max}"),
                }
            }
            InputProblem::WrongSchema {
                field,
                found,
                expected,
            } => match l {
                Lang::Nb => {
                    format!("formatet `{found}` i `{field}` støttes ikke; ventet `{expected}`")
                }
                Lang::Nn => {
                    format!("formatet `{found}` i `{field}` er ikkje støtta; venta `{expected}`")
                }
                Lang::En => {
                    format!("unsupported format `{found}` in `{field}`; expected `{expected}`")
                }
            },
            InputProblem::MissingField { name, ty, .. } => match l {
                Lang::Nb => format!("det påkrevde feltet `{name}` mangler i `{ty}`"),
                Lang::Nn => format!("det obligatoriske feltet `{name}` manglar i `{ty}`"),
                Lang::En => format!("missing required field `{name}` in `{ty}`"),
            },
            InputProblem::UnknownRef {
                name, table, value, ..
            } => {
                let name = name.get(l);
                match l {
                    Lang::Nb => format!("ukjent `{table}`-id `{value}` for {name}"),
                    Lang::Nn => format!("ukjend `{table}`-id `{value}` for {name}"),
                    Lang::En => format!("unknown `{table}` id `{value}` for {name}"),
                }
            }
            InputProblem::TooManyProblems { max, more } => match l {
                Lang::Nb => {
                    format!("{more} problem(er) til er ikke vist; høyst {max} meldes per dokument")
                }
                Lang::Nn => format!(
                    "{more} problem til er ikkje viste; høgst {max} blir melde per dokument"
                ),
                Lang::En => format!(
                    "{more} more problem(s) not shown; at most {max} are reported per document"
                ),
            },
            InputProblem::DuplicateDocument { key_field, key, .. } => match l {
                Lang::Nb => format!("`{key_field}` `{key}` finnes to ganger i samlingen"),
                Lang::Nn => format!("`{key_field}` `{key}` finst to gonger i samlinga"),
                Lang::En => format!("duplicate `{key_field}` `{key}` in the batch"),
            },
        }
    }

    /// The help in `lang`.
    pub fn help_text(&self, lang: Lang) -> String {
        let l = lang;
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(l, nb, nn, en);
        let mean = |s: &str| match l {
            Lang::Nb => format!("mente du `{s}`?"),
            Lang::Nn => format!("meinte du `{s}`?"),
            Lang::En => format!("did you mean `{s}`?"),
        };
        match self {
            InputProblem::UnknownField {
                suggestion, known, ..
            } => match suggestion {
                Some(s) => mean(s),
                None => format!("{}: {known}", w("kjente felt", "kjende felt", "known fields")),
            },
            InputProblem::WrongType { hint, .. } => match hint {
                Some(h) => h.get(l).to_string(),
                None => w(
                    "`samstyr schema` skriver ut hele formatet",
                    "`samstyr schema` skriv ut heile formatet",
                    "`samstyr schema` prints the whole format",
                )
                .into(),
            },
            InputProblem::NullNotAllowed { required, .. } => {
                if *required {
                    w("oppgi en verdi", "oppgje ein verdi", "give a value").into()
                } else {
                    w(
                        "utelat feltet når det ikke er kjent",
                        "la feltet vere ute når det ikkje er kjent",
                        "leave the field out when it is not known",
                    )
                    .into()
                }
            }
            InputProblem::BadEnum { suggestion, .. } => match suggestion {
                Some(s) => mean(s),
                None => w(
                    "verdiene skrives nøyaktig som listet, med små bokstaver",
                    "verdiane blir skrivne nøyaktig som lista, med små bokstavar",
                    "values are written exactly as listed, in lower case",
                )
                .into(),
            },
            InputProblem::BadDate { .. } => w(
                "datoer skrives `YYYY-MM-DD` og må finnes i kalenderen",
                "datoar blir skrivne `YYYY-MM-DD` og må finnast i kalenderen",
                "dates are written `YYYY-MM-DD` and must exist in the calendar",
            )
            .into(),
            InputProblem::BelowMin { min, .. } => match l {
                Lang::Nb => format!("verdien må være minst {min}"),
                Lang::Nn => format!("verdien må vere minst {min}"),
                Lang::En => format!("the value must be at least {min}"),
            },
            InputProblem::AboveMax { max, .. } => match l {
                Lang::Nb => format!("verdien må være høyst {max}"),
                Lang::Nn => format!("verdien må vere høgst {max}"),
                Lang::En => format!("the value must be at most {max}"),
            },
            InputProblem::NotInteger { .. } => {
                w("fjern desimalene", "fjern desimalane", "remove the decimals").into()
            }
            InputProblem::EmptyId { chars, .. } => match l {
                Lang::Nb => format!("en identifikator er ett eller flere av tegnene `{chars}`"),
                Lang::Nn => format!("ein identifikator er eitt eller fleire av teikna `{chars}`"),
                Lang::En => format!("an identifier is one or more of the characters `{chars}`"),
            },
            InputProblem::BadIdChars { chars, .. } => match l {
                Lang::Nb => format!("en identifikator kan bare bruke tegnene `{chars}`"),
                Lang::Nn => format!("ein identifikator kan berre bruke teikna `{chars}`"),
                Lang::En => format!("an identifier may use only the characters `{chars}`"),
            },
            InputProblem::TooLong { .. } => {
                w("kort ned teksten", "kort ned teksten", "shorten the text").into()
            }
            InputProblem::Blank { nullable: true, .. } => w(
                "skriv svaret, eller utelat feltet eller skriv `null` når det ikke finnes noe",
                "skriv svaret, eller utelat feltet eller skriv `null` når det ikkje finst noko",
                "write the answer, or leave the field out or write `null` when there is none",
            )
            .into(),
            InputProblem::Blank { optional: true, .. } => w(
                "skriv svaret, eller utelat feltet når det ikke er kjent",
                "skriv svaret, eller utelat feltet når det ikkje er kjend",
                "write the answer, or leave the field out when it is not known",
            )
            .into(),
            InputProblem::Blank { .. } => w(
                "skriv svaret; en tom tekst er ikke et svar",
                "skriv svaret; ein tom tekst er ikkje eit svar",
                "write the answer; an empty text is no answer",
            )
            .into(),
            InputProblem::ControlCharacter { .. } => w(
                "tekst kan ha tabulatorer og linjeskift, men ingen andre kontrolltegn (escape-sekvenser som `\\u001b`)",
                "tekst kan ha tabulatorar og linjeskift, men ingen andre kontrollteikn (escape-sekvensar som `\\u001b`)",
                "text may hold tabs and line breaks, but no other control characters (escapes such as `\\u001b`)",
            )
            .into(),
            InputProblem::TooManyItems { .. } => {
                w("del opp listen", "del opp lista", "split the list").into()
            }
            InputProblem::WrongSchema {
                field, expected, ..
            } => match l {
                Lang::Nb => format!(
                    "skriv `\"{field}\": \"{expected}\"`; denne versjonen av samstyr leser bare det formatet"
                ),
                Lang::Nn => format!(
                    "skriv `\"{field}\": \"{expected}\"`; denne versjonen av samstyr les berre det formatet"
                ),
                Lang::En => format!(
                    "set `\"{field}\": \"{expected}\"`; this version of samstyr reads only that format"
                ),
            },
            InputProblem::MissingField {
                name,
                expected,
                hint,
                ..
            } => match hint {
                Some(h) => h.get(l).to_string(),
                None => {
                    let expected = expected.get(l);
                    match l {
                        Lang::Nb => format!("legg til `\"{name}\": …` med {expected}"),
                        Lang::Nn => format!("legg til `\"{name}\": …` med {expected}"),
                        Lang::En => format!("add `\"{name}\": …` with {expected}"),
                    }
                }
            },
            InputProblem::UnknownRef {
                suggestion, known, ..
            } => match suggestion {
                Some(s) => mean(s),
                None => format!("{}: {known}", w("kjente id-er", "kjende id-ar", "known ids")),
            },
            InputProblem::TooManyProblems { .. } => w(
                "rett problemene som er vist, og sjekk dokumentet på nytt",
                "rett problema som er viste, og sjekk dokumentet på nytt",
                "fix the problems shown and check the document again",
            )
            .into(),
            InputProblem::DuplicateDocument {
                key_field, first, ..
            } => match l {
                Lang::Nb => format!(
                    "`{first}` har allerede denne `{key_field}`; hvert dokument i en samling trenger sin egen"
                ),
                Lang::Nn => format!(
                    "`{first}` har alt denne `{key_field}`; kvart dokument i ei samling treng sin eigen"
                ),
                Lang::En => format!(
                    "`{first}` already has this `{key_field}`; every document in a batch needs its own"
                ),
            },
        }
    }
}

impl Problem for InputProblem {
    fn code(&self) -> &'static str {
        match self {
            InputProblem::UnknownField { .. } => "input::unknown-field",
            InputProblem::WrongType { .. } => "input::wrong-type",
            InputProblem::NullNotAllowed { .. } => "input::null",
            InputProblem::BadEnum { .. } => "input::enum",
            InputProblem::BadDate { .. } => "input::date",
            InputProblem::BelowMin { .. } => "input::minimum",
            InputProblem::AboveMax { .. } => "input::maximum",
            InputProblem::NotInteger { .. } => "input::integer",
            InputProblem::EmptyId { .. } => "input::empty-id",
            InputProblem::BadIdChars { .. } => "input::id-chars",
            InputProblem::TooLong { .. } => "input::too-long",
            InputProblem::Blank { .. } => "input::blank",
            InputProblem::ControlCharacter { .. } => "input::control-character",
            InputProblem::TooManyItems { .. } => "input::too-many-items",
            InputProblem::WrongSchema { .. } => "input::schema",
            InputProblem::MissingField { .. } => "input::missing-field",
            InputProblem::UnknownRef { .. } => "input::unknown-ref",
            InputProblem::DuplicateDocument { .. } => "input::duplicate-key",
            InputProblem::TooManyProblems { .. } => "input::too-many-problems",
        }
    }

    fn help(&self) -> Option<String> {
        Some(self.help_text(Lang::En))
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        Some(self.message(lang))
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(self.help_text(lang))
    }
}

/// Most problems reported for one document; the rest are counted in one last diagnostic. A
/// document of 100 000 unknown fields would otherwise cost 100 000 rendered diagnostics.
pub const MAX_PROBLEMS: usize = 100;
/// Reads `source` as one document of `schema`'s root type.
pub fn validate(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
) -> Result<Document, Diagnostics> {
    validate_with(schema, catalog, source, Limits::default())
}

/// [`validate`] with explicit reader limits.
pub fn validate_with(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
) -> Result<Document, Diagnostics> {
    validate_in(schema, catalog, source, limits, Box::default())
}

/// [`validate_with`], building the document's tree in `tree` (emptied first): a batch hands
/// each document's tree, once done with, to the next, so that its vectors are allocated once.
///
/// The validator runs first with [`Quiet`], which keeps no problem and stops at the first: most
/// documents of a batch are valid, and pay for no message, pointer or span. Only a document it
/// stops on is read again, by the same validator with [`Report`], which says what is wrong.
pub fn validate_in(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
    mut tree: Box<Tree>,
) -> Result<Document, Diagnostics> {
    tree.clear();
    tree.set_source(source.clone());
    let (root, Quiet) = pass::<Quiet>(schema, catalog, &source, limits, &mut tree);
    if let Some(root) = root
        && let Some(key) = key_of(schema, &tree, &root)
    {
        return Ok(Document {
            key,
            root,
            tree,
            source,
        });
    }
    tree.clear();
    tree.set_source(source.clone());
    report(schema, catalog, source, limits, tree)
}

/// The validator with [`Report`] alone, without the quiet pass first: every problem, with its
/// place, pointer and hint. Public so that tests and fuzz targets can hold [`validate`] (quiet
/// pass, then this on failure) to the same answers.
pub fn validate_reporting(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
) -> Result<Document, Diagnostics> {
    let mut tree = Box::<Tree>::default();
    tree.set_source(source.clone());
    report(schema, catalog, source, limits, tree)
}

/// The document's key: the root's key field, a string in every valid document.
fn key_of(schema: &InputSchema, tree: &Tree, root: &Node) -> Option<String> {
    let slot = schema.key_field()?.0;
    let node = tree.object(&root.value)?.get(slot)?.as_ref()?;
    tree.str(&node.value).map(String::from)
}

fn report(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
    mut tree: Box<Tree>,
) -> Result<Document, Diagnostics> {
    let (root, rec) = pass::<Report>(schema, catalog, &source, limits, &mut tree);
    let mut diags = rec.diags;
    if rec.dropped > 0 {
        let p = InputProblem::TooManyProblems {
            max: MAX_PROBLEMS,
            more: rec.dropped,
        };
        diags.push(Diagnostic::new(&p, Some(&source), None));
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    let key = root.as_ref().and_then(|r| key_of(schema, &tree, r));
    match (root, key) {
        (Some(root), Some(key)) => Ok(Document {
            key,
            root,
            tree,
            source,
        }),
        // A valid document always has its required key; this only guards the invariant.
        _ => Err(Diagnostics::new()),
    }
}

/// One pass of the validator over `source` into `tree`, recording with `R`: the root when the
/// document is valid, and what the recorder kept.
fn pass<R: Recorder>(
    schema: &InputSchema,
    catalog: &Catalog,
    source: &SourceFile,
    limits: Limits,
    tree: &mut Tree,
) -> (Option<Node>, R) {
    let mut v = Validator {
        schema,
        catalog,
        file: source,
        rec: R::default(),
        // The key field found by name once per document, not once per key reference.
        key_chars: schema.key_field().and_then(|(_, f)| id_chars(f)),
        tree,
        table: None,
    };
    let read = Reader::new(source.text(), limits)
        .map_err(Halt::from)
        .and_then(|mut r| v.document(&mut r));
    let root = match read {
        Ok(root) => root,
        Err(Halt::Json(e)) => {
            v.rec.syntax(e.diagnostic(source));
            None
        }
        Err(Halt::Quiet) => None,
    };
    (root, v.rec)
}

/// The character set of an `id` field, with its text as written.
fn id_chars(f: &FieldDef) -> Option<(CharSet, &str)> {
    match &f.ty {
        FieldType::Id { chars, set } => Some((*set, chars.as_str())),
        _ => None,
    }
}

/// What a pass of the validator does with the problems it finds. There is one validator and
/// two recorders: [`Report`] keeps every problem (up to [`MAX_PROBLEMS`]) with its place,
/// pointer and hint, and reads on past it; [`Quiet`] keeps none and ends the pass at the first.
/// The validator is monomorphised for each, so the quiet pass compiles every problem down to
/// a branch and a return, with no message, pointer or suggestion worked out.
pub(crate) trait Recorder: Default {
    /// Whether problems are kept; when not, the first one ends the pass.
    const KEEPS: bool;
    /// Whether there is room for one more problem; when not, it is counted as dropped. Asked
    /// before working out a message.
    fn room(&mut self) -> bool;
    fn keep(&mut self, d: Diagnostic);
    /// The JSON syntax error that ended the pass, kept whether or not there is room.
    fn syntax(&mut self, d: Diagnostic);
}

/// Keeps nothing: the pass ends at the first problem (a batch's valid documents).
#[derive(Default)]
pub(crate) struct Quiet;

impl Recorder for Quiet {
    const KEEPS: bool = false;
    fn room(&mut self) -> bool {
        false
    }
    fn keep(&mut self, _: Diagnostic) {}
    fn syntax(&mut self, _: Diagnostic) {}
}

/// Keeps every problem, up to [`MAX_PROBLEMS`]; the rest are counted.
#[derive(Default)]
pub(crate) struct Report {
    diags: Vec<Diagnostic>,
    /// Problems found past [`MAX_PROBLEMS`], counted but not reported.
    dropped: usize,
}

impl Recorder for Report {
    const KEEPS: bool = true;
    fn room(&mut self) -> bool {
        if self.diags.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            false
        } else {
            true
        }
    }
    fn keep(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
    fn syntax(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

/// Why a pass ended before the end of the document: broken JSON syntax (nothing after it can
/// be read reliably), or, with [`Quiet`], the first problem.
enum Halt {
    Json(Box<JsonError>),
    Quiet,
}

impl From<Box<JsonError>> for Halt {
    #[inline]
    fn from(e: Box<JsonError>) -> Halt {
        Halt::Json(e)
    }
}

impl From<JsonError> for Halt {
    #[cold]
    fn from(e: JsonError) -> Halt {
        Halt::Json(Box::new(e))
    }
}

/// Where a value sits, as a chain on the stack: no allocation unless a problem needs a pointer.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn pointer(&self) -> String {
        let mut segs = Vec::new();
        let mut p = self;
        loop {
            match p {
                Path::Root => break,
                Path::Key(parent, k) => {
                    segs.push(Seg::Key(k));
                    p = parent;
                }
                Path::Index(parent, i) => {
                    segs.push(Seg::Index(*i));
                    p = parent;
                }
            }
        }
        let mut s = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Key(k) => push_pointer(&mut s, k),
                Seg::Index(i) => {
                    s.push('/');
                    s.push_str(&i.to_string());
                }
            }
        }
        s
    }

    /// The field a value belongs to, for messages: `` `kind` ``, `` an item of `sectors` ``.
    fn name(&self) -> Text {
        match self {
            Path::Root => Text::all("dokumentet", "dokumentet", "the document"),
            Path::Key(_, k) => {
                let k = format!("`{k}`");
                Text::all(k.clone(), k.clone(), k)
            }
            Path::Index(parent, _) => {
                let p = parent.name();
                Text::all(
                    format!("et element i {}", p.nb),
                    format!("eit element i {}", p.nn),
                    format!("an item of {}", p.en),
                )
            }
        }
    }
}

enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

struct Validator<'s, 't, R> {
    schema: &'s InputSchema,
    catalog: &'s Catalog,
    file: &'s SourceFile,
    rec: R,
    key_chars: Option<(CharSet, &'s str)>,
    /// Where the document's lists and objects go.
    tree: &'t mut Tree,
    /// The catalog table last looked up, by the address of its name in the schema: the items
    /// of a list of references name one table, and finding it by name cost more than the row.
    table: Option<(&'s String, Option<&'s Table>)>,
}

/// The result of reading one value: the node, or `None` when it broke the schema (recorded).
type Read = Result<Option<Node>, Halt>;

impl<'s, R: Recorder> Validator<'s, '_, R> {
    /// Records problem `p` at `span` (with `path`'s pointer), made only when it is kept; with
    /// [`Quiet`], ends the pass.
    #[inline(always)]
    fn flag(
        &mut self,
        span: Span,
        path: &Path,
        p: impl FnOnce() -> InputProblem,
    ) -> Result<(), Halt> {
        if !R::KEEPS {
            return Err(Halt::Quiet);
        }
        if self.rec.room() {
            let d = Diagnostic::at(&p(), self.file, span).with_pointer(path.pointer());
            self.rec.keep(d);
        }
        Ok(())
    }

    /// Records a key given twice, first at `first` (found only when the problem is kept).
    fn duplicate(
        &mut self,
        key: &str,
        first: impl FnOnce() -> Span,
        span: Span,
        path: &Path,
    ) -> Result<(), Halt> {
        if !R::KEEPS {
            return Err(Halt::Quiet);
        }
        if self.rec.room() {
            let e = JsonError {
                kind: JsonErrorKind::DuplicateKey {
                    key: shorten(key),
                    first: first(),
                },
                span,
            };
            let d = e.diagnostic(self.file).with_pointer(path.pointer());
            self.rec.keep(d);
        }
        Ok(())
    }

    fn document(&mut self, r: &mut Reader<'_>) -> Read {
        let kind = r.peek()?;
        let root = if kind == Kind::Object {
            self.object(r, self.schema.root, &Path::Root)?
        } else {
            let root_ty = FieldType::Object(self.schema.root);
            self.wrong_type(r, kind, &root_ty, &Path::Root)?;
            None
        };
        r.finish()?;
        Ok(root)
    }

    fn object(&mut self, r: &mut Reader<'_>, ty: TypeId, path: &Path) -> Read {
        let schema = self.schema;
        let Some(t) = schema.types.get(ty) else {
            r.skip_value()?;
            return Ok(None);
        };
        let is_root = matches!(path, Path::Root) && ty == schema.root;
        let schema_slot = if is_root {
            t.field(&schema.schema_field).map(|(i, _)| i)
        } else {
            None
        };
        let start = r.pos();
        let n = t.fields.len();
        // The slots are reserved before the members are read, and each filled where it is
        // read: no vector of slots per object.
        let slots = self.tree.push_object(n).map_err(|_| full(start))?;
        let mut seen = Seen::new(n);
        // Unknown keys given, to tell the second of one from the first (only when reporting).
        let mut unknown: Option<std::collections::HashMap<String, Span>> = None;
        let mut ok = true;
        // Documents mostly list fields in schema order: the next one is tried first, in place.
        let mut hint = 0;
        let mut cur = r.begin_object()?;
        while r.next_member(&mut cur)? {
            let kat = r.pos();
            let (key, kspan, found) = match t.fields.get(hint) {
                Some(f) if f.plain && r.key_is(&f.name)? => (
                    Cow::Borrowed(f.name.as_str()),
                    Span::new(kat, kat + f.name.len() + 2),
                    Some(hint),
                ),
                _ => {
                    let (key, kspan) = r.read_key()?;
                    let found = t
                        .fields
                        .iter()
                        .position(|f| same(f.name.as_bytes(), key.as_bytes()));
                    (key, kspan, found)
                }
            };
            let child = Path::Key(path, &key);
            let Some((i, f)) = found.and_then(|i| Some((i, t.fields.get(i)?))) else {
                ok = false;
                if !R::KEEPS {
                    return Err(Halt::Quiet);
                }
                let unknown = unknown.get_or_insert_default();
                if let Some(first) = unknown.get(key.as_ref()).copied() {
                    self.duplicate(&key, || first, kspan, &child)?;
                } else if self.rec.room() {
                    let names = t.fields.iter().map(|f| f.name.as_str());
                    let p = InputProblem::UnknownField {
                        name: shorten(&key),
                        ty: t.name.clone(),
                        suggestion: did_you_mean(&key, names.clone()).map(String::from),
                        known: ticked(names),
                    };
                    let d = Diagnostic::at(&p, self.file, kspan).with_pointer(child.pointer());
                    self.rec.keep(d);
                    unknown.insert(key.to_string(), kspan);
                }
                r.skip_value()?;
                continue;
            };
            hint = i + 1;
            if seen.get(i) {
                ok = false;
                let text = r.text();
                self.duplicate(
                    &key,
                    || first_key_span(text, start, &key).unwrap_or(kspan),
                    kspan,
                    &child,
                )?;
                r.skip_value()?;
                continue;
            }
            seen.set(i);
            let kind = r.peek()?;
            let at = r.pos();
            let Some(node) = self.field(r, f, kind, &child)? else {
                ok = false;
                continue;
            };
            if schema_slot == Some(i) {
                let found = self.tree.str(&node.value).unwrap_or_default();
                if found != schema.id {
                    ok = false;
                    let found = shorten(found);
                    self.flag(Span::new(at, r.pos()), &child, || {
                        InputProblem::WrongSchema {
                            field: f.name.clone(),
                            found,
                            expected: schema.id.clone(),
                        }
                    })?;
                }
            }
            self.tree.fill(slots, i, node);
        }
        let obj_span = Span::new(start, start + 1);
        for i in seen.unseen() {
            let Some(f) = t.fields.get(i) else { break };
            if f.required {
                ok = false;
                self.flag(obj_span, path, || InputProblem::MissingField {
                    name: f.name.clone(),
                    ty: t.name.clone(),
                    expected: f.ty.describe_text(schema),
                    hint: (is_root && f.name == schema.schema_field).then(|| {
                        let field = format!("`\"{}\": \"{}\"`", f.name, schema.id);
                        Text::all(
                            format!("legg til {field} først i dokumentet"),
                            format!("legg til {field} først i dokumentet"),
                            format!("add {field} at the start of the document"),
                        )
                    }),
                })?;
                continue;
            }
            let fill = match f.absent {
                Absent::Unknown => continue,
                Absent::Empty => Value::List(value::Extent::EMPTY),
                Absent::None => Value::Null,
            };
            self.tree.fill(slots, i, Node::new(start as u32, fill));
        }
        Ok(ok.then_some(Node::new(start as u32, Value::Object(slots))))
    }

    /// A string node for the string read from `at` (its opening quote) to the reader's
    /// position: where the source has it when it has no escape, else copied into the tree.
    #[inline]
    fn str_node(&mut self, at: usize, end: usize, s: Cow<'_, str>) -> Read {
        let t = match s {
            Cow::Borrowed(_) => self.tree.source_str(at + 1, end - 1),
            Cow::Owned(s) => self.tree.push_str(&s),
        };
        let t = t.map_err(|_| full(at))?;
        Ok(Some(Node::new(at as u32, Value::Str(t))))
    }

    /// The value of field `f`, of JSON kind `kind`, at the reader.
    #[inline(always)]
    fn field(&mut self, r: &mut Reader<'_>, f: &'s FieldDef, kind: Kind, path: &Path) -> Read {
        if kind == Kind::Null {
            let at = r.pos();
            r.read_null()?;
            if f.nullable || f.absent == Absent::None {
                return Ok(Some(Node::new(at as u32, Value::Null)));
            }
            let schema = self.schema;
            self.flag(Span::new(at, r.pos()), path, || {
                InputProblem::NullNotAllowed {
                    name: path.name(),
                    expected: f.ty.describe_text(schema),
                    required: f.required,
                }
            })?;
            return Ok(None);
        }
        let at = r.pos();
        let v = self.value(r, &f.ty, kind, path)?;
        if f.nonblank
            && let Some(n) = &v
            && self.tree.str(&n.value).is_some_and(|s| s.trim().is_empty())
        {
            self.flag(Span::new(at, r.pos()), path, || InputProblem::Blank {
                name: path.name(),
                optional: !f.required,
                nullable: f.nullable || f.absent == Absent::None,
            })?;
            return Ok(None);
        }
        Ok(v)
    }

    /// The catalog table named `name`, remembered by the address of the name.
    #[inline]
    fn table(&mut self, name: &'s String) -> Option<&'s Table> {
        if let Some((last, table)) = self.table
            && std::ptr::eq(last, name)
        {
            return table;
        }
        let table = self.catalog.table(name);
        self.table = Some((name, table));
        table
    }

    /// A value of type `ty` and JSON kind `kind` at the reader. Inline in the loops over members
    /// and items: a call per value cost more than reading most values.
    #[inline(always)]
    fn value(&mut self, r: &mut Reader<'_>, ty: &'s FieldType, kind: Kind, path: &Path) -> Read {
        let at = r.pos();
        let node = |v: Value| Ok(Some(Node::new(at as u32, v)));
        match (ty, kind) {
            (FieldType::String { max_len }, Kind::String) => {
                let s = r.read_string()?;
                let end = r.pos();
                // Counting characters is only needed when the bytes could be too many.
                if let Some(max) = max_len.filter(|m| s.len() > *m) {
                    let len = s.chars().count();
                    if len > max {
                        self.flag(Span::new(at, end), path, || InputProblem::TooLong {
                            name: path.name(),
                            len,
                            max,
                        })?;
                        return Ok(None);
                    }
                }
                // Text is printed in reports, on terminals: refuse control characters here. The
                // reader refuses raw C0 ones, so only an escaped string (`\u001b`) or a raw DEL or
                // C1 character (bytes 0x7F, 0xC2 0x80–0x9F) can hold one; others need no scan.
                let suspect = match &s {
                    Cow::Owned(_) => true,
                    Cow::Borrowed(b) => memchr::memchr2(0x7f, 0xc2, b.as_bytes()).is_some(),
                };
                let control = suspect
                    .then(|| {
                        s.chars()
                            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    })
                    .flatten();
                if let Some(found) = control {
                    self.flag(Span::new(at, end), path, || {
                        InputProblem::ControlCharacter {
                            name: path.name(),
                            found,
                        }
                    })?;
                    return Ok(None);
                }
                self.str_node(at, end, s)
            }
            (FieldType::Id { chars, set }, Kind::String) => {
                let s = r.read_string()?;
                let end = r.pos();
                if self.check_id(&s, *set, chars, Span::new(at, end), path)? {
                    self.str_node(at, end, s)
                } else {
                    Ok(None)
                }
            }
            (FieldType::KeyRef, Kind::String) => {
                let s = r.read_string()?;
                let end = r.pos();
                let ok = match self.key_chars {
                    Some((set, chars)) => {
                        self.check_id(&s, set, chars, Span::new(at, end), path)?
                    }
                    None => true,
                };
                if ok {
                    self.str_node(at, end, s)
                } else {
                    Ok(None)
                }
            }
            (FieldType::Bool, Kind::Bool) => node(Value::Bool(r.read_bool()?)),
            (FieldType::Number { min, max, integer }, Kind::Number) => {
                let (n, text) = r.read_number()?;
                let span = Span::new(at, r.pos());
                let mut ok = true;
                if *integer && n.fract() != 0.0 {
                    ok = false;
                    self.flag(span, path, || InputProblem::NotInteger {
                        name: path.name(),
                        value: shorten(text),
                    })?;
                }
                if let Some(m) = min.filter(|m| n < *m) {
                    ok = false;
                    self.flag(span, path, || InputProblem::BelowMin {
                        name: path.name(),
                        value: shorten(text),
                        min: number_json(m).to_string(),
                    })?;
                }
                if let Some(m) = max.filter(|m| n > *m) {
                    ok = false;
                    self.flag(span, path, || InputProblem::AboveMax {
                        name: path.name(),
                        value: shorten(text),
                        max: number_json(m).to_string(),
                    })?;
                }
                if ok { node(Value::Number(n)) } else { Ok(None) }
            }
            (FieldType::Date, Kind::String) => {
                let s = r.read_string()?;
                match parse_date(&s) {
                    Ok(d) => node(Value::Date(d)),
                    Err(reason) => {
                        self.flag(Span::new(at, r.pos()), path, || InputProblem::BadDate {
                            name: path.name(),
                            value: shorten(&s),
                            reason,
                        })?;
                        Ok(None)
                    }
                }
            }
            (FieldType::Enum(values), Kind::String) => {
                // Most values are written as they are: each is tried in place first.
                if r.string_among(values).is_some() {
                    return self.str_node(at, r.pos(), Cow::Borrowed(""));
                }
                let s = r.read_string()?;
                let end = r.pos();
                if values.iter().any(|v| same(v.as_bytes(), s.as_bytes())) {
                    return self.str_node(at, end, s);
                }
                self.flag(Span::new(at, end), path, || InputProblem::BadEnum {
                    name: path.name(),
                    value: shorten(&s),
                    expected: ticked(values.iter().map(String::as_str)),
                    suggestion: did_you_mean(&s, values.iter().map(String::as_str))
                        .map(String::from),
                })?;
                Ok(None)
            }
            (FieldType::Ref { table }, Kind::String) => {
                let s = r.read_string()?;
                let end = r.pos();
                // Without the table, the loader did not check the schema against the catalog;
                // the value is accepted rather than the document blamed.
                let Some(t) = self.table(table).filter(|t| t.row(&s).is_none()) else {
                    return self.str_node(at, end, s);
                };
                self.flag(Span::new(at, end), path, || InputProblem::UnknownRef {
                    name: path.name(),
                    table: table.clone(),
                    value: shorten(&s),
                    suggestion: did_you_mean(&s, t.keys()).map(String::from),
                    known: known_keys(t.keys()),
                })?;
                Ok(None)
            }
            (FieldType::List { items, max_items }, Kind::Array) => {
                self.list(r, items, *max_items, path)
            }
            (FieldType::Object(id), Kind::Object) => self.object(r, *id, path),
            _ => {
                self.wrong_type(r, kind, ty, path)?;
                Ok(None)
            }
        }
    }

    /// A list of items of type `items` at the reader. Out of line: `value` is inlined into the
    /// loops over members and items, and this is where it recurses.
    #[inline(never)]
    fn list(
        &mut self,
        r: &mut Reader<'_>,
        items: &'s FieldType,
        max_items: Option<usize>,
        path: &Path,
    ) -> Read {
        let at = r.pos();
        let mut cur = r.begin_array()?;
        // Items gather on the tree's stack, shared by all lists of the document, and move into
        // the tree together when the list ends (its length known).
        let base = self.tree.open_list();
        let mut ok = true;
        let mut i = 0;
        while r.next_item(&mut cur)? {
            let k = r.peek()?;
            match self.value(r, items, k, &Path::Index(path, i))? {
                Some(n) => self.tree.push_item(n),
                None => ok = false,
            }
            i += 1;
        }
        let span = self.tree.close_list(base).map_err(|_| full(at))?;
        if let Some(max) = max_items.filter(|m| i > *m) {
            self.flag(Span::new(at, at + 1), path, || InputProblem::TooManyItems {
                name: path.name(),
                len: i,
                max,
            })?;
            return Ok(None);
        }
        Ok(ok.then_some(Node::new(at as u32, Value::List(span))))
    }

    /// Records a value of the wrong JSON type and skips it.
    fn wrong_type(
        &mut self,
        r: &mut Reader<'_>,
        kind: Kind,
        ty: &FieldType,
        path: &Path,
    ) -> Result<(), Halt> {
        if !R::KEEPS {
            return Err(Halt::Quiet);
        }
        let at = r.pos();
        r.skip_value()?;
        let end = r.pos();
        let raw = r.text().get(at..end).unwrap_or("");
        let span = match kind {
            Kind::Array | Kind::Object => Span::new(at, at + 1),
            _ => Span::new(at, end),
        };
        let schema = self.schema;
        self.flag(span, path, || {
            let found = match kind {
                Kind::Null => Text::all("`null`", "`null`", "`null`"),
                Kind::Bool => {
                    let b = format!("`{raw}`");
                    Text::all(b.clone(), b.clone(), b)
                }
                Kind::Number => Text::all(
                    format!("tallet `{raw}`"),
                    format!("talet `{raw}`"),
                    format!("the number `{raw}`"),
                ),
                Kind::String => {
                    let s = shorten(raw);
                    Text::all(
                        format!("teksten `{s}`"),
                        format!("teksten `{s}`"),
                        format!("the string `{s}`"),
                    )
                }
                Kind::Array => Text::all("en liste", "ei liste", "a list"),
                Kind::Object => Text::all("et objekt", "eit objekt", "an object"),
            };
            InputProblem::WrongType {
                name: path.name(),
                expected: ty.describe_text(schema),
                found,
                hint: type_hint(ty, kind, raw),
            }
        })
    }

    /// Whether `s` is an identifier of the characters `set` (`chars` as written); if not,
    /// records why.
    fn check_id(
        &mut self,
        s: &str,
        set: CharSet,
        chars: &str,
        span: Span,
        path: &Path,
    ) -> Result<bool, Halt> {
        if id_ok(s, set) {
            return Ok(true);
        }
        self.flag(span, path, || match s.chars().find(|c| !set.contains(*c)) {
            Some(bad) => InputProblem::BadIdChars {
                name: path.name(),
                value: shorten(s),
                bad,
                chars: chars.into(),
            },
            None => InputProblem::EmptyId {
                name: path.name(),
                chars: chars.into(),
            },
        })?;
        Ok(false)
    }
}

/// `!s.is_empty() && s.chars().all(|c| set.contains(c))`, a byte at a time
/// ([`CharSet::contains_byte`]: every byte of a character beyond ASCII is outside the set too).
fn id_ok(s: &str, set: CharSet) -> bool {
    !s.is_empty() && s.bytes().all(|b| set.contains_byte(b))
}

/// Which fields of an object have been given: a bit set, spilling over for very wide types.
struct Seen {
    bits: u64,
    /// The bits of the fields of the type (the first 64).
    mask: u64,
    more: Vec<bool>,
}

impl Seen {
    fn new(n: usize) -> Self {
        Seen {
            bits: 0,
            mask: if n >= 64 { u64::MAX } else { (1 << n) - 1 },
            more: if n > 64 {
                vec![false; n - 64]
            } else {
                Vec::new()
            },
        }
    }

    fn get(&self, i: usize) -> bool {
        match i.checked_sub(64) {
            None => self.bits & (1 << i) != 0,
            Some(j) => self.more.get(j).copied().unwrap_or(false),
        }
    }

    /// The fields not given, in order, of a type of `self`'s width: the bits clear below the
    /// width, then the spill-over.
    fn unseen(&self) -> impl Iterator<Item = usize> + '_ {
        let mut missing = !self.bits & self.mask;
        let low = std::iter::from_fn(move || {
            (missing != 0).then(|| {
                let i = missing.trailing_zeros() as usize;
                missing &= missing - 1;
                i
            })
        });
        let high = self
            .more
            .iter()
            .enumerate()
            .filter(|(_, b)| !**b)
            .map(|(j, _)| 64 + j);
        low.chain(high)
    }

    fn set(&mut self, i: usize) {
        match i.checked_sub(64) {
            None => self.bits |= 1 << i,
            Some(j) => {
                if let Some(b) = self.more.get_mut(j) {
                    *b = true;
                }
            }
        }
    }
}

/// Where `key` was first given in the object starting at `start` (only asked for duplicates,
/// so the happy path need not remember every key's place).
fn first_key_span(text: &str, start: usize, key: &str) -> Option<Span> {
    let mut r = Reader::new_at(text, start, Limits::default())?;
    let mut cur = r.begin_object().ok()?;
    while let Ok(Some((k, span))) = r.next_key(&mut cur) {
        if k == key {
            return Some(span);
        }
        r.skip_value().ok()?;
    }
    None
}

/// Advice for the common slips: a quoted number or boolean, a single value where a list is due.
fn type_hint(ty: &FieldType, kind: Kind, raw: &str) -> Option<Text> {
    let unquoted = raw.trim_matches('"');
    match (ty, kind) {
        (FieldType::Number { .. }, Kind::String) if unquoted.parse::<f64>().is_ok() => {
            Some(Text::all(
                format!("skriv tallet uten anførselstegn: `{unquoted}`"),
                format!("skriv talet utan hermeteikn: `{unquoted}`"),
                format!("write the number without quotes: `{unquoted}`"),
            ))
        }
        (FieldType::Bool, Kind::String) if unquoted == "true" || unquoted == "false" => {
            Some(Text::all(
                format!("skriv `{unquoted}` uten anførselstegn"),
                format!("skriv `{unquoted}` utan hermeteikn"),
                format!("write `{unquoted}` without quotes"),
            ))
        }
        (FieldType::Bool, Kind::String | Kind::Number) => Some(Text::all(
            "skriv `true` eller `false`, uten anførselstegn",
            "skriv `true` eller `false`, utan hermeteikn",
            "write `true` or `false`, without quotes",
        )),
        (FieldType::Object(_), Kind::Array)
            if raw
                .trim_start()
                .strip_prefix('[')
                .is_some_and(|r| r.trim_start().starts_with('{')) =>
        {
            Some(Text::all(
                "gi ett objekt, ikke en liste av dem; bruk en `.jsonl`-fil for mange dokumenter",
                "gje eitt objekt, ikkje ei liste av dei; bruk ei `.jsonl`-fil for mange dokument",
                "give one object, not a list of them; for many documents use a `.jsonl` file",
            ))
        }
        (FieldType::List { .. }, Kind::String | Kind::Number | Kind::Bool | Kind::Object) => {
            let v = shorten(raw);
            Some(Text::all(
                format!("legg verdien i en liste: `[{v}]`"),
                format!("legg verdien i ei liste: `[{v}]`"),
                format!("put the value in a list: `[{v}]`"),
            ))
        }
        _ => None,
    }
}

/// A character for a message: `` `/` ``, or its name when backticks would hide it.
fn show_char(c: char, lang: Lang) -> String {
    match c {
        ' ' => format!("` ` ({})", pick(lang, "mellomrom", "mellomrom", "space")),
        c if c.is_whitespace() || c.is_control() => format!("U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

fn shorten(s: &str) -> String {
    crate::json::echo(s)
}

/// `` `M01`, `M02`, … `M28` (28 in all) `` — enough to see the pattern without a wall of text.
fn known_keys<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = keys.collect();
    const SHOW: usize = 12;
    if all.len() <= SHOW {
        return ticked(all);
    }
    let head = ticked(all.iter().take(SHOW - 1).copied());
    let last = all.last().copied().unwrap_or_default();
    format!("{head}, … `{last}` ({} in all)", all.len())
}

/// A calendar date written `YYYY-MM-DD` that exists.
pub(crate) fn parse_date(s: &str) -> Result<Date, Text> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(Text::all(
            "ventet formen `YYYY-MM-DD`",
            "venta forma `YYYY-MM-DD`",
            "expected the form `YYYY-MM-DD`",
        ));
    }
    let num = |r: std::ops::Range<usize>| -> i32 {
        b.get(r)
            .unwrap_or(&[])
            .iter()
            .fold(0, |n, c| n * 10 + i32::from(c - b'0'))
    };
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&m) {
        return Err(Text::all(
            format!("det finnes ingen måned {m:02}"),
            format!("det finst ingen månad {m:02}"),
            format!("there is no month {m:02}"),
        ));
    }
    let days = days_in_month(y, m);
    if d < 1 || d > days {
        return Err(Text::all(
            format!("{y:04}-{m:02} har {days} dager"),
            format!("{y:04}-{m:02} har {days} dagar"),
            format!("{y:04}-{m:02} has {days} days"),
        ));
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|e| {
        let e = e.to_string();
        Text::all(e.clone(), e.clone(), e)
    })
}

pub(crate) fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A document whose lists and objects outnumber what a [`Tree`] holds: only a document far
/// past any sensible [`Limits::max_bytes`] gets here.
fn full(at: usize) -> JsonError {
    JsonError {
        kind: JsonErrorKind::TooManyItems {
            max: i32::MAX as usize,
        },
        span: Span::new(at, at + 1),
    }
}

/// Plain JSON of a validated node of type `ty` (in `tree`), field names put back on the slots.
/// Absent fields are left out; fields the schema filled in for absence appear with that value.
pub fn to_json(schema: &InputSchema, tree: &Tree, ty: TypeId, node: &Node) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    if let (Some(t), Some(slots)) = (schema.types.get(ty), tree.object(&node.value)) {
        for (f, slot) in t.fields.iter().zip(slots.iter()) {
            if let Some(n) = slot {
                map.insert(f.name.clone(), value_json(schema, tree, &f.ty, n));
            }
        }
    }
    serde_json::Value::Object(map)
}

fn value_json(schema: &InputSchema, tree: &Tree, ty: &FieldType, node: &Node) -> serde_json::Value {
    match (&node.value, ty) {
        (Value::Object(_), FieldType::Object(id)) => to_json(schema, tree, *id, node),
        (Value::List(items), FieldType::List { items: it, .. }) => serde_json::Value::Array(
            tree.items(*items)
                .iter()
                .map(|n| value_json(schema, tree, it, n))
                .collect(),
        ),
        (v, _) => tree.scalar_json(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> InputSchema {
        let text = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "Dokument", en = "Document" }

[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "A-Za-z0-9._-", required = true }
title = { type = "string", required = true, max_len = 20 }
kind = { type = "enum", values = ["development", "regulation"] }
when = { type = "date", nullable = true }
cost = { type = "number", min = 0 }
members = { type = "number", min = 0, integer = true }
flag = { type = "bool" }
parts = { type = "list", items = "part", absent = "empty" }
funding = { type = "fund", absent = "none" }
depends_on = { type = "list", items = "key" }

[input.types.part.fields]
date = { type = "date", required = true }
note = { type = "string" }

[input.types.fund.fields]
state = { type = "number" }
"#;
        super::super::load(&SourceFile::new("input.toml", text)).unwrap()
    }

    fn check(text: &str) -> Result<Document, Diagnostics> {
        validate(
            &schema(),
            &Catalog::default(),
            SourceFile::new("t.json", text),
        )
    }

    fn problems(text: &str) -> Vec<(String, String, (usize, usize))> {
        match check(text) {
            Ok(_) => panic!("accepted {text}"),
            Err(d) => d
                .iter()
                .map(|d| {
                    (
                        d.code.to_string(),
                        d.pointer.clone().unwrap_or_default(),
                        d.line_col().unwrap_or((0, 0)),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn builds_slots_in_schema_order_with_offsets() {
        let text = r#"{"title": "T", "id": "A-1", "schema": "x/v1", "cost": 12.5}"#;
        let doc = check(text).unwrap();
        assert_eq!(doc.key, "A-1");
        let slots = doc.slots();
        assert_eq!(slots.len(), 11);
        assert_eq!(
            doc.tree.str(&slots[0].as_ref().unwrap().value),
            Some("x/v1")
        );
        let title = slots[2].as_ref().unwrap();
        assert_eq!(&text[title.at as usize..title.at as usize + 3], "\"T\"");
        assert_eq!(slots[5].as_ref().unwrap().value, Value::Number(12.5));
        // Absent: unknown stays None; `empty` is an empty list, `none` is null, at the object.
        assert!(slots[3].is_none());
        assert_eq!(
            slots[8].as_ref().unwrap().value,
            Value::List(value::Extent::EMPTY)
        );
        assert_eq!(slots[8].as_ref().unwrap().at, 0);
        assert_eq!(slots[9].as_ref().unwrap().value, Value::Null);
    }

    #[test]
    fn reports_every_problem_with_pointer_and_position() {
        let text = "{\n  \"schema\": \"x/v2\",\n  \"id\": \"a/b\",\n  \"titel\": \"T\",\n  \"kind\": \"developement\",\n  \"when\": \"2026-02-30\",\n  \"cost\": -5,\n  \"members\": 2.5,\n  \"parts\": [{\"note\": 1}]\n}";
        let p = problems(text);
        let codes: Vec<_> = p
            .iter()
            .map(|(c, ptr, _)| (c.as_str(), ptr.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("input::schema", "/schema"),
                ("input::id-chars", "/id"),
                ("input::unknown-field", "/titel"),
                ("input::enum", "/kind"),
                ("input::date", "/when"),
                ("input::minimum", "/cost"),
                ("input::integer", "/members"),
                ("input::wrong-type", "/parts/0/note"),
                ("input::missing-field", "/parts/0"),
                ("input::missing-field", ""),
            ]
        );
        assert_eq!(p[2].2, (4, 3));
    }

    #[test]
    fn hints_name_the_likely_fix() {
        let d =
            check(r#"{"schema":"x/v1","id":"a","title":"T","titel":"x","kind":"developement"}"#)
                .unwrap_err();
        assert_eq!(d.0[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(d.0[1].help.as_deref(), Some("did you mean `development`?"));
        let d = check(r#"{"schema":"x/v1","id":"a","title":"T","cost":"12"}"#).unwrap_err();
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("write the number without quotes: `12`")
        );
    }

    #[test]
    fn null_only_where_allowed() {
        let ok = check(r#"{"schema":"x/v1","id":"a","title":"T","when":null,"funding":null}"#);
        assert!(ok.is_ok());
        let p = problems(r#"{"schema":"x/v1","id":"a","title":"T","kind":null}"#);
        assert_eq!(p[0].0, "input::null");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let p = problems(r#"{"schema":"x/v1","id":"a","title":"T","id":"b"}"#);
        assert_eq!(p[0].0, "json::duplicate-key");
        assert_eq!(p[0].1, "/id");
    }

    #[test]
    fn syntax_errors_keep_earlier_problems() {
        let p = problems(r#"{"schema":"x/v1","id":"a","titel":"T","kind":"#);
        let codes: Vec<_> = p.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(codes, ["input::unknown-field", "json::truncated"]);
    }

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2000-02-29").is_ok());
        assert_eq!(
            parse_date("2026-02-29").unwrap_err().en,
            "2026-02 has 28 days"
        );
        assert_eq!(
            parse_date("1900-02-29").unwrap_err().en,
            "1900-02 has 28 days"
        );
        assert_eq!(
            parse_date("2026-04-31").unwrap_err().en,
            "2026-04 has 30 days"
        );
        assert_eq!(
            parse_date("2026-13-01").unwrap_err().en,
            "there is no month 13"
        );
        assert!(parse_date("2026-00-10").is_err());
        assert!(parse_date("2026-01-00").is_err());
        assert!(parse_date("26-01-01").is_err());
        assert!(parse_date("2026-1-01").is_err());
        assert!(parse_date("2026-01-01T00:00").is_err());
        assert!(parse_date("２０２６-01-01").is_err());
    }

    #[test]
    fn to_json_puts_names_back() {
        let s = schema();
        let text =
            r#"{"schema":"x/v1","id":"a","title":"T","parts":[{"date":"2026-01-02"}],"members":3}"#;
        let doc = check(text).unwrap();
        let j = to_json(&s, &doc.tree, s.root, &doc.root);
        assert_eq!(
            j,
            serde_json::json!({"schema":"x/v1","id":"a","title":"T",
                "parts":[{"date":"2026-01-02"}],"members":3,"funding":null})
        );
    }

    /// A problem is placed where it is: a key given twice where it is given the second time
    /// (there found in place, as the field that comes next), a missing field at its object's
    /// `{`; only a missing format field of the root gets the hint that names the format.
    #[test]
    fn problems_are_placed_where_they_are() {
        let text = r#"{"title":"T","schema":"x/v1","id":"a","title":"U","parts":[{}]}"#;
        let d = check(text).unwrap_err();
        let dup = d.iter().find(|d| d.code == "json::duplicate-key").unwrap();
        let at = text.rfind("\"title\"").unwrap() as u32;
        assert_eq!(dup.span.map(|s| (s.start, s.end)), Some((at, at + 7)));
        let missing = d.iter().find(|d| d.code == "input::missing-field").unwrap();
        let open = text.find("[{").unwrap() as u32 + 1;
        assert_eq!(
            missing.span.map(|s| (s.start, s.end)),
            Some((open, open + 1))
        );
        assert_eq!(
            missing.help.as_deref(),
            Some("add `\"date\": …` with a date `YYYY-MM-DD`")
        );
        let d = check(r#"{"schema":"x/v1","id":"a"}"#).unwrap_err();
        assert_eq!(d.0[0].span.map(|s| (s.start, s.end)), Some((0, 1)));
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("add `\"title\": …` with a string of at most 20 characters")
        );
        let d = check(r#"{"id":"a","title":"T"}"#).unwrap_err();
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("add `\"schema\": \"x/v1\"` at the start of the document")
        );
    }

    /// Only the document's own root names the format: an object of the root's type nested in
    /// it holds its format field as a plain string.
    #[test]
    fn the_format_field_is_checked_at_the_root_only() {
        let text = r#"
[input]
schema = "x/v1"
key = "id"
root = "node"
title = { nb = "N", en = "N" }
description = { nb = "N", en = "N" }

[input.types.node.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "a-z", required = true }
children = { type = "list", items = "node" }
"#;
        let s = super::super::load(&SourceFile::new("input.toml", text)).unwrap();
        let c = Catalog::default();
        let nested = r#"{"schema":"x/v1","id":"a","children":[{"schema":"other","id":"b"}]}"#;
        let ok = validate(&s, &c, SourceFile::new("t.json", nested));
        assert!(ok.is_ok(), "{ok:?}");
        let bad = validate(
            &s,
            &c,
            SourceFile::new("t.json", r#"{"schema":"other","id":"a"}"#),
        );
        assert_eq!(bad.unwrap_err().0[0].code, "input::schema");
    }

    /// A list or object in the wrong place, or a list too long, is underlined at its opening
    /// bracket; a bad identifier names its first bad character.
    #[test]
    fn brackets_are_underlined_and_bad_characters_named() {
        let text = r#"
[input]
schema = "x/v1"
key = "id"
root = "doc"
title = { nb = "D", en = "D" }
description = { nb = "D", en = "D" }

[input.types.doc.fields]
schema = { type = "string", required = true }
id = { type = "id", chars = "a-z", required = true }
tags = { type = "list", items = "string", max_items = 1 }
flag = { type = "bool" }
"#;
        let s = super::super::load(&SourceFile::new("input.toml", text)).unwrap();
        let doc = r#"{"schema":"x/v1","id":"a/b","tags":["x","y"],"flag":{"x":1}}"#;
        let d = validate(&s, &Catalog::default(), SourceFile::new("t.json", doc)).unwrap_err();
        let span = |code: &str| {
            d.iter()
                .find(|d| d.code == code)
                .and_then(|d| d.span)
                .map(|s| (s.start as usize, s.end as usize))
        };
        let list = doc.find('[').unwrap();
        assert_eq!(span("input::too-many-items"), Some((list, list + 1)));
        let obj = doc.rfind('{').unwrap();
        assert_eq!(span("input::wrong-type"), Some((obj, obj + 1)));
        let id = d.iter().find(|d| d.code == "input::id-chars").unwrap();
        assert!(id.message.contains("`/`"), "{}", id.message);
    }

    /// Fields past the 64th of a type are tracked as the first ones are: a missing required
    /// one is reported, an absent list filled, and nothing else.
    #[test]
    fn fields_past_the_64th_are_missed_and_filled() {
        let mut text = String::from(
            "[input]\nschema = \"x/v1\"\nkey = \"id\"\nroot = \"wide\"\n\
             title = { nb = \"W\", en = \"W\" }\ndescription = { nb = \"W\", en = \"W\" }\n\n\
             [input.types.wide.fields]\nschema = { type = \"string\", required = true }\n\
             id = { type = \"id\", chars = \"a-z\", required = true }\n",
        );
        for i in 0..66 {
            text.push_str(&format!("f{i:02} = {{ type = \"bool\" }}\n"));
        }
        text.push_str("late = { type = \"list\", items = \"string\", absent = \"empty\" }\n");
        text.push_str("needed = { type = \"bool\", required = true }\n");
        let s = super::super::load(&SourceFile::new("input.toml", text)).unwrap();
        let c = Catalog::default();
        let doc = |t: &str| validate(&s, &c, SourceFile::new("t.json", t));
        let d = doc(r#"{"schema":"x/v1","id":"a","f65":true}"#).unwrap_err();
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.message.as_str())).collect();
        assert_eq!(
            codes,
            [(
                "input::missing-field",
                "missing required field `needed` in `wide`"
            )]
        );
        let ok = doc(r#"{"schema":"x/v1","id":"a","f65":true,"needed":false}"#).unwrap();
        let j = to_json(&s, &ok.tree, s.root, &ok.root);
        assert_eq!(
            j,
            serde_json::json!({"schema":"x/v1","id":"a","f65":true,"late":[],"needed":false})
        );
    }

    #[test]
    fn wrong_root_is_reported() {
        let p = problems("[1, 2]");
        assert_eq!(p[0].0, "input::wrong-type");
        assert_eq!(p[0].1, "");
    }
}
