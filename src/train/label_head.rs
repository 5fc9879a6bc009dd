//! The label head: linfa-bayes's `MultinomialNb` on the hand-labeled
//! comments (step 5 of [`crate::train`]).

use std::collections::HashMap;

use linfa::traits::FitWith;
use linfa::DatasetView;
use linfa_bayes::MultinomialNb;
use ndarray::{Array1, Array2};

use super::{vocabulary, Doc, Docs, TrainParams};
use crate::error::{Error, Result};
use crate::label::Example;
use crate::model::{Head, HEADS, LABEL};

/// Fits the label head with linfa-bayes on the examples with a content
/// label: the word features, then, apart, the structure features
/// (normalized on their own; see [`Head::structure_log_probs`]).
pub(super) fn label_head(
    examples: &[Example],
    docs: &[Docs],
    params: &TrainParams,
) -> Result<Head> {
    let (name, classes) = HEADS[LABEL];
    let rows: Vec<(&Docs, usize)> = examples
        .iter()
        .zip(docs)
        .filter_map(|(e, d)| e.label.map(|l| (d, l.index())))
        .collect();
    let mut head = Head {
        name: name.to_string(),
        classes: classes.iter().map(|s| s.to_string()).collect(),
        class_counts: vec![0; classes.len()],
        alpha: params.label_alpha,
        keys: Vec::new(),
        counts: Vec::new(),
        structure_keys: Vec::new(),
        structure_counts: Vec::new(),
        logistic: None,
        chars: None,
    };
    if rows.is_empty() {
        // No example has a content label: an untrained head, which the
        // classifier ignores.
        return Ok(head);
    }
    let text: Vec<(&Doc, usize)> = rows.iter().map(|&(d, y)| (&d.text, y)).collect();
    // The label head learns from a few hand-labeled comments: a word in two
    // of them is a feature.
    let min_df = 2.min(params.min_df);
    (head.class_counts, head.keys, head.counts) = fit_space(name, classes, &text, params, min_df)?
        .ok_or_else(|| {
            Error::Training(format!(
                "head `{name}`: no feature occurs in {min_df} or more examples"
            ))
        })?;
    let structure: Vec<(&Doc, usize)> = rows
        .iter()
        .filter(|(d, _)| !d.structure.is_empty())
        .map(|&(d, y)| (&d.structure, y))
        .collect();
    let first = structure.first().map(|&(_, y)| y);
    if structure.iter().any(|&(_, y)| Some(y) != first) {
        if let Some((_, keys, counts)) = fit_space(name, classes, &structure, params, 1)? {
            (head.structure_keys, head.structure_counts) = (keys, counts);
        }
    }
    Ok(head)
}

/// What one feature space fits to: class counts, vocabulary (sorted keys)
/// and feature counts (keys × classes).
type Fitted = (Vec<u64>, Vec<u64>, Vec<f32>);

/// Class counts, vocabulary and feature counts of one feature space (the
/// words' or the thread structure's) fitted by linfa-bayes; `None` when no feature
/// reaches `min_df`.
fn fit_space(
    name: &str,
    classes: &[&str],
    rows: &[(&Doc, usize)],
    params: &TrainParams,
    min_df: u32,
) -> Result<Option<Fitted>> {
    let mut class_n = vec![0u64; classes.len()];
    for &(_, y) in rows {
        class_n[y] += 1;
    }
    if class_n.iter().filter(|&&n| n > 0).count() < 2 {
        return Err(Error::Training(format!(
            "head `{name}` needs examples of at least two classes; it has {} ({})",
            rows.len(),
            classes
                .iter()
                .zip(&class_n)
                .map(|(c, n)| format!("{c}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let keys = vocabulary(rows.iter().map(|&(d, _)| d), min_df);
    if keys.is_empty() {
        return Ok(None);
    }
    let index: HashMap<u64, usize> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let width = keys.len();
    let rows_per_chunk = (params.chunk_bytes / (width * 8)).max(1);
    let alpha = params.label_alpha;
    let nb = MultinomialNb::<f64, usize>::params().alpha(alpha);
    let nb = linfa::ParamGuard::check(nb)?;
    let mut model: Option<MultinomialNb<f64, usize>> = None;
    for chunk in rows.chunks(rows_per_chunk) {
        let mut x = Array2::<f64>::zeros((chunk.len(), width));
        for (r, (doc, _)) in chunk.iter().enumerate() {
            for &(k, c) in doc.iter() {
                if let Some(&j) = index.get(&k) {
                    x[[r, j]] += c as f64;
                }
            }
        }
        let y: Array1<usize> = chunk.iter().map(|&(_, y)| y).collect();
        let ds = DatasetView::new(x.view(), y.view());
        model = nb.fit_with(model, &ds)?;
    }
    let model = model.ok_or_else(|| Error::Training(format!("head `{name}`: no examples")))?;
    let (class_counts, counts) = read_counts(&model, classes.len(), width)
        .map_err(|e| Error::Training(format!("head `{name}`: reading linfa-bayes state: {e}")))?;
    Ok(Some((class_counts, keys, counts)))
}

/// Reads class counts and feature counts out of linfa-bayes's serialized
/// model (its fields are private; serde is its public view of them).
fn read_counts(
    model: &MultinomialNb<f64, usize>,
    n_classes: usize,
    width: usize,
) -> std::result::Result<(Vec<u64>, Vec<f32>), String> {
    let v = serde_json::to_value(model).map_err(|e| e.to_string())?;
    let info = v
        .get("class_info")
        .and_then(|c| c.as_object())
        .ok_or("no class_info")?;
    let mut class_counts = vec![0u64; n_classes];
    let mut counts = vec![0f32; width * n_classes];
    for (label, ci) in info {
        let y: usize = label.parse().map_err(|_| format!("class {label:?}"))?;
        if y >= n_classes {
            return Err(format!("class {y} out of range"));
        }
        class_counts[y] = ci
            .get("class_count")
            .and_then(|c| c.as_u64())
            .ok_or("no class_count")?;
        let data = ci
            .get("feature_count")
            .and_then(|f| f.get("data"))
            .and_then(|d| d.as_array())
            .ok_or("no feature_count")?;
        if data.len() != width {
            return Err(format!("{} feature counts, expected {width}", data.len()));
        }
        for (j, x) in data.iter().enumerate() {
            counts[j * n_classes + y] = x.as_f64().ok_or("count is not a number")? as f32;
        }
    }
    Ok((class_counts, counts))
}
