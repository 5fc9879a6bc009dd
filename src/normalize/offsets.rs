//! Spans back to the original text: the offset map of one pass, and the
//! copy segments that let the tokenizer map most words without a search.
//!
//! Apart from the passes because every consumer of spans (tokens, reasons,
//! duplicate spans) depends on this alone, and its invariants (segments
//! sorted by normalized start, copy segments one to one) are stated once.

use std::ops::Range;

/// A non-empty stretch of normalized text `ns..ne` copied byte for byte
/// (lower-cased ASCII) from the original text at `os..oe`, in a one-pass
/// normalization.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CopySegment {
    pub(super) ns: u32,
    pub(super) ne: u32,
    pub(super) os: u32,
    pub(super) oe: u32,
}

impl CopySegment {
    /// Whether `span` (not empty) lies inside the segment. Then
    /// [`Normalized::copied_segment`] would return this segment for it:
    /// the segment is not empty, so no other starts inside it.
    #[inline]
    pub(crate) fn holds(&self, span: &Range<usize>) -> bool {
        self.ns as usize <= span.start && span.start < span.end && span.end <= self.ne as usize
    }

    /// The original span of `span`, which the segment holds; equal to
    /// [`Normalized::original_span`].
    #[inline]
    pub(crate) fn original_span(&self, span: Range<usize>) -> Range<usize> {
        let (s, e) = (span.start as u32, span.end as u32);
        (self.os + (s - self.ns)) as usize..(self.os + (e - self.ns)).min(self.oe) as usize
    }
}

/// Maps byte offsets of normalized text back to the original text.
///
/// Stored as a list of segments: inside a *copy* segment bytes correspond one
/// to one (ASCII lower-casing keeps lengths); a *replace* segment maps a run of
/// normalized bytes to a run of original bytes as a whole (a decoded entity,
/// a normalized word, a removed tag or a collapsed white-space run). Text that
/// needed no change has a single segment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// (normalized start, original start, is copy), sorted by normalized start.
    pub(super) segs: Vec<(u32, u32, bool)>,
    pub(super) norm_len: u32,
    pub(super) orig_len: u32,
}

impl OffsetMap {
    /// The original range for a normalized range.
    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        // No hint: a hint of 0 would walk from the first segment, linear
        // in the text for every span (quadratic over a long text mapped
        // through several passes); past the end, it searches.
        let mut hint = usize::MAX;
        self.original_span_from(span, &mut hint)
    }

    /// [`OffsetMap::original_span`] starting the segment search at `*hint`
    /// and leaving the segment it reached there: spans asked for in text
    /// order cost a step each instead of a search.
    pub(super) fn original_span_from(&self, span: Range<usize>, hint: &mut usize) -> Range<usize> {
        let (s, e) = (span.start as u32, span.end as u32);
        if self.segs.is_empty() {
            return 0..0;
        }
        let start = self.map_start(s.min(self.norm_len), hint);
        let end = self.map_end(e.min(self.norm_len), hint).max(start);
        start as usize..end as usize
    }

    /// The last segment starting at or before n (several empty segments
    /// may start at n: the last of them), or the first. Walks forward from
    /// `*hint` when that segment starts at or before n, else searches.
    pub(super) fn seg_index(&self, n: u32, hint: &mut usize) -> usize {
        let segs = &self.segs;
        let mut i = *hint;
        if i < segs.len() && segs[i].0 <= n {
            while i + 1 < segs.len() && segs[i + 1].0 <= n {
                i += 1;
            }
        } else {
            i = segs.partition_point(|seg| seg.0 <= n).saturating_sub(1);
        }
        *hint = i;
        i
    }

    pub(super) fn seg_end(&self, i: usize) -> (u32, u32) {
        match self.segs.get(i + 1) {
            Some(next) => (next.0, next.1),
            None => (self.norm_len, self.orig_len),
        }
    }

    fn map_start(&self, n: u32, hint: &mut usize) -> u32 {
        let i = self.seg_index(n, hint);
        let (ns, os, copy) = self.segs[i];
        let (ne, oe) = self.seg_end(i);
        if n >= ne {
            return oe;
        }
        if copy {
            os + (n - ns)
        } else {
            os
        }
    }

    fn map_end(&self, n: u32, hint: &mut usize) -> u32 {
        if n == 0 {
            return self.segs[0].1;
        }
        let i = self.seg_index(n - 1, hint);
        let (ns, os, copy) = self.segs[i];
        let (_, oe) = self.seg_end(i);
        if copy {
            (os + (n - ns)).min(oe)
        } else {
            oe
        }
    }
}
