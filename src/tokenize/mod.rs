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

mod chunk;
pub mod fold;
mod scan;
mod types;
pub mod url;

use std::sync::Arc;

pub use fold::{FoldKind, Lexicon};

/// The link-count shapes, one of which ends every comment's tokens: no
/// link, one, two, three or more.
pub(crate) const LINK_COUNTS: [&str; 4] = ["links=0", "links=1", "links=2", "links=3+"];
pub use types::{Token, TokenKind, TokenRef, TokenizerConfig};

use crate::normalize::{normalize, Normalized};
use chunk::two_capitals_possible;
use scan::Scan;

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
        Scan::new(self, norm, original, caps_possible).run(&mut f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_texts::texts;

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

    /// The tokenizer tests a word for caps only in comments that may hold
    /// one (two upper-case characters with no lower-case one between them):
    /// testing every word gives the same tokens.
    #[test]
    fn caps_gate_equals_testing_every_word() {
        let tk = Tokenizer::default();
        let mut caps = 0;
        let more = [
            "AbC aBC ABc \u{c0}B \u{c9}T\u{c9} D\u{c9}J\u{c0} \u{e9}TE A\u{1c5}B A\u{1f600}B",
            "O'NEIL U.S.A. A-B-C X_Y NO,WAY A1B \u{391}\u{392} \u{3b1}\u{392}\u{393}",
            "Ok I AM here \u{feff}A\u{feff}B\u{feff} <b>A</b>B A&amp;B A&#66; \u{1c5}\u{1c5}",
        ];
        for t in texts().into_iter().chain(more.map(String::from)) {
            let norm = normalize(&t);
            let (mut gated, mut every) = (Vec::new(), Vec::new());
            tk.scan(&norm, &t, |tok| {
                gated.push((tok.kind, tok.text.to_string(), tok.span))
            });
            tk.scan_every_word_for_caps(&norm, &t, |tok| {
                every.push((tok.kind, tok.text.to_string(), tok.span))
            });
            assert_eq!(gated, every, "{t:?}");
            caps += every.iter().filter(|(_, text, _)| text == "caps").count();
        }
        assert!(caps > 1000, "{caps}");
    }
}
