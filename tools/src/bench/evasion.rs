//! `bench evasion`: recall on obfuscated spam and abuse, the default model
//! against a baseline trained the same way with folding turned off: how
//! much the tokenizer's folding of lookalike letters, separators and
//! repeats buys against comments written to slip past a filter.
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools -- bench evasion
//! ```
//!
//! Spam and abusive comments of `data/` are rewritten, one transform at a
//! time and with a fixed seed, in every word of the default model's folding
//! lexicon (lookalike Cyrillic and Greek letters, leetspeak, separators
//! between letters, a letter repeated, a letter starred out, zero-width
//! characters between letters, mixed case); the tables give spam and abuse
//! recall (head probability at its threshold) on each. A last table gives
//! the share of clean on-topic comments flagged as spam or abuse.
//! `tests/evasion.rs` checks the same set.

use comment_sieve::{Classifier, Result};
use comment_sieve_tools::support::evasion::*;

/// Arguments of `bench evasion` (none: the set is fixed).
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Prints the recall tables of both models and their clean flag rates.
pub fn run(_args: Args) -> Result<()> {
    let data = super::data_dir();
    let positives = positives(&data);
    let clf = Classifier::default();
    let lex = clf.model().lexicon.clone();
    let base = baseline(&data);
    let spam = positives.iter().filter(|p| p.spam).count();
    println!(
        "{} spam and {} abusive comments; lexicon of {} words\n",
        spam,
        positives.len() - spam,
        lex.len()
    );
    println!("default model (folding on):\n");
    print!("{}", markdown(&recall_table(&clf, &positives, &lex)));
    println!("\nbaseline (same training, folding off):\n");
    print!("{}", markdown(&recall_table(&base, &positives, &lex)));
    let clean = clean(&data);
    println!(
        "\nclean on-topic comments flagged as spam or abuse ({} comments):\n",
        clean.len()
    );
    println!("| model | flagged % |\n|---|---:|");
    println!("| default (folding on) | {:.2} |", flag_rate(&clf, &clean));
    println!(
        "| baseline (folding off) | {:.2} |",
        flag_rate(&base, &clean)
    );
    Ok(())
}
