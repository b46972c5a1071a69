"""The SQLite store: schema, transactions and the queries the index and the CLI need.

Tables (browse them with Datasette or any SQLite tool):

- ``articles``: one row per article (id, path, title, source, url, published, body hash,
  words, ``copy`` cluster, ``story``, extraction metadata, status at arrival, run).
- ``texts``: one row per distinct normalised body: its hash, body, word and shingle
  counts, and the sketches (MinHash signature, lead signature, shingle set) as blobs.
- ``clusters``: copy groups: id, canonical article, the reason, size.
- ``stories``: stories (rewrites of one event, copies included): id, canonical, reason, size.
- ``matches``: verified pairs: a, b (article ids), jaccard, containment, relation
  (``exact``, ``near``, ``story``), and for story links the score and the evidence.
- ``merges``: which cluster absorbed which, in which run.
- ``runs``, ``problems``, ``files``, ``config``: runs and their counts, per-file
  problems, what was read (for re-indexing only what changed), the parameters.

Writes happen inside :meth:`Store.transaction`; a process killed at any moment leaves the
last committed batch, never half of one (SQLite's journal guarantees it).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlite_utils

from dedup._version import __version__
from dedup.clusters import MergeKind
from dedup.errors import ForeignDatabase, IndexBusy, StoreError
from dedup.params import Params
from dedup.store.expiry import Expiry
from dedup.store.schema import (
    APPLICATION_ID,
    CREATE_ORDER,
    FOREIGN_KEYS,
    INDEXES,
    SCHEMA_VERSION,
    TABLES,
)
from dedup.store.tokens import Tokens
from dedup.stories.params import StoryParams

log = logging.getLogger(__name__)


class Store(Expiry, Tokens):
    """A SQLite database holding one index. ``path=None`` keeps it in memory.

    ``writer=True`` (what :meth:`dedup.Index.open` asks for) takes the database's writer
    lock first, for as long as the store is open: an index holds its state in memory and
    decides from it, so a second writer would decide without seeing the first one's
    articles. A database another writer holds raises :class:`IndexBusy` at once. Readers
    (the CLI's reading commands) take no lock; SQLite's WAL lets them read while one writes.
    """

    def __init__(self, path: str | Path | None, *, writer: bool = False, force: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self._lock: int | None = None
        if self.path is not None and not self.path.parent.is_dir():
            raise StoreError(
                f"cannot create the database {str(self.path)!r}: the folder "
                f"{str(self.path.parent)!r} does not exist"
            )
        if writer and self.path is not None:
            self._lock = _writer_lock(self.path)
        try:
            if self.path is None:
                conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            else:
                conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
                self._check_owner(conn, force)  # before anything below changes the file
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=OFF")
            self.db = sqlite_utils.Database(conn)
            self.conn = conn
            self._create()
            if writer and conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # new, or made before the mark
        except sqlite3.Error as e:
            self._unlock()
            raise StoreError(
                f"cannot open the database {str(self.path)!r}: {e}; "
                "check the path and that the file is a dedup SQLite database"
            ) from e
        self._depth = 0

    def _check_owner(self, conn: sqlite3.Connection, force: bool) -> None:
        """Refuse, untouched, a SQLite file of another application: one with tables but
        neither dedup's application id nor (for databases made before it) dedup's config."""
        if conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
            return
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        if not tables:
            return  # a new (or empty) database
        if (
            "config" in tables
            and conn.execute("SELECT 1 FROM config WHERE key = 'schema_version'").fetchone()
        ):
            return  # dedup's, made before the application id
        clash = [t for t in tables if t in TABLES]
        if force and not clash:
            return
        conn.close()
        self._unlock()
        shown = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
        if force:
            raise ForeignDatabase(
                f"{str(self.path)!r} already has tables named as dedup's ({', '.join(clash)}); "
                "dedup leaves it as it is: use another --db"
            )
        raise ForeignDatabase(
            f"{str(self.path)!r} is another application's SQLite database (tables: {shown}); "
            "dedup leaves it as it is. Use another --db, or add dedup's tables to it with "
            f"`dedup init --force --db {self.path}`"
        )

    def _create(self) -> None:
        existing = set(self.db.table_names())
        for name in CREATE_ORDER:
            columns, pk = TABLES[name]
            table = self.db[name]
            if name not in existing:
                table.create(  # type: ignore[union-attr]
                    columns,
                    pk=pk or None,
                    foreign_keys=FOREIGN_KEYS.get(name, []),
                )
                continue
            # Columns added since the table was made (nullable: old rows read as unknown).
            have = set(table.columns_dict)
            for column, kind in columns.items():
                if column not in have:
                    table.add_column(column, kind)  # type: ignore[union-attr]
        for name, cols in INDEXES:
            self.db[name].create_index(cols, if_not_exists=True)  # type: ignore[union-attr]
        version = self.get_config("schema_version")
        if self.get_config("tokens") is None:
            self.set_tokens_version(self.tokens_version())  # 1 for texts made before the key
        if version is None:
            self.set_config("schema_version", str(SCHEMA_VERSION))
        elif int(version) != SCHEMA_VERSION:
            raise StoreError(
                f"database {str(self.path)!r} has schema version {version}, this dedup reads "
                f"version {SCHEMA_VERSION}; re-index into a new database"
            )

    def close(self) -> None:
        self.conn.close()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases its flock
            self._lock = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic batch of writes; nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction: undo just what the block wrote if it raises."""
        self.conn.execute("SAVEPOINT one")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO one")
            raise
        finally:
            self.conn.execute("RELEASE one")

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    # -- config --------------------------------------------------------------------------

    def get_config(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_config(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO config (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def params(self) -> Params | None:
        raw = self.get_config("params")
        return None if raw is None else Params.from_dict(json.loads(raw))

    def story_params(self) -> StoryParams | None:
        raw = self.get_config("story_params")
        return None if raw is None else StoryParams.from_dict(json.loads(raw))

    def set_params(self, params: Params, story_params: StoryParams) -> None:
        """The parameters the index is opened with, kept for the runs after."""
        self.set_config("params", params.to_json())
        self.set_config("story_params", story_params.to_json())

    # -- runs ------------------------------------------------------------------------------

    def begin_run(self, params: str, sources: list[str]) -> int:
        """Record a run that starts now (its parameters as JSON); returns its id."""
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs (started, status, version, params, sources) VALUES (?, ?, ?, ?, ?)",
                (_now(), "running", __version__, params, json.dumps(sources)),
            )
        return int(cur.lastrowid or 0)

    def end_run(self, run: int, status: str, counts: dict[str, Any]) -> None:
        """Record the end of a run with its counts (columns of the ``runs`` table)."""
        sets = ", ".join(f"[{k}] = ?" for k in counts)
        with self.transaction():
            self.conn.execute(
                f"UPDATE runs SET finished = ?, status = ?, {sets} WHERE id = ?",
                (_now(), status, *counts.values(), run),
            )

    # -- the index's state, read back when it opens ----------------------------------------

    # Each reads the live texts only (not expired, see dedup.store.expiry): an index opens
    # in the time its retention window takes, not its history.

    def texts(self) -> Iterator[tuple[int, str, int, bytes, bytes]]:
        """(id, hash, shingles, signature, lead) of every live text, by id."""
        yield from self.conn.execute(
            "SELECT id, hash, shingles, signature, lead FROM texts WHERE expired IS NULL ORDER BY id"
        )

    def story_features(self) -> Iterator[tuple[int, str]]:
        """(text id, encoded story features) of every live text, by id."""
        yield from self.conn.execute("SELECT id, story_features FROM texts WHERE expired IS NULL ORDER BY id")

    def links(self) -> Iterator[tuple[int, int, str, float | None]]:
        """(a_text, b_text, relation, score) of the near-copy and story links between live
        texts, in the order they were made."""
        yield from self.conn.execute(
            "SELECT m.a_text, m.b_text, m.relation, m.score FROM texts a "
            "JOIN matches m ON m.a_text = a.id JOIN texts b ON b.id = m.b_text "
            "WHERE a.expired IS NULL AND b.expired IS NULL AND m.relation IN ('near', 'story') "
            "ORDER BY m.rowid"
        )

    def articles(self) -> Iterator[tuple[str, int, int, str | None, str | None, str, int, int]]:
        """(id, text, words, published, attribution, content_hash, copy, story) of every
        article of a live text."""
        yield from self.conn.execute(
            "SELECT a.id, a.text, a.words, a.published, a.attribution, a.content_hash, a.copy, a.story "
            "FROM texts t JOIN articles a ON a.text = t.id WHERE t.expired IS NULL ORDER BY a.rowid"
        )

    def canonicals(self, table: str) -> Iterator[tuple[int, str, str]]:
        """(id, canonical, reason) of every open copy group (``clusters``) or ``stories``."""
        if table not in ("clusters", "stories"):
            raise ValueError(f"canonicals of clusters or stories, not {table!r}")
        yield from self.conn.execute(f"SELECT id, canonical, reason FROM {table} WHERE closed IS NULL")

    def text_sketch(self, text: int) -> tuple[str, bytes, bytes]:
        """(hash, signature, lead) of a text."""
        row = self.conn.execute("SELECT hash, signature, lead FROM texts WHERE id = ?", (text,)).fetchone()
        if row is None:
            raise StoreError(f"text {text} is missing from {str(self.path)!r}; the file is damaged")
        return str(row[0]), bytes(row[1]), bytes(row[2])

    def near_neighbours(self, text: int) -> list[int]:
        """The texts verified as near copies of ``text``, either way round."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT b_text FROM matches WHERE a_text = ? AND relation = 'near' UNION "
                "SELECT a_text FROM matches WHERE b_text = ? AND relation = 'near'",
                (text, text),
            )
        ]

    # -- the index's writes ------------------------------------------------------------------

    def insert_text(self, row: tuple[Any, ...]) -> None:
        """(id, hash, words, shingles, body, signature, lead, shingle_set, story_features, seen)."""
        self.conn.execute(
            "INSERT INTO texts (id, hash, words, shingles, body, signature, lead, shingle_set, "
            "story_features, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )

    def insert_article(self, row: tuple[Any, ...]) -> None:
        """(id, path, title, source, url, published, attribution, dateline, byline, method,
        text, body_hash, words, copy, story, status, content_hash, file, run, encoding)."""
        self.conn.execute(
            "INSERT INTO articles (id, path, title, source, url, published, attribution, "
            "dateline, byline, method, text, body_hash, words, copy, story, status, "
            "content_hash, file, run, encoding) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )

    def record_exact(self, a: str, b: str, text: int, run: int | None) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO matches (a, b, a_text, b_text, jaccard, containment, "
            "relation, run) VALUES (?, ?, ?, ?, 1.0, 1.0, 'exact', ?)",
            (a, b, text, text, run),
        )

    def record_near(self, rows: list[tuple[Any, ...]]) -> None:
        """(a, b, a_text, b_text, jaccard, containment, 'near', run) of verified copies."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO matches (a, b, a_text, b_text, jaccard, containment, relation, "
            "run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def record_story_links(self, rows: list[tuple[Any, ...]]) -> None:
        """(a, b, a_text, b_text, 'story', score, evidence, run) of story links."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO matches (a, b, a_text, b_text, relation, score, evidence, run) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def set_story(self, text: int, story: int) -> None:
        self.conn.execute("UPDATE articles SET story = ? WHERE text = ?", (story, text))

    def set_copy_group(self, group: int, texts: list[int]) -> None:
        self.conn.execute(
            f"UPDATE articles SET copy = ? WHERE text IN ({','.join('?' * len(texts))})", (group, *texts)
        )

    def upsert_story(self, story: int, canonical: str, reason: str, run: int | None) -> None:
        """A story's canonical and reason; its size and texts counted from its articles, expired
        ones included (the in-memory index holds only the live ones)."""
        self.conn.execute(
            "INSERT INTO stories (id, canonical, reason, size, texts, updated_run) "
            "SELECT ?, ?, ?, count(*), count(DISTINCT text), ? FROM articles WHERE story = ? "
            "ON CONFLICT(id) DO UPDATE SET canonical = excluded.canonical, "
            "reason = excluded.reason, size = excluded.size, texts = excluded.texts, "
            "updated_run = excluded.updated_run, closed = NULL",
            (story, canonical, reason, run, story),
        )

    def upsert_cluster(self, cluster: int, canonical: str, reason: str, run: int | None) -> None:
        """A copy group's canonical and reason; its size and texts counted as for stories."""
        self.conn.execute(
            "INSERT INTO clusters (id, canonical, reason, size, texts, created_run, updated_run) "
            "SELECT ?, ?, ?, count(*), count(DISTINCT text), ?, ? FROM articles WHERE copy = ? "
            "ON CONFLICT(id) DO UPDATE SET "
            "canonical = excluded.canonical, reason = excluded.reason, size = excluded.size, "
            "texts = excluded.texts, updated_run = excluded.updated_run",
            (cluster, canonical, reason, run, run, cluster),
        )

    def drop_group(self, table: str, group: int, clock: float | None) -> None:
        """A copy group (``clusters``) or story left with no live member: deleted when no
        article is in it any more, else closed (its expired articles keep it)."""
        if table not in ("clusters", "stories"):
            raise ValueError(f"a group of clusters or stories, not {table!r}")
        column = "copy" if table == "clusters" else "story"
        if self.conn.execute(f"SELECT 1 FROM articles WHERE {column} = ? LIMIT 1", (group,)).fetchone():
            self.conn.execute(
                f"UPDATE {table} SET closed = coalesce(closed, ?) WHERE id = ?", (clock or time.time(), group)
            )
        else:
            self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (group,))

    def merge_clusters(self, kept: int, absorbed: int, run: int | None, kind: MergeKind = "merge") -> None:
        """``absorbed``'s articles join ``kept``; the group goes, the merge is recorded."""
        self.conn.execute("UPDATE articles SET copy = ? WHERE copy = ?", (kept, absorbed))
        self.conn.execute("DELETE FROM clusters WHERE id = ?", (absorbed,))
        self.record_merge(kept, absorbed, run, kind)

    def record_merge(self, kept: int, absorbed: int, run: int | None, kind: MergeKind) -> None:
        self.conn.execute(
            "INSERT INTO merges (run, kept, absorbed, kind) VALUES (?, ?, ?, ?)", (run, kept, absorbed, kind)
        )

    def delete_article(self, aid: str, new_rep: str | None) -> None:
        """An article's row and its exact match; its other matches pass to ``new_rep``, the
        article that now stands for its text (None: the text goes too, with its matches)."""
        self.conn.execute("DELETE FROM articles WHERE id = ?", (aid,))
        self.conn.execute("DELETE FROM matches WHERE a = ? AND relation = 'exact'", (aid,))
        if new_rep is not None:
            self.conn.execute("DELETE FROM matches WHERE a = ? AND b = ?", (new_rep, aid))
            self.conn.execute("UPDATE matches SET a = ? WHERE a = ?", (new_rep, aid))
            self.conn.execute("UPDATE matches SET b = ? WHERE b = ?", (new_rep, aid))

    def delete_text(self, text: int) -> None:
        """A text and every match of it."""
        self.conn.execute("DELETE FROM matches WHERE a_text = ? OR b_text = ?", (text, text))
        self.conn.execute("DELETE FROM texts WHERE id = ?", (text,))

    # -- files and problems of runs --------------------------------------------------------

    def file_stamp(self, key: str) -> tuple[int, int] | None:
        """(size, mtime_ns) of a file when it was last read, or None."""
        row = self.conn.execute("SELECT size, mtime_ns FROM files WHERE key = ?", (key,)).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def file_keys(self) -> list[str]:
        return [str(r[0]) for r in self.conn.execute("SELECT key FROM files")]

    def articles_of_file(self, key: str) -> list[str]:
        return [str(r[0]) for r in self.conn.execute("SELECT id FROM articles WHERE file = ?", (key,))]

    def record_files(self, files: list[tuple[str, str, int, int, str, int]], run: int | None) -> None:
        """(key, display, size, mtime_ns, hash, articles) of files read to their end."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO files (key, display, size, mtime_ns, hash, articles, run) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "display = excluded.display, size = excluded.size, mtime_ns = excluded.mtime_ns, "
                "hash = excluded.hash, articles = excluded.articles, run = excluded.run",
                [(*f, run) for f in files],
            )

    def forget_file(self, key: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM files WHERE key = ?", (key,))

    def record_problems(self, run: int, problems: list[tuple[str, int | None, str]]) -> None:
        """(source, line, reason) of a run's problems."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO problems (run, source, line, reason) VALUES (?, ?, ?, ?)",
                [(run, *p) for p in problems],
            )

    # -- reads used by the CLI -----------------------------------------------------------

    def last_run(self) -> dict[str, Any] | None:
        """The latest run's row (id, status, counts), if any."""
        rows = list(self.db.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1"))
        return rows[0] if rows else None

    def article(self, article_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        return rows[0] if rows else None

    def shingle_set(self, text: int) -> npt.NDArray[np.uint32]:
        row = self.conn.execute("SELECT shingle_set FROM texts WHERE id = ?", (text,)).fetchone()
        if row is None:
            raise StoreError(f"text {text} is missing from {str(self.path)!r}; the file is damaged")
        return np.frombuffer(row[0], dtype=np.uint32)

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])


def _writer_lock(path: Path) -> int:
    """An exclusive flock on the database file itself (SQLite's own locks are fcntl
    record locks, which flock does not touch), held by the returned descriptor."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(
            f"cannot open the database {str(path)!r}: {e.strerror or e}; check the path and its permissions"
        ) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise IndexBusy(
            f"the database {str(path)!r} is in use: another dedup index is writing it (another "
            "process, or another Index open in this one); wait for it to finish, or use another "
            "--db"
        ) from None
    return fd


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
