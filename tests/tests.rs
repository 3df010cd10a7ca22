//! All integration tests, built as one binary. One module per area.

mod check;
mod engine;
mod expr;
mod formats;
mod generate;
mod hostile;
mod input;
mod portfolio;
mod rules;
