//! The simplest expressions, recognised when they compile: a value read (`ticket.id`) or a
//! value compared with a literal (`ticket.fields.score > 100`, `ticket.priority == 'urgent'`).
//!
//! A host that can find the value at a path answers these without building a zen context.
//! It answers only when the value it finds has the literal's type (a number against a number,
//! text against text); anything else — a missing value, a list, a number against text — goes
//! to zen, so the answer is always zen's (a property test in the flow engine holds the two to
//! that).

use crate::predicate::Cmp;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A read or a comparison with a literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Simple {
    /// `a.b.c`: the value at the path.
    Read(Vec<String>),
    /// `a.b <op> literal`. Text compares only with `==` and `!=`.
    Compare {
        path: Vec<String>,
        op: Cmp,
        literal: Literal,
    },
}

/// A literal of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Number(Decimal),
    Text(String),
}

/// What a host found at a path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Found<'a> {
    Number(Decimal),
    Text(&'a str),
}

impl Simple {
    /// Recognises `source`, or `None` when it is anything else.
    pub(crate) fn parse(source: &str) -> Option<Self> {
        let source = source.trim();
        let path_end = source
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(source.len());
        let path = path(source.get(..path_end)?)?;
        let rest = source.get(path_end..)?.trim_start();
        if rest.is_empty() {
            return Some(Self::Read(path));
        }
        let (op, width) = match rest.as_bytes() {
            [b'=', b'=', ..] => (Cmp::Eq, 2),
            [b'!', b'=', ..] => (Cmp::Ne, 2),
            [b'<', b'=', ..] => (Cmp::Le, 2),
            [b'>', b'=', ..] => (Cmp::Ge, 2),
            [b'<', ..] => (Cmp::Lt, 1),
            [b'>', ..] => (Cmp::Gt, 1),
            _ => return None,
        };
        let literal = rest.get(width..)?.trim();
        let literal = match literal.as_bytes() {
            [q @ (b'\'' | b'"'), inner @ .., last] if last == q => {
                let text = std::str::from_utf8(inner).ok()?;
                if text.contains(['\\', '\'', '"']) || !matches!(op, Cmp::Eq | Cmp::Ne) {
                    return None;
                }
                Literal::Text(text.to_owned())
            }
            [b'0'..=b'9', ..] if literal.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
                Literal::Number(Decimal::from_str(literal).ok()?)
            }
            _ => return None,
        };
        Some(Self::Compare { path, op, literal })
    }

    /// The path the expression reads.
    pub(crate) fn path(&self) -> &[String] {
        match self {
            Self::Read(path) | Self::Compare { path, .. } => path,
        }
    }

    /// A comparison's answer for the value found at its path, or `None` when the value's
    /// type is not the literal's (zen decides then).
    pub(crate) fn holds(&self, found: Found<'_>) -> Option<bool> {
        let Self::Compare { op, literal, .. } = self else {
            return None;
        };
        match (literal, found) {
            (Literal::Number(want), Found::Number(n)) => Some(op.holds(n, *want)),
            (Literal::Text(want), Found::Text(text)) => match op {
                Cmp::Eq => Some(text == want),
                Cmp::Ne => Some(text != want),
                _ => None,
            },
            _ => None,
        }
    }
}

/// `a.b.c` with plain names (no keywords, no leading digits), else `None`.
fn path(text: &str) -> Option<Vec<String>> {
    const KEYWORDS: [&str; 7] = ["and", "or", "not", "in", "true", "false", "null"];
    let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
    let plain = |s: &String| {
        s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && !KEYWORDS.contains(&s.as_str())
    };
    segments.iter().all(plain).then_some(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_comparisons_are_recognised_and_the_rest_is_not() {
        let read = |s: &str| Simple::parse(s);
        assert_eq!(
            read(" ticket.id "),
            Some(Simple::Read(vec!["ticket".into(), "id".into()]))
        );
        assert_eq!(
            read("ticket.fields.score > 100"),
            Some(Simple::Compare {
                path: vec!["ticket".into(), "fields".into(), "score".into()],
                op: Cmp::Gt,
                literal: Literal::Number(Decimal::from(100)),
            })
        );
        assert!(matches!(
            read("ticket.priority == 'urgent'"),
            Some(Simple::Compare {
                op: Cmp::Eq,
                literal: Literal::Text(_),
                ..
            })
        ));
        for other in [
            "ticket.fields.amount * 2",
            "ticket.title < 'b'",
            "a == 'x' and b == 'y'",
            "ticket.tags[0] == 'x'",
            "len(ticket.title) > 2",
            "ticket.x == 'it''s'",
            "ticket.x == -1",
            "true",
            "ticket..x",
            "1 == ticket.x",
        ] {
            assert_eq!(read(other), None, "{other}");
        }
    }

    #[test]
    fn only_matching_types_get_an_answer() {
        let gt = Simple::parse("a.b > 100").unwrap();
        assert_eq!(gt.holds(Found::Number(Decimal::from(101))), Some(true));
        assert_eq!(gt.holds(Found::Number(Decimal::from(100))), Some(false));
        assert_eq!(gt.holds(Found::Text("150")), None);
        let eq = Simple::parse("a.b != 'x'").unwrap();
        assert_eq!(eq.holds(Found::Text("y")), Some(true));
        assert_eq!(eq.holds(Found::Number(Decimal::ONE)), None);
        assert_eq!(Simple::parse("a.b").unwrap().holds(Found::Text("y")), None);
    }
}
