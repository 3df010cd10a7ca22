//! The expression language of rule files: lexer, parser, name resolution and type checking,
//! compilation to an evaluable tree, and the three-valued evaluator.
//!
//! The pipeline, one way: text → [`parse`] → [`Expr`] (syntax tree with spans into the rule file)
//! → [`compile`] (names resolved against the input schema, the catalog, facts, parameters and
//! bindings; types checked) → [`Compiled`] (immutable, `Send + Sync`) → [`Compiled::eval`] on a
//! [`Ctx`] per document → [`Val`]. One evaluator, generic over what it records ([`Record`]):
//! nothing ([`Nothing`]), the fields read, in [`Ctx::reads`] ([`Reads`]), or those and a trace
//! ([`Trace`]).
//!
//! **Invariant:** this module knows no rule set. Field names, tables, facts and parameters come
//! from the [`Names`] it is given; nothing here mentions any of them.
//!
//! **Invariant:** no input can make it panic or overflow the stack: expressions are limited to
//! [`MAX_LEN`] bytes and [`MAX_DEPTH`] levels of nesting, and evaluation is a walk of a tree of
//! bounded height in time linear in the size of the document.
//!
//! Using it (refinements of the API contract the rule loader codes against):
//! - Build one [`Ctx`] per document with [`Ctx::new`]; set `ref_date`, push `for_each` items and
//!   `deadline` on `bindings` in the order of [`Names::bindings`]. Store each fact's value with
//!   [`Ctx::set_fact`] right after evaluating it: the reads then in `ctx.reads` become the fact's
//!   reads, which a later `@fact` appends to the reads of the expression reading it.
//! - [`Compiled::eval`] borrows the compiled expression for the context's lifetime, so constants
//!   and parameters are read without copying.
//! - A [`Read`] keeps a [`Path`] and the node read (none for an absent field); turn the ones you
//!   keep into evidence with [`Read::evidence`]. Reads are not deduplicated.
//! - Values print for messages with `Display` (dates `YYYY-MM-DD`, numbers without needless
//!   decimals, unknown `?`, null `–`).
//! - [`parse_for_each`] parses the `NAME in LIST` of `for_each`.

pub mod ast;
mod compile;
pub mod error;
mod eval;
mod lexer;
mod parser;
pub mod types;
mod value;

pub use ast::Expr;
pub use compile::{Binding, Compiled, Constants, ListStart, Names, Quantified, compile};
pub use error::{SyntaxError, TypeError};
pub use eval::{Ctx, CtxBuffers, Nothing, Reads, Record, Trace, TraceStep, equal};
pub use types::{ObjType, Type};
pub use value::{Dur, ListVal, Path, Read, Scalar, Val, Within};

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};

/// The longest expression accepted, in bytes.
pub const MAX_LEN: usize = 16 * 1024;
/// The deepest nesting accepted (parentheses, operators, calls). Chains of `and`, `or` and `??`
/// count as one level however long they are.
pub const MAX_DEPTH: usize = 64;

/// Parse one expression. `file` is the rule file, `offset` the byte offset in `file` where `text`
/// starts (so diagnostics point into the TOML file at the right line and column), `text` the
/// expression. Every lexical problem is reported, and the first syntax error.
pub fn parse(file: &SourceFile, offset: usize, text: &str) -> Result<Expr, Diagnostics> {
    let root = run(file, offset, text, parser::parse)?;
    Ok(Expr {
        root,
        text: text.into(),
        offset,
    })
}

/// Parse `NAME in EXPR`, the form of `for_each`: the bound name, its span and the list expression.
pub fn parse_for_each(
    file: &SourceFile,
    offset: usize,
    text: &str,
) -> Result<(String, Span, Expr), Diagnostics> {
    let (name, span, root) = run(file, offset, text, parser::parse_binding)?;
    let expr = Expr {
        root,
        text: text.into(),
        offset,
    };
    Ok((name, span, expr))
}

fn run<T>(
    file: &SourceFile,
    offset: usize,
    text: &str,
    parse: impl FnOnce(Vec<lexer::Token>) -> Result<T, (SyntaxError, Span)>,
) -> Result<T, Diagnostics> {
    if text.len() > MAX_LEN {
        let e = SyntaxError::TooLong {
            len: text.len(),
            max: MAX_LEN,
        };
        return Err(Diagnostic::at(&e, file, Span::new(offset, offset)).into());
    }
    let (tokens, errors) = lexer::lex(text, offset);
    let mut diags = Diagnostics::new();
    for (e, span) in &errors {
        diags.push(Diagnostic::at(e, file, *span));
    }
    // The parser runs even after lexical problems: most were repaired (`&&` read as `and`), so
    // it can still find a real syntax error elsewhere. A dropped character or a string running
    // to the end leaves a token stream the parser would only misread.
    let faithful = !errors.iter().any(|(e, _)| {
        matches!(
            e,
            SyntaxError::UnexpectedChar(_) | SyntaxError::UnterminatedString
        )
    });
    match parse(tokens) {
        Ok(value) => diags.into_result(value),
        Err((e, span)) => {
            if faithful && !errors.iter().any(|(_, s)| *s == span) {
                diags.push(Diagnostic::at(&e, file, span));
            }
            Err(diags)
        }
    }
}

#[cfg(test)]
mod oracle;
#[cfg(test)]
mod tests;
