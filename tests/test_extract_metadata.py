"""Dates, wire attribution, datelines and bylines, one rule at a time."""

from __future__ import annotations

import pytest

from dedup.article import Article
from dedup.extract import Extractor
from dedup.extract.attribution import (
    byline_credit,
    credit_line,
    parse_byline,
    split_dateline,
    trailing_credit,
)
from dedup.extract.dates import find_dates, find_relative, parse_reference


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("September 13, 2024", "2024-09-13"),
        ("Faizan Hashmi Published September 13, 2024 | 02:00 PM", "2024-09-13T14:00:00"),
        ("Seoul, (UrduPoint / Pakistan Point News - 27th Jul, 2023 ) :Kim", "2023-07-27"),
        (" date 2024-09-13 Open Menu", "2024-09-13"),
        ("Chris Davies - Nov 19, 2019, 10:31 pm CST", "2019-11-19T22:31:00-06:00"),
        ("Updated 1:39 am EST, Wednesday, November 20, 2019", "2019-11-20T01:39:00-05:00"),
        ("Updated : 19 November 2019, 09:01 AM", "2019-11-19T09:01:00"),
        ("기사입력 :[ 2018-08-25 15:24 ]", "2018-08-25T15:24:00"),
        ("Posted on Maret 30, 2015 by Admin", "2015-03-30"),
        ("13/06/2014 Tony Carter", "2014-06-13"),
        ("2024-09-13T14:00:00+05:00", "2024-09-13T14:00:00+05:00"),
    ],
)
def test_dates_as_pages_write_them(line: str, iso: str) -> None:
    assert find_dates(line)[0].iso == iso


@pytest.mark.parametrize(
    "line", ["03/04/2019", "February 30, 2024", "Shoigu served until May.", "2 MIN READ"]
)
def test_no_date_where_there_is_none_or_it_is_ambiguous(line: str) -> None:
    assert find_dates(line) == []


@pytest.mark.parametrize(
    ("line", "reference", "iso"),
    [
        ("access_time2 months ago", "2024-11-15T08:00:00Z", "2024-09-15"),
        ("5 hours ago", "2024-11-15T08:00:00+00:00", "2024-11-15T03:00:00+00:00"),
        ("an hour ago", "2024-11-15T08:30:00", "2024-11-15T07:30:00+00:00"),
        ("3 days ago", "2024-03-02T10:00:00Z", "2024-02-28"),
        ("1 year ago", "2024-02-29T10:00:00Z", "2023-02-28"),
        ("2 months ago", None, None),
        ("999999 years ago", "2024-11-15T08:00:00Z", None),
        ("99999999 days ago", "2024-11-15T08:00:00Z", None),
    ],
)
def test_relative_dates_only_against_a_reference(line: str, reference: str | None, iso: str | None) -> None:
    assert find_relative(line, parse_reference(reference)) == iso


_PAGE = """Home
World
Thursday, September 11, 2025
Markets rally as rates hold steady
By Ana Lopez
Published March 3, 2024
{first}
Investors bought shares of banks and builders, and the main index closed at a record high.
Analysts said the central bank's message on inflation had been clearer than many had expected in January.
{last}
Related stories
Oil prices slip - March 1, 2024
Contact us"""


def _flat(
    first: str,
    last: str = "Trading volumes were above their monthly average, the exchange said.",
    **fields: str,
) -> Article:
    return Article(id="p", text=_PAGE.format(first=first, last=last), **fields)  # type: ignore[arg-type]


def test_flat_page_metadata() -> None:
    x = Extractor().extract(
        _flat("LONDON (Reuters) - Stocks rose on Monday after the central bank kept rates on hold.")
    )
    assert x.title == "Markets rally as rates hold steady"
    assert x.published == "2024-03-03"  # not the crawl day above, not the related story's date
    assert x.byline == "Ana Lopez"
    assert x.dateline == "LONDON (Reuters)"
    assert x.attribution == ("Reuters",)
    assert x.body.splitlines()[0] == "Stocks rose on Monday after the central bank kept rates on hold."
    assert "Related stories" not in x.body
    assert "Oil prices" not in x.body


_STANDFIRST_PAGE = """Last moments of a mother caught on tape
{standfirst}
Andrew Lopez, 20, is the accused gunman who fired from a rooftop.
{dateline}
A shocking video released for the first time on Thursday captures the moment a mother of twelve was killed.
The footage was shown at the trial of two men charged with killing her on Oct. 21, 2011.
Prosecutors said the video left no doubt about who had fired the shots that afternoon."""


@pytest.mark.parametrize(
    ("standfirst", "dateline", "published"),
    [
        # The date line below a standfirst is the article's; the standfirst's sentence only
        # names the day of what happened.
        (
            "Zurana Horton, 34, was killed on Oct. 21, 2011 while walking near an intersection.",
            "THURSDAY, APRIL 11, 2013, 9:53 PM",
            "2013-04-11T21:53:00",
        ),
        (
            "Reid checked herself in on Tuesday, December 9, 2008.",
            "Posted on April 11, 2013 by Staff",
            "2013-04-11",
        ),
        # A caption's date loses to the "Updated" line, which is about the article.
        (
            "Mayor Pete Buttigieg speaks during a fundraiser in Las Vegas, Sunday, Nov. 17, 2019.",
            "Updated 3:27 am PST, Wednesday, November 20, 2019",
            "2019-11-20T03:27:00-08:00",
        ),
        # With no date line, a date a sentence names is better than none.
        (
            "Zurana Horton, 34, was killed on Oct. 21, 2011 while walking near an intersection.",
            "Andrew Lopez was charged on Friday.",
            "2011-10-21",
        ),
        # A fetch date is not a publication date, and a sentence of the body is no date line.
        (
            "Posted 1 year, 160 days ago [downloaded on 2 October 2013]",
            "Zurana Horton, 34, was killed while walking near an intersection in Brownsville.",
            None,
        ),
    ],
)
def test_flat_published_is_a_date_line_not_a_date_a_sentence_names(
    standfirst: str, dateline: str, published: str | None
) -> None:
    page = _STANDFIRST_PAGE.format(standfirst=standfirst, dateline=dateline)
    x = Extractor().extract(Article(id="p", text=page))
    assert x.published == published
    assert "A shocking video released" in x.body


@pytest.mark.parametrize(
    ("first", "last", "agencies"),
    [
        (
            "Stocks rose on Monday after the central bank kept rates on hold, AFP reported.",
            "Trading volumes were above their monthly average, the exchange told Reuters.",
            (),
        ),
        (
            "Stocks rose on Monday after the central bank kept rates on hold, state media KCNA said.",
            "Trading volumes were above their monthly average, the exchange said. - AFP",
            ("AFP",),
        ),
        (
            "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024) Stocks rose, traders said.",
            "Trading volumes were above their monthly average, the exchange said (with AFP).",
            ("APP", "AFP"),
        ),
        (
            "NEW DELHI, March 3 (PTI) Stocks rose on Monday after the central bank kept rates on hold.",
            "Trading volumes were above their monthly average, the exchange said.",
            ("PTI",),
        ),
    ],
)
def test_attribution_comes_from_credits_not_quotes(first: str, last: str, agencies: tuple[str, ...]) -> None:
    assert Extractor().extract(_flat(first, last)).attribution == agencies


@pytest.mark.parametrize(
    ("paragraph", "dateline", "agencies"),
    [
        (
            "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024) The head of",
            "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024)",
            ("APP",),
        ),
        (
            "Seoul, (UrduPoint / Pakistan Point News - 27th Jul, 2023 ) :Kim Jong Un met",
            "Seoul, (UrduPoint / Pakistan Point News - 27th Jul, 2023 )",
            (),
        ),
        ("WASHINGTON (Reuters) - The U.S. Senate voted on Tuesday", "WASHINGTON (Reuters)", ("Reuters",)),
        (
            "ST. JOSEPH, Mich. (AP) — Michigan health authorities are reporting",
            "ST. JOSEPH, Mich. (AP)",
            ("AP",),
        ),
        ("(Reuters) — The New York State Attorney General is investigating", "(Reuters)", ("Reuters",)),
        ("WASHINGTON — The House voted on Tuesday to pass the spending bill.", "WASHINGTON", ()),
        ("Kim had a friendly talk with Moscow's Sergei Shoigu, KCNA said.", None, ()),
    ],
)
def test_datelines(paragraph: str, dateline: str | None, agencies: tuple[str, ...]) -> None:
    found, rest, credited = split_dateline(paragraph)
    assert (found, credited) == (dateline, agencies)
    assert rest and not rest.startswith(("-", "—", ":"))


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        ("SOURCE:AA", ("AA",)),
        ("Source: Reuters, AFP", ("Reuters", "AFP")),
        ("- AFP", ("AFP",)),
        ("(with AFP)", ("AFP",)),
        ("Agencies", ("agencies",)),
        ("© 2019 Associated Press. All Rights Reserved. This material may not be published.", ("AP",)),
        ("Copyright 2019 The Associated Press. All rights reserved.", ("AP",)),
        ("Shoigu heads the delegation to the capital. / Photo: Reuters Archive", None),
        ("AP Photo/Evan Vucci", None),
        ("KCNA said", None),
        ("Source: Ministry of Defence", None),
        ("The AFP news agency reported the attack on Tuesday.", None),
        ("© 2023 THE WORLD MONITOR", None),
    ],
)
def test_credit_lines(line: str, agencies: tuple[str, ...] | None) -> None:
    assert credit_line(line) == agencies


@pytest.mark.parametrize(
    ("paragraph", "rest", "agencies"),
    [
        ("They signed the pact. - AFP", "They signed the pact.", ("AFP",)),
        ("they said. (with AFP)", "they said.", ("AFP",)),
        ("He met Kim - Reuters Archive photo", "He met Kim - Reuters Archive photo", ()),
        ("In the village - a new road was built", "In the village - a new road was built", ()),
    ],
)
def test_trailing_credits(paragraph: str, rest: str, agencies: tuple[str, ...]) -> None:
    assert trailing_credit(paragraph) == (rest, agencies)


@pytest.mark.parametrize(
    ("line", "name", "agencies"),
    [
        ("By Staff, Agencies", "Staff, Agencies", ("agencies",)),
        ("Sumaira FH Published July 27, 2023 | 10:10 AM", "Sumaira FH", ()),
        ("Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", "Michael David Smith", ()),
        ("by Regan September 15, 2014", "Regan", ()),
        ("By Reuters", "Reuters", ("Reuters",)),
        ("By the way, this matters", None, ()),
    ],
)
def test_bylines(line: str, name: str | None, agencies: tuple[str, ...]) -> None:
    assert parse_byline(line) == name
    if name:
        assert byline_credit(name) == agencies


def test_agency_staff_writer_byline() -> None:
    assert byline_credit("Tom Krisher, Ap Auto Writer") == ("AP",)
    assert byline_credit("LISA MASCARO; ERIC TUCKER Associated Press") == ("AP",)
