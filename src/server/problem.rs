//! Error answers: one JSON shape (`application/problem+json`, RFC 9457) for every rejection,
//! carrying the CLI's diagnostics (code, message, file, line, column, pointer, help).
//!
//! The server's own problems (wrong route, method, media type, size, time, load) are worded in
//! the request's language; a document's diagnostics are the CLI's, as `validate --format json`
//! gives them.

use crate::diag::Diagnostic;
use crate::text::Lang;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A rejection: status, a title and the diagnostics.
pub struct Problem {
    pub status: StatusCode,
    pub title: String,
    pub diagnostics: Vec<Value>,
    /// Extra headers (`Allow`, `Retry-After`).
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Problem {
    /// A problem of the server's own, with one diagnostic of `code` (`http::…`).
    pub fn http(
        status: StatusCode,
        code: &'static str,
        lang: Lang,
        message: (&str, &str, &str),
        help: Option<(&str, &str, &str)>,
    ) -> Problem {
        let pick = |(nb, nn, en): (&str, &str, &str)| match lang {
            Lang::Nb => nb.to_string(),
            Lang::Nn => nn.to_string(),
            Lang::En => en.to_string(),
        };
        Problem {
            status,
            title: pick(title(status)),
            diagnostics: vec![json!({
                "file": null, "line": null, "column": null, "pointer": null,
                "code": code,
                "message": pick(message),
                "help": help.map(pick),
            })],
            headers: Vec::new(),
        }
    }

    /// A problem with the documents of a request: their diagnostics, and the status their
    /// codes call for (413 over a size limit, 400 for what is not JSON text, else 422).
    pub fn documents(lang: Lang, diags: &[Diagnostic]) -> Problem {
        let status = status_of(diags.iter().map(|d| d.code));
        let (nb, nn, en) = title(status);
        Problem {
            status,
            title: match lang {
                Lang::Nb => nb,
                Lang::Nn => nn,
                Lang::En => en,
            }
            .to_string(),
            diagnostics: diags
                .iter()
                .map(|d| crate::service::diagnostic_json(d, lang))
                .collect(),
            headers: Vec::new(),
        }
    }

    /// The same problem with another status (a rule id not found is 404, not 422).
    pub fn with_status(mut self, status: StatusCode) -> Problem {
        self.status = status;
        self
    }

    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Problem {
        self.headers.push((name, value));
        self
    }
}

/// The status for a request whose documents have these diagnostic codes.
pub fn status_of<'a>(codes: impl Iterator<Item = &'a str>) -> StatusCode {
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    for code in codes {
        if matches!(
            code,
            "input::too-large" | "json::too-large" | "input::line-too-long"
        ) {
            return StatusCode::PAYLOAD_TOO_LARGE;
        }
        if code.starts_with("json::")
            || matches!(
                code,
                "input::not-utf8" | "input::empty" | "input::unreadable"
            )
        {
            status = StatusCode::BAD_REQUEST;
        }
    }
    status
}

fn title(status: StatusCode) -> (&'static str, &'static str, &'static str) {
    match status.as_u16() {
        400 => ("ugyldig forespørsel", "ugyldig førespurnad", "bad request"),
        404 => ("finnes ikke", "finst ikkje", "not found"),
        405 => (
            "metoden er ikke tillatt",
            "metoden er ikkje tillaten",
            "method not allowed",
        ),
        408 => (
            "forespørselen tok for lang tid",
            "førespurnaden tok for lang tid",
            "request timeout",
        ),
        413 => (
            "innholdet er for stort",
            "innhaldet er for stort",
            "content too large",
        ),
        415 => (
            "innholdstypen støttes ikke",
            "innhaldstypen er ikkje støtta",
            "unsupported media type",
        ),
        422 => (
            "dokumentet er ugyldig",
            "dokumentet er ugyldig",
            "invalid document",
        ),
        503 => (
            "tjenesten er ikke tilgjengelig",
            "tenesta er ikkje tilgjengeleg",
            "service unavailable",
        ),
        _ => ("intern feil", "intern feil", "internal error"),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "status": self.status.as_u16(),
            "title": self.title,
            "diagnostics": self.diagnostics,
        });
        let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
        text.push('\n');
        let mut r = (self.status, text).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (k, v) in self.headers {
            h.insert(k, v);
        }
        r
    }
}

/// The JSON Schema of a problem, for the OpenAPI document.
pub fn schema() -> Value {
    let nullable_int = json!({ "type": ["integer", "null"], "minimum": 1 });
    json!({
        "type": "object",
        "description": "every rejection (RFC 9457): the status, a title in the request's language, and the diagnostics, as `samstyr validate --format json` gives them",
        "properties": {
            "type": { "const": "about:blank" },
            "status": { "type": "integer", "minimum": 400, "maximum": 599 },
            "title": { "type": "string" },
            "diagnostics": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "file": { "type": ["string", "null"], "description": "`<stdin>` (the request body) or `<stdin>:LINE` for a JSONL line" },
                        "line": nullable_int,
                        "column": nullable_int,
                        "pointer": { "type": ["string", "null"], "description": "JSON pointer of the value concerned" },
                        "code": { "type": "string", "description": "stable: `json::…`, `input::…`, or the server's `http::…`" },
                        "message": { "type": "string" },
                        "help": { "type": ["string", "null"] }
                    },
                    "required": ["file", "line", "column", "pointer", "code", "message", "help"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["type", "status", "title", "diagnostics"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_decide_the_status() {
        let s = |codes: &[&str]| status_of(codes.iter().copied()).as_u16();
        assert_eq!(s(&["input::missing-field"]), 422);
        assert_eq!(s(&["json::syntax"]), 400);
        assert_eq!(s(&["input::missing-field", "json::syntax"]), 400);
        assert_eq!(s(&["input::empty"]), 400);
        assert_eq!(s(&["json::syntax", "input::too-large"]), 413);
        assert_eq!(s(&["input::line-too-long"]), 413);
    }
}
