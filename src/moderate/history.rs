//! Each commenter's latest comments under each article, kept as context
//! for a model trained with context features (see
//! [`Moderator`](super::Moderator)): at most [`AUTHOR_HISTORY`] comments
//! per author and article, [`AUTHOR_HISTORY_BYTES`] of each, and
//! [`AUTHOR_HISTORY_BUDGET`] bytes in all, the oldest comments forgotten
//! first, so memory stays bounded however many authors post.

use std::collections::{HashMap, VecDeque};

/// How many of a commenter's latest comments under one article a context
/// model sees with the next one: a thread's worth.
pub const AUTHOR_HISTORY: usize = 8;

/// How many bytes of each remembered comment are kept (cut at a character
/// boundary).
pub const AUTHOR_HISTORY_BYTES: usize = 2048;

/// Bytes of remembered text (keys included) across all authors and
/// articles; beyond it the oldest comments are forgotten.
pub const AUTHOR_HISTORY_BUDGET: usize = 16 << 20;

/// (article id, author).
type Key = (String, String);

/// The remembered comments, with an insertion log for forgetting the
/// oldest first.
#[derive(Debug, Default)]
pub(crate) struct AuthorHistory {
    /// Each key's comments, oldest first, with their sequence numbers.
    by_key: HashMap<Key, VecDeque<(u64, String)>>,
    /// Every remembered comment's sequence number and key, oldest first;
    /// entries whose comment is already gone are skipped.
    log: VecDeque<(u64, Key)>,
    next: u64,
    bytes: usize,
    /// Comments remembered.
    live: usize,
}

fn cost(key: &Key, text: &str) -> usize {
    key.0.len() + key.1.len() + text.len()
}

impl AuthorHistory {
    /// The remembered comments of `author` under `article`, oldest first.
    pub(crate) fn get(&self, article: &str, author: &str) -> impl Iterator<Item = &str> {
        self.by_key
            .get(&(article.to_string(), author.to_string()))
            .into_iter()
            .flat_map(|h| h.iter().map(|(_, t)| t.as_str()))
    }

    /// Remembers the start of `text` as the latest comment of `author`
    /// under `article`.
    pub(crate) fn push(&mut self, article: &str, author: &str, text: &str) {
        let mut end = text.len().min(AUTHOR_HISTORY_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let key = (article.to_string(), author.to_string());
        let text = text[..end].to_string();
        let seq = self.next;
        self.next += 1;
        self.bytes += cost(&key, &text);
        let h = self.by_key.entry(key.clone()).or_default();
        if h.len() == AUTHOR_HISTORY {
            if let Some((_, old)) = h.pop_front() {
                self.bytes -= cost(&key, &old);
                self.live -= 1;
            }
        }
        h.push_back((seq, text));
        self.live += 1;
        self.log.push_back((seq, key));
        while self.bytes > AUTHOR_HISTORY_BUDGET {
            let Some((seq, key)) = self.log.pop_front() else {
                break;
            };
            self.forget(seq, &key);
        }
        // Entries of comments already dropped by the per-author limit pile
        // up in the log: rebuild it from the live comments once they are
        // as many as those (amortized constant time per comment).
        if self.log.len() > 2 * self.live + 16 {
            let mut live: Vec<(u64, Key)> = self
                .by_key
                .iter()
                .flat_map(|(k, h)| h.iter().map(move |(s, _)| (*s, k.clone())))
                .collect();
            live.sort_unstable_by_key(|(s, _)| *s);
            self.log = live.into();
        }
    }

    /// Drops comment `seq` of `key` if it is still the key's oldest.
    fn forget(&mut self, seq: u64, key: &Key) {
        if let Some(h) = self.by_key.get_mut(key) {
            if h.front().is_some_and(|(s, _)| *s == seq) {
                if let Some((_, old)) = h.pop_front() {
                    self.bytes -= cost(key, &old);
                    self.live -= 1;
                }
                if h.is_empty() {
                    self.by_key.remove(key);
                }
            }
        }
    }

    /// Forgets every comment under `article`.
    pub(crate) fn remove_article(&mut self, article: &str) {
        let (mut freed, mut dropped) = (0, 0);
        self.by_key.retain(|k, h| {
            if k.0 == article {
                freed += h.iter().map(|(_, t)| cost(k, t)).sum::<usize>();
                dropped += h.len();
                false
            } else {
                true
            }
        });
        self.bytes -= freed;
        self.live -= dropped;
        self.log.retain(|(_, k)| k.0 != article);
    }

    /// Bytes remembered (keys included).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_per_author_and_article() {
        let mut h = AuthorHistory::default();
        for i in 0..(AUTHOR_HISTORY + 3) {
            h.push("a1", "ann", &format!("comment {i}"));
        }
        h.push("a2", "ann", "elsewhere");
        h.push("a1", "bob", "bob's");
        let ann: Vec<&str> = h.get("a1", "ann").collect();
        assert_eq!(ann.len(), AUTHOR_HISTORY);
        assert_eq!(ann[0], "comment 3");
        assert_eq!(
            ann[AUTHOR_HISTORY - 1],
            format!("comment {}", AUTHOR_HISTORY + 2)
        );
        assert_eq!(h.get("a2", "ann").collect::<Vec<_>>(), ["elsewhere"]);
        assert_eq!(h.get("a1", "bob").collect::<Vec<_>>(), ["bob's"]);
        assert_eq!(h.get("a1", "nobody").count(), 0);
        h.remove_article("a1");
        assert_eq!(h.get("a1", "ann").count(), 0);
        assert_eq!(h.get("a1", "bob").count(), 0);
        assert_eq!(h.get("a2", "ann").count(), 1);
        assert_eq!(h.bytes(), cost(&("a2".into(), "ann".into()), "elsewhere"));
    }

    #[test]
    fn cuts_long_comments_at_a_character_boundary() {
        let mut h = AuthorHistory::default();
        let long = "é".repeat(AUTHOR_HISTORY_BYTES);
        h.push("a", "x", &long);
        let kept = h.get("a", "x").next().unwrap();
        assert_eq!(kept.len(), AUTHOR_HISTORY_BYTES);
        assert!(long.starts_with(kept));
    }

    #[test]
    fn stays_within_the_budget() {
        let mut h = AuthorHistory::default();
        let text = "x".repeat(AUTHOR_HISTORY_BYTES);
        let n = 2 * AUTHOR_HISTORY_BUDGET / AUTHOR_HISTORY_BYTES;
        let name = |i: usize| format!("author{:04}", i % 5000);
        for i in 0..n {
            h.push("article", &name(i), &text);
            assert!(h.bytes() <= AUTHOR_HISTORY_BUDGET);
        }
        // The newest comments that fit are kept, the oldest are gone.
        let each = cost(&("article".into(), name(0)), &text);
        let kept = AUTHOR_HISTORY_BUDGET / each;
        assert_eq!(h.live, kept);
        let expected = (n - kept..n).filter(|i| i % 5000 == 0).count();
        assert_eq!(h.get("article", &name(0)).count(), expected);
        assert!(h.log.len() <= 2 * h.live + 16);
        // What is left is what the count says.
        let live: usize = h
            .by_key
            .iter()
            .map(|(k, v)| v.iter().map(|(_, t)| cost(k, t)).sum::<usize>())
            .sum();
        assert_eq!(live, h.bytes());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Any sequence of comments and closed articles keeps what a plain
        /// list of each key's latest comments keeps, with exact byte and
        /// comment counts and a bounded log.
        #[test]
        fn matches_a_plain_model(
            ops in proptest::collection::vec((0u8..2, 0u8..3, 0usize..3000, 0u8..40), 0..300)
        ) {
            let mut h = AuthorHistory::default();
            let mut model: HashMap<Key, Vec<String>> = HashMap::new();
            for (i, (article, author, len, close)) in ops.into_iter().enumerate() {
                let a = format!("article{article}");
                if close == 0 {
                    h.remove_article(&a);
                    model.retain(|k, _| k.0 != a);
                    continue;
                }
                let u = format!("author{author}");
                let text = if i % 2 == 0 { "x" } else { "é" }.repeat(len);
                h.push(&a, &u, &text);
                let mut end = text.len().min(AUTHOR_HISTORY_BYTES);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let v = model.entry((a.clone(), u.clone())).or_default();
                v.push(text[..end].to_string());
                if v.len() > AUTHOR_HISTORY {
                    v.remove(0);
                }
                let mut bytes = 0;
                let mut live = 0;
                for (k, v) in &model {
                    let got: Vec<&str> = h.get(&k.0, &k.1).collect();
                    let want: Vec<&str> = v.iter().map(String::as_str).collect();
                    proptest::prop_assert_eq!(got, want);
                    bytes += v.iter().map(|t| cost(k, t)).sum::<usize>();
                    live += v.len();
                }
                proptest::prop_assert_eq!(h.bytes(), bytes);
                proptest::prop_assert_eq!(h.live, live);
                proptest::prop_assert!(h.log.len() <= 2 * h.live + 16);
            }
        }
    }
}
