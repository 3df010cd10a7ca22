//! All integration tests, built as one binary. One module per area.

mod check;
mod engine;
mod expr;
mod formats;
mod generate;
mod hostile;
mod input;
mod layers;
mod portfolio;
mod precommit;
mod registry;
mod reliability;
mod remedies;
mod rules;
mod schemas;
mod server;
mod waivers;
