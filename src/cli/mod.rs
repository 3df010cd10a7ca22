//! The command-line interface: one file per subcommand, each `Args` + `run(&Args) -> Exit`.
//!
//! Only this layer (and `files`, `input`, the server) does I/O; it builds the pipeline's inputs,
//! calls the library and hands the results to a renderer. The command line as a whole (every
//! subcommand, `serve` among them) is parsed and dispatched by [`crate::app`].

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

pub use crate::service::Exit;
