"""Bytes to text for scraped pages: UTF-8, a page's declared charset, or a few bytes replaced.

Also tells binary files from text. Each function returns the text (or ``None`` when the
bytes can't be read as text) and the reason for a :class:`dedup.ingest.scan.Problem`: fatal
when the text is ``None``, a warning otherwise.
"""

from __future__ import annotations

import codecs
import re

BINARY_CONTROL_SHARE = 0.05
"""A file whose first 64 KiB hold more control characters than this share is binary."""
REPLACEMENT_SHARE = 0.01
"""Invalid UTF-8 up to this share of the bytes is replaced (with a warning), not fatal."""
# Control bytes that do not occur in text (tab, newlines, form feed and ESC excluded).
_CONTROL = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a bad byte
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
# WHATWG: these labels mean windows-1252; codecs that are not page encodings are refused.
_LATIN1_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})
_LATIN_FAMILY = frozenset(
    (
        "cp1252",
        "latin_1",
        "iso8859_15",
        "cp1250",
        "iso8859_2",
        "cp1257",
        "iso8859_4",
        "iso8859_13",
        "cp1254",
        "iso8859_9",
        "iso8859_10",
        "iso8859_14",
        "iso8859_16",
    )
)
# The legacy encodings of the WHATWG Encoding Standard, the ones pages are written in (left
# out: DOS and Mac code pages, which charset-normalizer otherwise picks for English text
# with a few bullets and quotes).
WEB_ENCODINGS = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
    "iso8859_2",
    "iso8859_4",
    "iso8859_5",
    "iso8859_6",
    "iso8859_7",
    "iso8859_8",
    "iso8859_10",
    "iso8859_13",
    "iso8859_14",
    "iso8859_15",
    "iso8859_16",
    "koi8_r",
    "koi8_u",
    "gb18030",
    "gbk",
    "big5",
    "euc_jp",
    "iso2022_jp",
    "shift_jis",
    "euc_kr",
)
_MAX_CHAOS = 0.2  # charset-normalizer's mess ratio above which the bytes are not text
_SURE_BYTES = 16  # non-ASCII bytes below which a guess is a guess (and says so)
_HIGH = bytes(range(0x80, 0x100))
_NOT_PAGE_CODECS = (
    "utf-8",
    "utf-16",
    "utf-32",
    "utf-7",
    "unicode",
    "raw-unicode",
    "punycode",
    "idna",
    "undefined",
    "charmap",
)


def decode(data: bytes, *, html: bool) -> tuple[str | None, str | None, str]:
    """Text of a whole file, the reason of a Problem (fatal when the text is None, a warning
    otherwise, None when there is nothing to say) and the encoding it was read in."""
    if not data:
        return None, "empty file, skipped", "utf-8"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            return (*_non_blank(data.decode("utf-16")), "utf-16")
        except UnicodeDecodeError:
            return (
                None,
                (
                    "starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                    "(re-save it as UTF-8), skipped"
                ),
                "utf-16",
            )
    binary = binary_reason(data)
    if binary is not None:
        return None, f"{binary}, skipped", "binary"
    text, note, encoding = _decode_8bit(data.removeprefix(codecs.BOM_UTF8), html=html)
    return (None, note, encoding) if text is None else (*_non_blank(text, note), encoding)


def _decode_8bit(data: bytes, *, html: bool) -> tuple[str | None, str | None, str]:
    """UTF-8; else a page's declared charset; else UTF-8 with a few bytes replaced, when
    the rest is UTF-8; else the legacy encoding the bytes read best in (charset-normalizer)."""
    text, bad = decode_utf8(data)
    if not bad:
        return text, None, "utf-8"
    declared = _declared_charset(data) if html else None
    if declared is not None:
        in_charset = _decode_declared(data, declared)
        if in_charset is not None:
            return in_charset, None, declared
    # Some bytes form UTF-8 characters: a UTF-8 file with a few stray bytes, not a legacy one.
    utf8_elsewhere = bad < sum(1 for b in data if b >= 0x80)
    if utf8_elsewhere and bad <= len(data) * REPLACEMENT_SHARE:
        return text, replaced(bad, len(data)), "utf-8"
    guess = _legacy(data)
    if guess is not None:
        legacy, encoding, sure = guess
        note = None if sure else (f"not UTF-8; read as {encoding}, a guess (re-save it as UTF-8 to be sure)")
        return legacy, note, encoding
    share = 100 * bad / len(data)
    also = f" nor in its declared charset {declared!r}" if declared else ""
    hint = "re-save it as UTF-8" + (
        ", or declare its charset in <meta charset>" if html and not declared else ""
    )
    return (
        None,
        (
            f"not valid UTF-8{also}, nor text in any encoding recognised ({bad:,} of "
            f"{len(data):,} bytes invalid, {share:.0f} %; {hint}), skipped"
        ),
        "unknown",
    )


def _legacy(data: bytes) -> tuple[str, str, bool] | None:
    """The text of non-UTF-8 bytes in the encoding charset-normalizer finds them most
    readable in, the encoding, and whether the guess is sure; None when none reads as text.

    Among the Latin single-byte encodings, which read most text alike, cp1252 (what
    browsers take ISO-8859-1 and unlabelled pages for) wins whenever it reads the bytes.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(WEB_ENCODINGS)).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    # Neither the mess ratio nor the language coherence told right guesses from wrong ones
    # on re-encoded pages (benchmarks/encodings.py); the number of bytes to judge by did.
    sure = len(data) - len(data.translate(None, _HIGH)) >= _SURE_BYTES
    encoding = codecs.lookup(best.encoding).name
    if encoding in _LATIN_FAMILY:
        try:
            return data.decode("cp1252"), "cp1252", sure
        except UnicodeDecodeError:
            pass
    return str(best), encoding, sure


def _non_blank(text: str, note: str | None = None) -> tuple[str | None, str | None]:
    if text.strip():
        return text, note
    return None, ("empty file, skipped" if not text else "only white space, skipped")


def binary_reason(data: bytes) -> str | None:
    if b"\x00" in data:
        return "binary file (NUL bytes)"
    sample = data[: 64 * 1024]
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls > len(sample) * BINARY_CONTROL_SHARE:
        return f"binary file ({100 * controls / len(sample):.0f} % control characters)"
    return None


def decode_utf8(data: bytes) -> tuple[str, int]:
    """UTF-8 text with each invalid byte replaced by U+FFFD, and how many there were."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        return _ESCAPED_BYTE.subn("\ufffd", data.decode("utf-8", "surrogateescape"))


def replaced(bad: int, total: int) -> str:
    return (
        f"not valid UTF-8: {bad:,} invalid byte{'s' if bad > 1 else ''} of {total:,} "
        "replaced with U+FFFD; article kept (re-save the file as UTF-8 to fix it)"
    )


def _declared_charset(data: bytes) -> str | None:
    """The codec named by a page's ``<meta charset>``, http-equiv or XML declaration."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    if codec.startswith(_NOT_PAGE_CODECS):
        return None
    return codec


def _decode_declared(data: bytes, codec: str) -> str | None:
    candidates = ("cp1252", "latin_1") if codec in _LATIN1_LABELS else (codec,)
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError, ValueError):
            continue
    return None
