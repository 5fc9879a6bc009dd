//! A JSON record's fields, borrowed from its text: what the labeler reads
//! of each JSONL line or JSON array element.
//!
//! Most records are flat objects of strings, numbers and literals written
//! without escapes in their keys; [`Fields::parse`] reads those with a
//! scanner made for them and leaves every other record to serde_json,
//! which yields the same fields (and the error message of a bad record).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON object's fields in input order, values kept as written (their
/// JSON text), both borrowed from the record's text: a key is copied only
/// when it holds an escape (`"caf\u00e9"`), and no value is copied.
pub struct Fields<'a>(pub Vec<(Cow<'a, str>, &'a str)>);

impl<'a> Fields<'a> {
    /// The fields of the JSON object `text`, or serde_json's error when it
    /// is not one: those of `serde_json::from_str::<Fields>(text)`, found
    /// without serde_json for a flat object whose keys have no escapes.
    pub fn parse(text: &'a str) -> serde_json::Result<Fields<'a>> {
        match flat(text) {
            Some(fields) => Ok(fields),
            None => serde_json::from_str(text),
        }
    }

    /// The value of field `name`, if present (the last one if repeated).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
    }

    /// The fields as the labeler writes them into its output record,
    /// `"key":value` joined by commas, when `line`, the object's text the
    /// fields were read from, already holds them so: no key has an escape
    /// and no whitespace stands between the object's tokens. Then the
    /// output's fields are one slice of the input, copied at once instead
    /// of field by field; `None` otherwise.
    ///
    /// Every byte of the slice is checked against its place: the quotes
    /// around each key, the colon after it, the value's text where it was
    /// read, a comma before the next key.
    pub fn compact_text(&self, line: &'a str) -> Option<&'a str> {
        let bytes = line.as_bytes();
        let base = line.as_ptr() as usize;
        // Where `part`, a slice of `line`, starts in it.
        let offset = |part: &str| {
            (part.as_ptr() as usize)
                .checked_sub(base)
                .filter(|&o| o + part.len() <= line.len())
        };
        if bytes.first() != Some(&b'{') {
            return None;
        }
        // The position after the last field checked.
        let mut at = 1;
        for (i, (key, value)) in self.0.iter().enumerate() {
            let Cow::Borrowed(key) = key else {
                return None;
            };
            if i > 0 {
                if bytes.get(at) != Some(&b',') {
                    return None;
                }
                at += 1;
            }
            let k = offset(key)?;
            let after_key = k + key.len();
            let ok = k == at + 1
                && bytes[at] == b'"'
                && bytes.get(after_key) == Some(&b'"')
                && bytes.get(after_key + 1) == Some(&b':')
                && offset(value) == Some(after_key + 2);
            if !ok {
                return None;
            }
            at = after_key + 2 + value.len();
        }
        Some(&line[1..at])
    }
}

/// A key borrowed from the input, or decoded when it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> serde::Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Fields<'de>, A::Error> {
                let mut v = Vec::with_capacity(m.size_hint().unwrap_or(8));
                while let Some((Key(k), val)) = m.next_entry::<Key<'de>, &'de RawValue>()? {
                    v.push((k, val.get()));
                }
                Ok(Fields(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// The content of a JSON string value (its JSON text `raw`), or `None`
/// when it is not a string: what `serde_json::from_str::<String>` gives,
/// borrowed from `raw` when the string has no escapes (a string value
/// that parsed holds no control characters, so its content is the text
/// between the quotes).
pub fn json_str(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.starts_with('"') {
        return None;
    }
    if memchr::memchr(b'\\', raw.as_bytes()).is_none() && raw.len() >= 2 && raw.ends_with('"') {
        return Some(Cow::Borrowed(&raw[1..raw.len() - 1]));
    }
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
}

/// The fields of `text` when it is a JSON object that serde_json reads as
/// [`Fields`] with every key borrowed (no escape in a key) and every value
/// a string, a number, `true`, `false` or `null`; `None` for anything else
/// (nested values, escaped keys, errors), which is left to serde_json.
///
/// It accepts what serde_json accepts, and no more: whitespace is space,
/// tab, line feed and carriage return; a string holds no control
/// character (below U+0020) and only the escapes `\" \\ \/ \b \f \n \r
/// \t` and `\u` with four hex digits (serde_json checks no more of a
/// value it keeps as written); a number is `-?(0|[1-9][0-9]*)(\.[0-9]+)?
/// ([eE][+-]?[0-9]+)?`; nothing but whitespace follows the object.
fn flat(text: &str) -> Option<Fields<'_>> {
    let s = text.as_bytes();
    let mut fields = Fields(Vec::with_capacity(8));
    let mut i = skip_ws(s, 0);
    if s.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(s, i + 1);
    if s.get(i) == Some(&b'}') {
        return (skip_ws(s, i + 1) == s.len()).then_some(fields);
    }
    loop {
        // A key without escapes.
        if s.get(i) != Some(&b'"') {
            return None;
        }
        let end = string_end(s, i + 1)?;
        if s[i + 1..end].contains(&b'\\') {
            return None;
        }
        // Between two quotes, so on character boundaries.
        let key = &text[i + 1..end];
        i = skip_ws(s, end + 1);
        if s.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(s, i + 1);
        let start = i;
        i = match *s.get(i)? {
            b'"' => string_end(s, i + 1)? + 1,
            b'-' | b'0'..=b'9' => number_end(s, i)?,
            b't' if s[i..].starts_with(b"true") => i + 4,
            b'f' if s[i..].starts_with(b"false") => i + 5,
            b'n' if s[i..].starts_with(b"null") => i + 4,
            _ => return None,
        };
        fields.0.push((Cow::Borrowed(key), &text[start..i]));
        i = skip_ws(s, i);
        match s.get(i) {
            Some(b',') => i = skip_ws(s, i + 1),
            Some(b'}') => return (skip_ws(s, i + 1) == s.len()).then_some(fields),
            _ => return None,
        }
    }
}

/// The first position from `i` on that is not JSON whitespace.
fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = s.get(i) {
        i += 1;
    }
    i
}

/// The position of the quote closing the string whose content starts at
/// `i`, if the string is one serde_json accepts.
fn string_end(s: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let at = special(s, i)?;
        match s[at] {
            b'"' => return Some(at),
            b'\\' => {}
            // A control character.
            _ => return None,
        }
        i = match *s.get(at + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at + 2,
            b'u' if s.get(at + 2..at + 6)?.iter().all(u8::is_ascii_hexdigit) => at + 6,
            _ => return None,
        };
    }
}

/// The position of the first quote, backslash or control character from
/// `i` on, if any: eight bytes at a time, as serde_json looks for them.
fn special(s: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte below `n` (exact for the first such byte,
    // the one the lowest set bit names).
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    while let Some(chunk) = s.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let hits = below(w, 0x20) | below(w ^ (ONES * 0x22), 1) | below(w ^ (ONES * 0x5c), 1);
        if hits != 0 {
            return Some(i + hits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    s[i..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .map(|p| i + p)
}

/// The end of the JSON number starting at `i`, if it is one.
fn number_end(s: &[u8], mut i: usize) -> Option<usize> {
    let digits = |s: &[u8], i: usize| i + s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if s.get(i) == Some(&b'-') {
        i += 1;
    }
    match s.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(s, i),
        _ => return None,
    }
    if s.get(i) == Some(&b'.') {
        let j = digits(s, i + 1);
        if j == i + 1 {
            return None;
        }
        i = j;
    }
    if let Some(b'e' | b'E') = s.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = s.get(i) {
            i += 1;
        }
        let j = digits(s, i);
        if j == i {
            return None;
        }
        i = j;
    }
    Some(i)
}

#[cfg(test)]
mod tests;
