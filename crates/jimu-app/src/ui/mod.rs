//! Pieces of the page shared by the sections.

pub mod condition;
pub mod fields;
pub mod problems;
pub mod samples;
pub mod tabs;
