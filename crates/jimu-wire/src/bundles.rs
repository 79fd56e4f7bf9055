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

/// A page of a bundle's versions, newest first (`?limit=&before=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub name: String,
    pub archived: bool,
    pub versions: Vec<VersionInfo>,
    /// When older versions remain: the `before` that asks for the next page (the oldest
    /// version of this one). Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

/// The data of a server-sent `resync` event: the versions the client asked to replay
/// (`Last-Event-ID`) are beyond the server's replay window (or its id is not one this store
/// gave). Nothing of them is sent: re-read what you follow (`GET /api/bundles`, or the bundle
/// itself), then go on from this event, whose `id` is `newest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resync {
    /// The `Last-Event-ID` the client sent.
    pub last_event_id: i64,
    /// The newest event id now; the stream goes on after it.
    pub newest: i64,
    /// How many missed versions a reconnecting client may replay at most.
    pub window: u64,
    /// What happened and what to do, for a person.
    pub detail: String,
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
