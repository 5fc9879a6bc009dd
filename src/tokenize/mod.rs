//! Tokenization: the second step of the pipeline.
//!
//! The [`Tokenizer`] reads [normalized](mod@crate::normalize) text and yields
//! tokens built for reader comments:
//!
//! | kind | example input | token text |
//! |---|---|---|
//! | [`Word`](TokenKind::Word) | `Pakistan's`, `f4ck` | `pakistan`, the folded word |
//! | [`Url`](TokenKind::Url) | `http://www.sosbeevfbi.com/part...` | `sosbeevfbi.com/part` |
//! | [`Domain`](TokenKind::Domain) | the same link, or `LazyCash49.com` | `sosbeevfbi.com` |
//! | [`Email`](TokenKind::Email) | `me@example.com` | `me@example.com` |
//! | [`Mention`](TokenKind::Mention) | `@Salim` | `salim` |
//! | [`Money`](TokenKind::Money) | `$8586`, `100€` | `$4d` (digits counted) |
//! | [`Number`](TokenKind::Number) | `2014`, `1,000,000` | `2014`, `#7d` |
//! | [`Shape`](TokenKind::Shape) | `!!!`, `LOOT`, a folded spelling | `!!`, `caps`, `fold:leet` |
//!
//! At the end of every comment a shape token counts its links (`links=0`,
//! `links=1`, `links=2`, `links=3+`).
//!
//! Obfuscated spellings are folded onto the words of a [`Lexicon`] (see
//! [`fold`]); every folded word also yields a `fold:<kind>` shape token,
//! since hiding a word is itself a signal.
//!
//! Every token carries its byte span in the normalized text;
//! [`Tokenizer::tokenize`] maps spans back to the original text.
//!
//! ```
//! use comment_sieve::tokenize::{Tokenizer, TokenKind};
//!
//! let tokens = Tokenizer::default().tokenize("Make $8586 at http://LazyCash49.com NOW!!");
//! let texts: Vec<(TokenKind, &str)> = tokens.iter().map(|t| (t.kind, t.text.as_str())).collect();
//! assert!(texts.contains(&(TokenKind::Money, "$4d")));
//! assert!(texts.contains(&(TokenKind::Domain, "lazycash49.com")));
//! assert!(texts.contains(&(TokenKind::Shape, "caps")));
//! assert!(texts.contains(&(TokenKind::Shape, "!!")));
//! let now = tokens.iter().find(|t| t.text == "now").unwrap();
//! assert_eq!(now.span, 36..39); // "NOW" in the original text
//! ```

pub mod fold;
pub mod url;

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use fold::{FoldKind, Lexicon};

use crate::normalize::{normalize, CopySegment, Normalized};

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A word (folded when it was obfuscated).
    Word,
    /// A number: small ones as written, long ones by digit count.
    Number,
    /// An amount of money, by digit count.
    Money,
    /// A link, without scheme and `www.`.
    Url,
    /// The registered domain of a link or e-mail address.
    Domain,
    /// An e-mail address.
    Email,
    /// An @mention, without the `@`.
    Mention,
    /// A shape of the text: punctuation runs, ALL-CAPS, folding, link count.
    Shape,
}

impl TokenKind {
    /// A one-byte tag that keeps kinds apart in feature hashing.
    pub fn tag(self) -> u8 {
        self as u8 + 1
    }

    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Word => "word",
            TokenKind::Number => "number",
            TokenKind::Money => "money",
            TokenKind::Url => "url",
            TokenKind::Domain => "domain",
            TokenKind::Email => "email",
            TokenKind::Mention => "mention",
            TokenKind::Shape => "shape",
        }
    }
}

/// A token with owned text and its span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it stands for.
    pub kind: TokenKind,
    /// Its canonical text (lower case, folded).
    pub text: String,
    /// Byte range in the original text.
    pub span: Range<usize>,
    /// How it was folded, when it was.
    pub folded: Option<FoldKind>,
}

/// A token as the scanner yields it: text borrowed, span in the normalized
/// text. This is what the hot path sees; nothing is allocated per token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRef<'t> {
    /// What it stands for.
    pub kind: TokenKind,
    /// Its canonical text.
    pub text: &'t str,
    /// Byte range in the normalized text.
    pub span: Range<usize>,
    /// How it was folded, when it was.
    pub folded: Option<FoldKind>,
}

/// Tokenizer settings.
///
/// | Name | Default | Meaning |
/// |---|---|---|
/// | `fold` | `true` | fold obfuscated spellings onto the lexicon |
/// | `shapes` | `true` | emit shape tokens (punctuation runs, caps, link count) |
/// | `max_word_len` | `40` | longer words become the shape token `longword` |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenizerConfig {
    /// Fold obfuscated spellings onto the lexicon.
    pub fold: bool,
    /// Emit shape tokens.
    pub shapes: bool,
    /// Longer words become the shape token `longword` (1..=1000).
    pub max_word_len: usize,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        TokenizerConfig {
            fold: true,
            shapes: true,
            max_word_len: 40,
        }
    }
}

/// Splits normalized comments into tokens. Cheap to clone (the lexicon is
/// shared).
#[derive(Debug, Clone, Default)]
pub struct Tokenizer {
    config: TokenizerConfig,
    lexicon: Arc<Lexicon>,
}

impl Tokenizer {
    /// A tokenizer with these settings and lexicon.
    pub fn new(config: TokenizerConfig, lexicon: Arc<Lexicon>) -> Self {
        Tokenizer { config, lexicon }
    }

    /// The settings.
    pub fn config(&self) -> &TokenizerConfig {
        &self.config
    }

    /// The lexicon that obfuscated spellings fold onto.
    pub fn lexicon(&self) -> &Arc<Lexicon> {
        &self.lexicon
    }

    /// Normalizes and tokenizes `text`; spans point into `text`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let norm = normalize(text);
        let mut out = Vec::new();
        self.scan(&norm, text, |t| {
            out.push(Token {
                kind: t.kind,
                text: t.text.to_string(),
                span: norm.original_span(t.span),
                folded: t.folded,
            })
        });
        out
    }

    /// Yields the tokens of normalized text `norm` (made from `original`)
    /// to `f`, in text order (shape tokens for a word follow the word; the
    /// link count comes last).
    pub fn scan<F: FnMut(TokenRef<'_>)>(&self, norm: &Normalized<'_>, original: &str, f: F) {
        // Unchanged text is lower case already: no word can be in caps.
        let caps_possible = !norm.is_unchanged() && two_capitals_possible(original.as_bytes());
        self.scan_with(norm, original, self.config.shapes && caps_possible, f);
    }

    /// [`Tokenizer::scan`] that tests every word for caps (the general
    /// path the caps gate is held to by the tests).
    #[cfg(test)]
    pub(crate) fn scan_every_word_for_caps<F: FnMut(TokenRef<'_>)>(
        &self,
        norm: &Normalized<'_>,
        original: &str,
        f: F,
    ) {
        self.scan_with(norm, original, self.config.shapes, f);
    }

    fn scan_with<F: FnMut(TokenRef<'_>)>(
        &self,
        norm: &Normalized<'_>,
        original: &str,
        caps_possible: bool,
        mut f: F,
    ) {
        let mut st = Scan {
            tk: self,
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
        };
        st.run(&mut f);
    }
}

struct Scan<'a, 'n> {
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

/// Whether `b` may hold two upper-case characters: two ASCII capitals or
/// non-ASCII characters other than U+FEFF (which ends most YouTube
/// comments and is no letter). A word in caps needs two.
fn two_capitals_possible(b: &[u8]) -> bool {
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        // A UTF-8 lead byte starts a non-ASCII character.
        if c.is_ascii_uppercase() || (c >= 0xC0 && !b[i..].starts_with("\u{feff}".as_bytes())) {
            n += 1;
            if n == 2 {
                return true;
            }
        }
    }
    false
}

/// Characters that may sit inside a raw word.
fn is_inner(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '*' | '@' | '$' | '!' | '|' | '+' | '\'' | '.' | '-' | '_' | ','
        )
}

impl Scan<'_, '_> {
    fn run<F: FnMut(TokenRef<'_>)>(&mut self, f: &mut F) {
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
            let t = match self.links {
                0 => "links=0",
                1 => "links=1",
                2 => "links=2",
                _ => "links=3+",
            };
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
    #[inline]
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

/// Whether `o` holds no lower-case letter and at least two upper-case ones.
fn in_caps(o: &str) -> bool {
    let mut letters = 0;
    for c in o.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            letters += 1;
        }
    }
    letters >= 2
}

fn digit_class(n: usize, prefix: char) -> &'static str {
    const MONEY: [&str; 10] = [
        "$0d", "$1d", "$2d", "$3d", "$4d", "$5d", "$6d", "$7d", "$8d", "$9d+",
    ];
    const NUM: [&str; 10] = [
        "#0d", "#1d", "#2d", "#3d", "#4d", "#5d", "#6d", "#7d", "#8d", "#9d+",
    ];
    let i = n.min(9);
    if prefix == '$' {
        MONEY[i]
    } else {
        NUM[i]
    }
}

/// Length of the leading amount in `s`: digits with `,` or `.` between digit
/// groups, and an optional `k`/`m` multiplier.
fn digits_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let separator =
            matches!(b[i], b',' | b'.') && i > 0 && i + 1 < b.len() && b[i + 1].is_ascii_digit();
        if !(b[i].is_ascii_digit() || separator) {
            break;
        }
        i += 1;
    }
    if i > 0
        && i < b.len()
        && matches!(b[i], b'k' | b'm')
        && (i + 1 == b.len() || !b[i + 1].is_ascii_alphabetic())
    {
        i += 1;
    }
    i
}

fn split_offsets<'s>(s: &'s str, seps: &'s [char]) -> impl Iterator<Item = (usize, &'s str)> + 's {
    let mut off = 0;
    s.split(seps).map(move |p| {
        let at = off;
        off += p.len() + 1;
        (at, p)
    })
}

/// What one pass over a space-free chunk finds.
struct ChunkScan {
    /// Where the chunk ends: the next space, or the end of the text.
    end: usize,
    /// It holds `!`, `?` or `$` (which may make punctuation shapes).
    shapes: bool,
    /// The length of its word when the chunk is lower-case ASCII letters
    /// followed only by punctuation that ends a word (`word`, `word.`,
    /// `word?!`): such a chunk yields that word alone (and the shapes of
    /// its punctuation). `None` for any other chunk, and for letters that
    /// may begin a link (`http`, `www`).
    plain: Option<usize>,
}

/// Byte classes for [`scan_chunk`]: punctuation that may end a plain word.
const TAIL: u8 = 1;
/// Byte classes for [`scan_chunk`]: punctuation that makes shapes.
const SHAPE: u8 = 2;

static CHUNK_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let tail = b".,!?:;)\"'";
    let mut i = 0;
    while i < tail.len() {
        t[tail[i] as usize] |= TAIL;
        i += 1;
    }
    t[b'!' as usize] |= SHAPE;
    t[b'?' as usize] |= SHAPE;
    t[b'$' as usize] |= SHAPE;
    t
};

/// Scans the chunk starting at `pos` (not a space) in one pass.
#[inline]
fn scan_chunk(bytes: &[u8], pos: usize) -> ChunkScan {
    let mut j = pos;
    while j < bytes.len() && bytes[j].is_ascii_lowercase() {
        j += 1;
    }
    let letters = j - pos;
    let mut all = SHAPE | TAIL;
    let mut any = 0;
    while j < bytes.len() && bytes[j] != b' ' {
        let k = CHUNK_CLASS[bytes[j] as usize];
        all &= k;
        any |= k;
        j += 1;
    }
    let c = &bytes[pos..j];
    let plain = letters > 0 && all & TAIL != 0 && !c.starts_with(b"http") && !c.starts_with(b"www");
    ChunkScan {
        end: j,
        shapes: any & SHAPE != 0,
        plain: plain.then_some(letters),
    }
}

/// Whether a byte occurs three times in a row in `b`.
#[inline]
fn has_triple(b: &[u8]) -> bool {
    let mut run = 1;
    for i in 1..b.len() {
        run = if b[i] == b[i - 1] { run + 1 } else { 1 };
        if run == 3 {
            return true;
        }
    }
    false
}

#[inline]
fn is_single_letter(c: &str) -> bool {
    match c.len() {
        1 => return c.as_bytes()[0].is_ascii_alphabetic(),
        0 | 5.. => return false,
        _ => {}
    }
    let mut it = c.chars();
    matches!((it.next(), it.next()), (Some(ch), None) if ch.is_alphabetic())
}

fn looks_like_link(t: &str) -> bool {
    t.starts_with("http") || t.starts_with("www.") || url::find_scheme_sep(t).is_some() || {
        // A bare domain needs a dot followed by a letter.
        let b = t.as_bytes();
        b.windows(2)
            .any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic())
    }
}

#[inline]
/// Number of consecutive single-letter chunks starting at `from`.
fn count_single_letters(s: &str, from: usize) -> usize {
    let bytes = s.as_bytes();
    let mut n = 0;
    let mut pos = from;
    loop {
        let end = memchr_space(bytes, pos);
        if !is_single_letter(&s[pos..end]) {
            return n;
        }
        n += 1;
        if end >= bytes.len() {
            return n;
        }
        pos = end + 1;
    }
}

fn memchr_space(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b' ')
        .map_or(b.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(tk: &Tokenizer, s: &str) -> Vec<(TokenKind, String)> {
        tk.tokenize(s)
            .into_iter()
            .filter(|t| !(t.kind == TokenKind::Shape && t.text.starts_with("links=")))
            .map(|t| (t.kind, t.text))
            .collect()
    }

    fn words(s: &str) -> Vec<String> {
        Tokenizer::default()
            .tokenize(s)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn plain_words() {
        assert_eq!(
            words("Pakistan's ISI, the U.S. and al-Qaeda don't agree."),
            ["pakistan", "isi", "the", "u.s", "and", "al", "qaeda", "dont", "agree"]
        );
    }

    #[test]
    fn links_and_shapes() {
        let tk = Tokenizer::default();
        let t = toks(&tk, "did you read this webpage http://LazyCash49.com");
        assert!(t.contains(&(TokenKind::Url, "lazycash49.com".into())));
        assert!(t.contains(&(TokenKind::Domain, "lazycash49.com".into())));
        let all = tk.tokenize("a http://x.com/a... b www.y.org c z.net");
        assert_eq!(all.last().unwrap().text, "links=3+");
        let t = toks(
            &tk,
            "their LOOT in $$$$s and $7.5 billion, 33-year, 110,000 troops",
        );
        assert!(t.contains(&(TokenKind::Shape, "caps".into())));
        assert!(t.contains(&(TokenKind::Shape, "$$".into())));
        assert!(t.contains(&(TokenKind::Money, "$2d".into())));
        assert!(t.contains(&(TokenKind::Number, "33".into())));
        assert!(t.contains(&(TokenKind::Number, "#6d".into())));
        let t = toks(&tk, "@Salim Shaikhyou rocked, mail me@ex.com!!");
        assert_eq!(t[0], (TokenKind::Mention, "salim".into()));
        assert!(t.contains(&(TokenKind::Email, "me@ex.com".into())));
        assert!(t.contains(&(TokenKind::Shape, "!!".into())));
    }

    #[test]
    fn folding_needs_the_lexicon() {
        let lex = Arc::new(Lexicon::new(vec![
            ("idiot".into(), 3.0),
            ("scam".into(), 2.0),
        ]));
        let tk = Tokenizer::new(TokenizerConfig::default(), lex);
        for s in [
            "1d10t",
            "i.d.i.o.t",
            "i d i o t",
            "idiooooot",
            "ID1OT",
            "іdіot",
        ] {
            let t = tk.tokenize(s);
            assert_eq!(t[0].text, "idiot", "{s:?}: {t:?}");
            assert!(t[0].folded.is_some() || s == "іdіot", "{s:?}");
        }
        // A spaced word after other single letters, also at the end of a
        // run far longer than any lexicon word.
        for lead in ["I ", "a b ", &"x ".repeat(1000)] {
            let s = format!("{lead}i d i o t");
            let t = tk.tokenize(&s);
            let hit = t.iter().find(|t| t.text == "idiot").expect(&s[..10]);
            assert_eq!(&s[hit.span.clone()], "i d i o t");
            assert_eq!(hit.folded, Some(FoldKind::Separated));
        }
        // Without folding, spellings stay apart.
        let plain = Tokenizer::new(
            TokenizerConfig {
                fold: false,
                ..Default::default()
            },
            tk.lexicon().clone(),
        );
        assert_eq!(plain.tokenize("1d10t")[0].text, "1d10t");
        // Ordinary words are never rewritten.
        for w in [
            "assassin",
            "scunthorpe",
            "cocktail",
            "shital",
            "therapist",
            "classic",
        ] {
            assert_eq!(words(w), [w]);
            assert_eq!(tk.tokenize(w)[0].text, w);
        }
    }

    #[test]
    fn spans_are_original() {
        let s = "Buy ＣＨＥＡＰ stuff at http://x.com NOW";
        for t in Tokenizer::default().tokenize(s) {
            assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
            if t.text == "cheap" {
                assert_eq!(&s[t.span.clone()], "ＣＨＥＡＰ");
            }
            if t.kind == TokenKind::Url {
                assert_eq!(&s[t.span.clone()], "http://x.com");
            }
        }
    }
}
