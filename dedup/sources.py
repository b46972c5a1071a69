"""Reading what the user points at (folders of scraped pages, JSON and JSON-lines feeds) as
:class:`~dedup.article.Article` records.

:func:`scan` lists the files, :func:`parse_stream` (or :func:`parse` on bytes) turns one file
into articles. A bad file never stops a run: whatever is wrong with it is yielded as a
:class:`Problem` naming the file (and line), and the next file goes on. See docs/sources.md.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import os
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Protocol, TypeAlias

import xxhash

from dedup.article import Article
from dedup.decoding import REPLACEMENT_SHARE, binary_reason, decode, decode_utf8, replaced
from dedup.errors import SourceError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

logger = logging.getLogger(__name__)

Kind: TypeAlias = Literal["text", "html", "json", "jsonl"]
Stream: TypeAlias = BinaryIO | io.RawIOBase | io.BufferedIOBase
Items: TypeAlias = Generator["Article | Problem", None, None]  # close() it to stop early

MiB = 1 << 20
MAX_ARTICLE_BYTES = 8 * MiB
"""Largest article: a .txt/.html file, or the ``text``/``html`` of one record (UTF-8 bytes)."""
MAX_JSON_BYTES = 64 * MiB
"""Largest .json document (decompressed): it is parsed whole; bigger feeds belong in JSONL."""
MAX_LINE_BYTES = 32 * MiB
"""Largest JSONL line: one record, with its text and html JSON-escaped."""
LEADING_ERRORS_LIMIT = 20
"""A JSONL file whose first this-many lines are all invalid JSON is given up on."""

_SUFFIXES: dict[str, Kind] = {
    ".txt": "text", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl",
}
_SUPPORTED = ".txt, .html, .htm, .json or .jsonl, each optionally .gz"
_GZIP_MAGIC = b"\x1f\x8b"
_RECORD_FIELDS = ("id", "text", "html", "title", "url", "source", "published", "crawled_at")
_META_FIELDS = ("title", "url", "source", "published", "crawled_at")


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


STDIN = SourceFile(key="-", path=None, display="-", rel="-", kind="jsonl", compressed=False,
                   size=0, mtime_ns=0)
"""Standard input: JSON lines (gzip is recognised by its magic bytes)."""


def kind_of(name: str) -> tuple[Kind, bool] | None:
    """The kind of a file and whether it is gzipped, from its name; None when unsupported."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    kind = _SUFFIXES.get(os.path.splitext(lower)[1])
    return None if kind is None else (kind, compressed)


def content_hash(data: bytes) -> str:
    """xxh3-128 hex digest of a file's raw bytes (what :class:`HashingReader` computes)."""
    return xxhash.xxh3_128(data).hexdigest()


# --------------------------------------------------------------------------- scanning

def scan(paths: Iterable[str | Path], stats: ScanStats | None = None,
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
            yield Problem(display, f"{_os_reason(e)}, skipped")
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
            yield Problem(display, f"unsupported file type ({suffix}); dedup reads {_SUPPORTED}"
                          " (use - for JSON lines on standard input), skipped")
            return
        yield from self._file(real, name, display, st, found, None)

    def _folder(self, real_dir: str, rel: tuple[str, ...], display_dir: str, st: os.stat_result,
                links: list[_Link]) -> Iterator[SourceFile | Problem]:
        ident = (st.st_dev, st.st_ino)
        if ident in self.inodes:
            self.stats.symlink_loops += 1
            yield Problem(display_dir, "a link to a folder already read (a loop, or a second "
                          "route to it), not followed", skipped=False)
            return
        self.inodes.add(ident)
        try:
            with os.scandir(real_dir) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as e:
            yield Problem(display_dir, f"folder {_os_reason(e)}, skipped")
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

    def _entry(self, path: str, rel: tuple[str, ...], display: str, links: list[_Link],
               followed: bool) -> Iterator[SourceFile | Problem]:
        """One folder entry (a link's target when ``followed``): folder, file or neither."""
        name = rel[-1]
        try:
            st = os.stat(path)  # follows links
        except OSError as e:  # a broken or looping link
            if followed or kind_of(name) is not None:
                yield Problem(display, f"{_os_reason(e)}, skipped")
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

    def _file(self, real: str, rel: str, display: str, st: os.stat_result,
              found: tuple[Kind, bool], target: str | None) -> Iterator[SourceFile | Problem]:
        if not stat.S_ISREG(st.st_mode):
            self.stats.not_regular += 1
            yield Problem(display, f"not a regular file ({_file_type(st.st_mode)}), skipped")
            return
        ident = (st.st_dev, st.st_ino)
        if ident in self.inodes:
            if target is not None:
                reason = f"a link to {target}, which is read under its own name; not read twice"
            else:
                reason = ("a file already read under another name (a hard link, or named twice); "
                          "not read twice")
            yield Problem(display, reason, skipped=False)
            return
        self.inodes.add(ident)
        if not os.access(real, os.R_OK):
            yield Problem(display, "permission denied (check its permissions), skipped")
            return
        yield SourceFile(key=real, path=Path(real), display=display, rel=rel, kind=found[0],
                         compressed=found[1], size=st.st_size, mtime_ns=st.st_mtime_ns)


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
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


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    if isinstance(error, PermissionError):
        return "permission denied (check its permissions)"
    text = error.strerror or str(error) or type(error).__name__
    return f"cannot be read ({text[:1].lower()}{text[1:]})"


# --------------------------------------------------------------------------- reading

class _RawAdapter(io.RawIOBase):
    """A raw stream over anything with ``read(n)``, so that io.BufferedReader can wrap it."""

    def __init__(self, stream: Stream) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._read(len(view))
        view[: len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:
        return self._stream.read(size) or b""


class HashingReader(_RawAdapter):
    """A read-only stream that hashes the raw bytes read through it (xxh3-128).

    Used as ``with open_stream(src) as f: items = list(parse_stream(src, f)); h = f.hexdigest()``
    so the index gets the content hash of a huge JSONL file without holding it in memory.
    A read error is raised as :class:`~dedup.errors.SourceError` naming the file.
    """

    def __init__(self, stream: Stream, *, name: str, close_stream: bool = True) -> None:
        super().__init__(stream)
        self.name = name
        self.bytes_read = 0
        self._close_stream = close_stream
        self._hash = xxhash.xxh3_128()

    def _read(self, size: int) -> bytes:
        try:
            data = super()._read(size)
        except OSError as e:
            raise SourceError(f"{self.name}: {_os_reason(e)}") from e
        self._hash.update(data)
        self.bytes_read += len(data)
        return data

    def hexdigest(self) -> str:
        """The hash of the whole input: reads (and hashes) what parsing left unread first.

        Call it before the stream is closed; after, it is the hash of what was read."""
        while not self.closed and self._read(MiB):
            pass
        return self._hash.hexdigest()

    def close(self) -> None:
        if not self.closed and self._close_stream:
            self._stream.close()
        super().close()


def read_bytes(source: SourceFile, stdin: BinaryIO | None = None) -> bytes:
    """The raw (still compressed) bytes of ``source``; SourceError naming it when unreadable."""
    try:
        if source.path is None:
            return (stdin or sys.stdin.buffer).read()
        return source.path.read_bytes()
    except OSError as e:
        raise SourceError(f"{source.display}: {_os_reason(e)}") from e


def open_stream(source: SourceFile, stdin: BinaryIO | None = None) -> HashingReader:
    """``source`` opened for :func:`parse_stream`, hashing what is read; closes the file
    (never stdin) on exit. Raises SourceError naming the file when it can't be opened."""
    if source.path is None:
        return HashingReader(stdin or sys.stdin.buffer, name=source.display, close_stream=False)
    try:
        handle = source.path.open("rb")
    except OSError as e:
        raise SourceError(f"{source.display}: {_os_reason(e)}") from e
    return HashingReader(handle, name=source.display)


def problem_from_error(source: SourceFile, error: OSError) -> Problem:
    """The :class:`Problem` for a SourceError (or OSError) from reading ``source``."""
    cause = error.__cause__ if isinstance(error, SourceError) else error
    reason = _os_reason(cause) if isinstance(cause, OSError) else str(error)
    return Problem(source.display, f"{reason}, skipped")


# --------------------------------------------------------------------------- parsing

def parse(source: SourceFile, data: bytes) -> Items:
    """The articles (and problems) in the raw bytes of ``source``: gunzip, decode, make records."""
    return parse_stream(source, io.BytesIO(data))


def parse_stream(source: SourceFile, stream: Stream) -> Items:
    """Like :func:`parse`, reading from a binary stream: JSONL (and stdin) line by line in
    bounded memory, other kinds up to their size limit. Never raises for bad content."""
    reader = _jsonl if source.kind == "jsonl" else _document
    return _run(source, stream, reader)


def iter_jsonl(source: SourceFile, stream: Stream) -> Items:
    """JSON lines from ``stream`` (gzipped or not), whatever ``source.kind`` says."""
    return _run(source, stream, _jsonl)


class _Body(Protocol):
    """What readers need of the (decompressed) content: BufferedReader and GzipFile fit."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...

    def peek(self, size: int, /) -> bytes: ...


@dataclass(slots=True)
class _Progress:
    line: int = 0  # last JSONL line read, for messages when the stream breaks
    compressed: bool = False


_Reader: TypeAlias = Callable[
    [SourceFile, _Body, _Progress], Iterator[Article | Problem]
]


def _run(source: SourceFile, stream: Stream, reader: _Reader) -> Items:
    if isinstance(stream, io.BufferedReader):
        buffered, ours = stream, False
    else:
        raw = stream if isinstance(stream, io.RawIOBase) else _RawAdapter(stream)
        buffered, ours = io.BufferedReader(raw, buffer_size=1 << 16), True
    progress = _Progress()
    try:
        body: _Body = buffered
        if source.compressed or buffered.peek(2)[:2] == _GZIP_MAGIC:
            progress.compressed = True
            body = gzip.GzipFile(fileobj=buffered, mode="rb")
        yield from reader(source, body, progress)
    except SourceError as e:  # the file itself could not be read (HashingReader)
        yield _broken(source, progress, problem_from_error(source, e).reason)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        yield _broken(source, progress, f"corrupt or truncated gzip data ({e}), skipped")
    except OSError as e:  # a caller's stream that is not a HashingReader
        yield _broken(source, progress, f"{_os_reason(e)}, skipped")
    finally:
        if ours and not buffered.closed:  # closed already when an interrupt unwound the file
            buffered.detach()  # leave the caller's stream open (and its hash going)


def _broken(source: SourceFile, progress: _Progress, reason: str) -> Problem:
    if progress.line:
        reason = (f"{reason.removesuffix(', skipped')} after this line; the lines up to it "
                  "were read, the rest skipped")
    return Problem(source.display, reason, progress.line or None)


def _read_up_to(stream: _Body, size: int) -> bytes:
    parts, total = [], 0
    while total < size:
        chunk = stream.read(size - total)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _count_rest(stream: _Body) -> int:
    total = 0
    while chunk := stream.read(MiB):
        total += len(chunk)
    return total


def _document(source: SourceFile, body: _Body, progress: _Progress,
              ) -> Iterator[Article | Problem]:
    """A .txt, .html or .json file: read whole (up to its limit), decode, make records."""
    limit = MAX_JSON_BYTES if source.kind == "json" else MAX_ARTICLE_BYTES
    data = _read_up_to(body, limit + 1)
    if len(data) > limit:
        if progress.compressed:  # don't inflate a gzip bomb just to count it
            size = f"more than {limit:,} bytes once decompressed"
        else:
            size = f"{len(data) + _count_rest(body):,} bytes"
        hint = "; split it, or convert it to JSON lines" if source.kind == "json" else ""
        yield Problem(source.display, f"too large ({size}, limit {limit:,}){hint}, skipped")
        return
    text, note, encoding = decode(data, html=source.kind == "html")
    if note is not None:
        yield Problem(source.display, note, skipped=text is None)
    if text is None:
        return
    if source.kind == "text":
        yield Article(id=source.rel, text=text, path=source.rel, encoding=encoding)
    elif source.kind == "html":
        yield Article(id=source.rel, html=text, path=source.rel, encoding=encoding)
    else:
        yield from _json_document(source, text)


def _json_document(source: SourceFile, text: str) -> Iterator[Article | Problem]:
    try:
        value = _loads(text)
    except json.JSONDecodeError as e:
        hint = ("; if it holds one record a line, name it .jsonl" if e.msg == "Extra data"
                else "")
        yield Problem(source.display, f"not valid JSON ({e.msg}: line {e.lineno}, column "
                      f"{e.colno}){hint}, skipped")
        return
    except ValueError as e:
        yield Problem(source.display, f"not valid JSON ({e}), skipped")
        return
    if isinstance(value, dict):
        yield from _record(source, value, None)
    elif isinstance(value, list):
        if not value:
            yield Problem(source.display, "empty JSON array: no records, skipped")
        for number, item in enumerate(value, 1):
            yield from _record(source, item, number)
    else:
        yield Problem(source.display, "a .json file must hold an object or an array of objects,"
                      f" found {_json_type(value)}, skipped")


def _jsonl(source: SourceFile, body: _Body, progress: _Progress,
           ) -> Iterator[Article | Problem]:
    """JSON lines, one record a line, read line by line (blank lines ignored)."""
    binary = binary_reason(body.peek(8192)[:8192])
    if binary is not None:
        yield Problem(source.display, f"{binary}, skipped")
        return
    leading_errors = 0
    parsed_any = False
    blank = True  # nothing but blank lines so far
    number = 0
    while line := body.readline(MAX_LINE_BYTES + 1):
        number += 1
        progress.line = number
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            size = _skip_line(body, len(line))
            yield Problem(source.display, f"too large ({size:,} bytes, limit "
                          f"{MAX_LINE_BYTES:,}; split the record), skipped", number)
            blank = False
            continue
        line = (line.removeprefix(codecs.BOM_UTF8) if number == 1 else line).strip()
        if not line:
            continue
        blank = False
        value = yield from _line_value(source, line, number)
        if value is not _INVALID:
            parsed_any = True
            yield from _record(source, value, number)
        elif not parsed_any:
            leading_errors += 1
            if leading_errors >= LEADING_ERRORS_LIMIT:
                yield Problem(source.display, f"the first {leading_errors} records are not "
                              "JSON: is it a JSON lines file? The rest is skipped")
                return
    if not number:
        yield Problem(source.display, "empty file, skipped")
    elif blank:
        yield Problem(source.display, "only white space, no records, skipped")


_INVALID = object()


def _line_value(source: SourceFile, line: bytes, number: int,
                ) -> Generator[Problem, None, object]:
    """Yields the problems of one JSONL line; returns its JSON value, or _INVALID."""
    text, bad = decode_utf8(line)
    if bad > len(line) * REPLACEMENT_SHARE:
        yield Problem(source.display, f"not valid UTF-8 ({bad:,} of "
                      f"{len(line):,} bytes invalid), skipped", number)
        return _INVALID
    if bad:
        yield Problem(source.display, replaced(bad, len(line)), number, skipped=False)
    try:
        return _loads(text)
    except ValueError as e:
        detail = f"{e.msg}: column {e.colno}" if isinstance(e, json.JSONDecodeError) else e
        yield Problem(source.display, f"not valid JSON ({detail}), skipped", number)
        return _INVALID


def _skip_line(body: _Body, size: int) -> int:
    """Reads past the rest of an over-long line, in bounded memory; its full size."""
    while rest := body.readline(MiB):
        size += len(rest)
        if rest.endswith(b"\n"):
            break
    return size


def _loads(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _record(source: SourceFile, value: object, number: int | None,
            ) -> Iterator[Article | Problem]:
    """One JSON record as an Article, or a Problem saying why not (warnings come first).

    ``number`` is the JSONL line, or the position in a JSON array; None for a lone object.
    """
    if not isinstance(value, dict):
        yield Problem(source.display, "a record must be a JSON object, found "
                      f"{_json_type(value)}, skipped", number)
        return
    reason, body = _id_problem(value.get("id")), _record_body(value)
    if reason is not None or isinstance(body, str):
        yield Problem(source.display, f"{reason or body}, skipped", number)
        return
    extra = {key: item for key, item in value.items() if key not in _RECORD_FIELDS}
    meta: dict[str, Any] = {}
    for name in _META_FIELDS:
        item = value.get(name)
        if item is not None and not isinstance(item, str):
            extra[name] = item
            yield Problem(source.display, f'"{name}" should be a string, found '
                          f"{_json_type(item)}; kept in extra", number, skipped=False)
            item = None
        meta[name] = item or None
    # Article cleans what it can (lone surrogates, dates outside 1900-2100) and says so.
    article = Article(id=str(value["id"]), text=body["text"], html=body["html"],
                      path=source.rel, extra=extra, **meta)
    for note in article.notes:
        yield Problem(source.display, note, number, skipped=False)
    yield article


def _id_problem(raw: object) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 'record has no "id" (give every record a unique string or integer id)'
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return f'"id" must be a string or an integer, found {_json_type(raw)}'
    return None


def _record_body(value: dict[str, Any]) -> dict[str, str | None] | str:
    """A record's ``text`` and ``html`` (blank ones as None), or why they can't be used."""
    body: dict[str, str | None] = {}
    for name in ("text", "html"):
        part = value.get(name)
        if part is not None and not isinstance(part, str):
            return f'"{name}" must be a string, found {_json_type(part)}'
        body[name] = part if part and part.strip() else None
    if body["text"] is None and body["html"] is None:
        given = [f'"{name}"' for name in ("text", "html") if value.get(name) is not None]
        if not given:
            return 'record has neither "text" nor "html"'
        return f"{' and '.join(given)} {'is' if len(given) == 1 else 'are'} empty"
    for name, part in body.items():
        if part is None:
            continue
        size = len(part) if part.isascii() else len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_ARTICLE_BYTES:
            return f'too large ("{name}" is {size:,} bytes, limit {MAX_ARTICLE_BYTES:,})'
    return body


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {dict: "an object", list: "an array", str: "a string", int: "a number",
             float: "a number"}
    return names.get(type(value), type(value).__name__)


