//! Normalization: the first step of the pipeline.
//!
//! [`normalize`] turns a raw comment into the text the tokenizer and the
//! duplicate detector read:
//!
//! 1. HTML tags are removed (the `href` of a link is kept as text) and HTML
//!    entities are decoded (`&amp;` → `&`, `&#39;` → `'`), see [`html`];
//! 2. every word holding non-ASCII text goes through NFKC, lower-casing,
//!    removal of diacritics on Latin, Greek and Cyrillic letters (which also
//!    removes stacked "zalgo" marks), removal of invisible characters
//!    (zero-width, bidi controls, soft hyphens) and, in words that mix
//!    scripts, folding of lookalike letters to Latin, see [`unicode`];
//! 3. ASCII is lower-cased, and white space runs become one space, with no
//!    space at either end.
//!
//! Normalization keeps a map back to the original text ([`OffsetMap`]), so a
//! token found in the normalized text can point at the characters that were
//! written. It is idempotent: normalizing normalized text changes nothing.
//!
//! ```
//! let n = comment_sieve::normalize("Visit <b>MY</b> site &amp; WIN\u{200B}!");
//! assert_eq!(n.text(), "visit my site & win!");
//! // "win!" in the normalized text points back at "WIN\u{200B}!".
//! let span = n.original_span(16..20);
//! assert_eq!(&"Visit <b>MY</b> site &amp; WIN\u{200B}!"[span], "WIN\u{200B}!");
//! ```

pub mod html;
pub mod unicode;

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

/// Normalized text and the map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    text: Cow<'a, str>,
    /// Maps of the passes, first pass first (usually one); none when the
    /// text needed no change (then offsets are the same in both).
    maps: Vec<OffsetMap>,
}

impl<'a> Normalized<'a> {
    /// The normalized text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// [`Normalized::original_span`] for spans asked for in text order:
    /// `hint` (start at 0) remembers where the last one was found.
    pub(crate) fn original_span_from(&self, span: Range<usize>, hint: &mut usize) -> Range<usize> {
        match self.maps.as_slice() {
            [map] => map.original_span_from(span, hint),
            _ => self.original_span(span),
        }
    }

    /// The copy segment holding `span` when it lies inside one stretch
    /// copied byte for byte (lower-cased ASCII) in a one-pass
    /// normalization, as most words do; then the segment's
    /// [`CopySegment::original_span`] equals [`Normalized::original_span`]
    /// and the original bytes are ASCII. `None` otherwise. `hint` as in
    /// [`Normalized::original_span_from`]. The caller may keep the segment
    /// and map later spans inside it without a search
    /// ([`CopySegment::holds`]).
    pub(crate) fn copied_segment(
        &self,
        span: Range<usize>,
        hint: &mut usize,
    ) -> Option<CopySegment> {
        let [map] = self.maps.as_slice() else {
            return None;
        };
        let (s, e) = (span.start as u32, span.end as u32);
        if map.segs.is_empty() || s >= e || e > map.norm_len {
            return None;
        }
        let i = map.seg_index(s, hint);
        let (ns, os, copy) = map.segs[i];
        let (ne, oe) = map.seg_end(i);
        if !copy || e > ne {
            return None;
        }
        Some(CopySegment { ns, ne, os, oe })
    }

    /// Whether the normalized text is the original text unchanged.
    pub fn is_unchanged(&self) -> bool {
        self.maps.is_empty()
    }

    /// The maps of the passes (for tests that compare paths).
    #[cfg(test)]
    pub(crate) fn maps(&self) -> &[OffsetMap] {
        &self.maps
    }

    /// The normalized text, owned.
    pub fn into_text(mut self) -> String {
        std::mem::take(&mut self.text).into_owned()
    }

    /// The byte range of the original text that produced `span` of the
    /// normalized text. Both ends lie on character boundaries of the
    /// original.
    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        self.maps
            .iter()
            .rev()
            .fold(span, |span, map| map.original_span(span))
    }
}

/// A non-empty stretch of normalized text `ns..ne` copied byte for byte
/// (lower-cased ASCII) from the original text at `os..oe`, in a one-pass
/// normalization.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CopySegment {
    ns: u32,
    ne: u32,
    os: u32,
    oe: u32,
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

/// The buffers of a dropped [`Normalized`], kept for the next
/// normalization on the same thread: normalizing comment after comment
/// then allocates nothing. Buffers above [`SPARE_MAX`] bytes are let go.
#[derive(Default)]
struct Spare {
    text: String,
    segs: Vec<(u32, u32, bool)>,
    maps: Vec<OffsetMap>,
    /// The buffer for one normalized word, handed back by [`Spare::keep_word`].
    word: String,
}

const SPARE_MAX: usize = 1 << 16;

thread_local! {
    static SPARE: RefCell<Spare> = RefCell::default();
}

impl Spare {
    /// The spare buffers of this thread (empty ones when there are none).
    fn take() -> Spare {
        SPARE
            .try_with(|s| s.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    /// Keeps the word buffer for the next normalization on this thread.
    fn keep_word(word: String) {
        if word.capacity() > SPARE_MAX {
            return;
        }
        let _ = SPARE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.word = word;
            }
        });
    }
}

impl Drop for Normalized<'_> {
    /// Hands the buffers to the next normalization on this thread.
    fn drop(&mut self) {
        let Cow::Owned(text) = &mut self.text else {
            return;
        };
        if text.capacity() > SPARE_MAX {
            return;
        }
        let text = std::mem::take(text);
        let mut maps = std::mem::take(&mut self.maps);
        let segs = maps
            .first_mut()
            .map(|m| std::mem::take(&mut m.segs))
            .unwrap_or_default();
        if segs.capacity() * 12 > SPARE_MAX || maps.capacity() > 16 {
            return;
        }
        maps.clear();
        let _ = SPARE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.text = text;
                s.segs = segs;
                s.maps = maps;
            }
        });
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
    segs: Vec<(u32, u32, bool)>,
    norm_len: u32,
    orig_len: u32,
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
    fn original_span_from(&self, span: Range<usize>, hint: &mut usize) -> Range<usize> {
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
    fn seg_index(&self, n: u32, hint: &mut usize) -> usize {
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

    fn seg_end(&self, i: usize) -> (u32, u32) {
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

/// Builds normalized text and its offset map.
struct Builder {
    out: String,
    segs: Vec<(u32, u32, bool)>,
    /// Whether the last segment is a copy segment still open for extension.
    copying: bool,
    /// The original offset the open copy segment has reached.
    copy_orig: usize,
    /// A space is owed before the next non-space output.
    pending_space: Option<usize>,
    /// An entity decoded to a letter.
    decoded_letter: bool,
    /// Any character was decoded from an entity.
    decoded_other: bool,
    /// A `&` or `<` was written out (then the text may hold markup).
    wrote_markup_char: bool,
}

impl Builder {
    /// A builder writing into `out` and `segs` (cleared), for text of
    /// `cap` bytes.
    fn new(cap: usize, mut out: String, mut segs: Vec<(u32, u32, bool)>) -> Self {
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

    fn flush_space(&mut self) {
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
    fn copy_ascii(&mut self, b: u8, at: usize) {
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
    fn copy_ascii_run(&mut self, run: &str, at: usize) {
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
    fn replace(&mut self, text: &str, at: usize) {
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
    fn recast_tail(&mut self, back: usize, at: usize) {
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
    fn space(&mut self, at: usize) {
        if self.pending_space.is_none() {
            self.pending_space = Some(at);
        }
        self.copying = false;
    }

    fn finish(mut self, orig_len: usize) -> (String, OffsetMap) {
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

/// Normalizes `text`: see the [module docs](self).
///
/// Text longer than 4 GiB is not supported (offsets are 32-bit); callers
/// cap input sizes long before that.
pub fn normalize(text: &str) -> Normalized<'_> {
    normalize_with(text, true)
}

/// [`normalize`] by its general path alone: byte by byte, every non-ASCII
/// word through [`unicode::normalize_word`]. The reference that tests hold
/// the fast paths to.
#[cfg(test)]
pub(crate) fn normalize_reference(text: &str) -> Normalized<'_> {
    normalize_with(text, false)
}

/// [`normalize`], with (`fast`) or without the shortcuts for runs of plain
/// ASCII and for words that need no decomposition or composition
/// ([`unicode::normalize_simple_word`]); both give the same text and maps.
fn normalize_with(text: &str, fast: bool) -> Normalized<'_> {
    if is_clean_ascii(text.as_bytes()) {
        return Normalized {
            text: Cow::Borrowed(text),
            maps: Vec::new(),
        };
    }
    let spare = Spare::take();
    let mut word = spare.word;
    let (mut out, map, mut again) = normalize_slow(text, fast, spare.text, spare.segs, &mut word);
    let mut maps = spare.maps;
    maps.clear();
    maps.push(map);
    // Decoding can create markup ("&amp;lt;b&amp;gt;" decodes to "&lt;b&gt;"):
    // repeat until nothing is left to decode, so that normalizing is
    // idempotent. Every further pass shortens the text. A letter decoded
    // from an entity was normalized alone, apart from the word it joins
    // ("o&#1100;" gives "o" and a Cyrillic "ь" that, in one word, folds to
    // "ob"): one more pass normalizes that word whole.
    while maps.len() < MAX_PASSES && (again.letters || (again.markup && has_markup(&out))) {
        let (next, map, a) = normalize_slow(&out, fast, String::new(), Vec::new(), &mut word);
        if next == out {
            // A fixed point: the pass changed nothing, and its map (coarser
            // around non-ASCII words) would only blur the spans.
            break;
        }
        out = next;
        again = a;
        maps.push(map);
    }
    Spare::keep_word(word);
    Normalized {
        text: Cow::Owned(out),
        maps,
    }
}

const MAX_PASSES: usize = 16;

/// Whether one pass over `text` (with the shortcuts) reports a `&` or `<`
/// written out whenever its output holds markup (for the tests of the
/// shortcut that skips [`has_markup`]).
#[cfg(test)]
pub(crate) fn markup_flag_holds(text: &str) -> bool {
    let (out, _, again) = normalize_slow(text, true, String::new(), Vec::new(), &mut String::new());
    again.markup == out.contains(['&', '<']) && (again.markup || !has_markup(&out))
}

/// Whether `s` still holds a tag or an entity that normalization decodes.
fn has_markup(s: &str) -> bool {
    if !s.bytes().any(|b| b == b'&' || b == b'<') {
        return false;
    }
    s.match_indices(['&', '<']).any(|(i, m)| {
        if m == "&" {
            html::parse_entity(&s[i..]).is_some()
        } else {
            html::parse_tag(&s[i..]).is_some()
        }
    })
}

/// Text that normalization leaves unchanged: lower-case printable ASCII
/// with no markup, single spaces, no space at either end.
fn is_clean_ascii(b: &[u8]) -> bool {
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // Printable ASCII but upper case, `&` and `<`; spaces never two in a row.
    let clean = |c: &u8| matches!(c, b' '..=b'%' | b'\''..=b';' | b'='..=b'@' | b'['..=b'~');
    // The last byte first: most comments that are not clean end in a
    // character that is not (U+FEFF, a line break).
    b.last().is_none_or(clean) && b.iter().all(clean) && !b.windows(2).any(|w| w == b"  ")
}

/// What a pass tells about the need for another.
struct Again {
    /// An entity decoded to a character that may join a word normalized on
    /// its own: one more pass is needed.
    letters: bool,
    /// The output holds a `&` or `<`: it may hold markup. Without one,
    /// [`has_markup`] is false and need not scan the text.
    markup: bool,
}

/// One pass, and whether another may be needed. `scratch` is a buffer for
/// one normalized word.
fn normalize_slow(
    text: &str,
    fast: bool,
    out: String,
    segs: Vec<(u32, u32, bool)>,
    scratch: &mut String,
) -> (String, OffsetMap, Again) {
    let bytes = text.as_bytes();
    let mut b = Builder::new(text.len(), out, segs);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if fast && is_plain(c) {
            // A run of printable ASCII and single spaces between printable
            // bytes: copied in one go (the common case).
            let j = plain_run_end(bytes, i);
            b.copy_ascii_run(&text[i..j], i);
            i = j;
            continue;
        }
        if c == b'<' {
            if let Some((len, href)) = html::parse_tag(&text[i..]) {
                match href {
                    Some(url) => {
                        b.space(i);
                        let url = html::decode_entities(url);
                        scratch.clear();
                        normalize_piece(&url, fast, scratch);
                        // Control characters in the value become spaces:
                        // none may be left at either end.
                        emit_spaced(&mut b, scratch, i);
                        b.space(i + len - 1);
                    }
                    None => b.space(i),
                }
                i += len;
                continue;
            }
        }
        if c == b'&' {
            if let Some((len, decoded)) = html::parse_entity(&text[i..]) {
                emit_decoded(&mut b, decoded, i, fast, scratch);
                i += len;
                continue;
            }
        }
        if c == b' '
            && b.pending_space.is_none()
            && b.out.as_bytes().last().is_some_and(|&l| l != b' ')
            && bytes
                .get(i + 1)
                .is_some_and(|&n| n.is_ascii_graphic() && n != b'<' && n != b'&')
        {
            // A single space between words stays a copy: fewer segments.
            b.copy_ascii(c, i);
            i += 1;
            continue;
        }
        if c.is_ascii() {
            if c.is_ascii_whitespace() || c.is_ascii_control() {
                b.space(i);
            } else {
                b.copy_ascii(c, i);
            }
            i += 1;
            continue;
        }
        if fast && bytes[i..].starts_with(BOM) && word_end(bytes, i + BOM.len()) == i + BOM.len() {
            // A byte-order mark ending a word (it ends most YouTube
            // comments). The piece below would be the ASCII letters and
            // digits before it, already copied, and the mark, which
            // normalizes to those letters lower-cased (the mark is
            // invisible): they stay in place and become the replace
            // segment the piece would give.
            let start = word_start(bytes, i, &b);
            b.recast_tail(i - start, start);
            i += BOM.len();
            continue;
        }
        // A run of non-ASCII text up to the next ASCII white space or markup,
        // together with the ASCII letters attached to it, is normalized as one
        // piece: NFKC and mark removal need a character's neighbours, and
        // script mixing is judged per word.
        let start = word_start(bytes, i, &b);
        let end = word_end(bytes, i);
        // The attached ASCII prefix was already copied: take it back.
        if start < i {
            let back = i - start;
            b.out.truncate(b.out.len() - back);
            trim_segments(&mut b);
        }
        let piece = &text[start..end];
        scratch.clear();
        normalize_piece(piece, fast, scratch);
        emit_spaced(&mut b, scratch, start);
        i = end;
    }
    let letters = b.decoded_letter;
    let other = b.decoded_other;
    let markup = b.wrote_markup_char;
    let (out, map) = b.finish(text.len());
    // Any decoded character can join the words beside it into one word
    // (`Ќ&#39;G` gives a Cyrillic letter, `'` and `g`: one word whose
    // script mix is judged only on the next pass); ASCII text needs no
    // such pass.
    let letters = letters || (other && !out.is_ascii());
    (out, map, Again { letters, markup })
}

/// U+FEFF ZERO WIDTH NO-BREAK SPACE (byte-order mark), in UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Printable ASCII that normalization copies as it is (lower-cased): not
/// white space, not the start of markup.
#[inline]
fn is_plain(c: u8) -> bool {
    PLAIN[c as usize]
}

/// [`is_plain`] by byte.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_graphic() && b != b'<' && b != b'&';
        c += 1;
    }
    t
};

/// End of the run of plain bytes starting at the plain byte `i`, single
/// spaces between plain bytes included.
#[inline]
fn plain_run_end(bytes: &[u8], i: usize) -> usize {
    // The byte before `j` is plain.
    let mut j = i + 1;
    loop {
        if let Some(block) = bytes.get(j..j + 8) {
            // Skip the bytes before the first stop; with no stop, all 8.
            let stops = run_stops(u64::from_le_bytes(block.try_into().unwrap_or_default()));
            j += (stops.trailing_zeros() / 8) as usize;
            if stops == 0 {
                continue;
            }
        }
        match bytes.get(j) {
            Some(&c) if is_plain(c) => j += 1,
            Some(b' ') if bytes.get(j + 1).is_some_and(|&n| is_plain(n)) => j += 2,
            _ => return j,
        }
    }
}

/// The bytes of `w` (first byte lowest) at which the byte loop of
/// [`plain_run_end`] stops or must look further, as the high bit of each
/// byte: bytes neither plain nor a space, and spaces not followed by a
/// plain byte in `w` (the last byte, when a space, among them). Before the
/// first stop the loop steps over every byte, and the byte before it is
/// plain.
///
/// Adding to the low seven bits of a byte never carries into the next
/// byte, so every byte's answer is exact.
#[inline]
fn run_stops(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = w & !HIGH;
    // The low seven bits of a byte are at least `n`.
    let at_least = |n: u8| (low + ONES * (0x80 - n as u64)) & HIGH;
    // A byte equals `c` (ASCII).
    let equals = |c: u8| {
        let y = w ^ (ONES * c as u64);
        !(((y & !HIGH) + !HIGH) | y) & HIGH
    };
    let ascii = !w & HIGH;
    let plain = ascii & at_least(0x21) & !at_least(0x7f) & !equals(b'&') & !equals(b'<');
    let space = equals(b' ');
    (!(plain | space) & HIGH) | (space & !(plain >> 8))
}

/// Emits normalized word text that may contain white space (for example an
/// ideographic space turned into a space by NFKC).
fn emit_spaced(b: &mut Builder, s: &str, at: usize) {
    if s.starts_with(' ') {
        b.space(at);
    }
    let inner = s.trim_matches(' ');
    b.replace(inner, at);
    if s.len() > inner.len() && s.ends_with(' ') {
        b.space(at);
    }
}

/// Appends the normalized `piece` to `out`: by
/// [`unicode::normalize_simple_word`] when it takes the piece and `fast`,
/// else by [`unicode::normalize_word`] (the same text).
fn normalize_piece(piece: &str, fast: bool, out: &mut String) {
    if !(fast && unicode::normalize_simple_word(piece, out)) {
        unicode::normalize_word(piece, out);
    }
}

fn emit_decoded(b: &mut Builder, decoded: char, at: usize, fast: bool, scratch: &mut String) {
    if decoded.is_whitespace() || decoded.is_control() {
        b.space(at);
        return;
    }
    b.decoded_letter |= decoded.is_alphabetic();
    b.decoded_other = true;
    let mut buf = [0u8; 4];
    scratch.clear();
    normalize_piece(decoded.encode_utf8(&mut buf), fast, scratch);
    emit_spaced(b, scratch, at);
}

/// Start of the ASCII letters directly before `i` that belong to the same
/// word and were copied unchanged (so they can be taken back).
fn word_start(bytes: &[u8], i: usize, b: &Builder) -> usize {
    if !b.copying || b.copy_orig != i {
        return i;
    }
    let last_seg_norm = b.segs.last().map(|s| s.0 as usize).unwrap_or(0);
    let copied = b.out.len() - last_seg_norm;
    let mut s = i;
    while s > 0 && i - s < copied && bytes[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    s
}

/// Drops the copy segment that a take-back emptied, and closes copying.
fn trim_segments(b: &mut Builder) {
    let len = b.out.len() as u32;
    while let Some(&(ns, _, copy)) = b.segs.last() {
        if ns > len || (ns == len && copy) {
            b.segs.pop();
        } else {
            break;
        }
    }
    b.copying = false;
}

/// End of the word containing the non-ASCII character at `i`: the next ASCII
/// white space, `<`, `&`, or ASCII punctuation that is not part of a word.
fn word_end(bytes: &[u8], i: usize) -> usize {
    let mut e = i;
    while e < bytes.len() {
        let c = bytes[e];
        if c.is_ascii()
            && (c.is_ascii_whitespace() || c.is_ascii_control() || c == b'<' || c == b'&')
        {
            break;
        }
        e += 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).into_text()
    }

    /// A byte-order mark ending a word, after letters and digits, after
    /// other text or alone: the shortcut gives the text and maps of the
    /// general path.
    #[test]
    fn trailing_bom_equals_general_path() {
        let words = [
            "", "a", "VIDEOS", "Ch4nnel", "0O1lI", "x!", "!", "é", "aé", "&amp;", "<b>x</b>", "a.b",
        ];
        let mut n = 0;
        for w in words {
            for t in [
                format!("{w}\u{feff}"),
                format!("see {w}\u{feff}"),
                format!("{w}\u{feff} more"),
                format!("{w}\u{feff}\u{feff}"),
                format!("{w} \u{feff}\n"),
                format!("{w}\u{feff}<i>x</i>&lt;"),
                format!("\u{feff}{w}\u{feff}x"),
            ] {
                let (fast, general) = (normalize(&t), normalize_reference(&t));
                assert_eq!(fast.text(), general.text(), "{t:?}");
                assert_eq!(fast.maps(), general.maps(), "{t:?}");
                n += usize::from(!fast.maps().is_empty());
            }
        }
        assert_eq!(n, 84);
    }

    /// The stops of an 8-byte block agree with the byte loop on blocks of
    /// bytes drawn from the classes that matter: the loop steps over
    /// every byte before the first stop, and over all 8 when there is none.
    #[test]
    fn block_stops_equal_byte_loop() {
        let alphabet = [
            b'a', b'Z', b' ', b'&', b'<', b'!', b'~', 0x7f, b'\n', 0x80, 0xbb, 0x21,
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut whole = 0;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut block = [0u8; 9];
            block[0] = b'x';
            for (k, b) in block[1..].iter_mut().enumerate() {
                *b = alphabet[(state >> (5 * k)) as usize % alphabet.len()];
            }
            // Where the byte loop stops or must look past the block.
            let mut j = 1;
            while j < 9 {
                match block[j] {
                    c if is_plain(c) => j += 1,
                    b' ' if j < 8 && is_plain(block[j + 1]) => j += 2,
                    _ => break,
                }
            }
            let stops = run_stops(u64::from_le_bytes(block[1..9].try_into().unwrap()));
            assert_eq!(stops.trailing_zeros() as usize / 8, j - 1, "{block:?}");
            assert_eq!(stops & !0x8080_8080_8080_8080, 0);
            whole += usize::from(stops == 0);
        }
        assert!(whole > 100, "{whole}");
    }

    #[test]
    fn ascii_fast_path_borrows() {
        let n = normalize("plain text, nothing to do.");
        assert!(matches!(n.text, Cow::Borrowed(_)));
        assert!(n.maps.is_empty());
        assert_eq!(n.original_span(6..10), 6..10);
    }

    #[test]
    fn case_space_and_markup() {
        assert_eq!(norm("  Hello   WORLD \n\t!! "), "hello world !!");
        assert_eq!(norm("a<br />b"), "a b");
        assert_eq!(norm("Tom &amp; Jerry&#39;s"), "tom & jerry's");
        assert_eq!(
            norm("see <a href=\"http://x.com/a?b=1&amp;c=2\">here</a>"),
            "see http://x.com/a?b=1&c=2 here"
        );
    }

    #[test]
    fn unicode_forms() {
        assert_eq!(norm("ＦＵＬＬ width"), "full width");
        assert_eq!(norm("café CAFÉ"), "cafe cafe");
        assert_eq!(norm("spa\u{200B}m"), "spam");
        assert_eq!(norm("\u{202E}reversed"), "reversed");
        assert_eq!(norm("U.S.’s"), "u.s.'s");
        // Mixed-script word: Cyrillic lookalikes fold to Latin.
        assert_eq!(norm("s\u{0440}\u{0430}m"), "spam");
        // A word wholly in Cyrillic stays Cyrillic.
        assert_eq!(norm("Привет"), "привет");
    }

    #[test]
    fn idempotent_on_samples() {
        for s in [
            "  Hello   WORLD \n\t!! ",
            "Z\u{0351}\u{036B}\u{0343}A\u{0310}L\u{0352}GO",
            "ＦＵＬＬ width café",
            "a&amp;amp;b",
            "x &lt;b&gt; y",
            "İstanbul ǅ ß",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "input {s:?}");
        }
    }

    #[test]
    fn spans_point_at_original() {
        let s = "Buy   ＣＨＥＡＰ pills&amp;more";
        let n = normalize(s);
        assert_eq!(n.text(), "buy cheap pills&more");
        let at = n.text().find("cheap").unwrap();
        assert_eq!(&s[n.original_span(at..at + 5)], "ＣＨＥＡＰ");
        let at = n.text().find("pills").unwrap();
        assert_eq!(&s[n.original_span(at..at + 5)], "pills");
        let at = n.text().find("more").unwrap();
        assert_eq!(&s[n.original_span(at..at + 4)], "more");
        assert_eq!(&s[n.original_span(0..n.text().len())], s.trim());
    }
}
