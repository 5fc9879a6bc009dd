//! The service's settings: command-line options, the JSON config file and
//! the environment, merged and checked before anything listens.
//!
//! The config file holds API keys only as SHA-256 digests, so a leaked
//! config does not leak keys; `--api-key` and `COMMENT_SIEVE_API_KEYS`
//! take plain keys for the simple case and hash them at start. Coral
//! signing secrets must stay plain (HMAC needs them).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::keys::{digest, ApiKey};
use crate::error::{Error, Result};
use crate::moderate::Policy;

/// Where plain API keys come from besides `--api-key` (comma-separated).
pub const API_KEYS_ENV: &str = "COMMENT_SIEVE_API_KEYS";
/// Where Coral signing secrets come from besides `--coral-secret`.
pub const CORAL_SECRETS_ENV: &str = "COMMENT_SIEVE_CORAL_SECRETS";

/// The default listen address (loopback).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Command-line options of `comment-sieve serve`, before merging.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--listen`.
    pub listen: Option<String>,
    /// `--state`: the folder of the SQLite state (none: in memory, lost
    /// at exit).
    pub state: Option<PathBuf>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--model` (none: the embedded default model).
    pub model: Option<PathBuf>,
    /// `--api-key`, plain.
    pub api_keys: Vec<String>,
    /// `--coral-secret`.
    pub coral_secrets: Vec<String>,
}

/// One API key as the config file writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// A name for logs and metrics (never the key).
    pub name: String,
    /// Hex SHA-256 of the key (`printf %s KEY | sha256sum`).
    pub sha256: String,
    /// Requests a second this key may make on average (none: unlimited).
    #[serde(default)]
    pub rate_per_second: Option<f64>,
    /// Requests it may make at once above the rate (default: one
    /// second's worth, at least 1).
    #[serde(default)]
    pub burst: Option<f64>,
}

/// The config file (JSON). Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Listen address.
    pub listen: Option<String>,
    /// State folder.
    pub state: Option<PathBuf>,
    /// Model file.
    pub model: Option<PathBuf>,
    /// API keys, hashed.
    #[serde(default)]
    pub api_keys: Vec<KeyEntry>,
    /// Coral External Moderation signing secrets (several while one
    /// rotates).
    #[serde(default)]
    pub coral_secrets: Vec<String>,
    /// Largest comment, in bytes (default 65536).
    pub max_comment_bytes: Option<usize>,
    /// Most comments in one `/v1/classify` call (default 100).
    pub max_batch: Option<usize>,
    /// Request timeout in milliseconds, body included (default 10000).
    pub timeout_ms: Option<u64>,
    /// Requests served at once; more wait (default 1024).
    pub concurrency: Option<usize>,
    /// Keep every verdict in the state (default false).
    pub keep_decisions: Option<bool>,
    /// Days a kept verdict stays (default 30).
    pub decision_retention_days: Option<u64>,
    /// Feedback events between model snapshots (default 1000).
    pub snapshot_every: Option<u64>,
    /// Comments the duplicate index keeps, a rolling window (default
    /// 1,000,000).
    pub duplicate_capacity: Option<usize>,
    /// The moderation policy (default: [`Policy::default`]).
    pub policy: Option<Policy>,
}

/// The merged, checked settings.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Listen address.
    pub listen: SocketAddr,
    /// State folder (none: in-memory state).
    pub state: Option<PathBuf>,
    /// Model file (none: embedded default).
    pub model: Option<PathBuf>,
    /// API keys (empty: no key required; only on loopback).
    pub api_keys: Vec<ApiKey>,
    /// Coral signing secrets.
    pub coral_secrets: Vec<String>,
    /// Largest comment in bytes.
    pub max_comment_bytes: usize,
    /// Most comments per classify call.
    pub max_batch: usize,
    /// Request timeout.
    pub timeout: Duration,
    /// Requests served at once.
    pub concurrency: usize,
    /// Keep verdicts.
    pub keep_decisions: bool,
    /// How long kept verdicts stay.
    pub decision_retention: Duration,
    /// Feedback events between snapshots.
    pub snapshot_every: u64,
    /// Comments the duplicate index keeps.
    pub duplicate_capacity: usize,
    /// Moderation policy.
    pub policy: Policy,
}

impl ServeConfig {
    /// Merges options, the config file and the environment variables
    /// `env` (name → value, as `std::env::var` gives them) and checks the
    /// result: a non-loopback address needs a config file and API keys.
    pub fn from_options(opts: &Options, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let file = match &opts.config {
            Some(p) => read_file(p)?,
            None => FileConfig::default(),
        };
        let listen_s = opts
            .listen
            .clone()
            .or(file.listen.clone())
            .unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen: SocketAddr = listen_s.parse().map_err(|_| {
            Error::Service(format!(
                "--listen {listen_s:?} is not an address:port such as 127.0.0.1:8080"
            ))
        })?;
        let mut api_keys = Vec::new();
        for (i, k) in file.api_keys.iter().enumerate() {
            api_keys.push(ApiKey::from_entry(k).map_err(|reason| {
                Error::Service(format!("config api_keys[{i}] ({:?}): {reason}", k.name))
            })?);
        }
        let plain = split_env(env(API_KEYS_ENV));
        for (i, k) in opts.api_keys.iter().chain(&plain).enumerate() {
            if k.is_empty() {
                return Err(Error::Service("an API key is empty".into()));
            }
            api_keys.push(ApiKey {
                name: format!("key{}", i + 1),
                digest: digest(k),
                rate_per_second: None,
                burst: None,
            });
        }
        let mut coral_secrets = file.coral_secrets.clone();
        coral_secrets.extend(opts.coral_secrets.iter().cloned());
        coral_secrets.extend(split_env(env(CORAL_SECRETS_ENV)));
        if coral_secrets.iter().any(String::is_empty) {
            return Err(Error::Service("a Coral signing secret is empty".into()));
        }
        if !listen.ip().is_loopback() {
            if opts.config.is_none() {
                return Err(Error::Service(format!(
                    "refusing to listen on {listen}, which is not a loopback address, without \
                     --config: write a config file with hashed api_keys (see docs/service.md)"
                )));
            }
            if api_keys.is_empty() {
                return Err(Error::Service(format!(
                    "refusing to listen on {listen}, which is not a loopback address, without \
                     API keys: add api_keys to the config file"
                )));
            }
        }
        let positive = |name: &'static str, v: Option<u64>, default: u64| -> Result<u64> {
            match v {
                Some(0) => Err(Error::InvalidParam {
                    name,
                    value: "0".into(),
                    expected: "at least 1",
                }),
                Some(v) => Ok(v),
                None => Ok(default),
            }
        };
        let policy = file.policy.clone().unwrap_or_default();
        Ok(ServeConfig {
            listen,
            state: opts.state.clone().or(file.state.clone()),
            model: opts.model.clone().or(file.model.clone()),
            api_keys,
            coral_secrets,
            max_comment_bytes: positive(
                "max_comment_bytes",
                file.max_comment_bytes.map(|v| v as u64),
                65536,
            )? as usize,
            max_batch: positive("max_batch", file.max_batch.map(|v| v as u64), 100)? as usize,
            timeout: Duration::from_millis(positive("timeout_ms", file.timeout_ms, 10_000)?),
            concurrency: positive("concurrency", file.concurrency.map(|v| v as u64), 1024)?
                as usize,
            keep_decisions: file.keep_decisions.unwrap_or(false),
            decision_retention: Duration::from_secs(
                86_400 * positive("decision_retention_days", file.decision_retention_days, 30)?,
            ),
            snapshot_every: positive("snapshot_every", file.snapshot_every, 1000)?,
            duplicate_capacity: positive(
                "duplicate_capacity",
                file.duplicate_capacity.map(|v| v as u64),
                1_000_000,
            )? as usize,
            policy,
        })
    }

    /// Settings for tests and embedding: loopback on `listen`, no keys,
    /// in-memory state.
    pub fn local(listen: SocketAddr) -> Self {
        ServeConfig::from_options(
            &Options {
                listen: Some(listen.to_string()),
                ..Options::default()
            },
            |_| None,
        )
        .expect("a loopback address without keys is valid")
    }
}

fn read_file(p: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Service(format!("config file {}: {e}", p.display())))
}

fn split_env(v: Option<String>) -> Vec<String> {
    v.map(|s| {
        s.split(',')
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_loopback_needs_config_and_keys() {
        let opts = Options {
            listen: Some("0.0.0.0:8080".into()),
            api_keys: vec!["k".into()],
            ..Options::default()
        };
        let e = ServeConfig::from_options(&opts, |_| None).unwrap_err();
        assert!(e.to_string().contains("without --config"), "{e}");
        let ok = ServeConfig::from_options(
            &Options {
                listen: Some("127.0.0.1:0".into()),
                ..Options::default()
            },
            |k| (k == API_KEYS_ENV).then(|| "a, b".to_string()),
        )
        .unwrap();
        assert_eq!(ok.api_keys.len(), 2);
    }
}
