//! What both edges offer, below both of them: the command line (`crate::cli`) and the HTTP
//! server (`crate::server`) load a rule set, read and judge documents, and render reports through
//! these functions, so that the two answer the same question with the same bytes and neither edge
//! imports the other (held by `tests/layers.rs`).

use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::EvalOptions;
use crate::files::RuleFiles;
use crate::finding::SourceRef;
use crate::input::Label;
use crate::report::{self, Gate, Input, Outcome, ParamOverride, RunInfo};
use crate::rules::{RuleSet, parse_overrides};
use crate::schema::Document;
use crate::text::Lang;
use crate::value::Value;
use jiff::civil::Date;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Whether `format` is written as a stream by [`render_each`]: every format but the whole
/// Markdown document (`--markdown-full`), whose sections each go over the whole batch (a table
/// of every document, then every violation, …). The Markdown comment is made a chunk at a time
/// and written at the end (it is bounded to [`report::markdown::COMMENT_CHARS`]).
pub fn streamed(format: Format, markdown_full: bool) -> bool {
    !(format == Format::Markdown && markdown_full)
}

/// Judge every document of `sources` and write the report in `format` (a [`streamed`] one; the
/// Markdown comment, not the whole document) as
/// it is judged, `chunk` documents at a time: each piece is handed to `write` once made, and
/// no more than a chunk's findings are held. The bytes are those of [`render_as`] over the whole
/// batch (`run` has no waivers: they are checked against the whole batch first). A format that
/// states the batch's summary before its documents (JSON, SARIF) has it from a counting pass
/// ([`evaluate_sources_counted`]). Returns the verdict, or `None` when `sources` held no
/// document (then nothing was written).
pub fn render_each(
    format: Format,
    rules: &RuleSet,
    sources: crate::input::Sources,
    run: &RunInfo,
    color: bool,
    chunk: usize,
    write: &mut dyn FnMut(&str),
) -> Option<report::Verdict> {
    use std::cell::RefCell;
    let as_of = run.as_of;
    let tally = RefCell::new(match format {
        Format::Json => report::Tally::hashing(),
        _ => report::Tally::default(),
    });
    let mut started = false;
    match format {
        Format::Json | Format::Sarif => {
            enum Either {
                Json(report::json::Stream),
                Sarif(report::sarif::Stream),
            }
            let mut stream: Option<Either> = None;
            evaluate_sources_counted(
                rules,
                sources,
                as_of,
                chunk,
                |counted| tally.borrow_mut().add(run, counted),
                |chunk| {
                    let s = stream.get_or_insert_with(|| {
                        let t = tally.borrow();
                        let (s, head) = match format {
                            Format::Sarif => {
                                let (s, head) = report::sarif::Stream::head(run, &t);
                                (Either::Sarif(s), head)
                            }
                            _ => {
                                let (s, head) = report::json::Stream::head(run, &t);
                                (Either::Json(s), head)
                            }
                        };
                        write(&head);
                        s
                    });
                    write(&match s {
                        Either::Json(s) => s.chunk(run, &chunk),
                        Either::Sarif(s) => s.chunk(run, &chunk),
                    });
                },
            );
            match stream? {
                Either::Json(s) => write(&s.tail()),
                Either::Sarif(s) => write(&s.tail()),
            }
        }
        Format::Markdown => {
            let mut comment = report::markdown::Comment::default();
            evaluate_sources_each(rules, sources, as_of, None, chunk, |chunk| {
                started = true;
                tally.borrow_mut().add(run, &chunk);
                comment.add(run, &chunk);
            });
            if !started {
                return None;
            }
            write(&comment.finish(run, &tally.borrow()));
        }
        _ => {
            let mut first = 0usize;
            evaluate_sources_each(rules, sources, as_of, None, chunk, |chunk| {
                if !std::mem::replace(&mut started, true) {
                    match format {
                        Format::Text => write(&report::text::head(run, color)),
                        Format::Junit => write(report::junit::HEAD),
                        _ => {}
                    }
                }
                tally.borrow_mut().add(run, &chunk);
                write(&match format {
                    Format::Text => report::text::documents(run, &chunk, color),
                    Format::Junit => report::junit::suites(run, first, &chunk),
                    _ => report::github::render(run, &chunk),
                });
                first += chunk.len();
            });
            if !started {
                return None;
            }
            match format {
                Format::Text => write(&report::text::tail(run, &tally.borrow(), color)),
                Format::Junit => write(report::junit::TAIL),
                _ => {}
            }
        }
    }
    Some(tally.into_inner().verdict())
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
pub fn evaluate_sources<'r>(
    rules: &'r RuleSet,
    sources: crate::input::Sources,
    as_of: Date,
    quiet: Option<Gate>,
) -> Vec<Input<'r>> {
    let mut all = Vec::new();
    evaluate_sources_each(rules, sources, as_of, quiet, usize::MAX, |chunk| {
        all.extend(chunk)
    });
    all
}

/// [`evaluate_sources`], handing the judged inputs to `each` in input order, at most `chunk` at
/// a time, as they are judged: a report written as a stream holds one chunk of findings, not the
/// batch's. The documents themselves are all read first (links between them are resolved over
/// the whole batch); each is dropped once judged.
pub fn evaluate_sources_each<'r>(
    rules: &'r RuleSet,
    sources: crate::input::Sources,
    as_of: Date,
    quiet: Option<Gate>,
    chunk: usize,
    each: impl FnMut(Vec<Input<'r>>),
) {
    let batch = Batch::read(rules, sources, as_of, quiet);
    batch.judge_each(rules, as_of, quiet, chunk, each);
}

/// [`evaluate_sources_each`] after a counting pass: every document is first judged for its
/// statuses only and shown to `count` (in input order, at most `chunk` at a time), then judged
/// in full and handed to `each`. For a report that states the batch's summary before its
/// documents: it holds no more findings than a chunk's. The documents are read once; both
/// passes judge what was read.
pub fn evaluate_sources_counted<'r>(
    rules: &'r RuleSet,
    sources: crate::input::Sources,
    as_of: Date,
    chunk: usize,
    mut count: impl FnMut(&[Input<'r>]),
    each: impl FnMut(Vec<Input<'r>>),
) {
    use rayon::prelude::*;
    let batch = Batch::read(rules, sources, as_of, None);
    let chunk = chunk.max(1);
    for (c, l) in batch.checked.chunks(chunk).zip(batch.linked.chunks(chunk)) {
        let counted: Vec<Input> = c
            .par_iter()
            .zip(l)
            .map(|(c, (received, _))| {
                let links = crate::finding::Links::default();
                judge(rules, as_of, &EvalOptions::COUNTS, None, c, received, links)
            })
            .collect();
        count(&counted);
    }
    batch.judge_each(rules, as_of, None, chunk, each);
}

/// A batch read and validated, with what each document receives from its links and the
/// problems of its links: what [`Batch::judge_each`] judges.
struct Batch {
    checked: Vec<crate::input::Checked>,
    linked: Vec<(Vec<crate::rules::Received>, crate::finding::Links)>,
    opts: EvalOptions,
}

impl Batch {
    fn read(
        rules: &RuleSet,
        sources: crate::input::Sources,
        as_of: Date,
        quiet: Option<Gate>,
    ) -> Batch {
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
        drop(docs);
        linked.resize_with(checked.len(), Default::default);
        Batch {
            checked,
            linked,
            opts,
        }
    }

    /// Judge every document, `chunk` at a time on every core, and hand each chunk to `each` in
    /// input order; each document is dropped once judged.
    fn judge_each<'r>(
        self,
        rules: &'r RuleSet,
        as_of: Date,
        quiet: Option<Gate>,
        chunk: usize,
        mut each: impl FnMut(Vec<Input<'r>>),
    ) {
        use rayon::prelude::*;
        let chunk = chunk.max(1);
        let opts = self.opts;
        let mut checked = self.checked.into_iter();
        let mut linked = self.linked.into_iter();
        loop {
            let part: Vec<_> = checked.by_ref().take(chunk).zip(linked.by_ref()).collect();
            if part.is_empty() {
                break;
            }
            each(
                part.into_par_iter()
                    .map(|(c, (received, links))| {
                        judge(rules, as_of, &opts, quiet, &c, &received, links)
                    })
                    .collect(),
            );
        }
    }
}

/// One read document judged (with what it receives from and the problems of its links), or its
/// diagnostics.
fn judge<'r>(
    rules: &'r RuleSet,
    as_of: Date,
    opts: &EvalOptions,
    quiet: Option<Gate>,
    c: &crate::input::Checked,
    received: &[crate::rules::Received],
    links: crate::finding::Links,
) -> Input<'r> {
    match &c.result {
        Ok(doc) => {
            let mut e = rules.evaluate_received(doc, as_of, opts, received);
            e.links = links;
            if let Some(gate) = quiet {
                e.findings.retain(|f| gate.fails(f));
                e.findings.truncate(1);
                e.findings.shrink_to_fit();
                e.facts = Vec::new();
                e.links = Default::default();
            }
            Input {
                title: title(rules, doc),
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
            outcome: Outcome::Invalid(d.clone()),
        },
    }
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
        input: Some(std::sync::Arc::new(rules.schema().clone())),
        waivers: Vec::new(),
    }
}

/// What `validate --format json` prints.
pub struct JsonReport {
    /// The report, ending in a newline.
    pub text: String,
    pub total: usize,
    pub invalid: usize,
}

/// The JSON report of `validate` over `docs`, each shown to `each` as it is read: what
/// `validate --format json` prints and the server's `POST /v1/validate` answers, byte for byte.
pub fn json_report(
    docs: impl Iterator<Item = crate::input::Checked>,
    lang: Lang,
    mut each: impl FnMut(&crate::input::Checked),
) -> JsonReport {
    let mut total = 0usize;
    let mut invalid = 0usize;
    let mut json_units = Vec::new();
    for c in docs {
        each(&c);
        total += 1;
        match &c.result {
            Ok(_) => json_units.push(serde_json::json!({
                "label": c.label.to_string(), "valid": true, "diagnostics": [],
            })),
            Err(d) => {
                invalid += 1;
                json_units.push(serde_json::json!({
                    "label": c.label.to_string(),
                    "valid": false,
                    "diagnostics": d.iter().map(|d| diagnostic_json(d, lang)).collect::<Vec<_>>(),
                }));
            }
        }
    }
    let out = serde_json::json!({
        "documents": total,
        "valid": total - invalid,
        "invalid": invalid,
        "results": json_units,
    });
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    JsonReport {
        text,
        total,
        invalid,
    }
}

/// A diagnostic as JSON: where (file, line, column, pointer), what (code, message) and help, in
/// `lang`.
pub fn diagnostic_json(d: &Diagnostic, lang: Lang) -> serde_json::Value {
    let (line, column) = match d.line_col() {
        Some((l, c)) => (serde_json::json!(l), serde_json::json!(c)),
        None => (serde_json::Value::Null, serde_json::Value::Null),
    };
    serde_json::json!({
        "file": d.file_name(),
        "line": line,
        "column": column,
        "pointer": d.pointer,
        "code": d.code,
        "message": d.message_in(lang),
        "help": d.help_in(lang),
    })
}

/// The text of `rules show`.
pub fn show_text(set: &RuleSet, id: &str, lang: Lang) -> Result<String, crate::rules::RuleError> {
    let d = set.detail(id)?;
    let info = &d.info;
    let mut s = String::new();
    let name = if id.starts_with('@') {
        format!("@{}", info.id)
    } else {
        info.id.clone()
    };
    s.push_str(&format!("{name} — {}\n", info.title.get(lang)));
    let field = |s: &mut String, key: &str, value: &str| {
        let mut lines = value.trim().lines();
        s.push_str(&format!("  {key:<12} {}\n", lines.next().unwrap_or("")));
        for l in lines {
            s.push_str(&format!("  {:<12} {}\n", "", l.trim_end()));
        }
    };
    field(&mut s, "declared", &d.place);
    if let Some(p) = &info.principle {
        field(
            &mut s,
            "principle",
            &format!("{} — {}", p.id, p.title.get(lang)),
        );
    }
    if let Some(sev) = info.severity {
        field(&mut s, "severity", sev.name());
    }
    for (key, text) in &d.expr {
        field(&mut s, key, text);
    }
    if !info.remedy.get(lang).is_empty() {
        field(&mut s, "remedy", info.remedy.get(lang));
    }
    if !d.messages.is_empty() {
        s.push_str("  messages\n");
        for (status, text) in &d.messages {
            s.push_str(&format!("    {status:<15} {}\n", text.get(lang)));
        }
    }
    if !d.facts.is_empty() {
        let facts: Vec<String> = d.facts.iter().map(|f| format!("@{f}")).collect();
        field(&mut s, "facts", &facts.join(", "));
    }
    for p in set.params().iter().filter(|p| d.params.contains(&p.id)) {
        let mut v = format!("${} = {}", p.id, p.value.shown());
        if p.overridden {
            v.push_str(&format!(" (overridden; default {})", p.default.shown()));
        }
        field(&mut s, "param", &v);
    }
    if !info.sources.is_empty() {
        s.push_str("  sources\n");
        for src in &info.sources {
            s.push_str(&format!("    {}\n", source_line(src, lang)));
        }
    }
    Ok(s)
}

/// A source on one line: `citation, line N «reading»` (with the verbatim quote after a corrected
/// reading, so that the seed can be searched for it), or `citation <url> — paraphrase`.
pub fn source_line(src: &SourceRef, lang: Lang) -> String {
    match src {
        SourceRef::Seed { quote, reading, .. } => {
            let mut s = format!(
                "{} «{}»",
                src.citation_at_line(lang),
                crate::rules::fold_whitespace(reading.as_deref().unwrap_or(quote))
            );
            if reading.is_some() {
                s.push_str(&format!(
                    " ({} «{}»)",
                    crate::text::pick(
                        lang,
                        "ordrett i skanningen:",
                        "ordrett i skanninga:",
                        "verbatim in the scan:"
                    ),
                    crate::rules::fold_whitespace(quote)
                ));
            }
            s
        }
        SourceRef::External {
            url, paraphrase, ..
        } => {
            let mut s = src.citation(lang);
            if let Some(u) = url {
                s.push_str(&format!(" <{u}>"));
            }
            if let Some(p) = paraphrase {
                s.push_str(&format!(" — {}", p.get(lang)));
            }
            s
        }
    }
}

/// Which rule set to use and how to parameterise it.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArgs {
    /// Rule-set directory to use instead of the embedded rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Override a rule parameter, e.g. `--param lead_time_days=30` (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Read parameter overrides from a TOML file of `name = value` lines
    #[arg(long, value_name = "FILE")]
    pub param_file: Option<PathBuf>,
}

/// Whether to colour output written to stdout: only on a terminal, never with `NO_COLOR` or
/// `TERM=dumb`.
pub fn stdout_color() -> bool {
    use std::io::IsTerminal;
    color_wanted() && std::io::stdout().is_terminal()
}

/// Whether to colour output written to stderr.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    color_wanted() && std::io::stderr().is_terminal()
}

/// What the environment says: `NO_COLOR` (any non-empty value) and `TERM=dumb` turn colour off.
fn color_wanted() -> bool {
    color_allowed(std::env::var_os("NO_COLOR"), std::env::var_os("TERM"))
}

fn color_allowed(no_color: Option<std::ffi::OsString>, term: Option<std::ffi::OsString>) -> bool {
    no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// Exit statuses, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Ok = 0,
    /// Findings at or above `--fail-on` (or failing rule tests).
    Findings = 1,
    /// Invalid input, invalid rules or a usage error.
    Invalid = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, thiserror::Error)]
enum ServiceProblem {
    #[error("no documents found in {paths}")]
    NoInputs { paths: String },
}

impl crate::diag::Problem for ServiceProblem {
    fn code(&self) -> &'static str {
        match self {
            ServiceProblem::NoInputs { .. } => "report::no-inputs",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ServiceProblem::NoInputs { .. } => {
                "name `.json` or `.jsonl` files, or a directory that holds some".into()
            }
        })
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        Some(match self {
            ServiceProblem::NoInputs { paths } => words::no_inputs(lang, paths),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(match self {
            ServiceProblem::NoInputs { .. } => words::no_inputs_help(lang),
        })
    }
}

/// The error of a batch command (`report`, `graph`, `diff`, the server's `/v1/report`) given
/// paths that hold no document.
pub fn no_inputs(paths: &[PathBuf]) -> Diagnostic {
    let paths: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    Diagnostic::new(
        &ServiceProblem::NoInputs {
            paths: paths.join(", "),
        },
        None,
        None,
    )
}

/// The words of the problems the commands share, in bokmål and nynorsk (English is the problem's
/// `Display`): no inputs, an output that cannot be written, an output that is an input.
pub mod words {
    use crate::text::{Lang, pick};

    pub fn no_inputs(lang: Lang, paths: &str) -> String {
        match lang {
            Lang::Nb => format!("fant ingen dokumenter i {paths}"),
            Lang::Nn => format!("fann ingen dokument i {paths}"),
            Lang::En => format!("no documents found in {paths}"),
        }
    }

    pub fn no_inputs_help(lang: Lang) -> String {
        pick(
            lang,
            "nevn `.json`- eller `.jsonl`-filer, eller en mappe som har noen",
            "nemn `.json`- eller `.jsonl`-filer, eller ei mappe som har nokre",
            "name `.json` or `.jsonl` files, or a directory that holds some",
        )
        .into()
    }

    pub fn output(lang: Lang, path: &str, reason: &str) -> String {
        match lang {
            Lang::Nb => format!("kan ikke skrive `{path}`: {reason}"),
            Lang::Nn => format!("kan ikkje skrive `{path}`: {reason}"),
            Lang::En => format!("cannot write `{path}`: {reason}"),
        }
    }

    pub fn output_help(lang: Lang) -> String {
        pick(
            lang,
            "sjekk at mappen finnes og kan skrives til",
            "sjekk at mappa finst og kan skrivast til",
            "check that the directory exists and is writable",
        )
        .into()
    }

    pub fn output_is_input(lang: Lang, path: &str) -> String {
        match lang {
            Lang::Nb => format!("utdataene `{path}` er også inndata"),
            Lang::Nn => format!("utdataa `{path}` er òg inndata"),
            Lang::En => format!("the output `{path}` is also an input"),
        }
    }

    pub fn output_is_input_help(lang: Lang) -> String {
        pick(
            lang,
            "å skrive rapporten dit ville skrive over inndataene; velg en annen fil",
            "å skrive rapporten dit ville skrive over inndataa; vel ei anna fil",
            "writing the report there would overwrite the input; name another file",
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::color_allowed;

    #[test]
    fn no_color_and_a_dumb_terminal_turn_colour_off() {
        let some = |s: &str| Some(std::ffi::OsString::from(s));
        assert!(color_allowed(None, None));
        assert!(color_allowed(some(""), some("xterm-256color")));
        assert!(!color_allowed(some("1"), some("xterm")));
        assert!(!color_allowed(None, some("dumb")));
    }
}
