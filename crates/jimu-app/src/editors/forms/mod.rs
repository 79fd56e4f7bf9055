//! The form designer: a palette of field kinds, the form's sections and fields to drag, reorder,
//! duplicate and remove, a properties panel for the selected field (texts in both languages,
//! defaults, options, presets, validation, role permissions and masking, logic) or for the form
//! (inheritance, sections, routing), and beside them the live preview computed by jimu-core.
//! The pure part (`model`) is natively tested.

pub mod field;
pub mod logic;
pub mod model;
pub mod settings;
pub mod structure;

use crate::editors::text_view::TextView;
use crate::i18n::Key;
use crate::previews::form::FormPreview;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::state::pointer;
use crate::state::section::Section;
use crate::ui::problems::ProblemList;
use crate::ui::tabs::{ItemTabs, named_items, problems_within};
use leptos::prelude::*;
use model::{Layout, Target};
use serde_json::{Value, json};

/// What is being dragged in the designer.
#[derive(Debug, Clone, PartialEq)]
pub enum Drag {
    /// A field of the form, by id.
    Field(String),
    /// A kind from the palette, by its index in [`PALETTE`].
    Kind(usize),
}

/// The palette: (slug, kind, name, preset).
pub const PALETTE: &[(&str, &str, Key, Option<&str>)] = &[
    ("text", "text", Key::KindText, None),
    ("long_text", "long_text", Key::KindLongText, None),
    ("number", "number", Key::KindNumber, None),
    ("money", "money", Key::KindMoney, None),
    (
        "single_select",
        "single_select",
        Key::KindSingleSelect,
        None,
    ),
    ("multi_select", "multi_select", Key::KindMultiSelect, None),
    (
        "cascading_select",
        "cascading_select",
        Key::KindCascading,
        None,
    ),
    ("date", "date", Key::KindDate, None),
    ("date_time", "date_time", Key::KindDateTime, None),
    ("phone", "phone", Key::KindPhone, None),
    ("email", "email", Key::KindEmail, None),
    ("id_number", "text", Key::KindIdNumber, Some("id_number")),
    ("rating", "rating", Key::KindRating, None),
    ("yes_no", "yes_no", Key::KindYesNo, None),
    ("attachment", "attachment", Key::KindAttachment, None),
    ("signature", "signature", Key::KindSignature, None),
    ("location", "location", Key::KindLocation, None),
    ("region", "region", Key::KindRegion, None),
    ("computed", "computed", Key::KindComputed, None),
];

/// The name of a field kind.
pub fn kind_key(kind: &str) -> Key {
    PALETTE
        .iter()
        .find(|(_, k, _, preset)| *k == kind && preset.is_none())
        .map_or(Key::KindText, |(_, _, key, _)| *key)
}

/// What the designer's parts share. Every field is a signal or memo, so the whole is `Copy`.
#[derive(Clone, Copy)]
pub struct FormCtx {
    pub ws: Workspace,
    /// The form shown (its index in `/forms`).
    pub index: RwSignal<usize>,
    pub layout: Memo<Layout>,
    /// The selected field's id (none: the form's settings show).
    pub selected: RwSignal<Option<String>>,
    pub dragging: RwSignal<Option<Drag>>,
    /// Where a drop would land now, drawn as a line.
    pub over: RwSignal<Option<Target>>,
}

impl FormCtx {
    fn new(ws: Workspace) -> Self {
        let index = RwSignal::new(0usize);
        Self {
            ws,
            index,
            layout: Memo::new(move |_| {
                let i = index.get();
                ws.read(|doc| model::layout(doc, i))
            }),
            selected: RwSignal::new(None),
            dragging: RwSignal::new(None),
            over: RwSignal::new(None),
        }
    }

    /// Applies the edits `f` makes from the document and the layout (one undo step).
    pub fn apply(self, f: impl FnOnce(&Value, &Layout) -> Vec<Edit>) {
        let edits = self
            .ws
            .store
            .with_untracked(|s| self.layout.with_untracked(|l| f(s.doc(), l)));
        if !edits.is_empty() {
            self.ws.edit(edits, None);
        }
    }

    /// Selects a field (or the form, with `None`), in the designer and in the store.
    pub fn select(self, id: Option<String>) {
        if let Some(at) = id.as_ref().and_then(|id| {
            self.layout
                .with_untracked(|l| l.field(id).map(|f| f.at.clone()))
        }) {
            self.ws.store.update(|s| s.select(Some(at)));
        }
        self.selected.set(id);
    }

    /// Adds a field of palette entry `k` at `target` and selects it.
    pub fn add(self, k: usize, target: Target) {
        let Some((slug, kind, key, preset)) = PALETTE.get(k) else {
            return;
        };
        let id = self.layout.with_untracked(|l| model::fresh_id(l, slug));
        let mut field = model::new_field(kind, &id, key.texts());
        if let (Some(preset), Some(map)) = (preset, field.as_object_mut()) {
            map.insert("preset".to_owned(), json!(preset));
        }
        self.apply(|doc, l| model::add_field(doc, l, field, &target));
        self.select(Some(id));
    }

    /// Where "add" puts a field: after the selected one, else at the end of the last section.
    pub fn insertion_point(self) -> Target {
        self.layout.with_untracked(|l| {
            let selected = self.selected.get_untracked();
            if let Some(id) = selected.as_deref()
                && let Some(target) = model::after(l, id)
            {
                return target;
            }
            Target {
                section: l.sections.len().checked_sub(1),
                before: None,
            }
        })
    }
}

/// The forms section's page.
#[component]
pub fn FormDesigner(ws: Workspace) -> impl IntoView {
    let ctx = FormCtx::new(ws);
    let forms = named_items(ws, "forms");
    // Keep the index in range, and the preview on the form shown.
    Effect::new(move |_| {
        let list = forms.get();
        let i = ctx.index.get();
        if i >= list.len().max(1) {
            ctx.index.set(list.len().saturating_sub(1));
            return;
        }
        if let Some((id, _)) = list.get(i)
            && ws
                .inputs
                .with_untracked(|x| x.form.as_deref() != Some(id.as_str()))
        {
            let id = id.clone();
            ws.set_inputs(|x| x.form = Some(id));
        }
    });
    // A problem or selection inside a form shows that form and selects the field it names.
    Effect::new(move |_| {
        ws.reveal.get();
        let Some(selected) = ws.selection.get_untracked() else {
            return;
        };
        let Some(rest) = selected.strip_prefix("/forms/") else {
            return;
        };
        let mut parts = rest.split('/');
        let Some(i) = parts.next().and_then(pointer::index) else {
            return;
        };
        if ctx.index.get_untracked() != i {
            ctx.index.set(i);
        }
        if parts.next() == Some("fields")
            && let Some(k) = parts.next().and_then(pointer::index)
        {
            let id = ws.value_at(&format!("/forms/{i}/fields/{k}/id"));
            ctx.selected
                .set(id.and_then(|v| v.as_str().map(str::to_owned)));
        }
    });
    let add_form = move |_| {
        let taken: Vec<String> = forms
            .get_untracked()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let id = (1..)
            .map(|n| {
                if n == 1 {
                    "form".to_owned()
                } else {
                    format!("form_{n}")
                }
            })
            .find(|id| !taken.contains(id))
            .unwrap_or_default();
        let form = json!({"id": id, "name": {"zh-CN": "新表单", "en": "New form"}, "fields": []});
        let edits = ws.store.with_untracked(|s| match s.get("/forms") {
            Some(Value::Array(_)) => vec![Edit::Insert {
                at: "/forms/-".to_owned(),
                value: form,
            }],
            _ => vec![Edit::Set {
                at: "/forms".to_owned(),
                value: json!([form]),
            }],
        });
        ws.edit(edits, None);
        ctx.index.set(taken.len());
        ctx.selected.set(None);
    };
    let show_json = RwSignal::new(false);
    // The field whose properties show (kept only while the form has it).
    let shown = Memo::new(move |_| {
        ctx.selected
            .get()
            .filter(|id| ctx.layout.with(|l| l.field(id).is_some()))
    });
    let problems = problems_within(
        ws,
        Signal::derive(move || ctx.layout.with(|l| l.at.clone())),
        Section::Forms,
        "forms",
    );
    let heading = Signal::derive(move || {
        ws.locale.get().fill(
            Key::SectionProblems,
            &[("count", &problems.with(Vec::len).to_string())],
        )
    });
    view! {
        <div class="page form-page" data-section="forms">
            <header class="page-head flow-head">
                <h1 class="page-title">{move || ws.t(Key::NavForms)}</h1>
                <ItemTabs ws items=forms index=ctx.index label=Key::FormTabs pick=move |i| {
                    ctx.index.set(i);
                    ctx.selected.set(None);
                } />
                <button type="button" class="btn btn-small" id="add-form" on:click=add_form>{move || ws.t(Key::AddForm)}</button>
                <button
                    type="button"
                    class="btn btn-small"
                    id="toggle-flow-json"
                    aria-expanded=move || if show_json.get() { "true" } else { "false" }
                    on:click=move |_| show_json.update(|s| *s = !*s)
                >
                    {move || ws.t(Key::JsonTitle)}
                </button>
            </header>
            <Show
                when=move || !forms.with(Vec::is_empty)
                fallback=move || view! {
                    <section class="card empty-flows">
                        <p>{ws.t(Key::NoForms)}</p>
                    </section>
                }
            >
                <div class="form-designer">
                    <structure::Palette ctx />
                    <structure::Structure ctx />
                    <section class="card inspector fd-props" aria-labelledby="fd-props-title">
                        {move || match shown.get() {
                            Some(id) => view! { <field::FieldProps ctx id /> }.into_any(),
                            None => view! { <settings::FormSettings ctx /> }.into_any(),
                        }}
                    </section>
                    <div class="fd-preview">
                        <FormPreview ws />
                    </div>
                </div>
            </Show>
            <Show when=move || show_json.get()>
                <section class="card">
                    <TextView ws at="/forms".to_owned() label=Signal::derive(move || ws.t(Key::NavForms).to_owned()) />
                </section>
            </Show>
            <Show when=move || !problems.with(Vec::is_empty)>
                <ProblemList ws problems heading list_id="form-problems" />
            </Show>
        </div>
    }
}
