//! The moderation steps [`Moderator::moderate_in_reply`] runs, one
//! function per rule.
//!
//! Each rule looks at one thing (the author, the classifier's scores, the
//! relevance to the article, the words and links, the duplicate check)
//! and, when it fires, raises the comment's action and adds a reason
//! ([`Ruling::fire`]). The rules never see each other's outcome: the
//! strictest action wins whatever order they run in, and the order only
//! decides the order of the reasons, which the verdict records keep. So
//! adding a rule is adding a function here and a line in
//! `moderate_in_reply`.

use crate::analysis::Analysis;
use crate::classify::Comment;
use crate::dedup::{DupInput, Duplicate, DuplicateKind};
use crate::label::Label;
use crate::model::Thresholds;
use crate::tokenize::TokenKind;
use crate::verdict::Classification;

use super::{Action, DuplicateAction, DuplicateRef, Moderator, Policy};
use super::{Rule, Verdict, VerdictReason, VerdictScores};

/// The verdict being built: the strictest action so far and the reasons
/// of the rules that fired, in the order they fired.
#[derive(Debug)]
pub(super) struct Ruling {
    pub(super) action: Action,
    pub(super) reasons: Vec<VerdictReason>,
}

impl Default for Ruling {
    fn default() -> Self {
        Ruling {
            action: Action::Approve,
            reasons: Vec::new(),
        }
    }
}

impl Ruling {
    /// A rule fired: raise the action to at least `action` (never lower
    /// it) and keep the reason.
    fn fire(&mut self, action: Action, reason: VerdictReason) {
        self.action = self.action.max(action);
        self.reasons.push(reason);
    }

    /// A reason that changes no action (evidence behind one that did).
    fn explain(&mut self, reason: VerdictReason) {
        self.reasons.push(reason);
    }
}

/// A reason without a span.
fn reason(rule: Rule, detail: String, weight: f64) -> VerdictReason {
    VerdictReason {
        rule,
        detail,
        weight,
        span: None,
    }
}

impl Moderator {
    /// Checks `comment` against the earlier ones (of its author, in its
    /// thread, as the detector's scope says) and indexes it, so a later
    /// copy is caught; every comment is indexed, whatever its verdict.
    pub(super) fn check_duplicate(&mut self, comment: &Comment) -> Option<Duplicate> {
        let mut input = DupInput::new(&comment.id, &comment.text);
        if let Some(a) = comment.author.as_deref() {
            input = input.author(a);
        }
        if let Some(t) = comment.article_id.as_deref() {
            input = input.thread(t);
        }
        self.detector.check_and_insert(&input)
    }

    /// Rule `trusted_author`: an author the site trusts is approved without
    /// classification (scores 0), because the site has vouched for them;
    /// a duplicate is still reported, never acted on. `None` for anyone
    /// else.
    pub(super) fn trusted_author(
        &self,
        comment: &Comment,
        dup: Option<&Duplicate>,
    ) -> Option<Verdict> {
        let author = comment.author.as_ref()?;
        if !self.policy.trusted_authors.iter().any(|a| a == author) {
            return None;
        }
        Some(Verdict {
            action: Action::Approve,
            label: Label::OnTopic,
            scores: VerdictScores {
                spam: 0.0,
                abuse: 0.0,
                toxicity: 0.0,
                identity_attack: 0.0,
                off_topic: 0.0,
                duplicate: dup.map_or(0.0, |d| d.similarity),
            },
            duplicate_of: dup.map(DuplicateRef::from),
            reasons: vec![reason(Rule::TrustedAuthor, author.clone(), 0.0)],
            toxic_spans: Vec::new(),
        })
    }

    /// The classifier's context for `comment` when the model was trained
    /// with context features: the comment it replies to and its author's
    /// earlier comments under the same article
    /// ([`AUTHOR_HISTORY`](super::AUTHOR_HISTORY)). On the Fox News article
    /// folds the author's other comments raise the ROC-AUC of a context
    /// model (README, *Abuse: Fox News comments*).
    pub(super) fn context(&self, comment: &Comment, parent: Option<&str>) -> Option<String> {
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
    /// same article ([`AUTHOR_HISTORY`](super::AUTHOR_HISTORY)).
    pub(super) fn remember_author(&mut self, comment: &Comment) {
        if !self.classifier.model().features.context {
            return;
        }
        if let (Some(a), Some(t)) = (&comment.author, &comment.article_id) {
            self.authors.push(t, a, &comment.text);
        }
    }

    /// Rules `block_word` and `hold_word`: a word of the block list
    /// rejects, a word of the hold list holds, each occurrence a reason
    /// with its span, so the site's own lists apply whatever the model
    /// says. Both lists are matched on normalized tokens (case, accents,
    /// lookalike letters and obfuscations fold away), in text order.
    pub(super) fn listed_words(&self, text: &Analysis<'_>, ruling: &mut Ruling) {
        for t in text.tokens().filter(|t| t.kind == TokenKind::Word) {
            for (set, rule, action) in [
                (&self.block_words, Rule::BlockWord, Action::Reject),
                (&self.hold_words, Rule::HoldWord, Action::Hold),
            ] {
                if set.contains(t.text) {
                    ruling.fire(
                        action,
                        VerdictReason {
                            rule,
                            detail: t.text.to_string(),
                            weight: 1.0,
                            span: Some(text.original_span(t.span.clone())),
                        },
                    );
                }
            }
        }
    }
}

/// The label after relevance: relevance overrides the classifier's
/// off/on-topic call outside the band [`off_topic_below`,
/// `on_topic_above`), since it compares the comment with the very article
/// it is under; inside the band, and for spam and abuse, the classifier
/// decides.
///
/// [`off_topic_below`]: Policy::off_topic_below
pub(super) fn topic_label(label: Label, relevance: Option<f64>, policy: &Policy) -> Label {
    match relevance {
        Some(r) if r < policy.off_topic_below && label == Label::OnTopic => Label::OffTopic,
        Some(r) if r >= policy.on_topic_above && label == Label::OffTopic => Label::OnTopic,
        _ => label,
    }
}

/// Rule `empty`: a comment with nothing to judge (no text after
/// normalization, which the classifier gives a rule as its only reason) is
/// held: no score speaks for it, so a person decides.
pub(super) fn empty_comment(c: &Classification, ruling: &mut Ruling) {
    if let Some(r) = c.reasons.first().filter(|_| c.is_empty_comment()) {
        ruling.fire(Action::Hold, reason(Rule::Empty, r.token.to_string(), 0.0));
    }
}

/// Rule `spam`: hold from the spam hold threshold, reject from the reject
/// threshold; the reasons add the spam head's strongest tokens.
pub(super) fn spam(c: &Classification, t: &Thresholds, ruling: &mut Ruling) {
    attribute(
        Rule::Spam,
        c,
        c.scores.spam,
        t.spam_hold,
        t.spam_reject,
        ruling,
    );
}

/// Rule `abuse`: hold from the abuse hold threshold, reject from the
/// reject threshold, on the abusive score (the larger of toxicity and
/// identity attack); the reasons add the abuse heads' strongest tokens.
pub(super) fn abuse(c: &Classification, t: &Thresholds, ruling: &mut Ruling) {
    attribute(
        Rule::Abuse,
        c,
        c.scores.abuse,
        t.abuse_hold,
        t.abuse_reject,
        ruling,
    );
}

/// An attribute score `prob` against its hold and reject thresholds, and
/// up to three of the classifier's reasons from the head named like
/// `rule`, so a moderator's screen shows which words scored.
fn attribute(
    rule: Rule,
    c: &Classification,
    prob: f64,
    hold: f64,
    reject: f64,
    ruling: &mut Ruling,
) {
    if prob < hold {
        return;
    }
    let action = if prob >= reject {
        Action::Reject
    } else {
        Action::Hold
    };
    ruling.fire(action, reason(rule, format!("P({rule}) = {prob:.3}"), prob));
    for r in c.reasons.iter().filter(|r| r.head == rule.as_str()).take(3) {
        ruling.explain(VerdictReason {
            rule,
            detail: r.token.to_string(),
            weight: r.weight,
            // The place in the thread is nowhere in the text.
            span: (!r.span.is_empty()).then(|| r.span.clone()),
        });
    }
}

/// Rule `off_topic`: a comment labeled off-topic (after relevance,
/// [`topic_label`]) is held, never rejected: straying from the article
/// harms no one, and a person can tell an aside from a stray post.
/// `off_topic` is the verdict's off-topic score, the reason's weight.
pub(super) fn off_topic(label: Label, relevance: Option<f64>, off_topic: f64, ruling: &mut Ruling) {
    if label != Label::OffTopic {
        return;
    }
    let detail = match relevance {
        Some(r) => format!("relevance to the article {r:.2}"),
        None => "no article; the classifier's off-topic share".into(),
    };
    ruling.fire(Action::Hold, reason(Rule::OffTopic, detail, off_topic));
}

/// Rule `links`: more links than `max_links` holds the comment: a limit
/// the site sets whatever the spam score, so a link-laden post the model
/// has not learned to score still waits for a person.
pub(super) fn links(text: &Analysis<'_>, max_links: usize, ruling: &mut Ruling) {
    let links = text.tokens().filter(|t| t.kind == TokenKind::Url).count();
    if links > max_links {
        ruling.fire(
            Action::Hold,
            reason(
                Rule::Links,
                format!("{links} links, more than {max_links}"),
                links as f64,
            ),
        );
    }
}

/// Rule `duplicate`: a repeat of an earlier comment is rejected, held or
/// only reported, as the policy's [`DuplicateAction`] says: the site
/// decides how much repetition its threads take.
pub(super) fn duplicate(dup: Option<&Duplicate>, what: DuplicateAction, ruling: &mut Ruling) {
    let Some(d) = dup else {
        return;
    };
    let action = match what {
        DuplicateAction::Reject => Action::Reject,
        DuplicateAction::Hold => Action::Hold,
        DuplicateAction::Allow => Action::Approve,
    };
    ruling.fire(
        action,
        reason(
            Rule::Duplicate,
            format!("{} of {}", d.kind.as_str(), d.of),
            d.similarity,
        ),
    );
}

/// Rule `copied_link`: a copy (exact, near or partial) of another
/// author's comment that links to a host the original does not link to is
/// held and labeled spam. Pasting someone else's on-topic text and
/// appending a link is how comment spam borrows the look of a real
/// comment: the copied words pass the classifier, the copy does not
/// (comment labeling guides name it a sign of spam). A link the original
/// had too (`shared_links`) or a copy by the same author does not fire it.
/// Returns whether it fired.
pub(super) fn copied_link(
    comment: &Comment,
    dup: Option<&Duplicate>,
    text: &Analysis<'_>,
    ruling: &mut Ruling,
) -> bool {
    let Some(d) = dup else {
        return false;
    };
    let fires = comment.author.is_some()
        && !d.same_author
        && !d.shared_links
        && d.kind != DuplicateKind::Template
        && text.tokens().any(|t| t.kind == TokenKind::Url);
    if fires {
        ruling.fire(
            Action::Hold,
            reason(
                Rule::CopiedLink,
                format!("{} of {} with a link of its own", d.kind.as_str(), d.of),
                d.similarity,
            ),
        );
    }
    fires
}

/// The verdict from the rules' ruling, the label after relevance, the
/// classification and the duplicate found; toxic spans only for a comment
/// labeled abusive.
pub(super) fn verdict(
    ruling: Ruling,
    label: Label,
    c: Classification,
    off_topic: f64,
    dup: Option<&Duplicate>,
) -> Verdict {
    Verdict {
        action: ruling.action,
        label,
        scores: VerdictScores {
            spam: c.scores.spam,
            abuse: c.scores.abuse,
            toxicity: c.scores.toxicity,
            identity_attack: c.scores.identity_attack,
            off_topic,
            duplicate: dup.map_or(0.0, |d| d.similarity),
        },
        duplicate_of: dup.map(DuplicateRef::from),
        reasons: ruling.reasons,
        toxic_spans: if label == Label::Abuse {
            c.toxic_spans
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comment with no text left after normalization is held, its first
    /// reason the `empty` rule naming the classifier's rule.
    #[test]
    fn an_empty_comment_is_held() {
        let mut m = Moderator::default();
        for text in ["", " \n\t ", "\u{200B}"] {
            let v = m.moderate(&Comment::new("e", text));
            assert_eq!(v.action, Action::Hold, "{text:?}");
            let r = &v.reasons[0];
            assert_eq!((r.rule, r.detail.as_str()), (Rule::Empty, "empty comment"));
        }
        let v = m.moderate(&Comment::new("c", "A thoughtful note on the budget vote."));
        assert!(v.reasons.iter().all(|r| r.rule != Rule::Empty), "{v:?}");
    }

    /// A trusted author is approved unclassified, with a duplicate still
    /// reported.
    #[test]
    fn a_trusted_author_is_approved_unscored() {
        let policy = Policy {
            trusted_authors: vec!["editor".into()],
            ..Policy::default()
        };
        let mut m = Moderator::new(crate::Classifier::default(), policy).unwrap();
        let text = "Check out my channel and subscribe! Free followers at my page now!";
        let c = Comment::new("c1", text).with_author("editor");
        let v = m.moderate(&c);
        assert_eq!(v.action, Action::Approve);
        assert_eq!(v.reasons[0].rule, Rule::TrustedAuthor);
        assert_eq!(v.scores.spam, 0.0);
        let again = m.moderate(&Comment::new("c2", text).with_author("editor"));
        assert_eq!(again.action, Action::Approve);
        assert_eq!(again.duplicate_of.map(|d| d.id), Some("c1".to_string()));
        let other = m.moderate(&Comment::new("c3", text).with_author("reader"));
        assert_ne!(other.action, Action::Approve, "{other:?}");
    }
}
