//! The properties of the selected field: its id, texts in both languages, default, what its
//! kind takes (range, length, preset, unit, levels, formula and override), options (edited as a
//! list, or pasted as a column), validation rules with their messages, role permissions and
//! masking, conditional values, and its logic (visible-if, required-if, enabled-if). An
//! inherited field shows where it comes from and can be overridden here.

use super::logic::LogicAt;
use super::model::{self, Origin};
use super::{FormCtx, kind_key};
use crate::i18n::Key;
use crate::state::doc::Edit;
use crate::ui::fields::{CheckAt, ExprAt, LocalizedAt, SelectAt, TextAt, fixed, len_at, write};
use leptos::prelude::*;
use serde_json::{Value, json};

const PRESETS: [(&str, Key); 6] = [
    ("mainland_mobile", Key::PresetMobile),
    ("mainland_landline", Key::PresetLandline),
    ("email", Key::PresetEmail),
    ("id_number", Key::PresetIdNumber),
    ("postal_code", Key::PresetPostal),
    ("url", Key::PresetUrl),
];
const VALUE_TYPES: [(&str, Key); 5] = [
    ("number", Key::VtNumber),
    ("money", Key::VtMoney),
    ("text", Key::VtText),
    ("bool", Key::VtBool),
    ("date", Key::VtDate),
];
const SOURCES: [(&str, Key); 1] = [("region_tree", Key::FdRegionTree)];
const RULES: [(&str, Key); 6] = [
    ("required", Key::RuleRequired),
    ("range", Key::RuleRange),
    ("length", Key::RuleLength),
    ("pattern", Key::RulePattern),
    ("options", Key::RuleOptions),
    ("expression", Key::RuleExpression),
];
const SEVERITIES: [(&str, Key); 2] = [("error", Key::SevError), ("warning", Key::SevWarning)];
const ACCESS: [(&str, Key); 4] = [
    ("editable", Key::AccEditable),
    ("read_only", Key::AccReadOnly),
    ("masked", Key::AccMasked),
    ("hidden", Key::AccHidden),
];
const MASKS: [(&str, Key); 3] = [
    ("phone", Key::MaskPhone),
    ("id_number", Key::MaskId),
    ("custom", Key::MaskCustom),
];

/// The properties panel of field `id`; drawn anew only when the field's place or origin changes.
#[component]
pub fn FieldProps(ctx: FormCtx, id: String) -> impl IntoView {
    let ws = ctx.ws;
    let key = Memo::new(move |_| {
        ctx.layout.with(|l| {
            l.field(&id)
                .map(|f| (f.id.clone(), f.at.clone(), f.kind.clone(), f.origin.clone()))
        })
    });
    move || {
        let Some((id, at, kind, origin)) = key.get() else {
            return ().into_any();
        };
        ws.locale.track();
        view! {
            <h2 class="card-title" id="fd-props-title">
                {move || ws.t(Key::FdFieldProps)} " " <code>{id.clone()}</code>
            </h2>
            <p class="muted fd-kind-line">{ws.t(kind_key(&kind))}</p>
            {match origin {
                Origin::Inherited(form) => view! { <Inherited ctx id form /> }.into_any(),
                _ => view! { <Editable ctx id at kind /> }.into_any(),
            }}
        }
        .into_any()
    }
}

/// An inherited field: where it comes from, and the way to change it here.
#[component]
fn Inherited(ctx: FormCtx, id: String, form: String) -> impl IntoView {
    let ws = ctx.ws;
    let read_by = ctx.layout.with_untracked(|l| l.read_by(&id));
    let note = form.clone();
    view! {
        <p class="fd-inherited-note">{move || ws.locale.get().fill(Key::FdInheritedNote, &[("form", &note)])}</p>
        <button type="button" class="btn" id="fd-override" on:click=move |_| ctx.apply(|doc, l| model::override_field(doc, l, &id))>
            {move || ws.t(Key::FdOverride)}
        </button>
        <ReadBy ctx fields=read_by />
    }
}

#[component]
fn ReadBy(ctx: FormCtx, fields: Vec<String>) -> impl IntoView {
    let ws = ctx.ws;
    (!fields.is_empty()).then(|| {
        view! {
            <p class="fd-read-by">
                {move || ws.t(Key::FdReadBy)} ": "
                {fields
                    .into_iter()
                    .map(|f| {
                        let pick = f.clone();
                        view! { <button type="button" class="link-button" on:click=move |_| ctx.select(Some(pick.clone()))><code>{f}</code></button> " " }
                    })
                    .collect_view()}
            </p>
        }
    })
}

#[component]
fn Editable(ctx: FormCtx, id: String, at: String, kind: String) -> impl IntoView {
    let ws = ctx.ws;
    let p = {
        let at = at.clone();
        move |k: &str| format!("{at}/{k}")
    };
    let bad_id = RwSignal::new(false);
    let rename = {
        let id = id.clone();
        move |ev| {
            let new = event_target_value(&ev);
            if new == id {
                return bad_id.set(false);
            }
            let edits = ws.store.with_untracked(|s| {
                ctx.layout
                    .with_untracked(|l| model::rename(s.doc(), l, &id, &new))
            });
            bad_id.set(edits.is_none());
            if let Some(edits) = edits {
                ws.edit(edits, None);
                ctx.selected.set(Some(new));
            }
        }
    };
    let read_by = ctx.layout.with_untracked(|l| l.read_by(&id));
    let k = kind.as_str();
    let texty = matches!(k, "text" | "long_text");
    let default = match k {
        "single_select" => Some(view! { <SelectAt ws at=p("default") id="fd-default" label=Key::FdDefault options=options_of(ctx, p("options")) optional=true /> }.into_any()),
        "yes_no" => Some(view! { <CheckAt ws at=p("default") id="fd-default" label=Key::FdDefault /> }.into_any()),
        "rating" => Some(view! { <TextAt ws at=p("default") id="fd-default" label=Key::FdDefault int=true /> }.into_any()),
        "text" | "long_text" | "number" | "money" | "date" => {
            Some(view! { <TextAt ws at=p("default") id="fd-default" label=Key::FdDefault optional=true /> }.into_any())
        }
        _ => None,
    };
    let specific = match k {
        "text" | "long_text" => view! {
            <div class="fd-row">
                <TextAt ws at=p("min_length") id="fd-min-length" label=Key::FdMinLength int=true />
                <TextAt ws at=p("max_length") id="fd-max-length" label=Key::FdMaxLength int=true />
            </div>
            {(k == "text").then(|| view! { <SelectAt ws at=p("preset") id="fd-preset" label=Key::FdPreset options=fixed(ws, &PRESETS) optional=true /> })}
        }
        .into_any(),
        "number" | "money" => view! {
            <div class="fd-row">
                <TextAt ws at=p("min") id="fd-min" label=Key::FdMin optional=true />
                <TextAt ws at=p("max") id="fd-max" label=Key::FdMax optional=true />
            </div>
            {if k == "number" {
                view! {
                    <TextAt ws at=p("decimals") id="fd-decimals" label=Key::FdDecimals int=true />
                    <LocalizedAt ws at=p("unit") id="fd-unit" label=Key::FdUnit />
                }
                    .into_any()
            } else {
                view! { <TextAt ws at=p("currency") id="fd-currency" label=Key::FdCurrency optional=true mono=true /> }.into_any()
            }}
        }
        .into_any(),
        "phone" => view! { <SelectAt ws at=p("preset") id="fd-preset" label=Key::FdPreset options=fixed(ws, &PRESETS[..2]) optional=true /> }.into_any(),
        "rating" => view! {
            <div class="fd-row">
                <TextAt ws at=p("min") id="fd-min" label=Key::FdMin int=true />
                <TextAt ws at=p("max") id="fd-max" label=Key::FdMax int=true />
            </div>
        }
        .into_any(),
        "attachment" => view! { <TextAt ws at=p("max_files") id="fd-max-files" label=Key::FdMaxFiles int=true /> }.into_any(),
        "region" => view! { <TextAt ws at=p("levels") id="fd-levels" label=Key::FdLevels int=true /> }.into_any(),
        "cascading_select" => view! {
            <TextAt ws at=p("levels") id="fd-levels" label=Key::FdLevels int=true />
            <SelectAt ws at=p("options_from") id="fd-options-from" label=Key::FdOptionsFrom options=fixed(ws, &SOURCES) optional=true />
        }
        .into_any(),
        "computed" => view! {
            <ExprAt ws at=p("formula") id="fd-formula" label=Key::FdFormula />
            <SelectAt ws at=p("value_type") id="fd-value-type" label=Key::FdValueType options=fixed(ws, &VALUE_TYPES) optional=true />
            <CheckAt ws at=p("allow_override") id="fd-allow-override" label=Key::FdAllowOverride />
            <div class="fd-row">
                <TextAt ws at=p("decimals") id="fd-decimals" label=Key::FdDecimals int=true />
            </div>
            <LocalizedAt ws at=p("unit") id="fd-unit" label=Key::FdUnit />
        }
        .into_any(),
        _ => ().into_any(),
    };
    let has_options = matches!(k, "single_select" | "multi_select" | "cascading_select");
    // Groups open when they hold something (logic, rules), as a collapsed list otherwise.
    let holds = |member: &str| ws.value_at(&p(member)).is_some();
    let logic_open = ["visible_if", "required_if", "enabled_if", "set_value_if"]
        .iter()
        .any(|m| holds(m));
    let rules_open = holds("validation");
    let owner = id.clone();
    view! {
        <div class="field">
            <label class="field-label" for="fd-id">{move || ws.t(Key::FdFieldId)}</label>
            <input id="fd-id" class="text-input mono" type="text" autocomplete="off" spellcheck="false" prop:value=id.clone() on:change=rename aria-invalid=move || if bad_id.get() { "true" } else { "false" } aria-describedby="fd-id-error" />
            <p class="field-error" id="fd-id-error" role="status">{move || bad_id.get().then(|| ws.t(Key::FdRenameBad))}</p>
        </div>
        <LocalizedAt ws at=p("label") id="fd-label" label=Key::FdLabel />
        {texty.then(|| view! { <LocalizedAt ws at=p("placeholder") id="fd-placeholder" label=Key::FdPlaceholder /> })}
        <LocalizedAt ws at=p("help") id="fd-help" label=Key::FdHelp />
        <CheckAt ws at=p("required") id="fd-required" label=Key::FdRequired />
        {default}
        {specific}
        {has_options.then(|| view! { <Options ctx at=p("options") /> })}
        <ReadBy ctx fields=read_by />
        <details class="inspector-group" open>
            <summary>{move || ws.t(Key::FdPermissions)}</summary>
            <Permissions ctx at=p("permissions") />
        </details>
        <details class="inspector-group" id="fd-logic-group" open=logic_open>
            <summary>{move || ws.t(Key::FdLogic)}</summary>
            <LogicAt ctx at=p("visible_if") owner=owner.clone() id="fd-visible-if".to_owned() label=Key::FdVisibleIf />
            <LogicAt ctx at=p("required_if") owner=owner.clone() id="fd-required-if".to_owned() label=Key::FdRequiredIf />
            <LogicAt ctx at=p("enabled_if") owner=owner.clone() id="fd-enabled-if".to_owned() label=Key::FdEnabledIf />
            <SetValues ctx at=p("set_value_if") />
        </details>
        <details class="inspector-group" id="fd-rules-group" open=rules_open>
            <summary>{move || ws.t(Key::FdValidation)}</summary>
            <Rules ctx at=p("validation") />
        </details>
    }
}

/// A field's options as `(id, label)` choices.
fn options_of(ctx: FormCtx, at: String) -> Signal<Vec<(String, String)>> {
    let ws = ctx.ws;
    Signal::derive(move || {
        let tag = ws.locale.get().tag();
        ws.read(|doc| {
            doc.pointer(&at)
                .and_then(Value::as_array)
                .map(|o| {
                    o.iter()
                        .filter_map(|c| {
                            let id = c.get("id")?.as_str()?.to_owned();
                            let label = match c.get("label") {
                                Some(Value::Object(m)) => m.get(tag).and_then(Value::as_str),
                                Some(Value::String(s)) => Some(s.as_str()),
                                _ => None,
                            };
                            Some((
                                id.clone(),
                                label.map_or(id.clone(), |l| format!("{l} ({id})")),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    })
}

/// Appends `value` to the list at `at` (making it when absent).
fn push(ctx: FormCtx, at: &str, value: Value) {
    let edit = if ctx.ws.value_at(at).is_some() {
        Edit::Insert {
            at: format!("{at}/-"),
            value,
        }
    } else {
        Edit::Set {
            at: at.to_owned(),
            value: json!([value]),
        }
    };
    ctx.ws.edit(vec![edit], None);
}

/// Removes item `i` of the list at `at` (the list too when it was the last).
fn remove_item(ctx: FormCtx, at: &str, i: usize) {
    let at = if len_at(ctx.ws, at) <= 1 {
        at.to_owned()
    } else {
        format!("{at}/{i}")
    };
    ctx.ws.edit(vec![Edit::Remove { at }], None);
}

/// A list editor's rows: `row(i)` for each item of the list at `at`.
fn rows<V: IntoView + 'static>(
    ctx: FormCtx,
    at: String,
    row: impl Fn(usize) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let count = Memo::new(move |_| len_at(ctx.ws, &at));
    move || (0..count.get()).map(row).collect_view()
}

#[component]
fn Options(ctx: FormCtx, at: String) -> impl IntoView {
    let ws = ctx.ws;
    let base = StoredValue::new(at.clone());
    let paste = RwSignal::new(String::new());
    let add_pasted = move |_| {
        let at = base.get_value();
        let taken: Vec<String> = options_of(ctx, at.clone())
            .get_untracked()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let new = model::pasted_options(&paste.get_untracked(), &taken);
        if new.is_empty() {
            return;
        }
        let mut list = ws
            .value_at(&at)
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        list.extend(new);
        write(ws, &at, Value::Array(list), false);
        paste.set(String::new());
    };
    let add = move |_| {
        let at = base.get_value();
        let n = len_at(ws, &at) + 1;
        let taken: Vec<String> = options_of(ctx, at.clone())
            .get_untracked()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let id = (n..)
            .map(|k| format!("option_{k}"))
            .find(|c| !taken.contains(c))
            .unwrap_or_default();
        push(
            ctx,
            &at,
            json!({"id": id, "label": {"zh-CN": format!("选项 {n}"), "en": format!("Option {n}")}}),
        );
    };
    view! {
        <fieldset class="fd-options inspector-group">
            <legend class="field-label">{move || ws.t(Key::FdOptions)}</legend>
            <ol class="fd-list">
                {rows(ctx, at, move |i| {
                    let item = format!("{}/{i}", base.get_value());
                    let n = (i + 1).to_string();
                    let remove_label = ws.locale.get().fill(Key::FdRemoveOption, &[("n", &n)]);
                    view! {
                        <li class="fd-option">
                            <TextAt ws at=format!("{item}/id") id=format!("fd-option-{i}-id") label=Key::FdOptionValue mono=true />
                            <LocalizedAt ws at=format!("{item}/label") id=format!("fd-option-{i}-label") label=Key::FdLabel />
                            <button type="button" class="btn btn-small btn-icon" aria-label=remove_label.clone() title=remove_label on:click=move |_| remove_item(ctx, &base.get_value(), i)>
                                <span aria-hidden="true">"✕"</span>
                            </button>
                        </li>
                    }
                })}
            </ol>
            <button type="button" class="btn btn-small" id="fd-add-option" on:click=add>{move || ws.t(Key::FdAddOption)}</button>
            <details class="fd-paste">
                <summary>{move || ws.t(Key::FdPaste)}</summary>
                <label class="field-label" for="fd-paste">{move || ws.t(Key::FdPasteHint)}</label>
                <textarea id="fd-paste" class="text-input" rows="4" prop:value=move || paste.get() on:input=move |ev| paste.set(event_target_value(&ev))></textarea>
                <button type="button" class="btn btn-small" id="fd-paste-add" on:click=add_pasted>{move || ws.t(Key::FdPasteAdd)}</button>
            </details>
        </fieldset>
    }
}

#[component]
fn SetValues(ctx: FormCtx, at: String) -> impl IntoView {
    let ws = ctx.ws;
    let base = StoredValue::new(at.clone());
    view! {
        <fieldset class="fd-set-values">
            <legend class="field-label">{move || ws.t(Key::FdSetValue)}</legend>
            {rows(ctx, at, move |i| {
                let item = format!("{}/{i}", base.get_value());
                let n = (i + 1).to_string();
                let remove_label = ws.locale.get().fill(Key::FdRemoveSetValue, &[("n", &n)]);
                view! {
                    <div class="fd-rule">
                        <ExprAt ws at=format!("{item}/when") id=format!("fd-set-{i}-when") label=Key::FdSetWhen />
                        <ExprAt ws at=format!("{item}/value") id=format!("fd-set-{i}-value") label=Key::FdSetTo />
                        <button type="button" class="btn btn-small" on:click=move |_| remove_item(ctx, &base.get_value(), i)>{remove_label}</button>
                    </div>
                }
            })}
            <button type="button" class="btn btn-small" id="fd-add-set-value" on:click=move |_| push(ctx, &base.get_value(), json!({"when": "true", "value": "''"}))>
                {move || ws.t(Key::FdAddSetValue)}
            </button>
        </fieldset>
    }
}

#[component]
fn Rules(ctx: FormCtx, at: String) -> impl IntoView {
    let ws = ctx.ws;
    let base = StoredValue::new(at.clone());
    view! {
        {rows(ctx, at, move |i| view! { <Rule ctx at=format!("{}/{i}", base.get_value()) i /> })}
        <button type="button" class="btn btn-small" id="fd-add-rule" on:click=move |_| push(ctx, &base.get_value(), json!({"rule": "required"}))>
            {move || ws.t(Key::FdAddRule)}
        </button>
    }
}

#[component]
fn Rule(ctx: FormCtx, at: String, i: usize) -> impl IntoView {
    let ws = ctx.ws;
    let item = StoredValue::new(at);
    let p = move |k: &str| format!("{}/{k}", item.get_value());
    let kind = Memo::new(move |_| {
        ws.value_at(&p("rule"))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let set_kind = move |ev| {
        let rule = event_target_value(&ev);
        // A new kind keeps the severity and the message; its own settings start empty.
        let old = ws.value_at(&item.get_value()).unwrap_or(Value::Null);
        let mut new = json!({"rule": rule});
        for k in ["severity", "message"] {
            if let Some(v) = old.get(k) {
                new[k] = v.clone();
            }
        }
        if rule == "expression" {
            new["expr"] = json!("value != null");
            if new.get("message").is_none() {
                new["message"] = json!({"zh-CN": "", "en": ""});
            }
        }
        write(ws, &item.get_value(), new, false);
    };
    let n = (i + 1).to_string();
    let n2 = n.clone();
    let title = move || ws.locale.get().fill(Key::FdRuleN, &[("n", &n)]);
    let remove_label = move || ws.locale.get().fill(Key::FdRemoveRule, &[("n", &n2)]);
    let kind_id = format!("fd-rule-{i}-kind");
    let id = move |k: &str| format!("fd-rule-{i}-{k}");
    view! {
        <fieldset class="fd-rule" data-rule=i>
            <legend class="field-label">{title}</legend>
            <div class="field">
                <label class="field-label" for=kind_id.clone()>{move || ws.t(Key::FdRuleKind)}</label>
                <select id=kind_id class="select" on:change=set_kind>
                    {move || {
                        let now = kind.get();
                        RULES
                            .iter()
                            .map(|(v, k)| view! { <option value=*v selected=now == *v prop:selected=now == *v>{ws.t(*k)}</option> })
                            .collect_view()
                    }}
                </select>
            </div>
            {move || match kind.get().as_str() {
                "range" => view! {
                    <div class="fd-row">
                        <TextAt ws at=p("min") id=id("min") label=Key::FdMin optional=true />
                        <TextAt ws at=p("max") id=id("max") label=Key::FdMax optional=true />
                    </div>
                }
                .into_any(),
                "length" => view! {
                    <div class="fd-row">
                        <TextAt ws at=p("min") id=id("min") label=Key::FdMinLength int=true />
                        <TextAt ws at=p("max") id=id("max") label=Key::FdMaxLength int=true />
                    </div>
                }
                .into_any(),
                "pattern" => view! {
                    <SelectAt ws at=p("preset") id=id("preset") label=Key::FdPreset options=fixed(ws, &PRESETS) optional=true />
                    <TextAt ws at=p("regex") id=id("regex") label=Key::FdRegex optional=true mono=true />
                }
                .into_any(),
                "expression" => view! { <ExprAt ws at=p("expr") id=id("expr") label=Key::FdCondition /> }.into_any(),
                _ => ().into_any(),
            }}
            <SelectAt ws at=p("severity") id=id("severity") label=Key::FdSeverity options=fixed(ws, &SEVERITIES) optional=true />
            <LocalizedAt ws at=p("message") id=id("message") label=Key::FdMessage />
            <button type="button" class="btn btn-small" on:click=move |_| {
                let at = item.get_value();
                if let Some((list, _)) = at.rsplit_once('/') {
                    remove_item(ctx, list, i);
                }
            }>{remove_label}</button>
        </fieldset>
    }
}

#[component]
fn Permissions(ctx: FormCtx, at: String) -> impl IntoView {
    let ws = ctx.ws;
    let at = StoredValue::new(at);
    let roles = crate::ui::fields::listed(ws, "/org/roles".to_owned());
    let current = Memo::new(move |_| {
        ws.value_at(&at.get_value())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    });
    let set = move |role: String, access: String, mask: Option<Value>| {
        let ids: Vec<String> = roles
            .get_untracked()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let list = model::with_access(&current.get_untracked(), &ids, &role, &access, mask);
        let at = at.get_value();
        if list.is_empty() {
            if ws.value_at(&at).is_some() {
                ws.edit(vec![Edit::Remove { at }], None);
            }
        } else {
            write(ws, &at, Value::Array(list), false);
        }
    };
    view! {
        {move || {
            let roles = roles.get();
            if roles.is_empty() {
                return view! { <p class="muted">{ws.t(Key::FdNoRoles)}</p> }.into_any();
            }
            let locale = ws.locale.get();
            let list = current.get();
            view! {
                <table class="fd-permissions">
                    <tbody>
                        {roles
                            .into_iter()
                            .map(|(role, name)| {
                                let (access, mask) = model::access_of(&list, &role);
                                let pattern = mask.as_ref().and_then(|m| m.get("pattern")).and_then(Value::as_str).unwrap_or("phone").to_owned();
                                let keep = |k: &str| mask.as_ref().and_then(|m| m.get(k)).and_then(Value::as_u64).unwrap_or(0);
                                let (first, last) = (keep("keep_first"), keep("keep_last"));
                                let access_id = format!("fd-access-{role}");
                                let mask_id = format!("fd-mask-{role}");
                                let r1 = role.clone();
                                let r2 = role.clone();
                                let r3 = role.clone();
                                let masked = access == "masked";
                                let custom = masked && pattern == "custom";
                                view! {
                                    <tr data-role=role.clone()>
                                        <th scope="row"><label for=access_id.clone()>{name.clone()}</label></th>
                                        <td>
                                            <select id=access_id class="select" on:change=move |ev| set(r1.clone(), event_target_value(&ev), None)>
                                                {ACCESS.iter().map(|(v, k)| view! { <option value=*v selected=access == *v prop:selected=access == *v>{locale.text(*k)}</option> }).collect_view()}
                                            </select>
                                            {masked.then(|| view! {
                                                <select id=mask_id class="select fd-mask" aria-label=locale.fill(Key::FdMaskFor, &[("role", &name)]) on:change=move |ev| {
                                                    let pattern = event_target_value(&ev);
                                                    let mask = if pattern == "custom" { json!({"pattern": "custom", "keep_first": 1, "keep_last": 1}) } else { json!({"pattern": pattern}) };
                                                    set(r2.clone(), "masked".to_owned(), Some(mask));
                                                }>
                                                    {MASKS.iter().map(|(v, k)| view! { <option value=*v selected=pattern == *v prop:selected=pattern == *v>{locale.text(*k)}</option> }).collect_view()}
                                                </select>
                                            })}
                                            {custom.then(|| {
                                                let keep_input = move |which: &'static str, key: Key, value: u64| {
                                                    let role = r3.clone();
                                                    view! {
                                                        <label class="fd-keep">
                                                            {locale.text(key)} " "
                                                            <input class="text-input" type="number" min="0" max="20" prop:value=value.to_string() on:change=move |ev| {
                                                                let n: u64 = event_target_value(&ev).parse().unwrap_or(0);
                                                                let mut mask = json!({"pattern": "custom", "keep_first": first, "keep_last": last});
                                                                mask[which] = json!(n);
                                                                set(role.clone(), "masked".to_owned(), Some(mask));
                                                            } />
                                                        </label>
                                                    }
                                                };
                                                view! { {keep_input("keep_first", Key::FdKeepFirst, first)} {keep_input("keep_last", Key::FdKeepLast, last)} }
                                            })}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}
