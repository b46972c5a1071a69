"""Listing what the user points at: the files to read under folders and named paths.

:func:`scan` walks folders and checks named files, every file once (by inode), and says
why a path is not read (:class:`Problem`); :mod:`dedup.ingest.sources` reads the files it lists.
See docs/sources.md.
"""

from __future__ import annotations

import logging
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

logger = logging.getLogger(__name__)

Kind: TypeAlias = Literal["text", "html", "json", "jsonl"]

_SUFFIXES: dict[str, Kind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
}
SUPPORTED = ".txt, .html, .htm, .json or .jsonl, each optionally .gz"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input to read: a file found by :func:`scan`, or standard input (``key == "-"``)."""

    key: str  # stable identity for change detection: resolved absolute path, or "-" for stdin
    path: Path | None  # file on disk (None for stdin)
    display: str  # how messages name it: as the user gave it (relative to cwd when relative)
    rel: str  # relative to the folder the user gave, "/"-separated; a named file: its name
    kind: Kind
    compressed: bool  # .gz
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one file or one record; the run goes on.

    ``reason`` says what is wrong and how it ended (", skipped"), without the position, which
    is ``line``. ``skipped`` is False for a warning whose article was still made.
    """

    source: str  # display name of the file, "-" for stdin
    reason: str
    line: int | None = None  # 1-based JSONL line, or record number in a JSON array
    skipped: bool = True

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class ScanStats:
    """What :func:`scan` passed over silently, for the run summary."""

    ignored: int = 0  # files with an unsupported extension inside folders
    ignored_suffixes: Counter[str] = field(default_factory=Counter)
    hidden: int = 0  # entries starting with "." inside folders (not descended into)
    symlink_loops: int = 0  # folder links back to one of their parents
    not_regular: int = 0  # FIFOs, sockets, devices inside folders


STDIN = SourceFile(
    key="-", path=None, display="-", rel="-", kind="jsonl", compressed=False, size=0, mtime_ns=0
)
"""Standard input: JSON lines (gzip is recognised by its magic bytes)."""


def kind_of(name: str) -> tuple[Kind, bool] | None:
    """The kind of a file and whether it is gzipped, from its name; None when unsupported."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    kind = _SUFFIXES.get(os.path.splitext(lower)[1])
    return None if kind is None else (kind, compressed)


# --------------------------------------------------------------------------- scanning


def scan(
    paths: Iterable[str | Path],
    stats: ScanStats | None = None,
) -> Iterator[SourceFile | Problem]:
    """The files to read under ``paths``, in the order given; each folder sorted by rel path.

    Folders are walked recursively (component by component, so a folder's files stay
    together), skipping entries starting with ".". Every file is read once, by inode: a
    symbolic link (to a file or a folder) is followed after the rest of its argument's tree,
    so a file reached both as itself and through a link is read under its own name, and the
    link is named in a :class:`Problem`; so is a hard link's second name, a link back into a
    folder already walked (a loop), and anything that is not a regular file (FIFO, socket,
    device). Files with other extensions inside folders are passed over and counted in
    ``stats``; a file named explicitly with an unsupported extension, or a missing or
    unreadable path, is a :class:`Problem`. ``"-"`` is JSON lines on standard input.
    """
    walker = _Walker(ScanStats() if stats is None else stats)
    for arg in paths:
        given = os.fspath(arg)
        if given == "-":
            if "-" not in walker.named:
                walker.named.add("-")
                yield STDIN
            continue
        yield from walker.argument(given)


@dataclass(slots=True)
class _Link:
    """A symbolic link met in a walk, followed once the rest of the tree is done."""

    path: str
    rel: tuple[str, ...]
    display: str


class _Walker:
    """One scan's memory: the inodes read (files and folders) and the paths named."""

    def __init__(self, stats: ScanStats) -> None:
        self.stats = stats
        self.named: set[str] = set()
        self.inodes: set[tuple[int, int]] = set()

    def argument(self, given: str) -> Iterator[SourceFile | Problem]:
        display = _printable(given)
        if display != given:
            yield Problem(display, "the name is not valid UTF-8 (rename it), skipped")
            return
        try:
            st = os.stat(given)
        except OSError as e:
            yield Problem(display, f"{os_reason(e)}, skipped")
            return
        real = os.path.realpath(given)
        if real in self.named:
            return
        self.named.add(real)
        if stat.S_ISDIR(st.st_mode):
            links: list[_Link] = []
            yield from self._folder(real, (), display, st, links)
            while links:  # links last, so that what they point at is read under its own name
                link = links.pop(0)
                yield from self._entry(link.path, link.rel, link.display, links, followed=True)
            return
        name = Path(given).name
        found = kind_of(name)
        if found is None:
            suffix = Path(name).suffix or "no extension"
            yield Problem(
                display,
                f"unsupported file type ({suffix}); dedup reads {SUPPORTED}"
                " (use - for JSON lines on standard input), skipped",
            )
            return
        yield from self._file(real, name, display, st, found, None)

    def _folder(
        self, real_dir: str, rel: tuple[str, ...], display_dir: str, st: os.stat_result, links: list[_Link]
    ) -> Iterator[SourceFile | Problem]:
        ident = (st.st_dev, st.st_ino)
        if ident in self.inodes:
            self.stats.symlink_loops += 1
            yield Problem(
                display_dir,
                "a link to a folder already read (a loop, or a second route to it), not followed",
                skipped=False,
            )
            return
        self.inodes.add(ident)
        try:
            with os.scandir(real_dir) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as e:
            yield Problem(display_dir, f"folder {os_reason(e)}, skipped")
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                self.stats.hidden += 1
                continue
            display = os.path.join(display_dir, _printable(name))
            if _printable(name) != name:
                yield Problem(display, "the name is not valid UTF-8 (rename it), skipped")
                continue
            if entry.is_symlink():
                links.append(_Link(entry.path, (*rel, name), display))
                continue
            yield from self._entry(entry.path, (*rel, name), display, links, followed=False)

    def _entry(
        self, path: str, rel: tuple[str, ...], display: str, links: list[_Link], followed: bool
    ) -> Iterator[SourceFile | Problem]:
        """One folder entry (a link's target when ``followed``): folder, file or neither."""
        name = rel[-1]
        try:
            st = os.stat(path)  # follows links
        except OSError as e:  # a broken or looping link
            if followed or kind_of(name) is not None:
                yield Problem(display, f"{os_reason(e)}, skipped")
            return
        real = os.path.realpath(path) if followed else path
        if stat.S_ISDIR(st.st_mode):
            yield from self._folder(real, rel, display, st, links)
            return
        found = kind_of(name)
        if found is None:
            self.stats.ignored += 1
            self.stats.ignored_suffixes[Path(name).suffix.lower() or "no extension"] += 1
            return
        yield from self._file(real, "/".join(rel), display, st, found, real if followed else None)

    def _file(
        self,
        real: str,
        rel: str,
        display: str,
        st: os.stat_result,
        found: tuple[Kind, bool],
        target: str | None,
    ) -> Iterator[SourceFile | Problem]:
        if not stat.S_ISREG(st.st_mode):
            self.stats.not_regular += 1
            yield Problem(display, f"not a regular file ({_file_type(st.st_mode)}), skipped")
            return
        ident = (st.st_dev, st.st_ino)
        if ident in self.inodes:
            if target is not None:
                reason = f"a link to {target}, which is read under its own name; not read twice"
            else:
                reason = (
                    "a file already read under another name (a hard link, or named twice); not read twice"
                )
            yield Problem(display, reason, skipped=False)
            return
        self.inodes.add(ident)
        if not os.access(real, os.R_OK):
            yield Problem(display, "permission denied (check its permissions), skipped")
            return
        yield SourceFile(
            key=real,
            path=Path(real),
            display=display,
            rel=rel,
            kind=found[0],
            compressed=found[1],
            size=st.st_size,
            mtime_ns=st.st_mtime_ns,
        )


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a file"


def _printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by os) become U+FFFD."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    if isinstance(error, PermissionError):
        return "permission denied (check its permissions)"
    text = error.strerror or str(error) or type(error).__name__
    return f"cannot be read ({text[:1].lower()}{text[1:]})"
