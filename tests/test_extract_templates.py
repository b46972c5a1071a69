"""The per-site template memory: learns a site's furniture, never across sites, stays bounded."""

from __future__ import annotations

import pickle
import random

from dedup.article import Article
from dedup.extract import Extractor, TemplateStore
from dedup.extract.templates import line_key

# A sentence-shaped line a site prints under every article: the line model alone keeps it.
PLEDGE = "Our newsroom relies on readers like you, so please consider supporting our reporting today."


def _page(story: int, rng: random.Random) -> str:
    words = [
        "council",
        "river",
        "bridge",
        "budget",
        "school",
        "harbour",
        "station",
        "market",
        "engineers",
        "residents",
    ]
    paragraphs = [
        " ".join(rng.choice(words) for _ in range(18)).capitalize() + f" in week {story} of the year."
        for _ in range(4)
    ]
    return "\n".join(
        [
            "Home",
            "News",
            f"Story number {story} about the town",
            *paragraphs,
            PLEDGE,
            "Related stories",
            "Contact us",
        ]
    )


def test_template_line_is_learnt_per_site() -> None:
    rng = random.Random(7)
    extractor = Extractor()
    first = extractor.extract(Article(id="a1", text=_page(1, rng), url="https://one.example/a1"))
    assert PLEDGE in first.body  # the first page of a site gets the line model only
    later = [
        extractor.extract(Article(id=f"a{k}", text=_page(k, rng), url=f"https://one.example/a{k}"))
        for k in range(2, 5)
    ]
    assert all(PLEDGE not in x.body for x in later)
    assert all(len(x.body.splitlines()) == 4 for x in later)
    # Another site carrying the same line: its own first page, nothing learnt from site one.
    other = extractor.extract(Article(id="b1", text=_page(9, rng), url="https://two.example/b1"))
    assert PLEDGE in other.body


def test_wire_text_repeated_across_sites_is_kept() -> None:
    rng = random.Random(11)
    wire = _page(3, rng)
    extractor = Extractor()
    bodies = [
        extractor.extract(Article(id=f"s{k}", text=wire, url=f"https://site{k}.example/story")).body
        for k in range(10)
    ]
    assert len(set(bodies)) == 1
    assert len(bodies[0].splitlines()) == 5


def test_pages_without_url_are_grouped_by_shared_template() -> None:
    store = TemplateStore()
    furniture = [line_key(f"Menu item {chr(97 + k)}") for k in range(20)]  # (digits are ignored)
    site = store.site_for(None, furniture)
    store.learn(site, furniture)
    assert store.site_for(None, [*furniture[:15], line_key("other")]) == site
    assert store.site_for(None, [line_key(f"unrelated {chr(97 + k)}") for k in range(20)]) != site


def test_memory_is_bounded() -> None:
    store = TemplateStore(max_sites=8, max_lines=64)
    rng = random.Random(3)
    for _page in range(400):
        site = f"site{rng.randrange(30)}.example"
        keys = [line_key(f"template line {chr(97 + k)}") for k in range(10)]
        keys += [rng.getrandbits(64) for _ in range(40)]  # article lines, new on every page
        store.learn(site, keys)
        assert len(store) <= 8
        assert store.entries() <= 8 * 64
    clone = pickle.loads(pickle.dumps(store))
    assert clone.entries() == store.entries()
    # Frequent lines survive the pruning: the template is still known.
    name = next(iter(clone._sites))
    flags = clone.template_flags(name, [line_key("template line b"), 12345], [False, False])
    assert flags == [True, False]


def test_line_keys_ignore_case_and_small_numbers() -> None:
    assert line_key("5 hours ago") == line_key("17 Hours ago")
    assert line_key("Related Topics") == line_key("related topics")
    assert line_key("Related Topics") != line_key("Recent Stories")
