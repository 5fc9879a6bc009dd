//! `report --candidates` and `report --calibration-candidates`: the runs
//! that choose the default model's settings.
//!
//! Each run is the leave-one-source-out protocol of the report, once per
//! candidate of one setting, printing what its rule in
//! `docs/model-selection.md` compares. Nothing is written: the decision
//! and its table go into that file by hand, and the default
//! [`TrainParams`] follow it.

use comment_sieve::{Calibration, Example, FeatureConfig, Result, Scores, Thresholds, TrainParams};

use crate::report_cmd::{
    brier_by_source, leave_one_source_out, mean, mean_auc, measure, Table, ATTRIBUTES,
};

/// A setting whose candidates `--candidates` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CandidateSetting {
    /// The penalty weight λ of the logistic layer ([`PENALTIES`]).
    Penalty,
    /// The naive Bayes smoothing α of the attribute heads
    /// ([`SMOOTHINGS`]), with the chosen penalties.
    Smoothing,
    /// The vocabulary's minimum count of examples ([`MIN_DFS`]).
    MinDf,
    /// Where the labels are cut: the false-spam budget ([`BUDGETS`]) of
    /// a spam head fitted with a column per training source, and the
    /// abuse threshold ([`ABUSE_CUTS`]).
    Cuts,
    /// Whether the function words are features (the ninth run).
    FunctionWords,
    /// Whether the abuse heads get a character block (the eleventh run).
    CharBlock,
    /// Whether the abuse heads read the link-count shape (the thirteenth
    /// run).
    AbuseLinkCount,
    /// Whether the logistic fit has a column per training source (the
    /// fifteenth run).
    SourceIntercepts,
}

/// The candidate penalty weights λ of the attribute heads' logistic layer
/// (scikit-learn's `1/C`): the grid of the fourth and fifth runs of
/// docs/model-selection.md, each λ for every head.
const PENALTIES: [f64; 7] = [0.0625, 0.125, 0.25, 1.0, 4.0, 16.0, 64.0];

/// The candidate naive Bayes smoothing α of the attribute heads (the sixth
/// run of docs/model-selection.md), each α for every head.
const SMOOTHINGS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// The candidate minimum counts of the vocabulary (the eighth run).
const MIN_DFS: [u32; 4] = [1, 2, 3, 5];

/// The candidate false-spam budgets of the spam head (the seventh and
/// sixteenth runs).
const BUDGETS: [f64; 3] = [0.0025, 0.005, 0.01];

/// The candidate abuse thresholds (the seventh run), cutting toxicity and
/// identity attack alike.
const ABUSE_CUTS: [f64; 4] = [0.5, 0.45, 0.4, 0.35];

/// Runs the candidates of `setting` and prints what its rule compares.
pub fn run(setting: CandidateSetting, examples: &[Example]) -> Result<()> {
    match setting {
        CandidateSetting::Penalty => ranked_by_auc(
            examples,
            PENALTIES
                .iter()
                .map(|&l2| (format!("l2 {l2}"), TrainParams::default().l2(l2))),
        ),
        CandidateSetting::Smoothing => ranked_by_auc(
            examples,
            SMOOTHINGS
                .iter()
                .map(|&a| (format!("alpha {a}"), TrainParams::default().alpha(a))),
        ),
        CandidateSetting::MinDf => ranked_by_auc(
            examples,
            MIN_DFS
                .iter()
                .map(|&n| (format!("min_df {n}"), TrainParams::default().min_df(n))),
        ),
        CandidateSetting::Cuts => cuts(examples),
        CandidateSetting::CharBlock => ranked_by_auc(
            examples,
            [None, TrainParams::default().get_char_block()]
                .into_iter()
                .map(|bits| {
                    let name = match bits {
                        None => "words".to_string(),
                        Some(b) => format!("words + character block of 2^{b} buckets"),
                    };
                    (name, TrainParams::default().char_block(bits))
                }),
        ),
        CandidateSetting::AbuseLinkCount => switch(
            examples,
            [
                "the abuse heads read the link count",
                "the abuse heads do not read it",
            ],
            |read| TrainParams::default().abuse_link_count(read),
        ),
        CandidateSetting::SourceIntercepts => switch(
            examples,
            [
                "an intercept per training source while fitting",
                "one intercept",
            ],
            |on| TrainParams::default().source_intercepts(on),
        ),
        CandidateSetting::FunctionWords => switch(
            examples,
            ["function words kept", "function words left out"],
            |kept| {
                TrainParams::default().features(FeatureConfig {
                    function_words: kept,
                    ..FeatureConfig::default()
                })
            },
        ),
    }
}

/// [`ranked_by_auc`] of a setting switched on, then off: `names` says
/// what each is called.
fn switch(
    examples: &[Example],
    names: [&str; 2],
    params: impl Fn(bool) -> TrainParams,
) -> Result<()> {
    ranked_by_auc(
        examples,
        [true, false]
            .into_iter()
            .zip(names)
            .map(|(on, name)| (name.to_string(), params(on))),
    )
}

/// The mean MCC over the left-out sources with both classes of each
/// attribute, in [`ATTRIBUTES`] order.
fn mean_mcc(table: &Table) -> Vec<f64> {
    table
        .iter()
        .map(|(_, rows)| mean(rows.values().filter(|r| r.auc.is_some()).map(|r| r.mcc)))
        .collect()
}

/// The news sources' false-spam rates, `source rate%`, one per source.
fn false_spam(table: &Table) -> Vec<String> {
    table[0]
        .1
        .iter()
        .filter_map(|(s, r)| r.false_spam.map(|f| format!("{s} {:.2}%", 100.0 * f)))
        .collect()
}

/// Uncalibrated runs, one per candidate: the mean left-out-source ROC-AUC
/// per attribute, and per source.
fn ranked_by_auc(
    examples: &[Example],
    runs: impl Iterator<Item = (String, TrainParams)>,
) -> Result<()> {
    for (name, params) in runs {
        let params = params.calibrate(false);
        let scores = leave_one_source_out(&params, examples)?;
        let table = measure(examples, &scores, [0.5; 3]);
        let means: Vec<String> = table
            .iter()
            .map(|(a, rows)| format!("{a} {:.4}", mean_auc(rows)))
            .collect();
        let per_source: Vec<String> = table
            .iter()
            .map(|(a, rows)| {
                let cells: Vec<String> = rows
                    .iter()
                    .filter_map(|(s, r)| r.auc.map(|x| format!("{s} {x:.4}")))
                    .collect();
                format!("{a}: {}", cells.join(", "))
            })
            .collect();
        let all = comment_sieve::train::train(&params, examples, Vec::new())?;
        let size = comment_sieve::model::format::to_bytes(&all).len();
        println!(
            "{name}: mean left-out-source ROC-AUC: {}; mean {:.4}; model trained on all: {size} bytes\n  {}",
            means.join(", "),
            mean(table.iter().map(|(_, rows)| mean_auc(rows))),
            per_source.join("\n  ")
        );
    }
    Ok(())
}

/// The sixteenth run (the seventh's rule on a spam head fitted with a
/// column per training source): each false-spam budget's left-out spam
/// MCC and news false-spam rates, then each abuse threshold's mean MCC of
/// toxicity and identity attack, on the first budget's scores (the budget
/// moves only the spam head).
fn cuts(examples: &[Example]) -> Result<()> {
    // The budget moves the spam head only: the first budget's scores serve
    // the abuse cuts.
    let mut shipped: Vec<Scores> = Vec::new();
    for budget in BUDGETS {
        // The default spam head has its source columns.
        let params = TrainParams::default().false_spam_budget(Some(budget));
        let scores = leave_one_source_out(&params, examples)?;
        let table = measure(examples, &scores, [0.5; 3]);
        let rows = &table[0].1;
        let per_source: Vec<String> = rows
            .iter()
            .filter(|(_, r)| r.auc.is_some())
            .map(|(s, r)| format!("{s} MCC {:.4} recall {:.3}", r.mcc, r.recall))
            .collect();
        let false_spam = false_spam(&table);
        println!(
            "budget {:.2}%: mean spam MCC {:.4}; false spam: {}\n  {}",
            100.0 * budget,
            mean_mcc(&table)[0],
            false_spam.join(", "),
            per_source.join(", ")
        );
        if shipped.is_empty() {
            shipped = scores;
        }
    }
    for cut in ABUSE_CUTS {
        let table = measure(examples, &shipped, [0.5, cut, cut]);
        let m = mean_mcc(&table);
        let per_source: Vec<String> = table[1..]
            .iter()
            .map(|(a, rows)| {
                let cells: Vec<String> = rows
                    .iter()
                    .filter(|(_, r)| r.auc.is_some())
                    .map(|(s, r)| format!("{s} {:.4}", r.mcc))
                    .collect();
                format!("{a}: {}", cells.join(", "))
            })
            .collect();
        println!(
            "abuse threshold {cut}: mean MCC toxicity {:.4}, identity_attack {:.4}, mean {:.4}\n  {}",
            m[1],
            m[2],
            (m[1] + m[2]) / 2.0,
            per_source.join("\n  ")
        );
    }
    Ok(())
}

/// The calibration run of docs/model-selection.md: per attribute, the mean
/// MCC at the shipped thresholds over the left-out sources with both
/// classes, the mean Brier score, and the news false-spam rates.
pub fn calibration_candidates(examples: &[Example]) -> Result<()> {
    let cut = Thresholds::default();
    // The pooled and shared-slope rows were run before (see
    // docs/model-selection.md); this is the one candidate left.
    let params = TrainParams::default()
        .calibration(Calibration::SharedSlope)
        .false_spam_budget(Some(0.0025));
    let scores = leave_one_source_out(&params, examples)?;
    let table = measure(examples, &scores, [cut.spam, cut.abuse, cut.abuse]);
    let mcc = mean_mcc(&table);
    let mut means = Vec::new();
    for ((head, a), m) in ATTRIBUTES.iter().zip(&mcc) {
        let brier = mean(
            brier_by_source(examples, &scores, *head)
                .into_iter()
                .map(|(_, b)| b),
        );
        means.push(format!("{a} MCC {m:.4} Brier {brier:.4}"));
    }
    let false_spam = false_spam(&table);
    println!(
        "shared slope + budget: {}; mean MCC {:.4}; false spam: {}",
        means.join(", "),
        mean(mcc.into_iter()),
        false_spam.join(", ")
    );
    Ok(())
}
