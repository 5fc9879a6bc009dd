//! `comment-sieve label`: classifies every record of JSONL, JSON array,
//! CSV or Disqus XML files.
//!
//! Records are read in batches, each batch is parsed and classified in
//! parallel, then written in input order, and the next batch is read:
//! memory stays bounded by the batch size and `--max-bytes`.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use comment_sieve::moderate::{Moderator, Policy};
use comment_sieve::{
    Classifier, Comment, DupInput, DuplicateDetector, DuplicateParams, Error, Label, Result, Scope,
};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::csv_out;
use crate::output::{self, Sink, ADDED_FIELDS};
use comment_sieve::input::{
    cell_of_field_names_parent, field_names_parent, json_str, shorten, Fields, Input, RawData,
    RawRecord, ARTICLE_FIELDS, AUTHOR_FIELDS, ID_FIELDS, PARENT_FIELDS, TEXT_FIELDS,
};

pub use crate::formats::FormatArg;

/// Records read, classified and written at a time.
const BATCH: usize = 4096;
/// Bytes an output record is given beyond its input's length: room for
/// the verdict's fields of most records (labels, five scores, a few
/// reasons; about 370 bytes on average), so that it is seldom grown.
const OUT_ROOM: usize = 512;

/// Arguments of `label`.
#[derive(Args, Debug)]
pub struct LabelArgs {
    /// Input files (JSONL, a JSON array of records, CSV, or a Disqus XML
    /// export); stdin when none or `-`.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output file, written to a temporary file and renamed at the end;
    /// stdout when absent.
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: Option<PathBuf>,
    /// Output format: `jsonl`, each input record with the verdict's fields
    /// added, or `csv` for spreadsheets, fixed columns `id, text, label,
    /// action, spam, toxicity, identity_attack, abuse, off_topic,
    /// duplicate, duplicate_of, reasons` and, for a record that failed,
    /// `file, line, error`.
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    pub output_format: OutputFormat,
    /// Input format (default: CSV for `.csv` files, Disqus for `.xml`
    /// files, else Disqus when the content starts with `<?xml` or
    /// `<disqus`, else JSONL or a JSON array). A Disqus post becomes the
    /// record {id, text, author, author_name, article_id, article_url,
    /// article_title, parent_id, created_at, is_deleted, is_spam}: id the
    /// post's dsq:id, text its message with HTML tags removed and entities
    /// decoded, article_id its thread's dsq:id; deleted and spam posts are
    /// labeled too and keep their flags.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// A model file (default: the embedded model).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// The text field (default: the first of text, CONTENT, content,
    /// comment, body, tweet, comment_content, Comment Text, Body).
    #[arg(long, value_name = "NAME")]
    pub text_field: Option<String>,
    /// The id field (default: the first of id, COMMENT_ID, comment_id,
    /// comment_ID, Comment ID, ID; else the record's line in its file).
    #[arg(long, value_name = "NAME")]
    pub id_field: Option<String>,
    /// The author field (default: the first of author, AUTHOR,
    /// comment_author).
    #[arg(long, value_name = "NAME")]
    pub author_field: Option<String>,
    /// The field naming the article a comment is under (default: the first
    /// of article_id, comment_post_ID, Article URL, Article).
    #[arg(long, value_name = "NAME")]
    pub article_field: Option<String>,
    /// The field naming the comment it replies to (default: the first of
    /// parent_id, comment_parent; empty or null: a thread starter, and for
    /// WordPress's comment_parent also 0).
    #[arg(long, value_name = "NAME")]
    pub parent_field: Option<String>,
    /// Skip the duplicate check.
    #[arg(long)]
    pub no_dedup: bool,
    /// No progress bar, no summary (errors are still reported).
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Longest record accepted, in bytes; longer ones yield error records.
    #[arg(long, default_value_t = 1 << 20, value_name = "N")]
    pub max_bytes: usize,
    /// Stop at the first bad record (exit 1); with -o, no output file is
    /// left.
    #[arg(long)]
    pub strict: bool,
    /// Compare each comment with every earlier one (`site`) or only with
    /// those of the same `article_id` (`thread`).
    #[arg(long, value_enum, default_value_t = DedupScope::Site)]
    pub dedup_scope: DedupScope,
    /// Articles (JSONL: `id`, `title`, `body`) to judge comments against by
    /// their `article_id`; every record then gets the moderator's verdict:
    /// its `label`, `scores` and `reasons` (`rule`, `detail`, `weight`,
    /// `span`), and the `action` (approve, hold, reject).
    #[arg(long, value_name = "FILE")]
    pub articles: Option<PathBuf>,
}

/// An article of `--articles`.
#[derive(serde::Deserialize)]
struct ArticleRecord {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// Reads `--articles` into a moderator.
fn moderator(
    path: &std::path::Path,
    clf: &Classifier,
    detector: DuplicateDetector,
) -> Result<Moderator> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut m = Moderator::with_detector(clf.clone(), Policy::default(), detector)?;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: ArticleRecord = serde_json::from_str(line).map_err(|e| Error::InvalidRecord {
            source_name: path.display().to_string(),
            line: i as u64 + 1,
            reason: format!("not an article record (id, title, body): {e}"),
        })?;
        m.add_article(&a.id, &a.title, &a.body);
    }
    Ok(m)
}

/// Where the duplicate check looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DedupScope {
    /// The whole site.
    Site,
    /// The comment's own article.
    Thread,
}

/// The duplicate check of one record, called once per good record in input
/// order (unless `--no-dedup`), so results do not depend on the thread
/// count: the earlier comment that `comment` repeats, as the JSON object
/// `{"id", "kind", "similarity", "same_author", "shared_links"}`.
fn duplicate_of(detector: &mut DuplicateDetector, comment: &Comment) -> Option<serde_json::Value> {
    let mut input = DupInput::new(&comment.id, &comment.text);
    if let Some(a) = comment.author.as_deref() {
        input = input.author(a);
    }
    if let Some(t) = comment.article_id.as_deref() {
        input = input.thread(t);
    }
    detector.check_and_insert(&input).map(|d| {
        serde_json::json!({
            "id": d.of,
            "kind": d.kind.as_str(),
            "similarity": (d.similarity * 1000.0).round() / 1000.0,
            "same_author": d.same_author,
            "shared_links": d.shared_links,
        })
    })
}

/// A record after the parallel stage.
enum Outcome {
    /// Parsed: the output record without `duplicate_of` and its closing
    /// brace, and the label; classified unless a moderator is to do it
    /// (then the record has only its input fields and `label` is `None`).
    Good {
        out: Vec<u8>,
        comment: Comment,
        label: Option<Label>,
    },
    /// Unusable, with a message naming the problem.
    Bad(String),
}

/// Columns of a CSV input.
struct CsvColumns {
    names: Vec<String>,
    text: usize,
    id: Option<usize>,
    author: Option<usize>,
    article: Option<usize>,
    parent: Option<usize>,
}

/// Parses and classifies records of one input.
struct Parser<'a> {
    /// `None` when a moderator classifies the records, in input order.
    clf: Option<&'a Classifier>,
    text_field: Option<&'a str>,
    id_field: Option<&'a str>,
    names: &'a FieldNames,
    csv: Option<CsvColumns>,
    max_bytes: usize,
}

/// The author, article and parent fields: the one named by a flag, else
/// the first known name present.
struct FieldNames {
    author: Vec<String>,
    article: Vec<String>,
    parent: Vec<String>,
}

impl FieldNames {
    fn new(args: &LabelArgs) -> Self {
        let list = |flag: &Option<String>, known: &[&str]| match flag {
            Some(n) => vec![n.clone()],
            None => known.iter().map(|s| s.to_string()).collect(),
        };
        FieldNames {
            author: list(&args.author_field, &AUTHOR_FIELDS),
            article: list(&args.article_field, &ARTICLE_FIELDS),
            parent: list(&args.parent_field, &PARENT_FIELDS),
        }
    }
}

fn looked_for(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Parser<'_> {
    fn process(&self, rec: &RawRecord) -> Outcome {
        let res = match &rec.data {
            RawData::TooLong(n) => Err(format!(
                "record is {n} bytes, longer than --max-bytes {}",
                self.max_bytes
            )),
            RawData::Line(bytes) => self.jsonl(rec.line, bytes),
            RawData::Csv(r) => self.csv(rec.line, r),
            RawData::Invalid(reason) => Err(reason.clone()),
        };
        match res {
            Ok((mut out, comment)) => {
                let label = self.clf.map(|clf| {
                    let v = clf.classify(&comment);
                    comment_sieve::record::classification(&mut out, &v, &comment.text);
                    v.label
                });
                Outcome::Good {
                    out,
                    comment,
                    label,
                }
            }
            Err(m) => Outcome::Bad(m),
        }
    }

    fn jsonl(&self, line: u64, bytes: &[u8]) -> std::result::Result<(Vec<u8>, Comment), String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err("empty line".into());
        }
        let s = std::str::from_utf8(bytes)
            .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))?;
        let fields = Fields::parse(s).map_err(|e| format!("invalid JSON: {e}"))?;
        let (name, raw) = match self.text_field {
            Some(n) => fields
                .get(n)
                .map(|r| (n, r))
                .ok_or_else(|| format!("no field `{n}`"))?,
            None => TEXT_FIELDS
                .iter()
                .find_map(|&n| fields.get(n).map(|r| (n, r)))
                .ok_or_else(|| {
                    format!("no text field (looked for {})", looked_for(&TEXT_FIELDS))
                })?,
        };
        let text = json_str(raw)
            .ok_or_else(|| format!("field `{name}` is not a string: {}", shorten(raw, 60)))?
            .into_owned();
        // A string's content; any other value but null as written.
        let as_string = |n: &str| {
            fields.get(n).and_then(|r| match json_str(r) {
                Some(s) => Some(s.into_owned()),
                None => (r != "null").then(|| r.to_string()),
            })
        };
        let id = match self.id_field {
            Some(n) => as_string(n),
            None => ID_FIELDS.iter().find_map(|n| as_string(n)),
        }
        .unwrap_or_else(|| line.to_string());
        let mut out = Vec::with_capacity(bytes.len() + OUT_ROOM);
        out.push(b'{');
        let added = fields.0.iter().any(|(k, _)| ADDED_FIELDS.contains(&&**k));
        match fields.compact_text(s).filter(|_| !added) {
            // The fields as the loop below writes them.
            Some(t) if !t.is_empty() => {
                out.extend_from_slice(t.as_bytes());
                out.push(b',');
            }
            Some(_) => {}
            None => {
                for (k, v) in &fields.0 {
                    if ADDED_FIELDS.contains(&&**k) {
                        continue;
                    }
                    comment_sieve::record::key(&mut out, k);
                    out.extend_from_slice(v.as_bytes());
                    out.push(b',');
                }
            }
        }
        // A parent field says the comment's place in its thread: a reply
        // when it names a parent, top-level when null or empty (or 0, for
        // WordPress).
        let first = |names: &[String]| names.iter().find_map(|n| as_string(n));
        let reply = self
            .names
            .parent
            .iter()
            .find_map(|n| fields.get(n).map(|p| field_names_parent(n, p)));
        let comment = Comment {
            id,
            text,
            author: first(&self.names.author),
            article_id: first(&self.names.article),
            reply,
        };
        Ok((out, comment))
    }

    fn csv(
        &self,
        _line: u64,
        rec: &csv::ByteRecord,
    ) -> std::result::Result<(Vec<u8>, Comment), String> {
        let cols = self
            .csv
            .as_ref()
            .expect("CSV columns are set for CSV input");
        if rec.len() != cols.names.len() {
            return Err(format!(
                "malformed CSV record: {} fields, the header has {}",
                rec.len(),
                cols.names.len()
            ));
        }
        let mut values = Vec::with_capacity(rec.len());
        for (name, v) in cols.names.iter().zip(rec.iter()) {
            let s = std::str::from_utf8(v).map_err(|e| {
                format!(
                    "field `{name}` is not valid UTF-8 (at byte {})",
                    e.valid_up_to()
                )
            })?;
            values.push(s);
        }
        let mut out = Vec::with_capacity(rec.as_slice().len() + OUT_ROOM);
        out.push(b'{');
        for (k, v) in cols.names.iter().zip(&values) {
            if ADDED_FIELDS.contains(&k.as_str()) {
                continue;
            }
            comment_sieve::record::key(&mut out, k);
            comment_sieve::record::string(&mut out, v);
            out.push(b',');
        }
        let get = |c: Option<usize>| c.map(|i| values[i].to_string());
        let comment = Comment {
            id: get(cols.id).unwrap_or_else(|| _line.to_string()),
            text: values[cols.text].to_string(),
            author: get(cols.author),
            article_id: get(cols.article),
            reply: cols
                .parent
                .map(|i| cell_of_field_names_parent(&cols.names[i], values[i])),
        };
        Ok((out, comment))
    }
}

fn csv_columns(
    input: &Input,
    headers: &[String],
    text_field: Option<&str>,
    id_field: Option<&str>,
    fields: &FieldNames,
) -> Result<CsvColumns> {
    let find = |n: &str| headers.iter().position(|h| h == n);
    let missing = |what: &str| Error::InvalidRecord {
        source_name: input.name.clone(),
        line: 1,
        reason: format!(
            "the CSV header has no {what} column (columns: {}); name it with --text-field",
            headers.join(", ")
        ),
    };
    let text = match text_field {
        Some(n) => find(n).ok_or_else(|| missing(&format!("`{n}`")))?,
        None => TEXT_FIELDS
            .iter()
            .find_map(|n| find(n))
            .ok_or_else(|| missing(&format!("text ({})", looked_for(&TEXT_FIELDS))))?,
    };
    let id = match id_field {
        Some(n) => Some(find(n).ok_or_else(|| Error::InvalidRecord {
            source_name: input.name.clone(),
            line: 1,
            reason: format!(
                "the CSV header has no `{n}` column (columns: {})",
                headers.join(", ")
            ),
        })?),
        None => ID_FIELDS.iter().find_map(|n| find(n)),
    };
    Ok(CsvColumns {
        names: headers.to_vec(),
        text,
        id,
        author: fields.author.iter().find_map(|n| find(n)),
        article: fields.article.iter().find_map(|n| find(n)),
        parent: fields.parent.iter().find_map(|n| find(n)),
    })
}

/// Counts for the summary.
#[derive(Default)]
struct Stats {
    records: u64,
    labels: [u64; 4],
    /// Approve, hold, reject (with `--articles`).
    actions: [u64; 3],
    duplicates: u64,
    errors: u64,
}

/// Runs `label`; exit code 0 when every record was labeled, 1 when some
/// failed.
pub fn run(args: LabelArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let clf = match &args.model {
        Some(p) => Classifier::load(p)?,
        None => Classifier::default(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| Error::InvalidParam {
            name: "threads",
            value: format!("{} ({e})", args.threads),
            expected: "a number of threads the system can start",
        })?;
    if args.max_bytes == 0 {
        return Err(Error::InvalidParam {
            name: "max-bytes",
            value: "0".into(),
            expected: "at least 1",
        });
    }
    let inputs: Vec<Input> = if args.inputs.is_empty() {
        vec![Input::stdin()]
    } else {
        args.inputs.iter().map(|p| Input::new(p)).collect()
    };
    let names = FieldNames::new(&args);
    // Open every input first: a missing file stops the run before any output.
    let mut readers = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let reader = crate::formats::open(input, args.format, args.max_bytes)
            .map_err(|e| Error::io(input.name.clone(), e))?;
        let csv = match reader.headers() {
            Some(h) => Some(csv_columns(
                input,
                h,
                args.text_field.as_deref(),
                args.id_field.as_deref(),
                &names,
            )?),
            None => None,
        };
        readers.push((reader, csv));
    }

    let pb = if args.quiet || !io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {human_pos} records  {per_sec}  {elapsed}")
                .expect("the template is valid"),
        );
        pb
    };

    if args.output.is_some() {
        output::remove_output_on_interrupt();
    }
    let mut sink = Sink::create(args.output.as_deref())?;
    let csv_output = args.output_format == OutputFormat::Csv;
    if csv_output {
        sink.write(&csv_out::header())?;
    }
    let mut stats = Stats::default();
    let scope = match args.dedup_scope {
        DedupScope::Site => Scope::Site,
        DedupScope::Thread => Scope::Thread,
    };
    let mut detector = DuplicateParams::default().scope(scope).build()?;
    let mut moderator = match &args.articles {
        Some(p) => Some(moderator(p, &clf, detector.clone())?),
        None => None,
    };
    let mut stopped = false;
    let mut batch: Vec<RawRecord> = Vec::with_capacity(BATCH);
    let res = (|| -> Result<()> {
        for (input, (mut reader, csv)) in inputs.iter().zip(readers) {
            let parser = Parser {
                clf: moderator.is_none().then_some(&clf),
                text_field: args.text_field.as_deref(),
                id_field: args.id_field.as_deref(),
                names: &names,
                csv,
                max_bytes: args.max_bytes,
            };
            loop {
                reader.recycle(&mut batch);
                reader
                    .read_batch(BATCH, &mut batch)
                    .map_err(|e| Error::io(input.name.clone(), e))?;
                if batch.is_empty() {
                    break;
                }
                let outcomes: Vec<Outcome> =
                    pool.install(|| batch.par_iter().map(|r| parser.process(r)).collect());
                for (rec, outcome) in batch.iter().zip(outcomes) {
                    stats.records += 1;
                    match outcome {
                        Outcome::Good {
                            mut out,
                            comment,
                            label,
                        } => {
                            let (label, dup) = match (moderator.as_mut(), label) {
                                // The moderator classifies and runs its own
                                // duplicate check.
                                (Some(m), _) => {
                                    let v = m.moderate(&comment);
                                    comment_sieve::record::verdict(&mut out, &v, &comment.text);
                                    stats.actions[v.action as usize] += 1;
                                    let dup = v.duplicate_of.filter(|_| !args.no_dedup);
                                    let dup =
                                        dup.map(|d| serde_json::to_value(d).expect("serializable"));
                                    (v.label, dup)
                                }
                                (None, Some(label)) if args.no_dedup => (label, None),
                                (None, Some(label)) => {
                                    (label, duplicate_of(&mut detector, &comment))
                                }
                                (None, None) => unreachable!("classified without a moderator"),
                            };
                            out.extend_from_slice(b",\"duplicate_of\":");
                            match &dup {
                                Some(id) => serde_json::to_writer(&mut out, id)
                                    .expect("writing to a Vec cannot fail"),
                                None => out.extend_from_slice(b"null"),
                            }
                            out.extend_from_slice(b"}\n");
                            if csv_output {
                                sink.write(&csv_out::row(&comment.id, &comment.text, &out))?;
                            } else {
                                sink.write(&out)?;
                            }
                            stats.labels[label.index()] += 1;
                            stats.duplicates += u64::from(dup.is_some());
                        }
                        Outcome::Bad(msg) => {
                            stats.errors += 1;
                            pb.suspend(|| eprintln!("{}:{}: {msg}", input.name, rec.line));
                            sink.write(&if csv_output {
                                csv_out::error_row(rec.line, &input.name, &msg)
                            } else {
                                output::error_record(rec.line, &input.name, &msg)
                            })?;
                            if args.strict {
                                stopped = true;
                                return Ok(());
                            }
                        }
                    }
                }
                pb.inc(batch.len() as u64);
            }
        }
        Ok(())
    })();
    pb.finish_and_clear();
    if let Err(e) = res {
        sink.discard();
        return Err(e);
    }
    if stopped && args.output.is_some() {
        sink.discard();
    } else {
        sink.finish()?;
    }

    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let labels: Vec<String> = Label::ALL
            .iter()
            .map(|l| format!("{l} {}", stats.labels[l.index()]))
            .collect();
        let dups = if args.no_dedup {
            "not checked (--no-dedup)".to_string()
        } else {
            stats.duplicates.to_string()
        };
        let actions = if moderator.is_some() {
            let [a, h, r] = stats.actions;
            format!("; actions: approve {a}, hold {h}, reject {r}")
        } else {
            String::new()
        };
        eprintln!(
            "{} records in {:.2} s ({:.0} records/s): {}{actions}; duplicates: {}; errors: {}{}",
            stats.records,
            secs,
            stats.records as f64 / secs.max(1e-9),
            labels.join(", "),
            dups,
            stats.errors,
            if stopped {
                " (stopped at the first, --strict)"
            } else {
                ""
            }
        );
    }
    Ok(if stats.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--output-format`: an output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The input record with the verdict's fields, one JSON object a line.
    Jsonl,
    /// Fixed columns with a header line, for spreadsheets.
    Csv,
}
