//! The review page over HTTP, against the real binary: login and session
//! cookies, CSRF refusals, escaping of hostile comment text, and a
//! decision reaching the model as feedback.

use dev_support::server as support;

use comment_sieve::serve::keys::digest;
use support::{scratch, Resp, Server};

const KEY: &str = "review-key-1";

/// The tags the page's templates write.
const TAGS: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "body",
    "header",
    "h1",
    "h2",
    "span",
    "div",
    "b",
    "form",
    "input",
    "label",
    "select",
    "option",
    "button",
    "p",
    "kbd",
    "main",
    "article",
    "a",
    "time",
    "bdi",
    "mark",
    "q",
    "ul",
    "li",
    "svg",
    "rect",
    "line",
    "text",
    "section",
    "figure",
    "figcaption",
];

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A server with one key and an article.
fn start(name: &str) -> Server {
    let dir = scratch(name);
    let cfg = serde_json::json!({
        "api_keys": [{"name": "moderators", "sha256": hex(&digest(KEY))}],
    });
    std::fs::write(dir.join("config.json"), cfg.to_string()).unwrap();
    let s = open(&dir);
    let r = api(
        &s,
        "PUT",
        "/v1/articles/bikes",
        &serde_json::json!({
            "title": "Council approves <b>bike</b> lanes",
            "body": "The city council voted to approve protected bike lanes on Main Street."
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s
}

/// A server on the state and config of folder `dir`.
fn open(dir: &std::path::Path) -> Server {
    let cfg_path = dir.join("config.json");
    Server::start(
        &[
            "--config",
            cfg_path.to_str().unwrap(),
            "--state",
            dir.join("state").to_str().unwrap(),
        ],
        &dir.join("log.txt"),
    )
}

fn api(s: &Server, method: &str, path: &str, body: &serde_json::Value) -> Resp {
    let auth = format!("Bearer {KEY}");
    s.req(
        method,
        path,
        &[
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

fn moderate(s: &Server, id: &str, text: &str) -> serde_json::Value {
    let r = api(
        s,
        "POST",
        "/v1/moderate",
        &serde_json::json!({"id": id, "text": text, "article_id": "bikes"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn feedback_events(s: &Server) -> u64 {
    let r = s.req(
        "GET",
        "/v1/model",
        &[("authorization", &format!("Bearer {KEY}"))],
        b"",
    );
    r.json()["feedback_events"].as_u64().unwrap()
}

/// The value of cookie `name` set by an answer.
fn set_cookie(r: &Resp, name: &str) -> Option<(String, String)> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            let value = v.strip_prefix(&format!("{name}="))?;
            Some((value.split(';').next().unwrap().to_string(), v.clone()))
        })
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(page: &str) -> String {
    let at = page
        .find(r#"name="csrf" value=""#)
        .unwrap_or_else(|| panic!("no CSRF field in {page}"));
    page[at + 19..at + 19 + 64].to_string()
}

/// Logs in with the key: the session cookie header and the page's CSRF
/// token.
fn login(s: &Server) -> (String, String) {
    let r = s.req("GET", "/review", &[], b"");
    assert_eq!(r.status, 200);
    assert!(r.text().contains(r#"name="key""#), "{}", r.text());
    let (login_cookie, _) = set_cookie(&r, "cs_login").expect("a login cookie");
    let form_csrf = csrf_of(&r.text());
    let cookie = format!("cs_login={login_cookie}");
    let form = |csrf: &str, key: &str| {
        serde_urlencoded::to_string([("csrf", csrf), ("key", key)]).unwrap()
    };
    let post = |cookie: &str, body: String| {
        s.req(
            "POST",
            "/review/login",
            &[
                ("cookie", cookie),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
    };
    // A wrong key, a missing form token, a form without its cookie.
    assert_eq!(post(&cookie, form(&form_csrf, "wrong")).status, 401);
    assert_eq!(post(&cookie, form("", KEY)).status, 403);
    assert_eq!(post("", form(&form_csrf, KEY)).status, 403);
    let r = post(&cookie, form(&form_csrf, KEY));
    assert_eq!(r.status, 303, "{}", r.text());
    let (token, header) = set_cookie(&r, "cs_review").expect("a session cookie");
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Strict"), "{header}");
    assert!(!header.contains(KEY));
    let session = format!("cs_review={token}");
    let page = s.req("GET", "/review", &[("cookie", &session)], b"");
    assert_eq!(page.status, 200);
    (session, csrf_of(&page.text()))
}

fn page(s: &Server, session: &str, query: &str) -> String {
    let r = s.req(
        "GET",
        &format!("/review{query}"),
        &[("cookie", session)],
        b"",
    );
    assert_eq!(r.status, 200);
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    r.text()
}

fn decide(s: &Server, cookie: &str, csrf: Option<&str>, id: &str, decision: &str) -> Resp {
    let mut f = vec![("id", id), ("decision", decision)];
    if let Some(c) = csrf {
        f.push(("csrf", c));
    }
    let body = serde_urlencoded::to_string(&f).unwrap();
    s.req(
        "POST",
        "/review/decide",
        &[
            ("cookie", cookie),
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "application/json"),
        ],
        body.as_bytes(),
    )
}

/// The queue ids shown on a page (`data-id` of each row).
fn ids(page: &str) -> Vec<String> {
    page.split(r#"data-id=""#)
        .skip(1)
        .map(|p| p[..p.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn hostile_text_is_shown_literally() {
    let s = start("review-escape");
    let hostile = [
        "<script>alert('pwned')</script> you idiot",
        "<img src=x onerror=alert(1)> what a moron",
        "<a href=\"javascript:alert(1)\">click</a> idiot",
        "javascript:alert(document.cookie) stupid idiot",
        "idiot \u{202E}gnp.exe\u{202C} moron \" ' & done",
    ];
    for (i, t) in hostile.iter().enumerate() {
        let v = moderate(&s, &format!("h{i}"), t);
        assert_eq!(v["action"], "hold", "{t}: {v}");
    }
    let (session, _) = login(&s);
    let html = page(&s, &session, "");
    assert_eq!(ids(&html).len(), hostile.len(), "{html}");
    // The only script is the page's own; no comment markup is live.
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert!(html.contains(r#"<script src="/review/app.js" defer></script>"#));
    for live in ["<img", "href=\"javascript", "<a href=\"javascript"] {
        assert!(!html.contains(live), "{live} in the page");
    }
    // Every tag is one the page's templates write: none comes from a
    // comment.
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(TAGS.contains(&name.as_str()), "tag <{name}> in the page");
    }
    // Attributes that run script appear only inside escaped text.
    for tag in html.split('<').skip(1) {
        let inside = &tag[..tag.find('>').unwrap_or(tag.len())];
        assert!(!inside.contains("onerror"), "live attribute in <{inside}>");
        assert!(!inside.contains("javascript:"), "live link in <{inside}>");
    }
    assert!(
        html.contains("&lt;script&gt;alert('pwned')&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;"));
    assert!(html.contains("javascript:alert(document.cookie)"));
    // The override is a visible marker, never the character itself.
    assert!(!html.contains('\u{202E}'));
    assert!(html.contains(r#"<span class="ctl" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>"#));
    assert!(html.contains("&quot; ' &amp; done"));
    // The article's title is escaped too.
    assert!(
        html.contains("Council approves &lt;b&gt;bike&lt;/b&gt; lanes"),
        "{html}"
    );
    // Highlights mark the exact words.
    assert!(
        html.contains(r#"<mark class="toxic">idiot</mark>"#),
        "{html}"
    );
}

#[test]
fn decisions_need_the_session_and_its_token_and_reach_feedback() {
    let s = start("review-decide");
    let v = moderate(&s, "a1", "You are an idiot and a moron, shut up.");
    assert_eq!(v["action"], "hold");
    moderate(&s, "a2", "Anyone who votes for this is a stupid idiot.");
    // Not held: not queued.
    let ok = moderate(
        &s,
        "a3",
        "The protected bike lanes on Main Street will make cycling safer.",
    );
    let (session, csrf) = login(&s);
    let html = page(&s, &session, "");
    let queued = ids(&html);
    let expected = if ok["action"] == "hold" { 3 } else { 2 };
    assert_eq!(queued.len(), expected, "{html}");
    let id = &queued[0];
    let before = feedback_events(&s);

    // No session, a wrong session, no token, a wrong token: 403, nothing
    // sent.
    assert_eq!(decide(&s, "", Some(&csrf), id, "reject").status, 403);
    let forged = format!("cs_review={}", "0".repeat(64));
    assert_eq!(decide(&s, &forged, Some(&csrf), id, "reject").status, 403);
    assert_eq!(decide(&s, &session, None, id, "reject").status, 403);
    let wrong = "f".repeat(64);
    assert_eq!(decide(&s, &session, Some(&wrong), id, "reject").status, 403);
    assert_eq!(feedback_events(&s), before);
    assert_eq!(ids(&page(&s, &session, "")).len(), queued.len());

    let r = decide(&s, &session, Some(&csrf), id, "reject");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["feedback_events"].as_u64(), Some(before + 1));
    assert_eq!(feedback_events(&s), before + 1);
    let after = ids(&page(&s, &session, ""));
    assert_eq!(after.len(), queued.len() - 1);
    assert!(!after.contains(id));
    // Decided once only.
    assert_eq!(decide(&s, &session, Some(&csrf), id, "approve").status, 409);
    assert_eq!(feedback_events(&s), before + 1);
    // The decided filter shows it with its decision.
    let decided = page(&s, &session, "?action=reject");
    assert_eq!(ids(&decided), vec![id.clone()]);
    assert!(decided.contains("Decided: <b>reject</b>"));

    // A plain form post (no script) is redirected back to the queue.
    let body = serde_urlencoded::to_string([
        ("id", after[0].as_str()),
        ("decision", "approve"),
        ("csrf", csrf.as_str()),
        ("back", "attribute=abuse"),
    ])
    .unwrap();
    let r = s.req(
        "POST",
        "/review/decide",
        &[
            ("cookie", &session),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/review?attribute=abuse"));
    assert_eq!(feedback_events(&s), before + 2);

    // Logging out ends the session.
    let body = format!("csrf={csrf}");
    let r = s.req(
        "POST",
        "/review/logout",
        &[
            ("cookie", &session),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303);
    let left = ids(&page(&s, &session, ""));
    assert!(left.is_empty(), "the login form, not the queue: {left:?}");
    assert_eq!(
        decide(&s, &session, Some(&csrf), &after[0], "spam").status,
        403
    );
}

#[test]
fn filters_select_rows() {
    let s = start("review-filter");
    moderate(&s, "f1", "You are an idiot and a moron, shut up.");
    moderate(
        &s,
        "f2",
        "Nice weather today, going to the beach with my cat.",
    );
    let (session, _) = login(&s);
    let all = ids(&page(&s, &session, ""));
    assert_eq!(all.len(), 2);
    // Newest first.
    assert!(all[0].parse::<i64>().unwrap() > all[1].parse::<i64>().unwrap());
    assert_eq!(ids(&page(&s, &session, "?attribute=abuse")).len(), 1);
    assert_eq!(ids(&page(&s, &session, "?attribute=off_topic")).len(), 1);
    assert_eq!(ids(&page(&s, &session, "?article=bikes")).len(), 2);
    assert_eq!(ids(&page(&s, &session, "?article=other")).len(), 0);
    assert_eq!(ids(&page(&s, &session, "?action=approve")).len(), 0);
    // The assets are served from the binary.
    let js = s.req("GET", "/review/app.js", &[], b"");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("keydown"));
    let css = s.req("GET", "/review/app.css", &[], b"");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
}

#[test]
fn an_answered_hold_survives_a_kill() {
    let s = start("review-kill");
    let v = moderate(&s, "k1", "You are an idiot and a moron, shut up.");
    assert_eq!(v["action"], "hold");
    let dir = s.log.parent().unwrap().to_path_buf();
    s.kill();
    let s = open(&dir);
    let (session, csrf) = login(&s);
    let html = page(&s, &session, "");
    let queued = ids(&html);
    assert_eq!(queued.len(), 1, "{html}");
    assert!(html.contains("Council approves &lt;b&gt;bike&lt;/b&gt; lanes"));
    let before = feedback_events(&s);
    let r = decide(&s, &session, Some(&csrf), &queued[0], "not_abuse");
    assert_eq!(r.status, 200, "{}", r.text());
    s.kill();
    // The decision and its feedback are both durable.
    let s = open(&dir);
    assert_eq!(feedback_events(&s), before + 1);
    let (session, _) = login(&s);
    assert!(ids(&page(&s, &session, "")).is_empty());
    assert_eq!(ids(&page(&s, &session, "?action=not_abuse")), queued);
}
