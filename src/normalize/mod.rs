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
//!
//! The module is split by mechanism: [`OffsetMap`] and the copy segments
//! that map spans back (`offsets`), the builder that writes normalized
//! text and its map together (`builder`), and the passes that read the
//! original text and drive the builder (`passes`). This file holds the
//! result type, [`Normalized`], and the thread's spare buffers it hands
//! back on drop.

mod builder;
pub mod html;
mod offsets;
mod passes;
pub mod unicode;

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

pub(crate) use offsets::CopySegment;
pub use offsets::OffsetMap;
use passes::normalize_with;

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
