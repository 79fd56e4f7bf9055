//! How remote commands show things to people: short tags, times, messages, refused bundles'
//! problems, and text widths in a terminal.

use crate::Lang;
use jimu_wire::ProblemItem;
use std::fmt::Write as _;

/// `sha256:0123456789ab`: enough of a tag for a person to tell versions apart.
pub(super) fn short(tag: &str) -> String {
    let (prefix, hex) = tag.split_once(':').unwrap_or(("", tag));
    let hex: String = hex.chars().take(12).collect();
    if prefix.is_empty() {
        hex
    } else {
        format!("{prefix}:{hex}")
    }
}

/// `2026-05-01T08:30:00Z`.
pub(super) fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || ms.to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

pub(super) fn or_unknown<'a>(text: &'a str, unknown: &'a str) -> &'a str {
    if text.is_empty() { unknown } else { text }
}

pub(super) fn quoted_message(message: &str, sep: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!("{sep}\"{message}\"")
    }
}

/// The problems of a bundle the server refused, as `jimu validate` prints them.
pub(super) fn remote_problems_text(file: &str, problems: &[ProblemItem], lang: Lang) -> String {
    let mut out = String::new();
    for p in problems {
        let path = if p.path.is_empty() { "/" } else { &p.path };
        let severity = if p.severity.is_empty() {
            "error"
        } else {
            &p.severity
        };
        let _ = writeln!(out, "{severity}[{}] {file} {path}", p.code);
        crate::message_lines(&mut out, &p.message, p.hint.as_ref(), lang);
    }
    out
}

/// Columns a text takes in a terminal: East Asian wide characters take two.
pub(super) fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c,
                0x1100..=0x115F
                | 0x2E80..=0x303E
                | 0x3041..=0x33FF
                | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF
                | 0xA000..=0xA4CF
                | 0xAC00..=0xD7A3
                | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F
                | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6
                | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}
