//! The review page's HTML (maud templates: every interpolated value is
//! escaped). The pages work without JavaScript: filters are a GET form,
//! each decision a POST form; `/review/app.js` adds keyboard shortcuts and
//! decides without reloading.

use maud::{html, Markup, DOCTYPE};
use serde_json::Value;

use super::queue::{Decision, Filter, Item, ATTRIBUTES};
use super::text::{highlighted, plain};

/// Scores shown as bars, in order.
const SCORES: &[&str] = &[
    "spam",
    "abuse",
    "toxicity",
    "identity_attack",
    "off_topic",
    "duplicate",
];

/// The page around `body`.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · comment-sieve" }
                link rel="stylesheet" href="/review/app.css";
                link rel="icon" href="/review/icon.svg" type="image/svg+xml";
                script src="/review/app.js" defer {}
            }
            body { (body) }
        }
    }
}

/// The login form; `open` when the server has no keys.
pub fn login(csrf: &str, error: Option<&str>) -> Markup {
    layout(
        "Log in",
        html! {
            main.login {
                h1 { "comment-sieve review" }
                p { "Enter one of this server's API keys to review held comments." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/review/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="key" { "API key" }
                    input #key type="password" name="key" autocomplete="current-password" required autofocus;
                    button type="submit" { "Log in" }
                }
            }
        },
    )
}

/// An error page (403 and the like) with a way back.
pub fn refusal(message: &str) -> Markup {
    layout(
        "Refused",
        html! {
            main.login {
                h1 { "Refused" }
                p.error role="alert" { (message) }
                p { a href="/review" { "Back to the review queue" } }
            }
        },
    )
}

/// One queue row with what the page shows beside it.
pub struct ItemView {
    /// The row.
    pub item: Item,
    /// Its verdict record, parsed.
    pub record: Value,
    /// Its article's title, when registered.
    pub title: Option<String>,
    /// The text of the comment it repeats, when still remembered.
    pub duplicate_text: Option<String>,
}

/// What the queue page shows.
pub struct QueueView {
    /// Who is logged in (a key's name, or `loopback`).
    pub who: String,
    /// The server has no keys: no login.
    pub open: bool,
    /// The session's CSRF token.
    pub csrf: String,
    /// The filter in force.
    pub filter: Filter,
    /// The filter as a query string (for the forms' way back).
    pub back: String,
    /// The rows.
    pub items: Vec<ItemView>,
    /// Comments waiting in all.
    pub pending: u64,
    /// Articles with waiting comments: (id, title).
    pub articles: Vec<(String, Option<String>)>,
    /// The dashboard's charts.
    pub dashboard: Markup,
}

fn score_bars(record: &Value) -> Markup {
    html! {
        ul.scores {
            @for name in SCORES {
                @if let Some(s) = record["scores"][*name].as_f64() {
                    li {
                        span.name { (name) }
                        svg.bar viewBox="0 0 100 8" preserveAspectRatio="none" role="img"
                            aria-label=(format!("{name} {s:.2}")) {
                            rect.track width="100" height="8" {}
                            rect class=(if s >= 0.5 { "fill high" } else { "fill low" }) width=(format!("{:.1}", s.clamp(0.0, 1.0) * 100.0)) height="8" {}
                        }
                        span.value { (format!("{s:.2}")) }
                    }
                }
            }
        }
    }
}

fn time(at: i64) -> String {
    let d = at.div_euclid(86_400);
    let s = at.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = d + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        s / 3600,
        s / 60 % 60
    )
}

fn item(v: &ItemView, csrf: &str, back: &str) -> Markup {
    let i = &v.item;
    let n = &i.new;
    let dup = &v.record["duplicate_of"];
    html! {
        article.item #(format!("c-{}", i.id)) tabindex="-1" data-id=(i.id) {
            header.meta {
                span.attr { "held for " b { (n.attribute) } }
                @if let Some(a) = &n.article_id {
                    " · " a.article href=(format!("/review?article={}", urlencode(a))) {
                        @match &v.title { Some(t) => (plain(t)), None => (plain(a)) }
                    }
                }
                @if let Some(a) = &n.author { " · " bdi.author { (plain(a)) } }
                " · " time { (time(n.at)) }
                @if !n.comment_id.is_empty() { " · " span.cid { "id " (plain(&n.comment_id)) } }
            }
            p.comment { (highlighted(&n.text, &v.record)) }
            @if let Some(id) = dup["id"].as_str() {
                p.dup {
                    "Repeats "
                    a href=(format!("/review?comment={}&action=all", urlencode(id))) { (plain(id)) }
                    " (" (dup["kind"].as_str().unwrap_or_default()) ", "
                    (format!("{:.2}", dup["similarity"].as_f64().unwrap_or_default())) ")"
                    @if let Some(t) = &v.duplicate_text { ": " q { (plain(t)) } }
                }
            }
            (score_bars(&v.record))
            @match &i.decision {
                Some(d) => p.decided { "Decided: " b { (d) } },
                None => form.decide method="post" action="/review/decide" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="id" value=(i.id);
                    input type="hidden" name="back" value=(back);
                    @for d in Decision::ALL {
                        button type="submit" name="decision" value=(d.as_str()) class=(d.as_str()) {
                            (d.caption())
                        }
                    }
                },
            }
        }
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q[1..].to_string())
        .unwrap_or_default()
}

fn select(name: &str, current: Option<&str>, options: &[(String, String)]) -> Markup {
    html! {
        select name=(name) id=(name) {
            @for (value, caption) in options {
                option value=(value) selected[current.unwrap_or_default() == value] { (caption) }
            }
        }
    }
}

fn filters(v: &QueueView) -> Markup {
    let f = &v.filter;
    let mut articles = vec![(String::new(), "every article".to_string())];
    articles.extend(
        v.articles
            .iter()
            .map(|(id, t)| (id.clone(), t.clone().unwrap_or_else(|| id.clone()))),
    );
    if let Some(a) = &f.article {
        if !articles.iter().any(|(id, _)| id == a) {
            articles.push((a.clone(), a.clone()));
        }
    }
    let mut attributes = vec![(String::new(), "every attribute".to_string())];
    attributes.extend(ATTRIBUTES.iter().map(|a| (a.to_string(), a.to_string())));
    let mut actions = vec![
        ("pending".to_string(), "waiting".to_string()),
        ("all".to_string(), "waiting and decided".to_string()),
    ];
    actions.extend(
        Decision::ALL
            .iter()
            .map(|d| (d.as_str().to_string(), format!("decided: {}", d.caption()))),
    );
    html! {
        form.filters method="get" action="/review" {
            label for="article" { "Article" } (select("article", f.article.as_deref(), &articles))
            label for="attribute" { "Held for" } (select("attribute", f.attribute.as_deref(), &attributes))
            label for="action" { "Action" } (select("action", f.action.as_deref().or(Some("pending")), &actions))
            @if let Some(c) = &f.comment { input type="hidden" name="comment" value=(c); }
            button type="submit" { "Filter" }
        }
    }
}

/// The queue page.
pub fn queue(v: &QueueView) -> Markup {
    layout(
        "Review",
        html! {
            header.top {
                h1 { "Review " span #pending.count { (v.pending) } " waiting" }
                div.who {
                    @if v.open {
                        span.open { "Development server: no API keys are configured, so the page is open on loopback without a login." }
                    } @else {
                        "Logged in as " b { (plain(&v.who)) }
                        form.logout method="post" action="/review/logout" {
                            input type="hidden" name="csrf" value=(v.csrf);
                            button type="submit" { "Log out" }
                        }
                    }
                }
            }
            (filters(v))
            p.keys { "Keys: " kbd { "j" } "/" kbd { "k" } " next/previous, " kbd { "a" } " approve, " kbd { "r" } " reject." }
            p #status.status role="status" {}
            main.queue {
                @if v.items.is_empty() { p.empty { "Nothing to review." } }
                @for i in &v.items { (item(i, &v.csrf, &v.back)) }
            }
            section.dashboard {
                h2 { "Dashboard" }
                (v.dashboard)
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_queries() {
        assert_eq!(time(0), "1970-01-01 00:00 UTC");
        assert_eq!(time(1_796_258_096), "2026-12-03 00:34 UTC");
        assert_eq!(urlencode("a b&c/é"), "a+b%26c%2F%C3%A9");
    }
}
