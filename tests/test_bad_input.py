"""The issue's list of bad and awkward input, all in one archive: every case is either
built correctly or reported by name with a reason, and everything else is still built
(and the strict MkDocs build of the result passes)."""

from __future__ import annotations

import re

import frontmatter

from tests.conftest import run_build
from tests.test_build import build_site

PROSE = "The council met on Monday and agreed the budget after a long debate, officials said.\n"

AWKWARD_NAMES = {
    "my seed (copy) #1 ?.txt": "Council agrees budget after a long debate",
    "ünïcode ñame – 東京.txt": "Tokyo council agrees budget at last",
    "a%20b&c=d;e.txt": "Ferry operators agree new timetable",
    "key: value.txt": "Hospital opens a new maternity ward",
    "-leading dash.txt": "Library extends its opening hours",
    "{braces}.txt": "Farmers protest against import quotas",
}

TRAPS = {
    "colon.txt": 'Minister: "we will not resign" # over budget --- row',
    "dash.txt": "- a headline that starts with a dash and goes on",
    "brace.txt": "{curly} headline that starts with a brace today",
    "dots.txt": "..",
    "empty_slug.txt": "!!! ??? ***",
    "long.txt": "Very long headline " + "with many many words " * 14,
    "page_two.txt": "Page 2",  # articles/page-2.md is the list of articles' second page
    "index_title.txt": "Index",
}


def test_awkward_input_is_built_or_reported_and_the_rest_is_built(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, title in AWKWARD_NAMES.items():
        (seeds / name).write_text(f"{title}\n\n{PROSE}", encoding="utf-8")
    for name, title in TRAPS.items():
        (seeds / name).write_text(f"{title}\n\n{PROSE}", encoding="utf-8")
    (seeds / "own_front_matter.txt").write_text(
        f"---\ntitle: Injected\nslug: ../../etc\n---\nRiver levels fall after a week of rain\n\n{PROSE}\n---\n\nMore text after a rule.\n",
        encoding="utf-8",
    )
    (seeds / "one_line.txt").write_text("Budget row goes on. " + "The talks went on and on, officials said. " * 25_000, encoding="utf-8")
    (seeds / "whitespace.txt").write_text("   \n\t\n  \n", encoding="utf-8")
    (seeds / "nul.txt").write_bytes(b"Headline\x00\x00 with NUL bytes\n\n" + PROSE.encode())
    (seeds / "archive.zip").write_bytes(b"PK\x03\x04" + bytes(200))
    with open(seeds / "huge.txt", "wb") as f:  # 50 MB
        f.truncate(50 * 1024 * 1024)
    report = run_build(tmp_path, seeds)

    assert set(report.errors) == {"whitespace.txt", "nul.txt", "archive.zip", "huge.txt"}, report.errors
    assert "50" in report.errors["huge.txt"] and "MB" in report.errors["huge.txt"]
    for name, message in report.errors.items():
        assert message.startswith(name), message
    built = {p.name: frontmatter.load(p) for p in (tmp_path / "docs" / "articles").glob("*.md") if p.name != "index.md"}
    assert len(built) == len(AWKWARD_NAMES) + len(TRAPS) + 2
    seeds_of = {post["seed"].rsplit("/", 1)[-1]: post for post in built.values()}
    for name, title in {**AWKWARD_NAMES, **TRAPS}.items():
        assert name in seeds_of, name
    for name, title in AWKWARD_NAMES.items():
        assert seeds_of[name]["title"] == title
    assert seeds_of["colon.txt"]["title"] == TRAPS["colon.txt"]
    assert seeds_of["dash.txt"]["title"].startswith("- a headline")
    assert seeds_of["brace.txt"]["title"].startswith("{curly}")
    for page in built:
        slug = page.removesuffix(".md")
        assert slug and slug not in (".", "..") and "/" not in slug and len(slug) <= 200, slug
        assert all(c.isalnum() or c == "-" for c in slug), slug
        assert not re.fullmatch(r"index|page-\d+", slug), slug  # the articles list's own pages
    injected = seeds_of["own_front_matter.txt"]
    assert injected["title"] != "Injected" and ".." not in injected["slug"]
    assert report.exit_code == 0

    (tmp_path / "site").mkdir()
    site = build_site(tmp_path / "site", seeds)  # the strict build, over the same input
    assert (site / "articles").is_dir()
