//! The service's request decoders on arbitrary bytes: native JSON,
//! feedback, Perspective analyze and suggestscore, Akismet forms and host
//! names, Coral requests and signatures. Checked: no panic.
#![no_main]

use comment_sieve::serve::{akismet, coral, native, perspective};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = native::decode_classify(data, 100);
    let _ = native::decode_feedback(data);
    let _ = perspective::decode_analyze(data);
    let _ = perspective::decode_suggest(data);
    let _ = akismet::decode_form(data);
    let _ = coral::decode(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = akismet::host_key(s);
        let _ = coral::verify_signature(&["secret".to_string()], s, data);
    }
});
