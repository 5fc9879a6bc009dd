//! Writes normalized text and its offset map in one go.
//!
//! The passes decide what each stretch of the original becomes; the
//! builder appends it and keeps the segments right: copies that extend the
//! open copy segment, replacements, owed spaces (a run of white space
//! becomes one space, none at either end), and the flags a pass reports
//! (an entity decoded, markup written out).

use super::offsets::OffsetMap;

/// Builds normalized text and its offset map.
pub(super) struct Builder {
    pub(super) out: String,
    pub(super) segs: Vec<(u32, u32, bool)>,
    /// Whether the last segment is a copy segment still open for extension.
    pub(super) copying: bool,
    /// The original offset the open copy segment has reached.
    pub(super) copy_orig: usize,
    /// A space is owed before the next non-space output.
    pub(super) pending_space: Option<usize>,
    /// An entity decoded to a letter.
    pub(super) decoded_letter: bool,
    /// Any character was decoded from an entity.
    pub(super) decoded_other: bool,
    /// A `&` or `<` was written out (then the text may hold markup).
    pub(super) wrote_markup_char: bool,
}

impl Builder {
    /// A builder writing into `out` and `segs` (cleared), for text of
    /// `cap` bytes.
    pub(super) fn new(cap: usize, mut out: String, mut segs: Vec<(u32, u32, bool)>) -> Self {
        out.clear();
        out.reserve(cap);
        segs.clear();
        Builder {
            out,
            segs,
            copying: false,
            copy_orig: 0,
            pending_space: None,
            decoded_letter: false,
            decoded_other: false,
            wrote_markup_char: false,
        }
    }

    pub(super) fn flush_space(&mut self) {
        if let Some(space_orig) = self.pending_space.take() {
            if !self.out.is_empty() && !self.out.ends_with(' ') {
                self.segs
                    .push((self.out.len() as u32, space_orig as u32, false));
                self.out.push(' ');
                self.copying = false;
            }
        }
    }

    /// Copies one ASCII byte (lower-cased) from original offset `at`.
    #[inline]
    pub(super) fn copy_ascii(&mut self, b: u8, at: usize) {
        if self.pending_space.is_some() {
            self.flush_space();
        }
        if !(self.copying && self.copy_orig == at) {
            self.segs.push((self.out.len() as u32, at as u32, true));
            self.copying = true;
        }
        self.wrote_markup_char |= b == b'&' || b == b'<';
        self.out.push(b.to_ascii_lowercase() as char);
        self.copy_orig = at + 1;
    }

    /// Copies a run of ASCII bytes (lower-cased) from original offset `at`:
    /// the same output and segments as [`Builder::copy_ascii`] byte by byte,
    /// for a run in which every byte after the first continues the copy
    /// (printable bytes and single spaces between them).
    #[inline]
    pub(super) fn copy_ascii_run(&mut self, run: &str, at: usize) {
        if self.pending_space.is_some() {
            self.flush_space();
        }
        if !(self.copying && self.copy_orig == at) {
            self.segs.push((self.out.len() as u32, at as u32, true));
            self.copying = true;
        }
        let start = self.out.len();
        self.out.push_str(run);
        self.out[start..].make_ascii_lowercase();
        self.copy_orig = at + run.len();
    }

    /// Emits `text` as the replacement of original bytes starting at `at`.
    pub(super) fn replace(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            // A removal: a zero-length segment keeps later copies aligned.
            self.segs.push((self.out.len() as u32, at as u32, false));
            self.copying = false;
            return;
        }
        if self.pending_space.is_some() {
            self.flush_space();
        }
        self.segs.push((self.out.len() as u32, at as u32, false));
        self.wrote_markup_char |= text.bytes().any(|b| b == b'&' || b == b'<');
        self.out.push_str(text);
        self.copying = false;
    }

    /// Makes the last `back` bytes of output, copied from original offset
    /// `at`, one replace segment: the segments and output of taking them
    /// back and emitting them again with [`Builder::replace`]. With `back`
    /// 0, a removal at `at`.
    pub(super) fn recast_tail(&mut self, back: usize, at: usize) {
        if back == 0 {
            return self.replace("", at);
        }
        // Copying, so no space is pending: `replace` would flush none.
        debug_assert!(self.copying && self.pending_space.is_none());
        let len = (self.out.len() - back) as u32;
        // As `trim_segments` after taking the bytes back.
        while let Some(&(ns, _, copy)) = self.segs.last() {
            if ns > len || (ns == len && copy) {
                self.segs.pop();
            } else {
                break;
            }
        }
        self.segs.push((len, at as u32, false));
        self.copying = false;
    }

    /// Notes white space at original offset `at`.
    pub(super) fn space(&mut self, at: usize) {
        if self.pending_space.is_none() {
            self.pending_space = Some(at);
        }
        self.copying = false;
    }

    pub(super) fn finish(mut self, orig_len: usize) -> (String, OffsetMap) {
        if self.segs.is_empty() {
            self.segs.push((0, orig_len as u32, false));
        }
        let map = OffsetMap {
            norm_len: self.out.len() as u32,
            orig_len: orig_len as u32,
            segs: self.segs,
        };
        (self.out, map)
    }
}
