//! `samstyr validate [--rules DIR] FILES…`: read and validate input documents without judging
//! them; every diagnostic of every document, then a summary. Exit 0 when all are valid, 2 when
//! any is not.

use super::Exit;
use crate::diag::{Diagnostics, render_in};
use crate::schema::load_input_side;
use crate::text::{Lang, pick};
use std::io::Write;
use std::path::PathBuf;

pub use crate::service::{JsonReport, diagnostic_json, json_report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with snippets on stderr, a summary on stdout
    #[default]
    Text,
    /// One JSON object on stdout: every document with its diagnostics
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, directories (searched for `.json` and `.jsonl`), `.jsonl` files, or `-` for stdin
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Rule-set directory whose input format and catalog to use instead of the embedded ones
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of the messages
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
}

pub fn run(args: &Args) -> Exit {
    super::common::exit_or_invalid(validate(args), args.lang)
}

fn validate(args: &Args) -> Result<Exit, Diagnostics> {
    let files = super::common::rule_files(args.rules.as_deref())?;
    let (schema, catalog) = load_input_side(&files)?;
    let docs = crate::input::documents(&args.files, &schema, &catalog);
    let (total, invalid) = match args.format {
        Format::Json => {
            let r = json_report(docs, args.lang, |_| {});
            super::common::out(&r.text);
            (r.total, r.invalid)
        }
        Format::Text => {
            let color = super::common::stderr_color();
            let (mut total, mut invalid) = (0usize, 0usize);
            let stderr = std::io::stderr();
            for c in docs {
                total += 1;
                if let Err(d) = &c.result {
                    invalid += 1;
                    // A closed stderr is no reason to stop validating.
                    let _ = write!(stderr.lock(), "{}", render_in(&d.0, color, args.lang));
                }
            }
            let valid = total - invalid;
            let lang = args.lang;
            super::common::outln(&format!(
                "{total} {}, {valid} {}, {invalid} {}",
                crate::report::documents_word(lang, total),
                pick(lang, "gyldige", "gyldige", "valid"),
                crate::report::invalid_word(lang, invalid),
            ));
            (total, invalid)
        }
    };
    Ok(if invalid > 0 || total == 0 {
        Exit::Invalid
    } else {
        Exit::Ok
    })
}
