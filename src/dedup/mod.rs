//! Duplicate detection: is a new comment a copy of one already posted?
//!
//! A [`DuplicateDetector`] keeps a rolling window of recent comments and
//! answers, for a new one, whether it repeats one of them and which:
//!
//! | [`DuplicateKind`] | rule | `similarity` |
//! |---|---|---|
//! | `Exact` | same text after normalization (case, white space, Unicode forms, HTML) with punctuation removed | 1.0 |
//! | `Near` | resemblance (Jaccard of the sets of words, or of `near_shingle_size`-word shingles) ≥ `near_threshold` | the resemblance |
//! | `Partial` | ≥ `partial_threshold` of the new comment's `shingle_size`-word shingles are in one earlier comment at least as long (a copied passage, perhaps with a link added) | that share (containment) |
//! | `Template` | same author, a link to the same host, and resemblance ≥ `template_threshold` | the resemblance |
//!
//! **Templates.** Spammers post the same message with names and amounts
//! changed ("… able to make $8586 in four weeks …", "… can make $9751 in a
//! few weeks …"). Two signals catch this. Every number is one placeholder
//! token, so changed amounts do not change shingles. And the same author
//! linking to the same host again with a message that still shares a
//! quarter of its words (`template_threshold`; the two seed comments above
//! share 0.37) is reported as `Template`: one
//! author pushing one site with a reworded message is what a template is,
//! while a reader writing two different comments with the same link rarely
//! shares that much.
//!
//! **Two shingle sizes.** Resemblance is computed on sets of single words
//! by default, containment on 3-word shingles. Words tolerate replaced
//! words: a 12-word comment with 2 words replaced keeps a resemblance of
//! 0.71 on words but 0.33 on 3-word shingles. Containment needs word order:
//! every word of a short comment is found in many long comments, its 3-word
//! runs are not. On the near-duplicate benchmark (`benches/README.md`),
//! words with `near_threshold` 0.6 recall 0.98 of the variants with no
//! false positive; the usual 0.8 on 3-word shingles recalls 0.84.
//!
//! **Short comments.** Comments of fewer than `min_tokens` words ("lol",
//! "+1", "Thanks!") are never near, partial or template duplicates, and
//! nothing is a near duplicate of them: short replies repeat by chance. They
//! are exact duplicates of equal short comments only with `short_exact`;
//! otherwise they are not even stored. A partial match also needs a new
//! comment of at least `min_partial_tokens` words: a short phrase inside a
//! long comment is a quote or a coincidence, not a copy.
//!
//! **Which match.** The answer names one stored comment: the best kind
//! (Exact, then Near, Partial, Template), then the highest similarity, then
//! the earliest. With [`Scope::Thread`] only comments of the same thread
//! (article) count.
//!
//! ```
//! use comment_sieve::dedup::{DupInput, DuplicateKind, DuplicateParams};
//!
//! let mut detector = DuplicateParams::default().build()?;
//! let first = "Pakistan's proxy force, the Haqqani network, is now behind most \
//!              major attacks against US and afghan targets in Afghanistan. \
//!              I don't think it's an exaggeration to say that the opposition \
//!              since several years isn't the taliban.";
//! assert!(detector.check_and_insert(&DupInput::new("c1", first)).is_none());
//!
//! let copy = "PAKISTAN'S proxy force the Haqqani network is now behind most major \
//!             attacks against US and Afghan targets in Afghanistan!! I don't \
//!             think it's an exaggeration to say that the opposition since \
//!             several years isn't the taliban";
//! let dup = detector.check_and_insert(&DupInput::new("c2", copy)).unwrap();
//! assert_eq!((dup.of.as_str(), dup.kind), ("c1", DuplicateKind::Exact));
//!
//! let part = "the Haqqani network is now behind most major attacks against US \
//!             and afghan targets http://spam.example.com";
//! let dup = detector.check(&DupInput::new("c3", part).author("bob")).unwrap();
//! assert_eq!((dup.of.as_str(), dup.kind), ("c1", DuplicateKind::Partial));
//! # Ok::<(), comment_sieve::Error>(())
//! ```
//!
//! # Design
//!
//! Checking a comment never compares it with every stored comment. Each
//! stored comment puts about ten 32-bit keys into one flat hash table
//! ([`index`]): its exact-text key, its id, (with an author and a link) an
//! author-and-host key, and a sample of its word-shingle hashes chosen by
//! winnowing plus its few smallest hashes ([`shingle`]). Winnowing picks the
//! smallest hash of every window of `winnow_window` consecutive shingles,
//! which guarantees that any passage of `winnow_window + shingle_size - 1`
//! words shared with a stored comment hits one of its keys: that is what
//! finds partial copies, which a MinHash/LSH index tuned for resemblance
//! misses. A check looks up the keys the new comment would store (chosen
//! the same way: a passage shared with a stored comment selects the same
//! window minimum in both, so looking up the other shingles finds little
//! more; about a third as many cache lines), gathers the comments they
//! point to, keeps the
//! `max_candidates` that share the most keys, and verifies each against its
//! stored *sketches*: 16-bit fingerprints of its words (for resemblance)
//! and of its shingles (for containment), all of them up to `sketch_size`,
//! else those with the smallest hashes (bottom-k sketches). That gives exact
//! resemblance and containment for ordinary comments and estimates for long
//! ones. Per comment the detector stores a 40-byte record (exact key,
//! author, thread, sizes, where its bytes are, and a 32-bit mask of each
//! sketch's fingerprints, which rules out most candidates before their
//! sketches are read), its id and sketch in one byte arena, and its keys in
//! the table: about 100–200 bytes in all. A check prefetches the buckets
//! of all its keys as soon as they are known (they load while the rest of
//! its features is computed), then the records of all candidates, then the
//! sketches of those that the masks leave, so that cache misses overlap.
//! The table, records and arena ask for transparent huge pages (Linux), so
//! that those random accesses do not also miss the TLB. The
//! window is a ring: the record of the comment inserted `capacity` comments
//! ago is overwritten, its arena bytes are reused (the arena is a ring
//! written in insertion order, so nothing is ever moved), and its
//! keys become stale (a key carries its comment's sequence number, so age
//! is arithmetic) and are overwritten first. Saved indexes are versioned
//! and checksummed ([`format`](mod@format)).

mod detector;
pub mod format;
mod hash;
pub mod index;
mod params;
mod search;
pub mod shingle;
mod store;
mod text;

pub use detector::DuplicateDetector;
pub use params::DuplicateParams;

/// Which comments a new comment is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every stored comment (the whole site).
    #[default]
    Site,
    /// Only stored comments of the same thread or article
    /// ([`DupInput::thread`]); comments without one form one thread.
    Thread,
}

/// How a comment duplicates an earlier one (see the [module docs](self)).
/// Serialized as its lower-case name ([`as_str`](Self::as_str)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateKind {
    /// Same normalized text, punctuation aside.
    Exact,
    /// Resemblance at least `near_threshold`.
    Near,
    /// Most of the new comment is copied from a longer earlier one.
    Partial,
    /// Same author, same linked host, reworded message.
    Template,
}

impl DuplicateKind {
    /// The kind's name in lower case (`"exact"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::Exact => "exact",
            DuplicateKind::Near => "near",
            DuplicateKind::Partial => "partial",
            DuplicateKind::Template => "template",
        }
    }
}

impl std::fmt::Display for DuplicateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A comment as the detector sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DupInput<'a> {
    /// The comment's id (named in [`Duplicate::of`] when a later comment
    /// repeats it; ids are kept up to 1 KiB).
    pub id: &'a str,
    /// The raw text (HTML and all).
    pub text: &'a str,
    /// The author's name or id, when known.
    pub author: Option<&'a str>,
    /// The thread or article the comment was posted under, when known.
    pub thread: Option<&'a str>,
}

impl<'a> DupInput<'a> {
    /// A comment with no author or thread.
    pub fn new(id: &'a str, text: &'a str) -> Self {
        DupInput {
            id,
            text,
            author: None,
            thread: None,
        }
    }

    /// Sets the author.
    pub fn author(mut self, author: &'a str) -> Self {
        self.author = Some(author);
        self
    }

    /// Sets the thread or article.
    pub fn thread(mut self, thread: &'a str) -> Self {
        self.thread = Some(thread);
        self
    }
}

/// A stored comment that a new comment duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// The id of the earlier comment.
    pub of: String,
    /// How it is duplicated.
    pub kind: DuplicateKind,
    /// Resemblance (`Near`, `Template`), containment (`Partial`) or 1
    /// (`Exact`).
    pub similarity: f64,
    /// Both comments have the same (given) author.
    pub same_author: bool,
    /// Both comments link to a common host.
    pub shared_links: bool,
}
