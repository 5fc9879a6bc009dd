//! `comment-sieve-tools bench …`: the timing and measurement runs. Each
//! prints its figures as text (Markdown tables where there are several),
//! for the figures quoted in the README and in `docs/`; the commands that
//! produced a figure are written beside it there.
//!
//! Unlike the criterion benchmarks in `benches/`, these are plain loops:
//! quick to run, to repeat under `taskset`, and to profile under `perf`
//! or callgrind.

use clap::{Args, Subcommand};
use comment_sieve::Result;

mod classify_throughput;
mod classify_youtube;
mod cpu;
mod dedup_quality;
mod dedup_throughput;
mod evasion;
mod feedback_latency;
mod fuzz_inputs;
mod gen_comments;
mod relevance;
mod scaling_call;
mod scaling_memory;

/// Arguments of `bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: BenchCommand,
}

/// The timing runs.
#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Library throughput on one thread over synthetic comments:
    /// `classify_text` alone, then with the duplicate check.
    ClassifyThroughput(classify_throughput::Args),
    /// Single-thread classification rate on the YouTube development
    /// comments, in CPU time of the thread: every round's rate and the
    /// median.
    ClassifyYoutube(classify_youtube::Args),
    /// Precision and recall of the duplicate detector on labelled pairs of
    /// real comments, with a sweep over its parameters.
    DedupQuality(dedup_quality::Args),
    /// Rate of `check_and_insert` with the duplicate detector full: every
    /// round's rate and the median.
    DedupThroughput(dedup_throughput::Args),
    /// Spam and abuse recall on obfuscated comments: the default model
    /// against a baseline trained with folding off.
    Evasion(evasion::Args),
    /// Time of one feedback event in the moderator (`Model::learn`):
    /// median, p90 and maximum.
    FeedbackLatency(feedback_latency::Args),
    /// Bounded, fixed-seed random inputs through the fuzz targets' checks
    /// (exits 1 on a failing input); or writes the fuzz seed corpora.
    FuzzInputs(fuzz_inputs::Args),
    /// Writes synthetic comments as JSONL (the labeler benchmarks' input).
    GenComments(gen_comments::Args),
    /// The three relevance checks of the README's Moderation section on
    /// the development data.
    Relevance(relevance::Args),
    /// One classification or duplicate check on one scaling-benchmark
    /// input, for counting its instructions with callgrind.
    ScalingCall(scaling_call::Args),
    /// Peak memory of one classification and one duplicate check on large
    /// inputs of every scaling-benchmark kind, as a multiple of the input
    /// size.
    ScalingMemory(scaling_memory::Args),
}

/// Runs one timing run.
pub fn run(args: BenchArgs) -> Result<()> {
    match args.command {
        BenchCommand::ClassifyThroughput(a) => classify_throughput::run(a),
        BenchCommand::ClassifyYoutube(a) => classify_youtube::run(a),
        BenchCommand::DedupQuality(a) => dedup_quality::run(a),
        BenchCommand::DedupThroughput(a) => dedup_throughput::run(a),
        BenchCommand::Evasion(a) => evasion::run(a),
        BenchCommand::FeedbackLatency(a) => feedback_latency::run(a),
        BenchCommand::FuzzInputs(a) => fuzz_inputs::run(a),
        BenchCommand::GenComments(a) => gen_comments::run(a),
        BenchCommand::Relevance(a) => relevance::run(a),
        BenchCommand::ScalingCall(a) => scaling_call::run(a),
        BenchCommand::ScalingMemory(a) => scaling_memory::run(a),
    }
}

/// A count given on the command line; `_` may group digits (`1_000_000`).
fn count(s: &str) -> std::result::Result<usize, String> {
    s.replace('_', "")
        .parse()
        .map_err(|e| format!("`{s}` is not a count: {e}"))
}

/// The repository's `data/` folder (this crate sits beside it).
fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// An I/O error on `path`, as the crate's error.
fn io_error(
    path: impl Into<std::path::PathBuf>,
) -> impl FnOnce(std::io::Error) -> comment_sieve::Error {
    let path = path.into();
    move |source| comment_sieve::Error::Io { path, source }
}
