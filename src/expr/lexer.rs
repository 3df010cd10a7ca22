//! The lexer: expression text → tokens with spans in the rule file.
//!
//! It never stops at a bad character. Every lexical problem is collected, and a foreign operator
//! (`=`, `&&`, `||`, `!`) is reported and replaced by the operator it stands for, so the parser can
//! go on and find the next real problem instead of a cascade.

use super::error::{SyntaxError, echo};
use crate::source::Span;
use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier or keyword; keywords are told apart by the parser.
    Ident(String),
    Number(f64),
    Str(String),
    Date(Date),
    Fact(String),
    Param(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Colon,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Coalesce,
    Eof,
}

impl Tok {
    /// How the token is named in "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{}`", echo(s)),
            Tok::Number(n) => format!("`{}`", echo(&n.to_string())),
            Tok::Str(s) => format!("`'{}'`", echo(s)),
            Tok::Date(d) => format!("`{d}`"),
            Tok::Fact(id) => format!("`@{}`", echo(id)),
            Tok::Param(id) => format!("`${}`", echo(id)),
            Tok::Eof => "the end of the expression".into(),
            other => format!("`{}`", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Colon => ":",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Coalesce => "??",
            _ => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// In rule-file coordinates.
    pub span: Span,
}

/// Tokens (always ending with `Eof`) and every lexical problem found.
pub fn lex(text: &str, offset: usize) -> (Vec<Token>, Vec<(SyntaxError, Span)>) {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        offset,
        toks: Vec::new(),
        errors: Vec::new(),
    };
    lx.run();
    (lx.toks, lx.errors)
}

struct Lexer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    offset: usize,
    toks: Vec<Token>,
    errors: Vec<(SyntaxError, Span)>,
}

impl Lexer<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.offset + start, self.offset + end)
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        let span = self.span(start, self.pos);
        self.toks.push(Token { tok, span });
    }

    fn error(&mut self, e: SyntaxError, start: usize, end: usize) {
        let span = self.span(start, end);
        self.errors.push((e, span));
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let c = self.peek(0);
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'0'..=b'9' => self.number_or_date(),
                b'\'' | b'"' => self.string(),
                b'@' => self.sigil(true),
                b'$' => self.sigil(false),
                b'(' => self.single(Tok::LParen),
                b')' => self.single(Tok::RParen),
                b'[' => self.single(Tok::LBracket),
                b']' => self.single(Tok::RBracket),
                b',' => self.single(Tok::Comma),
                b'.' => self.single(Tok::Dot),
                b':' => self.single(Tok::Colon),
                b'+' => self.single(Tok::Plus),
                b'-' => self.single(Tok::Minus),
                b'*' => self.single(Tok::Star),
                b'/' => self.single(Tok::Slash),
                b'=' if self.peek(1) == b'=' => self.double(Tok::EqEq),
                b'=' => self.foreign("=", 1, Tok::EqEq),
                b'!' if self.peek(1) == b'=' => self.double(Tok::Ne),
                b'!' => self.foreign("!", 1, Tok::Ident("not".into())),
                b'<' if self.peek(1) == b'=' => self.double(Tok::Le),
                b'<' if self.peek(1) == b'>' => self.foreign("<>", 2, Tok::Ne),
                b'<' => self.single(Tok::Lt),
                b'>' if self.peek(1) == b'=' => self.double(Tok::Ge),
                b'>' => self.single(Tok::Gt),
                b'?' if self.peek(1) == b'?' => self.double(Tok::Coalesce),
                b'&' if self.peek(1) == b'&' => self.foreign("&&", 2, Tok::Ident("and".into())),
                b'&' => self.foreign("&", 1, Tok::Ident("and".into())),
                b'|' if self.peek(1) == b'|' => self.foreign("||", 2, Tok::Ident("or".into())),
                b'|' => self.foreign("|", 1, Tok::Ident("or".into())),
                _ => {
                    let ch = self.text.get(start..).and_then(|s| s.chars().next());
                    match ch {
                        Some(ch) if ch.is_alphabetic() || ch == '_' => self.ident(),
                        Some(ch) => {
                            self.pos += ch.len_utf8();
                            self.error(SyntaxError::UnexpectedChar(ch), start, self.pos);
                        }
                        None => self.pos = self.bytes.len(),
                    }
                }
            }
        }
        let end = self.bytes.len();
        self.toks.push(Token {
            tok: Tok::Eof,
            span: self.span(end, end),
        });
    }

    fn single(&mut self, tok: Tok) {
        let start = self.pos;
        self.pos += 1;
        self.push(tok, start);
    }

    fn double(&mut self, tok: Tok) {
        let start = self.pos;
        self.pos += 2;
        self.push(tok, start);
    }

    /// An operator from another language: report it, and read it as the one it stands for.
    fn foreign(&mut self, op: &'static str, len: usize, stands_for: Tok) {
        let start = self.pos;
        self.pos += len;
        self.error(SyntaxError::ForeignOperator(op), start, self.pos);
        self.push(stands_for, start);
    }

    fn ident(&mut self) {
        let start = self.pos;
        let rest = self.text.get(start..).unwrap_or("");
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        self.pos += len.max(1);
        let word = self.text.get(start..self.pos).unwrap_or("").to_string();
        self.push(Tok::Ident(word), start);
    }

    fn digits(&self, at: usize) -> usize {
        self.bytes
            .get(at..)
            .map(|b| b.iter().take_while(|c| c.is_ascii_digit()).count())
            .unwrap_or(0)
    }

    fn number_or_date(&mut self) {
        let start = self.pos;
        let year = self.digits(start);
        // `2026-03-01`, and also the malformed `2026-3-1`, are dates: never silently arithmetic.
        if year == 4 && self.bytes.get(start + 4) == Some(&b'-') {
            let month = self.digits(start + 5);
            if (1..=2).contains(&month) && self.bytes.get(start + 5 + month) == Some(&b'-') {
                let day = self.digits(start + 6 + month);
                if (1..=2).contains(&day) {
                    let end = start + 6 + month + day;
                    self.pos = end;
                    self.date(start, end, month == 2 && day == 2);
                    return;
                }
            }
        }
        let mut end = start;
        let mut bad = false;
        let mut seen_dot = false;
        loop {
            match self.bytes.get(end) {
                Some(b'0'..=b'9') => end += 1,
                Some(b'_') => {
                    // Separators only between digits.
                    if !self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
                        bad = true;
                    }
                    end += 1;
                }
                Some(b'.')
                    if !seen_dot && self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit) =>
                {
                    seen_dot = true;
                    end += 1;
                }
                _ => break,
            }
        }
        self.pos = end;
        let raw = self.text.get(start..end).unwrap_or("");
        let cleaned: String = raw.chars().filter(|c| *c != '_').collect();
        match cleaned.parse::<f64>() {
            Ok(n) if !bad && n.is_finite() => self.push(Tok::Number(n), start),
            _ => {
                self.error(SyntaxError::BadNumber(raw.to_string()), start, end);
                self.push(Tok::Number(0.0), start);
            }
        }
    }

    fn date(&mut self, start: usize, end: usize, well_formed: bool) {
        let raw = self.text.get(start..end).unwrap_or("").to_string();
        let parsed = if well_formed {
            date_of(&raw)
        } else {
            Err("month and day take two digits".to_string())
        };
        match parsed {
            Ok(d) => self.push(Tok::Date(d), start),
            Err(reason) => {
                self.error(SyntaxError::BadDate { text: raw, reason }, start, end);
                self.push(Tok::Ident("null".into()), start);
            }
        }
    }

    fn string(&mut self) {
        let start = self.pos;
        let quote = self.peek(0);
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.pos..).unwrap_or("");
            let mut chars = rest.chars();
            match chars.next() {
                None => {
                    self.error(SyntaxError::UnterminatedString, start, self.pos);
                    break;
                }
                Some(c) if c as u32 == quote as u32 => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    let esc_start = self.pos;
                    match chars.next() {
                        Some(e) => {
                            self.pos += 1 + e.len_utf8();
                            match e {
                                '\\' => out.push('\\'),
                                '\'' => out.push('\''),
                                '"' => out.push('"'),
                                'n' => out.push('\n'),
                                't' => out.push('\t'),
                                other => {
                                    self.error(SyntaxError::BadEscape(other), esc_start, self.pos);
                                    out.push(other);
                                }
                            }
                        }
                        None => {
                            self.pos += 1;
                        }
                    }
                }
                Some(c) => {
                    self.pos += c.len_utf8();
                    out.push(c);
                }
            }
        }
        self.push(Tok::Str(out), start);
    }

    /// `@fact-id` or `$param_id`.
    fn sigil(&mut self, fact: bool) {
        let start = self.pos;
        self.pos += 1;
        let len = self
            .bytes
            .get(self.pos..)
            .map(|b| {
                b.iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b'_')
                    .count()
            })
            .unwrap_or(0);
        self.pos += len;
        let id = self.text.get(start + 1..self.pos).unwrap_or("").to_string();
        if id.is_empty() {
            let e = if fact {
                SyntaxError::EmptyFact
            } else {
                SyntaxError::EmptyParam
            };
            self.error(e, start, self.pos.max(start + 1));
        } else if fact
            && !id
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        {
            self.error(SyntaxError::BadFactId(id.clone()), start, self.pos);
        }
        self.push(if fact { Tok::Fact(id) } else { Tok::Param(id) }, start);
    }
}

/// A `YYYY-MM-DD` date that exists, or why not, in words.
fn date_of(raw: &str) -> Result<Date, String> {
    let num = |r: std::ops::Range<usize>| raw.get(r).and_then(|s| s.parse::<i16>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err("not a date".into());
    };
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m}"));
    }
    let first = Date::new(y, m as i8, 1).map_err(|_| format!("the year {y} is out of range"))?;
    let days = first.days_in_month();
    if d < 1 || d > i16::from(days) {
        return Err(format!("{y}-{m:02} has {days} days"));
    }
    Date::new(y, m as i8, d as i8).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        let (t, e) = lex(text, 0);
        assert!(e.is_empty(), "{e:?}");
        t.into_iter().map(|t| t.tok).collect()
    }

    fn errors(text: &str) -> Vec<SyntaxError> {
        lex(text, 0).1.into_iter().map(|(e, _)| e).collect()
    }

    #[test]
    fn reads_dates_numbers_and_sigils() {
        assert_eq!(
            toks("2026-03-01 - 3 + 1_000.5 @first-date $grace_days"),
            vec![
                Tok::Date(jiff::civil::date(2026, 3, 1)),
                Tok::Minus,
                Tok::Number(3.0),
                Tok::Plus,
                Tok::Number(1000.5),
                Tok::Fact("first-date".into()),
                Tok::Param("grace_days".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn reads_strings_with_escapes() {
        assert_eq!(
            toks(r#"'it\'s' "a\\b""#),
            vec![Tok::Str("it's".into()), Tok::Str("a\\b".into()), Tok::Eof]
        );
    }

    #[test]
    fn rejects_dates_that_do_not_exist() {
        assert!(matches!(
            errors("2026-02-30").as_slice(),
            [SyntaxError::BadDate { .. }]
        ));
        assert!(matches!(
            errors("2026-2-3").as_slice(),
            [SyntaxError::BadDate { .. }]
        ));
    }

    #[test]
    fn foreign_operators_are_reported_and_replaced() {
        let (t, e) = lex("a = b && c", 0);
        assert_eq!(
            e.iter().map(|(e, _)| e.clone()).collect::<Vec<_>>(),
            vec![
                SyntaxError::ForeignOperator("="),
                SyntaxError::ForeignOperator("&&")
            ]
        );
        assert_eq!(t[1].tok, Tok::EqEq);
        assert_eq!(t[3].tok, Tok::Ident("and".into()));
        assert_eq!(t[3].span, Span::new(6, 8));
    }

    #[test]
    fn spans_are_offset_into_the_file() {
        let (t, _) = lex("x", 100);
        assert_eq!(t[0].span, Span::new(100, 101));
    }

    #[test]
    fn unterminated_string_and_bad_fact_id() {
        assert_eq!(errors("'abc"), vec![SyntaxError::UnterminatedString]);
        assert_eq!(
            errors("@Is-Adult"),
            vec![SyntaxError::BadFactId("Is-Adult".into())]
        );
        assert_eq!(errors("@ x"), vec![SyntaxError::EmptyFact]);
        assert_eq!(errors("a # b"), vec![SyntaxError::UnexpectedChar('#')]);
    }
}
