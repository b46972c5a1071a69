"""Copies and stories in scripts other than Latin: Chinese, Japanese, Korean, Thai, Arabic,
Russian and Hindi (``fixtures/languages``: for each language an article, a copy of it with
a date, a number and one word changed, and an unrelated article of the same language)."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xxhash

from dedup import Article, Index
from dedup.copies.shingles import shingle_hashes
from dedup.copies.sketch import Sketcher
from dedup.params import Params
from tests.conftest import ROOT

LANGUAGES = ("zh", "ja", "ko", "th", "ar", "ru", "hi")
_FIXTURE = ROOT / "fixtures" / "languages" / "articles.jsonl"
RECORDS: list[dict[str, Any]] = [json.loads(line) for line in _FIXTURE.read_text("utf-8").splitlines()]
BY_ID = {r["id"]: r for r in RECORDS}


def _articles() -> list[Article]:
    return [Article(id=r["id"], text=r["text"]) for r in RECORDS]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_copies_are_found_and_unrelated_articles_stay_apart_in_every_script(seed: int) -> None:
    articles = _articles()
    random.Random(seed).shuffle(articles)
    with Index.open() as index:
        for _ in index.add_many(articles):
            pass
        got = {a.id: index.decision(a.id) for a in articles}
    for lang in LANGUAGES:
        a, copy, other = got[f"{lang}-a"], got[f"{lang}-a-copy"], got[f"{lang}-b"]
        assert copy.cluster == a.cluster, f"{lang}: the copy is not in its original's group"
        assert other.cluster != a.cluster, f"{lang}: an unrelated article joined the group"
        assert other.story != a.story, f"{lang}: an unrelated article joined the story"
    assert len({got[f"{lang}-a"].cluster for lang in LANGUAGES}) == len(LANGUAGES)


@pytest.mark.parametrize("lang", ["zh", "ja", "th"])
def test_unspaced_copies_are_near_copies_by_their_shingles(lang: str) -> None:
    """Read a letter at a time, one changed character breaks only the shingles around it."""
    with Index.open() as index:
        index.add(Article(id="a", text=BY_ID[f"{lang}-a"]["text"]))
        decision = index.add(Article(id="copy", text=BY_ID[f"{lang}-a-copy"]["text"]))
    assert decision.status == "near"
    assert decision.matches and decision.matches[0].jaccard > 0.8


def _v1_values(body: str, params: Params) -> tuple[str, int, int, bytes, bytes, bytes]:
    """What dedup wrote for a text before tokens version 2 (``\\w+`` runs of the text
    normalised without the Arabic and Cyrillic spellings), made here from that definition."""
    normalised = re.sub(
        r"\s+", " ", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", body).casefold())
    )
    normalised = normalised.strip()
    tokens = re.findall(r"\w+", normalised)
    ordered = shingle_hashes(tokens, params.shingle_size)
    signature, lead = Sketcher(params.num_perm, params.seed, params.lead_shingles).sketch(ordered.tobytes())
    shingles = sorted(set(ordered.tolist()))
    return (
        xxhash.xxh3_128_hexdigest(normalised.encode("utf-8")),
        len(tokens),
        len(shingles),
        signature.tobytes(),
        lead.tobytes(),
        np.array(shingles, dtype=np.uint32).tobytes(),
    )


_ENGLISH = "SELECT hash, shingle_set FROM texts t JOIN articles a ON a.text = t.id WHERE a.id = 'en'"


def test_a_store_made_with_the_old_tokens_is_brought_up_to_date_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Index.open(db) as index:
        index.add(Article(id="zh-a", text=BY_ID["zh-a"]["text"]))
        index.add(Article(id="en", text="An English text of plain ASCII words, " * 10))
        params = index.params
    # Make it what an older dedup wrote: the Chinese text's values from the old tokens,
    # and no tokens version.
    conn = sqlite3.connect(db)
    old = _v1_values(BY_ID["zh-a"]["text"], params)
    conn.execute(
        "UPDATE texts SET hash = ?, words = ?, shingles = ?, signature = ?, lead = ?, shingle_set = ? "
        "WHERE id = (SELECT text FROM articles WHERE id = 'zh-a')",
        old,
    )
    conn.execute("UPDATE articles SET body_hash = ? WHERE id = 'zh-a'", (old[0],))
    english = conn.execute(
        "SELECT hash, shingle_set FROM texts t JOIN articles a ON a.text = t.id WHERE a.id = 'en'"
    ).fetchone()
    conn.execute("DELETE FROM config WHERE key = 'tokens'")
    conn.commit()
    conn.close()

    with Index.open(db) as index:
        decision = index.add(Article(id="zh-copy", text=BY_ID["zh-a-copy"]["text"]))
        assert decision.status == "near" and decision.canonical == "zh-a"
        assert index.store.tokens_version() == 2
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM config WHERE key = 'tokens'").fetchone() == ("2",)
    words, shingle_set = conn.execute(
        "SELECT t.words, t.shingle_set FROM texts t JOIN articles a ON a.text = t.id WHERE a.id = 'zh-a'"
    ).fetchone()
    assert words > old[1] and shingle_set != old[5]  # a token a letter now
    # ASCII texts are never read again.
    assert (
        conn.execute(
            "SELECT hash, shingle_set FROM texts t JOIN articles a ON a.text = t.id WHERE a.id = 'en'"
        ).fetchone()
        == english
    )
    conn.close()


def test_a_new_store_records_its_tokens(tmp_path: Path) -> None:
    with Index.open(tmp_path / "new.db") as index:
        assert index.store.tokens_version() == 2
        assert index.store.get_config("tokens") == "2"


def test_explain_shows_unspaced_passages_as_they_are_written(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dedup.cli import cli

    db = tmp_path / "lang.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(_FIXTURE), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["explain", "zh-a", "zh-a-copy", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "near copy" in result.output and "便民服务" in result.output  # letters run together
    assert "便 民" not in result.output
