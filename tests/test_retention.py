"""Retention: texts older than the window leave memory, stay in the store, and never match."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup import Article, Index, Params
from dedup.cli import cli
from dedup.decision import Decision
from dedup.retention import DAY, FUTURE_SLACK, QUORUM, Window, article_time, parse_age
from tests import textgen

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _at(day: float) -> str:
    return (START + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")


P = QUORUM  # articles a day: the clock (the QUORUM-th latest time) lags less than a day


def _feed(rng: random.Random, days: int, per_day: int = P) -> list[Article]:
    """Unrelated articles, ``per_day`` a day for ``days`` days, crawled as published."""
    out = []
    for day in range(days):
        for k in range(per_day):
            when = _at(day + k / per_day)
            out.append(
                Article(id=f"d{day}-{k}", text=textgen.article(rng, 120), published=when, crawled_at=when)
            )
    return out


def _expired(db: Path) -> dict[int, float | None]:
    with sqlite3.connect(db) as conn:
        return {int(t): e for t, e in conn.execute("SELECT id, expired FROM texts")}


# -- the window ---------------------------------------------------------------------------


def test_the_clock_waits_for_a_quorum_and_ignores_one_date_years_ahead() -> None:
    window = Window(7)
    for text in range(QUORUM - 1):
        window.track(text, 1000.0 * DAY + text)
    assert window.clock is None and window.due() == []
    window.track(99, 5000.0 * DAY)  # one article dated years ahead
    assert window.clock == 1000.0 * DAY  # the QUORUM-th latest: the wrong date alone moves nothing
    assert window.due() == []


def test_due_texts_come_oldest_first_and_a_renewed_text_stays() -> None:
    window = Window(2)
    for text in range(QUORUM):
        window.track(text, float(text) * DAY)
    assert window.renew(0, 19.0 * DAY)  # an exact copy of text 0 arrived on day 19
    assert not window.renew(0, 3.0 * DAY)  # an older copy renews nothing
    for text in range(100, 100 + QUORUM):
        window.track(text, 20.0 * DAY)
    assert window.horizon == 18.0 * DAY
    assert window.due() == list(range(1, QUORUM))
    assert 0 in window.times
    assert window.due() == []


def test_no_window_expires_nothing() -> None:
    window = Window(None)
    for text in range(3 * QUORUM):
        window.track(text, float(text) * 30 * DAY)
    assert window.horizon is None and window.due() == []


def test_an_article_time_is_the_later_of_publication_and_arrival() -> None:
    now = START.timestamp()
    archive = Article(id="a", text="x y z", published="2020-05-01T10:00:00Z")
    assert article_time(archive, archive.published, now=now) == now  # crawled now: kept a window from now
    crawled = Article(id="b", text="x", published=_at(0), crawled_at=_at(2))
    assert article_time(crawled, crawled.published, now=now + 10 * DAY) == now + 2 * DAY
    ahead = Article(id="c", text="x", published=_at(400))
    assert article_time(ahead, ahead.published, now=now) == now + FUTURE_SLACK


@pytest.mark.parametrize(
    ("text", "days"), [("14d", 14.0), ("36h", 1.5), ("2w", 14.0), ("7", 7.0), ("none", None), ("NONE", None)]
)
def test_ages(text: str, days: float | None) -> None:
    assert parse_age(text) == days


@pytest.mark.parametrize("text", ["", "d", "fortnight", "-3d", "0"])
def test_bad_ages(text: str) -> None:
    with pytest.raises(ValueError, match="age"):
        parse_age(text)


def test_a_negative_retention_is_refused() -> None:
    with pytest.raises(ValueError, match="retention_days"):
        Params(retention_days=0)


# -- the index ------------------------------------------------------------------------------


def test_old_texts_leave_memory_stay_in_the_store_and_never_match(rng: random.Random, db_path: Path) -> None:
    feed = _feed(rng, days=14)
    with Index.open(db_path, Params(retention_days=7)) as idx:
        decisions = [d for d in idx.add_many(feed, batch_size=50) if isinstance(d, Decision)]
        assert len(decisions) == len(feed)
        assert {d.status for d in decisions} <= {"new", "story"}  # no copies among them
        assert 7 * P <= len(idx) <= 8 * P  # a week of articles is held, not all of them
        assert len(idx.copies) == len(idx)
        # A copy of a text of the first day starts a group of its own; of yesterday, joins.
        old, recent = feed[0], feed[-P]
        late = _at(14)
        copy_of_old = idx.add(Article(id="copy-old", text=old.text, published=late, crawled_at=late))
        copy_of_recent = idx.add(Article(id="copy-recent", text=recent.text, published=late, crawled_at=late))
    assert copy_of_old.status in ("new", "story") and copy_of_old.cluster != decisions[0].cluster
    assert copy_of_recent.status == "exact" and copy_of_recent.cluster == decisions[-P].cluster
    expired = _expired(db_path)
    assert len(expired) == len(feed) + 1  # every text stays in the store
    assert 0 < sum(e is not None for e in expired.values()) < len(feed)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(feed) + 2
        closed = conn.execute("SELECT count(*) FROM clusters WHERE closed IS NOT NULL").fetchone()[0]
    assert closed == sum(e is not None for e in expired.values())  # one text a group here


def test_a_reopened_index_holds_the_window_only_with_the_same_groups(
    rng: random.Random, db_path: Path
) -> None:
    feed = _feed(rng, days=10)
    copies = [
        Article(
            id=f"copy-{a.id}",
            text=textgen.edit(rng, a.text or "", 0.03),
            published=a.published,
            crawled_at=a.crawled_at,
        )
        for a in feed[-15:]
    ]
    with Index.open(db_path, Params(retention_days=3)) as idx:
        list(idx.add_many(feed + copies))
        held = len(idx)
        before = {a.id: idx.decision(a.id) for a in feed[-15:] + copies}
    with Index.open(db_path) as idx:
        assert idx.params.retention_days == 3
        assert len(idx) == held
        after = {aid: idx.decision(aid) for aid in before}
        assert "d0-0" not in idx
    assert {k: (d.cluster, d.canonical) for k, d in after.items()} == {
        k: (d.cluster, d.canonical) for k, d in before.items()
    }
    assert all(before[f"copy-{a.id}"].cluster == before[a.id].cluster for a in feed[-15:])


def test_a_shorter_window_on_reopening_expires_at_once(rng: random.Random, db_path: Path) -> None:
    feed = _feed(rng, days=8)
    with Index.open(db_path, Params(retention_days=None)) as idx:
        list(idx.add_many(feed))
        assert len(idx) == len(feed)
    with Index.open(db_path, tune={"retention_days": 3}) as idx:
        held = len(idx)
    assert 3 * P <= held <= 4 * P
    assert sum(e is None for e in _expired(db_path).values()) == held


def test_a_store_from_before_retention_counts_its_texts_from_now(rng: random.Random, db_path: Path) -> None:
    feed = _feed(rng, days=40, per_day=1)  # a clock from these times alone would expire most
    with Index.open(db_path, Params(retention_days=None)) as idx:
        list(idx.add_many(feed))
    with sqlite3.connect(db_path) as conn:  # as an older version left it: no times, no clock
        conn.execute("UPDATE texts SET seen = NULL")
        conn.execute("DELETE FROM config WHERE key = 'retention_clock'")
    with Index.open(db_path, tune={"retention_days": 7}) as idx:
        assert len(idx) == len(feed)  # nothing expired: the texts are dated from now


def test_expire_by_hand(rng: random.Random, db_path: Path) -> None:
    feed = _feed(rng, days=8)
    with Index.open(db_path, Params(retention_days=None)) as idx:
        list(idx.add_many(feed))
        assert idx.expire(5) > 0
        left = len(idx)
    assert 5 * P <= left <= 6 * P
    with Index.open(db_path) as idx:
        assert len(idx) == left


def test_prune_deletes_old_texts_for_good(rng: random.Random, db_path: Path) -> None:
    feed = _feed(rng, days=8)
    with Index.open(db_path, Params(retention_days=None)) as idx:
        list(idx.add_many(feed))
        pruned = idx.prune(5, vacuum=True)
        assert pruned.texts == pruned.articles == pruned.clusters  # one article a text here
        assert 0 < pruned.stories <= pruned.clusters
        assert 5 * P <= len(idx) == len(feed) - pruned.texts <= 6 * P
    assert len(_expired(db_path)) == len(feed) - pruned.texts


# -- the commands --------------------------------------------------------------------------


def _jsonl(tmp_path: Path, feed: list[Article]) -> Path:
    path = tmp_path / "feed.jsonl"
    rows = [{"id": a.id, "text": a.text, "published": a.published, "crawled_at": a.crawled_at} for a in feed]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_index_with_retention_then_expire_and_prune(
    rng: random.Random, tmp_path: Path, db_path: Path
) -> None:
    runner = CliRunner()
    feed = _jsonl(tmp_path, _feed(rng, days=12))
    result = runner.invoke(cli, ["index", str(feed), "--db", str(db_path), "--retention", "8d", "-q"])
    assert result.exit_code == 0, result.output
    expired = sum(e is not None for e in _expired(db_path).values())
    assert 3 * P <= expired <= 4 * P
    exported = runner.invoke(cli, ["export", "--db", str(db_path)])
    assert exported.exit_code == 0, exported.output
    records = [json.loads(line) for line in exported.output.splitlines()]
    assert len(records) == 12 * P and sum(r["expired"] for r in records) == expired
    result = runner.invoke(cli, ["expire", "--db", str(db_path), "--older-than", "4d"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("expired ") and " text" in result.output
    assert sum(e is not None for e in _expired(db_path).values()) > expired
    result = runner.invoke(cli, ["prune", "--db", str(db_path), "--older-than", "8d", "--vacuum"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("pruned ") and result.output.rstrip().endswith("vacuumed")
    assert 6 * P <= len(_expired(db_path)) <= 9 * P


@pytest.mark.parametrize("command", [["index", "X", "--retention", "soon"], ["expire", "--older-than", "4x"]])
def test_a_bad_age_is_a_usage_error(command: list[str], db_path: Path) -> None:
    result = CliRunner().invoke(cli, [*command, "--db", str(db_path)])
    assert result.exit_code == 2
    assert "is not an age" in result.output


@pytest.mark.parametrize("command", ["expire", "prune"])
def test_expire_and_prune_need_an_index(command: str, db_path: Path) -> None:
    result = CliRunner().invoke(cli, [command, "--db", str(db_path), "--older-than", "3d"])
    assert result.exit_code == 1
    assert f"no index at {str(db_path)!r}" in result.output
    assert not db_path.exists()


def test_retention_none_on_the_command_line_keeps_everything(
    rng: random.Random, tmp_path: Path, db_path: Path
) -> None:
    feed = _jsonl(tmp_path, _feed(rng, days=60, per_day=1))
    result = CliRunner().invoke(cli, ["index", str(feed), "--db", str(db_path), "--retention", "none", "-q"])
    assert result.exit_code == 0, result.output
    assert all(e is None for e in _expired(db_path).values())
    with Index.open(db_path) as idx:
        assert idx.params.retention_days is None


@pytest.mark.slow
def test_a_window_loses_no_quality_on_a_feed_of_advancing_dates(tmp_path: Path) -> None:
    """Copy F1 and story ARI against the truth, with a 3-day window (the feed spans about 8
    days: texts expire) and without one. A story's articles come within two days."""
    from benchmarks.feed import FeedGenerator
    from benchmarks.metrics import adjusted_rand_index, pairwise

    feed, stories, copies = [], {}, {}
    for record, truth in FeedGenerator(3000, 7, articles_per_day=400, steady=True):
        get = record.get
        feed.append(
            Article(
                id=record["id"],
                text=get("text"),
                html=get("html"),
                title=get("title"),
                url=get("url"),
                source=get("source"),
                published=record["published"],
                crawled_at=record["published"],  # crawled as published
            )
        )
        stories[record["id"]], copies[record["id"]] = truth.story, truth.group

    def quality(retention: float | None) -> tuple[float, float, int]:
        with Index.open(tmp_path / f"{retention}.db", Params(retention_days=retention)) as idx:
            list(idx.add_many(feed))
            records = list(idx.export())
        expired = sum(r["expired"] for r in records)
        found_copies = {r["id"]: r["copy"] for r in records}
        found_stories = {r["id"]: r["story"] for r in records}
        return pairwise(copies, found_copies).f1, adjusted_rand_index(stories, found_stories), expired

    (copy_f1, story_ari, expired), (whole_f1, whole_ari, none) = quality(3.0), quality(None)
    assert expired > len(feed) // 3 and none == 0
    assert copy_f1 == whole_f1
    assert story_ari >= whole_ari
