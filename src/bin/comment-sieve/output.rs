//! Output: stdout, or a file written atomically (a temporary file in the
//! same folder, renamed over the final name only when the run ends well).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use comment_sieve::moderate::Verdict;
use comment_sieve::{Classification, Error, Result};

/// The temporary output file being written, if any: removed when the run
/// is interrupted (SIGINT, SIGTERM), so no half-written file is left.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

fn set_pending(tmp: Option<PathBuf>) {
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = tmp;
}

/// On SIGINT or SIGTERM, removes the temporary output file and exits with
/// 130. Installed once per process; a second call does nothing.
pub fn remove_output_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Some(tmp) = PENDING.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = std::fs::remove_file(tmp);
        }
        std::process::exit(130);
    });
}

/// Where output records go.
pub enum Sink {
    /// Standard output, streamed.
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file, renamed to `path` by [`Sink::finish`].
    File {
        /// The writer on the temporary file.
        out: BufWriter<File>,
        /// The temporary file.
        tmp: PathBuf,
        /// The final name.
        path: PathBuf,
    },
}

impl Sink {
    /// Standard output, or a temporary file beside `path`.
    pub fn create(path: Option<&Path>) -> Result<Sink> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout(),
            )));
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        set_pending(Some(tmp.clone()));
        let f = File::create(&tmp).map_err(|e| {
            set_pending(None);
            Error::io(&tmp, e)
        })?;
        Ok(Sink::File {
            out: BufWriter::with_capacity(1 << 16, f),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Writes bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(bytes).map_err(|e| Error::io("<stdout>", e)),
            Sink::File { out, tmp, .. } => out.write_all(bytes).map_err(|e| Error::io(&*tmp, e)),
        }
    }

    /// Flushes stdout, or syncs the temporary file and renames it to its
    /// final name.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::io("<stdout>", e)),
            Sink::File { out, tmp, path } => {
                let res = (|| {
                    let f = out.into_inner().map_err(|e| e.into_error())?;
                    f.sync_all()?;
                    std::fs::rename(&tmp, &path)
                })();
                set_pending(None);
                res.map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    Error::io(&path, e)
                })
            }
        }
    }

    /// Drops the output: removes the temporary file (stdout is flushed).
    pub fn discard(self) {
        match self {
            Sink::Stdout(mut w) => {
                let _ = w.flush();
            }
            Sink::File { out, tmp, .. } => {
                drop(out);
                let _ = std::fs::remove_file(&tmp);
                set_pending(None);
            }
        }
    }
}

/// Names of the fields the labeler adds; input fields with these names are
/// replaced.
pub const ADDED_FIELDS: [&str; 6] = [
    "label",
    "scores",
    "reasons",
    "toxic_spans",
    "action",
    "duplicate_of",
];

/// Appends `"key":` to `out`.
pub fn key(out: &mut Vec<u8>, k: &str) {
    serde_json::to_writer(&mut *out, k).expect("writing to a Vec cannot fail");
    out.push(b':');
}

/// Appends `"label":…,"scores":{…},"reasons":[` with these scores, rounded
/// to 4 digits.
fn label_and_scores(out: &mut Vec<u8>, label: &str, scores: &[(&str, f64)]) {
    let _ = write!(out, "\"label\":\"{label}\",\"scores\":{{");
    for (i, (name, x)) in scores.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        // Four digits: what a reader and a spreadsheet need, and short.
        let _ = write!(out, "{sep}\"{name}\":{}", num((x * 1e4).round() / 1e4));
    }
    out.extend_from_slice(b"},\"reasons\":[");
}

/// Appends `,"weight":…,"span":` with the weight rounded to 3 decimals.
fn weight_and_span_key(out: &mut Vec<u8>, weight: f64) {
    let _ = write!(
        out,
        ",\"weight\":{},\"span\":",
        num((weight * 1000.0).round() / 1000.0)
    );
}

/// Appends `"key":` and `value` as a JSON string.
fn string_field(out: &mut Vec<u8>, key: &str, value: &str) {
    let _ = write!(out, "\"{key}\":");
    serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
}

/// Appends `,"toxic_spans":[[start,end],…]`.
fn toxic_spans(out: &mut Vec<u8>, spans: &[std::ops::Range<usize>]) {
    out.extend_from_slice(b",\"toxic_spans\":[");
    for (i, r) in spans.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(out, "{sep}[{},{}]", r.start, r.end);
    }
    out.push(b']');
}

/// Appends `,"chars":[start,end]`: byte range `span` of `text` in code
/// points, for Python and JavaScript users (an out-of-range span, which the
/// classifier does not produce, as the clamped range).
fn chars_key(out: &mut Vec<u8>, text: &str, span: &std::ops::Range<usize>) {
    let at = |b: usize| {
        let mut b = b.min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let (s, e) = (at(span.start), at(span.end.max(span.start)));
    let start = text[..s].chars().count();
    let end = start + text[s..e].chars().count();
    let _ = write!(out, ",\"chars\":[{start},{end}]");
}

/// Appends the verdict's fields (`"label":…,"scores":{…},"reasons":[…],
/// "toxic_spans":[…]`) of a comment whose text is `text`.
pub fn verdict(out: &mut Vec<u8>, v: &Classification, text: &str) {
    let s = &v.scores;
    let scores = [
        ("spam", s.spam),
        ("abuse", s.abuse),
        ("off_topic", s.off_topic),
        ("toxicity", s.toxicity),
        ("identity_attack", s.identity_attack),
    ];
    label_and_scores(out, v.label.as_str(), &scores);
    for (i, r) in v.reasons.iter().enumerate() {
        out.extend_from_slice(if i > 0 { b",{" } else { b"{" });
        string_field(out, "token", &r.token);
        weight_and_span_key(out, r.weight);
        let _ = write!(out, "[{},{}]", r.span.start, r.span.end);
        chars_key(out, text, &r.span);
        out.push(b'}');
    }
    out.push(b']');
    toxic_spans(out, &v.toxic_spans);
}

/// Appends a moderator's verdict as the record's fields:
/// `"label":…,"scores":{spam, abuse, off_topic, toxicity,
/// identity_attack, duplicate},"reasons":[{rule, detail, weight,
/// span, chars}],"toxic_spans":[…],"action":…` (`span`, bytes, and
/// `chars`, code points, are `null` where a reason has none).
pub fn moderated(out: &mut Vec<u8>, v: &Verdict, text: &str) {
    let s = &v.scores;
    let scores = [
        ("spam", s.spam),
        ("abuse", s.abuse),
        ("off_topic", s.off_topic),
        ("toxicity", s.toxicity),
        ("identity_attack", s.identity_attack),
        ("duplicate", s.duplicate),
    ];
    label_and_scores(out, v.label.as_str(), &scores);
    for (i, r) in v.reasons.iter().enumerate() {
        out.extend_from_slice(if i > 0 { b",{" } else { b"{" });
        string_field(out, "rule", &r.rule);
        out.push(b',');
        string_field(out, "detail", &r.detail);
        weight_and_span_key(out, r.weight);
        match &r.span {
            Some(span) => {
                let _ = write!(out, "[{},{}]", span.start, span.end);
                chars_key(out, text, span);
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null,\"chars\":null}"),
        }
    }
    out.push(b']');
    toxic_spans(out, &v.toxic_spans);
    out.extend_from_slice(b",\"action\":");
    serde_json::to_writer(&mut *out, &v.action).expect("writing to a Vec cannot fail");
}

/// A finite number as JSON (non-finite numbers, which the classifier does
/// not produce, as 0).
fn num(x: f64) -> String {
    if x.is_finite() {
        serde_json::Number::from_f64(x)
            .map(|n| n.to_string())
            .unwrap_or_else(|| "0".into())
    } else {
        "0".into()
    }
}

/// An error record: `{"line":N,"file":"…","error":"…"}` and a line end.
pub fn error_record(line: u64, file: &str, message: &str) -> Vec<u8> {
    let mut out = format!("{{\"line\":{line},").into_bytes();
    key(&mut out, "file");
    serde_json::to_writer(&mut out, file).expect("writing to a Vec cannot fail");
    out.push(b',');
    key(&mut out, "error");
    serde_json::to_writer(&mut out, message).expect("writing to a Vec cannot fail");
    out.extend_from_slice(b"}\n");
    out
}
