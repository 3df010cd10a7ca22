//! Synthetic documents for benchmarks and robustness tests: `samstyr gen`.
//!
//! The generator is generic. It walks the rule set's input schema ([`crate::schema::InputSchema`])
//! and catalog ([`crate::catalog::Catalog`]) and fills each field as a *profile* says: a TOML file
//! of data (`generator/*.toml` in the rule set, format in `docs/generator.md`) with weights,
//! chances of absence, ranges, dates relative to other dates, string pools, templates and
//! references between documents. Nothing here knows any field of any particular format.
//!
//! The pipeline: profile text → [`profile::load`] (checked against schema and catalog; every
//! problem reported with its place) → a compiled plan → [`generate`] (JSON lines). Output is a
//! pure function of the plan, the count and the seed; see `run` for how that holds on any number of
//! threads.

mod error;
mod plan;
pub mod profile;
mod run;

pub use error::ProfileError;
pub use profile::{Profile, defaults, load};
pub use run::GenOptions;

use std::io::{self, Write};

/// Writes `opts.count` documents as JSON lines.
pub fn generate(
    profile: &Profile,
    opts: &GenOptions,
    out: &mut (dyn Write + Send),
) -> io::Result<()> {
    run::Runner::new(&profile.plan, opts).write_all(out)
}

/// Document `index` (0-based) of a run with `opts`, as one line without its newline. The same text
/// as line `index + 1` of [`generate`]'s output.
pub fn document(profile: &Profile, opts: &GenOptions, index: u64) -> String {
    let mut line = run::Runner::new(&profile.plan, opts).line(index);
    line.pop();
    line
}
