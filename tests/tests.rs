//! All integration tests, built as one binary. One module per area.

mod check;
mod engine;
mod expr;
mod formats;
mod generate;
mod hostile;
mod input;
mod layers;
mod nynorsk;
mod portfolio;
mod portfolio_record;
mod precommit;
mod registry;
mod reliability;
mod remedies;
mod rule_language;
mod rules;
mod schemas;
mod server;
mod sources;
mod waivers;
mod web;
