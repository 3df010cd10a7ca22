//! The command-line interface: one file per subcommand, each `Args` + `run(&Args) -> Exit`.
//!
//! Only this layer (and `files`, `input`) does I/O; it builds the pipeline's inputs, calls the
//! library and hands the results to a renderer.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod check;
pub mod common;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod generate;
pub mod graph;
pub mod man;
pub mod report;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod validate;
pub mod waivers;

/// Exit statuses, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Ok = 0,
    /// Findings at or above `--fail-on` (or failing rule tests).
    Findings = 1,
    /// Invalid input, invalid rules or a usage error.
    Invalid = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "samstyr",
    version,
    about = "Checks state digitalisation initiatives against the duties to involve the municipal sector through KS",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The most bytes read from one `.jsonl` file or from standard input (a file that never
    /// ends or keeps growing stops there, with an error)
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::input::DEFAULT_MAX_STREAM_BYTES)]
    pub max_input_bytes: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check initiatives against the rule set and report findings
    Check(check::Args),
    /// Read and validate initiative files without evaluating rules
    Validate(validate::Args),
    /// Print the JSON Schema of the input format (or of the report)
    Schema(schema::Args),
    /// Show the evaluation trace of one rule on one initiative
    Explain(explain::Args),
    /// Inspect, lint and test the rule set
    #[command(subcommand)]
    Rules(rules::Command),
    /// Write a portfolio report over many initiatives
    Report(report::Args),
    /// Draw the portfolio graph of `depends_on` and `part_of`
    Graph(graph::Args),
    /// Show which verdicts change between two rule sets
    Diff(diff::Args),
    /// Generate synthetic initiatives as JSONL
    Gen(generate::Args),
    /// List and check waiver files (unntak)
    #[command(subcommand)]
    Waivers(waivers::Command),
    /// Print the shell completion script
    Completions(completions::Args),
    /// Print the manual page (roff)
    Man(man::Args),
    /// Serve the HTTP API (check, validate, report, rules, schemas) until SIGTERM
    Serve(serve::Args),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Invalid
            } else {
                Exit::Ok
            };
            // Printing help or a usage error to a closed pipe is not worth a panic; help that
            // cannot be written to a full disk is an error like any other output.
            if let Err(w) = e.print()
                && w.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Exit::Invalid.into();
            }
            return code.into();
        }
    };
    crate::input::set_max_stream_bytes(cli.max_input_bytes);
    let exit = match &cli.command {
        Command::Check(a) => check::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Rules(c) => rules::run(c),
        Command::Report(a) => report::run(a),
        Command::Graph(a) => graph::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Gen(a) => generate::run(a),
        Command::Waivers(c) => waivers::run(c),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
        Command::Serve(a) => serve::run(a),
    };
    common::finish(exit).into()
}
