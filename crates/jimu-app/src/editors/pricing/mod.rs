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

/// The problems of a section, for the list under its editors.
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

#[component]
pub fn PricingEditor(ws: Workspace) -> impl IntoView {
    let problems = section_problems(ws, Section::Pricing);
    let heading = Signal::derive(move || {
        ws.locale.get().fill(
            Key::SectionProblems,
            &[("count", &problems.with(Vec::len).to_string())],
        )
    });
    view! {
        <div class="page money-page" data-section="pricing">
            <header class="page-head flow-head">
                <h1 class="page-title">{move || ws.t(Key::NavPricing)}</h1>
                <p class="muted">{move || ws.t(Key::NotePricing)}</p>
            </header>
            <div class="money-layout">
                <div class="money-main">
                    <Show when=move || !problems.with(Vec::is_empty)>
                        <ProblemList ws problems heading list_id="section-problems" />
                    </Show>
                    <rules::RuleGroups ws />
                    <tables::TierTables ws />
                    <catalog::CatalogTable ws />
                    <crate::editors::section::MemberJson ws section=Section::Pricing />
                </div>
                <div class="money-side">
                    <QuotePreview ws />
                    <crate::previews::impact::ImpactPanel ws />
                </div>
            </div>
        </div>
    }
}
