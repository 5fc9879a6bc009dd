//! The OpenAPI 3 description of the native API, served at
//! `/openapi.json`.

use serde_json::{json, Value};

/// The document.
pub fn document() -> Value {
    let comment = json!({
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "description": "The comment (at most max_comment_bytes, 64 KiB by default)."},
            "id": {"type": "string"},
            "author": {"type": "string"},
            "article_id": {"type": "string", "description": "A registered article: relevance is judged against it."},
            "parent_id": {"type": "string", "description": "The comment replied to (empty or \"0\": a thread starter)."},
            "parent_text": {"type": "string", "description": "The text of the comment replied to (moderate only)."}
        },
        "additionalProperties": true
    });
    let reason = json!({
        "type": "object",
        "properties": {
            "token": {"type": "string"}, "rule": {"type": "string"}, "detail": {"type": "string"},
            "weight": {"type": "number"},
            "span": {"type": ["array", "null"], "items": {"type": "integer"}, "description": "Byte range."},
            "chars": {"type": ["array", "null"], "items": {"type": "integer"}, "description": "Code-point range."}
        }
    });
    let scores = json!({"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}});
    let record = json!({
        "type": "object",
        "description": "The request's fields followed by the verdict's, as the label command writes them.",
        "required": ["label", "scores", "reasons", "toxic_spans"],
        "properties": {
            "label": {"type": "string", "enum": ["spam", "abuse", "off_topic", "on_topic"]},
            "scores": scores,
            "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
            "toxic_spans": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "action": {"type": "string", "enum": ["approve", "hold", "reject"]},
            "duplicate_of": {"type": ["object", "null"]}
        }
    });
    let err = json!({
        "type": "object",
        "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "integer"}, "message": {"type": "string"}}}}
    });
    let resp = |desc: &str, schema: &str| json!({"description": desc, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let errors = json!({
        "400": resp("Malformed body: the message names the field.", "Error"),
        "401": resp("Missing or wrong API key.", "Error"),
        "408": {"description": "The request (body included) took longer than the timeout."},
        "413": resp("Body or comment over the size limit.", "Error"),
        "429": resp("The key is over its rate limit.", "Error")
    });
    let with = |ok: Value| {
        let mut r = errors.clone();
        r["200"] = ok;
        r
    };
    let body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "comment-sieve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Moderates reader comments. Native API; Perspective- (/v1alpha1), Akismet- (/1.1) and Coral-compatible (/coral/v1/moderate) endpoints are described in docs/service.md."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Comment": comment, "Reason": reason, "Record": record, "Error": err}
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/classify": {"post": {
                "summary": "Scores one comment, or {\"comments\": [...]} up to max_batch (100).",
                "requestBody": body(json!({"oneOf": [
                    {"$ref": "#/components/schemas/Comment"},
                    {"type": "object", "required": ["comments"], "properties": {"comments": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}}}}
                ]})),
                "responses": with(json!({"description": "The record, or {\"results\": [records]}.", "content": {"application/json": {"schema": {"oneOf": [
                    {"$ref": "#/components/schemas/Record"},
                    {"type": "object", "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}}}
                ]}}}}))
            }},
            "/v1/moderate": {"post": {
                "summary": "A verdict with an action, using the article, the thread and the author's history; remembered for duplicate checks.",
                "requestBody": body(json!({"$ref": "#/components/schemas/Comment"})),
                "responses": with(resp("The verdict record with action and duplicate_of.", "Record"))
            }},
            "/v1/articles/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "put": {
                    "summary": "Registers (or replaces) an article for relevance; kept in the state.",
                    "requestBody": body(json!({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}, "body": {"type": "string"}}})),
                    "responses": with(json!({"description": "{\"id\": id}"}))
                },
                "delete": {
                    "summary": "Forgets an article.",
                    "responses": with(json!({"description": "{\"id\": id}"}))
                }
            },
            "/v1/feedback": {"post": {
                "summary": "A moderator's correction; answered once committed to the feedback log.",
                "requestBody": body(json!({"type": "object", "required": ["text", "kind"], "properties": {
                    "text": {"type": "string"},
                    "kind": {"type": "string", "enum": ["spam", "ham", "abuse", "not_abuse"]},
                    "id": {"type": "string"}, "author": {"type": "string"},
                    "article_id": {"type": "string"}, "parent_id": {"type": "string"}}})),
                "responses": with(json!({"description": "{\"seq\": row, \"feedback_events\": n}", "content": {"application/json": {"schema": {"type": "object", "properties": {"seq": {"type": "integer"}, "feedback_events": {"type": "integer"}}}}}}))
            }},
            "/v1/model": {"get": {
                "summary": "Model format version, heads, attributes, thresholds, training digest and feedback_events.",
                "responses": with(json!({"description": "The model's description."}))
            }},
            "/healthz": {"get": {"security": [], "summary": "The process is up.", "responses": {"200": {"description": "ok"}}}},
            "/readyz": {"get": {"security": [], "summary": "The state is reachable.", "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}}}},
            "/metrics": {"get": {"security": [], "summary": "Prometheus text format.", "responses": {"200": {"description": "metrics"}}}}
        }
    })
}
