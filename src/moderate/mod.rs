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
//! [`Moderator::submit_not_abuse`] update the model in place
//! ([`Model::learn`](crate::Model::learn)): the naive Bayes counts, and a
//! step of the logistic layer on that comment, so that the comment's score
//! moves toward the correction (never away) and repeated corrections carry
//! it across the threshold. [`Moderator::save_model`] keeps them.
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

//!
//! The module is split by mechanism: [`Policy`] and its validation
//! (`policy.rs`), the verdict types (`verdict.rs`), what relevance keeps
//! between comments (`background.rs`: general comment language, articles,
//! threads), the rules one function each (`steps.rs`), the authors'
//! remembered comments (`history.rs`) and the relevance measure itself
//! ([`relevance`]). This file is the [`Moderator`] and the order its rules
//! run in.

mod background;
mod history;
mod policy;
pub mod relevance;
mod steps;
mod verdict;

pub use background::Background;
pub use history::{AUTHOR_HISTORY, AUTHOR_HISTORY_BUDGET, AUTHOR_HISTORY_BYTES};
pub use policy::{DuplicateAction, Feedback, Policy};
pub use verdict::{Action, DuplicateRef, Rule, Verdict, VerdictReason, VerdictScores};

use std::collections::HashSet;
use std::path::Path;

use crate::analysis::Analysis;
use crate::classify::{Classifier, Comment};
use crate::dedup::{DuplicateDetector, DuplicateParams};
use crate::error::Result;
use crate::label::Label;
use crate::model::Correction;
use crate::normalize::normalize;

use background::Articles;
use steps::Ruling;

/// Applies a [`Policy`] with a classifier, article relevance and a
/// duplicate detector.
#[derive(Debug)]
pub struct Moderator {
    classifier: Classifier,
    policy: Policy,
    /// The registered articles, their threads, the site and the background.
    articles: Articles,
    /// Each commenter's latest comments under each article, kept only for
    /// a model trained with context features.
    authors: history::AuthorHistory,
    detector: DuplicateDetector,
    hold_words: HashSet<String>,
    block_words: HashSet<String>,
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
        policy.validate(classifier.model())?;
        let words = |ws: &[String]| -> HashSet<String> {
            ws.iter().map(|w| normalize(w).into_text()).collect()
        };
        Ok(Moderator {
            articles: Articles::new(Background::from_model(classifier.model())),
            hold_words: words(&policy.hold_words),
            block_words: words(&policy.block_words),
            classifier,
            policy,
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
        self.articles.add(tk, id, title, body);
    }

    /// Forgets article `id` once its comments are closed: its profile, its
    /// thread and its authors' remembered comments. Comments still posted
    /// under it are then judged as comments without a known article. The
    /// duplicate detector keeps what it has indexed.
    pub fn close_article(&mut self, id: &str) {
        self.articles.close(id);
        self.authors.remove_article(id);
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
        self.evidence_of(article_id, &Analysis::new(self.tokenizer(), text), context)
    }

    /// [`Moderator::relevance_evidence`] of a comment read already.
    fn evidence_of(
        &self,
        article_id: &str,
        comment: &Analysis<'_>,
        context: Option<&str>,
    ) -> Option<relevance::Relevance> {
        self.articles.relevance_evidence(
            self.tokenizer(),
            article_id,
            comment,
            context,
            self.policy.on_topic_above,
        )
    }

    /// Replaces the background (general comment language; by default the
    /// model's training comments without the topic-labeled ones), e.g. with
    /// [`Background::from_texts`] of comments from elsewhere.
    pub fn set_background(&mut self, background: Background) {
        self.articles.set_background(background);
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
        let comment = Analysis::new(self.tokenizer(), text);
        let r = self
            .evidence_of(article_id, &comment, None)
            .map(|r| r.score);
        self.articles.join_thread(article_id, &comment, r);
    }

    /// Moderates a comment and remembers it for duplicate checks.
    pub fn moderate(&mut self, comment: &Comment) -> Verdict {
        self.moderate_in_reply(comment, None)
    }

    /// Moderates a comment that replies to `parent` (its text counts as
    /// context for relevance), and remembers it for duplicate checks.
    ///
    /// The rules (each a function of `steps.rs`, whose documentation says
    /// why) run in this order: trusted author (which ends the checks),
    /// empty comment, spam, abuse, off-topic, links, block and hold words,
    /// duplicate, copied text with a link (which labels the comment spam).
    /// The reasons keep that order; the strictest action wins.
    pub fn moderate_in_reply(&mut self, comment: &Comment, parent: Option<&str>) -> Verdict {
        let dup = self.check_duplicate(comment);
        if let Some(v) = self.trusted_author(comment, dup.as_ref()) {
            return v;
        }
        // A comment moderated as a reply to `parent` is a reply, whatever
        // its own `reply` says.
        let reply = comment.reply.or(parent.map(|_| true));
        let ctx = self.context(comment, parent);
        // Read once; every step below reads these tokens.
        let text = Analysis::new(self.tokenizer(), &comment.text);
        let c = self
            .classifier
            .classify_analysis(&text, ctx.as_deref(), reply);
        self.remember_author(comment);
        let relevance = comment
            .article_id
            .as_deref()
            .and_then(|a| self.evidence_of(a, &text, parent))
            .map(|r| r.score);
        let t = self.policy.thresholds(self.classifier.model());
        let off_topic = relevance.map_or(c.scores.off_topic, |r| 1.0 - r);
        let label = steps::topic_label(c.label, relevance, &self.policy);

        let mut ruling = Ruling::default();
        steps::empty_comment(&c, &mut ruling);
        steps::spam(&c, &t, &mut ruling);
        steps::abuse(&c, &t, &mut ruling);
        steps::off_topic(label, relevance, off_topic, &mut ruling);
        steps::links(&text, self.policy.max_links, &mut ruling);
        self.listed_words(&text, &mut ruling);
        steps::duplicate(dup.as_ref(), self.policy.duplicates, &mut ruling);
        let label = if steps::copied_link(comment, dup.as_ref(), &text, &mut ruling) {
            Label::Spam
        } else {
            label
        };

        // An approved comment under a registered article joins its thread.
        if ruling.action == Action::Approve {
            if let Some(a) = comment.article_id.as_deref() {
                self.articles.join_thread(a, &text, relevance);
            }
        }
        steps::verdict(ruling, label, c, off_topic, dup.as_ref())
    }

    /// Whether the moderator got `comment` wrong, by `corrections` (which
    /// all say it is spam or not, or all abusive or not): it is spam (or
    /// abusive) when its score is at least the hold threshold this
    /// moderator acts on ([`Policy::thresholds`]: the model's unless the
    /// policy sets its own), as a moderation holds or rejects it.
    fn got_wrong(&self, comment: &Comment, corrections: &[Correction]) -> bool {
        let c = self.classifier.classify(comment);
        let t = self.policy.thresholds(self.classifier.model());
        corrections.iter().any(|k| match *k {
            Correction::Spam(y) => (c.scores.spam >= t.spam_hold) != y,
            Correction::Toxic(y) | Correction::IdentityAttack(y) => {
                (c.scores.abuse >= t.abuse_hold) != y
            }
            Correction::Label(_) => true,
        })
    }

    /// Learns `corrections` of `comment`, unless the policy trains on
    /// errors only and the moderator got it right.
    fn learn(&mut self, comment: &Comment, corrections: &[Correction]) -> bool {
        if self.policy.feedback == Feedback::OnError && !self.got_wrong(comment, corrections) {
            return false;
        }
        for &k in corrections {
            self.classifier
                .learn_in_thread(k, &comment.text, comment.reply);
        }
        true
    }

    /// A moderator's correction: this comment is spam. Returns whether the
    /// model was updated (with [`Feedback::OnError`], only when it was
    /// wrong: the spam score was below the hold threshold). The `spam`
    /// head learns it ([`Correction::Spam`]), so the comment's spam score
    /// does not go down.
    pub fn submit_spam(&mut self, comment: &Comment) -> bool {
        self.learn(comment, &[Correction::Spam(true)])
    }

    /// A moderator's correction: this comment is not spam (wrong, for
    /// [`Feedback::OnError`], when its spam score reached the hold
    /// threshold). Its spam score does not go up.
    pub fn submit_ham(&mut self, comment: &Comment) -> bool {
        self.learn(comment, &[Correction::Spam(false)])
    }

    /// A moderator's correction: this comment is abusive (wrong, for
    /// [`Feedback::OnError`], when its abuse score was below the hold
    /// threshold). The `toxicity` head learns it; the abuse score, the
    /// larger of toxicity and identity attack, does not go down.
    pub fn submit_abuse(&mut self, comment: &Comment) -> bool {
        self.learn(comment, &[Correction::Toxic(true)])
    }

    /// A moderator's correction: this comment is not abusive (wrong, for
    /// [`Feedback::OnError`], when its abuse score reached the hold
    /// threshold). Not abusive is neither toxic nor an identity attack, so
    /// both heads learn it and the abuse score, the larger of the two, does
    /// not go up.
    pub fn submit_not_abuse(&mut self, comment: &Comment) -> bool {
        let both = [Correction::Toxic(false), Correction::IdentityAttack(false)];
        self.learn(comment, &both)
    }

    /// Saves the model with every correction learned.
    pub fn save_model(&self, path: impl AsRef<Path>) -> Result<()> {
        self.classifier.save(path)
    }
}
