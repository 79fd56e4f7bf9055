//! The tables made from the IANA database: zone names and constants, and each zone's spans.

#![allow(
    dead_code,
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals
)]

pub(crate) mod directory;
#[rustfmt::skip]
pub(crate) mod timezones;
