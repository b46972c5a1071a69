//! Word shingles and their hashes (the Python room `dedup/copies/shingles.py`).
//!
//! A word's hash is xxh3-64 of its UTF-8 bytes. A k-shingle's hash is a polynomial over
//! its k word hashes, plus k (shingles of different lengths never share a hash by
//! construction), mixed with MurmurHash3's 64-bit finaliser less its last step and cut to
//! its high 32 bits. These 32-bit values are what datasketch's affine32 MinHash takes as
//! input, and they are stored in databases (`texts.shingle_set`): any change to them
//! needs a schema bump.

use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::text::{normalise, words};

/// An odd 64-bit multiplier (from xxh64's primes): multiplication by it is a bijection mod 2^64.
const POLY: u64 = 0x9E37_79B1_85EB_CA87;
const MIX1: u64 = 0xFF51_AFD7_ED55_8CCD;
const MIX2: u64 = 0xC4CE_B9FE_1A85_EC53;

/// xxh3-64 of each word's UTF-8 bytes, in order.
pub fn word_hashes<S: AsRef<str>>(words: &[S]) -> Vec<u64> {
    words.iter().map(|w| xxh3_64(w.as_ref().as_bytes())).collect()
}

/// The `size`-shingle hashes of a text's word hashes, in text order (they may repeat).
/// A text shorter than `size` words gives one shingle of all its words; no words, none.
pub fn shingle_hashes(w: &[u64], size: usize) -> Vec<u32> {
    assert!(size >= 1, "shingle size must be at least 1");
    if w.is_empty() {
        return Vec::new();
    }
    let width = size.min(w.len());
    let count = (w.len() + 1).saturating_sub(size).max(1);
    w.windows(width)
        .take(count)
        .map(|window| {
            let mut h = window[0];
            for &x in &window[1..] {
                h = h.wrapping_mul(POLY).wrapping_add(x); // Horner
            }
            h = h.wrapping_add(width as u64);
            // fmix64, less its last step h ^= h >> 33, which leaves the top 32 bits alone.
            h ^= h >> 33;
            h = h.wrapping_mul(MIX1);
            h ^= h >> 33;
            h = h.wrapping_mul(MIX2);
            (h >> 32) as u32
        })
        .collect()
}

/// The distinct shingle hashes, sorted: the set Jaccard and containment are taken on.
pub fn shingle_set(hashes: &[u32]) -> Vec<u32> {
    let mut set = hashes.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

/// What indexing needs of a body: xxh3-128 of its normalised text (32 hex digits, as
/// Python's xxhash writes it), its number of words and its shingle hashes in text order.
pub struct Shingled {
    pub body_hash: String,
    pub words: usize,
    pub ordered: Vec<u32>,
}

/// Normalise a body, hash it and its shingles.
pub fn shingle_text(body: &str, size: usize) -> Shingled {
    let normalised = normalise(body);
    let tokens = words(&normalised);
    Shingled {
        body_hash: format!("{:032x}", xxh3_128(normalised.as_bytes())),
        words: tokens.len(),
        ordered: shingle_hashes(&word_hashes(&tokens), size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_values_are_unchanged() {
        // Recorded with the first Python implementation (tests/test_hotpath.py pins more).
        let tokens = words("only two");
        assert_eq!(shingle_hashes(&word_hashes(&tokens), 5), [2889667065]);
        assert_eq!(shingle_hashes(&word_hashes(&["one", "two", "three"]), 2), [3017788628, 2750071965]);
    }

    #[test]
    fn short_texts_give_one_shingle_and_empty_none() {
        assert_eq!(shingle_hashes(&[1, 2], 5).len(), 1);
        assert!(shingle_hashes(&[], 5).is_empty());
        assert_eq!(shingle_hashes(&[1, 2, 3, 4, 5, 6], 5).len(), 2);
    }

    #[test]
    fn body_hash_is_python_xxhash_hex() {
        // xxhash.xxh3_128_hexdigest(b"abc")
        assert_eq!(format!("{:032x}", xxh3_128(b"abc")), "06b05ab6733a618578af5f94892f3950");
    }

    #[test]
    fn shingle_set_is_sorted_and_distinct() {
        assert_eq!(shingle_set(&[5, 1, 5, 3, 1]), [1, 3, 5]);
    }
}
