//! `samstyr diff --old-rules DIR --new-rules DIR PATH…`: which documents' standing, headline and
//! findings change between two rule sets — the impact of a rule change before it ships. Each
//! side is a full portfolio run (propagation included); without `--old-rules` or `--new-rules`
//! that side is the embedded rule set.
//!
//! Exit status, as `diff(1)`: 0 when nothing changes, 1 when something does, 2 on invalid rules,
//! no inputs or a usage error.

use super::Exit;
use crate::diag::{Diagnostic, Diagnostics};
use crate::portfolio::render::{Meta, diff as out};
use crate::portfolio::{self, Detail, Options, Source, diff};
use crate::report::Gate;
use crate::rules::RuleSet;
use crate::text::Lang;
use jiff::civil::Date;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people
    #[default]
    Text,
    /// `samstyr.diff/v1`
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Initiative files, directories, `.jsonl` files (not `-`: both sides read the input)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The rule set as it is [default: the embedded rules]
    #[arg(long, value_name = "DIR")]
    pub old_rules: Option<PathBuf>,
    /// The rule set as it would be [default: the embedded rules]
    #[arg(long, value_name = "DIR")]
    pub new_rules: Option<PathBuf>,
    /// Parameter overrides for the old side, `NAME=VALUE` (repeatable)
    #[arg(long = "old-param", value_name = "NAME=VALUE")]
    pub old_params: Vec<String>,
    /// Parameter overrides for the new side, `NAME=VALUE` (repeatable)
    #[arg(long = "new-param", value_name = "NAME=VALUE")]
    pub new_params: Vec<String>,
    /// The date to judge at, `YYYY-MM-DD` [default: today]
    #[arg(long, value_name = "DATE", value_parser = super::common::parse_date)]
    pub as_of: Option<Date>,
    /// Language of the text
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn load(dir: &Option<PathBuf>, params: &[String]) -> Result<RuleSet, Diagnostics> {
    super::check::load_rules(&super::common::RulesArgs {
        rules: dir.clone(),
        params: params.to_vec(),
        param_file: None,
    })
}

#[derive(Debug, thiserror::Error)]
enum DiffProblem {
    #[error("`diff` cannot read standard input")]
    Stdin,
}

impl crate::diag::Problem for DiffProblem {
    fn code(&self) -> &'static str {
        "diff::stdin"
    }

    fn help(&self) -> Option<String> {
        Some("each rule set reads the inputs once; save them to a file and name it".into())
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        Some(
            crate::text::pick(
                lang,
                "`diff` kan ikke lese standard inndata",
                "`diff` kan ikkje lese standard inndata",
                "`diff` cannot read standard input",
            )
            .into(),
        )
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(
            crate::text::pick(
                lang,
                "hvert regelsett leser inndataene én gang; lagre dem i en fil og nevn den",
                "kvart regelsett les inndataa éin gong; lagre dei i ei fil og nemn henne",
                "each rule set reads the inputs once; save them to a file and name it",
            )
            .into(),
        )
    }
}

pub fn run(args: &Args) -> Exit {
    super::common::exit_or_invalid(compare(args), args.lang)
}

fn compare(args: &Args) -> Result<Exit, Diagnostics> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(Diagnostic::new(&DiffProblem::Stdin, None, None).into());
    }
    super::report::refuse_input_as_output(args.output.as_ref(), &args.paths)?;
    let (old, new) = match (
        load(&args.old_rules, &args.old_params),
        load(&args.new_rules, &args.new_params),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        // Both sides' problems at once.
        (a, b) => {
            let all = [a.err(), b.err()].into_iter().flatten().flatten();
            return Err(Diagnostics(all.collect()));
        }
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let opts = Options::new(
        as_of,
        Detail::Rows {
            findings: true,
            // Messages are compared too: a rule change can reword one without moving a status.
            messages: true,
        },
    );
    let source = Source::Paths(args.paths.clone());
    let a = portfolio::run(&old, &source, &opts);
    let b = portfolio::run(&new, &source, &opts);
    if a.aggregates.inputs == 0 {
        return Err(super::report::no_inputs(&args.paths).into());
    }
    let d = diff::compare(&a, &b);
    let meta = |r: &RuleSet| {
        Meta::new(
            r,
            super::check::run_info(r, as_of, args.lang, Gate::default()),
        )
    };
    let (ma, mb) = (meta(&old), meta(&new));
    let text = match args.format {
        Format::Text => out::text(&ma, &mb, &d),
        Format::Json => out::json(&ma, &mb, &d),
    };
    super::report::write(args.output.as_ref(), &text)?;
    Ok(if d.changes.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
