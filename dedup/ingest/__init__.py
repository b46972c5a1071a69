"""Ingest: listing what the user points at (scan), reading it as articles (sources,
decoding), and the indexing runs over files and streams that `dedup index` makes (runs)."""
