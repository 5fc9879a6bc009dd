#![doc = "comment-sieve"]
#![deny(missing_docs)]

pub mod dedup;
pub mod error;
pub mod normalize;

pub use dedup::{DupInput, Duplicate, DuplicateDetector, DuplicateKind, DuplicateParams, Scope};
pub use error::{Error, Result};
pub use normalize::{normalize, Normalized};
