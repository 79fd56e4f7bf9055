//! The palette of field kinds and the form's structure: its sections with their fields as
//! cards, dragged to reorder and between sections (a line shows where a drop lands), moved by
//! keyboard (the arrow buttons, or Alt+↑/↓ on a card), duplicated and removed. Each card shows
//! the field's kind, label and id, where it comes from when the form extends another, its logic
//! and the fields that logic reads.

use super::model::{self, FieldRow, Origin, Target};
use super::{Drag, FormCtx, PALETTE, kind_key};
use crate::i18n::Key;
use leptos::ev::DragEvent;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn Palette(ctx: FormCtx) -> impl IntoView {
    let ws = ctx.ws;
    view! {
        <nav class="palette fd-palette card" aria-labelledby="fd-palette-title">
            <h2 class="palette-title" id="fd-palette-title">{move || ws.t(Key::FdPalette)}</h2>
            <p class="fd-hint">{move || ws.t(Key::FdPaletteHint)}</p>
            <ul>
                {PALETTE
                    .iter()
                    .enumerate()
                    .map(|(k, (slug, _, key, _))| {
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="palette-item"
                                    data-kind=*slug
                                    draggable="true"
                                    on:dragstart=move |ev: DragEvent| {
                                        if let Some(dt) = ev.data_transfer() {
                                            let _ = dt.set_data("text/plain", slug);
                                            dt.set_effect_allowed("copy");
                                        }
                                        ctx.dragging.set(Some(Drag::Kind(k)));
                                    }
                                    on:dragend=move |_| {
                                        ctx.dragging.set(None);
                                        ctx.over.set(None);
                                    }
                                    on:click=move |_| ctx.add(k, ctx.insertion_point())
                                >
                                    {move || ws.t(*key)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Performs the drop of whatever is dragged at `target`.
fn drop_at(ctx: FormCtx, target: Target) {
    ctx.over.set(None);
    match ctx.dragging.get_untracked() {
        Some(Drag::Field(id)) => ctx.apply(|doc, l| model::move_field(doc, l, &id, &target)),
        Some(Drag::Kind(k)) => ctx.add(k, target),
        None => {}
    }
    ctx.dragging.set(None);
}

/// Drag-over and drop handlers for a place in the form.
fn droppable(
    ctx: FormCtx,
    target: Target,
) -> (impl Fn(DragEvent) + Clone, impl Fn(DragEvent) + Clone) {
    let over_target = target.clone();
    let over = move |ev: DragEvent| {
        if ctx.dragging.with_untracked(Option::is_some) {
            ev.prevent_default();
            ev.stop_propagation();
            if ctx
                .over
                .with_untracked(|o| o.as_ref() != Some(&over_target))
            {
                ctx.over.set(Some(over_target.clone()));
            }
        }
    };
    let drop = move |ev: DragEvent| {
        if ctx.dragging.with_untracked(Option::is_some) {
            ev.prevent_default();
            ev.stop_propagation();
            drop_at(ctx, target.clone());
        }
    };
    (over, drop)
}

#[component]
pub fn Structure(ctx: FormCtx) -> impl IntoView {
    let ws = ctx.ws;
    let lists = move || {
        let tag = ws.locale.get().tag();
        ctx.layout.with(|l| {
            let mut out: Vec<(Option<usize>, String, Vec<FieldRow>)> = l
                .sections
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let title = match &s.title {
                        Value::Object(m) => m.get(tag).and_then(Value::as_str).unwrap_or(&s.id),
                        Value::String(t) => t,
                        _ => &s.id,
                    };
                    (Some(i), title.to_owned(), s.fields.clone())
                })
                .collect();
            if !l.loose.is_empty() || l.sections.is_empty() {
                let title = if l.sections.is_empty() {
                    String::new()
                } else {
                    ws.t(Key::FdLoose).to_owned()
                };
                out.push((None, title, l.loose.clone()));
            }
            out
        })
    };
    view! {
        <section class="card fd-structure" aria-labelledby="fd-structure-title">
            <div class="card-head">
                <h2 class="card-title" id="fd-structure-title">{move || ws.t(Key::FdStructure)}</h2>
            </div>
            {move || {
                lists()
                    .into_iter()
                    .map(|(section, title, fields)| {
                        let end = Target { section, before: None };
                        let (over, drop) = droppable(ctx, end.clone());
                        let empty = fields.is_empty();
                        let showing_end = end.clone();
                        view! {
                            <div class="fd-section" data-section-index=section.map(|s| s.to_string()).unwrap_or_else(|| "none".to_owned())>
                                {(!title.is_empty()).then(|| view! { <h3 class="fd-section-title">{title}</h3> })}
                                <ol class="fd-fields">
                                    {fields.into_iter().map(|row| view! { <Card ctx row section /> }).collect_view()}
                                </ol>
                                <div
                                    class="fd-drop"
                                    class:over=move || ctx.over.with(|o| o.as_ref() == Some(&showing_end))
                                    on:dragover=over
                                    on:drop=drop
                                >
                                    {move || ws.t(if empty { Key::FdEmpty } else { Key::FdDropHere })}
                                </div>
                            </div>
                        }
                    })
                    .collect_view()
            }}
            <RemovedFields ctx />
        </section>
    }
}

/// One field in the structure.
#[component]
fn Card(ctx: FormCtx, row: FieldRow, section: Option<usize>) -> impl IntoView {
    let ws = ctx.ws;
    let id = row.id.clone();
    let here = Target {
        section,
        before: Some(id.clone()),
    };
    let (over, drop) = droppable(ctx, here.clone());
    let selected = {
        let id = id.clone();
        Memo::new(move |_| ctx.selected.with(|s| s.as_deref() == Some(id.as_str())))
    };
    let label = {
        let json = row.json.clone();
        let id = id.clone();
        move || {
            let tag = ws.locale.get().tag();
            match json.get("label") {
                Some(Value::Object(m)) => {
                    m.get(tag).and_then(Value::as_str).unwrap_or(&id).to_owned()
                }
                Some(Value::String(s)) => s.clone(),
                _ => id.clone(),
            }
        }
    };
    let has = |k: &str| row.json.get(k).is_some_and(|v| !v.is_null());
    let mut badges: Vec<(Key, &'static str)> = Vec::new();
    if row.json.get("required").and_then(Value::as_bool) == Some(true) {
        badges.push((Key::FdRequiredBadge, "required"));
    }
    for (k, key, slug) in [
        ("visible_if", Key::FdVisibleBadge, "visible_if"),
        ("required_if", Key::FdRequiredIfBadge, "required_if"),
        ("enabled_if", Key::FdEnabledBadge, "enabled_if"),
        ("permissions", Key::FdMaskedBadge, "permissions"),
    ] {
        if has(k) {
            badges.push((key, slug));
        }
    }
    let origin = row.origin.clone();
    let origin_view = move || {
        let locale = ws.locale.get();
        match &origin {
            Origin::Own => None,
            Origin::Inherited(f) => {
                Some(("tag-read", locale.fill(Key::FdInherited, &[("form", f)])))
            }
            Origin::Overrides(f) => {
                Some(("tag-changed", locale.fill(Key::FdOverrides, &[("form", f)])))
            }
        }
        .map(|(class, text)| view! { <span class=format!("tag {class}")>{text}</span> })
    };
    let added = ctx.layout.with_untracked(|l| l.parent.is_some()) && row.origin == Origin::Own;
    let reads = row.reads.clone();
    let kind = row.kind.clone();
    let preset_key = (row.json.get("preset").and_then(Value::as_str) == Some("id_number")
        && kind == "text")
        .then_some(Key::KindIdNumber);
    let kind_name = preset_key.unwrap_or_else(|| kind_key(&kind));
    let name = label.clone();
    let action = move |key: Key| {
        let name = name.clone();
        move || ws.locale.get().fill(key, &[("field", &name())])
    };
    let step = {
        let id = id.clone();
        move |up: bool| {
            let id = id.clone();
            move |_| {
                if let Some(target) = ctx.layout.with_untracked(|l| model::step(l, &id, up)) {
                    ctx.apply(|doc, l| model::move_field(doc, l, &id, &target));
                    refocus(&id, if up { "fd-up" } else { "fd-down" });
                }
            }
        }
    };
    let keys = {
        let id = id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let up = match ev.key().as_str() {
                "ArrowUp" if ev.alt_key() => true,
                "ArrowDown" if ev.alt_key() => false,
                _ => return,
            };
            ev.prevent_default();
            if let Some(target) = ctx.layout.with_untracked(|l| model::step(l, &id, up)) {
                ctx.apply(|doc, l| model::move_field(doc, l, &id, &target));
                refocus(&id, "fd-card-main");
            }
        }
    };
    let pick = {
        let id = id.clone();
        move |_| ctx.select(Some(id.clone()))
    };
    let duplicate = {
        let id = id.clone();
        move |_| {
            let made = ctx.ws.store.with_untracked(|s| {
                ctx.layout
                    .with_untracked(|l| model::duplicate(s.doc(), l, &id))
            });
            if let Some((edits, copy)) = made {
                ctx.ws.edit(edits, None);
                ctx.select(Some(copy));
            }
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            ctx.apply(|doc, l| model::remove(doc, l, &id));
            ctx.selected.set(None);
        }
    };
    let drag_id = id.clone();
    view! {
        <li
            class="fd-card"
            class:selected=selected
            class:drop-before=move || ctx.over.with(|o| o.as_ref() == Some(&here))
            class:inherited=matches!(row.origin, Origin::Inherited(_))
            data-field=id.clone()
            draggable="true"
            on:dragstart=move |ev: DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag_id);
                    dt.set_effect_allowed("move");
                }
                ctx.dragging.set(Some(Drag::Field(drag_id.clone())));
            }
            on:dragend=move |_| {
                ctx.dragging.set(None);
                ctx.over.set(None);
            }
            on:dragover=over
            on:drop=drop
        >
            <button type="button" class="fd-card-main" aria-pressed=move || if selected.get() { "true" } else { "false" } on:click=pick on:keydown=keys>
                <span class="fd-kind">{move || ws.t(kind_name)}</span>
                " "
                <span class="fd-label">{label}</span>
                " "
                <code class="fd-id">{id.clone()}</code>
            </button>
            <div class="fd-meta">
                {origin_view}
                {added.then(|| view! { <span class="tag tag-added">{move || ws.t(Key::FdAdded)}</span> })}
                {badges
                    .into_iter()
                    .map(|(key, slug)| view! { <span class="tag" data-badge=slug>{move || ws.t(key)}</span> })
                    .collect_view()}
                {(!reads.is_empty()).then(|| {
                    view! {
                        <span class="fd-reads">
                            {move || ws.t(Key::FdReads)} " "
                            {reads.iter().map(|r| view! { <code>{r.clone()}</code> " " }).collect_view()}
                        </span>
                    }
                })}
            </div>
            <div class="fd-actions">
                <button type="button" class="btn btn-small btn-icon fd-up" aria-label=action(Key::FdMoveUp) title=action(Key::FdMoveUp) on:click=step(true)><span aria-hidden="true">"↑"</span></button>
                <button type="button" class="btn btn-small btn-icon fd-down" aria-label=action(Key::FdMoveDown) title=action(Key::FdMoveDown) on:click=step(false)><span aria-hidden="true">"↓"</span></button>
                <button type="button" class="btn btn-small btn-icon fd-duplicate" aria-label=action(Key::FdDuplicate) title=action(Key::FdDuplicate) on:click=duplicate><svg class="fd-icon" viewBox="0 0 12 12" aria-hidden="true"><rect x="1" y="3.5" width="7" height="7.5" rx="1" /><path d="M4 3.5V1.5a.5.5 0 0 1 .5-.5H10.5a.5.5 0 0 1 .5.5V8a.5.5 0 0 1-.5.5H8" /></svg></button>
                <button type="button" class="btn btn-small btn-icon fd-remove" aria-label=action(Key::FdRemove) title=action(Key::FdRemove) on:click=remove><span aria-hidden="true">"✕"</span></button>
            </div>
        </li>
    }
}

/// Puts the focus back on a moved card's control (the list is drawn anew by the move).
fn refocus(id: &str, class: &str) {
    let selector = format!("[data-field=\"{id}\"] .{class}");
    request_animation_frame(move || {
        if let Some(el) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}

/// The inherited fields this form removes, each with a way back.
#[component]
fn RemovedFields(ctx: FormCtx) -> impl IntoView {
    let ws = ctx.ws;
    let removed = Memo::new(move |_| ctx.layout.with(|l| l.removed.clone()));
    view! {
        <Show when=move || !removed.with(Vec::is_empty)>
            <div class="fd-removed">
                <h3 class="fd-section-title">{move || ws.t(Key::FdRemovedList)}</h3>
                <ul>
                    {move || {
                        removed
                            .get()
                            .into_iter()
                            .map(|(id, k)| {
                                let label = ws.locale.get().fill(Key::FdRestore, &[("field", &id)]);
                                view! {
                                    <li data-removed=id.clone()>
                                        <span class="tag tag-removed"><s>{id.clone()}</s></span>
                                        " "
                                        <button type="button" class="btn btn-small fd-restore" on:click=move |_| ctx.apply(|doc, l| model::restore(doc, l, k))>
                                            {label}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
