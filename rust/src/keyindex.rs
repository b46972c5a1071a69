//! The key index: an in-memory multimap of 32-bit keys to 32-bit text ids in about four
//! bytes an entry (the Python face is `dedup/keyindex.py`). It is the table behind the copy
//! tier's LSH bands and the story tier's key index.
//!
//! Memory is what limits an in-memory index, so entries live in sorted, bit-packed runs
//! ([`Run`]). New entries go to a small hash map first (fast to add and remove), which is
//! merged into a middle run, which is merged into the main run once it holds `middle`
//! entries: an LSM tree of three levels. Runs change in place (a merge grows the run and
//! fills it from the back), so a large run never exists twice. Removed texts are filtered
//! out of answers and dropped at the next main merge.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for 32-bit values that are ids or hash values already: one multiplication.
#[derive(Default, Clone, Copy)]
pub struct MulHasher(u64);

impl Hasher for MulHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // The high bits pick hashbrown's groups and control bytes: fold them down.
        let h = (u64::from(n) ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

type Build = BuildHasherDefault<MulHasher>;
type Map<K, V> = HashMap<K, V, Build>;
type Set<K> = HashSet<K, Build>;

/// Average entries a directory bucket holds right after a re-layout: between `BUCKET` and
/// `2 * BUCKET`. With a 32-bit directory that costs 1 to 2 bits an entry, and each bit more
/// of directory saves one bit in every entry, so about 20 is where the sum is least.
const BUCKET: usize = 16;

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Fixed-width unsigned values packed into 64-bit words (a value may straddle two words).
#[derive(Default, Clone)]
struct Packed {
    words: Vec<u64>,
    width: u32,
}

impl Packed {
    fn words_for(len: usize, width: u32) -> usize {
        // one word more, so that reading a value never needs a bounds test of its own
        (len * width as usize).div_ceil(64) + 1
    }

    fn get(&self, i: usize) -> u64 {
        let w = self.width;
        let bit = i * w as usize;
        let (word, off) = (bit >> 6, (bit & 63) as u32);
        let mut v = self.words[word] >> off;
        if off + w > 64 {
            v |= self.words[word + 1] << (64 - off);
        }
        v & mask(w)
    }

    fn set(&mut self, i: usize, v: u64) {
        let w = self.width;
        let m = mask(w);
        debug_assert!(v & !m == 0);
        let bit = i * w as usize;
        let (word, off) = (bit >> 6, (bit & 63) as u32);
        self.words[word] = (self.words[word] & !(m << off)) | (v << off);
        if off + w > 64 {
            let high = 64 - off; // bits already written in the first word
            let m2 = m >> high;
            self.words[word + 1] = (self.words[word + 1] & !m2) | (v >> high);
        }
    }

    /// Hold `len` values of `width` bits (existing words are kept as they are).
    fn resize(&mut self, len: usize, width: u32) {
        let need = Self::words_for(len, width.max(self.width));
        if need > self.words.len() {
            self.words.reserve_exact(need - self.words.len());
        }
        self.words.resize(need, 0);
    }

    fn shrink(&mut self, len: usize) {
        self.words.truncate(Self::words_for(len, self.width));
        self.words.shrink_to_fit();
    }
}

/// A sorted run of (key, text) entries, bit-packed.
///
/// A directory of `2^bits + 1` offsets indexes the top `bits` bits of the key; an entry
/// holds the key's other `32 - bits` bits above the text id (`id_bits` bits), in
/// `32 - bits + id_bits` bits. Entries are sorted by (key, text), so a bucket's entries
/// are sorted by their packed value too.
#[derive(Clone)]
pub struct Run {
    bits: u32,
    id_bits: u32,
    len: usize,
    entries: Packed,
    directory: Vec<u32>,
}

impl Default for Run {
    fn default() -> Self {
        Run::new()
    }
}

/// A (key, text) pair as one u64: key above, text below (their sort order).
pub fn pair(key: u32, text: u32) -> u64 {
    (u64::from(key) << 32) | u64::from(text)
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a key index run holds at most 2^32 - 1 entries")
}

impl Run {
    pub fn new() -> Self {
        Run { bits: 0, id_bits: 1, len: 0, entries: Packed { words: vec![0], width: 33 }, directory: vec![0, 0] }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held (the packed words and the directory, as allocated).
    pub fn nbytes(&self) -> usize {
        self.entries.words.capacity() * 8 + self.directory.capacity() * 4
    }

    fn low_bits(&self) -> u32 {
        32 - self.bits
    }

    fn width(bits: u32, id_bits: u32) -> u32 {
        32 - bits + id_bits
    }

    fn encode(&self, p: u64) -> (usize, u64) {
        let key = (p >> 32) as u32;
        let low = self.low_bits();
        let bucket = if self.bits == 0 { 0 } else { (key >> low) as usize };
        let packed = ((u64::from(key) & mask(low)) << self.id_bits) | (p & 0xFFFF_FFFF);
        (bucket, packed)
    }

    fn decode(&self, bucket: usize, packed: u64) -> u64 {
        let low = self.low_bits();
        let high = if self.bits == 0 { 0 } else { (bucket as u64) << low };
        let key = high | (packed >> self.id_bits);
        (key << 32) | (packed & mask(self.id_bits))
    }

    /// The pair at `i`, whose bucket is `bucket`.
    fn pair_at(&self, bucket: usize, i: usize) -> u64 {
        self.decode(bucket, self.entries.get(i))
    }

    /// Every pair in order (for tests and the middle run's merge).
    pub fn pairs(&self) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.len);
        for b in 0..self.directory.len() - 1 {
            for i in self.directory[b] as usize..self.directory[b + 1] as usize {
                out.push(self.pair_at(b, i));
            }
        }
        out
    }

    /// The format for `total` entries and ids up to `max_text`.
    fn format_for(&self, total: usize, max_text: u32) -> (u32, u32) {
        let id_bits = self.id_bits.max(32 - max_text.leading_zeros());
        let mut bits = self.bits;
        if total > (2 * BUCKET) << bits {
            bits = ((total / BUCKET).ilog2()).min(31);
        }
        (bits, id_bits)
    }

    /// Re-lay out the entries as (`bits`, `id_bits`), dropping those whose text `drop`
    /// says; in place. The (key, text) order does not depend on the format, so an entry
    /// keeps its index (or moves earlier, when entries before it are dropped): a narrower
    /// or equal format is rewritten from the front, a wider one from the back.
    fn relayout(&mut self, bits: u32, id_bits: u32, drop: &dyn Fn(u32) -> bool, dropping: bool) {
        debug_assert!(bits >= self.bits && id_bits >= self.id_bits);
        let (old_w, new_w) = (self.entries.width, Self::width(bits, id_bits));
        if new_w > old_w && dropping {
            // drop first (same format, from the front), then widen (from the back)
            self.relayout(self.bits, self.id_bits, drop, true);
            self.relayout(bits, id_bits, drop, false);
            return;
        }
        let new = Run { bits, id_bits, len: 0, entries: Packed::default(), directory: Vec::new() };
        let mut counts = vec![0u32; (1usize << bits) + 1];
        let buckets = self.directory.len() - 1;
        if new_w <= old_w {
            let mut written = 0;
            for b in 0..buckets {
                for i in self.directory[b] as usize..self.directory[b + 1] as usize {
                    let p = self.pair_at(b, i);
                    if dropping && drop(p as u32) {
                        continue;
                    }
                    let (nb, packed) = new.encode(p);
                    counts[nb + 1] += 1;
                    // written <= i and the new width is no wider: the value written ends
                    // where entry i + 1 (not read yet) begins, or before
                    self.entries.width = new_w;
                    self.entries.set(written, packed);
                    self.entries.width = old_w;
                    written += 1;
                }
            }
            self.entries.width = new_w;
            self.len = written;
            self.entries.shrink(written);
        } else {
            self.entries.resize(self.len, new_w);
            for b in (0..buckets).rev() {
                for i in (self.directory[b] as usize..self.directory[b + 1] as usize).rev() {
                    let p = self.pair_at(b, i);
                    let (nb, packed) = new.encode(p);
                    counts[nb + 1] += 1;
                    self.entries.width = new_w;
                    self.entries.set(i, packed);
                    self.entries.width = old_w;
                }
            }
            self.entries.width = new_w;
        }
        for b in 0..(1usize << bits) {
            counts[b + 1] += counts[b];
        }
        counts.shrink_to_fit();
        self.directory = counts;
        self.bits = bits;
        self.id_bits = id_bits;
    }

    /// Drop the entries of the texts in `dead`.
    pub fn purge(&mut self, dead: &Set<u32>) {
        if self.len > 0 && !dead.is_empty() {
            self.relayout(self.bits, self.id_bits, &|t| dead.contains(&t), true);
        }
    }

    /// Add `pairs` (sorted, see [`pair`]), in place: the run grows, then its entries and
    /// the new ones are merged from the back, so nothing is overwritten before it is read.
    pub fn absorb(&mut self, pairs: &[u64]) {
        if pairs.is_empty() {
            return;
        }
        debug_assert!(pairs.windows(2).all(|w| w[0] <= w[1]));
        let max_text = pairs.iter().map(|&p| p as u32).max().unwrap_or(0);
        let total = self.len + pairs.len();
        offset(total);
        let (bits, id_bits) = self.format_for(total, max_text);
        if (bits, id_bits) != (self.bits, self.id_bits) {
            self.relayout(bits, id_bits, &|_| false, false);
        }
        self.entries.resize(total, self.entries.width);
        let buckets = self.directory.len() - 1;
        // the old run from its end, bucket by bucket, and the new pairs from their end
        let mut b = buckets;
        let mut i = self.len; // entries [0, i) of the old run are not yet moved
        let mut j = pairs.len();
        let mut k = total;
        // the number of new pairs in each bucket, to move the directory afterwards
        let mut added = vec![0u32; buckets];
        while j > 0 {
            let (nb, np) = self.encode(pairs[j - 1]);
            // the last old entry not yet moved, and its bucket
            while b > 0 && self.directory[b - 1] as usize >= i {
                b -= 1;
            }
            let take_new = if i == 0 {
                true
            } else {
                let ob = b - 1;
                let op = self.entries.get(i - 1);
                (nb, np) >= (ob, op)
            };
            k -= 1;
            if take_new {
                self.entries.set(k, np);
                added[nb] += 1;
                j -= 1;
            } else {
                let op = self.entries.get(i - 1);
                self.entries.set(k, op);
                i -= 1;
            }
        }
        debug_assert_eq!(i, k);
        let mut before = 0u32;
        for (bucket, n) in added.iter().enumerate() {
            self.directory[bucket] += before;
            before += n;
        }
        self.directory[buckets] += before;
        self.len = total;
    }

    /// Push onto `out` the texts of the entries whose key is `key`.
    pub fn query(&self, key: u32, out: &mut Vec<u32>) {
        if self.len == 0 {
            return;
        }
        let (bucket, packed) = self.encode(pair(key, 0));
        let (mut lo, mut hi) = (self.directory[bucket] as usize, self.directory[bucket + 1] as usize);
        // the first entry of the key: packed values of the key are key << id_bits | text
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.entries.get(mid) < packed {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let want = packed >> self.id_bits;
        let end = self.directory[bucket + 1] as usize;
        let ids = mask(self.id_bits);
        while lo < end {
            let e = self.entries.get(lo);
            if e >> self.id_bits != want {
                break;
            }
            out.push((e & ids) as u32);
            lo += 1;
        }
    }
}

/// The multimap: buffer, middle run and main run, with the removed texts.
pub struct KeyIndex {
    buffer_limit: usize,
    middle_limit: usize,
    buckets: Map<u32, Vec<u32>>,
    pending: Map<u32, Vec<u32>>, // text -> its keys, while they are in the buffer
    buffered: usize,
    middle: Run,
    main: Run,
    dead: Set<u32>,
    texts: usize,
}

impl KeyIndex {
    pub fn new(buffer: usize, middle: usize) -> Self {
        KeyIndex {
            buffer_limit: buffer.max(1),
            middle_limit: middle.max(1),
            buckets: Map::default(),
            pending: Map::default(),
            buffered: 0,
            middle: Run::new(),
            main: Run::new(),
            dead: Set::default(),
            texts: 0,
        }
    }

    /// The number of texts in the index.
    pub fn len(&self) -> usize {
        self.texts
    }

    pub fn is_empty(&self) -> bool {
        self.texts == 0
    }

    /// (key, text) entries held, removed texts' ones included until the next main merge.
    pub fn entries(&self) -> usize {
        self.buffered + self.middle.len() + self.main.len()
    }

    /// Bytes held in the runs (the buffer comes on top).
    pub fn nbytes(&self) -> usize {
        self.middle.nbytes() + self.main.nbytes()
    }

    /// Whether inserting `text` now would merge the runs first (a removed text coming back)
    /// or fill the buffer: the bindings release the GIL for those.
    pub fn insert_is_bulk(&self, text: u32, keys: usize) -> bool {
        self.dead.contains(&text) || self.buffered + keys >= self.buffer_limit
    }

    pub fn insert(&mut self, text: u32, keys: &[u32]) {
        if self.dead.contains(&text) {
            self.merge_main(); // its old entries must go before it can come back
            self.dead.remove(&text);
        }
        let mut unique: Vec<u32> = keys.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let held = self.pending.entry(text).or_default();
        if held.is_empty() {
            self.texts += 1;
        }
        for &key in &unique {
            if held.binary_search(&key).is_ok() {
                continue; // a text inserted twice while buffered: each key once
            }
            self.buckets.entry(key).or_default().push(text);
            self.buffered += 1;
        }
        if held.is_empty() {
            *held = unique;
        } else {
            held.extend_from_slice(&unique);
            held.sort_unstable();
            held.dedup();
        }
        if self.buffered >= self.buffer_limit {
            self.flush();
        }
    }

    /// Insert many texts at once (opening an index): one sort, straight into the main run.
    pub fn insert_many(&mut self, texts: &[u32], keys: &[Vec<u32>]) {
        assert_eq!(texts.len(), keys.len(), "insert_many needs one list of keys a text");
        self.merge_main();
        let mut pairs: Vec<u64> = Vec::with_capacity(keys.iter().map(Vec::len).sum());
        for (&text, ks) in texts.iter().zip(keys) {
            pairs.extend(ks.iter().map(|&k| pair(k, text)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        self.main.absorb(&pairs);
        self.texts += texts.len();
    }

    /// Take a text out (`keys` must be the ones it was inserted with, when buffered).
    pub fn remove(&mut self, text: u32, keys: &[u32]) {
        let Some(held) = self.pending.remove(&text) else {
            self.dead.insert(text);
            self.texts = self.texts.saturating_sub(1);
            if self.dead.len() > 1024usize.max(self.texts >> 4) {
                self.merge_main();
            }
            return;
        };
        let _ = keys; // the buffer knows a buffered text's keys itself
        self.texts -= 1;
        self.buffered -= held.len();
        for key in held {
            if let Some(ids) = self.buckets.get_mut(&key) {
                if let Some(at) = ids.iter().position(|&t| t == text) {
                    ids.swap_remove(at);
                }
                if ids.is_empty() {
                    self.buckets.remove(&key);
                }
            }
        }
    }

    /// Whether `remove(text)` would merge the runs (the bindings release the GIL then).
    pub fn remove_is_bulk(&self, text: u32) -> bool {
        !self.pending.contains_key(&text) && self.dead.len() + 1 > 1024usize.max(self.texts.saturating_sub(1) >> 4)
    }

    /// The texts sharing at least one key with `keys` (and, rarely, one sharing 32 bits of
    /// one), sorted, without repeats.
    pub fn query_sorted(&self, keys: &[u32]) -> Vec<u32> {
        let mut found = Vec::new();
        for &key in keys {
            if let Some(ids) = self.buckets.get(&key) {
                found.extend_from_slice(ids);
            }
            self.middle.query(key, &mut found);
            self.main.query(key, &mut found);
        }
        found.sort_unstable();
        found.dedup();
        if !self.dead.is_empty() {
            found.retain(|t| !self.dead.contains(t));
        }
        found
    }

    /// Move the buffered entries into the runs (done by itself when the buffer is full).
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut pairs: Vec<u64> = Vec::with_capacity(self.buffered);
        for (&text, keys) in &self.pending {
            pairs.extend(keys.iter().map(|&k| pair(k, text)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        self.middle.absorb(&pairs);
        self.buckets.clear();
        self.pending.clear();
        self.buffered = 0;
        if self.middle.len() >= self.middle_limit {
            self.merge_main();
        }
    }

    /// Buffer and middle run into the main run; drop removed texts everywhere.
    pub fn merge_main(&mut self) {
        self.flush();
        if !self.middle.is_empty() {
            let mut middle = std::mem::take(&mut self.middle);
            middle.purge(&self.dead);
            let pairs = middle.pairs();
            drop(middle);
            self.main.absorb(&pairs);
        }
        self.main.purge(&self.dead);
        self.dead = Set::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// xorshift64*: a small deterministic generator for the randomized tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn key(&mut self) -> u32 {
            // few keys (shared buckets) or any 32-bit key
            if self.below(2) == 0 {
                self.below(40) as u32
            } else {
                self.next() as u32
            }
        }
    }

    #[test]
    fn packed_values_straddle_words() {
        for width in [1, 7, 31, 32, 33, 63, 64] {
            let mut p = Packed { words: Vec::new(), width };
            p.resize(200, width);
            let m = mask(width);
            for i in 0..200 {
                p.set(i, (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) & m);
            }
            for i in 0..200 {
                assert_eq!(p.get(i), (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) & m, "{width} {i}");
            }
        }
    }

    #[test]
    fn a_run_absorbs_relayouts_and_purges() {
        let mut rng = Rng(7);
        let mut run = Run::new();
        let mut truth: Vec<u64> = Vec::new();
        for round in 0..40 {
            let n = 1 + rng.below(3000) as usize;
            let id_limit = if round < 20 { 1000 } else { u64::from(u32::MAX) };
            let mut pairs: Vec<u64> = (0..n).map(|_| pair(rng.key(), rng.below(id_limit) as u32)).collect();
            pairs.sort_unstable();
            run.absorb(&pairs);
            truth.extend(&pairs);
            truth.sort_unstable();
            assert_eq!(run.pairs(), truth);
            if round % 5 == 4 {
                let dead: Set<u32> = truth.iter().step_by(7).map(|&p| p as u32).collect();
                run.purge(&dead);
                truth.retain(|p| !dead.contains(&(*p as u32)));
                assert_eq!(run.pairs(), truth);
            }
        }
        assert!(run.bits > 0);
    }

    #[test]
    fn a_large_run_is_compact() {
        // 50,000 texts of 84 random keys: about 4 bytes an entry
        let mut rng = Rng(11);
        let mut index = KeyIndex::new(1 << 17, 1 << 22);
        let texts: Vec<u32> = (1..=50_000).collect();
        let keys: Vec<Vec<u32>> = texts.iter().map(|_| (0..84).map(|_| rng.next() as u32).collect()).collect();
        index.insert_many(&texts, &keys);
        let per_entry = index.nbytes() as f64 / index.entries() as f64;
        assert!(per_entry < 4.2, "{per_entry} bytes an entry");
        for (text, ks) in texts.iter().zip(&keys).step_by(997) {
            assert!(index.query_sorted(ks).contains(text));
        }
    }

    /// The index against a HashMap of sets, through flushes, merges, re-layouts, removals.
    fn compare(seed: u64, buffer: usize, middle: usize, id_step: u32, steps: usize) {
        let mut rng = Rng(seed);
        let mut index = KeyIndex::new(buffer, middle);
        let mut truth: HashMap<u32, BTreeSet<u32>> = HashMap::new();
        let mut inserted: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        let mut next = 1u32;
        for _ in 0..steps {
            match rng.below(10) {
                0..=3 => {
                    let keys: Vec<u32> = (0..1 + rng.below(12)).map(|_| rng.key()).collect();
                    index.insert(next, &keys);
                    for &k in &keys {
                        truth.entry(k).or_default().insert(next);
                    }
                    inserted.insert(next, keys);
                    next = next.wrapping_add(id_step);
                }
                4..=5 if !inserted.is_empty() => {
                    let at = rng.below(inserted.len() as u64) as usize;
                    let text = *inserted.keys().nth(at).unwrap();
                    let keys = inserted.remove(&text).unwrap();
                    index.remove(text, &keys);
                    for k in keys {
                        truth.get_mut(&k).unwrap().remove(&text);
                    }
                }
                6 => index.flush(),
                7 if !inserted.is_empty() && rng.below(4) == 0 => {
                    // a removed text comes back, with other keys
                    let text = *inserted.keys().next().unwrap();
                    let keys = inserted.remove(&text).unwrap();
                    index.remove(text, &keys);
                    for k in keys {
                        truth.get_mut(&k).unwrap().remove(&text);
                    }
                    let keys: Vec<u32> = (0..1 + rng.below(5)).map(|_| rng.key()).collect();
                    index.insert(text, &keys);
                    for &k in &keys {
                        truth.entry(k).or_default().insert(text);
                    }
                    inserted.insert(text, keys);
                }
                _ => {
                    let keys: Vec<u32> = (0..rng.below(12)).map(|_| rng.key()).collect();
                    let want: BTreeSet<u32> =
                        keys.iter().filter_map(|k| truth.get(k)).flatten().copied().collect();
                    let got = index.query_sorted(&keys);
                    assert_eq!(got, want.into_iter().collect::<Vec<_>>());
                }
            }
            assert_eq!(index.len(), inserted.len());
        }
        for (text, keys) in &inserted {
            assert!(index.query_sorted(keys).contains(text));
        }
        index.merge_main();
        let held: usize = truth.values().map(BTreeSet::len).sum();
        assert_eq!(index.entries(), held);
    }

    #[test]
    fn the_index_finds_what_a_hashmap_finds() {
        let mut seed = 1;
        for buffer in [1, 10, 50, 1000] {
            for middle in [1, 7, 300, 1 << 20] {
                for id_step in [1, 3, 1 << 20] {
                    compare(seed, buffer, middle, id_step, 2000);
                    seed += 1;
                }
            }
        }
    }

    #[test]
    fn insert_many_equals_inserting_one_by_one() {
        let mut rng = Rng(3);
        let keys: Vec<Vec<u32>> = (0..500).map(|_| (0..84).map(|_| rng.below(1 << 20) as u32).collect()).collect();
        let texts: Vec<u32> = (1..=500).collect();
        let (mut one, mut many) = (KeyIndex::new(100, 1 << 22), KeyIndex::new(1 << 17, 1 << 22));
        for (&t, ks) in texts.iter().zip(&keys) {
            one.insert(t, ks);
        }
        many.insert(9999, &keys[0]);
        many.insert_many(&texts, &keys);
        assert_eq!(many.len(), 501);
        for ks in &keys {
            let mut m = many.query_sorted(ks);
            m.retain(|&t| t != 9999);
            assert_eq!(m, one.query_sorted(ks));
        }
    }
}
