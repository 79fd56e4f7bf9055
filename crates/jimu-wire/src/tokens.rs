//! API tokens and their roles: what `POST /api/tokens` takes, and what token answers hold.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a token may do; each role may do everything the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Deployments and portals: read bundles, their history and events.
    Reader,
    /// Admins in the configurator: also publish, roll back and archive.
    Publisher,
    /// Also manage tokens and read the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Publisher => "publisher",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "reader" => Ok(Role::Reader),
            "publisher" => Ok(Role::Publisher),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}`: use reader, publisher or admin"
            )),
        }
    }
}

/// An API token as stored: never its secret, which only its creator ever sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Token {
    pub id: String,
    pub role: Role,
    pub label: String,
    pub created_at_ms: i64,
    pub created_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at_ms: Option<i64>,
}

impl Token {
    /// Who acts when the store is used directly on the data directory (`jimu token create`):
    /// `local` in the audit log.
    pub fn local() -> Self {
        Self::unstored("local", Role::Admin)
    }

    /// Who reads without a token on a server with public reads.
    pub fn anonymous() -> Self {
        Self::unstored("anonymous", Role::Reader)
    }

    /// A caller that is not a stored token: its id is also its label.
    fn unstored(id: &str, role: Role) -> Self {
        Token {
            id: id.to_owned(),
            role,
            label: id.to_owned(),
            created_at_ms: 0,
            created_by: id.to_owned(),
            revoked_at_ms: None,
        }
    }
}

/// A token to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    /// `reader`, `publisher` or `admin`.
    pub role: String,
    /// Who or what it is for; the author of what it publishes. Defaults to its id.
    #[serde(default)]
    pub label: String,
}

/// A token just made, with its secret: shown this once, stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MadeToken {
    pub token: Token,
    pub secret: String,
}

/// Every token, revoked ones too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenList {
    pub tokens: Vec<Token>,
}

/// A token revoked (or found revoked already).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revoked {
    pub id: String,
    pub revoked: bool,
    /// Whether this request revoked it (false: it already was).
    pub changed: bool,
}
