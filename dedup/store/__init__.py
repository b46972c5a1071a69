"""The SQLite store: the one owner of dedup's SQL.

:class:`Store` holds the connection, the transactions and every write; :mod:`.queries`
holds the reads of the commands that only look (clusters, stories, show, stats, explain,
export, report); :mod:`.schema` the tables.
"""

from __future__ import annotations

from dedup.store.schema import APPLICATION_ID, SCHEMA_VERSION
from dedup.store.store import Store

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "Store"]
