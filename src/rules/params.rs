//! Rule parameters: typed values with sourced defaults, and overrides given per run
//! (`--param NAME=VALUE`, `--param-file FILE`, or `params` in a rule test case).

use super::decl::ParamType;
use super::error::RuleError;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};
use jiff::civil::Date;
use std::path::Path;

/// A parameter override as given, not yet checked against the rule set.
#[derive(Debug, Clone)]
pub struct ParamOverride {
    pub id: String,
    pub value: String,
    /// Where it was written (a `--param-file` or a rule test file), for diagnostics.
    pub place: Option<(SourceFile, Span)>,
}

impl ParamOverride {
    pub fn new(id: impl Into<String>, value: impl Into<String>) -> Self {
        ParamOverride {
            id: id.into(),
            value: value.into(),
            place: None,
        }
    }
}

/// A parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Number(f64),
    Date(Date),
    Str(String),
    Bool(bool),
    /// An amount of one calendar unit (`3 months`), kept as written so months stay months.
    Duration {
        amount: i64,
        unit: DurationUnit,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl DurationUnit {
    fn parse(s: &str) -> Option<DurationUnit> {
        match s {
            "day" | "days" => Some(DurationUnit::Days),
            "week" | "weeks" => Some(DurationUnit::Weeks),
            "month" | "months" => Some(DurationUnit::Months),
            "year" | "years" => Some(DurationUnit::Years),
            _ => None,
        }
    }

    fn name(self, plural: bool) -> &'static str {
        match (self, plural) {
            (DurationUnit::Days, false) => "day",
            (DurationUnit::Days, true) => "days",
            (DurationUnit::Weeks, false) => "week",
            (DurationUnit::Weeks, true) => "weeks",
            (DurationUnit::Months, false) => "month",
            (DurationUnit::Months, true) => "months",
            (DurationUnit::Years, false) => "year",
            (DurationUnit::Years, true) => "years",
        }
    }
}

impl ParamValue {
    /// Parse a value of type `ty` from its written form.
    pub fn parse(ty: ParamType, text: &str) -> Option<ParamValue> {
        let t = text.trim();
        match ty {
            ParamType::Number => t
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(ParamValue::Number),
            ParamType::Date => t
                .parse::<Date>()
                .ok()
                .filter(|_| t.len() == 10)
                .map(ParamValue::Date),
            ParamType::String => Some(ParamValue::Str(
                t.strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(t)
                    .to_string(),
            )),
            ParamType::Bool => match t {
                "true" => Some(ParamValue::Bool(true)),
                "false" => Some(ParamValue::Bool(false)),
                _ => None,
            },
            ParamType::Duration => {
                let mut words = t.split_whitespace();
                let amount = words.next()?.parse::<i64>().ok()?;
                let unit = DurationUnit::parse(words.next()?)?;
                if words.next().is_some() || amount.unsigned_abs() > 100_000 {
                    return None;
                }
                Some(ParamValue::Duration { amount, unit })
            }
        }
    }

    /// The value as shown to users (and as it would be written back).
    pub fn shown(&self) -> String {
        match self {
            ParamValue::Number(n) => crate::value::number_json(*n).to_string(),
            ParamValue::Date(d) => d.to_string(),
            ParamValue::Str(s) => s.clone(),
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::Duration { amount, unit } => {
                format!("{amount} {}", unit.name(amount.abs() != 1))
            }
        }
    }

    /// Where the value lies on one line, to compare it with a bound of the same type: a number
    /// as it is, a date in days since 1970, a duration in days (a month counted as 30.44 days,
    /// a year as 365.25: close enough for a range). `None` for strings and bools.
    fn measure(&self) -> Option<f64> {
        match self {
            ParamValue::Number(n) => Some(*n),
            ParamValue::Date(d) => d
                .since(jiff::civil::date(1970, 1, 1))
                .ok()
                .map(|s| f64::from(s.get_days())),
            ParamValue::Duration { amount, unit } => {
                let days = match unit {
                    DurationUnit::Days => 1.0,
                    DurationUnit::Weeks => 7.0,
                    DurationUnit::Months => 30.44,
                    DurationUnit::Years => 365.25,
                };
                Some(*amount as f64 * days)
            }
            ParamValue::Str(_) | ParamValue::Bool(_) => None,
        }
    }

    /// The calendar span of a duration.
    pub fn span(&self) -> Option<jiff::Span> {
        let ParamValue::Duration { amount, unit } = self else {
            return None;
        };
        let s = jiff::Span::new();
        match unit {
            DurationUnit::Days => s.try_days(*amount).ok(),
            DurationUnit::Weeks => s.try_weeks(*amount).ok(),
            DurationUnit::Months => s.try_months(*amount).ok(),
            DurationUnit::Years => s.try_years(*amount).ok(),
        }
    }
}

/// The values a parameter accepts, as its declaration in the rule set says (`min`, `max`,
/// `integer`): a lead time of `-5` days or of three million (past the last date there is) is
/// refused when given, not turned into wrong advice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamRange {
    pub min: Option<ParamValue>,
    pub max: Option<ParamValue>,
    /// A number must be whole.
    pub integer: bool,
}

impl ParamRange {
    /// `None` when `v` is in range; else the range, in words.
    pub fn refuses(&self, v: &ParamValue) -> Option<String> {
        let m = v.measure();
        let below = match (&self.min, m) {
            (Some(min), Some(m)) => min.measure().is_some_and(|b| m < b),
            _ => false,
        };
        let above = match (&self.max, m) {
            (Some(max), Some(m)) => max.measure().is_some_and(|b| m > b),
            _ => false,
        };
        let fraction = self.integer && matches!(v, ParamValue::Number(n) if n.fract() != 0.0);
        (below || above || fraction).then(|| self.describe())
    }

    /// The range in words: `from 0 to 3650, a whole number`.
    pub fn describe(&self) -> String {
        let mut s = match (&self.min, &self.max) {
            (Some(a), Some(b)) => format!("from {} to {}", a.shown(), b.shown()),
            (Some(a), None) => format!("at least {}", a.shown()),
            (None, Some(b)) => format!("at most {}", b.shown()),
            (None, None) => String::new(),
        };
        if self.integer {
            if !s.is_empty() {
                s.push_str(", ");
            }
            s.push_str("a whole number");
        }
        s
    }
}

/// Read overrides from `--param NAME=VALUE` arguments and an optional TOML file of
/// `name = value` lines. Only the syntax is checked here; ids and values are checked against the
/// rule set by [`super::RuleSet::load`].
pub fn parse_overrides(
    args: &[String],
    file: Option<&Path>,
) -> Result<Vec<ParamOverride>, Diagnostics> {
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    if let Some(path) = file {
        match crate::files::read_text(path, crate::files::MAX_RULE_FILE_BYTES) {
            Ok(text) => {
                let source = SourceFile::new(path.display().to_string(), text);
                out.extend(overrides_from_toml(&source, &mut diags));
            }
            Err(e) => diags.push(Diagnostic::new(&e, None, None)),
        }
    }
    for a in args {
        match a.split_once('=') {
            Some((id, value)) if !id.trim().is_empty() => {
                out.push(ParamOverride::new(id.trim(), value.trim()))
            }
            _ => diags.push(Diagnostic::new(
                &RuleError::BadOverride { text: a.clone() },
                None,
                None,
            )),
        }
    }
    // A later override of the same parameter wins (command line over file), as users expect from
    // flags; but twice on the command line is a mistake worth saying.
    let mut seen: Vec<&str> = Vec::new();
    for o in out.iter().filter(|o| o.place.is_none()) {
        if seen.contains(&o.id.as_str()) {
            diags.push(Diagnostic::new(
                &RuleError::DuplicateOverride { id: o.id.clone() },
                None,
                None,
            ));
        }
        seen.push(&o.id);
    }
    diags.into_result(out)
}

/// `name = value` lines of a TOML table (a `--param-file`, or `params = { … }` of a test case).
pub(crate) fn overrides_from_toml(
    source: &SourceFile,
    diags: &mut Diagnostics,
) -> Vec<ParamOverride> {
    let doc = super::toml::parse(source, source.text(), diags);
    table_overrides(source, doc.get_ref(), diags)
}

pub(crate) fn table_overrides(
    source: &SourceFile,
    table: &toml::de::DeTable<'_>,
    diags: &mut Diagnostics,
) -> Vec<ParamOverride> {
    let mut out = Vec::new();
    for (k, v) in table.iter() {
        let span = super::toml::span_of(v.span());
        let value = match v.get_ref() {
            toml::de::DeValue::String(s) => s.to_string(),
            toml::de::DeValue::Table(_) | toml::de::DeValue::Array(_) => {
                diags.push(Diagnostic::at(
                    &RuleError::WrongType {
                        key: k.get_ref().to_string(),
                        expected: "a number, date, string or bool",
                        found: super::toml::type_name(v.get_ref()),
                    },
                    source,
                    span,
                ));
                continue;
            }
            _ => source
                .text()
                .get(span.range())
                .unwrap_or_default()
                .to_string(),
        };
        out.push(ParamOverride {
            id: k.get_ref().to_string(),
            value,
            place: Some((source.clone(), span)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_of_each_type() {
        assert_eq!(
            ParamValue::parse(ParamType::Number, "100_000_000"),
            Some(ParamValue::Number(1e8))
        );
        assert_eq!(ParamValue::parse(ParamType::Number, "ten"), None);
        assert_eq!(ParamValue::parse(ParamType::Date, "2026-02-30"), None);
        assert_eq!(
            ParamValue::parse(ParamType::Duration, "3 months").map(|v| v.shown()),
            Some("3 months".into())
        );
        assert_eq!(
            ParamValue::parse(ParamType::Duration, "1 weeks").map(|v| v.shown()),
            Some("1 week".into())
        );
        assert_eq!(ParamValue::parse(ParamType::Duration, "3 fortnights"), None);
        assert_eq!(ParamValue::parse(ParamType::Bool, "yes"), None);
        assert_eq!(
            ParamValue::parse(ParamType::String, "\"KS\""),
            Some(ParamValue::Str("KS".into()))
        );
    }

    #[test]
    fn overrides_need_a_name_and_an_equals_sign() {
        let ok = parse_overrides(&["lead_time_days=30".into()], None);
        assert_eq!(ok.ok().map(|v| v.len()), Some(1));
        assert!(parse_overrides(&["lead_time_days".into()], None).is_err());
        assert!(parse_overrides(&["=3".into()], None).is_err());
        assert!(parse_overrides(&["a=1".into(), "a=2".into()], None).is_err());
    }
}
