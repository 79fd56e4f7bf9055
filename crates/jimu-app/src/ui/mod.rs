//! Pieces of the page shared by the sections.

pub mod fields;
pub mod problems;
pub mod samples;
