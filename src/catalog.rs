//! Catalogs: the reference tables a rule set ships as data (measures, life events, sectors,
//! agreements, …), loaded from `catalog.toml` or `catalog/*.toml` in the rule set.
//!
//! A table is a keyed list of rows. Row fields are typed by inference from the data (every row of a
//! table must agree), and rows are stored as [`crate::value::Node`] objects so that expressions read
//! them exactly as they read input.

use crate::source::Span;
use crate::text::Text;
use crate::value::Node;

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// The column that holds each row's unique key.
    pub key: String,
    pub title: Text,
    /// Free notes shown with the table (e.g. a disagreement between sources).
    pub note: Text,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    String,
    Number,
    Bool,
    Date,
    StringList,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    /// An object node whose slots follow `Table::columns`.
    pub node: Node,
    /// Where the row is declared, for diagnostics.
    pub span: Span,
}

impl Catalog {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Table {
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    pub fn column(&self, name: &str) -> Option<(usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == name)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().map(|r| r.key.as_str())
    }
}
