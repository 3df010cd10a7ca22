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
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("invalid date `{s}` ({e}); write it as `YYYY-MM-DD`"))
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
}

pub fn run(args: &Args) -> Exit {
    let color = super::common::stderr_color();
    let fail = |diags: &[Diagnostic]| {
        if !args.quiet {
            eprint!("{}", render(diags, color));
        }
        Exit::Invalid
    };

    if let Some(o) = &args.output
        && super::common::output_is_input(o, &args.paths)
    {
        let p = CheckProblem::OutputIsInput {
            path: o.display().to_string(),
        };
        return fail(&[Diagnostic::new(&p, None, None)]);
    }
    let rules = match load_rules(&args.rules) {
        Ok(r) => r,
        Err(d) => return fail(&d.0),
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let gate = Gate {
        fail_on: args.fail_on,
        unknown_fails: args.fail_on_unknown,
    };
    let scan = crate::input::Scan {
        exclude: args.exclude.clone(),
        skip: args.output.iter().cloned().collect(),
    };
    if let Err(p) = scan.check() {
        return fail(&[Diagnostic::new(&p, None, None)]);
    }
    let waivers = match load_waivers(&rules, args.waivers.as_deref(), &args.paths) {
        Ok(w) => w,
        Err(d) => return fail(&d.0),
    };
    let sources = crate::input::sources_with(&args.paths, scan).stdin_name(
        args.stdin_name
            .as_deref()
            .unwrap_or(crate::input::STDIN_NAME),
    );
    // With `--quiet` and nothing to write, only the verdict is wanted, unless waivers may turn
    // the one failing finding kept per document into a waived one (then all are needed).
    let quiet = (args.quiet && args.output.is_none() && waivers.is_empty()).then_some(gate);
    let mut inputs = evaluate_sources(&rules, sources, as_of, quiet);
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
    if let Err(d) = waivers.check(&inputs) {
        return fail(&d.0);
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
        for u in &run.waivers {
            if let Some(r) = u.remark(args.lang) {
                eprintln!("{}: {r}", report::tr(args.lang, "advarsel", "warning"));
            }
        }
    }
    let color = args.output.is_none() && super::common::stdout_color();
    let out = render_as(args.format, args.markdown_full, &run, &inputs, color);
    match &args.output {
        Some(path) => {
            if let Err(e) = super::common::write_file(path, out.as_bytes()) {
                let p = CheckProblem::Output {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                };
                return fail(&[Diagnostic::new(&p, None, None)]);
            }
        }
        // A closed pipe (`samstyr check … | head`) is the reader's choice, not an error; any
        // other failure is reported when the command ends.
        None => super::common::out(&out),
    }
    exit(verdict)
}

/// The report in `format` (`color` for text on a terminal): what `check` prints and the server's
/// `POST /v1/check` answers, byte for byte.
pub fn render_as(
    format: Format,
    markdown_full: bool,
    run: &RunInfo,
    inputs: &[Input],
    color: bool,
) -> String {
    match format {
        Format::Text => report::text::render(run, inputs, color),
        Format::Json => report::json::render(run, inputs),
        Format::Sarif => report::sarif::render(run, inputs),
        Format::Junit => report::junit::render(run, inputs),
        Format::Github => report::github::render(run, inputs),
        Format::Markdown if markdown_full => report::markdown::render_full(run, inputs),
        Format::Markdown => report::markdown::render(run, inputs),
    }
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
    load_rules_and_files(args).map(|(rules, _)| rules)
}

/// [`load_rules`], and the files it was loaded from (the server shows the seeds).
pub fn load_rules_and_files(args: &RulesArgs) -> Result<(RuleSet, RuleFiles), Diagnostics> {
    let overrides = parse_overrides(&args.params, args.param_file.as_deref());
    let files = RuleFiles::load(args.rules.as_deref())
        .map_err(|e| Diagnostics::from(Diagnostic::new(&e, None, None)));
    match (overrides, files) {
        (Ok(o), Ok(f)) => RuleSet::load(&f, &o).map(|r| (r, f)),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(d), _) | (_, Err(d)) => Err(d),
    }
}

/// The run's waivers: `--waivers FILE` when given, else `samstyr-unntak.toml` at the root of each
/// directory named, checked against the rule set.
pub fn load_waivers(
    rules: &RuleSet,
    file: Option<&std::path::Path>,
    paths: &[PathBuf],
) -> Result<crate::waiver::Waivers, Diagnostics> {
    let found: Vec<PathBuf> = match file {
        Some(f) => vec![f.to_path_buf()],
        None => paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| p.join(crate::waiver::FILE_NAME))
            .filter(|p| p.is_file())
            .collect(),
    };
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    for p in found {
        match crate::files::read_text(&p, crate::files::MAX_RULE_FILE_BYTES) {
            Ok(text) => files.push(crate::source::SourceFile::new(
                p.to_string_lossy().replace('\\', "/"),
                text,
            )),
            Err(e) => diags.push(Diagnostic::new(
                &crate::waiver::WaiverError::Read {
                    path: p.display().to_string(),
                    reason: e.to_string(),
                },
                None,
                None,
            )),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    crate::waiver::load(&files, rules)
}

/// Read and validate every document of `sources`, then judge each; validation and judging run
/// on every core, the results in input order. In a batch of two or more valid documents, links
/// between them count as in a portfolio run (docs/portfolio.md): facts the rule set propagates travel
/// along them, and dangling links and cycles are reported per document. A document checked alone
/// has no batch to resolve its links in (the server's request body is one more source,
/// [`crate::input::reader`]). With `quiet` (the gate), only what the verdict needs is
/// kept: statuses, and of each document at most one finding, one that fails the gate; no
/// messages, evidence, facts, links or source text.
pub fn evaluate_sources(
    rules: &RuleSet,
    sources: crate::input::Sources,
    as_of: Date,
    quiet: Option<Gate>,
) -> Vec<Input> {
    use rayon::prelude::*;
    let units: Vec<crate::input::Unit> = sources.collect();
    // Remedies (`to_meet`) for one document checked, not for a batch: each costs a search.
    let opts = match quiet {
        Some(_) => EvalOptions::COUNTS,
        None if units.len() == 1 => EvalOptions::REMEDIES,
        None => EvalOptions::default(),
    };
    let mut checked: Vec<crate::input::Checked> = units
        .into_par_iter()
        .map(|u| crate::input::check_unit(rules.schema(), rules.catalog(), u))
        .collect();
    // Keys taken by an earlier input, in input order, as the serial reader found them.
    let mut keys = crate::input::KeyIndex::default();
    for c in &mut checked {
        let result = std::mem::replace(&mut c.result, Err(Diagnostics::default()));
        c.result = result.and_then(|doc| keys.check(rules.schema(), &c.label, doc));
    }
    let docs: Vec<Option<(&Label, &Document)>> = checked
        .iter()
        .map(|c| c.result.as_ref().ok().map(|d| (&c.label, d)))
        .collect();
    let mut linked = if docs.iter().flatten().count() > 1 {
        crate::portfolio::linked(rules, &docs, as_of)
    } else {
        Vec::new()
    };
    linked.resize_with(checked.len(), Default::default);
    checked
        .into_par_iter()
        .zip(linked)
        .map(|(c, (received, links))| {
            match c.result {
                Ok(doc) => {
                    let mut e = rules.evaluate_received(&doc, as_of, &opts, &received);
                    e.links = links;
                    if let Some(gate) = quiet {
                        e.findings.retain(|f| gate.fails(f));
                        e.findings.truncate(1);
                        e.findings.shrink_to_fit();
                        e.facts = Vec::new();
                        e.links = Default::default();
                    }
                    Input {
                        title: title(rules, &doc),
                        label: c.label.to_string(),
                        // Nothing is printed with `--quiet`: the text is not kept.
                        source: quiet.is_none().then(|| doc.source.clone()),
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
            sha256: rules.sha256().to_string(),
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
        waivers: Vec::new(),
    }
}
