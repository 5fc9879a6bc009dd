//! The classifier's scoring held to a reference: the feature bookkeeping
//! the classifier had before its fast paths (a hash set of keys, known or
//! not, and the byte-by-byte normalization path), with the verdict from
//! the sums computed by the classifier's own code. Every text of
//! [`test_texts`](crate::test_texts) must classify the same both ways.

use std::collections::HashSet;

use crate::classify::{Classification, Classifier};
use crate::label::Label;
use crate::normalize::normalize_reference;
use crate::test_texts::texts;

#[test]
fn classify_equals_reference_scoring() {
    let clf = Classifier::default();
    let mut spam = 0;
    for t in texts() {
        let v = clf.classify_text(&t);
        assert_eq!(v, classify_reference(&clf, &t), "{t:?}");
        spam += usize::from(v.label == Label::Spam);
    }
    assert!(spam > 100);
}

/// The feature bookkeeping the classifier had before its fast paths (a
/// hash set of keys, known or not), on the general normalization path;
/// the verdict from the sums is the classifier's own.
mod reference {
    use super::*;
    use crate::chargrams::{is_word_feature, LastWord};
    use crate::classify::{empty_verdict, verdict, Folded, Hit};
    use crate::model::CharSums;

    pub(super) fn classify_reference(clf: &Classifier, text: &str) -> Classification {
        let mut hits: Vec<Hit> = Vec::new();
        let mut texts = Folded::default();
        let mut seen: HashSet<u64> = HashSet::new();
        let m = &**clf.model();
        let norm = normalize_reference(text);
        if norm.text().is_empty() {
            return empty_verdict();
        }
        let table = &m.table;
        let w = table.width;
        let mut sums = [0f64; 16];
        let mut n = 0;
        let mut chars = CharSums::default();
        let mut word_chars = LastWord::default();
        let binary = m.features.binary;
        m.extractor.scan(&norm, text, |feat, tok| {
            let folded = |texts: &mut Folded| {
                (feat.span == tok.span && tok.text != &norm.text()[tok.span.clone()])
                    .then(|| texts.push(tok.text))
            };
            if let Some(ct) = m.chars.as_ref().filter(|_| is_word_feature(feat, tok)) {
                let own = ct.add_word(tok.text, &mut chars);
                word_chars = LastWord::new(feat.span.start, own);
                if table.row_indexed(feat.key).is_none() {
                    // Every occurrence of an unknown word: its n-grams.
                    hits.push(Hit {
                        row: table.unknown_row,
                        span: feat.span.clone(),
                        folded: folded(&mut texts),
                        word: true,
                        chars: own,
                    });
                    return;
                }
            }
            let new = seen.insert(feat.key);
            if binary && !new {
                return;
            }
            if let Some((r, row)) = table.row_indexed(feat.key) {
                if new && r < table.vocab_rows {
                    n += 1;
                }
                for (s, &v) in sums[..w].iter_mut().zip(row) {
                    *s += v as f64;
                }
                let word = tok.kind == crate::TokenKind::Word && feat.span == tok.span;
                hits.push(Hit {
                    row: r,
                    span: feat.span.clone(),
                    folded: folded(&mut texts),
                    word,
                    chars: word_chars.for_hit(word, feat.span.start),
                });
            }
        });
        for (s, p) in sums[..w].iter_mut().zip(&table.log_priors) {
            *s += p;
        }
        verdict(
            m,
            text,
            &norm,
            &sums,
            n,
            chars,
            &hits,
            &texts,
            &mut Vec::new(),
        )
    }
}

use reference::classify_reference;
