"""The index: one article in, a decision out; backed by the SQLite store.

This module holds the order of operations: opening and parameter negotiation, adding,
removing, and the transactions that keep the in-memory :class:`~dedup.state.State` and the
store in step. Opening an index rebuilds that state from the store, so the store is the
only truth and a killed run loses nothing committed. Reads that change nothing are in
:mod:`dedup.lookup`; what an article must be to come in, in :mod:`dedup.admission`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from dedup import lookup
from dedup.admission import admit, article_errors
from dedup.article import Article, parse_published
from dedup.canonical import Choice, Member, choose
from dedup.clusters import Clusters, Merge, MergeKind
from dedup.copies.tier import CopyTier
from dedup.copies.verify import Overlap
from dedup.decision import Decision, Match, Skipped, Status
from dedup.errors import ArticleError, UnknownArticle
from dedup.params import Params, settle, tuned
from dedup.prepare import Hashed, Prepared, Preparer, Sketched
from dedup.retention import DAY
from dedup.state import Entry, State
from dedup.store import Store
from dedup.store.expiry import Pruned
from dedup.stories import StoryParams
from dedup.stories.compare import evidence_json
from dedup.stories.tier import Changes, StoryTier
from dedup.timing import StageTimes
from dedup.upgrade import upgrade_tokens

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class Index:
    """A duplicate index. Open it with :meth:`Index.open`; use it as a context manager."""

    def __init__(self, store: Store, params: Params, story_params: StoryParams) -> None:
        self.store = store
        self.params = params
        self.story_params = story_params
        self.preparer = Preparer(params, story_params)
        self.times = StageTimes()
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
            upgrade_tokens(store, params, story_params)
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
        return len(self.state.articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.state.articles

    def _load(self) -> None:
        """Rebuild the in-memory state from the store: its live texts only, once the texts
        the retention window leaves out now are marked expired."""
        with self.store.transaction():
            clock = self.store.open_window(self.params.retention_days)
        self.state = State(self.store, self.params, self.story_params, clock)

    @property
    def copies(self) -> CopyTier:
        return self.state.copies

    @property
    def stories(self) -> StoryTier:
        return self.state.stories

    @property
    def clusters(self) -> Clusters:
        return self.state.clusters

    @property
    def timings(self) -> dict[str, float]:
        """Seconds spent so far in each stage (see :mod:`dedup.timing`)."""
        return self.times.as_dict()

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
        with article_errors(admitted.id, "indexed", "; the index is as it was"), self._batch():
            result = self._add(admitted, skip_errors=False)
        assert isinstance(result, Decision)
        return result

    def _admit(self, article: object) -> Article:
        return admit(article, self.params.max_text_chars)

    def _admitted(self, articles: Iterable[Article]) -> Iterator[Article | Skipped]:
        for article in articles:
            try:
                yield self._admit(article)
            except ArticleError as e:
                yield Skipped(str(getattr(article, "id", "?")), str(e))

    def _guarded(self, item: Sketched | Article) -> Decision | Skipped:
        """Apply one item of a batch; whatever fails in it (a bug, memory) undoes just its
        own writes, reloads the in-memory index from the store, and skips it."""
        aid = item.article.id if isinstance(item, Sketched) else item.id
        try:
            with self.store.savepoint():
                if isinstance(item, Sketched):
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
    ) -> Iterator[Sketched | Skipped | Article]:
        if workers <= 1:
            # Unprepared articles are prepared in _add, which skips sketching exact copies.
            yield from articles
            return
        from dedup.workers import prepare_in_pool

        yield from prepare_in_pool(self.params, self.story_params, articles, workers, self._is_unchanged)

    def _is_unchanged(self, article: Article) -> bool:
        return self.state.unchanged(article)

    def _add(self, article: Article, skip_errors: bool) -> Decision | Skipped:
        if self.state.unchanged(article):
            return lookup.standing(self.state, article.id, "unchanged", article.notes)
        try:
            prepared = self.preparer.hashed(article)
        except ArticleError as e:
            if not skip_errors:
                raise
            return Skipped(article.id, str(e))
        return self._apply(prepared)

    def _apply(self, p: Hashed | Sketched) -> Decision:
        """Put a prepared article in the index (sketched here if it is no exact copy)."""
        state, times = self.state, self.times
        aid = p.article.id
        old = state.articles.get(aid)
        if old is not None:
            if old.content_hash == p.content_hash:
                return lookup.standing(state, aid, "unchanged", p.article.notes)
            self._remove_article(aid)
        status: Status
        text = state.by_hash.get(p.body_hash)
        if text is not None:
            rep = state.rep(text)
            matches: tuple[Match, ...] = (Match(rep, 1.0, 1.0, "exact"),)
            status = "exact"
            cluster = state.clusters.cluster(text)
            self._insert_article(p, text, cluster, state.stories.label[text], status)
            with times.timed("store"):
                self.store.record_exact(aid, rep, text, self._run)
                if state.window.renew(text, p.time):
                    self.store.renew_text(text, p.time)
            stories = {state.stories.label[text]}
        else:
            p = self._sketched(p)
            verified, keys = state.copies.near_copies(p.sketch, times)
            text = self._new_text(p, keys)
            with times.timed("cluster"):
                if verified:
                    cluster, merges = state.clusters.union(state.clusters.cluster(c) for c, _ in verified)
                    state.clusters.attach(text, cluster)
                    status = "near"
                else:
                    cluster, merges = state.clusters.new(text), []
                    status = "new"
            links, stories = self._story(p, text, [c for c, _ in verified])
            if status == "new" and state.stories.size(state.stories.label[text]) > 1:
                status = "story"  # in a story with others once it was cut, not merely linked
            self._insert_article(p, text, cluster, state.stories.label[text], status)
            matches = self._record_matches(aid, text, verified) + links
            self._record_merges(merges)
        choice = self._recanonical(cluster)
        story = state.stories.label[text]
        story_choice = Choice(aid, "only member")
        for sid in sorted(stories):
            picked = self._restory(sid)
            if sid == story:
                story_choice = picked
        times.add(p.times)
        self._expire(state.window.due())
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

    def _story(self, p: Sketched, text: int, copies: list[int]) -> tuple[tuple[Match, ...], set[int]]:
        """Put a new text in its story: links found, and the stories whose members changed."""
        state = self.state
        with self.times.timed("story"):
            before = {state.stories.label[c] for c in copies}
            links, changed = state.stories.add(text, p.story, copies)
            touched = before | {state.stories.label[o] for o, _ in links}
            touched |= self._apply_story_changes(changed, skip=text)
        with self.times.timed("store"):
            rows, out = [], []
            for other, evidence in links:
                rep, score = state.rep(other), round(evidence.score, 4)
                rows.append(
                    (p.article.id, rep, text, other, "story", score, evidence_json(evidence), self._run)
                )
                out.append(Match(rep, 0.0, 0.0, "story", score))
            self.store.record_story_links(rows)
        out.sort(key=lambda m: (-(m.score or 0.0), m.id))
        return tuple(out[: lookup.MAX_MATCHES]), touched

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
        state = self.state
        with self.times.timed("cluster"):
            texts = [t for t in state.stories.members(story) if t in state.text_articles]
            if texts:
                members = state.members(texts)
                choice = choose(members, state.copies.contains)
        if not texts:
            self.store.drop_group("stories", story, state.window.clock)
            state.story_canonical.pop(story, None)
            return Choice("", "no member")
        self.store.upsert_story(story, choice.canonical, choice.reason, self._run)
        state.story_canonical[story] = choice
        return choice

    def _sketched(self, p: Hashed | Sketched) -> Sketched:
        return p if isinstance(p, Sketched) else self.preparer.sketch(p)

    def _new_text(self, p: Sketched, keys: list[int]) -> int:
        state, sketch = self.state, p.sketch
        text = state.next_text
        state.next_text += 1
        state.copies.add(text, sketch, keys)
        state.by_hash[p.body_hash] = text
        state.window.track(text, p.time)
        with self.times.timed("store"):
            self.store.insert_text(
                (
                    text,
                    p.body_hash,
                    p.words,
                    int(sketch.shingles.size),
                    p.extracted.body,
                    sketch.signature.tobytes(),
                    sketch.lead.tobytes(),
                    sketch.shingles.tobytes(),
                    p.story_row,
                    p.time,
                )
            )
        return text

    def _insert_article(self, p: Prepared, text: int, cluster: int, story: int, status: Status) -> None:
        a, x = p.article, p.extracted
        published = x.published or a.published
        member = Member(a.id, text, p.words, parse_published(published), x.attribution)
        self.state.articles[a.id] = Entry(text, p.content_hash, member)
        self.state.text_articles.setdefault(text, []).append(a.id)
        with self.times.timed("store"):
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

    def _record_matches(self, aid: str, text: int, verified: list[tuple[int, Overlap]]) -> tuple[Match, ...]:
        if not verified:
            return ()
        with self.times.timed("store"):
            rep = self.state.rep
            self.store.record_near(
                [(aid, rep(c), text, c, o.jaccard, o.containment, "near", self._run) for c, o in verified]
            )
        return lookup.near_matches(self.state, verified)

    def _record_merges(self, merges: list[Merge], kind: MergeKind = "merge") -> None:
        for m in merges:
            self.store.merge_clusters(m.kept, m.absorbed, self._run, kind)
            self.state.canonical.pop(m.absorbed, None)

    # -- removing --------------------------------------------------------------------------

    def remove(self, article_id: str) -> None:
        """Take an article out of the index (its copies stay, regrouped if it joined them)."""
        if article_id not in self.state.articles:
            raise UnknownArticle(f"no article {article_id!r} in the index")
        with self._batch():
            self._remove_article(article_id)

    def _remove_article(self, aid: str) -> None:
        state, st = self.state, self.store
        text = state.articles.pop(aid).text
        arts = state.text_articles[text]
        was_rep = arts[0] == aid
        arts.remove(aid)
        st.delete_article(aid, arts[0] if arts and was_rep else None)
        cluster = state.clusters.cluster(text)
        if arts:
            self._refresh_cluster(cluster)
            self._restory(state.stories.label[text])
            return
        del state.text_articles[text]
        state.window.untrack(text)
        body_hash, signature, lead_bytes = st.text_sketch(text)
        full, lead = (np.frombuffer(b, dtype=np.uint32) for b in (signature, lead_bytes))
        state.copies.remove(text, full, lead)
        del state.by_hash[body_hash]
        st.delete_text(text)  # its matches first: the split asks the texts left for their copies
        created = state.clusters.remove(text, st.near_neighbours)
        for new_id in created:
            st.set_copy_group(new_id, state.clusters.members(new_id))
            st.record_merge(cluster, new_id, self._run, "split")
            self._recanonical(new_id)
        self._refresh_cluster(cluster)
        old_story = state.stories.label[text]
        for sid in sorted(self._apply_story_changes(state.stories.remove(text)) | {old_story}):
            self._restory(sid)

    def _refresh_cluster(self, cluster: int) -> None:
        if cluster in self.state.clusters:
            self._recanonical(cluster)
        else:
            self.store.drop_group("clusters", cluster, self.state.window.clock)
            self.state.canonical.pop(cluster, None)

    # -- canonical ------------------------------------------------------------------------

    def _recanonical(self, cluster: int) -> Choice:
        state = self.state
        with self.times.timed("cluster"):
            texts = state.clusters.members(cluster)
            members = state.members(texts)
            choice = choose(members, state.copies.contains)
        with self.times.timed("store"):
            self.store.upsert_cluster(cluster, choice.canonical, choice.reason, self._run)
        state.canonical[cluster] = choice
        return choice

    # -- reading ---------------------------------------------------------------------------

    def query(self, article: Article) -> Decision:
        """What :meth:`add` would decide, without adding anything (:class:`ArticleError`
        when it can't be decided)."""
        admitted = self._admit(article)
        if self.state.unchanged(admitted):
            return lookup.standing(self.state, admitted.id, "unchanged", admitted.notes)
        with article_errors(admitted.id, "decided"):
            hashed = self.preparer.hashed(admitted)
            exact = self.state.by_hash.get(hashed.body_hash)
            if exact is not None:
                decision = lookup.would_be(self.state, admitted.id, exact, [], None)
            else:
                p = self.preparer.sketch(hashed)
                verified, _ = self.state.copies.near_copies(p.sketch, self.times)
                decision = lookup.would_be(self.state, admitted.id, None, verified, p.story)
        return dataclasses.replace(decision, warnings=admitted.notes) if admitted.notes else decision

    def export(self) -> Iterator[dict[str, Any]]:
        """One record per article: its copy group, story, canonical, relation and similarity."""
        from dedup.report.export import export_records

        return export_records(self.store, self.state.copies.shingles)

    def decision(self, article_id: str) -> Decision:
        """The current standing of an indexed article."""
        return lookup.standing(self.state, article_id, "indexed")

    # -- transactions ---------------------------------------------------------------------

    def _batch(self) -> _Batch:
        return _Batch(self)

    def flush_config(self) -> None:
        self.store.set_config("next_cluster", str(self.state.clusters.next_id))
        clock = self.state.window.clock
        if clock is not None:
            self.store.set_config("retention_clock", repr(clock))

    # -- retention ------------------------------------------------------------------------

    def _expire(self, texts: list[int]) -> None:
        """Texts leave the in-memory index (they stay in the store, marked expired)."""
        clock = self.state.window.clock
        if texts and clock is not None:  # nothing is due before the clock runs
            self.state.forget(texts, self.store.text_sketch)
            self.store.expire_texts(texts, clock)

    def expire(self, older_than_days: float) -> int:
        """Expire now the texts older than the clock less ``older_than_days`` (whatever the
        window); returns how many expired."""
        horizon = self.state.window.clock
        if horizon is None:
            return 0
        texts = [t for t, when in self.state.window.times.items() if when < horizon - older_than_days * DAY]
        with self._batch():
            for t in texts:
                self.state.window.untrack(t)
            self._expire(sorted(texts))
        return len(texts)

    def prune(self, older_than_days: float, vacuum: bool = False) -> Pruned:
        """Delete from the store the texts older than the clock less ``older_than_days``,
        with their articles and matches and the groups left empty (one transaction); then
        ``VACUUM`` if asked. History is lost, unlike :meth:`expire`."""
        clock = self.state.window.clock
        if clock is None:
            return Pruned(0, 0, 0, 0, 0)
        with self._batch():
            pruned = self.store.prune(clock - older_than_days * DAY)
        self._load()
        if vacuum:
            self.store.vacuum()
        return pruned


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
