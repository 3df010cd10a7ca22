//! samstyr: a rules engine that judges documents against a rule set kept as data.
//!
//! The pipeline, one way: source text → [`json`] (spanned parse) → [`schema`] (validated
//! [`value::Node`] tree) → [`rules`] (rule files loaded, checked and compiled) → [`eval`] (findings as
//! plain data, [`finding`]) → [`report`] (renderers). [`cli`] and [`input`] are the only places that
//! touch the file system. Nothing under `src/` knows any particular rule set.

#![forbid(unsafe_code)]

pub mod app;
pub mod catalog;
pub mod cli;
pub mod diag;
pub mod eval;
pub mod expr;
pub mod files;
pub mod finding;
// `gen` is a reserved word in edition 2024.
#[path = "gen/mod.rs"]
pub mod generator;
pub mod input;
pub mod json;
pub mod portfolio;
pub mod report;
pub mod rules;
pub mod scc;
pub mod schema;
pub mod server;
pub mod service;
pub mod source;
pub(crate) mod spanned;
pub mod text;
pub mod value;
pub mod waiver;
pub mod web;
