//! Property tests: arbitrary text never panics, probabilities stay finite
//! and sum to one, spans lie on character boundaries, normalization is
//! idempotent.

use comment_sieve::{normalize, Classifier, Tokenizer};
use proptest::prelude::*;

/// Text built from pieces that stress the pipeline: markup, entities,
/// links, obfuscation characters, invisible and combining characters,
/// other scripts, and arbitrary Unicode.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        "[a-zA-Z0-9 .,!?$@*'-]{1,12}",
        Just("<a href=\"http://x.com/a?b=1&amp;c\">".to_string()),
        Just("</a><br />".to_string()),
        Just("&amp;".to_string()),
        Just("&#x41;&#39;&lt;b&gt;&amp;amp;".to_string()),
        Just("http://www.example.co.uk/x...".to_string()),
        Just("\u{200B}\u{202E}\u{FEFF}\u{00AD}".to_string()),
        Just("e\u{0301}\u{0336}\u{0334}".to_string()),
        Just("ＦＵＬＬ 𝐁𝐨𝐥𝐝 İ ß ǅ".to_string()),
        Just("сраm Привет नमस्ते 강남스타일".to_string()),
        Just("\0\u{1}\r\n\t ".to_string()),
        Just("$8586 1,000.5 ".to_string()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn classify_is_total(text in hostile()) {
        let clf = Classifier::default();
        let v = clf.classify_text(&text);
        let p = v.probabilities;
        let all = [p.spam, p.abuse, p.off_topic, p.on_topic];
        for x in all {
            prop_assert!(x.is_finite() && (0.0..=1.0).contains(&x));
        }
        prop_assert!((all.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        for r in &v.reasons {
            prop_assert!(r.span.start <= r.span.end && r.span.end <= text.len());
            prop_assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        }
    }

    #[test]
    fn token_spans_are_char_boundaries(text in hostile()) {
        for t in Tokenizer::default().tokenize(&text) {
            prop_assert!(t.span.start <= t.span.end && t.span.end <= text.len(), "{:?}", t);
            prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
        }
    }

    #[test]
    fn normalization_is_idempotent(text in hostile()) {
        let once = normalize(&text).into_text();
        let twice = normalize(&once).into_text();
        prop_assert_eq!(&twice, &once);
    }

    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        let once = normalize(&text).into_text();
        prop_assert_eq!(normalize(&once).into_text(), once);
        let v = Classifier::default().classify_text(&text);
        prop_assert!(v.probabilities.spam.is_finite());
    }
}
