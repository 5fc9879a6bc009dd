//! URLs, domains and e-mail addresses.
//!
//! Spam carries links, and the domain is what repeats across a campaign
//! (`http://www.sosbeevfbi.com/part...` and `http://www.sosbeevfbi.com/lett...`
//! share `sosbeevfbi.com`). Links are recognized with a scheme (`http://`),
//! with `www.`, or bare (`LazyCash49.com`) when the last label is a common
//! top-level domain. Comment pages truncate long links with `...`: a
//! truncated link still yields its domain.

/// Top-level domains accepted for a bare domain with no path.
const BARE_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "xyz", "top", "club", "online", "site", "website", "co",
    "io", "ly", "gl", "gd", "tk", "ml", "ga", "cf", "gq", "ru", "uk", "pk", "tv", "cc", "ws", "us",
    "ca", "au", "de", "fr", "cn", "br", "pl", "nl", "eu", "mobi", "pro", "link", "live", "app",
    "blog", "news", "shop", "store", "page", "win", "bid", "vip", "me",
];

/// Second-level labels under which a registration sits one level deeper
/// (`example.co.uk`, `someone.blogspot.com`).
const SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.in",
    "co.jp",
    "com.br",
    "com.pk",
    "co.nz",
    "co.za",
    "com.cn",
    "com.mx",
    "com.tr",
    "blogspot.com",
    "wordpress.com",
    "tumblr.com",
    "github.io",
    "herokuapp.com",
    "ning.com",
    "weebly.com",
    "wix.com",
    "appspot.com",
];

/// A link found in a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    /// The link without scheme, `www.` or trailing `...` (`sosbeevfbi.com/part`).
    pub url: &'a str,
    /// The host name (`sosbeevfbi.com`).
    pub host: &'a str,
    /// The registered domain (`sosbeevfbi.com` for `www.sosbeevfbi.com`).
    pub domain: &'a str,
    /// The link was cut short with `...`.
    pub truncated: bool,
}

/// Recognizes `chunk` (normalized, lower case, no white space, leading
/// punctuation already trimmed) as a link; returns the link and the number
/// of bytes of `chunk` it covers.
///
/// Every character it looks for is ASCII, so the searches run over bytes
/// (a byte found is always at a character boundary).
pub fn parse_link(chunk: &str) -> Option<(Link<'_>, usize)> {
    let (rest, had_scheme) = strip_scheme(chunk);
    // A link ends at a quote or a closing bracket.
    let end = find_byte(rest, |b| {
        matches!(b, b'"' | b'<' | b'>' | b')' | b']' | b'}' | b'|')
    })
    .unwrap_or(rest.len());
    let mut body = &rest[..end];
    let mut truncated = false;
    if let Some(b) = body.strip_suffix("...").or_else(|| body.strip_suffix('…')) {
        body = b;
        truncated = true;
    }
    body = body.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    let body = body.strip_prefix("www.").unwrap_or(body);
    let host_end = find_byte(body, |b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(body.len());
    let host = body[..host_end].trim_end_matches('.');
    let host = &host[..find_byte(host, |b| b == b':').unwrap_or(host.len())];
    if !valid_host(host) {
        return None;
    }
    let has_path = host_end < body.len();
    if !had_scheme && !chunk.starts_with("www.") {
        // Bare: require a known TLD, or a path after a plausible TLD.
        let tld = host.rsplit('.').next().unwrap_or("");
        let known = BARE_TLDS.contains(&tld);
        let plausible = has_path && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_lowercase());
        if !(known || plausible || (truncated && host.contains('.'))) {
            return None;
        }
    }
    let consumed = (chunk.len() - rest.len()) + end;
    Some((
        Link {
            url: body,
            host,
            domain: registered_domain(host, truncated && !has_path),
            truncated,
        },
        consumed,
    ))
}

/// The first byte of `s` that `hit` accepts (an ASCII byte, so a character
/// boundary).
#[inline]
fn find_byte(s: &str, hit: impl Fn(u8) -> bool) -> Option<usize> {
    s.bytes().position(hit)
}

/// Where `://` first occurs in `s`.
#[inline]
pub(crate) fn find_scheme_sep(s: &str) -> Option<usize> {
    s.as_bytes().windows(3).position(|w| w == b"://")
}

fn strip_scheme(s: &str) -> (&str, bool) {
    for scheme in ["https://", "http://", "hxxp://", "hxxps://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            return (rest, true);
        }
    }
    if let Some(at) = find_scheme_sep(s) {
        let scheme = &s[..at];
        if !scheme.is_empty()
            && scheme.len() <= 10
            && scheme.bytes().all(|b| b.is_ascii_lowercase())
        {
            return (&s[at + 3..], true);
        }
    }
    (s, false)
}

/// Two or more dot-separated labels, each of 1 to 63 letters, digits,
/// hyphens or non-ASCII bytes, and at least one ASCII letter.
fn valid_host(host: &str) -> bool {
    let mut labels = 1;
    let mut len = 0;
    let mut alpha = false;
    for b in host.bytes() {
        if b == b'.' {
            if len == 0 {
                return false;
            }
            labels += 1;
            len = 0;
        } else if b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80 {
            alpha |= b.is_ascii_alphabetic();
            len += 1;
            if len > 63 {
                return false;
            }
        } else {
            return false;
        }
    }
    len > 0 && labels >= 2 && alpha
}

/// The registered domain of `host`: its last two labels, or three under a
/// known second-level suffix. When the host itself was cut short, its last
/// label is incomplete and is dropped.
pub fn registered_domain(host: &str, cut: bool) -> &str {
    let host = if cut {
        match host.rfind('.') {
            Some(dot) if !BARE_TLDS.contains(&&host[dot + 1..]) => &host[..dot],
            _ => host,
        }
    } else {
        host
    };
    // The text after the n-th dot from the end (n = 1, 2, 3), if any.
    let b = host.as_bytes();
    let after_dot = |from: usize| b[..from].iter().rposition(|&c| c == b'.');
    let Some(d1) = after_dot(b.len()) else {
        return host;
    };
    let Some(d2) = after_dot(d1) else {
        return host;
    };
    let last_two = &host[d2 + 1..];
    if !SUFFIXES.contains(&last_two) {
        return last_two;
    }
    match after_dot(d2) {
        Some(d3) => &host[d3 + 1..],
        None => host,
    }
}

/// Recognizes `chunk` as an e-mail address; returns the address's length.
pub fn parse_email(chunk: &str) -> Option<(usize, &str)> {
    let at = chunk.find('@')?;
    if at == 0 {
        return None;
    }
    let local = &chunk[..at];
    if !local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
    {
        return None;
    }
    let rest = &chunk[at + 1..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    let domain = rest[..end].trim_end_matches('.');
    if !valid_host(domain) {
        return None;
    }
    Some((at + 1 + domain.len(), domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Option<(&str, &str, bool)> {
        parse_link(s).map(|(l, _)| (l.url, l.domain, l.truncated))
    }

    #[test]
    fn links() {
        assert_eq!(
            link("http://www.sosbeevfbi.com/part..."),
            Some(("sosbeevfbi.com/part", "sosbeevfbi.com", true))
        );
        assert_eq!(
            link("http://sosbeevfbi.ning.com/for..."),
            Some(("sosbeevfbi.ning.com/for", "sosbeevfbi.ning.com", true))
        );
        assert_eq!(
            link("http://lazycash49.com"),
            Some(("lazycash49.com", "lazycash49.com", false))
        );
        assert_eq!(
            link("lazycash49.com,"),
            Some(("lazycash49.com", "lazycash49.com", false))
        );
        assert_eq!(
            link("http://madeafortune.blogspot.c..."),
            Some(("madeafortune.blogspot.c", "madeafortune.blogspot", true))
        );
        assert_eq!(
            link("https://youtu.be/kq6zr6kcpj8"),
            Some(("youtu.be/kq6zr6kcpj8", "youtu.be", false))
        );
        assert_eq!(
            link("www.bbc.co.uk/news"),
            Some(("bbc.co.uk/news", "bbc.co.uk", false))
        );
        assert_eq!(link("u.s."), None);
        assert_eq!(link("e.g."), None);
        assert_eq!(link("pakistan.the"), None);
        assert_eq!(link("9.5"), None);
        assert_eq!(link("http://"), None);
    }

    #[test]
    fn hosts_and_domains() {
        for (h, ok) in [
            ("a.b", true),
            ("example.com", true),
            ("9.5", false),
            ("a..b", false),
            (".a.b", false),
            ("a.b.", false),
            ("ab", false),
            ("a_b.com", false),
            ("xn--bcher-kva.example", true),
        ] {
            assert_eq!(valid_host(h), ok, "{h}");
        }
        assert!(!valid_host(&format!("{}.com", "a".repeat(64))));
        assert!(valid_host(&format!("{}.com", "a".repeat(63))));
        for (h, cut, d) in [
            ("host", false, "host"),
            ("a.com", false, "a.com"),
            ("x.y.z", false, "y.z"),
            ("co.uk", false, "co.uk"),
            ("a.b.co.uk", false, "b.co.uk"),
            ("b.co.uk", false, "b.co.uk"),
            ("x.blogspot.c", true, "x.blogspot"),
            ("x.y.com", true, "y.com"),
        ] {
            assert_eq!(registered_domain(h, cut), d, "{h}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(parse_email("me@example.com."), Some((14, "example.com")));
        assert_eq!(parse_email("@salim"), None);
        assert_eq!(parse_email("a@b"), None);
    }
}
