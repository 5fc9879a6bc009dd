//! Unicode normalization of one word: NFKC-style compatibility folding,
//! lower-casing, diacritic and invisible-character removal, lookalike folding.
//!
//! Only words that hold non-ASCII text come here; ASCII is handled by the
//! caller's fast path.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

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

/// [`normalize_word`] for a word that needs no decomposition or
/// composition: every character is ASCII, invisible, white space, a
/// control character, or one that `push_simple` takes. No mark follows
/// any of them and none composes with the one before, so the result is
/// each character's own: lower-cased, invisible characters dropped, white
/// space runs made one space, then lookalikes folded as [`normalize_word`]
/// does. One pass, and no table lookup for ASCII, invisible characters and
/// the [`is_plain_symbol`] ranges (emoji, block elements).
/// Returns false, leaving `out` as it was, for any other word.
pub fn normalize_simple_word(word: &str, out: &mut String) -> bool {
    let start = out.len();
    let mut last_space = false;
    let mut non_ascii = false;
    for c in word.chars() {
        if c.is_ascii_graphic() {
            out.push(if c == '`' {
                '\''
            } else {
                c.to_ascii_lowercase()
            });
            last_space = false;
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if is_plain_symbol(c) {
            out.push(c);
            last_space = false;
            non_ascii = true;
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            // Every such character decomposes to white space or itself.
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        if !push_simple(c, out) {
            out.truncate(start);
            return false;
        }
        last_space = false;
        non_ascii = true;
    }
    if non_ascii {
        fold_mixed_script(out, start);
    }
    true
}

/// Ranges of symbols and pictographs that `push_simple` writes out as
/// they are (checked over every character by a test): box drawing,
/// block elements, geometric shapes, miscellaneous symbols, dingbats and
/// the emoji blocks, taken without a table lookup.
#[inline]
pub fn is_plain_symbol(c: char) -> bool {
    matches!(c, '\u{2500}'..='\u{27BF}' | '\u{1F300}'..='\u{1FAFF}')
}

/// Appends what [`normalize_word`] makes of the non-ASCII character `c`
/// in a word of characters like it, and returns true, when that needs no
/// table but the decomposition: `c` is no white space, control, invisible,
/// format character or mark, composes with nothing before it under NFC,
/// and either has no compatibility decomposition (then it is written
/// lower-cased, or as its ASCII punctuation), decomposes to printable
/// ASCII only (fullwidth letters, ligatures, `…`: written lower-cased), or
/// is a Hangul syllable (split into jamo by NFKD and joined again by NFC).
/// Returns false, leaving `out` as it was, for any other character.
fn push_simple(c: char, out: &mut String) -> bool {
    if is_invisible(c)
        || c.is_whitespace()
        || c.is_control()
        || unicode_general_format(c)
        || !starter_alone(c)
    {
        return false;
    }
    if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
        out.push(c);
        return true;
    }
    let at = out.len();
    let (mut ascii, mut same, mut n) = (true, true, 0);
    decompose_compatible(c, |d| {
        n += 1;
        same &= d == c;
        ascii &= d.is_ascii_graphic();
        if ascii {
            out.push(if d == '`' {
                '\''
            } else {
                d.to_ascii_lowercase()
            });
        }
    });
    if ascii {
        return true;
    }
    out.truncate(at);
    if !(same && n == 1) {
        return false;
    }
    if let Some(p) = ascii_punct(c) {
        out.push(p);
        return true;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l == c || starter_alone(l) => {
            out.push(l);
            true
        }
        _ => false,
    }
}

/// Whether `c` is a starter that does not combine with the character
/// before it under NFC (quick check "yes", not a mark).
fn starter_alone(c: char) -> bool {
    !is_combining_mark(c) && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
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

    /// [`normalize_simple_word`] gives what [`normalize_word`] gives
    /// whenever it takes a word, for every character alone, between
    /// letters, doubled, after a capital and after an invisible character.
    #[test]
    fn simple_word_equals_general_on_every_character() {
        let mut taken = 0usize;
        let (mut fast, mut general) = (String::new(), String::new());
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if is_plain_symbol(c) {
                fast.clear();
                assert!(push_simple(c, &mut fast) && fast == c.to_string(), "{c:?}");
            }
            for w in [
                format!("{c}"),
                format!("a{c}b"),
                format!("{c}{c}"),
                format!("Z{c}"),
                format!("\u{200D}{c}\u{00A0}"),
            ] {
                fast.clear();
                if !normalize_simple_word(&w, &mut fast) {
                    assert!(fast.is_empty());
                    continue;
                }
                taken += 1;
                general.clear();
                normalize_word(&w, &mut general);
                assert_eq!(fast, general, "{w:?}");
            }
        }
        assert!(taken > 4_000_000, "{taken}");
    }

    #[test]
    fn simple_word_takes_common_words() {
        let mut o = String::new();
        for w in [
            "VIDEOS\u{feff}",
            "\u{1f600}\u{1f389}",
            "\u{2591}\u{2591}x\u{a0}\u{a0}y",
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}",
            "s\u{440}\u{430}m",
            "\u{ac15}\u{b0a8}",
            "\u{2764}\u{fe0f}",
            "don`t",
            "\u{2019}s\u{2026}",
            "\u{ff21}\u{ff22}",
        ] {
            o.clear();
            assert!(normalize_simple_word(w, &mut o), "{w:?}");
            assert_eq!(o, n(w), "{w:?}");
        }
        for w in ["caf\u{e9}", "e\u{301}", "\u{130}", "\u{1161}", "\u{2033}"] {
            o.clear();
            assert!(!normalize_simple_word(w, &mut o) && o.is_empty(), "{w:?}");
        }
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
