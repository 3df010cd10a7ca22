//! `samstyr schema [--rules DIR]`: print the JSON Schema (draft 2020-12) of the rule set's input
//! format, pretty and in a stable order. `--report` is reserved for the report format's schema.

use super::Exit;
use crate::diag::{Diagnostic, render};
use crate::files::RuleFiles;
use crate::schema::{json_schema, load_input_side};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rule-set directory whose input format to describe instead of the embedded one
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Print the schema of the JSON report (`samstyr.report/v1`) instead
    #[arg(long)]
    pub report: bool,
}

pub fn run(args: &Args) -> Exit {
    let color = super::common::stderr_color();
    if args.report {
        eprintln!("samstyr: the report schema is not built yet");
        return Exit::Invalid;
    }
    let files = match RuleFiles::load(args.rules.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{}", render(&[Diagnostic::new(&e, None, None)], color));
            return Exit::Invalid;
        }
    };
    match load_input_side(&files) {
        Ok((schema, catalog)) => {
            let s = json_schema(&schema, &catalog);
            println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            Exit::Ok
        }
        Err(d) => {
            eprint!("{}", render(&d.0, color));
            Exit::Invalid
        }
    }
}
