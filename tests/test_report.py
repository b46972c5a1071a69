"""`dedup report` in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver (no browser download). Skipped where neither is installed, except in
CI, where .ci/run installs them and a missing browser is a failure.

``DEDUP_REPORT_SCREENSHOT=docs/report.png python -m pytest tests/test_report.py`` also
writes the screenshot the README shows.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cli import cli
from tests.conftest import SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
INJECTED = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds' report, with a copy of 001 whose title and URL try to run script."""
    root = tmp_path_factory.mktemp("report")
    pages = root / "pages"
    pages.mkdir()
    for page in SEEDS.glob("0*.txt"):
        shutil.copy(page, pages / page.name)
    body = (SEEDS / "001_049fdeccea105af2.txt").read_text(encoding="utf-8")
    record = {
        "id": "injected",
        "text": body,
        "title": INJECTED,
        "source": "<b>Evil</b> Times",
        "url": "javascript:alert(2)",
    }
    (pages / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = root / "r.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(pages), "--db", str(db)]).exit_code == 0
    out = root / "report.html"
    result = runner.invoke(cli, ["report", "--db", str(db), "-o", str(out), "--min-size", "1"])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.output and "3 stories" in result.output
    return out


def test_the_page_is_self_contained_and_escapes_what_articles_hold(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert INJECTED not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Evil</b>" not in page and 'href="javascript:' not in page
    assert "http://" not in page.replace("http(s)", "") and "https://" not in page  # no CDN, no fetch


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium and chromium-driver (.ci/run installs them)")
        pytest.skip("needs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def check_page(browser: Any, page: Path) -> int:
    """What every report must do in a browser: each story shows its canonical among its
    members, a side by side opens with both texts, no script runs. Returns the stories."""
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page.as_uri())
    # get() can hand back a large page before its parse ends on a loaded machine: wait
    # for the document and for every story the file holds (a broken page times out).
    rendered = page.read_text(encoding="utf-8").count('<section class="story"')
    WebDriverWait(browser, 60).until(
        lambda b: (
            b.execute_script("return document.readyState") == "complete"
            and len(b.find_elements(By.CSS_SELECTOR, "section.story")) >= rendered
        )
    )
    stories = browser.find_elements(By.CSS_SELECTOR, "section.story")
    for story in stories[:10]:
        canonical = story.find_element(By.CSS_SELECTOR, ".canonical-id").text
        rows = story.find_elements(By.CSS_SELECTOR, "tr.member")
        assert rows[0].get_attribute("data-id") == canonical
        if len(rows) > 1:
            rows[1].find_element(By.TAG_NAME, "summary").click()
            pair = rows[1].find_element(By.CSS_SELECTOR, ".pair")
            assert pair.is_displayed() and pair.find_element(By.CSS_SELECTOR, ".canonical-text").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - reading it asks the browser for a dialog
    return len(stories)


@pytest.mark.slow
def test_the_report_of_a_synthetic_feed_passes_the_page_checks(browser: Any, tmp_path: Path) -> None:
    from benchmarks.feed import write_feed

    files, _ = write_feed(tmp_path / "feed", 2000, layout="jsonl")
    db, out = tmp_path / "feed.db", tmp_path / "feed.html"
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(files.articles), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["report", "--db", str(db), "-o", str(out), "--limit", "20"])
    assert result.exit_code == 0 and "20 stories" in result.output and "left out" in result.output
    assert check_page(browser, out) == 20


@pytest.mark.skipif(not os.environ.get("DEDUP_REPORT_PAGE"), reason="set DEDUP_REPORT_PAGE to a report")
def test_a_given_report_passes_the_page_checks(browser: Any) -> None:
    """``DEDUP_REPORT_PAGE=report.html pytest tests/test_report.py -k given``: any report."""
    assert check_page(browser, Path(os.environ["DEDUP_REPORT_PAGE"])) > 0


def test_the_seed_story_opens_side_by_side_and_scripts_stay_inert(browser: Any, report: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    assert check_page(browser, report) == 3
    browser.get(report.as_uri())
    stories = browser.find_elements(By.CSS_SELECTOR, "section.story")
    seed = next(s for s in stories if "003_56cc465d1d7b337e.txt" in s.text)
    assert seed.find_element(By.CSS_SELECTOR, ".canonical-id").text == "003_56cc465d1d7b337e.txt"
    members = [row.get_attribute("data-id") for row in seed.find_elements(By.CSS_SELECTOR, "tr.member")]
    seeds = {"001_049fdeccea105af2.txt", "003_56cc465d1d7b337e.txt", "004_88897482dd4b4aba.txt"}
    assert seeds <= set(members)
    assert "injected" in members  # the copy of 001 is in the story, its title shown as text
    assert INJECTED in seed.text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - reading it asks the browser for a dialog
    # Open a side by side: the member's text, the canonical's beside it, shared words marked.
    row = next(
        r
        for r in seed.find_elements(By.CSS_SELECTOR, "tr.member")
        if r.get_attribute("data-id") == "injected"
    )
    row.find_element(By.TAG_NAME, "summary").click()
    pair = row.find_element(By.CSS_SELECTOR, ".pair")
    assert pair.is_displayed()
    assert len(pair.find_element(By.CSS_SELECTOR, ".canonical-text").text) > 200
    # The filter box hides the stories it doesn't match.
    box = browser.find_element(By.ID, "filter")
    box.send_keys("004_88897482")
    visible = [s for s in browser.find_elements(By.CSS_SELECTOR, "section.story") if s.is_displayed()]
    assert len(visible) == 1 and "003_56cc465d1d7b337e.txt" in visible[0].text
    box.clear()
    box.send_keys(" ")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018
    target = os.environ.get("DEDUP_REPORT_SCREENSHOT")
    shot = Path(target) if target else report.with_suffix(".png")  # a test artefact
    browser.find_element(By.ID, "filter").clear()
    browser.execute_script("document.querySelector('#filter').dispatchEvent(new Event('input'))")
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


@given(st.lists(st.text(max_size=40), max_size=6))
@settings(max_examples=200, deadline=None)
def test_the_words_marked_are_read_as_indexing_reads_them(paragraphs: list[str]) -> None:
    from dedup.copies.normalise import normalise, words
    from dedup.report.build import tokens_by_word

    body = "\n".join(paragraphs)
    raw, _, tokens, owner = tokens_by_word(body)
    assert tokens == words(normalise(body))
    assert all(0 <= k < len(raw) for k in owner)


def test_the_words_of_the_seeds_are_read_as_indexing_reads_them(seed_bodies: dict[str, str]) -> None:
    from dedup.copies.normalise import normalise, words
    from dedup.report.build import tokens_by_word

    for body in seed_bodies.values():
        assert tokens_by_word(body)[2] == words(normalise(body))
