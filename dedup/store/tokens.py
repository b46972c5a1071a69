"""The store's side of a change of tokens: which texts to read again, and their new values.

``texts.hash``, ``texts.shingle_set`` and the signatures are made of the core's tokens
(``rust/src/text.rs``). When the tokens change (version 2: combining marks kept in their
words, unspaced scripts read a letter at a time, Arabic and Cyrillic spellings made one), a
store made with the old ones is brought up to date on open (:mod:`dedup.upgrade`). ASCII
text tokenises the same in every version, so only the other texts are read again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

TOKENS_VERSION = 2  # the tokens of the texts this dedup writes


class Tokens:
    """Mixed into :class:`dedup.store.Store`: the statements of a change of tokens."""

    conn: sqlite3.Connection

    def tokens_version(self) -> int:
        """The tokens the stored texts were made with (1 for a store older than the key)."""
        row = self.conn.execute("SELECT value FROM config WHERE key = 'tokens'").fetchone()
        if row is not None:
            return int(row[0])
        return 1 if self.conn.execute("SELECT 1 FROM texts LIMIT 1").fetchone() else TOKENS_VERSION

    def set_tokens_version(self, version: int = TOKENS_VERSION) -> None:
        self.conn.execute(
            "INSERT INTO config (key, value) VALUES ('tokens', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(version),),
        )

    def non_ascii_texts(self) -> Iterator[tuple[Any, ...]]:
        """(id, body, hash, shingle_set, story_features, title, published) of every text
        whose body holds a character outside ASCII, with its first article's title and date."""
        yield from self.conn.execute(
            "SELECT t.id, t.body, t.hash, t.shingle_set, t.story_features, a.title, a.published "
            "FROM texts t LEFT JOIN articles a ON a.rowid = "
            "(SELECT min(rowid) FROM articles WHERE text = t.id) "
            "WHERE t.body GLOB '*[^' || char(1) || '-' || char(127) || ']*' ORDER BY t.id"
        )

    def retokenise(self, text: int, values: tuple[Any, ...]) -> None:
        """A text's values made again: (hash, words, shingles, signature, lead, shingle_set,
        story_features); its articles take the new hash and word count."""
        body_hash, words = values[0], values[1]
        self.conn.execute(
            "UPDATE texts SET hash = ?, words = ?, shingles = ?, signature = ?, lead = ?, "
            "shingle_set = ?, story_features = ? WHERE id = ?",
            (*values, text),
        )
        self.conn.execute(
            "UPDATE articles SET body_hash = ?, words = ? WHERE text = ?", (body_hash, words, text)
        )
