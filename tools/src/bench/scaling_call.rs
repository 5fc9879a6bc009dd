//! `bench scaling-call`: one classification or one duplicate check on one
//! input of the scaling benchmark, for counting its instructions with
//! callgrind (`benches/scaling_instructions.sh`): instruction counts are
//! exact and repeatable whatever else the machine runs, so they show
//! whether time grows linearly with the input.
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools -- bench scaling-call --op classify|dedup --kind KIND --size BYTES
//! ```
//!
//! The measured call runs inside `measured`, which the script passes to
//! callgrind's `--toggle-collect`, so set-up (loading the model, building
//! the input and the detector) is not counted.

use std::hint::black_box;

use comment_sieve::{Classifier, DupInput, DuplicateDetector, DuplicateParams, Result};
use comment_sieve_tools::support::hostile;

/// The operation to count.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum OpName {
    /// `Classifier::classify_text`.
    Classify,
    /// `DuplicateDetector::check_and_insert` on a detector of 50 comments.
    Dedup,
}

/// Arguments of `bench scaling-call`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The operation.
    #[arg(long, value_enum)]
    op: OpName,
    /// The kind of input (one of the scaling benchmark's kinds: prose,
    /// one_word, urls, bangs, zalgo, scripts, rtl, zwj, entities, tags,
    /// spaced, replaced, passes).
    #[arg(long, value_parser = kind)]
    kind: String,
    /// The input's size in bytes.
    #[arg(long, value_name = "BYTES", value_parser = super::count)]
    size: usize,
}

/// One of the scaling benchmark's input kinds.
pub fn kind(s: &str) -> std::result::Result<String, String> {
    if hostile::KINDS.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!("unknown input kind; one of {:?}", hostile::KINDS))
    }
}

/// The operation, set up.
enum Op {
    Classify(Classifier),
    Dedup(Box<DuplicateDetector>),
}

/// The call callgrind counts (`--toggle-collect='*scaling_call*measured*'`).
#[inline(never)]
fn measured(op: &mut Op, text: &str) {
    match op {
        Op::Classify(c) => {
            black_box(c.classify_text(black_box(text)));
        }
        Op::Dedup(d) => {
            black_box(d.check_and_insert(&DupInput::new("q", black_box(text))));
        }
    }
}

/// Sets up the operation and the input, then makes the one call.
pub fn run(args: Args) -> Result<()> {
    let text = hostile::input(&args.kind, args.size);
    let mut op = match args.op {
        OpName::Classify => {
            let c = Classifier::default();
            black_box(c.classify_text("warm up"));
            Op::Classify(c)
        }
        OpName::Dedup => {
            // The same detector as the scaling benchmark: 50 comments.
            let mut d = DuplicateParams::default().build()?;
            for i in 0..50 {
                let id = format!("s{i}");
                let t = hostile::input("prose", 200 + 37 * i);
                d.insert(&DupInput::new(&id, &t));
            }
            Op::Dedup(Box::new(d))
        }
    };
    measured(&mut op, &text);
    Ok(())
}
