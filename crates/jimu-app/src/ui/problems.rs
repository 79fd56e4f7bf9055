//! Problems as the configurator lists them: each one a button that lands on what it names
//! (its section opens and the value is selected), with its pointer, code, position, message
//! and hint in the interface's language.

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::section::Section;
use jimu_core::Problem;
use leptos::prelude::*;

/// A JSON pointer as people read it: the whole document ("") is shown as "/".
pub fn display_path(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// One problem as a list item; picking it calls `on_pick` (without one, the item is only read:
/// a problem of a file that was not opened has nothing to land on).
#[component]
pub fn ProblemItems(
    ws: Workspace,
    problem: Problem,
    #[prop(optional)] on_pick: Option<Callback<()>>,
) -> impl IntoView {
    let locale = ws.locale;
    let severity = if problem.is_error() {
        "error"
    } else {
        "warning"
    };
    let path = problem.path.clone();
    let section = Section::holding(&path);
    let position = problem.line.zip(problem.column);
    let problem = StoredValue::new(problem);
    let body = view! {
                <span class="problem-head">
                    <code class="problem-path">{display_path(&path).to_owned()}</code>
                    " "
                    <span class="problem-code">{problem.with_value(|p| p.code.as_str())}</span>
                    {position
                        .map(|(line, column)| {
                            view! {
                                " "
                                <span class="problem-pos">
                                    {move || {
                                        locale
                                            .get()
                                            .fill(
                                                Key::ProblemPosition,
                                                &[("line", &line.to_string()), ("column", &column.to_string())],
                                            )
                                    }}
                                </span>
                            }
                        })}
                    " "
                    <span class="problem-section">{move || locale.get().text(section_key(section))}</span>
                </span>
                <span class="problem-message">
                    {move || problem.with_value(|p| p.message.get(locale.get().tag()).to_owned())}
                </span>
                {move || {
                    problem
                        .with_value(|p| p.hint.clone())
                        .map(|hint| {
                            view! {
                                <span class="problem-hint">
                                    <span class="hint-label">{locale.get().text(Key::ProblemHint)}</span>
                                    {hint.get(locale.get().tag()).to_owned()}
                                </span>
                            }
                        })
                }}
    };
    view! {
        <li class="problem" data-path=path.clone() data-code=problem.with_value(|p| p.code.as_str()) data-severity=severity>
            {match on_pick {
                Some(pick) => view! {
                    <button type="button" class="problem-button" on:click=move |_| pick.run(())>
                        {body}
                    </button>
                }
                .into_any(),
                None => view! { <div class="problem-body">{body}</div> }.into_any(),
            }}
        </li>
    }
}

/// The navigation label of a section.
pub fn section_key(section: Section) -> Key {
    match section {
        Section::Overview => Key::NavOverview,
        Section::Flows => Key::NavFlows,
        Section::Forms => Key::NavForms,
        Section::Pricing => Key::NavPricing,
        Section::Settlement => Key::NavSettlement,
        Section::Org => Key::NavOrg,
        Section::Publish => Key::NavPublish,
        Section::Templates => Key::NavTemplates,
    }
}

/// A card listing problems; each one, picked, selects what it names.
#[component]
pub fn ProblemList(
    ws: Workspace,
    /// The problems to list (tracked).
    problems: Signal<Vec<Problem>>,
    heading: Signal<String>,
    /// `id` of the list, for tests and links.
    #[prop(into)]
    list_id: String,
    #[prop(optional)] warning: bool,
) -> impl IntoView {
    let class = if warning {
        "card card-warn"
    } else {
        "card card-error"
    };
    view! {
        <section class=class aria-label=move || heading.get()>
            <div class="card-head">
                <h3 class="card-title">{move || heading.get()}</h3>
            </div>
            <ul id=list_id class="problems">
                {move || {
                    problems
                        .get()
                        .into_iter()
                        .map(|problem| {
                            let path = problem.path.clone();
                            view! { <ProblemItems ws problem on_pick=Callback::new(move |()| ws.select(&path)) /> }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
