"""The index on constructed copies: what must be found, what must never be grouped."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Article, ArticleError, ConfigMismatch, Index, Params, UnknownArticle
from tests import textgen
from tests.conftest import SEEDS


def test_seeds_are_five_articles_and_no_copies(
    index: Index, seed_files: list[Path], expected: dict[str, Any]
) -> None:
    decisions = [index.add(Article(id=f.name, text=f.read_text(encoding="utf-8"))) for f in seed_files]
    assert not any(d.is_duplicate for d in decisions)
    assert len({d.cluster for d in decisions}) == 5
    stories: dict[int | None, set[str]] = {}
    for f in seed_files:
        stories.setdefault(index.decision(f.name).story, set()).add(f.name)
    assert sorted(map(sorted, stories.values())) == sorted(map(sorted, expected["stories"]))
    canonical = index.decision("004_88897482dd4b4aba.txt").story_canonical
    assert canonical in expected["canonical"]["001_049fdeccea105af2.txt"]


def test_verbatim_copy_is_exact(index: Index, seed_bodies: dict[str, str]) -> None:
    body = seed_bodies["001_049fdeccea105af2.txt"]
    index.add(Article(id="wire", text=body, published="2024-09-13T08:00:00Z"))
    d = index.add(
        Article(id="copy", text="  " + body.replace("\n", "\n\n") + "\n", published="2024-09-13T09:30:00Z")
    )
    assert d.status == "exact"
    assert d.canonical == "wire"
    assert d.matches[0].id == "wire"
    assert d.reason.startswith("earliest published")


def test_copy_inside_other_sites_boilerplate(index: Index, rng: random.Random) -> None:
    body = textgen.article(rng, 500)
    header, footer = textgen.boilerplate(rng, "Daily Planet")
    index.add(Article(id="wire", text=body, published="2024-05-01"))
    d = index.add(Article(id="page", text=f"{header}\n{body}\n{footer}", published="2024-05-01"))
    # Extraction strips the other site's menus and related lists: the body is the wire text.
    assert d.status in {"exact", "near"}
    assert d.matches[0].containment >= 0.8
    assert d.cluster == index.decision("wire").cluster


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.08, 0.10])
def test_edited_copies_are_found(index: Index, rng: random.Random, rate: float) -> None:
    body = textgen.article(rng, 600)
    index.add(Article(id="wire", text=body, published="2024-05-01T06:00:00Z"))
    d = index.add(Article(id="edited", text=textgen.edit(rng, body, rate), published="2024-05-01T07:00:00Z"))
    assert d.status == "near", d
    assert d.canonical == "wire"


@pytest.mark.parametrize("share", [0.4, 0.5, 0.7, 0.9])
def test_truncated_copies_are_found_and_the_full_text_is_canonical(
    index: Index, rng: random.Random, share: float
) -> None:
    body = textgen.article(rng, 700)
    index.add(Article(id="cut", text=textgen.truncate(body, share), published="2024-05-01"))
    d = index.add(Article(id="full", text=body, published="2024-05-01"))
    assert d.status == "near", d
    assert d.matches[0].containment >= 0.8
    assert d.canonical == "full"
    # At 90 % each text holds 90 % of the other: both "contain" the other, length decides.
    assert ("most complete" if share < 0.8 else "longest") in d.reason


@pytest.mark.slow
def test_unrelated_articles_are_never_grouped(index: Index, rng: random.Random) -> None:
    decisions = [
        index.add(Article(id=f"a{i}", text=textgen.article(rng, rng.randint(300, 900)))) for i in range(300)
    ]
    # (The made-up vocabulary is all "rare" to the story tier, so only copy groups count.)
    assert not any(d.is_duplicate for d in decisions)
    assert len({d.cluster for d in decisions}) == 300


def test_undated_derivative_never_beats_dated_original(index: Index, rng: random.Random) -> None:
    body = textgen.article(rng, 400)
    index.add(Article(id="a-undated", text=body + " extra words at the end of it"))
    d = index.add(Article(id="z-dated", text=body, published="2024-01-02"))
    assert d.canonical == "z-dated"
    assert d.reason.startswith("dated")


def test_merge_keeps_the_older_cluster_id(index: Index, rng: random.Random) -> None:
    body = textgen.article(rng, 800)
    first = index.add(Article(id="head", text=textgen.truncate(body, 0.45)))
    other = index.add(Article(id="unrelated", text=textgen.article(rng, 300)))
    tail_words = body.split(" ")
    second = index.add(Article(id="tail", text=" ".join(tail_words[len(tail_words) // 2 :])))
    assert second.status == "new" and second.cluster != first.cluster
    bridge = index.add(Article(id="full", text=body))
    assert bridge.status == "near"
    assert bridge.cluster == first.cluster  # the older of the two merged ids
    assert index.decision("tail").cluster == first.cluster
    assert index.decision("unrelated").cluster == other.cluster


def test_removing_the_bridge_splits_the_cluster(index: Index, rng: random.Random) -> None:
    body = textgen.article(rng, 800)
    words = body.split(" ")
    index.add(Article(id="head", text=" ".join(words[: len(words) // 2])))
    index.add(Article(id="tail", text=" ".join(words[len(words) // 2 :])))
    index.add(Article(id="full", text=body))
    assert index.decision("head").cluster == index.decision("tail").cluster
    index.remove("full")
    assert index.decision("head").cluster != index.decision("tail").cluster
    with pytest.raises(UnknownArticle):
        index.decision("full")


def test_same_id_with_new_content_replaces_the_old_version(index: Index, rng: random.Random) -> None:
    a, b = textgen.article(rng), textgen.article(rng)
    index.add(Article(id="x", text=a))
    index.add(Article(id="copy-of-a", text=a))
    assert index.add(Article(id="x", text=a)).status == "unchanged"
    d = index.add(Article(id="x", text=b))
    assert d.status == "new"
    assert index.decision("copy-of-a").cluster != d.cluster
    assert len(index) == 2


def test_query_does_not_add(index: Index, rng: random.Random) -> None:
    body = textgen.article(rng)
    assert index.query(Article(id="q", text=body)).status == "new"
    index.add(Article(id="a", text=body))
    q = index.query(Article(id="q", text=textgen.edit(rng, body, 0.03)))
    assert q.status == "near" and q.canonical == "a"
    assert "q" not in index and len(index) == 1


def test_empty_article_is_rejected(index: Index) -> None:
    with pytest.raises(ArticleError, match="no words"):
        index.add(Article(id="empty", text=" \n ... "))
    skipped = list(index.add_many([Article(id="empty", text="")]))
    assert skipped[0].status == "skipped"


def test_reopening_with_other_sketch_parameters_fails(db_path: Path) -> None:
    Index.open(db_path).close()
    with pytest.raises(ConfigMismatch, match=r"num_perm: 128 -> 64"):
        Index.open(db_path, Params(num_perm=64, bands=21))
    # Decision thresholds may change between runs.
    Index.open(db_path, Params(jaccard_threshold=0.6)).close()


def test_state_survives_reopening(db_path: Path, rng: random.Random) -> None:
    body = textgen.article(rng)
    with Index.open(db_path) as idx:
        first = idx.add(Article(id="a", text=body))
    with Index.open(db_path) as idx:
        d = idx.add(Article(id="b", text=textgen.edit(rng, body, 0.04)))
        assert d.status == "near" and d.cluster == first.cluster
        later = idx.add(Article(id="c", text=textgen.article(rng))).cluster
        assert later is not None and first.cluster is not None and later > first.cluster


def _corpus(seed: int) -> list[Article]:
    """Families of copies (exact, edited, truncated, bridged) among unrelated articles."""
    rng = random.Random(seed)
    out = []
    for family in range(6):
        body = textgen.article(rng, rng.randint(300, 700))
        out.append(Article(id=f"f{family}-wire", text=body))
        out.append(Article(id=f"f{family}-exact", text=body))
        out.append(Article(id=f"f{family}-edit", text=textgen.edit(rng, body, 0.05)))
        out.append(Article(id=f"f{family}-cut", text=textgen.truncate(body, 0.5)))
        words = body.split(" ")
        out.append(Article(id=f"f{family}-tail", text=" ".join(words[len(words) // 2 :])))
    out.extend(Article(id=f"u{i}", text=textgen.article(rng, 300)) for i in range(8))
    return out


def _partition(articles: list[Article]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    with Index.open() as idx:
        for d in idx.add_many(articles, batch_size=7):
            assert d.status != "skipped"
        for a in articles:
            groups.setdefault(idx.decision(a.id).cluster or 0, set()).add(a.id)
    return {frozenset(g) for g in groups.values()}


_CORPUS = _corpus(7)
_EXPECTED = _partition(_CORPUS)


def test_corpus_groups_are_the_families() -> None:
    families = {frozenset(a.id for a in _CORPUS if a.id.startswith(f"f{i}-")) for i in range(6)}
    singles = {frozenset([a.id]) for a in _CORPUS if a.id.startswith("u")}
    assert families | singles == _EXPECTED


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(len(_CORPUS))))
def test_membership_does_not_depend_on_arrival_order(order: list[int]) -> None:
    assert _partition([_CORPUS[i] for i in order]) == _EXPECTED


def test_add_many_with_workers_gives_the_same_decisions(rng: random.Random) -> None:
    articles = _CORPUS
    with Index.open() as one, Index.open() as two:
        a = [(d.status, getattr(d, "cluster", None)) for d in one.add_many(articles)]
        b = [(d.status, getattr(d, "cluster", None)) for d in two.add_many(articles, workers=2)]
    assert a == b


def _page_with_body(template: str, template_body: list[str], body: list[str]) -> str:
    """A copy of a seed page in which another article's body takes the place of its own."""
    lines = template.splitlines()
    first = lines.index(template_body[0])
    last = lines.index(template_body[-1])
    return "\n\n".join([*lines[:first], *body, *lines[last + 1 :]])


def test_seed_text_inside_another_sites_page_is_a_copy(index: Index, seed_files: list[Path]) -> None:
    labels = json.loads((SEEDS / "body_labels.json").read_text(encoding="utf-8"))
    pages = {f.name: f.read_text(encoding="utf-8") for f in seed_files}
    wire = "001_049fdeccea105af2.txt"
    host = "003_56cc465d1d7b337e.txt"
    copy = _page_with_body(pages[host], labels[host]["body"], labels[wire]["body"])
    original = index.add(Article(id=wire, text=pages[wire], published="2024-09-13"))
    d = index.add(Article(id="urdupoint-copy", text=copy, published="2024-09-13T16:00:00Z"))
    assert d.status in {"exact", "near"}, d
    assert d.cluster == original.cluster
    other = index.add(Article(id=host, text=pages[host]))
    assert other.cluster != original.cluster


@pytest.mark.parametrize("variant", ["edit", "truncate"])
def test_seed_text_edited_or_cut_is_a_copy(
    index: Index, seed_bodies: dict[str, str], rng: random.Random, variant: str
) -> None:
    body = seed_bodies["003_56cc465d1d7b337e.txt"]
    index.add(Article(id="wire", text=body, published="2024-09-13T14:00:00Z"))
    text = textgen.edit(rng, body, 0.06) if variant == "edit" else textgen.truncate(body, 0.5)
    d = index.add(Article(id="copy", text=text, published="2024-09-13T18:00:00Z"))
    assert d.status == "near", d
    assert d.canonical == "wire"


def test_query_of_an_indexed_article_says_unchanged_as_add_does(index: Index, rng: random.Random) -> None:
    article = Article(id="a", text=textgen.article(rng, 200))
    index.add(article)
    assert index.query(article).status == index.add(article).status == "unchanged"


def test_tune_changes_decision_parameters_and_refuses_sketch_ones() -> None:
    with Index.open(tune={"jaccard_threshold": 0.4, "window_days": 10}) as index:
        assert index.params.jaccard_threshold == 0.4 and index.story_params.window_days == 10
    with pytest.raises(ConfigMismatch, match="decides what is stored"):
        Index.open(tune={"num_perm": 64})
    with pytest.raises(ValueError, match="no decision parameter named 'jacard'"):
        Index.open(tune={"jacard": 0.4})
    with pytest.raises(ConfigMismatch, match="jaccard_threshold must be in"):
        Index.open(tune={"jaccard_threshold": 2.0})
