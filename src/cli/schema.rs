//! `samstyr schema [--rules DIR]`: print the JSON Schema (draft 2020-12) of the rule set's input
//! format, pretty and in a stable order; with `--report`, the schema of the JSON report
//! (`samstyr.report/v1`), whose headline key comes from the rule set; with `--portfolio`, the
//! schema of the portfolio report's JSON (`samstyr.portfolio/v1`). `--lang` writes the input
//! schema's texts in one language.

use super::Exit;
use crate::diag::Diagnostics;
use crate::schema::{json_schema_in, load_input_side};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rule-set directory whose input format to describe instead of the embedded one
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Print the schema of the JSON report (`samstyr.report/v1`) instead
    #[arg(long, conflicts_with = "portfolio")]
    pub report: bool,
    /// Print the schema of the portfolio report's JSON (`samstyr.portfolio/v1`) instead
    #[arg(long)]
    pub portfolio: bool,
    /// The language of the input schema's texts (field descriptions, catalog rows' names);
    /// without it, bokmål with the English after
    #[arg(long, value_enum)]
    pub lang: Option<crate::text::Lang>,
}

pub fn run(args: &Args) -> Exit {
    // Problems are said in English, as by the commands that inspect rule sets.
    super::common::exit_or_invalid(schema(args), crate::text::Lang::En)
}

fn schema(args: &Args) -> Result<Exit, Diagnostics> {
    let s = if args.portfolio {
        crate::portfolio::render::json::schema()
    } else if args.report {
        let rules = super::check::load_rules(&super::common::RulesArgs {
            rules: args.rules.clone(),
            params: Vec::new(),
            param_file: None,
        })?;
        crate::report::json::report_schema(rules.headline().map(|h| h.key.as_str()))
    } else {
        let files = super::common::rule_files(args.rules.as_deref())?;
        let (schema, catalog) = load_input_side(&files)?;
        json_schema_in(&schema, &catalog, args.lang)
    };
    super::common::outln(&serde_json::to_string_pretty(&s).unwrap_or_default());
    Ok(Exit::Ok)
}
