//! `samstyr rules list|show|graph|lint|test`: inspect, check and test a rule set.

use super::Exit;
use super::common::{RulesArgs, stderr_color};
use crate::diag::{Diagnostic, render};
use crate::eval::testing;
use crate::files::RuleFiles;
use crate::rules::{RuleSet, lint};
use crate::text::Lang;
use std::path::PathBuf;

pub use crate::service::{show_text, source_line};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the obligations: id, severity, principle, title
    List(ListArgs),
    /// Show everything about one obligation (or fact, as `@id`)
    Show(ShowArgs),
    /// Draw the dependency graph of facts, parameters and obligations
    Graph(GraphArgs),
    /// Load the rule set and report every problem, and warnings
    Lint(LintArgs),
    /// Run the rule test cases (`tests/*.toml` beside the rules)
    Test(TestArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Language of the titles
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Obligation id (`SAM-03`) or fact (`@felles-tiltak`)
    pub id: String,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Language of the texts
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz dot
    Dot,
    /// Mermaid flowchart
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Test cases to check coverage against (default: `tests/` of `--rules`, else `./rules/tests`)
    #[arg(long, value_name = "DIR")]
    pub tests: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Run only the cases whose name contains this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Directory of the test cases (default: `tests/` of `--rules`, else `./rules/tests`)
    #[arg(long, value_name = "DIR")]
    pub tests: Option<PathBuf>,
    /// Language of the messages shown with failures
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
}

pub fn run(cmd: &Command) -> Exit {
    match cmd {
        Command::List(a) => list(a),
        Command::Show(a) => show(a),
        Command::Graph(a) => graph(a),
        Command::Lint(a) => lint_cmd(a),
        Command::Test(a) => test(a),
    }
}

fn print_diags(d: &[Diagnostic]) {
    eprint!("{}", render(d, stderr_color()));
}

/// The rule set of `--rules` (or the embedded one) with `--param`/`--param-file`, or `None`
/// when every problem with it has been said.
fn load_or_print(args: &RulesArgs) -> Option<RuleSet> {
    match super::check::load_rules(args) {
        Ok(s) => Some(s),
        Err(d) => {
            print_diags(&d.0);
            eprintln!("{}", problems_line(d.len()));
            None
        }
    }
}

fn problems_line(n: usize) -> String {
    if n == 1 {
        "1 problem found".into()
    } else {
        format!("{n} problems found")
    }
}

fn list(a: &ListArgs) -> Exit {
    let Some(set) = load_or_print(&a.rules) else {
        return Exit::Invalid;
    };
    let rows: Vec<[String; 4]> = set
        .obligations()
        .map(|o| {
            [
                o.id.clone(),
                o.severity.map(|s| s.name()).unwrap_or("").to_string(),
                o.principle
                    .as_ref()
                    .map(|p| p.id.clone())
                    .unwrap_or_default(),
                o.title.get(a.lang).to_string(),
            ]
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map(|s| s.chars().count()).unwrap_or(0))
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = String::new();
    for [id, sev, principle, title] in &rows {
        out.push_str(&format!(
            "{id:<w0$}  {sev:<w1$}  {principle:<w2$}  {title}\n"
        ));
    }
    super::common::out(&out);
    Exit::Ok
}

fn show(a: &ShowArgs) -> Exit {
    let Some(set) = load_or_print(&a.rules) else {
        return Exit::Invalid;
    };
    match show_text(&set, &a.id, a.lang) {
        Ok(s) => {
            super::common::out(&s);
            Exit::Ok
        }
        Err(e) => {
            print_diags(&[Diagnostic::new(&e, None, None)]);
            Exit::Invalid
        }
    }
}

fn graph(a: &GraphArgs) -> Exit {
    let Some(set) = load_or_print(&a.rules) else {
        return Exit::Invalid;
    };
    match a.format {
        GraphFormat::Dot => super::common::out(&set.graph().to_dot()),
        GraphFormat::Mermaid => super::common::out(&set.graph().to_mermaid()),
    }
    Exit::Ok
}

/// The test directory: `--tests`, else `tests/` of `--rules`, else `./rules/tests` (the embedded
/// rules carry no tests; they are found in a checkout of the source).
fn tests_dir(explicit: Option<&PathBuf>, rules: &RulesArgs) -> PathBuf {
    if let Some(t) = explicit {
        return t.clone();
    }
    match &rules.rules {
        Some(dir) => dir.join("tests"),
        None => PathBuf::from("rules").join("tests"),
    }
}

fn lint_cmd(a: &LintArgs) -> Exit {
    let Some(set) = load_or_print(&a.rules) else {
        return Exit::Invalid;
    };
    // A text missing in a declared language fails the lint (the rule set loads: a missing
    // nynorsk text reads as bokmål), so that a release cannot promise a language it lacks.
    let missing = match RuleFiles::load(a.rules.rules.as_deref()) {
        Ok(files) => lint::missing_languages(&files),
        Err(_) => Vec::new(),
    };
    for m in &missing {
        eprintln!("{}", m.render().replacen("warning[", "error[", 1));
    }
    let dir = tests_dir(a.tests.as_ref(), &a.rules);
    let tested: Option<Vec<String>> = dir.is_dir().then(|| {
        let (cases, _) = testing::load_cases(&set, &dir);
        let mut ids: Vec<String> = cases
            .iter()
            .flat_map(|c| c.expect.iter().map(|e| e.key.clone()))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    });
    let warnings = lint::lint(&set, tested.as_deref());
    for w in &warnings {
        eprintln!("{}", w.render());
    }
    let n = |k: usize, one: &str, many: &str| {
        if k == 1 {
            format!("1 {one}")
        } else {
            format!("{k} {many}")
        }
    };
    super::common::outln(&format!(
        "rule set `{}` {} ({}): {}, {}, {}; {}, {}",
        set.id(),
        set.version(),
        set.origin(),
        n(set.obligations().count(), "obligation", "obligations"),
        n(set.facts().count(), "fact", "facts"),
        n(set.params().len(), "parameter", "parameters"),
        if missing.is_empty() {
            "no problems".to_string()
        } else {
            n(missing.len(), "problem", "problems")
        },
        n(warnings.len(), "warning", "warnings"),
    ));
    if missing.is_empty() {
        Exit::Ok
    } else {
        eprintln!(
            "{}: a text lacks a declared language",
            problems_line(missing.len())
        );
        Exit::Findings
    }
}

fn test(a: &TestArgs) -> Exit {
    let Some(set) = load_or_print(&a.rules) else {
        return Exit::Invalid;
    };
    let dir = tests_dir(a.tests.as_ref(), &a.rules);
    if !dir.is_dir() {
        eprintln!(
            "samstyr: no rule tests at `{}`; run from a checkout of the rules, or give `--rules DIR` or `--tests DIR`",
            dir.display()
        );
        return Exit::Invalid;
    }
    let report = testing::run(&set, &dir, a.filter.as_deref(), a.lang);
    if !report.problems.is_empty() {
        print_diags(&report.problems.0);
    }
    for f in &report.failures {
        super::common::outln(&f.line());
    }
    super::common::outln(&report.summary());
    if !report.problems.is_empty() {
        Exit::Invalid
    } else if report.failed > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    }
}
