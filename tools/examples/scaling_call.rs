//! One classification or one duplicate check on one input of the scaling
//! benchmark, for counting its instructions with callgrind
//! (`benches/scaling_instructions.sh`).
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools --example scaling_call -- classify|dedup KIND SIZE_BYTES
//! ```
//!
//! The measured call runs inside `measured`, which the script passes to
//! callgrind's `--toggle-collect`, so set-up (loading the model, building
//! the input and the detector) is not counted.

use dev_support::hostile;

use std::hint::black_box;

use comment_sieve::{Classifier, DupInput, DuplicateDetector, DuplicateParams};

enum Op {
    Classify(Classifier),
    Dedup(Box<DuplicateDetector>),
}

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, kind, size] = args.as_slice() else {
        eprintln!("usage: scaling_call classify|dedup KIND SIZE_BYTES");
        std::process::exit(2);
    };
    if !hostile::KINDS.contains(&kind.as_str()) {
        eprintln!("unknown input kind {kind}; one of {:?}", hostile::KINDS);
        std::process::exit(2);
    }
    let size: usize = size.parse().expect("SIZE_BYTES is a number");
    let text = hostile::input(kind, size);
    let mut op = match op.as_str() {
        "classify" => {
            let c = Classifier::default();
            black_box(c.classify_text("warm up"));
            Op::Classify(c)
        }
        "dedup" => {
            // The same detector as the scaling benchmark: 50 comments.
            let mut d = DuplicateParams::default().build().unwrap();
            for i in 0..50 {
                let id = format!("s{i}");
                let t = hostile::input("prose", 200 + 37 * i);
                d.insert(&DupInput::new(&id, &t));
            }
            Op::Dedup(Box::new(d))
        }
        other => {
            eprintln!("unknown operation {other}");
            std::process::exit(2);
        }
    };
    measured(&mut op, &text);
}
