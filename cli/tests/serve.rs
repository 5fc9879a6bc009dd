//! The service end to end: the real binary on an ephemeral loopback port,
//! driven over HTTP as Coral, Perspective and Akismet clients drive it.

use dev_support::server as support;

use comment_sieve::serve::coral::sign;
use comment_sieve::serve::keys::digest;
use support::{scratch, Server};

const SPAM: &str = "Make $8586 in four weeks! http://LazyCash49.com";
const ON_TOPIC: &str = "In his testimony to Congress just before his retirement, Admiral Mullens stated that Pakistan actively supports terrorists. I don't think the situation has changed.";

fn bearer(k: &str) -> String {
    format!("Bearer {k}")
}

/// A server with one hashed key `k1` (and a rate-limited `slow`), Coral
/// secret `whsec`, and a short timeout.
fn keyed(name: &str) -> (Server, std::path::PathBuf) {
    let dir = scratch(name);
    let cfg = serde_json::json!({
        "api_keys": [
            {"name": "site", "sha256": hex(&digest("k1"))},
            {"name": "slow", "sha256": hex(&digest("k2")), "rate_per_second": 0.01, "burst": 1}
        ],
        "coral_secrets": ["whsec"],
        "timeout_ms": 700,
        "max_comment_bytes": 4096
    });
    let cfg_path = dir.join("config.json");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let s = Server::start(
        &[
            "--config",
            cfg_path.to_str().unwrap(),
            "--state",
            dir.join("state").to_str().unwrap(),
        ],
        &dir.join("log.txt"),
    );
    (s, dir)
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn classify_gives_the_label_record() {
    let dir = scratch("classify");
    let s = Server::start(&[], &dir.join("log.txt"));
    let rec = serde_json::json!({"id": "c1", "author": "a", "text": SPAM});
    let r = s.post_json("/v1/classify", &rec.to_string());
    assert_eq!(r.status, 200, "{}", r.text());
    let input = dir.join("in.jsonl");
    std::fs::write(&input, format!("{rec}\n")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_comment-sieve"))
        .args(["label", input.to_str().unwrap()])
        .output()
        .unwrap();
    let mut label: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    // The batch labeler also checks duplicates across its input.
    label.as_object_mut().unwrap().remove("duplicate_of");
    assert_eq!(r.json(), label);
    assert_eq!(r.json()["label"], "spam");

    let batch = serde_json::json!({"comments": [{"text": SPAM}, {"text": ON_TOPIC}]});
    let r = s.post_json("/v1/classify", &batch.to_string());
    let results = r.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["label"], "spam");
    let too_many: Vec<_> = (0..101)
        .map(|i| serde_json::json!({"text": format!("c{i}")}))
        .collect();
    let r = s.post_json(
        "/v1/classify",
        &serde_json::json!({"comments": too_many}).to_string(),
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("over the limit of 100"), "{}", r.text());
}

#[test]
fn moderate_uses_articles_and_remembers_duplicates() {
    let dir = scratch("moderate");
    let s = Server::start(&[], &dir.join("log.txt"));
    // The seed article the comment was posted under.
    let first = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/seed_articles.jsonl"
    ))
    .unwrap();
    let a: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let art = serde_json::json!({"title": a["title"], "body": a["body"]});
    let r = s.req("PUT", "/v1/articles/a1", &[], art.to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let c = serde_json::json!({"id": "c1", "text": ON_TOPIC, "article_id": "a1", "author": "kms"});
    let v = s.post_json("/v1/moderate", &c.to_string()).json();
    assert_eq!(v["action"], "approve", "{v}");
    assert_eq!(v["duplicate_of"], serde_json::Value::Null);
    let c2 = serde_json::json!({"id": "c2", "text": ON_TOPIC, "article_id": "a1", "author": "kms"});
    let v = s.post_json("/v1/moderate", &c2.to_string()).json();
    assert_eq!(v["duplicate_of"]["id"], "c1", "{v}");
    assert_ne!(v["action"], "approve");
    assert_eq!(s.req("DELETE", "/v1/articles/a1", &[], b"").status, 200);
    assert_eq!(s.req("DELETE", "/v1/articles/a1", &[], b"").status, 404);
}

#[test]
fn feedback_survives_a_kill_and_changes_scores() {
    let dir = scratch("restart");
    let state = dir.join("state");
    let args = ["--state", state.to_str().unwrap()];
    let text = "grandmother recipe walnut fudge squares";
    let s = Server::start(&args, &dir.join("log.txt"));
    let before = s
        .post_json(
            "/v1/classify",
            &serde_json::json!({"text": text}).to_string(),
        )
        .json()["scores"]["spam"]
        .as_f64()
        .unwrap();
    for i in 0..5 {
        let r = s.post_json(
            "/v1/feedback",
            &serde_json::json!({"text": text, "kind": "spam", "id": format!("f{i}")}).to_string(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["feedback_events"], i + 1);
    }
    let learned = s
        .post_json(
            "/v1/classify",
            &serde_json::json!({"text": text}).to_string(),
        )
        .json()["scores"]["spam"]
        .as_f64()
        .unwrap();
    assert_ne!(learned, before, "feedback did not change the model");
    let bad = s.post_json("/v1/feedback", r#"{"text":"x","kind":"eggs"}"#);
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("eggs"), "{}", bad.text());
    s.kill();
    let s = Server::start(&args, &dir.join("log.txt"));
    let m = s.req("GET", "/v1/model", &[], b"").json();
    assert_eq!(m["feedback_events"], 5, "{m}");
    let after = s
        .post_json(
            "/v1/classify",
            &serde_json::json!({"text": text}).to_string(),
        )
        .json()["scores"]["spam"]
        .as_f64()
        .unwrap();
    // The restarted model is the model before the kill.
    assert_eq!(
        after, learned,
        "spam score {before} -> {learned} -> {after}"
    );
}

#[test]
fn perspective_answers_coral_requests() {
    let (s, _dir) = keyed("perspective");
    // Coral's comments:analyze body, as perspective.ts builds it.
    let body = serde_json::json!({
        "comment": {"text": "You are a stupid idiot."},
        "doNotStore": true,
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["en"],
    });
    let r = s.post_json("/v1alpha1/comments:analyze?key=k1", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let score = &v["attributeScores"]["TOXICITY"]["summaryScore"];
    assert_eq!(score["type"], "PROBABILITY");
    let x = score["value"].as_f64().unwrap();
    assert!(x > 0.5 && x <= 1.0, "{v}");
    assert_eq!(v["languages"], serde_json::json!(["en"]));
    assert_eq!(v["detectedLanguages"], serde_json::json!(["en"]));
    assert!(v["attributeScores"]["TOXICITY"].get("spanScores").is_none());

    // Spans in code points, client token echoed, several attributes.
    let body = serde_json::json!({
        "comment": {"text": "Ça va? You are a stupid idiot."},
        "requestedAttributes": {"TOXICITY": {}, "SPAM": {}, "IDENTITY_ATTACK": {}},
        "spanAnnotations": true, "clientToken": "tok-1"
    });
    let v = s
        .post_json("/v1alpha1/comments:analyze?key=k1", &body.to_string())
        .json();
    assert_eq!(v["clientToken"], "tok-1");
    let spans = v["attributeScores"]["TOXICITY"]["spanScores"]
        .as_array()
        .unwrap();
    let text: Vec<char> = "Ça va? You are a stupid idiot.".chars().collect();
    let s0 = &spans.iter().find(|x| {
        let (b, e) = (
            x["begin"].as_u64().unwrap() as usize,
            x["end"].as_u64().unwrap() as usize,
        );
        text[b..e].iter().collect::<String>().contains("idiot")
    });
    assert!(s0.is_some(), "no span on the insult in code points: {v}");
    assert!(v["attributeScores"]["SPAM"]["summaryScore"]["value"].is_number());

    // An attribute the model lacks: Google's error shape, naming it.
    let body =
        serde_json::json!({"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}});
    let r = s.post_json("/v1alpha1/comments:analyze?key=k1", &body.to_string());
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["status"], "INVALID_ARGUMENT");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("FLIRTATION"));

    // Keys: missing 403, wrong 400 (as Google answers).
    assert_eq!(s.post_json("/v1alpha1/comments:analyze", "{}").status, 403);
    assert_eq!(
        s.post_json("/v1alpha1/comments:analyze?key=nope", "{}")
            .status,
        400
    );

    // Coral's comments:suggestscore body is durable feedback.
    let ctx = serde_json::json!({"url": "https://news.example/story?commentID=c9",
        "reply_to_id_Coral_comment_id": null, "Coral_comment_id": "c9"})
    .to_string();
    let body = serde_json::json!({
        "comment": {"text": "You are a stupid idiot."},
        "context": {"entries": [{"text": ctx}]},
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}},
        "languages": ["en"],
        "communityId": "Coral:https://news.example",
        "clientToken": "comment:c9",
    });
    let r = s.post_json("/v1alpha1/comments:suggestscore?key=k1", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["clientToken"], "comment:c9");
    let m = s
        .req("GET", "/v1/model", &[("authorization", &bearer("k1"))], b"")
        .json();
    assert_eq!(m["feedback_events"], 1);
}

fn coral_body(text: &str) -> String {
    // Coral serialises with JSON.stringify(body, null, 2).
    serde_json::to_string_pretty(&serde_json::json!({
        "action": "NEW",
        "comment": {"body": text, "parentID": null},
        "author": {"id": "u1", "role": "COMMENTER"},
        "story": {"id": "s1", "url": "https://news.example/s1"},
        "site": {"id": "site1"},
        "tenantID": "t1",
        "tenantDomain": "news.example"
    }))
    .unwrap()
}

#[test]
fn coral_signatures_are_checked() {
    let (s, _dir) = keyed("coral");
    let body = coral_body(SPAM);
    let sig = sign("whsec", body.as_bytes());
    let r = s.req(
        "POST",
        "/coral/v1/moderate",
        &[("x-coral-signature", &sig)],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(
        ["REJECTED", "SYSTEM_WITHHELD"].contains(&v["status"].as_str().unwrap()),
        "{v}"
    );
    assert_eq!(v["actions"][0]["reason"], "COMMENT_DETECTED_SPAM");
    // Rotation: an old secret's signature beside the current one.
    let both = format!("{},{sig}", sign("old-secret", body.as_bytes()));
    let body2 = coral_body("I agree with the article about the budget.");
    let sig2 = sign("whsec", body2.as_bytes());
    let r = s.req(
        "POST",
        "/coral/v1/moderate",
        &[(
            "x-coral-signature",
            &format!("{},{sig2}", sign("old", body2.as_bytes())),
        )],
        body2.as_bytes(),
    );
    assert_eq!(r.json()["status"], "NONE", "{}", r.text());
    let r = s.req(
        "POST",
        "/coral/v1/moderate",
        &[("x-coral-signature", &both)],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200);
    // One byte changed: 401, no verdict.
    let mut tampered = body.clone().into_bytes();
    let at = tampered.iter().position(|b| *b == b'$').unwrap();
    tampered[at] = b'#';
    let r = s.req(
        "POST",
        "/coral/v1/moderate",
        &[("x-coral-signature", &sig)],
        &tampered,
    );
    assert_eq!(r.status, 401);
    assert!(r.json().get("status").is_none());
    let r = s.req("POST", "/coral/v1/moderate", &[], body.as_bytes());
    assert_eq!(r.status, 401);
    let metrics = s.req("GET", "/metrics", &[], b"").text();
    assert!(
        metrics.contains("comment_sieve_coral_signature_failures_total 2"),
        "{metrics}"
    );
}

#[test]
fn akismet_protocol_with_host_keys() {
    let (s, _dir) = keyed("akismet");
    let form = |content: &str| {
        serde_urlencoded::to_string([
            ("blog", "https://news.example"),
            ("user_ip", "192.0.2.1"),
            ("comment_type", "comment"),
            ("comment_author", "john"),
            ("comment_content", content),
        ])
        .unwrap()
    };
    let h = [
        ("host", "k1.localhost"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let r = s.req("POST", "/1.1/comment-check", &h, form(SPAM).as_bytes());
    assert_eq!((r.status, r.text().as_str()), (200, "true"));
    let r = s.req("POST", "/1.1/comment-check", &h, form(ON_TOPIC).as_bytes());
    assert_eq!(r.text(), "false");
    let bad = [
        ("host", "zz.localhost"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let r = s.req("POST", "/1.1/comment-check", &bad, form(SPAM).as_bytes());
    assert_eq!(r.text(), "invalid");
    assert!(r.header("x-akismet-debug-help").is_some());
    let r = s.req(
        "POST",
        "/1.1/verify-key",
        &[],
        b"key=k1&blog=https://news.example",
    );
    assert_eq!(r.text(), "valid");
    let r = s.req(
        "POST",
        "/1.1/verify-key",
        &[],
        b"key=k9&blog=https://news.example",
    );
    assert_eq!(r.text(), "invalid");
    // is_test: acknowledged, not learned.
    let body = format!("{}&is_test=1", form(ON_TOPIC));
    let r = s.req("POST", "/1.1/submit-spam", &h, body.as_bytes());
    assert_eq!(r.text(), "Thanks for making the web a better place.");
    let m = s
        .req("GET", "/v1/model", &[("authorization", &bearer("k1"))], b"")
        .json();
    assert_eq!(m["feedback_events"], 0);
    let r = s.req("POST", "/1.1/submit-ham", &h, form(ON_TOPIC).as_bytes());
    assert_eq!(r.status, 200);
    let m = s
        .req("GET", "/v1/model", &[("authorization", &bearer("k1"))], b"")
        .json();
    assert_eq!(m["feedback_events"], 1);
}

/// The security table of the README: each case, its status, a log line,
/// and the server still up.
#[test]
fn security_cases_get_their_status_and_a_log_line() {
    let (mut s, _dir) = keyed("security");
    let ok = serde_json::json!({"text": "hello"}).to_string();
    let k = bearer("k1");
    let cases: Vec<(&str, u16, support::Resp)> = vec![
        ("missing key", 401, s.post_json("/v1/classify", &ok)),
        (
            "wrong key",
            401,
            s.req(
                "POST",
                "/v1/classify",
                &[("authorization", &bearer("nope"))],
                ok.as_bytes(),
            ),
        ),
        (
            "malformed JSON",
            400,
            s.req(
                "POST",
                "/v1/classify",
                &[("authorization", &k)],
                b"{\"text\": ",
            ),
        ),
        (
            "no text field",
            400,
            s.req(
                "POST",
                "/v1/classify",
                &[("authorization", &k)],
                b"{\"txt\": \"a\"}",
            ),
        ),
        (
            "oversized comment",
            413,
            s.req(
                "POST",
                "/v1/moderate",
                &[("authorization", &k)],
                serde_json::json!({"text": "a".repeat(5000)})
                    .to_string()
                    .as_bytes(),
            ),
        ),
        (
            "oversized body",
            413,
            s.req(
                "POST",
                "/v1/moderate",
                &[("authorization", &k)],
                &vec![b' '; 64 * 1024],
            ),
        ),
        (
            "malformed form",
            400,
            s.req(
                "POST",
                "/1.1/comment-check",
                &[("host", "k1.localhost")],
                b"blog=\xff\xfe&comment_content=x",
            ),
        ),
        ("unknown route", 404, s.req("GET", "/v2/nothing", &[], b"")),
    ];
    for (name, want, r) in &cases {
        assert_eq!(r.status, *want, "{name}: {}", r.text());
    }
    // Over a key's rate.
    let slow = bearer("k2");
    assert_eq!(
        s.req(
            "POST",
            "/v1/classify",
            &[("authorization", &slow)],
            ok.as_bytes()
        )
        .status,
        200
    );
    assert_eq!(
        s.req(
            "POST",
            "/v1/classify",
            &[("authorization", &slow)],
            ok.as_bytes()
        )
        .status,
        429
    );
    // A slow body (slowloris): headers, then a few bytes, then nothing.
    {
        use std::io::Write;
        let mut c = std::net::TcpStream::connect(s.addr).unwrap();
        write!(c, "POST /v1/classify HTTP/1.1\r\nhost: x\r\nauthorization: {k}\r\nconnection: close\r\ncontent-length: 100\r\n\r\n{{\"te").unwrap();
        let t = std::time::Instant::now();
        let r = support::read_response(&mut c);
        assert_eq!(r.status, 408, "{}", r.text());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
    assert!(s.alive());
    assert_eq!(s.req("GET", "/healthz", &[], b"").status, 200);
    let log = s.log_text();
    for status in ["401", "400", "413", "429", "408", "404"] {
        assert!(
            log.contains(&format!("status={status}")),
            "no log line for {status}:\n{log}"
        );
    }
    assert!(
        !log.contains("k1") && !log.contains("whsec"),
        "a key or secret in the log:\n{log}"
    );
    assert!(!log.contains("panicked"));
}

#[test]
fn refuses_to_listen_off_loopback_without_keys() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_comment-sieve"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a loopback address"), "{err}");
}

#[test]
fn health_metrics_and_openapi() {
    let dir = scratch("health");
    let s = Server::start(&[], &dir.join("log.txt"));
    assert_eq!(s.req("GET", "/readyz", &[], b"").status, 200);
    s.post_json(
        "/v1/moderate",
        &serde_json::json!({"text": SPAM}).to_string(),
    );
    let m = s.req("GET", "/metrics", &[], b"").text();
    assert!(
        m.contains("comment_sieve_requests_total{route=\"/v1/moderate\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(m.contains(
        "comment_sieve_request_duration_seconds_bucket{route=\"/v1/moderate\",le=\"+Inf\"} 1"
    ));
    assert!(m.contains("comment_sieve_decisions_total{action=\"hold\"}"));
    let doc = s.req("GET", "/openapi.json", &[], b"").json();
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc["paths"]["/v1/classify"]["post"].is_object());
}

/// Mutated bodies (byte flips, cuts, insertions of JSON and form
/// punctuation) through the decoders in-process and to every endpoint of a
/// running server: no panic, no 5xx, the server stays up.
#[test]
fn decoders_and_endpoints_survive_mutated_bodies() {
    use comment_sieve::serve::{akismet, coral, native, perspective};
    let seeds: Vec<(&str, String)> = vec![
        (
            "/v1/classify",
            serde_json::json!({"id": 1, "text": SPAM, "parent_id": 0}).to_string(),
        ),
        (
            "/v1/classify",
            serde_json::json!({"comments": [{"text": "a"}, {"text": ON_TOPIC}]}).to_string(),
        ),
        (
            "/v1/moderate",
            serde_json::json!({"text": "Ça va?", "article_id": "a", "parent_text": "x"})
                .to_string(),
        ),
        (
            "/v1/feedback",
            serde_json::json!({"text": "x", "kind": "spam", "parent_id": "0"}).to_string(),
        ),
        (
            "/v1alpha1/comments:analyze",
            serde_json::json!({"comment": {"text": "Ça va idiot", "type": "HTML"},
            "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.1}}, "spanAnnotations": true,
            "context": {"entries": [{"text": "c"}]}})
            .to_string(),
        ),
        (
            "/v1alpha1/comments:suggestscore",
            serde_json::json!({"comment": {"text": "x"},
            "attributeScores": {"SPAM": {"summaryScore": {"value": 0.9}}},
            "context": {"entries": [{"text": "{\"Coral_comment_id\":\"c\"}"}]}})
            .to_string(),
        ),
        (
            "/1.1/comment-check",
            "blog=b&comment_content=hi+%C3%A7a&comment_parent=3&is_test=1".to_string(),
        ),
        (
            "/1.1/submit-spam",
            "blog=b&comment_content=buy&permalink=p".to_string(),
        ),
        ("/coral/v1/moderate", coral_body("hello")),
    ];
    let dir = scratch("mutated");
    let mut s = Server::start(&["--coral-secret", "whsec"], &dir.join("log.txt"));
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let punct = b"{}[]\",:\\%&=+\x00\xff\xc3u";
    let mut sent = 0;
    for round in 0..1500 {
        let (path, seed) = &seeds[round % seeds.len()];
        let mut b = seed.clone().into_bytes();
        for _ in 0..1 + next() % 4 {
            let i = (next() as usize) % (b.len() + 1);
            match next() % 3 {
                0 if i < b.len() => b[i] = punct[(next() as usize) % punct.len()],
                1 => b.insert(i, punct[(next() as usize) % punct.len()]),
                _ => b.truncate(i.max(1)),
            }
        }
        let _ = native::decode_classify(&b, 100);
        let _ = native::decode_feedback(&b);
        let _ = perspective::decode_analyze(&b);
        let _ = perspective::decode_suggest(&b);
        let _ = akismet::decode_form(&b);
        let _ = coral::decode(&b);
        if round % 5 == 0 {
            let mut h = vec![("content-type", "application/json")];
            let sig = sign("whsec", &b);
            if path.starts_with("/coral") {
                h.push(("x-coral-signature", &sig));
            }
            let r = s.req("POST", path, &h, &b);
            assert!(
                r.status < 500,
                "{path} {:?} -> {} {}",
                String::from_utf8_lossy(&b),
                r.status,
                r.text()
            );
            sent += 1;
        }
    }
    assert!(sent >= 300);
    assert!(s.alive());
    assert!(!s.log_text().contains("panicked"));
}
