"""Pages outside the navigation are rendered from a shell (generator/shell.py): Material's
template once per folder, filled in per page. The site must be byte-identical to one
where every page gets Material's full render, on the seeds and on 1,000 articles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

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
