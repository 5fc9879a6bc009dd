//! HTML found in comments: tags are dropped (a link's `href` is kept as
//! text) and entities are decoded.
//!
//! Comment feeds often carry markup: `<br />` for line breaks, `<a href=...>`
//! around links, `&amp;`, `&#39;`. Only tags with a known HTML name are
//! treated as markup, so `a<b and c>d` stays text. Scanning a candidate tag
//! or entity is bounded (256 and 40 bytes), which keeps normalization linear
//! in the input whatever it holds.

use std::borrow::Cow;

const MAX_TAG: usize = 256;
const MAX_ENTITY: usize = 40;

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "div",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "td",
    "th",
    "tr",
    "u",
    "ul",
    "wbr",
];

/// Parses a tag at the start of `s` (which starts with `<`). Returns its
/// length in bytes and, for an `<a>` tag, its `href` value.
pub fn parse_tag(s: &str) -> Option<(usize, Option<&str>)> {
    let b = s.as_bytes();
    let limit = b.len().min(MAX_TAG);
    let end = b[..limit].iter().position(|&c| c == b'>')?;
    let inner = &s[1..end];
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name_len = inner
        .bytes()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if name.is_empty() || !TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    // After the name: nothing, white space, or '/'.
    // After the name: nothing, '/', or attributes (which hold a '=').
    let attrs = inner[name_len..].trim_end_matches('/');
    match attrs.as_bytes().first() {
        None => {}
        Some(b' ' | b'\t' | b'\n' | b'\r') if attrs.trim().is_empty() || attrs.contains('=') => {}
        _ => return None,
    }
    let href = if name.eq_ignore_ascii_case("a") {
        find_href(&inner[name_len..])
    } else {
        None
    };
    Some((end + 1, href))
}

fn find_href(attrs: &str) -> Option<&str> {
    let lower = attrs.to_ascii_lowercase();
    let at = lower.find("href")?;
    let rest = attrs[at + 4..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let value = match rest.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let close = rest[1..].find(*q as char)?;
            &rest[1..1 + close]
        }
        _ => {
            let stop = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(rest.len());
            &rest[..stop]
        }
    };
    (!value.trim().is_empty()).then_some(value.trim())
}

/// Parses an entity at the start of `s` (which starts with `&`). Returns its
/// length in bytes and the character it stands for.
pub fn parse_entity(s: &str) -> Option<(usize, char)> {
    let b = s.as_bytes();
    let limit = b.len().min(MAX_ENTITY);
    let semi = b[1..limit].iter().position(|&c| c == b';')? + 1;
    let body = &s[1..semi];
    if body.is_empty() {
        return None;
    }
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(code).filter(|&c| c != '\0')?
    } else {
        if !body.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let decoded = html_escape::decode_html_entities(&s[..=semi]);
        let mut chars = decoded.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if decoded != s[..=semi] => c,
            _ => return None,
        }
    };
    Some((semi + 1, c))
}

/// Decodes every entity in `s`.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(off) = s[i..].find('&') {
        out.push_str(&s[i..i + off]);
        let at = i + off;
        match parse_entity(&s[at..]) {
            Some((len, c)) => {
                out.push(c);
                i = at + len;
            }
            None => {
                out.push('&');
                i = at + 1;
            }
        }
    }
    out.push_str(&s[i..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(parse_tag("<br />x"), Some((6, None)));
        assert_eq!(parse_tag("</a> x"), Some((4, None)));
        assert_eq!(
            parse_tag("<a href=\"http://x.y/z\">t</a>"),
            Some((23, Some("http://x.y/z")))
        );
        assert_eq!(
            parse_tag("<a rel='nofollow' HREF=http://x.y>"),
            Some((34, Some("http://x.y")))
        );
        assert_eq!(parse_tag("<b and c>d"), None);
        assert_eq!(parse_tag("<3 you"), None);
        assert_eq!(parse_tag("<brr>"), None);
    }

    #[test]
    fn entities() {
        assert_eq!(parse_entity("&amp;x"), Some((5, '&')));
        assert_eq!(parse_entity("&#39;"), Some((5, '\'')));
        assert_eq!(parse_entity("&#x41;"), Some((6, 'A')));
        assert_eq!(parse_entity("&nbsp;"), Some((6, '\u{a0}')));
        assert_eq!(parse_entity("&bogus;"), None);
        assert_eq!(parse_entity("& then;"), None);
        assert_eq!(parse_entity("&#0;"), None);
        assert_eq!(parse_entity("&#99999999999;"), None);
        assert_eq!(decode_entities("a&amp;b&c"), "a&b&c");
    }
}
