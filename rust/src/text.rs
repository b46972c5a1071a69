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
/// byte-order mark deleted; the spelling variants of Cyrillic and Arabic that outlets
/// mix made one. `Some(None)`: deleted; `None`: unchanged.
fn typography(c: char) -> Option<Option<char>> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{0060}' | '\u{00b4}' | '\u{02bc}' => {
            Some(Some('\''))
        }
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{00ab}' | '\u{00bb}' | '\u{301d}'
        | '\u{301e}' => Some(Some('"')),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' | '\u{fe58}'
        | '\u{fe63}' | '\u{ff0d}' => Some(Some('-')),
        '\u{00ad}' | '\u{200b}' | '\u{feff}' => Some(None),
        _ if c < '\u{0400}' => None,
        // Cyrillic: ё is written е as often as not.
        '\u{0451}' => Some(Some('\u{0435}')),
        // Arabic: tatweel (a stretching of the line) and the vowel marks and Quranic
        // signs go; the hamza and madda forms of alef are alef, alef maksura and the
        // Persian yeh are yeh: outlets write one word with and without them.
        '\u{0640}'
        | '\u{064b}'..='\u{065f}'
        | '\u{0670}'
        | '\u{06d6}'..='\u{06dc}'
        | '\u{06df}'..='\u{06e4}'
        | '\u{06e7}'
        | '\u{06e8}'
        | '\u{06ea}'..='\u{06ed}' => Some(None),
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}'..='\u{0673}' => Some(Some('\u{0627}')),
        '\u{0649}' | '\u{06cc}' => Some(Some('\u{064a}')),
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

// What a character of the basic plane is, as bit flags in one table (64 KB, built on first
// use): one load answers every question the hot loops ask of it.
const WORD: u8 = 1;
const MARK: u8 = 2;
const FOLDS: u8 = 4; // case folding changes it
const INERT: u8 = 8; // NFKC leaves it alone wherever it stands
const UNSPACED: u8 = 16;
const PLAIN: u8 = 32; // typography leaves it alone and it is no white space

fn classes() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0u8; 0x10000];
        let mut mark = |ranges: &[(u32, u32)], flag: u8| {
            for &(lo, hi) in ranges {
                for c in lo..=hi.min(0xffff) {
                    table[c as usize] |= flag;
                }
            }
        };
        mark(tables::WORD, WORD);
        mark(tables::MARK, MARK);
        mark(tables::INERT, INERT);
        for &(c, _) in tables::CASEFOLD {
            if c <= 0xffff {
                table[c as usize] |= FOLDS;
            }
        }
        for (c, flags) in table.iter_mut().enumerate() {
            if let Some(ch) = char::from_u32(c as u32) {
                if is_unspaced(ch) {
                    *flags |= UNSPACED;
                }
                if typography(ch).is_none() && !is_space(ch) {
                    *flags |= PLAIN;
                }
            }
        }
        table
    })
}

/// The flags of any character (those outside the basic plane from the range tables).
fn flags(table: &[u8], c: char) -> u8 {
    let code = c as u32;
    if code <= 0xffff {
        return table[code as usize];
    }
    let mut f = PLAIN;
    for (ranges, flag) in [(tables::WORD, WORD), (tables::MARK, MARK), (tables::INERT, INERT)] {
        if in_ranges(ranges, code) {
            f |= flag;
        }
    }
    if tables::CASEFOLD.binary_search_by(|&(k, _)| k.cmp(&code)).is_ok() {
        f |= FOLDS;
    }
    if is_unspaced(c) {
        f |= UNSPACED;
    }
    f
}

/// Python's `c.isalnum() or c == "_"`: what `re`'s `\w` matches in a `str` pattern.
pub fn is_word(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        let b = c as u8;
        return b.is_ascii_alphanumeric() || b == b'_';
    }
    if c <= 0xffff {
        return classes()[c as usize] & WORD != 0;
    }
    in_ranges(tables::WORD, c)
}

/// Python's `c.isspace()` (and `re`'s `\s`), which takes the separators 0x1c-0x1f too.
pub fn is_space(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return matches!(c, 0x09..=0x0d | 0x1c..=0x20);
    }
    // The white space outside ASCII lies between these (tested below): most letters skip the table.
    match c {
        0x85 | 0xa0 => true,
        0x1680..=0x3000 => in_ranges(tables::SPACE, c),
        _ => false,
    }
}

/// `str.casefold()` of one character, `None` when it folds to itself.
fn casefold(c: char) -> Option<&'static str> {
    let code = c as u32;
    if code <= 0xffff && classes()[code as usize] & FOLDS == 0 {
        return None;
    }
    tables::CASEFOLD.binary_search_by(|&(k, _)| k.cmp(&code)).ok().map(|i| tables::CASEFOLD[i].1)
}

fn nfkc(text: String) -> String {
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        return text;
    }
    text.nfkc().collect()
}

/// The full-width forms of ASCII (U+FF01-FF5E) and the ideographic space as what they
/// decompose to. NFKC depends on the compatibility decomposition alone, so this changes
/// nothing in its result; but CJK text, whose commas and stops are full width, is then
/// most often NFKC already and skips the composition pass.
fn unwiden(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xff01..=0xff5e => char::from_u32(c as u32 - 0xfee0).expect("ASCII"),
            0x3000 => ' ',
            _ => c,
        })
        .collect()
}

/// NFKC, case-folded, quotes and dashes unified, white space collapsed to one space and
/// stripped. Idempotent.
pub fn normalise(text: &str) -> String {
    if text.is_ascii() {
        return normalise_ascii(text.as_bytes());
    }
    if let Some(plain) = normalise_inert(text) {
        return plain;
    }
    let composed = nfkc(unwiden(text));
    let mut plain = String::with_capacity(composed.len() + 8);
    let mut changed = false;
    for c in composed.chars() {
        let lower = if c.is_ascii() {
            let l = c.to_ascii_lowercase();
            (l != c).then_some(l)
        } else {
            None
        };
        let folded = casefold(c);
        changed |= lower.is_some() || folded.is_some();
        let mut push = |x: char| match typography(x) {
            None => plain.push(x),
            Some(r) => {
                changed = true;
                if let Some(r) = r {
                    plain.push(r);
                }
            }
        };
        match (lower, folded) {
            (Some(l), _) => push(l),
            (None, Some(f)) => f.chars().for_each(&mut push),
            (None, None) => push(c),
        }
    }
    // Case folding can produce characters NFKC would compose again (e.g. U+0130); text
    // that folding and typography left as it was is NFKC already.
    collapse_spaces(&if changed { nfkc(plain) } else { plain })
}

/// [`normalise`] in one pass, for the text (most of it, CJK included) whose characters and
/// case folds are all [`is_inert`] once unwidened: NFKC leaves such text as it is, so only
/// folding, typography and white space remain. `None` for other text.
fn normalise_inert(text: &str) -> Option<String> {
    let table = classes();
    let mut out = Collapsed::with_capacity(text.len());
    // One character of the folded text, its typography made one; false when it is not
    // inert (the text then takes the general path).
    let mut push = |c: char, f: u8| -> bool {
        if f & PLAIN != 0 {
            if f & INERT == 0 && !c.is_ascii() {
                return false;
            }
            out.push(c);
            return true;
        }
        match typography(c) {
            None => out.push(c),
            Some(Some(r)) => out.push(r), // ASCII, or an Arabic or Cyrillic letter: inert
            Some(None) => {}
        }
        true
    };
    for c in text.chars() {
        let c = match c as u32 {
            0xff01..=0xff5e => char::from_u32(c as u32 - 0xfee0).expect("ASCII"),
            0x3000 => ' ',
            _ => c,
        };
        let f = flags(table, c);
        let fine = if c.is_ascii() {
            let lower = c.to_ascii_lowercase();
            push(lower, flags(table, lower))
        } else if f & INERT == 0 {
            false
        } else if f & FOLDS == 0 {
            push(c, f)
        } else {
            let folded = casefold(c).expect("flagged as folding");
            folded.chars().all(|x| push(x, flags(table, x) | if x.is_ascii() { INERT } else { 0 }))
        };
        if !fine {
            return None;
        }
    }
    Some(out.out)
}

/// Text written a character at a time, each run of white space as one space, none at
/// either end.
struct Collapsed {
    out: String,
    pending: bool,
}

impl Collapsed {
    fn with_capacity(n: usize) -> Self {
        Collapsed { out: String::with_capacity(n), pending: false }
    }

    fn push(&mut self, c: char) {
        if is_space(c) {
            self.pending = !self.out.is_empty();
            return;
        }
        if self.pending {
            self.out.push(' ');
            self.pending = false;
        }
        self.out.push(c);
    }
}

fn collapse_spaces(text: &str) -> String {
    let mut out = Collapsed::with_capacity(text.len());
    text.chars().for_each(|c| out.push(c));
    out.out
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

/// Python's `unicodedata.category(c)` is Mn, Mc or Me: a mark that belongs to the
/// character before it (Devanagari and Thai vowel signs, Hebrew points, variation selectors).
pub fn is_mark(c: char) -> bool {
    let c = c as u32;
    if c <= 0xffff {
        return classes()[c as usize] & MARK != 0;
    }
    in_ranges(tables::MARK, c)
}

/// A character of a script written without spaces between its words (Han, Hiragana,
/// Katakana, Thai, Lao, Khmer, Myanmar): each such letter is a token of its own, so a
/// shingle of them is a character n-gram.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0e00..=0x0eff // Thai, Lao
        | 0x1000..=0x109f | 0xa9e0..=0xa9ff | 0xaa60..=0xaa7f // Myanmar
        | 0x1780..=0x17ff | 0x19e0..=0x19ff // Khmer
        | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3031..=0x3035 | 0x303b // ideographic marks
        | 0x3040..=0x30ff | 0x31f0..=0x31ff // Hiragana, Katakana
        | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3ffff)
    // Han
}

/// A Hangul letter. Korean is written with spaces, so Hangul words are words; a run of
/// more than `HANGUL_WORD` syllables is text written without them, read letter by letter.
fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xac00..=0xd7a3 | 0x1100..=0x11ff | 0x3130..=0x318f | 0xa960..=0xa97f | 0xd7b0..=0xd7ff)
}

/// No Korean word is longer (compound nouns run to 8 or 9 syllables).
const HANGUL_WORD: usize = 12;

/// The tokens of a normalised text, in order. A word is a maximal run of word characters
/// (`str.isalnum()` or `_`) with the marks that follow them; a letter of a script written
/// without spaces ([`is_unspaced`], and Hangul run together) is a token by itself, with
/// its marks. Punctuation, symbols and white space separate tokens.
pub fn words(text: &str) -> Vec<&str> {
    if text.is_ascii() {
        let marks = text
            .bytes()
            .enumerate()
            .map(|(i, b)| (i, b.is_ascii_alphanumeric() || b == b'_'));
        return runs(text, marks).into_iter().map(|(s, e)| &text[s..e]).collect();
    }
    let table = classes();
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(text.len() / 3);
    let mut run: Option<usize> = None; // where the word being read starts
    let mut letter_end = usize::MAX; // where the last letter token ends, marks included
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let f = flags(table, c);
        if f & MARK != 0 {
            if run.is_none() && letter_end == i {
                spans.last_mut().expect("a letter token was pushed").1 = end;
                letter_end = end;
            }
            // Inside a word a mark is part of it; alone, it is nothing.
            continue;
        }
        if f & (WORD | UNSPACED) == WORD {
            run.get_or_insert(i);
            continue;
        }
        if let Some(s) = run.take() {
            push_word(text, s, i, &mut spans);
        }
        if f & WORD != 0 {
            spans.push((i, end));
            letter_end = end;
        }
    }
    if let Some(s) = run {
        push_word(text, s, text.len(), &mut spans);
    }
    spans.into_iter().map(|(s, e)| &text[s..e]).collect()
}

/// A word's span, or its letters one by one when it is a run of Hangul no word is as long as.
fn push_word(text: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let word = &text[start..end];
    if word.chars().filter(|&c| is_hangul(c)).nth(HANGUL_WORD).is_none() {
        spans.push((start, end));
        return;
    }
    // Hangul letters one by one (each with its marks), other runs in the word as words.
    let letters = word.char_indices().map(|(i, c)| (start + i, c));
    let mut other: Option<usize> = None;
    for (i, c) in letters {
        if is_hangul(c) {
            if let Some(s) = other.take() {
                spans.push((s, i));
            }
            spans.push((i, i + c.len_utf8()));
        } else if is_mark(c) && other.is_none() {
            spans.last_mut().expect("a word starts with a word character").1 = i + c.len_utf8();
        } else {
            other.get_or_insert(i);
        }
    }
    if let Some(s) = other {
        spans.push((s, end));
    }
}

/// The maximal runs of ``text`` whose positions are marked true, from (offset, mark) pairs
/// in order, as (start, end) byte spans.
fn runs(text: &str, marks: impl Iterator<Item = (usize, bool)>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, word) in marks {
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
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
    fn the_space_shortcut_is_the_table() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            assert_eq!(is_space(c), in_ranges(tables::SPACE, c as u32), "{:x}", c as u32);
        }
    }

    #[test]
    fn normalise_is_idempotent_on_samples() {
        for text in [
            "",
            " ",
            "\u{3000}a\u{2003}b ",
            "\u{1e9b}\u{323}",
            "\u{fb01}\u{df}",
            "e\u{301}",
        ] {
            let once = normalise(text);
            assert_eq!(normalise(&once), once);
        }
    }

    #[test]
    fn words_are_runs_of_word_characters() {
        assert_eq!(words("x_y 42 3.14 don't"), ["x_y", "42", "3", "14", "don", "t"]);
        assert_eq!(words("\u{3b5}\u{3bb} \u{1f602} ok"), ["\u{3b5}\u{3bb}", "ok"]);
        assert!(words("").is_empty());
        assert!(words(" ,. ").is_empty());
    }

    #[test]
    fn unspaced_scripts_give_a_token_a_letter() {
        // Chinese with a Latin word and a number inside; Japanese kana; Thai with its
        // vowel and tone marks kept on their letters.
        assert_eq!(
            words("\u{4e2d}\u{6587}abc 42\u{5e74}"),
            ["\u{4e2d}", "\u{6587}", "abc", "42", "\u{5e74}"]
        );
        assert_eq!(
            words("\u{3072}\u{3089}\u{30ab}\u{30ca}\u{30fb}"),
            ["\u{3072}", "\u{3089}", "\u{30ab}", "\u{30ca}"]
        );
        assert_eq!(
            words("\u{0e01}\u{0e34}\u{0e19}\u{0e49}"),
            ["\u{0e01}\u{0e34}", "\u{0e19}\u{0e49}"]
        );
        // A mark with nothing before it is no token.
        assert_eq!(words(" \u{0e34}"), Vec::<&str>::new());
    }

    #[test]
    fn marks_stay_in_their_words() {
        // Hindi: the vowel signs and the virama are marks, not separators.
        assert_eq!(
            words("\u{092d}\u{093e}\u{0930}\u{0924} \u{0939}\u{093f}\u{0928}\u{094d}\u{0926}\u{0940}"),
            [
                "\u{092d}\u{093e}\u{0930}\u{0924}",
                "\u{0939}\u{093f}\u{0928}\u{094d}\u{0926}\u{0940}"
            ]
        );
    }

    #[test]
    fn hangul_is_read_by_words_unless_run_together() {
        let spaced = "\u{c11c}\u{c6b8}\u{c5d0}\u{c11c} \u{d68c}\u{c758}";
        assert_eq!(words(spaced), ["\u{c11c}\u{c6b8}\u{c5d0}\u{c11c}", "\u{d68c}\u{c758}"]);
        let run: String = std::iter::repeat('\u{ac00}').take(HANGUL_WORD + 1).collect();
        let text = format!("{run}x1");
        let tokens = words(&text);
        assert_eq!(tokens.len(), HANGUL_WORD + 2);
        assert_eq!(tokens.last(), Some(&"x1"));
    }

    #[test]
    fn arabic_and_cyrillic_spellings_are_made_one() {
        // Diacritics and tatweel go; alef with hamza is alef; alef maksura is yeh.
        assert_eq!(
            normalise("\u{0623}\u{064e}\u{062d}\u{0640}\u{0645}\u{064e}\u{062f} \u{0639}\u{0644}\u{0649}"),
            "\u{0627}\u{062d}\u{0645}\u{062f} \u{0639}\u{0644}\u{064a}"
        );
        assert_eq!(
            normalise("\u{0401}\u{043b}\u{043a}\u{0430} \u{0451}\u{0436}"),
            "\u{0435}\u{043b}\u{043a}\u{0430} \u{0435}\u{0436}"
        );
        // Decomposed forms meet the composed ones.
        assert_eq!(normalise("\u{0435}\u{0308}"), normalise("\u{0451}"));
        assert_eq!(normalise("\u{0627}\u{0654}"), "\u{0627}");
    }
}

