"""Publication dates written the way pages write them, as ISO 8601.

Absolute dates in the common news formats ("September 13, 2024", "13th Sep, 2024",
"2024-09-13", "Nov 19, 2019, 10:31 pm CST", "19 November 2019, 09:01 AM"), with the time of
day and a US or UTC zone when the page gives one; relative dates ("2 months ago")
only against a reference time (the article's ``crawled_at``), never against
the clock of the machine that runs the extraction: the same page must give the same date
whenever it is indexed. Which date on a page is the article's own is decided by the
callers (:mod:`dedup.extract.flat`); this module only reads one line.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from dedup.article import parse_instant

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan janvier janv januar enero ene gennaio gen janeiro januari янв",
            "february feb février févr februar febrero febbraio fevereiro fev februari фев",
            "march mar mars märz marzo março maret мар",
            "april apr avril abril aprile апр",
            "may mai mayo maggio maio mei мая май",
            "june jun juin juni junio giugno junho июн",
            "july jul juillet juli julio luglio julho июл",
            "august aug août agosto ago agustus авг",
            "september sep sept septembre septiembre settembre setembro set сен",
            "october oct octobre oktober octubre ottobre outubro out okt oktober окт",
            "november nov novembre noviembre novembro нояб ноя",
            "december dec décembre déc dezember diciembre dicembre dezembro dez desember des дек",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_TIME = (
    r"(?:\s*(?:,|at|\||-|\u2013|—|à|um|alle|às)?\s*(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?P<zone>[ECMP][SD]T|GMT|UTC|Z|[+-]\d{2}:?\d{2}))?)?"
)
_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # 2024-09-13, 2024-09-13T14:00:00+05:00, 2018-08-25 15:24
        r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<monthnum>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?"
        r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?)?",
        # Time before the date: "Updated 1:39 am EST, Wednesday, November 20, 2019"
        r"\b(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>[ECMP][SD]T|GMT|UTC)?"
        rf",?\s+(?:[^\W\d_]+,?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",
        # September 13, 2024 | 02:00 PM ; Sep. 13 2024 ; Maret 30, 2015
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b{_TIME}",
        # 13 September 2024 ; 27th Jul, 2023 ; 13. September 2024 ; 13 de septiembre de 2024
        rf"\b{_DAY}\.?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}\b{_TIME}",
        # 13/06/2014 or 06/13/2014: read only when one of the two numbers can't be a month
        r"(?<![\d/.])(?P<first>\d{1,2})[/.](?P<second_>\d{1,2})[/.](?P<year>(?:19|20)\d{2})(?![\d/.])",
    )
)
_ZONES = {
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "GMT": 0,
    "UTC": 0,
    "Z": 0,
}
_RELATIVE = re.compile(
    r"(?i)(?<!\d)(?P<n>\d+|an?|one)\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?"
    r"|weeks?|months?|years?)\s+ago\b"
)
_UNIT_SECONDS = {"sec": 1, "min": 60, "hou": 3600, "hr": 3600, "hrs": 3600, "day": 86400, "wee": 604800}


@dataclass(frozen=True, slots=True)
class Found:
    """A date read from a line: ISO text, where it starts and ends, and whether it carries a
    time."""

    iso: str
    start: int
    has_time: bool
    end: int


def _month(value: str) -> int | None:
    return MONTHS.get(value.lower().rstrip("."))


def _zone(value: str | None) -> timezone | None:
    if not value:
        return None
    upper = value.upper()
    if upper in _ZONES:
        return timezone(timedelta(hours=_ZONES[upper]))
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _build(groups: dict[str, str | None]) -> tuple[str, bool] | None:
    if groups.get("first"):
        a, b = int(groups["first"] or 0), int(groups["second_"] or 0)
        if a > 12 >= b:
            groups = {**groups, "day": str(a), "monthnum": str(b)}
        elif b > 12 >= a:
            groups = {**groups, "day": str(b), "monthnum": str(a)}
        else:
            return None  # 03/04/2019: April or March, the page doesn't say
    monthnum = groups.get("monthnum")
    month = int(monthnum) if monthnum else _month(groups.get("month") or "")
    if month is None:
        return None
    try:
        day = date(int(groups["year"] or 0), month, int(groups["day"] or 0))
    except ValueError:
        return None
    if groups.get("hour") is None:
        return day.isoformat(), False
    hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        moment = datetime(
            day.year,
            day.month,
            day.day,
            hour,
            minute,
            int(groups.get("second") or 0),
            tzinfo=_zone(groups.get("zone")),
        )
    except ValueError:
        return day.isoformat(), False
    return moment.isoformat(), True


def find_dates(line: str) -> list[Found]:
    """Every absolute date in a line, in order of position (overlaps resolved leftmost)."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(line):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            built = _build(m.groupdict())
            if built is not None:
                found.append(Found(built[0], m.start(), built[1], m.end()))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return found


def parse_reference(value: str | None) -> datetime | None:
    """An ISO 8601 reference time (``crawled_at``); naive times are taken as UTC. ``None``
    outside the years articles can have (:func:`dedup.article.parse_instant`)."""
    return parse_instant(value)


def _months_back(moment: datetime, months: int) -> date | None:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    if year < 1:
        return None
    # 31 March minus one month is the last day of February.
    return date(year, month + 1, min(moment.day, calendar.monthrange(year, month + 1)[1]))


def find_relative(line: str, reference: datetime | None) -> str | None:
    """A relative date ("2 months ago") made absolute against ``reference``; None without it.

    Hours and minutes give a date-time, days and more a date: "2 months ago" is not precise
    enough for a time of day.
    """
    if reference is None:
        return None
    m = _RELATIVE.search(line)
    if m is None:
        return None
    raw = m.group("n").lower()
    n = 1 if raw in ("a", "an", "one") else int(raw[:6])
    unit = m.group("unit").lower()
    if unit.startswith(("month", "year")):
        day = _months_back(reference, n * (12 if unit.startswith("year") else 1))
        return day.isoformat() if day else None
    seconds = _UNIT_SECONDS.get(unit[:3], _UNIT_SECONDS.get(unit.rstrip("s"), 86400))
    try:
        moment = reference - timedelta(seconds=n * seconds)
    except OverflowError:
        return None
    if seconds < 86400:
        return moment.replace(microsecond=0).isoformat()
    return moment.date().isoformat()


def has_relative(line: str) -> bool:
    """True when the line holds a relative date such as "2 months ago"."""
    return _RELATIVE.search(line) is not None


def not_after(iso: str, reference: datetime | None) -> bool:
    """False for a date later than the reference time (a page can't be published after its crawl)."""
    if reference is None:
        return True
    return iso[:10] <= (reference + timedelta(days=1)).date().isoformat()
