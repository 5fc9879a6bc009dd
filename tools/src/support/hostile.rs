//! Inputs of a given size for the scaling benchmark and the memory
//! measurement: ordinary prose and pathological text.

/// The kinds of input, by name.
pub const KINDS: &[&str] = &[
    "prose", "one_word", "urls", "bangs", "zalgo", "scripts", "rtl", "zwj", "entities", "tags",
    "spaced", "replaced", "passes",
];

const PROSE: &str = "Pakistan's proxy force, the Haqqani network, is now behind most \
major attacks against US and Afghan targets. Check out my channel and subscribe!! \
I don't think it's an exaggeration to say the opposition isn't the Taliban. \
Make $8586 in four weeks at http://LazyCash49.com ";

/// `kind` text of about `size` bytes (cut at a character boundary).
pub fn input(kind: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + 64);
    let mut i = 0usize;
    while s.len() < size {
        match kind {
            "prose" => s.push_str(PROSE),
            // One word: letters with no space at all.
            "one_word" => s.push((b'a' + (i % 26) as u8) as char),
            "urls" => {
                use std::fmt::Write;
                let _ = write!(s, "http://site{}.example.com/p/{} ", i % 1000, i);
            }
            "bangs" => s.push('!'),
            // Letters under a deep stack of combining marks, no spaces.
            "zalgo" => {
                s.push((b'a' + (i % 26) as u8) as char);
                for k in 0..40 {
                    s.push(char::from_u32(0x0300 + ((i + k) % 0x70) as u32).unwrap());
                }
            }
            // Words whose letters alternate Latin, Cyrillic and Greek.
            "scripts" => s.push_str("sсαmрοsт ѕрαmсοin "),
            // A right-to-left override before every word.
            "rtl" => s.push_str("\u{202E}free \u{202E}money\u{202C} "),
            // A zero-width joiner between every letter.
            "zwj" => {
                s.push_str("f\u{200D}r\u{200D}e\u{200D}e m\u{200D}o\u{200D}n\u{200D}e\u{200D}y ")
            }
            // "&amp;amp;amp;...": every pass of entity decoding peels one.
            "entities" => {
                if s.is_empty() {
                    s.push('&');
                }
                s.push_str("amp;");
            }
            "tags" => s.push_str("<b>"),
            // Single letters and spaces only: one run of spaced-out
            // letters that never joins to a word.
            "spaced" => {
                s.push((b'a' + (i % 26) as u8) as char);
                s.push(' ');
            }
            // What decoding invalid UTF-8 with replacement characters
            // gives: one capital between two U+FFFD, no space.
            "replaced" => s.push_str("\u{FFFD}\u{FFFD}E"),
            // Words of four scripts after one nested entity: the entity
            // takes a second normalization pass, so spans map back
            // through two offset maps with a segment per word.
            "passes" => {
                if s.is_empty() {
                    s.push_str("&amp;amp; ");
                }
                s.push_str("сраm Привет नमस्ते 강남스타일 ");
            }
            other => panic!("unknown input kind {other}"),
        }
        i += 1;
    }
    let mut end = size.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}
