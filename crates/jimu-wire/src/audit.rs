//! The audit log as `GET /api/audit` answers it.

use serde::{Deserialize, Serialize};

/// One recorded write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    /// The id of the token that made the write (`local` from the command line).
    pub actor: String,
    /// `publish`, `rollback`, `archive`, `unarchive`, `token.create`, `token.revoke`.
    pub action: String,
    pub bundle: Option<String>,
    pub version: Option<i64>,
    pub detail: String,
}

/// Audit entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
}
