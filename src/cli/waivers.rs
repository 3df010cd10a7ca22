//! `samstyr waivers list|check`: what a waiver file holds and whether it is sound. `list` shows
//! each waiver with its state on the as-of date (in force, expiring within 90 days, expired);
//! `check` validates the file against the rule set and, given documents, against them too, and
//! says which waivers are not needed or run out soon.

use super::Exit;
use super::common::{RulesArgs, out};
use crate::diag::Diagnostics;
use crate::report::WaiverState;
use crate::text::{Lang, pick};
use crate::waiver::{Waivers, expiring_soon};
use jiff::civil::Date;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the waivers with their state on the as-of date
    List(Args),
    /// Check the waivers against the rule set (and the documents given); exit 2 when invalid
    Check(Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directories (with `samstyr-unntak.toml` at their root) or documents the waivers are for
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Waiver file [default: `samstyr-unntak.toml` at the root of each directory given]
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// The date to judge at, `YYYY-MM-DD` [default: today]
    #[arg(long, value_name = "DATE", value_parser = super::common::parse_date)]
    pub as_of: Option<Date>,
    /// Language of the output
    #[arg(long, value_enum, default_value_t = Lang::Nb)]
    pub lang: Lang,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(c: &Command) -> Exit {
    let (args, checking) = match c {
        Command::List(a) => (a, false),
        Command::Check(a) => (a, true),
    };
    super::common::exit_or_invalid(waivers(args, checking), args.lang)
}

fn waivers(args: &Args, checking: bool) -> Result<Exit, Diagnostics> {
    let rules = super::check::load_rules(&args.rules)?;
    let as_of = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let waivers = super::check::load_waivers(&rules, args.waivers.as_deref(), &args.paths)?;
    let lang = args.lang;
    let mut s = String::new();
    if checking && !args.paths.is_empty() {
        let sources = crate::input::sources(&args.paths);
        let mut inputs = super::check::evaluate_sources(&rules, sources, as_of, None);
        waivers.check(&inputs)?;
        for u in waivers.apply(as_of, &mut inputs) {
            if let Some(r) = u.remark(lang) {
                let _ = writeln!(
                    s,
                    "{} {r}",
                    pick(lang, "advarsel:", "åtvaring:", "warning:")
                );
            }
            if u.state != WaiverState::Expired && expiring_soon(&u.waiver, as_of) {
                note(&mut s, lang, &soon(lang, &u.waiver));
            }
        }
    } else {
        list(&mut s, &waivers, as_of, lang, checking);
    }
    out(&s);
    Ok(Exit::Ok)
}

/// A line of `waivers check` about a waiver that has run out or soon will.
fn note(s: &mut String, lang: Lang, text: &str) {
    let _ = writeln!(s, "{} {text}", pick(lang, "merk:", "merk:", "note:"));
}

fn soon(lang: Lang, w: &crate::finding::Waiver) -> String {
    match lang {
        Lang::Nb => format!("unntak {} utløper {} (innen 90 dager)", w.id, w.expires),
        Lang::Nn => format!("unntaket {} går ut {} (innan 90 dagar)", w.id, w.expires),
        Lang::En => format!("waiver {} expires on {} (within 90 days)", w.id, w.expires),
    }
}

fn list(s: &mut String, waivers: &Waivers, as_of: Date, lang: Lang, checking: bool) {
    for w in waivers.iter() {
        let state = if w.expires < as_of {
            pick(lang, "utløpt", "gått ut", "expired")
        } else if expiring_soon(w, as_of) {
            pick(lang, "utløper snart", "går snart ut", "expires soon")
        } else {
            pick(lang, "i kraft", "i kraft", "in force")
        };
        if checking {
            if w.expires < as_of {
                note(s, lang, &crate::report::expired_text(lang, w));
            } else if expiring_soon(w, as_of) {
                note(s, lang, &soon(lang, w));
            }
            continue;
        }
        let item = w
            .item
            .as_ref()
            .map(|i| format!(" [{i}]"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{}  {state}  {}{item}  {}  {} {}  ({})",
            w.id,
            w.rules.join(","),
            w.initiatives.join(","),
            pick(lang, "til og med", "til og med", "until"),
            w.expires,
            w.place
        );
    }
}
