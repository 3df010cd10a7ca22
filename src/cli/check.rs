//! `samstyr check FILE|DIR|JSONL|- …`: judge documents against the rule set and report the
//! findings in one of the report formats, with the exit status of the gate.
//!
//! This file only wires the pipeline: parameter overrides and rule files → [`RuleSet`] → input
//! units → evaluations → [`crate::report`] model → one renderer → stdout or `--output`. Every input
//! appears in the output, as a result or as an error; one bad file never stops the batch.

use super::Exit;
use super::common::RulesArgs;
use crate::diag::Diagnostic;
use crate::report::{self, FailOn, Gate, Verdict};
use crate::text::Lang;
use jiff::civil::Date;
use std::path::PathBuf;

pub use crate::service::{
    Format, evaluate_sources, load_rules, load_rules_and_files, load_waivers, render_as, run_info,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Initiative files, directories (searched for `.json` and `.jsonl`), `.jsonl` files, or `-`
    /// for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The date to judge at, `YYYY-MM-DD` [default: today]
    #[arg(long, value_name = "DATE", value_parser = super::common::parse_date)]
    pub as_of: Option<Date>,
    /// Language of the report
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    /// Fail (exit 1) on violated obligations of this severity or higher
    #[arg(long, value_enum, default_value_t = FailOn::Must)]
    pub fail_on: FailOn,
    /// Also fail on obligations left unknown (at or above --fail-on) for lack of information
    #[arg(long)]
    pub fail_on_unknown: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print nothing; only the exit status tells the result (a report asked for with --output
    /// is still written)
    #[arg(long, short)]
    pub quiet: bool,
    /// Waiver file (TOML of `[[waiver]]` records) [default: `samstyr-unntak.toml` at the root of
    /// each directory checked]
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Leave out paths matching GLOB when searching a directory (`.gitignore` syntax;
    /// repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The name standard input goes by in the report (e.g. its path in the repository)
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// With --format markdown: the whole document, not the pull-request comment bounded to
    /// 60 000 characters
    #[arg(long)]
    pub markdown_full: bool,
    /// Documents judged and written at a time when the report is written as a stream (for
    /// tests and benchmarks)
    #[arg(long, hide = true, default_value_t = STREAM_CHUNK)]
    pub chunk: usize,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, thiserror::Error)]
enum CheckProblem {
    #[error("no documents found in {paths}")]
    NoInputs { paths: String },
    #[error("cannot write `{path}`: {reason}")]
    Output { path: String, reason: String },
    #[error("the output `{path}` is also an input")]
    OutputIsInput { path: String },
}

impl crate::diag::Problem for CheckProblem {
    fn code(&self) -> &'static str {
        match self {
            CheckProblem::NoInputs { .. } => "check::no-inputs",
            CheckProblem::Output { .. } => "check::output",
            CheckProblem::OutputIsInput { .. } => "check::output-is-input",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            CheckProblem::NoInputs { .. } => {
                "name `.json` or `.jsonl` files, or a directory that holds some".into()
            }
            CheckProblem::Output { .. } => "check that the directory exists and is writable".into(),
            CheckProblem::OutputIsInput { .. } => {
                "writing the report there would overwrite the input; name another file".into()
            }
        })
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        use crate::service::words;
        Some(match self {
            CheckProblem::NoInputs { paths } => words::no_inputs(lang, paths),
            CheckProblem::Output { path, reason } => words::output(lang, path, reason),
            CheckProblem::OutputIsInput { path } => words::output_is_input(lang, path),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        use crate::service::words;
        Some(match self {
            CheckProblem::NoInputs { .. } => words::no_inputs_help(lang),
            CheckProblem::Output { .. } => words::output_help(lang),
            CheckProblem::OutputIsInput { .. } => words::output_is_input_help(lang),
        })
    }
}

pub fn run(args: &Args) -> Exit {
    let scan = crate::input::Scan {
        exclude: args.exclude.clone(),
        skip: args.output.iter().cloned().collect(),
    };
    if let Err(p) = scan.check() {
        return fail(args, &[Diagnostic::new(&p, None, None)]);
    }
    if let Some(o) = &args.output
        && super::common::output_is_input(o, &args.paths, &scan)
    {
        let p = CheckProblem::OutputIsInput {
            path: o.display().to_string(),
        };
        return fail(args, &[Diagnostic::new(&p, None, None)]);
    }
    let rules = match load_rules(&args.rules) {
        Ok(r) => r,
        Err(d) => return fail(args, &d.0),
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let gate = Gate {
        fail_on: args.fail_on,
        unknown_fails: args.fail_on_unknown,
    };
    let waivers = match load_waivers(&rules, args.waivers.as_deref(), &args.paths) {
        Ok(w) => w,
        Err(d) => return fail(args, &d.0),
    };
    let sources = crate::input::sources_with(&args.paths, scan).stdin_name(
        args.stdin_name
            .as_deref()
            .unwrap_or(crate::input::STDIN_NAME),
    );
    // With `--quiet` and nothing to write, only the verdict is wanted, unless waivers may turn
    // the one failing finding kept per document into a waived one (then all are needed).
    let quiet = (args.quiet && args.output.is_none() && waivers.is_empty()).then_some(gate);
    if let Some(gate) = quiet {
        // Only the verdict is wanted: each chunk's, folded, and the chunk dropped.
        let mut verdict = None;
        crate::service::evaluate_sources_each(&rules, sources, as_of, quiet, args.chunk, |c| {
            let v = report::verdict(gate, &c);
            verdict = Some(verdict.map_or(v, |w| worse(w, v)));
        });
        return match verdict {
            Some(v) => exit(v),
            None => no_inputs(args),
        };
    }
    if crate::service::streamed(args.format, args.markdown_full) && waivers.is_empty() {
        return stream(args, &rules, sources, as_of, gate);
    }
    let mut inputs = evaluate_sources(&rules, sources, as_of, quiet);
    if inputs.is_empty() {
        return no_inputs(args);
    }
    if let Err(d) = waivers.check(&inputs) {
        return fail(args, &d.0);
    }
    let mut run = run_info(&rules, as_of, args.lang, gate);
    run.waivers = waivers.apply(as_of, &mut inputs);
    let verdict = report::verdict(gate, &inputs);

    if args.quiet && args.output.is_none() {
        return exit(verdict);
    }
    // The text report shows its own warnings; the others are read by machines, so a person
    // watching the run is told on stderr too.
    if !args.quiet && args.format != Format::Text {
        super::common::warn_of_waivers(&run.waivers, args.lang);
    }
    let color = args.output.is_none() && super::common::stdout_color();
    let out = render_as(args.format, args.markdown_full, &run, &inputs, color);
    match &args.output {
        Some(path) => {
            if let Err(e) = super::common::write_file(path, out.as_bytes()) {
                return output_failed(args, path, &e);
            }
        }
        // A closed pipe (`samstyr check … | head`) is the reader's choice, not an error; any
        // other failure is reported when the command ends.
        None => super::common::out(&out),
    }
    exit(verdict)
}

fn exit(v: Verdict) -> Exit {
    match v {
        Verdict::Pass => Exit::Ok,
        Verdict::Fail => Exit::Findings,
        Verdict::Invalid => Exit::Invalid,
    }
}

/// How many judged documents a streamed report holds at a time (BENCHMARKS.md, "`check` written
/// as a stream").
const STREAM_CHUNK: usize = 1024;

/// The report written as the documents are judged, a chunk at a time
/// ([`crate::service::render_each`]): the batch's findings are never all held (issue 17,
/// defect 11). The bytes are those of [`render_as`] over the whole batch.
fn stream(
    args: &Args,
    rules: &crate::rules::RuleSet,
    sources: crate::input::Sources,
    as_of: jiff::civil::Date,
    gate: Gate,
) -> Exit {
    let run = run_info(rules, as_of, args.lang, gate);
    let mut file = match &args.output {
        Some(path) => match super::common::OutputFile::create(path) {
            Ok(f) => Some(f),
            Err(e) => return output_failed(args, path, &e),
        },
        None => None,
    };
    let text_color = args.output.is_none() && super::common::stdout_color();
    let mut error: Option<std::io::Error> = None;
    let mut write = |text: &str| match &mut file {
        Some(f) if error.is_none() => {
            if let Err(e) = std::io::Write::write_all(f, text.as_bytes()) {
                error = Some(e);
            }
        }
        Some(_) => {}
        None => super::common::out(text),
    };
    let verdict = crate::service::render_each(
        args.format,
        rules,
        sources,
        &run,
        text_color,
        args.chunk,
        &mut write,
    );
    let Some(verdict) = verdict else {
        return no_inputs(args);
    };
    if let (Some(f), Some(path)) = (file, &args.output)
        && let Err(e) = error.map_or_else(|| f.commit(), Err)
    {
        return output_failed(args, path, &e);
    }
    exit(verdict)
}

/// The worse of two verdicts: an invalid input wins over a failing one, which wins over a pass.
fn worse(a: Verdict, b: Verdict) -> Verdict {
    match (a, b) {
        (Verdict::Invalid, _) | (_, Verdict::Invalid) => Verdict::Invalid,
        (Verdict::Fail, _) | (_, Verdict::Fail) => Verdict::Fail,
        _ => Verdict::Pass,
    }
}

/// Say every problem on standard error, unless `--quiet`: the exit status of a run that cannot
/// go on.
fn fail(args: &Args, diags: &[Diagnostic]) -> Exit {
    if args.quiet {
        return Exit::Invalid;
    }
    super::common::invalid(diags, args.lang)
}

/// The error of a run whose paths held no document.
fn no_inputs(args: &Args) -> Exit {
    let paths: Vec<String> = args
        .paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect();
    let p = CheckProblem::NoInputs {
        paths: paths.join(", "),
    };
    fail(args, &[Diagnostic::new(&p, None, None)])
}

fn output_failed(args: &Args, path: &std::path::Path, e: &std::io::Error) -> Exit {
    let p = CheckProblem::Output {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    fail(args, &[Diagnostic::new(&p, None, None)])
}
