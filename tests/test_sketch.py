"""Normalisation, shingles and signatures: laws, and equality with datasketch."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.copies.normalise import normalise, words
from dedup.copies.shingles import shingle_hashes, shingle_set
from dedup.copies.sketch import Sketcher, estimate_jaccard
from dedup.copies.verify import overlap


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


def test_normalise_unifies_typography() -> None:
    assert normalise("“Quoted” — it’s  ＦＵＬＬ\nwidth") == normalise('"quoted" - it\'s full width')


def test_shingles_are_positional_and_order_sensitive() -> None:
    a = shingle_hashes(["one", "two", "three", "four", "five", "six"], 5)
    assert a.size == 2
    b = shingle_hashes(["six", "five", "four", "three", "two", "one"], 5)
    assert not set(a.tolist()) & set(b.tolist())


def test_short_text_gives_one_shingle() -> None:
    assert shingle_hashes(["only", "two"], 5).size == 1
    assert shingle_hashes([], 5).size == 0


def test_signature_is_datasketch_affine32(seed_bodies: dict[str, str]) -> None:
    tokens = words(normalise(next(iter(seed_bodies.values()))))
    hashes = shingle_hashes(tokens, 5)
    full, lead = Sketcher(128, 1, 64).sketch(hashes)
    expected = MinHash(num_perm=128, seed=1, hashfunc=lambda x: x)
    expected.update_batch(hashes.tolist())
    assert np.array_equal(full, expected.hashvalues)
    expected_lead = MinHash(num_perm=128, seed=1, hashfunc=lambda x: x)
    expected_lead.update_batch(hashes[:64].tolist())
    assert np.array_equal(lead, expected_lead.hashvalues)


@given(st.integers(1, 13_000), st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_signatures_of_any_length_are_datasketch_affine32(n: int, seed: int) -> None:
    """Long texts are sketched a block at a time; the result is datasketch's all the same."""
    hashes = np.random.default_rng(seed).integers(0, 2**32, size=n, dtype=np.uint32)
    full, lead = Sketcher(128, 1, 64).sketch(hashes)
    for values, expected_of in ((full, hashes), (lead, hashes[:64])):
        expected = MinHash(num_perm=128, seed=1, hashfunc=lambda x: x)
        expected.update_batch(expected_of.tolist())
        assert np.array_equal(values, expected.hashvalues)


def test_datasketch_roundtrip_and_estimate(seed_bodies: dict[str, str]) -> None:
    sk = Sketcher(128, 1, 64)
    sets = []
    sigs = []
    for body in list(seed_bodies.values())[:2]:
        h = shingle_hashes(words(normalise(body)), 5)
        sets.append(shingle_set(h))
        sigs.append(sk.sketch(h)[0])
    m0, m1 = sk.datasketch(sigs[0]), sk.datasketch(sigs[1])
    assert m0.jaccard(m1) == estimate_jaccard(sigs[0], sigs[1])
    assert abs(estimate_jaccard(sigs[0], sigs[1]) - overlap(sets[0], sets[1]).jaccard) < 0.1


@given(st.lists(st.integers(0, 50), max_size=60), st.lists(st.integers(0, 50), max_size=60))
def test_overlap_is_symmetric(a: list[int], b: list[int]) -> None:
    sa = np.unique(np.array(a, dtype=np.uint32))
    sb = np.unique(np.array(b, dtype=np.uint32))
    ab, ba = overlap(sa, sb), overlap(sb, sa)
    assert ab.jaccard == ba.jaccard
    assert ab.a_in_b == ba.b_in_a
    assert ab.containment == ba.containment
