//! Normalization, tokenization and classification of arbitrary text.
#![no_main]

use dev_support::fuzz as support;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CLF: OnceLock<comment_sieve::Classifier> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let clf = CLF.get_or_init(comment_sieve::Classifier::default);
    support::check_text(clf, data);
});
