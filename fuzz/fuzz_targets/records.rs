//! The batch labeler's JSONL and CSV record readers on arbitrary input.
#![no_main]

#[path = "../../examples/fuzz_support/mod.rs"]
mod support;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    support::check_records(data);
});
