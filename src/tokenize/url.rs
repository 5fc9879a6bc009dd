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
pub fn parse_link(chunk: &str) -> Option<(Link<'_>, usize)> {
    let (rest, had_scheme) = strip_scheme(chunk);
    let mut end = rest.len();
    // A link ends at a quote or a closing bracket.
    if let Some(stop) = rest.find(['"', '<', '>', ')', ']', '}', '|']) {
        end = stop;
    }
    let mut body = &rest[..end];
    let mut truncated = false;
    if let Some(b) = body.strip_suffix("...").or_else(|| body.strip_suffix('…')) {
        body = b;
        truncated = true;
    }
    body = body.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    let body = body.strip_prefix("www.").unwrap_or(body);
    let host_end = body.find(['/', '?', '#']).unwrap_or(body.len());
    let host = body[..host_end].trim_end_matches('.');
    let host = host.split(':').next().unwrap_or(host);
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

fn strip_scheme(s: &str) -> (&str, bool) {
    for scheme in ["https://", "http://", "hxxp://", "hxxps://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            return (rest, true);
        }
    }
    if let Some(at) = s.find("://") {
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

fn valid_host(host: &str) -> bool {
    let mut labels = 0;
    for label in host.split('.') {
        if label.is_empty()
            || label.len() > 63
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80)
        {
            return false;
        }
        labels += 1;
    }
    labels >= 2 && host.bytes().any(|b| b.is_ascii_alphabetic())
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
    let dots: Vec<usize> = host.match_indices('.').map(|(i, _)| i).collect();
    let keep = if dots.len() >= 2 {
        let last_two = &host[dots[dots.len() - 2] + 1..];
        if SUFFIXES.contains(&last_two) {
            3
        } else {
            2
        }
    } else {
        2
    };
    if dots.len() < keep {
        host
    } else {
        &host[dots[dots.len() - keep] + 1..]
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
    fn emails() {
        assert_eq!(parse_email("me@example.com."), Some((14, "example.com")));
        assert_eq!(parse_email("@salim"), None);
        assert_eq!(parse_email("a@b"), None);
    }
}
