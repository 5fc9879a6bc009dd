//! `Classifier::from_bytes` on damaged model files (as they are, and with
//! lengths and checksum repaired so the damage reaches the parser).
#![no_main]

use dev_support::fuzz as support;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    support::check_model_file(data);
});
