//! The validator's two instances, and nothing downstream: any bytes go through `schema::validate`
//! (the quiet pass first) and through the reporting pass alone, which must agree exactly: the
//! same tree, or the same diagnostics. Cheap per input, so it explores far more of the validator
//! than the `initiative` target, which also evaluates and renders.

#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use samstyr::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = common::validate_both_ways(common::rules(), SourceFile::new("fuzz.json", text));
});
