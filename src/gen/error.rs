//! Errors of loading a generator profile, one variant per kind of mistake.

use crate::diag::Problem;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("invalid TOML: {message}")]
    Toml { message: String },
    #[error("unknown key `{key}` in {place}")]
    UnknownKey {
        key: String,
        place: String,
        suggestion: Option<String>,
        expected: String,
    },
    #[error("unknown field `{name}` in `{within}`")]
    UnknownField {
        name: String,
        within: String,
        suggestion: Option<String>,
        fields: String,
    },
    #[error("invalid field path `{path}`: {why}")]
    BadPath {
        path: String,
        why: String,
        help: Option<String>,
    },
    #[error("expected {expected}, found {found}")]
    WrongType { expected: String, found: String },
    #[error("`{key}` does not apply to `{path}` ({what})")]
    NotApplicable {
        key: String,
        path: String,
        what: String,
        allowed: String,
    },
    #[error("`{a}` and `{b}` cannot be combined")]
    Conflict { a: String, b: String },
    #[error("`{key}` needs `{needs}`")]
    Needs { key: String, needs: String },
    #[error("empty range: {lo} is greater than {hi}")]
    EmptyRange { lo: String, hi: String },
    #[error("{what} is out of bounds: {why}")]
    OutOfBounds { what: String, why: String },
    #[error("`{value}` is not a value of `{path}`")]
    UnknownValue {
        value: String,
        path: String,
        suggestion: Option<String>,
        values: String,
    },
    #[error("`{path}` is required, so it cannot be absent")]
    RequiredAbsent { path: String },
    #[error("`{path}` is not nullable, so it cannot be null")]
    NotNullable { path: String },
    #[error("all weights are zero")]
    ZeroWeights,
    #[error("invalid date `{text}`")]
    BadDate { text: String },
    #[error("unknown variable `${name}`")]
    UnknownVar {
        name: String,
        suggestion: Option<String>,
    },
    #[error("unknown pool `{name}`")]
    UnknownPool {
        name: String,
        suggestion: Option<String>,
    },
    #[error("`{target}` is out of reach of `{path}`")]
    OutOfScope { target: String, path: String },
    #[error("`{target}` cannot be read here: {why}")]
    BadRef { target: String, why: String },
    #[error("settings refer to each other in a cycle: {cycle}")]
    Cycle { cycle: String },
    #[error("invalid template: {why}")]
    Template { why: String },
    #[error("invalid key template for `{field}`: {why}")]
    KeyTemplate { field: String, why: String },
    #[error("the profile is for `{found}`, but the rule set's input format is `{expected}`")]
    SchemaMismatch { found: String, expected: String },
    #[error("several generator profiles and none chosen: {names}")]
    Ambiguous { names: String },
}

impl Problem for ProfileError {
    fn code(&self) -> &'static str {
        match self {
            ProfileError::Toml { .. } => "gen::toml",
            ProfileError::UnknownKey { .. } => "gen::unknown-key",
            ProfileError::UnknownField { .. } => "gen::unknown-field",
            ProfileError::BadPath { .. } => "gen::bad-path",
            ProfileError::WrongType { .. } => "gen::wrong-type",
            ProfileError::NotApplicable { .. } => "gen::not-applicable",
            ProfileError::Conflict { .. } => "gen::conflict",
            ProfileError::Needs { .. } => "gen::needs",
            ProfileError::EmptyRange { .. } => "gen::empty-range",
            ProfileError::OutOfBounds { .. } => "gen::out-of-bounds",
            ProfileError::UnknownValue { .. } => "gen::unknown-value",
            ProfileError::RequiredAbsent { .. } => "gen::required-absent",
            ProfileError::NotNullable { .. } => "gen::not-nullable",
            ProfileError::ZeroWeights => "gen::zero-weights",
            ProfileError::BadDate { .. } => "gen::bad-date",
            ProfileError::UnknownVar { .. } => "gen::unknown-var",
            ProfileError::UnknownPool { .. } => "gen::unknown-pool",
            ProfileError::OutOfScope { .. } => "gen::out-of-scope",
            ProfileError::BadRef { .. } => "gen::bad-ref",
            ProfileError::Cycle { .. } => "gen::cycle",
            ProfileError::Template { .. } => "gen::template",
            ProfileError::KeyTemplate { .. } => "gen::key-template",
            ProfileError::SchemaMismatch { .. } => "gen::schema-mismatch",
            ProfileError::Ambiguous { .. } => "gen::ambiguous",
        }
    }

    fn help(&self) -> Option<String> {
        let mean = |s: &Option<String>| s.as_ref().map(|s| format!("did you mean `{s}`?"));
        match self {
            ProfileError::Toml { .. } => Some("see docs/generator.md for the profile format".into()),
            ProfileError::UnknownKey {
                suggestion,
                expected,
                ..
            } => mean(suggestion).or_else(|| Some(format!("expected one of: {expected}"))),
            ProfileError::UnknownField {
                suggestion, fields, ..
            } => mean(suggestion).or_else(|| Some(format!("its fields are: {fields}"))),
            ProfileError::BadPath { help, .. } => help.clone(),
            ProfileError::NotApplicable { allowed, .. } => {
                Some(format!("settings that apply here: {allowed}"))
            }
            ProfileError::Conflict { .. } => {
                Some("give one way of making the value; use `variants` to mix several".into())
            }
            ProfileError::EmptyRange { .. } => Some("write ranges as `[low, high]`".into()),
            ProfileError::UnknownValue {
                suggestion, values, ..
            } => mean(suggestion).or_else(|| Some(format!("its values are: {values}"))),
            ProfileError::RequiredAbsent { .. } => {
                Some("remove `absent`: the input format requires this field".into())
            }
            ProfileError::NotNullable { .. } => {
                Some("remove `null`: the input format does not accept null here".into())
            }
            ProfileError::ZeroWeights => Some("give at least one value a weight above 0".into()),
            ProfileError::BadDate { .. } => {
                Some("write a date that exists, as `YYYY-MM-DD`".into())
            }
            ProfileError::UnknownVar { suggestion, .. } => match suggestion {
                Some(s) => Some(format!("did you mean `${s}`?")),
                None => Some("declare it under `[vars]`".into()),
            },
            ProfileError::UnknownPool { suggestion, .. } => {
                mean(suggestion).or_else(|| Some("declare it under `[pools]`".into()))
            }
            ProfileError::OutOfScope { .. } => Some(
                "a setting may read fields of its own object or of enclosing objects, not of other list items"
                    .into(),
            ),
            ProfileError::Cycle { .. } => {
                Some("break the cycle: one of these must not depend on the other".into())
            }
            ProfileError::Template { .. } => Some(
                "placeholders are `{seq}`, `{seq:03}`, `{$var}`, `{$var:year}`, `{field.path}`, `{@pool}`; write `{{` and `}}` for braces"
                    .into(),
            ),
            ProfileError::KeyTemplate { .. } => Some(
                "a key template may use only `{$var}` placeholders and literal text, and must end in `{seq}` after a non-digit, so that keys are unique"
                    .into(),
            ),
            ProfileError::SchemaMismatch { .. } => {
                Some("use a profile written for this rule set, or fix `[generator].schema`".into())
            }
            ProfileError::Ambiguous { .. } => Some("choose one with `--profile FILE`".into()),
            ProfileError::WrongType { .. }
            | ProfileError::Needs { .. }
            | ProfileError::OutOfBounds { .. }
            | ProfileError::BadRef { .. } => None,
        }
    }
}
