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


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    seeds = tmp / "seeds"
    shutil.copytree(SEEDS, seeds)
    shutil.copy(FIXTURES / "html_page.html", seeds / "html_page.html")
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    site = build_site(tmp, seeds)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *args: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
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
