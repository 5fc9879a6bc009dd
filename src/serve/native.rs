//! The native API under `/v1`: classify, moderate, articles, feedback and
//! the model's description. Records are those of the `label` command: the
//! request's fields, then the verdict's ([`crate::record`]).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::http::{blocking, error, json, native_auth, storage_error, too_long};
use super::state::App;
use super::store::{FeedbackEvent, FeedbackKind};
use crate::Comment;

/// Fields the verdict adds; a request field of the same name is replaced.
pub const ADDED_FIELDS: &[&str] = &[
    "label",
    "scores",
    "reasons",
    "toxic_spans",
    "duplicate_of",
    "action",
];

/// A JSON object's fields in request order, values unparsed.
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Fields, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = m.next_entry::<String, Box<RawValue>>()? {
                    v.push((k, x));
                }
                Ok(Fields(v))
            }
        }
        d.deserialize_map(V)
    }
}

impl Fields {
    /// The raw value of field `k` (the last one when repeated).
    pub fn get(&self, k: &str) -> Option<&RawValue> {
        self.0.iter().rev().find(|(n, _)| n == k).map(|(_, v)| &**v)
    }

    /// Field `k` as a string: a JSON string, or a number's digits; `None`
    /// when absent or null.
    pub fn string(&self, k: &str) -> Result<Option<String>, String> {
        let Some(raw) = self.get(k) else {
            return Ok(None);
        };
        match serde_json::from_str::<serde_json::Value>(raw.get()) {
            Ok(serde_json::Value::Null) => Ok(None),
            Ok(serde_json::Value::String(s)) => Ok(Some(s)),
            Ok(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
            _ => Err(format!("field `{k}` is not a string")),
        }
    }
}

/// One comment of a native request.
#[derive(Debug)]
pub struct NativeComment {
    /// The request's fields, for the record.
    pub fields: Fields,
    /// The comment.
    pub comment: Comment,
    /// The comment it replies to.
    pub parent_id: Option<String>,
    /// The text of the comment it replies to, when the client sends it.
    pub parent_text: Option<String>,
}

/// Reads a comment object: `text` (required), `id`, `author`,
/// `article_id`, `parent_id`, `parent_text`.
pub fn comment_from(fields: Fields) -> Result<NativeComment, String> {
    let text = fields
        .string("text")?
        .ok_or_else(|| "no field `text`".to_string())?;
    let mut comment = Comment::new(fields.string("id")?.unwrap_or_default(), text);
    comment.author = fields.string("author")?;
    comment.article_id = fields.string("article_id")?;
    let parent_id = fields.string("parent_id")?;
    if fields.get("parent_id").is_some() {
        comment.reply = Some(
            parent_id
                .as_deref()
                .is_some_and(|p| !p.is_empty() && p != "0"),
        );
    }
    let parent_text = fields.string("parent_text")?;
    Ok(NativeComment {
        fields,
        comment,
        parent_id,
        parent_text,
    })
}

/// A `/v1/classify` body: one comment object, or `{"comments":[…]}`.
#[derive(Debug)]
pub enum ClassifyInput {
    /// One comment; the answer is its record.
    One(NativeComment),
    /// Several; the answer is `{"results":[…]}`.
    Many(Vec<NativeComment>),
}

/// Decodes a `/v1/classify` body (at most `max_batch` comments).
pub fn decode_classify(body: &[u8], max_batch: usize) -> Result<ClassifyInput, String> {
    let fields: Fields = parse(body)?;
    if fields.get("text").is_none() {
        if let Some(raw) = fields.get("comments") {
            let list: Vec<Fields> = serde_json::from_str(raw.get())
                .map_err(|e| format!("field `comments` is not an array of objects: {e}"))?;
            if list.len() > max_batch {
                return Err(format!(
                    "{} comments in one request, over the limit of {max_batch}",
                    list.len()
                ));
            }
            return list
                .into_iter()
                .enumerate()
                .map(|(i, f)| comment_from(f).map_err(|e| format!("comments[{i}]: {e}")))
                .collect::<Result<_, _>>()
                .map(ClassifyInput::Many);
        }
    }
    comment_from(fields).map(ClassifyInput::One)
}

/// Parses a JSON body, with the position of an error.
pub fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
}

/// Starts a record with the request's fields (those the verdict adds left
/// out).
fn record_start(fields: &Fields) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.push(b'{');
    for (k, v) in &fields.0 {
        if !ADDED_FIELDS.contains(&k.as_str()) {
            crate::record::key(&mut out, k);
            out.extend_from_slice(v.get().as_bytes());
            out.push(b',');
        }
    }
    out
}

fn classify_record(app: &App, c: &NativeComment) -> Vec<u8> {
    let mut out = record_start(&c.fields);
    let v = app.read(|m| m.classifier().classify(&c.comment));
    crate::record::classification(&mut out, &v, &c.comment.text);
    out.push(b'}');
    out
}

fn bad(e: String) -> Response {
    error(StatusCode::BAD_REQUEST, e)
}

fn utf8(v: Vec<u8>) -> String {
    String::from_utf8(v).expect("records are built from UTF-8 pieces")
}

/// `POST /v1/classify`.
pub async fn classify(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = native_auth(&app, &h) {
        return r;
    }
    match decode_classify(&body, app.cfg.max_batch) {
        Err(e) => bad(e),
        Ok(ClassifyInput::One(c)) => {
            if let Some(r) = too_long(&app, &c.comment.text) {
                return r;
            }
            json(StatusCode::OK, utf8(classify_record(&app, &c)))
        }
        Ok(ClassifyInput::Many(cs)) => {
            let mut out = b"{\"results\":[".to_vec();
            for (i, c) in cs.iter().enumerate() {
                if let Some(r) = too_long(&app, &c.comment.text) {
                    return r;
                }
                if i > 0 {
                    out.push(b',');
                }
                out.extend(classify_record(&app, c));
            }
            out.extend_from_slice(b"]}");
            json(StatusCode::OK, utf8(out))
        }
    }
}

/// `POST /v1/moderate`.
pub async fn moderate(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = native_auth(&app, &h) {
        return r;
    }
    let c = match parse::<Fields>(&body).and_then(comment_from) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    if let Some(r) = too_long(&app, &c.comment.text) {
        return r;
    }
    let v = app.moderate(
        &c.comment,
        c.parent_id.as_deref(),
        c.parent_text.as_deref(),
        true,
    );
    let mut out = record_start(&c.fields);
    crate::record::verdict(&mut out, &v, &c.comment.text);
    out.extend_from_slice(b",\"duplicate_of\":");
    serde_json::to_writer(&mut out, &v.duplicate_of).expect("writing to a Vec cannot fail");
    out.push(b'}');
    let record = utf8(out);
    if let Err(r) = super::review::queue::hold(&app, &c.comment, &v, "native").await {
        return r;
    }
    if app.cfg.keep_decisions {
        let (a, id, r) = (app.clone(), c.comment.id.clone(), record.clone());
        let action = serde_json::to_value(v.action)
            .ok()
            .and_then(|x| x.as_str().map(String::from))
            .unwrap_or_default();
        if let Err(e) = blocking(move || a.keep_decision(&id, &action, &r)).await {
            return storage_error(&e);
        }
    }
    json(StatusCode::OK, record)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleBody {
    title: String,
    #[serde(default)]
    body: String,
}

/// `PUT /v1/articles/{id}`: `{"title":…, "body":…}`.
pub async fn put_article(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = native_auth(&app, &h) {
        return r;
    }
    let a: ArticleBody = match parse(&body) {
        Ok(a) => a,
        Err(e) => return bad(e),
    };
    let a2 = app.clone();
    let id2 = id.clone();
    match blocking(move || a2.put_article(&id2, &a.title, &a.body)).await {
        Ok(()) => json(StatusCode::OK, serde_json::json!({"id": id}).to_string()),
        Err(e) => storage_error(&e),
    }
}

/// `DELETE /v1/articles/{id}`.
pub async fn delete_article(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    h: HeaderMap,
) -> Response {
    if let Err(r) = native_auth(&app, &h) {
        return r;
    }
    let a2 = app.clone();
    let id2 = id.clone();
    match blocking(move || a2.delete_article(&id2)).await {
        Ok(true) => json(StatusCode::OK, serde_json::json!({"id": id}).to_string()),
        Ok(false) => error(StatusCode::NOT_FOUND, format!("no article {id:?}")),
        Err(e) => storage_error(&e),
    }
}

/// Decodes a `/v1/feedback` body: `{"text", "kind", "id"?, "author"?,
/// "article_id"?, "parent_id"?}`.
pub fn decode_feedback(body: &[u8]) -> Result<FeedbackEvent, String> {
    let f: Fields = parse(body)?;
    let kind = f
        .string("kind")?
        .ok_or_else(|| "no field `kind` (spam, ham, abuse or not_abuse)".to_string())?;
    let kind = FeedbackKind::parse(&kind).ok_or_else(|| {
        format!("field `kind` is {kind:?}; expected spam, ham, abuse or not_abuse")
    })?;
    Ok(FeedbackEvent {
        kind,
        text: f
            .string("text")?
            .ok_or_else(|| "no field `text`".to_string())?,
        id: f.string("id")?,
        author: f.string("author")?,
        article_id: f.string("article_id")?,
        parent_id: f.string("parent_id")?,
        source: "native".into(),
    })
}

/// Logs, commits and applies a feedback event; the answer once committed.
pub async fn submit(app: &Arc<App>, e: FeedbackEvent) -> Result<(i64, u64), Response> {
    if let Some(r) = too_long(app, &e.text) {
        return Err(r);
    }
    let a = app.clone();
    blocking(move || a.submit_feedback(&e))
        .await
        .map_err(|e| storage_error(&e))
}

/// `POST /v1/feedback`: answered once the event is committed.
pub async fn feedback(State(app): State<Arc<App>>, h: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = native_auth(&app, &h) {
        return r;
    }
    let e = match decode_feedback(&body) {
        Ok(e) => e,
        Err(e) => return bad(e),
    };
    match submit(&app, e).await {
        Ok((seq, n)) => json(
            StatusCode::OK,
            serde_json::json!({"seq": seq, "feedback_events": n}).to_string(),
        ),
        Err(r) => r,
    }
}

/// `GET /v1/model`.
pub async fn model(State(app): State<Arc<App>>, h: HeaderMap) -> Response {
    if let Err(r) = native_auth(&app, &h) {
        return r;
    }
    let doc = app.read(|m| {
        let model = m.classifier().model();
        let heads: Vec<_> = model
            .heads
            .iter()
            .map(|h| {
                serde_json::json!({
                    "name": h.name,
                    "classes": h.classes,
                    "class_counts": h.class_counts,
                })
            })
            .collect();
        serde_json::json!({
            "format_version": crate::model::format::VERSION,
            "heads": heads,
            "attributes": super::perspective::attributes(model).iter().map(|a| a.0).collect::<Vec<_>>(),
            "thresholds": model.thresholds,
            "training": {
                "examples": model.provenance.examples,
                "digest": model.provenance.digest,
                "sources": model.provenance.sources,
            },
            "feedback_events": app.feedback_events(),
        })
    });
    json(StatusCode::OK, doc.to_string())
}
