//! The overview: the bundle's settings (an editor of its own), what each section holds with a
//! link into it, every problem, and the whole bundle as JSON text.

use crate::editors::text_view::TextView;
use crate::i18n::Key;
use crate::shell::templates::{description, holds};
use crate::shell::workspace::Workspace;
use crate::state::section::Section;
use crate::ui::problems::{ProblemList, section_key};
use leptos::prelude::*;
use serde_json::{Value, json};

/// The roundings the format knows, as `(value, label key)`.
const ROUNDINGS: [(&str, Key); 4] = [
    ("half_away_from_zero", Key::RoundHalfAway),
    ("half_even", Key::RoundHalfEven),
    ("up", Key::RoundUp),
    ("down", Key::RoundDown),
];

#[component]
pub fn Overview(ws: Workspace) -> impl IntoView {
    let name = move || {
        ws.read(crate::state::draft::bundle_name)
            .unwrap_or_else(|| ws.t(Key::UntitledBundle).to_owned())
    };
    let desc = move || ws.read(|doc| description(doc, ws.locale.get().tag()));
    let all_problems = Signal::derive(move || {
        ws.checked.with(|c| {
            c.as_ref()
                .map(|c| c.problems().to_vec())
                .unwrap_or_default()
        })
    });
    let heading = Signal::derive(move || {
        let locale = ws.locale.get();
        locale.fill(
            Key::AllProblems,
            &[("count", &all_problems.with(Vec::len).to_string())],
        )
    });
    let show_json = RwSignal::new(false);
    view! {
        <div class="page overview">
            <header class="page-head">
                <h1 class="page-title" id="bundle-title">{name}</h1>
                <p class="muted">{desc}</p>
            </header>
            <div class="overview-grid">
                <Settings ws />
                <SectionCards ws />
            </div>
            <Show when=move || !all_problems.with(Vec::is_empty)>
                <ProblemList ws problems=all_problems heading list_id="problems" warning=false />
            </Show>
            <section class="card">
                <div class="card-head">
                    <h2 class="card-title">{move || ws.t(Key::WholeBundleJson)}</h2>
                    <button
                        id="toggle-json"
                        type="button"
                        class="btn btn-small"
                        aria-expanded=move || if show_json.get() { "true" } else { "false" }
                        on:click=move |_| show_json.update(|s| *s = !*s)
                    >
                        {move || if show_json.get() { ws.t(Key::Hide) } else { ws.t(Key::Show) }}
                    </button>
                </div>
                <Show when=move || show_json.get()>
                    <TextView ws at=String::new() label=Signal::derive(move || ws.t(Key::WholeBundleJson).to_owned()) />
                </Show>
            </section>
        </div>
    }
}

/// A text input bound to a string at a pointer (an empty input removes the member).
#[component]
fn TextField(
    ws: Workspace,
    #[prop(into)] id: String,
    #[prop(into)] at: String,
    label: Key,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let at = StoredValue::new(at);
    let value = move || {
        ws.value_at(&at.get_value())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let hint_id = format!("{id}-hint");
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label class="field-label" for=id.clone()>{move || ws.t(label)}</label>
            <input
                id=id
                class="text-input"
                type="text"
                autocomplete="off"
                spellcheck="false"
                data-undo="store"
                required=required
                aria-describedby=described
                prop:value=value
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let at = at.get_value();
                    if text.is_empty() && !required {
                        if ws.store.with_untracked(|s| s.get(&at).is_some()) {
                            ws.edit(vec![crate::state::doc::Edit::Remove { at }], None);
                        }
                    } else {
                        ws.set_typed(&at, Value::String(text));
                    }
                }
                on:blur=move |_| ws.seal()
            />
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{move || ws.t(hint)}</p> })}
        </div>
    }
}

/// The bundle's own settings: name, description, currency, rounding and time zone.
#[component]
fn Settings(ws: Workspace) -> impl IntoView {
    // The description is a string or a {zh-CN, en} object; the fields edit the object.
    let desc_of = move |tag: &'static str| {
        move || {
            ws.read(|doc| match doc.get("description") {
                Some(Value::Object(map)) => map
                    .get(tag)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                Some(Value::String(text)) if tag == "en" => text.clone(),
                _ => String::new(),
            })
        }
    };
    let set_desc = move |tag: &'static str, text: String| {
        let mut object = ws.read(|doc| match doc.get("description") {
            Some(Value::Object(map)) => map.clone(),
            Some(Value::String(en)) => [("en".to_owned(), json!(en))].into_iter().collect(),
            _ => serde_json::Map::new(),
        });
        object.insert(tag.to_owned(), Value::String(text));
        ws.set_typed("/description", Value::Object(object));
    };
    let rounding = move || {
        ws.value_at("/rounding")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "half_away_from_zero".to_owned())
    };
    view! {
        <section class="card settings" aria-labelledby="settings-title">
            <div class="card-head">
                <h2 class="card-title" id="settings-title">{move || ws.t(Key::SettingsTitle)}</h2>
            </div>
            <div class="form-grid">
                <TextField ws id="setting-name" at="/name" label=Key::SettingName hint=Key::SettingNameHint />
                <TextField ws id="setting-currency" at="/currency" label=Key::SettingCurrency required=true />
                <div class="field">
                    <label class="field-label" for="setting-desc-zh">{move || ws.t(Key::SettingDescZh)}</label>
                    <input
                        id="setting-desc-zh"
                        class="text-input"
                        type="text"
                        lang="zh-CN"
                        data-undo="store"
                        prop:value=desc_of("zh-CN")
                        on:input=move |ev| set_desc("zh-CN", event_target_value(&ev))
                        on:blur=move |_| ws.seal()
                    />
                </div>
                <div class="field">
                    <label class="field-label" for="setting-desc-en">{move || ws.t(Key::SettingDescEn)}</label>
                    <input
                        id="setting-desc-en"
                        class="text-input"
                        type="text"
                        lang="en"
                        data-undo="store"
                        prop:value=desc_of("en")
                        on:input=move |ev| set_desc("en", event_target_value(&ev))
                        on:blur=move |_| ws.seal()
                    />
                </div>
                <div class="field">
                    <label class="field-label" for="setting-rounding">{move || ws.t(Key::SettingRounding)}</label>
                    <select
                        id="setting-rounding"
                        class="select"
                        on:change=move |ev| {
                            ws.edit(
                                vec![crate::state::doc::Edit::Set { at: "/rounding".to_owned(), value: Value::String(event_target_value(&ev)) }],
                                None,
                            )
                        }
                    >
                        {ROUNDINGS
                            .into_iter()
                            .map(|(value, key)| {
                                view! {
                                    <option value=value selected=move || rounding() == value>
                                        {move || ws.t(key)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <TextField ws id="setting-time-zone" at="/time_zone" label=Key::SettingTimeZone hint=Key::SettingTimeZoneHint />
            </div>
        </section>
    }
}

/// One card per section: what it holds, its problems, a link into it.
#[component]
fn SectionCards(ws: Workspace) -> impl IntoView {
    let h = Memo::new(move |_| ws.read(holds));
    let errors_in = move |section: Section| {
        ws.checked.with(|c| {
            c.as_ref().map_or(0, |c| {
                c.problems()
                    .iter()
                    .filter(|p| p.is_error() && Section::holding(&p.path) == section)
                    .count()
            })
        })
    };
    let names = move |list: &'static str| {
        let tag = ws.locale.get().tag();
        ws.read(|doc| {
            doc.pointer(list)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| {
                            let id = item.get("id").and_then(Value::as_str)?;
                            let name = match item.get("name") {
                                Some(Value::Object(m)) => m.get(tag).and_then(Value::as_str),
                                Some(Value::String(s)) => Some(s.as_str()),
                                _ => None,
                            };
                            Some(name.unwrap_or(id).to_owned())
                        })
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .unwrap_or_default()
        })
    };
    let cards = [
        (Section::Flows, "/flows"),
        (Section::Forms, "/forms"),
        (Section::Pricing, "/catalog"),
        (Section::Settlement, "/settlement/plans"),
        (Section::Org, "/calendars"),
    ]
    .into_iter()
    .map(|(section, list)| {
        let summary = move || {
            let locale = ws.locale.get();
            let h = h.get();
            let parts: Vec<(Key, usize)> = match section {
                Section::Flows => vec![(Key::HoldsFlows, h.flows), (Key::HoldsNodes, h.nodes)],
                Section::Forms => vec![(Key::HoldsForms, h.forms), (Key::HoldsFields, h.fields)],
                Section::Pricing => vec![(Key::HoldsItems, h.items), (Key::HoldsRules, h.rules)],
                Section::Settlement => vec![(Key::HoldsParties, h.parties), (Key::HoldsPlans, h.plans)],
                _ => vec![(Key::HoldsCalendars, h.calendars), (Key::HoldsRegions, h.regions)],
            };
            parts
                .into_iter()
                .map(|(key, n)| locale.fill(key, &[("count", &n.to_string())]))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        view! {
            <li class="section-card" data-section=section.slug()>
                <a class="section-card-link" href=section.path()>
                    <span class="section-card-title">{move || ws.t(section_key(section))}</span>
                    {move || {
                        let errors = errors_in(section);
                        (errors > 0)
                            .then(|| {
                                let label = ws.locale.get().fill(Key::NavErrors, &[("count", &errors.to_string())]);
                                view! { <span class="nav-badge nav-badge-error" aria-label=label>{errors}</span> }
                            })
                    }}
                </a>
                <p class="section-card-summary">{summary}</p>
                <p class="section-card-names muted">{move || names(list)}</p>
            </li>
        }
    })
    .collect_view();
    view! {
        <section class="card" aria-labelledby="contents-title">
            <div class="card-head">
                <h2 class="card-title" id="contents-title">{move || ws.t(Key::ContentsTitle)}</h2>
            </div>
            <ul class="section-cards">{cards}</ul>
        </section>
    }
}
