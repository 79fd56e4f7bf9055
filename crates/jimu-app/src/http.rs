//! The browser's part of talking to the sync server: sending a [`Call`] with `fetch` and
//! keeping the token in `localStorage` (never in the URL).
//!
//! Like `crate::browser`, this compiles on every target but only does something in a browser;
//! what is sent and how answers are read lives in `crate::server`, tested natively.

use crate::server::{Call, Reply, TOKEN_KEY};
use leptos::prelude::window;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCache, RequestCredentials, RequestInit, Response, Storage};

/// The request got no answer (refused, offline, aborted): nothing is known to have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoAnswer;

impl From<JsValue> for NoAnswer {
    fn from(_: JsValue) -> Self {
        Self
    }
}

/// Sends a call and reads the whole answer.
pub async fn send(call: &Call) -> Result<Reply, NoAnswer> {
    let headers = Headers::new()?;
    for (name, value) in &call.headers {
        headers.set(name, value)?;
    }
    let init = RequestInit::new();
    init.set_method(call.method);
    init.set_headers(&headers);
    // Always ask the server: a stale copy would hide someone else's publish.
    init.set_cache(RequestCache::NoStore);
    // The token travels in the Authorization header only, never as a cookie.
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = &call.body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(&call.url, &init)?;
    let response: Response = JsFuture::from(window().fetch_with_request(&request))
        .await?
        .dyn_into()?;
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let etag = header("etag");
    let version = header("jimu-version").and_then(|v| v.trim().parse().ok());
    let body = JsFuture::from(response.text()?).await?;
    Ok(Reply {
        status: response.status(),
        etag,
        version,
        body: body.as_string().unwrap_or_default(),
    })
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

/// The token kept in this browser, or an empty string.
pub fn stored_token() -> String {
    storage()
        .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
        .unwrap_or_default()
}

/// Keeps the token in this browser (an empty token is forgotten).
pub fn store_token(token: &str) {
    let Some(storage) = storage() else { return };
    // Storage can refuse (private mode, quota): the token then lives in the page only.
    let _ = if token.is_empty() {
        storage.remove_item(TOKEN_KEY)
    } else {
        storage.set_item(TOKEN_KEY, token)
    };
}

/// An instant for people, in the browser's time zone.
pub fn local_time(ms: i64) -> String {
    // Milliseconds since the epoch are exact in an f64 for any real date.
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    // Whole minutes (a few historical zones have second offsets; minutes are what is shown).
    #[allow(clippy::cast_possible_truncation)]
    let offset = date.get_timezone_offset().round() as i32;
    crate::server::format_time(ms, offset)
}
