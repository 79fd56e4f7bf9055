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
