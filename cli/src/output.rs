//! Output: stdout, or a file written atomically (a temporary file in the
//! same folder, renamed over the final name only when the run ends well;
//! the library's [`AtomicFile`]).

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use comment_sieve::atomic::{temp_path, AtomicFile};
use comment_sieve::record::key;
use comment_sieve::{Error, Result};

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
    /// A temporary file, renamed to its final name by [`Sink::finish`].
    File(AtomicFile),
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
        // Known to the signal handler before it exists, so an interrupt
        // at any point removes it.
        set_pending(Some(temp_path(path)));
        let f = AtomicFile::create(path).inspect_err(|_| set_pending(None))?;
        Ok(Sink::File(f))
    }

    /// Writes bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(bytes).map_err(|e| Error::io("<stdout>", e)),
            Sink::File(f) => f.write_all(bytes).map_err(|e| Error::io(f.temp(), e)),
        }
    }

    /// Flushes stdout, or syncs the temporary file and renames it to its
    /// final name.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::io("<stdout>", e)),
            Sink::File(f) => {
                let res = f.commit();
                set_pending(None);
                res
            }
        }
    }

    /// Drops the output: removes the temporary file (stdout is flushed).
    pub fn discard(self) {
        match self {
            Sink::Stdout(mut w) => {
                let _ = w.flush();
            }
            Sink::File(f) => {
                // Dropped uncommitted, it removes its temporary file.
                drop(f);
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
