//! The one error type handlers return, rendered as RFC 9457 `application/problem+json`
//! (`jimu_wire::ProblemDetails`).
//!
//! Internal failures are logged in full and reach clients only as a generic 500, so no
//! SQL, path or stack detail ever leaks.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jimu_core::Problem;
use jimu_wire::Role;

/// What a 404 did not find, so its detail names the right thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No bundle of this name.
    Bundle(String),
    /// The bundle exists, but not this version of it (`version` as the client wrote it).
    Version { name: String, version: String },
    /// No token with this id.
    Token(String),
    /// No API route at this path.
    Route(String),
}

#[derive(Debug)]
pub enum AppError {
    /// The bundle name in the path is not a valid name.
    InvalidName(String),
    NotFound(Missing),
    /// The request body is not a valid bundle: every problem, with its JSON pointer.
    InvalidBundle(Vec<Problem>),
    /// The body is not UTF-8 text.
    NotText,
    /// The body is not declared as JSON (`Content-Type`).
    NotJson,
    /// A method the route does not take.
    MethodNotAllowed(String),
    /// A query string the route cannot read.
    BadQuery(String),
    /// The body could not be read: too large, or cut off.
    BadBody {
        status: StatusCode,
        detail: String,
    },
    /// A publish without `If-Match` (or `If-None-Match: *` to create).
    PreconditionRequired,
    /// A publish whose `If-Match` is not the current version (or that creates an existing
    /// bundle): `current` is the version and tag to fetch and merge with, also sent as the
    /// `ETag` and `Jimu-Version` headers.
    PreconditionFailed {
        current: Option<(i64, String)>,
    },
    /// No token, or one that is unknown, revoked or malformed: always the same answer.
    Unauthorized,
    /// A live token whose role is below what the route needs.
    Forbidden {
        needs: Role,
    },
    /// A publish to an archived bundle.
    Archived(String),
    /// A request that took longer than the server allows.
    Timeout,
    /// A field of a JSON body with a value the route does not take.
    BadField(String),
    /// A header the route reads whose value cannot be read (`If-Match`).
    BadHeader(String),
    /// A request target longer than [`crate::limits::MAX_URI_BYTES`].
    UriTooLong,
    /// A request head over [`crate::limits::MAX_HEAD_BYTES`] or with too many headers.
    HeadTooLarge,
    /// A request that is not HTTP as the server reads it (answered before any route).
    Malformed,
    /// Every connection the server takes is busy (`--max-connections`).
    Busy,
    Internal(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for AppError {
    fn from(err: E) -> Self {
        Self::Internal(err.into())
    }
}

/// An error as the parts of its problem.
struct Parts {
    status: StatusCode,
    title: &'static str,
    detail: String,
    problems: Option<Vec<Problem>>,
}

impl AppError {
    /// The problem's status, title, detail and problems list.
    fn parts(self) -> Parts {
        let (status, title, detail, problems) = match self {
            Self::InvalidName(name) => (
                StatusCode::BAD_REQUEST,
                "invalid bundle name",
                format!(
                    "`{name}` is not a bundle name: use 1–64 lowercase letters, digits, `-` or `_`, starting with a letter or digit"
                ),
                None,
            ),
            Self::NotFound(missing) => (
                StatusCode::NOT_FOUND,
                "not found",
                match missing {
                    Missing::Bundle(name) => {
                        format!("no bundle named `{name}` (没有名为 `{name}` 的方案)")
                    }
                    Missing::Version { name, version } => format!(
                        "`{name}` has no version {version}: versions are numbered 1, 2, … and \
                         `GET /api/bundles/{name}/versions` lists them (`{name}` 没有第 \
                         {version} 版)"
                    ),
                    Missing::Token(id) => {
                        format!("no token with the id `{id}` (没有 id 为 `{id}` 的令牌)")
                    }
                    Missing::Route(path) => format!(
                        "no API route at `{path}`: /api/openapi.json describes them all \
                         (没有这个 API 路径)"
                    ),
                },
                None,
            ),
            Self::InvalidBundle(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid bundle",
                format!(
                    "the bundle has {} problem(s); nothing was stored",
                    problems.len()
                ),
                Some(problems),
            ),
            Self::NotText => (
                StatusCode::BAD_REQUEST,
                "invalid body",
                "the body must be UTF-8 JSON text".to_owned(),
                None,
            ),
            Self::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported media type",
                "send the bundle with `Content-Type: application/json`".to_owned(),
                None,
            ),
            Self::BadBody { status, detail } => (status, "unreadable body", detail, None),
            Self::MethodNotAllowed(method) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed",
                format!("this route does not take {method}"),
                None,
            ),
            Self::BadQuery(detail) => (StatusCode::BAD_REQUEST, "invalid query", detail, None),
            Self::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "precondition required",
                "publish with `If-Match` set to the ETag of the version you changed, or with \
                 `If-None-Match: *` to create a new bundle"
                    .to_owned(),
                None,
            ),
            Self::PreconditionFailed { current } => (
                StatusCode::PRECONDITION_FAILED,
                "precondition failed",
                match current {
                    Some((version, tag)) => format!(
                        "the bundle changed since you fetched it: the current version is {version} \
                         (\"{tag}\"); fetch it, merge, and publish again; nothing was stored"
                    ),
                    None => "the bundle does not exist; create it with `If-None-Match: *`; \
                             nothing was stored"
                        .to_owned(),
                },
                None,
            ),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send a valid token: `Authorization: Bearer <token>` (make one with \
                 `jimu token create`)"
                    .to_owned(),
                None,
            ),
            Self::Forbidden { needs } => (
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("this needs a token with the {needs} role (or higher)"),
                None,
            ),
            Self::Archived(name) => (
                StatusCode::CONFLICT,
                "bundle archived",
                format!(
                    "`{name}` is archived: unarchive it (DELETE /api/bundles/{name}/archive) before \
                     publishing; nothing was stored"
                ),
                None,
            ),
            Self::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                "request timeout",
                "the request took too long; nothing was stored unless it was acknowledged"
                    .to_owned(),
                None,
            ),
            Self::BadField(detail) => (StatusCode::BAD_REQUEST, "invalid field", detail, None),
            Self::BadHeader(detail) => (StatusCode::BAD_REQUEST, "invalid header", detail, None),
            Self::UriTooLong => (
                StatusCode::URI_TOO_LONG,
                "URI too long",
                format!(
                    "the request's path and query are longer than {} bytes; send long text in \
                     the body (请求的路径和查询参数超过 {} 字节)",
                    crate::limits::MAX_URI_BYTES,
                    crate::limits::MAX_URI_BYTES
                ),
                None,
            ),
            Self::HeadTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "request header fields too large",
                format!(
                    "the request line and headers are over {} bytes, or there are more than {} \
                     headers (请求行与请求头超过 {} 字节，或请求头多于 {} 个)",
                    crate::limits::MAX_HEAD_BYTES,
                    crate::limits::MAX_HEADERS,
                    crate::limits::MAX_HEAD_BYTES,
                    crate::limits::MAX_HEADERS
                ),
                None,
            ),
            Self::Malformed => (
                StatusCode::BAD_REQUEST,
                "malformed request",
                "the request is not HTTP/1.1 as the server reads it (请求不是可读的 HTTP/1.1)"
                    .to_owned(),
                None,
            ),
            Self::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server busy",
                "every connection the server takes is in use; try again shortly \
                 (服务器的连接已满，请稍后重试)"
                    .to_owned(),
                None,
            ),
            Self::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error",
                    "the server could not complete the request; the error was logged".to_owned(),
                    None,
                )
            }
        };
        Parts {
            status,
            title,
            detail,
            problems,
        }
    }

    /// A whole HTTP/1.1 response for this error that closes the connection, for answers
    /// written below the router (a request hyper could not read, a connection over the cap).
    pub(crate) fn http1_bytes(self) -> Vec<u8> {
        let Parts {
            status,
            title,
            detail,
            problems,
        } = self.parts();
        let body = problem_json(status, title, detail, problems);
        let retry = if status == StatusCode::SERVICE_UNAVAILABLE {
            "retry-after: 1\r\n"
        } else {
            ""
        };
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/problem+json\r\n\
             content-length: {}\r\n{retry}connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }
}

/// The problem+json text.
fn problem_json(
    status: StatusCode,
    title: &str,
    detail: String,
    problems: Option<Vec<Problem>>,
) -> String {
    let body = jimu_wire::ProblemDetails {
        problems: problems.map(|all| all.iter().map(jimu_wire::ProblemItem::from).collect()),
        ..jimu_wire::ProblemDetails::new(status.as_u16(), title, detail)
    };
    serde_json::to_string(&body).unwrap_or_default()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let current = match &self {
            Self::PreconditionFailed {
                current: Some((version, hash)),
            } => Some((*version, hash.clone())),
            _ => None,
        };
        let Parts {
            status,
            title,
            detail,
            problems,
        } = self.parts();
        let body = problem_json(status, title, detail, problems);
        let mut response = (status, body).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"jimu\""),
            );
        }
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some((version, hash)) = current {
            // What to fetch and merge with, without parsing the detail.
            let headers = response.headers_mut();
            if let Ok(tag) = HeaderValue::from_str(&format!("\"{hash}\"")) {
                headers.insert(header::ETAG, tag);
            }
            headers.insert("jimu-version", HeaderValue::from(version));
        }
        response
    }
}
