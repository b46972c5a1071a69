"""Legacy encodings: real pages re-encoded, read back by dedup's decoding.

Takes the text of the extraction benchmark's flattened pages (``../shared/data/extraction``,
many languages) and of the seeds, re-encodes each in every legacy encoding that can hold
it whole (Windows-1252 for Western European text, Windows-1251 and KOI8-R for Russian,
Shift_JIS and EUC-JP for Japanese, GBK for Chinese, EUC-KR for Korean, ISO-8859-7 for
Greek...), and reads the bytes back as ``dedup index`` reads a ``.txt`` file. A page is
*exact* when the text read back equals the original, *warned* when it was read with a
warning (an unsure guess), *refused* when it was not read. Pages that are pure ASCII are
left out: every encoding reads them alike.

    python -m benchmarks.encodings
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from dedup.ingest.decoding import decode

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "extraction"
ENCODINGS = (
    "cp1252",
    "latin_1",
    "cp1250",
    "cp1251",
    "koi8_r",
    "shift_jis",
    "euc_jp",
    "gbk",
    "big5",
    "euc_kr",
    "iso8859_7",
    "cp1254",
    "cp1256",
    "cp874",
)


def texts() -> list[tuple[str, str]]:
    """(name, text) of every non-ASCII development text."""
    paths = sorted((DATA / "flat").glob("*.txt")) + sorted((ROOT / "fixtures" / "seeds").glob("0*.txt"))
    found = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    return [(name, text) for name, text in found if not text.isascii()]


def run() -> dict[str, Counter[str]]:
    """Per encoding, how many pages were read back exact, warned, wrong or refused."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for _, text in texts():
        for encoding in ENCODINGS:
            try:
                data = text.encode(encoding)
            except UnicodeEncodeError:
                continue  # this encoding can't hold the page
            got, note, _ = decode(data, html=False)
            result = out[encoding]
            result["pages"] += 1
            if got is None:
                result["refused"] += 1
            elif got == text:
                result["exact"] += 1
            else:
                result["wrong"] += 1
            if got is not None and note is not None:
                result["warned"] += 1
    return out


def main() -> None:
    results = run()
    print("encoding   pages  exact  wrong  refused  warned")
    total: Counter[str] = Counter()
    for encoding, r in [*results.items(), ("all", total)]:
        if encoding != "all":
            total.update(r)
        print(
            f"{encoding:10s} {r['pages']:5d} {r['exact']:6d} {r['wrong']:6d} {r['refused']:8d} "
            f"{r['warned']:7d}"
        )


if __name__ == "__main__":
    main()
