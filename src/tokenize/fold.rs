//! Folding of obfuscated spellings to the words they imitate.
//!
//! People who expect a filter write around it: `f4ck`, `5h1t`, `sh*t`,
//! `f.u.c.k`, `f u c k`, `fuuuuck`, a Cyrillic `ѕ` for an `s`. Folding maps such
//! spellings back to a canonical word, but only onto words of a [`Lexicon`]:
//! the words a trained model found to be strong evidence of spam or abuse.
//! Ordinary words are never rewritten: a word made of plain letters is
//! only touched when it has a letter repeated three times or more, and then
//! only if the shortened form is in the lexicon. Substrings are never
//! matched, so "assassin", "Scunthorpe", "cocktail" or "Shital" stay as they
//! are.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// How an obfuscated spelling was folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FoldKind {
    /// Digits or symbols used as letters (`5h1t`, `f4ck`, `b@stard`).
    Leet,
    /// Letters hidden behind `*` (`f*ck`, `sh**`).
    Censored,
    /// Letters spread out by separators (`f.u.c.k`, `f u c k`).
    Separated,
    /// Letters repeated to stretch the word (`fuuuuck`).
    Repeated,
    /// A word written wholly in lookalike letters of another script.
    Lookalike,
}

impl FoldKind {
    /// A short name (`leet`, `censored`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FoldKind::Leet => "leet",
            FoldKind::Censored => "censored",
            FoldKind::Separated => "separated",
            FoldKind::Repeated => "repeated",
            FoldKind::Lookalike => "lookalike",
        }
    }
}

/// The words that obfuscated spellings are folded onto, each with a weight
/// (how strongly the model ties it to spam or abuse) that settles ambiguous
/// matches: `f**k` could be several words; the strongest wins.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Vec<(String, f32)>", into = "Vec<(String, f32)>")]
pub struct Lexicon {
    words: Vec<(String, f32)>,
    exact: HashMap<String, u32>,
    by_len: HashMap<usize, Vec<u32>>,
    /// Words by length, position and the letter there, in word order: a
    /// pattern with a real letter at that position can only stand for
    /// these, so a lookup reads a few words, not every word of its length.
    by_letter: HashMap<(usize, usize, char), Vec<u32>>,
    max_chars: usize,
}

impl From<Vec<(String, f32)>> for Lexicon {
    fn from(mut words: Vec<(String, f32)>) -> Self {
        words.sort_by(|a, b| a.0.cmp(&b.0));
        words.dedup_by(|a, b| a.0 == b.0);
        let mut exact = HashMap::with_capacity(words.len());
        let mut by_len: HashMap<usize, Vec<u32>> = HashMap::new();
        let mut by_letter: HashMap<(usize, usize, char), Vec<u32>> = HashMap::new();
        for (i, (w, _)) in words.iter().enumerate() {
            exact.insert(w.clone(), i as u32);
            let len = w.chars().count();
            by_len.entry(len).or_default().push(i as u32);
            for (pos, c) in w.chars().enumerate() {
                by_letter.entry((len, pos, c)).or_default().push(i as u32);
            }
        }
        let max_chars = by_len.keys().copied().max().unwrap_or(0);
        Lexicon {
            words,
            exact,
            by_len,
            by_letter,
            max_chars,
        }
    }
}

impl From<Lexicon> for Vec<(String, f32)> {
    fn from(l: Lexicon) -> Self {
        l.words
    }
}

impl Lexicon {
    /// A lexicon of `(word, weight)` pairs. Words must be lower case.
    pub fn new(words: Vec<(String, f32)>) -> Self {
        words.into()
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Length in characters of the longest word (0 when empty).
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// Whether `word` is in the lexicon.
    pub fn contains(&self, word: &str) -> bool {
        self.exact.contains_key(word)
    }

    /// The words and weights, sorted by word.
    pub fn words(&self) -> &[(String, f32)] {
        &self.words
    }

    /// The strongest word of the same length that `pattern` can stand for:
    /// letters must match; `*` stands for any letter; digits and symbols
    /// stand for the letters they imitate ([`leet_letters`]).
    /// A first pass takes symbols at their leet value; a second lets a
    /// symbol that stands for a vowel stand for any vowel (`f4ck`).
    fn best_match(&self, pattern: &[char]) -> Option<&str> {
        self.best_match_with(pattern, false)
            .or_else(|| self.best_match_with(pattern, true))
    }

    fn best_match_with(&self, pattern: &[char], loose: bool) -> Option<&str> {
        // A letter of the pattern (not `*`, not a digit or symbol) must be
        // the word's letter at that place.
        let candidates = match pattern
            .iter()
            .position(|&c| c != '*' && leet_letters(c).is_empty())
        {
            Some(at) => self.by_letter.get(&(pattern.len(), at, pattern[at]))?,
            None => self.by_len.get(&pattern.len())?,
        };
        let mut best: Option<(f32, &str)> = None;
        for &i in candidates {
            let (word, weight) = &self.words[i as usize];
            let fits = word.chars().zip(pattern).all(|(w, &p)| {
                let leet = leet_letters(p);
                p == w
                    || p == '*'
                    || leet.contains(&w)
                    || (loose && is_vowel(w) && leet.iter().any(|&l| is_vowel(l)))
            });
            if fits && best.is_none_or(|(bw, _)| *weight > bw) {
                best = Some((*weight, word.as_str()));
            }
        }
        best.map(|(_, w)| w)
    }
}

/// The letters a digit or symbol is used for in leetspeak.
pub fn leet_letters(c: char) -> &'static [char] {
    match c {
        '0' => &['o'],
        '1' => &['i', 'l'],
        '2' => &['z'],
        '3' => &['e'],
        '4' => &['a'],
        '5' => &['s'],
        '6' => &['g', 'b'],
        '7' => &['t'],
        '8' => &['b'],
        '9' => &['g'],
        '@' => &['a'],
        '$' => &['s'],
        '!' | '|' => &['i', 'l'],
        '+' => &['t'],
        '(' => &['c'],
        _ => &[],
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Whether `c` can stand inside an obfuscated word.
pub fn is_obfuscation_char(c: char) -> bool {
    c == '*' || !leet_letters(c).is_empty()
}

/// Folds one word (lower case, no white space) that holds letters and
/// possibly digits, symbols or `*`. Writes the canonical form to `out` and
/// returns how it was folded, or `None` when it was not folded (then `out`
/// holds the word itself, with letter runs longer than two cut to two).
pub fn fold_word(raw: &str, lex: &Lexicon, out: &mut String) -> Option<FoldKind> {
    out.clear();
    let chars: Vec<char> = raw.chars().collect();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let obf = chars.iter().filter(|&&c| is_obfuscation_char(c)).count();
    let stars = chars.iter().filter(|&&c| c == '*').count();
    let has_run = has_run_of(&chars, 3);

    if obf > 0 && letters >= 1 && letters + obf == chars.len() {
        // Leet or censored: at least two real letters, at most half hidden.
        if letters >= 2 && obf * 2 <= chars.len() + 1 {
            let squeezed = if has_run {
                collapse_runs(&chars, 1)
            } else {
                chars.clone()
            };
            for pattern in [&chars, &squeezed] {
                if let Some(w) = lex.best_match(pattern) {
                    out.push_str(w);
                    return Some(if stars > 0 {
                        FoldKind::Censored
                    } else {
                        FoldKind::Leet
                    });
                }
            }
        }
        out.extend(collapse_runs(&chars, 2));
        return None;
    }
    if has_run && letters == chars.len() {
        for keep in [1, 2] {
            let c: String = collapse_runs(&chars, keep).into_iter().collect();
            if lex.contains(&c) {
                out.push_str(&c);
                return Some(FoldKind::Repeated);
            }
        }
        out.extend(collapse_runs(&chars, 2));
        return None;
    }
    if letters == chars.len() && !raw.is_ascii() && !lex.is_empty() {
        let mapped: String = chars
            .iter()
            .map(|&c| crate::normalize::unicode::confusable(c).unwrap_or(c))
            .collect();
        if mapped != raw && lex.contains(&mapped) {
            out.push_str(&mapped);
            return Some(FoldKind::Lookalike);
        }
    }
    out.push_str(raw);
    None
}

fn has_run_of(chars: &[char], n: usize) -> bool {
    let mut run = 1;
    for w in chars.windows(2) {
        if w[0] == w[1] && w[0].is_alphabetic() {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// Cuts every run of a repeated letter longer than `keep` to `keep` (runs
/// of two stay when `keep` is 2; with `keep` 1 every run becomes one letter).
fn collapse_runs(chars: &[char], keep: usize) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut run = 0;
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && chars[i - 1] == c && c.is_alphabetic() {
            run += 1;
        } else {
            run = 1;
        }
        let limit = if keep == 1 || has_long_run_at(chars, i) {
            keep
        } else {
            2
        };
        if run <= limit {
            out.push(c);
        }
    }
    out
}

/// Whether the run containing position `i` is three letters or longer.
fn has_long_run_at(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let mut s = i;
    while s > 0 && chars[s - 1] == c {
        s -= 1;
    }
    let mut e = i;
    while e + 1 < chars.len() && chars[e + 1] == c {
        e += 1;
    }
    e - s + 1 >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::new(vec![
            ("darn".into(), 2.0),
            ("dumb".into(), 3.0),
            ("idiot".into(), 3.0),
            ("stupid".into(), 2.5),
            ("scam".into(), 2.0),
            ("free".into(), 1.5),
        ])
    }

    fn fold(s: &str) -> (String, Option<FoldKind>) {
        let mut out = String::new();
        let k = fold_word(s, &lex(), &mut out);
        (out, k)
    }

    #[test]
    fn folds_onto_lexicon() {
        assert_eq!(fold("1d10t"), ("idiot".into(), Some(FoldKind::Leet)));
        assert_eq!(fold("d4rn"), ("darn".into(), Some(FoldKind::Leet)));
        assert_eq!(fold("d0mb"), ("dumb".into(), Some(FoldKind::Leet)));
        assert_eq!(fold("$c@m"), ("scam".into(), Some(FoldKind::Leet)));
        assert_eq!(fold("d*mb"), ("dumb".into(), Some(FoldKind::Censored)));
        assert_eq!(fold("st*p*d"), ("stupid".into(), Some(FoldKind::Censored)));
        assert_eq!(
            fold("stuuuupid"),
            ("stupid".into(), Some(FoldKind::Repeated))
        );
        assert_eq!(fold("freeeee"), ("free".into(), Some(FoldKind::Repeated)));
        assert_eq!(fold("frеe"), ("free".into(), Some(FoldKind::Lookalike)));
    }

    #[test]
    fn leaves_other_words() {
        assert_eq!(fold("assassin"), ("assassin".into(), None));
        assert_eq!(fold("mp3"), ("mp3".into(), None));
        assert_eq!(fold("soooo"), ("soo".into(), None));
        assert_eq!(fold("h1n1"), ("h1n1".into(), None));
        assert_eq!(fold("coffee"), ("coffee".into(), None));
    }
}
