//! Forms: fields, sections and pages, logic, validation, computed values, role permissions.
//!
//! A form is a list of fields (each with a `kind`, as in SurveyJS), laid out in sections. Every
//! field id is also a variable of the form's expressions: `visible_if`, `required_if`,
//! `enabled_if`, `set_value_if`, validation rules, computed formulas and routes read the other
//! fields by id, plus `context` (`role`, `channel`, `region`, `now`, `user`). A form may
//! `extends` another one: it starts from the parent's fields, drops `remove_fields`, replaces
//! the parent's field of the same id with its own, and appends its new fields.

use super::{CurrencyCode, Date, Dec, ExprSource, Id, Money, Text};
use crate::check::{Ctx, IdKind, IdSet};
use crate::expr::{Scope, VarType};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::Pointer;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A custom form (自定义表单): the data a ticket carries and that rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The form's id, unique among forms.
    pub id: Id,
    /// The name shown to admins and agents.
    pub name: Text,
    /// What the form is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Another form this one is based on: its fields, sections and routes are inherited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<Id>,
    /// Fields of the parent form (`extends`) this form leaves out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_fields: Vec<Id>,
    /// The fields, in order. With `extends`, a field whose id the parent has replaces it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Sections (pages) grouping the fields in display order. Fields in no section are shown
    /// after the sections. With `extends` and no sections here, the parent's are used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// Which flow a ticket filled in with this form enters: the first route whose `when`
    /// holds. With `extends` and no routes here, the parent's are used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// The flow a ticket enters when no route matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_flow: Option<Id>,
}

/// A section (page) of a form: a title and the ids of its fields in display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section's id, unique within the form.
    pub id: Id,
    /// The title shown above the section.
    pub title: Text,
    /// The ids of the fields shown in this section, in order. A field sits in one section.
    pub fields: Vec<Id>,
    /// When the whole section shows (default: always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<ExprSource>,
}

/// A routing rule: tickets whose form values make `when` true enter `flow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// A condition over the form's fields and `context`.
    pub when: ExprSource,
    /// The id of the flow the ticket enters.
    pub flow: Id,
}

/// An option of a select field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value stored when this option is chosen; unique among its siblings.
    pub id: Id,
    /// The text shown for the option.
    pub label: Text,
    /// For a cascading select: the options of the next level (province → city → district).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Choice>,
}

/// Where a cascading select takes its options from, instead of listing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OptionsSource {
    /// The organisation's region tree (province → city → district).
    RegionTree,
}

/// A preset text pattern, so nobody has to write the regular expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// A mainland China mobile number: 11 digits starting with 1 (13x–19x).
    MainlandMobile,
    /// A mainland China landline, with area code: `010-12345678`.
    MainlandLandline,
    /// An e-mail address.
    Email,
    /// An 18-character resident identity card number (居民身份证号).
    IdNumber,
    /// A six-digit postal code.
    PostalCode,
    /// An http or https address.
    Url,
}

/// What a computed field produces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComputedType {
    /// A number (the default).
    #[default]
    Number,
    /// An amount of money.
    Money,
    /// A text.
    Text,
    /// Yes or no.
    Bool,
    /// A date, `YYYY-MM-DD`.
    Date,
}

/// Sets a field's value when a condition becomes true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetValue {
    /// When to set the value.
    pub when: ExprSource,
    /// The value to set, as an expression over the form.
    pub value: ExprSource,
}

/// How serious a failed validation rule is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    /// The form cannot be submitted (the default).
    #[default]
    Error,
    /// The form can be submitted after the person sees the message.
    Warning,
}

/// A validation rule of a field; failures are shown beside the field in the operator's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValidationRule {
    /// The field must be filled in.
    Required {
        /// Error (blocks submitting) or warning.
        #[serde(default)]
        severity: RuleSeverity,
        /// The message shown when the rule fails (a sensible default otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Text>,
    },
    /// A number, amount or rating must lie within [min, max].
    Range {
        /// The smallest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Dec>,
        /// The largest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Dec>,
        /// Error (blocks submitting) or warning.
        #[serde(default)]
        severity: RuleSeverity,
        /// The message shown when the rule fails.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Text>,
    },
    /// A text's length (characters), or the number of choices or files, within [min, max].
    Length {
        /// The fewest allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        /// The most allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
        /// Error (blocks submitting) or warning.
        #[serde(default)]
        severity: RuleSeverity,
        /// The message shown when the rule fails.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Text>,
    },
    /// A text must match a preset or a regular expression (give exactly one).
    Pattern {
        /// A preset pattern such as `mainland_mobile`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preset: Option<Preset>,
        /// A regular expression the whole text must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        regex: Option<String>,
        /// Error (blocks submitting) or warning.
        #[serde(default)]
        severity: RuleSeverity,
        /// The message shown when the rule fails.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Text>,
    },
    /// The value must be one of the field's options (for data imported or sent by an API).
    Options {
        /// Error (blocks submitting) or warning.
        #[serde(default)]
        severity: RuleSeverity,
        /// The message shown when the rule fails.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Text>,
    },
    /// A condition that must hold; it reads the form's fields, `context` and `value` (this
    /// field's own value).
    Expression {
        /// The condition; the value is valid when it is true.
        expr: ExprSource,
        /// Error (blocks submitting) or warning.
        #[serde(default)]
        severity: RuleSeverity,
        /// The message shown when the rule fails.
        message: Text,
    },
}

/// What some roles may do with a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// The roles this entry applies to.
    #[schemars(length(min = 1))]
    pub roles: Vec<Id>,
    /// What these roles may do.
    pub access: Access,
    /// How the value is masked (required when `access` is `masked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<Mask>,
}

/// Field access for a role. Roles without an entry may edit the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// May see and change the value.
    Editable,
    /// May see the value, not change it.
    ReadOnly,
    /// Sees the value masked (`138****5678`), cannot change it.
    Masked,
    /// Does not see the field at all.
    Hidden,
}

/// How a masked value is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "pattern", rename_all = "snake_case", deny_unknown_fields)]
pub enum Mask {
    /// A phone number keeps its first 3 and last 4 digits: `138****5678`.
    Phone,
    /// An ID number keeps its last 4 characters: `**************123X`.
    IdNumber,
    /// Keeps the first and last characters given; the rest become `*`.
    Custom {
        /// How many leading characters stay visible.
        #[serde(default)]
        keep_first: u8,
        /// How many trailing characters stay visible.
        #[serde(default)]
        keep_last: u8,
    },
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn mainland_mobile() -> Preset {
    Preset::MainlandMobile
}

fn is_mainland_mobile(preset: &Preset) -> bool {
    *preset == Preset::MainlandMobile
}

/// The fields every kind of field has, placed in each variant of [`Field`].
macro_rules! field_kinds {
    ($($(#[$doc:meta])* $kind:ident { $($body:tt)* })*) => {
        /// A field of a form; `kind` says what it holds and which further settings it takes.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
        pub enum Field {
            $(
                $(#[$doc])*
                $kind {
                    /// The field's id: unique in its form, and the variable name expressions
                    /// read it by (letters, digits and `_`, starting with a letter).
                    id: Id,
                    /// The label shown beside the field.
                    label: Text,
                    /// The grey text shown in the empty field.
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    placeholder: Option<Text>,
                    /// Help shown under the field.
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    help: Option<Text>,
                    /// The field must be filled in (a `required` rule with the default message).
                    #[serde(default, skip_serializing_if = "is_false")]
                    required: bool,
                    /// The field shows only when this holds (default: always).
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    visible_if: Option<ExprSource>,
                    /// The field is required when this holds.
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    required_if: Option<ExprSource>,
                    /// The field can be changed only when this holds (default: always).
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    enabled_if: Option<ExprSource>,
                    /// Values set when conditions become true, first match wins.
                    #[serde(default, skip_serializing_if = "Vec::is_empty")]
                    set_value_if: Vec<SetValue>,
                    /// Validation rules, checked in order.
                    #[serde(default, skip_serializing_if = "Vec::is_empty")]
                    validation: Vec<ValidationRule>,
                    /// What roles may do with the field (hidden, read-only, masked).
                    #[serde(default, skip_serializing_if = "Vec::is_empty")]
                    permissions: Vec<Permission>,
                    $($body)*
                },
            )*
        }

        impl Field {
            /// The settings every kind of field has.
            pub fn common(&self) -> FieldCommon<'_> {
                match self {
                    $(Self::$kind {
                        id, label, required, visible_if, required_if, enabled_if,
                        set_value_if, validation, permissions, ..
                    } => FieldCommon {
                        id, label, required: *required, visible_if: visible_if.as_ref(),
                        required_if: required_if.as_ref(), enabled_if: enabled_if.as_ref(),
                        set_value_if, validation, permissions,
                    },)*
                }
            }

            /// The `kind` tag as written in JSON.
            pub fn kind_name(&self) -> &'static str {
                match self {
                    $(Self::$kind { .. } => kind_tag(stringify!($kind)),)*
                }
            }
        }
    };
}

/// `SingleSelect` → `single_select`, for the few names the macro produces.
fn kind_tag(variant: &str) -> &'static str {
    match variant {
        "Text" => "text",
        "LongText" => "long_text",
        "Number" => "number",
        "Money" => "money",
        "SingleSelect" => "single_select",
        "MultiSelect" => "multi_select",
        "CascadingSelect" => "cascading_select",
        "Date" => "date",
        "DateTime" => "date_time",
        "Phone" => "phone",
        "Email" => "email",
        "Rating" => "rating",
        "YesNo" => "yes_no",
        "Attachment" => "attachment",
        "Signature" => "signature",
        "Location" => "location",
        "Region" => "region",
        _ => "computed",
    }
}

/// The settings shared by every kind of field.
#[derive(Debug, Clone, Copy)]
pub struct FieldCommon<'a> {
    /// The field id.
    pub id: &'a Id,
    /// The label.
    pub label: &'a Text,
    /// Whether the field is always required.
    pub required: bool,
    /// When the field shows.
    pub visible_if: Option<&'a ExprSource>,
    /// When the field is required.
    pub required_if: Option<&'a ExprSource>,
    /// When the field can be changed.
    pub enabled_if: Option<&'a ExprSource>,
    /// Values set on conditions.
    pub set_value_if: &'a [SetValue],
    /// Validation rules.
    pub validation: &'a [ValidationRule],
    /// Role permissions.
    pub permissions: &'a [Permission],
}

field_kinds! {
    /// One line of text.
    Text {
        /// The initial value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
        /// The fewest characters allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u32>,
        /// The most characters allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
        /// A preset pattern the text must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preset: Option<Preset>,
    }
    /// Several lines of text.
    LongText {
        /// The initial value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
        /// The fewest characters allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u32>,
        /// The most characters allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    }
    /// A number (a decimal, written as a string: `"2.5"`).
    Number {
        /// The initial value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Dec>,
        /// The smallest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Dec>,
        /// The largest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Dec>,
        /// Decimal places kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(max = 10))]
        decimals: Option<u8>,
        /// The unit shown after the value, such as 公里 / km.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    }
    /// An amount of money.
    Money {
        /// The initial amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Money>,
        /// The smallest allowed amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Money>,
        /// The largest allowed amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Money>,
        /// The currency (default: the bundle's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<CurrencyCode>,
    }
    /// One option out of a list.
    SingleSelect {
        /// The options.
        #[schemars(length(min = 1))]
        options: Vec<Choice>,
        /// The id of the option chosen initially.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Id>,
    }
    /// Any number of options out of a list.
    MultiSelect {
        /// The options.
        #[schemars(length(min = 1))]
        options: Vec<Choice>,
        /// The ids of the options chosen initially.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        default: Vec<Id>,
    }
    /// A chain of selects (province → city → district): an options tree or the region tree.
    /// Its value is the list of chosen ids, from the top level down.
    CascadingSelect {
        /// The options tree (leave empty with `options_from`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        options: Vec<Choice>,
        /// Take the options from elsewhere instead of `options`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        options_from: Option<OptionsSource>,
        /// How many levels are chosen (e.g. 3 for province, city, district).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 6))]
        levels: Option<u8>,
        /// The initial path of option ids, from the top level down.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        default: Vec<Id>,
    }
    /// A calendar date.
    Date {
        /// The initial date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Date>,
    }
    /// A date and time of day.
    DateTime {}
    /// A phone number.
    Phone {
        /// The pattern the number must match (default: a mainland mobile number).
        #[serde(default = "mainland_mobile", skip_serializing_if = "is_mainland_mobile")]
        preset: Preset,
    }
    /// An e-mail address.
    Email {}
    /// A star rating, 1 to 5 by default.
    Rating {
        /// The lowest rating (1–5, default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 5))]
        min: Option<u8>,
        /// The highest rating (1–5, default 5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 5))]
        max: Option<u8>,
        /// The initial rating.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 5))]
        default: Option<u8>,
    }
    /// A yes/no tick.
    YesNo {
        /// The initial value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<bool>,
    }
    /// Uploaded files (photos, invoices).
    Attachment {
        /// The most files allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1))]
        max_files: Option<u32>,
        /// Accepted file types, such as `image/*` or `.pdf`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        accept: Vec<String>,
    }
    /// A hand-written signature (stored as an image).
    Signature {}
    /// A place on the map; its value has `lat`, `lng`, `address` and `distance_km` (from the
    /// serving store or site, measured by the host).
    Location {}
    /// A region of the organisation's region tree (its value is the region id).
    Region {
        /// How deep the chosen region must be (1 province, 2 city, 3 district).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 6))]
        levels: Option<u8>,
    }
    /// A value computed from other fields by a formula.
    Computed {
        /// The formula, over the form's fields and `context`.
        formula: ExprSource,
        /// What the formula produces (default: number).
        #[serde(default)]
        value_type: ComputedType,
        /// Whether a person may overwrite the computed value.
        #[serde(default, skip_serializing_if = "is_false")]
        allow_override: bool,
        /// Decimal places shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(max = 10))]
        decimals: Option<u8>,
        /// The unit shown after the value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    }
}

impl Field {
    /// The type expressions see for this field's value.
    pub fn var_type(&self) -> VarType {
        match self {
            Self::Number { .. } | Self::Money { .. } | Self::Rating { .. } => VarType::Number,
            Self::YesNo { .. } => VarType::Bool,
            Self::MultiSelect { .. } | Self::CascadingSelect { .. } => {
                VarType::List(Box::new(VarType::String))
            }
            Self::Attachment { .. } => {
                VarType::List(Box::new(VarType::Object(crate::btree::map([
                    ("name".to_owned(), VarType::String),
                    ("url".to_owned(), VarType::String),
                    ("size".to_owned(), VarType::Number),
                ]))))
            }
            Self::Location { .. } => VarType::Object(crate::btree::map([
                ("lat".to_owned(), VarType::Number),
                ("lng".to_owned(), VarType::Number),
                ("address".to_owned(), VarType::String),
                ("distance_km".to_owned(), VarType::Number),
            ])),
            Self::Computed { value_type, .. } => match value_type {
                ComputedType::Number | ComputedType::Money => VarType::Number,
                ComputedType::Bool => VarType::Bool,
                ComputedType::Text | ComputedType::Date => VarType::String,
            },
            Self::Text { .. }
            | Self::LongText { .. }
            | Self::SingleSelect { .. }
            | Self::Date { .. }
            | Self::DateTime { .. }
            | Self::Phone { .. }
            | Self::Email { .. }
            | Self::Signature { .. }
            | Self::Region { .. } => VarType::String,
        }
    }

    pub fn id(&self) -> &Id {
        self.common().id
    }
}

/// Names expressions may not use as field ids: they are the form scope's own variables.
const RESERVED: &[&str] = &["context", "value"];

/// The `context` variable every form expression may read.
fn context_type() -> VarType {
    VarType::Object(crate::btree::map([
        ("role".to_owned(), VarType::String),
        ("channel".to_owned(), VarType::String),
        ("region".to_owned(), VarType::String),
        (
            "region_path".to_owned(),
            VarType::List(Box::new(VarType::String)),
        ),
        ("now".to_owned(), VarType::String),
        ("user".to_owned(), VarType::String),
    ]))
}

/// The root variable names an expression reads (`a.b + c` → `a`, `c`); empty when it does not
/// parse (the compile step reports that).
pub(crate) fn read_roots(source: &str) -> BTreeSet<String> {
    let mut intellisense = zen_expression::intellisense::IntelliSense::new();
    crate::btree::set(
        intellisense
            .dependencies(source)
            .references
            .iter()
            .filter_map(|r| r.path.first().map(|s| s.to_string())),
    )
}

/// A form with everything it inherits resolved.
pub(crate) struct Effective<'d> {
    /// (field, index of the form that wrote it) in order.
    pub(crate) fields: Vec<(&'d Field, usize)>,
    pub(crate) sections: &'d [Section],
    /// The index of the form the sections come from.
    pub(crate) sections_owner: usize,
    pub(crate) routes: &'d [Route],
    /// The index of the form the routes come from.
    pub(crate) routes_owner: usize,
    pub(crate) default_flow: Option<&'d Id>,
    /// Fields an ancestor removed, with the pointer of the removal.
    removed: Vec<(String, Pointer)>,
}

/// Follows `extends` from form `index` up, returning the chain root-first, or `None` when it
/// runs into a cycle or an unknown form.
fn ancestry(forms: &[Form], by_id: &BTreeMap<&str, usize>, index: usize) -> Option<Vec<usize>> {
    let mut chain = vec![index];
    let mut current = index;
    while let Some(parent) = forms.get(current).and_then(|f| f.extends.as_ref()) {
        let parent = *by_id.get(parent.as_str())?;
        if chain.contains(&parent) {
            return None;
        }
        chain.push(parent);
        current = parent;
    }
    chain.reverse();
    Some(chain)
}

pub(crate) fn effective<'d>(
    forms: &'d [Form],
    by_id: &BTreeMap<&str, usize>,
    index: usize,
) -> Option<Effective<'d>> {
    let chain = ancestry(forms, by_id, index).unwrap_or_else(|| vec![index]);
    let mut result = Effective {
        fields: Vec::new(),
        sections: &[],
        sections_owner: index,
        routes: &[],
        routes_owner: index,
        default_flow: None,
        removed: Vec::new(),
    };
    for &i in &chain {
        let form = forms.get(i)?;
        let at = Pointer::root().key("forms").index(i);
        for (k, removed) in form.remove_fields.iter().enumerate() {
            result.fields.retain(|(f, _)| f.id() != removed);
            result
                .removed
                .push((removed.0.clone(), at.key("remove_fields").index(k)));
        }
        for field in &form.fields {
            match result.fields.iter_mut().find(|(f, _)| f.id() == field.id()) {
                Some(slot) => *slot = (field, i),
                None => result.fields.push((field, i)),
            }
        }
        if !form.sections.is_empty() {
            result.sections = &form.sections;
            result.sections_owner = i;
        }
        if !form.routes.is_empty() {
            result.routes = &form.routes;
            result.routes_owner = i;
        }
        if form.default_flow.is_some() {
            result.default_flow = form.default_flow.as_ref();
        }
    }
    Some(result)
}

/// The variables a form's values give expressions: each field id by its kind. `None` when the
/// bundle has no form `form_id`. Flows read these as `ticket.fields`.
pub(crate) fn field_types(
    doc: &super::BundleDoc,
    form_id: &str,
) -> Option<BTreeMap<String, VarType>> {
    let by_id = form_index(&doc.forms);
    let index = *by_id.get(form_id)?;
    let eff = effective(&doc.forms, &by_id, index)?;
    Some(crate::btree::map(
        eff.fields
            .iter()
            .map(|(f, _)| (f.id().0.clone(), f.var_type())),
    ))
}

pub(crate) fn form_index(forms: &[Form]) -> BTreeMap<&str, usize> {
    let mut by_id = BTreeMap::new();
    for (i, form) in forms.iter().enumerate() {
        by_id.entry(form.id.as_str()).or_insert(i);
    }
    by_id
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &super::BundleDoc, ctx: &mut Ctx) {
    let at = Pointer::root().key("forms");
    for (i, form) in doc.forms.iter().enumerate() {
        ctx.define(IdKind::Form, &form.id, &at.index(i).key("id"));
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &super::BundleDoc, ctx: &mut Ctx) {
    let by_id = form_index(&doc.forms);
    for (i, form) in doc.forms.iter().enumerate() {
        check_form(doc, &by_id, i, form, ctx);
    }
}

fn valid_variable_name(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_form(
    doc: &super::BundleDoc,
    by_id: &BTreeMap<&str, usize>,
    index: usize,
    form: &Form,
    ctx: &mut Ctx,
) {
    let at = Pointer::root().key("forms").index(index);

    // extends: the target exists, and following it never comes back here.
    if let Some(parent) = &form.extends {
        let parent_at = at.key("extends");
        if ctx.refer(IdKind::Form, parent, &parent_at)
            && ancestry(&doc.forms, by_id, index).is_none()
            && let Some(path) = extends_cycle(&doc.forms, by_id, index)
        {
            ctx.error(
                ProblemCode::InvalidValue,
                &parent_at,
                Localized::new(
                    format!("表单继承形成循环：{}", path.join(" → ")),
                    format!("forms extend each other in a cycle: {}", path.join(" → ")),
                ),
            );
        }
    } else if !form.remove_fields.is_empty() {
        ctx.error(
            ProblemCode::InvalidValue,
            &at.key("remove_fields"),
            Localized::new(
                "只有继承其他表单（extends）时才能移除字段",
                "`remove_fields` only applies to a form that `extends` another",
            ),
        );
    }

    let Some(eff) = effective(&doc.forms, by_id, index) else {
        return;
    };

    // The parent's fields, for `remove_fields`.
    if form.extends.is_some()
        && let Some(parent_eff) = form
            .extends
            .as_ref()
            .and_then(|p| by_id.get(p.as_str()))
            .filter(|_| ancestry(&doc.forms, by_id, index).is_some())
            .and_then(|&p| effective(&doc.forms, by_id, p))
    {
        let mut parent_fields = IdSet::new(("父表单字段", "field of the parent form"));
        let mut scratch = crate::reader::Diagnostics::default();
        for (f, _) in &parent_eff.fields {
            parent_fields.define(f.id(), &at, &mut scratch);
        }
        for (k, removed) in form.remove_fields.iter().enumerate() {
            parent_fields.refer(removed, &at.key("remove_fields").index(k), &mut ctx.diag);
        }
    }

    // Field ids: unique among this form's own fields, and usable as variable names.
    let mut own = IdSet::new(("字段", "field"));
    for (j, field) in form.fields.iter().enumerate() {
        let id_at = at.key("fields").index(j).key("id");
        own.define(field.id(), &id_at, &mut ctx.diag);
        let id = field.id().as_str();
        if RESERVED.contains(&id) {
            ctx.error(
                ProblemCode::InvalidValue,
                &id_at,
                Localized::new(
                    format!("字段 id「{id}」是表达式的保留变量名"),
                    format!("field id `{id}` is reserved: expressions use it for something else"),
                ),
            );
        } else if !valid_variable_name(id) {
            ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    id_at.as_str(),
                    Localized::new(
                        format!("字段 id「{id}」不能在表达式中使用"),
                        format!("field id `{id}` cannot be read by expressions"),
                    ),
                )
                .with_hint(Localized::new(
                    "字段 id 只用英文字母、数字和 _，并以字母开头，例如 complaint_type",
                    "use letters, digits and `_`, starting with a letter, e.g. complaint_type",
                )),
            );
        }
    }

    // The scope every expression of this form compiles against.
    let mut scope = Scope::default()
        .with("context", context_type())
        .with_region_path("context.region_path");
    let mut fields = IdSet::new(("字段", "field"));
    let mut scratch = crate::reader::Diagnostics::default();
    for (field, _) in &eff.fields {
        scope = scope.with(field.id().0.clone(), field.var_type());
        fields.define(field.id(), &at, &mut scratch);
    }

    // Removing a field that inherited expressions still read breaks them.
    let removed: BTreeMap<&str, &Pointer> =
        crate::btree::map(eff.removed.iter().map(|(id, p)| (id.as_str(), p)));
    if !removed.is_empty() {
        let mut reported = BTreeSet::new();
        let mut inherited_sources: Vec<(&ExprSource, String)> = Vec::new();
        for (field, owner) in &eff.fields {
            if *owner != index {
                for source in field_expressions(field) {
                    inherited_sources.push((source, field.id().0.clone()));
                }
            }
        }
        if form.routes.is_empty() {
            for route in eff.routes {
                inherited_sources.push((&route.when, "routes".to_owned()));
            }
        }
        for (source, user) in inherited_sources {
            for root in read_roots(source.as_str()) {
                if let Some(removal) = removed.get(root.as_str())
                    && reported.insert((root.clone(), user.clone()))
                {
                    ctx.error(
                            ProblemCode::InvalidValue,
                            removal,
                            Localized::new(
                                format!("移除字段「{root}」后，继承来的「{user}」的表达式仍在读取它"),
                                format!(
                                    "removing `{root}` breaks an inherited expression of `{user}`, which reads it"
                                ),
                            ),
                        );
                }
            }
        }
    }

    for (j, field) in form.fields.iter().enumerate() {
        check_field(field, &at.key("fields").index(j), &scope, ctx);
    }
    check_computed_cycles(form, &eff, index, &at, ctx);

    // Sections: unique ids, known fields, each field in one section.
    let mut section_ids = IdSet::new(("分组", "section"));
    let mut placed: BTreeMap<&str, Pointer> = BTreeMap::new();
    for (s, section) in form.sections.iter().enumerate() {
        let s_at = at.key("sections").index(s);
        section_ids.define(&section.id, &s_at.key("id"), &mut ctx.diag);
        if let Some(when) = &section.visible_if {
            ctx.expr(when, &s_at.key("visible_if"), &scope);
        }
        for (k, field_id) in section.fields.iter().enumerate() {
            let f_at = s_at.key("fields").index(k);
            if !fields.refer(field_id, &f_at, &mut ctx.diag) {
                continue;
            }
            if let Some(first) = placed.get(field_id.as_str()) {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &f_at,
                    Localized::new(
                        format!(
                            "字段「{}」已放在 {} ，一个字段只能属于一个分组",
                            field_id.as_str(),
                            first.as_str()
                        ),
                        format!(
                            "field `{}` is already placed at {}; a field belongs to one section",
                            field_id.as_str(),
                            first.as_str()
                        ),
                    ),
                );
            } else {
                placed.insert(field_id.as_str(), f_at);
            }
        }
    }

    for (r, route) in form.routes.iter().enumerate() {
        let r_at = at.key("routes").index(r);
        ctx.expr(&route.when, &r_at.key("when"), &scope);
        ctx.refer(IdKind::Flow, &route.flow, &r_at.key("flow"));
    }
    if let Some(flow) = &form.default_flow {
        ctx.refer(IdKind::Flow, flow, &at.key("default_flow"));
    }
}

/// Every expression a field carries (for inherited fields a removal may break).
fn field_expressions(field: &Field) -> Vec<&ExprSource> {
    let common = field.common();
    let mut out: Vec<&ExprSource> = [common.visible_if, common.required_if, common.enabled_if]
        .into_iter()
        .flatten()
        .collect();
    for set in common.set_value_if {
        out.push(&set.when);
        out.push(&set.value);
    }
    for rule in common.validation {
        if let ValidationRule::Expression { expr, .. } = rule {
            out.push(expr);
        }
    }
    if let Field::Computed { formula, .. } = field {
        out.push(formula);
    }
    out
}

fn check_field(field: &Field, at: &Pointer, scope: &Scope, ctx: &mut Ctx) {
    let common = field.common();
    for (key, expr) in [
        ("visible_if", common.visible_if),
        ("required_if", common.required_if),
        ("enabled_if", common.enabled_if),
    ] {
        if let Some(expr) = expr {
            ctx.expr(expr, &at.key(key), scope);
        }
    }
    for (k, set) in common.set_value_if.iter().enumerate() {
        let s_at = at.key("set_value_if").index(k);
        ctx.expr(&set.when, &s_at.key("when"), scope);
        ctx.expr(&set.value, &s_at.key("value"), scope);
    }
    if let Field::Computed { formula, .. } = field {
        ctx.expr(formula, &at.key("formula"), scope);
    }
    check_validation(field, at, scope, ctx);
    check_permissions(common.permissions, &at.key("permissions"), ctx);
    check_kind_settings(field, at, ctx);
}

fn check_validation(field: &Field, at: &Pointer, scope: &Scope, ctx: &mut Ctx) {
    let kind = field.kind_name();
    let numeric = matches!(
        field,
        Field::Number { .. } | Field::Money { .. } | Field::Rating { .. } | Field::Computed { .. }
    );
    let lengthy = matches!(
        field,
        Field::Text { .. }
            | Field::LongText { .. }
            | Field::MultiSelect { .. }
            | Field::Attachment { .. }
    );
    let textual = matches!(
        field,
        Field::Text { .. } | Field::LongText { .. } | Field::Phone { .. } | Field::Email { .. }
    );
    let selective = matches!(
        field,
        Field::SingleSelect { .. } | Field::MultiSelect { .. } | Field::CascadingSelect { .. }
    );
    // Built only for fields with an expression rule: it copies the form's whole scope.
    let mut value_scope = None;
    for (k, rule) in field.common().validation.iter().enumerate() {
        let r_at = at.key("validation").index(k);
        let (name, fits) = match rule {
            ValidationRule::Required { .. } => ("required", true),
            ValidationRule::Range { min, max, .. } => {
                if let (Some(min), Some(max)) = (min, max)
                    && min.0 > max.0
                {
                    ends_before_start(ctx, &r_at.key("max"), &min.0, &max.0);
                }
                ("range", numeric)
            }
            ValidationRule::Length { min, max, .. } => {
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    ends_before_start(ctx, &r_at.key("max"), min, max);
                }
                ("length", lengthy)
            }
            ValidationRule::Pattern { preset, regex, .. } => {
                if preset.is_some() == regex.is_some() {
                    ctx.error(
                        ProblemCode::InvalidValue,
                        &r_at,
                        Localized::new(
                            "格式规则需要 preset 或 regex 二选一",
                            "a pattern rule takes exactly one of `preset` and `regex`",
                        ),
                    );
                } else if regex.as_ref().is_some_and(|r| r.trim().is_empty()) {
                    ctx.error(
                        ProblemCode::EmptyText,
                        &r_at.key("regex"),
                        Localized::new("正则表达式不能为空", "the regular expression is empty"),
                    );
                }
                ("pattern", textual)
            }
            ValidationRule::Options { .. } => ("options", selective),
            ValidationRule::Expression { expr, .. } => {
                let value_scope = value_scope
                    .get_or_insert_with(|| scope.clone().with("value", field.var_type()));
                ctx.expr(expr, &r_at.key("expr"), value_scope);
                ("expression", true)
            }
        };
        if !fits {
            ctx.error(
                ProblemCode::InvalidValue,
                &r_at.key("rule"),
                Localized::new(
                    format!("「{name}」校验规则不适用于 {kind} 类型的字段"),
                    format!("a `{name}` rule does not apply to a `{kind}` field"),
                ),
            );
        }
    }
}

fn ends_before_start(
    ctx: &mut Ctx,
    at: &Pointer,
    min: &dyn std::fmt::Display,
    max: &dyn std::fmt::Display,
) {
    ctx.error(
        ProblemCode::EndsBeforeStart,
        at,
        Localized::new(
            format!("最大值 {max} 小于最小值 {min}"),
            format!("the maximum {max} is below the minimum {min}"),
        ),
    );
}

fn check_permissions(permissions: &[Permission], at: &Pointer, ctx: &mut Ctx) {
    let mut seen: BTreeMap<&str, Pointer> = BTreeMap::new();
    for (k, permission) in permissions.iter().enumerate() {
        let p_at = at.index(k);
        for (r, role) in permission.roles.iter().enumerate() {
            let role_at = p_at.key("roles").index(r);
            if !ctx.refer(IdKind::Role, role, &role_at) {
                continue;
            }
            if let Some(first) = seen.get(role.as_str()) {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &role_at,
                    Localized::new(
                        format!(
                            "角色「{}」的权限已在 {} 设置过",
                            role.as_str(),
                            first.as_str()
                        ),
                        format!(
                            "role `{}` already has a permission at {}",
                            role.as_str(),
                            first.as_str()
                        ),
                    ),
                );
            } else {
                seen.insert(role.as_str(), role_at);
            }
        }
        match (permission.access, &permission.mask) {
            (Access::Masked, None) => ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    p_at.key("mask").as_str(),
                    Localized::new("脱敏显示需要指定 mask", "`masked` access needs a `mask`"),
                )
                .with_hint(Localized::new(
                    "例如 {\"pattern\": \"phone\"} 显示为 138****5678",
                    "e.g. {\"pattern\": \"phone\"} shows 138****5678",
                )),
            ),
            (Access::Editable | Access::ReadOnly | Access::Hidden, Some(_)) => ctx.error(
                ProblemCode::InvalidValue,
                &p_at.key("mask"),
                Localized::new(
                    "只有 access 为 masked 时才使用 mask",
                    "`mask` only applies when `access` is `masked`",
                ),
            ),
            _ => {}
        }
        if let Some(Mask::Custom {
            keep_first,
            keep_last,
        }) = &permission.mask
            && *keep_first == 0
            && *keep_last == 0
        {
            ctx.warning(
                ProblemCode::InvalidValue,
                &p_at.key("mask"),
                Localized::new(
                    "keep_first 和 keep_last 都为 0，整个值都会被遮盖",
                    "`keep_first` and `keep_last` are both 0: the whole value is hidden",
                ),
            );
        }
    }
}

fn check_kind_settings(field: &Field, at: &Pointer, ctx: &mut Ctx) {
    match field {
        Field::Text {
            min_length,
            max_length,
            ..
        }
        | Field::LongText {
            min_length,
            max_length,
            ..
        } => {
            if let (Some(min), Some(max)) = (min_length, max_length)
                && min > max
            {
                ends_before_start(ctx, &at.key("max_length"), min, max);
            }
        }
        Field::Number {
            min, max, default, ..
        } => {
            check_bounds(
                min.map(|d| d.0),
                max.map(|d| d.0),
                default.map(|d| d.0),
                at,
                ctx,
            );
        }
        Field::Money {
            min, max, default, ..
        } => {
            check_bounds(
                min.map(|d| d.0),
                max.map(|d| d.0),
                default.map(|d| d.0),
                at,
                ctx,
            );
        }
        Field::Rating {
            min, max, default, ..
        } => {
            let (lo, hi) = (min.unwrap_or(1), max.unwrap_or(5));
            if lo >= hi {
                ctx.error(
                    ProblemCode::EndsBeforeStart,
                    &at.key(if max.is_some() { "max" } else { "min" }),
                    Localized::new(
                        format!("评分范围 {lo}–{hi} 无效：最高分必须大于最低分"),
                        format!(
                            "rating range {lo}–{hi} is empty: the highest must exceed the lowest"
                        ),
                    ),
                );
            } else if let Some(d) = default.filter(|d| *d < lo || *d > hi) {
                ctx.error(
                    ProblemCode::OutOfRange,
                    &at.key("default"),
                    Localized::new(
                        format!("默认评分 {d} 不在 {lo}–{hi} 之间"),
                        format!("the default rating {d} is outside {lo}–{hi}"),
                    ),
                );
            }
        }
        Field::SingleSelect {
            options, default, ..
        } => {
            check_choices(options, &at.key("options"), ctx);
            if let Some(d) = default {
                refer_option(options, d, &at.key("default"), ctx);
            }
        }
        Field::MultiSelect {
            options, default, ..
        } => {
            check_choices(options, &at.key("options"), ctx);
            for (k, d) in default.iter().enumerate() {
                refer_option(options, d, &at.key("default").index(k), ctx);
            }
        }
        Field::CascadingSelect {
            options,
            options_from,
            levels,
            default,
            ..
        } => {
            check_choices(options, &at.key("options"), ctx);
            if options.is_empty() == options_from.is_none() {
                ctx.error(
                    ProblemCode::InvalidValue,
                    at,
                    Localized::new(
                        "级联选择需要 options 或 options_from 二选一",
                        "a cascading select takes exactly one of `options` and `options_from`",
                    ),
                );
            }
            if let (Some(levels), Some(depth)) = (levels, tree_depth(options))
                && usize::from(*levels) > depth
            {
                ctx.error(
                    ProblemCode::InvalidValue,
                    &at.key("levels"),
                    Localized::new(
                        format!("要求选择 {levels} 级，但选项树只有 {depth} 级"),
                        format!("asks for {levels} levels but the options tree has {depth}"),
                    ),
                );
            }
            // The default is a path down the tree.
            let mut level: &[Choice] = options;
            for (k, d) in default.iter().enumerate() {
                if options.is_empty() {
                    break;
                }
                match level.iter().find(|c| c.id == *d) {
                    Some(choice) => level = &choice.children,
                    None => {
                        refer_option(level, d, &at.key("default").index(k), ctx);
                        break;
                    }
                }
            }
        }
        _ => {}
    }
}

fn check_bounds(
    min: Option<rust_decimal::Decimal>,
    max: Option<rust_decimal::Decimal>,
    default: Option<rust_decimal::Decimal>,
    at: &Pointer,
    ctx: &mut Ctx,
) {
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        ends_before_start(ctx, &at.key("max"), &lo, &hi);
        return;
    }
    if let Some(d) = default
        && (min.is_some_and(|lo| d < lo) || max.is_some_and(|hi| d > hi))
    {
        ctx.error(
            ProblemCode::OutOfRange,
            &at.key("default"),
            Localized::new(
                format!("默认值 {d} 超出允许范围"),
                format!("the default {d} is outside the allowed range"),
            ),
        );
    }
}

/// The depth of an options tree (0 when empty), walked with an explicit stack.
fn tree_depth(options: &[Choice]) -> Option<usize> {
    if options.is_empty() {
        return None;
    }
    let mut deepest = 0;
    let mut stack: Vec<(&[Choice], usize)> = vec![(options, 1)];
    while let Some((level, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        for choice in level {
            if !choice.children.is_empty() {
                stack.push((&choice.children, depth + 1));
            }
        }
    }
    Some(deepest)
}

/// Option ids are unique among siblings, at every level of a tree.
fn check_choices(options: &[Choice], at: &Pointer, ctx: &mut Ctx) {
    let mut stack: Vec<(&[Choice], Pointer)> = vec![(options, at.clone())];
    while let Some((level, level_at)) = stack.pop() {
        let mut ids = IdSet::new(("选项", "option"));
        for (k, choice) in level.iter().enumerate() {
            let c_at = level_at.index(k);
            ids.define(&choice.id, &c_at.key("id"), &mut ctx.diag);
            if !choice.children.is_empty() {
                stack.push((&choice.children, c_at.key("children")));
            }
        }
    }
}

fn refer_option(options: &[Choice], id: &Id, at: &Pointer, ctx: &mut Ctx) {
    let mut ids = IdSet::new(("选项", "option"));
    let mut scratch = crate::reader::Diagnostics::default();
    for choice in options {
        ids.define(&choice.id, at, &mut scratch);
    }
    ids.refer(id, at, &mut ctx.diag);
}

/// Computed fields may not depend on themselves, directly or through other computed fields.
fn check_computed_cycles(
    form: &Form,
    eff: &Effective<'_>,
    index: usize,
    at: &Pointer,
    ctx: &mut Ctx,
) {
    // Graph over computed fields only: an edge a → b when a's formula reads b.
    let computed: Vec<(&str, BTreeSet<String>, usize)> = eff
        .fields
        .iter()
        .filter_map(|(f, owner)| match f {
            Field::Computed { formula, .. } => {
                Some((f.id().as_str(), read_roots(formula.as_str()), *owner))
            }
            _ => None,
        })
        .collect();
    let position: BTreeMap<&str, usize> =
        crate::btree::map(computed.iter().enumerate().map(|(i, (id, _, _))| (*id, i)));
    let edges: Vec<Vec<usize>> = computed
        .iter()
        .map(|(_, reads, _)| {
            reads
                .iter()
                .filter_map(|r| position.get(r.as_str()).copied())
                .collect()
        })
        .collect();
    // Iterative DFS with colours; a grey successor closes a cycle found on the stack.
    let mut colour = vec![0_u8; computed.len()];
    let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
    for root in 0..computed.len() {
        if colour.get(root) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        if let Some(c) = colour.get_mut(root) {
            *c = 1;
        }
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let successor = edges.get(node).and_then(|e| e.get(*next)).copied();
            *next += 1;
            match successor {
                None => {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    stack.pop();
                }
                Some(s) => match colour.get(s) {
                    Some(0) => {
                        if let Some(c) = colour.get_mut(s) {
                            *c = 1;
                        }
                        stack.push((s, 0));
                    }
                    Some(1) => {
                        let start = stack.iter().position(|(n, _)| *n == s).unwrap_or(0);
                        let cycle: Vec<usize> = stack.iter().skip(start).map(|(n, _)| *n).collect();
                        let mut key = cycle.clone();
                        crate::sort::by(&mut key, &Ord::cmp);
                        if reported.insert(key) {
                            report_cycle(form, &computed, &cycle, index, at, ctx);
                        }
                    }
                    _ => {}
                },
            }
        }
    }
}

fn report_cycle(
    form: &Form,
    computed: &[(&str, BTreeSet<String>, usize)],
    cycle: &[usize],
    index: usize,
    at: &Pointer,
    ctx: &mut Ctx,
) {
    // Reported where this form wrote one of the fields; an inherited cycle is the parent's.
    let Some(own) = cycle
        .iter()
        .filter_map(|c| computed.get(*c))
        .filter(|(_, _, owner)| *owner == index)
        .filter_map(|(id, _, _)| form.fields.iter().position(|f| f.id().as_str() == *id))
        .min()
    else {
        return;
    };
    let Some(first) = form.fields.get(own).map(|f| f.id().as_str()) else {
        return;
    };
    // The path starts at the reported field: a → b → a.
    let names: Vec<&str> = cycle
        .iter()
        .filter_map(|c| computed.get(*c).map(|(id, _, _)| *id))
        .collect();
    let offset = names.iter().position(|n| *n == first).unwrap_or(0);
    let mut path: Vec<&str> = names
        .iter()
        .cycle()
        .skip(offset)
        .take(names.len())
        .copied()
        .collect();
    path.push(first);
    ctx.error(
        ProblemCode::InvalidValue,
        &at.key("fields").index(own).key("formula"),
        Localized::new(
            format!("计算字段循环引用：{}", path.join(" → ")),
            format!("computed fields form a cycle: {}", path.join(" → ")),
        ),
    );
}

/// The forms along a cycle of `extends` that starts at `index`, as `a → b → a`, when `index`
/// itself is on the cycle and is its first form in document order (so it is reported once).
fn extends_cycle(
    forms: &[Form],
    by_id: &BTreeMap<&str, usize>,
    index: usize,
) -> Option<Vec<String>> {
    let mut path = vec![index];
    let mut current = index;
    for _ in 0..=forms.len() {
        let parent = *by_id.get(forms.get(current)?.extends.as_ref()?.as_str())?;
        if parent == index {
            if path.iter().any(|&p| p < index) {
                return None;
            }
            path.push(index);
            return Some(
                path.iter()
                    .filter_map(|&p| forms.get(p).map(|f| f.id.0.clone()))
                    .collect(),
            );
        }
        if path.contains(&parent) {
            return None; // A cycle further up, reported at its own first form.
        }
        path.push(parent);
        current = parent;
    }
    None
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use super::read::{Res, de, list, option, read_struct, read_variant, required, tagged};
use super::read_text;
use serde_json::{Map, Value};

pub(crate) fn read_form(value: Value) -> Res<Form> {
    let map = super::read::object(value, "struct Form")?;
    Ok(read_struct!(map, deny, Form {
        id: req,
        name: req with read_text,
        description: default with |v| option(v, read_text),
        extends: default,
        remove_fields: default,
        fields: default with |v| list(v, read_field),
        sections: default with |v| list(v, read_section),
        routes: default with |v| list(v, read_route),
        default_flow: default,
    }))
}

fn read_section(value: Value) -> Res<Section> {
    let map = super::read::object(value, "struct Section")?;
    Ok(read_struct!(map, deny, Section {
        id: req,
        title: req with read_text,
        fields: req,
        visible_if: default,
    }))
}

fn read_route(value: Value) -> Res<Route> {
    let map = super::read::object(value, "struct Route")?;
    Ok(read_struct!(
        map,
        deny,
        Route {
            when: req,
            flow: req
        }
    ))
}

fn read_choice(value: Value) -> Res<Choice> {
    let map = super::read::object(value, "struct Choice")?;
    Ok(read_struct!(map, deny, Choice {
        id: req,
        label: req with read_text,
        children: default with |v| list(v, read_choice),
    }))
}

fn read_set_value(value: Value) -> Res<SetValue> {
    let map = super::read::object(value, "struct SetValue")?;
    Ok(read_struct!(
        map,
        deny,
        SetValue {
            when: req,
            value: req
        }
    ))
}

fn read_validation_rule(value: Value) -> Res<ValidationRule> {
    const RULES: &[&str] = &[
        "required",
        "range",
        "length",
        "pattern",
        "options",
        "expression",
    ];
    let (rule, map) = tagged(
        value,
        "rule",
        RULES,
        "internally tagged enum ValidationRule",
    )?;
    Ok(match rule {
        0 => read_struct!(map, deny, ValidationRule::Required {
            severity: default,
            message: default with |v| option(v, read_text),
        }),
        1 => read_struct!(map, deny, ValidationRule::Range {
            min: default,
            max: default,
            severity: default,
            message: default with |v| option(v, read_text),
        }),
        2 => read_struct!(map, deny, ValidationRule::Length {
            min: default,
            max: default,
            severity: default,
            message: default with |v| option(v, read_text),
        }),
        3 => read_struct!(map, deny, ValidationRule::Pattern {
            preset: default,
            regex: default,
            severity: default,
            message: default with |v| option(v, read_text),
        }),
        4 => read_struct!(map, deny, ValidationRule::Options {
            severity: default,
            message: default with |v| option(v, read_text),
        }),
        _ => read_struct!(map, deny, ValidationRule::Expression {
            expr: req,
            severity: default,
            message: req with read_text,
        }),
    })
}

fn read_permission(value: Value) -> Res<Permission> {
    let map = super::read::object(value, "struct Permission")?;
    Ok(read_struct!(map, deny, Permission {
        roles: req,
        access: req,
        mask: default with |v| option(v, read_mask),
    }))
}

fn read_mask(value: Value) -> Res<Mask> {
    const PATTERNS: &[&str] = &["phone", "id_number", "custom"];
    let (pattern, map) = tagged(value, "pattern", PATTERNS, "internally tagged enum Mask")?;
    Ok(match pattern {
        // A unit variant ignores the other entries, as serde's does.
        0 => Mask::Phone,
        1 => Mask::IdNumber,
        _ => read_struct!(
            map,
            deny,
            Mask::Custom {
                keep_first: default,
                keep_last: default,
            }
        ),
    })
}

/// The settings every kind of field has, as read so far.
#[derive(Default)]
struct CommonSlots {
    id: Option<Id>,
    label: Option<Text>,
    placeholder: Option<Option<Text>>,
    help: Option<Option<Text>>,
    required: Option<bool>,
    visible_if: Option<Option<ExprSource>>,
    required_if: Option<Option<ExprSource>>,
    enabled_if: Option<Option<ExprSource>>,
    set_value_if: Option<Vec<SetValue>>,
    validation: Option<Vec<ValidationRule>>,
    permissions: Option<Vec<Permission>>,
}

/// The settings every kind of field has.
struct Common {
    id: Id,
    label: Text,
    placeholder: Option<Text>,
    help: Option<Text>,
    required: bool,
    visible_if: Option<ExprSource>,
    required_if: Option<ExprSource>,
    enabled_if: Option<ExprSource>,
    set_value_if: Vec<SetValue>,
    validation: Vec<ValidationRule>,
    permissions: Vec<Permission>,
}

impl CommonSlots {
    /// Their names, in declaration order.
    const NAMES: &[&str] = &[
        "id",
        "label",
        "placeholder",
        "help",
        "required",
        "visible_if",
        "required_if",
        "enabled_if",
        "set_value_if",
        "validation",
        "permissions",
    ];

    /// Reads one entry if it is a common setting; `false` when it is not.
    fn set(&mut self, key: &str, value: Value) -> Res<bool> {
        match key {
            "id" => self.id = Some(de(value)?),
            "label" => self.label = Some(read_text(value)?),
            "placeholder" => self.placeholder = Some(option(value, read_text)?),
            "help" => self.help = Some(option(value, read_text)?),
            "required" => self.required = Some(de(value)?),
            "visible_if" => self.visible_if = Some(de(value)?),
            "required_if" => self.required_if = Some(de(value)?),
            "enabled_if" => self.enabled_if = Some(de(value)?),
            "set_value_if" => self.set_value_if = Some(list(value, read_set_value)?),
            "validation" => self.validation = Some(list(value, read_validation_rule)?),
            "permissions" => self.permissions = Some(list(value, read_permission)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The common settings once every entry is read (`id` and `label` are required).
    fn finish(self) -> Res<Common> {
        Ok(Common {
            id: required(self.id, "id")?,
            label: required(self.label, "label")?,
            placeholder: self.placeholder.unwrap_or_default(),
            help: self.help.unwrap_or_default(),
            required: self.required.unwrap_or_default(),
            visible_if: self.visible_if.unwrap_or_default(),
            required_if: self.required_if.unwrap_or_default(),
            enabled_if: self.enabled_if.unwrap_or_default(),
            set_value_if: self.set_value_if.unwrap_or_default(),
            validation: self.validation.unwrap_or_default(),
            permissions: self.permissions.unwrap_or_default(),
        })
    }
}

/// Reads the content of one kind of [`Field`]: the common settings and the kind's own.
macro_rules! field_kind {
    ($map:ident, $kind:ident { $($own:tt)* }) => {
        read_variant!(
            $map,
            CommonSlots,
            (
                id, label, placeholder, help, required, visible_if, required_if, enabled_if,
                set_value_if, validation, permissions
            ),
            Field::$kind { $($own)* }
        )
    };
}

fn read_field(value: Value) -> Res<Field> {
    const KINDS: &[&str] = &[
        "text",
        "long_text",
        "number",
        "money",
        "single_select",
        "multi_select",
        "cascading_select",
        "date",
        "date_time",
        "phone",
        "email",
        "rating",
        "yes_no",
        "attachment",
        "signature",
        "location",
        "region",
        "computed",
    ];
    let (kind, map) = tagged(value, "kind", KINDS, "internally tagged enum Field")?;
    read_kind(kind, map)
}

fn read_options(value: Value) -> Res<Vec<Choice>> {
    list(value, read_choice)
}

fn read_unit(value: Value) -> Res<Option<Text>> {
    option(value, read_text)
}

fn read_kind(kind: usize, map: Map<String, Value>) -> Res<Field> {
    Ok(match kind {
        0 => field_kind!(
            map,
            Text {
                default: default,
                min_length: default,
                max_length: default,
                preset: default,
            }
        ),
        1 => field_kind!(
            map,
            LongText {
                default: default,
                min_length: default,
                max_length: default,
            }
        ),
        2 => field_kind!(map, Number {
            default: default,
            min: default,
            max: default,
            decimals: default,
            unit: default with read_unit,
        }),
        3 => field_kind!(
            map,
            Money {
                default: default,
                min: default,
                max: default,
                currency: default,
            }
        ),
        4 => field_kind!(map, SingleSelect {
            options: req with read_options,
            default: default,
        }),
        5 => field_kind!(map, MultiSelect {
            options: req with read_options,
            default: default,
        }),
        6 => field_kind!(map, CascadingSelect {
            options: default with read_options,
            options_from: default,
            levels: default,
            default: default,
        }),
        7 => field_kind!(map, Date { default: default }),
        8 => field_kind!(map, DateTime {}),
        9 => field_kind!(
            map,
            Phone {
                preset: default(mainland_mobile),
            }
        ),
        10 => field_kind!(map, Email {}),
        11 => field_kind!(
            map,
            Rating {
                min: default,
                max: default,
                default: default,
            }
        ),
        12 => field_kind!(map, YesNo { default: default }),
        13 => field_kind!(
            map,
            Attachment {
                max_files: default,
                accept: default,
            }
        ),
        14 => field_kind!(map, Signature {}),
        15 => field_kind!(map, Location {}),
        16 => field_kind!(map, Region { levels: default }),
        _ => field_kind!(map, Computed {
            formula: req,
            value_type: default,
            allow_override: default,
            decimals: default,
            unit: default with read_unit,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::super::flow::tests::check;

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
            .collect()
    }

    const FLOWS: &str = r#""flows":[
        {"id":"complaint","name":"投诉","nodes":[{"id":"s","name":"开始","kind":"start","next":"e"},{"id":"e","name":"结束","kind":"end"}]},
        {"id":"consult","name":"咨询","nodes":[{"id":"s","name":"开始","kind":"start","next":"e"},{"id":"e","name":"结束","kind":"end"}]}]"#;

    fn forms(forms: &str) -> String {
        format!(r#""forms":[{forms}],{FLOWS}"#)
    }

    #[test]
    fn a_complaint_form_routes_and_shows_fields() {
        let form = r#"{"id":"ticket","name":"工单","fields":[
            {"id":"complaint_type","kind":"single_select","label":"投诉类型","required":true,
             "options":[{"id":"service","label":"服务"},{"id":"product","label":"产品"}],"default":"service"},
            {"id":"product_sn","kind":"text","label":"产品序列号","visible_if":"complaint_type == 'product'",
             "required_if":"complaint_type == 'product'","validation":[{"rule":"length","min":8,"max":20}]},
            {"id":"phone","kind":"phone","label":"手机",
             "permissions":[{"roles":["sales"],"access":"masked","mask":{"pattern":"phone"}}]},
            {"id":"consent","kind":"yes_no","label":"同意接收促销信息","default":false},
            {"id":"coupon","kind":"text","label":"优惠券","enabled_if":"consent",
             "set_value_if":[{"when":"not consent","value":"''"}]},
            {"id":"score","kind":"rating","label":"评分",
             "validation":[{"rule":"expression","expr":"value >= 1 and context.channel != ''","message":"请评分"}]},
            {"id":"amount","kind":"money","label":"金额","min":"0"},
            {"id":"total","kind":"computed","label":"合计","formula":"amount * 2","value_type":"money"}],
          "sections":[{"id":"main","title":"基本信息","fields":["complaint_type","product_sn","phone"]}],
          "routes":[{"when":"complaint_type == 'service'","flow":"complaint"}],"default_flow":"consult"}"#;
        assert_eq!(check(&forms(form)), pairs(&[]));
    }

    #[test]
    fn ids_sections_and_options_are_checked() {
        let form = r#"{"id":"f","name":"表单","fields":[
            {"id":"a","kind":"text","label":"A"},
            {"id":"a","kind":"text","label":"A again"},
            {"id":"b-c","kind":"number","label":"B","min":"10","max":"1"},
            {"id":"context","kind":"email","label":"C"},
            {"id":"pick","kind":"single_select","label":"选","default":"z",
             "options":[{"id":"x","label":"X"},{"id":"x","label":"X2"}]},
            {"id":"stars","kind":"rating","label":"星","min":4,"max":2},
            {"id":"area","kind":"cascading_select","label":"地区","levels":3,"default":["bj","nowhere"],
             "options":[{"id":"bj","label":"北京","children":[{"id":"cy","label":"朝阳"}]}]}],
          "sections":[{"id":"s1","title":"一","fields":["a","missing"]},
                      {"id":"s1","title":"二","fields":["a"]}],
          "routes":[{"when":"pick == 'x'","flow":"complain"}]}"#;
        assert_eq!(
            check(&forms(form)),
            pairs(&[
                ("duplicate-id", "/forms/0/fields/1/id"),
                ("invalid-value", "/forms/0/fields/2/id"),
                ("invalid-value", "/forms/0/fields/3/id"),
                ("ends-before-start", "/forms/0/fields/2/max"),
                ("duplicate-id", "/forms/0/fields/4/options/1/id"),
                ("unknown-reference", "/forms/0/fields/4/default"),
                ("ends-before-start", "/forms/0/fields/5/max"),
                ("invalid-value", "/forms/0/fields/6/levels"),
                ("unknown-reference", "/forms/0/fields/6/default/1"),
                ("unknown-reference", "/forms/0/sections/0/fields/1"),
                ("duplicate-id", "/forms/0/sections/1/id"),
                ("invalid-value", "/forms/0/sections/1/fields/0"),
                ("unknown-reference", "/forms/0/routes/0/flow"),
            ])
        );
    }

    #[test]
    fn expressions_and_computed_cycles() {
        let form = r#"{"id":"f","name":"表单","fields":[
            {"id":"qty","kind":"number","label":"数量","visible_if":"qyt > 0"},
            {"id":"a","kind":"computed","label":"A","formula":"b + qty"},
            {"id":"b","kind":"computed","label":"B","formula":"c * 2"},
            {"id":"c","kind":"computed","label":"C","formula":"a - 1"},
            {"id":"d","kind":"computed","label":"D","formula":"d + 1"},
            {"id":"note","kind":"text","label":"备注","validation":[{"rule":"range","min":"1"},{"rule":"pattern"}]}]}"#;
        assert_eq!(
            check(&forms(form)),
            pairs(&[
                ("unknown-variable", "/forms/0/fields/0/visible_if"),
                ("invalid-value", "/forms/0/fields/5/validation/0/rule"),
                ("invalid-value", "/forms/0/fields/5/validation/1"),
                ("invalid-value", "/forms/0/fields/1/formula"),
                ("invalid-value", "/forms/0/fields/4/formula"),
            ])
        );
        let problems = crate::validate_bundle(&super::super::flow::tests::bundle(&forms(form)));
        let cycle = problems
            .iter()
            .find(|p| p.path == "/forms/0/fields/1/formula")
            .map(|p| p.message.en.clone());
        assert_eq!(
            cycle.as_deref(),
            Some("computed fields form a cycle: a → b → c → a")
        );
    }

    #[test]
    fn permissions_name_roles_and_masks() {
        let form = r#"{"id":"f","name":"表单","fields":[
            {"id":"cost","kind":"money","label":"成本","permissions":[
               {"roles":["sales","nobody"],"access":"hidden"},
               {"roles":["sales"],"access":"read_only","mask":{"pattern":"phone"}},
               {"roles":["cs"],"access":"masked"}]}]}"#;
        assert_eq!(
            check(&forms(form)),
            pairs(&[
                (
                    "unknown-reference",
                    "/forms/0/fields/0/permissions/0/roles/1"
                ),
                ("invalid-value", "/forms/0/fields/0/permissions/1/roles/0"),
                ("invalid-value", "/forms/0/fields/0/permissions/1/mask"),
                ("missing-field", "/forms/0/fields/0/permissions/2/mask"),
            ])
        );
    }

    #[test]
    fn extended_forms_inherit_replace_and_remove() {
        let base = r#"{"id":"base","name":"基础","fields":[
            {"id":"amount","kind":"money","label":"金额"},
            {"id":"cost","kind":"money","label":"成本"},
            {"id":"margin","kind":"computed","label":"毛利","formula":"amount - cost"}]}"#;
        let good = r#"{"id":"marketing","name":"市场","extends":"base","remove_fields":["margin","cost"],
            "fields":[{"id":"amount","kind":"money","label":"预算"},
                      {"id":"channel","kind":"text","label":"渠道","visible_if":"amount > 0"}]}"#;
        assert_eq!(check(&forms(&format!("{base},{good}"))), pairs(&[]));

        let bad = r#"{"id":"finance","name":"财务","extends":"base","remove_fields":["cost","costs"],
            "fields":[{"id":"tax","kind":"computed","label":"税","formula":"margin * 0.06"}]},
          {"id":"x","name":"X","extends":"y"},{"id":"y","name":"Y","extends":"x"},
          {"id":"z","name":"Z","extends":"basis"}"#;
        assert_eq!(
            check(&forms(&format!("{base},{bad}"))),
            pairs(&[
                ("unknown-reference", "/forms/1/remove_fields/1"),
                ("invalid-value", "/forms/1/remove_fields/0"),
                ("invalid-value", "/forms/2/extends"),
                ("unknown-reference", "/forms/4/extends"),
            ])
        );
        // The flow sees the inherited fields as ticket.fields.
        let flow = r#","flows":[{"id":"f2","name":"F","form":"marketing","nodes":[
            {"id":"s","name":"开始","kind":"start","next":"x"},
            {"id":"x","name":"X","kind":"exclusive","default":"e","branches":[{"when":"ticket.fields.cost > 0","to":"e"}]},
            {"id":"e","name":"结束","kind":"end"}]}]"#;
        let sections = format!(r#""forms":[{base},{good}]{flow}"#);
        assert_eq!(
            check(&sections),
            pairs(&[("unknown-variable", "/flows/0/nodes/1/branches/0/when")])
        );
    }
}
