//! Perspective-compatible endpoints: `POST /v1alpha1/comments:analyze`
//! and `POST /v1alpha1/comments:suggestscore`, key in `?key=`, request
//! and answer as Google's commentanalyzer v1alpha1 schema has them, errors
//! in Google's shape (`{"error":{"code","message","status"}}`).
//!
//! Coral sends `{"comment":{"text"},"doNotStore","requestedAttributes":
//! {"TOXICITY":{}},"languages":["en"]}` to analyze, and on a moderator's
//! decision a suggestscore with `attributeScores.TOXICITY.summaryScore.value`
//! 0 (approved) or 1 and its comment ids as JSON in `context.entries[0]`.
//! A suggestion is feedback: it takes the same durable path as
//! `/v1/feedback`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::http::{check_key, json, why};
use super::keys::KeyCheck;
use super::native::submit;
use super::state::App;
use super::store::{FeedbackEvent, FeedbackKind};
use crate::model::Model;
use crate::{Classification, Scores};

/// An attribute the model scores: its Perspective name, the model head
/// behind it, and its score.
pub type Attribute = (&'static str, &'static str, fn(&Scores) -> f64);

/// The attributes the model has (a head of that name).
pub fn attributes(model: &Model) -> Vec<Attribute> {
    let all: [Attribute; 4] = [
        ("TOXICITY", "toxicity", |s| s.toxicity),
        ("IDENTITY_ATTACK", "identity_attack", |s| s.identity_attack),
        ("SPAM", "spam", |s| s.spam),
        ("OFF_TOPIC", "label", |s| s.off_topic),
    ];
    all.into_iter()
        .filter(|a| model.head(a.1).is_some())
        .collect()
}

/// `comment` of a request.
#[derive(Debug, Default, Deserialize)]
pub struct TextEntry {
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// `PLAIN_TEXT` or `HTML`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `context` of a request.
#[derive(Debug, Default, Deserialize)]
pub struct Context {
    /// Context entries (Coral puts its comment ids in the first).
    #[serde(default)]
    pub entries: Vec<TextEntry>,
}

/// Per-attribute parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeParameters {
    /// Only `PROBABILITY`.
    #[serde(default)]
    pub score_type: Option<String>,
    /// Leave the attribute out below this score.
    #[serde(default)]
    pub score_threshold: Option<f64>,
}

/// `AnalyzeCommentRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeRequest {
    /// The comment.
    #[serde(default)]
    pub comment: Option<TextEntry>,
    /// Its context.
    #[serde(default)]
    pub context: Option<Context>,
    /// Attributes to score.
    #[serde(default)]
    pub requested_attributes: Option<BTreeMap<String, AttributeParameters>>,
    /// Whether to return span scores.
    #[serde(default)]
    pub span_annotations: Option<bool>,
    /// Languages of the comment.
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    /// Drop attributes the language lacks instead of failing.
    #[serde(default)]
    pub drop_unsupported_attributes: Option<bool>,
    /// Nothing is stored by analyze anyway.
    #[serde(default)]
    pub do_not_store: Option<bool>,
    /// Echoed back.
    #[serde(default)]
    pub client_token: Option<String>,
    /// Accepted, unused.
    #[serde(default)]
    pub session_id: Option<String>,
    /// Accepted, unused.
    #[serde(default)]
    pub community_id: Option<String>,
}

/// A summary score in a suggestion.
#[derive(Debug, Default, Deserialize)]
pub struct SuggestedScore {
    /// 0 to 1.
    #[serde(default)]
    pub value: Option<f64>,
}

/// Suggested scores of one attribute.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedAttribute {
    /// The whole comment's score.
    #[serde(default)]
    pub summary_score: Option<SuggestedScore>,
}

/// `SuggestCommentScoreRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestRequest {
    /// The comment.
    #[serde(default)]
    pub comment: Option<TextEntry>,
    /// Its context.
    #[serde(default)]
    pub context: Option<Context>,
    /// The suggested scores.
    #[serde(default)]
    pub attribute_scores: Option<BTreeMap<String, SuggestedAttribute>>,
    /// Languages.
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    /// Accepted, unused.
    #[serde(default)]
    pub community_id: Option<String>,
    /// Echoed back.
    #[serde(default)]
    pub client_token: Option<String>,
    /// Accepted, unused.
    #[serde(default)]
    pub session_id: Option<String>,
}

/// An error in Google's shape.
pub fn google_error(code: StatusCode, status: &str, message: impl Into<String>) -> Response {
    let message = message.into();
    let body = serde_json::json!({
        "error": {"code": code.as_u16(), "message": message, "status": status}
    });
    why(json(code, body.to_string()), message)
}

fn invalid(message: impl Into<String>) -> Response {
    google_error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
}

fn key_of(uri: &Uri) -> Option<String> {
    let q = uri.query()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).ok()?;
    pairs.into_iter().find(|(k, _)| k == "key").map(|(_, v)| v)
}

/// Google's answers for a missing (403), wrong (400) or rate-limited
/// (429) key.
fn auth(app: &App, uri: &Uri) -> Result<(), Response> {
    match check_key(app, key_of(uri).as_deref()) {
        KeyCheck::Open | KeyCheck::Valid(_) => Ok(()),
        KeyCheck::Missing => Err(google_error(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "The request is missing a valid API key.",
        )),
        KeyCheck::Invalid => Err(invalid("API key not valid. Please pass a valid API key.")),
        KeyCheck::Limited(_) => Err(google_error(
            StatusCode::TOO_MANY_REQUESTS,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for this API key.",
        )),
    }
}

/// The languages the model reads.
fn check_languages(langs: &Option<Vec<String>>, attr: &str) -> Result<(), String> {
    for l in langs.iter().flatten() {
        let base = l
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if base != "en" {
            return Err(format!(
                "Attribute {attr} does not support request languages: {l}"
            ));
        }
    }
    Ok(())
}

fn comment_text(c: &Option<TextEntry>, app: &App) -> Result<String, Response> {
    let text = c.as_ref().and_then(|c| c.text.clone()).unwrap_or_default();
    if text.is_empty() {
        return Err(invalid("Comment must be non-empty."));
    }
    if let Some(k) = c.as_ref().and_then(|c| c.kind.as_deref()) {
        if !["PLAIN_TEXT", "HTML", "TEXT_TYPE_UNSPECIFIED"].contains(&k) {
            return Err(invalid(format!(
                "Invalid value at 'comment.type' ({k}): expected PLAIN_TEXT, HTML or TEXT_TYPE_UNSPECIFIED"
            )));
        }
    }
    if text.len() > app.cfg.max_comment_bytes {
        return Err(invalid(format!(
            "Comment text was too many bytes: {} (limit {})",
            text.len(),
            app.cfg.max_comment_bytes
        )));
    }
    Ok(text)
}

/// Code points before byte `b` of `text` (clamped to a boundary).
fn chars_at(text: &str, b: usize) -> usize {
    let mut b = b.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text[..b].chars().count()
}

fn span_scores(attr: &Attribute, v: &Classification, text: &str, value: f64) -> serde_json::Value {
    // Toxic spans are in code points already; reason spans in bytes.
    let spans: Vec<(usize, usize)> = if attr.1 == "toxicity" {
        v.toxic_spans.iter().map(|r| (r.start, r.end)).collect()
    } else {
        v.reasons
            .iter()
            .filter(|r| r.head == attr.1 && !r.span.is_empty())
            .map(|r| (chars_at(text, r.span.start), chars_at(text, r.span.end)))
            .collect()
    };
    spans
        .iter()
        .map(|(begin, end)| {
            serde_json::json!({
                "begin": begin,
                "end": end,
                "score": {"value": value, "type": "PROBABILITY"},
            })
        })
        .collect()
}

/// Decodes an analyze body.
pub fn decode_analyze(body: &[u8]) -> Result<AnalyzeRequest, String> {
    serde_json::from_slice(body).map_err(|e| format!("Invalid JSON payload received. {e}"))
}

/// Decodes a suggestscore body.
pub fn decode_suggest(body: &[u8]) -> Result<SuggestRequest, String> {
    serde_json::from_slice(body).map_err(|e| format!("Invalid JSON payload received. {e}"))
}

/// `POST /v1alpha1/comments:analyze`.
pub async fn analyze(State(app): State<Arc<App>>, uri: Uri, body: Bytes) -> Response {
    if let Err(r) = auth(&app, &uri) {
        return r;
    }
    let req = match decode_analyze(&body) {
        Ok(r) => r,
        Err(e) => return invalid(e),
    };
    let text = match comment_text(&req.comment, &app) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let requested = req.requested_attributes.unwrap_or_default();
    if requested.is_empty() {
        return invalid("At least one requested attribute must be specified.");
    }
    let context: Option<String> = req.context.as_ref().map(|c| {
        c.entries
            .iter()
            .filter_map(|e| e.text.as_deref())
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (known, v) = app.read(|m| {
        let clf = m.classifier();
        let v = match context.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => clf.classify_in_context(&text, c),
            None => clf.classify_text(&text),
        };
        (attributes(clf.model()), v)
    });
    let spans = req.span_annotations.unwrap_or(false);
    let mut scores = serde_json::Map::new();
    for (name, params) in &requested {
        let Some(attr) = known.iter().find(|a| a.0 == name) else {
            if req.drop_unsupported_attributes == Some(true) {
                continue;
            }
            let names: Vec<&str> = known.iter().map(|a| a.0).collect();
            return invalid(format!(
                "Attribute {name} does not exist in this model; it has {}",
                names.join(", ")
            ));
        };
        if let Err(e) = check_languages(&req.languages, name) {
            return invalid(e);
        }
        if let Some(t) = params.score_type.as_deref() {
            if t != "PROBABILITY" {
                return invalid(format!(
                    "Attribute {name}: score type {t} is not supported; use PROBABILITY"
                ));
            }
        }
        let value = (attr.2)(&v.scores);
        if params.score_threshold.is_some_and(|t| value < t) {
            continue;
        }
        let mut entry = serde_json::Map::new();
        if spans {
            entry.insert("spanScores".into(), span_scores(attr, &v, &text, value));
        }
        entry.insert(
            "summaryScore".into(),
            serde_json::json!({"value": value, "type": "PROBABILITY"}),
        );
        scores.insert(name.clone(), entry.into());
    }
    let mut out = serde_json::json!({
        "attributeScores": scores,
        "languages": req.languages.clone().unwrap_or_else(|| vec!["en".into()]),
        "detectedLanguages": ["en"],
    });
    if let Some(t) = req.client_token {
        out["clientToken"] = t.into();
    }
    json(StatusCode::OK, out.to_string())
}

/// Coral's comment ids from `context.entries[0].text`: (id, parent id;
/// `""` for a thread starter).
fn coral_ids(c: &Option<Context>) -> (Option<String>, Option<String>) {
    #[derive(Deserialize)]
    struct Ids {
        #[serde(rename = "Coral_comment_id")]
        id: Option<String>,
        #[serde(rename = "reply_to_id_Coral_comment_id")]
        parent: Option<String>,
    }
    let Some(t) = c
        .as_ref()
        .and_then(|c| c.entries.first())
        .and_then(|e| e.text.as_deref())
    else {
        return (None, None);
    };
    match serde_json::from_str::<Ids>(t) {
        Ok(ids) if ids.id.is_some() => {
            let parent = Some(ids.parent.unwrap_or_default());
            (ids.id, parent)
        }
        _ => (None, None),
    }
}

/// `POST /v1alpha1/comments:suggestscore`: each suggested summary score
/// is a correction (0.5 and up: the comment has the attribute), committed
/// before the answer.
pub async fn suggest(State(app): State<Arc<App>>, uri: Uri, body: Bytes) -> Response {
    if let Err(r) = auth(&app, &uri) {
        return r;
    }
    let req = match decode_suggest(&body) {
        Ok(r) => r,
        Err(e) => return invalid(e),
    };
    let text = match comment_text(&req.comment, &app) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let suggested = req.attribute_scores.unwrap_or_default();
    if suggested.is_empty() {
        return invalid("attribute_scores must not be empty.");
    }
    let (id, parent_id) = coral_ids(&req.context);
    let mut kinds = Vec::new();
    for (name, s) in &suggested {
        let Some(value) = s.summary_score.as_ref().and_then(|s| s.value) else {
            return invalid(format!("Attribute {name}: summaryScore.value is required."));
        };
        if !(0.0..=1.0).contains(&value) {
            return invalid(format!(
                "Attribute {name}: summaryScore.value {value} is not in [0, 1]."
            ));
        }
        let yes = value >= 0.5;
        let kind = match name.as_str() {
            "TOXICITY" | "IDENTITY_ATTACK" if yes => FeedbackKind::Abuse,
            "TOXICITY" | "IDENTITY_ATTACK" => FeedbackKind::NotAbuse,
            "SPAM" if yes => FeedbackKind::Spam,
            "SPAM" => FeedbackKind::Ham,
            _ => {
                return invalid(format!(
                    "Attribute {name} takes no score suggestions; TOXICITY, IDENTITY_ATTACK and SPAM do"
                ))
            }
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if let Err(e) = check_languages(&req.languages, "TOXICITY") {
        return invalid(e);
    }
    for kind in kinds {
        let e = FeedbackEvent {
            kind,
            text: text.clone(),
            id: id.clone(),
            author: None,
            article_id: None,
            parent_id: parent_id.clone(),
            source: "perspective".into(),
        };
        if let Err(r) = submit(&app, e).await {
            return r;
        }
    }
    let mut out = serde_json::json!({
        "detectedLanguages": ["en"],
        "requestedLanguages": req.languages.unwrap_or_default(),
    });
    if let Some(t) = req.client_token {
        out["clientToken"] = t.into();
    }
    json(StatusCode::OK, out.to_string())
}
