"""Article pages are written as HTML (generator/article_html.py): the HTML is what
Python-Markdown, with the site's own Markdown extensions, makes of the Markdown the
writer makes, on real, synthetic and generated articles; a site built from it is the
site built from the Markdown, page for page."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
from hypothesis import given
from mkdocs.config import load_config

from generator.article_html import body_html
from generator.write import front_matter, render_body
from tests.conftest import ROOT, run_build
from tests.test_build import build_site
from tests.test_properties import FAST, PAGES, _article

# The writer's escapes that Python-Markdown does not count as escapes, and so prints
# (a paragraph that begins "=" or "~"): the HTML has the seed's character instead.
_NOT_MARKDOWN_ESCAPES = re.compile(r"\\([=~])")


@lru_cache(maxsize=1)
def _site_markdown() -> markdown.Markdown:
    """Python-Markdown as the project's mkdocs.yml sets it up."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def python_markdown(body: str) -> str:
    md = _site_markdown()
    md.reset()
    return _NOT_MARKDOWN_ESCAPES.sub(r"\1", md.convert(body))


def _bodies(docs) -> dict[str, str]:
    out = {}
    for path in sorted((docs / "articles").glob("*.md")):
        if path.name != "index.md" and not re.fullmatch(r"page-\d+\.md", path.name):
            text = path.read_text(encoding="utf-8")
            out[path.name] = text[text.index("\n---\n", 4) + 5 :]
    return out


def test_article_html_is_what_python_markdown_makes_of_the_markdown_on_1000_articles(bbc_project, tmp_path):
    """The 1,000-article archive, written again with Markdown bodies (from the same
    extraction cache): every article's HTML is Python-Markdown's HTML of its Markdown."""
    run_build(tmp_path, bbc_project.parent / "seeds", cache=bbc_project / "cache", markdown_bodies=True)
    written = _bodies(bbc_project / "docs")
    as_markdown = _bodies(tmp_path / "docs")
    assert len(written) >= 990 and written.keys() == as_markdown.keys()
    differ = [name for name, body in as_markdown.items() if body_html(body) != python_markdown(body)]
    assert not differ, differ[:5]
    # and the pages hold that HTML (links still as page paths: MkDocs resolves them)
    assert all(written[name].strip() == body_html(body) for name, body in as_markdown.items())
    assert sum('<a href="../speakers/' in body for body in written.values()) > 500


@FAST
@given(PAGES)
def test_article_html_is_what_python_markdown_makes_of_any_text(text):
    article = _article(text)
    if article is None:
        return
    body = render_body(article, front_matter(article))
    assert body_html(body) == python_markdown(body)


def test_a_paragraph_that_begins_with_a_heading_underline_or_a_fence_shows_as_written():
    body = "\\= equals first\n\n\\~~~ tildes first\n"
    assert body_html(body) == "<p>= equals first</p>\n<p>~~~ tildes first</p>"


def test_switching_the_form_of_the_bodies_writes_the_pages_again(tmp_path, seed_copy):
    for markdown_bodies, marked in ((False, True), (True, False), (False, True)):
        report = run_build(tmp_path, seed_copy, markdown_bodies=markdown_bodies)
        pages = [p for p in sorted((tmp_path / "docs" / "articles").glob("*.md")) if p.name != "index.md"]
        assert len(pages) == report.articles >= 5
        assert all(("\narchive_html: true\n" in p.read_text(encoding="utf-8")) is marked for p in pages)


def _article_pages(site) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted((site / "articles").glob("*/index.html"))}


def test_the_site_built_from_html_bodies_is_the_site_built_from_markdown_bodies(tmp_path, seed_copy):
    (tmp_path / "html").mkdir()
    (tmp_path / "markdown").mkdir()
    from_html = build_site(tmp_path / "html", seed_copy)
    from_markdown = build_site(
        tmp_path / "markdown", seed_copy, markdown_bodies=True,
        config=lambda text: text.replace("  - archive\n", "  - archive:\n      markdown_bodies: true\n"),
    )
    pages = _article_pages(from_html)
    assert len(pages) >= 5
    assert b"archive_html" not in b"".join(pages.values())
    assert pages == _article_pages(from_markdown)
    assert "\narchive_html: true\n" not in next((tmp_path / "markdown" / "project" / "docs" / "articles").glob("*.md")).read_text()
