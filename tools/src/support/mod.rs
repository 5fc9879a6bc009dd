//! Fixed-seed inputs and checks shared by the timing runs
//! (`comment-sieve-tools bench …`), the tests, the criterion benchmarks
//! and the fuzz targets. They live here, beside the timing runs, because
//! the `comment-sieve-tools` binary cannot depend on `dev-support` (which
//! depends on this crate for the data set loaders); `dev-support`
//! re-exports them under the same names.
//!
//! | module | what | used by |
//! |---|---|---|
//! | [`rng`] | splitmix64, a fixed pseudo-random sequence | everything below |
//! | [`synthetic`] | reproducible synthetic comments drawn from `data/` | `bench classify-throughput`, `bench gen-comments` |
//! | [`corpus`] | real comments from `data/` with authors and topics | `benches/dedup.rs`, `bench dedup-quality` |
//! | [`stream`] | the duplicate detector's benchmark stream | `benches/dedup.rs`, `bench dedup-throughput`, `bench feedback-latency` |
//! | [`hostile`] | inputs of a given size, ordinary and pathological | `benches/scaling.rs`, `bench scaling-call`, `bench scaling-memory` |
//! | [`evasion`] | obfuscated variants of labeled comments | `tests/evasion.rs`, `bench evasion` |
//! | [`relevance`] | articles and comments for the relevance checks | `tests/moderate.rs`, `bench relevance` |
//! | [`fuzz`] | invariant checks on arbitrary bytes and input generators | `fuzz/`, `bench fuzz-inputs` |
//!
//! Paths to `data/` and `models/` are taken from this crate's place in the
//! repository (`tools/` beside them).

pub mod corpus;
pub mod evasion;
pub mod fuzz;
pub mod hostile;
pub mod relevance;
pub mod rng;
pub mod stream;
pub mod synthetic;
