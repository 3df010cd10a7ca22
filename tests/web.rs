//! The web form (`GET /`, `/web/result`, `/rules`): the real `samstyr serve` on an ephemeral
//! port. Over plain HTTP: the form is generated from the rule set's input format (a library
//! rule set gets a library form), the result is the engine's findings, the rulebook and the
//! sources answer in three languages. In a real browser (Debian's `chromium` driven by
//! `chromedriver` over WebDriver, `#[ignore]`d, run by `.ci/run`): axe-core finds no WCAG 2.1
//! A/AA violation on every kind of page in nb, nn and en, and a keyboard-only walk fills the form
//! for a fixture, follows an unknown's link to its field, downloads the JSON and gets the
//! fixture back.

use super::check::root;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `samstyr serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_samstyr"))
            .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("samstyr serve starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout is piped");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("samstyr serve prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .map(str::to_string);
        let Some(addr) = addr else {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("samstyr serve did not start: `{line}`\n{err}");
        };
        Server { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP exchange (`Connection: close`): status, headers, body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(120))).ok();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("request written");
    s.write_all(body).expect("body written");
    // Read the head, then as many bytes as it announces: a server may keep the connection
    // open despite `Connection: close` (chromedriver does), so the end of the stream is no end.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).expect("answer read");
        assert!(n > 0, "the connection closed before the head ended");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    loop {
        let done = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = s.read(&mut buf).expect("answer read");
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if chunked {
        body = dechunk(&body);
    }
    (status, headers, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..end])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let (status, _, body) = http(&server.addr, "GET", path, headers, b"");
    (status, String::from_utf8(body).expect("UTF-8"))
}

fn result(server: &Server, query: &str, doc: &[u8]) -> String {
    let (status, _, body) = http(
        &server.addr,
        "POST",
        &format!("/web/result?{query}"),
        &[("Content-Type", "application/json")],
        doc,
    );
    assert_eq!(status, 200);
    String::from_utf8(body).expect("UTF-8")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures/initiatives/valid").join(name)).expect("fixture")
}

/// Started with the library rule set, the same code serves a form for library loans: its
/// fields, its catalog's texts, its repeating groups, and nothing of the initiative format.
#[test]
fn the_form_is_generated_from_the_rule_sets_input_format() {
    let lib = Server::start(&["--rules", "fixtures/library/rules"]);
    let (status, html) = get(&lib, "/?lang=en", &[]);
    assert_eq!(status, 200);
    for needle in [
        "<html lang=\"en\">",
        "data-schema=\"library.member/v1\"",
        "id=\"f.name\"",
        "data-field=\"loans\" data-kind=\"list\"",
        "data-field=\"fees\" data-kind=\"list\"",
        // a catalog reference shows its row's text, in the page's language
        ">book – Book</option>",
        // a yes/no question has three answers
        "id=\"f.guardian_consent-2\" name=\"f.guardian_consent\" value=\"\"",
        "type=\"date\"",
    ] {
        assert!(
            html.contains(needle),
            "`{needle}` is not in the library form"
        );
    }
    for field in ["strategy_measures", "municipal_impact", "involvement", "KS"] {
        assert!(
            !html.contains(field),
            "the library form names `{field}` of the initiative format"
        );
    }
    // Its result: the library's findings, an unknown linked to the library's own field.
    let doc = std::fs::read(
        root().join("fixtures/library/rules/tests/inputs/child-consent-unstated.json"),
    )
    .expect("fixture");
    let html = result(&lib, "lang=en&as_of=2026-06-01", &doc);
    assert!(html.contains("data-errors=\"0\""), "{html}");
    assert!(
        html.contains("href=\"#f.guardian_consent\""),
        "the unknown links to the library form's field: {html}"
    );
    let (status, page) = get(&lib, "/rules?lang=en", &[]);
    assert_eq!(status, 200);
    assert!(!page.contains("SAM-"), "the rulebook is the library's");
    let ini = Server::start(&[]);
    let (_, html) = get(&ini, "/?lang=en", &[]);
    assert!(html.contains("data-schema=\"samstyr.initiative/v1\""));
    assert!(html.contains("id=\"f.municipal_impact.uses_municipal_data\""));
    // M02 with its text in the page's language, as a searchable choice
    assert!(html.contains(
        "<strong>M02</strong> <span lang=\"en\">In cooperation with KS, develop methods"
    ));
    let (_, nn) = get(&ini, "/?lang=nn", &[]);
    assert!(
        nn.contains("<strong>M02</strong> <span lang=\"nn\">I samarbeid med KS utvikle metodar")
    );
    assert!(!html.contains("loans"));
    // An enum's values with the input format's words beside the code: a radio button, an
    // option, an option in a list item's template; the library's enum has no words.
    assert!(nn.contains(r#"<span>I gang</span> <code class="val">active</code>"#));
    assert!(nn.contains(r#"<option value="study">Utgreiing (study)</option>"#));
    assert!(nn.contains("Einskild kommune (municipality)"));
    assert!(html.contains(r#"<span>Ongoing</span> <code class="val">active</code>"#));
    let (_, lib_html) = get(&lib, "/?lang=en", &[]);
    assert!(!lib_html.contains("code class=\"val\""));
    // A list whose absence means "not stated" can be stated empty; a log of what exists cannot.
    assert!(html.contains("id=\"f.strategy_measures-none\""));
    assert!(!html.contains("id=\"f.milestones-none\""));
}

/// The language: the switch (`?lang=`, remembered in a cookie), else `Accept-Language`, else
/// bokmål; every page in all three.
#[test]
fn pages_come_in_three_languages() {
    let s = Server::start(&[]);
    let (_, nb) = get(&s, "/", &[]);
    assert!(nb.contains("<html lang=\"nb\">") && nb.contains("Vurder nå"));
    let (_, nn) = get(&s, "/", &[("Accept-Language", "nn-NO, en;q=0.5")]);
    assert!(nn.contains("<html lang=\"nn\">") && nn.contains("Vurder no"));
    let (_, en) = get(&s, "/", &[("Cookie", "samstyr-lang=en")]);
    assert!(en.contains("<html lang=\"en\">") && en.contains("Check now"));
    let (_, h, _) = http(&s.addr, "GET", "/rules?lang=nn", &[], b"");
    assert!(
        h.iter()
            .any(|(k, v)| k == "set-cookie" && v.starts_with("samstyr-lang=nn;")),
        "{h:?}"
    );
    for (lang, word) in [
        ("nb", "Regelboka"),
        ("nn", "Kva ho krev"),
        ("en", "What it requires"),
    ] {
        let (status, page) = get(&s, &format!("/rules/SAM-01?lang={lang}"), &[]);
        assert_eq!(status, 200);
        assert!(page.contains(word), "{lang}: {word}");
    }
    let (_, page) = get(&s, "/rules/SAM-02?lang=en", &[]);
    assert!(
        page.contains("<table class=\"cases\">") && page.contains("sam02-ks-and-municipality.json"),
        "a rule page lists the rule's test cases"
    );
    let (status, _) = get(&s, "/rules/NO-SUCH?lang=en", &[]);
    assert_eq!(status, 404);
}

/// The result is the engine's: the headline, findings most urgent first, remedies, sources
/// linked to their line, an unknown's fields linked to the form, and the decision record that
/// `check --format json` gives for the same bytes.
#[test]
fn the_result_is_rendered_from_the_findings() {
    let s = Server::start(&[]);
    // Without a cost estimate one obligation cannot be decided, so every status shows.
    let doc = fixture("digifin-uten-kostnadsanslag.json");
    let html = result(&s, "lang=en&as_of=2024-01-01", &doc);
    assert!(html.contains("class=\"headline tri-"), "{html}");
    let order: Vec<usize> = [
        "st-violated",
        "st-pending",
        "st-unknown",
        "st-met",
        "st-not_applicable",
        "st-not_in_force",
    ]
    .iter()
    .map(|c| html.find(c).unwrap_or_else(|| panic!("no {c}")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "most urgent first: {order:?}"
    );
    assert!(html.contains("<strong>How to fix it:</strong>"));
    // The change computed for this document, beside the rule's written remedy.
    assert!(html.contains("<strong>To meet it:</strong>"), "{html}");
    assert!(
        html.contains("href=\"/v1/sources/"),
        "sources link to their line"
    );
    assert!(
        html.contains("class=\"goto\" href=\"#f."),
        "an unknown links to its field"
    );
    // The decision record is the one `check --format json` gives for the same input.
    let (_, _, body) = http(
        &s.addr,
        "POST",
        "/v1/check?as_of=2024-01-01",
        &[("Content-Type", "application/json")],
        &doc,
    );
    let v: Value = serde_json::from_slice(&body).expect("JSON");
    let id = v
        .pointer("/decision/id")
        .and_then(Value::as_str)
        .expect("a decision id");
    assert!(html.contains(&format!("id=\"decision-id\">{id}<")), "{id}");
    // An invalid document: each problem linked to its field.
    let html = result(
        &s,
        "lang=nb",
        br#"{"schema": "samstyr.initiative/v1", "title": 5}"#,
    );
    assert!(html.contains("data-errors=\"3\""), "{html}");
    assert!(html.contains("href=\"#f.title\""));
    assert!(
        html.contains("href=\"#f.id\""),
        "a missing field links to its control"
    );
}

/// A seed opened from a browser is a page with one anchor per line; the API still gives text.
#[test]
fn a_source_opens_at_its_line() {
    let s = Server::start(&[]);
    let (_, page) = get(
        &s,
        "/v1/sources/000_260ed27bb36f3e9d.txt",
        &[("Accept", "text/html,application/xhtml+xml")],
    );
    assert!(
        page.contains("<li id=\"L56\">"),
        "{}",
        &page[..page.len().min(500)]
    );
    let (_, text) = get(&s, "/v1/sources/000_260ed27bb36f3e9d.txt", &[]);
    assert!(!text.contains("<li"));
}

// ---------------------------------------------------------------------------------------------
// In a real browser.

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const AXE: &str = "scripts/a11y/node_modules/axe-core/axe.min.js";

/// Fails, loudly and with the fix, when the browser or axe-core is missing: a browser test that
/// cannot run must not pass.
fn require_browser() -> (PathBuf, PathBuf) {
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    let driver =
        std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from(CHROMEDRIVER), PathBuf::from);
    assert!(
        chromium.exists(),
        "chromium is not at {}: install it with `apt-get install -y chromium chromium-driver` \
         (or set CHROMIUM); the browser tests cannot run without it",
        chromium.display()
    );
    assert!(
        driver.exists(),
        "chromedriver is not at {}: install it with `apt-get install -y chromium-driver` (or set \
         CHROMEDRIVER); the browser tests cannot run without it",
        driver.display()
    );
    (chromium, driver)
}

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    addr: String,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().expect("its address").port()
        };
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = format!("127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if TcpStream::connect(&addr).is_ok() {
                let (status, _, body) = http(&addr, "GET", "/status", &[], b"");
                if status == 200 && String::from_utf8_lossy(&body).contains("\"ready\":true") {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, addr }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session, spoken to over WebDriver (W3C), closed when dropped.
struct Browser<'d> {
    driver: &'d Driver,
    session: String,
    /// Keys pressed so far.
    pressed: std::cell::Cell<usize>,
}

impl<'d> Browser<'d> {
    /// A browser with a viewport of `width` × `height` CSS pixels, in `locale` (which orders
    /// the digits typed into a date input), downloading into `downloads`.
    fn open(
        driver: &'d Driver,
        chromium: &Path,
        downloads: &Path,
        (width, height): (u32, u32),
        locale: &str,
    ) -> Self {
        let mut options = json!({
            "binary": chromium.to_string_lossy(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                format!("--lang={locale}"), format!("--window-size={width},{height}")],
            "prefs": {
                "download.default_directory": downloads.to_string_lossy(),
                "download.prompt_for_download": false,
                "intl.accept_languages": locale,
            },
        });
        // A window is at least 500 pixels wide; a phone's viewport is emulated.
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 }
            });
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let v = call(&driver.addr, "POST", "/session", &caps);
        let session = v
            .pointer("/value/sessionId")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        let b = Browser {
            driver,
            session,
            pressed: std::cell::Cell::new(0),
        };
        b.cmd("POST", "/timeouts", &json!({ "script": 60000 }));
        b
    }

    fn cmd(&self, method: &str, path: &str, body: &Value) -> Value {
        let v = call(
            &self.driver.addr,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        );
        v.get("value").cloned().unwrap_or(Value::Null)
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", &json!({ "url": url }));
    }

    fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            &json!({ "script": script, "args": args }),
        )
    }

    fn js_async(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            &json!({ "script": script, "args": args }),
        )
    }

    /// Press keys, one after another (WebDriver key codes for Tab, Enter, arrows).
    fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        self.pressed.set(self.pressed.get() + text.chars().count());
        for c in text.chars() {
            actions.push(json!({ "type": "keyDown", "value": c.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": c.to_string() }));
        }
        self.cmd(
            "POST",
            "/actions",
            &json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        );
    }

    fn active(&self) -> Value {
        self.js(
            "const a = document.activeElement; return { id: a.id, tag: a.tagName, type: a.type || '', value: a.value === undefined ? null : a.value, checked: !!a.checked, text: (a.textContent || '').trim().slice(0, 80), pointer: a.dataset ? (a.dataset.pointer || '') : '' };",
            json!([]),
        )
    }

    /// Press Tab until the focused element satisfies `pred` (a JS expression over `a`, the
    /// active element); fails with where the focus went.
    fn tab_to(&self, pred: &str, what: &str) {
        let script = format!("const a = document.activeElement; return !!({pred});");
        for _ in 0..600 {
            if self.js(&script, json!([])) == Value::Bool(true) {
                return;
            }
            self.keys(TAB);
        }
        panic!("Tab never reached {what}; focus is on {}", self.active());
    }

    fn wait_for(&self, pred: &str, what: &str) {
        let script = format!("return !!({pred});");
        let started = Instant::now();
        while self.js(&script, json!([])) != Value::Bool(true) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, out: &Path) {
        let v = self.cmd("GET", "/screenshot", &Value::Null);
        let png = base64(v.as_str().expect("a screenshot"));
        std::fs::write(out, png).expect("screenshot written");
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let _ = http(
            &self.driver.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            b"",
        );
    }
}

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const DOWN: &str = "\u{E015}";

fn call(addr: &str, method: &str, path: &str, body: &Value) -> Value {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let (status, _, out) = http(
        addr,
        method,
        path,
        &[("Content-Type", "application/json; charset=utf-8")],
        &bytes,
    );
    let v: Value = serde_json::from_slice(&out).unwrap_or(Value::Null);
    assert!(status == 200, "WebDriver {method} {path}: {status} {v}");
    v
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = acc << 6 | u32::from(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("samstyr-web-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("a temporary directory");
    d
}

/// axe-core's figures over the pages checked.
#[derive(Default)]
struct Axe {
    pages: usize,
    rules_run: usize,
    violations: Vec<String>,
}

impl Axe {
    fn check(&mut self, b: &Browser, source: &str, what: &str) {
        b.js(source, json!([]));
        let r = b.js_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
               .then((r) => done({ passes: r.passes.length, incomplete: r.incomplete.length, inapplicable: r.inapplicable.length,\
                 violations: r.violations.map((v) => v.id + ' (' + v.nodes.length + '): ' + v.help + ' — ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')) }))\
               .catch((e) => done({ error: String(e) }));",
            json!([]),
        );
        assert!(r.get("error").is_none(), "axe-core failed on {what}: {r}");
        let passes = r["passes"].as_u64().unwrap_or(0) as usize;
        assert!(passes > 0, "axe-core ran no rule on {what}");
        self.pages += 1;
        self.rules_run += passes
            + r["incomplete"].as_u64().unwrap_or(0) as usize
            + r["violations"].as_array().map_or(0, Vec::len);
        for v in r["violations"].as_array().into_iter().flatten() {
            self.violations
                .push(format!("{what}: {}", v.as_str().unwrap_or("")));
        }
    }
}

fn axe_source() -> String {
    let path = root().join(AXE);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not at {} ({e}): run `npm install --prefix scripts/a11y`",
            path.display()
        )
    })
}

/// Waits for the assessment the page asked for to be shown.
fn wait_result(b: &Browser) {
    b.wait_for(
        "document.querySelector('#result .result') && document.getElementById('status').textContent.indexOf('…') < 0",
        "the assessment",
    );
}

/// axe-core (WCAG 2.1 A and AA) in Chromium finds no violation on the empty form, a filled form
/// with errors, a result with every status, a rule page, the rulebook and a source in context, in
/// nb, nn and en; and the result printed is the assessment alone with its decision record.
#[test]
#[ignore = "needs chromium, chromedriver and scripts/a11y/node_modules; run by .ci/run"]
fn web_pages_have_no_axe_violations() {
    let (chromium, driver) = require_browser();
    let axe = axe_source();
    let dir = tempdir("axe");
    // A waiver for one violation, so that one result shows every status, `waived` included.
    let waivers = dir.join("waivers.toml");
    std::fs::write(
        &waivers,
        "[[waiver]]\nid = \"U-TEST-1\"\nrules = [\"SAM-05\"]\ninitiatives = [\"KS-DIGIFIN-2025-03\", \"KS-DIGIFIN-2025-04\"]\n\
         reason = \"test\"\nbasis = \"test\"\ndecided_by = \"test\"\ndecided_on = 2023-12-01\nexpires = 2024-11-30\n",
    )
    .expect("waivers written");
    let server = Server::start(&["--waivers", &waivers.to_string_lossy()]);
    let driver = Driver::start(&driver);
    let b = Browser::open(&driver, &chromium, &dir, (1280, 1000), "en-US");
    let mut figures = Axe::default();
    // Without a cost estimate one obligation cannot be decided, so every status shows.
    let every = String::from_utf8(fixture("digifin-uten-kostnadsanslag.json")).expect("UTF-8");
    for lang in ["nb", "nn", "en"] {
        b.go(&server.url(&format!("/?lang={lang}")));
        b.js("localStorage.clear();", json!([]));
        b.go(&server.url(&format!("/?lang={lang}")));
        figures.check(&b, &axe, &format!("empty form ({lang})"));

        // A filled form with errors: a number that is not one, and no id.
        b.js(
            "document.getElementById('f.title').value = 'Test';\
             document.getElementById('f.cost_estimate_nok').value = 'many';\
             document.getElementById('check').click();",
            json!([]),
        );
        wait_result(&b);
        b.wait_for(
            "!document.getElementById('error-summary').hidden",
            "the error summary",
        );
        let errors = b.js(
            "return document.querySelectorAll('#error-summary li').length;",
            json!([]),
        );
        assert!(errors.as_u64().unwrap_or(0) >= 2, "{errors}");
        // …and at the field: marked invalid, with the message beside it.
        let at_field = b.js(
            "const i = document.getElementById('f.cost_estimate_nok');\
             const p = document.getElementById('f.cost_estimate_nok-err');\
             return i.getAttribute('aria-invalid') === 'true' && !p.hidden && p.textContent.length > 0;",
            json!([]),
        );
        assert_eq!(at_field, json!(true), "the error is shown at its field");
        // "None of these" states a list as empty, which is not the same as leaving it out.
        let stated = b.js(
            "document.getElementById('f.strategy_measures-none').click();\
             return JSON.parse(localStorage.getItem('samstyr:samstyr.initiative/v1')).strategy_measures;",
            json!([]),
        );
        assert_eq!(stated, json!([]), "the list is stated empty");
        figures.check(&b, &axe, &format!("form with errors ({lang})"));

        // A result with every status.
        b.js(
            "const t = document.getElementById('paste'); t.value = arguments[0];\
             document.getElementById('as-of').value = '2024-01-01';\
             document.getElementById('paste-load').click();",
            json!([every]),
        );
        b.wait_for(
            "document.querySelector('#result .st-waived')",
            "a result with every status",
        );
        wait_result(&b);
        let statuses = b.js(
            "return ['violated','pending','unknown','met','not_applicable','not_in_force','waived']\
               .filter((s) => !document.querySelector('#result .st-' + s));",
            json!([]),
        );
        assert_eq!(statuses, json!([]), "statuses missing from the result");
        // Printed, the assessment stands alone with its decision record; the form is left out.
        b.cmd(
            "POST",
            "/goog/cdp/execute",
            &json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "media": "print" } }),
        );
        let printed = b.js(
            "const shown = (s) => getComputedStyle(document.querySelector(s)).display !== 'none';\
             return [shown('.form-col'), shown('#result .record'), shown('#result .findings')];",
            json!([]),
        );
        assert_eq!(printed, json!([false, true, true]), "the print stylesheet");
        b.cmd(
            "POST",
            "/goog/cdp/execute",
            &json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "media": "" } }),
        );
        figures.check(&b, &axe, &format!("result with every status ({lang})"));

        b.go(&server.url(&format!("/rules/SAM-01?lang={lang}")));
        figures.check(&b, &axe, &format!("rule page ({lang})"));
        b.go(&server.url(&format!("/rules?lang={lang}")));
        figures.check(&b, &axe, &format!("rulebook ({lang})"));
        b.go(&server.url(&format!(
            "/v1/sources/000_260ed27bb36f3e9d.txt?lang={lang}#L56"
        )));
        figures.check(&b, &axe, &format!("source in context ({lang})"));
    }
    println!(
        "axe-core: {} pages checked, {} rule runs, {} violations",
        figures.pages,
        figures.rules_run,
        figures.violations.len()
    );
    assert!(
        figures.violations.is_empty(),
        "axe-core violations:\n{}",
        figures.violations.join("\n")
    );
}

/// What the walk types into the form: keys only, and the focus read back to know where it is.
struct Walk<'b, 'd> {
    b: &'b Browser<'d>,
    /// A pointer held back until an unknown's link leads to it.
    held: &'b str,
}

impl Walk<'_, '_> {
    fn id(pointer: &str) -> String {
        let mut s = String::from("f");
        for seg in pointer.split('/').skip(1) {
            s.push('.');
            s.push_str(seg);
        }
        s
    }

    fn kind(&self, pointer: &str) -> String {
        self.b
            .js(
                "const el = document.getElementById(arguments[0]); if (!el) return '';\
                 const f = el.classList.contains('fld') ? el : el.closest('.fld'); return f ? f.dataset.kind : '';",
                json!([Self::id(pointer)]),
            )
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The fields of the object at `pointer` in the order of the form.
    fn order(&self, pointer: &str) -> Vec<String> {
        let v = self.b.js(
            "const el = pointer => pointer === '' ? document.getElementById('doc') : document.getElementById(pointer);\
             const c = el(arguments[0]);\
             const fields = c.querySelector(':scope > .fields');\
             return Array.from(fields.querySelectorAll(':scope > .fld')).map((f) => f.dataset.field);",
            json!([if pointer.is_empty() { String::new() } else { Self::id(pointer) }]),
        );
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    }

    fn object(&self, pointer: &str, v: &Value) {
        for name in self.order(pointer) {
            let p = format!("{pointer}/{name}");
            if p == self.held {
                continue;
            }
            if let Some(x) = v.get(&name) {
                self.value(&p, x);
            }
        }
    }

    fn value(&self, pointer: &str, v: &Value) {
        let id = Self::id(pointer);
        let by_id = format!("a.id === {}", json!(id));
        match self.kind(pointer).as_str() {
            "object" => self.object(pointer, v),
            "list" => {
                for (n, item) in v.as_array().into_iter().flatten().enumerate() {
                    self.b.tab_to(
                        &format!(
                            "a === document.getElementById({}).querySelector(':scope > button.add')",
                            json!(id)
                        ),
                        &format!("the add button of {pointer}"),
                    );
                    self.b.keys(ENTER);
                    let ip = format!("{pointer}/{n}");
                    if item.is_object() {
                        self.object(&ip, item);
                    } else {
                        self.value(&ip, item);
                    }
                }
            }
            "refs" => {
                for key in v.as_array().into_iter().flatten() {
                    let key = key.as_str().unwrap_or("");
                    self.b.tab_to(
                        &format!(
                            "a.type === 'checkbox' && a.value === {} && a.id.startsWith({})",
                            json!(key),
                            json!(format!("{id}-"))
                        ),
                        &format!("{key} in {pointer}"),
                    );
                    self.b.keys(" ");
                }
            }
            "radio" => {
                let want = match v {
                    Value::Bool(b) => b.to_string(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                self.b.tab_to(
                    &format!("a.type === 'radio' && a.name === {}", json!(id)),
                    &format!("the choices of {pointer}"),
                );
                for _ in 0..12 {
                    let a = self.b.active();
                    if a["value"] == json!(want) && a["checked"] == json!(true) {
                        return;
                    }
                    self.b.keys(DOWN);
                }
                panic!("arrows never chose `{want}` for {pointer}");
            }
            "select" => {
                let want = v.as_str().unwrap_or("").to_string();
                self.b.tab_to(&by_id, pointer);
                for _ in 0..60 {
                    if self.b.active()["value"] == json!(want) {
                        return;
                    }
                    self.b.keys(DOWN);
                }
                panic!("arrows never chose `{want}` for {pointer}");
            }
            "date" => {
                let want = v.as_str().unwrap_or("");
                self.b.tab_to(&by_id, pointer);
                // A date input takes its digits in the browser's order: en-US is month, day, year.
                let (y, rest) = want.split_once('-').unwrap_or(("", ""));
                let (m, d) = rest.split_once('-').unwrap_or(("", ""));
                self.b.keys(&format!("{m}{d}{y}"));
                let got = self.b.active()["value"].clone();
                assert_eq!(got, json!(want), "the date typed into {pointer}");
            }
            "string" | "number" => {
                self.b.tab_to(&by_id, pointer);
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                self.b.keys(&text);
            }
            other => panic!("{pointer}: no control of kind `{other}` in the form"),
        }
    }
}

/// Keyboard only: fill the form for `digihelse.json` field by field (Tab, typing, arrows, space,
/// Enter), get the result, follow the link of an unknown finding to its field, fill it, download
/// the JSON and compare it with the fixture (equal as JSON).
#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn a_keyboard_walk_fills_the_form_and_downloads_the_fixture() {
    let (chromium, driver) = require_browser();
    let dir = tempdir("walk");
    let server = Server::start(&[]);
    let driver = Driver::start(&driver);
    let b = Browser::open(&driver, &chromium, &dir, (1280, 1000), "en-US");
    b.go(&server.url("/?lang=en"));
    b.js("localStorage.clear();", json!([]));
    b.go(&server.url("/?lang=en"));
    let text = String::from_utf8(fixture("digihelse.json")).expect("UTF-8");
    let want: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    // Held back: without it one obligation cannot be decided, and its link must lead here.
    let held = "/cost_estimate_nok";
    let walk = Walk { b: &b, held };
    walk.object("", &want);

    // The button, then the link of the unknown finding.
    b.tab_to("a.id === 'check'", "the check button");
    b.keys(ENTER);
    wait_result(&b);
    b.wait_for(
        "document.querySelector('#result .st-unknown a.goto')",
        "an unknown finding",
    );
    b.tab_to(
        &format!(
            "a.matches('#result .st-unknown a.goto') && a.dataset.pointer === {}",
            json!(held)
        ),
        "the unknown's link",
    );
    b.keys(ENTER);
    let focus = b.active();
    assert_eq!(
        focus["id"],
        json!(Walk::id(held)),
        "the link focuses its field: {focus}"
    );
    b.keys(&want[&held[1..]].to_string());
    b.tab_to("a.id === 'check'", "the check button");
    b.keys(ENTER);
    b.wait_for(
        "!document.querySelector('#result .st-unknown')",
        "the unknown decided",
    );
    wait_result(&b);
    let errors = b.js(
        "return document.querySelector('#result .result').dataset.errors;",
        json!([]),
    );
    assert_eq!(errors, json!("0"));

    // Download: open the tools, then the button.
    b.tab_to("a.matches('details.tools > summary')", "the tools");
    b.keys(ENTER);
    b.tab_to("a.id === 'download'", "the download button");
    b.keys(ENTER);
    let file = dir.join(format!("{}.json", want["id"].as_str().unwrap_or("")));
    let started = Instant::now();
    while !file.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no download in {}: {:?}",
            dir.display(),
            std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("the download"))
        .expect("the download is JSON");
    assert_eq!(got, want, "the downloaded document is the fixture");

    // The work is kept across a reload.
    b.go(&server.url("/?lang=en"));
    let kept = b.js(
        "return JSON.parse(localStorage.getItem('samstyr:samstyr.initiative/v1'));",
        json!([]),
    );
    assert_eq!(kept, want, "local storage holds the document");
    let shown = b.js(
        "return document.getElementById('f.municipal_impact.costs_nok').value;",
        json!([]),
    );
    assert_eq!(
        shown,
        json!("35000000"),
        "the form is filled again after a reload"
    );
    println!(
        "keyboard walk: {} keys, no pointer: filled, checked, followed the unknown's link to {held}, \
         downloaded {} equal to the fixture, kept across a reload",
        b.pressed.get(),
        file.display()
    );
}

/// The screenshots of the README (desktop and 360 px, the form and a result): taken in a
/// temporary directory, or written to `docs/` with `SAMSTYR_SCREENSHOTS=1`.
#[test]
#[ignore = "needs chromium and chromedriver; writes docs/web-*.png with SAMSTYR_SCREENSHOTS=1"]
fn screenshots_for_the_readme() {
    let (chromium, driver) = require_browser();
    let dir = tempdir("shots");
    let out = if std::env::var_os("SAMSTYR_SCREENSHOTS").is_some() {
        root().join("docs")
    } else {
        dir.clone()
    };
    let server = Server::start(&[]);
    let driver = Driver::start(&driver);
    let doc = String::from_utf8(fixture("digifin-innbyggerdialog.json")).expect("UTF-8");
    // At 320 px (WCAG 1.4.10, reflow) and at 640 px (a 1280 px window zoomed to 200 %) no
    // page scrolls sideways.
    for width in [320, 640] {
        let b = Browser::open(&driver, &chromium, &dir, (width, 640), "nb-NO");
        for path in ["/?lang=nb", "/rules?lang=nn", "/rules/SAM-01?lang=en"] {
            b.go(&server.url(path));
            let wide = b.js(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                json!([]),
            );
            assert_eq!(wide, json!(0), "{path} scrolls sideways at {width} px");
        }
    }
    for (w, h, name) in [(1280, 900, "desktop"), (360, 780, "360")] {
        let b = Browser::open(&driver, &chromium, &dir, (w, h), "nb-NO");
        b.go(&server.url("/?lang=nb"));
        b.js("localStorage.clear();", json!([]));
        b.js(
            "document.getElementById('paste').value = arguments[0];\
             document.getElementById('as-of').value = '2024-01-01';\
             document.getElementById('paste-load').click();",
            json!([doc]),
        );
        wait_result(&b);
        // Nothing wider than the viewport: no scrolling sideways at 360 px.
        let wide = b.js(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            json!([]),
        );
        assert_eq!(wide, json!(0), "the page scrolls sideways at {w} px");
        b.js("window.scrollTo(0, 0);", json!([]));
        b.screenshot(&out.join(format!("web-form-{name}.png")));
        b.js(
            "document.getElementById('result-h').scrollIntoView();",
            json!([]),
        );
        b.screenshot(&out.join(format!("web-result-{name}.png")));
        for shot in ["form", "result"] {
            let png = std::fs::read(out.join(format!("web-{shot}-{name}.png"))).unwrap_or_default();
            assert!(png.starts_with(b"\x89PNG"), "a PNG of the {shot} at {w} px");
        }
    }
}
