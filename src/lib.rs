#![doc = "comment-sieve"]
#![deny(missing_docs)]

pub mod error;
pub mod normalize;

pub use error::{Error, Result};
pub use normalize::{normalize, Normalized};
