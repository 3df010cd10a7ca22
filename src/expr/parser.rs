//! The parser: tokens → [`ast::Node`](super::ast::Node), by recursive descent.
//!
//! Precedence, loosest first: `??`, `or`, `and`, `not`, comparison and `in`/`not in` (not
//! chainable), `+ -`, `* /`, unary `-`, then postfix `.field`, `[index]` and duration units.
//! Recursion is bounded twice: by the number of nested sub-expressions being parsed, and by the
//! height of the tree built, so neither deep parentheses nor long operator chains can overflow
//! the stack here or in the later passes that walk the tree.
//!
//! The parser stops at its first error: after a syntax error, later "errors" are mostly echoes.
//! The lexer has already reported every lexical problem.

use super::MAX_DEPTH;
use super::ast::{BinOp, Kind, Node, QuantKind, Unit};
use super::error::SyntaxError;
use super::lexer::{Tok, Token};
use crate::source::Span;

type R<T> = Result<T, (SyntaxError, Span)>;

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "true", "false", "null", "today", "ref_date", "catalog", "present",
    "len", "any", "all", "count", "filter", "first", "min", "max", "sum",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Parse a whole expression from its tokens (which end with `Eof`).
pub fn parse(tokens: Vec<Token>) -> R<Node> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    if p.at_eof() {
        return Err((SyntaxError::Empty, p.span()));
    }
    let node = p.expr()?;
    if !p.at_eof() {
        let found = p.peek().describe();
        return Err((SyntaxError::Trailing { found }, p.span()));
    }
    Ok(node)
}

/// Parse `NAME in EXPR` (the `for_each` form): the name, its span and the list expression.
pub fn parse_binding(tokens: Vec<Token>) -> R<(String, Span, Node)> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    if p.at_eof() {
        return Err((SyntaxError::Empty, p.span()));
    }
    let (name, span) = p.binder()?;
    p.expect_kw("in", "`in`")?;
    let list = p.expr()?;
    if !p.at_eof() {
        let found = p.peek().describe();
        return Err((SyntaxError::Trailing { found }, p.span()));
    }
    Ok((name, span, list))
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        self.toks
            .get(self.pos + ahead)
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn span(&self) -> Span {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.span)
            .unwrap_or_default()
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    fn bump(&mut self) -> Span {
        let s = self.span();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        s
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w == kw)
    }

    fn eat(&mut self, tok: &Tok) -> Option<Span> {
        if self.peek() == tok {
            Some(self.bump())
        } else {
            None
        }
    }

    fn expected<T>(&self, expected: &'static str) -> R<T> {
        Err((
            SyntaxError::Expected {
                expected,
                found: self.peek().describe(),
            },
            self.span(),
        ))
    }

    fn expect(&mut self, tok: &Tok, expected: &'static str) -> R<Span> {
        match self.eat(tok) {
            Some(s) => Ok(s),
            None => self.expected(expected),
        }
    }

    fn expect_kw(&mut self, kw: &str, expected: &'static str) -> R<Span> {
        if self.is_kw(kw) {
            Ok(self.bump())
        } else {
            self.expected(expected)
        }
    }

    /// A closing bracket; at the end of the text, the error points at the opening one.
    fn close(&mut self, tok: &Tok, open: char, open_span: Span, expected: &'static str) -> R<Span> {
        if let Some(s) = self.eat(tok) {
            return Ok(s);
        }
        if self.at_eof() {
            return Err((SyntaxError::Unclosed(open), open_span));
        }
        self.expected(expected)
    }

    fn node(&self, kind: Kind, span: Span) -> R<Node> {
        let node = Node::new(kind, span);
        if usize::from(node.height) > MAX_DEPTH {
            return Err((SyntaxError::TooDeep { max: MAX_DEPTH }, span));
        }
        Ok(node)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((SyntaxError::TooDeep { max: MAX_DEPTH }, self.span()));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A full expression (the loosest level), as inside parentheses or arguments.
    fn expr(&mut self) -> R<Node> {
        self.enter()?;
        let r = self.coalesce();
        self.leave();
        r
    }

    fn coalesce(&mut self) -> R<Node> {
        let first = self.or()?;
        if !matches!(self.peek(), Tok::Coalesce) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Tok::Coalesce).is_some() {
            items.push(self.or()?);
        }
        let span = span_of(&items);
        self.node(Kind::Coalesce(items), span)
    }

    fn or(&mut self) -> R<Node> {
        let first = self.and()?;
        if !self.is_kw("or") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.is_kw("or") {
            self.bump();
            items.push(self.and()?);
        }
        let span = span_of(&items);
        self.node(Kind::Or(items), span)
    }

    fn and(&mut self) -> R<Node> {
        let first = self.not()?;
        if !self.is_kw("and") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.is_kw("and") {
            self.bump();
            items.push(self.not()?);
        }
        let span = span_of(&items);
        self.node(Kind::And(items), span)
    }

    fn not(&mut self) -> R<Node> {
        // `not in` is an operator of the comparison level, never a prefix.
        if self.is_kw("not") && !matches!(self.peek_at(1), Tok::Ident(w) if w == "in") {
            let start = self.bump();
            self.enter()?;
            let inner = self.not();
            self.leave();
            let inner = inner?;
            let span = join(start, inner.span);
            return self.node(Kind::Not(Box::new(inner)), span);
        }
        self.comparison()
    }

    fn comparison_op(&self) -> Option<(BinOp, usize)> {
        Some(match self.peek() {
            Tok::EqEq => (BinOp::Eq, 1),
            Tok::Ne => (BinOp::Ne, 1),
            Tok::Lt => (BinOp::Lt, 1),
            Tok::Le => (BinOp::Le, 1),
            Tok::Gt => (BinOp::Gt, 1),
            Tok::Ge => (BinOp::Ge, 1),
            Tok::Ident(w) if w == "in" => (BinOp::In, 1),
            Tok::Ident(w)
                if w == "not" && matches!(self.peek_at(1), Tok::Ident(v) if v == "in") =>
            {
                (BinOp::NotIn, 2)
            }
            _ => return None,
        })
    }

    fn comparison(&mut self) -> R<Node> {
        let lhs = self.additive()?;
        let Some((op, n)) = self.comparison_op() else {
            return Ok(lhs);
        };
        for _ in 0..n {
            self.bump();
        }
        let rhs = self.additive()?;
        if self.comparison_op().is_some() {
            return Err((SyntaxError::ChainedComparison, self.span()));
        }
        let span = join(lhs.span, rhs.span);
        self.node(
            Kind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span,
        )
    }

    fn additive(&mut self) -> R<Node> {
        let mut lhs = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.multiplicative()?;
            let span = join(lhs.span, rhs.span);
            lhs = self.node(
                Kind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            )?;
        }
    }

    fn multiplicative(&mut self) -> R<Node> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.unary()?;
            let span = join(lhs.span, rhs.span);
            lhs = self.node(
                Kind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            )?;
        }
    }

    fn unary(&mut self) -> R<Node> {
        if matches!(self.peek(), Tok::Minus) {
            let start = self.bump();
            self.enter()?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            let span = join(start, inner.span);
            return self.node(Kind::Neg(Box::new(inner)), span);
        }
        self.postfix()
    }

    fn postfix(&mut self) -> R<Node> {
        let (mut node, may_take_unit) = self.primary()?;
        if may_take_unit
            && let Tok::Ident(w) = self.peek()
            && let Some(unit) = Unit::parse(w)
        {
            if let Kind::Number(n) = node.kind
                && n.fract() != 0.0
            {
                let text = format!("{n}");
                return Err((SyntaxError::FractionalDuration(text), node.span));
            }
            let unit_span = self.bump();
            let span = join(node.span, unit_span);
            return self.node(
                Kind::Duration {
                    amount: Box::new(node),
                    unit,
                },
                span,
            );
        }
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    let (name, name_span) = match self.peek().clone() {
                        Tok::Ident(w) => (w, self.bump()),
                        _ => return self.expected("a field name after `.`"),
                    };
                    let span = join(node.span, name_span);
                    node = self.node(
                        Kind::Field {
                            base: Box::new(node),
                            name,
                            name_span,
                        },
                        span,
                    )?;
                }
                Tok::LBracket => {
                    let open = self.bump();
                    let index = self.expr()?;
                    let close = self.close(&Tok::RBracket, '[', open, "`]`")?;
                    let span = join(node.span, close);
                    node = self.node(
                        Kind::Index {
                            base: Box::new(node),
                            index: Box::new(index),
                        },
                        span,
                    )?;
                }
                Tok::Ident(w) if Unit::parse(w).is_some() => {
                    return Err((
                        SyntaxError::UnitWithoutAmount { unit: w.clone() },
                        self.span(),
                    ));
                }
                _ => return Ok(node),
            }
        }
    }

    /// A primary expression, and whether a duration unit may follow it.
    fn primary(&mut self) -> R<(Node, bool)> {
        let span = self.span();
        let tok = self.peek().clone();
        let simple = |kind| (Node::new(kind, span), false);
        match tok {
            Tok::Number(n) => {
                self.bump();
                Ok((Node::new(Kind::Number(n), span), true))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(simple(Kind::Str(s)))
            }
            Tok::Date(d) => {
                self.bump();
                Ok(simple(Kind::Date(d)))
            }
            Tok::Fact(id) => {
                self.bump();
                Ok((Node::new(Kind::Fact(id), span), true))
            }
            Tok::Param(id) => {
                self.bump();
                Ok((Node::new(Kind::Param(id), span), true))
            }
            Tok::LParen => {
                let open = self.bump();
                let mut inner = self.expr()?;
                let close = self.close(&Tok::RParen, '(', open, "`)` or an operator")?;
                // The parentheses belong to the sub-expression, so traces show them.
                inner.span = join(open, close);
                Ok((inner, true))
            }
            Tok::LBracket => {
                let open = self.bump();
                let mut items = Vec::new();
                loop {
                    if matches!(self.peek(), Tok::RBracket) {
                        break;
                    }
                    items.push(self.expr()?);
                    if self.eat(&Tok::Comma).is_none() {
                        break;
                    }
                }
                let close = self.close(&Tok::RBracket, '[', open, "`,` or `]`")?;
                Ok((self.node(Kind::List(items), join(open, close))?, false))
            }
            Tok::Ident(word) => self.word(&word, span),
            _ => self.expected("an expression"),
        }
    }

    fn word(&mut self, word: &str, span: Span) -> R<(Node, bool)> {
        let leaf = |kind| Ok((Node::new(kind, span), false));
        match word {
            "true" => {
                self.bump();
                leaf(Kind::Bool(true))
            }
            "false" => {
                self.bump();
                leaf(Kind::Bool(false))
            }
            "null" => {
                self.bump();
                leaf(Kind::Null)
            }
            "today" => {
                self.bump();
                leaf(Kind::Today)
            }
            "ref_date" => {
                self.bump();
                leaf(Kind::RefDate)
            }
            "catalog" => {
                self.bump();
                self.expect(&Tok::Dot, "`.` and a table name after `catalog`")?;
                match self.peek().clone() {
                    Tok::Ident(table) => {
                        let end = self.bump();
                        Ok((Node::new(Kind::Catalog { table }, join(span, end)), false))
                    }
                    _ => self.expected("a catalog table name"),
                }
            }
            "present" | "len" => {
                self.bump();
                let open = self.expect(&Tok::LParen, "`(`")?;
                let arg = self.expr()?;
                let close = self.close(&Tok::RParen, '(', open, "`)`")?;
                let arg = Box::new(arg);
                let kind = if word == "present" {
                    Kind::Present(arg)
                } else {
                    Kind::Len(arg)
                };
                Ok((self.node(kind, join(span, close))?, false))
            }
            "any" | "all" | "count" | "filter" | "first" | "sum" | "min" | "max" => {
                self.bump();
                let open = self.expect(&Tok::LParen, "`(`")?;
                let quantifier = matches!(self.peek(), Tok::Ident(w) if !is_keyword(w))
                    && matches!(self.peek_at(1), Tok::Ident(w) if w == "in");
                let kind = match word {
                    "any" => QuantKind::Any,
                    "all" => QuantKind::All,
                    "count" => QuantKind::Count,
                    "filter" => QuantKind::Filter,
                    "first" => QuantKind::First,
                    "sum" => QuantKind::Sum,
                    "min" => QuantKind::Min,
                    _ => QuantKind::Max,
                };
                if !quantifier && matches!(kind, QuantKind::Min | QuantKind::Max) {
                    let mut args = Vec::new();
                    loop {
                        args.push(self.expr()?);
                        if self.eat(&Tok::Comma).is_none() {
                            break;
                        }
                    }
                    let close = self.close(&Tok::RParen, '(', open, "`,` or `)`")?;
                    let kind = Kind::Extreme {
                        max: kind == QuantKind::Max,
                        args,
                    };
                    return Ok((self.node(kind, join(span, close))?, false));
                }
                let (var, var_span) = self.binder()?;
                self.expect_kw("in", "`in` after the item name")?;
                let list = self.expr()?;
                self.expect(&Tok::Colon, "`:` between the list and the condition")?;
                let body = self.expr()?;
                let close = self.close(&Tok::RParen, '(', open, "`)`")?;
                let kind = Kind::Quant {
                    kind,
                    var,
                    var_span,
                    list: Box::new(list),
                    body: Box::new(body),
                };
                Ok((self.node(kind, join(span, close))?, false))
            }
            w if is_keyword(w) => self.expected("an expression"),
            _ => {
                self.bump();
                leaf(Kind::Name(word.to_string()))
            }
        }
    }

    /// The name bound by a quantifier or `for_each`.
    fn binder(&mut self) -> R<(String, Span)> {
        match self.peek().clone() {
            Tok::Ident(w) if !is_keyword(&w) => Ok((w, self.bump())),
            _ => self.expected("a name for the item"),
        }
    }
}

fn span_of(items: &[Node]) -> Span {
    match (items.first(), items.last()) {
        (Some(a), Some(b)) => join(a.span, b.span),
        _ => Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn p(text: &str) -> R<Node> {
        let (toks, errs) = lex(text, 0);
        assert!(errs.is_empty(), "{errs:?}");
        parse(toks)
    }

    /// A compact rendering of the tree, to check precedence.
    fn show(n: &Node) -> String {
        match &n.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Number(x) => x.to_string(),
            Kind::Str(s) => format!("'{s}'"),
            Kind::Date(d) => d.to_string(),
            Kind::List(items) => format!(
                "[{}]",
                items.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            Kind::Duration { amount, unit } => format!("({} {unit:?})", show(amount)),
            Kind::Name(s) => s.clone(),
            Kind::Today => "today".into(),
            Kind::RefDate => "ref_date".into(),
            Kind::Catalog { table } => format!("catalog.{table}"),
            Kind::Fact(f) => format!("@{f}"),
            Kind::Param(p) => format!("${p}"),
            Kind::Field { base, name, .. } => format!("{}.{name}", show(base)),
            Kind::Index { base, index } => format!("{}[{}]", show(base), show(index)),
            Kind::Not(a) => format!("(not {})", show(a)),
            Kind::Neg(a) => format!("(-{})", show(a)),
            Kind::And(v) => format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" and ")),
            Kind::Or(v) => format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" or ")),
            Kind::Coalesce(v) => {
                format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" ?? "))
            }
            Kind::Binary { op, lhs, rhs } => {
                format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
            }
            Kind::Present(a) => format!("present({})", show(a)),
            Kind::Len(a) => format!("len({})", show(a)),
            Kind::Quant {
                kind,
                var,
                list,
                body,
                ..
            } => {
                format!("{}({var} in {}: {})", kind.name(), show(list), show(body))
            }
            Kind::Extreme { max, args } => format!(
                "{}({})",
                if *max { "max" } else { "min" },
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    fn ok(text: &str) -> String {
        match p(text) {
            Ok(n) => show(&n),
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    fn err(text: &str) -> (SyntaxError, Span) {
        match p(text) {
            Ok(n) => panic!("{text} parsed as {}", show(&n)),
            Err(e) => e,
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(
            ok("a ?? b or c and not d == 1 + 2 * -3"),
            "(a ?? (b or (c and (not (d == (1 + (2 * (-3))))))))"
        );
        assert_eq!(ok("a - b - c"), "((a - b) - c)");
        assert_eq!(
            ok("x not in [1, 2] and y in z"),
            "((x not in [1, 2]) and (y in z))"
        );
        assert_eq!(ok("not a in b"), "(not (a in b))");
        assert_eq!(ok("d + 3 months - $p days"), "((d + (3 Month)) - ($p Day))");
        assert_eq!(ok("-(x) days"), "(-(x Day))");
        assert_eq!(ok("@f-x - 1 day"), "(@f-x - (1 Day))");
    }

    #[test]
    fn postfix_and_calls() {
        assert_eq!(ok("catalog.measures[m].joint"), "catalog.measures[m].joint");
        assert_eq!(ok("items[0].name"), "items[0].name");
        assert_eq!(ok("any(b in items: b.n > 0)"), "any(b in items: (b.n > 0))");
        assert_eq!(ok("min(a, b, 3)"), "min(a, b, 3)");
        assert_eq!(ok("max(m in ms: m.planned)"), "max(m in ms: m.planned)");
        assert_eq!(ok("present(funding.scheme)"), "present(funding.scheme)");
        assert_eq!(ok("[]"), "[]");
        assert_eq!(ok("2026-01-31 + 1 month"), "(2026-01-31 + (1 Month))");
    }

    #[test]
    fn flattened_chains_stay_shallow() {
        let long = vec!["a"; 500].join(" or ");
        let n = p(&long).expect("parses");
        assert_eq!(n.height, 2);
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            err("(a or b"),
            (SyntaxError::Unclosed('('), Span::new(0, 1))
        );
        assert_eq!(err("a < b < c").0, SyntaxError::ChainedComparison);
        assert_eq!(err("a b").1, Span::new(2, 3));
        assert!(matches!(
            err("x days").0,
            SyntaxError::UnitWithoutAmount { .. }
        ));
        assert!(matches!(
            err("1.5 days").0,
            SyntaxError::FractionalDuration(_)
        ));
        assert!(matches!(
            err("any(b items: x)").0,
            SyntaxError::Expected { .. }
        ));
        assert!(matches!(err("a and").0, SyntaxError::Expected { .. }));
        assert_eq!(err("").0, SyntaxError::Empty);
    }

    #[test]
    fn depth_is_limited() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(matches!(err(&deep).0, SyntaxError::TooDeep { .. }));
        let nots = format!("{}a", "not ".repeat(10_000));
        assert!(matches!(err(&nots).0, SyntaxError::TooDeep { .. }));
        let sum = vec!["1"; 1000].join(" + ");
        assert!(matches!(err(&sum).0, SyntaxError::TooDeep { .. }));
        let ok_depth = format!("{}a{}", "(".repeat(30), ")".repeat(30));
        assert!(p(&ok_depth).is_ok());
    }
}
