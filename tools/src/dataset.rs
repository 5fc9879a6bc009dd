//! Labeled files for `train` and `eval`, with the known public formats
//! recognised from their columns:
//!
//! - CSV with `CONTENT` and `CLASS`: the YouTube Spam Collection (spam or not);
//! - CSV with `tweet` and `class`: Davidson et al. (abusive or not);
//! - JSONL whose first record has `title` and a numeric `label`: Gao &
//!   Huang's Fox News comments (abusive or not);
//! - otherwise JSONL or CSV with a content label field (`spam`, `abuse`,
//!   `off_topic`, `on_topic`) and a text field; optional `article_id`
//!   (the group) and `parent_id` (the place in the thread: a reply when
//!   it names a parent, a thread starter when null or empty).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::datasets;
use comment_sieve::{Error, Example, Label, Result};

use comment_sieve::input::{
    cell_names_parent, json_names_parent, Format, PARENT_FIELD, TEXT_FIELDS,
};

/// How to read generic labeled files.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The label field.
    pub label: String,
    /// The text field; detected when `None`.
    pub text: Option<String>,
}

/// A labeled file.
#[derive(Debug)]
pub struct LabeledFile {
    /// The file.
    pub path: PathBuf,
    /// What it was read as.
    pub kind: &'static str,
    /// Its examples in file order.
    pub examples: Vec<Example>,
}

fn record_err(path: &Path, line: u64, reason: String) -> Error {
    Error::InvalidRecord {
        source_name: path.display().to_string(),
        line,
        reason,
    }
}

/// Reads a labeled file.
pub fn load(path: &Path, fields: &Fields) -> Result<LabeledFile> {
    let (kind, examples) = match Format::of(Some(path), None) {
        Format::Csv => load_csv(path, fields)?,
        Format::Jsonl => load_jsonl(path, fields)?,
    };
    Ok(LabeledFile {
        path: path.to_path_buf(),
        kind,
        examples,
    })
}

fn load_csv(path: &Path, fields: &Fields) -> Result<(&'static str, Vec<Example>)> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_err(path, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let has = |n: &str| headers.iter().any(|h| h == n);
    let has_label = has(&fields.label);
    if !has_label && has("CONTENT") && has("CLASS") {
        return Ok(("YouTube spam (CONTENT, CLASS)", datasets::youtube(path)?));
    }
    if !has_label && has("tweet") && has("class") {
        return Ok(("Davidson (tweet, class)", datasets::davidson(path)?));
    }
    let col = |n: &str| headers.iter().position(|h| h == n);
    let label = col(&fields.label).ok_or_else(|| {
        record_err(
            path,
            1,
            format!(
                "no `{}` column and not a known data set (columns: {})",
                fields.label,
                headers.join(", ")
            ),
        )
    })?;
    let text = text_column(path, &headers, fields)?;
    let group = col("article_id");
    let parent = col(PARENT_FIELD);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let line = i as u64 + 2;
        let l: Label = rec
            .get(label)
            .unwrap_or_default()
            .parse()
            .map_err(|e| record_err(path, line, format!("`{}`: {e}", fields.label)))?;
        let mut ex = Example::labeled(rec.get(text).unwrap_or_default(), l);
        if let Some(g) = group.and_then(|g| rec.get(g)) {
            ex = ex.in_group(g);
        }
        if let Some(p) = parent.and_then(|p| rec.get(p)) {
            ex = ex.replying(cell_names_parent(p));
        }
        out.push(ex);
    }
    Ok(("labeled CSV", out))
}

fn text_column(path: &Path, headers: &[String], fields: &Fields) -> Result<usize> {
    let col = |n: &str| headers.iter().position(|h| h == n);
    match &fields.text {
        Some(n) => col(n),
        None => TEXT_FIELDS.iter().find_map(|n| col(n)),
    }
    .ok_or_else(|| {
        record_err(
            path,
            1,
            format!("no text column (columns: {})", headers.join(", ")),
        )
    })
}

fn load_jsonl(path: &Path, fields: &Fields) -> Result<(&'static str, Vec<Example>)> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    let mut fox = None;
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| record_err(path, line_no, format!("invalid JSON: {e}")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| record_err(path, line_no, "not a JSON object".into()))?;
        if fox.is_none() {
            let is_fox =
                obj.contains_key("title") && obj.get(&fields.label).is_some_and(|l| l.is_number());
            fox = Some(is_fox);
            if is_fox {
                return Ok(("Fox News comments (title, label 0/1)", datasets::fox(path)?));
            }
        }
        let text_name = match &fields.text {
            Some(n) => Some(n.as_str()),
            None => TEXT_FIELDS.iter().copied().find(|n| obj.contains_key(*n)),
        };
        let text = text_name
            .and_then(|n| obj.get(n))
            .and_then(|t| t.as_str())
            .ok_or_else(|| record_err(path, line_no, "no text field with a string".into()))?;
        let label = match obj.get(&fields.label) {
            Some(serde_json::Value::String(s)) => s
                .parse::<Label>()
                .map_err(|e| record_err(path, line_no, format!("`{}`: {e}", fields.label)))?,
            Some(other) => {
                return Err(record_err(
                    path,
                    line_no,
                    format!("`{}` is {other}, expected a label name", fields.label),
                ))
            }
            None => {
                return Err(record_err(
                    path,
                    line_no,
                    format!("no `{}` field", fields.label),
                ))
            }
        };
        let mut ex = Example::labeled(text, label);
        if let Some(g) = obj.get("article_id").and_then(|g| g.as_str()) {
            ex = ex.in_group(g);
        }
        // As in `label` input: a parent named, a reply; null or empty, a
        // thread starter; no field, not known.
        if let Some(p) = obj.get(PARENT_FIELD) {
            ex = ex.replying(json_names_parent(&p.to_string()));
        }
        out.push(ex);
    }
    Ok(("labeled JSONL", out))
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    record_err(path, line, e.to_string())
}
