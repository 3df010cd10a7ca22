//! `samstyr report PATH… --format html|markdown|csv|json`: one report over a whole portfolio.
//!
//! Wires the pipeline: rules → [`crate::portfolio::run`] (streamed, parallel, with the link
//! graph) → one portfolio renderer → stdout or `--output`. JSON keeps only aggregates, so its
//! memory stays flat in the number of documents; the other formats list every document.
//!
//! Exit status: 2 when the rules or any input are invalid (the report is still written) or on a
//! usage error; 1 when `--fail-on` is given and a finding reaches it; else 0. A report is not a
//! gate by default (`--fail-on never`).

use super::Exit;
use super::common::RulesArgs;
use crate::diag::{Diagnostic, Diagnostics, render};
use crate::portfolio::render::{self as out, Meta};
use crate::portfolio::{self, Detail, Options, Source};
use crate::report::{FailOn, Gate};
use crate::text::Lang;
use jiff::civil::Date;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// One self-contained HTML page with charts
    #[default]
    Html,
    /// Markdown
    Markdown,
    /// CSV (RFC 4180), one row per initiative or per finding
    Csv,
    /// The aggregates as JSON, `samstyr.portfolio/v1`
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvLevel {
    /// One row per input
    #[default]
    Initiative,
    /// One row per finding (and one per invalid input)
    Finding,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Initiative files, directories (searched for `.json` and `.jsonl`), `.jsonl` files, or `-`
    /// for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Html)]
    pub format: Format,
    /// The date to judge at, `YYYY-MM-DD` [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Language of the report
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    /// With `--format csv`: one row per initiative or per finding
    #[arg(long, value_enum, default_value_t = CsvLevel::Initiative)]
    pub csv_level: CsvLevel,
    /// Exit 1 when a violated obligation of this severity or higher is found
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// Write the report to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Only parse every input as generic JSON (serde_json), with the same reading, chunking and
    /// threads, and print the count: the baseline for benchmarks
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Print how long each stage took (first pass, graph, second pass) on standard error: for
    /// benchmarks
    #[arg(long, hide = true)]
    pub timings: bool,
    /// Inputs per chunk evaluated in parallel
    #[arg(long, hide = true, default_value_t = portfolio::DEFAULT_CHUNK)]
    pub chunk: usize,
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("invalid date `{s}` ({e}); write it as `YYYY-MM-DD`"))
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ReportProblem {
    #[error("no documents found in {paths}")]
    NoInputs { paths: String },
    #[error("cannot write `{path}`: {reason}")]
    Output { path: String, reason: String },
    #[error("the output `{path}` is also an input")]
    OutputIsInput { path: String },
}

impl crate::diag::Problem for ReportProblem {
    fn code(&self) -> &'static str {
        match self {
            ReportProblem::NoInputs { .. } => "report::no-inputs",
            ReportProblem::Output { .. } => "report::output",
            ReportProblem::OutputIsInput { .. } => "report::output-is-input",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ReportProblem::NoInputs { .. } => {
                "name `.json` or `.jsonl` files, or a directory that holds some".into()
            }
            ReportProblem::Output { .. } => {
                "check that the directory exists and is writable".into()
            }
            ReportProblem::OutputIsInput { .. } => {
                "writing the report there would overwrite the input; name another file".into()
            }
        })
    }
}

pub fn run(args: &Args) -> Exit {
    let color = super::common::stderr_color();
    let fail = |diags: &[Diagnostic]| {
        eprint!("{}", render(diags, color));
        Exit::Invalid
    };
    if args.parse_only {
        let (ok, bad) = portfolio::parse_only(&args.paths, args.chunk);
        super::common::outln(&format!("{ok} parsed, {bad} not JSON objects"));
        return Exit::Ok;
    }
    if let Err(d) = refuse_input_as_output(args.output.as_ref(), &args.paths) {
        return fail(&d.0);
    }
    let rules = match super::check::load_rules(&args.rules) {
        Ok(r) => r,
        Err(d) => return fail(&d.0),
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let detail = match (args.format, args.csv_level) {
        (Format::Json, _) => Detail::Aggregates,
        (Format::Csv, CsvLevel::Initiative) => Detail::Rows {
            findings: false,
            messages: false,
        },
        _ => Detail::Rows {
            findings: true,
            messages: true,
        },
    };
    let opts = Options {
        chunk: args.chunk.max(1),
        ..Options::new(as_of, detail)
    };
    let p = portfolio::run(&rules, &Source::Paths(args.paths.clone()), &opts);
    if p.aggregates.inputs == 0 {
        return fail(&[no_inputs(&args.paths)]);
    }
    if args.timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let t = p.timings;
        eprintln!(
            "first pass {:.1} ms, graph {:.1} ms, second pass {:.1} ms ({} documents again)",
            ms(t.first_pass),
            ms(t.graph),
            ms(t.second_pass),
            p.reevaluated
        );
    }
    let gate = Gate {
        fail_on: args.fail_on,
        unknown_fails: false,
    };
    let meta = Meta::new(
        &rules,
        super::check::run_info(&rules, as_of, args.lang, gate),
    );
    let text = match args.format {
        Format::Html => out::html::render(&meta, &p),
        Format::Markdown => out::markdown::render(&meta, &p),
        Format::Csv => out::csv::render(&meta, &p, args.csv_level == CsvLevel::Finding),
        Format::Json => out::json::render(&meta, &p),
    };
    if let Err(d) = write(args.output.as_ref(), &text) {
        return fail(&d.0);
    }
    let a = &p.aggregates;
    let violated = |sev: usize| {
        a.by_severity
            .get(sev)
            .and_then(|s| s.first())
            .copied()
            .unwrap_or(0)
    };
    let fails = match args.fail_on {
        FailOn::Must => violated(0) > 0,
        FailOn::Should => violated(0) + violated(1) > 0,
        FailOn::Never => false,
    };
    // Errors beyond invalid inputs: a file changed between the two passes.
    if a.invalid > 0 || !p.errors.is_empty() {
        Exit::Invalid
    } else if fails {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

pub(crate) fn no_inputs(paths: &[PathBuf]) -> Diagnostic {
    let paths: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    Diagnostic::new(
        &ReportProblem::NoInputs {
            paths: paths.join(", "),
        },
        None,
        None,
    )
}

/// `Err` when `--output` names one of the inputs.
pub(crate) fn refuse_input_as_output(
    output: Option<&PathBuf>,
    inputs: &[PathBuf],
) -> Result<(), Diagnostics> {
    match output {
        Some(o) if super::common::output_is_input(o, inputs) => {
            Err(Diagnostics::from(Diagnostic::new(
                &ReportProblem::OutputIsInput {
                    path: o.display().to_string(),
                },
                None,
                None,
            )))
        }
        _ => Ok(()),
    }
}

/// Write to the file (whole or not at all), or to stdout (a closed pipe is the reader's choice,
/// not an error; another failure is reported when the command ends).
pub(crate) fn write(path: Option<&PathBuf>, text: &str) -> Result<(), Diagnostics> {
    match path {
        Some(path) => super::common::write_file(path, text.as_bytes()).map_err(|e| {
            Diagnostics::from(Diagnostic::new(
                &ReportProblem::Output {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                },
                None,
                None,
            ))
        }),
        None => {
            super::common::out(text);
            Ok(())
        }
    }
}
