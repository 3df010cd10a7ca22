//! A strict RFC 8259 JSON reader that keeps byte positions, with limits instead of crashes.
//!
//! Two ways in, one lexer: [`Reader`] is a pull parser (read a string, open an object, ask for
//! the next key, skip a value) that the input validator drives directly, so a document goes from
//! text to a validated value tree in one pass without an intermediate tree; [`parse`] builds a
//! generic spanned tree ([`Json`]) on top of the same reader, for tools and tests.
//!
//! **Invariant:** no input can make this module panic or recurse deeper than
//! [`Limits::max_depth`]; every rejection is a [`JsonError`] with a byte span.
//! Strings borrow from the input unless they contain escapes.

use crate::diag::{Diagnostic, Problem};
use crate::source::{SourceFile, Span};
use crate::text::{Lang, Text, pick};
use std::borrow::Cow;

/// Bounds on what the reader accepts, so that hostile input costs bounded time and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of the whole text in bytes.
    pub max_bytes: usize,
    /// Maximum nesting of objects and arrays.
    pub max_depth: usize,
    /// Maximum length of one string (key or value) in bytes, as written.
    pub max_string: usize,
    /// Maximum number of members of one object or items of one array.
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            max_depth: 64,
            max_string: 1024 * 1024,
            max_items: 100_000,
        }
    }
}

/// What went wrong, without where (see [`JsonError`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonErrorKind {
    #[error("empty document")]
    Empty,
    #[error("unexpected end of input, expected {expected}")]
    UnexpectedEnd { expected: &'static str },
    #[error("unexpected {found}, expected {expected}")]
    Unexpected {
        found: String,
        expected: &'static str,
    },
    #[error("trailing comma before `{close}`")]
    TrailingComma { close: char },
    #[error("unexpected {found} after the end of the document")]
    TrailingContent { found: String },
    #[error("invalid number `{text}`")]
    InvalidNumber { text: String },
    #[error("number `{text}` is out of range")]
    NumberOutOfRange { text: String },
    #[error("invalid escape `{text}` in string")]
    InvalidEscape { text: String },
    #[error("unpaired surrogate `{text}` in string")]
    LoneSurrogate { text: String },
    #[error("unescaped control {found} in string")]
    ControlCharacter { found: String },
    #[error("unterminated string")]
    UnterminatedString,
    #[error("nesting deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("document of {size} bytes is larger than the limit of {max} bytes")]
    TooLarge { size: usize, max: usize },
    #[error("string longer than the limit of {max} bytes")]
    StringTooLong { max: usize },
    #[error("more than {max} items in one object or list")]
    TooManyItems { max: usize },
    #[error("duplicate key `{key}`")]
    DuplicateKey { key: String, first: Span },
}

impl Problem for JsonErrorKind {
    fn code(&self) -> &'static str {
        match self {
            JsonErrorKind::Empty => "json::empty",
            JsonErrorKind::UnexpectedEnd { .. } => "json::truncated",
            JsonErrorKind::Unexpected { .. } => "json::syntax",
            JsonErrorKind::TrailingComma { .. } => "json::trailing-comma",
            JsonErrorKind::TrailingContent { .. } => "json::trailing-content",
            JsonErrorKind::InvalidNumber { .. } => "json::number",
            JsonErrorKind::NumberOutOfRange { .. } => "json::number-range",
            JsonErrorKind::InvalidEscape { .. } => "json::escape",
            JsonErrorKind::LoneSurrogate { .. } => "json::surrogate",
            JsonErrorKind::ControlCharacter { .. } => "json::control-character",
            JsonErrorKind::UnterminatedString => "json::unterminated-string",
            JsonErrorKind::TooDeep { .. } => "json::too-deep",
            JsonErrorKind::TooLarge { .. } => "json::too-large",
            JsonErrorKind::StringTooLong { .. } => "json::string-too-long",
            JsonErrorKind::TooManyItems { .. } => "json::too-many-items",
            JsonErrorKind::DuplicateKey { .. } => "json::duplicate-key",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            JsonErrorKind::Empty => "a document is one JSON object: `{ … }`".into(),
            JsonErrorKind::UnexpectedEnd { .. } => {
                "the text is cut short: check that every string, `{` and `[` is closed".into()
            }
            JsonErrorKind::Unexpected { .. } => {
                "JSON needs double-quoted keys and strings, `,` between members and `:` after keys"
                    .into()
            }
            JsonErrorKind::TrailingComma { .. } => {
                "JSON allows no comma after the last item; remove it".into()
            }
            JsonErrorKind::TrailingContent { .. } => {
                "a `.json` file holds one document; for one document per line use `.jsonl`".into()
            }
            JsonErrorKind::InvalidNumber { .. } => {
                "JSON numbers have no leading zeros, no `+` sign and digits on both sides of `.`"
                    .into()
            }
            JsonErrorKind::NumberOutOfRange { .. } => {
                "the number does not fit a 64-bit float".into()
            }
            JsonErrorKind::InvalidEscape { .. } => {
                "valid escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`"
                    .into()
            }
            JsonErrorKind::LoneSurrogate { .. } => {
                "a `\\uD800`–`\\uDBFF` escape must be followed by a `\\uDC00`–`\\uDFFF` escape".into()
            }
            JsonErrorKind::ControlCharacter { .. } => {
                "write line breaks and tabs inside strings as `\\n` and `\\t`".into()
            }
            JsonErrorKind::UnterminatedString => "close the string with `\"`".into(),
            JsonErrorKind::TooDeep { .. } => {
                "no valid document nests this deep; check for runaway brackets".into()
            }
            JsonErrorKind::TooLarge { .. } => {
                "split the input into several files, or one document per line in a `.jsonl` file"
                    .into()
            }
            JsonErrorKind::StringTooLong { .. } => "shorten the text".into(),
            JsonErrorKind::TooManyItems { .. } => "split the document".into(),
            JsonErrorKind::DuplicateKey { .. } => {
                "a key may appear only once in an object; remove one of them".into()
            }
        })
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        Some(self.message(lang))
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(self.help_text(lang).to_string())
    }
}

impl JsonErrorKind {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang;
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(l, nb, nn, en);
        match self {
            JsonErrorKind::Empty => w("tomt dokument", "tomt dokument", "empty document").into(),
            JsonErrorKind::UnexpectedEnd { expected } => format!(
                "{}, {} {}",
                w(
                    "uventet slutt på teksten",
                    "uventa slutt på teksten",
                    "unexpected end of input"
                ),
                w("ventet", "venta", "expected"),
                fragment(expected, l)
            ),
            JsonErrorKind::Unexpected { found, expected } => format!(
                "{} {}, {} {}",
                w("uventet", "uventa", "unexpected"),
                fragment(found, l),
                w("ventet", "venta", "expected"),
                fragment(expected, l)
            ),
            JsonErrorKind::TrailingComma { close } => match l {
                Lang::Nb => format!("overflødig komma før `{close}`"),
                Lang::Nn => format!("overflødig komma før `{close}`"),
                Lang::En => format!("trailing comma before `{close}`"),
            },
            JsonErrorKind::TrailingContent { found } => {
                let found = fragment(found, l);
                match l {
                    Lang::Nb => format!("uventet {found} etter slutten av dokumentet"),
                    Lang::Nn => format!("uventa {found} etter slutten av dokumentet"),
                    Lang::En => format!("unexpected {found} after the end of the document"),
                }
            }
            JsonErrorKind::InvalidNumber { text } => match l {
                Lang::Nb => format!("ugyldig tall `{text}`"),
                Lang::Nn => format!("ugyldig tal `{text}`"),
                Lang::En => format!("invalid number `{text}`"),
            },
            JsonErrorKind::NumberOutOfRange { text } => match l {
                Lang::Nb => format!("tallet `{text}` er utenfor det som kan leses"),
                Lang::Nn => format!("talet `{text}` er utanfor det som kan lesast"),
                Lang::En => format!("number `{text}` is out of range"),
            },
            JsonErrorKind::InvalidEscape { text } => match l {
                Lang::Nb => format!("ugyldig escape-sekvens `{text}` i tekst"),
                Lang::Nn => format!("ugyldig escape-sekvens `{text}` i tekst"),
                Lang::En => format!("invalid escape `{text}` in string"),
            },
            JsonErrorKind::LoneSurrogate { text } => match l {
                Lang::Nb => format!("surrogat uten par `{text}` i tekst"),
                Lang::Nn => format!("surrogat utan par `{text}` i tekst"),
                Lang::En => format!("unpaired surrogate `{text}` in string"),
            },
            JsonErrorKind::ControlCharacter { found } => {
                let found = fragment(found, l);
                match l {
                    Lang::Nb => format!("kontrolltegn {found} uten escape i tekst"),
                    Lang::Nn => format!("kontrollteikn {found} utan escape i tekst"),
                    Lang::En => format!("unescaped control {found} in string"),
                }
            }
            JsonErrorKind::UnterminatedString => w(
                "teksten mangler avsluttende `\"`",
                "teksten manglar avsluttande `\"`",
                "unterminated string",
            )
            .into(),
            JsonErrorKind::TooDeep { max } => match l {
                Lang::Nb => format!("nestet dypere enn {max} nivåer"),
                Lang::Nn => format!("nøsta djupare enn {max} nivå"),
                Lang::En => format!("nesting deeper than {max} levels"),
            },
            JsonErrorKind::TooLarge { size, max } => match l {
                Lang::Nb => {
                    format!("dokumentet på {size} byte er større enn grensen på {max} byte")
                }
                Lang::Nn => format!("dokumentet på {size} byte er større enn grensa på {max} byte"),
                Lang::En => {
                    format!("document of {size} bytes is larger than the limit of {max} bytes")
                }
            },
            JsonErrorKind::StringTooLong { max } => match l {
                Lang::Nb => format!("tekst lengre enn grensen på {max} byte"),
                Lang::Nn => format!("tekst lengre enn grensa på {max} byte"),
                Lang::En => format!("string longer than the limit of {max} bytes"),
            },
            JsonErrorKind::TooManyItems { max } => match l {
                Lang::Nb => format!("mer enn {max} elementer i ett objekt eller én liste"),
                Lang::Nn => format!("meir enn {max} element i eitt objekt eller ei liste"),
                Lang::En => format!("more than {max} items in one object or list"),
            },
            JsonErrorKind::DuplicateKey { key, .. } => match l {
                Lang::Nb => format!("nøkkelen `{key}` står to ganger"),
                Lang::Nn => format!("nøkkelen `{key}` står to gonger"),
                Lang::En => format!("duplicate key `{key}`"),
            },
        }
    }

    /// The help in `lang`.
    pub fn help_text(&self, lang: Lang) -> &'static str {
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(lang, nb, nn, en);
        match self {
            JsonErrorKind::Empty => w(
                "et dokument er ett JSON-objekt: `{ … }`",
                "eit dokument er eitt JSON-objekt: `{ … }`",
                "a document is one JSON object: `{ … }`",
            ),
            JsonErrorKind::UnexpectedEnd { .. } => w(
                "teksten er avkortet: sjekk at hver tekst, `{` og `[` er lukket",
                "teksten er avkorta: sjekk at kvar tekst, `{` og `[` er lukka",
                "the text is cut short: check that every string, `{` and `[` is closed",
            ),
            JsonErrorKind::Unexpected { .. } => w(
                "JSON krever nøkler og tekster i doble anførselstegn, `,` mellom medlemmer og `:` etter nøkler",
                "JSON krev nøklar og tekstar i doble hermeteikn, `,` mellom medlemmer og `:` etter nøklar",
                "JSON needs double-quoted keys and strings, `,` between members and `:` after keys",
            ),
            JsonErrorKind::TrailingComma { .. } => w(
                "JSON tillater ikke komma etter siste element; fjern det",
                "JSON tillèt ikkje komma etter siste element; fjern det",
                "JSON allows no comma after the last item; remove it",
            ),
            JsonErrorKind::TrailingContent { .. } => w(
                "en `.json`-fil har ett dokument; bruk `.jsonl` for ett dokument per linje",
                "ei `.json`-fil har eitt dokument; bruk `.jsonl` for eitt dokument per linje",
                "a `.json` file holds one document; for one document per line use `.jsonl`",
            ),
            JsonErrorKind::InvalidNumber { .. } => w(
                "JSON-tall har ingen innledende nuller, ikke `+` foran og sifre på begge sider av `.`",
                "JSON-tal har ingen innleiande nullar, ikkje `+` framfor og siffer på begge sider av `.`",
                "JSON numbers have no leading zeros, no `+` sign and digits on both sides of `.`",
            ),
            JsonErrorKind::NumberOutOfRange { .. } => w(
                "tallet får ikke plass i et 64-biters flyttall",
                "talet får ikkje plass i eit 64-bits flyttal",
                "the number does not fit a 64-bit float",
            ),
            JsonErrorKind::InvalidEscape { .. } => w(
                "gyldige escape-sekvenser er `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` og `\\uXXXX`",
                "gyldige escape-sekvensar er `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` og `\\uXXXX`",
                "valid escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
            ),
            JsonErrorKind::LoneSurrogate { .. } => w(
                "en `\\uD800`–`\\uDBFF`-sekvens må følges av en `\\uDC00`–`\\uDFFF`-sekvens",
                "ein `\\uD800`–`\\uDBFF`-sekvens må følgjast av ein `\\uDC00`–`\\uDFFF`-sekvens",
                "a `\\uD800`–`\\uDBFF` escape must be followed by a `\\uDC00`–`\\uDFFF` escape",
            ),
            JsonErrorKind::ControlCharacter { .. } => w(
                "skriv linjeskift og tabulatorer i tekster som `\\n` og `\\t`",
                "skriv linjeskift og tabulatorar i tekstar som `\\n` og `\\t`",
                "write line breaks and tabs inside strings as `\\n` and `\\t`",
            ),
            JsonErrorKind::UnterminatedString => w(
                "avslutt teksten med `\"`",
                "avslutt teksten med `\"`",
                "close the string with `\"`",
            ),
            JsonErrorKind::TooDeep { .. } => w(
                "ingen gyldige dokumenter er nestet så dypt; se etter klammer som løper løpsk",
                "ingen gyldige dokument er nøsta så djupt; sjå etter klammer som har kome på avvegar",
                "no valid document nests this deep; check for runaway brackets",
            ),
            JsonErrorKind::TooLarge { .. } => w(
                "del inndataene i flere filer, eller ett dokument per linje i en `.jsonl`-fil",
                "del inndataa i fleire filer, eller eitt dokument per linje i ei `.jsonl`-fil",
                "split the input into several files, or one document per line in a `.jsonl` file",
            ),
            JsonErrorKind::StringTooLong { .. } => {
                w("kort ned teksten", "kort ned teksten", "shorten the text")
            }
            JsonErrorKind::TooManyItems { .. } => w(
                "del opp dokumentet",
                "del opp dokumentet",
                "split the document",
            ),
            JsonErrorKind::DuplicateKey { .. } => w(
                "en nøkkel kan bare stå én gang i et objekt; fjern den ene",
                "ein nøkkel kan berre stå éin gong i eit objekt; fjern den eine",
                "a key may appear only once in an object; remove one of them",
            ),
        }
    }
}

/// A fixed English fragment of the reader's messages (what it expected or found) in `lang`;
/// anything else (a quoted character) as it is.
fn fragment(s: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return s.to_string();
    }
    let w = |nb: &'static str, nn: &'static str| pick(lang, nb, nn, "").to_string();
    match s {
        EXPECT_VALUE => w(
            "en verdi (objekt, liste, tekst, tall, `true`, `false` eller `null`)",
            "ein verdi (objekt, liste, tekst, tal, `true`, `false` eller `null`)",
        ),
        "`,` or `]`" => w("`,` eller `]`", "`,` eller `]`"),
        "`,` or `}`" => w("`,` eller `}`", "`,` eller `}`"),
        "`:` after the key" => w("`:` etter nøkkelen", "`:` etter nøkkelen"),
        "a key in double quotes or `}`" => w(
            "en nøkkel i doble anførselstegn eller `}`",
            "ein nøkkel i doble hermeteikn eller `}`",
        ),
        "a key in double quotes" => w(
            "en nøkkel i doble anførselstegn",
            "ein nøkkel i doble hermeteikn",
        ),
        "a string" => w("en tekst", "ein tekst"),
        "a number" => w("et tall", "eit tal"),
        "a list" => w("en liste", "ei liste"),
        "an object" => w("et objekt", "eit objekt"),
        "`true` or `false`" => w("`true` eller `false`", "`true` eller `false`"),
        "end of input" => w("slutten av teksten", "slutten av teksten"),
        s => match s.strip_prefix("character ") {
            Some(rest) => format!("{} {rest}", pick(lang, "tegnet", "teiknet", "character")),
            None => s.to_string(),
        },
    }
}

/// A rejection with the byte span it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub kind: JsonErrorKind,
    pub span: Span,
}

impl JsonError {
    /// A rejection, boxed: the reader's results then carry a pointer, not the error, so that
    /// `Result<bool, _>` and `Result<Kind, _>` come back in registers on the path every valid
    /// document takes, and building an error stays out of line.
    #[cold]
    #[inline(never)]
    fn boxed(kind: JsonErrorKind, start: usize, end: usize) -> Box<Self> {
        Box::new(JsonError {
            kind,
            span: Span::new(start, end),
        })
    }

    /// The error as a diagnostic in `file` (which must hold the text that was read).
    pub fn diagnostic(&self, file: &SourceFile) -> Diagnostic {
        let mut d = Diagnostic::at(&self.kind, file, self.span);
        if let JsonErrorKind::DuplicateKey { first, .. } = &self.kind {
            let (line, col) = file.line_col(first.start);
            d.set_help(Text::all(
                format!(
                    "først gitt på linje {line}, kolonne {col}; en nøkkel kan bare stå én gang i et objekt"
                ),
                format!(
                    "først gitt på linje {line}, kolonne {col}; ein nøkkel kan berre stå éin gong i eit objekt"
                ),
                format!(
                    "first given at line {line}, column {col}; a key may appear only once in an object"
                ),
            ));
        }
        d
    }
}

/// The kind of the next value, seen from its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    /// `a string`, `an object`, … for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Null => "`null`",
            Kind::Bool => "`true` or `false`",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "a list",
            Kind::Object => "an object",
        }
    }
}

/// Per-container state of a [`Reader`]: whether a separator is due, and how many items so far.
#[derive(Debug, Default)]
pub struct Cursor {
    count: usize,
}

/// A pull parser over one JSON text.
pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    limits: Limits,
}

const EXPECT_VALUE: &str = "a value (object, list, string, number, `true`, `false` or `null`)";

impl<'a> Reader<'a> {
    /// A reader at the start of `text`, past a UTF-8 byte order mark if there is one.
    pub fn new(text: &'a str, limits: Limits) -> Result<Self, Box<JsonError>> {
        if text.len() > limits.max_bytes {
            return Err(JsonError::boxed(
                JsonErrorKind::TooLarge {
                    size: text.len(),
                    max: limits.max_bytes,
                },
                0,
                0,
            ));
        }
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut r = Reader {
            text,
            bytes: text.as_bytes(),
            pos,
            depth: 0,
            limits,
        };
        r.skip_ws();
        if r.pos >= r.bytes.len() {
            return Err(JsonError::boxed(JsonErrorKind::Empty, 0, 0));
        }
        Ok(r)
    }

    /// A reader at byte `pos` of `text` (which must be a character boundary), for re-reading
    /// part of a text already read once.
    pub fn new_at(text: &'a str, pos: usize, limits: Limits) -> Option<Self> {
        text.is_char_boundary(pos).then_some(Reader {
            text,
            bytes: text.as_bytes(),
            pos,
            depth: 0,
            limits,
        })
    }

    /// Byte offset of the next unread character.
    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The character at `pos` as shown in messages: `` `x` `` or "end of input".
    fn found_at(&self, pos: usize) -> (String, usize) {
        match self.text.get(pos..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => (format!("character U+{:04X}", c as u32), c.len_utf8()),
            Some(c) => (format!("`{c}`"), c.len_utf8()),
            None => ("end of input".into(), 0),
        }
    }

    fn unexpected(&self, expected: &'static str) -> Box<JsonError> {
        if self.pos >= self.bytes.len() {
            return JsonError::boxed(
                JsonErrorKind::UnexpectedEnd { expected },
                self.pos,
                self.pos,
            );
        }
        let (found, len) = self.found_at(self.pos);
        JsonError::boxed(
            JsonErrorKind::Unexpected { found, expected },
            self.pos,
            self.pos + len,
        )
    }

    /// Skips whitespace and tells what kind of value comes next.
    pub fn peek(&mut self) -> Result<Kind, Box<JsonError>> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            _ => Err(self.unexpected(EXPECT_VALUE)),
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<(), Box<JsonError>> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(())
        } else {
            Err(self.unexpected(EXPECT_VALUE))
        }
    }

    pub fn read_null(&mut self) -> Result<(), Box<JsonError>> {
        self.skip_ws();
        self.literal("null")
    }

    pub fn read_bool(&mut self) -> Result<bool, Box<JsonError>> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b't') {
            self.literal("true").map(|_| true)
        } else {
            self.literal("false").map(|_| false)
        }
    }

    /// Reads a number; the second value is its text as written.
    pub fn read_number(&mut self) -> Result<(f64, &'a str), Box<JsonError>> {
        self.skip_ws();
        let start = self.pos;
        let (int_start, i, simple) =
            scan_number(self.bytes, start).map_err(|at| self.bad_number(start, at))?;
        self.pos = i;
        let text = self.text.get(start..i).unwrap_or("");
        match number_value(self.text, start, int_start, i, simple) {
            Some(v) => Ok((v, text)),
            None => Err(JsonError::boxed(
                JsonErrorKind::NumberOutOfRange { text: echo(text) },
                start,
                i,
            )),
        }
    }

    fn bad_number(&self, start: usize, at: usize) -> Box<JsonError> {
        // Show the whole malformed token, up to the next delimiter.
        let mut end = at;
        while let Some(&c) = self.bytes.get(end) {
            if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b'"') {
                break;
            }
            end += 1;
        }
        let end = end.max(start + 1).min(self.bytes.len());
        let text = self
            .text
            .get(start..end)
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        JsonError::boxed(JsonErrorKind::InvalidNumber { text }, start, end)
    }

    /// Reads a string; borrowed from the input when it has no escapes.
    pub fn read_string(&mut self) -> Result<Cow<'a, str>, Box<JsonError>> {
        self.skip_ws();
        let open = self.pos;
        if self.bytes.get(open) != Some(&b'"') {
            return Err(self.unexpected("a string"));
        }
        let b = self.bytes;
        let start = open + 1;
        let mut i = start;
        // Fast path: no escapes.
        loop {
            i = plain_run(b, i);
            match b.get(i) {
                Some(b'"') => {
                    self.check_string_len(open, i)?;
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(self.text.get(start..i).unwrap_or("")));
                }
                Some(b'\\') => break,
                Some(&c) if c < 0x20 => return Err(self.control_char(i)),
                Some(_) => i += 1,
                None => return Err(self.unterminated(open)),
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(self.text.get(start..i).unwrap_or(""));
        loop {
            match b.get(i) {
                Some(b'"') => {
                    self.check_string_len(open, i)?;
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    i = self.escape(i, &mut out)?;
                }
                Some(&c) if c < 0x20 => return Err(self.control_char(i)),
                Some(_) => {
                    // Copy the run up to the next special byte in one go (keeps UTF-8 intact).
                    let run = i;
                    i = plain_run(b, i);
                    out.push_str(self.text.get(run..i).unwrap_or(""));
                }
                None => return Err(self.unterminated(open)),
            }
            if i - start > self.limits.max_string {
                return Err(self.string_too_long(open, i));
            }
        }
    }

    fn check_string_len(&self, open: usize, close: usize) -> Result<(), Box<JsonError>> {
        if close - open - 1 > self.limits.max_string {
            Err(self.string_too_long(open, close))
        } else {
            Ok(())
        }
    }

    fn string_too_long(&self, open: usize, _at: usize) -> Box<JsonError> {
        JsonError::boxed(
            JsonErrorKind::StringTooLong {
                max: self.limits.max_string,
            },
            open,
            open + 1,
        )
    }

    fn control_char(&self, at: usize) -> Box<JsonError> {
        let (found, len) = self.found_at(at);
        JsonError::boxed(JsonErrorKind::ControlCharacter { found }, at, at + len)
    }

    fn unterminated(&self, open: usize) -> Box<JsonError> {
        JsonError::boxed(JsonErrorKind::UnterminatedString, open, open + 1)
    }

    /// Decodes the escape at `i` (a backslash) into `out`; returns the offset after it.
    fn escape(&self, i: usize, out: &mut String) -> Result<usize, Box<JsonError>> {
        let b = self.bytes;
        let c = match b.get(i + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = self.hex4(i)?;
                if (0xD800..0xDC00).contains(&hi) {
                    let lo = if b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u') {
                        self.hex4(i + 6)?
                    } else {
                        return Err(self.lone_surrogate(i, 6));
                    };
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.lone_surrogate(i, 6));
                    }
                    let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    return Ok(i + 12);
                }
                if (0xDC00..0xE000).contains(&hi) {
                    return Err(self.lone_surrogate(i, 6));
                }
                out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                return Ok(i + 6);
            }
            None => return Err(self.unterminated(i)),
            Some(_) => {
                let (found, len) = self.found_at(i + 1);
                let text = format!("\\{}", found.trim_matches('`'));
                return Err(JsonError::boxed(
                    JsonErrorKind::InvalidEscape { text },
                    i,
                    i + 1 + len,
                ));
            }
        };
        out.push(c);
        Ok(i + 2)
    }

    fn lone_surrogate(&self, i: usize, len: usize) -> Box<JsonError> {
        let end = (i + len).min(self.bytes.len());
        JsonError::boxed(
            JsonErrorKind::LoneSurrogate {
                text: self.text.get(i..end).unwrap_or("").into(),
            },
            i,
            end,
        )
    }

    /// The four hex digits of the `\u` escape at `i`.
    fn hex4(&self, i: usize) -> Result<u32, Box<JsonError>> {
        let mut v = 0u32;
        for k in 0..4 {
            let d = match self.bytes.get(i + 2 + k) {
                Some(&c @ b'0'..=b'9') => c - b'0',
                Some(&c @ b'a'..=b'f') => c - b'a' + 10,
                Some(&c @ b'A'..=b'F') => c - b'A' + 10,
                Some(_) => {
                    let end = (i + 2 + k + 1).min(self.bytes.len());
                    let mut e = end;
                    while e < self.bytes.len() && !self.text.is_char_boundary(e) {
                        e += 1;
                    }
                    return Err(JsonError::boxed(
                        JsonErrorKind::InvalidEscape {
                            text: echo(self.text.get(i..e).unwrap_or("\\u")),
                        },
                        i,
                        e,
                    ));
                }
                None => return Err(self.unterminated(i)),
            };
            v = v * 16 + u32::from(d);
        }
        Ok(v)
    }

    fn enter(&mut self) -> Result<(), Box<JsonError>> {
        if self.depth >= self.limits.max_depth {
            return Err(JsonError::boxed(
                JsonErrorKind::TooDeep {
                    max: self.limits.max_depth,
                },
                self.pos,
                self.pos + 1,
            ));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Consumes `{`.
    pub fn begin_object(&mut self) -> Result<Cursor, Box<JsonError>> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'{') {
            return Err(self.unexpected("`{`"));
        }
        self.enter()?;
        Ok(Cursor::default())
    }

    /// The next key of the object (with the span of its quoted text), having consumed the `:`
    /// after it; `None` once the closing `}` is consumed.
    pub fn next_key(
        &mut self,
        cur: &mut Cursor,
    ) -> Result<Option<(Cow<'a, str>, Span)>, Box<JsonError>> {
        if self.next_member(cur)? {
            self.read_key().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Whether another member of the object follows (the reader is then at its key's opening
    /// quote; read it with [`Reader::read_key`] or [`Reader::key_is`]); `false` once the
    /// closing `}` is consumed.
    #[inline(always)]
    pub fn next_member(&mut self, cur: &mut Cursor) -> Result<bool, Box<JsonError>> {
        self.skip_ws();
        if cur.count == 0 {
            if self.bytes.get(self.pos) == Some(&b'}') {
                self.pos += 1;
                self.depth -= 1;
                return Ok(false);
            }
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("a key in double quotes or `}`"));
            }
        } else {
            match self.bytes.get(self.pos) {
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(false);
                }
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b'"') => {}
                        Some(b'}') => {
                            return Err(JsonError::boxed(
                                JsonErrorKind::TrailingComma { close: '}' },
                                comma,
                                comma + 1,
                            ));
                        }
                        _ => return Err(self.unexpected("a key in double quotes")),
                    }
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
        cur.count += 1;
        if cur.count > self.limits.max_items {
            return Err(self.too_many());
        }
        Ok(true)
    }

    /// The key at the reader (with the span of its quoted text), having consumed the `:` after
    /// it.
    pub fn read_key(&mut self) -> Result<(Cow<'a, str>, Span), Box<JsonError>> {
        let start = self.pos;
        let key = self.read_string()?;
        let span = Span::new(start, self.pos);
        self.colon()?;
        Ok((key, span))
    }

    /// Whether the key at the reader (at its opening quote) is `name` written as it is; if so
    /// it is consumed with the `:` after it, as [`Reader::read_key`] would. `name` must be
    /// plain ([`plain_bytes`]; the caller knows it once, not per key): the bytes compared then
    /// are the whole string. A specialised form of [`Reader::read_key`] and a comparison, as
    /// [`Reader::string_among`] is; `false` says only that it does not apply.
    #[inline(always)]
    pub fn key_is(&mut self, name: &str) -> Result<bool, Box<JsonError>> {
        debug_assert!(plain_bytes(name.as_bytes()));
        let (b, w) = (self.bytes, name.as_bytes());
        let close = self.pos + 1 + w.len();
        let found = b.get(close) == Some(&b'"')
            && b.get(self.pos + 1..close).is_some_and(|s| same(s, w))
            && w.len() <= self.limits.max_string;
        if !found {
            return Ok(false);
        }
        self.pos = close + 1;
        self.colon()?;
        Ok(true)
    }

    #[inline(always)]
    fn colon(&mut self) -> Result<(), Box<JsonError>> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b':') {
            return Err(self.unexpected("`:` after the key"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Whether the value at the reader (after whitespace) is the string `word` written as it
    /// is, `"word"`, without escapes; if so it is consumed. See [`Reader::string_among`].
    #[inline]
    pub fn string_is(&mut self, word: &str) -> bool {
        self.string_among(std::slice::from_ref(&word)).is_some()
    }

    /// Which of `words` the value at the reader (after whitespace) is, when it is one of them
    /// written as it is (`"word"`, no escapes); that string is then consumed. A specialised
    /// form of [`Reader::read_string`] followed by comparisons, for names and enum values
    /// written plainly, as they mostly are: each word is compared in place, most ruled out by
    /// the byte where its closing quote would be, without scanning the string first. `None`
    /// says only that it does not apply (the reader has not moved): the string may still be
    /// one of them, written with escapes, and the caller then reads it.
    #[inline]
    pub fn string_among<S: AsRef<str>>(&mut self, words: &[S]) -> Option<usize> {
        self.skip_ws();
        let b = self.bytes;
        let open = self.pos;
        if b.get(open) != Some(&b'"') {
            return None;
        }
        let start = open + 1;
        // A loop, not `position`: closures over the words were kept out of line.
        for (k, w) in words.iter().enumerate() {
            let w = w.as_ref().as_bytes();
            let close = start + w.len();
            if b.get(close) == Some(&b'"') && b.get(start..close).is_some_and(|s| same(s, w)) {
                // A word with a quote, backslash or control is never a string's text as
                // written, so its match says nothing: left to the caller's reading.
                if w.len() > self.limits.max_string || !plain_bytes(w) {
                    return None;
                }
                self.pos = close + 1;
                return Some(k);
            }
        }
        None
    }

    fn too_many(&self) -> Box<JsonError> {
        JsonError::boxed(
            JsonErrorKind::TooManyItems {
                max: self.limits.max_items,
            },
            self.pos,
            self.pos + 1,
        )
    }

    /// Consumes `[`.
    pub fn begin_array(&mut self) -> Result<Cursor, Box<JsonError>> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'[') {
            return Err(self.unexpected("`[`"));
        }
        self.enter()?;
        Ok(Cursor::default())
    }

    /// Whether another item follows (the reader is then at it); `false` once `]` is consumed.
    pub fn next_item(&mut self, cur: &mut Cursor) -> Result<bool, Box<JsonError>> {
        self.skip_ws();
        if cur.count > 0 {
            match self.bytes.get(self.pos) {
                Some(b']') => {}
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.bytes.get(self.pos) == Some(&b']') {
                        return Err(JsonError::boxed(
                            JsonErrorKind::TrailingComma { close: ']' },
                            comma,
                            comma + 1,
                        ));
                    }
                    cur.count += 1;
                    if cur.count > self.limits.max_items {
                        return Err(self.too_many());
                    }
                    return Ok(true);
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(false);
        }
        cur.count += 1;
        Ok(true)
    }

    /// Reads and discards one value, checking its syntax.
    pub fn skip_value(&mut self) -> Result<(), Box<JsonError>> {
        match self.peek()? {
            Kind::Null => self.read_null(),
            Kind::Bool => self.read_bool().map(|_| ()),
            Kind::Number => self.read_number().map(|_| ()),
            Kind::String => self.read_string().map(|_| ()),
            Kind::Array => {
                let mut cur = self.begin_array()?;
                while self.next_item(&mut cur)? {
                    self.skip_value()?;
                }
                Ok(())
            }
            Kind::Object => {
                let mut cur = self.begin_object()?;
                while self.next_key(&mut cur)?.is_some() {
                    self.skip_value()?;
                }
                Ok(())
            }
        }
    }

    /// Checks that only whitespace follows the document.
    pub fn finish(&mut self) -> Result<(), Box<JsonError>> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            let (found, len) = self.found_at(self.pos);
            return Err(JsonError::boxed(
                JsonErrorKind::TrailingContent { found },
                self.pos,
                self.pos + len,
            ));
        }
        Ok(())
    }
}

/// A JSON value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<'a> {
    pub span: Span,
    pub value: JsonValue<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Members in document order; keys are unique.
    Object(Vec<Member<'a>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Span,
    pub value: Json<'a>,
}

impl<'a> Json<'a> {
    /// The member named `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match &self.value {
            JsonValue::Object(m) => m.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }
}

/// Parses a whole text into a spanned tree, with the default limits.
pub fn parse(text: &str) -> Result<Json<'_>, JsonError> {
    parse_with(text, Limits::default())
}

pub fn parse_with(text: &str, limits: Limits) -> Result<Json<'_>, JsonError> {
    let mut r = Reader::new(text, limits).map_err(|e| *e)?;
    let v = tree(&mut r).map_err(|e| *e)?;
    r.finish().map_err(|e| *e)?;
    Ok(v)
}

/// Objects with more members than this check duplicates with a hash set instead of a scan.
const LINEAR_DUPLICATE_SCAN: usize = 16;

fn tree<'a>(r: &mut Reader<'a>) -> Result<Json<'a>, Box<JsonError>> {
    let kind = r.peek()?;
    let start = r.pos();
    let value = match kind {
        Kind::Null => r.read_null().map(|_| JsonValue::Null)?,
        Kind::Bool => JsonValue::Bool(r.read_bool()?),
        Kind::Number => JsonValue::Number(r.read_number()?.0),
        Kind::String => JsonValue::String(r.read_string()?),
        Kind::Array => {
            let mut cur = r.begin_array()?;
            let mut items = Vec::new();
            while r.next_item(&mut cur)? {
                items.push(tree(r)?);
            }
            JsonValue::Array(items)
        }
        Kind::Object => {
            let mut cur = r.begin_object()?;
            let mut members: Vec<Member<'a>> = Vec::new();
            let mut index: Option<std::collections::HashMap<Cow<'a, str>, Span>> = None;
            while let Some((key, key_span)) = r.next_key(&mut cur)? {
                let first = match &mut index {
                    Some(map) => map.get(&key).copied(),
                    None => members.iter().find(|m| m.key == key).map(|m| m.key_span),
                };
                if let Some(first) = first {
                    return Err(Box::new(JsonError {
                        kind: JsonErrorKind::DuplicateKey {
                            key: echo(&key),
                            first,
                        },
                        span: key_span,
                    }));
                }
                if members.len() == LINEAR_DUPLICATE_SCAN {
                    index = Some(
                        members
                            .iter()
                            .map(|m| (m.key.clone(), m.key_span))
                            .collect(),
                    );
                }
                if let Some(map) = &mut index {
                    map.insert(key.clone(), key_span);
                }
                let value = tree(r)?;
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
            JsonValue::Object(members)
        }
    };
    Ok(Json {
        span: Span::new(start, r.pos()),
        value,
    })
}

/// User text as it is echoed in a message: at most 40 characters, control characters escaped,
/// so that a megabyte of input never comes back as a megabyte of message.
pub fn echo(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends `segment` to a JSON pointer, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`).
pub fn push_pointer(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// The extent of a JSON number (RFC 8259 grammar) starting at `start` of `b`: `(int_start, end,
/// simple)`, where `int_start` is past the sign and `simple` means neither fraction nor exponent;
/// or the offset of the first byte that breaks the grammar.
pub(crate) fn scan_number(b: &[u8], start: usize) -> Result<(usize, usize, bool), usize> {
    let digits = |mut i: usize| {
        while let Some(b'0'..=b'9') = b.get(i) {
            i += 1;
        }
        i
    };
    let mut i = start;
    let mut simple = true;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    i = match b.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => digits(i),
        _ => return Err(i),
    };
    if b.get(i) == Some(&b'.') {
        simple = false;
        let frac = i + 1;
        i = digits(frac);
        if i == frac {
            return Err(i);
        }
    }
    if let Some(b'e' | b'E') = b.get(i) {
        simple = false;
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let exp = i;
        i = digits(exp);
        if i == exp {
            return Err(i);
        }
    }
    // A digit run that goes on after a leading zero (`01`) is not a number.
    if let Some(b'0'..=b'9') = b.get(i) {
        return Err(i);
    }
    Ok((int_start, i, simple))
}

/// The value of the number written at `start..end` of `text`, whose grammar has been checked
/// (`int_start` is past the sign; `simple` when it has neither fraction nor exponent); `None`
/// when it is too large for a finite `f64`.
pub(crate) fn number_value(
    text: &str,
    start: usize,
    int_start: usize,
    end: usize,
    simple: bool,
) -> Option<f64> {
    let digits = text.as_bytes().get(int_start..end)?;
    if simple && digits.len() <= 15 {
        // Exact in f64: no need for the general (slower) float parser.
        let n = digits
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        let v = n as f64;
        return Some(if int_start > start { -v } else { v });
    }
    text.get(start..end)?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The index of the first byte at or after `i` that ends a plain run inside a string: `"`, `\\`
/// or a control character (below U+0020); `b.len()` when there is none. Eight bytes at a time
/// (SWAR): strings are most of a document's bytes, and a byte loop was its costliest part.
#[inline]
pub(crate) fn plain_run(b: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (LO * u64::from(b'"'));
        let slash = w ^ (LO * u64::from(b'\\'));
        // A byte of `x` is zero ⇔ its bit 7 is set in `(x - LO) & !x`; a byte of `w` is below
        // 0x20 ⇔ its bit 7 is set in `(w - 0x20…) & !w`. Borrows can only mark bytes above the
        // first hit, and only the first hit is used.
        let hits = ((quote.wrapping_sub(LO) & !quote)
            | (slash.wrapping_sub(LO) & !slash)
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// Whether `s` holds no byte that ends a plain run (`"`, `\\` or a control character below
/// U+0020): then all of it can be the text of a string without escapes. Eight bytes at a time,
/// as `plain_run`, but over a slice of known length, without a byte loop for its tail.
#[inline]
pub(crate) fn plain_bytes(s: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of a byte set ⇔ the byte is `"`, `\\` or below 0x20, but for borrows, which only
    // mark bytes above a byte already marked: whether any is marked is exact.
    let stops = |w: u64| {
        // No byte below `]` (0x5D), as in a word of lowercase letters and `_`: none of the
        // three can be there, and one test says so.
        if w.wrapping_sub(LO * 0x5d) & !w & HI == 0 {
            return 0;
        }
        let quote = w ^ (LO * u64::from(b'"'));
        let slash = w ^ (LO * u64::from(b'\\'));
        ((quote.wrapping_sub(LO) & !quote)
            | (slash.wrapping_sub(LO) & !slash)
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI
    };
    let n = s.len();
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word8(s, i).is_none_or(|w| stops(w) != 0) {
                return false;
            }
            i += 8;
        }
        // The last eight bytes, overlapping the ones before.
        word8(s, n - 8).is_some_and(|w| stops(w) == 0)
    } else if n >= 4 {
        // Both halves in one word, overlapping when shorter than eight.
        match (word4(s, 0), word4(s, n - 4)) {
            (Some(a), Some(b)) => stops(u64::from(a) | u64::from(b) << 32) == 0,
            _ => false,
        }
    } else {
        s.iter().all(|&c| c != b'"' && c != b'\\' && c >= 0x20)
    }
}

/// Byte equality, inline: the names, keys, codes and enum values compared with it are short,
/// and a call to `memcmp` for each cost more than the comparison itself. Up to 32 bytes, two
/// overlapping loads of each side cover every byte; longer, eight bytes at a time.
#[inline(always)]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(n / 2) == b.get(n / 2) && a.last() == b.last(),
        4..=7 => {
            a.first_chunk::<4>() == b.first_chunk::<4>()
                && a.last_chunk::<4>() == b.last_chunk::<4>()
        }
        8..=16 => {
            a.first_chunk::<8>() == b.first_chunk::<8>()
                && a.last_chunk::<8>() == b.last_chunk::<8>()
        }
        17..=32 => {
            a.first_chunk::<16>() == b.first_chunk::<16>()
                && a.last_chunk::<16>() == b.last_chunk::<16>()
        }
        _ => {
            // The last eight overlapping the ones before.
            let mut i = 0;
            while i + 8 < n {
                if word8(a, i) != word8(b, i) {
                    return false;
                }
                i += 8;
            }
            word8(a, n - 8) == word8(b, n - 8)
        }
    }
}

#[inline]
pub(crate) fn word8(s: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = s.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

#[inline]
pub(crate) fn word4(s: &[u8], i: usize) -> Option<u32> {
    let w: [u8; 4] = s.get(i..i + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `same` is `==`: for every length up to past the longest it loads by words, a string
    /// differing from another in any one byte is told apart from it.
    #[test]
    fn short_string_equality_is_equality() {
        let base: Vec<u8> = (0..48u8).map(|i| b'A' + i).collect();
        for n in 0..=48 {
            let a = base.get(..n).unwrap_or_default();
            assert!(super::same(a, a));
            for i in 0..n {
                let mut b = a.to_vec();
                if let Some(x) = b.get_mut(i) {
                    *x = b'#';
                }
                assert!(!super::same(a, &b), "{n} {i}");
                assert!(!super::same(&b, a), "{n} {i}");
            }
            let longer = base.get(..n + 1).unwrap_or_default();
            assert!(!super::same(a, longer));
        }
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time scan finds the same byte as the plain loop, wherever the
        /// special byte sits in a word and whatever bytes (UTF-8 or not, high or low) surround it.
        #[test]
        fn plain_run_agrees_with_a_byte_loop(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::u8::ANY,
                    proptest::sample::select(vec![b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xff, b'a']),
                ],
                0..40,
            ),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let naive = bytes
                .iter()
                .skip(from)
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map_or(bytes.len(), |p| p + from);
            proptest::prop_assert_eq!(plain_run(&bytes, from), naive);
        }

        /// The in-place comparisons are reading the string (or key) and comparing: the same
        /// word found, the reader left at the same place, the same error; and they never
        /// apply to a string written with escapes or longer than the limit.
        #[test]
        fn string_among_and_key_is_agree_with_reading_then_comparing(
            text in "[ ]?\"[ab\\\\\"u0061é]{0,5}\"?[ ]?:?[ ]?",
            words in proptest::collection::vec(
                proptest::sample::select(vec!["", "a", "ab", "b", "ba", "aa", "é", "a\"", "a\\", "\u{1}"]),
                0..5,
            ),
            max_string in 0usize..4,
        ) {
            let limits = Limits { max_string, ..Limits::default() };
            let mut r = Reader::new_at(&text, 0, limits).expect("at 0");
            let found = r.string_among(&words);
            let at = r.pos();
            let mut exact = Reader::new_at(&text, 0, limits).expect("at 0");
            let want = match exact.read_string() {
                Ok(Cow::Borrowed(s)) => words.iter().position(|w| *w == s),
                _ => None,
            };
            proptest::prop_assert_eq!(found, want, "{:?}", text);
            if found.is_some() {
                proptest::prop_assert_eq!(at, exact.pos());
            }
            // Keys: a plain name found in place is the key read, with the same `:` after it.
            for w in words.iter().filter(|w| plain_bytes(w.as_bytes())) {
                let mut r = Reader::new_at(&text, 0, limits).expect("at 0");
                r.skip_ws();
                let mut exact = Reader::new_at(&text, 0, limits).expect("at 0");
                exact.skip_ws();
                match (r.key_is(w), exact.read_key()) {
                    (Ok(true), Ok((key, _))) => {
                        proptest::prop_assert_eq!(key.as_ref(), *w);
                        proptest::prop_assert_eq!(r.pos(), exact.pos());
                    }
                    (Ok(true), Err(e)) => proptest::prop_assert!(false, "{:?}: {:?}", text, e),
                    (Ok(false), Ok((key, _))) => proptest::prop_assert!(
                        key.as_ref() != *w || matches!(key, Cow::Owned(_)),
                        "{:?} {:?}", text, w
                    ),
                    (Ok(false), Err(_)) => {}
                    (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                    (Err(a), Ok(_)) => proptest::prop_assert!(false, "{:?}: {:?}", text, a),
                }
            }
        }

        /// The word-at-a-time check agrees with a byte loop, for every length around the four-
        /// and eight-byte steps and wherever the stopping byte sits.
        #[test]
        fn plain_bytes_agrees_with_a_byte_loop(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(vec![b'a', 0x20, 0x7f, 0x80, 0xff, 0x21, 0x5d, 0x5b, 0x1f + 0x80]),
                    1 => proptest::sample::select(vec![b'"', b'\\', 0x1f, 0x00, 0x01]),
                ],
                0..30,
            ),
        ) {
            let naive = bytes.iter().all(|&c| c != b'"' && c != b'\\' && c >= 0x20);
            proptest::prop_assert_eq!(plain_bytes(&bytes), naive);
        }
    }

    fn err(text: &str) -> JsonErrorKind {
        match parse(text) {
            Ok(v) => panic!("accepted {text:?} as {v:?}"),
            Err(e) => e.kind,
        }
    }

    #[test]
    fn parses_with_spans() {
        let text = "{\"a\": [1, -2.5e1, true, null], \"b\": \"x\\u00e5\\n\"}";
        let v = parse(text).unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(&text[a.span.range()], "[1, -2.5e1, true, null]");
        let JsonValue::Array(items) = &a.value else {
            panic!("not an array")
        };
        assert_eq!(items[1].value, JsonValue::Number(-25.0));
        assert_eq!(&text[items[1].span.range()], "-2.5e1");
        assert_eq!(
            v.get("b").unwrap().value,
            JsonValue::String(Cow::Owned("xå\n".into()))
        );
    }

    #[test]
    fn strings_without_escapes_borrow() {
        let v = parse("\"plain æøå\"").unwrap();
        assert!(matches!(
            v.value,
            JsonValue::String(Cow::Borrowed("plain æøå"))
        ));
    }

    #[test]
    fn surrogate_pairs_decode_and_lone_ones_fail() {
        let v = parse("\"\\ud83d\\ude00\"").unwrap();
        assert_eq!(v.value, JsonValue::String(Cow::Owned("😀".into())));
        assert!(matches!(
            err("\"\\ud83d\""),
            JsonErrorKind::LoneSurrogate { .. }
        ));
        assert!(matches!(
            err("\"\\ude00\""),
            JsonErrorKind::LoneSurrogate { .. }
        ));
        assert!(matches!(
            err("\"\\ud83dx\""),
            JsonErrorKind::LoneSurrogate { .. }
        ));
    }

    #[test]
    fn rejects_what_rfc_8259_rejects() {
        assert_eq!(err(""), JsonErrorKind::Empty);
        assert_eq!(err("  \n "), JsonErrorKind::Empty);
        assert!(matches!(err("01"), JsonErrorKind::InvalidNumber { .. }));
        assert!(matches!(err("1."), JsonErrorKind::InvalidNumber { .. }));
        assert!(matches!(err(".5"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(err("+1"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(err("1e"), JsonErrorKind::InvalidNumber { .. }));
        assert!(matches!(err("-"), JsonErrorKind::InvalidNumber { .. }));
        assert!(matches!(
            err("1e999"),
            JsonErrorKind::NumberOutOfRange { .. }
        ));
        assert!(matches!(
            err("[1,]"),
            JsonErrorKind::TrailingComma { close: ']' }
        ));
        assert!(matches!(
            err("{\"a\":1,}"),
            JsonErrorKind::TrailingComma { close: '}' }
        ));
        assert!(matches!(err("{'a':1}"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(err("{\"a\" 1}"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(err("[1 2]"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(
            err("{\"a\":1"),
            JsonErrorKind::UnexpectedEnd { .. }
        ));
        assert!(matches!(err("\"abc"), JsonErrorKind::UnterminatedString));
        assert!(matches!(
            err("\"a\tb\""),
            JsonErrorKind::ControlCharacter { .. }
        ));
        assert!(matches!(
            err("\"\\x\""),
            JsonErrorKind::InvalidEscape { .. }
        ));
        assert!(matches!(
            err("\"\\u12g4\""),
            JsonErrorKind::InvalidEscape { .. }
        ));
        assert!(matches!(err("tru"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(err("nul"), JsonErrorKind::Unexpected { .. }));
        assert!(matches!(
            err("{} {}"),
            JsonErrorKind::TrailingContent { .. }
        ));
        assert!(matches!(err("NaN"), JsonErrorKind::Unexpected { .. }));
    }

    #[test]
    fn duplicate_keys_point_at_the_second() {
        let text = "{\"a\": 1, \"a\": 2}";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e.span.range()], "\"a\"");
        assert_eq!(e.span.start, 9);
        let JsonErrorKind::DuplicateKey { first, .. } = e.kind else {
            panic!("not a duplicate")
        };
        assert_eq!(first.start, 1);
        // Past the linear-scan size the hash index must find it too.
        let mut big = String::from("{");
        for i in 0..40 {
            big.push_str(&format!("\"k{i}\": {i},"));
        }
        big.push_str("\"k3\": 0}");
        assert!(matches!(err(&big), JsonErrorKind::DuplicateKey { .. }));
    }

    #[test]
    fn limits_give_errors_not_crashes() {
        let deep = "[".repeat(100_000);
        assert_eq!(err(&deep), JsonErrorKind::TooDeep { max: 64 });
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(&ok).is_ok());
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            parse_with("[1,2,3,4,5,6]", limits).unwrap_err().kind,
            JsonErrorKind::TooLarge { .. }
        ));
        let limits = Limits {
            max_string: 3,
            ..Limits::default()
        };
        assert!(parse_with("\"abc\"", limits).is_ok());
        assert!(matches!(
            parse_with("\"abcd\"", limits).unwrap_err().kind,
            JsonErrorKind::StringTooLong { .. }
        ));
        assert!(matches!(
            parse_with("\"ab\\ncd\"", limits).unwrap_err().kind,
            JsonErrorKind::StringTooLong { .. }
        ));
        let limits = Limits {
            max_items: 2,
            ..Limits::default()
        };
        assert!(parse_with("[1,2]", limits).is_ok());
        assert!(matches!(
            parse_with("[1,2,3]", limits).unwrap_err().kind,
            JsonErrorKind::TooManyItems { .. }
        ));
        assert!(matches!(
            parse_with("{\"a\":1,\"b\":2,\"c\":3}", limits)
                .unwrap_err()
                .kind,
            JsonErrorKind::TooManyItems { .. }
        ));
    }

    #[test]
    fn skips_a_byte_order_mark() {
        let v = parse("\u{feff}{\"a\": 1}").unwrap();
        assert_eq!(v.span.start, 3);
    }

    #[test]
    fn numbers_parse_exactly() {
        for t in [
            "0",
            "-0",
            "123456789012345",
            "1234567890123456789",
            "1.5",
            "-2e-3",
            "1E+2",
        ] {
            let JsonValue::Number(n) = parse(t).unwrap().value else {
                panic!("not a number")
            };
            assert_eq!(n, t.parse::<f64>().unwrap(), "{t}");
        }
    }

    #[test]
    fn error_spans_give_line_and_column() {
        let text = "{\n  \"a\": 1,\n}";
        let e = parse(text).unwrap_err();
        let f = SourceFile::new("x.json", text);
        assert_eq!(f.line_col(e.span.start), (2, 9));
        let d = e.diagnostic(&f);
        assert_eq!(d.code, "json::trailing-comma");
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let mut p = String::new();
        push_pointer(&mut p, "a/b~c");
        push_pointer(&mut p, "0");
        assert_eq!(p, "/a~1b~0c/0");
    }
}
