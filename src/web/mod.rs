//! The web form for case officers: `GET /` (the form generated from the rule set's input
//! format), `POST /web/result` (the result beside it, as HTML), `/rules` and `/rules/{id}` (the
//! rulebook), a seed read in context, and the two assets the pages load. An edge like
//! [`crate::server`]'s API: pages are rendered on the server with maud from the same library
//! functions the CLI calls, and the little JavaScript there is (`web/app.js`) only moves values
//! between the form and JSON.
//!
//! **Invariant:** this module names no field of any input format. Everything it shows of a
//! document's shape comes from [`crate::schema::InputSchema`], and every word of a rule from the
//! rule set; with `--rules fixtures/library/rules` the same code serves a form for library loans.
//!
//! **Invariant:** nothing is fetched from elsewhere: the CSS and the script are compiled into the
//! binary and served from `/assets/`, and the pages' Content-Security-Policy allows only them.

mod form;
mod result;
mod rulebook;

use crate::text::{Lang, Text, pick};
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};
use std::sync::Arc;

const APP_JS: &str = include_str!("../../web/app.js");
const APP_CSS: &str = include_str!("../../web/app.css");

/// The policy of the pages: scripts, styles and requests only from this server; no inline
/// script or style, no frames, no form posted elsewhere.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The cookie that keeps a language chosen with the switch.
const LANG_COOKIE: &str = "samstyr-lang";

/// What the pages need of the server that mounts them: the rule set it loaded, its files, the
/// run's waivers and the body limit. A trait, so that this module depends on no server (the
/// server depends on it, to mount its routes).
pub trait Host: Send + Sync + 'static {
    fn rules(&self) -> &crate::rules::RuleSet;
    fn files(&self) -> &crate::files::RuleFiles;
    fn waivers(&self) -> &crate::waiver::Waivers;
    /// Largest body the server accepts for one document.
    fn body_limit(&self) -> usize;
}

/// The routes of the web pages, merged into the server's router inside its layers. The rule
/// set's test cases, shown on the rule pages, are read here, once, when the server starts: the
/// `tests/` beside `--rules DIR`, or `rules/tests` of a checkout for the embedded rules (as
/// `samstyr rules test` finds them); none when there are none.
pub fn routes<S: Host>(state: &S) -> Router<Arc<S>> {
    let dir = match &state.files().dir {
        Some(d) => d.join("tests"),
        None => std::path::PathBuf::from("rules").join("tests"),
    };
    let cases = if dir.is_dir() {
        crate::eval::testing::load_cases(state.rules(), &dir).0
    } else {
        Vec::new()
    };
    let cases = Arc::new(cases);
    Router::new()
        .route("/", get(form::handler::<S>))
        .route("/web/result", post(result::fragment::<S>))
        .route("/rules", get(rulebook::index::<S>))
        .route(
            "/rules/{id}",
            get(move |st, req| rulebook::rule::<S>(st, req, cases.clone())),
        )
        .route("/assets/app.js", get(|| asset(APP_JS, "text/javascript")))
        .route("/assets/app.css", get(|| asset(APP_CSS, "text/css")))
}

async fn asset(text: &'static str, kind: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(kind))],
        text,
    )
        .into_response()
}

/// A page's language: `?lang=` (the switch), then the cookie the switch set, then the first of
/// `nb`/`nn`/`no`/`en` in `Accept-Language` (a first visit), else bokmål. Also whether the
/// query chose it, so that the answer can remember the choice.
pub(crate) fn page_lang(query: Option<&str>, headers: &HeaderMap) -> (Lang, bool) {
    let code = |v: &str| match v {
        "nb" => Some(Lang::Nb),
        "nn" => Some(Lang::Nn),
        "en" => Some(Lang::En),
        _ => None,
    };
    if let Some(q) = query {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            if k == "lang"
                && let Some(l) = code(&v)
            {
                return (l, true);
            }
        }
    }
    for cookies in headers.get_all(header::COOKIE) {
        for c in cookies.to_str().unwrap_or("").split(';') {
            if let Some((k, v)) = c.trim().split_once('=')
                && k == LANG_COOKIE
                && let Some(l) = code(v)
            {
                return (l, false);
            }
        }
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let tag = part.split(';').next().unwrap_or("").trim();
        match tag
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
            "nb" | "no" => return (Lang::Nb, false),
            "nn" => return (Lang::Nn, false),
            "en" => return (Lang::En, false),
            _ => {}
        }
    }
    (Lang::Nb, false)
}

/// A text of the rule set in `lang`, and the language it is really in when that differs (a
/// rule set without nynorsk reads in bokmål): the `lang` attribute its element needs.
pub(crate) fn text_in(t: &Text, lang: Lang) -> (&str, Option<&'static str>) {
    let fallback = lang == Lang::Nn && t.nn.is_empty();
    (t.get(lang), fallback.then_some("nb"))
}

/// A whole page around `body`, with the header (language switch, navigation) and the security
/// headers of a page.
pub(crate) fn page(lang: Lang, remember: bool, title: &str, here: &str, body: Markup) -> Response {
    let switch = [
        (Lang::Nb, "Bokmål"),
        (Lang::Nn, "Nynorsk"),
        (Lang::En, "English"),
    ];
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – samstyr" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { (pick(lang, "Hopp til innholdet", "Hopp til innhaldet", "Skip to content")) }
                header.top {
                    p.brand { a href={ "/?lang=" (lang.code()) } { "samstyr" } }
                    nav aria-label=(pick(lang, "Hovedmeny", "Hovudmeny", "Main menu")) {
                        ul {
                            li { a href={ "/?lang=" (lang.code()) } aria-current=[(here == "/").then_some("page")] {
                                (pick(lang, "Skjema", "Skjema", "Form")) } }
                            li { a href={ "/rules?lang=" (lang.code()) } aria-current=[(here == "/rules").then_some("page")] {
                                (pick(lang, "Regelboka", "Regelboka", "Rulebook")) } }
                        }
                    }
                    nav.langs aria-label=(pick(lang, "Språk", "Språk", "Language")) {
                        ul {
                            @for (l, name) in switch {
                                li { a href={ (here) "?lang=" (l.code()) } lang=(l.code()) hreflang=(l.code())
                                    aria-current=[(l == lang).then_some("true")] { (name) } }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
            }
        }
    };
    let mut r = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response();
    secure(&mut r, lang, remember);
    r
}

/// The page's own Content-Security-Policy (the server's default allows nothing to load), and
/// the language cookie when the switch chose one.
fn secure(r: &mut Response, lang: Lang, remember: bool) {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    if remember
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict",
            lang.code()
        ))
    {
        h.insert(header::SET_COOKIE, v);
    }
}

/// A page that says what is wrong, with the status of the answer.
pub(crate) fn error_page(lang: Lang, status: StatusCode, message: &str) -> Response {
    let body = html! {
        h1 { (pick(lang, "Fant ikke siden", "Fann ikkje sida", "Page not found")) }
        p { (message) }
        p { a href={ "/?lang=" (lang.code()) } { (pick(lang, "Til skjemaet", "Til skjemaet", "To the form")) } }
    };
    let mut r = page(
        lang,
        false,
        pick(lang, "Fant ikke siden", "Fann ikkje sida", "Page not found"),
        "/",
        body,
    );
    *r.status_mut() = status;
    r
}

/// `GET /v1/sources/{name}` for a browser: the seed as an HTML page with one anchor per line
/// (`#L56`), so that a citation opens at its line, highlighted by the stylesheet (`:target`).
/// `head` gives, in a language, the document's title and the lines that describe it (its short
/// name, kind and date; what an OCR scan means for quotes), or nothing when the rule set does not
/// describe the document.
pub fn source_page(
    query: Option<&str>,
    headers: &HeaderMap,
    name: &str,
    head: &dyn Fn(Lang) -> String,
    text: &str,
) -> Response {
    let (lang, _) = page_lang(query, headers);
    let head = head(lang);
    let mut lines = head.lines().filter(|l| !l.is_empty());
    let title = lines.next();
    let body = html! {
        @match title {
            Some(t) => { h1 lang="nb" { (t) } p { (pick(lang, "Kilde", "Kjelde", "Source")) ": " code { (name) } } }
            None => { h1 { (pick(lang, "Kilde", "Kjelde", "Source")) ": " code { (name) } } }
        }
        @for l in lines { p { (l) } }
        p { (pick(lang,
            "Dokumentet slik regelsettet har det, med linjenummer. Linja en henvisning peker på, er markert.",
            "Dokumentet slik regelsettet har det, med linjenummer. Lina ei tilvising peikar på, er markert.",
            "The document as the rule set holds it, with line numbers. The line a citation points at is highlighted.")) }
        ol.source lang="nb" {
            @for (n, l) in text.lines().enumerate() {
                li id={ "L" (n + 1) } { span.ln aria-hidden="true" { (n + 1) } " " (l) }
            }
        }
    };
    page(lang, false, title.unwrap_or(name), "/", body)
}

/// Whether a request would rather have HTML (a browser following a link) than the plain text
/// the API gives by default.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/html")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_query_then_cookie_then_header() {
        let mut h = HeaderMap::new();
        assert_eq!(page_lang(None, &h), (Lang::Nb, false));
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB"));
        assert_eq!(page_lang(None, &h), (Lang::En, false));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("x=1; samstyr-lang=nn"),
        );
        assert_eq!(page_lang(None, &h), (Lang::Nn, false));
        assert_eq!(page_lang(Some("lang=nb"), &h), (Lang::Nb, true));
        assert_eq!(page_lang(Some("lang=xx"), &h), (Lang::Nn, false));
    }

    #[test]
    fn a_text_without_nynorsk_is_marked_as_bokmal() {
        let t = Text::new("Lån", "Loans");
        assert_eq!(text_in(&t, Lang::Nn), ("Lån", Some("nb")));
        assert_eq!(text_in(&t, Lang::En), ("Loans", None));
        let t = Text::all("Lån", "Lån", "Loans");
        assert_eq!(text_in(&t, Lang::Nn), ("Lån", None));
    }
}
