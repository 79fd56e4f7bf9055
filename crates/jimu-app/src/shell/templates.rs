//! "New from template": the scenario bundles the project ships (`tests/bundles/valid/`, each
//! one scenario of the domain brief) as starting points, in a gallery with a line of
//! description each in zh-CN and en and what each one holds.

use crate::i18n::Key;
use crate::shell::workspace::{Workspace, blank_bundle};
use crate::state::section::Section;
use leptos::prelude::*;
use serde_json::Value;

/// One template: the file it comes from and its text.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// The file name without `.json` (also the id in the page).
    pub slug: &'static str,
    pub text: &'static str,
}

macro_rules! templates {
    ($($slug:literal),+ $(,)?) => {
        /// Every template, in the gallery's order.
        pub const TEMPLATES: &[Template] = &[$(Template {
            slug: $slug,
            text: include_str!(concat!("../../../../tests/bundles/valid/", $slug, ".json")),
        }),+];
    };
}

templates![
    "flow-appliance-repair",
    "flow-priced-repair",
    "flow-ac-installation",
    "flow-auto-4s-service",
    "flow-complaint-escalation",
    "flow-education-refund",
    "flow-keyword-triage",
    "flow-notifications",
    "flow-seasonal-nodes",
    "flow-side-effects",
    "form-catering-rating",
    "form-complaint-routing",
    "form-permissions",
    "form-shared-variants",
    "catalog-home-services",
    "pricing-beijing-ac-cleaning",
    "pricing-call-out-distance",
    "pricing-double-11",
    "pricing-overtime-equipment-maintenance",
    "pricing-parts-cost-coefficient",
    "pricing-porterage",
    "pricing-published-tiers",
    "pricing-shanghai-repair-labour",
    "pricing-vip-service-fee",
    "settlement-channel-promotions",
    "settlement-dealer-quarterly-rebate",
    "settlement-double-11",
    "settlement-education-refund",
    "settlement-franchise-vs-direct",
    "settlement-installer-city-rate",
    "settlement-inventory-backlog",
    "settlement-live-stream",
    "settlement-referral-reward",
    "settlement-single-store-vs-chain",
    "settlement-weighted-partners",
    "org-appliance-repair",
    "calendar-china-holidays-2025",
    "calendar-published-sla",
];

impl Template {
    pub fn value(self) -> Option<Value> {
        serde_json::from_str(self.text).ok()
    }

    /// The section a template is about (where it opens).
    pub fn section(self) -> Section {
        match self.slug.split('-').next() {
            Some("flow") => Section::Flows,
            Some("form") => Section::Forms,
            Some("catalog" | "pricing") => Section::Pricing,
            Some("settlement") => Section::Settlement,
            Some("org" | "calendar") => Section::Org,
            _ => Section::Overview,
        }
    }
}

/// What a bundle holds, counted for a summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holds {
    pub flows: usize,
    pub nodes: usize,
    pub forms: usize,
    pub fields: usize,
    pub items: usize,
    pub rules: usize,
    pub tier_tables: usize,
    pub parties: usize,
    pub plans: usize,
    pub calendars: usize,
    pub regions: usize,
}

fn len(value: &Value, at: &str) -> usize {
    value
        .pointer(at)
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn sum_of(value: &Value, list: &str, member: &str) -> usize {
    value
        .pointer(list)
        .and_then(Value::as_array)
        .map_or(0, |items| items.iter().map(|i| len(i, member)).sum())
}

/// Counts what a bundle document holds (from the JSON, so it works on invalid ones too).
pub fn holds(doc: &Value) -> Holds {
    Holds {
        flows: len(doc, "/flows"),
        nodes: sum_of(doc, "/flows", "/nodes"),
        forms: len(doc, "/forms"),
        fields: sum_of(doc, "/forms", "/fields"),
        items: len(doc, "/catalog"),
        rules: sum_of(doc, "/pricing/groups", "/rules"),
        tier_tables: len(doc, "/pricing/tier_tables") + len(doc, "/settlement/tier_tables"),
        parties: len(doc, "/settlement/parties"),
        plans: len(doc, "/settlement/plans"),
        calendars: len(doc, "/calendars"),
        regions: len(doc, "/org/regions"),
    }
}

impl Holds {
    /// The non-zero counts as `(key, count)`, for a summary line.
    pub fn parts(self) -> Vec<(Key, usize)> {
        [
            (Key::HoldsFlows, self.flows),
            (Key::HoldsNodes, self.nodes),
            (Key::HoldsForms, self.forms),
            (Key::HoldsFields, self.fields),
            (Key::HoldsItems, self.items),
            (Key::HoldsRules, self.rules),
            (Key::HoldsTierTables, self.tier_tables),
            (Key::HoldsParties, self.parties),
            (Key::HoldsPlans, self.plans),
            (Key::HoldsCalendars, self.calendars),
            (Key::HoldsRegions, self.regions),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// The description of a bundle in a language, if it has one.
pub fn description(doc: &Value, tag: &str) -> Option<String> {
    match doc.get("description")? {
        Value::String(text) => Some(text.clone()),
        Value::Object(map) => map
            .get(tag)
            .or_else(|| map.get("en"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

fn group_key(section: Section) -> Key {
    match section {
        Section::Flows => Key::TemplatesFlows,
        Section::Forms => Key::TemplatesForms,
        Section::Pricing => Key::TemplatesPricing,
        Section::Settlement => Key::TemplatesSettlement,
        _ => Key::TemplatesOrg,
    }
}

/// The gallery page.
#[component]
pub fn Gallery(ws: Workspace) -> impl IntoView {
    let use_template = move |template: Template| {
        if let Some(value) = template.value() {
            let what = crate::state::draft::bundle_name(&value)
                .unwrap_or_else(|| template.slug.to_owned());
            ws.open_document(value, what);
            ws.go(template.section());
        }
    };
    let use_blank = move |_| {
        ws.open_document(
            blank_bundle(),
            ws.locale.get_untracked().text(Key::BlankBundle).to_owned(),
        );
        ws.go(Section::Overview);
    };
    let groups = [
        Section::Flows,
        Section::Forms,
        Section::Pricing,
        Section::Settlement,
        Section::Org,
    ]
    .into_iter()
    .map(|section| {
        let cards = TEMPLATES
            .iter()
            .copied()
            .filter(|t| t.section() == section)
            .filter_map(|template| {
                let doc = template.value()?;
                let doc = StoredValue::new(doc);
                let name = doc.with_value(crate::state::draft::bundle_name).unwrap_or_else(|| template.slug.to_owned());
                let heading_id = format!("template-{}-title", template.slug);
                Some(view! {
                    <li class="template-card" data-template=template.slug>
                        <h3 class="template-name" id=heading_id.clone()>{name}</h3>
                        <p class="template-desc">
                            {move || doc.with_value(|d| description(d, ws.locale.get().tag())).unwrap_or_default()}
                        </p>
                        <p class="template-holds muted">
                            {move || {
                                let locale = ws.locale.get();
                                doc.with_value(holds)
                                    .parts()
                                    .into_iter()
                                    .map(|(key, n)| locale.fill(key, &[("count", &n.to_string())]))
                                    .collect::<Vec<_>>()
                                    .join(" · ")
                            }}
                        </p>
                        <button
                            type="button"
                            class="btn btn-primary btn-small"
                            aria-describedby=heading_id
                            on:click=move |_| use_template(template)
                        >
                            {move || ws.t(Key::UseTemplate)}
                        </button>
                    </li>
                })
            })
            .collect_view();
        view! {
            <section class="template-group">
                <h2 class="group-title">{move || ws.t(group_key(section))}</h2>
                <ul class="template-grid">{cards}</ul>
            </section>
        }
    })
    .collect_view();
    view! {
        <div class="page gallery">
            <header class="page-head">
                <h1 class="page-title">{move || ws.t(Key::TemplatesTitle)}</h1>
                <p class="muted">{move || ws.t(Key::TemplatesNote)}</p>
                <button id="blank-bundle" type="button" class="btn" on:click=use_blank>
                    {move || ws.t(Key::StartBlank)}
                </button>
            </header>
            {groups}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_loads_and_says_what_it_is_in_both_languages() {
        for template in TEMPLATES {
            let value = template.value().expect("JSON");
            assert!(
                jimu_core::Bundle::from_value(&value).is_ok(),
                "{} loads",
                template.slug
            );
            let zh = description(&value, "zh-CN").expect("a description");
            let en = description(&value, "en").expect("a description");
            assert_ne!(zh, en, "{}", template.slug);
            assert!(!holds(&value).parts().is_empty() || template.slug.starts_with("calendar"));
        }
    }

    #[test]
    fn every_shipped_scenario_bundle_is_a_template() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/bundles/valid");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("the folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
            .collect();
        files.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|t| t.slug.to_owned()).collect();
        listed.sort();
        assert_eq!(files, listed);
    }

    #[test]
    fn holds_counts_what_a_bundle_has() {
        let value = TEMPLATES
            .iter()
            .find(|t| t.slug == "flow-appliance-repair")
            .and_then(|t| t.value())
            .expect("there");
        let h = holds(&value);
        assert_eq!((h.flows, h.nodes, h.forms, h.fields), (1, 8, 1, 6));
        assert_eq!(
            Template {
                slug: "pricing-x",
                text: ""
            }
            .section(),
            Section::Pricing
        );
        assert_eq!(
            Template {
                slug: "calendar-x",
                text: ""
            }
            .section(),
            Section::Org
        );
    }
}
