//! The catalog's CSV import and export: export writes every item (names in both languages,
//! amounts as written); import reads a file back, replaces the catalog in one undoable step,
//! or lists each problem with its line and column and changes nothing.

use crate::browser;
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::catalog_csv::{CsvProblem, export, import};
use crate::ui::fields::write;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn CatalogCsv(ws: Workspace) -> impl IntoView {
    let problems = RwSignal::new(Vec::<CsvProblem>::new());
    let download = move |_| {
        let catalog = ws.value_at("/catalog").unwrap_or(Value::Array(Vec::new()));
        // With a byte-order mark, so spreadsheet programs read the UTF-8 names right.
        let _ = browser::download(
            "catalog.csv",
            &format!("\u{feff}{}", export(&catalog)),
            "text/csv",
        );
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = browser::chosen_file(&input) else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let Ok(text) = browser::read_text(&file).await else {
                return;
            };
            match import(&text) {
                Ok(catalog) => {
                    problems.set(Vec::new());
                    write(ws, "/catalog", catalog, false);
                }
                Err(found) => problems.set(found),
            }
        });
    };
    view! {
        <button type="button" class="btn btn-small" id="catalog-export" on:click=download>{move || ws.t(Key::CatalogExport)}</button>
        <label class="btn btn-small file-btn">
            <input id="catalog-import" class="visually-hidden" type="file" accept=".csv,text/csv" on:change=on_file />
            <span>{move || ws.t(Key::CatalogImport)}</span>
        </label>
        <Show when=move || !problems.with(Vec::is_empty)>
            <ul class="field-error catalog-problems" id="catalog-problems" role="status">
                {move || {
                    let locale = ws.locale.get();
                    problems
                        .get()
                        .into_iter()
                        .map(|p| view! { <li data-line=p.line>{p.message.get(locale.tag()).to_owned()}</li> })
                        .collect_view()
                }}
            </ul>
        </Show>
    }
}
