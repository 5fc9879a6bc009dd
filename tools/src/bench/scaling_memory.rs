//! `bench scaling-memory`: peak memory of one classification and one
//! duplicate check on 10 MB inputs of every kind of the scaling benchmark,
//! as a multiple of the input size: memory must grow no faster than the
//! input, whatever the input is.
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools -- bench scaling-memory [--size BYTES]
//! ```
//!
//! Linux only: the peak resident set (`VmHWM`) is reset before each run
//! through `/proc/self/clear_refs` and read after it; the figure is the
//! growth over the resident set before the run (the input is already in
//! memory then). Each measurement runs in a fresh process (this program
//! again, with `--one`), so that memory freed by an earlier measurement
//! and kept by the allocator hides nothing.

use comment_sieve::{Classifier, DupInput, DuplicateParams, Error, Result};
use comment_sieve_tools::support::hostile;

/// Arguments of `bench scaling-memory`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The size of every input in bytes.
    #[arg(long, default_value = "10000000", value_name = "BYTES", value_parser = super::count)]
    size: usize,
    /// One measurement in this process (`classify` or `dedup`, and an
    /// input kind): prints the growth alone.
    #[arg(long, hide = true, num_args = 2, value_names = ["OP", "KIND"])]
    one: Option<Vec<String>>,
}

/// A field of `/proc/self/status`, in kB (0 when missing).
fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Growth of the peak resident set while `f` runs, in bytes.
fn peak_growth(f: impl FnOnce()) -> Result<u64> {
    std::fs::write("/proc/self/clear_refs", "5")
        .map_err(super::io_error("/proc/self/clear_refs"))?;
    let before = status_kb("VmRSS:");
    f();
    let peak = status_kb("VmHWM:");
    Ok(peak.saturating_sub(before) * 1024)
}

/// Growth for one operation on one kind of input, as a multiple of `size`.
fn measure(op: &str, kind: &str, size: usize) -> Result<f64> {
    let text = hostile::input(kind, size);
    let grown = match op {
        "classify" => {
            let clf = Classifier::default();
            let _ = clf.classify_text("warm up");
            peak_growth(|| {
                std::hint::black_box(clf.classify_text(&text));
            })?
        }
        _ => {
            let mut d = DuplicateParams::default().build()?;
            let _ = d.check_and_insert(&DupInput::new("warm", "warm up text for the detector"));
            peak_growth(|| {
                std::hint::black_box(d.check_and_insert(&DupInput::new("q", &text)));
            })?
        }
    };
    Ok(grown as f64 / size as f64)
}

/// Measures every kind in a child process each and prints the table.
pub fn run(args: Args) -> Result<()> {
    let size = args.size;
    if let Some([op, kind]) = args.one.as_deref() {
        println!("{}", measure(op, kind, size)?);
        return Ok(());
    }
    let me = std::env::current_exe().map_err(super::io_error("the running program"))?;
    let run = |op: &str, kind: &str| -> Result<f64> {
        let out = std::process::Command::new(&me)
            .args([
                "bench",
                "scaling-memory",
                "--size",
                &size.to_string(),
                "--one",
                op,
                kind,
            ])
            .output()
            .map_err(super::io_error(&me))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.trim().parse() {
            Ok(x) if out.status.success() => Ok(x),
            _ => Err(Error::io(
                &me,
                std::io::Error::other(format!(
                    "the {op} measurement on {kind} failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
            )),
        }
    };
    println!("peak memory growth over {size} bytes of input, as a multiple of the input size\n");
    println!("| input | classify | dedup check_and_insert |\n|---|---:|---:|");
    let mut worst: f64 = 0.0;
    for kind in hostile::KINDS {
        let (c, g) = (run("classify", kind)?, run("dedup", kind)?);
        worst = worst.max(c).max(g);
        println!("| {kind} | {c:.2}× | {g:.2}× |");
    }
    println!("\nworst: {worst:.2}× the input size");
    Ok(())
}
