"""Lines that are never a headline (dedup.extract.headline), and real headlines that pass."""

from __future__ import annotations

import pytest

from dedup.extract.headline import byline_shaped, not_a_headline


@pytest.mark.parametrize(
    "line",
    [
        "Continue reading the main story",
        "chevron_left Browse All Posts",
        "you are here: HomeNewsBusinessMarkets",
        "Settings Log out",
        "These are external links and will open in a new window",
        "Share this on WhatsApp",
        "BLOG > Weight Loss > Weight Loss Tips",
        "6. Skimming device found at Eagan Kwik Trip",
        "* 2015 Global Priorities Project write-up, with flowchart",
        "Sarah E. Needleman",
        "Kevin Johnson and Kevin McCoy USA TODAY",
        "Bruce Y. Lee Senior Contributor",
        "Practical Horseman Editorial Staff",
        "Detroit News wire services",
    ],
)
def test_furniture_lists_and_bylines_are_not_headlines(line: str) -> None:
    assert not_a_headline(line)


@pytest.mark.parametrize(
    "line",
    [
        "Sweden drops Assange rape investigation",
        "Share prices fall as oil slides",  # a furniture word, not a furniture phrase
        "4 Things to Do in October",
        "The Doobie Brothers Unite With Michael McDonald for 50th Anniversary Tour",
        "Joe Biden and Kamala Harris Campaign in Ohio",
        "Opinion|Republicans Are Following Trump to Nowhere",
        "Anthony Lynn: “We needed to win this game”",
        "Michigan Officials: 6th Fatality Linked To Eastern Equine Encephalitis Reported",
        "Скайрим (skyrim) скорость бега как увеличить",
        "商品の改造が商標法違反に！？",
        "U.S. Senate passes the bill",
    ],
)
def test_real_headlines_pass(line: str) -> None:
    assert not not_a_headline(line)


def test_a_byline_needs_an_initial_or_a_role() -> None:
    assert not byline_shaped("Michael McDonald")  # a name alone may be a headline's subject
    assert byline_shaped("Michael J. McDonald")
    assert not byline_shaped("Staff")  # one word says too little
