//! The pricing section: the catalog as a table (with CSV import and export), the rule groups
//! and their rules in stacking order, and the tier tables with their charts; beside them the
//! quote preview, so a changed rule moves the total and the trace at once.

pub mod catalog;
pub mod csv;
pub mod rules;
pub mod tables;

use crate::i18n::Key;
use crate::previews::quote::QuotePreview;
use crate::shell::workspace::Workspace;
use crate::state::section::Section;
use crate::ui::problems::ProblemList;
use leptos::prelude::*;

/// A money section's page: its title and note, the section's problems, the editors (`main`),
/// the text view of its members under them, and the previews beside them (`side`) with the
/// impact of the draft.
#[component]
pub fn MoneyPage(
    ws: Workspace,
    section: Section,
    title: Key,
    note: Key,
    main: AnyView,
    side: AnyView,
) -> impl IntoView {
    let problems = crate::editors::section::section_problems(ws, section);
    let heading = Signal::derive(move || {
        ws.locale.get().fill(
            Key::SectionProblems,
            &[("count", &problems.with(Vec::len).to_string())],
        )
    });
    view! {
        <div class="page money-page" data-section=section.slug()>
            <header class="page-head flow-head">
                <h1 class="page-title">{move || ws.t(title)}</h1>
                <p class="muted">{move || ws.t(note)}</p>
            </header>
            <div class="money-layout">
                <div class="money-main">
                    <Show when=move || !problems.with(Vec::is_empty)>
                        <ProblemList ws problems heading list_id="section-problems" />
                    </Show>
                    {main}
                    <crate::editors::section::MemberJson ws section />
                </div>
                <div class="money-side">
                    {side}
                    <crate::previews::impact::ImpactPanel ws />
                </div>
            </div>
        </div>
    }
}

#[component]
pub fn PricingEditor(ws: Workspace) -> impl IntoView {
    let main = view! {
        <rules::RuleGroups ws />
        <tables::TierTables ws />
        <catalog::CatalogTable ws />
    }
    .into_any();
    let side = view! { <QuotePreview ws /> }.into_any();
    view! { <MoneyPage ws section=Section::Pricing title=Key::NavPricing note=Key::NotePricing main side /> }
}
