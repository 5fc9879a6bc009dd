//! `comment-sieve`: label and train on files of comments, check one
//! comment, run the moderation service.

mod csv_out;
mod disqus;
mod formats;
mod label_cmd;
mod output;
mod serve_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use comment_sieve::{train, Classifier, Comment, TrainParams};
use comment_sieve_tools::{dataset, datasets};

const EXIT_CODES: &str = "\
Exit codes:
  0  all good
  1  some records failed (each has an error record in the output and a line on stderr)
  2  usage or I/O error";

#[derive(Parser)]
#[command(
    name = "comment-sieve",
    version,
    about = "Moderates reader comments: label, train, check, serve.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Labels every comment of JSONL, JSON array, CSV or Disqus XML files; writes one JSONL record
    /// per input record, in input order.
    ///
    /// Each output record is the input record's fields plus `label`,
    /// `scores` ({spam, abuse, off_topic} in [0, 1]), `reasons` ([{token,
    /// weight, span}]) and `duplicate_of` (null, or {id, kind, similarity,
    /// same_author, shared_links} naming the earliest comment it repeats;
    /// checked in input order). Input fields named like these are
    /// replaced. A record that cannot be labeled (invalid JSON or UTF-8,
    /// empty line, no text field, text not a string, longer than
    /// --max-bytes, CSV record with the wrong number of fields) yields
    /// `{"line": N, "file": F, "error": "…"}` in its place and `F:N: …` on
    /// stderr, and the run goes on (unless --strict).
    ///
    /// Input formats recognised with no flags: JSONL; a JSON array of
    /// records; CSV with a header; WordPress comment exports (CSV:
    /// comment_ID, comment_post_ID, comment_author, comment_content,
    /// comment_parent with 0 for none); Coral comment downloads
    /// (my_comments.csv: Comment ID, Article URL, Comment Text; Coral Talk
    /// 4: ID, Article, Body); Disqus XML exports (a .xml file, or content
    /// starting with <?xml or <disqus; see --format).
    #[command(after_help = EXIT_CODES)]
    Label(label_cmd::LabelArgs),
    /// Trains a model on labeled files, or on the development data in a
    /// data folder when no file is given (the default model is
    /// `comment-sieve train --data-dir data -o models/default.csm`).
    ///
    /// Labeled files: JSONL or CSV with a content label field (spam, abuse,
    /// off_topic, on_topic) and a text field; the YouTube Spam Collection
    /// (CONTENT, CLASS), Davidson et al. (tweet, class) and Fox News
    /// comments (title, label 0/1) formats are recognised.
    #[command(after_help = EXIT_CODES)]
    Train {
        /// Labeled files.
        #[arg(value_name = "DATA")]
        data: Vec<PathBuf>,
        /// The data folder, used when no DATA is given.
        #[arg(long, default_value = "data")]
        data_dir: PathBuf,
        /// Where to write the model (atomically).
        #[arg(short, long, default_value = "models/default.csm")]
        output: PathBuf,
        /// The label field of generic labeled files.
        #[arg(long, default_value = "label", value_name = "NAME")]
        label_field: String,
        /// The text field of generic labeled files (default: detected).
        #[arg(long, value_name = "NAME")]
        text_field: Option<String>,
        /// A SemEval-2021 toxic-spans CSV (`spans,text`) to learn which
        /// words mark toxic spans from (default, when training on the data
        /// folder: its civil-comments/spans_train.csv).
        #[arg(long, value_name = "CSV")]
        spans: Option<PathBuf>,
    },
    /// Runs the moderation service: native, Perspective-, Akismet- and
    /// Coral-compatible HTTP endpoints over durable state.
    Serve(serve_cmd::ServeArgs),
    /// Classifies one comment and explains the verdict.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The comment's text (`-`: read it from standard input).
        text: String,
        /// A model file (default: the embedded model).
        #[arg(long)]
        model: Option<PathBuf>,
        /// The comment's place in its thread, when known.
        #[arg(long, value_enum)]
        thread: Option<Place>,
    },
}

/// A comment's place in its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Place {
    /// It starts a thread.
    Starter,
    /// It replies to another comment.
    Reply,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader of stdout went away (`| head`): stop quietly.
        Err(comment_sieve::Error::Io { path, source })
            if source.kind() == std::io::ErrorKind::BrokenPipe
                && path.as_os_str() == "<stdout>" =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("comment-sieve: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> comment_sieve::Result<ExitCode> {
    match cli.command {
        Command::Label(args) => return label_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args)?,
        Command::Train {
            data,
            data_dir,
            output,
            label_field,
            text_field,
            spans,
        } => {
            // Say so before training, not after: the model is written last.
            if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.is_dir() {
                    return Err(comment_sieve::Error::Io {
                        path: dir.to_path_buf(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            format!(
                                "the output folder does not exist (create it, or pass -o with an existing folder for {})",
                                output.display()
                            ),
                        ),
                    });
                }
            }
            let spans = spans.or_else(|| {
                data.is_empty()
                    .then(|| data_dir.join(datasets::SPANS_TRAIN))
            });
            let (examples, sources) = if data.is_empty() {
                datasets::all_examples(&data_dir)?
            } else {
                let fields = dataset::Fields {
                    label: label_field,
                    text: text_field,
                };
                let mut examples = Vec::new();
                let mut sources = Vec::new();
                for p in &data {
                    let f = dataset::load(p, &fields)?;
                    sources.push(format!(
                        "{}: {} examples ({})",
                        p.display(),
                        f.examples.len(),
                        f.kind
                    ));
                    examples.extend(f.examples);
                }
                (examples, sources)
            };
            for s in &sources {
                eprintln!("{s}");
            }
            let started = std::time::Instant::now();
            let mut model = train::train(&TrainParams::default(), &examples, sources)?;
            if let Some(p) = &spans {
                let span_examples = datasets::toxic_spans(p)?;
                let (lex, (lexicon, tagger)) =
                    comment_sieve::spans::fit_span_lexicon_with_tables(&model, &span_examples);
                for (sel, f1) in lexicon {
                    eprintln!(
                        "toxic spans, cross-validated F1: margin {:.2}, fallback {}: {f1:.4}",
                        sel.margin,
                        if sel.fallback { "on" } else { "off" }
                    );
                }
                for (p, f1) in tagger {
                    eprintln!("toxic spans, cross-validated F1: tagger above {p}: {f1:.4}");
                }
                eprintln!(
                    "toxic spans: {} words from {} comments of {} (fallback {}, {})",
                    lex.keys.len(),
                    span_examples.len(),
                    p.display(),
                    if lex.fallback { "on" } else { "off" },
                    match &lex.tagger {
                        Some(t) => format!("tagger above {}", t.threshold),
                        None => "the weights' margin".into(),
                    }
                );
                model = model.with_spans(lex);
            }
            eprintln!("trained in {:.1} s", started.elapsed().as_secs_f64());
            for h in &model.heads {
                let per_class: Vec<String> = h
                    .classes
                    .iter()
                    .zip(&h.class_counts)
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect();
                eprintln!(
                    "head {:<15} examples: {}; features {}",
                    h.name,
                    per_class.join(", "),
                    h.keys.len()
                );
            }
            eprintln!("lexicon: {} words", model.lexicon.len());
            let clf = Classifier::new(model);
            clf.save(&output)?;
            eprintln!("wrote {}", output.display());
        }
        Command::Check {
            text,
            model,
            thread,
        } => {
            let clf = match model {
                Some(p) => Classifier::load(p)?,
                None => Classifier::default(),
            };
            let text = if text == "-" {
                let mut buf = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf)
                    .map_err(|e| comment_sieve::Error::io("<stdin>", e))?;
                buf
            } else {
                text
            };
            let mut comment = Comment::new("-", text);
            comment.reply = thread.map(|p| p == Place::Reply);
            let v = clf.classify(&comment);
            println!("{}", v.label);
            let p = v.probabilities;
            let s = v.scores;
            println!(
                "  scores: spam {:.4}  toxicity {:.4}  identity_attack {:.4}  abuse {:.4}  off_topic {:.4}",
                s.spam, s.toxicity, s.identity_attack, s.abuse, s.off_topic
            );
            println!(
                "  P: spam {:.3}  abuse {:.3}  off_topic {:.3}  on_topic {:.3}",
                p.spam, p.abuse, p.off_topic, p.on_topic
            );
            if !v.toxic_spans.is_empty() {
                let chars: Vec<char> = comment.text.chars().collect();
                let shown: Vec<String> = v
                    .toxic_spans
                    .iter()
                    .map(|r| {
                        let t: String = chars[r.start..r.end.min(chars.len())].iter().collect();
                        format!("{t:?} at {}..{}", r.start, r.end)
                    })
                    .collect();
                println!("  toxic spans (code points): {}", shown.join(", "));
            }
            for r in v.reasons {
                println!(
                    "  {:+.2} {:<6} {:?} at {:?}",
                    r.weight, r.head, r.token, r.span
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
