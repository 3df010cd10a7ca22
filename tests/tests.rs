//! All integration tests, built as one binary. One module per area.

mod input;
mod expr;
mod rules;
mod engine;
mod check;
mod formats;
mod generate;
mod hostile;
mod portfolio;
