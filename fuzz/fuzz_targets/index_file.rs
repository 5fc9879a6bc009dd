//! `DuplicateDetector::from_bytes` on damaged index files (as they are,
//! and with length and checksum repaired).
#![no_main]

use dev_support::fuzz as support;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    support::check_index_file(data);
});
