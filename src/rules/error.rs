//! The rule loader's typed problems: everything that can be wrong with a rule set (or with the
//! parameter overrides given for it), each turned into a [`crate::diag::Diagnostic`] with its place.

use crate::diag::Problem;

/// One problem found while loading a rule set.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RuleError {
    #[error("{message}")]
    Syntax { message: String },
    #[error("unknown key `{key}` in {table}")]
    UnknownKey {
        key: String,
        table: String,
        allowed: Vec<&'static str>,
        suggestion: Option<String>,
    },
    #[error("missing key `{key}` in {table}")]
    MissingKey { key: String, table: String },
    #[error("`{key}` must be {expected}, found {found}")]
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("`{key}` is missing its {lang} text")]
    MissingLanguage { key: String, lang: &'static str },
    #[error("unknown severity `{value}`")]
    BadSeverity { value: String },
    #[error("unknown parameter type `{value}`")]
    BadParamType { value: String },
    #[error("invalid {kind} id `{id}`")]
    BadId {
        kind: &'static str,
        id: String,
        pattern: &'static str,
    },
    #[error("duplicate {kind} id `{id}`")]
    Duplicate {
        kind: &'static str,
        id: String,
        first: String,
    },
    #[error("unknown principle `{id}`")]
    UnknownPrinciple {
        id: String,
        suggestion: Option<String>,
    },
    #[error("unknown assumption `{id}`")]
    UnknownAssumption {
        id: String,
        suggestion: Option<String>,
    },
    #[error("no `[ruleset]` table in the rule set")]
    NoRuleset,
    #[error("`[ruleset]` is declared more than once")]
    DuplicateRuleset { first: String },
    #[error("unknown headline fact `{id}`")]
    UnknownHeadlineFact {
        id: String,
        suggestion: Option<String>,
    },
    #[error("the headline fact `{id}` must be bool, found {found}")]
    HeadlineNotBool { id: String, found: String },
    #[error("`{key}` must be {expected}, found {found}")]
    ExprType {
        key: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("fact dependency cycle: {cycle}")]
    FactCycle { cycle: String },
    #[error("unknown seed file `{seed}`")]
    UnknownSeed {
        seed: String,
        suggestion: Option<String>,
    },
    #[error("quote not found in `{seed}`")]
    QuoteNotFound { seed: String },
    #[error("{kind} `{id}` has no source")]
    NoSource { kind: &'static str, id: String },
    #[error("a source needs either `seed` and `quote`, or `title`")]
    SourceShape,
    #[error("`for_each` must read `NAME in LIST`, found `{text}`")]
    BadForEach { text: String },
    #[error("`for_each` must iterate over a list, found {found}")]
    ForEachNotList { found: String },
    #[error("the name `{name}` is already bound")]
    Shadowed { name: String },
    #[error("unclosed `{{` in a message")]
    UnclosedPlaceholder,
    #[error("unmatched `}}` in a message")]
    UnmatchedBrace,
    #[error("missing `{status}` message")]
    MissingMessage {
        status: &'static str,
        why: &'static str,
    },
    #[error("unknown parameter `{id}`")]
    UnknownParam {
        id: String,
        suggestion: Option<String>,
    },
    #[error("`{value}` is not a valid {expected} for parameter `{id}`")]
    BadParamValue {
        id: String,
        value: String,
        expected: &'static str,
    },
    #[error("`{value}` is out of range for parameter `{id}`: {range}")]
    ParamOutOfRange {
        id: String,
        value: String,
        range: String,
    },
    #[error("parameter `{id}` declares a range that only a {ty} can have")]
    BadParamRange { id: String, ty: &'static str },
    #[error("parameter override `{text}` is not `NAME=VALUE`")]
    BadOverride { text: String },
    #[error("parameter `{id}` is overridden twice")]
    DuplicateOverride { id: String },
    #[error("unknown rule `{id}`")]
    UnknownRule {
        id: String,
        suggestion: Option<String>,
    },
    #[error("report field `{path}` cannot be used: {reason}")]
    BadReportField {
        path: String,
        reason: String,
        suggestion: Option<String>,
    },
    #[error("unknown propagated fact `{id}`")]
    UnknownPropagateFact {
        id: String,
        suggestion: Option<String>,
    },
    #[error("the propagated fact `{id}` must be bool, found {found}")]
    PropagateNotBool { id: String, found: String },
    #[error("`{field}` is not a link field")]
    NotALink {
        field: String,
        links: String,
        suggestion: Option<String>,
    },
    #[error("unknown direction `{value}`")]
    BadDirection { value: String },
    #[error("the propagated fact `{id}` uses {count} other propagated facts, more than 3")]
    PropagateTooDeep { id: String, count: usize },
}

impl Problem for RuleError {
    fn code(&self) -> &'static str {
        match self {
            RuleError::Syntax { .. } => "rules::syntax",
            RuleError::UnknownKey { .. } => "rules::unknown-key",
            RuleError::MissingKey { .. } => "rules::missing-key",
            RuleError::WrongType { .. } => "rules::wrong-type",
            RuleError::MissingLanguage { .. } => "rules::missing-language",
            RuleError::BadSeverity { .. } => "rules::bad-severity",
            RuleError::BadParamType { .. } => "rules::bad-param-type",
            RuleError::BadId { .. } => "rules::bad-id",
            RuleError::Duplicate { .. } => "rules::duplicate-id",
            RuleError::UnknownPrinciple { .. } => "rules::unknown-principle",
            RuleError::UnknownAssumption { .. } => "rules::unknown-assumption",
            RuleError::NoRuleset => "rules::no-ruleset",
            RuleError::DuplicateRuleset { .. } => "rules::duplicate-ruleset",
            RuleError::UnknownHeadlineFact { .. } => "rules::unknown-headline",
            RuleError::HeadlineNotBool { .. } => "rules::headline-type",
            RuleError::ExprType { .. } => "rules::expr-type",
            RuleError::FactCycle { .. } => "rules::fact-cycle",
            RuleError::UnknownSeed { .. } => "rules::unknown-seed",
            RuleError::QuoteNotFound { .. } => "rules::quote-not-found",
            RuleError::NoSource { .. } => "rules::no-source",
            RuleError::SourceShape => "rules::source-shape",
            RuleError::BadForEach { .. } => "rules::bad-for-each",
            RuleError::ForEachNotList { .. } => "rules::for-each-type",
            RuleError::Shadowed { .. } => "rules::shadowed-name",
            RuleError::UnclosedPlaceholder => "rules::message-placeholder",
            RuleError::UnmatchedBrace => "rules::message-placeholder",
            RuleError::MissingMessage { .. } => "rules::missing-message",
            RuleError::UnknownParam { .. } => "rules::unknown-param",
            RuleError::BadParamValue { .. } => "rules::bad-param-value",
            RuleError::ParamOutOfRange { .. } => "rules::param-out-of-range",
            RuleError::BadParamRange { .. } => "rules::bad-param-range",
            RuleError::BadOverride { .. } => "rules::bad-override",
            RuleError::DuplicateOverride { .. } => "rules::duplicate-override",
            RuleError::UnknownRule { .. } => "rules::unknown-rule",
            RuleError::BadReportField { .. } => "rules::report-field",
            RuleError::UnknownPropagateFact { .. } => "rules::unknown-propagate-fact",
            RuleError::PropagateNotBool { .. } => "rules::propagate-type",
            RuleError::NotALink { .. } => "rules::not-a-link",
            RuleError::BadDirection { .. } => "rules::bad-direction",
            RuleError::PropagateTooDeep { .. } => "rules::propagate-depth",
        }
    }

    fn help(&self) -> Option<String> {
        let did_you_mean = |s: &Option<String>| s.as_ref().map(|s| format!("did you mean `{s}`?"));
        match self {
            RuleError::Syntax { .. } => Some("fix the TOML syntax; see docs/rule-language.md".into()),
            RuleError::UnknownKey {
                suggestion,
                allowed,
                ..
            } => did_you_mean(suggestion).or_else(|| {
                let list: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                Some(format!("allowed keys: {}", list.join(", ")))
            }),
            RuleError::MissingKey { key, .. } => Some(format!("add `{key} = …`")),
            RuleError::WrongType { .. } => None,
            RuleError::MissingLanguage { key, lang } => Some(format!(
                "every user-facing text needs both languages: `{key} = {{ nb = \"…\", en = \"…\" }}` (add `{lang}`)"
            )),
            RuleError::BadSeverity { value } => Some(match value.to_lowercase().as_str() {
                "skal" | "må" | "shall" | "required" => "use `must`".into(),
                "bør" | "recommended" | "may" => "use `should`".into(),
                _ => "severity is `must` or `should`".into(),
            }),
            RuleError::BadParamType { .. } => {
                Some("a parameter's type is one of `number`, `date`, `string`, `bool`, `duration`".into())
            }
            RuleError::BadId { pattern, .. } => Some(format!("ids are made of {pattern}")),
            RuleError::Duplicate { first, .. } => {
                Some(format!("first declared at {first}; ids must be unique"))
            }
            RuleError::UnknownPrinciple { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("declare it with a `[[principle]]` table".into())),
            RuleError::UnknownAssumption { suggestion, .. } => did_you_mean(suggestion).or_else(
                || Some("declare it with an `[[assumption]]` table (`id`, `when`, `text`)".into()),
            ),
            RuleError::NoRuleset => Some(
                "add `[ruleset]` with `id`, `version` and `title` to one of the rule files".into(),
            ),
            RuleError::DuplicateRuleset { first } => {
                Some(format!("first declared at {first}; keep one `[ruleset]`"))
            }
            RuleError::UnknownHeadlineFact { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("the headline names a declared `[[fact]]`".into())),
            RuleError::HeadlineNotBool { .. } => {
                Some("the headline answers yes, no or unknown: use a bool fact".into())
            }
            RuleError::ExprType { key, .. } => Some(match *key {
                "applies" | "require" => "a condition is true, false or unknown: compare or test something".into(),
                _ => "give a date expression, e.g. `2021-01-01` or `@some-date + 3 months`".into(),
            }),
            RuleError::FactCycle { .. } => {
                Some("a fact cannot depend on itself; break the cycle".into())
            }
            RuleError::UnknownSeed { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("seed files are read from `seeds/` beside the rules".into())),
            RuleError::QuoteNotFound { .. } => Some(
                "quotes must appear verbatim in the seed (runs of whitespace count as one space); copy the text, OCR errors included".into(),
            ),
            RuleError::NoSource { .. } => Some(
                "add `[[obligation.source]]` with `seed` and `quote`, or `title`, `section` and `url`".into(),
            ),
            RuleError::SourceShape => None,
            RuleError::BadForEach { .. } => Some("e.g. `for_each = \"body in bodies\"`".into()),
            RuleError::ForEachNotList { .. } => None,
            RuleError::Shadowed { .. } => Some("choose another name".into()),
            RuleError::UnclosedPlaceholder | RuleError::UnmatchedBrace => {
                Some("placeholders read `{expr}`; write `{{` or `}}` for a literal brace".into())
            }
            RuleError::MissingMessage { status, why } => {
                Some(format!("add `{status} = {{ nb = \"…\", en = \"…\" }}` under `[obligation.message]`: {why}"))
            }
            RuleError::UnknownParam { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("`samstyr rules show` lists the parameters".into())),
            RuleError::BadParamValue { expected, .. } => Some(match *expected {
                "date" => "write a date as `YYYY-MM-DD`".into(),
                "duration" => "write a duration as `N days`, `N weeks`, `N months` or `N years`".into(),
                "bool" => "write `true` or `false`".into(),
                _ => format!("give a {expected}"),
            }),
            RuleError::ParamOutOfRange { .. } => {
                Some("the rule set declares the range (`min`, `max`, `integer` of the parameter)".into())
            }
            RuleError::BadParamRange { .. } => Some(
                "`min` and `max` fit numbers, dates and durations; `integer` fits numbers".into(),
            ),
            RuleError::BadOverride { .. } => Some("e.g. `--param lead_time_days=30`".into()),
            RuleError::DuplicateOverride { .. } => Some("give each parameter once".into()),
            RuleError::UnknownRule { suggestion, .. } => did_you_mean(suggestion).or_else(|| {
                Some("`samstyr rules list` lists the obligations; facts are named `@id`".into())
            }),
            RuleError::BadReportField { suggestion, .. } => did_you_mean(suggestion).or_else(|| {
                Some("name a field that holds a string, through objects: e.g. `owner.ministry`".into())
            }),
            RuleError::UnknownPropagateFact { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("propagation names a declared `[[fact]]`".into())),
            RuleError::PropagateNotBool { .. } => {
                Some("only bool facts travel between documents; they are joined with `or`".into())
            }
            RuleError::NotALink { suggestion, links, .. } => {
                did_you_mean(suggestion).or_else(|| {
                    Some(if links.is_empty() {
                        "the input format has no field of type `key`; links between documents are fields of type `key` or a list of `key`".into()
                    } else {
                        format!("link fields of the input format: {links}")
                    })
                })
            }
            RuleError::BadDirection { .. } => Some(
                "`to_target` (from the document holding the link to the one it names) or `from_target` (the other way)".into(),
            ),
            RuleError::PropagateTooDeep { .. } => Some(
                "every combination of received values is computed up front; propagate fewer of the facts it uses".into(),
            ),
        }
    }

    /// The generic TOML problems (unknown, missing or mistyped keys) are also what a waiver file
    /// meets, so they are in the user's languages; the rest are for rule authors, in English.
    fn message_in(&self, lang: crate::text::Lang) -> Option<String> {
        use crate::text::Lang;
        if lang == Lang::En {
            return Some(self.to_string());
        }
        let t = |nb: String, nn: String| if lang == Lang::Nb { nb } else { nn };
        match self {
            RuleError::UnknownKey { key, table, .. } => Some(t(
                format!("ukjent nøkkel `{key}` i {table}"),
                format!("ukjend nøkkel `{key}` i {table}"),
            )),
            RuleError::MissingKey { key, table } => Some(t(
                format!("nøkkelen `{key}` mangler i {table}"),
                format!("nøkkelen `{key}` manglar i {table}"),
            )),
            RuleError::WrongType {
                key,
                expected,
                found,
            } => {
                let expected = crate::spanned::toml_words(expected, lang);
                let found = crate::spanned::toml_words(found, lang);
                Some(t(
                    format!("`{key}` må være {expected}, fant {found}"),
                    format!("`{key}` må vere {expected}, fann {found}"),
                ))
            }
            _ => None,
        }
    }

    fn help_in(&self, lang: crate::text::Lang) -> Option<String> {
        use crate::text::Lang;
        if lang == Lang::En {
            return self.help();
        }
        let t = |nb: String, nn: String| if lang == Lang::Nb { nb } else { nn };
        match self {
            RuleError::UnknownKey {
                suggestion,
                allowed,
                ..
            } => Some(match suggestion {
                Some(s) => t(format!("mente du `{s}`?"), format!("meinte du `{s}`?")),
                None => {
                    let list: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                    let list = list.join(", ");
                    t(
                        format!("tillatte nøkler: {list}"),
                        format!("tillatne nøklar: {list}"),
                    )
                }
            }),
            RuleError::MissingKey { key, .. } => Some(format!("legg til `{key} = …`")),
            _ => self.help(),
        }
    }
}
