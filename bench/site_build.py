"""Site build benchmark: the archive's `mkdocs build` against plain MkDocs building the
same article Markdown (Material theme, no plugin, no index pages), side by side in one
run, for synthetic corpora made by bench/make_corpus.py from the BBC corpus.

    python bench/site_build.py 1000 10000      # prints a Markdown table

For each N: the pipeline (`archive build`), then our `mkdocs build` (generation off: the
pipeline just ran), then plain MkDocs on a copy of docs/articles/*.md only."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PLAIN_CONFIG = """site_name: Plain
theme:
  name: material
  font: false
nav:
  - Home: index.md
not_in_nav: |
  /articles/*.md
"""


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    return time.perf_counter() - start


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench(n: int, work: Path, jobs: int) -> dict:
    project = work / f"archive-{n}"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write("\n")
    text = (project / "mkdocs.yml").read_text().replace("  - archive\n", "  - archive:\n      generate: never\n")
    (project / "mkdocs.yml").write_text(text)
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(project / "seeds"), "--count", str(n)], project)
    pipeline = run([str(BIN / "archive"), "build", "-q", "--jobs", str(jobs)], project)
    ours = run([str(BIN / "mkdocs"), "build", "-q"], project)
    pages = sum(1 for _ in (project / "site").rglob("index.html"))

    plain = work / f"plain-{n}"
    (plain / "docs").mkdir(parents=True)
    shutil.copytree(project / "docs" / "articles", plain / "docs" / "articles")
    (plain / "docs" / "index.md").write_text("# Plain\n")
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG)
    plain_time = run([str(BIN / "mkdocs"), "build", "-q"], plain)
    plain_pages = sum(1 for _ in (plain / "site").rglob("index.html"))
    return {"n": n, "pipeline": pipeline, "ours": ours, "pages": pages, "plain": plain_time, "plain_pages": plain_pages}


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    jobs = int(os.environ.get("JOBS", "2"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as tmp:
        for n in sizes:
            rows.append(bench(n, Path(tmp), jobs))
            print(f"done {n}", file=sys.stderr)
    print(f"| articles | pipeline (--jobs {jobs}) | our mkdocs build | pages | plain MkDocs | pages | ours / plain | whole build / plain |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['pipeline']:.1f} s | {r['ours']:.1f} s | {r['pages']:,} | {r['plain']:.1f} s | {r['plain_pages']:,} "
            f"| {r['ours'] / r['plain']:.2f}x | {(r['pipeline'] + r['ours']) / r['plain']:.2f}x |"
        )
    print(f"peak memory of any child process: {children_peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
