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

use super::{Absent, CharSet, Document, FieldDef, FieldType, InputSchema, TypeId, ticked};
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics, Problem, did_you_mean};
use crate::json::{JsonError, JsonErrorKind, Kind, Limits, Reader, push_pointer};
use crate::source::{SourceFile, Span};
use crate::value::{self, Node, Tree, Value, number_json};
use jiff::civil::Date;

/// A document that breaks its input schema.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InputProblem {
    #[error("unknown field `{name}` in `{ty}`")]
    UnknownField {
        name: String,
        ty: String,
        suggestion: Option<String>,
        known: String,
    },
    #[error("expected {expected} for {name}, found {found}")]
    WrongType {
        name: String,
        expected: String,
        found: String,
        hint: Option<String>,
    },
    #[error("`null` is not allowed for {name}; expected {expected}")]
    NullNotAllowed {
        name: String,
        expected: String,
        required: bool,
    },
    #[error("invalid value `{value}` for {name}; expected one of {expected}")]
    BadEnum {
        name: String,
        value: String,
        expected: String,
        suggestion: Option<String>,
    },
    #[error("invalid date `{value}` for {name}: {reason}")]
    BadDate {
        name: String,
        value: String,
        reason: String,
    },
    #[error("`{value}` for {name} is below the minimum {min}")]
    BelowMin {
        name: String,
        value: String,
        min: String,
    },
    #[error("`{value}` for {name} is above the maximum {max}")]
    AboveMax {
        name: String,
        value: String,
        max: String,
    },
    #[error("expected a whole number for {name}, found `{value}`")]
    NotInteger { name: String, value: String },
    #[error("empty identifier for {name}")]
    EmptyId { name: String, chars: String },
    #[error("invalid character {} in `{value}` for {name}", show_char(*.bad))]
    BadIdChars {
        name: String,
        value: String,
        bad: char,
        chars: String,
    },
    #[error("control character {} in the text for {name}", show_char(*.found))]
    ControlCharacter { name: String, found: char },
    #[error("text for {name} has {len} characters, more than the limit of {max}")]
    TooLong {
        name: String,
        len: usize,
        max: usize,
    },
    #[error("{name} has {len} items, more than the limit of {max}")]
    TooManyItems {
        name: String,
        len: usize,
        max: usize,
    },
    #[error("unsupported format `{found}` in `{field}`; expected `{expected}`")]
    WrongSchema {
        field: String,
        found: String,
        expected: String,
    },
    #[error("missing required field `{name}` in `{ty}`")]
    MissingField {
        name: String,
        ty: String,
        expected: String,
        hint: Option<String>,
    },
    #[error("unknown `{table}` id `{value}` for {name}")]
    UnknownRef {
        name: String,
        table: String,
        value: String,
        suggestion: Option<String>,
        known: String,
    },
    #[error("{more} more problem(s) not shown; at most {max} are reported per document")]
    TooManyProblems { max: usize, more: usize },
    #[error("duplicate `{key_field}` `{key}` in the batch")]
    DuplicateDocument {
        key_field: String,
        key: String,
        first: String,
    },
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
        Some(match self {
            InputProblem::UnknownField {
                suggestion, known, ..
            } => match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known fields: {known}"),
            },
            InputProblem::WrongType { hint, .. } => hint
                .clone()
                .unwrap_or_else(|| "`samstyr schema` prints the whole format".into()),
            InputProblem::NullNotAllowed { required, .. } => {
                if *required {
                    "give a value".into()
                } else {
                    "leave the field out when it is not known".into()
                }
            }
            InputProblem::BadEnum { suggestion, .. } => match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "values are written exactly as listed, in lower case".into(),
            },
            InputProblem::BadDate { .. } => {
                "dates are written `YYYY-MM-DD` and must exist in the calendar".into()
            }
            InputProblem::BelowMin { min, .. } => format!("the value must be at least {min}"),
            InputProblem::AboveMax { max, .. } => format!("the value must be at most {max}"),
            InputProblem::NotInteger { .. } => "remove the decimals".into(),
            InputProblem::EmptyId { chars, .. } => {
                format!("an identifier is one or more of the characters `{chars}`")
            }
            InputProblem::BadIdChars { chars, .. } => {
                format!("an identifier may use only the characters `{chars}`")
            }
            InputProblem::TooLong { .. } => "shorten the text".into(),
            InputProblem::ControlCharacter { .. } => {
                "text may hold tabs and line breaks, but no other control characters (escapes such as `\\u001b`)"
                    .into()
            }
            InputProblem::TooManyItems { .. } => "split the list".into(),
            InputProblem::WrongSchema {
                field, expected, ..
            } => format!(
                "set `\"{field}\": \"{expected}\"`; this version of samstyr reads only that format"
            ),
            InputProblem::MissingField {
                name,
                expected,
                hint,
                ..
            } => hint
                .clone()
                .unwrap_or_else(|| format!("add `\"{name}\": …` with {expected}")),
            InputProblem::UnknownRef {
                suggestion, known, ..
            } => match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known ids: {known}"),
            },
            InputProblem::TooManyProblems { .. } => {
                "fix the problems shown and check the document again".into()
            }
            InputProblem::DuplicateDocument {
                key_field, first, ..
            } => format!(
                "`{first}` already has this `{key_field}`; every document in a batch needs its own"
            ),
        })
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
pub fn validate_in(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
    mut tree: Box<Tree>,
) -> Result<Document, Diagnostics> {
    tree.clear();
    tree.set_source(source.clone());
    let text = source.text();
    // The key field found by name once per document, not once for its characters and again
    // for its value.
    let key_field = schema.key_field();
    let key_chars = key_field.and_then(|(_, f)| id_chars(f));
    let fast = super::fast::accept(
        schema,
        catalog,
        key_chars.map(|k| k.0),
        text,
        limits,
        &mut tree,
    );
    if let Some(root) = fast
        && let Some((slot, _)) = key_field
        && let Some(key) = key_in(&tree, &root, slot)
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
    report(schema, catalog, source, limits, key_chars, tree)
}

/// The reporting validator alone, without the fast path: every problem, with its place, pointer
/// and hint. [`validate_with`] falls back to it whenever the fast path declines a document;
/// public so that tests and fuzz targets can hold the two paths to the same answers.
pub fn validate_reporting(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
) -> Result<Document, Diagnostics> {
    let key_chars = key_chars(schema);
    report(schema, catalog, source, limits, key_chars, Box::default())
}

/// The character set of the key field, with its text as written, when the key is an id.
pub(super) fn key_chars(schema: &InputSchema) -> Option<(CharSet, &str)> {
    schema.key_field().and_then(|(_, f)| id_chars(f))
}

/// The character set of an `id` field, with its text as written.
fn id_chars(f: &FieldDef) -> Option<(CharSet, &str)> {
    match &f.ty {
        FieldType::Id { chars, set } => Some((*set, chars.as_str())),
        _ => None,
    }
}

/// The document's key: the root's key field, a string in every valid document.
fn key_of(schema: &InputSchema, tree: &Tree, root: &Node) -> Option<String> {
    key_in(tree, root, schema.key_field()?.0)
}

/// The string in slot `slot` of the object `root`.
fn key_in(tree: &Tree, root: &Node, slot: usize) -> Option<String> {
    let node = tree.object(&root.value)?.get(slot)?.as_ref()?;
    tree.str(&node.value).map(String::from)
}

fn report(
    schema: &InputSchema,
    catalog: &Catalog,
    source: SourceFile,
    limits: Limits,
    key_chars: Option<(CharSet, &str)>,
    tree: Box<Tree>,
) -> Result<Document, Diagnostics> {
    let text = source.text();
    let mut v = Validator {
        schema,
        catalog,
        file: &source,
        diags: Vec::new(),
        key_chars,
        dropped: 0,
        tree,
    };
    let root = match Reader::new(text, limits) {
        Ok(mut r) => match v.document(&mut r) {
            Ok(root) => root,
            Err(e) => {
                v.diags.push(e.diagnostic(&source));
                None
            }
        },
        Err(e) => {
            v.diags.push(e.diagnostic(&source));
            None
        }
    };
    if v.dropped > 0 {
        let p = InputProblem::TooManyProblems {
            max: MAX_PROBLEMS,
            more: v.dropped,
        };
        v.diags.push(Diagnostic::new(&p, Some(&source), None));
    }
    // Reading order: a missing field is reported where its object closes, after the unknown
    // field that was probably meant to be it.
    let (diags, tree) = (v.diags, v.tree);
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
    fn name(&self) -> String {
        match self {
            Path::Root => "the document".into(),
            Path::Key(_, k) => format!("`{k}`"),
            Path::Index(parent, _) => format!("an item of {}", parent.name()),
        }
    }
}

enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

struct Validator<'s> {
    schema: &'s InputSchema,
    catalog: &'s Catalog,
    file: &'s SourceFile,
    diags: Vec<Diagnostic>,
    key_chars: Option<(CharSet, &'s str)>,
    /// Problems found past [`MAX_PROBLEMS`], counted but not reported.
    dropped: usize,
    /// Where the document's lists and objects go.
    tree: Box<Tree>,
}

/// The result of reading one value: the node, or `None` when it broke the schema (reported).
type Read = Result<Option<Node>, JsonError>;

impl<'s> Validator<'s> {
    fn push(&mut self, p: InputProblem, span: Span, path: &Path) {
        if self.full() {
            return;
        }
        self.diags
            .push(Diagnostic::at(&p, self.file, span).with_pointer(path.pointer()));
    }

    /// Whether the report is full; if so the problem about to be reported is counted instead.
    /// Ask before working out a costly message.
    fn full(&mut self) -> bool {
        if self.diags.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            true
        } else {
            false
        }
    }

    fn document(&mut self, r: &mut Reader<'_>) -> Read {
        let kind = r.peek()?;
        let root = if kind == Kind::Object {
            self.object(r, self.schema.root, &Path::Root)?
        } else {
            let name = self
                .schema
                .types
                .get(self.schema.root)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            let expected = format!("an object (`{name}`)");
            let root_ty = FieldType::Object(self.schema.root);
            self.wrong_type(r, kind, expected, Some(&root_ty), &Path::Root)?;
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
        let mut slots: Vec<Option<Node>> = vec![None; n];
        let mut seen = Seen::new(n);
        let mut unknown: std::collections::HashMap<String, Span> = Default::default();
        let mut ok = true;
        // Documents mostly list fields in schema order: look for the next one first.
        let mut hint = 0;
        let mut cur = r.begin_object()?;
        while let Some((key, kspan)) = r.next_key(&mut cur)? {
            let child = Path::Key(path, &key);
            let found = (0..n)
                .map(|k| (hint + k) % n)
                .find(|&i| t.fields.get(i).is_some_and(|f| f.name == *key));
            let Some((i, f)) = found.and_then(|i| Some((i, t.fields.get(i)?))) else {
                ok = false;
                if self.full() {
                    // Counted; no suggestion worked out for a problem not shown.
                } else if let Some(first) = unknown.get(key.as_ref()) {
                    self.duplicate(&key, *first, kspan, &child);
                } else {
                    let names = t.fields.iter().map(|f| f.name.as_str());
                    let suggestion = did_you_mean(&key, names.clone()).map(String::from);
                    self.push(
                        InputProblem::UnknownField {
                            name: shorten(&key),
                            ty: t.name.clone(),
                            suggestion,
                            known: ticked(names),
                        },
                        kspan,
                        &child,
                    );
                    unknown.insert(key.to_string(), kspan);
                }
                r.skip_value()?;
                continue;
            };
            hint = i + 1;
            if seen.get(i) {
                ok = false;
                if !self.full() {
                    let first = first_key_span(r.text(), start, &key).unwrap_or(kspan);
                    self.duplicate(&key, first, kspan, &child);
                }
                r.skip_value()?;
                continue;
            }
            seen.set(i);
            let at = r.peek().map(|_| r.pos())?;
            match self.field(r, f, &child)? {
                Some(node) => {
                    if schema_slot == Some(i) {
                        let found = self.tree.str(&node.value).unwrap_or_default();
                        if found != schema.id {
                            ok = false;
                            self.push(
                                InputProblem::WrongSchema {
                                    field: f.name.clone(),
                                    found: shorten(found),
                                    expected: schema.id.clone(),
                                },
                                Span::new(at, r.pos()),
                                &child,
                            );
                        }
                    }
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some(node);
                    }
                }
                None => ok = false,
            }
        }
        let obj_span = Span::new(start, start + 1);
        for (i, f) in t.fields.iter().enumerate() {
            if seen.get(i) {
                continue;
            }
            if f.required {
                ok = false;
                let expected = f.ty.describe(schema);
                let hint = (is_root && f.name == schema.schema_field).then(|| {
                    format!(
                        "add `\"{}\": \"{}\"` at the start of the document",
                        f.name, schema.id
                    )
                });
                self.push(
                    InputProblem::MissingField {
                        name: f.name.clone(),
                        ty: t.name.clone(),
                        expected,
                        hint,
                    },
                    obj_span,
                    path,
                );
                continue;
            }
            let fill = match f.absent {
                Absent::Unknown => None,
                Absent::Empty => Some(Value::List(value::Span::EMPTY)),
                Absent::None => Some(Value::Null),
            };
            if let (Some(value), Some(slot)) = (fill, slots.get_mut(i)) {
                *slot = Some(Node::new(start as u32, value));
            }
        }
        if !ok {
            return Ok(None);
        }
        let span = self.tree.push_slots(slots).map_err(|_| full(start))?;
        Ok(Some(Node::new(start as u32, Value::Object(span))))
    }

    /// A string node at `at`, its text copied into the document's tree.
    fn str_node(&mut self, at: usize, s: &str) -> Read {
        let t = self.tree.push_str(s).map_err(|_| full(at))?;
        Ok(Some(Node::new(at as u32, Value::Str(t))))
    }

    fn duplicate(&mut self, key: &str, first: Span, span: Span, path: &Path) {
        let e = JsonError {
            kind: JsonErrorKind::DuplicateKey {
                key: shorten(key),
                first,
            },
            span,
        };
        self.diags
            .push(e.diagnostic(self.file).with_pointer(path.pointer()));
    }

    fn field(&mut self, r: &mut Reader<'_>, f: &FieldDef, path: &Path) -> Read {
        let kind = r.peek()?;
        if kind == Kind::Null {
            let at = r.pos();
            r.read_null()?;
            if f.nullable || f.absent == Absent::None {
                return Ok(Some(Node::new(at as u32, Value::Null)));
            }
            self.push(
                InputProblem::NullNotAllowed {
                    name: path.name(),
                    expected: f.ty.describe(self.schema),
                    required: f.required,
                },
                Span::new(at, r.pos()),
                path,
            );
            return Ok(None);
        }
        self.value(r, &f.ty, kind, path)
    }

    fn value(&mut self, r: &mut Reader<'_>, ty: &FieldType, kind: Kind, path: &Path) -> Read {
        let at = r.pos();
        let node = |v: Value| Ok(Some(Node::new(at as u32, v)));
        match (ty, kind) {
            (FieldType::String { max_len }, Kind::String) => {
                let s = r.read_string()?;
                // Counting characters is only needed when the bytes could be too many.
                if let Some(max) = max_len.filter(|m| s.len() > *m) {
                    let len = s.chars().count();
                    if len > max {
                        self.push(
                            InputProblem::TooLong {
                                name: path.name(),
                                len,
                                max,
                            },
                            Span::new(at, r.pos()),
                            path,
                        );
                        return Ok(None);
                    }
                }
                // Text is printed in reports, on terminals: refuse control characters here. The
                // reader refuses raw C0 ones, so only an escaped string (`\u001b`) or a raw DEL or
                // C1 character (bytes 0x7F, 0xC2 0x80–0x9F) can hold one; others need no scan.
                let suspect = match &s {
                    std::borrow::Cow::Owned(_) => true,
                    std::borrow::Cow::Borrowed(b) => b.bytes().any(|x| x == 0x7f || x == 0xc2),
                };
                let control = suspect
                    .then(|| {
                        s.chars()
                            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    })
                    .flatten();
                if let Some(c) = control {
                    self.push(
                        InputProblem::ControlCharacter {
                            name: path.name(),
                            found: c,
                        },
                        Span::new(at, r.pos()),
                        path,
                    );
                    return Ok(None);
                }
                self.str_node(at, &s)
            }
            (FieldType::Id { chars, set }, Kind::String) => {
                let s = r.read_string()?;
                let span = Span::new(at, r.pos());
                if self.check_id(&s, Some(*set), chars, span, path) {
                    self.str_node(at, &s)
                } else {
                    Ok(None)
                }
            }
            (FieldType::KeyRef, Kind::String) => {
                let s = r.read_string()?;
                let span = Span::new(at, r.pos());
                let ok = match self.key_chars {
                    Some((set, chars)) => self.check_id(&s, Some(set), chars, span, path),
                    None => true,
                };
                if ok { self.str_node(at, &s) } else { Ok(None) }
            }
            (FieldType::Bool, Kind::Bool) => node(Value::Bool(r.read_bool()?)),
            (FieldType::Number { min, max, integer }, Kind::Number) => {
                let (n, text) = r.read_number()?;
                let span = Span::new(at, r.pos());
                let mut ok = true;
                if *integer && n.fract() != 0.0 {
                    ok = false;
                    self.push(
                        InputProblem::NotInteger {
                            name: path.name(),
                            value: shorten(text),
                        },
                        span,
                        path,
                    );
                }
                if let Some(m) = min.filter(|m| n < *m) {
                    ok = false;
                    self.push(
                        InputProblem::BelowMin {
                            name: path.name(),
                            value: shorten(text),
                            min: number_json(m).to_string(),
                        },
                        span,
                        path,
                    );
                }
                if let Some(m) = max.filter(|m| n > *m) {
                    ok = false;
                    self.push(
                        InputProblem::AboveMax {
                            name: path.name(),
                            value: shorten(text),
                            max: number_json(m).to_string(),
                        },
                        span,
                        path,
                    );
                }
                if ok { node(Value::Number(n)) } else { Ok(None) }
            }
            (FieldType::Date, Kind::String) => {
                let s = r.read_string()?;
                match parse_date(&s) {
                    Ok(d) => node(Value::Date(d)),
                    Err(reason) => {
                        self.push(
                            InputProblem::BadDate {
                                name: path.name(),
                                value: shorten(&s),
                                reason,
                            },
                            Span::new(at, r.pos()),
                            path,
                        );
                        Ok(None)
                    }
                }
            }
            (FieldType::Enum(values), Kind::String) => {
                let s = r.read_string()?;
                if values.iter().any(|v| *v == *s) {
                    return self.str_node(at, &s);
                }
                if self.full() {
                    return Ok(None);
                }
                let suggestion =
                    did_you_mean(&s, values.iter().map(String::as_str)).map(String::from);
                self.push(
                    InputProblem::BadEnum {
                        name: path.name(),
                        value: shorten(&s),
                        expected: ticked(values.iter().map(String::as_str)),
                        suggestion,
                    },
                    Span::new(at, r.pos()),
                    path,
                );
                Ok(None)
            }
            (FieldType::Ref { table }, Kind::String) => {
                let s = r.read_string()?;
                let Some(t) = self.catalog.table(table) else {
                    // The loader checks tables against the catalog; an unchecked schema
                    // accepts the value rather than blame the document.
                    return self.str_node(at, &s);
                };
                if t.row(&s).is_some() {
                    return self.str_node(at, &s);
                }
                if self.full() {
                    return Ok(None);
                }
                let suggestion = did_you_mean(&s, t.keys()).map(String::from);
                self.push(
                    InputProblem::UnknownRef {
                        name: path.name(),
                        table: table.clone(),
                        value: shorten(&s),
                        suggestion,
                        known: known_keys(t.keys()),
                    },
                    Span::new(at, r.pos()),
                    path,
                );
                Ok(None)
            }
            (FieldType::List { items, max_items }, Kind::Array) => {
                let mut cur = r.begin_array()?;
                let mut out = Vec::new();
                let mut ok = true;
                let mut i = 0;
                while r.next_item(&mut cur)? {
                    let k = r.peek()?;
                    match self.value(r, items, k, &Path::Index(path, i))? {
                        Some(n) => out.push(n),
                        None => ok = false,
                    }
                    i += 1;
                }
                if let Some(max) = max_items.filter(|m| i > *m) {
                    self.push(
                        InputProblem::TooManyItems {
                            name: path.name(),
                            len: i,
                            max,
                        },
                        Span::new(at, at + 1),
                        path,
                    );
                    return Ok(None);
                }
                if ok {
                    let span = self.tree.push_list(out).map_err(|_| full(at))?;
                    node(Value::List(span))
                } else {
                    Ok(None)
                }
            }
            (FieldType::Object(id), Kind::Object) => self.object(r, *id, path),
            _ => {
                let expected = ty.describe(self.schema);
                self.wrong_type(r, kind, expected, Some(ty), path)?;
                Ok(None)
            }
        }
    }

    /// Reports a value of the wrong JSON type and skips it.
    fn wrong_type(
        &mut self,
        r: &mut Reader<'_>,
        kind: Kind,
        expected: String,
        ty: Option<&FieldType>,
        path: &Path,
    ) -> Result<(), JsonError> {
        let at = r.pos();
        r.skip_value()?;
        let end = r.pos();
        let raw = r.text().get(at..end).unwrap_or("");
        let span = match kind {
            Kind::Array | Kind::Object => Span::new(at, at + 1),
            _ => Span::new(at, end),
        };
        let found = match kind {
            Kind::Null => "`null`".to_string(),
            Kind::Bool => format!("`{raw}`"),
            Kind::Number => format!("the number `{raw}`"),
            Kind::String => format!("the string `{}`", shorten(raw)),
            Kind::Array => "a list".into(),
            Kind::Object => "an object".into(),
        };
        let hint = ty.and_then(|ty| type_hint(ty, kind, raw));
        self.push(
            InputProblem::WrongType {
                name: path.name(),
                expected,
                found,
                hint,
            },
            span,
            path,
        );
        Ok(())
    }

    fn check_id(
        &mut self,
        s: &str,
        set: Option<CharSet>,
        chars: &str,
        span: Span,
        path: &Path,
    ) -> bool {
        if s.is_empty() {
            self.push(
                InputProblem::EmptyId {
                    name: path.name(),
                    chars: chars.into(),
                },
                span,
                path,
            );
            return false;
        }
        let Some(set) = set else { return true };
        if let Some(bad) = s.chars().find(|c| !set.contains(*c)) {
            self.push(
                InputProblem::BadIdChars {
                    name: path.name(),
                    value: shorten(s),
                    bad,
                    chars: chars.into(),
                },
                span,
                path,
            );
            return false;
        }
        true
    }
}

/// Which fields of an object have been given: a bit set, spilling over for very wide types.
struct Seen {
    bits: u64,
    more: Vec<bool>,
}

impl Seen {
    fn new(n: usize) -> Self {
        Seen {
            bits: 0,
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
fn type_hint(ty: &FieldType, kind: Kind, raw: &str) -> Option<String> {
    let unquoted = raw.trim_matches('"');
    match (ty, kind) {
        (FieldType::Number { .. }, Kind::String) if unquoted.parse::<f64>().is_ok() => {
            Some(format!("write the number without quotes: `{unquoted}`"))
        }
        (FieldType::Bool, Kind::String) if unquoted == "true" || unquoted == "false" => {
            Some(format!("write `{unquoted}` without quotes"))
        }
        (FieldType::Bool, Kind::String | Kind::Number) => {
            Some("write `true` or `false`, without quotes".into())
        }
        (FieldType::Object(_), Kind::Array)
            if raw
                .trim_start()
                .strip_prefix('[')
                .is_some_and(|r| r.trim_start().starts_with('{')) =>
        {
            Some(
                "give one object, not a list of them; for many documents use a `.jsonl` file"
                    .into(),
            )
        }
        (FieldType::List { .. }, Kind::String | Kind::Number | Kind::Bool | Kind::Object) => {
            Some(format!("put the value in a list: `[{}]`", shorten(raw)))
        }
        _ => None,
    }
}

/// A character for a message: `` `/` ``, or its name when backticks would hide it.
fn show_char(c: char) -> String {
    match c {
        ' ' => "` ` (space)".into(),
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
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err("expected the form `YYYY-MM-DD`".into());
    }
    let num = |r: std::ops::Range<usize>| -> i32 {
        b.get(r)
            .unwrap_or(&[])
            .iter()
            .fold(0, |n, c| n * 10 + i32::from(c - b'0'))
    };
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m:02}"));
    }
    let days = days_in_month(y, m);
    if d < 1 || d > days {
        return Err(format!("{y:04}-{m:02} has {days} days"));
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|e| e.to_string())
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
            Value::List(value::Span::EMPTY)
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
        assert_eq!(parse_date("2026-02-29").unwrap_err(), "2026-02 has 28 days");
        assert_eq!(parse_date("1900-02-29").unwrap_err(), "1900-02 has 28 days");
        assert_eq!(parse_date("2026-04-31").unwrap_err(), "2026-04 has 30 days");
        assert_eq!(
            parse_date("2026-13-01").unwrap_err(),
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

    #[test]
    fn wrong_root_is_reported() {
        let p = problems("[1, 2]");
        assert_eq!(p[0].0, "input::wrong-type");
        assert_eq!(p[0].1, "");
    }
}
