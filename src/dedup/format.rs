//! Saving and loading a [`DuplicateDetector`].
//!
//! The file is a 24-byte header and a payload:
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `CSDUPIDX` |
//! | 8..12 | format version, u32 little-endian ([`FORMAT_VERSION`]) |
//! | 12..20 | payload length in bytes, u64 |
//! | 20..24 | CRC-32 (IEEE) of the payload, u32 |
//! | 24.. | payload |
//!
//! The payload holds, little-endian: the parameters, the counters, the
//! records (28 bytes each), the arena and the table buckets, each list
//! preceded by its length as a u64. It is the detector's memory as is,
//! except that the arena holds only the live records, oldest first (in
//! memory it is a ring with free room), so loading is a copy and a check.
//!
//! Loading never trusts the file: the magic, the version, the length and
//! the checksum are checked first, every count is checked against the bytes
//! that are actually left before anything is allocated for it, the
//! parameters go through [`DuplicateParams::validate`], and every record is
//! checked against the arena, so that a damaged or hostile file gives
//! [`Error::InvalidFile`] and never a panic or a huge allocation.

use std::path::Path;

use super::detector::MAX_ID_BYTES;
use super::index::{advise_huge_pages, Bucket, Posting, Table, BUCKET};
use super::store::{Entry, FLAGS_KNOWN, FLAG_WORDS_TRUNCATED};
use super::{DuplicateDetector, DuplicateParams, Scope};
use crate::{Error, Result};

/// The file's first 8 bytes.
pub const MAGIC: &[u8; 8] = b"CSDUPIDX";
/// The version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 24;
const WHAT: &str = "duplicate index";
const ENTRY_LEN: usize = 28;
/// The largest next sequence number a file may hold: far beyond any real
/// count of insertions (2^62), and far enough from `u64::MAX` that
/// inserting into a loaded index never wraps the counter around.
const MAX_NEXT_SEQ: u64 = 1 << 62;

fn invalid(path: Option<&Path>, reason: impl Into<String>) -> Error {
    Error::InvalidFile {
        what: WHAT,
        path: path.map(Path::to_path_buf),
        reason: reason.into(),
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> std::result::Result<&'a [u8], String> {
        let left = self.bytes.len() - self.pos;
        if n > left {
            return Err(format!(
                "{what} needs {n} bytes at payload offset {}, only {left} left",
                self.pos
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn array<const N: usize>(&mut self, what: &str) -> std::result::Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }
    fn u8(&mut self, what: &str) -> std::result::Result<u8, String> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &str) -> std::result::Result<u16, String> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &str) -> std::result::Result<u32, String> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn u64(&mut self, what: &str) -> std::result::Result<u64, String> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    fn f64(&mut self, what: &str) -> std::result::Result<f64, String> {
        Ok(f64::from_bits(self.u64(what)?))
    }
    fn usize(&mut self, what: &str) -> std::result::Result<usize, String> {
        let v = self.u64(what)?;
        usize::try_from(v).map_err(|_| format!("{what} = {v} does not fit in memory"))
    }
    /// A count of items of `size` bytes, checked against the bytes left.
    fn count(&mut self, size: usize, what: &str) -> std::result::Result<usize, String> {
        let n = self.u64(what)?;
        let left = (self.bytes.len() - self.pos) as u64;
        match n.checked_mul(size as u64) {
            Some(b) if b <= left => Ok(n as usize),
            _ => Err(format!(
                "{what} = {n} items of {size} bytes, but only {left} bytes are left"
            )),
        }
    }
}

impl DuplicateDetector {
    /// The detector as bytes in the format described in [`format`](self).
    pub fn to_bytes(&self) -> Vec<u8> {
        let p = &self.params;
        let mut w = Writer(Vec::with_capacity(
            256 + self.entries.len() * ENTRY_LEN + self.pool.len() + self.table.memory_bytes(),
        ));
        w.f64(p.near_threshold);
        w.f64(p.partial_threshold);
        w.f64(p.template_threshold);
        for v in [
            p.shingle_size,
            p.near_shingle_size,
            p.winnow_window,
            p.min_postings,
            p.max_postings,
            p.sketch_size,
            p.capacity,
            p.min_tokens,
            p.min_partial_tokens,
            p.max_candidates,
        ] {
            w.u64(v as u64);
        }
        w.u8(match p.scope {
            Scope::Site => 0,
            Scope::Thread => 1,
        });
        w.u8(p.short_exact as u8);
        w.u64(self.next_seq);
        w.u64(self.entries.len() as u64);
        let (offs, arena) = self.live_arena();
        for (e, &off) in self.entries.iter().zip(&offs) {
            w.u64(e.exact);
            w.u32(off);
            w.u32(e.author);
            w.u32(e.thread);
            w.u16(e.id_len);
            w.u16(e.n_post);
            w.u8(e.n_sketch);
            w.u8(e.n_words);
            w.u8(e.flags);
            w.u8(0);
        }
        w.u64(arena.len() as u64);
        w.0.extend_from_slice(&arena);
        let buckets = self.table.buckets();
        w.u64(buckets.len() as u64);
        for b in buckets {
            for p in &b.0 {
                w.u32(p.key);
                w.u32(p.seq);
            }
        }
        let payload = w.0;
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// A detector from bytes written by [`to_bytes`](Self::to_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<DuplicateDetector> {
        Self::parse(bytes, None)
    }

    /// Writes the detector to `path` atomically (a temporary file in the
    /// same folder, synced, then renamed:
    /// [`write_atomic`](crate::atomic::write_atomic)).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::atomic::write_atomic(path, &self.to_bytes())
    }

    /// Reads a detector saved by [`save`](Self::save).
    pub fn load(path: impl AsRef<Path>) -> Result<DuplicateDetector> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&bytes, Some(path))
    }

    fn parse(bytes: &[u8], path: Option<&Path>) -> Result<DuplicateDetector> {
        if bytes.len() < HEADER_LEN {
            return Err(invalid(
                path,
                format!(
                    "{} bytes, shorter than the {HEADER_LEN}-byte header (truncated?)",
                    bytes.len()
                ),
            ));
        }
        if &bytes[..8] != MAGIC {
            return Err(invalid(
                path,
                format!(
                    "does not start with {:?} (found {:?}): not a duplicate index",
                    String::from_utf8_lossy(MAGIC),
                    String::from_utf8_lossy(&bytes[..8])
                ),
            ));
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let version = u32_at(8);
        if version != FORMAT_VERSION {
            return Err(invalid(
                path,
                format!(
                    "format version {version}, this build reads version {FORMAT_VERSION}: \
                     rebuild the index with this version"
                ),
            ));
        }
        let mut len8 = [0u8; 8];
        len8.copy_from_slice(&bytes[12..20]);
        let claimed = u64::from_le_bytes(len8);
        let payload = &bytes[HEADER_LEN..];
        if claimed != payload.len() as u64 {
            return Err(invalid(
                path,
                format!(
                    "header says the payload is {claimed} bytes, the file has {} \
                     (truncated or extended)",
                    payload.len()
                ),
            ));
        }
        let crc = u32_at(20);
        let actual = crc32fast::hash(payload);
        if crc != actual {
            return Err(invalid(
                path,
                format!(
                    "checksum mismatch (header {crc:#010x}, payload {actual:#010x}): \
                     the file was altered or damaged"
                ),
            ));
        }
        Self::parse_payload(payload).map_err(|reason| invalid(path, reason))
    }

    fn parse_payload(payload: &[u8]) -> std::result::Result<DuplicateDetector, String> {
        let mut r = Reader {
            bytes: payload,
            pos: 0,
        };
        let near_threshold = r.f64("near_threshold")?;
        let partial_threshold = r.f64("partial_threshold")?;
        let template_threshold = r.f64("template_threshold")?;
        let mut ints = [0usize; 10];
        for v in ints.iter_mut() {
            *v = r.usize("parameter")?;
        }
        let scope = match r.u8("scope")? {
            0 => Scope::Site,
            1 => Scope::Thread,
            s => return Err(format!("unknown scope {s}")),
        };
        let short_exact = match r.u8("short_exact")? {
            0 => false,
            1 => true,
            s => return Err(format!("short_exact = {s}, not 0 or 1")),
        };
        let params = DuplicateParams {
            near_threshold,
            partial_threshold,
            template_threshold,
            shingle_size: ints[0],
            near_shingle_size: ints[1],
            winnow_window: ints[2],
            min_postings: ints[3],
            max_postings: ints[4],
            sketch_size: ints[5],
            capacity: ints[6],
            min_tokens: ints[7],
            min_partial_tokens: ints[8],
            max_candidates: ints[9],
            scope,
            short_exact,
        };
        params
            .validate()
            .map_err(|e| format!("bad parameters: {e}"))?;
        let next_seq = r.u64("next sequence number")?;
        if next_seq > MAX_NEXT_SEQ {
            return Err(format!(
                "next sequence number {next_seq} out of range (at most {MAX_NEXT_SEQ})"
            ));
        }

        let n_entries = r.count(ENTRY_LEN, "record count")?;
        let expected = next_seq.min(params.capacity as u64);
        if n_entries as u64 != expected {
            return Err(format!(
                "{n_entries} records, expected {expected} (inserted {next_seq}, capacity {})",
                params.capacity
            ));
        }
        let mut entries = Vec::with_capacity(n_entries);
        advise_huge_pages(&entries);
        for _ in 0..n_entries {
            let e = Entry {
                exact: r.u64("record")?,
                pool_off: r.u32("record")?,
                author: r.u32("record")?,
                thread: r.u32("record")?,
                id_len: r.u16("record")?,
                n_post: r.u16("record")?,
                n_sketch: r.u8("record")?,
                n_words: r.u8("record")?,
                flags: r.u8("record")?,
                shingle_mask: 0,
                word_mask: 0,
            };
            r.u8("record")?;
            entries.push(e);
        }
        let pool_len = r.count(1, "arena length")?;
        let mut pool = Vec::with_capacity(pool_len);
        advise_huge_pages(&pool);
        pool.extend_from_slice(r.take(pool_len, "arena")?);
        if pool.len() > u32::MAX as usize {
            return Err(format!("arena of {} bytes exceeds 4 GiB", pool.len()));
        }
        let n_buckets = r.count(8 * BUCKET, "bucket count")?;
        if n_buckets == 0 {
            return Err("the table has no bucket".into());
        }
        let mut buckets = Vec::with_capacity(n_buckets);
        advise_huge_pages(&buckets);
        for _ in 0..n_buckets {
            let mut b = Bucket::default();
            for p in b.0.iter_mut() {
                *p = Posting {
                    key: r.u32("posting")?,
                    seq: r.u32("posting")?,
                };
            }
            buckets.push(b);
        }
        if r.pos != payload.len() {
            return Err(format!("{} bytes after the table", payload.len() - r.pos));
        }

        // Every record must be consistent with the arena and parameters.
        let (mut len, mut pool_live, mut live_postings) = (0usize, 0usize, 0usize);
        for (i, e) in entries.iter().enumerate() {
            live_postings += e.n_post as usize;
            if e.flags & !FLAGS_KNOWN != 0 || e.n_links() > super::text::MAX_LINKS {
                return Err(format!("record {i}: unknown flags {:#04x}", e.flags));
            }
            if !e.live() {
                continue;
            }
            let bad = |what: &str| format!("record {i}: {what}");
            if e.id_len as usize > MAX_ID_BYTES {
                return Err(bad("id too long"));
            }
            if e.n_sketch as usize > params.sketch_size || e.n_words as usize > params.sketch_size {
                return Err(bad("sketch larger than sketch_size"));
            }
            let one_set = params.near_shingle_size == params.shingle_size;
            if one_set && (e.n_words != 0 || e.flags & FLAG_WORDS_TRUNCATED != 0) {
                return Err(bad("word sketch where the word set is the shingle set"));
            }
            let off = e.pool_off as usize;
            off.checked_add(e.record_len())
                .filter(|&end| end <= pool.len())
                .ok_or_else(|| bad("points outside the arena"))?;
            if std::str::from_utf8(&pool[off..off + e.id_len as usize]).is_err() {
                return Err(bad("id is not UTF-8"));
            }
            len += 1;
            pool_live += e.record_len();
        }

        if pool_live > pool.len() {
            return Err("the records take more bytes than the arena holds".into());
        }
        let params_capacity = params.capacity as u64;
        let mut detector = DuplicateDetector {
            params,
            entries,
            pool,
            table: Table::from_buckets(buckets),
            next_seq,
            len,
            pool_live,
            head: 0,
            tail_seq: next_seq.saturating_sub(params_capacity),
            live_postings,
            scratch: Default::default(),
        };
        // The arena as a ring in the order of the records (the file's may
        // be in any order).
        detector.relayout(next_seq, pool_live);
        detector.set_masks();
        Ok(detector)
    }
}
