//! The raw JSON reader: any bytes → `json::parse`. Besides "no panic", it checks the reader
//! against serde_json: whatever samstyr accepts, serde_json accepts too, with the same value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use samstyr::json::{self, Json, JsonValue, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Small limits too, so the limit paths are reached by short inputs.
    let small = Limits {
        max_bytes: 4096,
        max_depth: 8,
        max_string: 64,
        max_items: 16,
    };
    let _ = json::parse_with(text, small);
    let Ok(ours) = json::parse(text) else {
        return;
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(theirs) => assert!(same(&ours, &theirs), "values differ for {text:?}"),
        // serde_json's float parser is not exact: it refuses some numbers that round to the
        // largest finite float (`1.7976931348623158e308`), which samstyr reads correctly.
        Err(e) if e.to_string().starts_with("number out of range") => {}
        // serde_json stops at 128 levels; samstyr at 64. Anything else is a disagreement.
        Err(e) => panic!("samstyr accepted what serde_json rejects ({e}): {text:?}"),
    }
});

fn same(a: &Json<'_>, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (&a.value, b) {
        (JsonValue::Null, V::Null) => true,
        (JsonValue::Bool(x), V::Bool(y)) => x == y,
        // serde_json (without `float_roundtrip`) may be off by an ulp or two; samstyr uses the
        // standard library's exact parse.
        (JsonValue::Number(x), V::Number(y)) => y
            .as_f64()
            .is_some_and(|y| *x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())),
        (JsonValue::String(x), V::String(y)) => x == y,
        (JsonValue::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (JsonValue::Object(x), V::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|m| y.get(m.key.as_ref()).is_some_and(|v| same(&m.value, v)))
        }
        _ => false,
    }
}
