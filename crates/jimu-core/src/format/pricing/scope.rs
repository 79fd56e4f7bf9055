//! What pricing expressions read (the table in the module docs).

use crate::expr::{Scope, VarType};

/// The pricing context every pricing expression may read (see the module docs).
pub fn ticket_scope() -> Scope {
    Scope::default()
        .with("region", VarType::String)
        .with("region_path", VarType::List(Box::new(VarType::String)))
        .with("tier", VarType::String)
        .with("channel", VarType::String)
        .with("now", VarType::String)
        .with("ticket_type", VarType::String)
        .with("distance_km", VarType::Number)
        .with("duration_h", VarType::Number)
        .with("weight_kg", VarType::Number)
        .with("count", VarType::Number)
        .with("subtotal", VarType::Number)
        .with("form", VarType::Any)
        .with_region_path("region_path")
}

/// The context of a `lines` group: [`ticket_scope`] plus the line's `item`.
pub fn line_scope() -> Scope {
    let item = VarType::Object(crate::btree::map([
        ("id".to_owned(), VarType::String),
        ("category".to_owned(), VarType::String),
        ("kind".to_owned(), VarType::String),
        ("price".to_owned(), VarType::Number),
        ("cost".to_owned(), VarType::Number),
        ("quantity".to_owned(), VarType::Number),
    ]));
    ticket_scope().with("item", item)
}
