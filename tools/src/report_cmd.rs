//! `comment-sieve-tools report`: the evaluation report.
//!
//! Leave one source out: for every source in the data folder, a model is
//! trained on all the other sources and scores the left-out one. Every
//! attribute is then measured on every source that labels it, with the
//! scikit-learn reference line (`benches/loso_reference.sh`, same
//! protocol) beside it. The report also holds the calibration of the
//! out-of-source scores, the toxic-span F1 on the trial file, the seed
//! comments through the moderator and the classifier's speed. Its
//! figures (ROC, precision–recall, reliability) are drawn by
//! [`crate::plots`] into the folder named after the report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use comment_sieve::model::{IDENTITY_ATTACK, SPAM, TOXICITY};
use comment_sieve::moderate::Moderator;
use comment_sieve::spans::{fit_span_lexicon_with_tables, span_f1};
use comment_sieve::train::{self, attribute};
use comment_sieve::{Classifier, Comment, Error, Example, Label, Result, Scores, TrainParams};
use comment_sieve_tools::datasets::{self, SpanExample};
use comment_sieve_tools::eval::{counts_at, reliability, roc_auc};
use serde_json::{json, Value};

/// Arguments of `report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The data folder.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
    /// Where to write the Markdown report.
    #[arg(short, long, default_value = "docs/evaluation.md")]
    pub output: PathBuf,
    /// The scikit-learn reference results (JSON of
    /// `benches/loso_reference.sh --json`).
    #[arg(long, default_value = "benches/loso_reference.json")]
    pub reference: PathBuf,
    /// Results of the previous default model on the same sources (JSON),
    /// shown beside the new ones when the file exists.
    #[arg(long, default_value = "benches/previous_model.json")]
    pub previous: PathBuf,
    /// Write the examples (source, text, labels) as JSONL for the
    /// reference script, and stop.
    #[arg(long, value_name = "PATH")]
    pub export_corpus: Option<PathBuf>,
    /// Run the leave-one-source-out protocol for each candidate of a
    /// setting and print what its rule in docs/model-selection.md compares,
    /// without writing the report (`penalty`: the logistic layer's λ and
    /// `smoothing`: the naive Bayes α, by ROC-AUC, uncalibrated; `cuts`:
    /// the false-spam budget and the abuse threshold, by MCC).
    #[arg(long, value_enum, value_name = "SETTING")]
    pub candidates: Option<crate::selection::CandidateSetting>,
    /// Run the leave-one-source-out protocol for the candidate
    /// calibration (shared slope with a false-spam budget) and print, per attribute, the
    /// mean MCC at the shipped threshold over the left-out sources with
    /// both classes, the mean Brier score, and the news false-spam rates,
    /// without writing the report.
    #[arg(long)]
    pub calibration_candidates: bool,
}

/// The attribute heads, with their names.
pub(crate) const ATTRIBUTES: [(usize, &str); 3] = [
    (SPAM, "spam"),
    (TOXICITY, "toxicity"),
    (IDENTITY_ATTACK, "identity_attack"),
];

/// The sources the previous default model was trained on.
const PREVIOUS_TRAINED_ON: [&str; 5] = [
    "seeds",
    "youtube-psy",
    "youtube-katyperry",
    "youtube-lmfao",
    "fox-news",
];

/// The news-comment sources, whose non-spam comments give the false-spam
/// rate.
pub(crate) const NEWS: [&str; 3] = ["civil-comments", "fox-news", "seeds"];

pub(crate) fn score_of(s: &Scores, head: usize) -> f64 {
    match head {
        SPAM => s.spam,
        TOXICITY => s.toxicity,
        _ => s.identity_attack,
    }
}

pub(crate) fn source(e: &Example) -> &str {
    e.source.as_deref().unwrap_or("")
}

/// Scores every example with the model trained on every other source.
pub(crate) fn leave_one_source_out(
    params: &TrainParams,
    examples: &[Example],
) -> Result<Vec<Scores>> {
    let mut names: Vec<&str> = examples.iter().map(source).collect();
    names.sort_unstable();
    names.dedup();
    let mut scores = vec![Scores::default(); examples.len()];
    for s in names {
        let started = std::time::Instant::now();
        let train_set: Vec<Example> = examples
            .iter()
            .filter(|e| source(e) != s)
            .cloned()
            .collect();
        let clf = Classifier::new(train::train(params, &train_set, Vec::new())?);
        for (i, e) in examples.iter().enumerate().filter(|(_, e)| source(e) == s) {
            scores[i] = clf
                .classify_in_thread(&e.text, e.context.as_deref(), e.reply)
                .scores;
        }
        eprintln!(
            "left out {s}: trained on {} examples in {:.1} s",
            train_set.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(scores)
}

/// One attribute on one left-out source.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) n: usize,
    pub(crate) pos: usize,
    pub(crate) auc: Option<f64>,
    pub(crate) precision: f64,
    pub(crate) recall: f64,
    pub(crate) mcc: f64,
    pub(crate) predicted_pos: f64,
    pub(crate) false_spam: Option<f64>,
}

/// Per attribute (in [`ATTRIBUTES`] order), per source (in name order):
/// the measurements.
pub(crate) type Table = Vec<(&'static str, BTreeMap<String, Row>)>;

/// Measures every attribute on every left-out source, each attribute's
/// score cut at its threshold in `cuts` (in [`ATTRIBUTES`] order).
pub(crate) fn measure(examples: &[Example], scores: &[Scores], cuts: [f64; 3]) -> Table {
    let mut out = Table::with_capacity(ATTRIBUTES.len());
    for ((head, name), threshold) in ATTRIBUTES.into_iter().zip(cuts) {
        let rows = by_source(examples, scores, head)
            .into_iter()
            .map(|(src, scored)| {
                let pos = scored.iter().filter(|s| s.1).count();
                let c = counts_at(&scored, threshold);
                let both = pos > 0 && pos < scored.len();
                let neg: Vec<&(f64, bool)> = scored.iter().filter(|s| !s.1).collect();
                let false_spam = (head == SPAM && NEWS.contains(&src.as_str()) && !neg.is_empty())
                    .then(|| {
                        neg.iter().filter(|s| s.0 >= threshold).count() as f64 / neg.len() as f64
                    });
                let row = Row {
                    n: scored.len(),
                    pos,
                    auc: both.then(|| roc_auc(&scored)),
                    precision: c.precision(),
                    recall: c.recall(),
                    mcc: c.mcc(),
                    predicted_pos: (c.true_pos + c.false_pos) as f64 / scored.len() as f64,
                    false_spam,
                };
                (src, row)
            })
            .collect();
        out.push((name, rows));
    }
    out
}

pub(crate) fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

pub(crate) fn mean_auc(rows: &BTreeMap<String, Row>) -> f64 {
    mean(rows.values().filter_map(|r| r.auc))
}

/// Per source that labels attribute `head` (in name order): its examples'
/// scores under that head, with their classes.
pub(crate) fn by_source(
    examples: &[Example],
    scores: &[Scores],
    head: usize,
) -> BTreeMap<String, Vec<(f64, bool)>> {
    let mut out: BTreeMap<String, Vec<(f64, bool)>> = BTreeMap::new();
    for (e, s) in examples.iter().zip(scores) {
        if let Some(y) = attribute(head, e) {
            out.entry(source(e).to_string())
                .or_default()
                .push((score_of(s, head), y));
        }
    }
    out
}

/// Per source that labels attribute `head`: the Brier score of its
/// out-of-source scores.
pub(crate) fn brier_by_source(
    examples: &[Example],
    scores: &[Scores],
    head: usize,
) -> Vec<(String, f64)> {
    by_source(examples, scores, head)
        .into_iter()
        .map(|(s, scored)| (s, comment_sieve_tools::eval::brier(&scored)))
        .collect()
}

fn export(examples: &[Example], path: &Path) -> Result<()> {
    let mut out = String::new();
    for e in examples {
        let line = json!({
            "source": source(e),
            "text": e.text,
            "spam": e.spam,
            "toxicity": e.toxicity,
            "identity_attack": e.identity_attack,
            "group": e.group,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| Error::io(path, e))
}

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

fn f3(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "—".into()
    }
}

fn opt3(x: Option<f64>) -> String {
    x.map_or("—".into(), f3)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("".into(), |x| format!("{:.2}%", 100.0 * x))
}

/// A number from a reference JSON row.
fn ref_num(v: &Value, attr: &str, src: &str, key: &str) -> Option<f64> {
    v.get("attributes")?
        .get(attr)?
        .get("sources")?
        .get(src)?
        .get(key)?
        .as_f64()
}

/// Runs `report`.
pub fn run(args: ReportArgs) -> Result<()> {
    let (examples, sources) = datasets::all_examples(&args.data_dir)?;
    if let Some(p) = &args.export_corpus {
        export(&examples, p)?;
        eprintln!("wrote {} examples to {}", examples.len(), p.display());
        return Ok(());
    }
    if let Some(setting) = args.candidates {
        return crate::selection::run(setting, &examples);
    }
    if args.calibration_candidates {
        return crate::selection::calibration_candidates(&examples);
    }
    let params = TrainParams::default();
    let started = std::time::Instant::now();
    let scores = leave_one_source_out(&params, &examples)?;
    let loso_secs = started.elapsed().as_secs_f64();
    let cut = comment_sieve::Thresholds::default();
    let table = measure(&examples, &scores, [cut.spam, cut.abuse, cut.abuse]);
    let reference = read_json(&args.reference);
    let previous = read_json(&args.previous);
    let figures = crate::plots::FigureDir::beside(&args.output);
    let shipped = Classifier::default().model().thresholds;

    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Evaluation\n");
    let _ = writeln!(
        w,
        "Written by `cargo run --release -p comment-sieve-tools -- report` (this file is its output; \
         edit the command, not the file). Every figure here is a development \
         figure on the data in `data/`; other parts of these sets are kept back \
         elsewhere as unseen test data.\n"
    );
    let _ = writeln!(w, "## Data\n");
    let _ = writeln!(
        w,
        "`datasets::all_examples` reads {} examples (repeated texts and the \
         toxic-span trial texts dropped):\n",
        examples.len()
    );
    for s in &sources {
        let _ = writeln!(w, "- {s}");
    }
    let _ = writeln!(w, "\n## Protocol: leave one source out\n");
    let _ = writeln!(
        w,
        "For every source, a model is trained with the default parameters \
         on every other source (calibration included: it leaves each of its \
         training sources out in turn and never sees the left-out one) and \
         scores the left-out source. Each attribute is measured on every source that \
         labels it: ROC-AUC where the source has both classes; precision, \
         recall, MCC and the share predicted positive at the shipped thresholds \
         (spam {}, toxicity and identity attack {}, the abuse threshold); for spam on news sources, the false-spam rate (the share \
         of their non-spam comments labeled spam). The YouTube videos are three \
         sources, so the row of a video is the cross-video result: trained on \
         the other two videos and everything else.\n",
        cut.spam,
        cut.abuse
    );
    let _ = writeln!(
        w,
        "Reference line: scikit-learn, TF-IDF word 1–2-grams + character \
         (`char_wb`) 2–5-grams, sublinear TF, `min_df=2`, `LogisticRegression(C=1, \
         liblinear)`, under exactly this protocol (`bash benches/loso_reference.sh \
         --corpus target/loso-corpus.jsonl --json benches/loso_reference.json \
         --jobs 2` after `cargo run --release -p comment-sieve-tools -- report --export-corpus \
         target/loso-corpus.jsonl`). {}\n",
        if reference.is_some() {
            "Its figures are read from `benches/loso_reference.json`."
        } else {
            "**Not run**: `benches/loso_reference.json` is missing."
        }
    );
    if previous.is_some() {
        let _ = writeln!(
            w,
            "Previous model: the default model before this design (naive Bayes \
             on the seeds, the YouTube videos and the Fox News comments), scoring \
             every source as it was shipped (`benches/previous_model.json`). It \
             was trained on the seeds, the YouTube videos and the Fox News \
             comments: its rows for those sources, marked *, are in-sample.\n"
        );
    }
    let _ = writeln!(
        w,
        "The leave-one-source-out runs took {loso_secs:.0} s on this machine.\n"
    );
    for (&(head, _), (attr, rows)) in ATTRIBUTES.iter().zip(&table) {
        let _ = writeln!(w, "### {attr}\n");
        let _ = writeln!(
            w,
            "| left-out source | n | positive | ROC-AUC | reference ROC-AUC | previous ROC-AUC | precision | recall | MCC | reference MCC | predicted positive | false spam | reference false spam |"
        );
        let _ = writeln!(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        let num = |v: &Option<Value>, src: &str, key: &str| {
            v.as_ref().and_then(|v| ref_num(v, attr, src, key))
        };
        for (src, r) in rows {
            let _ = writeln!(
                w,
                "| {src} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.3} | {} | {} |",
                r.n,
                r.pos,
                opt3(r.auc),
                opt3(num(&reference, src, "roc_auc")),
                opt3(num(&previous, src, "roc_auc"))
                    + if PREVIOUS_TRAINED_ON.contains(&src.as_str()) && previous.is_some() {
                        " *"
                    } else {
                        ""
                    },
                f3(r.precision),
                f3(r.recall),
                f3(r.mcc),
                opt3(num(&reference, src, "mcc")),
                r.predicted_pos,
                pct(r.false_spam),
                pct(num(&reference, src, "false_spam")),
            );
        }
        let ref_mean = reference.as_ref().and_then(|v| {
            v.get("attributes")?
                .get(*attr)?
                .get("mean_roc_auc")?
                .as_f64()
        });
        let _ = writeln!(
            w,
            "| **mean** | | | **{}** | **{}** | | | | {} | | | | |\n",
            f3(mean_auc(rows)),
            opt3(ref_mean),
            f3(mean(
                rows.values().filter(|r| r.auc.is_some()).map(|r| r.mcc)
            )),
        );
        let curves: Vec<crate::plots::SourceScores> = by_source(&examples, &scores, head)
            .into_iter()
            .filter(|(src, _)| rows.get(src).is_some_and(|r| r.auc.is_some()))
            .map(|(src, scored)| crate::plots::SourceScores {
                reference_auc: num(&reference, &src, "roc_auc"),
                source: src,
                scored,
            })
            .collect();
        let marks = crate::plots::markers(&shipped, head == SPAM);
        crate::plots::attribute_figures(w, &figures, attr, &curves, &marks, head != SPAM)?;
    }
    calibration(w, &examples, &scores, &figures)?;
    news_stream_section(w, &examples, &scores, cut.abuse, &reference);
    news_stream_in_domain(w, &examples, cut.abuse, &reference)?;
    spans_section(w, &args.data_dir)?;
    seeds_section(w, &args.data_dir)?;
    speed_section(w, &args.data_dir)?;
    if let Some(dir) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(&args.output, md).map_err(|e| Error::io(&args.output, e))?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}

/// The abuse score on an ordinary stream of news comments, the Civil
/// Comments source left out: what a site holding from each threshold
/// would hold.
fn news_stream_section(
    w: &mut String,
    examples: &[Example],
    scores: &[Scores],
    shipped: f64,
    reference: &Option<Value>,
) {
    let Some(Stream {
        abuse: scored,
        toxicity,
        pos,
    }) = stream_scores(examples, |i, _| scores[i])
    else {
        return;
    };
    let reference_auc = reference_stream_auc(reference, "streams");
    let _ = writeln!(w, "## Abuse on an ordinary news stream\n");
    let _ = writeln!(
        w,
        "Most Civil Comments in `data/` were picked because raters had marked \
         them toxic. `toxic_or_not.csv` is a sample of an ordinary stream \
         instead: {} comments, of which {} ({:.1}%) are toxic. Their scores \
         here come from the model trained with Civil Comments left out (the \
         protocol above). ROC-AUC of the toxicity score: **{:.3}** (scikit-learn \
         reference, the same fold: {}); of the abuse score, which the policy \
         cuts: {:.3}. What a site would hold at each abuse threshold (`Policy` \
         sets the hold threshold; the shipped one is {}); the sample is small, \
         so each share is uncertain by several points:\n",
        scored.len(),
        pos,
        100.0 * pos as f64 / scored.len() as f64,
        roc_auc(&toxicity),
        opt3(reference_auc),
        roc_auc(&scored),
        shipped
    );
    let _ = writeln!(
        w,
        "| abuse threshold | ordinary comments held | abusive comments held | precision |"
    );
    let _ = writeln!(w, "|---|---|---|---|");
    let mut cuts = vec![shipped, 0.5, 0.6, 0.7, 0.8, 0.9];
    cuts.dedup();
    for t in cuts {
        let c = counts_at(&scored, t);
        let neg = (scored.len() - pos) as f64;
        let _ = writeln!(
            w,
            "| {t}{} | {:.1}% | {:.1}% | {} |",
            if t == shipped { " (shipped)" } else { "" },
            100.0 * c.false_pos as f64 / neg,
            100.0 * c.recall(),
            f3(c.precision()),
        );
    }
    let _ = writeln!(w);
}

/// The ordinary stream's scores, each with whether the comment is toxic.
struct Stream {
    abuse: Vec<(f64, bool)>,
    toxicity: Vec<(f64, bool)>,
    /// Its toxic comments.
    pos: usize,
}

/// The ordinary stream's [`Stream`], with `score` giving example `i`'s
/// scores; none unless it holds both classes.
fn stream_scores(
    examples: &[Example],
    score: impl Fn(usize, &Example) -> Scores,
) -> Option<Stream> {
    let (mut abuse, mut toxicity) = (Vec::new(), Vec::new());
    for (i, e) in examples.iter().enumerate() {
        if e.group.as_deref() != Some(datasets::CIVIL_STREAM) {
            continue;
        }
        if let Some(y) = e.toxicity {
            let s = score(i, e);
            abuse.push((s.abuse, y));
            toxicity.push((s.toxicity, y));
        }
    }
    let pos = abuse.iter().filter(|s| s.1).count();
    (pos > 0 && pos < abuse.len()).then_some(Stream {
        abuse,
        toxicity,
        pos,
    })
}

/// The reference's toxicity ROC-AUC on the ordinary stream, from its
/// `streams` (the fold that leaves the stream's source out) or
/// `streams_in_domain` (trained on every other example).
fn reference_stream_auc(reference: &Option<Value>, key: &str) -> Option<f64> {
    reference
        .as_ref()?
        .get("attributes")?
        .get("toxicity")?
        .get(key)?
        .get(datasets::CIVIL_STREAM)?
        .get("roc_auc")?
        .as_f64()
}

/// The same stream scored as the default model would score it: trained on
/// every other example, Civil Comments' other comments included.
fn news_stream_in_domain(
    w: &mut String,
    examples: &[Example],
    shipped: f64,
    reference: &Option<Value>,
) -> Result<()> {
    let in_stream = |e: &Example| e.group.as_deref() == Some(datasets::CIVIL_STREAM);
    let train_set: Vec<Example> = examples.iter().filter(|e| !in_stream(e)).cloned().collect();
    if train_set.len() == examples.len() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let clf = Classifier::new(train::train(
        &TrainParams::default(),
        &train_set,
        Vec::new(),
    )?);
    eprintln!(
        "left out the stream: trained on {} examples in {:.1} s",
        train_set.len(),
        started.elapsed().as_secs_f64()
    );
    let Some(Stream {
        abuse,
        toxicity,
        pos,
    }) = stream_scores(examples, |_, e| {
        clf.classify_in_thread(&e.text, e.context.as_deref(), e.reply)
            .scores
    })
    else {
        return Ok(());
    };
    let reference_auc = reference_stream_auc(reference, "streams_in_domain");
    let c = counts_at(&abuse, shipped);
    let _ = writeln!(
        w,
        "In domain, as the default model meets such comments: the same {} \
         comments scored by a model trained on every other example (Civil \
         Comments' other comments included), with the default parameters. \
         ROC-AUC of the toxicity score: **{:.3}** (scikit-learn reference, \
         trained on the same examples: {}); of the abuse score: {:.3}. At the \
         shipped abuse threshold ({shipped}) it holds {:.1}% of the ordinary \
         comments and {:.1}% of the abusive ones.\n",
        abuse.len(),
        roc_auc(&toxicity),
        opt3(reference_auc),
        roc_auc(&abuse),
        100.0 * c.false_pos as f64 / (abuse.len() - pos) as f64,
        100.0 * c.recall(),
    );
    Ok(())
}

/// Reliability of the pooled out-of-source scores, per attribute.
fn calibration(
    w: &mut String,
    examples: &[Example],
    scores: &[Scores],
    figures: &crate::plots::FigureDir,
) -> Result<()> {
    let _ = writeln!(w, "## Calibration\n");
    let _ = writeln!(
        w,
        "The out-of-source scores above, pooled over the sources, in ten \
         bins: a well-calibrated score has its observed share of positives \
         close to its mean score in every bin.\n"
    );
    for (head, name) in ATTRIBUTES {
        let scored: Vec<(f64, bool)> = examples
            .iter()
            .zip(scores)
            .filter_map(|(e, s)| attribute(head, e).map(|y| (score_of(s, head), y)))
            .collect();
        let _ = writeln!(w, "### {name}\n");
        let _ = writeln!(
            w,
            "| score bin | examples | mean score | observed positive |"
        );
        let _ = writeln!(w, "|---|---|---|---|");
        let bins = reliability(&scored, 10);
        for b in &bins {
            if b.count == 0 {
                continue;
            }
            let _ = writeln!(
                w,
                "| {:.1}–{:.1} | {} | {:.3} | {:.3} |",
                b.lower, b.upper, b.count, b.mean_predicted, b.observed
            );
        }
        let _ = writeln!(w);
        crate::plots::reliability_figure(w, figures, name, &bins)?;
    }
    Ok(())
}

/// Toxic-span F1 on the trial file with the default model.
fn spans_section(w: &mut String, data_dir: &Path) -> Result<()> {
    let trial: Vec<SpanExample> = datasets::toxic_spans(&data_dir.join(datasets::SPANS_TRIAL))?;
    let clf = Classifier::default();
    let (mut sum, mut with_gold, mut sum_gold) = (0.0, 0usize, 0.0);
    for ex in &trial {
        let v = clf.classify_text(&ex.text);
        let f = span_f1(&v.toxic_spans, &ex.offsets);
        sum += f;
        if !ex.offsets.is_empty() {
            with_gold += 1;
            sum_gold += f;
        }
    }
    let _ = writeln!(w, "## Toxic spans\n");
    let _ = writeln!(
        w,
        "The default model on `data/civil-comments/spans_trial.csv` ({} \
         comments, none of them trained on), SemEval-2021 Task 5 metric (F1 of \
         character offsets per comment, averaged; a comment with no gold span \
         scores 1 only for an empty prediction). The span words are learned from \
         `spans_train.csv` (`spans::fit_span_lexicon`).\n",
        trial.len()
    );
    let _ = writeln!(w, "| comments | span F1 |");
    let _ = writeln!(w, "|---|---|");
    let _ = writeln!(
        w,
        "| all {} | {:.3} |",
        trial.len(),
        sum / trial.len() as f64
    );
    let _ = writeln!(
        w,
        "| the {with_gold} with a gold span | {:.3} |\n",
        sum_gold / with_gold.max(1) as f64
    );
    let train_spans = datasets::toxic_spans(&data_dir.join(datasets::SPANS_TRAIN))?;
    let (lex, (table, tagged)) = fit_span_lexicon_with_tables(clf.model(), &train_spans);
    let _ = writeln!(
        w,
        "The span lexicon has {} words (words seen at least {} times in \
         comments with a marked span), each with its weight: the log odds of \
         being inside a marked span. Two ways to mark words were compared by \
         {}-fold cross-validation on `spans_train.csv` alone (span F1 on the \
         held-out folds, every comment): a word is marked when its weight \
         exceeds a margin, and with the fallback an abusive comment with no \
         such word gets the word that pushed hardest toward abuse \
         (`spans::choose_margin`); or the span tagger, a logistic regression \
         over the word's weight, whether it has one, its white-space \
         neighbours' weights and the toxicity head's weight of it, marks the \
         words above a probability, else the likeliest one \
         (`spans::choose_tagger`, nested: the held-out fold is in neither the \
         weights nor the fit). The tagger is taken when its best is higher \
         than the best margin by more than {} ([model-selection.md](model-selection.md#span-tagger)).\n",
        lex.keys.len(),
        comment_sieve::spans::MIN_OCCURRENCES,
        comment_sieve::spans::FOLDS,
        comment_sieve::spans::TAGGER_TOLERANCE,
    );
    let chosen_tagger = lex.tagger.map(|t| t.threshold);
    let _ = writeln!(w, "| selection | cross-validated span F1 |");
    let _ = writeln!(w, "|---|---|");
    for (sel, f) in table {
        let fb = if sel.fallback { "with" } else { "without" };
        let _ = writeln!(
            w,
            "| weight above {:.2}, {fb} the fallback | {f:.3} |",
            sel.margin
        );
    }
    for (p, f) in tagged {
        let mark = if chosen_tagger == Some(p as f32) {
            " (chosen)"
        } else {
            ""
        };
        let _ = writeln!(w, "| tagger, P(inside) above {p}{mark} | {f:.3} |");
    }
    let _ = writeln!(w);
    Ok(())
}

/// The seed comments through the moderator with the seed articles.
fn seeds_section(w: &mut String, data_dir: &Path) -> Result<()> {
    let seeds = datasets::seed_comments(&data_dir.join("seed_comments.jsonl"))?;
    let mut m = Moderator::default();
    let path = data_dir.join("seed_articles.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    for (i, line) in text.lines().enumerate() {
        let a: Value = serde_json::from_str(line).map_err(|e| Error::InvalidRecord {
            source_name: path.display().to_string(),
            line: i as u64 + 1,
            reason: e.to_string(),
        })?;
        let field = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or_default();
        m.add_article(field("id"), field("title"), field("body"));
    }
    let mut right = 0;
    let mut rows = String::new();
    for (i, c) in seeds.iter().enumerate() {
        let mut comment = Comment::new(c.id.clone(), c.text.clone());
        comment.author = c.author.clone();
        comment.article_id = c.article_id.clone();
        let parent = datasets::replied_to(&seeds, i).map(|p| p.text.as_str());
        let v = m.moderate_in_reply(&comment, parent);
        let ok = v.label == c.label;
        right += usize::from(ok);
        let _ = writeln!(
            rows,
            "| {} | {} | {} | {:?} | {:.3} | {:.3} | {} |",
            c.id,
            c.label,
            v.label,
            v.action,
            v.scores.spam,
            v.scores.abuse,
            if ok { "yes" } else { "no" }
        );
    }
    let _ = writeln!(w, "## Seed comments through the moderator\n");
    let _ = writeln!(
        w,
        "The hand-labeled seed comments, moderated in page order with the \
         seed articles registered, each a reply to the comment whose author it \
         names at its start. The default model was trained on them: an \
         in-sample figure. **{right} of {} labels agree with the hand labels.**\n",
        seeds.len()
    );
    let _ = writeln!(
        w,
        "| id | hand label | moderator's label | action | spam | abuse | agree |"
    );
    let _ = writeln!(w, "|---|---|---|---|---|---|---|");
    w.push_str(&rows);
    w.push('\n');
    Ok(())
}

/// Classifier speed on one thread, in this run.
fn speed_section(w: &mut String, data_dir: &Path) -> Result<()> {
    let mut texts = Vec::new();
    for f in datasets::YOUTUBE_FILES {
        texts.extend(
            datasets::youtube(&data_dir.join(f))?
                .into_iter()
                .map(|e| e.text),
        );
    }
    let clf = Classifier::default();
    let mut rates = Vec::new();
    for _ in 0..7 {
        let t = std::time::Instant::now();
        let mut spam = 0usize;
        for _ in 0..20 {
            for x in &texts {
                spam += usize::from(clf.classify_text(x).label == Label::Spam);
            }
        }
        std::hint::black_box(spam);
        rates.push(20.0 * texts.len() as f64 / t.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let _ = writeln!(w, "## Speed\n");
    let _ = writeln!(
        w,
        "`Classifier::classify_text` on the {} YouTube comments, one thread, \
         median of 7 runs of 20 passes in this report's run: **{:.0} comments/s** \
         (wall clock on a shared machine; `cargo run --release -p \
         comment-sieve-tools -- bench classify-youtube --rounds 9 --passes 100` measures \
         CPU time). Model file: {} bytes.\n",
        texts.len(),
        rates[3],
        clf.to_bytes().len()
    );
    Ok(())
}
