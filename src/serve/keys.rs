//! API keys and per-key rate limits.
//!
//! Keys are kept as SHA-256 digests. A presented key is hashed and compared
//! with every configured digest in constant time (the loop does not stop at
//! a match), so timing tells nothing about which key, or how much of one,
//! matched. Keys never reach a log line: requests are logged by key *name*.

use std::sync::Mutex;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::config::KeyEntry;

/// SHA-256 of `key`.
pub fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// One configured key.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// Its name in logs and metrics.
    pub name: String,
    /// SHA-256 of the key.
    pub digest: [u8; 32],
    /// Average requests a second allowed (none: unlimited).
    pub rate_per_second: Option<f64>,
    /// Requests allowed at once above the rate.
    pub burst: Option<f64>,
}

impl ApiKey {
    /// A key from a config entry (the digest must be 64 hex digits).
    pub fn from_entry(e: &KeyEntry) -> std::result::Result<Self, String> {
        let bytes =
            hex::decode(e.sha256.trim()).map_err(|_| "sha256 is not hexadecimal".to_string())?;
        let digest: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "sha256 is not 64 hex digits".to_string())?;
        if let Some(r) = e.rate_per_second {
            if !(r.is_finite() && r > 0.0) {
                return Err(format!("rate_per_second {r} is not a positive number"));
            }
        }
        Ok(ApiKey {
            name: e.name.clone(),
            digest,
            rate_per_second: e.rate_per_second,
            burst: e.burst,
        })
    }
}

/// What a request's key turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// No keys are configured: every request is let in.
    Open,
    /// A configured key (its index).
    Valid(usize),
    /// No key was presented.
    Missing,
    /// A key that is not configured.
    Invalid,
    /// A valid key over its rate limit.
    Limited(usize),
}

impl KeyCheck {
    /// Whether the request may go on.
    pub fn allowed(self) -> bool {
        matches!(self, KeyCheck::Open | KeyCheck::Valid(_))
    }
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// The configured keys with their token buckets.
pub struct Keys {
    keys: Vec<ApiKey>,
    buckets: Vec<Mutex<Bucket>>,
}

impl Keys {
    /// Keys and full buckets.
    pub fn new(keys: Vec<ApiKey>) -> Self {
        let now = Instant::now();
        let buckets = keys
            .iter()
            .map(|k| {
                Mutex::new(Bucket {
                    tokens: burst(k),
                    last: now,
                })
            })
            .collect();
        Keys { keys, buckets }
    }

    /// Whether any key is configured.
    pub fn required(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The name of key `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.keys[i].name
    }

    /// Checks a presented key (and takes a token from its bucket).
    pub fn check(&self, presented: Option<&str>) -> KeyCheck {
        if self.keys.is_empty() {
            return KeyCheck::Open;
        }
        let Some(p) = presented.filter(|p| !p.is_empty()) else {
            return KeyCheck::Missing;
        };
        let d = digest(p);
        let mut found = usize::MAX;
        for (i, k) in self.keys.iter().enumerate() {
            let diff = k
                .digest
                .iter()
                .zip(&d)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            // Branch-free select: keeps the first match.
            let hit = usize::from(diff == 0) & usize::from(found == usize::MAX);
            found = found * (1 - hit) + i * hit;
        }
        if found == usize::MAX {
            return KeyCheck::Invalid;
        }
        if self.take(found) {
            KeyCheck::Valid(found)
        } else {
            KeyCheck::Limited(found)
        }
    }

    /// Takes a token for key `i`; false when its bucket is empty.
    fn take(&self, i: usize) -> bool {
        let Some(rate) = self.keys[i].rate_per_second else {
            return true;
        };
        let mut b = self.buckets[i].lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let cap = burst(&self.keys[i]);
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(cap);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn burst(k: &ApiKey) -> f64 {
    k.burst
        .unwrap_or_else(|| k.rate_per_second.unwrap_or(1.0))
        .max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, k: &str, rate: Option<f64>) -> ApiKey {
        ApiKey {
            name: name.into(),
            digest: digest(k),
            rate_per_second: rate,
            burst: Some(2.0),
        }
    }

    #[test]
    fn keys_are_checked_and_limited() {
        let keys = Keys::new(vec![key("a", "alpha", None), key("b", "beta", Some(0.001))]);
        assert_eq!(keys.check(Some("alpha")), KeyCheck::Valid(0));
        assert_eq!(keys.check(Some("beta")), KeyCheck::Valid(1));
        assert_eq!(keys.check(Some("beta")), KeyCheck::Valid(1));
        assert_eq!(keys.check(Some("beta")), KeyCheck::Limited(1));
        assert_eq!(keys.check(Some("gamma")), KeyCheck::Invalid);
        assert_eq!(keys.check(None), KeyCheck::Missing);
        assert_eq!(Keys::new(vec![]).check(None), KeyCheck::Open);
    }
}
