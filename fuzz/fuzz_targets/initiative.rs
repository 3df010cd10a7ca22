//! The initiative reader: any bytes → the strict validator with the embedded input schema and
//! catalog, its quiet pass held to the reporting pass's answers; a document that passes is
//! evaluated against the embedded rule set (the counting path held to the full evaluation) and
//! rendered in every format, and the diagnostics of one that fails are rendered as the CLI shows
//! them.

#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use samstyr::schema;
use samstyr::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    // Bytes that are not UTF-8 never reach the validator: the input layer reports them first.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = common::rules();
    let source = SourceFile::new("fuzz.json", text);
    let result = common::validate_both_ways(rules, source);
    match result {
        Ok(doc) => {
            // What the reader accepts must print back as JSON that it accepts again.
            let json = rules.schema().to_json(&doc.tree, rules.schema().root, &doc.root);
            let again = SourceFile::new("again.json", json.to_string());
            if let Err(d) = schema::validate(rules.schema(), rules.catalog(), again) {
                panic!(
                    "the reader rejects its own output:\n{}",
                    samstyr::diag::render(&d.0, false)
                );
            }
            common::evaluate_and_render(rules, &doc);
        }
        Err(d) => common::render_invalid(rules, "fuzz.json", d),
    }
});
