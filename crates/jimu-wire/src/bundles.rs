//! Bundles and their versions: lists, histories, what a publish stored, archive states.

use serde::{Deserialize, Serialize};

/// One stored version of a bundle, without its content: a list entry, a history line, what a
/// publish or rollback stored, and the data of a server-sent `version` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BundleVersion, description = "One stored version of a bundle."))]
pub struct VersionInfo {
    pub name: String,
    pub version: i64,
    /// `sha256:` and the hex digest of the content: the strong ETag.
    pub hash: String,
    pub created_at_ms: i64,
    /// The label of the token that published it.
    pub author: String,
    /// What the publisher said about the change (may be empty).
    pub message: String,
}

impl VersionInfo {
    /// The ETag of this version (the hash in double quotes), as `If-Match` wants it.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.hash)
    }
}

/// A bundle as listed: its newest version and whether it is archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listed {
    #[serde(flatten)]
    pub latest: VersionInfo,
    pub archived: bool,
}

/// Every bundle's newest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleList {
    pub bundles: Vec<Listed>,
}

/// A bundle's versions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub name: String,
    pub archived: bool,
    pub versions: Vec<VersionInfo>,
}

/// A bundle's archive state after an archive or unarchive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchiveState {
    pub name: String,
    pub archived: bool,
    /// Whether this request changed it (false: it already was so).
    pub changed: bool,
}

/// `{"status": …}` of health and readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Status {
    /// `ok`, `ready` or `unavailable`.
    pub status: String,
}
