"""Index pages are written as HTML and rendered without Markdown (generator/prerendered.py):
their links become page URLs and are checked as MkDocs checks a Markdown page's links,
their anchors are validated, their headings make the table of contents, and the page is
the same as the one Markdown makes of the same content."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CONFIG = """site_name: Test
theme:
  name: material
  custom_dir: overrides
  font: false
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
nav:
  - Home: index.md
not_in_nav: |
  /*.md
validation:
  links:
    not_found: warn
    anchors: warn
plugins:
  - archive:
      generate: never
"""

HEAD = '<h2 id="quotations">Quotations<a class="headerlink" href="#quotations" title="Permanent link">&para;</a></h2>'


def page(title: str, body: str, html: bool = True) -> str:
    return f'---\ntitle: "{title}"\n' + ("archive_html: true\n" if html else "") + f"---\n\n{body}\n"


def build(tmp_path: Path, docs: dict[str, str]) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    shutil.copytree(ROOT / "overrides", project / "overrides")
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (project / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    for name, text in docs.items():
        path = project / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )


def content(tmp_path: Path, url: str) -> str:
    text = (tmp_path / "project" / "site" / url / "index.html").read_text(encoding="utf-8")
    return text[text.index('<article class="md-content__inner md-typeset">') : text.index("</article>")]


def test_links_become_urls_and_headings_the_table_of_contents(tmp_path):
    result = build(tmp_path, {
        "people/ana.md": page("Ana", HEAD + '\n<p><a href="../places/lisbon.md#facts">Lisbon</a> <a href="#quotations">up</a> '
                                     '<a href="../places/lisbon.md?q=a&amp;b=c">q</a> <a href="https://example.org/x.md">out</a></p>'),
        "places/lisbon.md": page("Lisbon", '<h2 id="facts">Facts<a class="headerlink" href="#facts" title="Permanent link">&para;</a></h2>'),
    })
    assert result.returncode == 0, result.stderr
    ana = content(tmp_path, "people/ana")
    assert '<a href="../../places/lisbon/#facts">Lisbon</a>' in ana and '<a href="#quotations">up</a>' in ana
    assert '<a href="../../places/lisbon/?q=a&amp;b=c">q</a>' in ana and '<a href="https://example.org/x.md">out</a>' in ana
    html = (tmp_path / "project" / "site" / "people" / "ana" / "index.html").read_text(encoding="utf-8")
    toc = html[html.index('<nav class="md-nav md-nav--secondary"') :]
    assert re.search(r'<a href="#quotations" class="md-nav__link">\s*<span class="md-ellipsis">\s*Quotations', toc)


def test_a_link_to_a_missing_page_fails_the_strict_build(tmp_path):
    result = build(tmp_path, {"people/ana.md": page("Ana", '<p><a href="../places/nowhere.md">Nowhere</a></p>')})
    assert result.returncode != 0
    assert "people/ana.md' contains a link '../places/nowhere.md', but the target 'places/nowhere.md' is not found" in result.stderr


def test_a_link_to_a_missing_anchor_fails_the_strict_build(tmp_path):
    result = build(tmp_path, {
        "people/ana.md": page("Ana", '<p><a href="../places/lisbon.md#nothing">Lisbon</a> <a href="#gone">x</a></p>'),
        "places/lisbon.md": page("Lisbon", "<p>Lisbon</p>"),
    })
    assert result.returncode != 0
    assert "does not contain an anchor '#nothing'" in result.stderr
    assert "contains a link '#gone', but there is no such anchor on this page" in result.stderr


def test_the_page_is_the_one_markdown_makes_of_the_same_content(tmp_path):
    markdown = "## Quotations\n\n- 2020-01-02: [Ana & “Bo”](../places/lisbon.md) — said\n- two"
    html = HEAD + '\n<ul>\n<li>2020-01-02: <a href="../places/lisbon.md">Ana &amp; “Bo”</a> — said</li>\n<li>two</li>\n</ul>'
    result = build(tmp_path, {
        "people/md.md": page("Ana", markdown, html=False),
        "people/html.md": page("Ana", html),
        "places/lisbon.md": page("Lisbon", "<p>Lisbon</p>"),
    })
    assert result.returncode == 0, result.stderr
    assert content(tmp_path, "people/md") == content(tmp_path, "people/html")
    assert 'href="../../places/lisbon/"' in content(tmp_path, "people/html")
