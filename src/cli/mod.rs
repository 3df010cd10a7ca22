//! The command-line interface: one file per subcommand, each `Args` + `run(&Args) -> Exit`.
//!
//! Only this layer (and `files`, `input`, the server) does I/O; it builds the pipeline's inputs,
//! calls the library and hands the results to a renderer. The command line as a whole (every
//! subcommand, `serve` among them) is parsed and dispatched by [`crate::app`].

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
