//! Orders as settlement reads them: typed fields for what plans compute and test, read from a
//! JSON object (JSON Lines) or from named text fields (a CSV row), with located problems.

use crate::predicate::{Lookup, Slots};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::{
    DecimalRules, Diagnostics, OBJECT, Pointer, did_you_mean, read_decimal, wrong_type,
};
use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use zen_expression::Variable;
use zen_expression::variable::VariableMap;

/// The text fields of an order, in [`Order::text`] order.
pub const TEXT_FIELDS: [&str; 12] = [
    "channel",
    "store",
    "store_type",
    "region",
    "city",
    "province",
    "promotion",
    "customer_tier",
    "referrer",
    "traffic_source",
    "currency",
    "kind",
];

/// The number fields of an order, in [`Order::number`] order.
pub const NUMBER_FIELDS: [&str; 14] = [
    "amount",
    "list_amount",
    "margin",
    "labour",
    "parts",
    "quantity",
    "backlog_days",
    "live_viewers",
    "total_hours",
    "remaining_hours",
    "promotion_amount",
    "instalments",
    "deposit",
    "refund_amount",
];

/// The list fields of an order (a CSV cell separates entries with `|`).
pub const LIST_FIELDS: [&str; 3] = ["categories", "products", "tags"];

/// The yes/no fields of an order (`true`/`false`; a CSV cell also takes `1`/`0`).
pub const BOOL_FIELDS: [&str; 2] = ["new_customer", "new_product"];

const AMOUNT: usize = 0;
const QUANTITY: usize = 5;
const CHANNEL: usize = 0;
const REGION: usize = 3;
const CURRENCY: usize = 10;

/// Amounts and counts: at most 6 decimals, below 10^15 in magnitude; negative only where the
/// field allows it (margins can be negative).
const NUMBER_RULES: DecimalRules = DecimalRules {
    allow_number: true,
    allow_negative: true,
    max_scale: 6,
    max_abs: Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0),
};

/// An instant as written and as parsed.
pub type Stamp = (String, DateTime<FixedOffset>);

/// One order (or the refund of one) to settle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Order {
    pub id: String,
    /// `TEXT_FIELDS` by position.
    pub text: [Option<String>; 12],
    /// `NUMBER_FIELDS` by position.
    pub number: [Option<Decimal>; 14],
    pub lists: [Vec<String>; 3],
    pub flags: [Option<bool>; 2],
    /// When the order was placed (RFC 3339), as written and parsed.
    pub placed_at: Option<Stamp>,
    /// The actual payee of each `from_order` party, by party id.
    pub payees: BTreeMap<String, String>,
    /// The order's region and every region containing it (from the bundle's region tree).
    pub region_path: Vec<String>,
    /// For a refund: the id of the refund, and when it was made (settled in that period).
    pub refund: Option<(String, Option<Stamp>)>,
}

impl Order {
    pub fn text_field(&self, name: &str) -> Option<&str> {
        let i = TEXT_FIELDS.iter().position(|f| *f == name)?;
        self.text.get(i)?.as_deref()
    }

    pub fn number_field(&self, name: &str) -> Option<Decimal> {
        let i = NUMBER_FIELDS.iter().position(|f| *f == name)?;
        *self.number.get(i)?
    }

    /// The sales channel, if given.
    pub fn channel(&self) -> Option<&str> {
        self.text.get(CHANNEL)?.as_deref()
    }

    /// The region, if given.
    pub fn region(&self) -> Option<&str> {
        self.text.get(REGION)?.as_deref()
    }

    /// The currency, if given.
    pub fn currency(&self) -> Option<&str> {
        self.text.get(CURRENCY)?.as_deref()
    }

    /// What the customer paid.
    pub fn amount(&self) -> Decimal {
        self.number
            .get(AMOUNT)
            .copied()
            .flatten()
            .unwrap_or_default()
    }

    /// Units in the order (default 1).
    pub fn quantity(&self) -> Decimal {
        self.number
            .get(QUANTITY)
            .copied()
            .flatten()
            .unwrap_or(Decimal::ONE)
    }

    /// The `order` object zen expressions read.
    pub fn to_variable(&self) -> Variable {
        let mut map = VariableMap::with_capacity(32);
        map.insert("id".into(), Variable::String(self.id.as_str().into()));
        for (name, value) in TEXT_FIELDS.iter().zip(&self.text) {
            if let Some(value) = value {
                map.insert((*name).into(), Variable::String(value.as_str().into()));
            }
        }
        for (name, value) in NUMBER_FIELDS.iter().zip(&self.number) {
            if let Some(value) = value {
                map.insert((*name).into(), Variable::Number(*value));
            }
        }
        let strings = |list: &[String]| {
            Variable::from_array(
                list.iter()
                    .map(|s| Variable::String(s.as_str().into()))
                    .collect(),
            )
        };
        for (name, list) in LIST_FIELDS.iter().zip(&self.lists) {
            map.insert((*name).into(), strings(list));
        }
        for (name, value) in BOOL_FIELDS.iter().zip(&self.flags) {
            if let Some(value) = value {
                map.insert((*name).into(), Variable::Bool(*value));
            }
        }
        if let Some((text, _)) = &self.placed_at {
            map.insert("placed_at".into(), Variable::String(text.as_str().into()));
        }
        map.insert("region_path".into(), strings(&self.region_path));
        let mut payees = VariableMap::with_capacity(self.payees.len());
        for (party, payee) in &self.payees {
            payees.insert(
                party.as_str().into(),
                Variable::String(payee.as_str().into()),
            );
        }
        map.insert("payees".into(), Variable::from_object(payees));
        let mut root = VariableMap::with_capacity(1);
        root.insert("order".into(), Variable::from_object(map));
        Variable::from_object(root)
    }
}

/// A value a native predicate reads from an order: `order.<text field>` or
/// `order.<number field>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderSlot {
    Text(usize),
    Number(usize),
}

impl Slots for OrderSlot {
    fn from_path(path: &str, _line: bool) -> Option<Self> {
        let field = path.strip_prefix("order.")?;
        if let Some(i) = TEXT_FIELDS.iter().position(|f| *f == field) {
            return Some(Self::Text(i));
        }
        NUMBER_FIELDS
            .iter()
            .position(|f| *f == field)
            .map(Self::Number)
    }

    fn is_number(self) -> bool {
        matches!(self, Self::Number(_))
    }
}

impl Lookup for Order {
    type Slot = OrderSlot;

    fn text(&self, slot: OrderSlot) -> Option<&str> {
        match slot {
            OrderSlot::Text(i) => self.text.get(i)?.as_deref(),
            OrderSlot::Number(_) => None,
        }
    }

    fn number(&self, slot: OrderSlot) -> Option<Decimal> {
        match slot {
            OrderSlot::Number(i) => *self.number.get(i)?,
            OrderSlot::Text(_) => None,
        }
    }

    fn region_path(&self) -> &[String] {
        &self.region_path
    }
}

/// Every field an order may have, for did-you-mean hints.
fn known_fields() -> Vec<&'static str> {
    let mut known = vec![
        "id",
        "placed_at",
        "payees",
        "region_path",
        "refund_of",
        "refund_id",
        "refunded_at",
    ];
    known.extend(TEXT_FIELDS);
    known.extend(NUMBER_FIELDS);
    known.extend(LIST_FIELDS);
    known.extend(BOOL_FIELDS);
    known
}

/// Problems about one input record carry its line (JSON Lines, CSV) besides the pointer.
fn on_line(problems: Vec<Problem>, line: Option<usize>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            if p.line.is_none() {
                p.line = line;
            }
            p
        })
        .collect()
}

fn instant(text: &str, at: &Pointer, diag: &mut Diagnostics) -> Option<Stamp> {
    crate::reader::parse_instant(text, at, diag).map(|parsed| (text.to_owned(), parsed))
}

/// One field of an order, whatever the input format, as text or JSON.
enum Raw<'a> {
    Json(&'a Value),
    Text(&'a str),
}

impl Order {
    /// Reads an order from a JSON object. `line` (1-based) is attached to every problem.
    pub fn from_json(value: &Value, line: Option<usize>) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let Value::Object(map) = value else {
            wrong_type(&mut diag, &Pointer::root(), OBJECT, value);
            return Err(on_line(diag.into_problems(), line));
        };
        let order = read_fields(
            map.iter().map(|(k, v)| (k.as_str(), Raw::Json(v))),
            &mut diag,
        );
        diag.finish(order).map_err(|p| on_line(p, line))
    }

    /// Reads an order from named text fields (a CSV row under its header). An empty cell is an
    /// empty text for a text field (`promotion` with no promotion) and an absent value for any
    /// other; `payees.<party>` columns name payees.
    pub fn from_fields<'a>(
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
        line: Option<usize>,
    ) -> Result<Self, Vec<Problem>> {
        let mut diag = Diagnostics::default();
        let order = read_fields(
            fields
                .into_iter()
                .filter(|(k, v)| !v.is_empty() || TEXT_FIELDS.contains(k))
                .map(|(k, v)| (k, Raw::Text(v))),
            &mut diag,
        );
        diag.finish(order).map_err(|p| on_line(p, line))
    }
}

fn read_fields<'a>(
    fields: impl Iterator<Item = (&'a str, Raw<'a>)>,
    diag: &mut Diagnostics,
) -> Option<Order> {
    let mut order = Order::default();
    let mut id = None;
    let mut refund_of = None;
    let mut refund_id = None;
    let mut refunded_at = None;
    let mut region_path = None;
    let root = Pointer::root();
    let text_of = |raw: &Raw<'a>, at: &Pointer, diag: &mut Diagnostics| -> Option<String> {
        match raw {
            Raw::Text(t) => Some((*t).to_owned()),
            Raw::Json(Value::String(s)) => Some(s.clone()),
            Raw::Json(other) => {
                wrong_type(diag, at, crate::reader::STRING, other);
                None
            }
        }
    };
    let mut amount_given = false;
    for (name, raw) in fields {
        let at = root.key(name);
        amount_given |= name == "amount";
        if let Raw::Json(Value::Null) = raw {
            continue;
        }
        if let Some(i) = TEXT_FIELDS.iter().position(|f| *f == name) {
            if let (Some(slot), Some(value)) = (order.text.get_mut(i), text_of(&raw, &at, diag)) {
                *slot = Some(value);
            }
        } else if let Some(i) = NUMBER_FIELDS.iter().position(|f| *f == name) {
            let value = match raw {
                Raw::Json(v) => read_decimal(v, &at, NUMBER_RULES, diag),
                Raw::Text(t) => read_decimal(&Value::String(t.to_owned()), &at, NUMBER_RULES, diag),
            };
            if let (Some(slot), Some(value)) = (order.number.get_mut(i), value) {
                *slot = Some(value);
            }
        } else if let Some(i) = LIST_FIELDS.iter().position(|f| *f == name) {
            let list = match raw {
                Raw::Text(t) => Some(t.split('|').map(str::to_owned).collect()),
                Raw::Json(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(k, v)| text_of(&Raw::Json(v), &at.index(k), diag))
                    .collect::<Option<Vec<String>>>(),
                Raw::Json(other) => {
                    wrong_type(diag, &at, crate::reader::ARRAY, other);
                    None
                }
            };
            if let (Some(slot), Some(list)) = (order.lists.get_mut(i), list) {
                *slot = list;
            }
        } else if let Some(i) = BOOL_FIELDS.iter().position(|f| *f == name) {
            let value = match raw {
                Raw::Json(Value::Bool(b)) => Some(*b),
                Raw::Text("true" | "1") => Some(true),
                Raw::Text("false" | "0") => Some(false),
                _ => {
                    diag.error(
                        ProblemCode::WrongType,
                        &at,
                        Localized::new("应为 true 或 false", "expected true or false"),
                    );
                    None
                }
            };
            if let Some(slot) = order.flags.get_mut(i) {
                *slot = value;
            }
        } else if let Some(party) = name.strip_prefix("payees.") {
            if let Some(payee) = text_of(&raw, &at, diag) {
                order.payees.insert(party.to_owned(), payee);
            }
        } else {
            match (name, &raw) {
                ("id", _) => id = text_of(&raw, &at, diag),
                ("refund_of", _) => refund_of = text_of(&raw, &at, diag),
                ("refund_id", _) => refund_id = text_of(&raw, &at, diag),
                ("refunded_at", _) => {
                    refunded_at = text_of(&raw, &at, diag).and_then(|t| instant(&t, &at, diag))
                }
                ("placed_at", _) => {
                    order.placed_at = text_of(&raw, &at, diag).and_then(|t| instant(&t, &at, diag))
                }
                ("payees", Raw::Json(Value::Object(map))) => {
                    read_payees(map, &at, &mut order, diag)
                }
                ("region_path", Raw::Json(Value::Array(items))) => {
                    region_path = items
                        .iter()
                        .enumerate()
                        .map(|(k, v)| text_of(&Raw::Json(v), &at.index(k), diag))
                        .collect::<Option<Vec<String>>>();
                }
                ("region_path", Raw::Text(t)) => {
                    region_path = Some(t.split('|').map(str::to_owned).collect());
                }
                _ => {
                    let mut problem = Problem::error(
                        ProblemCode::UnknownField,
                        at.as_str(),
                        Localized::new(
                            format!("订单没有字段「{name}」"),
                            format!("orders have no field `{name}`"),
                        ),
                    );
                    if let Some(hint) = did_you_mean(name, known_fields()) {
                        problem = problem.with_hint(hint);
                    }
                    diag.push(problem);
                }
            }
        }
    }
    // An amount that was given but unreadable has its own problem already.
    if !amount_given {
        diag.error(
            ProblemCode::MissingField,
            &root.key("amount"),
            Localized::new("订单缺少金额 amount", "the order has no `amount`"),
        );
    }
    let Some(id) = id else {
        diag.error(
            ProblemCode::MissingField,
            &root.key("id"),
            Localized::new("订单缺少 id", "the order has no `id`"),
        );
        return None;
    };
    order.id = id;
    if let Some(path) = region_path {
        order.region_path = path;
    }
    match (refund_of, refund_id) {
        (Some(of), refund) => {
            // A refund record carries its original order's fields under the original id.
            if of != order.id {
                diag.error(
                    ProblemCode::InvalidValue,
                    &root.key("refund_of"),
                    Localized::new(
                        format!("退款记录的 refund_of「{of}」应与订单 id「{}」相同", order.id),
                        format!(
                            "a refund record repeats its order: `refund_of` `{of}` must equal `id` `{}`",
                            order.id
                        ),
                    ),
                );
            }
            order.refund = Some((
                refund.unwrap_or_else(|| format!("{of}-refund")),
                refunded_at,
            ));
        }
        (None, Some(_)) => diag.error(
            ProblemCode::MissingField,
            &root.key("refund_of"),
            Localized::new("退款记录缺少 refund_of", "a refund needs `refund_of`"),
        ),
        (None, None) => {}
    }
    Some(order)
}

fn read_payees(map: &Map<String, Value>, at: &Pointer, order: &mut Order, diag: &mut Diagnostics) {
    for (party, payee) in map {
        match payee {
            Value::String(payee) => {
                order.payees.insert(party.clone(), payee.clone());
            }
            other => wrong_type(diag, &at.key(party), crate::reader::STRING, other),
        }
    }
}
