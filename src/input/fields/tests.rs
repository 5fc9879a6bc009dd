//! The fast reading of flat records checked against serde_json's.

use super::*;

#[test]
fn fields_keep_order() {
    let f: Fields = serde_json::from_str(r#"{"z":1,"a":{"b":[1,2]},"text":"hi"}"#).unwrap();
    let keys: Vec<&str> = f.0.iter().map(|(k, _)| &**k).collect();
    assert_eq!(keys, ["z", "a", "text"]);
    assert_eq!(f.get("a").unwrap(), r#"{"b":[1,2]}"#);
    assert!(f.0.iter().all(|(k, _)| matches!(k, Cow::Borrowed(_))));
}

/// The fields written one by one, as the labeler writes them when
/// [`Fields::compact_text`] gives `None`.
fn written(f: &Fields) -> String {
    let mut out = Vec::new();
    for (i, (k, v)) in f.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        crate::record::key(&mut out, k);
        out.extend_from_slice(v.as_bytes());
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn compact_text_is_the_fields_as_written() {
    let compact = [
        r#"{}"#,
        r#"{"a":1}"#,
        r#"{"id":"c0","text":"hi \"you\" \u00e9","n":[1, 2],"o":{"x" : null},"e":""}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"é":"ü"}"#,
    ];
    for line in compact {
        let f: Fields = serde_json::from_str(line).unwrap();
        assert_eq!(f.compact_text(line), Some(&*written(&f)), "{line}");
    }
    let spaced = [
        r#" {"a":1}"#,
        r#"{ "a":1}"#,
        r#"{"a" :1}"#,
        r#"{"a": 1}"#,
        r#"{"a":1 ,"b":2}"#,
        r#"{"a":1, "b":2}"#,
        r#"{"a":1,"b":2 }"#,
        r#"{"caf\u00e9":1}"#,
        r#"{"a\"b":1}"#,
    ];
    for line in spaced {
        let f: Fields = serde_json::from_str(line).unwrap();
        let t = f.compact_text(line);
        assert!(t.is_none() || t == Some(&*written(&f)), "{line}: {t:?}");
    }
    let line = "{\"a\":1} \r";
    let f: Fields = serde_json::from_str(line).unwrap();
    assert_eq!(f.compact_text(line), Some(r#""a":1"#));
    // Text the fields were not read from.
    assert_eq!(f.compact_text(r#"{"a":1}"#), None);
}

#[test]
fn escaped_keys_are_decoded() {
    let f: Fields = serde_json::from_str(r#"{"caf\u00e9":1,"a\"b":2,"x":3,"x":4}"#).unwrap();
    let keys: Vec<&str> = f.0.iter().map(|(k, _)| &**k).collect();
    assert_eq!(keys, ["café", "a\"b", "x", "x"]);
    assert!(matches!(f.0[0].0, Cow::Owned(_)));
    assert_eq!(f.get("x").unwrap(), "4");
    assert_eq!(f.get("café").unwrap(), "1");
}

#[test]
fn json_strings_as_serde_json_reads_them() {
    for json in [
        r#""plain""#,
        r#""""#,
        r#""tab\tquote\"""#,
        r#""\u00e9t\u00e9 \ud83d\ude00""#,
        r#""é ü 😀""#,
        "12",
        "-1.5e3",
        "null",
        "true",
        "[1,\"a\"]",
        r#"{"a":"b"}"#,
    ] {
        let want = serde_json::from_str::<String>(json).ok();
        assert_eq!(json_str(json).map(Cow::into_owned), want, "{json}");
    }
    assert!(matches!(
        json_str(r#""no escape""#),
        Some(Cow::Borrowed("no escape"))
    ));
}

/// serde_json's fields of `text`, as [`Fields::parse`] must give them.
fn by_serde(text: &str) -> Option<Vec<(String, bool, String)>> {
    let f: Fields = serde_json::from_str(text).ok()?;
    Some(described(&f))
}

/// Each field: its key, whether the key is borrowed, its value's text.
fn described(f: &Fields) -> Vec<(String, bool, String)> {
    f.0.iter()
        .map(|(k, v)| (k.to_string(), matches!(k, Cow::Borrowed(_)), v.to_string()))
        .collect()
}

/// Checks [`Fields::parse`] on `text` against serde_json; whether the
/// scanner read it.
fn check(text: &str) -> bool {
    let want = by_serde(text);
    match Fields::parse(text) {
        Ok(f) => assert_eq!(Some(described(&f)), want, "{text:?}"),
        Err(e) => {
            assert!(want.is_none(), "{text:?}");
            let serde = serde_json::from_str::<Fields>(text).err().unwrap();
            assert_eq!(e.to_string(), serde.to_string(), "{text:?}");
        }
    }
    flat(text).is_some()
}

#[test]
fn flat_records_are_read_by_the_scanner() {
    for text in [
        r#"{}"#,
        " { } \n",
        r#"{"a":1}"#,
        r#"{"article_id":"a37","author":"user4299","id":"c0","text":"yur reading this"}"#,
        "{ \"a\" :\t\"b\" ,\r\n\"c\": -0.5e+7 , \"d\":true,\"e\":false,\"f\":null}  ",
        r#"{"t":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud800 \uDFFF","n":0,"m":-12.25E-3}"#,
        r#"{"a":1,"a":"2"}"#,
        "{\"é\":\"ü 😀 \u{7f}\"}",
    ] {
        assert!(check(text), "{text:?}");
    }
}

#[test]
fn other_records_are_left_to_serde_json() {
    for text in [
        "",
        " ",
        "[]",
        "\"a\"",
        "1",
        "{",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{\"a\":1}x",
        "{\"a\":1}{}",
        "{,\"a\":1}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":.5}",
        "{\"a\":1e}",
        "{\"a\":-}",
        "{\"a\":+1}",
        "{\"a\":tru}",
        "{\"a\":nul}",
        "{\"a\":truex}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12g4\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"tab\there\"}",
        "{\"a\":\"open}",
        "{\"caf\\u00e9\":1}",
        "{\"a\":[1,2]}",
        "{\"a\":{\"b\":1}}",
        "{\"a\" 1}",
        "{\"a\":1 \"b\":2}",
        "{a:1}",
    ] {
        assert!(!check(text), "{text:?}");
    }
}

/// Random texts made of JSON's pieces, most of them broken: wherever the
/// scanner reads one, it reads what serde_json reads, and it gives
/// serde_json's error for every other.
#[test]
fn scanner_agrees_with_serde_json_on_random_texts() {
    const PIECES: [&str; 40] = [
        "{", "}", "\"", ":", ",", " ", "\t", "\n", "\r", "\\", "\\u", "\\n", "\\\"", "u", "0", "1",
        "9", "-", "+", ".", "e", "E", "a", "é", "😀", "\u{1}", "\u{1f}", "\u{7f}", "true", "false",
        "null", "nul", "[", "]", "\"k\"", "\"v\"", "\"k\":", "00c", "12.5", "x",
    ];
    const VALUES: [&str; 6] = ["\"v\"", "12", "-0.5e3", "true", "null", "\"\\u00e9\\n\""];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut read = 0;
    for _ in 0..200_000 {
        // A valid flat object, then a few pieces put in at random places.
        let mut text = String::from("{");
        for f in 0..next() % 4 {
            if f > 0 {
                text.push(',');
            }
            let value = VALUES[(next() % VALUES.len() as u64) as usize];
            text.push_str(&format!("\"k{}\":{value}", next() % 3));
        }
        text.push('}');
        for _ in 0..next() % 3 {
            let piece = PIECES[(next() % PIECES.len() as u64) as usize];
            let mut at = (next() % (text.len() as u64 + 1)) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, piece);
        }
        read += usize::from(check(&text));
    }
    // Many texts stay flat objects: the scanner is what reads them.
    assert!(read > 50_000, "{read}");
}

#[test]
fn special_bytes_are_found_at_every_position() {
    for len in 0..20 {
        for at in 0..len {
            for b in [b'"', b'\\', 0x00, 0x1f] {
                let mut s = vec![b'a'; len];
                s[at] = b;
                // Bytes that are not special: high ones, space, DEL.
                s.iter_mut().take(at).step_by(3).for_each(|c| *c = 0xc3);
                s.iter_mut()
                    .take(at)
                    .skip(1)
                    .step_by(3)
                    .for_each(|c| *c = 0x7f);
                s.iter_mut()
                    .take(at)
                    .skip(2)
                    .step_by(3)
                    .for_each(|c| *c = b' ');
                assert_eq!(special(&s, 0), Some(at), "{s:?}");
                assert_eq!(special(&s, at + 1), None, "{s:?}");
            }
        }
    }
}
