#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod atomic;
pub mod classify;
pub mod dedup;
pub mod error;
pub mod features;
pub mod input;
pub mod label;
pub mod logistic;
pub mod model;
pub mod moderate;
pub mod normalize;
pub mod record;
#[cfg(feature = "server")]
pub mod serve;
pub mod spans;
pub mod tokenize;
pub mod train;
pub mod verdict;

#[cfg(test)]
mod classify_reference;
#[cfg(test)]
mod test_texts;

pub use classify::{Classification, Classifier, Comment, Decision, Probabilities, Reason, Scores};
pub use compact_str::CompactString;
pub use dedup::{DupInput, Duplicate, DuplicateDetector, DuplicateKind, DuplicateParams, Scope};
pub use error::{Error, Result};
pub use label::{Example, Label};
pub use model::{Model, Thresholds};
pub use normalize::{normalize, Normalized};
pub use tokenize::{Token, TokenKind, Tokenizer, TokenizerConfig};
pub use train::{Calibration, TrainParams};
