//! The passes of normalization over the original text.
//!
//! One pass ([`normalize_slow`]) reads the text byte by byte: plain ASCII
//! runs are copied in one go, tags and entities are decoded, and each run
//! of non-ASCII text with the ASCII letters attached to it is normalized
//! as one word. Decoding can create more markup, so passes repeat (up to
//! [`MAX_PASSES`]) until a pass changes nothing or nothing is left to
//! decode ([`normalize_with`]).

use std::borrow::Cow;

use super::builder::Builder;
use super::offsets::OffsetMap;
use super::{html, unicode, Normalized, Spare};

/// [`normalize`], with (`fast`) or without the shortcuts for runs of plain
/// ASCII and for words that need no decomposition or composition
/// ([`unicode::normalize_simple_word`]); both give the same text and maps.
pub(super) fn normalize_with(text: &str, fast: bool) -> Normalized<'_> {
    if is_clean_ascii(text.as_bytes()) {
        return Normalized {
            text: Cow::Borrowed(text),
            maps: Vec::new(),
        };
    }
    let spare = Spare::take();
    let mut word = spare.word;
    let (mut out, map, mut again) = normalize_slow(text, fast, spare.text, spare.segs, &mut word);
    let mut maps = spare.maps;
    maps.clear();
    maps.push(map);
    // Decoding can create markup ("&amp;lt;b&amp;gt;" decodes to "&lt;b&gt;"):
    // repeat until nothing is left to decode, so that normalizing is
    // idempotent. Every further pass shortens the text. A letter decoded
    // from an entity was normalized alone, apart from the word it joins
    // ("o&#1100;" gives "o" and a Cyrillic "ь" that, in one word, folds to
    // "ob"): one more pass normalizes that word whole.
    while maps.len() < MAX_PASSES && (again.letters || (again.markup && has_markup(&out))) {
        let (next, map, a) = normalize_slow(&out, fast, String::new(), Vec::new(), &mut word);
        if next == out {
            // A fixed point: the pass changed nothing, and its map (coarser
            // around non-ASCII words) would only blur the spans.
            break;
        }
        out = next;
        again = a;
        maps.push(map);
    }
    Spare::keep_word(word);
    Normalized {
        text: Cow::Owned(out),
        maps,
    }
}

const MAX_PASSES: usize = 16;

/// Whether one pass over `text` (with the shortcuts) reports a `&` or `<`
/// written out whenever its output holds markup (for the tests of the
/// shortcut that skips [`has_markup`]).
#[cfg(test)]
pub(crate) fn markup_flag_holds(text: &str) -> bool {
    let (out, _, again) = normalize_slow(text, true, String::new(), Vec::new(), &mut String::new());
    again.markup == out.contains(['&', '<']) && (again.markup || !has_markup(&out))
}

/// Whether `s` still holds a tag or an entity that normalization decodes.
fn has_markup(s: &str) -> bool {
    if !s.bytes().any(|b| b == b'&' || b == b'<') {
        return false;
    }
    s.match_indices(['&', '<']).any(|(i, m)| {
        if m == "&" {
            html::parse_entity(&s[i..]).is_some()
        } else {
            html::parse_tag(&s[i..]).is_some()
        }
    })
}

/// Text that normalization leaves unchanged: lower-case printable ASCII
/// with no markup, single spaces, no space at either end.
fn is_clean_ascii(b: &[u8]) -> bool {
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // Printable ASCII but upper case, `&` and `<`; spaces never two in a row.
    let clean = |c: &u8| matches!(c, b' '..=b'%' | b'\''..=b';' | b'='..=b'@' | b'['..=b'~');
    // The last byte first: most comments that are not clean end in a
    // character that is not (U+FEFF, a line break).
    b.last().is_none_or(clean) && b.iter().all(clean) && !b.windows(2).any(|w| w == b"  ")
}

/// What a pass tells about the need for another.
struct Again {
    /// An entity decoded to a character that may join a word normalized on
    /// its own: one more pass is needed.
    letters: bool,
    /// The output holds a `&` or `<`: it may hold markup. Without one,
    /// [`has_markup`] is false and need not scan the text.
    markup: bool,
}

/// One pass, and whether another may be needed. `scratch` is a buffer for
/// one normalized word.
fn normalize_slow(
    text: &str,
    fast: bool,
    out: String,
    segs: Vec<(u32, u32, bool)>,
    scratch: &mut String,
) -> (String, OffsetMap, Again) {
    let bytes = text.as_bytes();
    let mut b = Builder::new(text.len(), out, segs);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if fast && is_plain(c) {
            // A run of printable ASCII and single spaces between printable
            // bytes: copied in one go (the common case).
            let j = plain_run_end(bytes, i);
            b.copy_ascii_run(&text[i..j], i);
            i = j;
            continue;
        }
        if c == b'<' {
            if let Some((len, href)) = html::parse_tag(&text[i..]) {
                match href {
                    Some(url) => {
                        b.space(i);
                        let url = html::decode_entities(url);
                        scratch.clear();
                        normalize_piece(&url, fast, scratch);
                        // Control characters in the value become spaces:
                        // none may be left at either end.
                        emit_spaced(&mut b, scratch, i);
                        b.space(i + len - 1);
                    }
                    None => b.space(i),
                }
                i += len;
                continue;
            }
        }
        if c == b'&' {
            if let Some((len, decoded)) = html::parse_entity(&text[i..]) {
                emit_decoded(&mut b, decoded, i, fast, scratch);
                i += len;
                continue;
            }
        }
        if c == b' '
            && b.pending_space.is_none()
            && b.out.as_bytes().last().is_some_and(|&l| l != b' ')
            && bytes
                .get(i + 1)
                .is_some_and(|&n| n.is_ascii_graphic() && n != b'<' && n != b'&')
        {
            // A single space between words stays a copy: fewer segments.
            b.copy_ascii(c, i);
            i += 1;
            continue;
        }
        if c.is_ascii() {
            if c.is_ascii_whitespace() || c.is_ascii_control() {
                b.space(i);
            } else {
                b.copy_ascii(c, i);
            }
            i += 1;
            continue;
        }
        if fast && bytes[i..].starts_with(BOM) && word_end(bytes, i + BOM.len()) == i + BOM.len() {
            // A byte-order mark ending a word (it ends most YouTube
            // comments). The piece below would be the ASCII letters and
            // digits before it, already copied, and the mark, which
            // normalizes to those letters lower-cased (the mark is
            // invisible): they stay in place and become the replace
            // segment the piece would give.
            let start = word_start(bytes, i, &b);
            b.recast_tail(i - start, start);
            i += BOM.len();
            continue;
        }
        // A run of non-ASCII text up to the next ASCII white space or markup,
        // together with the ASCII letters attached to it, is normalized as one
        // piece: NFKC and mark removal need a character's neighbours, and
        // script mixing is judged per word.
        let start = word_start(bytes, i, &b);
        let end = word_end(bytes, i);
        // The attached ASCII prefix was already copied: take it back.
        if start < i {
            let back = i - start;
            b.out.truncate(b.out.len() - back);
            trim_segments(&mut b);
        }
        let piece = &text[start..end];
        scratch.clear();
        normalize_piece(piece, fast, scratch);
        emit_spaced(&mut b, scratch, start);
        i = end;
    }
    let letters = b.decoded_letter;
    let other = b.decoded_other;
    let markup = b.wrote_markup_char;
    let (out, map) = b.finish(text.len());
    // Any decoded character can join the words beside it into one word
    // (`Ќ&#39;G` gives a Cyrillic letter, `'` and `g`: one word whose
    // script mix is judged only on the next pass); ASCII text needs no
    // such pass.
    let letters = letters || (other && !out.is_ascii());
    (out, map, Again { letters, markup })
}

/// U+FEFF ZERO WIDTH NO-BREAK SPACE (byte-order mark), in UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Printable ASCII that normalization copies as it is (lower-cased): not
/// white space, not the start of markup.
#[inline]
fn is_plain(c: u8) -> bool {
    PLAIN[c as usize]
}

/// [`is_plain`] by byte.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_graphic() && b != b'<' && b != b'&';
        c += 1;
    }
    t
};

/// End of the run of plain bytes starting at the plain byte `i`, single
/// spaces between plain bytes included.
#[inline]
fn plain_run_end(bytes: &[u8], i: usize) -> usize {
    // The byte before `j` is plain.
    let mut j = i + 1;
    loop {
        if let Some(block) = bytes.get(j..j + 8) {
            // Skip the bytes before the first stop; with no stop, all 8.
            let stops = run_stops(u64::from_le_bytes(block.try_into().unwrap_or_default()));
            j += (stops.trailing_zeros() / 8) as usize;
            if stops == 0 {
                continue;
            }
        }
        match bytes.get(j) {
            Some(&c) if is_plain(c) => j += 1,
            Some(b' ') if bytes.get(j + 1).is_some_and(|&n| is_plain(n)) => j += 2,
            _ => return j,
        }
    }
}

/// The bytes of `w` (first byte lowest) at which the byte loop of
/// [`plain_run_end`] stops or must look further, as the high bit of each
/// byte: bytes neither plain nor a space, and spaces not followed by a
/// plain byte in `w` (the last byte, when a space, among them). Before the
/// first stop the loop steps over every byte, and the byte before it is
/// plain.
///
/// Adding to the low seven bits of a byte never carries into the next
/// byte, so every byte's answer is exact.
#[inline]
fn run_stops(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = w & !HIGH;
    // The low seven bits of a byte are at least `n`.
    let at_least = |n: u8| (low + ONES * (0x80 - n as u64)) & HIGH;
    // A byte equals `c` (ASCII).
    let equals = |c: u8| {
        let y = w ^ (ONES * c as u64);
        !(((y & !HIGH) + !HIGH) | y) & HIGH
    };
    let ascii = !w & HIGH;
    let plain = ascii & at_least(0x21) & !at_least(0x7f) & !equals(b'&') & !equals(b'<');
    let space = equals(b' ');
    (!(plain | space) & HIGH) | (space & !(plain >> 8))
}

/// Emits normalized word text that may contain white space (for example an
/// ideographic space turned into a space by NFKC).
fn emit_spaced(b: &mut Builder, s: &str, at: usize) {
    if s.starts_with(' ') {
        b.space(at);
    }
    let inner = s.trim_matches(' ');
    b.replace(inner, at);
    if s.len() > inner.len() && s.ends_with(' ') {
        b.space(at);
    }
}

/// Appends the normalized `piece` to `out`: by
/// [`unicode::normalize_simple_word`] when it takes the piece and `fast`,
/// else by [`unicode::normalize_word`] (the same text).
fn normalize_piece(piece: &str, fast: bool, out: &mut String) {
    if !(fast && unicode::normalize_simple_word(piece, out)) {
        unicode::normalize_word(piece, out);
    }
}

fn emit_decoded(b: &mut Builder, decoded: char, at: usize, fast: bool, scratch: &mut String) {
    if decoded.is_whitespace() || decoded.is_control() {
        b.space(at);
        return;
    }
    b.decoded_letter |= decoded.is_alphabetic();
    b.decoded_other = true;
    let mut buf = [0u8; 4];
    scratch.clear();
    normalize_piece(decoded.encode_utf8(&mut buf), fast, scratch);
    emit_spaced(b, scratch, at);
}

/// Start of the ASCII letters directly before `i` that belong to the same
/// word and were copied unchanged (so they can be taken back).
fn word_start(bytes: &[u8], i: usize, b: &Builder) -> usize {
    if !b.copying || b.copy_orig != i {
        return i;
    }
    let last_seg_norm = b.segs.last().map(|s| s.0 as usize).unwrap_or(0);
    let copied = b.out.len() - last_seg_norm;
    let mut s = i;
    while s > 0 && i - s < copied && bytes[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    s
}

/// Drops the copy segment that a take-back emptied, and closes copying.
fn trim_segments(b: &mut Builder) {
    let len = b.out.len() as u32;
    while let Some(&(ns, _, copy)) = b.segs.last() {
        if ns > len || (ns == len && copy) {
            b.segs.pop();
        } else {
            break;
        }
    }
    b.copying = false;
}

/// End of the word containing the non-ASCII character at `i`: the next ASCII
/// white space, `<`, `&`, or ASCII punctuation that is not part of a word.
fn word_end(bytes: &[u8], i: usize) -> usize {
    let mut e = i;
    while e < bytes.len() {
        let c = bytes[e];
        if c.is_ascii()
            && (c.is_ascii_whitespace() || c.is_ascii_control() || c == b'<' || c == b'&')
        {
            break;
        }
        e += 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, normalize_reference};
    use crate::test_texts::texts;

    /// The stops of an 8-byte block agree with the byte loop on blocks of
    /// bytes drawn from the classes that matter: the loop steps over
    /// every byte before the first stop, and over all 8 when there is none.
    #[test]
    fn block_stops_equal_byte_loop() {
        let alphabet = [
            b'a', b'Z', b' ', b'&', b'<', b'!', b'~', 0x7f, b'\n', 0x80, 0xbb, 0x21,
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut whole = 0;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut block = [0u8; 9];
            block[0] = b'x';
            for (k, b) in block[1..].iter_mut().enumerate() {
                *b = alphabet[(state >> (5 * k)) as usize % alphabet.len()];
            }
            // Where the byte loop stops or must look past the block.
            let mut j = 1;
            while j < 9 {
                match block[j] {
                    c if is_plain(c) => j += 1,
                    b' ' if j < 8 && is_plain(block[j + 1]) => j += 2,
                    _ => break,
                }
            }
            let stops = run_stops(u64::from_le_bytes(block[1..9].try_into().unwrap()));
            assert_eq!(stops.trailing_zeros() as usize / 8, j - 1, "{block:?}");
            assert_eq!(stops & !0x8080_8080_8080_8080, 0);
            whole += usize::from(stops == 0);
        }
        assert!(whole > 100, "{whole}");
    }

    /// The shortcuts give the text and maps of the general path.
    #[test]
    fn normalize_fast_path_equals_general_path() {
        for t in texts() {
            let (fast, general) = (normalize(&t), normalize_reference(&t));
            assert_eq!(fast.text(), general.text(), "{t:?}");
            assert_eq!(fast.maps(), general.maps(), "{t:?}");
            assert_eq!(fast.is_unchanged(), general.is_unchanged(), "{t:?}");
        }
    }

    /// The markup flag of a pass is set whenever its output holds markup.
    #[test]
    fn markup_flag_matches_output() {
        for t in texts() {
            assert!(markup_flag_holds(&t), "{t:?}");
        }
        for t in [
            "\u{ff06}lt;b\u{ff06}gt;",
            "a &amp;lt; b",
            "x\u{fe64}b\u{fe65}",
            "&#38;",
        ] {
            assert!(markup_flag_holds(t), "{t:?}");
        }
    }
}
