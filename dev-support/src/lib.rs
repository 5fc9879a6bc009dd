//! Helpers shared by comment-sieve's tests, examples, benchmarks and fuzz
//! targets: one crate instead of source files included by path, so that
//! each helper is compiled, linted and documented once.
//!
//! | module | what | used by |
//! |---|---|---|
//! | [`rng`] | splitmix64, a fixed pseudo-random sequence | everything below |
//! | [`synthetic`] | reproducible synthetic comments drawn from `data/` | throughput examples, `gen_comments` |
//! | [`corpus`] | real comments from `data/` with authors and topics | duplicate-detector bench and examples |
//! | [`stream`] | the duplicate detector's benchmark stream | `benches/dedup.rs`, `dedup_throughput` |
//! | [`hostile`] | inputs of a given size, ordinary and pathological | `benches/scaling.rs`, scaling examples |
//! | [`evasion`] | obfuscated variants of labeled comments | `tests/evasion.rs`, `evasion` example |
//! | [`relevance`] | articles and comments for the relevance checks | `tests/moderate.rs`, `relevance` example |
//! | [`fuzz`] | invariant checks on arbitrary bytes and input generators | `fuzz/`, `fuzz_inputs` example |
//!
//! Paths to `data/` and `models/` are taken from this crate's place in the
//! repository (`dev-support/` beside them).

pub mod corpus;
pub mod evasion;
pub mod fuzz;
pub mod hostile;
pub mod relevance;
pub mod rng;
pub mod server;
pub mod stream;
pub mod synthetic;
