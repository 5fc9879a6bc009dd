//! Output: stdout, or a file written atomically (a temporary file in the
//! same folder, renamed over the final name only when the run ends well).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use comment_sieve::{Classification, Error, Result};

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
        let f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
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
            }
        }
    }
}

/// Names of the fields the labeler adds; input fields with these names are
/// replaced.
pub const ADDED_FIELDS: [&str; 5] = ["label", "scores", "reasons", "action", "duplicate_of"];

/// Appends `"key":` to `out`.
pub fn key(out: &mut Vec<u8>, k: &str) {
    serde_json::to_writer(&mut *out, k).expect("writing to a Vec cannot fail");
    out.push(b':');
}

/// Appends the verdict's fields (`"label":…,"scores":{…},"reasons":[…]`).
pub fn verdict(out: &mut Vec<u8>, v: &Classification) {
    use std::io::Write as _;
    let _ = write!(out, "\"label\":\"{}\",\"scores\":{{", v.label.as_str());
    let _ = write!(
        out,
        "\"spam\":{},\"abuse\":{},\"off_topic\":{}}},\"reasons\":[",
        num(v.scores.spam),
        num(v.scores.abuse),
        num(v.scores.off_topic)
    );
    for (i, r) in v.reasons.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"token\":");
        serde_json::to_writer(&mut *out, &r.token).expect("writing to a Vec cannot fail");
        let _ = write!(
            out,
            ",\"weight\":{},\"span\":[{},{}]}}",
            num((r.weight * 1000.0).round() / 1000.0),
            r.span.start,
            r.span.end
        );
    }
    out.push(b']');
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
