//! The typed errors of the expression language: [`SyntaxError`] from the lexer and parser,
//! [`TypeError`] from name resolution and type checking. Both become [`crate::diag::Diagnostic`]s
//! with a span into the rule file.

use crate::diag::Problem;

/// User text as messages echo it: control characters escaped, and cut short, so that no input
/// can put a terminal escape or a page of text into a message.
pub fn echo(s: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn echo_char(c: &char) -> String {
    echo(c.encode_utf8(&mut [0; 4]))
}

/// `Some(x)` → `; did you mean `x`?` style help, shared by the name errors.
fn suggest(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| format!("did you mean `{s}`?"))
}

/// A problem with the text of an expression, found before any name is looked at.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyntaxError {
    #[error("empty expression")]
    Empty,
    #[error("expression too long: {len} bytes, the limit is {max}")]
    TooLong { len: usize, max: usize },
    #[error("expression nested too deeply (more than {max} levels)")]
    TooDeep { max: usize },
    #[error("unexpected character `{}`", echo_char(.0))]
    UnexpectedChar(char),
    #[error("`{0}` is not an operator")]
    ForeignOperator(&'static str),
    #[error("unterminated string")]
    UnterminatedString,
    #[error("unknown escape `\\{}` in a string", echo_char(.0))]
    BadEscape(char),
    #[error("invalid date `{}`: {reason}", echo(text))]
    BadDate { text: String, reason: String },
    #[error("invalid number `{}`", echo(.0))]
    BadNumber(String),
    #[error("`@` must be followed by a fact id")]
    EmptyFact,
    #[error("invalid fact id `{}`", echo(.0))]
    BadFactId(String),
    #[error("`$` must be followed by a parameter id")]
    EmptyParam,
    #[error("expected {expected}, found {found}")]
    Expected {
        expected: &'static str,
        found: String,
    },
    #[error("unclosed `{0}`")]
    Unclosed(char),
    #[error("comparisons cannot be chained")]
    ChainedComparison,
    #[error("unexpected {found} after the end of the expression")]
    Trailing { found: String },
    #[error("a duration needs a number before `{}`", echo(unit))]
    UnitWithoutAmount { unit: String },
    #[error("the amount of a duration must be a whole number, found `{}`", echo(.0))]
    FractionalDuration(String),
}

impl Problem for SyntaxError {
    fn code(&self) -> &'static str {
        match self {
            SyntaxError::Empty => "expr::empty",
            SyntaxError::TooLong { .. } => "expr::too-long",
            SyntaxError::TooDeep { .. } => "expr::too-deep",
            SyntaxError::UnexpectedChar(_) => "expr::unexpected-char",
            SyntaxError::ForeignOperator(_) => "expr::foreign-operator",
            SyntaxError::UnterminatedString => "expr::unterminated-string",
            SyntaxError::BadEscape(_) => "expr::bad-escape",
            SyntaxError::BadDate { .. } => "expr::bad-date",
            SyntaxError::BadNumber(_) => "expr::bad-number",
            SyntaxError::EmptyFact => "expr::empty-fact",
            SyntaxError::BadFactId(_) => "expr::bad-fact-id",
            SyntaxError::EmptyParam => "expr::empty-param",
            SyntaxError::Expected { .. } => "expr::syntax",
            SyntaxError::Unclosed(_) => "expr::unclosed",
            SyntaxError::ChainedComparison => "expr::chained-comparison",
            SyntaxError::Trailing { .. } => "expr::trailing",
            SyntaxError::UnitWithoutAmount { .. } => "expr::unit-without-amount",
            SyntaxError::FractionalDuration(_) => "expr::fractional-duration",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            SyntaxError::Empty => "write an expression, such as `true` or `x > 0`".into(),
            SyntaxError::TooLong { .. } => {
                "split it into facts (`[[fact]]`) and refer to them with `@fact-id`".into()
            }
            SyntaxError::TooDeep { .. } => {
                "split it into facts (`[[fact]]`) and refer to them with `@fact-id`".into()
            }
            SyntaxError::UnexpectedChar(_) => return None,
            SyntaxError::ForeignOperator(op) => match *op {
                "=" => "use `==` to compare".into(),
                "&&" | "&" => "use `and`".into(),
                "||" | "|" => "use `or`".into(),
                "!" => "use `not`".into(),
                "<>" => "use `!=`".into(),
                _ => return None,
            },
            SyntaxError::UnterminatedString => {
                "close the string with the quote it opened with".into()
            }
            SyntaxError::BadEscape(_) => {
                "the escapes are `\\\\`, `\\'`, `\\\"`, `\\n` and `\\t`".into()
            }
            SyntaxError::BadDate { .. } => {
                "a date is `YYYY-MM-DD` and must exist in the calendar".into()
            }
            SyntaxError::BadNumber(_) => "write numbers as `12`, `1.5` or `100_000_000`".into(),
            SyntaxError::EmptyFact | SyntaxError::BadFactId(_) => {
                "fact ids are lowercase letters, digits and `-`: `@my-fact`".into()
            }
            SyntaxError::EmptyParam => {
                "parameter ids are letters, digits, `_` and `-`: `$my_param`".into()
            }
            SyntaxError::Expected { .. } => return None,
            SyntaxError::Unclosed(c) => format!("add the matching `{}`", closing(*c)),
            SyntaxError::ChainedComparison => {
                "join the comparisons with `and`: `a < b and b < c`".into()
            }
            SyntaxError::Trailing { .. } => "join conditions with `and` or `or`".into(),
            SyntaxError::UnitWithoutAmount { unit } => format!(
                "a duration is a number, a parameter, a fact or a parenthesised expression followed by a unit: `3 {unit}`, `$p {unit}`, `(x) {unit}`"
            ),
            SyntaxError::FractionalDuration(_) => {
                "durations count whole days, weeks, months or years".into()
            }
        })
    }
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => open,
    }
}

/// A problem found when resolving names and checking types.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TypeError {
    #[error("unknown name `{}`", echo(name))]
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    #[error("unknown field `{}` in `{owner}`", echo(field))]
    UnknownField {
        field: String,
        owner: String,
        suggestion: Option<String>,
    },
    #[error("unknown column `{}` in catalog table `{table}`", echo(column))]
    UnknownColumn {
        column: String,
        table: String,
        suggestion: Option<String>,
    },
    #[error("unknown catalog table `{}`", echo(table))]
    UnknownTable {
        table: String,
        suggestion: Option<String>,
    },
    #[error("no row `{}` in catalog table `{table}`", echo(key))]
    UnknownKey {
        key: String,
        table: String,
        suggestion: Option<String>,
    },
    #[error("`{}` is not a value of `{field}`", echo(value))]
    NotInEnum {
        value: String,
        field: String,
        values: Vec<String>,
        suggestion: Option<String>,
    },
    #[error("unknown fact `@{}`", echo(id))]
    UnknownFact {
        id: String,
        suggestion: Option<String>,
    },
    #[error("unknown parameter `${}`", echo(id))]
    UnknownParam {
        id: String,
        suggestion: Option<String>,
    },
    #[error("`ref_date` cannot be used here")]
    RefDateNotAllowed,
    #[error("`{op}` needs {expected}, found {found}")]
    Mismatch {
        op: String,
        expected: &'static str,
        found: String,
    },
    #[error("cannot compare {left} with {right}")]
    CannotCompare { left: String, right: String },
    #[error("cannot apply `{op}` to {left} and {right}")]
    BadOperands {
        op: &'static str,
        left: String,
        right: String,
    },
    #[error("`??` joins {left} with {right}")]
    CoalesceMismatch { left: String, right: String },
    #[error("`in` needs a list of {elem}, found {found}")]
    BadMembership { elem: String, found: String },
    #[error("{found} has no fields")]
    NoFields { found: String, is_list: bool },
    #[error("cannot index {found}")]
    NotIndexable { found: String },
    #[error("`present` needs a field path")]
    NotAPath,
    #[error("the items of a list literal differ: {first} and {other}")]
    MixedList { first: String, other: String },
    #[error("`{name}` needs at least one argument")]
    NoArguments { name: &'static str },
}

impl Problem for TypeError {
    fn code(&self) -> &'static str {
        match self {
            TypeError::UnknownName { .. } => "expr::unknown-name",
            TypeError::UnknownField { .. } => "expr::unknown-field",
            TypeError::UnknownColumn { .. } => "expr::unknown-column",
            TypeError::UnknownTable { .. } => "expr::unknown-table",
            TypeError::UnknownKey { .. } => "expr::unknown-key",
            TypeError::NotInEnum { .. } => "expr::not-in-enum",
            TypeError::UnknownFact { .. } => "expr::unknown-fact",
            TypeError::UnknownParam { .. } => "expr::unknown-param",
            TypeError::RefDateNotAllowed => "expr::ref-date-not-allowed",
            TypeError::Mismatch { .. } => "expr::type-mismatch",
            TypeError::CannotCompare { .. } => "expr::cannot-compare",
            TypeError::BadOperands { .. } => "expr::bad-operands",
            TypeError::CoalesceMismatch { .. } => "expr::coalesce-mismatch",
            TypeError::BadMembership { .. } => "expr::bad-membership",
            TypeError::NoFields { .. } => "expr::no-fields",
            TypeError::NotIndexable { .. } => "expr::not-indexable",
            TypeError::NotAPath => "expr::not-a-path",
            TypeError::MixedList { .. } => "expr::mixed-list",
            TypeError::NoArguments { .. } => "expr::no-arguments",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            TypeError::UnknownName { suggestion, .. }
            | TypeError::UnknownField { suggestion, .. }
            | TypeError::UnknownColumn { suggestion, .. }
            | TypeError::UnknownTable { suggestion, .. }
            | TypeError::UnknownKey { suggestion, .. }
            | TypeError::UnknownFact { suggestion, .. }
            | TypeError::UnknownParam { suggestion, .. } => suggest(suggestion),
            TypeError::NotInEnum {
                suggestion, values, ..
            } => suggest(suggestion).or_else(|| {
                let mut list: Vec<String> = values.iter().take(12).map(|v| format!("`{v}`")).collect();
                if values.len() > 12 {
                    list.push("…".into());
                }
                Some(format!("the values are {}", list.join(", ")))
            }),
            TypeError::RefDateNotAllowed => {
                Some("the reference date is being defined here; use `today` or a field".into())
            }
            TypeError::CannotCompare { left, right }
                if left.contains("duration") || right.contains("duration") =>
            {
                Some("durations do not compare (a month has no fixed length); compare dates instead: `a + 6 weeks <= b`".into())
            }
            TypeError::CannotCompare { .. } => {
                Some("both sides must have the same type".into())
            }
            TypeError::BadOperands { op, .. } => Some(match *op {
                "+" | "-" => "`+` and `-` take numbers, `date ± duration` or `date - date` (days)".into(),
                _ => format!("`{op}` takes numbers"),
            }),
            TypeError::CoalesceMismatch { .. } => {
                Some("both sides of `??` must have the same type".into())
            }
            TypeError::NoFields { is_list: true, .. } => Some(
                "to test the items use `any(x in list: x.field …)`, or pick one with `list[0].field`"
                    .into(),
            ),
            TypeError::NotAPath => Some(
                "`present(field.sub)` tests whether a field of the document is stated".into(),
            ),
            _ => None,
        }
    }
}
