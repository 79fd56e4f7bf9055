//! The API's OpenAPI 3.1 description, generated from the handlers' `#[utoipa::path]`
//! annotations and the types their bodies are made of (`jimu-wire`, with its `openapi`
//! feature), served at `/api/openapi.json`.

use crate::routes;
use jimu_wire::{
    ArchiveState, AuditEntry, AuditPage, BundleList, History, Listed, LocalizedDoc, MadeToken,
    NewToken, ProblemDetails, ProblemItem, Resync, Revoked, Role, Status, Token, TokenList,
    VersionInfo,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jimu sync server",
        description = "Versioned rule bundles: publish safely (If-Match), read with ETags, hear \
                       of new versions over server-sent events. Errors are RFC 9457 \
                       `application/problem+json`, those of every route as well as 414 (a path \
                       and query over 16 KiB), 431 (a request head over 64 KiB or with more \
                       than 100 headers), 408 (a request over the request timeout) and 503 \
                       (every connection busy)."
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
        VersionInfo,
        Listed,
        Token,
        Role,
        AuditEntry,
        Status,
        BundleList,
        History,
        Resync,
        ArchiveState,
        NewToken,
        MadeToken,
        TokenList,
        Revoked,
        AuditPage,
        ProblemDetails,
        ProblemItem,
        LocalizedDoc,
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
