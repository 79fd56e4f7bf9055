//! Who is calling: bearer tokens and their roles, as extractors a handler names to say what it
//! needs (`Reader`, `Publisher`, `Admin`).
//!
//! A token comes in `Authorization: Bearer <token>`, or for reads in the `access_token` query
//! parameter (a browser's `EventSource` cannot send headers). A missing, unknown, revoked or
//! malformed token gets the same 401, so a caller learns nothing about which tokens exist; a
//! token whose role is too low gets 403. With `public_read`, reads need no token.

use crate::{AppError, AppState, Role, Token};
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{Method, header};

/// A caller that may read (any role).
pub struct Reader(pub Token);
/// A caller that may publish, roll back and archive.
pub struct Publisher(pub Token);
/// A caller that may manage tokens and read the audit log.
pub struct Admin(pub Token);

async fn caller(parts: &Parts, state: &AppState, needs: Role) -> Result<Token, AppError> {
    let presented = bearer(parts).or_else(|| {
        matches!(parts.method, Method::GET | Method::HEAD)
            .then(|| query_token(parts))
            .flatten()
    });
    let token = match presented {
        Some(secret) => state
            .store
            .token_for_secret(&secret)
            .await?
            .ok_or(AppError::Unauthorized)?,
        None if needs == Role::Reader && state.public_read => Token::anonymous(),
        None => return Err(AppError::Unauthorized),
    };
    // The access log names who asked (id and label, never the secret), allowed or not.
    if let Some(slot) = parts.extensions.get::<crate::routes::CallerSlot>() {
        slot.set(&token);
    }
    if token.role < needs {
        return Err(AppError::Forbidden { needs });
    }
    Ok(token)
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The `access_token` query parameter.
fn query_token(parts: &Parts) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct TokenQuery {
        access_token: Option<String>,
    }
    Query::<TokenQuery>::try_from_uri(&parts.uri)
        .ok()?
        .0
        .access_token
}

macro_rules! role_extractor {
    ($name:ident, $role:expr) => {
        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;
            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, AppError> {
                caller(parts, state, $role).await.map($name)
            }
        }
    };
}

role_extractor!(Reader, Role::Reader);
role_extractor!(Publisher, Role::Publisher);
role_extractor!(Admin, Role::Admin);
