"""The index: one article in, a decision out; backed by the SQLite store.

In memory it keeps only what deciding needs: the copy tier (:mod:`dedup.copies.tier`:
signatures, shingle counts and LSH table of every distinct text), the story tier
(:mod:`dedup.stories.tier`), the body-hash map, the cluster labels and, per article, the few
fields the canonical policy reads. Opening an index rebuilds this state from the store, so
the store is the only truth and a killed run loses nothing committed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from dedup.article import Article, parse_published
from dedup.canonical import Choice, Member, choose
from dedup.clusters import Clusters, Merge
from dedup.copies.tier import CopyTier
from dedup.copies.verify import Overlap
from dedup.decision import Decision, Match, Skipped
from dedup.errors import ArticleError, DedupError, UnknownArticle
from dedup.params import Params, settle, tuned
from dedup.prepare import Prepared, Preparer
from dedup.store import Store
from dedup.stories import StoryParams
from dedup.stories.compare import evidence_json
from dedup.stories.features import decode_features
from dedup.stories.tier import COPY_LINK, Changes, StoryTier

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_MAX_MATCHES = 10  # matches reported in a decision, best first


@dataclass(slots=True)
class _Art:
    """What the index keeps in memory of one article."""

    text: int
    content_hash: str
    member: Member


class Index:
    """A duplicate index. Open it with :meth:`Index.open`; use it as a context manager."""

    def __init__(self, store: Store, params: Params, story_params: StoryParams) -> None:
        self.store = store
        self.params = params
        self.story_params = story_params
        self.preparer = Preparer(params, story_params)
        self.timings: dict[str, float] = dict.fromkeys(
            ("extract", "shingle", "sketch", "story", "lsh", "verify", "cluster", "store"), 0.0
        )
        self._run: int | None = None
        self._load()

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        params: Params | None = None,
        story_params: StoryParams | None = None,
        *,
        force: bool = False,
        tune: Mapping[str, Any] | None = None,
    ) -> Index:
        """Open (or create) the index in the SQLite file ``path``; ``None`` keeps it in memory.

        One index writes a database at a time: while this one is open, opening the same
        file again (in this process or another) raises :class:`~dedup.errors.IndexBusy`.

        An existing index keeps its sketch parameters (and the story tier's): passing
        others raises :class:`~dedup.errors.ConfigMismatch` naming what differs. Another
        application's SQLite file raises :class:`~dedup.errors.ForeignDatabase`, untouched,
        unless ``force`` (then dedup's tables are added to it). ``tune`` changes *decision*
        parameters by name (of :class:`Params` or :class:`StoryParams`: thresholds, the
        story window) from the stored or given ones; they are stored for the runs to come.
        """
        store = Store(path, writer=True, force=force)
        try:
            where = f"the index {str(path)!r}"
            params = settle(store.params(), params, Params, where, "sketch parameters")
            story_params = settle(store.story_params(), story_params, StoryParams, where, "story parameters")
            if tune:
                params = tuned(params, tune, others=(StoryParams,))
                story_params = tuned(story_params, tune, others=(Params,))
            store.set_params(params, story_params)
            return cls(store, params, story_params)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self._articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._articles

    def _load(self) -> None:
        """Rebuild the in-memory state from the store."""
        self.copies = CopyTier(self.params, self.store)
        self._by_hash: dict[str, int] = {}
        self._text_articles: dict[int, list[str]] = {}
        self._articles: dict[str, _Art] = {}
        next_cluster = int(self.store.get_config("next_cluster") or 1)
        self.clusters = Clusters(next_cluster)
        ids: list[int] = []
        sizes: list[int] = []
        full: list[bytes] = []
        lead: list[bytes] = []
        for tid, h, n, sig, ld in self.store.texts():
            self._by_hash[h] = tid
            ids.append(tid)
            sizes.append(n)
            full.append(sig)
            lead.append(ld)
        self._next_text = (max(ids) + 1) if ids else 1
        self.copies.load(ids, sizes, b"".join(full), b"".join(lead))
        self.stories = StoryTier(self.story_params)
        for tid, raw in self.store.story_features():
            self.stories.load(tid, decode_features(raw))
        for a_text, b_text, relation, score in self.store.links():
            self.stories.load_link(a_text, b_text, COPY_LINK if relation == "near" else float(score or 0))
        self.stories.settle()
        for aid, tid, words, published, attribution, content_hash, copy in self.store.articles():
            member = Member(
                aid, tid, words, parse_published(published), tuple(json.loads(attribution or "[]"))
            )
            self._articles[aid] = _Art(tid, content_hash, member)
            arts = self._text_articles.setdefault(tid, [])
            if not arts:
                self.clusters.load(tid, copy)
            arts.append(aid)
        self._canonical: dict[int, Choice] = {
            cid: Choice(canon, reason) for cid, canon, reason in self.store.canonicals("clusters")
        }
        self._story_canonical: dict[int, Choice] = {
            sid: Choice(canon, reason) for sid, canon, reason in self.store.canonicals("stories")
        }

    # -- runs ------------------------------------------------------------------------------

    @property
    def current_run(self) -> int | None:
        """The id of the run in progress (see :meth:`begin_run`), if any."""
        return self._run

    def begin_run(self, sources: Iterable[str] = ()) -> int:
        """Record the start of a run; its id tags what it writes."""
        self._run = self.store.begin_run(self.params.to_json(), list(sources))
        return self._run

    def end_run(self, counts: dict[str, Any], status: str = "completed") -> None:
        if self._run is None:
            return
        with self._batch():
            self.settle_stories()
        allowed = {"read", "skipped", "new", "exact", "near", "story", "unchanged", "removed", "seconds"}
        fields = {k: v for k, v in counts.items() if k in allowed}
        fields["clusters"] = len(self.clusters)
        fields["stories"] = len(self.stories)
        self.store.end_run(self._run, status, fields)
        self._run = None

    # -- adding ----------------------------------------------------------------------------

    def add(self, article: Article) -> Decision:
        """Index one article and say what it is.

        Raises :class:`ArticleError` if it can't be, whatever went wrong (a bug included):
        the index and the store are then as they were before the call.
        """
        admitted = self._admit(article)
        with _article_errors(admitted.id, "indexed", "; the index is as it was"), self._batch():
            result = self._add(admitted, skip_errors=False)
        assert isinstance(result, Decision)
        return result

    def _admit(self, article: object) -> Article:
        """The article as the index takes it: an :class:`Article`, its text and html cut at
        ``max_text_chars`` (noted), so that no article's cost is unbounded."""
        if not isinstance(article, Article):
            raise ArticleError(f"the index takes dedup.Article records, got {type(article).__name__}")
        limit = self.params.max_text_chars
        cut = {
            name: value[:limit]
            for name in ("text", "html")
            if (value := getattr(article, name)) is not None and len(value) > limit
        }
        if not cut:
            return article
        notes = tuple(
            f"{name} cut from {len(getattr(article, name)):,} to {limit:,} characters (max_text_chars)"
            for name in cut
        )
        return dataclasses.replace(article, **cut, notes=article.notes + notes)

    def _admitted(self, articles: Iterable[Article]) -> Iterator[Article | Skipped]:
        for article in articles:
            try:
                yield self._admit(article)
            except ArticleError as e:
                yield Skipped(str(getattr(article, "id", "?")), str(e))

    def _guarded(self, item: Prepared | Article) -> Decision | Skipped:
        """Apply one item of a batch; whatever fails in it (a bug, memory) undoes just its
        own writes, reloads the in-memory index from the store, and skips it."""
        aid = item.article.id if isinstance(item, Prepared) else item.id
        try:
            with self.store.savepoint():
                if isinstance(item, Prepared):
                    return self._apply(item)
                return self._add(item, skip_errors=True)
        except Exception as e:
            log.exception("article %r could not be indexed; reloading the index from the store", aid)
            self.flush_config()  # the ids handed out so far stay taken
            self._load()
            return Skipped(aid, f"could not be indexed ({type(e).__name__}: {e})")

    def add_many(
        self, articles: Iterable[Article], batch_size: int = 500, workers: int = 1
    ) -> Iterator[Decision | Skipped]:
        """Index a stream of articles, yielding a decision (or a :class:`Skipped`) for each.

        Writes are committed every ``batch_size`` articles, before that batch's decisions
        are yielded. With ``workers > 1``, extraction and sketching run in that many
        processes; decisions come in input order all the same.
        """
        prepared = self._prepared_stream(self._admitted(articles), workers)
        try:
            while True:
                chunk = list(islice(prepared, batch_size))
                if not chunk:
                    return
                results: list[Decision | Skipped] = []
                with self._batch():
                    for item in chunk:
                        results.append(item if isinstance(item, Skipped) else self._guarded(item))
                    self.settle_stories()
                yield from results
        finally:
            close = getattr(prepared, "close", None)
            if close is not None:
                close()

    def _prepared_stream(
        self, articles: Iterable[Article | Skipped], workers: int
    ) -> Iterator[Prepared | Skipped | Article]:
        if workers <= 1:
            # Unprepared articles are prepared in _add, which skips sketching exact copies.
            yield from articles
            return
        from dedup.workers import prepare_in_pool

        yield from prepare_in_pool(self.params, self.story_params, articles, workers, self._is_unchanged)

    def _is_unchanged(self, article: Article) -> bool:
        known = self._articles.get(article.id)
        return known is not None and known.content_hash == article.content_hash

    def _add(self, article: Article, skip_errors: bool) -> Decision | Skipped:
        if self._is_unchanged(article):
            return self._current(article.id, "unchanged", article.notes)
        try:
            prepared = self.preparer.prepare(article, sketch=False)
        except ArticleError as e:
            if not skip_errors:
                raise
            return Skipped(article.id, str(e))
        return self._apply(prepared)

    def _apply(self, p: Prepared) -> Decision:
        timings = self.timings
        aid = p.article.id
        old = self._articles.get(aid)
        if old is not None:
            if old.content_hash == p.content_hash:
                return self._current(aid, "unchanged", p.article.notes)
            self._remove_article(aid)
        text = self._by_hash.get(p.body_hash)
        if text is not None:
            rep = self._text_articles[text][0]
            matches: tuple[Match, ...] = (Match(rep, 1.0, 1.0, "exact"),)
            status = "exact"
            cluster = self.clusters.cluster(text)
            self._insert_article(p, text, cluster, self.stories.label[text], status)
            t0 = time.perf_counter()
            self.store.record_exact(aid, rep, text, self._run)
            timings["store"] += time.perf_counter() - t0
            stories = {self.stories.label[text]}
        else:
            verified, keys = self._candidates(p)
            text = self._new_text(p, keys)
            t0 = time.perf_counter()
            if verified:
                cluster, merges = self.clusters.union(self.clusters.cluster(c) for c, _ in verified)
                self.clusters.attach(text, cluster)
                status = "near"
            else:
                cluster, merges = self.clusters.new(text), []
                status = "new"
            timings["cluster"] += time.perf_counter() - t0
            links, stories = self._story(p, text, [c for c, _ in verified])
            if status == "new" and self.stories.size(self.stories.label[text]) > 1:
                status = "story"  # in a story with others once it was cut, not merely linked
            self._insert_article(p, text, cluster, self.stories.label[text], status)
            matches = self._record_matches(aid, text, verified) + links
            self._record_merges(merges)
        choice = self._recanonical(cluster)
        story = self.stories.label[text]
        story_choice = Choice(aid, "only member")
        for sid in sorted(stories):
            picked = self._restory(sid)
            if sid == story:
                story_choice = picked
        e, s, k, st = p.seconds
        timings["extract"] += e
        timings["shingle"] += s
        timings["sketch"] += k
        timings["story"] += st
        return Decision(
            aid,
            status,
            cluster,
            story,
            choice.canonical,
            choice.reason,
            matches,
            story_choice.canonical,
            story_choice.reason,
            p.article.notes,
        )

    def _story(self, p: Prepared, text: int, copies: list[int]) -> tuple[tuple[Match, ...], set[int]]:
        """Put a new text in its story: links found, and the stories whose members changed."""
        assert p.story is not None
        t0 = time.perf_counter()
        before = {self.stories.label[c] for c in copies}
        links, changed = self.stories.add(text, p.story, copies)
        touched = before | {self.stories.label[o] for o, _ in links}
        touched |= self._apply_story_changes(changed, skip=text)
        self.timings["story"] += time.perf_counter() - t0
        t1 = time.perf_counter()
        rows, out = [], []
        for other, evidence in links:
            rep = self._text_articles[other][0]
            rows.append(
                (
                    p.article.id,
                    rep,
                    text,
                    other,
                    "story",
                    round(evidence.score, 4),
                    evidence_json(evidence),
                    self._run,
                )
            )
            out.append(Match(rep, 0.0, 0.0, "story", round(evidence.score, 4)))
        self.store.record_story_links(rows)
        self.timings["store"] += time.perf_counter() - t1
        out.sort(key=lambda m: (-(m.score or 0.0), m.id))
        return tuple(out[:_MAX_MATCHES]), touched

    def settle_stories(self) -> None:
        """Cut the large stories that wait for their cut (docs/stories.md, *Amortised
        cuts*) and store what moved: done after each batch of :meth:`add_many` and at
        :meth:`end_run`; after it the stories are those of the set of articles."""
        for sid in sorted(self._apply_story_changes(self.stories.flush())):
            self._restory(sid)

    def _apply_story_changes(self, changed: Changes, skip: int | None = None) -> set[int]:
        """Write the new story ids of texts that moved; return every story id involved."""
        touched: set[int] = set()
        for t, (old, new) in changed.items():
            if t != skip:
                self.store.set_story(t, new)
            touched.add(new)
            if old is not None:
                touched.add(old)
        return touched

    def _restory(self, story: int) -> Choice:
        """Recompute a story's canonical (or drop the story if it has no member left)."""
        t0 = time.perf_counter()
        texts = self.stories.members(story) if story in self.stories.label else []
        texts = [t for t in texts if t in self._text_articles]
        if not texts:
            self.store.delete_story(story)
            self._story_canonical.pop(story, None)
            return Choice("", "no member")
        members = [self._articles[a].member for t in texts for a in self._text_articles[t]]
        choice = choose(members, self.copies.contains)
        self.timings["cluster"] += time.perf_counter() - t0
        self.store.upsert_story(story, choice.canonical, choice.reason, len(members), len(texts), self._run)
        self._story_canonical[story] = choice
        return choice

    def _candidates(self, p: Prepared) -> tuple[list[tuple[int, Overlap]], list[int]]:
        """Texts verified as near copies of ``p`` (sketched now if it was not yet)."""
        self.preparer.sketch(p)
        return self.copies.near_copies(p, self.timings)

    def _new_text(self, p: Prepared, keys: list[int]) -> int:
        assert p.signature is not None and p.lead is not None and p.shingles is not None
        text = self._next_text
        self._next_text += 1
        self.copies.add(text, p, keys)
        self._by_hash[p.body_hash] = text
        t0 = time.perf_counter()
        assert p.story_row is not None
        self.store.insert_text(
            (
                text,
                p.body_hash,
                p.words,
                int(p.shingles.size),
                p.extracted.body,
                p.signature.tobytes(),
                p.lead.tobytes(),
                p.shingles.tobytes(),
                p.story_row,
            )
        )
        self.timings["store"] += time.perf_counter() - t0
        return text

    def _insert_article(self, p: Prepared, text: int, cluster: int, story: int, status: str) -> None:
        a, x = p.article, p.extracted
        published = x.published or a.published
        member = Member(a.id, text, p.words, parse_published(published), x.attribution)
        self._articles[a.id] = _Art(text, p.content_hash, member)
        self._text_articles.setdefault(text, []).append(a.id)
        t0 = time.perf_counter()
        self.store.insert_article(
            (
                a.id,
                a.path,
                x.title or a.title,
                x.source or a.source,
                a.url,
                published,
                json.dumps(list(x.attribution)),
                x.dateline,
                x.byline,
                x.method,
                text,
                p.body_hash,
                p.words,
                cluster,
                story,
                status,
                p.content_hash,
                a.origin,
                self._run,
                a.encoding,
            ),
        )
        self.timings["store"] += time.perf_counter() - t0

    def _record_matches(self, aid: str, text: int, verified: list[tuple[int, Overlap]]) -> tuple[Match, ...]:
        if not verified:
            return ()
        t0 = time.perf_counter()
        rows = []
        out = []
        for cand, o in verified:
            rep = self._text_articles[cand][0]
            rows.append((aid, rep, text, cand, o.jaccard, o.containment, "near", self._run))
            out.append(Match(rep, round(o.jaccard, 4), round(o.containment, 4), "near"))
        self.store.record_near(rows)
        self.timings["store"] += time.perf_counter() - t0
        out.sort(key=lambda m: (-m.jaccard, -m.containment, m.id))
        return tuple(out[:_MAX_MATCHES])

    def _record_merges(self, merges: list[Merge], kind: str = "merge") -> None:
        for m in merges:
            self.store.merge_clusters(m.kept, m.absorbed, self._run, kind)
            self._canonical.pop(m.absorbed, None)

    # -- removing --------------------------------------------------------------------------

    def remove(self, article_id: str) -> None:
        """Take an article out of the index (its copies stay, regrouped if it joined them)."""
        if article_id not in self._articles:
            raise UnknownArticle(f"no article {article_id!r} in the index")
        with self._batch():
            self._remove_article(article_id)

    def _remove_article(self, aid: str) -> None:
        info = self._articles.pop(aid)
        text = info.text
        arts = self._text_articles[text]
        was_rep = arts[0] == aid
        arts.remove(aid)
        st = self.store
        st.delete_article(aid, arts[0] if arts and was_rep else None)
        cluster = self.clusters.cluster(text)
        if arts:
            self._refresh_cluster(cluster)
            self._restory(self.stories.label[text])
            return
        del self._text_articles[text]
        body_hash, signature, lead_bytes = st.text_sketch(text)
        full, lead = (np.frombuffer(b, dtype=np.uint32) for b in (signature, lead_bytes))
        self.copies.remove(text, full, lead)
        del self._by_hash[body_hash]
        st.delete_text(text)  # its matches first: the split asks the texts left for their copies
        created = self.clusters.remove(text, st.near_neighbours)
        for new_id in created:
            st.set_copy_group(new_id, self.clusters.members(new_id))
            st.record_merge(cluster, new_id, self._run, "split")
            self._recanonical(new_id)
        self._refresh_cluster(cluster)
        old_story = self.stories.label[text]
        for sid in sorted(self._apply_story_changes(self.stories.remove(text)) | {old_story}):
            self._restory(sid)

    def _refresh_cluster(self, cluster: int) -> None:
        if cluster in self.clusters:
            self._recanonical(cluster)
        else:
            self.store.delete_cluster(cluster)
            self._canonical.pop(cluster, None)

    # -- canonical ------------------------------------------------------------------------

    def _recanonical(self, cluster: int) -> Choice:
        t0 = time.perf_counter()
        texts = self.clusters.members(cluster)
        members = [self._articles[a].member for t in texts for a in self._text_articles[t]]
        choice = choose(members, self.copies.contains)
        self.timings["cluster"] += time.perf_counter() - t0
        t1 = time.perf_counter()
        self.store.upsert_cluster(
            cluster, choice.canonical, choice.reason, len(members), len(texts), self._run
        )
        self.timings["store"] += time.perf_counter() - t1
        self._canonical[cluster] = choice
        return choice

    # -- reading ---------------------------------------------------------------------------

    def query(self, article: Article) -> Decision:
        """What :meth:`add` would decide, without adding anything (:class:`ArticleError`
        when it can't be decided)."""
        admitted = self._admit(article)
        if self._is_unchanged(admitted):
            return self._current(admitted.id, "unchanged", admitted.notes)
        with _article_errors(admitted.id, "decided"):
            decision = self._query(admitted)
        return dataclasses.replace(decision, warnings=admitted.notes) if admitted.notes else decision

    def _query(self, article: Article) -> Decision:
        p = self.preparer.prepare(article, sketch=False)
        text = self._by_hash.get(p.body_hash)
        if text is not None:
            rep = self._text_articles[text][0]
            return self._would_join(article.id, "exact", text, (Match(rep, 1.0, 1.0, "exact"),))
        verified, _ = self._candidates(p)
        if verified:
            matches = sorted(
                (
                    Match(self._text_articles[c][0], round(o.jaccard, 4), round(o.containment, 4), "near")
                    for c, o in verified
                ),
                key=lambda m: (-m.jaccard, -m.containment, m.id),
            )
            oldest = min(verified, key=lambda v: self.clusters.cluster(v[0]))[0]
            return self._would_join(article.id, "near", oldest, tuple(matches[:_MAX_MATCHES]))
        assert p.story is not None
        links = self.stories.find(p.story)
        if not links:
            return Decision(article.id, "new", None, None, None, "nothing like it indexed")
        links.sort(key=lambda link: (-link[1].score, link[0]))
        related = tuple(
            Match(self._text_articles[t][0], 0.0, 0.0, "story", round(e.score, 4))
            for t, e in links[:_MAX_MATCHES]
        )
        story = min(self.stories.label[t] for t, _ in links)
        choice = self._story_canonical[story]
        return Decision(
            article.id,
            "story",
            None,
            story,
            None,
            "no copy indexed",
            related,
            choice.canonical,
            choice.reason,
        )

    def _would_join(self, aid: str, status: str, text: int, matches: tuple[Match, ...]) -> Decision:
        cluster = self.clusters.cluster(text)
        story = self.stories.label[text]
        choice, story_choice = self._canonical[cluster], self._story_canonical[story]
        return Decision(
            aid,
            status,
            cluster,
            story,
            choice.canonical,
            choice.reason,
            matches,
            story_choice.canonical,
            story_choice.reason,
        )

    def export(self) -> Iterator[dict[str, Any]]:
        """One record per article: its copy group, story, canonical, relation and similarity."""
        from dedup.report.export import export_records

        return export_records(self.store, self.copies.shingles)

    def decision(self, article_id: str) -> Decision:
        """The current standing of an indexed article."""
        return self._current(article_id, "indexed")

    def _current(self, aid: str, status: str, warnings: tuple[str, ...] = ()) -> Decision:
        info = self._articles.get(aid)
        if info is None:
            raise UnknownArticle(f"no article {aid!r} in the index")
        cluster = self.clusters.cluster(info.text)
        story = self.stories.label[info.text]
        choice = self._canonical[cluster]
        story_choice = self._story_canonical[story]
        return Decision(
            aid,
            status,
            cluster,
            story,
            choice.canonical,
            choice.reason,
            (),
            story_choice.canonical,
            story_choice.reason,
            warnings,
        )

    # -- transactions ---------------------------------------------------------------------

    def _batch(self) -> _Batch:
        return _Batch(self)

    def flush_config(self) -> None:
        self.store.set_config("next_cluster", str(self.clusters.next_id))


@contextmanager
def _article_errors(aid: str, what: str, after: str = "") -> Iterator[None]:
    """Any failure but a :class:`DedupError` as an :class:`ArticleError` naming the article."""
    try:
        yield
    except DedupError:
        raise
    except Exception as e:
        raise ArticleError(f"article {aid!r} could not be {what} ({type(e).__name__}: {e}){after}") from e


class _Batch:
    """A store transaction that also keeps memory and store in step: on failure, reload."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._tx = index.store.transaction()

    def __enter__(self) -> None:
        self._tx.__enter__()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.index.flush_config()
        try:
            self._tx.__exit__(kind, value, tb)
        finally:
            if kind is not None:
                log.warning("batch rolled back (%s); reloading the index from the store", kind.__name__)
                self.index._load()
