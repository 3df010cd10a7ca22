//! The rule loader: a rule-set directory (TOML) → an immutable, checked, compiled [`RuleSet`].
//!
//! Loading runs in stages, each reporting every problem it finds: `toml` + `decl` read the files
//! into declarations with spans; `check` resolves ids, principles, sources (seed quotes) and
//! parameters; `compile` parses and type-checks every expression through [`crate::expr`], builds
//! the dependency graph ([`RuleGraph`]) and orders the facts. It loads and never evaluates:
//! evaluation, and the rule tests (`rules test`) that need it, live in `crate::eval`, the layer
//! above; lint warnings are in [`lint`].
//!
//! **Invariant:** this module knows no rule, fact or field of any particular rule set.
//!
//! **Invariant:** a [`RuleSet`] is immutable and `Send + Sync`: compile once, evaluate many times
//! from any thread. Parameter overrides make a new `RuleSet` sharing the compiled core.

mod batch;
mod check;
mod compile;
mod decl;
mod error;
mod graph;
pub mod lint;
mod message;
pub(crate) mod params;
mod seeds;
mod sources;
pub(crate) mod toml;

pub use batch::{
    Direction, FactIndex, FieldPath, Propagation, Received, ReportGroup, ReportSpec, is_link,
};
pub use decl::ParamType;
pub use error::RuleError;
pub use graph::{GraphNode, NodeKind, RuleGraph};
pub use lint::Warning;
/// A number for people in a language (thousands grouped): as rule messages write it.
pub(crate) use message::number;
pub use params::{DurationUnit, ParamOverride, ParamRange, ParamValue, parse_overrides};
pub use seeds::fold as fold_whitespace;

use crate::catalog::Catalog;
use crate::diag::Diagnostics;
use crate::expr::{Compiled, Dur, Val};
use crate::files::RuleFiles;
use crate::finding::{Principle, RuleInfo, SourceRef};
use crate::schema::InputSchema;
use crate::source::{SourceFile, Span};
use crate::text::Text;
use std::borrow::Cow;
use std::sync::Arc;

/// A parameter of the rule set: its declared default and the value in force for this run.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub id: String,
    pub title: Text,
    pub ty: ParamType,
    /// The value in force (the default unless overridden).
    pub value: ParamValue,
    pub default: ParamValue,
    /// The values it accepts.
    pub range: params::ParamRange,
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

/// A compiled, checked rule set. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) core: Arc<Core>,
    params: Arc<[ParamInfo]>,
    /// Parameter values by index, as compiled expressions read them.
    pub(crate) param_values: Arc<Vec<Val<'static>>>,
}

/// Everything that does not change with parameter overrides.
#[derive(Debug)]
pub(crate) struct Core {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub origin: String,
    /// SHA-256 of the rule files and seeds ([`RuleFiles::sha256`]).
    pub sha256: String,
    pub schema: InputSchema,
    pub catalog: Catalog,
    pub principles: Vec<Principle>,
    /// In evaluation order: every fact after the facts it uses. A fact's index here is its slot.
    pub facts: Vec<Fact>,
    /// Fact slots in declared order (the order of [`crate::finding::Evaluation::facts`]).
    pub facts_declared: Vec<usize>,
    /// Groups of obligations whose validity bounds are the same expressions and read no item, so
    /// are computed once per document: for each group, the index of one of its obligations.
    pub validity_groups: Vec<usize>,
    /// In declared order.
    pub obligations: Vec<Obligation>,
    pub headline: Option<Headline>,
    /// How portfolio reports name and group documents.
    pub report: ReportSpec,
    /// Bool facts that travel along links between documents of a batch.
    pub propagations: Vec<Propagation>,
    pub reference_date: Option<Compiled>,
    /// `[ruleset.closed]`: when it holds for a document, a finding that would be `pending` is
    /// `not_applicable`, saying why.
    pub closed: Option<Closed>,
    /// Facts and parameters `reference_date` uses, by id.
    pub reference_uses: Vec<String>,
    pub graph: RuleGraph,
    /// Where each parameter is declared, in the order of [`RuleSet::params`].
    pub param_places: Vec<Place>,
    /// The longest a waiver may run (`[ruleset] waiver_max`), when the rule set limits it.
    pub waiver_max: Option<ParamValue>,
    /// Obligations declared `waivable = false`, by id.
    pub unwaivable: Vec<String>,
    /// The source documents the rule set describes (`[[document]]`).
    pub documents: Vec<Arc<crate::finding::SourceDoc>>,
    /// Every seed quote a rule cites, for lint.
    pub quotes: Vec<check::QuoteUse>,
    /// Readings of quotes no rule cites, and descriptions of documents no rule cites.
    pub unused_readings: Vec<Place>,
    pub unused_documents: Vec<Place>,
}

/// Where something is declared.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub file: SourceFile,
    pub span: Span,
}

impl Place {
    /// `file:line:col`.
    pub fn where_(&self) -> String {
        let (l, c) = self.file.line_col(self.span.start);
        format!("{}:{l}:{c}", self.file.name())
    }
}

/// What a rule declares, as written: for `rules show`.
#[derive(Debug, Clone)]
pub struct RuleDetail {
    pub info: Arc<RuleInfo>,
    /// `file:line:col` of its id.
    pub place: String,
    /// Its expressions by key (`for_each`, `applies`, `require`, …), in evaluation order.
    pub expr: Vec<(&'static str, String)>,
    /// Its message templates by status.
    pub messages: Vec<(&'static str, Text)>,
    /// Facts and parameters it uses directly, by id.
    pub facts: Vec<String>,
    pub params: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct Fact {
    pub info: Arc<RuleInfo>,
    pub place: Place,
    pub expr: Compiled,
    /// Facts used directly, by id, in order of first use.
    pub uses: Vec<String>,
    /// Parameters used directly, by id.
    pub params: Vec<String>,
    /// Position among the declared facts.
    pub declared: usize,
}

#[derive(Debug)]
pub(crate) struct ForEach {
    /// Compiled from the whole `NAME in LIST` text; its value is the list.
    pub list: Compiled,
    pub label: Option<Compiled>,
}

#[derive(Debug, Default)]
pub(crate) struct Messages {
    pub met: Option<message::Message>,
    pub violated: Option<message::Message>,
    pub pending: Option<message::Message>,
    pub unknown: Option<message::Message>,
    pub not_applicable: Option<message::Message>,
    pub not_in_force: Option<message::Message>,
}

/// `[ruleset.closed]`, compiled.
#[derive(Debug)]
pub(crate) struct Closed {
    pub when: Compiled,
    pub message: Text,
}

#[derive(Debug)]
pub(crate) struct Obligation {
    pub info: Arc<RuleInfo>,
    pub place: Place,
    pub for_each: Option<ForEach>,
    pub applies: Option<Compiled>,
    pub require: Compiled,
    pub deadline: Option<Compiled>,
    pub valid_from: Option<Compiled>,
    pub valid_until: Option<Compiled>,
    /// `valid_on`: the date validity is judged on, when not the reference date.
    pub valid_on: Option<Compiled>,
    /// Its group in [`Core::validity_groups`], if its bounds are shared.
    pub validity_group: Option<usize>,
    pub messages: Messages,
    /// The assumptions its findings may rest on, each with when a finding does (in the scope of
    /// its messages: the item and the deadline).
    pub assumptions: Vec<(Arc<crate::finding::Assumption>, Compiled)>,
    /// Facts and parameters used directly, by id.
    pub facts: Vec<String>,
    pub params: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct Headline {
    pub info: HeadlineInfo,
    /// The headline fact's slot.
    pub slot: usize,
    /// Slots of the facts the headline fact uses directly.
    pub because: Vec<usize>,
}

/// A parameter value as expressions read it.
pub(crate) fn param_val(v: &ParamValue) -> Val<'static> {
    match v {
        ParamValue::Number(n) => Val::Number(*n),
        ParamValue::Date(d) => Val::Date(*d),
        ParamValue::Str(s) => Val::Str(Cow::Owned(s.clone())),
        ParamValue::Bool(b) => Val::Bool(*b),
        ParamValue::Duration { amount, unit } => {
            let n = i32::try_from(*amount).unwrap_or(0);
            Val::Duration(match unit {
                DurationUnit::Days => Dur { months: 0, days: n },
                DurationUnit::Weeks => Dur {
                    months: 0,
                    days: n.saturating_mul(7),
                },
                DurationUnit::Months => Dur { months: n, days: 0 },
                DurationUnit::Years => Dur {
                    months: n.saturating_mul(12),
                    days: 0,
                },
            })
        }
    }
}

/// A rule directory without `input.toml` is told so as a missing file, not as a missing key of
/// the schema's tables (which is how the schema loader, seeing only files, words it).
fn missing_input_file(files: &RuleFiles, mut diags: Diagnostics) -> Diagnostics {
    let Some(dir) = &files.dir else {
        return diags;
    };
    let key = format!("`{}`", crate::files::INPUT_FILE);
    for d in diags.0.iter_mut() {
        if d.code == "toml::missing-key" && d.file.is_none() && d.message.contains(&key) {
            *d = crate::diag::Diagnostic::new(
                &crate::files::FilesError::MissingFile {
                    path: dir.display().to_string(),
                    file: crate::files::INPUT_FILE,
                },
                None,
                None,
            );
        }
    }
    diags
}

impl RuleSet {
    /// Load, check and compile a rule set, reporting every problem at once.
    pub fn load(files: &RuleFiles, overrides: &[ParamOverride]) -> Result<RuleSet, Diagnostics> {
        compile::load(files, overrides).map_err(|d| missing_input_file(files, d))
    }

    /// The same rules with other parameter values (checked like those given to [`RuleSet::load`]).
    /// Overrides apply to this set's values: an override given before stays unless replaced.
    pub fn with_overrides(&self, overrides: &[ParamOverride]) -> Result<RuleSet, Diagnostics> {
        let mut params = self.params.to_vec();
        let declared: Vec<&str> = self.params.iter().map(|p| p.id.as_str()).collect();
        let mut diags = Diagnostics::new();
        check::apply_overrides(&mut params, &declared, overrides, &mut diags);
        let values = params.iter().map(|p| param_val(&p.value)).collect();
        diags.into_result(RuleSet {
            core: self.core.clone(),
            params: params.into(),
            param_values: Arc::new(values),
        })
    }

    pub fn id(&self) -> &str {
        &self.core.id
    }

    pub fn version(&self) -> &str {
        &self.core.version
    }

    pub fn title(&self) -> &Text {
        &self.core.title
    }

    /// `embedded` or the directory the rules were read from.
    pub fn origin(&self) -> &str {
        &self.core.origin
    }

    /// SHA-256 (hex) of the rule files and seeds it was loaded from ([`RuleFiles::sha256`]).
    pub fn sha256(&self) -> &str {
        &self.core.sha256
    }

    pub fn schema(&self) -> &InputSchema {
        &self.core.schema
    }

    pub fn catalog(&self) -> &Catalog {
        &self.core.catalog
    }

    /// What the rule set says about a source document, by seed file name or external title.
    pub fn document(&self, key: &str) -> Option<&Arc<crate::finding::SourceDoc>> {
        self.core.documents.iter().find(|d| d.key == key)
    }

    /// Obligations in declared order.
    pub fn obligations(&self) -> impl Iterator<Item = &Arc<RuleInfo>> {
        self.core.obligations.iter().map(|o| &o.info)
    }

    /// Facts in declared order.
    pub fn facts(&self) -> impl Iterator<Item = &Arc<RuleInfo>> {
        let mut v: Vec<&Fact> = self.core.facts.iter().collect();
        v.sort_by_key(|f| f.declared);
        v.into_iter().map(|f| &f.info)
    }

    pub fn principles(&self) -> &[Principle] {
        &self.core.principles
    }

    pub fn params(&self) -> &[ParamInfo] {
        &self.params
    }

    pub fn headline(&self) -> Option<&HeadlineInfo> {
        self.core.headline.as_ref().map(|h| &h.info)
    }

    /// How portfolio reports name and group documents (`[ruleset.report]`).
    pub fn report_spec(&self) -> &ReportSpec {
        &self.core.report
    }

    /// Bool facts that travel along links between documents (`[[ruleset.propagate]]`), in
    /// declared order.
    pub fn propagations(&self) -> &[Propagation] {
        &self.core.propagations
    }

    /// A fact's handle by id.
    pub fn fact_index(&self, id: &str) -> Option<FactIndex> {
        self.fact(id).map(|(slot, _)| FactIndex(slot))
    }

    /// The fact's id.
    pub fn fact_id(&self, fact: FactIndex) -> &str {
        self.core
            .facts
            .get(fact.0)
            .map(|f| f.info.id.as_str())
            .unwrap_or_default()
    }

    /// Whether fact `a` uses fact `b`, directly or through other facts. Facts are evaluated in
    /// their index order, so this implies `b < a`.
    pub fn fact_uses(&self, a: FactIndex, b: FactIndex) -> bool {
        batch::uses(&self.core.facts, a.0, b.0)
    }

    /// The dependency graph of facts, parameters and obligations.
    pub fn graph(&self) -> &RuleGraph {
        &self.core.graph
    }

    /// Everything declared about one obligation or fact (`@id`), for `rules show`.
    pub fn detail(&self, rule: &str) -> Result<RuleDetail, RuleError> {
        if let Some(id) = rule.strip_prefix('@') {
            let Some((_, f)) = self.fact(id) else {
                return Err(self.unknown_rule(rule));
            };
            return Ok(RuleDetail {
                info: f.info.clone(),
                place: f.place.where_(),
                expr: vec![("expr", f.expr.text().to_string())],
                messages: Vec::new(),
                facts: f.uses.clone(),
                params: f.params.clone(),
            });
        }
        let Some(o) = self.obligation(rule) else {
            return Err(self.unknown_rule(rule));
        };
        let mut expr = Vec::new();
        if let Some(fe) = &o.for_each {
            // The list was parsed from the whole `NAME in LIST` text.
            expr.push(("for_each", fe.list.text().to_string()));
            if let Some(l) = &fe.label {
                expr.push(("label", l.text().to_string()));
            }
        }
        for (key, c) in [
            ("valid_from", &o.valid_from),
            ("valid_until", &o.valid_until),
            ("valid_on", &o.valid_on),
            ("applies", &o.applies),
            ("deadline", &o.deadline),
        ] {
            if let Some(c) = c {
                expr.push((key, c.text().to_string()));
            }
        }
        expr.push(("require", o.require.text().to_string()));
        let m = &o.messages;
        let messages = [
            ("met", &m.met),
            ("violated", &m.violated),
            ("pending", &m.pending),
            ("unknown", &m.unknown),
            ("not_applicable", &m.not_applicable),
            ("not_in_force", &m.not_in_force),
        ]
        .into_iter()
        .filter_map(|(k, m)| {
            let m = m.as_ref()?;
            Some((k, Text::new(m.nb.source(), m.en.source())))
        })
        .collect();
        Ok(RuleDetail {
            info: o.info.clone(),
            place: o.place.where_(),
            expr,
            messages,
            facts: o.facts.clone(),
            params: o.params.clone(),
        })
    }

    /// The longest a waiver may run from its decision, when the rule set limits it.
    pub fn waiver_max(&self) -> Option<&ParamValue> {
        self.core.waiver_max.as_ref()
    }

    /// Whether a waiver may cover the findings of an obligation (`waivable`, default true).
    pub fn waivable(&self, id: &str) -> bool {
        !self.core.unwaivable.iter().any(|u| u == id)
    }

    /// Whether an obligation is judged per item (`for_each`); `None` for no such obligation.
    pub fn per_item(&self, id: &str) -> Option<bool> {
        self.obligation(id).map(|o| o.for_each.is_some())
    }

    pub(crate) fn obligation(&self, id: &str) -> Option<&Obligation> {
        self.core.obligations.iter().find(|o| o.info.id == id)
    }

    /// The obligation a finding of this rule set borrows its info from (findings hold a borrow,
    /// not a shared handle: see [`crate::finding`]), with its position. Findings come in
    /// obligation order, so the search starts at `*from`, where the previous finding's was, and
    /// leaves it at the one found: walking an evaluation's findings finds each one at once.
    pub(crate) fn obligation_of(
        &self,
        info: &RuleInfo,
        from: &mut usize,
    ) -> Option<(usize, &Obligation)> {
        let obligations = &self.core.obligations;
        let same = |o: &&Obligation| std::ptr::eq(&*o.info, info);
        let i = match obligations
            .get(*from..)
            .and_then(|r| r.iter().position(|o| same(&o)))
        {
            Some(i) => *from + i,
            None => obligations.iter().position(|o| same(&o))?,
        };
        *from = i;
        obligations.get(i).map(|o| (i, o))
    }

    pub(crate) fn fact(&self, id: &str) -> Option<(usize, &Fact)> {
        self.core
            .facts
            .iter()
            .enumerate()
            .find(|(_, f)| f.info.id == id)
    }

    /// An unknown rule id, with a suggestion from the declared ones.
    pub(crate) fn unknown_rule(&self, rule: &str) -> RuleError {
        let ids = self
            .core
            .obligations
            .iter()
            .map(|o| o.info.id.clone())
            .chain(self.core.facts.iter().map(|f| format!("@{}", f.info.id)))
            .collect::<Vec<_>>();
        RuleError::UnknownRule {
            id: rule.to_string(),
            suggestion: crate::diag::did_you_mean(rule, ids.iter().map(String::as_str))
                .map(str::to_string),
        }
    }
}
