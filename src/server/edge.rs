//! What every request passes through, around its route: the concurrency limit (503 with
//! `Retry-After`), the request deadline, the security headers, the metrics and the one log
//! line; and the answers for no route (404), a wrong method (405) and a panic (500).

use super::State;
use super::problem::Problem;
use crate::text::Lang;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// The routes: path pattern as the metrics and the log name it, and the methods it answers.
/// Requests on no route are named `other`, so a client cannot grow the metrics.
pub const ROUTES: &[(&str, &str)] = &[
    ("/v1/check", "POST"),
    ("/v1/validate", "POST"),
    ("/v1/report", "POST"),
    ("/v1/rules", "GET, HEAD"),
    ("/v1/rules/{id}", "GET, HEAD"),
    ("/v1/schema", "GET, HEAD"),
    ("/v1/schema/report", "GET, HEAD"),
    ("/v1/sources/{name}", "GET, HEAD"),
    ("/v1/openapi.json", "GET, HEAD"),
    ("/healthz", "GET, HEAD"),
    ("/readyz", "GET, HEAD"),
    ("/metrics", "GET, HEAD"),
    // The web form (`crate::web`).
    ("/", "GET, HEAD"),
    ("/web/result", "POST"),
    ("/rules", "GET, HEAD"),
    ("/rules/{id}", "GET, HEAD"),
    ("/assets/{name}", "GET, HEAD"),
];

/// The route a path is on, as `(pattern, allowed methods)`.
pub fn route_of(path: &str) -> Option<(&'static str, &'static str)> {
    let one_segment = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    };
    ROUTES
        .iter()
        .copied()
        .find(|(pattern, _)| match pattern.split_once('{') {
            Some((prefix, _)) => one_segment(prefix),
            None => *pattern == path,
        })
}

/// A request's language: `?lang=`, else the first of `nb`/`nn`/`no`/`en` in `Accept-Language`,
/// else bokmål.
pub fn lang_of(query: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(q) = query {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            if k == "lang" {
                match &*v {
                    "en" => return Lang::En,
                    "nb" => return Lang::Nb,
                    "nn" => return Lang::Nn,
                    _ => {}
                }
            }
        }
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let tag = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let primary = tag.split('-').next().unwrap_or("");
        match primary {
            "nb" | "no" => return Lang::Nb,
            "nn" => return Lang::Nn,
            "en" => return Lang::En,
            _ => {}
        }
    }
    Lang::Nb
}

/// The decision id of an answer, put in its extensions by the route, for the log line.
#[derive(Clone)]
pub struct DecisionId(pub String);

/// The middleware around every route (see the module doc).
pub async fn around(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = method_name(req.method());
    let route = route_of(req.uri().path()).map_or("other", |(p, _)| p);
    let lang = lang_of(req.uri().query(), req.headers());
    let limits = state.config.limits;

    let mut response = match state.permits.clone().try_acquire_owned() {
        Err(_) => Problem::http(
            StatusCode::SERVICE_UNAVAILABLE,
            "http::overloaded",
            lang,
            (
                "serveren har for mange forespørsler nå",
                "tenaren har for mange førespurnader no",
                "the server has too many requests in hand",
            ),
            Some((
                "prøv igjen om litt",
                "prøv igjen om litt",
                "try again in a moment",
            )),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
        .into_response(),
        Ok(permit) => {
            state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
            let r = tokio::time::timeout(limits.request_timeout, next.run(req)).await;
            state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
            drop(permit);
            r.unwrap_or_else(|_| {
                Problem::http(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "http::timeout",
                    lang,
                    (
                        "svaret tok for lang tid",
                        "svaret tok for lang tid",
                        "the answer took longer than the server allows",
                    ),
                    Some((
                        "send færre dokumenter i én forespørsel",
                        "send færre dokument i éin førespurnad",
                        "send fewer documents in one request",
                    )),
                )
                .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
                .into_response()
            })
        }
    };

    let h = response.headers_mut();
    // No page of this API loads anything, runs a script or is framed; the web pages set their
    // own, which allows their assets from this server and nothing else.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));

    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.record(method, route, status, seconds);
    if !state.config.quiet {
        let decision = response
            .extensions()
            .get::<DecisionId>()
            .map(|d| d.0.as_str());
        log(method, route, status, seconds, decision);
    }
    response
}

fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// One JSON line on stderr: time, method, route, status, milliseconds, decision id.
fn log(method: &str, route: &str, status: u16, seconds: f64, decision: Option<&str>) {
    let line = serde_json::json!({
        "time": jiff::Timestamp::now().to_string(),
        "method": method,
        "route": route,
        "status": status,
        "ms": (seconds * 1e6).round() / 1e3,
        "decision": decision,
    });
    let mut text = line.to_string();
    text.push('\n');
    // A closed stderr is no reason to stop serving.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// 404 for a path on no route.
pub async fn not_found(req: Request) -> Response {
    let lang = lang_of(req.uri().query(), req.headers());
    Problem::http(
        StatusCode::NOT_FOUND,
        "http::not-found",
        lang,
        ("ingen slik adresse", "inga slik adresse", "no such path"),
        Some((
            "se /v1/openapi.json for adressene",
            "sjå /v1/openapi.json for adressene",
            "see /v1/openapi.json for the paths",
        )),
    )
    .into_response()
}

/// 405 for a route asked with a method it does not answer, with `Allow`.
pub async fn method_not_allowed(req: Request) -> Response {
    let lang = lang_of(req.uri().query(), req.headers());
    let allow = route_of(req.uri().path()).map_or("GET", |(_, a)| a);
    Problem::http(
        StatusCode::METHOD_NOT_ALLOWED,
        "http::method",
        lang,
        (
            "adressen svarer ikke på denne metoden",
            "adressa svarar ikkje på denne metoden",
            "this path does not answer this method",
        ),
        Some((
            "se Allow-overskriften for metodene",
            "sjå Allow-overskrifta for metodane",
            "the Allow header lists the methods",
        )),
    )
    .with_header(header::ALLOW, HeaderValue::from_static(allow))
    .into_response()
}

/// 500 for a panic in a route: logged with the route's line, answered, and the server goes on.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    Problem::http(
        StatusCode::INTERNAL_SERVER_ERROR,
        "http::internal",
        Lang::En,
        (
            "intern feil i samstyr; forespørselen ble ikke behandlet",
            "intern feil i samstyr; førespurnaden vart ikkje handsama",
            "internal error in samstyr; the request was not handled",
        ),
        Some((
            "meld feilen med forespørselen som ga den",
            "meld feilen med førespurnaden som gav han",
            "report the bug with the request that caused it",
        )),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_routes_and_nothing_else() {
        assert_eq!(route_of("/v1/check").map(|r| r.0), Some("/v1/check"));
        assert_eq!(route_of("/v1/rules").map(|r| r.0), Some("/v1/rules"));
        assert_eq!(
            route_of("/v1/rules/X-1").map(|r| r.0),
            Some("/v1/rules/{id}")
        );
        assert_eq!(route_of("/v1/rules/"), None);
        assert_eq!(route_of("/v1/rules/a/b"), None);
        assert_eq!(
            route_of("/v1/sources/a.txt").map(|r| r.0),
            Some("/v1/sources/{name}")
        );
        assert_eq!(route_of("/v1/checks"), None);
    }

    #[test]
    fn language_from_query_then_header() {
        let mut h = HeaderMap::new();
        assert_eq!(lang_of(None, &h), Lang::Nb);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de, en-GB;q=0.8, nb;q=0.5"),
        );
        assert_eq!(lang_of(None, &h), Lang::En);
        assert_eq!(lang_of(Some("format=json&lang=nb"), &h), Lang::Nb);
        assert_eq!(lang_of(Some("lang=nn"), &h), Lang::Nn);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("nn-NO"));
        assert_eq!(lang_of(Some("lang=xx"), &h), Lang::Nn);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("no, en"));
        assert_eq!(lang_of(None, &h), Lang::Nb);
    }
}
