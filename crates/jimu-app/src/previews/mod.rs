//! Previews of what the engine computes from the bundle being edited: quotes, form fills,
//! ticket timelines and order splits, each a model tested natively and a view over it. They
//! show the last bundle that loaded; while the document has errors (or text not applied) the
//! result is marked stale rather than hidden.

pub mod form;
pub mod impact;
pub mod orders;
pub mod quote;
pub mod ticket;

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use leptos::prelude::*;

/// "Stale: showing the last version that loaded" while the document is not what it shows.
#[component]
pub fn Stale(ws: Workspace) -> impl IntoView {
    view! {
        <Show when=move || ws.is_stale() && ws.good.with(Option::is_some)>
            <span class="stale-badge" role="status" title=move || ws.t(Key::StaleTitle)>
                {move || ws.t(Key::Stale)}
            </span>
        </Show>
    }
}
