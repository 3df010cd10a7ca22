//! Static types of expressions, and how the input schema's and the catalog's types map onto them.
//!
//! Every type also admits `null` and *unknown* at run time: types say what a value is when it is
//! stated, not whether it is.

use crate::catalog::{Catalog, ColumnType};
use crate::schema::{FieldType, InputSchema, TypeId};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Bool,
    Number,
    String,
    Date,
    /// A calendar span: months and days.
    Duration,
    /// The type of the literal `null` only.
    Null,
    List(Box<Type>),
    Object(ObjType),
    /// Fits anywhere: the items of `[]`, and the type given to an erroneous sub-expression so
    /// one mistake is reported once.
    Any,
}

/// Where an object's fields are declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjType {
    /// A type of the input schema.
    Input(TypeId),
    /// A row of the catalog table with this index in [`Catalog::tables`].
    CatalogRow(usize),
}

impl Type {
    /// The type of values of a schema field.
    pub fn of_field(ty: &FieldType) -> Type {
        match ty {
            FieldType::String { .. }
            | FieldType::Id { .. }
            | FieldType::Enum(_)
            | FieldType::Ref { .. }
            | FieldType::KeyRef => Type::String,
            FieldType::Bool => Type::Bool,
            FieldType::Number { .. } => Type::Number,
            FieldType::Date => Type::Date,
            FieldType::List { items, .. } => Type::List(Box::new(Type::of_field(items))),
            FieldType::Object(t) => Type::Object(ObjType::Input(*t)),
        }
    }

    /// The type of a catalog column.
    pub fn of_column(ty: ColumnType) -> Type {
        match ty {
            ColumnType::String => Type::String,
            ColumnType::Number => Type::Number,
            ColumnType::Bool => Type::Bool,
            ColumnType::Date => Type::Date,
            ColumnType::StringList => Type::List(Box::new(Type::String)),
        }
    }

    /// Whether a value of one type may stand where the other is expected (`==`, `??`, `in`).
    pub fn compatible(&self, other: &Type) -> bool {
        self.unify(other).is_some()
    }

    /// The common type of two compatible types: `null` and `Any` give way to the other.
    pub fn unify(&self, other: &Type) -> Option<Type> {
        match (self, other) {
            (Type::Any, t) | (t, Type::Any) | (Type::Null, t) | (t, Type::Null) => Some(t.clone()),
            (Type::List(a), Type::List(b)) => Some(Type::List(Box::new(a.unify(b)?))),
            (a, b) if a == b => Some(a.clone()),
            _ => None,
        }
    }

    /// How the type is named in messages, with schema and table names for objects.
    pub fn describe(&self, schema: &InputSchema, catalog: &Catalog) -> String {
        match self {
            Type::List(item) => format!("a list of {}", item.plural(schema, catalog)),
            Type::Object(ObjType::Input(t)) => match schema.types.get(*t) {
                Some(ty) => format!("a `{}`", ty.name),
                None => "an object".into(),
            },
            Type::Object(ObjType::CatalogRow(t)) => match catalog.tables.get(*t) {
                Some(table) => format!("a row of `catalog.{}`", table.name),
                None => "a catalog row".into(),
            },
            Type::Any => "any value".into(),
            Type::Null => "null".into(),
            other => format!("a {other}"),
        }
    }

    /// The name of many values of the type: `strings`, `` `copy` objects``.
    pub fn plural(&self, schema: &InputSchema, catalog: &Catalog) -> String {
        match self {
            Type::Object(ObjType::Input(t)) => match schema.types.get(*t) {
                Some(ty) => format!("`{}` objects", ty.name),
                None => "objects".into(),
            },
            Type::Object(ObjType::CatalogRow(t)) => match catalog.tables.get(*t) {
                Some(table) => format!("rows of `catalog.{}`", table.name),
                None => "catalog rows".into(),
            },
            Type::List(item) => format!("lists of {}", item.plural(schema, catalog)),
            Type::Any => "values".into(),
            Type::Null => "nulls".into(),
            other => format!("{other}s"),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Date => f.write_str("date"),
            Type::Duration => f.write_str("duration"),
            Type::Null => f.write_str("null"),
            Type::List(item) => write!(f, "list of {item}"),
            Type::Object(_) => f.write_str("object"),
            Type::Any => f.write_str("any"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_any_give_way() {
        assert_eq!(Type::Null.unify(&Type::Date), Some(Type::Date));
        assert_eq!(
            Type::List(Box::new(Type::Any)).unify(&Type::List(Box::new(Type::String))),
            Some(Type::List(Box::new(Type::String)))
        );
        assert_eq!(Type::Number.unify(&Type::Date), None);
    }
}
