//! JSON printed for the text view, with the place of every value: so a selected pointer can be
//! highlighted in the text, and a click in the text selects the pointer under the caret.
//!
//! The text is exactly `serde_json::to_string_pretty`'s. Places are counted in UTF-16 code
//! units, as a `<textarea>`'s selection is.

use super::pointer;
use serde_json::Value;

/// Where one value is in the text: from its member name (for object members) or its first
/// character, to just after its last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub at: String,
    pub start: u32,
    pub end: u32,
    /// The line (from 0) the span starts on.
    pub line: u32,
}

/// Pretty-printed JSON and the span of every value in it (parents before children).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonText {
    pub text: String,
    spans: Vec<Span>,
}

struct Printer {
    out: String,
    /// Length of `out` in UTF-16 code units.
    units: u32,
    line: u32,
    spans: Vec<Span>,
}

impl Printer {
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        for c in text.chars() {
            self.units += c.len_utf16() as u32;
            if c == '\n' {
                self.line += 1;
            }
        }
    }

    fn newline(&mut self, depth: usize) {
        self.push("\n");
        for _ in 0..depth {
            self.push("  ");
        }
    }

    /// Prints `value`; its span starts at `start` (the member name, when there is one).
    fn value(&mut self, value: &Value, at: String, depth: usize, start: (u32, u32)) {
        let index = self.spans.len();
        self.spans.push(Span {
            at: at.clone(),
            start: start.0,
            end: start.0,
            line: start.1,
        });
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.push("{");
                for (i, (key, member)) in map.iter().enumerate() {
                    if i > 0 {
                        self.push(",");
                    }
                    self.newline(depth + 1);
                    let member_start = (self.units, self.line);
                    self.push(&scalar(&Value::String(key.clone())));
                    self.push(": ");
                    self.value(member, pointer::push(&at, key), depth + 1, member_start);
                }
                self.newline(depth);
                self.push("}");
            }
            Value::Array(items) if !items.is_empty() => {
                self.push("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.push(",");
                    }
                    self.newline(depth + 1);
                    let item_start = (self.units, self.line);
                    self.value(item, pointer::push_index(&at, i), depth + 1, item_start);
                }
                self.newline(depth);
                self.push("]");
            }
            Value::Object(_) => self.push("{}"),
            Value::Array(_) => self.push("[]"),
            scalar_value => self.push(&scalar(scalar_value)),
        }
        if let Some(span) = self.spans.get_mut(index) {
            span.end = self.units;
        }
    }
}

fn scalar(value: &Value) -> String {
    // Serializing a JSON value cannot fail (its keys are strings).
    serde_json::to_string(value).unwrap_or_default()
}

impl JsonText {
    /// Prints `value`, which lives at `base` in the document (spans carry full pointers).
    pub fn print(value: &Value, base: &str) -> Self {
        let mut printer = Printer {
            out: String::new(),
            units: 0,
            line: 0,
            spans: Vec::new(),
        };
        printer.value(value, base.to_owned(), 0, (0, 0));
        Self {
            text: printer.out,
            spans: printer.spans,
        }
    }

    /// The span of a pointer, or of the nearest enclosing value that has one (a problem may
    /// name a member that is missing).
    pub fn span(&self, at: &str) -> Option<&Span> {
        let mut at = at;
        loop {
            if let Some(span) = self.spans.iter().find(|s| s.at == at) {
                return Some(span);
            }
            at = pointer::split_last(at)?.0;
        }
    }

    /// The innermost value whose span holds a caret at `offset` (UTF-16 units).
    pub fn pointer_at(&self, offset: u32) -> Option<&str> {
        self.spans
            .iter()
            .rev()
            .find(|s| s.start <= offset && offset <= s.end)
            .map(|s| s.at.as_str())
    }
}

/// The UTF-16 offset of a 1-based line and column (columns counted in characters), as JSON
/// syntax problems report them, clamped to the text.
pub fn offset_of(text: &str, line: usize, column: usize) -> u32 {
    let mut units = 0u32;
    for (i, text_line) in text.split('\n').enumerate() {
        if i + 1 == line {
            let column_units: u32 = text_line
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| c.len_utf16() as u32)
                .sum();
            return units + column_units;
        }
        units += text_line.chars().map(|c| c.len_utf16() as u32).sum::<u32>() + 1;
    }
    units.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn utf16_slice(text: &str, span: &Span) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16(&units[span.start as usize..span.end as usize]).expect("utf-16")
    }

    #[test]
    fn the_text_is_serde_jsons_pretty_text() {
        let values = [
            json!({"a": [1, {"b": null, "c": []}], "d": {}, "e": "引号\"\n😀", "f": 1.5, "g": -0}),
            json!([]),
            json!("x"),
            json!([[[]], [{}]]),
        ];
        for value in values {
            assert_eq!(
                JsonText::print(&value, "").text,
                serde_json::to_string_pretty(&value).expect("json")
            );
        }
    }

    #[test]
    fn spans_cover_members_with_their_names_and_elements_alone() {
        let value = json!({"catalog": [{"id": "ac", "name": "空调😀清洗", "price": "120.00"}]});
        let printed = JsonText::print(&value, "/root");
        let span = printed.span("/root/catalog/0/price").expect("a span");
        assert_eq!(utf16_slice(&printed.text, span), r#""price": "120.00""#);
        assert_eq!(span.line, 5);
        let span = printed.span("/root/catalog/0").expect("a span");
        assert!(utf16_slice(&printed.text, span).starts_with('{'));
        assert!(utf16_slice(&printed.text, span).ends_with('}'));
        let span = printed.span("/root/catalog/0/name").expect("a span");
        assert_eq!(utf16_slice(&printed.text, span), "\"name\": \"空调😀清洗\"");
        // A missing member falls back to the nearest value that is there.
        let span = printed.span("/root/catalog/0/cost").expect("a span");
        assert_eq!(span.at, "/root/catalog/0");
        assert!(printed.span("/elsewhere").is_none());
    }

    #[test]
    fn a_caret_selects_the_innermost_value() {
        let value = json!({"a": {"bc": [10, 20]}});
        let printed = JsonText::print(&value, "");
        let text = &printed.text;
        let offset = |needle: &str| text.find(needle).expect("present") as u32;
        assert_eq!(printed.pointer_at(offset("20") + 1), Some("/a/bc/1"));
        assert_eq!(printed.pointer_at(offset("\"bc\"") + 1), Some("/a/bc"));
        assert_eq!(printed.pointer_at(0), Some(""));
    }

    #[test]
    fn line_and_column_become_an_offset() {
        let text = "{\n  \"名\": x\n}";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 8), 9);
        assert_eq!(&text[offset_of(text, 2, 8) as usize + 2..][..1], "x");
        assert_eq!(offset_of(text, 9, 1), text.encode_utf16().count() as u32);
    }
}
