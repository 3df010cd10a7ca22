//! What a rule set says about batches of documents rather than one: how portfolio reports name and
//! group documents (`[ruleset.report]`), and which bool facts travel along the links between
//! documents (`[[ruleset.propagate]]`). Read with spans by `decl`, checked against the input
//! schema and the facts here, used by [`crate::portfolio`].
//!
//! **Invariant:** nothing here knows a field or fact of any particular rule set; field paths and
//! fact ids are data, resolved to slots when the rule set loads.

use super::Fact;
use super::error::RuleError;
use super::toml::{Str, Table};
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::expr::Type;
use crate::finding::Tri;
use crate::schema::{Document, FieldType, InputSchema};
use crate::source::SourceFile;
use crate::text::Text;
use crate::value::Node;

const REPORT: &[&str] = &["title", "group"];
const GROUP: &[&str] = &["field", "title"];
const PROPAGATE: &[&str] = &["fact", "along", "direction", "title"];

/// A path of field names from the document root through objects (`owner.ministry`), resolved to
/// slots so reading it is a few index steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    text: String,
    slots: Vec<usize>,
}

impl FieldPath {
    /// The path as written in the rule set.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The node at this path in a document, `None` when a field on the way is absent.
    pub fn get<'a>(&self, doc: &'a Document) -> Option<&'a Node> {
        let mut node = &doc.root;
        for &slot in &self.slots {
            node = doc.tree.object(&node.value)?.get(slot)?.as_ref()?;
        }
        Some(node)
    }

    /// The string at this path (strings, ids, enum values, catalog and document keys).
    pub fn get_str<'a>(&self, doc: &'a Document) -> Option<&'a str> {
        doc.tree.str(&self.get(doc)?.value)
    }
}

/// A field portfolio reports group documents by (e.g. the owning ministry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGroup {
    pub path: FieldPath,
    pub title: Text,
}

/// How portfolio reports name and group documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSpec {
    /// A document's title; by default the root field `title`, when it is a string.
    pub title: Option<FieldPath>,
    pub groups: Vec<ReportGroup>,
}

/// Which way a propagated value travels along a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the document that holds the link to the document it names (a part tells its whole).
    ToTarget,
    /// From the named document to the document that holds the link (a whole tells its parts).
    FromTarget,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::ToTarget => "to_target",
            Direction::FromTarget => "from_target",
        }
    }
}

/// A fact's handle, for values given to the evaluator from outside a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactIndex(pub(crate) usize);

/// A value a bool fact receives from linked documents. It is joined with `or` (Kleene) to the
/// value the document gives the fact itself: `Yes` makes the fact true, `Unknown` makes a false
/// fact unknown, `No` changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub fact: FactIndex,
    pub value: Tri,
}

/// One declared propagation: a bool fact that travels along a link field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Propagation {
    /// The fact's id.
    pub fact: String,
    pub fact_index: FactIndex,
    /// The link field's name (a root field of type `key` or a list of `key`).
    pub along: String,
    /// The link field's slot in the root object.
    pub field: usize,
    pub direction: Direction,
    /// What the propagation means, for reports.
    pub title: Text,
}

#[derive(Debug, Clone)]
pub(crate) struct ReportDecl {
    pub title: Option<Str>,
    pub groups: Vec<(Str, Text)>,
}

#[derive(Debug, Clone)]
pub(crate) struct PropagateDecl {
    pub fact: Str,
    pub along: Str,
    pub direction: Str,
    pub title: Text,
}

/// `[ruleset.report]`, if written.
pub(crate) fn read_report(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Option<ReportDecl> {
    let (t, span) = tab.table("report", diags)?;
    let r = Table::new(tab.file, t, span, "`[ruleset.report]`", "ruleset.report");
    r.check_keys(REPORT, diags);
    let title = r.str("title", diags);
    let mut groups = Vec::new();
    for (g, span) in r.tables("group", diags) {
        let g = Table::new(
            tab.file,
            g,
            span,
            "`[[ruleset.report.group]]`",
            "ruleset.report.group",
        );
        g.check_keys(GROUP, diags);
        let field = g.req_str("field", diags);
        let title = g.req_text("title", diags);
        if let (Some(field), Some(title)) = (field, title) {
            groups.push((field, title));
        }
    }
    Some(ReportDecl { title, groups })
}

/// Every `[[ruleset.propagate]]`.
pub(crate) fn read_propagate(tab: &Table<'_, '_>, diags: &mut Diagnostics) -> Vec<PropagateDecl> {
    let mut out = Vec::new();
    for (t, span) in tab.tables("propagate", diags) {
        let p = Table::new(
            tab.file,
            t,
            span,
            "`[[ruleset.propagate]]`",
            "ruleset.propagate",
        );
        p.check_keys(PROPAGATE, diags);
        let fact = p.req_str("fact", diags);
        let along = p.req_str("along", diags);
        let direction = p.req_str("direction", diags);
        let title = p.req_text("title", diags);
        if let (Some(fact), Some(along), Some(direction), Some(title)) =
            (fact, along, direction, title)
        {
            out.push(PropagateDecl {
                fact,
                along,
                direction,
                title,
            });
        }
    }
    out
}

/// Resolve `[ruleset.report]` against the input schema.
pub(crate) fn report_spec(
    file: &SourceFile,
    decl: Option<&ReportDecl>,
    schema: &InputSchema,
    diags: &mut Diagnostics,
) -> ReportSpec {
    let Some(decl) = decl else {
        return ReportSpec {
            title: default_title(schema),
            groups: Vec::new(),
        };
    };
    let title = match &decl.title {
        Some(t) => resolve(file, t, schema, diags),
        None => default_title(schema),
    };
    let groups = decl
        .groups
        .iter()
        .filter_map(|(field, title)| {
            Some(ReportGroup {
                path: resolve(file, field, schema, diags)?,
                title: title.clone(),
            })
        })
        .collect();
    ReportSpec { title, groups }
}

/// The root field `title`, when the format has one that holds a string.
fn default_title(schema: &InputSchema) -> Option<FieldPath> {
    let (slot, f) = schema.root_type().field("title")?;
    is_stringy(&f.ty).then(|| FieldPath {
        text: "title".into(),
        slots: vec![slot],
    })
}

fn is_stringy(ty: &FieldType) -> bool {
    matches!(
        ty,
        FieldType::String { .. }
            | FieldType::Id { .. }
            | FieldType::Enum(_)
            | FieldType::Ref { .. }
            | FieldType::KeyRef
    )
}

/// A dotted path to a string-valued field, through objects only.
fn resolve(
    file: &SourceFile,
    path: &Str,
    schema: &InputSchema,
    diags: &mut Diagnostics,
) -> Option<FieldPath> {
    let mut ty = schema.root;
    let mut slots = Vec::new();
    let names: Vec<&str> = path.value.split('.').collect();
    for (i, name) in names.iter().enumerate() {
        let object = schema.types.get(ty)?;
        let Some((slot, f)) = object.field(name) else {
            let suggestion = did_you_mean(name, object.fields.iter().map(|f| f.name.as_str()))
                .map(str::to_string);
            diags.push(Diagnostic::at(
                &RuleError::BadReportField {
                    path: path.value.clone(),
                    reason: format!("`{}` has no field `{name}`", object.name),
                    suggestion,
                },
                file,
                path.span,
            ));
            return None;
        };
        slots.push(slot);
        let last = i + 1 == names.len();
        match (&f.ty, last) {
            (FieldType::Object(t), false) => ty = *t,
            (t, true) if is_stringy(t) => {}
            (t, _) => {
                diags.push(Diagnostic::at(
                    &RuleError::BadReportField {
                        path: path.value.clone(),
                        reason: format!("`{name}` is {}", t.describe(schema)),
                        suggestion: None,
                    },
                    file,
                    path.span,
                ));
                return None;
            }
        }
    }
    Some(FieldPath {
        text: path.value.clone(),
        slots,
    })
}

/// Resolve every `[[ruleset.propagate]]`: a bool fact, a link field of the root type, a direction.
pub(crate) fn propagations(
    file: &SourceFile,
    decls: &[PropagateDecl],
    schema: &InputSchema,
    catalog: &Catalog,
    facts: &[Fact],
    diags: &mut Diagnostics,
) -> Vec<Propagation> {
    let mut out = Vec::new();
    for d in decls {
        let fact = facts
            .iter()
            .enumerate()
            .find(|(_, f)| f.info.id == d.fact.value);
        let fact = match fact {
            Some((slot, f)) if matches!(f.expr.ty(), Type::Bool | Type::Any) => Some(slot),
            Some((_, f)) => {
                diags.push(Diagnostic::at(
                    &RuleError::PropagateNotBool {
                        id: d.fact.value.clone(),
                        found: f.expr.ty().describe(schema, catalog),
                    },
                    file,
                    d.fact.span,
                ));
                None
            }
            None => {
                let suggestion =
                    did_you_mean(&d.fact.value, facts.iter().map(|f| f.info.id.as_str()))
                        .map(str::to_string);
                diags.push(Diagnostic::at(
                    &RuleError::UnknownPropagateFact {
                        id: d.fact.value.clone(),
                        suggestion,
                    },
                    file,
                    d.fact.span,
                ));
                None
            }
        };
        let root = schema.root_type();
        let links: Vec<&str> = root
            .fields
            .iter()
            .filter(|f| is_link(&f.ty))
            .map(|f| f.name.as_str())
            .collect();
        let field = match root.field(&d.along.value) {
            Some((slot, f)) if is_link(&f.ty) => Some(slot),
            _ => {
                diags.push(Diagnostic::at(
                    &RuleError::NotALink {
                        field: d.along.value.clone(),
                        links: links
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        suggestion: did_you_mean(&d.along.value, links.iter().copied())
                            .map(str::to_string),
                    },
                    file,
                    d.along.span,
                ));
                None
            }
        };
        let direction = match d.direction.value.as_str() {
            "to_target" => Some(Direction::ToTarget),
            "from_target" => Some(Direction::FromTarget),
            other => {
                diags.push(Diagnostic::at(
                    &RuleError::BadDirection {
                        value: other.to_string(),
                    },
                    file,
                    d.direction.span,
                ));
                None
            }
        };
        if let Some(slot) = fact {
            let others: Vec<usize> = propagated(decls, facts)
                .into_iter()
                .filter(|&o| o != slot && uses(facts, slot, o))
                .collect();
            if others.len() > 3 {
                diags.push(Diagnostic::at(
                    &RuleError::PropagateTooDeep {
                        id: d.fact.value.clone(),
                        count: others.len(),
                    },
                    file,
                    d.fact.span,
                ));
            }
        }
        if let (Some(slot), Some(field), Some(direction)) = (fact, field, direction) {
            out.push(Propagation {
                fact: d.fact.value.clone(),
                fact_index: FactIndex(slot),
                along: d.along.value.clone(),
                field,
                direction,
                title: d.title.clone(),
            });
        }
    }
    out
}

/// Slots of the facts some declaration propagates, each once.
fn propagated(decls: &[PropagateDecl], facts: &[Fact]) -> Vec<usize> {
    let mut out: Vec<usize> = decls
        .iter()
        .filter_map(|d| facts.iter().position(|f| f.info.id == d.fact.value))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether fact `a` uses fact `b`, directly or through other facts.
pub(crate) fn uses(facts: &[Fact], a: usize, b: usize) -> bool {
    let mut seen = vec![false; facts.len()];
    let mut stack = vec![a];
    while let Some(i) = stack.pop() {
        let Some(f) = facts.get(i) else { continue };
        for u in &f.uses {
            let Some(j) = facts.iter().position(|f| &f.info.id == u) else {
                continue;
            };
            if j == b {
                return true;
            }
            if let Some(s) = seen.get_mut(j)
                && !*s
            {
                *s = true;
                stack.push(j);
            }
        }
    }
    false
}

/// A field that names other documents of the batch: a `key` or a list of `key`.
pub fn is_link(ty: &FieldType) -> bool {
    match ty {
        FieldType::KeyRef => true,
        FieldType::List { items, .. } => matches!(**items, FieldType::KeyRef),
        _ => false,
    }
}
