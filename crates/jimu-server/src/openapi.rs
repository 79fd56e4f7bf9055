//! The API's OpenAPI 3.1 description, generated from the handlers' `#[utoipa::path]`
//! annotations and the types their bodies are made of, served at `/api/openapi.json`.

use crate::routes;
use crate::{AuditEntry, BundleVersion, Listed, Role, Token};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jimu sync server",
        description = "Versioned rule bundles: publish safely (If-Match), read with ETags, hear \
                       of new versions over server-sent events. Errors are RFC 9457 \
                       `application/problem+json`."
    ),
    paths(
        routes::health,
        routes::ready,
        routes::list_bundles,
        routes::get_bundle,
        routes::put_bundle,
        routes::history,
        routes::get_version,
        routes::rollback,
        routes::archive_bundle,
        routes::unarchive_bundle,
        routes::all_events,
        routes::bundle_events,
        routes::create_token,
        routes::list_tokens,
        routes::revoke_token,
        routes::audit,
    ),
    components(schemas(
        BundleVersion,
        Listed,
        Token,
        Role,
        AuditEntry,
        Status,
        BundleList,
        History,
        ArchiveState,
        NewToken,
        MadeToken,
        TokenList,
        Revoked,
        AuditPage,
        ProblemDetails,
        ProblemItem,
        Localized,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "bundles", description = "Bundles and their versions"),
        (name = "events", description = "Server-sent events announcing new versions"),
        (name = "admin", description = "Tokens and the audit log (admin role)"),
        (name = "ops", description = "Health and readiness, no token needed"),
    )
)]
pub struct ApiDoc;

/// `Authorization: Bearer <token>` (reads also take `?access_token=`).
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `jimu token create` or `POST /api/tokens`: reader, \
                         publisher or admin",
                    ))
                    .build(),
            ),
        );
    }
}

/// The description as JSON text.
pub fn json() -> String {
    ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|_| String::from("{}"))
}

/// `{"status": …}` of health and readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `ok`, `ready` or `unavailable`.
    pub status: &'static str,
}

/// Every bundle's newest version.
#[derive(Debug, Serialize, ToSchema)]
pub struct BundleList {
    pub bundles: Vec<Listed>,
}

/// A bundle's versions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub name: String,
    pub archived: bool,
    pub versions: Vec<BundleVersion>,
}

/// A bundle's archive state after an archive or unarchive.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveState {
    pub name: String,
    pub archived: bool,
    /// Whether this request changed it (false: it already was so).
    pub changed: bool,
}

/// A token to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// `reader`, `publisher` or `admin`.
    pub role: String,
    /// Who or what it is for; the author of what it publishes. Defaults to its id.
    #[serde(default)]
    pub label: String,
}

/// A token just made, with its secret: shown this once, stored only as a hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct MadeToken {
    pub token: Token,
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<Token>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revoked {
    pub id: String,
    pub revoked: bool,
    /// Whether this request revoked it (false: it already was).
    pub changed: bool,
}

/// Audit entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
}

/// An RFC 9457 problem: every refusal and error has this body
/// (`Content-Type: application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDetails {
    /// Always `about:blank`: `title` and `status` say what happened.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    /// What happened and what to do, for a person.
    pub detail: String,
    /// For an invalid bundle (422): every problem jimu-core found.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<ProblemItem>>)]
    pub problems: Option<Vec<jimu_core::Problem>>,
}

/// The refusals of every route that needs a token.
#[derive(utoipa::IntoResponses)]
#[expect(
    dead_code,
    reason = "describes responses for the OpenAPI document only"
)]
pub enum TokenRefusals {
    /// No valid token (missing, unknown, revoked or malformed: always the same answer)
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemDetails),
    /// The token's role is too low
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ProblemDetails),
}

/// One problem of a bundle, as jimu-core reports it (the documentation of
/// `jimu_core::Problem`'s JSON; a test holds the two together).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemItem {
    /// A stable code, e.g. `negative`, `json-syntax`, `unknown-reference`.
    pub code: String,
    /// `error` (stops a publish) or `warning`.
    pub severity: String,
    /// RFC 6901 JSON pointer into the bundle (`""` is the whole bundle).
    pub path: String,
    pub message: Localized,
    pub hint: Option<Localized>,
    /// 1-based line and column of a syntax error.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Characters `start..end` of an expression the problem is about.
    pub start: Option<usize>,
    pub end: Option<usize>,
}

/// A message in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Localized {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented problem has exactly the fields jimu-core's problems serialize.
    #[test]
    fn problem_items_document_the_real_problem_fields() {
        let problems = jimu_core::validate_bundle(
            r#"{"schema_version":1,"currency":"CNY","catalog":[
                {"id":"a","name":"A","kind":"service","price":"-5"}]}"#,
        );
        let syntax = jimu_core::validate_bundle("{ not json");
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let documented: std::collections::BTreeSet<String> =
            doc["components"]["schemas"]["ProblemItem"]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
        for problem in problems.iter().chain(&syntax) {
            let value = serde_json::to_value(problem).unwrap();
            for key in value.as_object().unwrap().keys() {
                assert!(documented.contains(key), "`{key}` is not documented");
            }
            for key in value["message"].as_object().unwrap().keys() {
                assert!(["zh-CN", "en"].contains(&key.as_str()), "{key}");
            }
        }
        assert!(!problems.is_empty() && !syntax.is_empty());
    }
}
