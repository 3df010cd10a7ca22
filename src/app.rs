//! The binary's entry point: the whole command line parsed (clap) and each subcommand dispatched
//! to its edge — `serve` to [`crate::server`], every other one to [`crate::cli`]. It sits above
//! both edges so that neither needs the other's way in: what both need (loading the rules,
//! judging documents, rendering a report) is in [`crate::service`], below both.

use crate::cli::{
    Exit, check, common, completions, diff, explain, generate, graph, man, report, rules, schema,
    validate, waivers,
};
use crate::server;
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

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
    Serve(server::cli::Args),
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
        Command::Completions(a) => completions::run(a, Cli::command()),
        Command::Man(a) => man::run(a, Cli::command()),
        Command::Serve(a) => server::cli::run(a),
    };
    common::finish(exit).into()
}
