//! Evaluation tools of comment-sieve: what measures the library rather
//! than what a site runs.
//!
//! | module | what |
//! |---|---|
//! | [`datasets`] | loaders for the labeled data sets in `data/` (each says what its set labels) |
//! | [`dataset`] | labeled files given on the command line, with the public formats recognised |
//! | [`eval`] | metrics: confusion matrices, precision, recall, F1, MCC, ROC-AUC, calibration |
//! | [`support`] | fixed-seed inputs, corpora and checks for the timing runs, tests, benchmarks and fuzz targets |
//!
//! The `comment-sieve-tools` binary (`eval`, `report`, and the timing runs
//! under `bench`) is built on these; the `comment-sieve train`
//! command reads its training data through [`datasets`] and [`dataset`].

#![deny(missing_docs)]

pub mod dataset;
pub mod datasets;
pub mod eval;
pub mod support;
