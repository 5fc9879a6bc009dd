//! Record readers: JSONL (one object a line) and CSV with a header, read in
//! batches with bounded memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

mod fields;
pub use fields::{json_str, Fields};

/// Field names tried, in order, for a comment's text (`comment_content`:
/// WordPress exports; `Comment Text`: Coral's comment download, `Body`: the
/// one of Coral Talk 4).
pub const TEXT_FIELDS: [&str; 9] = [
    "text",
    "CONTENT",
    "content",
    "comment",
    "body",
    "tweet",
    "comment_content",
    "Comment Text",
    "Body",
];
/// Field names tried, in order, for a comment's id (`Comment ID`, `ID`:
/// Coral's and Coral Talk 4's comment downloads).
pub const ID_FIELDS: [&str; 6] = [
    "id",
    "COMMENT_ID",
    "comment_id",
    "comment_ID",
    "Comment ID",
    "ID",
];
/// Field names tried, in order, for a comment's author.
pub const AUTHOR_FIELDS: [&str; 3] = ["author", "AUTHOR", "comment_author"];
/// Field names tried, in order, for the article a comment is under
/// (`Article URL`, `Article`: Coral's and Coral Talk 4's comment downloads,
/// which name the story by its address).
pub const ARTICLE_FIELDS: [&str; 4] = ["article_id", "comment_post_ID", "Article URL", "Article"];
/// Field names tried, in order, for the comment a record replies to.
pub const PARENT_FIELDS: [&str; 2] = [PARENT_FIELD, WORDPRESS_PARENT];
/// WordPress's parent field, where `0` means no parent.
pub const WORDPRESS_PARENT: &str = "comment_parent";

/// Whether the value of parent field `field` (JSON text) names a parent:
/// [`json_names_parent`], and for WordPress's `comment_parent` not `0`.
pub fn field_names_parent(field: &str, json: &str) -> bool {
    let zero = matches!(json.trim(), "0" | "\"0\"");
    json_names_parent(json) && !(field == WORDPRESS_PARENT && zero)
}

/// [`field_names_parent`] for a CSV cell.
pub fn cell_of_field_names_parent(field: &str, cell: &str) -> bool {
    cell_names_parent(cell) && !(field == WORDPRESS_PARENT && cell.trim() == "0")
}
/// The field naming the comment a record replies to: a reply when it names
/// a parent, a thread starter when null or empty, not known when absent.
pub const PARENT_FIELD: &str = "parent_id";

/// Whether a JSON `parent_id` value (its JSON text) names a parent, which
/// makes the comment a reply: any value but null and the empty string.
pub fn json_names_parent(json: &str) -> bool {
    match serde_json::from_str::<Option<String>>(json) {
        Ok(parent) => parent.is_some_and(|p| !p.is_empty()),
        // A number or anything else that is not a string or null.
        Err(_) => true,
    }
}

/// Whether a CSV `parent_id` cell names a parent: it is not blank.
pub fn cell_names_parent(cell: &str) -> bool {
    !cell.trim().is_empty()
}

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

impl Format {
    /// `forced` if given, else CSV for a `.csv` file, else JSONL.
    pub fn of(path: Option<&Path>, forced: Option<Format>) -> Format {
        if let Some(f) = forced {
            return f;
        }
        match path.and_then(|p| p.extension()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    }
}

/// An input: a file or stdin.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file; `None` for stdin.
    pub path: Option<PathBuf>,
    /// Its name in messages (`<stdin>` for stdin).
    pub name: String,
}

impl Input {
    /// `-` is stdin.
    pub fn new(arg: &Path) -> Input {
        if arg == Path::new("-") {
            Input::stdin()
        } else {
            Input {
                path: Some(arg.to_path_buf()),
                name: arg.display().to_string(),
            }
        }
    }

    /// Standard input.
    pub fn stdin() -> Input {
        Input {
            path: None,
            name: "<stdin>".into(),
        }
    }

    /// Opens it.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match &self.path {
            Some(p) => Box::new(File::open(p)?),
            None => Box::new(io::stdin()),
        })
    }
}

/// One record as read, before parsing.
#[derive(Debug)]
pub struct RawRecord {
    /// The 1-based file line the record starts on (JSONL, JSON array,
    /// CSV: the header is line 1).
    pub line: u64,
    /// Its content.
    pub data: RawData,
}

/// A record's content.
#[derive(Debug)]
pub enum RawData {
    /// A JSONL line without its line end.
    Line(Vec<u8>),
    /// A CSV record.
    Csv(csv::ByteRecord),
    /// A record longer than the limit (its length in bytes); its bytes
    /// were not kept.
    TooLong(u64),
    /// Input that could not be split into records, with the reason.
    Invalid(String),
}

/// Reads records in batches.
pub trait RecordReader: Send {
    /// Appends up to `max` records to `out`; appends none at the end.
    fn read_batch(&mut self, max: usize, out: &mut Vec<RawRecord>) -> io::Result<()>;
    /// The CSV header, for CSV.
    fn headers(&self) -> Option<&[String]> {
        None
    }
    /// Empties `batch`, a batch read and used, keeping what the reader can
    /// read the next batch into (its line buffers) instead of allocating
    /// anew for every record.
    fn recycle(&mut self, batch: &mut Vec<RawRecord>) {
        batch.clear();
    }
}

/// JSONL lines, each kept up to `max_bytes` bytes.
pub struct JsonlReader {
    inner: BufReader<Box<dyn Read + Send>>,
    max_bytes: usize,
    line: u64,
    /// Line buffers of records used, read into again ([`RecordReader::recycle`]).
    spare: Vec<Vec<u8>>,
}

impl JsonlReader {
    /// Lines of `inner`.
    pub fn new(inner: Box<dyn Read + Send>, max_bytes: usize) -> Self {
        JsonlReader {
            inner: BufReader::with_capacity(1 << 16, inner),
            max_bytes,
            line: 0,
            spare: Vec::new(),
        }
    }
}

/// Reads one line (up to `\n`, dropped, and a `\r` before it) into `buf`,
/// keeping at most `max` bytes: the rest of a longer line is skipped, not
/// stored. Returns the line's full length, or `None` at the end of input.
pub fn read_line_bounded(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], true),
            None => (avail, false),
        };
        // Keep one byte more than the limit, to tell "max" from "longer".
        let room = (max + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len() as u64;
        let used = chunk.len() + usize::from(done);
        r.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') && total as usize == buf.len() {
        buf.pop();
        total -= 1;
    }
    Ok(Some(total))
}

impl RecordReader for JsonlReader {
    fn read_batch(&mut self, max: usize, out: &mut Vec<RawRecord>) -> io::Result<()> {
        let mut buf = self.spare.pop().unwrap_or_default();
        for _ in 0..max {
            let Some(len) = read_line_bounded(&mut self.inner, &mut buf, self.max_bytes)? else {
                break;
            };
            self.line += 1;
            let data = if len > self.max_bytes as u64 {
                RawData::TooLong(len)
            } else {
                let next = self.spare.pop().unwrap_or_default();
                RawData::Line(std::mem::replace(&mut buf, next))
            };
            out.push(RawRecord {
                line: self.line,
                data,
            });
        }
        self.spare.push(buf);
        Ok(())
    }

    fn recycle(&mut self, batch: &mut Vec<RawRecord>) {
        self.spare
            .extend(batch.drain(..).filter_map(|r| match r.data {
                RawData::Line(buf) => Some(buf),
                _ => None,
            }));
    }
}

/// CSV records under a header line.
pub struct CsvReader {
    inner: csv::Reader<Box<dyn Read + Send>>,
    headers: Vec<String>,
    max_bytes: usize,
    record: u64,
}

impl CsvReader {
    /// Reads the header of `inner`.
    pub fn new(inner: Box<dyn Read + Send>, max_bytes: usize) -> io::Result<Self> {
        let mut inner = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(inner);
        let headers = inner
            .byte_headers()
            .map_err(csv_io)?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        Ok(CsvReader {
            inner,
            headers,
            max_bytes,
            record: 0,
        })
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    }
}

impl RecordReader for CsvReader {
    fn read_batch(&mut self, max: usize, out: &mut Vec<RawRecord>) -> io::Result<()> {
        for _ in 0..max {
            let mut rec = csv::ByteRecord::new();
            if !self.inner.read_byte_record(&mut rec).map_err(csv_io)? {
                break;
            }
            self.record += 1;
            // The file line the record starts on (a quoted field may hold
            // line breaks): what an editor shows.
            let line = rec.position().map_or(self.record + 1, |p| p.line());
            let len = rec.as_slice().len();
            let data = if len > self.max_bytes {
                RawData::TooLong(len as u64)
            } else {
                RawData::Csv(rec)
            };
            out.push(RawRecord { line, data });
        }
        Ok(())
    }

    fn headers(&self) -> Option<&[String]> {
        Some(&self.headers)
    }
}

/// A reader for `input` in `format`.
pub fn open_reader(
    input: &Input,
    format: Format,
    max_bytes: usize,
) -> io::Result<Box<dyn RecordReader>> {
    reader_from(input.open()?, format, max_bytes)
}

/// A reader for the content `r` in `format`: [`open_reader`] for input
/// already opened (say, after looking at its first bytes).
pub fn reader_from(
    r: Box<dyn Read + Send>,
    format: Format,
    max_bytes: usize,
) -> io::Result<Box<dyn RecordReader>> {
    Ok(match format {
        Format::Jsonl => {
            // A JSON array (`[ {…}, … ]`, pretty-printed or not) holds the
            // records as its elements; anything else is read as lines.
            let mut r = BufReader::with_capacity(1 << 16, r);
            let first = r
                .fill_buf()?
                .iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace());
            if first == Some(b'[') {
                Box::new(JsonArrayReader::new(r, max_bytes)?)
            } else {
                Box::new(JsonlReader::new(Box::new(r), max_bytes))
            }
        }
        Format::Csv => Box::new(CsvReader::new(r, max_bytes)?),
    })
}

/// The elements of a JSON array, each a record numbered by the file line
/// it starts on. The array is read whole; one that does not parse yields a
/// single record holding the parser's message, so the error names its
/// line and column and no record silently disappears.
pub struct JsonArrayReader {
    records: std::vec::IntoIter<RawRecord>,
}

impl JsonArrayReader {
    /// Reads the array in `inner`.
    pub fn new(mut inner: impl Read, max_bytes: usize) -> io::Result<Self> {
        let mut text = String::new();
        inner.read_to_string(&mut text)?;
        let records = match serde_json::from_str::<Vec<&RawValue>>(&text) {
            Ok(elements) => {
                let base = text.as_ptr() as usize;
                let (mut line, mut at) = (1u64, 0usize);
                elements
                    .into_iter()
                    .map(|e| {
                        let start = e.get().as_ptr() as usize - base;
                        line += memchr::memchr_iter(b'\n', &text.as_bytes()[at..start]).count() as u64;
                        at = start;
                        let bytes = e.get().as_bytes();
                        let data = if bytes.len() > max_bytes {
                            RawData::TooLong(bytes.len() as u64)
                        } else {
                            RawData::Line(bytes.to_vec())
                        };
                        RawRecord { line, data }
                    })
                    .collect()
            }
            Err(e) => vec![RawRecord {
                line: e.line() as u64,
                data: RawData::Invalid(format!(
                    "not a JSON array of records: {e} (a JSON array is read whole; fix it, or write one object a line)"
                )),
            }],
        };
        Ok(JsonArrayReader {
            records: records.into_iter(),
        })
    }
}

impl RecordReader for JsonArrayReader {
    fn read_batch(&mut self, max: usize, out: &mut Vec<RawRecord>) -> io::Result<()> {
        out.extend(self.records.by_ref().take(max));
        Ok(())
    }
}

/// A value shortened for messages.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str, max: usize) -> Vec<(Vec<u8>, u64)> {
        let mut r = io::Cursor::new(input.as_bytes().to_vec());
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(n) = read_line_bounded(&mut r, &mut buf, max).unwrap() {
            out.push((buf.clone(), n));
        }
        out
    }

    #[test]
    fn bounded_lines() {
        let v = lines("ab\r\n\nabcdef\nxyz", 4);
        assert_eq!(v.len(), 4);
        assert_eq!(v[0], (b"ab".to_vec(), 2));
        assert_eq!(v[1], (b"".to_vec(), 0));
        assert_eq!(v[2].1, 6);
        assert_eq!(v[2].0.len(), 5);
        assert_eq!(v[3], (b"xyz".to_vec(), 3));
        assert_eq!(lines("a\n", 4).len(), 1);
        assert!(lines("", 4).is_empty());
    }
}
