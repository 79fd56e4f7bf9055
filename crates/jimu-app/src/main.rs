//! 积木 Jimu's configurator: a Leptos (client-side rendered) web app where an admin edits a
//! bundle and sees its problems or its catalog and a live quote, computed by jimu-core in
//! the browser.
//!
//! Build it with Trunk from the workspace root (`trunk build --release=true --offline`).
//! It also compiles natively so that workspace-wide clippy and tests cover its logic.

mod app;
mod browser;
mod i18n;
mod model;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
