//! `bench fuzz-inputs`: a stable, bounded, deterministic random-input
//! driver: the same checks as the cargo-fuzz targets in `fuzz/`, fed by a
//! fixed-seed generator instead of libFuzzer, so that it runs on stable
//! Rust and in CI and a failure reproduces from its seed.
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools -- bench fuzz-inputs --target TARGET --seconds S [--seed N]
//! ```
//!
//! TARGET is `text`, `dedup`, `model`, `index`, `records` (the labeler's
//! readers, in process) or `label` (the built `comment-sieve label` binary
//! on generated JSONL and CSV files; build it first). It prints the number
//! of executions, the time, and the slowest execution; a failing input is
//! written to `target/fuzz_inputs-crash-TARGET.bin` and the run exits 1.
//! An execution slower than 2 s counts as a stall and fails too; the
//! slowest input is kept in `target/fuzz_inputs-slowest-TARGET.bin`.
//! TARGET `corpus` writes seed corpora for the cargo-fuzz targets to
//! `fuzz/corpus/`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use comment_sieve::dedup::{DupInput, DuplicateParams};
use comment_sieve::{Classifier, Result};
use comment_sieve_tools::datasets;
use comment_sieve_tools::support::fuzz::*;

/// What to feed random inputs to.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Target {
    /// Normalization, tokenization and classification of one text.
    Text,
    /// A duplicate detector fed a sequence of texts.
    Dedup,
    /// Loading a (mutated) model file.
    Model,
    /// Loading a (mutated) duplicate index file.
    Index,
    /// The batch labeler's JSONL and CSV readers, in process.
    Records,
    /// The built `comment-sieve label` binary on generated files.
    Label,
    /// No run: writes seed corpora for the cargo-fuzz targets to
    /// `fuzz/corpus/`.
    Corpus,
}

impl Target {
    /// The target's name on the command line and in file names.
    fn name(self) -> &'static str {
        match self {
            Target::Text => "text",
            Target::Dedup => "dedup",
            Target::Model => "model",
            Target::Index => "index",
            Target::Records => "records",
            Target::Label => "label",
            Target::Corpus => "corpus",
        }
    }
}

/// Arguments of `bench fuzz-inputs`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to feed random inputs to.
    #[arg(long, value_enum, default_value = "text")]
    target: Target,
    /// How long to run, in seconds.
    #[arg(long, default_value = "10", value_name = "S")]
    seconds: f64,
    /// The generator's seed: the same seed makes the same inputs.
    #[arg(long, default_value = "1", value_name = "N")]
    seed: u64,
}

/// The seed texts the generators start from: the seed comments and the
/// YouTube comments.
fn seeds() -> Vec<String> {
    let d = super::data_dir();
    let mut out = Vec::new();
    for c in datasets::seed_comments(&d.join("seed_comments.jsonl")).unwrap() {
        out.push(c.text);
    }
    for f in datasets::YOUTUBE_FILES {
        for e in datasets::youtube(&d.join(f)).unwrap() {
            out.push(e.text);
        }
    }
    out
}

/// A small duplicate index file (with a removed entry) for the `index`
/// target to mutate.
fn index_file(seeds: &[String]) -> Vec<u8> {
    let mut d = DuplicateParams::default()
        .capacity(64)
        .short_exact(true)
        .build()
        .unwrap();
    for (i, t) in seeds.iter().enumerate().take(80) {
        let id = format!("s{i}");
        d.insert(&DupInput::new(&id, t).author("a").thread("t"));
    }
    d.remove("s70");
    d.to_bytes()
}

/// Runs the target for the time given, or writes the seed corpora; exits
/// 1 on a failing input.
pub fn run(args: Args) -> Result<()> {
    let target = args.target.name();
    let (secs, seed) = (args.seconds, args.seed);
    let seeds = seeds();
    let clf = Classifier::default();
    let index = index_file(&seeds);
    let mut rng = Rng::new(seed);
    if target == "corpus" {
        write_corpus(&mut rng, &seeds, &index);
        return Ok(());
    }
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut execs = 0u64;
    let mut bytes = 0u64;
    let mut slowest = (Duration::ZERO, 0usize);
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/comment-sieve");
    let dir = std::env::temp_dir().join(format!("fuzz-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::panic::set_hook(Box::new(|_| {}));
    while start.elapsed() < budget {
        let input: Vec<u8> = match target {
            "text" => {
                let mut b = hostile_text(&mut rng, &seeds).into_bytes();
                if rng.one_in(3) {
                    mutate_bytes(&mut rng, &mut b, 8);
                }
                if rng.one_in(200) {
                    // A large input now and then: stalls show up here.
                    let unit = b.clone();
                    while b.len() < 200_000 && !unit.is_empty() {
                        b.extend_from_slice(&unit);
                    }
                }
                b
            }
            "dedup" => {
                let mut b = vec![rng.next_u64() as u8];
                let base: Vec<String> = (0..1 + rng.below(12))
                    .map(|_| hostile_text(&mut rng, &seeds))
                    .collect();
                for _ in 0..1 + rng.below(24) {
                    let mut t = rng.pick(&base).clone().into_bytes();
                    if rng.one_in(2) {
                        mutate_bytes(&mut rng, &mut t, 3);
                    }
                    b.extend_from_slice(&t);
                    b.push(0xFF);
                }
                b
            }
            "model" => {
                if rng.one_in(2) {
                    mutate_model_header(&mut rng, MODEL)
                } else {
                    let mut b = MODEL.to_vec();
                    mutate_bytes(&mut rng, &mut b, 6);
                    if rng.one_in(2) {
                        fix_model_prefix(&mut b);
                    }
                    b
                }
            }
            "index" => {
                let mut b = index.clone();
                mutate_bytes(&mut rng, &mut b, 6);
                if rng.one_in(4) {
                    fix_index_prefix(&mut b);
                }
                b
            }
            "records" | "label" => {
                let csv = rng.one_in(2);
                records_file(&mut rng, &seeds, csv)
            }
            _ => unreachable!("the corpus target returned above"),
        };
        let t0 = Instant::now();
        let res = std::panic::catch_unwind(|| match target {
            "text" => check_text(&clf, &input),
            "dedup" => check_dedup(&input),
            "model" => check_model_file(&input),
            "index" => check_index_file(&input),
            "records" => check_records(&input),
            _ => run_label(&bin, &dir, &input, execs),
        });
        let took = t0.elapsed();
        execs += 1;
        bytes += input.len() as u64;
        if took > slowest.0 {
            slowest = (took, input.len());
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../target/fuzz_inputs-slowest-{target}.bin"));
            let _ = std::fs::write(path, &input);
        }
        let stalled = took > Duration::from_secs(2);
        if res.is_err() || stalled {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../target/fuzz_inputs-crash-{target}.bin"));
            std::fs::write(&path, &input).unwrap();
            let _ = std::panic::take_hook();
            eprintln!(
                "{target}: {} after {execs} executions; input written to {}",
                if stalled { "stall" } else { "panic" },
                path.display()
            );
            // Run it again with the default hook to show the message.
            std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
            let _ = std::panic::catch_unwind(|| match target {
                "text" => check_text(&clf, &input),
                "dedup" => check_dedup(&input),
                "model" => check_model_file(&input),
                "index" => check_index_file(&input),
                "records" => check_records(&input),
                _ => run_label(&bin, &dir, &input, execs),
            });
            std::process::exit(1);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let el = start.elapsed().as_secs_f64();
    println!(
        "{target}: {execs} executions in {el:.0} s ({:.0}/s), {:.1} MB of input, no failure; slowest {:.1} ms on {} bytes",
        execs as f64 / el,
        bytes as f64 / 1e6,
        slowest.0.as_secs_f64() * 1e3,
        slowest.1
    );
    Ok(())
}

/// Writes seed corpora for the cargo-fuzz targets to `fuzz/corpus/`.
fn write_corpus(rng: &mut Rng, seeds: &[String], index: &[u8]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let put = |target: &str, i: usize, b: &[u8]| {
        let d = root.join(target);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(format!("seed{i:03}")), b).unwrap();
    };
    for i in 0..64 {
        put("classify", i, hostile_text(rng, seeds).as_bytes());
        let mut d = vec![i as u8];
        for _ in 0..4 {
            d.extend_from_slice(rng.pick(seeds).as_bytes());
            d.push(0xFF);
        }
        put("dedup", i, &d);
        let csv = i % 2 == 0;
        put("records", i, &records_file(rng, seeds, csv));
    }
    put("model_file", 0, MODEL);
    put("index_file", 0, index);
    println!("seed corpora written to {}", root.display());
}

/// Runs the labeler on `input` as a JSONL file and as a CSV file: it must
/// exit 0 or 1 (never a panic or a signal) and, for JSONL, write one
/// output line per input line. Every other input runs with the seed
/// articles registered (`--articles`), through the moderator.
fn run_label(bin: &Path, dir: &Path, input: &[u8], n: u64) {
    let articles = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/seed_articles.jsonl");
    for ext in ["jsonl", "csv"] {
        let path = dir.join(format!("in{}.{ext}", n % 4));
        std::fs::write(&path, input).unwrap();
        let mut cmd = std::process::Command::new(bin);
        cmd.args(["label", "--quiet", "--threads", "1"]);
        if n % 2 == 1 {
            cmd.arg("--articles").arg(&articles);
        }
        let out = cmd
            .arg(&path)
            .output()
            .expect("run the comment-sieve binary (cargo build --release first)");
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(code, Some(0) | Some(1) | Some(2)) && !stderr.contains("panicked"),
            "{ext}: exit {code:?}: {stderr}"
        );
        if ext == "jsonl" && code != Some(2) {
            let lines = input.split(|&b| b == b'\n').count()
                - usize::from(input.is_empty() || input.ends_with(b"\n"));
            let written = out.stdout.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(written, lines, "{ext}: {stderr}");
            for l in out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                serde_json::from_slice::<serde_json::Value>(l).expect("output lines are JSON");
            }
        }
    }
}
