//! Helpers shared by comment-sieve's tests, benchmarks and fuzz targets:
//! one crate instead of source files included by path, so that each
//! helper is compiled, linted and documented once.
//!
//! | module | what | used by |
//! |---|---|---|
//! | [`rng`] | splitmix64, a fixed pseudo-random sequence | everything below |
//! | [`synthetic`] | reproducible synthetic comments drawn from `data/` | `bench classify-throughput`, `bench gen-comments` |
//! | [`corpus`] | real comments from `data/` with authors and topics | duplicate-detector bench and timing runs |
//! | [`stream`] | the duplicate detector's benchmark stream | `benches/dedup.rs`, `bench dedup-throughput` |
//! | [`hostile`] | inputs of a given size, ordinary and pathological | `benches/scaling.rs`, `bench scaling-*` |
//! | [`evasion`] | obfuscated variants of labeled comments | `tests/evasion.rs`, `bench evasion` |
//! | [`relevance`] | articles and comments for the relevance checks | `tests/moderate.rs`, `bench relevance` |
//! | [`fuzz`] | invariant checks on arbitrary bytes and input generators | `fuzz/`, `bench fuzz-inputs` |
//! | [`server`] | starts the service and talks HTTP to it | `cli/tests/serve*.rs` |
//! | [`cli`] | runs a workspace binary, reads its JSONL, trains a small model | `cli/tests/*.rs` |
//!
//! All but [`server`] and [`cli`] are defined in `comment_sieve_tools::support`, where
//! the timing runs of `comment-sieve-tools bench` use them too, and
//! re-exported here under the same names.

pub use comment_sieve_tools::support::{
    corpus, evasion, fuzz, hostile, relevance, rng, stream, synthetic,
};

pub mod cli;
pub mod server;
