//! Disqus XML exports as `label` input.
//!
//! A Disqus export (Admin > Moderation > Export) is one `<disqus>` element
//! holding `<category>` elements, then `<thread dsq:id="…">` (an article:
//! its `<link>` and `<title>`), then `<post dsq:id="…">` (a comment):
//!
//! ```xml
//! <post dsq:id="4">
//!   <message><![CDATA[<p>Hello</p>]]></message>
//!   <createdAt>2013-10-11T06:51:33Z</createdAt>
//!   <isDeleted>false</isDeleted>
//!   <isSpam>false</isSpam>
//!   <author><name>Ann</name><username>ann</username></author>
//!   <thread dsq:id="2"/>
//!   <parent dsq:id="3"/>
//! </post>
//! ```
//!
//! The file is read as a stream of XML events (quick-xml): memory holds
//! one post and the threads' links and titles, not the document. Each
//! post becomes one JSON record, which `label` then reads like a JSONL
//! line, with these fields:
//!
//! | field | from |
//! |---|---|
//! | `id` | the post's `dsq:id` |
//! | `text` | `<message>` as plain text, see [`html`] |
//! | `author` | `<author><username>`, else `<author><name>`, else null |
//! | `author_name` | `<author><name>` or null |
//! | `article_id` | the `dsq:id` of the post's `<thread>` |
//! | `article_url`, `article_title` | that thread's `<link>` and `<title>`, null when the export does not declare it |
//! | `parent_id` | the `dsq:id` of `<parent>`, null for a thread starter |
//! | `created_at` | `<createdAt>` or null |
//! | `is_deleted`, `is_spam` | `<isDeleted>`, `<isSpam>` (absent: false) |
//!
//! Deleted and spam posts are labeled like the others and keep their
//! flags, so nothing is dropped and the flags can be compared with the
//! verdicts. E-mail and IP addresses are not copied.
//!
//! A post without a `dsq:id`, a `<message>` or a `<thread>`, or with an
//! `isDeleted`/`isSpam` that is not `true` or `false`, becomes an error
//! record naming the post. XML that does not parse ends the file with an
//! error record naming the line: the rest of the file is not read, as a
//! broken XML document has no reliable next post.

pub mod html;

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};

use comment_sieve::input::{RawData, RawRecord, RecordReader};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A reader over `inner` that counts the line ends it has handed out.
struct Lines<R> {
    inner: BufReader<R>,
    /// Line ends consumed so far.
    newlines: u64,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(n)
    }
}

impl<R: Read> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        let used = &self.inner.buffer()[..amt];
        self.newlines += used.iter().filter(|&&b| b == b'\n').count() as u64;
        self.inner.consume(amt);
    }
}

/// A thread (article) declared in the export.
struct Thread {
    link: Option<String>,
    title: Option<String>,
}

/// Posts of a Disqus export, each a JSON record ([`RawData::Line`]).
pub struct DisqusReader {
    xml: Reader<Lines<Box<dyn Read + Send>>>,
    buf: Vec<u8>,
    threads: HashMap<String, Thread>,
    max_bytes: usize,
    /// Inside the `<disqus>` element.
    in_root: bool,
    done: bool,
}

/// A post's fields as read.
#[derive(Default)]
struct Post {
    id: Option<String>,
    message: Option<String>,
    /// The message's length in bytes, counted past `max_bytes`.
    message_len: u64,
    created_at: Option<String>,
    is_deleted: Option<String>,
    is_spam: Option<String>,
    name: Option<String>,
    username: Option<String>,
    thread: Option<String>,
    parent: Option<String>,
}

/// Where text inside a post goes.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Message,
    CreatedAt,
    IsDeleted,
    IsSpam,
    Name,
    Username,
    Thread,
    Parent,
    Link,
    Title,
    None,
}

impl DisqusReader {
    /// Posts of the export in `inner`; a message longer than `max_bytes`
    /// yields a [`RawData::TooLong`] record.
    pub fn new(inner: Box<dyn Read + Send>, max_bytes: usize) -> Self {
        let lines = Lines {
            inner: BufReader::with_capacity(1 << 16, inner),
            newlines: 0,
        };
        let mut xml = Reader::from_reader(lines);
        xml.config_mut().trim_text(false);
        DisqusReader {
            xml,
            buf: Vec::new(),
            threads: HashMap::new(),
            max_bytes,
            in_root: false,
            done: false,
        }
    }

    /// The 1-based line the element just read started on.
    fn start_line(&self, e: &BytesStart) -> u64 {
        let inside = e.iter().filter(|&&b| b == b'\n').count() as u64;
        self.xml.get_ref().newlines + 1 - inside
    }

    fn line(&self) -> u64 {
        self.xml.get_ref().newlines + 1
    }

    /// An error record that ends the file.
    fn broken(&mut self, line: u64, reason: String) -> RawRecord {
        self.done = true;
        RawRecord {
            line,
            data: RawData::Invalid(reason),
        }
    }

    /// The next post, or `None` at the end.
    fn next_record(&mut self) -> Option<RawRecord> {
        loop {
            self.buf.clear();
            let ev = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => ev.into_owned(),
                Err(e) => {
                    let line = self.line();
                    return Some(self.broken(
                        line,
                        format!("invalid XML: {e}; the rest of the file is not read"),
                    ));
                }
            };
            match ev {
                Event::Eof if !self.in_root => {
                    return Some(
                        self.broken(1, "not a Disqus export: no <disqus> element".to_string()),
                    );
                }
                Event::Eof => {
                    self.done = true;
                    return None;
                }
                Event::Start(e) | Event::Empty(e) if !self.in_root => {
                    let name = e.local_name();
                    if name.as_ref() != b"disqus" {
                        let line = self.start_line(&e);
                        let shown = String::from_utf8_lossy(name.as_ref()).into_owned();
                        return Some(self.broken(
                            line,
                            format!(
                                "not a Disqus export: the root element is <{shown}>, not <disqus>"
                            ),
                        ));
                    }
                    self.in_root = true;
                }
                Event::End(_) => {
                    // The end of <disqus>: nothing after it counts.
                    self.done = true;
                    return None;
                }
                Event::Start(e) => {
                    let line = self.start_line(&e);
                    let res = match e.local_name().as_ref() {
                        b"post" => self.post(&e, line).map(Some),
                        b"thread" => self.thread(&e).map(|()| None),
                        _ => self.skip(&e).map(|()| None),
                    };
                    match res {
                        Ok(Some(rec)) => return Some(rec),
                        Ok(None) => {}
                        Err(reason) => {
                            let at = self.line();
                            return Some(self.broken(at, reason));
                        }
                    }
                }
                Event::Empty(e) if e.local_name().as_ref() == b"post" => {
                    let line = self.start_line(&e);
                    let id = dsq_id(&e).unwrap_or_default();
                    return Some(RawRecord {
                        line,
                        data: RawData::Invalid(format!("post dsq:id={id:?} has no <message>")),
                    });
                }
                _ => {}
            }
        }
    }

    /// Skips the element `e` was the start of.
    fn skip(&mut self, e: &BytesStart) -> Result<(), String> {
        let mut skipped = Vec::new();
        self.xml
            .read_to_end_into(e.name(), &mut skipped)
            .map(|_| ())
            .map_err(|err| format!("invalid XML: {err}; the rest of the file is not read"))
    }

    /// Reads a `<thread>` declaration.
    fn thread(&mut self, e: &BytesStart) -> Result<(), String> {
        let id = dsq_id(e);
        let mut t = Post::default();
        self.children(b"thread", &mut t, |path| match path {
            [b"link"] => Slot::Link,
            [b"title"] => Slot::Title,
            _ => Slot::None,
        })?;
        if let Some(id) = id {
            self.threads.insert(
                id,
                Thread {
                    link: t.name.filter(|s| !s.trim().is_empty()),
                    title: t.username.filter(|s| !s.trim().is_empty()),
                },
            );
        }
        Ok(())
    }

    /// Reads a `<post>` into a record.
    fn post(&mut self, e: &BytesStart, line: u64) -> Result<RawRecord, String> {
        let mut p = Post {
            id: dsq_id(e),
            ..Post::default()
        };
        self.children(b"post", &mut p, |path| match path {
            [b"message"] => Slot::Message,
            [b"createdAt"] => Slot::CreatedAt,
            [b"isDeleted"] => Slot::IsDeleted,
            [b"isSpam"] => Slot::IsSpam,
            [b"author", b"name"] => Slot::Name,
            [b"author", b"username"] => Slot::Username,
            [b"thread"] => Slot::Thread,
            [b"parent"] => Slot::Parent,
            _ => Slot::None,
        })?;
        let data = if p.message_len > self.max_bytes as u64 {
            RawData::TooLong(p.message_len)
        } else {
            match self.record(p) {
                Ok(json) => RawData::Line(json),
                Err(reason) => RawData::Invalid(reason),
            }
        };
        Ok(RawRecord { line, data })
    }

    /// Reads the children of the element `end` up to its end tag, text
    /// going to the slot `slot` gives for its path below the element
    /// (threads and parents: their `dsq:id` attribute).
    fn children(
        &mut self,
        end: &[u8],
        p: &mut Post,
        slot: impl Fn(&[&[u8]]) -> Slot,
    ) -> Result<(), String> {
        let mut path: Vec<Vec<u8>> = Vec::new();
        let max = self.max_bytes;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let ev = self
                .xml
                .read_event_into(&mut buf)
                .map_err(|e| format!("invalid XML: {e}; the rest of the file is not read"))?;
            let here = |path: &[Vec<u8>]| {
                let parts: Vec<&[u8]> = path.iter().map(|v| v.as_slice()).collect();
                slot(&parts)
            };
            match ev {
                ev @ (Event::Start(_) | Event::Empty(_)) => {
                    let empty = matches!(ev, Event::Empty(_));
                    let (Event::Start(e) | Event::Empty(e)) = ev else {
                        unreachable!("matched above")
                    };
                    path.push(e.local_name().as_ref().to_vec());
                    let s = here(&path);
                    if matches!(s, Slot::Thread | Slot::Parent) {
                        if let Some(id) = dsq_id(&e) {
                            *field(p, s) = Some(id);
                        }
                    } else if s == Slot::Message && p.message.is_none() {
                        p.message = Some(String::new());
                    }
                    if empty {
                        path.pop();
                    }
                }
                Event::End(e) => {
                    if path.is_empty() {
                        debug_assert_eq!(e.local_name().as_ref(), end);
                        return Ok(());
                    }
                    path.pop();
                }
                Event::Text(t) => {
                    let s = here(&path);
                    let text = t
                        .xml10_content()
                        .map_err(|e| format!("invalid text: {e}"))?;
                    append(p, s, &text, max);
                }
                Event::CData(t) => {
                    let s = here(&path);
                    let text = t
                        .xml10_content()
                        .map_err(|e| format!("invalid text: {e}"))?;
                    append(p, s, &text, max);
                }
                Event::GeneralRef(r) => {
                    let s = here(&path);
                    let name = r.decode().map_err(|e| format!("invalid text: {e}"))?;
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            // An HTML entity (`&nbsp;`): kept for the
                            // HTML decoding of the message.
                            None => format!("&{name};"),
                        },
                    };
                    append(p, s, &text, max);
                }
                Event::Eof => {
                    return Err(format!(
                        "invalid XML: the file ends inside <{}>; the rest of the file is not read",
                        String::from_utf8_lossy(end)
                    ))
                }
                _ => {}
            }
        }
    }

    /// The JSON record of a post, or what is wrong with it.
    fn record(&self, p: Post) -> Result<Vec<u8>, String> {
        let id =
            p.id.filter(|s| !s.trim().is_empty())
                .ok_or("post has no dsq:id attribute")?;
        let message = p
            .message
            .ok_or_else(|| format!("post dsq:id={id:?} has no <message>"))?;
        let article = p
            .thread
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("post dsq:id={id:?} has no <thread> reference"))?;
        let flag = |v: Option<String>, what: &str| match v.as_deref().map(str::trim) {
            None | Some("") | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => Err(format!(
                "post dsq:id={id:?}: <{what}> is {other:?}, not true or false"
            )),
        };
        let is_deleted = flag(p.is_deleted, "isDeleted")?;
        let is_spam = flag(p.is_spam, "isSpam")?;
        let trimmed = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let name = trimmed(p.name);
        let username = trimmed(p.username);
        let thread = self.threads.get(&article);
        let fields: [(&str, serde_json::Value); 11] = [
            ("id", id.into()),
            ("text", html::to_text(&message).into()),
            ("author", username.or_else(|| name.clone()).into()),
            ("author_name", name.into()),
            ("article_id", article.clone().into()),
            ("article_url", thread.and_then(|t| t.link.clone()).into()),
            ("article_title", thread.and_then(|t| t.title.clone()).into()),
            ("parent_id", trimmed(p.parent).into()),
            ("created_at", trimmed(p.created_at).into()),
            ("is_deleted", is_deleted.into()),
            ("is_spam", is_spam.into()),
        ];
        // Written field by field: the order above, whatever map type
        // serde_json was built with.
        let mut out = vec![b'{'];
        for (i, (k, v)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, k).expect("writing to a Vec cannot fail");
            out.push(b':');
            serde_json::to_writer(&mut out, v).expect("writing to a Vec cannot fail");
        }
        out.push(b'}');
        Ok(out)
    }
}

/// The field of `p` a slot fills (threads reuse `name` and `username`
/// for their link and title).
fn field(p: &mut Post, s: Slot) -> &mut Option<String> {
    match s {
        Slot::Message | Slot::None => &mut p.message,
        Slot::CreatedAt => &mut p.created_at,
        Slot::IsDeleted => &mut p.is_deleted,
        Slot::IsSpam => &mut p.is_spam,
        Slot::Name | Slot::Link => &mut p.name,
        Slot::Username | Slot::Title => &mut p.username,
        Slot::Thread => &mut p.thread,
        Slot::Parent => &mut p.parent,
    }
}

/// Appends text to a slot; the message keeps at most `max` bytes (one
/// more, to tell "too long"), counting the rest.
fn append(p: &mut Post, s: Slot, text: &str, max: usize) {
    match s {
        Slot::None => {}
        Slot::Message => {
            p.message_len += text.len() as u64;
            let m = p.message.get_or_insert_with(String::new);
            if m.len() <= max {
                m.push_str(text);
            }
        }
        // A thread or parent named by its text, not by `dsq:id`: the
        // text is the reference.
        Slot::Thread | Slot::Parent if field(p, s).is_some() => {}
        _ => field(p, s).get_or_insert_with(String::new).push_str(text),
    }
}

/// The `dsq:id` attribute of an element.
fn dsq_id(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == b"dsq:id")
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.trim().to_string())
        })
}

impl RecordReader for DisqusReader {
    fn read_batch(&mut self, max: usize, out: &mut Vec<RawRecord>) -> io::Result<()> {
        for _ in 0..max {
            if self.done {
                break;
            }
            match self.next_record() {
                Some(rec) => out.push(rec),
                None => break,
            }
        }
        Ok(())
    }
}

/// Whether content starting with `head` is a Disqus export: after an
/// optional byte-order mark and white space, `<?xml` or `<disqus`.
pub fn looks_like_disqus(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    head.starts_with(b"<?xml") || head.starts_with(b"<disqus")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Vec<RawRecord> {
        let mut r = DisqusReader::new(Box::new(io::Cursor::new(xml.as_bytes().to_vec())), 1000);
        let mut out = Vec::new();
        r.read_batch(100, &mut out).unwrap();
        out
    }

    fn json(rec: &RawRecord) -> serde_json::Value {
        match &rec.data {
            RawData::Line(b) => serde_json::from_slice(b).unwrap(),
            other => panic!("not a record: {other:?}"),
        }
    }

    const EXPORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <category dsq:id="1"><forum>f</forum><title>General</title></category>
  <thread dsq:id="7">
    <id>story-7</id><link>https://news.example/7</link><title>Bridge &amp; road</title>
  </thread>
  <post
     dsq:id="70">
    <id/>
    <message><![CDATA[<p>Hi &amp; bye</p>]]></message>
    <createdAt>2024-01-01T10:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>true</isSpam>
    <author><email>x@example.org</email><name>Ann R</name><isAnonymous>false</isAnonymous><username>ann</username></author>
    <ipAddress>192.0.2.1</ipAddress>
    <thread dsq:id="7"/>
  </post>
  <post dsq:id="71">
    <message>&lt;b&gt;plain&lt;/b&gt; &amp;amp; text&#33;</message>
    <author><name>Bob</name></author>
    <thread dsq:id="9"/>
    <parent dsq:id="70"/>
  </post>
</disqus>
"#;

    #[test]
    fn posts_become_records() {
        let recs = read(EXPORT);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].line, 7);
        let a = json(&recs[0]);
        assert_eq!(a["id"], "70");
        assert_eq!(a["text"], "Hi & bye");
        assert_eq!(a["author"], "ann");
        assert_eq!(a["author_name"], "Ann R");
        assert_eq!(a["article_id"], "7");
        assert_eq!(a["article_url"], "https://news.example/7");
        assert_eq!(a["article_title"], "Bridge & road");
        assert!(a["parent_id"].is_null());
        assert_eq!(a["is_spam"], true);
        assert_eq!(a["is_deleted"], false);
        assert!(!String::from_utf8_lossy(match &recs[0].data {
            RawData::Line(b) => b,
            _ => unreachable!(),
        })
        .contains("192.0.2.1"));
        let b = json(&recs[1]);
        assert_eq!(recs[1].line, 17);
        assert_eq!(b["text"], "plain & text!");
        assert_eq!(b["author"], "Bob");
        assert_eq!(b["parent_id"], "70");
        assert!(b["article_url"].is_null());
    }

    #[test]
    fn bad_posts_and_files_are_named() {
        let recs = read(
            r#"<disqus xmlns:dsq="d"><post dsq:id="1"><thread dsq:id="2"/></post>
<post><message>x</message><thread dsq:id="2"/></post>
<post dsq:id="3"><message>x</message><thread dsq:id="2"/><isSpam>maybe</isSpam></post>
<post dsq:id="4"/>
<post dsq:id="5"><message>ok</message><thread dsq:id="2"/></post>
<post dsq:id="6"><message>x</mess></post>
<post dsq:id="7"><message>never read</message><thread dsq:id="2"/></post>
</disqus>"#,
        );
        let reasons: Vec<String> = recs
            .iter()
            .map(|r| match &r.data {
                RawData::Invalid(m) => m.clone(),
                RawData::Line(_) => "ok".into(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(reasons.len(), 6, "{reasons:?}");
        assert_eq!(reasons[0], "post dsq:id=\"1\" has no <message>");
        assert_eq!(reasons[1], "post has no dsq:id attribute");
        assert!(
            reasons[2].contains("<isSpam> is \"maybe\""),
            "{}",
            reasons[2]
        );
        assert_eq!(reasons[3], "post dsq:id=\"4\" has no <message>");
        assert_eq!(reasons[4], "ok");
        assert!(reasons[5].starts_with("invalid XML"), "{}", reasons[5]);
        assert_eq!(
            recs.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
        let other = read("<?xml version=\"1.0\"?><rss></rss>");
        assert!(
            matches!(&other[0].data, RawData::Invalid(m) if m.contains("root element is <rss>"))
        );
        let long = read(&format!(
            "<disqus><post dsq:id=\"1\"><message>{}</message><thread dsq:id=\"2\"/></post></disqus>",
            "x".repeat(5000)
        ));
        assert!(matches!(long[0].data, RawData::TooLong(5000)));
    }

    #[test]
    fn detection() {
        assert!(looks_like_disqus(b"\xEF\xBB\xBF  <?xml version"));
        assert!(looks_like_disqus(b"\n<disqus xmlns"));
        assert!(!looks_like_disqus(b"{\"text\": \"<disqus\"}"));
        assert!(!looks_like_disqus(b""));
    }
}
