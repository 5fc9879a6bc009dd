//! The duplicate detector: `check_and_insert` on arbitrary texts (split at
//! 0xFF), then a save and load.
#![no_main]

use dev_support::fuzz as support;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    support::check_dedup(data);
});
