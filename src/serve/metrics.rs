//! `/metrics` in the Prometheus text format, and the request log.
//!
//! Counters are atomics in fixed tables (routes × status codes, latency
//! buckets), so counting costs no allocation and no lock on the request
//! path. Each request that fails (status 400 and up) gets one log line
//! with its request id, method, path (never the query: Perspective keys
//! travel in it), status and latency; successes are logged at debug
//! level. Keys and the `Host` header (Akismet keys travel in it) are never
//! logged.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::state::App;
use crate::moderate::Action;

/// The routes counted apart; anything else is `other`.
pub const ROUTES: &[&str] = &[
    "/v1/classify",
    "/v1/moderate",
    "/v1/articles/{id}",
    "/v1/feedback",
    "/v1/model",
    "/v1alpha1/comments:analyze",
    "/v1alpha1/comments:suggestscore",
    "/1.1/verify-key",
    "/1.1/comment-check",
    "/1.1/submit-spam",
    "/1.1/submit-ham",
    "/coral/v1/moderate",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "other",
];

const STATUSES: &[u16] = &[
    200, 204, 400, 401, 403, 404, 405, 408, 413, 415, 422, 429, 500, 503, 0,
];

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

struct RouteStats {
    by_status: Vec<AtomicU64>,
    buckets: Vec<AtomicU64>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Default for RouteStats {
    fn default() -> Self {
        let zeros = |n| (0..n).map(|_| AtomicU64::new(0)).collect();
        RouteStats {
            by_status: zeros(STATUSES.len()),
            buckets: zeros(BUCKETS.len()),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }
}

/// The service's counters.
pub struct Metrics {
    routes: Vec<RouteStats>,
    decisions: [AtomicU64; 3],
    feedback: AtomicU64,
    auth_failures: AtomicU64,
    signature_failures: AtomicU64,
    started: Instant,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            routes: ROUTES.iter().map(|_| RouteStats::default()).collect(),
            decisions: Default::default(),
            feedback: AtomicU64::new(0),
            auth_failures: AtomicU64::new(0),
            signature_failures: AtomicU64::new(0),
            started: Instant::now(),
        }
    }
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, secs: f64) {
        let r = ROUTES
            .iter()
            .position(|x| *x == route)
            .unwrap_or(ROUTES.len() - 1);
        let s = STATUSES
            .iter()
            .position(|x| *x == status)
            .unwrap_or(STATUSES.len() - 1);
        let st = &self.routes[r];
        st.by_status[s].fetch_add(1, Ordering::Relaxed);
        if let Some(b) = BUCKETS.iter().position(|b| secs <= *b) {
            st.buckets[b].fetch_add(1, Ordering::Relaxed);
        }
        st.sum_micros
            .fetch_add((secs * 1e6) as u64, Ordering::Relaxed);
        st.count.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a verdict.
    pub fn decision(&self, a: Action) {
        let i = match a {
            Action::Approve => 0,
            Action::Hold => 1,
            Action::Reject => 2,
        };
        self.decisions[i].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts applied feedback events.
    pub fn feedback(&self, n: u64) {
        self.feedback.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts a request refused for its key.
    pub fn auth_failure(&self) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a Coral request refused for its signature.
    pub fn signature_failure(&self) {
        self.signature_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition; `model_events` is the model's
    /// feedback event count.
    pub fn render(&self, model_events: u64) -> String {
        let mut o = String::with_capacity(8192);
        o.push_str("# HELP comment_sieve_requests_total HTTP requests by route and status.\n");
        o.push_str("# TYPE comment_sieve_requests_total counter\n");
        for (route, st) in ROUTES.iter().zip(&self.routes) {
            for (code, n) in STATUSES.iter().zip(&st.by_status) {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let code = if *code == 0 {
                        "other".into()
                    } else {
                        code.to_string()
                    };
                    let _ = writeln!(
                        o,
                        "comment_sieve_requests_total{{route=\"{route}\",status=\"{code}\"}} {n}"
                    );
                }
            }
        }
        o.push_str("# HELP comment_sieve_request_duration_seconds Request latency by route.\n");
        o.push_str("# TYPE comment_sieve_request_duration_seconds histogram\n");
        for (route, st) in ROUTES.iter().zip(&self.routes) {
            let count = st.count.load(Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            let mut cum = 0;
            for (b, n) in BUCKETS.iter().zip(&st.buckets) {
                cum += n.load(Ordering::Relaxed);
                let _ = writeln!(
                    o,
                    "comment_sieve_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {cum}"
                );
            }
            let _ = writeln!(
                o,
                "comment_sieve_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let sum = st.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                o,
                "comment_sieve_request_duration_seconds_sum{{route=\"{route}\"}} {sum}"
            );
            let _ = writeln!(
                o,
                "comment_sieve_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        o.push_str("# HELP comment_sieve_decisions_total Verdicts by action.\n");
        o.push_str("# TYPE comment_sieve_decisions_total counter\n");
        for (a, n) in ["approve", "hold", "reject"].iter().zip(&self.decisions) {
            let _ = writeln!(
                o,
                "comment_sieve_decisions_total{{action=\"{a}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        let counters = [
            (
                "comment_sieve_feedback_events_total",
                "Feedback events applied since start (this instance's and replayed).",
                self.feedback.load(Ordering::Relaxed),
            ),
            (
                "comment_sieve_auth_failures_total",
                "Requests refused for a missing, wrong or rate-limited key.",
                self.auth_failures.load(Ordering::Relaxed),
            ),
            (
                "comment_sieve_coral_signature_failures_total",
                "Coral requests refused for a missing or wrong signature.",
                self.signature_failures.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
        }
        let _ = writeln!(
            o,
            "# HELP comment_sieve_model_feedback_events Feedback events in the model.\n\
             # TYPE comment_sieve_model_feedback_events gauge\n\
             comment_sieve_model_feedback_events {model_events}"
        );
        let _ = writeln!(
            o,
            "# HELP comment_sieve_uptime_seconds Seconds since start.\n\
             # TYPE comment_sieve_uptime_seconds gauge\n\
             comment_sieve_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        o
    }
}

/// Middleware: counts and times every request, logs failures.
pub async fn observe(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let method = req.method().clone();
    // The path only: a query can carry a key.
    let path = req.uri().path().to_string();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    app.metrics
        .observe(route.as_deref().unwrap_or("other"), status, secs);
    let why = res.extensions().get::<Why>().map_or("", |w| w.0.as_str());
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %path, status, ms = secs * 1e3, why, "request failed");
    } else if status >= 400 {
        tracing::warn!(request_id = %id, %method, %path, status, ms = secs * 1e3, why, "request refused");
    } else {
        tracing::debug!(request_id = %id, %method, %path, status, ms = secs * 1e3, "request");
    }
    res
}

/// Why a request was refused, attached to its response for the log line
/// (never holds a key).
#[derive(Debug, Clone)]
pub struct Why(pub String);
