"""Bad input for robustness laws: hypothesis strategies for records and a folder builder.

:func:`records` draws article records (as a JSON feed would hold them, or as a caller of
the library would pass them) with wrong types, odd Unicode, out-of-range dates and odd
ids. :func:`build_folder` lays out a folder of good articles among bad files of every kind
a crawler leaves behind, and returns what a run must make of it: the ids of the good
articles, and the paths that must be named in a warning.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from tests import textgen

# Values of the wrong type for any field, and strings that are hard on text handling.
WRONG_TYPES = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\u200b\u200c\u200d",
            "\ud800",
            "a\udfffb",
            "\udc80\udcff",
            "😀" * 30,
            "!?.,;:" * 20,
            "\x00\x01\x02",
            "\ufeff",
            "\u202e evil",
            "0" * 5000,
        ]
    ),
)
ODD_DATES = st.sampled_from(
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31",
        "0001-01-01",
        "1899-12-31",
        "2101-01-01",
        "2024-02-30",
        "2024-13-01",
        "not a date",
        "",
        "2024-09-13T25:00",
        "+2024-09-13",
        "2024-09-13T10:00:00+24:00",
        "1970-01-01T00:00:00Z",
        "2024-09-13",
    ]
)
ODD_IDS = st.one_of(
    st.text(min_size=1, max_size=20),
    st.integers(),
    st.just(int("9" * 4000)),
    st.just("12345"),
    st.just(12345),
    st.just("\ud800"),
    st.lists(st.integers(), max_size=2),
    st.booleans(),
)


def field_value(good: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """A field that is usually well-formed, sometimes of the wrong type or odd."""
    return st.one_of(good, WRONG_TYPES, ODD_TEXT)


def records() -> st.SearchStrategy[dict[str, object]]:
    """Article records with any mix of good, odd and wrongly typed fields."""
    body = st.builds(
        lambda seed, n: textgen.article(random.Random(seed), n), st.integers(0, 10_000), st.integers(1, 120)
    )
    return st.fixed_dictionaries(
        {"id": ODD_IDS},
        optional={
            "text": field_value(body),
            "html": field_value(body.map(lambda t: f"<html><body><p>{t}</p></body></html>")),
            "title": field_value(st.text(max_size=30)),
            "url": field_value(st.just("https://example.com/a")),
            "source": field_value(st.just("AFP")),
            "published": st.one_of(ODD_DATES, WRONG_TYPES),
            "crawled_at": st.one_of(ODD_DATES, WRONG_TYPES),
        },
    )


@dataclass
class Folder:
    """What a run over :func:`build_folder`'s folder must make of it."""

    root: Path
    good: set[str] = field(default_factory=set)  # ids (relative paths) of the good articles
    named: set[str] = field(default_factory=set)  # relative paths a warning must name
    bad_files: int = 0


def build_folder(root: Path, good: int = 200, seed: int = 15) -> Folder:
    """A folder of ``good`` articles among bad files of every kind (about 60 a kind-run)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    out = Folder(root)

    def bad(rel: str, data: bytes | str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(data)
        out.named.add(rel)
        out.bad_files += 1

    for i in range(good):
        rel = f"good/{i:04d}.txt"
        (root / "good").mkdir(exist_ok=True)
        (root / rel).write_text(textgen.article(rng, rng.randint(150, 400)), encoding="utf-8")
        out.good.add(rel)
    for i in range(40):
        bad(f"binary/{i:03d}.txt", rng.randbytes(rng.randint(1, 4000)))
        bad(f"invalid/{i:03d}.txt", bytes(rng.randrange(0x80, 0x100) for _ in range(500)))
        bad(f"empty/{i:03d}.txt", b"")
        bad(f"blank/{i:03d}.txt", " \n\t " * rng.randint(1, 50))
        bad(f"emoji/{i:03d}.txt", "😀🎉 " * rng.randint(1, 40))
        bad(f"punct/{i:03d}.txt", "!?.,;:-" * rng.randint(1, 40))
        bad(f"zerowidth/{i:03d}.txt", "\u200b\u200c\u200d\ufeff" * rng.randint(1, 40))
        bad(f"empty/{i:03d}.jsonl", b"")
        bad(f"blank/{i:03d}.jsonl", b"\n \n\t\n")
        bad(f"json/{i:03d}.json", "{" + '"id": "x", "text": "unterminated' * rng.randint(1, 3))
        bad(f"gz/{i:03d}.txt.gz", gzip.compress(b"some words here " * 50)[: rng.randint(5, 40)])
        bad(f"html/{i:03d}.html", "<div>" * rng.randint(1, 5000) + "<p>unclosed <b><i>" + "<" * 50)
        bad(f"lines/{i:03d}.txt", rng.choice(["9", " ", ".", "1.", "a ", "- "]) * 100_000)
    _records(root, out, rng)
    _links(root, out, rng)
    return out


def _records(root: Path, out: Folder, rng: random.Random) -> None:
    """Records that once aborted a whole run, with wrong types and odd values around them."""
    records_file = root / "feeds" / "records.jsonl"
    records_file.parent.mkdir(exist_ok=True)
    lines = [
        {"id": "r-old", "text": textgen.article(rng, 200), "published": "0001-01-01T00:00:00+05:00"},
        {"id": "r-future", "text": textgen.article(rng, 200), "crawled_at": "9999-12-31"},
        {"id": "r-far", "text": textgen.article(rng, 200), "published": "9999-12-31T23:59:59-05:00"},
        {"id": 12345, "text": textgen.article(rng, 200)},
        {"id": "12345", "text": textgen.article(rng, 200)},
        {"id": int("9" * 4000), "text": textgen.article(rng, 200)},
        {"id": ["a"], "text": "x"},
        {"id": "r-num", "text": 42},
        {"id": "r-title", "text": textgen.article(rng, 200), "title": {"a": 1}, "source": 3.5},
    ]
    with records_file.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
        # json.dumps writes lone surrogates as \\udXXX escapes, as broken feeds hold them.
        f.write(
            json.dumps({"id": "r-sur", "text": textgen.article(rng, 200) + " \ud800", "title": "\udfff"})
            + "\n"
        )
    for rid in ("r-old", "r-future", "r-far", "12345", "r-title", "r-sur", "9" * 4000):
        out.good.add(rid)
    out.named.add("feeds/records.jsonl")
    out.bad_files += 1
    flat = root / "flat" / "crawl.txt"
    flat.parent.mkdir(exist_ok=True)
    flat.write_text("Published 13 September 2024\n" + textgen.article(rng, 300), encoding="utf-8")
    out.good.add("flat/crawl.txt")


def _links(root: Path, out: Folder, rng: random.Random) -> None:
    """Things that are not regular files, and links."""
    special = root / "special"
    special.mkdir()
    os.mkfifo(special / "fifo.txt")
    (special / "loop.txt").symlink_to("loop.txt")
    (special / "zero.txt").symlink_to("/dev/zero")
    (special / "urandom.txt").symlink_to("/dev/urandom")
    (special / "dangling.txt").symlink_to("nowhere.txt")
    for rel in ("fifo.txt", "loop.txt", "zero.txt", "urandom.txt", "dangling.txt"):
        out.named.add(f"special/{rel}")
        out.bad_files += 1
    links = root / "links"
    links.mkdir()
    (links / "real.txt").write_text(textgen.article(rng, 250), encoding="utf-8")
    (links / "alias.txt").symlink_to("real.txt")
    (links / "zz-alias.txt").symlink_to(links / "real.txt")
    out.good.add("links/real.txt")  # read under its own name; the links are named
    out.named |= {"links/alias.txt", "links/zz-alias.txt"}
