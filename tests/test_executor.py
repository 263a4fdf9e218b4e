"""Extraction on a Dask cluster (`archive build --executor dask --scheduler ADDRESS`): a
LocalCluster of worker processes stands in for a real cluster. The output must be the
same bytes as a local build's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.pipeline import BuildOptions, build
from tests.conftest import ROOT, tree_bytes

distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed (make test installs it)")


def test_dask_executor_builds_the_same_archive_as_local_processes(tmp_path, seed_copy):
    local = build(BuildOptions(seeds=seed_copy, docs=tmp_path / "local" / "docs", index=tmp_path / "local" / "index"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = build(BuildOptions(seeds=seed_copy, docs=tmp_path / "dask" / "docs", index=tmp_path / "dask" / "index",
                                    executor="dask", scheduler=cluster.scheduler_address))
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert remote.extracted == local.extracted == 5 and not remote.errors
    assert tree_bytes(tmp_path / "dask" / "docs") == tree_bytes(tmp_path / "local" / "docs")
    assert tree_bytes(tmp_path / "dask" / "index") == tree_bytes(tmp_path / "local" / "index")


def test_unreachable_scheduler_is_a_clear_error(tmp_path, seed_copy):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-q", "--seeds", str(seed_copy), "--docs", str(tmp_path / "docs"),
         "--index", str(tmp_path / "index"), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr and "Traceback" not in result.stderr


def test_dask_without_a_scheduler_is_refused(tmp_path, seed_copy):
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--seeds", str(seed_copy), "--executor", "dask"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "--scheduler ADDRESS" in result.stderr
