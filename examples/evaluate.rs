//! Prints the accuracy tables of the README.
//!
//! `cargo run --release --example evaluate -- [TABLE...]`, tables:
//!
//! * `youtube`: each development video with the published split (first 70%
//!   of each class in file order to train, last 30% to test).
//! * `cross`: train on two videos, test on the third.
//! * `davidson`: Davidson et al.'s tweets, abusive (hate or offensive) or
//!   not, first 80% of each class in file order to train, last 20% to test.
//! * `fox`: Fox News comments, five folds grouped by article (articles in
//!   title order; train on four articles' comments, test on the fifth).
//! * `calibration`: Brier score and reliability (10 bins) of the spam scores
//!   (cross-video) and the abuse scores (Fox News folds).
//! * `hold`: the hold band chosen on the same out-of-sample scores.
//! * `seeds`: leave-one-out over the 25 hand-labeled seed comments.
//! * `errors`: the misclassified YouTube comments of `youtube` and `cross`.
//! * `all`: every table but `seeds`.
//!
//! Settings (environment variables; unset means the library default):
//! `ALPHA`, `SPAM_ALPHA`, `ABUSE_ALPHA`, `MIN_DF`, `BINARY` (0/1),
//! `BIGRAMS` (0/1), `CHAR_NGRAMS` (0/1), `IDENTITY` (0/1: the shared
//! identity-group feature), `STRUCTURE` (0/1: the thread-structure
//! feature, reply or thread starter), `TEXT_ONLY_TEST` (0/1: classify the
//! Fox News test comments by their text alone, without context or place
//! in the thread), `CONTEXT` (`none`, or a comma-separated list
//! of `thread`: neighbouring comments, `article`: title and lead,
//! `author`: the commenter's other comments under the same article,
//! `mention`: the comments there of the screen names it mentions; `all`
//! is `article,thread`), `AUTHOR_TEXT` (0/1: append the commenter's other
//! comments to the comment's own text instead), `AUTHOR_MIX` (a weight:
//! average each Fox News score, in log-odds, with those of the commenter's
//! other comments under the article), `DAVIDSON`
//! (0/1: add all Davidson tweets to the Fox News folds' training data),
//! `SEEDS` (0/1: add the seed comments to it), `REJECT_PRECISION` (0.99)
//! and `HOLD_RECALL` (0.95) for `hold`.

use std::path::Path;

use comment_sieve::eval::{
    brier, calibration_error, counts_at, reliability, roc_auc, threshold_for_precision,
    threshold_for_recall, BinaryCounts,
};
use comment_sieve::{datasets, train, Classifier, Example, TrainParams};
use eval_support::{fox_context, split};

mod eval_support;

/// Scores of one attribute with the truth: `(score, positive)`.
type Scored = Vec<(f64, bool)>;

struct Setup {
    params: TrainParams,
    context: String,
    davidson: bool,
    seeds: bool,
    /// Classify the test comments by their text alone, without context or
    /// place in the thread (a model used where neither is at hand).
    text_only_test: bool,
}

fn env_flag(name: &str) -> Option<bool> {
    std::env::var(name).ok().map(|v| v == "1")
}

fn setup() -> Setup {
    let mut params = TrainParams::default();
    let num = |n: &str| std::env::var(n).ok().map(|v| v.parse::<f64>().expect(n));
    if let Some(a) = num("ALPHA") {
        params = params.alpha(a);
    }
    if let Some(a) = num("SPAM_ALPHA") {
        params = params.head_alpha("spam", a);
    }
    if let Some(a) = num("ABUSE_ALPHA") {
        params = params.head_alpha("abuse", a);
    }
    if let Some(m) = num("MIN_DF") {
        params = params.min_df(m as u32);
    }
    let mut f = params.get_features().clone();
    if let Some(b) = env_flag("BINARY") {
        f.binary = b;
    }
    if let Some(b) = env_flag("BIGRAMS") {
        f.bigrams = b;
    }
    if let Some(b) = env_flag("CHAR_NGRAMS") {
        f.char_ngrams = b;
    }
    if let Some(b) = env_flag("IDENTITY") {
        f.identity = b;
    }
    if let Some(b) = env_flag("STRUCTURE") {
        f.structure = b;
    }
    let context = std::env::var("CONTEXT").unwrap_or_else(|_| "none".into());
    f.context = context != "none";
    params = params.features(f);
    Setup {
        params,
        context,
        davidson: env_flag("DAVIDSON").unwrap_or(false),
        seeds: env_flag("SEEDS").unwrap_or(false),
        text_only_test: env_flag("TEXT_ONLY_TEST").unwrap_or(false),
    }
}

fn settings(s: &Setup) -> String {
    let p = &s.params;
    let f = p.get_features();
    format!(
        "alpha spam {} / abuse {}, min_df default 2 unless MIN_DF, {} features, bigrams {}, char 3-5-grams {}, identity-group feature {}, thread-structure feature {}, context {}",
        p.get_head_alpha("spam"),
        p.get_head_alpha("abuse"),
        if f.binary { "presence" } else { "count" },
        on(f.bigrams),
        on(f.char_ngrams),
        on(f.identity),
        on(f.structure),
        s.context
    )
}

fn on(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn main() -> comment_sieve::Result<()> {
    let mut tables: Vec<String> = std::env::args().skip(1).collect();
    if tables.is_empty() {
        tables.push("youtube".into());
    }
    if tables.iter().any(|t| t == "all") {
        tables = ["youtube", "cross", "davidson", "fox", "calibration", "hold"]
            .map(String::from)
            .to_vec();
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let s = setup();
    println!("settings: {}", settings(&s));
    for t in &tables {
        println!();
        match t.as_str() {
            "youtube" => youtube(&data, &s)?,
            "cross" => {
                cross(&data, &s, true)?;
            }
            "davidson" => davidson(&data, &s)?,
            "fox" => {
                fox(&data, &s, true)?;
            }
            "calibration" => calibration(&data, &s)?,
            "hold" => hold(&data, &s)?,
            "seeds" => seeds(&data, &s.params)?,
            "errors" => errors(&data, &s.params)?,
            other => eprintln!(
                "unknown table {other:?}: youtube, cross, davidson, fox, calibration, hold, seeds or all"
            ),
        }
    }
    Ok(())
}

fn is_spam(e: &Example) -> bool {
    e.spam == Some(true)
}

fn is_abuse(e: &Example) -> bool {
    e.abuse == Some(true)
}

/// Trains on `tr` and scores `te` on the spam attribute.
fn spam_scores(
    params: &TrainParams,
    tr: &[Example],
    te: &[Example],
) -> comment_sieve::Result<Scored> {
    let clf = Classifier::new(train::train(params, tr, vec![])?);
    Ok(te
        .iter()
        .map(|e| (clf.classify_text(&e.text).scores.spam, is_spam(e)))
        .collect())
}

fn row(c: &BinaryCounts, auc: f64) -> String {
    format!(
        "{:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3}",
        c.accuracy() * 100.0,
        c.precision(),
        c.recall(),
        c.f1(),
        c.mcc(),
        auc
    )
}

const PUBLISHED_BEST: [&str; 3] = [
    "0.925 (SVM RBF)",
    "0.859 (random forest)",
    "0.955 (BernoulliNB)",
];

fn youtube(data: &Path, s: &Setup) -> comment_sieve::Result<()> {
    println!("YouTube spam, published split: per video, first 70% of each class in file order to train, last 30% to test; spam head alone; spam when P(spam) >= 0.5.");
    println!("command: cargo run --release --example evaluate -- youtube");
    println!();
    println!("| video | train | test | accuracy | precision | recall | F1 | MCC | ROC-AUC | published best MCC |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut mccs = Vec::new();
    for (i, f) in datasets::YOUTUBE_FILES.iter().enumerate() {
        let ex = datasets::youtube(&data.join(f))?;
        let (tr, te) = split(&ex, 0.7, is_spam);
        let scored = spam_scores(&s.params, &tr, &te)?;
        let c = counts_at(&scored, 0.5);
        mccs.push(c.mcc());
        println!(
            "| {} | {} | {} | {} | {} |",
            video(f),
            tr.len(),
            te.len(),
            row(&c, roc_auc(&scored)),
            PUBLISHED_BEST[i]
        );
    }
    println!(
        "| mean | | | | | | | {:.3} | | |",
        mccs.iter().sum::<f64>() / mccs.len() as f64
    );
    Ok(())
}

fn video(f: &str) -> &str {
    f.rsplit(['-', '/'])
        .next()
        .unwrap_or(f)
        .trim_end_matches(".csv")
}

/// Train on two videos, test on the third; returns the pooled scores.
fn cross(data: &Path, s: &Setup, print: bool) -> comment_sieve::Result<Scored> {
    let videos: Vec<Vec<Example>> = datasets::YOUTUBE_FILES
        .iter()
        .map(|f| datasets::youtube(&data.join(f)))
        .collect::<comment_sieve::Result<_>>()?;
    if print {
        println!("YouTube spam, cross-video: train on the other two videos (all their comments), test on this one; spam head alone; spam when P(spam) >= 0.5.");
        println!("command: cargo run --release --example evaluate -- cross");
        println!();
        println!(
            "| test video | train | test | accuracy | precision | recall | F1 | MCC | ROC-AUC |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
    }
    let mut pooled = Vec::new();
    let mut mccs = Vec::new();
    for (i, f) in datasets::YOUTUBE_FILES.iter().enumerate() {
        let tr: Vec<Example> = videos
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        let scored = spam_scores(&s.params, &tr, &videos[i])?;
        let c = counts_at(&scored, 0.5);
        mccs.push(c.mcc());
        if print {
            println!(
                "| {} | {} | {} | {} |",
                video(f),
                tr.len(),
                videos[i].len(),
                row(&c, roc_auc(&scored))
            );
        }
        pooled.extend(scored);
    }
    if print {
        println!(
            "| mean | | | | | | | {:.3} | |",
            mccs.iter().sum::<f64>() / mccs.len() as f64
        );
    }
    Ok(pooled)
}

fn davidson(data: &Path, s: &Setup) -> comment_sieve::Result<()> {
    let ex = datasets::davidson(&data.join("davidson-hate-offensive/labeled_data.csv"))?;
    let (tr, te) = split(&ex, 0.8, is_abuse);
    let clf = Classifier::new(train::train(&s.params, &tr, vec![])?);
    let scored: Scored = te
        .iter()
        .map(|e| (clf.classify_text(&e.text).scores.abuse, is_abuse(e)))
        .collect();
    let c = counts_at(&scored, 0.5);
    println!("Davidson et al. tweets, abusive (hate or offensive) vs neither: first 80% of each class in file order to train, last 20% to test; abuse head alone; abusive when P(abuse) >= 0.5.");
    println!("command: cargo run --release --example evaluate -- davidson");
    println!();
    println!(
        "| train | test | test abusive | accuracy | precision | recall | F1 | MCC | ROC-AUC |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} |",
        tr.len(),
        te.len(),
        c.positives(),
        row(&c, roc_auc(&scored))
    );
    Ok(())
}

/// With `AUTHOR_MIX` = w > 0, each score is averaged (in log-odds) with
/// the mean log-odds of the same commenter's other comments under the same
/// article, weighted w; no labels are used.
fn author_mix(all: &[datasets::FoxComment], idx: &[usize], scored: Scored) -> Scored {
    let w: f64 = std::env::var("AUTHOR_MIX")
        .ok()
        .map(|v| v.parse().expect("AUTHOR_MIX"))
        .unwrap_or(0.0);
    if w <= 0.0 {
        return scored;
    }
    let logit = |p: f64| {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        (p / (1.0 - p)).ln()
    };
    (0..idx.len())
        .map(|a| {
            let c = &all[idx[a]];
            let others: Vec<f64> = (0..idx.len())
                .filter(|&b| b != a && !c.user.is_empty() && all[idx[b]].user == c.user)
                .map(|b| logit(scored[b].0))
                .collect();
            if others.is_empty() {
                return scored[a];
            }
            let m = others.iter().sum::<f64>() / others.len() as f64;
            let z = (logit(scored[a].0) + w * m) / (1.0 + w);
            (1.0 / (1.0 + (-z).exp()), scored[a].1)
        })
        .collect()
}

/// Five folds grouped by article, articles in title order; returns the
/// pooled out-of-fold scores.
fn fox(data: &Path, s: &Setup, print: bool) -> comment_sieve::Result<Scored> {
    let comments = datasets::fox_comments(&data.join("fox-news-comments/dev.jsonl"))?;
    let mut titles: Vec<&str> = comments.iter().map(|c| c.title.as_str()).collect();
    titles.sort_unstable();
    titles.dedup();
    let examples: Vec<Example> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut text = c.text.clone();
            if std::env::var("AUTHOR_TEXT").is_ok_and(|v| v == "1") {
                let ctx = fox_context(&comments, i, "author");
                if !ctx.is_empty() {
                    text = format!("{text}\n{ctx}");
                }
            }
            let e = Example::abuse(text, c.hateful().unwrap_or(false))
                .in_group(c.title.clone())
                .replying(c.reply());
            if s.context == "none" {
                e
            } else {
                e.with_context(fox_context(&comments, i, &s.context))
            }
        })
        .collect();
    let mut extra = Vec::new();
    if s.seeds {
        extra.extend(datasets::seed_examples(&data.join("seed_comments.jsonl"))?);
    }
    if s.davidson {
        extra.extend(datasets::davidson(
            &data.join("davidson-hate-offensive/labeled_data.csv"),
        )?);
    }
    if print {
        println!("Fox News comments, hateful vs not: five folds grouped by article (articles in title order), train on the other four articles' comments{}{}, test on this article's; abuse head; hateful when P(abuse) >= 0.5.",
            if s.seeds { " + the 25 seed comments" } else { "" },
            if s.davidson { " + all Davidson tweets" } else { "" });
        println!("command: cargo run --release --example evaluate -- fox; baseline: benches/baseline_lr.sh");
        println!();
        println!("| fold | test article | test | hateful | ROC-AUC | precision | recall | F1 |");
        println!("|---|---|---|---|---|---|---|---|");
    }
    let mut pooled = Vec::new();
    let mut aucs = Vec::new();
    for (k, title) in titles.iter().enumerate() {
        let mut tr: Vec<Example> = examples
            .iter()
            .filter(|e| e.group.as_deref() != Some(title))
            .cloned()
            .collect();
        tr.extend(extra.iter().cloned());
        let te_idx: Vec<usize> = (0..examples.len())
            .filter(|&i| examples[i].group.as_deref() == Some(title))
            .collect();
        let te: Vec<&Example> = te_idx.iter().map(|&i| &examples[i]).collect();
        let clf = Classifier::new(train::train(&s.params, &tr, vec![])?);
        let scored: Scored = te
            .iter()
            .map(|e| {
                let v = if s.text_only_test {
                    clf.classify_text(&e.text)
                } else {
                    clf.classify_in_thread(&e.text, e.context.as_deref(), e.reply)
                };
                (v.scores.abuse, is_abuse(e))
            })
            .collect();
        let scored = author_mix(&comments, &te_idx, scored);
        let c = counts_at(&scored, 0.5);
        let auc = roc_auc(&scored);
        aucs.push(auc);
        if print {
            println!(
                "| {} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
                k + 1,
                title.chars().take(40).collect::<String>(),
                te.len(),
                c.positives(),
                auc,
                c.precision(),
                c.recall(),
                c.f1()
            );
        }
        pooled.extend(scored);
    }
    if print {
        let c = counts_at(&pooled, 0.5);
        println!(
            "| mean of folds | | | | {:.3} | | | |",
            aucs.iter().sum::<f64>() / aucs.len() as f64
        );
        println!(
            "| pooled | | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            pooled.len(),
            c.positives(),
            roc_auc(&pooled),
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    Ok(pooled)
}

fn calibration(data: &Path, s: &Setup) -> comment_sieve::Result<()> {
    let spam = cross(data, s, false)?;
    let abuse = fox(data, s, false)?;
    println!("Calibration of the attribute scores (out-of-sample): spam = `scores.spam` of the cross-video runs (1,138 comments), abuse = `scores.abuse` of the Fox News article folds (656 comments).");
    println!("command: cargo run --release --example evaluate -- calibration");
    println!();
    let (rs, ra) = (reliability(&spam, 10), reliability(&abuse, 10));
    println!(
        "Brier score: spam {:.3}, abuse {:.3} (base rates {:.3} and {:.3}; always saying the base rate scores {:.3} and {:.3}). Expected calibration error: spam {:.3}, abuse {:.3}.",
        brier(&spam),
        brier(&abuse),
        base_rate(&spam),
        base_rate(&abuse),
        base_rate(&spam) * (1.0 - base_rate(&spam)),
        base_rate(&abuse) * (1.0 - base_rate(&abuse)),
        calibration_error(&rs),
        calibration_error(&ra)
    );
    println!();
    println!("| P bin | spam: comments | mean P | observed spam | abuse: comments | mean P | observed hateful |");
    println!("|---|---|---|---|---|---|---|");
    for (a, b) in rs.iter().zip(&ra) {
        println!(
            "| {:.1}–{:.1} | {} | {:.3} | {:.3} | {} | {:.3} | {:.3} |",
            a.lower,
            a.upper,
            a.count,
            a.mean_predicted,
            a.observed,
            b.count,
            b.mean_predicted,
            b.observed
        );
    }
    Ok(())
}

fn base_rate(s: &[(f64, bool)]) -> f64 {
    s.iter().filter(|x| x.1).count() as f64 / s.len().max(1) as f64
}

fn hold(data: &Path, s: &Setup) -> comment_sieve::Result<()> {
    let num = |n: &str, d: f64| std::env::var(n).ok().map_or(d, |v| v.parse().expect(n));
    let target_p = num("REJECT_PRECISION", 0.99);
    let target_r = num("HOLD_RECALL", 0.95);
    let spam = cross(data, s, false)?;
    let abuse = fox(data, s, false)?;
    println!("Hold band, chosen on out-of-sample scores (spam: cross-video runs; abuse: Fox News article folds): reject from the lowest score above which precision stays >= {target_p}; hold from the highest score that still catches >= {target_r} of the positives; approve below.");
    println!("command: cargo run --release --example evaluate -- hold");
    println!();
    println!("| attribute | hold from | reject from | approved | held | rejected | precision of rejects | positives approved | positives rejected |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, scored) in [("spam", &spam), ("abuse", &abuse)] {
        let reject = threshold_for_precision(scored, target_p);
        let hold = threshold_for_recall(scored, target_r).unwrap_or(0.5);
        let reject_at = reject.unwrap_or(1.0).max(hold);
        let rej = counts_at(scored, reject_at);
        let held = counts_at(scored, hold);
        let n = scored.len();
        let n_pos = held.positives();
        println!(
            "| {name} | {:.4} | {} | {} | {} | {} | {:.3} | {} of {n_pos} | {} of {n_pos} |",
            hold,
            reject.map_or("none (1.0)".to_string(), |r| format!("{r:.4}")),
            n as u64 - held.true_pos - held.false_pos,
            held.true_pos + held.false_pos - rej.true_pos - rej.false_pos,
            rej.true_pos + rej.false_pos,
            rej.precision(),
            held.false_neg,
            rej.true_pos
        );
    }
    Ok(())
}

fn seeds(data: &Path, params: &TrainParams) -> comment_sieve::Result<()> {
    let (all, _) = datasets::all_examples(data)?;
    let seeds = datasets::seed_comments(&data.join("seed_comments.jsonl"))?;
    let n = seeds.len();
    let mut right = 0;
    println!("Seed comments, leave-one-out: train on all default training data but one seed comment, classify it.");
    println!("command: cargo run --release --example evaluate -- seeds");
    println!();
    println!("| id | hand label | leave-one-out label |");
    println!("|---|---|---|");
    for (i, s) in seeds.iter().enumerate() {
        // Seeds come first in `all`.
        let train_set: Vec<Example> = all
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, e)| e.clone())
            .collect();
        let clf = Classifier::new(train::train(params, &train_set, vec![])?);
        let got = clf.classify_text(&s.text).label;
        right += usize::from(got == s.label);
        println!("| {} | {} | {} |", s.id, s.label, got);
    }
    println!("leave-one-out accuracy {right}/{n}");
    Ok(())
}

/// Prints the misclassified test comments of every video, published split
/// and cross-video (for error analysis).
fn errors(data: &Path, params: &TrainParams) -> comment_sieve::Result<()> {
    let videos: Vec<Vec<Example>> = datasets::YOUTUBE_FILES
        .iter()
        .map(|f| datasets::youtube(&data.join(f)))
        .collect::<comment_sieve::Result<_>>()?;
    for (i, f) in datasets::YOUTUBE_FILES.iter().enumerate() {
        let (tr, te) = split(&videos[i], 0.7, is_spam);
        println!("{}, published split:", video(f));
        print_errors(params, &tr, &te)?;
        let tr: Vec<Example> = videos
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        println!("{}, cross-video:", video(f));
        print_errors(params, &tr, &videos[i])?;
    }
    Ok(())
}

fn print_errors(params: &TrainParams, tr: &[Example], te: &[Example]) -> comment_sieve::Result<()> {
    let clf = Classifier::new(train::train(params, tr, vec![])?);
    for e in te {
        let v = clf.classify_text(&e.text);
        if (v.scores.spam >= 0.5) != is_spam(e) {
            println!(
                "  truth {} p={:.3} {:?}",
                if is_spam(e) { "spam" } else { "ham " },
                v.scores.spam,
                e.text.chars().take(160).collect::<String>()
            );
        }
    }
    Ok(())
}
