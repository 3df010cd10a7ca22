//! `samstyr serve`: the real binary on an ephemeral port, spoken to over TCP. Every route and
//! every error status; the CLI's bytes for the same question on every fixture in every format;
//! every answer checked against the server's own OpenAPI document, which an independent
//! validator (Python's `openapi-spec-validator`) checks in turn; limits, timeouts, shutdown,
//! logs and CORS.

use super::check::{AS_OF, root, samstyr_stdin};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A running `samstyr serve`, stopped (SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    /// `samstyr serve --addr 127.0.0.1:0 --quiet ARGS…`, once it has said where it listens.
    fn start(args: &[&str]) -> Server {
        Self::start_with(args, true)
    }

    fn start_with(args: &[&str], quiet: bool) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_samstyr"));
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if quiet {
            cmd.arg("--quiet");
        }
        let mut child = cmd.spawn().expect("samstyr serve starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout is piped");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("samstyr serve prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line `{line}`"))
            .to_string();
        Server { child, addr }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.pid()])
            .status()
            .expect("kill runs");
        assert!(ok.success());
    }

    /// Wait for the process to end by itself; its exit code and standard error.
    fn wait(mut self, within: Duration) -> (Option<i32>, String) {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                return (status.code(), err);
            }
            assert!(
                started.elapsed() < within,
                "the server did not stop within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP answer.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the body is UTF-8")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Write a request (`Connection: close`) and read the whole answer.
fn raw(addr: &str, request: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("the server accepts");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout set");
    // Written on a thread of its own while the answer is read: the server may answer (413)
    // and close before it has read all of a large body.
    let mut w = s.try_clone().expect("the socket clones");
    let bytes = request.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(&bytes);
    });
    let r = read_response(&mut s);
    let _ = writer.join();
    r
}

fn read_response(s: &mut TcpStream) -> Resp {
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Resp {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(&String::from_utf8_lossy(&rest[..nl]), 16)
                .expect("a chunk size");
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 2 + size + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    if method == "POST" {
        r.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes)
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// The OpenAPI document of a server, and a validator per answer it describes.
struct Api {
    doc: Value,
    validators: Mutex<HashMap<String, jsonschema::Validator>>,
    checked: Mutex<usize>,
}

impl Api {
    fn of(server: &Server) -> Api {
        let r = request(&server.addr, "GET", "/v1/openapi.json", &[], b"");
        assert_eq!(r.status, 200);
        let api = Api {
            doc: r.json(),
            validators: Mutex::default(),
            checked: Mutex::default(),
        };
        api.check("/v1/openapi.json", "GET", &r);
        api
    }

    /// The path of the document a request path is on.
    fn template(path: &str) -> Option<String> {
        let path = path.split(['?', '#']).next().unwrap_or("");
        for (prefix, pattern) in [
            ("/v1/rules/", "/v1/rules/{id}"),
            ("/v1/sources/", "/v1/sources/{name}"),
        ] {
            if path.strip_prefix(prefix).is_some_and(|r| !r.is_empty()) {
                return Some(pattern.into());
            }
        }
        Some(path.to_string())
    }

    /// Assert that the document describes this answer: its status for this path and method,
    /// its content type, and its body (JSON, or text as a string) against the schema there.
    /// A path the document does not have must be answered with a problem.
    fn check(&self, path: &str, method: &str, r: &Resp) {
        let esc = |s: &str| s.replace('~', "~0").replace('/', "~1");
        let ct = r.header("content-type").unwrap_or("").to_string();
        let template = Self::template(path).unwrap_or_default();
        // A path or method the document does not have (404, 405) is answered with a problem.
        let in_doc = self
            .doc
            .pointer(&format!(
                "/paths/{}/{}",
                esc(&template),
                method.to_ascii_lowercase()
            ))
            .is_some();
        let pointer = if in_doc {
            let responses = format!(
                "/paths/{}/{}/responses",
                esc(&template),
                method.to_ascii_lowercase()
            );
            let at = format!("{responses}/{}", r.status);
            let content = self
                .doc
                .pointer(&format!("{at}/content"))
                .unwrap_or_else(|| {
                    panic!(
                        "{method} {path}: status {} is not in the document: {}",
                        r.status,
                        r.text()
                    )
                });
            assert!(
                content.get(&ct).is_some(),
                "{method} {path} {}: content type `{ct}` is not in the document",
                r.status
            );
            format!("{at}/content/{}/schema", esc(&ct))
        } else {
            assert_eq!(ct, "application/problem+json", "{method} {path}");
            "/components/schemas/Problem".to_string()
        };
        let instance = if ct.contains("json") {
            r.json()
        } else {
            Value::String(r.text())
        };
        let mut validators = self.validators.lock().expect("lock");
        let v = validators.entry(pointer.clone()).or_insert_with(|| {
            let mut root = self.doc.clone();
            // A pointer in a URI fragment: characters a URI does not allow percent-encoded.
            let fragment = pointer
                .replace('%', "%25")
                .replace(' ', "%20")
                .replace('{', "%7B")
                .replace('}', "%7D");
            root["$ref"] = Value::String(format!("#{fragment}"));
            jsonschema::options()
                .build(&root)
                .unwrap_or_else(|e| panic!("{pointer}: {e}"))
        });
        let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {}: the body does not follow {pointer}: {errors:#?}",
            r.status
        );
        *self.checked.lock().expect("lock") += 1;
    }

    /// A request, its answer checked against the document.
    fn call(
        &self,
        server: &Server,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let r = request(&server.addr, method, path, headers, body);
        self.check(path, method, &r);
        for (h, want) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
        ] {
            assert_eq!(r.header(h), Some(want), "{method} {path}");
        }
        assert!(
            r.header("content-security-policy")
                .is_some_and(|c| c.contains("default-src 'none'")),
            "{method} {path}"
        );
        r
    }
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn codes(problem: &Value) -> Vec<String> {
    problem["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_route_and_every_error_status() {
    let s = Server::start(&[]);
    let api = Api::of(&s);
    let digihelse = read("fixtures/initiatives/valid/digihelse.json");

    assert_eq!(
        api.call(&s, "GET", "/healthz", &[], b"").json()["status"],
        "ok"
    );
    let ready = api.call(&s, "GET", "/readyz", &[], b"").json();
    assert_eq!(ready["status"], "ready");

    // Rules: the list, one obligation, one fact, and an unknown id (404 with a suggestion).
    let rules = api.call(&s, "GET", "/v1/rules?lang=en", &[], b"").json();
    assert_eq!(rules["lang"], "en");
    let first = rules["obligations"][0]["id"]
        .as_str()
        .expect("an obligation");
    let one = api
        .call(&s, "GET", &format!("/v1/rules/{first}"), &[], b"")
        .json();
    assert_eq!(one["id"], first);
    assert_eq!(one["kind"], "obligation");
    assert!(one["text"].as_str().is_some_and(|t| t.starts_with(first)));
    let fact = rules["facts"][0]["id"].as_str().expect("a fact");
    let f = api
        .call(&s, "GET", &format!("/v1/rules/@{fact}"), &[], b"")
        .json();
    assert_eq!(f["kind"], "fact");
    let missing = api.call(&s, "GET", "/v1/rules/NO-SUCH-RULE", &[], b"");
    assert_eq!(missing.status, 404);

    // Schemas: the CLI's bytes.
    let schema = api.call(&s, "GET", "/v1/schema", &[], b"");
    assert_eq!(schema.text(), samstyr_stdin(&["schema"], None).stdout);
    let report_schema = api.call(&s, "GET", "/v1/schema/report", &[], b"");
    assert_eq!(
        report_schema.text(),
        samstyr_stdin(&["schema", "--report"], None).stdout
    );
    assert!(report_schema.json()["properties"]["decision"].is_object());

    // A source with line numbers: the line a citation names holds its quote.
    let seed_ref = rules["obligations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["sources"].as_array().cloned().unwrap_or_default())
        .find(|src| src["kind"] == "seed")
        .expect("an obligation quotes a seed");
    let file = seed_ref["file"].as_str().expect("a file");
    let line = seed_ref["line"].as_u64().expect("a line") as usize;
    assert_eq!(
        seed_ref["href"],
        format!("/v1/sources/{file}#L{line}").as_str()
    );
    let text = api
        .call(&s, "GET", &format!("/v1/sources/{file}"), &[], b"")
        .text();
    // The document's title heads the page: people never read only a file name.
    let title = seed_ref["title"].as_str().expect("the seed is described");
    assert_eq!(text.lines().next(), Some(title));
    assert!(
        seed_ref["citation"]
            .as_str()
            .is_some_and(|c| !c.contains(file)),
        "{seed_ref}"
    );
    let numbered = text
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{line}  ")))
        .expect("the line is there");
    // A browser following the link gets the line as an anchor, under the title.
    let page = api
        .call(
            &s,
            "GET",
            &format!("/v1/sources/{file}"),
            &[("accept", "text/html,application/xhtml+xml")],
            b"",
        )
        .text();
    assert!(page.contains(&format!("<li id=\"L{line}\">")), "{page}");
    assert!(
        page.contains(&format!("<h1 lang=\"nb\">{title}</h1>")),
        "{page}"
    );
    let quote_start: String = seed_ref["quote"]
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(
        numbered.contains(&quote_start),
        "{numbered} / {quote_start}"
    );
    assert_eq!(
        api.call(&s, "GET", "/v1/sources/no-such.txt", &[], b"")
            .status,
        404
    );
    // No file is read because of a request: a path outside the seeds is just an unknown name.
    assert_eq!(
        api.call(&s, "GET", "/v1/sources/..%2FCargo.toml", &[], b"")
            .status,
        404
    );

    // Check, validate, report.
    let check = api.call(
        &s,
        "POST",
        &format!("/v1/check?as_of={AS_OF}"),
        &[JSON],
        &digihelse,
    );
    assert_eq!(check.status, 200);
    let report = check.json();
    assert_eq!(
        check.header("samstyr-decision-id"),
        report["decision"]["id"].as_str()
    );
    assert_eq!(
        check.header("samstyr-input-sha256"),
        report["decision"]["input_sha256"].as_str()
    );
    assert!(matches!(
        check.header("samstyr-verdict"),
        Some("pass" | "fail")
    ));
    let v = api.call(&s, "POST", "/v1/validate", &[JSON], &digihelse);
    assert_eq!(v.json()["valid"], 1);
    let batch = read("fixtures/initiatives/valid/portefolje-dodsfall.jsonl");
    let p = api.call(
        &s,
        "POST",
        &format!("/v1/report?as_of={AS_OF}"),
        &[("Content-Type", "application/x-ndjson")],
        &batch,
    );
    assert_eq!(p.status, 200, "{}", p.text());

    // 400: malformed JSON, a bad query parameter, an unknown one, an empty body.
    let bad = api.call(&s, "POST", "/v1/check?lang=en", &[JSON], b"{\"id\": ");
    assert_eq!(bad.status, 400);
    assert!(codes(&bad.json()).iter().any(|c| c.starts_with("json::")));
    assert_eq!(bad.json()["title"], "bad request");
    for q in [
        "as_of=2026-02-30",
        "format=pdf",
        "lang=de",
        "fail_on=x",
        "colour=1",
    ] {
        let r = api.call(&s, "POST", &format!("/v1/check?{q}"), &[JSON], &digihelse);
        assert_eq!(r.status, 400, "{q}");
        assert_eq!(codes(&r.json()), ["http::query"], "{q}");
    }
    let empty = api.call(&s, "POST", "/v1/check", &[JSON], b"");
    assert_eq!(empty.status, 400);
    assert_eq!(api.call(&s, "POST", "/v1/report", &[JSON], b"").status, 400);

    // 422: an invalid initiative, its diagnostics as the CLI gives them, in the asked language.
    let invalid = read("fixtures/initiatives/invalid/several-errors.json");
    let r = api.call(&s, "POST", "/v1/check?lang=en", &[JSON], &invalid);
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["title"], "invalid document");
    let cli = samstyr_stdin(
        &["validate", "--lang", "en", "--format", "json", "-"],
        Some(std::str::from_utf8(&invalid).expect("UTF-8")),
    );
    let cli: Value = serde_json::from_str(&cli.stdout).expect("validate JSON");
    assert_eq!(r.json()["diagnostics"], cli["results"][0]["diagnostics"]);
    let nb = api.call(
        &s,
        "POST",
        "/v1/validate",
        &[JSON, ("Accept-Language", "nb-NO")],
        &invalid,
    );
    assert_eq!(nb.status, 422);
    assert_eq!(nb.json()["title"], "dokumentet er ugyldig");

    // 413: over the CLI's input limit, by the declared length and by the bytes sent.
    let limit = 10 * 1024 * 1024;
    let r = raw(
        &s.addr,
        format!(
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            limit + 1
        )
        .as_bytes(),
    );
    api.check("/v1/check", "POST", &r);
    assert_eq!(r.status, 413);
    assert_eq!(codes(&r.json()), ["input::too-large"]);
    let mut chunked = b"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    let piece = vec![b' '; 1024 * 1024];
    for _ in 0..11 {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(&piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let r = raw(&s.addr, &chunked);
    api.check("/v1/validate", "POST", &r);
    assert_eq!(r.status, 413);

    // 415, 404, 405 (with Allow).
    let r = api.call(
        &s,
        "POST",
        "/v1/check",
        &[("Content-Type", "text/plain")],
        &digihelse,
    );
    assert_eq!(r.status, 415);
    let r = api.call(&s, "POST", "/v1/check", &[], &digihelse);
    assert_eq!(r.status, 415);
    let r = api.call(&s, "GET", "/no/such/path", &[], b"");
    assert_eq!(r.status, 404);
    assert_eq!(codes(&r.json()), ["http::not-found"]);
    let r = api.call(&s, "GET", "/v1/check", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    let r = api.call(&s, "POST", "/v1/rules", &[JSON], b"{}");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));

    // The metrics count what happened, by route and status.
    let m = api.call(&s, "GET", "/metrics", &[], b"").text();
    for want in [
        "samstyr_http_requests_total{route=\"/v1/check\",method=\"POST\",status=\"200\"} 1",
        "samstyr_http_requests_total{route=\"/v1/check\",method=\"POST\",status=\"422\"} 1",
        "samstyr_http_requests_total{route=\"other\",method=\"GET\",status=\"404\"} 1",
        "samstyr_http_request_duration_seconds_bucket{route=\"/v1/check\",le=\"+Inf\"}",
        "samstyr_documents_checked_total ",
    ] {
        assert!(m.contains(want), "{want} not in\n{m}");
    }
    // No CORS unless asked for.
    let r = api.call(
        &s,
        "GET",
        "/healthz",
        &[("Origin", "https://evil.example")],
        b"",
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert!(*api.checked.lock().expect("lock") > 30);
}

/// 408 for a body that stops arriving, 503 with `Retry-After` past the concurrency limit.
#[test]
fn slow_bodies_time_out_and_excess_requests_get_503() {
    let s = Server::start(&["--body-timeout", "3", "--max-concurrent", "1"]);
    let api = Api::of(&s);
    // Hold the one permit with a body that never ends.
    let mut slow = TcpStream::connect(&s.addr).expect("connects");
    slow.write_all(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"id\"")
        .expect("writes");
    // Until the slow request holds the permit (at once, unless the machine is very busy).
    let started = Instant::now();
    let busy = loop {
        let r = request(&s.addr, "GET", "/healthz", &[], b"");
        if r.status != 200 || started.elapsed() > Duration::from_secs(2) {
            break r;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    api.check("/healthz", "GET", &busy);
    assert_eq!(busy.status, 503);
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(codes(&busy.json()), ["http::overloaded"]);
    let r = read_response(&mut slow);
    api.check("/v1/check", "POST", &r);
    assert_eq!(r.status, 408);
    // The permit is back.
    assert_eq!(request(&s.addr, "GET", "/healthz", &[], b"").status, 200);
}

/// A report body over `--max-report-bytes`, sent in pieces, is refused with 413 while it is
/// being read.
#[test]
fn a_streamed_report_over_its_limit_is_413() {
    let s = Server::start(&["--max-report-bytes", "4096"]);
    let api = Api::of(&s);
    let batch = read("fixtures/initiatives/valid/portefolje-dodsfall.jsonl");
    assert!(batch.len() < 4096);
    let mut body = Vec::new();
    while body.len() <= 8192 {
        body.extend_from_slice(&batch);
    }
    let mut req = b"POST /v1/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for piece in body.chunks(1000) {
        req.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        req.extend_from_slice(piece);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let r = raw(&s.addr, &req);
    api.check("/v1/report", "POST", &r);
    assert_eq!(r.status, 413, "{}", r.text());
    // Within the limit, the same server answers.
    let r = api.call(
        &s,
        "POST",
        "/v1/report",
        &[("Content-Type", "application/x-ndjson")],
        &batch,
    );
    assert_eq!(r.status, 200);
}

/// The CLI and the server give the same bytes for the same question: every fixture under
/// `fixtures/initiatives`, valid ones in every format and both languages, invalid ones as the
/// diagnostics of `validate --format json`.
#[test]
fn cli_and_server_give_the_same_bytes_on_every_fixture() {
    let s = Server::start(&[]);
    let api = Api::of(&s);
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["valid", "invalid", "batch-duplicate-ids"] {
        let d = root().join("fixtures/initiatives").join(dir);
        for e in std::fs::read_dir(&d).expect("fixture dir").flatten() {
            files.push(e.path());
        }
    }
    files.sort();
    let mut compared = 0;
    for path in &files {
        let body = std::fs::read(path).expect("fixture");
        let stdin = String::from_utf8_lossy(&body).into_owned();
        let name = path.display().to_string();
        // Non-UTF-8 input cannot go through the test's text stdin: the server is checked on
        // its own below, the CLI by the input tests.
        let utf8 = std::str::from_utf8(&body).is_ok();
        let cli_valid = samstyr_stdin(&["validate", "--format", "json", "-"], Some(&stdin));
        let v = api.call(&s, "POST", "/v1/validate", &[JSON], &body);
        if v.status == 200 {
            assert_eq!(v.text(), cli_valid.stdout, "{name}: validate");
            for format in ["json", "sarif", "junit", "github", "markdown", "text"] {
                for lang in ["nb", "en"] {
                    let cli = samstyr_stdin(
                        &[
                            "check", "-", "--as-of", AS_OF, "--format", format, "--lang", lang,
                        ],
                        Some(&stdin),
                    );
                    assert!(cli.code == 0 || cli.code == 1, "{name}: {}", cli.stderr);
                    let r = api.call(
                        &s,
                        "POST",
                        &format!("/v1/check?as_of={AS_OF}&format={format}&lang={lang}"),
                        &[JSON],
                        &body,
                    );
                    assert_eq!(r.status, 200, "{name} {format} {lang}");
                    assert_eq!(r.text(), cli.stdout, "{name} {format} {lang}");
                    assert_eq!(
                        r.header("samstyr-verdict"),
                        Some(if cli.code == 0 { "pass" } else { "fail" })
                    );
                    compared += 1;
                }
            }
        } else {
            assert!(matches!(v.status, 400 | 413 | 422), "{name}: {}", v.status);
            let c = api.call(
                &s,
                "POST",
                &format!("/v1/check?as_of={AS_OF}"),
                &[JSON],
                &body,
            );
            assert_eq!(c.status, v.status, "{name}");
            assert_eq!(c.json()["diagnostics"], v.json()["diagnostics"], "{name}");
            if utf8 {
                assert_eq!(cli_valid.code, 2, "{name}");
                let cli: Value = serde_json::from_str(&cli_valid.stdout).expect("JSON");
                let want: Vec<Value> = cli["results"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|r| r["diagnostics"].as_array().cloned().unwrap_or_default())
                    .collect();
                assert_eq!(v.json()["diagnostics"], Value::Array(want), "{name}");
            }
            compared += 1;
        }
    }
    assert!(compared > 150, "{compared} comparisons");

    // The portfolio report: `report --format json -` on the same JSONL.
    let batch = read("fixtures/initiatives/valid/portefolje-dodsfall.jsonl");
    for lang in ["nb", "en"] {
        let cli = samstyr_stdin(
            &[
                "report", "-", "--format", "json", "--as-of", AS_OF, "--lang", lang,
            ],
            Some(std::str::from_utf8(&batch).expect("UTF-8")),
        );
        let r = api.call(
            &s,
            "POST",
            &format!("/v1/report?as_of={AS_OF}&lang={lang}"),
            &[("Content-Type", "application/x-ndjson")],
            &batch,
        );
        assert_eq!(r.text(), cli.stdout, "report {lang}");
    }
}

/// The decision record: the same question gives the same id, and any part of the question
/// changes it; the input's hash is the SHA-256 of its text; the rule set's hash depends on its
/// content, not where it lies.
#[test]
fn decision_record_follows_the_question() {
    use sha2::Digest;
    let file = "fixtures/initiatives/valid/digihelse.json";
    let check = |extra: &[&str]| {
        let mut args = vec!["check", file, "--format", "json"];
        args.extend_from_slice(extra);
        let r = samstyr_stdin(&args, None);
        let v: Value = serde_json::from_str(&r.stdout).expect("JSON report");
        v["decision"].clone()
    };
    let a = check(&["--as-of", AS_OF]);
    assert_eq!(a, check(&["--as-of", AS_OF]));
    assert_eq!(a, check(&["--as-of", AS_OF, "--lang", "en"]));
    assert_eq!(a, check(&["--as-of", AS_OF, "--rules", "rules"]));
    let hash = sha2::Sha256::digest(read(file));
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(a["input_sha256"], hex.as_str());
    assert_eq!(a["as_of"], AS_OF);
    assert_eq!(a["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(a["rules"]["id"], "samstyring");
    let other_date = check(&["--as-of", "2026-06-02"]);
    assert_ne!(a["id"], other_date["id"]);
    let rules: Value = {
        let s = Server::start(&[]);
        request(&s.addr, "GET", "/v1/rules", &[], b"").json()
    };
    let p = &rules["params"][0];
    let id = p["id"].as_str().expect("a parameter");
    // A numeric or duration parameter: overriding it with its own default would not change
    // the value, so the override is checked by a different value only when one is known.
    if let Some(n) = p["value"].as_str().and_then(|v| v.parse::<u64>().ok()) {
        let other = check(&["--as-of", AS_OF, "--param", &format!("{id}={}", n + 1)]);
        assert_ne!(a["id"], other["id"]);
        assert_eq!(a["rules"]["sha256"], other["rules"]["sha256"]);
    }
    let library = samstyr_stdin(
        &[
            "check",
            "fixtures/library/rules/tests/inputs",
            "--rules",
            "fixtures/library/rules",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
        None,
    );
    let lib: Value = serde_json::from_str(&library.stdout).expect("JSON report");
    assert_ne!(lib["decision"]["rules"]["sha256"], a["rules"]["sha256"]);
    let decision_id = lib["decision"]["id"].as_str().unwrap_or("");
    assert_eq!(decision_id.len(), 32);
}

/// The engine and the server know no domain: the library-loans rule set is served the same way.
#[test]
fn the_library_rule_set_is_served() {
    let s = Server::start(&["--rules", "fixtures/library/rules"]);
    let api = Api::of(&s);
    let rules = api.call(&s, "GET", "/v1/rules", &[], b"").json();
    assert_ne!(rules["rules"]["id"], "samstyring");
    let inputs = root().join("fixtures/library/rules/tests/inputs");
    let mut checked = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&inputs)
        .expect("library inputs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let body = std::fs::read(&path).expect("input");
        let r = api.call(
            &s,
            "POST",
            &format!("/v1/check?as_of={AS_OF}&format=json"),
            &[JSON],
            &body,
        );
        let cli = samstyr_stdin(
            &[
                "check",
                "-",
                "--rules",
                "fixtures/library/rules",
                "--as-of",
                AS_OF,
                "--format",
                "json",
            ],
            Some(&String::from_utf8_lossy(&body)),
        );
        if r.status == 200 {
            assert_eq!(r.text(), cli.stdout, "{}", path.display());
            checked += 1;
        } else {
            assert_eq!(cli.code, 2, "{}", path.display());
        }
    }
    assert!(checked > 0);
    let seed = api.call(&s, "GET", "/v1/sources/utlansreglement.txt", &[], b"");
    assert_eq!(seed.status, 200);
    assert!(seed.text().starts_with("1  ") || seed.text().starts_with(" "));
    let schema = api.call(&s, "GET", "/v1/schema", &[], b"");
    let cli = samstyr_stdin(&["schema", "--rules", "fixtures/library/rules"], None);
    assert_eq!(schema.text(), cli.stdout);
}

/// The OpenAPI document passes an independent validator, for both rule sets. Needs Python 3
/// with `openapi-spec-validator` (`pip install openapi-spec-validator`; `.ci/run` installs it):
/// without them this test fails and says so.
#[test]
fn the_openapi_document_passes_openapi_spec_validator() {
    for args in [&[][..], &["--rules", "fixtures/library/rules"][..]] {
        let s = Server::start(args);
        let doc = request(&s.addr, "GET", "/v1/openapi.json", &[], b"");
        assert_eq!(doc.json()["openapi"], "3.1.0");
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("openapi-{}.json", args.len()));
        std::fs::write(&path, &doc.body).expect("temp file");
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, json\n\
                 from openapi_spec_validator import validate\n\
                 from openapi_spec_validator.versions import consts\n\
                 doc = json.load(open(sys.argv[1]))\n\
                 validate(doc)\n\
                 print('valid', doc['openapi'])",
            ])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "python3 is needed to validate the OpenAPI document ({e}); install Python 3 \
                     and `pip install openapi-spec-validator` (.ci/run does)"
                )
            });
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "openapi-spec-validator failed (if it is missing: `pip install openapi-spec-validator`, as .ci/run does):\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("valid 3.1.0"), "{stdout}");
    }
}

/// SIGTERM: the server stops accepting, finishes the request in flight and exits 0; one log
/// line per request on stderr (JSON: route, status, decision id).
#[test]
fn sigterm_finishes_requests_in_flight_and_exits_0() {
    let s = Server::start_with(&[], false);
    let body = read("fixtures/initiatives/valid/digihelse.json");
    let ok = request(
        &s.addr,
        "POST",
        &format!("/v1/check?as_of={AS_OF}"),
        &[JSON],
        &body,
    );
    assert_eq!(ok.status, 200);
    let decision = ok.json()["decision"]["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    // A request in flight: headers and half its body sent.
    let mut c = TcpStream::connect(&s.addr).expect("connects");
    let head = format!(
        "POST /v1/check?as_of={AS_OF} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    c.write_all(head.as_bytes()).expect("writes");
    let half = body.len() / 2;
    c.write_all(&body[..half]).expect("writes");
    std::thread::sleep(Duration::from_millis(200));
    s.signal("-TERM");
    // No new connections once stopping (at once, unless the machine is very busy).
    let started = Instant::now();
    while TcpStream::connect(&s.addr).is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the listener is still open"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    c.write_all(&body[half..]).expect("writes the rest");
    let r = read_response(&mut c);
    assert_eq!(r.status, 200, "{}", r.text());
    let (code, stderr) = s.wait(Duration::from_secs(10));
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    for l in &lines {
        assert_eq!(l["route"], "/v1/check");
        assert_eq!(l["status"], 200);
        assert_eq!(l["decision"], decision.as_str());
        assert!(l["ms"].as_f64().is_some());
    }
}

#[test]
fn sigint_stops_an_idle_server_with_0() {
    let s = Server::start(&[]);
    s.signal("-INT");
    let (code, _) = s.wait(Duration::from_secs(10));
    assert_eq!(code, Some(0));
}

/// `--cors ORIGIN` lets that origin (and no other) read answers from a browser.
#[test]
fn cors_only_for_the_origin_given() {
    let s = Server::start(&["--cors", "https://skjema.example.no"]);
    let r = request(
        &s.addr,
        "GET",
        "/healthz",
        &[("Origin", "https://skjema.example.no")],
        b"",
    );
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://skjema.example.no")
    );
    let pre = request(
        &s.addr,
        "OPTIONS",
        "/v1/check",
        &[
            ("Origin", "https://skjema.example.no"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert!(pre.status < 300, "{}", pre.status);
    let other = request(
        &s.addr,
        "GET",
        "/healthz",
        &[("Origin", "https://evil.example")],
        b"",
    );
    assert_eq!(other.header("access-control-allow-origin"), None);
}

/// An invalid rule set: exit 2 with its diagnostics, before anything is bound.
#[test]
fn an_invalid_rule_set_exits_2_before_binding() {
    let out = Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--rules",
            "fixtures/rules/broken-set",
        ])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "bound anyway");
    assert!(!out.stderr.is_empty());
    let bad_origin = Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args(["serve", "--cors", "*"])
        .output()
        .expect("runs");
    assert_eq!(bad_origin.status.code(), Some(2));
}

/// `serve --waivers` applies the file to every check as `check --waivers` does: the same bytes,
/// and the gate the waiver clears is green over HTTP too; an invalid waiver file stops the server
/// before it binds.
#[test]
fn waivers_apply_to_every_check_as_in_the_cli() {
    let file = "fixtures/initiatives/valid/digihelse.json";
    let waivers = "fixtures/waivers/digihelse.toml";
    let s = Server::start(&["--waivers", waivers]);
    for format in ["json", "text", "sarif"] {
        let cli = samstyr_stdin(
            &[
                "check",
                "-",
                "--as-of",
                AS_OF,
                "--format",
                format,
                "--waivers",
                waivers,
            ],
            Some(&String::from_utf8_lossy(&read(file))),
        );
        assert_eq!(cli.code, 0, "{}", cli.stderr);
        let r = request(
            &s.addr,
            "POST",
            &format!("/v1/check?as_of={AS_OF}&format={format}"),
            &[("content-type", "application/json")],
            &read(file),
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), cli.stdout, "format {format}");
    }
    let json = request(
        &s.addr,
        "POST",
        &format!("/v1/check?as_of={AS_OF}"),
        &[("content-type", "application/json")],
        &read(file),
    )
    .json();
    assert_eq!(json["summary"]["findings"]["waived"], 2);
    // Both waivers of the file name this initiative and are used.
    assert_eq!(json["waivers"].as_array().map(Vec::len), Some(2));

    let bad = Command::new(env!("CARGO_BIN_EXE_samstyr"))
        .args(["serve", "--addr", "127.0.0.1:0", "--waivers"])
        .arg("fixtures/waivers/invalid/duplicate-id.toml")
        .current_dir(root())
        .output()
        .expect("samstyr runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty(), "it must not bind");
}

/// `POST /v1/report` answers with the decision record `samstyr report --format json` gives for
/// the same lines (and in its headers), the same on every request, and applies the server's
/// waivers as the command applies `--waivers`.
#[test]
fn the_portfolio_report_carries_the_cli_s_decision_record_and_waivers() {
    let waivers = "fixtures/waivers/digihelse.toml";
    let s = Server::start(&["--waivers", waivers]);
    let api = Api::of(&s);
    let batch = read("fixtures/portfolio/portfolio.jsonl");
    let ask = || {
        let r = api.call(
            &s,
            "POST",
            &format!("/v1/report?as_of={AS_OF}"),
            &[("Content-Type", "application/x-ndjson")],
            &batch,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r
    };
    let (a, b) = (ask(), ask());
    assert_eq!(a.text(), b.text(), "byte-identical on every request");
    let v = a.json();
    let cli = samstyr_stdin(
        &["report", "-", "--format", "json", "--as-of", AS_OF],
        Some(&String::from_utf8_lossy(&batch)),
    );
    let cli: Value = serde_json::from_str(&cli.stdout).expect("the CLI's JSON");
    assert_eq!(v["decision"], cli["decision"]);
    assert_eq!(
        a.header("samstyr-decision-id"),
        v["decision"]["id"].as_str()
    );
    assert_eq!(
        a.header("samstyr-input-sha256"),
        v["decision"]["input_sha256"].as_str()
    );
    // The waivers name a document this batch lacks: an error in the report, as the command
    // gives with the same file.
    let with = samstyr_stdin(
        &[
            "report",
            "-",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--waivers",
            waivers,
        ],
        Some(&String::from_utf8_lossy(&batch)),
    );
    let with: Value = serde_json::from_str(&with.stdout).expect("the CLI's JSON");
    assert_eq!(v["waivers"], with["waivers"]);
    assert_eq!(v["errors"], with["errors"]);
    assert!(v.to_string().contains("waiver::unknown-initiative"), "{v}");
}
