//! Unicode normalization of one word: NFKC-style compatibility folding,
//! lower-casing, diacritic and invisible-character removal, lookalike folding.
//!
//! Words that hold non-ASCII text come here, and text decoded from
//! entities and tag attributes; runs of plain ASCII are handled by the
//! caller's fast path. Words of ASCII, invisible characters and emoji take
//! a short path here that gives the same result as the general one.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters that render as nothing and are used to split words invisibly:
/// zero-width spaces and joiners, bidi controls, soft hyphens, variation
/// selectors, fillers and tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Maps typographic punctuation to its ASCII form.
fn ascii_punct(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{00B4}' | '\u{0060}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        _ => return None,
    })
}

/// The Latin letter a Cyrillic, Greek or Latin-extension letter is commonly
/// used to imitate (lower case only: folding runs after lower-casing).
pub fn confusable(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'в' => 'b',
        'г' => 'r',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'п' => 'n',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'ь' => 'b',
        'і' | 'ї' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ү' => 'y',
        'ӏ' => 'l',
        'ш' => 'w',
        // Greek
        'α' => 'a',
        'β' => 'b',
        'γ' => 'y',
        'ε' => 'e',
        'η' => 'n',
        'ι' => 'i',
        'κ' => 'k',
        'μ' => 'u',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'ς' => 's',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'ω' => 'w',
        // Latin extensions
        'ı' => 'i',
        'ɑ' => 'a',
        'ȷ' => 'j',
        'ɡ' => 'g',
        'ʟ' => 'l',
        'ɩ' => 'i',
        'ᴄ' => 'c',
        'ᴏ' => 'o',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ᴢ' => 'z',
        _ => return None,
    })
}

/// Whether marks on this base character are removed (Latin, Greek,
/// Cyrillic: where marks are diacritics or noise, not part of the spelling).
fn strips_marks(base: Option<char>) -> bool {
    base.is_none_or(|b| (b as u32) < 0x0530)
}

/// Normalizes `word` and appends the result to `out`: compatibility
/// decomposition (NFKD), lower case, diacritics on Latin/Greek/Cyrillic
/// removed, invisible characters removed, typographic punctuation to ASCII,
/// white space and control characters to one space, canonical composition
/// (NFC), then lookalike folding when the word mixes Latin letters with
/// lookalikes.
pub fn normalize_word(word: &str, out: &mut String) {
    if !normalize_simple(word, out) {
        normalize_word_general(word, out);
    }
}

/// [`normalize_word`] for a word of ASCII, invisible characters, no-break
/// spaces and [inert symbols](is_inert_symbol) only (a decoded entity such
/// as `&#39;`, `now.` or a link ending in a byte-order mark, emoji): NFKD
/// and NFC leave such text as it is but for the no-break space (a space),
/// and it holds no marks or lookalikes, so what remains is dropping the
/// invisible characters, lower-casing, the backtick as an apostrophe, and
/// runs of white space and control characters as one space. Returns false,
/// writing nothing, for any other word.
fn normalize_simple(word: &str, out: &mut String) -> bool {
    let simple = |c: char| c.is_ascii() || c == '\u{A0}' || is_inert_symbol(c) || is_invisible(c);
    if !word.chars().all(simple) {
        return false;
    }
    let mut last_space = false;
    for c in word.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_ascii_whitespace() || c.is_ascii_control() || c == '\u{A0}' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        out.push(match c {
            '`' => '\'',
            c => c.to_ascii_lowercase(),
        });
    }
    true
}

/// Emoji, pictographs, miscellaneous symbols and dingbats: no
/// decomposition, no case, combining class 0, part of no composition, not
/// invisible, not a lookalike, so [`normalize_word`] leaves them as they
/// are whatever their neighbours (the tests check every one).
fn is_inert_symbol(c: char) -> bool {
    matches!(c,
        '\u{2600}'..='\u{27BF}'
        | '\u{1F300}'..='\u{1F64F}'
        | '\u{1F680}'..='\u{1F6FF}'
        | '\u{1F900}'..='\u{1F9FF}'
        | '\u{1FA70}'..='\u{1FAFF}')
}

/// [`normalize_word`] by the general path, for any text.
fn normalize_word_general(word: &str, out: &mut String) {
    let mut tmp = String::with_capacity(word.len());
    let mut base: Option<char> = None;
    let mut last_space = false;
    for c in word.nfkd() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            if !last_space {
                tmp.push(' ');
                last_space = true;
            }
            base = None;
            continue;
        }
        if is_combining_mark(c) {
            if strips_marks(base) {
                continue;
            }
            tmp.push(c);
            continue;
        }
        if unicode_general_format(c) {
            continue;
        }
        last_space = false;
        base = Some(c);
        if let Some(p) = ascii_punct(c) {
            // Marks after it are judged by what was written out.
            base = Some(p);
            tmp.push(p);
            continue;
        }
        for l in c.to_lowercase() {
            // Lower-casing may yield a combining mark (İ → i + U+0307).
            if is_combining_mark(l) {
                if !strips_marks(base) {
                    tmp.push(l);
                }
                continue;
            }
            // Marks after it are judged by what was written out.
            base = Some(l);
            tmp.push(l);
        }
    }
    let start = out.len();
    out.extend(tmp.nfc());
    fold_mixed_script(out, start);
}

/// [`normalize_word`] for a word of ASCII letters and digits with invisible
/// characters only (a word ending in a byte-order mark, as most YouTube
/// comments do): NFKD, NFC and lookalike folding leave such a word as it
/// is, so the result is its letters and digits, lower-cased. Returns false,
/// writing nothing, for any other word.
pub fn normalize_ascii_word(word: &str, out: &mut String) -> bool {
    if !word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || is_invisible(c))
    {
        return false;
    }
    let start = out.len();
    out.extend(word.chars().filter(char::is_ascii_alphanumeric));
    out[start..].make_ascii_lowercase();
    true
}

/// Format characters (Unicode category Cf) not listed as invisible: removed.
fn unicode_general_format(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}' | '\u{110BD}'
    )
}

/// In every space-separated word of `out[start..]` that holds both an ASCII
/// letter and a lookalike, replaces the lookalikes by their Latin letter.
fn fold_mixed_script(out: &mut String, start: usize) {
    let tail = &out[start..];
    if !tail.chars().any(|c| confusable(c).is_some()) {
        return;
    }
    let mut folded = String::with_capacity(tail.len());
    for (i, w) in tail.split(' ').enumerate() {
        if i > 0 {
            folded.push(' ');
        }
        let has_latin = w.bytes().any(|b| b.is_ascii_alphabetic());
        let has_lookalike = w.chars().any(|c| confusable(c).is_some());
        if has_latin && has_lookalike {
            folded.extend(w.chars().map(|c| confusable(c).unwrap_or(c)));
        } else {
            folded.push_str(w);
        }
    }
    out.truncate(start);
    out.push_str(&folded);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        let mut o = String::new();
        normalize_word(s, &mut o);
        o
    }

    /// The ASCII path gives what the general path gives, on every ASCII
    /// character alone, doubled, and between letters.
    #[test]
    fn ascii_path_matches_general() {
        let general = |s: &str| {
            let mut o = String::from("x");
            normalize_word_general(s, &mut o);
            o
        };
        for c in 0u8..128 {
            let c = c as char;
            for w in [
                c.to_string(),
                format!("{c}{c}"),
                format!("A{c}b"),
                format!("{c} \t{c}"),
            ] {
                let mut o = String::from("x");
                normalize_word(&w, &mut o);
                assert_eq!(o, general(&w), "{w:?}");
            }
        }
        let mut o = String::new();
        normalize_word("HTTP://Example.COM/a`b", &mut o);
        assert_eq!(o, general("HTTP://Example.COM/a`b")[1..]);
    }

    /// Every inert symbol is what [`is_inert_symbol`] says: its own NFKD,
    /// its own lower case, combining class 0, not a mark, not invisible,
    /// no lookalike, and in no character's canonical decomposition (so
    /// NFC composes it with nothing).
    #[test]
    fn inert_symbols_are_inert() {
        use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
        let mut in_decomposition = std::collections::HashSet::new();
        for d in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut parts = Vec::new();
            decompose_canonical(d, |p| parts.push(p));
            if parts != [d] {
                in_decomposition.extend(parts);
            }
        }
        let inert: Vec<char> = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_inert_symbol(c))
            .collect();
        assert_eq!(inert.len(), 1_824);
        for &c in &inert {
            let s = c.to_string();
            assert_eq!(s.nfkd().collect::<String>(), s, "{c:?}");
            assert_eq!(c.to_lowercase().collect::<String>(), s, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert!(!is_combining_mark(c) && !is_invisible(c), "{c:?}");
            assert!(!unicode_general_format(c) && !c.is_whitespace() && !c.is_control());
            assert!(ascii_punct(c).is_none() && confusable(c).is_none(), "{c:?}");
            assert!(!in_decomposition.contains(&c), "{c:?}");
        }
    }

    /// The simple path gives what the general path gives: every ASCII
    /// character, invisible character and inert symbol, alone and beside
    /// ASCII, invisible characters, no-break spaces and each other.
    #[test]
    fn simple_path_matches_general() {
        let general = |s: &str| {
            let mut o = String::from("x");
            normalize_word_general(s, &mut o);
            o
        };
        let chars = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| c.is_ascii() || is_inert_symbol(c) || is_invisible(c) || c == '\u{A0}');
        let mut n = 0;
        for c in chars {
            for w in [
                format!("{c}"),
                format!("{c}{c}"),
                format!("A{c}b"),
                format!("{c} \t{c}\u{A0}\u{A0}"),
                format!("\u{FEFF}{c}`\u{200B}{c}."),
                format!("{c}\u{2665}\u{1F600}:{c}"),
            ] {
                let mut o = String::from("x");
                normalize_word(&w, &mut o);
                assert_eq!(o, general(&w), "{w:?}");
                n += 1;
            }
        }
        assert!(n > 10_000);
        let w = "HTTP://Example.COM/a`b\u{FEFF}";
        let mut o = String::from("x");
        normalize_word(w, &mut o);
        assert_eq!(o, general(w));
        assert_eq!(o, "xhttp://example.com/a'b");
    }

    #[test]
    fn words() {
        assert_eq!(n("Ｈｅｌｌｏ"), "hello");
        assert_eq!(n("𝐁𝐨𝐥𝐝"), "bold");
        assert_eq!(n("naïve"), "naive");
        assert_eq!(n("z\u{0336}\u{0334}a\u{0358}l\u{0361}go"), "zalgo");
        assert_eq!(n("f\u{200D}u\u{200D}n"), "fun");
        assert_eq!(n("İstanbul"), "istanbul");
        assert_eq!(n("’quoted’"), "'quoted'");
        assert_eq!(n("ѕса"), "ѕса");
        assert_eq!(n("sсаm"), "scam");
        assert_eq!(n("नमस्ते"), "नमस्ते");
        assert_eq!(n("a\u{3000}b"), "a b");
    }
}
