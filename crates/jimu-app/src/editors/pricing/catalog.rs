//! The catalog of service items and spare parts as an editable table: add and remove items,
//! sort by a column, filter by text, edit each cell in place (checked by the bundle check as
//! typed, problems shown on the row).

use crate::editors::money::{name_of, push, remove_item};
use crate::i18n::Key;
use crate::shell::workspace::Workspace;
use crate::ui::fields::write;
use leptos::prelude::*;
use serde_json::{Value, json};

/// The columns: (member, heading); `name` is shown in both languages.
const COLUMNS: [(&str, Key); 7] = [
    ("id", Key::ColId),
    ("name/zh-CN", Key::ColNameZh),
    ("name/en", Key::ColNameEn),
    ("kind", Key::ColKind),
    ("price", Key::ColPrice),
    ("cost", Key::ColCost),
    ("category", Key::ColCategory),
];

fn cell_text(item: &Value, member: &str) -> String {
    let v = match member.split_once('/') {
        Some((a, b)) => match item.get(a) {
            Some(Value::String(s)) => Some(Value::String(s.clone())),
            Some(other) => other.get(b).cloned(),
            None => None,
        },
        None => item.get(member).cloned(),
    };
    match v {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The row order shown: the items matching `filter` (in any column), sorted by `sort`.
pub fn shown(items: &[Value], filter: &str, sort: Option<(usize, bool)>) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..items.len())
        .filter(|&i| {
            needle.is_empty()
                || COLUMNS
                    .iter()
                    .any(|(m, _)| cell_text(&items[i], m).to_lowercase().contains(&needle))
        })
        .collect();
    if let Some((c, descending)) = sort {
        let member = COLUMNS[c].0;
        rows.sort_by(|&a, &b| {
            let (x, y) = (cell_text(&items[a], member), cell_text(&items[b], member));
            let order = match (
                x.parse::<rust_decimal::Decimal>(),
                y.parse::<rust_decimal::Decimal>(),
            ) {
                (Ok(p), Ok(q)) => p.cmp(&q),
                _ => x.cmp(&y),
            };
            if descending { order.reverse() } else { order }
        });
    }
    rows
}

/// Writes one cell: a name in one language keeps the other; an empty optional cell is removed.
fn put(ws: Workspace, i: usize, member: &str, text: String) {
    let at = format!("/catalog/{i}");
    let item = ws.value_at(&at).unwrap_or(Value::Null);
    if let Some((_, tag)) = member.split_once('/') {
        let mut name = match item.get("name") {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::String(s)) => [("zh-CN".to_owned(), json!(s)), ("en".to_owned(), json!(s))]
                .into_iter()
                .collect(),
            _ => serde_json::Map::new(),
        };
        name.insert(tag.to_owned(), json!(text));
        return write(ws, &format!("{at}/name"), Value::Object(name), true);
    }
    let pointer = format!("{at}/{member}");
    if text.is_empty() && matches!(member, "cost" | "category") {
        if item.get(member).is_some() {
            ws.edit(vec![crate::state::doc::Edit::Remove { at: pointer }], None);
        }
    } else {
        write(ws, &pointer, json!(text), true);
    }
}

#[component]
pub fn CatalogTable(ws: Workspace) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<(usize, bool)>);
    let items = Memo::new(move |_| {
        ws.value_at("/catalog")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    });
    let count = Memo::new(move |_| items.with(Vec::len));
    // Rows are drawn per index; the order changes only with the count, the filter or the sort,
    // so typing into a cell keeps its input.
    let order = Memo::new(move |_| {
        count.track();
        let items = items.get_untracked();
        shown(&items, &filter.get(), sort.get())
    });
    let add = move |_| {
        let n = count.get_untracked() + 1;
        push(
            ws,
            "/catalog",
            json!({"id": format!("item_{n}"), "name": {"zh-CN": format!("项目 {n}"), "en": format!("Item {n}")}, "kind": "service", "price": "0.00"}),
        );
    };
    view! {
        <section class="card money-card" aria-labelledby="catalog-title">
            <div class="card-head">
                <h2 class="card-title" id="catalog-title">{move || ws.t(Key::CatalogTitle)}</h2>
                <label class="visually-hidden" for="catalog-filter">{move || ws.t(Key::CatalogFilter)}</label>
                <input id="catalog-filter" class="text-input catalog-filter" type="search" placeholder=move || ws.t(Key::CatalogFilter) prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
                <button type="button" class="btn btn-small" id="add-item" on:click=add>{move || ws.t(Key::AddItem)}</button>
                <super::csv::CatalogCsv ws />
            </div>
            <div class="table-scroll">
                <table class="catalog-table" id="catalog-table">
                    <thead>
                        <tr>
                            {COLUMNS
                                .iter()
                                .enumerate()
                                .map(|(c, (_, key))| {
                                    let state = move || match sort.get() {
                                        Some((s, false)) if s == c => "ascending",
                                        Some((s, true)) if s == c => "descending",
                                        _ => "none",
                                    };
                                    view! {
                                        <th scope="col" aria-sort=state>
                                            <button type="button" class="th-sort" data-col=c on:click=move |_| sort.update(|s| *s = match *s {
                                                Some((x, false)) if x == c => Some((c, true)),
                                                Some((x, true)) if x == c => None,
                                                _ => Some((c, false)),
                                            })>
                                                {move || ws.t(*key)}
                                            </button>
                                        </th>
                                    }
                                })
                                .collect_view()}
                            <th scope="col"><span class="visually-hidden">{move || ws.t(Key::TierActions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            order
                                .get()
                                .into_iter()
                                .map(|i| {
                                    let name = move || ws.locale.with(|l| items.with(|it| it.get(i).map(|v| name_of(v, l.tag())).unwrap_or_default()));
                                    view! {
                                        <tr data-item=i>
                                            {COLUMNS
                                                .iter()
                                                .map(|(member, key)| {
                                                    let key = *key;
                                                    let label = move || format!("{} · {}", name(), ws.t(key));
                                                    view! {
                                                        <td>
                                                            <input
                                                                class="text-input cell"
                                                                class:mono=*member == "id"
                                                                class:num=matches!(*member, "price" | "cost")
                                                                type="text"
                                                                data-col=*member
                                                                aria-label=label
                                                                prop:value=move || items.with(|it| it.get(i).map(|v| cell_text(v, member)).unwrap_or_default())
                                                                on:input=move |ev| put(ws, i, member, event_target_value(&ev))
                                                                on:blur=move |_| ws.seal()
                                                            />
                                                        </td>
                                                    }
                                                })
                                                .collect_view()}
                                            <td>
                                                <button type="button" class="btn btn-small btn-icon" aria-label=move || format!("{} {}", ws.t(Key::RemoveItem), name()) title=move || ws.t(Key::RemoveItem) on:click=move |_| remove_item(ws, "/catalog", i)>
                                                    <span aria-hidden="true">"✕"</span>
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_filter_and_sort_by_number_or_text() {
        let items = vec![
            json!({"id": "b", "name": {"zh-CN": "空调清洗", "en": "AC cleaning"}, "kind": "service", "price": "120.00"}),
            json!({"id": "a", "name": "上门费", "kind": "service", "price": "30.00"}),
            json!({"id": "c", "name": {"zh-CN": "压缩机", "en": "Compressor"}, "kind": "part", "price": "1200.00"}),
        ];
        assert_eq!(shown(&items, "", None), [0, 1, 2]);
        assert_eq!(
            shown(&items, "", Some((4, false))),
            [1, 0, 2],
            "by price as numbers"
        );
        assert_eq!(shown(&items, "", Some((4, true))), [2, 0, 1]);
        assert_eq!(shown(&items, "", Some((0, false))), [1, 0, 2], "by id");
        assert_eq!(shown(&items, "part", None), [2]);
        assert_eq!(
            shown(&items, "上门", None),
            [1],
            "a plain-text name reads in both columns"
        );
    }
}
