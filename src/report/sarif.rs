//! SARIF 2.1.0 (`--format sarif`), for code-scanning views such as GitHub's.
//!
//! One run. The driver lists every obligation of the rule set as a `reportingDescriptor`, plus one
//! descriptor for invalid input (`samstyr/invalid-input`), so that `ruleIndex` is stable whatever
//! the inputs. Results are the findings [`super::Gate::level`] flags — violations at or above
//! `--fail-on` as `error`, every other violation as `error` (must) or `warning` (should) whatever
//! `--fail-on` says, undecided or not-yet-due ones as `note` — each located at the line and column
//! in the input of the value it is about. Every problem with an invalid input is an `error` result of `samstyr/invalid-input` at its place. A waived finding
//! is a result with a `suppressions` entry (kind `external`, the waiver's reason as justification);
//! waivers not needed or expired are tool notifications at their place in the waiver file.

use super::{Input, Level, Outcome, RunInfo, document_start, finding_name, locate, source_text};
use crate::finding::{Finding, RuleInfo, Severity, Status};
use crate::text::Lang;
use serde_json::{Value, json};

/// The rule id under which problems with an input itself are reported.
pub const INVALID_INPUT_RULE: &str = "samstyr/invalid-input";

/// The rule id under which links of a batch that lead nowhere or in a circle are reported.
pub const LINK_RULE: &str = "samstyr/link";

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(run: &RunInfo, inputs: &[Input]) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(run, inputs)).unwrap_or_default();
    s.push('\n');
    s
}

pub fn to_value(run: &RunInfo, inputs: &[Input]) -> Value {
    let d = Driver::new(run);
    let results = d.results(run, inputs);
    d.document(
        run,
        Value::Array(results),
        super::verdict(run.gate, inputs).code(),
    )
}

/// The report written a chunk of documents at a time, with the bytes of [`render`] over the
/// whole batch: [`Stream::head`] from the tally of every document (the invocation's exit code
/// comes before the results), [`Stream::chunk`] for each chunk in input order, [`Stream::tail`].
pub struct Stream {
    driver: Driver,
    results: super::json::PrettyArray,
    end: String,
}

impl Stream {
    /// The stream, and what the report begins with.
    pub fn head(run: &RunInfo, tally: &super::Tally) -> (Stream, String) {
        let driver = Driver::new(run);
        // The results stand where the JSON report's stream puts its own.
        let marker = super::json::RESULTS_MARKER;
        let doc = driver.document(run, Value::String(marker.into()), tally.verdict().code());
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let [head, end] = super::json::split_at_markers(&text, [marker]);
        let stream = Stream {
            driver,
            results: super::json::PrettyArray::after(&head),
            end: format!("{end}\n"),
        };
        (stream, head)
    }

    /// The results of `inputs`, which follow those of the chunks before.
    pub fn chunk(&mut self, run: &RunInfo, inputs: &[Input]) -> String {
        let mut s = String::new();
        for r in self.driver.results(run, inputs) {
            self.results.item(&mut s, &r);
        }
        s
    }

    /// What the report ends with.
    pub fn tail(self) -> String {
        let mut s = String::new();
        self.results.close(&mut s);
        s.push_str(&self.end);
        s
    }
}

/// The rules of a run's report: the rule set's obligations by id, then the tool's own.
struct Driver {
    rules: Vec<std::sync::Arc<RuleInfo>>,
    descriptors: Vec<Value>,
    invalid_index: usize,
    link_index: usize,
}

impl Driver {
    fn new(run: &RunInfo) -> Driver {
        let lang = run.lang;
        let mut rules: Vec<std::sync::Arc<RuleInfo>> = run.obligations.clone();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let mut descriptors: Vec<Value> = rules.iter().map(|r| descriptor(r, lang)).collect();
        let invalid_index = descriptors.len();
        descriptors.push(own_rule(
            INVALID_INPUT_RULE,
            "InvalidInput",
            crate::text::pick(lang, "Ugyldig input", "Ugyldige inndata", "Invalid input"),
            crate::text::pick(
                lang,
                "Dokumentet kunne ikke leses eller valideres mot inputformatet.",
                "Dokumentet kunne ikkje lesast eller validerast mot inndataformatet.",
                "The document could not be read or validated against the input format.",
            ),
            "error",
        ));
        let link_index = descriptors.len();
        descriptors.push(own_rule(
        LINK_RULE,
        "Link",
        crate::text::pick(lang, "Kobling", "Kopling", "Link"),
        crate::text::pick(lang, "En kobling til et annet dokument viser til et som ikke er i samlingen, eller koblingene går i ring.", "Ei kopling til eit anna dokument viser til eit som ikkje er i samlinga, eller koplingane går i ring.", "A link to another document names one that is not in the batch, or the links run in a circle."),
        "warning",
    ));
        Driver {
            rules,
            descriptors,
            invalid_index,
            link_index,
        }
    }

    /// The results of `inputs`, in input order.
    fn results(&self, run: &RunInfo, inputs: &[Input]) -> Vec<Value> {
        let lang = run.lang;
        let (rules, invalid_index, link_index) = (&self.rules, self.invalid_index, self.link_index);
        let mut results = Vec::new();
        for input in inputs {
            match &input.outcome {
                Outcome::Evaluated(e) => {
                    for p in &e.links.problems {
                        let (line, col) = document_start(input);
                        results.push(json!({
                        "ruleId": LINK_RULE,
                        "ruleIndex": link_index,
                        "level": "warning",
                        "message": { "text": format!("{}: {}", e.key, super::problem_text(lang, p)) },
                        "locations": [location(input.path(), line, col)],
                        "properties": { "document": e.key },
                    }));
                    }
                    // Values received from linked documents can decide any finding of this one.
                    let received: Vec<String> = e
                        .links
                        .received
                        .iter()
                        .map(|n| super::received_text(lang, n))
                        .collect();
                    for f in super::ordered(e) {
                        let Some(level) = run.gate.level(f) else {
                            continue;
                        };
                        let index = rules.iter().position(|r| r.id == f.rule.id);
                        results.push(result(run, input, &e.key, &received, f, level, index));
                    }
                }
                Outcome::Invalid(diags) => {
                    for d in diags.iter() {
                        let (line, col) = d.line_col().unwrap_or((1, 1));
                        let path = d.file_name().unwrap_or(input.path());
                        let mut text = d.message_in(lang).to_string();
                        if let Some(h) = d.help_in(lang) {
                            text.push_str(&format!(
                                " ({}: {h})",
                                crate::text::pick(lang, "hjelp", "hjelp", "help")
                            ));
                        }
                        let mut props = serde_json::Map::new();
                        props.insert("code".into(), json!(d.code));
                        if let Some(p) = &d.pointer {
                            props.insert("pointer".into(), json!(p));
                        }
                        results.push(json!({
                            "ruleId": INVALID_INPUT_RULE,
                            "ruleIndex": invalid_index,
                            "level": "error",
                            "message": { "text": text },
                            "locations": [location(path, line, col)],
                            "properties": props,
                        }));
                    }
                }
            }
        }
        results
    }

    /// The whole report around `results`, with the invocation's exit code.
    fn document(&self, run: &RunInfo, results: Value, exit_code: u8) -> Value {
        let lang = run.lang;
        let descriptors = &self.descriptors;
        let mut driver = json!({
            "name": super::TOOL_NAME,
            "version": run.tool_version,
            "semanticVersion": run.tool_version,
            "rules": descriptors,
        });
        if let (Some(uri), Some(d)) = (&run.information_uri, driver.as_object_mut()) {
            d.insert("informationUri".into(), json!(uri));
        }
        let params: Vec<Value> = run
            .params
            .iter()
            .map(|p| json!({ "id": p.id, "value": p.value, "default": p.default }))
            .collect();
        let mut invocation = json!({
            "executionSuccessful": true,
            "exitCode": exit_code,
        });
        let notes = notifications(run);
        if let (false, Some(obj)) = (notes.is_empty(), invocation.as_object_mut()) {
            obj.insert("toolExecutionNotifications".into(), Value::Array(notes));
        }
        json!({
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": driver },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "as_of": run.as_of.to_string(),
                    "lang": lang.code(),
                    "fail_on": run.gate.fail_on.name(),
                    "fail_on_unknown": run.gate.unknown_fails,
                    "rules": {
                        "id": run.rules.id,
                        "version": run.rules.version,
                        "origin": run.rules.origin,
                    },
                    "params": params,
                },
            }],
        })
    }
}

/// What the run says about its waivers: unneeded ones as warnings, expired ones as notes, each
/// at the place in the waiver file it is written.
fn notifications(run: &RunInfo) -> Vec<Value> {
    run.waivers
        .iter()
        .filter_map(|u| {
            let text = u.remark(run.lang)?;
            let level = match u.state {
                super::WaiverState::NotNeeded => "warning",
                _ => "note",
            };
            let (file, line) = super::waiver_place(&u.waiver);
            Some(json!({
                "message": { "text": text },
                "level": level,
                "locations": [location(file, line, 1)],
                "properties": { "waiver": u.waiver.id },
            }))
        })
        .collect()
}

fn descriptor(r: &RuleInfo, lang: Lang) -> Value {
    let level = match r.severity {
        Some(Severity::Must) | None => "error",
        Some(Severity::Should) => "warning",
    };
    let title = r.title.get(lang);
    let mut full = title.to_string();
    if let Some(p) = &r.principle {
        full.push_str(&format!(" ({})", p.title.get(lang)));
    }
    let sources: Vec<String> = r
        .sources
        .iter()
        .map(|s| source_text(s, lang, usize::MAX))
        .collect();
    let remedy = r.remedy.get(lang);
    let heading = crate::text::pick(lang, "Kilder", "Kjelder", "Sources");
    let text = format!(
        "{remedy}\n\n{heading}:\n{}",
        sources
            .iter()
            .map(|s| format!("- {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let markdown = format!(
        "{}\n\n**{heading}**\n\n{}",
        super::markdown::escape(remedy),
        sources
            .iter()
            .map(|s| format!("- {}", super::markdown::escape(s)))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut props = serde_json::Map::new();
    if let Some(p) = &r.principle {
        props.insert("principle".into(), json!(p.id));
    }
    if let Some(s) = r.severity {
        props.insert("severity".into(), json!(s.name()));
    }
    json!({
        "id": r.id,
        "name": title,
        "shortDescription": { "text": title },
        "fullDescription": { "text": full },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level },
        "properties": props,
    })
}

/// A rule of samstyr's own (not of the rule set), for problems outside any obligation.
fn own_rule(id: &str, name: &str, short: &str, full: &str, level: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "defaultConfiguration": { "level": level },
    })
}

fn result(
    run: &RunInfo,
    input: &Input,
    key: &str,
    received: &[String],
    f: &Finding,
    level: Level,
    index: Option<usize>,
) -> Value {
    let lang = run.lang;
    let (pointer, line, col) = match locate(input, f) {
        Some((p, l, c)) => (Some(p), l, c),
        None => {
            let (l, c) = document_start(input);
            (None, l, c)
        }
    };
    let mut text = format!(
        "{key}: {} — {}",
        finding_name(f),
        super::message_or_title(lang, f)
    );
    for a in super::assumption_lines(lang, &f.assumptions) {
        text.push_str(&format!(" ({a})"));
    }
    if let Some(d) = f.deadline {
        text.push_str(&format!(
            " ({} {d})",
            crate::text::pick(lang, "frist", "frist", "deadline")
        ));
    }
    if f.status == Status::Unknown && !f.missing.is_empty() {
        text.push_str(&format!(
            " {} {}",
            crate::text::pick(lang, "Må oppgis:", "Må oppgjevast:", "Provide:"),
            super::pointers(&f.missing)
        ));
    }
    for r in received {
        text.push_str(&format!(" ({}: {r})", super::from_linked(lang)));
    }
    if let Some(note) = super::waiver_note(lang, f) {
        text.push_str(&format!(" ({note})"));
    }
    // A waived finding keeps the level of what it excuses; its suppression says it is accepted.
    let level = match (&f.waiver, f.rule.severity) {
        (Some(n), Some(sev)) if !n.expired && n.was == Status::Violated => Level::of(sev),
        _ => level,
    };
    let level = match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    };
    let mut props = serde_json::Map::new();
    if !received.is_empty() {
        props.insert("receivedFromLinks".into(), json!(received));
    }
    props.insert("document".into(), json!(key));
    props.insert("status".into(), json!(f.status.name()));
    if let Some(s) = f.rule.severity {
        props.insert("severity".into(), json!(s.name()));
    }
    if let Some(d) = f.deadline {
        props.insert("deadline".into(), json!(d.to_string()));
    }
    if let Some(p) = pointer {
        props.insert("pointer".into(), json!(p));
    }
    if !f.missing.is_empty() {
        let fields: Vec<&str> = f.missing.iter().map(|m| m.pointer.as_str()).collect();
        props.insert("missing".into(), json!(fields));
    }
    let mut r = json!({
        "ruleId": f.rule.id,
        "level": level,
        "message": { "text": text },
        "locations": [location(input.path(), line, col)],
        "properties": props,
    });
    if let (Some(i), Some(obj)) = (index, r.as_object_mut()) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    if let (Some(n), Some(obj)) = (&f.waiver, r.as_object_mut()) {
        let w = &n.waiver;
        let waiver = json!({
            "id": w.id,
            "reason": w.reason,
            "basis": w.basis,
            "decided_by": w.decided_by,
            "decided_on": w.decided_on.to_string(),
            "expires": w.expires.to_string(),
            "expired": n.expired,
            "place": w.place,
        });
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert("waiver".into(), waiver);
            props.insert("waived_status".into(), json!(n.was.name()));
        }
        if !n.expired {
            obj.insert(
                "suppressions".into(),
                json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} ({}: {})", w.reason, w.id, w.basis),
                    "properties": { "waiver": w.id, "expires": w.expires.to_string() },
                }]),
            );
        }
    }
    r
}

fn location(path: &str, line: usize, col: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path) },
            "region": { "startLine": line.max(1), "startColumn": col.max(1) },
        }
    })
}

/// A file path as a URI reference: relative paths stay relative (code scanning resolves them
/// against the repository root), with `/` separators and everything else percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let rel = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    if rel.starts_with('/') {
        out.push_str("file://");
    }
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FailOn, Gate, testdata};

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("./a b/æ.json"), "a%20b/%C3%A6.json");
        assert_eq!(uri("/abs/x.json"), "file:///abs/x.json");
        assert_eq!(uri("dir\\x.json"), "dir/x.json");
    }

    #[test]
    fn results_point_into_the_input() {
        let run = testdata::run(Gate::default(), Lang::En);
        let inputs = testdata::inputs(&run);
        let v = to_value(&run, &inputs);
        insta::assert_json_snapshot!(v);
    }

    #[test]
    fn valid_against_the_official_schema() {
        let schema: Value = serde_json::from_str(include_str!(
            "../../fixtures/schemas/sarif-schema-2.1.0.json"
        ))
        .expect("the SARIF schema is JSON");
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles");
        for fail_on in [FailOn::Must, FailOn::Should, FailOn::Never] {
            let run = testdata::run(
                Gate {
                    fail_on,
                    unknown_fails: false,
                },
                Lang::Nb,
            );
            let v = to_value(&run, &testdata::inputs(&run));
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
        // The check can fail: an unknown level is rejected.
        let run = testdata::run(Gate::default(), Lang::Nb);
        let mut v = to_value(&run, &testdata::inputs(&run));
        if let Some(level) = v.pointer_mut("/runs/0/results/0/level") {
            *level = json!("fatal");
        }
        assert!(!validator.is_valid(&v));
    }

    #[test]
    fn should_violations_shown_with_fail_on_should() {
        let gate = Gate {
            fail_on: FailOn::Should,
            unknown_fails: false,
        };
        let run = testdata::run(gate, Lang::En);
        let inputs = testdata::inputs(&run);
        let out = render(&run, &inputs);
        assert!(out.contains("\"level\": \"warning\""));
    }
}
