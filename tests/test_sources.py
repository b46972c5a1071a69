"""dedup.ingest.sources: scanning folders and reading pages and feeds, on real files (fixtures/bad_input)."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.article import Article
from dedup.errors import SourceError
from dedup.ingest.scan import STDIN, Kind, Problem, ScanStats, SourceFile, kind_of, scan
from dedup.ingest.sources import (
    MAX_ARTICLE_BYTES,
    MAX_LINE_BYTES,
    content_hash,
    iter_jsonl,
    open_stream,
    parse,
    parse_stream,
    problem_from_error,
    read_bytes,
)

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "fixtures" / "bad_input"


def _files(items: Iterable[SourceFile | Problem]) -> list[SourceFile]:
    out = []
    for item in items:
        assert isinstance(item, SourceFile), str(item)
        out.append(item)
    return out


def _read(source: SourceFile) -> tuple[list[Article], list[Problem]]:
    articles: list[Article] = []
    problems: list[Problem] = []
    for item in parse(source, read_bytes(source)):
        (articles if isinstance(item, Article) else problems).append(item)  # type: ignore[arg-type]
    return articles, problems


def _one(path: Path) -> SourceFile:
    [source] = _files(scan([path]))
    return source


def _source(name: str, kind: Kind = "jsonl", compressed: bool = False) -> SourceFile:
    """A SourceFile for bytes that are not on disk (what scan would make of a file ``name``)."""
    return SourceFile(
        key=name, path=None, display=name, rel=name, kind=kind, compressed=compressed, size=0, mtime_ns=0
    )


def _split(items: Iterable[Article | Problem]) -> tuple[list[Article], list[Problem]]:
    items = list(items)
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)])


# ------------------------------------------------------------------ the bad-input folder

# file -> (articles it yields, [(start of a problem's reason, its line, skipped?)] in order)
EXPECTED: dict[str, tuple[int, list[tuple[str, int | None, bool]]]] = {
    "almost_utf8.txt": (1, [("not valid UTF-8: 1 invalid byte of 520 replaced", None, False)]),
    "binary.txt": (0, [("binary file (NUL bytes), skipped", None, True)]),
    "corrupt.txt.gz": (0, [("corrupt or truncated gzip data (", None, True)]),
    "cp1252.txt": (1, []),
    "empty.txt": (0, [("empty file, skipped", None, True)]),
    "good.html": (1, []),
    "good.txt": (1, []),
    "good.txt.gz": (1, []),
    "invalid_utf8.txt": (1, []),
    "latin1.html": (1, []),
    "malformed.json": (0, [("not valid JSON (Expecting value: line 2, column 1)", None, True)]),
    "mixed.jsonl": (
        1,
        [
            ("not valid JSON (Unterminated string", 2, True),
            ('record has no "id"', 3, True),
            ('record has neither "text" nor "html", skipped', 5, True),
        ],
    ),
    "whitespace.txt": (0, [("only white space, skipped", None, True)]),
}


def test_scan_lists_the_folder_sorted_and_passes_over_other_extensions() -> None:
    stats = ScanStats()
    sources = _files(scan([BAD], stats))
    assert [s.rel for s in sources] == sorted(EXPECTED)
    assert stats.ignored == 1 and stats.ignored_suffixes == {".md": 1}  # README.md
    by_rel = {s.rel: s for s in sources}
    assert by_rel["good.txt.gz"].kind == "text" and by_rel["good.txt.gz"].compressed
    assert by_rel["mixed.jsonl"].kind == "jsonl" and not by_rel["mixed.jsonl"].compressed
    for s in sources:
        assert s.path is not None and s.key == str(s.path.resolve())
        assert s.display == os.path.join(str(BAD), s.rel)
        assert s.size == s.path.stat().st_size


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_gives_its_problems_naming_it_and_good_ones_articles(name: str) -> None:
    n_articles, expected = EXPECTED[name]
    articles, problems = _read(_one(BAD / name))
    assert len(articles) == n_articles
    assert len(problems) == len(expected)
    for problem, (reason, line, skipped) in zip(problems, expected, strict=True):
        assert problem.reason.startswith(reason)
        assert (problem.source, problem.line, problem.skipped) == (str(BAD / name), line, skipped)


def test_problem_messages_read_as_sentences_naming_file_and_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, [binary] = _read(_one(Path("fixtures/bad_input/binary.txt")))
    assert str(binary) == "fixtures/bad_input/binary.txt: binary file (NUL bytes), skipped"
    mixed = [s for s in _files(scan(["fixtures/bad_input/"])) if s.rel == "mixed.jsonl"]
    _, problems = _read(mixed[0])
    assert str(problems[1]) == (
        'fixtures/bad_input/mixed.jsonl:3: record has no "id" (give '
        "every record a unique string or integer id), skipped"
    )


def test_text_html_and_gz_articles_take_their_relative_path_as_id() -> None:
    [text], _ = _read(_one(BAD / "good.txt"))
    assert text == Article(
        id="good.txt", text=(BAD / "good.txt").read_text("utf-8"), path="good.txt", encoding="utf-8"
    )
    [page], _ = _read(_one(BAD / "good.html"))
    assert page.html is not None and page.text is None and "Kim meets Shoigu" in page.html
    [zipped], _ = _read(_one(BAD / "good.txt.gz"))
    assert zipped.id == "good.txt.gz"
    assert zipped.text == gzip.decompress((BAD / "good.txt.gz").read_bytes()).decode()


def test_html_in_its_declared_charset_is_decoded_with_it() -> None:
    [page], problems = _read(_one(BAD / "latin1.html"))
    assert problems == []
    assert page.html is not None and "Réunion à Pyongyang" in page.html
    assert "sécurité" in page.html


def test_one_bad_byte_is_replaced_and_the_article_kept() -> None:
    [article], [warning] = _read(_one(BAD / "almost_utf8.txt"))
    assert not warning.skipped
    assert article.text is not None and article.text.count("\ufffd") == 1
    assert "caf\ufffd au lait" in article.text


def test_mixed_jsonl_keeps_its_good_record_with_metadata() -> None:
    [article], _ = _read(_one(BAD / "mixed.jsonl"))
    assert article == Article(
        id="wire-1",
        text="Sergei Shoigu arrived in Pyongyang on Friday.",
        title="Shoigu in Pyongyang",
        source="AA",
        published="2024-09-13",
        path="mixed.jsonl",
    )


# ------------------------------------------------------------------ scanning


def _tree(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_ids_are_slash_paths_in_sorted_order_and_hidden_entries_skipped(tmp_path: Path) -> None:
    # written in an order that is neither sorted nor reverse-sorted
    _tree(
        tmp_path,
        {
            "b/z.TXT": b"zed",
            "a-c.txt": b"dash",
            "a/b.htm": b"<p>b</p>",
            "a/a/x.txt.GZ": gzip.compress(b"x"),
            ".hidden.txt": b"h",
            ".git/config.txt": b"c",
            "b/.cache/y.txt": b"y",
            "notes.csv": b"1,2",
            "b/image.png": b"\x89PNG",
        },
    )
    stats = ScanStats()
    sources = _files(scan([tmp_path], stats))
    rels = [s.rel for s in sources]
    assert rels == ["a/a/x.txt.GZ", "a/b.htm", "a-c.txt", "b/z.TXT"]  # component-wise order
    assert rels == sorted(rels, key=lambda r: r.split("/"))
    assert (stats.hidden, stats.ignored) == (3, 2)
    assert [s.kind for s in sources] == ["text", "html", "text", "text"]
    articles = [a for s in sources for a in _read(s)[0]]
    assert [a.id for a in articles] == rels
    assert articles[0].text == "x"
    # the same tree scanned again gives the same list
    assert _files(scan([tmp_path])) == sources


def test_symlink_loops_are_not_followed_and_every_file_is_read_once(tmp_path: Path) -> None:
    _tree(tmp_path, {"d/a.txt": b"a", "z/b.txt": b"b"})
    (tmp_path / "d" / "back").symlink_to(tmp_path)
    (tmp_path / "d" / "self").symlink_to(tmp_path / "d")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "d" / "a.txt")  # sorts before d/a.txt
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "zlink").symlink_to(tmp_path / "z")
    os.link(tmp_path / "z" / "b.txt", tmp_path / "z" / "c.txt")
    stats = ScanStats()
    items = list(scan([tmp_path], stats))
    sources = [i for i in items if isinstance(i, SourceFile)]
    # Each file once, under its own name; the links and the second name are named.
    assert [s.rel for s in sources] == ["d/a.txt", "z/b.txt"]
    assert stats.symlink_loops == 3  # back, self, and zlink (a second route to z)
    problems = {Path(p.source).name: p for p in items if isinstance(p, Problem)}
    assert set(problems) == {"back", "self", "alias.txt", "loop.txt", "zlink", "c.txt"}
    assert "symbolic links" in problems["loop.txt"].reason.lower() and problems["loop.txt"].skipped
    assert "read under its own name" in problems["alias.txt"].reason
    assert not problems["alias.txt"].skipped and "hard link" in problems["c.txt"].reason


def test_a_link_to_a_file_outside_the_tree_is_read_under_its_name(tmp_path: Path) -> None:
    _tree(tmp_path, {"outside/real.txt": b"r", "tree/own.txt": b"o"})
    (tmp_path / "tree" / "link.txt").symlink_to(tmp_path / "outside" / "real.txt")
    sources = _files(scan([tmp_path / "tree"]))
    assert [s.rel for s in sources] == ["own.txt", "link.txt"]  # links come last
    assert sources[1].key == str((tmp_path / "outside" / "real.txt").resolve())


def test_fifos_and_devices_are_named_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    items = list(scan([tmp_path]))
    assert all(isinstance(i, Problem) for i in items)
    assert sorted(str(i) for i in items) == [
        f"{tmp_path / 'fifo.txt'}: not a regular file (a FIFO), skipped",
        f"{tmp_path / 'zero.txt'}: not a regular file (a character device), skipped",
    ]


def test_named_files_missing_paths_and_unsupported_extensions(tmp_path: Path) -> None:
    _tree(tmp_path, {"page.HTML": b"<p>hi</p>", "data.csv": b"1,2", ".hidden.txt": b"hi"})
    items = list(
        scan(
            [
                tmp_path / "page.HTML",
                tmp_path / "data.csv",
                tmp_path / "gone.txt",
                tmp_path / ".hidden.txt",
                tmp_path / "page.HTML",
                "-",
            ]
        )
    )
    assert [type(i).__name__ for i in items] == [
        "SourceFile",
        "Problem",
        "Problem",
        "SourceFile",
        "SourceFile",
    ]
    page, csv, gone, hidden, stdin = items
    assert isinstance(page, SourceFile) and page.rel == "page.HTML" and page.kind == "html"
    assert isinstance(csv, Problem) and "unsupported file type (.csv)" in csv.reason
    assert csv.source == str(tmp_path / "data.csv")
    assert isinstance(gone, Problem) and gone.reason == "no such file or folder, skipped"
    assert isinstance(hidden, SourceFile) and hidden.rel == ".hidden.txt"  # named explicitly
    assert stdin == STDIN


def test_relative_paths_are_displayed_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, {"feed/in/a.txt": b"a"})
    monkeypatch.chdir(tmp_path)
    [source] = _files(scan(["feed"]))
    assert source.display == os.path.join("feed", "in", "a.txt")
    assert source.rel == "in/a.txt"
    assert source.key == str((tmp_path / "feed" / "in" / "a.txt").resolve())


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their permissions"
)
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    _tree(tmp_path, {"locked.txt": b"secret", "open.txt": b"fine"})
    (tmp_path / "locked.txt").chmod(0)
    try:
        items = list(scan([tmp_path]))
    finally:
        (tmp_path / "locked.txt").chmod(0o644)
    assert [type(i).__name__ for i in items] == ["Problem", "SourceFile"]
    assert isinstance(items[0], Problem) and "permission denied" in items[0].reason


def test_a_file_that_vanishes_after_the_scan_raises_source_error_naming_it(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": b"a", "b.jsonl": b'{"id": 1, "text": "t"}\n'})
    sources = _files(scan([tmp_path]))
    for source in sources:
        assert source.path is not None
        source.path.unlink()
        with pytest.raises(SourceError, match=r"a\.txt|b\.jsonl") as caught:
            read_bytes(source)
        assert source.display in str(caught.value)
        with pytest.raises(SourceError):
            open_stream(source)
        problem = problem_from_error(source, caught.value)
        assert problem == Problem(source.display, "no such file or folder, skipped")


def test_a_folder_named_like_a_file_cannot_be_read_as_one(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    fake = SourceFile(
        key=str(tmp_path / "dir.txt"),
        path=tmp_path / "dir.txt",
        display="dir.txt",
        rel="dir.txt",
        kind="text",
        compressed=False,
        size=0,
        mtime_ns=0,
    )
    with pytest.raises(SourceError, match=r"^dir\.txt: cannot be read \(is a directory\)"):
        read_bytes(fake)
    # scanned, it is a folder: walked, not read
    assert list(scan([tmp_path])) == []


def test_kind_of_is_case_insensitive_and_needs_a_supported_inner_extension() -> None:
    assert kind_of("A.JSONL.GZ") == ("jsonl", True)
    assert kind_of("page.htm") == ("html", False)
    assert kind_of("archive.tar.gz") is None
    assert kind_of(".gz") is None
    assert kind_of("txt") is None


# ------------------------------------------------------------------ JSON and JSON lines


def test_json_array_records_int_ids_and_extra_fields() -> None:
    records = [
        {
            "id": 17,
            "text": "Seventeen.",
            "url": "https://example.org/17",
            "lang": "en",
            "tags": ["a", "b"],
            "crawled_at": "2024-09-14T08:00:00Z",
        },
        {"id": "x", "html": "<p>Ex</p>", "published": 20240913},
        {"id": True, "text": "bool id"},
        ["not", "an", "object"],
        {"id": 3.5, "text": "float id"},
        {"id": "e", "text": "   ", "html": ""},
        {"id": "n", "text": 12},
    ]
    source = _source("feed.json", "json")
    articles, problems = _split(parse(source, json.dumps(records).encode()))
    assert articles[0] == Article(
        id="17",
        text="Seventeen.",
        url="https://example.org/17",
        crawled_at="2024-09-14T08:00:00Z",
        path="feed.json",
    )
    assert articles[0].extra == {"lang": "en", "tags": ["a", "b"]}
    assert articles[1].html == "<p>Ex</p>" and articles[1].published is None
    assert articles[1].extra == {"published": 20240913}
    assert len(articles) == 2
    assert [(p.line, p.skipped) for p in problems] == [
        (2, False),
        (3, True),
        (4, True),
        (5, True),
        (6, True),
        (7, True),
    ]
    reasons = [p.reason for p in problems]
    assert reasons[0] == '"published" should be a string, found a number; kept in extra'
    assert reasons[1].startswith('"id" must be a string or an integer, found true/false')
    assert reasons[2] == "a record must be a JSON object, found an array, skipped"
    assert reasons[4] == '"text" and "html" are empty, skipped'
    assert reasons[5] == '"text" must be a string, found a number, skipped'


def test_json_single_object_other_values_and_deep_nesting() -> None:
    source = _source("one.json", "json")
    [article] = parse(source, b'\xef\xbb\xbf{"id": "only", "text": "One."}')
    assert article == Article(id="only", text="One.", path="one.json")
    [p] = parse(source, b'"just a string"')
    assert isinstance(p, Problem) and "found a string" in p.reason
    [p] = parse(source, b"[]")
    assert isinstance(p, Problem) and p.reason == "empty JSON array: no records, skipped"
    [p] = parse(source, b"[" * 100_000 + b"]" * 100_000)
    assert isinstance(p, Problem) and "nested too deeply" in p.reason
    [p] = parse(source, b'{"id": "n", "text": NaN}')
    assert isinstance(p, Problem) and "NaN" in p.reason
    [p] = parse(source, b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n')
    assert isinstance(p, Problem) and p.reason == (
        "not valid JSON (Extra data: line 2, column 1); if it holds one record a line, "
        "name it .jsonl, skipped"
    )


def test_jsonl_from_a_stdin_like_stream_plain_and_gzipped() -> None:
    lines = [json.dumps({"id": i, "text": f"Story {i}.", "source": "AP"}) for i in range(5)]
    data = ("\n".join(lines[:2]) + "\n\n  \n" + "\n".join(lines[2:])).encode()  # no final \n
    for raw in (data, gzip.compress(data)):  # gzip on stdin is recognised by its magic
        articles, problems = _split(parse_stream(STDIN, io.BytesIO(raw)))
        assert problems == []
        assert [a.id for a in articles] == ["0", "1", "2", "3", "4"]
        assert {a.path for a in articles} == {"-"} and {a.source for a in articles} == {"AP"}
    # a real buffered stream, as sys.stdin.buffer is
    buffered = io.BufferedReader(io.BytesIO(data))
    assert len(_split(iter_jsonl(STDIN, buffered))[0]) == 5
    assert not buffered.closed


def test_jsonl_problems_carry_line_numbers_and_later_lines_still_count() -> None:
    data = b"\n".join(
        [
            b'{"id": "a", "text": "A."}',
            b'{"id": "b", "text": "B."',
            b"[1, 2]",
            b'{"id": "c", "text": "caf\xe9 au lait, ' + b"x" * 200 + b'"}',
            b'{"id": "d", "text": "\\ud800 lone"}',
            b'{"id": "e", "text": "\\ud83d\\ude00 pair"}',
        ]
    )
    articles, problems = _split(parse(_source("f.jsonl"), data))
    assert [a.id for a in articles] == ["a", "c", "d", "e"]
    assert articles[3].text == "\U0001f600 pair"
    assert [(p.line, p.skipped) for p in problems] == [(2, True), (3, True), (4, False), (5, False)]
    assert articles[1].text is not None and "caf\ufffd au lait" in articles[1].text
    assert articles[2].text == "\ufffd lone"
    assert "lone UTF-16 surrogates in text replaced" in problems[3].reason


def test_a_file_that_is_not_json_lines_is_given_up_on(tmp_path: Path) -> None:
    rows = "".join(f"{i},row {i},text\n" for i in range(1000))
    _, problems = _split(parse(_source("table.jsonl"), rows.encode()))
    assert len(problems) == 21
    assert problems[-1].reason.startswith("the first 20 records are not JSON")
    _, [binary] = _split(parse(_source("x.jsonl"), b"\x89PNG\r\n\x1a\n\x00\x00\r\nmore"))
    assert binary.reason == "binary file (NUL bytes), skipped"


def test_a_truncated_gzip_feed_keeps_the_lines_before_the_break() -> None:
    lines = b"".join(
        json.dumps({"id": i, "text": f"Story number {i}. " * 30}).encode() + b"\n" for i in range(200)
    )
    cut = gzip.compress(lines)[:-400]
    articles, [problem] = _split(parse(_source("f.jsonl.gz", compressed=True), cut))
    assert 0 < len(articles) < 200
    assert problem.line == len(articles)
    assert problem.reason.startswith("corrupt or truncated gzip data")
    assert "the lines up to it were read" in problem.reason


# ------------------------------------------------------------------ size limits


def test_a_text_over_the_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * (MAX_ARTICLE_BYTES // 5 + 1))
    source = _one(path)
    _, [problem] = _read(source)
    assert problem.reason == (f"too large ({source.size:,} bytes, limit {MAX_ARTICLE_BYTES:,}), skipped")


def test_a_gzip_bomb_is_not_inflated_beyond_the_limit() -> None:
    bomb = gzip.compress(b" a" * (4 * MAX_ARTICLE_BYTES))  # 64 MiB in ~64 KiB
    assert len(bomb) < MAX_ARTICLE_BYTES // 64
    [problem] = parse(_source("bomb.txt.gz", "text", compressed=True), bomb)
    assert isinstance(problem, Problem)
    assert problem.reason.startswith(f"too large (more than {MAX_ARTICLE_BYTES:,} bytes once")


def test_oversized_records_and_lines_are_skipped_and_reading_goes_on() -> None:
    big = "x" * (MAX_ARTICLE_BYTES + 1)
    data = (
        json.dumps({"id": 1, "text": big})
        + "\n"
        + '{"id": 2, "text": "'
        + "y" * MAX_LINE_BYTES
        + '"}\n'
        + json.dumps({"id": 3, "text": "Small."})
        + "\n"
    ).encode()
    articles, problems = _split(parse(_source("big.jsonl"), data))
    assert [a.id for a in articles] == ["3"]
    assert [p.line for p in problems] == [1, 2]
    assert problems[0].reason.startswith(f'too large ("text" is {MAX_ARTICLE_BYTES + 1:,} bytes')
    second = len(data.split(b"\n")[1]) + 1
    assert second > MAX_LINE_BYTES
    assert problems[1].reason.startswith(f"too large ({second:,} bytes, limit")


# ------------------------------------------------------------------ streams and hashes


@pytest.mark.parametrize("name", ["mixed.jsonl", "good.txt.gz", "corrupt.txt.gz", "good.html"])
def test_streaming_gives_what_parse_gives_and_hashes_the_raw_bytes(name: str) -> None:
    source = _one(BAD / name)
    data = read_bytes(source)
    with open_stream(source) as stream:
        streamed = list(parse_stream(source, stream))
        digest = stream.hexdigest()
        assert stream.bytes_read == len(data)
    assert streamed == list(parse(source, data))
    assert digest == content_hash(data)


def test_the_hash_covers_what_parsing_left_unread(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"".join(b'{"id": %d, "text": "Story %d."}\n' % (i, i) for i in range(20_000)))
    source = _one(path)
    with open_stream(source) as stream:
        gen = parse_stream(source, stream)
        assert isinstance(next(gen), Article)
        gen.close()
        assert stream.bytes_read < source.size  # parsing stopped early...
        assert stream.hexdigest() == content_hash(path.read_bytes())  # ...the hash did not
        assert stream.bytes_read == source.size


def test_stdin_stream_is_not_closed_by_open_stream() -> None:
    stdin = io.BytesIO(b'{"id": "s", "text": "S."}\n')
    with open_stream(STDIN, stdin) as stream:
        [article] = parse_stream(STDIN, stream)
        assert stream.hexdigest() == content_hash(stdin.getvalue())
    assert isinstance(article, Article) and not stdin.closed
    assert read_bytes(STDIN, io.BytesIO(b"raw")) == b"raw"


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x01\x02\x03 control \x04\x05\x06\x07", "binary file (44 % control characters), skipped"),
        (b"\xef\xbb\xbf", "empty file, skipped"),
        (b"\xef\xbb\xbf \xc2\xa0\n", "only white space, skipped"),
        (b"\xff\xfe" + b"\x00\xd8", "starts with a UTF-16 byte-order mark but is not valid UTF-16"),
    ],
)
def test_decoding_problems(data: bytes, reason: str) -> None:
    [problem] = parse(_source("x.txt", "text"), data)
    assert isinstance(problem, Problem) and problem.reason.startswith(reason)


def test_utf16_with_a_byte_order_mark_is_read() -> None:
    [article] = parse(_source("w.txt", "text"), "Grüße aus Köln.\n".encode("utf-16"))
    assert isinstance(article, Article) and article.text == "Grüße aus Köln.\n"


def test_a_wrong_declared_charset_is_not_honoured_and_the_page_read_all_the_same() -> None:
    page = '<meta charset="utf-16"><p>Ο Σοϊγκού συναντήθηκε με τον Κιμ στην Πιονγιάνγκ.</p>'.encode(
        "iso-8859-7"
    )
    [article] = parse(_source("p.html", "html"), page)
    assert isinstance(article, Article) and article.html is not None
    assert "Σοϊγκού" in article.html and article.encoding in ("iso8859_7", "cp1253")


@pytest.mark.parametrize(
    ("name", "encoding", "words"),
    [
        ("cp1252.txt", "cp1252", ["“We won’t accept this”", "São Paulo…", "résumé"]),
        ("invalid_utf8.txt", "cp1253", ["Σοϊγκού", "Πιονγιάνγκ"]),
        ("good.txt", "utf-8", []),
    ],
)
def test_legacy_encodings_are_detected_and_recorded(name: str, encoding: str, words: list[str]) -> None:
    [article], problems = _read(_one(BAD / name))
    assert problems == [] and article.encoding == encoding
    assert article.text is not None and all(w in article.text for w in words)


def test_bytes_that_read_as_no_text_are_still_refused() -> None:
    noise = bytes(range(0x80, 0x100)) * 4 + b"\x01\x02" * 3
    [problem] = parse(_source("n.txt", "text"), noise)
    assert isinstance(problem, Problem) and problem.skipped


# ------------------------------------------------------------------ properties

KINDS: list[Kind] = ["text", "html", "json", "jsonl"]


@given(data=st.binary(max_size=2000), kind=st.sampled_from(KINDS), compressed=st.booleans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_give_articles_or_problems_never_an_exception(
    data: bytes, kind: Kind, compressed: bool
) -> None:
    source = _source(f"x.{kind}", kind, compressed)
    for raw in (data, gzip.compress(data, mtime=0)):
        items = list(parse(source, raw))
        assert all(isinstance(i, Article | Problem) for i in items)
        assert items == list(parse_stream(source, io.BytesIO(raw)))


# Text as a file or record may hold it: no control characters but new lines and tabs; the
# first character visible (not white space, not a byte-order mark), so it is never blank.
_TEXT = st.builds(
    str.__add__,
    st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), exclude_characters="\ufeff"),
    st.text(st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\n\t"), max_size=200),
)


# The first draw builds Hypothesis' Unicode tables (a second or so on a cold cache).
_UNICODE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(text=_TEXT)
@_UNICODE
def test_any_utf8_text_file_round_trips(text: str) -> None:
    [article] = parse(_source("t.txt", "text"), text.encode("utf-8"))
    assert article == Article(id="t.txt", text=text, path="t.txt")


@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"id": st.integers(-(10**6), 10**6) | _TEXT, "text": _TEXT},
            optional={"title": _TEXT, "lang": st.text(max_size=5), "n": st.integers()},
        ),
        max_size=8,
    )
)
@_UNICODE
def test_jsonl_records_round_trip(records: list[dict[str, object]]) -> None:
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    articles, problems = _split(parse(_source("r.jsonl"), data))
    assert problems == ([] if records else [Problem("r.jsonl", "empty file, skipped")])
    assert [(a.id, a.text, a.title, a.extra) for a in articles] == [
        (str(r["id"]), r["text"], r.get("title"), {k: v for k, v in r.items() if k in ("lang", "n")})
        for r in records
    ]
