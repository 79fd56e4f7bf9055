//! JSON pointers (RFC 6901) as the store uses them: parsing into tokens, building, and the
//! relations between two pointers (parent, prefix) that edits and selection need.

/// Splits a pointer into its unescaped tokens (`""` is the whole document: no tokens).
/// `None` when the text is not a pointer (it must be empty or start with `/`).
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

fn unescape(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}

/// Escapes one token for a pointer (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

/// `base` with one more token.
pub fn push(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// `base` with an array index appended.
pub fn push_index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// The pointer built from tokens.
pub fn join<S: AsRef<str>>(tokens: &[S]) -> String {
    tokens.iter().fold(String::new(), |mut out, token| {
        out.push('/');
        out.push_str(&escape(token.as_ref()));
        out
    })
}

/// The parent pointer and the last token, or `None` for the whole document.
pub fn split_last(pointer: &str) -> Option<(&str, String)> {
    let cut = pointer.rfind('/')?;
    Some((&pointer[..cut], unescape(&pointer[cut + 1..])))
}

/// Whether `pointer` is `ancestor` or lies inside it (`/a/b` is within `/a`, `/ab` is not).
pub fn is_within(pointer: &str, ancestor: &str) -> bool {
    pointer == ancestor
        || (pointer.starts_with(ancestor) && pointer.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// The first token (the top-level member a pointer lies in), unescaped.
pub fn first(pointer: &str) -> Option<String> {
    tokens(pointer)?.into_iter().next()
}

/// Reads an array index token: digits only, no leading zero (RFC 6901).
pub fn index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_unescape_and_round_trip() {
        assert_eq!(tokens(""), Some(vec![]));
        assert_eq!(tokens("/"), Some(vec![String::new()]));
        assert_eq!(
            tokens("/a~1b/m~0n/0"),
            Some(vec!["a/b".to_owned(), "m~n".to_owned(), "0".to_owned()])
        );
        assert_eq!(tokens("a/b"), None);
        for pointer in ["", "/", "/a~1b/m~0n/0", "/flows/0/nodes/x~01"] {
            let parsed = tokens(pointer).expect("a pointer");
            assert_eq!(join(&parsed), pointer);
        }
    }

    #[test]
    fn building_escapes_tokens() {
        assert_eq!(push("/editor", "a/b~c"), "/editor/a~1b~0c");
        assert_eq!(push_index("/flows", 3), "/flows/3");
        assert_eq!(
            split_last("/editor/a~1b"),
            Some(("/editor", "a/b".to_owned()))
        );
        assert_eq!(split_last("/x"), Some(("", "x".to_owned())));
        assert_eq!(split_last(""), None);
    }

    #[test]
    fn within_respects_token_boundaries() {
        assert!(is_within("/a/b", "/a"));
        assert!(is_within("/a", "/a"));
        assert!(is_within("/a", ""));
        assert!(!is_within("/ab", "/a"));
        assert!(!is_within("/a", "/a/b"));
    }

    #[test]
    fn indices_are_plain_digits() {
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("12"), Some(12));
        assert_eq!(index("01"), None);
        assert_eq!(index("-"), None);
        assert_eq!(index("+1"), None);
        assert_eq!(index(""), None);
        assert_eq!(first("/pricing/groups/0"), Some("pricing".to_owned()));
        assert_eq!(first(""), None);
    }
}
