"""Laws of bad input: the library raises only DedupError, a run never aborts on one article,
every good article is kept, every path that is not indexed is named, one writer at a time."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import Article, ArticleError, DedupError, Index, IndexBusy, Params, Skipped
from dedup.article import parse_published
from dedup.cli import cli
from dedup.extract.dates import parse_reference
from dedup.prepare import Preparer
from tests import badinput, textgen
from tests.test_crash import _check_consistent


def _good(rng: random.Random, aid: str) -> Article:
    return Article(id=aid, text=textgen.article(rng, 200), source="AFP")


@given(st.lists(badinput.records(), min_size=1, max_size=8))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_record_gives_a_decision_or_a_dedup_error_and_the_index_stays_usable(
    records: list[dict[str, object]],
) -> None:
    rng = random.Random(len(records))
    with Index.open() as index:
        for record in records:
            with contextlib.suppress(DedupError):
                index.add(Article(**record))  # type: ignore[arg-type]
            with contextlib.suppress(DedupError):
                index.query(Article(**record))  # type: ignore[arg-type]
        before = len(index)
        assert index.add(_good(rng, "after-the-bad-ones")).status in ("new", "story", "near", "exact")
        assert len(index) == before + 1
        for decision in index.add_many(
            [Article(id="x-" + str(i), text="some words " * 20) for i in range(3)]
        ):
            assert not isinstance(decision, Skipped)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0001-01-01T00:00:00+05:00", None),  # overflowed in astimezone
        ("9999-12-31T23:59:59-05:00", None),
        ("9999-12-31", None),
        ("1899-12-31", None),
        ("2101-01-01", None),
        ("1900-01-01", "1900-01-01"),
        ("2024-09-13T10:00:00+05:00", "2024-09-13T05:00:00Z"),
    ],
)
def test_dates_outside_1900_2100_are_unknown(value: str, expected: str | None) -> None:
    when = parse_published(value)
    assert (when.iso() if when else None) == expected
    if expected is None:
        assert parse_reference(value) is None
        article = Article(id="a", text="t", published=value, crawled_at=value)
        assert article.published is None and article.crawled_at is None
        assert len(article.notes) == 2 and "taken as unknown" in article.notes[0]


def test_a_dated_flat_page_crawled_in_year_9999_is_indexed(rng: random.Random) -> None:
    text = "Published 13 September 2024\n" + textgen.article(rng, 200)
    with Index.open() as index:
        decision = index.add(Article(id="a", text=text, crawled_at="9999-12-31"))
    assert decision.status == "new"
    assert any("crawled_at" in w for w in decision.warnings)


@pytest.mark.parametrize(
    "bad",
    [
        {"id": ["a"]},
        {"id": {"a": 1}},
        {"id": True},
        {"id": None},
        {"id": "  "},
        {"id": "a", "text": 42},
        {"id": "a", "title": ["t"]},
        {"id": "a", "url": 3.5},
        {"id": "a", "source": {"n": 1}},
        {"id": "a", "published": 2024},
        {"id": "a", "html": b"<p>"},
    ],
)
def test_wrong_types_raise_article_error_naming_the_field(bad: dict[str, object]) -> None:
    with pytest.raises(ArticleError) as caught:
        Article(**{"text": "words", **bad})  # type: ignore[arg-type]
    field = next(k for k in bad if k != "id") if len(bad) > 1 else "id"
    assert field in str(caught.value)


def test_ids_are_strings_and_an_integer_id_is_its_decimal_string(rng: random.Random) -> None:
    huge = int("9" * 4000)
    with Index.open() as index:
        first = index.add(Article(id=12345, text=textgen.article(rng, 100)))  # type: ignore[arg-type]
        again = index.add(Article(id="12345", text=textgen.article(rng, 100)))
        assert first.id == again.id == "12345" and len(index) == 1  # replaced, not a second id
        assert index.add(Article(id=huge, text=textgen.article(rng, 100))).id == str(huge)  # type: ignore[arg-type]


def test_lone_surrogates_are_replaced_and_the_article_stored(tmp_path: Path) -> None:
    article = Article(id="s\ud800", text="words \udcff " * 20, title="\udfff", source="A\ud800")
    assert article.id == "s\ufffd" and article.title == "\ufffd"
    assert len(article.notes) == 4
    with Index.open(tmp_path / "s.db") as index:
        decision = index.add(article)
        assert decision.id == "s\ufffd" and len(decision.warnings) == 4


def test_a_huge_text_is_cut_at_max_text_chars_with_a_warning(rng: random.Random) -> None:
    text = textgen.article(rng, 40_000)  # ~200,000 characters
    with Index.open(params=Params(max_text_chars=50_000)) as index:
        decision = index.add(Article(id="big", text=text))
        assert decision.status == "new"
        assert decision.warnings == (f"text cut from {len(text):,} to 50,000 characters (max_text_chars)",)
        assert index.add(Article(id="big", text=text)).status == "unchanged"
    with Index.open() as index:
        assert index.add(Article(id="big", text=text)).warnings == ()


def test_the_index_takes_only_articles() -> None:
    with Index.open() as index, pytest.raises(ArticleError, match=r"takes dedup\.Article"):
        index.add({"id": "a", "text": "t"})  # type: ignore[arg-type]


def _fail_for(monkeypatch: pytest.MonkeyPatch, target: object, name: str, bad_id: str) -> None:
    """Make ``target.name`` raise for the article ``bad_id`` (a bug in one stage)."""
    original = getattr(target, name)

    def failing(self: object, *args: object, **kwargs: object) -> object:
        first = args[0]
        aid = getattr(getattr(first, "article", first), "id", None)
        if aid == bad_id:
            raise RuntimeError("a bug")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(target, name, failing)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failure_inside_one_article_skips_it_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    workers: int,
) -> None:
    rng = random.Random(5)
    articles = [_good(rng, f"a{i}") for i in range(30)]
    articles += [Article(id=f"c{i}", text=articles[i].text) for i in range(5)]  # exact copies
    order = articles[:7] + articles[8:] + [articles[7]]  # the failing one last
    with Index.open(tmp_path / "ref.db") as index:
        reference = {
            d.id: (d.status, d.cluster) for d in index.add_many(order[:-1]) if not isinstance(d, Skipped)
        }
    # In the main process (Index._apply), and in the preparation stage (workers when 2).
    _fail_for(monkeypatch, Index, "_apply", "a7")
    _fail_for(monkeypatch, Preparer, "_features", "a7")
    db = tmp_path / "t.db"
    with Index.open(db) as index:
        results = list(index.add_many(order, batch_size=8, workers=workers))
        assert len(index) == len(articles) - 1
    [skipped] = [r for r in results if isinstance(r, Skipped)]
    assert skipped.id == "a7" and "RuntimeError: a bug" in skipped.reason
    decided = {d.id: (d.status, d.cluster) for d in results if not isinstance(d, Skipped)}
    assert decided == reference
    assert _check_consistent(db) == len(articles) - 1


def test_a_failure_in_add_raises_article_error_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    rng: random.Random,
) -> None:
    _fail_for(monkeypatch, Index, "_apply", "bad")
    with Index.open() as index:
        index.add(_good(rng, "first"))
        with pytest.raises(ArticleError, match="RuntimeError: a bug"):
            index.add(_good(rng, "bad"))
        assert len(index) == 1 and "bad" not in index
        assert index.add(_good(rng, "next")).id == "next"


def test_dedup_index_on_a_folder_of_bad_files_keeps_every_good_article(tmp_path: Path) -> None:
    folder = badinput.build_folder(tmp_path / "pages", good=40)
    db = tmp_path / "bad.db"
    result = CliRunner().invoke(cli, ["index", str(folder.root), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT id FROM articles")}
    assert folder.good <= stored
    silent = [rel for rel in folder.named if rel not in stored and rel not in result.stderr]
    assert silent == []
    assert "skipped: " in result.output and "warnings: " in result.output
    assert _check_consistent(db) == len(stored)


# -- one writer at a time -------------------------------------------------------------------


def test_a_second_index_on_one_database_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    db = tmp_path / "one.db"
    with Index.open(db):
        with pytest.raises(IndexBusy, match="is in use"):
            Index.open(db)
        errors: list[BaseException] = []

        def other_thread() -> None:
            try:
                Index.open(db).close()
            except BaseException as e:
                errors.append(e)

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert [type(e) for e in errors] == [IndexBusy]
    with Index.open(db) as again:  # released on close
        assert len(again) == 0


def test_a_second_dedup_index_process_exits_with_database_in_use(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    rng = random.Random(3)
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(5):
        (pages / f"{i}.txt").write_text(textgen.article(rng, 200), encoding="utf-8")
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from dedup import Index; "
            f"i = Index.open({str(db)!r}); print('open', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
            second = subprocess.run(
                [sys.executable, "-m", "dedup", "index", str(pages), "--db", str(db)],
                check=False,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == 1
            assert "is in use" in second.stderr and "Traceback" not in second.stderr
            readers = subprocess.run(
                [sys.executable, "-m", "dedup", "stats", "--db", str(db)],
                check=False,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert readers.returncode == 0, readers.stderr  # readers are never refused
        finally:
            holder.kill()
    done = subprocess.run(
        [sys.executable, "-m", "dedup", "index", str(pages), "--db", str(db)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert _check_consistent(db) == 5
