//! Domain functions (`ceil_to`, `floor_to`, `in_region`, `business_days_between`), rewritten
//! into plain zen-expression when an expression compiles.
//!
//! zen-expression's function registry is closed, so the functions operators need are
//! translated before zen sees the text:
//!
//! | written                         | compiled as                                   |
//! |---------------------------------|-----------------------------------------------|
//! | `ceil_to(x, step)`              | `(ceil((x) / (step)) * (step))`               |
//! | `floor_to(x, step)`             | `(floor((x) / (step)) * (step))`              |
//! | `in_region('bj')`               | `(('bj') in region_path)`: the context's region is `bj` or lies inside it |
//! | `business_days_between(a, b)`   | a number computed natively before zen runs (see [`Native`]) |
//!
//! The rewrite keeps a map from the text zen reads back to the author's text, so every problem
//! still points at the characters the author wrote. Calls inside string literals and method
//! calls (`x.ceil_to(…)`) are left alone.

use crate::problem::Localized;

/// The domain functions, by name.
pub(crate) const NAMES: [&str; 4] = ["ceil_to", "floor_to", "in_region", "business_days_between"];

/// A literal id a domain function names, which the bundle must define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DomainRef {
    /// `in_region('…')`: a region id.
    Region { id: String, span: (usize, usize) },
    /// The third argument of `business_days_between`: a calendar id.
    Calendar { id: String, span: (usize, usize) },
    /// `business_days_between` without a calendar: the bundle must have exactly one.
    DefaultCalendar { span: (usize, usize) },
}

/// A `business_days_between(from, to[, calendar])` call: its arguments are compiled on their
/// own and evaluated first; the host counts the days and binds the result to `var`.
#[derive(Debug, Clone)]
pub(crate) struct NativeCall {
    pub var: String,
    /// Byte ranges of the two date arguments in the full source.
    pub from: (usize, usize),
    pub to: (usize, usize),
    pub calendar: Option<String>,
}

/// A mistake in a domain call, located by byte range in the full source.
#[derive(Debug, Clone)]
pub(crate) struct DomainError {
    pub span: (usize, usize),
    pub message: Localized,
}

/// The zen text of an expression and how to find the author's characters from it.
#[derive(Debug, Default)]
pub(crate) struct Desugared {
    pub text: String,
    /// `(start in text, start in source, copied)`: copied segments map byte for byte, generated
    /// ones to the start of the call they stand for.
    segments: Vec<(usize, usize, bool)>,
    pub natives: Vec<NativeCall>,
    pub refs: Vec<DomainRef>,
    pub errors: Vec<DomainError>,
}

impl Desugared {
    /// The byte in the author's text that byte `pos` of [`Self::text`] came from.
    pub fn source_pos(&self, pos: usize) -> usize {
        let at = self.segments.partition_point(|(start, _, _)| *start <= pos);
        match at.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some((start, src, true)) => src + (pos - start),
            Some((_, src, false)) => *src,
            None => 0,
        }
    }
}

/// Whether `source` may call a domain function (a cheap test before the rewrite).
pub(crate) fn mentions_domain_function(source: &str) -> bool {
    NAMES.iter().any(|name| source.contains(name))
}

/// Rewrites the domain calls in `source[lo..hi]`. `region_path` is the variable holding the
/// context's region and its ancestors, when the scope has one; `first_native` numbers the
/// natively computed values so nested compilations do not reuse a name.
pub(crate) fn desugar(
    source: &str,
    lo: usize,
    hi: usize,
    region_path: Option<&str>,
    first_native: usize,
) -> Desugared {
    let mut rewriter = Rewriter {
        source,
        region_path,
        out: Desugared::default(),
        next_native: first_native,
    };
    rewriter.emit(lo, hi);
    let end = rewriter.out.text.len();
    rewriter.out.segments.push((end, hi, true));
    rewriter.out
}

struct Rewriter<'s> {
    source: &'s str,
    region_path: Option<&'s str>,
    out: Desugared,
    next_native: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || matches!(b, b'_' | b'$' | b'#')
}

fn is_ident(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit()
}

impl Rewriter<'_> {
    fn bytes(&self) -> &[u8] {
        self.source.as_bytes()
    }

    fn byte(&self, i: usize) -> u8 {
        self.bytes().get(i).copied().unwrap_or(0)
    }

    fn copy(&mut self, lo: usize, hi: usize) {
        if lo >= hi {
            return;
        }
        let start = self.out.text.len();
        self.out.segments.push((start, lo, true));
        self.out
            .text
            .push_str(self.source.get(lo..hi).unwrap_or(""));
    }

    fn generate(&mut self, text: &str, anchor: usize) {
        let start = self.out.text.len();
        self.out.segments.push((start, anchor, false));
        self.out.text.push_str(text);
    }

    /// The end of the string literal opening at `i` (just past its closing quote).
    fn skip_string(&self, i: usize, hi: usize) -> usize {
        let quote = self.byte(i);
        let mut j = i + 1;
        while j < hi {
            match self.byte(j) {
                b'\\' => j += 2,
                b if b == quote => return j + 1,
                _ => j += 1,
            }
        }
        hi
    }

    /// Splits the arguments of a call whose `(` is at `open`: the byte ranges of the
    /// arguments (trimmed) and the position of the closing `)`, if it is there.
    fn arguments(&self, open: usize, hi: usize) -> Option<(Vec<(usize, usize)>, usize)> {
        let mut depth = 0usize;
        let mut args = Vec::new();
        let mut start = open + 1;
        let mut j = open + 1;
        while j < hi {
            match self.byte(j) {
                b'\'' | b'"' | b'`' => {
                    j = self.skip_string(j, hi);
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b')' => {
                    args.push(self.trim(start, j));
                    if args.len() == 1 && args.first().is_some_and(|(a, b)| a == b) {
                        args.clear();
                    }
                    return Some((args, j));
                }
                b',' if depth == 0 => {
                    args.push(self.trim(start, j));
                    start = j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        None
    }

    fn trim(&self, mut lo: usize, mut hi: usize) -> (usize, usize) {
        while lo < hi && self.byte(lo).is_ascii_whitespace() {
            lo += 1;
        }
        while hi > lo && self.byte(hi - 1).is_ascii_whitespace() {
            hi -= 1;
        }
        (lo, hi)
    }

    /// The text of a plain string literal argument (`'bj'`), if the argument is one.
    fn literal(&self, (lo, hi): (usize, usize)) -> Option<String> {
        let quote = self.byte(lo);
        if !matches!(quote, b'\'' | b'"') || hi < lo + 2 || self.skip_string(lo, hi) != hi {
            return None;
        }
        let inner = self.source.get(lo + 1..hi - 1)?;
        (!inner.contains('\\')).then(|| inner.to_owned())
    }

    fn emit(&mut self, lo: usize, hi: usize) {
        let mut i = lo;
        let mut copied = lo;
        while i < hi {
            let b = self.byte(i);
            if matches!(b, b'\'' | b'"' | b'`') {
                i = self.skip_string(i, hi);
                continue;
            }
            if !is_ident_start(b) || (i > lo && is_ident(self.byte(i - 1))) {
                i += 1;
                continue;
            }
            let mut end = i;
            while end < hi && is_ident(self.byte(end)) {
                end += 1;
            }
            let name = self.source.get(i..end).unwrap_or("");
            let mut open = end;
            while open < hi && self.byte(open).is_ascii_whitespace() {
                open += 1;
            }
            let mut before = i;
            while before > lo && self.byte(before - 1).is_ascii_whitespace() {
                before -= 1;
            }
            let method = before > lo && self.byte(before - 1) == b'.';
            let call = NAMES.contains(&name) && !method && self.byte(open) == b'(';
            let Some((args, close)) = call.then(|| self.arguments(open, hi)).flatten() else {
                // Not a domain call (or an unclosed one, which zen reports as a syntax error).
                i = end;
                continue;
            };
            self.copy(copied, i);
            self.call(name, i, close + 1, &args);
            i = close + 1;
            copied = i;
        }
        self.copy(copied, hi);
    }

    fn wrong_arity(&mut self, span: (usize, usize), name: &str, zh: &str, en: &str) {
        self.out.errors.push(DomainError {
            span,
            message: Localized::new(
                format!("函数 {name} 的参数应为{zh}"),
                format!("{name} takes {en}"),
            ),
        });
        // Keep zen's view well-formed so its other diagnostics still come through.
        self.generate("null", span.0);
    }

    fn call(&mut self, name: &str, start: usize, end: usize, args: &[(usize, usize)]) {
        let span = (start, end);
        match (name, args) {
            ("ceil_to" | "floor_to", [value, step]) => {
                let round = if name == "ceil_to" { "ceil" } else { "floor" };
                self.generate(&format!("({round}(("), start);
                self.emit(value.0, value.1);
                self.generate(") / (", start);
                self.emit(step.0, step.1);
                self.generate(")) * (", start);
                self.emit(step.0, step.1);
                self.generate("))", start);
            }
            ("ceil_to" | "floor_to", _) => self.wrong_arity(
                span,
                name,
                "两个：数值和步长，例如 ceil_to(distance_km, 1)",
                "two arguments, a value and a step: ceil_to(distance_km, 1)",
            ),
            ("in_region", [region]) => {
                let Some(path) = self.region_path else {
                    self.out.errors.push(DomainError {
                        span,
                        message: Localized::new(
                            "此处的上下文没有区域，不能使用 in_region",
                            "in_region is not available here: this context has no region",
                        ),
                    });
                    self.generate("false", start);
                    return;
                };
                if let Some(id) = self.literal(*region) {
                    self.out.refs.push(DomainRef::Region { id, span: *region });
                }
                self.generate("((", start);
                self.emit(region.0, region.1);
                self.generate(&format!(") in {path})"), start);
            }
            ("in_region", _) => self.wrong_arity(
                span,
                name,
                "一个区域 id，例如 in_region('beijing')",
                "one region id: in_region('beijing')",
            ),
            ("business_days_between", [from, to, rest @ ..]) if rest.len() <= 1 => {
                let calendar = match rest.first() {
                    None => {
                        self.out.refs.push(DomainRef::DefaultCalendar { span });
                        None
                    }
                    Some(arg) => match self.literal(*arg) {
                        Some(id) => {
                            self.out.refs.push(DomainRef::Calendar {
                                id: id.clone(),
                                span: *arg,
                            });
                            Some(id)
                        }
                        None => {
                            self.out.errors.push(DomainError {
                                span: *arg,
                                message: Localized::new(
                                    "日历须写成带引号的日历 id，例如 'sla'",
                                    "the calendar must be a quoted calendar id, e.g. 'sla'",
                                ),
                            });
                            None
                        }
                    },
                };
                let var = format!("__jimu_{}", self.next_native);
                self.next_native += 1;
                self.generate(&var, start);
                self.out.natives.push(NativeCall {
                    var,
                    from: *from,
                    to: *to,
                    calendar,
                });
            }
            _ => self.wrong_arity(
                span,
                name,
                "两个日期，可再加一个日历 id，例如 business_days_between(a, b, 'sla')",
                "two dates and optionally a calendar id: business_days_between(a, b, 'sla')",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(source: &str) -> Desugared {
        desugar(source, 0, source.len(), Some("region_path"), 0)
    }

    #[test]
    fn calls_are_rewritten_into_zen() {
        let cases = [
            (
                "ceil_to(distance_km, 1)",
                "(ceil((distance_km) / (1)) * (1))",
            ),
            (
                "floor_to( x + 1 , 0.5 ) > 2",
                "(floor((x + 1) / (0.5)) * (0.5)) > 2",
            ),
            (
                "ceil_to(ceil_to(x, 1), 5)",
                "(ceil(((ceil((x) / (1)) * (1))) / (5)) * (5))",
            ),
            (
                "in_region('bj') and tier == 'vip'",
                "(('bj') in region_path) and tier == 'vip'",
            ),
            ("'ceil_to(x, 1)' == s", "'ceil_to(x, 1)' == s"),
            ("a.ceil_to(1)", "a.ceil_to(1)"),
            ("my_ceil_to(1, 2)", "my_ceil_to(1, 2)"),
            ("business_days_between(a, b) > 3", "__jimu_0 > 3"),
        ];
        for (source, zen) in cases {
            let out = rewrite(source);
            assert_eq!(out.text, zen, "{source}");
            assert!(out.errors.is_empty(), "{source}: {:?}", out.errors);
        }
    }

    #[test]
    fn positions_map_back_to_the_authors_text() {
        let source = "ceil_to(km, 1) > limit";
        let out = rewrite(source);
        let zen_limit = out.text.find("limit").unwrap();
        assert_eq!(out.source_pos(zen_limit), source.find("limit").unwrap());
        let zen_km = out.text.find("km").unwrap();
        assert_eq!(out.source_pos(zen_km), source.find("km").unwrap());
        // Generated text points at the call.
        assert_eq!(out.source_pos(1), 0);
        assert_eq!(out.source_pos(out.text.len()), source.len());
    }

    #[test]
    fn literal_ids_and_mistakes_are_reported() {
        let out = rewrite("in_region(\"sh\") or business_days_between(a, b, 'sla') > 1");
        assert_eq!(
            out.refs,
            vec![
                DomainRef::Region {
                    id: "sh".into(),
                    span: (10, 14)
                },
                DomainRef::Calendar {
                    id: "sla".into(),
                    span: (47, 52)
                },
            ]
        );
        assert_eq!(out.natives.len(), 1);
        let out = rewrite("ceil_to(x) + business_days_between(a, b, cal)");
        let spans: Vec<_> = out.errors.iter().map(|e| e.span).collect();
        assert_eq!(spans, vec![(0, 10), (41, 44)]);
        let out = desugar("in_region('x')", 0, 14, None, 0);
        assert_eq!(out.errors.len(), 1);
        assert!(out.errors[0].message.en.contains("no region"));
    }
}
