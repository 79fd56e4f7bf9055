//! A section's page: its members as text views (one tab each) with the section's problems,
//! and beside them the preview of what the engine computes from that section.

use crate::editors::text_view::TextView;
use crate::i18n::Key;
use crate::previews;
use crate::shell::workspace::Workspace;
use crate::state::pointer;
use crate::state::section::Section;
use crate::ui::problems::{ProblemList, section_key};
use leptos::prelude::*;

#[component]
pub fn SectionPage(ws: Workspace, section: Section) -> impl IntoView {
    if section == Section::Flows {
        return view! { <crate::editors::flows::FlowDesigner ws /> }.into_any();
    }
    if section == Section::Forms {
        return view! { <crate::editors::forms::FormDesigner ws /> }.into_any();
    }
    if section == Section::Pricing {
        return view! { <crate::editors::pricing::PricingEditor ws /> }.into_any();
    }
    if section == Section::Settlement {
        return view! { <crate::editors::settlement::SettlementEditor ws /> }.into_any();
    }
    let problems = section_problems(ws, section);
    let heading = Signal::derive(move || {
        ws.locale.get().fill(
            Key::SectionProblems,
            &[("count", &problems.with(Vec::len).to_string())],
        )
    });
    let preview = match section {
        Section::Pricing => view! { <previews::quote::QuotePreview ws /> }.into_any(),
        Section::Settlement => view! { <previews::orders::OrdersPreview ws /> }.into_any(),
        Section::Forms => view! { <previews::form::FormPreview ws /> }.into_any(),
        Section::Flows => view! { <previews::ticket::TicketPreview ws /> }.into_any(),
        _ => view! { <OrgSummary ws /> }.into_any(),
    };
    view! {
        <div class="page section-page" data-section=section.slug()>
            <header class="page-head">
                <h1 class="page-title">{move || ws.t(section_key(section))}</h1>
                <p class="muted">{move || ws.t(section_note(section))}</p>
            </header>
            <div class="split-view">
                <div class="pane">
                    <MemberJson ws section />
                    <Show when=move || !problems.with(Vec::is_empty)>
                        <ProblemList ws problems heading list_id="section-problems" />
                    </Show>
                </div>
                <div class="pane">{preview}</div>
            </div>
        </div>
    }
    .into_any()
}

/// The problems about a section, for the list on its page.
pub fn section_problems(ws: Workspace, section: Section) -> Signal<Vec<jimu_core::Problem>> {
    Signal::derive(move || {
        ws.checked.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.problems()
                        .iter()
                        .filter(|p| Section::holding(&p.path) == section)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    })
}

/// The section's members as text views, one tab each (the tab holding the selection open):
/// every section page has it, beside or under its visual editor.
#[component]
pub fn MemberJson(ws: Workspace, section: Section) -> impl IntoView {
    let members = section.members();
    // The member tab open: the one holding the selection, else the first.
    let tab = RwSignal::new(0usize);
    Effect::new(move |_| {
        ws.reveal.track();
        if let Some(selected) = ws.selection.get_untracked()
            && let Some(first) = pointer::first(&selected)
            && let Some(i) = members.iter().position(|m| *m == first)
        {
            tab.set(i);
        }
    });
    let tabs = members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id=format!("tab-{member}")
                    aria-selected=move || if tab.get() == i { "true" } else { "false" }
                    aria-controls="member-panel"
                    on:click=move |_| tab.set(i)
                >
                    <code>{*member}</code>
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="json-title">
                        <div class="card-head">
                            <h2 class="card-title" id="json-title">{move || ws.t(Key::JsonTitle)}</h2>
                            <div role="tablist" class="tabs" aria-label=move || ws.t(Key::JsonTitle)>{tabs}</div>
                        </div>
                        <div id="member-panel" role="tabpanel">
                            {move || {
                                let member = members.get(tab.get()).copied().unwrap_or_default();
                                let at = format!("/{member}");
                                view! {
                                    <TextView
                                        ws
                                        at
                                        label=Signal::derive(move || ws.locale.get().fill(Key::MemberJson, &[("member", member)]))
                                    />
                                }
                            }}
                        </div>
                    </section>
    }
}

fn section_note(section: Section) -> Key {
    match section {
        Section::Flows => Key::NoteFlows,
        Section::Forms => Key::NoteForms,
        Section::Pricing => Key::NotePricing,
        Section::Settlement => Key::NoteSettlement,
        _ => Key::NoteOrg,
    }
}

/// What the organisation and calendars hold, for the org section's side.
#[component]
fn OrgSummary(ws: Workspace) -> impl IntoView {
    let lists = move || {
        let tag = ws.locale.get().tag();
        ws.read(|doc| {
            [
                (Key::OrgRegions, "/org/regions"),
                (Key::OrgTeams, "/org/teams"),
                (Key::OrgRoles, "/org/roles"),
                (Key::OrgAgents, "/org/agents"),
                (Key::OrgCalendars, "/calendars"),
            ]
            .into_iter()
            .map(|(key, at)| {
                let names: Vec<String> = doc
                    .pointer(at)
                    .and_then(|v| v.as_array())
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|item| {
                                let id = item.get("id")?.as_str()?;
                                let name = item
                                    .get("name")
                                    .and_then(|n| n.get(tag).or(Some(n)))
                                    .and_then(|n| n.as_str())
                                    .unwrap_or(id);
                                Some(name.to_owned())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (key, names)
            })
            .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" aria-labelledby="org-summary-title">
            <div class="card-head">
                <h2 class="card-title" id="org-summary-title">{move || ws.t(Key::OrgSummaryTitle)}</h2>
            </div>
            <dl class="org-summary">
                {move || {
                    lists()
                        .into_iter()
                        .map(|(key, names)| {
                            let count = names.len();
                            view! {
                                <dt>{ws.t(key)} " (" {count} ")"</dt>
                                <dd>{if names.is_empty() { "—".to_owned() } else { names.join("、") }}</dd>
                            }
                        })
                        .collect_view()
                }}
            </dl>
        </section>
    }
}
