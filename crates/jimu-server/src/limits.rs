//! What the server accepts of people's text and how much it answers at once, defined once:
//! both stores (SQLite and PostgreSQL) get only what passed these checks, so they accept and
//! refuse exactly the same things, with the same problems.
//!
//! - A publish **message** (`?message=`) is UTF-8 text of at most [`MAX_MESSAGE_CHARS`]
//!   characters, without control characters other than line breaks and tabs.
//! - A token **label** is UTF-8 text of at most [`MAX_LABEL_CHARS`] characters, without any
//!   control character (it is shown on one line as the author of what the token publishes).
//! - A query string whose values are not UTF-8 once percent-decoded is refused, never
//!   replaced silently ([`query_pairs`]).

/// The longest publish or rollback message, in characters (Unicode scalar values).
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// The longest token label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

/// The longest request target (path and query) the API reads, in bytes: longer is 414. A
/// message at its longest, percent-encoded (up to 12 bytes a character), fits.
pub const MAX_URI_BYTES: usize = 16 * 1024;

/// The largest request head (request line and headers), in bytes: larger is 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most headers a request may have: more is 431.
pub const MAX_HEADERS: usize = 100;

/// Published contents up to this size are validated on the thread that answers the request
/// (well under a millisecond or two: less than handing them to another thread costs on a busy
/// machine); larger ones on the validation threads (`validators.rs`), a few at a time.
pub const INLINE_VALIDATION_BYTES: usize = 16 * 1024;

/// A history page when `?limit=` is not given, and the largest one may ask for.
pub const HISTORY_PAGE: i64 = 1000;

/// An audit page when `?limit=` is not given; at most [`AUDIT_PAGE_MAX`].
pub const AUDIT_PAGE: i64 = 100;
pub const AUDIT_PAGE_MAX: i64 = 1000;

/// How many versions an event stream reads from the store at once while it replays.
pub const REPLAY_PAGE: i64 = 256;

/// How many missed versions a reconnecting event stream replays by default; beyond it the
/// client gets a `resync` event instead.
pub const REPLAY_WINDOW: u64 = 10_000;

/// Which text a check is about, for its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Message,
    Label,
}

/// Checks a message or a label; the refusal says what is wrong, in English and Chinese.
pub fn check_text(field: TextField, text: &str) -> Result<(), String> {
    let (what, zh, max) = match field {
        TextField::Message => ("the message", "说明", MAX_MESSAGE_CHARS),
        TextField::Label => ("the label", "标签", MAX_LABEL_CHARS),
    };
    let chars = text.chars().count();
    if chars > max {
        return Err(format!(
            "{what} is {chars} characters long; at most {max} are kept ({zh}有 {chars} 个字符，\
             最多 {max} 个)"
        ));
    }
    let allowed = |c: char| field == TextField::Message && matches!(c, '\n' | '\r' | '\t');
    if let Some((at, c)) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && !allowed(c))
    {
        let code = u32::from(c);
        let also = match field {
            TextField::Message => " other than line breaks and tabs",
            TextField::Label => "",
        };
        return Err(format!(
            "{what} holds the control character U+{code:04X} at character {at}: control \
             characters{also} are not accepted ({zh}在第 {at} 个字符处含有控制字符 U+{code:04X}，\
             不予接受)"
        ));
    }
    Ok(())
}

/// The parameters of a query string, percent-decoded (`+` is a space), in order. A name or
/// value that is not UTF-8 once decoded is refused with a message naming it.
pub fn query_pairs(query: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|part| !part.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = String::from_utf8(percent_decode(name)).map_err(|_| {
            "a query parameter's name is not UTF-8 text once decoded (查询参数名解码后不是 \
             UTF-8 文本)"
                .to_owned()
        })?;
        let value = String::from_utf8(percent_decode(value)).map_err(|_| {
            format!(
                "the query parameter `{name}` is not UTF-8 text once decoded: send text, \
                 percent-encoded as UTF-8 (查询参数 `{name}` 解码后不是 UTF-8 文本)"
            )
        })?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// The one value of `name` in `pairs`, if given; given twice is refused.
pub fn single<'a>(pairs: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, String> {
    let mut found = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
    let first = found.next();
    if found.next().is_some() {
        return Err(format!(
            "the query parameter `{name}` is given more than once (查询参数 `{name}` 重复)"
        ));
    }
    Ok(first.map(String::as_str))
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space, `%XY` a byte; a `%`
/// not followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                    // Two hex digits are at most 0xFF.
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 3;
                    continue;
                }
                out.push(byte);
            }
            _ => out.push(byte),
        }
        i += 1;
    }
    out
}

/// The query string with the value of every `access_token` replaced, for logs.
pub fn redacted_query(query: &str) -> String {
    query
        .split('&')
        .map(|part| match part.split_once('=') {
            Some((name, _))
                if String::from_utf8_lossy(&percent_decode(name))
                    .eq_ignore_ascii_case("access_token") =>
            {
                format!("{name}=[redacted]")
            }
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_labels_have_one_definition_of_acceptable() {
        assert!(check_text(TextField::Message, "修复价格\n第二行\tok").is_ok());
        assert!(check_text(TextField::Message, &"字".repeat(MAX_MESSAGE_CHARS)).is_ok());
        let long = check_text(TextField::Message, &"字".repeat(MAX_MESSAGE_CHARS + 1));
        assert!(long.unwrap_err().contains("1001 characters"));
        let nul = check_text(TextField::Message, "a\0b").unwrap_err();
        assert!(
            nul.contains("U+0000") && nul.contains("character 1"),
            "{nul}"
        );
        assert!(check_text(TextField::Message, "a\u{1b}[31m").is_err());
        assert!(check_text(TextField::Message, "a\u{85}").is_err());
        assert!(check_text(TextField::Label, "ops 运维").is_ok());
        assert!(check_text(TextField::Label, "a\nb").is_err());
        assert!(check_text(TextField::Label, &"x".repeat(MAX_LABEL_CHARS + 1)).is_err());
    }

    // The longest message, four UTF-8 bytes a character each written %XX, fits in a
    // request target (with the longest name), which fits in a head.
    const _: () = assert!(
        MAX_MESSAGE_CHARS * 4 * 3 + "/api/bundles/".len() + 64 + "?message=".len() < MAX_URI_BYTES
    );
    const _: () = assert!(MAX_URI_BYTES < MAX_HEAD_BYTES);

    #[test]
    fn queries_are_decoded_and_text_that_is_not_utf8_is_refused() {
        let pairs = query_pairs("message=%E4%BF%AE+%E5%A4%8D%2B&to=3&flag").unwrap();
        assert_eq!(
            pairs,
            [
                ("message".to_owned(), "修 复+".to_owned()),
                ("to".to_owned(), "3".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
        assert_eq!(query_pairs("m=100%").unwrap()[0].1, "100%");
        assert_eq!(query_pairs("m=%zz%4").unwrap()[0].1, "%zz%4");
        let bad = query_pairs("message=%FF%FE").unwrap_err();
        assert!(bad.contains("`message`"), "{bad}");
        assert!(query_pairs("%C3=1").is_err());
        let twice = query_pairs("to=1&to=2").unwrap();
        assert!(single(&twice, "to").is_err());
        assert_eq!(single(&twice, "message"), Ok(None));
    }

    #[test]
    fn tokens_in_query_strings_are_redacted() {
        assert_eq!(
            redacted_query("a=1&access_token=jimu_secret&b=2"),
            "a=1&access_token=[redacted]&b=2"
        );
        assert_eq!(redacted_query("ACCESS_TOKEN=x"), "ACCESS_TOKEN=[redacted]");
        // Read as `access_token` by the server, so redacted as one.
        assert_eq!(
            redacted_query("access%5Ftoken=x"),
            "access%5Ftoken=[redacted]"
        );
    }
}
