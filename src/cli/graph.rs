//! `samstyr graph PATH… --format dot|mermaid`: the portfolio's links (`depends_on`, `part_of`, …:
//! the fields of type `key`) as a graph, each document coloured by how it stands (violated must,
//! violated should, pending, unknown, ok, invalid). Documents are judged as `report` judges them,
//! propagation included.

use super::Exit;
use super::common::RulesArgs;
use crate::diag::Diagnostics;
use crate::portfolio::render::{Meta, dot};
use crate::portfolio::{self, Detail, Options, Source};
use crate::report::Gate;
use crate::text::Lang;
use jiff::civil::Date;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Graphviz DOT
    #[default]
    Dot,
    /// A Mermaid flowchart
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Initiative files, directories, `.jsonl` files, or `-` for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// The date to judge at, `YYYY-MM-DD` [default: today]
    #[arg(long, value_name = "DATE", value_parser = super::common::parse_date)]
    pub as_of: Option<Date>,
    /// Language of the legend
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    /// Draw only documents that link or are linked to
    #[arg(long)]
    pub linked_only: bool,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: &Args) -> Exit {
    super::common::exit_or_invalid(graph(args), args.lang)
}

fn graph(args: &Args) -> Result<Exit, Diagnostics> {
    super::report::refuse_input_as_output(args.output.as_ref(), &args.paths)?;
    let rules = super::check::load_rules(&args.rules)?;
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let detail = Detail::Rows {
        findings: false,
        messages: false,
    };
    let p = portfolio::run(
        &rules,
        &Source::Paths(args.paths.clone()),
        &Options::new(as_of, detail),
    );
    if p.aggregates.inputs == 0 {
        return Err(super::report::no_inputs(&args.paths).into());
    }
    let meta = Meta::new(
        &rules,
        super::check::run_info(&rules, as_of, args.lang, Gate::default()),
    );
    let text = match args.format {
        Format::Dot => dot::dot(&meta, &p, args.linked_only),
        Format::Mermaid => dot::mermaid(&meta, &p, args.linked_only),
    };
    super::report::write(args.output.as_ref(), &text)?;
    Ok(if p.aggregates.invalid > 0 {
        Exit::Invalid
    } else {
        Exit::Ok
    })
}
