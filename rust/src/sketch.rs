//! MinHash signatures, bit for bit datasketch 2.x's affine32 scheme (the Python room
//! `dedup/copies/sketch.py`, which takes the permutations from datasketch itself).
//!
//! datasketch pre-mixes each 32-bit input with MurmurHash3's 32-bit finaliser, then keeps
//! per permutation the minimum of `a * h + b mod 2^32`. Besides the full signature there
//! is the *lead*'s, over the first `lead_shingles` shingles: the full one is the element-wise
//! minimum of the lead's and the rest's, so the lead costs nothing extra.

/// MurmurHash3's 32-bit finaliser.
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 16)
}

pub struct Sketcher {
    a: Vec<u32>,
    b: Vec<u32>,
    lead_shingles: usize,
}

impl Sketcher {
    /// The permutations `(a, b)` as datasketch makes them; `a` and `b` have one value a
    /// permutation.
    pub fn new(a: Vec<u32>, b: Vec<u32>, lead_shingles: usize) -> Result<Self, String> {
        if a.len() != b.len() || a.is_empty() {
            return Err(format!(
                "the permutations need as many a as b values, at least one: got {} and {}",
                a.len(),
                b.len()
            ));
        }
        Ok(Sketcher { a, b, lead_shingles })
    }

    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    fn fold(&self, hashes: &[u32], mins: &mut [u32]) {
        for &h in hashes {
            let x = fmix32(h);
            for ((m, &a), &b) in mins.iter_mut().zip(&self.a).zip(&self.b) {
                *m = (*m).min(a.wrapping_mul(x).wrapping_add(b));
            }
        }
    }

    /// (full, lead) signatures of shingle hashes in text order; with no shingles, both
    /// hold datasketch's empty value (2^32 - 1) everywhere.
    pub fn sketch(&self, hashes: &[u32]) -> (Vec<u32>, Vec<u32>) {
        let mut lead = vec![u32::MAX; self.a.len()];
        let split = self.lead_shingles.min(hashes.len());
        self.fold(&hashes[..split], &mut lead);
        let mut full = lead.clone();
        self.fold(&hashes[split..], &mut full);
        (full, lead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_is_the_minimum_of_lead_and_rest() {
        let sk = Sketcher::new(vec![3, 5, 7], vec![1, 2, 3], 2).unwrap();
        let hashes = [10, 20, 30, 40];
        let (full, lead) = sk.sketch(&hashes);
        let (lead2, _) = Sketcher::new(vec![3, 5, 7], vec![1, 2, 3], 9).unwrap().sketch(&hashes[..2]);
        assert_eq!(lead, lead2);
        assert!(full.iter().zip(&lead).all(|(f, l)| f <= l));
    }

    #[test]
    fn empty_gives_the_empty_value() {
        let sk = Sketcher::new(vec![3], vec![1], 64).unwrap();
        assert_eq!(sk.sketch(&[]), (vec![u32::MAX], vec![u32::MAX]));
    }

    #[test]
    fn mismatched_permutations_are_refused() {
        assert!(Sketcher::new(vec![1, 2], vec![1], 4).is_err());
    }
}
