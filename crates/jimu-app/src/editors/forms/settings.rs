//! The form's own settings, shown when no field is selected: its id, name and description, the
//! form it extends with a summary of what is inherited, overridden, added and removed, its
//! sections (pages) with their titles and conditions, and its routing (which answers send the
//! ticket to which flow, in order, and the default flow).

use super::FormCtx;
use super::model::Origin;
use crate::i18n::Key;
use crate::state::doc::Edit;
use crate::ui::fields::{ExprAt, LocalizedAt, SelectAt, TextAt, len_at, listed};
use leptos::prelude::*;
use serde_json::{Value, json};

#[component]
pub fn FormSettings(ctx: FormCtx) -> impl IntoView {
    let ws = ctx.ws;
    let at = Memo::new(move |_| ctx.layout.with(|l| l.at.clone()));
    let p = move |k: &'static str| Signal::derive(move || format!("{}/{k}", at.get()));
    // Other forms, to extend.
    let others = Signal::derive(move || {
        let me = ctx.layout.with(|l| l.id.clone());
        listed(ws, "/forms".to_owned())
            .get()
            .into_iter()
            .filter(|(id, _)| *id != me)
            .collect::<Vec<_>>()
    });
    let summary = move || {
        let (inherited, overridden, added, removed) = ctx.layout.with(|l| {
            let count = |f: fn(&Origin) -> bool| l.fields().filter(|r| f(&r.origin)).count();
            (
                count(|o| matches!(o, Origin::Inherited(_))),
                count(|o| matches!(o, Origin::Overrides(_))),
                count(|o| matches!(o, Origin::Own)),
                l.removed.len(),
            )
        });
        ws.locale.get().fill(
            Key::FdInheritSummary,
            &[
                ("inherited", &inherited.to_string()),
                ("overridden", &overridden.to_string()),
                ("added", &added.to_string()),
                ("removed", &removed.to_string()),
            ],
        )
    };
    let extends = Memo::new(move |_| ctx.layout.with(|l| l.parent.is_some()));
    view! {
        <h2 class="card-title" id="fd-props-title">{move || ws.t(Key::FdFormProps)}</h2>
        <TextAt ws at=p("id") id="fd-form-id" label=Key::FdFormId mono=true />
        <LocalizedAt ws at=p("name") id="fd-form-name" label=Key::FdName />
        <LocalizedAt ws at=p("description") id="fd-form-description" label=Key::FdDescription />
        <SelectAt ws at=p("extends") id="fd-extends" label=Key::FdExtends options=others optional=true />
        <Show when=move || extends.get()>
            <p class="fd-inherit-summary" id="fd-inherit-summary">{summary}</p>
        </Show>
        <Sections ctx />
        <Routes ctx />
    }
}

/// Copies the list `member` the form inherits into the form (so it can be changed here), or
/// gives the edits that append `value` to its own.
fn append_own(ctx: FormCtx, member: &str, inherited: Vec<Value>, value: Value) {
    let at = ctx.layout.with_untracked(|l| format!("{}/{member}", l.at));
    let edit = if len_at(ctx.ws, &at) > 0 {
        Edit::Insert {
            at: format!("{at}/-"),
            value,
        }
    } else {
        let mut list = inherited;
        list.push(value);
        Edit::Set {
            at,
            value: Value::Array(list),
        }
    };
    ctx.ws.edit(vec![edit], None);
}

fn remove_at(ctx: FormCtx, list: &str, i: usize) {
    let at = if len_at(ctx.ws, list) <= 1 {
        list.to_owned()
    } else {
        format!("{list}/{i}")
    };
    ctx.ws.edit(vec![Edit::Remove { at }], None);
}

#[component]
fn Sections(ctx: FormCtx) -> impl IntoView {
    let ws = ctx.ws;
    let from = Memo::new(move |_| ctx.layout.with(|l| l.sections_from.clone()));
    let list = Memo::new(move |_| ctx.layout.with(|l| format!("{}/sections", l.at)));
    let count = Memo::new(move |_| len_at(ws, &list.get()));
    let add = move |_| {
        let inherited: Vec<Value> = ctx.layout.with_untracked(|l| {
            l.sections
                .iter()
                .map(|s| json!({"id": s.id, "title": s.title, "fields": s.fields.iter().map(|f| f.id.clone()).collect::<Vec<_>>()}))
                .collect()
        });
        let n = ctx.layout.with_untracked(|l| l.sections.len()) + 1;
        let taken: Vec<String> = ctx
            .layout
            .with_untracked(|l| l.sections.iter().map(|s| s.id.clone()).collect());
        let id = (n..)
            .map(|k| format!("section_{k}"))
            .find(|c| !taken.contains(c))
            .unwrap_or_default();
        let value = json!({"id": id, "title": {"zh-CN": format!("{} {n}", Key::FdNewSection.texts().0), "en": format!("{} {n}", Key::FdNewSection.texts().1)}, "fields": []});
        append_own(
            ctx,
            "sections",
            if count.get_untracked() > 0 {
                Vec::new()
            } else {
                inherited
            },
            value,
        );
    };
    view! {
        <details class="inspector-group" open>
            <summary>{move || ws.t(Key::FdSections)}</summary>
            {move || from.get().map(|f| view! { <p class="muted">{ws.locale.get().fill(Key::FdSectionsFrom, &[("form", &f)])}</p> })}
            {move || {
                let list = list.get();
                (0..count.get())
                    .map(|i| {
                        let n = (i + 1).to_string();
                        let item = format!("{list}/{i}");
                        let locale = ws.locale.get();
                        let remove_label = locale.fill(Key::FdRemoveSection, &[("n", &n)]);
                        let list = list.clone();
                        view! {
                            <fieldset class="fd-rule" data-section-editor=i>
                                <legend class="field-label">{locale.fill(Key::FdSectionN, &[("n", &n)])}</legend>
                                <LocalizedAt ws at=format!("{item}/title") id=format!("fd-section-{i}-title") label=Key::FdSectionTitle />
                                <ExprAt ws at=format!("{item}/visible_if") id=format!("fd-section-{i}-visible") label=Key::FdSectionVisibleIf optional=true />
                                <button type="button" class="btn btn-small" on:click=move |_| remove_at(ctx, &list, i)>{remove_label}</button>
                            </fieldset>
                        }
                    })
                    .collect_view()
            }}
            <button type="button" class="btn btn-small" id="fd-add-section" on:click=add>{move || ws.t(Key::FdAddSection)}</button>
        </details>
    }
}

#[component]
fn Routes(ctx: FormCtx) -> impl IntoView {
    let ws = ctx.ws;
    let flows = listed(ws, "/flows".to_owned());
    let list = Memo::new(move |_| ctx.layout.with(|l| format!("{}/routes", l.at)));
    let count = Memo::new(move |_| len_at(ws, &list.get()));
    let default_at = Signal::derive(move || ctx.layout.with(|l| format!("{}/default_flow", l.at)));
    // Routes an ancestor gives, when this form has none of its own.
    let inherited = Memo::new(move |_| {
        if count.get() > 0 {
            return (None, Vec::new());
        }
        let chain: Vec<String> = ctx.layout.with(|l| l.parent.iter().cloned().collect());
        ws.read(|doc| {
            let forms = doc
                .get("forms")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut current = chain.first().cloned();
            let mut hops = 0;
            while let Some(id) = current {
                let Some(form) = forms
                    .iter()
                    .find(|f| f.get("id").and_then(Value::as_str) == Some(&id))
                else {
                    break;
                };
                if let Some(routes) = form
                    .get("routes")
                    .and_then(Value::as_array)
                    .filter(|r| !r.is_empty())
                {
                    return (Some(id), routes.clone());
                }
                current = form
                    .get("extends")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                hops += 1;
                if hops > 16 {
                    break;
                }
            }
            (None, Vec::new())
        })
    });
    let add = move |_| {
        let flow = flows
            .get_untracked()
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        append_own(
            ctx,
            "routes",
            inherited.get_untracked().1,
            json!({"when": "true", "flow": flow}),
        );
    };
    view! {
        <details class="inspector-group" open>
            <summary>{move || ws.t(Key::FdRoutes)}</summary>
            {move || {
                let (from, routes) = inherited.get();
                let locale = ws.locale.get();
                from.map(|f| {
                    view! {
                        <p class="muted">{locale.fill(Key::FdRoutesFrom, &[("form", &f)])}</p>
                        <ol class="fd-inherited-routes">
                            {routes
                                .into_iter()
                                .map(|r| {
                                    let when = r.get("when").and_then(Value::as_str).unwrap_or_default().to_owned();
                                    let flow = r.get("flow").and_then(Value::as_str).unwrap_or_default().to_owned();
                                    view! { <li><code>{when}</code> " → " <code>{flow}</code></li> }
                                })
                                .collect_view()}
                        </ol>
                    }
                })
            }}
            <Show when=move || count.get() == 0 && inherited.with(|i| i.0.is_none())>
                <p class="muted">{move || ws.t(Key::FdNoRoutes)}</p>
            </Show>
            <ol class="fd-routes">
                {move || {
                    let list = list.get();
                    (0..count.get())
                        .map(|i| {
                            let n = (i + 1).to_string();
                            let item = format!("{list}/{i}");
                            let locale = ws.locale.get();
                            let remove_label = locale.fill(Key::FdRemoveRoute, &[("n", &n)]);
                            let list = list.clone();
                            view! {
                                <li class="fd-route" data-route=i>
                                    <ExprAt ws at=format!("{item}/when") id=format!("fd-route-{i}-when") label=Key::FdSetWhen />
                                    <SelectAt ws at=format!("{item}/flow") id=format!("fd-route-{i}-flow") label=Key::FdRouteFlowShort options=flows />
                                    <button type="button" class="btn btn-small" on:click=move |_| remove_at(ctx, &list, i)>{remove_label}</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <button type="button" class="btn btn-small" id="fd-add-route" on:click=add>{move || ws.t(Key::FdAddRoute)}</button>
            <SelectAt ws at=default_at id="fd-default-flow" label=Key::FdDefaultFlow options=flows optional=true />
        </details>
    }
}
