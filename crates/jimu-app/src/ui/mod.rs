//! Pieces of the page shared by the sections.

pub mod problems;
pub mod samples;
