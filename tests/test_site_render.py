"""Pages outside the navigation are rendered from a shell (generator/shell.py): Material's
template once per folder, filled in per page. The site must be byte-identical to one
where every page gets Material's full render, on the seeds and on 1,000 articles."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.plugin import link_file
from tests.conftest import tree_bytes
from tests.test_build import build_site


@pytest.fixture(scope="module", params=["seeds", "bbc-1000"])
def project(request, tmp_path_factory) -> Path:
    if request.param == "bbc-1000":
        return request.getfixturevalue("bbc_project")
    from tests.conftest import SEEDS

    tmp = tmp_path_factory.mktemp("render-seeds")
    return build_site(tmp, SEEDS).parent


def test_shell_rendering_is_byte_identical_to_full_rendering(project, tmp_path):
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - archive\n" in text
    (project / "mkdocs-full.yml").write_text(text.replace("  - archive\n", "  - archive:\n      shell_pages: false\n"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs-full.yml", "-d", str(tmp_path / "full")],
        cwd=project, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    shelled, full = tree_bytes(project / "site"), tree_bytes(tmp_path / "full")
    assert shelled.keys() == full.keys()
    different = [name for name in shelled if shelled[name] != full[name]]
    assert not different, different[:10]


def test_most_pages_come_from_a_shell(project, tmp_path):
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    plugin = config.plugins["archive"]
    pages = len(list(tmp_path.joinpath("site").rglob("index.html")))
    assert plugin.shells.filled >= pages - 20, (plugin.shells.filled, pages)  # all but the pages in the nav
    assert len(plugin.shells.shells) <= max(10, pages // 20)  # one per folder (and toc or not)


def test_files_the_generator_wrote_are_linked_into_the_site_others_copied(project, tmp_path):
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    build(config)  # over the first build's site
    docs, site = project / "docs", tmp_path / "site"
    for name in ["search/manifest.json", "search/facets.json", "export/archive.json"]:
        assert os.path.samefile(docs / name, site / name), name
    raw = next((docs / "raw").iterdir())
    assert os.path.samefile(raw, site / "raw" / raw.name)
    hand_written = next(p for p in (docs / "assets").rglob("*") if p.is_file())
    copy = site / hand_written.relative_to(docs)
    assert copy.read_bytes() == hand_written.read_bytes() and not os.path.samefile(hand_written, copy)


def test_a_linked_file_follows_the_generator_and_falls_back_to_a_copy(tmp_path, monkeypatch):
    source, target = tmp_path / "docs" / "a.json", tmp_path / "site" / "a.json"
    source.parent.mkdir()
    source.write_text("old")
    copies = []
    file = SimpleNamespace(abs_src_path=str(source), abs_dest_path=str(target), is_modified=lambda: True)
    link_file(file, copies.append)
    assert os.path.samefile(source, target)
    fresh = tmp_path / "docs" / "a.json.tmp"
    fresh.write_text("new")
    os.replace(fresh, source)  # as the generator writes: a new file renamed over the old
    assert target.read_text() == "old"  # the site keeps what it was built from...
    link_file(file, copies.append)
    assert target.read_text() == "new" and os.path.samefile(source, target)  # ...until the next build
    assert not copies

    def no_links(*args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    link_file(file, copies.append)
    assert copies == [False]  # MkDocs' own copy, called as MkDocs calls it


def test_compiled_templates_are_kept_between_builds_and_follow_their_source(tmp_path):
    from tests.conftest import SEEDS

    site = build_site(tmp_path, SEEDS)
    project = site.parent
    kept = sorted((project / ".archive" / "templates").glob("__jinja2_*.cache"))
    assert len(kept) >= 20  # Material's templates and ours
    first = tree_bytes(site)

    def mkdocs_build():
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
            cwd=project, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
        )
        assert result.returncode == 0, result.stderr

    mkdocs_build()  # from the kept templates
    assert tree_bytes(site) == first
    template = project / "overrides" / "partials" / "archive-content.html"
    template.write_text(template.read_text(encoding="utf-8").replace('<dt>Seed</dt>', '<dt>Seed file</dt>'), encoding="utf-8")
    mkdocs_build()
    article = next((site / "articles").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<dt>Seed file</dt>" in article  # an edited template is compiled again
