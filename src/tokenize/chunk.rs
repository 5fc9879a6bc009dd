//! Byte-level tests the scanner runs on a chunk of normalized text (what
//! lies between two spaces) before it decides how to read it: one pass to
//! classify the chunk, runs of single letters, digit counts, whether a
//! chunk may be a link or a word in caps.
//!
//! Kept apart from the scanner because each is a small pure function with
//! no state, and most are on the hot path of every comment.

use super::url;

/// Whether `b` may hold two upper-case characters: two ASCII capitals or
/// non-ASCII characters other than U+FEFF (which ends most YouTube
/// comments and is no letter). A word in caps needs two.
pub(super) fn two_capitals_possible(b: &[u8]) -> bool {
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        // A UTF-8 lead byte starts a non-ASCII character.
        if c.is_ascii_uppercase() || (c >= 0xC0 && !b[i..].starts_with("\u{feff}".as_bytes())) {
            n += 1;
            if n == 2 {
                return true;
            }
        }
    }
    false
}

/// Characters that may sit inside a raw word.
pub(super) fn is_inner(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '*' | '@' | '$' | '!' | '|' | '+' | '\'' | '.' | '-' | '_' | ','
        )
}

/// Whether `o` holds no lower-case letter and at least two upper-case ones.
pub(super) fn in_caps(o: &str) -> bool {
    let mut letters = 0;
    for c in o.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            letters += 1;
        }
    }
    letters >= 2
}

pub(super) fn digit_class(n: usize, prefix: char) -> &'static str {
    const MONEY: [&str; 10] = [
        "$0d", "$1d", "$2d", "$3d", "$4d", "$5d", "$6d", "$7d", "$8d", "$9d+",
    ];
    const NUM: [&str; 10] = [
        "#0d", "#1d", "#2d", "#3d", "#4d", "#5d", "#6d", "#7d", "#8d", "#9d+",
    ];
    let i = n.min(9);
    if prefix == '$' {
        MONEY[i]
    } else {
        NUM[i]
    }
}

/// Length of the leading amount in `s`: digits with `,` or `.` between digit
/// groups, and an optional `k`/`m` multiplier.
pub(super) fn digits_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let separator =
            matches!(b[i], b',' | b'.') && i > 0 && i + 1 < b.len() && b[i + 1].is_ascii_digit();
        if !(b[i].is_ascii_digit() || separator) {
            break;
        }
        i += 1;
    }
    if i > 0
        && i < b.len()
        && matches!(b[i], b'k' | b'm')
        && (i + 1 == b.len() || !b[i + 1].is_ascii_alphabetic())
    {
        i += 1;
    }
    i
}

pub(super) fn split_offsets<'s>(
    s: &'s str,
    seps: &'s [char],
) -> impl Iterator<Item = (usize, &'s str)> + 's {
    let mut off = 0;
    s.split(seps).map(move |p| {
        let at = off;
        off += p.len() + 1;
        (at, p)
    })
}

/// What one pass over a space-free chunk finds.
pub(super) struct ChunkScan {
    /// Where the chunk ends: the next space, or the end of the text.
    pub(super) end: usize,
    /// It holds `!`, `?` or `$` (which may make punctuation shapes).
    pub(super) shapes: bool,
    /// The length of its word when the chunk is lower-case ASCII letters
    /// followed only by punctuation that ends a word (`word`, `word.`,
    /// `word?!`): such a chunk yields that word alone (and the shapes of
    /// its punctuation). `None` for any other chunk, and for letters that
    /// may begin a link (`http`, `www`).
    pub(super) plain: Option<usize>,
}

/// Byte classes for [`scan_chunk`]: punctuation that may end a plain word.
const TAIL: u8 = 1;
/// Byte classes for [`scan_chunk`]: punctuation that makes shapes.
const SHAPE: u8 = 2;

static CHUNK_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let tail = b".,!?:;)\"'";
    let mut i = 0;
    while i < tail.len() {
        t[tail[i] as usize] |= TAIL;
        i += 1;
    }
    t[b'!' as usize] |= SHAPE;
    t[b'?' as usize] |= SHAPE;
    t[b'$' as usize] |= SHAPE;
    t
};

/// Scans the chunk starting at `pos` (not a space) in one pass.
#[inline]
pub(super) fn scan_chunk(bytes: &[u8], pos: usize) -> ChunkScan {
    let mut j = pos;
    while j < bytes.len() && bytes[j].is_ascii_lowercase() {
        j += 1;
    }
    let letters = j - pos;
    let mut all = SHAPE | TAIL;
    let mut any = 0;
    while j < bytes.len() && bytes[j] != b' ' {
        let k = CHUNK_CLASS[bytes[j] as usize];
        all &= k;
        any |= k;
        j += 1;
    }
    let c = &bytes[pos..j];
    let plain = letters > 0 && all & TAIL != 0 && !c.starts_with(b"http") && !c.starts_with(b"www");
    ChunkScan {
        end: j,
        shapes: any & SHAPE != 0,
        plain: plain.then_some(letters),
    }
}

/// Whether a byte occurs three times in a row in `b`.
#[inline]
pub(super) fn has_triple(b: &[u8]) -> bool {
    let mut run = 1;
    for i in 1..b.len() {
        run = if b[i] == b[i - 1] { run + 1 } else { 1 };
        if run == 3 {
            return true;
        }
    }
    false
}

#[inline]
pub(super) fn is_single_letter(c: &str) -> bool {
    match c.len() {
        1 => return c.as_bytes()[0].is_ascii_alphabetic(),
        0 | 5.. => return false,
        _ => {}
    }
    let mut it = c.chars();
    matches!((it.next(), it.next()), (Some(ch), None) if ch.is_alphabetic())
}

pub(super) fn looks_like_link(t: &str) -> bool {
    t.starts_with("http") || t.starts_with("www.") || url::find_scheme_sep(t).is_some() || {
        // A bare domain needs a dot followed by a letter.
        let b = t.as_bytes();
        b.windows(2)
            .any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic())
    }
}

#[inline]
/// Number of consecutive single-letter chunks starting at `from`.
pub(super) fn count_single_letters(s: &str, from: usize) -> usize {
    let bytes = s.as_bytes();
    let mut n = 0;
    let mut pos = from;
    loop {
        let end = memchr_space(bytes, pos);
        if !is_single_letter(&s[pos..end]) {
            return n;
        }
        n += 1;
        if end >= bytes.len() {
            return n;
        }
        pos = end + 1;
    }
}

pub(super) fn memchr_space(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b' ')
        .map_or(b.len(), |p| from + p)
}
