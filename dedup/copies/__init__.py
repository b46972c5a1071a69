"""The copy tier: normalised text, shingles and their hashes, MinHash signatures, LSH
bands, the exact verification of candidates, and the tier the index keeps in memory."""
