//! The form preview without a browser: what each field offers (its options, its range), the
//! fields in display order by section, and the evaluation jimu-core gives for the values
//! typed and the role chosen.

use jimu_core::Bundle;
use jimu_core::Localized;
use jimu_core::forms::{FieldState, FormEvaluation, FormRequest};
use serde_json::{Map, Value};

/// One option of a select (with the next level's, for a cascading select).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub id: String,
    pub label: Localized,
    pub children: Vec<Choice>,
}

/// What the preview needs to draw one field beyond its state: its options and range.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spec {
    pub options: Vec<Choice>,
    /// Rating bounds (default 1–5).
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub unit: Option<Localized>,
    pub help: Option<Localized>,
}

fn localized(value: Option<&Value>) -> Option<Localized> {
    match value? {
        Value::String(text) => Some(Localized::new(text.clone(), text.clone())),
        Value::Object(map) => Some(Localized::new(
            map.get("zh-CN").and_then(Value::as_str).unwrap_or_default(),
            map.get("en").and_then(Value::as_str).unwrap_or_default(),
        )),
        _ => None,
    }
}

fn choices(value: Option<&Value>) -> Vec<Choice> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|c| {
                    Some(Choice {
                        id: c.get("id")?.as_str()?.to_owned(),
                        label: localized(c.get("label"))?,
                        children: choices(c.get("children")),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The region tree as cascading options (province → city → district).
fn region_choices(bundle: &Bundle) -> Vec<Choice> {
    fn under(bundle: &Bundle, parent: Option<&str>) -> Vec<Choice> {
        let regions = &bundle.doc().org.regions;
        regions
            .iter()
            .filter(|r| r.parent.as_ref().map(|p| p.as_str()) == parent)
            .map(|r| Choice {
                id: r.id.as_str().to_owned(),
                label: r.name.localized(),
                children: under(bundle, Some(r.id.as_str())),
            })
            .collect()
    }
    under(bundle, None)
}

/// The field's definition as written, looked up through the form's `extends` chain.
fn field_json(forms: &[Value], form: &str, field: &str) -> Option<Value> {
    let mut current = Some(form.to_owned());
    let mut hops = 0;
    while let Some(id) = current {
        let form = forms
            .iter()
            .find(|f| f.get("id").and_then(Value::as_str) == Some(&id))?;
        if let Some(found) = form
            .get("fields")
            .and_then(Value::as_array)
            .and_then(|fields| {
                fields
                    .iter()
                    .find(|f| f.get("id").and_then(Value::as_str) == Some(field))
            })
        {
            return Some(found.clone());
        }
        current = form
            .get("extends")
            .and_then(Value::as_str)
            .map(str::to_owned);
        hops += 1;
        if hops > 16 {
            return None;
        }
    }
    None
}

/// What each field of a form offers, by field id.
pub fn specs(bundle: &Bundle, form: &str, field_ids: &[String]) -> Vec<(String, Spec)> {
    let forms = serde_json::to_value(&bundle.doc().forms)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    field_ids
        .iter()
        .map(|id| {
            let json = field_json(&forms, form, id).unwrap_or(Value::Null);
            let mut options = choices(json.get("options"));
            let from_regions = json.get("options_from").and_then(Value::as_str)
                == Some("region_tree")
                || json.get("kind").and_then(Value::as_str) == Some("region");
            if from_regions {
                options = region_choices(bundle);
            }
            let spec = Spec {
                options,
                min: json.get("min").and_then(Value::as_i64),
                max: json.get("max").and_then(Value::as_i64),
                unit: localized(json.get("unit")),
                help: localized(json.get("help")),
            };
            (id.clone(), spec)
        })
        .collect()
}

/// The forms of a bundle as `(id, name)`.
pub fn forms(bundle: &Bundle) -> Vec<(String, Localized)> {
    bundle
        .doc()
        .forms
        .iter()
        .map(|f| (f.id.as_str().to_owned(), f.name.localized()))
        .collect()
}

/// The roles of a bundle as `(id, name)`.
pub fn roles(bundle: &Bundle) -> Vec<(String, Localized)> {
    bundle
        .doc()
        .org
        .roles
        .iter()
        .map(|r| (r.id.as_str().to_owned(), r.name.localized()))
        .collect()
}

/// A section title by id.
pub fn section_title(bundle: &Bundle, form: &str, section: &str) -> Option<Localized> {
    let mut current = Some(form.to_owned());
    for _ in 0..16 {
        let id = current?;
        let form = bundle.doc().forms.iter().find(|f| f.id.as_str() == id)?;
        if let Some(s) = form.sections.iter().find(|s| s.id.as_str() == section) {
            return Some(s.title.localized());
        }
        current = form.extends.as_ref().map(|e| e.as_str().to_owned());
    }
    None
}

/// The fields shown, grouped as the person filling in the form sees them: the form's sections
/// in their order (the nearest ones up the `extends` chain), each with its fields in the
/// section's order, then the fields in no section in the engine's order.
pub fn display_groups(
    bundle: &Bundle,
    form: &str,
    shown: &[FieldState],
) -> Vec<(Option<String>, Vec<FieldState>)> {
    let mut sections: &[jimu_core::format::form::Section] = &[];
    let mut current = Some(form.to_owned());
    for _ in 0..16 {
        let Some(id) = current else { break };
        let Some(f) = bundle.doc().forms.iter().find(|f| f.id.as_str() == id) else {
            break;
        };
        if !f.sections.is_empty() {
            sections = &f.sections;
            break;
        }
        current = f.extends.as_ref().map(|e| e.as_str().to_owned());
    }
    let mut groups: Vec<(Option<String>, Vec<FieldState>)> = sections
        .iter()
        .map(|s| {
            let list = s
                .fields
                .iter()
                .filter_map(|id| {
                    shown.iter().find(|f| {
                        f.id == id.as_str() && f.section.as_deref() == Some(s.id.as_str())
                    })
                })
                .cloned()
                .collect::<Vec<_>>();
            (Some(s.id.as_str().to_owned()), list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    let placed = |f: &FieldState| groups.iter().any(|(_, l)| l.iter().any(|g| g.id == f.id));
    let loose: Vec<FieldState> = shown.iter().filter(|f| !placed(f)).cloned().collect();
    if !loose.is_empty() {
        groups.push((None, loose));
    }
    groups
}

/// The form to show: the one chosen if the bundle has it, else the first.
pub fn chosen_form(bundle: &Bundle, chosen: Option<&str>) -> Option<String> {
    let forms = &bundle.doc().forms;
    chosen
        .filter(|c| forms.iter().any(|f| f.id.as_str() == *c))
        .map(str::to_owned)
        .or_else(|| forms.first().map(|f| f.id.as_str().to_owned()))
}

/// Evaluates the form for the values and role, read as one form request by jimu-core (as
/// `jimu form` and the wasm package read theirs); values of fields the form does not have are
/// left out (they belong to another form the admin looked at before).
pub fn run(
    bundle: &Bundle,
    form: &str,
    values: &Map<String, Value>,
    role: Option<&str>,
) -> Result<FormEvaluation, Vec<jimu_core::Problem>> {
    // A role or values kept from another bundle the admin looked at are left out.
    let role = role.filter(|r| bundle.doc().org.roles.iter().any(|x| x.id.as_str() == *r));
    let empty = FormRequest::from_parts(bundle, form, &Value::Object(Map::new()), role, None)?;
    let known: Vec<String> = empty
        .evaluate(bundle)?
        .fields
        .into_iter()
        .map(|f| f.id)
        .collect();
    let values: Map<String, Value> = values
        .iter()
        .filter(|(k, _)| known.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    FormRequest::from_parts(bundle, form, &Value::Object(values), role, None)?.evaluate(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(name: &str) -> Bundle {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/bundles/valid/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the bundle");
        Bundle::from_json(&text).expect("valid")
    }

    fn values(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("an object")
    }

    #[test]
    fn fields_show_in_the_order_of_their_sections() {
        let b = Bundle::from_json(
            &json!({
                "schema_version": 2, "name": "order", "currency": "CNY", "time_zone": "Asia/Shanghai",
                "forms": [{"id": "f", "name": "F", "fields": [
                    {"id": "a", "kind": "text", "label": "A"},
                    {"id": "b", "kind": "text", "label": "B"},
                    {"id": "c", "kind": "text", "label": "C"},
                    {"id": "d", "kind": "text", "label": "D"}
                ], "sections": [
                    {"id": "one", "title": "One", "fields": ["c", "a"]},
                    {"id": "two", "title": "Two", "fields": ["d"]}
                ]}]
            })
            .to_string(),
        )
        .expect("valid");
        let e = run(&b, "f", &Map::new(), None).expect("evaluates");
        let groups = display_groups(&b, "f", &e.fields);
        let ids: Vec<(Option<&str>, Vec<&str>)> = groups
            .iter()
            .map(|(s, l)| (s.as_deref(), l.iter().map(|f| f.id.as_str()).collect()))
            .collect();
        assert_eq!(
            ids,
            vec![
                (Some("one"), vec!["c", "a"]),
                (Some("two"), vec!["d"]),
                (None, vec!["b"])
            ]
        );
    }

    #[test]
    fn an_agent_sees_the_phone_masked_and_the_cost_hidden() {
        let b = bundle("form-permissions");
        let v = values(json!({"deal_amount": "1000.00", "cost": "600.00", "phone": "13812345678"}));
        let finance = run(&b, "deal", &v, Some("finance")).expect("evaluates");
        let phone = finance
            .fields
            .iter()
            .find(|f| f.id == "phone")
            .expect("phone");
        assert_eq!(phone.access, "masked");
        assert_eq!(phone.masked.as_deref(), Some("138****5678"));
        let sales = run(&b, "deal", &v, Some("sales")).expect("evaluates");
        let cost = sales.fields.iter().find(|f| f.id == "cost").expect("cost");
        assert_eq!(cost.access, "hidden");
        let none = run(&b, "deal", &v, None).expect("evaluates");
        let margin = none
            .fields
            .iter()
            .find(|f| f.id == "margin")
            .expect("margin");
        assert_eq!(margin.value, Some(json!("400.00")));
    }

    #[test]
    fn an_unknown_role_or_a_stale_value_does_not_break_the_preview() {
        let b = bundle("form-permissions");
        let v = values(json!({"from_another_form": "x", "deal_amount": "5.00"}));
        let evaluation = run(&b, "deal", &v, Some("nobody")).expect("evaluates");
        assert!(evaluation.role.is_none());
        assert!(
            evaluation
                .errors
                .iter()
                .all(|e| e.field != "from_another_form")
        );
    }

    #[test]
    fn inherited_fields_find_their_options_in_the_parent() {
        let b = bundle("form-shared-variants");
        let evaluation = run(&b, "marketing-order", &Map::new(), None).expect("evaluates");
        let ids: Vec<String> = evaluation.fields.iter().map(|f| f.id.clone()).collect();
        assert!(ids.contains(&"customer_name".to_owned()), "{ids:?}");
        assert!(
            !ids.contains(&"amount".to_owned()),
            "removed by the variant"
        );
        let specs = specs(&b, "marketing-order", &ids);
        let campaign = specs
            .iter()
            .find(|(id, _)| id == "campaign")
            .expect("campaign");
        assert!(!campaign.1.options.is_empty());
    }

    #[test]
    fn routing_follows_the_answers() {
        let b = bundle("form-catering-rating");
        let form = chosen_form(&b, Some("nope")).expect("the first form");
        let low = run(
            &b,
            &form,
            &values(json!({"dish_rating": 1, "service_rating": 2})),
            None,
        )
        .expect("evaluates");
        assert_eq!(low.route.as_deref(), Some("dining-complaint"));
        let high = run(
            &b,
            &form,
            &values(json!({"dish_rating": 5, "service_rating": 5})),
            None,
        )
        .expect("evaluates");
        assert_ne!(high.route.as_deref(), Some("dining-complaint"));
    }
}
