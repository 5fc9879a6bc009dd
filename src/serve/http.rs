//! Pieces every front end shares: JSON answers, the native error shape,
//! key checks, and running blocking storage work off the async threads.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::keys::KeyCheck;
use super::metrics::Why;
use super::state::App;

/// A JSON answer from an already serialised body.
pub fn json(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Attaches the reason for the log line.
pub fn why(mut r: Response, reason: impl Into<String>) -> Response {
    r.extensions_mut().insert(Why(reason.into()));
    r
}

/// The native API's error: `{"error":{"code":STATUS,"message":…}}`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let message = message.into();
    let body = serde_json::json!({"error": {"code": status.as_u16(), "message": message}});
    why(json(status, body.to_string()), message)
}

/// A storage failure (500), logged.
pub fn storage_error(e: &crate::Error) -> Response {
    tracing::error!(error = %e, "state storage failed");
    error(StatusCode::INTERNAL_SERVER_ERROR, "state storage failed")
}

/// The key of `Authorization: Bearer KEY`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

/// Checks a key, counting refusals.
pub fn check_key(app: &App, key: Option<&str>) -> KeyCheck {
    let c = app.keys.check(key);
    if !c.allowed() {
        app.metrics.auth_failure();
    }
    c
}

/// The native API's key check: 401 for a missing or wrong key, 429 over
/// the key's rate.
pub fn native_auth(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    match check_key(app, bearer(headers)) {
        KeyCheck::Open | KeyCheck::Valid(_) => Ok(()),
        KeyCheck::Missing => Err(with_challenge(error(
            StatusCode::UNAUTHORIZED,
            "missing API key: send Authorization: Bearer KEY",
        ))),
        KeyCheck::Invalid => Err(with_challenge(error(
            StatusCode::UNAUTHORIZED,
            "API key not valid",
        ))),
        KeyCheck::Limited(i) => Err(error(
            StatusCode::TOO_MANY_REQUESTS,
            format!("rate limit of key {:?} exceeded", app.keys.name(i)),
        )),
    }
}

fn with_challenge(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// Runs blocking work (SQLite commits) on tokio's blocking pool.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Whether a comment text is over the size limit.
pub fn too_long(app: &App, text: &str) -> Option<Response> {
    (text.len() > app.cfg.max_comment_bytes).then(|| {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "comment text is {} bytes, over the limit of {}",
                text.len(),
                app.cfg.max_comment_bytes
            ),
        )
    })
}
