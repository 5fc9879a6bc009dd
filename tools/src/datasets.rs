//! Loaders for the labeled data sets in `data/`.
//!
//! Each public set labels one or two attributes, and each loader says only
//! what its set labels (see each folder's README for what the labels mean):
//!
//! | source | spam | toxicity | identity_attack |
//! |---|---|---|---|
//! | `seeds` | label `spam` | label `abuse` | `false` for on/off-topic |
//! | `youtube-psy`, `youtube-katyperry`, `youtube-lmfao` | `CLASS` | | |
//! | `scamspot-instagram` | `scam` | | |
//! | `janitr-x` | a spam kind (`scam`, `spam`, `phishing`, …) / `clean` | | |
//! | `civil-comments` | `false` (news comments) | annotators' majority, `toxicity` ≥ 0.5, `toxic` | `identity_attack` ≥ 0.5 |
//! | `fox-news` | `false` (news comments) | | `hateful` |
//! | `davidson` | | hate or offensive | hate |
//! | `jigsaw` | | `toxic` | |
//! | `sbic` | | `offensiveYN` ≥ 0.5 | offensive and aimed at a group |
//! | `stormfront` | | | `hate` / `noHate` |
//!
//! [`all_examples`] joins them in a fixed order, drops repeated texts (the
//! first occurrence wins, so no text sits in two sources), and drops every
//! text of the toxic-span trial file, which is kept for evaluation.

use std::path::Path;

use serde::Deserialize;

pub use comment_sieve::spans::SpanExample;
use comment_sieve::{Error, Example, Label, Result};

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
            Example::labeled(c.text, c.label)
                .in_group(g)
                .from_source("seeds")
        })
        .collect())
}

/// The comment a seed comment replies to: the latest earlier comment under
/// the same article by an author it names at its start (`@Salim Shaikh`,
/// `kms123, yes …`). The seed pages keep no reply links, only these
/// mentions.
pub fn replied_to(seeds: &[SeedComment], i: usize) -> Option<&SeedComment> {
    let s = &seeds[i];
    let head = s.text.trim_start_matches(['@', ' ']).to_lowercase();
    seeds[..i].iter().rev().find(|e| {
        e.article_id == s.article_id
            && e.author
                .as_deref()
                .is_some_and(|a| !a.is_empty() && head.starts_with(&a.to_lowercase()))
    })
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
        out.push(
            Example::spam(text, is_spam)
                .in_group(group.clone())
                .from_source(youtube_source(&group)),
        );
    }
    Ok(out)
}

/// The source name of a YouTube file stem (`Youtube01-Psy` → `youtube-psy`).
fn youtube_source(stem: &str) -> String {
    let video = stem.rsplit('-').next().unwrap_or(stem);
    format!("youtube-{}", video.to_lowercase())
}

/// Davidson et al.'s tweets: toxic when the majority class is hate (0) or
/// offensive (1), not when it is neither (2); an identity attack when it is
/// hate.
pub fn davidson(path: &Path) -> Result<Vec<Example>> {
    let (mut rdr, cols) = csv_with_columns(path, &["tweet", "class"])?;
    let (tweet, class) = (cols[0], cols[1]);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let c = rec.get(class).unwrap_or_default().trim();
        let (toxic, hate) = match c {
            "0" => (true, true),
            "1" => (true, false),
            "2" => (false, false),
            other => {
                return Err(record_err(
                    path,
                    i as u64 + 2,
                    format!("class is {other:?}, expected 0, 1 or 2"),
                ))
            }
        };
        out.push(
            Example::toxic(rec.get(tweet).unwrap_or_default(), toxic)
                .with_identity_attack(hate)
                .in_group("davidson")
                .from_source("davidson"),
        );
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

/// The Fox News comments as identity-attack examples (hateful: they attack
/// people for who they are) that are not spam, grouped by article, with
/// their place in the thread (reply or top-level).
pub fn fox(path: &Path) -> Result<Vec<Example>> {
    Ok(fox_comments(path)?
        .into_iter()
        .map(|c| {
            let h = c.hateful().unwrap_or(false);
            let reply = c.reply();
            Example::identity_attack(c.text, h)
                .with_spam(false)
                .in_group(c.title)
                .replying(reply)
                .from_source("fox-news")
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

/// Reads the columns `names` of every record of a CSV file, with the
/// record's line in the file.
fn csv_records(path: &Path, names: &[&str]) -> Result<Vec<(u64, Vec<String>)>> {
    let (mut rdr, cols) = csv_with_columns(path, names)?;
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        if !rdr.read_record(&mut rec).map_err(|e| csv_err(path, e))? {
            break;
        }
        let row = cols
            .iter()
            .map(|&c| rec.get(c).unwrap_or_default().to_string())
            .collect();
        out.push((line, row));
    }
    Ok(out)
}

fn parse_f64(path: &Path, line: u64, name: &str, v: &str) -> Result<f64> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| record_err(path, line, format!("{name} is {v:?}, expected a number")))
}

fn parse_01(path: &Path, line: u64, name: &str, v: &str) -> Result<bool> {
    match v.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(record_err(
            path,
            line,
            format!("{name} is {other:?}, expected 0 or 1"),
        )),
    }
}

/// The group of the Civil Comments that are a sample of an ordinary
/// stream of news comments (`toxic_or_not.csv`, about one in ten toxic),
/// unlike the toxic-spans corpus and the attribute release, most of whose
/// comments were chosen for being toxic.
pub const CIVIL_STREAM: &str = "civil-comments-stream";

/// Civil Comments (news-site comments, none of them spam): the toxic-spans
/// corpus judged by its annotators (toxic unless most ticked `not_toxic`),
/// the attribute release (toxicity and identity attack at a rater share of
/// at least one half) and the realistic-rate sample (`toxic` / `not toxic`).
pub fn civil(dir: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    // Annotator votes per comment: (not toxic, all).
    let ann = dir.join("annotations.csv");
    let mut votes: std::collections::HashMap<String, (u32, u32)> = Default::default();
    for (line, r) in csv_records(&ann, &["comment_id", "not_toxic"])? {
        let not = match r[1].trim() {
            "True" => 1,
            "False" => 0,
            other => {
                return Err(record_err(
                    &ann,
                    line,
                    format!("not_toxic is {other:?}, expected True or False"),
                ))
            }
        };
        let v = votes.entry(r[0].clone()).or_default();
        v.0 += not;
        v.1 += 1;
    }
    let path = dir.join("comments.csv");
    for (line, r) in csv_records(&path, &["comment_id", "comment_text"])? {
        let Some(&(not, all)) = votes.get(&r[0]) else {
            return Err(record_err(
                &path,
                line,
                format!("comment {} has no annotation", r[0]),
            ));
        };
        out.push(civil_example(&r[1], 2 * not <= all));
    }
    let path = dir.join("attributes.csv");
    for (line, r) in csv_records(&path, &["text", "toxicity", "identity_attack"])? {
        let tox = parse_f64(&path, line, "toxicity", &r[1])?;
        let ia = parse_f64(&path, line, "identity_attack", &r[2])?;
        out.push(civil_example(&r[0], tox >= 0.5).with_identity_attack(ia >= 0.5));
    }
    let path = dir.join("toxic_or_not.csv");
    for (line, r) in csv_records(&path, &["text", "label"])? {
        let toxic = match r[1].trim() {
            "toxic" => true,
            "not toxic" => false,
            other => {
                return Err(record_err(
                    &path,
                    line,
                    format!("label is {other:?}, expected `toxic` or `not toxic`"),
                ))
            }
        };
        out.push(civil_example(&r[0], toxic).in_group(CIVIL_STREAM));
    }
    Ok(out)
}

fn civil_example(text: &str, toxic: bool) -> Example {
    Example::toxic(text, toxic)
        .with_spam(false)
        .in_group("civil-comments")
        .from_source("civil-comments")
}

/// A SemEval-2021 toxic-spans CSV (`spans,text`; spans a JSON list of
/// code-point offsets).
pub fn toxic_spans(path: &Path) -> Result<Vec<SpanExample>> {
    let mut out = Vec::new();
    for (line, r) in csv_records(path, &["spans", "text"])? {
        let mut offsets: Vec<usize> = serde_json::from_str(&r[0])
            .map_err(|e| record_err(path, line, format!("spans {:?}: {e}", r[0])))?;
        offsets.sort_unstable();
        offsets.dedup();
        out.push(SpanExample {
            text: r[1].clone(),
            offsets,
        });
    }
    Ok(out)
}

/// Sentences of the Stormfront forum (de Gibert et al.): an identity
/// attack when labeled `hate`, not when `noHate`; `relation` (hateful only
/// with its neighbours) and `idk/skip` are left out.
pub fn stormfront(path: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for (line, r) in csv_records(path, &["label", "text"])? {
        let hate = match r[0].trim() {
            "hate" => true,
            "noHate" => false,
            "relation" | "idk/skip" => continue,
            other => {
                return Err(record_err(
                    path,
                    line,
                    format!("label is {other:?}, expected hate, noHate, relation or idk/skip"),
                ))
            }
        };
        out.push(
            Example::identity_attack(&r[1], hate)
                .in_group("stormfront")
                .from_source("stormfront"),
        );
    }
    Ok(out)
}

/// Social Bias Inference Corpus posts: toxic when `offensiveYN` ≥ 0.5; an
/// identity attack when offensive and aimed at a group (`whoTarget` ≥ 0.5).
pub fn sbic(path: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for (line, r) in csv_records(path, &["post", "offensiveYN", "whoTarget"])? {
        let offensive = parse_f64(path, line, "offensiveYN", &r[1])? >= 0.5;
        let group = match r[2].trim() {
            "" => false,
            v => parse_f64(path, line, "whoTarget", v)? >= 0.5,
        };
        out.push(
            Example::toxic(r[0].trim(), offensive)
                .with_identity_attack(offensive && group)
                .in_group("sbic")
                .from_source("sbic"),
        );
    }
    Ok(out)
}

/// The Jigsaw toxic Wikipedia talk-page sample (`comment_text, toxic`).
pub fn jigsaw(path: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for (line, r) in csv_records(path, &["comment_text", "toxic"])? {
        let toxic = parse_01(path, line, "toxic", &r[1])?;
        out.push(
            Example::toxic(&r[0], toxic)
                .in_group("jigsaw")
                .from_source("jigsaw"),
        );
    }
    Ok(out)
}

/// ScamSpot's Instagram comments (`number, scam, msg`): spam when `scam`.
pub fn scamspot(path: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for (line, r) in csv_records(path, &["scam", "msg"])? {
        let scam = parse_01(path, line, "scam", &r[0])?;
        out.push(
            Example::spam(&r[1], scam)
                .in_group("scamspot-instagram")
                .from_source("scamspot-instagram"),
        );
    }
    Ok(out)
}

/// The label kinds of janitr's X posts that are comment spam.
pub const JANITR_SPAM_KINDS: &[&str] = &[
    "affiliate",
    "follow_train",
    "giveaway",
    "lead_gen",
    "phishing",
    "recovery_scam",
    "reply_spam",
    "scam",
    "spam",
];

/// janitr's X posts: spam when a label is a spam kind
/// ([`JANITR_SPAM_KINDS`]), not spam when labeled `clean`; posts with
/// neither (brands' own `promo` posts, bots, topic tags alone) say nothing
/// of spam and are left out.
pub fn janitr(path: &Path) -> Result<Vec<Example>> {
    #[derive(Deserialize)]
    struct Post {
        text: String,
        labels: Vec<String>,
    }
    let mut out = Vec::new();
    for (i, line) in read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p: Post = serde_json::from_str(line)
            .map_err(|e| record_err(path, i as u64 + 1, e.to_string()))?;
        let spam = if p
            .labels
            .iter()
            .any(|l| JANITR_SPAM_KINDS.contains(&l.as_str()))
        {
            true
        } else if p.labels.iter().any(|l| l == "clean") {
            false
        } else {
            continue;
        };
        out.push(
            Example::spam(p.text, spam)
                .in_group("janitr-x")
                .from_source("janitr-x"),
        );
    }
    Ok(out)
}

/// The share of toxic comments in an ordinary stream of news comments: the
/// share in Civil Comments' realistic-rate sample (`toxic_or_not.csv`).
/// The toxicity training examples are mostly drawn for being toxic: a site
/// that wants scores calibrated to such a stream passes this share to
/// [`TrainParams::stream_rate`](comment_sieve::TrainParams::stream_rate).
pub fn news_toxicity_rate(data_dir: &Path) -> Result<f64> {
    let path = data_dir.join("civil-comments/toxic_or_not.csv");
    let rows = csv_records(&path, &["label"])?;
    let toxic = rows.iter().filter(|(_, r)| r[0].trim() == "toxic").count();
    if rows.is_empty() {
        return Err(record_err(&path, 1, "no rows"));
    }
    Ok(toxic as f64 / rows.len() as f64)
}

/// The toxic-span trial file, kept for evaluation (never trained on).
pub const SPANS_TRIAL: &str = "civil-comments/spans_trial.csv";
/// The toxic-span training file.
pub const SPANS_TRAIN: &str = "civil-comments/spans_train.csv";

/// A text's identity for de-duplication: lower case, white space folded.
fn dedup_key(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every labeled example under `data_dir`, in a fixed order (seeds,
/// YouTube by video, ScamSpot, janitr, Civil Comments, Fox News, Davidson,
/// Jigsaw, SBIC, Stormfront), with a line per source saying how many it
/// gave. A text that occurred before (lower case, white space folded), in
/// its own source or an earlier one, is dropped, and so is every text of
/// the toxic-span trial file: no text is in two sources, and the span
/// evaluation is on comments never trained on.
pub fn all_examples(data_dir: &Path) -> Result<(Vec<Example>, Vec<String>)> {
    let mut parts: Vec<(String, Vec<Example>)> = vec![(
        "seed_comments.jsonl".into(),
        seed_examples(&data_dir.join("seed_comments.jsonl"))?,
    )];
    for f in YOUTUBE_FILES {
        parts.push((f.into(), youtube(&data_dir.join(f))?));
    }
    let f = "scamspot-instagram/comments.csv";
    parts.push((f.into(), scamspot(&data_dir.join(f))?));
    let f = "janitr-x/posts.jsonl";
    parts.push((f.into(), janitr(&data_dir.join(f))?));
    parts.push((
        "civil-comments/".into(),
        civil(&data_dir.join("civil-comments"))?,
    ));
    let f = "fox-news-comments/dev.jsonl";
    parts.push((f.into(), fox(&data_dir.join(f))?));
    let f = "davidson-hate-offensive/labeled_data.csv";
    parts.push((f.into(), davidson(&data_dir.join(f))?));
    let f = "jigsaw-toxic-sample/comments.csv";
    parts.push((f.into(), jigsaw(&data_dir.join(f))?));
    for f in ["sbic/SBIC.v2.agg.dev.csv", "sbic/SBIC.v2.agg.tst.csv"] {
        parts.push((f.into(), sbic(&data_dir.join(f))?));
    }
    let f = "stormfront-hate/sentences.csv";
    parts.push((f.into(), stormfront(&data_dir.join(f))?));

    let mut seen: std::collections::HashSet<String> = toxic_spans(&data_dir.join(SPANS_TRIAL))?
        .iter()
        .map(|s| dedup_key(&s.text))
        .collect();
    let mut all = Vec::new();
    let mut sources = Vec::new();
    for (name, examples) in parts {
        let read = examples.len();
        let before = all.len();
        for ex in examples {
            if !ex.text.trim().is_empty() && seen.insert(dedup_key(&ex.text)) {
                all.push(ex);
            }
        }
        sources.push(format!(
            "{name}: {} examples ({} repeated or held for span evaluation, dropped)",
            all.len() - before,
            read - (all.len() - before)
        ));
    }
    Ok((all, sources))
}
