//! Text normalisation and word tokens (the Python room `dedup/copies/normalise.py`).
//!
//! `normalise` is, character for character, what CPython 3.11 gives for
//! `re.sub(r"\s+", " ", NFKC(NFKC(text).casefold().translate(TYPOGRAPHY))).strip()`:
//! NFKC (the `unicode-normalization` crate at Unicode 14.0.0, CPython 3.11's version), then
//! `str.casefold`, `str.isspace` and `str.isalnum` from tables read off CPython itself
//! (`rust/gen_tables.py`). Most bodies are ASCII, where all of it is one pass over the bytes.

use std::sync::OnceLock;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::tables;

/// One form of apostrophe, quote mark and dash; soft hyphen, zero-width space and the
/// byte-order mark deleted. `Some(None)`: deleted; `None`: unchanged.
fn typography(c: char) -> Option<Option<char>> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{0060}' | '\u{00b4}'
        | '\u{02bc}' => Some(Some('\'')),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{00ab}' | '\u{00bb}'
        | '\u{301d}' | '\u{301e}' => Some(Some('"')),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}'
        | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => Some(Some('-')),
        '\u{00ad}' | '\u{200b}' | '\u{feff}' => Some(None),
        _ => None,
    }
}

fn in_ranges(ranges: &[(u32, u32)], c: u32) -> bool {
    match ranges.binary_search_by(|&(lo, _)| lo.cmp(&c)) {
        Ok(_) => true,
        Err(0) => false,
        Err(i) => c <= ranges[i - 1].1,
    }
}

/// The basic plane's word characters as a bitmap (8 KB), built on first use.
fn basic_words() -> &'static [u64] {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for &(lo, hi) in tables::WORD {
            for c in lo..=hi.min(0xffff) {
                bits[(c / 64) as usize] |= 1 << (c % 64);
            }
        }
        bits
    })
}

/// Python's `c.isalnum() or c == "_"`: what `re`'s `\w` matches in a `str` pattern.
pub fn is_word(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        let b = c as u8;
        return b.is_ascii_alphanumeric() || b == b'_';
    }
    if c <= 0xffff {
        return basic_words()[(c / 64) as usize] >> (c % 64) & 1 == 1;
    }
    in_ranges(tables::WORD, c)
}

/// Python's `c.isspace()` (and `re`'s `\s`), which takes the separators 0x1c-0x1f too.
pub fn is_space(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return matches!(c, 0x09..=0x0d | 0x1c..=0x20);
    }
    in_ranges(tables::SPACE, c)
}

fn push_casefold(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match tables::CASEFOLD.binary_search_by(|&(k, _)| k.cmp(&(c as u32))) {
        Ok(i) => out.push_str(tables::CASEFOLD[i].1),
        Err(_) => out.push(c),
    }
}

fn nfkc(text: String) -> String {
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        return text;
    }
    text.nfkc().collect()
}

/// NFKC, case-folded, quotes and dashes unified, white space collapsed to one space and
/// stripped. Idempotent.
pub fn normalise(text: &str) -> String {
    if text.is_ascii() {
        return normalise_ascii(text.as_bytes());
    }
    let composed = nfkc(text.to_owned());
    let mut folded = String::with_capacity(composed.len() + 8);
    for c in composed.chars() {
        push_casefold(c, &mut folded);
    }
    let mut plain = String::with_capacity(folded.len());
    for c in folded.chars() {
        match typography(c) {
            None => plain.push(c),
            Some(Some(r)) => plain.push(r),
            Some(None) => {}
        }
    }
    // Case folding can produce characters NFKC would compose again (e.g. U+0130).
    collapse_spaces(&nfkc(plain))
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = false;
    for c in text.chars() {
        if is_space(c) {
            pending = !out.is_empty();
        } else {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(c);
        }
    }
    out
}

/// The ASCII case: lower case, the backtick as an apostrophe, white space collapsed.
fn normalise_ascii(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut pending = false;
    for &b in raw {
        if matches!(b, 0x09..=0x0d | 0x1c..=0x20) {
            pending = !out.is_empty();
            continue;
        }
        if pending {
            out.push(b' ');
            pending = false;
        }
        out.push(match b {
            b'A'..=b'Z' => b + 32,
            b'`' => b'\'',
            _ => b,
        });
    }
    // Only ASCII bytes were pushed.
    String::from_utf8(out).expect("ASCII is UTF-8")
}

/// The word tokens of a text, in order: its maximal runs of word characters (`\w+`).
pub fn words(text: &str) -> Vec<&str> {
    if text.is_ascii() {
        let marks = text.bytes().enumerate().map(|(i, b)| (i, b.is_ascii_alphanumeric() || b == b'_'));
        return runs(text, marks);
    }
    runs(text, text.char_indices().map(|(i, c)| (i, is_word(c))))
}

/// The maximal runs of ``text`` whose positions are marked true, from (offset, mark) pairs
/// in order.
fn runs(text: &str, marks: impl Iterator<Item = (usize, bool)>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, word) in marks {
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode_paths_agree_on_ascii() {
        let text = "  The `Quick`\tBrown\x1cFOX  ";
        assert_eq!(normalise(text), "the 'quick' brown fox");
        let unicode = format!("{text}\u{e9}");
        assert_eq!(normalise(&unicode), "the 'quick' brown fox \u{e9}");
    }

    #[test]
    fn typography_case_and_width_are_unified() {
        assert_eq!(
            normalise("\u{201c}Quoted\u{201d} \u{2014} it\u{2019}s  \u{ff26}\u{ff35}\u{ff2c}\u{ff2c}\nwidth"),
            "\"quoted\" - it's full width"
        );
        assert_eq!(normalise("STRA\u{df}E \u{130}"), "strasse i\u{307}");
        assert_eq!(normalise("soft\u{ad}hyphen"), "softhyphen");
    }

    #[test]
    fn normalise_is_idempotent_on_samples() {
        for text in ["", " ", "\u{3000}a\u{2003}b ", "\u{1e9b}\u{323}", "\u{fb01}\u{df}", "e\u{301}"] {
            let once = normalise(text);
            assert_eq!(normalise(&once), once);
        }
    }

    #[test]
    fn words_are_runs_of_word_characters() {
        assert_eq!(words("x_y 42 3.14 don't"), ["x_y", "42", "3", "14", "don", "t"]);
        assert_eq!(words("\u{3b5}\u{3bb} \u{4e2d}\u{6587}! \u{1f602} ok"), ["\u{3b5}\u{3bb}", "\u{4e2d}\u{6587}", "ok"]);
        assert!(words("").is_empty());
        assert!(words(" ,. ").is_empty());
    }
}
