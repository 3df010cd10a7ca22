//! `samstyr schema [--rules DIR]`: print the JSON Schema (draft 2020-12) of the rule set's input
//! format, pretty and in a stable order; with `--report`, the schema of the JSON report
//! (`samstyr.report/v1`), whose headline key comes from the rule set; with `--portfolio`, the
//! schema of the portfolio report's JSON (`samstyr.portfolio/v1`). `--lang` writes the input
//! schema's texts in one language.

use super::Exit;
use crate::diag::{Diagnostic, render};
use crate::files::RuleFiles;
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
    let color = super::common::stderr_color();
    if args.portfolio {
        let s = crate::portfolio::render::json::schema();
        super::common::outln(&serde_json::to_string_pretty(&s).unwrap_or_default());
        return Exit::Ok;
    }
    if args.report {
        let rules_args = super::common::RulesArgs {
            rules: args.rules.clone(),
            params: Vec::new(),
            param_file: None,
        };
        return match super::check::load_rules(&rules_args) {
            Ok(rules) => {
                let key = rules.headline().map(|h| h.key.as_str());
                let s = crate::report::json::report_schema(key);
                super::common::outln(&serde_json::to_string_pretty(&s).unwrap_or_default());
                Exit::Ok
            }
            Err(d) => {
                eprint!("{}", render(&d.0, color));
                Exit::Invalid
            }
        };
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
            let s = json_schema_in(&schema, &catalog, args.lang);
            super::common::outln(&serde_json::to_string_pretty(&s).unwrap_or_default());
            Exit::Ok
        }
        Err(d) => {
            eprint!("{}", render(&d.0, color));
            Exit::Invalid
        }
    }
}
