"""The compiled core at its boundary: a panic becomes a DedupError naming the article, the
version has one source, and calls on threads give what calls in turn give."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version

import pytest

import dedup.prepare
from dedup import Article, Index, Params, __version__
from dedup._core import PanicException
from dedup.copies.shingles import shingle_text
from dedup.errors import ArticleError, CoreError, DedupError
from dedup.prepare import Preparer
from tests import textgen


def test_core_error_is_a_dedup_error() -> None:
    assert issubclass(CoreError, ArticleError) and issubclass(CoreError, DedupError)
    assert not issubclass(PanicException, Exception), "why the boundary catches it by name"


def _failing(error: BaseException) -> object:
    def shingle_text(body: str, size: int) -> object:
        raise error

    return shingle_text


# What the core raises for a panic in its work (rust/src/python.rs), and what PyO3 raises
# for one in the bindings themselves. (No input makes the core panic: a real one is
# provoked in the core's own tests, rust/src/guard.rs.)
_FAILURES = [
    CoreError("dedup's native core failed in shingle_text: panicked at src/text.rs:1:1: boom"),
    PanicException("boom"),
]


@pytest.mark.parametrize("error", _FAILURES, ids=["core-error", "panic-exception"])
def test_a_panic_in_the_core_names_the_article(error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dedup.prepare, "shingle_text", _failing(error))
    rng = random.Random(3)
    articles = [Article(id=f"a{k}", text=textgen.article(rng, 60)) for k in range(3)]
    batch = Preparer(Params()).prepare_many(articles)
    for article, got in zip(articles, batch, strict=True):
        assert isinstance(got, CoreError)
        assert f"article {article.id!r}" in str(got) and "boom" in str(got)
    with Index.open() as index, pytest.raises(CoreError, match=r"article 'a0'.*boom"):
        index.add(articles[0])
    with Index.open() as index:
        skipped = list(index.add_many(articles))
        assert [s.id for s in skipped] == ["a0", "a1", "a2"]
        assert all("boom" in str(s) for s in skipped)


def test_the_version_has_one_source() -> None:
    assert __version__ == version("dedup")


def test_calls_on_threads_give_what_calls_in_turn_give() -> None:
    """The core releases the GIL while it works: threads may prepare texts side by side."""
    rng = random.Random(5)
    bodies = [textgen.article(rng, 400) + " caf\u00e9 \u201cquoted\u201d" for _ in range(64)]
    serial = [shingle_text(b, 5) for b in bodies]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda b: shingle_text(b, 5), bodies))
    for (h1, n1, o1, s1), (h2, n2, o2, s2) in zip(serial, threaded, strict=True):
        assert (h1, n1, o1) == (h2, n2, o2) and (s1 == s2).all()
