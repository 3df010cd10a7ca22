//! The validated input value tree: what the evaluator reads and what findings point into.
//!
//! A value tree is produced by validating parsed JSON against an input schema (see `schema`), or
//! by loading catalog tables. Objects are slot vectors in the order of their schema type's fields,
//! so a compiled field path is a list of slot indices, not a list of names to look up.
//!
//! **Invariant:** an absent field is `None` in its slot and is never confused with `Value::Null`
//! (stated as "none") or with `false`/`0`/`[]`.

use jiff::civil::Date;

/// A value with the byte offset in its source file where it starts, for locating findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte offset of the first character of the value in its source; `u32::MAX` when synthetic.
    pub at: u32,
    pub value: Value,
}

impl Node {
    pub const SYNTHETIC: u32 = u32::MAX;

    pub fn new(at: u32, value: Value) -> Self {
        Node { at, value }
    }

    pub fn synthetic(value: Value) -> Self {
        Node {
            at: Self::SYNTHETIC,
            value,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Stated as none (JSON `null`, or a section the schema says means "none" when absent).
    Null,
    Bool(bool),
    Number(f64),
    /// Inline up to 24 bytes: most strings of a document (codes, names, enum values) are short,
    /// and one allocation per string was a large share of reading a document.
    Str(compact_str::CompactString),
    Date(Date),
    List(Box<[Node]>),
    /// Field slots in schema order; `None` = absent.
    Object(Box<[Option<Node>]>),
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Option<Node>]> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Plain JSON for evidence and reports. Objects need their field names, which only the schema
    /// knows, so they render through [`crate::schema::InputSchema::to_json`]; here they become `{}`.
    pub fn scalar_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::Str(s) => serde_json::Value::String(s.to_string()),
            Value::Date(d) => serde_json::Value::String(d.to_string()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(|n| n.value.scalar_json()).collect())
            }
            Value::Object(_) => serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

/// Integers print as integers (`40000000`, not `40000000.0`).
pub fn number_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}
