//! The routes of `/v1`, `/healthz`, `/readyz` and `/metrics`: each reads its request, calls the
//! library function the CLI calls for the same question, and writes the CLI's bytes back.

use super::State;
use super::edge::{self, DecisionId};
use super::problem::Problem;
use crate::finding::SourceRef;
use crate::input::{Checked, STDIN_NAME};
use crate::report::{FailOn, Gate, Outcome};
use crate::service::Format;
use crate::text::Lang;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use clap::ValueEnum;
use http_body_util::BodyExt;
use jiff::civil::Date;
use serde_json::{Value, json};
use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Bodies up to this size are judged on the connection's task: a 3 KB initiative takes a few
/// microseconds, less than handing it to another thread. Larger ones go to the blocking pool, so
/// that a 10 MB document does not hold up the other connections of its worker.
const INLINE_BYTES: usize = 64 * 1024;

/// Answers computed once, when the server starts.
struct Fixed {
    schema: Bytes,
    report_schema: Bytes,
    openapi: Bytes,
}

pub fn router(state: Arc<State>) -> Router {
    router_with(state, Router::new())
}

/// [`router`] with `extra` routes inside the same layers (tests add one that panics).
fn router_with(state: Arc<State>, extra: Router<Arc<State>>) -> Router {
    let fixed = Arc::new(Fixed {
        schema: pretty(&crate::schema::json_schema(
            state.rules.schema(),
            state.rules.catalog(),
        )),
        report_schema: pretty(&crate::report::json::report_schema(
            state.rules.headline().map(|h| h.key.as_str()),
        )),
        openapi: pretty(&super::openapi::document(&state.rules)),
    });
    let s = state.clone();
    let json = |b: &Bytes| {
        let b = b.clone();
        move || async move { ([(header::CONTENT_TYPE, "application/json")], b) }
    };
    let mut r = Router::new()
        .route("/v1/check", post(check))
        .route("/v1/validate", post(validate))
        .route("/v1/report", post(report))
        .route("/v1/rules", get(rules))
        .route("/v1/rules/{id}", get(rule))
        .route("/v1/schema", get(json(&fixed.schema)))
        .route("/v1/schema/report", get(json(&fixed.report_schema)))
        .route("/v1/sources/{name}", get(source))
        .route("/v1/openapi.json", get(json(&fixed.openapi)))
        .route(
            "/healthz",
            get(|| async { ok_json(&json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .merge(crate::web::routes(state.as_ref()))
        .merge(extra)
        .fallback(edge::not_found)
        .method_not_allowed_fallback(edge::method_not_allowed)
        .with_state(s)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            edge::panicked,
        ));
    if let Some(origin) = &state.config.cors {
        // `serve` checked the origin when it parsed its flags.
        if let Ok(origin) = HeaderValue::from_str(origin) {
            r = r.layer(
                tower_http::cors::CorsLayer::new()
                    // Only that origin gets the header back; others get no CORS headers at all.
                    .allow_origin(tower_http::cors::AllowOrigin::list([origin]))
                    .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
                    .allow_headers([header::CONTENT_TYPE, header::ACCEPT_LANGUAGE])
                    .expose_headers([
                        header::HeaderName::from_static("samstyr-decision-id"),
                        header::HeaderName::from_static("samstyr-verdict"),
                    ]),
            );
        }
    }
    r.layer(axum::middleware::from_fn_with_state(state, edge::around))
}

fn pretty(v: &Value) -> Bytes {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    Bytes::from(s)
}

fn ok_json(v: &Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], pretty(v)).into_response()
}

/// The query parameters of a request, each at most once and each among `allowed`.
fn query(req: &Request, allowed: &[&str], lang: Lang) -> Result<Vec<(String, String)>, Problem> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()) {
        if !allowed.contains(&&*k) {
            let shown = crate::diag::shown(&k);
            return Err(Problem::http(
                StatusCode::BAD_REQUEST,
                "http::query",
                lang,
                (
                    &format!("ukjent parameter `{shown}`"),
                    &format!("ukjend parameter `{shown}`"),
                    &format!("unknown query parameter `{shown}`"),
                ),
                Some((
                    &format!("denne adressen tar {}", allowed.join(", ")),
                    &format!("denne adressa tek {}", allowed.join(", ")),
                    &format!("this path takes {}", allowed.join(", ")),
                )),
            ));
        }
        if out.iter().any(|(seen, _)| *seen == k) {
            let shown = crate::diag::shown(&k);
            return Err(Problem::http(
                StatusCode::BAD_REQUEST,
                "http::query",
                lang,
                (
                    &format!("parameteren `{shown}` er gitt mer enn én gang"),
                    &format!("parameteren `{shown}` er gitt meir enn éin gong"),
                    &format!("query parameter `{shown}` is given more than once"),
                ),
                None,
            ));
        }
        out.push((k.into_owned(), v.into_owned()));
    }
    Ok(out)
}

fn param<'q>(q: &'q [(String, String)], name: &str) -> Option<&'q str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A query value of one of an enum's names (as the CLI's flag takes it).
fn choice<T: ValueEnum>(
    q: &[(String, String)],
    name: &str,
    default: T,
    lang: Lang,
) -> Result<T, Problem> {
    let Some(v) = param(q, name) else {
        return Ok(default);
    };
    T::from_str(v, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|x| x.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        let names = names.join(", ");
        bad_query(
            lang,
            Bad::Value,
            name,
            v,
            (
                &format!("gyldige verdier: {names}"),
                &format!("gyldige verdiar: {names}"),
                &format!("valid values: {names}"),
            ),
        )
    })
}

/// What a refused query value was meant to be, for the message's noun.
#[derive(Clone, Copy)]
enum Bad {
    Value,
    Date,
}

/// The 400 for a query parameter whose value is not one it takes: one wording for every
/// parameter, with the hint saying what it does take.
fn bad_query(lang: Lang, bad: Bad, name: &str, raw: &str, hint: (&str, &str, &str)) -> Problem {
    let shown = crate::diag::shown(raw);
    let (nb, en) = match bad {
        Bad::Value => ("verdi", "value"),
        Bad::Date => ("dato", "date"),
    };
    Problem::http(
        StatusCode::BAD_REQUEST,
        "http::query",
        lang,
        (
            &format!("ugyldig {nb} `{shown}` for `{name}`"),
            &format!("ugyldig {nb} `{shown}` for `{name}`"),
            &format!("invalid {en} `{shown}` for `{name}`"),
        ),
        Some(hint),
    )
}

/// `as_of`, or today as the CLI takes it.
fn as_of(q: &[(String, String)], lang: Lang) -> Result<Date, Problem> {
    match param(q, "as_of") {
        None => Ok(jiff::Zoned::now().date()),
        Some(v) => v.parse::<Date>().map_err(|_| {
            bad_query(
                lang,
                Bad::Date,
                "as_of",
                v,
                (
                    "skriv den som `ÅÅÅÅ-MM-DD`",
                    "skriv han som `ÅÅÅÅ-MM-DD`",
                    "write it as `YYYY-MM-DD`",
                ),
            )
        }),
    }
}

fn bool_param(q: &[(String, String)], name: &str, lang: Lang) -> Result<bool, Problem> {
    match param(q, name) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(v) => Err(bad_query(
            lang,
            Bad::Value,
            name,
            v,
            (
                "gyldige verdier: true, false",
                "gyldige verdiar: true, false",
                "valid values: true, false",
            ),
        )),
    }
}

/// Media types a body may be sent as: JSON, or JSON lines.
const BODY_TYPES: [&str; 4] = [
    "application/json",
    "application/x-ndjson",
    "application/jsonl",
    "application/json-seq",
];

fn content_type(headers: &HeaderMap, lang: Lang) -> Result<(), Problem> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if BODY_TYPES.contains(&essence.as_str()) {
        return Ok(());
    }
    let shown = crate::diag::shown(ct);
    Err(Problem::http(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "http::media-type",
        lang,
        (
            &format!("innholdstypen `{shown}` støttes ikke"),
            &format!("innhaldstypen `{shown}` er ikkje støtta"),
            &format!("content type `{shown}` is not supported"),
        ),
        Some((
            "send `Content-Type: application/json` (eller `application/x-ndjson` for JSON-linjer)",
            "send `Content-Type: application/json` (eller `application/x-ndjson` for JSON-linjer)",
            "send `Content-Type: application/json` (or `application/x-ndjson` for JSON lines)",
        )),
    ))
}

/// 413 with the CLI's own diagnostic for input over its limit.
fn too_large(lang: Lang, max: usize) -> Problem {
    let p = crate::input::ReadProblem::TooLargeStream {
        path: STDIN_NAME.into(),
        max,
    };
    Problem::documents(lang, &[crate::diag::Diagnostic::new(&p, None, None)])
}

fn body_timeout(lang: Lang) -> Problem {
    Problem::http(
        StatusCode::REQUEST_TIMEOUT,
        "http::body-timeout",
        lang,
        (
            "innholdet kom ikke fram i tide",
            "innhaldet kom ikkje fram i tide",
            "the body did not arrive in time",
        ),
        None,
    )
}

fn unreadable_body(lang: Lang) -> Problem {
    Problem::http(
        StatusCode::BAD_REQUEST,
        "http::body",
        lang,
        (
            "innholdet kunne ikke leses",
            "innhaldet kunne ikkje lesast",
            "the body could not be read",
        ),
        None,
    )
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The whole body, within `limit` bytes and the body deadline.
async fn read_body(
    state: &State,
    req: Request,
    limit: usize,
    lang: Lang,
) -> Result<Bytes, Problem> {
    if declared_length(req.headers()).is_some_and(|n| n > limit as u64) {
        return Err(too_large(lang, limit));
    }
    let body = http_body_util::Limited::new(req.into_body(), limit);
    match tokio::time::timeout(state.config.limits.body_timeout, body.collect()).await {
        Err(_) => Err(body_timeout(lang)),
        Ok(Ok(c)) => Ok(c.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(lang, limit)),
        Ok(Err(_)) => Err(unreadable_body(lang)),
    }
}

/// Run `work` here when the body is small, else on the blocking pool.
async fn judge<T: Send + 'static>(
    size: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    if size <= INLINE_BYTES {
        return Ok(work());
    }
    tokio::task::spawn_blocking(work).await.map_err(|_| {
        Problem::http(
            StatusCode::INTERNAL_SERVER_ERROR,
            "http::internal",
            Lang::En,
            (
                "intern feil i samstyr",
                "intern feil i samstyr",
                "internal error in samstyr",
            ),
            None,
        )
    })
}

/// `POST /v1/check`: what `samstyr check --format F -` prints for the body, byte for byte.
async fn check(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
) -> Response {
    let lang = edge::lang_of(req.uri().query(), req.headers());
    match check_inner(state, req, lang).await {
        Ok(r) | Err(r) => r,
    }
}

async fn check_inner(state: Arc<State>, req: Request, lang: Lang) -> Result<Response, Response> {
    let fail = |p: Problem| p.into_response();
    let q = query(
        &req,
        &["as_of", "lang", "format", "fail_on", "fail_on_unknown"],
        lang,
    )
    .map_err(fail)?;
    let format: Format = choice(&q, "format", Format::Json, lang).map_err(fail)?;
    let report_lang: Lang = choice(&q, "lang", Lang::Nb, lang).map_err(fail)?;
    let fail_on: FailOn = choice(&q, "fail_on", FailOn::Must, lang).map_err(fail)?;
    let unknown_fails = bool_param(&q, "fail_on_unknown", lang).map_err(fail)?;
    let as_of = as_of(&q, lang).map_err(fail)?;
    content_type(req.headers(), lang).map_err(fail)?;
    let limit = state.config.limits.body_bytes;
    let body = read_body(&state, req, limit, lang).await.map_err(fail)?;
    let size = body.len();
    let s = state.clone();
    let done = judge(size, move || {
        let rules = &s.rules;
        let sources = crate::input::reader(STDIN_NAME, Box::new(Cursor::new(body)));
        let mut inputs = crate::service::evaluate_sources(rules, sources, as_of, None);
        s.metrics.add_documents(inputs.len() as u64);
        let diags: Vec<crate::diag::Diagnostic> = inputs
            .iter()
            .filter_map(|i| match &i.outcome {
                Outcome::Invalid(d) => Some(d.iter().cloned()),
                Outcome::Evaluated(_) => None,
            })
            .flatten()
            .collect();
        if !diags.is_empty() || inputs.is_empty() {
            return Err(diags);
        }
        let gate = Gate {
            fail_on,
            unknown_fails,
        };
        let mut run = crate::service::run_info(rules, as_of, report_lang, gate);
        run.waivers = s.waivers.apply(as_of, &mut inputs);
        // The file covers a whole registry; a request holds one or a few documents, so only the
        // waivers that name one of them are reported (the others are not "not needed" here).
        run.waivers.retain(|u| {
            u.waiver.initiatives.iter().any(|id| {
                id == "*"
                    || inputs.iter().any(|i| match &i.outcome {
                        Outcome::Evaluated(e) => &e.key == id,
                        Outcome::Invalid(_) => false,
                    })
            })
        });
        let decision = crate::report::decision(&run, &inputs);
        let verdict = crate::report::verdict(gate, &inputs);
        let text = crate::service::render_as(format, false, &run, &inputs, false);
        Ok((text, decision, verdict))
    })
    .await
    .map_err(fail)?;
    let (text, decision, verdict) = match done {
        Ok(x) => x,
        Err(diags) if diags.is_empty() => {
            return Err(fail(Problem::documents(
                lang,
                &[crate::service::no_inputs(&[std::path::PathBuf::from(
                    STDIN_NAME,
                )])],
            )));
        }
        Err(diags) => return Err(fail(Problem::documents(lang, &diags))),
    };
    let mut r = ([(header::CONTENT_TYPE, media_type(format))], text).into_response();
    let h = r.headers_mut();
    for (name, value) in [
        ("samstyr-decision-id", decision.id.as_str()),
        ("samstyr-input-sha256", decision.input_sha256.as_str()),
        ("samstyr-rules-sha256", state.rules.sha256()),
        (
            "samstyr-verdict",
            match verdict {
                crate::report::Verdict::Pass => "pass",
                crate::report::Verdict::Fail => "fail",
                crate::report::Verdict::Invalid => "invalid",
            },
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(header::HeaderName::from_static(name), v);
        }
    }
    r.extensions_mut().insert(DecisionId(decision.id));
    Ok(r)
}

/// The media type of a report format.
pub fn media_type(f: Format) -> &'static str {
    match f {
        Format::Json => "application/json",
        Format::Sarif => "application/sarif+json",
        Format::Junit => "application/xml",
        Format::Markdown => "text/markdown; charset=utf-8",
        Format::Github | Format::Text => "text/plain; charset=utf-8",
    }
}

/// `POST /v1/validate`: what `samstyr validate --format json -` prints for a valid body; the
/// diagnostics as a problem for an invalid one.
async fn validate(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
) -> Response {
    let lang = edge::lang_of(req.uri().query(), req.headers());
    if let Err(p) = query(&req, &["lang"], lang) {
        return p.into_response();
    }
    if let Err(p) = content_type(req.headers(), lang) {
        return p.into_response();
    }
    let limit = state.config.limits.body_bytes;
    let body = match read_body(&state, req, limit, lang).await {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    let s = state.clone();
    let done = judge(body.len(), move || {
        let sources = crate::input::reader(STDIN_NAME, Box::new(Cursor::new(body)));
        let docs = crate::input::documents_in(sources, s.rules.schema(), s.rules.catalog());
        let mut diags = Vec::new();
        let r = crate::service::json_report(docs, lang, |c: &Checked| {
            if let Err(d) = &c.result {
                diags.extend(d.iter().cloned());
            }
        });
        s.metrics.add_documents(r.total as u64);
        (r, diags)
    })
    .await;
    match done {
        Err(p) => p.into_response(),
        Ok((_, diags)) if !diags.is_empty() => Problem::documents(lang, &diags).into_response(),
        Ok((r, _)) => ([(header::CONTENT_TYPE, "application/json")], r.text).into_response(),
    }
}

/// `POST /v1/report`: a JSONL body, read as it arrives (the portfolio runner pulls it through
/// a small channel from this task), answered as `samstyr report --format json -` prints it.
async fn report(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
) -> Response {
    let lang = edge::lang_of(req.uri().query(), req.headers());
    let q = match query(&req, &["as_of", "lang"], lang) {
        Ok(q) => q,
        Err(p) => return p.into_response(),
    };
    let report_lang: Lang = match choice(&q, "lang", Lang::Nb, lang) {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    let as_of = match as_of(&q, lang) {
        Ok(d) => d,
        Err(p) => return p.into_response(),
    };
    if let Err(p) = content_type(req.headers(), lang) {
        return p.into_response();
    }
    let limits = state.config.limits;
    if declared_length(req.headers()).is_some_and(|n| n > limits.report_bytes as u64) {
        return too_large(lang, limits.report_bytes).into_response();
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Bytes>>(8);
    let failure: Arc<std::sync::Mutex<Option<Problem>>> = Arc::default();
    let pump = {
        let failure = failure.clone();
        let mut body = req.into_body();
        async move {
            let mut total = 0usize;
            loop {
                let frame = match tokio::time::timeout(limits.body_timeout, body.frame()).await {
                    Err(_) => Err(body_timeout(lang)),
                    Ok(None) => return total,
                    Ok(Some(Err(_))) => Err(unreadable_body(lang)),
                    Ok(Some(Ok(f))) => Ok(f),
                };
                let data = match frame {
                    Ok(f) => match f.into_data() {
                        Ok(d) => d,
                        Err(_) => continue,
                    },
                    Err(p) => {
                        stop(&failure, &tx, p);
                        return total;
                    }
                };
                total += data.len();
                if total > limits.report_bytes {
                    stop(&failure, &tx, too_large(lang, limits.report_bytes));
                    return total;
                }
                // The channel is bounded: when the runner is behind, this waits on the pool
                // instead of holding the body in memory.
                let tx2 = tx.clone();
                let sent = tokio::task::spawn_blocking(move || tx2.send(Ok(data)).is_ok()).await;
                if !matches!(sent, Ok(true)) {
                    return total;
                }
            }
        }
    };
    let s = state.clone();
    let run = tokio::task::spawn_blocking(move || {
        let reader = ChannelReader {
            rx,
            current: Bytes::new(),
        };
        let stream = crate::portfolio::Stream::new(STDIN_NAME, Box::new(reader));
        let opts = crate::portfolio::Options {
            waivers: (!s.waivers.is_empty()).then(|| Arc::new(s.waivers.clone())),
            ..crate::portfolio::Options::new(as_of, crate::portfolio::Detail::Aggregates)
        };
        let p = crate::portfolio::run(&s.rules, &crate::portfolio::Source::Stream(stream), &opts);
        s.metrics.add_documents(p.aggregates.inputs);
        if p.aggregates.inputs == 0 {
            return None;
        }
        let gate = Gate {
            fail_on: FailOn::Never,
            unknown_fails: false,
        };
        let run = crate::service::run_info(&s.rules, as_of, report_lang, gate);
        let decision = crate::report::decision_of(&run, p.input_sha256.clone());
        let meta = crate::portfolio::render::Meta::new(&s.rules, run);
        Some((crate::portfolio::render::json::render(&meta, &p), decision))
    });
    let (received, done) = tokio::join!(pump, run);
    if let Some(p) = failure.lock().ok().and_then(|mut f| f.take()) {
        return p.into_response();
    }
    if received == 0 {
        // As for `check`: an empty body is a bad request, not a portfolio of one bad input.
        let p = crate::input::ReadProblem::Empty {
            path: STDIN_NAME.into(),
        };
        return Problem::documents(lang, &[crate::diag::Diagnostic::new(&p, None, None)])
            .into_response();
    }
    match done {
        Ok(Some((text, decision))) => {
            let mut r = ([(header::CONTENT_TYPE, "application/json")], text).into_response();
            let h = r.headers_mut();
            for (name, value) in [
                ("samstyr-decision-id", decision.id.as_str()),
                ("samstyr-input-sha256", decision.input_sha256.as_str()),
                ("samstyr-rules-sha256", state.rules.sha256()),
            ] {
                if let Ok(v) = HeaderValue::from_str(value) {
                    h.insert(header::HeaderName::from_static(name), v);
                }
            }
            r.extensions_mut().insert(DecisionId(decision.id));
            r
        }
        Ok(None) => Problem::documents(
            lang,
            &[crate::service::no_inputs(&[std::path::PathBuf::from(
                STDIN_NAME,
            )])],
        )
        .with_status(StatusCode::BAD_REQUEST)
        .into_response(),
        Err(_) => edge::panicked(Box::new(())),
    }
}

/// Ends the body early: the runner reads an error (the rest is not judged), and the answer is
/// the problem.
fn stop(
    failure: &std::sync::Mutex<Option<Problem>>,
    tx: &std::sync::mpsc::SyncSender<std::io::Result<Bytes>>,
    p: Problem,
) {
    if let Ok(mut f) = failure.lock() {
        *f = Some(p);
    }
    // `try_send`: the runner may be behind with a full channel; it stops at the disconnect.
    let _ = tx.try_send(Err(std::io::Error::other("request body ended early")));
}

/// The request body as the blocking reader the input layer reads JSONL from.
struct ChannelReader {
    rx: std::sync::mpsc::Receiver<std::io::Result<Bytes>>,
    current: Bytes,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        let n = {
            let data = self.fill_buf()?;
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl std::io::BufRead for ChannelReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.current.is_empty() {
            match self.rx.recv() {
                Ok(Ok(b)) => self.current = b,
                Ok(Err(e)) => return Err(e),
                // The sender is gone: the body has ended.
                Err(_) => break,
            }
        }
        Ok(&self.current)
    }

    fn consume(&mut self, amt: usize) {
        let _ = self.current.split_to(amt.min(self.current.len()));
    }
}

/// `GET /v1/rules`: the rule set and its obligations, facts and parameters.
async fn rules(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
) -> Response {
    let lang = edge::lang_of(req.uri().query(), req.headers());
    if let Err(p) = query(&req, &["lang"], lang) {
        return p.into_response();
    }
    let r = &state.rules;
    let info = |i: &crate::finding::RuleInfo| {
        json!({
            "id": i.id,
            "title": i.title.get(lang),
            "severity": i.severity.map(|s| s.name()),
            "principle": i.principle.as_ref().map(|p| json!({ "id": p.id, "title": p.title.get(lang) })),
            "remedy": (!i.remedy.get(lang).is_empty()).then(|| i.remedy.get(lang)),
            "sources": i.sources.iter().map(|s| source_json(s, lang)).collect::<Vec<_>>(),
        })
    };
    ok_json(&json!({
        "lang": lang.code(),
        "rules": {
            "id": r.id(),
            "version": r.version(),
            "title": r.title().get(lang),
            "origin": r.origin(),
            "sha256": r.sha256(),
        },
        "headline": r.headline().map(|h| json!({ "key": h.key, "title": h.title.get(lang), "fact": h.fact })),
        "principles": r.principles().iter().map(|p| json!({ "id": p.id, "title": p.title.get(lang) })).collect::<Vec<_>>(),
        "obligations": r.obligations().map(|o| info(o)).collect::<Vec<_>>(),
        "facts": r.facts().map(|f| info(f)).collect::<Vec<_>>(),
        "params": r.params().iter().map(|p| param_json(p, lang)).collect::<Vec<_>>(),
    }))
}

fn param_json(p: &crate::rules::ParamInfo, lang: Lang) -> Value {
    json!({
        "id": p.id,
        "title": p.title.get(lang),
        "value": p.value.shown(),
        "default": p.default.shown(),
        "overridden": p.overridden,
        "sources": p.sources.iter().map(|s| source_json(s, lang)).collect::<Vec<_>>(),
    })
}

fn source_json(s: &SourceRef, lang: Lang) -> Value {
    match s {
        SourceRef::Seed {
            file,
            line,
            quote,
            reading,
            ..
        } => json!({
            "kind": "seed", "file": file, "line": line, "quote": quote,
            "title": s.title(), "citation": s.citation(lang), "section": s.section(lang),
            "reading": reading,
            "href": s.href(),
        }),
        SourceRef::External {
            title,
            section,
            url,
            paraphrase,
            ..
        } => json!({
            "kind": "external", "title": title, "citation": s.citation(lang),
            "section": section, "url": url,
            "paraphrase": paraphrase.as_ref().map(|p| p.get(lang)),
        }),
    }
}

/// The last segment of the path, percent-decoded.
fn last_segment(req: &Request) -> String {
    let path = req.uri().path();
    let seg = path.rsplit('/').next().unwrap_or("");
    percent_encoding::percent_decode_str(seg)
        .decode_utf8_lossy()
        .into_owned()
}

/// `GET /v1/rules/{id}`: one obligation (or fact, as `@id`) as `rules show` shows it.
async fn rule(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
) -> Response {
    let lang = edge::lang_of(req.uri().query(), req.headers());
    if let Err(p) = query(&req, &["lang"], lang) {
        return p.into_response();
    }
    let id = last_segment(&req);
    let set = &state.rules;
    let d = match set.detail(&id) {
        Ok(d) => d,
        Err(e) => {
            return Problem::documents(lang, &[crate::diag::Diagnostic::new(&e, None, None)])
                .with_status(StatusCode::NOT_FOUND)
                .into_response();
        }
    };
    let i = &d.info;
    ok_json(&json!({
        "lang": lang.code(),
        "id": i.id,
        "kind": match i.kind {
            crate::finding::RuleKind::Fact => "fact",
            crate::finding::RuleKind::Obligation => "obligation",
        },
        "title": i.title.get(lang),
        "severity": i.severity.map(|s| s.name()),
        "principle": i.principle.as_ref().map(|p| json!({ "id": p.id, "title": p.title.get(lang) })),
        "declared": d.place,
        "expressions": d.expr.iter().map(|(k, v)| json!({ "key": k, "text": v })).collect::<Vec<_>>(),
        "remedy": (!i.remedy.get(lang).is_empty()).then(|| i.remedy.get(lang)),
        "messages": d.messages.iter().map(|(k, v)| json!({ "status": k, "text": v.get(lang) })).collect::<Vec<_>>(),
        "facts": d.facts,
        "params": set.params().iter().filter(|p| d.params.contains(&p.id)).map(|p| param_json(p, lang)).collect::<Vec<_>>(),
        "sources": i.sources.iter().map(|s| source_json(s, lang)).collect::<Vec<_>>(),
        "text": crate::service::show_text(set, &id, lang).unwrap_or_default(),
    }))
}

/// `GET /v1/sources/{name}`: a seed document with line numbers (`   56  text`), so that a
/// citation («… § 6, linje 56») can be read in context, under the document's title when the rule
/// set describes it.
async fn source(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
) -> Response {
    let lang = edge::lang_of(req.uri().query(), req.headers());
    if let Err(p) = query(&req, &["lang"], lang) {
        return p.into_response();
    }
    let name = last_segment(&req);
    let Some(seed) = state.files.seed(&name) else {
        let names: Vec<&str> = state.files.seeds.iter().map(|s| s.name()).collect();
        let shown = crate::diag::shown(&name);
        return Problem::http(
            StatusCode::NOT_FOUND,
            "http::no-source",
            lang,
            (
                &format!("ingen kilde heter `{shown}`"),
                &format!("inga kjelde heiter `{shown}`"),
                &format!("no source is named `{shown}`"),
            ),
            Some((
                &format!("kildene er {}", names.join(", ")),
                &format!("kjeldene er {}", names.join(", ")),
                &format!("the sources are {}", names.join(", ")),
            )),
        )
        .into_response();
    };
    let lines: Vec<&str> = seed.text().lines().collect();
    let doc = state.rules.document(&name);
    // A browser following a citation's link (`…#L56`) gets a page whose lines are anchors, under
    // the document's title.
    if crate::web::wants_html(req.headers()) {
        let head = |lang| doc.map(|d| document_head(d, lang)).unwrap_or_default();
        return crate::web::source_page(
            req.uri().query(),
            req.headers(),
            &name,
            &head,
            seed.text(),
        );
    }
    let width = lines.len().to_string().len();
    let mut out = String::with_capacity(seed.text().len() + lines.len() * (width + 2));
    if let Some(doc) = doc {
        out.push_str(&document_head(doc, lang));
    }
    for (n, l) in lines.iter().enumerate() {
        out.push_str(&format!("{:>width$}  {l}\n", n + 1));
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], out).into_response()
}

/// The lines above a described seed's text: its title; its short name, kind and date; what an
/// OCR scan means for its quotes.
fn document_head(doc: &crate::finding::SourceDoc, lang: Lang) -> String {
    use crate::finding::DocKind;
    use crate::text::pick;
    let kind = match doc.kind {
        DocKind::Agreement => pick(lang, "avtale", "avtale", "agreement"),
        DocKind::Strategy => pick(lang, "strategi", "strategi", "strategy"),
        DocKind::Case => pick(lang, "saksframlegg", "saksframlegg", "case"),
        DocKind::Circular => pick(lang, "rundskriv", "rundskriv", "circular"),
        DocKind::Instruction => pick(lang, "instruks", "instruks", "instruction"),
        DocKind::Other => pick(lang, "dokument", "dokument", "document"),
    };
    let mut s = format!("{}\n{} · {kind}", doc.title, doc.short.get(lang));
    if let Some(d) = doc.date {
        s.push_str(&format!(" · {d}"));
    }
    s.push('\n');
    if doc.ocr {
        s.push_str(pick(
            lang,
            "Skannet med tekstgjenkjenning (OCR): teksten står her slik skanningen leste den, med feillesninger som «oppfelging» for «oppfølging». Sitatene i reglene er kontrollert mot denne teksten; rapportene viser dem rettet.\n",
            "Skanna med tekstattkjenning (OCR): teksten står her slik skanninga las han, med feillesingar som «oppfelging» for «oppfølging». Sitata i reglane er kontrollerte mot denne teksten; rapportane viser dei retta.\n",
            "Scanned with text recognition (OCR): the text stands here as the scan read it, with misreadings such as «oppfelging» for «oppfølging». The rules' quotes are checked against this text; the reports show them corrected.\n",
        ));
    }
    s.push('\n');
    s
}

async fn ready(axum::extract::State(state): axum::extract::State<Arc<State>>) -> Response {
    let r = &state.rules;
    let body = json!({
        "status": if state.ready.load(Ordering::SeqCst) { "ready" } else { "stopping" },
        "rules": { "id": r.id(), "version": r.version(), "sha256": r.sha256() },
    });
    let mut resp = ok_json(&body);
    if !state.ready.load(Ordering::SeqCst) {
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    resp
}

async fn metrics(axum::extract::State(state): axum::extract::State<Arc<State>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        Body::from(state.metrics.render()),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{Config, Limits};
    use tower::ServiceExt;

    /// A panic in a route is answered 500 (a problem) and counted, and the server goes on.
    #[test]
    fn a_panic_is_answered_500_and_the_server_goes_on() {
        let rules = crate::service::load_rules_and_files(&crate::service::RulesArgs {
            rules: None,
            params: Vec::new(),
            param_file: None,
        });
        let Ok((rules, files)) = rules else {
            panic!("the embedded rules load");
        };
        let config = Config {
            addr: ([127, 0, 0, 1], 0).into(),
            quiet: true,
            cors: None,
            limits: Limits::default(),
        };
        let state = Arc::new(State::new(rules, files, config));
        let boom = Router::new().route(
            "/boom",
            get(|| async {
                // What a bug looks like: an index that input pushed out of bounds.
                let items: Vec<&str> = Vec::new();
                items[std::hint::black_box(0)]
            }),
        );
        let app = router_with(state.clone(), boom);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let Ok(rt) = rt else {
            panic!("a runtime");
        };
        let get = |path: &str| {
            let req = axum::http::Request::get(path).body(Body::empty());
            let Ok(req) = req else {
                panic!("a request");
            };
            rt.block_on(app.clone().oneshot(req))
        };
        let r = get("/boom").unwrap_or_else(|e| match e {});
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            r.headers().get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
            Some(&b"application/problem+json"[..])
        );
        let r = get("/healthz").unwrap_or_else(|e| match e {});
        assert_eq!(r.status(), StatusCode::OK);
        let m = state.metrics.render();
        assert!(
            m.contains("route=\"other\",method=\"GET\",status=\"500\"} 1"),
            "{m}"
        );
    }
}
