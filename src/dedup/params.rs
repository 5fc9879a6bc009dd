//! [`DuplicateParams`]: the detector's parameters and their validation.

use super::{DuplicateDetector, Scope};
use crate::{Error, Result};

/// Parameters of a [`DuplicateDetector`], set with a consuming builder and
/// checked once by [`build`](Self::build).
///
/// ```
/// use comment_sieve::dedup::{DuplicateParams, Scope};
/// let detector = DuplicateParams::default()
///     .near_threshold(0.8)
///     .capacity(100_000)
///     .scope(Scope::Thread)
///     .build()?;
/// assert!(detector.is_empty());
/// # Ok::<(), comment_sieve::Error>(())
/// ```
///
/// | Name | Default | Meaning | Range |
/// |---|---|---|---|
/// | `near_threshold` | 0.6 | resemblance (Jaccard of the sets of `near_shingle_size`-word shingles, by default of words) from which a comment is a [`Near`](super::DuplicateKind::Near) duplicate | (0, 1] |
/// | `partial_threshold` | 0.8 | share of the new comment's shingles found in one earlier, at least as long comment from which it is a [`Partial`](super::DuplicateKind::Partial) duplicate | (0, 1] |
/// | `template_threshold` | 0.25 | resemblance from which a comment by the same author linking to the same host is a [`Template`](super::DuplicateKind::Template) duplicate | (0, `near_threshold`] |
/// | `shingle_size` | 3 | words per shingle for containment (`Partial`) and for the index | 1 ..= 8 |
/// | `near_shingle_size` | 1 | words per shingle for resemblance (`Near`, `Template`): 1 compares sets of words, which tolerates replaced words | 1 ..= 8 |
/// | `winnow_window` | 4 | winnowing window: any run of this many consecutive shingles shared with a stored comment finds it | 1 ..= 64 |
/// | `min_postings` | 4 | the smallest shingle hashes of each comment always indexed, on top of winnowing | 0 ..= 64 |
/// | `max_postings` | 64 | most shingle keys indexed per comment (long comments keep their smallest) | 1 ..= 1024 |
/// | `sketch_size` | 32 | shingle fingerprints kept per comment to verify candidates (comments with more shingles keep the smallest) | 8 ..= 255 |
/// | `capacity` | 1,000,000 | comments kept; inserting more evicts the oldest (rolling window) | 1 ..= 2³⁰ |
/// | `scope` | [`Scope::Site`] | compare with every comment, or only with those of the same thread | `Site`, `Thread` |
/// | `min_tokens` | 4 | comments with fewer words are *short*: never near, partial or template duplicates | 1 ..= 64 |
/// | `min_partial_tokens` | 8 | fewest words of a new comment for a [`Partial`](super::DuplicateKind::Partial) match | `min_tokens` ..= 1024 |
/// | `short_exact` | false | short comments are exact duplicates of equal short comments (else never flagged) | bool |
/// | `max_candidates` | 16 | most candidates verified per check (those sharing the most keys first) | 1 ..= 4096 |
///
/// The defaults were chosen on the near-duplicate benchmark
/// (`comment-sieve-tools bench dedup-quality`, see `benches/README.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateParams {
    pub(crate) near_threshold: f64,
    pub(crate) partial_threshold: f64,
    pub(crate) template_threshold: f64,
    pub(crate) shingle_size: usize,
    pub(crate) near_shingle_size: usize,
    pub(crate) winnow_window: usize,
    pub(crate) min_postings: usize,
    pub(crate) max_postings: usize,
    pub(crate) sketch_size: usize,
    pub(crate) capacity: usize,
    pub(crate) scope: Scope,
    pub(crate) min_tokens: usize,
    pub(crate) min_partial_tokens: usize,
    pub(crate) short_exact: bool,
    pub(crate) max_candidates: usize,
}

impl Default for DuplicateParams {
    fn default() -> Self {
        DuplicateParams {
            near_threshold: 0.6,
            partial_threshold: 0.8,
            template_threshold: 0.25,
            shingle_size: 3,
            near_shingle_size: 1,
            winnow_window: 4,
            min_postings: 4,
            max_postings: 64,
            sketch_size: 32,
            capacity: 1_000_000,
            scope: Scope::Site,
            min_tokens: 4,
            min_partial_tokens: 8,
            short_exact: false,
            max_candidates: 16,
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl DuplicateParams {
    setter!(
        /// Sets `near_threshold` (see the [table](Self)).
        near_threshold: f64
    );
    setter!(
        /// Sets `partial_threshold` (see the [table](Self)).
        partial_threshold: f64
    );
    setter!(
        /// Sets `template_threshold` (see the [table](Self)).
        template_threshold: f64
    );
    setter!(
        /// Sets `shingle_size` (see the [table](Self)).
        shingle_size: usize
    );
    setter!(
        /// Sets `near_shingle_size` (see the [table](Self)).
        near_shingle_size: usize
    );
    setter!(
        /// Sets `winnow_window` (see the [table](Self)).
        winnow_window: usize
    );
    setter!(
        /// Sets `min_postings` (see the [table](Self)).
        min_postings: usize
    );
    setter!(
        /// Sets `max_postings` (see the [table](Self)).
        max_postings: usize
    );
    setter!(
        /// Sets `sketch_size` (see the [table](Self)).
        sketch_size: usize
    );
    setter!(
        /// Sets `capacity` (see the [table](Self)).
        capacity: usize
    );
    setter!(
        /// Sets `scope` (see the [table](Self)).
        scope: Scope
    );
    setter!(
        /// Sets `min_tokens` (see the [table](Self)).
        min_tokens: usize
    );
    setter!(
        /// Sets `min_partial_tokens` (see the [table](Self)).
        min_partial_tokens: usize
    );
    setter!(
        /// Sets `short_exact` (see the [table](Self)).
        short_exact: bool
    );
    setter!(
        /// Sets `max_candidates` (see the [table](Self)).
        max_candidates: usize
    );

    /// The near-duplicate threshold.
    pub fn near_threshold_value(&self) -> f64 {
        self.near_threshold
    }

    /// The partial-duplicate (containment) threshold.
    pub fn partial_threshold_value(&self) -> f64 {
        self.partial_threshold
    }

    /// Words per shingle (containment, index).
    pub fn shingle_size_value(&self) -> usize {
        self.shingle_size
    }

    /// Words per shingle (resemblance).
    pub fn near_shingle_size_value(&self) -> usize {
        self.near_shingle_size
    }

    /// The rolling window's size.
    pub fn capacity_value(&self) -> usize {
        self.capacity
    }

    /// The comparison scope.
    pub fn scope_value(&self) -> Scope {
        self.scope
    }

    /// Checks every parameter against its range.
    pub fn validate(&self) -> Result<()> {
        fn unit(name: &'static str, v: f64) -> Result<()> {
            if v > 0.0 && v <= 1.0 {
                Ok(())
            } else {
                Err(invalid(name, v, "a number in (0, 1]"))
            }
        }
        fn range(
            name: &'static str,
            v: usize,
            lo: usize,
            hi: usize,
            expected: &'static str,
        ) -> Result<()> {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(invalid(name, v, expected))
            }
        }
        unit("near_threshold", self.near_threshold)?;
        unit("partial_threshold", self.partial_threshold)?;
        unit("template_threshold", self.template_threshold)?;
        if self.template_threshold > self.near_threshold {
            return Err(invalid(
                "template_threshold",
                self.template_threshold,
                "at most near_threshold",
            ));
        }
        range("shingle_size", self.shingle_size, 1, 8, "1 ..= 8")?;
        range("near_shingle_size", self.near_shingle_size, 1, 8, "1 ..= 8")?;
        range("winnow_window", self.winnow_window, 1, 64, "1 ..= 64")?;
        range("min_postings", self.min_postings, 0, 64, "0 ..= 64")?;
        range("max_postings", self.max_postings, 1, 1024, "1 ..= 1024")?;
        range("sketch_size", self.sketch_size, 8, 255, "8 ..= 255")?;
        range("capacity", self.capacity, 1, 1 << 30, "1 ..= 2^30")?;
        range("min_tokens", self.min_tokens, 1, 64, "1 ..= 64")?;
        range(
            "min_partial_tokens",
            self.min_partial_tokens,
            self.min_tokens,
            1024,
            "min_tokens ..= 1024",
        )?;
        range("max_candidates", self.max_candidates, 1, 4096, "1 ..= 4096")?;
        Ok(())
    }

    /// Validates the parameters and builds an empty detector.
    pub fn build(self) -> Result<DuplicateDetector> {
        self.validate()?;
        Ok(DuplicateDetector::with_valid_params(self))
    }
}

fn invalid(name: &'static str, value: impl ToString, expected: &'static str) -> Error {
    Error::InvalidParam {
        name,
        value: value.to_string(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_range_is_checked() {
        let bad = [
            DuplicateParams::default().near_threshold(0.0),
            DuplicateParams::default().near_threshold(f64::NAN),
            DuplicateParams::default().partial_threshold(1.5),
            DuplicateParams::default().template_threshold(0.9),
            DuplicateParams::default().shingle_size(0),
            DuplicateParams::default().near_shingle_size(9),
            DuplicateParams::default().winnow_window(65),
            DuplicateParams::default().max_postings(0),
            DuplicateParams::default().sketch_size(4),
            DuplicateParams::default().capacity(0),
            DuplicateParams::default().min_tokens(0),
            DuplicateParams::default().min_partial_tokens(2),
            DuplicateParams::default().max_candidates(0),
        ];
        for p in bad {
            assert!(
                matches!(p.clone().build(), Err(Error::InvalidParam { .. })),
                "{p:?}"
            );
        }
        assert!(DuplicateParams::default().build().is_ok());
    }
}
