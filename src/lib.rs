//! Moderates reader comments on news sites: spam, abuse and off-topic
//! comments, duplicates, and the policy that decides what is posted.
//!
//! # Primary types
//!
//! - [`Classifier`]: a trained model that classifies a [`Comment`]; the
//!   default one is embedded in the crate.
//! - [`Classification`]: what it says of one comment: the [`Label`], the
//!   [`Scores`] and the [`Reason`]s (tokens and their weights).
//! - [`Label`]: `Spam`, `Abuse`, `OffTopic` or `OnTopic`.
//! - [`Scores`]: calibrated probabilities (`spam`, `toxicity`,
//!   `identity_attack`, `abuse`, `off_topic`).
//! - [`moderate::Moderator`]: the classifier, the comment's relevance to
//!   its article and the duplicate check, under a [`moderate::Policy`].
//! - [`moderate::Verdict`]: the moderator's answer: the action (approve,
//!   hold, reject), the label, the scores and the reasons.
//! - [`DuplicateDetector`]: finds the earliest stored comment a new one
//!   repeats (built from [`DuplicateParams`]), as a [`Duplicate`].
//! - [`Correction`]: what a moderator says of one comment (spam or not,
//!   toxic or not, ...), which [`Classifier::learn`] learns in place.
//! - [`TrainParams`]: the settings of [`Classifier::train`] on your own
//!   [`Example`]s.
//! - [`Error`]: the one error type; [`Result`] is its result.
//!
//! # Examples
//!
//! Classify one comment with the embedded default model:
//!
//! ```
//! use comment_sieve::{Classifier, Comment, Label};
//!
//! let clf = Classifier::default();
//! let v = clf.classify(&Comment::new("c1", "Check out my channel and subscribe!"));
//! assert_eq!(v.label, Label::Spam);
//! assert!(v.scores.spam > 0.5);
//! ```
//!
//! Train a model on labeled comments, save it and load it back:
//!
//! ```
//! use comment_sieve::{Classifier, Comment, Example, Label, TrainParams};
//!
//! let mut examples = Vec::new();
//! for i in 0..10 {
//!     examples.push(Example::labeled(format!("win cash now at prize-site {i}"), Label::Spam));
//!     examples.push(Example::labeled(format!("the bridge repairs in report {i} are late"), Label::OnTopic));
//! }
//! let clf = Classifier::train(&TrainParams::default(), &examples)?;
//! let path = std::env::temp_dir().join(format!("comment-sieve-doc-{}.csm", std::process::id()));
//! clf.save(&path)?;
//! let loaded = Classifier::load(&path)?;
//! std::fs::remove_file(&path).ok();
//! let c = Comment::new("c1", "win cash now at prize-site 99");
//! assert_eq!(loaded.classify(&c).label, clf.classify(&c).label);
//! # Ok::<(), comment_sieve::Error>(())
//! ```
//!
//! Check comments for duplicates, in the order they arrive:
//!
//! ```
//! use comment_sieve::{DupInput, DuplicateKind, DuplicateParams};
//!
//! let mut dups = DuplicateParams::default().build()?;
//! let first = "The new bus lanes cut my commute by ten minutes, whatever the council says.";
//! assert!(dups.check_and_insert(&DupInput::new("c1", first)).is_none());
//! let again = dups.check_and_insert(&DupInput::new("c2", first)).expect("a repeat");
//! assert_eq!(again.of, "c1");
//! assert_eq!(again.kind, DuplicateKind::Exact);
//! # Ok::<(), comment_sieve::Error>(())
//! ```
//!
//! # More
//!
//! The README (in the repository and on the crate's page) covers the
//! command line, the moderation service and the measured accuracy;
//! DESIGN.md walks through the pipeline module by module: normalization
//! ([`normalize`](mod@normalize)), tokens ([`tokenize`]), features and the
//! abuse heads' character n-grams (internal), the model ([`model`]),
//! training ([`train`]), duplicates ([`dedup`]) and moderation
//! ([`moderate`]).
#![deny(missing_docs)]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod analysis;
pub mod atomic;
mod chargrams;
mod classify;
pub mod dedup;
mod error;
mod features;
pub mod input;
mod label;
mod logistic;
pub mod model;
pub mod moderate;
pub mod normalize;
pub mod record;
#[cfg(feature = "server")]
pub mod serve;
pub mod spans;
pub mod tokenize;
pub mod train;
mod verdict;

#[cfg(test)]
mod classify_reference;
#[cfg(test)]
mod test_texts;

pub use classify::{Classification, Classifier, Comment, Decision, Probabilities, Reason, Scores};
pub use dedup::{DupInput, Duplicate, DuplicateDetector, DuplicateKind, DuplicateParams, Scope};
pub use error::{Error, Result};
pub use features::FeatureConfig;
pub use label::{Example, Label};
pub use model::{Correction, Model, Thresholds};
pub use normalize::{normalize, Normalized};
pub use tokenize::{Token, TokenKind, Tokenizer, TokenizerConfig};
pub use train::{Calibration, TrainParams};
