//! The configurator's sections: their URLs, the parts of the bundle each one edits, and which
//! section holds a given JSON pointer (so a problem or a selection opens the right one).

use super::pointer;

/// A part of the configurator with its own URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Overview,
    Flows,
    Forms,
    Pricing,
    Settlement,
    /// Calendars and the organisation (regions, teams, people, roles).
    Org,
    Publish,
    /// The template gallery ("New from template").
    Templates,
}

impl Section {
    /// The sections in the order the navigation lists them (the gallery is reached from the
    /// top bar).
    pub const NAV: [Section; 7] = [
        Section::Overview,
        Section::Flows,
        Section::Forms,
        Section::Pricing,
        Section::Settlement,
        Section::Org,
        Section::Publish,
    ];

    /// The URL path of the section.
    pub fn path(self) -> &'static str {
        match self {
            Self::Overview => "/",
            Self::Flows => "/flows",
            Self::Forms => "/forms",
            Self::Pricing => "/pricing",
            Self::Settlement => "/settlement",
            Self::Org => "/org",
            Self::Publish => "/publish",
            Self::Templates => "/templates",
        }
    }

    /// The section a URL path shows (unknown paths show the overview).
    pub fn from_path(path: &str) -> Self {
        let path = path.trim_end_matches('/');
        [
            Self::Flows,
            Self::Forms,
            Self::Pricing,
            Self::Settlement,
            Self::Org,
            Self::Publish,
            Self::Templates,
        ]
        .into_iter()
        .find(|s| s.path() == path)
        .unwrap_or(Self::Overview)
    }

    /// A short stable name (for `data-section` attributes and drafts).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Flows => "flows",
            Self::Forms => "forms",
            Self::Pricing => "pricing",
            Self::Settlement => "settlement",
            Self::Org => "org",
            Self::Publish => "publish",
            Self::Templates => "templates",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::NAV
            .into_iter()
            .chain([Self::Templates])
            .find(|s| s.slug() == slug)
    }

    /// The top-level members of the bundle this section edits, each shown in its own text
    /// view until the section's visual editor replaces it.
    pub fn members(self) -> &'static [&'static str] {
        match self {
            Self::Overview => &[
                "schema_version",
                "name",
                "description",
                "currency",
                "rounding",
                "time_zone",
                "locales",
            ],
            Self::Flows => &["flows"],
            Self::Forms => &["forms"],
            Self::Pricing => &["catalog", "pricing"],
            Self::Settlement => &["settlement"],
            Self::Org => &["org", "calendars"],
            Self::Publish | Self::Templates => &[],
        }
    }

    /// The section that holds what a pointer names. The editor-only section belongs to what
    /// it is about: layouts to flows, sample quotes to pricing, and so on.
    pub fn holding(at: &str) -> Self {
        let Some(tokens) = pointer::tokens(at) else {
            return Self::Overview;
        };
        let Some(first) = tokens.first() else {
            return Self::Overview;
        };
        if first == "editor" {
            return match (
                tokens.get(1).map(String::as_str),
                tokens.get(2).map(String::as_str),
            ) {
                (Some("layout"), _) | (Some("samples"), Some("tickets")) => Self::Flows,
                (Some("samples"), Some("quotes")) => Self::Pricing,
                (Some("samples"), Some("orders" | "orders_csv")) => Self::Settlement,
                (Some("samples"), Some("forms")) => Self::Forms,
                _ => Self::Overview,
            };
        }
        Self::NAV
            .into_iter()
            .find(|s| s.members().contains(&first.as_str()))
            .unwrap_or(Self::Overview)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_and_unknown_paths_show_the_overview() {
        for section in Section::NAV.into_iter().chain([Section::Templates]) {
            assert_eq!(Section::from_path(section.path()), section);
            assert_eq!(Section::from_slug(section.slug()), Some(section));
        }
        assert_eq!(Section::from_path("/pricing/"), Section::Pricing);
        assert_eq!(Section::from_path("/nope"), Section::Overview);
        assert_eq!(Section::from_slug("nope"), None);
    }

    #[test]
    fn every_pointer_has_a_section() {
        let cases = [
            ("", Section::Overview),
            ("/name", Section::Overview),
            ("/currency", Section::Overview),
            ("/flows/0/nodes/3/sla", Section::Flows),
            ("/forms/1/fields/0", Section::Forms),
            ("/catalog/2/price", Section::Pricing),
            ("/pricing/groups/0/rules/1/when", Section::Pricing),
            ("/settlement/plans/0", Section::Settlement),
            ("/org/regions/0", Section::Org),
            ("/calendars/0/holidays", Section::Org),
            ("/editor/layout/repair/nodes/a", Section::Flows),
            ("/editor/samples/quotes/0", Section::Pricing),
            ("/editor/samples/orders_csv", Section::Settlement),
            ("/editor/samples/tickets/0/script", Section::Flows),
            ("/editor/samples/forms/0", Section::Forms),
            ("/editor/collapsed", Section::Overview),
            ("/unknown_member", Section::Overview),
            ("not a pointer", Section::Overview),
        ];
        for (at, section) in cases {
            assert_eq!(Section::holding(at), section, "{at}");
        }
    }

    #[test]
    fn each_member_belongs_to_one_section() {
        let mut seen = std::collections::BTreeSet::new();
        for section in Section::NAV {
            for member in section.members() {
                assert!(seen.insert(*member), "{member} is in two sections");
            }
        }
    }
}
