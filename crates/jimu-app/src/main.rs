//! 积木 Jimu's configurator: a Leptos (client-side rendered) web app where an admin edits a
//! bundle and sees its problems or its catalog and a live quote, computed by jimu-core in
//! the browser, and publishes it to the sync server (`jimu serve`) it is served by.
//!
//! Build it with Trunk from the workspace root (`trunk build --release=true --offline`).
//! It also compiles natively so that workspace-wide clippy and tests cover its logic.

mod app;
mod browser;
mod http;
mod i18n;
mod model;
mod server;
mod server_panel;
// Wired into the page by the shell that follows; until then only its tests use it.
#[allow(dead_code)]
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
