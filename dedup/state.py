"""What an open index holds in memory, rebuilt from the store when it opens.

Only what deciding needs: the copy tier (signatures, shingle counts, LSH table of every
distinct text), the story tier, the body-hash map, the copy groups, the articles of each
text, the few fields of each article the canonical policy reads, and the canonicals. The
store is the truth; this is a cache of it that :class:`dedup.index.Index` keeps in step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dedup.article import Article, parse_published
from dedup.canonical import Choice, Member
from dedup.clusters import Clusters
from dedup.copies.tier import CopyTier
from dedup.params import Params
from dedup.retention import Window
from dedup.store import Store
from dedup.stories import StoryParams
from dedup.stories.features import decode_features
from dedup.stories.tier import COPY_LINK, StoryTier


@dataclass(slots=True)
class Entry:
    """What the index keeps in memory of one article."""

    text: int
    content_hash: str
    member: Member


class State:
    """The in-memory side of an index (see the module's docstring)."""

    def __init__(
        self, store: Store, params: Params, story_params: StoryParams, clock: float | None = None
    ) -> None:
        self.window = Window(params.retention_days, clock)
        self.window.load(store.live_times())
        self.copies = CopyTier(params, store.shingle_set)
        self.by_hash: dict[str, int] = {}  # normalised body hash -> text
        self.text_articles: dict[int, list[str]] = {}  # text -> its articles, representative first
        self.articles: dict[str, Entry] = {}
        self.clusters = Clusters(int(store.get_config("next_cluster") or 1))
        self._load_texts(store)
        self.stories = StoryTier(story_params)
        for tid, raw in store.story_features():
            self.stories.load(tid, decode_features(raw))
        for a_text, b_text, relation, score in store.links():
            self.stories.load_link(a_text, b_text, COPY_LINK if relation == "near" else float(score or 0))
        stored: dict[int, int] = {}
        for aid, tid, words, published, attribution, content_hash, copy, story in store.articles():
            agencies = tuple(json.loads(attribution or "[]"))
            member = Member(aid, tid, words, parse_published(published), agencies)
            self.articles[aid] = Entry(tid, content_hash, member)
            arts = self.text_articles.setdefault(tid, [])
            if not arts:
                self.clusters.load(tid, copy)
                stored[tid] = story
            arts.append(aid)
        self.stories.settle(stored)
        self.canonical: dict[int, Choice] = {
            cid: Choice(canon, reason) for cid, canon, reason in store.canonicals("clusters")
        }
        self.story_canonical: dict[int, Choice] = {
            sid: Choice(canon, reason) for sid, canon, reason in store.canonicals("stories")
        }

    def _load_texts(self, store: Store) -> None:
        ids: list[int] = []
        sizes: list[int] = []
        full: list[bytes] = []
        lead: list[bytes] = []
        for tid, h, n, sig, ld in store.texts():
            self.by_hash[h] = tid
            ids.append(tid)
            sizes.append(n)
            full.append(sig)
            lead.append(ld)
        self.next_text = store.max_text_id() + 1  # expired texts keep their ids
        self.copies.load(ids, sizes, b"".join(full), b"".join(lead))

    def forget(self, texts: list[int], sketch_of: Callable[[int], tuple[str, bytes, bytes]]) -> None:
        """Texts expire: no new article can match them from now on (``sketch_of(text)``
        gives a text's stored hash and signatures). A copy group or story whose last live
        text goes closes: its canonical is forgotten too."""
        for text in texts:
            body_hash, full, lead = sketch_of(text)
            self.window.untrack(text)
            self.copies.remove(text, np.frombuffer(full, np.uint32), np.frombuffer(lead, np.uint32))
            self.by_hash.pop(body_hash, None)
            for aid in self.text_articles.pop(text, []):
                del self.articles[aid]
            cluster = self.clusters.cluster(text)
            if self.clusters.forget(text):
                self.canonical.pop(cluster, None)
            story = self.stories.label.get(text)
            if self.stories.forget(text) and story is not None:
                self.story_canonical.pop(story, None)

    def rep(self, text: int) -> str:
        """The article that stands for ``text`` in matches (the first indexed with it)."""
        return self.text_articles[text][0]

    def members(self, texts: list[int]) -> list[Member]:
        """Every article of ``texts``, as the canonical policy reads them."""
        return [self.articles[a].member for t in texts for a in self.text_articles[t]]

    def unchanged(self, article: Article) -> bool:
        """Whether this article id is indexed already with the same content."""
        known = self.articles.get(article.id)
        return known is not None and known.content_hash == article.content_hash
