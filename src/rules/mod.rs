//! The rule loader: a rule-set directory (TOML) → an immutable, checked, compiled [`RuleSet`].
//!
//! Loading runs in stages, each reporting every problem it finds: `toml` + `decl` read the files
//! into declarations with spans; `check` resolves ids, principles, sources (seed quotes) and
//! parameters; `compile` parses and type-checks every expression through [`crate::expr`], builds
//! the fact dependency graph and orders the facts. Evaluation lives in [`crate::eval`].
//!
//! **Invariant:** this module knows no rule, fact or field of any particular rule set.

mod check;
mod decl;
mod error;
mod graph;
mod params;
mod seeds;
mod toml;

pub use decl::ParamType;
pub use error::RuleError;
pub use graph::{GraphNode, NodeKind, RuleGraph};
pub use params::{DurationUnit, ParamOverride, ParamValue, parse_overrides};

use crate::finding::SourceRef;
use crate::text::Text;

/// A parameter of the rule set: its declared default and the value in force for this run.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub id: String,
    pub title: Text,
    pub ty: ParamType,
    /// The value in force (the default unless overridden).
    pub value: ParamValue,
    pub default: ParamValue,
    /// Whether an override changed the value.
    pub overridden: bool,
    /// Why the default is what it is.
    pub sources: Vec<SourceRef>,
}

/// The one answer a rule set puts first for every document.
#[derive(Debug, Clone)]
pub struct HeadlineInfo {
    /// The key in reports, e.g. `consultation_required`.
    pub key: String,
    pub title: Text,
    /// The bool fact that answers it.
    pub fact: String,
}
