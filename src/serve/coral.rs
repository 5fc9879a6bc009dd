//! Coral External Moderation: `POST /coral/v1/moderate`.
//!
//! Coral POSTs `{action, comment:{body, parentID}, author:{id, role},
//! story:{id, url}, site:{id}, tenantID, tenantDomain}` serialised with
//! `JSON.stringify(body, null, 2)` and signs the exact bytes:
//! `X-Coral-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, several
//! signatures comma-separated while a secret rotates. The signature is
//! checked against every configured secret before the body is parsed; a
//! request with none that matches gets a 401, a counted log line and no
//! verdict. HMAC comparison is constant-time (`Mac::verify_slice`).
//!
//! | verdict | `status` | `actions` |
//! |---|---|---|
//! | reject, spam or duplicate | `REJECTED` | FLAG `COMMENT_DETECTED_SPAM` |
//! | reject, otherwise | `REJECTED` | FLAG `COMMENT_DETECTED_TOXIC` |
//! | hold, spam, duplicate or links | `SYSTEM_WITHHELD` | FLAG `COMMENT_DETECTED_SPAM` |
//! | hold, abuse | `SYSTEM_WITHHELD` | FLAG `COMMENT_DETECTED_TOXIC` |
//! | hold, off-topic or hold word | `PREMOD` | none |
//! | approve | `NONE` (Coral's own rules still run) | none |

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::http::{error, json};
use super::state::App;
use crate::label::Label;
use crate::moderate::{Action, Verdict};
use crate::Comment;

type HmacSha256 = Hmac<Sha256>;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-coral-signature";

/// Whether `header` holds a valid signature of `body` under one of
/// `secrets`.
pub fn verify_signature(secrets: &[String], header: &str, body: &[u8]) -> bool {
    let sigs: Vec<Vec<u8>> = header
        .split(',')
        .filter_map(|s| s.trim().strip_prefix("sha256="))
        .filter_map(|h| hex::decode(h.trim()).ok())
        .collect();
    let mut ok = false;
    // Every pair is tried, so the time does not depend on which matched.
    for secret in secrets {
        for sig in &sigs {
            let mut mac =
                HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
            mac.update(body);
            ok |= mac.verify_slice(sig).is_ok();
        }
    }
    ok
}

/// Signs `body` as Coral does: `sha256=<hex>`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The comment of a request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoralComment {
    /// Its body (HTML or text, as the phase is set).
    pub body: String,
    /// The comment replied to, or null.
    #[serde(default, rename = "parentID")]
    pub parent_id: Option<String>,
}

/// The author of a request.
#[derive(Debug, Deserialize)]
pub struct CoralAuthor {
    /// User id.
    pub id: String,
    /// Role (`COMMENTER`, `STAFF`, `MODERATOR`, `ADMIN`, …).
    #[serde(default)]
    pub role: Option<String>,
}

/// The story of a request.
#[derive(Debug, Deserialize)]
pub struct CoralStory {
    /// Story id.
    pub id: String,
    /// Story URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// `ExternalModerationRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoralRequest {
    /// `NEW` or `EDIT`.
    pub action: String,
    /// The comment.
    pub comment: CoralComment,
    /// Its author.
    pub author: CoralAuthor,
    /// Its story.
    pub story: CoralStory,
    /// The site.
    #[serde(default)]
    pub site: Option<serde_json::Value>,
    /// The tenant.
    #[serde(default, rename = "tenantID")]
    pub tenant_id: Option<String>,
    /// The tenant's domain.
    #[serde(default)]
    pub tenant_domain: Option<String>,
}

/// Decodes a request body.
pub fn decode(body: &[u8]) -> Result<CoralRequest, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid Coral moderation request: {e}"))
}

/// The answer for a verdict (see the module's table).
pub fn response(v: &Verdict) -> serde_json::Value {
    let rule = |r: &str| v.reasons.iter().any(|x| x.rule == r);
    let spammy = v.label == Label::Spam || rule("duplicate") || rule("links");
    let flag = |reason: &str| serde_json::json!([{"actionType": "FLAG", "reason": reason}]);
    let reason = if spammy {
        "COMMENT_DETECTED_SPAM"
    } else {
        "COMMENT_DETECTED_TOXIC"
    };
    let (status, actions) = match v.action {
        Action::Reject => ("REJECTED", flag(reason)),
        Action::Hold if spammy || v.label == Label::Abuse => ("SYSTEM_WITHHELD", flag(reason)),
        Action::Hold => ("PREMOD", serde_json::json!([])),
        Action::Approve => ("NONE", serde_json::json!([])),
    };
    serde_json::json!({"actions": actions, "status": status, "tags": []})
}

/// `POST /coral/v1/moderate`.
pub async fn moderate(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    let header = h
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if app.cfg.coral_secrets.is_empty() {
        app.metrics.signature_failure();
        return error(
            StatusCode::UNAUTHORIZED,
            "no Coral signing secret is configured (--coral-secret)",
        );
    }
    if header.is_empty() {
        app.metrics.signature_failure();
        return error(StatusCode::UNAUTHORIZED, "missing X-Coral-Signature");
    }
    if !verify_signature(&app.cfg.coral_secrets, header, &body) {
        app.metrics.signature_failure();
        return error(
            StatusCode::UNAUTHORIZED,
            "X-Coral-Signature matches no signing secret",
        );
    }
    let req = match decode(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    if req.comment.body.len() > app.cfg.max_comment_bytes {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "comment body is {} bytes, over the limit of {}",
                req.comment.body.len(),
                app.cfg.max_comment_bytes
            ),
        );
    }
    let id = format!("coral-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let mut c = Comment::new(id, req.comment.body.clone());
    c.author = Some(req.author.id.clone());
    c.article_id = Some(req.story.id.clone());
    c.reply = Some(req.comment.parent_id.is_some());
    let v = app.moderate(&c, req.comment.parent_id.as_deref(), None, false);
    if let Err(r) = super::review::queue::hold(&app, &c, &v, "coral").await {
        return r;
    }
    json(StatusCode::OK, response(&v).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_rotation() {
        let body = b"{\n  \"a\": 1\n}";
        let old = sign("old", body);
        let new = sign("new", body);
        let secrets = vec!["new".to_string()];
        assert!(verify_signature(&secrets, &format!("{old},{new}"), body));
        assert!(verify_signature(&secrets, &new, body));
        assert!(!verify_signature(&secrets, &old, body));
        assert!(!verify_signature(&secrets, &new, b"{\n  \"a\": 2\n}"));
        assert!(!verify_signature(&secrets, "sha256=zz", body));
        assert!(!verify_signature(&secrets, "", body));
    }
}
