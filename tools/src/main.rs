//! `comment-sieve-tools`: evaluate a model on labeled files, write the
//! evaluation report, and run the timing runs (`bench …`).

mod bench;
mod eval_cmd;
mod plots;
mod report_cmd;
mod selection;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  all good
  2  usage or I/O error";

const BENCH_EXIT_CODES: &str = "\
Exit codes:
  0  all good
  1  fuzz-inputs found a failing input (written to target/)
  2  usage or I/O error";

#[derive(Parser)]
#[command(
    name = "comment-sieve-tools",
    version,
    about = "Evaluation tools of comment-sieve: metrics on labeled files, the evaluation report, the timing runs.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluates on labeled files: per-label precision, recall, F1, MCC and
    /// the confusion matrix; for data that label only spam or only abuse,
    /// accuracy, precision, recall, F1 and MCC of that attribute.
    #[command(after_help = EXIT_CODES)]
    Eval(eval_cmd::EvalArgs),
    /// Writes the evaluation report: every source left out in turn, with
    /// the scikit-learn reference line, calibration, toxic spans, the seed
    /// comments and speed (`comment-sieve-tools report -o docs/evaluation.md`).
    #[command(after_help = EXIT_CODES)]
    Report(report_cmd::ReportArgs),
    /// The timing and measurement runs: throughput, latency, memory,
    /// duplicate-detector quality, evasion, relevance, random inputs
    /// (`comment-sieve-tools bench classify-youtube --rounds 5 --passes 50`).
    #[command(after_help = BENCH_EXIT_CODES)]
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let done = match cli.command {
        Command::Eval(args) => eval_cmd::run(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Bench(args) => bench::run(args),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("comment-sieve-tools: {e}");
            ExitCode::from(2)
        }
    }
}
