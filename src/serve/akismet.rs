//! Akismet-compatible endpoints: `POST /1.1/verify-key`,
//! `/1.1/comment-check`, `/1.1/submit-spam`, `/1.1/submit-ham`, with
//! form-encoded bodies and plain-text answers as Akismet documents them.
//!
//! Akismet clients put the key in the host name
//! (`https://KEY.rest.akismet.com/1.1/comment-check`), so pointed at
//! `localhost:8080` they send `Host: KEY.localhost:8080`; `verify-key`
//! carries it in the body as `key`. The key is taken from `api_key` or
//! `key` in the body, else from the first label of `Host` (when the host
//! is a name of two labels or more, not an IP address).
//!
//! `comment-check` answers `true` (spam: the verdict holds or rejects the
//! comment as spam, a duplicate or a link dump) or `false`, with
//! `X-akismet-pro-tip: discard` when the spam is blatant (rejected);
//! errors answer `invalid` or a message, with `X-akismet-debug-help`.
//! `is_test=1` scores without remembering the comment and acknowledges
//! submissions without learning from them. `comment_author` feeds the
//! duplicate check, `permalink` names the article (register it with
//! `PUT /v1/articles/{permalink}`), and `comment_parent` the comment's
//! place in its thread.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::http::{check_key, why};
use super::keys::KeyCheck;
use super::native::submit;
use super::state::App;
use super::store::{FeedbackEvent, FeedbackKind};
use crate::label::Label;
use crate::moderate::Action;
use crate::Comment;

/// A decoded Akismet form.
#[derive(Debug, Default)]
pub struct Form(pub HashMap<String, String>);

impl Form {
    /// Field `k`, when present.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }

    /// Field `k` when present and not empty.
    fn nonempty(&self, k: &str) -> Option<String> {
        self.get(k).filter(|v| !v.is_empty()).map(String::from)
    }
}

/// Decodes a form body (`application/x-www-form-urlencoded`).
pub fn decode_form(body: &[u8]) -> Result<Form, String> {
    // Percent-decoding is lenient; bytes that are not UTF-8 are refused.
    std::str::from_utf8(body)
        .map_err(|e| format!("invalid form body: not UTF-8 at byte {}", e.valid_up_to()))?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|e| format!("invalid form body: {e}"))?;
    Ok(Form(pairs.into_iter().collect()))
}

/// The key of the first label of a `Host` value, when it is a name of two
/// labels or more.
pub fn host_key(host: &str) -> Option<&str> {
    let name = match host.rsplit_once(':') {
        Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => host,
    };
    if name.starts_with('[') || name.parse::<IpAddr>().is_ok() {
        return None;
    }
    let (first, rest) = name.split_once('.')?;
    (!first.is_empty() && !rest.is_empty()).then_some(first)
}

fn text(status: StatusCode, body: &'static str) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn debug_help(mut r: Response, help: &'static str) -> Response {
    r.headers_mut()
        .insert("x-akismet-debug-help", HeaderValue::from_static(help));
    why(r, help)
}

/// The form, or Akismet's answer to a body that is not one.
fn form_of(body: &[u8]) -> Result<Form, Response> {
    decode_form(body).map_err(|_| {
        debug_help(
            text(StatusCode::BAD_REQUEST, "Invalid request body."),
            "The body is not form-encoded (application/x-www-form-urlencoded).",
        )
    })
}

fn key_check(app: &App, f: &Form, h: &HeaderMap) -> KeyCheck {
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let key = f
        .nonempty("api_key")
        .or_else(|| f.nonempty("key"))
        .or_else(|| host.and_then(host_key).map(String::from));
    check_key(app, key.as_deref())
}

/// Akismet's answers to a key that is refused.
fn refused(c: KeyCheck) -> Option<Response> {
    match c {
        KeyCheck::Open | KeyCheck::Valid(_) => None,
        KeyCheck::Missing => Some(debug_help(
            text(StatusCode::OK, "invalid"),
            "Empty \"api_key\" value",
        )),
        KeyCheck::Invalid => Some(debug_help(
            text(StatusCode::OK, "invalid"),
            "We were unable to verify your API key.",
        )),
        KeyCheck::Limited(_) => Some(debug_help(
            text(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded."),
            "This API key is over its rate limit.",
        )),
    }
}

/// The comment of a comment-check or submission form, and its parent id.
pub fn comment_of(f: &Form, id: String) -> (Comment, Option<String>) {
    let mut c = Comment::new(id, f.get("comment_content").unwrap_or_default());
    c.author = f.nonempty("comment_author");
    c.article_id = f.nonempty("permalink");
    let parent = f.get("comment_parent").map(String::from);
    if let Some(p) = &parent {
        c.reply = Some(!p.is_empty() && p != "0");
    }
    (c, parent)
}

fn too_long(app: &App, f: &Form) -> Option<Response> {
    let n = f.get("comment_content").map_or(0, str::len);
    (n > app.cfg.max_comment_bytes).then(|| {
        debug_help(
            text(StatusCode::PAYLOAD_TOO_LARGE, "Comment too long."),
            "comment_content is over the size limit.",
        )
    })
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// `POST /1.1/verify-key`: `valid` or `invalid`.
pub async fn verify_key(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    let f = match form_of(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match key_check(&app, &f, &h) {
        KeyCheck::Open | KeyCheck::Valid(_) => text(StatusCode::OK, "valid"),
        KeyCheck::Limited(_) => refused(KeyCheck::Limited(0)).expect("refused"),
        _ => debug_help(
            text(StatusCode::OK, "invalid"),
            "We were unable to verify your API key.",
        ),
    }
}

/// `POST /1.1/comment-check`: `true` (spam) or `false`.
pub async fn comment_check(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    let f = match form_of(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Some(r) = refused(key_check(&app, &f, &h)) {
        return r;
    }
    if f.nonempty("blog").is_none() {
        return debug_help(
            text(StatusCode::OK, "Missing required field: blog."),
            "Empty \"blog\" value",
        );
    }
    if let Some(r) = too_long(&app, &f) {
        return r;
    }
    let is_test = f.get("is_test").is_some_and(|v| v == "1" || v == "true");
    let id = format!("akismet-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let (comment, parent) = comment_of(&f, id);
    let (spam, blatant) = if is_test {
        // Scored, not remembered: no duplicate memory, no thread.
        app.read(|m| {
            let v = m.classifier().classify(&comment);
            let t = &m.classifier().model().thresholds;
            (v.scores.spam >= t.spam_hold, v.scores.spam >= t.spam_reject)
        })
    } else {
        let v = app.moderate(&comment, parent.as_deref(), None, false);
        if let Err(r) = super::review::queue::hold(&app, &comment, &v, "akismet").await {
            return r;
        }
        let spammy = v.label == Label::Spam
            || v.reasons
                .iter()
                .any(|r| r.rule == "duplicate" || r.rule == "links");
        let spam = v.action != Action::Approve && spammy;
        (spam, spam && v.action == Action::Reject)
    };
    let mut r = text(StatusCode::OK, if spam { "true" } else { "false" });
    if blatant {
        r.headers_mut()
            .insert("x-akismet-pro-tip", HeaderValue::from_static("discard"));
    }
    r
}

async fn submission(app: Arc<App>, h: HeaderMap, body: Bytes, kind: FeedbackKind) -> Response {
    let f = match form_of(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Some(r) = refused(key_check(&app, &f, &h)) {
        return r;
    }
    if let Some(r) = too_long(&app, &f) {
        return r;
    }
    let content = f.get("comment_content").unwrap_or_default();
    if content.is_empty() {
        return debug_help(
            text(StatusCode::OK, "Missing required field: comment_content."),
            "Empty \"comment_content\" value",
        );
    }
    let is_test = f.get("is_test").is_some_and(|v| v == "1" || v == "true");
    if !is_test {
        let e = FeedbackEvent {
            kind,
            text: content.to_string(),
            id: None,
            author: f.nonempty("comment_author"),
            article_id: f.nonempty("permalink"),
            parent_id: f.get("comment_parent").map(String::from),
            source: "akismet".into(),
        };
        if let Err(r) = submit(&app, e).await {
            return r;
        }
    }
    text(StatusCode::OK, "Thanks for making the web a better place.")
}

/// `POST /1.1/submit-spam`.
pub async fn submit_spam(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    submission(app, h, body, FeedbackKind::Spam).await
}

/// `POST /1.1/submit-ham`.
pub async fn submit_ham(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    submission(app, h, body, FeedbackKind::Ham).await
}

#[cfg(test)]
mod tests {
    use super::host_key;

    #[test]
    fn key_from_host() {
        assert_eq!(host_key("k123.localhost:8080"), Some("k123"));
        assert_eq!(host_key("k.rest.akismet.com"), Some("k"));
        assert_eq!(host_key("localhost:8080"), None);
        assert_eq!(host_key("127.0.0.1:8080"), None);
        assert_eq!(host_key("[::1]:8080"), None);
    }
}
