//! The moderation policy: classifier, relevance and duplicate detector
//! turned into an action a site can take.
//!
//! *Comments are posted if they are on-topic and not abusive.* A
//! [`Moderator`] applies that rule the way site operators work:
//!
//! 1. trusted authors are approved without classification;
//! 2. block words reject, hold words hold (matched on normalized tokens);
//! 3. the classifier scores spam and abuse; each attribute has a reject and
//!    a hold threshold (a model trained with context features also gets
//!    the comment replied to and the author's earlier comments under the
//!    article);
//! 4. a comment under a registered article is scored for relevance
//!    ([`relevance`]): below the off-topic threshold it is held as
//!    `off_topic`;
//! 5. more links than the site allows holds the comment;
//! 6. a duplicate of an earlier comment is rejected or held, as configured.
//!
//! The strictest action wins (reject over hold over approve). Every rule
//! that fired is a [`VerdictReason`], with the tokens and byte spans that
//! drove a score, so a moderator's screen can show why.
//!
//! Moderators' corrections train the model: [`Moderator::submit_spam`],
//! [`Moderator::submit_ham`], [`Moderator::submit_abuse`],
//! [`Moderator::submit_not_abuse`] update the naive Bayes counts in place
//! ([`Model::learn`]); [`Moderator::save_model`] keeps them.
//!
//! ```
//! use comment_sieve::moderate::{Action, Moderator};
//! use comment_sieve::Comment;
//!
//! let mut m = Moderator::default();
//! m.add_article("a1", "CIA and ISI ties", "The CIA and Pakistan's ISI spy agency resumed talks in Washington.");
//! let mut c = Comment::new("c1", "Can the CIA really trust the ISI after the Washington talks?");
//! c.article_id = Some("a1".into());
//! assert_eq!(m.moderate(&c).action, Action::Approve);
//! ```

mod history;
pub mod relevance;
mod rule;

pub use history::{AUTHOR_HISTORY, AUTHOR_HISTORY_BUDGET, AUTHOR_HISTORY_BYTES};
pub use rule::Rule;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::classify::{Classification, Classifier, Comment, Decision};
use crate::dedup::{DupInput, Duplicate, DuplicateDetector, DuplicateKind, DuplicateParams};
use crate::error::{Error, Result};
use crate::features::token_key;
use crate::label::Label;
use crate::model::Model;
use crate::normalize::normalize;
use crate::tokenize::TokenKind;

use relevance::{content_words, ArticleProfile};

/// Comments added to every word's background count. The background is
/// small (a few thousand comments, vocabulary pruned of words seen once), so
/// an unseen word is not taken as rare: an ordinary word an article uses
/// once ("past", "month") is then weak evidence, not strong.
const BACKGROUND_PRIOR: f64 = 5.0;

/// What to do with a comment (the classifier's [`Decision`]).
pub type Action = Decision;

/// What to do with duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateAction {
    /// Reject duplicates.
    Reject,
    /// Hold duplicates for review.
    Hold,
    /// Report them only.
    Allow,
}

/// How corrections train the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    /// Every submitted example updates the model.
    Always,
    /// Only examples the model currently gets wrong update it.
    OnError,
}

/// Policy settings.
///
/// | Name | Default | Meaning | Range |
/// |---|---|---|---|
/// | `reject_spam` | the model's `spam_reject` | reject when P(spam) is at least this | (0, 1] |
/// | `hold_spam` | the model's `spam_hold` | hold when P(spam) is at least this | (0, `reject_spam`] |
/// | `reject_abuse` | the model's `abuse_reject` | reject when P(abuse) is at least this | (0, 1] |
/// | `hold_abuse` | the model's `abuse_hold` | hold when P(abuse) is at least this | (0, `reject_abuse`] |
/// | `off_topic_below` | 0.45 | hold as off-topic when relevance to the article is below this | [0, 1] |
/// | `on_topic_above` | 0.5 | relevance from which a comment is on-topic whatever the classifier says; in between, the classifier decides | [`off_topic_below`, 1] |
/// | `max_links` | 2 | hold when a comment has more links | 0.. |
/// | `hold_words` | none | hold when one of these words occurs | |
/// | `block_words` | none | reject when one of these words occurs | |
/// | `trusted_authors` | none | approve these authors without classification | |
/// | `duplicates` | `Hold` | what to do with duplicates | |
/// | `feedback` | `Always` | which corrections train the model | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Reject at this P(spam) (`None`: the model's threshold).
    pub reject_spam: Option<f64>,
    /// Hold at this P(spam) (`None`: the model's threshold).
    pub hold_spam: Option<f64>,
    /// Reject at this P(abuse) (`None`: the model's threshold).
    pub reject_abuse: Option<f64>,
    /// Hold at this P(abuse) (`None`: the model's threshold).
    pub hold_abuse: Option<f64>,
    /// Hold as off-topic below this relevance.
    pub off_topic_below: f64,
    /// Relevance from which a comment is on-topic whatever the classifier
    /// says.
    pub on_topic_above: f64,
    /// Hold above this many links.
    pub max_links: usize,
    /// Words that hold a comment (lower case, as normalized).
    pub hold_words: Vec<String>,
    /// Words that reject a comment (lower case, as normalized).
    pub block_words: Vec<String>,
    /// Authors approved without classification.
    pub trusted_authors: Vec<String>,
    /// What to do with duplicates.
    pub duplicates: DuplicateAction,
    /// Which corrections train the model.
    pub feedback: Feedback,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            reject_spam: None,
            hold_spam: None,
            reject_abuse: None,
            hold_abuse: None,
            off_topic_below: 0.45,
            on_topic_above: 0.5,
            max_links: 2,
            hold_words: Vec::new(),
            block_words: Vec::new(),
            trusted_authors: Vec::new(),
            duplicates: DuplicateAction::Hold,
            feedback: Feedback::Always,
        }
    }
}

impl Policy {
    /// The four spam and abuse thresholds, with the model's where unset:
    /// `(hold_spam, reject_spam, hold_abuse, reject_abuse)`.
    pub fn thresholds(&self, model: &Model) -> (f64, f64, f64, f64) {
        let t = model.thresholds;
        (
            self.hold_spam.unwrap_or(t.spam_hold),
            self.reject_spam.unwrap_or(t.spam_reject),
            self.hold_abuse.unwrap_or(t.abuse_hold),
            self.reject_abuse.unwrap_or(t.abuse_reject),
        )
    }

    /// Validates every setting against `model`'s thresholds.
    pub fn check(&self, model: &Model) -> Result<()> {
        let (hs, rs, ha, ra) = self.thresholds(model);
        for (name, v, lo) in [
            ("hold_spam", hs, 0.0),
            ("reject_spam", rs, hs),
            ("hold_abuse", ha, 0.0),
            ("reject_abuse", ra, ha),
        ] {
            if !(v.is_finite() && v > 0.0 && v >= lo && v <= 1.0) {
                return Err(Error::InvalidParam {
                    name,
                    value: v.to_string(),
                    expected: "in (0, 1], hold at most reject",
                });
            }
        }
        if !(0.0..=1.0).contains(&self.off_topic_below) {
            return Err(Error::InvalidParam {
                name: "off_topic_below",
                value: self.off_topic_below.to_string(),
                expected: "in [0, 1]",
            });
        }
        if !(self.off_topic_below..=1.0).contains(&self.on_topic_above) {
            return Err(Error::InvalidParam {
                name: "on_topic_above",
                value: self.on_topic_above.to_string(),
                expected: "in [off_topic_below, 1]",
            });
        }
        Ok(())
    }
}

/// Scores behind a verdict, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VerdictScores {
    /// P(spam).
    pub spam: f64,
    /// The abusive score: the larger of `toxicity` and `identity_attack`.
    pub abuse: f64,
    /// P(toxic).
    #[serde(default)]
    pub toxicity: f64,
    /// P(identity attack).
    #[serde(default)]
    pub identity_attack: f64,
    /// How off-topic: 1 − relevance to the article when it is known, else
    /// the classifier's off-topic share.
    pub off_topic: f64,
    /// Similarity to the earlier comment it repeats (0 when none).
    pub duplicate: f64,
}

/// One reason for a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictReason {
    /// The rule (serialized `spam`, `abuse`, `off_topic`, `links`,
    /// `hold_word`, `block_word`, `duplicate`, `trusted_author`, `empty`).
    pub rule: Rule,
    /// What it concerns: a token, a word, an earlier comment's id.
    pub detail: String,
    /// A weight or similarity, where there is one.
    pub weight: f64,
    /// Byte range in the comment's text, where there is one.
    pub span: Option<Range<usize>>,
}

/// The decision on one comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What to do.
    pub action: Action,
    /// The content label.
    pub label: Label,
    /// The scores.
    pub scores: VerdictScores,
    /// The earlier comment it repeats, if any.
    pub duplicate_of: Option<DuplicateRef>,
    /// Why, strongest first.
    pub reasons: Vec<VerdictReason>,
    /// The character ranges (code points) that make it abusive; empty
    /// unless it is labeled abusive.
    #[serde(default)]
    pub toxic_spans: Vec<Range<usize>>,
}

/// An earlier comment that a comment repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRef {
    /// Its id.
    pub id: String,
    /// How (serialized `exact`, `near`, `partial` or `template`).
    pub kind: DuplicateKind,
    /// Resemblance or containment.
    pub similarity: f64,
}

impl From<&Duplicate> for DuplicateRef {
    fn from(d: &Duplicate) -> Self {
        DuplicateRef {
            id: d.of.clone(),
            kind: d.kind,
            similarity: d.similarity,
        }
    }
}

/// General comment language for relevance: how many comments use each
/// word.
#[derive(Debug, Clone, Default)]
pub struct Background {
    df: HashMap<u64, f32>,
    docs: f64,
}

impl Background {
    /// The share of `texts` using each word (as `tokenizer` reads it). A
    /// site can build it from comments elsewhere; a measurement can keep
    /// the comments of the articles it compares out of it.
    pub fn from_texts<'t>(
        tokenizer: &crate::tokenize::Tokenizer,
        texts: impl IntoIterator<Item = &'t str>,
    ) -> Self {
        let mut b = Background::default();
        for text in texts {
            let mut seen = HashSet::new();
            let norm = normalize(text);
            tokenizer.scan(&norm, text, |t| {
                if t.kind == TokenKind::Word {
                    seen.insert(token_key(TokenKind::Word, t.text));
                }
            });
            for k in seen {
                *b.df.entry(k).or_default() += 1.0;
            }
            b.docs += 1.0;
        }
        b
    }
}

/// An article's approved comments: their words, and their mean relevance
/// to the article.
#[derive(Debug, Default)]
struct Thread {
    words: ArticleProfile,
    relevance_sum: f64,
    scored: u32,
}

impl Thread {
    /// Mean relevance of the comments that had a score.
    fn relevance(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.relevance_sum / self.scored as f64)
    }
}

/// Applies a [`Policy`] with a classifier, article relevance and a
/// duplicate detector.
#[derive(Debug)]
pub struct Moderator {
    classifier: Classifier,
    policy: Policy,
    articles: HashMap<String, ArticleProfile>,
    /// Every registered article together.
    site: ArticleProfile,
    /// Each article's approved comments.
    threads: HashMap<String, Thread>,
    /// Each commenter's latest comments under each article, kept only for
    /// a model trained with context features.
    authors: history::AuthorHistory,
    detector: DuplicateDetector,
    hold_words: HashSet<String>,
    block_words: HashSet<String>,
    /// Document frequency of word features in the model's spam and abuse
    /// training data, and the number of those documents.
    background: HashMap<u64, f32>,
    background_docs: f64,
}

impl Default for Moderator {
    /// The embedded default model, the default policy and duplicate settings.
    fn default() -> Self {
        Moderator::new(Classifier::default(), Policy::default()).expect("default policy is valid")
    }
}

impl Moderator {
    /// A moderator with this classifier and policy.
    pub fn new(classifier: Classifier, policy: Policy) -> Result<Self> {
        Self::with_detector(classifier, policy, DuplicateParams::default().build()?)
    }

    /// The duplicate detector, with every comment moderated so far.
    pub fn detector(&self) -> &DuplicateDetector {
        &self.detector
    }

    /// A moderator with this classifier, policy and duplicate detector.
    pub fn with_detector(
        classifier: Classifier,
        policy: Policy,
        detector: DuplicateDetector,
    ) -> Result<Self> {
        policy.check(classifier.model())?;
        let words = |ws: &[String]| -> HashSet<String> {
            ws.iter().map(|w| normalize(w).into_text()).collect()
        };
        let (background, background_docs) = background(classifier.model());
        Ok(Moderator {
            background,
            background_docs,
            hold_words: words(&policy.hold_words),
            block_words: words(&policy.block_words),
            classifier,
            policy,
            articles: HashMap::new(),
            site: ArticleProfile::default(),
            threads: HashMap::new(),
            authors: history::AuthorHistory::default(),
            detector,
        })
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The classifier (with every correction learned so far).
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// Registers an article; comments with this `article_id` are judged
    /// against it.
    pub fn add_article(&mut self, id: &str, title: &str, body: &str) {
        let tk = &self.classifier.model().extractor().tokenizer;
        let profile = ArticleProfile::new(tk, title, body);
        if self.articles.insert(id.to_string(), profile).is_some() {
            // Re-registered: the site is rebuilt from the current articles.
            self.rebuild_site();
        } else {
            self.site.absorb(&self.articles[id]);
        }
    }

    /// Forgets article `id` once its comments are closed: its profile, its
    /// thread and its authors' remembered comments. Comments still posted
    /// under it are then judged as comments without a known article. The
    /// duplicate detector keeps what it has indexed.
    pub fn close_article(&mut self, id: &str) {
        if self.articles.remove(id).is_some() {
            self.rebuild_site();
        }
        self.threads.remove(id);
        self.authors.remove_article(id);
    }

    /// The site's profile from the registered articles.
    fn rebuild_site(&mut self) {
        self.site = ArticleProfile::default();
        for a in self.articles.values() {
            self.site.absorb(a);
        }
    }

    /// Relevance of `text` to article `article_id` in (0, 1): 0.5 where the
    /// evidence that it speaks of the article (or of `context`, the comment
    /// it replies to, when that one is on-topic) reaches the threshold; see
    /// [`relevance`]. `None` when the article is unknown or the text has too
    /// few content words.
    pub fn relevance(&self, article_id: &str, text: &str, context: Option<&str>) -> Option<f64> {
        self.relevance_evidence(article_id, text, context)
            .map(|r| r.score)
    }

    /// [`Moderator::relevance`] with the words that gave evidence.
    pub fn relevance_evidence(
        &self,
        article_id: &str,
        text: &str,
        context: Option<&str>,
    ) -> Option<relevance::Relevance> {
        let article = self.articles.get(article_id)?;
        let tk = &self.classifier.model().extractor().tokenizer;
        let rate = |w: &str| self.background_rate(w);
        let thread = self.threads.get(article_id);
        let mut topic = relevance::Topic {
            article,
            context: None,
            thread: thread.map(|t| &t.words),
            thread_relevance: thread.and_then(Thread::relevance),
            site: &self.site,
        };
        // The replied-to comment lends its words only when it is on-topic
        // itself.
        let parent = context
            .filter(|c| {
                relevance::relevance(&content_words(tk, c, &rate), &topic)
                    .is_some_and(|r| r.score >= self.policy.on_topic_above)
            })
            .map(|c| ArticleProfile::new(tk, "", c));
        topic.context = parent.as_ref();
        relevance::relevance(&content_words(tk, text, &rate), &topic)
    }

    /// Replaces the background (general comment language; by default the
    /// model's training comments without the topic-labeled ones), e.g. with
    /// [`Background::from_texts`] of comments from elsewhere.
    pub fn set_background(&mut self, background: Background) {
        self.background = background.df;
        self.background_docs = background.docs;
    }

    /// The tokenizer relevance reads words with.
    pub fn tokenizer(&self) -> &crate::tokenize::Tokenizer {
        &self.classifier.model().extractor().tokenizer
    }

    /// Adds `text` to the thread of article `article_id`: its words then
    /// count as (weaker) evidence for later comments, and its relevance to
    /// the article joins the thread's mean, which short comments can take
    /// over ([`relevance::Topic::thread_relevance`]).
    /// [`Moderator::moderate`] does this for every comment it approves
    /// under a registered article.
    pub fn add_to_thread(&mut self, article_id: &str, text: &str) {
        let r = self.relevance(article_id, text, None);
        self.join_thread(article_id, text, r);
    }

    fn join_thread(&mut self, article_id: &str, text: &str, relevance: Option<f64>) {
        if self.articles.contains_key(article_id) {
            let tk = &self.classifier.model().extractor().tokenizer;
            let t = self.threads.entry(article_id.to_string()).or_default();
            t.words.add_text(tk, text);
            if let Some(r) = relevance {
                t.relevance_sum += r;
                t.scored += 1;
            }
        }
    }

    /// Share of comments in general (the model's spam and abuse training
    /// data) that use `word`, smoothed with [`BACKGROUND_PRIOR`] comments.
    /// A word's forms share a stem ("view", "views", "viewed"): the
    /// comments using any of them count (the forms' counts summed, an upper
    /// bound), so that an ordinary word with many forms ("include",
    /// "including") does not look rare.
    fn background_rate(&self, word: &str) -> f64 {
        let stem = relevance::stem(word);
        let mut forms: Vec<String> = [word, stem]
            .into_iter()
            .map(str::to_string)
            .chain(["s", "es", "ing", "ed", "y", "ies", "e"].map(|s| format!("{stem}{s}")))
            .collect();
        forms.sort();
        forms.dedup();
        let df: f64 = forms
            .iter()
            .filter_map(|w| self.background.get(&token_key(TokenKind::Word, w)))
            .map(|&n| n as f64)
            .sum();
        (df.min(self.background_docs) + BACKGROUND_PRIOR) / (self.background_docs + 1.0)
    }

    /// Moderates a comment and remembers it for duplicate checks.
    pub fn moderate(&mut self, comment: &Comment) -> Verdict {
        self.moderate_in_reply(comment, None)
    }

    /// Moderates a comment that replies to `parent` (its text counts as
    /// context for relevance), and remembers it for duplicate checks.
    pub fn moderate_in_reply(&mut self, comment: &Comment, parent: Option<&str>) -> Verdict {
        let dup = self.check_duplicate(comment);
        let mut reasons = Vec::new();
        if let Some(author) = &comment.author {
            if self.policy.trusted_authors.iter().any(|a| a == author) {
                reasons.push(VerdictReason {
                    rule: Rule::TrustedAuthor,
                    detail: author.clone(),
                    weight: 0.0,
                    span: None,
                });
                return Verdict {
                    action: Action::Approve,
                    label: Label::OnTopic,
                    scores: VerdictScores {
                        spam: 0.0,
                        abuse: 0.0,
                        toxicity: 0.0,
                        identity_attack: 0.0,
                        off_topic: 0.0,
                        duplicate: dup.as_ref().map_or(0.0, |d| d.similarity),
                    },
                    duplicate_of: dup.as_ref().map(DuplicateRef::from),
                    reasons,
                    toxic_spans: Vec::new(),
                };
            }
        }
        // A comment moderated as a reply to `parent` is a reply, whatever
        // its own `reply` says.
        let reply = comment.reply.or(parent.map(|_| true));
        let ctx = self.context(comment, parent);
        let c = self
            .classifier
            .classify_in_thread(&comment.text, ctx.as_deref(), reply);
        self.remember_author(comment);
        let relevance = comment
            .article_id
            .as_deref()
            .and_then(|a| self.relevance(a, &comment.text, parent));
        let mut action = Action::Approve;
        let mut raise = |a: Action| action = action.max(a);
        let p = &self.policy;
        let (hold_spam, reject_spam, hold_abuse, reject_abuse) =
            p.thresholds(self.classifier.model());
        let spam = c.scores.spam;
        let abuse = c.scores.abuse;
        let off_topic = relevance.map_or(c.scores.off_topic, |r| 1.0 - r);
        let mut label = c.label;
        if c.reasons.first().is_some_and(|r| r.head == "rule") {
            reasons.push(VerdictReason {
                rule: Rule::Empty,
                detail: c.reasons[0].token.to_string(),
                weight: 0.0,
                span: None,
            });
            raise(Action::Hold);
        }
        for (rule, prob, hold, reject) in [
            (Rule::Spam, spam, hold_spam, reject_spam),
            (Rule::Abuse, abuse, hold_abuse, reject_abuse),
        ] {
            if prob >= hold {
                raise(if prob >= reject {
                    Action::Reject
                } else {
                    Action::Hold
                });
                reasons.push(VerdictReason {
                    rule,
                    detail: format!("P({rule}) = {prob:.3}"),
                    weight: prob,
                    span: None,
                });
                push_token_reasons(&mut reasons, &c, rule);
            }
        }
        // Relevance overrides the classifier's off/on-topic call outside the
        // band [off_topic_below, on_topic_above); inside it, the classifier
        // decides.
        if let Some(r) = relevance {
            if r < p.off_topic_below && label == Label::OnTopic {
                label = Label::OffTopic;
            } else if r >= p.on_topic_above && label == Label::OffTopic {
                label = Label::OnTopic;
            }
        }
        if label == Label::OffTopic {
            raise(Action::Hold);
            reasons.push(VerdictReason {
                rule: Rule::OffTopic,
                detail: match relevance {
                    Some(r) => format!("relevance to the article {r:.2}"),
                    None => "no article; the classifier's off-topic share".into(),
                },
                weight: off_topic,
                span: None,
            });
        }
        self.word_rules(&comment.text, &mut reasons, &mut raise);
        if let Some(d) = &dup {
            let a = match p.duplicates {
                DuplicateAction::Reject => Action::Reject,
                DuplicateAction::Hold => Action::Hold,
                DuplicateAction::Allow => Action::Approve,
            };
            raise(a);
            reasons.push(VerdictReason {
                rule: Rule::Duplicate,
                detail: format!("{} of {}", d.kind.as_str(), d.of),
                weight: d.similarity,
                span: None,
            });
        }
        if action == Action::Approve {
            if let Some(a) = comment.article_id.as_deref() {
                self.join_thread(a, &comment.text, relevance);
            }
        }
        Verdict {
            action,
            label,
            scores: VerdictScores {
                spam,
                abuse,
                toxicity: c.scores.toxicity,
                identity_attack: c.scores.identity_attack,
                off_topic,
                duplicate: dup.as_ref().map_or(0.0, |d| d.similarity),
            },
            duplicate_of: dup.as_ref().map(DuplicateRef::from),
            reasons,
            toxic_spans: if label == Label::Abuse {
                c.toxic_spans
            } else {
                Vec::new()
            },
        }
    }

    /// The classifier's context for `comment` when the model was trained
    /// with context features: the comment it replies to and its author's
    /// earlier comments under the same article ([`AUTHOR_HISTORY`]). On the
    /// Fox News article folds the author's other comments raise the
    /// ROC-AUC of a context model (README, *Abuse: Fox News comments*).
    fn context(&self, comment: &Comment, parent: Option<&str>) -> Option<String> {
        if !self.classifier.model().features.context {
            return None;
        }
        let mut parts: Vec<&str> = parent.into_iter().collect();
        if let (Some(a), Some(t)) = (&comment.author, &comment.article_id) {
            parts.extend(self.authors.get(t, a));
        }
        (!parts.is_empty()).then(|| parts.join("\n"))
    }

    /// Keeps `comment` as context for its author's later comments under the
    /// same article ([`AUTHOR_HISTORY`]).
    fn remember_author(&mut self, comment: &Comment) {
        if !self.classifier.model().features.context {
            return;
        }
        if let (Some(a), Some(t)) = (&comment.author, &comment.article_id) {
            self.authors.push(t, a, &comment.text);
        }
    }

    fn check_duplicate(&mut self, comment: &Comment) -> Option<Duplicate> {
        let mut input = DupInput::new(&comment.id, &comment.text);
        if let Some(a) = comment.author.as_deref() {
            input = input.author(a);
        }
        if let Some(t) = comment.article_id.as_deref() {
            input = input.thread(t);
        }
        self.detector.check_and_insert(&input)
    }

    /// Link count, hold words and block words.
    fn word_rules(
        &self,
        text: &str,
        reasons: &mut Vec<VerdictReason>,
        raise: &mut impl FnMut(Action),
    ) {
        let tokens = self.classifier.model().extractor().tokenizer.tokenize(text);
        let links = tokens.iter().filter(|t| t.kind == TokenKind::Url).count();
        if links > self.policy.max_links {
            raise(Action::Hold);
            reasons.push(VerdictReason {
                rule: Rule::Links,
                detail: format!("{links} links, more than {}", self.policy.max_links),
                weight: links as f64,
                span: None,
            });
        }
        for t in tokens.iter().filter(|t| t.kind == TokenKind::Word) {
            for (set, rule, action) in [
                (&self.block_words, Rule::BlockWord, Action::Reject),
                (&self.hold_words, Rule::HoldWord, Action::Hold),
            ] {
                if set.contains(&t.text) {
                    raise(action);
                    reasons.push(VerdictReason {
                        rule,
                        detail: t.text.clone(),
                        weight: 1.0,
                        span: Some(t.span.clone()),
                    });
                }
            }
        }
    }

    fn learn(&mut self, comment: &Comment, head: usize, class: usize) -> bool {
        if self.policy.feedback == Feedback::OnError {
            let c = self.classifier.classify(comment);
            let p = if head == 0 {
                c.scores.spam
            } else {
                c.scores.abuse
            };
            let predicted = usize::from(p >= 0.5);
            if predicted == class {
                return false;
            }
        }
        self.classifier
            .learn_in_thread(head, &comment.text, comment.reply, class);
        true
    }

    /// A moderator's correction: this comment is spam. Returns whether the
    /// model was updated (with [`Feedback::OnError`], only when it was wrong).
    pub fn submit_spam(&mut self, comment: &Comment) -> bool {
        self.learn(comment, 0, 1)
    }

    /// A moderator's correction: this comment is not spam.
    pub fn submit_ham(&mut self, comment: &Comment) -> bool {
        self.learn(comment, 0, 0)
    }

    /// A moderator's correction: this comment is abusive.
    pub fn submit_abuse(&mut self, comment: &Comment) -> bool {
        self.learn(comment, 1, 1)
    }

    /// A moderator's correction: this comment is not abusive.
    pub fn submit_not_abuse(&mut self, comment: &Comment) -> bool {
        self.learn(comment, 1, 0)
    }

    /// Saves the model with every correction learned.
    pub fn save_model(&self, path: impl AsRef<Path>) -> Result<()> {
        self.classifier.save(path)
    }
}

/// Document frequencies of the attribute heads' features (presence
/// features count documents; an example that labels several attributes
/// counts once per head, so these approximate), without the examples that
/// carry a topic label.
///
/// Those examples (the label head's: comments hand-labeled on- or
/// off-topic under the site's own articles) speak of the very articles
/// relevance is measured against; counted as general comment language they
/// make an article's own words ("pakistan" under an article on Pakistan)
/// look common. They are subtracted: each trained the spam head, all but
/// the spam-labeled ones the toxicity head, and the on- and off-topic ones
/// the identity-attack head ([`Example::labeled`]). What remains is
/// comments from other sources (music videos, other news threads, tweets,
/// forums).
///
/// [`Example::labeled`]: crate::Example::labeled
fn background(model: &Model) -> (HashMap<u64, f32>, f64) {
    let mut df: HashMap<u64, f32> = HashMap::new();
    let mut docs = 0f64;
    for h in &model.heads {
        let c = h.n_classes();
        // How many times each class's examples were counted above.
        let times: Vec<f32> = if h.name == "label" {
            h.classes
                .iter()
                .map(|k| match k.as_str() {
                    "spam" => -1.0,
                    "abuse" => -2.0,
                    _ => -3.0,
                })
                .collect()
        } else {
            vec![1.0; c]
        };
        docs += h
            .class_counts
            .iter()
            .zip(&times)
            .map(|(&n, &t)| n as f64 * t as f64)
            .sum::<f64>();
        for (i, k) in h.keys.iter().enumerate() {
            let n: f32 = h.counts[i * c..(i + 1) * c]
                .iter()
                .zip(&times)
                .map(|(n, t)| n * t)
                .sum();
            *df.entry(*k).or_default() += n;
        }
    }
    for v in df.values_mut() {
        *v = v.max(0.0);
    }
    (df, docs.max(0.0))
}

fn push_token_reasons(reasons: &mut Vec<VerdictReason>, c: &Classification, rule: Rule) {
    for r in c.reasons.iter().filter(|r| r.head == rule.as_str()).take(3) {
        reasons.push(VerdictReason {
            rule,
            detail: r.token.to_string(),
            weight: r.weight,
            // The place in the thread is nowhere in the text.
            span: (!r.span.is_empty()).then(|| r.span.clone()),
        });
    }
}
