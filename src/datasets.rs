//! Loaders for the labeled data sets in `data/`.
//!
//! Each public set labels one attribute, and each loader says only that:
//! YouTube comments are spam or not, Davidson's tweets and the Fox News
//! comments abusive or not. The seed comments carry full content labels.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::label::{Example, Label};

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn record_err(path: &Path, line: u64, reason: impl Into<String>) -> Error {
    Error::InvalidRecord {
        source_name: path.display().to_string(),
        line,
        reason: reason.into(),
    }
}

/// A hand-labeled comment (the format of `data/seed_comments.jsonl`).
#[derive(Debug, Clone, Deserialize)]
pub struct SeedComment {
    /// Its id.
    pub id: String,
    /// Its author.
    #[serde(default)]
    pub author: Option<String>,
    /// The article it was posted under.
    #[serde(default)]
    pub article_id: Option<String>,
    /// Its text.
    pub text: String,
    /// Its content label.
    pub label: Label,
    /// The id of the earlier comment it repeats.
    #[serde(default)]
    pub duplicate_of: Option<String>,
}

/// Reads labeled comments from JSONL (`id`, `text`, `label`, optional
/// `author`, `article_id`, `duplicate_of`).
pub fn seed_comments(path: &Path) -> Result<Vec<SeedComment>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: SeedComment = serde_json::from_str(line)
            .map_err(|e| record_err(path, i as u64 + 1, e.to_string()))?;
        out.push(c);
    }
    Ok(out)
}

/// The seed comments as training examples.
pub fn seed_examples(path: &Path) -> Result<Vec<Example>> {
    Ok(seed_comments(path)?
        .into_iter()
        .map(|c| {
            let g = c.article_id.clone().unwrap_or_default();
            Example::labeled(c.text, c.label).in_group(g)
        })
        .collect())
}

/// One YouTube Spam Collection CSV (`COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS`),
/// grouped by the file's stem.
pub fn youtube(path: &Path) -> Result<Vec<Example>> {
    let group = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (mut rdr, cols) = csv_with_columns(path, &["CONTENT", "CLASS"])?;
    let (content, class) = (cols[0], cols[1]);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let line = i as u64 + 2;
        let text = rec.get(content).unwrap_or_default().to_string();
        let is_spam = match rec.get(class).map(str::trim) {
            Some("1") => true,
            Some("0") => false,
            other => {
                return Err(record_err(
                    path,
                    line,
                    format!("CLASS is {other:?}, expected 0 or 1"),
                ))
            }
        };
        out.push(Example::spam(text, is_spam).in_group(group.clone()));
    }
    Ok(out)
}

/// Davidson et al.'s tweets: abusive when the majority class is hate (0) or
/// offensive (1), not when it is neither (2).
pub fn davidson(path: &Path) -> Result<Vec<Example>> {
    let (mut rdr, cols) = csv_with_columns(path, &["tweet", "class"])?;
    let (tweet, class) = (cols[0], cols[1]);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let c = rec.get(class).unwrap_or_default().trim();
        let abusive = match c {
            "0" | "1" => true,
            "2" => false,
            other => {
                return Err(record_err(
                    path,
                    i as u64 + 2,
                    format!("class is {other:?}, expected 0, 1 or 2"),
                ))
            }
        };
        out.push(Example::abuse(rec.get(tweet).unwrap_or_default(), abusive).in_group("davidson"));
    }
    Ok(out)
}

/// A Fox News comment with its context.
#[derive(Debug, Clone, Deserialize)]
pub struct FoxComment {
    /// The article's title.
    pub title: String,
    /// The article's lead text.
    #[serde(default)]
    pub meta: String,
    /// The comment.
    pub text: String,
    /// 1 hateful, 0 not.
    pub label: serde_json::Value,
    /// The previous comment of the thread.
    #[serde(default)]
    pub prev: serde_json::Value,
    /// The next comment of the thread.
    #[serde(default)]
    pub succ: serde_json::Value,
    /// The commenter's screen name.
    #[serde(default)]
    pub user: String,
    /// Screen names the comment mentions (`@name`, space-separated).
    #[serde(default)]
    pub mentions: String,
}

impl FoxComment {
    /// Whether it is labeled hateful.
    pub fn hateful(&self) -> Option<bool> {
        match &self.label {
            serde_json::Value::Number(n) => n.as_i64().map(|v| v == 1),
            serde_json::Value::String(s) => Some(s.trim() == "1"),
            serde_json::Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether it replies to another comment: it has a previous comment in
    /// its thread or mentions another commenter (top-level comments have
    /// neither).
    pub fn reply(&self) -> bool {
        self.prev.as_str().is_some_and(|p| !p.trim().is_empty()) || !self.mentions.trim().is_empty()
    }
}

/// Gao & Huang's Fox News comments (JSONL), with their context.
pub fn fox_comments(path: &Path) -> Result<Vec<FoxComment>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: FoxComment = serde_json::from_str(line)
            .map_err(|e| record_err(path, i as u64 + 1, e.to_string()))?;
        if c.hateful().is_none() {
            return Err(record_err(
                path,
                i as u64 + 1,
                format!("label is {}, expected 0 or 1", c.label),
            ));
        }
        out.push(c);
    }
    Ok(out)
}

/// The Fox News comments as abuse examples grouped by article, with their
/// place in the thread (reply or top-level).
pub fn fox(path: &Path) -> Result<Vec<Example>> {
    Ok(fox_comments(path)?
        .into_iter()
        .map(|c| {
            let h = c.hateful().unwrap_or(false);
            let reply = c.reply();
            Example::abuse(c.text, h).in_group(c.title).replying(reply)
        })
        .collect())
}

/// Opens a CSV file and finds the columns `names` in its header.
fn csv_with_columns(
    path: &Path,
    names: &[&str],
) -> Result<(csv::Reader<std::fs::File>, Vec<usize>)> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
    let headers = rdr.headers().map_err(|e| csv_err(path, e))?;
    let cols = names
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h == *name)
                .ok_or_else(|| record_err(path, 1, format!("no column {name}")))
        })
        .collect::<Result<Vec<usize>>>()?;
    Ok((rdr, cols))
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    record_err(path, line, e.to_string())
}

/// The YouTube files of `data/`, in their published order.
pub const YOUTUBE_FILES: [&str; 3] = [
    "youtube-spam/Youtube01-Psy.csv",
    "youtube-spam/Youtube02-KatyPerry.csv",
    "youtube-spam/Youtube03-LMFAO.csv",
];

/// The default model's training examples under `data_dir`, in a fixed
/// order: seeds, YouTube (Psy, KatyPerry, LMFAO), Fox News. Davidson's
/// tweets are left out: mixed in, their profanity-centred notion of abuse
/// drowned the news comments' (the seed comments' abuse went undetected).
pub fn all_examples(data_dir: &Path) -> Result<(Vec<Example>, Vec<String>)> {
    let mut ex = seed_examples(&data_dir.join("seed_comments.jsonl"))?;
    let mut sources = vec![format!("seed_comments.jsonl: {} comments", ex.len())];
    for f in YOUTUBE_FILES {
        let v = youtube(&data_dir.join(f))?;
        sources.push(format!("{f}: {} comments", v.len()));
        ex.extend(v);
    }
    let v = fox(&data_dir.join("fox-news-comments/dev.jsonl"))?;
    sources.push(format!("fox-news-comments/dev.jsonl: {} comments", v.len()));
    ex.extend(v);
    Ok((ex, sources))
}
