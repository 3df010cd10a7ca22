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
use crate::diag::{Diagnostic, Diagnostics};
use crate::portfolio::render::{self as out, Meta};
use crate::portfolio::{self, Detail, Options, Source};
use crate::report::{FailOn, Gate};
use crate::text::Lang;
use jiff::civil::Date;
use std::io::Write;
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
    /// A spreadsheet (Excel): sheets of documents, findings, deadlines and the trend
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvLevel {
    /// One row per input
    #[default]
    Initiative,
    /// One row per finding (and one per invalid input)
    Finding,
    /// One row per date of `--trend`
    Trend,
    /// One row per waiver, the most pressing first
    Waiver,
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
    #[arg(long, value_name = "DATE", value_parser = super::common::parse_date)]
    pub as_of: Option<Date>,
    /// Language of the report
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    /// With `--format csv`: one row per initiative or per finding
    #[arg(long, value_enum, default_value_t = CsvLevel::Initiative)]
    pub csv_level: CsvLevel,
    /// With `--format csv`: semicolons and a byte order mark, as Excel in a Norwegian locale
    /// reads them
    #[arg(long)]
    pub csv_excel: bool,
    /// Which documents the HTML and Markdown reports show one by one: those with something to
    /// act on, the most urgent first and at most a few hundred (`act`), or every one (`all`)
    #[arg(long, value_enum, default_value_t = DetailsArg::Act)]
    pub details: DetailsArg,
    /// Judge the same portfolio at every date from FROM to TO (`YYYY-MM` or `YYYY-MM-DD`, both
    /// included) and show the compliance over time
    #[arg(long, value_name = "FROM..TO", value_parser = parse_trend)]
    pub trend: Option<(Date, Date)>,
    /// With `--trend`: the time between two dates, `1m` (a month, the default), `3m`, `2w`, `7d`
    #[arg(long, value_name = "STEP", value_parser = parse_step, requires = "trend")]
    pub step: Option<Step>,
    /// Exit 1 when a violated obligation of this severity or higher is found
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// Write the report to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Waiver file (TOML of `[[waiver]]` records) [default: `samstyr-unntak.toml` at the root of
    /// each directory given]
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DetailsArg {
    /// Documents with something to act on, the most urgent first, at most a few hundred
    #[default]
    Act,
    /// Every document
    All,
}

/// The time between two dates of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Months(i32),
    Days(i32),
}

/// At most this many dates in a trend: each is a whole run over the portfolio.
pub const MAX_TREND_DATES: usize = 400;

fn parse_month_or_date(s: &str) -> Result<Date, String> {
    if s.len() == 7 {
        return super::common::parse_date(&format!("{s}-01"))
            .map_err(|_| format!("invalid month `{s}`; write it as `YYYY-MM`"));
    }
    super::common::parse_date(s)
}

pub(crate) fn parse_trend(s: &str) -> Result<(Date, Date), String> {
    let Some((from, to)) = s.split_once("..") else {
        return Err(format!(
            "invalid trend `{s}`; write it as `FROM..TO`, e.g. `2025-01..2026-12`"
        ));
    };
    let (from, to) = (parse_month_or_date(from)?, parse_month_or_date(to)?);
    if to < from {
        return Err(format!("the trend ends ({to}) before it starts ({from})"));
    }
    Ok((from, to))
}

pub(crate) fn parse_step(s: &str) -> Result<Step, String> {
    let bad = || format!("invalid step `{s}`; write a count and `m`, `w` or `d`, e.g. `1m`, `2w`");
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i32 = n.parse().map_err(|_| bad())?;
    if !(1..=1000).contains(&n) {
        return Err(bad());
    }
    match unit {
        "m" => Ok(Step::Months(n)),
        "w" => Ok(Step::Days(7 * n)),
        "d" => Ok(Step::Days(n)),
        _ => Err(bad()),
    }
}

/// The dates of a trend: FROM, then one step after another while not past TO. Each date is
/// counted from FROM (not from the date before), so that a month's end stays put.
pub fn trend_dates(from: Date, to: Date, step: Step) -> Result<Vec<Date>, String> {
    let mut out = Vec::new();
    for k in 0.. {
        let span = match step {
            Step::Months(n) => jiff::Span::new().months(i64::from(n) * k),
            Step::Days(n) => jiff::Span::new().days(i64::from(n) * k),
        };
        let Ok(d) = from.checked_add(span) else { break };
        if d > to {
            break;
        }
        if out.len() >= MAX_TREND_DATES {
            return Err(format!(
                "the trend has more than {MAX_TREND_DATES} dates; take a longer `--step` or a shorter span"
            ));
        }
        out.push(d);
    }
    Ok(out)
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ReportProblem {
    #[error("cannot write `{path}`: {reason}")]
    Output { path: String, reason: String },
    #[error("{0}")]
    Trend(String),
    #[error("the output `{path}` is also an input")]
    OutputIsInput { path: String },
}

impl crate::diag::Problem for ReportProblem {
    fn code(&self) -> &'static str {
        match self {
            ReportProblem::Output { .. } => "report::output",
            ReportProblem::Trend(_) => "report::trend",
            ReportProblem::OutputIsInput { .. } => "report::output-is-input",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ReportProblem::Output { .. } => {
                "check that the directory exists and is writable".into()
            }
            ReportProblem::Trend(_) => "for example `--trend 2025-01..2026-12 --step 1m`".into(),
            ReportProblem::OutputIsInput { .. } => {
                "writing the report there would overwrite the input; name another file".into()
            }
        })
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        use crate::service::words;
        Some(match self {
            ReportProblem::Output { path, reason } => words::output(lang, path, reason),
            ReportProblem::OutputIsInput { path } => words::output_is_input(lang, path),
            // The trend's own checks speak English (rare, and about a command-line option).
            ReportProblem::Trend(s) => s.clone(),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        use crate::service::words;
        Some(match self {
            ReportProblem::Output { .. } => words::output_help(lang),
            ReportProblem::OutputIsInput { .. } => words::output_is_input_help(lang),
            ReportProblem::Trend(_) => crate::text::pick(
                lang,
                "for eksempel `--trend 2025-01..2026-12 --step 1m`",
                "til dømes `--trend 2025-01..2026-12 --step 1m`",
                "for example `--trend 2025-01..2026-12 --step 1m`",
            )
            .into(),
        })
    }
}

pub fn run(args: &Args) -> Exit {
    let fail = |diags: &[Diagnostic]| super::common::invalid(diags, args.lang);
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
    let waivers = match super::check::load_waivers(&rules, args.waivers.as_deref(), &args.paths) {
        Ok(w) => (!w.is_empty()).then(|| std::sync::Arc::new(w)),
        Err(d) => return fail(&d.0),
    };
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let source = Source::Paths(args.paths.clone());
    let chunk = args.chunk.max(1);
    let gate = Gate {
        fail_on: args.fail_on,
        unknown_fails: false,
    };
    let mut meta = Meta::new(
        &rules,
        super::check::run_info(&rules, as_of, args.lang, gate),
    );
    meta.waivers = waivers.is_some();
    if let Some((from, to)) = args.trend {
        let dates = match trend_dates(from, to, args.step.unwrap_or(Step::Months(1))) {
            Ok(d) => d,
            Err(e) => {
                return fail(&[Diagnostic::new(&ReportProblem::Trend(e), None, None)]);
            }
        };
        // Each date is a run of its own over the whole portfolio, counters only.
        for d in dates {
            let opts = Options {
                chunk,
                waivers: waivers.clone(),
                skip: args.output.iter().cloned().collect(),
                ..Options::new(d, Detail::Aggregates)
            };
            let p = portfolio::run(&rules, &source, &opts);
            meta.trend.push(out::TrendPoint::of(&p));
        }
    }
    let full = Detail::Rows {
        findings: true,
        messages: true,
    };
    // What each row needs: a CSV of inputs only counts; the others show findings and messages.
    let rows = match (args.format, args.csv_level) {
        (Format::Json, _) | (Format::Csv, CsvLevel::Trend | CsvLevel::Waiver) => Detail::Aggregates,
        (Format::Csv, CsvLevel::Initiative) => Detail::Rows {
            findings: false,
            messages: false,
        },
        _ => full,
    };
    let opts = Options {
        chunk,
        waivers,
        skip: args.output.iter().cloned().collect(),
        ..Options::new(as_of, rows)
    };
    let details = match args.details {
        DetailsArg::Act => out::Details::Act,
        DetailsArg::All => out::Details::All,
    };
    let dialect = |findings| out::csv::Dialect {
        findings,
        excel: args.csv_excel,
    };
    let mut sink = match Sink::open(args.output.as_ref()) {
        Ok(s) => s,
        Err(d) => return fail(&d.0),
    };
    let p = match args.format {
        Format::Json => {
            let p = portfolio::run(&rules, &source, &opts);
            sink.put(out::json::render(&meta, &p).as_bytes());
            p
        }
        Format::Html | Format::Markdown => {
            let mut digest = out::Digest::new(details, as_of);
            // Messages only for the documents listed, unless every document is.
            let refine = details == out::Details::Act;
            let p =
                portfolio::run_rows_refined(&rules, &source, &opts, refine, &mut |row, full| {
                    digest.add_refined(row, full)
                });
            let listed = digest.finish();
            let text = if args.format == Format::Html {
                out::html::render(&meta, &p, &listed)
            } else {
                out::markdown::render(&meta, &p, &listed)
            };
            sink.put(text.as_bytes());
            p
        }
        Format::Csv if args.csv_level == CsvLevel::Trend => {
            if meta.trend.is_empty() {
                sink.discard();
                let e = "`--csv-level trend` needs `--trend FROM..TO`".to_string();
                return fail(&[Diagnostic::new(&ReportProblem::Trend(e), None, None)]);
            }
            sink.put(out::csv::trend(&meta, dialect(false)).as_bytes());
            portfolio::run(&rules, &source, &opts)
        }
        Format::Csv if args.csv_level == CsvLevel::Waiver => {
            let p = portfolio::run(&rules, &source, &opts);
            sink.put(out::csv::waivers(&meta, &p, dialect(false)).as_bytes());
            p
        }
        Format::Csv => {
            let dialect = dialect(args.csv_level == CsvLevel::Finding);
            sink.put(out::csv::head(&meta, dialect).as_bytes());
            let meta = &meta;
            portfolio::run_rows(&rules, &source, &opts, &mut |row| {
                sink.put(out::csv::rows(meta, as_of, dialect, &row).as_bytes());
            })
        }
        Format::Xlsx => {
            let mut book = match out::xlsx::Xlsx::new(&meta, as_of) {
                Ok(b) => b,
                Err(e) => return fail(&[sink.problem(&e.to_string())]),
            };
            let meta_ref = &meta;
            let p =
                portfolio::run_rows(&rules, &source, &opts, &mut |row| book.add(meta_ref, &row));
            match book.finish(&meta, &p, &mut sink) {
                Ok(continued) => {
                    for (first, rest) in continued {
                        eprintln!("{}", continued_note(args.lang, &first, &rest));
                    }
                }
                Err(e) => return fail(&[sink.problem(&e.to_string())]),
            }
            p
        }
    };
    if p.aggregates.inputs == 0 {
        sink.discard();
        return fail(&[no_inputs(&args.paths)]);
    }
    if let Err(d) = sink.close() {
        return fail(&[*d]);
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
    // As `check` says it of machine-read formats.
    super::common::warn_of_waivers(&p.waivers, args.lang);
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

pub(crate) use crate::service::no_inputs;

/// Said on standard error of a workbook sheet that went on in others (Excel's row limit).
fn continued_note(lang: Lang, first: &str, rest: &[String]) -> String {
    let rest: Vec<String> = rest.iter().map(|r| format!("«{r}»")).collect();
    let rest = rest.join(", ");
    let max = out::xlsx::MAX_ROWS;
    match lang {
        Lang::Nb => format!(
            "merk: arket «{first}» fikk flere rader enn Excel tar i ett ark ({max}); de fortsetter i {rest}"
        ),
        Lang::Nn => format!(
            "merk: arket «{first}» fekk fleire rader enn Excel tek i eitt ark ({max}); dei held fram i {rest}"
        ),
        Lang::En => format!(
            "note: the sheet \"{first}\" has more rows than Excel holds in one sheet ({max}); they go on in {rest}"
        ),
    }
}

/// Where a report goes while it is written: a file (`--output`, through
/// [`super::common::OutputFile`]: written beside it and renamed into place when complete, so that
/// a failed run leaves no half report, and a device such as `/dev/null` written in place) or
/// standard output. The first write error is kept and reported once; a closed pipe is the
/// reader's choice, not an error.
pub(crate) struct Sink {
    out: Out,
    /// The file asked for, when not standard output.
    path: Option<PathBuf>,
    error: Option<std::io::Error>,
}

enum Out {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(super::common::OutputFile),
}

impl Out {
    fn get(&mut self) -> &mut dyn Write {
        match self {
            Out::Stdout(w) => w,
            Out::File(f) => f,
        }
    }
}

impl Sink {
    pub(crate) fn open(path: Option<&PathBuf>) -> Result<Sink, Diagnostics> {
        let out = match path {
            None => Out::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )),
            Some(p) => Out::File(
                super::common::OutputFile::create(p)
                    .map_err(|e| output_problem(&p.display().to_string(), &e.to_string()))?,
            ),
        };
        Ok(Sink {
            out,
            path: path.cloned(),
            error: None,
        })
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.out.get().write_all(bytes)
        {
            self.error = Some(e);
        }
    }

    fn target(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "standard output".into(),
        }
    }

    pub(crate) fn problem(&self, reason: &str) -> Diagnostic {
        output_problem(&self.target(), reason)
    }

    /// Drop what was written (an uncommitted output file removes its temporary file).
    pub(crate) fn discard(self) {
        drop(self.out);
    }

    /// Flush, and move a file into place.
    pub(crate) fn close(mut self) -> Result<(), Box<Diagnostic>> {
        if self.error.is_none()
            && let Err(e) = self.out.get().flush()
        {
            self.error = Some(e);
        }
        if let Some(e) = self.error.take() {
            if self.path.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            return Err(Box::new(self.problem(&e.to_string())));
        }
        let target = self.target();
        match self.out {
            Out::Stdout(_) => Ok(()),
            Out::File(f) => f
                .commit()
                .map_err(|e| Box::new(output_problem(&target, &e.to_string()))),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.put(buf);
        match &self.error {
            Some(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The output (a file's path, or standard output) could not be written.
fn output_problem(path: &str, reason: &str) -> Diagnostic {
    let p = ReportProblem::Output {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    Diagnostic::new(&p, None, None)
}

/// `Err` when `--output` names one of the inputs.
pub(crate) fn refuse_input_as_output(
    output: Option<&PathBuf>,
    inputs: &[PathBuf],
) -> Result<(), Diagnostics> {
    match output {
        Some(o) if super::common::output_is_input(o, inputs, &crate::input::Scan::default()) => {
            let path = o.display().to_string();
            Err(Diagnostic::new(&ReportProblem::OutputIsInput { path }, None, None).into())
        }
        _ => Ok(()),
    }
}

/// Write to the file (whole or not at all), or to stdout (a closed pipe is the reader's choice,
/// not an error; another failure is reported when the command ends).
pub(crate) fn write(path: Option<&PathBuf>, text: &str) -> Result<(), Diagnostics> {
    match path {
        Some(path) => super::common::write_file(path, text.as_bytes())
            .map_err(|e| output_problem(&path.display().to_string(), &e.to_string()).into()),
        None => {
            super::common::out(text);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_trend_is_monthly_from_its_first_month_to_its_last() {
        let (from, to) = parse_trend("2025-01..2026-12").unwrap_or((date(1, 1, 1), date(1, 1, 1)));
        assert_eq!((from, to), (date(2025, 1, 1), date(2026, 12, 1)));
        let d = trend_dates(from, to, Step::Months(1)).unwrap_or_default();
        assert_eq!(d.len(), 24);
        assert_eq!(d.last(), Some(&date(2026, 12, 1)));
        // Counted from the start: a month's end stays the end where it can.
        let d =
            trend_dates(date(2025, 1, 31), date(2025, 4, 30), Step::Months(1)).unwrap_or_default();
        assert_eq!(
            d,
            vec![
                date(2025, 1, 31),
                date(2025, 2, 28),
                date(2025, 3, 31),
                date(2025, 4, 30)
            ]
        );
        let d =
            trend_dates(date(2025, 1, 1), date(2025, 1, 29), Step::Days(14)).unwrap_or_default();
        assert_eq!(
            d,
            vec![date(2025, 1, 1), date(2025, 1, 15), date(2025, 1, 29)]
        );
    }

    #[test]
    fn bad_trends_and_steps_are_refused_with_the_form_to_write() {
        for bad in ["2025-01", "2026-12..2025-01", "2025-13..2026-01", "x..y"] {
            assert!(parse_trend(bad).is_err(), "{bad}");
        }
        for bad in ["", "m", "0m", "-1m", "1y", "1.5m", "1001d"] {
            assert!(parse_step(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_step("2w"), Ok(Step::Days(14)));
        assert_eq!(parse_step("3m"), Ok(Step::Months(3)));
        let long = trend_dates(date(2000, 1, 1), date(2100, 1, 1), Step::Days(1));
        assert!(long.is_err_and(|e| e.contains("400")));
    }
}
