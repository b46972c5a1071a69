//! The text functions on any string (random bytes, read as UTF-8 with replacement): no
//! panic, and the laws they promise hold.
#![no_main]

use dedup_core::shingles::{shingle_hashes, shingle_set, shingle_text, word_hashes};
use dedup_core::sketch::Sketcher;
use dedup_core::text::{is_space, is_word, normalise, words};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = normalise(&text);
    assert_eq!(normalise(&once), once, "normalise is idempotent");
    assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    assert!(!once.chars().any(|c| is_space(c) && c != ' '), "one kind of space");
    let tokens = words(&once);
    assert!(tokens.iter().all(|w| !w.is_empty() && w.chars().all(is_word)));
    let size = 1 + data.first().map_or(0, |b| (b % 7) as usize);
    let hashes = shingle_hashes(&word_hashes(&tokens), size);
    assert_eq!(hashes.len(), if tokens.is_empty() { 0 } else { (tokens.len() + 1).saturating_sub(size).max(1) });
    let done = shingle_text(&text, size);
    assert_eq!((done.words, &done.ordered), (tokens.len(), &hashes));
    let set = shingle_set(&hashes);
    assert!(set.windows(2).all(|p| p[0] < p[1]));
    let sketcher = Sketcher::new(vec![0x9e37_79b1, 3, 5, 7], vec![1, 2, 3, 4], 3).expect("valid permutations");
    let (full, lead) = sketcher.sketch(&hashes);
    assert!(full.iter().zip(&lead).all(|(f, l)| f <= l));
});
