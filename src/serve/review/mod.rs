//! The moderator's review page at `/review`: the queue of held comments
//! with the words that made the model hesitate highlighted, one-click
//! decisions that are the model's feedback, and a small dashboard.
//!
//! - [`queue`]: what is queued (every `hold` verdict, committed before it
//!   is answered) and what a decision sends as feedback;
//! - [`session`]: login with an API key, session cookies, CSRF tokens;
//! - [`sql`]: the tables;
//! - [`page`], [`text`], [`charts`]: the HTML (maud, escaped), the
//!   highlighted text and the dashboard's SVG charts.
//!
//! A decision goes through the same durable feedback path as
//! `/v1/feedback` ([`crate::serve::native::submit`]): logged and committed,
//! applied to the model, then the row leaves the queue. The page's
//! stylesheet and script are compiled into the binary, so it works with no
//! network.

pub mod charts;
pub mod page;
pub mod queue;
pub mod session;
pub mod sql;
pub mod text;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

use super::http::{blocking, check_key, json, storage_error, why};
use super::keys::KeyCheck;
use super::sqlite::now_secs;
use super::state::App;
use super::store::FeedbackEvent;
use queue::{feedback_kind, Decision, Filter, KEEP_DECIDED_SECS};
use session::SessionRow;

/// The page's stylesheet.
const CSS: &str = include_str!("assets/app.css");
/// The page's script: keyboard shortcuts and decisions without reloading.
const JS: &str = include_str!("assets/app.js");
/// The page's icon.
const ICON: &str = include_str!("assets/icon.svg");

/// Held while a decision is checked, sent as feedback and recorded.
static DECIDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Rows shown at most.
const PAGE_ROWS: usize = 100;

/// Held comments of the last day the score histograms count at most.
const HISTOGRAM_ROWS: usize = 5000;

/// Content Security Policy of every page: only this server's own script
/// and stylesheet, no inline script, no frames, forms only to itself.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The review page's routes (merged into the service's router).
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/review", get(index))
        .route("/review/login", post(login))
        .route("/review/logout", post(logout))
        .route("/review/decide", post(decide))
        .route("/review/app.css", get(css))
        .route("/review/app.js", get(js))
        .route("/review/icon.svg", get(icon))
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

async fn icon() -> Response {
    asset(ICON, "image/svg+xml")
}

/// An HTML answer with the page's security headers.
fn html(status: StatusCode, m: Markup) -> Response {
    let mut r = (status, m.into_string()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// A 403 page.
fn forbidden(message: &str) -> Response {
    why(
        html(StatusCode::FORBIDDEN, page::refusal(message)),
        message.to_string(),
    )
}

/// A redirect after a form (303: the browser follows with a GET).
fn see_other(to: &str, cookies: &[HeaderValue]) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    h.insert(
        header::LOCATION,
        HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/review")),
    );
    for c in cookies {
        h.append(header::SET_COOKIE, c.clone());
    }
    r
}

/// Whether the server asks for a key (it has some configured).
fn keyed(app: &App) -> bool {
    !app.cfg.api_keys.is_empty()
}

/// A form or query's fields (the last value of a repeated name).
fn fields(raw: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// The listing filter of a query.
fn filter(q: &HashMap<String, String>) -> Filter {
    let get = |k: &str| q.get(k).filter(|v| !v.is_empty()).cloned();
    Filter {
        article: get("article"),
        attribute: get("attribute"),
        action: get("action"),
        comment: get("comment"),
        limit: PAGE_ROWS,
    }
}

/// A filter as a query string (empty values left out).
fn query_of(f: &Filter) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("article", &f.article),
        ("attribute", &f.attribute),
        ("action", &f.action),
        ("comment", &f.comment),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// `GET /review`: the login form, or the queue.
async fn index(State(app): State<Arc<App>>, h: HeaderMap, uri: Uri) -> Response {
    let q = fields(uri.query().unwrap_or_default().as_bytes());
    let f = filter(&q);
    let a = app.clone();
    let r = blocking(move || -> crate::Result<Response> {
        let mut cookies = Vec::new();
        let s = match session::find(&a, &h)? {
            Some(s) => s,
            None if !keyed(&a) => {
                let (t, s) = session::open(&a, "loopback")?;
                cookies.push(session::set_cookie(
                    &h,
                    session::COOKIE,
                    &t,
                    session::SESSION_SECS,
                ));
                s
            }
            None => {
                let csrf = session::token();
                let mut r = html(StatusCode::OK, page::login(&csrf, None));
                r.headers_mut().append(
                    header::SET_COOKIE,
                    session::set_cookie(&h, session::LOGIN_COOKIE, &csrf, 3600),
                );
                return Ok(r);
            }
        };
        let view = queue_view(&a, &s, f)?;
        let mut r = html(StatusCode::OK, page::queue(&view));
        for c in cookies {
            r.headers_mut().append(header::SET_COOKIE, c);
        }
        Ok(r)
    })
    .await;
    r.unwrap_or_else(|e| storage_error(&e))
}

/// Everything the queue page shows. Blocking.
fn queue_view(app: &App, s: &SessionRow, filter: Filter) -> crate::Result<page::QueueView> {
    let store = app.store();
    let mut titles: HashMap<String, Option<String>> = HashMap::new();
    let mut title = |id: &str| -> crate::Result<Option<String>> {
        if let Some(t) = titles.get(id) {
            return Ok(t.clone());
        }
        let t = store.article_title(id)?;
        titles.insert(id.to_string(), t.clone());
        Ok(t)
    };
    let mut items = Vec::new();
    for item in store.review_list(&filter)? {
        let record: serde_json::Value =
            serde_json::from_str(&item.new.record).unwrap_or(serde_json::Value::Null);
        let t = match &item.new.article_id {
            Some(a) => title(a)?,
            None => None,
        };
        let duplicate_text = record["duplicate_of"]["id"]
            .as_str()
            .and_then(|id| app.recent_text(id));
        items.push(page::ItemView {
            item,
            record,
            title: t,
            duplicate_text,
        });
    }
    let mut articles = Vec::new();
    for id in store.review_articles()? {
        let t = title(&id)?;
        articles.push((id, t));
    }
    Ok(page::QueueView {
        who: s.who.clone(),
        open: !keyed(app),
        csrf: s.csrf.clone(),
        back: query_of(&filter),
        filter,
        items,
        pending: store.review_pending()?,
        articles,
        dashboard: dashboard(app)?,
    })
}

/// The dashboard: decisions per hour over the last day, and the spam and
/// abuse score histograms of the comments held in the last day with each
/// hold band (from the hold threshold to the reject threshold). Blocking.
fn dashboard(app: &App) -> crate::Result<Markup> {
    let now = now_secs();
    let since = now - 24 * 3600;
    let store = app.store();
    let hours = charts::per_hour(&store.review_decision_times(since)?, now);
    let records: Vec<serde_json::Value> = store
        .review_records(since, HISTOGRAM_ROWS)?
        .iter()
        .filter_map(|r| serde_json::from_str(r).ok())
        .collect();
    let t = app.read(|m| m.policy().thresholds(m.classifier().model()));
    let score = |name: &str| -> Vec<f64> {
        records
            .iter()
            .filter_map(|r| r["scores"][name].as_f64())
            .collect()
    };
    Ok(maud::html! {
        div.charts {
            (charts::decisions_chart(&hours))
            (charts::histogram("spam (held, 24 h)", &charts::bins(&score("spam")), (t.spam_hold, t.spam_reject)))
            (charts::histogram("abuse (held, 24 h)", &charts::bins(&score("abuse")), (t.abuse_hold, t.abuse_reject)))
        }
    })
}

/// `POST /review/login`: `csrf` (matching the login cookie) and `key`.
async fn login(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    let f = fields(&body);
    let sent = f.get("csrf").map(String::as_str).unwrap_or_default();
    let expected = session::cookie(&h, session::LOGIN_COOKIE).unwrap_or_default();
    if expected.len() != 64 || !session::same(sent, expected) {
        return forbidden(
            "The login form expired or did not come from this page. Reload it and try again.",
        );
    }
    let who = match check_key(&app, f.get("key").map(String::as_str)) {
        KeyCheck::Valid(i) => app.keys.name(i).to_string(),
        KeyCheck::Open => "loopback".to_string(),
        KeyCheck::Limited(_) => {
            return why(
                html(
                    StatusCode::TOO_MANY_REQUESTS,
                    page::login(
                        expected,
                        Some("Too many attempts with this key; wait a moment."),
                    ),
                ),
                "login over the key's rate",
            )
        }
        KeyCheck::Missing | KeyCheck::Invalid => {
            return why(
                html(
                    StatusCode::UNAUTHORIZED,
                    page::login(expected, Some("That is not one of this server's API keys.")),
                ),
                "login with a wrong key",
            )
        }
    };
    let a = app.clone();
    match blocking(move || session::open(&a, &who)).await {
        Ok((t, _)) => see_other(
            "/review",
            &[
                session::set_cookie(&h, session::COOKIE, &t, session::SESSION_SECS),
                session::set_cookie(&h, session::LOGIN_COOKIE, "", 0),
            ],
        ),
        Err(e) => storage_error(&e),
    }
}

/// The session of a form post whose `csrf` field matches it: the
/// session, or the 403 to answer. Blocking.
fn checked(app: &App, h: &HeaderMap, f: &HashMap<String, String>) -> Result<SessionRow, Response> {
    let s = match session::find(app, h) {
        Ok(Some(s)) => s,
        Ok(None) => {
            return Err(forbidden(
                "Not logged in (or the session expired). Log in again.",
            ))
        }
        Err(e) => return Err(storage_error(&e)),
    };
    match f.get("csrf") {
        Some(t) if session::same(t, &s.csrf) => Ok(s),
        _ => Err(forbidden(
            "The form's CSRF token is missing or wrong. Reload the page.",
        )),
    }
}

/// `POST /review/logout`.
async fn logout(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    let f = fields(&body);
    let a = app.clone();
    let h2 = h.clone();
    let r = blocking(move || {
        let s = checked(&a, &h2, &f)?;
        a.store()
            .session_delete(&s.token_sha256)
            .map_err(|e| storage_error(&e))
    })
    .await;
    match r {
        Ok(()) => see_other(
            "/review",
            &[session::set_cookie(&h, session::COOKIE, "", 0)],
        ),
        Err(r) => r,
    }
}

/// Whether the page's script sent the form (it asks for JSON).
fn wants_json(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// A way back to the queue with a filter query made only of the
/// characters a query string encodes to (no other place can be named).
fn back_to(back: Option<&String>) -> String {
    match back {
        Some(b)
            if !b.is_empty()
                && b.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"%+=&_.-*".contains(&c)) =>
        {
            format!("/review?{b}")
        }
        _ => "/review".to_string(),
    }
}

/// `POST /review/decide`: `csrf`, `id`, `decision` (`approve`, `reject`,
/// `spam`, `not_abuse`), `back`. The feedback is committed and applied
/// before the row leaves the queue; a row decided already is a 409.
async fn decide(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    let f = fields(&body);
    // One decision at a time: two moderators clicking the same comment
    // send its feedback once.
    let _one = DECIDING.lock().await;
    let a = app.clone();
    let (h2, f2) = (h.clone(), f.clone());
    let found = blocking(move || {
        checked(&a, &h2, &f2)?;
        let id: i64 = f2.get("id").and_then(|v| v.parse().ok()).unwrap_or(-1);
        a.store().review_get(id).map_err(|e| storage_error(&e))
    })
    .await;
    let item = match found {
        Ok(Some(i)) => i,
        Ok(None) => return super::http::error(StatusCode::NOT_FOUND, "no such queued comment"),
        Err(r) => return r,
    };
    let Some(d) = f.get("decision").and_then(|d| Decision::parse(d)) else {
        return super::http::error(
            StatusCode::BAD_REQUEST,
            "field `decision` must be approve, reject, spam or not_abuse",
        );
    };
    if item.decision.is_some() {
        return super::http::error(StatusCode::CONFLICT, "this comment was decided already");
    }
    let label = serde_json::from_str::<serde_json::Value>(&item.new.record)
        .ok()
        .and_then(|r| r["label"].as_str().map(String::from))
        .unwrap_or_default();
    let n = &item.new;
    let event = FeedbackEvent {
        kind: feedback_kind(d, &n.attribute, &label),
        text: n.text.clone(),
        id: (!n.comment_id.is_empty()).then(|| n.comment_id.clone()),
        author: n.author.clone(),
        article_id: n.article_id.clone(),
        parent_id: None,
        source: "review".into(),
    };
    let (_, events) = match super::native::submit(&app, event).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let a = app.clone();
    let id = item.id;
    let r = blocking(move || {
        let now = now_secs();
        a.store()
            .review_decide(id, d.as_str(), now, now - KEEP_DECIDED_SECS)?;
        a.store().review_pending()
    })
    .await;
    let pending = match r {
        Ok(p) => p,
        Err(e) => return storage_error(&e),
    };
    if wants_json(&h) {
        json(
            StatusCode::OK,
            serde_json::json!({
                "id": id, "decision": d.as_str(), "pending": pending, "feedback_events": events
            })
            .to_string(),
        )
    } else {
        see_other(&back_to(f.get("back")), &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ways_back_stay_on_the_page() {
        let f = filter(&fields(b"article=a%20b&attribute=spam&action=&x=1"));
        assert_eq!(f.article.as_deref(), Some("a b"));
        assert_eq!(f.action, None);
        let q = query_of(&f);
        assert_eq!(q, "article=a+b&attribute=spam");
        assert_eq!(back_to(Some(&q)), "/review?article=a+b&attribute=spam");
        assert_eq!(back_to(Some(&"//evil.example/".to_string())), "/review");
        assert_eq!(back_to(Some(&"a=1\r\nx".to_string())), "/review");
        assert_eq!(back_to(None), "/review");
    }
}
