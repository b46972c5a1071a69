"""The compiled core gives what the Python kernels it replaced gave, value for value.

``kernel_pins.json`` was recorded once with the Python implementation (NumPy normalisation,
shingle hashes and affine32 MinHash, CPython 3.11) before the core replaced it: 486 inputs,
the seeds (bodies and whole files), typography, every kind of white space, case folding
that changes length or composes, compatibility forms, combining marks, scripts without
case, characters outside the basic plane, the empty text, texts around the lead's 64
shingles and the sketch's old 4,096-shingle blocks, and 400 random strings. Stored
databases hold these values (``texts.hash``, ``texts.shingle_set``, ``texts.signature``),
so they must never change, with one exception made on purpose: the cases marked
``tokens_version: 2`` were re-recorded with the compiled core when tokens came to keep
combining marks in their words, to read unspaced scripts (Han, kana, Thai...) letter by
letter, and normalisation to make Arabic and Cyrillic spelling variants one (old stores are
migrated on open: ``dedup.store.tokens``). Exactly the inputs holding such characters were
re-recorded; every other case still holds the Python kernels' values.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import xxhash

from dedup.copies.normalise import normalise, words
from dedup.copies.shingles import shingle_hashes, shingle_set, shingle_text, text_shingles
from dedup.copies.sketch import Sketcher
from tests.test_hotpath import _TYPOGRAPHY, _hangul, _unspaced

_PINS = json.loads((Path(__file__).parent / "kernel_pins.json").read_text(encoding="utf-8"))
_SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
_BASE = [
    *("the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while"),
    *("seven", "wire", "agencies", "report", "it"),
]


def _text(key: str, case: dict[str, Any]) -> str:
    """The input of a case: inline, a seed, or ``words-N`` (N words made as when recorded)."""
    if case["text"] is not None:
        return str(case["text"])
    if key.startswith("seed-body-"):
        labels = json.loads((_SEEDS / "body_labels.json").read_text(encoding="utf-8"))
        return "\n".join(labels[key.removeprefix("seed-body-")]["body"])
    if key.startswith("seed-file-"):
        return (_SEEDS / key.removeprefix("seed-file-")).read_text(encoding="utf-8")
    n = int(key.removeprefix("words-"))
    return " ".join(f"{_BASE[i % len(_BASE)]}{(i * 7919) % 613}" for i in range(n))


def _digest(values: npt.NDArray[np.uint32]) -> str:
    return xxhash.xxh3_64_hexdigest(np.ascontiguousarray(values, dtype="<u4").tobytes())


@pytest.fixture(scope="module")
def sketcher() -> Sketcher:
    p = _PINS["params"]
    return Sketcher(p["num_perm"], p["seed"], p["lead_shingles"])


def test_the_pins_cover_what_they_should() -> None:
    cases = _PINS["cases"]
    assert len(cases) == 486
    assert any(c["shingles"] > 4096 for c in cases.values()), "longer than a sketch block"
    assert any(0 < c["shingles"] < 64 for c in cases.values()), "shorter than the lead"
    assert any(c["words"] == 0 for c in cases.values()), "no words at all"


def _touched(text: str) -> bool:
    """Whether the tokens of version 2 can differ from those of version 1 on ``text``."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    spellings = {"\u0451"} | {k for k in _TYPOGRAPHY if ord(k) >= 0x600}
    return any(
        unicodedata.category(c) in ("Mn", "Mc", "Me") or _unspaced(c) or _hangul(c) or c in spellings
        for c in folded
    )


def test_only_the_inputs_the_new_tokens_touch_were_pinned_again() -> None:
    for key, case in _PINS["cases"].items():
        assert (case.get("tokens_version", 1) == 2) == _touched(_text(key, case)), key


@pytest.mark.parametrize("key", sorted(_PINS["cases"]))
def test_kernels_give_the_pinned_values(key: str, sketcher: Sketcher) -> None:
    case = _PINS["cases"][key]
    size = _PINS["params"]["shingle_size"]
    text = _text(key, case)
    normalised = normalise(text)
    ordered, count = text_shingles(normalised, size)
    full, lead = sketcher.sketch(ordered)
    shingles = shingle_set(ordered)
    got = {
        "normalised_xxh3_128": xxhash.xxh3_128_hexdigest(normalised.encode("utf-8")),
        "words": count,
        "shingles": int(ordered.size),
        "ordered_xxh3_64": _digest(ordered),
        "set_size": int(shingles.size),
        "set_xxh3_64": _digest(shingles),
        "signature_xxh3_64": _digest(full),
        "lead_xxh3_64": _digest(lead),
    }
    assert got == {k: case[k] for k in got}
    body_hash, words_, ordered_bytes, set_ = shingle_text(text, size)
    assert (body_hash, words_, ordered_bytes) == (got["normalised_xxh3_128"], count, ordered.tobytes())
    assert np.array_equal(set_, shingles)
    if "normalised" in case:  # the short inputs: the values themselves
        assert normalised == case["normalised"]
        assert words(normalised) == case["tokens"]
        assert ordered.tolist() == case["ordered"]
        assert shingle_hashes(case["tokens"], 2).tolist() == case["shingles2"]
