//! One comment read once: its normalized text and its tokens.
//!
//! The moderator asks several things of each comment: the classifier's
//! features, its relevance to the article, the link and word rules, and
//! (once approved) its words for the thread. Each used to normalize and
//! tokenize the text again. An [`Analysis`] does both once and every step
//! reads its tokens; [`Analysis::tokens`] yields them exactly as
//! [`Tokenizer::scan`] does, so a step gives the same answer either way.
//! The plain [`Classifier::classify_text`](crate::Classifier::classify_text)
//! keeps scanning without storing tokens: one pass, nothing kept.

use std::ops::Range;

use crate::normalize::{normalize, Normalized};
use crate::tokenize::{FoldKind, TokenKind, TokenRef, Tokenizer};

/// A comment's normalized text and tokens, made once and shared by the
/// moderation steps.
#[derive(Debug)]
pub struct Analysis<'t> {
    original: &'t str,
    norm: Normalized<'t>,
    tokens: Vec<Stored>,
    /// The texts of tokens that are not a slice of the normalized text
    /// (folded spellings, shapes), one after another.
    texts: String,
}

/// A token as kept: its text is either the normalized text at its span or
/// a range of [`Analysis::texts`].
#[derive(Debug)]
struct Stored {
    kind: TokenKind,
    own_text: Option<Range<usize>>,
    span: Range<usize>,
    folded: Option<FoldKind>,
}

impl<'t> Analysis<'t> {
    /// Normalizes `text` and reads its tokens with `tokenizer`.
    pub fn new(tokenizer: &Tokenizer, text: &'t str) -> Self {
        let norm = normalize(text);
        // About one token per five bytes of comment text.
        let mut tokens = Vec::with_capacity(text.len() / 5 + 4);
        let mut texts = String::new();
        let base = norm.text();
        tokenizer.scan(&norm, text, |t| {
            // Most tokens are that very slice of the normalized text, as
            // their addresses tell without comparing bytes.
            let in_place = std::ptr::eq(t.text.as_ptr(), base.as_ptr().wrapping_add(t.span.start))
                && t.text.len() == t.span.len();
            let own_text = (!in_place && base.get(t.span.clone()) != Some(t.text)).then(|| {
                let start = texts.len();
                texts.push_str(t.text);
                start..texts.len()
            });
            tokens.push(Stored {
                kind: t.kind,
                own_text,
                span: t.span,
                folded: t.folded,
            });
        });
        Analysis {
            original: text,
            norm,
            tokens,
            texts,
        }
    }

    /// The comment as written.
    pub fn original(&self) -> &'t str {
        self.original
    }

    /// Its normalized text.
    pub fn normalized(&self) -> &Normalized<'t> {
        &self.norm
    }

    /// The tokens, in the order and form [`Tokenizer::scan`] yields them
    /// (spans in the normalized text). A token that is a slice of the
    /// normalized text borrows it there, as the scanner's do.
    pub fn tokens(&self) -> impl Iterator<Item = TokenRef<'_>> + '_ {
        let base = self.norm.text();
        self.tokens.iter().map(move |s| TokenRef {
            kind: s.kind,
            text: match &s.own_text {
                Some(r) => &self.texts[r.clone()],
                None => &base[s.span.clone()],
            },
            span: s.span.clone(),
            folded: s.folded,
        })
    }

    /// A span of the normalized text as a byte range of the comment as
    /// written.
    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        self.norm.original_span(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_texts::texts;

    #[test]
    fn tokens_are_the_scanners() {
        let clf = crate::Classifier::default();
        let tk = &clf.model().extractor().tokenizer;
        for text in &texts() {
            let norm = normalize(text);
            let mut scanned = Vec::new();
            tk.scan(&norm, text, |t| {
                scanned.push((t.kind, t.text.to_string(), t.span, t.folded))
            });
            let a = Analysis::new(tk, text);
            let stored: Vec<_> = a
                .tokens()
                .map(|t| (t.kind, t.text.to_string(), t.span, t.folded))
                .collect();
            assert_eq!(stored, scanned, "{text:?}");
        }
    }

    #[test]
    fn classifying_the_analysis_is_classifying_the_text() {
        let clf = crate::Classifier::default();
        let tk = &clf.model().extractor().tokenizer;
        for text in &texts() {
            let a = Analysis::new(tk, text);
            for reply in [None, Some(true)] {
                let of_text = clf.classify_in_thread(text, Some("the comment above"), reply);
                let of_analysis = clf.classify_analysis(&a, Some("the comment above"), reply);
                assert_eq!(of_analysis, of_text, "{text:?}");
            }
        }
    }
}
