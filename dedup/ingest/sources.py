"""Reading what the user points at (folders of scraped pages, JSON and JSON-lines feeds) as
:class:`~dedup.article.Article` records.

:func:`dedup.ingest.scan.scan` lists the files, :func:`parse_stream` (or :func:`parse` on bytes)
turns one file into articles. A bad file never stops a run: whatever is wrong with it is yielded as a
:class:`Problem` naming the file (and line), and the next file goes on. See docs/sources.md.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import sys
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeAlias

import xxhash

from dedup.article import Article
from dedup.errors import SourceError
from dedup.ingest.decoding import REPLACEMENT_SHARE, binary_reason, decode, decode_utf8, replaced
from dedup.ingest.scan import (  # what a source is, and the problems reading one can have
    Problem,
    SourceFile,
    os_reason,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

logger = logging.getLogger(__name__)

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

_GZIP_MAGIC = b"\x1f\x8b"
_RECORD_FIELDS = ("id", "text", "html", "title", "url", "source", "published", "crawled_at")
_META_FIELDS = ("title", "url", "source", "published", "crawled_at")


def content_hash(data: bytes) -> str:
    """xxh3-128 hex digest of a file's raw bytes (what :class:`HashingReader` computes)."""
    return xxhash.xxh3_128(data).hexdigest()


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
            raise SourceError(f"{self.name}: {os_reason(e)}") from e
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
        raise SourceError(f"{source.display}: {os_reason(e)}") from e


def open_stream(source: SourceFile, stdin: BinaryIO | None = None) -> HashingReader:
    """``source`` opened for :func:`parse_stream`, hashing what is read; closes the file
    (never stdin) on exit. Raises SourceError naming the file when it can't be opened."""
    if source.path is None:
        return HashingReader(stdin or sys.stdin.buffer, name=source.display, close_stream=False)
    try:
        handle = source.path.open("rb")
    except OSError as e:
        raise SourceError(f"{source.display}: {os_reason(e)}") from e
    return HashingReader(handle, name=source.display)


def problem_from_error(source: SourceFile, error: OSError) -> Problem:
    """The :class:`Problem` for a SourceError (or OSError) from reading ``source``."""
    cause = error.__cause__ if isinstance(error, SourceError) else error
    reason = os_reason(cause) if isinstance(cause, OSError) else str(error)
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


_Reader: TypeAlias = Callable[[SourceFile, _Body, _Progress], Iterator[Article | Problem]]


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
        yield _broken(source, progress, f"{os_reason(e)}, skipped")
    finally:
        if ours and not buffered.closed:  # closed already when an interrupt unwound the file
            buffered.detach()  # leave the caller's stream open (and its hash going)


def _broken(source: SourceFile, progress: _Progress, reason: str) -> Problem:
    if progress.line:
        reason = (
            f"{reason.removesuffix(', skipped')} after this line; the lines up to it "
            "were read, the rest skipped"
        )
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


def _document(
    source: SourceFile,
    body: _Body,
    progress: _Progress,
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
        hint = "; if it holds one record a line, name it .jsonl" if e.msg == "Extra data" else ""
        yield Problem(
            source.display, f"not valid JSON ({e.msg}: line {e.lineno}, column {e.colno}){hint}, skipped"
        )
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
        yield Problem(
            source.display,
            f"a .json file must hold an object or an array of objects, found {_json_type(value)}, skipped",
        )


def _jsonl(
    source: SourceFile,
    body: _Body,
    progress: _Progress,
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
            yield Problem(
                source.display,
                f"too large ({size:,} bytes, limit {MAX_LINE_BYTES:,}; split the record), skipped",
                number,
            )
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
                yield Problem(
                    source.display,
                    f"the first {leading_errors} records are not "
                    "JSON: is it a JSON lines file? The rest is skipped",
                )
                return
    if not number:
        yield Problem(source.display, "empty file, skipped")
    elif blank:
        yield Problem(source.display, "only white space, no records, skipped")


_INVALID = object()


def _line_value(
    source: SourceFile,
    line: bytes,
    number: int,
) -> Generator[Problem, None, object]:
    """Yields the problems of one JSONL line; returns its JSON value, or _INVALID."""
    text, bad = decode_utf8(line)
    if bad > len(line) * REPLACEMENT_SHARE:
        yield Problem(
            source.display, f"not valid UTF-8 ({bad:,} of {len(line):,} bytes invalid), skipped", number
        )
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


def _record(
    source: SourceFile,
    value: object,
    number: int | None,
) -> Iterator[Article | Problem]:
    """One JSON record as an Article, or a Problem saying why not (warnings come first).

    ``number`` is the JSONL line, or the position in a JSON array; None for a lone object.
    """
    if not isinstance(value, dict):
        yield Problem(
            source.display, f"a record must be a JSON object, found {_json_type(value)}, skipped", number
        )
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
            yield Problem(
                source.display,
                f'"{name}" should be a string, found {_json_type(item)}; kept in extra',
                number,
                skipped=False,
            )
            item = None
        meta[name] = item or None
    # Article cleans what it can (lone surrogates, dates outside 1900-2100) and says so.
    article = Article(
        id=str(value["id"]), text=body["text"], html=body["html"], path=source.rel, extra=extra, **meta
    )
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
    names = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
