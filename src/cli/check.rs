//! `samstyr check FILE|DIR|JSONL|- …`: judge documents against the rule set and report the
//! findings in one of the report formats, with the exit status of the gate.
//!
//! This file only wires the pipeline: parameter overrides and rule files → [`RuleSet`] → input
//! units → evaluations → [`crate::report`] model → one renderer → stdout or `--output`. Every input
//! appears in the output, as a result or as an error; one bad file never stops the batch.

use super::Exit;
use super::common::RulesArgs;
use crate::diag::{Diagnostic, Diagnostics, render};
use crate::eval::EvalOptions;
use crate::files::RuleFiles;
use crate::input::Label;
use crate::report::{self, FailOn, Gate, Input, Outcome, ParamOverride, RunInfo, Verdict};
use crate::rules::{RuleSet, parse_overrides};
use crate::schema::Document;
use crate::text::Lang;
use crate::value::Value;
use jiff::civil::Date;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// A report for people (colour on a terminal)
    #[default]
    Text,
    /// The versioned JSON report `samstyr.report/v1`
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// JUnit XML, for CI test reports
    Junit,
    /// GitHub Actions workflow annotations
    Github,
    /// A Markdown summary for a pull-request comment
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Initiative files, directories (searched for `.json` and `.jsonl`), `.jsonl` files, or `-`
    /// for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The date to judge at, `YYYY-MM-DD` [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
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
    /// Print nothing; only the exit status tells the result
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub rules: RulesArgs,
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("invalid date `{s}` ({e}); write it as `YYYY-MM-DD`"))
}

#[derive(Debug, thiserror::Error)]
enum CheckProblem {
    #[error("no documents found in {paths}")]
    NoInputs { paths: String },
    #[error("cannot write `{path}`: {reason}")]
    Output { path: String, reason: String },
}

impl crate::diag::Problem for CheckProblem {
    fn code(&self) -> &'static str {
        match self {
            CheckProblem::NoInputs { .. } => "check::no-inputs",
            CheckProblem::Output { .. } => "check::output",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            CheckProblem::NoInputs { .. } => {
                "name `.json` or `.jsonl` files, or a directory that holds some".into()
            }
            CheckProblem::Output { .. } => "check that the directory exists and is writable".into(),
        })
    }
}

pub fn run(args: &Args) -> Exit {
    let color = super::common::stderr_color();
    let fail = |diags: &[Diagnostic]| {
        if !args.quiet {
            eprint!("{}", render(diags, color));
        }
        Exit::Invalid
    };

    let rules = match load_rules(&args.rules) {
        Ok(r) => r,
        Err(d) => return fail(&d.0),
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let gate = Gate {
        fail_on: args.fail_on,
        unknown_fails: args.fail_on_unknown,
    };
    let inputs = evaluate(&rules, &args.paths, as_of);
    if inputs.is_empty() {
        let paths: Vec<String> = args
            .paths
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect();
        let p = CheckProblem::NoInputs {
            paths: paths.join(", "),
        };
        return fail(&[Diagnostic::new(&p, None, None)]);
    }
    let run = run_info(&rules, as_of, args.lang, gate);
    let verdict = report::verdict(gate, &inputs);

    if args.quiet {
        return exit(verdict);
    }
    let out = match args.format {
        Format::Text => {
            let color = args.output.is_none() && super::common::stdout_color();
            report::text::render(&run, &inputs, color)
        }
        Format::Json => report::json::render(&run, &inputs),
        Format::Sarif => report::sarif::render(&run, &inputs),
        Format::Junit => report::junit::render(&run, &inputs),
        Format::Github => report::github::render(&run, &inputs),
        Format::Markdown => report::markdown::render(&run, &inputs),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, out) {
                let p = CheckProblem::Output {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                };
                return fail(&[Diagnostic::new(&p, None, None)]);
            }
        }
        None => {
            // A closed pipe (`samstyr check … | head`) is the reader's choice, not an error.
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
        }
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

/// The rule set with the run's parameter overrides; every problem at once.
pub fn load_rules(args: &RulesArgs) -> Result<RuleSet, Diagnostics> {
    let overrides = parse_overrides(&args.params, args.param_file.as_deref());
    let files = RuleFiles::load(args.rules.as_deref())
        .map_err(|e| Diagnostics::from(Diagnostic::new(&e, None, None)));
    match (overrides, files) {
        (Ok(o), Ok(f)) => RuleSet::load(&f, &o),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(d), _) | (_, Err(d)) => Err(d),
    }
}

/// Read and validate every document the paths name, then judge each in order. In a batch of two
/// or more valid documents, links between them count as in a portfolio run (DESIGN.md §6): facts
/// the rule set propagates travel along them, and dangling links and cycles are reported per
/// document. A document checked alone has no batch to resolve its links in.
fn evaluate(rules: &RuleSet, paths: &[PathBuf], as_of: Date) -> Vec<Input> {
    let opts = EvalOptions::default();
    let checked: Vec<crate::input::Checked> =
        crate::input::documents(paths, rules.schema(), rules.catalog()).collect();
    let docs: Vec<Option<(&Label, &Document)>> = checked
        .iter()
        .map(|c| c.result.as_ref().ok().map(|d| (&c.label, d)))
        .collect();
    let mut linked = if docs.iter().flatten().count() > 1 {
        crate::portfolio::linked(rules, &docs, as_of)
    } else {
        Vec::new()
    }
    .into_iter();
    checked
        .into_iter()
        .map(|c| {
            let (received, links) = linked.next().unwrap_or_default();
            match c.result {
                Ok(doc) => {
                    let mut e = rules.evaluate_received(&doc, as_of, &opts, &received);
                    e.links = links;
                    Input {
                        title: title(rules, &doc),
                        label: c.label.to_string(),
                        source: Some(doc.source.clone()),
                        outcome: Outcome::Evaluated(Box::new(e)),
                    }
                }
                Err(d) => Input {
                    source: d.iter().find_map(|x| x.file.clone()),
                    label: c.label.to_string(),
                    title: None,
                    outcome: Outcome::Invalid(d),
                },
            }
        })
        .collect()
}

/// A document's title, for report headers: the string field `title` at its root, when the input
/// format has one. (A convention of document formats in general, not of any one rule set.)
fn title(rules: &RuleSet, doc: &Document) -> Option<String> {
    let schema = rules.schema();
    let (slot, _) = schema.root_type().field("title")?;
    let node = doc.slots().get(slot)?.as_ref()?;
    match &node.value {
        Value::Str(s) => Some(doc.tree.text(*s).to_string()),
        _ => None,
    }
}

/// What the report says about the run itself.
pub fn run_info(rules: &RuleSet, as_of: Date, lang: Lang, gate: Gate) -> RunInfo {
    let params = rules
        .params()
        .iter()
        .filter(|p| p.overridden)
        .map(|p| ParamOverride {
            id: p.id.clone(),
            value: p.value.shown(),
            default: p.default.shown(),
        })
        .collect::<Vec<_>>();
    let mut params = params;
    params.sort_by(|a, b| a.id.cmp(&b.id));
    RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        information_uri: option_env!("CARGO_PKG_HOMEPAGE")
            .or(option_env!("CARGO_PKG_REPOSITORY"))
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        rules: report::RuleSetInfo {
            id: rules.id().to_string(),
            version: rules.version().to_string(),
            title: rules.title().clone(),
            origin: rules.origin().to_string(),
        },
        obligations: rules.obligations().cloned().collect(),
        headline: rules.headline().map(|h| report::HeadlineInfo {
            key: h.key.clone(),
            title: h.title.clone(),
        }),
        as_of,
        lang,
        gate,
        params,
    }
}
