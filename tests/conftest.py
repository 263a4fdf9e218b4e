from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of the project's seeds."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def run_build(tmp_path: Path, seeds: Path, **kwargs):
    options = BuildOptions(seeds=seeds, docs=tmp_path / "docs", index=tmp_path / "index", **kwargs)
    return build(options)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
