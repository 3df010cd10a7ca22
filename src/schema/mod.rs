//! Input schemas: the declared shape of the documents a rule set judges, loaded from the rule set's
//! `input.toml`, and everything derived from it: the strict validator that turns parsed JSON into a
//! [`crate::value::Node`] tree, and the JSON Schema (draft 2020-12) that `samstyr schema` prints.
//!
//! **Invariant:** this module knows no field of any particular format. The samstyring initiative
//! format v1 exists only as data in `rules/input.toml`.

mod jsonschema;
mod load;
#[cfg(test)]
mod oracle_tests;
mod validate;

pub use crate::spanned::TomlProblem;
use crate::spanned::ticked;
pub use jsonschema::{json_schema, json_schema_in};
pub use load::{load, load_against};
pub use validate::{
    InputProblem, to_json, validate, validate_in, validate_reporting, validate_with,
};

use crate::catalog::Catalog;
use crate::diag::Diagnostics;
use crate::files::RuleFiles;
use crate::source::SourceFile;
use crate::text::{Lang, Text, pick};
use crate::value::{Node, Tree};

/// Index of an object type in [`InputSchema::types`].
pub type TypeId = usize;

/// The declared input format of a rule set.
#[derive(Debug, Clone)]
pub struct InputSchema {
    /// The exact value the `schema_field` must hold, e.g. `samstyr.initiative/v1`.
    pub id: String,
    /// The field that names the format (`schema`).
    pub schema_field: String,
    /// The field that identifies a document uniquely in a batch (`id`).
    pub key_field: String,
    pub title: Text,
    pub description: Text,
    /// The type of the whole document.
    pub root: TypeId,
    pub types: Vec<ObjectType>,
}

#[derive(Debug, Clone)]
pub struct ObjectType {
    pub name: String,
    pub doc: Text,
    pub fields: Vec<FieldDef>,
}

impl ObjectType {
    pub fn field(&self, name: &str) -> Option<(usize, &FieldDef)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    /// JSON `null` is accepted and means "stated as none".
    pub nullable: bool,
    /// What an absent field means.
    pub absent: Absent,
    /// A string of only whitespace is refused (`blank = false`): where a blank answer is no
    /// answer (a name, a reason), it must not pass as one.
    pub nonblank: bool,
    pub doc: Text,
    /// Words for the values of an enum field (or of a list of enums), in the order of its
    /// values (`labels = { value = { nb, nn, en } }`); empty when the input format gives none,
    /// and then the values are shown as they are written.
    pub labels: Vec<Text>,
    /// The name has no quote, backslash or control character, so a document may write it as
    /// it is: the validator then compares a key with it in place ([`crate::json::Reader::key_is`]).
    pub(crate) plain: bool,
}

impl FieldDef {
    /// The values of an enum field, or of a list of enums.
    pub fn enum_values(&self) -> Option<&[String]> {
        self.ty.enum_values()
    }

    /// The words for enum value `value` (`None`: the input format gives none).
    pub fn label(&self, value: &str) -> Option<&Text> {
        let i = self.enum_values()?.iter().position(|v| v == value)?;
        self.labels.get(i)
    }

    /// The words in `lang` for enum value `value`, when the input format gives some that say
    /// more than the value itself (`Concept decision` only repeats `concept_decision`).
    pub fn value_words(&self, value: &str, lang: Lang) -> Option<&str> {
        self.label(value)
            .map(|t| t.get(lang).trim())
            .filter(|w| !w.is_empty() && !same_word(w, value))
    }

    /// A short title for the field in `lang`, from its doc: the first sentence, before any list
    /// of values after a colon or semicolon (`None`: the doc is empty). What reports show
    /// beside a pointer, and what remedies name a field by.
    pub fn title(&self, lang: Lang) -> Option<String> {
        let doc = self.doc.get(lang).trim();
        if doc.is_empty() {
            return None;
        }
        let first = first_sentence(doc);
        let first = first.split([':', ';']).next().unwrap_or(first);
        let first = first.trim().trim_end_matches('.');
        Some(first.to_string())
    }
}

/// Whether words for a value only repeat it (`Concept decision` for `concept_decision`): then
/// they add nothing beside it.
fn same_word(words: &str, value: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    letters(words) == letters(value)
}

/// The first sentence of `s`: up to the first `. ` that does not end an abbreviation.
fn first_sentence(s: &str) -> &str {
    const ABBREVIATIONS: &[&str] = &["f.eks", "t.d", "bl.a", "e.g", "i.e", "jf", "nr", "ca"];
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|r| r.find(". ")) {
        let end = from + i;
        let before = s.get(..end).unwrap_or("");
        let word = before.rsplit(' ').next().unwrap_or("");
        if !ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
            return before;
        }
        from = end + 2;
    }
    s
}

/// What an absent optional field means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// Not stated: rules that need it answer `unknown`.
    Unknown,
    /// A log of what exists: absent means an empty list.
    Empty,
    /// A section: absent means none (`Value::Null`).
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String {
        max_len: Option<usize>,
    },
    /// A non-empty identifier made only of the given ASCII characters.
    Id {
        /// e.g. `A-Za-z0-9._-`, as written in the schema file (ranges and single characters).
        chars: String,
        /// `chars` parsed, once, when the schema is loaded.
        set: CharSet,
    },
    Bool,
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    /// A calendar date `YYYY-MM-DD` that exists.
    Date,
    Enum(Vec<String>),
    /// The key of a row in a catalog table.
    Ref {
        table: String,
    },
    /// The key of another document in the same batch (for `depends_on`, `part_of`).
    KeyRef,
    List {
        items: Box<FieldType>,
        max_items: Option<usize>,
    },
    Object(TypeId),
}

/// One validated document: its key, its value tree, and where it came from.
#[derive(Debug, Clone)]
pub struct Document {
    /// The value of the schema's key field (the initiative's `id`).
    pub key: String,
    /// The root object, slots in the order of the root type's fields.
    pub root: Node,
    /// The items, slots and strings of the root's lists, objects and strings. Boxed: a
    /// document moves from stage to stage of a batch, and a box is a word to move.
    pub tree: Box<Tree>,
    /// The text it was read from (for a JSONL line, that line, numbered as in the file).
    pub source: SourceFile,
}

impl Document {
    /// The root and the tree it is read in, as an evaluation takes them.
    pub fn value(&self) -> (&Tree, &Node) {
        (self.tree.as_ref(), &self.root)
    }

    /// The root's slots, in the order of the root type's fields.
    pub fn slots(&self) -> &[Option<Node>] {
        self.tree.object(&self.root.value).unwrap_or(&[])
    }
}

impl InputSchema {
    /// The type of the whole document.
    pub fn root_type(&self) -> &ObjectType {
        // INVARIANT: the loader only builds schemas whose root indexes `types`.
        &self.types[self.root]
    }

    /// The slot and definition of the root's key field.
    pub fn key_field(&self) -> Option<(usize, &FieldDef)> {
        self.types.get(self.root)?.field(&self.key_field)
    }

    /// The field a JSON pointer into a document names (list indices skipped), if the format
    /// declares it: what reports show beside the pointer.
    pub fn field_at(&self, pointer: &str) -> Option<&FieldDef> {
        let mut ty = self.types.get(self.root)?;
        let mut field: Option<&FieldDef> = None;
        for seg in pointer.split('/').skip(1) {
            let seg = seg.replace("~1", "/").replace("~0", "~");
            if let Some(f) = field {
                // An index into a list: the item type stands for it.
                let mut inner = &f.ty;
                while let FieldType::List { items, .. } = inner {
                    inner = items;
                }
                if let FieldType::Object(id) = inner {
                    if matches!(f.ty, FieldType::List { .. }) && seg.parse::<usize>().is_ok() {
                        ty = self.types.get(*id)?;
                        field = None;
                        continue;
                    }
                    ty = self.types.get(*id)?;
                } else if seg.parse::<usize>().is_ok() {
                    continue;
                }
            }
            field = Some(ty.field(&seg)?.1);
        }
        field
    }

    pub fn type_named(&self, name: &str) -> Option<(TypeId, &ObjectType)> {
        self.types.iter().enumerate().find(|(_, t)| t.name == name)
    }

    /// Plain JSON of a validated node of type `ty` (in `tree`), field names put back on the
    /// slots.
    pub fn to_json(&self, tree: &Tree, ty: TypeId, node: &Node) -> serde_json::Value {
        validate::to_json(self, tree, ty, node)
    }
}

impl FieldType {
    /// The values of an enum, or of the items of a list of enums.
    pub fn enum_values(&self) -> Option<&[String]> {
        match self {
            FieldType::Enum(v) => Some(v),
            FieldType::List { items, .. } => match items.as_ref() {
                FieldType::Enum(v) => Some(v),
                _ => None,
            },
            _ => None,
        }
    }

    /// What a value of this type looks like, for messages: `a date `YYYY-MM-DD``, ….
    pub fn describe(&self, schema: &InputSchema) -> String {
        self.describe_in(schema, Lang::En)
    }

    /// [`FieldType::describe`] in every language, for the validator's messages.
    pub fn describe_text(&self, schema: &InputSchema) -> Text {
        Text::all(
            self.describe_in(schema, Lang::Nb),
            self.describe_in(schema, Lang::Nn),
            self.describe_in(schema, Lang::En),
        )
    }

    /// What a value of this type is, in words of `lang`: `a date `YYYY-MM-DD``.
    pub fn describe_in(&self, schema: &InputSchema, lang: Lang) -> String {
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(lang, nb, nn, en);
        match self {
            FieldType::String { max_len: Some(n) } => format!(
                "{} {n} {}",
                w(
                    "en tekst på høyst",
                    "ein tekst på høgst",
                    "a string of at most"
                ),
                w("tegn", "teikn", "characters")
            ),
            FieldType::String { max_len: None } => w("en tekst", "ein tekst", "a string").into(),
            FieldType::Id { chars, .. } => format!(
                "{} `{chars}`",
                w(
                    "en identifikator av tegnene",
                    "ein identifikator av teikna",
                    "an identifier of the characters"
                )
            ),
            FieldType::Bool => format!("`true` {} `false`", w("eller", "eller", "or")),
            FieldType::Number { min, max, integer } => {
                let mut s = if *integer {
                    w("et heltall", "eit heiltal", "an integer")
                } else {
                    w("et tall", "eit tal", "a number")
                }
                .to_string();
                if let Some(m) = min {
                    s.push_str(&format!(" ≥ {}", crate::value::number_json(*m)));
                }
                if let Some(m) = max {
                    s.push_str(&format!(" ≤ {}", crate::value::number_json(*m)));
                }
                s
            }
            FieldType::Date => format!("{} `YYYY-MM-DD`", w("en dato", "ein dato", "a date")),
            FieldType::Enum(values) => format!(
                "{} {}",
                w("én av", "ein av", "one of"),
                ticked(values.iter().map(String::as_str))
            ),
            FieldType::Ref { table } => format!(
                "{} `{table}`",
                w(
                    "en id fra katalogtabellen",
                    "ein id frå katalogtabellen",
                    "an id from the catalog table"
                )
            ),
            FieldType::KeyRef => match lang {
                Lang::Nb => format!("`{}` til et annet dokument", schema.key_field),
                Lang::Nn => format!("`{}` til eit anna dokument", schema.key_field),
                Lang::En => format!("the `{}` of another document", schema.key_field),
            },
            FieldType::List { items, .. } => format!(
                "{} {}",
                w("en liste med", "ei liste med", "a list of"),
                items.describe_plural(schema, lang)
            ),
            FieldType::Object(id) => match schema.types.get(*id) {
                Some(t) => format!(
                    "{} (`{}`)",
                    w("et objekt", "eit objekt", "an object"),
                    t.name
                ),
                None => w("et objekt", "eit objekt", "an object").into(),
            },
        }
    }

    fn describe_plural(&self, schema: &InputSchema, lang: Lang) -> String {
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(lang, nb, nn, en);
        match self {
            FieldType::String { .. } => w("tekster", "tekstar", "strings").into(),
            FieldType::Id { chars, .. } => format!(
                "{} `{chars}`",
                w(
                    "identifikatorer av tegnene",
                    "identifikatorar av teikna",
                    "identifiers of the characters"
                )
            ),
            FieldType::Bool => w("sannhetsverdier", "sanningsverdiar", "booleans").into(),
            FieldType::Number { integer: true, .. } => w("heltall", "heiltal", "integers").into(),
            FieldType::Number { .. } => w("tall", "tal", "numbers").into(),
            FieldType::Date => format!("{} `YYYY-MM-DD`", w("datoer", "datoar", "dates")),
            FieldType::Enum(values) => format!(
                "{} {}",
                w("verdier fra", "verdiar frå", "values from"),
                ticked(values.iter().map(String::as_str))
            ),
            FieldType::Ref { table } => format!(
                "{} `{table}`",
                w(
                    "id-er fra katalogtabellen",
                    "id-ar frå katalogtabellen",
                    "ids from the catalog table"
                )
            ),
            FieldType::KeyRef => match lang {
                Lang::Nb => format!("`{}` til andre dokumenter", schema.key_field),
                Lang::Nn => format!("`{}` til andre dokument", schema.key_field),
                Lang::En => format!("`{}`s of other documents", schema.key_field),
            },
            FieldType::List { .. } => w("lister", "lister", "lists").into(),
            FieldType::Object(id) => match schema.types.get(*id) {
                Some(t) => format!("`{}`{}", t.name, w("-objekter", "-objekt", " objects")),
                None => w("objekter", "objekt", "objects").into(),
            },
        }
    }
}

/// The ASCII characters an `id` field allows, from a spec such as `A-Za-z0-9._-`: ranges `a-z`
/// and single characters; a `-` first or last is itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharSet(u128);

impl CharSet {
    pub fn parse(spec: &str) -> Result<CharSet, String> {
        if spec.is_empty() {
            return Err("the character set is empty".into());
        }
        if let Some(c) = spec.chars().find(|c| !c.is_ascii() || c.is_ascii_control()) {
            return Err(format!("`{c}` is not a printable ASCII character"));
        }
        // ASCII only from here: bytes are characters.
        let b = spec.as_bytes();
        let mut bits = 0u128;
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            match (b.get(i + 1), b.get(i + 2)) {
                (Some(b'-'), Some(&hi)) => {
                    if hi < c {
                        return Err(format!(
                            "the range `{}-{}` is backwards",
                            c as char, hi as char
                        ));
                    }
                    for x in c..=hi {
                        bits |= 1u128 << x;
                    }
                    i += 3;
                }
                _ => {
                    bits |= 1u128 << c;
                    i += 1;
                }
            }
        }
        Ok(CharSet(bits))
    }

    pub fn contains(self, c: char) -> bool {
        u8::try_from(c).is_ok_and(|b| self.contains_byte(b))
    }

    /// Whether the byte is a character of the set: every byte of a character beyond ASCII is
    /// 0x80 or above, so outside it too, and text can be tested a byte at a time.
    #[inline]
    pub fn contains_byte(self, b: u8) -> bool {
        b < 128 && self.0 & (1u128 << b) != 0
    }

    /// A regular-expression character class (`[A-Za-z0-9._\-]`) matching the same characters.
    pub fn regex_class(self) -> String {
        let mut s = String::from("[");
        let mut b = 0u32;
        while b < 128 {
            if self.0 & (1u128 << b) == 0 {
                b += 1;
                continue;
            }
            let start = b;
            while b + 1 < 128 && self.0 & (1u128 << (b + 1)) != 0 {
                b += 1;
            }
            push_class_char(&mut s, start);
            if b > start + 1 {
                s.push('-');
            }
            if b > start {
                push_class_char(&mut s, b);
            }
            b += 1;
        }
        s.push(']');
        s
    }
}

fn push_class_char(s: &mut String, b: u32) {
    let c = char::from_u32(b).unwrap_or('?');
    if matches!(c, '\\' | ']' | '[' | '^' | '-') {
        s.push('\\');
    }
    s.push(c);
}

/// The input schema and catalog of a rule set, without the rest of the rules: all that
/// `validate` and `schema` need. `input.toml` and `catalog.toml` / `catalog/*.toml` are found at
/// the root of the rule set.
pub fn load_input_side(files: &RuleFiles) -> Result<(InputSchema, Catalog), Diagnostics> {
    let rel = |f: &SourceFile| -> String {
        let name = f.name();
        let stripped = match &files.dir {
            Some(d) => {
                let d = d.to_string_lossy().replace('\\', "/");
                let d = d.trim_end_matches('/').to_string();
                name.strip_prefix(&format!("{d}/")).map(String::from)
            }
            None => name.strip_prefix("rules/").map(String::from),
        };
        stripped.unwrap_or_else(|| name.to_string())
    };
    let mut input = None;
    let mut catalog_files = Vec::new();
    for f in &files.files {
        let r = rel(f);
        if r == "input.toml" {
            input = Some(f);
        } else if r == "catalog.toml" || r.starts_with("catalog/") {
            catalog_files.push(f.clone());
        }
    }
    let catalog = crate::catalog::load(&catalog_files);
    let Some(input) = input else {
        let p = TomlProblem::MissingKey {
            key: "input.toml".into(),
            place: format!("the rule set `{}`", files.origin),
        };
        let mut d = Diagnostics::from(crate::diag::Diagnostic::new(&p, None, None));
        if let Err(c) = catalog {
            d.extend(c);
        }
        return Err(d);
    };
    match catalog {
        Ok(c) => load_against(input, &c).map(|s| (s, c)),
        Err(mut d) => {
            if let Err(s) = load(input) {
                d.extend(s);
            }
            Err(d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_sets_parse_ranges_and_single_characters() {
        let s = CharSet::parse("A-Za-z0-9._-").unwrap();
        for c in ['A', 'z', '5', '.', '_', '-'] {
            assert!(s.contains(c), "{c}");
        }
        for c in ['/', ' ', 'å', '~'] {
            assert!(!s.contains(c), "{c}");
        }
        assert_eq!(s.regex_class(), "[\\-.0-9A-Z_a-z]");
        assert!(CharSet::parse("z-a").is_err());
        assert!(CharSet::parse("").is_err());
        assert!(CharSet::parse("æ").is_err());
    }

    #[test]
    fn a_title_is_the_doc_s_first_sentence_not_cut_at_an_abbreviation() {
        assert_eq!(
            first_sentence("Avtalens id, f.eks. «x». Mer her."),
            "Avtalens id, f.eks. «x»"
        );
        assert_eq!(first_sentence("Ingen punktum"), "Ingen punktum");
    }
}
