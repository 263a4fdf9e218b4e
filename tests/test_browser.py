"""The built site in Debian's Chromium, driven by Playwright, as a reader would use it.
Screenshots are saved in tests/artifacts/ for a person to look at."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SEEDS
from tests.http_range import RangeHandler
from tests.test_build import build_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
HOSTILE = (
    "Evil </title><script>alert('title')</script> headline\n\n"
    "Body <img src=x onerror=\"alert('img')\"> and <script>alert('body')</script> text with more words.\n\n"
    "[click](javascript:alert('link')) and {: onclick=alert('attr') } and more prose sentences follow.\n"
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (make test installs it)",
)


def _serve_site(tmp, config=lambda text: text, handler_class=RangeHandler):
    seeds = tmp / "seeds"
    shutil.copytree(SEEDS, seeds)
    shutil.copy(FIXTURES / "html_page.html", seeds / "html_page.html")
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    site = build_site(tmp, seeds, config)
    # The server's root is the folder above the site: pages are served from a sub-path,
    # /site/, as on a project page of a static host.
    # RangeHandler answers range requests, as static hosts do; the instant-navigation
    # site below is served by Python's plain handler, which ignores them.
    handler = functools.partial(handler_class, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/site/"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    server, url = _serve_site(tmp_path_factory.mktemp("browser"))
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def instant_site_url(tmp_path_factory):
    """The same site with Material's instant navigation switched on, from a server that
    ignores range requests (search texts then come from whole files)."""
    server, url = _serve_site(
        tmp_path_factory.mktemp("instant"),
        lambda text: text.replace("    - navigation.top\n", "    - navigation.top\n    - navigation.instant\n"),
        http.server.SimpleHTTPRequestHandler,
    )
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "run `make test`, which installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def test_journey_home_speakers_speaker_quote_article_place_and_back(page, site_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(site_url)
    assert page.locator("h1").first.inner_text().rstrip("¶") == "News Statement Archive"
    home = page.locator("article").inner_text()
    assert "7 articles" in home and "Articles per month" in home
    assert page.locator("svg[role=img]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.get_by_role("link", name="speakers", exact=True).first.click()
    page.wait_for_url("**/speakers/")
    assert "Bouthaina Shaaban" in page.locator("article").inner_text()
    page.get_by_role("link", name="Bouthaina Shaaban").click()
    page.wait_for_url("**/speakers/bouthaina-shaaban/")
    speaker = page.locator("article").inner_text()
    assert "senior adviser to Syrian President Bashar al-Assad" in speaker
    assert "It would be very strange" in speaker and "2 quotation(s)" in speaker
    page.screenshot(path=str(ARTIFACTS / "speaker.png"), full_page=True)

    page.get_by_role("link", name="Syria militants preparing for raid in Aleppo: Russia").first.click()
    page.wait_for_url("**/syria-militants-preparing-for-raid-in-aleppo-russia/")
    assert page.locator("h1").first.inner_text() == "Syria militants preparing for raid in Aleppo: Russia"
    panel = page.get_by_label("Article metadata")
    text = panel.inner_text()
    for expected in ("2016-09-19", "GlobalSecurity.org", "Press TV", "Bouthaina Shaaban", "Staffan de Mistura", "seeds/003_c1fcc0406326b570.txt"):
        assert expected in text
    assert "Join the GlobalSecurity.org mailing list" not in page.locator("article").inner_text()
    assert page.locator(".archive-attribution").count() >= 5
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)

    panel.get_by_role("link", name="Geneva").click()
    page.wait_for_url("**/places/geneva/")
    place = page.locator("article").inner_text()
    assert "Coordinates: 46.2022, 6.1457" in place and "Syria militants preparing" in place
    page.screenshot(path=str(ARTIFACTS / "place.png"), full_page=True)
    page.go_back()
    page.wait_for_url("**/syria-militants-preparing-for-raid-in-aleppo-russia/")
    assert page.dialogs == []


def test_hostile_seed_runs_no_script(page, site_url):
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto(site_url + "articles/")
    link = page.locator("a", has_text="Evil")
    href = link.get_attribute("href")
    page.goto(site_url + "articles/" + href)
    page.wait_for_load_state("networkidle")
    assert page.dialogs == []
    assert "<script>" in page.locator("h1").first.inner_text()
    injected = page.evaluate(
        """() => [...document.querySelectorAll('article *')].filter(el =>
               [...el.attributes].some(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))).length"""
    )
    assert injected == 0
    assert page.title().startswith("Evil </title><script>")
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
    assert not [e for e in console_errors if "alert" in e]


@pytest.mark.parametrize("path", ["", "articles/", "timeline/", "timeline/undated/", "outlets/"])
def test_hostile_titles_in_index_pages_run_no_script(page, site_url, path):
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    assert page.dialogs == []
    injected = page.evaluate(
        """() => [...document.querySelectorAll('article *')].filter(el =>
               el.tagName === 'SCRIPT' || el.tagName === 'IMG' || el.tagName === 'IFRAME' ||
               [...el.attributes].some(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))).length"""
    )
    assert injected == 0
    if path in ("", "articles/", "timeline/undated/"):
        assert "</title><script>" in page.locator("article").inner_text()


INJECTED = """() => [...document.querySelectorAll('body *')].filter(el =>
    el.tagName === 'IFRAME' || (el.tagName === 'IMG' && el.closest('.archive-suggest, #archive-search-page')) ||
    [...el.attributes].some(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))).length"""


def _text_responses(page) -> list[tuple[str, int]]:
    """(file, status) of the responses carrying search result texts (d/N.bin), as they come."""
    seen: list[tuple[str, int]] = []
    page.on("response", lambda r: seen.append((r.url.split("?")[0], r.status)) if "/search/d/" in r.url and ".bin" in r.url else None)
    return seen


def test_header_search_shows_results_as_you_type(page, site_url):
    texts = _text_responses(page)
    page.goto(site_url + "places/")
    box = page.locator("#archive-q")
    box.press_sequentially("negotiat*", delay=20)
    suggest = page.locator("#archive-suggest")
    suggest.locator("li").first.wait_for()
    assert "article" in suggest.locator(".archive-suggest__message").inner_text()
    marks = [m.lower() for m in suggest.locator("mark").all_inner_texts()]
    assert marks and all(m.startswith("negotiat") for m in marks)
    assert texts and {status for _, status in texts} == {206}  # each snippet's text came alone, by range
    page.screenshot(path=str(ARTIFACTS / "search-header.png"))
    box.fill("")
    box.press_sequentially('"unclosed', delay=20)
    page.wait_for_function("document.querySelector('#archive-suggest').innerText.includes('not closed')")
    box.fill("")
    box.press_sequentially("evil", delay=20)  # the hostile seed: its title is shown as text
    suggest.locator("li").first.wait_for()
    assert "<script>" in suggest.inner_text()
    assert page.evaluate(INJECTED) == 0 and page.dialogs == []


def test_search_page_phrase_field_date_facet_and_highlight(page, site_url):
    query = '"defense ministry" speaker:konashenkov'
    page.goto(site_url + "search/")
    page.locator("#archive-search-q").press_sequentially(query, delay=10)
    page.locator("#archive-search-from").fill("2016-01-01")
    page.locator("#archive-search-until").fill("2016-06-30")
    page.get_by_role("button", name="Search").click()
    status = page.locator(".archive-search-status")
    page.wait_for_function("document.querySelector('.archive-search-status').innerText.includes('match')")
    assert status.inner_text() == "2 articles match."
    assert "from=2016-01-01" in page.url and "until=2016-06-30" in page.url and "q=%22defense" in page.url
    dates = page.locator(".archive-result__meta").all_inner_texts()
    assert all(d.startswith("2016-0") for d in dates)
    assert [m.lower() for m in page.locator(".archive-results mark").all_inner_texts()][:2] == ["defense", "ministry"]
    # A facet narrows the results and is recorded in the URL.
    outlet = page.locator(".archive-facet", has_text="Outlets").locator("button").first
    name = outlet.locator("span").first.inner_text()
    count = int(outlet.locator(".archive-facet__count").inner_text())
    outlet.click()
    page.wait_for_function(f"document.querySelector('.archive-search-status').innerText.startsWith('{count} article')")
    assert "outlet=" in page.url and page.locator(".archive-result").count() == count
    assert outlet.get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(ARTIFACTS / "search-page.png"), full_page=True)
    # The shared URL restores the same state.
    shared = page.url
    page.goto(shared)
    page.wait_for_function(f"document.querySelector('.archive-search-status').innerText.startsWith('{count} article')")
    assert page.locator("#archive-search-q").input_value() == query and name
    # The article opened from a result highlights the terms.
    page.locator(".archive-result a").first.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url
    marks = {m.lower() for m in page.locator("mark.archive-hit").all_inner_texts()}
    assert {"defense", "ministry"} <= marks
    assert page.dialogs == []


def test_search_page_sorts_by_date_and_explains_bad_queries(page, site_url):
    page.goto(site_url + "search/?q=aleppo&sort=date")
    page.wait_for_function("document.querySelector('.archive-search-status').innerText.includes('match')")
    dates = [d.split(" · ")[0] for d in page.locator(".archive-result__meta").all_inner_texts()]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)
    for bad, message in [("date:2016-13", "not a real date"), ("foo:bar", "unknown field"), ("(a OR b", "not closed")]:
        page.goto(site_url + "search/?q=" + bad.replace(" ", "+"))
        page.wait_for_function("document.querySelector('.archive-search-status').innerText.includes('cannot be run')")
        assert message in page.locator(".archive-search-status").inner_text()
    page.goto(site_url + "search/?q=evil")
    page.wait_for_function("document.querySelector('.archive-search-status').innerText.includes('match')")
    assert "<script>" in page.locator(".archive-results").inner_text()
    assert page.evaluate(INJECTED) == 0 and page.dialogs == []


def test_search_works_with_instant_navigation(page, instant_site_url):
    texts = _text_responses(page)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(instant_site_url)
    page.get_by_role("link", name="Search").first.click()  # an instant (XHR) navigation
    page.wait_for_url("**/search/")
    page.locator("#archive-search-q").press_sequentially("aleppo", delay=10)
    page.get_by_role("button", name="Search").click()
    page.wait_for_function("document.querySelector('.archive-search-status').innerText.includes('match')")
    page.locator("#archive-q").press_sequentially("ceasefire", delay=10)
    page.locator("#archive-suggest li").first.wait_for()
    # This server ignores ranges: whole texts files came (once each), and were sliced.
    assert "ceasefire" in page.locator("#archive-suggest mark").first.inner_text().lower()
    files = [file for file, status in texts if status == 200]
    assert files and len(files) == len(texts) == len(set(files))
    page.locator("#archive-suggest li a").first.click()
    page.wait_for_url("**/articles/**")
    page.locator("mark.archive-hit").first.wait_for()
    assert errors == [] and page.dialogs == []
