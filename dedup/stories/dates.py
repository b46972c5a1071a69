"""Calendar dates an article names ("On September 13", "13th Sep, 2024", "on Friday").

Rewrites of one event name its day; two events with the same people and places usually
happened on other days. A date with its year is read as it stands; a date without a year,
or a weekday, only against the article's publication day (the year that puts it nearest,
the last such weekday on or before it), never against the clock: the same article must
give the same dates whenever it is read. Reads tokens in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from itertools import chain

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
WEEKDAYS = {
    name: number
    for number, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}

_NEAR_YEAR = 183  # days: a date without a year is taken in the year that puts it nearest
_ISO = re.compile(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?!\d)")
_TOKENS = re.compile(r"()(?:(\d+)(?i:st|nd|rd|th)?|([^\W\d_]+))")
CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)
"""The words that can start or anchor a date."""
_MAX_DAY = 31

Token = tuple[str, str, str]
"""A token as (anything, digits, word): one of the last two is non-empty. The first field
is the tokeniser's own (where a sentence starts); dates don't read it."""


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, reference: date) -> date | None:
    best: date | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        found = _make(year, month, day)
        if found is not None and (best is None or abs(found - reference) < abs(best - reference)):
            best = found
    if best is not None and abs((best - reference).days) > _NEAR_YEAR:
        return None
    return best


def _day(token: Token | None) -> int | None:
    digits = token[1] if token is not None else ""
    if not digits.isdigit() or len(digits) > 2:
        return None
    value = int(digits)
    return value if 1 <= value <= _MAX_DAY else None


def _year(token: Token | None) -> int | None:
    digits = token[1] if token is not None else ""
    if len(digits) != 4 or not digits.isdigit() or digits[:2] not in ("19", "20"):
        return None
    return int(digits)


def dates_in_tokens(
    tokens: Sequence[Token], positions: Iterable[int], reference: date | None
) -> Iterator[date]:
    """Dates named around the calendar words at ``positions`` of a token sequence.

    "September 13, 2024", "13th Sep, 2024", "13 of September 2024"; without a year
    ("On September 13") and weekdays ("on Friday") only against ``reference``.
    """
    count = len(tokens)

    def at(i: int) -> Token | None:
        return tokens[i] if 0 <= i < count else None

    for i in positions:
        word = tokens[i][2].casefold()
        month = MONTHS.get(word)
        if month is not None:
            after, year_after = _day(at(i + 1)), _year(at(i + 2))
            back = i - 2 if (at(i - 1) or ("", "", ""))[2].casefold() == "of" else i - 1
            before, year_next = _day(at(back)), _year(at(i + 1))
            if after is not None and year_after is not None:
                found = _make(year_after, month, after)
            elif before is not None and year_next is not None:
                found = _make(year_next, month, before)
            elif reference is not None and (after or before):
                found = _nearest_year(month, after or before or 0, reference)
            else:
                found = None
            if found is not None:
                yield found
            continue
        weekday = WEEKDAYS.get(word)
        if weekday is not None and reference is not None:
            yield reference - timedelta(days=(reference.weekday() - weekday) % 7)


def first_dates(found: Iterable[date], limit: int) -> list[date]:
    """The first ``limit`` distinct dates, in order."""
    out: list[date] = []
    for day in found:
        if day not in out:
            out.append(day)
            if len(out) >= limit:
                break
    return out


def iso_dates(text: str) -> Iterator[date]:
    """ISO dates ("2024-09-13") in ``text``."""
    if "-0" not in text and "-1" not in text:  # cheap test first: most texts have none
        return
    for m in _ISO.finditer(text):
        found = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found is not None:
            yield found


def named_dates(text: str, reference: date | None, limit: int = 8) -> list[date]:
    """Distinct dates named in ``text``, in order of kind then mention, at most ``limit``.

    ``reference`` is the publication day; without it only dates with a year are read.
    """
    tokens = _TOKENS.findall(text)
    positions = [i for i, token in enumerate(tokens) if token[2].casefold() in CALENDAR]
    return first_dates(chain(iso_dates(text), dates_in_tokens(tokens, positions, reference)), limit)
