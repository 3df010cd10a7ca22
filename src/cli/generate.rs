//! `samstyr gen`: synthetic documents as JSON lines, for benchmarks and robustness tests.
//!
//! Loads the rule set's input schema and catalog, picks the generator profile (`--profile FILE`,
//! else the rule set's own `generator/*.toml`, else defaults from the schema alone) and streams
//! the documents to a buffered writer.

use super::Exit;
use super::common::stderr_color;
use crate::diag::{self, Diagnostic, Diagnostics};
use crate::generator::{self, GenOptions, Profile, ProfileError};
use crate::schema;
use crate::source::SourceFile;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of documents to write
    #[arg(long, short = 'n', value_name = "N")]
    pub count: u64,
    /// Random seed: the same seed, count, profile and binary give byte-identical output
    #[arg(long, short = 's', value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Write to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rule-set directory to use instead of the embedded rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Generator profile to use instead of the rule set's own
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Fraction of lines (0 to 1) made invalid on purpose: an unknown field, a day that does not
    /// exist or a number written as a string
    #[arg(long, value_name = "R", default_value_t = 0.0, value_parser = rate)]
    pub invalid_rate: f64,
}

fn rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("`{s}` is not a fraction between 0 and 1")),
    }
}

pub fn run(args: &Args) -> Exit {
    let profile = match load(args) {
        Ok(p) => p,
        Err(d) => {
            eprint!("{}", diag::render(&d.0, stderr_color()));
            return Exit::Invalid;
        }
    };
    let opts = GenOptions {
        count: args.count,
        seed: args.seed,
        invalid_rate: args.invalid_rate,
    };
    let result = match &args.output {
        Some(path) => match super::common::OutputFile::create(path) {
            Ok(mut f) => write(&profile, &opts, &mut f).and_then(|()| f.commit()),
            Err(e) => {
                eprintln!("samstyr: cannot create `{}`: {e}", path.display());
                return Exit::Invalid;
            }
        },
        None => write(
            &profile,
            &opts,
            BufWriter::with_capacity(1 << 20, std::io::stdout()),
        ),
    };
    match result {
        Ok(()) => Exit::Ok,
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            eprintln!("samstyr: cannot write output: {e}");
            Exit::Invalid
        }
    }
}

fn write(profile: &Profile, opts: &GenOptions, mut out: impl Write + Send) -> std::io::Result<()> {
    generator::generate(profile, opts, &mut out)?;
    out.flush()
}

fn load(args: &Args) -> Result<Profile, Diagnostics> {
    let files = super::common::rule_files(args.rules.as_deref())?;
    let (schema, catalog) = schema::load_input_side(&files)?;
    let file = match &args.profile {
        Some(path) => match crate::files::read_text(path, crate::files::MAX_RULE_FILE_BYTES) {
            Ok(text) => SourceFile::new(path.display().to_string(), text),
            Err(e) => return Err(Diagnostic::new(&e, None, None).into()),
        },
        None => match files.generator.as_slice() {
            [] => return generator::defaults(&schema, &catalog),
            [one] => one.clone(),
            many => {
                let names: Vec<String> = many.iter().map(|f| format!("`{}`", f.name())).collect();
                let e = ProfileError::Ambiguous {
                    names: names.join(", "),
                };
                return Err(Diagnostic::new(&e, None, None).into());
            }
        },
    };
    generator::load(&file, &schema, &catalog)
}
