//! The few things the configurator asks of the browser itself: reading a chosen file,
//! downloading text as a file, and setting the document's language and title.
//!
//! These compile on every target (web-sys is plain Rust), but only do something in a browser.

use leptos::prelude::document;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, HtmlInputElement, Url};

/// The file chosen in a file input, if any.
pub fn chosen_file(input: &HtmlInputElement) -> Option<File> {
    input.files()?.get(0)
}

/// Reads a file as UTF-8 text.
pub async fn read_text(file: &File) -> Result<String, JsValue> {
    let value = JsFuture::from(file.text()).await?;
    value.as_string().ok_or(value)
}

/// Offers `contents` as a download named `file_name`.
pub fn download(file_name: &str, contents: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let anchor: HtmlAnchorElement = document().create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    Url::revoke_object_url(&url)
}

/// Sets `<html lang>` and the window title to the interface language.
pub fn set_document_language(tag: &str, title: &str) {
    let document = document();
    if let Some(root) = document.document_element() {
        // Only fails for an invalid attribute name, which "lang" is not.
        let _ = root.set_attribute("lang", tag);
    }
    document.set_title(title);
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `localStorage` as the drafts' key-value store. Without storage (private mode, disabled),
/// every write fails and the save state says so; nothing else breaks.
pub struct Storage(Option<web_sys::Storage>);

impl Storage {
    pub fn local() -> Self {
        Self(leptos::prelude::window().local_storage().ok().flatten())
    }
}

impl crate::state::draft::KeyValue for Storage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.as_ref()?.get_item(key).ok().flatten()
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), ()> {
        match &self.0 {
            Some(storage) => storage.set_item(key, value).map_err(|_| ()),
            None => Err(()),
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(storage) = &self.0 {
            let _ = storage.remove_item(key);
        }
    }
}

const LOCALE_KEY: &str = "jimu.locale";

/// The interface language chosen earlier in this browser.
pub fn stored_locale() -> Option<crate::i18n::Locale> {
    use crate::state::draft::KeyValue as _;
    match Storage::local().get(LOCALE_KEY)?.as_str() {
        "en" => Some(crate::i18n::Locale::En),
        "zh-CN" => Some(crate::i18n::Locale::ZhCn),
        _ => None,
    }
}

pub fn store_locale(locale: crate::i18n::Locale) {
    use crate::state::draft::KeyValue as _;
    let _ = Storage::local().set(LOCALE_KEY, locale.tag());
}

/// Whether Ctrl+Z in this key event is the store's: not when typing into an input that keeps
/// its own undo (one that is not marked `data-undo="store"`).
pub fn undo_goes_to_store(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return true;
    };
    let tag = target.tag_name().to_ascii_lowercase();
    let editable = matches!(tag.as_str(), "input" | "textarea" | "select")
        || target.get_attribute("contenteditable").is_some();
    !editable || target.get_attribute("data-undo").as_deref() == Some("store")
}

/// Scrolls a text area so that `line` (from 0) is near the top.
pub fn scroll_to_line(area: &web_sys::HtmlTextAreaElement, line: u32) {
    let style = leptos::prelude::window()
        .get_computed_style(area)
        .ok()
        .flatten();
    let line_height = style
        .and_then(|s| s.get_property_value("line-height").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(18.0);
    let top = (f64::from(line) - 3.0).max(0.0) * line_height;
    #[allow(clippy::cast_possible_truncation)]
    area.set_scroll_top(top as i32);
}

/// A time of day for people, in the browser's time zone: `14:07`.
pub fn clock_time(ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// A date and time for people, in the browser's time zone: `2026-12-07 14:07`.
pub fn date_time(ms: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    crate::http::local_time(ms as i64)
}

/// Whether a drag carries files (so the page accepts the drop).
pub fn drag_has_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer()
        .map(|dt| {
            dt.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
        .unwrap_or(false)
}

/// The first file dropped, if any.
pub fn dropped_file(ev: &web_sys::DragEvent) -> Option<File> {
    ev.data_transfer()?.files()?.get(0)
}

/// Runs `f` between two User Timing marks and measures it as `name` (seen in the browser's
/// performance tools, and read by the keystroke benchmark).
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let performance = leptos::prelude::window().performance();
    let (start, end) = (format!("{name}:start"), format!("{name}:end"));
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &performance {
        let _ = p.mark(&end);
        let _ = p.measure_with_start_mark_and_end_mark(name, &start, &end);
    }
    out
}
