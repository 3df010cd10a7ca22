//! The second loading stage: checks across declarations that need no expression: one
//! `[ruleset]`, unique ids, known principles, sources (seed files exist, quotes are found),
//! parameter defaults of the declared type, and parameter overrides.

use super::ParamInfo;
use super::ParamType;
use super::Place;
use super::decl::{Decls, ParamDecl, RulesetDecl, SourceDecl};
use super::error::RuleError;
use super::params::{ParamOverride, ParamRange, ParamValue};
use super::seeds::{FoldedSeed, fold};
use super::sources::Library;
use super::toml::{Str, place};
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::finding::{Principle, SourceRef};
use crate::source::SourceFile;

/// Exactly one `[ruleset]`.
pub(crate) fn ruleset<'d>(decls: &'d Decls, diags: &mut Diagnostics) -> Option<&'d RulesetDecl> {
    let mut iter = decls.rulesets.iter();
    let Some(first) = iter.next() else {
        diags.push(Diagnostic::new(&RuleError::NoRuleset, None, None));
        return None;
    };
    for other in iter {
        diags.push(Diagnostic::at(
            &RuleError::DuplicateRuleset {
                first: place(&first.file, first.span),
            },
            &other.file,
            other.span,
        ));
    }
    Some(first)
}

/// Report every id declared twice, naming the first declaration.
pub(crate) fn duplicates<'a>(
    kind: &'static str,
    ids: impl Iterator<Item = (&'a SourceFile, &'a Str)>,
    diags: &mut Diagnostics,
) {
    // By id: a scan of the ids seen for every id was quadratic in a rule set of 100 000 facts.
    let mut seen: std::collections::HashMap<&str, (&SourceFile, &Str)> =
        std::collections::HashMap::new();
    for (file, id) in ids {
        if let Some((ffile, fid)) = seen.get(id.value.as_str()) {
            diags.push(Diagnostic::at(
                &RuleError::Duplicate {
                    kind,
                    id: id.value.clone(),
                    first: place(ffile, fid.span),
                },
                file,
                id.span,
            ));
        } else {
            seen.insert(&id.value, (file, id));
        }
    }
}

pub(crate) fn principles(decls: &Decls) -> Vec<Principle> {
    let mut out: Vec<Principle> = Vec::new();
    for p in &decls.principles {
        if !out.iter().any(|q| q.id == p.id.value) {
            out.push(Principle {
                id: p.id.value.clone(),
                title: p.title.clone(),
            });
        }
    }
    out
}

/// The principle an obligation names, or a diagnostic.
pub(crate) fn principle(
    principles: &[Principle],
    file: &SourceFile,
    id: &Str,
    diags: &mut Diagnostics,
) -> Option<Principle> {
    let found = principles.iter().find(|p| p.id == id.value).cloned();
    if found.is_none() {
        let suggestion =
            did_you_mean(&id.value, principles.iter().map(|p| p.id.as_str())).map(str::to_string);
        diags.push(Diagnostic::at(
            &RuleError::UnknownPrinciple {
                id: id.value.clone(),
                suggestion,
            },
            file,
            id.span,
        ));
    }
    found
}

/// Seed documents with their whitespace folded once, shared by every quote, and what the rule
/// set says about the documents.
pub(crate) struct Seeds<'a> {
    seeds: Vec<FoldedSeed<'a>>,
    library: &'a Library,
    /// Every seed quote resolved, for lint.
    quotes: std::cell::RefCell<Vec<QuoteUse>>,
}

impl<'a> Seeds<'a> {
    pub fn new(files: &'a [SourceFile], library: &'a Library) -> Self {
        Seeds {
            seeds: files.iter().map(FoldedSeed::new).collect(),
            library,
            quotes: Default::default(),
        }
    }

    /// The seed quotes resolved so far.
    pub fn into_quotes(self) -> Vec<QuoteUse> {
        self.quotes.into_inner()
    }

    /// Resolve declared sources: check that each seed exists and holds the quote.
    pub fn resolve(
        &self,
        file: &SourceFile,
        sources: &[SourceDecl],
        diags: &mut Diagnostics,
    ) -> Vec<SourceRef> {
        let mut out = Vec::new();
        for s in sources {
            match s {
                SourceDecl::Seed { seed, quote } => {
                    let Some(folded) = self.seeds.iter().find(|f| f.file.name() == seed.value)
                    else {
                        let suggestion =
                            did_you_mean(&seed.value, self.seeds.iter().map(|f| f.file.name()))
                                .map(str::to_string);
                        diags.push(Diagnostic::at(
                            &RuleError::UnknownSeed {
                                seed: seed.value.clone(),
                                suggestion,
                            },
                            file,
                            seed.span,
                        ));
                        continue;
                    };
                    match folded.find(&quote.value) {
                        Some(line) => {
                            let doc = self.library.doc(&seed.value).cloned();
                            let reading = self.library.reading(&seed.value, &fold(&quote.value));
                            self.quotes.borrow_mut().push(QuoteUse {
                                ocr: doc.as_ref().is_some_and(|d| d.ocr),
                                has_reading: reading.is_some(),
                                seed: seed.value.clone(),
                                place: Place {
                                    file: file.clone(),
                                    span: quote.span,
                                },
                            });
                            out.push(SourceRef::Seed {
                                file: seed.value.clone(),
                                line,
                                quote: quote.value.clone(),
                                doc,
                                reading,
                            })
                        }
                        None => diags.push(Diagnostic::at(
                            &RuleError::QuoteNotFound {
                                seed: seed.value.clone(),
                            },
                            file,
                            quote.span,
                        )),
                    }
                }
                SourceDecl::External {
                    title,
                    section,
                    url,
                    paraphrase,
                } => out.push(SourceRef::External {
                    title: title.clone(),
                    section: section.clone(),
                    url: url.clone(),
                    paraphrase: paraphrase.clone(),
                    doc: self.library.doc(title).cloned(),
                }),
            }
        }
        out
    }
}

/// A seed quote some rule cites: for lint, which asks that every quote from an OCR scan carry
/// a reading.
#[derive(Debug, Clone)]
pub(crate) struct QuoteUse {
    pub seed: String,
    pub ocr: bool,
    pub has_reading: bool,
    pub place: Place,
}

/// Parameters with their defaults checked and the overrides applied. Returns one entry per
/// declared parameter (first declaration of an id), in declared order.
pub(crate) fn params(
    decls: &[ParamDecl],
    seeds: &Seeds<'_>,
    overrides: &[ParamOverride],
    diags: &mut Diagnostics,
) -> Vec<ParamInfo> {
    let mut out: Vec<ParamInfo> = Vec::new();
    for p in decls {
        if out.iter().any(|q| q.id == p.id.value) {
            continue;
        }
        let sources = seeds.resolve(&p.file, &p.sources, diags);
        let (Some(ty), Some((text, span))) = (p.ty, &p.default) else {
            continue;
        };
        let Some(default) = ParamValue::parse(ty, text) else {
            diags.push(Diagnostic::at(
                &RuleError::BadParamValue {
                    id: p.id.value.clone(),
                    value: text.clone(),
                    expected: ty.name(),
                },
                &p.file,
                *span,
            ));
            continue;
        };
        let Some(range) = param_range(p, ty, diags) else {
            continue;
        };
        if let Some(r) = range.refuses(&default) {
            diags.push(Diagnostic::at(
                &RuleError::ParamOutOfRange {
                    id: p.id.value.clone(),
                    value: text.clone(),
                    range: r,
                },
                &p.file,
                *span,
            ));
            continue;
        }
        out.push(ParamInfo {
            id: p.id.value.clone(),
            title: p.title.clone(),
            ty,
            value: default.clone(),
            default,
            range,
            overridden: false,
            sources,
        });
    }
    let declared: Vec<&str> = decls.iter().map(|d| d.id.value.as_str()).collect();
    apply_overrides(&mut out, &declared, overrides, diags);
    out
}

/// The range a parameter declares, its bounds read as its type; `None` (reported) when a bound
/// is not of its type or the type has no order.
fn param_range(p: &ParamDecl, ty: ParamType, diags: &mut Diagnostics) -> Option<ParamRange> {
    let ordered = matches!(
        ty,
        ParamType::Number | ParamType::Date | ParamType::Duration
    );
    if (!ordered && (p.min.is_some() || p.max.is_some())) || (p.integer && ty != ParamType::Number)
    {
        diags.push(Diagnostic::at(
            &RuleError::BadParamRange {
                id: p.id.value.clone(),
                ty: if p.integer && ty != ParamType::Number {
                    "number"
                } else {
                    "number, date or duration"
                },
            },
            &p.file,
            p.id.span,
        ));
        return None;
    }
    let mut ok = true;
    let mut bound = |b: &Option<(String, crate::source::Span)>| {
        let (text, span) = b.as_ref()?;
        let v = ParamValue::parse(ty, text);
        if v.is_none() {
            ok = false;
            diags.push(Diagnostic::at(
                &RuleError::BadParamValue {
                    id: p.id.value.clone(),
                    value: text.clone(),
                    expected: ty.name(),
                },
                &p.file,
                *span,
            ));
        }
        v
    };
    let range = ParamRange {
        min: bound(&p.min),
        max: bound(&p.max),
        integer: p.integer,
    };
    ok.then_some(range)
}

/// Check overrides against the parameters and apply them.
pub(crate) fn apply_overrides(
    params: &mut [ParamInfo],
    declared: &[&str],
    overrides: &[ParamOverride],
    diags: &mut Diagnostics,
) {
    for o in overrides {
        let at = |p: &dyn crate::diag::Problem| match &o.place {
            Some((f, s)) => Diagnostic::at(p, f, *s),
            None => Diagnostic::new(p, None, None),
        };
        let Some(param) = params.iter_mut().find(|p| p.id == o.id) else {
            // A declared parameter whose default is broken has been reported already.
            if declared.contains(&o.id.as_str()) {
                continue;
            }
            let suggestion = did_you_mean(&o.id, declared.iter().copied()).map(str::to_string);
            diags.push(at(&RuleError::UnknownParam {
                id: o.id.clone(),
                suggestion,
            }));
            continue;
        };
        match ParamValue::parse(param.ty, &o.value) {
            Some(v) if param.range.refuses(&v).is_some() => {
                diags.push(at(&RuleError::ParamOutOfRange {
                    id: o.id.clone(),
                    value: o.value.clone(),
                    range: param.range.describe(),
                }));
            }
            Some(v) => {
                param.overridden = v != param.default;
                param.value = v;
            }
            None => diags.push(at(&RuleError::BadParamValue {
                id: o.id.clone(),
                value: o.value.clone(),
                expected: param.ty.name(),
            })),
        }
    }
}
