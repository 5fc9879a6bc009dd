//! `comment-sieve`: label, train and evaluate on files of comments.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use comment_sieve::{datasets, train, Classifier, Comment, TrainParams};

#[derive(Parser)]
#[command(
    name = "comment-sieve",
    version,
    about = "Moderates reader comments: label, train, evaluate."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Trains a model on the development data in a data folder (the default
    /// model is `comment-sieve train --data-dir data -o models/default.csm`).
    Train {
        /// The data folder.
        #[arg(long, default_value = "data")]
        data_dir: PathBuf,
        /// Where to write the model.
        #[arg(short, long, default_value = "models/default.csm")]
        output: PathBuf,
    },
    /// Classifies one comment and explains the verdict.
    Check {
        /// The comment's text.
        text: String,
        /// A model file (default: the embedded model).
        #[arg(long)]
        model: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("comment-sieve: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> comment_sieve::Result<ExitCode> {
    match cli.command {
        Command::Train { data_dir, output } => {
            let (examples, sources) = datasets::all_examples(&data_dir)?;
            let model = train::train(&TrainParams::default(), &examples, sources)?;
            for h in &model.heads {
                eprintln!(
                    "head {:<6} classes {:?} examples {:?} features {}",
                    h.name,
                    h.classes,
                    h.class_counts,
                    h.keys.len()
                );
            }
            eprintln!("lexicon: {} words", model.lexicon.len());
            let clf = Classifier::new(model);
            clf.save(&output)?;
            eprintln!("wrote {}", output.display());
        }
        Command::Check { text, model } => {
            let clf = match model {
                Some(p) => Classifier::load(p)?,
                None => Classifier::default(),
            };
            let v = clf.classify(&Comment::new("-", text));
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
