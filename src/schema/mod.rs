//! Input schemas: the declared shape of the documents a rule set judges, loaded from the rule set's
//! `input.toml`, and everything derived from it: the strict validator that turns parsed JSON into a
//! [`crate::value::Node`] tree, and the JSON Schema (draft 2020-12) that `samstyr schema` prints.
//!
//! **Invariant:** this module knows no field of any particular format. The samstyring initiative
//! format v1 exists only as data in `rules/input.toml`.

use crate::source::SourceFile;
use crate::text::Text;
use crate::value::Node;

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
    pub doc: Text,
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
    /// The text it was read from (for a JSONL line, that line, numbered as in the file).
    pub source: SourceFile,
}
