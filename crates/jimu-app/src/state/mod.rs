//! The configurator's state: the document store and what is derived from it, without a browser.

pub mod catalog_csv;
pub mod diff;
pub mod doc;
pub mod draft;
pub mod impact;
pub mod json_text;
pub mod pointer;
pub mod samples;
pub mod section;
