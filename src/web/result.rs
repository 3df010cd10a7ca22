//! `POST /web/result`: the assessment beside the form, as an HTML fragment. The body is the
//! document the form holds (JSON); it is read, validated and judged by
//! [`crate::service::evaluate_sources`], as `samstyr check` and `POST /v1/check` judge it,
//! and the findings are rendered here: the headline and why, the findings most urgent first
//! ([`crate::report::ordered`]) with deadline, remedy and sources, the fields an unknown needs,
//! and the decision record. An invalid document gets its diagnostics, each linked to its field.

use super::Host;
use super::form::{field_id, label_and_help};
use super::{page_lang, text_in};
use crate::diag::Diagnostic;
use crate::finding::{Finding, SourceRef, Status, Tri};
use crate::input::STDIN_NAME;
use crate::report::{self, FailOn, Gate, Input, Outcome};
use crate::rules::RuleSet;
use crate::schema::{FieldType, InputSchema};
use crate::text::{Lang, pick};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use std::io::Cursor;
use std::sync::Arc;

pub async fn fragment<S: Host>(
    axum::extract::State(state): axum::extract::State<Arc<S>>,
    req: Request,
) -> Response {
    let (lang, _) = page_lang(req.uri().query(), req.headers());
    let as_of = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "as_of")
        .and_then(|(_, v)| v.parse::<Date>().ok())
        .unwrap_or_else(|| jiff::Zoned::now().date());
    let limit = state.body_limit();
    let body = match axum::body::to_bytes(req.into_body(), limit).await {
        Ok(b) => b,
        Err(_) => {
            let m = html! { div.result data-summary=(pick(lang, "Skjemaet er for stort.", "Skjemaet er for stort.", "The form is too large.")) {
            p.err-text { (pick(lang, "Skjemaet er for stort til å vurderes.", "Skjemaet er for stort til å bli vurdert.", "The form is too large to be assessed.")) } } };
            return answer(m, StatusCode::PAYLOAD_TOO_LARGE);
        }
    };
    let s = state.clone();
    // Judging takes microseconds for a form's document, but the pool keeps a large paste from
    // holding up this worker's other connections.
    let done = tokio::task::spawn_blocking(move || {
        let sources = crate::input::reader(STDIN_NAME, Box::new(Cursor::new(body)));
        let mut inputs = crate::service::evaluate_sources(s.rules(), sources, as_of, None);
        // The run's waivers (`serve --waivers`), applied as `check` and `/v1/check` apply them.
        let _ = s.waivers().apply(as_of, &mut inputs);
        render(s.rules(), lang, as_of, &inputs)
    })
    .await;
    match done {
        Ok(m) => answer(m, StatusCode::OK),
        Err(_) => answer(
            html! { p { (pick(lang, "Intern feil.", "Intern feil.", "Internal error.")) } },
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
    }
}

fn answer(m: Markup, status: StatusCode) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        m.into_string(),
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    r
}

/// The fragment for the documents of one request (the form sends one).
pub(crate) fn render(rules: &RuleSet, lang: Lang, as_of: Date, inputs: &[Input]) -> Markup {
    let schema = rules.schema();
    let diags: Vec<&Diagnostic> = inputs
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Invalid(d) => Some(d.iter()),
            Outcome::Evaluated(_) => None,
        })
        .flatten()
        .collect();
    if inputs.is_empty() {
        return html! { div.result data-summary=(pick(lang, "Skjemaet er tomt.", "Skjemaet er tomt.", "The form is empty.")) {
        p { (pick(lang, "Skjemaet er tomt.", "Skjemaet er tomt.", "The form is empty.")) } } };
    }
    if !diags.is_empty() {
        return errors(schema, lang, &diags);
    }
    let gate = Gate {
        fail_on: FailOn::Must,
        unknown_fails: false,
    };
    let run = crate::service::run_info(rules, as_of, lang, gate);
    let decision = report::decision(&run, inputs);
    let Some(e) = inputs.first().and_then(|i| i.evaluation()) else {
        return html! {};
    };
    let ordered = report::ordered(e);
    let count = |st: Status| ordered.iter().filter(|f| f.status == st).count();
    let headline_word = e.headline.as_ref().map(|h| {
        let (t, _) = text_in(h.title, lang);
        format!("{t}: {}", report::tri_word(lang, h.value))
    });
    let summary = format!(
        "{}{} {}. {}: {}, {}: {}, {}: {}",
        headline_word.map(|h| format!("{h}. ")).unwrap_or_default(),
        ordered.len(),
        pick(lang, "funn", "funn", "findings"),
        report::status_word(lang, Status::Violated),
        count(Status::Violated),
        report::status_word(lang, Status::Pending),
        count(Status::Pending),
        report::status_word(lang, Status::Unknown),
        count(Status::Unknown),
    );
    html! {
        div.result data-summary=(summary) data-errors="0" {
            p.doc-name {
                (pick(lang, "Vurdering av", "Vurdering av", "Assessment of")) " " code { (e.key) }
                @if let Some(t) = inputs.first().and_then(|i| i.title.as_deref()) { " – " (t) }
                ", " (pick(lang, "per", "per", "as of")) " " (as_of.to_string())
            }
            @if let Some(h) = &e.headline {
                @let (title, tl) = text_in(h.title, lang);
                div class={ "headline tri-" (report::tri_name(h.value)) } {
                    h3 {
                        span lang=[tl] { (title) } ": "
                        strong.answer { (icon_tri(h.value)) " " (capital(report::tri_word(lang, h.value))) }
                    }
                    @let because = report::decisive(h);
                    @if !because.is_empty() {
                        p { (pick(lang, "Fordi:", "Fordi:", "Because:")) }
                        ul {
                            @for fv in because {
                                @let (ft, fl) = text_in(&fv.fact.title, lang);
                                li {
                                    span lang=[fl] { (ft) } ": " strong { (report::shown_text(lang, &fv.value)) }
                                    @if !fv.missing.is_empty() {
                                        " – " (pick(lang, "oppgi", "oppgi", "provide")) " "
                                        (provide_links(schema, lang, &fv.missing))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (pick(lang, "Funn, det mest presserende først", "Funn, det mest pressande først", "Findings, most urgent first")) }
            @if ordered.is_empty() {
                p { (pick(lang, "Ingen funn.", "Ingen funn.", "No findings.")) }
            }
            ol.findings {
                @for f in &ordered { (finding(schema, lang, f)) }
            }
            section.record aria-labelledby="record-h" {
                h3 #record-h { (pick(lang, "Beslutningsgrunnlag", "Avgjerdsgrunnlag", "Decision record")) }
                dl {
                    dt { (pick(lang, "Regelsett", "Regelsett", "Rule set")) }
                    @let (rt, rl) = text_in(&run.rules.title, lang);
                    dd { span lang=[rl] { (rt) } " (" code { (run.rules.id) } ", " (pick(lang, "versjon", "versjon", "version")) " " (run.rules.version) ")" }
                    dt { (pick(lang, "Regelsettets SHA-256", "SHA-256 for regelsettet", "Rule set SHA-256")) }
                    dd { code.hash { (run.rules.sha256) } }
                    dt { (pick(lang, "Vurdert per", "Vurdert per", "As of")) }
                    dd { (as_of.to_string()) }
                    dt { (pick(lang, "Dokumentets SHA-256", "SHA-256 for dokumentet", "Input SHA-256")) }
                    dd { code.hash { (decision.input_sha256) } }
                    dt { (pick(lang, "Beslutnings-id", "Avgjerds-id", "Decision id")) }
                    dd { code.hash #decision-id { (decision.id) } }
                    dt { (pick(lang, "Verktøy", "Verktøy", "Tool")) }
                    dd { "samstyr " (run.tool_version) }
                }
            }
        }
    }
}

fn capital(s: &str) -> String {
    report::capitalised(s)
}

/// A sign beside the word, so that no answer is told by colour alone.
fn icon_tri(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "●",
        Tri::No => "○",
        Tri::Unknown => "?",
    }
}

fn icon_status(st: Status) -> &'static str {
    match st {
        Status::Violated => "✗",
        Status::Pending => "⏲",
        Status::Unknown => "?",
        Status::Met => "✓",
        Status::NotApplicable | Status::NotInForce => "–",
        Status::Waived => "≈",
    }
}

fn finding(schema: &InputSchema, lang: Lang, f: &Finding) -> Markup {
    let (title, tl) = text_in(&f.rule.title, lang);
    let (message, ml) = text_in(&f.message, lang);
    let (remedy, rl) = text_in(&f.rule.remedy, lang);
    let act = matches!(
        f.status,
        Status::Violated | Status::Pending | Status::Unknown
    );
    html! {
        li class={ "finding st-" (f.status.name()) } {
            h4 {
                span.badge { span aria-hidden="true" { (icon_status(f.status)) } " " (capital(report::status_word(lang, f.status))) }
                " "
                @if let Some(sev) = f.rule.severity { span.sev { "(" (report::severity_word(lang, sev)) ")" } " " }
                a href={ "/rules/" (f.rule.id) "?lang=" (lang.code()) } { (f.rule.id) }
                " – " span lang=[tl] { (title) }
                @if let Some(item) = &f.item { " " span.item-label { "[" (item.label.clone().unwrap_or_else(|| item.pointer.clone())) "]" } }
            }
            @if !message.is_empty() { p lang=[ml] { (message) } }
            @if let Some(d) = f.deadline {
                p { strong { (pick(lang, "Frist:", "Frist:", "Deadline:")) } " " (d.to_string()) }
            }
            @if act && !remedy.is_empty() {
                p { strong { (pick(lang, "Slik retter du det:", "Slik rettar du det:", "How to fix it:")) } " " span lang=[rl] { (remedy) } }
            }
            // The change the engine computed for this document (`to_meet`), in words.
            @if let Some(t) = f.to_meet.as_ref().filter(|_| act) {
                p.to-meet { strong { (pick(lang, "For å oppfylle:", "For å oppfylle:", "To meet it:")) } " " (report::to_meet_words(lang, t)) }
            }
            @if f.status == Status::Unknown && !f.missing.is_empty() {
                p.provide { strong { (pick(lang, "Oppgi:", "Oppgi:", "Provide:")) } " " (provide_links(schema, lang, &f.missing)) }
            }
            @if let Some(note) = report::waiver_note(lang, f) { p { (note) } }
            @if !f.rule.sources.is_empty() {
                details.sources {
                    summary { (pick(lang, "Kilder", "Kjelder", "Sources")) " (" (f.rule.sources.len()) ")" }
                    (sources(lang, &f.rule.sources))
                }
            }
        }
    }
}

/// Sources cited by document and section ([`SourceRef::citation_at_line`]), a seed's linked to
/// its line in context.
pub(crate) fn sources(lang: Lang, list: &[SourceRef]) -> Markup {
    html! {
        ul.source-list {
            @for s in list {
                li {
                    @match s {
                        SourceRef::Seed { file, line, quote, reading, .. } => {
                            a href={ "/v1/sources/" (file) "?lang=" (lang.code()) "#L" (line) } { (s.citation_at_line(lang)) }
                            // People read the corrected reading of a quote from an OCR scan.
                            " " q lang="nb" { (crate::rules::fold_whitespace(reading.as_deref().unwrap_or(quote))) }
                        }
                        SourceRef::External { url, paraphrase, .. } => {
                            @if let Some(u) = url { a href=(u) rel="noreferrer" { (s.citation(lang)) } } @else { (s.citation(lang)) }
                            @if let Some(p) = paraphrase {
                                @let (pt, pl) = text_in(p, lang);
                                @if !pt.is_empty() { " – " span lang=[pl] { (pt) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Links to the fields an undecided answer needs, each to its control in the form.
fn provide_links(schema: &InputSchema, lang: Lang, missing: &[crate::finding::Evidence]) -> Markup {
    html! {
        @for (i, m) in missing.iter().enumerate() {
            @if i > 0 { ", " }
            a.goto href={ "#" (field_id(&m.pointer)) } data-pointer=(m.pointer) {
                (field_label(schema, &m.pointer, lang)) " " code { (m.pointer) }
            }
        }
    }
}

/// The label of the field at `pointer`, from its doc; the pointer when the schema has no field
/// there.
pub(crate) fn field_label(schema: &InputSchema, pointer: &str, lang: Lang) -> String {
    let mut ty = Some(schema.root);
    let mut label = None;
    for seg in pointer.split('/').skip(1) {
        let Some(t) = ty.and_then(|t| schema.types.get(t)) else {
            break;
        };
        let Some((_, f)) = t.field(seg) else {
            // A list index: the item type was set by the list field before it.
            continue;
        };
        label = Some(label_and_help(f.doc.get(lang)).0);
        ty = match &f.ty {
            FieldType::Object(t) => Some(*t),
            FieldType::List { items, .. } => match items.as_ref() {
                FieldType::Object(t) => Some(*t),
                _ => None,
            },
            _ => None,
        };
    }
    label.unwrap_or_else(|| pointer.to_string())
}

fn errors(schema: &InputSchema, lang: Lang, diags: &[&Diagnostic]) -> Markup {
    let n = diags.len();
    let heading = match (lang, n) {
        (Lang::En, 1) => "1 problem in the form".to_string(),
        (Lang::En, n) => format!("{n} problems in the form"),
        (Lang::Nb, 1) => "1 feil i skjemaet".to_string(),
        (Lang::Nb, n) => format!("{n} feil i skjemaet"),
        (Lang::Nn, 1) => "1 feil i skjemaet".to_string(),
        (Lang::Nn, n) => format!("{n} feil i skjemaet"),
    };
    html! {
        div.result data-summary=(heading) data-errors=(n) {
            div.errors {
                h3 { span aria-hidden="true" { "⚠ " } (heading) }
                p { (pick(lang,
                    "Rett feilene for å få en vurdering.",
                    "Rett feila for å få ei vurdering.",
                    "Correct them to get an assessment.")) }
                ul {
                    @for d in diags {
                        @let pointer = field_pointer(d);
                        li data-pointer=[pointer.as_deref()] data-message=(message(d, lang)) {
                            @match &pointer {
                                Some(p) => { a.goto href={ "#" (field_id(p)) } data-pointer=(p) { (field_label(schema, p, lang)) } ": " }
                                None => {}
                            }
                            span { (message(d, lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// The pointer of the field a diagnostic is about. A missing field's diagnostic points at the
/// object that lacks it and names the field in its message (`missing required field `id``);
/// the form has a control for the field itself, so the link goes there.
fn field_pointer(d: &Diagnostic) -> Option<String> {
    let p = d.pointer.clone()?;
    if d.code == "input::missing-field"
        && let Some(name) = d.message.split('`').nth(1)
    {
        return Some(format!("{p}/{name}"));
    }
    Some(p)
}

fn message(d: &Diagnostic, lang: Lang) -> String {
    match d.help_in(lang) {
        Some(h) => format!("{} ({h})", d.message_in(lang)),
        None => d.message_in(lang).to_string(),
    }
}
