//! The samples bar of a preview: the samples kept with the bundle (in its editor-only
//! section) to use again or remove, and keeping what the preview holds now under a name.

use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::state::doc::Edit;
use crate::state::samples::{self, Kind};
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn SampleBar(
    ws: Workspace,
    kind: Kind,
    /// What the preview holds now, as a sample (without its name); `None` when nothing to keep.
    current: Callback<(), Option<Value>>,
    /// Puts a kept sample into the preview.
    on_use: Callback<Value>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let kept = Memo::new(move |_| ws.read(|doc| samples::list(doc, kind)));
    let id = format!("samples-{}", kind.key());
    let list_id = format!("{id}-list");
    let name_id = format!("sample-name-{}", kind.key());
    let keep = move || {
        let label = name.get_untracked().trim().to_owned();
        let Some(Value::Object(mut sample)) = current.run(()) else {
            return;
        };
        let label = if label.is_empty() {
            ws.locale.get_untracked().fill(
                Key::SampleDefaultName,
                &[("n", &(kept.with_untracked(Vec::len) + 1).to_string())],
            )
        } else {
            label
        };
        sample.insert("name".to_owned(), Value::String(label));
        let edits = ws
            .store
            .with_untracked(|s| samples::append(s.doc(), kind, Value::Object(sample)));
        ws.edit(edits, None);
        name.set(String::new());
    };
    let use_chosen = move |_| {
        let at = chosen.get_untracked();
        if let Some((_, _, sample)) =
            kept.with_untracked(|k| k.iter().find(|(p, _, _)| *p == at).cloned())
        {
            on_use.run(sample);
        }
    };
    let remove_chosen = move |_| {
        let at = chosen.get_untracked();
        if kept.with_untracked(|k| k.iter().any(|(p, _, _)| *p == at)) {
            ws.edit(vec![Edit::Remove { at }], None);
            chosen.set(String::new());
        }
    };
    view! {
        <div class="sample-bar" id=id.clone()>
            <Show when=move || !kept.with(Vec::is_empty)>
                <label class="visually-hidden" for=list_id.clone()>{move || ws.t(Key::SamplesKept)}</label>
                <select
                    id=list_id.clone()
                    class="select"
                    on:change=move |ev| chosen.set(event_target_value(&ev))
                >
                    <option value="" selected=move || chosen.with(String::is_empty)>
                        {move || ws.locale.get().fill(Key::SamplesCount, &[("count", &kept.with(Vec::len).to_string())])}
                    </option>
                    {move || {
                        kept.get()
                            .into_iter()
                            .map(|(at, label, _)| {
                                let selected = at.clone();
                                view! { <option value=at selected=move || chosen.get() == selected>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <button type="button" class="btn btn-small sample-use" disabled=move || chosen.with(String::is_empty) on:click=use_chosen>
                    {move || ws.t(Key::SampleUse)}
                </button>
                <button type="button" class="btn btn-small btn-danger-ghost" disabled=move || chosen.with(String::is_empty) on:click=remove_chosen>
                    {move || ws.t(Key::SampleRemove)}
                </button>
                <span class="divider" aria-hidden="true"></span>
            </Show>
            <label class="visually-hidden" for=name_id.clone()>{move || ws.t(Key::SampleName)}</label>
            <input
                id=name_id
                class="text-input sample-name"
                type="text"
                autocomplete="off"
                placeholder=move || ws.t(Key::SampleName)
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        keep();
                    }
                }
            />
            <button type="button" class="btn btn-small sample-keep" title=move || ws.t(Key::SampleKeepTitle) on:click=move |_| keep()>
                {move || ws.t(Key::SampleKeep)}
            </button>
        </div>
    }
}
