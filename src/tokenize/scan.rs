//! The scanner: one pass over normalized text that yields tokens.
//!
//! The text is read chunk by chunk (a chunk is what lies between spaces).
//! A plain lower-case word with trailing punctuation takes a fast path; any
//! other chunk is split into links, e-mail addresses, mentions, amounts,
//! numbers and words, each word folded onto the lexicon when obfuscated and
//! tested for caps against the original text. Runs of single letters
//! (`f u c k`) are joined first. Byte-level tests on chunks are in
//! [`chunk`](super::chunk).

use std::ops::Range;

use super::chunk::*;
use super::{fold, url, FoldKind, TokenKind, TokenRef, Tokenizer};
use crate::normalize::{CopySegment, Normalized};

/// The state of one scan of a comment.
pub(super) struct Scan<'a, 'n> {
    tk: &'a Tokenizer,
    norm: &'a Normalized<'n>,
    original: &'a str,
    s: &'a str,
    buf: String,
    links: usize,
    /// Whether a word may get the shape token "caps": shape tokens are on
    /// and the comment may hold a word in caps.
    caps_possible: bool,
    /// Single-letter chunks left in the current run, this one included
    /// (0: not in a run).
    run_left: usize,
    /// Where the last word's original span was found in the offset map.
    span_hint: usize,
    /// The copy segment of the last word mapped back through one, which
    /// usually holds the next words too.
    copy_seg: Option<CopySegment>,
    /// The last original range tested for caps outside a copy segment and
    /// whether it is in caps. Words inside one replaced segment all map
    /// back to the whole segment; without this, a long segment split into
    /// many words (say 200 KB of symbols and letters) would be rescanned
    /// once per word, quadratic in its length.
    caps_range: Option<(Range<usize>, bool)>,
}

impl<'a, 'n> Scan<'a, 'n> {
    /// A scan of `norm` (made from `original`) for `tk`; `caps_possible`
    /// says whether a word may get the shape token "caps".
    pub(super) fn new(
        tk: &'a Tokenizer,
        norm: &'a Normalized<'n>,
        original: &'a str,
        caps_possible: bool,
    ) -> Self {
        Scan {
            tk,
            norm,
            original,
            s: norm.text(),
            buf: String::new(),
            links: 0,
            span_hint: 0,
            caps_possible,
            caps_range: None,
            run_left: 0,
            copy_seg: None,
        }
    }
}

impl Scan<'_, '_> {
    /// Scans the whole text, yielding its tokens to `f`.
    pub(super) fn run<F: FnMut(TokenRef<'_>)>(&mut self, f: &mut F) {
        let s = self.s;
        let bytes = s.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            let c = scan_chunk(bytes, pos);
            let end = c.end;
            // Letters spread out by spaces: "f u c k".
            if self.tk.config.fold && is_single_letter(&s[pos..end]) {
                if self.run_left == 0 {
                    self.run_left = count_single_letters(s, pos);
                }
                let left = self.run_left;
                self.run_left -= 1;
                // The rest of the run joins to a lexicon word only if it has
                // three letters or more and no more than the longest word:
                // no joined string is built for "I am", and a long run of
                // single letters stays linear instead of joined at every
                // letter.
                if (3..=self.tk.lexicon.max_chars()).contains(&left) {
                    if let Some(next) = self.spaced_letters(pos, end, f) {
                        self.run_left = 0;
                        pos = next;
                        continue;
                    }
                }
            }
            self.chunk(pos, &c, f);
            pos = end + 1;
        }
        if self.tk.config.shapes {
            let t = super::LINK_COUNTS[self.links.min(3)];
            f(TokenRef {
                kind: TokenKind::Shape,
                text: t,
                span: s.len()..s.len(),
                folded: None,
            });
        }
    }

    /// Joins a run of three or more single-letter chunks when the joined
    /// word is in the lexicon; returns where scanning resumes.
    fn spaced_letters<F: FnMut(TokenRef<'_>)>(
        &mut self,
        start: usize,
        first_end: usize,
        f: &mut F,
    ) -> Option<usize> {
        let bytes = self.s.as_bytes();
        let mut joined = String::new();
        let mut end = first_end;
        let mut pos = start;
        loop {
            joined.push_str(&self.s[pos..end]);
            if end >= bytes.len() {
                break;
            }
            let next_end = memchr_space(bytes, end + 1);
            if !is_single_letter(&self.s[end + 1..next_end]) {
                break;
            }
            pos = end + 1;
            end = next_end;
        }
        if joined.chars().count() < 3 || !self.tk.lexicon.contains(&joined) {
            return None;
        }
        self.emit_folded(&joined, start..end, FoldKind::Separated, f);
        Some(end + 1)
    }

    fn emit_folded<F: FnMut(TokenRef<'_>)>(
        &mut self,
        text: &str,
        span: Range<usize>,
        kind: FoldKind,
        f: &mut F,
    ) {
        f(TokenRef {
            kind: TokenKind::Word,
            text,
            span: span.clone(),
            folded: Some(kind),
        });
        if self.tk.config.shapes {
            let t = match kind {
                FoldKind::Leet => "fold:leet",
                FoldKind::Censored => "fold:censored",
                FoldKind::Separated => "fold:separated",
                FoldKind::Repeated => "fold:repeated",
                FoldKind::Lookalike => "fold:lookalike",
            };
            f(TokenRef {
                kind: TokenKind::Shape,
                text: t,
                span,
                folded: None,
            });
        }
    }

    /// One space-free chunk `s[a..b]`.
    fn chunk<F: FnMut(TokenRef<'_>)>(&mut self, a: usize, scan: &ChunkScan, f: &mut F) {
        let b = scan.end;
        let s = self.s;
        let c = &s[a..b];
        if let Some(n) = scan.plain {
            // The common case, "word" or "word.": what the general path
            // below makes of it, without its searches. (It starts with a
            // letter: nothing to trim.)
            if scan.shapes {
                self.punct_shapes(a, b, f);
            }
            self.plain_word(&c[..n], a..a + n, f);
            return;
        }
        // The characters trimmed are ASCII: count bytes.
        let lead = c
            .bytes()
            .take_while(|b| matches!(b, b'"' | b'\'' | b'(' | b'[' | b'{' | b'<' | b'*' | b'-'))
            .count();
        let a2 = a + lead;
        let t = &s[a2..b];
        if scan.shapes {
            self.punct_shapes(a, b, f);
        }
        if looks_like_link(t) {
            if let Some((link, used)) = url::parse_link(t) {
                self.links += 1;
                let span = a2..a2 + used;
                f(TokenRef {
                    kind: TokenKind::Url,
                    text: link.url,
                    span: span.clone(),
                    folded: None,
                });
                f(TokenRef {
                    kind: TokenKind::Domain,
                    text: link.domain,
                    span,
                    folded: None,
                });
                self.words(a2 + used, b, f);
                return;
            }
        }
        if t.find('@').is_some_and(|i| i > 0) {
            if let Some((used, domain)) = url::parse_email(t) {
                let span = a2..a2 + used;
                f(TokenRef {
                    kind: TokenKind::Email,
                    text: &t[..used],
                    span: span.clone(),
                    folded: None,
                });
                f(TokenRef {
                    kind: TokenKind::Domain,
                    text: domain,
                    span,
                    folded: None,
                });
                self.words(a2 + used, b, f);
                return;
            }
        }
        if let Some(name) = t.strip_prefix('@') {
            let n = name
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .unwrap_or(name.len());
            if n > 0 {
                f(TokenRef {
                    kind: TokenKind::Mention,
                    text: &name[..n],
                    span: a2..a2 + 1 + n,
                    folded: None,
                });
                self.words(a2 + 1 + n, b, f);
                return;
            }
        }
        self.words(a, b, f);
    }

    /// Shape tokens for runs of `!`, `?` and `$` in `s[a..b]`.
    fn punct_shapes<F: FnMut(TokenRef<'_>)>(&mut self, a: usize, b: usize, f: &mut F) {
        if !self.tk.config.shapes {
            return;
        }
        let bytes = &self.s.as_bytes()[a..b];
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if matches!(c, b'!' | b'?' | b'$') {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] == c {
                    j += 1;
                }
                if j - i >= 2 {
                    let t = match c {
                        b'!' => "!!",
                        b'?' => "??",
                        _ => "$$",
                    };
                    f(TokenRef {
                        kind: TokenKind::Shape,
                        text: t,
                        span: a + i..a + j,
                        folded: None,
                    });
                }
                i = j;
            } else {
                i += 1;
            }
        }
    }

    /// Words, numbers and money in `s[a..b]` (no spaces, no links).
    fn words<F: FnMut(TokenRef<'_>)>(&mut self, a: usize, b: usize, f: &mut F) {
        let s = self.s;
        let mut i = a;
        while i < b {
            let ch = s[i..].chars().next().unwrap_or(' ');
            if !is_inner(ch) {
                // Currency symbols before an amount.
                if matches!(ch, '€' | '£' | '¥' | '₹') {
                    let after = i + ch.len_utf8();
                    let d = digits_len(&s[after..b]);
                    if d > 0 {
                        self.money(i, after + d, f);
                        i = after + d;
                        continue;
                    }
                }
                i += ch.len_utf8();
                continue;
            }
            let mut j = i;
            for (off, c) in s[i..b].char_indices() {
                if !is_inner(c) {
                    j = i + off;
                    break;
                }
                j = i + off + c.len_utf8();
            }
            self.raw_word(i, j, f);
            i = j.max(i + 1);
        }
    }

    /// A maximal run of word characters and inner punctuation.
    fn raw_word<F: FnMut(TokenRef<'_>)>(&mut self, a: usize, b: usize, f: &mut F) {
        let s = self.s;
        let raw = &s[a..b];
        // Trailing punctuation is not part of the word.
        let core = raw.trim_end_matches(['.', ',', '!', '\'', '-', '_', '|', '+']);
        let lead = core.len()
            - core
                .trim_start_matches(['\'', '.', '-', '_', ',', '!', '|', '+'])
                .len();
        let a = a + lead;
        let core = &core[lead..];
        if core.is_empty() {
            return;
        }
        // Money: "$8586", "$7.5", "8586$".
        if let Some(rest) = core.strip_prefix('$') {
            let d = digits_len(rest);
            if d > 0 {
                self.money(a, a + 1 + d, f);
                if 1 + d < core.len() {
                    self.raw_word(a + 1 + d, a + core.len(), f);
                }
                return;
            }
        }
        let d = digits_len(core);
        if d > 0 && core[d..].starts_with('$') {
            self.money(a, a + d + 1, f);
            return;
        }
        if d == core.len() {
            self.number(a, a + d, f);
            return;
        }
        // Letters spread out by '.', '-' or '_': "f.u.c.k"; abbreviations "u.s.".
        if core.contains(['.', '-', '_']) {
            let parts: Vec<&str> = core.split(['.', '-', '_']).collect();
            let singles = parts
                .iter()
                .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
            if singles && parts.len() >= 2 {
                let joined: String = parts.concat();
                if self.tk.config.fold && parts.len() >= 3 && self.tk.lexicon.contains(&joined) {
                    self.emit_folded(&joined, a..a + core.len(), FoldKind::Separated, f);
                } else if core.contains('.') {
                    // An abbreviation keeps its dots: "u.s" is not "us".
                    let abbr = core.trim_end_matches('.');
                    self.word(abbr, a..a + abbr.len(), f);
                } else {
                    for (off, p) in split_offsets(core, &['.', '-', '_']) {
                        self.word(p, a + off..a + off + p.len(), f);
                    }
                }
                return;
            }
            for (off, p) in split_offsets(core, &['.', '-', '_']) {
                if !p.is_empty() {
                    self.raw_word(a + off, a + off + p.len(), f);
                }
            }
            return;
        }
        if core.contains(',') {
            for (off, p) in split_offsets(core, &[',']) {
                if !p.is_empty() {
                    self.raw_word(a + off, a + off + p.len(), f);
                }
            }
            return;
        }
        // Apostrophes: "pakistan's" → "pakistan", "don't" → "dont".
        let core_noposs = core.strip_suffix("'s").unwrap_or(core);
        if core_noposs.contains('\'') {
            let joined: String = core_noposs.chars().filter(|&c| c != '\'').collect();
            self.word_owned(joined, a..a + core.len(), f);
            return;
        }
        self.word(core_noposs, a..a + core_noposs.len(), f);
    }

    /// [`Scan::word`] for `w` made of lower-case ASCII letters only (not
    /// empty): unless it is too long or holds a letter three times in a
    /// row (then it may fold), it is a word as written.
    fn plain_word<F: FnMut(TokenRef<'_>)>(&mut self, w: &str, span: Range<usize>, f: &mut F) {
        if w.len() > self.tk.config.max_word_len || has_triple(w.as_bytes()) {
            return self.word(w, span, f);
        }
        f(TokenRef {
            kind: TokenKind::Word,
            text: w,
            span: span.clone(),
            folded: None,
        });
        self.caps_shape(span, f);
    }

    fn word<F: FnMut(TokenRef<'_>)>(&mut self, w: &str, span: Range<usize>, f: &mut F) {
        if w.is_empty() {
            return;
        }
        if w.len() > self.tk.config.max_word_len {
            if self.tk.config.shapes {
                f(TokenRef {
                    kind: TokenKind::Shape,
                    text: "longword",
                    span,
                    folded: None,
                });
            }
            return;
        }
        let plain = w.bytes().all(|b| b.is_ascii_lowercase()) && !has_triple(w.as_bytes());
        if plain || !self.tk.config.fold {
            // The common case: nothing to fold. (A plain word is letters.)
            if !plain && w.bytes().all(|b| b.is_ascii_digit()) {
                self.number(span.start, span.end, f);
                return;
            }
            f(TokenRef {
                kind: TokenKind::Word,
                text: w,
                span: span.clone(),
                folded: None,
            });
        } else {
            let mut buf = std::mem::take(&mut self.buf);
            let folded = fold::fold_word(w, &self.tk.lexicon, &mut buf);
            match folded {
                Some(kind) => self.emit_folded(&buf, span.clone(), kind, f),
                None => {
                    let t: &str = buf.trim_matches(|c: char| !c.is_alphanumeric() && c != '*');
                    if !t.is_empty() {
                        f(TokenRef {
                            kind: TokenKind::Word,
                            text: t,
                            span: span.clone(),
                            folded: None,
                        });
                    }
                }
            }
            self.buf = buf;
        }
        self.caps_shape(span, f);
    }

    fn word_owned<F: FnMut(TokenRef<'_>)>(&mut self, w: String, span: Range<usize>, f: &mut F) {
        self.word(&w, span, f);
    }

    /// "caps" after a word written in capitals (two letters or more).
    ///
    /// Inlined into every word (`#[inline]` alone left it a call, which
    /// cost more than the test) for the common case, a word inside the
    /// copy segment of the word before: its original bytes are found by
    /// arithmetic, and most words start with a lower-case letter there.
    /// Other words go to [`Scan::caps_shape_lookup`].
    #[inline(always)]
    fn caps_shape<F: FnMut(TokenRef<'_>)>(&mut self, span: Range<usize>, f: &mut F) {
        if !self.caps_possible {
            return;
        }
        match self.copy_seg {
            Some(seg) if seg.holds(&span) => {
                let o = &self.original.as_bytes()[seg.original_span(span.clone())];
                if o.first().is_some_and(u8::is_ascii_lowercase) {
                    return;
                }
                self.caps_copied(o, span, f);
            }
            _ => self.caps_shape_lookup(span, f),
        }
    }

    /// [`Scan::caps_shape`] for `o`, the original bytes of `span` copied
    /// as ASCII: the same test as on characters, on bytes.
    fn caps_copied<F: FnMut(TokenRef<'_>)>(&mut self, o: &[u8], span: Range<usize>, f: &mut F) {
        if !o.iter().any(u8::is_ascii_lowercase)
            && o.iter().filter(|b| b.is_ascii_uppercase()).count() >= 2
        {
            f(TokenRef {
                kind: TokenKind::Shape,
                text: "caps",
                span,
                folded: None,
            });
        }
    }

    /// [`Scan::caps_shape`] for a word outside the copy segment of the
    /// word before: finds its copy segment, or maps it back through the
    /// offset map.
    #[inline(never)]
    fn caps_shape_lookup<F: FnMut(TokenRef<'_>)>(&mut self, span: Range<usize>, f: &mut F) {
        let seg = self.norm.copied_segment(span.clone(), &mut self.span_hint);
        if let Some(seg) = seg {
            self.copy_seg = Some(seg);
            let orig = seg.original_span(span.clone());
            return self.caps_copied(&self.original.as_bytes()[orig], span, f);
        }
        let orig = self
            .norm
            .original_span_from(span.clone(), &mut self.span_hint);
        let caps = match &self.caps_range {
            Some((r, caps)) if *r == orig => *caps,
            _ => {
                let Some(o) = self.original.get(orig.clone()) else {
                    return;
                };
                let caps = in_caps(o);
                self.caps_range = Some((orig, caps));
                caps
            }
        };
        if caps {
            f(TokenRef {
                kind: TokenKind::Shape,
                text: "caps",
                span,
                folded: None,
            });
        }
    }

    fn money<F: FnMut(TokenRef<'_>)>(&mut self, a: usize, b: usize, f: &mut F) {
        let n = self.s[a..b].bytes().filter(u8::is_ascii_digit).count();
        f(TokenRef {
            kind: TokenKind::Money,
            text: digit_class(n, '$'),
            span: a..b,
            folded: None,
        });
    }

    fn number<F: FnMut(TokenRef<'_>)>(&mut self, a: usize, b: usize, f: &mut F) {
        let t = &self.s[a..b];
        let n = t.bytes().filter(u8::is_ascii_digit).count();
        let text = if n <= 4 && t.bytes().all(|c| c.is_ascii_digit()) {
            t
        } else {
            digit_class(n, '#')
        };
        f(TokenRef {
            kind: TokenKind::Number,
            text,
            span: a..b,
            folded: None,
        });
    }
}
