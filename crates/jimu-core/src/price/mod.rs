//! The pricing engine: catalog lines, stacked rule groups and tier models, with a trace.

pub mod tiers;
