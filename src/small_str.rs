//! A short string held inline: the token of a [`Reason`](crate::Reason).
//!
//! A verdict names up to five tokens, nearly all a few bytes long (a word,
//! a domain, `links=1`). Held inline they cost no allocation when the
//! verdict is made and none to free when it is dropped; a longer token is
//! held on the heap as before.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest string held inline, in bytes (the same size as a `String`).
const INLINE: usize = 22;

/// A string of up to 22 bytes held inline, a longer one on the heap. Reads
/// as a `&str` ([`Deref`]), compares with `str`, `&str` and `String`, and
/// prints, hashes and serializes as the string it holds.
#[derive(Clone)]
pub struct SmallStr(Repr);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]` is a copy of a `str`'s bytes; never changed after.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl SmallStr {
    /// A copy of `s`.
    pub fn new(s: &str) -> Self {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            SmallStr(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            SmallStr(Repr::Heap(s.into()))
        }
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let b = &bytes[..*len as usize];
                debug_assert!(std::str::from_utf8(b).is_ok());
                // SAFETY: `bytes[..len]` was copied from a `str` in `new` and
                // is never modified, so it is valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(b) }
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Deref for SmallStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SmallStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SmallStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Default for SmallStr {
    fn default() -> Self {
        SmallStr::new("")
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> Self {
        SmallStr::new(s)
    }
}

impl From<String> for SmallStr {
    fn from(s: String) -> Self {
        SmallStr::new(&s)
    }
}

impl From<SmallStr> for String {
    fn from(s: SmallStr) -> Self {
        s.as_str().to_string()
    }
}

impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for SmallStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SmallStr {}

impl PartialEq<str> for SmallStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SmallStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SmallStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Hash for SmallStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Serialize for SmallStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SmallStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SmallStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long() {
        for s in [
            "",
            "a",
            "links=1",
            "sosbeevfbi.com",
            &"é".repeat(11),
            &"x".repeat(23),
            "naïve café au lait, s'il vous plaît",
        ] {
            let t = SmallStr::new(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t, s);
            assert_eq!(t, SmallStr::from(s.to_string()));
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
            assert_eq!(format!("{t:<30}|"), format!("{s:<30}|"));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, serde_json::to_string(s).unwrap());
            assert_eq!(serde_json::from_str::<SmallStr>(&json).unwrap(), t);
        }
        assert!(matches!(
            SmallStr::new(&"x".repeat(22)).0,
            Repr::Inline { .. }
        ));
        assert!(matches!(SmallStr::new(&"x".repeat(23)).0, Repr::Heap(_)));
        assert_eq!(
            std::mem::size_of::<SmallStr>(),
            std::mem::size_of::<String>()
        );
    }
}
