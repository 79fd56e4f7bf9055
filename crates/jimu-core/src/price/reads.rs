//! What a bundle's pricing rules read from a quote's context, so a host can ask for exactly that.
//!
//! [`context_inputs`] walks the enabled rules: each `when` condition, each quantity of a
//! `tiered_fee` or `add_line` (how a tier table is fed), and each validity window (it reads
//! `now`). For every context variable read it gives the type the pricing scope declares
//! ([`crate::format::pricing::ticket_scope`]), the values worth offering, and what reads it.
//! `in_region(…)` and `region_path` read the `region` (the path is derived from it); `subtotal`
//! and `item` come from the engine, not the context, and are not listed.

use crate::bundle::Bundle;
use crate::expr::{Expr, VarType};
use crate::format::pricing::{Effect, ticket_scope};
use crate::predicate::compared_literals;

/// The context variables in the order a context panel lists them (form fields come last).
const ORDER: [&str; 10] = [
    "region",
    "tier",
    "channel",
    "now",
    "ticket_type",
    "distance_km",
    "duration_h",
    "weight_kg",
    "count",
    "form",
];

/// A context variable the pricing rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextInput {
    /// `region`, `tier`, `channel`, `now`, `ticket_type`, `distance_km`, `duration_h`,
    /// `weight_kg`, `count`, `form` (read whole), or one form field, `form.<field id>`.
    pub name: String,
    /// The declared type (`form.<field>`: [`VarType::Any`], as the scope declares `form`).
    pub var_type: VarType,
    /// Values to offer, without repeats: for `region` every region of the bundle's region tree
    /// in tree order (or, without a tree, the regions the rules name); otherwise the text
    /// literals the rules compare the variable with (`tier == 'vip'` offers `vip`), in the
    /// order written. Best effort: a comparison the scan does not find offers nothing.
    pub options: Vec<String>,
    /// JSON pointers of what reads it, in document order: a condition (`…/when`), a quantity
    /// (`…/effect/quantity`), a validity window (`…/valid`).
    pub read_by: Vec<String>,
}

/// The context variables the enabled pricing rules of `bundle` read, in the order of
/// [`ORDER`] and then form fields by id; empty when the rules read none.
pub fn context_inputs(bundle: &Bundle) -> Vec<ContextInput> {
    let mut found = Found::default();
    for (g, group) in bundle.doc().pricing.groups.iter().enumerate() {
        if !group.enabled {
            continue;
        }
        for (r, rule) in group.rules.iter().enumerate() {
            if !rule.enabled {
                continue;
            }
            let at = format!("/pricing/groups/{g}/rules/{r}");
            if rule.valid.is_some() {
                found.read("now", &format!("{at}/valid"));
            }
            let when = format!("{at}/when");
            if let Some(expr) = bundle.expr(&when) {
                found.expr(expr, &when);
                for (name, literal) in compared_literals(expr.source()) {
                    found.offer(&name, literal);
                }
            }
            if matches!(
                rule.effect,
                Effect::TieredFee { .. }
                    | Effect::AddLine {
                        quantity: Some(_),
                        ..
                    }
            ) {
                let quantity = format!("{at}/effect/quantity");
                if let Some(expr) = bundle.expr(&quantity) {
                    found.expr(expr, &quantity);
                }
            }
        }
    }
    found.finish(bundle)
}

/// What the walk has found so far: each input read, by name, in the order first read.
#[derive(Default)]
struct Found {
    inputs: Vec<ContextInput>,
    /// Literals compared with a name, kept until the end: a variable is offered them only
    /// when something reads it.
    literals: Vec<(String, String)>,
}

impl Found {
    fn read(&mut self, name: &str, by: &str) {
        let scope = ticket_scope();
        let var_type = match name.strip_prefix("form.") {
            Some(_) => VarType::Any,
            None => match scope.var(name) {
                Some(ty) => ty.clone(),
                None => return,
            },
        };
        let input = match self.inputs.iter_mut().position(|i| i.name == name) {
            Some(i) => self.inputs.get_mut(i),
            None => {
                self.inputs.push(ContextInput {
                    name: name.to_owned(),
                    var_type,
                    options: Vec::new(),
                    read_by: Vec::new(),
                });
                self.inputs.last_mut()
            }
        };
        if let Some(input) = input
            && !input.read_by.iter().any(|b| b == by)
        {
            input.read_by.push(by.to_owned());
        }
    }

    fn expr(&mut self, expr: &Expr, by: &str) {
        for root in expr.reads() {
            match root.as_str() {
                "region_path" => self.read("region", by),
                "subtotal" | "item" => {}
                "form" => match expr.members_of("form") {
                    Some(fields) => {
                        for field in fields {
                            self.read(&format!("form.{field}"), by);
                        }
                    }
                    None => self.read("form", by),
                },
                name => self.read(name, by),
            }
        }
    }

    fn offer(&mut self, name: &str, literal: String) {
        let name = if name.ends_with("region_path") {
            "region"
        } else {
            name
        };
        if !self
            .literals
            .iter()
            .any(|(n, l)| n == name && *l == literal)
        {
            self.literals.push((name.to_owned(), literal));
        }
    }

    fn finish(mut self, bundle: &Bundle) -> Vec<ContextInput> {
        let regions = &bundle.doc().org.regions;
        for input in &mut self.inputs {
            input.options = if input.name == "region" && !regions.is_empty() {
                regions.iter().map(|r| r.id.0.clone()).collect()
            } else {
                self.literals
                    .iter()
                    .filter(|(name, _)| *name == input.name)
                    .map(|(_, literal)| literal.clone())
                    .collect()
            };
        }
        let rank = |name: &str| ORDER.iter().position(|n| *n == name).unwrap_or(ORDER.len());
        crate::sort::vec_by(&mut self.inputs, |a, b| {
            rank(&a.name)
                .cmp(&rank(&b.name))
                .then_with(|| a.name.cmp(&b.name))
        });
        self.inputs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(pricing: serde_json::Value) -> Bundle {
        let doc = json!({
            "schema_version": 2, "currency": "CNY",
            "catalog": [{"id": "a", "name": "A", "kind": "service", "unit": "u", "price": "10.00"}],
            "pricing": pricing
        });
        Bundle::from_value(&doc).unwrap_or_else(|p| panic!("{p:#?}"))
    }

    fn names(inputs: &[ContextInput]) -> Vec<&str> {
        inputs.iter().map(|i| i.name.as_str()).collect()
    }

    #[test]
    fn form_fields_windows_and_disabled_rules() {
        let b = bundle(json!({"groups": [
            {"id": "g", "name": "G", "stacking": "all_in_order", "applies_to": {"scope": "ticket"},
             "rules": [
                {"id": "r1", "name": "R1", "when": "form.floors > 3 and tier == 'vip'",
                 "effect": {"kind": "amount_off", "amount": "1.00"}},
                {"id": "r2", "name": "R2", "when": "'large' == form.size or subtotal > 100",
                 "valid": {"from": "2026-11-11T00:00:00+08:00", "time_zone": "Asia/Shanghai"},
                 "effect": {"kind": "amount_off", "amount": "1.00"}},
                {"id": "r3", "name": "R3", "enabled": false, "when": "channel == 'app'",
                 "effect": {"kind": "amount_off", "amount": "1.00"}}
             ]},
            {"id": "off", "name": "Off", "enabled": false, "stacking": "first_match",
             "applies_to": {"scope": "ticket"},
             "rules": [{"id": "r4", "name": "R4", "when": "count > 1",
                        "effect": {"kind": "amount_off", "amount": "1.00"}}]}
        ]}));
        let inputs = context_inputs(&b);
        assert_eq!(names(&inputs), ["tier", "now", "form.floors", "form.size"]);
        let by = |name: &str| inputs.iter().find(|i| i.name == name).unwrap();
        assert_eq!(by("tier").options, ["vip"]);
        assert_eq!(by("tier").var_type, VarType::String);
        assert_eq!(by("now").read_by, ["/pricing/groups/0/rules/1/valid"]);
        assert_eq!(by("form.size").options, ["large"]);
        assert_eq!(by("form.size").var_type, VarType::Any);
        assert_eq!(
            by("form.floors").read_by,
            ["/pricing/groups/0/rules/0/when"]
        );
    }

    #[test]
    fn a_form_read_whole_is_the_form() {
        let b = bundle(json!({"groups": [
            {"id": "g", "name": "G", "stacking": "first_match", "applies_to": {"scope": "ticket"},
             "rules": [{"id": "r", "name": "R", "when": "form != null",
                        "effect": {"kind": "amount_off", "amount": "1.00"}}]}]}));
        let inputs = context_inputs(&b);
        assert_eq!(names(&inputs), ["form"]);
        assert_eq!(inputs[0].var_type, VarType::Any);
    }
}
