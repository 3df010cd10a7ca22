//! The rulebook for jurists: `/rules` lists the obligations by principle, `/rules/{id}` shows one
//! (or a fact, `@id`) in plain words — its title, what it requires and what to do, what it says
//! in each case, when it is in force — with its sources in context and its parameters, and the
//! rule as written, for the reader who wants the exact text.

use super::Host;
use super::result::sources;
use super::{error_page, page, page_lang, text_in};
use crate::eval::testing::{Case, Want};
use crate::finding::{RuleInfo, RuleKind};
use crate::report;
use crate::text::{Lang, pick};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use std::sync::Arc;

pub async fn index<S: Host>(
    axum::extract::State(state): axum::extract::State<Arc<S>>,
    req: Request,
) -> Response {
    let (lang, remember) = page_lang(req.uri().query(), req.headers());
    let r = state.rules();
    let title = pick(lang, "Regelboka", "Regelboka", "The rulebook");
    let (rt, rl) = text_in(r.title(), lang);
    let obligations: Vec<&Arc<RuleInfo>> = r.obligations().collect();
    let principled = |id: Option<&str>| -> Vec<&Arc<RuleInfo>> {
        obligations
            .iter()
            .copied()
            .filter(|o| o.principle.as_ref().map(|p| p.id.as_str()) == id)
            .collect()
    };
    let without = principled(None);
    let body = html! {
        h1 { (title) }
        p.lead { span lang=[rl] { (rt) } " – " code { (r.id()) } " " (pick(lang, "versjon", "versjon", "version")) " " (r.version()) }
        p { (pick(lang,
            "Pliktene regelsettet vurderer, ordnet etter prinsipp. Velg en plikt for å se hva den krever, når den gjelder, og hvor den kommer fra.",
            "Pliktene regelsettet vurderer, ordna etter prinsipp. Vel ei plikt for å sjå kva ho krev, når ho gjeld, og kvar ho kjem frå.",
            "The obligations the rule set checks, by principle. Choose one to see what it requires, when it applies and where it comes from.")) }
        @for p in r.principles() {
            @let list = principled(Some(&p.id));
            @if !list.is_empty() {
                @let (pt, pl) = text_in(&p.title, lang);
                section.principle aria-labelledby={ "p-" (p.id) } {
                    h2 id={ "p-" (p.id) } { (p.id) " – " span lang=[pl] { (pt) } }
                    (rule_list(lang, &list))
                }
            }
        }
        @if !without.is_empty() {
            section.principle aria-labelledby="p-none" {
                h2 #p-none { (pick(lang, "Uten prinsipp", "Utan prinsipp", "Without a principle")) }
                (rule_list(lang, &without))
            }
        }
        section aria-labelledby="facts-h" {
            h2 #facts-h { (pick(lang, "Fakta pliktene bygger på", "Fakta pliktene byggjer på", "Facts the obligations build on")) }
            ul.rule-list {
                @for f in r.facts() {
                    @let (ft, fl) = text_in(&f.title, lang);
                    li { a href={ "/rules/@" (f.id) "?lang=" (lang.code()) } { code { "@" (f.id) } } " – " span lang=[fl] { (ft) } }
                }
            }
        }
    };
    page(lang, remember, title, "/rules", body)
}

fn rule_list(lang: Lang, list: &[&Arc<RuleInfo>]) -> Markup {
    html! {
        ul.rule-list {
            @for o in list {
                @let (t, tl) = text_in(&o.title, lang);
                li {
                    a href={ "/rules/" (o.id) "?lang=" (lang.code()) } { (o.id) }
                    " – " span lang=[tl] { (t) }
                    @if let Some(s) = o.severity { " " span.sev { "(" (report::severity_word(lang, s)) ")" } }
                }
            }
        }
    }
}

pub async fn rule<S: Host>(
    axum::extract::State(state): axum::extract::State<Arc<S>>,
    req: Request,
    cases: Arc<Vec<Case>>,
) -> Response {
    let (lang, remember) = page_lang(req.uri().query(), req.headers());
    let seg = req.uri().path().rsplit('/').next().unwrap_or("");
    let id = percent_encoding::percent_decode_str(seg)
        .decode_utf8_lossy()
        .into_owned();
    let set = state.rules();
    let Ok(d) = set.detail(&id) else {
        let shown = crate::diag::shown(&id);
        return error_page(
            lang,
            StatusCode::NOT_FOUND,
            &match lang {
                Lang::Nb => format!("Ingen plikt eller faktum heter «{shown}»."),
                Lang::Nn => format!("Inga plikt eller noko faktum heiter «{shown}»."),
                Lang::En => format!("No obligation or fact is named “{shown}”."),
            },
        );
    };
    let i = &d.info;
    let (title, tl) = text_in(&i.title, lang);
    let (remedy, rl) = text_in(&i.remedy, lang);
    let fact = i.kind == RuleKind::Fact;
    let expr = |key: &str| {
        d.expr
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    };
    let params: Vec<&crate::rules::ParamInfo> = set
        .params()
        .iter()
        .filter(|p| d.params.contains(&p.id))
        .collect();
    let name = if fact {
        format!("@{}", i.id)
    } else {
        i.id.clone()
    };
    let tests: Vec<(&Case, &Want)> = cases
        .iter()
        .flat_map(|c| {
            c.expect
                .iter()
                .filter(|e| e.key == name)
                .map(move |e| (c, &e.want))
        })
        .collect();
    let body = html! {
        p.crumbs { a href={ "/rules?lang=" (lang.code()) } { (pick(lang, "Regelboka", "Regelboka", "The rulebook")) } }
        h1 { code { (name) } " – " span lang=[tl] { (title) } }
        dl.facts-list {
            dt { (pick(lang, "Slag", "Slag", "Kind")) }
            dd { @if fact { (pick(lang, "Faktum (et svar andre regler bygger på)", "Faktum (eit svar andre reglar byggjer på)", "Fact (an answer other rules build on)")) }
                 @else { (pick(lang, "Plikt", "Plikt", "Obligation")) } }
            @if let Some(p) = &i.principle {
                @let (pt, pl) = text_in(&p.title, lang);
                dt { (pick(lang, "Prinsipp", "Prinsipp", "Principle")) }
                dd { (p.id) " – " span lang=[pl] { (pt) } }
            }
            @if let Some(s) = i.severity {
                dt { (pick(lang, "Styrke", "Styrke", "Strength")) }
                dd { (report::severity_word(lang, s)) " – " (match s {
                    crate::finding::Severity::Must => pick(lang, "et brudd er et avvik fra en plikt", "eit brot er eit avvik frå ei plikt", "a violation is a breach of a duty"),
                    crate::finding::Severity::Should => pick(lang, "en anbefaling", "ei tilråding", "a recommendation"),
                }) }
            }
        }
        @if !remedy.is_empty() {
            h2 { (pick(lang, "Hva den krever", "Kva ho krev", "What it requires")) }
            p lang=[rl] { (remedy) }
        }
        @if !d.messages.is_empty() {
            h2 { (pick(lang, "Hva vurderingen sier", "Kva vurderinga seier", "What the assessment says")) }
            dl.messages {
                @for (status, text) in &d.messages {
                    @let (mt, ml) = text_in(text, lang);
                    dt { (status_word(lang, status)) }
                    dd lang=[ml] { (template(mt)) }
                }
            }
        }
        h2 { (pick(lang, "Når den gjelder", "Når ho gjeld", "When it applies")) }
        dl.facts-list {
            dt { (pick(lang, "I kraft fra", "I kraft frå", "In force from")) }
            dd { (expr("valid_from").map_or_else(|| pick(lang, "alltid", "alltid", "always").to_string(), str::to_string)) }
            dt { (pick(lang, "I kraft til (ikke med)", "I kraft til (ikkje med)", "In force until (exclusive)")) }
            dd { (expr("valid_until").map_or_else(|| pick(lang, "ingen sluttdato", "ingen sluttdato", "no end date").to_string(), str::to_string)) }
            @if let Some(a) = expr("applies") {
                dt { (pick(lang, "Gjelder når", "Gjeld når", "Applies when")) }
                dd { code { (a) } }
            }
            @if let Some(a) = expr("for_each") {
                dt { (pick(lang, "For hvert element i", "For kvart element i", "For each item of")) }
                dd { code { (a) } }
            }
            @if let Some(a) = expr("deadline") {
                dt { (pick(lang, "Frist", "Frist", "Deadline")) }
                dd { code { (a) } }
            }
        }
        @if !i.sources.is_empty() {
            h2 { (pick(lang, "Kilder", "Kjelder", "Sources")) }
            (sources(lang, &i.sources))
        }
        @if !params.is_empty() {
            h2 { (pick(lang, "Parametre", "Parametrar", "Parameters")) }
            ul.params {
                @for p in &params {
                    @let (pt, pl) = text_in(&p.title, lang);
                    li {
                        code { "$" (p.id) " = " (p.value.shown()) } " – " span lang=[pl] { (pt) }
                        @if p.overridden { " (" (pick(lang, "overstyrt; standard", "overstyrt; standard", "overridden; default")) " " (p.default.shown()) ")" }
                        @if !p.sources.is_empty() { (sources(lang, &p.sources)) }
                    }
                }
            }
        }
        h2 { (pick(lang, "Testtilfeller", "Testtilfelle", "Test cases")) }
        @if tests.is_empty() {
            p { (pick(lang,
                "Ingen testtilfeller er lastet for denne regelen. De ligger i regelsettets kildekode (tests/) og lastes når serveren startes fra den.",
                "Ingen testtilfelle er lasta for denne regelen. Dei ligg i kjeldekoden til regelsettet (tests/) og blir lasta når serveren blir starta frå han.",
                "No test cases are loaded for this rule. They are kept with the rule set's source (tests/) and loaded when the server is started from it.")) }
        } @else {
            p { (pick(lang,
                "Tilfellene regelsettet testes med: et dokument, en dato og det svaret regelen skal gi.",
                "Tilfella regelsettet blir testa med: eit dokument, ein dato og det svaret regelen skal gi.",
                "The cases the rule set is tested with: a document, a date and the answer the rule must give.")) }
            div.table-wrap {
                table.cases {
                    thead { tr {
                        th scope="col" { (pick(lang, "Tilfelle", "Tilfelle", "Case")) }
                        th scope="col" { (pick(lang, "Dokument", "Dokument", "Document")) }
                        th scope="col" { (pick(lang, "Per dato", "Per dato", "As of")) }
                        th scope="col" { (pick(lang, "Forventet", "Forventa", "Expected")) }
                    } }
                    tbody {
                        @for (c, want) in &tests {
                            tr {
                                td lang="en" { (c.name) }
                                td { code { (c.input.display().to_string()) } }
                                td { (c.as_of.to_string()) }
                                td { (want_text(lang, want)) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (pick(lang, "Regelen slik den er skrevet", "Regelen slik han er skriven", "The rule as written")) }
        p { (pick(lang, "Deklarert i", "Deklarert i", "Declared in")) " " code { (d.place) } }
        dl.expr {
            @for (k, v) in &d.expr {
                dt { code { (k) } }
                dd { pre { code { (v) } } }
            }
        }
        @if !d.facts.is_empty() {
            p { (pick(lang, "Bygger på:", "Byggjer på:", "Builds on:")) " "
                @for (n, f) in d.facts.iter().enumerate() {
                    @if n > 0 { ", " }
                    a href={ "/rules/@" (f) "?lang=" (lang.code()) } { code { "@" (f) } }
                }
            }
        }
    };
    let here = format!("/rules/{}", seg);
    page(lang, remember, &name, &here, body)
}

/// A message template with its placeholders (`{deadline}`, `{@fact}`) marked as variables, so
/// that a reader sees where the assessment puts the document's own values.
fn template(text: &str) -> Markup {
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        parts.push((false, &rest[..open]));
        parts.push((true, &rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    parts.push((false, rest));
    html! {
        @for (var, t) in parts {
            @if var { var { "‹" (t) "›" } } @else { (t) }
        }
    }
}

/// What a test case expects, in words.
fn want_text(lang: Lang, want: &Want) -> String {
    let word = |s: crate::finding::Status| report::status_word(lang, s).to_string();
    match want {
        Want::Status(s) => word(*s),
        Want::Statuses(v) => v.iter().map(|s| word(*s)).collect::<Vec<_>>().join(", "),
        Want::Value(v) => report::shown_text(lang, v),
    }
}

fn status_word(lang: Lang, status: &str) -> String {
    crate::finding::Status::parse(status)
        .map(|s| report::capitalised(report::status_word(lang, s)))
        .unwrap_or_else(|| status.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_marked_as_variables() {
        assert_eq!(
            template("by {deadline} ({@first}).").into_string(),
            "by <var>‹deadline›</var> (<var>‹@first›</var>)."
        );
        assert_eq!(template("no { end").into_string(), "no { end");
    }
}
