"""`mkdocs serve` with the archive plugin, as a person editing seeds uses it: a new seed
saved half-written (a truncated file, then invalid bytes) does not stop the server, and
once it is completed its page appears with the whole text."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, ""
    except OSError:
        return 0, ""


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting {seconds:.0f} s for {what}")


@pytest.fixture
def served_project(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    for name in ("benchmarks.md", "scaling.md"):
        shutil.copy(ROOT / "docs" / name, project / "docs" / name)
    shutil.copytree(SEEDS, project / "seeds")
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(lambda: _get(url)[0] == 200, 120, "mkdocs serve to start")
        yield project, url, tmp_path / "serve.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_half_written_seed_then_completed(served_project):
    project, url, log = served_project
    seed = project / "seeds" / "late_arrival.txt"
    page = url + "articles/harbour-pilots-vote-to-strike-over-pay/"
    # Saved half-way: a headline and a sentence cut off, then a few bytes of a multi-byte
    # character as an editor might flush them.
    seed.write_bytes("Harbour pilots vote to strike over pay\n\nThe pilots who guide ships into the harbour voted on".encode() + b"\xe2\x80")
    time.sleep(4)
    assert _get(url)[0] == 200, "the server stopped answering after a half-written seed"
    # Completed.
    seed.write_text(
        "Harbour pilots vote to strike over pay\n\n"
        "The pilots who guide ships into the harbour voted on Tuesday to strike next month, their union said.\n\n"
        "\"We have asked for a fair settlement for two years,\" said Maria Lindqvist, the union's secretary.\n",
        encoding="utf-8",
    )
    text = _wait_for(lambda: (lambda r: r[1] if r[0] == 200 and "their union said" in r[1] else None)(_get(page)), 90,
                     "the completed seed's page")
    assert "Maria Lindqvist" in text and "\ufffd" not in text
    assert _get(url)[0] == 200
    assert "Traceback" not in log.read_text()
