//! Native predicates: simple rule conditions resolved to Rust when the bundle loads.
//!
//! Pricing and settlement share them; each supplies its own slots (the values a condition may
//! read) through [`Slots`] and [`Lookup`]. Most conditions compare a context value with a literal (`tier == 'vip'`,
//! `distance_km > 3`, `in_region('beijing')`, `ticket_type in ['a', 'b']`) and join such
//! comparisons with `and` / `or`. Evaluating those through zen costs about half a microsecond
//! each; as native predicates they cost a few nanoseconds. Anything outside this small
//! grammar — or any comparison whose types zen might treat differently — stays with zen, so a
//! native predicate always gives zen's answer (a property test holds the two to that).

use rust_decimal::Decimal;
use std::fmt::Debug;
use std::str::FromStr;

/// The values a kind of condition may read, by variable path.
pub(crate) trait Slots: Copy + PartialEq + Debug {
    /// The slot a path such as `tier` or `order.channel` names. `line`: pricing's `item.*`
    /// may be read (a `lines` group); other users pass `false`.
    fn from_path(path: &str, line: bool) -> Option<Self>;
    /// Whether the slot holds a number (otherwise a string).
    fn is_number(self) -> bool;
}

/// What a native predicate reads its slots from.
pub(crate) trait Lookup {
    type Slot: Slots;
    fn text(&self, slot: Self::Slot) -> Option<&str>;
    fn number(&self, slot: Self::Slot) -> Option<Decimal>;
    /// The region and every region containing it, for `in_region`.
    fn region_path(&self) -> &[String];
}

/// A condition evaluated without zen.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pred<S> {
    All(Vec<Pred<S>>),
    Any(Vec<Pred<S>>),
    Not(Box<Pred<S>>),
    /// A string slot equals (or, negated, differs from) a literal.
    StrEq {
        slot: S,
        value: String,
        negate: bool,
    },
    /// A string slot is one of the literals.
    StrIn {
        slot: S,
        values: Vec<String>,
    },
    /// A number slot compared with a literal.
    NumCmp {
        slot: S,
        op: Cmp,
        value: Decimal,
    },
    /// The context's region path holds the literal (`in_region('bj')`, `'bj' in region_path`).
    InRegion(String),
    Const(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// `left <op> right` on numbers, as zen compares decimals.
    pub(crate) fn holds(self, left: Decimal, right: Decimal) -> bool {
        match self {
            Cmp::Eq => left == right,
            Cmp::Ne => left != right,
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Gt => left > right,
            Cmp::Ge => left >= right,
        }
    }
}

impl<S: Slots> Pred<S> {
    /// Resolves `source` to a native predicate, or `None` when zen must evaluate it.
    /// `line` says whether the condition may read `item` (a `lines` group).
    pub(crate) fn compile(source: &str, line: bool) -> Option<Self> {
        let tokens = tokenize(source)?;
        let mut parser = Parser {
            tokens: &tokens,
            pos: 0,
            line,
            slots: std::marker::PhantomData,
        };
        let pred = parser.or()?;
        (parser.pos == tokens.len()).then_some(pred)
    }

    pub(crate) fn eval<L: Lookup<Slot = S>>(&self, facts: &L) -> bool {
        match self {
            Self::All(parts) => parts.iter().all(|p| p.eval(facts)),
            Self::Any(parts) => parts.iter().any(|p| p.eval(facts)),
            Self::Not(inner) => !inner.eval(facts),
            Self::StrEq {
                slot,
                value,
                negate,
            } => (facts.text(*slot) == Some(value.as_str())) != *negate,
            Self::StrIn { slot, values } => facts
                .text(*slot)
                .is_some_and(|text| values.iter().any(|v| v == text)),
            Self::NumCmp { slot, op, value } => {
                facts.number(*slot).is_some_and(|n| op.holds(n, *value))
            }
            Self::InRegion(region) => facts.region_path().iter().any(|r| r == region),
            Self::Const(value) => *value,
        }
    }
}

/// The string literals a condition compares a variable with, as `(variable path, literal)` in
/// the order written: `tier == 'vip'`, `'vip' != tier`, `channel in ['app', 'web']`, and the
/// region of `in_region('bj')` or `'bj' in region_path` (as `region`). Read from the tokens
/// alone, so it also finds them in conditions only zen evaluates (`tier == 'vip' and
/// form.floors > 3`); empty when the text has tokens the scan does not know (best effort).
pub(crate) fn compared_literals(source: &str) -> Vec<(String, String)> {
    let Some(tokens) = tokenize(source) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let at = |i: usize| tokens.get(i);
    let eq = |t: Option<&Token>| matches!(t, Some(Token::Op(Cmp::Eq | Cmp::Ne)));
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Name(name) if name == "in_region" => {
                if let (Some(Token::Open), Some(Token::Str(region))) = (at(i + 1), at(i + 2)) {
                    found.push(("region".to_owned(), region.clone()));
                }
            }
            Token::Name(name) if eq(at(i + 1)) => {
                if let Some(Token::Str(value)) = at(i + 2) {
                    found.push((name.clone(), value.clone()));
                }
            }
            Token::Name(name) if matches!(at(i + 1), Some(Token::In)) => {
                if !matches!(at(i + 2), Some(Token::OpenList)) {
                    continue;
                }
                for item in tokens.get(i + 3..).unwrap_or_default() {
                    match item {
                        Token::Str(value) => found.push((name.clone(), value.clone())),
                        Token::Comma => {}
                        _ => break,
                    }
                }
            }
            Token::Str(value) if eq(at(i + 1)) => {
                if let Some(Token::Name(name)) = at(i + 2) {
                    found.push((name.clone(), value.clone()));
                }
            }
            Token::Str(value) if matches!(at(i + 1), Some(Token::In)) => {
                if let Some(Token::Name(name)) = at(i + 2)
                    && name.ends_with("region_path")
                {
                    found.push(("region".to_owned(), value.clone()));
                }
            }
            _ => {}
        }
    }
    found
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Num(Decimal),
    Op(Cmp),
    And,
    Or,
    Not,
    In,
    True,
    False,
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
}

fn tokenize(source: &str) -> Option<Vec<Token>> {
    let bytes = source.as_bytes();
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = byte(i);
        let two = (b, byte(i + 1));
        let token = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'\'' | b'"' => {
                let end = i + 1 + source.get(i + 1..)?.find(b as char)?;
                let text = source.get(i + 1..end)?;
                if text.contains('\\') {
                    return None;
                }
                i = end + 1;
                Token::Str(text.to_owned())
            }
            b'0'..=b'9' => {
                let start = i;
                while byte(i).is_ascii_digit() || byte(i) == b'.' {
                    i += 1;
                }
                if byte(i).is_ascii_alphabetic() || byte(i) == b'_' {
                    return None;
                }
                Token::Num(Decimal::from_str(source.get(start..i)?).ok()?)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while byte(i).is_ascii_alphanumeric() || matches!(byte(i), b'_' | b'.') {
                    i += 1;
                }
                match source.get(start..i)? {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "in" => Token::In,
                    "true" => Token::True,
                    "false" => Token::False,
                    name => Token::Name(name.to_owned()),
                }
            }
            _ => {
                let (token, width) = match two {
                    (b'=', b'=') => (Token::Op(Cmp::Eq), 2),
                    (b'!', b'=') => (Token::Op(Cmp::Ne), 2),
                    (b'<', b'=') => (Token::Op(Cmp::Le), 2),
                    (b'>', b'=') => (Token::Op(Cmp::Ge), 2),
                    (b'<', _) => (Token::Op(Cmp::Lt), 1),
                    (b'>', _) => (Token::Op(Cmp::Gt), 1),
                    (b'(', _) => (Token::Open, 1),
                    (b')', _) => (Token::Close, 1),
                    (b'[', _) => (Token::OpenList, 1),
                    (b']', _) => (Token::CloseList, 1),
                    (b',', _) => (Token::Comma, 1),
                    _ => return None,
                };
                i += width;
                token
            }
        };
        tokens.push(token);
    }
    Some(tokens)
}

struct Parser<'t, S> {
    tokens: &'t [Token],
    pos: usize,
    line: bool,
    slots: std::marker::PhantomData<S>,
}

impl<S: Slots> Parser<'_, S> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.pos);
        self.pos += 1;
        token
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Pred<S>> {
        let mut parts = vec![self.and()?];
        while self.eat(&Token::Or) {
            parts.push(self.and()?);
        }
        Some(if parts.len() == 1 {
            parts.pop()?
        } else {
            Pred::Any(parts)
        })
    }

    fn and(&mut self) -> Option<Pred<S>> {
        let mut parts = vec![self.atom()?];
        while self.eat(&Token::And) {
            parts.push(self.atom()?);
        }
        Some(if parts.len() == 1 {
            parts.pop()?
        } else {
            Pred::All(parts)
        })
    }

    fn group(&mut self) -> Option<Pred<S>> {
        let inner = self.or()?;
        self.eat(&Token::Close).then_some(inner)
    }

    fn atom(&mut self) -> Option<Pred<S>> {
        match self.next()?.clone() {
            Token::Open => self.group(),
            // Only `not (…)`: how far a bare `not` reaches is zen's business.
            Token::Not => {
                if !self.eat(&Token::Open) {
                    return None;
                }
                Some(Pred::Not(Box::new(self.group()?)))
            }
            Token::True => Some(Pred::Const(true)),
            Token::False => Some(Pred::Const(false)),
            Token::Name(name) if name == "in_region" => {
                if !self.eat(&Token::Open) {
                    return None;
                }
                let Some(Token::Str(region)) = self.next().cloned() else {
                    return None;
                };
                self.eat(&Token::Close)
                    .then_some(Pred::InRegion(region.clone()))
            }
            Token::Str(value) => {
                // `'bj' in region_path` (or `order.region_path`)
                if self.eat(&Token::In)
                    && matches!(self.next(), Some(Token::Name(n)) if n == "region_path" || n == "order.region_path")
                {
                    return Some(Pred::InRegion(value));
                }
                None
            }
            Token::Name(name) => {
                let slot = S::from_path(&name, self.line)?;
                match self.next()?.clone() {
                    Token::Op(op) => match (self.next()?.clone(), slot.is_number()) {
                        (Token::Str(value), false) if matches!(op, Cmp::Eq | Cmp::Ne) => {
                            Some(Pred::StrEq {
                                slot,
                                value,
                                negate: op == Cmp::Ne,
                            })
                        }
                        (Token::Num(value), true) => Some(Pred::NumCmp { slot, op, value }),
                        _ => None,
                    },
                    Token::In if !slot.is_number() => {
                        if !self.eat(&Token::OpenList) {
                            return None;
                        }
                        let mut values = Vec::new();
                        loop {
                            match self.next()?.clone() {
                                Token::Str(value) => values.push(value),
                                _ => return None,
                            }
                            match self.next()? {
                                Token::Comma => continue,
                                Token::CloseList => break,
                                _ => return None,
                            }
                        }
                        Some(Pred::StrIn { slot, values })
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::facts::Slot;

    #[test]
    fn simple_conditions_become_native_and_others_stay_with_zen() {
        let native = [
            "tier == 'vip'",
            "in_region('beijing') and item.category == 'ac'",
            "distance_km > 3 or (tier != 'normal' and channel in ['app', 'mini-program'])",
            "not (ticket_type == 'equipment_maintenance') and duration_h >= 2",
            "'beijing' in region_path",
            "true",
        ];
        for source in native {
            assert!(Pred::<Slot>::compile(source, true).is_some(), "{source}");
        }
        let zen = [
            "tier == 'vip' and len(channel) > 2",
            "item.category == 'ac'",
            "tier == 1",
            "distance_km == '3'",
            "form.floors > 3",
            "not tier == 'vip'",
            "tier == 'a\\'b'",
            "distance_km > 3 +",
            "2 < distance_km",
        ];
        for source in zen {
            let line = source != "item.category == 'ac'";
            assert!(Pred::<Slot>::compile(source, line).is_none(), "{source}");
        }
    }

    #[test]
    fn literals_compared_with_variables() {
        let pairs = |source: &str| -> Vec<(String, String)> { compared_literals(source) };
        let owned = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        assert_eq!(
            pairs("tier == 'vip' or 'svip' == tier or channel in ['app', \"web\"]"),
            owned(&[
                ("tier", "vip"),
                ("tier", "svip"),
                ("channel", "app"),
                ("channel", "web")
            ])
        );
        assert_eq!(
            pairs("in_region('beijing') and not ('sh' in region_path) and form.size != 'large'"),
            owned(&[
                ("region", "beijing"),
                ("region", "sh"),
                ("form.size", "large")
            ])
        );
        // Numbers are not offered; text the scan does not know gives nothing.
        assert_eq!(pairs("distance_km > 3 and count == 2"), owned(&[]));
        assert_eq!(pairs("tier == 'vip' and len(channel) + 1 > 2"), owned(&[]));
    }

    /// Native predicates give zen's answer on every context: zen is the oracle.
    #[cfg(not(target_arch = "wasm32"))]
    mod against_zen {
        use super::*;
        use crate::expr::Expr;
        use crate::format::catalog::ItemKind;
        use crate::format::pricing::line_scope;
        use crate::price::facts::{Facts, ItemFacts, QuoteContext};
        use proptest::prelude::*;
        use zen_expression::Variable;
        use zen_expression::vm::VM;

        const CONDITIONS: &[&str] = &[
            "tier == 'vip'",
            "tier != 'vip'",
            "in_region('beijing') and item.category == 'ac'",
            "item.category != 'ac' or item.kind == 'part'",
            "distance_km > 3 or (tier != 'normal' and channel in ['app', 'mini-program'])",
            "not (ticket_type == 'maintenance') and duration_h >= 2",
            "'shanghai' in region_path",
            "subtotal >= 300 and subtotal < 1000.5",
            "item.price <= 99.9 or item.quantity == 2",
            "region == 'bj-chaoyang' and distance_km != 0",
            "tier in ['vip', 'svip'] or count > 1",
            "true and weight_kg <= 20",
        ];

        fn decimal() -> impl Strategy<Value = Decimal> {
            (0i64..2000, 0u32..3).prop_map(|(n, scale)| Decimal::new(n, scale))
        }

        fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
            proptest::sample::select(options).prop_map(str::to_owned)
        }

        prop_compose! {
            fn context()(
                region in pick(&["bj-chaoyang", "sh-pudong", "gz-tianhe"]),
                tier in pick(&["normal", "vip", "svip", ""]),
                channel in pick(&["app", "mini-program", "phone"]),
                ticket_type in pick(&["maintenance", "installation"]),
                distance_km in decimal(),
                duration_h in decimal(),
                weight_kg in decimal(),
                count in decimal(),
            ) -> QuoteContext {
                let region_path = match region.as_str() {
                    "bj-chaoyang" => vec!["bj-chaoyang", "beijing-city", "beijing"],
                    "sh-pudong" => vec!["sh-pudong", "shanghai-city", "shanghai"],
                    _ => vec!["gz-tianhe"],
                };
                QuoteContext {
                    region_path: Some(region_path.into_iter().map(str::to_owned).collect()),
                    region: Some(region),
                    tier: Some(tier),
                    channel: Some(channel),
                    ticket_type: Some(ticket_type),
                    now: None,
                    distance_km: Some(distance_km),
                    duration_h: Some(duration_h),
                    weight_kg: Some(weight_kg),
                    count: Some(count),
                    form: None,
                }
            }
        }

        proptest! {
            #[test]
            fn native_predicates_agree_with_zen(
                context in context(),
                subtotal in decimal(),
                category in proptest::option::of(pick(&["ac", "laundry"])),
                part in any::<bool>(),
                price in decimal(),
                quantity in decimal(),
            ) {
                let facts = Facts {
                    context: &context,
                    subtotal,
                    item: Some(ItemFacts {
                        id: "x",
                        category: category.as_deref(),
                        kind: if part { ItemKind::Part } else { ItemKind::Service },
                        price,
                        cost: None,
                        quantity,
                    }),
                };
                let mut vm = VM::new();
                for source in CONDITIONS {
                    let native = Pred::<Slot>::compile(source, true).expect("a native condition");
                    let zen = Expr::compile(source, &line_scope()).expect("compiles");
                    let by_zen = zen.evaluate(facts.to_variable(), &mut vm).expect("evaluates");
                    prop_assert_eq!(Variable::Bool(native.eval(&facts)), by_zen, "{}", source);
                }
            }
        }
    }
}
