//! The tokenizer's vocabulary: what kinds of token there are, the owned
//! and borrowed forms a token takes, and the settings.
//!
//! Apart from the scanner so that code that only reads tokens (features,
//! spans, the moderator's word rules) can be read without it.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::FoldKind;

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A word (folded when it was obfuscated).
    Word,
    /// A number: small ones as written, long ones by digit count.
    Number,
    /// An amount of money, by digit count.
    Money,
    /// A link, without scheme and `www.`.
    Url,
    /// The registered domain of a link or e-mail address.
    Domain,
    /// An e-mail address.
    Email,
    /// An @mention, without the `@`.
    Mention,
    /// A shape of the text: punctuation runs, ALL-CAPS, folding, link count.
    Shape,
}

impl TokenKind {
    /// A one-byte tag that keeps kinds apart in feature hashing.
    pub fn tag(self) -> u8 {
        self as u8 + 1
    }

    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Word => "word",
            TokenKind::Number => "number",
            TokenKind::Money => "money",
            TokenKind::Url => "url",
            TokenKind::Domain => "domain",
            TokenKind::Email => "email",
            TokenKind::Mention => "mention",
            TokenKind::Shape => "shape",
        }
    }
}

/// A token with owned text and its span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it stands for.
    pub kind: TokenKind,
    /// Its canonical text (lower case, folded).
    pub text: String,
    /// Byte range in the original text.
    pub span: Range<usize>,
    /// How it was folded, when it was.
    pub folded: Option<FoldKind>,
}

/// A token as the scanner yields it: text borrowed, span in the normalized
/// text. This is what the hot path sees; nothing is allocated per token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRef<'t> {
    /// What it stands for.
    pub kind: TokenKind,
    /// Its canonical text.
    pub text: &'t str,
    /// Byte range in the normalized text.
    pub span: Range<usize>,
    /// How it was folded, when it was.
    pub folded: Option<FoldKind>,
}

/// Tokenizer settings.
///
/// | Name | Default | Meaning |
/// |---|---|---|
/// | `fold` | `true` | fold obfuscated spellings onto the lexicon |
/// | `shapes` | `true` | emit shape tokens (punctuation runs, caps, link count) |
/// | `max_word_len` | `40` | longer words become the shape token `longword` |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenizerConfig {
    /// Fold obfuscated spellings onto the lexicon.
    pub fold: bool,
    /// Emit shape tokens.
    pub shapes: bool,
    /// Longer words become the shape token `longword` (1..=1000).
    pub max_word_len: usize,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        TokenizerConfig {
            fold: true,
            shapes: true,
            max_word_len: 40,
        }
    }
}
