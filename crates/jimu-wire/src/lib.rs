//! The sync server's API as types: every JSON body `jimu serve` sends or takes under `/api`,
//! shared by the server (which also generates `/api/openapi.json` from them, with the
//! `openapi` feature), the `jimu` CLI and the configurator.
//!
//! The types are plain data with serde derives; their JSON is the API's contract, so a change
//! here is a change of the API. Bundle contents are not here: they travel as the exact bytes
//! published, and `jimu-core` reads them.

mod audit;
mod bundles;
mod problem;
mod tokens;

pub use audit::{AuditEntry, AuditPage};
pub use bundles::{ArchiveState, BundleList, History, Listed, Resync, Status, VersionInfo};
pub use problem::{ProblemDetails, ProblemItem};
pub use tokens::{MadeToken, NewToken, Revoked, Role, Token, TokenList};

/// The doc-only schema of a message in both languages (`jimu_core::Localized`'s JSON), for
/// the OpenAPI description.
#[cfg(feature = "openapi")]
pub use problem::LocalizedDoc;
