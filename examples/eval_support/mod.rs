//! Splits and Fox News contexts shared by the evaluation examples
//! (`evaluate`, `spam_variants`, `abuse_mix`), so that their tables are
//! computed on the same data.

#![allow(dead_code)]

use comment_sieve::datasets::FoxComment;
use comment_sieve::Example;

/// The first `frac` of each class (by `class`) in file order, and the rest.
pub fn split(
    ex: &[Example],
    frac: f64,
    class: impl Fn(&Example) -> bool,
) -> (Vec<Example>, Vec<Example>) {
    let (mut tr, mut te) = (Vec::new(), Vec::new());
    for c in [false, true] {
        let of: Vec<&Example> = ex.iter().filter(|e| class(e) == c).collect();
        let n = (of.len() as f64 * frac).round() as usize;
        for (i, e) in of.into_iter().enumerate() {
            if i < n {
                tr.push(e.clone())
            } else {
                te.push(e.clone())
            }
        }
    }
    (tr, te)
}

/// The context of Fox News comment `i` of `all` for `which`, a
/// comma-separated list of `thread` (neighbouring comments), `article`
/// (title and lead), `author` (the same commenter's other comments under
/// the same article), `mention` (the comments there of the screen names it
/// mentions); `all` is `article,thread`.
pub fn fox_context(all: &[FoxComment], i: usize, which: &str) -> String {
    let c = &all[i];
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let has = |w: &str| {
        which
            .split(',')
            .any(|x| x == w || (x == "all" && (w == "thread" || w == "article")))
    };
    // The other comments under the same article whose author `keep`s.
    let others = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        all.iter()
            .enumerate()
            .filter(|&(j, o)| j != i && o.title == c.title && keep(&o.user))
            .map(|(_, o)| o.text.clone())
            .collect()
    };
    let mut parts = Vec::new();
    if has("article") {
        parts.push(c.title.clone());
        parts.push(c.meta.clone());
    }
    if has("thread") {
        parts.push(text(&c.prev));
        parts.push(text(&c.succ));
    }
    if has("mention") {
        let names: Vec<&str> = c
            .mentions
            .split_whitespace()
            .map(|m| m.trim_start_matches('@'))
            .filter(|m| !m.is_empty())
            .collect();
        parts.extend(others(&|u| names.contains(&u)));
    }
    if has("author") && !c.user.is_empty() {
        parts.extend(others(&|u| u == c.user));
    }
    parts.join("\n")
}
