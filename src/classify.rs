//! The verdict: the last step of the pipeline.
//!
//! A [`Classifier`] scores a [`Comment`] with every head of its
//! [`Model`]: calibrated attribute scores `spam`, `toxicity` and
//! `identity_attack`; `abuse`, the policy's abusive score, is the larger of
//! the last two. They combine in the labels' priority order:
//!
//! ```text
//! P(spam)      = spam
//! P(abuse)     = (1 − spam) · abuse
//! P(off_topic) = (1 − spam) · (1 − abuse) · q
//! P(on_topic)  = (1 − spam) · (1 − abuse) · (1 − q)
//! ```
//!
//! where `q` is the label head's off-topic share among off- and on-topic.
//! The label is `spam` when the spam score reaches its threshold, else
//! `abuse` when the abuse score reaches its threshold, else `off_topic`
//! when `q` reaches its threshold, else `on_topic`. The four probabilities
//! sum to one.
//!
//! Reasons name the words (and word pairs) that pushed hardest toward the
//! label, with their weights and byte spans in the comment. An abusive
//! comment also gets its toxic spans: the character ranges, in code
//! points, of the words that make it abusive.
//!
//! The types a classification is made of ([`Classification`], [`Scores`],
//! [`Probabilities`], [`Reason`], [`Decision`]) are defined in a private
//! module below the model, so that the model's thresholds can use them;
//! their paths are here and at the crate root.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::chargrams::{is_word_feature, LastWord};
use crate::error::{Error, Result};
use crate::features::{structure_key, Feature};
use crate::label::{Example, Label};
use crate::model::{
    add_row, format, CharSums, Model, HEADS, IDENTITY_ATTACK, LABEL, SPAM, TOXICITY,
};
use crate::normalize::{normalize, Normalized};
use crate::tokenize::{TokenKind, TokenRef};
use crate::train::{train, TrainParams};
use compact_str::CompactString;

pub use crate::verdict::{Classification, Decision, Probabilities, Reason, Scores};
use crate::verdict::{REPLY_REASON, STARTER_REASON};

pub(crate) use crate::verdict::empty_verdict;

/// The default model, trained by `comment-sieve train` from `data/`.
static DEFAULT_MODEL: &[u8] = include_bytes!("../models/default.csm");

/// A reader comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Its id.
    pub id: String,
    /// Its text as published.
    pub text: String,
    /// Its author, if known.
    #[serde(default)]
    pub author: Option<String>,
    /// The article (or thread) it was posted under, if known.
    #[serde(default)]
    pub article_id: Option<String>,
    /// Whether it replies to another comment (`Some(false)`: it starts a
    /// thread), if known. Counts when the model was trained with the
    /// structure feature ([`FeatureConfig::structure`](crate::features::FeatureConfig::structure)).
    #[serde(default)]
    pub reply: Option<bool>,
}

impl Comment {
    /// A comment with an id and a text.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Comment {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    /// Sets the author.
    pub fn with_author(mut self, author: impl Into<String>) -> Self {
        self.author = Some(author.into());
        self
    }

    /// Sets the article (or thread) it was posted under.
    pub fn in_article(mut self, article_id: impl Into<String>) -> Self {
        self.article_id = Some(article_id.into());
        self
    }

    /// Sets whether it replies to another comment (`false`: it starts a
    /// thread).
    ///
    /// ```
    /// use comment_sieve::{Classifier, Comment};
    ///
    /// let clf = Classifier::default();
    /// let text = "I agree with the court, the ruling makes sense to me.";
    /// let starter = Comment::new("c1", text).in_article("a1").replying(false);
    /// let reply = Comment::new("c2", text).in_article("a1").replying(true);
    /// // The place in the thread counts only for a label head trained on
    /// // comments whose place was known; the attribute scores are the
    /// // text's, and the default model's seed comments have no place.
    /// assert_eq!(clf.classify(&starter).scores, clf.classify(&reply).scores);
    /// ```
    pub fn replying(mut self, reply: bool) -> Self {
        self.reply = Some(reply);
        self
    }
}

fn structure_token(reply: bool) -> &'static str {
    if reply {
        REPLY_REASON
    } else {
        STARTER_REASON
    }
}

/// Classifies comments with a trained [`Model`]. Cheap to clone.
///
/// ```
/// use comment_sieve::{Classifier, Comment, Label};
///
/// let clf = Classifier::default();
/// let v = clf.classify(&Comment::new("c1", "Check out my channel and subscribe!"));
/// assert_eq!(v.label, Label::Spam);
/// let v = clf.classify(&Comment::new("c2", "You are a complete idiot and a moron."));
/// assert_eq!(v.label, Label::Abuse);
/// // The characters that make it abusive, in code points: "idiot", "moron".
/// assert_eq!(v.toxic_spans, vec![19..24, 31..36]);
/// let sum: f64 = [Label::Spam, Label::Abuse, Label::OffTopic, Label::OnTopic]
///     .iter().map(|&l| v.probabilities.get(l)).sum();
/// assert!((sum - 1.0).abs() < 1e-9);
/// ```
#[derive(Debug, Clone)]
pub struct Classifier {
    model: Arc<Model>,
}

impl Default for Classifier {
    /// The default model embedded in the library.
    fn default() -> Self {
        Classifier::from_bytes(DEFAULT_MODEL).expect("the embedded default model is valid")
    }
}

pub(crate) struct Hit {
    /// Its row in the lookup table (the row of zeros, `Table::unknown_row`,
    /// for a word the model does not know).
    pub(crate) row: u32,
    /// Its span in the normalized text.
    pub(crate) span: Range<usize>,
    /// Where the token's text lies in the comment's buffer of token texts
    /// ([`Folded`]) when it differs from the normalized text at `span` (a
    /// folded word, a shape token, or the place in the thread); `None` in
    /// the common case.
    pub(crate) folded: Option<(u32, u32)>,
    /// Whether it is a word's own key (not an n-gram, pair or shape).
    pub(crate) word: bool,
    /// The abuse heads' `w·r` summed over the character n-grams of its
    /// word, when it is a word's and the model has a character block.
    pub(crate) chars: [f64; 2],
}

/// The texts of a comment's tokens that are not the normalized text at
/// their span, one after another in one buffer reused from comment to
/// comment: keeping them costs a copy of their bytes, not an allocation
/// each. A [`Hit`] holds the range of its token's text.
#[derive(Default)]
pub(crate) struct Folded {
    text: String,
}

impl Folded {
    /// Empties the buffer for the next comment.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
    }

    /// Keeps `t`; returns its range for [`Hit::folded`].
    pub(crate) fn push(&mut self, t: &str) -> (u32, u32) {
        let start = self.text.len() as u32;
        self.text.push_str(t);
        (start, self.text.len() as u32)
    }

    /// The text of a hit's range.
    pub(crate) fn get(&self, (start, end): (u32, u32)) -> &str {
        &self.text[start as usize..end as usize]
    }
}

/// Rows of the lookup table already counted in the current comment (for
/// presence features): one stamp per row, so starting a comment costs
/// nothing but a counter increment.
#[derive(Default)]
struct SeenRows {
    stamps: Vec<u32>,
    now: u32,
}

impl SeenRows {
    /// Starts a comment scored against a table of `rows` rows.
    fn start(&mut self, rows: usize) {
        if self.stamps.len() < rows {
            self.stamps.resize(rows, 0);
        }
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamps.fill(0);
            self.now = 1;
        }
    }

    /// Marks row `r`; false when it was marked already in this comment.
    #[inline]
    fn insert(&mut self, r: u32) -> bool {
        let s = &mut self.stamps[r as usize];
        let new = *s != self.now;
        *s = self.now;
        new
    }
}

/// Buffers reused from comment to comment on one thread.
#[derive(Default)]
struct Scratch {
    hits: Vec<Hit>,
    folded: Folded,
    seen: SeenRows,
    scored: Vec<(f64, usize)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

pub(crate) const MAX_REASONS: usize = 5;

/// A reason carries at least this share of the strongest reason's weight.
pub(crate) const MIN_REASON_SHARE: f64 = 0.1;

impl Classifier {
    /// A classifier over `model`.
    pub fn new(model: Model) -> Self {
        Classifier {
            model: Arc::new(model),
        }
    }

    /// Loads a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|e| match e {
            Error::InvalidFile { what, reason, .. } => Error::InvalidFile {
                what,
                path: Some(path.to_path_buf()),
                reason,
            },
            e => e,
        })
    }

    /// Parses a model from bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Ok(Self::new(format::from_bytes(bytes)?))
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        format::to_bytes(&self.model)
    }

    /// Writes the model to `path` atomically (a temporary file in the same
    /// folder, then a rename: [`write_atomic`](crate::atomic::write_atomic)).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::atomic::write_atomic(path, &self.to_bytes())
    }

    /// Trains a classifier on `examples`.
    pub fn train(params: &TrainParams, examples: &[Example]) -> Result<Self> {
        Ok(Self::new(train(params, examples, Vec::new())?))
    }

    /// The model.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Learns one correction of `text` in place ([`Model::learn`]): the
    /// comment's counts join the naive Bayes counts of the head the
    /// correction is about and, for an attribute head, its logistic layer
    /// steps toward the corrected class on that comment. Returns how many
    /// of the comment's features the head knows. The model is copied first
    /// only when other clones of this classifier share it.
    pub fn learn(&mut self, correction: crate::model::Correction, text: &str) -> usize {
        Arc::make_mut(&mut self.model).learn(correction, text)
    }

    /// [`Classifier::learn`] with the comment's place in its thread, when
    /// known ([`Model::learn_in_thread`]).
    pub fn learn_in_thread(
        &mut self,
        correction: crate::model::Correction,
        text: &str,
        reply: Option<bool>,
    ) -> usize {
        Arc::make_mut(&mut self.model).learn_in_thread(correction, text, reply)
    }

    /// Classifies one comment. Never fails: empty text gets `off_topic`
    /// with the rule `empty comment` as its reason.
    pub fn classify(&self, comment: &Comment) -> Classification {
        self.classify_in_thread(&comment.text, None, comment.reply)
    }

    /// The moderation decision for a verdict, under the model's thresholds.
    pub fn decide(&self, verdict: &Classification) -> Decision {
        self.model.thresholds.decide(&verdict.scores)
    }

    /// Classifies a text with its context (article title and lead,
    /// neighbouring comments). The context counts only when the model was
    /// trained with context features; it never supplies reasons.
    pub fn classify_in_context(&self, text: &str, context: &str) -> Classification {
        self.classify_in_thread(text, Some(context), None)
    }

    /// Classifies a text with what is known of its thread: its context (as
    /// [`classify_in_context`](Self::classify_in_context)) and whether it
    /// replies to another comment or starts a thread. The place in the
    /// thread counts only when the model was trained with the structure
    /// feature; when it pushes toward the label it is a reason like a
    /// token's, named `[thread starter]` or `[reply]`, with an empty
    /// span (0..0). The context never supplies reasons.
    pub fn classify_in_thread(
        &self,
        text: &str,
        context: Option<&str>,
        reply: Option<bool>,
    ) -> Classification {
        SCRATCH.with(|scratch| {
            self.classify_with(Read::Text(text), context, reply, &mut scratch.borrow_mut())
        })
    }

    /// Classifies many comments (in order, on this thread).
    pub fn classify_batch(&self, comments: &[Comment]) -> Vec<Classification> {
        comments.iter().map(|c| self.classify(c)).collect()
    }

    /// Classifies a text.
    pub fn classify_text(&self, text: &str) -> Classification {
        self.classify_in_thread(text, None, None)
    }

    /// [`Classifier::classify_in_thread`] of a comment read already: the
    /// same classification from the analysis's tokens.
    pub(crate) fn classify_analysis(
        &self,
        analysis: &Analysis<'_>,
        context: Option<&str>,
        reply: Option<bool>,
    ) -> Classification {
        SCRATCH.with(|scratch| {
            self.classify_with(
                Read::Analysed(analysis),
                context,
                reply,
                &mut scratch.borrow_mut(),
            )
        })
    }

    fn classify_with(
        &self,
        read: Read<'_, '_>,
        context: Option<&str>,
        reply: Option<bool>,
        scratch: &mut Scratch,
    ) -> Classification {
        let m = &*self.model;
        let scanned;
        let (text, norm) = match read {
            Read::Text(text) => {
                scanned = normalize(text);
                (text, &scanned)
            }
            Read::Analysed(a) => (a.original(), a.normalized()),
        };
        if norm.text().is_empty() {
            return empty_verdict();
        }
        let Scratch {
            hits,
            folded: texts,
            seen,
            scored,
        } = scratch;
        hits.clear();
        texts.clear();
        let table = &m.table;
        seen.start(table.n_rows());
        let w = table.width;
        let mut sums = [0f64; 16];
        let binary = m.features.binary;
        let vocab_rows = table.vocab_rows;
        // Distinct vocabulary features: the length the attribute heads
        // normalise by.
        let mut n = 0usize;
        let mut chars = CharSums::default();
        let char_table = m.chars.as_ref();
        let mut word_chars = LastWord::default();
        let on_feature = |feat: &Feature, tok: &TokenRef<'_>| {
            // A word feature's own part of the character block.
            let own = char_table
                .filter(|_| is_word_feature(feat, tok))
                .map(|ct| ct.add_word(tok.text, &mut chars));
            if let Some(own) = own {
                word_chars = LastWord::new(feat.span.start, own);
            }
            let folded = |texts: &mut Folded| {
                (feat.span == tok.span && !is_text_at(norm.text(), tok.text, &tok.span))
                    .then(|| texts.push(tok.text))
            };
            // A key the model does not know adds nothing to the sums,
            // repeated or not: look it up first, then drop repeats of known
            // ones. A word it does not know still adds its n-grams to the
            // block, so it is a hit with the row of zeros: its reason weight
            // is its n-grams' part.
            let Some((r, row)) = table.row_indexed(feat.key) else {
                if let Some(own) = own {
                    hits.push(Hit {
                        row: table.unknown_row,
                        span: feat.span.clone(),
                        folded: folded(texts),
                        word: true,
                        chars: own,
                    });
                }
                return;
            };
            let new = seen.insert(r);
            if binary && !new {
                return;
            }
            n += usize::from(new && r < vocab_rows);
            add_row(&mut sums, row);
            let word = tok.kind == TokenKind::Word && feat.span == tok.span;
            hits.push(Hit {
                row: r,
                span: feat.span.clone(),
                folded: folded(texts),
                word,
                chars: word_chars.for_hit(word, feat.span.start),
            });
        };
        match read {
            Read::Text(_) => m.extractor.scan(norm, text, on_feature),
            Read::Analysed(a) => m.extractor.scan_tokens(a.tokens(), on_feature),
        }
        if let Some(reply) = reply.filter(|_| m.features.structure) {
            if let Some((r, row)) = table.row_indexed(structure_key(reply)) {
                add_row(&mut sums, row);
                // A reason like any token's, with an empty span: it is
                // nowhere in the text.
                hits.push(Hit {
                    row: r,
                    span: 0..0,
                    folded: Some(texts.push(structure_token(reply))),
                    word: false,
                    chars: [0.0; 2],
                });
            }
        }
        if let Some(c) = context.filter(|_| m.features.context) {
            for k in m.extractor.context_keys(c) {
                if let Some((r, row)) = table.row_indexed(k) {
                    if seen.insert(r) {
                        n += usize::from(r < vocab_rows);
                        add_row(&mut sums, row);
                    }
                }
            }
        }
        for (s, p) in sums[..w].iter_mut().zip(&table.log_priors) {
            *s += p;
        }
        verdict(m, text, norm, &sums, n, chars, hits, texts, scored)
    }
}

/// What a classification reads: a text, normalized and scanned on the way,
/// or a comment analysed already.
#[derive(Clone, Copy)]
enum Read<'a, 't> {
    Text(&'a str),
    Analysed(&'a Analysis<'t>),
}

/// Whether token text `t` reads `text[span]`. Most tokens are that very
/// slice of the normalized text, which comparing addresses tells without
/// slicing (no boundary checks) or comparing bytes.
#[inline]
fn is_text_at(text: &str, t: &str, span: &Range<usize>) -> bool {
    let same_place = t.as_ptr() == text.as_ptr().wrapping_add(span.start) && t.len() == span.len();
    same_place || text.get(span.clone()) == Some(t)
}

/// The classification of a comment from the weights summed over its known
/// features (`sums`, in table order, label priors included), its number
/// of distinct vocabulary features `n` and the features it hit: the
/// label, the probabilities and scores, the strongest features toward the
/// label as reasons, and the toxic spans (`texts` holds the hits' token
/// texts, `scored` is a buffer).
#[allow(clippy::too_many_arguments)]
pub(crate) fn verdict(
    m: &Model,
    original: &str,
    norm: &Normalized<'_>,
    sums: &[f64],
    n: usize,
    chars: CharSums,
    hits: &[Hit],
    texts: &Folded,
    scored: &mut Vec<(f64, usize)>,
) -> Classification {
    let table = &m.table;
    let p_spam = m.heads[SPAM].probability(table.attribute_sum(sums, SPAM), n);
    let abuse =
        |h: usize| m.heads[h].probability_with(table.attribute_sum(sums, h), n, chars.term(h));
    let (p_tox, p_ia) = (abuse(TOXICITY), abuse(IDENTITY_ATTACK));
    let p_abuse = p_tox.max(p_ia);
    // An untrained head has no say.
    let q = if m.heads[LABEL].is_trained() {
        table.off_topic_share(sums)
    } else {
        0.0
    };
    let t = m.thresholds;
    let label = if p_spam >= t.spam {
        Label::Spam
    } else if p_abuse >= t.abuse {
        Label::Abuse
    } else if q >= t.off_topic {
        Label::OffTopic
    } else {
        Label::OnTopic
    };
    let rest = (1.0 - p_spam) * (1.0 - p_abuse);
    let probabilities = Probabilities {
        spam: p_spam,
        abuse: (1.0 - p_spam) * p_abuse,
        off_topic: rest * q,
        on_topic: rest * (1.0 - q),
    };
    // Weight of a feature toward the label: its share of the log odds of
    // the attribute head that decided, or its log-probability ratio in the
    // label head.
    let abuse_head = if p_tox >= p_ia {
        TOXICITY
    } else {
        IDENTITY_ATTACK
    };
    let norm_len = 1.0 / (n.max(1) as f64).sqrt();
    // The head that decided, and for the label head which of its two
    // topic classes.
    let (head, topic) = match label {
        Label::Spam => (SPAM, None),
        Label::Abuse => (abuse_head, None),
        Label::OffTopic => (LABEL, Some(true)),
        Label::OnTopic => (LABEL, Some(false)),
    };
    let weight_of = |row: &[f32]| match topic {
        Some(off_topic) => table.topic_weight(row, off_topic),
        None => table.attribute_weight(row, head) * norm_len,
    };
    // An abuse head's character block gives each word the part of the
    // block its n-grams make.
    let char_block = m.chars.is_some() && topic.is_none();
    // One weight per span: a word's key and its group feature
    // come one after another with the word's span, and sum to the word's
    // weight, with its n-grams' part of the character block.
    scored.clear();
    for group in span_groups(hits) {
        let mut wgt: f64 = hits[group.clone()]
            .iter()
            .map(|h| weight_of(table.row_at(h.row)))
            .sum();
        let first = &hits[group.start];
        if char_block && first.word {
            wgt += chars.word_term(first.chars, head);
        }
        if wgt > 0.0 {
            scored.push((wgt, group.start));
        }
    }
    let toxic_spans = if label == Label::Abuse {
        crate::spans::toxic_spans(m, original, norm, hits, scored)
    } else {
        Vec::new()
    };
    // Strongest first, ties in text order: a strict total order, so any
    // way of sorting gives the same sequence. Usually only its first few
    // are read (until MAX_REASONS distinct tokens): those are picked out
    // and sorted first, the rest only when they are needed.
    let order = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let head_len = (2 * MAX_REASONS).min(scored.len());
    if head_len < scored.len() {
        scored.select_nth_unstable_by(head_len, order);
    }
    scored[..head_len].sort_unstable_by(order);
    let head_name = static_name(&m.heads[head].name);
    // No allocation at all when nothing pushed toward the label.
    let mut reasons: Vec<Reason> = Vec::with_capacity(MAX_REASONS.min(scored.len()));
    for k in 0..scored.len() {
        if k == head_len {
            scored[head_len..].sort_unstable_by(order);
        }
        let (wgt, i) = scored[k];
        // Evidence of a tenth of the strongest reason's or less ("are",
        // "the" beside "idiot") explains nothing; the rest is weaker still.
        if reasons
            .first()
            .is_some_and(|top| wgt < top.weight * MIN_REASON_SHARE)
        {
            break;
        }
        let h = &hits[i];
        let token = match h.folded {
            Some(r) => texts.get(r),
            None => &norm.text()[h.span.clone()],
        };
        if reasons.iter().any(|r| r.token == token) {
            continue;
        }
        reasons.push(Reason {
            token: CompactString::new(token),
            head: head_name.clone(),
            weight: wgt,
            span: norm.original_span(h.span.clone()),
        });
        if reasons.len() == MAX_REASONS {
            break;
        }
    }
    Classification {
        label,
        probabilities,
        scores: Scores {
            spam: p_spam,
            abuse: p_abuse,
            off_topic: q,
            toxicity: p_tox,
            identity_attack: p_ia,
        },
        reasons,
        toxic_spans,
    }
}

/// The index ranges of `hits` that share a span, in order: a word's own
/// key and its group feature come one after another with the
/// word's span. A hit with an empty span (the place in the thread) is a
/// group of its own.
pub(crate) fn span_groups(hits: &[Hit]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = i;
        let span = &hits.get(start)?.span;
        i += 1;
        while !span.is_empty() && i < hits.len() && hits[i].span == *span {
            i += 1;
        }
        Some(start..i)
    })
}

/// A head's name as a static string when it is one of the standard
/// heads' (always, for models read from files), else a copy.
fn static_name(name: &str) -> Cow<'static, str> {
    match HEADS.iter().find(|(n, _)| *n == name) {
        Some((n, _)) => Cow::Borrowed(n),
        None => Cow::Owned(name.to_string()),
    }
}
