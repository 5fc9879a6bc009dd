//! `comment-sieve serve`: a moderation service that commenting platforms
//! can point at as they are (feature `server`).
//!
//! - native API under `/v1` ([`native`]): classify, moderate, articles,
//!   feedback, model;
//! - Perspective-compatible `/v1alpha1/comments:analyze` and
//!   `:suggestscore` ([`perspective`]), for Coral's toxicity setting;
//! - Akismet-compatible `/1.1/…` ([`akismet`]), for WordPress and blog
//!   software;
//! - Coral External Moderation `/coral/v1/moderate` ([`coral`]), signed;
//! - the moderators' review page `/review` ([`review`]);
//! - `/healthz`, `/readyz`, `/metrics` ([`metrics`]), `/openapi.json`.
//!
//! State (articles, the feedback log, model snapshots, kept verdicts) is
//! in SQLite under `--state` ([`sqlite`]), behind the [`store::Store`]
//! trait. Every request passes a request id, the log and counters, a
//! timeout (body included: a slow body gets a 408), a concurrency limit,
//! and a body-size limit (413). Without a config file the server listens
//! on loopback only; off loopback it needs API keys.

// Handlers return a refusal as `Err(Response)`: the cold path, where the
// size of the error does not matter.
#![allow(clippy::result_large_err)]

pub mod akismet;
pub mod config;
pub mod coral;
pub mod dedup_log;
pub mod http;
pub mod keys;
pub mod metrics;
pub mod native;
pub mod openapi;
pub mod perspective;
pub mod review;
pub mod sqlite;
pub mod state;
pub mod store;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;

pub use config::{Options, ServeConfig};
pub use state::App;

use crate::error::{Error, Result};

/// Request ids: the process start time and a counter.
#[derive(Clone)]
struct Ids {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl MakeRequestId for Ids {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(app): State<Arc<App>>) -> Response {
    let a = app.clone();
    match http::blocking(move || a.store().feedback_count()).await {
        Ok(_) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "state not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "state not reachable\n").into_response()
        }
    }
}

async fn metrics_page(State(app): State<Arc<App>>) -> Response {
    let mut r = app.metrics.render(app.feedback_events()).into_response();
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

async fn openapi_doc() -> Response {
    http::json(StatusCode::OK, openapi::document().to_string())
}

async fn not_found() -> Response {
    http::error(StatusCode::NOT_FOUND, "no such endpoint")
}

/// The service's routes and layers over `app`.
pub fn router(app: Arc<App>) -> Router {
    let cfg = &app.cfg;
    // A request body may hold one comment and its fields; a classify
    // batch up to max_batch of them.
    let one = cfg.max_comment_bytes + 16 * 1024;
    let batch = one.saturating_mul(cfg.max_batch);
    let ids = Ids {
        prefix: format!("{:x}", sqlite::now_secs()).into(),
        next: Arc::new(AtomicU64::new(1)),
    };
    let routes = Router::new()
        .route(
            "/v1/classify",
            post(native::classify).layer(DefaultBodyLimit::max(batch)),
        )
        .route("/v1/moderate", post(native::moderate))
        .route(
            "/v1/articles/{id}",
            put(native::put_article).delete(native::delete_article),
        )
        .route("/v1/feedback", post(native::feedback))
        .route("/v1/model", get(native::model))
        .route("/v1alpha1/comments:analyze", post(perspective::analyze))
        .route(
            "/v1alpha1/comments:suggestscore",
            post(perspective::suggest),
        )
        .route("/1.1/verify-key", post(akismet::verify_key))
        .route("/1.1/comment-check", post(akismet::comment_check))
        .route("/1.1/submit-spam", post(akismet::submit_spam))
        .route("/1.1/submit-ham", post(akismet::submit_ham))
        .route("/coral/v1/moderate", post(coral::moderate))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_page))
        .route("/openapi.json", get(openapi_doc))
        .merge(review::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(one));
    let timeout = cfg.timeout;
    let concurrency = cfg.concurrency;
    routes
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(ids))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(axum::middleware::from_fn_with_state(
                    app.clone(),
                    metrics::observe,
                ))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    timeout,
                ))
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(concurrency)),
        )
        .with_state(app)
}

/// Serves `app` on `listener` until `shutdown` resolves, then saves a
/// model snapshot.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let sync = {
        let app = app.clone();
        tokio::spawn(async move { background(app).await })
    };
    let r = axum::serve(listener, router(app.clone()))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Error::Service(format!("serving: {e}")));
    sync.abort();
    let a = app.clone();
    http::blocking(move || a.snapshot()).await?;
    r
}

/// Every second: apply feedback other instances logged; every hour: drop
/// kept verdicts past their retention.
async fn background(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut n = 0u64;
    loop {
        tick.tick().await;
        n += 1;
        let a = app.clone();
        let prune = app.cfg.keep_decisions && n % 3600 == 1;
        let r = http::blocking(move || {
            a.sync()?;
            if prune {
                a.prune()?;
            }
            Ok::<_, Error>(())
        })
        .await;
        if let Err(e) = r {
            tracing::error!(error = %e, "syncing with the state failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// Starts the logger (level from `COMMENT_SIEVE_LOG`: error, warn, info,
/// debug; default info), opens the state, binds, prints `listening on
/// http://ADDR` on standard output and serves until SIGINT or SIGTERM.
pub fn run(cfg: ServeConfig) -> Result<()> {
    let level = match std::env::var("COMMENT_SIEVE_LOG").as_deref() {
        Ok("error") => tracing::Level::ERROR,
        Ok("warn") => tracing::Level::WARN,
        Ok("debug") => tracing::Level::DEBUG,
        Ok("trace") => tracing::Level::TRACE,
        _ => tracing::Level::INFO,
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let listen = cfg.listen;
    let keys = cfg.api_keys.len();
    let app = Arc::new(App::open(cfg)?);
    tracing::info!(
        feedback_events = app.feedback_events(),
        api_keys = keys,
        coral_secrets = app.cfg.coral_secrets.len(),
        "state loaded"
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Service(format!("starting the runtime: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Error::Service(format!("cannot listen on {listen}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Service(e.to_string()))?;
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "listening on http://{addr}");
            let _ = out.flush();
        }
        tracing::info!(%addr, "listening");
        serve(app, listener, shutdown_signal()).await
    })
}
