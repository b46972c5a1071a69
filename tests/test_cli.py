"""Every command, on its success path and its error path, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dedup.cli import cli
from tests import textgen
from tests.conftest import ROOT, SEEDS


@pytest.fixture
def seeds_db(runner: CliRunner, db_path: Path) -> Path:
    result = runner.invoke(cli, ["index", str(SEEDS), "--db", str(db_path), "--quiet"])
    assert result.exit_code == 0, result.output
    return db_path


@pytest.fixture
def copies_dir(tmp_path: Path, rng: random.Random) -> Path:
    folder = tmp_path / "pages"
    (folder / "site-b").mkdir(parents=True)
    body = textgen.article(rng, 500)
    (folder / "wire.txt").write_text(body, encoding="utf-8")
    (folder / "site-b" / "copy.txt").write_text(body, encoding="utf-8")
    (folder / "site-b" / "cut.txt").write_text(textgen.truncate(body, 0.5), encoding="utf-8")
    (folder / "other.txt").write_text(textgen.article(rng, 400), encoding="utf-8")
    return folder


def test_index_seeds_prints_a_summary(runner: CliRunner, db_path: Path) -> None:
    result = runner.invoke(cli, ["index", str(SEEDS), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "read 5 articles" in result.output
    assert "exact copies 0, near copies 0" in result.output
    assert "copy groups 5, stories 3" in result.output


def test_index_twice_skips_unchanged_files(runner: CliRunner, seeds_db: Path) -> None:
    result = runner.invoke(cli, ["index", str(SEEDS), "--db", str(seeds_db), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["read"] == 0 and summary["unchanged_files"] >= 5


def test_index_copies_and_export(runner: CliRunner, copies_dir: Path, db_path: Path) -> None:
    result = runner.invoke(cli, ["index", str(copies_dir), "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["new"], summary["exact"], summary["near"]) == (2, 1, 1)
    out = runner.invoke(cli, ["export", "--db", str(db_path)])
    records = {r["id"]: r for r in map(json.loads, out.output.splitlines())}
    assert set(records) == {"wire.txt", "site-b/copy.txt", "site-b/cut.txt", "other.txt"}
    assert records["other.txt"]["relation"] == "unique"
    group = [records[i] for i in ("wire.txt", "site-b/copy.txt", "site-b/cut.txt")]
    assert len({r["copy"] for r in group}) == 1
    assert sum(r["is_canonical"] for r in group) == 1
    relations = sorted(r["relation"] for r in group)
    assert relations == ["canonical", "exact", "near"]
    assert all(r["canonical"] == group[0]["canonical"] for r in group)
    cut = records["site-b/cut.txt"]
    assert cut["similarity"] is not None and 0.3 < cut["similarity"] < 0.7


def test_export_csv_to_file(runner: CliRunner, seeds_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = runner.invoke(cli, ["export", "--db", str(seeds_db), "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 5
    assert set(rows[0]) >= {"id", "copy", "story", "is_canonical", "canonical", "relation", "similarity"}


def test_changed_file_replaces_its_old_version(
    runner: CliRunner, copies_dir: Path, db_path: Path, rng: random.Random
) -> None:
    assert runner.invoke(cli, ["index", str(copies_dir), "--db", str(db_path)]).exit_code == 0
    (copies_dir / "site-b" / "copy.txt").write_text(textgen.article(rng, 300), encoding="utf-8")
    result = runner.invoke(cli, ["index", str(copies_dir), "--db", str(db_path), "--json"])
    summary = json.loads(result.output)
    assert summary["read"] == 1 and summary["new"] == 1
    out = runner.invoke(cli, ["export", "--db", str(db_path)])
    records = {r["id"]: r for r in map(json.loads, out.output.splitlines())}
    assert len(records) == 4
    assert records["site-b/copy.txt"]["relation"] == "unique"


def test_removed_record_of_a_changed_feed_is_removed(
    runner: CliRunner, tmp_path: Path, db_path: Path, rng: random.Random
) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [{"id": f"r{i}", "text": textgen.article(rng, 200)} for i in range(3)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert runner.invoke(cli, ["index", str(feed), "--db", str(db_path)]).exit_code == 0
    feed.write_text("".join(json.dumps(r) + "\n" for r in records[:2]), encoding="utf-8")
    summary = json.loads(runner.invoke(cli, ["index", str(feed), "--db", str(db_path), "--json"]).output)
    assert summary["removed"] == 1 and summary["unchanged"] == 2


def test_index_reads_json_lines_on_stdin(runner: CliRunner, db_path: Path, rng: random.Random) -> None:
    body = textgen.article(rng)
    lines = "".join(json.dumps({"id": i, "text": body, "source": "x"}) + "\n" for i in range(2))
    result = runner.invoke(cli, ["index", "-", "--db", str(db_path), "--json"], input=lines)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["exact"] == 1


def test_index_bad_input_warns_and_goes_on(runner: CliRunner, db_path: Path) -> None:
    bad = SEEDS.parent / "bad_input"
    result = runner.invoke(cli, ["index", str(bad), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output
    assert "binary" in result.output


def test_index_nothing_readable_exits_1(runner: CliRunner, tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(cli, ["index", str(tmp_path / "empty"), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "nothing could be read" in result.output
    result = runner.invoke(cli, ["index", str(tmp_path / "missing"), "--db", str(db_path)])
    assert result.exit_code == 1


def test_index_unopenable_db_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    result = runner.invoke(cli, ["index", str(SEEDS), "--db", str(not_a_db)])
    assert result.exit_code == 1
    assert "junk.db" in result.output


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["index"]).exit_code == 2
    assert runner.invoke(cli, ["index", "x", "--workers", "0"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli, ["nope"]).exit_code == 2


def test_clusters(runner: CliRunner, copies_dir: Path, db_path: Path) -> None:
    runner.invoke(cli, ["index", str(copies_dir), "--db", str(db_path)])
    result = runner.invoke(cli, ["clusters", "--db", str(db_path)])
    assert result.exit_code == 0
    assert "3 articles, 2 distinct texts" in result.output
    result = runner.invoke(cli, ["clusters", "--db", str(db_path), "--min-size", "5"])
    assert "no group with 5 or more" in result.output


def test_show(runner: CliRunner, copies_dir: Path, db_path: Path) -> None:
    runner.invoke(cli, ["index", str(copies_dir), "--db", str(db_path)])
    result = runner.invoke(cli, ["show", "site-b/cut.txt", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "copy group:" in result.output and "near" in result.output
    missing = runner.invoke(cli, ["show", "nope.txt", "--db", str(db_path)])
    assert missing.exit_code == 1 and "nope.txt" in missing.output


def test_show_every_article_of_an_index_with_stories(runner: CliRunner, seeds_db: Path) -> None:
    ids = [
        json.loads(line)["id"]
        for line in runner.invoke(cli, ["export", "--db", str(seeds_db)]).output.splitlines()
    ]
    outputs = []
    for aid in ids:
        result = runner.invoke(cli, ["show", aid, "--db", str(seeds_db), "--no-body"])
        assert result.exit_code == 0, (aid, result.output)
        outputs.append(result.output)
    shown = "\n".join(outputs)
    assert "  story " in shown and ": score 0." in shown  # story links, with NULL overlaps
    canonical = "003_56cc465d1d7b337e.txt"
    assert "now: canonical of its story; arrived as: " in outputs[ids.index(canonical)]
    assert "(1 article)" in shown and "(1 articles)" not in shown


def test_stories_lists_members_by_instant_in_utc_and_urls_as_hosts(
    runner: CliRunner,
    tmp_path: Path,
    rng: random.Random,
) -> None:
    text = textgen.article(rng, 300)
    records = [
        {"id": "wpa", "text": text, "source": "World Press Agency", "published": "2024-01-08T12:36:22Z"},
        {
            "id": "lima",
            "text": text,
            "source": "https://www.limatoday.example/news/1",
            "published": "2024-01-08T02:18:42-05:00",
        },  # 07:18Z: after the canonical, not first
        {"id": "wire", "text": text, "source": "AFP", "published": "2024-01-08T06:42:00Z"},
        {"id": "undated", "text": text, "source": "Blog"},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "s.db"
    assert runner.invoke(cli, ["index", str(feed), "--db", str(db)]).exit_code == 0
    out = runner.invoke(cli, ["stories", "--db", str(db)]).output
    lines = [line for line in out.splitlines() if line.startswith("  - ")]
    assert [line.split()[1] for line in lines] == ["wire", "lima", "wpa", "undated"]
    assert "(limatoday.example, 2024-01-08T07:18:42Z, copy group" in lines[1]
    assert "canonical wire: dated (3 of 4); earliest published" in out
    assert out.startswith("story 1: 4 articles, 1 copy group\n")


def test_explain(runner: CliRunner, copies_dir: Path, db_path: Path) -> None:
    runner.invoke(cli, ["index", str(copies_dir), "--db", str(db_path)])
    result = runner.invoke(cli, ["explain", "wire.txt", "site-b/cut.txt", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "verdict: near copy" in result.output
    assert "1.000 of the second in the first" in result.output
    assert 'shared: "' in result.output
    unrelated = runner.invoke(cli, ["explain", "wire.txt", "other.txt", "--db", str(db_path)])
    assert "not a near copy" in unrelated.output
    missing = runner.invoke(cli, ["explain", "wire.txt", "nope", "--db", str(db_path)])
    assert missing.exit_code == 1 and "nope" in missing.output


def test_stats(runner: CliRunner, seeds_db: Path) -> None:
    result = runner.invoke(cli, ["stats", "--db", str(seeds_db)])
    assert result.exit_code == 0
    assert "articles: 5" in result.output
    # The seeds: five copy groups of one article; stories {001, 003, 004}, {000}, {002}.
    assert "groups by size: 1: 5\n" in result.output
    assert "stories: 3\n" in result.output and "stories by size: 1: 2, 3: 1\n" in result.output


@pytest.mark.parametrize("command", ["export", "clusters", "stories", "stats", "show x", "explain x y"])
def test_reading_commands_need_an_existing_index(runner: CliRunner, tmp_path: Path, command: str) -> None:
    missing = tmp_path / "none.db"
    result = runner.invoke(cli, [*command.split(), "--db", str(missing)])
    assert result.exit_code == 1
    assert "no index at" in result.output
    assert not missing.exists()


def test_extract_prints_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["extract", str(SEEDS / "001_049fdeccea105af2.txt")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[0])
    assert record["id"] == "001_049fdeccea105af2.txt"
    assert set(record) >= {
        "title",
        "body",
        "published",
        "source",
        "attribution",
        "dateline",
        "byline",
        "method",
    }


def test_every_command_has_help(runner: CliRunner) -> None:
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert command.help, name


def test_workers_give_the_same_result(runner: CliRunner, copies_dir: Path, tmp_path: Path) -> None:
    outs = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.db"
        result = runner.invoke(cli, ["index", str(copies_dir), "--db", str(db), "-w", workers, "-q"])
        assert result.exit_code == 0, result.output
        outs.append(runner.invoke(cli, ["export", "--db", str(db)]).output)
    assert outs[0] == outs[1]
    shutil.rmtree(copies_dir)


def test_same_id_from_two_folders_is_reported(runner: CliRunner, tmp_path: Path) -> None:
    for folder, text in (("a", "one two three four five six"), ("b", "seven eight nine ten eleven")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "x.db"
    result = runner.invoke(cli, ["index", str(tmp_path / "a"), str(tmp_path / "b"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "duplicate id 'same.txt'" in result.output
    assert "articles: 1" in runner.invoke(cli, ["stats", "--db", str(db)]).output


def test_stories_lists_the_seed_story(runner: CliRunner, seeds_db: Path) -> None:
    result = runner.invoke(cli, ["stories", "--db", str(seeds_db)])
    assert result.exit_code == 0, result.output
    assert "3 articles, 3 copy groups" in result.output
    assert "004_88897482dd4b4aba.txt" in result.output
    none = runner.invoke(cli, ["stories", "--db", str(seeds_db), "--min-size", "4"])
    assert "no story with 4 or more" in none.output


def test_no_stories_detects_copies_only_and_the_database_keeps_the_choice(
    runner: CliRunner, copies_dir: Path, db_path: Path
) -> None:
    for folder in (SEEDS, copies_dir):
        result = runner.invoke(cli, ["index", str(folder), "--db", str(db_path), "--no-stories", "--json"])
        assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["new"], summary["exact"], summary["near"], summary["story"]) == (2, 1, 1, 0)
    records = [
        json.loads(r) for r in runner.invoke(cli, ["export", "--db", str(db_path)]).output.splitlines()
    ]
    # Each story is a copy group: the seed rewrites of one event stay apart.
    assert {r["story"] for r in records} == {r["copy"] for r in records}
    assert len({r["story"] for r in records}) == 5 + 2
    again = runner.invoke(cli, ["index", str(SEEDS), "--db", str(db_path), "--stories"])
    assert again.exit_code == 1
    assert "enabled: False -> True" in again.output
    kept = runner.invoke(cli, ["index", str(SEEDS), "--db", str(db_path), "--json"])
    assert kept.exit_code == 0, kept.output


def test_progress_runs_over_the_bytes_of_the_files_to_the_end(tmp_path: Path, rng: random.Random) -> None:
    import io

    from rich.console import Console

    from dedup import Index
    from dedup.ingest.runs import index_sources, source_bytes
    from dedup.terminal import Progress

    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(12):
        (pages / f"{i}.txt").write_text(textgen.article(rng, 150), encoding="utf-8")
    (pages / "feed.jsonl").write_text(
        "".join(json.dumps({"id": f"r{i}", "text": textgen.article(rng, 100)}) + "\n" for i in range(5)),
        encoding="utf-8",
    )
    total = source_bytes([str(pages)])
    assert total == sum(p.stat().st_size for p in pages.iterdir())
    assert source_bytes(["-"]) is None
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    for run in range(2):  # the second run skips every file as unchanged, and still ends
        seen: list[int] = []
        with Index.open(tmp_path / "p.db") as index, Progress(True, total, console) as bar:

            def told(n: int, seen: list[int] = seen, bar: Progress = bar) -> None:
                seen.append(n)
                bar.read(n)

            index_sources(index, [str(pages)], on_decision=bar.advance, on_bytes=told)
            task = bar._bar.tasks[0]
            assert task.completed == task.total == total and sum(seen) == total
            assert bar.articles == (17 if run == 0 else 0)
    assert "articles" in screen.getvalue() and "ETA" in screen.getvalue()


def test_the_cli_starts_without_the_heavy_modules() -> None:
    """`dedup --version` and the reading commands start in a fraction of a second: the CLI
    module imports no NumPy, datasketch, trafilatura or rarity model until a command needs
    them (docs/cli.md gives the start-up times)."""
    import subprocess
    import sys

    heavy = ("numpy", "datasketch", "trafilatura", "wordfreq", "scipy", "dedup.index")
    code = f"import sys, dedup.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def _foreign(path: Path, table: str = "articles") -> bytes:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {table} (slug TEXT, body TEXT)")
        conn.execute(f"INSERT INTO {table} VALUES ('a', 'b')")
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("command", [["index", str(SEEDS)], ["stats"], ["export"], ["clusters"]])
def test_another_applications_database_is_refused_untouched(
    runner: CliRunner,
    tmp_path: Path,
    command: list[str],
) -> None:
    db = tmp_path / "app.db"
    before = _foreign(db)
    result = runner.invoke(cli, [*command, "--db", str(db)])
    assert result.exit_code == 1
    assert "another application's SQLite database (tables: articles)" in result.output
    assert "dedup init --force" in result.output and "Traceback" not in result.output
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no -wal, no -shm


def test_init_force_adds_dedups_tables_and_then_index_works(runner: CliRunner, tmp_path: Path) -> None:
    import sqlite3

    clashing = tmp_path / "clash.db"
    before = _foreign(clashing)
    refused = runner.invoke(cli, ["init", "--force", "--db", str(clashing)])
    assert refused.exit_code == 1 and "tables named as dedup's (articles)" in refused.output
    assert clashing.read_bytes() == before
    db = tmp_path / "app.db"
    _foreign(db, "posts")
    assert runner.invoke(cli, ["init", "--db", str(db)]).exit_code == 1
    done = runner.invoke(cli, ["init", "--force", "--db", str(db)])
    assert done.exit_code == 0 and "a dedup index of 0 articles" in done.output
    assert runner.invoke(cli, ["index", str(SEEDS), "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x64647570
        assert conn.execute("SELECT * FROM posts").fetchall() == [("a", "b")]  # left as it was


def test_a_dedup_database_made_before_the_mark_is_still_opened(tmp_path: Path) -> None:
    import sqlite3

    from dedup import Index

    db = tmp_path / "old.db"
    with Index.open(db):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA application_id = 0")  # as every database made before the mark
    conn.close()
    with Index.open(db):  # recognised by its config, and marked
        pass
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x64647570


def test_a_database_in_a_missing_folder_says_the_folder_is_missing(
    runner: CliRunner,
    tmp_path: Path,
) -> None:
    result = runner.invoke(cli, ["index", str(SEEDS), "--db", str(tmp_path / "nope" / "x.db")])
    assert result.exit_code == 1 and f"the folder {str(tmp_path / 'nope')!r} does not exist" in result.output


def test_export_answers_one_per_story_and_one_per_copy_group(runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "pages"
    folder.mkdir()
    for page in SEEDS.glob("0*.txt"):
        shutil.copy(page, folder / page.name)
    shutil.copy(SEEDS / "001_049fdeccea105af2.txt", folder / "zz-copy-of-001.txt")
    db = tmp_path / "e.db"
    assert runner.invoke(cli, ["index", str(folder), "--db", str(db)]).exit_code == 0
    out = runner.invoke(cli, ["export", "--db", str(db)]).output
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    copy, original = records["zz-copy-of-001.txt"], records["001_049fdeccea105af2.txt"]
    # One per story: the story's canonical is 003, a rewrite; the copy is "another version".
    assert copy["canonical"] == "003_56cc465d1d7b337e.txt" and copy["relation"] == "story"
    # One per copy group: 001 and its copy are one group, the copy an exact copy of 001.
    assert copy["copy_canonical"] == original["copy_canonical"] == "001_049fdeccea105af2.txt"
    assert (copy["copy_relation"], copy["copy_similarity"]) == ("exact", 1.0)
    assert (original["copy_relation"], original["copy_similarity"]) == ("canonical", None)
    alone = records["000_67a82daef0a26632.txt"]
    assert (alone["copy_relation"], alone["relation"]) == ("unique", "unique")
    csv_out = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv"]).output
    assert csv_out.splitlines()[0].endswith("similarity,copy_canonical,copy_relation,copy_similarity")


def test_prune_missing_removes_the_articles_of_deleted_files(
    runner: CliRunner,
    tmp_path: Path,
    rng: random.Random,
) -> None:
    from tests.test_crash import _check_consistent

    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    base = textgen.article(rng, 300)
    texts = {"a.txt": base, "sub/b.txt": textgen.edit(rng, base, 0.03), "c.txt": textgen.article(rng, 300)}
    for rel, text in texts.items():
        (pages / rel).write_text(text, encoding="utf-8")
    db = tmp_path / "p.db"
    assert runner.invoke(cli, ["index", str(pages), "--db", str(db)]).exit_code == 0
    (pages / "a.txt").unlink()  # the canonical of the copy group a + sub/b
    kept = runner.invoke(cli, ["index", str(pages), "--db", str(db), "--json"])
    assert json.loads(kept.output)["removed"] == 0 and _check_consistent(db) == 3  # not asked
    pruned = runner.invoke(cli, ["index", str(pages), "--db", str(db), "--prune-missing"])
    assert pruned.exit_code == 0, pruned.output
    assert "removed 1," in pruned.output and "pruned 1 missing file" in pruned.output
    assert _check_consistent(db) == 2
    records = {
        r["id"]: r
        for r in map(json.loads, runner.invoke(cli, ["export", "--db", str(db)]).output.splitlines())
    }
    assert set(records) == {"sub/b.txt", "c.txt"}
    assert records["sub/b.txt"]["copy_relation"] == "unique"  # its group is recomputed
    again = runner.invoke(cli, ["index", str(pages), "--db", str(db), "--prune-missing", "--json"])
    assert json.loads(again.output)["removed"] == 0


def test_remove_takes_articles_out_and_names_unknown_ids(runner: CliRunner, seeds_db: Path) -> None:
    from tests.test_crash import _check_consistent

    result = runner.invoke(cli, ["remove", "003_56cc465d1d7b337e.txt", "--db", str(seeds_db)])
    assert result.exit_code == 0 and "removed 1 article" in result.output
    assert _check_consistent(seeds_db) == 4
    stories = runner.invoke(cli, ["stories", "--db", str(seeds_db)]).output
    assert "003_" not in stories and "story " in stories  # 001 and 004 still one story
    missing = runner.invoke(cli, ["remove", "nope.txt", "003_56cc465d1d7b337e.txt", "--db", str(seeds_db)])
    assert missing.exit_code == 1 and "no article 'nope.txt', '003_56cc465d1d7b337e.txt'" in missing.output
    absent = runner.invoke(cli, ["remove", "x", "--db", str(seeds_db.parent / "none.db")])
    assert absent.exit_code == 1 and "no index at" in absent.output


def test_a_legacy_page_is_indexed_with_its_encoding_recorded(runner: CliRunner, tmp_path: Path) -> None:
    import shutil
    import sqlite3

    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(ROOT / "fixtures" / "bad_input" / "cp1252.txt", pages / "cp1252.txt")
    db = tmp_path / "enc.db"
    result = runner.invoke(cli, ["index", str(pages), "--db", str(db)])
    assert result.exit_code == 0 and "new 1," in result.output and "warning" not in result.output
    shown = runner.invoke(cli, ["show", "cp1252.txt", "--db", str(db)]).output
    assert "encoding: cp1252" in shown and "“We won’t accept this”" in shown
    with sqlite3.connect(db) as conn:  # a database made before the column gets it on open
        conn.execute("ALTER TABLE articles DROP COLUMN encoding")
    conn.close()
    assert runner.invoke(cli, ["index", str(pages), "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as conn:
        assert "encoding" in [r[1] for r in conn.execute("PRAGMA table_info(articles)")]


def test_the_summary_counts_add_up_in_one_vocabulary(runner: CliRunner, tmp_path: Path) -> None:
    bad = ROOT / "fixtures" / "bad_input"
    db = tmp_path / "b.db"
    out = runner.invoke(cli, ["index", str(bad), "--db", str(db), "-q"]).output
    lines = out.splitlines()
    skipped = int(lines[1].rsplit("skipped ", 1)[1])
    breakdown = next(line for line in lines if line.startswith("skipped: "))
    assert sum(int(part.split()[0]) for part in breakdown[9:].split(", ")) == skipped
    assert any(line.startswith("warnings: ") for line in lines)  # kept with a warning: apart
    again = runner.invoke(cli, ["index", str(bad), "--db", str(db), "-q"]).output
    assert "(13 unchanged files not read again)" in again and "unchanged articles 0" in again
    copies = runner.invoke(cli, ["index", str(SEEDS), "--db", str(tmp_path / "c.db"), "--no-stories"])
    assert "no story tier in" in copies.output and "stories 5" not in copies.output


def test_thresholds_from_the_cli_are_kept_by_the_index(runner: CliRunner, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "t.db"
    first = runner.invoke(
        cli,
        [
            "index",
            str(SEEDS),
            "--db",
            str(db),
            "--jaccard",
            "0.3",
            "--story-threshold",
            "0.4",
            "--window",
            "60",
        ],
    )
    assert first.exit_code == 0, first.output
    assert runner.invoke(cli, ["index", str(SEEDS), "--db", str(db)]).exit_code == 0  # kept

    def stored() -> tuple[dict[str, object], dict[str, object]]:
        with sqlite3.connect(db) as conn:
            rows = dict(conn.execute("SELECT key, value FROM config"))
        conn.close()
        return json.loads(rows["params"]), json.loads(rows["story_params"])

    params, story = stored()
    assert (params["jaccard_threshold"], params["containment_threshold"]) == (0.3, 0.8)
    assert (story["threshold"], story["window_days"]) == (0.4, 60)
    explained = runner.invoke(
        cli, ["explain", "001_049fdeccea105af2.txt", "003_56cc465d1d7b337e.txt", "--db", str(db)]
    ).output
    assert "jaccard >= 0.3 or containment >= 0.8" in explained and "threshold 0.4" in explained
    bad = runner.invoke(cli, ["index", str(SEEDS), "--db", str(db), "--jaccard", "1.5"])
    assert bad.exit_code == 2 and "--jaccard" in bad.output


def test_show_and_explain_word_an_unknown_id_the_same_way(runner: CliRunner, seeds_db: Path) -> None:
    shown = runner.invoke(cli, ["show", "nope.txt", "--db", str(seeds_db)])
    explained = runner.invoke(cli, ["explain", "001_049fdeccea105af2.txt", "nope.txt", "--db", str(seeds_db)])
    assert shown.exit_code == explained.exit_code == 1
    assert (
        shown.output
        == explained.output
        == (f"Error: no article 'nope.txt' in {seeds_db}; `dedup export --db {seeds_db}` lists the ids\n")
    )


def test_datasette_serves_the_store_with_its_links_and_descriptions(
    runner: CliRunner,
    seeds_db: Path,
    tmp_path: Path,
) -> None:
    import asyncio

    from datasette.app import Datasette

    meta = tmp_path / "metadata.json"
    assert runner.invoke(cli, ["datasette-metadata", "--db", str(seeds_db), "-o", str(meta)]).exit_code == 0

    async def browse() -> tuple[Any, Any]:
        ds = Datasette([str(seeds_db)], metadata=json.loads(meta.read_text(encoding="utf-8")))
        tables = (await ds.client.get(f"/{seeds_db.stem}.json")).json()
        described = (await ds.client.get("/-/metadata.json")).json()
        return tables, described

    tables, described = asyncio.run(browse())
    by_name = {t["name"]: t for t in tables["tables"]}
    outgoing = {(fk["column"], fk["other_table"]) for fk in by_name["articles"]["foreign_keys"]["outgoing"]}
    assert {("text", "texts"), ("copy", "clusters"), ("story", "stories")} <= outgoing
    columns = described["databases"][seeds_db.stem]["tables"]["articles"]["columns"]
    assert "copy group" in columns["copy"]


def test_report_of_one_story_and_its_errors(runner: CliRunner, seeds_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.html"
    one = runner.invoke(cli, ["report", "--db", str(seeds_db), "-o", str(out), "--story", "2"])
    assert one.exit_code == 0 and "1 story" in one.output
    assert out.read_text(encoding="utf-8").count('<section class="story"') == 1
    missing = runner.invoke(cli, ["report", "--db", str(seeds_db), "-o", str(out), "--story", "999"])
    assert missing.exit_code == 1 and "no story 999" in missing.output
    none = runner.invoke(cli, ["report", "--db", str(tmp_path / "none.db"), "-o", str(out)])
    assert none.exit_code == 1 and "no index at" in none.output
