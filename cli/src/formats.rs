//! Which reader reads an input of `label`: the one `--format` names, else
//! the one the file's extension or its first bytes call for.
//!
//! CSV (`.csv`), with WordPress and Coral exports recognised by their
//! column names ([`comment_sieve::input::TEXT_FIELDS`] and the like), and
//! JSONL or a JSON array (the library's readers); Disqus XML exports
//! (`.xml`, or content starting with `<?xml` or `<disqus`), read by
//! [`crate::disqus`].

use std::io::{self, BufRead, BufReader};

use comment_sieve::input::{reader_from, Format, Input, RecordReader};

use crate::disqus::{looks_like_disqus, DisqusReader};

/// `--format`: an input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// One JSON object a line (or a JSON array of objects).
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
    /// A Disqus XML export (`<disqus>` with `<thread>` and `<post>`).
    Disqus,
}

/// Opens `input` and the reader for its format.
pub fn open(
    input: &Input,
    forced: Option<FormatArg>,
    max_bytes: usize,
) -> io::Result<Box<dyn RecordReader>> {
    let ext = input
        .path
        .as_deref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match (forced, ext.as_deref()) {
        (Some(FormatArg::Jsonl), _) => Some(Format::Jsonl),
        (Some(FormatArg::Csv), _) | (None, Some("csv")) => Some(Format::Csv),
        (Some(FormatArg::Disqus), _) | (None, Some("xml")) => None,
        // Anything else: JSONL unless it starts like XML.
        (None, _) => {
            let mut r = BufReader::with_capacity(1 << 16, input.open()?);
            // What the first read returned, as the JSON array check does.
            let disqus = looks_like_disqus(r.fill_buf()?);
            return Ok(if disqus {
                Box::new(DisqusReader::new(Box::new(r), max_bytes))
            } else {
                reader_from(Box::new(r), Format::Jsonl, max_bytes)?
            });
        }
    };
    Ok(match format {
        Some(f) => reader_from(input.open()?, f, max_bytes)?,
        None => Box::new(DisqusReader::new(input.open()?, max_bytes)),
    })
}
