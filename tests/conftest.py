from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.freshness import record_path
from generator.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"


BBC = ROOT.parent / "shared" / "corpora" / "bbc"


@pytest.fixture(scope="session")
def bbc_project(tmp_path_factory) -> Path:
    """A 1,000-article archive made from the BBC corpus by bench/make_corpus.py, built
    into a site with the project's configuration (shared by the search parity tests and
    the validators at scale): PROJECT/docs, PROJECT/index, PROJECT/site."""
    import subprocess
    import sys

    from tests.test_build import build_site

    assert BBC.is_dir(), f"the BBC corpus is expected at {BBC}"
    tmp = tmp_path_factory.mktemp("bbc-1000")
    seeds = tmp / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(seeds), "--count", "1000"], check=True, capture_output=True)
    site = build_site(tmp, seeds, jobs=2)
    return site.parent


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of the project's seeds."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def run_build(tmp_path: Path, seeds: Path, **kwargs):
    options = BuildOptions(seeds=seeds, docs=tmp_path / "docs", index=tmp_path / "index", **kwargs)
    return build(options)


def full_rebuild(tmp_path: Path, seeds: Path, **kwargs):
    """run_build past the check that nothing changed (generator/freshness.py): what a
    rebuild does once anything has."""
    record_path(tmp_path / "index").unlink(missing_ok=True)
    return run_build(tmp_path, seeds, **kwargs)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
