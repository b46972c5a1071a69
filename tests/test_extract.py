"""Extraction on the seeds (flattened pages) and on a hand-made HTML page."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from dedup.article import Article
from dedup.extract import Extracted, Extractor
from dedup.extract.outlet import channel_outlet, dateline_outlet

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
LABELS: dict[str, Any] = json.loads((SEEDS / "body_labels.json").read_text(encoding="utf-8"))
EXPECTED: dict[str, Any] = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
NAMES = sorted(LABELS)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _seed(name: str, **fields: Any) -> Article:
    return Article(id=name, text=(SEEDS / name).read_text(encoding="utf-8"), **fields)


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extracted]:
    extractor = Extractor()
    return {name: extractor.extract(_seed(name)) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_seed_keeps_every_body_line(extracted: dict[str, Extracted], name: str) -> None:
    x = extracted[name]
    body = [_norm(b) for b in x.body.splitlines()]
    for line in (_norm(b) for b in LABELS[name]["body"]):
        # The first line may have lost its dateline prefix: the rest must be there, whole.
        assert any(b and line.endswith(b) and len(b) > 0.5 * len(line) for b in body), line
    assert len(body) == len(LABELS[name]["body"])


@pytest.mark.parametrize("name", NAMES)
def test_seed_body_has_no_boilerplate(extracted: dict[str, Extracted], name: str) -> None:
    body = [_norm(b) for b in extracted[name].body.splitlines()]
    labelled_body = [_norm(b) for b in LABELS[name]["body"]]
    for line in body:
        assert any(line in b for b in labelled_body), f"not article text: {line!r}"
    page = (SEEDS / name).read_text(encoding="utf-8")
    for furniture in (
        "Recent Stories",
        "Related Topics",
        "More Stories From",
        "Share on Facebook",
        "Explore",
        "Comments",
        "Next Post",
        "© 2023 THE WORLD MONITOR",
        "Open Menu",
    ):
        if furniture in page:
            assert not any(furniture in b for b in body), furniture
    for role, lines in LABELS[name].items():
        if role in ("caption", "dek", "inline_related", "attribution", "byline", "byline_date", "date"):
            for line in lines:
                assert _norm(line) not in body, (role, line)


@pytest.mark.parametrize("name", NAMES)
def test_seed_title_is_the_headline(extracted: dict[str, Extracted], name: str) -> None:
    title = extracted[name].title
    assert title is not None
    assert _norm(title) in {_norm(t) for t in LABELS[name]["title"]}


@pytest.mark.parametrize("name", NAMES)
def test_seed_publication_date(extracted: dict[str, Extracted], name: str) -> None:
    expected = EXPECTED["published"][name]
    published = extracted[name].published
    if expected is None:  # 004: "2 months ago" and no reference time
        assert published is None
    else:
        assert published is not None
        assert published[:10] == expected


def test_crawl_day_header_is_not_the_publication_date(extracted: dict[str, Extracted]) -> None:
    # Seed 000 shows the crawl day "Thursday, September 11, 2025" above a 2023 article.
    name = "000_67a82daef0a26632.txt"
    assert "September 11, 2025" in (SEEDS / name).read_text(encoding="utf-8")
    assert extracted[name].published == "2023-09-11"


def test_time_of_day_is_kept_when_the_page_gives_it(extracted: dict[str, Extracted]) -> None:
    assert extracted["003_56cc465d1d7b337e.txt"].published == "2024-09-13T14:00:00"
    assert extracted["002_fd991710471ddbba.txt"].published == "2023-07-27T10:10:00"


def test_relative_date_needs_a_reference_time() -> None:
    name = "004_88897482dd4b4aba.txt"
    assert Extractor().extract(_seed(name)).published is None
    x = Extractor().extract(_seed(name, crawled_at="2024-11-15T08:00:00Z"))
    assert x.published == "2024-09-15"


@pytest.mark.parametrize(
    ("name", "agencies"),
    [
        ("000_67a82daef0a26632.txt", ()),
        ("001_049fdeccea105af2.txt", ("AA",)),  # "SOURCE:AA"; the caption's "Photo: Reuters" is not
        ("002_fd991710471ddbba.txt", ()),  # "KCNA said" quotes an agency, credits none
        ("003_56cc465d1d7b337e.txt", ("APP",)),  # "Moscow, (APP - UrduPoint ...)"; AFP not named
        ("004_88897482dd4b4aba.txt", ("agencies",)),  # "By Staff, Agencies"
    ],
)
def test_seed_attribution(extracted: dict[str, Extracted], name: str, agencies: tuple[str, ...]) -> None:
    assert extracted[name].attribution == agencies


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("000_67a82daef0a26632.txt", "The World Monitor"),  # "© 2023 THE WORLD MONITOR"
        ("001_049fdeccea105af2.txt", None),  # the page never names TRT World
        ("002_fd991710471ddbba.txt", "UrduPoint"),  # "Seoul, (UrduPoint / Pakistan Point News - ..."
        ("003_56cc465d1d7b337e.txt", "UrduPoint"),  # "(APP - UrduPoint / ...)": APP is the agency
        ("004_88897482dd4b4aba.txt", "Al-Ahed"),  # "Al-Ahed Telegram"
    ],
)
def test_seed_outlet(extracted: dict[str, Extracted], name: str, outlet: str | None) -> None:
    assert extracted[name].source == outlet


@pytest.mark.parametrize(
    ("lines", "outlet"),
    [
        (["Follow The Daily Star on Twitter", "Body."], "The Daily Star"),
        (["Dawn on Facebook", "Body."], "Dawn"),
        (["Follow us on Twitter", "Share on Facebook", "Body."], None),
        (["Reuters on Twitter", "Body."], None),  # an agency is not the outlet
        (["Follow Dawn on X", "Body."], "Dawn"),
        (["Malcolm X", "Body."], None),  # a name, not a channel link
    ],
)
def test_outlet_from_channel_links(lines: list[str], outlet: str | None) -> None:
    assert channel_outlet(lines, range(len(lines) - 1, len(lines))) == outlet


@pytest.mark.parametrize(
    ("dateline", "outlet"),
    [
        ("Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024)", "UrduPoint"),
        ("ANKARA (AA) -", None),
        ("LONDON (Reuters) -", None),
        ("WASHINGTON —", None),
        (None, None),
    ],
)
def test_outlet_from_dateline(dateline: str | None, outlet: str | None) -> None:
    assert dateline_outlet(dateline) == outlet


def test_a_quote_introduced_with_said_colon_is_not_a_comment_header() -> None:
    lead = (
        "Turkmenistan voted on Sunday in a parliamentary election meant to show that the "
        "nation was shedding its past, officials said."
    )
    text = "\n".join(
        [
            "Turkmenistan votes",
            lead,
            "Authorities said turnout reached 93.87 percent in the election for 288 candidates.",
            "Pensioner Bayram-aga, a voter in Ashgabat, said:",
            '"I remember the elections from the Soviet days. People were very active then."',
            "Western observers say nothing has changed, despite promises of openness by the president.",
        ]
    )
    body = Extractor(learn=False).extract(Article(id="a", text=text, title="Turkmenistan votes")).body
    assert body.startswith(lead)
    assert "Western observers" in body


def test_copies_of_one_wire_text_without_urls_keep_their_shared_sentences() -> None:
    # Pages without a URL are grouped into a site by the lines they share, and copies of
    # one wire story share their sentences: those must not become that site's template.
    story = [
        "The storm hit the coast early on Sunday morning, officials said.",
        "Charles electrified a sparse crowd on the first play.",
        "Pagano is expected to rejoin the team this week.",
        "Luck threw for 205 yards and a late touchdown pass to Wayne.",
        "Notes: two players left the game with injuries.",
    ]
    credits = ["Associated Press", "AP Sports Writer", "Copyright 2012 The Associated Press"]
    extractor = Extractor()
    own = (
        "Our correspondent number {k} adds that the local council met on Monday evening to "
        "discuss the damage and agreed to meet again next week."
    )
    bodies = [
        extractor.extract(
            Article(
                id=str(k),
                text="\n".join(
                    [
                        f"Outlet {k} menu",
                        "Colts clinch a playoff spot",
                        *credits[:2],
                        own.format(k=k),
                        *story,
                        credits[2],
                    ]
                ),
            )
        ).body
        for k in range(6)
    ]
    for body in bodies:
        assert all(line in body for line in story)


def test_dateline_and_byline_leave_the_body(extracted: dict[str, Extracted]) -> None:
    x = extracted["003_56cc465d1d7b337e.txt"]
    assert x.dateline == "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024)"
    assert x.body.startswith("The head of Russia's Security Council")
    assert x.byline == "Faizan Hashmi"
    y = extracted["002_fd991710471ddbba.txt"]
    assert y.dateline is not None and y.dateline.startswith("Seoul, (UrduPoint")
    assert y.body.startswith("Kim Jong Un met the Russian defence minister")
    z = extracted["004_88897482dd4b4aba.txt"]
    assert z.byline == "Staff, Agencies"
    assert "By Staff" not in z.body


def test_same_template_pages_no_longer_look_alike(extracted: dict[str, Extracted]) -> None:
    # 002 and 003 share UrduPoint's template: their bodies share no line.
    a = set(extracted["002_fd991710471ddbba.txt"].body.splitlines())
    b = set(extracted["003_56cc465d1d7b337e.txt"].body.splitlines())
    assert a and b
    assert not a & b


def test_result_does_not_depend_on_arrival_order() -> None:
    forward, backward = Extractor(), Extractor()
    ahead = {name: forward.extract(_seed(name)) for name in NAMES}
    behind = {name: backward.extract(_seed(name)) for name in reversed(NAMES)}
    assert ahead == behind


def test_given_fields_win_over_extracted_ones() -> None:
    x = Extractor().extract(
        _seed(
            "001_049fdeccea105af2.txt",
            title="Given title",
            published="2024-09-14",
            source="TRT World",
            url="https://www.trtworld.com/asia/x",
        )
    )
    assert (x.title, x.published, x.source) == ("Given title", "2024-09-14", "TRT World")
    y = Extractor().extract(_seed("001_049fdeccea105af2.txt", url="https://www.trtworld.com/asia/x"))
    assert y.source == "trtworld.com"


def test_extractor_pickles_with_its_memory() -> None:
    extractor = Extractor()
    for name in NAMES[:3]:
        extractor.extract(_seed(name))
    clone = pickle.loads(pickle.dumps(extractor))
    assert clone.templates is not None and extractor.templates is not None
    assert clone.templates.entries() == extractor.templates.entries()
    for name in NAMES:
        assert clone.extract(_seed(name)) == extractor.extract(_seed(name))


def test_empty_and_plain_text() -> None:
    extractor = Extractor()
    assert extractor.extract(Article(id="e", text="  \n ")).body == ""
    plain = (
        "The council met on Tuesday and approved the budget after a long debate.\n"
        "Members said the new plan would fund two schools and a clinic next year."
    )
    x = extractor.extract(Article(id="p", text=plain))
    assert x.body == plain
    assert x.method in ("flat", "as-given")


HTML_PAGE = """<!doctype html>
<html><head>
<title>Floods close the old bridge in Riverton | The Valley Courier</title>
<meta property="og:site_name" content="The Valley Courier">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/contact">Contact us</a></li></ul></nav>
<article>
<h1>Floods close the old bridge in Riverton</h1>
<p class="byline">By Jane Miller</p>
<p>RIVERTON (Reuters) - The old stone bridge over the Lenne river was closed on Tuesday after
three days of heavy rain raised the water to its highest level in forty years, the town council
said in a statement.</p>
<p>Engineers will inspect the arches once the water falls, which the weather service expects by the
end of the week. Until then, traffic is diverted through the northern ring road, adding about twenty
minutes to the journey into the town centre.</p>
<p>Shop owners on the riverside said they had moved their stock to upper floors as a precaution, and
volunteers filled sandbags at the fire station through the night.</p>
</article>
<aside><h3>Related stories</h3><ul><li><a href="/a">Council approves new budget</a></li>
<li><a href="/b">School reopens after repairs</a></li></ul></aside>
<footer><p>© 2024 The Valley Courier. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def test_html_page_through_trafilatura() -> None:
    x = Extractor().extract(
        Article(id="h", html=HTML_PAGE, url="https://www.valleycourier.example/news/floods")
    )
    assert x.method == "trafilatura"
    assert x.title == "Floods close the old bridge in Riverton"
    assert x.published == "2024-03-05T09:30:00+01:00"
    assert x.source == "The Valley Courier"
    assert x.attribution == ("Reuters",)
    assert x.dateline == "RIVERTON (Reuters)"
    assert x.body.startswith("The old stone bridge over the Lenne river was closed on Tuesday")
    assert "volunteers filled sandbags" in x.body
    for furniture in ("Contact us", "Related stories", "Council approves new budget", "All rights reserved"):
        assert furniture not in x.body


def test_html_without_text_gives_an_empty_body() -> None:
    x = Extractor().extract(Article(id="s", html="<html><body><script>var x = 1;</script></body></html>"))
    assert x.body == ""
    assert x.method == "as-given"


def test_visible_text_flattens_like_a_crawler() -> None:
    from dedup.extract.html import visible_text

    text = visible_text(
        "<html><head><title>T</title><style>p{}</style></head><body><nav><ul>"
        "<li>Home</li><li>World</li></ul></nav><h1>Big news</h1><p>One &amp; two.</p>"
        "</body></html>"
    )
    assert text.splitlines() == ["• Home", "• World", "Big news", "One & two."]
