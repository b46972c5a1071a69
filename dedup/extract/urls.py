"""What a page's URL says: its host (the outlet, when nothing else names it) and the words
of its slug (evidence for the headline)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

SLUG_WORD = re.compile(r"[^\W\d_]{2,}")
_ASCII_SLUG_WORD = re.compile(r"[A-Za-z]{2,}")  # the same on ASCII text, faster


def http_parts(url: str) -> tuple[str, str] | None:
    """(host, path) of a plain ``http(s)://host/path`` URL as urlsplit reads it; None otherwise.

    urlsplit costs a few µs a new URL; this is the common form, read with three finds.
    Anything unusual (user info, IPv6, ports with odd text, spaces, other schemes) goes
    through urlsplit.
    """
    if not (url.startswith(("https://", "http://")) and url.isascii() and url.isprintable()) or " " in url:
        return None
    rest = url[url.index("//") + 2 :]
    end = len(rest)
    for mark in "/?#":
        at = rest.find(mark)
        if 0 <= at < end:
            end = at
    netloc = rest[:end]
    if "@" in netloc or "[" in netloc or "]" in netloc or "%" in netloc:
        return None
    path = rest[end:]
    for mark in "?#":
        at = path.find(mark)
        if at >= 0:
            path = path[:at]
    return netloc.partition(":")[0].lower(), path


def host_of(url: str | None) -> str | None:
    """The URL's host without "www.", lower case; None without a usable URL."""
    if not url:
        return None
    parts = http_parts(url)
    return host(url, parts[0] if parts is not None else None)


def host(url: str, found: str | None) -> str | None:
    """``found`` (or the host urlsplit reads) without "www."; None without one."""
    host = found
    if host is None:
        try:
            host = urlsplit(url if "//" in url else "//" + url).hostname
        except ValueError:
            return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def slug_words(url: str | None, path: str | None = None) -> frozenset[str]:
    """The words of the URL's most wordy path segment (the slug); ``path`` if already read."""
    if not url:
        return frozenset()
    if path is None:
        try:
            path = urlsplit(url).path
        except ValueError:
            return frozenset()
    if "%" in path:
        path = unquote(path)
    best: list[str] = []
    for part in path.split("/"):
        if part.isdigit():
            continue  # (no words: the date parts of a news URL)
        found = (_ASCII_SLUG_WORD if part.isascii() else SLUG_WORD).findall(part)
        if len(found) > len(best):
            best = found
    return frozenset(map(str.lower, best))
