//! The section editors. Each one reads and writes the bundle through the workspace's store;
//! until a section's visual editor exists, its page is the text view of its members with
//! their problems, beside the preview of what the engine computes from them.

pub mod flows;
pub mod forms;
pub mod money;
pub mod overview;
pub mod pricing;
pub mod section;
pub mod settlement;
pub mod text_view;
