//! Peak memory of one classification and one duplicate check on 10 MB
//! inputs of every kind of the scaling benchmark, as a multiple of the
//! input size.
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools --example scaling_memory [SIZE_BYTES]
//! ```
//!
//! Linux only: the peak resident set (`VmHWM`) is reset before each run
//! through `/proc/self/clear_refs` and read after it; the figure is the
//! growth over the resident set before the run (the input is already in
//! memory then).

use dev_support::hostile;

use comment_sieve::{Classifier, DupInput, DuplicateParams};

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Growth of the peak resident set while `f` runs, in bytes.
fn peak_growth(f: impl FnOnce()) -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let before = status_kb("VmRSS:");
    f();
    let peak = status_kb("VmHWM:");
    peak.saturating_sub(before) * 1024
}

/// Growth for one operation on one kind of input, as a multiple of `size`.
fn measure(op: &str, kind: &str, size: usize) -> f64 {
    let text = hostile::input(kind, size);
    let grown = match op {
        "classify" => {
            let clf = Classifier::default();
            let _ = clf.classify_text("warm up");
            peak_growth(|| {
                std::hint::black_box(clf.classify_text(&text));
            })
        }
        _ => {
            let mut d = DuplicateParams::default().build().unwrap();
            let _ = d.check_and_insert(&DupInput::new("warm", "warm up text for the detector"));
            peak_growth(|| {
                std::hint::black_box(d.check_and_insert(&DupInput::new("q", &text)));
            })
        }
    };
    grown as f64 / size as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Child mode: one measurement in a fresh process, so that memory freed
    // by an earlier measurement and kept by the allocator hides nothing.
    if let [flag, op, kind, size] = args.as_slice() {
        if flag == "--one" {
            println!("{}", measure(op, kind, size.parse().expect("size")));
            return;
        }
    }
    let size: usize = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let me = std::env::current_exe().expect("own path");
    let run = |op: &str, kind: &str| -> f64 {
        let out = std::process::Command::new(&me)
            .args(["--one", op, kind, &size.to_string()])
            .output()
            .expect("run a measurement");
        assert!(out.status.success(), "{op} {kind} failed");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("a number")
    };
    println!("peak memory growth over {size} bytes of input, as a multiple of the input size\n");
    println!("| input | classify | dedup check_and_insert |\n|---|---:|---:|");
    let mut worst: f64 = 0.0;
    for kind in hostile::KINDS {
        let (c, g) = (run("classify", kind), run("dedup", kind));
        worst = worst.max(c).max(g);
        println!("| {kind} | {c:.2}× | {g:.2}× |");
    }
    println!("\nworst: {worst:.2}× the input size");
}
