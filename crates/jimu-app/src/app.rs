//! The configurator's page: Leptos components wired to the logic in [`crate::model`].
//!
//! State is three signals (the bundle text, the quantity inputs and the language); the
//! bundle, the pricing and the status are memos derived from them, so everything on the
//! page follows the text as it is typed. The sync server panel (`crate::server_panel`)
//! reads and replaces the text through the same signals.

use crate::browser;
use crate::i18n::{Key, Locale};
use crate::model::{self, BundleState, Pricing, Quantities};
use crate::server_panel::{Editor, Server, ServerPanel};
use jimu_core::format::catalog::ItemKind;
use jimu_core::{Bundle, Problem, Quote, Stage};
use leptos::prelude::*;
use std::collections::BTreeSet;
use web_sys::HtmlInputElement;

/// A short message under the editor about where its text last came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    ExampleLoaded,
    FileLoaded(String),
    FileReadFailed(String),
    ExportFailed,
    /// A version opened from the sync server.
    Opened {
        name: String,
        version: i64,
    },
    /// Text kept aside was put back.
    Restored,
}

impl Notice {
    fn text(&self, locale: Locale) -> String {
        match self {
            Self::ExampleLoaded => locale.text(Key::ExampleLoaded).to_owned(),
            Self::FileLoaded(name) => locale.fill(Key::FileLoaded, &[("name", name)]),
            Self::FileReadFailed(name) => locale.fill(Key::FileReadFailed, &[("name", name)]),
            Self::ExportFailed => locale.text(Key::ExportFailed).to_owned(),
            Self::Opened { name, version } => locale.fill(
                Key::NoticeOpened,
                &[("name", name), ("version", &version.to_string())],
            ),
            Self::Restored => locale.text(Key::NoticeRestored).to_owned(),
        }
    }

    fn is_error(&self) -> bool {
        matches!(self, Self::FileReadFailed(_) | Self::ExportFailed)
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let locale = RwSignal::new(Locale::default());
    let text = RwSignal::new(String::new());
    let quantities = RwSignal::new(Quantities::new());
    let notice = RwSignal::new(None::<Notice>);

    let bundle = Memo::new(move |_| text.with(|text| model::read_bundle(text)));
    let pricing = Memo::new(move |_| {
        bundle.with(|bundle| match bundle {
            BundleState::Valid(bundle) => {
                Some(quantities.with(|quantities| model::price(bundle, quantities)))
            }
            BundleState::Empty | BundleState::Invalid(_) => None,
        })
    });
    let status = Memo::new(move |_| {
        bundle.with(|bundle| pricing.with(|pricing| model::status(bundle, pricing.as_ref())))
    });
    let invalid_items = Memo::new(move |_| {
        bundle.with(|bundle| pricing.with(|pricing| model::invalid_items(bundle, pricing.as_ref())))
    });

    let server = Server::new(Editor {
        text,
        quantities,
        notice,
        bundle,
    });

    Effect::new(move |_| {
        let locale = locale.get();
        browser::set_document_language(locale.tag(), locale.text(Key::DocumentTitle));
    });

    let t = move |key: Key| locale.get().text(key);

    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">{move || t(Key::BrandMark)}</span>
                    <span class="brand-name">{move || t(Key::AppName)}</span>
                    <span class="brand-tagline">{move || t(Key::AppTagline)}</span>
                </div>
                <button
                    id="lang-toggle"
                    type="button"
                    class="btn btn-ghost"
                    title=move || t(Key::LangToggleTitle)
                    lang=move || locale.get().other().tag()
                    on:click=move |_| locale.update(|locale| *locale = locale.other())
                >
                    {move || t(Key::LangToggle)}
                </button>
            </header>
            <main class="layout">
                <EditorPanel locale text quantities notice status server />
                <div class="side">
                    <ServerPanel locale server />
                    <ResultPanel locale bundle pricing status invalid_items quantities />
                </div>
            </main>
            <footer class="footer">{move || t(Key::Footer)}</footer>
        </div>
    }
}

/// The left column: the bundle text and the ways to fill it.
#[component]
fn EditorPanel(
    locale: RwSignal<Locale>,
    text: RwSignal<String>,
    quantities: RwSignal<Quantities>,
    notice: RwSignal<Option<Notice>>,
    status: Memo<model::Status>,
    server: Server,
) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);

    let load = move |contents: String, what: Notice| {
        quantities.set(Quantities::new());
        text.set(contents);
        notice.set(Some(what));
    };
    let load_example = move |_| load(model::EXAMPLE_BUNDLE.to_owned(), Notice::ExampleLoaded);
    let open_file = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = browser::chosen_file(&input) else {
            return;
        };
        // Let the same file be chosen again after it was edited on disk.
        input.set_value("");
        leptos::task::spawn_local(async move {
            let name = file.name();
            match browser::read_text(&file).await {
                Ok(contents) => {
                    server.suggest_name(&name);
                    load(contents, Notice::FileLoaded(name));
                }
                Err(_) => notice.set(Some(Notice::FileReadFailed(name))),
            }
        });
    };
    let format = move |_| {
        if let Some(pretty) = text.with(|text| model::pretty_json(text)) {
            text.set(pretty);
        }
    };
    let export = move |_| {
        let contents = text.with(|text| model::export_text(text));
        if browser::download(model::EXPORT_FILE_NAME, &contents, "application/json").is_err() {
            notice.set(Some(Notice::ExportFailed));
        }
    };
    let is_empty = move || status.get() == model::Status::Empty;

    view! {
        <section class="panel editor-panel">
            <div class="panel-head">
                <h2 class="panel-title">{move || t(Key::EditorTitle)}</h2>
                <div class="toolbar">
                    <button id="load-example" type="button" class="btn" on:click=load_example>
                        {move || t(Key::LoadExample)}
                    </button>
                    <label class="btn file-btn">
                        <input
                            id="bundle-file"
                            class="visually-hidden"
                            type="file"
                            accept=".json,application/json"
                            on:change=open_file
                        />
                        <span>{move || t(Key::OpenFile)}</span>
                    </label>
                    <button
                        id="format-json"
                        type="button"
                        class="btn"
                        title=move || t(Key::FormatJsonTitle)
                        disabled=is_empty
                        on:click=format
                    >
                        {move || t(Key::FormatJson)}
                    </button>
                    <button
                        id="export-json"
                        type="button"
                        class="btn btn-primary"
                        title=move || t(Key::ExportJsonTitle)
                        disabled=is_empty
                        on:click=export
                    >
                        {move || t(Key::ExportJson)}
                    </button>
                </div>
            </div>
            <textarea
                id="bundle-input"
                class="code-input"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                aria-label=move || t(Key::EditorLabel)
                placeholder=move || t(Key::EditorPlaceholder)
                prop:value=move || text.get()
                on:input=move |ev| {
                    notice.set(None);
                    text.set(event_target_value(&ev));
                }
            ></textarea>
            <div class="editor-foot">
                <span id="notice" role="status" class:error=move || notice.with(|n| n.as_ref().is_some_and(Notice::is_error))>
                    {move || notice.with(|n| n.as_ref().map(|n| n.text(locale.get())))}
                </span>
                <span class="editor-stats">
                    {move || {
                        let (lines, chars) = text.with(|text| model::text_stats(text));
                        locale
                            .get()
                            .fill(Key::EditorStats, &[("lines", &lines.to_string()), ("chars", &chars.to_string())])
                    }}
                </span>
            </div>
        </section>
    }
}

/// The right column: status, problems, the catalog with its quantity inputs, and the quote.
#[component]
fn ResultPanel(
    locale: RwSignal<Locale>,
    bundle: Memo<BundleState>,
    pricing: Memo<Option<Pricing>>,
    status: Memo<model::Status>,
    invalid_items: Memo<BTreeSet<String>>,
    quantities: RwSignal<Quantities>,
) -> impl IntoView {
    let t = move |key: Key| locale.get().text(key);

    let heading = move || {
        let locale = locale.get();
        bundle.with(|bundle| match bundle {
            BundleState::Valid(bundle) => bundle
                .doc()
                .name
                .clone()
                .unwrap_or_else(|| locale.text(Key::UntitledBundle).to_owned()),
            BundleState::Empty | BundleState::Invalid(_) => {
                locale.text(Key::ResultTitle).to_owned()
            }
        })
    };
    let summary = move || {
        let locale = locale.get();
        bundle.with(|bundle| match bundle {
            BundleState::Valid(bundle) => Some(locale.fill(
                Key::BundleSummary,
                &[
                    ("currency", bundle.currency().code),
                    ("count", &bundle.catalog().len().to_string()),
                ],
            )),
            BundleState::Empty | BundleState::Invalid(_) => None,
        })
    };

    let problems = move || {
        let locale = locale.get();
        bundle.with(|bundle| {
            pricing.with(|pricing| {
                let (stage, problems) = model::shown_problems(bundle, pricing.as_ref())?;
                let valid = match bundle {
                    BundleState::Valid(valid) => Some(&**valid),
                    BundleState::Empty | BundleState::Invalid(_) => None,
                };
                Some(problem_list(locale, stage, problems, valid))
            })
        })
    };

    let warnings = move || {
        let locale = locale.get();
        bundle.with(|bundle| match bundle {
            BundleState::Valid(valid) if !valid.warnings().is_empty() => {
                let problems = valid.warnings();
                Some(problem_card(
                    locale,
                    locale.fill(
                        Key::WarningsHeading,
                        &[("count", &problems.len().to_string())],
                    ),
                    "warnings",
                    "bundle",
                    Tone::Warning,
                    problems,
                    Some(valid),
                ))
            }
            _ => None,
        })
    };

    let catalog = move || {
        let locale = locale.get();
        bundle.with(|bundle| match bundle {
            BundleState::Valid(bundle) => {
                Some(catalog_table(locale, bundle, quantities, invalid_items))
            }
            BundleState::Empty | BundleState::Invalid(_) => None,
        })
    };

    let quote = move || {
        let locale = locale.get();
        bundle.with(|bundle| {
            pricing.with(|pricing| match (bundle, pricing) {
                (BundleState::Valid(bundle), Some(Pricing::Quoted(quote))) => {
                    Some(quote_table(locale, bundle, quote).into_any())
                }
                (BundleState::Valid(_), Some(Pricing::Invalid { .. })) => Some(
                    view! {
                        <section class="card">
                            <div class="card-head">
                                <h3 class="card-title">{locale.text(Key::QuoteTitle)}</h3>
                            </div>
                            <p class="card-note">{locale.text(Key::QuoteUnavailable)}</p>
                        </section>
                    }
                    .into_any(),
                ),
                _ => None,
            })
        })
    };

    let empty = move || {
        (status.get() == model::Status::Empty).then(|| {
            view! {
                <div class="empty-state">
                    <div class="empty-icon" aria-hidden="true">{t(Key::EmptyIcon)}</div>
                    <h3>{t(Key::EmptyTitle)}</h3>
                    <p>{t(Key::EmptyBody)}</p>
                </div>
            }
        })
    };

    view! {
        <section class="panel result-panel">
            <div class="panel-head">
                <div class="result-title">
                    <h2 class="panel-title">{heading}</h2>
                    <span class="result-summary">{summary}</span>
                </div>
                <span
                    id="status"
                    class="status"
                    data-state=move || status.get().data_state()
                    role="status"
                >
                    <span class="status-dot" aria-hidden="true"></span>
                    {move || t(status.get().key())}
                </span>
            </div>
            <div class="result-body">{empty} {problems} {warnings} {catalog} {quote}</div>
        </section>
    }
}

/// The list of problems of one stage (`bundle` is the valid bundle for request problems,
/// to name the item each one is about).
fn problem_list(
    locale: Locale,
    stage: Stage,
    problems: &[Problem],
    bundle: Option<&Bundle>,
) -> impl IntoView + use<> {
    let heading = locale.fill(
        model::problems_heading(stage),
        &[("count", &problems.len().to_string())],
    );
    problem_card(
        locale,
        heading,
        "problems",
        model::stage_name(stage),
        Tone::Error,
        problems,
        bundle,
    )
}

/// How a problem card looks: errors in red, warnings in amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Error,
    Warning,
}

/// A card listing problems, each with its JSON pointer, code, position, message and hint: the
/// one list for local validation, warnings and the problems a server found (`list_id` and
/// `stage` become the list's `id` and `data-stage`).
pub fn problem_card(
    locale: Locale,
    heading: String,
    list_id: &'static str,
    stage: &'static str,
    tone: Tone,
    problems: &[Problem],
    bundle: Option<&Bundle>,
) -> impl IntoView + use<> {
    let items = problems
        .iter()
        .map(|problem| {
            let position = problem.line.zip(problem.column).map(|(line, column)| {
                locale.fill(Key::ProblemPosition, &[("line", &line.to_string()), ("column", &column.to_string())])
            });
            let item = bundle
                .and_then(|bundle| model::line_item(bundle, &problem.path))
                .map(|item| locale.fill(Key::ProblemForItem, &[("item", item.name.localized().get(locale.tag()))]));
            let hint = problem.hint.as_ref().map(|hint| hint.get(locale.tag()).to_owned());
            view! {
                <li
                    class="problem"
                    data-path=problem.path.clone()
                    data-code=problem.code.as_str()
                    data-severity=if problem.is_error() { "error" } else { "warning" }
                >
                    <div class="problem-head">
                        <code class="problem-path">{model::display_path(&problem.path).to_owned()}</code>
                        " "
                        <span class="problem-code">{problem.code.as_str()}</span>
                        {position.map(|position| view! { " " <span class="problem-pos">{position}</span> })}
                        {item.map(|item| view! { " " <span class="problem-item">{item}</span> })}
                    </div>
                    <p class="problem-message">{problem.message.get(locale.tag()).to_owned()}</p>
                    {hint
                        .map(|hint| {
                            view! {
                                <p class="problem-hint">
                                    <span class="hint-label">{locale.text(Key::ProblemHint)}</span>
                                    {hint}
                                </p>
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let class = match tone {
        Tone::Error => "card card-error",
        Tone::Warning => "card card-warn",
    };
    view! {
        <section class=class>
            <div class="card-head">
                <h3 class="card-title">{heading}</h3>
            </div>
            <ul id=list_id class="problems" data-stage=stage>
                {items}
            </ul>
        </section>
    }
}

/// The catalog with one quantity input per item.
fn catalog_table(
    locale: Locale,
    bundle: &Bundle,
    quantities: RwSignal<Quantities>,
    invalid_items: Memo<BTreeSet<String>>,
) -> impl IntoView + use<> {
    let tag = locale.tag();
    let rows = bundle
        .catalog()
        .iter()
        .map(|item| {
            let name = item.name.localized().get(tag).to_owned();
            let (kind, kind_class) = match item.kind {
                ItemKind::Service => (locale.text(Key::KindService), "kind kind-service"),
                ItemKind::Part => (locale.text(Key::KindPart), "kind kind-part"),
            };
            let unit = item
                .unit
                .as_ref()
                .map_or_else(|| locale.text(Key::NoUnit).to_owned(), |unit| unit.localized().get(tag).to_owned());
            let label = locale.fill(Key::QuantityOf, &[("item", &name)]);
            let id = item.id.0.clone();
            let row_id = id.clone();
            let shown_id = id.clone();
            let value_id = id.clone();
            let input_id = id.clone();
            let invalid_id = id.clone();
            let aria_id = id.clone();
            view! {
                <tr data-item=row_id>
                    <td>
                        <div class="item-name">{name}</div>
                        <code class="item-id">{shown_id}</code>
                    </td>
                    <td>
                        <span class=kind_class>{kind}</span>
                    </td>
                    <td class="muted">{unit}</td>
                    <td class="num">{item.price.0.to_string()}</td>
                    <td class="num">
                        <input
                            class="qty"
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            spellcheck="false"
                            data-item=id
                            aria-label=label
                            class:invalid=move || invalid_items.with(|ids| ids.contains(&invalid_id))
                            aria-invalid=move || {
                                if invalid_items.with(|ids| ids.contains(&aria_id)) { "true" } else { "false" }
                            }
                            prop:value=move || {
                                quantities.with(|quantities| model::quantity_of(quantities, &value_id).to_owned())
                            }
                            on:input=move |ev| {
                                let value = event_target_value(&ev);
                                quantities
                                    .update(|quantities| {
                                        quantities.insert(input_id.clone(), value);
                                    });
                            }
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let body = if bundle.catalog().is_empty() {
        view! { <p class="card-note">{locale.text(Key::CatalogEmpty)}</p> }.into_any()
    } else {
        view! {
            <table id="catalog" class="data-table">
                <thead>
                    <tr>
                        <th>{locale.text(Key::ColItem)}</th>
                        <th>{locale.text(Key::ColKind)}</th>
                        <th>{locale.text(Key::ColUnit)}</th>
                        <th class="num">{locale.text(Key::ColUnitPrice)}</th>
                        <th class="num">{locale.text(Key::ColQuantity)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <div class="card-head">
                <h3 class="card-title">{locale.text(Key::CatalogTitle)}</h3>
            </div>
            {body}
        </section>
    }
}

/// The priced quote: one row per line, then subtotal and total.
fn quote_table(locale: Locale, bundle: &Bundle, quote: &Quote) -> impl IntoView + use<> {
    let tag = locale.tag();
    let rows = quote
        .lines
        .iter()
        .map(|line| {
            let unit = bundle
                .item(&line.item)
                .and_then(|item| item.unit.as_ref())
                .map(|unit| unit.localized().get(tag).to_owned());
            view! {
                <tr class="quote-line" data-item=line.item.clone()>
                    <td>{line.name.get(tag).to_owned()}</td>
                    <td class="num">
                        {line.quantity.to_string()}
                        {unit.map(|unit| view! { <span class="unit">{unit}</span> })}
                    </td>
                    <td class="num">{line.unit_price.to_string()}</td>
                    <td class="num">{line.amount.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <div class="card-head">
                <h3 class="card-title">{locale.text(Key::QuoteTitle)}</h3>
                <span class="currency-tag">
                    <span class="muted">{locale.text(Key::CurrencyLabel)}</span>
                    <span id="quote-currency">{quote.currency}</span>
                </span>
            </div>
            <table id="quote" class="data-table quote-table">
                <thead>
                    <tr>
                        <th>{locale.text(Key::ColItem)}</th>
                        <th class="num">{locale.text(Key::ColQuantity)}</th>
                        <th class="num">{locale.text(Key::ColUnitPrice)}</th>
                        <th class="num">{locale.text(Key::ColAmount)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr class="subtotal">
                        <th colspan="3">{locale.text(Key::Subtotal)}</th>
                        <td class="num" id="quote-subtotal">{quote.subtotal.to_string()}</td>
                    </tr>
                    <tr class="total">
                        <th colspan="3">
                            {locale.text(Key::Total)} <span class="total-currency">{quote.currency}</span>
                        </th>
                        <td class="num" id="quote-total">{quote.total.to_string()}</td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}
