//! The last loading stage: every expression parsed, name-resolved and type-checked through
//! [`crate::expr`]; the dependency graph built; facts ordered (cycles reported); obligations,
//! messages and the headline compiled. Produces the immutable [`RuleSet`].

use super::check::{self, Seeds};
use super::decl::{self, Decls, FactDecl, MessageDecl, ObligationDecl};
use super::error::RuleError;
use super::graph::{NodeKind, RuleGraph};
use super::message::{Message, Part, RawPart, Template, split};
use super::toml::Str;
use super::{Core, Fact, ForEach, Headline, HeadlineInfo, Messages, Obligation, ParamInfo, Place};
use super::{ParamOverride, RuleSet, param_val};
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::expr::{self, Binding, Compiled, Expr, Names, Type};
use crate::files::RuleFiles;
use crate::finding::{RuleInfo, RuleKind};
use crate::schema::InputSchema;
use crate::source::SourceFile;
use crate::text::Text;
use std::collections::HashMap;
use std::sync::Arc;

/// Whether a rule file belongs to the input side (`input.toml`, `catalog.toml`, `catalog/`),
/// which `schema::load_input_side` reads.
fn is_input_side(files: &RuleFiles, f: &SourceFile) -> bool {
    let name = f.name();
    let rel = match &files.dir {
        Some(d) => {
            let d = d.to_string_lossy().replace('\\', "/");
            name.strip_prefix(&format!("{}/", d.trim_end_matches('/')))
                .unwrap_or(name)
                .to_string()
        }
        None => name.strip_prefix("rules/").unwrap_or(name).to_string(),
    };
    rel == "input.toml" || rel == "catalog.toml" || rel.starts_with("catalog/")
}

pub(crate) fn load(files: &RuleFiles, overrides: &[ParamOverride]) -> Result<RuleSet, Diagnostics> {
    let mut diags = Diagnostics::new();
    let input = match crate::schema::load_input_side(files) {
        Ok(x) => Some(x),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let rule_files: Vec<SourceFile> = files
        .files
        .iter()
        .filter(|f| !is_input_side(files, f))
        .cloned()
        .collect();
    let decls = decl::read(&rule_files, &mut diags);
    let ruleset = check::ruleset(&decls, &mut diags);
    check::duplicates(
        "principle",
        decls.principles.iter().map(|p| (&p.file, &p.id)),
        &mut diags,
    );
    check::duplicates(
        "parameter",
        decls.params.iter().map(|p| (&p.file, &p.id)),
        &mut diags,
    );
    check::duplicates(
        "fact",
        decls.facts.iter().map(|p| (&p.file, &p.id)),
        &mut diags,
    );
    check::duplicates(
        "obligation",
        decls.obligations.iter().map(|p| (&p.file, &p.id)),
        &mut diags,
    );
    let principles = check::principles(&decls);
    let library =
        super::sources::Library::new(&decls.documents, &decls.readings, &files.seeds, &mut diags);
    let seeds = Seeds::new(&files.seeds, &library);
    let params = check::params(&decls.params, &seeds, overrides, &mut diags);

    // Without the input schema nothing can be type-checked; report what was found so far, and
    // the syntax of every expression.
    let Some((schema, catalog)) = input else {
        syntax_only(&decls, &mut diags);
        return Err(sorted(diags));
    };
    let mut c = Compiler {
        schema: &schema,
        catalog: &catalog,
        params: &params,
        param_ids: params.iter().map(|p| p.id.clone()).collect(),
        fact_ids: decls.facts.iter().map(|f| f.id.value.clone()).collect(),
        facts: HashMap::new(),
        graph: RuleGraph::default(),
        diags,
    };
    let facts = c.facts(&decls, &seeds);
    let reference_date = ruleset.and_then(|r| {
        let s = r.reference_date.as_ref()?;
        c.expr(
            &r.file,
            s,
            &[],
            false,
            Some(("reference_date", &Type::Date)),
        )
    });
    let closed = ruleset.and_then(|r| {
        let cl = r.closed.as_ref()?;
        let when = c.expr(&r.file, &cl.when, &[], true, Some(("when", &Type::Bool)))?;
        Some(super::Closed {
            when,
            message: cl.message.clone(),
        })
    });
    let reference_uses = ruleset
        .and_then(|r| r.reference_date.as_ref().map(|s| (r, s)))
        .and_then(|(r, s)| expr::parse(&r.file, s.offset, &s.value).ok())
        .map(|e| {
            e.fact_refs()
                .into_iter()
                .chain(e.param_refs())
                .map(|(id, _)| id)
                .collect()
        })
        .unwrap_or_default();
    let param_places = params
        .iter()
        .filter_map(|p| {
            let d = decls.params.iter().find(|d| d.id.value == p.id)?;
            Some(Place {
                file: d.file.clone(),
                span: d.id.span,
            })
        })
        .collect();
    let mut obligations = Vec::new();
    for o in &decls.obligations {
        let principle = o
            .principle
            .as_ref()
            .and_then(|p| check::principle(&principles, &o.file, p, &mut c.diags));
        let sources = seeds.resolve(&o.file, &o.sources, &mut c.diags);
        if !o.has_sources {
            c.diags.push(Diagnostic::at(
                &RuleError::NoSource {
                    kind: "obligation",
                    id: o.id.value.clone(),
                },
                &o.file,
                o.id.span,
            ));
        }
        let info = Arc::new(RuleInfo {
            id: o.id.value.clone(),
            kind: RuleKind::Obligation,
            principle,
            severity: o.severity,
            title: o.title.clone(),
            remedy: o.remedy.clone(),
            sources,
        });
        if let Some(ob) = c.obligation(o, info, &decls.assumptions) {
            obligations.push(ob);
        }
    }
    let validity_groups = validity_groups(&mut obligations);
    let mut facts_declared: Vec<usize> = (0..facts.len()).collect();
    facts_declared.sort_by_key(|&slot| facts.get(slot).map(|f| f.declared));
    let headline = ruleset.and_then(|r| c.headline(r, &facts));
    let (report, propagations) = match ruleset {
        Some(r) => (
            super::batch::report_spec(&r.file, r.report.as_ref(), &schema, &mut c.diags),
            super::batch::propagations(
                &r.file,
                &r.propagate,
                &schema,
                &catalog,
                &facts,
                &mut c.diags,
            ),
        ),
        None => Default::default(),
    };
    let quotes = seeds.into_quotes();
    let (unused_readings, unused_documents) = library.unused();
    let Compiler { graph, diags, .. } = c;
    if !diags.is_empty() {
        return Err(sorted(diags));
    }
    let Some(r) = ruleset else {
        return Err(sorted(diags));
    };
    let values = params.iter().map(|p| param_val(&p.value)).collect();
    Ok(RuleSet {
        core: Arc::new(Core {
            id: r.id.clone(),
            version: r.version.clone(),
            title: r.title.clone(),
            origin: files.origin.clone(),
            sha256: files.sha256(),
            schema,
            catalog,
            principles,
            facts,
            facts_declared,
            validity_groups,
            obligations,
            headline,
            report,
            propagations,
            reference_date,
            closed,
            reference_uses,
            graph,
            param_places,
            documents: library.docs.clone(),
            quotes,
            unused_readings,
            unused_documents,
            waiver_max: r
                .waiver_max
                .as_ref()
                .and_then(|m| super::ParamValue::parse(super::ParamType::Duration, &m.value)),
            unwaivable: decls
                .obligations
                .iter()
                .filter(|o| !o.waivable)
                .map(|o| o.id.value.clone())
                .collect(),
        }),
        params: params.into(),
        param_values: Arc::new(values),
    })
}

/// Group obligations by their validity bounds, so that bounds written the same way are computed
/// once per document. Only obligations without `for_each` take part: their bounds cannot read an
/// item. Returns one obligation index per group.
fn validity_groups(obligations: &mut [Obligation]) -> Vec<usize> {
    fn text(c: &Option<Compiled>) -> Option<&str> {
        c.as_ref().map(Compiled::text)
    }
    let mut groups: Vec<usize> = Vec::new();
    for i in 0..obligations.len() {
        let Some(o) = obligations.get(i) else { break };
        if o.for_each.is_some()
            || o.valid_on.is_some()
            || (o.valid_from.is_none() && o.valid_until.is_none())
        {
            continue;
        }
        let key = (text(&o.valid_from), text(&o.valid_until));
        let found = groups.iter().position(|&g| {
            obligations
                .get(g)
                .is_some_and(|r| (text(&r.valid_from), text(&r.valid_until)) == key)
        });
        let group = match found {
            Some(g) => g,
            None => {
                groups.push(i);
                groups.len() - 1
            }
        };
        if let Some(o) = obligations.get_mut(i) {
            o.validity_group = Some(group);
        }
    }
    groups
}

/// Problems in file order (problems without a place first), so a reader can work down a file.
fn sorted(diags: Diagnostics) -> Diagnostics {
    let mut v = diags.0;
    v.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.file.is_some(),
                d.file_name().map(str::to_string),
                d.span.map(|s| s.start),
            )
        };
        key(a).cmp(&key(b))
    });
    Diagnostics(v)
}

fn syntax_only(decls: &Decls, diags: &mut Diagnostics) {
    let mut parse = |file: &SourceFile, s: &Option<Str>| {
        if let Some(s) = s
            && let Err(d) = expr::parse(file, s.offset, &s.value)
        {
            diags.extend(d);
        }
    };
    for f in &decls.facts {
        parse(&f.file, &f.expr);
    }
    for o in &decls.obligations {
        for s in [
            &o.label,
            &o.applies,
            &o.require,
            &o.deadline,
            &o.valid_from,
            &o.valid_until,
            &o.valid_on,
        ] {
            parse(&o.file, s);
        }
    }
}

struct Compiler<'a> {
    schema: &'a InputSchema,
    catalog: &'a Catalog,
    params: &'a [ParamInfo],
    param_ids: Vec<String>,
    fact_ids: Vec<String>,
    /// Facts compiled so far: slot and type. Facts that could not be compiled have type `Any`,
    /// so what uses them is still checked without a second report of the same problem.
    facts: HashMap<String, (usize, Type)>,
    graph: RuleGraph,
    diags: Diagnostics,
}

impl Compiler<'_> {
    /// Parse and compile one expression; `want` is the key and the type it must have.
    fn expr(
        &mut self,
        file: &SourceFile,
        s: &Str,
        bindings: &[Binding],
        ref_date: bool,
        want: Option<(&'static str, &Type)>,
    ) -> Option<Compiled> {
        let parsed = match expr::parse(file, s.offset, &s.value) {
            Ok(e) => e,
            Err(d) => {
                self.diags.extend(d);
                return None;
            }
        };
        self.compile(file, &parsed, bindings, ref_date, want)
    }

    fn compile(
        &mut self,
        file: &SourceFile,
        parsed: &Expr,
        bindings: &[Binding],
        ref_date: bool,
        want: Option<(&'static str, &Type)>,
    ) -> Option<Compiled> {
        let facts = &self.facts;
        let params = self.params;
        let fact_fn = |id: &str| facts.get(id).cloned();
        let param_fn = |id: &str| {
            params
                .iter()
                .position(|p| p.id == id)
                .and_then(|i| Some((i, param_type(params.get(i)?))))
        };
        let names = Names {
            schema: self.schema,
            catalog: self.catalog,
            facts: &fact_fn,
            params: &param_fn,
            bindings,
            ref_date,
            fact_ids: &self.fact_ids,
            param_ids: &self.param_ids,
        };
        let compiled = match expr::compile(parsed, &names, file) {
            Ok(c) => c,
            Err(d) => {
                self.diags.extend(d);
                return None;
            }
        };
        if let Some((key, ty)) = want
            && !fits(compiled.ty(), ty)
        {
            self.diags.push(Diagnostic::at(
                &RuleError::ExprType {
                    key,
                    expected: match ty {
                        Type::Bool => "a condition (bool)",
                        Type::Date => "a date",
                        _ => "another type",
                    },
                    found: compiled.ty().describe(self.schema, self.catalog),
                },
                file,
                parsed.span(),
            ));
            return None;
        }
        Some(compiled)
    }

    /// Parse every fact, build the fact graph, report cycles, and compile in dependency order.
    /// Linear in the number of facts and their uses, besides sorting.
    fn facts(&mut self, decls: &Decls, seeds: &Seeds<'_>) -> Vec<Fact> {
        let mut parsed: Vec<Option<Expr>> = Vec::new();
        for f in &decls.facts {
            self.graph.node(NodeKind::Fact, &f.id.value);
        }
        for f in &decls.facts {
            let e = f
                .expr
                .as_ref()
                .and_then(|s| match expr::parse(&f.file, s.offset, &s.value) {
                    Ok(e) => Some(e),
                    Err(d) => {
                        self.diags.extend(d);
                        None
                    }
                });
            if let Some(e) = &e {
                let me = self.graph.node(NodeKind::Fact, &f.id.value);
                for (id, _) in e.fact_refs() {
                    if let Some(dep) = self.graph.find(NodeKind::Fact, &id) {
                        self.graph.edge(dep, me, "expr");
                    }
                }
                for (id, _) in e.param_refs() {
                    if self.params.iter().any(|p| p.id == id) {
                        let p = self.graph.node(NodeKind::Param, &id);
                        self.graph.edge(p, me, "expr");
                    }
                }
            }
            parsed.push(e);
        }
        // Each id's first declaration, looked up by id: scans of the declarations for each fact
        // made loading quadratic in the number of facts.
        let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, f) in decls.facts.iter().enumerate() {
            first.entry(f.id.value.as_str()).or_insert(i);
        }
        let first_of = first;
        let order_of = |id: &str| first_of.get(id).copied().unwrap_or(usize::MAX);
        for cycle in self.graph.fact_cycles(&order_of) {
            let (Some(first), Some(second)) = (cycle.first(), cycle.get(1)) else {
                continue;
            };
            // Point at the first fact's use of the next one.
            let at = first_of
                .get(first.as_str())
                .and_then(|&i| Some((decls.facts.get(i)?, parsed.get(i)?)))
                .and_then(|(f, e)| {
                    let span = e
                        .as_ref()?
                        .fact_refs()
                        .into_iter()
                        .find(|(id, _)| id == second)
                        .map(|(_, s)| s)?;
                    Some((f.file.clone(), span))
                });
            let text = cycle_text(&cycle);
            let e = RuleError::FactCycle { cycle: text };
            self.diags.push(match at {
                Some((file, span)) => Diagnostic::at(&e, &file, span),
                None => Diagnostic::new(&e, None, None),
            });
        }
        let order = self.graph.fact_order(&order_of);
        let ordered: std::collections::HashSet<&str> = order.iter().map(String::as_str).collect();
        // Facts on or behind a cycle are never compiled; they count as `Any` for their users.
        for f in &decls.facts {
            if !ordered.contains(f.id.value.as_str()) {
                self.facts.insert(f.id.value.clone(), (0, Type::Any));
            }
        }
        let mut out = Vec::new();
        for id in &order {
            let Some((i, f)) = first_of
                .get(id.as_str())
                .and_then(|&i| Some((i, decls.facts.get(i)?)))
            else {
                continue;
            };
            // A duplicate id: the first declaration is the fact.
            if self.facts.contains_key(id) {
                continue;
            }
            let sources = seeds.resolve(&f.file, &f.sources, &mut self.diags);
            let compiled = parsed
                .get(i)
                .and_then(Option::as_ref)
                .and_then(|e| self.compile(&f.file, e, &[], true, None));
            let Some(compiled) = compiled else {
                self.facts.insert(id.clone(), (0, Type::Any));
                continue;
            };
            let slot = out.len();
            self.facts.insert(id.clone(), (slot, compiled.ty().clone()));
            out.push(fact(
                f,
                compiled,
                sources,
                parsed.get(i).and_then(Option::as_ref),
                i,
            ));
        }
        out
    }

    fn headline(&mut self, r: &decl::RulesetDecl, facts: &[Fact]) -> Option<Headline> {
        let h = r.headline.as_ref()?;
        let id = &h.fact.value;
        let Some(f) = facts.iter().enumerate().find(|(_, f)| &f.info.id == id) else {
            if !self.fact_ids.contains(id) {
                let suggestion =
                    did_you_mean(id, self.fact_ids.iter().map(String::as_str)).map(str::to_string);
                self.diags.push(Diagnostic::at(
                    &RuleError::UnknownHeadlineFact {
                        id: id.clone(),
                        suggestion,
                    },
                    &r.file,
                    h.fact.span,
                ));
            }
            return None;
        };
        let (slot, fact) = f;
        if !fits(fact.expr.ty(), &Type::Bool) {
            self.diags.push(Diagnostic::at(
                &RuleError::HeadlineNotBool {
                    id: id.clone(),
                    found: fact.expr.ty().describe(self.schema, self.catalog),
                },
                &r.file,
                h.fact.span,
            ));
            return None;
        }
        let because = fact
            .uses
            .iter()
            .filter_map(|u| facts.iter().position(|f| &f.info.id == u))
            .collect();
        Some(Headline {
            info: HeadlineInfo {
                key: h.key.clone(),
                title: h.title.clone(),
                fact: id.clone(),
            },
            slot,
            because,
        })
    }

    fn obligation(
        &mut self,
        o: &ObligationDecl,
        info: Arc<RuleInfo>,
        declared: &[decl::AssumptionDecl],
    ) -> Option<Obligation> {
        let me = self.graph.node(NodeKind::Obligation, &o.id.value);
        let mut ok = true;
        let mut bindings: Vec<Binding> = Vec::new();
        let mut for_each = None;
        if let Some(fe) = &o.for_each {
            match expr::parse_for_each(&o.file, fe.offset, &fe.value) {
                Err(d) => {
                    self.diags.extend(d);
                    ok = false;
                }
                Ok((name, _span, list)) => {
                    self.uses(&list, me, "for_each");
                    match self.compile(&o.file, &list, &[], true, None) {
                        None => ok = false,
                        Some(c) => match c.ty().clone() {
                            Type::List(item) => {
                                bindings.push(Binding {
                                    name: name.clone(),
                                    ty: *item,
                                });
                                for_each = Some((name, c));
                            }
                            Type::Any => ok = false,
                            other => {
                                self.diags.push(Diagnostic::at(
                                    &RuleError::ForEachNotList {
                                        found: other.describe(self.schema, self.catalog),
                                    },
                                    &o.file,
                                    list.span(),
                                ));
                                ok = false;
                            }
                        },
                    }
                }
            }
        }
        let item_bindings = bindings.clone();
        let one = |this: &mut Self,
                   s: &Option<Str>,
                   key: &'static str,
                   bindings: &[Binding],
                   want: Option<&Type>|
         -> (bool, Option<Compiled>) {
            let Some(s) = s else {
                return (true, None);
            };
            let parsed = match expr::parse(&o.file, s.offset, &s.value) {
                Ok(e) => e,
                Err(d) => {
                    this.diags.extend(d);
                    return (false, None);
                }
            };
            this.uses(&parsed, me, key);
            let c = this.compile(&o.file, &parsed, bindings, true, want.map(|t| (key, t)));
            (c.is_some(), c)
        };
        let (l_ok, label) = one(self, &o.label, "label", &item_bindings, None);
        let (f_ok, valid_from) = one(
            self,
            &o.valid_from,
            "valid_from",
            &item_bindings,
            Some(&Type::Date),
        );
        let (u_ok, valid_until) = one(
            self,
            &o.valid_until,
            "valid_until",
            &item_bindings,
            Some(&Type::Date),
        );
        let (v_ok, valid_on) = one(
            self,
            &o.valid_on,
            "valid_on",
            &item_bindings,
            Some(&Type::Date),
        );
        let (a_ok, applies) = one(
            self,
            &o.applies,
            "applies",
            &item_bindings,
            Some(&Type::Bool),
        );
        let (d_ok, deadline) = one(
            self,
            &o.deadline,
            "deadline",
            &item_bindings,
            Some(&Type::Date),
        );
        ok &= l_ok && f_ok && u_ok && v_ok && a_ok && d_ok;
        let mut inner = item_bindings.clone();
        if o.deadline.is_some() {
            if inner.iter().any(|b| b.name == "deadline") {
                if let Some(fe) = &o.for_each {
                    self.diags.push(Diagnostic::at(
                        &RuleError::Shadowed {
                            name: "deadline".into(),
                        },
                        &o.file,
                        fe.span,
                    ));
                }
                ok = false;
            }
            inner.push(Binding {
                name: "deadline".into(),
                ty: Type::Date,
            });
        }
        let (r_ok, require) = one(self, &o.require, "require", &inner, Some(&Type::Bool));
        ok &= r_ok;
        let messages = self.messages(o, me, &inner);
        let mut assumptions = Vec::new();
        for r in &o.assumptions {
            let Some(a) = declared.iter().find(|a| a.id.value == r.value) else {
                let suggestion = crate::diag::did_you_mean(
                    &r.value,
                    declared.iter().map(|a| a.id.value.as_str()),
                )
                .map(String::from);
                self.diags.push(Diagnostic::at(
                    &RuleError::UnknownAssumption {
                        id: r.value.clone(),
                        suggestion,
                    },
                    &o.file,
                    r.span,
                ));
                ok = false;
                continue;
            };
            let Some(w) = &a.when else {
                ok = false;
                continue;
            };
            let parsed = match expr::parse(&a.file, w.offset, &w.value) {
                Ok(e) => e,
                Err(d) => {
                    self.diags.extend(d);
                    ok = false;
                    continue;
                }
            };
            self.uses(&parsed, me, "assumption");
            match self.compile(&a.file, &parsed, &inner, true, Some(("when", &Type::Bool))) {
                Some(c) => assumptions.push((
                    Arc::new(crate::finding::Assumption {
                        id: a.id.value.clone(),
                        text: a.text.clone(),
                    }),
                    c,
                )),
                None => ok = false,
            }
        }
        let (Some(messages), true, Some(require)) = (messages, ok, require) else {
            return None;
        };
        let (fact_ids, param_ids) = self.used_by(&o.id.value);
        Some(Obligation {
            info,
            place: Place {
                file: o.file.clone(),
                span: o.id.span,
            },
            for_each: for_each.map(|(_, list)| ForEach { list, label }),
            applies,
            require,
            deadline,
            valid_from,
            valid_until,
            valid_on,
            validity_group: None,
            messages,
            assumptions,
            facts: fact_ids,
            params: param_ids,
        })
    }

    /// Record in the graph what an obligation's expression uses.
    fn uses(&mut self, e: &Expr, me: petgraph::graph::NodeIndex, key: &'static str) {
        for (id, _) in e.fact_refs() {
            if let Some(dep) = self.graph.find(NodeKind::Fact, &id) {
                self.graph.edge(dep, me, key);
            }
        }
        for (id, _) in e.param_refs() {
            if self.params.iter().any(|p| p.id == id) {
                let p = self.graph.node(NodeKind::Param, &id);
                self.graph.edge(p, me, key);
            }
        }
    }

    /// The facts and parameters an obligation uses directly, by id.
    fn used_by(&self, id: &str) -> (Vec<String>, Vec<String>) {
        let used = self.graph.used(NodeKind::Obligation, id);
        let of = |kind| {
            used.iter()
                .filter(|n| n.kind == kind)
                .map(|n| n.id.clone())
                .collect()
        };
        (of(NodeKind::Fact), of(NodeKind::Param))
    }

    fn messages(
        &mut self,
        o: &ObligationDecl,
        me: petgraph::graph::NodeIndex,
        bindings: &[Binding],
    ) -> Option<Messages> {
        let m = &o.messages;
        let span = m.span.unwrap_or(o.id.span);
        let mut ok = true;
        let need =
            |status: &'static str, present: bool, why: &'static str, diags: &mut Diagnostics| {
                if !present {
                    diags.push(Diagnostic::at(
                        &RuleError::MissingMessage { status, why },
                        &o.file,
                        span,
                    ));
                }
            };
        if m.span.is_some() {
            need(
                "met",
                m.met.is_some(),
                "every obligation says what meeting it means",
                &mut self.diags,
            );
            need(
                "violated",
                m.violated.is_some(),
                "every obligation says what is wrong",
                &mut self.diags,
            );
        }
        if o.deadline.is_some() {
            need(
                "pending",
                m.pending.is_some(),
                "the obligation has a deadline",
                &mut self.diags,
            );
        }
        let mut one = |this: &mut Self, d: &Option<MessageDecl>| -> Option<Message> {
            let d = d.as_ref()?;
            let nb = this.template(o, me, d.nb.as_ref(), bindings);
            let nn = match &d.nn {
                Some(s) => this.template(o, me, Some(s), bindings).map(Some),
                None => Some(None),
            };
            let en = this.template(o, me, d.en.as_ref(), bindings);
            match (nb, nn, en) {
                (Some(nb), Some(nn), Some(en)) => Some(Message { nb, nn, en }),
                _ => {
                    ok = false;
                    None
                }
            }
        };
        let out = Messages {
            met: one(self, &m.met),
            violated: one(self, &m.violated),
            pending: one(self, &m.pending),
            unknown: one(self, &m.unknown),
            not_applicable: one(self, &m.not_applicable),
            not_in_force: one(self, &m.not_in_force),
        };
        ok.then_some(out)
    }

    fn template(
        &mut self,
        o: &ObligationDecl,
        me: petgraph::graph::NodeIndex,
        s: Option<&Str>,
        bindings: &[Binding],
    ) -> Option<Template> {
        // A missing language has been reported already; the other one is still checked.
        let s = s?;
        let raw = match split(s) {
            Ok(r) => r,
            Err((e, span)) => {
                self.diags.push(Diagnostic::at(&e, &o.file, span));
                return None;
            }
        };
        let mut parts = Vec::new();
        let mut ok = true;
        for p in raw {
            match p {
                RawPart::Lit(l) => parts.push(Part::Lit(l)),
                RawPart::Expr { text, offset } => {
                    let parsed = match expr::parse(&o.file, offset, &text) {
                        Ok(e) => e,
                        Err(d) => {
                            self.diags.extend(d);
                            ok = false;
                            continue;
                        }
                    };
                    self.uses(&parsed, me, "message");
                    match self.compile(&o.file, &parsed, bindings, true, None) {
                        Some(c) => parts.push(Part::Expr(c)),
                        None => ok = false,
                    }
                }
            }
        }
        ok.then_some(Template { parts })
    }
}

/// Facts of a cycle shown in its message: a cycle of 40 000 facts was one 539 KB diagnostic.
const CYCLE_SHOWN: usize = 12;

/// A fact cycle as `@a → @b → … → @a`; a long one shows its first facts, how many are left
/// out, and its last two (the one that closes it and the start again).
fn cycle_text(cycle: &[String]) -> String {
    let at = |id: &String| format!("@{id}");
    if cycle.len() <= CYCLE_SHOWN + 2 {
        return cycle.iter().map(at).collect::<Vec<_>>().join(" → ");
    }
    let head: Vec<String> = cycle.iter().take(CYCLE_SHOWN - 2).map(at).collect();
    let tail: Vec<String> = cycle.iter().skip(cycle.len() - 2).map(at).collect();
    let left = cycle.len() - head.len() - tail.len();
    format!(
        "{} → … {left} more … → {}",
        head.join(" → "),
        tail.join(" → ")
    )
}

/// Whether a compiled type is acceptable where `want` is required. `Any` has been reported.
fn fits(got: &Type, want: &Type) -> bool {
    got == want || matches!(got, Type::Any)
}

fn param_type(p: &ParamInfo) -> Type {
    match p.ty {
        decl::ParamType::Number => Type::Number,
        decl::ParamType::Date => Type::Date,
        decl::ParamType::String => Type::String,
        decl::ParamType::Bool => Type::Bool,
        decl::ParamType::Duration => Type::Duration,
    }
}

fn fact(
    f: &FactDecl,
    expr: Compiled,
    sources: Vec<crate::finding::SourceRef>,
    parsed: Option<&Expr>,
    declared: usize,
) -> Fact {
    let mut uses: Vec<String> = Vec::new();
    let mut params: Vec<String> = Vec::new();
    if let Some(e) = parsed {
        for (id, _) in e.fact_refs() {
            if !uses.contains(&id) {
                uses.push(id);
            }
        }
        for (id, _) in e.param_refs() {
            if !params.contains(&id) {
                params.push(id);
            }
        }
    }
    Fact {
        info: Arc::new(RuleInfo {
            id: f.id.value.clone(),
            kind: RuleKind::Fact,
            principle: None,
            severity: None,
            title: f.title.clone(),
            remedy: Text::default(),
            sources,
        }),
        place: Place {
            file: f.file.clone(),
            span: f.id.span,
        },
        expr,
        uses,
        params,
        declared,
    }
}
