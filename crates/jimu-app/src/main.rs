//! 积木 Jimu's configurator: a Leptos (client-side rendered) web app where an admin edits a
//! bundle in sections, sees every problem and what the engine computes from it (quotes, form
//! fills, ticket timelines, order splits) in the browser, keeps drafts, and publishes to the
//! sync server (`jimu serve`) it is served by.
//!
//! Build it with Trunk from the workspace root (`trunk build --release=true --offline`).
//! It also compiles natively so that workspace-wide clippy and tests cover its logic.
//!
//! Folders: `state` (the document store and what is derived from it, no browser), `shell`
//! (the frame, drafts, import, templates), `editors` (one per section), `previews`, `ui`
//! (shared pieces); `server`, `http` and `server_panel` talk to the sync server.

mod browser;
mod editors;
mod http;
mod i18n;
mod previews;
mod server;
mod server_panel;
mod shell;
mod state;
mod ui;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(shell::App);
}
