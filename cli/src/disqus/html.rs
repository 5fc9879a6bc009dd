//! A Disqus message's HTML as plain text.
//!
//! Disqus stores a comment as HTML (`<p>…</p>`, `<br>`, `<b>`, `<a href>`,
//! entities). The labeled record's `text` is what a reader saw:
//!
//! - tags that the library knows as HTML ([`parse_tag`]) are removed;
//!   `<p>`, `<div>`, `<blockquote>`, `<li>`, headings, `<pre>`, `<tr>` and
//!   `<hr>` end a paragraph (a blank line), `<br>` ends a line; anything
//!   else written with `<` (`a <3 b`) stays text;
//! - entities are decoded (`&amp;` → `&`, `&#39;` → `'`, `&nbsp;` → space);
//! - white space runs inside a paragraph become one space;
//! - a link keeps its text, followed by its address in parentheses unless
//!   the text already shows it, so the classifier still sees the link.
//!   Disqus rewrites outbound links to its redirector
//!   (`disq.us/url?url=<address>%3A<hash>`); the address is taken out of
//!   it.

use comment_sieve::normalize::html::{decode_entities, parse_entity, parse_tag};

/// Tags that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "blockquote",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "tr",
    "table",
    "hr",
];

/// The plain text of `html`.
pub fn to_text(html: &str) -> String {
    let mut w = Writer::default();
    // The open link: its address and where its text starts in the output.
    let mut link: Option<(String, usize)> = None;
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        let c = rest.chars().next().expect("i is below the length");
        if c == '<' {
            if let Some((len, href)) = parse_tag(rest) {
                let (closing, name) = tag_name(&rest[1..len]);
                if name.eq_ignore_ascii_case("br") {
                    w.brk(1);
                } else if BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
                    w.brk(2);
                } else if name.eq_ignore_ascii_case("a") {
                    if closing {
                        if let Some((url, start)) = link.take() {
                            w.link_end(&url, start);
                        }
                    } else if let Some(href) = href {
                        w.flush_space();
                        link = Some((unwrap_redirect(&decode_entities(href)), w.out.len()));
                    }
                }
                i += len;
                continue;
            }
        }
        if c == '&' {
            if let Some((len, decoded)) = parse_entity(rest) {
                w.push(if decoded == '\u{a0}' { ' ' } else { decoded });
                i += len;
                continue;
            }
        }
        w.push(c);
        i += c.len_utf8();
    }
    if let Some((url, start)) = link {
        w.link_end(&url, start);
    }
    w.out
}

/// Whether a tag's inside (`/a`, `br /`, `a href=…`) closes, and its name.
fn tag_name(inner: &str) -> (bool, &str) {
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    (closing, &inner[..end])
}

/// Writes text with collapsed white space and pending line breaks.
#[derive(Default)]
struct Writer {
    out: String,
    /// Line ends owed before the next character (at most 2).
    breaks: usize,
    /// A space owed before the next character.
    space: bool,
}

impl Writer {
    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
            return;
        }
        if !self.out.is_empty() {
            if self.breaks > 0 {
                for _ in 0..self.breaks {
                    self.out.push('\n');
                }
            } else if self.space {
                self.out.push(' ');
            }
        }
        self.breaks = 0;
        self.space = false;
        self.out.push(c);
    }

    fn brk(&mut self, n: usize) {
        self.breaks = self.breaks.max(n);
        self.space = false;
    }

    /// Writes the space owed, if any (before a link's text).
    fn flush_space(&mut self) {
        if self.space && self.breaks == 0 && !self.out.is_empty() {
            self.out.push(' ');
            self.space = false;
        }
    }

    /// Closes a link whose text starts at `start`: the address follows in
    /// parentheses unless the text shows it.
    fn link_end(&mut self, url: &str, start: usize) {
        let shown = bare(&self.out[start..]);
        let address = bare(url);
        if address.is_empty() || (!shown.is_empty() && shown.contains(address)) {
            return;
        }
        if start < self.out.len() {
            self.out.push(' ');
            self.out.push('(');
            self.out.push_str(url);
            self.out.push(')');
        } else {
            // A link with no text: its address is the text.
            for c in url.chars() {
                self.push(c);
            }
        }
    }
}

/// An address without its scheme and trailing `/`, for comparison.
fn bare(s: &str) -> &str {
    let s = s.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    s.trim_end_matches('/')
}

/// The address behind a Disqus redirect link
/// (`http://disq.us/url?url=<percent-encoded address>%3A<27-character
/// hash>&cuid=…`); any other address unchanged.
pub fn unwrap_redirect(href: &str) -> String {
    let rest = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))
        .or_else(|| href.strip_prefix("//"));
    let Some(rest) = rest else {
        return href.to_string();
    };
    let Some(query) = rest
        .strip_prefix("disq.us/url?")
        .or_else(|| rest.strip_prefix("disq.us/?"))
    else {
        return href.to_string();
    };
    let Some(target) = query.split('&').find_map(|p| p.strip_prefix("url=")) else {
        return href.to_string();
    };
    let target = percent_decode(target);
    // Disqus appends `:` and a 27-character hash of the address.
    let hashed = target.len() > 28 && {
        let (head, tail) = target.split_at(target.len() - 28);
        !head.is_empty()
            && tail.starts_with(':')
            && tail[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if hashed {
        target[..target.len() - 28].to_string()
    } else {
        target
    }
}

/// `%XX` escapes (and `+`) decoded; invalid UTF-8 is replaced.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lines_and_entities() {
        assert_eq!(
            to_text("<p>First  <b>bold</b>\n line</p><p>Second &amp; last</p>"),
            "First bold line\n\nSecond & last"
        );
        assert_eq!(to_text("one<br>two<br />three"), "one\ntwo\nthree");
        assert_eq!(to_text("a &lt;3 b&nbsp;c"), "a <3 b c");
        assert_eq!(to_text("a <3 b and c>d"), "a <3 b and c>d");
        assert_eq!(to_text("he<i>ll</i>o"), "hello");
        assert_eq!(to_text(""), "");
    }

    #[test]
    fn links_keep_their_address() {
        assert_eq!(
            to_text(r#"see <a href="https://example.org/a">https://example.org/a</a> now"#),
            "see https://example.org/a now"
        );
        assert_eq!(
            to_text(r#"see <a href="https://example.org/a">this</a>"#),
            "see this (https://example.org/a)"
        );
        assert_eq!(
            to_text(r#"<a href="http://example.org/"></a>"#),
            "http://example.org/"
        );
        let disqus = "<a href=\"http://disq.us/url?url=https%3A%2F%2Fexample.org%2Fdeal%3AzjHJ9CS7YTS6D6-FWtZRTF8swk4&amp;cuid=42\" rel=\"nofollow noopener\">example.org/deal</a>";
        assert_eq!(to_text(disqus), "example.org/deal");
        assert_eq!(
            unwrap_redirect("http://disq.us/url?url=http%3A%2F%2Fexample.org%2F%3AGTwU4dcq96lIEIpJc8INii4ptuY&cuid=1"),
            "http://example.org/"
        );
        assert_eq!(
            unwrap_redirect("https://example.org/x"),
            "https://example.org/x"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
