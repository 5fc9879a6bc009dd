//! Moderators' sessions and CSRF tokens.
//!
//! A moderator logs in with one of the server's API keys. The server then
//! sets cookie `cs_review`: a random 256-bit token (`HttpOnly`,
//! `SameSite=Strict`, `Path=/review`, `Secure` behind an HTTPS proxy that
//! sends `X-Forwarded-Proto: https`), never the key. The state keeps only
//! the token's SHA-256 with the session's expiry ([`SESSION_SECS`]) and
//! its CSRF token, so a copy of the database does not hand out sessions.
//!
//! Every form carries the session's CSRF token (random, 256 bits); a
//! decision whose token is missing or differs (compared in constant time)
//! is refused with a 403. The login form itself, before any session,
//! carries a token that must match cookie `cs_login` (double submit).
//!
//! Without configured keys (a loopback-only development server) a visit
//! to `/review` opens a session without asking for a key; CSRF checks
//! still apply.

use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

use crate::serve::sqlite::now_secs;
use crate::serve::state::App;

/// The session cookie's name.
pub const COOKIE: &str = "cs_review";

/// The login form's CSRF cookie.
pub const LOGIN_COOKIE: &str = "cs_login";

/// A session lasts 12 hours.
pub const SESSION_SECS: i64 = 12 * 3600;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the cookie's token.
    pub token_sha256: [u8; 32],
    /// The CSRF token of its forms (64 hex digits).
    pub csrf: String,
    /// The key's name (or `loopback` without keys).
    pub who: String,
    /// When it ends (Unix seconds).
    pub expires: i64,
}

/// A random 256-bit token as 64 hex digits.
pub fn token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system's random source works");
    hex::encode(b)
}

/// SHA-256 of a token.
pub fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether two strings are equal, in time that depends on their lengths
/// only.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'h>(h: &'h HeaderMap, name: &str) -> Option<&'h str> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request came through an HTTPS proxy.
fn secure(h: &HeaderMap) -> bool {
    h.get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value for `name=value` under `/review`, kept `max_age`
/// seconds (0: removed).
pub fn set_cookie(h: &HeaderMap, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let s = if secure(h) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path=/review; Max-Age={max_age}{s}"
    ))
    .expect("cookie values are hex digits")
}

/// The request's session, when its cookie names an unexpired one.
/// Blocking (SQLite).
pub fn find(app: &App, h: &HeaderMap) -> crate::Result<Option<SessionRow>> {
    match cookie(h, COOKIE) {
        Some(t) if t.len() == 64 => app.store().session_get(&digest(t)),
        _ => Ok(None),
    }
}

/// Opens a session for `who`; its cookie token and row. Blocking.
pub fn open(app: &App, who: &str) -> crate::Result<(String, SessionRow)> {
    let t = token();
    let row = SessionRow {
        token_sha256: digest(&t),
        csrf: token(),
        who: who.to_string(),
        expires: now_secs() + SESSION_SECS,
    };
    app.store().session_put(&row)?;
    Ok((t, row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_cookies() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[..63]));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("x=1; cs_review=abc; cs_login=def"),
        );
        assert_eq!(cookie(&h, COOKIE), Some("abc"));
        assert_eq!(cookie(&h, LOGIN_COOKIE), Some("def"));
        assert_eq!(cookie(&h, "y"), None);
        let c = set_cookie(&h, COOKIE, "abc", 60);
        assert_eq!(
            c.to_str().unwrap(),
            "cs_review=abc; HttpOnly; SameSite=Strict; Path=/review; Max-Age=60"
        );
    }
}
