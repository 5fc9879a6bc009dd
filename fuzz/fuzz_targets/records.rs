//! The batch labeler's JSONL and CSV record readers on arbitrary input.
#![no_main]

use dev_support::fuzz as support;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    support::check_records(data);
});
