//! `comment-sieve`: label, train and evaluate on files of comments.

mod dataset;
mod eval_cmd;
mod input;
mod label_cmd;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use comment_sieve::{datasets, train, Classifier, Comment, TrainParams};

const EXIT_CODES: &str = "\
Exit codes:
  0  all good
  1  some records failed (each has an error record in the output and a line on stderr)
  2  usage or I/O error";

#[derive(Parser)]
#[command(
    name = "comment-sieve",
    version,
    about = "Moderates reader comments: label, train, evaluate.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Labels every comment of JSONL or CSV files; writes one JSONL record
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
    },
    /// Evaluates on labeled files: per-label precision, recall, F1, MCC and
    /// the confusion matrix; for data that label only spam or only abuse,
    /// accuracy, precision, recall, F1 and MCC of that attribute.
    #[command(after_help = EXIT_CODES)]
    Eval(eval_cmd::EvalArgs),
    /// Classifies one comment and explains the verdict.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The comment's text.
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
        Command::Eval(args) => eval_cmd::run(args)?,
        Command::Train {
            data,
            data_dir,
            output,
            label_field,
            text_field,
        } => {
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
            let model = train::train(&TrainParams::default(), &examples, sources)?;
            for h in &model.heads {
                let per_class: Vec<String> = h
                    .classes
                    .iter()
                    .zip(&h.class_counts)
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect();
                eprintln!(
                    "head {:<6} examples: {}; features {}",
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
            let mut comment = Comment::new("-", text);
            comment.reply = thread.map(|p| p == Place::Reply);
            let v = clf.classify(&comment);
            println!("{}", v.label);
            let p = v.probabilities;
            println!(
                "  P: spam {:.3}  abuse {:.3}  off_topic {:.3}  on_topic {:.3}",
                p.spam, p.abuse, p.off_topic, p.on_topic
            );
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
