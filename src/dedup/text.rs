//! From a comment's text to the hashes the shingles are made of: the
//! exact key, the token hashes and the hashes of the link hosts.
//!
//! Most comments are read word by word as written, without normalizing
//! the whole text ([`tokenize_pieces`]); the tests hold that path to
//! normalizing first and reading the normalized text ([`tokenize`]).
//!
//! **Links.** The duplicate detector reads links with its own small rule
//! ([`parse_link`]: `http://`, `https://` or `www.`, then a host of
//! letters, digits, dots and hyphens, up to the next white space), not with
//! the tokenizer's [`url`](crate::tokenize::url) reader, because the two
//! do not agree: the tokenizer also takes bare domains (`lazycash49.com`),
//! other schemes (`hxxp://`), stops a link at quotes and brackets, and
//! rejects hosts such as `9.5` or `a..b`. Link hosts are hashed into the
//! shingles and keys of every stored comment and into saved indexes, so
//! reading them the tokenizer's way would change which comments are found
//! as duplicates and what an index saved by an earlier build means. The
//! test `link_rules_differ_from_the_tokenizer` pins the differences.

use super::hash::{combine, hash_bytes, hash_lower};
use crate::normalize;

const SEED_EXACT: u64 = 0x6578_6163_745f_6b65;
const SEED_TOKEN: u64 = 0x746f_6b65_6e5f_6b65;
const SEED_LINK: u64 = 0x6c69_6e6b_5f6b_6579;
/// Hash of the placeholder token that stands for any number.
const NUMBER_TOKEN: u64 = 0x2323_2323_2323_2323;

/// At most this many link hosts are kept per comment.
pub(crate) const MAX_LINKS: usize = 2;

/// The exact key of `text`, its token hashes into `tokens` and its first
/// distinct link-host hashes into `links` (both empty on entry).
pub(super) fn read(text: &str, tokens: &mut Vec<u64>, links: &mut Vec<u32>) -> u64 {
    if let Some(exact) = tokenize_pieces(text, tokens, links) {
        return exact;
    }
    tokens.clear();
    links.clear();
    let normalized = normalize(text);
    let text = normalized.text();
    let exact = exact_key(SEED_EXACT, text);
    tokenize(text, tokens, links);
    exact
}

/// ASCII white space and control characters, which normalization turns
/// into (runs of) one space.
#[inline]
fn is_space_byte(c: u8) -> bool {
    c <= b' ' || c == 0x7F
}

/// Whether normalizing `b` could do more than lower-case ASCII letters and
/// turn runs of white space and control characters into one space: all
/// ASCII, no markup (`<`, `&`).
#[cfg(test)]
fn is_plain_ascii(b: &[u8]) -> bool {
    b.iter().all(|&c| c < 0x80 && c != b'<' && c != b'&')
}

/// Tokens, links and exact key of `text` (the exact key is returned), the
/// same as [`tokenize`] and [`exact_key`] give on its normalized form,
/// without normalizing all of it.
///
/// Tokens, links and the runs the exact key hashes never span white space,
/// and with no `<` in the text normalization works word by word (a word
/// being what lies between ASCII white space), so the text is read word by
/// word: a plain ASCII word ([`is_plain_ascii`]) as written, lower-casing
/// while hashing; any other word is normalized alone. `None` (the caller
/// then normalizes the whole text) when the text holds `<` or a normalized
/// word does (decoded from an entity; it could open a tag spanning words).
fn tokenize_pieces(text: &str, tokens: &mut Vec<u64>, links: &mut Vec<u32>) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.contains(&b'<') {
        return None;
    }
    let mut exact = SEED_EXACT;
    let mut i = 0;
    while i < bytes.len() {
        if is_space_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut plain = true;
        while i < bytes.len() && !is_space_byte(bytes[i]) {
            plain &= bytes[i] < 0x80 && bytes[i] != b'&';
            i += 1;
        }
        if plain {
            exact = tokenize_ascii(&bytes[start..i], exact, tokens, links);
        } else {
            // `start` and `i` are at ASCII bytes or the ends: char
            // boundaries.
            let normalized = normalize(&text[start..i]);
            let word = normalized.text();
            if word.contains('<') {
                return None;
            }
            exact = exact_key(exact, word);
            tokenize(word, tokens, links);
        }
    }
    Some(exact)
}

/// Tokens and links of plain ASCII text ([`is_plain_ascii`]), the same as
/// [`tokenize`] gives on its normalized form, read from the text as written
/// (letters are lower-cased while hashing); returns the exact key
/// ([`exact_key`]) continued from `exact`.
fn tokenize_ascii(
    bytes: &[u8],
    mut exact: u64,
    tokens: &mut Vec<u64>,
    links: &mut Vec<u32>,
) -> u64 {
    let mut link_end = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut numeric = true;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            numeric &= bytes[i].is_ascii_digit();
            i += 1;
        }
        let run = &bytes[start..i];
        exact = combine(exact, hash_lower(SEED_EXACT, run));
        if start < link_end {
            continue; // inside a link, which is one token
        }
        if matches!(run[0] | 0x20, b'h' | b'w') {
            if let Some((host, end)) = parse_link_ascii(bytes, start) {
                let h = hash_lower(SEED_LINK, host);
                tokens.push(h);
                let link = (h as u32).max(1);
                if links.len() < MAX_LINKS && !links.contains(&link) {
                    links.push(link);
                }
                link_end = end;
                continue;
            }
        }
        tokens.push(if numeric {
            NUMBER_TOKEN
        } else {
            hash_lower(SEED_TOKEN, run)
        });
    }
    exact
}

/// Whether `b` starts with the lower-case ASCII `prefix`, ignoring case.
fn starts_with_lower(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// [`parse_link`] on plain ASCII text as written: the host (not yet
/// lower-cased) and the end of the link (next white space or control
/// character, which normalization turns into a space).
fn parse_link_ascii(bytes: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let rest = &bytes[i..];
    let host_start = if starts_with_lower(rest, b"https://") {
        i + 8
    } else if starts_with_lower(rest, b"http://") {
        i + 7
    } else if starts_with_lower(rest, b"www.") {
        i
    } else {
        return None;
    };
    let after = &bytes[host_start..];
    let host_len = after
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'.' || c == b'-'))
        .unwrap_or(after.len());
    let mut host = &after[..host_len];
    if starts_with_lower(host, b"www.") {
        host = &host[4..];
    }
    let edge = |c: &u8| *c != b'.' && *c != b'-';
    let first = host.iter().position(edge)?;
    let last = host.iter().rposition(edge)?;
    host = &host[first..=last];
    if !host.contains(&b'.') {
        return None;
    }
    let end = after
        .iter()
        .position(|&c| is_space_byte(c))
        .map_or(bytes.len(), |j| host_start + j);
    Some((host, end))
}

/// Hash of the alphanumeric runs of `text`, in order, continued from `h`
/// (the exact key of a text is that from [`SEED_EXACT`]).
fn exact_key(mut h: u64, text: &str) -> u64 {
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            h = combine(h, hash_bytes(SEED_EXACT, &text.as_bytes()[s..i]));
        }
    }
    if let Some(s) = start {
        h = combine(h, hash_bytes(SEED_EXACT, &text.as_bytes()[s..]));
    }
    h
}

/// Characters that are words of their own.
fn is_ideographic(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x0E00..=0x0E7F    // Thai
        | 0x20000..=0x2FFFF) // CJK extensions B and later
}

/// Parses a link starting at byte `i` of `text` (which starts with a link
/// prefix). Returns the host and the end of the link (next white space).
fn parse_link(text: &str, i: usize) -> Option<(&str, usize)> {
    let rest = &text[i..];
    let after = if let Some(r) = rest.strip_prefix("https://") {
        r
    } else if let Some(r) = rest.strip_prefix("http://") {
        r
    } else if rest.starts_with("www.") {
        rest
    } else {
        return None;
    };
    let host_start = text.len() - after.len();
    let host_len = after
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map_or(after.len(), |(j, _)| j);
    let mut host = &text[host_start..host_start + host_len];
    host = host.strip_prefix("www.").unwrap_or(host);
    host = host.trim_matches(|c| c == '.' || c == '-');
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    let end = after
        .char_indices()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(text.len(), |(j, _)| host_start + j);
    Some((host, end))
}

/// Token hashes of `text` and the hashes of its link hosts.
fn tokenize(text: &str, tokens: &mut Vec<u64>, links: &mut Vec<u32>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut prev_alnum = false;
    while i < bytes.len() {
        let b = bytes[i];
        if !prev_alnum && (b == b'h' || b == b'w') {
            if let Some((host, end)) = parse_link(text, i) {
                let h = hash_bytes(SEED_LINK, host.as_bytes());
                tokens.push(h);
                let link = (h as u32).max(1);
                if links.len() < MAX_LINKS && !links.contains(&link) {
                    links.push(link);
                }
                i = end;
                prev_alnum = false;
                continue;
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            prev_alnum = false;
            continue;
        }
        if is_ideographic(c) {
            let end = i + c.len_utf8();
            tokens.push(hash_bytes(SEED_TOKEN, &bytes[i..end]));
            i = end;
            prev_alnum = false;
            continue;
        }
        let start = i;
        let mut numeric = true;
        for c in text[start..].chars() {
            if !c.is_alphanumeric() || is_ideographic(c) {
                break;
            }
            numeric &= c.is_numeric();
            i += c.len_utf8();
        }
        tokens.push(if numeric {
            NUMBER_TOKEN
        } else {
            hash_bytes(SEED_TOKEN, &bytes[start..i])
        });
        prev_alnum = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::hash::mix;

    /// The plain-ASCII path gives what normalizing and tokenizing gives.
    #[test]
    fn ascii_path_matches_normalized_path() {
        let alphabet: &[u8] = b"aAbhHtTpPsSwW.:/-_ 0129xyz\t\n\r\x0b\x01\x7f,!?'";
        let pieces = [
            "http://",
            "HTTPS://",
            "www.",
            "WWW.",
            "Www.",
            ".com",
            "-x.org",
            " ",
            "12",
            "http://.",
            "www..",
            "https://a-.b-",
        ];
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = |n: usize| {
            state = mix(state);
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..next(24) {
                if next(4) == 0 {
                    t.push_str(pieces[next(pieces.len())]);
                } else {
                    t.push(alphabet[next(alphabet.len())] as char);
                }
            }
            assert!(is_plain_ascii(t.as_bytes()));
            let (mut tokens, mut links) = (Vec::new(), Vec::new());
            let exact = tokenize_ascii(t.as_bytes(), SEED_EXACT, &mut tokens, &mut links);
            let n = normalize(&t);
            let (mut tokens2, mut links2) = (Vec::new(), Vec::new());
            tokenize(n.text(), &mut tokens2, &mut links2);
            assert_eq!(tokens, tokens2, "{t:?}");
            assert_eq!(links, links2, "{t:?}");
            assert_eq!(exact, exact_key(SEED_EXACT, n.text()), "{t:?}");
        }
    }

    /// Word by word reading gives what normalizing the whole text gives.
    #[test]
    fn pieces_match_normalized_path() {
        let pieces = [
            "a",
            "B",
            "h",
            "w",
            "http://",
            "HTTPS://",
            "www.",
            ".com",
            "-x.org",
            " ",
            "\t",
            "12",
            "&amp;",
            "&amp;lt;",
            "&lt;",
            "&gt;",
            "&#39;",
            "&#128514;",
            "&#8220;",
            "&nbsp;",
            "&",
            "&am",
            "é",
            "ＦＵＬＬ",
            "\u{00A0}",
            "\u{200B}",
            "強",
            "s\u{0440}\u{0430}m",
            "’s",
            "Z\u{0351}",
            "\u{3000}",
            "<b>",
            "<",
            "x",
            ";",
            "\u{0085}",
        ];
        let mut state = 0x0fed_cba9_8765_4321u64;
        let mut next = |n: usize| {
            state = mix(state);
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..next(16) {
                t.push_str(pieces[next(pieces.len())]);
            }
            let (mut tokens, mut links) = (Vec::new(), Vec::new());
            let Some(exact) = tokenize_pieces(&t, &mut tokens, &mut links) else {
                continue;
            };
            let n = normalize(&t);
            let (mut tokens2, mut links2) = (Vec::new(), Vec::new());
            tokenize(n.text(), &mut tokens2, &mut links2);
            assert_eq!(tokens, tokens2, "{t:?}");
            assert_eq!(links, links2, "{t:?}");
            assert_eq!(exact, exact_key(SEED_EXACT, n.text()), "{t:?}");
        }
    }

    /// The link reader here and the tokenizer's differ (module docs): the
    /// reason the detector keeps its own.
    #[test]
    fn link_rules_differ_from_the_tokenizer() {
        use crate::tokenize::url;
        fn ours(t: &str) -> Option<&str> {
            parse_link(t, 0).map(|(host, _)| host)
        }
        fn theirs(t: &str) -> Option<&str> {
            url::parse_link(t).map(|(l, _)| l.host)
        }
        // Bare domains and other schemes: links to the tokenizer only.
        assert_eq!(ours("lazycash49.com"), None);
        assert_eq!(theirs("lazycash49.com"), Some("lazycash49.com"));
        assert_eq!(ours("hxxp://spam.example"), None);
        assert_eq!(theirs("hxxp://spam.example"), Some("spam.example"));
        // Hosts with no letter or an empty label: links here only.
        assert_eq!(ours("http://9.5"), Some("9.5"));
        assert_eq!(theirs("http://9.5"), None);
        assert_eq!(ours("http://a..b"), Some("a..b"));
        assert_eq!(theirs("http://a..b"), None);
        // The same host, but the link ends at white space here, at the
        // quote there.
        let t = "http://x.com\"next";
        assert_eq!(parse_link(t, 0), Some(("x.com", t.len())));
        assert_eq!(
            url::parse_link(t).map(|(l, used)| (l.host, used)),
            Some(("x.com", 12))
        );
    }
}
