"""A run killed with SIGKILL at any moment leaves a consistent store; re-running finishes it."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import textgen


def _make_folder(folder: Path, families: int = 250) -> int:
    rng = random.Random(99)
    n = 0
    for f in range(families):
        body = textgen.article(rng, rng.randint(200, 500))
        variants = [body, textgen.edit(rng, body, 0.04), textgen.truncate(body, 0.6)]
        for v, text in enumerate(variants[: rng.randint(1, 3)]):
            (folder / f"{f:04d}-{v}.txt").write_text(text, encoding="utf-8")
            n += 1
    return n


def _run(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dedup",
            "index",
            str(folder),
            "--db",
            str(db),
            "--batch-size",
            "10",
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _export(db: Path) -> list[tuple[str, int, str]]:
    out = subprocess.run(
        [sys.executable, "-m", "dedup", "export", "--db", str(db)], check=True, capture_output=True, text=True
    ).stdout
    return sorted((r["id"], r["copy"], r["canonical"]) for r in map(json.loads, out.splitlines()))


def _check_consistent(db: Path) -> int:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = conn.execute(
        "SELECT count(*) FROM articles a LEFT JOIN texts t ON t.id = a.text WHERE t.id IS NULL"
    ).fetchone()[0]
    no_cluster = conn.execute(
        "SELECT count(*) FROM articles a LEFT JOIN clusters c ON c.id = a.copy WHERE c.id IS NULL"
    ).fetchone()[0]
    bad_size = conn.execute(
        "SELECT count(*) FROM clusters c WHERE size != (SELECT count(*) FROM articles WHERE copy = c.id)"
    ).fetchone()[0]
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    assert (orphans, no_cluster, bad_size) == (0, 0, 0)
    return int(n)


@pytest.mark.slow
@pytest.mark.parametrize("wait_for", [5, 150, 300])
def test_kill_and_rerun(tmp_path: Path, wait_for: int) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    total = _make_folder(folder)
    reference = tmp_path / "ref.db"
    assert _run(folder, reference).wait() == 0
    db = tmp_path / "killed.db"
    proc = _run(folder, db)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= wait_for:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = _check_consistent(db)
    assert stored < total, "the run finished before it could be killed; raise the folder size"
    assert _run(folder, db).wait() == 0
    assert _check_consistent(db) == total
    assert _export(db) == _export(reference)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_exit_130_and_true_counts(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    total = _make_folder(folder)
    db = tmp_path / "int.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dedup", "index", str(folder), "--db", str(db), "--batch-size", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 50:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted: " in err and "Traceback" not in err and "Exception ignored" not in err
    stored = _check_consistent(db)
    with sqlite3.connect(db) as conn:
        status, read = conn.execute("SELECT status, read FROM runs ORDER BY id DESC").fetchone()
    assert (status, read) == ("interrupted", stored) and stored < total
    assert _run(folder, db).wait() == 0
    assert _check_consistent(db) == total
