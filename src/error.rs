//! The crate's one error type.
//!
//! Verdicts are data, not errors: classifying a comment never fails. Errors
//! come from files (models, indexes, data sets), from parameters that fail
//! validation, and from training data that cannot train a model.

use std::path::PathBuf;

/// Everything that can go wrong in comment-sieve.
///
/// Messages name the file, line, field and value involved and say how to
/// recover where there is a way.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A model or index file is not usable: wrong magic, another format
    /// version, truncated, altered (checksum mismatch) or inconsistent.
    #[error("invalid {what} file{}: {reason}", at_path(.path))]
    InvalidFile {
        /// "model" or "duplicate index".
        what: &'static str,
        /// The file, when it was read from one.
        path: Option<PathBuf>,
        /// What is wrong, with the values found.
        reason: String,
    },

    /// A parameter is out of its range.
    #[error("invalid parameter `{name}` = {value}: {expected}")]
    InvalidParam {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: String,
        /// The accepted range.
        expected: &'static str,
    },

    /// A record of a data file is unusable.
    #[error("{source_name}:{line}: {reason}")]
    InvalidRecord {
        /// The file (or `<stdin>`).
        source_name: String,
        /// 1-based line (JSONL) or record (CSV) number.
        line: u64,
        /// What is wrong, naming the field and value.
        reason: String,
    },

    /// The training examples cannot train the requested model.
    #[error("cannot train: {0}")]
    Training(String),

    /// The service's durable state (its SQLite database) failed.
    #[error("state storage: {0}")]
    Storage(String),

    /// The service cannot start as configured (a bad config file or
    /// option, an unsafe listen address, a port in use).
    #[error("service: {0}")]
    Service(String),

    /// linfa-bayes reported an error.
    #[error("naive Bayes: {0}")]
    NaiveBayes(#[from] linfa_bayes::NaiveBayesError),
}

fn at_path(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!(" {}", p.display()),
        None => String::new(),
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
