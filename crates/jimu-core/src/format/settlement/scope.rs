//! What settlement expressions read.

use crate::expr::{Scope, VarType};

/// The variables settlement expressions read: one `order` object whose fields the host fills.
///
/// | field | type | meaning |
/// |---|---|---|
/// | `id` | string | the order id |
/// | `amount` | number | what the customer paid |
/// | `list_amount` | number | the amount before promotions |
/// | `margin`, `labour`, `parts` | number | margin, labour and parts parts of the order |
/// | `quantity` | number | units in the order |
/// | `channel` | string | a channel id |
/// | `store` | string | the store id |
/// | `store_type` | string | `franchise` or `direct` |
/// | `region`, `city`, `province` | string | region ids where it happened |
/// | `promotion` | string | the promotion code, `""` when none |
/// | `categories`, `products`, `tags` | list of strings | what was sold, free tags |
/// | `customer_tier` | string | `normal`, `vip`, `svip` |
/// | `new_customer` | bool | the customer's first order |
/// | `referrer` | string | the referring party, `""` when none |
/// | `backlog_days` | number | days the stock sold has been in inventory |
/// | `new_product` | bool | a product in its launch period |
/// | `traffic_source` | string | `live`, `short_video`, `search`, … |
/// | `live_viewers` | number | viewers of the live session that sold it |
/// | `placed_at` | date | when the order was placed |
/// | `total_hours`, `remaining_hours` | number | class hours bought and not yet taken |
/// | `promotion_amount` | number | the value of promotions and gifts received |
/// | `instalments` | number | how many instalments it is paid in (1 = at once) |
/// | `deposit` | number | the deposit paid |
/// | `payees` | object | the actual payee of each `from_order` party, by party id |
pub fn order_scope() -> Scope {
    use VarType::{Any, Bool, Date, List, Number, String};
    let fields = [
        ("id", String),
        ("amount", Number),
        ("list_amount", Number),
        ("margin", Number),
        ("labour", Number),
        ("parts", Number),
        ("quantity", Number),
        ("channel", String),
        ("store", String),
        ("store_type", String),
        ("region", String),
        ("region_path", List(Box::new(String))),
        ("city", String),
        ("province", String),
        ("promotion", String),
        ("categories", List(Box::new(String))),
        ("products", List(Box::new(String))),
        ("tags", List(Box::new(String))),
        ("customer_tier", String),
        ("new_customer", Bool),
        ("referrer", String),
        ("backlog_days", Number),
        ("new_product", Bool),
        ("traffic_source", String),
        ("live_viewers", Number),
        ("placed_at", Date),
        ("total_hours", Number),
        ("remaining_hours", Number),
        ("promotion_amount", Number),
        ("instalments", Number),
        ("deposit", Number),
        ("payees", Any),
    ];
    let order = VarType::Object(crate::btree::map(
        fields.into_iter().map(|(name, ty)| (name.to_owned(), ty)),
    ));
    Scope::default()
        .with("order", order)
        .with_region_path("order.region_path")
}
