//! The rule-file loader: any bytes as one file of the embedded rule set. The first byte picks
//! which: an extra rule file beside the others, or a replacement for the input schema or the
//! catalog. A set that loads is run on a valid initiative and rendered.

#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use samstyr::files::RuleFiles;
use samstyr::rules::RuleSet;
use samstyr::schema;
use samstyr::source::SourceFile;

const DOC: &str = include_str!("../../fixtures/initiatives/valid/dodsfall-og-arv.json");

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut files = RuleFiles::embedded();
    let name = match which % 3 {
        0 => "rules/fuzz.toml",
        1 => "rules/input.toml",
        _ => "rules/catalog.toml",
    };
    files.files.retain(|f| f.name() != name);
    files.files.push(SourceFile::new(name, text));
    match RuleSet::load(&files, &[]) {
        Ok(rules) => {
            let _ = samstyr::schema::json_schema(rules.schema(), rules.catalog());
            let _ = rules.graph();
            let doc = SourceFile::new("doc.json", DOC);
            match schema::validate(rules.schema(), rules.catalog(), doc) {
                Ok(doc) => common::evaluate_and_render(&rules, &doc),
                Err(d) => common::render_invalid(&rules, "doc.json", d),
            }
        }
        Err(d) => {
            let _ = samstyr::diag::render(&d.0, false);
        }
    }
});
