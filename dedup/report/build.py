"""What the report shows, gathered from the store, and the page rendered from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from dedup.article import parse_published
from dedup.copies.normalise import normalise, words
from dedup.copies.shingles import shingle_hashes
from dedup.copies.verify import overlap
from dedup.params import Params
from dedup.report.explain import shared_passages
from dedup.store import Store, queries

MAX_MEMBERS = 60  # members shown a story (the rest are counted)
BODY_WORDS = 300  # words of a text shown side by side (the page stays a few MB at most)


@dataclass
class Member:
    id: str
    title: str | None
    outlet: str
    url: str | None  # http(s) only
    published: str  # UTC ISO, or "undated"
    instant: datetime | None
    relation: str  # canonical, exact, near (in the canonical's copy group), story
    similarity: float | None
    copy: int
    body: list[list[tuple[str, bool]]] = field(default_factory=list)  # paragraphs of (word, shared)
    passages: tuple[str, ...] = ()


@dataclass
class Story:
    id: int
    size: int
    groups: int
    canonical: Member
    reason: str
    members: list[Member]
    left_out: int
    timeline: list[tuple[float, str, bool]]  # (x in 0..1, label, is canonical)
    span: str


@dataclass
class Report:
    counts: dict[str, int]
    params: dict[str, Any]
    span: str
    stories: list[Story]
    left_out: int
    min_size: int


def build(store: Store, *, min_size: int = 2, limit: int = 50, story: int | None = None) -> Report:
    """The report's content: the ``limit`` largest stories of at least ``min_size`` articles
    (or the one ``story``), each with its members, their relation to the canonical and the
    passages they share with it."""
    params = store.params() or Params()
    counts = {t: store.count(t) for t in ("articles", "texts", "clusters", "stories")}
    if story is not None:
        one = queries.story(store, story)
        groups = [] if one is None else [one]
        total = len(groups)
    else:
        total = queries.count_stories(store, min_size)
        groups = queries.stories(store, min_size, limit)
    stories = [_story(store, params, g.id, g.size, g.canonical, g.reason) for g in groups]
    days = [w.day for p in queries.publication_dates(store) if (w := parse_published(p)) is not None]
    span = f"{min(days)} to {max(days)}" if days else "no dated article"
    stored = {"params": params.to_dict()}
    story_params = store.story_params()
    if story_params is not None:
        stored["story_params"] = story_params.to_dict()
    return Report(counts, stored, span, stories, total - len(stories), min_size)


def _story(store: Store, params: Params, sid: int, size: int, canonical_id: str, reason: str) -> Story:
    rows = queries.story_texts(store, sid)
    by_id = {r[0]: r for r in rows}
    canon = by_id.get(canonical_id, rows[0])
    canon_set = store.shingle_set(canon[6])
    members = []
    ordered = sorted(rows, key=lambda r: (r[0] != canon[0], _instant_key(r[4]), r[0]))
    for aid, title, source, url, published, copy, text, body in ordered[:MAX_MEMBERS]:
        if aid == canon[0]:
            relation, similarity = "canonical", None
        elif text == canon[6]:
            relation, similarity = "exact", 1.0
        else:
            relation = "near" if copy == canon[5] else "story"
            similarity = round(overlap(store.shingle_set(text), canon_set).jaccard, 3)
        when = parse_published(published)
        member = Member(
            aid,
            title,
            _outlet(source, url),
            _http(url),
            when.iso() if when else "undated",
            when.instant if when else None,
            relation,
            similarity,
            copy,
        )
        if relation != "canonical":
            other = canon_set if text != canon[6] else np.empty(0, dtype=np.uint32)
            member.body = _marked(body, canon_set, params.shingle_size)
            member.passages = shared_passages(body, other, params.shingle_size, 3) if len(other) else ()
        else:
            member.body = _marked(body, np.empty(0, dtype=np.uint32), params.shingle_size)
        members.append(member)
    timeline, span = _timeline(members)
    return Story(
        sid,
        size,
        len({r[5] for r in rows}),
        members[0],
        reason,
        members,
        len(rows) - len(members),
        timeline,
        span,
    )


def _instant_key(published: str | None) -> tuple[bool, str]:
    when = parse_published(published)
    return when is None, when.iso() if when else ""


def _outlet(source: str | None, url: str | None) -> str:
    if source and source.startswith(("http://", "https://")):
        from dedup.extract.urls import host_of

        return host_of(source) or source
    return source or "unknown outlet"


def _http(url: str | None) -> str | None:
    """A URL to link to: http(s) only (a ``javascript:`` URL stays text)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def tokens_by_word(body: str) -> tuple[list[str], list[int], list[str], list[int]]:
    """The body's words as written, where each paragraph starts among them, the word tokens
    indexing reads (``words(normalise(body))``) and, for each token, the word it is in."""
    raw: list[str] = []
    breaks: list[int] = []
    owner: list[int] = []
    tokens: list[str] = []
    for paragraph in body.splitlines():
        chunk = paragraph.split()
        if not chunk:
            continue
        breaks.append(len(raw))
        normalised = normalise(paragraph).split(" ")
        if len(normalised) != len(chunk):  # white space NFKC made or removed: word by word
            normalised = [normalise(w) for w in chunk]
        for k, word in enumerate(normalised, len(raw)):
            found = words(word)
            tokens += found
            owner += [k] * len(found)
        raw += chunk
    return raw, breaks, tokens, owner


def _marked(body: str, other: np.ndarray, size: int, most: int = BODY_WORDS) -> list[list[tuple[str, bool]]]:
    """The body's paragraphs, its first ``most`` words, as (word, shared with ``other``)
    pairs: a word is shared when one of the ``size``-word shingles it stands in occurs in
    the other text. (Shingles are of the whole body, across paragraphs, as indexing reads it.)"""
    raw, breaks, tokens, owner = tokens_by_word(body)
    shared = [False] * len(raw)
    if len(other) and len(tokens) >= size:
        hits = np.isin(shingle_hashes(tokens, size), other)
        for start in np.flatnonzero(hits).tolist():
            for t in range(start, start + size):
                shared[owner[t]] = True
    out = []
    for n, first in enumerate(breaks):
        last = min(breaks[n + 1] if n + 1 < len(breaks) else len(raw), most)
        if first >= last:
            break
        out.append(list(zip(raw[first:last], shared[first:last], strict=True)))
    if len(raw) > most:
        out.append([(f"[{len(raw) - most:,} more words]", False)])
    return out


def _timeline(members: list[Member]) -> tuple[list[tuple[float, str, bool]], str]:
    dated = [m for m in members if m.instant is not None]
    if not dated:
        return [], "no dated member"
    first = min(m.instant for m in dated if m.instant is not None)
    last = max(m.instant for m in dated if m.instant is not None)
    width = (last - first).total_seconds() or 1.0
    points = [
        (
            ((m.instant - first).total_seconds() / width) if m.instant else 0.0,
            f"{m.outlet}, {m.published}",
            m.relation == "canonical",
        )
        for m in dated
    ]
    return points, f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"


def render(report: Report) -> str:
    """The page: one HTML string, autoescaped."""
    from importlib import resources

    import jinja2

    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    source = resources.files("dedup.report").joinpath("report.html.j2").read_text(encoding="utf-8")
    return env.from_string(source).render(report=report)
