//! The OpenAPI 3.1 document of the API (`GET /v1/openapi.json`): every route, parameter, body,
//! answer and header, with the JSON Schemas the CLI prints (`samstyr schema`, `schema --report`,
//! `schema --portfolio`) moved into `components/schemas`, since a `$ref` inside a component
//! resolves against the whole document.

use crate::rules::RuleSet;
use serde_json::{Map, Value, json};

/// The document for a server of `rules` (the input format and the headline come from it).
pub fn document(rules: &RuleSet) -> Value {
    let mut schemas = Map::new();
    let input = crate::schema::json_schema(rules.schema(), rules.catalog());
    let report = crate::report::json::report_schema(rules.headline().map(|h| h.key.as_str()));
    let portfolio = crate::portfolio::render::json::schema();
    embed(&mut schemas, "Document", input);
    embed(&mut schemas, "CheckReport", report);
    embed(&mut schemas, "PortfolioReport", portfolio);
    schemas.insert("Problem".into(), super::problem::schema());
    schemas.insert("ValidateReport".into(), validate_schema());
    schemas.insert("Rules".into(), rules_schema());
    schemas.insert("Rule".into(), rule_schema());
    schemas.insert("Source".into(), source_schema());
    schemas.insert("Param".into(), param_schema());
    schemas.insert(
        "Health".into(),
        json!({
            "type": "object",
            "properties": { "status": { "const": "ok" } },
            "required": ["status"], "additionalProperties": false
        }),
    );
    schemas.insert(
        "Ready".into(),
        json!({
            "type": "object",
            "properties": {
                "status": { "enum": ["ready", "stopping"] },
                "rules": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" }, "version": { "type": "string" },
                        "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
                    },
                    "required": ["id", "version", "sha256"], "additionalProperties": false
                }
            },
            "required": ["status", "rules"], "additionalProperties": false
        }),
    );

    let lang = json!({
        "name": "lang", "in": "query", "required": false,
        "description": "language of the texts (default: from `Accept-Language`, else `nb`); problems are worded in it too",
        "schema": { "enum": ["nb", "nn", "en"] }
    });
    let as_of = json!({
        "name": "as_of", "in": "query", "required": false,
        "description": "the date to judge at, as `check --as-of` [default: today]",
        "schema": { "type": "string", "format": "date" }
    });
    let check_params = json!([
        as_of,
        lang,
        {
            "name": "format", "in": "query", "required": false,
            "description": "the report format, as `check --format` [default: json]",
            "schema": { "enum": ["json", "sarif", "junit", "github", "markdown", "text"] }
        },
        {
            "name": "fail_on", "in": "query", "required": false,
            "description": "as `check --fail-on` [default: must]",
            "schema": { "enum": ["must", "should", "never"] }
        },
        {
            "name": "fail_on_unknown", "in": "query", "required": false,
            "description": "as `check --fail-on-unknown` [default: false]",
            "schema": { "type": "boolean" }
        }
    ]);
    let doc_body = |description: &str| {
        json!({
            "required": true,
            "description": description,
            "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/Document" } },
                "application/x-ndjson": { "schema": { "type": "string" } }
            }
        })
    };
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
        })
    };
    let retry_problem = |description: &str| {
        let mut p = problem(description);
        p["headers"] = json!({ "Retry-After": {
            "description": "seconds to wait before trying again",
            "schema": { "type": "integer" }
        }});
        p
    };
    let with_errors = |mut responses: Value, codes: &[(&str, &str)]| {
        for (code, text) in codes {
            let p = match *code {
                "503" => retry_problem(text),
                "405" => {
                    let mut p = problem(text);
                    p["headers"] = json!({ "Allow": {
                        "description": "the methods the path answers",
                        "schema": { "type": "string" }
                    }});
                    p
                }
                _ => problem(text),
            };
            if let Some(o) = responses.as_object_mut() {
                o.insert(code.to_string(), p);
            }
        }
        responses
    };
    let common: [(&str, &str); 4] = [
        (
            "400",
            "a query parameter that is unknown, repeated or invalid",
        ),
        ("405", "a method the path does not answer"),
        ("500", "a bug in samstyr; the server goes on"),
        (
            "503",
            "too many requests in hand, or the answer took longer than the server allows",
        ),
    ];
    let post_errors: Vec<(&str, &str)> = common
        .iter()
        .copied()
        .chain([
            ("400", "the body is not JSON text (malformed, not UTF-8, empty), or a query parameter is wrong"),
            ("408", "the body did not arrive in time"),
            ("413", "the body is over the size limit (10 MiB, the CLI's input limit)"),
            ("415", "the body is not sent as `application/json` or `application/x-ndjson`"),
            ("422", "the document does not follow the input format: every problem, as the CLI reports it"),
        ])
        .collect();
    let decision_headers = json!({
        "Samstyr-Decision-Id": { "description": "the decision id of the report's decision record", "schema": { "type": "string", "pattern": "^[0-9a-f]{32}$" } },
        "Samstyr-Input-Sha256": { "description": "SHA-256 of the body as read", "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } },
        "Samstyr-Rules-Sha256": { "description": "SHA-256 of the rule files and seeds", "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } },
        "Samstyr-Verdict": { "description": "the gate: `pass` (check would exit 0) or `fail` (exit 1)", "schema": { "enum": ["pass", "fail"] } }
    });
    // The portfolio has no gate: the same headers without the verdict.
    let mut report_headers = decision_headers.clone();
    if let Some(h) = report_headers.as_object_mut() {
        h.remove("Samstyr-Verdict");
        h.insert(
            "Samstyr-Input-Sha256".into(),
            json!({ "description": "SHA-256 of the body's lines' SHA-256s in hex, each followed by a line end (of the one line's text, for a body of one line)", "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } }),
        );
    }
    let json_of = |schema: &str, description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
        })
    };
    let get_op = |summary: &str, params: Value, ok: Value, extra: &[(&str, &str)]| {
        let errs: Vec<(&str, &str)> = common
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect();
        json!({
            "get": {
                "summary": summary,
                "parameters": params,
                "responses": with_errors(json!({ "200": ok }), &errs)
            }
        })
    };

    let paths = json!({
        "/v1/check": { "post": {
            "summary": "judge one initiative (or JSON lines, as `check -` reads standard input)",
            "description": "Answers with the same bytes as `samstyr check --format FORMAT -` on the same body; the body is named `<stdin>` in the report. A document that does not follow the input format is answered 422 with every diagnostic, not with a report.",
            "parameters": check_params,
            "requestBody": doc_body("one document of the input format (`samstyr schema`)"),
            "responses": with_errors(json!({ "200": {
                "description": "the report in the format asked for",
                "headers": decision_headers,
                "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/CheckReport" } },
                    "application/sarif+json": { "schema": { "type": "object", "description": "SARIF 2.1.0" } },
                    "application/xml": { "schema": { "type": "string", "description": "JUnit XML" } },
                    "text/markdown; charset=utf-8": { "schema": { "type": "string" } },
                    "text/plain; charset=utf-8": { "schema": { "type": "string", "description": "`text` or `github` (workflow annotations)" } }
                }
            }}), &post_errors)
        }},
        "/v1/validate": { "post": {
            "summary": "validate documents without judging them",
            "description": "Answers a valid body with the same bytes as `samstyr validate --format json -`.",
            "parameters": [lang],
            "requestBody": doc_body("one document of the input format, or JSON lines"),
            "responses": with_errors(json!({ "200": json_of("ValidateReport", "every document is valid") }), &post_errors)
        }},
        "/v1/report": { "post": {
            "summary": "the portfolio report over a batch",
            "description": "The body (JSON lines, one document per line; at most 256 MiB by default) is read as it arrives and answered with the same bytes as `samstyr report --format json -`. Invalid lines are counted in the report, not refused.",
            "parameters": [as_of, lang],
            "requestBody": {
                "required": true,
                "content": {
                    "application/x-ndjson": { "schema": { "type": "string" } },
                    "application/json": { "schema": { "type": "string" } }
                }
            },
            "responses": with_errors(json!({ "200": {
                "description": "the portfolio report `samstyr.portfolio/v1`, with its decision record",
                "headers": report_headers,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PortfolioReport" } } }
            }}), &[
                ("400", "an empty body, one not read whole, or a wrong query parameter"),
                ("408", "the body stopped arriving"),
                ("413", "the body is over the size limit"),
                ("415", "the body is not sent as `application/x-ndjson` or `application/json`"),
            ])
        }},
        "/v1/rules": get_op("the rule set: obligations, facts, parameters, principles", json!([lang]), json_of("Rules", "the rule set"), &[]),
        "/v1/rules/{id}": get_op(
            "one obligation (or fact, as `@id`), as `rules show` shows it",
            json!([
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "an obligation id, or `@` and a fact id" },
                lang
            ]),
            json_of("Rule", "the rule"),
            &[("404", "no rule has this id; the help names the nearest")]
        ),
        "/v1/schema": get_op("the JSON Schema of the input format, as `samstyr schema`", json!([]), json!({
            "description": "JSON Schema draft 2020-12",
            "content": { "application/json": { "schema": { "type": "object" } } }
        }), &[]),
        "/v1/schema/report": get_op("the JSON Schema of the check report, as `samstyr schema --report`", json!([]), json!({
            "description": "JSON Schema draft 2020-12",
            "content": { "application/json": { "schema": { "type": "object" } } }
        }), &[]),
        "/v1/sources/{name}": get_op(
            "a source document the rules quote, with line numbers",
            json!([
                { "name": "name", "in": "path", "required": true, "schema": { "type": "string" }, "description": "the seed's file name (a source's `file`)" },
                lang
            ]),
            json!({
                "description": "the document's title, short name, kind and date when the rule set describes it, then the text, each line as `NUMBER  TEXT` (numbers right-aligned); asked for `text/html` (a browser following a citation's link), a page whose lines are anchors `#L56`",
                "content": {
                    "text/plain; charset=utf-8": { "schema": { "type": "string" } },
                    "text/html; charset=utf-8": { "schema": { "type": "string" } }
                }
            }),
            &[("404", "no source of the rule set has this name")]
        ),
        "/v1/openapi.json": get_op("this document", json!([]), json!({
            "description": "OpenAPI 3.1",
            "content": { "application/json": { "schema": { "type": "object" } } }
        }), &[]),
        "/healthz": get_op("the process answers", json!([]), json_of("Health", "alive"), &[]),
        "/readyz": get_op("the rules are loaded and the server takes requests", json!([]), json_of("Ready", "ready"), &[]),
        "/metrics": get_op("counters in the Prometheus text format", json!([]), json!({
            "description": "requests by route, method and status; a latency histogram by route; documents checked; requests in flight",
            "content": { "text/plain; version=0.0.4; charset=utf-8": { "schema": { "type": "string" } } }
        }), &[])
    });
    // `/readyz` says 503 while the server stops: a balancer stops sending before it goes.
    let mut paths = paths;
    if let Some(r) = paths.pointer_mut("/~1readyz/get/responses/503") {
        *r = json!({
            "description": "the server is stopping, or too busy to answer",
            "headers": { "Retry-After": { "description": "seconds to wait", "schema": { "type": "integer" } } },
            "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/Ready" } },
                "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } }
            }
        });
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("samstyr API: {}", rules.title().en),
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "The HTTP API of `samstyr serve` with the rule set `{}` {} (SHA-256 {}). Every answer carries `Content-Security-Policy`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and `Cache-Control: no-store`. Every rejection is `application/problem+json`.",
                rules.id(), rules.version(), rules.sha256()
            ),
            "license": { "name": "see the repository", "identifier": "MIT" }
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": { "schemas": schemas }
    })
}

/// Put a JSON Schema into `schemas` as `name`, its `$defs` beside it as `name_def`, and every
/// `$ref` to them rewritten.
fn embed(schemas: &mut Map<String, Value>, name: &str, mut schema: Value) {
    let mut defs = Map::new();
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
        o.remove("$id");
        if let Some(Value::Object(d)) = o.remove("$defs") {
            defs = d;
        }
    }
    rewrite(&mut schema, name);
    schemas.insert(name.to_string(), schema);
    for (k, mut v) in defs {
        rewrite(&mut v, name);
        schemas.insert(format!("{name}_{k}"), v);
    }
}

fn rewrite(v: &mut Value, name: &str) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "$ref"
                    && let Value::String(s) = x
                    && let Some(def) = s.strip_prefix("#/$defs/")
                {
                    *s = format!("#/components/schemas/{name}_{def}");
                } else {
                    rewrite(x, name);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rewrite(x, name)),
        _ => {}
    }
}

fn validate_schema() -> Value {
    json!({
        "type": "object",
        "description": "the output of `samstyr validate --format json`",
        "properties": {
            "documents": { "type": "integer", "minimum": 0 },
            "valid": { "type": "integer", "minimum": 0 },
            "invalid": { "type": "integer", "minimum": 0 },
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "label": { "type": "string" },
                        "valid": { "type": "boolean" },
                        "diagnostics": { "type": "array", "items": { "$ref": "#/components/schemas/Problem/properties/diagnostics/items" } }
                    },
                    "required": ["label", "valid", "diagnostics"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["documents", "valid", "invalid", "results"],
        "additionalProperties": false
    })
}

fn source_schema() -> Value {
    crate::report::json::source_schema(Some("the passage in context: `/v1/sources/{file}#L{line}`"))
}

fn param_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": { "type": "string" },
            "title": { "type": "string" },
            "value": { "type": "string" },
            "default": { "type": "string" },
            "overridden": { "type": "boolean" },
            "sources": { "type": "array", "items": { "$ref": "#/components/schemas/Source" } }
        },
        "required": ["id", "title", "value", "default", "overridden", "sources"],
        "additionalProperties": false
    })
}

fn principle() -> Value {
    json!({
        "type": ["object", "null"],
        "properties": { "id": { "type": "string" }, "title": { "type": "string" } },
        "required": ["id", "title"],
        "additionalProperties": false
    })
}

fn rules_schema() -> Value {
    let info = json!({
        "type": "object",
        "properties": {
            "id": { "type": "string" },
            "title": { "type": "string" },
            "severity": { "enum": ["must", "should", null] },
            "principle": principle(),
            "remedy": { "type": ["string", "null"] },
            "sources": { "type": "array", "items": { "$ref": "#/components/schemas/Source" } }
        },
        "required": ["id", "title", "severity", "principle", "remedy", "sources"],
        "additionalProperties": false
    });
    json!({
        "type": "object",
        "properties": {
            "lang": crate::report::json::lang_schema(),
            "rules": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" }, "version": { "type": "string" },
                    "title": { "type": "string" }, "origin": { "type": "string" },
                    "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
                },
                "required": ["id", "version", "title", "origin", "sha256"],
                "additionalProperties": false
            },
            "headline": {
                "type": ["object", "null"],
                "properties": { "key": { "type": "string" }, "title": { "type": "string" }, "fact": { "type": "string" } },
                "required": ["key", "title", "fact"],
                "additionalProperties": false
            },
            "principles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": { "id": { "type": "string" }, "title": { "type": "string" } },
                    "required": ["id", "title"], "additionalProperties": false
                }
            },
            "obligations": { "type": "array", "items": info },
            "facts": { "type": "array", "items": info },
            "params": { "type": "array", "items": { "$ref": "#/components/schemas/Param" } }
        },
        "required": ["lang", "rules", "headline", "principles", "obligations", "facts", "params"],
        "additionalProperties": false
    })
}

fn rule_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "lang": crate::report::json::lang_schema(),
            "id": { "type": "string" },
            "kind": { "enum": ["obligation", "fact"] },
            "title": { "type": "string" },
            "severity": { "enum": ["must", "should", null] },
            "principle": principle(),
            "declared": { "type": "string", "description": "`file:line:column` of its declaration" },
            "expressions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": { "key": { "type": "string" }, "text": { "type": "string" } },
                    "required": ["key", "text"], "additionalProperties": false
                }
            },
            "remedy": { "type": ["string", "null"] },
            "messages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": { "status": { "type": "string" }, "text": { "type": "string" } },
                    "required": ["status", "text"], "additionalProperties": false
                }
            },
            "facts": { "type": "array", "items": { "type": "string" } },
            "params": { "type": "array", "items": { "$ref": "#/components/schemas/Param" } },
            "sources": { "type": "array", "items": { "$ref": "#/components/schemas/Source" } },
            "text": { "type": "string", "description": "what `samstyr rules show ID` prints" }
        },
        "required": ["lang", "id", "kind", "title", "severity", "principle", "declared", "expressions", "remedy", "messages", "facts", "params", "sources", "text"],
        "additionalProperties": false
    })
}
